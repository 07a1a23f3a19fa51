from typing import Any

import numpy as np
import numpy.typing as npt

def count_non_finite(values: npt.NDArray[np.floating], n_threads: int) -> int: ...
def column_extremes(
    X: npt.NDArray[np.floating],
    low: npt.NDArray[np.float64],
    high: npt.NDArray[np.float64],
    n_threads: int,
) -> None: ...
def small_label_counts(
    y: npt.NDArray[np.intp],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]] | None: ...
def rows_with_code(codes: npt.NDArray[np.intp], code: int, out: npt.NDArray[np.intp]) -> None: ...
def is_every_row(rows: npt.NDArray[np.intp]) -> bool: ...

__test__: Any
