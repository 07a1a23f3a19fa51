#!/usr/bin/env bash
# The README's test command: install everything the tests need, then run the
# whole test suite (unit, differential against imbalanced-learn, imbalanced-
# learn's own test files) after checking a wheel install without scikit-learn.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${VENV:-.venv}"
bash ci/install.sh
if [[ "${SMOTE_FAST_SKIP_WHEEL_CHECK:-0}" != 1 ]]; then
  bash ci/wheel_check.sh
fi
exec "$VENV/bin/pytest" "$@"
