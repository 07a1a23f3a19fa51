"""BorderlineSMOTE and ADASYN: element-for-element equality with imbalanced-learn on
tie-free data, properties of the algorithms checked by brute force, and their errors.

The data are overlapping Gaussian blobs (continuous, hence tie-free with probability
one) so that every class has samples in danger and neighbours of other classes.
"""

import re
from collections import Counter

import numpy as np
import pytest
from scipy import sparse

from smote_fast import ADASYN, BorderlineSMOTE

imb_over = pytest.importorskip("imblearn.over_sampling")
from sklearn.neighbors import NearestNeighbors  # noqa: E402

VARIANTS = ["borderline-1", "borderline-2", "adasyn"]


def blobs(rng, counts, n_features, shift=1.5, dtype=np.float64):
    """One unit-variance Gaussian blob per class, centres ``shift`` from the origin
    in random directions (so the classes overlap), rows shuffled."""
    centres = rng.normal(size=(len(counts), n_features))
    centres *= shift / np.linalg.norm(centres, axis=1, keepdims=True)
    X = np.concatenate([rng.normal(size=(n, n_features)) + centres[i]
                        for i, n in enumerate(counts)])
    y = np.repeat(np.arange(len(counts)), counts)
    order = rng.permutation(len(y))
    return X[order].astype(dtype), y[order]


def class_sizes(rng, n_classes):
    n_max = int(rng.randint(80, 121))
    return [n_max] + [int(rng.randint(20, n_max // 2)) for _ in range(n_classes - 1)]


def make_sampler(variant, imblearn=False, **params):
    """A sampler of either implementation; ``params`` values that are callables are
    called (fresh random states and neighbour objects for each sampler)."""
    params = {key: value() if callable(value) else value for key, value in params.items()}
    if variant == "adasyn":
        return (imb_over.ADASYN if imblearn else ADASYN)(**params)
    return (imb_over.BorderlineSMOTE if imblearn else BorderlineSMOTE)(kind=variant, **params)


def assert_same_output(got, expected):
    (X_got, y_got), (X_exp, y_exp) = got, expected
    if sparse.issparse(X_exp):
        assert X_got.format == X_exp.format and X_got.dtype == X_exp.dtype
        X_got, X_exp = X_got.toarray(), X_exp.toarray()
    np.testing.assert_array_equal(X_got, X_exp, strict=True)
    np.testing.assert_array_equal(y_got, y_exp, strict=True)


def assert_same_attributes(ours, theirs):
    assert list(ours.sampling_strategy_.items()) == list(theirs.sampling_strategy_.items())
    if hasattr(theirs, "in_danger_indices"):
        assert list(ours.in_danger_indices) == list(theirs.in_danger_indices)
        for label, rows in theirs.in_danger_indices.items():
            np.testing.assert_array_equal(ours.in_danger_indices[label], rows, strict=True)
        assert ours.nn_k_.n_neighbors == theirs.nn_k_.n_neighbors
        assert ours.nn_m_.n_neighbors == theirs.nn_m_.n_neighbors
    else:
        assert ours.nn_.n_neighbors == theirs.nn_.n_neighbors


def resample_both(variant, X, y, X_reference=None, global_seed=None, **params):
    """Run both implementations (imbalanced-learn on ``X_reference`` when given) and
    check that their outputs, attributes and random-number consumption agree."""
    ours = make_sampler(variant, **params)
    theirs = make_sampler(variant, imblearn=True, **params)
    results, states = [], []
    for sampler, data in ((ours, X), (theirs, X if X_reference is None else X_reference)):
        if global_seed is not None:
            np.random.seed(global_seed)
        results.append(sampler.fit_resample(data, y))
        random_state = sampler.random_state
        if random_state is None:
            states.append(np.random.get_state()[1])
        elif isinstance(random_state, np.random.RandomState):
            states.append(random_state.get_state()[1])
    assert_same_output(*results)
    assert_same_attributes(ours, theirs)
    if states:
        np.testing.assert_array_equal(states[0], states[1], err_msg="draws differ")
    return ours, results[0]


# ----------------------------------------------------------- equality with imblearn


@pytest.mark.parametrize("random_state", ["int", "RandomState", "None"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_classes", [2, 3, 4])
@pytest.mark.parametrize("variant", VARIANTS)
def test_equals_imblearn(variant, n_classes, dtype, random_state):
    rng = np.random.RandomState([n_classes, VARIANTS.index(variant), dtype().itemsize])
    X, y = blobs(rng, class_sizes(rng, n_classes), int(rng.choice([2, 5, 12])), dtype=dtype)
    seed = int(rng.randint(2**31))
    state = {"int": seed, "RandomState": lambda: np.random.RandomState(seed),
             "None": None}[random_state]
    sampler, (_, y_res) = resample_both(variant, X, y, random_state=state, global_seed=seed)
    assert len(y_res) > len(y), "nothing generated: the test is vacuous"
    if variant != "adasyn":
        assert sampler.in_danger_indices, "no sample in danger: the test is vacuous"


@pytest.mark.parametrize("k_neighbors, m_neighbors", [(3, 10), (10, 10), (12, 5)])
def test_borderline2_neighbours_with_k_below_equal_and_above_m(k_neighbors, m_neighbors):
    # k <= m reuses the m-NN search over all rows, k > m runs its own
    rng = np.random.RandomState(k_neighbors * 100 + m_neighbors)
    X, y = blobs(rng, [300, 60, 45], 4)
    sampler, _ = resample_both("borderline-2", X, y, random_state=7,
                               k_neighbors=k_neighbors, m_neighbors=m_neighbors)
    assert sampler.in_danger_indices, "no sample in danger: the test is vacuous"
    assert sampler.nn_k_.n_samples_fit_ == X.shape[0]


@pytest.mark.parametrize("container", ["csr_matrix", "csc_matrix", "csr_array", "csc_array",
                                       "csr_matrix_float32", "csc_array_float32", "pandas"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_equals_imblearn_containers(variant, container):
    rng = np.random.RandomState([7, VARIANTS.index(variant)])
    container, _, dtype = container.partition("_float")
    X, y = blobs(rng, [100, 45, 30], 6, dtype=np.float32 if dtype else np.float64)
    if container == "pandas":
        pd = pytest.importorskip("pandas")
        X_in = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
        y_in = pd.Series(y, name="label")
        ours, (X_res, y_res) = resample_both(variant, X_in, y_in, random_state=0)
        assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
        assert list(ours.feature_names_in_) == list(X_in.columns)
        return
    X[rng.uniform(size=X.shape) < 0.3] = 0.0  # some structural zeros
    X_in = getattr(sparse, container)(X)
    X_reference = X_in
    if variant == "borderline-2" and container.endswith("_matrix"):
        # imbalanced-learn raises for sparse matrices here (fixed in smote_fast): its
        # result for the same data as a sparse array is the reference.
        X_reference = getattr(sparse, container.replace("matrix", "array"))(X)
    _, (X_res, _) = resample_both(variant, X_in, y, X_reference=X_reference, random_state=0)
    assert type(X_res) is type(X_in)


@pytest.mark.parametrize("variant", VARIANTS)
def test_equals_imblearn_with_neighbour_objects(variant):
    rng = np.random.RandomState([11, VARIANTS.index(variant)])
    X, y = blobs(rng, [90, 40, 25], 4)
    params = {"random_state": 3}
    if variant == "adasyn":
        params["n_neighbors"] = lambda: NearestNeighbors(n_neighbors=4)
    else:
        params["k_neighbors"] = lambda: NearestNeighbors(n_neighbors=4)
        params["m_neighbors"] = lambda: NearestNeighbors(n_neighbors=8)
    ours, _ = resample_both(variant, X, y, **params)
    assert isinstance(ours.nn_ if variant == "adasyn" else ours.nn_k_, NearestNeighbors)


@pytest.mark.parametrize("kind", ["borderline-1", "borderline-2"])
def test_class_without_danger_is_skipped_without_draws(kind):
    """A class far from the others has no sample in danger: no samples, no entry in
    in_danger_indices, and (checked against imblearn's generator state) no draws."""
    rng = np.random.RandomState(13)
    X, y = blobs(rng, [100, 40, 30], 3)
    X[y == 2] += 50.0
    ours, (_, y_res) = resample_both(kind, X, y, random_state=lambda: np.random.RandomState(1))
    assert list(ours.in_danger_indices) == [1]
    counts = Counter(y_res.tolist())
    assert counts[1] == 100 and counts[2] == 30


# ----------------------------------------------------------------------- properties


def brute_neighbors(query_rows, X, m):
    """Each query row's m nearest rows of X (itself excluded), by exact distance."""
    sq = ((X[query_rows, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    sq[np.arange(len(query_rows)), query_rows] = np.inf
    return np.argsort(sq, axis=1, kind="stable")[:, :m]


@pytest.mark.parametrize("m", [1, 4, 5, 10])
@pytest.mark.parametrize("kind", ["borderline-1", "borderline-2"])
def test_danger_rule(kind, m):
    rng = np.random.RandomState([17, m])
    X, y = blobs(rng, [120, 60, 35], 3, shift=1.0)
    sampler = BorderlineSMOTE(kind=kind, m_neighbors=m, random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    for label in (1, 2):
        rows = np.flatnonzero(y == label)
        n_other = (y[brute_neighbors(rows, X, m)] != label).sum(axis=1)
        danger = (2 * n_other >= m) & (n_other < m)
        if danger.any():
            np.testing.assert_array_equal(sampler.in_danger_indices[label], rows[danger])
            assert sampler.in_danger_indices[label].dtype == np.int64
            # counts follow the strategy for a class with samples in danger
            assert np.sum(y_res == label) == 120
        else:
            assert label not in sampler.in_danger_indices
            assert np.sum(y_res == label) == len(rows)
    if m == 1:
        assert sampler.in_danger_indices == {}  # m/2 <= n < 1 is impossible
    else:
        assert sampler.in_danger_indices, "no sample in danger: the test is vacuous"


def test_in_danger_indices_set_by_fit_resample_only():
    rng = np.random.RandomState(19)
    X, y = blobs(rng, [80, 30], 3)
    sampler = BorderlineSMOTE(random_state=0).fit(X, y)
    assert not hasattr(sampler, "in_danger_indices")
    sampler.fit_resample(X, y)
    assert sampler.in_danger_indices
    X_far = X.copy()
    X_far[y == 1] += 100.0
    sampler.fit_resample(X_far, y)  # nothing in danger any more: reset, not kept
    assert sampler.in_danger_indices == {}


@pytest.mark.parametrize("n_neighbors", [3, 5])
def test_adasyn_counts_follow_the_rounding_rule(n_neighbors):
    rng = np.random.RandomState([23, n_neighbors])
    X, y = blobs(rng, [150, 70, 31], 4, shift=1.0)
    sampler = ADASYN(n_neighbors=n_neighbors, random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    for label, n_requested in sampler.sampling_strategy_.items():
        rows = np.flatnonzero(y == label)
        if n_requested == 0:
            assert np.sum(y_res == label) == len(rows)
            continue
        ratio = (y[brute_neighbors(rows, X, n_neighbors)] != label).sum(axis=1) / n_neighbors
        expected = np.rint(ratio / np.sum(ratio) * n_requested).astype(int).sum()
        assert np.sum(y_res[len(y):] == label) == expected


def test_borderline2_integer_X():
    """imbalanced-learn raises here; smote_fast interpolates in float64 and truncates."""
    rng = np.random.RandomState(29)
    X, y = blobs(rng, [90, 35], 3)
    X = np.round(X * 1000).astype(np.int64)
    sampler = BorderlineSMOTE(kind="borderline-2", random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert X_res.dtype == np.int64 and len(y_res) == 180
    np.testing.assert_array_equal(X_res[:len(y)], X)
    new = X_res[len(y):]
    assert np.all((new >= X.min(axis=0)) & (new <= X.max(axis=0)))
    # the same data as float64 give the same samples before truncation toward zero
    X_float, _ = BorderlineSMOTE(kind="borderline-2", random_state=0).fit_resample(
        X.astype(np.float64), y)
    assert np.isfinite(X_float).all()
    np.testing.assert_array_equal(new, X_float[len(y):].astype(np.int64))


@pytest.mark.parametrize("sparse_input", [False, True])
@pytest.mark.parametrize("variant", VARIANTS)
def test_thread_count_does_not_change_output(variant, sparse_input):
    rng = np.random.RandomState([31, VARIANTS.index(variant)])
    X, y = blobs(rng, [2000, 900, 500], 8, shift=1.0)
    if sparse_input:
        X[rng.uniform(size=X.shape) < 0.4] = 0.0
        X = sparse.csr_matrix(X)
    outputs = []
    for n_jobs in (1, 2):
        sampler = make_sampler(variant, random_state=5, n_jobs=n_jobs)
        X_res, y_res = sampler.fit_resample(X, y)
        outputs.append((X_res.toarray() if sparse_input else X_res, y_res))
    (X1, y1), (X2, y2) = outputs
    assert X1.tobytes() == X2.tobytes()
    np.testing.assert_array_equal(y1, y2)


# --------------------------------------------------------------------------- errors


def test_adasyn_no_neighbour_of_another_class():
    rng = np.random.RandomState(37)
    X, y = blobs(rng, [40, 15], 2)
    X[y == 1] += 100.0
    message = ("Not any neigbours belong to the majority class. This case will induce a NaN "
               "case with a division by zero. ADASYN is not suited for this specific "
               "dataset. Use SMOTE instead.")
    for cls in (ADASYN, imb_over.ADASYN):
        with pytest.raises(RuntimeError, match=re.escape(message)):
            cls(random_state=0).fit_resample(X, y)


def test_adasyn_nothing_to_generate():
    rng = np.random.RandomState(41)
    X, y = blobs(rng, [200, 163], 2)
    message = "No samples will be generated with the provided ratio settings."
    for cls in (ADASYN, imb_over.ADASYN):
        with pytest.raises(ValueError, match=re.escape(message)):
            cls(sampling_strategy={1: 164}, random_state=0).fit_resample(X, y)


@pytest.mark.parametrize(("params", "message"), [
    ({"kind": "borderline-3"},
     r"The 'kind' parameter of BorderlineSMOTE must be a str among .*\. "
     r"Got 'borderline-3' instead\."),
    ({"m_neighbors": 0},
     re.escape("The 'm_neighbors' parameter of BorderlineSMOTE must be an int in the range "
               "[1, inf) or an object implementing 'kneighbors' and 'kneighbors_graph'. "
               "Got 0 instead.")),
])
def test_borderline_invalid_parameters(params, message):
    rng = np.random.RandomState(43)
    X, y = blobs(rng, [30, 10], 2)
    for cls in (BorderlineSMOTE, imb_over.BorderlineSMOTE):
        with pytest.raises(ValueError, match=message) as info:
            cls(**params).fit_resample(X, y)
        assert isinstance(info.value, TypeError)  # an InvalidParameterError


def test_adasyn_invalid_n_neighbors():
    rng = np.random.RandomState(47)
    X, y = blobs(rng, [30, 10], 2)
    for cls in (ADASYN, imb_over.ADASYN):
        with pytest.raises(ValueError, match="The 'n_neighbors' parameter of ADASYN must be"):
            cls(n_neighbors=0).fit_resample(X, y)
