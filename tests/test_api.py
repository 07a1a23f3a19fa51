"""Estimator protocol, containers and dtypes of the smote_fast samplers."""

import pickle
import re
import subprocess
import sys

import numpy as np
import pytest
from _support import by_key, gaussian_classes, imblearn_class, ours, require, variants
from scipy import sparse

import smote_fast
from smote_fast import SMOTE


def data(n_features=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(60, n_features))
    y = np.array([0] * 40 + [1] * 20)
    return X, y


def test_import_loads_neither_sklearn_nor_pandas():
    code = (
        "import sys, smote_fast; "
        "print([m for m in ('sklearn', 'imblearn', 'pandas') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"


def test_get_set_params_and_repr():
    sampler = SMOTE(random_state=1, sampling_strategy="all")
    assert sorted(sampler.get_params()) == [
        "k_neighbors",
        "n_jobs",
        "random_state",
        "sampling_strategy",
    ]
    assert repr(sampler) == "SMOTE(random_state=1, sampling_strategy='all')"
    assert sampler.set_params(k_neighbors=3) is sampler and sampler.k_neighbors == 3
    with pytest.raises(
        ValueError,
        match=re.escape(
            "Invalid parameter 'foo' for estimator SMOTE(k_neighbors=3, random_state=1, "
            "sampling_strategy='all'). Valid parameters are: ['k_neighbors', 'n_jobs', "
            "'random_state', 'sampling_strategy']."
        ),
    ):
        sampler.set_params(foo=1)


def test_nested_params_of_a_neighbours_object():
    neighbors = require("sklearn.neighbors")
    sampler = SMOTE(k_neighbors=neighbors.NearestNeighbors(n_neighbors=6))
    assert sampler.get_params()["k_neighbors__n_neighbors"] == 6
    sampler.set_params(k_neighbors__n_neighbors=4)
    assert sampler.k_neighbors.n_neighbors == 4


@pytest.mark.parametrize("key", variants())
def test_clone_and_pickle(key):
    base = require("sklearn.base")
    X, y = gaussian_classes(np.random.RandomState(1), [200, 100], 3)
    neighbours = {name: 4 for name in by_key(key).neighbor_params[:1]}
    sampler = ours(key, random_state=3, **neighbours)
    clone = base.clone(sampler)
    assert clone is not sampler and clone.get_params() == sampler.get_params()
    restored = pickle.loads(pickle.dumps(sampler.fit(X, y)))
    X_restored = restored.fit_resample(X, y)[0]
    assert len(X_restored) != len(X)
    np.testing.assert_array_equal(X_restored, sampler.fit_resample(X, y)[0])


def test_fit_sets_strategy_but_no_neighbours():
    X, y = data()
    sampler = SMOTE().fit(X, y)
    assert dict(sampler.sampling_strategy_) == {1: 20}
    assert sampler.n_features_in_ == 3 and not hasattr(sampler, "nn_k_")


def test_feature_names():
    pd = require("pandas")
    X, y = data()
    with pytest.raises(ValueError, match="not fitted yet"):
        SMOTE().get_feature_names_out()
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    sampler = SMOTE(random_state=0)
    X_res, _ = sampler.fit_resample(frame, y)
    assert list(X_res.columns) == ["a", "b", "c"]
    np.testing.assert_array_equal(sampler.get_feature_names_out(), ["a", "b", "c"])
    sampler.fit(X, y)
    assert not hasattr(sampler, "feature_names_in_")
    np.testing.assert_array_equal(sampler.get_feature_names_out(), ["x0", "x1", "x2"])


def test_containers_are_restored():
    pd = require("pandas")
    X, y = data()
    X_list, y_list = SMOTE(random_state=0).fit_resample(X.tolist(), y.tolist())
    assert isinstance(X_list, list) and isinstance(y_list, list) and len(X_list) == 80
    frame = pd.DataFrame(X, columns=["a", "b", "c"], index=np.arange(100, 160))
    series = pd.Series(y.astype(np.int32), name="target", index=frame.index)
    X_res, y_res = SMOTE(random_state=0).fit_resample(frame, series)
    assert y_res.name == "target" and y_res.dtype == np.int32
    assert list(X_res.index) == list(range(80)) and list(y_res.index) == list(range(80))


@pytest.mark.parametrize(
    "to_sparse, expected_type",
    [
        (sparse.csr_matrix, sparse.csr_matrix),
        (sparse.csc_matrix, sparse.csc_matrix),
        (sparse.csr_array, sparse.csr_array),
        (sparse.csc_array, sparse.csc_array),
        (sparse.coo_matrix, sparse.csr_matrix),
    ],
)
@pytest.mark.parametrize("key", variants(sklearn=False))
def test_sparse_formats(key, to_sparse, expected_type):
    X, y = data()
    X[X < 0.3] = 0
    X_res, _ = ours(key, random_state=0).fit_resample(to_sparse(X), y)
    assert type(X_res) is expected_type
    np.testing.assert_array_equal(X_res.toarray(), ours(key, random_state=0).fit_resample(X, y)[0])


def test_one_hot_target_keeps_its_shape():
    X, y = data()
    one_hot = np.eye(2, dtype=np.int64)[y]
    _, y_res = SMOTE(random_state=0).fit_resample(X, one_hot)
    assert y_res.shape == (80, 2)
    np.testing.assert_array_equal(y_res.argmax(axis=1), SMOTE(random_state=0).fit_resample(X, y)[1])


def test_works_inside_imblearn_pipeline_and_search():
    require("imblearn")
    require("sklearn")
    from imblearn.pipeline import make_pipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, cross_val_score

    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] + 0.5 * rng.normal(size=300) > 1.2).astype(int)
    pipeline = make_pipeline(SMOTE(random_state=0), LogisticRegression())
    scores = cross_val_score(pipeline, X, y, cv=3)
    assert scores.shape == (3,) and np.isfinite(scores).all()
    search = GridSearchCV(pipeline, {"smote__k_neighbors": [3, 5]}, cv=3).fit(X, y)
    # a failing fit would be scored NaN (error_score) rather than raise
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_show_config_reports_openmp(capsys):
    from _support import openmp_enabled

    smote_fast.show_config()
    expected = "OpenMP: enabled" if openmp_enabled() else "OpenMP: disabled"
    assert expected in capsys.readouterr().out


def test_plain_input_imports_neither_pandas_nor_scikit_learn():
    """Decision 6: no imbalanced-learn / scikit-learn at run time (except SVMSMOTE's
    default SVC), pandas only for pandas input."""
    import subprocess
    import sys

    code = """
import sys
import numpy as np
import smote_fast
rng = np.random.RandomState(0)
X, y = rng.normal(size=(60, 3)), np.repeat([0, 1], [40, 20])
from smote_fast._roster import VARIANTS
# SMOTENC/SMOTEN fit scikit-learn's encoder, when it is installed, to expose
# categorical_encoder_ as imbalanced-learn does: left out here
plain = [v for v in VARIANTS if not v.needs_sklearn and v.kind != "nominal over-sampling"]
names = [v.key for v in plain]
for v in plain:
    seed = {"random_state": 0} if "random_state" in v.cls._get_param_names() else {}
    v.make(**seed).fit_resample(X, y)
loaded = sorted(m for m in ("pandas", "sklearn", "imblearn") if m in sys.modules)
print(",".join(names), "|", ",".join(loaded))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    names, loaded = (part.strip() for part in proc.stdout.strip().splitlines()[-1].split("|"))
    assert "smote" in names.split(",") and "adasyn" in names.split(",")
    assert loaded == "", f"fit_resample on numpy input imported {loaded}"


def test_svmsmote_parameters_and_attributes():
    SVMSMOTE = ours("svmsmote").__class__
    imb_keys = set(imblearn_class("svmsmote")().get_params())
    assert set(SVMSMOTE().get_params()) == imb_keys | {"n_jobs"}
    assert set(SVMSMOTE._parameter_constraints) == imb_keys | {"n_jobs"}
    X, y = gaussian_classes(np.random.RandomState(23), [240, 120, 60], 4, shift=1.2)
    sampler = SVMSMOTE(random_state=7)
    sampler.fit_resample(X, y)
    assert repr(sampler.svm_estimator_) == "SVC(random_state=7)"
    assert sampler.nn_m_.n_samples_fit_ == len(y)
    assert sampler.nn_k_.n_samples_fit_ == np.count_nonzero(y == 2)  # last class
    assert repr(SVMSMOTE(out_step=0.2, m_neighbors=7)) == "SVMSMOTE(m_neighbors=7, out_step=0.2)"
