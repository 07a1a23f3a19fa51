"""ADASYN (He et al., 2008): SMOTE that creates more samples from the minority
samples that are harder to learn, i.e. with more neighbours of other classes."""

import numpy as np

from ._base import BaseOverSampler
from ._danger import OtherClassNeighbors
from ._docstrings import fill_doc
from ._params import NEIGHBORS_CONSTRAINT
from ._plan import NeighborTable, ResamplePlan, block_from_draws
from ._random import check_random_state, randint_then_random_sample
from ._sources import neighbors_estimator, source_for


@fill_doc
class ADASYN(BaseOverSampler):
    """Adaptive Synthetic sampling.

    A drop-in replacement for ``imblearn.over_sampling.ADASYN`` (imbalanced-learn
    0.14.2): same parameters, attributes and errors, and for the same
    ``random_state`` the same output (element for element on data without tied
    neighbour distances).

    For each sample of a class, the share ``r_i`` of its ``K`` nearest
    neighbours (among all samples) that belong to another class measures how
    hard it is to learn. The ``n`` samples requested for the class are spread
    in proportion: sample ``i`` gets ``g_i = rint(n * r_i / sum(r))`` synthetic
    samples, each on the segment towards one of its ``K`` nearest neighbours of
    its own class.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default='auto'
        How many samples each class should have after resampling: a float (binary
        only, ratio to the majority), ``'minority'``, ``'not minority'``,
        ``'not majority'``, ``'all'``, ``'auto'`` (= ``'not majority'``), a mapping
        ``{class: n_samples}`` or a callable ``y -> mapping``. The counts produced
        differ slightly (see Notes).
    random_state : int, RandomState instance or None, default=None
        Resolved once per ``fit_resample``: an int gives a new stream for every
        call (so repeated calls give the same output), a RandomState is shared and
        advanced, None uses numpy's global one.
    n_neighbors : int or object, default=5
        Number of nearest neighbours ``K``, or a neighbours object (e.g.
        scikit-learn's ``NearestNeighbors``), which is cloned and used exactly as
        imbalanced-learn uses it (its ``n_neighbors`` counts the sample itself).
    $n_jobs

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
        Number of samples requested per class, sorted by class.
    nn_ : estimator object
        The neighbours estimator, fitted on the last class processed.
    $input_attributes
    $provenance_attributes

    Notes
    -----
    As in imbalanced-learn, each ``g_i`` is rounded on its own (half to even),
    so a class receives ``sum(g_i)`` new samples, which can be a few more or
    fewer than ``sampling_strategy_`` asks for. Two errors are specific:

    * ``RuntimeError`` when no neighbour of the class's samples belongs to
      another class (the message keeps imbalanced-learn's wording);
    * ``ValueError("No samples will be generated with the provided ratio
      settings.")`` when every ``g_i`` rounds to zero.

    $exact_neighbours

    References
    ----------
    H. He, Y. Bai, E. A. Garcia, S. Li, "ADASYN: Adaptive synthetic sampling
    approach for imbalanced learning", IJCNN 2008.

    Examples
    --------
    >>> import numpy as np
    >>> from smote_fast import ADASYN
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.normal(size=(90, 2)), rng.normal(1.0, 1.0, size=(10, 2))])
    >>> y = np.array([0] * 90 + [1] * 10)
    >>> X_res, y_res = ADASYN(random_state=42).fit_resample(X, y)
    >>> np.bincount(y_res)
    array([90, 92])
    """

    def __init__(self, *, sampling_strategy="auto", random_state=None, n_neighbors=5, n_jobs=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.n_neighbors = n_neighbors
        self.n_jobs = n_jobs

    @classmethod
    def _constraints(cls):
        return {**super()._constraints(), "n_neighbors": NEIGHBORS_CONSTRAINT}

    def _plan(self, data):
        self.nn_ = neighbors_estimator(self.n_neighbors, self.n_jobs)
        random_state = check_random_state(self.random_state)
        plan = ResamplePlan()
        requested = [(label, n) for label, n in self.sampling_strategy_.items() if n > 0]
        if not requested:
            return plan
        # A second estimator for the neighbours among all of X: nn_ itself is
        # re-fitted on each class.
        border = OtherClassNeighbors(
            source_for(neighbors_estimator(self.n_neighbors, self.n_jobs)),
            data,
            np.concatenate([data.rows_of(label) for label, _ in requested]),
        )
        source = source_for(self.nn_)
        n_neighbors = self.nn_.n_neighbors - 1
        for label, n_samples in requested:
            class_rows = data.rows_of(label)
            n_generate = samples_per_row(border.counts(class_rows, label), n_neighbors, n_samples)
            n_samples = np.sum(n_generate)
            table = NeighborTable(source.among(data, class_rows), class_rows, class_rows)
            # Each sample i is a base g_i times, in order; the neighbour column and
            # the step are drawn per synthetic sample.
            table_rows = np.repeat(np.arange(len(class_rows)), n_generate)
            if n_neighbors < 1:  # numpy's own error for an empty population
                random_state.choice(n_neighbors, size=n_samples)
            # choice(n) draws randint(0, n) and uniform() is 0.0 + 1.0 * random_sample().
            columns, steps = randint_then_random_sample(
                random_state, n_neighbors, n_samples, n_samples
            )
            plan.add(block_from_draws(label, table_rows * n_neighbors + columns, steps, table))
        return plan


def samples_per_row(other_class_counts, n_neighbors, n_samples):
    """ADASYN's ``g_i``: the ``n_samples`` of a class spread over its rows in
    proportion to their share of other-class neighbours, each rounded on its own
    (half to even), with imbalanced-learn's two errors."""
    ratio = other_class_counts / n_neighbors
    if not np.sum(ratio):
        raise RuntimeError(
            "Not any neigbours belong to the majority class. This case will induce "
            "a NaN case with a division by zero. ADASYN is not suited for this "
            "specific dataset. Use SMOTE instead."
        )
    ratio /= np.sum(ratio)
    n_generate = np.rint(ratio * n_samples).astype(int)
    if not np.sum(n_generate):
        raise ValueError("No samples will be generated with the provided ratio settings.")
    return n_generate
