"""Data checks that read large arrays once, in parallel, without temporaries."""

from cython.parallel cimport prange
from libc.math cimport isfinite

from ._typedefs cimport float32_t, float64_t, intp_t

ctypedef fused data_t:
    float32_t
    float64_t


def count_non_finite(const data_t[::1] values, int n_threads):
    """Number of NaN or infinite values (an integer count: no float reduction)."""
    cdef intp_t n = values.shape[0], i, bad = 0
    with nogil:
        for i in prange(n, schedule='static', num_threads=n_threads):
            if not isfinite(values[i]):
                bad += 1
    return bad
