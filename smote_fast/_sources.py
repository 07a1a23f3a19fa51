"""Neighbour sources: where an algorithm gets the nearest neighbours of rows of X.

Every sampler asks one question, ``source.among(data, rows, queries)``: the
nearest neighbours of some rows among a set of rows of X, each query row itself
left out. Two sources answer it:

* ``ExactSource`` (an integer ``k_neighbors``/``m_neighbors``/``n_neighbors``):
  smote_fast's exact kernels, neighbours ordered by (distance, row index), the
  query excluded by index. Its answer for a row does not depend on which other
  rows are queried with it, so one search may serve several questions.
* ``EstimatorSource`` (a neighbours object the user passed): imbalanced-learn's
  exact use of it, ties included: fitted on the rows, queried with the rows
  imbalanced-learn queries, column 0 of the answer dropped.

A scale-out back-end answers the same question with a source of its own.
"""

import numbers

import numpy as np
from scipy import sparse

from ._estimator import clone_estimator
from ._neighbors import ExactNearestNeighbors, check_enough_samples, kneighbors, pairs_answer

# Queries per search in ``ExactSource.blocks``. A search's own arrays (k
# indices and distances per row, the kernel's working copies of them and, for
# rows not contiguous in X, a copy of the rows) grow with the rows asked: asked
# about every row at once, a cleaner's search held up to as much memory as its
# output, on top of the over-sampled X in a combination. Blocks of about this
# many bytes bound it. Each search also has a fixed cost (passes over the
# references for their extremes and centre, and the kernel packs the
# references once per search and per 65536 queries: about 60 ms for 180 000 x
# 20 float64 references on 2 cores, the work of some 800 query rows), so
# blocks have at least MIN_QUERY_BLOCK_ROWS rows: a few percent of the search
# time at most, for SMOTEENN at 10^5 x 20 a peak of 1.52x the output instead of
# 1.8x with blocks of 65536 rows (which cost no extra packing).
QUERY_BLOCK_BYTES = 4 << 20
MIN_QUERY_BLOCK_ROWS = 16384


def neighbors_estimator(param, n_jobs):
    """imbalanced-learn's ``check_neighbors_object(..., additional_neighbor=1)``:
    an int k gives an exact (k + 1)-neighbours estimator, an object is cloned."""
    if type(param) is int or isinstance(param, numbers.Integral):
        return ExactNearestNeighbors(n_neighbors=int(param) + 1, n_jobs=n_jobs)
    return clone_estimator(param)


def source_for(estimator):
    """The neighbour source that uses ``estimator`` (what ``neighbors_estimator``
    made, and what the sampler exposes as ``nn_k_``, ``nn_m_`` or ``nn_``)."""
    if isinstance(estimator, ExactNearestNeighbors):
        return ExactSource(estimator)
    return EstimatorSource(estimator)


class ExactSource:
    """smote_fast's exact k-NN (see the module docstring)."""

    batch_independent = True

    def __init__(self, estimator):
        self.estimator = estimator
        self.n_neighbors = estimator.n_neighbors - 1  # the estimator counts the row itself

    def fit(self, data, rows=None):
        """Fit the estimator on rows ``rows`` of X (None: all of X)."""
        X_fit = data.kernel_X if rows is None else data.X[rows]
        return self.estimator.fit(X_fit)

    def among(self, data, rows=None, queries=None):
        """Neighbours of rows ``rows[queries]`` among rows ``rows`` of X, as
        positions in ``rows`` (None: all rows / all of them)."""
        return self.fit(data, rows).kneighbors_of_fitted(queries)

    def check_enough(self, n_fit, n_queries):
        """imbalanced-learn's error when fewer rows are fitted than neighbours asked."""
        check_enough_samples(self.estimator.n_neighbors, n_fit, n_queries)

    def blocks(self, data, queries=None):
        """The neighbours among all rows of X of rows ``queries`` (None: every
        row), asked in blocks of rows: yields ``(rows, neighbours)`` with
        ``neighbours[i]`` those of row ``rows[i]``, the same as one search over
        all of them gives (the answer for a row does not depend on the rows
        asked with it), but with the search's memory bounded by a block (see
        ``QUERY_BLOCK_BYTES``). Half the rows or more, on data the search of
        every row by pairs of row blocks answers: one block, that search (its
        memory is the candidates of every row; its products half of any
        blocks'). Nothing is fitted when no row is asked."""
        n_rows = data.X.shape[0]
        n_queries = n_rows if queries is None else len(queries)
        if n_queries == 0:
            return
        estimator = self.fit(data)
        self.check_enough(n_rows, n_queries)
        X = data.kernel_X  # what the estimator was fitted on
        if 2 * n_queries >= n_rows and pairs_answer(X, self.n_neighbors):
            # one self-search bounding each pair of rows once: half the products
            # of any blocks, for scratch of about a row's neighbours and spare
            # candidates (8 bytes each) per row
            yield (
                np.arange(n_rows) if queries is None else queries,
                estimator.kneighbors_of_fitted(queries),
            )
            return
        views = queries is None and type(X) is np.ndarray
        block = query_block_rows(X, self.n_neighbors, copies_rows=not views)
        for start in range(0, n_queries, block):
            stop = min(start + block, n_queries)
            if not views:
                rows = np.arange(start, stop) if queries is None else queries[start:stop]
                yield rows, estimator.kneighbors_of_fitted(rows)
                continue
            # the estimator's search on a view of the rows instead of a copy
            rows = np.arange(start, stop)
            k = self.n_neighbors
            yield (
                rows,
                kneighbors(X[start:stop], X, k, query_in_reference=rows, n_jobs=estimator.n_jobs),
            )


def query_block_rows(X, n_neighbors, copies_rows=True):
    """Rows per block of queries into X for ``n_neighbors`` neighbours each, the
    query rows copied or not (see ``QUERY_BLOCK_BYTES``)."""
    if not copies_rows:
        row_bytes = 0
    elif type(X) is not np.ndarray and sparse.issparse(X):
        row_bytes = (X.data.nbytes + X.indices.nbytes) // max(X.shape[0], 1)
    else:
        row_bytes = X.itemsize * X.shape[1]
    per_row = row_bytes + 48 * (n_neighbors + 1) + 16
    return max(MIN_QUERY_BLOCK_ROWS, QUERY_BLOCK_BYTES // per_row)


class EstimatorSource:
    """A user's neighbours object, used as imbalanced-learn uses it."""

    batch_independent = False

    def __init__(self, estimator):
        self.estimator = estimator
        self.n_neighbors = getattr(estimator, "n_neighbors", 0) - 1
        self._fitted_on = None

    def fit(self, data, rows=None):
        """Fit on rows ``rows`` of X (None: all of X; fitted once per call then,
        since fitting is deterministic)."""
        if rows is None:
            if self._fitted_on is not data:
                self.estimator.fit(data.X)
                self._fitted_on = data
            return self.estimator
        self._fitted_on = None
        return self.estimator.fit(data.X[rows])

    def among(self, data, rows=None, queries=None):
        """As ``ExactSource.among``, by querying the rows and dropping column 0."""
        self.fit(data, rows)
        X_fit = data.X if rows is None else data.X[rows]
        query = X_fit if queries is None else X_fit[queries]
        answer = self.estimator.kneighbors(query, return_distance=False)
        return np.ascontiguousarray(np.asarray(answer)[:, 1:], dtype=np.intp)
