from typing import Any

import numpy as np
import numpy.typing as npt

def sum_upper_distances(
    products: npt.NDArray[np.float64],
    row_norms: npt.NDArray[np.float64],
    column_norms: npt.NDArray[np.float64],
    row_sums: npt.NDArray[np.float64],
    n_threads: int,
) -> None: ...

__test__: Any
