"""polars in, polars out: every sampler, with the real polars package."""

import subprocess
import sys

import numpy as np
import pytest
from _support import require

from smote_fast import VARIANTS

pl = require("polars")

VARIANT_IDS = [variant.key for variant in VARIANTS]


def data(seed=0, n=(150, 50)):
    rng = np.random.RandomState(seed)
    X = np.vstack([rng.normal(size=(n[0], 3)), rng.normal(0.8, 1.0, size=(n[1], 3))])
    y = np.repeat([0, 1], n)
    return X, y


@pytest.mark.parametrize("variant", VARIANTS, ids=VARIANT_IDS)
def test_polars_frame_and_series_round_trip(variant):
    X, y = data()
    frame = pl.DataFrame({"amount": X[:, 0], "age": X[:, 1], "score": X[:, 2]})
    labels = pl.Series("fraud", y)
    params = dict(variant.example_params)
    if "random_state" in variant.cls._get_param_names():
        params["random_state"] = 0
    X_res, y_res = variant.make(**params).fit_resample(frame, labels)
    X_ref, y_ref = variant.make(**params).fit_resample(X, y)
    assert isinstance(X_res, pl.DataFrame) and isinstance(y_res, pl.Series)
    assert X_res.columns == ["amount", "age", "score"]
    assert X_res.dtypes == frame.dtypes and y_res.dtype == labels.dtype
    assert y_res.name == "fraud"
    np.testing.assert_array_equal(X_res.to_numpy(), X_ref)
    np.testing.assert_array_equal(y_res.to_numpy(), y_ref)


def test_polars_keeps_column_dtypes_and_string_labels():
    X, y = data(1)
    frame = pl.DataFrame(
        {"count": np.round(X[:, 0] * 10).astype(np.int32), "ratio": X[:, 1].astype(np.float32)}
    )
    labels = pl.Series("kind", np.where(y == 1, "rare", "common"))
    sampler = VARIANTS[0].make(random_state=0)
    X_res, y_res = sampler.fit_resample(frame, labels)
    assert X_res.schema == frame.schema
    assert y_res.dtype == pl.String and set(y_res.to_list()) == {"rare", "common"}
    assert list(sampler.feature_names_in_) == ["count", "ratio"]
    assert y_res.to_list().count("rare") == y_res.to_list().count("common") == 150
    X_ref, _ = VARIANTS[0].make(random_state=0).fit_resample(frame.to_numpy(), y)
    # the int32 column comes back truncated toward zero, as numpy's astype
    np.testing.assert_array_equal(X_res["count"].to_numpy(), X_ref[:, 0].astype(np.int32))


def test_polars_y_with_numpy_X_and_numpy_y_with_polars_X():
    X, y = data(2)
    X_res, y_res = VARIANTS[0].make(random_state=0).fit_resample(X, pl.Series("y", y))
    assert isinstance(X_res, np.ndarray) and isinstance(y_res, pl.Series)
    frame = pl.DataFrame(X, schema=["a", "b", "c"], orient="row")
    X_res, y_res = VARIANTS[0].make(random_state=0).fit_resample(frame, y)
    assert isinstance(X_res, pl.DataFrame) and isinstance(y_res, np.ndarray)


def test_polars_one_column_frame_as_y():
    X, y = data(3)
    X_res, y_res = VARIANTS[0].make(random_state=0).fit_resample(X, pl.DataFrame({"t": y}))
    assert isinstance(y_res, pl.DataFrame) and y_res.columns == ["t"]
    assert y_res.height == len(X_res)


def test_lazy_frame_is_a_clear_error():
    X, y = data(4)
    lazy = pl.DataFrame(X, schema=["a", "b", "c"], orient="row").lazy()
    with pytest.raises(TypeError, match=r"\.collect\(\)"):
        VARIANTS[0].make().fit_resample(lazy, y)


def test_polars_is_not_imported_for_numpy_input():
    code = (
        "import sys, numpy as np, smote_fast; "
        "X = np.random.RandomState(0).normal(size=(60, 2)); y = [0] * 45 + [1] * 15; "
        "smote_fast.SMOTE(random_state=0).fit_resample(X, y); "
        "print('polars' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "False"
