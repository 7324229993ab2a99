"""The national run: every province analysed as its own partition on a Dask cluster.

A national run is a list of region manifests, one per province (the first two digits of the
village codes, BPS's province code). Each partition is one task: it loads its own manifest and
only the files it names (boundaries, rasters, tables), runs :func:`ovop_geo.pipeline.prepare_region`
and :func:`ovop_geo.pipeline.analyse`, and writes its village table as GeoParquet under
``villages/province=<code>/part.parquet`` (atomically: a temporary file in the same folder, then
``os.replace``). A partition's output has one fixed name, so a task that runs twice (its worker died
after writing, Dask ran it again elsewhere) replaces it with the same content: nothing is lost or
duplicated. The client then reads the partitions back and writes the merged national tables, with
location quotients of business counts against the nation as well as against the province.

The same code runs on a ``LocalCluster`` (the default), on an existing cluster
(``scheduler="tcp://host:8786"``) or, without Dask, in this process (``scheduler="serial"``, the
reference the Dask path is tested against).
"""

from __future__ import annotations

import io
import json
import logging
import os
import resource
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .errors import InputDataError, ParameterError, raise_problems
from .messages import msg

__all__ = [
    "NationalSettings",
    "PartitionResult",
    "province_of",
    "run_national",
    "run_partition",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

SERIAL = "serial"
"""``scheduler`` value that runs the partitions one after the other in this process (no Dask)."""

PARTITION_FILE = "part.parquet"
NATIONAL_VILLAGES = "national_villages.parquet"
NATIONAL_CSV = "national_villages.csv"
PROVINCES_CSV = "provinces.csv"
RUN_JSON = "run.json"


@dataclass(frozen=True)
class NationalSettings:
    """How a national run is executed (not what it computes: that is ``AnalysisParams``).

    Attributes
    ----------
    scheduler : str or None
        None: start a ``LocalCluster``; ``"serial"``: no Dask, partitions in this process;
        otherwise the address of a running Dask scheduler (``tcp://host:8786``).
    workers : int
        Workers of the LocalCluster (one thread each: each partition already uses both cores of
        its machine when it reads rasters, and one partition per worker bounds its memory).
    memory_limit : str
        Memory limit of each LocalCluster worker (Dask's nanny restarts a worker above it; its
        partition is then run again elsewhere).
    retries : int
        Times a failed partition is tried again (a lost worker does not count: Dask reruns the
        tasks of a dead worker by itself).
    """

    scheduler: str | None = None
    workers: int = 2
    memory_limit: str = "3GB"
    retries: int = 1

    def __post_init__(self):
        problems = []
        if self.workers < 1:
            problems.append(f"workers must be at least 1, got {self.workers}.")
        if self.retries < 0:
            problems.append(f"retries must be 0 or more, got {self.retries}.")
        if problems:
            raise ParameterError("national run: " + " ".join(problems))


@dataclass(frozen=True)
class PartitionResult:
    """What one partition reports back (small: the tables stay in its files)."""

    province: str
    manifest: str
    villages: int
    path: str
    files_read: tuple[str, ...]
    seconds: float
    cpu_seconds: float
    worker_pid: int
    worker_peak_rss_mb: float
    products: tuple[str, ...] = field(default=())


def province_of(codes: pd.Index | Sequence[str]) -> np.ndarray:
    """BPS province code of village codes: their first two digits."""
    return np.asarray([str(c)[:2] for c in codes], dtype=object)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    """A (Geo)Parquet file of ``frame`` with its index, in memory."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=True)
    return buffer.getvalue()


def _atomic_parquet(frame: gpd.GeoDataFrame, path: Path) -> None:
    from .export import atomic_write_bytes

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, _parquet_bytes(frame))


def _partition_table(result) -> gpd.GeoDataFrame:
    from .pipeline import village_indicators

    out = village_indicators(result)
    # Parquet wants one type per column: flags and labels stay as they are, objects become text
    for col in out.columns:
        if col != "geometry" and out[col].dtype == object:
            out[col] = out[col].astype("string")
    return out


def run_partition(
    manifest: str | os.PathLike,
    out_dir: str | os.PathLike,
    params=None,
    workdir: str | os.PathLike | None = None,
) -> PartitionResult:
    """Analyse one province from its own manifest and write its village table.

    Parameters
    ----------
    manifest : path-like
        The province's region manifest; its villages must all share one province code.
    out_dir : path-like
        The national run's output folder; the table goes to
        ``villages/province=<code>/part.parquet`` in it (replaced atomically).
    params : ovop_geo.pipeline.AnalysisParams, optional
    workdir : path-like, optional
        Folder for the slope raster (default: ``<out_dir>/work/<manifest stem>``).

    Returns
    -------
    PartitionResult
    """
    from .pipeline import AnalysisParams, analyse, prepare_region
    from .region import load_region

    start, cpu_start = time.perf_counter(), time.process_time()
    manifest = Path(manifest)
    region = load_region(manifest, allow_outside=True)
    provinces = sorted(set(province_of(region.villages.index)))
    if len(provinces) != 1:
        raise InputDataError(
            msg("national.one_province", path=str(manifest), provinces=provinces),
            path=str(manifest),
        )
    province = provinces[0]
    own_work = workdir is None
    work = Path(out_dir) / "work" / manifest.stem if own_work else Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    prepared = prepare_region(region, workdir=work)
    result = analyse(prepared, params or AnalysisParams())
    table = _partition_table(result)
    table.insert(0, "province_code", province)
    path = Path(out_dir) / "villages" / f"province={province}" / PARTITION_FILE
    _atomic_parquet(table, path)
    if own_work:
        shutil.rmtree(work, ignore_errors=True)  # the slope raster: disk stays bounded
    root = region.manifest.project_dir
    files = tuple(sorted({str((root / p.path).resolve()) for p in region.provenance}))
    products = () if region.businesses is None else tuple(str(c) for c in region.businesses)
    return PartitionResult(
        province=province, manifest=str(manifest), villages=len(table), path=str(path),
        files_read=files, seconds=time.perf_counter() - start,
        cpu_seconds=time.process_time() - cpu_start, worker_pid=os.getpid(),
        worker_peak_rss_mb=_peak_rss_mb(), products=products,
    )  # fmt: skip


def _check_manifests(manifests: Sequence[str | os.PathLike]) -> list[Path]:
    paths = [Path(m) for m in manifests]
    problems = []
    if not paths:
        problems.append(msg("national.no_manifests"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        problems.append(msg("national.missing", paths=missing))
    dup = sorted({str(p) for p in paths if paths.count(p) > 1})
    if dup:
        problems.append(msg("national.named_twice", paths=dup))
    raise_problems("national run", problems)
    return paths


def _run_dask(paths, out_dir, params, settings: NationalSettings):
    """Partitions as Dask tasks; returns (results, cluster facts)."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if settings.scheduler is None:
        cluster = LocalCluster(
            n_workers=settings.workers, threads_per_worker=1, processes=True,
            memory_limit=settings.memory_limit, dashboard_address=":0",
        )  # fmt: skip
        client = Client(cluster)
    else:
        client = Client(settings.scheduler)
    try:
        info = client.scheduler_info()
        workers = info.get("workers", {})
        facts = {
            "scheduler": settings.scheduler or "LocalCluster",
            "scheduler_address": client.scheduler.address,
            "workers": len(workers),
            "memory_limit_per_worker_bytes": sorted(
                {int(w.get("memory_limit", 0)) for w in workers.values()}
            ),
        }
        futures = [
            client.submit(run_partition, str(p), str(out_dir), params, key=f"partition-{p.stem}",
                          retries=settings.retries, pure=False)
            for p in paths
        ]  # fmt: skip
        results = [f.result() for f in as_completed(futures)]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return results, facts


def _merge(out_dir: Path, results: list[PartitionResult]) -> tuple[pd.DataFrame, dict]:
    """Read every partition back, add national LQs, write the national tables."""
    from . import economy

    frames = []
    for r in sorted(results, key=lambda r: r.province):
        frame = gpd.read_parquet(r.path)
        frames.append(pd.DataFrame(frame.drop(columns="geometry")))
    table = pd.concat(frames)
    dup = table.index[table.index.duplicated()].unique()
    if len(dup):
        raise InputDataError(msg("national.village_twice", villages=[str(c) for c in dup[:20]]))
    products = sorted({p for r in results for p in r.products})
    counts = [f"businesses_{p}" for p in products if f"businesses_{p}" in table.columns]
    if counts:
        matrix = table[counts].fillna(0.0)
        matrix.columns = [c.removeprefix("businesses_") for c in counts]
        national = economy.location_quotient(matrix)
        table = table.join(national.add_prefix("lq_national_"))
    table = table.sort_index()
    _atomic_frame(table, out_dir / NATIONAL_VILLAGES)
    _atomic_csv(table, out_dir / NATIONAL_CSV)
    summary = table.groupby("province_code").agg(villages=("province_code", "size"))
    for c in counts:
        summary[c] = table.groupby("province_code")[c].sum()
    if "ovop_product" in table.columns:
        summary["villages_with_ovop_product"] = (
            table["ovop_product"].notna().groupby(table["province_code"]).sum()
        )
    _atomic_csv(summary, out_dir / PROVINCES_CSV)
    reference = {
        "lq_<product>": "province: the villages of the partition (the province's own manifest)",
        "lq_national_<product>": "nation: all villages of every partition of this run",
        "products": products,
    }
    return table, reference


def _atomic_frame(frame: pd.DataFrame, path: Path) -> None:
    from .export import atomic_write_bytes

    atomic_write_bytes(path, _parquet_bytes(frame))


def _atomic_csv(frame: pd.DataFrame, path: Path) -> None:
    from .export import atomic_write_bytes

    atomic_write_bytes(path, frame.to_csv().encode("utf-8"))


def run_national(
    manifests: Sequence[str | os.PathLike],
    out_dir: str | os.PathLike,
    params=None,
    settings: NationalSettings | None = None,
) -> dict:
    """Analyse every province in its own partition and write the national tables.

    Parameters
    ----------
    manifests : sequence of path-like
        One region manifest per province.
    out_dir : path-like
        Output folder: ``villages/province=<code>/part.parquet`` (GeoParquet, one per province),
        ``national_villages.parquet`` and ``.csv`` (every village, no geometry, with
        ``lq_national_<product>`` beside the province's ``lq_<product>``), ``provinces.csv`` and
        ``run.json``.
    params : ovop_geo.pipeline.AnalysisParams, optional
        The same for every province.
    settings : NationalSettings, optional
        Scheduler, workers and memory limit (default: a LocalCluster of 2 workers).

    Returns
    -------
    dict
        The run record written to ``run.json``.
    """
    settings = settings or NationalSettings()
    paths = _check_manifests(manifests)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    if settings.scheduler == SERIAL:
        results = [run_partition(p, out, params) for p in paths]
        facts = {"scheduler": SERIAL, "workers": 1}
    else:
        results, facts = _run_dask(paths, out, params, settings)
    partitions_s = time.perf_counter() - start
    seen = sorted(r.province for r in results)
    dup = sorted({p for p in seen if seen.count(p) > 1})
    if dup:
        raise InputDataError(msg("national.province_twice", provinces=dup))
    merge_start = time.perf_counter()
    table, reference = _merge(out, results)
    merge_s = time.perf_counter() - merge_start
    for stale in out.glob("villages/province=*/.*.tmp"):
        stale.unlink()  # left by a worker killed while writing; its partition was written again
    total_s = time.perf_counter() - start
    peaks = {}
    for r in results:
        peaks[r.worker_pid] = max(peaks.get(r.worker_pid, 0.0), r.worker_peak_rss_mb)
    record = {
        "villages": len(table),
        "provinces": len(results),
        "reference_regions": reference,
        "execution": {**facts, "settings": asdict(settings)},
        "seconds": {
            "partitions": partitions_s,
            "merge": merge_s,
            "total": total_s,
            "partition_cpu_sum": sum(r.cpu_seconds for r in results),
        },
        "villages_per_second": len(table) / total_s if total_s > 0 else None,
        "worker_peak_rss_mb": {str(k): v for k, v in sorted(peaks.items())},
        "partitions": [asdict(r) for r in sorted(results, key=lambda r: r.province)],
    }
    _atomic_csv_bytes(out / RUN_JSON, json.dumps(record, indent=1, default=str))
    logger.info(
        "National run: %d villages in %d provinces, %.1f s", len(table), len(results), total_s
    )
    return record


def _atomic_csv_bytes(path: Path, text: str) -> None:
    from .export import atomic_write_bytes

    atomic_write_bytes(path, text.encode("utf-8"))
