"""Input checks shared by every sampler, with imbalanced-learn's error types and
messages (which are scikit-learn's): parameter constraints, targets, data,
``sampling_strategy``, ``random_state`` and thread counts.

Nothing here imports scikit-learn at module level; its exception classes are
used when it is installed, so ``except InvalidParameterError`` keeps working.
"""

import numbers
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping

import numpy as np
from scipy import sparse

from . import _legacy_draws
from ._checks import count_non_finite
from ._openmp_helpers import omp_max_threads, openmp_enabled

# --------------------------------------------------------------------------
# Exceptions


class InvalidParameterError(ValueError, TypeError):
    """A constructor parameter has an invalid type or value (raised at fit)."""


class NotFittedError(ValueError, AttributeError):
    """The estimator is used before ``fit``."""


def _sklearn_error(name, fallback):
    """scikit-learn's exception class of that name when it is installed, so
    that code written against imbalanced-learn catches ours."""
    try:
        if name == "InvalidParameterError":
            from sklearn.utils._param_validation import InvalidParameterError as cls
        else:
            from sklearn.exceptions import NotFittedError as cls
    except ImportError:  # scikit-learn is optional
        return fallback
    return cls


# --------------------------------------------------------------------------
# Parameter constraints: each knows how to check a value, how scikit-learn
# words it, and its scikit-learn equivalent (for imbalanced-learn's checks).


class Interval:
    def __init__(self, kind, left, right, closed):
        self.kind, self.left, self.right, self.closed = kind, left, right, closed

    def is_satisfied_by(self, value):
        # exact Python types first: an ABC check costs more than the rest
        kind = type(value)
        if kind is str or value is None:
            return False
        if kind is not int and not (self.kind == "real" and kind is float):
            number_type = numbers.Integral if self.kind == "int" else numbers.Real
            if not isinstance(value, number_type):
                return False
        left_ok = (self.left is None or value > self.left
                   or (self.closed in ("left", "both") and value == self.left))
        right_ok = (self.right is None or value < self.right
                    or (self.closed in ("right", "both") and value == self.right))
        return bool(left_ok and right_ok)

    def __str__(self):
        type_str = "an int" if self.kind == "int" else "a float"
        left = "[" if self.closed in ("left", "both") and self.left is not None else "("
        right = "]" if self.closed in ("right", "both") and self.right is not None else ")"
        left_bound = "-inf" if self.left is None else self.left
        right_bound = "inf" if self.right is None else self.right
        return f"{type_str} in the range {left}{left_bound}, {right_bound}{right}"

    def to_sklearn(self, pv):
        number_type = numbers.Integral if self.kind == "int" else numbers.Real
        return pv.Interval(number_type, self.left, self.right, closed=self.closed)


class StrOptions:
    def __init__(self, options):
        self.options = tuple(options)

    def is_satisfied_by(self, value):
        return isinstance(value, str) and value in self.options

    def __str__(self):
        return f"a str among {{{', '.join(repr(o) for o in self.options)}}}"

    def to_sklearn(self, pv):
        return pv.StrOptions(set(self.options))


class HasMethods:
    def __init__(self, methods):
        self.methods = tuple(methods)

    def is_satisfied_by(self, value):
        return all(callable(getattr(value, m, None)) for m in self.methods)

    def __str__(self):
        names = [repr(m) for m in self.methods]
        joined = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        return f"an object implementing {joined}"

    def to_sklearn(self, pv):
        return pv.HasMethods(list(self.methods))


class InstanceOf:
    def __init__(self, cls):
        self.cls = cls

    def is_satisfied_by(self, value):
        return isinstance(value, self.cls)

    def __str__(self):
        return f"an instance of '{self.cls.__module__}.{self.cls.__qualname__}'"

    def to_sklearn(self, pv):
        return self.cls


class IsCallable:
    def is_satisfied_by(self, value):
        return callable(value)

    def __str__(self):
        return "a callable"

    def to_sklearn(self, pv):
        return callable


class IsNone:
    def is_satisfied_by(self, value):
        return value is None

    def __str__(self):
        return "None"

    def to_sklearn(self, pv):
        return None


class NonZeroInt:
    """A thread count: any int but 0 (negative counts back from all cores)."""

    def is_satisfied_by(self, value):
        if value is None:
            return False
        return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value != 0

    def __str__(self):
        return "an int other than 0"

    def to_sklearn(self, pv):
        return pv.Interval(numbers.Integral, None, None, closed="neither")


NEIGHBORS_CONSTRAINT = [Interval("int", 1, None, "left"),
                        HasMethods(["kneighbors", "kneighbors_graph"])]
RANDOM_STATE_CONSTRAINT = [Interval("int", 0, 2**32 - 1, "both"),
                           InstanceOf(np.random.RandomState), IsNone()]
SAMPLING_STRATEGY_CONSTRAINT = [
    Interval("real", 0.0, 1.0, "right"),
    StrOptions(["auto", "minority", "not minority", "not majority", "all"]),
    InstanceOf(Mapping),
    IsCallable(),
]
N_JOBS_CONSTRAINT = [NonZeroInt(), IsNone()]


def _satisfies_any(options, value):
    for option in options:
        if option.is_satisfied_by(value):
            return True
    return False


def validate_parameters(estimator, constraints):
    """Raise InvalidParameterError, worded as scikit-learn does, for the first
    parameter that satisfies none of its constraints."""
    error_class = None
    for name, options in constraints.items():
        value = getattr(estimator, name)
        if _satisfies_any(options, value):
            continue
        if len(options) == 1:
            wanted = str(options[0])
        else:
            wanted = f"{', '.join(str(o) for o in options[:-1])} or {options[-1]}"
        error_class = error_class or _sklearn_error("InvalidParameterError",
                                                    InvalidParameterError)
        raise error_class(f"The {name!r} parameter of {type(estimator).__name__} must be "
                          f"{wanted}. Got {value!r} instead.")


def to_sklearn_constraints(constraints):
    """The same constraints as scikit-learn objects (for its test utilities), or
    ours when scikit-learn is not installed."""
    try:
        from sklearn.utils import _param_validation as pv
    except ImportError:
        return constraints
    return {name: [option.to_sklearn(pv) for option in options]
            for name, options in constraints.items()}


# --------------------------------------------------------------------------
# Threads and random state


# Fixed at build time.
_OPENMP_ENABLED = openmp_enabled()


def resolve_n_threads(n_jobs):
    """Threads for a kernel call: None means what OpenMP allows now
    (``OMP_NUM_THREADS``, threadpoolctl limits), -1 every core, a positive int
    that many; always 1 in a build without OpenMP."""
    if not _OPENMP_ENABLED:
        return 1
    if n_jobs is None:
        return int(omp_max_threads())
    if n_jobs < 0:
        return max((os.cpu_count() or 1) + 1 + int(n_jobs), 1)
    return int(n_jobs)


# Scalar operations worth one more thread: waking an OpenMP thread costs
# microseconds on an idle core and milliseconds on a busy one.
WORK_PER_THREAD = 1 << 18


def threads_for_work(n_threads, work):
    """Fewer threads for small kernels; results do not depend on the count."""
    return int(max(1, min(n_threads, work // WORK_PER_THREAD)))


def threads_for_jobs(n_jobs, work):
    """``threads_for_work(resolve_n_threads(n_jobs), work)``, without asking OpenMP
    when the work is too small for a second thread anyway."""
    if work < 2 * WORK_PER_THREAD:
        return 1
    return threads_for_work(resolve_n_threads(n_jobs), work)


def check_random_state(seed, stream=0):
    """scikit-learn's resolution: None -> numpy's global RandomState, an int ->
    a new RandomState(seed), a RandomState -> itself.

    For an int, building ``RandomState(seed)`` spends ~75 us creating a
    SeedSequence that legacy seeding then discards; re-seeding a bit generator
    kept per thread gives the identical stream in ~1 us. ``stream`` tells apart
    generators that must be alive at the same time within one call.
    """
    if seed is None or seed is np.random:
        return np.random.mtrand._rand
    if type(seed) is int or isinstance(seed, numbers.Integral):
        return _reseeded_generator(int(seed), stream)
    if isinstance(seed, np.random.RandomState):
        return seed
    raise ValueError(f"{seed!r} cannot be used to seed a numpy.random.RandomState instance")


_thread_generators = threading.local()


def _reseeded_generator(seed, stream):
    pool = getattr(_thread_generators, "pool", None)
    if pool is None:
        pool = _thread_generators.pool = {}
    bit_generator = pool.get(stream)
    if bit_generator is None:
        bit_generator = pool[stream] = np.random.MT19937(0)
    try:
        bit_generator._legacy_seeding(seed)
    except AttributeError:  # a numpy without the private hook: pay for a new one
        return np.random.RandomState(seed)
    return np.random.RandomState(bit_generator)


def randint_then_random_sample(random_state, high, n_ints, n_doubles):
    """``random_state.randint(0, high, size=n_ints)`` then
    ``random_state.random_sample(n_doubles)``: numpy's values and final state,
    computed by ``_legacy_draws`` when the generator is numpy's MT19937 (a few
    times faster), else by numpy itself."""
    bit_generator = getattr(random_state, "_bit_generator", None)
    if (isinstance(bit_generator, np.random.MT19937) and 1 <= high <= 1 << 32
            and _legacy_draws_verified()):
        ints = np.empty(n_ints, dtype=np.int_)
        doubles = np.empty(n_doubles, dtype=np.float64)
        with bit_generator.lock:
            _legacy_draws.randint_then_random_sample(bit_generator.capsule, high - 1, ints,
                                                     doubles)
        return ints, doubles
    return (random_state.randint(low=0, high=high, size=n_ints),
            random_state.random_sample(n_doubles))


def seeded_randint_then_random_sample(seed, high, n_ints, n_doubles):
    """``randint_then_random_sample(RandomState(seed), ...)`` for an int seed,
    computed without building the RandomState (its seeding is part of the
    kernel)."""
    if 1 <= high <= 1 << 32 and _legacy_draws_verified():
        ints = np.empty(n_ints, dtype=np.int_)
        doubles = np.empty(n_doubles, dtype=np.float64)
        _legacy_draws.seeded_randint_then_random_sample(seed, high - 1, ints, doubles)
        return ints, doubles
    return randint_then_random_sample(check_random_state(seed), high, n_ints, n_doubles)


_legacy_draws_checked = []


def _legacy_draws_verified():
    """Whether ``_legacy_draws`` reads this numpy's MT19937 state right: checked
    once per process against numpy's own draws and public state, from mid-block
    positions and across regenerations, for the edge ranges."""
    if not _legacy_draws_checked:
        ok = True
        for high, n_ints, n_doubles in ((1, 5, 3), (7, 1500, 700), (1 << 32, 400, 0),
                                        (50_001, 0, 900)):
            ours, numpys = np.random.RandomState(20251124), np.random.RandomState(20251124)
            ours.random_sample(high % 611)
            numpys.random_sample(high % 611)
            ints = np.empty(n_ints, dtype=np.int_)
            doubles = np.empty(n_doubles, dtype=np.float64)
            _legacy_draws.randint_then_random_sample(ours._bit_generator.capsule, high - 1,
                                                     ints, doubles)
            ok = ok and np.array_equal(ints, numpys.randint(0, high, size=n_ints))
            ok = ok and np.array_equal(doubles, numpys.random_sample(n_doubles))
            state, expected = ours.get_state(), numpys.get_state()
            ok = ok and np.array_equal(state[1], expected[1]) and state[2] == expected[2]
        for seed in (0, 12345, 2**32 - 1):
            ints = np.empty(700, dtype=np.int_)
            doubles = np.empty(900, dtype=np.float64)
            _legacy_draws.seeded_randint_then_random_sample(seed, 96, ints, doubles)
            numpys = np.random.RandomState(seed)
            ok = ok and np.array_equal(ints, numpys.randint(0, 97, size=700))
            ok = ok and np.array_equal(doubles, numpys.random_sample(900))
        _legacy_draws_checked.append(ok)
    return _legacy_draws_checked[0]


# --------------------------------------------------------------------------
# Targets

_MULTILABEL_MESSAGE = (
    "Imbalanced-learn currently supports binary, multiclass and binarized encoded "
    "multiclasss targets. Multilabel and multioutput targets are not supported."
)


def _is_pandas(obj, kind):
    module = type(obj).__module__
    return module.startswith("pandas") and type(obj).__name__ == kind


def _as_array(y):
    if type(y) is np.ndarray:  # the common case, without the checks below
        return y
    if _is_pandas(y, "Series") or _is_pandas(y, "DataFrame"):
        return y.to_numpy()
    if sparse.issparse(y):
        return y.toarray()
    return np.asarray(y)


def target_type(y):
    """scikit-learn's ``type_of_target`` for the cases a sampler meets."""
    if y is None or isinstance(y, str) or not hasattr(y, "__len__") and not hasattr(y, "shape"):
        raise ValueError(
            f"Expected array-like (array or non-string sequence), got {y!r}")
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
            raise ValueError(
                f"Input y contains infinity or a value too large for {array.dtype!r}.")
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
            "expects discrete classes on a regression target with continuous values.")


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


def feature_names(X):
    """Column names of a DataFrame when all are strings, else None (mixed string
    and non-string names are an error, as in scikit-learn)."""
    columns = None if type(X) is np.ndarray else getattr(X, "columns", None)
    if columns is None or not _is_pandas(X, "DataFrame"):
        return None
    names = np.asarray(columns, dtype=object)
    kinds = sorted({"str" if isinstance(n, str) else type(n).__name__ for n in names})
    if len(kinds) > 1 and "str" in kinds:
        raise TypeError(
            "Feature names are only supported if all input features have string names, "
            f"but your input has {kinds} as feature name / column name types. If you want "
            "feature names to be stored and validated, you must convert them all to "
            "strings, by using X.columns = X.columns.astype(str) for example. Otherwise "
            "you can remove feature names altogether, for instance by using X.to_numpy().")
    return names if kinds == ["str"] else None


def _dataframe_to_array(X):
    if all(str(dtype).startswith("Sparse") for dtype in X.dtypes) and X.shape[1] > 0:
        return X.sparse.to_coo().tocsr()
    array = X.to_numpy()
    if array.dtype == object:
        array = array.astype(np.float64)
    return array


def check_X(X, name):
    """Validated X: a C-contiguous numeric ndarray or a canonical CSR/CSC matrix
    or array, with scikit-learn's checks and messages."""
    if type(X) is not np.ndarray:
        if _is_pandas(X, "DataFrame"):
            X = _dataframe_to_array(X)
        if sparse.issparse(X):
            return _check_sparse(X, name)
        if not isinstance(X, np.ndarray):
            X = np.asarray(X)
            if X.dtype == object:
                X = X.astype(np.float64)
    if X.dtype.kind in "USV":
        raise ValueError("dtype='numeric' is not compatible with arrays of bytes/strings."
                         "Convert your data to numeric values explicitly instead.")
    if X.dtype.kind == "c":
        raise ValueError(f"Complex data not supported\n{X}\n")
    if X.dtype == object:
        X = X.astype(np.float64)
    if X.ndim == 0:
        raise ValueError(
            f"Expected 2D array, got scalar array instead:\narray={X}.\nReshape your data "
            "either using array.reshape(-1, 1) if your data has a single feature or "
            "array.reshape(1, -1) if it contains a single sample.")
    if X.ndim == 1:
        raise ValueError(
            f"Expected 2D array, got 1D array instead:\narray={X}.\nReshape your data "
            "either using array.reshape(-1, 1) if your data has a single feature or "
            "array.reshape(1, -1) if it contains a single sample.")
    if X.ndim > 2:
        raise ValueError(f"Found array with dim {X.ndim}, while dim <= 2 is required by {name}.")
    _check_shape(X.shape, name)
    if X.dtype.kind == "f":
        _check_finite(X, name)
    return np.ascontiguousarray(X)


def _check_shape(shape, name):
    if shape[0] < 1:
        raise ValueError(f"Found array with {shape[0]} sample(s) (shape={shape}) while a "
                         f"minimum of 1 is required by {name}.")
    if shape[1] < 1:
        raise ValueError(f"Found array with {shape[1]} feature(s) (shape={shape}) while a "
                         f"minimum of 1 is required by {name}.")


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
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    return X


def check_consistent_length(X, y):
    if X.shape[0] != len(y):
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"[{X.shape[0]}, {len(y)}]")


# --------------------------------------------------------------------------
# sampling_strategy


def resolve_sampling_strategy(sampling_strategy, y, classes, counts):
    """``{class: number of samples to create}``, sorted by class, as imbalanced-
    learn's ``check_sampling_strategy`` for an over-sampler."""
    if classes.size <= 1:
        raise ValueError("The target 'y' needs to have more than 1 class. Got "
                         f"{classes.size} class instead")
    stats = dict(zip(classes, counts, strict=False))
    # a few classes: Python's max/min on the counts cost less than numpy calls
    counts_list = counts.tolist()
    n_majority = max(counts_list)
    majority = classes[counts_list.index(n_majority)]  # the first, as argmax
    minority = classes[counts_list.index(min(counts_list))]
    if isinstance(sampling_strategy, str):
        if sampling_strategy == "minority":
            result = {minority: n_majority - stats[minority]}
        else:  # every class but one ('all': none left out)
            left_out = {"all": None, "not minority": minority}.get(sampling_strategy,
                                                                   majority)
            result = {c: n_majority - n for c, n in stats.items()
                      if left_out is None or c != left_out}
    elif isinstance(sampling_strategy, Mapping):
        result = _strategy_from_mapping(sampling_strategy, stats)
    elif isinstance(sampling_strategy, numbers.Real):
        if classes.size != 2:
            raise ValueError('"sampling_strategy" can be a float only when the type of '
                             "target is binary. For multi-class, use a dict.")
        result = {c: int(n_majority * sampling_strategy - n)
                  for c, n in stats.items() if c != majority}
        if any(n <= 0 for n in result.values()):
            raise ValueError("The specified ratio required to remove samples from the "
                             "minority class while trying to generate new samples. Please "
                             "increase the ratio.")
    else:  # a callable (validated)
        result = _strategy_from_mapping(sampling_strategy(y), stats)
    return OrderedDict(sorted(result.items()))


def _strategy_from_mapping(mapping, stats):
    missing = set(mapping.keys()) - set(stats.keys())
    if missing:
        raise ValueError(f"The {missing} target class is/are not present in the data.")
    if any(n < 0 for n in mapping.values()):
        raise ValueError("The number of samples in a class cannot be negative."
                         f"'sampling_strategy' contains some negative value: {mapping}")
    result = {}
    for label, n_wanted in mapping.items():
        if n_wanted < stats[label]:
            raise ValueError(
                "With over-sampling methods, the number of samples in a class should be "
                "greater or equal to the original number of samples. Originally, there is "
                f"{stats[label]} samples and {n_wanted} samples are asked.")
        result[label] = n_wanted - stats[label]
    return result
