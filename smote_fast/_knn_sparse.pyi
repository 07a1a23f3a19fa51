from typing import Any

import numpy as np
import numpy.typing as npt

def csr_row_norms(
    data: npt.NDArray[np.floating],
    indptr: npt.NDArray[np.integer],
    out: npt.NDArray[np.float64],
    n_threads: int,
) -> None: ...
def knn_csr_index(
    query_data: npt.NDArray[np.floating],
    query_indices: npt.NDArray[np.integer],
    query_indptr: npt.NDArray[np.integer],
    ref_data: npt.NDArray[np.floating],
    ref_indices: npt.NDArray[np.integer],
    ref_indptr: npt.NDArray[np.integer],
    col_data: npt.NDArray[np.floating],
    col_rows: npt.NDArray[np.integer],
    col_indptr: npt.NDArray[np.integer],
    ref_norms: npt.NDArray[np.float64],
    max_ref_nnz: int,
    norm_order: npt.NDArray[np.intp],
    query_in_reference: npt.NDArray[np.intp],
    out_indices: npt.NDArray[np.intp],
    out_distances: npt.NDArray[np.float64],
    n_threads: int,
) -> None: ...

__test__: Any
