"""The caller's containers: recognised without importing their libraries, and
restored around the resampled arrays.

X may be a numpy array, a scipy sparse matrix or array, a list, a pandas
DataFrame or a polars DataFrame; y an array, a list, a pandas Series or
DataFrame, or a polars Series or DataFrame. The output comes back in the same
containers, with column names and dtypes kept. pandas and polars are imported
only when the input is theirs.
"""

import numpy as np
from scipy import sparse


def is_pandas(obj, kind):
    """Whether ``obj`` is a pandas object of class ``kind`` (pandas not imported)."""
    return type(obj).__module__.startswith("pandas") and type(obj).__name__ == kind


def is_polars(obj, kind):
    """Whether ``obj`` is a polars object of class ``kind`` (polars not imported)."""
    return type(obj).__module__.startswith("polars") and type(obj).__name__ == kind


def _library(obj):
    if is_pandas(obj, "DataFrame") or is_pandas(obj, "Series"):
        return "pandas"
    if is_polars(obj, "DataFrame") or is_polars(obj, "Series"):
        return "polars"
    return "list" if isinstance(obj, list) else None


class Containers:
    """Remembers the containers of X and y and restores them on the output."""

    __slots__ = (
        "x_library",
        "x_columns",
        "x_dtypes",
        "y_library",
        "y_kind",
        "y_name",
        "y_columns",
        "y_dtypes",
    )

    def __init__(self, X, y):
        if type(X) is np.ndarray and type(y) is np.ndarray:  # nothing to restore
            self.x_library = self.y_library = None
            return
        self.x_library = _library(X)
        self.x_columns = getattr(X, "columns", None)
        self.x_dtypes = getattr(X, "dtypes", None)
        self.y_library = _library(y)
        self.y_kind = type(y).__name__
        self.y_name = getattr(y, "name", None)
        self.y_columns = getattr(y, "columns", None)
        self.y_dtypes = getattr(y, "dtypes", getattr(y, "dtype", None))

    def restore(self, X, y):
        """``X`` and ``y`` (numpy or scipy.sparse) in the remembered containers."""
        if self.x_library == "list":
            X = X.tolist()
        elif self.x_library == "pandas":
            X = self._pandas_X(X)
        elif self.x_library == "polars":
            X = self._polars_X(X)
        if self.y_library == "list":
            y = y.tolist()
        elif self.y_library == "pandas":
            y = self._pandas_y(y)
            if self.x_library == "pandas":
                y.index = X.index
        elif self.y_library == "polars":
            y = self._polars_y(y)
        return X, y

    def _pandas_X(self, X):
        import pandas as pd

        if sparse.issparse(X):
            frame = pd.DataFrame.sparse.from_spmatrix(X, columns=self.x_columns)
        elif X.dtype == object:
            # rows copied from a frame of mixed columns: each column's own values,
            # built in its dtype (inferring first would turn all-NaT timedeltas into
            # datetimes)
            return pd.DataFrame(
                {
                    name: pd.Series(X[:, j], dtype=dtype)
                    for j, (name, dtype) in enumerate(
                        zip(self.x_columns, self.x_dtypes, strict=True)
                    )
                }
            )
        else:
            frame = pd.DataFrame(X, columns=self.x_columns)
        return frame.astype(self.x_dtypes)

    def _pandas_y(self, y):
        import pandas as pd

        if self.y_kind == "Series":
            return pd.Series(y, dtype=self.y_dtypes, name=self.y_name)
        return pd.DataFrame(y, columns=self.y_columns).astype(self.y_dtypes)

    def _polars_X(self, X):
        import polars as pl

        frame = pl.from_numpy(np.asarray(X), schema=list(self.x_columns), orient="row")
        return frame.cast(dict(zip(self.x_columns, self.x_dtypes, strict=True)))

    def _polars_y(self, y):
        import polars as pl

        if self.y_kind == "Series":
            return pl.Series(self.y_name, y).cast(self.y_dtypes)
        frame = pl.from_numpy(y.reshape(len(y), -1), schema=list(self.y_columns), orient="row")
        return frame.cast(dict(zip(self.y_columns, self.y_dtypes, strict=True)))
