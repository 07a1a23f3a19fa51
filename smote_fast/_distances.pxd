"""The exact squared Euclidean distance every k-NN path ranks by.

One definition, so that all paths order neighbours identically: float64
differences, squared and summed in feature order.
"""

from ._heap cimport heap_replace_root, pair_after
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


cdef inline void offer_permuted_rows(const data_t* q, const data_t* rows, const intp_t* perm,
                                     intp_t begin, intp_t end, intp_t n_features,
                                     intp_t self_index, intp_t k, float64_t* keys,
                                     intp_t* idx) noexcept nogil:
    """Offer rows ``begin..end`` of a reordered copy (``perm`` maps them back) to
    a k-heap. They arrive out of index order, hence the full pair comparison."""
    cdef intp_t t, row
    cdef float64_t dist
    for t in range(begin, end):
        row = perm[t]
        if row == self_index:
            continue
        dist = exact_sqdist(q, rows + t * n_features, n_features)
        if pair_after(keys[0], idx[0], dist, row):
            heap_replace_root(keys, idx, k, dist, row)
