from typing import Any

import numpy as np
import numpy.typing as npt

def build_kdtree(
    X: npt.NDArray[np.floating],
    n_levels: int,
    perm: npt.NDArray[np.intp],
    node_start: npt.NDArray[np.intp],
    node_end: npt.NDArray[np.intp],
    node_lo: npt.NDArray[np.float64],
    node_hi: npt.NDArray[np.float64],
    X_tree: npt.NDArray[np.floating],
    n_threads: int,
) -> None: ...
def knn_kdtree(
    query: npt.NDArray[np.floating],
    X_tree: npt.NDArray[np.floating],
    perm: npt.NDArray[np.intp],
    node_start: npt.NDArray[np.intp],
    node_end: npt.NDArray[np.intp],
    node_lo: npt.NDArray[np.float64],
    node_hi: npt.NDArray[np.float64],
    n_levels: int,
    query_in_reference: npt.NDArray[np.intp],
    out_indices: npt.NDArray[np.intp],
    out_distances: npt.NDArray[np.float64],
    n_threads: int,
) -> None: ...

__test__: Any
