"""Shared fixtures for smote_fast's tests.

* ``global_random_seed``: the seed(s) a test derives its data from.  One seed (0) by
  default; the environment variable ``SMOTE_FAST_TEST_SEED`` selects others:
  ``SMOTE_FAST_TEST_SEED=7``, ``=0-99`` (inclusive range), ``=1,5,9`` or ``=all``
  (0-99).  A test requesting the fixture runs once per seed, and must pass for every seed.
* ``smote_fast_class``: returns ``require_smote_fast_class`` -- a sampler class by
  name, from the roster (``smote_fast._roster.VARIANTS``).
* With ``CI=true``, a skip because something could not be imported (a test's, or a
  whole module's at collection) is reported as a failure: a broken install must not
  pass CI by skipping its comparisons.

``tests/`` is put on ``sys.path`` so that the test modules can import ``_support``.
"""

import importlib
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _support  # noqa: E402

SEED_ENV_VAR = "SMOTE_FAST_TEST_SEED"
#: skip messages meaning "a dependency is missing" (pytest.importorskip, _support.require)
IMPORT_SKIP_MARKERS = ("could not import", "No module named")


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
    """Return ``smote_fast.<name>``, one of the roster's classes; a missing one fails."""
    from smote_fast._roster import sampler_classes

    names = [cls.__name__ for cls in sampler_classes()]
    if name not in names:
        raise ValueError(f"unknown sampler {name!r}; the roster has {names}")
    cls = getattr(importlib.import_module("smote_fast"), name, None)
    assert cls is not None, f"smote_fast.{name} is missing"
    return cls


@pytest.fixture
def smote_fast_class():
    """``smote_fast_class("ADASYN")`` -> the class (a missing one fails the test)."""
    return require_smote_fast_class


def _import_skip_to_failure(report):
    """In CI, turn a skip report caused by a missing import into a failure."""
    if not _support.in_ci() or not report.skipped or hasattr(report, "wasxfail"):
        return
    longrepr = report.longrepr
    message = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    if any(marker in message for marker in IMPORT_SKIP_MARKERS):
        report.outcome = "failed"
        report.longrepr = f"CI=true: a missing import must not skip tests: {message}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _import_skip_to_failure(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _import_skip_to_failure(outcome.get_result())
