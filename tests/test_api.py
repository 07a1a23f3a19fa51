"""Estimator protocol, containers and dtypes of the smote_fast samplers."""

import pickle
import re
import subprocess
import sys

import numpy as np
import pytest
from scipy import sparse

import smote_fast
from smote_fast import SMOTE


def data(n_features=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(60, n_features))
    y = np.array([0] * 40 + [1] * 20)
    return X, y


def test_import_loads_neither_sklearn_nor_pandas():
    code = ("import sys, smote_fast; "
            "print([m for m in ('sklearn', 'imblearn', 'pandas') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_keyword_only_constructor():
    with pytest.raises(TypeError, match="positional argument"):
        SMOTE("auto")


def test_get_set_params_and_repr():
    sampler = SMOTE(random_state=1, sampling_strategy="all")
    assert sorted(sampler.get_params()) == ["k_neighbors", "n_jobs", "random_state",
                                            "sampling_strategy"]
    assert repr(sampler) == "SMOTE(random_state=1, sampling_strategy='all')"
    assert sampler.set_params(k_neighbors=3) is sampler and sampler.k_neighbors == 3
    with pytest.raises(ValueError, match=re.escape(
            "Invalid parameter 'foo' for estimator SMOTE(k_neighbors=3, random_state=1, "
            "sampling_strategy='all'). Valid parameters are: ['k_neighbors', 'n_jobs', "
            "'random_state', 'sampling_strategy'].")):
        sampler.set_params(foo=1)


def test_nested_params_of_a_neighbours_object():
    neighbors = pytest.importorskip("sklearn.neighbors")
    sampler = SMOTE(k_neighbors=neighbors.NearestNeighbors(n_neighbors=6))
    assert sampler.get_params()["k_neighbors__n_neighbors"] == 6
    sampler.set_params(k_neighbors__n_neighbors=4)
    assert sampler.k_neighbors.n_neighbors == 4


def test_clone_and_pickle():
    base = pytest.importorskip("sklearn.base")
    X, y = data()
    sampler = SMOTE(random_state=3, k_neighbors=4)
    clone = base.clone(sampler)
    assert clone is not sampler and clone.get_params() == sampler.get_params()
    restored = pickle.loads(pickle.dumps(sampler.fit(X, y)))
    np.testing.assert_array_equal(restored.fit_resample(X, y)[0],
                                  sampler.fit_resample(X, y)[0])


@pytest.mark.parametrize("params, message", [
    ({"k_neighbors": 0}, "The 'k_neighbors' parameter of SMOTE must be an int in the range "
                         "[1, inf) or an object implementing 'kneighbors' and "
                         "'kneighbors_graph'. Got 0 instead."),
    ({"k_neighbors": 5.0}, "The 'k_neighbors' parameter of SMOTE must be"),
    ({"random_state": -1}, "The 'random_state' parameter of SMOTE must be an int in the range "
                           "[0, 4294967295], an instance of 'numpy.random.mtrand.RandomState' "
                           "or None. Got -1 instead."),
    ({"sampling_strategy": "majority"}, "The 'sampling_strategy' parameter of SMOTE must be "
                                        "a float in the range (0.0, 1.0], a str among"),
    ({"sampling_strategy": 1.5}, "Got 1.5 instead."),
    ({"n_jobs": 0}, "The 'n_jobs' parameter of SMOTE must be an int other than 0 or None. "
                    "Got 0 instead."),
])
def test_invalid_parameters_raise_at_fit(params, message):
    X, y = data()
    sampler = SMOTE(**params)  # nothing is validated in the constructor
    for method in (sampler.fit, sampler.fit_resample):
        with pytest.raises(ValueError, match=re.escape(message)) as info:
            method(X, y)
        assert isinstance(info.value, TypeError)  # InvalidParameterError is both


def test_fit_sets_strategy_but_no_neighbours():
    X, y = data()
    sampler = SMOTE().fit(X, y)
    assert dict(sampler.sampling_strategy_) == {1: 20}
    assert sampler.n_features_in_ == 3 and not hasattr(sampler, "nn_k_")


def test_fit_resample_rejects_extra_params():
    X, y = data()
    with pytest.raises(TypeError, match="unexpected keyword argument 'sample_weight'"):
        SMOTE().fit_resample(X, y, sample_weight=np.ones(60))


def test_feature_names():
    pd = pytest.importorskip("pandas")
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
    pd = pytest.importorskip("pandas")
    X, y = data()
    X_list, y_list = SMOTE(random_state=0).fit_resample(X.tolist(), y.tolist())
    assert isinstance(X_list, list) and isinstance(y_list, list) and len(X_list) == 80
    frame = pd.DataFrame(X, columns=["a", "b", "c"], index=np.arange(100, 160))
    series = pd.Series(y.astype(np.int32), name="target", index=frame.index)
    X_res, y_res = SMOTE(random_state=0).fit_resample(frame, series)
    assert y_res.name == "target" and y_res.dtype == np.int32
    assert list(X_res.index) == list(range(80)) and list(y_res.index) == list(range(80))


@pytest.mark.parametrize("to_sparse, expected_type", [
    (sparse.csr_matrix, sparse.csr_matrix), (sparse.csc_matrix, sparse.csc_matrix),
    (sparse.csr_array, sparse.csr_array), (sparse.csc_array, sparse.csc_array),
    (sparse.coo_matrix, sparse.csr_matrix),
])
def test_sparse_formats(to_sparse, expected_type):
    X, y = data()
    X[X < 0.3] = 0
    X_res, _ = SMOTE(random_state=0).fit_resample(to_sparse(X), y)
    assert type(X_res) is expected_type
    np.testing.assert_array_equal(X_res.toarray(),
                                  SMOTE(random_state=0).fit_resample(X, y)[0])


def test_one_hot_target_keeps_its_shape():
    X, y = data()
    one_hot = np.eye(2, dtype=np.int64)[y]
    _, y_res = SMOTE(random_state=0).fit_resample(X, one_hot)
    assert y_res.shape == (80, 2)
    np.testing.assert_array_equal(y_res.argmax(axis=1),
                                  SMOTE(random_state=0).fit_resample(X, y)[1])


def test_integer_data_does_not_wrap_around():
    X = np.array([[250, 5], [10, 200], [240, 20], [0, 255], [255, 0], [5, 250]] * 5,
                 dtype=np.uint8)
    y = np.array([0, 1] * 15)
    y[:4] = 1
    X_res, _ = SMOTE(random_state=0, k_neighbors=3).fit_resample(X, y)
    assert X_res.dtype == np.uint8
    synthetic = X_res[len(X):].astype(np.int64)
    low, high = X.min(axis=0), X.max(axis=0)
    assert ((synthetic >= low) & (synthetic <= high)).all()


def test_bool_data_raises_like_numpy():
    X, y = data()
    with pytest.raises(TypeError, match="numpy boolean subtract"):
        SMOTE(random_state=0).fit_resample(X > 0, y)


def test_n_jobs_never_changes_results():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20000, 12))
    y = (rng.uniform(size=20000) < 0.1).astype(int)
    one = SMOTE(random_state=5, n_jobs=1).fit_resample(X, y)[0]
    two = SMOTE(random_state=5, n_jobs=2).fit_resample(X, y)[0]
    np.testing.assert_array_equal(one, two)


def test_works_inside_imblearn_pipeline_and_search():
    pytest.importorskip("imblearn")
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
    assert search.best_params_["smote__k_neighbors"] in (3, 5)


def test_show_config_reports_openmp(capsys):
    from smote_fast._openmp_helpers import openmp_enabled

    smote_fast.show_config()
    expected = "OpenMP: enabled" if openmp_enabled() else "OpenMP: disabled"
    assert expected in capsys.readouterr().out
