"""Kernels of SMOTENC and SMOTEN: distances on level codes, no one-hot encoding.

``mixed_kneighbors`` (SMOTENC): the ``k`` nearest rows of each row of a class,
itself excluded by index, under the squared distance
``sum_f (x_f - y_f)^2 + weight * #{categorical columns where the codes differ}``.
This is imbalanced-learn's distance on its scaled one-hot encoding, where a
mismatch in one categorical column contributes two entries of ``v``, i.e.
``weight = 2 v^2``. Continuous differences and their squares are taken in
float64; candidates are ordered by (distance, index) in a bounded insertion list,
so the answer of a row depends neither on the thread count nor on the other rows.

``vdm_block`` (SMOTEN): rows ``[start, stop)`` of the Value Difference Metric
matrix of a class, ``D[i, j] = sum_f T_f[c_if, c_jf]`` from one ``L_f x L_f``
table per feature, added in feature order to an accumulator starting at 0.0 --
imbalanced-learn's order of operations, so every entry is bit-identical to its
dense ``n x n`` matrix. ``smallest_set`` then keeps, per row of such a block,
the ``k1`` smallest entries and reports whether that set is unique (no other entry
equals the largest kept one); only rows where it is not need numpy's
``argpartition`` to decide which tied rows imbalanced-learn's search keeps.
"""

from cython.parallel cimport prange
from libc.stdint cimport int32_t, uint8_t
from libc.stdlib cimport free, malloc

from ._openmp cimport omp_get_thread_num
from ._typedefs cimport float32_t, float64_t, intp_t

ctypedef fused cont_t:
    float32_t
    float64_t


cdef inline void insert_candidate(float64_t* dist, intp_t* idx, intp_t k,
                                  float64_t d, intp_t j) noexcept nogil:
    """Insert (d, j) into the sorted list of the k best (distance, index) pairs
    when it beats the last one."""
    cdef intp_t p = k - 1
    if d > dist[p] or (d == dist[p] and j > idx[p]):
        return
    while p > 0 and (d < dist[p - 1] or (d == dist[p - 1] and j < idx[p - 1])):
        dist[p] = dist[p - 1]
        idx[p] = idx[p - 1]
        p -= 1
    dist[p] = d
    idx[p] = j


def mixed_kneighbors(const cont_t[:, ::1] cont, const int32_t[:, ::1] codes,
                     float64_t weight, intp_t k, intp_t[:, ::1] out, int n_threads):
    """``out[i]`` = the ``k`` nearest rows of row ``i`` (itself excluded), by
    (distance, index); ``out`` has shape (n_rows, k), k < n_rows."""
    cdef intp_t n = cont.shape[0], n_cont = cont.shape[1], n_cat = codes.shape[1]
    cdef intp_t i, j, f, mismatches, tid
    cdef float64_t d, diff
    cdef float64_t* scratch_dist = <float64_t*> malloc(max(n_threads, 1) * k * sizeof(float64_t))
    cdef intp_t* scratch_idx = <intp_t*> malloc(max(n_threads, 1) * k * sizeof(intp_t))
    cdef float64_t* best_dist
    cdef intp_t* best_idx
    if scratch_dist == NULL or scratch_idx == NULL:
        free(scratch_dist)
        free(scratch_idx)
        raise MemoryError()
    try:
        for i in prange(n, nogil=True, schedule="static", num_threads=n_threads):
            tid = omp_get_thread_num()
            best_dist = scratch_dist + tid * k
            best_idx = scratch_idx + tid * k
            for f in range(k):
                best_dist[f] = 1.0 / 0.0
                best_idx[f] = n
            for j in range(n):
                if j == i:
                    continue
                d = 0.0
                for f in range(n_cont):
                    diff = <float64_t>cont[i, f] - <float64_t>cont[j, f]
                    d = d + diff * diff
                if d > best_dist[k - 1]:
                    continue
                mismatches = 0
                for f in range(n_cat):
                    if codes[i, f] != codes[j, f]:
                        mismatches = mismatches + 1
                d = d + weight * mismatches
                insert_candidate(best_dist, best_idx, k, d, j)
            for f in range(k):
                out[i, f] = best_idx[f]
    finally:
        free(scratch_dist)
        free(scratch_idx)


def vdm_block(const int32_t[:, ::1] codes, intp_t start, const float64_t[::1] tables,
              const intp_t[::1] offsets, const intp_t[::1] n_levels,
              float64_t[:, ::1] out, int n_threads):
    """``out[r, j]`` = VDM distance between rows ``start + r`` and ``j`` of
    ``codes`` (features in order, summed from 0.0). ``tables[offsets[f] + a *
    n_levels[f] + b]`` is feature f's term for codes a and b."""
    cdef intp_t n = codes.shape[0], n_features = codes.shape[1]
    cdef intp_t n_rows = out.shape[0], r, j, f, i, base
    cdef float64_t acc
    for r in prange(n_rows, nogil=True, schedule="static", num_threads=n_threads):
        i = start + r
        for j in range(n):
            acc = 0.0
            for f in range(n_features):
                base = offsets[f] + codes[i, f] * n_levels[f]
                acc = acc + tables[base + codes[j, f]]
            out[r, j] = acc


def smallest_set(const float64_t[:, ::1] dist, intp_t k1, intp_t[:, ::1] out,
                 uint8_t[::1] tied, int n_threads):
    """``out[r]`` = the ``k1`` smallest entries of row r by (value, index);
    ``tied[r]`` = 1 when another entry equals the largest kept value (the set of
    the k1 smallest values is then not unique)."""
    cdef intp_t n_rows = dist.shape[0], n = dist.shape[1], r, j, f, tid, at_most
    cdef float64_t threshold
    cdef float64_t* scratch_dist = <float64_t*> malloc(max(n_threads, 1) * k1 * sizeof(float64_t))
    cdef intp_t* scratch_idx = <intp_t*> malloc(max(n_threads, 1) * k1 * sizeof(intp_t))
    cdef float64_t* best_dist
    cdef intp_t* best_idx
    if scratch_dist == NULL or scratch_idx == NULL:
        free(scratch_dist)
        free(scratch_idx)
        raise MemoryError()
    try:
        for r in prange(n_rows, nogil=True, schedule="static", num_threads=n_threads):
            tid = omp_get_thread_num()
            best_dist = scratch_dist + tid * k1
            best_idx = scratch_idx + tid * k1
            for f in range(k1):
                best_dist[f] = 1.0 / 0.0
                best_idx[f] = n
            for j in range(n):
                insert_candidate(best_dist, best_idx, k1, dist[r, j], j)
            threshold = best_dist[k1 - 1]
            at_most = 0
            for j in range(n):
                if dist[r, j] <= threshold:
                    at_most = at_most + 1
            tied[r] = at_most > k1
            for f in range(k1):
                out[r, f] = best_idx[f]
    finally:
        free(scratch_dist)
        free(scratch_idx)
