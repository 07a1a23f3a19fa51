"""K-Means SMOTE (Douzas, Bacao and Last, 2018): cluster the data, keep the
clusters where the class being over-sampled is well represented, and run SMOTE
inside each of them, more samples going to sparser clusters."""

import math
import numbers

import numpy as np
from scipy import sparse

from ._cluster import sum_upper_distances
from ._docstrings import fill_doc
from ._estimator import clone_estimator, fits_reproducibly
from ._params import HasMethods, InstanceOf, Interval, IsNone, StrOptions
from ._plan import NeighborTable, ResamplePlan
from ._smote import BaseSMOTE
from ._sources import neighbors_estimator, source_for
from ._threads import threads_for_jobs

_NO_SKLEARN_MESSAGE = (
    "KMeansSMOTE's default kmeans_estimator is scikit-learn's MiniBatchKMeans, and "
    'scikit-learn is not installed: pip install "smote_fast[sklearn]" (or pass your own '
    "kmeans_estimator)."
)
# Pairwise distances are summed over blocks of about this many entries (32 MiB);
# a cluster of up to 2048 class rows is one block, computed and summed exactly
# as scikit-learn's pairwise_distances and imbalanced-learn's sum.
_DISTANCE_BLOCK = 1 << 22


@fill_doc
class KMeansSMOTE(BaseSMOTE):
    """Over-sample with SMOTE inside the clusters of a k-means clustering.

    A drop-in replacement for ``imblearn.over_sampling.KMeansSMOTE``
    (imbalanced-learn 0.14.2): same parameters, attributes and errors, and for
    the same ``random_state`` the same output (element for element on data
    without tied neighbour distances).

    For each class to over-sample, the rows of X (all classes) are clustered;
    a cluster is kept when its share of the class is at least
    ``cluster_balance_threshold`` and it holds more class rows than
    ``k_neighbors``. Each kept cluster gets ``ceil(n * w)`` samples, ``w`` its
    sparsity ``mean_distance ** density_exponent / n_class_rows`` over the sum,
    made by SMOTE among its class rows.

    Parameters
    ----------
    $sampling_strategy
    random_state : int, RandomState instance or None, default=None
        Seeds the draws and the default clustering. As in imbalanced-learn, an
        int restarts the same stream for every cluster; a RandomState is shared
        with the default MiniBatchKMeans and advanced by both.
    k_neighbors : int or object, default=2
        Number of same-class nearest neighbours to interpolate with, or a
        neighbours object (cloned, used exactly as imbalanced-learn uses it).
    $n_jobs
    kmeans_estimator : int or object, default=None
        None: scikit-learn's ``MiniBatchKMeans(random_state=random_state)``; an
        int: the same with that many clusters; an object with ``fit`` and
        ``predict``, ``fit_predict`` and ``n_clusters`` (cloned).
    cluster_balance_threshold : 'auto' or float, default='auto'
        Least share of the class in a cluster to keep it. ``'auto'`` is
        imbalanced-learn's ``n / N / 2`` (``n`` samples to create for the class,
        ``N`` for all classes): 0.5 for binary problems. Ignored (-inf) with one
        cluster.
    density_exponent : 'auto' or float, default='auto'
        Exponent of the mean distance in the sparsity. ``'auto'`` is
        imbalanced-learn's ``0.16 * log(n_rows, 1.6) ** 1.8`` with ``n_rows``
        the cluster's class rows (the paper uses the number of features).

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
        Number of samples requested per class, sorted by class.
    nn_k_ : estimator object
        The neighbours estimator, fitted on the last cluster processed.
    kmeans_estimator_ : estimator object
        The clustering estimator, fitted for the last class processed.
    cluster_balance_threshold_ : 'auto' or float
        The threshold used (-inf with one cluster).
    $input_attributes
    $provenance_attributes

    Notes
    -----
    Kept as in imbalanced-learn, so that the output is the same: the ``'auto'``
    threshold and density exponent above, and the per-cluster rounding up,
    which creates up to (number of kept clusters - 1) more samples than
    ``sampling_strategy_`` asks for (imbalanced-learn #1186).

    Deliberate differences: one clustering per call when refitting would give
    the same clustering (the default or a given estimator with int seeds;
    imbalanced-learn refits it for every class); the mean pairwise distance of
    a cluster is summed blockwise instead of from the full matrix (its last
    bits may differ, which changes a count only if ``n * w`` lies within about
    1e-15 of an integer); when the weights are undefined (every kept cluster's
    rows coincide, so all sparsities are 0), the clusters share the samples
    equally where imbalanced-learn fails with "cannot convert float NaN to
    integer".

    References
    ----------
    G. Douzas, F. Bacao, F. Last, "Improving imbalanced learning through a
    heuristic oversampling method based on k-means and SMOTE", Information
    Sciences 465, pp. 1-20, 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from smote_fast import KMeansSMOTE
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.normal(size=(100, 2)), rng.normal(4.0, 0.5, size=(40, 2))])
    >>> y = np.array([0] * 100 + [1] * 40)
    >>> sampler = KMeansSMOTE(kmeans_estimator=2, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [100, 100]
    """

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=2,
        n_jobs=None,
        kmeans_estimator=None,
        cluster_balance_threshold="auto",
        density_exponent="auto",
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
            n_jobs=n_jobs,
        )
        self.kmeans_estimator = kmeans_estimator
        self.cluster_balance_threshold = cluster_balance_threshold
        self.density_exponent = density_exponent

    @classmethod
    def _constraints(cls):
        return {
            **super()._constraints(),
            "kmeans_estimator": [
                HasMethods(["fit", "predict"]),
                Interval("int", 1, None, "left"),
                IsNone(),
            ],
            "cluster_balance_threshold": [StrOptions(["auto"]), InstanceOf(numbers.Real)],
            "density_exponent": [StrOptions(["auto"]), InstanceOf(numbers.Real)],
        }

    def _make_kmeans(self):
        if self.kmeans_estimator is not None and not isinstance(
            self.kmeans_estimator, numbers.Integral
        ):
            return clone_estimator(self.kmeans_estimator)
        try:
            from sklearn.cluster import MiniBatchKMeans
        except ImportError as exc:
            raise ImportError(_NO_SKLEARN_MESSAGE) from exc
        if self.kmeans_estimator is None:
            return MiniBatchKMeans(random_state=self.random_state)
        return MiniBatchKMeans(n_clusters=self.kmeans_estimator, random_state=self.random_state)

    def _plan(self, data):
        self.nn_k_ = neighbors_estimator(self.k_neighbors, self.n_jobs)
        self.kmeans_estimator_ = self._make_kmeans()
        n_clusters = self.kmeans_estimator_.n_clusters
        self.cluster_balance_threshold_ = (
            self.cluster_balance_threshold if n_clusters != 1 else -np.inf
        )
        source = source_for(self.nn_k_)
        total = sum(self.sampling_strategy_.values())
        # One clustering serves every class when refitting would repeat it.
        reuse = fits_reproducibly(self.kmeans_estimator_)
        assignment = None
        plan = ResamplePlan()
        for label, n_samples in self.sampling_strategy_.items():
            if n_samples == 0:
                continue
            if assignment is None or not reuse:
                assignment = np.asarray(self.kmeans_estimator_.fit_predict(data.X))
            clusters = self._kept_clusters(data, label, n_samples, total, assignment, n_clusters)
            weights = _weights([sparsity for _, sparsity in clusters])
            for (class_rows, _), weight in zip(clusters, weights, strict=True):
                table = NeighborTable(source.among(data, class_rows), class_rows, class_rows)
                plan.add(self._draw_block(label, int(math.ceil(n_samples * weight)), table))
        return plan

    def _kept_clusters(self, data, label, n_samples, total, assignment, n_clusters):
        """``(class rows, sparsity)`` of each cluster kept for ``label``."""
        code = data.code_of(label)
        threshold = self.cluster_balance_threshold_
        if isinstance(threshold, str):  # 'auto'
            threshold = n_samples / total / 2
        by_cluster = np.argsort(assignment, kind="stable")
        bounds = np.searchsorted(assignment[by_cluster], np.arange(n_clusters + 1))
        kept = []
        for cluster in range(n_clusters):
            rows = by_cluster[bounds[cluster] : bounds[cluster + 1]]
            if rows.size == 0:
                continue
            class_rows = rows[data.codes[rows] == code]
            share = class_rows.size / rows.size
            if share < threshold or share * rows.size < self.nn_k_.n_neighbors:
                continue
            kept.append((class_rows, self._sparsity(data.X[class_rows])))
        if not kept:
            raise RuntimeError(
                f"No clusters found with sufficient samples of class {label}. Try lowering "
                "the cluster_balance_threshold or increasing the number of clusters."
            )
        return kept

    def _sparsity(self, X):
        n_rows = X.shape[0]
        mean_distance = _sum_of_distances(X, self.n_jobs) / (n_rows * n_rows - n_rows)
        exponent = (
            math.log(n_rows, 1.6) ** 1.8 * 0.16
            if self.density_exponent == "auto"
            else self.density_exponent
        )
        return mean_distance**exponent / n_rows


def _sum_of_distances(X, n_jobs=None):
    """Sum of the Euclidean distances between all ordered pairs of rows, in blocks
    of rows (scikit-learn's ||a||^2 - 2 a.b + ||b||^2, clipped at 0, the
    diagonal 0), never the full matrix of a large cluster. The matrix is
    symmetric: each block of rows meets only the rows from its own first one
    on (a BLAS product), and a compiled pass sums the distances above the
    diagonal, counted twice."""
    X = X.astype(np.float64) if X.dtype != np.float64 else X
    if sparse.issparse(X):
        X = X.tocsr()
        rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        norms = np.bincount(rows, weights=X.data * X.data, minlength=X.shape[0])
    else:
        norms = np.einsum("ij,ij->i", X, X)
    n_rows = X.shape[0]
    block = max(1, _DISTANCE_BLOCK // max(n_rows, 1))
    row_sums = np.empty(n_rows)
    for start in range(0, n_rows, block):
        stop = min(start + block, n_rows)
        product = X[start:stop] @ X[start:].T
        product = np.ascontiguousarray(
            product.toarray() if sparse.issparse(product) else product, dtype=np.float64
        )
        sum_upper_distances(
            product,
            norms[start:stop],
            norms[start:],
            row_sums[start:stop],
            threads_for_jobs(n_jobs, product.size),
        )
        del product  # one block alive at a time
    return 2.0 * float(row_sums.sum())


def _weights(sparsities):
    """Each kept cluster's share of the samples: its sparsity over their sum; an
    equal share when that is undefined (all 0, or an infinite sparsity)."""
    sparsities = np.asarray(sparsities, dtype=np.float64)
    total = sparsities.sum()
    if np.isfinite(total) and total > 0:
        return sparsities / total
    infinite = np.isinf(sparsities)
    chosen = infinite if infinite.any() else np.ones(sparsities.size, dtype=bool)
    return chosen / chosen.sum()
