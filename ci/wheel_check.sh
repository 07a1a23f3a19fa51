#!/usr/bin/env bash
# Build a wheel and install it in a fresh environment with numpy and scipy only:
# smote_fast must import without scikit-learn/pandas and SMOTE must run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/python" -m pip --disable-pip-version-check -q install --upgrade pip
"$work/venv/bin/python" -m pip --disable-pip-version-check -q wheel --no-deps -w "$work/dist" .
"$work/venv/bin/python" -m pip --disable-pip-version-check -q install "$work"/dist/smote_fast-*.whl
cd "$work"
"$work/venv/bin/python" - <<'PY'
import sys

import numpy as np

import smote_fast

for module in ("sklearn", "imblearn", "pandas", "dask", "distributed"):
    assert module not in sys.modules, f"importing smote_fast imported {module}"
rng = np.random.RandomState(0)
X = rng.normal(size=(200, 3))
y = np.array([0] * 180 + [1] * 20)
X_res, y_res = smote_fast.SMOTE(random_state=0).fit_resample(X, y)
assert X_res.shape == (360, 3) and np.bincount(y_res).tolist() == [180, 180]
if hasattr(smote_fast, "SVMSMOTE"):
    try:
        smote_fast.SVMSMOTE().fit_resample(X, y)
    except ImportError as exc:
        assert "smote_fast[sklearn]" in str(exc), exc
    else:
        raise AssertionError("SVMSMOTE ran without scikit-learn")
for module in ("sklearn", "imblearn", "dask"):
    assert module not in sys.modules, f"running SMOTE imported {module}"
print("wheel check: smote_fast installs, imports and resamples without scikit-learn")
PY
