#!/usr/bin/env bash
# Create (or reuse) a virtual environment with the build and test dependencies
# from PyPI, and install smote_fast into it in editable mode.
#   VENV   where the environment lives (default: .venv in the repository)
#   PYTHON interpreter used to create it (default: python3)
#   EXTRAS optional dependency groups to install (default: test)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${VENV:-.venv}"
PYTHON="${PYTHON:-python3}"
EXTRAS="${EXTRAS:-test}"

if [[ ! -x "$VENV/bin/python" ]]; then
  "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
"${PIP[@]}" install --upgrade pip
# Build requirements first: the editable install runs without build isolation
# so that edits to .pyx files rebuild with these same tools. (scipy is a runtime
# dependency only: no kernel cimports it.)
"${PIP[@]}" install "meson-python>=0.17" "meson>=1.5" ninja "Cython>=3.1" "numpy>=2.0"
"${PIP[@]}" install --no-build-isolation -e ".[$EXTRAS]"
"$VENV/bin/python" -c "import smote_fast; smote_fast.show_config()"
