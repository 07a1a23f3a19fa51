"""SMOTE (Chawla et al., 2002): each synthetic sample lies on the segment between
a minority sample and one of its k nearest neighbours of the same class."""

import numpy as np

from ._base import BaseOverSampler, SyntheticBlock
from ._interpolate import resolve_pairs
from ._neighbors import make_neighbors_estimator, neighbors_within
from ._validation import NEIGHBORS_CONSTRAINT, check_random_state


class BaseSMOTE(BaseOverSampler):
    """Parameters and sample drawing shared by SMOTE and its variants."""

    def __init__(self, *, sampling_strategy="auto", random_state=None, k_neighbors=5,
                 n_jobs=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.k_neighbors = k_neighbors
        self.n_jobs = n_jobs

    @classmethod
    def _constraints(cls):
        return {**super()._constraints(), "k_neighbors": NEIGHBORS_CONSTRAINT}

    def _draw_block(self, label, n_samples, neighbors, base_rows, neighbor_rows):
        """imbalanced-learn's draws for one block, from a freshly resolved
        generator: a flat index into the (base, neighbour column) table, then a
        uniform step. ``base_rows``/``neighbor_rows`` map the table's rows and
        entries to rows of X."""
        random_state = check_random_state(self.random_state)
        flat = random_state.randint(low=0, high=neighbors.size, size=n_samples)
        # uniform(0, 1) computes 0.0 + 1.0 * random_sample(): the same values from
        # the same stream, without the two array operations.
        steps = random_state.random_sample(n_samples)
        base = np.empty(n_samples, dtype=np.intp)
        neighbor = np.empty(n_samples, dtype=np.intp)
        resolve_pairs(flat.astype(np.int64, copy=False), neighbors, base_rows, neighbor_rows, base, neighbor)
        return SyntheticBlock(label, base, neighbor, steps, None)


class SMOTE(BaseSMOTE):
    """Synthetic Minority Over-sampling Technique.

    A drop-in replacement for ``imblearn.over_sampling.SMOTE``: same parameters,
    attributes and errors, and for the same ``random_state`` the same output
    (element for element on data without tied neighbour distances), computed by
    compiled kernels.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default='auto'
        How many samples each class should have after resampling: a float (binary
        only, ratio to the majority), ``'minority'``, ``'not minority'``,
        ``'not majority'``, ``'all'``, ``'auto'`` (= ``'not majority'``), a mapping
        ``{class: n_samples}`` or a callable ``y -> mapping``.
    random_state : int, RandomState instance or None, default=None
        An int restarts the same stream for every class (as imbalanced-learn
        does); a RandomState is shared and advanced; None uses numpy's global one.
    k_neighbors : int or object, default=5
        Number of same-class nearest neighbours to interpolate with, or a
        neighbours object (e.g. scikit-learn's ``NearestNeighbors``), which is
        cloned and used exactly as imbalanced-learn uses it (its ``n_neighbors``
        counts the sample itself).
    n_jobs : int or None, default=None
        Threads for the kernels (None: what OpenMP allows; -1: all cores). Never
        changes the result.

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
        Number of samples created per class, sorted by class.
    nn_k_ : estimator object
        The neighbours estimator, fitted on the last class processed.
    n_features_in_ : int
        Number of features seen at fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names seen at fit (only when all are strings).

    Notes
    -----
    Neighbours are exact and ordered by (distance, row index), the sample itself
    excluded by index. On data with ties this is reproducible where
    imbalanced-learn's result depends on scikit-learn's algorithm and thread
    count; pass a ``NearestNeighbors`` object to follow imbalanced-learn exactly.

    Examples
    --------
    >>> from collections import Counter
    >>> import numpy as np
    >>> from smote_fast import SMOTE
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.normal(size=(100, 2)), np.array([0] * 90 + [1] * 10)
    >>> X_res, y_res = SMOTE(random_state=42).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(0, 90), (1, 90)]
    """

    def _fit_resample(self, data):
        self.nn_k_ = make_neighbors_estimator(self.k_neighbors, self.n_jobs)
        blocks = []
        for label, n_samples in self.sampling_strategy_.items():
            if n_samples == 0:
                continue
            class_rows = data.rows_of(label)
            X_class = data.X[class_rows]
            neighbors = neighbors_within(self.nn_k_, X_class)
            blocks.append(self._draw_block(label, n_samples, neighbors, class_rows,
                                           class_rows))
        return self._assemble(data, blocks)
