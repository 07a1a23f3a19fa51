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

from ._estimator import clone_estimator
from ._neighbors import ExactNearestNeighbors, check_enough_samples


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
