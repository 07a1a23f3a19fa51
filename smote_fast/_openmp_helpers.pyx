"""Python-visible facts about the OpenMP runtime the kernels were built with."""

from cython.parallel cimport parallel

from ._openmp cimport SMOTE_FAST_OPENMP, omp_get_max_threads, omp_get_thread_num


def openmp_enabled():
    """Return True when the kernels were compiled with OpenMP support."""
    return bool(SMOTE_FAST_OPENMP)


def omp_max_threads():
    """Threads an OpenMP region may use now (honours OMP_NUM_THREADS and
    threadpoolctl limits); 1 in a serial build."""
    return omp_get_max_threads()


def distinct_threads(int n_threads):
    """Run a parallel region asking for ``n_threads`` threads, as the kernels do,
    and return how many distinct threads actually ran it (1 in a serial build).
    Tests use it to prove that a multi-thread run was not silently serial."""
    if n_threads < 1:
        raise ValueError(f"n_threads must be >= 1, got {n_threads}")
    cdef unsigned char[::1] seen = bytearray(n_threads)
    cdef int thread
    with nogil, parallel(num_threads=n_threads):
        thread = omp_get_thread_num()
        if thread < n_threads:
            seen[thread] = 1
    return sum(seen)
