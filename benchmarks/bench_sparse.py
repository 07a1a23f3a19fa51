#!/usr/bin/env python
"""Sparse (CSR) input: smote_fast against imbalanced-learn, side by side, in one run.

Data: ``n`` rows x ``d`` columns, ``nnz`` stored values per row at random columns
(uniform, duplicates merged), exponential values, CSR float64; the first
``minority`` fraction of the rows (after a shuffle) is class 1. For each
sampler the two implementations are called alternately (after one untimed
warm-up each, garbage collector off) and the medians reported, the outputs
compared array by array (data, indices, indptr after canonicalisation: bit for
bit), and each implementation's peak additional memory (tracemalloc) measured
in a separate call, relative to the bytes of the returned CSR matrix. The k-NN
path smote_fast took is recorded. The machine's load average is written with
the results (the benchmark machine is shared).

    python benchmarks/bench_sparse.py                 # the three shapes of issue 12
    python benchmarks/bench_sparse.py --shape 2000 5000 20 0.1 --repeats 3
    python benchmarks/bench_sparse.py --calibrate     # the path table's cost constants
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from harness import ForeignCpu, environment, measure_memory, median, timed_call
from scipy import sparse

SHAPES = [  # rows, columns, stored values per row, minority fraction
    (20_000, 50_000, 100, 0.10),
    (50_000, 20_000, 30, 0.05),
    (100_000, 100_000, 50, 0.05),
]
SAMPLERS = {"smote": "SMOTE", "borderline1": "BorderlineSMOTE", "adasyn": "ADASYN"}


def make_sparse(n, d, nnz, minority, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(n), nnz)
    cols = rng.integers(0, d, size=n * nnz)
    vals = rng.exponential(size=n * nnz)
    X = sparse.csr_matrix((vals.astype(dtype), (rows, cols)), shape=(n, d))
    X.sum_duplicates()
    X.sort_indices()
    y = np.zeros(n, dtype=np.int64)
    y[rng.permutation(n)[: int(round(minority * n))]] = 1
    return X, y


def csr_bytes(X):
    return int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes)


def same_csr(res_a, res_b):
    (Xa, ya), (Xb, yb) = res_a, res_b
    if Xa.shape != Xb.shape or not np.array_equal(ya, yb) or Xa.dtype != Xb.dtype:
        return False
    Xa, Xb = Xa.tocsr(), Xb.tocsr()
    for X in (Xa, Xb):
        X.sum_duplicates()
        X.sort_indices()
    return bool(
        np.array_equal(Xa.indptr, Xb.indptr)
        and np.array_equal(Xa.indices, Xb.indices)
        and np.array_equal(Xa.data, Xb.data)
    )


def make_sampler(impl, key, n_jobs):
    module = importlib.import_module(
        "smote_fast" if impl == "smote_fast" else "imblearn.over_sampling"
    )
    params = {"random_state": 0}
    if key == "borderline1":
        params.update(kind="borderline-1", k_neighbors=5, m_neighbors=10)
    elif key == "smote":
        params.update(k_neighbors=5)
    else:
        params.update(n_neighbors=5)
    if impl == "smote_fast":
        params["n_jobs"] = n_jobs
    return getattr(module, SAMPLERS[key])(**params)


def phase_split(sampler, X, y):
    """One more smote_fast call with its k-NN searches and its CSR assembly
    (interpolation included) timed: seconds each, and the assembly's nanoseconds
    per stored value of the output, which stays flat when it is O(output nnz)."""
    from smote_fast import _assemble, _neighbors

    spent = {"knn": 0.0, "assembly": 0.0}
    real = {"knn": _neighbors.kneighbors, "assembly": _assemble._assemble_csr}

    def timed(phase):
        def call(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return real[phase](*args, **kwargs)
            finally:
                spent[phase] += time.perf_counter() - t0

        return call

    _neighbors.kneighbors, _assemble._assemble_csr = timed("knn"), timed("assembly")
    try:
        t0 = time.perf_counter()
        X_res, _ = sampler.fit_resample(X, y)
        total = time.perf_counter() - t0
    finally:
        _neighbors.kneighbors, _assemble._assemble_csr = real["knn"], real["assembly"]
    return {
        "total": total,
        **spent,
        "rest": total - spent["knn"] - spent["assembly"],
        "assembly_ns_per_output_nnz": 1e9 * spent["assembly"] / max(X_res.nnz, 1),
    }


def run_one(key, X, y, repeats, n_jobs, memory):
    from smote_fast._neighbors import record_paths

    samplers = {impl: make_sampler(impl, key, n_jobs) for impl in ("smote_fast", "imblearn")}
    outputs = {}
    with record_paths() as paths:
        outputs["smote_fast"] = samplers["smote_fast"].fit_resample(X, y)
    outputs["imblearn"] = samplers["imblearn"].fit_resample(X, y)
    times = {impl: [] for impl in samplers}
    foreign = ForeignCpu()
    for _ in range(repeats):
        for impl, sampler in samplers.items():
            times[impl].append(timed_call(lambda s=sampler: s.fit_resample(X, y))[0])
    rec = {
        "sampler": key,
        "paths": sorted(set(paths)),
        "times": times,
        "median": {impl: median(t) for impl, t in times.items()},
        "identical": same_csr(outputs["smote_fast"], outputs["imblearn"]),
        "output_bytes": csr_bytes(outputs["smote_fast"][0]),
        "output_nnz": int(outputs["smote_fast"][0].nnz),
        "foreign_cpu": foreign.fraction(),
        "loadavg": os.getloadavg(),
    }
    rec["speedup"] = rec["median"]["imblearn"] / rec["median"]["smote_fast"]
    rec["phases"] = phase_split(samplers["smote_fast"], X, y)
    del outputs
    if memory:
        rec["memory"] = {}
        for impl, sampler in samplers.items():
            m = measure_memory(lambda s=sampler: _as_nbytes(s.fit_resample(X, y)))
            rec["memory"][impl] = m
    return rec


class _Sized:
    """measure_memory reads ``out[0].nbytes``: a CSR matrix's three arrays."""

    def __init__(self, X):
        self.nbytes = csr_bytes(X)


def _as_nbytes(result):
    return (_Sized(result[0]), result[1])


def render(results):
    lines = [
        "# Sparse input: smote_fast vs imbalanced-learn",
        "",
        f"{results['environment']['date']}, {results['environment'].get('cpu_model')}, "
        f"{results['environment']['os_cpu_count']} CPUs, smote_fast n_jobs="
        f"{results['options']['n_jobs']}; load average at start "
        f"{results['environment']['loadavg_start']}. CSR float64, exponential values, "
        "random sparsity pattern; medians of alternated calls; peak = tracemalloc peak "
        "of one call / bytes of the returned CSR matrix (data+indices+indptr).",
        "",
        "| rows x columns, nnz/row, minority | sampler | imblearn s | smote_fast s | "
        "speed-up | identical | k-NN path | peak/output sf | peak/output imblearn | "
        "foreign CPU | load avg |",
        "|---|---|--:|--:|--:|---|---|--:|--:|--:|---|",
    ]
    split = [
        "",
        "One further smote_fast call per row, split: its k-NN searches, its CSR "
        "assembly (synthetic rows interpolated and written, original rows copied) "
        "and the rest (validation, plan, draws).",
        "",
        "| rows x columns, nnz/row | sampler | total s | k-NN s | assembly s | rest s | "
        "output nnz | assembly ns / output nnz |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results["configs"]:
        mem = r.get("memory", {})

        def ratio(impl, mem=mem):
            m = mem.get(impl)
            return f"{m['peak_over_output']:.2f}" if m else "-"

        fc = r.get("foreign_cpu")
        lines.append(
            f"| {r['n']} x {r['d']}, {r['nnz']}, {r['minority']:.0%} | {r['sampler']} | "
            f"{r['median']['imblearn']:.3g} | {r['median']['smote_fast']:.3g} | "
            f"{r['speedup']:.1f}x | {'yes' if r['identical'] else 'NO'} | "
            f"{','.join(r['paths'])} | {ratio('smote_fast')} | {ratio('imblearn')} | "
            f"{'-' if fc is None else f'{fc:.0%}'} | "
            f"{' '.join(f'{v:.1f}' for v in r['loadavg'])} |"
        )
        ph = r.get("phases")
        if ph:
            split.append(
                f"| {r['n']} x {r['d']}, {r['nnz']} | {r['sampler']} | {ph['total']:.3g} | "
                f"{ph['knn']:.3g} | {ph['assembly']:.3g} | {ph['rest']:.3g} | "
                f"{r['output_nnz']} | {ph['assembly_ns_per_output_nnz']:.1f} |"
            )
    return "\n".join(lines + split) + "\n"


def calibrate(args):
    """Time both sparse k-NN paths on a grid of shapes and fit the cost model's
    constants (ns per unit) by least squares on the logs of each path alone."""
    from smote_fast import _neighbors
    from smote_fast._neighbors import kneighbors, record_paths

    rows = []
    grid = [
        (nq, nr, d, nnz)
        for nq, nr in ((2, 200), (8, 2000), (200, 200), (500, 2000), (2000, 2000), (1000, 10000))
        for d, nnz in ((50, 10), (50, 25), (500, 20), (5000, 50), (50000, 100), (20000, 30))
    ]
    constants = (
        "INDEX_PER_PRODUCT",
        "INDEX_PER_STORED",
        "INDEX_PER_CANDIDATE_STEP",
        "MERGE_PER_STEP",
    )
    saved = [getattr(_neighbors, c) for c in constants]
    for nq, nr, d, nnz in grid:
        R, _ = make_sparse(nr, d, nnz, 0.1, seed=1)
        Q = R[:nq]
        own = np.arange(nq)
        problem = _neighbors._Problem(Q, R, 5, own, 1, None)
        cost = {
            "index": _neighbors.sparse_index_cost(problem),
            "merge": _neighbors.sparse_merge_cost(problem),
        }
        measured = {}
        for path, forced in (
            ("csr_index", (0.0, 0.0, 0.0, 1e30)),
            ("csr", (1e30, 1e30, 1e30, 0.0)),
        ):
            for c, value in zip(constants, forced, strict=True):
                setattr(_neighbors, c, value)
            if path == "csr" and cost["merge"] > 3e9:  # the merge path would take > ~3 s
                continue
            ts = []
            for _ in range(5):
                with record_paths() as taken:
                    t0 = time.perf_counter()
                    kneighbors(Q, R, 5, query_in_reference=own, n_jobs=1)
                    ts.append(time.perf_counter() - t0)
                assert taken == [path], taken
            measured[path] = min(ts)
        for c, value in zip(constants, saved, strict=True):
            setattr(_neighbors, c, value)
        row = dict(
            nq=nq,
            nr=nr,
            d=d,
            nnz=nnz,
            model_ns=cost,
            seconds=measured,
            model_choice="csr_index" if cost["index"] < cost["merge"] else "csr",
            faster=min(measured, key=measured.get),
        )
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--samplers", nargs="+", choices=list(SAMPLERS), default=list(SAMPLERS))
    p.add_argument(
        "--shape",
        nargs=4,
        type=float,
        action="append",
        metavar=("ROWS", "COLUMNS", "NNZ_PER_ROW", "MINORITY"),
    )
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--n-jobs", type=int, default=None)
    p.add_argument("--skip-memory", action="store_true")
    p.add_argument("--calibrate", action="store_true")
    p.add_argument("--out-dir", type=Path, default=Path(__file__).resolve().parent / "results")
    p.add_argument("--name", default="sparse")
    args = p.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    if args.calibrate:
        rows = calibrate(args)
        (args.out_dir / f"{args.name}_calibration.json").write_text(json.dumps(rows, indent=1))
        return 0
    shapes = [(int(a), int(b), int(c), m) for a, b, c, m in args.shape] if args.shape else SHAPES
    import smote_fast

    results = {
        "environment": environment(smote_fast.__version__),
        "options": {k: str(v) for k, v in vars(args).items()},
        "configs": [],
    }
    results["options"]["n_jobs"] = args.n_jobs
    gc.collect()
    for n, d, nnz, minority in shapes:
        X, y = make_sparse(n, d, nnz, minority)
        for key in args.samplers:
            rec = {
                "n": n,
                "d": d,
                "nnz": nnz,
                "minority": minority,
                "stored": int(X.nnz),
                **run_one(key, X, y, args.repeats, args.n_jobs, not args.skip_memory),
            }
            results["configs"].append(rec)
            print(
                f"{n}x{d} nnz={nnz} {key}: imblearn {rec['median']['imblearn']:.3g}s "
                f"smote_fast {rec['median']['smote_fast']:.3g}s "
                f"({rec['speedup']:.1f}x) identical={rec['identical']} {rec['paths']}",
                file=sys.stderr,
                flush=True,
            )
            (args.out_dir / f"{args.name}.json").write_text(json.dumps(results, indent=1))
            (args.out_dir / f"{args.name}.md").write_text(render(results))
    print(render(results))
    return 0 if all(r["identical"] for r in results["configs"]) else 1


if __name__ == "__main__":
    sys.exit(main())
