"""Python-visible facts about the OpenMP runtime the kernels were built with."""

from ._openmp cimport SMOTE_FAST_OPENMP, omp_get_max_threads


def openmp_enabled():
    """Return True when the kernels were compiled with OpenMP support."""
    return bool(SMOTE_FAST_OPENMP)


def omp_max_threads():
    """Threads an OpenMP region may use now (honours OMP_NUM_THREADS and
    threadpoolctl limits); 1 in a serial build."""
    return omp_get_max_threads()
