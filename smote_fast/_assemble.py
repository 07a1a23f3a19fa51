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
_BOOL_MESSAGE = (
    "numpy boolean subtract, the `-` operator, is not supported, use the "
    "bitwise_xor, the `^` operator, or the logical_xor function instead."
)


def assemble(data, plan):
    """``(X_out, y_out)`` for a finalized ``plan`` over ``data`` (a ResampleData):
    numpy or scipy.sparse, in X's format and dtype."""
    if plan.kept is not None:
        return _assemble_kept(data, plan)
    X, n_samples = data.X, data.X.shape[0]
    n_new = len(plan.base)
    y_out = np.empty(n_samples + n_new, dtype=data.y.dtype)
    y_out[:n_samples] = data.y
    offset = n_samples
    for block in plan.blocks:
        y_out[offset : offset + len(block)] = block.label
        offset += len(block)
    if X.dtype == np.bool_ and any(not block.copies and len(block) for block in plan.blocks):
        raise TypeError(_BOOL_MESSAGE)
    if type(X) is not np.ndarray and sparse.issparse(X):
        X_out = _assemble_csr(X, plan, data)
        if data.csc_input:
            X_out = X_out.tocsc()
    else:
        X_out = _assemble_dense(X, plan, data)
    _run_post_steps(X_out, plan, n_samples)
    return X_out, y_out


def _assemble_kept(data, plan):
    """A subset of the original rows (cleaning samplers: no synthetic rows)."""
    if plan.blocks:
        raise NotImplementedError("a plan keeps a subset of rows or adds rows, not both")
    X_out = data.X[plan.kept]
    if data.csc_input:
        X_out = X_out.tocsc()
    return X_out, data.y[plan.kept]


def _run_post_steps(X_out, plan, offset):
    for block in plan.blocks:
        if block.post_step is not None:
            block.post_step(X_out, offset, offset + len(block), block)
        offset += len(block)


def _assemble_dense(X, plan, data):
    n_samples, n_new = X.shape[0], len(plan.base)
    X_out = np.empty((n_samples + n_new, X.shape[1]), dtype=X.dtype)
    floating = X.dtype in (np.float32, np.float64)
    if floating and not any(block.copies for block in plan.blocks):
        # One kernel call copies X and writes every synthetic row (calls cost on
        # small inputs; measured by benchmarks/bench_small_call.py).
        _interpolate.interpolate_dense(
            X,
            plan.base,
            plan.neighbor,
            plan.steps,
            _scale(plan),
            X_out,
            n_samples,
            data.threads_for(n_new * X.shape[1]),
            data.threads_for(X.size),
        )
        return X_out
    if floating:
        _interpolate.copy_rows(X, X_out, data.threads_for(X.size))
    else:
        X_out[:n_samples] = X
    offset = n_samples
    for block in plan.blocks:
        if block.copies:
            _write_copies(X, block, X_out, offset)
        elif floating:
            _interpolate.interpolate_dense(
                X,
                block.base,
                block.neighbor,
                block.steps,
                _scale(block),
                X_out,
                offset,
                data.threads_for(len(block) * X.shape[1]),
            )
        else:
            _write_by_numpy(X, block, X_out, offset)
        offset += len(block)
    return X_out


def _scale(rows):
    return _EMPTY_SCALE if rows.diff_scale is None else rows.diff_scale


def _chunks(n_rows):
    for start in range(0, n_rows, _TEMPORARY_ROWS):
        yield start, min(start + _TEMPORARY_ROWS, n_rows)


def _write_copies(X, block, X_out, offset):
    """Copied rows, gathered straight into the output (any dtype); perturbed
    ones in bounded passes."""
    if block.perturbation is None:
        # mode="clip": numpy buffers the whole gather with the default "raise";
        # the rows are valid row numbers of X, so clipping changes none
        np.take(X, block.base, axis=0, out=X_out[offset : offset + len(block)], mode="clip")
        return
    for start, stop in _chunks(len(block)):
        rows = X[block.base[start:stop]].astype(np.float64) + block.perturbation[start:stop]
        X_out[offset + start : offset + stop] = rows


def _write_by_numpy(X, block, X_out, offset):
    """Interpolated rows of integer and float16 X, in bounded passes."""
    for start, stop in _chunks(len(block)):
        base, neighbor = block.base[start:stop], block.neighbor[start:stop]
        steps = block.steps[start:stop, None]
        scale = None if block.diff_scale is None else block.diff_scale[start:stop, None]
        if X.dtype == np.float16:
            diff = X[neighbor] - X[base]
            if scale is not None:
                diff *= scale
            X_out[offset + start : offset + stop] = X[base] + steps * diff
        else:
            origin = X[base].astype(np.float64)
            diff = X[neighbor].astype(np.float64) - origin
            if scale is not None:
                diff *= scale
            X_out[offset + start : offset + stop] = origin + steps * diff


def _assemble_csr(csr, plan, resample_data):
    """Synthetic CSR rows counted, then written into arrays allocated once."""
    data = csr.data
    if data.dtype not in (np.float32, np.float64) and not all(
        block.copies for block in plan.blocks
    ):
        data = data.astype(np.float64)
    n_samples, n_new = csr.shape[0], len(plan.base)
    index_dtype = _output_index_dtype(csr, plan)
    indices = csr.indices.astype(index_dtype, copy=False)
    indptr = csr.indptr.astype(index_dtype, copy=False)
    n_threads = resample_data.threads_for(n_new * max(csr.nnz // max(n_samples, 1), 1))
    row_nnz = np.empty(n_new, dtype=np.int64)
    empty_data = np.empty(0, dtype=data.dtype)
    empty_indices = np.empty(0, dtype=index_dtype)
    offset = 0
    for block in plan.blocks:
        rows = slice(offset, offset + len(block))
        if block.copies:
            row_nnz[rows] = indptr[block.base + 1] - indptr[block.base]
        else:
            _interpolate.csr_synthetic_rows(
                data,
                indices,
                indptr,
                block.base,
                block.neighbor,
                block.steps,
                _scale(block),
                row_nnz[rows],
                empty_data,
                empty_indices,
                True,
                n_threads,
            )
        offset += len(block)
    starts = np.empty(n_new, dtype=np.int64)
    if n_new:
        np.cumsum(row_nnz[:-1], out=starts[1:])
        starts[0] = 0
    starts += csr.nnz
    n_synthetic = int(row_nnz.sum())
    out_data = np.empty(csr.nnz + n_synthetic, dtype=data.dtype)
    out_indices = np.empty(csr.nnz + n_synthetic, dtype=index_dtype)
    out_data[: csr.nnz] = data
    out_indices[: csr.nnz] = indices
    offset = 0
    for block in plan.blocks:
        rows = slice(offset, offset + len(block))
        if block.copies:
            _copy_csr_rows(
                data, indices, indptr, block, starts[rows], row_nnz[rows], out_data, out_indices
            )
        else:
            _interpolate.csr_synthetic_rows(
                data,
                indices,
                indptr,
                block.base,
                block.neighbor,
                block.steps,
                _scale(block),
                starts[rows],
                out_data,
                out_indices,
                False,
                n_threads,
            )
        offset += len(block)
    out_indptr = np.empty(n_samples + n_new + 1, dtype=index_dtype)
    out_indptr[: n_samples + 1] = indptr
    out_indptr[n_samples + 1 :] = csr.nnz + np.cumsum(row_nnz)
    matrix_class = sparse.csr_array if isinstance(csr, sparse.sparray) else sparse.csr_matrix
    return matrix_class(
        (out_data.astype(csr.dtype, copy=False), out_indices, out_indptr),
        shape=(n_samples + n_new, csr.shape[1]),
    )


def _output_index_dtype(csr, plan):
    """The input's index dtype unless the output's stored values could exceed
    int32: a synthetic row stores at most its two parents' values (a copy, its
    base's), a bound that costs O(synthetic rows). (The bound of n_new x
    n_features it replaces made every large sparse output int64, and scipy then
    copied the indices back to int32: twice the output's index memory at peak.)"""
    if csr.indices.dtype == np.int64:
        return np.int64
    row_nnz = np.diff(csr.indptr)
    bound = int(csr.nnz)
    for block in plan.blocks:
        bound += int(row_nnz[block.base].sum())
        if not block.copies:
            bound += int(row_nnz[block.neighbor].sum())
    limit = np.iinfo(np.int32).max
    return np.int64 if bound > limit or csr.shape[1] > limit else csr.indices.dtype


def _copy_csr_rows(data, indices, indptr, block, starts, row_nnz, out_data, out_indices):
    """Stored values of the base rows (plus the perturbation at those columns),
    in bounded passes."""
    for start, stop in _chunks(len(block)):
        counts = row_nnz[start:stop]
        total = int(counts.sum())
        if not total:
            continue
        # source and destination position of every stored value of these rows
        within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        source = np.repeat(indptr[block.base[start:stop]], counts) + within
        target = np.repeat(starts[start:stop], counts) + within
        out_indices[target] = indices[source]
        values = data[source]
        if block.perturbation is not None:
            row = np.repeat(np.arange(start, stop), counts)
            values = values.astype(np.float64) + block.perturbation[row, indices[source]]
        out_data[target] = values
