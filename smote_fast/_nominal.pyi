from typing import Any

import numpy as np
import numpy.typing as npt

def mixed_kneighbors(
    cont_t: npt.NDArray[np.float64],
    codes: npt.NDArray[np.int32],
    weight: float,
    k: int,
    out: npt.NDArray[np.intp],
    n_threads: int,
) -> None: ...
def vdm_block(
    codes: npt.NDArray[np.int32],
    rows: npt.NDArray[np.intp],
    tables: npt.NDArray[np.float64],
    offsets: npt.NDArray[np.intp],
    n_levels: npt.NDArray[np.intp],
    out: npt.NDArray[np.float64],
    n_threads: int,
) -> None: ...
def vdm_kneighbors(
    codes: npt.NDArray[np.int32],
    tables: npt.NDArray[np.float64],
    offsets: npt.NDArray[np.intp],
    n_levels: npt.NDArray[np.intp],
    k1: int,
    out: npt.NDArray[np.intp],
    tied: npt.NDArray[np.uint8],
    n_threads: int,
) -> None: ...
def tied_levels(
    codes: npt.NDArray[np.int32],
    levels: npt.NDArray[np.int32],
    n_tied: npt.NDArray[np.intp],
    n_threads: int,
) -> None: ...
def first_in_permutation(
    levels: npt.NDArray[np.int32],
    n_tied: npt.NDArray[np.intp],
    rank: npt.NDArray[np.intp],
    out: npt.NDArray[np.int32],
) -> None: ...
def row_modes(codes: npt.NDArray[np.int32], out: npt.NDArray[np.int32], n_threads: int) -> None: ...

__test__: Any
