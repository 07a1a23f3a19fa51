"""Executes a resampling plan on one machine: the original rows followed by every
block's synthetic rows, in one allocation.

Dense float32/float64 X: the interpolation kernel copies X into the output and
writes the synthetic rows in place. Integer X: differences in float64 (no
wrap-around), truncated toward zero on assignment as imbalanced-learn's final
``astype``. float16: numpy's own float16 arithmetic in imbalanced-learn's order.
CSR (and CSC, converted by ``ResampleData``): the synthetic rows are counted,
then written into arrays allocated once.
"""

import numpy as np
from scipy import sparse

from . import _interpolate

_EMPTY_SCALE = np.empty(0, dtype=np.float64)
# Synthetic rows per pass where a temporary is unavoidable (integer and float16 X).
_TEMPORARY_ROWS = 65536
_BOOL_MESSAGE = ("numpy boolean subtract, the `-` operator, is not supported, use the "
                 "bitwise_xor, the `^` operator, or the logical_xor function instead.")


def assemble(data, plan):
    """``(X_out, y_out)`` for a finalized ``plan`` over ``data`` (a ResampleData):
    numpy or scipy.sparse, in X's format and dtype."""
    X, n_samples = data.X, data.X.shape[0]
    n_new = len(plan.base)
    y_out = np.empty(n_samples + n_new, dtype=data.y.dtype)
    y_out[:n_samples] = data.y
    offset = n_samples
    for block in plan.blocks:
        y_out[offset:offset + len(block)] = block.label
        offset += len(block)
    if n_new and X.dtype == np.bool_:
        raise TypeError(_BOOL_MESSAGE)
    if type(X) is not np.ndarray and sparse.issparse(X):
        X_out = _assemble_csr(X, plan, data)
        if data.csc_input:
            X_out = X_out.tocsc()
    else:
        X_out = _assemble_dense(X, plan, data)
    _run_post_steps(X_out, plan, n_samples)
    return X_out, y_out


def _run_post_steps(X_out, plan, offset):
    for block in plan.blocks:
        if block.post_step is not None:
            block.post_step(X_out, offset, offset + len(block), block)
        offset += len(block)


def _assemble_dense(X, plan, data):
    n_samples, n_new = X.shape[0], len(plan.base)
    X_out = np.empty((n_samples + n_new, X.shape[1]), dtype=X.dtype)
    if X.dtype not in (np.float32, np.float64):
        X_out[:n_samples] = X
        _write_by_numpy(X, plan, X_out, n_samples)
        return X_out
    # One kernel call copies X and writes every synthetic row (calls cost on small
    # inputs; measured by benchmarks/bench_small_call.py).
    scale = _EMPTY_SCALE if plan.diff_scale is None else plan.diff_scale
    _interpolate.interpolate_dense(X, plan.base, plan.neighbor, plan.steps, scale, X_out,
                                   n_samples, data.threads_for(n_new * X.shape[1]),
                                   data.threads_for(X.size))
    return X_out


def _write_by_numpy(X, plan, X_out, offset):
    """Integer and float16 X, in bounded passes."""
    for start in range(0, len(plan.base), _TEMPORARY_ROWS):
        stop = min(start + _TEMPORARY_ROWS, len(plan.base))
        base, neighbor = plan.base[start:stop], plan.neighbor[start:stop]
        steps = plan.steps[start:stop, None]
        scale = None if plan.diff_scale is None else plan.diff_scale[start:stop, None]
        if X.dtype == np.float16:
            diff = X[neighbor] - X[base]
            if scale is not None:
                diff *= scale
            X_out[offset + start:offset + stop] = X[base] + steps * diff
        else:
            origin = X[base].astype(np.float64)
            diff = X[neighbor].astype(np.float64) - origin
            if scale is not None:
                diff *= scale
            X_out[offset + start:offset + stop] = origin + steps * diff


def _assemble_csr(csr, plan, resample_data):
    data = csr.data
    if data.dtype not in (np.float32, np.float64):
        data = data.astype(np.float64)
    n_new = len(plan.base)
    scale = _EMPTY_SCALE if plan.diff_scale is None else plan.diff_scale
    index_dtype = np.int64 if csr.nnz + n_new * csr.shape[1] > np.iinfo(np.int32).max \
        else csr.indices.dtype
    indices = csr.indices.astype(index_dtype, copy=False)
    indptr = csr.indptr.astype(index_dtype, copy=False)
    n_threads = resample_data.threads_for(n_new * max(csr.nnz // max(csr.shape[0], 1), 1))
    row_nnz = np.empty(n_new, dtype=np.int64)
    empty_data = np.empty(0, dtype=data.dtype)
    empty_indices = np.empty(0, dtype=index_dtype)
    _interpolate.csr_synthetic_rows(data, indices, indptr, plan.base, plan.neighbor,
                                    plan.steps, scale, row_nnz, empty_data, empty_indices,
                                    True, n_threads)
    starts = np.empty(n_new, dtype=np.int64)
    if n_new:
        np.cumsum(row_nnz[:-1], out=starts[1:])
        starts[0] = 0
    n_synthetic = int(row_nnz.sum())
    out_data = np.empty(csr.nnz + n_synthetic, dtype=data.dtype)
    out_indices = np.empty(csr.nnz + n_synthetic, dtype=index_dtype)
    out_data[:csr.nnz] = data
    out_indices[:csr.nnz] = indices
    _interpolate.csr_synthetic_rows(data, indices, indptr, plan.base, plan.neighbor,
                                    plan.steps, scale, starts + csr.nnz, out_data,
                                    out_indices, False, n_threads)
    out_indptr = np.empty(csr.shape[0] + n_new + 1, dtype=index_dtype)
    out_indptr[:csr.shape[0] + 1] = indptr
    out_indptr[csr.shape[0] + 1:] = csr.nnz + np.cumsum(row_nnz)
    matrix_class = sparse.csr_array if isinstance(csr, sparse.sparray) else sparse.csr_matrix
    return matrix_class((out_data.astype(csr.dtype, copy=False), out_indices, out_indptr),
                        shape=(csr.shape[0] + n_new, csr.shape[1]))
