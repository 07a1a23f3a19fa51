"""The compiled kernels on their own: exact k-NN on every path against the numpy
reference (ordered by (squared distance, index)), interpolation against numpy's
arithmetic bit for bit, the legacy random draws against numpy's, label encoding
against ``np.unique``, and the column checks.

Thread-count and chunk-size invariance of the kernels is in test_determinism.py.
"""

import numpy as np
import pytest
from _support import (
    FORCED_PATHS,
    SPARSE_PATHS,
    assert_ran,
    assert_several_threads_ran,
    encode_labels,
    force_path,
    force_sparse_path,
    integer_grid,
    kneighbors,
    mixed_queries,
    openmp_enabled,
    paths_taken,
    random_module,
    record_threads,
    reference_knn,
    resample_data_class,
)
from scipy import sparse

from smote_fast import ExactNearestNeighbors, _interpolate, _knn, _knn_lowd, _neighbors

# ------------------------------------------------------------------ k-NN paths


@pytest.fixture(params=sorted(FORCED_PATHS))
def path(request, monkeypatch):
    """Forces one k-NN path; each test checks with ``assert_ran`` that it ran."""
    force_path(monkeypatch, request.param)
    return request.param


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_features", [1, 3, 20, 67])
def test_matches_reference_with_self_exclusion(path, dtype, n_features):
    rng = np.random.RandomState(n_features)
    X = rng.normal(size=(700, n_features)).astype(dtype)
    rows = np.arange(X.shape[0])
    with paths_taken() as paths:
        got, got_dist = kneighbors(X, X, 6, query_in_reference=rows, return_distance=True)
    assert_ran(path, paths)
    expected, expected_dist = reference_knn(X, X, 6, rows)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_allclose(got_dist, expected_dist, rtol=1e-12)
    assert not (got == rows[:, None]).any()


@pytest.mark.parametrize("path", sorted(set(FORCED_PATHS) - {"gemm_pairs"}), indirect=True)
def test_query_subset_and_no_exclusion(path):
    rng = np.random.RandomState(1)
    reference = rng.normal(size=(900, 12))
    query = rng.normal(size=(130, 12))
    with paths_taken() as paths:
        got = kneighbors(query, reference, 9)
    assert_ran(path, paths)
    np.testing.assert_array_equal(got, reference_knn(query, reference, 9)[0])


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
        _knn.knn_gemm(
            query,
            reference,
            rows,
            reference.mean(axis=0, dtype=np.float64),
            n_candidates,
            single_precision,
            margin,
            _neighbors._SLACK[single_precision],
            indices,
            distances,
            failed,
            2,
            37,
            100,
        )
    finally:
        _knn.limit_tile_variant(previous)
    assert not failed.any()
    expected, expected_dist = reference_knn(query, reference, k, rows)
    np.testing.assert_array_equal(indices, expected)
    np.testing.assert_array_equal(distances, expected_dist)


@pytest.mark.parametrize("widest", [512, 256, 0])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("n_rows", "block_rows"), [(1037, 100), (1037, 1037), (600, 37), (64, 1)])
def test_pairs_kernel_certifies_the_exact_neighbours(widest, dtype, n_rows, block_rows):
    # an even and an odd number of blocks (a bye in every round), one block, a
    # short last block, blocks of one row; every tile variant the CPU runs
    rng = np.random.RandomState(n_rows + block_rows)
    X = rng.normal(size=(n_rows, 21)).astype(dtype)
    k, n_candidates = 6, 10
    indices = np.empty((n_rows, k), dtype=np.intp)
    distances = np.empty((n_rows, k))
    failed = np.empty(n_rows, dtype=np.uint8)
    margin = 4.0 * (X.shape[1] + 10) * _neighbors._UNIT_ROUNDOFF[True]
    n_heap, n_roots = _knn.pairs_scratch_sizes(n_rows, n_candidates)
    previous = _knn.limit_tile_variant(widest)
    try:
        _knn.knn_gemm_pairs(
            X,
            X.mean(axis=0, dtype=np.float64),
            n_candidates,
            margin,
            _neighbors._SLACK[True],
            indices,
            distances,
            failed,
            np.empty(n_heap, dtype=np.uint64),
            np.empty(n_roots, dtype=np.float32),
            2,
            block_rows,
        )
    finally:
        _knn.limit_tile_variant(previous)
    assert not failed.any()
    expected, expected_dist = reference_knn(X, X, k, np.arange(n_rows))
    np.testing.assert_array_equal(indices, expected)
    np.testing.assert_array_equal(distances, expected_dist)


@pytest.mark.parametrize(
    ("n_candidates", "message"),
    [(5, "n_candidates < number of rows"), (3, "pairs_scratch_sizes")],
)
def test_pairs_kernel_refuses_bad_sizes(n_candidates, message):
    # as many candidates as rows; scratch of the wrong sizes
    X = np.zeros((5, 3))
    outputs = (np.empty((5, 2), dtype=np.intp), np.empty((5, 2)), np.empty(5, np.uint8))
    scratch = (np.empty(25, np.uint64), np.empty(100, np.float32))
    with pytest.raises(ValueError, match=message):
        _knn.knn_gemm_pairs(X, np.zeros(3), n_candidates, 0.0, 0.0, *outputs, *scratch, 1, 2)


def test_only_a_self_search_of_every_row_takes_the_pairs_path(monkeypatch):
    force_path(monkeypatch, "gemm_pairs")
    rng = np.random.RandomState(17)
    X = rng.normal(size=(500, 12))
    rows = np.arange(500)
    searches = {
        "every row": (X, rows, "gemm_pairs"),
        "some rows": (X[:200], rows[:200], "gemm"),
        "a copy of the rows": (X.copy(), rows, "gemm"),
        "no exclusion": (X, np.full(500, -1), "gemm"),
        "other exclusions": (X, np.roll(rows, 1), "gemm"),
    }
    for name, (query, exclude, expected_path) in searches.items():
        with paths_taken() as paths:
            got = kneighbors(query, X, 4, query_in_reference=exclude)
        assert paths == [expected_path], name
        np.testing.assert_array_equal(got, reference_knn(query, X, 4, exclude)[0], err_msg=name)


@pytest.mark.parametrize(("n_queried", "expected_path"), [(250, "gemm_pairs"), (249, "gemm")])
def test_neighbours_of_half_the_fitted_rows_or_more_search_them_all(n_queried, expected_path):
    # ENN's question (the rows of some classes among all rows) answered by the
    # self-search of every row when that costs no more products
    rng = np.random.RandomState(18)
    X = rng.normal(size=(500, 12))
    nn = ExactNearestNeighbors(n_neighbors=4).fit(X)
    rows = np.sort(rng.permutation(500)[:n_queried])
    with _neighbors.record_paths() as paths:
        # the default thresholds would search 500 rows directly
        with pytest.MonkeyPatch.context() as patch:
            force_path(patch, "gemm_pairs")
            dist, got = nn.kneighbors_of_fitted(rows, return_distance=True)
    assert paths == [expected_path]
    expected, expected_dist = reference_knn(X[rows], X, 3, rows)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_allclose(dist, np.sqrt(expected_dist), rtol=1e-12)


def test_ties_resolve_to_lower_index(path):
    # every row duplicated three times on a coarse grid: massive distance ties
    rng = np.random.RandomState(3)
    X = np.repeat(rng.randint(0, 3, size=(200, 20)).astype(np.float64), 3, axis=0)
    rows = np.arange(X.shape[0])
    with paths_taken() as paths:
        got = kneighbors(X, X, 7, query_in_reference=rows)
    assert_ran(path, paths)
    np.testing.assert_array_equal(got, reference_knn(X, X, 7, rows)[0])


def test_large_offset_is_exact(path):
    # the GEMM expansion alone mis-ranks such data; certification catches it
    rng = np.random.RandomState(4)
    X = 1e6 + 0.01 * rng.normal(size=(1500, 20))
    rows = np.arange(X.shape[0])
    with paths_taken() as paths:
        got = kneighbors(X, X, 5, query_in_reference=rows)
    assert_ran(path, paths)
    np.testing.assert_array_equal(got, reference_knn(X, X, 5, rows)[0])


def test_huge_magnitudes_fall_back_to_exact(path):
    rng = np.random.RandomState(5)
    X = rng.normal(size=(300, 30)) * 1e200
    rows = np.arange(X.shape[0])
    np.testing.assert_array_equal(
        kneighbors(X, X, 4, query_in_reference=rows),
        np.argsort(
            np.where(
                np.eye(300, dtype=bool),
                np.inf,
                ((X[:, None] / 1e200 - X[None] / 1e200) ** 2).sum(-1),
            ),
            axis=1,
            kind="stable",
        )[:, :4],
    )


def test_float32_agrees_with_float64(path):
    rng = np.random.RandomState(6)
    X = rng.normal(size=(800, 24))
    rows = np.arange(X.shape[0])
    idx64, d64 = kneighbors(X, X, 5, query_in_reference=rows, return_distance=True)
    idx32, d32 = kneighbors(
        X.astype(np.float32), X.astype(np.float32), 5, query_in_reference=rows, return_distance=True
    )
    assert (idx32 == idx64).mean() > 0.99
    np.testing.assert_allclose(d32, d64, rtol=1e-5)


@pytest.mark.parametrize("sparse_path", SPARSE_PATHS)
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_csr_equals_dense(dtype, index_dtype, sparse_path, monkeypatch):
    X = sparse.random(500, 40, density=0.15, format="csr", random_state=7, dtype=dtype)
    X.indices = X.indices.astype(index_dtype)
    X.indptr = X.indptr.astype(index_dtype)
    rows = np.arange(X.shape[0])
    force_sparse_path(monkeypatch, sparse_path)
    with paths_taken() as paths:
        got = kneighbors(X, X, 6, query_in_reference=rows)
    assert paths == [sparse_path]
    np.testing.assert_array_equal(
        got, kneighbors(X.toarray(), X.toarray(), 6, query_in_reference=rows)
    )


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
    with pytest.raises(
        ValueError,
        match="Expected n_neighbors <= n_samples_fit, but "
        "n_neighbors = 51, n_samples_fit = 50, n_samples = 2",
    ):
        nn.kneighbors(X[:2], n_neighbors=51)
    assert nn.get_params() == {"n_jobs": None, "n_neighbors": 4}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_grid_queries_outside_the_grid_and_on_its_edges(dtype, monkeypatch):
    force_path(monkeypatch, "grid")
    rng = np.random.RandomState(10)
    reference = rng.uniform(-1, 1, size=(3000, 2)).astype(dtype)
    query = np.vstack(
        [
            rng.uniform(-50, 50, size=(200, 2)),  # mostly far outside
            [[-1, -1], [1, 1], [1, -1], [0, 0]],  # corners and centre
            reference[:50],
        ]
    ).astype(dtype)
    with paths_taken() as paths:
        got = kneighbors(query, reference, 7)
    assert paths == ["grid"]
    np.testing.assert_array_equal(got, reference_knn(query, reference, 7)[0])


def test_crowded_rows_fall_back_to_the_kdtree():
    # all rows in one cell but for an outlier: the grid declines, the tree answers
    rng = np.random.RandomState(11)
    X = np.vstack([rng.normal(size=(4000, 2)) * 1e-3, [[1e3, 1e3]]])
    rows = np.arange(300)
    with paths_taken() as paths:
        got = kneighbors(X[rows], X, 5, query_in_reference=rows)
    np.testing.assert_array_equal(got, reference_knn(X[rows], X, 5, rows)[0])
    assert paths == ["kdtree"]


def test_uncrowded_low_dimensional_rows_use_the_grid():
    rng = np.random.RandomState(12)
    X = rng.uniform(size=(100000, 2))
    rows = np.arange(500)
    with paths_taken() as paths:
        got = kneighbors(X[rows], X, 5, query_in_reference=rows)
    assert paths == ["grid"]
    np.testing.assert_array_equal(got, reference_knn(X[rows], X, 5, rows)[0])


def test_duplicated_rows_are_certified_by_the_wide_passes(monkeypatch):
    # 40 copies of each row: the k-th distance (0) is shared by 39 others, so only
    # a pass keeping more spares than that can certify; none is left to the
    # direct search, and the result is the exact (distance, index) order
    force_path(monkeypatch, "gemm")
    rng = np.random.RandomState(13)
    X = np.repeat(rng.normal(size=(60, 12)), 40, axis=0)
    rows = np.arange(0, X.shape[0], 7)
    with paths_taken() as paths:
        got = kneighbors(X[rows], X, 5, query_in_reference=rows)
    np.testing.assert_array_equal(got, reference_knn(X[rows], X, 5, rows)[0])
    assert "gemm" in paths and "direct" not in paths


def test_duplicated_rows_in_a_self_search_are_certified_by_the_wide_passes(monkeypatch):
    # as above, for the pairs path: its float32 pass cannot certify rows whose
    # k-th distance 39 copies share, the wide passes on those rows can
    force_path(monkeypatch, "gemm_pairs")
    rng = np.random.RandomState(19)
    X = np.repeat(rng.normal(size=(30, 12)), 40, axis=0)
    rows = np.arange(X.shape[0])
    with paths_taken() as paths:
        got = kneighbors(X, X, 5, query_in_reference=rows)
    np.testing.assert_array_equal(got, reference_knn(X, X, 5, rows)[0])
    assert paths == ["gemm_pairs"]


@pytest.mark.parametrize("n_features", [2, 5, 20, 64])
@pytest.mark.parametrize("data", ["tie_free64", "tie_free32", "grid", "duplicates"])
def test_kneighbors_exact_order_with_outside_queries(data, n_features, global_random_seed):
    """Queries mixing rows of the reference (excluded by index) and new rows, on the
    path the front end picks, against the reference (float32: its float64 image)."""
    rng = np.random.RandomState([global_random_seed, n_features])
    k = 7
    reference, query, own = mixed_queries(rng, data, n_features)
    if data == "grid":
        query[300:] = integer_grid(rng, 100, n_features)
    query_in_reference = np.concatenate([own, np.full(100, -1)])

    expected, expected_dist = reference_knn(query, reference, k, exclude=query_in_reference)
    got = kneighbors(query, reference, k, query_in_reference=query_in_reference)
    assert got.dtype == np.intp and got.shape == (len(query), k)
    if data != "tie_free32":
        np.testing.assert_array_equal(got, expected)
    else:  # float32 input: the same as its float64 image (tie-free data)
        np.testing.assert_array_equal(
            got,
            kneighbors(
                query.astype(np.float64),
                reference.astype(np.float64),
                k,
                query_in_reference=query_in_reference,
            ),
        )
    _, distances = kneighbors(
        query, reference, k, query_in_reference=query_in_reference, return_distance=True
    )
    np.testing.assert_allclose(distances, expected_dist, rtol=1e-12, atol=1e-12)
    for i, j in enumerate(own):
        assert j not in got[i], "a query row is its own neighbour"


def test_kneighbors_sparse_equals_dense(global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    reference = rng.normal(size=(400, 12))
    reference[rng.uniform(size=reference.shape) < 0.4] = 0
    own = np.arange(0, 400, 3)
    query = reference[own]
    dense = kneighbors(query, reference, 5, query_in_reference=own)
    got = kneighbors(
        sparse.csr_matrix(query), sparse.csr_matrix(reference), 5, query_in_reference=own
    )
    np.testing.assert_array_equal(got, dense)
    np.testing.assert_array_equal(dense, reference_knn(query, reference, 5, exclude=own)[0])


# --------------------------------------------------------------- column checks


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


def test_is_every_row():
    from smote_fast._checks import is_every_row

    assert is_every_row(np.arange(7)) and is_every_row(np.arange(0))
    assert not is_every_row(np.array([0, 1, 3]))
    assert not is_every_row(np.arange(10)[::2])  # a strided view
    assert not is_every_row(np.array([1, 2, 3]))


# ---------------------------------------------------------------- interpolation


def numpy_formula(X, base, neighbor, steps, scale=None):
    """imbalanced-learn's order: difference in X's dtype, optional in-place scale,
    float64 product and sum, one cast."""
    diff = X[neighbor] - X[base]
    if scale is not None:
        diff *= scale[:, None]
    return (X[base] + steps[:, None] * diff).astype(X.dtype)


def draws(n_rows, n_new, seed):
    rng = np.random.RandomState(seed)
    base = rng.randint(0, n_rows, n_new).astype(np.intp)
    neighbor = rng.randint(0, n_rows, n_new).astype(np.intp)
    return base, neighbor, rng.uniform(size=n_new), rng.uniform(0, 0.5, size=n_new)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scaled", [False, True])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_dense_bitwise_equal_to_numpy(dtype, scaled, n_threads):
    rng = np.random.RandomState(0)
    X = (rng.normal(size=(300, 7)) * rng.lognormal(size=(1, 7))).astype(dtype)
    base, neighbor, steps, scale = draws(300, 5000, 1)
    out = np.full((5010, 7), -1, dtype=dtype)
    _interpolate.interpolate_dense(
        X, base, neighbor, steps, scale if scaled else np.empty(0), out, 10, n_threads
    )
    expected = numpy_formula(X, base, neighbor, steps, scale if scaled else None)
    np.testing.assert_array_equal(out[10:], expected)
    assert (out[:10] == -1).all()  # rows before the offset untouched


def test_rewritten_formula_would_differ():
    # guards the test above: (1-u)x + u z is not bit-identical, so the check is sharp
    rng = np.random.RandomState(2)
    X = rng.normal(size=(200, 5))
    base, neighbor, steps, _ = draws(200, 3000, 3)
    alternative = (1 - steps[:, None]) * X[base] + steps[:, None] * X[neighbor]
    assert (alternative != numpy_formula(X, base, neighbor, steps)).any()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("scaled", [False, True])
def test_csr_rows_equal_dense(dtype, index_dtype, scaled):
    X = sparse.random(100, 30, density=0.3, format="csr", random_state=4, dtype=dtype)
    base, neighbor, steps, scale = draws(100, 400, 5)
    scale_arg = scale if scaled else np.empty(0)
    indices, indptr = X.indices.astype(index_dtype), X.indptr.astype(index_dtype)
    nnz = np.empty(400, dtype=np.int64)
    _interpolate.csr_synthetic_rows(
        X.data,
        indices,
        indptr,
        base,
        neighbor,
        steps,
        scale_arg,
        nnz,
        np.empty(0, dtype),
        np.empty(0, index_dtype),
        True,
        1,
    )
    starts = np.concatenate([[0], np.cumsum(nnz)[:-1]]).astype(np.int64)
    data = np.empty(nnz.sum(), dtype)
    cols = np.empty(nnz.sum(), index_dtype)
    _interpolate.csr_synthetic_rows(
        X.data, indices, indptr, base, neighbor, steps, scale_arg, starts, data, cols, False, 2
    )
    out_indptr = np.concatenate([[0], np.cumsum(nnz)])
    result = sparse.csr_matrix((data, cols, out_indptr), shape=(400, 30))
    expected = numpy_formula(X.toarray(), base, neighbor, steps, scale if scaled else None)
    np.testing.assert_array_equal(result.toarray(), expected)
    assert (data != 0).all()  # zeros are not stored
    # column indices strictly increasing within each output row
    assert all(
        (np.diff(cols[a:b]) > 0).all() for a, b in zip(out_indptr[:-1], out_indptr[1:], strict=True)
    )


def test_resolve_pairs_maps_flat_draws():
    neighbors = np.array([[1, 2], [0, 2], [0, 1]], dtype=np.intp)
    base_rows = np.array([10, 20, 30], dtype=np.intp)
    flat = np.array([0, 1, 2, 3, 4, 5], dtype=np.int64)
    base = np.empty(6, np.intp)
    neighbor = np.empty(6, np.intp)
    _interpolate.resolve_pairs(flat, neighbors, base_rows, base_rows, base, neighbor)
    np.testing.assert_array_equal(base, [10, 10, 20, 20, 30, 30])
    np.testing.assert_array_equal(neighbor, [20, 30, 10, 30, 10, 20])


# ---------------------------------------------------------------- legacy draws


def numpy_draws(random_state, high, n_ints, n_doubles):
    return (
        random_state.randint(low=0, high=high, size=n_ints),
        random_state.random_sample(n_doubles),
    )


@pytest.mark.parametrize(
    "high", [1, 2, 3, 500, 50_000, 2**31 + 5, 2**32 - 1, 2**32, 2**32 + 1, 2**40]
)
@pytest.mark.parametrize("skip", [0, 1, 623, 624, 1000])
@pytest.mark.parametrize("sizes", [(0, 0), (1, 0), (0, 1), (7, 3), (2000, 1500)])
def test_values_and_final_state_equal_numpys(high, skip, sizes):
    ours, numpys = np.random.RandomState(high % 1000), np.random.RandomState(high % 1000)
    # start from every kind of position within the 624-word block
    ours.randint(0, 2**32, size=skip, dtype=np.uint32)
    numpys.randint(0, 2**32, size=skip, dtype=np.uint32)
    got = random_module().randint_then_random_sample(ours, high, *sizes)
    expected = numpy_draws(numpys, high, *sizes)
    for value, reference in zip(got, expected, strict=True):
        assert value.dtype == reference.dtype
        np.testing.assert_array_equal(value, reference)
    state, expected_state = ours.get_state(), numpys.get_state()
    np.testing.assert_array_equal(state[1], expected_state[1])
    assert state[2] == expected_state[2]


def test_the_kernel_is_used_for_mt19937(monkeypatch):
    random = random_module()
    calls = []
    real = random._legacy_draws.randint_then_random_sample
    monkeypatch.setattr(
        random._legacy_draws,
        "randint_then_random_sample",
        lambda *args: calls.append(args) or real(*args),
    )
    random.randint_then_random_sample(np.random.RandomState(0), 10, 5, 5)
    assert len(calls) == 1


@pytest.mark.parametrize("bit_generator", [np.random.PCG64, np.random.Philox])
def test_other_bit_generators_use_numpy(bit_generator):
    ours = np.random.RandomState(bit_generator(3))
    numpys = np.random.RandomState(bit_generator(3))
    got = random_module().randint_then_random_sample(ours, 97, 300, 200)
    expected = numpy_draws(numpys, 97, 300, 200)
    for value, reference in zip(got, expected, strict=True):
        np.testing.assert_array_equal(value, reference)


def test_global_generator_advances_like_numpys():
    np.random.seed(11)
    got = random_module().randint_then_random_sample(np.random.mtrand._rand, 1234, 999, 999)
    after = np.random.random_sample(3)
    np.random.seed(11)
    expected = numpy_draws(np.random.mtrand._rand, 1234, 999, 999)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])
    np.testing.assert_array_equal(after, np.random.random_sample(3))


def test_a_failed_layout_check_falls_back_to_numpy(monkeypatch):
    random = random_module()
    monkeypatch.setattr(random, "_legacy_draws_checked", [False])
    monkeypatch.setattr(random._legacy_draws, "randint_then_random_sample", None)
    got = random.randint_then_random_sample(np.random.RandomState(5), 10, 4, 4)
    expected = numpy_draws(np.random.RandomState(5), 10, 4, 4)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])


def test_the_layout_check_passes_on_this_numpy():
    assert random_module()._legacy_draws_verified()


@pytest.mark.parametrize("seed", [0, 1, 42, 2**31, 2**32 - 1])
@pytest.mark.parametrize("high", [1, 7, 500, 2**32])
def test_seeded_draws_equal_a_fresh_randomstate(seed, high):
    got = random_module().seeded_randint_then_random_sample(seed, high, 1500, 1300)
    expected = numpy_draws(np.random.RandomState(seed), high, 1500, 1300)
    for value, reference in zip(got, expected, strict=True):
        assert value.dtype == reference.dtype
        np.testing.assert_array_equal(value, reference)


# ------------------------------------------------------------- label encoding

LABEL_SETS = [
    [0, 1],
    [0, 1, 2, 3],
    [0, 2, 5],
    [3, 7],
    [255, 0],
    [256, 1],
    [-1, 1],
    [-5, 0, 9],
    [10**12, 3],
]


@pytest.mark.parametrize(
    "labels, dtype",
    [
        (labels, dtype)
        for labels in LABEL_SETS
        for dtype in (np.intp, np.int32, np.uint8, np.int64)
        if np.iinfo(dtype).min <= min(labels) and max(labels) <= np.iinfo(dtype).max
    ],
)
def test_encode_labels_equals_unique(labels, dtype):
    rng = np.random.RandomState(len(labels))
    y = rng.choice(np.asarray(labels), size=1000).astype(dtype)
    y[: len(labels)] = labels  # every label present
    classes, codes, counts = encode_labels(y)
    expected_classes, expected_codes, expected_counts = np.unique(
        y, return_inverse=True, return_counts=True
    )
    np.testing.assert_array_equal(classes, expected_classes)
    assert classes.dtype == y.dtype
    np.testing.assert_array_equal(codes, expected_codes)
    np.testing.assert_array_equal(counts, expected_counts)


def test_strided_labels_and_rows_of():
    y = np.repeat(np.array([2, 0, 1, 0], dtype=np.intp), 3)[::2]  # non-contiguous view
    data = resample_data_class()(np.zeros((y.size, 1)), y, 1)
    for label in (0, 1, 2):
        np.testing.assert_array_equal(data.rows_of(label), np.flatnonzero(y == label))


# ------------------------------------------------- path choice, failed allocations


@pytest.mark.parametrize(
    ("shape", "k", "self_search", "expected"),
    [
        ((50, 20), 5, False, "direct"),  # few references
        ((3000, 2), 5, False, "grid"),  # few features
        ((3000, 4), 5, False, "kdtree"),  # beyond the grid's features
        ((3000, 20), 5, False, "gemm"),  # moderate dimension
        ((3000, 20), 5, True, "gemm_pairs"),  # the same, every row's neighbours
        ((1000, 20), 5, True, "gemm"),  # too few rows to pay for pairs
        ((3000, 20), 2999, False, "direct"),  # every reference a neighbour
    ],
)
def test_default_thresholds_choose_the_expected_path(shape, k, self_search, expected):
    X = np.random.RandomState(14).uniform(size=shape)
    rows = np.arange(shape[0])
    query, exclude = (X, rows) if self_search else (X[:40], rows[:40])
    with _neighbors.record_paths() as outer:
        with _neighbors.record_paths() as inner:
            kneighbors(query, X, k, query_in_reference=exclude)
        kneighbors(query, X, k, query_in_reference=exclude)
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
        _knn_lowd.knn_kdtree(
            X[:4], X, np.arange(64), nodes, nodes, boxes, boxes, 2**58, rows, indices, distances, 2
        )
    with pytest.raises(MemoryError):  # the stack's size itself overflows
        _knn_lowd.knn_kdtree(
            X[:4], X, np.arange(64), nodes, nodes, boxes, boxes, 2**62, rows, indices, distances, 2
        )


@pytest.mark.parametrize("single_precision", [True, False])
def test_failed_gemm_allocation_raises_memory_error(single_precision):
    # 2**50 references per tile call: the per-thread hit buffers cannot exist
    X = np.random.RandomState(16).normal(size=(300, 20))
    rows = np.arange(50)
    indices = np.zeros((50, 5), dtype=np.intp)
    distances = np.zeros((50, 5))
    failed = np.zeros(50, dtype=np.uint8)
    with pytest.raises(MemoryError):
        _knn.knn_gemm(
            X[:50],
            X,
            rows,
            X.mean(axis=0),
            9,
            single_precision,
            1e-3,
            1e-30,
            indices,
            distances,
            failed,
            2,
            16,
            2**50,
        )
    with pytest.raises(ValueError, match="n_candidates"):
        _knn.knn_gemm(
            X[:50],
            X,
            rows,
            X.mean(axis=0),
            301,
            single_precision,
            1e-3,
            1e-30,
            indices,
            distances,
            failed,
            2,
            16,
            256,
        )


# ------------------------------------------------------- sparse: inverted index


def awkward_sparse(rng, n_rows=600, n_features=3000, nnz=6, dtype=np.float64):
    """CSR rows that mostly share no column (``nnz`` of ``n_features``), with
    duplicated rows, empty rows and a few dense rows mixed in: ties on purpose."""
    rows = np.repeat(np.arange(n_rows), nnz)
    cols = rng.randint(0, n_features, size=rows.size)
    X = sparse.csr_matrix(
        (rng.exponential(size=rows.size), (rows, cols)), shape=(n_rows, n_features)
    ).tolil()
    X[rng.choice(n_rows, 25, replace=False)] = 0  # empty rows
    for row in rng.choice(n_rows, 3, replace=False):  # dense rows
        X[row] = rng.exponential(size=(1, n_features))
    X = X.tocsr()
    copies = rng.choice(n_rows, 40, replace=False)
    X = sparse.vstack([X, X[copies]]).tocsr()  # duplicated rows
    X = X[rng.permutation(X.shape[0])]
    X.sort_indices()
    return X.astype(dtype)


@pytest.mark.parametrize("k", [1, 6, 40])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_csr_index_matches_reference_and_merge(dtype, k, global_random_seed, monkeypatch):
    rng = np.random.RandomState([global_random_seed, 31])
    X = awkward_sparse(rng, dtype=dtype)
    rows = np.arange(X.shape[0])
    with paths_taken() as paths:
        got, got_dist = kneighbors(X, X, k, query_in_reference=rows, return_distance=True)
    assert paths == ["csr_index"]  # chosen by the cost model, not forced
    expected, expected_dist = reference_knn(X.toarray(), X.toarray(), k, rows)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got_dist, expected_dist)  # same sums, same order
    force_sparse_path(monkeypatch, "csr")
    with paths_taken() as paths:
        merged, merged_dist = kneighbors(X, X, k, query_in_reference=rows, return_distance=True)
    assert paths == ["csr"]
    np.testing.assert_array_equal(got, merged)
    np.testing.assert_array_equal(got_dist, merged_dist)


@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
def test_csr_index_query_subset_csc_and_mixed_index_dtypes(
    index_dtype, global_random_seed, monkeypatch
):
    rng = np.random.RandomState([global_random_seed, 32])
    reference = awkward_sparse(rng, n_rows=500)
    query = awkward_sparse(rng, n_rows=90)
    query.indices = query.indices.astype(index_dtype)
    query.indptr = query.indptr.astype(index_dtype)
    force_sparse_path(monkeypatch, "csr_index")
    expected = reference_knn(query.toarray(), reference.toarray(), 7)[0]
    for q, r in (
        (query, reference),
        (query.tocsc(), reference.tocsc()),
        (sparse.csc_array(query), sparse.csr_array(reference)),
    ):
        with paths_taken() as paths:
            got = kneighbors(q, r, 7)
        assert paths == ["csr_index"]
        np.testing.assert_array_equal(got, expected)
    # the estimator fitted on CSC answers as on CSR
    nn = ExactNearestNeighbors(n_neighbors=7).fit(reference.tocsc())
    with paths_taken() as paths:
        got = nn.kneighbors(query.tocsc(), return_distance=False)
    assert_ran("csr_index", paths)
    np.testing.assert_array_equal(got, expected)


def test_csr_index_extreme_magnitudes(monkeypatch):
    """Values whose squares leave float64's range take the power-of-two rescale,
    tiny ones the subnormal slack; the order stays the exact one."""
    rng = np.random.RandomState(5)
    X = awkward_sparse(rng, n_rows=300)
    force_sparse_path(monkeypatch, "csr_index")
    rows = np.arange(X.shape[0])
    expected = reference_knn(X.toarray(), X.toarray(), 5, rows)[0]
    for factor in (1e200, 1e-160):
        scaled = X * factor
        with paths_taken() as paths:
            got = kneighbors(scaled, scaled, 5, query_in_reference=rows)
        assert paths == ["csr_index"]
        np.testing.assert_array_equal(got, expected)


def test_sparse_path_choice_follows_the_cost_model():
    rng = np.random.RandomState(0)
    # a handful of queries against few dense-ish rows: merging every pair is cheaper
    small = sparse.csr_matrix(rng.exponential(size=(60, 30)) * (rng.uniform(size=(60, 30)) < 0.7))
    # many references that mostly share no column: the inverted index
    large = awkward_sparse(rng, n_rows=3000, n_features=20000, nnz=10)
    for query, reference, path in ((small[:3], small, "csr"), (large, large, "csr_index")):
        problem = _neighbors._Problem(query, reference, 5, np.full(query.shape[0], -1), 1, None)
        cheaper = (
            "csr_index"
            if _neighbors.sparse_index_cost(problem) < _neighbors.sparse_merge_cost(problem)
            else "csr"
        )
        assert cheaper == path
        with paths_taken() as paths:
            kneighbors(query, reference, 5)
        assert paths == [path]


def test_csr_index_thread_count_agnostic(global_random_seed, monkeypatch):
    threads = record_threads(monkeypatch)
    rng = np.random.RandomState([global_random_seed, 33])
    X = awkward_sparse(rng, n_rows=800)
    own = np.arange(0, X.shape[0], 2)
    query = X[own]
    force_sparse_path(monkeypatch, "csr_index")
    one = kneighbors(query, X, 6, query_in_reference=own, n_jobs=1, return_distance=True)
    threads.take()
    with paths_taken() as paths:
        two = kneighbors(query, X, 6, query_in_reference=own, n_jobs=2, return_distance=True)
    assert paths == ["csr_index"]
    if openmp_enabled():
        assert_several_threads_ran(threads.take())
    np.testing.assert_array_equal(one[0], two[0])
    np.testing.assert_array_equal(one[1], two[1])


def test_sparse_output_keeps_int32_indices_when_its_values_fit(monkeypatch):
    """The output's index dtype follows a bound on its stored values (each
    synthetic row at most its two parents'), not n_new x n_features: a wide
    matrix keeps int32 indices, so no int64 copy doubles the index memory."""
    from smote_fast import SMOTE

    rng = np.random.RandomState(3)
    rows = np.repeat(np.arange(400), 20)
    X = sparse.csr_matrix(
        (rng.exponential(size=rows.size), (rows, rng.randint(0, 10**7, size=rows.size))),
        shape=(400, 10**7),
    )
    y = np.r_[np.zeros(320, dtype=int), np.ones(80, dtype=int)]  # 240 new x 10^7 > 2^31
    written = []
    real = _interpolate.csr_synthetic_rows

    def recording(*args):
        written.append(args[9].dtype)  # the output's column indices
        return real(*args)

    monkeypatch.setattr(_interpolate, "csr_synthetic_rows", recording)
    X_res, _ = SMOTE(random_state=0).fit_resample(X, y)
    assert written and set(written) == {np.dtype(np.int32)}
    assert X_res.indices.dtype == X_res.indptr.dtype == np.int32
    assert X_res.shape == (640, 10**7)
