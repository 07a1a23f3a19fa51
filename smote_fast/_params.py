"""Constructor parameters: their constraints, the messages scikit-learn words
for a violation, their scikit-learn equivalents (for imbalanced-learn's checks),
and the exceptions.

Nothing here imports scikit-learn at module level; its exception classes are
used when it is installed, so ``except InvalidParameterError`` keeps working.
"""

import numbers
from collections.abc import Mapping

import numpy as np

# --------------------------------------------------------------------------
# Exceptions


class InvalidParameterError(ValueError, TypeError):
    """A constructor parameter has an invalid type or value (raised at fit)."""


class NotFittedError(ValueError, AttributeError):
    """The estimator is used before ``fit``."""


def sklearn_error(name, fallback):
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
        # Exact Python types first: an ABC check costs more than the rest
        # (measured by benchmarks/bench_small_call.py).
        kind = type(value)
        if kind is str or value is None:
            return False
        if kind is not int and not (self.kind == "real" and kind is float):
            number_type = numbers.Integral if self.kind == "int" else numbers.Real
            if not isinstance(value, number_type):
                return False
        left_ok = (
            self.left is None
            or value > self.left
            or (self.closed in ("left", "both") and value == self.left)
        )
        right_ok = (
            self.right is None
            or value < self.right
            or (self.closed in ("right", "both") and value == self.right)
        )
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
        # scikit-learn's names: builtins without their module ('dict', 'list'), the
        # number ABCs as 'int' and 'float'
        if self.cls in (numbers.Integral, numbers.Real):
            return f"an instance of '{'int' if self.cls is numbers.Integral else 'float'}'"
        module = self.cls.__module__
        name = (
            self.cls.__qualname__ if module == "builtins" else f"{module}.{self.cls.__qualname__}"
        )
        return f"an instance of '{name}'"

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


NEIGHBORS_CONSTRAINT = [
    Interval("int", 1, None, "left"),
    HasMethods(["kneighbors", "kneighbors_graph"]),
]
RANDOM_STATE_CONSTRAINT = [
    Interval("int", 0, 2**32 - 1, "both"),
    InstanceOf(np.random.RandomState),
    IsNone(),
]
SAMPLING_STRATEGY_CONSTRAINT = [
    Interval("real", 0.0, 1.0, "right"),
    StrOptions(["auto", "minority", "not minority", "not majority", "all"]),
    InstanceOf(Mapping),
    IsCallable(),
]
N_JOBS_CONSTRAINT = [NonZeroInt(), IsNone()]
CLEANING_STRATEGY_CONSTRAINT = [
    Interval("real", 0.0, 1.0, "right"),
    StrOptions(["auto", "majority", "not minority", "not majority", "all"]),
    InstanceOf(list),
    IsCallable(),
]


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
        error_class = error_class or sklearn_error("InvalidParameterError", InvalidParameterError)
        raise error_class(
            f"The {name!r} parameter of {type(estimator).__name__} must be "
            f"{wanted}. Got {value!r} instead."
        )


def to_sklearn_constraints(constraints):
    """The same constraints as scikit-learn objects (for its test utilities), or
    ours when scikit-learn is not installed."""
    try:
        from sklearn.utils import _param_validation as pv
    except ImportError:
        return constraints
    return {
        name: [option.to_sklearn(pv) for option in options] for name, options in constraints.items()
    }
