from typing import Any

import numpy as np
import numpy.typing as npt

def randint_then_random_sample(
    capsule: Any,
    max_value: int,
    out_ints: npt.NDArray[np.int64],
    out_doubles: npt.NDArray[np.float64],
) -> None: ...
def seeded_randint_then_random_sample(
    seed: int, max_value: int, out_ints: npt.NDArray[np.int64], out_doubles: npt.NDArray[np.float64]
) -> None: ...

__test__: Any
