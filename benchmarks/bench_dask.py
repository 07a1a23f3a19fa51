"""Dask back-end vs one machine, on the same 2 cores.

* one machine: ``Sampler(n_jobs=2).fit_resample(X, y)`` on numpy data in memory;
* Dask: a ``distributed.LocalCluster`` of 2 single-thread worker processes, X
  made lazily by ``dask.array.random``; ``fit_resample`` (eager planning) then
  one reduction over the output (column sums and the label count), so nothing
  is gathered into the client.

Each measurement runs in a fresh subprocess, so peak memory (VmHWM) is that
run's own; worker peaks are the worker processes' VmHWM, bytes between workers
the workers' incoming transfer logs, tasks and the per-function profile from
the scheduler's task stream. Writes results/dask.json and results/dask.md.

    python benchmarks/bench_dask.py              # the issue's sizes (about 10 minutes)
    python benchmarks/bench_dask.py --quick      # small sizes, for a smoke run
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SAMPLERS = {"SMOTE": {}, "BorderlineSMOTE": {}, "ADASYN": {}}
D = 20


def _peak_rss(pid="self"):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


def lazy_data(n, chunk_rows, minority_every, seed=0):
    """X (float32, n x 20) and y made lazily by dask; minority = every
    ``minority_every``-th row, shifted by 1."""
    import dask.array as da

    rng = da.random.default_rng(seed)
    X = rng.standard_normal((n, D), chunks=(chunk_rows, D), dtype=np.float32)
    y = (da.arange(n, chunks=chunk_rows) % minority_every == 0).astype(np.int64)
    X = X + y[:, None].astype(np.float32)
    return X, y


def run_single(args):
    import dask

    import smote_fast

    X, y = lazy_data(args.n, args.chunk_rows, args.minority_every)
    start = time.perf_counter()
    with dask.config.set(scheduler="threads", num_workers=2):
        X, y = dask.compute(X, y)
    make_s = time.perf_counter() - start
    sampler = getattr(smote_fast, args.sampler)(random_state=0, n_jobs=2)
    start = time.perf_counter()
    X_res, y_res = sampler.fit_resample(X, y)
    fit_s = time.perf_counter() - start
    out = {
        "make_X_s": make_s,
        "fit_resample_s": fit_s,
        "rows_out": int(X_res.shape[0]),
        "client_peak_bytes": _peak_rss(),
        "x_bytes": int(X.nbytes),
    }
    if args.save:
        np.save(args.save, X_res[X.shape[0] :])
    return out


def run_dask(args):
    import dask
    import distributed
    from distributed import get_task_stream

    import smote_fast

    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit=args.memory_limit,
            dashboard_address=None,
            silence_logs=50,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        pids = client.run(os.getpid)
        limits = {w: info["memory_limit"] for w, info in client.scheduler_info()["workers"].items()}
        X, y = lazy_data(args.n, args.chunk_rows, args.minority_every)
        sampler = getattr(smote_fast, args.sampler)(random_state=0)
        passes = {"smote_fast.scan-passes": args.scan_passes} if args.scan_passes else {}
        with get_task_stream(client) as stream, dask.config.set(passes):
            start = time.perf_counter()
            X_res, y_res = sampler.fit_resample(X, y)
            plan_s = time.perf_counter() - start
            if args.save:
                np.save(args.save, X_res[X.shape[0] :].compute())
            else:
                dask.compute(X_res.sum(axis=0, dtype=np.float64), y_res.sum())
            total_s = time.perf_counter() - start
        transfers = client.run(_incoming_bytes)
        by_function = {}
        for worker in client.run(_incoming_bytes_by_function).values():
            for name, size in worker.items():
                by_function[name] = by_function.get(name, 0) + size
        peaks = {w: _peak_rss(pid) for w, pid in pids.items()}
        profile = {}
        transfer_s = 0.0
        for task in stream.data:
            prefix = _prefix(task["key"])
            for event in task["startstops"]:
                if event["action"] == "compute":
                    profile[prefix] = profile.get(prefix, 0.0) + event["stop"] - event["start"]
                elif event["action"] == "transfer":
                    transfer_s += event["stop"] - event["start"]
        out = {
            "plan_s": plan_s,
            "total_s": total_s,
            "rows_out": int(X_res.shape[0]),
            "output_chunks_known": not any(np.isnan(c) for c in X_res.chunks[0]),
            "tasks": len(stream.data),
            "partitions": int(X.numblocks[0]),
            "bytes_between_workers": int(sum(transfers.values())),
            "worker_peak_bytes": list(peaks.values()),
            "worker_memory_limit": list(limits.values()),
            "client_peak_bytes": _peak_rss(),
            "x_bytes": int(X.nbytes),
            "compute_s_by_function": dict(sorted(profile.items(), key=lambda kv: -kv[1])[:12]),
            "transfer_s": transfer_s,
            "bytes_between_workers_by_function": dict(
                sorted(by_function.items(), key=lambda kv: -kv[1])
            ),
        }
    return out


def _incoming_bytes(dask_worker):
    return sum(entry.get("total", 0) for entry in dask_worker.transfer_incoming_log)


def _incoming_bytes_by_function(dask_worker):
    out = {}
    for entry in dask_worker.transfer_incoming_log:
        for key, size in entry.get("keys", {}).items():
            name = _prefix(key)
            out[name] = out.get(name, 0) + size
    return out


def _prefix(key):
    name = key[0] if isinstance(key, tuple) else key
    name = str(name)
    for tail in ("-", "_"):
        head, _, rest = name.rpartition(tail)
        if head and len(rest) >= 8:
            return head.rsplit("-", 1)[0] if head.count("-") else head
    return name


def subprocess_run(mode, **kw):
    cmd = [sys.executable, __file__, "--child", mode]
    for key, value in kw.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        return {
            "error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed",
            "returncode": done.returncode,
        }
    return json.loads(done.stdout.strip().splitlines()[-1])


def model(sampler, n, m_rows, d, b, partitions, workers, m=10, k=5, passes=None):
    """Upper bounds of the bytes over the network per step, if every message
    crossed it (tasks that run where their inputs are move less)."""
    synthetic = n - 2 * m_rows
    chunk_rows = min(1 << 20, (64 << 20) // (d * b))
    steps = {
        "census": 16 * partitions,
        "gather minority": m_rows * (d * b + 8),
        "minority to workers": workers * m_rows * (d * b + 8),
        "k-NN tables": m_rows * k * 8,
        "draw checkpoints": 5200 * max(1, -(-synthetic // chunk_rows)),
    }
    if sampler != "SMOTE":
        if passes is None:
            passes = 1 if 17 * m_rows * m * partitions * 4 <= n * d * b else 2
        steps["scan"] = (
            17 * m_rows * m * partitions
            if passes == 1
            else 4 * m_rows * partitions * 2 + 8 * m_rows * workers + 17 * m_rows * m * 2
        )
    steps["total"] = sum(steps.values())
    steps["X"] = n * (d * b + 8)
    return steps


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--sampler", default="SMOTE")
    parser.add_argument("--n", type=int, default=0)
    parser.add_argument("--chunk-rows", type=int, default=0)
    parser.add_argument("--minority-every", type=int, default=100)
    parser.add_argument("--memory-limit", default="1.2GiB")
    parser.add_argument("--save", default="")
    parser.add_argument("--scan-passes", type=int, default=0)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="one more Dask run per sampler: bytes between workers by "
        "task function, added to results/dask.json and dask.md",
    )
    args = parser.parse_args()
    if args.child:
        result = run_single(args) if args.child == "single" else run_dask(args)
        print(json.dumps(result))
        return
    quick = args.quick
    if args.breakdown:
        return breakdown(args)
    small = 20_000 if quick else 2_000_000
    configs = [
        ("SMOTE", 200_000 if quick else 20_000_000, 1, "1.2GiB", 0),
        ("BorderlineSMOTE", small, args.repeats, "2GiB", 0),
        ("ADASYN", small, args.repeats, "2GiB", 0),
        ("BorderlineSMOTE", small, args.repeats, "2GiB", 1),
        ("ADASYN", small, args.repeats, "2GiB", 1),
    ]
    rows = []
    for sampler, n, repeats, limit, passes in configs:
        chunk_rows = max(1, n // (40 if sampler == "SMOTE" else 16))
        singles, dasks = [], []
        for _ in range(repeats):
            singles.append(subprocess_run("single", sampler=sampler, n=n, chunk_rows=chunk_rows))
            dasks.append(
                subprocess_run(
                    "dask",
                    sampler=sampler,
                    n=n,
                    chunk_rows=chunk_rows,
                    memory_limit=limit,
                    scan_passes=passes,
                )
            )
        equal = None
        if (sampler != "SMOTE" or quick) and not passes:  # same synthetic rows, bit for bit
            a, b = HERE / "results" / "_single.npy", HERE / "results" / "_dask.npy"
            subprocess_run("single", sampler=sampler, n=n, chunk_rows=chunk_rows, save=a)
            subprocess_run(
                "dask", sampler=sampler, n=n, chunk_rows=chunk_rows, memory_limit=limit, save=b
            )
            equal = bool(np.array_equal(np.load(a), np.load(b)))
            a.unlink()
            b.unlink()
        rows.append(
            {
                "sampler": sampler,
                "n": n,
                "d": D,
                "minority": 1 / args.minority_every,
                "chunk_rows": chunk_rows,
                "memory_limit": limit,
                "single": singles,
                "scan_passes": passes or "auto",
                "dask": dasks,
                "equal_synthetic_rows": equal,
            }
        )
        print(json.dumps(rows[-1])[:400], flush=True)
    models = {}
    for row in rows:
        n, m_rows = row["n"], row["n"] // args.minority_every
        for partitions in (-(-n // row["chunk_rows"]), 100, 1000):
            workers = 2 if partitions < 100 else partitions // 10
            for passes in (None,) if row["sampler"] == "SMOTE" else (1, 2):
                key = f"{row['sampler']} N={n:.0e} P={partitions} W={workers}" + (
                    f" passes={passes}" if passes else ""
                )
                models[key] = model(
                    row["sampler"], n, m_rows, D, 4, partitions, workers, passes=passes
                )
    for sampler in ("SMOTE", "BorderlineSMOTE"):  # the design study's example A
        for partitions in (100, 1000):
            for passes in (None,) if sampler == "SMOTE" else (1, 2):
                key = f"{sampler} N=1e+08 P={partitions} W={partitions // 10}" + (
                    f" passes={passes}" if passes else ""
                )
                models[key] = model(
                    sampler, 10**8, 10**6, D, 4, partitions, partitions // 10, passes=passes
                )
    for row in rows:
        n, m_rows = row["n"], row["n"] // args.minority_every
        forced = row["scan_passes"] if row["scan_passes"] != "auto" else None
        row["model_bytes"] = model(
            row["sampler"], n, m_rows, D, 4, -(-n // row["chunk_rows"]), 2, passes=forced
        )["total"]
    out = {
        "rows": rows,
        "model": models,
        "cpu_count": os.cpu_count(),
        "note": "one machine: n_jobs=2 threads; dask: 2 worker processes x 1 thread",
    }
    name = "dask_quick" if quick else "dask"
    (HERE / "results" / f"{name}.json").write_text(json.dumps(out, indent=1))
    (HERE / "results" / f"{name}.md").write_text(report(out))
    print(report(out))


SMOTE_FAST_TASKS = (
    "_extract_block",
    "_assemble_minority",
    "_summary",
    "_class_knn_block",
    "_stack",
    "_scan_nearest",
    "_merge_nearest",
    "_kth",
    "_scan_within",
    "_merge_within",
    "_finish_scan",
    "_b2_needed",
    "_take_block",
    "_b2_table",
    "_generate",
    "_census_block",
)


def breakdown(args):
    path = HERE / "results" / "dask.json"
    out = json.loads(path.read_text())
    lines = [
        "",
        "Bytes between workers by task function (one more Dask run each; the "
        "functions named _... are smote_fast's steps, the rest is dask making and "
        "moving the lazily generated X and the final reduction):",
    ]
    for sampler, n, chunk_div in (
        ("SMOTE", 20_000_000, 40),
        ("BorderlineSMOTE", 2_000_000, 16),
        ("ADASYN", 2_000_000, 16),
    ):
        run = subprocess_run(
            "dask",
            sampler=sampler,
            n=n,
            chunk_rows=n // chunk_div,
            memory_limit="1.2GiB" if sampler == "SMOTE" else "2GiB",
        )
        by_function = run.get("bytes_between_workers_by_function", {})
        ours = sum(v for k, v in by_function.items() if k in SMOTE_FAST_TASKS)
        out.setdefault("breakdown", {})[sampler] = run
        top = ", ".join(f"{k} {v / 1e6:.1f}" for k, v in list(by_function.items())[:10])
        lines.append(
            f"- {sampler} {n:.0e}: total {sum(by_function.values()) / 1e6:.1f} MB, "
            f"smote_fast's steps {ours / 1e6:.1f} MB; MB by function: {top}"
        )
    path.write_text(json.dumps(out, indent=1))
    md = HERE / "results" / "dask.md"
    md.write_text(md.read_text() + "\n".join(lines) + "\n")
    print("\n".join(lines))


def _median(values):
    values = [v for v in values if v is not None]
    return float(np.median(values)) if values else None


def report(out):
    lines = [
        "| sampler (scan passes) | n x d | one machine fit_resample s (+ making X) | dask total s "
        "(planning) | ratio | client peak GB one machine / dask | worker peak GB "
        "(limit) | between workers MB (model bound) | tasks | partitions | same rows |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in out["rows"]:
        single = [r for r in row["single"] if "error" not in r]
        dasks = [r for r in row["dask"] if "error" not in r]
        if not single or not dasks:
            lines.append(f"| {row['sampler']} | failed: {row['single'][:1]} {row['dask'][:1]} |")
            continue
        fit = _median([r["fit_resample_s"] for r in single])
        make = _median([r["make_X_s"] for r in single])
        total = _median([r["total_s"] for r in dasks])
        plan = _median([r["plan_s"] for r in dasks])
        gb = 1 << 30
        lines.append(
            f"| {row['sampler']} ({row['scan_passes']}) | {row['n']:.0e} x {row['d']} | {fit:.2f} (+{make:.2f}) | "
            f"{total:.2f} ({plan:.2f}) | {total / fit:.2f} ({total / (fit + make):.2f} with "
            f"making X) | {_median([r['client_peak_bytes'] for r in single]) / gb:.2f} / "
            f"{_median([r['client_peak_bytes'] for r in dasks]) / gb:.2f} | "
            f"{max(dasks[0]['worker_peak_bytes']) / gb:.2f} "
            f"({min(dasks[0]['worker_memory_limit']) / gb:.2f}) | "
            f"{_median([r['bytes_between_workers'] for r in dasks]) / 1e6:.1f} "
            f"({row['model_bytes'] / 1e6:.1f}) | "
            f"{dasks[0]['tasks']} | {dasks[0]['partitions']} | {row['equal_synthetic_rows']} |"
        )
    lines.append("")
    lines.append("Profile of the first Dask run per sampler (compute seconds by task function):")
    for row in out["rows"]:
        dasks = [r for r in row["dask"] if "error" not in r]
        if dasks:
            top = ", ".join(
                f"{k} {v:.2f}" for k, v in list(dasks[0]["compute_s_by_function"].items())[:8]
            )
            lines.append(
                f"- {row['sampler']} (scan passes {row['scan_passes']}): {top}; "
                f"transfers {dasks[0]['transfer_s']:.2f} s"
            )
    lines.append("")
    lines.append(
        "Model: upper bounds of bytes over the network per step (MB), at the "
        "measured sizes and at 100 and 1000 partitions (W = P/10 workers):"
    )
    for key, steps in out["model"].items():
        workers = int(key.split("W=")[1].split()[0])
        lines.append(
            f"- {key}: "
            + ", ".join(f"{k} {v / 1e6:.1f}" for k, v in steps.items())
            + f"; network time at 100 MB/s per worker <= "
            f"{steps['total'] / (workers * 1e8):.2f} s"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
