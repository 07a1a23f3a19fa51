"""Fixed-width C types shared by the kernels, declared without ``cimport numpy``
so that no kernel touches the NumPy C-API, and the fused types every kernel
specialises on (declared once, so that specialisations match across modules)."""

from libc.stdint cimport int32_t, int64_t

ctypedef float float32_t
ctypedef double float64_t
ctypedef Py_ssize_t intp_t
ctypedef signed char int8_t

# The data: float32 stays float32 end to end.
ctypedef fused data_t:
    float32_t
    float64_t

# CSR column indices and row pointers, as scipy stores them.
ctypedef fused index_t:
    int32_t
    int64_t
