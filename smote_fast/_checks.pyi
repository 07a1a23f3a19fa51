from typing import Any

import numpy as np
import numpy.typing as npt

def count_non_finite(values: npt.NDArray[np.floating], n_threads: int) -> int: ...
def column_extremes(X: npt.NDArray[np.floating], low: npt.NDArray[np.float64],
                    high: npt.NDArray[np.float64], n_threads: int) -> None: ...

__test__: Any
