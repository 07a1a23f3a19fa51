from typing import Any

import numpy as np
import numpy.typing as npt

def build_grid(
    X: npt.NDArray[np.floating],
    cells: npt.NDArray[np.intp],
    lo: npt.NDArray[np.float64],
    width: npt.NDArray[np.float64],
    cell_start: npt.NDArray[np.intp],
    perm: npt.NDArray[np.intp],
    X_grid: npt.NDArray[np.floating],
    n_threads: int,
) -> None: ...
def knn_grid(
    query: npt.NDArray[np.floating],
    X_grid: npt.NDArray[np.floating],
    perm: npt.NDArray[np.intp],
    cell_start: npt.NDArray[np.intp],
    cells: npt.NDArray[np.intp],
    lo: npt.NDArray[np.float64],
    width: npt.NDArray[np.float64],
    query_in_reference: npt.NDArray[np.intp],
    out_indices: npt.NDArray[np.intp],
    out_distances: npt.NDArray[np.float64],
    n_threads: int,
) -> None: ...

__test__: Any
