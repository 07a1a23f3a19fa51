"""Over-sampling followed by cleaning: SMOTE + Edited Nearest Neighbours
(Batista et al., 2004) and SMOTE + Tomek links (Batista et al., 2003)."""

import numpy as np

from . import _compact
from ._base import BaseCleaningSampler, BaseOverSampler
from ._cleaning import EditedNearestNeighbours, TomekLinks
from ._docstrings import fill_doc
from ._estimator import clone_estimator
from ._params import HasMethods, IsNone
from ._smote import SMOTE


class _Combination(BaseOverSampler):
    """An over-sampler (``smote_``) then a cleaner on its output."""

    _cleaner_name = None  # "enn" or "tomek"

    @classmethod
    def _constraints(cls):
        return {
            **super()._constraints(),
            "smote": [HasMethods(["fit_resample"]), IsNone()],
            cls._cleaner_name: [HasMethods(["fit_resample"]), IsNone()],
        }

    def _default_cleaner(self):
        raise NotImplementedError

    def _validate_estimator(self):
        """Build ``smote_`` and the cleaner (``enn_`` / ``tomek_``) from the
        parameters (imbalanced-learn's name for this step; its tests call it)."""
        self.smote_ = (
            clone_estimator(self.smote)
            if self.smote is not None
            else SMOTE(sampling_strategy=self.sampling_strategy, random_state=self.random_state)
        )
        given = getattr(self, self._cleaner_name)
        cleaner = clone_estimator(given) if given is not None else self._default_cleaner()
        setattr(self, self._cleaner_name + "_", cleaner)
        return cleaner

    def _resample(self, data):
        cleaner = self._validate_estimator()
        # imbalanced-learn records the parameter itself here, unresolved
        self.sampling_strategy_ = self.sampling_strategy
        X = data.X.tocsc() if data.csc_input else data.X
        X_over, y_over = self.smote_.fit_resample(X, data.y)
        if _own(self.smote_) and _own(cleaner) and _overwritable(X_over, X):
            # The cleaner's output written over the over-sampler's: one array
            # of the over-sampled size at the peak instead of two.
            X_valid, kept = cleaner._plan_in_place(X_over, y_over)
            if X_valid is X_over:
                return _gather_in_place(X_over, kept), y_over[kept]
            return X_valid[kept], y_over[kept]
        X_out, y_out = cleaner.fit_resample(X_over, y_over)
        return X_out, np.asarray(y_out)


def _own(estimator):
    """Whether ``estimator`` is a smote_fast sampler (not a subclass elsewhere):
    code that keeps no reference to its output and, for a cleaner, has
    ``_plan_in_place``."""
    return type(estimator).__module__.startswith("smote_fast.") and (
        isinstance(estimator, BaseOverSampler | BaseCleaningSampler)
    )


def _overwritable(X_over, X):
    """Whether an over-sampler's output may be overwritten and shrunk: a dense
    numeric array of its own (smote_fast's over-samplers allocate their output
    and keep no reference to it), sharing no memory with the input ``X``."""
    return (
        type(X_over) is np.ndarray
        and type(X) is np.ndarray
        and X_over.ndim == 2
        and X_over.dtype.kind in "biuf"
        and X_over.flags.owndata
        and X_over.flags.c_contiguous
        and X_over.flags.writeable
        and not np.may_share_memory(X_over, X)
    )


def _gather_in_place(X, kept):
    """``X[kept]``, written over X's first rows; X is then shrunk to them (its
    buffer reallocated to the smaller size, the rest released)."""
    _compact.gather_rows_in_place(X.view(np.uint8), np.ascontiguousarray(kept, dtype=np.intp))
    X.resize((len(kept), X.shape[1]), refcheck=False)  # nothing else refers to X
    return X


@fill_doc
class SMOTEENN(_Combination):
    """Over-sample with SMOTE, then clean with Edited Nearest Neighbours.

    A drop-in replacement for ``imblearn.combine.SMOTEENN`` (imbalanced-learn
    0.14.2): same parameters, attributes and, for the same ``random_state``,
    the same output, element for element on data without tied distances.

    Parameters
    ----------
    $sampling_strategy
        Used by the default SMOTE only.
    random_state : int, RandomState instance or None, default=None
        Used by the default SMOTE only.
    smote : object, default=None
        The over-sampler: any smote_fast over-sampler (``SMOTE``,
        ``BorderlineSMOTE``, ``ADASYN``, ...) or any object with
        ``fit_resample``; cloned. None: ``SMOTE(sampling_strategy=...,
        random_state=...)``.
    enn : object, default=None
        The cleaner, cloned; None: ``EditedNearestNeighbours(sampling_strategy='all',
        n_jobs=n_jobs)``.
    n_jobs : int or None, default=None
        Threads of the default cleaner. Never changes the result.

    Attributes
    ----------
    sampling_strategy_ : str, float, dict or callable
        The ``sampling_strategy`` parameter, as imbalanced-learn records it.
    smote_ : object
        The fitted over-sampler; its ``synthetic_base_``, ``synthetic_neighbor_``
        and ``synthetic_gap_`` describe the synthetic rows of its output.
    enn_ : object
        The fitted cleaner: output row ``i`` is row ``enn_.sample_indices_[i]`` of
        the over-sampler's output. When both are smote_fast's and that output is
        a dense array, the cleaned rows are moved within it in place (one array
        of the over-sampled size at the peak instead of two), so
        ``enn_.nn_`` is left unfitted: the rows it was fitted on became
        ``X_resampled``.
    $input_attributes

    Notes
    -----
    imbalanced-learn's SMOTEENN accepts only its own ``SMOTE`` (an ``isinstance``
    check that rejects even its own BorderlineSMOTE and ADASYN); this one takes
    any over-sampler.

    Examples
    --------
    >>> import numpy as np
    >>> from smote_fast import SMOTEENN
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.normal(size=(90, 2)), rng.normal(1.0, 1.0, size=(30, 2))])
    >>> y = np.array([0] * 90 + [1] * 30)
    >>> X_res, y_res = SMOTEENN(random_state=0).fit_resample(X, y)
    >>> len(y_res) < 180
    True
    """

    _cleaner_name = "enn"

    def __init__(
        self, *, sampling_strategy="auto", random_state=None, smote=None, enn=None, n_jobs=None
    ):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.smote = smote
        self.enn = enn
        self.n_jobs = n_jobs

    def _default_cleaner(self):
        return EditedNearestNeighbours(sampling_strategy="all", n_jobs=self.n_jobs)


@fill_doc
class SMOTETomek(_Combination):
    """Over-sample with SMOTE, then remove Tomek links.

    A drop-in replacement for ``imblearn.combine.SMOTETomek`` (imbalanced-learn
    0.14.2): same parameters, attributes and, for the same ``random_state``,
    the same output, element for element on data without tied distances.

    Parameters
    ----------
    $sampling_strategy
        Used by the default SMOTE only.
    random_state : int, RandomState instance or None, default=None
        Used by the default SMOTE only.
    smote : object, default=None
        The over-sampler: any smote_fast over-sampler or any object with
        ``fit_resample``; cloned. None: ``SMOTE(sampling_strategy=...,
        random_state=...)``.
    tomek : object, default=None
        The cleaner, cloned; None: ``TomekLinks(sampling_strategy='all',
        n_jobs=n_jobs)``.
    n_jobs : int or None, default=None
        Threads of the default cleaner. Never changes the result.

    Attributes
    ----------
    sampling_strategy_ : str, float, dict or callable
        The ``sampling_strategy`` parameter, as imbalanced-learn records it.
    smote_ : object
        The fitted over-sampler (see ``SMOTEENN.smote_``).
    tomek_ : object
        The fitted cleaner: output row ``i`` is row ``tomek_.sample_indices_[i]``
        of the over-sampler's output (which, when both are smote_fast's and it
        is a dense array, becomes ``X_resampled`` in place).
    $input_attributes

    Notes
    -----
    imbalanced-learn's SMOTETomek accepts only its own ``SMOTE``; this one takes
    any over-sampler.

    Examples
    --------
    >>> import numpy as np
    >>> from smote_fast import SMOTETomek
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.normal(size=(90, 2)), rng.normal(1.0, 1.0, size=(30, 2))])
    >>> y = np.array([0] * 90 + [1] * 30)
    >>> X_res, y_res = SMOTETomek(random_state=0).fit_resample(X, y)
    >>> len(y_res) <= 180
    True
    """

    _cleaner_name = "tomek"

    def __init__(
        self, *, sampling_strategy="auto", random_state=None, smote=None, tomek=None, n_jobs=None
    ):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.smote = smote
        self.tomek = tomek
        self.n_jobs = n_jobs

    def _default_cleaner(self):
        return TomekLinks(sampling_strategy="all", n_jobs=self.n_jobs)
