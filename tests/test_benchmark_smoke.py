"""The benchmark script runs end to end on tiny data (no timing is asserted)."""

import importlib
import json
import subprocess
import sys
from pathlib import Path

from _support import require

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_samplers.py"


def test_quick_benchmark_writes_identical_results(tmp_path):
    require("imblearn")
    completed = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--quick",
            "--out-dir",
            str(tmp_path),
            "--name",
            "smoke",
            "--skip-memory",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    results = json.loads((tmp_path / "smoke.json").read_text())
    rows = results["configs"]
    assert rows, "no configuration was measured"
    for row in rows:
        assert not row["errors"] and row["identical"] is True, row
    assert (tmp_path / "smoke.md").read_text().count("\n| smote |") == len(rows)


def test_single_call_mode_times_once_and_skips_long_memory_calls(tmp_path):
    # one timed call each, no warm-up; a call above the budget gets no memory call
    require("imblearn")
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--samplers", "tomek", "--n", "2000", "--d", "20"]
        + ["--minority", "0.1", "--dtype", "float64", "--single-call", "--skip-knn"]
        + ["--max-seconds-per-config", "0", "--out-dir", str(tmp_path), "--name", "once"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    (row,) = json.loads((tmp_path / "once.json").read_text())["configs"]
    assert row["identical"] is True and not row["errors"], row
    assert row["warmup"] == {} and row["repeats"] == 1
    assert {impl: len(times) for impl, times in row["times"].items()} == {
        "smote_fast": 1,
        "imblearn": 1,
    }
    assert row["memory"] == {}
    assert set(row["skipped"]) == {"smote_fast_memory", "imblearn_memory"}


def test_sampler_table_follows_the_roster(monkeypatch):
    """benchmarks/harness.py builds its sampler table from smote_fast._roster.VARIANTS."""
    from smote_fast._roster import VARIANTS

    monkeypatch.syspath_prepend(str(SCRIPT.parent))
    try:
        harness = importlib.import_module("harness")
        specs = harness.load_samplers()
    finally:
        sys.modules.pop("harness", None)
    assert list(specs) == [v.key for v in VARIANTS]
    for v in VARIANTS:
        spec = specs[v.key]
        assert spec.class_name == v.cls.__name__
        assert spec.kwargs.items() >= v.params.items()
        assert set(spec.kwargs) == set(v.params) | set(v.neighbor_params) | set(v.example_params)
        assert isinstance(spec.make("smote_fast", 0, None), v.cls)
        if v.key not in harness.OVERRIDES:
            assert (spec.knn_jobs is None) == (v.minority_search == "none")
    assert specs["svmsmote"].min_minority == 30 and specs["svmsmote"].svm_split


def test_sparse_benchmark_writes_identical_results(tmp_path):
    require("imblearn")
    script = SCRIPT.parent / "bench_sparse.py"
    completed = subprocess.run(
        [
            sys.executable,
            str(script),
            "--shape",
            "600",
            "2000",
            "8",
            "0.2",
            "--repeats",
            "1",
            "--skip-memory",
            "--out-dir",
            str(tmp_path),
            "--name",
            "smoke",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    rows = json.loads((tmp_path / "smoke.json").read_text())["configs"]
    assert [row["sampler"] for row in rows] == ["smote", "borderline1", "adasyn"]
    for row in rows:
        assert row["identical"] is True and "csr_index" in row["paths"], row
