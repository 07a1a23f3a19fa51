"""OpenMP shim: the real runtime when the compiler has it, serial stubs otherwise,
so every kernel compiles and gives the same result either way."""

cdef extern from *:
    """
    #ifdef _OPENMP
    #include <omp.h>
    #define SMOTE_FAST_OPENMP 1
    #else
    #define SMOTE_FAST_OPENMP 0
    static inline int omp_get_thread_num(void) { return 0; }
    static inline int omp_get_max_threads(void) { return 1; }
    #endif
    """
    bint SMOTE_FAST_OPENMP
    int omp_get_thread_num() noexcept nogil
    int omp_get_max_threads() noexcept nogil
