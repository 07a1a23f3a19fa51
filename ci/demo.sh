#!/usr/bin/env bash
# The README's main job: install smote_fast with imbalanced-learn, scikit-learn
# and matplotlib, then resample the tutorial data set with every sampler, side
# by side with imbalanced-learn, and write a before/after scatter plot.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${VENV:-.venv}"
EXTRAS=bench bash ci/install.sh
exec "$VENV/bin/python" -m smote_fast demo "$@"
