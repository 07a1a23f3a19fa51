"""SMOTENC and SMOTEN: smote_fast next to imbalanced-learn in one run.

Sizes (issue 10):

* SMOTENC, 10^5 rows x (10 N(0,1) continuous + 5 categorical columns of 10, 20,
  30, 40 and 50 levels), 5 % minority;
* SMOTEN, 10^5 rows x 10 nominal columns of 8 levels, 5 % minority;
* out of memory for imbalanced-learn: SMOTENC at 10^6 rows x (10 continuous + 5
  categorical of 10^4 levels) and SMOTEN at 10^6 x 10 nominal columns, 5 %
  minority. imbalanced-learn runs there in a subprocess under an address-space
  limit (``--limit-gib``, RLIMIT_AS) so that it fails cleanly instead of
  swapping the machine; smote_fast runs in this process.

Wall times are medians of ``--repeats`` calls with the garbage collector off
(``harness.timed_call``); memory is one extra call under tracemalloc
(``harness.measure_memory``: peak of traced numpy/Python allocations over the
output's size). Outputs are compared element for element.

    python benchmarks/bench_nominal.py                 # full run, writes results/nominal.*
    python benchmarks/bench_nominal.py --quick --skip-oom --out-dir /tmp
"""

import argparse
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import environment, measure_memory, median, timed_call  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def mixed_data(n, levels, seed=0, minority=0.05):
    rng = np.random.RandomState(seed)
    X = np.hstack(
        [rng.normal(size=(n, 10)), np.column_stack([rng.randint(0, L, n) for L in levels])]
    ).astype(np.float64)
    y = (rng.uniform(size=n) < minority).astype(np.int64)
    return X, y, list(range(10, 10 + len(levels)))


def nominal_data(n, seed=0, minority=0.05, n_features=10, levels=8):
    rng = np.random.RandomState(seed)
    X = rng.randint(0, levels, size=(n, n_features)).astype(np.int64)
    y = (rng.uniform(size=n) < minority).astype(np.int64)
    return X, y


def make(impl, name, categorical):
    if impl == "smote_fast":
        import smote_fast as module
    else:
        import imblearn.over_sampling as module
    cls = getattr(module, name)
    return cls(categorical, random_state=0) if name == "SMOTENC" else cls(random_state=0)


def side_by_side(label, name, X, y, categorical, repeats, imblearn_repeats):
    record = {
        "label": label,
        "sampler": name,
        "shape": list(X.shape),
        "minority": int(min(np.bincount(y))),
        "impls": {},
    }
    outputs = {}
    for impl, n_runs in (("smote_fast", repeats), ("imblearn", imblearn_repeats)):
        sampler = make(impl, name, categorical)
        if impl == "smote_fast":
            sampler.fit_resample(X, y)  # warm-up (imports, thread pool)
        times = []
        for _ in range(n_runs):
            seconds, out = timed_call(lambda s=sampler: s.fit_resample(X, y))
            times.append(seconds)
        outputs[impl] = out
        memory = measure_memory(lambda s=sampler: s.fit_resample(X, y))
        record["impls"][impl] = {"times_s": times, "median_s": median(times), **memory}
        print(
            f"  {label} {impl}: median {median(times):.3f}s, peak "
            f"{memory['peak_bytes'] / 2**20:.1f} MiB = {memory['peak_over_output']:.2f}x "
            "output",
            file=sys.stderr,
            flush=True,
        )
    (a, ya), (b, yb) = outputs["smote_fast"], outputs["imblearn"]
    record["identical"] = bool(
        a.shape == b.shape and np.array_equal(a, b) and np.array_equal(ya, yb)
    )
    record["speedup"] = (
        record["impls"]["imblearn"]["median_s"] / record["impls"]["smote_fast"]["median_s"]
    )
    return record


_CHILD = """
import resource, sys, time, traceback
import numpy as np
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.path.insert(0, sys.argv[2])
import bench_nominal as b
name = sys.argv[3]
n = int(sys.argv[4])
if name == "SMOTENC":
    X, y, cat = b.mixed_data(n, [10_000] * 5)
else:
    (X, y), cat = b.nominal_data(n), None
start = time.perf_counter()
try:
    X_res, _ = b.make("imblearn", name, cat).fit_resample(X, y)
    print("RESULT ok", time.perf_counter() - start, X_res.shape)
except MemoryError as exc:
    print("RESULT MemoryError", time.perf_counter() - start, str(exc)[:300].replace(chr(10), " "))
"""


def out_of_memory_case(label, name, n, limit_gib):
    record = {"label": label, "sampler": name, "rows": n, "limit_gib": limit_gib}
    if name == "SMOTENC":
        X, y, categorical = mixed_data(n, [10_000] * 5)
    else:
        (X, y), categorical = nominal_data(n), None
    record["minority"] = int(min(np.bincount(y)))
    sampler = make("smote_fast", name, categorical)
    seconds, (X_res, _) = timed_call(lambda: sampler.fit_resample(X, y))
    record["smote_fast_s"] = seconds
    record["output_shape"] = list(X_res.shape)
    del X_res
    memory = measure_memory(lambda: sampler.fit_resample(X, y))
    record["smote_fast_memory"] = memory
    print(
        f"  {label} smote_fast: {seconds:.2f}s, peak {memory['peak_over_output']:.2f}x output",
        file=sys.stderr,
        flush=True,
    )
    start = time.perf_counter()
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            _CHILD,
            str(int(limit_gib * 2**30)),
            str(Path(__file__).resolve().parent),
            name,
            str(n),
        ],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    record["imblearn_wall_s"] = time.perf_counter() - start
    result = [ln for ln in child.stdout.splitlines() if ln.startswith("RESULT")]
    record["imblearn_outcome"] = (
        result[0]
        if result
        else (
            f"exit {child.returncode}: " + child.stderr.strip().splitlines()[-1][:300]
            if child.stderr.strip()
            else f"exit {child.returncode}"
        )
    )
    print(f"  {label} imblearn: {record['imblearn_outcome']}", file=sys.stderr, flush=True)
    return record


def render(results):
    lines = [
        "# SMOTENC / SMOTEN: smote_fast vs imbalanced-learn",
        "",
        f"Run {results['env']['date']} on {results['env'].get('cpu_model')} "
        f"({results['env']['affinity_cpus']} CPUs, shared), numpy "
        f"{results['env']['versions']['numpy']}, imbalanced-learn "
        f"{results['env']['versions']['imblearn']}, scikit-learn "
        f"{results['env']['versions']['sklearn']}. random_state=0, k_neighbors=5.",
        "",
        "| case | rows x cols | minority | smote_fast (median) | imblearn (median) | "
        "speed-up | peak / output smote_fast | peak / output imblearn | identical |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["side_by_side"]:
        ours, theirs = r["impls"]["smote_fast"], r["impls"]["imblearn"]
        lines.append(
            f"| {r['label']} | {r['shape'][0]} x {r['shape'][1]} | {r['minority']} | "
            f"{ours['median_s']:.3f} s | {theirs['median_s']:.2f} s | "
            f"**{r['speedup']:.1f}x** | {ours['peak_over_output']:.2f} "
            f"({ours['peak_bytes'] / 2**20:.0f} MiB) | {theirs['peak_over_output']:.1f} "
            f"({theirs['peak_bytes'] / 2**20:.0f} MiB) | {r['identical']} |"
        )
    if results.get("out_of_memory"):
        lines += [
            "",
            "## Where imbalanced-learn runs out of memory",
            "",
            "| case | rows | minority | smote_fast | smote_fast peak / output | "
            "imbalanced-learn (RLIMIT_AS) |",
            "|---|---|---|---|---|---|",
        ]
        for r in results["out_of_memory"]:
            m = r["smote_fast_memory"]
            lines.append(
                f"| {r['label']} | {r['rows']} | {r['minority']} | {r['smote_fast_s']:.2f} s, "
                f"output {r['output_shape'][0]} x {r['output_shape'][1]} | "
                f"{m['peak_over_output']:.2f} ({m['peak_bytes'] / 2**20:.0f} MiB) | "
                f"limit {r['limit_gib']} GiB: {r['imblearn_outcome']} |"
            )
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--imblearn-repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="10^4 rows, one repeat")
    parser.add_argument("--skip-oom", action="store_true")
    parser.add_argument("--limit-gib", type=float, default=12.0)
    parser.add_argument("--out-dir", default=str(RESULTS))
    parser.add_argument("--name", default="nominal")
    args = parser.parse_args(argv)
    import smote_fast

    n = 10_000 if args.quick else 100_000
    repeats = 1 if args.quick else args.repeats
    imblearn_repeats = 1 if args.quick else args.imblearn_repeats
    results = {"env": environment(smote_fast.__version__), "side_by_side": [], "out_of_memory": []}
    X, y, categorical = mixed_data(n, [10, 20, 30, 40, 50])
    results["side_by_side"].append(
        side_by_side(
            "SMOTENC 10 cont + 5 cat (10-50 levels)",
            "SMOTENC",
            X,
            y,
            categorical,
            repeats,
            imblearn_repeats,
        )
    )
    X, y = nominal_data(n)
    results["side_by_side"].append(
        side_by_side(
            "SMOTEN 10 nominal (8 levels)", "SMOTEN", X, y, None, repeats, imblearn_repeats
        )
    )
    if not args.skip_oom:
        results["out_of_memory"].append(
            out_of_memory_case(
                "SMOTENC 10 cont + 5 cat (10^4 levels)", "SMOTENC", 1_000_000, args.limit_gib
            )
        )
        results["out_of_memory"].append(
            out_of_memory_case("SMOTEN 10 nominal (8 levels)", "SMOTEN", 1_000_000, args.limit_gib)
        )
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{args.name}.json").write_text(json.dumps(results, indent=1, default=str))
    markdown = render(results)
    (out_dir / f"{args.name}.md").write_text(markdown)
    print(textwrap.indent(markdown, ""))
    return 0 if all(r["identical"] for r in results["side_by_side"]) else 1


if __name__ == "__main__":
    sys.exit(main())
