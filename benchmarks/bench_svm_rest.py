"""SVM-SMOTE outside the SVM fit: smote_fast vs imbalanced-learn, measured directly.

The SVC is fitted once; both samplers then get a pre-fitted estimator whose
``fit`` only restores that ``support_``, so a whole ``fit_resample`` call is
exactly the work outside the SVM fit (noise/danger m-NN, k-NN, generation,
assembly). Calls alternate, medians of warm runs are reported, and the outputs
are checked to be identical.

    python benchmarks/bench_svm_rest.py --n 100000 --d 20 --repeats 7
"""

import argparse
import json
from pathlib import Path

from harness import compare_outputs, median, timed_call
from imblearn.over_sampling import SVMSMOTE as ImblearnSVMSMOTE
from sklearn.base import BaseEstimator
from sklearn.datasets import make_classification
from sklearn.svm import SVC

from smote_fast import SVMSMOTE


class PrefittedSVM(BaseEstimator):
    """An SVM stand-in whose ``fit`` restores support vectors found earlier."""

    def __init__(self, support=None):
        self.support = support

    def fit(self, X, y):
        self.support_ = self.support
        return self

    def predict(self, X):
        raise NotImplementedError("only support_ is used by SVM-SMOTE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100000)
    parser.add_argument("--d", type=int, default=20)
    parser.add_argument("--classes", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--out-dir", default="benchmarks/results")
    parser.add_argument("--name", default=None)
    args = parser.parse_args()

    # 10 % of the rows in each minority class, as in bench_samplers.py
    weights = [1.0 - 0.1 * (args.classes - 1)] + [0.1] * (args.classes - 1)
    X, y = make_classification(
        n_samples=args.n,
        n_features=args.d,
        n_informative=5,
        n_classes=args.classes,
        weights=weights,
        random_state=0,
    )
    svm_fit_seconds, svc = timed_call(lambda: SVC(gamma="scale", random_state=0).fit(X, y))
    support = svc.support_

    def make(cls):
        return cls(random_state=0, svm_estimator=PrefittedSVM(support))

    samplers = {"smote_fast": make(SVMSMOTE), "imblearn": make(ImblearnSVMSMOTE)}
    outputs = {name: sampler.fit_resample(X, y) for name, sampler in samplers.items()}
    times = {name: [] for name in samplers}
    for _ in range(args.repeats):  # alternating, gc off, as in bench_samplers.py
        for name, sampler in samplers.items():
            times[name].append(timed_call(lambda s=sampler: s.fit_resample(X, y))[0])
    medians = {name: median(values) for name, values in times.items()}
    identical = compare_outputs(outputs["smote_fast"], outputs["imblearn"], X.dtype)["identical"]
    result = {
        "n": args.n,
        "d": args.d,
        "classes": args.classes,
        "repeats": args.repeats,
        "svm_fit_seconds": svm_fit_seconds,
        "n_support": int(len(support)),
        "rest_seconds": medians,
        "times": times,
        "rest_speedup": medians["imblearn"] / medians["smote_fast"],
        "identical": identical,
    }
    table = (
        "| n | d | classes | SVC fit s | rest imblearn s | rest smote_fast s | speed-up | "
        "identical |\n|--:|--:|--:|--:|--:|--:|--:|---|\n"
        f"| {args.n} | {args.d} | {args.classes} | {svm_fit_seconds:.3g} | "
        f"{medians['imblearn']:.3g} | {medians['smote_fast']:.3g} | "
        f"{result['rest_speedup']:.2f}x | {'yes' if identical else 'NO'} |\n"
    )
    print(table)
    name = args.name or f"svm_rest_{args.n}x{args.d}_{args.classes}classes"
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.md").write_text(table)
    (out_dir / f"{name}.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
