from typing import Any

import numpy as np
import numpy.typing as npt

def count_non_finite(values: npt.NDArray[np.floating], n_threads: int) -> int: ...

__test__: Any
