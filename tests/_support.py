"""What the test files share: reference dependencies, data builders, the brute-force
k-NN reference, samplers from the roster, and the probes of smote_fast's internals.

Every import of a private smote_fast module by the tests goes through this file (the
"internals" section at the end), so that moving those names means editing one place.
"""

import contextlib
import importlib
import os
import sys

import numpy as np
import pytest

from smote_fast import _compact, _data, _kmeans_smote, _neighbors, _random, _sources, _threads
from smote_fast._neighbors import kneighbors  # noqa: F401  (the tests' k-NN front end)
from smote_fast._roster import OVER_SAMPLING, VARIANTS, variant

# ---------------------------------------------------------- reference dependencies

#: modules the test suite compares against or needs; in CI a missing one is a failure
REFERENCE_DEPENDENCIES = (
    "imblearn",
    "sklearn",
    "pandas",
    "threadpoolctl",
    "hypothesis",
    "polars",
    "dask",
    "distributed",
    "pyarrow",
)


def in_ci():
    """True when the environment variable CI is "true" (GitHub Actions, GitLab, ...)."""
    return os.environ.get("CI", "").strip().lower() == "true"


def require(module_name, reason=None):
    """Import and return ``module_name``.

    Outside CI a missing module skips the caller (like ``pytest.importorskip``); with
    ``CI=true`` a missing reference dependency (see ``REFERENCE_DEPENDENCIES``) fails
    it, so a broken install cannot pass CI by skipping its comparisons.
    """
    try:
        return importlib.import_module(module_name)
    except ImportError as exc:
        top = module_name.partition(".")[0]
        message = f"could not import {module_name!r}: {exc}" + (f" ({reason})" if reason else "")
        if in_ci() and top in REFERENCE_DEPENDENCIES:
            pytest.fail(f"CI=true: reference dependency missing: {message}", pytrace=False)
        pytest.skip(message, allow_module_level=True)


# ------------------------------------------------------------------------- data


def gaussian_classes(
    rng, counts, n_features, *, shift=1.5, dtype="float64", labels=None, int_scale=1e5
):
    """One unit-variance Gaussian blob per class (``counts[c]`` rows of class c), its
    centre ``shift`` from the origin in a random direction (so the classes overlap and
    danger samples exist), rows shuffled.  Continuous, hence tie-free with probability
    one; an integer ``dtype`` gets ``round(x * int_scale)``.  ``labels[c]`` replaces c."""
    means = rng.normal(size=(len(counts), n_features))
    means *= shift / np.linalg.norm(means, axis=1, keepdims=True)
    X = np.concatenate([rng.normal(size=(c, n_features)) + means[i] for i, c in enumerate(counts)])
    y = np.repeat(np.arange(len(counts)), counts)
    order = rng.permutation(len(y))
    X, y = X[order], y[order]
    if np.dtype(dtype).kind in "iu":
        X = np.round(X * int_scale).astype(dtype)
    else:
        X = X.astype(dtype)
    if labels is not None:
        y = np.asarray(labels)[y]
    return X, y


def class_counts(rng, n_classes, n_max=None):
    """Well separated counts: majority, then ~half, then ~a quarter of it."""
    n_max = int(rng.randint(70, 121)) if n_max is None else n_max
    fractions = [1.0, rng.uniform(0.35, 0.6), rng.uniform(0.15, 0.3), rng.uniform(0.2, 0.3)]
    return [max(16, int(n_max * f)) for f in fractions[:n_classes]]


def with_duplicates(rng, X, y, fraction=0.3):
    """Append copies of a random subset of the rows (some twice), then shuffle."""
    pick = rng.choice(len(y), size=max(1, int(fraction * len(y))), replace=True)
    X, y = np.concatenate([X, X[pick]]), np.concatenate([y, y[pick]])
    order = rng.permutation(len(y))
    return X[order], y[order]


def integer_grid(rng, n, n_features, levels=4):
    """Rows on a small integer grid, as float64: massive distance ties."""
    return rng.randint(0, levels, size=(n, n_features)).astype(np.float64)


def has_distance_ties(X, y, n_ranks):
    """Exact ties among the first ``n_ranks`` neighbours of any row, within its class
    or in the whole set (the neighbour sets the samplers use)."""
    X = np.asarray(X, dtype=np.float64)
    for A in [X] + [X[y == c] for c in np.unique(y)]:
        sq = np.sort(((A[:, None, :] - A[None, :, :]) ** 2).sum(axis=2), axis=1)
        if (np.diff(sq[:, : n_ranks + 2], axis=1) == 0).any():
            return True
    return False


def tie_free_gaussian_classes(rng, counts, n_features, dtype, n_ranks, **kwargs):
    """``gaussian_classes``, redrawn until integer data have no distance tie."""
    for _ in range(20):
        X, y = gaussian_classes(rng, counts, n_features, dtype=dtype, **kwargs)
        if np.dtype(dtype).kind not in "iu" or not has_distance_ties(X, y, n_ranks):
            return X, y
    raise AssertionError("could not draw tie-free integer data")  # pragma: no cover


# ------------------------------------------------------------- reference k-NN


def reference_knn(query, reference, k, exclude=None, chunk=256):
    """Brute-force exact k-NN with numpy: float64 squared distances summed in feature
    order (as the kernels sum), ordered by (squared distance, index) with a stable
    sort; ``exclude[i]`` is a reference row left out for query i (-1: none), i.e. the
    query's own row, excluded by index.  Returns (indices, squared distances)."""
    query = np.asarray(query, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    out_idx = np.empty((len(query), k), dtype=np.intp)
    out_dist = np.empty((len(query), k), dtype=np.float64)
    for start in range(0, len(query), chunk):
        q = query[start : start + chunk]
        dist = np.zeros((len(q), len(reference)))
        for f in range(q.shape[1]):
            dist += (q[:, None, f] - reference[None, :, f]) ** 2
        if exclude is not None:
            ex = np.asarray(exclude[start : start + chunk])
            rows = np.flatnonzero(ex >= 0)
            dist[rows, ex[rows]] = np.inf
        order = _smallest_in_order(dist, k)
        out_idx[start : start + chunk] = order
        out_dist[start : start + chunk] = np.take_along_axis(dist, order, axis=1)
    return out_idx, out_dist


def _smallest_in_order(dist, k):
    """Column indices of each row's k smallest values, by (value, column)."""
    if dist.shape[1] <= 4096 or k >= dist.shape[1]:
        return np.argsort(dist, axis=1, kind="stable")[:, :k]
    # a stable sort of the candidates up to the k-th value (ties included) only
    kth = np.partition(dist, k - 1, axis=1)[:, k - 1]
    order = np.empty((len(dist), k), dtype=np.intp)
    for i, row in enumerate(dist):
        candidates = np.flatnonzero(row <= kth[i])
        order[i] = candidates[np.argsort(row[candidates], kind="stable")[:k]]
    return order


def class_knn(X_class, k):
    """k exact neighbours of each row within its class, itself excluded by index."""
    return reference_knn(X_class, X_class, k, exclude=np.arange(len(X_class)))[0]


# ------------------------------------------------------------- segment check


def assert_on_segments(
    synthetic,
    bases,
    neighbour_data,
    neighbour_idx,
    t_low=0.0,
    t_high=1.0,
    rtol=1e-9,
    t_high_other=None,
    other_mask=None,
):
    """Each synthetic row s must equal x + t (z - x) for some base row x = bases[i], a
    neighbour z = neighbour_data[neighbour_idx[i, j]] and t in [t_low, t_high] (for
    neighbours flagged in ``other_mask``: t in [t_low, t_high_other])."""
    synthetic = np.asarray(synthetic, dtype=np.float64)
    if len(synthetic) == 0:
        return
    bases = np.asarray(bases, dtype=np.float64)
    neighbour_data = np.asarray(neighbour_data, dtype=np.float64)
    k = neighbour_idx.shape[1]
    A = np.repeat(bases, k, axis=0)  # pair p = (i, j)
    B = neighbour_data[neighbour_idx.ravel()]
    D = B - A
    norm2 = (D**2).sum(axis=1)
    upper = np.full(len(A), t_high, dtype=np.float64)
    if other_mask is not None:
        upper[other_mask.ravel()] = t_high_other
    scale = max(1.0, np.abs(bases).max(), np.abs(neighbour_data).max())
    tol = rtol * scale * np.sqrt(synthetic.shape[1])
    for r, s in enumerate(synthetic):
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(norm2 > 0, ((s - A) * D).sum(axis=1) / norm2, 0.0)
        t_clipped = np.clip(t, t_low, upper)
        residual = np.sqrt(((A + t_clipped[:, None] * D - s) ** 2).sum(axis=1))
        ok = residual <= tol
        assert ok.any(), (
            f"synthetic row {r} {s} is on no segment base -> k-NN "
            f"(closest residual {residual.min():.3g}, tolerance {tol:.3g})"
        )


def mixed_queries(rng, data, n_features, n_ref=900):
    """A reference set (``data``: 'tie_free64', 'tie_free32', 'grid' or
    'duplicates') and queries mixing 300 of its rows (excluded by index: ``own``)
    with 100 new rows. Returns ``(reference, query, own)``."""
    if data.startswith("tie_free"):
        reference = rng.normal(size=(n_ref, n_features)).astype(
            "float32" if data.endswith("32") else "float64"
        )
    elif data == "grid":
        reference = integer_grid(rng, n_ref, n_features)
    else:
        reference = rng.normal(size=(n_ref // 3, n_features))
        reference = reference[rng.randint(0, len(reference), size=n_ref)]
    own = rng.choice(n_ref, 300, replace=False)
    query = np.concatenate(
        [reference[own], rng.normal(size=(100, n_features)).astype(reference.dtype)]
    )
    return reference, query, own


# ----------------------------------------------------------------- samplers


#: pytest ids and values for "every sampler" parametrisations
VARIANT_KEYS = tuple(v.key for v in VARIANTS)
NEEDS_M = tuple(v.key for v in VARIANTS if "m_neighbors" in v.neighbor_params)
#: the SMOTE family: over-samplers that interpolate between a row and one of its k
#: nearest neighbours, with imbalanced-learn's SMOTE parameters and working defaults
#: on any overlapping classes (K-Means SMOTE's need data with clusters; it has tests
#: of its own in test_family.py)
SMOTE_FAMILY_KEYS = tuple(
    v.key for v in VARIANTS if v.kind == OVER_SAMPLING and v.interpolates and not v.example_params
)
#: samplers with an ``n_jobs`` thread count (RandomOverSampler has no parallel kernel)
#: that take the generic continuous data of the determinism tests: SMOTENC and SMOTEN
#: would make every distinct float a category (thousands of levels per column); their
#: thread tests, on categorical data, are in test_smote_nc.py
THREADED_KEYS = tuple(
    v.key
    for v in VARIANTS
    if "n_jobs" in v.cls._get_param_names() and v.kind != "nominal over-sampling"
)


def takes(key, parameter):
    """Whether the variant's class has the constructor parameter ``parameter``."""
    return parameter in by_key(key).cls._get_param_names()


def by_key(key):
    """The roster entry called ``key`` (or the entry itself)."""
    return key if not isinstance(key, str) else variant(key)


def k_param(key):
    """Name of the variant's k parameter (``k_neighbors`` or ``n_neighbors``)."""
    return by_key(key).neighbor_params[0]


def ours(key, **params):
    """smote_fast's sampler of the variant, with its example parameters (see the
    roster); ``random_state`` and ``n_jobs`` are passed only to classes that take
    them, so that "every sampler" tests can name them."""
    entry = by_key(key)
    for name in ("random_state", "n_jobs"):
        if name in params and not takes(entry, name):
            del params[name]
    return entry.make(**{**entry.example_params, **params})


def imblearn_class(key):
    """imbalanced-learn's class of the same name (skip / CI failure without it)."""
    module = require(by_key(key).imblearn_module)
    return getattr(module, by_key(key).cls.__name__)


def theirs(key, **params):
    """imbalanced-learn's sampler of the variant (same fixed and example parameters)."""
    entry = by_key(key)
    if "random_state" in params and not takes(entry, "random_state"):
        del params["random_state"]
    return imblearn_class(entry)(**{**entry.params, **entry.example_params, **params})


def variants(*, sklearn=True, keys=VARIANT_KEYS):
    """``pytest.param`` per roster entry among ``keys`` (id: its key);
    ``sklearn=False`` leaves out variants whose defaults need scikit-learn."""
    return [
        pytest.param(v.key, id=v.key)
        for v in VARIANTS
        if v.key in keys and (sklearn or not v.needs_sklearn)
    ]


# ----------------------------------------------------- which k-NN path ran


@contextlib.contextmanager
def paths_taken():
    """Context manager yielding a list that receives the name of each k-NN path
    smote_fast runs inside it ('csr_index', 'csr', 'direct', 'grid', 'kdtree', 'gemm_pairs',
    'gemm'; a gemm
    search that leaves rows to direct differences adds 'direct'): the package's
    ``_neighbors.record_paths``."""
    with _neighbors.record_paths() as paths:
        yield paths


# --------------------------------------------------------- threads really used


def openmp_enabled():
    return _openmp_helpers().openmp_enabled()


def distinct_threads(n_threads):
    """How many distinct OpenMP threads ran a parallel region asked for ``n_threads``."""
    return _openmp_helpers().distinct_threads(n_threads)


def _openmp_helpers():
    return importlib.import_module("smote_fast._openmp_helpers")


class ThreadRecorder:
    """The thread counts smote_fast's thread rule handed to kernels since the last
    ``take()``."""

    def __init__(self):
        self.counts = []

    def take(self):
        counts, self.counts = self.counts, []
        return counts


def record_threads(monkeypatch, work_per_thread=4096):
    """Lower the work a kernel needs per thread to ``work_per_thread`` (so that even
    test-sized problems run on several threads) and record the thread count every
    kernel call is given.  Returns a ``ThreadRecorder``."""
    threads = threads_module()
    monkeypatch.setattr(threads, "WORK_PER_THREAD", work_per_thread)
    recorder = ThreadRecorder()
    for name in ("threads_for_jobs", "threads_for_work"):
        real = getattr(threads, name)

        def recording(*args, _real=real, **kwargs):
            n = _real(*args, **kwargs)
            recorder.counts.append(n)
            return n

        # every module that imported the function by name calls its own binding
        for module_name, module in list(sys.modules.items()):
            if module_name.split(".")[0] == "smote_fast" and getattr(module, name, None) is real:
                monkeypatch.setattr(module, name, recording)
    return recorder


def assert_several_threads_ran(counts):
    """A multi-thread run really used more than one thread: some kernel was given
    more than one (``counts`` from ``ThreadRecorder.take``), and OpenMP really runs
    that many distinct threads.  Call only where OpenMP is built."""
    most = max(counts, default=0)
    assert most > 1, f"every kernel ran on one thread: {sorted(set(counts))}"
    ran = distinct_threads(most)
    assert ran > 1, f"OpenMP ran {ran} thread(s) when asked for {most}"


_NO_DIRECT_OR_TREE = dict(
    DIRECT_MAX_FEATURES=0, DIRECT_MAX_REFERENCES=0, DIRECT_MAX_PAIRS=0, TREE_MAX_FEATURES=0
)

#: thresholds that force each k-NN path in ``smote_fast._neighbors.kneighbors``
FORCED_PATHS = {
    "direct": dict(DIRECT_MAX_FEATURES=10**6),
    "kdtree": dict(
        DIRECT_MAX_FEATURES=0,
        DIRECT_MAX_REFERENCES=0,
        DIRECT_MAX_PAIRS=0,
        TREE_MAX_FEATURES=10**6,
        TREE_LEAF_SIZE=5,
        GRID_MAX_FEATURES=0,
    ),
    "grid": dict(
        DIRECT_MAX_FEATURES=0,
        DIRECT_MAX_REFERENCES=0,
        DIRECT_MAX_PAIRS=0,
        TREE_MAX_FEATURES=10**6,
        GRID_MAX_FEATURES=10**6,
        GRID_MAX_CROWDING=10**9,
    ),
    "gemm": dict(_NO_DIRECT_OR_TREE, PAIRS_MIN_ROWS=10**18),
    # a self-search of every row; other searches take the gemm path. Small
    # blocks: many rounds, an odd number of blocks (a bye) and a short last block.
    "gemm_pairs": dict(_NO_DIRECT_OR_TREE, PAIRS_MIN_ROWS=0, PAIRS_BLOCK=37),
}


def force_path(monkeypatch, name):
    """Set ``_neighbors``' thresholds so that every search takes the path ``name``."""
    for attribute, value in FORCED_PATHS[name].items():
        monkeypatch.setattr(_neighbors, attribute, value)


#: the sparse k-NN paths; the cost model in ``_neighbors`` picks one
SPARSE_PATHS = ("csr_index", "csr")


def force_sparse_path(monkeypatch, name):
    """Make the sparse path table pick ``name`` ('csr_index': inverted index,
    'csr': merge of every pair) whatever the shapes."""
    cheap, dear = (0.0, 1e30) if name == "csr_index" else (1e30, 0.0)
    for attribute in ("INDEX_PER_PRODUCT", "INDEX_PER_STORED", "INDEX_PER_CANDIDATE_STEP"):
        monkeypatch.setattr(_neighbors, attribute, cheap)
    monkeypatch.setattr(_neighbors, "MERGE_PER_STEP", dear)


def assert_ran(path, paths):
    assert path in paths, f"expected the {path} path, the kernels called: {paths}"


# -------------------------------------------------------------- internals
# The one place that names smote_fast's private modules (besides _neighbors above).


def threads_module():
    """The module holding WORK_PER_THREAD / threads_for_jobs / threads_for_work."""
    return _threads


def random_module():
    """The module holding the legacy-draws helpers (randint_then_random_sample, ...)."""
    return _random


def encode_labels(y):
    return _data.encode_labels(y)


def resample_data_class():
    return _data.ResampleData


def sum_of_distances(X):
    """KMeansSMOTE's blockwise sum of the distances of all ordered pairs of rows."""
    return _kmeans_smote._sum_of_distances(X)


def set_distance_block(monkeypatch, entries):
    """Make that sum work in blocks of about ``entries`` distances."""
    monkeypatch.setattr(_kmeans_smote, "_DISTANCE_BLOCK", entries)


def sources_module():
    """The module holding the query blocks (QUERY_BLOCK_BYTES, MIN_QUERY_BLOCK_ROWS)."""
    return _sources


def compact_module():
    """The kernel module that moves rows in place (gather_rows_in_place)."""
    return _compact


def kmeans_smote_module():
    """The module holding _sum_of_distances and its _DISTANCE_BLOCK."""
    return _kmeans_smote
