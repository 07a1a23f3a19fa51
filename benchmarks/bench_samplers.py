#!/usr/bin/env python
"""Time smote_fast against imbalanced-learn, side by side, in one run.

For every configuration (sampler x n x d x minority fraction x dtype) the
script

* builds tie-free Gaussian data with the requested minority fraction,
* makes one untimed warm-up call per implementation, then alternates
  smote_fast / imblearn calls ``repeats`` times and reports the medians and
  the speed-up ``imblearn_median / smote_fast_median``,
* checks that both implementations return the same resampled data,
* measures each implementation's peak additional (tracemalloc) memory in a
  separate call, relative to the size of the returned ``X_res``,
* times smote_fast's k-NN step alone (``smote_fast._neighbors.kneighbors``)
  and compares it with the machine's "GEMM floor": a blockwise ``Q @ R.T``
  doing the same distance work with numpy / OpenBLAS,
* for SVM-SMOTE, times one bare ``SVC`` fit and splits each implementation's
  median into its SVM fits (imblearn: one per resampled class, smote_fast: one)
  and the rest.

Results go to stdout and to ``<out-dir>/<name>.md`` and ``<out-dir>/<name>.json``
(rewritten after every configuration, so a killed run keeps what it measured).
See ``benchmarks/README.md`` for the protocol and how to read the columns.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import importlib
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from harness import (
    IMPL_MODULES,
    IMPLS,
    History,
    RunOptions,
    environment,
    gemm_peak,
    load_samplers,
    make_data,
    make_tutorial_data,
    run_config,
    wait_until_idle,
)
from report import progress_line, write_results

# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------

DEFAULTS = {
    "n": [1000, 10000, 100000, 1000000],
    "d": [2, 20, 100],
    "minority": [0.01, 0.1],
    "repeats": 5,
    "tutorial_repeats": 200,
    "floor_budget": 0.3,
    "gemm_size": 2048,
}
QUICK = {
    "n": [400, 2000],
    "d": [2, 10],
    "minority": [0.1],
    "repeats": 1,
    "tutorial_repeats": 5,
    "floor_budget": 0.01,
    "gemm_size": 512,
}


def _add_omp_wait_policy(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--omp-wait-policy",
        choices=["passive", "active"],
        help="set OMP_WAIT_POLICY before any OpenMP runtime loads (default: inherit; see README)",
    )


def apply_omp_wait_policy(argv: list[str] | None = None) -> None:
    """Set OMP_WAIT_POLICY from ``--omp-wait-policy`` before anything loads libgomp.

    libgomp reads the variable when it is loaded, i.e. on the first import of
    scikit-learn or smote_fast. The ``--samplers`` choices come from
    ``smote_fast._roster``, so this one flag is read first, before the whole
    command line can be parsed.
    """
    pre = argparse.ArgumentParser(add_help=False)
    _add_omp_wait_policy(pre)
    policy = pre.parse_known_args(argv)[0].omp_wait_policy
    if not policy:
        return
    loaded = [m for m in ("sklearn", "imblearn", "smote_fast") if m in sys.modules]
    if loaded:
        print(
            f"warning: {loaded} already imported; --omp-wait-policy may not apply",
            file=sys.stderr,
        )
    os.environ["OMP_WAIT_POLICY"] = policy.upper()


def parse_args(argv: list[str] | None, sampler_keys: list[str]) -> argparse.Namespace:
    """Parse the command line; unset size options take DEFAULTS (or QUICK with --quick)."""
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    p.add_argument("--samplers", nargs="+", choices=sampler_keys, default=["smote"])
    p.add_argument("--n", nargs="+", type=lambda s: int(float(s)), help=f"default {DEFAULTS['n']}")
    p.add_argument("--d", nargs="+", type=int, help=f"default {DEFAULTS['d']}")
    p.add_argument("--minority", nargs="+", type=float, help=f"default {DEFAULTS['minority']}")
    p.add_argument(
        "--dtype", nargs="+", choices=["float64", "float32"], default=["float64", "float32"]
    )
    p.add_argument(
        "--classes", type=int, default=2, help="number of classes (1 majority + rest minority)"
    )
    p.add_argument("--repeats", type=int, help="timed calls per implementation (default 5)")
    p.add_argument(
        "--max-seconds-per-config",
        type=float,
        default=300.0,
        help="budget per implementation and config; fewer repeats / skip beyond it",
    )
    p.add_argument("--n-jobs", type=int, default=None, help="n_jobs passed to smote_fast")
    p.add_argument("--out-dir", type=Path, default=Path(__file__).resolve().parent / "results")
    p.add_argument("--name", default=None, help="output file stem (default bench-<UTC time>)")
    p.add_argument("--quick", action="store_true", help="tiny sizes, 1 repeat: smoke test")
    p.add_argument(
        "--tutorial", action="store_true", help="also run the 10 000-sample tutorial dataset"
    )
    p.add_argument("--tutorial-repeats", type=int, help="repeats for --tutorial (default 200)")
    p.add_argument("--skip-imblearn", action="store_true", help="time only smote_fast")
    p.add_argument("--skip-smote-fast", action="store_true", help="time only imblearn")
    p.add_argument("--skip-memory", action="store_true", help="no tracemalloc memory call")
    p.add_argument(
        "--single-call",
        action="store_true",
        help="one timed call per implementation, no warm-up, and no memory call for an "
        "implementation whose call exceeded --max-seconds-per-config (calls of minutes)",
    )
    p.add_argument(
        "--wait-idle",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="first wait up to this long for other processes to use < 10%% of the CPUs",
    )
    p.add_argument("--skip-knn", action="store_true", help="no k-NN step / GEMM floor columns")
    p.add_argument(
        "--skip-svm-split",
        action="store_true",
        help="svmsmote: no bare SVC fit timing / SVM-fit vs rest table",
    )
    p.add_argument(
        "--floor-budget", type=float, help="seconds per GEMM-floor measurement (default 0.3)"
    )
    _add_omp_wait_policy(p)
    p.add_argument(
        "--strict", action="store_true", help="exit 1 also if any output is not identical"
    )
    args = p.parse_args(argv)
    base = QUICK if args.quick else DEFAULTS
    for key, val in base.items():
        if getattr(args, key, None) is None:
            setattr(args, key, val)
    if args.skip_imblearn and args.skip_smote_fast:
        p.error("--skip-imblearn and --skip-smote-fast leave nothing to time")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run every requested configuration and write the report; exit 1 on any recorded error."""
    apply_omp_wait_policy(argv)  # first: smote_fast's import below loads libgomp
    try:
        samplers = load_samplers()
    except ImportError as exc:
        print(
            f"error: cannot import smote_fast ({exc}); the sampler list is "
            "smote_fast._roster.VARIANTS",
            file=sys.stderr,
        )
        return 2
    args = parse_args(argv, list(samplers))
    t_start = time.perf_counter()
    impls = tuple(
        i
        for i in IMPLS
        if not (i == "imblearn" and args.skip_imblearn)
        and not (i == "smote_fast" and args.skip_smote_fast)
    )
    sf_version = None
    if "smote_fast" in impls:
        sf_version = getattr(importlib.import_module("smote_fast"), "__version__", "unknown")
    if args.wait_idle > 0:
        waited = wait_until_idle(args.wait_idle)
        print(f"waited {waited:.0f} s for an idle machine", file=sys.stderr)
    opts = RunOptions(
        impls=impls,
        repeats=args.repeats,
        max_seconds=args.max_seconds_per_config,
        n_jobs=args.n_jobs,
        floor_budget=args.floor_budget,
        memory=not args.skip_memory,
        single_call=args.single_call,
        knn=not args.skip_knn,
        svm=not args.skip_svm_split,
    )
    name = args.name or "bench-" + _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    results: dict[str, Any] = {
        "environment": environment(sf_version),
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "gemm_peak": {dt: gemm_peak(args.gemm_size, dt) for dt in ("float64", "float32")},
        "configs": [],
    }
    # Import every sampler's module now, then move the (many) objects made by
    # these imports out of the collector's reach: a full gc.collect() otherwise
    # takes ~70 ms here, which would swamp the small configs.
    for impl in impls:
        importlib.import_module(IMPL_MODULES[impl])
    gc.collect()
    gc.freeze()
    history, floor_cache = History(), {}

    def record(rec: dict) -> None:
        results["configs"].append(rec)
        results["wall_seconds"] = time.perf_counter() - t_start
        write_results(results, args.out_dir, name)
        print(progress_line(rec, results["wall_seconds"]), file=sys.stderr, flush=True)

    for sampler in args.samplers:
        spec = samplers[sampler]
        for d in args.d:
            for minority in args.minority:
                for dtype in args.dtype:
                    for n in sorted(args.n):  # ascending, so larger n can be predicted
                        meta = {
                            "dataset": "synthetic",
                            "n": n,
                            "d": d,
                            "minority": minority,
                            "dtype": dtype,
                            "classes": args.classes,
                            "min_minority_rows": spec.min_minority,
                        }
                        try:
                            X, y = make_data(
                                n, d, minority, args.classes, dtype, min_minority=spec.min_minority
                            )
                            rec = run_config(
                                spec, X, y, meta, opts, args.repeats, history, floor_cache
                            )
                        except Exception as exc:  # record it and go on
                            rec = {
                                "sampler": sampler,
                                **meta,
                                "errors": {"data": repr(exc)},
                                "skipped": {},
                                "median": {},
                                "identical": None,
                            }
                        finally:
                            X = y = None
                        record(rec)
        if args.tutorial:
            X, y = make_tutorial_data()
            meta = {
                "dataset": "tutorial",
                "n": int(X.shape[0]),
                "d": int(X.shape[1]),
                "minority": float(np.mean(y == 1)),
                "dtype": str(X.dtype),
                "classes": 2,
            }
            record(run_config(spec, X, y, meta, opts, args.tutorial_repeats, history, floor_cache))

    results["wall_seconds"] = time.perf_counter() - t_start
    md = write_results(results, args.out_dir, name)
    print(md)
    print(f"wrote {args.out_dir / (name + '.md')} and .json", file=sys.stderr)
    failed = any(r["errors"] for r in results["configs"])
    if args.strict:
        failed = failed or any(r.get("identical") is False for r in results["configs"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
