"""What every smote_fast sampler shares: the ``fit_resample`` flow.

``fit_resample`` reads: validate -> plan -> assemble -> restore. The inputs are
validated into a ``ResampleData``; the algorithm (a subclass's ``_plan``) turns
it into a ``ResamplePlan`` of synthetic rows; an assembler writes the output in
one allocation; the caller's containers are restored around it. The plan's rows
are published as the provenance attributes ``synthetic_base_``,
``synthetic_neighbor_`` and ``synthetic_gap_``.
"""

import numpy as np

from ._assemble import assemble
from ._containers import Containers
from ._data import ResampleData
from ._estimator import EstimatorProtocol
from ._params import (
    CLEANING_STRATEGY_CONSTRAINT,
    N_JOBS_CONSTRAINT,
    RANDOM_STATE_CONSTRAINT,
    SAMPLING_STRATEGY_CONSTRAINT,
    NotFittedError,
    sklearn_error,
)
from ._validation import (
    check_classification_target,
    check_consistent_length,
    check_X,
    feature_names,
    normalise_target,
    resolve_cleaning_strategy,
    resolve_sampling_strategy,
)


def _is_dask(obj):
    """A dask collection (recognised without importing dask): resampled by
    ``smote_fast._dask``."""
    return type(obj).__module__.startswith(("dask.", "dask_expr"))


class BaseSampler(EstimatorProtocol):
    """Base class of smote_fast's samplers (not for direct use): the estimator
    protocol (see ``EstimatorProtocol``), tags, ``fit``, ``fit_resample`` and
    ``get_feature_names_out``. Subclasses resolve ``sampling_strategy_`` and
    implement ``_plan(data)``."""

    _estimator_type = "sampler"

    def __sklearn_tags__(self):
        from ._tags import sampler_tags

        return sampler_tags()

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
            The resampled rows (for an over-sampler: ``X`` followed by the
            synthetic samples), in ``X``'s container.
        y_resampled : {ndarray, series, list}
            The labels of ``X_resampled``, in ``y``'s container.
        """
        self._validate_params()
        if params:
            raise TypeError(
                f"{type(self).__name__}._fit_resample() got an unexpected "
                f"keyword argument {next(iter(params))!r}"
            )
        if type(X) is not np.ndarray and (_is_dask(X) or _is_dask(y)):
            from ._dask import fit_resample as fit_resample_dask  # imports dask

            return fit_resample_dask(self, X, y)
        check_classification_target(y)
        data, one_hot_columns = self._check_inputs(X, y)
        containers = Containers(X, y)
        X_out, y_out = self._resample(data)
        if one_hot_columns:
            y_out = (y_out[:, None] == data.classes[None, :]).astype(np.int64)
        return containers.restore(X_out, y_out)

    def _check_inputs(self, X, y):
        name = type(self).__name__
        y_flat, one_hot_columns = normalise_target(y)
        names = feature_names(X, name)
        X = self._check_X(X, name)
        check_consistent_length(X, y_flat)
        self.n_features_in_ = X.shape[1]
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        data = ResampleData(X, y_flat, getattr(self, "n_jobs", None))
        self.sampling_strategy_ = self._resolve_strategy(y_flat, data)
        return data, one_hot_columns

    def _check_X(self, X, name):
        """X validated for this sampler (numeric and finite; see ``check_X``)."""
        return check_X(X, name)

    def _resolve_strategy(self, y, data):
        """``sampling_strategy_`` from the parameter (by the sampling type)."""
        raise NotImplementedError

    def _resample(self, data):
        """Plan, assemble and record: the output arrays for validated ``data``."""
        plan = self._plan(data).finalize()
        X_out, y_out = assemble(data, plan)
        self._record(plan)
        return X_out, y_out

    def _plan(self, data):
        """The algorithm: a ``ResamplePlan`` for ``data``."""
        raise NotImplementedError

    def _record(self, plan):
        """Fitted attributes that describe the executed plan."""

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
            error = sklearn_error("NotFittedError", NotFittedError)
            raise error(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' "
                "with appropriate arguments before using this estimator."
            )
        stored = getattr(self, "feature_names_in_", None)
        if input_features is None:
            if stored is not None:
                return stored.copy()
            return np.asarray([f"x{i}" for i in range(self.n_features_in_)], dtype=object)
        input_features = np.asarray(input_features, dtype=object)
        if stored is not None and not np.array_equal(stored, input_features):
            raise ValueError("input_features is not equal to feature_names_in_")
        if len(input_features) != self.n_features_in_:
            raise ValueError(
                "input_features should have length equal to number of "
                f"features ({self.n_features_in_}), got {len(input_features)}"
            )
        return input_features


class BaseOverSampler(BaseSampler):
    """Base class of the smote_fast over-samplers (not for direct use).

    Provides scikit-learn's estimator protocol without depending on it (see
    ``EstimatorProtocol``), tags, ``fit``, ``fit_resample`` and
    ``get_feature_names_out``. Subclasses implement ``_plan(data)``.

    Every sampler sets these provenance attributes in ``fit_resample``, one entry
    per synthetic row, in output order (the synthetic rows follow the original
    rows, which need no entry):

    synthetic_base_ : ndarray of int64
        Row of the X given to ``fit_resample`` that the synthetic row starts from.
    synthetic_neighbor_ : ndarray of int64
        Row of X it moves towards (a sampler that copies a row without a
        neighbour sets it to the base row).
    synthetic_gap_ : ndarray of float64
        The position on the way: for dense float X, synthetic row ``i`` equals
        ``X[b] + synthetic_gap_[i] * (X[n] - X[b])`` with ``b, n`` its base and
        neighbour, in the sampler's own arithmetic (the difference in X's dtype,
        product and sum in float64, one cast), bit for bit. A negative gap is an
        extrapolation away from the neighbour (SVM-SMOTE's safe samples); a copy
        has gap 0. For sparse X the same formula gives the same row.

    The one exception is borderline-2's rows towards a neighbour of another
    class: imbalanced-learn scales the difference by a factor from [0, 0.5) and
    rounds it in X's dtype before the step, while ``synthetic_gap_`` holds the
    float64 product of step and factor. The formula then differs from the
    output by at most one rounding of the scaled difference in X's dtype, i.e.
    ``|error| <= eps(X.dtype) * |synthetic_gap_[i] * (X[n] - X[b])|`` plus one
    rounding of the sum.

    ``sample_indices_`` is not set: as in imbalanced-learn, only samplers that
    select rows have it.
    """

    _sampling_type = "over-sampling"

    @classmethod
    def _constraints(cls):
        return {
            "sampling_strategy": SAMPLING_STRATEGY_CONSTRAINT,
            "random_state": RANDOM_STATE_CONSTRAINT,
            "n_jobs": N_JOBS_CONSTRAINT,
        }

    def _resolve_strategy(self, y, data):
        return resolve_sampling_strategy(self.sampling_strategy, y, data.classes, data.counts)

    def _record(self, plan):
        self.synthetic_base_, self.synthetic_neighbor_, self.synthetic_gap_ = plan.provenance()


class BaseCleaningSampler(BaseSampler):
    """Base class of the cleaning under-samplers (not for direct use): they keep a
    subset of the rows, listed in ``sample_indices_``."""

    _sampling_type = "clean-sampling"

    @classmethod
    def _constraints(cls):
        return {"sampling_strategy": CLEANING_STRATEGY_CONSTRAINT, "n_jobs": N_JOBS_CONSTRAINT}

    def __sklearn_tags__(self):
        from ._tags import sampler_tags

        return sampler_tags(sample_indices=True)

    def _resolve_strategy(self, y, data):
        return resolve_cleaning_strategy(self.sampling_strategy, y, data.classes, data.counts)

    def _record(self, plan):
        self.sample_indices_ = plan.kept.astype(np.int64, copy=False)

    def _plan_in_place(self, X, y):
        """``fit_resample(X, y)`` up to its output, for a caller that writes the
        output over X itself (the combinations: ``X[kept]`` moved to X's first
        rows). ``y`` is 1-D. Returns the validated X (X itself unless validation
        converted it) and the rows kept. The fitted attributes are those
        ``fit_resample`` sets, except that an estimator fitted on X is left
        unfitted (see ``_forget_fitted_data``): X will not hold its data."""
        self._validate_params()
        check_classification_target(y)
        data, _ = self._check_inputs(X, y)
        plan = self._plan(data).finalize()
        self._record(plan)
        self._forget_fitted_data()
        return data.X, plan.kept

    def _forget_fitted_data(self):
        """Unfit the estimators that hold the data ``fit_resample`` was given."""
