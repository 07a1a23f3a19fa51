"""Measurement side of the benchmarks: what is run and how it is timed.

* the sampler table, derived from ``smote_fast._roster.VARIANTS``
  (:func:`load_samplers`), plus a few benchmark-only facts per key
  (:data:`OVERRIDES`),
* the data (:func:`make_data`, :func:`make_tutorial_data`),
* the timing protocol: one untimed warm-up per implementation, alternating
  timed calls with the garbage collector off, medians, a time budget
  (:func:`run_config`),
* the output check (:func:`compare_outputs`), the tracemalloc peak
  (:func:`measure_memory`), other processes' CPU use (:class:`ForeignCpu`),
* the k-NN step timed alone against the GEMM floor (:func:`time_knn`,
  :func:`gemm_floor`, :func:`gemm_peak`), SVM-SMOTE's SVC fit vs the rest
  (:func:`time_svm_split`),
* machine facts: versions, CPU, cores, BLAS/OpenMP via threadpoolctl
  (:func:`environment`).

Nothing here imports smote_fast, scikit-learn or imbalanced-learn at import
time, so ``bench_samplers.py --omp-wait-policy`` can still set
``OMP_WAIT_POLICY`` before any OpenMP runtime loads. ``report.py`` turns the
records made here into markdown and JSON.
"""

from __future__ import annotations

import datetime as _dt
import gc
import importlib
import inspect
import os
import platform
import statistics
import sys
import time
import traceback
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# --------------------------------------------------------------------------
# Sampler table
# --------------------------------------------------------------------------

KnnJob = tuple[np.ndarray, np.ndarray, int, np.ndarray]
"""(query, reference, n_neighbors, query_in_reference) for one kneighbors call."""


def _minority_classes(y: np.ndarray) -> list:
    """Classes resampled under ``sampling_strategy='auto'``: all but the majority."""
    classes, counts = np.unique(y, return_counts=True)
    majority = classes[np.argmax(counts)]
    return [c for c in classes if c != majority]


def knn_within_minority(k_param: str) -> Callable[[np.ndarray, np.ndarray, dict], list[KnnJob]]:
    """k-NN step of SMOTE: each minority class against itself (self excluded)."""

    def jobs(X: np.ndarray, y: np.ndarray, kwargs: dict) -> list[KnnJob]:
        k = kwargs[k_param]
        out = []
        for c in _minority_classes(y):
            X_c = np.ascontiguousarray(X[y == c])
            out.append((X_c, X_c, k, np.arange(X_c.shape[0], dtype=np.intp)))
        return out

    return jobs


def knn_minority_vs_all(m_param: str) -> Callable[[np.ndarray, np.ndarray, dict], list[KnnJob]]:
    """m-NN step of Borderline-SMOTE / ADASYN: minority rows against all rows."""

    def jobs(X: np.ndarray, y: np.ndarray, kwargs: dict) -> list[KnnJob]:
        m = kwargs[m_param]
        out = []
        for c in _minority_classes(y):
            idx = np.flatnonzero(y == c).astype(np.intp)
            out.append((np.ascontiguousarray(X[idx]), X, m, idx))
        return out

    return jobs


def knn_all_rows(k_param: str | None) -> Callable[[np.ndarray, np.ndarray, dict], list[KnnJob]]:
    """k-NN step of the cleaners: every row against all rows (k=1 for Tomek links)."""

    def jobs(X: np.ndarray, y: np.ndarray, kwargs: dict) -> list[KnnJob]:
        k = kwargs[k_param] if k_param is not None else 1
        return [(X, X, k, np.arange(X.shape[0], dtype=np.intp))]

    return jobs


MIN_MINORITY = 6  # k_neighbors=5 plus self; below that imblearn refuses

KNN_STEPS = {"within": knn_within_minority, "against_all": knn_minority_vs_all, "all": knn_all_rows}
"""``Variant.minority_search`` -> the k-NN step that is timed alone."""


@dataclass(frozen=True)
class SamplerSpec:
    """One benchmarked sampler: same class name in smote_fast and imblearn.

    ``kwargs`` are passed to both constructors (smote_fast additionally gets
    ``n_jobs``); ``knn_jobs`` describes the nearest-neighbour step that is timed
    alone against the GEMM floor (None: not timed); ``svm_split`` times a bare
    SVC fit and splits the medians into SVM fits and the rest (SVM-SMOTE);
    ``min_minority`` is the fewest rows :func:`make_data` gives a minority class.
    """

    key: str
    label: str
    class_name: str
    imblearn_module: str = "imblearn.over_sampling"
    kwargs: dict = field(default_factory=dict)
    knn_jobs: Callable[[np.ndarray, np.ndarray, dict], list[KnnJob]] | None = None
    svm_split: bool = False
    min_minority: int = MIN_MINORITY

    def make(self, impl: str, random_state: int, n_jobs: int | None):
        """Instantiate this sampler from implementation ``impl`` ('smote_fast'/'imblearn')."""
        module = "smote_fast" if impl == "smote_fast" else self.imblearn_module
        cls = getattr(importlib.import_module(module), self.class_name)
        kwargs = dict(self.kwargs)
        accepted = inspect.signature(cls).parameters
        if "random_state" in accepted:
            kwargs["random_state"] = random_state
        if impl == "smote_fast" and "n_jobs" in accepted:
            kwargs["n_jobs"] = n_jobs
        return cls(**kwargs)


OVERRIDES: dict[str, dict] = {
    # SVM-SMOTE raises "All support vectors are considered as noise" when no
    # support vector of a class has a same-class row among its m_neighbors=10
    # nearest rows. Tiny classes hit that: with 6-20 rows per class it happened
    # for some n <= 1700, d in 2..100, 2-5 classes; with 25 or 30 rows for none.
    # Its m-NN step queries only the support vectors, so the minority-vs-all
    # k-NN timing would time the wrong shapes: it has no kNN column, and its
    # SVC fit is split out instead.
    "svmsmote": {"min_minority": 30, "svm_split": True, "knn_jobs": None},
}
"""Benchmark-only facts per ``Variant.key``, on top of what the roster says."""

IMPLS = ("smote_fast", "imblearn")
IMPL_MODULES = {"smote_fast": "smote_fast", "imblearn": "imblearn"}
"""What must import for each implementation to be timed."""


def spec_from_variant(variant) -> SamplerSpec:
    """The :class:`SamplerSpec` of one ``smote_fast._roster.Variant``.

    Both constructors get the variant's fixed ``params`` and each of its
    ``neighbor_params`` set explicitly to smote_fast's default (k_neighbors=5,
    m_neighbors=10, n_neighbors=5), so the two libraries run the same
    configuration even if their defaults ever drift apart. The timed k-NN step
    follows ``minority_search``: 'within' uses the first neighbour parameter
    (SMOTE's k_neighbors), 'against_all' the last (Borderline's m_neighbors,
    ADASYN's n_neighbors).
    """
    signature = inspect.signature(variant.cls)
    kwargs = {p: signature.parameters[p].default for p in variant.neighbor_params}
    kwargs.update(variant.params)
    kwargs.update(variant.example_params)
    knn_param = None
    if variant.neighbor_params:
        knn_param = (
            variant.neighbor_params[0]
            if variant.minority_search == "within"
            else variant.neighbor_params[-1]
        )
    step = KNN_STEPS.get(variant.minority_search)
    fields: dict[str, Any] = {
        "key": variant.key,
        "label": variant.label,
        "class_name": variant.cls.__name__,
        "imblearn_module": variant.imblearn_module,
        "kwargs": kwargs,
        "knn_jobs": step(knn_param) if step is not None else None,
    }
    fields.update(OVERRIDES.get(variant.key, {}))
    return SamplerSpec(**fields)


def load_samplers() -> dict[str, SamplerSpec]:
    """Every sampler of ``smote_fast._roster.VARIANTS``, by key, in roster order.

    Imports smote_fast (and so its OpenMP runtime): call it only after
    ``OMP_WAIT_POLICY`` is settled.
    """
    from smote_fast._roster import VARIANTS

    unknown = set(OVERRIDES) - {v.key for v in VARIANTS}
    if unknown:
        raise KeyError(f"OVERRIDES for samplers not in smote_fast._roster: {sorted(unknown)}")
    return {v.key: spec_from_variant(v) for v in VARIANTS}


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


def make_data(
    n: int,
    d: int,
    minority: float,
    n_classes: int,
    dtype: str,
    seed: int = 0,
    min_minority: int = MIN_MINORITY,
):
    """Tie-free Gaussian blobs: a majority class and ``n_classes - 1`` minority classes.

    Each minority class gets ``round(minority * n)`` rows (at least
    ``min_minority``), the majority the rest. Class centres are 2 standard
    deviations apart so the classes overlap (Borderline/ADASYN/SVM-SMOTE then
    find "danger" samples).
    Continuous data has no duplicate rows with probability ~1; for d <= 8 it is
    checked and duplicates (after the cast to ``dtype``) are dropped.
    """
    rng = np.random.default_rng(seed)
    n_min = max(int(round(minority * n)), min_minority)
    n_maj = n - (n_classes - 1) * n_min
    if n_maj <= n_min:
        raise ValueError(
            f"minority={minority} with {n_classes} classes leaves no majority for n={n}"
        )
    counts = [n_maj] + [n_min] * (n_classes - 1)
    directions = rng.standard_normal((n_classes, d))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    X = np.empty((n, d), dtype=np.float64)
    y = np.empty(n, dtype=np.int64)
    start = 0
    for c, count in enumerate(counts):
        centre = 0.0 if c == 0 else 2.0 * directions[c]
        X[start : start + count] = rng.standard_normal((count, d)) + centre
        y[start : start + count] = c
        start += count
    perm = rng.permutation(n)
    X = np.ascontiguousarray(X[perm], dtype=np.dtype(dtype))
    y = y[perm]
    if d <= 8:
        _, first = np.unique(X, axis=0, return_index=True)
        if first.size != n:
            keep = np.sort(first)
            X, y = X[keep], y[keep]
    return X, y


def make_tutorial_data():
    """The imbalanced-learn tutorial dataset (10 000 x 2, 1 % minority)."""
    from sklearn.datasets import make_classification

    return make_classification(
        n_samples=10000,
        n_features=2,
        n_redundant=0,
        n_clusters_per_class=1,
        weights=[0.99],
        flip_y=0,
        random_state=1,
    )


# --------------------------------------------------------------------------
# Timing helpers
# --------------------------------------------------------------------------


def timed_call(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Run ``fn`` once with the garbage collector off; return (seconds, result)."""
    gc.disable()
    try:
        t0 = time.perf_counter()
        out = fn()
        t = time.perf_counter() - t0
    finally:
        gc.enable()
    return t, out


def _read_proc_status_kib(key: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_rss_peak() -> bool:
    """Reset the kernel's peak-RSS counter (VmHWM); Linux only, best effort."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def measure_memory(fn: Callable[[], Any]) -> dict:
    """Peak additional memory of one ``fn()`` call.

    tracemalloc sees numpy data buffers and Python objects, not memory that C /
    C++ / OpenBLAS code mallocs directly. The kernel peak-RSS delta (Linux,
    ``rss_peak_delta_bytes``) is recorded as a cross-check; it undercounts
    memory reused from the allocator's free lists.
    """
    gc.collect()
    rss_ok = _reset_rss_peak()
    rss_before = _read_proc_status_kib("VmRSS")
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        out = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    hwm = _read_proc_status_kib("VmHWM")
    X_res = out[0]
    res = {
        "peak_bytes": int(peak - base),
        "output_bytes": int(X_res.nbytes),
        "peak_over_output": (peak - base) / X_res.nbytes if X_res.nbytes else None,
        "rss_peak_delta_bytes": (
            (hwm - rss_before) * 1024
            if rss_ok and hwm is not None and rss_before is not None
            else None
        ),
    }
    del out, X_res
    return res


class ForeignCpu:
    """Share of the machine's CPU used by *other* processes while a config ran.

    Busy time from /proc/stat minus this process's own CPU time, over
    wall time x CPUs. A noisy neighbour (a build, a test run) shows up here; the
    timings of configs with a high value are suspect. None off Linux.
    """

    def __init__(self) -> None:
        self._start = self._snapshot()

    @staticmethod
    def _snapshot() -> tuple[float, float, float] | None:
        try:
            with open("/proc/stat") as f:
                fields = [int(v) for v in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        busy = sum(fields) - fields[3] - (fields[4] if len(fields) > 4 else 0)  # minus idle, iowait
        own = os.times()
        return busy / os.sysconf("SC_CLK_TCK"), own.user + own.system, time.perf_counter()

    def fraction(self) -> float | None:
        """Foreign CPU seconds / (wall seconds x CPUs) since construction."""
        end = self._snapshot()
        if end is None or self._start is None:
            return None
        busy, own, wall = (e - s for e, s in zip(end, self._start, strict=True))
        if wall <= 0:
            return None
        return max(0.0, (busy - own) / (wall * (os.cpu_count() or 1)))


def wait_until_idle(max_seconds: float, threshold: float = 0.10, window: float = 3.0) -> float:
    """Sleep until other processes use < ``threshold`` of the CPUs over ``window`` s.

    Gives up after ``max_seconds``; returns the seconds waited.
    """
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < max_seconds:
        probe = ForeignCpu()
        time.sleep(window)
        frac = probe.fraction()
        if frac is None or frac < threshold:
            break
    return time.perf_counter() - t0


def median(xs: list[float]) -> float | None:
    """Median, or None for an empty list."""
    return statistics.median(xs) if xs else None


# --------------------------------------------------------------------------
# GEMM floor
# --------------------------------------------------------------------------

BLOCK_CANDIDATES = ((256, 4096), (1024, 4096), (2048, 8192), (512, 1024))


def _blocked_gemm(Q: np.ndarray, R: np.ndarray, bq: int, br: int) -> float:
    """Seconds for Q @ R.T computed in (bq x br) output blocks into a reused buffer."""
    nq, nr = Q.shape[0], R.shape[0]
    buf = np.empty(min(bq, nq) * min(br, nr), dtype=Q.dtype)
    r_blocks = [R[j : j + br].T for j in range(0, nr, br)]
    views: dict[tuple[int, int], np.ndarray] = {}
    matmul = np.matmul
    t0 = time.perf_counter()
    for i in range(0, nq, bq):
        Qb = Q[i : i + bq]
        for RbT in r_blocks:
            shape = (Qb.shape[0], RbT.shape[1])
            out = views.get(shape)
            if out is None:
                out = views[shape] = buf[: shape[0] * shape[1]].reshape(shape)
            matmul(Qb, RbT, out=out)
    return time.perf_counter() - t0


def gemm_floor(Q: np.ndarray, R: np.ndarray, budget: float) -> dict:
    """Best blockwise time of Q @ R.T over BLOCK_CANDIDATES (numpy matmul, all BLAS threads).

    The best block shape is re-run until about ``budget`` seconds are spent
    (at least 3 runs) and the fastest run is kept. When the full product would
    take much longer than ``budget`` seconds, only
    the first ``rows`` query rows are computed and the time is scaled by
    ``n_query / rows`` (the work is linear in query rows); ``rows`` is then
    recorded in ``extrapolated_from_rows``.
    """
    nq = Q.shape[0]
    rows = min(nq, 64)
    _blocked_gemm(Q[:rows], R, *BLOCK_CANDIDATES[0])  # warm-up
    while rows < nq:
        t = _blocked_gemm(Q[:rows], R, *BLOCK_CANDIDATES[0])
        if t >= budget / 2:
            break
        rows = min(nq, max(2 * rows, int(rows * budget / max(t, 1e-6))))
    Qs = Q[:rows]
    trial = {blk: _blocked_gemm(Qs, R, *blk) for blk in BLOCK_CANDIDATES}
    best = min(trial, key=trial.get)
    # At least 2 more runs, and keep going until ~budget is spent: tiny products
    # then get many runs, so a short burst of interference cannot set the floor.
    runs, spent = [trial[best]], 0.0
    while len(runs) < 3 or (spent < budget and len(runs) < 10000):
        runs.append(_blocked_gemm(Qs, R, *best))
        spent += runs[-1]
    t_best = min(runs)
    seconds = t_best * nq / rows
    flops = 2.0 * nq * R.shape[0] * Q.shape[1]
    return {
        "seconds": seconds,
        "block": list(best),
        "extrapolated_from_rows": rows if rows < nq else None,
        "gflops": flops / seconds / 1e9 if seconds > 0 else None,
    }


def gemm_peak(size: int, dtype: str, repeats: int = 3) -> dict:
    """GFLOP/s of one large square matmul (best of ``repeats`` after a warm-up)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size)).astype(dtype)
    b = rng.standard_normal((size, size)).astype(dtype)
    a @ b
    best = min(timed_call(lambda: a @ b)[0] for _ in range(repeats))
    return {"size": size, "seconds": best, "gflops": 2.0 * size**3 / best / 1e9}


# --------------------------------------------------------------------------
# One configuration
# --------------------------------------------------------------------------

PREDICT_EXPONENT = 2.0  # assumed cost ~ n**2 when extrapolating to a larger n


@dataclass
class RunOptions:
    """Settings shared by all configurations of a run."""

    impls: tuple[str, ...]
    repeats: int
    max_seconds: float
    n_jobs: int | None
    floor_budget: float
    memory: bool
    knn: bool
    svm: bool = True
    # one timed call per implementation, no warm-up (calls of minutes, where a
    # warm-up would double the run and one-time costs are noise)
    single_call: bool = False


class History:
    """First-call times of earlier configs, to skip ones predicted to exceed the budget."""

    def __init__(self) -> None:
        self._seen: dict[tuple, list[tuple[int, float]]] = {}

    def add(self, key: tuple, n: int, seconds: float) -> None:
        self._seen.setdefault(key, []).append((n, seconds))

    def predict(self, key: tuple, n: int) -> float | None:
        """Predicted seconds at ``n`` from the largest smaller n seen, or None."""
        smaller = [(m, t) for m, t in self._seen.get(key, []) if m < n]
        if not smaller:
            return None
        m, t = max(smaller)
        return t * (n / m) ** PREDICT_EXPONENT


def choose_repeats(requested: int, first_times: dict[str, float], max_seconds: float) -> int:
    """Timed repeats for a config given each implementation's warm-up time.

    Configs whose imblearn (or any) call took > 10 s get at most 3 repeats, and
    the alternating loop plus the memory call must fit in ``max_seconds``; at
    least 1 repeat is always made.
    """
    r = requested
    slowest = max(first_times.values()) if first_times else 0.0
    if slowest > 10.0:
        r = min(r, 3)
    per_round = sum(first_times.values())
    if per_round > 0:
        r = min(r, int(max_seconds / per_round) - 1)
    return max(r, 1)


def compare_outputs(res_a, res_b, dtype: np.dtype) -> dict:
    """Whether two (X_res, y_res) agree: exact for float64, allclose for float32."""
    (Xa, ya), (Xb, yb) = res_a, res_b
    out: dict[str, Any] = {
        "shape_equal": Xa.shape == Xb.shape,
        "dtype_equal": Xa.dtype == Xb.dtype,
        "y_equal": bool(np.array_equal(ya, yb)),
    }
    if not out["shape_equal"]:
        out.update(bitwise=False, identical=False, max_abs_diff=None)
        return out
    out["bitwise"] = bool(np.array_equal(Xa, Xb))
    out["max_abs_diff"] = float(np.max(np.abs(Xa.astype(np.float64) - Xb))) if Xa.size else 0.0
    if np.dtype(dtype) == np.float64:
        close = out["bitwise"]
    else:
        close = bool(np.allclose(Xa, Xb, rtol=1e-5, atol=1e-6))
    out["identical"] = bool(close and out["y_equal"] and out["dtype_equal"])
    return out


def time_knn(spec: SamplerSpec, X, y, opts: RunOptions, repeats: int, floor_cache: dict) -> dict:
    """Time smote_fast's k-NN step alone and the float64 / float32 GEMM floors."""
    jobs = spec.knn_jobs(X, y, spec.kwargs)
    res: dict[str, Any] = {
        "shapes": [[q.shape[0], r.shape[0], q.shape[1], k] for q, r, k, _ in jobs]
    }
    kneighbors = None
    if "smote_fast" in opts.impls:
        try:
            from smote_fast._neighbors import kneighbors
        except (ImportError, AttributeError) as exc:
            res["knn_unavailable"] = repr(exc)

    if kneighbors is not None:

        def run():
            return [
                kneighbors(q, r, k, query_in_reference=qi, n_jobs=opts.n_jobs)
                for q, r, k, qi in jobs
            ]

        first, _ = timed_call(run)
        n_rep = max(1, min(repeats, int(opts.max_seconds / max(first, 1e-9))))
        res["knn_times"] = [timed_call(run)[0] for _ in range(n_rep)]
        res["knn_seconds"] = median(res["knn_times"])

    for fdt in ("float64", "float32"):
        total, parts = 0.0, []
        for q, r, _, _ in jobs:
            key = (q.shape[0], r.shape[0], q.shape[1], fdt, q is r)
            if key not in floor_cache:
                Q = q.astype(fdt, copy=False)
                R = Q if q is r else r.astype(fdt, copy=False)
                floor_cache[key] = gemm_floor(Q, R, opts.floor_budget)
            parts.append(floor_cache[key])
            total += floor_cache[key]["seconds"]
        res[f"floor_{fdt}_seconds"] = total
        res[f"floor_{fdt}_parts"] = parts
    if res.get("knn_seconds") is not None and res["floor_float64_seconds"] > 0:
        res["knn_over_floor64"] = res["knn_seconds"] / res["floor_float64_seconds"]
    return res


SVM_MAX_FITS = 3  # bare SVC fits per config, at most
SVM_SLOW_FIT = 60.0  # seconds; after a slower fit, no more are made


def classes_resampled(sampler_obj) -> int:
    """Classes a fitted sampler generated rows for (n_new > 0 in ``sampling_strategy_``)."""
    return sum(1 for n_new in sampler_obj.sampling_strategy_.values() if n_new > 0)


def time_svm_split(X, y, rec: dict, repeats: int) -> dict:
    """Time a bare SVC fit and split each implementation's median into SVM fits + rest.

    The SVC is the one both SVMSMOTEs build by default,
    ``SVC(gamma="scale", random_state=0)``, fitted on all of X and y, timed like
    the sampler calls (gc off) ``min(repeats, SVM_MAX_FITS)`` times, stopping
    after a fit slower than SVM_SLOW_FIT s; ``svm_fit_s`` is the median.
    imbalanced-learn refits the identical SVC for every resampled class,
    smote_fast fits it once per call, so
    ``rest_s = max(0, median - fits * svm_fit_s)``.
    """
    from sklearn.svm import SVC

    def fit():
        return SVC(gamma="scale", random_state=0).fit(X, y)

    times: list[float] = []
    while len(times) < max(1, min(repeats, SVM_MAX_FITS)):
        times.append(timed_call(fit)[0])
        if times[-1] > SVM_SLOW_FIT:
            break
    svm_s = median(times)
    classes = rec.get("classes_resampled", {})
    fits = {
        impl: (n if impl == "imblearn" else min(n, 1))
        for impl, n in classes.items()
        if impl in ("imblearn", "smote_fast")
    }
    rest = {
        impl: max(0.0, rec["median"][impl] - k * svm_s)
        for impl, k in fits.items()
        if rec["median"].get(impl) is not None
    }
    sf, imb = rec["median"].get("smote_fast"), rec["median"].get("imblearn")
    return {
        "svm_fit_s": svm_s,
        "svm_fit_times": times,
        "classes_resampled": classes,
        "fits": fits,
        "rest_s": rest,
        "rest_ratio_imb_over_sf": (
            rest["imblearn"] / rest["smote_fast"]
            if rest.get("smote_fast") and "imblearn" in rest
            else None
        ),
        "whole_ratio_sf_over_imb": sf / imb if sf and imb else None,
    }


def run_config(
    spec: SamplerSpec,
    X: np.ndarray,
    y: np.ndarray,
    meta: dict,
    opts: RunOptions,
    repeats: int,
    history: History,
    floor_cache: dict,
) -> dict:
    """Benchmark one (sampler, dataset): warm-up, alternating timed calls, checks, memory, k-NN."""
    foreign = ForeignCpu()
    gc.collect()
    rec: dict[str, Any] = {
        "sampler": spec.key,
        **meta,
        "n_rows": int(X.shape[0]),
        "class_counts": {
            str(c): int(k) for c, k in zip(*np.unique(y, return_counts=True), strict=True)
        },
        "errors": {},
        "skipped": {},
        "times": {},
        "warmup": {},
        "median": {},
        "memory": {},
    }

    def hist_key(impl: str) -> tuple:
        return (
            spec.key,
            impl,
            *(meta[k] for k in ("d", "minority", "dtype", "classes", "dataset")),
        )

    def call(impl, keep: dict | None = None):
        sampler_obj = spec.make(impl, 0, opts.n_jobs)
        if keep is not None:
            keep[impl] = sampler_obj
        return lambda: sampler_obj.fit_resample(X, y)

    active = []
    for impl in opts.impls:
        predicted = history.predict(hist_key(impl), meta["n"])
        if predicted is not None and predicted > opts.max_seconds:
            rec["skipped"][impl] = (
                f"predicted {predicted:.0f} s per call > --max-seconds-per-config"
            )
            continue
        if opts.single_call:
            active.append(impl)
            continue
        warm: dict[str, Any] = {}
        try:
            t, _ = timed_call(call(impl, warm))
        except Exception as exc:  # record it and go on
            rec["errors"][impl] = "".join(traceback.format_exception_only(exc)).strip()
            rec["errors"][impl + "_traceback"] = traceback.format_exc()
            continue
        if spec.svm_split:
            # Only the count is kept: the fitted sampler holds the SVM and k-NN models.
            rec.setdefault("classes_resampled", {})[impl] = classes_resampled(warm[impl])
        del warm
        rec["warmup"][impl] = t
        history.add(hist_key(impl), meta["n"], t)
        active.append(impl)

    n_rep = 1 if opts.single_call else choose_repeats(repeats, rec["warmup"], opts.max_seconds)
    rec["repeats"] = n_rep
    last: dict[str, Any] = {}
    for impl in active:
        rec["times"][impl] = []
    for _ in range(n_rep):
        for impl in list(active):
            last.pop(impl, None)
            try:
                t, last[impl] = timed_call(call(impl))
                rec["times"][impl].append(t)
            except Exception as exc:  # record it and go on
                rec["errors"][impl] = "".join(traceback.format_exception_only(exc)).strip()
                active.remove(impl)
    for impl in rec["times"]:
        rec["median"][impl] = median(rec["times"][impl])
    sf, imb = rec["median"].get("smote_fast"), rec["median"].get("imblearn")
    rec["speedup"] = imb / sf if sf and imb else None

    if "smote_fast" in last and "imblearn" in last:
        rec["check"] = compare_outputs(last["smote_fast"], last["imblearn"], X.dtype)
        rec["identical"] = rec["check"]["identical"]
    else:
        rec["identical"] = None
    last.clear()

    if opts.memory:
        for impl in active:
            longest = max(rec["times"].get(impl) or [0.0])
            if opts.single_call and longest > opts.max_seconds:
                rec["skipped"][impl + "_memory"] = (
                    f"memory call: one call took {longest:.0f} s > --max-seconds-per-config"
                )
                continue
            try:
                rec["memory"][impl] = measure_memory(call(impl))
            except Exception as exc:  # record it and go on
                rec["errors"][impl + "_memory"] = repr(exc)

    if opts.knn and spec.knn_jobs is not None:
        try:
            rec["knn"] = time_knn(spec, X, y, opts, n_rep, floor_cache)
        except Exception as exc:  # record it and go on
            rec["errors"]["knn"] = "".join(traceback.format_exception_only(exc)).strip()
            rec["errors"]["knn_traceback"] = traceback.format_exc()
    if opts.svm and spec.svm_split and rec["median"]:
        try:
            rec["svm"] = time_svm_split(X, y, rec, n_rep)
        except Exception as exc:  # record it and go on
            rec["errors"]["svm"] = "".join(traceback.format_exception_only(exc)).strip()
            rec["errors"]["svm_traceback"] = traceback.format_exc()
    rec["foreign_cpu"] = foreign.fraction()
    rec["loadavg"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    return rec


# --------------------------------------------------------------------------
# Machine facts
# --------------------------------------------------------------------------

THREAD_ENV_VARS = (
    "OMP_NUM_THREADS",
    "OMP_WAIT_POLICY",
    "GOMP_SPINCOUNT",
    "OPENBLAS_NUM_THREADS",
    "OPENBLAS_THREAD_TIMEOUT",
    "MKL_NUM_THREADS",
)


def environment(smote_fast_version: str | None) -> dict:
    """Versions, CPU and thread counts (os, affinity, threadpoolctl)."""
    import imblearn
    import scipy
    import sklearn

    env: dict[str, Any] = {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "versions": {
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "sklearn": sklearn.__version__,
            "imblearn": imblearn.__version__,
            "smote_fast": smote_fast_version,
        },
        "os_cpu_count": os.cpu_count(),
        "affinity_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "thread_env": {k: os.environ[k] for k in THREAD_ENV_VARS if k in os.environ},
        "loadavg_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }
    try:
        with open("/proc/cpuinfo") as f:
            env["cpu_model"] = next(
                (ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), None
            )
    except OSError:
        env["cpu_model"] = None
    try:
        from threadpoolctl import threadpool_info

        env["threadpools"] = [
            {
                k: info.get(k)
                for k in (
                    "user_api",
                    "internal_api",
                    "num_threads",
                    "version",
                    "architecture",
                    "filepath",
                )
            }
            for info in threadpool_info()
        ]
    except ImportError:
        env["threadpools"] = None
    return env
