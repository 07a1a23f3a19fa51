"""Random over-sampling: copies of randomly picked rows of each class, or a
smoothed bootstrap (the copies perturbed by Gaussian noise, Menardi and
Torelli, 2014)."""

import numbers
from collections.abc import Mapping

import numpy as np
from scipy import sparse

from ._base import BaseOverSampler
from ._docstrings import fill_doc
from ._params import InstanceOf, Interval, IsNone
from ._plan import ResamplePlan, copy_block
from ._random import check_random_state
from ._stats import sparse_column_variances
from ._validation import check_X, check_X_any_dtype

_NUMERIC_MESSAGE = (
    "When shrinkage is not None, X needs to contain only numerical data to "
    "later generate a smoothed bootstrap sample."
)


@fill_doc
class RandomOverSampler(BaseOverSampler):
    """Over-sample by picking rows of each class at random, with replacement.

    A drop-in replacement for ``imblearn.over_sampling.RandomOverSampler``
    (imbalanced-learn 0.14.2): same parameters, attributes and errors, and for
    the same ``random_state`` the same output, element for element.

    Parameters
    ----------
    $sampling_strategy
    random_state : int, RandomState instance or None, default=None
        Resolved once per call: the classes continue one stream (as
        imbalanced-learn does); a RandomState is shared and advanced; None uses
        numpy's global one.
    shrinkage : float, dict or None, default=None
        None: plain copies. Otherwise a smoothed bootstrap: each copy is moved by
        Gaussian noise of standard deviation ``shrinkage * h * std_class`` per
        column, ``h = (4 / ((n_features + 2) * n_samples)) ** (1 / (n_features + 4))``,
        ``std_class`` the class's population standard deviation of the column. A
        float applies to every class, a dict gives a factor per class (every
        class of ``sampling_strategy_`` needs one). Needs numeric X.

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
        Number of samples created per class, sorted by class.
    sample_indices_ : ndarray of int64
        The rows of X the output rows come from: ``0 .. n_samples - 1``, then
        the row each new sample copies.
    shrinkage_ : dict or None
        The shrinkage factor of each class, or None.
    $input_attributes
    $provenance_attributes
        Here every row is a copy: ``synthetic_neighbor_`` is ``synthetic_base_``
        and the gap is 0; with ``shrinkage`` the row is its base row plus the
        Gaussian perturbation.

    Notes
    -----
    Any dtype is accepted without ``shrinkage`` (strings, NaN, datetimes): rows
    are copied. Deliberate differences from imbalanced-learn 0.14.2:

    * with ``shrinkage``, float32 and integer X keep their dtype (the smoothed
      rows are computed in float64 and cast, integers truncated toward zero),
      where imbalanced-learn returns float64;
    * with ``shrinkage``, sparse X keeps sparse synthetic rows: the noise is
      added to the stored values of the copied row (the values there equal
      imbalanced-learn's), where imbalanced-learn also fills every structural
      zero and returns dense rows; the random stream is the same;
    * X and y of different lengths raise, as for SMOTE (imbalanced-learn
      returns outputs of different lengths).

    Examples
    --------
    >>> import numpy as np
    >>> from smote_fast import RandomOverSampler
    >>> X = np.arange(10.0).reshape(5, 2)
    >>> y = np.array([0, 0, 0, 1, 1])
    >>> sampler = RandomOverSampler(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sampler.sample_indices_
    array([0, 1, 2, 3, 4, 3])
    """

    def __init__(self, *, sampling_strategy="auto", random_state=None, shrinkage=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.shrinkage = shrinkage

    @classmethod
    def _constraints(cls):
        constraints = super()._constraints()
        del constraints["n_jobs"]
        return {
            **constraints,
            "shrinkage": [Interval("real", 0.0, None, "left"), InstanceOf(dict), IsNone()],
        }

    def __sklearn_tags__(self):
        from ._tags import sampler_tags

        return sampler_tags(sample_indices=True, allow_nan=True, string=True)

    def _check_X(self, X, name):
        return check_X_any_dtype(X, name)

    def _plan(self, data):
        random_state = check_random_state(self.random_state)
        self.shrinkage_ = self._shrinkage_per_class()
        X = data.X
        if self.shrinkage_ is not None:
            X = data.X = _numeric(X, type(self).__name__)
            n_samples, n_features = X.shape
            smoothing = (4 / ((n_features + 2) * n_samples)) ** (1 / (n_features + 4))
        plan = ResamplePlan()
        picked_per_class = []
        for label, n_samples_new in self.sampling_strategy_.items():
            members = data.rows_of(label)
            picked = random_state.choice(members, size=n_samples_new, replace=True)
            picked_per_class.append(picked)
            perturbation = None
            if self.shrinkage_ is not None:
                # imbalanced-learn's factor in its operand order and dtype, then
                # randn(n, d) times it in float64 (its product with a diagonal matrix)
                factor = self.shrinkage_[label] * smoothing * _class_std(X, members)
                perturbation = random_state.randn(n_samples_new, X.shape[1])
                perturbation *= np.asarray(factor, dtype=np.float64)
            plan.add(copy_block(label, picked, perturbation))
        self.sample_indices_ = np.concatenate(
            [np.arange(data.X.shape[0], dtype=np.int64)]
            + [picked.astype(np.int64, copy=False) for picked in picked_per_class]
        )
        return plan

    def _shrinkage_per_class(self):
        if self.shrinkage is None:
            return None
        if isinstance(self.shrinkage, numbers.Real):
            return {label: self.shrinkage for label in self.sampling_strategy_}
        shrinkage = dict(self.shrinkage) if isinstance(self.shrinkage, Mapping) else None
        missing = self.sampling_strategy_.keys() - shrinkage.keys()
        if missing:
            raise ValueError(
                "`shrinkage` should contain a shrinkage factor for each class "
                "that will be resampled. The missing classes are: "
                f"{missing!r}"
            )
        for label, factor in shrinkage.items():
            if factor < 0:
                raise ValueError(
                    f"The shrinkage factor needs to be >= 0. Got {factor} for class {label}."
                )
        return shrinkage


def _numeric(X, name):
    """X as numbers for the smoothed bootstrap, with imbalanced-learn's message."""
    try:
        return check_X(X, name)
    except (ValueError, TypeError) as exc:
        raise ValueError(_NUMERIC_MESSAGE) from exc


def _class_std(X, rows):
    """Population standard deviation of each column over ``rows``: numpy's for
    dense X; for sparse X, scikit-learn's two-pass corrected algorithm
    (``mean_variance_axis``), whose sums run over the stored values in row order,
    reproduced operation for operation."""
    if not sparse.issparse(X):
        return np.std(X[rows], axis=0)
    block = X[rows].tocsr()
    block.sort_indices()
    return np.sqrt(sparse_column_variances(block.data, block.indices, *block.shape))
