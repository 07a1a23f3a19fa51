"""The Dask back-end (``smote_fast._dask``): dask in, dask out, and exactly the
single-machine answer -- ``dask.compute(X_res, y_res)`` equals
``Sampler(same params).fit_resample(X.compute(), y.compute())`` element for
element, with equal fitted attributes -- for every chunking, dtype, seed kind and
scheduler; plus the errors. The local schedulers run here; a real
``distributed.LocalCluster`` (worker processes, one per session) runs the tests
marked ``dask_distributed``."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from _support import require

da = require("dask.array")
dd = require("dask.dataframe")
import dask  # noqa: E402
import pandas as pd  # noqa: E402

from smote_fast import ADASYN, SMOTE, SVMSMOTE, BorderlineSMOTE  # noqa: E402
from smote_fast import _dask as sf_dask  # noqa: E402

VARIANTS = {
    "smote": (SMOTE, {}),
    "borderline-1": (BorderlineSMOTE, {}),
    "borderline-2": (BorderlineSMOTE, {"kind": "borderline-2"}),
    "adasyn": (ADASYN, {}),
}
PROVENANCE = ("synthetic_base_", "synthetic_neighbor_", "synthetic_gap_")


def make_data(n=400, d=4, seed=0, n_classes=2, dtype=np.float64):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, d))
    y = (rng.rand(n) < 0.12).astype(np.int64)
    if n_classes == 3:
        y[rng.rand(n) < 0.08] = 2
    X[y == 1] += 1.0
    X[y == 2] -= 1.0
    if np.dtype(dtype).kind in "iu":
        X = np.round(X * 20)
    return X.astype(dtype), y


def check_same(sampler, X_res, y_res, reference, X_ref, y_ref):
    """Computed dask output and fitted attributes equal the single-machine ones."""
    if hasattr(X_res, "chunks") == hasattr(y_res, "chunks"):
        X_out, y_out = dask.compute(X_res, y_res)
    else:  # an array and a dataframe collection: dask asks for separate computes
        X_out, y_out = X_res.compute(), y_res.compute()
    provenance = dask.compute(*[getattr(sampler, a) for a in PROVENANCE])
    if isinstance(X_out, pd.DataFrame):
        pd.testing.assert_frame_equal(X_out, X_ref, check_exact=True)
    else:
        assert X_out.dtype == X_ref.dtype
        np.testing.assert_array_equal(X_out, X_ref, strict=True)
    if isinstance(y_out, pd.Series):
        pd.testing.assert_series_equal(y_out, y_ref, check_exact=True)
    else:
        np.testing.assert_array_equal(y_out, y_ref, strict=True)
    for name, values in zip(PROVENANCE, provenance, strict=True):
        np.testing.assert_array_equal(values, getattr(reference, name), strict=True)
    assert sampler.sampling_strategy_ == reference.sampling_strategy_
    assert sampler.n_features_in_ == reference.n_features_in_
    if hasattr(reference, "feature_names_in_"):
        np.testing.assert_array_equal(sampler.feature_names_in_, reference.feature_names_in_)
    else:
        assert not hasattr(sampler, "feature_names_in_")
    if hasattr(reference, "in_danger_indices"):
        assert sampler.in_danger_indices.keys() == reference.in_danger_indices.keys()
        for label, rows in reference.in_danger_indices.items():
            np.testing.assert_array_equal(sampler.in_danger_indices[label], rows)
    for name in ("nn_k_", "nn_m_", "nn_"):
        if hasattr(reference, name):
            assert getattr(sampler, name).get_params() == getattr(reference, name).get_params()
    # the output's row count and chunks are known
    if hasattr(X_res, "chunks"):
        assert not any(np.isnan(c) for c in X_res.chunks[0])
        assert X_res.shape[0] == len(X_ref)


def run_both(variant, X, y, X_dask, y_dask, **params):
    cls, fixed = VARIANTS[variant]
    sampler = cls(**fixed, **params)
    X_res, y_res = sampler.fit_resample(X_dask, y_dask)
    reference = cls(**fixed, **params)
    X_ref, y_ref = reference.fit_resample(X, y)
    check_same(sampler, X_res, y_res, reference, X_ref, y_ref)
    return sampler


@pytest.fixture(autouse=True)
def _sync_scheduler():
    with dask.config.set(scheduler="sync"):
        yield


# ------------------------------------------------------------ arrays


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(
    "chunks",
    [100, (1, 7, 300, 0, 92), (57, 0, 0, 343)],
    ids=["even", "uneven-empty", "empty-middle"],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_arrays_equal_single_machine(variant, chunks, dtype):
    X, y = make_data(dtype=dtype)
    run_both(
        variant,
        X,
        y,
        da.from_array(X, chunks=(chunks, -1)),
        da.from_array(y, chunks=(chunks,)),
        random_state=3,
    )


@pytest.mark.parametrize("variant", VARIANTS)
def test_one_row_chunks_and_column_chunks(variant):
    X, y = make_data(n=90, d=5, seed=4)
    y[:20] = 1
    sampler = run_both(
        variant,
        X,
        y,
        da.from_array(X, chunks=(1, 2)),
        da.from_array(y, chunks=(1,)),
        random_state=0,
        n_jobs=2,
    )
    X_res, _ = sampler.fit_resample(da.from_array(X, chunks=(1, 2)), da.from_array(y, chunks=(1,)))
    assert X_res.chunks[1] == (2, 2, 1)
    assert X_res.chunks[0][:90] == (1,) * 90


@pytest.mark.parametrize("variant", VARIANTS)
def test_multiclass_strategies_and_small_output_chunks(variant, monkeypatch):
    # several synthetic chunks per class: the draws are replayed from checkpoints
    monkeypatch.setattr(sf_dask, "CHUNK_ROWS", 7)
    monkeypatch.setattr(sf_dask, "QUERY_BLOCK", 13)
    X, y = make_data(n=500, n_classes=3, seed=5)
    Xd, yd = da.from_array(X, chunks=(61, -1)), da.from_array(y, chunks=(61,))
    for strategy in ("not majority", "all", {1: 300, 2: 200}):
        run_both(variant, X, y, Xd, yd, random_state=11, sampling_strategy=strategy)


@pytest.mark.parametrize("variant", VARIANTS)
def test_random_state_instance_and_none(variant, monkeypatch):
    monkeypatch.setattr(sf_dask, "CHUNK_ROWS", 9)
    X, y = make_data(n=300, n_classes=3, seed=6)
    Xd, yd = da.from_array(X, chunks=(70, -1)), da.from_array(y, chunks=(70,))
    cls, fixed = VARIANTS[variant]
    ours, theirs = np.random.RandomState(8), np.random.RandomState(8)
    sampler = cls(random_state=ours, **fixed)
    X_res, y_res = sampler.fit_resample(Xd, yd)
    reference = cls(random_state=theirs, **fixed)
    X_ref, y_ref = reference.fit_resample(X, y)
    check_same(sampler, X_res, y_res, reference, X_ref, y_ref)
    # the caller's generator is left where a single-machine call leaves it
    assert ours.randint(1 << 30) == theirs.randint(1 << 30)
    # None: numpy's global generator, advanced as by one machine
    np.random.seed(21)
    sampler = cls(**fixed)
    X_res, y_res = sampler.fit_resample(Xd, yd)
    after = np.random.randint(1 << 30)
    np.random.seed(21)
    reference = cls(**fixed)
    X_ref, y_ref = reference.fit_resample(X, y)
    assert np.random.randint(1 << 30) == after
    check_same(sampler, X_res, y_res, reference, X_ref, y_ref)


@pytest.mark.parametrize("variant", ["borderline-1", "adasyn"])
@pytest.mark.parametrize("magnitude", [1e150, 1e200, 1e-150])
def test_extreme_magnitudes_use_the_global_scale(variant, magnitude):
    # float64 squares overflow/underflow: every partition must rescale as one search
    X, y = make_data(n=300, seed=7)
    X = X * magnitude
    X[::37] *= 1e-20  # partitions of very different magnitudes
    run_both(
        variant,
        X,
        y,
        da.from_array(X, chunks=(31, -1)),
        da.from_array(y, chunks=(31,)),
        random_state=2,
    )


@pytest.mark.parametrize("passes", [1, 2])
def test_one_and_two_pass_scans_agree(passes, monkeypatch):
    monkeypatch.setattr(sf_dask, "SPLIT_EVERY", 3)
    X, y = make_data(n=500, n_classes=3, seed=17)
    with dask.config.set({"smote_fast.scan-passes": passes}):
        for variant in ("borderline-1", "borderline-2", "adasyn"):
            run_both(
                variant,
                X,
                y,
                da.from_array(X, chunks=(23, -1)),
                da.from_array(y, chunks=(23,)),
                random_state=9,
            )


def test_ties_are_broken_by_global_row():
    X, y = make_data(n=200, d=2, seed=9)
    X = np.round(X)  # many tied distances and duplicate rows
    for variant in VARIANTS:
        run_both(
            variant,
            X,
            y,
            da.from_array(X, chunks=(17, -1)),
            da.from_array(y, chunks=(17,)),
            random_state=4,
        )


def test_unknown_chunk_sizes_and_rechunked_y():
    X, y = make_data(n=300, seed=10)
    keep = np.arange(300) % 7 != 3
    Xd = da.from_array(X, chunks=(50, -1))
    yd = da.from_array(y, chunks=(50,))
    mask = da.from_array(keep, chunks=(50,))
    Xu, yu = Xd[mask], yd[mask]
    assert np.isnan(Xu.chunks[0][0])
    for variant in VARIANTS:
        run_both(variant, X[keep], y[keep], Xu, yu, random_state=5)
    # y chunked differently from X (known sizes): only y is rechunked
    run_both("smote", X, y, Xd, da.from_array(y, chunks=(33,)), random_state=5)
    run_both("adasyn", X, y, Xd, da.from_array(y, chunks=((20, 80) + (50,) * 4,)), random_state=5)


def test_callable_sampling_strategy_is_called_with_all_of_y():
    X, y = make_data(n=300, n_classes=3, seed=19)

    def strategy(labels):
        assert isinstance(labels, np.ndarray) and len(labels) == 300
        return {1: 200, 2: 150}

    with pytest.warns(UserWarning, match="called with all of y"):
        run_both(
            "smote",
            X,
            y,
            da.from_array(X, chunks=(64, -1)),
            da.from_array(y, chunks=(64,)),
            random_state=0,
            sampling_strategy=strategy,
        )


def test_array_x_with_series_y():
    X, y = make_data(n=300, seed=18)
    Xd = da.from_array(X, chunks=(75, -1))
    yd = dd.from_pandas(pd.Series(y, name="target"), npartitions=4)
    assert yd.npartitions == Xd.numblocks[0]
    for variant in VARIANTS:
        sampler = run_both(variant, X, pd.Series(y, name="target"), Xd, yd, random_state=0)
    X_res, y_res = sampler.fit_resample(Xd, yd)
    assert isinstance(y_res, dd.Series) and y_res.name == "target"


@pytest.mark.parametrize("scheduler", ["threads", "processes"])
def test_local_schedulers(scheduler):
    X, y = make_data(n=240, seed=12)
    with dask.config.set(scheduler=scheduler):
        for variant in ("smote",) if scheduler == "processes" else VARIANTS:
            run_both(
                variant,
                X,
                y,
                da.from_array(X, chunks=(50, -1)),
                da.from_array(y, chunks=(50,)),
                random_state=6,
            )


# ------------------------------------------------------------ dataframes


def make_frame(n=400, seed=0, nparts=5, filtered=True):
    rng = np.random.RandomState(seed)
    frame = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "b": rng.normal(size=n).astype(np.float32),
            "c": rng.randint(-50, 50, n),
        }
    )
    label = np.where(rng.rand(n) < 0.15, "pos", "neg")
    frame.loc[label == "pos", "a"] += 1.0
    ddf = dd.from_pandas(frame.assign(label=label), npartitions=nparts)
    if filtered:  # partitions whose lengths are unknown until computed
        ddf = ddf[ddf["a"] > -2.5]
    return ddf.drop(columns="label"), ddf["label"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_dataframes_equal_single_machine(variant, monkeypatch):
    monkeypatch.setattr(sf_dask, "CHUNK_ROWS", 50)
    X, y = make_frame()
    X_local, y_local = dask.compute(X, y)
    X_res, y_res = run_both(variant, X_local, y_local, X, y, random_state=7).fit_resample(X, y)
    assert X_res.npartitions > X.npartitions
    assert list(X_res.dtypes) == [np.float64, np.float32, np.int64]
    # the caller's partitions are kept: the first output partition is X's first
    first = X_res.partitions[0].compute()
    np.testing.assert_array_equal(first.to_numpy(), X.partitions[0].compute().to_numpy())


def _drop_rows_50_to_100_and_first_50(part):
    index = part.index
    return part[(index >= 50) & ((index < 100) | (index >= 150))]


def test_dataframe_with_empty_partitions():
    X, y = make_frame(n=200, nparts=4, filtered=False, seed=3)
    frame = X.assign(label=y)
    frame = frame.map_partitions(_drop_rows_50_to_100_and_first_50)
    X, y = frame.drop(columns="label"), frame["label"]
    X_local, y_local = dask.compute(X, y)
    assert [len(p) for p in X.to_delayed() for p in [p.compute()]][0] == 0
    for variant in VARIANTS:
        run_both(variant, X_local, y_local, X, y, random_state=1)


# ------------------------------------------------------------ errors


def test_svmsmote_says_why_and_what_instead():
    X, y = make_data()
    with pytest.raises(NotImplementedError, match="one SVM on all rows.*BorderlineSMOTE"):
        SVMSMOTE().fit_resample(da.from_array(X, chunks=100), da.from_array(y, chunks=100))


def test_errors():
    X, y = make_data()
    Xd = da.from_array(X, chunks=(100, -1))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        SMOTE().fit_resample(Xd, da.from_array(y[:-1], chunks=99))
    with pytest.raises(ValueError, match="partitioned differently"):
        Xu = Xd[da.from_array(np.ones(400, bool), chunks=100)]
        SMOTE().fit_resample(
            Xu, da.from_array(y, chunks=50)[da.from_array(np.ones(400, bool), chunks=50)]
        )
    # lengths that differ inside a partition are found when it is read
    Xu = Xd[da.from_array(np.arange(400) % 5 != 0, chunks=100)]
    yu = da.from_array(y, chunks=100)[da.from_array(np.arange(400) % 4 != 0, chunks=100)]
    with pytest.raises(ValueError, match="inconsistent numbers of samples in partition"):
        SMOTE().fit_resample(Xu, yu)
    X_nan = X.copy()
    X_nan[333, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        SMOTE().fit_resample(da.from_array(X_nan, chunks=(100, -1)), da.from_array(y, chunks=100))
    X_inf = X.copy()
    X_inf[5, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        BorderlineSMOTE().fit_resample(
            da.from_array(X_inf, chunks=(100, -1)), da.from_array(y, chunks=100)
        )
    with pytest.raises(ValueError, match="Unknown label type"):
        SMOTE().fit_resample(Xd, da.from_array(np.linspace(0, 1, 400), chunks=100))
    frame = dd.from_pandas(pd.DataFrame({"a": X[:, 0], "s": ["x"] * 400}), npartitions=2)
    with pytest.raises(ValueError, match="numeric columns.*'s'"):
        SMOTE().fit_resample(frame, dd.from_pandas(pd.Series(y), npartitions=2))
    with pytest.raises(NotImplementedError, match="integer k_neighbors"):
        from smote_fast import ExactNearestNeighbors

        SMOTE(k_neighbors=ExactNearestNeighbors(n_neighbors=6)).fit_resample(
            Xd, da.from_array(y, chunks=100)
        )
    with (
        dask.config.set({"smote_fast.minority-bytes-limit": 1000}),
        pytest.raises(MemoryError, match="rows of the classes it over-samples"),
    ):
        SMOTE().fit_resample(Xd, da.from_array(y, chunks=100))
    with pytest.raises(ValueError, match="n_neighbors <= n_samples_fit"):
        SMOTE(k_neighbors=100).fit_resample(Xd, da.from_array(y, chunks=100))


def test_import_does_not_import_dask():
    code = (
        "import sys, numpy as np, smote_fast\n"
        "smote_fast.SMOTE(random_state=0).fit_resample(np.random.rand(40, 2), "
        "np.r_[np.zeros(30, int), np.ones(10, int)])\n"
        "print([m for m in ('dask', 'distributed') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------ distributed


@pytest.fixture(scope="session")
def cluster():
    distributed = require("distributed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            memory_limit="1GiB",
            silence_logs=40,
        ) as local_cluster:
            yield local_cluster


@pytest.fixture
def client(cluster):
    import distributed

    with distributed.Client(cluster) as c, dask.config.set(scheduler=None):
        yield c


@pytest.mark.dask_distributed
@pytest.mark.parametrize("variant", VARIANTS)
def test_distributed_equals_single_machine(client, variant, monkeypatch):
    monkeypatch.setattr(sf_dask, "CHUNK_ROWS", 40)
    X, y = make_data(n=600, n_classes=3, seed=13, dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "Sending large graph": nothing big embedded
        run_both(
            variant,
            X,
            y,
            da.from_array(X, chunks=((5, 0, 295, 300), -1)),
            da.from_array(y, chunks=((5, 0, 295, 300),)),
            random_state=3,
        )
    Xf, yf = make_frame(n=300, seed=14)
    run_both(variant, *dask.compute(Xf, yf), Xf, yf, random_state=2)


# Functions for the workers, which cannot import this test module: made in a
# "__main__" namespace, so that cloudpickle ships them by value.
_WORKER_CODE = """
import os
import time


async def die():
    os._exit(1)


def slow(block):
    time.sleep(0.08)
    return block
"""
_worker = {"__name__": "__main__"}
exec(_WORKER_CODE, _worker)


@pytest.mark.dask_distributed
def test_parquet_round_trip(client, tmp_path):
    require("pyarrow")  # dask's Parquet engine
    X, y = make_frame(n=600, seed=15, filtered=False, nparts=3)
    X.assign(label=y).to_parquet(tmp_path / "in", write_index=False)
    frame = dd.read_parquet(tmp_path / "in")
    X_in, y_in = frame.drop(columns="label"), frame["label"]
    X_res, y_res = BorderlineSMOTE(random_state=0).fit_resample(X_in, y_in)
    X_res.assign(label=y_res).to_parquet(tmp_path / "out", write_index=False)
    back = pd.read_parquet(tmp_path / "out")
    local = pd.read_parquet(tmp_path / "in")
    X_ref, y_ref = BorderlineSMOTE(random_state=0).fit_resample(
        local.drop(columns="label"), local["label"]
    )
    pd.testing.assert_frame_equal(back.drop(columns="label"), X_ref, check_exact=True)
    np.testing.assert_array_equal(back["label"].to_numpy(), y_ref.to_numpy())


@pytest.mark.dask_distributed
def test_worker_killed_mid_computation(client):
    import time

    X, y = make_data(n=800, seed=16)
    Xd = da.from_array(X, chunks=(50, -1)).map_blocks(_worker["slow"], dtype=X.dtype)
    yd = da.from_array(y, chunks=(50,))
    sampler = BorderlineSMOTE(random_state=0)
    X_res, y_res = sampler.fit_resample(Xd, yd)
    futures = client.compute([X_res, y_res])
    time.sleep(0.6)
    victim = sorted(client.scheduler_info()["workers"])[0]
    client.run(_worker["die"], workers=[victim], wait=False)
    X_out, y_out = client.gather(futures)
    X_ref, y_ref = BorderlineSMOTE(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_out, X_ref)
    np.testing.assert_array_equal(y_out, y_ref)
    client.wait_for_workers(2, timeout=60)


@pytest.mark.dask_distributed
def test_readme_example_runs_as_a_script(tmp_path):
    """The README's Dask example, run as a fresh script: Parquet in, a LocalCluster,
    resampled Parquet out."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    code = re.search(r"<!-- dask-example -->\n```python\n(.*?)```", readme, re.S).group(1)
    (tmp_path / "example.py").write_text(code)
    done = subprocess.run(
        [sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    counts = eval(done.stdout.strip().splitlines()[-1])  # {label: rows}
    assert counts[0] == counts[1] > 90_000
    resampled = pd.read_parquet(tmp_path / "transactions_resampled")
    local = pd.read_parquet(tmp_path / "transactions")
    X_ref, y_ref = BorderlineSMOTE(random_state=0).fit_resample(
        local.drop(columns="is_fraud"), local["is_fraud"]
    )
    pd.testing.assert_frame_equal(resampled.drop(columns="is_fraud"), X_ref, check_exact=True)
    np.testing.assert_array_equal(resampled["is_fraud"].to_numpy(), y_ref.to_numpy())
