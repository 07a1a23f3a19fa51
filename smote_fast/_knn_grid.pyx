"""Exact k-NN for one to three features: a uniform grid over the reference rows.

Building it is a counting sort of the rows by cell, O(n) where a kd-tree pays a
median selection per level; a query scans the cells around its own in rings of
growing Chebyshev radius, skipping cells whose box is farther than its current
k-th neighbour, and stops when every cell left is.

Exactness. A row's cell along a feature is ``floor((x - lo) / (hi - lo) * cells)``,
clamped; that value is within a few roundings of the true one, so a row of cell
j lies within ``[edge(j) - slack, edge(j + 1) + slack]`` with ``edge(j) = lo + j (hi
- lo) / cells`` and ``slack`` a billionth of ``|lo| + |hi|``, far above those
roundings. Gaps to cell boxes widened by that slack are lower bounds of the
true differences, and a cell is skipped only when its squared gap, shrunk by
another billionth and an absolute 1e-300, still exceeds the k-th exact
distance: every row in it is farther than that, never tied. Neighbours are
otherwise ranked by ``_distances.exact_sqdist`` and the (distance, index) pair,
as on every path. Each thread's ring coordinates live in scratch allocated once
per call (``_queries``).
"""

import numpy as np

from cython.parallel cimport prange
from libc.math cimport INFINITY, fabs
from libc.stdlib cimport free, malloc

from ._distances cimport offer_permuted_rows
from ._heap cimport reset_heap, sort_pairs
from ._queries cimport thread_scratch, thread_slice
from ._typedefs cimport data_t, float64_t, intp_t

cdef float64_t RELATIVE_SLACK = 1e-9
cdef float64_t ABSOLUTE_SLACK = 1e-300


cdef struct Grid:
    intp_t n_features
    const intp_t* cells          # cells along each feature
    const intp_t* stride         # cell number = sum of coordinate * stride
    const float64_t* lo
    const float64_t* width       # hi - lo
    const float64_t* slack
    const intp_t* cell_start     # rows of cell c: cell_start[c] .. cell_start[c + 1]


cdef inline intp_t coordinate(float64_t value, float64_t lo, float64_t width,
                              intp_t cells) noexcept nogil:
    cdef float64_t position
    if cells == 1:
        return 0
    position = (value - lo) / width * cells
    if not position >= 0:  # also for values left of lo (queries)
        return 0
    if position >= cells:
        return cells - 1
    return <intp_t>position


cdef inline float64_t edge(const Grid* grid, intp_t f, intp_t j) noexcept nogil:
    return grid.lo[f] + j * (grid.width[f] / grid.cells[f])


cdef inline float64_t gap_to_cell(const Grid* grid, intp_t f, intp_t j,
                                  float64_t value) noexcept nogil:
    """A lower bound of |value - x| over the rows x of column j along f."""
    cdef float64_t low, high
    if grid.cells[f] == 1:
        return 0.0
    low = edge(grid, f, j) - grid.slack[f]
    high = edge(grid, f, j + 1) + grid.slack[f]
    if value < low:
        return low - value
    if value > high:
        return value - high
    return 0.0


cdef inline bint beyond(float64_t squared_gap, float64_t kth) noexcept nogil:
    return squared_gap * (1.0 - RELATIVE_SLACK) - ABSOLUTE_SLACK > kth


def build_grid(const data_t[:, ::1] X, const intp_t[::1] cells, const float64_t[::1] lo,
               const float64_t[::1] width, intp_t[::1] cell_start, intp_t[::1] perm,
               data_t[:, ::1] X_grid, int n_threads):
    """Counting sort of the rows of X by cell: ``X_grid`` holds them cell after
    cell (in index order within a cell), ``perm`` their rows in X and
    ``cell_start`` (one entry per cell, plus one) where each cell begins."""
    cdef intp_t n_samples = X.shape[0], n_features = X.shape[1]
    cdef intp_t n_cells = cell_start.shape[0] - 1, i, f, c, position
    cdef intp_t* cell_of = <intp_t*>malloc(max(1, n_samples) * sizeof(intp_t))
    if cell_of == NULL:
        raise MemoryError()
    with nogil:
        for i in prange(n_samples, schedule='static', num_threads=n_threads):
            c = 0
            for f in range(n_features):
                c = c * cells[f] + coordinate(<float64_t>X[i, f], lo[f], width[f], cells[f])
            cell_of[i] = c
        for c in range(n_cells + 1):
            cell_start[c] = 0
        for i in range(n_samples):
            cell_start[cell_of[i] + 1] += 1
        for c in range(n_cells):
            cell_start[c + 1] += cell_start[c]
        # Scatter with a moving start per cell, then restore the starts.
        for i in range(n_samples):
            position = cell_start[cell_of[i]]
            cell_start[cell_of[i]] = position + 1
            perm[position] = i
        c = n_cells
        while c > 0:
            cell_start[c] = cell_start[c - 1]
            c -= 1
        cell_start[0] = 0
        for i in prange(n_samples, schedule='static', num_threads=n_threads):
            for f in range(n_features):
                X_grid[i, f] = X[perm[i], f]
    free(cell_of)


cdef void visit_cell(const data_t* q, const data_t* X_grid, const intp_t* perm,
                     const Grid* grid, const intp_t* coordinates, intp_t self_index,
                     intp_t k, float64_t* keys, intp_t* idx) noexcept nogil:
    cdef intp_t f, cell = 0
    cdef float64_t gap, squared_gap = 0.0
    for f in range(grid.n_features):
        cell = cell + coordinates[f] * grid.stride[f]
        gap = gap_to_cell(grid, f, coordinates[f], <float64_t>q[f])
        squared_gap = squared_gap + gap * gap
    if not beyond(squared_gap, keys[0]):
        offer_permuted_rows(q, X_grid, perm, grid.cell_start[cell],
                            grid.cell_start[cell + 1], grid.n_features, self_index, k,
                            keys, idx)


cdef void visit_ring(const data_t* q, const data_t* X_grid, const intp_t* perm,
                     const Grid* grid, intp_t radius, intp_t self_index, intp_t k,
                     float64_t* keys, intp_t* idx, const intp_t* home, intp_t* first,
                     intp_t* last, intp_t* coordinates) noexcept nogil:
    """Every grid cell at Chebyshev distance ``radius`` from ``home``, once: the
    first feature at offset +-radius is the pivot, features before it stay
    strictly inside the ring, features after it span it."""
    cdef intp_t n_features = grid.n_features, pivot, side, side_index, f
    cdef bint empty
    if radius == 0:
        visit_cell(q, X_grid, perm, grid, home, self_index, k, keys, idx)
        return
    for pivot in range(n_features):
        for side_index in range(2):
            side = radius if side_index else -radius
            empty = False
            for f in range(n_features):
                if f == pivot:
                    first[f] = home[f] + side
                    last[f] = first[f]
                elif f < pivot:
                    first[f] = home[f] - radius + 1
                    last[f] = home[f] + radius - 1
                else:
                    first[f] = home[f] - radius
                    last[f] = home[f] + radius
                first[f] = max(first[f], 0)
                last[f] = min(last[f], grid.cells[f] - 1)
                if first[f] > last[f]:
                    empty = True
            if empty:
                continue
            for f in range(n_features):
                coordinates[f] = first[f]
            while True:
                visit_cell(q, X_grid, perm, grid, coordinates, self_index, k, keys, idx)
                f = n_features - 1
                while f >= 0 and coordinates[f] == last[f]:
                    coordinates[f] = first[f]
                    f -= 1
                if f < 0:
                    break
                coordinates[f] += 1


cdef void query_one(const data_t* q, const data_t* X_grid, const intp_t* perm,
                    const Grid* grid, intp_t self_index, intp_t k, float64_t* keys,
                    intp_t* idx, intp_t* scratch) noexcept nogil:
    """Rings of cells around the query's own until every cell left is farther
    than the k-th neighbour (see the module docstring). ``scratch`` holds 4 x
    n_features integers."""
    cdef intp_t n_features = grid.n_features, f, radius = 0
    cdef intp_t* home = scratch
    cdef float64_t ring_gap
    cdef bint more
    reset_heap(keys, idx, k)
    for f in range(n_features):
        home[f] = coordinate(<float64_t>q[f], grid.lo[f], grid.width[f], grid.cells[f])
    while True:
        visit_ring(q, X_grid, perm, grid, radius, self_index, k, keys, idx, home,
                   scratch + n_features, scratch + 2 * n_features, scratch + 3 * n_features)
        # Rows outside the rings so far differ by more than ``radius`` cells
        # along some feature: the nearest such column bounds them all.
        more = False
        ring_gap = INFINITY
        for f in range(n_features):
            if home[f] + radius + 1 < grid.cells[f]:
                more = True
                ring_gap = min(ring_gap, gap_to_cell(grid, f, home[f] + radius + 1,
                                                     <float64_t>q[f]))
            if home[f] - radius - 1 >= 0:
                more = True
                ring_gap = min(ring_gap, gap_to_cell(grid, f, home[f] - radius - 1,
                                                     <float64_t>q[f]))
        if not more or beyond(ring_gap * ring_gap, keys[0]):
            break
        radius += 1
    sort_pairs(keys, idx, k)


def knn_grid(const data_t[:, ::1] query, const data_t[:, ::1] X_grid,
             const intp_t[::1] perm, const intp_t[::1] cell_start,
             const intp_t[::1] cells, const float64_t[::1] lo,
             const float64_t[::1] width, const intp_t[::1] query_in_reference,
             intp_t[:, ::1] out_indices, float64_t[:, ::1] out_distances, int n_threads):
    """Exact k-NN of every query row through the grid of ``build_grid``."""
    cdef intp_t n_query = query.shape[0], n_features = query.shape[1]
    cdef intp_t k = out_indices.shape[1], f, i
    cdef Grid grid
    cdef size_t slice_bytes
    cdef char* scratch
    stride = [1] * n_features
    for f in range(n_features - 2, -1, -1):
        stride[f] = stride[f + 1] * cells[f + 1]
    cdef intp_t[::1] stride_view = np.asarray(stride, dtype=np.intp)
    cdef float64_t[::1] slack = np.asarray(
        [RELATIVE_SLACK * (fabs(lo[f]) + fabs(lo[f] + width[f])) for f in range(n_features)],
        dtype=np.float64)
    if n_query == 0 or k == 0:
        return
    grid.n_features = n_features
    grid.cells = &cells[0]
    grid.stride = &stride_view[0]
    grid.lo = &lo[0]
    grid.width = &width[0]
    grid.slack = &slack[0]
    grid.cell_start = &cell_start[0]
    # query_one's scratch: 4 x n_features ring coordinates per thread
    scratch = thread_scratch(4 * n_features * sizeof(intp_t), n_threads, &slice_bytes)
    if scratch == NULL:
        raise MemoryError()
    with nogil:
        for i in prange(n_query, schedule='static', num_threads=n_threads):
            query_one(&query[i, 0], &X_grid[0, 0], &perm[0], &grid,
                      query_in_reference[i], k, &out_distances[i, 0], &out_indices[i, 0],
                      <intp_t*>thread_slice(scratch, slice_bytes))
    free(scratch)
