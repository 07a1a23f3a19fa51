"""pytest plugin that runs imbalanced-learn's own test files against smote_fast.

It is loaded by ``tests/test_conformance.py`` in a pytest subprocess::

    python -m pytest -p imblearn_conformance.swap_plugin --swap-impl smote_fast \
        --swap-select swapped --import-mode=importlib -p no:cacheprovider <copied files>

with ``tests/`` on ``PYTHONPATH``.  The test files are unchanged copies of those shipped
inside the installed imbalanced-learn.

* ``--swap-impl MODULE`` (default: environment variable ``SMOTE_FAST_SWAP_IMPL``; empty
  means "swap nothing", i.e. a baseline run of imbalanced-learn itself).  In
  ``pytest_configure`` -- after the options are parsed, before any test module is
  imported -- every class of smote_fast's roster that MODULE provides replaces
  imbalanced-learn's class of the same name in every loaded ``imblearn`` module that
  binds it but does not define it (the public namespaces ``imblearn.over_sampling``,
  ``imblearn.under_sampling``, ``imblearn.combine`` and their re-exporting
  subpackages, and modules that imported it, such as SMOTEENN's default SMOTE).  The
  test modules and imbalanced-learn's estimator crawler (``all_estimators``) import the
  classes from there, so they get the replacements; the ``smote`` parameter constraint
  of imbalanced-learn's combinations is patched too.  A replacement is registered as a
  virtual subclass of the imbalanced-learn ABCs the original derives from
  (``BaseOverSampler``, ``BaseCleaningSampler``, ...), so the common checks guarded by
  ``isinstance`` still assert something. imbalanced-learn's
  crawler (``all_estimators``) keeps only subclasses of scikit-learn's
  ``BaseEstimator``; it is deliberately not patched: smote_fast's samplers must be
  such subclasses by themselves, and the per-class counts in the caller catch it
  if they are not.
* ``--swap-select``: ``all`` keeps every collected item; ``four`` drops the items of the
  ``test_common.py`` files that concern none of the four classes; ``swapped`` keeps only
  the items that concern at least one swapped class.
* Each kept item gets three ``user_properties`` (written to ``--junitxml`` reports):
  ``swap_nodeid`` -- its node id, ``swap_classes`` -- the four-class names the item is about, and ``swap_impl`` -- for
  each of them the ``module.qualname`` of the class object the item really uses, so the
  caller can check that the replacement, not imbalanced-learn's class, was exercised.
* The terminal summary (printed even with ``-q``) has one line naming the swapped
  classes and one with the number of selected items per class.
"""

from __future__ import annotations

import abc
import importlib
import inspect
import os
import sys

from smote_fast._roster import VARIANTS

#: the class names swapped, the roster's, with the public imbalanced-learn module
#: that has a class of the same name
IMBLEARN_MODULES = {v.cls.__name__: v.imblearn_module for v in VARIANTS}
SAMPLER_NAMES = tuple(IMBLEARN_MODULES)

#: test files dedicated to one class (basename -> class name)
DEDICATED_FILES = {
    "test_smote.py": "SMOTE",
    "test_borderline_smote.py": "BorderlineSMOTE",
    "test_svm_smote.py": "SVMSMOTE",
    "test_adasyn.py": "ADASYN",
    "test_kmeans_smote.py": "KMeansSMOTE",
    "test_random_over_sampler.py": "RandomOverSampler",
    "test_edited_nearest_neighbours.py": "EditedNearestNeighbours",
    "test_tomek_links.py": "TomekLinks",
    "test_smote_enn.py": "SMOTEENN",
    "test_smote_tomek.py": "SMOTETomek",
    "test_smote_nc.py": "SMOTENC",
    "test_smoten.py": "SMOTEN",
}
COMMON_FILE = "test_common.py"
IMPL_ENV_VAR = "SMOTE_FAST_SWAP_IMPL"

#: class name -> replacement class, filled by pytest_configure
SWAPPED: dict[str, type] = {}
_SELECTED_PER_CLASS: dict[str, int] = {}


def pytest_addoption(parser):
    group = parser.getgroup("swap_plugin", "run imbalanced-learn's tests on another SMOTE")
    group.addoption(
        "--swap-impl",
        default=os.environ.get(IMPL_ENV_VAR, ""),
        help="module whose SMOTE/BorderlineSMOTE/SVMSMOTE/ADASYN replace imbalanced-learn's "
        f"(default: ${IMPL_ENV_VAR}; empty: swap nothing)",
    )
    group.addoption(
        "--swap-select",
        choices=("all", "four", "swapped"),
        default="all",
        help="all: keep every item; four: drop test_common.py items about other "
        "estimators; swapped: keep only items about a swapped class",
    )


def _swap(module_name: str) -> dict[str, type]:
    impl = importlib.import_module(module_name)

    import imblearn.combine
    import imblearn.combine._smote_enn as smote_enn
    import imblearn.combine._smote_tomek as smote_tomek
    import imblearn.over_sampling
    import imblearn.under_sampling  # noqa: F401

    swapped = {}
    for name, public in IMBLEARN_MODULES.items():
        new = getattr(impl, name, None)
        old = getattr(importlib.import_module(public), name)
        if new is None or new is old:
            continue
        # Every namespace that binds the class but does not define it: the defining
        # private modules keep imbalanced-learn's classes, so pickling those works.
        for module in list(sys.modules.values()):
            if (
                getattr(module, "__name__", "").startswith("imblearn")
                and module.__name__ != old.__module__
                and getattr(module, name, None) is old
            ):
                setattr(module, name, new)
        for base in old.__mro__[1:]:
            if (
                base.__module__.startswith("imblearn")
                and isinstance(base, abc.ABCMeta)
                and not issubclass(new, base)
            ):
                base.register(new)
        swapped[name] = new

    if "SMOTE" in swapped:
        new = swapped["SMOTE"]
        old = importlib.import_module("imblearn.over_sampling._smote.base").SMOTE
        for cls in (smote_enn.SMOTEENN, smote_tomek.SMOTETomek):
            constraints = dict(cls._parameter_constraints)
            constraints["smote"] = [new if c is old else c for c in constraints["smote"]]
            cls._parameter_constraints = constraints
    return swapped


def pytest_configure(config):
    module_name = config.getoption("--swap-impl").strip()
    if module_name:
        SWAPPED.update(_swap(module_name))


def _qualified(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _classes_used(item) -> dict[str, type]:
    """The four-class names an item is about, each with the class object it uses."""
    basename = os.path.basename(str(item.path))
    if basename in DEDICATED_FILES:
        name = DEDICATED_FILES[basename]
        module = getattr(item, "module", None)
        cls = getattr(module, name, None)
        if cls is None:  # not imported by the test module: what imblearn exposes
            cls = getattr(sys.modules[IMBLEARN_MODULES[name]], name)
        return {name: cls}
    found = {}
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        for value in callspec.params.values():
            cls = value if inspect.isclass(value) else type(value)
            if cls.__name__ in SAMPLER_NAMES:
                found[cls.__name__] = cls
    return found


def pytest_collection_modifyitems(session, config, items):
    select = config.getoption("--swap-select")
    kept, dropped = [], []
    for item in items:
        used = _classes_used(item)
        if select == "swapped":
            keep = any(name in SWAPPED for name in used)
        elif select == "four":
            keep = bool(used) or os.path.basename(str(item.path)) != COMMON_FILE
        else:
            keep = True
        if not keep:
            dropped.append(item)
            continue
        kept.append(item)
        item.user_properties.append(("swap_nodeid", item.nodeid))
        item.user_properties.append(("swap_classes", ",".join(sorted(used))))
        item.user_properties.append(
            ("swap_impl", ",".join(f"{n}={_qualified(c)}" for n, c in sorted(used.items())))
        )
        for name in used:
            _SELECTED_PER_CLASS[name] = _SELECTED_PER_CLASS.get(name, 0) + 1
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _swap_line() -> str:
    if not SWAPPED:
        return "swap_plugin: swapped none (imbalanced-learn's own classes are tested)"
    return "swap_plugin: swapped " + ", ".join(
        f"{name}={_qualified(cls)}" for name, cls in SWAPPED.items()
    )


def pytest_report_header(config):
    return _swap_line()


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(_swap_line())
    terminalreporter.write_line(
        "swap_plugin: selected per class "
        + ", ".join(f"{name}={_SELECTED_PER_CLASS.get(name, 0)}" for name in SAMPLER_NAMES)
    )
