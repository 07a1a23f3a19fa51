"""Shared fixtures for smote_fast's tests.

* ``global_random_seed``: the seed(s) a test derives its data from.  One seed (0) by
  default; the environment variable ``SMOTE_FAST_TEST_SEED`` selects others:
  ``SMOTE_FAST_TEST_SEED=7``, ``=0-99`` (inclusive range), ``=1,5,9`` or ``=all``
  (0-99).  A test requesting the fixture runs once per seed, and must pass for every seed.
* ``smote_fast_class``: returns ``require_smote_fast_class`` -- the one place where a
  test is skipped because smote_fast does not provide one of its four samplers yet.
"""

import importlib
import os

import pytest

SEED_ENV_VAR = "SMOTE_FAST_TEST_SEED"
SAMPLER_NAMES = ("SMOTE", "BorderlineSMOTE", "SVMSMOTE", "ADASYN")
SAMPLER_NAMES += ("SMOTENC", "SMOTEN")  # issue 10


def _parse_seeds(text):
    text = text.strip()
    if not text:
        return [0]
    if text == "all":
        return list(range(100))
    seeds = []
    for part in text.split(","):
        lo, sep, hi = part.strip().partition("-")
        try:
            seeds.extend(range(int(lo), int(hi) + 1) if sep else [int(lo)])
        except ValueError:
            raise pytest.UsageError(
                f"{SEED_ENV_VAR}={text!r}: expected an int, 'a-b', a comma list or 'all'"
            ) from None
    if not seeds or any(not 0 <= s < 2**32 for s in seeds):
        raise pytest.UsageError(f"{SEED_ENV_VAR}={text!r}: seeds must be in [0, 2**32)")
    return seeds


def _seeds():
    return _parse_seeds(os.environ.get(SEED_ENV_VAR, "0"))


def pytest_configure(config):
    _seeds()  # a malformed SMOTE_FAST_TEST_SEED is a usage error, before collection


def pytest_report_header(config):
    seeds = _seeds()
    shown = f"{seeds[0]}-{seeds[-1]}" if len(seeds) > 3 else ",".join(map(str, seeds))
    return f"smote_fast global_random_seed: {shown} (set {SEED_ENV_VAR})"


def pytest_generate_tests(metafunc):
    if "global_random_seed" in metafunc.fixturenames:
        seeds = _seeds()
        metafunc.parametrize(
            "global_random_seed", seeds, ids=[f"seed{s}" for s in seeds], indirect=True
        )


@pytest.fixture
def global_random_seed(request):
    """An int seed (parametrized by pytest_generate_tests from SMOTE_FAST_TEST_SEED)."""
    return request.param


def require_smote_fast_class(name):
    """Return ``smote_fast.<name>``; a missing sampler fails the calling test."""
    if name not in SAMPLER_NAMES:
        raise ValueError(f"unknown sampler {name!r}")
    cls = getattr(importlib.import_module("smote_fast"), name, None)
    assert cls is not None, f"smote_fast.{name} is missing"
    return cls


@pytest.fixture
def smote_fast_class():
    """``smote_fast_class("ADASYN")`` -> the class, or a skip while it is missing."""
    return require_smote_fast_class
