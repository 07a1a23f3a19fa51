"""Provenance: ``synthetic_base_``, ``synthetic_neighbor_`` and ``synthetic_gap_``
reconstruct every synthetic row of every sampler, and the plan/assembler seam
they come from (neighbour tables, post-steps)."""

import numpy as np
import pytest
from scipy import sparse

from smote_fast._assemble import assemble
from smote_fast._data import ResampleData
from smote_fast._plan import NeighborTable, ResamplePlan, SyntheticBlock, block_from_draws
from smote_fast._roster import OVER_SAMPLING, variants

OVER_SAMPLERS = variants(kind=OVER_SAMPLING)
VARIANT_IDS = [variant.key for variant in OVER_SAMPLERS]


def overlapping_classes(seed, counts, n_features=4, dtype=np.float64):
    """Gaussian classes close enough that every sampler finds border rows."""
    rng = np.random.RandomState(seed)
    X = np.vstack(
        [
            rng.normal(loc=0.8 * label, size=(count, n_features))
            for label, count in enumerate(counts)
        ]
    ).astype(dtype)
    y = np.repeat(np.arange(len(counts)), counts)
    order = rng.permutation(len(y))
    return X[order], y[order]


def resample(variant, X, y, seed=0):
    sampler = variant.make(random_state=seed, **variant.example_params)
    X_res, y_res = sampler.fit_resample(X, y)
    return sampler, X_res, y_res


def reconstruct(X, base, neighbor, gap):
    """The documented formula, in the samplers' arithmetic: the difference in X's
    dtype, product and sum in float64, one final cast."""
    origin = X[base]
    diff = X[neighbor] - origin
    return (origin.astype(np.float64) + gap[:, None] * diff.astype(np.float64)).astype(X.dtype)


def scaled_rows(variant, sampler, y):
    """Rows whose difference imbalanced-learn scales and rounds before the step:
    borderline-2's rows towards a neighbour of another class."""
    if variant.params.get("kind") != "borderline-2":
        return np.zeros(len(sampler.synthetic_base_), dtype=bool)
    return y[sampler.synthetic_base_] != y[sampler.synthetic_neighbor_]


@pytest.mark.parametrize("variant", OVER_SAMPLERS, ids=VARIANT_IDS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("counts", [(200, 60), (220, 70, 50)], ids=["binary", "3-class"])
def test_provenance_reconstructs_every_synthetic_row(variant, dtype, counts):
    X, y = overlapping_classes(3, counts, dtype=dtype)
    sampler, X_res, y_res = resample(variant, X, y)
    base, neighbor, gap = (
        sampler.synthetic_base_,
        sampler.synthetic_neighbor_,
        sampler.synthetic_gap_,
    )
    n_new = len(X_res) - len(X)
    assert n_new > 0
    assert (base.dtype, neighbor.dtype, gap.dtype) == (np.int64, np.int64, np.float64)
    assert len(base) == len(neighbor) == len(gap) == n_new
    np.testing.assert_array_equal(X_res[: len(X)], X)
    # a synthetic row belongs to its base row's class
    np.testing.assert_array_equal(y_res[len(X) :], y[base])
    expected = reconstruct(X, base, neighbor, gap)
    exact = ~scaled_rows(variant, sampler, y)
    assert exact.any()
    np.testing.assert_array_equal(X_res[len(X) :][exact], expected[exact])
    if not exact.all():
        # the documented bound: one rounding of the scaled difference in X's
        # dtype, plus one of the sum
        eps = np.finfo(dtype).eps
        diff = (X[neighbor] - X[base]).astype(np.float64)
        bound = eps * (np.abs(gap[:, None] * diff) + np.abs(expected.astype(np.float64)))
        error = np.abs(X_res[len(X) :].astype(np.float64) - expected.astype(np.float64))
        assert (error[~exact] <= bound[~exact]).all()


@pytest.mark.parametrize("variant", OVER_SAMPLERS, ids=VARIANT_IDS)
def test_gaps_match_each_algorithm(variant):
    X, y = overlapping_classes(5, (200, 60))
    sampler, _, _ = resample(variant, X, y)
    gap = sampler.synthetic_gap_
    if not variant.interpolates:  # copies: no neighbour, no step
        np.testing.assert_array_equal(sampler.synthetic_neighbor_, sampler.synthetic_base_)
        assert (gap == 0).all()
        return
    if variant.key == "svmsmote":
        # interpolation from danger rows, extrapolation (negative) from safe ones
        assert ((gap > -sampler.out_step) & (gap < 1.0)).all()
        assert (gap < 0).any() or (gap > 0).all()
    elif variant.key == "borderline2":
        towards_other = scaled_rows(variant, sampler, y)
        assert towards_other.any()
        assert ((gap[towards_other] >= 0) & (gap[towards_other] < 0.5)).all()
        assert ((gap >= 0) & (gap < 1)).all()
    else:
        assert ((gap >= 0) & (gap < 1)).all()
    same_class = y[sampler.synthetic_base_] == y[sampler.synthetic_neighbor_]
    if variant.key != "borderline2":
        assert same_class.all()
    assert (sampler.synthetic_base_ != sampler.synthetic_neighbor_).all()


@pytest.mark.parametrize("variant", OVER_SAMPLERS, ids=VARIANT_IDS)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_provenance_gives_the_same_rows(variant, fmt):
    X, y = overlapping_classes(7, (200, 60))
    X[np.abs(X) < 0.7] = 0.0  # a real sparsity pattern
    sampler, X_res, _ = resample(variant, sparse.csr_matrix(X).asformat(fmt), y)
    assert X_res.format == fmt
    synthetic = X_res.toarray()[len(X) :]
    expected = reconstruct(
        X, sampler.synthetic_base_, sampler.synthetic_neighbor_, sampler.synthetic_gap_
    )
    exact = ~scaled_rows(variant, sampler, y)
    np.testing.assert_array_equal(synthetic[exact], expected[exact])
    np.testing.assert_allclose(synthetic[~exact], expected[~exact], rtol=1e-15, atol=1e-15)


@pytest.mark.parametrize(
    "variant", [v for v in OVER_SAMPLERS if v.key != "borderline2"], ids=lambda v: v.key
)
def test_integer_X_provenance_truncates_like_the_output(variant):
    X, y = overlapping_classes(11, (200, 60))
    X = np.round(X * 100).astype(np.int64)
    sampler, X_res, _ = resample(variant, X, y)
    expected = reconstruct(
        X.astype(np.float64),
        sampler.synthetic_base_,
        sampler.synthetic_neighbor_,
        sampler.synthetic_gap_,
    )
    np.testing.assert_array_equal(X_res[len(X) :], expected.astype(np.int64))


def test_provenance_is_reset_by_each_call():
    X, y = overlapping_classes(13, (200, 60))
    sampler = OVER_SAMPLERS[0].make(random_state=0)
    sampler.fit_resample(X, y)
    sampler.fit_resample(X, np.zeros_like(y) + (np.arange(len(y)) < 150))
    assert len(sampler.synthetic_base_) == 150 - 110
    nothing = {0: 200, 1: 60}
    sampler.set_params(sampling_strategy=nothing).fit_resample(X, y)
    assert len(sampler.synthetic_base_) == len(sampler.synthetic_gap_) == 0


def test_group_aware_cross_validation_example():
    """The README's example: synthetic rows inherit their base row's group, so a
    group split never puts a synthetic row and its parents on both sides."""
    X, y = overlapping_classes(17, (200, 60))
    groups = np.arange(len(y)) // 10
    sampler = OVER_SAMPLERS[0].make(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    groups_res = np.concatenate([groups, groups[sampler.synthetic_base_]])
    assert len(groups_res) == len(y_res)
    parents_group = groups[sampler.synthetic_neighbor_]
    np.testing.assert_array_equal(
        groups_res[len(X) :] == parents_group, groups[sampler.synthetic_base_] == parents_group
    )


# ------------------------------------------------------------------ the seam


def small_data():
    X = np.arange(24, dtype=np.float64).reshape(8, 3) ** 1.5
    y = np.array([0, 0, 0, 0, 0, 1, 1, 1])
    return ResampleData(X, y, n_jobs=1)


def test_assembler_writes_plan_rows_and_runs_post_steps():
    data = small_data()
    class_rows = data.rows_of(1)
    table = NeighborTable(np.array([[1, 2], [0, 2], [0, 1]], dtype=np.intp), class_rows, class_rows)
    block = block_from_draws(1, np.array([0, 5, 3]), np.array([0.25, 0.5, 0.75]), table)
    np.testing.assert_array_equal(block.base, [5, 7, 6])
    np.testing.assert_array_equal(block.neighbor, [6, 6, 7])
    np.testing.assert_array_equal(table.neighbors_of(block.base), [[6, 7], [5, 6], [5, 7]])
    seen = []

    def post_step(X_out, start, stop, rows):
        seen.append((start, stop, rows is block))
        X_out[start:stop, 0] = -1.0

    block.post_step = post_step
    copy_block = SyntheticBlock(0, np.array([2]), np.array([2]), np.array([0.0]))
    plan = ResamplePlan([copy_block, block]).finalize()
    X_out, y_out = assemble(data, plan)
    assert seen == [(9, 12, True)]
    np.testing.assert_array_equal(y_out, [0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1])
    np.testing.assert_array_equal(X_out[8], data.X[2])  # a copy: neighbour = base, gap 0
    expected = reconstruct(data.X, plan.base, plan.neighbor, plan.steps)
    np.testing.assert_array_equal(X_out[9:, 1:], expected[1:, 1:])
    np.testing.assert_array_equal(X_out[9:, 0], -1.0)
    base, neighbor, gap = plan.provenance()
    np.testing.assert_array_equal(base, [2, 5, 7, 6])
    np.testing.assert_array_equal(gap, [0.0, 0.25, 0.5, 0.75])
    # the blocks now view the plan's arrays: no second copy exists
    assert np.shares_memory(block.base, plan.base)


def test_plan_concatenates_scales_of_mixed_blocks():
    data = small_data()
    plain = SyntheticBlock(1, np.array([5]), np.array([6]), np.array([0.5]))
    scaled = SyntheticBlock(
        1, np.array([6]), np.array([0]), np.array([0.5]), diff_scale=np.array([0.25])
    )
    plan = ResamplePlan([plain, scaled]).finalize()
    np.testing.assert_array_equal(plan.diff_scale, [1.0, 0.25])
    np.testing.assert_array_equal(plan.provenance()[2], [0.5, 0.125])
    X_out, _ = assemble(data, plan)
    diff = (data.X[0] - data.X[6]) * 0.25
    np.testing.assert_array_equal(X_out[9], data.X[6] + 0.5 * diff)
