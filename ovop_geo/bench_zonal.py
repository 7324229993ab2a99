"""Benchmark of :mod:`ovop_geo.zonal` against rasterstats, exactextract and a plain blocked read.

Not a test: :func:`run_zonal_benchmark` times each tool on the same villages and rasters and
compares the answers; the province benchmark (``ovop_geo.bench``) drives it. rasterstats and
exactextract are optional dependencies (the ``bench`` extra).
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from collections.abc import Callable

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

__all__ = ["blocked_read_seconds", "run_zonal_benchmark"]

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
) -> float:
    """Seconds to read band 1 of a raster once in full-width row blocks (the physical floor)."""
    info = read_raster_info(path)
    start = time.perf_counter()
    with gdal_env(cache_mb), rasterio.open(path) as src:
        for r0, r1 in iter_row_blocks(info.height, block_rows):
            src.read(1, window=Window(0, r0, info.width, r1 - r0))
    return time.perf_counter() - start


def _rasterstats(villages: gpd.GeoDataFrame, dem_path, landuse_path) -> tuple[float, pd.Series]:
    from rasterstats import zonal_stats as rs_zonal_stats

    with warnings.catch_warnings():
        # rasterstats composes affine transforms with '*', which the affine package now flags.
        warnings.filterwarnings("ignore", message=".*matmul.*", category=PendingDeprecationWarning)
        start = time.perf_counter()
        with gdal_env():
            geoms = villages.to_crs(read_raster_info(dem_path).crs).geometry.to_list()
            stats = rs_zonal_stats(geoms, str(dem_path), stats=["mean", "min", "max", "count"])
            lu_geoms = villages.to_crs(read_raster_info(landuse_path).crs).geometry.to_list()
            rs_zonal_stats(lu_geoms, str(landuse_path), categorical=True)
        seconds = time.perf_counter() - start
    means = pd.Series([s["mean"] for s in stats], index=villages.index, dtype=float)
    return seconds, means


def _exactextract(villages: gpd.GeoDataFrame, dem_path, landuse_path) -> tuple[float, pd.DataFrame]:
    from exactextract import exact_extract

    start = time.perf_counter()
    frame = villages.to_crs(read_raster_info(dem_path).crs).reset_index()
    code = frame.columns[0]
    stats = exact_extract(
        str(dem_path), frame, ["mean", "min", "max", "count"], include_cols=[code], output="pandas"
    )
    lu = villages.to_crs(read_raster_info(landuse_path).crs).reset_index()
    exact_extract(str(landuse_path), lu, ["unique", "frac"], include_cols=[code], output="pandas")
    seconds = time.perf_counter() - start
    return seconds, stats.set_index(code)


def _agreement(ours: pd.Series, ref: pd.Series, n_px: pd.Series) -> dict:
    diff = (ours - ref).abs()
    tol_big = np.maximum(0.005 * ref.abs(), 0.05)
    big, mid = n_px >= 1000, (n_px >= 100) & (n_px < 1000)
    return {
        "villages_ge_1000_px": int(big.sum()),
        "within_tol_ge_1000_px": int((diff[big] <= tol_big[big]).sum()),
        "max_rel_diff_ge_1000_px": float((diff[big] / ref[big].abs()).max()),
        "villages_100_999_px": int(mid.sum()),
        "within_2pct_100_999_px": int((diff[mid] <= 0.02 * ref[mid].abs()).sum()),
        "max_rel_diff_100_999_px": float((diff[mid] / ref[mid].abs()).max()) if mid.any() else 0.0,
    }


def run_zonal_benchmark(
    villages: gpd.GeoDataFrame,
    dem_path: str | os.PathLike,
    landuse_path: str | os.PathLike,
    *,
    thresholds: tuple[float, ...] = (3.0, 8.0, 15.0),
    include_rasterstats: bool = True,
    include_exactextract: bool = True,
) -> dict:
    """Time zonal statistics of a DEM and class areas of a land-use raster with each tool.

    Parameters
    ----------
    villages : geopandas.GeoDataFrame
        Indexed by ``village_code``, any CRS, valid geometries (apply ``shapely.make_valid`` first).
    dem_path : str or path-like
        Continuous raster (elevation in m or slope in %).
    landuse_path : str or path-like
        Integer class raster; on the same grid as the DEM, the rasterization is shared.
    thresholds : tuple of float
        Thresholds for ``share_below_<t>`` (counted in our timing).
    include_rasterstats, include_exactextract : bool
        Skip a slow reference tool.

    Returns
    -------
    dict
        Seconds (``floor_s``: blocked read of both rasters; ``ours_s`` with ``ours_rasterize_s``
        inside it; ``rasterstats_s``; ``exactextract_s``), ratios (``rasterstats_over_ours``,
        ``exactextract_over_ours``, ``ours_over_floor``) and the agreement of our means with
        exactextract's coverage-weighted means (counts of villages within tolerance).
    """
    dem_info = read_raster_info(dem_path)
    lu_info = read_raster_info(landuse_path)
    result: dict = {
        "villages": len(villages),
        "raster_px": dem_info.width * dem_info.height,
        "raster_shape": (dem_info.height, dem_info.width),
    }
    result["floor_s"] = blocked_read_seconds(dem_path) + blocked_read_seconds(landuse_path)

    start = time.perf_counter()
    grid = rasterize_villages(villages, dem_info)
    result["ours_rasterize_s"] = time.perf_counter() - start
    stats = zonal_stats(villages, dem_info, thresholds=thresholds, grid=grid)
    lu_grid = grid if lu_info.same_grid(dem_info) else None
    zonal_classes(villages, lu_info, grid=lu_grid)
    result["ours_s"] = time.perf_counter() - start
    result["ours_over_floor"] = result["ours_s"] / result["floor_s"]
    result["ours_reasons"] = stats["reason"].value_counts().to_dict()

    if include_rasterstats:
        result["rasterstats_s"], _ = _rasterstats(villages, dem_path, landuse_path)
        result["rasterstats_over_ours"] = result["rasterstats_s"] / result["ours_s"]
    if include_exactextract:
        result["exactextract_s"], ref = _exactextract(villages, dem_path, landuse_path)
        result["exactextract_over_ours"] = result["exactextract_s"] / result["ours_s"]
        px_area = abs(dem_info.transform.a * dem_info.transform.e)
        n_px = ref["count"].reindex(stats.index)
        ok = stats["reason"] == ""
        result["agreement"] = _agreement(
            stats.loc[ok, "mean"], ref["mean"].reindex(stats.index)[ok], n_px[ok]
        )
        result["agreement"]["pixel_area"] = px_area
    logger.info("Zonal benchmark: %s", result)
    return result
