"""The interpolation kernel against numpy's arithmetic, bit for bit."""

import numpy as np
import pytest
from scipy import sparse

from smote_fast import _interpolate


def numpy_formula(X, base, neighbor, steps, scale=None):
    """imbalanced-learn's order: difference in X's dtype, optional in-place scale,
    float64 product and sum, one cast."""
    diff = X[neighbor] - X[base]
    if scale is not None:
        diff *= scale[:, None]
    return (X[base] + steps[:, None] * diff).astype(X.dtype)


def draws(n_rows, n_new, seed):
    rng = np.random.RandomState(seed)
    base = rng.randint(0, n_rows, n_new).astype(np.intp)
    neighbor = rng.randint(0, n_rows, n_new).astype(np.intp)
    return base, neighbor, rng.uniform(size=n_new), rng.uniform(0, 0.5, size=n_new)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scaled", [False, True])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_dense_bitwise_equal_to_numpy(dtype, scaled, n_threads):
    rng = np.random.RandomState(0)
    X = (rng.normal(size=(300, 7)) * rng.lognormal(size=(1, 7))).astype(dtype)
    base, neighbor, steps, scale = draws(300, 5000, 1)
    out = np.full((5010, 7), -1, dtype=dtype)
    _interpolate.interpolate_dense(X, base, neighbor, steps,
                                   scale if scaled else np.empty(0), out, 10, n_threads)
    expected = numpy_formula(X, base, neighbor, steps, scale if scaled else None)
    np.testing.assert_array_equal(out[10:], expected)
    assert (out[:10] == -1).all()  # rows before the offset untouched


def test_rewritten_formula_would_differ():
    # guards the test above: (1-u)x + u z is not bit-identical, so the check is sharp
    rng = np.random.RandomState(2)
    X = rng.normal(size=(200, 5))
    base, neighbor, steps, _ = draws(200, 3000, 3)
    alternative = (1 - steps[:, None]) * X[base] + steps[:, None] * X[neighbor]
    assert (alternative != numpy_formula(X, base, neighbor, steps)).any()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("scaled", [False, True])
def test_csr_rows_equal_dense(dtype, index_dtype, scaled):
    X = sparse.random(100, 30, density=0.3, format="csr", random_state=4, dtype=dtype)
    base, neighbor, steps, scale = draws(100, 400, 5)
    scale_arg = scale if scaled else np.empty(0)
    indices, indptr = X.indices.astype(index_dtype), X.indptr.astype(index_dtype)
    nnz = np.empty(400, dtype=np.int64)
    _interpolate.csr_synthetic_rows(X.data, indices, indptr, base, neighbor, steps, scale_arg,
                                    nnz, np.empty(0, dtype), np.empty(0, index_dtype), True, 1)
    starts = np.concatenate([[0], np.cumsum(nnz)[:-1]]).astype(np.int64)
    data = np.empty(nnz.sum(), dtype)
    cols = np.empty(nnz.sum(), index_dtype)
    _interpolate.csr_synthetic_rows(X.data, indices, indptr, base, neighbor, steps, scale_arg,
                                    starts, data, cols, False, 2)
    result = sparse.csr_matrix((data, cols, np.concatenate([[0], np.cumsum(nnz)])),
                               shape=(400, 30))
    expected = numpy_formula(X.toarray(), base, neighbor, steps, scale if scaled else None)
    np.testing.assert_array_equal(result.toarray(), expected)
    assert (data != 0).all()  # zeros are not stored
    assert result.has_sorted_indices or all(
        (np.diff(cols[a:b]) > 0).all() for a, b in zip(indptr[:-1], indptr[1:], strict=False))


def test_resolve_pairs_maps_flat_draws():
    neighbors = np.array([[1, 2], [0, 2], [0, 1]], dtype=np.intp)
    base_rows = np.array([10, 20, 30], dtype=np.intp)
    flat = np.array([0, 1, 2, 3, 4, 5], dtype=np.int64)
    base = np.empty(6, np.intp)
    neighbor = np.empty(6, np.intp)
    _interpolate.resolve_pairs(flat, neighbors, base_rows, base_rows, base, neighbor)
    np.testing.assert_array_equal(base, [10, 10, 20, 20, 30, 30])
    np.testing.assert_array_equal(neighbor, [20, 30, 10, 30, 10, 20])
