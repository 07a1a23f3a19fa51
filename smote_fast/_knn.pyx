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

from ._heap cimport heap_replace_root, sort_pairs
from ._typedefs cimport float32_t, float64_t, intp_t

ctypedef fused data_t:
    float32_t
    float64_t

ctypedef fused gemm_t:
    float32_t
    float64_t

ctypedef fused index_t:
    int32_t
    int64_t

# Marks an empty heap slot; larger than any row index, so real rows displace it.
cdef intp_t NO_INDEX = <intp_t>((<size_t>-1) >> 1)


cdef inline float64_t exact_sqdist(const data_t* a, const data_t* b,
                                   intp_t n_features) noexcept nogil:
    cdef float64_t acc = 0.0, diff
    cdef intp_t f
    for f in range(n_features):
        diff = <float64_t>a[f] - <float64_t>b[f]
        acc = acc + diff * diff
    return acc


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


cdef inline void gemm_cross(const float32_t* ref_block, const float32_t* query_block,
                            float32_t* products, int n_ref, int n_query,
                            int n_features) noexcept nogil:
    cdef char trans_a = b'T', trans_b = b'N'
    cdef float32_t one = 1.0, zero = 0.0
    sgemm(&trans_a, &trans_b, &n_ref, &n_query, &n_features, &one,
          <float32_t*>ref_block, &n_features, <float32_t*>query_block, &n_features,
          &zero, products, &n_ref)


cdef inline void dgemm_cross(const float64_t* ref_block, const float64_t* query_block,
                             float64_t* products, int n_ref, int n_query,
                             int n_features) noexcept nogil:
    cdef char trans_a = b'T', trans_b = b'N'
    cdef float64_t one = 1.0, zero = 0.0
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


cdef void gemm_query_chunk(
    const data_t* query, const data_t* reference, intp_t n_reference,
    intp_t n_features, intp_t chunk_start, intp_t chunk_rows,
    const intp_t* query_in_reference, const float64_t* center,
    float64_t shrink, float64_t slack, intp_t k, intp_t n_candidates,
    intp_t ref_chunk, gemm_t* query_block, gemm_t* ref_block, gemm_t* bounds,
    float64_t* keys, intp_t* idx, intp_t* out_indices, float64_t* out_distances,
    unsigned char* out_failed,
) noexcept nogil:
    cdef intp_t ii, jj, t, r0, n_block, self_index, eligible
    cdef intp_t width = n_features + 2
    cdef float64_t largest_bound
    cdef gemm_t threshold
    cdef gemm_t* row_bounds
    cdef float64_t* row_keys
    cdef intp_t* row_idx

    for ii in range(chunk_rows):
        write_augmented_row(query + (chunk_start + ii) * n_features, n_features, center,
                            1.0, shrink, slack, True, query_block + ii * width)
    reset_heap(keys, idx, chunk_rows * n_candidates)

    r0 = 0
    while r0 < n_reference:
        n_block = min(ref_chunk, n_reference - r0)
        # Conversion per block keeps memory bounded; it costs 1/chunk_rows of the GEMM.
        for jj in range(n_block):
            write_augmented_row(reference + (r0 + jj) * n_features, n_features, center,
                                -2.0, shrink, slack, False, ref_block + jj * width)
        if gemm_t is float32_t:
            gemm_cross(ref_block, query_block, bounds, <int>n_block,
                       <int>chunk_rows, <int>width)
        else:
            dgemm_cross(ref_block, query_block, bounds, <int>n_block,
                        <int>chunk_rows, <int>width)
        for ii in range(chunk_rows):
            row_keys = keys + ii * n_candidates
            row_idx = idx + ii * n_candidates
            row_bounds = bounds + ii * n_block
            self_index = query_in_reference[chunk_start + ii] - r0
            # Heap keys are GEMM values widened to float64: this cast is exact.
            threshold = <gemm_t>row_keys[0]
            for jj in range(n_block):
                # Strict: references arrive in increasing index (see direct_row).
                if row_bounds[jj] < threshold and jj != self_index:
                    heap_replace_root(row_keys, row_idx, n_candidates,
                                      <float64_t>row_bounds[jj], r0 + jj)
                    threshold = <gemm_t>row_keys[0]
        r0 += n_block

    for ii in range(chunk_rows):
        row_keys = keys + ii * n_candidates
        row_idx = idx + ii * n_candidates
        self_index = query_in_reference[chunk_start + ii]
        eligible = n_reference - (1 if 0 <= self_index < n_reference else 0)
        largest_bound = row_keys[0]
        out_failed[chunk_start + ii] = 0
        for t in range(n_candidates):
            if row_idx[t] == NO_INDEX:
                # Non-finite bounds (overflow in the GEMM precision): redo exactly.
                out_failed[chunk_start + ii] = 1
                row_keys[t] = INFINITY
            else:
                row_keys[t] = exact_sqdist(query + (chunk_start + ii) * n_features,
                                           reference + row_idx[t] * n_features,
                                           n_features)
        sort_pairs(row_keys, row_idx, n_candidates)
        if n_candidates < eligible and not (largest_bound > row_keys[k - 1]):
            out_failed[chunk_start + ii] = 1
        for t in range(k):
            out_indices[(chunk_start + ii) * k + t] = row_idx[t]
            out_distances[(chunk_start + ii) * k + t] = row_keys[t]


cdef void gemm_all_chunks(
    const data_t* query, intp_t n_query, const data_t* reference, intp_t n_reference,
    intp_t n_features, const intp_t* query_in_reference, const float64_t* center,
    float64_t shrink, float64_t slack, intp_t k, intp_t n_candidates,
    intp_t query_chunk, intp_t ref_chunk, int n_threads,
    intp_t* out_indices, float64_t* out_distances, unsigned char* out_failed,
    gemm_t* precision_tag,
) noexcept nogil:
    cdef intp_t n_chunks = (n_query + query_chunk - 1) // query_chunk
    cdef intp_t width = n_features + 2
    cdef intp_t chunk, chunk_start, chunk_rows
    cdef gemm_t* query_block
    cdef gemm_t* ref_block
    cdef gemm_t* bounds
    cdef float64_t* keys
    cdef intp_t* idx

    with parallel(num_threads=n_threads):
        query_block = <gemm_t*>malloc(query_chunk * width * sizeof(gemm_t))
        ref_block = <gemm_t*>malloc(ref_chunk * width * sizeof(gemm_t))
        bounds = <gemm_t*>malloc(query_chunk * ref_chunk * sizeof(gemm_t))
        keys = <float64_t*>malloc(query_chunk * n_candidates * sizeof(float64_t))
        idx = <intp_t*>malloc(query_chunk * n_candidates * sizeof(intp_t))
        # Each thread owns whole query chunks: no shared state, no order effects.
        for chunk in prange(n_chunks, schedule='static', chunksize=1):
            chunk_start = chunk * query_chunk
            chunk_rows = min(query_chunk, n_query - chunk_start)
            gemm_query_chunk(query, reference, n_reference, n_features, chunk_start,
                             chunk_rows, query_in_reference, center, shrink, slack, k,
                             n_candidates, ref_chunk, query_block, ref_block, bounds,
                             keys, idx, out_indices, out_distances, out_failed)
        free(query_block)
        free(ref_block)
        free(bounds)
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
