#!/usr/bin/env bash
# The README's test command: install everything the tests need, check style and
# formatting, check a wheel install without scikit-learn (and its stubs against
# the compiled modules), then run the whole test suite (unit, differential
# against imbalanced-learn, imbalanced-learn's own test files).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${VENV:-.venv}"
bash ci/install.sh
bash ci/lint.sh
if [[ "${SMOTE_FAST_SKIP_WHEEL_CHECK:-0}" != 1 ]]; then
  bash ci/wheel_check.sh
fi
exec "$VENV/bin/pytest" "$@"
