"""Docstring text shared by the samplers, written once.

A sampler's docstring names a shared piece as ``$name`` alone on a line, at
the indentation of the section it sits in; ``fill_doc`` puts the text there.
"""

_PIECES = {
    "sampling_strategy": """\
sampling_strategy : float, str, dict or callable, default='auto'
    How many samples each class should have after resampling: a float (binary
    only, ratio to the majority), ``'minority'``, ``'not minority'``,
    ``'not majority'``, ``'all'``, ``'auto'`` (= ``'not majority'``), a mapping
    ``{class: n_samples}`` or a callable ``y -> mapping``.""",
    "n_jobs": """\
n_jobs : int or None, default=None
    Threads for the kernels (None: what OpenMP allows; -1: all cores). Never
    changes the result.""",
    "input_attributes": """\
n_features_in_ : int
    Number of features seen at fit.
feature_names_in_ : ndarray of shape (n_features_in_,)
    Feature names seen at fit (only when all are strings).""",
    "provenance_attributes": """\
synthetic_base_ : ndarray of int64
    For each synthetic row, in output order, the row of the X given to
    ``fit_resample`` it starts from (set by ``fit_resample``).
synthetic_neighbor_ : ndarray of int64
    The row of X it moves towards.
synthetic_gap_ : ndarray of float64
    How far: the synthetic row is ``X[base] + gap * (X[neighbor] - X[base])``
    in the sampler's arithmetic, bit for bit on dense float X (see
    ``BaseOverSampler`` for the one exception, borderline-2's rows towards
    another class).""",
    "exact_neighbours": """\
Neighbours are exact and ordered by (distance, row index), the sample itself
excluded by index. On data with ties this is reproducible where
imbalanced-learn's result depends on scikit-learn's algorithm and thread
count; pass ``NearestNeighbors`` objects to follow imbalanced-learn exactly.""",
}


def _indented(text, indent):
    return "\n".join(indent + line if line else line for line in text.split("\n"))


def fill_doc(cls):
    """Class decorator: replace each ``$name`` line of the docstring by its piece."""
    lines = []
    for line in cls.__doc__.split("\n"):
        stripped = line.strip()
        if stripped.startswith("$") and stripped[1:] in _PIECES:
            lines.append(_indented(_PIECES[stripped[1:]], line[: len(line) - len(line.lstrip())]))
        else:
            lines.append(line)
    cls.__doc__ = "\n".join(lines)
    return cls
