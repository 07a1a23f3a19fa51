"""What every per-query k-NN loop shares: checked allocation, and per-thread
scratch allocated once per call.

Each path (direct, CSR, kd-tree, grid) writes its own loop, the same three
lines: ``prange`` over the query rows with static scheduling (each output row is
written by exactly one iteration, so results cannot depend on the split), the
row's search called directly, and its scratch from ``thread_slice``. A shared
driver taking the search as a function pointer was tried and measured 2-6%
slower on the direct path's inner loop (the search no longer compiled in the
loop's context), so the loop is repeated and the parts that can go wrong,
allocation and sizing, are written once here.

Scratch is one block with a cache-line-aligned slice per thread, allocated
before the parallel region; NULL means it could not be, and the Python wrapper
raises MemoryError before any search runs.
"""

from libc.stdint cimport SIZE_MAX
from libc.stdlib cimport malloc

from ._openmp cimport omp_get_thread_num

cdef enum:
    # per-thread slices start on separate cache lines
    SCRATCH_ALIGN = 64


cdef inline void* malloc_array(size_t count, size_t size) noexcept nogil:
    """``malloc(count * size)``, or NULL when the product overflows (and never a
    zero-byte request, whose result may be NULL)."""
    if size != 0 and count > SIZE_MAX // size:
        return NULL
    return malloc(max(count * size, <size_t>1))


cdef inline char* thread_scratch(size_t bytes_per_thread, int n_threads,
                                 size_t* stride) noexcept nogil:
    """A block of ``n_threads`` slices of at least ``bytes_per_thread`` bytes
    (``stride[0]`` apart, cache-line aligned), or NULL; free it with ``free``."""
    if bytes_per_thread > SIZE_MAX - SCRATCH_ALIGN:
        return NULL
    stride[0] = (bytes_per_thread + SCRATCH_ALIGN - 1) // SCRATCH_ALIGN * SCRATCH_ALIGN
    return <char*>malloc_array(<size_t>max(n_threads, 1), stride[0])


cdef inline char* thread_slice(char* scratch, size_t stride) noexcept nogil:
    """The calling thread's slice (inside a ``prange`` of at most the
    ``n_threads`` the block was made for)."""
    return scratch + <size_t>omp_get_thread_num() * stride
