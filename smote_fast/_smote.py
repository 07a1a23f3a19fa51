"""SMOTE (Chawla et al., 2002): each synthetic sample lies on the segment between
a minority sample and one of its k nearest neighbours of the same class; and
Borderline-SMOTE (Han et al., 2005), which interpolates from the minority samples
on the class border only."""

import numpy as np

from ._base import BaseOverSampler
from ._danger import DANGER, OtherClassNeighbors
from ._docstrings import fill_doc
from ._params import NEIGHBORS_CONSTRAINT, StrOptions
from ._plan import NeighborTable, ResamplePlan, block_from_draws
from ._random import (
    STREAM_HALFWAY,
    check_random_state,
    randint_then_random_sample,
    seeded_randint_then_random_sample,
)
from ._sources import neighbors_estimator, source_for


class BaseSMOTE(BaseOverSampler):
    """Parameters and sample drawing shared by SMOTE and its variants."""

    def __init__(self, *, sampling_strategy="auto", random_state=None, k_neighbors=5, n_jobs=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.k_neighbors = k_neighbors
        self.n_jobs = n_jobs

    @classmethod
    def _constraints(cls):
        return {**super()._constraints(), "k_neighbors": NEIGHBORS_CONSTRAINT}

    def _draw_block(self, label, n_samples, table):
        """imbalanced-learn's draws for one block, from a freshly resolved
        generator: a flat index into the (base, neighbour column) table, then a
        uniform step."""
        # uniform(0, 1) computes 0.0 + 1.0 * random_sample(): the same values from
        # the same stream, without the two array operations.
        seed = self.random_state
        if type(seed) is int:  # a fresh RandomState(seed): seeded in the kernel
            flat, steps = seeded_randint_then_random_sample(
                seed, table.neighbors.size, n_samples, n_samples
            )
        else:
            flat, steps = randint_then_random_sample(
                check_random_state(seed), table.neighbors.size, n_samples, n_samples
            )
        return block_from_draws(label, flat, steps, table)


@fill_doc
class SMOTE(BaseSMOTE):
    """Synthetic Minority Over-sampling Technique.

    A drop-in replacement for ``imblearn.over_sampling.SMOTE``: same parameters,
    attributes and errors, and for the same ``random_state`` the same output
    (element for element on data without tied neighbour distances), computed by
    compiled kernels.

    Parameters
    ----------
    $sampling_strategy
    random_state : int, RandomState instance or None, default=None
        An int restarts the same stream for every class (as imbalanced-learn
        does); a RandomState is shared and advanced; None uses numpy's global one.
    k_neighbors : int or object, default=5
        Number of same-class nearest neighbours to interpolate with, or a
        neighbours object (e.g. scikit-learn's ``NearestNeighbors``), which is
        cloned and used exactly as imbalanced-learn uses it (its ``n_neighbors``
        counts the sample itself).
    $n_jobs

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
        Number of samples created per class, sorted by class.
    nn_k_ : estimator object
        The neighbours estimator, fitted on the last class processed.
    $input_attributes
    $provenance_attributes

    Notes
    -----
    $exact_neighbours

    Examples
    --------
    >>> import numpy as np
    >>> from smote_fast import SMOTE
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.normal(size=(100, 2)), np.array([0] * 90 + [1] * 10)
    >>> X_res, y_res = SMOTE(random_state=42).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [90, 90]
    """

    def _plan(self, data):
        self.nn_k_ = neighbors_estimator(self.k_neighbors, self.n_jobs)
        source = source_for(self.nn_k_)
        plan = ResamplePlan()
        for label, n_samples in self.sampling_strategy_.items():
            if n_samples == 0:
                continue
            class_rows = data.rows_of(label)
            table = NeighborTable(source.among(data, class_rows), class_rows, class_rows)
            plan.add(self._draw_block(label, n_samples, table))
        return plan


@fill_doc
class BorderlineSMOTE(BaseSMOTE):
    """Borderline-SMOTE: SMOTE from the minority samples on the class border.

    A drop-in replacement for ``imblearn.over_sampling.BorderlineSMOTE``
    (imbalanced-learn 0.14.2): same parameters, attributes and errors, and for
    the same ``random_state`` the same output (element for element on data
    without tied neighbour distances).

    A sample of the class being over-sampled is *in danger* when at least half,
    but not all, of its ``m`` nearest neighbours among all samples belong to
    another class (all of them: it is noise; fewer than half: it is safe). Only
    the samples in danger are interpolated from, each with one of its ``k``
    nearest neighbours: of its own class (``'borderline-1'``), or of the whole
    data set (``'borderline-2'``), where a neighbour of another class is only
    approached up to half-way.

    Parameters
    ----------
    $sampling_strategy
    random_state : int, RandomState instance or None, default=None
        An int restarts the same stream for every class (as imbalanced-learn
        does; borderline-2 restarts it once more for its half-way factors); a
        RandomState is shared and advanced; None uses numpy's global one.
    k_neighbors : int or object, default=5
        Number of nearest neighbours to interpolate with, or a neighbours object
        (e.g. scikit-learn's ``NearestNeighbors``), which is cloned and used
        exactly as imbalanced-learn uses it (its ``n_neighbors`` counts the sample
        itself).
    m_neighbors : int or object, default=10
        Number of nearest neighbours deciding whether a sample is in danger, or a
        neighbours object as for ``k_neighbors`` (it must have ``n_neighbors``).
    kind : {'borderline-1', 'borderline-2'}, default='borderline-1'
        ``'borderline-1'``: neighbours from the sample's own class.
        ``'borderline-2'``: neighbours from every class; towards a neighbour of
        another class the step is further scaled by a factor from [0, 0.5).
    $n_jobs

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
        Number of samples requested per class, sorted by class.
    nn_k_ : estimator object
        The interpolation neighbours estimator, fitted on the last class with
        samples in danger (on all of X for ``'borderline-2'``).
    nn_m_ : estimator object
        The danger neighbours estimator, fitted on all of X.
    in_danger_indices : dict
        Class label -> int64 array of the rows of X in danger, for the classes
        over-sampled by the last ``fit_resample`` (``fit`` does not set it).
    $input_attributes
    $provenance_attributes

    Notes
    -----
    As in imbalanced-learn, a class without any sample in danger is silently
    left as it is: the output then holds fewer samples than
    ``sampling_strategy_`` asks for, and that class consumes no random numbers.

    Deliberate differences from imbalanced-learn 0.14.2, which raises in these
    cases: ``'borderline-2'`` accepts integer X (differences are taken in float64
    and the result truncated toward zero) and scipy sparse *matrices* (the
    result equals imbalanced-learn's for the same data as a sparse array).

    $exact_neighbours

    References
    ----------
    H. Han, W.-Y. Wang, B.-H. Mao, "Borderline-SMOTE: a new over-sampling method
    in imbalanced data sets learning", ICIC 2005.

    Examples
    --------
    >>> import numpy as np
    >>> from smote_fast import BorderlineSMOTE
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.normal(size=(90, 2)), rng.normal(1.0, 1.0, size=(10, 2))])
    >>> y = np.array([0] * 90 + [1] * 10)
    >>> sampler = BorderlineSMOTE(random_state=42)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res)
    array([90, 90])
    >>> sampler.in_danger_indices[1]
    array([90, 92, 93, 94, 95, 96, 98, 99])
    """

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        m_neighbors=10,
        kind="borderline-1",
        n_jobs=None,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
            n_jobs=n_jobs,
        )
        self.m_neighbors = m_neighbors
        self.kind = kind

    @classmethod
    def _constraints(cls):
        return {
            **super()._constraints(),
            "m_neighbors": NEIGHBORS_CONSTRAINT,
            "kind": [StrOptions(["borderline-1", "borderline-2"])],
        }

    def _plan(self, data):
        self.nn_k_ = neighbors_estimator(self.k_neighbors, self.n_jobs)
        self.nn_m_ = neighbors_estimator(self.m_neighbors, self.n_jobs)
        self.in_danger_indices = {}
        plan = ResamplePlan()
        requested = [(label, n) for label, n in self.sampling_strategy_.items() if n > 0]
        if not requested:
            return plan
        k_source = source_for(self.nn_k_)
        border = OtherClassNeighbors(
            source_for(self.nn_m_),
            data,
            np.concatenate([data.rows_of(label) for label, _ in requested]),
        )
        all_rows = None
        for label, n_samples in requested:
            class_rows = data.rows_of(label)
            in_danger = border.kinds(class_rows, label) == DANGER
            if not in_danger.any():
                continue
            danger_rows = class_rows[in_danger]
            self.in_danger_indices[label] = danger_rows
            if self.kind == "borderline-1":
                neighbors = k_source.among(data, class_rows, np.flatnonzero(in_danger))
                table = NeighborTable(neighbors, danger_rows, class_rows)
                plan.add(self._draw_block(label, n_samples, table))
            else:
                neighbors = border.nearest(k_source, danger_rows)
                if neighbors is None:
                    neighbors = k_source.among(data, None, danger_rows)
                if all_rows is None:
                    all_rows = np.arange(data.X.shape[0], dtype=np.intp)
                block = self._draw_block(
                    label, n_samples, NeighborTable(neighbors, danger_rows, all_rows)
                )
                plan.add(self._halfway_to_other_classes(block, data))
        return plan

    def _halfway_to_other_classes(self, block, data):
        """Borderline-2: scale the difference to a neighbour of another class by
        a factor from [0, 0.5), drawn from a second resolution of the generator."""
        other_class = data.codes[block.neighbor] != data.code_of(block.label)
        random_state = check_random_state(self.random_state, stream=STREAM_HALFWAY)
        factors = random_state.uniform(low=0.0, high=0.5, size=(other_class.sum(), 1))
        block.diff_scale = np.ones(len(block))
        block.diff_scale[other_class] = factors[:, 0]
        return block
