"""Exact k nearest neighbours of CSR rows through an inverted index (CSC) of the
references: a pair of rows costs something only where the rows share a column.

Result contract: the one of ``_knn`` -- the k references with the smallest
``exact_sqdist_sparse`` (the float64 merge sum of every other path), ordered by
(distance, row index), the query's own row excluded by index -- so the output is
bit-identical to ``knn_csr_direct``.

Per query row ``q`` (one ``prange`` iteration, static schedule; each output row
is written by one iteration and every sum stays inside it):

1. Cross terms. Walking the query's columns and, for each, the references
   stored in that column of the CSC copy accumulates ``P = q.r`` for every
   reference ``r`` sharing a column with ``q`` (the *touched* ones, listed and
   stamped in per-thread scratch). References sharing no column have ``P = 0``
   exactly: their distance is ``||q||^2 + ||r||^2``, smallest for the
   smallest-norm references, which ``norm_order`` lists first.
2. Bounds. With ``s = fl(||q||^2 + ||r||^2)`` (norms summed in float64) and
   ``E = fl(s - 2P)``, ``L = fl(fl(E - fl(c s)) - slack)`` is at most and
   ``U = fl(fl(E + fl(c s)) + slack)`` at least the exact distance ``D``, for
   ``c = 8 (n_q + n_r + 10) u`` (``n_q``, ``n_r``: the rows' stored values, ``n_r``
   the largest of any reference; ``u = 2^-53``). For untouched references the
   kernel uses ``fl(fl(s (1 - 2c)) - slack)`` and ``fl(fl(s (1 + 2c)) + slack)``,
   weaker but monotone in ``||r||^2``, so scanning them in norm order can stop.
3. Threshold ``T``: the k-th smallest upper bound over the eligible references
   (touched ones, then the first k untouched in norm order). At least k
   references have ``D <= T``.
4. Candidates: every eligible reference with lower bound ``<= T`` (the untouched
   ones in norm order until the first bound above ``T``); their exact distances
   go through a k-heap ordered by (distance, index) and are sorted. A reference
   left out has ``D >= L > T >= `` the k-th smallest exact distance, strictly
   above it, so it cannot belong to the k nearest even on a tie of indices: the
   row is certified by construction (the dense kernel's certification, with the
   threshold taken from upper bounds instead of from a fixed candidate count),
   and no row needs a fallback. Ties and duplicated rows only widen the candidate
   set (each tied reference has ``L <= T``); in the worst case (all norms equal,
   no shared column) every reference is a candidate: the merge path's cost.

Why the bounds hold (standard model ``fl(x op y) = (x op y)(1 + d) + e``,
``|d| <= u``, ``|e| <= 2^-1075``; ``g_m = m u / (1 - m u)``; values are float64,
or float32 widened exactly). Let ``A``, ``B`` be the exact squared norms, ``N``
the merged length (``<= n_q + n_r``). The merge sum of non-negative rounded terms
gives ``|D - D*| <= g_{N+1} D*`` with ``D* = A + B - 2 q.r <= 2 (A + B)``. The
norms carry ``g_{n_q} A`` and ``g_{n_r} B``, the dot product ``g_m (A + B) / 2``,
the two operations forming ``E`` at most ``3 u (A + B)`` more, so
``|E - D| <= g_{4 (n_q + n_r) + 6} (A + B)`` plus a few hundred ``e`` terms.
``c s >= 8 (n_q + n_r + 10) u (A + B) (1 - g)`` covers this twice over, and the
spare half absorbs the roundings of forming ``c s``, ``E -+ c s`` and the
slack's subtraction; ``slack = 1e-290`` covers the absolute (subnormal) terms
(the caller's range check keeps float64 squares away from overflow). No step
depends on the summation order, so fused multiply-adds would not break it.

Memory: the CSC copy of the references (the caller's), and per thread a
(query, cross term) pair and a touched-list entry per reference plus a k-heap.
"""

from cython.parallel cimport parallel, prange
from libc.stdlib cimport free

from ._distances cimport exact_sqdist_sparse
from ._heap cimport heap_replace_root, pair_after, reset_heap, sort_pairs
from ._queries cimport thread_scratch, thread_slice
from ._typedefs cimport data_t, float64_t, index_t, intp_t

cdef extern from *:
    """
    /* A hint only: the column lists of a query's columns lie at random places in
       memory, and fetching the next ones while this one is summed hides most of
       that latency (measured ~2x on the cross-term loop). */
    #if defined(__GNUC__) || defined(__clang__)
    #define SMOTE_FAST_PREFETCH(address) __builtin_prefetch(address)
    #else
    #define SMOTE_FAST_PREFETCH(address) ((void)0)
    #endif
    """
    void prefetch "SMOTE_FAST_PREFETCH"(const void* address) noexcept nogil


# A reference's cross term with the current query, and which query it belongs
# to: side by side, so that a visit touches one cache line.
cdef struct cross_t:
    intp_t query
    float64_t dot


# Unit roundoff of float64, and the absolute slack for subnormal rounding.
cdef float64_t UNIT_ROUNDOFF = 2.0 ** -53
cdef float64_t SLACK = 1e-290


def csr_row_norms(const data_t[::1] data, const index_t[::1] indptr,
                  float64_t[::1] out, int n_threads):
    """Squared norm of each CSR row, summed in float64 in stored order."""
    cdef intp_t n_rows = indptr.shape[0] - 1, i, p
    cdef float64_t acc, value
    cdef const data_t* values = &data[0] if data.shape[0] else NULL
    if n_rows <= 0:
        return
    with nogil:
        for i in prange(n_rows, schedule='static', num_threads=n_threads):
            acc = 0.0
            for p in range(indptr[i], indptr[i + 1]):
                value = <float64_t>values[p]
                acc = acc + value * value
            out[i] = acc


cdef void index_row(
    intp_t i, const data_t* q_data, const index_t* q_cols, const index_t* q_ptr,
    const data_t* r_data, const index_t* r_cols, const index_t* r_ptr,
    const data_t* c_data, const index_t* c_rows, const index_t* c_ptr,
    const float64_t* r_norms, intp_t max_ref_nnz, const intp_t* norm_order,
    intp_t n_reference, intp_t self_index, intp_t k,
    cross_t* cross, intp_t* touched, float64_t* ukeys, intp_t* uidx,
    float64_t* keys, intp_t* idx,
) noexcept nogil:
    cdef intp_t q0 = q_ptr[i], q1 = q_ptr[i + 1]
    cdef intp_t p, t, j, col, n_touched = 0, taken
    cdef float64_t value, q_norm = 0.0, s, e, m, bound, dist, threshold
    cdef float64_t c, shrink, grow
    # 1. cross terms of the references sharing a column
    for p in range(q0, min(q0 + 2, q1)):
        prefetch(c_ptr + q_cols[p])
    for p in range(q0, q1):
        if p + 2 < q1:
            prefetch(c_ptr + q_cols[p + 2])
        if p + 1 < q1:
            t = c_ptr[q_cols[p + 1]]
            prefetch(c_rows + t)
            prefetch(c_data + t)
        value = <float64_t>q_data[p]
        q_norm = q_norm + value * value
        col = q_cols[p]
        for t in range(c_ptr[col], c_ptr[col + 1]):
            j = c_rows[t]
            if cross[j].query != i:
                cross[j].query = i
                cross[j].dot = 0.0
                touched[n_touched] = j
                n_touched += 1
            cross[j].dot = cross[j].dot + value * <float64_t>c_data[t]
    c = 8.0 * <float64_t>(q1 - q0 + max_ref_nnz + 10) * UNIT_ROUNDOFF
    shrink = 1.0 - 2.0 * c
    grow = 1.0 + 2.0 * c
    # 3. threshold: k-th smallest upper bound
    reset_heap(ukeys, uidx, k)
    for t in range(n_touched):
        j = touched[t]
        if j == self_index:
            continue
        s = q_norm + r_norms[j]
        e = s - 2.0 * cross[j].dot
        m = c * s
        bound = (e + m) + SLACK
        if pair_after(ukeys[0], uidx[0], bound, j):
            heap_replace_root(ukeys, uidx, k, bound, j)
    taken = 0
    for t in range(n_reference):
        if taken >= k:
            break
        j = norm_order[t]
        if j == self_index or cross[j].query == i:
            continue
        taken += 1
        bound = (q_norm + r_norms[j]) * grow + SLACK
        if pair_after(ukeys[0], uidx[0], bound, j):
            heap_replace_root(ukeys, uidx, k, bound, j)
    threshold = ukeys[0]
    # 4. candidates: lower bound <= threshold, re-ranked by exact distance
    reset_heap(keys, idx, k)
    for t in range(n_touched):
        j = touched[t]
        if j == self_index:
            continue
        s = q_norm + r_norms[j]
        e = s - 2.0 * cross[j].dot
        m = c * s
        bound = (e - m) - SLACK
        if bound <= threshold:
            dist = exact_sqdist_sparse(q_data + q0, q_cols + q0, q1 - q0,
                                       r_data + r_ptr[j], r_cols + r_ptr[j],
                                       r_ptr[j + 1] - r_ptr[j])
            if pair_after(keys[0], idx[0], dist, j):
                heap_replace_root(keys, idx, k, dist, j)
    for t in range(n_reference):
        j = norm_order[t]
        if j == self_index or cross[j].query == i:
            continue
        bound = (q_norm + r_norms[j]) * shrink - SLACK
        if bound > threshold:
            break  # monotone in the norm: every later one is above it too
        dist = exact_sqdist_sparse(q_data + q0, q_cols + q0, q1 - q0,
                                   r_data + r_ptr[j], r_cols + r_ptr[j],
                                   r_ptr[j + 1] - r_ptr[j])
        if pair_after(keys[0], idx[0], dist, j):
            heap_replace_root(keys, idx, k, dist, j)
    sort_pairs(keys, idx, k)


def knn_csr_index(const data_t[::1] query_data, const index_t[::1] query_indices,
                  const index_t[::1] query_indptr, const data_t[::1] ref_data,
                  const index_t[::1] ref_indices, const index_t[::1] ref_indptr,
                  const data_t[::1] col_data, const index_t[::1] col_rows,
                  const index_t[::1] col_indptr, const float64_t[::1] ref_norms,
                  intp_t max_ref_nnz, const intp_t[::1] norm_order,
                  const intp_t[::1] query_in_reference, intp_t[:, ::1] out_indices,
                  float64_t[:, ::1] out_distances, int n_threads):
    """Exact k-NN of CSR rows (canonical) against CSR rows given with their CSC
    copy (``col_*``), squared norms (``csr_row_norms``), largest row length and
    row order by (norm, index). See the module docstring."""
    cdef intp_t n_query = query_indptr.shape[0] - 1
    cdef intp_t n_reference = ref_indptr.shape[0] - 1
    cdef intp_t k = out_indices.shape[1], i, t
    cdef const data_t* q_data = &query_data[0] if query_data.shape[0] else NULL
    cdef const index_t* q_cols = &query_indices[0] if query_indices.shape[0] else NULL
    cdef const data_t* r_data = &ref_data[0] if ref_data.shape[0] else NULL
    cdef const index_t* r_cols = &ref_indices[0] if ref_indices.shape[0] else NULL
    cdef const data_t* c_data = &col_data[0] if col_data.shape[0] else NULL
    cdef const index_t* c_rows = &col_rows[0] if col_rows.shape[0] else NULL
    cdef int n_slots = max(n_threads, 1)
    cdef size_t stride
    cdef size_t per_thread = (<size_t>n_reference * (sizeof(cross_t) + sizeof(intp_t))
                              + <size_t>k * (sizeof(intp_t) + sizeof(float64_t)))
    cdef char* scratch
    cdef char* mine
    cdef cross_t* cross
    if n_query == 0 or k == 0:
        return
    if n_reference == 0 or ref_norms.shape[0] != n_reference or \
            norm_order.shape[0] != n_reference or col_indptr.shape[0] < 1:
        raise ValueError("inconsistent reference arrays")
    scratch = thread_scratch(per_thread, n_slots, &stride)
    if scratch == NULL:
        raise MemoryError()
    try:
        with nogil:
            # no reference belongs to a query yet: no query row is -1
            for t in range(n_slots):
                cross = <cross_t*>(scratch + <size_t>t * stride)
                for i in range(n_reference):
                    cross[i].query = -1
            with parallel(num_threads=n_threads):
                mine = thread_slice(scratch, stride)
                for i in prange(n_query, schedule='static'):
                    index_row(i, q_data, q_cols, &query_indptr[0], r_data, r_cols,
                              &ref_indptr[0], c_data, c_rows, &col_indptr[0],
                              &ref_norms[0], max_ref_nnz, &norm_order[0], n_reference,
                              query_in_reference[i], k,
                              <cross_t*>mine,
                              <intp_t*>(mine + n_reference * sizeof(cross_t)),
                              <float64_t*>(mine + n_reference * (sizeof(cross_t)
                                                                 + sizeof(intp_t))),
                              <intp_t*>(mine + n_reference * (sizeof(cross_t)
                                                              + sizeof(intp_t))
                                        + k * sizeof(float64_t)),
                              &out_distances[i, 0], &out_indices[i, 0])
    finally:
        free(scratch)
