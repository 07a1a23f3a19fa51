"""SMOTE-NC (Chawla et al., 2002, section 6.1) for mixed continuous and
categorical data, and SMOTE-N for nominal data only, without one-hot encoding.

imbalanced-learn one-hot encodes the categorical columns, scales the ones to
``v = median_std / sqrt(2)`` and searches neighbours on that (sparse) matrix; the
categories of a synthetic row are then voted by the base row's ``k`` neighbours
with a dense ``n_new x k x (continuous + all levels)`` array. Here the distance is
computed from the continuous values and the integer level codes directly (a
mismatch in one column adds ``2 v^2``, what the two scaled one-hot entries add),
the vote counts codes among the ``k`` neighbours, and the output is allocated
once by the assembler (the vote is the block's post-step). SMOTE-N's Value
Difference Metric comes from one ``L x L`` table per feature, in row blocks, with
imbalanced-learn's exact arithmetic, so its tie set can be reproduced (see
``_nominal.pyx``).
"""

import numbers
import warnings

import numpy as np
from scipy import sparse

from . import _nominal
from ._assemble import assemble
from ._containers import is_pandas
from ._data import ResampleData
from ._docstrings import fill_doc
from ._estimator import clone_estimator
from ._neighbors import ExactNearestNeighbors, check_enough_samples
from ._params import NEIGHBORS_CONSTRAINT, HasMethods, IsNone, StrOptions
from ._plan import NeighborTable, ResamplePlan, SyntheticBlock
from ._random import check_random_state
from ._smote import BaseSMOTE
from ._sources import neighbors_estimator
from ._stats import sparse_column_variances
from ._validation import _NAN_MESSAGE, check_X, check_X_any_dtype

# Rows of the SMOTE-N distance matrix materialised at once for the rows whose
# neighbour set has a tie at the boundary (64 rows of float64 per class row).
_VDM_BLOCK_ROWS = 64


class _ArrayLike:
    """scikit-learn's "array-like" constraint."""

    def is_satisfied_by(self, value):
        return (
            hasattr(value, "__len__") or hasattr(value, "shape") or hasattr(value, "__array__")
        ) and not np.isscalar(value)

    def __str__(self):
        return "an array-like"

    def to_sklearn(self, pv):
        return "array-like"


_ENCODER_CONSTRAINT = [HasMethods(["fit_transform", "inverse_transform"]), IsNone()]


# --------------------------------------------------------------------------
# levels of a categorical column, as scikit-learn's encoders find them


def _is_nan(value):
    return isinstance(value, float) and value != value


def _column_levels(column):
    """Sorted distinct values of ``column`` as scikit-learn's ``_unique``: numpy
    order with one NaN last for numeric columns; for object columns Python's
    sort, then None, then NaN."""
    if column.dtype != object:
        levels = np.unique(column)
        if levels.size and levels.dtype.kind == "f" and np.isnan(levels[-1]):
            levels = levels[: np.searchsorted(levels, np.nan) + 1]
        return levels
    values = set(column.tolist())
    has_none = None in values
    has_nan = any(_is_nan(v) for v in values)
    rest = [v for v in values if v is not None and not _is_nan(v)]
    try:
        ordered = sorted(rest)
    except TypeError:
        types = sorted(t.__qualname__ for t in {type(v) for v in column.tolist()})
        raise TypeError(
            "Encoders require their input argument must be uniformly "
            f"strings or numbers. Got {types}"
        ) from None
    ordered += [None] * has_none + [np.nan] * has_nan
    levels = np.empty(len(ordered), dtype=object)
    levels[:] = ordered
    return levels


def _column_codes(column, levels):
    """The index in ``levels`` of every value of ``column`` (int32)."""
    if column.dtype != object and levels.dtype != object:
        codes = np.searchsorted(levels, column)
        return codes.astype(np.int32)
    lookup = {}
    nan_code = -1
    for code, level in enumerate(levels.tolist()):
        if _is_nan(level):
            nan_code = code
        else:
            lookup[level] = code
    return np.fromiter(
        (lookup[v] if not _is_nan(v) else nan_code for v in column.tolist()),
        dtype=np.int32,
        count=len(column),
    )


class _Levels:
    """The fitted state smote_fast needs of an encoder when scikit-learn is not
    installed: ``categories_`` (scikit-learn's ``OneHotEncoder``/``OrdinalEncoder``
    is used, and exposed, when it is)."""

    def __init__(self, categories):
        self.categories_ = categories

    def __repr__(self):
        return f"_Levels(n_features={len(self.categories_)})"


def _default_encoder(kind, dtype):
    try:
        from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder
    except ImportError:
        return None
    if kind == "onehot":
        return OneHotEncoder(handle_unknown="ignore", dtype=dtype)
    return OrdinalEncoder(dtype=np.int32)


def _encode_default(columns, encoder, X_for_encoder):
    """``(categories, codes)`` for the default encoder: its levels (scikit-learn's
    when installed, fitted on the columns as imbalanced-learn fits it) and the
    int32 code of every value (n_rows x n_columns)."""
    if encoder is not None:
        encoder.fit(X_for_encoder())
        categories = list(encoder.categories_)
    else:
        categories = [_column_levels(column) for column in columns]
    codes = np.empty((len(columns[0]) if columns else 0, len(columns)), dtype=np.int32)
    for j, column in enumerate(columns):
        codes[:, j] = _column_codes(column, categories[j])
    return categories, codes


# --------------------------------------------------------------------------
# the majority vote


def _vote(neighbor_codes, random_state, n_threads=1):
    """imbalanced-learn's SMOTE-NC vote for one categorical feature.

    ``neighbor_codes[i]`` are the level codes of the k neighbours of synthetic
    row i's base row. The levels with the most votes tie; all tied (row, level)
    pairs, listed row by row and by level, are permuted by one
    ``random_state.permutation`` and each row takes its pair that comes first
    (imbalanced-learn's ``np.isclose`` on sums of ``v`` gives the same tie sets
    when ``v`` is not tiny; here the counts are compared exactly).
    """
    neighbor_codes = np.ascontiguousarray(neighbor_codes, dtype=np.int32)
    n_rows, k = neighbor_codes.shape
    levels = np.empty((n_rows, k), dtype=np.int32)
    n_tied = np.empty(n_rows, dtype=np.intp)
    _nominal.tied_levels(neighbor_codes, levels, n_tied, n_threads)
    n_pairs = int(n_tied.sum())
    permutation = random_state.permutation(n_pairs)
    rank = np.empty(n_pairs, dtype=np.intp)
    rank[permutation] = np.arange(n_pairs)
    winners = np.empty(n_rows, dtype=np.int32)
    _nominal.first_in_permutation(levels, n_tied, rank, winners)
    return winners


def _mode(codes, n_threads=1):
    """Per row, the most frequent code; ties go to the smallest (scipy's mode)."""
    out = np.empty(len(codes), dtype=np.int32)
    _nominal.row_modes(np.ascontiguousarray(codes, dtype=np.int32), out, n_threads)
    return out


# --------------------------------------------------------------------------
# SMOTE-NC's weight of a categorical mismatch


def _sparse_variances(block):
    """Population variance of each column of ``block`` (dense, one class) as
    scikit-learn's ``csr_mean_variance_axis0`` computes it on the sparse encoding:
    float64 accumulators over the non-zero entries in row order, the corrected
    two-pass formula, cast to float32 for float32 data."""
    rows, columns = np.nonzero(block)
    variances = sparse_column_variances(block[rows, columns], columns, *block.shape)
    return variances.astype(np.float32) if block.dtype == np.float32 else variances


@fill_doc
class SMOTENC(BaseSMOTE):
    """SMOTE for data with continuous and categorical features (SMOTE-NC).

    A drop-in replacement for ``imblearn.over_sampling.SMOTENC``
    (imbalanced-learn 0.14.2): same parameters, attributes and errors, and for
    the same ``random_state`` the same output, element for element, on data
    whose continuous part has no tied neighbour distances. The continuous
    columns are interpolated as SMOTE does; each categorical column takes the
    level most frequent among the ``k`` nearest neighbours of the base row
    (ties broken by imbalanced-learn's random permutations, drawn in its
    order). Distances add ``median_std**2`` (of the class's continuous columns)
    per categorical mismatch, computed on level codes: nothing is one-hot
    encoded and no ``n_new x k x n_levels`` array exists.

    Parameters
    ----------
    categorical_features : "auto" or array-like
        The categorical columns: indices (negative ones count from the end), a
        boolean mask, column names (DataFrames), as a list, tuple, numpy array,
        pandas Index or Series; or ``"auto"``: the DataFrame columns of pandas
        categorical dtype.
    categorical_encoder : estimator, default=None
        None: levels are the sorted distinct values of each column (what
        ``OneHotEncoder(handle_unknown="ignore")`` finds; that encoder is
        exposed as ``categorical_encoder_`` when scikit-learn is installed). An
        object with ``fit_transform``, ``inverse_transform`` and ``categories_``
        is cloned and used exactly as imbalanced-learn uses it (a slower path);
        it must produce one column per category.
    $sampling_strategy
    random_state : int, RandomState instance or None, default=None
        As imbalanced-learn: for an int a fresh generator per class for the
        interpolation draws and another one for the vote; a RandomState is
        shared and advanced; None uses numpy's global one.
    k_neighbors : int or object, default=5
        Number of nearest neighbours, or a neighbours object fitted on
        imbalanced-learn's scaled one-hot encoding of each class (cloned, used
        as imbalanced-learn uses it; a slower path).
    $n_jobs

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
        Number of samples created per class, sorted by class.
    nn_k_ : estimator object
        The neighbours estimator (fitted on the last class for an object).
    categorical_features_ : ndarray of int64
        The categorical columns, in the order given.
    continuous_features_ : ndarray of int64
        The other columns, sorted.
    categorical_encoder_ : estimator
        The fitted encoder (see ``categorical_encoder``).
    median_std_ : dict
        Class label -> median of the population standard deviations of the
        continuous columns over that class's rows.
    n_features_ : int
        Number of features.
    $input_attributes
    $provenance_attributes
        For SMOTE-NC the formula holds for the continuous columns; a categorical
        value is the vote among the base row's ``k`` neighbours, not a point on
        the segment (it is the neighbour's level only when the vote says so).

    Notes
    -----
    $exact_neighbours

    Deliberate differences from imbalanced-learn 0.14.2:

    * ``categorical_features`` given as a numpy array, pandas Index or Series
      works (imbalanced-learn #1217 raises "The truth value of an array ... is
      ambiguous"); duplicated columns are rejected (imbalanced-learn adds an
      output column per duplicate).
    * X and y of different lengths raise, as for SMOTE.
    * Sparse input comes back in its own format and class (CSC stays CSC), with
      sorted indices (imbalanced-learn returns CSR with unsorted indices flagged
      as sorted).
    * The vote compares exact neighbour counts. imbalanced-learn compares
      sums of ``v`` with ``np.isclose``: for integer X it truncates ``v`` to an
      integer (0 when ``median_std < sqrt(2)``) and on continuous data of tiny
      scale (``v <~ 1e-8``) the absolute tolerance makes every level tie, so
      the categories become uniformly random there. For integer X the
      distance weight is also ``v`` in float64, not truncated. Otherwise the
      tie sets, and hence the results, are the same.

    Examples
    --------
    >>> import numpy as np
    >>> from smote_fast import SMOTENC
    >>> rng = np.random.RandomState(0)
    >>> X = np.column_stack([rng.normal(size=100), rng.randint(0, 3, 100)])
    >>> y = np.array([0] * 80 + [1] * 20)
    >>> X_res, y_res = SMOTENC([1], random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist(), sorted(set(X_res[:, 1].tolist()))
    ([80, 80], [0.0, 1.0, 2.0])
    """

    def __init__(
        self,
        categorical_features,
        *,
        categorical_encoder=None,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        n_jobs=None,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
            n_jobs=n_jobs,
        )
        self.categorical_features = categorical_features
        self.categorical_encoder = categorical_encoder

    @classmethod
    def _constraints(cls):
        return {
            **super()._constraints(),
            "categorical_features": [_ArrayLike(), StrOptions(["auto"])],
            "categorical_encoder": _ENCODER_CONSTRAINT,
        }

    def __sklearn_tags__(self):
        from ._tags import sampler_tags

        tags = sampler_tags(string=True)
        tags.input_tags.sparse = False  # as imbalanced-learn's tag (sparse works)
        return tags

    def fit_resample(self, X, y, **params):
        self._input = X
        try:
            return super().fit_resample(X, y, **params)
        finally:
            del self._input

    def _check_X(self, X, name):
        checked = check_X_any_dtype(X, name)
        _reject_complex(checked)
        if "_input" in self.__dict__:
            # columns first: their errors come before a length mismatch, as in
            # imbalanced-learn (which never checks the lengths)
            self._resolve_and_check_columns(X, checked.shape[1])
        return checked

    def _resolve_and_check_columns(self, X, n_features):
        self.n_features_ = n_features
        self.categorical_features_, self.continuous_features_ = self._resolve_columns(X, n_features)
        if self.categorical_features_.size == n_features:
            raise ValueError(
                "SMOTE-NC is not designed to work only with categorical "
                "features. It requires some numerical features."
            )
        if self.categorical_features_.size == 0:
            raise ValueError(
                "SMOTE-NC is not designed to work only with numerical "
                "features. It requires some categorical features."
            )

    # ------------------------------------------------------------ columns

    def _resolve_columns(self, X, n_features):
        given = self.categorical_features
        if isinstance(given, str) and given == "auto":
            if not is_pandas(X, "DataFrame"):
                raise ValueError(
                    "When `categorical_features='auto'`, the input data "
                    f"should be a pandas.DataFrame. Got {type(X)} instead."
                )
            import pandas as pd

            mask = np.array(
                [isinstance(dtype, pd.CategoricalDtype) for dtype in X.dtypes], dtype=bool
            )
            return np.flatnonzero(mask).astype(np.int64), np.flatnonzero(~mask).astype(np.int64)
        columns = _column_indices(X, given, n_features)
        unique, counts = np.unique(columns, return_counts=True)
        if (counts > 1).any():
            raise ValueError(
                f"categorical_features names a column more than once: {unique[counts > 1].tolist()}"
            )
        continuous = np.setdiff1d(np.arange(n_features), columns).astype(np.int64)
        return columns, continuous

    # ------------------------------------------------------------ the call

    def _resample(self, data):
        X_in = self._input
        X = data.X
        cat, cont = self.categorical_features_, self.continuous_features_
        frame = X_in if is_pandas(X_in, "DataFrame") else None
        # numeric numpy X: the continuous columns are read in place (class rows
        # only), the output is X's dtype and the vote is the block's post-step
        fast = (
            frame is None
            and type(X) is np.ndarray
            and X.dtype.kind in "fiu"
            and self.categorical_encoder is None
        )
        if fast:
            _check_finite_columns(X, cont, type(self).__name__)
            self._X_cont = None
            dtype_enc = X.dtype
        else:
            self._X_cont = self._continuous_block(X, frame, cont)
            dtype_enc = self._X_cont.dtype
        self._categorical_columns = self._categorical_block(X, frame, cat)
        try:
            self._encode(dtype_enc if dtype_enc.kind in "fiu" else np.float64)
            plan = self._plan(data).finalize()
            if fast:
                X_out, y_out = assemble(data, plan)
            else:
                X_out, y_out = self._assemble_mixed(data, plan)
            self._record(plan)
        finally:
            for name in (
                "_X_cont",
                "_categorical_columns",
                "_codes",
                "_votes",
                "_categories",
                "_dtype_enc",
            ):
                self.__dict__.pop(name, None)
        return X_out, y_out

    def _continuous_block(self, X, frame, cont):
        name = type(self).__name__
        if frame is not None:
            block = frame.iloc[:, cont]
            return check_X(block, name)
        if sparse.issparse(X):
            return check_X(X.tocsc()[:, cont].tocsr(), name)
        block = X[:, cont]
        if block.dtype == object:
            block = block.astype(np.float64)
        return check_X(block, name)

    def _categorical_block(self, X, frame, cat):
        if frame is not None:
            return [np.asarray(frame.iloc[:, j]) for j in cat]
        if sparse.issparse(X):
            dense = X.tocsc()[:, cat].toarray()
            return [dense[:, j] for j in range(len(cat))]
        return [X[:, j] for j in cat]

    def _encode(self, dtype_enc):
        columns = self._categorical_columns
        self._dtype_enc = np.dtype(dtype_enc)

        def as_matrix():
            if len({c.dtype for c in columns}) == 1:
                return np.column_stack(columns)
            matrix = np.empty((len(columns[0]), len(columns)), dtype=object)
            for j, column in enumerate(columns):
                matrix[:, j] = column
            return matrix

        if self.categorical_encoder is None:
            encoder = _default_encoder("onehot", self._dtype_enc)
            categories, codes = _encode_default(columns, encoder, as_matrix)
            self.categorical_encoder_ = encoder if encoder is not None else _Levels(categories)
        else:
            encoder = clone_estimator(self.categorical_encoder)
            encoded = encoder.fit_transform(as_matrix())
            categories = list(encoder.categories_)
            n_categories = sum(np.asarray(c).size for c in categories)
            encoded = (
                sparse.csr_matrix(encoded) if not sparse.issparse(encoded) else encoded.tocsr()
            )
            if encoded.shape[1] != n_categories:
                raise ValueError(
                    "SMOTENC requires a one-hot encoding with one column per category "
                    "for the categorical features. The provided `categorical_encoder` "
                    f"produced {encoded.shape[1]} columns for {n_categories} categories. "
                    "This happens when the encoder drops columns (e.g. "
                    "`OneHotEncoder(drop=...)`) or merges infrequent categories, which "
                    "is not supported. Pass an encoder that keeps all categories, such "
                    "as `OneHotEncoder(handle_unknown='ignore')`."
                )
            self.categorical_encoder_ = encoder
            codes = _codes_from_one_hot(encoded, [np.asarray(c).size for c in categories])
        self._categories = categories
        self._codes = codes
        self._votes = []

    # ------------------------------------------------------------ algorithm

    def _plan(self, data):
        self.nn_k_ = neighbors_estimator(self.k_neighbors, self.n_jobs)
        self.median_std_ = {}
        plan = ResamplePlan()
        X_cont, codes = self._X_cont, self._codes
        if X_cont is None:
            dense_cont, columns = data.X, self.continuous_features_
        else:
            dense_cont = X_cont.toarray() if sparse.issparse(X_cont) else X_cont
            columns = None
        for label, n_samples in self.sampling_strategy_.items():
            if n_samples == 0:
                continue
            rows = data.rows_of(label)
            class_cont = dense_cont[rows] if columns is None else dense_cont[rows][:, columns]
            median_std = np.median(np.sqrt(_sparse_variances(class_cont)))
            self.median_std_[label] = median_std
            v = median_std / np.sqrt(2)
            if self._dtype_enc.kind == "f":
                v = self._dtype_enc.type(v)
            class_codes = np.ascontiguousarray(codes[rows])
            neighbors = self._class_neighbors(data, class_cont, class_codes, v)
            table = NeighborTable(neighbors, rows, rows)
            block = self._draw_block(label, n_samples, table)
            # imbalanced-learn resolves the generator again for the vote
            random_state = check_random_state(self.random_state)
            position = np.searchsorted(rows, block.base)
            voters = neighbors[position]
            winners = np.empty((n_samples, codes.shape[1]), dtype=np.int32)
            for j in range(codes.shape[1]):
                winners[:, j] = _vote(class_codes[:, j][voters], random_state)
            del voters
            self._votes.append(winners)
            block.post_step = self._write_votes(winners)
            plan.add(block)
        return plan

    def _class_neighbors(self, data, class_cont, class_codes, v):
        n_rows = class_cont.shape[0]
        if isinstance(self.nn_k_, ExactNearestNeighbors):
            k = self.nn_k_.n_neighbors - 1
            check_enough_samples(k + 1, n_rows, n_rows)
            weight = 2.0 * float(v) * float(v)
            # feature-major float64 (exact for float32 and integers below 2**53)
            cont_t = np.ascontiguousarray(class_cont.T, dtype=np.float64)
            out = np.empty((n_rows, k), dtype=np.intp)
            _nominal.mixed_kneighbors(
                cont_t,
                class_codes,
                weight,
                k,
                out,
                data.threads_for(n_rows * n_rows * class_cont.shape[1]),
            )
            return out
        # A user's neighbours object: imbalanced-learn's scaled one-hot CSR matrix.
        sizes = [np.asarray(c).size for c in self._categories]
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        n_cat = class_codes.shape[1]
        entries = class_codes.astype(np.int64) + offsets
        value = v if float(v) != 0.0 else self._dtype_enc.type(0)
        one_hot = sparse.csr_matrix(
            (
                np.full(entries.size, value, dtype=self._dtype_enc),
                entries.ravel(),
                np.arange(0, entries.size + 1, n_cat),
            ),
            shape=(n_rows, int(sum(sizes))),
        )
        encoded = sparse.hstack(
            [sparse.csr_matrix(class_cont), one_hot], format="csr", dtype=self._dtype_enc
        )
        encoded.eliminate_zeros()
        self.nn_k_.fit(encoded)
        answer = self.nn_k_.kneighbors(encoded, return_distance=False)
        return np.ascontiguousarray(np.asarray(answer)[:, 1:], dtype=np.intp)

    def _level_values(self, j, winners):
        return np.asarray(self._categories[j])[winners]

    def _write_votes(self, winners):
        categorical = self.categorical_features_

        def post_step(X_out, start, stop, block):
            for j, column in enumerate(categorical):
                X_out[start:stop, column] = self._level_values(j, winners[:, j])

        return post_step

    # ------------------------------------------------------------ output

    def _decoded_votes(self):
        """The categories of every synthetic row: one array per categorical
        feature, from the encoder's ``inverse_transform`` for a user encoder."""
        winners = (
            np.concatenate(self._votes)
            if self._votes
            else np.empty((0, self._codes.shape[1]), dtype=np.int32)
        )
        if self.categorical_encoder is None:
            return [self._level_values(j, winners[:, j]) for j in range(winners.shape[1])]
        sizes = [np.asarray(c).size for c in self._categories]
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        n_rows, n_cat = winners.shape
        one_hot = sparse.csr_matrix(
            (
                np.ones(n_rows * n_cat, dtype=self._dtype_enc),
                (winners.astype(np.int64) + offsets).ravel(),
                np.arange(0, n_rows * n_cat + 1, n_cat),
            ),
            shape=(n_rows, int(sum(sizes))),
        )
        decoded = np.asarray(self.categorical_encoder_.inverse_transform(one_hot))
        return [decoded[:, j] for j in range(n_cat)]

    def _assemble_mixed(self, data, plan):
        """Output for object, DataFrame, sparse input or a user encoder: the
        continuous columns assembled as SMOTE's, the categorical ones written
        from the votes."""
        for block in plan.blocks:
            block.post_step = None
        cont_data = ResampleData(self._X_cont, data.y, self.n_jobs)
        cont_out, y_out = assemble(cont_data, plan)
        n_samples = data.X.shape[0]
        cat, cont = self.categorical_features_, self.continuous_features_
        decoded = self._decoded_votes()
        X = data.X
        if sparse.issparse(X):
            n_out = cont_out.shape[0]
            cat_values = np.empty((n_out, len(cat)), dtype=X.dtype)
            original = self._categorical_columns
            for j in range(len(cat)):
                cat_values[:n_samples, j] = original[j]
                cat_values[n_samples:, j] = decoded[j]
            stacked = sparse.hstack(
                [sparse.csr_matrix(cont_out), sparse.csr_matrix(cat_values)], format="csc"
            )
            order = np.argsort(np.concatenate([cont, cat]))
            out = stacked[:, order]
            csc = data.csc_input
            out = out.tocsc() if csc else out.tocsr()
            out.sort_indices()
            if isinstance(X, sparse.sparray):
                out = (sparse.csc_array if csc else sparse.csr_array)(out)
            else:
                out = (sparse.csc_matrix if csc else sparse.csr_matrix)(out)
            return out.astype(X.dtype, copy=False), y_out
        level_dtype = np.result_type(*[d.dtype for d in decoded]) if decoded else cont_out.dtype
        out_dtype = np.result_type(cont_out.dtype, level_dtype)
        if out_dtype.kind in "USV":
            out_dtype = np.dtype(object)
        out = np.empty((cont_out.shape[0], X.shape[1]), dtype=out_dtype)
        out[:, cont] = cont_out
        for j, column in enumerate(cat):
            out[:n_samples, column] = self._categorical_columns[j]
            out[n_samples:, column] = decoded[j]
        return out, y_out


def _check_finite_columns(X, columns, name):
    """scikit-learn's finiteness check of the continuous columns, in row blocks
    (no copy of the columns)."""
    if X.dtype.kind != "f":
        return
    for start in range(0, X.shape[0], 65536):
        block = X[start : start + 65536, columns]
        if not np.isfinite(block).all():
            if np.isnan(block).any():
                raise ValueError(_NAN_MESSAGE.format(name=name))
            raise ValueError(f"Input X contains infinity or a value too large for {X.dtype!r}.")


def _codes_from_one_hot(encoded, sizes):
    """Level code of every row in each block of a one-hot matrix (the stored
    column, as imbalanced-learn's decoding reads it)."""
    encoded = encoded.tocsr()
    encoded.sort_indices()
    n_rows = encoded.shape[0]
    codes = np.empty((n_rows, len(sizes)), dtype=np.int32)
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    dense_rows = np.repeat(np.arange(n_rows), np.diff(encoded.indptr))
    for j in range(len(sizes)):
        in_block = (encoded.indices >= bounds[j]) & (encoded.indices < bounds[j + 1])
        codes[:, j] = 0
        codes[dense_rows[in_block], j] = encoded.indices[in_block] - bounds[j]
    return codes


def _column_indices(X, key, n_features):
    """scikit-learn's ``_get_column_indices`` for the forms SMOTE-NC accepts,
    numpy arrays and pandas Index/Series included."""
    if isinstance(key, range) or sparse.issparse(key):
        raise ValueError(
            "No valid specification of the columns. Only a scalar, list or "
            "slice of all integers or all strings, or boolean mask is allowed"
        )
    values = (
        np.asarray(key, dtype=object).ravel().tolist()
        if not isinstance(key, (list, tuple))
        else list(key)
    )
    if not values:
        return np.empty(0, dtype=np.int64)
    if all(isinstance(v, (bool, np.bool_)) for v in values):
        if len(values) != n_features:
            raise ValueError(f"all features must be in [0, {n_features - 1}] or [-{n_features}, 0]")
        return np.flatnonzero(np.asarray(values, dtype=bool)).astype(np.int64)
    if all(isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_)) for v in values):
        indices = np.asarray([int(v) for v in values], dtype=np.int64)
        if ((indices >= n_features) | (indices < -n_features)).any():
            raise ValueError(f"all features must be in [0, {n_features - 1}] or [-{n_features}, 0]")
        return np.where(indices < 0, indices + n_features, indices)
    if all(isinstance(v, str) for v in values):
        if not is_pandas(X, "DataFrame") and type(X).__module__.split(".")[0] != "polars":
            raise ValueError(
                "Specifying the columns using strings is only supported for dataframes."
            )
        names = list(X.columns)
        missing = {v for v in values if v not in names}
        if missing:
            raise ValueError(f"Some column names are not columns of the dataframe: {missing}")
        return np.asarray([names.index(v) for v in values], dtype=np.int64)
    raise ValueError(
        "No valid specification of the columns. Only a scalar, list or slice "
        "of all integers or all strings, or boolean mask is allowed"
    )


@fill_doc
class SMOTEN(BaseSMOTE):
    """SMOTE for nominal data only (SMOTE-N).

    A drop-in replacement for ``imblearn.over_sampling.SMOTEN``
    (imbalanced-learn 0.14.2): same parameters, attributes and errors, and for
    the same ``random_state`` the same output, element for element, ties
    included. Distances between rows of a class are the Value Difference
    Metric ``sum_f (sum_c |P(c | a_f) - P(c | b_f)|)**2`` (probabilities over all
    rows); a synthetic row takes, per feature, the most frequent level among
    the ``k + 1`` nearest rows (the row itself included) of a randomly drawn row
    of the class, ties going to the level that sorts first.

    The distances come from one small table per feature and are computed in
    row blocks (memory ``O(block x n_class)``, not ``n_class**2``) with
    imbalanced-learn's arithmetic, bit for bit; where the ``k + 1`` nearest rows
    are not unique (a tie at the boundary), the row's distances are handed to
    numpy's ``argpartition`` exactly as scikit-learn's precomputed-distance search
    does, so the same tied rows are kept.

    Parameters
    ----------
    categorical_encoder : estimator, default=None
        None: levels are the sorted distinct values of each column (what
        ``OrdinalEncoder`` finds; that encoder is exposed as
        ``categorical_encoder_`` when scikit-learn is installed). An object
        with ``fit_transform``, ``inverse_transform`` and ``categories_`` is
        cloned and used as imbalanced-learn uses it.
    $sampling_strategy
    random_state : int, RandomState instance or None, default=None
        One ``randint`` draw per class (an int restarts the stream per class, as
        imbalanced-learn does).
    k_neighbors : int or object, default=5
        Number of nearest neighbours besides the row itself, or a neighbours
        object, cloned, given ``metric="precomputed"`` and fitted on the class's
        full distance matrix as imbalanced-learn does (a slower path).
    $n_jobs

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
        Number of samples created per class, sorted by class.
    nn_k_ : estimator object
        The neighbours estimator.
    categorical_encoder_ : estimator
        The fitted encoder (see ``categorical_encoder``).
    $input_attributes
    synthetic_base_ : ndarray of int64
        For each synthetic row, in output order, the row of X whose ``k + 1``
        nearest rows voted it (set by ``fit_resample``).
    synthetic_neighbor_ : ndarray of int64
        Equal to ``synthetic_base_``: SMOTE-N does not interpolate towards one
        neighbour.
    synthetic_gap_ : ndarray of float64
        0 for every row (each value is a vote, not a point on a segment).

    Notes
    -----
    Deliberate differences from imbalanced-learn 0.14.2: sparse input comes
    back in its own class (a ``csr_array`` stays a ``csr_array``; imbalanced-
    learn returns ``csr_matrix``); the memory is ``O(n_class x block)`` where
    imbalanced-learn builds the ``n_class x n_class`` matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from smote_fast import SMOTEN
    >>> X = np.array(["A"] * 10 + ["B"] * 20 + ["C"] * 70, dtype=object).reshape(-1, 1)
    >>> y = np.array([0] * 20 + [1] * 40 + [2] * 40)
    >>> X_res, y_res = SMOTEN(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [40, 40, 40]
    """

    def __init__(
        self,
        categorical_encoder=None,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        n_jobs=None,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
            n_jobs=n_jobs,
        )
        self.categorical_encoder = categorical_encoder

    @classmethod
    def _constraints(cls):
        return {
            **super()._constraints(),
            "k_neighbors": NEIGHBORS_CONSTRAINT,
            "categorical_encoder": _ENCODER_CONSTRAINT,
        }

    def __sklearn_tags__(self):
        from ._tags import sampler_tags

        return sampler_tags(string=True)

    def _check_X(self, X, name):
        X = check_X_any_dtype(X, name)
        _reject_complex(X)
        self._sparse_input = None
        if sparse.issparse(X):
            warnings.warn(
                "Passing a sparse matrix to SMOTEN is not really efficient since "
                "it is converted to a dense array internally.",
                _data_conversion_warning(),
                stacklevel=4,
            )
            self._sparse_input = type(X)
            X = np.ascontiguousarray(X.toarray())
        if X.dtype.kind == "f":
            if not np.isfinite(X).all():
                if np.isnan(X).any():
                    raise ValueError(_NAN_MESSAGE.format(name=name))
                raise ValueError(f"Input X contains infinity or a value too large for {X.dtype!r}.")
        elif X.dtype == object and any(_is_nan(v) for v in X.ravel().tolist()):
            raise ValueError(_NAN_MESSAGE.format(name=name))
        return X

    def _encode(self, X):
        """``(categories, column_codes, encoded_dtype)``: ``column_codes(j)`` gives
        the int32 codes of column j for all rows (one column at a time, so that
        no ``n x n_features`` code matrix is kept for the default encoder)."""
        if self.categorical_encoder is None:
            encoder = _default_encoder("ordinal", np.int32)
            if encoder is not None:
                encoder.fit(X)
                categories = list(encoder.categories_)
            else:
                categories = [_column_levels(X[:, j]) for j in range(X.shape[1])]
            self.categorical_encoder_ = encoder if encoder is not None else _Levels(categories)
            return (categories, lambda j: _column_codes(X[:, j], categories[j]), np.dtype(np.int32))
        encoder = clone_estimator(self.categorical_encoder)
        encoded = encoder.fit_transform(X)
        self.categorical_encoder_ = encoder
        encoded = np.asarray(encoded.toarray() if sparse.issparse(encoded) else encoded)
        return (list(encoder.categories_), lambda j: encoded[:, j].astype(np.int32), encoded.dtype)

    def _resample(self, data):
        """The plan's rows (for provenance), written straight into one output:
        X's rows, then each block's modes (no row is copied or interpolated)."""
        plan = self._plan(data).finalize()
        X = data.X
        n_samples, n_new = X.shape[0], len(plan.base)
        X_out = np.empty((n_samples + n_new, X.shape[1]), dtype=self._output_dtype)
        X_out[:n_samples] = X
        y_out = np.empty(n_samples + n_new, dtype=data.y.dtype)
        y_out[:n_samples] = data.y
        offset = n_samples
        for block in plan.blocks:
            block.post_step(X_out, offset, offset + len(block), block)
            y_out[offset : offset + len(block)] = block.label
            offset += len(block)
        self._record(plan)
        del self._output_dtype
        kind = self.__dict__.pop("_sparse_input", None)
        if kind is not None:
            X_out = kind(X_out)
            X_out.sort_indices()
        return X_out, y_out

    def _plan(self, data):
        X = data.X
        self.nn_k_ = neighbors_estimator(self.k_neighbors, self.n_jobs)
        if not isinstance(self.nn_k_, ExactNearestNeighbors):
            self.nn_k_.set_params(metric="precomputed")
        categories, column_codes, encoded_dtype = self._encode(X)
        n_levels = np.asarray([np.asarray(c).size for c in categories], dtype=np.intp)
        requested = [(label, n) for label, n in self.sampling_strategy_.items() if n > 0]
        class_codes = {
            label: np.empty((len(data.rows_of(label)), X.shape[1]), dtype=np.int32)
            for label, _ in requested
        }
        tables, offsets, offset = [], [], 0
        for j in range(X.shape[1]):
            codes = column_codes(j)
            tables.append(_vdm_table(codes, data.codes, len(data.classes), int(n_levels[j])))
            offsets.append(offset)
            offset += int(n_levels[j]) ** 2
            for label, _ in requested:
                class_codes[label][:, j] = codes[data.rows_of(label)]
            del codes
        tables = np.concatenate(tables) if tables else np.empty(0)
        offsets = np.asarray(offsets, dtype=np.intp)
        decoded = self._decoded_dtype(categories, encoded_dtype)
        self._output_dtype = np.result_type(X.dtype, decoded)
        plan = ResamplePlan()
        for label, n_samples in requested:
            rows = data.rows_of(label)
            codes = class_codes.pop(label)
            neighbors = self._class_neighbors(data, codes, tables, offsets, n_levels)
            random_state = check_random_state(self.random_state)
            picked = random_state.randint(0, len(rows), size=n_samples)
            voters = neighbors[picked]
            modes = np.empty((n_samples, codes.shape[1]), dtype=encoded_dtype)
            for j in range(codes.shape[1]):
                modes[:, j] = _mode(codes[:, j][voters])
            base = rows[picked]
            block = SyntheticBlock(label, base, base, np.zeros(n_samples), copies=True)
            block.post_step = self._write_modes(modes, categories)
            plan.add(block)
        return plan

    def _decoded_dtype(self, categories, encoded_dtype):
        if self.categorical_encoder is None:
            return (
                np.result_type(*[np.asarray(c).dtype for c in categories])
                if categories
                else np.dtype(np.int32)
            )
        probe = np.zeros((1, len(categories)), dtype=encoded_dtype)
        return np.asarray(self.categorical_encoder_.inverse_transform(probe)).dtype

    def _class_neighbors(self, data, class_codes, tables, offsets, n_levels):
        n_rows = class_codes.shape[0]
        k1 = self.nn_k_.n_neighbors
        if not isinstance(self.nn_k_, ExactNearestNeighbors):
            distances = np.empty((n_rows, n_rows))
            _nominal.vdm_block(
                class_codes,
                np.arange(n_rows),
                tables,
                offsets,
                n_levels,
                distances,
                data.threads_for(distances.size),
            )
            self.nn_k_.fit(distances)
            return np.asarray(
                self.nn_k_.kneighbors(distances, return_distance=False), dtype=np.intp
            )
        check_enough_samples(k1, n_rows, n_rows)
        out = np.empty((n_rows, k1), dtype=np.intp)
        tied = np.empty(n_rows, dtype=np.uint8)
        _nominal.vdm_kneighbors(
            class_codes,
            tables,
            offsets,
            n_levels,
            k1,
            out,
            tied,
            data.threads_for(n_rows * n_rows * class_codes.shape[1]),
        )
        needs = np.flatnonzero(tied)
        for start in range(0, needs.size, _VDM_BLOCK_ROWS):
            # scikit-learn's brute precomputed search on the same rows: argpartition
            rows = needs[start : start + _VDM_BLOCK_ROWS]
            block = np.empty((rows.size, n_rows))
            _nominal.vdm_block(class_codes, rows, tables, offsets, n_levels, block, 1)
            out[rows] = np.argpartition(block, k1 - 1, axis=1)[:, :k1]
        return out

    def _write_modes(self, modes, categories):
        encoder = self.categorical_encoder_
        default = self.categorical_encoder is None

        def post_step(X_out, start, stop, block):
            if default:
                for j in range(modes.shape[1]):
                    X_out[start:stop, j] = np.asarray(categories[j])[modes[:, j]]
            else:
                X_out[start:stop] = np.asarray(encoder.inverse_transform(modes))

        return post_step


def _vdm_table(codes, class_codes, n_classes, n_levels):
    """One feature's ``L x L`` table of ``(sum_c |P[b, c] - P[a, c]|)**2`` (flat),
    with imbalanced-learn's ``ValueDifferenceMetric`` probabilities (per-class
    counts over all rows, divided by the level's count, 0/0 -> 0) and scipy's
    ``distance_matrix`` arithmetic (numpy's sum over the classes, then a square)."""
    counts = np.bincount(
        codes.astype(np.intp) * n_classes + class_codes, minlength=n_levels * n_classes
    )
    proba = counts.reshape(n_levels, n_classes).astype(np.float64)
    with np.errstate(invalid="ignore"):
        proba /= proba.sum(axis=1).reshape(-1, 1)
    np.nan_to_num(proba, copy=False)
    term = np.sum(np.abs(proba[None, :, :] - proba[:, None, :]), axis=-1) ** 2
    return np.ascontiguousarray(term).ravel()


def _reject_complex(X):
    if X.dtype.kind == "c":
        raise ValueError(f"Complex data not supported\n{X}\n")


def _data_conversion_warning():
    try:
        from sklearn.exceptions import DataConversionWarning
    except ImportError:
        return UserWarning
    return DataConversionWarning
