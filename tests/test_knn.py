"""Exact k-NN kernels against a numpy reference ordered by (distance, index)."""

import numpy as np
import pytest
from scipy import sparse

from smote_fast import ExactNearestNeighbors, _knn, _knn_lowd, _neighbors
from smote_fast._neighbors import kneighbors, record_paths
from smote_fast._openmp_helpers import openmp_enabled


def reference_knn(query, reference, k, exclude=None):
    """Stable argsort of float64 squared distances summed in feature order."""
    q = np.asarray(query, dtype=np.float64)
    r = np.asarray(reference, dtype=np.float64)
    dist = np.zeros((q.shape[0], r.shape[0]))
    for f in range(q.shape[1]):  # feature order, as the kernels sum
        dist = dist + (q[:, None, f] - r[None, :, f]) ** 2
    if exclude is not None:
        for i, j in enumerate(exclude):
            if j >= 0:
                dist[i, j] = np.inf
    order = np.argsort(dist, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(dist, order, axis=1)


PATHS = {
    # force each path through the front end's thresholds
    "direct": dict(DIRECT_MAX_FEATURES=10**6),
    "kdtree": dict(DIRECT_MAX_FEATURES=0, DIRECT_MAX_REFERENCES=0, DIRECT_MAX_PAIRS=0,
                   TREE_MAX_FEATURES=10**6, TREE_LEAF_SIZE=5, GRID_MAX_FEATURES=0),
    "grid": dict(DIRECT_MAX_FEATURES=0, DIRECT_MAX_REFERENCES=0, DIRECT_MAX_PAIRS=0,
                 TREE_MAX_FEATURES=10**6, GRID_MAX_FEATURES=10**6, GRID_MAX_CROWDING=10**9),
    "gemm": dict(DIRECT_MAX_FEATURES=0, DIRECT_MAX_REFERENCES=0, DIRECT_MAX_PAIRS=0,
                 TREE_MAX_FEATURES=0),
}


@pytest.fixture(params=sorted(PATHS))
def path(request, monkeypatch):
    for name, value in PATHS[request.param].items():
        monkeypatch.setattr(_neighbors, name, value)
    return request.param


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_features", [1, 3, 20, 67])
def test_matches_reference_with_self_exclusion(path, dtype, n_features):
    rng = np.random.RandomState(n_features)
    X = rng.normal(size=(700, n_features)).astype(dtype)
    rows = np.arange(X.shape[0])
    with record_paths() as paths:
        got, got_dist = kneighbors(X, X, 6, query_in_reference=rows, return_distance=True)
    assert paths == [path]  # the fixture's thresholds force that path
    expected, expected_dist = reference_knn(X, X, 6, rows)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_allclose(got_dist, expected_dist, rtol=1e-12)
    assert not (got == rows[:, None]).any()


def test_query_subset_and_no_exclusion(path):
    rng = np.random.RandomState(1)
    reference = rng.normal(size=(900, 12))
    query = rng.normal(size=(130, 12))
    np.testing.assert_array_equal(kneighbors(query, reference, 9),
                                  reference_knn(query, reference, 9)[0])


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("chunk_size", [1, 37, 256])
def test_threads_and_chunks_do_not_change_results(path, n_jobs, chunk_size):
    rng = np.random.RandomState(2)
    X = rng.normal(size=(1200, 16))
    rows = np.arange(X.shape[0])
    baseline = kneighbors(X, X, 5, query_in_reference=rows, n_jobs=1)
    got = kneighbors(X, X, 5, query_in_reference=rows, n_jobs=n_jobs, chunk_size=chunk_size)
    np.testing.assert_array_equal(got, baseline)


@pytest.mark.parametrize("widest", [512, 256, 0])
@pytest.mark.parametrize("single_precision", [True, False])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_every_tile_variant_certifies_the_exact_neighbours(widest, single_precision, dtype):
    # sizes off every panel width and tile height; variants the CPU lacks fall
    # back to narrower ones, which must agree as well
    rng = np.random.RandomState(9)
    reference = rng.normal(size=(1037, 21)).astype(dtype)
    query = reference[:203]
    rows = np.arange(query.shape[0])
    k, n_candidates = 6, 14
    indices = np.empty((query.shape[0], k), dtype=np.intp)
    distances = np.empty((query.shape[0], k))
    failed = np.empty(query.shape[0], dtype=np.uint8)
    margin = 4.0 * (reference.shape[1] + 10) * _neighbors._UNIT_ROUNDOFF[single_precision]
    previous = _knn.limit_tile_variant(widest)
    try:
        _knn.knn_gemm(query, reference, rows, reference.mean(axis=0, dtype=np.float64),
                      n_candidates, single_precision, margin,
                      _neighbors._SLACK[single_precision], indices, distances, failed, 2,
                      37, 100)
    finally:
        _knn.limit_tile_variant(previous)
    assert not failed.any()
    expected, expected_dist = reference_knn(query, reference, k, rows)
    np.testing.assert_array_equal(indices, expected)
    np.testing.assert_array_equal(distances, expected_dist)


def test_ties_resolve_to_lower_index(path):
    # every row duplicated three times on a coarse grid: massive distance ties
    rng = np.random.RandomState(3)
    X = np.repeat(rng.randint(0, 3, size=(200, 20)).astype(np.float64), 3, axis=0)
    rows = np.arange(X.shape[0])
    got = kneighbors(X, X, 7, query_in_reference=rows)
    np.testing.assert_array_equal(got, reference_knn(X, X, 7, rows)[0])
    np.testing.assert_array_equal(got, kneighbors(X, X, 7, query_in_reference=rows,
                                                  n_jobs=2, chunk_size=13))


def test_large_offset_is_exact(path):
    # the GEMM expansion alone mis-ranks such data; certification catches it
    rng = np.random.RandomState(4)
    X = 1e6 + 0.01 * rng.normal(size=(1500, 20))
    rows = np.arange(X.shape[0])
    np.testing.assert_array_equal(kneighbors(X, X, 5, query_in_reference=rows),
                                  reference_knn(X, X, 5, rows)[0])


def test_huge_magnitudes_fall_back_to_exact(path):
    rng = np.random.RandomState(5)
    X = rng.normal(size=(300, 30)) * 1e200
    rows = np.arange(X.shape[0])
    np.testing.assert_array_equal(kneighbors(X, X, 4, query_in_reference=rows),
                                  np.argsort(
                                      np.where(np.eye(300, dtype=bool), np.inf,
                                               ((X[:, None] / 1e200 - X[None] / 1e200) ** 2)
                                               .sum(-1)), axis=1, kind="stable")[:, :4])


def test_float32_agrees_with_float64(path):
    rng = np.random.RandomState(6)
    X = rng.normal(size=(800, 24))
    rows = np.arange(X.shape[0])
    idx64, d64 = kneighbors(X, X, 5, query_in_reference=rows, return_distance=True)
    idx32, d32 = kneighbors(X.astype(np.float32), X.astype(np.float32), 5,
                            query_in_reference=rows, return_distance=True)
    assert (idx32 == idx64).mean() > 0.99
    np.testing.assert_allclose(d32, d64, rtol=1e-5)


@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_csr_equals_dense(dtype, index_dtype):
    X = sparse.random(500, 40, density=0.15, format="csr", random_state=7, dtype=dtype)
    X.indices = X.indices.astype(index_dtype)
    X.indptr = X.indptr.astype(index_dtype)
    rows = np.arange(X.shape[0])
    with record_paths() as paths:
        got = kneighbors(X, X, 6, query_in_reference=rows)
    assert paths == ["csr"]
    np.testing.assert_array_equal(got, kneighbors(X.toarray(), X.toarray(), 6,
                                                  query_in_reference=rows))


def test_read_only_memmap_input(tmp_path, path):
    rng = np.random.RandomState(8)
    X = rng.normal(size=(400, 10))
    filename = tmp_path / "X.dat"
    X.tofile(filename)
    mapped = np.memmap(filename, dtype=X.dtype, mode="r", shape=X.shape)
    rows = np.arange(X.shape[0])
    np.testing.assert_array_equal(kneighbors(mapped, mapped, 3, query_in_reference=rows),
                                  reference_knn(X, X, 3, rows)[0])


@pytest.mark.skipif(not openmp_enabled(), reason="serial build")
def test_openmp_thread_limit_gives_same_result():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    rng = np.random.RandomState(9)
    X = rng.normal(size=(3000, 20))
    rows = np.arange(X.shape[0])
    free = kneighbors(X, X, 5, query_in_reference=rows)
    with threadpoolctl.threadpool_limits(1, "openmp"):
        limited = kneighbors(X, X, 5, query_in_reference=rows)
    np.testing.assert_array_equal(free, limited)


def test_exact_nearest_neighbors_interface():
    rng = np.random.RandomState(10)
    X = rng.normal(size=(50, 3))
    nn = ExactNearestNeighbors(n_neighbors=4).fit(X)
    dist, idx = nn.kneighbors(X[:5])
    assert idx.shape == (5, 4)
    np.testing.assert_array_equal(idx[:, 0], np.arange(5))  # each row is its own nearest
    np.testing.assert_allclose(dist[:, 0], 0.0)
    without_self = nn.kneighbors(n_neighbors=3, return_distance=False)
    np.testing.assert_array_equal(without_self, reference_knn(X, X, 3, np.arange(50))[0])
    graph = nn.kneighbors_graph(X[:5])
    assert graph.shape == (5, 50) and graph.nnz == 20
    with pytest.raises(ValueError, match="Expected n_neighbors <= n_samples_fit, but "
                                         "n_neighbors = 51, n_samples_fit = 50, n_samples = 2"):
        nn.kneighbors(X[:2], n_neighbors=51)
    assert nn.get_params() == {"n_jobs": None, "n_neighbors": 4}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(1, 1), (7, 3), (1001, 2), (5000, 20)])
@pytest.mark.parametrize("n_threads", [1, 2, 3])
def test_column_extremes_equal_numpys(dtype, shape, n_threads):
    from smote_fast._checks import column_extremes

    X = np.random.RandomState(shape[0]).normal(size=shape).astype(dtype) * 1e3
    low, high = np.empty(shape[1]), np.empty(shape[1])
    column_extremes(X, low, high, n_threads)
    np.testing.assert_array_equal(low, X.min(axis=0))
    np.testing.assert_array_equal(high, X.max(axis=0))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_grid_queries_outside_the_grid_and_on_its_edges(dtype, monkeypatch):
    for name, value in PATHS["grid"].items():
        monkeypatch.setattr(_neighbors, name, value)
    rng = np.random.RandomState(10)
    reference = rng.uniform(-1, 1, size=(3000, 2)).astype(dtype)
    query = np.vstack([rng.uniform(-50, 50, size=(200, 2)),  # mostly far outside
                       [[-1, -1], [1, 1], [1, -1], [0, 0]],  # corners and centre
                       reference[:50]]).astype(dtype)
    np.testing.assert_array_equal(kneighbors(query, reference, 7),
                                  reference_knn(query, reference, 7)[0])


def count_calls(monkeypatch, module, name):
    """Wrap ``module.name``; the returned list grows by one per call."""
    calls = []
    real = getattr(module, name)
    monkeypatch.setattr(module, name, lambda *args: calls.append(1) or real(*args))
    return calls


def test_crowded_rows_fall_back_to_the_kdtree(monkeypatch):
    # all rows in one cell but for an outlier: the grid declines, the tree answers
    rng = np.random.RandomState(11)
    X = np.vstack([rng.normal(size=(4000, 2)) * 1e-3, [[1e3, 1e3]]])
    rows = np.arange(300)
    searches = count_calls(monkeypatch, _neighbors._knn_lowd, "build_kdtree")
    with record_paths() as paths:
        got = kneighbors(X[rows], X, 5, query_in_reference=rows)
    np.testing.assert_array_equal(got, reference_knn(X[rows], X, 5, rows)[0])
    assert searches == [1]
    assert paths == ["kdtree"]


def test_uncrowded_low_dimensional_rows_use_the_grid(monkeypatch):
    rng = np.random.RandomState(12)
    X = rng.uniform(size=(100000, 2))
    rows = np.arange(500)
    calls = count_calls(monkeypatch, _neighbors._knn_grid, "knn_grid")
    with record_paths() as paths:
        got = kneighbors(X[rows], X, 5, query_in_reference=rows)
    assert calls == [1]
    assert paths == ["grid"]
    expected = np.argsort(((X[rows, None] - X[None]) ** 2).sum(-1)
                          + np.where(rows[:, None] == np.arange(len(X)), np.inf, 0),
                          axis=1, kind="stable")[:, :5]
    np.testing.assert_array_equal(got, expected)


def test_duplicated_rows_are_certified_by_the_wide_passes(monkeypatch):
    # 40 copies of each row: the k-th distance (0) is shared by 39 others, so only
    # a pass keeping more spares than that can certify; none is left to the
    # direct search, and the result is the exact (distance, index) order
    for name, value in PATHS["gemm"].items():
        monkeypatch.setattr(_neighbors, name, value)
    rng = np.random.RandomState(13)
    X = np.repeat(rng.normal(size=(60, 12)), 40, axis=0)
    rows = np.arange(0, X.shape[0], 7)
    direct = count_calls(monkeypatch, _neighbors._knn, "knn_direct")
    with record_paths() as paths:
        got = kneighbors(X[rows], X, 5, query_in_reference=rows)
    np.testing.assert_array_equal(got, reference_knn(X[rows], X, 5, rows)[0])
    assert direct == []
    assert paths == ["gemm"]


@pytest.mark.parametrize(("shape", "k", "expected"), [
    ((50, 20), 5, "direct"),          # few references
    ((3000, 2), 5, "grid"),           # few features
    ((3000, 4), 5, "kdtree"),         # beyond the grid's features
    ((3000, 20), 5, "gemm"),          # moderate dimension
    ((3000, 20), 2999, "direct"),     # every reference a neighbour
])
def test_default_thresholds_choose_the_expected_path(shape, k, expected):
    X = np.random.RandomState(14).uniform(size=shape)
    rows = np.arange(shape[0])
    with record_paths() as outer:
        with record_paths() as inner:
            kneighbors(X[:40], X, k, query_in_reference=rows[:40])
        kneighbors(X[:40], X, k, query_in_reference=rows[:40])
    assert inner == [expected]
    assert outer == [expected, expected]
    # nothing is recorded outside a block
    assert _neighbors._path_recorders == []


def test_failed_scratch_allocation_raises_memory_error():
    # A traversal stack of 2**58 levels (2**62 bytes per thread): the driver's
    # allocation fails, and the kernel raises instead of searching.
    X = np.random.RandomState(15).normal(size=(64, 3))
    indices = np.zeros((4, 2), dtype=np.intp)
    distances = np.zeros((4, 2))
    nodes = np.zeros(1, dtype=np.intp)
    boxes = np.zeros((1, 3))
    rows = np.full(4, -1, dtype=np.intp)
    with pytest.raises(MemoryError):
        _knn_lowd.knn_kdtree(X[:4], X, np.arange(64), nodes, nodes, boxes, boxes, 2**58,
                             rows, indices, distances, 2)
    with pytest.raises(MemoryError):  # the stack's size itself overflows
        _knn_lowd.knn_kdtree(X[:4], X, np.arange(64), nodes, nodes, boxes, boxes, 2**62,
                             rows, indices, distances, 2)


@pytest.mark.parametrize("single_precision", [True, False])
def test_failed_gemm_allocation_raises_memory_error(single_precision):
    # 2**50 references per tile call: the per-thread hit buffers cannot exist
    X = np.random.RandomState(16).normal(size=(300, 20))
    rows = np.arange(50)
    indices = np.zeros((50, 5), dtype=np.intp)
    distances = np.zeros((50, 5))
    failed = np.zeros(50, dtype=np.uint8)
    with pytest.raises(MemoryError):
        _knn.knn_gemm(X[:50], X, rows, X.mean(axis=0), 9, single_precision, 1e-3, 1e-30,
                      indices, distances, failed, 2, 16, 2**50)
    with pytest.raises(ValueError, match="n_candidates"):
        _knn.knn_gemm(X[:50], X, rows, X.mean(axis=0), 301, single_precision, 1e-3, 1e-30,
                      indices, distances, failed, 2, 16, 256)
