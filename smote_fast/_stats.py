"""Column statistics that must match scikit-learn's to the last bit."""

import numpy as np


def sparse_column_variances(values, columns, n_rows, n_features):
    """Population variance of each column from its stored (non-zero) ``values``,
    listed in row order with their ``columns``, as scikit-learn's
    ``mean_variance_axis`` computes it on a sparse matrix: float64 sums in that
    order (``np.add.at`` adds sequentially), the corrected two-pass formula
    (Chan, Golub and LeVeque) with the unstored zeros added in closed form."""
    values = np.asarray(values, dtype=np.float64)
    stored = np.bincount(columns, minlength=n_features)
    means = np.zeros(n_features)
    np.add.at(means, columns, values)
    means /= n_rows
    diff = values - means[columns]
    correction = np.zeros(n_features)
    variances = np.zeros(n_features)
    np.add.at(correction, columns, diff)
    np.add.at(variances, columns, diff * diff)
    has_zeros = stored != n_rows
    correction[has_zeros] -= (n_rows - stored[has_zeros]) * means[has_zeros]
    correction = correction**2 / n_rows
    variances[has_zeros] += (n_rows - stored[has_zeros]) * means[has_zeros] ** 2
    return (variances - correction) / n_rows
