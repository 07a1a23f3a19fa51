"""Exact k nearest neighbours under the squared Euclidean distance.

Every path ranks references by (exact squared distance, row index), where the
exact distance is the float64 sum, in feature order, of squared float64
differences; a query that is itself a reference row is excluded by its index.
Results therefore never depend on chunk sizes, thread counts or the path taken.

* ``knn_direct`` computes exact distances to every reference. It is the path for
  low dimensions and the final fallback of the GEMM path.
* ``knn_gemm`` handles one chunk of queries per thread. A register-tiled
  product (``_candidate_tile.h``, float32 or float64) gives the cross term of
  ||q||^2 - 2 q.r + ||r||^2 on centred data; subtracting a rigorous bound of
  every rounding involved turns it into a lower bound of the exact distance, and
  the threshold test runs on the tile while it is in registers, so the bounds
  never reach memory (measured 2-3x faster than a BLAS GEMM into a buffer
  followed by a scan, at 20 to 512 features). The ``n_candidates`` smallest
  bounds are kept, their exact distances recomputed and sorted; a row is
  accepted only when the largest kept bound exceeds its k-th exact distance, so
  no reference left out can belong to its k nearest. Rejected rows (near-ties,
  extreme offsets) are flagged for the caller to redo on a stricter path.
* ``knn_gemm_pairs`` is ``knn_gemm``'s float32 pass for the self-search of every
  row: each pair of row blocks is visited once and each bound offered to both
  rows' heaps (``_candidate_tile.h``'s pair tile tests both rows' thresholds).
* ``knn_csr_direct`` is the exact path for CSR data; merging the sorted column
  indices of two rows reproduces the dense sum bit for bit.

The direct and CSR paths run one ``prange`` iteration per query row (static
schedule) and need no scratch: each row's heap is its output row. The GEMM path
keeps its own chunked structure (whole query chunks per thread). A kernel whose
allocation fails raises MemoryError and writes nothing useful.
"""

from cython.parallel cimport parallel, prange
from libc.math cimport INFINITY, fabs, nextafter, nextafterf
from libc.stdint cimport uint32_t, uint64_t
from libc.stdlib cimport free
from libc.string cimport memcpy

from ._distances cimport exact_sqdist, exact_sqdist_sparse
from ._heap cimport (NO_INDEX, SORTED_INSERT_MAX_K, heap_replace_root, reset_heap,
                     sort_pairs, sorted_accepts, sorted_insert)
from ._openmp cimport omp_get_thread_num
from ._queries cimport malloc_array
from ._typedefs cimport data_t, float32_t, float64_t, index_t, intp_t

# The precision of the GEMM bounds, chosen per pass (independent of data_t).
ctypedef fused gemm_t:
    float32_t
    float64_t


cdef enum:
    # references whose distances to one query are computed together
    DISTANCE_BLOCK = 64


cdef inline void block_distances(const data_t* query_row, const data_t* rows,
                                 intp_t n_rows, intp_t n_features,
                                 float64_t* out) noexcept nogil:
    """``exact_sqdist`` of the query to each of ``n_rows`` consecutive rows, the
    same operations in the same order, feature by feature across the rows (a
    loop the compiler vectorises; per row it would be a short serial sum)."""
    cdef intp_t f, j
    cdef float64_t value, diff
    if n_features > 16:  # long rows: row by row keeps the reads sequential
        for j in range(n_rows):
            out[j] = exact_sqdist(query_row, rows + j * n_features, n_features)
        return
    for j in range(n_rows):
        out[j] = 0.0
    for f in range(n_features):
        value = <float64_t>query_row[f]
        for j in range(n_rows):
            diff = value - <float64_t>rows[j * n_features + f]
            out[j] = out[j] + diff * diff


cdef void direct_row(const data_t* query_row, const data_t* reference,
                     intp_t n_reference, intp_t n_features, intp_t self_index,
                     intp_t k, float64_t* keys, intp_t* idx) noexcept nogil:
    cdef intp_t j, j0, n_block
    cdef float64_t dist, worst = INFINITY
    cdef float64_t block[DISTANCE_BLOCK]
    reset_heap(keys, idx, k)
    if k <= SORTED_INSERT_MAX_K:
        # References arrive in increasing index: the sorted array's rule.
        j0 = 0
        while j0 < n_reference:
            n_block = min(DISTANCE_BLOCK, n_reference - j0)
            block_distances(query_row, reference + j0 * n_features, n_block, n_features,
                            block)
            for j in range(j0, j0 + n_block):
                dist = block[j - j0]
                if not sorted_accepts(dist, worst, idx + k - 1):
                    continue
                if j == self_index:
                    continue
                sorted_insert(keys, idx, k, dist, j)
                worst = keys[k - 1]
            j0 += n_block
        return
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
    query ``i`` (or -1). Returns the largest absolute value of either input, so
    that the caller can tell whether squares may have left float64's range
    without a pass of its own.
    """
    cdef intp_t n_query = query.shape[0], n_reference = reference.shape[0]
    cdef intp_t n_features = query.shape[1], k = out_indices.shape[1]
    cdef float64_t magnitude = max(largest_magnitude(&query[0, 0], n_query * n_features),
                                   largest_magnitude(&reference[0, 0],
                                                     n_reference * n_features))
    cdef intp_t i
    if n_query == 0 or k == 0:
        return magnitude
    with nogil:
        # no scratch: each row's heap is its output row
        for i in prange(n_query, schedule='static', num_threads=n_threads):
            direct_row(&query[i, 0], &reference[0, 0], n_reference, n_features,
                       query_in_reference[i], k, &out_distances[i, 0],
                       &out_indices[i, 0])
    return magnitude


cdef float64_t largest_magnitude(const data_t* values, intp_t n) noexcept nogil:
    cdef intp_t i
    cdef float64_t largest = 0.0, value
    for i in range(n):
        value = fabs(<float64_t>values[i])
        if value > largest:
            largest = value
    return largest


cdef extern from "_candidate_tile.h":
    intp_t PANEL_BYTES "SMOTE_FAST_PANEL_BYTES"
    intp_t MAX_TILE_ROWS "SMOTE_FAST_MAX_TILE_ROWS"
    ctypedef intp_t (*tile_f32_t "smote_fast_tile_f32_t")(
        const float32_t*, const float32_t*, intp_t, const float32_t*,
        intp_t, intp_t*, intp_t*, float32_t*) noexcept nogil
    ctypedef intp_t (*tile_f64_t "smote_fast_tile_f64_t")(
        const float64_t*, const float64_t*, intp_t, const float64_t*,
        intp_t, intp_t*, intp_t*, float64_t*) noexcept nogil
    tile_f32_t pick_tile_f32 "smote_fast_pick_tile_f32"(int widest, intp_t* rows) noexcept nogil
    tile_f64_t pick_tile_f64 "smote_fast_pick_tile_f64"(int widest, intp_t* rows) noexcept nogil
    ctypedef intp_t (*pair_tile_f32_t "smote_fast_pair_tile_f32_t")(
        const float32_t*, const float32_t*, const float32_t*, intp_t, const float32_t*,
        intp_t, const float32_t*, intp_t*, intp_t*, float32_t*) noexcept nogil
    pair_tile_f32_t pick_pair_tile_f32 "smote_fast_pick_pair_tile_f32"(
        int widest, intp_t* rows) noexcept nogil
    intp_t ROW_SIDE_SHIFT "SMOTE_FAST_ROW_SIDE_SHIFT"
    intp_t LANE_SIDE_SHIFT "SMOTE_FAST_LANE_SIDE_SHIFT"

# Widest vector variant of the tile kernel allowed, in bits (tests lower it to
# check every variant the CPU runs against the others).
cdef int widest_tile_variant = 512


def limit_tile_variant(int widest):
    """Use tile kernels of at most ``widest`` bits (512, 256, 0 = portable) from
    now on; returns the previous limit. Results never depend on it."""
    global widest_tile_variant
    previous = widest_tile_variant
    widest_tile_variant = widest
    return previous


cdef inline void write_query_row(const data_t* row, intp_t n_features,
                                 const float64_t* center, float64_t shrink,
                                 float64_t slack, gemm_t* out,
                                 gemm_t* out_norm) noexcept nogil:
    """One centred query row in the bound precision, and its shrunk norm
    ``||q||^2 * shrink - slack`` (the rounding margin, see the module docstring)."""
    cdef intp_t f
    cdef gemm_t value
    cdef float64_t norm = 0.0
    for f in range(n_features):
        value = <gemm_t>(<float64_t>row[f] - center[f])
        norm = norm + <float64_t>value * <float64_t>value
        out[f] = value
    out_norm[0] = <gemm_t>(norm * shrink - slack)


cdef void pack_reference_panel(const data_t* rows, intp_t n_rows, intp_t n_features,
                               const float64_t* center, float64_t shrink,
                               gemm_t* panel) noexcept nogil:
    """Up to one panel of centred reference rows, feature-major: shrunk norms, then
    each feature times -2 (exact). Empty lanes get an infinite norm, so their
    bound is never below any threshold."""
    cdef intp_t width = PANEL_BYTES // sizeof(gemm_t), lane, f
    cdef gemm_t value
    cdef float64_t norm
    for lane in range(width):
        if lane < n_rows:
            norm = 0.0
            for f in range(n_features):
                value = <gemm_t>(<float64_t>rows[lane * n_features + f] - center[f])
                norm = norm + <float64_t>value * <float64_t>value
                panel[(f + 1) * width + lane] = -2 * value
            panel[lane] = <gemm_t>(norm * shrink)
        else:
            for f in range(n_features):
                panel[(f + 1) * width + lane] = 0
            panel[lane] = INFINITY


cdef inline gemm_t partial_threshold(gemm_t threshold, gemm_t query_norm) noexcept nogil:
    """A threshold for partial bounds (without the query norm) that lets through
    every partial bound p with fl(p + query_norm) < threshold: rounding is
    monotone, so p >= threshold - query_norm (exactly) rules that out, and one
    step up from the rounded difference is at least the exact one."""
    if gemm_t is float32_t:
        return nextafterf(threshold - query_norm, INFINITY)
    else:
        return nextafter(threshold - query_norm, INFINITY)


cdef void push_hits(const intp_t* hit_row, const intp_t* hit_ref,
                    const gemm_t* hit_partial, intp_t n_hits, intp_t block_start,
                    const gemm_t* query_norms, const intp_t* self_index,
                    intp_t n_candidates, float64_t* keys, intp_t* idx) noexcept nogil:
    """Complete a tile's hits into bounds and offer them to their rows' heaps.
    The kernel tested them against thresholds from before the call, so each is
    checked against its heap's current root; a row's hits arrive in increasing
    reference index, hence the strict comparison (see direct_row)."""
    cdef intp_t h, row, ref
    cdef gemm_t bound
    cdef float64_t* row_keys
    for h in range(n_hits):
        row = hit_row[h]
        ref = block_start + hit_ref[h]
        row_keys = keys + row * n_candidates
        bound = hit_partial[h] + query_norms[row]
        # Heap keys are bounds widened to float64: the cast back is exact.
        if bound < <gemm_t>row_keys[0] and ref != self_index[row]:
            heap_replace_root(row_keys, idx + row * n_candidates, n_candidates,
                              <float64_t>bound, ref)


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


cdef int gemm_all_chunks(
    const data_t* query, intp_t n_query, const data_t* reference, intp_t n_reference,
    intp_t n_features, const intp_t* query_in_reference, const float64_t* center,
    float64_t shrink, float64_t slack, intp_t k, intp_t n_candidates,
    intp_t query_chunk, intp_t ref_chunk, int n_threads,
    intp_t* out_indices, float64_t* out_distances, unsigned char* out_failed,
    gemm_t* precision_tag,
) noexcept nogil:
    """Every chunk of queries against every reference panel; 0, or -1 when an
    allocation failed (nothing certified: the caller raises)."""
    cdef intp_t width = PANEL_BYTES // sizeof(gemm_t)
    cdef intp_t panel_size = (n_features + 1) * width
    cdef intp_t tile_rows
    cdef tile_f32_t tile_f32 = NULL
    cdef tile_f64_t tile_f64 = NULL
    if gemm_t is float32_t:
        tile_f32 = pick_tile_f32(widest_tile_variant, &tile_rows)
    else:
        tile_f64 = pick_tile_f64(widest_tile_variant, &tile_rows)
    # Panels per kernel call (a block that stays in L2 while every tile of a
    # query chunk streams it), and panels packed at once: packing costs one pass
    # over the references per ``query_super`` queries, in memory of about 8 MiB.
    cdef intp_t block_panels = max(1, (ref_chunk + width - 1) // width)
    cdef intp_t super_panels = block_panels * max(
        1, (8 << 20) // (block_panels * panel_size * <intp_t>sizeof(gemm_t)))
    super_panels = min(super_panels, (n_reference + width - 1) // width)
    # Queries whose candidate heaps live at once: about 32 MiB of them.
    cdef intp_t query_super = max(query_chunk, min(65536, (<intp_t>1 << 25)
                                                   // (n_candidates * 16)))
    cdef intp_t q0, n_q, r0, n_r, p0, n_p, n_p_cap, n_panels, n_chunks
    cdef intp_t chunk, c0, c_rows, t0, t, i, n_hits
    cdef intp_t padded = min(query_super, n_query) + tile_rows
    cdef intp_t n_heaps = min(query_super, n_query)
    # Per-thread tile buffers: thresholds, then hits (rows, references, bounds),
    # one slice per thread of the parallel region, allocated once per call.
    cdef intp_t max_hits = MAX_TILE_ROWS * block_panels * width
    cdef size_t thread_bytes = ((MAX_TILE_ROWS + max_hits) * sizeof(gemm_t)
                                + 2 * max_hits * sizeof(intp_t))
    cdef int n_slots = max(n_threads, 1)
    cdef gemm_t* query_rows = <gemm_t*>malloc_array(padded * n_features, sizeof(gemm_t))
    cdef gemm_t* query_norms = <gemm_t*>malloc_array(padded, sizeof(gemm_t))
    cdef gemm_t* panels = <gemm_t*>malloc_array(super_panels * panel_size, sizeof(gemm_t))
    cdef float64_t* keys = <float64_t*>malloc_array(n_heaps * n_candidates, sizeof(float64_t))
    cdef intp_t* idx = <intp_t*>malloc_array(n_heaps * n_candidates, sizeof(intp_t))
    cdef char* thread_buffers = <char*>malloc_array(n_slots, thread_bytes)
    cdef char* mine
    cdef gemm_t* threshold
    cdef intp_t* hit_row
    cdef intp_t* hit_ref
    cdef gemm_t* hit_bound
    if (query_rows == NULL or query_norms == NULL or panels == NULL or keys == NULL
            or idx == NULL or thread_buffers == NULL):
        free(query_rows)
        free(query_norms)
        free(panels)
        free(keys)
        free(idx)
        free(thread_buffers)
        return -1

    q0 = 0
    while q0 < n_query:
        n_q = min(query_super, n_query - q0)
        n_chunks = (n_q + query_chunk - 1) // query_chunk
        for i in prange(n_q, schedule='static', num_threads=n_threads):
            write_query_row(query + (q0 + i) * n_features, n_features, center, shrink,
                            slack, query_rows + i * n_features, query_norms + i)
        # Rows past the end pad the last tile; their thresholds exclude them.
        for i in range(n_q * n_features, (n_q + tile_rows) * n_features):
            query_rows[i] = 0
        for i in range(n_q, n_q + tile_rows):
            query_norms[i] = 0
        reset_heap(keys, idx, n_q * n_candidates)
        r0 = 0
        while r0 < n_reference:
            n_r = min(super_panels * width, n_reference - r0)
            n_panels = (n_r + width - 1) // width
            for i in prange(n_panels, schedule='static', num_threads=n_threads):
                pack_reference_panel(reference + (r0 + i * width) * n_features,
                                     min(width, n_r - i * width), n_features, center,
                                     shrink, panels + i * panel_size)
            with parallel(num_threads=n_threads):
                mine = thread_buffers + <size_t>omp_get_thread_num() * thread_bytes
                hit_row = <intp_t*>mine
                hit_ref = hit_row + max_hits
                threshold = <gemm_t*>(hit_ref + max_hits)
                hit_bound = threshold + MAX_TILE_ROWS
                # Each thread owns whole query chunks: every heap sees the
                # references in the same increasing order, whatever the split.
                for chunk in prange(n_chunks, schedule='static', chunksize=1):
                    c0 = chunk * query_chunk
                    c_rows = min(query_chunk, n_q - c0)
                    # Thresholds only tighten between calls: while the heaps are
                    # still empty, short blocks keep the hits few.
                    p0 = 0
                    n_p_cap = 1 if r0 == 0 else block_panels
                    while p0 < n_panels:
                        n_p = min(n_p_cap, n_panels - p0)
                        t0 = 0
                        while t0 < c_rows:
                            for t in range(tile_rows):
                                threshold[t] = (
                                    partial_threshold(
                                        <gemm_t>keys[(c0 + t0 + t) * n_candidates],
                                        query_norms[c0 + t0 + t])
                                    if t0 + t < c_rows else -INFINITY)
                            if gemm_t is float32_t:
                                n_hits = tile_f32(
                                    query_rows + (c0 + t0) * n_features, threshold,
                                    n_features,
                                    panels + p0 * panel_size, n_p, hit_row, hit_ref,
                                    hit_bound)
                            else:
                                n_hits = tile_f64(
                                    query_rows + (c0 + t0) * n_features, threshold,
                                    n_features,
                                    panels + p0 * panel_size, n_p, hit_row, hit_ref,
                                    hit_bound)
                            push_hits(hit_row, hit_ref, hit_bound, n_hits,
                                      r0 + p0 * width, query_norms + c0 + t0,
                                      query_in_reference + q0 + c0 + t0, n_candidates,
                                      keys + (c0 + t0) * n_candidates,
                                      idx + (c0 + t0) * n_candidates)
                            t0 = t0 + tile_rows
                        p0 = p0 + n_p
                        n_p_cap = min(2 * n_p_cap, block_panels)
            r0 += n_r
        for i in prange(n_q, schedule='static', num_threads=n_threads):
            certify_row(query + (q0 + i) * n_features, reference, n_reference, n_features,
                        query_in_reference[q0 + i], k, n_candidates,
                        keys + i * n_candidates, idx + i * n_candidates,
                        out_indices + (q0 + i) * k, out_distances + (q0 + i) * k,
                        out_failed + q0 + i)
        q0 += n_q
    free(query_rows)
    free(query_norms)
    free(panels)
    free(keys)
    free(idx)
    free(thread_buffers)
    return 0


# The pairs path's candidate heaps hold one 64-bit word per candidate: the
# float32 bound's bits mapped to an unsigned integer of the same order, then
# the row index, so that integer order is (bound, index) order: half the memory
# of a (float64, intp) pair, and one comparison. Empty slots are all ones.
cdef enum:
    PACKED_INDEX_BITS = 32

cdef uint64_t EMPTY_CANDIDATE = 0xFFFFFFFFFFFFFFFF

cdef inline uint64_t pack_candidate(float32_t bound, intp_t index) noexcept nogil:
    cdef uint32_t bits
    memcpy(&bits, &bound, 4)
    bits = bits ^ (<uint32_t>0xFFFFFFFF if bits >> 31 else <uint32_t>0x80000000)
    return (<uint64_t>bits << PACKED_INDEX_BITS) | <uint64_t>index


cdef inline float32_t candidate_bound(uint64_t packed) noexcept nogil:
    cdef uint32_t bits = <uint32_t>(packed >> PACKED_INDEX_BITS)
    cdef float32_t bound
    if packed == EMPTY_CANDIDATE:
        return INFINITY
    bits = bits ^ (<uint32_t>0x80000000 if bits >> 31 else <uint32_t>0xFFFFFFFF)
    memcpy(&bound, &bits, 4)
    return bound


cdef inline intp_t candidate_index(uint64_t packed) noexcept nogil:
    if packed == EMPTY_CANDIDATE:
        return NO_INDEX
    return <intp_t>(packed & <uint64_t>0xFFFFFFFF)


cdef inline void packed_replace_root(uint64_t* heap, intp_t size,
                                     uint64_t value) noexcept nogil:
    """Put ``value`` in place of the root of the max-heap and sift it down."""
    cdef intp_t pos = 0, child
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size and heap[child + 1] > heap[child]:
            child = child + 1
        if heap[child] <= value:
            break
        heap[pos] = heap[child]
        pos = child
    heap[pos] = value


cdef inline void offer_pair(intp_t row, intp_t ref, float32_t bound, intp_t n_candidates,
                            uint64_t* heaps, float32_t* root) noexcept nogil:
    """Offer (bound, ref) to the candidate heap of ``row`` and keep its float32
    root, the row's threshold in the tile kernel, in step. References reach a
    heap in no particular order here, so ties compare indices in full."""
    cdef uint64_t* heap
    cdef uint64_t value
    if bound > root[row]:  # the compact copy of the root key rules most offers out
        return
    heap = heaps + row * n_candidates
    value = pack_candidate(bound, ref)
    if value < heap[0]:
        packed_replace_root(heap, n_candidates, value)
        root[row] = candidate_bound(heap[0])


cdef void pair_block_task(
        const data_t* X, intp_t n_features, const float64_t* center, float64_t shrink,
        float64_t slack, intp_t row_start, intp_t n_rows, intp_t ref_start, intp_t n_refs,
        bint both_sides, pair_tile_f32_t tile, intp_t tile_rows, intp_t n_candidates,
        uint64_t* heaps, float32_t* root, float32_t* query_rows,
        float32_t* query_norms, float32_t* panels, intp_t* hit_row, intp_t* hit_ref,
        float32_t* hit_bound) noexcept nogil:
    """Bounds of every pair of one block of rows with one block of references,
    each offered to the row's heap and, with ``both_sides``, to the reference's
    (a diagonal block, rows = references, offers one side and skips each row
    itself)."""
    cdef intp_t width = PANEL_BYTES // sizeof(float32_t)
    cdef intp_t panel_size = (n_features + 1) * width
    cdef intp_t n_panels = (n_refs + width - 1) // width
    cdef intp_t padded = ((n_rows + tile_rows - 1) // tile_rows) * tile_rows
    cdef intp_t block_panels = n_panels
    cdef intp_t i, f, p, p0, n_p, n_p_cap, t0, h, n_hits, row, ref
    for i in range(n_rows):
        write_query_row(X + (row_start + i) * n_features, n_features, center, shrink, slack,
                        query_rows + i * n_features, query_norms + i)
    for i in range(n_rows, padded):  # an infinite norm: never below a threshold
        for f in range(n_features):
            query_rows[i * n_features + f] = 0
        query_norms[i] = INFINITY
    for p in range(n_panels):
        pack_reference_panel(X + (ref_start + p * width) * n_features,
                             min(width, n_refs - p * width), n_features, center, shrink,
                             panels + p * panel_size)
    t0 = 0
    while t0 < n_rows:
        # A diagonal block comes first, to empty heaps: short calls until their
        # thresholds are finite keep the hits few (as knn_gemm's first block).
        p0 = 0
        n_p_cap = block_panels if both_sides else 1
        while p0 < n_panels:
            n_p = min(n_p_cap, n_panels - p0)
            n_hits = tile(query_rows + t0 * n_features, query_norms + t0,
                          root + row_start + t0, n_features, panels + p0 * panel_size, n_p,
                          root + ref_start + p0 * width if both_sides else NULL, hit_row,
                          hit_ref, hit_bound)
            for h in range(n_hits):
                row = row_start + t0 + (hit_row[h] & ((1 << ROW_SIDE_SHIFT) - 1))
                ref = ref_start + p0 * width + hit_ref[h]
                if (hit_row[h] >> ROW_SIDE_SHIFT) & 1 and row != ref:
                    offer_pair(row, ref, hit_bound[h], n_candidates, heaps, root)
                if (hit_row[h] >> LANE_SIDE_SHIFT) & 1:
                    offer_pair(ref, row, hit_bound[h], n_candidates, heaps, root)
            p0 = p0 + n_p
            n_p_cap = 2 * n_p_cap
        t0 = t0 + tile_rows


def pairs_scratch_sizes(intp_t n_rows, intp_t n_candidates):
    """Lengths of ``knn_gemm_pairs``' ``heaps`` (uint64) and ``roots`` (float32)."""
    return n_rows * n_candidates, n_rows + max(MAX_TILE_ROWS,
                                               PANEL_BYTES // sizeof(float32_t))


def knn_gemm_pairs(const data_t[:, ::1] X, const float64_t[::1] center,
                   intp_t n_candidates, float64_t margin, float64_t slack,
                   intp_t[:, ::1] out_indices, float64_t[:, ::1] out_distances,
                   unsigned char[::1] out_failed, uint64_t[::1] heaps,
                   float32_t[::1] roots, int n_threads, intp_t block_rows):
    """Exact k-NN of every row of ``X`` among the others, each row excluded by
    index: ``knn_gemm``'s float32 candidate pass and certification with every
    pair of rows bounded once, for both of its rows (half the products).

    The rows are cut into blocks of ``block_rows``. Each block against itself,
    then every pair of blocks, in rounds of a round-robin tournament: the tasks
    of a round touch disjoint blocks, so each heap receives its offers in an
    order fixed by the rounds, never by the threads. ``out_failed`` flags rows
    the caller must redo on a stricter path, as for ``knn_gemm``. At most
    2**32 - 2 rows (the heaps' packed indices). ``heaps`` and ``roots``, the
    candidates and thresholds of every row, come from the caller (sizes from
    ``pairs_scratch_sizes``), so that they are in numpy's accounted memory.
    """
    cdef intp_t n = X.shape[0], n_features = X.shape[1], k = out_indices.shape[1]
    cdef float64_t shrink = 1.0 - margin
    cdef intp_t width = PANEL_BYTES // sizeof(float32_t)
    cdef intp_t panel_size = (n_features + 1) * width
    cdef intp_t tile_rows
    cdef pair_tile_f32_t tile
    cdef intp_t n_blocks, n_teams, n_rounds, rnd, task, a, b, i, t, padding
    cdef intp_t panels_per_block, max_hits, block_padded
    # each thread's slice: hit rows and references, one row's candidates for
    # certification (float64 keys, indices), hit bounds, a packed row block,
    # its norms, a packed reference block
    cdef size_t at_hit_ref, at_keys, at_idx, at_bound, at_rows, at_norms, at_panels
    cdef size_t thread_bytes
    cdef int n_slots = max(n_threads, 1)
    cdef float32_t* root
    cdef char* thread_buffers
    cdef char* mine
    cdef float64_t* keys
    cdef intp_t* idx
    if not k <= n_candidates < n:
        raise ValueError("need k <= n_candidates < number of rows")
    if n >= <intp_t>0xFFFFFFFF:
        raise ValueError("the pairs path takes at most 2**32 - 2 rows")
    if block_rows < 1:
        raise ValueError("block_rows must be positive")
    if n == 0 or k == 0:
        return
    padding = max(MAX_TILE_ROWS, width)
    if heaps.shape[0] != n * n_candidates or roots.shape[0] != n + padding:
        raise ValueError("heaps and roots must have pairs_scratch_sizes() lengths")
    root = &roots[0]
    tile = pick_pair_tile_f32(widest_tile_variant, &tile_rows)
    n_blocks = (n + block_rows - 1) // block_rows
    panels_per_block = (block_rows + width - 1) // width
    max_hits = MAX_TILE_ROWS * panels_per_block * width
    block_padded = block_rows + MAX_TILE_ROWS
    at_hit_ref = max_hits * sizeof(intp_t)
    at_keys = at_hit_ref + max_hits * sizeof(intp_t)
    at_idx = at_keys + n_candidates * sizeof(float64_t)
    at_bound = at_idx + n_candidates * sizeof(intp_t)
    at_rows = at_bound + max_hits * sizeof(float32_t)
    at_norms = at_rows + block_padded * n_features * sizeof(float32_t)
    at_panels = at_norms + block_padded * sizeof(float32_t)
    thread_bytes = at_panels + panels_per_block * panel_size * sizeof(float32_t)
    thread_bytes = (thread_bytes + 63) // 64 * 64  # slices on separate cache lines
    # (The kernel reads thresholds up to a tile or a panel past the last row.)
    thread_buffers = <char*>malloc_array(n_slots, thread_bytes)
    if thread_buffers == NULL:
        raise MemoryError()
    # a round-robin over an even number of teams (a bye when the blocks are odd)
    n_teams = n_blocks + (n_blocks & 1)
    n_rounds = n_teams - 1
    with nogil:
        for i in range(n * n_candidates):
            heaps[i] = EMPTY_CANDIDATE
        for i in range(n):
            root[i] = INFINITY
        for i in range(n, n + padding):
            root[i] = -INFINITY
        # round -1: each block against itself, which also fills the heaps
        # before the first cross-block pairs
        for rnd in range(-1, n_rounds):
            for task in prange(n_blocks if rnd < 0 else n_teams // 2, schedule='static',
                               chunksize=1, num_threads=n_threads):
                if rnd < 0:
                    a = task
                    b = task
                elif task == 0:
                    a = n_teams - 1
                    b = rnd
                else:
                    a = (rnd + task) % n_rounds
                    b = (rnd - task + n_rounds) % n_rounds
                if a < n_blocks and b < n_blocks:
                    mine = thread_buffers + <size_t>omp_get_thread_num() * thread_bytes
                    pair_block_task(
                        &X[0, 0], n_features, &center[0], shrink, slack,
                        a * block_rows, min(block_rows, n - a * block_rows),
                        b * block_rows, min(block_rows, n - b * block_rows), rnd >= 0,
                        tile, tile_rows, n_candidates, &heaps[0], root,
                        <float32_t*>(mine + at_rows), <float32_t*>(mine + at_norms),
                        <float32_t*>(mine + at_panels), <intp_t*>mine,
                        <intp_t*>(mine + at_hit_ref), <float32_t*>(mine + at_bound))
        for i in prange(n, schedule='static', num_threads=n_threads):
            mine = thread_buffers + <size_t>omp_get_thread_num() * thread_bytes
            keys = <float64_t*>(mine + at_keys)
            idx = <intp_t*>(mine + at_idx)
            for t in range(n_candidates):  # the root, the largest bound, first
                keys[t] = candidate_bound(heaps[i * n_candidates + t])
                idx[t] = candidate_index(heaps[i * n_candidates + t])
            certify_row(&X[i, 0], &X[0, 0], n, n_features, i, k, n_candidates, keys, idx,
                        &out_indices[i, 0], &out_distances[i, 0], &out_failed[i])
    free(thread_buffers)


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
    cdef int status
    if not k <= n_candidates <= n_reference:
        raise ValueError("need k <= n_candidates <= number of references")
    if n_query == 0 or k == 0:
        return
    with nogil:
        if single_precision:
            status = gemm_all_chunks(
                &query[0, 0], n_query, &reference[0, 0], n_reference, n_features,
                &query_in_reference[0], &center[0], shrink, slack, k, n_candidates,
                query_chunk, ref_chunk, n_threads, &out_indices[0, 0], &out_distances[0, 0],
                &out_failed[0], <float32_t*>NULL)
        else:
            status = gemm_all_chunks(
                &query[0, 0], n_query, &reference[0, 0], n_reference, n_features,
                &query_in_reference[0], &center[0], shrink, slack, k, n_candidates,
                query_chunk, ref_chunk, n_threads, &out_indices[0, 0], &out_distances[0, 0],
                &out_failed[0], <float64_t*>NULL)
    if status:
        raise MemoryError()


cdef void csr_row(const data_t* query_data, const index_t* query_indices,
                  const index_t* query_indptr, const data_t* ref_data,
                  const index_t* ref_indices, const index_t* ref_indptr,
                  intp_t n_reference, intp_t i, intp_t self_index, intp_t k,
                  float64_t* keys, intp_t* idx) noexcept nogil:
    cdef intp_t j
    cdef float64_t dist
    reset_heap(keys, idx, k)
    for j in range(n_reference):
        if j == self_index:
            continue
        dist = exact_sqdist_sparse(
            query_data + query_indptr[i], query_indices + query_indptr[i],
            query_indptr[i + 1] - query_indptr[i],
            ref_data + ref_indptr[j], ref_indices + ref_indptr[j],
            ref_indptr[j + 1] - ref_indptr[j])
        # increasing index: see direct_row
        if dist < keys[0] or (dist == keys[0] and j < idx[0]):
            heap_replace_root(keys, idx, k, dist, j)
    sort_pairs(keys, idx, k)


def knn_csr_direct(const data_t[::1] query_data, const index_t[::1] query_indices,
                   const index_t[::1] query_indptr, const data_t[::1] ref_data,
                   const index_t[::1] ref_indices, const index_t[::1] ref_indptr,
                   const intp_t[::1] query_in_reference, intp_t[:, ::1] out_indices,
                   float64_t[:, ::1] out_distances, int n_threads):
    """Exact k-NN of CSR rows (canonical: sorted, no duplicates) against CSR rows."""
    cdef intp_t n_query = query_indptr.shape[0] - 1
    cdef intp_t n_reference = ref_indptr.shape[0] - 1
    cdef intp_t k = out_indices.shape[1], i
    # Empty arrays (no stored values at all) have no element to point at.
    cdef const data_t* q_data = &query_data[0] if query_data.shape[0] else NULL
    cdef const index_t* q_cols = &query_indices[0] if query_indices.shape[0] else NULL
    cdef const data_t* r_data = &ref_data[0] if ref_data.shape[0] else NULL
    cdef const index_t* r_cols = &ref_indices[0] if ref_indices.shape[0] else NULL
    if n_query == 0 or k == 0:
        return
    with nogil:
        # no scratch: each row's heap is its output row
        for i in prange(n_query, schedule='static', num_threads=n_threads):
            csr_row(q_data, q_cols, &query_indptr[0], r_data, r_cols, &ref_indptr[0],
                    n_reference, i, query_in_reference[i], k, &out_distances[i, 0],
                    &out_indices[i, 0])
