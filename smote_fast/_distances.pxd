"""The exact squared Euclidean distance every k-NN path ranks by.

One definition, so that all paths order neighbours identically: float64
differences, squared and summed in feature order.
"""

from ._typedefs cimport float32_t, float64_t, intp_t

ctypedef fused data_t:
    float32_t
    float64_t


cdef inline float64_t exact_sqdist(const data_t* a, const data_t* b,
                                   intp_t n_features) noexcept nogil:
    cdef float64_t acc = 0.0, diff
    cdef intp_t f
    for f in range(n_features):
        diff = <float64_t>a[f] - <float64_t>b[f]
        acc = acc + diff * diff
    return acc
