"""The Dask back-end: SMOTE, Borderline-SMOTE and ADASYN on dask arrays and
dataframes, with one machine's answer bit for bit, never gathering the majority.

``fit_resample`` plans eagerly and materialises lazily:

1. census (reads y): rows per partition -> global row offsets, classes, counts,
   ``sampling_strategy_``;
2. gather (reads X): each partition's rows of the classes to over-sample, its
   column extremes and a NaN/inf check; one fan-in task holds the "minority"
   block (rows + global row numbers), persisted on the cluster;
3. neighbours: SMOTE/ADASYN/borderline-1 search within each class on the
   cluster (query blocks against the class's rows). Borderline/ADASYN's search
   of the minority rows among *all* rows is the bounded two-pass scan: pass 1
   sends each query's nearest distance per partition up a merge tree, whose
   m-th smallest is an upper bound tau of the true m-th distance; pass 2 sends
   only the entries within tau, merged by (distance, global row). Distances use
   the single-machine kernels with the global float64 scale (``magnitude=``),
   so the merged lists are the single-machine lists;
4. draws: the client walks imbalanced-learn's stream in its order, class by
   class, and records the MT19937 state at each output chunk's boundaries
   (about 2.5 KB each); a RandomState (or numpy's global one) ends in the state
   a single-machine call leaves;
5. output (lazy): the caller's X partitions, untouched, then one new chunk per
   synthetic slice, each task replaying its draws from its checkpoints and
   interpolating from the minority block (borderline-2: plus the few rows of
   other classes its neighbour lists name, taken in one more pass).

Only graph APIs (``to_delayed``, ``dask.delayed``, ``persist``, ``compute``,
``from_delayed``, ``concatenate``) are used, so any scheduler runs it: the
active ``distributed.Client`` or dask's local scheduler. Nothing here starts a
cluster. This module imports dask; ``smote_fast`` imports it only for dask input.
"""

import math
import warnings

import dask
import dask.array as da
import numpy as np

from ._adasyn import samples_per_row
from ._borderline import classify_danger_noise
from ._danger import DANGER
from ._interpolate import interpolate_dense
from ._neighbors import _safe_magnitude, check_enough_samples, kernel_ready, kneighbors
from ._random import check_random_state, randint_then_random_sample
from ._sources import neighbors_estimator
from ._validation import (
    _check_finite,
    _check_shape,
    check_classification_target,
    feature_names,
    resolve_sampling_strategy,
)

# Rows of one synthetic chunk (fewer when it would exceed CHUNK_BYTES).
CHUNK_ROWS = 1 << 20
CHUNK_BYTES = 64 << 20
# Query rows per within-class k-NN task.
QUERY_BLOCK = 1 << 15
# Merge tree fan-in.
SPLIT_EVERY = 8
# Share of the smallest worker memory limit the minority block may take.
MINORITY_SHARE = 0.25

_SUPPORTED = ("SMOTE", "BorderlineSMOTE", "ADASYN")
_Y_COLUMN = "__smote_fast_y__"


def is_dask(obj):
    """Whether ``obj`` is a dask collection (dask not imported)."""
    return type(obj).__module__.startswith(("dask.", "dask_expr"))


def _kind(obj):
    module, name = type(obj).__module__, type(obj).__name__
    if not module.startswith(("dask.", "dask_expr")):
        return None
    if name == "Array":
        return "array"
    if name in ("DataFrame", "Series"):
        return name.lower()
    return name


# ---------------------------------------------------------------- entry point


def fit_resample(sampler, X, y):
    """``sampler.fit_resample(X, y)`` for dask collections (see the module)."""
    name = type(sampler).__name__
    if name == "SVMSMOTE":
        raise NotImplementedError(
            "SVMSMOTE does not run on Dask: it fits one SVM on all rows of X, which "
            "needs all of X in one process. Compute X and y first if they fit in memory "
            "(SVMSMOTE().fit_resample(X.compute(), y.compute())), or use BorderlineSMOTE, "
            "which also samples from the minority rows on the class border and runs on "
            "Dask."
        )
    if name not in _SUPPORTED or type(sampler).__module__.split(".")[0] != "smote_fast":
        raise NotImplementedError(
            f"{name} does not run on Dask; only {', '.join(_SUPPORTED)} do. Compute X and "
            "y first if they fit in memory."
        )
    for param in ("k_neighbors", "m_neighbors", "n_neighbors"):
        value = getattr(sampler, param, 5)
        if not isinstance(value, (int, np.integer)):
            raise NotImplementedError(
                f"{name} on Dask takes an integer {param} (smote_fast's exact search); "
                f"a neighbours object ({type(value).__name__}) needs all of X in one "
                "process."
            )
    job = _Job(sampler, X, y)
    return job.run()


class _Job:
    """One dask ``fit_resample`` call."""

    def __init__(self, sampler, X, y):
        self.sampler = sampler
        self.name = type(sampler).__name__
        self.X, self.y = X, y
        self.x_kind, self.y_kind = _kind(X), _kind(y)
        self.n_jobs = 1 if sampler.n_jobs is None else sampler.n_jobs

    # ------------------------------------------------------------ the steps

    def run(self):
        sampler = self.sampler
        self._normalise()
        self._census()
        requested = [(label, int(n)) for label, n in sampler.sampling_strategy_.items() if n > 0]
        self.requested = requested
        self.target_codes = np.array(
            sorted(self._code(label) for label, _ in requested), dtype=np.intp
        )
        self._check_minority_budget()
        self._gather()
        blocks = self._plan_blocks()
        return self._output(blocks)

    # ------------------------------------------------------------ inputs

    def _normalise(self):
        X, y, name = self.X, self.y, self.name
        if self.x_kind == "array":
            if X.ndim != 2:
                raise ValueError(
                    f"Expected 2D array, got {X.ndim}D array instead: a dask "
                    f"X must be 2-D for {name}."
                )
            if X.dtype.kind not in "biuf":
                raise ValueError(f"{name} on Dask needs numeric X, got dtype {X.dtype}.")
            if X.dtype == np.bool_:
                raise TypeError(f"{name} cannot interpolate boolean X.")
            self.x_dtype = X.dtype
            self.n_features = X.shape[1]
            X_rows = X.rechunk({1: -1}) if X.numblocks[1] > 1 else X
            self.x_parts = list(X_rows.to_delayed().ravel())
            self.columns = None
        elif self.x_kind == "dataframe":
            from pandas.api.types import is_bool_dtype, is_numeric_dtype

            meta = X._meta
            bad = [c for c, t in meta.dtypes.items() if not is_numeric_dtype(t) or is_bool_dtype(t)]
            if bad:
                raise ValueError(
                    f"{name} on Dask needs numeric columns; not numeric: "
                    + ", ".join(f"{c!r} ({meta.dtypes[c]})" for c in bad)
                    + ". Encode or drop them first."
                )
            self.x_dtype = meta.to_numpy().dtype
            if self.x_dtype.kind == "O":
                self.x_dtype = np.dtype(np.float64)
            self.n_features = len(meta.columns)
            self.x_parts = list(X.to_delayed())
            self.columns = meta.columns
            self.x_dtypes = meta.dtypes
            names = feature_names(meta, name)
        else:
            raise TypeError(
                f"{name} on Dask takes X as a dask Array or DataFrame, got {type(X).__name__}."
            )
        if self.y_kind == "array":
            if y.ndim != 1:
                raise ValueError(
                    f"y should be a 1d array, got an array of shape {y.shape} instead."
                )
            if (
                self.x_kind == "array"
                and y.chunks[0] != X.chunks[0]
                and not any(math.isnan(c) for c in X.chunks[0] + y.chunks[0])
            ):
                if y.shape[0] != X.shape[0]:
                    raise ValueError(
                        "Found input variables with inconsistent numbers of "
                        f"samples: [{X.shape[0]}, {y.shape[0]}]"
                    )
                y = y.rechunk({0: X.chunks[0]})
            self.y_parts = list(y.to_delayed().ravel())
            self.y_dtype = y.dtype
            self.y_name = None
        elif self.y_kind == "series":
            if self.x_kind == "dataframe":
                # One frame: dask aligns X and y partition by partition (the same
                # source is read once per pass, and an optimiser that splits a
                # source differently by columns cannot misalign them).
                try:
                    combined = X.assign(**{_Y_COLUMN: y})
                except Exception as exc:
                    raise ValueError(
                        f"X and y could not be aligned partition by partition ({exc}): "
                        "take both from one dataframe, or give them known divisions."
                    ) from exc
                parts = list(combined.to_delayed())
                self.x_parts = [dask.delayed(_without_y, pure=True)(p) for p in parts]
                self.y_parts = [dask.delayed(_only_y, pure=True)(p) for p in parts]
            else:
                self.y_parts = list(y.to_delayed())
            self.y_dtype = y._meta.dtype
            self.y_numpy_dtype = y._meta.to_numpy().dtype
            self.y_name = y._meta.name
        else:
            raise TypeError(
                f"{name} on Dask takes y as a dask Array or Series along a dask "
                f"X, got {type(y).__name__}."
            )
        if len(self.y_parts) != len(self.x_parts):
            raise ValueError(
                f"X and y are partitioned differently ({len(self.x_parts)} and "
                f"{len(self.y_parts)} row partitions): give y the partitions of X "
                "(e.g. y = y.rechunk(X.chunks[0]), or take both from one dataframe)."
            )
        if self.n_features < 1:
            _check_shape((1, self.n_features), name)
        sampler = self.sampler
        sampler.n_features_in_ = self.n_features
        if self.x_kind == "dataframe" and names is not None:
            sampler.feature_names_in_ = names
        elif hasattr(sampler, "feature_names_in_"):
            del sampler.feature_names_in_
        self.parts = len(self.x_parts)

    def _census(self):
        """Rows and labels per partition (reads y only)."""
        results = _compute(*[dask.delayed(_census_block, pure=True)(p) for p in self.y_parts])
        lengths = np.array([r[0] for r in results], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.lengths = lengths
        self.n_samples = int(self.offsets[-1])
        labels = [r[1] for r in results if len(r[1])]
        _check_shape((self.n_samples, self.n_features), self.name)
        all_labels = np.concatenate(labels)
        check_classification_target(all_labels)
        classes = np.unique(all_labels)
        counts = np.zeros(classes.size, dtype=np.int64)
        for _, block_labels, block_counts in results:
            if len(block_labels):
                counts[np.searchsorted(classes, block_labels)] += block_counts
        self.classes, self.counts = classes, counts
        strategy = self.sampler.sampling_strategy
        y_full = None
        if callable(strategy) and not isinstance(strategy, (str, dict)):
            warnings.warn(
                f"{self.name}: a callable sampling_strategy is called with all "
                "of y, which is computed into this process.",
                stacklevel=4,
            )
            y_full = np.concatenate(_compute(*[dask.delayed(_labels)(p) for p in self.y_parts]))
        self.sampler.sampling_strategy_ = resolve_sampling_strategy(
            strategy, y_full, classes, counts
        )

    def _code(self, label):
        return int(np.searchsorted(self.classes, label))

    def _check_minority_budget(self):
        itemsize = np.dtype(self.x_dtype).itemsize
        n_rows = int(self.counts[self.target_codes].sum())
        needed = n_rows * (self.n_features * (itemsize + 8) + 24)
        limit = dask.config.get("smote_fast.minority-bytes-limit", None)
        source = "the dask config value smote_fast.minority-bytes-limit"
        if limit is None:
            limits = _worker_memory_limits()
            if limits:
                limit = int(MINORITY_SHARE * min(limits))
                source = (
                    f"{MINORITY_SHARE:.0%} of the smallest worker memory limit "
                    f"({min(limits)} bytes)"
                )
        if limit is not None and needed > limit:
            raise MemoryError(
                f"{self.name} on Dask holds the rows of the classes it over-samples "
                f"({n_rows} rows, about {needed} bytes with their neighbour tables) in "
                f"one worker, more than {source}: give the workers more memory, or "
                "over-sample fewer classes per call."
            )

    def _gather(self):
        """The rows of the classes to over-sample, and X's global column extremes."""
        pieces = [
            dask.delayed(_extract_block, pure=True)(
                xp,
                yp,
                int(self.offsets[i]),
                int(self.lengths[i]),
                i,
                self.classes,
                self.target_codes,
                self.x_kind,
                self.x_dtype,
                self.name,
            )
            for i, (xp, yp) in enumerate(zip(self.x_parts, self.y_parts, strict=True))
        ]
        minority = dask.delayed(_assemble_minority, pure=True)(self.target_codes, *pieces)
        summary = dask.delayed(_summary, pure=True)(*pieces)
        self.minority, summary = _persist(minority, summary)
        self.magnitude = summary.compute()

    # ------------------------------------------------------------ planning

    def _class_knn(self, code, k, queries=None):
        """The k nearest neighbours of class ``code``'s rows (``queries``: positions
        within the class; None: all) among its rows, as a persisted table."""
        n_queries = int(self.counts[code]) if queries is None else len(queries)
        tasks = []
        for start in range(0, n_queries, QUERY_BLOCK):
            stop = min(start + QUERY_BLOCK, n_queries)
            chosen = np.arange(start, stop) if queries is None else np.asarray(queries[start:stop])
            tasks.append(
                dask.delayed(_class_knn_block, pure=True)(
                    self.minority, code, chosen, k, self.n_jobs
                )
            )
        table = dask.delayed(_stack, pure=True)(*tasks)
        (table,) = _persist(table)
        return table

    def _scan_passes(self, m):
        """1 (a plain merge tree of every partition's top-m lists) when those lists
        move at most a quarter of X's bytes, else 2 (the bounded two-pass scan);
        the dask config value ``smote_fast.scan-passes`` (1 or 2) overrides it.
        Either gives the same neighbours."""
        forced = dask.config.get("smote_fast.scan-passes", None)
        if forced is not None:
            return int(forced)
        n_queries = int(self.counts[self.target_codes].sum())
        one_pass = 17 * n_queries * m * int((self.lengths > 0).sum())
        x_bytes = self.n_samples * self.n_features * np.dtype(self.x_dtype).itemsize
        return 1 if one_pass * 4 <= x_bytes else 2

    def _scan(self, m):
        """Borderline/ADASYN: the m nearest rows of X to every minority row."""
        n_queries = int(self.counts[self.target_codes].sum())
        self.scan_passes = self._scan_passes(m)
        tau = None
        if self.scan_passes == 2:
            nonempty = int((self.lengths > 0).sum())
            first = max(1, min(m, -(-m // max(nonempty, 1))))
            leaves = [
                dask.delayed(_scan_nearest, pure=True)(
                    xp,
                    int(self.offsets[i]),
                    int(self.lengths[i]),
                    self.minority,
                    first,
                    self.magnitude,
                    self.x_kind,
                    self.x_dtype,
                    self.n_jobs,
                )
                for i, xp in enumerate(self.x_parts)
            ]
            tau = _tree(leaves, _merge_nearest, m)
            tau = dask.delayed(_kth, pure=True)(tau, m)
            (tau,) = _persist(tau)
        leaves = [
            dask.delayed(_scan_within, pure=True)(
                xp,
                yp,
                int(self.offsets[i]),
                int(self.lengths[i]),
                self.minority,
                m,
                tau,
                self.magnitude,
                self.classes,
                self.x_kind,
                self.x_dtype,
                self.n_jobs,
            )
            for i, (xp, yp) in enumerate(zip(self.x_parts, self.y_parts, strict=True))
        ]
        top = _tree(leaves, _merge_within, m)
        top = dask.delayed(_finish_scan, pure=True)(top, n_queries, m)
        (top,) = _persist(top)
        return top

    def _plan_blocks(self):
        sampler, name = self.sampler, self.name
        blocks = []
        if name == "SMOTE":
            k = int(sampler.k_neighbors)
            sampler.nn_k_ = neighbors_estimator(sampler.k_neighbors, sampler.n_jobs)
            streams = _Streams(sampler.random_state, restart=True)
            for label, n_samples in self.requested:
                code = self._code(label)
                n_class = int(self.counts[code])
                check_enough_samples(k + 1, n_class, n_class)
                table = self._class_knn(code, k)
                blocks.append(self._draw(label, code, n_samples, table, None, k, streams))
            return blocks
        if name == "BorderlineSMOTE":
            k, m = int(sampler.k_neighbors), int(sampler.m_neighbors)
            sampler.nn_k_ = neighbors_estimator(sampler.k_neighbors, sampler.n_jobs)
            sampler.nn_m_ = neighbors_estimator(sampler.m_neighbors, sampler.n_jobs)
            sampler.in_danger_indices = {}
            if not self.requested:
                return blocks
            if m + 1 > self.n_samples:
                code = self._code(self.requested[0][0])
                check_enough_samples(m + 1, self.n_samples, int(self.counts[code]))
            kk = max(m, k) if sampler.kind == "borderline-2" else m
            if kk + 1 > self.n_samples:
                check_enough_samples(
                    kk + 1, self.n_samples, int(self.counts[self.target_codes].sum())
                )
            top = self._scan(kk)
            counts, gidx, other = _compute(
                dask.delayed(_other_counts)(top, self.minority, m, None),
                dask.delayed(_minority_gidx)(self.minority),
                dask.delayed(_other_first)(top, self.minority, k),
            )
            streams = _Streams(sampler.random_state, restart=True)
            for label, n_samples in self.requested:
                code = self._code(label)
                where = self._query_slice(code)
                kinds = np.empty(where.stop - where.start, dtype=np.int8)
                classify_danger_noise(np.ascontiguousarray(counts[where], dtype=np.intp), m, kinds)
                in_danger = np.flatnonzero(kinds == DANGER)
                if not in_danger.size:
                    continue
                sampler.in_danger_indices[label] = gidx[where][in_danger].astype(np.intp)
                if sampler.kind == "borderline-1":
                    check_enough_samples(k + 1, int(self.counts[code]), in_danger.size)
                    table = self._class_knn(code, k, in_danger)
                    blocks.append(self._draw(label, code, n_samples, table, in_danger, k, streams))
                else:
                    queries = where.start + in_danger
                    source = self._b2_source(top, queries, k)
                    blocks.append(
                        self._draw(
                            label,
                            code,
                            n_samples,
                            source,
                            in_danger,
                            k,
                            streams,
                            other=other[queries],
                        )
                    )
            return blocks
        # ADASYN
        K = int(sampler.n_neighbors)
        sampler.nn_ = neighbors_estimator(sampler.n_neighbors, sampler.n_jobs)
        if not self.requested:
            return blocks
        if K + 1 > self.n_samples:
            code = self._code(self.requested[0][0])
            check_enough_samples(K + 1, self.n_samples, int(self.counts[code]))
        top = self._scan(K)
        counts = _compute(dask.delayed(_other_counts)(top, self.minority, K, None))[0]
        streams = _Streams(sampler.random_state, restart=False)
        for label, n_samples in self.requested:
            code = self._code(label)
            where = self._query_slice(code)
            n_generate = samples_per_row(counts[where], K, n_samples)
            n_total = int(np.sum(n_generate))
            n_class = int(self.counts[code])
            check_enough_samples(K + 1, n_class, n_class)
            table = self._class_knn(code, K)
            blocks.append(
                self._draw(label, code, n_total, table, None, K, streams, repeats=n_generate)
            )
        return blocks

    def _query_slice(self, code):
        """Positions of class ``code``'s rows among the scan's queries (the target
        classes' rows, class after class)."""
        sizes = self.counts[self.target_codes]
        index = int(np.searchsorted(self.target_codes, code))
        start = int(sizes[:index].sum())
        return slice(start, start + int(sizes[index]))

    def _b2_source(self, top, queries, k):
        """Borderline-2: the rows of X its neighbour lists name, taken in one pass."""
        needed = dask.delayed(_b2_needed, pure=True)(top, self.minority, queries, k)
        (needed,) = _persist(needed)
        pieces = [
            dask.delayed(_take_block, pure=True)(
                xp, int(self.offsets[i]), int(self.lengths[i]), needed, self.x_kind, self.x_dtype
            )
            for i, xp in enumerate(self.x_parts)
        ]
        source = dask.delayed(_b2_table, pure=True)(top, self.minority, queries, k, needed, *pieces)
        (source,) = _persist(source)
        return source

    # ------------------------------------------------------------ draws

    def _chunk_rows(self):
        itemsize = np.dtype(self.x_dtype).itemsize
        return max(1, min(CHUNK_ROWS, CHUNK_BYTES // max(1, self.n_features * itemsize)))

    def _draw(self, label, code, n_samples, table, danger, k, streams, other=None, repeats=None):
        """Walk the class's draws chunk by chunk, recording the generator states."""
        rows = self._chunk_rows()
        bounds = [(s, min(s + rows, n_samples)) for s in range(0, n_samples, rows)]
        n_bases = len(danger) if danger is not None else int(self.counts[code])
        high = k if repeats is not None else n_bases * k
        if high > 1 << 32:
            raise ValueError(
                f"{self.name} on Dask draws from at most 2**32 neighbour pairs per class."
            )
        rs = streams.blocks()
        int_states, double_states, halfway_counts = [], [], []
        flat_other = None if other is None else np.ascontiguousarray(other).ravel()
        for start, stop in bounds:
            int_states.append(_get_state(rs))
            ints, _ = randint_then_random_sample(rs, high, stop - start, 0)
            if flat_other is not None:
                halfway_counts.append(int(flat_other[ints].sum()))
        for start, stop in bounds:
            double_states.append(_get_state(rs))
            rs.random_sample(stop - start)
        halfway_states = []
        if other is not None:
            hs = streams.halfway()
            for count in halfway_counts:
                halfway_states.append(_get_state(hs))
                hs.uniform(0.0, 0.5, size=count)
        starts = None
        if repeats is not None:
            starts = np.concatenate([[0], np.cumsum(repeats)])
        specs = []
        for j, (start, stop) in enumerate(bounds):
            spec = {
                "n": stop - start,
                "high": high,
                "k": k,
                "ints": int_states[j],
                "doubles": double_states[j],
                "halfway": halfway_states[j] if other is not None else None,
                "danger": None,
                "repeat": None,
            }
            if repeats is not None:
                first = int(np.searchsorted(starts, start, side="right")) - 1
                last = int(np.searchsorted(starts, stop - 1, side="right")) - 1
                counts = np.array(repeats[first : last + 1], dtype=np.int64)
                counts[0] = min(starts[first + 1], stop) - start
                if last > first:
                    counts[-1] = stop - starts[last]
                spec["repeat"] = (first, counts)
            specs.append(spec)
        return _Block(label, code, table, danger, specs, b2=other is not None)

    # ------------------------------------------------------------ output

    def _output(self, blocks):
        sampler = self.sampler
        chunk_pieces, lengths, labels = [], [], []
        for block in blocks:
            for spec in block.specs:
                task = dask.delayed(_generate, pure=True)(
                    self.minority,
                    block.table,
                    block.code,
                    None if block.danger is None else block.danger,
                    spec,
                    block.b2,
                    self.x_dtype,
                    self.n_jobs,
                )
                chunk_pieces.append(task)
                lengths.append(spec["n"])
                labels.append(block.label)
        d = self.n_features
        rows = [
            da.from_delayed(t[0], shape=(n, d), dtype=self.x_dtype)
            for t, n in zip(chunk_pieces, lengths, strict=True)
        ]
        provenance = []
        for position, dtype in ((1, np.int64), (2, np.int64), (3, np.float64)):
            parts = [
                da.from_delayed(t[position], shape=(n,), dtype=dtype)
                for t, n in zip(chunk_pieces, lengths, strict=True)
            ]
            provenance.append(
                da.concatenate(parts) if parts else da.zeros((0,), dtype=dtype, chunks=(0,))
            )
        sampler.synthetic_base_, sampler.synthetic_neighbor_, sampler.synthetic_gap_ = provenance
        if self.x_kind == "array":
            X_out = self._array_X(rows)
        else:
            X_out = self._frame_X(chunk_pieces, lengths)
        return X_out, self._y_out(lengths, labels)

    def _array_X(self, rows):
        X = self.X
        lengths = tuple(int(n) for n in self.lengths)
        if any(math.isnan(c) for c in X.chunks[0]):
            X = X.map_blocks(_identity, chunks=(lengths, X.chunks[1]), dtype=X.dtype)
        if rows and X.numblocks[1] > 1:
            rows = [r.rechunk({1: X.chunks[1]}) for r in rows]
        return da.concatenate([X, *rows], axis=0) if rows else X

    def _frame_X(self, chunk_pieces, lengths):
        import dask.dataframe as dd

        meta = self.X._meta
        parts = [
            dask.delayed(_reindexed, pure=True)(p, int(self.offsets[i]))
            for i, p in enumerate(self.x_parts)
        ]
        start = self.n_samples
        for task, n in zip(chunk_pieces, lengths, strict=True):
            parts.append(
                dask.delayed(_synthetic_frame, pure=True)(
                    task[0], start, meta.columns, self.x_dtypes
                )
            )
            start += n
        return dd.from_delayed(
            parts, meta=meta, divisions=self._divisions(lengths), verify_meta=False
        )

    def _divisions(self, lengths):
        sizes = list(self.lengths) + list(lengths)
        if any(n == 0 for n in sizes):
            return None
        starts = np.concatenate([[0], np.cumsum(sizes)])
        return tuple(int(s) for s in starts[:-1]) + (int(starts[-1]) - 1,)

    def _y_out(self, lengths, labels):
        y_dtype = self.y_dtype
        if self.y_kind == "array":
            y = self.y
            if y.numblocks[0] != len(self.lengths) or any(math.isnan(c) for c in y.chunks[0]):
                y = da.concatenate(
                    [
                        da.from_delayed(p, shape=(int(n),), dtype=y_dtype)
                        for p, n in zip(self.y_parts, self.lengths, strict=True)
                    ]
                )
            new = [
                da.from_delayed(
                    dask.delayed(_label_chunk, pure=True)(n, label, y_dtype),
                    shape=(n,),
                    dtype=y_dtype,
                )
                for n, label in zip(lengths, labels, strict=True)
            ]
            return da.concatenate([y, *new]) if new else y
        import dask.dataframe as dd
        import pandas as pd

        meta = pd.Series([], dtype=y_dtype, name=self.y_name)
        parts = [
            dask.delayed(_reindexed, pure=True)(p, int(self.offsets[i]), self.y_name)
            for i, p in enumerate(self.y_parts)
        ]
        start = self.n_samples
        for n, label in zip(lengths, labels, strict=True):
            parts.append(
                dask.delayed(_label_series, pure=True)(
                    n, label, start, y_dtype, self.y_numpy_dtype, self.y_name
                )
            )
            start += n
        return dd.from_delayed(
            parts, meta=meta, divisions=self._divisions(lengths), verify_meta=False
        )


class _Block:
    __slots__ = ("label", "code", "table", "danger", "specs", "b2")

    def __init__(self, label, code, table, danger, specs, b2):
        self.label, self.code, self.table, self.danger = label, code, table, danger
        self.specs, self.b2 = specs, b2


class _Streams:
    """The generators of one call, as the single-machine algorithm resolves them:
    ``restart`` (SMOTE, Borderline) re-resolves per class, so an int seed restarts
    its stream; ADASYN resolves once per call."""

    def __init__(self, seed, restart):
        self.seed, self.restart = seed, restart
        self._once = None if restart else _resolve(seed)

    def blocks(self):
        return _resolve(self.seed) if self.restart else self._once

    def halfway(self):
        return _resolve(self.seed)


def _persist(*collections):
    with warnings.catch_warnings():
        # X array partitions with y Series partitions: dask warns that it
        # materialises the expression graph, which is what we ask of it.
        warnings.filterwarnings("ignore", message="Computing mixed collections")
        return dask.persist(*collections)


def _compute(*collections):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Computing mixed collections")
        return dask.compute(*collections)


def _resolve(seed):
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.random.RandomState(int(seed))
    return check_random_state(seed)


def _get_state(random_state):
    return random_state._bit_generator.state


def _replayer(state):
    bit_generator = np.random.MT19937(0)
    bit_generator.state = state
    return np.random.RandomState(bit_generator)


def _worker_memory_limits():
    try:
        from distributed import default_client
    except ImportError:
        return []
    try:
        client = default_client()
    except ValueError:
        return []
    if dask.config.get("scheduler", None) not in (None, "dask.distributed", "distributed"):
        return []
    info = client.scheduler_info()
    return [
        w.get("memory_limit") for w in info.get("workers", {}).values() if w.get("memory_limit")
    ]


def _tree(parts, merge, m):
    """Merge ``parts`` in levels of ``SPLIT_EVERY``."""
    level = list(parts)
    while len(level) > 1:
        level = [
            dask.delayed(merge, pure=True)(m, *level[i : i + SPLIT_EVERY])
            for i in range(0, len(level), SPLIT_EVERY)
        ]
    return level[0] if len(level) == 1 else dask.delayed(merge, pure=True)(m)


# ---------------------------------------------------------------- task bodies
# Pure functions of their inputs (a lost worker's tasks are recomputed with the
# same result); numpy in, numpy out.


def _identity(block):
    return block


def _without_y(part):
    return part.drop(columns=_Y_COLUMN)


def _only_y(part):
    return part[_Y_COLUMN]


def _labels(part):
    from ._validation import _as_array

    labels = _as_array(part)
    if labels.ndim != 1:
        labels = labels.reshape(-1)
    return labels


def _census_block(y_part):
    labels = _labels(y_part)
    if not labels.size:
        return 0, labels[:0], np.zeros(0, dtype=np.int64)
    present, counts = np.unique(labels, return_counts=True)
    return labels.size, present, counts


def _block_X(x_part, kind, dtype):
    if kind == "dataframe":
        values = x_part.to_numpy(dtype=dtype)
    else:
        values = np.asarray(x_part)
        if values.dtype != dtype:
            values = values.astype(dtype)
    return np.ascontiguousarray(values)


def _checked_block(x_part, y_part, index, n_rows, kind, dtype, name):
    X = _block_X(x_part, kind, dtype)
    labels = _labels(y_part) if y_part is not None else None
    if X.shape[0] != n_rows or (labels is not None and labels.shape[0] != n_rows):
        raise ValueError(
            "Found input variables with inconsistent numbers of samples in "
            f"partition {index}: [{X.shape[0]}, {n_rows}]"
        )
    return X, labels


def _extract_block(x_part, y_part, offset, n_rows, index, classes, target_codes, kind, dtype, name):
    X, labels = _checked_block(x_part, y_part, index, n_rows, kind, dtype, name)
    if X.dtype.kind == "f" and X.size:
        _check_finite(X, name)
    codes = np.searchsorted(classes, labels) if labels.size else np.zeros(0, np.intp)
    keep = np.isin(codes, target_codes)
    positions = np.flatnonzero(keep)
    if X.size:
        magnitude = float(np.max(np.abs(kernel_ready(X)))) if X.dtype.kind == "f" else 0.0
    else:
        magnitude = 0.0
    return (
        codes[positions].astype(np.intp),
        positions.astype(np.int64) + offset,
        np.ascontiguousarray(X[positions]),
        magnitude,
    )


def _assemble_minority(target_codes, *pieces):
    """{code: (rows of X, global row numbers)} in order of appearance."""
    if pieces:
        codes = np.concatenate([p[0] for p in pieces])
        gidx = np.concatenate([p[1] for p in pieces])
        rows = np.concatenate([p[2] for p in pieces])
    result = {}
    for code in target_codes.tolist():
        chosen = np.flatnonzero(codes == code)
        result[code] = (np.ascontiguousarray(rows[chosen]), gidx[chosen])
    return result


def _summary(*pieces):
    return max([p[3] for p in pieces], default=0.0)


def _queries(minority):
    """All minority rows (the scan's queries, class after class), kernel dtype."""
    rows = [minority[c][0] for c in sorted(minority)]
    gidx = [minority[c][1] for c in sorted(minority)]
    return kernel_ready(np.ascontiguousarray(np.concatenate(rows))), np.concatenate(gidx)


def _minority_gidx(minority):
    return _queries(minority)[1]


def _class_knn_block(minority, code, queries, k, n_jobs):
    rows = kernel_ready(minority[code][0])
    return kneighbors(
        np.ascontiguousarray(rows[queries]), rows, k, query_in_reference=queries, n_jobs=n_jobs
    )


def _stack(*tables):
    return np.concatenate(tables) if tables else np.empty((0, 0), dtype=np.intp)


def _block_search(queries, query_gidx, reference, offset, n, magnitude, n_jobs):
    """Each query's n nearest rows of one partition (itself excluded), padded with
    (-1, inf) where the partition has fewer rows: (local index, distance)."""
    n_queries, n_rows = queries.shape[0], reference.shape[0]
    index = np.full((n_queries, n), -1, dtype=np.intp)
    distance = np.full((n_queries, n), np.inf)
    if not n_rows or not n_queries:
        return index, distance
    local = query_gidx - offset
    inside = (local >= 0) & (local < n_rows)
    in_reference = np.where(inside, local, -1).astype(np.intp)
    reference = kernel_ready(reference)
    if queries.dtype != reference.dtype:
        common = np.promote_types(queries.dtype, reference.dtype)
        queries, reference = queries.astype(common), reference.astype(common)
    if queries.dtype == np.float64 and not _safe_magnitude(magnitude):
        # Rescale as the single search over all of X does, here, so that the
        # distances merged across partitions are the scaled ones it orders by
        # (unscaled they may overflow to inf and tie).
        factor = np.ldexp(1.0, -int(np.frexp(magnitude)[1]))
        queries, reference, magnitude = queries * factor, reference * factor, magnitude * factor
    groups = (
        [(np.arange(n_queries), min(n, n_rows))]
        if n_rows > n
        else [
            (np.flatnonzero(~inside), min(n, n_rows)),
            (np.flatnonzero(inside), min(n, n_rows - 1)),
        ]
    )
    for chosen, n_eff in groups:
        if not chosen.size or n_eff < 1:
            continue
        found, dist = kneighbors(
            np.ascontiguousarray(queries[chosen]),
            reference,
            n_eff,
            query_in_reference=in_reference[chosen],
            n_jobs=n_jobs,
            return_distance=True,
            magnitude=magnitude,
        )
        index[chosen, :n_eff] = found
        distance[chosen, :n_eff] = dist
    return index, distance


def _scan_nearest(x_part, offset, n_rows, minority, first, magnitude, kind, dtype, n_jobs):
    """Pass 1: each query's ``first`` smallest distances within one partition,
    rounded up to float32 (still upper bounds, half the bytes)."""
    reference = _block_X(x_part, kind, dtype)
    queries, gidx = _queries(minority)
    distance = _block_search(queries, gidx, reference, offset, first, magnitude, n_jobs)[1]
    return _rounded_up(distance)


def _rounded_up(distance):
    with np.errstate(over="ignore"):
        single = distance.astype(np.float32)
    low = single < distance
    single[low] = np.nextafter(single[low], np.float32(np.inf))
    return single


def _merge_nearest(m, *parts):
    if not parts:
        return np.empty((0, m), dtype=np.float32)
    merged = np.sort(np.concatenate(parts, axis=1), axis=1)[:, :m]
    if merged.shape[1] < m:
        pad = np.full((merged.shape[0], m - merged.shape[1]), np.inf, dtype=merged.dtype)
        merged = np.concatenate([merged, pad], axis=1)
    return merged


def _kth(nearest, m):
    """tau: the m-th smallest of real distances, an upper bound of the m-th
    nearest distance (inf when fewer than m were seen)."""
    return np.ascontiguousarray(nearest[:, m - 1], dtype=np.float64)


def _scan_within(
    x_part, y_part, offset, n_rows, minority, m, tau, magnitude, classes, kind, dtype, n_jobs
):
    """The entries of one partition's m nearest (two passes: those within tau),
    ragged: (query, distance, global row, class code)."""
    reference = _block_X(x_part, kind, dtype)
    labels = _labels(y_part)
    queries, gidx = _queries(minority)
    index, distance = _block_search(queries, gidx, reference, offset, m, magnitude, n_jobs)
    keep = index >= 0
    if tau is not None:  # two passes: only what can be among the m nearest
        keep &= distance <= tau[:, None]
    query, column = np.nonzero(keep)
    local = index[query, column]
    codes = (
        np.searchsorted(classes, labels[local]).astype(np.int16)
        if local.size
        else np.zeros(0, np.int16)
    )
    return (query.astype(np.int64), distance[query, column], local.astype(np.int64) + offset, codes)


def _merge_within(m, *parts):
    """Per query, the m smallest entries by (distance, global row)."""
    if not parts:
        return (np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64), np.zeros(0, np.int16))
    query, distance, gidx, codes = (np.concatenate([p[i] for p in parts]) for i in range(4))
    order = np.lexsort((gidx, distance, query))
    query, distance, gidx, codes = query[order], distance[order], gidx[order], codes[order]
    starts = (
        np.flatnonzero(np.r_[True, query[1:] != query[:-1]])
        if query.size
        else np.zeros(0, np.int64)
    )
    rank = np.arange(query.size) - np.repeat(starts, np.diff(np.r_[starts, query.size]))
    keep = rank < m
    return query[keep], distance[keep], gidx[keep], codes[keep]


def _finish_scan(top, n_queries, m):
    """(global rows, class codes) of each query's m nearest rows: (n_queries, m)."""
    query, _, gidx, codes = top
    if query.size != n_queries * m:
        raise RuntimeError("internal error: the merged neighbour lists are incomplete")
    return gidx.reshape(n_queries, m), codes.reshape(n_queries, m)


def _query_codes(minority):
    return np.concatenate(
        [np.full(len(minority[c][1]), c, dtype=np.int16) for c in sorted(minority)]
    )


def _other_counts(top, minority, m, _):
    return (top[1][:, :m] != _query_codes(minority)[:, None]).sum(axis=1)


def _other_first(top, minority, k):
    return top[1][:, :k] != _query_codes(minority)[:, None]


def _b2_needed(top, minority, queries, k):
    _, gidx = _queries(minority)
    return np.unique(np.concatenate([gidx[queries], top[0][queries, :k].ravel()]))


def _take_block(x_part, offset, n_rows, needed, kind, dtype):
    lo, hi = np.searchsorted(needed, [offset, offset + n_rows])
    if hi == lo:
        return np.empty((0, 0), dtype=dtype)
    X = _block_X(x_part, kind, dtype)
    return np.ascontiguousarray(X[needed[lo:hi] - offset])


def _b2_table(top, minority, queries, k, needed, *pieces):
    """Borderline-2 source: rows of X for ``needed`` global rows; base positions
    and a neighbour table as positions into them; global rows."""
    rows = np.concatenate([p for p in pieces if p.shape[0]])
    _, gidx = _queries(minority)
    base = np.searchsorted(needed, gidx[queries])
    neighbors = np.searchsorted(needed, top[0][queries, :k])
    other = top[1][queries, :k] != _query_codes(minority)[queries][:, None]
    return (
        rows,
        needed,
        base.astype(np.intp),
        np.ascontiguousarray(neighbors, dtype=np.intp),
        other,
    )


def _generate(minority, table, code, danger, spec, b2, dtype, n_jobs):
    """One synthetic chunk: its draws replayed from the checkpoints, its rows
    interpolated; plus its provenance (base, neighbour, gap)."""
    n, k = spec["n"], spec["k"]
    ints, _ = randint_then_random_sample(_replayer(spec["ints"]), spec["high"], n, 0)
    steps = _replayer(spec["doubles"]).random_sample(n)
    if spec["repeat"] is not None:  # ADASYN: base i repeated g_i times, in order
        first, counts = spec["repeat"]
        flat = np.repeat(np.arange(first, first + len(counts)), counts) * k + ints
    else:
        flat = ints
    base_slot, column = np.divmod(flat, k)
    scale = np.empty(0, dtype=np.float64)
    gap = steps
    if b2:
        rows, gidx, base_positions, neighbor_table, other_table = table
        base = base_positions[base_slot]
        neighbor = neighbor_table[base_slot, column]
        other = other_table[base_slot, column]
        factors = _replayer(spec["halfway"]).uniform(0.0, 0.5, size=int(other.sum()))
        scale = np.ones(n)
        scale[other] = factors
        gap = steps * scale
    else:
        rows, gidx = minority[code]
        base = base_slot if danger is None else danger[base_slot]
        neighbor = table[base_slot, column]
    base = np.ascontiguousarray(base, dtype=np.intp)
    neighbor = np.ascontiguousarray(neighbor, dtype=np.intp)
    out = np.empty((n, rows.shape[1]), dtype=dtype)
    _write(rows, base, neighbor, steps, scale, out, n_jobs)
    return out, gidx[base].astype(np.int64), gidx[neighbor].astype(np.int64), gap


def _write(rows, base, neighbor, steps, scale, out, n_jobs):
    if rows.dtype in (np.float32, np.float64):
        interpolate_dense(rows, base, neighbor, steps, scale, out, 0, n_jobs)
        return out
    from ._assemble import _write_by_numpy
    from ._plan import SyntheticBlock

    block = SyntheticBlock(None, base, neighbor, steps, diff_scale=scale if scale.size else None)
    _write_by_numpy(rows, block, out, 0)
    return out


def _reindexed(part, offset, name=False):
    """A partition with its rows' global positions as index (and, for y, the
    caller's name)."""
    import pandas as pd

    part = part.copy(deep=False)
    part.index = pd.RangeIndex(offset, offset + len(part))
    if name is not False:
        part.name = name
    return part


def _synthetic_frame(rows, start, columns, dtypes):
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns, index=pd.RangeIndex(start, start + rows.shape[0]))
    return frame.astype(dtypes)


def _label_chunk(n, label, dtype):
    out = np.empty(n, dtype=dtype)
    out[:] = label
    return out


def _label_series(n, label, start, dtype, numpy_dtype, name):
    import pandas as pd

    return pd.Series(
        _label_chunk(n, label, numpy_dtype),
        index=pd.RangeIndex(start, start + n),
        dtype=dtype,
        name=name,
    )
