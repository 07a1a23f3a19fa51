"""Where a small SMOTE call spends its time: the fixed costs behind the
tutorial figure of bench_samplers.py.

Prints, for the 10 000-sample tutorial dataset (medians in microseconds):
* imbalanced-learn's draws (randint + random_sample of 9 800) next to
  smote_fast's compiled ones, from a fresh RandomState(0) each time;
* smote_fast's fit called back to back, and alternated with imbalanced-learn's
  (as bench_samplers.py times it), whose difference is the cost of our code
  paths going cold while the other library runs.

    python benchmarks/bench_small_call.py [--repeats 2000]
"""

import argparse

import numpy as np
from harness import make_tutorial_data, median, timed_call


def median_us(fn, repeats):
    """Median of ``repeats`` calls of ``fn`` (gc off, as in bench_samplers.py), in us."""
    return 1e6 * median([timed_call(fn)[0] for _ in range(repeats)])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2000)
    args = parser.parse_args()

    from imblearn.over_sampling import SMOTE as ImbSMOTE

    from smote_fast import SMOTE
    from smote_fast._random import seeded_randint_then_random_sample

    X, y = make_tutorial_data()
    n_new, table = 9800, 500

    def numpy_draws():
        random_state = np.random.RandomState(0)
        random_state.randint(0, table, size=n_new)
        random_state.random_sample(n_new)

    def our_draws():
        seeded_randint_then_random_sample(0, table, n_new, n_new)

    def ours():
        SMOTE(random_state=0).fit_resample(X, y)

    def theirs():
        ImbSMOTE(random_state=0).fit_resample(X, y)

    for fn in (numpy_draws, our_draws, ours, theirs):
        fn()  # warm-up
    print(f"draws, numpy RandomState: {median_us(numpy_draws, args.repeats):8.1f} us")
    print(f"draws, smote_fast kernel: {median_us(our_draws, args.repeats):8.1f} us")
    print(f"SMOTE fit, back to back:  {median_us(ours, args.repeats):8.1f} us")
    alternated = []
    for _ in range(max(1, args.repeats // 10)):
        theirs()
        alternated.append(median_us(ours, 1))
    print(
        f"SMOTE fit, alternated:    {float(np.median(alternated)):8.1f} us "
        "(each call right after one of imbalanced-learn's)"
    )


if __name__ == "__main__":
    main()
