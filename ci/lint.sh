#!/usr/bin/env bash
# Style checks: ruff (lint and format) for Python, cython-lint for the kernels.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${VENV:-.venv}"
"$VENV/bin/python" -m pip --disable-pip-version-check -q install ruff cython-lint pycodestyle
export PATH="$PWD/$VENV/bin:$PATH"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
"$VENV/bin/cython-lint" smote_fast/
