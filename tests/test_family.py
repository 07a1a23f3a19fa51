"""RandomOverSampler, KMeansSMOTE, EditedNearestNeighbours, TomekLinks, SMOTEENN
and SMOTETomek: the same output as imbalanced-learn on many random
configurations, their documented differences, properties and errors."""

import copy
import warnings

import numpy as np
import pytest
from _support import require, set_distance_block, sum_of_distances
from scipy import sparse

import smote_fast as sf

imblearn = require("imblearn")
from imblearn import combine as imb_combine  # noqa: E402
from imblearn import over_sampling as imb_over  # noqa: E402
from imblearn import under_sampling as imb_under  # noqa: E402

SEEDS = range(6)


def gaussian_classes(seed, counts, n_features=4, shift=0.9, dtype=np.float64):
    rng = np.random.RandomState(seed)
    X = np.vstack(
        [
            rng.normal(loc=shift * label, size=(count, n_features))
            for label, count in enumerate(counts)
        ]
    ).astype(dtype)
    y = np.repeat(np.arange(len(counts)), counts)
    order = rng.permutation(len(y))
    return X[order], y[order]


def random_counts(rng):
    n_classes = rng.randint(2, 5)
    return [int(rng.randint(25, 200)) for _ in range(n_classes)]


def seed_forms(seed):
    return [seed, np.random.RandomState(seed)]


def same(ours, theirs):
    """Both samplers' outputs on copies of the same random state."""
    np.testing.assert_array_equal(ours[1], theirs[1])
    X_ours, X_theirs = ours[0], theirs[0]
    if sparse.issparse(X_theirs):
        X_theirs = X_theirs.toarray()
    if sparse.issparse(X_ours):
        X_ours = X_ours.toarray()
    np.testing.assert_array_equal(X_ours, X_theirs)


def both(ours_cls, theirs_cls, X, y, random_state=None, **params):
    if random_state is not None:
        params_ours = {**params, "random_state": copy.deepcopy(random_state)}
        params_theirs = {**params, "random_state": copy.deepcopy(random_state)}
    else:
        params_ours = params_theirs = params
    ours = ours_cls(**params_ours)
    theirs = theirs_cls(**params_theirs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ours, ours.fit_resample(X, y), theirs, theirs.fit_resample(X, y)


# --------------------------------------------------------------- RandomOverSampler


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shrinkage", [None, 0.0, 0.7, "per-class"])
def test_random_over_sampler_equals_imblearn(seed, shrinkage):
    rng = np.random.RandomState(seed)
    X, y = gaussian_classes(seed, random_counts(rng))
    if shrinkage == "per-class":
        shrinkage = {label: float(rng.uniform(0, 2)) for label in np.unique(y)}
    for random_state in seed_forms(seed):
        ours, out, theirs, ref = both(
            sf.RandomOverSampler,
            imb_over.RandomOverSampler,
            X,
            y,
            random_state,
            shrinkage=shrinkage,
        )
        same(out, ref)
        np.testing.assert_array_equal(ours.sample_indices_, theirs.sample_indices_)
        assert ours.shrinkage_ == theirs.shrinkage_
    # an instance advances as imbalanced-learn's does
    ours_state, theirs_state = np.random.RandomState(seed), np.random.RandomState(seed)
    sf.RandomOverSampler(random_state=ours_state, shrinkage=shrinkage).fit_resample(X, y)
    imb_over.RandomOverSampler(random_state=theirs_state, shrinkage=shrinkage).fit_resample(X, y)
    assert ours_state.randint(2**31) == theirs_state.randint(2**31)


def test_random_over_sampler_copies_any_dtype():
    X = np.array([["a", 1.0], ["b", np.nan], ["c", np.inf], ["d", 3.0], ["e", -0.0]], dtype=object)
    y = np.array([0, 0, 0, 1, 1])
    ours, out, theirs, ref = both(sf.RandomOverSampler, imb_over.RandomOverSampler, X, y, 0)
    assert out[0].dtype == object
    assert [str(v) for v in out[0].ravel()] == [str(v) for v in ref[0].ravel()]
    np.testing.assert_array_equal(out[0][len(X) :], X[ours.sample_indices_[len(X) :]])


def test_random_over_sampler_keeps_float32_and_int_with_shrinkage():
    X, y = gaussian_classes(1, [80, 30])
    for dtype in (np.float32, np.int32):
        data = (X * 10).astype(dtype)
        _, out, _, ref = both(
            sf.RandomOverSampler, imb_over.RandomOverSampler, data, y, 0, shrinkage=0.5
        )
        assert out[0].dtype == dtype and ref[0].dtype == np.float64
        np.testing.assert_array_equal(out[0], ref[0].astype(dtype))


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_random_over_sampler_sparse_keeps_sparse_rows(fmt):
    X, y = gaussian_classes(2, [80, 30])
    X[np.abs(X) < 0.8] = 0
    matrix = sparse.csr_matrix(X).asformat(fmt)
    ours, out, _, ref = both(
        sf.RandomOverSampler, imb_over.RandomOverSampler, matrix, y, 0, shrinkage=0.5
    )
    assert out[0].format == fmt
    synthetic, expected = out[0].toarray()[len(X) :], ref[0].toarray()[len(X) :]
    parents = X[ours.sample_indices_[len(X) :]]
    # the noise lands on the parent's stored values only, with imbalanced-learn's values
    np.testing.assert_array_equal(synthetic != 0, parents != 0)
    np.testing.assert_array_equal(synthetic[parents != 0], expected[parents != 0])
    assert out[0].nnz < ref[0].nnz
    _, out, _, ref = both(sf.RandomOverSampler, imb_over.RandomOverSampler, matrix, y, 0)
    same(out, ref)


@pytest.mark.parametrize(
    "shrinkage, error, message",
    [
        ({0: 0.5}, ValueError, "should contain a shrinkage factor for each class"),
        ({0: 0.5, 1: -1.0}, ValueError, "The shrinkage factor needs to be >= 0"),
        (-1.0, ValueError, "'shrinkage' parameter of RandomOverSampler must be"),
    ],
)
def test_random_over_sampler_shrinkage_errors(shrinkage, error, message):
    X, y = gaussian_classes(3, [40, 20])
    with pytest.raises(error, match=message):
        sf.RandomOverSampler(shrinkage=shrinkage).fit_resample(X, y)


def test_random_over_sampler_shrinkage_needs_numbers_and_lengths_must_match():
    X = np.array([["a", 1.0], ["b", 2.0], ["c", 3.0]], dtype=object)
    with pytest.raises(ValueError, match="needs to contain only numerical data"):
        sf.RandomOverSampler(shrinkage=1.0).fit_resample(X, [0, 0, 1])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        sf.RandomOverSampler().fit_resample(np.zeros((4, 2)), [0, 0, 1])


# --------------------------------------------------------------------- KMeansSMOTE


@pytest.mark.parametrize("seed", SEEDS)
def test_kmeans_smote_equals_imblearn(seed):
    rng = np.random.RandomState(seed)
    centers = rng.uniform(-6, 6, size=(6, 3))
    X = np.vstack([rng.normal(center, 0.7, size=(60, 3)) for center in centers])
    y = np.repeat(np.arange(6) % 3, 60)
    keep = (y == 0) | (rng.rand(len(y)) < 0.5)
    X, y = X[keep], y[keep]
    params = {
        "kmeans_estimator": int(rng.randint(2, 9)),
        "cluster_balance_threshold": float(rng.uniform(0.05, 0.3)),
        "density_exponent": "auto" if seed % 2 else float(rng.uniform(0.5, 3)),
    }
    for random_state in seed_forms(seed):
        outcomes = []
        for cls in (sf.KMeansSMOTE, imb_over.KMeansSMOTE):
            sampler = cls(random_state=copy.deepcopy(random_state), **params)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    outcomes.append((sampler, sampler.fit_resample(X, y)))
            except RuntimeError as exc:  # no cluster kept: both must say so
                outcomes.append((sampler, str(exc)))
        (ours, out), (theirs, ref) = outcomes
        if isinstance(ref, str) or isinstance(out, str):
            assert out == ref
            continue
        same(out, ref)
        assert ours.cluster_balance_threshold_ == theirs.cluster_balance_threshold_


def test_kmeans_smote_one_clustering_per_call_for_int_seeds(monkeypatch):
    from sklearn.cluster import MiniBatchKMeans

    X, y = gaussian_classes(4, [150, 60, 60])
    fits = []
    real = MiniBatchKMeans.fit_predict
    monkeypatch.setattr(
        MiniBatchKMeans, "fit_predict", lambda self, *a, **k: fits.append(1) or real(self, *a, **k)
    )
    sf.KMeansSMOTE(random_state=0, kmeans_estimator=3, cluster_balance_threshold=0.05).fit_resample(
        X, y
    )
    assert len(fits) == 1
    fits.clear()
    sf.KMeansSMOTE(
        random_state=np.random.RandomState(0), kmeans_estimator=3, cluster_balance_threshold=0.05
    ).fit_resample(X, y)
    assert len(fits) == 2  # a shared generator: refitted per class, as imbalanced-learn


def test_kmeans_smote_coinciding_cluster_rows_share_the_samples():
    # two minority clusters whose rows coincide: both sparsities are 0
    X = np.vstack([np.zeros((40, 2)), np.ones((10, 2)), np.full((10, 2), 5.0)])
    y = np.array([0] * 40 + [1] * 20)
    sampler = sf.KMeansSMOTE(random_state=0, kmeans_estimator=3, k_neighbors=2)
    X_res, y_res = sampler.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [40, 40]
    synthetic = [tuple(row) for row in X_res[len(X) :]]
    assert synthetic.count((1.0, 1.0)) == synthetic.count((5.0, 5.0)) == 10
    with pytest.raises(ValueError, match="NaN"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            imb_over.KMeansSMOTE(random_state=0, kmeans_estimator=3, k_neighbors=2).fit_resample(
                X, y
            )


@pytest.mark.parametrize("entries", [1, 40, 1 << 22])
@pytest.mark.parametrize("n_rows", [1, 2, 7, 300])
def test_kmeans_smote_sum_of_distances_equals_the_full_matrix(n_rows, entries, monkeypatch):
    # blocks of one row, several blocks with a short last one, one block; the
    # triangle doubled is the full matrix's sum up to rounding, dense or sparse
    from sklearn.metrics import pairwise_distances

    set_distance_block(monkeypatch, entries * n_rows)
    X = np.random.RandomState(n_rows).normal(size=(n_rows, 5))
    expected = pairwise_distances(X).sum()
    for given in (X, sparse.csr_matrix(X), X.astype(np.float32)):
        tolerance = 1e-6 if given.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(sum_of_distances(given), expected, rtol=tolerance)


def test_kmeans_smote_distance_pass_refuses_mismatched_sizes():
    from smote_fast._cluster import sum_upper_distances

    products, norms = np.zeros((3, 5)), np.zeros(5)
    with pytest.raises(ValueError, match="one entry per row"):
        sum_upper_distances(products, norms[:2], norms, np.empty(3), 1)
    with pytest.raises(ValueError, match="one entry per column"):
        sum_upper_distances(products, norms[:3], norms[:4], np.empty(3), 1)


def test_kmeans_smote_errors():
    X, y = gaussian_classes(5, [400, 30], shift=0.3)
    with pytest.raises(RuntimeError, match="No clusters found with sufficient samples"):
        sf.KMeansSMOTE(random_state=0).fit_resample(X, y)
    with pytest.raises(RuntimeError, match="No clusters found with sufficient samples"):
        imb_over.KMeansSMOTE(random_state=0).fit_resample(X, y)
    with pytest.raises(ValueError, match="'kmeans_estimator' parameter"):
        sf.KMeansSMOTE(kmeans_estimator=0).fit_resample(X, y)


# ----------------------------------------------------------------- ENN and Tomek


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind_sel", ["all", "mode"])
def test_edited_nearest_neighbours_equals_imblearn(seed, kind_sel):
    rng = np.random.RandomState(seed)
    X, y = gaussian_classes(seed, random_counts(rng))
    strategy = ["auto", "all", "majority", "not majority", [int(y[0])]][seed % 5]
    params = {
        "kind_sel": kind_sel,
        "sampling_strategy": strategy,
        "n_neighbors": int(rng.randint(1, 6)),
    }
    ours, out, theirs, ref = both(
        sf.EditedNearestNeighbours, imb_under.EditedNearestNeighbours, X, y, **params
    )
    same(out, ref)
    np.testing.assert_array_equal(ours.sample_indices_, theirs.sample_indices_)


def test_edited_nearest_neighbours_with_a_neighbours_object_and_sparse_input():
    from sklearn.neighbors import NearestNeighbors

    X, y = gaussian_classes(7, [120, 60, 40])
    ours, out, _, ref = both(
        sf.EditedNearestNeighbours,
        imb_under.EditedNearestNeighbours,
        X,
        y,
        n_neighbors=NearestNeighbors(n_neighbors=4),
    )
    same(out, ref)
    X[np.abs(X) < 0.5] = 0
    _, out, _, ref = both(
        sf.EditedNearestNeighbours, imb_under.EditedNearestNeighbours, sparse.csr_matrix(X), y
    )
    same(out, ref)


def test_edited_nearest_neighbours_mode_works_with_string_labels():
    X, y = gaussian_classes(8, [100, 50, 30])
    names = np.array(["cat", "dog", "eel"])
    _, out, _, ref = both(
        sf.EditedNearestNeighbours, imb_under.EditedNearestNeighbours, X, y, kind_sel="mode"
    )
    ours = sf.EditedNearestNeighbours(kind_sel="mode").fit_resample(X, names[y])
    np.testing.assert_array_equal(ours[1], names[ref[1]])
    with pytest.raises(TypeError):
        imb_under.EditedNearestNeighbours(kind_sel="mode").fit_resample(X, names[y])


@pytest.mark.parametrize("seed", SEEDS)
def test_tomek_links_equals_imblearn(seed):
    rng = np.random.RandomState(seed)
    X, y = gaussian_classes(seed, random_counts(rng), n_features=int(rng.randint(2, 6)))
    strategy = ["auto", "all", "majority", [int(y[-1])]][seed % 4]
    ours, out, theirs, ref = both(
        sf.TomekLinks, imb_under.TomekLinks, X, y, sampling_strategy=strategy
    )
    same(out, ref)
    np.testing.assert_array_equal(ours.sample_indices_, theirs.sample_indices_)


def test_cleaners_exclude_the_row_itself_by_index_on_duplicates():
    # two identical rows of different classes form a link; imbalanced-learn's
    # "column 0 is the row itself" sees the duplicate and misses it
    X = np.array([[0.0, 0.0], [0.0, 0.0], [3.0, 3.0], [3.1, 3.0], [9.0, 9.0]])
    y = np.array([0, 1, 0, 0, 1])
    kept = sf.TomekLinks(sampling_strategy="all").fit_resample(X, y)[1]
    assert kept.tolist() == [0, 0, 1]


def test_cleaning_strategy_errors():
    X, y = gaussian_classes(9, [50, 30, 20])
    for strategy, message in [
        (0.5, "can be a float only when the type of target is binary"),
        ([7], "target class is/are not present"),
        (lambda y: {0: 10}, "as a dict for cleaning methods is not"),
    ]:
        with pytest.raises(ValueError, match=message):
            sf.EditedNearestNeighbours(sampling_strategy=strategy).fit_resample(X, y)
    with pytest.raises(ValueError, match="methods do let the user specify"):
        sf.TomekLinks(sampling_strategy=0.5).fit_resample(X[y < 2], y[y < 2])
    with pytest.raises(ValueError, match="'sampling_strategy' parameter of TomekLinks"):
        sf.TomekLinks(sampling_strategy="minority").fit_resample(X, y)


# -------------------------------------------------------------------- combinations


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("combination", ["SMOTEENN", "SMOTETomek"])
def test_combinations_equal_imblearn(seed, combination):
    rng = np.random.RandomState(seed)
    X, y = gaussian_classes(seed, random_counts(rng))
    for random_state in seed_forms(seed):
        ours, out, theirs, ref = both(
            getattr(sf, combination), getattr(imb_combine, combination), X, y, random_state
        )
        same(out, ref)
        assert ours.sampling_strategy_ == theirs.sampling_strategy_ == "auto"


@pytest.mark.parametrize("over", ["BorderlineSMOTE", "ADASYN", "KMeansSMOTE", "RandomOverSampler"])
def test_combinations_accept_any_over_sampler(over):
    X, y = gaussian_classes(10, [150, 50])
    params = {"cluster_balance_threshold": 0.05} if over == "KMeansSMOTE" else {}
    smote = getattr(sf, over)(random_state=0, **params)
    X_over, y_over = getattr(sf, over)(random_state=0, **params).fit_resample(X, y)
    expected = sf.EditedNearestNeighbours(sampling_strategy="all").fit_resample(X_over, y_over)
    combined = sf.SMOTEENN(smote=smote)
    out = combined.fit_resample(X, y)
    same(out, expected)
    assert combined.smote_ is not smote  # cloned
    with pytest.raises(ValueError, match="must be an instance of"):
        imb_combine.SMOTEENN(smote=getattr(imb_over, over)()).fit_resample(X, y)


def test_combinations_compose_provenance():
    X, y = gaussian_classes(11, [150, 50])
    sampler = sf.SMOTETomek(random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    X_over = sf.SMOTE(random_state=0).fit_resample(X, y)[0]
    np.testing.assert_array_equal(X_res, X_over[sampler.tomek_.sample_indices_])
    assert len(sampler.smote_.synthetic_base_) == len(X_over) - len(X)


def test_combination_parameter_errors():
    X, y = gaussian_classes(12, [50, 20])
    with pytest.raises(ValueError, match="'smote' parameter of SMOTEENN"):
        sf.SMOTEENN(smote="smote").fit_resample(X, y)
    with pytest.raises(ValueError, match="'tomek' parameter of SMOTETomek"):
        sf.SMOTETomek(tomek=3).fit_resample(X, y)
