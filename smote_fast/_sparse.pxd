"""The merge of two CSR rows with sorted, distinct column indices: the one loop
behind the exact sparse distance (``_distances``) and the synthetic CSR rows
(``_interpolate``), so both visit columns the same way."""

from ._typedefs cimport data_t, index_t, intp_t


cdef inline index_t merge_step(const data_t* a_data, const index_t* a_cols, intp_t* p,
                               intp_t a_end, const data_t* b_data, const index_t* b_cols,
                               intp_t* q, intp_t b_end, data_t* a_value,
                               data_t* b_value) noexcept nogil:
    """One column of the merge: the next column stored in either row, with both
    rows' values there (0 for a row that stores none), advancing past it.
    Call while ``p[0] < a_end or q[0] < b_end``."""
    cdef index_t column
    if q[0] >= b_end or (p[0] < a_end and a_cols[p[0]] < b_cols[q[0]]):
        column = a_cols[p[0]]
        a_value[0] = a_data[p[0]]
        b_value[0] = 0
        p[0] += 1
    elif p[0] >= a_end or b_cols[q[0]] < a_cols[p[0]]:
        column = b_cols[q[0]]
        a_value[0] = 0
        b_value[0] = b_data[q[0]]
        q[0] += 1
    else:
        column = a_cols[p[0]]
        a_value[0] = a_data[p[0]]
        b_value[0] = b_data[q[0]]
        p[0] += 1
        q[0] += 1
    return column
