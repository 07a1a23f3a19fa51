"""One driver for the k-NN paths that search query by query (direct, CSR,
kd-tree, grid): each path supplies only its per-query search.

The driver runs ``prange`` over the query rows with static scheduling, so each
output row is written by exactly one iteration and results cannot depend on the
split; it allocates each thread's scratch once, before the parallel region (one
block, a cache-line-aligned slice per thread), and reports a failed allocation
instead of running, so that the Python wrapper raises MemoryError after
releasing nogil.

A search is a plain function pointer with a context struct: Cython cannot
specialise a fused function on a type that only a context carries, so a path's
search reads the dtype from its context (one predictable branch per query) and
calls its fused kernel.
"""

from cython.parallel cimport prange
from libc.stdint cimport SIZE_MAX
from libc.stdlib cimport free, malloc

from ._openmp cimport omp_get_thread_num
from ._typedefs cimport float64_t, intp_t

# Search query ``i`` into its output row: ``keys``/``idx`` (k pairs) serve as
# its heap and receive the sorted neighbours; ``scratch`` is this thread's.
ctypedef void (*query_search_t)(const void* context, intp_t i, intp_t k, float64_t* keys,
                                intp_t* idx, char* scratch) noexcept nogil

cdef enum:
    # per-thread slices start on separate cache lines
    SCRATCH_ALIGN = 64


cdef inline void* malloc_array(size_t count, size_t size) noexcept nogil:
    """``malloc(count * size)``, or NULL when the product overflows (and never a
    zero-byte request, whose result may be NULL)."""
    if size != 0 and count > SIZE_MAX // size:
        return NULL
    return malloc(max(count * size, <size_t>1))


cdef inline int search_each_query(query_search_t search, const void* context,
                                  intp_t n_query, intp_t k, intp_t* out_indices,
                                  float64_t* out_distances, size_t scratch_bytes,
                                  int n_threads) noexcept nogil:
    """Run ``search`` for every query row; 0, or -1 (nothing searched) when the
    scratch cannot be allocated."""
    cdef intp_t i
    cdef size_t n_slots = <size_t>max(n_threads, 1)
    cdef size_t stride
    cdef char* scratch
    if scratch_bytes > SIZE_MAX - SCRATCH_ALIGN:
        return -1
    stride = (scratch_bytes + SCRATCH_ALIGN - 1) // SCRATCH_ALIGN * SCRATCH_ALIGN
    scratch = <char*>malloc_array(n_slots, stride)
    if scratch == NULL:
        return -1
    for i in prange(n_query, schedule='static', num_threads=n_threads):
        search(context, i, k, out_distances + i * k, out_indices + i * k,
               scratch + <size_t>omp_get_thread_num() * stride)
    free(scratch)
    return 0
