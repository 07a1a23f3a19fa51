"""Random streams in imbalanced-learn's order: ``check_random_state`` with named
streams for generators alive at once within one call, and the compiled
``randint``-then-``random_sample`` draws with their once-per-process self-test
against numpy."""

import numbers
import threading

import numpy as np

from . import _legacy_draws

# Streams of one call that must not share a re-seeded generator (see
# ``check_random_state``): the per-block draws restart STREAM_BLOCKS while the
# others are still being drawn from.
STREAM_BLOCKS = 0
STREAM_HALFWAY = 1  # borderline-2's half-way factors
STREAM_PER_CALL = 2  # SVM-SMOTE's per-call danger fraction


def check_random_state(seed, stream=STREAM_BLOCKS):
    """scikit-learn's resolution: None -> numpy's global RandomState, an int ->
    a new RandomState(seed), a RandomState -> itself.

    For an int, building ``RandomState(seed)`` spends ~75 us creating a
    SeedSequence that legacy seeding then discards; re-seeding a bit generator
    kept per thread gives the identical stream in ~1 us. ``stream`` tells apart
    generators that must be alive at the same time within one call (the
    re-seeding is measured by benchmarks/bench_small_call.py).
    """
    if seed is None or seed is np.random:
        return np.random.mtrand._rand
    if type(seed) is int or isinstance(seed, numbers.Integral):
        return _reseeded_generator(int(seed), stream)
    if isinstance(seed, np.random.RandomState):
        return seed
    raise ValueError(f"{seed!r} cannot be used to seed a numpy.random.RandomState instance")


_thread_generators = threading.local()


def _reseeded_generator(seed, stream):
    pool = getattr(_thread_generators, "pool", None)
    if pool is None:
        pool = _thread_generators.pool = {}
    bit_generator = pool.get(stream)
    if bit_generator is None:
        bit_generator = pool[stream] = np.random.MT19937(0)
    try:
        bit_generator._legacy_seeding(seed)
    except AttributeError:  # a numpy without the private hook: pay for a new one
        return np.random.RandomState(seed)
    return np.random.RandomState(bit_generator)


def randint_then_random_sample(random_state, high, n_ints, n_doubles):
    """``random_state.randint(0, high, size=n_ints)`` then
    ``random_state.random_sample(n_doubles)``: numpy's values and final state,
    computed by ``_legacy_draws`` when the generator is numpy's MT19937 (a few
    times faster), else by numpy itself."""
    bit_generator = getattr(random_state, "_bit_generator", None)
    if (
        isinstance(bit_generator, np.random.MT19937)
        and 1 <= high <= 1 << 32
        and _legacy_draws_verified()
    ):
        ints = np.empty(n_ints, dtype=np.int_)
        doubles = np.empty(n_doubles, dtype=np.float64)
        with bit_generator.lock:
            _legacy_draws.randint_then_random_sample(bit_generator.capsule, high - 1, ints, doubles)
        return ints, doubles
    return (
        random_state.randint(low=0, high=high, size=n_ints),
        random_state.random_sample(n_doubles),
    )


def seeded_randint_then_random_sample(seed, high, n_ints, n_doubles):
    """``randint_then_random_sample(RandomState(seed), ...)`` for an int seed,
    computed without building the RandomState (its seeding is part of the
    kernel)."""
    if 1 <= high <= 1 << 32 and _legacy_draws_verified():
        ints = np.empty(n_ints, dtype=np.int_)
        doubles = np.empty(n_doubles, dtype=np.float64)
        _legacy_draws.seeded_randint_then_random_sample(seed, high - 1, ints, doubles)
        return ints, doubles
    return randint_then_random_sample(check_random_state(seed), high, n_ints, n_doubles)


_legacy_draws_checked = []


def _legacy_draws_verified():
    """Whether ``_legacy_draws`` reads this numpy's MT19937 state right: checked
    once per process against numpy's own draws and public state, from mid-block
    positions and across regenerations, for the edge ranges."""
    if not _legacy_draws_checked:
        ok = True
        for high, n_ints, n_doubles in (
            (1, 5, 3),
            (7, 1500, 700),
            (1 << 32, 400, 0),
            (50_001, 0, 900),
        ):
            ours, numpys = np.random.RandomState(20251124), np.random.RandomState(20251124)
            ours.random_sample(high % 611)
            numpys.random_sample(high % 611)
            ints = np.empty(n_ints, dtype=np.int_)
            doubles = np.empty(n_doubles, dtype=np.float64)
            _legacy_draws.randint_then_random_sample(
                ours._bit_generator.capsule, high - 1, ints, doubles
            )
            ok = ok and np.array_equal(ints, numpys.randint(0, high, size=n_ints))
            ok = ok and np.array_equal(doubles, numpys.random_sample(n_doubles))
            state, expected = ours.get_state(), numpys.get_state()
            ok = ok and np.array_equal(state[1], expected[1]) and state[2] == expected[2]
        for seed in (0, 12345, 2**32 - 1):
            ints = np.empty(700, dtype=np.int_)
            doubles = np.empty(900, dtype=np.float64)
            _legacy_draws.seeded_randint_then_random_sample(seed, 96, ints, doubles)
            numpys = np.random.RandomState(seed)
            ok = ok and np.array_equal(ints, numpys.randint(0, 97, size=700))
            ok = ok and np.array_equal(doubles, numpys.random_sample(900))
        _legacy_draws_checked.append(ok)
    return _legacy_draws_checked[0]
