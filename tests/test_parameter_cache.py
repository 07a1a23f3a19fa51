"""The cache of parameter values already found valid: it skips repeated checks,
never changes a verdict, and never keeps a user's object alive."""

import gc
import weakref

import numpy as np
import pytest

from smote_fast import SMOTE, SVMSMOTE, ExactNearestNeighbors


class _Neighbours:
    """A minimal neighbours object (valid for the k_neighbors constraint)."""

    def __init__(self, n_neighbors=6):
        self.n_neighbors = n_neighbors

    def get_params(self, deep=True):
        return {"n_neighbors": self.n_neighbors}

    def set_params(self, **params):
        self.__dict__.update(params)
        return self

    def fit(self, X):
        self._inner = ExactNearestNeighbors(n_neighbors=self.n_neighbors).fit(X)
        return self

    def kneighbors(self, X, return_distance=True):
        return self._inner.kneighbors(X, return_distance=return_distance)

    def kneighbors_graph(self, X=None):
        return self._inner.kneighbors_graph(X)


def data():
    rng = np.random.RandomState(0)
    return rng.normal(size=(80, 3)), np.array([0] * 60 + [1] * 20)


def test_user_objects_are_not_kept_alive_by_the_cache():
    X, y = data()
    neighbours = _Neighbours()
    sampler = SMOTE(k_neighbors=neighbours, random_state=0)
    sampler.fit_resample(X, y)
    watched = weakref.ref(neighbours)
    del sampler, neighbours
    gc.collect()
    assert watched() is None


def test_cached_values_still_validate_and_types_are_told_apart():
    X, y = data()
    SMOTE(k_neighbors=3, random_state=0).fit_resample(X, y)
    SMOTE(k_neighbors=3, random_state=0).fit_resample(X, y)  # from the cache
    assert (int, 3) in {item for key in SMOTE._valid_values_cache for item in key}
    with pytest.raises(ValueError, match="k_neighbors"):
        SMOTE(k_neighbors=3.0, random_state=0).fit_resample(X, y)
    with pytest.raises(ValueError, match="k_neighbors"):
        SMOTE(k_neighbors=0, random_state=0).fit_resample(X, y)


def test_classes_keep_their_own_constraints():
    X, y = data()
    SMOTE(random_state=0).fit_resample(X, y)
    with pytest.raises(ValueError, match="out_step"):
        SVMSMOTE(out_step=2.0).fit(X, y)
    assert "out_step" not in SMOTE._constraints_cache
