"""Benchmark of :mod:`ovop_geo.zonal` against rasterstats, exactextract and a plain blocked read.

Not a test: :func:`run_zonal_benchmark` times each tool on the same villages and rasters and
compares the answers; the province benchmark (``benchmarks.pipeline``) drives it. rasterstats and
exactextract are optional dependencies (the ``bench`` extra).
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from collections.abc import Callable, Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
from rasterio.windows import Window

from ovop_geo.raster import (
    DEFAULT_BLOCK_ROWS,
    DEFAULT_CACHE_MB,
    gdal_env,
    iter_row_blocks,
    read_raster_info,
)
from ovop_geo.zonal import rasterize_villages, zonal_classes, zonal_stats

__all__ = [
    "blocked_read_seconds",
    "run_side_by_side",
    "run_zonal_benchmark",
    "side_by_side_ratios",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def blocked_read_seconds(
    path: str | os.PathLike,
    *,
    block_rows: int = DEFAULT_BLOCK_ROWS,
    cache_mb: int = DEFAULT_CACHE_MB,
    threads: int = 1,
) -> float:
    """Seconds to read band 1 of a raster once in full-width row blocks (the physical floor).

    ``threads`` is GDAL_NUM_THREADS (threads decompressing the tiles of one read); the zonal
    statistics read with ``ovop_geo.zonal._read_threads()``, so the fair floor uses the same.
    """
    info = read_raster_info(path)
    start = time.perf_counter()
    with gdal_env(cache_mb, GDAL_NUM_THREADS=str(int(threads))), rasterio.open(path) as src:
        for r0, r1 in iter_row_blocks(info.height, block_rows):
            src.read(1, window=Window(0, r0, info.width, r1 - r0))
    return time.perf_counter() - start


def _paths(continuous) -> list[str]:
    if isinstance(continuous, (str, os.PathLike)):
        return [str(continuous)]
    return [str(p) for p in continuous]


def _rasterstats(villages: gpd.GeoDataFrame, paths, landuse_path) -> tuple[float, dict]:
    from rasterstats import zonal_stats as rs_zonal_stats

    means = {}
    with warnings.catch_warnings():
        # rasterstats composes affine transforms with '*', which the affine package now flags.
        warnings.filterwarnings("ignore", message=".*matmul.*", category=PendingDeprecationWarning)
        start = time.perf_counter()
        with gdal_env():
            for path in paths:
                geoms = villages.to_crs(read_raster_info(path).crs).geometry.to_list()
                stats = rs_zonal_stats(geoms, path, stats=["mean", "min", "max", "count"])
                means[path] = pd.Series(
                    [s["mean"] for s in stats], index=villages.index, dtype=float
                )
            lu_geoms = villages.to_crs(read_raster_info(landuse_path).crs).geometry.to_list()
            rs_zonal_stats(lu_geoms, str(landuse_path), categorical=True)
        seconds = time.perf_counter() - start
    return seconds, means


def _exactextract(villages: gpd.GeoDataFrame, paths, landuse_path):
    from exactextract import exact_extract

    start = time.perf_counter()
    stats = {}
    for path in paths:
        frame = villages.to_crs(read_raster_info(path).crs).reset_index()
        code = frame.columns[0]
        stats[path] = exact_extract(
            path, frame, ["mean", "min", "max", "count"], include_cols=[code], output="pandas"
        ).set_index(code)
    lu = villages.to_crs(read_raster_info(landuse_path).crs).reset_index()
    code = lu.columns[0]
    classes = exact_extract(
        str(landuse_path), lu, ["unique", "frac", "count"], include_cols=[code], output="pandas"
    ).set_index(code)
    seconds = time.perf_counter() - start
    return seconds, stats, classes


def _class_agreement(ours: pd.DataFrame, ref: pd.DataFrame, px_area_ha: float) -> dict:
    """Villages of >=1,000 px whose class areas are all within 1 % of the village's area."""
    n_px = ref["count"].reindex(ours.index)
    big = (n_px >= 1000).to_numpy()
    worst = np.full(len(ours), np.nan)
    for pos, code in enumerate(ours.index):
        if not big[pos] or ours.loc[code].isna().all():
            continue
        row = ref.loc[code]
        theirs = pd.Series(
            np.asarray(row["frac"], dtype=float) * row["count"] * px_area_ha,
            index=np.asarray(row["unique"]).astype(int),
        )
        mine = ours.loc[code].fillna(0.0)
        diff = mine.sub(theirs.reindex(mine.index, fill_value=0.0), fill_value=0.0).abs()
        worst[pos] = diff.max() / max(float(theirs.sum()), 1e-9)
    ok = ~np.isnan(worst)
    return {
        "villages": int(ok.sum()),
        "within_tol": int((worst[ok] <= 0.01).sum()),
        "max_share_diff": float(np.nanmax(worst)) if ok.any() else 0.0,
    }


def _agreement(ours: pd.Series, ref: pd.Series, n_px: pd.Series) -> dict:
    """Counts of villages whose mean is within tolerance of exactextract's, by size class."""
    diff = (ours - ref).abs()
    rel = diff / ref.abs().where(ref != 0)  # undefined where the reference mean is 0
    big, mid = n_px >= 1000, (n_px >= 100) & (n_px < 1000)
    tol_big = np.maximum(0.005 * ref.abs(), 0.05)
    tol_mid = np.maximum(0.02 * ref.abs(), 0.05)
    return {
        "villages_ge_1000_px": int(big.sum()),
        "within_tol_ge_1000_px": int((diff[big] <= tol_big[big]).sum()),
        "p99_rel_diff_ge_1000_px": float(rel[big].dropna().quantile(0.99)),
        "max_abs_diff_ge_1000_px": float(diff[big].max()),
        "villages_100_999_px": int(mid.sum()),
        "within_tol_100_999_px": int((diff[mid] <= tol_mid[mid]).sum()),
        "max_abs_diff_100_999_px": float(diff[mid].max()) if mid.any() else 0.0,
    }


def run_zonal_benchmark(
    villages: gpd.GeoDataFrame,
    continuous: str | os.PathLike | Sequence[str | os.PathLike],
    landuse_path: str | os.PathLike,
    *,
    thresholds: tuple[float, ...] | Mapping[str, tuple[float, ...]] = (3.0, 8.0, 15.0),
    include_rasterstats: bool = True,
    include_exactextract: bool = True,
) -> dict:
    """Time zonal statistics of continuous rasters and class areas of a land-use raster.

    Parameters
    ----------
    villages : geopandas.GeoDataFrame
        Indexed by ``village_code``, any CRS, valid geometries (apply ``shapely.make_valid`` first).
    continuous : str, path-like or sequence of them
        Continuous rasters (elevation in m, slope in %), reduced to mean, min, max, count.
    landuse_path : str or path-like
        Integer class raster; when every raster is on one grid, the rasterization is shared
        (built once and counted once).
    thresholds : tuple of float, or mapping of path to tuple
        Thresholds for ``share_below_<t>`` (counted in our timing): the same for every raster,
        or per raster path (as given, converted to ``str``; absent paths get none).
    include_rasterstats, include_exactextract : bool
        Skip a slow reference tool.

    Returns
    -------
    dict
        Seconds (``floor_s``: blocked read of every raster; ``ours_s`` with ``ours_rasterize_s``
        inside it; ``rasterstats_s``; ``exactextract_s``), ratios (``rasterstats_over_ours``,
        ``exactextract_over_ours``, ``ours_over_floor``), ``agreement`` (per raster path: counts
        of villages whose mean is within tolerance of exactextract's coverage-weighted mean) and
        ``classes_agreement`` (class areas against exactextract's ``unique``/``frac``).
    """
    paths = _paths(continuous)
    infos = [read_raster_info(p) for p in paths]
    lu_info = read_raster_info(landuse_path)
    if isinstance(thresholds, Mapping):
        per_path = {p: tuple(thresholds.get(p, ())) for p in paths}
    else:
        per_path = {p: tuple(thresholds) for p in paths}
    result: dict = {
        "villages": len(villages),
        "rasters": [*paths, str(landuse_path)],
        "raster_px": infos[0].width * infos[0].height,
        "raster_shape": (infos[0].height, infos[0].width),
    }
    result["floor_s"] = sum(blocked_read_seconds(p) for p in [*paths, landuse_path])

    start = time.perf_counter()
    grid = rasterize_villages(villages, infos[0])
    result["ours_rasterize_s"] = time.perf_counter() - start
    ours = {}
    for path, info in zip(paths, infos, strict=True):
        g = grid if info.same_grid(grid.info) else None
        ours[path] = zonal_stats(villages, info, thresholds=per_path[path], grid=g)
    classes = zonal_classes(villages, lu_info, grid=grid if lu_info.same_grid(grid.info) else None)
    result["ours_s"] = time.perf_counter() - start
    result["ours_over_floor"] = result["ours_s"] / result["floor_s"]
    result["ours_reasons"] = ours[paths[0]]["reason"].value_counts().to_dict()

    if include_exactextract:
        result["exactextract_s"], refs, ref_classes = _exactextract(villages, paths, landuse_path)
        result["exactextract_over_ours"] = result["exactextract_s"] / result["ours_s"]
        result["agreement"] = {}
        for path in paths:
            stats, ref = ours[path], refs[path]
            n_px = ref["count"].reindex(stats.index)
            ok = stats["reason"] == ""
            result["agreement"][path] = _agreement(
                stats.loc[ok, "mean"], ref["mean"].reindex(stats.index)[ok], n_px[ok]
            )
        t = lu_info.transform
        result["classes_agreement"] = _class_agreement(
            classes, ref_classes, abs(t.a * t.e) / 10_000.0
        )
    if include_rasterstats:
        result["rasterstats_s"], _ = _rasterstats(villages, paths, landuse_path)
        result["rasterstats_over_ours"] = result["rasterstats_s"] / result["ours_s"]
    logger.info("Zonal benchmark: %s", result)
    return result


# ------------------------------------------------------------------ side by side, fresh processes
SIDE_BY_SIDE_METHODS = ("floor", "ours", "exactextract")
SLOPE_THRESHOLDS = (2.0, 3.0, 5.0, 8.0, 15.0, 25.0, 40.0, 60.0)  # as many as the pipeline's


def _province_villages() -> gpd.GeoDataFrame:
    import shapely

    from ovop_geo.region import load_region

    villages = load_region("kalimantan-barat").villages
    return villages.set_geometry(shapely.make_valid(villages.geometry.values))


def _method_parts(method: str, dem: str, slope: str, landuse: str) -> dict:
    """Seconds of each part of one method, in this process (called in a fresh child)."""
    from ovop_geo.zonal import _read_threads

    villages = _province_villages()
    parts: dict = {}
    if method == "floor":
        for name, path in (("dem", dem), ("slope", slope), ("classes", landuse)):
            parts[name] = blocked_read_seconds(path, threads=_read_threads())
            parts[name + "_1thread"] = blocked_read_seconds(path, threads=1)
    elif method == "ours":
        # the kernels are compiled once per machine and cached on disk: a first call here makes
        # sure the timed calls load them instead (as every later run does)
        small = villages.iloc[:3]
        zonal_stats(small, dem)
        zonal_classes(small, landuse)
        info = read_raster_info(dem)
        parts["rasterize"], grid = _timed(lambda: rasterize_villages(villages, info))
        parts["dem"], _ = _timed(lambda: zonal_stats(villages, dem, grid=grid))
        parts["slope"], _ = _timed(
            lambda: zonal_stats(villages, slope, grid=grid, thresholds=SLOPE_THRESHOLDS)
        )
        parts["classes"], _ = _timed(lambda: zonal_classes(villages, landuse, grid=grid))
    elif method == "exactextract":
        from exactextract import exact_extract

        frame = villages.to_crs(read_raster_info(dem).crs)
        for name, path, ops in (
            ("dem", dem, ["mean", "min", "max", "count"]),
            ("slope", slope, ["mean", "min", "max", "count"]),
            ("classes", landuse, ["unique", "frac", "count"]),
        ):
            parts[name], _ = _timed(
                lambda p=path, o=ops: exact_extract(p, frame, o, output="pandas")
            )
    else:
        raise ValueError(f"unknown method {method!r}")
    parts["peak_rss_mb"] = _peak_rss_mb()
    return parts


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def side_by_side_ratios(median: Mapping[str, Mapping[str, float]]) -> dict:
    """Ratios of medians. The floor of each raster is its faster plain read (one or two GDAL
    threads); ours per raster excludes the rasterization (shared by every raster on the grid),
    the totals include it once; exactextract per raster is compared with ours plus the whole
    rasterization (charged to each raster in turn)."""
    ratios: dict = {}
    names = ("dem", "slope", "classes")
    if "floor" in median:
        f = median["floor"]
        floor = {n: min(f[n], f.get(n + "_1thread", f[n])) for n in names}
    if "floor" in median and "ours" in median:
        o = median["ours"]
        for name in names:
            ratios[f"ours_over_floor_{name}"] = o[name] / floor[name]
        floor_total = sum(floor.values())
        ours_total = o["rasterize"] + sum(o[n] for n in names)
        ratios["ours_over_floor_without_rasterize"] = (ours_total - o["rasterize"]) / floor_total
        ratios["ours_over_floor_total"] = ours_total / floor_total
    if "exactextract" in median and "ours" in median:
        e, o = median["exactextract"], median["ours"]
        for name in names:
            ratios[f"exactextract_over_ours_{name}"] = e[name] / (o[name] + o["rasterize"])
        ratios["exactextract_over_ours_total"] = sum(e[n] for n in names) / (
            o["rasterize"] + sum(o[n] for n in names)
        )
    return ratios


def run_side_by_side(
    dem: str | os.PathLike,
    slope: str | os.PathLike,
    landuse: str | os.PathLike,
    *,
    repeats: int = 3,
    methods: Sequence[str] = SIDE_BY_SIDE_METHODS,
    echo: bool = True,
) -> dict:
    """Time the floor, ours and exactextract on the province, each run in a fresh process.

    Repeats are interleaved (floor, ours, exactextract, floor, ...) so that a change of load on a
    shared machine touches every method alike; the load average is recorded before each run.
    Figures are medians over the repeats, and ratios are ratios of medians.

    Returns
    -------
    dict
        ``runs`` (every run: method, repeat, load average, seconds per part), ``median_s``
        (per method and part) and ``ratios``: ours over the floor per raster (rasterization not
        included, then included once over the total) and exactextract over ours (per raster with
        the whole rasterization charged to each raster, and in total).
    """
    import json as _json
    import subprocess
    import sys

    runs = []
    for rep in range(int(repeats)):
        for method in methods:
            load = os.getloadavg()
            code = (
                "import json, sys; from benchmarks.zonal import _method_parts; "
                "print(json.dumps(_method_parts(*sys.argv[1:])))"
            )
            out = subprocess.run(
                [sys.executable, "-c", code, method, str(dem), str(slope), str(landuse)],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            parts = _json.loads(out.stdout.strip().splitlines()[-1])
            runs.append({"method": method, "repeat": rep, "load_avg": load, "s": parts})
            if echo:
                shown = ", ".join(f"{k} {v:.3f}" for k, v in parts.items())
                print(f"[{rep}] {method:13s} load {load[0]:.2f}: {shown}", flush=True)
    median: dict = {}
    for method in methods:
        rows = [r["s"] for r in runs if r["method"] == method]
        median[method] = {k: float(np.median([r[k] for r in rows])) for k in rows[0]}
    ratios = side_by_side_ratios(median)
    result = {"runs": runs, "median_s": median, "ratios": ratios}
    if echo:
        for k, v in ratios.items():
            print(f"{k:40s} {v:.2f}")
    return result
