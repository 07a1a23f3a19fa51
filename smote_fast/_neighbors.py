"""Front end of the exact k-NN kernels: path choice, chunk sizes, thread limits.

Whatever path answers, the result is the k references with the smallest exact
squared Euclidean distance, ordered by (distance, row index), the query's own
row excluded by index. Paths differ only in speed:

* sparse input: candidates from an inverted index of the references
  (``_knn_sparse``), where a pair costs something only where the rows share a
  column, or, when a cost model measured on this kernel says it is cheaper
  (few references, dense-ish rows), the exact merge of every pair of sorted
  rows (``knn_csr_direct``);
* few references: exact direct differences (``knn_direct``);
* up to three features: a uniform grid (``_knn_grid``), or the kd-tree
  (``_knn_lowd``) when the rows crowd into few cells, and the kd-tree up to
  four features (eight for large reference sets);
* otherwise candidate selection by lower bounds from a register-tiled product
  (``knn_gemm``), first in float32, with the rows it cannot certify redone in
  float64 with more and more spare candidates (near-ties, duplicated rows)
  and, failing that, directly;
* of which the self-search of every row (what the cleaners and SMOTE's
  within-class search ask) runs its float32 pass by pairs of row blocks
  (``knn_gemm_pairs``): each pair of rows is bounded once, for both, half the
  products; the searches of half the fitted rows or more go that way too
  (``ExactNearestNeighbors.kneighbors_of_fitted``).
"""

import contextlib
import threading
from collections.abc import Callable
from types import SimpleNamespace
from typing import NamedTuple

import numpy as np
from scipy import sparse

from . import _knn, _knn_grid, _knn_lowd, _knn_sparse
from ._checks import column_extremes, is_every_row
from ._estimator import EstimatorProtocol
from ._params import N_JOBS_CONSTRAINT, Interval
from ._threads import threads_for_jobs, threads_for_work
from ._validation import check_X

# Sparse inputs: the inverted-index path answers when its estimated cost,
#   INDEX_PER_PRODUCT * (products of stored values in shared columns)
#   + INDEX_PER_STORED * (nnz(reference) + n_features)  (CSC copy, norms, sort)
#   + INDEX_PER_CANDIDATE_STEP * n_query * (k + INDEX_SPARE_CANDIDATES)
#     * (mean query row length + mean reference row length)  (exact re-ranking)
# is below the merge path's MERGE_PER_STEP * (n_query * nnz(reference)
# + n_reference * nnz(query)). Nanoseconds, fitted (non-negative least squares
# on relative error) to both paths timed alone on 24 shapes (200-2000 queries,
# 200-10^4 references, 50-5*10^4 columns, 10-100 stored values per row):
# ``benchmarks/bench_sparse.py --calibrate``; the fit is within 2x on every
# shape, and the merge path lost on all of them (by 3x to 100x): it wins only
# for a handful of queries against long rows.
INDEX_PER_PRODUCT = 3.5
INDEX_PER_STORED = 60.0
INDEX_PER_CANDIDATE_STEP = 4.5
INDEX_SPARE_CANDIDATES = 4
MERGE_PER_STEP = 6.0

# A kd-tree beats GEMM up to TREE_MAX_FEATURES features, and up to
# TREE_MAX_FEATURES_LARGE for large reference sets (measured on Gaussian data,
# 10^4 queries: at d=8 the tree loses at 10^4 references and wins at 10^5).
TREE_MAX_FEATURES = 4
TREE_MAX_FEATURES_LARGE = 8
TREE_LARGE_REFERENCES = 1 << 16
# Reference rows per kd-tree leaf.
TREE_LEAF_SIZE = 32
# A uniform grid beats the kd-tree up to GRID_MAX_FEATURES features (its build
# is one counting sort instead of a selection per level), with about
# GRID_ROWS_PER_CELL rows per cell; when the rows crowd into few cells (the
# average row shares its cell with GRID_MAX_CROWDING times as many rows as a
# uniform spread would give) the kd-tree, which adapts to the data, answers.
GRID_MAX_FEATURES = 3
GRID_ROWS_PER_CELL = 2
GRID_MAX_CROWDING = 256
# Small searches (queries x references): direct differences cost less than
# building a tree or calling GEMM.
DIRECT_MAX_PAIRS = 1 << 16
# Tiny reference sets: a GEMM call costs more than the whole search.
DIRECT_MAX_REFERENCES = 64
# Direct differences for searches with at most this many features: disabled,
# since the kd-tree serves few features better (tests raise it to force the path).
DIRECT_MAX_FEATURES = 0
# Query rows per thread task, and reference rows per tile call (fewer when
# REFERENCE_CHUNK packed rows would exceed REFERENCE_BLOCK_BYTES, half a core's L2).
QUERY_CHUNK = 256
# The self-search by pairs of blocks (every row's neighbours among all rows):
# at most PAIRS_BLOCK rows a block, as the packing of both blocks of a task costs
# about 2 / PAIRS_BLOCK of its products (2048: measured best of 256..2048), and
# at least PAIRS_TASKS_PER_THREAD tasks a thread per round; from PAIRS_MIN_ROWS
# rows, below which the plain GEMM path's cost is too small to matter.
PAIRS_BLOCK = 2048
PAIRS_TASKS_PER_THREAD = 2
PAIRS_MIN_ROWS = 1024
PAIRS_MAX_ROWS = 2**32 - 1  # its heaps pack row indices into 32 bits
REFERENCE_CHUNK = 1024
REFERENCE_BLOCK_BYTES = 1 << 19
# Rounding of one GEMM precision, relative to ||q||^2 + ||r||^2 (centred data);
# see _knn.pyx. ``4 (d + 10) u`` over-covers the analysis by a factor of two.
_UNIT_ROUNDOFF = {True: 2.0**-24, False: 2.0**-53}
# Candidate passes, each on the rows the previous ones could not certify:
# (float32 bounds?, candidates kept beyond k). Each kept candidate costs heap
# pushes on every row, and float32 bounds are so close to the exact distances
# that four spares certify tie-free rows; float64 with more spares takes
# near-ties, and the wide passes take rows whose k-th distance is shared by many
# references (duplicated rows), which no pass with fewer spares than the tie can
# certify. Rows left after them are searched by direct differences.
_CANDIDATE_PASSES = (
    (True, lambda k: 4),
    (False, lambda k: max(k, 8)),
    (False, lambda k: k + 64),
    (False, lambda k: 4 * k + 512),
)
# Absolute slack for subnormal rounding in each precision.
_SLACK = {True: 1e-30, False: 1e-290}
# Largest |centred value| each precision handles without overflow in d-term sums.
_SAFE_MAGNITUDE = {True: 1e17, False: 1e150}


class _Problem:
    """One search: its inputs, output arrays and what the numeric pre-pass found
    (column extremes, the power-of-two distance scale)."""

    def __init__(
        self,
        query,
        reference,
        n_neighbors,
        query_in_reference,
        n_threads,
        chunk_size,
        global_magnitude=None,
    ):
        self.query, self.reference = query, reference
        # the largest |value| of a wider, partitioned search (see kneighbors)
        self.global_magnitude = global_magnitude
        self.sparse = type(query) is not np.ndarray and sparse.issparse(query)
        if self.sparse:  # the sparse kernels read rows (CSC input included)
            same = query is reference
            query = query if query.format == "csr" else query.tocsr()
            reference = (
                query if same else (reference if reference.format == "csr" else reference.tocsr())
            )
            self.query, self.reference = query, reference
        self.n_query, self.n_reference = query.shape[0], reference.shape[0]
        self.n_features = query.shape[1]
        self.k = n_neighbors
        self.query_in_reference = query_in_reference
        self.n_threads = n_threads
        self.chunk_size = chunk_size
        self.indices = np.empty((self.n_query, n_neighbors), dtype=np.intp)
        self.distances = np.empty((self.n_query, n_neighbors), dtype=np.float64)
        self.low = self.high = None
        self.distance_scale = 1.0
        self.extremes_known = False
        self.index_terms = None  # sparse: the inverted index's work (_index_terms)
        # every row of the reference queried, each excluding itself
        self.self_query = (
            not self.sparse
            and query is reference
            and self.n_query == self.n_reference
            and is_every_row(query_in_reference)
        )

    def prepare(self, needs_extremes):
        """The numeric pre-pass: column extremes (one pass for the minimum and
        maximum of each distinct array) when the path needs them or float64
        squares might leave float64's range, then the power-of-two rescale they
        call for. Runs at most once."""
        if self.extremes_known or not (needs_extremes or self.query.dtype == np.float64):
            return
        self.extremes_known = True
        self.low, self.high = _extremes(self.query, self.reference, self.n_threads)
        (self.query, self.reference, self.distance_scale, self.low, self.high) = (
            _power_of_two_rescaled(
                self.query, self.reference, self.low, self.high, self.global_magnitude
            )
        )

    def search_args(self):
        return (
            self.query,
            self.reference,
            self.query_in_reference,
            self.indices,
            self.distances,
            self.n_threads,
        )


def _csr_usable(problem):
    return problem.sparse


def _csr_index_usable(problem):
    return (
        problem.sparse
        and problem.n_reference > 0
        and sparse_index_cost(problem) < sparse_merge_cost(problem)
    )


def _stored_per_column(matrix, n_features):
    # int64, so that the dot product below is numpy's integer loop: a float64 one
    # would call BLAS, whose threads then spin beside the kernels' (measured: a
    # fifth of a 2-core machine's time in SMOTE on sparse data).
    return np.bincount(matrix.indices, minlength=n_features).astype(np.int64, copy=False)


def _merge_steps(problem):
    """Merge steps of the merge path: every pair's two row lengths."""
    return problem.n_query * float(problem.reference.nnz) + problem.n_reference * float(
        problem.query.nnz
    )


def _index_terms(problem):
    """The inverted-index path's work: (products in shared columns, stored values
    of the references plus columns, merge steps of the re-ranked candidates).
    Computed once per search (one pass over the stored column indices)."""
    if problem.index_terms is None:
        q, r = problem.query, problem.reference
        if problem.n_query == 0 or problem.n_reference == 0:
            problem.index_terms = (0.0, 0.0, 0.0)
        else:
            per_column_q = _stored_per_column(q, problem.n_features)
            per_column_r = per_column_q if q is r else _stored_per_column(r, problem.n_features)
            products = float(np.dot(per_column_q, per_column_r))
            row_lengths = q.nnz / problem.n_query + r.nnz / problem.n_reference
            problem.index_terms = (
                products,
                float(r.nnz + problem.n_features),
                problem.n_query * (problem.k + INDEX_SPARE_CANDIDATES) * row_lengths,
            )
    return problem.index_terms


def sparse_merge_cost(problem):
    """Estimated nanoseconds of the merge path (every pair of rows merged)."""
    return MERGE_PER_STEP * _merge_steps(problem)


def sparse_index_cost(problem):
    """Estimated nanoseconds of the inverted-index path (see the constants)."""
    products, stored, candidate_steps = _index_terms(problem)
    return (
        INDEX_PER_PRODUCT * products
        + INDEX_PER_STORED * stored
        + INDEX_PER_CANDIDATE_STEP * candidate_steps
    )


def _sparse_threads(problem, work):
    """Threads for a sparse search from its own work, not the dense estimate
    (queries x references x features), which would give tiny sparse searches
    every thread, each slower than one on a busy machine."""
    return threads_for_work(problem.n_threads, int(work))


def _direct_usable(problem):
    return not problem.sparse and (
        problem.n_features <= DIRECT_MAX_FEATURES
        or problem.n_reference <= DIRECT_MAX_REFERENCES
        or problem.k >= problem.n_reference - 1
        or problem.n_query * problem.n_reference <= DIRECT_MAX_PAIRS
    )


def _tree_usable(problem):
    return not problem.sparse and (
        problem.n_features <= TREE_MAX_FEATURES
        or (
            problem.n_features <= TREE_MAX_FEATURES_LARGE
            and problem.n_reference >= TREE_LARGE_REFERENCES
        )
    )


def _grid_usable(problem):
    return _tree_usable(problem) and problem.n_features <= GRID_MAX_FEATURES


def _gemm_usable(problem):
    return not problem.sparse


def _csr_search(problem):
    q, r = problem.query, problem.reference
    _knn.knn_csr_direct(
        q.data,
        q.indices,
        q.indptr,
        r.data,
        r.indices,
        r.indptr,
        problem.query_in_reference,
        problem.indices,
        problem.distances,
        _sparse_threads(problem, _merge_steps(problem)),
    )
    return True


def _csr_index_search(problem):
    q, r = problem.query, problem.reference
    n_reference = problem.n_reference
    columns = r.tocsc()  # one pass; scipy sorts the rows of each column
    index_dtype = np.result_type(
        q.indices, q.indptr, r.indices, r.indptr, columns.indices, columns.indptr
    )
    q_indices, q_indptr, r_indices, r_indptr, c_rows, c_indptr = (
        a.astype(index_dtype, copy=False)
        for a in (q.indices, q.indptr, r.indices, r.indptr, columns.indices, columns.indptr)
    )
    norms = np.empty(n_reference)
    _knn_sparse.csr_row_norms(r.data, r_indptr, norms, threads_for_work(problem.n_threads, r.nnz))
    # stable: equal norms in increasing row index
    order = np.argsort(norms, kind="stable").astype(np.intp, copy=False)
    max_ref_nnz = int(np.diff(r.indptr).max()) if n_reference else 0
    _knn_sparse.knn_csr_index(
        q.data,
        q_indices,
        q_indptr,
        r.data,
        r_indices,
        r_indptr,
        columns.data,
        c_rows,
        c_indptr,
        norms,
        max_ref_nnz,
        order,
        problem.query_in_reference,
        problem.indices,
        problem.distances,
        _sparse_threads(problem, sum(_index_terms(problem))),
    )
    return True


def _direct_search(problem):
    # The kernel reports the inputs' largest magnitude, so the float64 range
    # check costs no pass of its own; in the rare unsafe case, redo rescaled.
    magnitude = _knn.knn_direct(*problem.search_args())
    if problem.global_magnitude is not None:
        magnitude = problem.global_magnitude
    if problem.query.dtype == np.float64 and not _safe_magnitude(magnitude):
        problem.prepare(needs_extremes=False)
        _knn.knn_direct(*problem.search_args())
    return True


def _grid_path_search(problem):
    return _grid_search(*problem.search_args(), problem.low, problem.high)


def _kdtree_path_search(problem):
    _kdtree_search(*problem.search_args())
    return True


def _gemm_pairs_usable(problem):
    return (
        _gemm_usable(problem)
        and problem.self_query
        and PAIRS_MIN_ROWS <= problem.n_query < PAIRS_MAX_ROWS
    )


def _gemm_pairs_search(problem):
    center, magnitude = _center_and_magnitude(problem.reference, problem.low, problem.high)
    # float32 bounds only: where they could overflow, the plain GEMM path (which
    # computes the centre again: a pass over the references, in a rare case)
    if magnitude >= _SAFE_MAGNITUDE[True]:
        return False
    _gemm_with_fallbacks(
        *problem.search_args(), problem.chunk_size or QUERY_CHUNK, center, magnitude, pairs=True
    )
    return True


def _gemm_search(problem):
    _gemm_with_fallbacks(
        *problem.search_args(),
        problem.chunk_size or QUERY_CHUNK,
        *_center_and_magnitude(problem.reference, problem.low, problem.high),
    )
    return True


# What a path's numeric pre-pass computes before its search: column extremes
# always (the path needs them), only for float64 data (the range check), or
# nothing (the kernel measures the magnitude itself and asks for the pre-pass
# only when float64 squares might leave float64's range).
_EXTREMES, _RANGE_CHECK, _IN_KERNEL = "extremes", "range check", "in kernel"


class _Path(NamedTuple):
    name: str
    usable: Callable  # problem -> bool, from shapes and thresholds only
    search: Callable  # problem -> bool: False declines (nothing written), next path
    prepass: str


# The first usable path answers; a search that declines passes to the next
# usable one (the grid, when the rows crowd into few cells, to the kd-tree).
_PATHS = (
    _Path("csr_index", _csr_index_usable, _csr_index_search, _RANGE_CHECK),
    _Path("csr", _csr_usable, _csr_search, _RANGE_CHECK),
    _Path("direct", _direct_usable, _direct_search, _IN_KERNEL),
    _Path("grid", _grid_usable, _grid_path_search, _EXTREMES),
    _Path("kdtree", _tree_usable, _kdtree_path_search, _EXTREMES),
    _Path("gemm_pairs", _gemm_pairs_usable, _gemm_pairs_search, _EXTREMES),
    _Path("gemm", _gemm_usable, _gemm_search, _EXTREMES),
)

# Lists receiving the name of every path that answers (see record_paths).
_path_recorders = []
_path_recorders_lock = threading.Lock()


@contextlib.contextmanager
def record_paths():
    """Within the block, append the name of the path that answers each search
    ("csr_index", "csr", "direct", "grid", "kdtree", "gemm_pairs", "gemm") to the
    yielded list,
    and "direct" again when the gemm path leaves rows to direct differences. For
    tests; costs nothing when no block is active."""
    names = []
    with _path_recorders_lock:
        _path_recorders.append(names)
    try:
        yield names
    finally:
        with _path_recorders_lock:  # by identity: nested lists may be equal
            _path_recorders[:] = [other for other in _path_recorders if other is not names]


def _record(name):
    if _path_recorders:
        with _path_recorders_lock:
            for names in _path_recorders:
                names.append(name)


def kneighbors(
    query,
    reference,
    n_neighbors,
    *,
    query_in_reference=None,
    n_jobs=None,
    chunk_size=None,
    return_distance=False,
    magnitude=None,
):
    """Exact k nearest neighbours of ``query`` rows among ``reference`` rows.

    Parameters
    ----------
    query, reference : ndarray of shape (n, n_features) or CSR matrix
        Same floating dtype (float32 or float64); dense arrays are used as given
        when C-contiguous.
    n_neighbors : int
        Neighbours per query row; at most the number of eligible references.
    query_in_reference : array of int, optional
        Row of ``reference`` equal to each query row (or -1): that row is
        excluded from the query's neighbours.
    n_jobs : int or None
        Threads (None: as many as OpenMP allows). Never changes the result.
    chunk_size : int, optional
        Query rows per task on the GEMM path. Never changes the result.
    return_distance : bool
        Also return the exact squared distances.
    magnitude : float, optional
        The largest absolute value of a wider search this one is part of (a
        partitioned search over blocks of X): float64 data are then rescaled, or
        not, exactly as a search over all of that data would be, so the blocks'
        distances equal the single search's bit for bit. None: this search's own.

    Returns
    -------
    indices : ndarray of shape (n_query, n_neighbors), dtype intp
    sq_distances : ndarray of float64, only with ``return_distance``
    """
    n_query, n_reference = query.shape[0], reference.shape[0]
    n_threads = threads_for_jobs(n_jobs, n_query * n_reference * query.shape[1])
    if query_in_reference is None:
        query_in_reference = np.full(n_query, -1, dtype=np.intp)
    else:
        query_in_reference = np.ascontiguousarray(query_in_reference, dtype=np.intp)
    problem = _Problem(
        query, reference, n_neighbors, query_in_reference, n_threads, chunk_size, magnitude
    )
    for path in _PATHS:
        if path.usable(problem):
            if path.prepass != _IN_KERNEL:
                problem.prepare(needs_extremes=path.prepass == _EXTREMES)
            if path.search(problem):
                break
    _record(path.name)
    if return_distance:
        distances = problem.distances
        if problem.distance_scale != 1.0:
            distances = distances * problem.distance_scale
        return problem.indices, distances
    return problem.indices


def _extremes(query, reference, n_threads):
    """Lowest and highest value of each column over the rows of both inputs, in
    float64 (sparse inputs: of their stored values). The query is often the
    reference itself, which is then read once."""
    lows, highs = [], []
    for matrix in (reference,) if query is reference else (query, reference):
        if type(matrix) is not np.ndarray and sparse.issparse(matrix):
            if matrix.data.size:
                lows.append(np.min(matrix.data, keepdims=True))
                highs.append(np.max(matrix.data, keepdims=True))
        elif matrix.size and not matrix.flags.c_contiguous:
            lows.append(np.min(matrix, axis=0))
            highs.append(np.max(matrix, axis=0))
        elif matrix.size:
            low = np.empty(matrix.shape[1])
            high = np.empty(matrix.shape[1])
            column_extremes(matrix, low, high, threads_for_work(n_threads, matrix.size))
            lows.append(low)
            highs.append(high)
    if not lows:
        return None, None
    if len(lows) == 1:
        return np.asarray(lows[0], dtype=np.float64), np.asarray(highs[0], dtype=np.float64)
    return (np.minimum.reduce(lows).astype(np.float64), np.maximum.reduce(highs).astype(np.float64))


def _safe_magnitude(magnitude):
    """Whether float64 squares of differences of values up to ``magnitude`` stay
    far from overflow and underflow."""
    return magnitude == 0.0 or 1e-100 < magnitude < 1e100


def _power_of_two_rescaled(query, reference, low, high, magnitude=None):
    """Rescale float64 data whose squared differences would overflow or underflow
    float64 by an exact power of two: every distance scales exactly, so the order
    is the one of exact arithmetic. Returns the inputs, the distance factor to
    undo it and the rescaled extremes. (float32 data cannot overflow float64
    squares.) ``magnitude``, when given, replaces the inputs' own largest
    absolute value (see ``kneighbors``)."""
    if query.dtype != np.float64 or low is None:
        return query, reference, 1.0, low, high
    if magnitude is None:
        magnitude = max(max(high.tolist()), -min(low.tolist()))  # few values: no numpy calls
    if _safe_magnitude(magnitude):
        return query, reference, 1.0, low, high
    factor = np.ldexp(1.0, -int(np.frexp(magnitude)[1]))
    rescaled = {}
    for matrix in (query, reference):
        if id(matrix) not in rescaled:
            if sparse.issparse(matrix):
                copy = matrix.copy()
                copy.data *= factor
            else:
                copy = matrix * factor
            rescaled[id(matrix)] = copy
    with np.errstate(over="ignore", divide="ignore"):  # inf: distances beyond float64
        return (
            rescaled[id(query)],
            rescaled[id(reference)],
            1.0 / (factor * factor),
            low * factor,
            high * factor,
        )


def _center_and_magnitude(reference, low, high):
    """The GEMM paths' centre (the reference mean) and the largest |value - centre|
    over both inputs, from the column extremes."""
    center = reference.mean(axis=0, dtype=np.float64)
    magnitude = float(max(np.abs(high - center).max(), np.abs(low - center).max()))
    return center, magnitude


def _gemm_with_fallbacks(
    query,
    reference,
    query_in_reference,
    indices,
    distances,
    n_threads,
    query_chunk,
    center,
    magnitude,
    pairs=False,
):
    """The GEMM candidate passes, each on the rows the previous ones left, then
    direct differences. ``pairs``: a self-search of every row (query is
    reference, each row excluding itself), whose first pass bounds each pair of
    rows once for both. ``center`` and ``magnitude``: ``_center_and_magnitude``."""
    n_features = query.shape[1]
    k = indices.shape[1]
    excludes_any = bool((query_in_reference >= 0).any())
    eligible = reference.shape[0] - int(excludes_any)
    n_query = query.shape[0]
    pending = None  # the rows left to certify; None: every row, answered in place
    tried = set()
    for single_precision, extra in _CANDIDATE_PASSES:
        n_candidates = min(eligible, k + extra(k))
        n_pending = n_query if pending is None else pending.size
        if (
            magnitude >= _SAFE_MAGNITUDE[single_precision]
            or n_pending == 0
            or (single_precision, n_candidates) in tried
        ):
            continue
        tried.add((single_precision, n_candidates))
        if pending is None:  # the first pass writes the outputs (no copies)
            sub_query, sub_self, sub_idx, sub_dist = query, query_in_reference, indices, distances
        else:
            sub_query, sub_self = query[pending], query_in_reference[pending]
            sub_idx = np.empty((n_pending, k), dtype=np.intp)
            sub_dist = np.empty((n_pending, k), dtype=np.float64)
        failed = np.empty(n_pending, dtype=np.uint8)
        margin = 4.0 * (n_features + 10) * _UNIT_ROUNDOFF[single_precision]
        if pairs and single_precision and pending is None:
            n_heap, n_roots = _knn.pairs_scratch_sizes(n_query, n_candidates)
            _knn.knn_gemm_pairs(
                reference,
                center,
                n_candidates,
                margin,
                _SLACK[True],
                sub_idx,
                sub_dist,
                failed,
                np.empty(n_heap, dtype=np.uint64),
                np.empty(n_roots, dtype=np.float32),
                n_threads,
                _pairs_block(n_query, n_threads),
            )
        else:
            _knn.knn_gemm(
                sub_query,
                reference,
                sub_self,
                center,
                n_candidates,
                single_precision,
                margin,
                _SLACK[single_precision],
                sub_idx,
                sub_dist,
                failed,
                n_threads,
                query_chunk,
                _reference_chunk(n_features, single_precision),
            )
        if pending is None:
            pending = np.flatnonzero(failed)
        else:
            ok = failed == 0
            indices[pending[ok]] = sub_idx[ok]
            distances[pending[ok]] = sub_dist[ok]
            pending = pending[~ok]
    if pending is None:  # no pass could run (magnitudes beyond both precisions)
        pending = np.arange(n_query)
    if pending.size:
        _record("direct")  # rows no candidate pass could certify
        sub_idx = np.empty((pending.size, k), dtype=np.intp)
        sub_dist = np.empty((pending.size, k), dtype=np.float64)
        _knn.knn_direct(
            np.ascontiguousarray(query[pending]),
            reference,
            query_in_reference[pending],
            sub_idx,
            sub_dist,
            n_threads,
        )
        indices[pending] = sub_idx
        distances[pending] = sub_dist


def pairs_answer(X, k):
    """Whether a self-search of every row of ``X`` (k neighbours) goes to the
    pairs path: the first usable path, by shapes alone."""
    if sparse.issparse(X):
        return False
    n_rows = X.shape[0]
    shapes = SimpleNamespace(
        sparse=False,
        n_query=n_rows,
        n_reference=n_rows,
        n_features=X.shape[1],
        k=k,
        self_query=True,
    )
    first = next(path for path in _PATHS if path.usable(shapes))
    return first.name == "gemm_pairs"


def _pairs_block(n_rows, n_threads):
    """Rows per block of the self-search by pairs: PAIRS_BLOCK, or fewer when the
    rows would give the threads too few tasks per round (a round holds half as
    many tasks as blocks)."""
    tasks_wanted = 2 * PAIRS_TASKS_PER_THREAD * max(n_threads, 1)
    return max(1, min(PAIRS_BLOCK, -(-n_rows // tasks_wanted)))


def _reference_chunk(n_features, single_precision):
    """References per tile call: the packed block stays within L2 while every
    tile of a query chunk streams through it."""
    itemsize = 4 if single_precision else 8
    return max(64, min(REFERENCE_CHUNK, REFERENCE_BLOCK_BYTES // ((n_features + 1) * itemsize)))


def _grid_search(query, reference, query_in_reference, indices, distances, n_threads, low, high):
    """Exact k-NN through a uniform grid over ``low``..``high`` (which hold every
    reference row); False, with nothing computed, when the rows crowd into too
    few cells for a grid to pay."""
    n_reference, n_features = reference.shape
    width = high - low
    varying = int(np.count_nonzero(width > 0))
    per_feature = int((n_reference / GRID_ROWS_PER_CELL) ** (1.0 / max(varying, 1)))
    cells = np.where(width > 0, max(per_feature, 1), 1).astype(np.intp)
    cell_start = np.empty(int(np.prod(cells)) + 1, dtype=np.intp)
    perm = np.empty(n_reference, dtype=np.intp)
    grid_rows = np.empty_like(reference)
    _knn_grid.build_grid(
        reference,
        cells,
        low,
        width,
        cell_start,
        perm,
        grid_rows,
        threads_for_work(n_threads, n_reference * 8),
    )
    occupancy = np.diff(cell_start)
    if np.dot(occupancy, occupancy) > GRID_MAX_CROWDING * GRID_ROWS_PER_CELL * n_reference:
        return False
    _knn_grid.knn_grid(
        query,
        grid_rows,
        perm,
        cell_start,
        cells,
        low,
        width,
        query_in_reference,
        indices,
        distances,
        threads_for_work(n_threads, query.shape[0] * 64),
    )
    return True


def _kdtree_search(query, reference, query_in_reference, indices, distances, n_threads):
    n_reference, n_features = reference.shape
    n_levels = 0
    while (n_reference >> (n_levels + 1)) >= TREE_LEAF_SIZE:
        n_levels += 1
    n_nodes = (1 << (n_levels + 1)) - 1
    perm = np.empty(n_reference, dtype=np.intp)
    node_start = np.empty(n_nodes, dtype=np.intp)
    node_end = np.empty(n_nodes, dtype=np.intp)
    node_lo = np.empty((n_nodes, n_features))
    node_hi = np.empty((n_nodes, n_features))
    tree_rows = np.empty_like(reference)
    # Thread counts follow the tree's own work (the build has a barrier per
    # level, costly when a thread is descheduled), not queries x references.
    _knn_lowd.build_kdtree(
        reference,
        n_levels,
        perm,
        node_start,
        node_end,
        node_lo,
        node_hi,
        tree_rows,
        threads_for_work(n_threads, n_reference * n_levels),
    )
    _knn_lowd.knn_kdtree(
        query,
        tree_rows,
        perm,
        node_start,
        node_end,
        node_lo,
        node_hi,
        n_levels,
        query_in_reference,
        indices,
        distances,
        threads_for_work(n_threads, query.shape[0] * n_levels * 32),
    )


def kernel_ready(X):
    """X in a dtype the kernels take (float32 or float64), without copying when it
    already is: float16 widens exactly to float32, integers and bool to float64."""
    if X.dtype in (np.float32, np.float64):
        return X
    target = np.float32 if X.dtype == np.float16 else np.float64
    return X.astype(target)


def check_enough_samples(n_neighbors, n_samples_fit, n_queries):
    """scikit-learn's error (imbalanced-learn's too) when fewer rows are fitted
    than neighbours are asked for."""
    if n_neighbors > n_samples_fit:
        raise ValueError(
            f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {n_neighbors}, "
            f"n_samples_fit = {n_samples_fit}, n_samples = {n_queries}"
        )


class ExactNearestNeighbors(EstimatorProtocol):
    """Exact nearest neighbours under the Euclidean distance.

    Neighbours are ordered by (distance, row index), so results are reproducible
    on tied data and never depend on the number of threads. It is what the
    samplers build from an integer ``k_neighbors``/``m_neighbors``/``n_neighbors``
    (exposed as ``nn_k_``, ``nn_m_``, ``nn_``), with scikit-learn's
    ``NearestNeighbors`` interface.

    Parameters
    ----------
    n_neighbors : int, default=5
        Number of neighbours returned by ``kneighbors`` for explicit queries.
    n_jobs : int or None, default=None
        Threads (None: as many as OpenMP allows). Never changes results.

    Attributes
    ----------
    n_samples_fit_ : int
        Number of rows fitted.
    n_features_in_ : int
        Number of features fitted.

    Examples
    --------
    >>> import numpy as np
    >>> from smote_fast import ExactNearestNeighbors
    >>> X = np.array([[0.0], [1.0], [3.0], [6.0]])
    >>> ExactNearestNeighbors(n_neighbors=2).fit(X).kneighbors_of_fitted([0, 3])
    array([[1],
           [2]])
    """

    def __init__(self, n_neighbors=5, *, n_jobs=None):
        self.n_neighbors = n_neighbors
        self.n_jobs = n_jobs

    @classmethod
    def _constraints(cls):
        return {"n_neighbors": [Interval("int", 1, None, "left")], "n_jobs": N_JOBS_CONSTRAINT}

    def fit(self, X, y=None):
        """Store the reference rows (validated; not copied when already usable).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self : ExactNearestNeighbors
        """
        self._validate_params()
        X = check_X(X, type(self).__name__)
        self._fit_X = kernel_ready(X)
        self.n_samples_fit_, self.n_features_in_ = X.shape
        return self

    def _check_fitted(self):
        if not hasattr(self, "_fit_X"):
            raise AttributeError("This ExactNearestNeighbors instance is not fitted yet.")

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """Neighbours of the rows of ``X`` among the fitted rows; with ``X=None``,
        of every fitted row, excluding the row itself (by index).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features), optional
        n_neighbors : int, optional
            Defaults to the ``n_neighbors`` parameter.
        return_distance : bool, default=True

        Returns
        -------
        distances : ndarray of shape (n_queries, n_neighbors), only with
            ``return_distance``
        indices : ndarray of shape (n_queries, n_neighbors)
        """
        self._check_fitted()
        k = self.n_neighbors if n_neighbors is None else n_neighbors
        if X is None:
            query, exclude = self._fit_X, np.arange(self.n_samples_fit_)
            if k >= self.n_samples_fit_:
                raise ValueError(
                    f"Expected n_neighbors < n_samples_fit, but n_neighbors = {k}, "
                    f"n_samples_fit = {self.n_samples_fit_}, n_samples = {query.shape[0]}"
                )
        else:
            query, exclude = kernel_ready(check_X(X, type(self).__name__)), None
            check_enough_samples(k, self.n_samples_fit_, query.shape[0])
        indices, sq_dist = self._search(query, k, exclude)
        return (np.sqrt(sq_dist), indices) if return_distance else indices

    def kneighbors_of_fitted(self, rows=None, return_distance=False):
        """The ``n_neighbors - 1`` nearest fitted rows of fitted rows ``rows``
        (None: all), each excluding itself by index: what querying those rows and
        dropping column 0 of the answer gives on data without duplicated rows.

        Parameters
        ----------
        rows : array-like of int, optional
            Fitted rows to find the neighbours of.
        return_distance : bool, default=False

        Returns
        -------
        distances : ndarray of shape (n_rows, n_neighbors - 1), only with
            ``return_distance``
        indices : ndarray of shape (n_rows, n_neighbors - 1)
        """
        self._check_fitted()
        n_queries = self.n_samples_fit_ if rows is None else len(rows)
        check_enough_samples(self.n_neighbors, self.n_samples_fit_, n_queries)
        k = self.n_neighbors - 1
        every_row = np.arange(self.n_samples_fit_)
        if rows is None:
            return self._answer(self._search(self._fit_X, k, every_row), return_distance)
        rows = np.asarray(rows, dtype=np.intp)
        # Half the rows or more: the self-search of all of them bounds each pair
        # once, no more products than searching these rows alone.
        if 2 * len(rows) >= self.n_samples_fit_ and pairs_answer(self._fit_X, k):
            found, rows_found = self._search(self._fit_X, k, every_row), rows
        else:
            found, rows_found = self._search(self._fit_X[rows], k, rows), None
        return self._answer(found, return_distance, rows_found)

    @staticmethod
    def _answer(found, return_distance, rows=None):
        """The search's answer (of ``rows`` only, when given), distances rooted."""
        indices, sq_dist = found
        if rows is not None:
            indices = indices[rows]
        if not return_distance:
            return indices
        return np.sqrt(sq_dist if rows is None else sq_dist[rows]), indices

    def kneighbors_graph(self, X=None, n_neighbors=None, mode="connectivity"):
        """Sparse (n_queries, n_samples_fit) graph of the neighbours: ones
        (``mode='connectivity'``) or distances (``mode='distance'``).

        Returns
        -------
        graph : scipy.sparse.csr_matrix
        """
        distances, indices = self.kneighbors(X, n_neighbors, return_distance=True)
        n_queries, k = indices.shape
        values = np.ones(indices.size) if mode == "connectivity" else distances.ravel()
        return sparse.csr_matrix(
            (values, indices.ravel(), np.arange(0, n_queries * k + 1, k)),
            shape=(n_queries, self.n_samples_fit_),
        )

    def _search(self, query, k, exclude):
        if query.dtype != self._fit_X.dtype:
            query = query.astype(self._fit_X.dtype)
        return kneighbors(
            query,
            self._fit_X,
            k,
            query_in_reference=exclude,
            n_jobs=self.n_jobs,
            return_distance=True,
        )
