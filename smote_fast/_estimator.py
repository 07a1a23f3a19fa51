"""scikit-learn's estimator protocol without depending on scikit-learn.

``EstimatorProtocol`` gives keyword parameters read from ``__init__``'s
signature, ``get_params``/``set_params`` (nested), ``repr``, ``clone``-ability
and parameter validation at fit time. The samplers and
``ExactNearestNeighbors`` share it. Once ``sklearn.base`` is imported (before or
after smote_fast), ``BaseEstimator`` is added as a second base, so tools that
discover estimators by ``issubclass`` see them and metadata routing works; our
methods stay first in the MRO.
"""

import copy
import importlib.abc
import importlib.util
import inspect
import numbers
import sys

from ._params import to_sklearn_constraints, validate_parameters

# Parameter values of these exact types are kept in the per-class cache of
# values already found valid: immutable, and never a user's object (a fitted
# SVC, a neighbours object), which the cache would otherwise keep alive.
_CACHEABLE_TYPES = frozenset({int, float, str, bool, type(None)})
_CACHE_SIZE = 64


class _SklearnParameterConstraints:
    """``_parameter_constraints`` in scikit-learn's form, built on first access
    so that importing smote_fast never imports scikit-learn."""

    def __get__(self, instance, owner):
        cache = owner.__dict__.get("_sklearn_constraints_cache")
        if cache is None:
            cache = to_sklearn_constraints(owner._constraints())
            owner._sklearn_constraints_cache = cache
        return cache


class _ProtocolRoot:
    """Root of smote_fast's estimators: ``BaseEstimator`` is added beside it once
    scikit-learn is loaded (see ``_adopt_base_estimator``)."""


class EstimatorProtocol(_ProtocolRoot):
    """Parameters, validation, ``repr`` and cloning, as scikit-learn's
    ``BaseEstimator`` provides them. Subclasses define ``_constraints()``."""

    _parameter_constraints = _SklearnParameterConstraints()

    @classmethod
    def _constraints(cls):
        """Constraint objects (see ``_params``), keyed like ``get_params``."""
        return {}

    @classmethod
    def _get_param_names(cls):
        signature = inspect.signature(cls.__init__)
        return sorted(
            p.name
            for p in signature.parameters.values()
            if p.name != "self" and p.kind != p.VAR_KEYWORD
        )

    def get_params(self, deep=True):
        """Parameters of this estimator (and, with ``deep``, of nested objects).

        Parameters
        ----------
        deep : bool, default=True
            Also return ``name__sub`` entries for parameters that are estimators.

        Returns
        -------
        params : dict
        """
        params = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                params.update((f"{name}__{key}", val) for key, val in value.get_params().items())
            params[name] = value
        return params

    def set_params(self, **params):
        """Set parameters; ``name__sub`` sets ``sub`` on a nested object.

        Returns
        -------
        self : object
        """
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested = {}
        for key, value in params.items():
            name, delim, sub_key = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {self}. Valid parameters "
                    f"are: {self._get_param_names()!r}."
                )
            if delim:
                nested.setdefault(name, {})[sub_key] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            valid[name].set_params(**sub_params)
        return self

    def __repr__(self):
        defaults = {
            p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()
        }
        changed = [
            f"{name}={getattr(self, name)!r}"
            for name in self._get_param_names()
            if repr(getattr(self, name)) != repr(defaults.get(name))
        ]
        return f"{type(self).__name__}({', '.join(changed)})"

    def _validate_params(self):
        # Each class's constraints are built once (a class attribute of its own,
        # never a parent's). Values already found valid skip the checks (a
        # pipeline refitted, a search over other parameters; measured by
        # benchmarks/bench_small_call.py). Types are part of the key, so that True
        # and 1, or 1.0 and 1, are told apart.
        cls = type(self)
        constraints = cls.__dict__.get("_constraints_cache")
        if constraints is None:
            constraints = self._constraints()
            cls._constraints_cache = constraints
            cls._valid_values_cache = set()
        values = tuple(map(self.__getattribute__, constraints))
        cacheable = all(type(value) in _CACHEABLE_TYPES for value in values)
        if cacheable:
            key = tuple(zip(map(type, values), values, strict=True))
            if key in cls._valid_values_cache:
                return
        validate_parameters(self, constraints)
        if cacheable and len(cls._valid_values_cache) < _CACHE_SIZE:
            cls._valid_values_cache.add(key)


def clone_estimator(estimator):
    """scikit-learn's ``clone`` when it is installed, else a new instance from
    deep copies of the parameters (scikit-learn is optional)."""
    try:
        from sklearn.base import clone
    except ImportError:
        return type(estimator)(
            **{key: copy.deepcopy(value) for key, value in estimator.get_params(deep=False).items()}
        )
    return clone(estimator)


def fits_reproducibly(estimator):
    """Whether refitting ``estimator`` on the same data gives the same model, by
    scikit-learn's convention: every ``random_state`` parameter (nested ones
    included, and at least one) is an int and no ``warm_start`` is on. Such an
    estimator must not draw from numpy's global generator."""
    try:
        params = estimator.get_params(deep=True)
    except Exception:  # not an estimator we can reason about
        return False
    seeds = [
        value
        for key, value in params.items()
        if key == "random_state" or key.endswith("__random_state")
    ]
    warm = [
        value
        for key, value in params.items()
        if key == "warm_start" or key.endswith("__warm_start")
    ]
    return (
        bool(seeds)
        and all(isinstance(seed, numbers.Integral) for seed in seeds)
        and all(
            flag is None or flag is False or (isinstance(flag, numbers.Integral) and flag == 0)
            for flag in warm
        )
    )


def _adopt_base_estimator():
    """Make smote_fast's estimators subclasses of scikit-learn's BaseEstimator."""
    estimator = sys.modules["sklearn.base"].BaseEstimator
    if not issubclass(EstimatorProtocol, estimator):
        EstimatorProtocol.__bases__ = (_ProtocolRoot, estimator)


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
