"""Input checks shared by every sampler, with imbalanced-learn's error types and
messages (which are scikit-learn's): targets, X and ``sampling_strategy``."""

import numbers
from collections import OrderedDict
from collections.abc import Mapping

import numpy as np
from scipy import sparse

from ._checks import count_non_finite
from ._containers import is_pandas, is_polars
from ._threads import threads_for_jobs

# --------------------------------------------------------------------------
# Targets

_MULTILABEL_MESSAGE = (
    "Imbalanced-learn currently supports binary, multiclass and binarized encoded "
    "multiclasss targets. Multilabel and multioutput targets are not supported."
)


def _as_array(y):
    if type(y) is np.ndarray:  # no container checks (bench_small_call.py measures it)
        return y
    if (
        is_pandas(y, "Series")
        or is_pandas(y, "DataFrame")
        or is_polars(y, "Series")
        or is_polars(y, "DataFrame")
    ):
        return y.to_numpy()
    if sparse.issparse(y):
        return y.toarray()
    return np.asarray(y)


def target_type(y):
    """scikit-learn's ``type_of_target`` for the cases a sampler meets."""
    if y is None or isinstance(y, str) or not hasattr(y, "__len__") and not hasattr(y, "shape"):
        raise ValueError(f"Expected array-like (array or non-string sequence), got {y!r}")
    array = _as_array(y)
    if array.ndim > 2 or array.ndim == 0:
        return "unknown"
    if array.dtype == object:
        if array.size and not isinstance(array.flat[0], str):
            return "unknown"
        if not all(isinstance(v, str) for v in array.flat):
            return "unknown"
    if array.ndim == 2 and array.shape[1] == 0:
        return "unknown"
    suffix = "-multioutput" if array.ndim == 2 and array.shape[1] > 1 else ""
    if array.dtype.kind == "f":
        if np.isnan(array).any():
            raise ValueError("Input y contains NaN.")
        if np.isinf(array).any():
            raise ValueError(f"Input y contains infinity or a value too large for {array.dtype!r}.")
        if (array != array.astype(np.int64)).any():
            return "continuous" + suffix
    if suffix:
        if array.dtype.kind in "biuf" and np.isin(array, (0, 1)).all():
            return "multilabel-indicator"
        return "multiclass" + suffix
    if array.dtype.kind == "c":
        return "unknown"
    # Binary and multiclass are accepted alike; telling them apart would cost a
    # unique() over y, and the class count is computed once, later.
    return "multiclass"


def check_classification_target(y):
    kind = target_type(y)
    if kind not in ("binary", "multiclass", "multiclass-multioutput", "multilabel-indicator"):
        raise ValueError(
            f"Unknown label type: {kind}. Maybe you are trying to fit a classifier, which "
            "expects discrete classes on a regression target with continuous values."
        )


def normalise_target(y):
    """1-D labels, and the number of one-hot columns (0 when y was not one-hot)."""
    array = _as_array(y)
    if array.ndim == 2 and array.shape[1] > 1:
        if target_type(array) != "multilabel-indicator" or (array.sum(axis=1) > 1).any():
            raise ValueError(_MULTILABEL_MESSAGE)
        return array.argmax(axis=1), array.shape[1]
    if array.ndim == 2 and array.shape[1] == 1:
        return array.ravel(), 0
    if array.ndim != 1:
        raise ValueError(f"y should be a 1d array, got an array of shape {array.shape} instead.")
    return array, 0


# --------------------------------------------------------------------------
# Data

_NAN_MESSAGE = (
    "Input X contains NaN.\n{name} does not accept missing values encoded as NaN "
    "natively. For supervised learning, you might want to consider "
    "sklearn.ensemble.HistGradientBoostingClassifier and Regressor which accept missing "
    "values encoded as NaNs natively. Alternatively, it is possible to preprocess the "
    "data, for instance by using an imputer transformer in a pipeline or drop samples "
    "with missing values. See https://scikit-learn.org/stable/modules/impute.html You can "
    "find a list of all estimators that handle NaN values at the following page: "
    "https://scikit-learn.org/stable/modules/impute.html#estimators-that-handle-nan-values"
)


def _reject_lazy(X, name):
    if is_polars(X, "LazyFrame"):
        raise TypeError(
            f"{name} needs the data in memory: call .collect() on the polars LazyFrame first."
        )


def feature_names(X, name):
    """Column names of a DataFrame when all are strings, else None (mixed string
    and non-string names are an error, as in scikit-learn)."""
    _reject_lazy(X, name)
    columns = None if type(X) is np.ndarray else getattr(X, "columns", None)
    if columns is None or not (is_pandas(X, "DataFrame") or is_polars(X, "DataFrame")):
        return None
    names = np.asarray(columns, dtype=object)
    kinds = sorted({"str" if isinstance(n, str) else type(n).__name__ for n in names})
    if len(kinds) > 1 and "str" in kinds:
        raise TypeError(
            "Feature names are only supported if all input features have string names, "
            f"but your input has {kinds} as feature name / column name types. If you want "
            "feature names to be stored and validated, you must convert them all to "
            "strings, by using X.columns = X.columns.astype(str) for example. Otherwise "
            "you can remove feature names altogether, for instance by using X.to_numpy()."
        )
    return names if kinds == ["str"] else None


def _dataframe_to_array(X, numeric=True):
    if all(str(dtype).startswith("Sparse") for dtype in X.dtypes) and X.shape[1] > 0:
        return X.sparse.to_coo().tocsr()
    array = X.to_numpy()
    if numeric and array.dtype == object:
        array = array.astype(np.float64)
    return array


def check_X_any_dtype(X, name):
    """X for samplers that only copy rows: a 2-D array of any dtype (strings,
    NaN, datetimes kept, as imbalanced-learn's ``_check_X``) or a canonical
    CSR/CSC matrix, with at least one row and one column. Messages name no
    estimator, as that check's do; ``name`` is for the LazyFrame error only."""
    n_samples = X.shape[0] if hasattr(X, "shape") and len(X.shape) else len(X)
    if n_samples < 1:
        raise ValueError(
            f"Found array with {n_samples} sample(s) while a minimum of 1 is required."
        )
    if type(X) is not np.ndarray:
        if is_pandas(X, "DataFrame"):
            X = _dataframe_to_array(X, numeric=False)
        elif is_polars(X, "DataFrame"):
            X = X.to_numpy()
        _reject_lazy(X, name)
        if sparse.issparse(X):
            X = X if X.format in ("csr", "csc") else X.tocsr()
            _check_shape(X.shape, None)
            return X if X.has_canonical_format else _canonical(X)
        X = np.asarray(X)
    if X.dtype.kind == "c":
        raise ValueError(f"Complex data not supported\n{X}\n")
    _check_dimensions(X, None)
    _check_shape(X.shape, None)
    return np.ascontiguousarray(X)


def _canonical(X):
    X = X.copy()
    X.sum_duplicates()
    return X


def check_X(X, name):
    """Validated X: a C-contiguous numeric ndarray or a canonical CSR/CSC matrix
    or array, with scikit-learn's checks and messages."""
    if type(X) is not np.ndarray:
        if is_pandas(X, "DataFrame"):
            X = _dataframe_to_array(X)
        elif is_polars(X, "DataFrame"):
            X = X.to_numpy()
        _reject_lazy(X, name)
        if sparse.issparse(X):
            return _check_sparse(X, name)
        if not isinstance(X, np.ndarray):
            X = np.asarray(X)
            if X.dtype == object:
                X = X.astype(np.float64)
    if X.dtype.kind in "USV":
        raise ValueError(
            "dtype='numeric' is not compatible with arrays of bytes/strings."
            "Convert your data to numeric values explicitly instead."
        )
    if X.dtype.kind == "c":
        raise ValueError(f"Complex data not supported\n{X}\n")
    if X.dtype == object:
        X = X.astype(np.float64)
    _check_dimensions(X, name)
    _check_shape(X.shape, name)
    if X.dtype.kind == "f":
        _check_finite(X, name)
    return np.ascontiguousarray(X)


def _check_dimensions(X, name):
    if X.ndim == 0:
        raise ValueError(
            f"Expected 2D array, got scalar array instead:\narray={X}.\nReshape your data "
            "either using array.reshape(-1, 1) if your data has a single feature or "
            "array.reshape(1, -1) if it contains a single sample."
        )
    if X.ndim == 1:
        raise ValueError(
            f"Expected 2D array, got 1D array instead:\narray={X}.\nReshape your data "
            "either using array.reshape(-1, 1) if your data has a single feature or "
            "array.reshape(1, -1) if it contains a single sample."
        )
    if X.ndim > 2:
        raise ValueError(f"Found array with dim {X.ndim}, while dim <= 2 is required{_by(name)}.")


def _by(name):
    """The end of scikit-learn's messages: " by <estimator>", or nothing for checks
    made without an estimator (imbalanced-learn's ``_check_X``)."""
    return "" if name is None else f" by {name}"


def _check_shape(shape, name):
    if shape[0] < 1:
        raise ValueError(
            f"Found array with {shape[0]} sample(s) (shape={shape}) while a "
            f"minimum of 1 is required{_by(name)}."
        )
    if shape[1] < 1:
        raise ValueError(
            f"Found array with {shape[1]} feature(s) (shape={shape}) while a "
            f"minimum of 1 is required{_by(name)}."
        )


def _check_finite(values, name):
    if values.dtype in (np.float32, np.float64) and values.flags.c_contiguous:
        # One parallel pass, no boolean temporary the size of the data.
        if values.ndim == 1:  # the stored values of a sparse matrix
            values = values.reshape(1, -1)
        if not count_non_finite(values, threads_for_jobs(None, values.size)):
            return
    elif np.isfinite(values).all():
        return
    if np.isnan(values).any():
        raise ValueError(_NAN_MESSAGE.format(name=name))
    raise ValueError(f"Input X contains infinity or a value too large for {values.dtype!r}.")


def _check_sparse(X, name):
    if X.format not in ("csr", "csc"):
        X = X.tocsr()
    if X.dtype.kind == "c":
        raise ValueError(f"Complex data not supported\n{X}\n")
    _check_shape(X.shape, name)
    if X.dtype.kind == "f":
        _check_finite(X.data, name)
    return X if X.has_canonical_format else _canonical(X)


def check_consistent_length(X, y):
    if X.shape[0] != len(y):
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: [{X.shape[0]}, {len(y)}]"
        )


# --------------------------------------------------------------------------
# sampling_strategy


def resolve_sampling_strategy(sampling_strategy, y, classes, counts):
    """``{class: number of samples to create}``, sorted by class, as imbalanced-
    learn's ``check_sampling_strategy`` for an over-sampler."""
    if classes.size <= 1:
        raise ValueError(
            f"The target 'y' needs to have more than 1 class. Got {classes.size} class instead"
        )
    stats = dict(zip(classes, counts, strict=False))
    # A few classes: Python's max/min on the counts cost less than numpy calls
    # (measured by benchmarks/bench_small_call.py).
    counts_list = counts.tolist()
    n_majority = max(counts_list)
    majority = classes[counts_list.index(n_majority)]  # the first, as argmax
    minority = classes[counts_list.index(min(counts_list))]
    if isinstance(sampling_strategy, str):
        if sampling_strategy == "minority":
            result = {minority: n_majority - stats[minority]}
        else:  # every class but one ('all': none left out)
            left_out = {"all": None, "not minority": minority}.get(sampling_strategy, majority)
            result = {
                c: n_majority - n for c, n in stats.items() if left_out is None or c != left_out
            }
    elif isinstance(sampling_strategy, Mapping):
        result = _strategy_from_mapping(sampling_strategy, stats)
    elif isinstance(sampling_strategy, numbers.Real):
        if classes.size != 2:
            raise ValueError(
                '"sampling_strategy" can be a float only when the type of '
                "target is binary. For multi-class, use a dict."
            )
        result = {
            c: int(n_majority * sampling_strategy - n) for c, n in stats.items() if c != majority
        }
        if any(n <= 0 for n in result.values()):
            raise ValueError(
                "The specified ratio required to remove samples from the "
                "minority class while trying to generate new samples. Please "
                "increase the ratio."
            )
    else:  # a callable (validated)
        result = _strategy_from_mapping(sampling_strategy(y), stats)
    return OrderedDict(sorted(result.items()))


def _strategy_from_mapping(mapping, stats):
    missing = set(mapping.keys()) - set(stats.keys())
    if missing:
        raise ValueError(f"The {missing} target class is/are not present in the data.")
    if any(n < 0 for n in mapping.values()):
        raise ValueError(
            "The number of samples in a class cannot be negative."
            f"'sampling_strategy' contains some negative value: {mapping}"
        )
    result = {}
    for label, n_wanted in mapping.items():
        if n_wanted < stats[label]:
            raise ValueError(
                "With over-sampling methods, the number of samples in a class should be "
                "greater or equal to the original number of samples. Originally, there is "
                f"{stats[label]} samples and {n_wanted} samples are asked."
            )
        result[label] = n_wanted - stats[label]
    return result


def resolve_cleaning_strategy(sampling_strategy, y, classes, counts):
    """``{class: size of the smallest class}`` for the classes a cleaning sampler
    targets, sorted by class, as imbalanced-learn's ``check_sampling_strategy``
    for ``'clean-sampling'`` (only the keys matter)."""
    if classes.size <= 1:
        raise ValueError(
            f"The target 'y' needs to have more than 1 class. Got {classes.size} class instead"
        )
    stats = dict(zip(classes, counts, strict=False))
    counts_list = counts.tolist()
    n_minority = min(counts_list)
    majority = classes[counts_list.index(max(counts_list))]
    minority = classes[counts_list.index(n_minority)]
    if isinstance(sampling_strategy, str):
        keep_out = {
            "auto": minority,
            "not minority": minority,
            "not majority": majority,
            "all": None,
        }
        if sampling_strategy == "majority":
            targeted = [majority]
        else:
            left_out = keep_out[sampling_strategy]
            targeted = [c for c in stats if left_out is None or c != left_out]
    elif isinstance(sampling_strategy, list):
        missing = set(sampling_strategy) - set(stats)
        if missing:
            raise ValueError(f"The {missing} target class is/are not present in the data.")
        targeted = sampling_strategy
    elif isinstance(sampling_strategy, numbers.Real):
        if classes.size != 2:
            raise ValueError(
                '"sampling_strategy" can be a float only when the type of '
                "target is binary. For multi-class, use a dict."
            )
        raise ValueError("'clean-sampling' methods do let the user specify the sampling ratio.")
    else:  # a callable (validated): a mapping, which cleaning methods refuse
        mapping = sampling_strategy(y)
        missing = set(mapping.keys()) - set(stats)
        if missing:
            raise ValueError(f"The {missing} target class is/are not present in the data.")
        if any(n < 0 for n in mapping.values()):
            raise ValueError(
                "The number of samples in a class cannot be negative."
                f"'sampling_strategy' contains some negative value: {mapping}"
            )
        raise ValueError(
            "'sampling_strategy' as a dict for cleaning methods is not "
            "supported. Please give a list of the classes to be targeted by "
            "the sampling."
        )
    return OrderedDict(sorted((label, n_minority) for label in targeted))
