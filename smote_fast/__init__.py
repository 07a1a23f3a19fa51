"""smote_fast: drop-in, Cython-accelerated SMOTE-family oversamplers.

The classes take the same parameters and, for the same ``random_state``, give the
same output as imbalanced-learn's, plus an ``n_jobs`` thread count that never
changes results.
"""

from ._neighbors import ExactNearestNeighbors
from ._roster import VARIANTS, sampler_classes

__version__ = "0.1.0"

# The public samplers are those of the roster (``_roster.VARIANTS``): adding one
# there exports it here.
globals().update({cls.__name__: cls for cls in sampler_classes()})

__all__ = [cls.__name__ for cls in sampler_classes()] + [
    "ExactNearestNeighbors",
    "VARIANTS",
    "show_config",
    "__version__",
]


def show_config():
    """Print how the compiled kernels were built (OpenMP) and the thread count."""
    from ._openmp_helpers import omp_max_threads, openmp_enabled

    print(f"smote_fast {__version__}")
    print(f"  OpenMP: {'enabled' if openmp_enabled() else 'disabled (serial build)'}")
    print(f"  threads available (n_jobs=None): {omp_max_threads()}")
