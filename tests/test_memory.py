"""Peak memory of the cleaners, the combinations, RandomOverSampler and K-Means
SMOTE (issue 11: at most 1.5x the output), and what the paths that save it must
keep: the combinations' cleaning in place, the cleaners' neighbour search in
blocks of rows, the in-place row gather.

Memory is deterministic where time is not: the peaks are measured as the
benchmarks measure them (tracemalloc, during one call, over the output's
nbytes), with bounds well clear of both the current and the previous figures.
"""

import copy
import importlib
import sys
from pathlib import Path

import numpy as np
import pytest
from _support import (
    compact_module,
    gaussian_classes,
    kmeans_smote_module,
    require,
    sources_module,
)
from scipy import sparse

import smote_fast as sf


@pytest.fixture(scope="module")
def measure_memory():
    """benchmarks/harness.py's measure: the tracemalloc peak during one call."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        return importlib.import_module("harness").measure_memory
    finally:
        sys.path.pop(0)
        sys.modules.pop("harness", None)


def benchmark_like(n, seed=0, n_features=20, dtype=np.float64):
    """The benchmarks' shape: two overlapping classes, 10 % minority."""
    rng = np.random.RandomState(seed)
    return gaussian_classes(rng, [n - n // 10, n // 10], n_features, dtype=dtype)


@pytest.fixture
def small_query_blocks(monkeypatch):
    """Query blocks scaled to the test data (1024 rows), as the defaults are to
    10^5 rows: the search then holds a block's memory, not the data's."""
    monkeypatch.setattr(sources_module(), "MIN_QUERY_BLOCK_ROWS", 1024)
    monkeypatch.setattr(sources_module(), "QUERY_BLOCK_BYTES", 256 << 10)


@pytest.fixture
def gathers(monkeypatch):
    """Counts the combinations' in-place gathers."""
    module = compact_module()
    calls = []
    original = module.gather_rows_in_place

    def spy(rows, kept):
        calls.append(len(kept))
        return original(rows, kept)

    monkeypatch.setattr(module, "gather_rows_in_place", spy)
    return calls


# ------------------------------------------------------------------ peaks


# Measured on this data: 2.30, 1.71, 1.10, 1.10, 1.15 (before the in-place
# combinations and the blocked searches: about 3.7, 2.3, 2.1, 1.1, 1.6). The
# cleaners' search of every row by pairs of row blocks (half the products of
# blocked searches) holds its candidates for every row at once, about
# 8 (k + 4) + 16 k bytes a row: within the output for ENN and Tomek alone, but
# on top of the over-sampled X in a combination. SMOTEENN cannot go below
# (over-sampled X + its labels + SMOTE's fitted attributes) / cleaned output,
# 1.38 here.
PEAK_BOUNDS = [
    ("SMOTEENN", {"random_state": 0}, 2.5),
    ("SMOTETomek", {"random_state": 0}, 1.9),
    ("EditedNearestNeighbours", {}, 1.3),
    ("TomekLinks", {}, 1.3),
    ("RandomOverSampler", {"random_state": 0}, 1.3),
]


@pytest.mark.parametrize("name, params, bound", PEAK_BOUNDS, ids=[b[0] for b in PEAK_BOUNDS])
def test_peak_memory_over_output(name, params, bound, small_query_blocks, measure_memory):
    X, y = benchmark_like(10_000)
    getattr(sf, name)(**params).fit_resample(X, y)  # imports and caches outside the peak
    sampler = getattr(sf, name)(**params)
    ratio = measure_memory(lambda: sampler.fit_resample(X, y))["peak_over_output"]
    assert ratio <= bound, f"{name}: peak {ratio:.3f}x the output (bound {bound}x)"


# Without the search by pairs (the cleaners' searches of low-dimensional or
# sparse data, which go to other paths): blocked searches, measured 1.52, 1.34.
@pytest.mark.parametrize(
    "name, bound", [("SMOTEENN", 1.65), ("SMOTETomek", 1.45)], ids=["SMOTEENN", "SMOTETomek"]
)
def test_peak_memory_of_blocked_combinations(
    name, bound, small_query_blocks, measure_memory, monkeypatch
):
    monkeypatch.setattr(sources_module(), "pairs_answer", lambda X, k: False)
    X, y = benchmark_like(10_000)
    sf.SMOTE(random_state=0).fit_resample(X, y)
    sampler = getattr(sf, name)(random_state=0)
    ratio = measure_memory(lambda: sampler.fit_resample(X, y))["peak_over_output"]
    assert ratio <= bound, f"{name}: peak {ratio:.3f}x the output (bound {bound}x)"


def test_kmeans_distance_sum_holds_one_block_at_a_time(monkeypatch, measure_memory):
    module = kmeans_smote_module()
    monkeypatch.setattr(module, "_DISTANCE_BLOCK", 1 << 16)  # 512 KiB of float64
    X = np.random.RandomState(0).normal(size=(2000, 8))
    expected = module._sum_of_distances(X)
    totals = []
    # tracemalloc counts every thread's allocations (the session's Dask cluster
    # keeps threads alive): the least of three peaks is this call's
    peak = min(
        (
            measure_memory(lambda: (X[:0], totals.append(module._sum_of_distances(X))))
            for _ in "abc"
        ),
        key=lambda measured: measured["peak_bytes"],
    )
    assert totals == [expected] * 3
    # one block plus the row norms: 1.13 blocks; 2.0 before
    assert peak["peak_bytes"] < 1.5 * (1 << 16) * 8


# ------------------------------------------------- combinations, in place


def composed(over, cleaner, X, y):
    """The combination's definition: the cleaner on the over-sampler's output
    (and the fitted cleaner)."""
    X_over, y_over = over.fit_resample(X, y)
    return cleaner.fit_resample(X_over, y_over), cleaner


def assert_same(got, expected):
    (X_got, y_got), (X_exp, y_exp) = got, expected
    assert type(X_got) is type(X_exp) and type(y_got) is type(y_exp)
    if sparse.issparse(X_exp):
        assert X_got.format == X_exp.format
        X_got, X_exp = X_got.toarray(), X_exp.toarray()
    np.testing.assert_array_equal(X_got, X_exp, strict=True)
    np.testing.assert_array_equal(y_got, y_exp, strict=True)


COMBINATIONS = [
    (sf.SMOTEENN, "enn", lambda: sf.EditedNearestNeighbours(sampling_strategy="all")),
    (sf.SMOTETomek, "tomek", lambda: sf.TomekLinks(sampling_strategy="all")),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
@pytest.mark.parametrize("combination, name, cleaner", COMBINATIONS, ids=["ENN", "Tomek"])
def test_in_place_combination_equals_its_composition(combination, name, cleaner, dtype, gathers):
    X, y = benchmark_like(600, seed=1, n_features=5, dtype=dtype)
    X_in = X.copy()
    sampler = combination(random_state=3)
    got = sampler.fit_resample(X, y)
    over = sf.SMOTE(random_state=3)
    expected, cleaned = composed(over, cleaner(), X, y)
    assert gathers == [len(got[1])], "the in-place path did not run"
    assert_same(got, expected)
    X_res = got[0]
    assert X_res.flags.owndata and X_res.base is None and X_res.flags.c_contiguous
    assert X_res.nbytes == len(got[1]) * X.shape[1] * X.itemsize  # shrunk to the rows
    np.testing.assert_array_equal(
        getattr(sampler, name + "_").sample_indices_, cleaned.sample_indices_
    )
    np.testing.assert_array_equal(X, X_in)  # the input is never written
    assert not np.shares_memory(X_res, X)
    for attribute in ("synthetic_base_", "synthetic_neighbor_", "synthetic_gap_"):
        np.testing.assert_array_equal(
            getattr(sampler.smote_, attribute), getattr(over, attribute), strict=True
        )


def test_in_place_smoteenn_leaves_the_neighbours_estimator_unfitted(gathers):
    X, y = benchmark_like(400, seed=2, n_features=4)
    sampler = sf.SMOTEENN(random_state=0)
    sampler.fit_resample(X, y)
    assert gathers
    assert sampler.enn_.nn_.n_neighbors == 4
    assert not hasattr(sampler.enn_.nn_, "n_samples_fit_")  # its rows became X_res
    standalone = sf.EditedNearestNeighbours()
    standalone.fit_resample(X, y)
    assert standalone.nn_.n_samples_fit_ == len(X)  # fitted as before on its own


def over_samplers():
    sklearn_free = [
        sf.BorderlineSMOTE(kind="borderline-2", random_state=0),
        sf.ADASYN(random_state=0),
        sf.RandomOverSampler(random_state=0),
    ]
    return sklearn_free + [sf.KMeansSMOTE(random_state=0, cluster_balance_threshold=0.05)]


@pytest.mark.parametrize("over", range(4), ids=["borderline2", "adasyn", "random", "kmeans"])
@pytest.mark.parametrize("cleaner", ["enn_mode", "enn_object", "tomek"])
def test_in_place_with_user_passed_steps(over, cleaner, gathers):
    if over == 3 or cleaner == "enn_object":
        require("sklearn")
    X, y = benchmark_like(500, seed=3, n_features=4)
    smote = over_samplers()[over]
    if cleaner == "tomek":
        combination, step = sf.SMOTETomek, sf.TomekLinks(sampling_strategy="all")
        sampler = combination(smote=smote, tomek=step)
    else:
        if cleaner == "enn_mode":
            step = sf.EditedNearestNeighbours(sampling_strategy="all", kind_sel="mode")
        else:
            from sklearn.neighbors import NearestNeighbors

            step = sf.EditedNearestNeighbours(
                sampling_strategy="all", n_neighbors=NearestNeighbors(n_neighbors=4)
            )
        sampler = sf.SMOTEENN(smote=smote, enn=step)
    got = sampler.fit_resample(X, y)
    expected, cleaned = composed(over_samplers()[over], copy.deepcopy(step), X, y)
    assert gathers, "the in-place path did not run"
    assert_same(got, expected)
    fitted = sampler.tomek_ if cleaner == "tomek" else sampler.enn_
    np.testing.assert_array_equal(fitted.sample_indices_, cleaned.sample_indices_)


@pytest.mark.parametrize("container", ["pandas", "list", "csr", "csc"])
def test_in_place_and_general_paths_by_container(container, gathers):
    X, y = benchmark_like(400, seed=4, n_features=4)
    expected, _ = composed(
        sf.SMOTE(random_state=1), sf.EditedNearestNeighbours(sampling_strategy="all"), X, y
    )
    if container == "pandas":
        pd = require("pandas")
        X_in = pd.DataFrame(X, columns=[f"c{j}" for j in range(X.shape[1])])
        y_in = pd.Series(y, name="label")
        X_res, y_res = sf.SMOTEENN(random_state=1).fit_resample(X_in, y_in)
        assert list(X_res.columns) == list(X_in.columns) and y_res.name == "label"
        got = (X_res.to_numpy(), y_res.to_numpy())
        assert gathers  # the over-sampler's output is an array of its own
    elif container == "list":
        got = sf.SMOTEENN(random_state=1).fit_resample(X.tolist(), y.tolist())
        got = (np.asarray(got[0]), np.asarray(got[1]))
        assert gathers
    else:
        X_in = getattr(sparse, container + "_matrix")(X)
        X_res, y_res = sf.SMOTEENN(random_state=1).fit_resample(X_in, y)
        assert X_res.format == container
        got = (X_res.toarray(), y_res)
        assert not gathers  # sparse output: the general path
    assert_same(got, expected)


class ReturnsItsInput:
    """An over-sampler of another library that returns the very array it was given."""

    def get_params(self, deep=True):
        return {}

    def set_params(self, **params):
        return self

    def fit_resample(self, X, y):
        return X, y


class SubclassedSMOTE(sf.SMOTE):
    """A user's subclass: smote_fast cannot know what it keeps."""


@pytest.mark.parametrize("over", [ReturnsItsInput, SubclassedSMOTE])
def test_general_path_for_other_over_samplers(over, gathers):
    X, y = benchmark_like(400, seed=5, n_features=4)
    X_in = X.copy()
    smote = over() if over is ReturnsItsInput else over(random_state=0)
    got = sf.SMOTETomek(smote=smote).fit_resample(X, y)
    same_over = over() if over is ReturnsItsInput else sf.SMOTE(random_state=0)
    expected, _ = composed(same_over, sf.TomekLinks(sampling_strategy="all"), X, y)
    assert not gathers
    assert_same(got, expected)
    np.testing.assert_array_equal(X, X_in)
    assert not np.shares_memory(got[0], X)


def test_general_path_for_a_subclassed_cleaner(gathers):
    class MyTomek(sf.TomekLinks):
        pass

    X, y = benchmark_like(400, seed=6, n_features=4)
    got = sf.SMOTETomek(random_state=0, tomek=MyTomek(sampling_strategy="all")).fit_resample(X, y)
    expected, _ = composed(sf.SMOTE(random_state=0), sf.TomekLinks(sampling_strategy="all"), X, y)
    assert not gathers
    assert_same(got, expected)


# ------------------------------------------------------- blocked searches


def tiny_query_blocks(monkeypatch):
    """Blocks of 7 query rows (remainders included)."""
    monkeypatch.setattr(sources_module(), "MIN_QUERY_BLOCK_ROWS", 7)
    monkeypatch.setattr(sources_module(), "QUERY_BLOCK_BYTES", 1)


CLEANERS = [
    ("EditedNearestNeighbours", {}),
    ("EditedNearestNeighbours", {"sampling_strategy": "all", "n_neighbors": 4}),
    ("EditedNearestNeighbours", {"kind_sel": "mode", "sampling_strategy": "not majority"}),
    ("TomekLinks", {}),
    ("TomekLinks", {"sampling_strategy": "all"}),
]


@pytest.mark.parametrize("form", ["dense", "duplicates", "csr"])
@pytest.mark.parametrize("name, params", CLEANERS)
def test_blocked_search_gives_the_same_cleaning(name, params, form, monkeypatch):
    rng = np.random.RandomState(7)
    X, y = gaussian_classes(rng, [120, 70, 40], 3)
    if form == "duplicates":  # ties across classes and within them
        pick = rng.choice(len(y), size=60)
        X, y = np.concatenate([X, X[pick]]), np.concatenate([y, rng.randint(0, 3, size=60)])
    if form == "csr":
        X[np.abs(X) < 0.6] = 0.0
        X = sparse.csr_matrix(X)
    whole = getattr(sf, name)(**params)
    expected = whole.fit_resample(X, y)
    tiny_query_blocks(monkeypatch)
    blocked = getattr(sf, name)(**params)
    got = blocked.fit_resample(X, y)
    assert_same(got, expected)
    np.testing.assert_array_equal(blocked.sample_indices_, whole.sample_indices_, strict=True)
    if hasattr(whole, "nn_"):
        assert blocked.nn_.n_samples_fit_ == whole.nn_.n_samples_fit_ == X.shape[0]


@pytest.mark.parametrize("name", ["EditedNearestNeighbours", "TomekLinks"])
def test_blocked_search_equals_imblearn(name, monkeypatch):
    imb_under = require("imblearn.under_sampling")
    tiny_query_blocks(monkeypatch)
    rng = np.random.RandomState(8)
    X, y = gaussian_classes(rng, [150, 60, 45], 4)
    ours = getattr(sf, name)()
    theirs = getattr(imb_under, name)()
    assert_same(ours.fit_resample(X, y), theirs.fit_resample(X, y))
    np.testing.assert_array_equal(ours.sample_indices_, theirs.sample_indices_)


def test_blocked_search_keeps_imblearns_error():
    X, y = np.arange(6.0).reshape(3, 2), np.array([0, 0, 1])
    with pytest.raises(ValueError, match="n_neighbors = 4, n_samples_fit = 3, n_samples = 2"):
        sf.EditedNearestNeighbours().fit_resample(X, y)


# ---------------------------------------------------------- row gather


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int16, np.bool_])
def test_gather_rows_in_place_equals_fancy_indexing(dtype, global_random_seed):
    gather = compact_module().gather_rows_in_place
    rng = np.random.RandomState(global_random_seed)
    for _ in range(200):
        n, d = int(rng.randint(0, 40)), int(rng.randint(1, 4))
        X = (rng.normal(size=(n, d)) * 100).astype(dtype)
        kept = rng.choice(n, size=int(rng.randint(0, n + 1)), replace=False)
        if rng.uniform() < 0.3:
            kept.sort()  # a forward move (Tomek's order)
        elif rng.uniform() < 0.3:  # class by class (ENN's order)
            labels = rng.randint(0, 3, size=n)
            kept = np.concatenate([np.sort(kept[labels[kept] == c]) for c in range(3)])
        kept = kept.astype(np.intp)
        expected = X[kept]
        gather(X.view(np.uint8), kept)
        np.testing.assert_array_equal(X[: len(kept)], expected)


def test_gather_rows_in_place_refuses_repeated_or_outside_rows():
    gather = compact_module().gather_rows_in_place
    X = np.arange(12.0).reshape(4, 3)
    for kept, message in [([1, 1], "kept twice"), ([0, 4], "out of range"), ([-1], "out of range")]:
        with pytest.raises(ValueError, match=message):
            gather(X.view(np.uint8), np.array(kept, dtype=np.intp))
        np.testing.assert_array_equal(X, np.arange(12.0).reshape(4, 3))  # nothing moved
    with pytest.raises(ValueError, match="more rows kept"):
        gather(X[:1].view(np.uint8), np.arange(2, dtype=np.intp))
