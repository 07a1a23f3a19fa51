"""Synthetic samples written straight into the preallocated output.

Row ``i`` of the block is ``x + (step_i * (z - x))`` with ``x = data[base_i]`` and
``z = data[neighbor_i]``, in imbalanced-learn's operation order and dtypes: the
difference in the data's dtype (optionally scaled, for borderline-2, in float64
and cast back), then the product and the sum as two separately rounded float64
operations, and one cast to the data's dtype at the end. Compiled without
floating-point contraction, this equals numpy bit for bit. The formula is written
once (``synthetic_value``, a C inline function for each dtype) and used by both
writers: the dense one over whole rows, the CSR one over the merge of two rows'
columns (``_sparse.merge_step``), where a column a row does not store is 0.
"""

from cython.parallel cimport prange
from libc.stdint cimport int64_t
from libc.string cimport memcpy

from ._sparse cimport merge_step
from ._typedefs cimport data_t, float32_t, float64_t, index_t, intp_t


cdef extern from *:
    """
    /* The numpy-parity formula, once per dtype T: the difference in T (as
       numpy subtracts two T arrays), the optional borderline-2 scaling in
       double cast back to T, then product and sum as two separately rounded
       double operations (separate statements, and the build forbids
       contraction) and one final cast. Written in C so that the dense row
       loop below inlines it with restrict pointers (the output row overlaps
       neither input), which lets the compiler vectorise without per-row alias
       checks; the CSR writer calls the same function. */
    #define SMOTE_FAST_SYNTHETIC(T, VALUE, ROW)                                  \
    static inline T VALUE(T x, T z, double step, double scale, int scaled) {    \
        T diff = z - x;                                                          \
        if (scaled) diff = (T)((double)diff * scale);                            \
        double product = step * (double)diff;                                    \
        double total = (double)x + product;                                      \
        return (T)total;                                                         \
    }                                                                            \
    static inline void ROW(const T *restrict x, const T *restrict z,             \
                           double step, double scale, int scaled,                \
                           T *restrict out, Py_ssize_t n_features) {             \
        for (Py_ssize_t f = 0; f < n_features; ++f)                              \
            out[f] = VALUE(x[f], z[f], step, scale, scaled);                     \
    }
    SMOTE_FAST_SYNTHETIC(float, smote_fast_synthetic_f32, smote_fast_synthetic_row_f32)
    SMOTE_FAST_SYNTHETIC(double, smote_fast_synthetic_f64, smote_fast_synthetic_row_f64)
    """
    float32_t synthetic_f32 "smote_fast_synthetic_f32"(
        float32_t x, float32_t z, float64_t step, float64_t scale,
        bint scaled) noexcept nogil
    float64_t synthetic_f64 "smote_fast_synthetic_f64"(
        float64_t x, float64_t z, float64_t step, float64_t scale,
        bint scaled) noexcept nogil
    void synthetic_row_f32 "smote_fast_synthetic_row_f32"(
        const float32_t* x, const float32_t* z, float64_t step, float64_t scale,
        bint scaled, float32_t* out, intp_t n_features) noexcept nogil
    void synthetic_row_f64 "smote_fast_synthetic_row_f64"(
        const float64_t* x, const float64_t* z, float64_t step, float64_t scale,
        bint scaled, float64_t* out, intp_t n_features) noexcept nogil


cdef inline data_t synthetic_value(data_t x, data_t z, float64_t step,
                                   float64_t diff_scale, bint scaled) noexcept nogil:
    """The formula for one value, in the data's dtype."""
    if data_t is float32_t:
        return synthetic_f32(x, z, step, diff_scale, scaled)
    else:
        return synthetic_f64(x, z, step, diff_scale, scaled)


def interpolate_dense(const data_t[:, ::1] data, const intp_t[::1] base,
                      const intp_t[::1] neighbor, const float64_t[::1] steps,
                      const float64_t[::1] diff_scale, data_t[:, ::1] out,
                      intp_t out_start, int n_threads, int copy_threads=0):
    """Write ``len(base)`` synthetic rows into ``out[out_start:]``, and first, when
    ``copy_threads`` is positive, copy ``data`` into ``out[:len(data)]`` on that
    many threads (one call instead of two on small inputs, where calls cost).

    ``diff_scale`` is empty (no scaling) or holds one factor per synthetic row.
    """
    if copy_threads > 0 and data.shape[0] and data.shape[1]:
        with nogil:
            copy_row_blocks(&data[0, 0], &out[0, 0], data.shape[0], data.shape[1],
                            copy_threads)
    cdef intp_t n_new = base.shape[0], n_features = data.shape[1], i
    cdef bint scaled = diff_scale.shape[0] > 0
    cdef float64_t step, scale
    cdef const data_t* rows
    cdef const data_t* x
    cdef const data_t* z
    cdef data_t* row
    if n_new == 0 or n_features == 0:
        return
    rows = &data[0, 0]
    with nogil:
        for i in prange(n_new, schedule='static', num_threads=n_threads):
            x = rows + base[i] * n_features
            z = rows + neighbor[i] * n_features
            row = &out[out_start + i, 0]
            step = steps[i]
            scale = diff_scale[i] if scaled else 1.0
            if data_t is float32_t:
                synthetic_row_f32(x, z, step, scale, scaled, row, n_features)
            else:
                synthetic_row_f64(x, z, step, scale, scaled, row, n_features)


def csr_synthetic_rows(const data_t[::1] data, const index_t[::1] indices,
                       const index_t[::1] indptr, const intp_t[::1] base,
                       const intp_t[::1] neighbor, const float64_t[::1] steps,
                       const float64_t[::1] diff_scale, int64_t[::1] row_nnz,
                       data_t[::1] out_data, index_t[::1] out_indices, bint counting,
                       int n_threads):
    """Synthetic CSR rows in two passes over the same merge.

    ``counting=True``: store in ``row_nnz[i]`` how many values row ``i`` keeps (zeros
    are not stored; ``out_data``/``out_indices`` may be empty). ``counting=False``:
    ``row_nnz`` holds each row's start offset; write values and sorted columns.
    """
    cdef intp_t n_new = base.shape[0], i, p, q, p_end, q_end, written
    cdef bint scaled = diff_scale.shape[0] > 0
    cdef float64_t scale = 1.0
    cdef data_t x, z, value
    cdef index_t column
    cdef const data_t* values
    cdef const index_t* columns
    if n_new == 0:
        return
    # Empty arrays (no stored values at all) have no element to point at.
    values = &data[0] if data.shape[0] else NULL
    columns = &indices[0] if indices.shape[0] else NULL
    with nogil:
        for i in prange(n_new, schedule='static', num_threads=n_threads):
            if scaled:
                scale = diff_scale[i]
            p = indptr[base[i]]
            p_end = indptr[base[i] + 1]
            q = indptr[neighbor[i]]
            q_end = indptr[neighbor[i] + 1]
            written = 0
            # Assigned here so that Cython makes them thread-private: the merge
            # writes them only through pointers.
            x = 0
            z = 0
            while p < p_end or q < q_end:
                column = merge_step(values, columns, &p, p_end, values, columns, &q, q_end,
                                    &x, &z)
                value = synthetic_value(x, z, steps[i], scale, scaled)
                if value != 0:
                    if not counting:
                        out_data[row_nnz[i] + written] = value
                        out_indices[row_nnz[i] + written] = column
                    written = written + 1
            if counting:
                row_nnz[i] = written


def resolve_pairs(const int64_t[::1] flat, const intp_t[:, ::1] neighbors,
                  const intp_t[::1] base_rows, const intp_t[::1] neighbor_rows,
                  intp_t[::1] out_base, intp_t[::1] out_neighbor):
    """Turn imbalanced-learn's drawn flat indices into the table of neighbours
    (row ``flat // k``, column ``flat % k``) into rows of the full data set:
    ``base_rows`` maps table rows, ``neighbor_rows`` maps neighbour indices."""
    cdef intp_t n = flat.shape[0], k = neighbors.shape[1], i, row, column
    cdef float64_t inverse_k = 1.0 / k
    with nogil:
        for i in range(n):
            # flat // k through a floating reciprocal (an integer division costs
            # more than the rest of the loop), corrected to the exact quotient.
            row = <intp_t>(<float64_t>flat[i] * inverse_k)
            column = flat[i] - row * k
            if column < 0:
                row -= 1
                column += k
            elif column >= k:
                row += 1
                column -= k
            out_base[i] = base_rows[row]
            out_neighbor[i] = neighbor_rows[neighbors[row, column]]


cdef void copy_row_blocks(const data_t* source, data_t* out, intp_t n_rows,
                          intp_t n_features, int n_threads) noexcept nogil:
    """``out[:n_rows] = source`` in one contiguous block per thread: on a fresh
    output most of the cost is first-touch page faults, which then spread over
    threads."""
    cdef intp_t n_blocks = max(1, min(n_threads, n_rows))
    cdef intp_t block = (n_rows + n_blocks - 1) // n_blocks, t, start, stop
    if n_rows == 0 or n_features == 0:
        return
    for t in prange(n_blocks, schedule='static', num_threads=n_threads):
        start = t * block
        stop = min(n_rows, start + block)
        if stop > start:
            memcpy(out + start * n_features, source + start * n_features,
                   (stop - start) * n_features * sizeof(data_t))


def copy_rows(const data_t[:, ::1] source, data_t[:, ::1] out, int n_threads):
    """``out[:len(source)] = source`` (see ``copy_row_blocks``)."""
    if source.shape[0] == 0 or source.shape[1] == 0:
        return
    with nogil:
        copy_row_blocks(&source[0, 0], &out[0, 0], source.shape[0], source.shape[1],
                        n_threads)
