"""Cleaning under-samplers: Edited Nearest Neighbours (Wilson, 1972) removes rows
whose neighbours disagree with their label; Tomek links (Tomek, 1976) removes
rows that form a cross-class pair of mutual nearest neighbours."""

import numpy as np

from ._base import BaseCleaningSampler
from ._docstrings import fill_doc
from ._params import NEIGHBORS_CONSTRAINT, StrOptions
from ._plan import ResamplePlan
from ._sources import neighbors_estimator, source_for

# Rows per pass when Tomek links are found from the nearest-neighbour column.
_LINK_BLOCK = 1 << 16

_EXACT_NEIGHBOURS_NOTE = """Neighbours are exact and ordered by (distance, row index), each row excluded
    from its own neighbours by index. imbalanced-learn instead drops "column 0"
    of a query that includes the row, assuming it is the row itself: with rows
    duplicated across classes that assumption fails (it may drop the duplicate
    and keep the row), so results differ there; on data without tied distances
    they are the same."""


@fill_doc
class EditedNearestNeighbours(BaseCleaningSampler):
    """Undersample by removing rows whose nearest neighbours disagree with them.

    A drop-in replacement for ``imblearn.under_sampling.EditedNearestNeighbours``
    (imbalanced-learn 0.14.2): same parameters, attributes, errors and output,
    including its row order (the kept rows regrouped class by class).

    Parameters
    ----------
    sampling_strategy : str, list or callable, default='auto'
        The classes to clean: ``'auto'`` (= ``'not minority'``), ``'majority'``,
        ``'not minority'``, ``'not majority'``, ``'all'``, or a list of labels.
        (A float or a callable's mapping is refused, as in imbalanced-learn.)
    n_neighbors : int or object, default=3
        Number of neighbours that vote, or a neighbours object (cloned, its
        ``n_neighbors`` counting the row itself, and used exactly as
        imbalanced-learn uses it).
    kind_sel : {'all', 'mode'}, default='all'
        ``'all'``: a row is kept when all its neighbours share its label;
        ``'mode'``: when the most common neighbour label (ties: the smallest
        label) is its own.
    n_jobs : int or None, default=None
        Threads for the kernels. Never changes the result.

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
        The cleaned classes (keys), sorted.
    nn_ : estimator object
        The neighbours estimator, fitted on all of X (unfitted when used by
        ``SMOTEENN`` in place, see ``SMOTEENN.enn_``).
    sample_indices_ : ndarray of int64
        The rows of X kept, in output order: class by class (sorted labels),
        ascending within a class.
    $input_attributes

    Notes
    -----
    {note}

    ``kind_sel='mode'`` works with string labels too (imbalanced-learn raises
    a TypeError there).

    Examples
    --------
    >>> import numpy as np
    >>> from smote_fast import EditedNearestNeighbours
    >>> X = np.array([[0.0], [0.1], [0.2], [0.15], [5.0], [5.1]])
    >>> y = np.array([0, 0, 0, 1, 1, 1])
    >>> EditedNearestNeighbours(n_neighbors=2).fit_resample(X, y)[1]
    array([0, 0, 0, 1, 1, 1])
    """

    def __init__(self, *, sampling_strategy="auto", n_neighbors=3, kind_sel="all", n_jobs=None):
        self.sampling_strategy = sampling_strategy
        self.n_neighbors = n_neighbors
        self.kind_sel = kind_sel
        self.n_jobs = n_jobs

    @classmethod
    def _constraints(cls):
        return {
            **super()._constraints(),
            "n_neighbors": NEIGHBORS_CONSTRAINT,
            "kind_sel": [StrOptions(["all", "mode"])],
        }

    def _neighbors_estimator(self):
        """``nn_`` before fitting."""
        estimator = neighbors_estimator(self.n_neighbors, self.n_jobs)
        if hasattr(estimator, "set_params") and "n_jobs" in estimator.get_params():
            estimator.set_params(n_jobs=self.n_jobs)
        return estimator

    def _plan(self, data):
        self.nn_ = self._neighbors_estimator()
        source = source_for(self.nn_)
        codes = data.codes
        targeted = np.zeros(data.classes.size, dtype=bool)
        targeted[[data.code_of(label) for label in self.sampling_strategy_]] = True
        keep = np.ones(len(codes), dtype=bool)
        if source.batch_independent:
            # one search answers every class; asked in blocks of rows, so that
            # its memory stays far below the output's
            queries = None if targeted.all() else np.flatnonzero(targeted[codes])
            for rows, neighbors in source.blocks(data, queries):
                keep[rows] = self._agrees(codes[neighbors], codes[rows])
                del rows, neighbors  # not kept while the next block is searched
        else:  # a user's neighbours object, fitted and asked class by class
            source.fit(data)
            for code in np.flatnonzero(targeted):
                rows = data.rows_of(data.classes[code])
                keep[rows] = self._agrees(codes[source.among(data, None, rows)], codes[rows])
        return ResamplePlan(kept=_rows_by_class(codes, keep, data.classes.size))

    def _forget_fitted_data(self):
        self.nn_ = self._neighbors_estimator()

    def _agrees(self, neighbor_codes, codes):
        """Whether each row's neighbours (their codes) vote for its code."""
        if self.kind_sel == "all":
            return (neighbor_codes == codes[:, None]).all(axis=1)
        # the most common code of each row, ties to the smallest (= smallest label)
        n_classes = int(max(neighbor_codes.max(initial=0), codes.max(initial=0))) + 1
        votes = np.zeros((len(neighbor_codes), n_classes), dtype=np.intp)
        np.add.at(votes, (np.arange(len(neighbor_codes))[:, None], neighbor_codes), 1)
        return votes.argmax(axis=1) == codes


def _rows_by_class(codes, keep, n_classes):
    """The rows whose ``keep`` is set, class by class (by code), ascending within
    a class: imbalanced-learn's order of the kept rows."""
    kept = np.empty(int(np.count_nonzero(keep)), dtype=np.intp)
    start = 0
    for code in range(n_classes):
        rows = np.flatnonzero(keep & (codes == code))
        kept[start : start + rows.size] = rows
        start += rows.size
    return kept


@fill_doc
class TomekLinks(BaseCleaningSampler):
    """Undersample by removing Tomek links: pairs of rows of different classes
    that are each other's nearest neighbour.

    A drop-in replacement for ``imblearn.under_sampling.TomekLinks``
    (imbalanced-learn 0.14.2): same parameters, attributes, errors and output
    (row order kept).

    Parameters
    ----------
    sampling_strategy : str, list or callable, default='auto'
        The classes whose rows may be removed: ``'auto'`` (= ``'not minority'``),
        ``'majority'``, ``'not minority'``, ``'not majority'``, ``'all'``, or a
        list of labels.
    n_jobs : int or None, default=None
        Threads for the kernels. Never changes the result.

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
        The targeted classes (keys), sorted.
    sample_indices_ : ndarray of int64
        The rows of X kept, ascending.
    $input_attributes

    Notes
    -----
    {note}

    Examples
    --------
    >>> import numpy as np
    >>> from smote_fast import TomekLinks
    >>> X = np.array([[0.0], [0.3], [1.0], [1.1], [3.0]])
    >>> y = np.array([0, 0, 0, 1, 1])
    >>> TomekLinks().fit_resample(X, y)[0].ravel()
    array([0. , 0.3, 1.1, 3. ])
    """

    def __init__(self, *, sampling_strategy="auto", n_jobs=None):
        self.sampling_strategy = sampling_strategy
        self.n_jobs = n_jobs

    def _plan(self, data):
        codes = data.codes
        nearest = np.empty(len(codes), dtype=np.intp)
        # asked in blocks of rows: the search's memory stays far below the output's
        for rows, neighbors in source_for(neighbors_estimator(1, self.n_jobs)).blocks(data):
            nearest[rows] = neighbors[:, 0]
            del rows, neighbors  # not kept while the next block is searched
        targeted = np.zeros(data.classes.size, dtype=bool)
        targeted[[data.code_of(label) for label in self.sampling_strategy_]] = True
        keep = np.empty(len(codes), dtype=bool)
        for start in range(0, len(codes), _LINK_BLOCK):  # bounded temporaries
            rows = slice(start, min(start + _LINK_BLOCK, len(codes)))
            partner = nearest[rows]
            keep[rows] = ~(
                targeted[codes[rows]]
                & (codes[partner] != codes[rows])
                & (nearest[partner] == np.arange(start, start + len(partner)))
            )
        return ResamplePlan(kept=np.flatnonzero(keep))


for _cls in (EditedNearestNeighbours, TomekLinks):
    _cls.__doc__ = _cls.__doc__.replace("{note}", _EXACT_NEIGHBOURS_NOTE)
