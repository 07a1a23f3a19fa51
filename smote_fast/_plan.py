"""The resampling plan: what an algorithm decides, before any output exists.

An algorithm (SMOTE, Borderline-SMOTE, ...) draws its random numbers in
imbalanced-learn's order and describes each synthetic row as a base row, a
neighbour row (both rows of the X it was given) and a gap: in imbalanced-learn's
arithmetic the row is ``X[base] + gap * (X[neighbor] - X[base])`` (for
borderline-2 the difference is first scaled by ``diff_scale`` and rounded in X's
dtype). Blocks group the rows of one class with what later steps may need: the
neighbour table the rows were drawn from and an optional post-step. An
assembler (``_assemble``) then writes the output in one allocation; nothing in
a plan holds a copy of X.
"""

import numpy as np

from ._interpolate import resolve_pairs


class NeighborTable:
    """The neighbours each base row was drawn from.

    ``neighbors[i, j]`` indexes ``neighbor_rows`` and ``base_rows[i]`` is the row
    of X whose neighbours row ``i`` lists (each row of X at most once).
    """

    __slots__ = ("neighbors", "base_rows", "neighbor_rows")

    def __init__(self, neighbors, base_rows, neighbor_rows):
        self.neighbors = neighbors
        self.base_rows = base_rows
        self.neighbor_rows = neighbor_rows

    def neighbors_of(self, base):
        """The neighbours, as rows of X, of each of the base rows ``base`` (rows of
        X listed in ``base_rows``): shape (len(base), k)."""
        order = np.argsort(self.base_rows, kind="stable")
        positions = order[np.searchsorted(self.base_rows[order], base)]
        return self.neighbor_rows[self.neighbors[positions]]


class SyntheticBlock:
    """Synthetic rows of one class, in output order.

    Attributes
    ----------
    label : object
        Their class.
    base, neighbor : ndarray of intp
        Rows of X each synthetic row starts from and moves towards.
    steps : ndarray of float64
        The step drawn for each row (negative: extrapolation away from the
        neighbour, as SVM-SMOTE's safe samples).
    diff_scale : ndarray of float64 or None
        Borderline-2's factor on the difference, applied and rounded in X's dtype
        before the step; None when no row has one.
    table : NeighborTable or None
        The neighbour table the rows were drawn from (for post-steps such as a
        categorical vote among each base row's neighbours).
    post_step : callable or None
        ``post_step(X_out, start, stop, block)`` runs after the assembler wrote
        the block's rows ``X_out[start:stop]``.
    copies : bool
        The rows are copies of their base rows (``neighbor`` is ``base``, the
        steps are 0): written by copying, so any dtype, NaN and infinity pass
        unchanged.
    perturbation : ndarray of float64 of shape (n_rows, n_features) or None
        For copies: added to the base row in float64 before the cast to X's
        dtype (a smoothed bootstrap). Sparse rows add it to their stored values.
    """

    __slots__ = (
        "label",
        "base",
        "neighbor",
        "steps",
        "diff_scale",
        "table",
        "post_step",
        "copies",
        "perturbation",
    )

    def __init__(
        self,
        label,
        base,
        neighbor,
        steps,
        diff_scale=None,
        table=None,
        post_step=None,
        copies=False,
        perturbation=None,
    ):
        self.label = label
        self.base = base
        self.neighbor = neighbor
        self.steps = steps
        self.diff_scale = diff_scale
        self.table = table
        self.post_step = post_step
        self.copies = copies
        self.perturbation = perturbation

    def __len__(self):
        return len(self.base)


def block_from_draws(label, flat, steps, table):
    """The block for drawn entries of a neighbour table.

    ``flat`` indexes ``table.neighbors`` (shape (n_bases, k)) row-major, as
    imbalanced-learn draws it: entry ``f`` is base ``f // k`` and its neighbour in
    column ``f % k``.
    """
    base = np.empty(len(flat), dtype=np.intp)
    neighbor = np.empty(len(flat), dtype=np.intp)
    if flat.dtype != np.int64:
        flat = flat.astype(np.int64)
    resolve_pairs(flat, table.neighbors, table.base_rows, table.neighbor_rows, base, neighbor)
    return SyntheticBlock(label, base, neighbor, steps, table=table)


def copy_block(label, base, perturbation=None):
    """Copies of rows ``base`` of X (neighbour = base, gap 0), optionally
    perturbed (see ``SyntheticBlock.perturbation``)."""
    base = np.asarray(base, dtype=np.intp)
    return SyntheticBlock(
        label, base, base, np.zeros(len(base)), copies=True, perturbation=perturbation
    )


class ResamplePlan:
    """Every output row of one call: the original rows (all of them in order, or
    those listed in ``kept``), then the synthetic rows, block after block.

    ``finalize`` gathers the blocks' rows into single arrays (the blocks then hold
    views of them), which the assembler and the public provenance attributes
    share: no copy is made after the output exists.
    """

    __slots__ = ("blocks", "kept", "base", "neighbor", "steps", "diff_scale")

    def __init__(self, blocks=(), kept=None):
        self.blocks = list(blocks)
        self.kept = kept
        self.base = self.neighbor = self.steps = self.diff_scale = None

    def add(self, block):
        self.blocks.append(block)

    @property
    def n_new(self):
        return sum(len(block) for block in self.blocks)

    def finalize(self):
        """Concatenate the blocks' rows (one block: its own arrays); returns self."""
        blocks = self.blocks
        if not blocks:
            self.base = self.neighbor = np.empty(0, dtype=np.intp)
            self.steps = np.empty(0, dtype=np.float64)
            return self
        if len(blocks) == 1:
            block = blocks[0]
            self.base, self.neighbor, self.steps = block.base, block.neighbor, block.steps
            self.diff_scale = block.diff_scale
            return self
        n_new = self.n_new
        self.base = np.empty(n_new, dtype=np.intp)
        self.neighbor = np.empty(n_new, dtype=np.intp)
        self.steps = np.empty(n_new, dtype=np.float64)
        scaled = any(block.diff_scale is not None for block in blocks)
        self.diff_scale = np.ones(n_new) if scaled else None
        start = 0
        for block in blocks:
            stop = start + len(block)
            for name in ("base", "neighbor", "steps", "diff_scale"):
                values = getattr(block, name)
                if values is not None:
                    getattr(self, name)[start:stop] = values
                    setattr(block, name, getattr(self, name)[start:stop])
            start = stop
        return self

    def provenance(self):
        """``(base, neighbor, gap)``: int64, int64 and float64 arrays, one entry per
        synthetic row, such that row i is ``X[base[i]] + gap[i] * (X[neighbor[i]]
        - X[base[i]])``; for rows with a ``diff_scale`` the gap is the float64
        product of step and scale (see ``BaseOverSampler``)."""
        gap = self.steps if self.diff_scale is None else self.steps * self.diff_scale
        return (
            self.base.astype(np.int64, copy=False),
            self.neighbor.astype(np.int64, copy=False),
            gap.astype(np.float64, copy=False),
        )
