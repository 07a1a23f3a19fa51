"""smote_fast: drop-in, Cython-accelerated SMOTE-family oversamplers.

The classes take the same parameters and, for the same ``random_state``, give the
same output as imbalanced-learn's, plus an ``n_jobs`` thread count that never
changes results.
"""

__version__ = "0.1.0"
