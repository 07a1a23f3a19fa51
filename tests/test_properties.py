"""Properties of smote_fast's output that hold without any reference implementation,
checked with the brute-force k-NN of ``_support``:

* every synthetic row lies on the segment between its base row and one of the base
  row's exact nearest neighbours (Borderline-2: other-class neighbours on the first
  half; SVM-SMOTE: beyond the support vector by up to ``out_step``);
* class counts follow the sampling strategy, originals first, blocks in label order;
* the danger set of Borderline-SMOTE and ADASYN's per-class counts follow their rules;
* integer inputs are interpolated in float64 and truncated (no wrap-around).
"""

from collections import Counter

import numpy as np
import pytest
from _support import (
    assert_on_segments,
    class_knn,
    gaussian_classes,
    ours,
    reference_knn,
    require,
    with_duplicates,
)

require("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def gaussian(rng, counts, n_features, shift=1.5):
    return gaussian_classes(rng, counts, n_features, shift=shift)


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
    nn = reference_knn(X[rows], X, m, exclude=rows)[0]
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
            nn = reference_knn(bases, X[rows], k, exclude=np.flatnonzero(danger))[0]
            assert_on_segments(synth[synth_y == label], bases, X[rows], nn)
        else:  # neighbours among all X; other-class ones only the first half of the segment
            nn = reference_knn(bases, X, k, exclude=rows[danger])[0]
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
    require("sklearn", "SVMSMOTE's default SVC")
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
    nn = reference_knn(X[svs], X_class, k, exclude=class_rows[svs])[0]
    # danger SVs interpolate (t in [0, 1)), safe ones extrapolate (t in (-out_step, 0])
    assert_on_segments(synth, X[svs], X_class, nn, t_low=-out_step, t_high=1.0)


@pytest.mark.parametrize("m", [1, 4, 5, 10])
@pytest.mark.parametrize("kind", ["borderline-1", "borderline-2"])
def test_danger_rule(kind, m):
    rng = np.random.RandomState([17, m])
    X, y = gaussian_classes(rng, [120, 60, 35], 3, shift=1.0)
    sampler = ours(kind.replace("-", ""), m_neighbors=m, random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    for label in (1, 2):
        rows = np.flatnonzero(y == label)
        n_other = (y[reference_knn(X[rows], X, m, exclude=rows)[0]] != label).sum(axis=1)
        danger = (2 * n_other >= m) & (n_other < m)
        if danger.any():
            np.testing.assert_array_equal(sampler.in_danger_indices[label], rows[danger])
            assert sampler.in_danger_indices[label].dtype == np.int64
            # counts follow the strategy for a class with samples in danger
            assert np.sum(y_res == label) == 120
        else:
            assert label not in sampler.in_danger_indices
            assert np.sum(y_res == label) == len(rows)
    if m == 1:
        assert sampler.in_danger_indices == {}  # m/2 <= n < 1 is impossible
    else:
        assert sampler.in_danger_indices, "no sample in danger: the test is vacuous"


def test_in_danger_indices_set_by_fit_resample_only():
    rng = np.random.RandomState(19)
    X, y = gaussian_classes(rng, [80, 30], 3)
    sampler = ours("borderline1", random_state=0).fit(X, y)
    assert not hasattr(sampler, "in_danger_indices")
    sampler.fit_resample(X, y)
    assert sampler.in_danger_indices
    X_far = X.copy()
    X_far[y == 1] += 100.0
    sampler.fit_resample(X_far, y)  # nothing in danger any more: reset, not kept
    assert sampler.in_danger_indices == {}


@pytest.mark.parametrize("n_neighbors", [3, 5])
def test_adasyn_counts_follow_the_rounding_rule(n_neighbors):
    rng = np.random.RandomState([23, n_neighbors])
    X, y = gaussian_classes(rng, [150, 70, 31], 4, shift=1.0)
    sampler = ours("adasyn", n_neighbors=n_neighbors, random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    for label, n_requested in sampler.sampling_strategy_.items():
        rows = np.flatnonzero(y == label)
        if n_requested == 0:
            assert np.sum(y_res == label) == len(rows)
            continue
        ratio = (y[reference_knn(X[rows], X, n_neighbors, exclude=rows)[0]] != label).sum(
            axis=1
        ) / n_neighbors
        expected = np.rint(ratio / np.sum(ratio) * n_requested).astype(int).sum()
        assert np.sum(y_res[len(y) :] == label) == expected


def test_borderline2_integer_X():
    """imbalanced-learn raises here; smote_fast interpolates in float64 and truncates."""
    rng = np.random.RandomState(29)
    X, y = gaussian_classes(rng, [90, 35], 3)
    X = np.round(X * 1000).astype(np.int64)
    sampler = ours("borderline2", random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert X_res.dtype == np.int64 and len(y_res) == 180
    np.testing.assert_array_equal(X_res[: len(y)], X)
    new = X_res[len(y) :]
    assert np.all((new >= X.min(axis=0)) & (new <= X.max(axis=0)))
    # the same data as float64 give the same samples before truncation toward zero
    X_float, _ = ours("borderline2", random_state=0).fit_resample(X.astype(np.float64), y)
    assert np.isfinite(X_float).all()
    np.testing.assert_array_equal(new, X_float[len(y) :].astype(np.int64))


def test_uint8_data_does_not_wrap_around():
    """uint8 X spanning 0..255: differences in float64, results truncated toward zero,
    i.e. the float64 result of the same data cast to uint8 (numpy's uint8 arithmetic
    would wrap around)."""
    X = np.array([[250, 5], [10, 200], [240, 20], [0, 255], [255, 0], [5, 250]] * 5, dtype=np.uint8)
    y = np.array([0, 1] * 15)
    y[:4] = 1
    X_res, _ = ours("smote", random_state=0, k_neighbors=3).fit_resample(X, y)
    assert X_res.dtype == np.uint8
    X_float, _ = ours("smote", random_state=0, k_neighbors=3).fit_resample(X.astype(np.float64), y)
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(X_res[len(X) :], np.trunc(X_float[len(X) :]).astype(np.uint8))
