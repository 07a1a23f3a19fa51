from typing import Any

import numpy as np
import numpy.typing as npt

def gather_rows_in_place(rows: npt.NDArray[np.uint8], kept: npt.NDArray[np.intp]) -> None: ...

__test__: Any
