"""Fixed-width C types shared by the kernels, declared without ``cimport numpy``
so that no kernel touches the NumPy C-API."""

ctypedef float float32_t
ctypedef double float64_t
ctypedef Py_ssize_t intp_t
ctypedef signed char int8_t
