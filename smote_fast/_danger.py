"""Which minority rows lie on the class border: the share of a row's m nearest
neighbours, among all rows of X, that carry another label. Borderline-SMOTE and
SVM-SMOTE classify rows as safe, in danger or noise from it; ADASYN weighs rows
by it."""

import numpy as np

from ._borderline import classify_danger_noise, count_other_class

# Codes of ``OtherClassNeighbors.kinds``.
SAFE, DANGER, NOISE = 0, 1, 2


class OtherClassNeighbors:
    """The m nearest neighbours among all rows of X of the rows a sampler asks
    about, and how many of them belong to another class.

    With a batch-independent source (the exact kernels), one search over every
    row that will be asked about serves all questions. Any other source is
    fitted once on X and queried per question with exactly the rows
    imbalanced-learn queries.

    Parameters
    ----------
    source : neighbour source (see ``_sources``)
        Its ``n_neighbors`` is m.
    data : ResampleData
    rows_to_search : array of int
        Every row that will be asked about (batch-independent sources only).
    """

    def __init__(self, source, data, rows_to_search):
        self.source = source
        self.data = data
        self.m = source.n_neighbors
        self._neighbors = None
        if source.batch_independent:
            rows = np.unique(rows_to_search)
            if source.n_neighbors + 1 > data.X.shape[0]:
                # imbalanced-learn fails at the first class's query: so do we, with
                # that class's row count in the message (see ``neighbors``).
                source.fit(data)
                return
            self._neighbors = source.among(data, None, rows)
            self._position = np.full(data.X.shape[0], -1, dtype=np.intp)
            self._position[rows] = np.arange(rows.size)
        else:
            source.fit(data)

    def neighbors(self, rows):
        """The m neighbours (rows of X) of each of ``rows``, themselves excluded."""
        if not self.source.batch_independent:
            return self.source.among(self.data, None, rows)
        if self._neighbors is None:
            self.source.check_enough(self.data.X.shape[0], len(rows))
        return self._neighbors[self._position[rows]]

    def nearest(self, source, rows):
        """The ``source.n_neighbors`` nearest rows of X to each of ``rows``
        (themselves excluded) taken from this search, or None when it cannot
        answer: both sources must be exact (then the k nearest are the first k
        of the m nearest). ``source`` is fitted on X as a search of its own
        would leave it."""
        if (
            not (self.source.batch_independent and source.batch_independent)
            or self._neighbors is None
            or source.n_neighbors > self.m
        ):
            return None
        source.fit(self.data)
        return np.ascontiguousarray(self.neighbors(rows)[:, : source.n_neighbors])

    def counts(self, rows, label):
        """Number of neighbours of each of ``rows`` whose label is not ``label``."""
        neighbors = self.neighbors(rows)
        counts = np.empty(len(rows), dtype=np.intp)
        count_other_class(neighbors, self.data.codes, self.data.code_of(label), counts, 1)
        return counts

    def kinds(self, rows, label):
        """SAFE, DANGER (m/2 <= other-class neighbours < m) or NOISE (all m of
        another class) for each of ``rows``, of class ``label``."""
        kinds = np.empty(len(rows), dtype=np.int8)
        classify_danger_noise(self.counts(rows, label), self.m, kinds)
        return kinds
