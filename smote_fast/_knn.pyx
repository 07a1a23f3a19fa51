"""Exact k nearest neighbours under the squared Euclidean distance.

Every path ranks references by (exact squared distance, row index), where the
exact distance is the float64 sum, in feature order, of squared float64
differences; a query that is itself a reference row is excluded by its index.
Results therefore never depend on chunk sizes, thread counts or the path taken.

* ``knn_direct`` computes exact distances to every reference. It is the path for
  low dimensions and the final fallback of the GEMM path.
* ``knn_gemm`` handles one chunk of queries per thread. For each reference chunk,
  one GEMM (float32 or float64) gives the cross term of ||q||^2 - 2 q.r + ||r||^2
  on centred data; subtracting a rigorous bound of every rounding involved turns
  it into a lower bound of the exact distance. The ``n_candidates`` smallest
  bounds are kept, their exact distances recomputed and sorted; a row is
  accepted only when the largest kept bound exceeds its k-th exact distance, so
  no reference left out can belong to its k nearest. Rejected rows (near-ties,
  extreme offsets) are flagged for the caller to redo on a stricter path.
* ``knn_csr_direct`` is the exact path for CSR data; merging the sorted column
  indices of two rows reproduces the dense sum bit for bit.
"""

from cython.parallel cimport parallel, prange
from libc.math cimport INFINITY
from libc.stdlib cimport free, malloc
from libc.stdint cimport int32_t, int64_t
from scipy.linalg.cython_blas cimport dgemm, sgemm

from ._distances cimport data_t, exact_sqdist
from ._heap cimport heap_replace_root, sort_pairs
from ._typedefs cimport float32_t, float64_t, intp_t

ctypedef fused gemm_t:
    float32_t
    float64_t

ctypedef fused index_t:
    int32_t
    int64_t

# Marks an empty heap slot; larger than any row index, so real rows displace it.
cdef intp_t NO_INDEX = <intp_t>((<size_t>-1) >> 1)


cdef inline void reset_heap(float64_t* keys, intp_t* idx, intp_t size) noexcept nogil:
    cdef intp_t t
    for t in range(size):
        keys[t] = INFINITY
        idx[t] = NO_INDEX


cdef void direct_row(const data_t* query_row, const data_t* reference,
                     intp_t n_reference, intp_t n_features, intp_t self_index,
                     intp_t k, float64_t* keys, intp_t* idx) noexcept nogil:
    cdef intp_t j
    cdef float64_t dist
    reset_heap(keys, idx, k)
    for j in range(n_reference):
        if j == self_index:
            continue
        dist = exact_sqdist(query_row, reference + j * n_features, n_features)
        # References arrive in increasing index, so an equal distance displaces
        # the root only while the heap still holds empty slots (NO_INDEX).
        if dist < keys[0] or (dist == keys[0] and j < idx[0]):
            heap_replace_root(keys, idx, k, dist, j)
    sort_pairs(keys, idx, k)


def knn_direct(const data_t[:, ::1] query, const data_t[:, ::1] reference,
               const intp_t[::1] query_in_reference, intp_t[:, ::1] out_indices,
               float64_t[:, ::1] out_distances, int n_threads):
    """Exact k-NN of every query row by direct differences.

    ``out_indices``/``out_distances`` have shape (n_query, k) and are used as the
    per-row heaps; ``query_in_reference[i]`` is the reference row to exclude for
    query ``i`` (or -1).
    """
    cdef intp_t n_query = query.shape[0], n_reference = reference.shape[0]
    cdef intp_t n_features = query.shape[1], k = out_indices.shape[1], i
    if n_query == 0 or k == 0:
        return
    with nogil:
        for i in prange(n_query, schedule='static', num_threads=n_threads):
            direct_row(&query[i, 0], &reference[0, 0], n_reference, n_features,
                       query_in_reference[i], k, &out_distances[i, 0],
                       &out_indices[i, 0])


cdef inline void gemm_cross(const gemm_t* ref_block, const gemm_t* query_block,
                            gemm_t* products, int n_ref, int n_query,
                            int n_features) noexcept nogil:
    """products (row-major n_query x n_ref) = query_block . ref_block^T; both
    blocks row-major, so BLAS sees them transposed (scipy's signatures lack
    const, hence the casts)."""
    cdef char trans_a = b'T', trans_b = b'N'
    cdef gemm_t one = 1.0, zero = 0.0
    if gemm_t is float32_t:
        sgemm(&trans_a, &trans_b, &n_ref, &n_query, &n_features, &one,
              <float32_t*>ref_block, &n_features, <float32_t*>query_block, &n_features,
              &zero, products, &n_ref)
    else:
        dgemm(&trans_a, &trans_b, &n_ref, &n_query, &n_features, &one,
              <float64_t*>ref_block, &n_features, <float64_t*>query_block, &n_features,
              &zero, products, &n_ref)


cdef inline void write_augmented_row(const data_t* row, intp_t n_features,
                                     const float64_t* center, float64_t scale,
                                     float64_t shrink, float64_t slack,
                                     bint is_query, gemm_t* out) noexcept nogil:
    """Write one centred row, in the GEMM precision, with two extra columns so
    that a single GEMM yields shrunk(||q||^2) + shrunk(||r||^2) - 2 q.r, the
    lower bound itself: a query row is [q, 1, shrunk(||q||^2)] and a reference
    row [-2 r, shrunk(||r||^2), 1]. ``shrunk(x) = x * shrink - slack`` removes
    the rounding margin (see the module docstring)."""
    cdef intp_t f
    cdef gemm_t value
    cdef float64_t norm = 0.0
    for f in range(n_features):
        value = <gemm_t>(<float64_t>row[f] - center[f])
        norm = norm + <float64_t>value * <float64_t>value
        out[f] = <gemm_t>(scale * <float64_t>value)
    if is_query:
        out[n_features] = 1
        out[n_features + 1] = <gemm_t>(norm * shrink - slack)
    else:
        out[n_features] = <gemm_t>(norm * shrink)
        out[n_features + 1] = 1


cdef extern from *:
    """
    /* Where the compiler and loader support it, build this search for AVX-512,
       AVX2 and the baseline, picked once at load time: the binary stays
       portable and the vector width follows the machine. */
    #if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) \
        && defined(__linux__) && __GNUC__ >= 8
    #define SMOTE_FAST_MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
    #else
    #define SMOTE_FAST_MULTIVERSION
    #endif
    #define SMOTE_FAST_GROUP 32

    /* Index of the lowest set bit of a non-zero word. */
    static inline int smote_fast_lowest_bit(unsigned int bits) {
    #if defined(__GNUC__) || defined(__clang__)
        return __builtin_ctz(bits);
    #else
        int t = 0;
        while (!(bits & 1u)) { bits >>= 1; ++t; }
        return t;
    #endif
    }

    /* First group of SMOTE_FAST_GROUP values at or after start holding a value
       below the threshold (or the incomplete tail), and in *mask the positions
       of those values in the group: branch-free tests each clone vectorises at
       its width. Returns n when no group is left. */
    #define SMOTE_FAST_NEXT_CANDIDATE(NAME, TYPE)                                  \
    SMOTE_FAST_MULTIVERSION                                                       \
    static Py_ssize_t NAME(const TYPE *values, Py_ssize_t start, Py_ssize_t n,    \
                           TYPE threshold, unsigned int *mask) {                  \
        Py_ssize_t j = start;                                                     \
        for (; j + SMOTE_FAST_GROUP <= n; j += SMOTE_FAST_GROUP) {                \
            unsigned int bits = 0;                                                \
            for (int t = 0; t < SMOTE_FAST_GROUP; ++t) {                          \
                bits |= (unsigned int)(values[j + t] < threshold) << t;           \
            }                                                                     \
            if (bits) {                                                           \
                *mask = bits;                                                     \
                return j;                                                         \
            }                                                                     \
        }                                                                         \
        unsigned int bits = 0;                                                    \
        for (Py_ssize_t t = 0; j + t < n; ++t) {                                  \
            bits |= (unsigned int)(values[j + t] < threshold) << t;               \
        }                                                                         \
        *mask = bits;                                                             \
        return bits ? j : n;                                                      \
    }
    SMOTE_FAST_NEXT_CANDIDATE(smote_fast_next_candidate_f32, float)
    SMOTE_FAST_NEXT_CANDIDATE(smote_fast_next_candidate_f64, double)
    """
    intp_t SCAN_GROUP "SMOTE_FAST_GROUP"
    intp_t next_candidate_f32 "smote_fast_next_candidate_f32"(
        const float32_t* values, intp_t start, intp_t n, float32_t threshold,
        unsigned int* mask) noexcept nogil
    intp_t next_candidate_f64 "smote_fast_next_candidate_f64"(
        const float64_t* values, intp_t start, intp_t n, float64_t threshold,
        unsigned int* mask) noexcept nogil
    int lowest_bit "smote_fast_lowest_bit"(unsigned int bits) noexcept nogil


cdef void scan_products(const gemm_t* bounds, intp_t n_rows, intp_t n_block,
                        intp_t block_start, const intp_t* self_index,
                        intp_t n_candidates, float64_t* keys,
                        intp_t* idx) noexcept nogil:
    """Push every reference of the block whose bound beats a row's heap root;
    groups of bounds without any candidate are skipped by a vectorised test
    (after the first blocks fill the heaps, almost all of them)."""
    cdef intp_t ii, jj, start, own
    cdef unsigned int mask
    cdef gemm_t threshold
    cdef const gemm_t* row_bounds
    cdef float64_t* row_keys
    cdef intp_t* row_idx
    for ii in range(n_rows):
        row_keys = keys + ii * n_candidates
        row_idx = idx + ii * n_candidates
        row_bounds = bounds + ii * n_block
        own = self_index[ii] - block_start
        # Heap keys are GEMM values widened to float64: this cast is exact.
        threshold = <gemm_t>row_keys[0]
        start = 0
        while start < n_block:
            if gemm_t is float32_t:
                start = next_candidate_f32(row_bounds, start, n_block, threshold, &mask)
            else:
                start = next_candidate_f64(row_bounds, start, n_block, threshold, &mask)
            if start >= n_block:
                break
            # Only flagged positions can qualify: the threshold only decreases.
            while mask:
                jj = start + lowest_bit(mask)
                mask &= mask - 1
                # Strict: references arrive in increasing index (see direct_row).
                if row_bounds[jj] < threshold and jj != own:
                    heap_replace_root(row_keys, row_idx, n_candidates,
                                      <float64_t>row_bounds[jj], block_start + jj)
                    threshold = <gemm_t>row_keys[0]
            start += SCAN_GROUP


cdef void certify_row(const data_t* query_row, const data_t* reference,
                      intp_t n_reference, intp_t n_features, intp_t self_index,
                      intp_t k, intp_t n_candidates, float64_t* keys, intp_t* idx,
                      intp_t* out_indices, float64_t* out_distances,
                      unsigned char* out_failed) noexcept nogil:
    """Exact distances of the candidates, sorted; the row is certified when its
    largest kept bound exceeds the k-th exact distance."""
    cdef intp_t t
    cdef intp_t eligible = n_reference - (1 if 0 <= self_index < n_reference else 0)
    cdef float64_t largest_bound = keys[0]
    out_failed[0] = 0
    for t in range(n_candidates):
        if idx[t] == NO_INDEX:
            # Non-finite bounds (overflow in the GEMM precision): redo exactly.
            out_failed[0] = 1
            keys[t] = INFINITY
        else:
            keys[t] = exact_sqdist(query_row, reference + idx[t] * n_features, n_features)
    sort_pairs(keys, idx, n_candidates)
    if n_candidates < eligible and not (largest_bound > keys[k - 1]):
        out_failed[0] = 1
    for t in range(k):
        out_indices[t] = idx[t]
        out_distances[t] = keys[t]


cdef void gemm_all_chunks(
    const data_t* query, intp_t n_query, const data_t* reference, intp_t n_reference,
    intp_t n_features, const intp_t* query_in_reference, const float64_t* center,
    float64_t shrink, float64_t slack, intp_t k, intp_t n_candidates,
    intp_t query_chunk, intp_t ref_chunk, int n_threads,
    intp_t* out_indices, float64_t* out_distances, unsigned char* out_failed,
    gemm_t* precision_tag,
) noexcept nogil:
    cdef intp_t width = n_features + 2
    # Queries whose heaps live at once, and references converted at once: the
    # conversions cost (n_query / QUERY_SUPER) passes over the references.
    cdef intp_t query_super = 65536
    cdef intp_t ref_super = max(ref_chunk, 32768)
    cdef intp_t q0, n_q, r0, n_r, sub, n_sub, n_chunks, chunk, c0, c_rows, t, i
    cdef gemm_t* query_rows = <gemm_t*>malloc(min(query_super, n_query) * width * sizeof(gemm_t))
    cdef gemm_t* ref_rows = <gemm_t*>malloc(min(ref_super, n_reference) * width * sizeof(gemm_t))
    cdef float64_t* keys = <float64_t*>malloc(min(query_super, n_query) * n_candidates
                                              * sizeof(float64_t))
    cdef intp_t* idx = <intp_t*>malloc(min(query_super, n_query) * n_candidates
                                       * sizeof(intp_t))
    cdef gemm_t* bounds

    q0 = 0
    while q0 < n_query:
        n_q = min(query_super, n_query - q0)
        n_chunks = (n_q + query_chunk - 1) // query_chunk
        for i in prange(n_q, schedule='static', num_threads=n_threads):
            write_augmented_row(query + (q0 + i) * n_features, n_features, center, 1.0,
                                shrink, slack, True, query_rows + i * width)
        reset_heap(keys, idx, n_q * n_candidates)
        r0 = 0
        while r0 < n_reference:
            n_r = min(ref_super, n_reference - r0)
            for i in prange(n_r, schedule='static', num_threads=n_threads):
                write_augmented_row(reference + (r0 + i) * n_features, n_features, center,
                                    -2.0, shrink, slack, False, ref_rows + i * width)
            n_sub = (n_r + ref_chunk - 1) // ref_chunk
            with parallel(num_threads=n_threads):
                bounds = <gemm_t*>malloc(query_chunk * ref_chunk * sizeof(gemm_t))
                # Each thread owns whole query chunks: every heap sees the
                # references in the same increasing order, whatever the split.
                for chunk in prange(n_chunks, schedule='static', chunksize=1):
                    c0 = chunk * query_chunk
                    c_rows = min(query_chunk, n_q - c0)
                    for sub in range(n_sub):
                        t = min(ref_chunk, n_r - sub * ref_chunk)
                        gemm_cross(ref_rows + sub * ref_chunk * width,
                                   query_rows + c0 * width, bounds, <int>t,
                                   <int>c_rows, <int>width)
                        scan_products(bounds, c_rows, t, r0 + sub * ref_chunk,
                                      query_in_reference + q0 + c0, n_candidates,
                                      keys + c0 * n_candidates, idx + c0 * n_candidates)
                free(bounds)
            r0 += n_r
        for i in prange(n_q, schedule='static', num_threads=n_threads):
            certify_row(query + (q0 + i) * n_features, reference, n_reference, n_features,
                        query_in_reference[q0 + i], k, n_candidates,
                        keys + i * n_candidates, idx + i * n_candidates,
                        out_indices + (q0 + i) * k, out_distances + (q0 + i) * k,
                        out_failed + q0 + i)
        q0 += n_q
    free(query_rows)
    free(ref_rows)
    free(keys)
    free(idx)


def knn_gemm(const data_t[:, ::1] query, const data_t[:, ::1] reference,
             const intp_t[::1] query_in_reference, const float64_t[::1] center,
             intp_t n_candidates, bint single_precision, float64_t margin,
             float64_t slack, intp_t[:, ::1] out_indices,
             float64_t[:, ::1] out_distances, unsigned char[::1] out_failed,
             int n_threads, intp_t query_chunk, intp_t ref_chunk):
    """Exact k-NN through GEMM candidate selection (see the module docstring).

    ``margin`` is the relative rounding bound of the chosen GEMM precision and
    ``slack`` an absolute one; ``out_failed[i]`` is set for rows the caller must
    redo on a stricter path. Needs ``k <= n_candidates`` and ``n_candidates`` not
    above the number of eligible references of any row.
    """
    cdef intp_t n_query = query.shape[0], n_reference = reference.shape[0]
    cdef intp_t n_features = query.shape[1], k = out_indices.shape[1]
    cdef float64_t shrink = 1.0 - margin
    if n_query == 0 or k == 0:
        return
    with nogil:
        if single_precision:
            gemm_all_chunks(&query[0, 0], n_query, &reference[0, 0], n_reference,
                            n_features, &query_in_reference[0], &center[0], shrink,
                            slack, k, n_candidates, query_chunk, ref_chunk, n_threads,
                            &out_indices[0, 0], &out_distances[0, 0], &out_failed[0],
                            <float32_t*>NULL)
        else:
            gemm_all_chunks(&query[0, 0], n_query, &reference[0, 0], n_reference,
                            n_features, &query_in_reference[0], &center[0], shrink,
                            slack, k, n_candidates, query_chunk, ref_chunk, n_threads,
                            &out_indices[0, 0], &out_distances[0, 0], &out_failed[0],
                            <float64_t*>NULL)


cdef inline float64_t exact_sqdist_sparse(
    const data_t* a_data, const index_t* a_cols, intp_t a_len,
    const data_t* b_data, const index_t* b_cols, intp_t b_len,
) noexcept nogil:
    """The dense ``exact_sqdist`` on two rows with sorted column indices: columns
    where both rows are zero add exactly 0.0, so skipping them changes nothing."""
    cdef intp_t p = 0, q = 0
    cdef float64_t acc = 0.0, diff
    while p < a_len or q < b_len:
        if q >= b_len or (p < a_len and a_cols[p] < b_cols[q]):
            diff = <float64_t>a_data[p]
            p += 1
        elif p >= a_len or b_cols[q] < a_cols[p]:
            diff = -<float64_t>b_data[q]
            q += 1
        else:
            diff = <float64_t>a_data[p] - <float64_t>b_data[q]
            p += 1
            q += 1
        acc = acc + diff * diff
    return acc


def knn_csr_direct(const data_t[::1] query_data, const index_t[::1] query_indices,
                   const index_t[::1] query_indptr, const data_t[::1] ref_data,
                   const index_t[::1] ref_indices, const index_t[::1] ref_indptr,
                   const intp_t[::1] query_in_reference, intp_t[:, ::1] out_indices,
                   float64_t[:, ::1] out_distances, int n_threads):
    """Exact k-NN of CSR rows (canonical: sorted, no duplicates) against CSR rows."""
    cdef intp_t n_query = query_indptr.shape[0] - 1
    cdef intp_t n_reference = ref_indptr.shape[0] - 1
    cdef intp_t k = out_indices.shape[1], i, j, self_index
    cdef float64_t dist
    cdef float64_t* keys
    cdef intp_t* idx
    if n_query == 0 or k == 0:
        return
    with nogil:
        for i in prange(n_query, schedule='static', num_threads=n_threads):
            keys = &out_distances[i, 0]
            idx = &out_indices[i, 0]
            self_index = query_in_reference[i]
            reset_heap(keys, idx, k)
            for j in range(n_reference):
                if j == self_index:
                    continue
                dist = exact_sqdist_sparse(
                    &query_data[0] + query_indptr[i], &query_indices[0] + query_indptr[i],
                    query_indptr[i + 1] - query_indptr[i],
                    &ref_data[0] + ref_indptr[j], &ref_indices[0] + ref_indptr[j],
                    ref_indptr[j + 1] - ref_indptr[j])
                if dist < keys[0] or (dist == keys[0] and j < idx[0]):
                    heap_replace_root(keys, idx, k, dist, j)
            sort_pairs(keys, idx, k)
