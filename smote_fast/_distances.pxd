"""The exact squared Euclidean distance every k-NN path ranks by.

One definition, so that all paths order neighbours identically: float64
differences, squared and summed in feature order. The sparse form merges the
sorted columns of two CSR rows: columns where both rows are zero add exactly
0.0, so skipping them reproduces the dense sum bit for bit.
"""

from ._heap cimport heap_replace_root, pair_after
from ._sparse cimport merge_step
from ._typedefs cimport data_t, float64_t, index_t, intp_t


cdef inline float64_t exact_sqdist(const data_t* a, const data_t* b,
                                   intp_t n_features) noexcept nogil:
    cdef float64_t acc = 0.0, diff
    cdef intp_t f
    for f in range(n_features):
        diff = <float64_t>a[f] - <float64_t>b[f]
        acc = acc + diff * diff
    return acc


cdef inline float64_t exact_sqdist_sparse(
    const data_t* a_data, const index_t* a_cols, intp_t a_len,
    const data_t* b_data, const index_t* b_cols, intp_t b_len,
) noexcept nogil:
    """``exact_sqdist`` of two rows with sorted column indices. Where one row
    stores nothing its value is 0, and ``x - 0.0`` and ``0.0 - x`` square to
    exactly what the dense sum adds."""
    cdef intp_t p = 0, q = 0
    cdef float64_t acc = 0.0, diff
    cdef data_t a_value, b_value
    while p < a_len or q < b_len:
        merge_step(a_data, a_cols, &p, a_len, b_data, b_cols, &q, b_len, &a_value, &b_value)
        diff = <float64_t>a_value - <float64_t>b_value
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
