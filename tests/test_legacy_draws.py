"""The compiled randint-then-random_sample draws against numpy's own."""

import numpy as np
import pytest

from smote_fast import _random as _validation
from smote_fast._random import randint_then_random_sample


def numpy_draws(random_state, high, n_ints, n_doubles):
    return (random_state.randint(low=0, high=high, size=n_ints),
            random_state.random_sample(n_doubles))


@pytest.mark.parametrize("high", [1, 2, 3, 500, 50_000, 2**31 + 5, 2**32 - 1, 2**32,
                                  2**32 + 1, 2**40])
@pytest.mark.parametrize("skip", [0, 1, 623, 624, 1000])
@pytest.mark.parametrize("sizes", [(0, 0), (1, 0), (0, 1), (7, 3), (2000, 1500)])
def test_values_and_final_state_equal_numpys(high, skip, sizes):
    ours, numpys = np.random.RandomState(high % 1000), np.random.RandomState(high % 1000)
    # start from every kind of position within the 624-word block
    ours.randint(0, 2**32, size=skip, dtype=np.uint32)
    numpys.randint(0, 2**32, size=skip, dtype=np.uint32)
    got = randint_then_random_sample(ours, high, *sizes)
    expected = numpy_draws(numpys, high, *sizes)
    for value, reference in zip(got, expected, strict=True):
        assert value.dtype == reference.dtype
        np.testing.assert_array_equal(value, reference)
    state, expected_state = ours.get_state(), numpys.get_state()
    np.testing.assert_array_equal(state[1], expected_state[1])
    assert state[2] == expected_state[2]


def test_the_kernel_is_used_for_mt19937(monkeypatch):
    calls = []
    real = _validation._legacy_draws.randint_then_random_sample
    monkeypatch.setattr(_validation._legacy_draws, "randint_then_random_sample",
                        lambda *args: calls.append(args) or real(*args))
    randint_then_random_sample(np.random.RandomState(0), 10, 5, 5)
    assert len(calls) == 1


@pytest.mark.parametrize("bit_generator", [np.random.PCG64, np.random.Philox])
def test_other_bit_generators_use_numpy(bit_generator):
    ours = np.random.RandomState(bit_generator(3))
    numpys = np.random.RandomState(bit_generator(3))
    got = randint_then_random_sample(ours, 97, 300, 200)
    expected = numpy_draws(numpys, 97, 300, 200)
    for value, reference in zip(got, expected, strict=True):
        np.testing.assert_array_equal(value, reference)


def test_global_generator_advances_like_numpys():
    np.random.seed(11)
    got = randint_then_random_sample(np.random.mtrand._rand, 1234, 999, 999)
    after = np.random.random_sample(3)
    np.random.seed(11)
    expected = numpy_draws(np.random.mtrand._rand, 1234, 999, 999)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])
    np.testing.assert_array_equal(after, np.random.random_sample(3))


def test_a_failed_layout_check_falls_back_to_numpy(monkeypatch):
    monkeypatch.setattr(_validation, "_legacy_draws_checked", [False])
    monkeypatch.setattr(_validation._legacy_draws, "randint_then_random_sample", None)
    got = randint_then_random_sample(np.random.RandomState(5), 10, 4, 4)
    expected = numpy_draws(np.random.RandomState(5), 10, 4, 4)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])


def test_the_layout_check_passes_on_this_numpy():
    assert _validation._legacy_draws_verified()


@pytest.mark.parametrize("seed", [0, 1, 42, 2**31, 2**32 - 1])
@pytest.mark.parametrize("high", [1, 7, 500, 2**32])
def test_seeded_draws_equal_a_fresh_randomstate(seed, high):
    from smote_fast._random import seeded_randint_then_random_sample

    got = seeded_randint_then_random_sample(seed, high, 1500, 1300)
    expected = numpy_draws(np.random.RandomState(seed), high, 1500, 1300)
    for value, reference in zip(got, expected, strict=True):
        assert value.dtype == reference.dtype
        np.testing.assert_array_equal(value, reference)
