"""Properties of smote_fast's output that hold without any reference implementation.

* every synthetic row lies on the segment between its base row and one of the base
  row's k exact nearest neighbours (parents recovered by brute force with numpy);
* class counts follow the sampling strategy, originals first, blocks in label order;
* the exact k-NN kernel orders by (squared distance, index) -- also on ties -- and
  neither it nor the samplers depend on the thread count or chunk size;
* duplicated rows give deterministic output;
* the errors of the behaviour spec's catalogue (sections 1.3 and 6) have the documented
  types and messages (and, where imbalanced-learn is installed, the test checks that it
  raises the same, so the expectations themselves are verified).
"""

import re
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse

SAMPLER_NAMES = ("SMOTE", "BorderlineSMOTE", "SVMSMOTE", "ADASYN")
K_PARAM = {
    "SMOTE": "k_neighbors",
    "BorderlineSMOTE": "k_neighbors",
    "SVMSMOTE": "k_neighbors",
    "ADASYN": "n_neighbors",
}
HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --------------------------------------------------------------------- helpers


def brute_knn(query, reference, k, exclude=None, chunk=128):
    """Exact k-NN in float64, ordered by (squared distance, index); ``exclude[i]`` is a
    reference row left out for query i (-1: none)."""
    query = np.asarray(query, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    out_idx = np.empty((len(query), k), dtype=np.intp)
    out_dist = np.empty((len(query), k), dtype=np.float64)
    for start in range(0, len(query), chunk):
        q = query[start : start + chunk]
        d = ((q[:, None, :] - reference[None, :, :]) ** 2).sum(axis=2)
        if exclude is not None:
            ex = np.asarray(exclude[start : start + chunk])
            rows = np.flatnonzero(ex >= 0)
            d[rows, ex[rows]] = np.inf
        order = np.argsort(d, axis=1, kind="stable")[:, :k]  # stable: ties by index
        out_idx[start : start + chunk] = order
        out_dist[start : start + chunk] = np.take_along_axis(d, order, axis=1)
    return out_idx, out_dist


def class_knn(X_class, k):
    """k exact neighbours of each row within its class, itself excluded by index."""
    return brute_knn(X_class, X_class, k, exclude=np.arange(len(X_class)))[0]


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


def gaussian(rng, counts, n_features, shift=1.5):
    means = rng.normal(size=(len(counts), n_features))
    means *= shift / np.linalg.norm(means, axis=1, keepdims=True)
    X = np.concatenate([rng.normal(size=(c, n_features)) + means[i] for i, c in enumerate(counts)])
    y = np.repeat(np.arange(len(counts)), counts)
    order = rng.permutation(len(y))
    return X[order], y[order]


def with_duplicates(rng, X, y, fraction=0.3):
    """Append copies of a random subset of the rows (some twice), then shuffle."""
    pick = rng.choice(len(y), size=max(1, int(fraction * len(y))), replace=True)
    X, y = np.concatenate([X, X[pick]]), np.concatenate([y, y[pick]])
    order = rng.permutation(len(y))
    return X[order], y[order]


def expected_new_counts(strategy, y):
    """Section 1.3 of the behaviour spec, written independently: {class: n_new}."""
    labels, counts = np.unique(y, return_counts=True)
    count = dict(zip(labels.tolist(), counts.tolist(), strict=True))
    n_max = max(count.values())
    majority = min(c for c in count if count[c] == n_max)
    minority = min(c for c in count if count[c] == min(count.values()))
    if callable(strategy):
        strategy = strategy(y)
    if isinstance(strategy, dict):
        return {c: n - count[c] for c, n in strategy.items()}
    if isinstance(strategy, float):
        return {c: int(n_max * strategy - count[c]) for c in count if c != majority}
    keep = {
        "auto": lambda c: c != majority,
        "not majority": lambda c: c != majority,
        "minority": lambda c: c == minority,
        "not minority": lambda c: c != minority,
        "all": lambda c: True,
    }[strategy]
    return {c: n_max - count[c] for c in count if keep(c)}


# --------------------------------------------------- segments and class counts


@HYPOTHESIS
@given(
    seed=st.integers(0, 2**32 - 1),
    n_features=st.integers(1, 8),
    counts=st.lists(st.integers(8, 40), min_size=2, max_size=4),
    k=st.integers(1, 6),
    duplicates=st.booleans(),
    dtype=st.sampled_from(["float64", "float32"]),
    n_jobs=st.sampled_from([None, 1, 2]),
)
def test_smote_samples_lie_between_base_and_a_k_nearest_neighbour(
    smote_fast_class, seed, n_features, counts, k, duplicates, dtype, n_jobs
):
    SMOTE = smote_fast_class("SMOTE")
    rng = np.random.RandomState(seed % 2**32)
    X, y = gaussian(rng, counts, n_features)
    if duplicates:
        X, y = with_duplicates(rng, X, y)
    X = X.astype(dtype)
    sampler = SMOTE(k_neighbors=k, random_state=seed, n_jobs=n_jobs)
    X_res, y_res = sampler.fit_resample(X, y)

    assert X_res.dtype == X.dtype
    n_new = expected_new_counts("auto", y)
    assert dict(sampler.sampling_strategy_) == n_new
    expected = Counter(y.tolist())
    expected.update(n_new)
    assert Counter(y_res.tolist()) == expected
    np.testing.assert_array_equal(X_res[: len(y)], X)  # originals first, unchanged
    np.testing.assert_array_equal(y_res[: len(y)], y)
    assert np.all(np.diff(y_res[len(y) :]) >= 0), "blocks not in sorted label order"
    rtol = 1e-12 if dtype == "float64" else 2e-6
    for label in np.unique(y):
        X_class = X[y == label]
        assert_on_segments(
            X_res[len(y) :][y_res[len(y) :] == label],
            X_class,
            X_class,
            class_knn(X_class, k),
            rtol=rtol,
        )


@HYPOTHESIS
@given(
    seed=st.integers(0, 2**31),
    counts=st.lists(st.integers(12, 60), min_size=2, max_size=4),
    form=st.sampled_from(
        ["auto", "not majority", "minority", "not minority", "all", "float", "dict", "callable"]
    ),
    string_labels=st.booleans(),
)
def test_smote_class_counts_follow_the_strategy(
    smote_fast_class, seed, counts, form, string_labels
):
    SMOTE = smote_fast_class("SMOTE")
    rng = np.random.RandomState(seed)
    X, y = gaussian(rng, counts, 3)
    if string_labels:
        y = np.array(["zeta", "alpha", "mid", "beta"])[y]
    labels, label_counts = np.unique(y, return_counts=True)
    n_max = label_counts.max()
    if form == "float":
        if len(labels) != 2 or label_counts.min() == n_max:
            return
        low = label_counts.min() / n_max
        strategy = float(low + (1 - low) * 0.5)
        if int(n_max * strategy - label_counts.min()) <= 0:
            return
    elif form == "dict":
        strategy = {
            lab.item(): int(c + rng.randint(0, 25))
            for lab, c in zip(labels, label_counts, strict=True)
            if rng.uniform() < 0.7
        }
    elif form == "callable":

        def strategy(y_seen):
            assert isinstance(y_seen, np.ndarray) and y_seen.ndim == 1
            return {labels[0].item(): int(n_max + 3)}
    else:
        strategy = form
    sampler = SMOTE(sampling_strategy=strategy, random_state=seed)
    X_res, y_res = sampler.fit_resample(X, y)
    n_new = expected_new_counts(strategy, y)
    assert list(sampler.sampling_strategy_) == sorted(n_new), "not in sorted label order"
    assert {k: int(v) for k, v in sampler.sampling_strategy_.items()} == n_new
    expected = Counter(y.tolist())
    expected.update(n_new)
    assert Counter(y_res.tolist()) == expected
    assert len(X_res) == len(y_res)
    np.testing.assert_array_equal(X_res[: len(y)], X)


def _fit(name, smote_fast_class, X, y, **params):
    sampler = smote_fast_class(name)(**params)
    X_res, y_res = sampler.fit_resample(X, y)
    return sampler, X_res[len(y) :], y_res[len(y) :]


def _danger_mask(X, y, rows, label, m):
    """Section 3.2: m exact neighbours among all X (itself excluded by index)."""
    nn = brute_knn(X[rows], X, m, exclude=rows)[0]
    n_other = (y[nn] != label).sum(axis=1)
    return (n_other >= m / 2) & (n_other < m), n_other == m


@pytest.mark.parametrize("duplicates", [False, True])
@pytest.mark.parametrize("kind", ["borderline-1", "borderline-2"])
def test_borderline_samples_and_danger_set(kind, duplicates, global_random_seed, smote_fast_class):
    rng = np.random.RandomState([global_random_seed, 1])
    X, y = gaussian(rng, [120, 50, 30], 3, shift=1.0)
    if duplicates:
        X, y = with_duplicates(rng, X, y)
    k, m = 4, 8
    sampler, synth, synth_y = _fit(
        "BorderlineSMOTE",
        smote_fast_class,
        X,
        y,
        kind=kind,
        k_neighbors=k,
        m_neighbors=m,
        random_state=global_random_seed,
    )
    assert sampler.in_danger_indices, "no danger sample: the test is vacuous"
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        if label not in sampler.sampling_strategy_ or sampler.sampling_strategy_[label] == 0:
            continue
        danger, _ = _danger_mask(X, y, rows, label, m)
        np.testing.assert_array_equal(sampler.in_danger_indices.get(label, rows[:0]), rows[danger])
        bases = X[rows[danger]]
        if kind == "borderline-1":
            nn = brute_knn(bases, X[rows], k, exclude=np.flatnonzero(danger))[0]
            assert_on_segments(synth[synth_y == label], bases, X[rows], nn)
        else:  # neighbours among all X; other-class ones only the first half of the segment
            nn = brute_knn(bases, X, k, exclude=rows[danger])[0]
            assert_on_segments(
                synth[synth_y == label], bases, X, nn, other_mask=y[nn] != label, t_high_other=0.5
            )


@pytest.mark.parametrize("duplicates", [False, True])
def test_adasyn_samples_lie_between_base_and_a_k_nearest_neighbour(
    duplicates, global_random_seed, smote_fast_class
):
    rng = np.random.RandomState([global_random_seed, 2])
    X, y = gaussian(rng, [150, 40, 35], 4, shift=1.0)
    if duplicates:
        X, y = with_duplicates(rng, X, y)
    sampler, synth, synth_y = _fit(
        "ADASYN", smote_fast_class, X, y, n_neighbors=4, random_state=global_random_seed
    )
    assert len(synth) > 0
    for label in np.unique(synth_y):
        X_class = X[y == label]
        assert_on_segments(synth[synth_y == label], X_class, X_class, class_knn(X_class, 4))


@pytest.mark.parametrize("out_step", [0.5, 0.2])
def test_svmsmote_samples_between_or_beyond_support_vectors(
    out_step, global_random_seed, smote_fast_class
):
    rng = np.random.RandomState([global_random_seed, 3])
    X, y = gaussian(rng, [150, 45], 3, shift=2.0)
    k = 4
    sampler, synth, synth_y = _fit(
        "SVMSMOTE",
        smote_fast_class,
        X,
        y,
        k_neighbors=k,
        out_step=out_step,
        random_state=global_random_seed,
    )
    assert len(synth) > 0
    support = sampler.svm_estimator_.support_
    X_class = X[y == 1]
    svs = support[y[support] == 1]
    class_rows = np.full(len(y), -1)
    class_rows[y == 1] = np.arange(len(X_class))
    nn = brute_knn(X[svs], X_class, k, exclude=class_rows[svs])[0]
    # danger SVs interpolate (t in [0, 1)), safe ones extrapolate (t in (-out_step, 0])
    assert_on_segments(synth, X[svs], X_class, nn, t_low=-out_step, t_high=1.0)


# ----------------------------------------------------------- k-NN kernel


def _kneighbors():
    from smote_fast._neighbors import kneighbors

    return kneighbors


def _tie_free(rng, n, d, dtype):
    return rng.normal(size=(n, d)).astype(dtype)


def _grid(rng, n, d, levels=4):
    return rng.randint(0, levels, size=(n, d)).astype(np.float64)


@pytest.mark.parametrize("n_features", [2, 5, 20, 64])
@pytest.mark.parametrize("data", ["tie_free64", "tie_free32", "grid", "duplicates"])
def test_kneighbors_exact_order_and_thread_agnostic(data, n_features, global_random_seed):
    kneighbors = _kneighbors()
    rng = np.random.RandomState([global_random_seed, n_features])
    n_ref, k = 900, 7
    if data.startswith("tie_free"):
        reference = _tie_free(
            rng, n_ref, n_features, "float32" if data.endswith("32") else "float64"
        )
    elif data == "grid":
        reference = _grid(rng, n_ref, n_features)
    else:
        reference = rng.normal(size=(n_ref // 3, n_features))
        reference = reference[rng.randint(0, len(reference), size=n_ref)]
    # queries: 300 rows of the reference itself (excluded by index) and 100 new rows
    own = rng.choice(n_ref, 300, replace=False)
    query = np.concatenate([reference[own], _tie_free(rng, 100, n_features, reference.dtype)])
    if data == "grid":
        query[300:] = _grid(rng, 100, n_features)
    query_in_reference = np.concatenate([own, np.full(100, -1)])

    expected, expected_dist = brute_knn(query, reference, k, exclude=query_in_reference)
    results = {}
    for n_jobs in (1, 2):
        for chunk_size in (None, 7):
            results[n_jobs, chunk_size] = kneighbors(
                query,
                reference,
                k,
                query_in_reference=query_in_reference,
                n_jobs=n_jobs,
                chunk_size=chunk_size,
            )
    reference_result = results[1, None]
    assert reference_result.dtype == np.intp and reference_result.shape == (len(query), k)
    for key, result in results.items():
        np.testing.assert_array_equal(result, reference_result, err_msg=f"n_jobs, chunk={key}")
    if data != "tie_free32":
        np.testing.assert_array_equal(reference_result, expected)
    else:  # float32 input: the same as its float64 image (tie-free data)
        np.testing.assert_array_equal(
            reference_result,
            kneighbors(
                query.astype(np.float64),
                reference.astype(np.float64),
                k,
                query_in_reference=query_in_reference,
            ),
        )
    _, distances = kneighbors(
        query, reference, k, query_in_reference=query_in_reference, return_distance=True
    )
    np.testing.assert_allclose(distances, expected_dist, rtol=1e-12, atol=1e-12)
    for i, j in enumerate(own):
        assert j not in reference_result[i], "a query row is its own neighbour"


def test_kneighbors_sparse_equals_dense(global_random_seed):
    kneighbors = _kneighbors()
    rng = np.random.RandomState(global_random_seed)
    reference = rng.normal(size=(400, 12))
    reference[rng.uniform(size=reference.shape) < 0.4] = 0
    own = np.arange(0, 400, 3)
    query = reference[own]
    dense = kneighbors(query, reference, 5, query_in_reference=own)
    for n_jobs in (1, 2):
        got = kneighbors(
            sparse.csr_matrix(query),
            sparse.csr_matrix(reference),
            5,
            query_in_reference=own,
            n_jobs=n_jobs,
        )
        np.testing.assert_array_equal(got, dense)
    np.testing.assert_array_equal(dense, brute_knn(query, reference, 5, exclude=own)[0])


# ------------------------------------------ threads, duplicates, determinism


def _resample_all_ways(cls, params, X, y):
    from threadpoolctl import threadpool_limits

    runs = {}
    for n_jobs in (1, 2, None):
        runs[f"n_jobs={n_jobs}"] = cls(**params, n_jobs=n_jobs).fit_resample(X, y)
    with threadpool_limits(limits=1, user_api="openmp"):
        runs["openmp limited to 1"] = cls(**params).fit_resample(X, y)
    runs["again"] = cls(**params, n_jobs=2).fit_resample(X, y)
    return runs


def _assert_all_identical(runs):
    (first_key, (X0, y0)), *others = runs.items()
    for key, (X1, y1) in others:
        if sparse.issparse(X0):
            X0d, X1d = X0.toarray(), X1.toarray()
        else:
            X0d, X1d = X0, X1
        assert X0d.dtype == X1d.dtype and X0d.shape == X1d.shape, (first_key, key)
        assert np.ascontiguousarray(X0d).tobytes() == np.ascontiguousarray(X1d).tobytes(), (
            f"{key} differs from {first_key} ({int((X0d != X1d).any(axis=1).sum())} rows differ)"
        )
        np.testing.assert_array_equal(y1, y0)


VARIANT_PARAMS = {
    "SMOTE": ("SMOTE", {}),
    "Borderline1": ("BorderlineSMOTE", {"kind": "borderline-1"}),
    "Borderline2": ("BorderlineSMOTE", {"kind": "borderline-2"}),
    "SVMSMOTE": ("SVMSMOTE", {}),
    "ADASYN": ("ADASYN", {}),
}


@pytest.mark.parametrize(
    "layout",
    ["d3", "d20", "d20_float32", "csr"],
)
@pytest.mark.parametrize("variant", list(VARIANT_PARAMS))
def test_samplers_thread_count_agnostic(variant, layout, global_random_seed, smote_fast_class):
    pytest.importorskip("threadpoolctl")
    name, fixed = VARIANT_PARAMS[variant]
    cls = smote_fast_class(name)
    rng = np.random.RandomState([global_random_seed, 5])
    n_features = 3 if layout == "d3" else 20
    counts = [600, 300, 150] if name == "SVMSMOTE" else [2500, 1200, 600]
    X, y = gaussian(rng, counts, n_features, shift=1.0)
    if layout == "d20_float32":
        X = X.astype(np.float32)
    if layout == "csr":
        X[rng.uniform(size=X.shape) < 0.5] = 0
        X = sparse.csr_matrix(X)
    runs = _resample_all_ways(cls, {**fixed, "random_state": global_random_seed}, X, y)
    assert runs["again"][0].shape[0] > len(y)
    _assert_all_identical(runs)


@pytest.mark.parametrize("data", ["duplicates", "grid"])
@pytest.mark.parametrize("variant", list(VARIANT_PARAMS))
def test_tied_data_gives_deterministic_output(variant, data, global_random_seed, smote_fast_class):
    pytest.importorskip("threadpoolctl")
    name, fixed = VARIANT_PARAMS[variant]
    cls = smote_fast_class(name)
    rng = np.random.RandomState([global_random_seed, 6])
    if data == "duplicates":
        X, y = gaussian(rng, [400, 150, 80], 5, shift=1.0)
        X, y = with_duplicates(rng, X, y, fraction=1.0)
    else:
        y = np.repeat([0, 1, 2], [500, 200, 120])
        X = _grid(rng, len(y), 4) + 0.5 * y[:, None]
    runs = _resample_all_ways(cls, {**fixed, "random_state": 7}, X, y)
    _assert_all_identical(runs)
    if variant == "SMOTE":  # and the parents are (distance, index)-ordered exact k-NN
        X_res, y_res = runs["n_jobs=1"]
        for label in np.unique(y):
            X_class = X[y == label]
            assert_on_segments(
                X_res[len(y) :][y_res[len(y) :] == label], X_class, X_class, class_knn(X_class, 5)
            )


def test_readonly_memmap_and_layouts_give_the_same_output(
    tmp_path, global_random_seed, smote_fast_class
):
    SMOTE = smote_fast_class("SMOTE")
    rng = np.random.RandomState(global_random_seed)
    X, y = gaussian(rng, [80, 30], 6)
    path = tmp_path / "X.dat"
    X.tofile(path)
    memmap = np.memmap(path, dtype=X.dtype, mode="r", shape=X.shape)
    wide = np.zeros((X.shape[0], 2 * X.shape[1]))
    wide[:, ::2] = X
    expected = SMOTE(random_state=0).fit_resample(X, y)[0]
    for variant in (memmap, np.asfortranarray(X), wide[:, ::2]):
        got = SMOTE(random_state=0).fit_resample(variant, y)[0]
        assert type(got) is np.ndarray
        assert got.tobytes() == expected.tobytes()


# ------------------------------------------------------------ error catalogue

X_ERR = np.random.RandomState(0).normal(size=(30, 2))
Y_ERR = np.array([0] * 20 + [1] * 10)


def _param_message(param, name, constraint, got):
    return re.escape(f"The '{param}' parameter of {name} must be {constraint}. Got {got} instead.")


def _set_message(param, name, before, after, got):
    """Constraint text with a str set whose order varies between processes."""
    return (
        re.escape(f"The '{param}' parameter of {name} must be {before}{{")
        + r"[^}]*"
        + re.escape(f"}}{after}. Got {got} instead.")
    )


KNN_CONSTRAINT = (
    "an int in the range [1, inf) or an object implementing 'kneighbors' and 'kneighbors_graph'"
)
RS_CONSTRAINT = (
    "an int in the range [0, 4294967295], an instance of 'numpy.random.mtrand.RandomState' or None"
)


def _param_cases():
    from sklearn.linear_model import LogisticRegression

    cases = []
    for name in SAMPLER_NAMES:
        kp = K_PARAM[name]
        for value, got in (
            (0, "0"),
            (-1, "-1"),
            (5.0, "5.0"),
            ("5", "'5'"),
            (None, "None"),
            (LogisticRegression(), "LogisticRegression()"),
        ):
            cases.append((name, {kp: value}, _param_message(kp, name, KNN_CONSTRAINT, got)))
        for value, got in (
            (1.5, "1.5"),
            (0.0, "0.0"),
            ("majority", "'majority'"),
            ("foo", "'foo'"),
            ([0, 1], "[0, 1]"),
            ((0, 1), "(0, 1)"),
        ):
            cases.append(
                (
                    name,
                    {"sampling_strategy": value},
                    _set_message(
                        "sampling_strategy",
                        name,
                        "a float in the range (0.0, 1.0], a str among ",
                        ", an instance of 'collections.abc.Mapping' or a callable",
                        got,
                    ),
                )
            )
        for value, got in ((-1, "-1"), (2**32, "4294967296"), (1.5, "1.5")):
            cases.append(
                (
                    name,
                    {"random_state": value},
                    _param_message("random_state", name, RS_CONSTRAINT, got),
                )
            )
        cases.append(
            (
                name,
                {"random_state": np.random.default_rng(0)},
                re.escape(
                    f"The 'random_state' parameter of {name} must be {RS_CONSTRAINT}."
                    " Got Generator(PCG64) at 0x"
                ),
            )
        )
    for name in ("BorderlineSMOTE", "SVMSMOTE"):
        cases.append(
            (name, {"m_neighbors": 0}, _param_message("m_neighbors", name, KNN_CONSTRAINT, "0"))
        )
    cases.append(
        (
            "BorderlineSMOTE",
            {"kind": "borderline-3"},
            _set_message("kind", "BorderlineSMOTE", "a str among ", "", "'borderline-3'"),
        )
    )
    for value, got in ((1.5, "1.5"), (-0.1, "-0.1")):
        cases.append(
            (
                "SVMSMOTE",
                {"out_step": value},
                _param_message("out_step", "SVMSMOTE", "a float in the range [0.0, 1.0]", got),
            )
        )
    from sklearn.neighbors import NearestNeighbors

    for value, got in (("svc", "'svc'"), (NearestNeighbors(), "NearestNeighbors()")):
        cases.append(
            (
                "SVMSMOTE",
                {"svm_estimator": value},
                _param_message(
                    "svm_estimator",
                    "SVMSMOTE",
                    "an object implementing 'fit' and 'predict' or None",
                    got,
                ),
            )
        )
    return cases


def _imblearn_class(name):
    try:
        from imblearn import over_sampling
    except ImportError:
        return None
    return getattr(over_sampling, name)


@pytest.mark.parametrize(
    ("name", "params", "pattern"),
    [
        pytest.param(*case, id=f"{case[0]}-{next(iter(case[1].items()))!r}"[:60])
        for case in _param_cases()
    ],
)
def test_invalid_parameters(name, params, pattern, smote_fast_class):
    for impl, cls in (("smote_fast", smote_fast_class(name)), ("imblearn", _imblearn_class(name))):
        if cls is None:
            continue
        sampler = cls(**params)  # nothing is validated in __init__ ...
        sampler.set_params(**params)  # ... nor in set_params
        for method in ("fit", "fit_resample"):
            with pytest.raises(ValueError, match=pattern) as info:
                getattr(sampler, method)(X_ERR, Y_ERR)
            assert isinstance(info.value, TypeError), f"{impl}: not an InvalidParameterError"


def _data_cases():
    nan_X = X_ERR.copy()
    nan_X[3, 1] = np.nan
    inf_X = X_ERR.copy()
    inf_X[3, 1] = np.inf
    multilabel = np.zeros((30, 3), dtype=int)
    multilabel[:, 0] = 1
    multilabel[::2, 1] = 1
    y_nan = Y_ERR.astype(float)
    y_nan[4] = np.nan
    obj_X = X_ERR.astype(object)
    obj_X[0, 0] = "x"
    pd = pytest.importorskip("pandas")
    df_mixed = pd.DataFrame(X_ERR, columns=["a", 1])
    # (id, X, y, exception types, message pattern with {name} for the class name)
    return [
        (
            "nan_X",
            nan_X,
            Y_ERR,
            ValueError,
            re.escape(
                "Input X contains NaN.\n{name} does not accept missing values encoded as "
                "NaN natively."
            ),
        ),
        (
            "inf_X",
            inf_X,
            Y_ERR,
            ValueError,
            re.escape("Input X contains infinity or a value too large for dtype('float64')."),
        ),
        (
            "1d_X",
            X_ERR[:, 0],
            Y_ERR,
            ValueError,
            re.escape("Expected 2D array, got 1D array instead:\narray=["),
        ),
        (
            "3d_X",
            X_ERR.reshape(30, 2, 1),
            Y_ERR,
            ValueError,
            re.escape("Found array with dim 3, while dim <= 2 is required by {name}."),
        ),
        (
            "string_X",
            X_ERR.astype(str),
            Y_ERR,
            ValueError,
            re.escape(
                "dtype='numeric' is not compatible with arrays of bytes/strings.Convert "
                "your data to numeric values explicitly instead."
            ),
        ),
        (
            "object_string_X",
            obj_X,
            Y_ERR,
            ValueError,
            re.escape("could not convert string to float: 'x'"),
        ),
        ("complex_X", X_ERR + 1j, Y_ERR, ValueError, re.escape("Complex data not supported")),
        (
            "0_features",
            X_ERR[:, :0],
            Y_ERR,
            ValueError,
            re.escape(
                "Found array with 0 feature(s) (shape=(30, 0)) while a minimum of 1 is "
                "required by {name}."
            ),
        ),
        (
            "0_samples",
            X_ERR[:0],
            Y_ERR[:0],
            ValueError,
            re.escape(
                "Found array with 0 sample(s) (shape=(0, 2)) while a minimum of 1 is "
                "required by {name}."
            ),
        ),
        (
            "inconsistent_lengths",
            X_ERR,
            Y_ERR[:-1],
            ValueError,
            re.escape("Found input variables with inconsistent numbers of samples: [30, 29]"),
        ),
        (
            "mixed_column_names",
            df_mixed,
            Y_ERR,
            TypeError,
            re.escape(
                "Feature names are only supported if all input features have string names, "
                "but your input has ['int', 'str'] as feature name / column name types."
            ),
        ),
        ("bool_X", X_ERR > 0, Y_ERR, TypeError, re.escape("numpy boolean subtract")),
        (
            "continuous_y",
            X_ERR,
            np.linspace(0, 1, 30),
            ValueError,
            re.escape(
                "Unknown label type: continuous. Maybe you are trying to fit a classifier, "
                "which expects discrete classes on a regression target with continuous "
                "values."
            ),
        ),
        (
            "mixed_y",
            X_ERR,
            np.array([0, "a"] * 15, dtype=object),
            ValueError,
            re.escape("Unknown label type: unknown."),
        ),
        ("nan_y", X_ERR, y_nan, ValueError, re.escape("Input y contains NaN.")),
        (
            "none_y",
            X_ERR,
            None,
            ValueError,
            re.escape("Expected array-like (array or non-string sequence), got None"),
        ),
        (
            "multilabel_y",
            X_ERR,
            multilabel,
            ValueError,
            re.escape(
                "Imbalanced-learn currently supports binary, multiclass and binarized "
                "encoded multiclasss targets. Multilabel and multioutput targets are not "
                "supported."
            ),
        ),
        (
            "one_class",
            X_ERR,
            np.zeros(30, dtype=int),
            ValueError,
            re.escape("The target 'y' needs to have more than 1 class. Got 1 class instead"),
        ),
    ]


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("name", SAMPLER_NAMES)
@pytest.mark.parametrize("case", _data_cases(), ids=lambda c: c[0])
def test_invalid_data(case, name, smote_fast_class):
    _, X, y, exc_type, pattern = case
    pattern = pattern.replace(re.escape("{name}"), name).replace("{name}", name)
    for cls in (smote_fast_class(name), _imblearn_class(name)):
        if cls is not None:
            with pytest.raises(exc_type, match=pattern):
                cls(random_state=0).fit_resample(X, y)


def _strategy_cases():
    three = np.array([0] * 20 + [1] * 6 + [2] * 4)
    return [
        (
            "float_multiclass",
            0.8,
            three,
            ValueError,
            re.escape(
                '"sampling_strategy" can be a float only when the type of target is binary. '
                "For multi-class, use a dict."
            ),
        ),
        (
            "float_too_small",
            0.5,
            Y_ERR,
            ValueError,
            re.escape(
                "The specified ratio required to remove samples from the minority class while "
                "trying to generate new samples. Please increase the ratio."
            ),
        ),
        (
            "dict_missing_class",
            {2: 30},
            Y_ERR,
            ValueError,
            re.escape("The {2} target class is/are not present in the data."),
        ),
        (
            "dict_string_key",
            {"1": 30},
            Y_ERR,
            ValueError,
            re.escape("The {'1'} target class is/are not present in the data."),
        ),
        (
            "callable_not_dict",
            lambda y: [1, 2],
            Y_ERR,
            AttributeError,
            re.escape("'list' object has no attribute 'keys'"),
        ),
        (
            "dict_float_value",
            {1: 15.5},
            Y_ERR,
            TypeError,
            re.escape("expected a sequence of integers or a single integer"),
        ),
    ]


@pytest.mark.parametrize("name", SAMPLER_NAMES)
@pytest.mark.parametrize("case", _strategy_cases(), ids=lambda c: c[0])
def test_invalid_sampling_strategy(case, name, smote_fast_class):
    _, strategy, y, exc_type, pattern = case
    X = np.random.RandomState(1).normal(size=(len(y), 2))
    if name == "ADASYN" and case[0] == "dict_float_value":
        pytest.skip("ADASYN rounds per-sample counts itself (no integer size passed to numpy)")
    for cls in (smote_fast_class(name), _imblearn_class(name)):
        if cls is not None:
            with pytest.raises(exc_type, match=pattern):
                cls(sampling_strategy=strategy, random_state=0).fit_resample(X, y)


def _algorithm_cases():
    rng = np.random.RandomState(3)
    # a class of 5 rows amid 40 others: too small for k = 5 (6 neighbours with itself)
    small_y = np.array([0] * 40 + [1] * 5)
    small_X = rng.normal(size=(45, 2))
    too_few = "Expected n_neighbors <= n_samples_fit, but n_neighbors = 6, n_samples_fit = 5"
    # two far-apart blobs: no neighbour of the minority belongs to the other class
    far_X = np.concatenate([rng.normal(size=(40, 2)), rng.normal(size=(15, 2)) + 100])
    far_y = np.array([0] * 40 + [1] * 15)
    # isolated minority points inside the majority cloud: every SV is noise
    noise_X = np.concatenate(
        [rng.normal(size=(400, 2)), np.array([[0.3, 0.2], [-0.4, 0.5], [0.1, -0.6], [-0.5, -0.3]])]
    )
    noise_y = np.array([0] * 400 + [1] * 4)
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import NearestNeighbors

    return [
        (
            "SMOTE",
            "class_too_small",
            {},
            small_X,
            small_y,
            ValueError,
            re.escape(too_few + ", n_samples = 5"),
        ),
        (
            "ADASYN",
            "class_too_small",
            {},
            small_X,
            small_y,
            ValueError,
            re.escape(too_few + ", n_samples = 5"),
        ),
        (
            "SMOTE",
            "nn_object_one_neighbour",
            {"k_neighbors": NearestNeighbors(n_neighbors=1)},
            X_ERR,
            Y_ERR,
            ValueError,
            re.escape("high <= 0"),
        ),
        (
            "ADASYN",
            "no_other_class_neighbour",
            {},
            far_X,
            far_y,
            RuntimeError,
            re.escape(
                "Not any neigbours belong to the majority class. This case will induce a NaN case "
                "with a division by zero. ADASYN is not suited for this specific dataset. Use "
                "SMOTE instead."
            ),
        ),
        (
            "ADASYN",
            "nothing_to_generate",
            {"sampling_strategy": {1: 11}},
            small_X[:35],
            np.array([0] * 25 + [1] * 10),
            ValueError,
            re.escape("No samples will be generated with the provided ratio settings."),
        ),
        (
            "SVMSMOTE",
            "not_an_svm",
            {"svm_estimator": LogisticRegression()},
            X_ERR,
            Y_ERR,
            RuntimeError,
            re.escape(
                "`svm_estimator` is required to exposed a `support_` fitted attribute. Such "
                "estimator belongs to the familly of Support Vector Machine."
            ),
        ),
        (
            "SVMSMOTE",
            "all_noise",
            {"m_neighbors": 5},
            noise_X,
            noise_y,
            ValueError,
            re.escape(
                "All support vectors are considered as noise. SVM-SMOTE is not adapted to your "
                "dataset. Try another SMOTE variant."
            ),
        ),
    ]


@pytest.mark.parametrize("case", _algorithm_cases(), ids=lambda c: f"{c[0]}-{c[1]}")
def test_algorithm_errors(case, smote_fast_class):
    name, _, params, X, y, exc_type, pattern = case
    for cls in (smote_fast_class(name), _imblearn_class(name)):
        if cls is not None:
            with pytest.raises(exc_type, match=pattern):
                cls(random_state=0, **params).fit_resample(X, y)


@pytest.mark.parametrize("name", SAMPLER_NAMES)
def test_protocol_errors(name, smote_fast_class):
    cls = smote_fast_class(name)
    with pytest.raises(TypeError, match=re.escape("takes 1 positional argument but 2 were given")):
        cls("auto")
    with pytest.raises(
        ValueError, match=re.escape(f"Invalid parameter 'foo' for estimator {name}(")
    ):
        cls().set_params(foo=1)
    with pytest.raises(
        TypeError, match=re.escape("got an unexpected keyword argument 'sample_weight'")
    ):
        cls(random_state=0).fit_resample(X_ERR, Y_ERR, sample_weight=np.ones(30))


@pytest.mark.parametrize("n_jobs", [0, 1.5, "2"])
@pytest.mark.parametrize("name", SAMPLER_NAMES)
def test_invalid_n_jobs(name, n_jobs, smote_fast_class):
    sampler = smote_fast_class(name)(n_jobs=n_jobs, random_state=0)
    with pytest.raises(ValueError, match="n_jobs"):
        sampler.fit_resample(X_ERR, Y_ERR)


def test_plain_input_imports_neither_pandas_nor_scikit_learn():
    """Decision 6: no imbalanced-learn / scikit-learn at run time (except SVMSMOTE's
    default SVC), pandas only for pandas input."""
    import subprocess
    import sys

    code = """
import sys
import numpy as np
import smote_fast
rng = np.random.RandomState(0)
X, y = rng.normal(size=(60, 3)), np.repeat([0, 1], [40, 20])
names = [n for n in ("SMOTE", "BorderlineSMOTE", "ADASYN") if hasattr(smote_fast, n)]
for name in names:
    getattr(smote_fast, name)(random_state=0).fit_resample(X, y)
loaded = sorted(m for m in ("pandas", "sklearn", "imblearn") if m in sys.modules)
print(",".join(names), "|", ",".join(loaded))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    names, loaded = (part.strip() for part in proc.stdout.strip().splitlines()[-1].split("|"))
    assert "SMOTE" in names.split(",")
    assert loaded == "", f"fit_resample on numpy input imported {loaded}"
