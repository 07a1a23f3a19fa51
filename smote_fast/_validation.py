"""Input checks shared by every sampler, with imbalanced-learn's messages."""

import os

from ._openmp_helpers import omp_max_threads, openmp_enabled


def resolve_n_threads(n_jobs):
    """Threads for a kernel call: None means what OpenMP allows now
    (``OMP_NUM_THREADS``, threadpoolctl limits), -1 every core, a positive int
    that many; always 1 in a build without OpenMP."""
    if n_jobs is None:
        n_threads = omp_max_threads()
    elif n_jobs < 0:
        n_threads = max((os.cpu_count() or 1) + 1 + n_jobs, 1)
    else:
        n_threads = n_jobs
    return int(n_threads) if openmp_enabled() else 1
