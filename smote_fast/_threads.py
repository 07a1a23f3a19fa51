"""Thread policy: ``n_jobs`` to an OpenMP thread count, and fewer threads for
kernels too small to pay for waking one. Results never depend on the count."""

import os

from ._openmp_helpers import omp_max_threads, openmp_enabled

# Fixed at build time.
_OPENMP_ENABLED = openmp_enabled()


def resolve_n_threads(n_jobs):
    """Threads for a kernel call: None means what OpenMP allows now
    (``OMP_NUM_THREADS``, threadpoolctl limits), -1 every core, a positive int
    that many; always 1 in a build without OpenMP."""
    if not _OPENMP_ENABLED:
        return 1
    if n_jobs is None:
        return int(omp_max_threads())
    if n_jobs < 0:
        return max((os.cpu_count() or 1) + 1 + int(n_jobs), 1)
    return int(n_jobs)


# Scalar operations worth one more thread: waking an OpenMP thread costs
# microseconds on an idle core and milliseconds on a busy one.
WORK_PER_THREAD = 1 << 18


def threads_for_work(n_threads, work):
    """Fewer threads for small kernels; results do not depend on the count."""
    return int(max(1, min(n_threads, work // WORK_PER_THREAD)))


def threads_for_jobs(n_jobs, work):
    """``threads_for_work(resolve_n_threads(n_jobs), work)``, without asking OpenMP
    when the work is too small for a second thread anyway."""
    if work < 2 * WORK_PER_THREAD:
        return 1
    return threads_for_work(resolve_n_threads(n_jobs), work)
