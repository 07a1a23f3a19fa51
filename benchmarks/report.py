"""Reporting side of the benchmarks: the records made by ``harness.py`` as a
markdown report (header, main table, SVM-SMOTE table, notes) and as JSON.

``write_results`` rewrites ``<out-dir>/<name>.md`` and ``<name>.json``;
``progress_line`` is the one-line summary printed to stderr per configuration.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from harness import IMPLS


def _fmt_s(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.3g}" if x >= 1e-3 else f"{x:.2e}"


def _fmt_ratio(x: float | None) -> str:
    return "–" if x is None else f"{x:.3g}×"


FOREIGN_CPU_WARN = 0.10


def sort_key(r: dict) -> tuple:
    """Table order: synthetic first, then sampler, n, d, minority, float64 before float32."""
    return (
        r["dataset"] != "synthetic",
        r["sampler"],
        r["n"],
        r["d"],
        r["minority"],
        r["dtype"] != "float64",
    )


def render_svm_table(rows: list[dict], key: Callable[[dict], tuple]) -> list[str]:
    """Markdown lines of the SVM-SMOTE split (SVC fits vs the rest); [] without such rows."""
    svm_rows = sorted((r for r in rows if r.get("svm")), key=key)
    if not svm_rows:
        return []
    lines = [
        "",
        "SVM-SMOTE: SVC fit vs the rest. svm fit = median of a bare "
        '`SVC(gamma="scale", random_state=0).fit(X, y)`; fits = SVC fits per call '
        "(imblearn: one per resampled class, smote_fast: one); "
        "rest = median − fits × svm fit (≥ 0); sf/imb = smote_fast median / imblearn median",
        "",
        "| sampler | n | d | minority | dtype | classes | svm fit s | fits (imb / sf) | "
        "imblearn rest s | smote_fast rest s | rest imb/sf | sf/imb |",
        "|---|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in svm_rows:
        s = r["svm"]
        fits = " / ".join(str(s["fits"].get(i, "–")) for i in IMPLS[::-1])
        busy = " †" if (r.get("foreign_cpu") or 0) > FOREIGN_CPU_WARN else ""
        name = r["sampler"] + (f" [{r['dataset']}]" if r["dataset"] != "synthetic" else "")
        lines.append(
            f"| {name} | {r['n']} | {r['d']} | {r['minority']:g} | {r['dtype']} | "
            f"{r.get('classes', '–')} | {_fmt_s(s['svm_fit_s'])} | {fits} | "
            f"{_fmt_s(s['rest_s'].get('imblearn'))} | {_fmt_s(s['rest_s'].get('smote_fast'))} | "
            f"{_fmt_ratio(s['rest_ratio_imb_over_sf'])} | "
            f"{_fmt_ratio(s['whole_ratio_sf_over_imb'])}{busy} |"
        )
    return lines


def render_markdown(results: dict) -> str:
    """The results as a markdown report (header, table, errors)."""
    env, rows = results["environment"], results["configs"]
    pools = env.get("threadpools") or []
    pool_txt = ", ".join(f"{p['internal_api']} {p['num_threads']} thr" for p in pools) or "n/a"
    peak = results.get("gemm_peak", {})
    lines = [
        f"# smote_fast vs imbalanced-learn — {env['date']}",
        "",
        f"versions: {', '.join(f'{k} {v}' for k, v in env['versions'].items())}  ",
        f"CPU: {env.get('cpu_model')}; os.cpu_count={env['os_cpu_count']}, affinity={env['affinity_cpus']}; "
        f"threadpools: {pool_txt}; smote_fast n_jobs={results['options']['n_jobs']}; "
        f"thread env: {env.get('thread_env') or 'none set'}; "
        f"load average at start: {env.get('loadavg_start')}  ",
        "peak GEMM: "
        + ", ".join(f"{k} {v['gflops']:.1f} GFLOP/s (n={v['size']})" for k, v in peak.items())
        + f"  \nclasses={results['options']['classes']}; speed-up = imblearn median / smote_fast median "
        f"(† = other processes used > {FOREIGN_CPU_WARN:.0%} of the CPUs during that config); "
        "peak mem = tracemalloc peak during one call / X_res.nbytes; kNN/floor uses the float64 floor",
        "",
        "| sampler | n | d | minority | dtype | imblearn s | smote_fast s | speed-up | "
        "peak mem / output (sf / imb) | kNN s | GEMM floor s (f64 / f32) | kNN/floor | identical |",
        "|---|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for r in sorted(rows, key=sort_key):
        mem = r.get("memory", {})
        mem_txt = " / ".join(
            _fmt_ratio(mem[i]["peak_over_output"]) if i in mem else "–" for i in IMPLS
        )
        knn = r.get("knn", {})
        floor_txt = (
            f"{_fmt_s(knn['floor_float64_seconds'])} / {_fmt_s(knn['floor_float32_seconds'])}"
            if "floor_float64_seconds" in knn
            else "–"
        )
        ident = {True: "yes", False: "**NO**", None: "–"}[r.get("identical")]
        if r["errors"] or r["skipped"]:
            ident += (
                " ("
                + "; ".join(
                    [f"{k} error" for k in r["errors"] if not k.endswith("traceback")]
                    + [f"{k} skipped" for k in r["skipped"]]
                )
                + ")"
            )
        busy = " †" if (r.get("foreign_cpu") or 0) > FOREIGN_CPU_WARN else ""
        name = r["sampler"] + (f" [{r['dataset']}]" if r["dataset"] != "synthetic" else "")
        lines.append(
            f"| {name} | {r['n']} | {r['d']} | {r['minority']:g} | {r['dtype']} | "
            f"{_fmt_s(r['median'].get('imblearn'))} | {_fmt_s(r['median'].get('smote_fast'))} | "
            f"{_fmt_ratio(r.get('speedup'))}{busy} | {mem_txt} | {_fmt_s(knn.get('knn_seconds'))} | "
            f"{floor_txt} | {_fmt_ratio(knn.get('knn_over_floor64'))} | {ident} |"
        )
    lines += render_svm_table(rows, sort_key)
    notes = []
    for r in rows:
        tag = f"{r['sampler']} n={r['n']} d={r['d']} minority={r['minority']:g} {r['dtype']}"
        floor = r.get("min_minority_rows")
        if r["dataset"] == "synthetic" and floor and floor > round(r["minority"] * r["n"]):
            notes.append(f"- {tag}: each minority class raised to {floor} rows (sampler's floor)")
        for k, v in r["errors"].items():
            if not k.endswith("traceback"):
                notes.append(f"- {tag}: {k}: {v.splitlines()[-1] if v else v}")
        for k, v in r["skipped"].items():
            notes.append(f"- {tag}: {k} skipped: {v}")
        if (r.get("foreign_cpu") or 0) > FOREIGN_CPU_WARN:
            notes.append(
                f"- {tag}: other processes used {r['foreign_cpu']:.0%} of the CPUs meanwhile; timings suspect"
            )
        if r.get("knn", {}).get("knn_unavailable"):
            notes.append(f"- {tag}: kNN column unavailable: {r['knn']['knn_unavailable']}")
    if notes:
        lines += ["", "Errors / skips / warnings:", *notes]
    lines.append(f"\nwall time: {results.get('wall_seconds', 0):.1f} s")
    return "\n".join(lines) + "\n"


def write_results(results: dict, out_dir: Path, name: str) -> str:
    """Write ``<name>.json`` and ``<name>.md``; return the markdown."""
    out_dir.mkdir(parents=True, exist_ok=True)
    md = render_markdown(results)
    (out_dir / f"{name}.json").write_text(json.dumps(results, indent=1, default=str))
    (out_dir / f"{name}.md").write_text(md)
    return md


def progress_line(rec: dict, wall_seconds: float) -> str:
    """One configuration's result on one line (printed to stderr as the run goes)."""
    med = rec["median"]
    svm = rec.get("svm")
    return (
        f"[{wall_seconds:7.1f}s] {rec['sampler']:11s} n={rec['n']:<8d} d={rec['d']:<4d} "
        f"min={rec['minority']:<5g} {rec['dtype']:7s} sf={_fmt_s(med.get('smote_fast'))} "
        f"imb={_fmt_s(med.get('imblearn'))} x{_fmt_ratio(rec.get('speedup'))} "
        f"identical={rec.get('identical')} r={rec.get('repeats')}"
        + (
            f" svm_fit={_fmt_s(svm['svm_fit_s'])} fits(imb/sf)="
            f"{svm['fits'].get('imblearn', '-')}/{svm['fits'].get('smote_fast', '-')} "
            f"rest(imb/sf)={_fmt_ratio(svm['rest_ratio_imb_over_sf'])} "
            f"sf/imb={_fmt_ratio(svm['whole_ratio_sf_over_imb'])}"
            if svm
            else ""
        )
        + (
            f" errors={[k for k in rec['errors'] if not k.endswith('traceback')]}"
            if rec["errors"]
            else ""
        )
    )
