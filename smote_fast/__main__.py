"""``python -m smote_fast demo``: resample imbalanced-learn's tutorial data set
with every smote_fast sampler, next to imbalanced-learn, and plot the result.

Needs scikit-learn (for the data set); imbalanced-learn and matplotlib are used
when installed (``pip install "smote_fast[bench]"``).
"""

import argparse
import importlib
import statistics
import sys
import time
from collections import Counter

import smote_fast
from smote_fast._roster import NOMINAL, OVER_SAMPLING, VARIANTS


def tutorial_data():
    """The 10 000-sample, 1 %-minority data set of imbalanced-learn's tutorial."""
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


def mixed_data(X, nominal_only):
    """The tutorial data with a categorical column (5 levels, from the first
    feature's quantiles and a little noise) appended last, for SMOTE-NC; for
    SMOTE-N all three columns as level codes."""
    import numpy as np

    rng = np.random.RandomState(0)
    noisy = X[:, 0] + rng.normal(scale=0.5, size=len(X))
    levels = np.searchsorted(np.quantile(noisy, [0.2, 0.4, 0.6, 0.8]), noisy)
    if nominal_only:
        codes = [
            np.searchsorted(np.quantile(X[:, j], np.linspace(0.1, 0.9, 9)), X[:, j])
            for j in range(X.shape[1])
        ]
        return np.column_stack(codes + [levels])
    return np.column_stack([X, levels.astype(X.dtype)])


def median_seconds(sampler, X, y, repeats):
    """Median wall time of ``fit_resample`` over warm runs, and the last output."""
    output = sampler.fit_resample(X, y)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        output = sampler.fit_resample(X, y)
        times.append(time.perf_counter() - start)
    return statistics.median(times), output


def demo(output_png, repeats):
    try:
        X, y = tutorial_data()
    except ImportError:
        sys.exit('The demo needs scikit-learn for its data set: pip install "smote_fast[bench]"')
    try:
        importlib.import_module("imblearn")
        has_imblearn = True
    except ImportError:
        has_imblearn = False
        print("imbalanced-learn is not installed: timing smote_fast only.")
    print(
        f"smote_fast {smote_fast.__version__}; data: {X.shape[0]} x {X.shape[1]}, "
        f"classes before: {dict(sorted(Counter(y.tolist()).items()))}\n"
    )
    header = (
        f"{'sampler':<22}{'classes after':<24}{'smote_fast':>12}{'imblearn':>12}"
        f"{'speed-up':>10}{'same output':>13}"
    )
    print(header)
    print("-" * len(header))
    results = []
    X_tutorial = X
    for variant in VARIANTS:
        label, class_name = variant.label, variant.cls.__name__
        # SMOTE-NC / SMOTE-N: the tutorial data with categorical columns
        X = (
            X_tutorial
            if variant.kind != NOMINAL
            else mixed_data(X_tutorial, nominal_only=not variant.interpolates)
        )
        kwargs = {**variant.params, **variant.example_params}
        if "random_state" in variant.cls._get_param_names():
            kwargs["random_state"] = 0
        ours_time, (X_res, y_res) = median_seconds(variant.cls(**kwargs), X, y, repeats)
        counts = dict(sorted(Counter(y_res.tolist()).items()))
        line = f"{label:<22}{str(counts):<24}{ours_time * 1e3:>10.2f}ms"
        if has_imblearn:
            theirs_class = getattr(importlib.import_module(variant.imblearn_module), class_name)
            theirs_time, (X_ref, y_ref) = median_seconds(theirs_class(**kwargs), X, y, repeats)
            same = (
                X_ref.shape == X_res.shape
                and bool((X_ref == X_res).all())
                and bool((y_ref == y_res).all())
            )
            line += f"{theirs_time * 1e3:>10.2f}ms{theirs_time / ours_time:>9.1f}x{str(same):>13}"
        print(line)
        # over-samplers put their synthetic rows after the original ones
        n_kept = X.shape[0] if variant.kind in (OVER_SAMPLING, NOMINAL) else len(y_res)
        results.append((label, X_res, y_res, n_kept))
    if output_png:
        write_plot(X_tutorial, y, results, output_png)


def write_plot(X, y, results, path):
    """Scatter plots: the original data, then each sampler's output with the
    synthetic samples of the over-samplers marked."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print('\nmatplotlib is not installed: no plot (pip install "smote_fast[bench]").')
        return
    panels = [("original", X, y, X.shape[0])] + results
    n_columns = 4
    n_rows = -(-len(panels) // n_columns)
    fig, axes = plt.subplots(n_rows, n_columns, figsize=(4 * n_columns, 4 * n_rows), squeeze=False)
    for ax in axes.ravel()[len(panels) :]:
        ax.set_visible(False)
    for ax, (title, data, labels, n_original) in zip(axes.ravel(), panels, strict=False):
        original, synthetic = slice(0, n_original), slice(n_original, None)
        ax.scatter(
            data[original, 0],
            data[original, 1],
            c=labels[original],
            s=4,
            cmap="coolwarm",
            alpha=0.5,
        )
        if data.shape[0] > n_original:
            ax.scatter(
                data[synthetic, 0],
                data[synthetic, 1],
                s=4,
                c="tab:green",
                alpha=0.6,
                label="synthetic",
            )
            ax.legend(loc="upper right", fontsize=8)
        ax.set_title(f"{title} ({data.shape[0]} samples)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"\nwrote {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m smote_fast")
    commands = parser.add_subparsers(dest="command", required=True)
    demo_parser = commands.add_parser("demo", help="resample the tutorial data set")
    demo_parser.add_argument(
        "--output", default="smote_fast_demo.png", help="PNG to write ('' for none)"
    )
    demo_parser.add_argument(
        "--repeats", type=int, default=20, help="timed warm runs per sampler (median reported)"
    )
    commands.add_parser("config", help="show build and threading configuration")
    args = parser.parse_args(argv)
    if args.command == "demo":
        demo(args.output, args.repeats)
    else:
        smote_fast.show_config()


if __name__ == "__main__":
    main()
