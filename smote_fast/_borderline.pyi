from typing import Any

import numpy as np
import numpy.typing as npt

def count_other_class(
    neighbors: npt.NDArray[np.intp],
    labels: npt.NDArray[np.intp],
    own_label: int,
    out_counts: npt.NDArray[np.intp],
    n_threads: int,
) -> None: ...
def classify_danger_noise(
    other_counts: npt.NDArray[np.intp], m: int, out: npt.NDArray[np.int8]
) -> None: ...

__test__: Any
