#!/usr/bin/env bash
# Build a wheel and install it in a fresh environment with numpy and scipy only:
# smote_fast must import without scikit-learn/pandas and SMOTE must run. Then
# check the .pyi stubs of every compiled module against the installed wheel
# (an editable install hides the extension modules from stubtest).
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

# Stub check, after the import checks above (mypy must not be present for them).
"$work/venv/bin/python" -m pip --disable-pip-version-check -q install mypy
"$work/venv/bin/python" - > "$work/compiled.txt" <<'PY'
import pathlib

import smote_fast

for path in sorted(pathlib.Path(smote_fast.__file__).parent.iterdir()):
    if path.suffix in (".so", ".pyd"):
        name = path.name.split(".")[0]
        # stubtest passes a module without any stub: require one
        assert path.with_name(name + ".pyi").exists(), f"{name} has no .pyi stub"
        print("smote_fast." + name)
PY
mapfile -t compiled < "$work/compiled.txt"
(( ${#compiled[@]} >= 8 )) || { echo "wheel check: found only ${compiled[*]}" >&2; exit 1; }
"$work/venv/bin/python" -m mypy.stubtest --concise "${compiled[@]}"
echo "wheel check: stubs match ${#compiled[@]} compiled modules"
