"""The national run: Dask and serial give the same tables; a killed worker loses nothing.

Inputs: three shifted copies of the first 30 Kalimantan Barat villages at 500 m
(``benchmarks.national.make_national_inputs``), each province with its own files.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from benchmarks.national import make_national_inputs
from ovop_geo.errors import InputDataError
from ovop_geo.national import (
    NATIONAL_VILLAGES,
    RUN_JSON,
    NationalSettings,
    run_national,
    run_partition,
)

pytestmark = pytest.mark.slow
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def manifests(tmp_path_factory):
    work = tmp_path_factory.mktemp("national")
    return make_national_inputs(work, copies=3, resolution_m=500.0, max_villages=30, seed=1)


@pytest.fixture(scope="module")
def serial(manifests, tmp_path_factory):
    out = tmp_path_factory.mktemp("serial")
    record = run_national(manifests, out, settings=NationalSettings(scheduler="serial"))
    return out, record


def _national(out) -> pd.DataFrame:
    return pd.read_parquet(out / NATIONAL_VILLAGES)


def test_dask_equals_serial_village_for_village(manifests, serial, tmp_path):
    out = tmp_path / "dask"
    record = run_national(manifests, out, settings=NationalSettings(workers=2, memory_limit="2GB"))
    pd.testing.assert_frame_equal(_national(out), _national(serial[0]))
    assert record["villages"] == 90
    assert record["execution"]["workers"] == 2
    assert record["execution"]["memory_limit_per_worker_bytes"] == [2_000_000_000]
    assert all(v > 0 for v in record["worker_peak_rss_mb"].values())
    for code in ("11", "12", "13"):
        part = gpd.read_parquet(out / "villages" / f"province={code}" / "part.parquet")
        assert len(part) == 30
        assert part.index.str.startswith(code).all()
        assert part.crs.to_epsg() == 4326
        original = gpd.read_parquet(serial[0] / "villages" / f"province={code}" / "part.parquet")
        assert part.geometry.geom_equals_exact(original.geometry, 0.0).all()


def test_national_and_province_lq_by_hand(serial):
    out, record = serial
    table = _national(out)
    refs = record["reference_regions"]
    assert "nation" in refs["lq_national_<product>"]
    assert "province" in refs["lq_<product>"]
    product = "kerupuk"
    x = (
        table.filter(like="businesses_")
        .drop(
            columns=[
                c
                for c in table.filter(like="businesses_")
                if "leading" in c or "share" in c or "herfindahl" in c
            ]
        )
        .fillna(0.0)
    )
    x.columns = [c.removeprefix("businesses_") for c in x.columns]
    col = x[product].to_numpy()
    village_total = x.sum(axis=1).to_numpy()
    grand = x.to_numpy().sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        national = (col / village_total) / (col.sum() / grand)
    np.testing.assert_allclose(table[f"lq_national_{product}"], national, equal_nan=True)
    prov = table["province_code"].to_numpy()
    for code in ("11", "12"):
        mask = prov == code
        with np.errstate(invalid="ignore", divide="ignore"):
            lq = (col[mask] / village_total[mask]) / (col[mask].sum() / x[mask].to_numpy().sum())
        np.testing.assert_allclose(table.loc[mask, f"lq_{product}"], lq, equal_nan=True)
    # the three copies hold the same businesses: their national and province LQs coincide
    np.testing.assert_allclose(
        table[f"lq_national_{product}"], table[f"lq_{product}"], equal_nan=True
    )
    assert json.loads((out / RUN_JSON).read_text())["villages"] == 90


def test_each_partition_reads_only_its_own_files(serial):
    _, record = serial
    for part in record["partitions"]:
        own = os.path.dirname(os.path.dirname(part["manifest"]))
        rasters = [f for f in part["files_read"] if f.endswith(".tif")]
        assert rasters, part["files_read"]
        assert all(f.startswith(own + os.sep) for f in rasters)
        assert all(f"province={part['province']}" in f for f in rasters)


def test_partition_rewritten_not_duplicated(manifests, serial, tmp_path):
    first = run_partition(manifests[0], tmp_path)
    again = run_partition(manifests[0], tmp_path)
    assert first.path == again.path
    folder = tmp_path / "villages" / "province=11"
    assert sorted(p.name for p in folder.iterdir()) == ["part.parquet"]
    pd.testing.assert_frame_equal(
        pd.DataFrame(gpd.read_parquet(first.path)),
        pd.DataFrame(gpd.read_parquet(serial[0] / "villages" / "province=11" / "part.parquet")),
    )


def test_killed_worker_loses_and_duplicates_nothing(manifests, serial, tmp_path):
    from dask.distributed import Client, LocalCluster

    out = tmp_path / "killed"
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        memory_limit="2GB",
        dashboard_address=":0",
    )
    killed = {}
    try:
        watcher = Client(cluster)

        def kill_a_busy_worker():
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not killed:
                busy = {
                    w: keys
                    for w, keys in watcher.processing().items()
                    if any(str(k).startswith("partition-") for k in keys)
                }
                if busy:
                    address = sorted(busy)[0]
                    pid = watcher.run(os.getpid, workers=[address])[address]
                    time.sleep(0.5)  # inside the partition's work
                    os.kill(pid, signal.SIGKILL)
                    killed[address] = pid
                    return
                time.sleep(0.05)

        thread = threading.Thread(target=kill_a_busy_worker)
        thread.start()
        record = run_national(
            manifests, out, settings=NationalSettings(scheduler=cluster.scheduler_address)
        )
        thread.join()
        watcher.close()
    finally:
        cluster.close()
    assert killed, "no worker was killed: the test did not exercise a lost worker"
    assert str(next(iter(killed.values()))) not in record["worker_peak_rss_mb"]
    pd.testing.assert_frame_equal(_national(out), _national(serial[0]))
    parts = sorted(
        p.relative_to(out).as_posix() for p in (out / "villages").rglob("*") if p.is_file()
    )
    assert parts == [f"villages/province={c}/part.parquet" for c in ("11", "12", "13")]


def test_bad_manifests_named_all_at_once(manifests, tmp_path):
    with pytest.raises(InputDataError) as err:
        run_national(
            [tmp_path / "nope.toml", manifests[0], manifests[0]],
            tmp_path / "out",
            settings=NationalSettings(scheduler="serial"),
        )
    text = str(err.value)
    assert "nope.toml" in text and "named twice" in text
    assert "tidak ditemukan" in err.value.args[0].text("id")
