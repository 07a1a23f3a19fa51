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
dense ``n x n`` matrix. ``vdm_kneighbors`` computes each row in a per-thread
buffer, keeps its ``k1`` smallest entries and reports whether that set is unique
(no other entry equals the largest kept one); only rows where it is not need
numpy's ``argpartition`` (on the same row, from ``vdm_block``) to decide which
tied rows imbalanced-learn's search keeps.
"""

from cython.parallel cimport prange
from libc.stdint cimport int32_t, uint8_t
from libc.stdlib cimport free, malloc

from ._openmp cimport omp_get_thread_num
from ._typedefs cimport float64_t, intp_t

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


cdef inline void mixed_candidate(const int32_t[:, ::1] codes, intp_t i, intp_t j,
                                 float64_t d, float64_t weight, float64_t* best_dist,
                                 intp_t* best_idx, intp_t k) noexcept nogil:
    """Add the categorical mismatches of pair (i, j) to its continuous distance
    ``d`` and offer it to the list (skipped early when ``d`` alone loses)."""
    cdef intp_t f, mismatches = 0
    if j == i or d > best_dist[k - 1]:
        return
    for f in range(codes.shape[1]):
        if codes[i, f] != codes[j, f]:
            mismatches = mismatches + 1
    insert_candidate(best_dist, best_idx, k, d + weight * mismatches, j)


def mixed_kneighbors(const float64_t[:, ::1] cont_t, const int32_t[:, ::1] codes,
                     float64_t weight, intp_t k, intp_t[:, ::1] out, int n_threads):
    """``out[i]`` = the ``k`` nearest rows of row ``i`` (itself excluded), by
    (distance, index); ``out`` has shape (n_rows, k), k < n_rows.

    ``cont_t`` holds the continuous values feature-major (n_features x n_rows,
    float64), so that eight candidates are summed at once from contiguous
    memory: eight independent float64 chains, each in feature order, so the
    values do not depend on the grouping (and the compiler may use SIMD lanes
    without reassociating anything). Candidates are offered in index order."""
    cdef intp_t n = cont_t.shape[1], n_cont = cont_t.shape[0]
    cdef intp_t i, j, f, tid
    cdef float64_t diff, x, a0, a1, a2, a3, a4, a5, a6, a7, bound
    cdef float64_t* scratch_dist = <float64_t*> malloc(max(n_threads, 1) * k * sizeof(float64_t))
    cdef intp_t* scratch_idx = <intp_t*> malloc(max(n_threads, 1) * k * sizeof(intp_t))
    cdef float64_t* best_dist
    cdef intp_t* best_idx
    cdef const float64_t* column
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
            j = 0
            while j + 8 <= n:
                a0 = 0.0
                a1 = 0.0
                a2 = 0.0
                a3 = 0.0
                a4 = 0.0
                a5 = 0.0
                a6 = 0.0
                a7 = 0.0
                for f in range(n_cont):
                    x = cont_t[f, i]
                    column = &cont_t[f, j]
                    a0 = a0 + (x - column[0]) * (x - column[0])
                    a1 = a1 + (x - column[1]) * (x - column[1])
                    a2 = a2 + (x - column[2]) * (x - column[2])
                    a3 = a3 + (x - column[3]) * (x - column[3])
                    a4 = a4 + (x - column[4]) * (x - column[4])
                    a5 = a5 + (x - column[5]) * (x - column[5])
                    a6 = a6 + (x - column[6]) * (x - column[6])
                    a7 = a7 + (x - column[7]) * (x - column[7])
                    if (f & 3) == 3:
                        # partial sums only grow: once all eight exceed the k-th
                        # best, none of them can enter the list
                        bound = best_dist[k - 1]
                        if (a0 > bound and a1 > bound and a2 > bound and a3 > bound
                                and a4 > bound and a5 > bound and a6 > bound
                                and a7 > bound):
                            break
                mixed_candidate(codes, i, j, a0, weight, best_dist, best_idx, k)
                mixed_candidate(codes, i, j + 1, a1, weight, best_dist, best_idx, k)
                mixed_candidate(codes, i, j + 2, a2, weight, best_dist, best_idx, k)
                mixed_candidate(codes, i, j + 3, a3, weight, best_dist, best_idx, k)
                mixed_candidate(codes, i, j + 4, a4, weight, best_dist, best_idx, k)
                mixed_candidate(codes, i, j + 5, a5, weight, best_dist, best_idx, k)
                mixed_candidate(codes, i, j + 6, a6, weight, best_dist, best_idx, k)
                mixed_candidate(codes, i, j + 7, a7, weight, best_dist, best_idx, k)
                j = j + 8
            while j < n:
                a0 = 0.0
                for f in range(n_cont):
                    diff = cont_t[f, i] - cont_t[f, j]
                    a0 = a0 + diff * diff
                mixed_candidate(codes, i, j, a0, weight, best_dist, best_idx, k)
                j = j + 1
            for f in range(k):
                out[i, f] = best_idx[f]
    finally:
        free(scratch_dist)
        free(scratch_idx)


cdef inline void vdm_row(const int32_t[:, ::1] codes, intp_t i, const float64_t* tables,
                         const intp_t[::1] offsets, const intp_t[::1] n_levels,
                         float64_t* out) noexcept nogil:
    """``out[j]`` = VDM distance between rows i and j of ``codes``: features in
    order, summed from 0.0 (four columns at once, each its own chain)."""
    cdef intp_t n = codes.shape[0], n_features = codes.shape[1], j = 0, f, base
    cdef float64_t a0, a1, a2, a3
    while j + 4 <= n:
        a0 = 0.0
        a1 = 0.0
        a2 = 0.0
        a3 = 0.0
        for f in range(n_features):
            base = offsets[f] + codes[i, f] * n_levels[f]
            a0 = a0 + tables[base + codes[j, f]]
            a1 = a1 + tables[base + codes[j + 1, f]]
            a2 = a2 + tables[base + codes[j + 2, f]]
            a3 = a3 + tables[base + codes[j + 3, f]]
        out[j] = a0
        out[j + 1] = a1
        out[j + 2] = a2
        out[j + 3] = a3
        j = j + 4
    while j < n:
        a0 = 0.0
        for f in range(n_features):
            base = offsets[f] + codes[i, f] * n_levels[f]
            a0 = a0 + tables[base + codes[j, f]]
        out[j] = a0
        j = j + 1


def vdm_block(const int32_t[:, ::1] codes, const intp_t[::1] rows,
              const float64_t[::1] tables, const intp_t[::1] offsets,
              const intp_t[::1] n_levels, float64_t[:, ::1] out, int n_threads):
    """``out[r, j]`` = VDM distance between rows ``rows[r]`` and ``j`` of
    ``codes``. ``tables[offsets[f] + a * n_levels[f] + b]`` is feature f's term
    for codes a and b."""
    cdef intp_t r
    for r in prange(rows.shape[0], nogil=True, schedule="static", num_threads=n_threads):
        vdm_row(codes, rows[r], &tables[0], offsets, n_levels, &out[r, 0])


def vdm_kneighbors(const int32_t[:, ::1] codes, const float64_t[::1] tables,
                   const intp_t[::1] offsets, const intp_t[::1] n_levels, intp_t k1,
                   intp_t[:, ::1] out, uint8_t[::1] tied, int n_threads):
    """For every row i: its distance row in a per-thread buffer, the ``k1``
    smallest entries by (value, index) in ``out[i]``, and ``tied[i]`` = 1 when
    another entry equals the largest kept value (the set is then decided by
    numpy's ``argpartition``, see the module docstring). One parallel region."""
    cdef intp_t n = codes.shape[0], i, j, f, tid, at_most
    cdef float64_t threshold
    cdef float64_t* rows_all = <float64_t*> malloc(
        max(n_threads, 1) * max(n, 1) * sizeof(float64_t))
    cdef float64_t* dist_all = <float64_t*> malloc(max(n_threads, 1) * k1 * sizeof(float64_t))
    cdef intp_t* idx_all = <intp_t*> malloc(max(n_threads, 1) * k1 * sizeof(intp_t))
    cdef float64_t* row
    cdef float64_t* best_dist
    cdef intp_t* best_idx
    if rows_all == NULL or dist_all == NULL or idx_all == NULL:
        free(rows_all)
        free(dist_all)
        free(idx_all)
        raise MemoryError()
    try:
        for i in prange(n, nogil=True, schedule="static", num_threads=n_threads):
            tid = omp_get_thread_num()
            row = rows_all + tid * n
            best_dist = dist_all + tid * k1
            best_idx = idx_all + tid * k1
            vdm_row(codes, i, &tables[0], offsets, n_levels, row)
            for f in range(k1):
                best_dist[f] = 1.0 / 0.0
                best_idx[f] = n
            for j in range(n):
                insert_candidate(best_dist, best_idx, k1, row[j], j)
            threshold = best_dist[k1 - 1]
            at_most = 0
            for j in range(n):
                if row[j] <= threshold:
                    at_most = at_most + 1
            tied[i] = at_most > k1
            for f in range(k1):
                out[i, f] = best_idx[f]
    finally:
        free(rows_all)
        free(dist_all)
        free(idx_all)


cdef inline intp_t sorted_runs(const int32_t[:, ::1] codes, intp_t i, int32_t* values,
                               intp_t* counts) noexcept nogil:
    """The distinct codes of row i in increasing order with their counts; returns
    how many there are."""
    cdef intp_t k = codes.shape[1], a, b, n_runs = 0
    cdef int32_t v
    for a in range(k):  # insertion sort of the row (k is small)
        v = codes[i, a]
        b = a
        while b > 0 and values[b - 1] > v:
            values[b] = values[b - 1]
            b = b - 1
        values[b] = v
    for a in range(k):
        if n_runs > 0 and values[n_runs - 1] == values[a]:
            counts[n_runs - 1] += 1
        else:
            values[n_runs] = values[a]
            counts[n_runs] = 1
            n_runs = n_runs + 1
    return n_runs


def tied_levels(const int32_t[:, ::1] codes, int32_t[:, ::1] levels, intp_t[::1] n_tied,
                int n_threads):
    """Per row of ``codes`` (the k neighbours' codes of one feature): the codes
    with the largest count, increasing, in ``levels[i, :n_tied[i]]``."""
    cdef intp_t n = codes.shape[0], k = codes.shape[1], i, a, best, tid, n_runs, t
    cdef int32_t* values_all = <int32_t*> malloc(max(n_threads, 1) * k * sizeof(int32_t))
    cdef intp_t* counts_all = <intp_t*> malloc(max(n_threads, 1) * k * sizeof(intp_t))
    cdef int32_t* values
    cdef intp_t* counts
    if values_all == NULL or counts_all == NULL:
        free(values_all)
        free(counts_all)
        raise MemoryError()
    try:
        for i in prange(n, nogil=True, schedule="static", num_threads=n_threads):
            tid = omp_get_thread_num()
            values = values_all + tid * k
            counts = counts_all + tid * k
            n_runs = sorted_runs(codes, i, values, counts)
            best = 0
            for a in range(n_runs):
                if counts[a] > best:
                    best = counts[a]
            t = 0
            for a in range(n_runs):
                if counts[a] == best:
                    levels[i, t] = values[a]
                    t = t + 1
            n_tied[i] = t
    finally:
        free(values_all)
        free(counts_all)


def first_in_permutation(const int32_t[:, ::1] levels, const intp_t[::1] n_tied,
                         const intp_t[::1] rank, int32_t[::1] out):
    """``out[i]`` = the tied level of row i whose pair ranks first; the pairs are
    numbered row by row (``rank[p]`` = position of pair p in the permutation)."""
    cdef intp_t n = levels.shape[0], i, t, p = 0, best_rank
    with nogil:
        for i in range(n):
            best_rank = -1
            for t in range(n_tied[i]):
                if best_rank < 0 or rank[p] < best_rank:
                    best_rank = rank[p]
                    out[i] = levels[i, t]
                p = p + 1


def row_modes(const int32_t[:, ::1] codes, int32_t[::1] out, int n_threads):
    """``out[i]`` = the most frequent code of row i, the smallest among ties
    (scipy's ``mode``)."""
    cdef intp_t n = codes.shape[0], k = codes.shape[1], i, a, best, tid, n_runs
    cdef int32_t* values_all = <int32_t*> malloc(max(n_threads, 1) * k * sizeof(int32_t))
    cdef intp_t* counts_all = <intp_t*> malloc(max(n_threads, 1) * k * sizeof(intp_t))
    cdef int32_t* values
    cdef intp_t* counts
    if values_all == NULL or counts_all == NULL:
        free(values_all)
        free(counts_all)
        raise MemoryError()
    try:
        for i in prange(n, nogil=True, schedule="static", num_threads=n_threads):
            tid = omp_get_thread_num()
            values = values_all + tid * k
            counts = counts_all + tid * k
            n_runs = sorted_runs(codes, i, values, counts)
            best = 0
            for a in range(n_runs):
                if counts[a] > counts[best]:
                    best = a
            out[i] = values[best]
    finally:
        free(values_all)
        free(counts_all)
