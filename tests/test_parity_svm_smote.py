"""SVMSMOTE against imbalanced-learn's, element for element, on tie-free data (the
parity specific to SVMSMOTE: its SVM, user estimators, fit counts).

smote_fast fits the SVM once per ``fit_resample`` call where imbalanced-learn refits it
for every class; the tests check that the output, the fitted attributes and the random
numbers consumed (sampler's generator, numpy's global one, a user estimator's own) are
nonetheless identical, and count the fits.
"""

import numpy as np
import pytest
from _support import gaussian_classes, imblearn_class, require
from scipy import sparse

from smote_fast import SVMSMOTE, ExactNearestNeighbors

require("sklearn")
ImbSVMSMOTE = imblearn_class("svmsmote")
from sklearn.neighbors import NearestNeighbors  # noqa: E402
from sklearn.svm import SVC, NuSVC  # noqa: E402

# --------------------------------------------------------------------------- data


def gaussian(n_classes=2, n_features=4, seed=0, n_max=240, shift=1.2, dtype="float64"):
    """Overlapping Gaussian classes (danger and safe support vectors both occur),
    rows shuffled; continuous, hence tie-free with probability one."""
    counts = [n_max, n_max // 2, n_max // 4, n_max // 5][:n_classes]
    return gaussian_classes(
        np.random.RandomState(seed), counts, n_features, shift=shift, dtype=dtype
    )


def _states(random_state):
    """Numpy's global generator, and the sampler's RandomState if it has one."""
    states = [np.random.get_state()]
    if isinstance(random_state, np.random.RandomState):
        states.append(random_state.get_state())
    return [(state[1].tolist(), state[2]) for state in states]


def run_both(make_params, X, y, n_calls=1, global_seed=7):
    """Run both implementations with fresh parameters (numpy's global generator
    seeded first); return their outputs, samplers and the generator states."""
    results = []
    for cls in (ImbSVMSMOTE, SVMSMOTE):
        params = make_params()
        np.random.seed(global_seed)
        sampler = cls(**params)
        outputs = [sampler.fit_resample(X, y) for _ in range(n_calls)]
        results.append((outputs, sampler, _states(params.get("random_state"))))
    return results


def _dense(X):
    return X.toarray() if sparse.issparse(X) else np.asarray(X)


def assert_same(make_params, X, y, n_calls=1):
    (im_out, im, im_state), (sf_out, sf, sf_state) = run_both(make_params, X, y, n_calls)
    for (X_im, y_im), (X_sf, y_sf) in zip(im_out, sf_out, strict=True):
        assert type(X_sf) is type(X_im) and type(y_sf) is type(y_im)
        if sparse.issparse(X_im):
            assert X_sf.format == X_im.format
        assert _dense(X_sf).dtype == _dense(X_im).dtype
        np.testing.assert_array_equal(_dense(X_sf), _dense(X_im), strict=True)
        np.testing.assert_array_equal(np.asarray(y_sf), np.asarray(y_im), strict=True)
    assert sf_state == im_state, "random numbers consumed differently"
    assert list(sf.sampling_strategy_.items()) == list(im.sampling_strategy_.items())
    assert sf.nn_k_.n_neighbors == im.nn_k_.n_neighbors
    assert sf.nn_m_.n_neighbors == im.nn_m_.n_neighbors
    fitted = hasattr(im.svm_estimator_, "support_")
    assert hasattr(sf.svm_estimator_, "support_") == fitted
    if fitted:
        np.testing.assert_array_equal(sf.svm_estimator_.support_, im.svm_estimator_.support_)
    return im_out, sf


SEEDS = {
    "int": lambda: 11,
    "RandomState": lambda: np.random.RandomState(11),
    "None": lambda: None,
}


# ------------------------------------------------------------ differential tests


@pytest.mark.parametrize("n_classes", [2, 3, 4])
@pytest.mark.parametrize("seed_kind", list(SEEDS))
@pytest.mark.parametrize("out_step", [0, 0.5, 1])
def test_same_as_imblearn(n_classes, seed_kind, out_step):
    X, y = gaussian(n_classes, seed=n_classes)
    ((X_im, y_im),) = assert_same(
        lambda: {"random_state": SEEDS[seed_kind](), "out_step": out_step}, X, y
    )[0]
    assert len(y_im) > len(y)


@pytest.mark.parametrize("seed_kind", list(SEEDS))
def test_same_as_imblearn_two_calls(seed_kind):
    # A RandomState / the global generator continue between calls: both must agree.
    X, y = gaussian(3, seed=5)
    assert_same(lambda: {"random_state": SEEDS[seed_kind]()}, X, y, n_calls=2)


@pytest.mark.parametrize("strategy", ["all", "minority", "not minority", 0.8])
def test_sampling_strategies(strategy):
    X, y = gaussian(3 if strategy != 0.8 else 2, seed=2)
    assert_same(
        lambda: {"random_state": np.random.RandomState(0), "sampling_strategy": strategy}, X, y
    )


def test_every_class_sampled_and_nothing_to_sample():
    X, y = gaussian(4, seed=3)
    counts = np.bincount(y)
    more = {c: int(n) + 30 for c, n in enumerate(counts)}
    assert_same(lambda: {"random_state": np.random.RandomState(1), "sampling_strategy": more}, X, y)
    same = {c: int(n) for c, n in enumerate(counts)}
    _, sf = assert_same(lambda: {"random_state": 1, "sampling_strategy": same}, X, y)
    assert not hasattr(sf.svm_estimator_, "support_")  # never fitted, as imblearn


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_dtypes(dtype):
    X, y = gaussian(3, seed=4)
    if dtype == "int64":
        X = np.round(X * 1e5)
    assert_same(lambda: {"random_state": 3}, X.astype(dtype), y)


@pytest.mark.parametrize("fmt", ["csr", "csc", "csr_array"])
def test_sparse(fmt):
    X, y = gaussian(3, n_features=6, seed=6, n_max=160)
    X[np.abs(X) < 0.6] = 0.0  # sparse, still tie-free
    X_sparse = sparse.csr_array(X) if fmt == "csr_array" else sparse.csr_matrix(X).asformat(fmt)
    im_out, _ = assert_same(lambda: {"random_state": np.random.RandomState(2)}, X_sparse, y)
    ((X_im, _),) = im_out
    # and the same values as the dense input
    ((X_dense, _),) = assert_same(lambda: {"random_state": np.random.RandomState(2)}, X, y)[0]
    np.testing.assert_array_equal(X_im.toarray(), X_dense)


def test_pandas_and_string_labels():
    pd = require("pandas")
    X, y = gaussian(3, seed=8)
    X_df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    y_s = pd.Series(np.array(["a", "b", "c"])[y], name="target")
    results = run_both(lambda: {"random_state": 4}, X_df, y_s)
    (X_im, y_im), (X_sf, y_sf) = results[0][0][0], results[1][0][0]
    pd.testing.assert_frame_equal(X_sf, X_im, check_exact=True)
    pd.testing.assert_series_equal(y_sf, y_im, check_exact=True)
    np.testing.assert_array_equal(results[1][1].feature_names_in_, X_df.columns)


def test_one_hot_y():
    X, y = gaussian(3, seed=9)
    assert_same(lambda: {"random_state": 5}, X, np.eye(3, dtype=int)[y])


@pytest.mark.parametrize("case", ["only_safe", "only_danger"])
def test_one_group_empty_counts(case):
    # imblearn then creates one block only: n - n1 (all safe) or n1 (all danger)
    # samples, n1 = int(beta(10, 10) * (n + 1)) from the per-call generator.
    rng = np.random.RandomState(0)
    if case == "only_safe":  # separated blobs
        X = np.r_[rng.normal(size=(100, 2)), rng.normal(size=(30, 2)) + 8.0]
        n_major, n_minor = 100, 30
    else:  # tight minority pairs inside the majority: with m = 3, all in danger
        centres = rng.uniform(-1, 1, size=(12, 2))
        X = np.r_[rng.normal(size=(300, 2)), centres, centres + 0.01 * rng.normal(size=(12, 2))]
        n_major, n_minor = 300, 24
    y = np.r_[np.zeros(n_major, int), np.ones(n_minor, int)]
    ((_, y_im),) = assert_same(lambda: {"random_state": 0, "m_neighbors": 3}, X, y)[0]
    n = n_major - n_minor
    n1 = int(np.random.RandomState(0).beta(10, 10) * (n + 1))
    expected = n - n1 if case == "only_safe" else n1
    assert np.count_nonzero(y_im == 1) - n_minor == expected


@pytest.mark.parametrize("neighbors", ["k_object", "m_object", "both", "exact_objects"])
def test_neighbour_objects(neighbors):
    X, y = gaussian(3, seed=10)

    def params():
        p = {"random_state": np.random.RandomState(6)}
        if neighbors in ("k_object", "both"):
            p["k_neighbors"] = NearestNeighbors(n_neighbors=6)
        if neighbors in ("m_object", "both"):
            p["m_neighbors"] = NearestNeighbors(n_neighbors=8)
        return p

    if neighbors == "exact_objects":
        results = run_both(lambda: {"random_state": 6, "k_neighbors": 4, "m_neighbors": 7}, X, y)
        sf = SVMSMOTE(
            random_state=6,
            k_neighbors=ExactNearestNeighbors(5),
            m_neighbors=ExactNearestNeighbors(8),
        ).fit_resample(X, y)
        np.testing.assert_array_equal(sf[0], results[0][0][0][0])
        return
    assert_same(params, X, y)


@pytest.mark.parametrize(
    "estimator",
    [
        lambda: SVC(kernel="linear", random_state=0),
        lambda: SVC(C=3.0),  # random_state None: draws on numpy's global generator
        lambda: SVC(random_state=np.random.RandomState(9)),
        lambda: NuSVC(nu=0.3, random_state=2),
        lambda: LinearKernelSVC(random_state=None),  # unknown type: refitted per class
    ],
)
@pytest.mark.parametrize("seed_kind", ["int", "None"])
def test_user_svm_estimator(estimator, seed_kind):
    X, y = gaussian(3, seed=12)
    ((X_im, _),) = assert_same(
        lambda: {"random_state": SEEDS[seed_kind](), "svm_estimator": estimator()}, X, y
    )[0]
    assert len(X_im) > len(X), "nothing generated: the test is vacuous"


def test_user_estimator_generator_advanced_like_imblearn():
    # imblearn clones the SVC (deep-copying its RandomState) and refits it per class:
    # the clone's generator ends where imblearn's ends; the user's is untouched.
    X, y = gaussian(4, seed=13)
    user = SVC(random_state=np.random.RandomState(9))
    before = user.random_state.get_state()[1].copy()
    (_, im, _), (_, sf, _) = run_both(lambda: {"random_state": 0, "svm_estimator": user}, X, y)
    assert sf.svm_estimator_.random_state is not user.random_state
    np.testing.assert_array_equal(
        sf.svm_estimator_.random_state.get_state()[1], im.svm_estimator_.random_state.get_state()[1]
    )
    assert not np.array_equal(sf.svm_estimator_.random_state.get_state()[1], before)
    np.testing.assert_array_equal(user.random_state.get_state()[1], before)


# ------------------------------------------------------------------ fit counts


class LinearKernelSVC(SVC):
    """An SVC subclass smote_fast cannot vouch for (not the exact type)."""

    def __init__(self, *, random_state=None):
        super().__init__(kernel="linear", random_state=random_state)


@pytest.fixture
def svc_fit_counter(monkeypatch):
    calls = []
    original = SVC.fit

    def counting_fit(self, X, y, sample_weight=None):
        calls.append(type(self).__name__)
        return original(self, X, y, sample_weight=sample_weight)

    monkeypatch.setattr(SVC, "fit", counting_fit)
    return calls


@pytest.mark.parametrize("seed_kind", list(SEEDS))
def test_default_svc_fitted_once_with_four_classes(svc_fit_counter, seed_kind):
    X, y = gaussian(4, seed=14)
    more = {c: int(n) + 25 for c, n in enumerate(np.bincount(y))}  # all four sampled
    assert_same(lambda: {"random_state": SEEDS[seed_kind](), "sampling_strategy": more}, X, y)
    assert svc_fit_counter == ["SVC"] * 4 + ["SVC"]  # imblearn: 4 fits; smote_fast: 1


@pytest.mark.parametrize("random_state, smote_fast_fits", [(0, 1), (None, 3)])
def test_unknown_estimator_refitted_unless_seeded(svc_fit_counter, random_state, smote_fast_fits):
    X, y = gaussian(4, seed=15)  # 'auto': three classes sampled
    assert_same(
        lambda: {"random_state": 1, "svm_estimator": LinearKernelSVC(random_state=random_state)},
        X,
        y,
    )
    assert svc_fit_counter == ["LinearKernelSVC"] * (3 + smote_fast_fits)


def test_probability_svc_refitted(svc_fit_counter):
    X, y = gaussian(3, seed=16, n_max=120)
    with pytest.warns(FutureWarning):
        assert_same(lambda: {"random_state": 1, "svm_estimator": SVC(probability=True)}, X, y)
    assert len(svc_fit_counter) == 2 + 2
