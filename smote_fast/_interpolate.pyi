from typing import Any

import numpy as np
import numpy.typing as npt

def interpolate_dense(
    data: npt.NDArray[np.floating],
    base: npt.NDArray[np.intp],
    neighbor: npt.NDArray[np.intp],
    steps: npt.NDArray[np.float64],
    diff_scale: npt.NDArray[np.float64],
    out: npt.NDArray[np.floating],
    out_start: int,
    n_threads: int,
    copy_threads: int = ...,
) -> None: ...
def csr_synthetic_rows(
    data: npt.NDArray[np.floating],
    indices: npt.NDArray[np.integer],
    indptr: npt.NDArray[np.integer],
    base: npt.NDArray[np.intp],
    neighbor: npt.NDArray[np.intp],
    steps: npt.NDArray[np.float64],
    diff_scale: npt.NDArray[np.float64],
    row_nnz: npt.NDArray[np.int64],
    out_data: npt.NDArray[np.floating],
    out_indices: npt.NDArray[np.integer],
    counting: bool,
    n_threads: int,
) -> None: ...
def resolve_pairs(
    flat: npt.NDArray[np.int64],
    neighbors: npt.NDArray[np.intp],
    base_rows: npt.NDArray[np.intp],
    neighbor_rows: npt.NDArray[np.intp],
    out_base: npt.NDArray[np.intp],
    out_neighbor: npt.NDArray[np.intp],
) -> None: ...
def copy_rows(
    source: npt.NDArray[np.floating], out: npt.NDArray[np.floating], n_threads: int
) -> None: ...

__test__: Any
