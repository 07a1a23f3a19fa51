"""The validated inputs of one ``fit_resample`` call: X as the kernels read it,
the labels encoded as codes 0..C-1 with their counts, and the rows of each
class."""

import numpy as np
from scipy import sparse

from ._checks import rows_with_code, small_label_counts
from ._neighbors import kernel_ready
from ._threads import threads_for_jobs


class ResampleData:
    """Validated inputs of one ``fit_resample`` call."""

    __slots__ = (
        "X",
        "y",
        "classes",
        "codes",
        "counts",
        "csc_input",
        "_n_jobs",
        "_rows",
        "_kernel_X",
    )

    def __init__(self, X, y, n_jobs):
        # Kernels read CSR; CSC input is converted once and converted back at the end.
        self.csc_input = type(X) is not np.ndarray and sparse.issparse(X) and X.format == "csc"
        self.X = X.tocsr() if self.csc_input else X
        self.y = y
        self.classes, self.codes, self.counts = encode_labels(y)
        self._n_jobs = n_jobs
        self._rows = {}
        self._kernel_X = None

    def threads_for(self, work):
        """Threads for a kernel of ``work`` scalar operations under the caller's
        ``n_jobs`` (see ``threads_for_jobs``)."""
        return threads_for_jobs(self._n_jobs, work)

    @property
    def kernel_X(self):
        """X in a dtype the k-NN kernels take (a view when X already is one)."""
        if self._kernel_X is None:
            self._kernel_X = kernel_ready(self.X)
        return self._kernel_X

    def rows_of(self, label):
        """Row indices of one class, in order of appearance."""
        code = int(self.classes.searchsorted(label))
        if code not in self._rows:
            rows = np.empty(int(self.counts[code]), dtype=np.intp)
            rows_with_code(self.codes, code, rows)
            self._rows[code] = rows
        return self._rows[code]

    def code_of(self, label):
        return int(np.searchsorted(self.classes, label))


def encode_labels(y):
    """Sorted classes, an intp code per row and the class counts."""
    if y.dtype == np.intp and y.size:
        # Labels 0..255, the common case: one counting pass instead of a sort
        # (measured by benchmarks/bench_small_call.py).
        found = small_label_counts(y)
        if found is not None:
            present, counts = found
            if present[-1] + 1 == present.size:  # labels 0..C-1 are the codes
                return present, y, counts
            code_of_value = np.full(int(present[-1]) + 1, -1, dtype=np.intp)
            code_of_value[present] = np.arange(present.size)
            return present, code_of_value[y], counts
    if y.dtype.kind in "iub" and y.size:
        low, high = int(y.min()), int(y.max())
        if low == 0 and y.dtype == np.intp:
            counts = np.bincount(y)
            if counts.all():  # labels are already the codes 0..C-1
                return np.arange(counts.size, dtype=y.dtype), y, counts
        if high - low < 4 * y.size + 1024:
            # Counting beats sorting for small integer label ranges.
            shifted = y.astype(np.intp) - low
            counts = np.bincount(shifted)
            present = np.flatnonzero(counts)
            code_of_value = np.full(counts.size, -1, dtype=np.intp)
            code_of_value[present] = np.arange(present.size)
            classes = (present + low).astype(y.dtype)
            return classes, code_of_value[shifted], counts[present]
    classes, codes, counts = np.unique(y, return_inverse=True, return_counts=True)
    return classes, codes.astype(np.intp, copy=False).reshape(-1), counts
