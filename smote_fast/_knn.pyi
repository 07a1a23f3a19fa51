from typing import Any

import numpy as np
import numpy.typing as npt

def knn_direct(
    query: npt.NDArray[np.floating],
    reference: npt.NDArray[np.floating],
    query_in_reference: npt.NDArray[np.intp],
    out_indices: npt.NDArray[np.intp],
    out_distances: npt.NDArray[np.float64],
    n_threads: int,
) -> float: ...
def limit_tile_variant(widest: int) -> int: ...
def knn_gemm(
    query: npt.NDArray[np.floating],
    reference: npt.NDArray[np.floating],
    query_in_reference: npt.NDArray[np.intp],
    center: npt.NDArray[np.float64],
    n_candidates: int,
    single_precision: bool,
    margin: float,
    slack: float,
    out_indices: npt.NDArray[np.intp],
    out_distances: npt.NDArray[np.float64],
    out_failed: npt.NDArray[np.uint8],
    n_threads: int,
    query_chunk: int,
    ref_chunk: int,
) -> None: ...
def pairs_scratch_sizes(n_rows: int, n_candidates: int) -> tuple[int, int]: ...
def knn_gemm_pairs(
    X: npt.NDArray[np.floating],
    center: npt.NDArray[np.float64],
    n_candidates: int,
    margin: float,
    slack: float,
    out_indices: npt.NDArray[np.intp],
    out_distances: npt.NDArray[np.float64],
    out_failed: npt.NDArray[np.uint8],
    heaps: npt.NDArray[np.uint64],
    roots: npt.NDArray[np.float32],
    n_threads: int,
    block_rows: int,
) -> None: ...
def knn_csr_direct(
    query_data: npt.NDArray[np.floating],
    query_indices: npt.NDArray[np.integer],
    query_indptr: npt.NDArray[np.integer],
    ref_data: npt.NDArray[np.floating],
    ref_indices: npt.NDArray[np.integer],
    ref_indptr: npt.NDArray[np.integer],
    query_in_reference: npt.NDArray[np.intp],
    out_indices: npt.NDArray[np.intp],
    out_distances: npt.NDArray[np.float64],
    n_threads: int,
) -> None: ...

__test__: Any
