"""Data checks that read large arrays once, in parallel, without temporaries."""

import numpy as np

from cython.parallel cimport prange
from libc.math cimport INFINITY, isfinite
from libc.stdlib cimport free
from libc.string cimport memset

from ._queries cimport malloc_array
from ._typedefs cimport data_t, float64_t, intp_t


def count_non_finite(const data_t[:, ::1] values, int n_threads):
    """Number of NaN or infinite values (an integer count: no float reduction)."""
    cdef intp_t n = values.shape[0] * values.shape[1], i, bad = 0
    cdef const data_t* flat
    if n == 0:
        return 0
    flat = &values[0, 0]
    with nogil:
        for i in prange(n, schedule='static', num_threads=n_threads):
            if not isfinite(flat[i]):
                bad += 1
    return bad


def column_extremes(const data_t[:, ::1] X, float64_t[::1] low, float64_t[::1] high,
                    int n_threads):
    """Lowest and highest value of each column of X (no NaN), in one parallel pass
    over the rows: numpy's reductions along axis 0 of a C-ordered array stride
    through it, 30x slower for two columns."""
    cdef intp_t n_rows = X.shape[0], n_features = X.shape[1], i, f, t
    cdef intp_t n_blocks = max(1, min(n_threads, n_rows))
    cdef intp_t block = (n_rows + n_blocks - 1) // n_blocks
    cdef float64_t* block_low = <float64_t*>malloc_array(n_blocks * n_features, sizeof(float64_t))
    cdef float64_t* block_high = <float64_t*>malloc_array(n_blocks * n_features, sizeof(float64_t))
    cdef float64_t value
    if block_low == NULL or block_high == NULL:
        free(block_low)
        free(block_high)
        raise MemoryError()
    with nogil:
        for t in prange(n_blocks, schedule='static', num_threads=n_threads):
            for f in range(n_features):
                block_low[t * n_features + f] = INFINITY
                block_high[t * n_features + f] = -INFINITY
            for i in range(t * block, min(n_rows, (t + 1) * block)):
                for f in range(n_features):
                    value = X[i, f]
                    if value < block_low[t * n_features + f]:
                        block_low[t * n_features + f] = value
                    if value > block_high[t * n_features + f]:
                        block_high[t * n_features + f] = value
        for f in range(n_features):
            low[f] = INFINITY
            high[f] = -INFINITY
            for t in range(n_blocks):
                low[f] = min(low[f], block_low[t * n_features + f])
                high[f] = max(high[f], block_high[t * n_features + f])
    free(block_low)
    free(block_high)


cdef enum:
    # labels counted in one pass without a prior range check
    SMALL_LABELS = 256


def small_label_counts(const intp_t[:] y):
    """The labels present in ``y`` (sorted) and their counts, when every label
    lies in 0..255 (one pass); None otherwise."""
    cdef intp_t n = y.shape[0], i, value, lane, n_present = 0
    cdef bint in_range = True
    # Four interleaved tallies: consecutive rows of one label would otherwise
    # wait on each other's increment of the same counter.
    cdef intp_t tallies[4][SMALL_LABELS]
    cdef intp_t totals[SMALL_LABELS]
    cdef intp_t[::1] labels_view, counts_view
    memset(tallies, 0, sizeof(tallies))
    with nogil:
        for i in range(n):
            value = y[i]
            if value < 0 or value >= SMALL_LABELS:
                in_range = False
                break
            tallies[i & 3][value] += 1
        for value in range(SMALL_LABELS):
            totals[value] = 0
            for lane in range(4):
                totals[value] += tallies[lane][value]
            n_present += totals[value] > 0
    if not in_range:
        return None
    labels = np.empty(n_present, dtype=np.intp)
    counts = np.empty(n_present, dtype=np.intp)
    labels_view, counts_view = labels, counts
    n_present = 0
    for value in range(SMALL_LABELS):
        if totals[value]:
            labels_view[n_present] = value
            counts_view[n_present] = totals[value]
            n_present += 1
    return labels, counts


def rows_with_code(const intp_t[:] codes, intp_t code, intp_t[::1] out):
    """Fill ``out`` (sized to their count) with the rows whose code is ``code``."""
    cdef intp_t n = codes.shape[0], size = out.shape[0], i, filled = 0
    with nogil:
        for i in range(n):
            if codes[i] == code and filled < size:
                out[filled] = i
                filled += 1
    if filled != size:
        raise ValueError("out does not match the number of rows with that code")


def is_every_row(const intp_t[:] rows):
    """Whether ``rows`` is 0, 1, ..., len - 1 (a search of every row, each
    excluding itself), without the range itself in memory."""
    cdef intp_t i = 0, n = rows.shape[0]
    with nogil:
        while i < n and rows[i] == i:
            i += 1
    return i == n
