"""The benchmark script runs end to end on tiny data (no timing is asserted)."""

import json
import subprocess
import sys
from pathlib import Path

from _support import require

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_samplers.py"


def test_quick_benchmark_writes_identical_results(tmp_path):
    require("imblearn")
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out-dir", str(tmp_path), "--name", "smoke",
         "--skip-memory"],
        capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    results = json.loads((tmp_path / "smoke.json").read_text())
    rows = results["configs"]
    assert rows, "no configuration was measured"
    for row in rows:
        assert not row["errors"] and row["identical"] is True, row
    assert (tmp_path / "smoke.md").read_text().count("\n| smote |") == len(rows)
