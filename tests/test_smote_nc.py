"""SMOTENC and SMOTEN against imbalanced-learn 0.14.2 (element for element), their
properties (segment, neighbours' levels, majority rule) and their errors."""

import warnings

import numpy as np
import pytest
from _support import require
from scipy import sparse

import smote_fast
from smote_fast import SMOTEN, SMOTENC
from smote_fast._smote_nc import _vote

imblearn_os = require("imblearn.over_sampling")
pd = require("pandas")


def _mixed(seed, n=None, n_cont=None, n_cat=None, max_levels=8, n_classes=3, dtype=np.float64):
    rng = np.random.RandomState(seed)
    n = n or rng.randint(60, 300)
    n_cont = n_cont or rng.randint(1, 5)
    n_cat = n_cat or rng.randint(1, 4)
    cont = rng.normal(size=(n, n_cont)) * rng.uniform(0.5, 3.0, n_cont)
    cats = np.column_stack(
        [rng.randint(0, rng.randint(2, max_levels + 1), n) for _ in range(n_cat)]
    )
    order = rng.permutation(n_cont + n_cat)
    X = np.hstack([cont, cats]).astype(dtype)[:, order]
    categorical = [int(np.flatnonzero(order == n_cont + j)[0]) for j in range(n_cat)]
    weights = np.r_[0.6, np.full(n_classes - 1, 0.4 / (n_classes - 1))]
    y = rng.choice(n_classes, n, p=weights)
    return X, y, categorical


def _seeds(seed):
    """The same random_state twice: an int for even seeds, RandomStates else."""
    if seed % 2 == 0:
        return seed, seed
    return np.random.RandomState(seed), np.random.RandomState(seed)


def _assert_same(expected, got):
    X_e, y_e = expected
    X_g, y_g = got
    assert type(X_g) is type(X_e)
    if sparse.issparse(X_e):
        X_e, X_g = X_e.toarray(), X_g.toarray()
    if isinstance(X_e, pd.DataFrame):
        pd.testing.assert_frame_equal(X_g, X_e)
        pd.testing.assert_series_equal(pd.Series(y_g), pd.Series(y_e))
        return
    X_e, X_g = np.asarray(X_e), np.asarray(X_g)
    assert X_g.shape == X_e.shape
    assert X_g.dtype == X_e.dtype or X_e.dtype == object
    assert (X_g == X_e).all()
    np.testing.assert_array_equal(y_g, y_e)


# --------------------------------------------------------------------------
# SMOTENC differential


@pytest.mark.parametrize("seed", range(40))
def test_smotenc_numpy_matches_imblearn(seed):
    X, y, categorical = _mixed(seed)
    k = 1 + seed % 6
    theirs, ours = _seeds(seed)
    expected = imblearn_os.SMOTENC(categorical, random_state=theirs, k_neighbors=k).fit_resample(
        X, y
    )
    sampler = SMOTENC(categorical, random_state=ours, k_neighbors=k)
    _assert_same(expected, sampler.fit_resample(X, y))
    reference = imblearn_os.SMOTENC(categorical, k_neighbors=k, random_state=0)
    reference.fit_resample(X, y)
    assert sampler.median_std_.keys() == reference.median_std_.keys()
    for label, value in reference.median_std_.items():
        assert sampler.median_std_[label] == value
        assert type(sampler.median_std_[label]) is type(value)


@pytest.mark.parametrize("seed", range(8))
def test_smotenc_float32_matches_imblearn(seed):
    X, y, categorical = _mixed(100 + seed, dtype=np.float32)
    theirs, ours = _seeds(seed)
    expected = imblearn_os.SMOTENC(categorical, random_state=theirs).fit_resample(X, y)
    got = SMOTENC(categorical, random_state=ours).fit_resample(X, y)
    assert got[0].dtype == np.float32
    _assert_same(expected, got)


@pytest.mark.parametrize("levels", [2, 10, 100, 10_000])
def test_smotenc_many_levels_matches_imblearn(levels):
    rng = np.random.RandomState(levels)
    n = 3000
    X = np.column_stack(
        [rng.normal(size=n), rng.normal(size=n), rng.randint(0, levels, n), rng.randint(0, 3, n)]
    ).astype(float)
    y = (rng.uniform(size=n) < 0.1).astype(int)
    expected = imblearn_os.SMOTENC([2, 3], random_state=1).fit_resample(X, y)
    _assert_same(expected, SMOTENC([2, 3], random_state=1).fit_resample(X, y))


def _forms(categorical, columns):
    mask = np.zeros(len(columns), dtype=bool)
    mask[categorical] = True
    names = [columns[j] for j in categorical]
    return {
        "list": categorical,
        "tuple": tuple(categorical),
        "negative": [j - len(columns) for j in categorical],
        "ndarray": np.asarray(categorical),
        "mask_list": mask.tolist(),
        "mask_ndarray": mask,
        "names": names,
        "index": pd.Index(names),
        "series": pd.Series(names),
    }


@pytest.mark.parametrize(
    "form",
    [
        "list",
        "tuple",
        "negative",
        "ndarray",
        "mask_list",
        "mask_ndarray",
        "names",
        "index",
        "series",
        "auto",
    ],
)
@pytest.mark.parametrize("seed", range(3))
def test_smotenc_dataframe_and_every_form(form, seed):
    rng = np.random.RandomState(seed)
    n = 150
    frame = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "colour": pd.Categorical(rng.choice(["red", "green", "blue"], n)),
            "b": rng.normal(size=n).astype(np.float64),
            "size": pd.Categorical(rng.choice([1, 2, 3, 4], n)),
        }
    )
    y = pd.Series(rng.choice(["x", "y", "z"], n, p=[0.6, 0.25, 0.15]), name="target")
    categorical = [1, 3]
    given = "auto" if form == "auto" else _forms(categorical, list(frame.columns))[form]
    # imbalanced-learn crashes on arrays, Index and Series (#1217): compare with a list
    theirs_given = (
        given
        if form in ("list", "tuple", "negative", "mask_list", "names", "auto")
        else categorical
    )
    theirs, ours = _seeds(seed)
    expected = imblearn_os.SMOTENC(theirs_given, random_state=theirs).fit_resample(frame, y)
    sampler = SMOTENC(given, random_state=ours)
    got = sampler.fit_resample(frame, y)
    _assert_same(expected, got)
    assert got[0].dtypes.equals(frame.dtypes)
    np.testing.assert_array_equal(sampler.categorical_features_, categorical)
    np.testing.assert_array_equal(sampler.continuous_features_, [0, 2])


@pytest.mark.parametrize("seed", range(6))
def test_smotenc_object_strings_match_imblearn(seed):
    X, y, categorical = _mixed(200 + seed)
    X = X.astype(object)
    for j in categorical:
        X[:, j] = np.array([f"lvl{v}" for v in X[:, j].astype(int)], dtype=object)
    theirs, ours = _seeds(seed)
    expected = imblearn_os.SMOTENC(categorical, random_state=theirs).fit_resample(X, y)
    got = SMOTENC(categorical, random_state=ours).fit_resample(X, y)
    assert got[0].dtype == object
    _assert_same(expected, got)


@pytest.mark.parametrize("fmt", ["csr_matrix", "csc_matrix", "csr_array", "csc_array"])
def test_smotenc_sparse_values_match_and_format_kept(fmt):
    X, y, categorical = _mixed(7, n=200)
    X[np.random.RandomState(0).uniform(size=X.shape) < 0.3] = 0.0
    X_sparse = getattr(sparse, fmt)(X)
    expected, y_expected = imblearn_os.SMOTENC(categorical, random_state=0).fit_resample(
        X_sparse, y
    )
    got, y_got = SMOTENC(categorical, random_state=0).fit_resample(X_sparse, y)
    assert type(got) is type(X_sparse)  # imbalanced-learn: always CSR
    assert got.has_sorted_indices
    np.testing.assert_array_equal(got.toarray(), expected.toarray())
    np.testing.assert_array_equal(y_got, y_expected)


def test_smotenc_user_encoder_and_neighbours_match_imblearn():
    from sklearn.neighbors import NearestNeighbors
    from sklearn.preprocessing import OneHotEncoder

    X, y, categorical = _mixed(11, n=200)
    for kwargs in (
        {"categorical_encoder": OneHotEncoder(handle_unknown="ignore")},
        {"k_neighbors": NearestNeighbors(n_neighbors=4)},
        {
            "categorical_encoder": OneHotEncoder(sparse_output=False),
            "k_neighbors": NearestNeighbors(n_neighbors=6),
        },
    ):
        expected = imblearn_os.SMOTENC(categorical, random_state=3, **kwargs).fit_resample(X, y)
        sampler = SMOTENC(categorical, random_state=3, **kwargs)
        _assert_same(expected, sampler.fit_resample(X, y))
        if "categorical_encoder" in kwargs:
            assert sampler.categorical_encoder_ is not kwargs["categorical_encoder"]


def test_smotenc_default_encoder_attribute():
    X, y, categorical = _mixed(3)
    sampler = SMOTENC(categorical, random_state=0)
    sampler.fit_resample(X, y)
    assert sampler.categorical_encoder_.sparse_output is True
    assert len(sampler.categorical_encoder_.categories_) == len(categorical)


# --------------------------------------------------------------------------
# SMOTENC properties


@pytest.mark.parametrize("seed", range(5))
def test_smotenc_properties(seed):
    X, y, categorical = _mixed(300 + seed, n=250, max_levels=4)
    k = 5
    sampler = SMOTENC(categorical, random_state=seed, k_neighbors=k)
    X_res, y_res = sampler.fit_resample(X, y)
    n = len(X)
    base, neighbor, gap = (
        sampler.synthetic_base_,
        sampler.synthetic_neighbor_,
        sampler.synthetic_gap_,
    )
    cont = sampler.continuous_features_
    synthetic = X_res[n:]
    # continuous part: on the segment, bit for bit
    expected = X[base][:, cont] + gap[:, None] * (X[neighbor][:, cont] - X[base][:, cont])
    np.testing.assert_array_equal(synthetic[:, cont], expected)
    assert ((gap >= 0) & (gap < 1)).all()
    assert (y[base] == y_res[n:]).all() and (y[neighbor] == y_res[n:]).all()
    # categorical part: a level among the base row's k neighbours, with a maximal count
    for i in range(len(synthetic)):
        rows = np.flatnonzero(y == y[base[i]])
        distances = ((X[rows][:, cont] - X[base[i], cont]) ** 2).sum(1) + (
            sampler.median_std_[y[base[i]]] ** 2
        ) * (X[rows][:, categorical] != X[base[i], categorical]).sum(1)
        distances[rows == base[i]] = np.inf
        voters = rows[np.argsort(distances, kind="stable")[:k]]
        assert neighbor[i] in voters
        for j in categorical:
            levels, counts = np.unique(X[voters, j], return_counts=True)
            assert synthetic[i, j] in levels[counts == counts.max()]


def test_vote_majority_and_ties():
    rs = np.random.RandomState(0)
    codes = np.array([[1, 1, 2], [0, 3, 3], [2, 0, 1], [5, 5, 5]])
    votes = _vote(codes, rs)
    assert votes[0] == 1 and votes[1] == 3 and votes[3] == 5
    assert votes[2] in (0, 1, 2)
    # imbalanced-learn's draw: one permutation of the 6 tied (row, level) pairs
    pairs = [(0, 1), (1, 3), (2, 0), (2, 1), (2, 2), (3, 5)]
    order = np.random.RandomState(0).permutation(len(pairs))
    first = next(pairs[p] for p in order if pairs[p][0] == 2)
    assert votes[2] == first[1]


def test_integer_x_votes_by_counts_not_truncated_weight():
    # imbalanced-learn truncates v to 0 for integer X: every level ties and the
    # category is uniformly random. smote_fast votes by counts (documented).
    rng = np.random.RandomState(0)
    n = 200
    X = np.column_stack(
        [
            rng.randint(0, 3, n),
            rng.randint(0, 3, n),
            np.where(np.arange(n) < 160, rng.randint(0, 5, n), 3),
        ]
    )
    y = (np.arange(n) >= 160).astype(int)
    X_res, _ = SMOTENC([2], random_state=0).fit_resample(X, y)
    assert X_res.dtype == X.dtype
    assert (X_res[n:, 2] == 3).all()  # the only level of the minority class
    X_imb, _ = imblearn_os.SMOTENC([2], random_state=0).fit_resample(X, y)
    assert (X_imb[n:, 2] != 3).any()  # imbalanced-learn's defect, not copied


def test_tiny_scale_votes_by_counts():
    rng = np.random.RandomState(1)
    n = 200
    X = np.column_stack(
        [
            rng.normal(size=n) * 1e-10,
            rng.normal(size=n) * 1e-10,
            np.where(np.arange(n) < 160, rng.randint(0, 5, n), 2),
        ]
    )
    y = (np.arange(n) >= 160).astype(int)
    X_res, _ = SMOTENC([2], random_state=0).fit_resample(X, y)
    assert (X_res[n:, 2] == 2).all()
    X_imb, _ = imblearn_os.SMOTENC([2], random_state=0).fit_resample(X, y)
    assert (X_imb[n:, 2] != 2).any()  # np.isclose made every level tie there


def test_smotenc_threads_do_not_change_result():
    X, y, categorical = _mixed(5, n=400)
    one = SMOTENC(categorical, random_state=0, n_jobs=1).fit_resample(X, y)
    two = SMOTENC(categorical, random_state=0, n_jobs=2).fit_resample(X, y)
    np.testing.assert_array_equal(one[0], two[0])


# --------------------------------------------------------------------------
# SMOTENC errors


def test_smotenc_errors():
    X, y, _ = _mixed(0, n=100, n_cont=2, n_cat=2)
    with pytest.raises(TypeError, match="categorical_features"):
        SMOTENC()
    with pytest.raises(ValueError, match="categorical_features"):
        SMOTENC("infer").fit_resample(X, y)
    with pytest.raises(ValueError, match="categorical_features"):
        SMOTENC(3).fit_resample(X, y)
    with pytest.raises(ValueError, match="more than once"):
        SMOTENC([2, 2, 3]).fit_resample(X, y)
    with pytest.raises(ValueError, match="more than once"):
        SMOTENC([2, -2]).fit_resample(X, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        SMOTENC([2]).fit_resample(X, y[:-1])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        SMOTENC([2]).fit_resample(np.vstack([X, X[:1]]), y)
    with pytest.raises(ValueError, match=r"all features must be in \[0, 3\]"):
        SMOTENC([4]).fit_resample(X, y)
    with pytest.raises(ValueError, match=r"all features must be in"):
        SMOTENC([True, False]).fit_resample(X, y)
    with pytest.raises(ValueError, match="only supported for dataframes"):
        SMOTENC(["a"]).fit_resample(X, y)
    with pytest.raises(ValueError, match="No valid specification"):
        SMOTENC([0.5]).fit_resample(X, y)
    with pytest.raises(ValueError, match="only with categorical"):
        SMOTENC([0, 1, 2, 3]).fit_resample(X, y)
    with pytest.raises(ValueError, match="only with numerical"):
        SMOTENC([]).fit_resample(X, y)
    with pytest.raises(ValueError, match="should be a pandas.DataFrame"):
        SMOTENC("auto").fit_resample(X, y)
    frame = pd.DataFrame(X, columns=list("abcd"))
    with pytest.raises(ValueError, match="not columns of the dataframe"):
        SMOTENC(["zz"]).fit_resample(frame, y)
    with pytest.raises(ValueError, match="Expected n_neighbors <= n_samples_fit"):
        SMOTENC([2], k_neighbors=500).fit_resample(X, y)


def test_smotenc_user_encoder_dropping_columns_rejected():
    from sklearn.preprocessing import OneHotEncoder

    X, y, categorical = _mixed(0)
    with pytest.raises(ValueError, match="one column per category"):
        SMOTENC(categorical, categorical_encoder=OneHotEncoder(drop="first")).fit_resample(X, y)


# --------------------------------------------------------------------------
# SMOTEN


def _nominal(seed, n=None, n_features=None, max_levels=6, n_classes=3):
    rng = np.random.RandomState(seed)
    n = n or rng.randint(40, 300)
    n_features = n_features or rng.randint(1, 6)
    X = np.column_stack(
        [rng.randint(0, rng.randint(2, max_levels + 1), n) for _ in range(n_features)]
    )
    weights = np.r_[0.6, np.full(n_classes - 1, 0.4 / (n_classes - 1))]
    return X, rng.choice(n_classes, n, p=weights)


@pytest.mark.parametrize("seed", range(40))
def test_smoten_matches_imblearn_with_ties(seed):
    n_classes = 2 + seed % 9  # 2..10 classes: numpy's pairwise sums from 8 on
    X, y = _nominal(seed, n=120 + 40 * n_classes, n_classes=n_classes)
    k = 1 + seed % 7
    theirs, ours = _seeds(seed)
    expected = imblearn_os.SMOTEN(random_state=theirs, k_neighbors=k).fit_resample(X, y)
    _assert_same(expected, SMOTEN(random_state=ours, k_neighbors=k).fit_resample(X, y))


def test_smoten_blocks_give_the_same_neighbours(monkeypatch):
    import smote_fast._smote_nc as module

    X, y = _nominal(3, n=400)
    whole = SMOTEN(random_state=0).fit_resample(X, y)
    monkeypatch.setattr(module, "_VDM_BLOCK_ROWS", 7)  # remainders occur
    np.testing.assert_array_equal(SMOTEN(random_state=0).fit_resample(X, y)[0], whole[0])


@pytest.mark.parametrize("seed", range(4))
def test_smoten_strings_pandas_and_sparse(seed):
    X, y = _nominal(50 + seed, n=150)
    strings = np.array([[f"v{v}" for v in row] for row in X], dtype=object)
    theirs, ours = _seeds(seed)
    expected = imblearn_os.SMOTEN(random_state=theirs).fit_resample(strings, y)
    _assert_same(expected, SMOTEN(random_state=ours).fit_resample(strings, y))
    frame = pd.DataFrame(strings, columns=[f"c{j}" for j in range(X.shape[1])])
    frame["c0"] = frame["c0"].astype("category")
    expected = imblearn_os.SMOTEN(random_state=1).fit_resample(frame, y)
    _assert_same(expected, SMOTEN(random_state=1).fit_resample(frame, y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = imblearn_os.SMOTEN(random_state=1).fit_resample(sparse.csr_matrix(X), y)
        got = SMOTEN(random_state=1).fit_resample(sparse.csr_array(X), y)
    assert isinstance(got[0], sparse.csr_array)  # imbalanced-learn: csr_matrix
    np.testing.assert_array_equal(got[0].toarray(), expected[0].toarray())


def test_smoten_user_objects_match_imblearn():
    from sklearn.neighbors import NearestNeighbors
    from sklearn.preprocessing import OrdinalEncoder

    X, y = _nominal(9, n=200)
    for kwargs in (
        {"categorical_encoder": OrdinalEncoder()},
        {"k_neighbors": NearestNeighbors(n_neighbors=4)},
    ):
        expected = imblearn_os.SMOTEN(random_state=2, **kwargs).fit_resample(X, y)
        _assert_same(expected, SMOTEN(random_state=2, **kwargs).fit_resample(X, y))


def test_smoten_properties():
    X, y = _nominal(21, n=300, n_features=3, max_levels=3)
    sampler = SMOTEN(random_state=0, k_neighbors=4)
    X_res, y_res = sampler.fit_resample(X, y)
    n = len(X)
    np.testing.assert_array_equal(sampler.synthetic_base_, sampler.synthetic_neighbor_)
    assert (sampler.synthetic_gap_ == 0).all()
    assert (y[sampler.synthetic_base_] == y_res[n:]).all()
    for column in range(X.shape[1]):  # every generated level exists in the class
        for label in np.unique(y):
            assert set(X_res[n:][y_res[n:] == label, column]) <= set(X[y == label, column])


def test_smoten_errors():
    X, y = _nominal(0, n=100)
    with pytest.raises(ValueError, match="Expected n_neighbors <= n_samples_fit"):
        SMOTEN(k_neighbors=200).fit_resample(X, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        SMOTEN().fit_resample(X, y[:-1])
    X_nan = X.astype(float)
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SMOTEN().fit_resample(X_nan, y)
    with pytest.raises(ValueError, match="categorical_encoder"):
        SMOTEN(categorical_encoder="onehot").fit_resample(X, y)


def test_exported():
    assert smote_fast.SMOTENC is SMOTENC and smote_fast.SMOTEN is SMOTEN


@pytest.mark.parametrize("seed", range(10))
def test_smoten_massive_ties_match_imblearn(seed):
    # one or two binary features: nearly every distance is tied at the boundary, so
    # the neighbour sets come from numpy's argpartition, as in scikit-learn's search
    rng = np.random.RandomState(seed)
    n = 150 + 50 * seed
    X = rng.randint(0, 2, size=(n, 1 + seed % 2))
    y = (rng.uniform(size=n) < 0.3).astype(int)
    theirs, ours = _seeds(seed)
    k = 2 + seed % 5
    expected = imblearn_os.SMOTEN(random_state=theirs, k_neighbors=k).fit_resample(X, y)
    _assert_same(expected, SMOTEN(random_state=ours, k_neighbors=k).fit_resample(X, y))


def test_smoten_threads_do_not_change_result():
    X, y = _nominal(8, n=600)
    one = SMOTEN(random_state=0, n_jobs=1).fit_resample(X, y)
    two = SMOTEN(random_state=0, n_jobs=2).fit_resample(X, y)
    np.testing.assert_array_equal(one[0], two[0])
