"""KMeansSMOTE's cluster statistics: the sum of the Euclidean distances between
the rows of a cluster, one block of rows at a time.

scikit-learn's arithmetic, which imbalanced-learn's mean distance comes from:
the squared distance of rows a and b is ``(-2 a.b + ||a||^2) + ||b||^2``,
clipped at 0. The caller forms the products of a block of rows with the rows
from the block's first one on (a BLAS product); this pass turns them into
distances and sums the strict upper triangle in one sweep, where numpy would
sweep the block once per operation.
"""

from cython.parallel cimport prange
from libc.math cimport fmax, sqrt

from ._typedefs cimport float64_t, intp_t


def sum_upper_distances(const float64_t[:, ::1] products, const float64_t[::1] row_norms,
                        const float64_t[::1] column_norms, float64_t[::1] row_sums,
                        int n_threads):
    """``row_sums[i]`` = the sum over columns ``j > i`` of
    ``sqrt(max((-2 products[i, j] + row_norms[i]) + column_norms[j], 0))``:
    the block's rows are the first of its columns. Each row's sum runs in
    column order, whatever the threads."""
    cdef intp_t n_rows = products.shape[0], n_columns = products.shape[1]
    cdef intp_t i
    if row_norms.shape[0] != n_rows or row_sums.shape[0] != n_rows:
        raise ValueError("row_norms and row_sums need one entry per row of products")
    if column_norms.shape[0] != n_columns or n_columns < n_rows:
        raise ValueError("column_norms needs one entry per column, at least one per row")
    with nogil:
        for i in prange(n_rows, schedule='dynamic', chunksize=16, num_threads=n_threads):
            row_sums[i] = row_distance_sum(&products[i, 0], row_norms[i], &column_norms[0],
                                           i + 1, n_columns)


cdef float64_t row_distance_sum(const float64_t* products, float64_t row_norm,
                                const float64_t* column_norms, intp_t start,
                                intp_t stop) noexcept nogil:
    cdef float64_t total = 0.0
    cdef intp_t j
    for j in range(start, stop):
        total = total + sqrt(fmax((-2.0 * products[j] + row_norm) + column_norms[j], 0.0))
    return total
