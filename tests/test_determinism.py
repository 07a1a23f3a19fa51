"""Results never depend on how the work is run: thread count (``n_jobs``, an OpenMP
limit of one thread), chunk size, input layout (read-only memmap, Fortran order,
strided views), repeated calls, and ties in the data -- for the k-NN kernels on
every path and for every sampler of the roster.

Where OpenMP is built, each multi-thread run proves it really used more than one
thread: the work needed per thread is lowered (so test-sized problems are split),
the thread counts handed to the kernels are recorded, and
``_openmp_helpers.distinct_threads`` confirms OpenMP runs that many threads.
"""

import numpy as np
import pytest
from _support import (
    FORCED_PATHS,
    SPARSE_PATHS,
    THREADED_KEYS,
    assert_on_segments,
    assert_ran,
    assert_several_threads_ran,
    by_key,
    class_knn,
    force_path,
    force_sparse_path,
    gaussian_classes,
    integer_grid,
    kneighbors,
    mixed_queries,
    openmp_enabled,
    ours,
    paths_taken,
    record_threads,
    reference_knn,
    require,
    variants,
    with_duplicates,
)
from scipy import sparse

needs_openmp = pytest.mark.skipif(not openmp_enabled(), reason="serial build")


@pytest.fixture
def threads(monkeypatch):
    """Records the thread counts given to kernels (low work threshold)."""
    return record_threads(monkeypatch)


def assert_resampled(key, X_res, y):
    """Over-samplers added rows; cleaners and combinations changed the row count."""
    if by_key(key).kind == "over-sampling":
        assert X_res.shape[0] > len(y)
    else:
        assert X_res.shape[0] != len(y)


def several_threads_ran(counts):
    if openmp_enabled():  # a serial build runs everything on one thread
        assert_several_threads_ran(counts)


@pytest.fixture(params=sorted(FORCED_PATHS))
def path(request, monkeypatch):
    force_path(monkeypatch, request.param)
    return request.param


# ----------------------------------------------------------------- k-NN kernels


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("chunk_size", [1, 37, 256])
def test_knn_threads_and_chunks_do_not_change_results(path, n_jobs, chunk_size, threads):
    rng = np.random.RandomState(2)
    X = rng.normal(size=(1200, 16))
    rows = np.arange(X.shape[0])
    baseline = kneighbors(X, X, 5, query_in_reference=rows, n_jobs=1)
    threads.take()
    with paths_taken() as paths:
        got = kneighbors(X, X, 5, query_in_reference=rows, n_jobs=n_jobs, chunk_size=chunk_size)
    assert_ran(path, paths)
    if n_jobs == 2:
        several_threads_ran(threads.take())
    np.testing.assert_array_equal(got, baseline)


def test_knn_ties_do_not_depend_on_threads_or_chunks(path, threads):
    # every row duplicated three times on a coarse grid: massive distance ties
    rng = np.random.RandomState(3)
    X = np.repeat(rng.randint(0, 3, size=(200, 20)).astype(np.float64), 3, axis=0)
    rows = np.arange(X.shape[0])
    expected = reference_knn(X, X, 7, rows)[0]
    np.testing.assert_array_equal(kneighbors(X, X, 7, query_in_reference=rows), expected)
    threads.take()
    with paths_taken() as paths:
        got = kneighbors(X, X, 7, query_in_reference=rows, n_jobs=2, chunk_size=13)
    assert_ran(path, paths)
    several_threads_ran(threads.take())
    np.testing.assert_array_equal(got, expected)


def test_knn_read_only_memmap_input(tmp_path, path):
    rng = np.random.RandomState(8)
    X = rng.normal(size=(400, 10))
    filename = tmp_path / "X.dat"
    X.tofile(filename)
    mapped = np.memmap(filename, dtype=X.dtype, mode="r", shape=X.shape)
    rows = np.arange(X.shape[0])
    with paths_taken() as paths:
        got = kneighbors(mapped, mapped, 3, query_in_reference=rows)
    assert_ran(path, paths)
    np.testing.assert_array_equal(got, reference_knn(X, X, 3, rows)[0])


@needs_openmp
def test_knn_openmp_thread_limit_gives_same_result(threads):
    threadpoolctl = require("threadpoolctl")
    rng = np.random.RandomState(9)
    X = rng.normal(size=(3000, 20))
    rows = np.arange(X.shape[0])
    threads.take()
    free = kneighbors(X, X, 5, query_in_reference=rows, n_jobs=2)
    several_threads_ran(threads.take())
    with threadpoolctl.threadpool_limits(1, "openmp"):
        limited = kneighbors(X, X, 5, query_in_reference=rows)
    assert set(threads.take()) == {1}, "the OpenMP limit of one thread was not honoured"
    np.testing.assert_array_equal(free, limited)


@pytest.mark.parametrize("n_features", [2, 5, 20, 64])
@pytest.mark.parametrize("data", ["tie_free64", "tie_free32", "grid", "duplicates"])
def test_knn_thread_and_chunk_agnostic_on_the_default_path(
    data, n_features, global_random_seed, threads
):
    rng = np.random.RandomState([global_random_seed, n_features])
    k = 7
    reference, query, own = mixed_queries(rng, data, n_features)
    query_in_reference = np.concatenate([own, np.full(100, -1)])
    results = {}
    for n_jobs in (1, 2):
        for chunk_size in (None, 7):
            threads.take()
            results[n_jobs, chunk_size] = kneighbors(
                query,
                reference,
                k,
                query_in_reference=query_in_reference,
                n_jobs=n_jobs,
                chunk_size=chunk_size,
            )
            if n_jobs == 2:
                several_threads_ran(threads.take())
    baseline = results[1, None]
    for key, result in results.items():
        np.testing.assert_array_equal(result, baseline, err_msg=f"n_jobs, chunk={key}")


@pytest.mark.parametrize("sparse_path", SPARSE_PATHS)
def test_knn_csr_thread_agnostic(global_random_seed, threads, sparse_path, monkeypatch):
    force_sparse_path(monkeypatch, sparse_path)
    rng = np.random.RandomState(global_random_seed)
    reference = rng.normal(size=(400, 12))
    reference[rng.uniform(size=reference.shape) < 0.4] = 0
    own = np.arange(0, 400, 3)
    query = sparse.csr_matrix(reference[own])
    one = kneighbors(query, sparse.csr_matrix(reference), 5, query_in_reference=own, n_jobs=1)
    threads.take()
    with paths_taken() as paths:
        two = kneighbors(query, sparse.csr_matrix(reference), 5, query_in_reference=own, n_jobs=2)
    assert paths == [sparse_path]
    several_threads_ran(threads.take())
    np.testing.assert_array_equal(one, two)


# ---------------------------------------------------------------------- samplers


def resample_all_ways(key, params, X, y, threads):
    """Every way of running the same sampler; returns the outputs by name and the
    thread counts of the ``n_jobs=2`` run."""
    threadpoolctl = require("threadpoolctl")
    runs = {}
    for n_jobs in (1, 2, None):
        threads.take()
        runs[f"n_jobs={n_jobs}"] = ours(key, **params, n_jobs=n_jobs).fit_resample(X, y)
        if n_jobs == 2:
            two_threads = threads.take()
    threads.take()
    with threadpoolctl.threadpool_limits(limits=1, user_api="openmp"):
        runs["openmp limited to 1"] = ours(key, **params).fit_resample(X, y)
    if openmp_enabled():
        assert set(threads.take()) == {1}, "the OpenMP limit of one thread was not honoured"
    sampler = ours(key, **params, n_jobs=2)
    runs["again"] = sampler.fit_resample(X, y)
    runs["again, same sampler"] = sampler.fit_resample(X, y)  # an int seed repeats
    return runs, two_threads


def assert_all_identical(runs):
    (first_key, (X0, y0)), *others = runs.items()
    for key, (X1, y1) in others:
        if sparse.issparse(X0):
            assert sparse.issparse(X1) and X1.format == X0.format, (first_key, key)
            X0d, X1d = X0.toarray(), X1.toarray()
        else:
            X0d, X1d = X0, X1
        assert X0d.dtype == X1d.dtype and X0d.shape == X1d.shape, (first_key, key)
        assert np.ascontiguousarray(X0d).tobytes() == np.ascontiguousarray(X1d).tobytes(), (
            f"{key} differs from {first_key} ({int((X0d != X1d).any(axis=1).sum())} rows differ)"
        )
        np.testing.assert_array_equal(y1, y0)


@pytest.mark.parametrize("layout", ["d3", "d8", "d20", "d20_float32", "csr", "csr_d8"])
@pytest.mark.parametrize("key", variants(keys=THREADED_KEYS))
def test_samplers_thread_count_agnostic(key, layout, global_random_seed, threads):
    rng = np.random.RandomState([global_random_seed, 5])
    n_features = (
        int(layout.rpartition("_d")[2])
        if "_d" in layout
        else (3 if layout == "d3" else 8 if layout == "d8" else 20)
    )
    counts = [600, 300, 150] if key == "svmsmote" else [2500, 1200, 600]
    X, y = gaussian_classes(rng, counts, n_features, shift=1.0)
    if layout == "d20_float32":
        X = X.astype(np.float32)
    if layout.startswith("csr"):
        X[rng.uniform(size=X.shape) < 0.5] = 0
        X = sparse.csr_matrix(X)
    runs, two_threads = resample_all_ways(key, {"random_state": global_random_seed}, X, y, threads)
    several_threads_ran(two_threads)
    assert_resampled(key, runs["again"][0], y)
    assert_all_identical(runs)


@pytest.mark.parametrize("data", ["duplicates", "grid"])
@pytest.mark.parametrize("key", variants(keys=THREADED_KEYS))
def test_tied_data_gives_deterministic_output(key, data, global_random_seed, threads):
    rng = np.random.RandomState([global_random_seed, 6])
    if data == "duplicates":
        X, y = gaussian_classes(rng, [400, 150, 80], 5, shift=1.0)
        X, y = with_duplicates(rng, X, y, fraction=1.0)
    else:
        y = np.repeat([0, 1, 2], [500, 200, 120])
        X = integer_grid(rng, len(y), 4) + 0.5 * y[:, None]
    runs, two_threads = resample_all_ways(key, {"random_state": 7}, X, y, threads)
    several_threads_ran(two_threads)
    assert_all_identical(runs)
    if key == "smote":  # and the parents are (distance, index)-ordered exact k-NN
        X_res, y_res = runs["n_jobs=1"]
        for label in np.unique(y):
            X_class = X[y == label]
            assert_on_segments(
                X_res[len(y) :][y_res[len(y) :] == label], X_class, X_class, class_knn(X_class, 5)
            )


@pytest.mark.parametrize("key", variants())
def test_readonly_memmap_and_layouts_give_the_same_output(key, tmp_path, global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X, y = gaussian_classes(rng, [80, 30], 6)
    path = tmp_path / "X.dat"
    X.tofile(path)
    memmap = np.memmap(path, dtype=X.dtype, mode="r", shape=X.shape)
    wide = np.zeros((X.shape[0], 2 * X.shape[1]))
    wide[:, ::2] = X
    expected = ours(key, random_state=0).fit_resample(X, y)[0]
    assert_resampled(key, expected, y)
    for layout in (memmap, np.asfortranarray(X), wide[:, ::2]):
        got = ours(key, random_state=0).fit_resample(layout, y)[0]
        assert type(got) is np.ndarray
        assert got.tobytes() == expected.tobytes()


def test_smote_large_n_jobs_never_changes_results(threads):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20000, 12))
    y = (rng.uniform(size=20000) < 0.1).astype(int)
    one = ours("smote", random_state=5, n_jobs=1).fit_resample(X, y)[0]
    threads.take()
    two = ours("smote", random_state=5, n_jobs=2).fit_resample(X, y)[0]
    several_threads_ran(threads.take())
    np.testing.assert_array_equal(one, two)


def test_svmsmote_n_jobs_does_not_change_result(threads):
    require("sklearn")
    X, y = gaussian_classes(np.random.RandomState(17), [300, 150, 75, 60], 8, shift=1.2)
    X_sparse = sparse.csr_matrix(np.where(np.abs(X) < 0.5, 0.0, X))
    for data in (X, X.astype(np.float32), X_sparse):
        a = ours("svmsmote", random_state=2, n_jobs=1).fit_resample(data, y)
        threads.take()
        b = ours("svmsmote", random_state=2, n_jobs=2).fit_resample(data, y)
        several_threads_ran(threads.take())
        dense_a = a[0].toarray() if sparse.issparse(a[0]) else a[0]
        dense_b = b[0].toarray() if sparse.issparse(b[0]) else b[0]
        np.testing.assert_array_equal(dense_a, dense_b, strict=True)
        np.testing.assert_array_equal(a[1], b[1])
