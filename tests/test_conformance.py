"""imbalanced-learn's own tests, run unchanged against smote_fast's classes.

The test files that ship inside the installed imbalanced-learn are copied byte for byte
into a temporary directory (keeping their layout: two are called ``test_common.py``) and
run by pytest in a subprocess with the plugin ``imblearn_conformance.swap_plugin``, which
puts the classes of smote_fast's roster in place of imbalanced-learn's classes of the same
names and keeps only the items about a swapped class.  The junit report
gives every item's outcome and the class object it really used; the tests below assert,
per file group and class, that every item passed (a short allow-list of skips aside),
that it ran against smote_fast's class, and that at least as many items ran as
imbalanced-learn 0.14.2's own run of the same files has, so a collection that silently
finds nothing cannot pass.

Only needs imbalanced-learn (and what its tests import); skipped without it, a
failure without it when CI=true.  The class names come from the roster.
"""

import filecmp
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from _support import require

from smote_fast._roster import sampler_classes

imblearn = require("imblearn")

SAMPLER_NAMES = tuple(cls.__name__ for cls in sampler_classes())
PLUGIN = "imblearn_conformance.swap_plugin"
TESTS_DIR = Path(__file__).resolve().parent

#: group -> test files (relative to the imblearn package)
FILE_GROUPS = {
    "test_smote": ("over_sampling/_smote/tests/test_smote.py",),
    "test_borderline_smote": ("over_sampling/_smote/tests/test_borderline_smote.py",),
    "test_svm_smote": ("over_sampling/_smote/tests/test_svm_smote.py",),
    "test_adasyn": ("over_sampling/tests/test_adasyn.py",),
    "test_kmeans_smote": ("over_sampling/_smote/tests/test_kmeans_smote.py",),
    "test_random_over_sampler": ("over_sampling/tests/test_random_over_sampler.py",),
    "test_edited_nearest_neighbours": (
        "under_sampling/_prototype_selection/tests/test_edited_nearest_neighbours.py",
    ),
    "test_tomek_links": ("under_sampling/_prototype_selection/tests/test_tomek_links.py",),
    "test_smote_enn": ("combine/tests/test_smote_enn.py",),
    "test_smote_tomek": ("combine/tests/test_smote_tomek.py",),
    "test_smote_nc": ("over_sampling/_smote/tests/test_smote_nc.py",),
    "test_smoten": ("over_sampling/_smote/tests/test_smoten.py",),
    "over_sampling_common": ("over_sampling/tests/test_common.py",),
    "common": ("tests/test_common.py",),
}
#: group -> the one class whose presence makes the group worth running (None: any)
GROUP_CLASS = {
    "test_smote": "SMOTE",
    "test_borderline_smote": "BorderlineSMOTE",
    "test_svm_smote": "SVMSMOTE",
    "test_adasyn": "ADASYN",
    "test_kmeans_smote": "KMeansSMOTE",
    "test_random_over_sampler": "RandomOverSampler",
    "test_edited_nearest_neighbours": "EditedNearestNeighbours",
    "test_tomek_links": "TomekLinks",
    "test_smote_enn": "SMOTEENN",
    "test_smote_tomek": "SMOTETomek",
    "test_smote_nc": "SMOTENC",
    "test_smoten": "SMOTEN",
    "over_sampling_common": None,
    "common": None,
}
#: (group, class) -> passed items in imbalanced-learn 0.14.2's own run (scikit-learn 1.9.1);
#: a newer scikit-learn may add common checks, hence "at least".
MIN_PASSED = {
    ("test_smote", "SMOTE"): 3,
    ("test_borderline_smote", "BorderlineSMOTE"): 4,
    ("test_svm_smote", "SVMSMOTE"): 3,
    ("test_adasyn", "ADASYN"): 3,
    ("test_kmeans_smote", "KMeansSMOTE"): 12,
    ("test_random_over_sampler", "RandomOverSampler"): 29,
    ("test_edited_nearest_neighbours", "EditedNearestNeighbours"): 5,
    ("test_tomek_links", "TomekLinks"): 7,
    ("test_smote_enn", "SMOTEENN"): 6,
    ("test_smote_tomek", "SMOTETomek"): 5,
    ("test_smote_nc", "SMOTENC"): 23,
    ("test_smoten", "SMOTEN"): 5,
    ("over_sampling_common", "SMOTE"): 1,
    ("over_sampling_common", "BorderlineSMOTE"): 3,
    ("over_sampling_common", "SVMSMOTE"): 3,
    ("over_sampling_common", "ADASYN"): 1,
    ("over_sampling_common", "KMeansSMOTE"): 1,
    # imbalanced-learn's common-test generator skips SMOTENC (it needs categorical_features)
    **{("common", name): 59 for name in SAMPLER_NAMES if name != "SMOTENC"},
    ("common", "RandomOverSampler"): 61,
}
#: checks that may be skipped (scikit-learn skips them unless SCIPY_ARRAY_API=1)
ALLOWED_SKIPS = ("check_array_api_input",)
TIMEOUT_S = 1800


@dataclass
class Item:
    nodeid: str
    group: str
    classes: tuple  # roster class names the item is about
    impl: dict  # name -> "module.qualname" of the class object the item used
    outcome: str  # passed / failed / error / skipped / xfailed
    message: str


@dataclass(repr=False)
class Run:
    returncode: int
    output: str
    swapped: dict  # name -> "module.qualname", from the plugin's summary line
    counts: dict  # from pytest's final summary line, e.g. {"passed": 257, ...}
    items: list

    def __repr__(self):  # pytest prints fixture values of failing tests
        return f"<Run exit={self.returncode} counts={self.counts} swapped={self.swapped}>"

    def tail(self, n=60):
        return "\n".join(self.output.splitlines()[-n:])


def _group_of(nodeid):
    path = nodeid.split("::", 1)[0]
    for group, files in FILE_GROUPS.items():
        if path in files:
            return group
    return "?"


def _parse_junit(path):
    items = []
    for case in ET.parse(path).getroot().iter("testcase"):
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        nodeid = props.get("swap_nodeid") or f"{case.get('classname')}::{case.get('name')}"
        outcome, message = "passed", ""
        for tag in ("failure", "error", "skipped"):
            node = case.find(tag)
            if node is not None:
                message = (node.get("message") or "") + "\n" + (node.text or "")
                if tag == "skipped":
                    outcome = "xfailed" if node.get("type") == "pytest.xfail" else "skipped"
                else:
                    outcome = "failed" if tag == "failure" else "error"
                break
        classes = tuple(c for c in (props.get("swap_classes") or "").split(",") if c)
        impl = dict(
            entry.split("=", 1) for entry in (props.get("swap_impl") or "").split(",") if entry
        )
        items.append(Item(nodeid, _group_of(nodeid), classes, impl, outcome, message.strip()))
    return items


def _parse_summary(output):
    swapped, counts = None, None
    for line in output.splitlines():
        if line.startswith("swap_plugin: swapped "):
            text = line[len("swapped ") + len("swap_plugin: ") :]
            swapped = (
                {}
                if text.startswith("none")
                else dict(entry.split("=", 1) for entry in text.split(", "))
            )
        stripped = line.strip("= ")
        if re.search(r"\bin [\d.]+s\b", stripped) and re.match(
            r"^(no tests ran|\d+ \w+)", stripped
        ):
            counts = {
                word.rstrip("s") if word in ("errors", "warnings") else word: int(n)
                for n, word in re.findall(r"(\d+) (\w+)", stripped.split(" in ")[0])
            }
    return swapped, counts


@pytest.fixture(scope="module")
def conformance_run(tmp_path_factory):
    import smote_fast

    present = [name for name in SAMPLER_NAMES if getattr(smote_fast, name, None) is not None]
    if not present:
        pytest.fail("smote_fast provides none of the roster's classes")
    files = [
        f
        for group, group_files in FILE_GROUPS.items()
        if GROUP_CLASS[group] is None or GROUP_CLASS[group] in present
        for f in group_files
    ]

    site = Path(imblearn.__file__).resolve().parent
    root = tmp_path_factory.mktemp("imblearn_suite")
    for rel in files:
        src, dst = site / rel, root / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        assert filecmp.cmp(src, dst, shallow=False), f"copy of {rel} differs"
    # an ini file of its own, so that no configuration is picked up from above tmp
    (root / "pytest.ini").write_text("[pytest]\n")
    junit = root / "report.xml"

    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(TESTS_DIR)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    )
    cmd = [
        sys.executable, "-m", "pytest",
        "-p", PLUGIN, "--swap-impl", "smote_fast", "--swap-select", "swapped",
        "--import-mode=importlib", "-p", "no:cacheprovider", "--rootdir", str(root),
        f"--junitxml={junit}", "-rfE", "--tb=short", *files,
    ]  # fmt: skip
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    output = proc.stdout + "\n" + proc.stderr
    (root / "output.txt").write_text(output)
    if not junit.exists():
        pytest.fail(
            f"the imbalanced-learn suite did not run (exit code {proc.returncode}):\n"
            + "\n".join(output.splitlines()[-60:])
        )
    swapped, counts = _parse_summary(output)
    return Run(proc.returncode, output, swapped, counts, _parse_junit(junit))


def _describe(items, limit=15):
    lines = [f"{it.outcome.upper()} {it.nodeid}\n    {it.message[:600]}" for it in items[:limit]]
    if len(items) > limit:
        lines.append(f"... and {len(items) - limit} more")
    return "\n".join(lines)


def test_suite_ran_without_failures(conformance_run):
    run = conformance_run
    assert run.swapped is not None and run.counts is not None, (
        "summary lines not found in the pytest output:\n" + run.tail()
    )
    import smote_fast

    present = {n for n in SAMPLER_NAMES if getattr(smote_fast, n, None) is not None}
    assert set(run.swapped) == present, f"swapped {run.swapped}, smote_fast provides {present}"
    not_ours = {n: q for n, q in run.swapped.items() if not q.startswith("smote_fast.")}
    assert not not_ours, f"swapped classes are not smote_fast's: {not_ours}"

    bad = [it for it in run.items if it.outcome in ("failed", "error")]
    assert not bad, f"{len(bad)} failed/erroring items:\n{_describe(bad)}"
    assert run.counts.get("failed", 0) == 0 and run.counts.get("error", 0) == 0, run.tail()
    assert run.returncode == 0, f"pytest exit code {run.returncode}:\n{run.tail()}"
    # the report and the terminal summary must tell the same story
    n_passed = sum(it.outcome == "passed" for it in run.items)
    assert run.counts.get("passed", 0) == n_passed, (run.counts, n_passed)
    assert n_passed >= sum(MIN_PASSED[key] for key in MIN_PASSED if key[1] in present)


@pytest.mark.parametrize(
    ("group", "name"), sorted(MIN_PASSED), ids=[f"{g}-{n}" for g, n in sorted(MIN_PASSED)]
)
def test_imblearn_tests_pass(conformance_run, smote_fast_class, group, name):
    smote_fast_class(name)  # skips while smote_fast lacks the class
    items = [it for it in conformance_run.items if it.group == group and name in it.classes]

    foreign = [it for it in items if not it.impl.get(name, "").startswith("smote_fast.")]
    assert not foreign, (
        f"{len(foreign)} items used another {name} than smote_fast's, e.g. "
        f"{foreign[0].nodeid}: {foreign[0].impl}"
    )
    bad = [
        it
        for it in items
        if it.outcome != "passed"
        and not (it.outcome == "skipped" and any(s in it.nodeid for s in ALLOWED_SKIPS))
    ]
    assert not bad, f"{len(bad)} of {len(items)} {name} items did not pass:\n{_describe(bad)}"
    n_passed = sum(it.outcome == "passed" for it in items)
    assert n_passed >= MIN_PASSED[group, name], (
        f"only {n_passed} {name} items passed in {FILE_GROUPS[group]}, expected at least "
        f"{MIN_PASSED[group, name]}"
    )
