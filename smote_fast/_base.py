"""What every smote_fast sampler shares: the estimator protocol, the
``fit_resample`` flow, and the single-allocation assembly of the output.

An algorithm only describes its synthetic rows: per class, arrays of base rows,
neighbour rows (both indices into the validated X), steps and, for
borderline-2, difference scales. ``BaseOverSampler`` validates, allocates the
output once, copies the original rows in and lets the interpolation kernel write
the synthetic rows in place, then restores the caller's containers.
"""

import importlib.abc
import importlib.util
import inspect
import sys
from collections import namedtuple

import numpy as np
from scipy import sparse

from . import _interpolate
from ._checks import rows_with_code, small_label_counts
from ._neighbors import kernel_ready
from ._validation import (
    N_JOBS_CONSTRAINT,
    RANDOM_STATE_CONSTRAINT,
    SAMPLING_STRATEGY_CONSTRAINT,
    NotFittedError,
    _is_pandas,
    _sklearn_error,
    check_classification_target,
    check_consistent_length,
    check_X,
    feature_names,
    normalise_target,
    resolve_sampling_strategy,
    threads_for_jobs,
    to_sklearn_constraints,
    validate_parameters,
)

SyntheticBlock = namedtuple("SyntheticBlock", "label base neighbor steps diff_scale")
SyntheticBlock.__doc__ = """Synthetic rows of one class: row i is
``X[base[i]] + steps[i] * (X[neighbor[i]] - X[base[i]]) * diff_scale[i]`` in
imbalanced-learn's arithmetic (``diff_scale`` None means no scaling)."""

_EMPTY_SCALE = np.empty(0, dtype=np.float64)
# Synthetic rows per pass where a temporary is unavoidable (integer and float16 X).
_TEMPORARY_ROWS = 65536


class _SklearnParameterConstraints:
    """``_parameter_constraints`` in scikit-learn's form, built on first access
    so that importing smote_fast never imports scikit-learn."""

    def __get__(self, instance, owner):
        cache = owner.__dict__.get("_sklearn_constraints_cache")
        if cache is None:
            cache = to_sklearn_constraints(owner._constraints())
            owner._sklearn_constraints_cache = cache
        return cache


class ResampleData:
    """Validated inputs of one ``fit_resample`` call."""

    __slots__ = ("X", "y", "classes", "codes", "counts", "csc_input", "_n_jobs",
                 "_rows", "_kernel_X")

    def __init__(self, X, y, n_jobs):
        # Kernels read CSR; CSC input is converted once and converted back at the end.
        self.csc_input = (type(X) is not np.ndarray and sparse.issparse(X)
                          and X.format == "csc")
        self.X = X.tocsr() if self.csc_input else X
        self.y = y
        self.classes, self.codes, self.counts = _encode_labels(y)
        self._n_jobs = n_jobs
        self._rows = {}
        self._kernel_X = None

    def threads_for(self, work):
        """Threads for a kernel of ``work`` scalar operations under the caller's
        ``n_jobs`` (see ``threads_for_jobs``)."""
        return threads_for_jobs(self._n_jobs, work)

    @property
    def kernel_X(self):
        """X in a dtype the k-NN kernels take (a view when X already is one)."""
        if self._kernel_X is None:
            self._kernel_X = kernel_ready(self.X)
        return self._kernel_X

    def rows_of(self, label):
        """Row indices of one class, in order of appearance."""
        code = int(self.classes.searchsorted(label))
        if code not in self._rows:
            rows = np.empty(int(self.counts[code]), dtype=np.intp)
            rows_with_code(self.codes, code, rows)
            self._rows[code] = rows
        return self._rows[code]

    def code_of(self, label):
        return int(np.searchsorted(self.classes, label))


def _encode_labels(y):
    """Sorted classes, an intp code per row and the class counts."""
    if y.dtype == np.intp and y.size:
        # Labels 0..255, the common case: one counting pass.
        found = small_label_counts(y)
        if found is not None:
            present, counts = found
            if present[-1] + 1 == present.size:  # labels 0..C-1 are the codes
                return present, y, counts
            code_of_value = np.full(int(present[-1]) + 1, -1, dtype=np.intp)
            code_of_value[present] = np.arange(present.size)
            return present, code_of_value[y], counts
    if y.dtype.kind in "iub" and y.size:
        low, high = int(y.min()), int(y.max())
        if low == 0 and y.dtype == np.intp:
            counts = np.bincount(y)
            if counts.all():  # labels are already the codes 0..C-1
                return np.arange(counts.size, dtype=y.dtype), y, counts
        if high - low < 4 * y.size + 1024:
            # Counting beats sorting for small integer label ranges.
            shifted = y.astype(np.intp) - low
            counts = np.bincount(shifted)
            present = np.flatnonzero(counts)
            code_of_value = np.full(counts.size, -1, dtype=np.intp)
            code_of_value[present] = np.arange(present.size)
            classes = (present + low).astype(y.dtype)
            return classes, code_of_value[shifted], counts[present]
    classes, codes, counts = np.unique(y, return_inverse=True, return_counts=True)
    return classes, codes.astype(np.intp, copy=False).reshape(-1), counts


class _ProtocolRoot:
    """Root of the samplers, so that scikit-learn's BaseEstimator can be added
    as a second base once scikit-learn is loaded (see ``_adopt_base_estimator``)."""


class BaseOverSampler(_ProtocolRoot):
    """Base class of the smote_fast over-samplers (not for direct use).

    Provides scikit-learn's estimator protocol without depending on it:
    keyword-only parameters, ``get_params``/``set_params`` (nested),
    ``clone``-ability, ``repr``, pickling, validation at fit time, tags, and
    ``get_feature_names_out``.
    """

    _estimator_type = "sampler"
    _sampling_type = "over-sampling"
    _parameter_constraints = _SklearnParameterConstraints()

    @classmethod
    def _constraints(cls):
        """Our own constraint objects, keyed like ``get_params``."""
        return {
            "sampling_strategy": SAMPLING_STRATEGY_CONSTRAINT,
            "random_state": RANDOM_STATE_CONSTRAINT,
            "n_jobs": N_JOBS_CONSTRAINT,
        }

    # ------------------------------------------------------------------ params

    @classmethod
    def _get_param_names(cls):
        signature = inspect.signature(cls.__init__)
        return sorted(p.name for p in signature.parameters.values()
                      if p.name != "self" and p.kind != p.VAR_KEYWORD)

    def get_params(self, deep=True):
        """Parameters of this sampler (and, with ``deep``, of nested objects)."""
        params = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                params.update((f"{name}__{key}", val)
                              for key, val in value.get_params().items())
            params[name] = value
        return params

    def set_params(self, **params):
        """Set parameters; ``name__sub`` sets ``sub`` on a nested object."""
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested = {}
        for key, value in params.items():
            name, delim, sub_key = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {self}. Valid parameters "
                    f"are: {self._get_param_names()!r}.")
            if delim:
                nested.setdefault(name, {})[sub_key] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            valid[name].set_params(**sub_params)
        return self

    def __repr__(self):
        defaults = {p.name: p.default
                    for p in inspect.signature(type(self).__init__).parameters.values()}
        changed = [f"{name}={getattr(self, name)!r}" for name in self._get_param_names()
                   if repr(getattr(self, name)) != repr(defaults.get(name))]
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_tags__(self):
        from ._tags import sampler_tags

        return sampler_tags()

    def _validate_params(self):
        # Each class's constraints, built once (a class attribute of its own,
        # never a parent's), and the parameter values already found valid for
        # it: fits with the same values (a pipeline refitted, a search over
        # other parameters) skip the checks. Types are part of the key, so that
        # True and 1, or 1.0 and 1, are told apart.
        cls = type(self)
        constraints = cls.__dict__.get("_constraints_cache")
        if constraints is None:
            constraints = self._constraints()
            cls._constraints_cache = constraints
            cls._valid_values_cache = set()
        try:
            key = tuple((type(value), value) for value in map(self.__getattribute__, constraints))
            if key in cls._valid_values_cache:
                return
        except TypeError:  # an unhashable value (a dict strategy): always check
            key = None
        validate_parameters(self, constraints)
        if key is not None and len(cls._valid_values_cache) < 64:
            cls._valid_values_cache.add(key)

    # ----------------------------------------------------------------- fitting

    def fit(self, X, y, **params):
        """Check inputs and compute ``sampling_strategy_``.

        Use ``fit_resample`` to resample; ``fit`` exists for the estimator
        protocol only.

        Returns
        -------
        self : object
        """
        self._validate_params()
        self._check_inputs(X, y)
        return self

    def fit_resample(self, X, y, **params):
        """Resample the dataset.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Data to resample.
        y : array-like of shape (n_samples,)
            Class labels of ``X`` (one-hot encoded labels are accepted).

        Returns
        -------
        X_resampled : {ndarray, dataframe, sparse matrix, list}
            ``X`` followed by the synthetic samples, in ``X``'s container.
        y_resampled : {ndarray, series, list}
            The labels of ``X_resampled``, in ``y``'s container.
        """
        self._validate_params()
        if params:
            raise TypeError(f"{type(self).__name__}._fit_resample() got an unexpected "
                            f"keyword argument {next(iter(params))!r}")
        check_classification_target(y)
        containers = _Containers(X, y)
        data, one_hot_columns = self._check_inputs(X, y)
        X_out, y_out = self._fit_resample(data)
        if one_hot_columns:
            y_out = (y_out[:, None] == data.classes[None, :]).astype(np.int64)
        return containers.restore(X_out, y_out)

    def _check_inputs(self, X, y):
        name = type(self).__name__
        y_flat, one_hot_columns = normalise_target(y)
        names = feature_names(X)
        X = check_X(X, name)
        check_consistent_length(X, y_flat)
        self.n_features_in_ = X.shape[1]
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        data = ResampleData(X, y_flat, self.n_jobs)
        self.sampling_strategy_ = resolve_sampling_strategy(
            self.sampling_strategy, y_flat, data.classes, data.counts)
        return data, one_hot_columns

    def _fit_resample(self, data):
        raise NotImplementedError

    def get_feature_names_out(self, input_features=None):
        """Names of the output features: the input's.

        Parameters
        ----------
        input_features : array-like of str, optional
            Must match ``feature_names_in_`` when that exists.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        if not hasattr(self, "n_features_in_"):
            error = _sklearn_error("NotFittedError", NotFittedError)
            raise error(f"This {type(self).__name__} instance is not fitted yet. Call 'fit' "
                        "with appropriate arguments before using this estimator.")
        stored = getattr(self, "feature_names_in_", None)
        if input_features is None:
            if stored is not None:
                return stored.copy()
            return np.asarray([f"x{i}" for i in range(self.n_features_in_)], dtype=object)
        input_features = np.asarray(input_features, dtype=object)
        if stored is not None and not np.array_equal(stored, input_features):
            raise ValueError("input_features is not equal to feature_names_in_")
        if len(input_features) != self.n_features_in_:
            raise ValueError("input_features should have length equal to number of "
                             f"features ({self.n_features_in_}), got {len(input_features)}")
        return input_features

    # ---------------------------------------------------------------- assembly

    def _assemble(self, data, blocks):
        """Original rows followed by every block's synthetic rows, allocated once."""
        X, n_samples = data.X, data.X.shape[0]
        n_new = sum(len(block.base) for block in blocks)
        y_out = np.empty(n_samples + n_new, dtype=data.y.dtype)
        y_out[:n_samples] = data.y
        offset = n_samples
        for block in blocks:
            y_out[offset:offset + len(block.base)] = block.label
            offset += len(block.base)
        if n_new and X.dtype == np.bool_:
            raise TypeError("numpy boolean subtract, the `-` operator, is not supported, "
                            "use the bitwise_xor, the `^` operator, or the logical_xor "
                            "function instead.")
        if type(X) is not np.ndarray and sparse.issparse(X):
            X_out = _assemble_sparse(X, blocks, n_new, data)
            return (X_out.tocsc() if data.csc_input else X_out), y_out
        X_out = np.empty((n_samples + n_new, X.shape[1]), dtype=X.dtype)
        copy_threads = 0
        if X.dtype not in (np.float32, np.float64):
            X_out[:n_samples] = X
        elif blocks:  # the first block's kernel call copies X too
            copy_threads = data.threads_for(X.size)
        else:
            _interpolate.copy_rows(X, X_out, data.threads_for(X.size))
        offset = n_samples
        for block in blocks:
            _write_dense_block(X, block, X_out, offset, data, copy_threads)
            copy_threads = 0
            offset += len(block.base)
        return X_out, y_out


def _diff_scale(block):
    return _EMPTY_SCALE if block.diff_scale is None else block.diff_scale


def _write_dense_block(X, block, X_out, offset, data, copy_threads=0):
    if X.dtype in (np.float32, np.float64):
        n_threads = data.threads_for(len(block.base) * X.shape[1])
        _interpolate.interpolate_dense(X, block.base, block.neighbor, block.steps,
                                       _diff_scale(block), X_out, offset, n_threads,
                                       copy_threads)
        return
    # Integer X: differences in float64 (no wrap-around), truncation toward zero
    # on assignment, as imbalanced-learn's final astype. float16: numpy's own
    # float16 arithmetic, in imbalanced-learn's order.
    for start in range(0, len(block.base), _TEMPORARY_ROWS):
        stop = min(start + _TEMPORARY_ROWS, len(block.base))
        base, neighbor = block.base[start:stop], block.neighbor[start:stop]
        steps = block.steps[start:stop, None]
        if X.dtype == np.float16:
            diff = X[neighbor] - X[base]
            if block.diff_scale is not None:
                diff *= block.diff_scale[start:stop, None]
            X_out[offset + start:offset + stop] = X[base] + steps * diff
        else:
            origin = X[base].astype(np.float64)
            diff = X[neighbor].astype(np.float64) - origin
            if block.diff_scale is not None:
                diff *= block.diff_scale[start:stop, None]
            X_out[offset + start:offset + stop] = origin + steps * diff


def _assemble_sparse(csr, blocks, n_new, resample_data):
    data = csr.data
    if data.dtype not in (np.float32, np.float64):
        data = data.astype(np.float64)
    base = np.concatenate([b.base for b in blocks]) if blocks else np.empty(0, np.intp)
    neighbor = np.concatenate([b.neighbor for b in blocks]) if blocks else base
    steps = np.concatenate([b.steps for b in blocks]) if blocks else np.empty(0)
    if any(b.diff_scale is not None for b in blocks):
        scale = np.concatenate([np.ones(len(b.base)) if b.diff_scale is None
                                else b.diff_scale for b in blocks])
    else:
        scale = _EMPTY_SCALE
    index_dtype = np.int64 if csr.nnz + n_new * csr.shape[1] > np.iinfo(np.int32).max \
        else csr.indices.dtype
    indices = csr.indices.astype(index_dtype, copy=False)
    indptr = csr.indptr.astype(index_dtype, copy=False)
    n_threads = resample_data.threads_for(n_new * max(csr.nnz // max(csr.shape[0], 1), 1))
    row_nnz = np.empty(n_new, dtype=np.int64)
    empty_data = np.empty(0, dtype=data.dtype)
    empty_indices = np.empty(0, dtype=index_dtype)
    _interpolate.csr_synthetic_rows(data, indices, indptr, base, neighbor, steps, scale,
                                    row_nnz, empty_data, empty_indices, True, n_threads)
    starts = np.empty(n_new, dtype=np.int64)
    if n_new:
        np.cumsum(row_nnz[:-1], out=starts[1:])
        starts[0] = 0
    n_synthetic = int(row_nnz.sum())
    out_data = np.empty(csr.nnz + n_synthetic, dtype=data.dtype)
    out_indices = np.empty(csr.nnz + n_synthetic, dtype=index_dtype)
    out_data[:csr.nnz] = data
    out_indices[:csr.nnz] = indices
    _interpolate.csr_synthetic_rows(data, indices, indptr, base, neighbor, steps, scale,
                                    starts + csr.nnz, out_data, out_indices, False,
                                    n_threads)
    out_indptr = np.empty(csr.shape[0] + n_new + 1, dtype=index_dtype)
    out_indptr[:csr.shape[0] + 1] = indptr
    out_indptr[csr.shape[0] + 1:] = csr.nnz + np.cumsum(row_nnz)
    matrix_class = sparse.csr_array if isinstance(csr, sparse.sparray) else sparse.csr_matrix
    return matrix_class((out_data.astype(csr.dtype, copy=False), out_indices, out_indptr),
                        shape=(csr.shape[0] + n_new, csr.shape[1]))


class _Containers:
    """Remembers the caller's containers of X and y and restores them."""

    def __init__(self, X, y):
        if type(X) is np.ndarray and type(y) is np.ndarray:  # nothing to restore
            self.x_kind = self.y_kind = None
            return
        self.x_kind = type(X).__name__ if _is_pandas(X, "DataFrame") else (
            "list" if isinstance(X, list) else None)
        self.x_columns = getattr(X, "columns", None)
        self.x_dtypes = getattr(X, "dtypes", None)
        if _is_pandas(y, "Series"):
            self.y_kind = "Series"
        elif _is_pandas(y, "DataFrame"):
            self.y_kind = "DataFrame"
        else:
            self.y_kind = "list" if isinstance(y, list) else None
        self.y_name = getattr(y, "name", None)
        self.y_columns = getattr(y, "columns", None)
        self.y_dtypes = getattr(y, "dtypes", None)

    def restore(self, X, y):
        if self.x_kind == "list":
            X = X.tolist()
        elif self.x_kind == "DataFrame":
            import pandas as pd

            if sparse.issparse(X):
                X = pd.DataFrame.sparse.from_spmatrix(X, columns=self.x_columns)
            else:
                X = pd.DataFrame(X, columns=self.x_columns)
            X = X.astype(self.x_dtypes)
        if self.y_kind == "list":
            y = y.tolist()
        elif self.y_kind == "Series":
            import pandas as pd

            y = pd.Series(y, dtype=self.y_dtypes, name=self.y_name)
        elif self.y_kind == "DataFrame":
            import pandas as pd

            y = pd.DataFrame(y, columns=self.y_columns).astype(self.y_dtypes)
        if self.x_kind == "DataFrame" and self.y_kind in ("Series", "DataFrame"):
            y.index = X.index
        return X, y


def _adopt_base_estimator():
    """Make the samplers subclasses of scikit-learn's BaseEstimator.

    Tools that discover estimators by ``issubclass(cls, BaseEstimator)`` (e.g.
    imbalanced-learn's common tests) then see them, and metadata routing works.
    Our protocol methods come first in the MRO, so behaviour is unchanged.
    """
    estimator = sys.modules["sklearn.base"].BaseEstimator
    if not issubclass(BaseOverSampler, estimator):
        BaseOverSampler.__bases__ = (_ProtocolRoot, estimator)


class _SklearnBaseWatcher(importlib.abc.MetaPathFinder):
    """Runs ``_adopt_base_estimator`` right after ``sklearn.base`` is imported,
    so that importing smote_fast never imports scikit-learn itself."""

    def find_spec(self, fullname, path, target=None):
        if fullname != "sklearn.base":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _AdoptingLoader(spec.loader)
        return spec


class _AdoptingLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _adopt_base_estimator()


if "sklearn.base" in sys.modules:
    _adopt_base_estimator()
else:
    sys.meta_path.insert(0, _SklearnBaseWatcher())
