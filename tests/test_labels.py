"""Label encoding: every fast path agrees with numpy's unique."""

import numpy as np
import pytest

from smote_fast._data import ResampleData
from smote_fast._data import encode_labels as _encode_labels

LABEL_SETS = [[0, 1], [0, 1, 2, 3], [0, 2, 5], [3, 7], [255, 0], [256, 1], [-1, 1],
              [-5, 0, 9], [10**12, 3]]


@pytest.mark.parametrize("labels, dtype", [
    (labels, dtype) for labels in LABEL_SETS
    for dtype in (np.intp, np.int32, np.uint8, np.int64)
    if np.iinfo(dtype).min <= min(labels) and max(labels) <= np.iinfo(dtype).max])
def test_encode_labels_equals_unique(labels, dtype):
    rng = np.random.RandomState(len(labels))
    y = rng.choice(np.asarray(labels), size=1000).astype(dtype)
    y[:len(labels)] = labels  # every label present
    classes, codes, counts = _encode_labels(y)
    expected_classes, expected_codes, expected_counts = np.unique(
        y, return_inverse=True, return_counts=True)
    np.testing.assert_array_equal(classes, expected_classes)
    assert classes.dtype == y.dtype
    np.testing.assert_array_equal(codes, expected_codes)
    np.testing.assert_array_equal(counts, expected_counts)


def test_strided_labels_and_rows_of():
    y = np.repeat(np.array([2, 0, 1, 0], dtype=np.intp), 3)[::2]  # non-contiguous view
    data = ResampleData(np.zeros((y.size, 1)), y, 1)
    for label in (0, 1, 2):
        np.testing.assert_array_equal(data.rows_of(label), np.flatnonzero(y == label))
