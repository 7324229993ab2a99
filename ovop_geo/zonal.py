"""Zonal statistics per village over any raster, in one blocked pass.

Method (see docs/zonal.md for the measured figures):

1. :func:`rasterize_villages` reprojects the villages to the raster's CRS (the raster is never
   warped) and burns them ONCE into a label grid (pixel-centre rule), stored compressed block by
   block in a :class:`VillageGrid`. Any number of rasters on the same grid reuse it.
2. :func:`zonal_stats` / :func:`zonal_classes` read the raster in row blocks and accumulate
   per-village counts, sums, minima, maxima and areas with ``np.bincount`` and run-wise
   ``reduceat``: memory is bounded by the block size whatever the raster size.
3. Overlapping villages: the label grid gives each pixel to the last village covering it; the
   villages are burnt a second time in reverse order, which gives each pixel to the first one.
   Where the two differ the pixel lies in two villages, and the second, mostly empty label grid
   keeps the other village: such pixels count for both (three-way overlaps count for two).
4. Villages with fewer than ``small_px`` pixels (by area) are computed exactly instead: the
   coverage fraction of each pixel of the village's window is the area of the pixel polygon
   clipped by the village (shapely), and every statistic is coverage-weighted.
5. Areas (``covered_ha``, class areas) of the bulk villages are calibrated: each village's pixel
   areas are multiplied by (polygon area on the raster) / (area of its pixel-centre pixels), which
   removes the staircase error of the pixel-centre rule on totals. Means, minima and maxima are
   not calibrated.

Villages off the raster, with an empty geometry or with only nodata pixels get NaN statistics and a
``reason``; nothing is silently zero.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from rasterio.features import rasterize
from rasterio.transform import Affine
from rasterio.windows import Window

from ovop_geo.errors import InputDataError, ParameterError, format_items, raise_problems
from ovop_geo.raster import (
    DEFAULT_BLOCK_ROWS,
    DEFAULT_CACHE_MB,
    RasterInfo,
    coverage_fractions,
    gdal_env,
    iter_row_blocks,
    pixel_area_m2_by_row,
    pixel_window,
    read_raster_info,
)
from ovop_geo.validate import crs_missing, require_crs

__all__ = [
    "SMALL_VILLAGE_PX",
    "VillageGrid",
    "rasterize_villages",
    "zonal_classes",
    "zonal_stats",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

SMALL_VILLAGE_PX = 100
"""Villages covering fewer pixels than this (by area) are computed with exact coverage."""

_BULK, _EXACT, _OUTSIDE, _EMPTY = 0, 1, 2, 3
_REASONS = {_OUTSIDE: "outside the raster", _EMPTY: "empty geometry"}
_ALL_NODATA = "all nodata"
_BURN_CELLS = 1 << 25  # cells burnt per rasterize call (64 MB of uint16 labels)


@dataclass(frozen=True)
class VillageGrid:
    """Villages rasterized once on one raster grid; pass it to every raster on that grid.

    Attributes
    ----------
    info : RasterInfo
        The grid (CRS, transform, size) the villages were burnt into.
    codes : pandas.Index
        Village codes, in label order (label = position + 1; 0 = no village).
    block_rows : int
        Rows per stored label block; reductions read the raster with the same blocks.
    blocks, extra_blocks : tuple of bytes or None
        Run-length encoded label blocks (values, run lengths): primary labels, and the second
        village of overlapping pairs
        (None where a block has no overlap).
    status : numpy.ndarray
        Per village: 0 bulk (label grid), 1 exact coverage, 2 outside the raster, 3 empty geometry.
    area_scale : numpy.ndarray
        Per village: polygon area on the raster / area of its pixel-centre pixels (bulk only).
    geoms : numpy.ndarray
        Village geometries in the raster's CRS (shapely, repaired when invalid).
    """

    info: RasterInfo
    codes: pd.Index
    block_rows: int
    label_dtype: str
    blocks: tuple
    extra_blocks: tuple
    status: np.ndarray
    area_scale: np.ndarray
    geoms: np.ndarray

    @property
    def reasons(self) -> pd.Series:
        """Why a village has no statistics ('' when it has): empty geometry, outside the raster."""
        values = [_REASONS.get(int(s), "") for s in self.status]
        return pd.Series(values, index=self.codes, name="reason", dtype=object)

    def _runs(self, k: int, extra: bool = False) -> tuple[np.ndarray, np.ndarray] | None:
        """Runs of block k: (label of each run, start of each run in the flattened block)."""
        return (self.extra_blocks if extra else self.blocks)[k]

    def _labels(self, k: int, shape: tuple[int, int], extra: bool = False) -> np.ndarray | None:
        runs = self._runs(k, extra)
        if runs is None:
            return None
        run_labels, starts = runs
        lengths = np.diff(np.append(starts, shape[0] * shape[1]))
        return np.repeat(run_labels, lengths).reshape(shape)


def _as_info(raster: str | os.PathLike | RasterInfo) -> RasterInfo:
    if isinstance(raster, RasterInfo):
        return raster
    if hasattr(raster, "crs") and hasattr(raster, "transform") and hasattr(raster, "width"):
        return RasterInfo(
            path=str(getattr(raster, "path", getattr(raster, "name", "raster"))),
            crs=raster.crs,
            transform=raster.transform,
            width=raster.width,
            height=raster.height,
            nodata=getattr(raster, "nodata", None),
            dtype=str(getattr(raster, "dtype", getattr(raster, "dtypes", ["float32"])[0])),
        )
    return read_raster_info(raster)


def _check_villages(villages: gpd.GeoDataFrame) -> None:
    problems = []
    if not isinstance(villages, gpd.GeoDataFrame):
        raise InputDataError("villages: expected a GeoDataFrame indexed by village_code.")
    if villages.crs is None:
        problems.append(crs_missing())
    dup = villages.index[villages.index.duplicated()].unique()
    if len(dup):
        problems.append(
            f"village codes are not unique. Villages: {format_items(dup)}. "
            "Give each village one row."
        )
    raise_problems("villages", problems)


def _rle(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Runs of a label block in row-major order, broken at every row start: (labels, starts)."""
    flat = labels.ravel()
    brk = np.empty(flat.size, dtype=bool)
    brk[0] = True
    np.not_equal(flat[1:], flat[:-1], out=brk[1:])
    brk[:: labels.shape[1]] = True
    starts = np.flatnonzero(brk)
    return flat[starts].astype(np.intp), starts


def _polygonal(geoms: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Polygonal parts of geometries (collections split; lines and points dropped) and values."""
    parts, owner = shapely.get_parts(geoms, return_index=True)
    keep = np.isin(shapely.get_type_id(parts), (3, 6)) & (shapely.area(parts) > 0)
    return parts[keep], values[owner[keep]]


def _window_transform(transform: Affine, r0: int) -> Affine:
    return transform @ Affine.translation(0, r0)


def _block_box(info: RasterInfo, r0: int, r1: int) -> shapely.Geometry:
    t = info.transform
    ys = (t.f + t.e * r0, t.f + t.e * r1)
    xs = (t.c, t.c + t.a * info.width)
    return shapely.box(min(xs), min(ys), max(xs), max(ys))


def _geojson(geom) -> dict:
    """GeoJSON-like mapping of a Polygon with plain coordinate lists.

    Much cheaper than shapely's ``__geo_interface__`` (which builds a tuple per vertex), and lists
    are what ``rasterio.features.rasterize`` converts fastest.
    """
    n_holes = shapely.get_num_interior_rings(geom)
    rings = [shapely.get_exterior_ring(geom)]
    if n_holes:
        rings.extend(shapely.get_interior_ring(geom, range(n_holes)))
    return {"type": "Polygon", "coordinates": [shapely.get_coordinates(r).tolist() for r in rings]}


def _burn(shapes, values, tree, box, shape, transform, dtype, reverse=False):
    """Burn the shapes of ``tree`` that meet ``box``, in order (the last wins) or in reverse
    order (the first wins). None if none meet the box."""
    hits = np.sort(tree.query(box, predicate="intersects"))
    if hits.size == 0:
        return None
    if reverse:
        hits = hits[::-1]
    pairs = ((shapes[h], values[h]) for h in hits)
    return rasterize(pairs, out_shape=shape, transform=transform, fill=0, dtype=dtype)


def rasterize_villages(
    villages: gpd.GeoDataFrame,
    raster: str | os.PathLike | RasterInfo,
    *,
    block_rows: int = DEFAULT_BLOCK_ROWS,
    small_px: int = SMALL_VILLAGE_PX,
) -> VillageGrid:
    """Burn villages once into a label grid on a raster's grid.

    Parameters
    ----------
    villages : geopandas.GeoDataFrame
        Indexed by ``village_code``, any CRS (reprojected to the raster's CRS; not modified).
    raster : str, path-like or RasterInfo
        The raster whose grid to use (only its metadata is read).
    block_rows : int, default 512
        Rows per label block (and per read in the reductions).
    small_px : int, default 100
        Villages whose area on the raster is below this many pixels are computed exactly.

    Returns
    -------
    VillageGrid

    Raises
    ------
    InputDataError
        Villages without CRS or with duplicate codes, a raster without CRS, or no village
        overlapping the raster.
    """
    _check_villages(villages)
    info = _as_info(raster)
    require_crs(info.crs, info.name, raster=True)
    geoms = np.asarray(villages.geometry.to_crs(info.crs).values, dtype=object)
    status = np.full(len(geoms), _BULK, dtype=np.int8)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    status[empty] = _EMPTY
    bad = ~empty & ~shapely.is_valid(geoms)
    if bad.any():
        logger.info("Repaired %d invalid village geometries for rasterization", int(bad.sum()))
        geoms[bad] = shapely.make_valid(geoms[bad])
    t = info.transform
    px_area = abs(t.a * t.e)
    footprint = shapely.box(*info.bounds)
    on_area = np.zeros(len(geoms))
    inside = ~empty & shapely.within(geoms, footprint)
    on_area[inside] = shapely.area(geoms[inside])
    rest = ~empty & ~inside
    on_area[rest] = shapely.area(shapely.intersection(geoms[rest], footprint))
    eq_px = on_area / px_area
    status[~empty & (on_area <= 0)] = _OUTSIDE
    if not np.any(status <= _EXACT):
        raise InputDataError(
            f"{info.path}: the raster does not overlap any of the {len(geoms):,} villages. Check "
            "that it covers the region and that its CRS is right (villages were reprojected to "
            f"{info.crs.to_string()}).",
            path=info.path,
        )
    status[(status == _BULK) & (eq_px < small_px)] = _EXACT
    labels = np.arange(1, len(geoms) + 1)
    dtype = "uint16" if len(geoms) < 65535 else "uint32"
    bulk = status == _BULK
    blocks, extra_blocks = [], []
    counts = np.zeros(len(geoms) + 1)
    if bulk.any():
        idx = np.flatnonzero(bulk)
        parts, part_labels = _polygonal(geoms[idx], labels[idx])
        tree = shapely.STRtree(parts)
        shapes = [_geojson(p) for p in parts]
        # Overlaps: burning the villages in order gives each pixel to the last village covering
        # it, burning them in reverse order to the first; where the two differ, the pixel lies in
        # two villages and the second grid holds the other one.
        chunk_rows = max(1, _BURN_CELLS // max(info.width * block_rows, 1)) * block_rows
        for c0, c1 in iter_row_blocks(info.height, chunk_rows):
            shape, wt = (c1 - c0, info.width), _window_transform(t, c0)
            box = _block_box(info, c0, c1)
            lab = _burn(shapes, part_labels, tree, box, shape, wt, dtype)
            first = None
            if lab is not None:
                first = _burn(shapes, part_labels, tree, box, shape, wt, dtype, reverse=True)
                first[first == lab] = 0
            for r0, r1 in iter_row_blocks(c1 - c0, block_rows):
                part = np.zeros((r1 - r0, info.width), dtype) if lab is None else lab[r0:r1]
                counts += np.bincount(part.ravel(), minlength=len(counts))
                blocks.append(_rle(part))
                part = None if first is None else first[r0:r1]
                if part is not None and part.any():
                    counts += np.bincount(part.ravel(), minlength=len(counts))
                    extra_blocks.append(_rle(part))
                else:
                    extra_blocks.append(None)
    counts = counts[1:]
    no_pixel = bulk & (counts == 0)
    status[no_pixel] = _EXACT
    scale = np.where(counts > 0, eq_px / np.maximum(counts, 1), np.nan)
    logger.info(
        "Rasterized %d villages on a %dx%d grid: %d by label grid, %d exactly, %d outside",
        len(geoms),
        info.width,
        info.height,
        int((status == _BULK).sum()),
        int((status == _EXACT).sum()),
        int((status == _OUTSIDE).sum()),
    )
    return VillageGrid(
        info=info,
        codes=villages.index.copy(),
        block_rows=block_rows,
        label_dtype=dtype,
        blocks=tuple(blocks),
        extra_blocks=tuple(extra_blocks),
        status=status,
        area_scale=scale,
        geoms=geoms,
    )


def _resolve_grid(villages, raster, grid, block_size, small_px) -> tuple[RasterInfo, VillageGrid]:
    info = _as_info(raster)
    if grid is None:
        return info, rasterize_villages(villages, info, block_rows=block_size, small_px=small_px)
    if not grid.info.same_grid(info):
        raise ParameterError(
            f"the VillageGrid was built for another grid than '{info.path}' (CRS, transform or "
            "size differ). Build one with rasterize_villages(villages, raster) for this raster."
        )
    if not grid.codes.equals(villages.index):
        raise ParameterError(
            "the VillageGrid was built for other villages (codes or order differ). Rebuild it with "
            "rasterize_villages(villages, raster)."
        )
    return info, grid


def _valid(values: np.ndarray, nodata: float | None) -> np.ndarray:
    valid = np.ones(values.shape, dtype=bool)
    if nodata is not None and not math.isnan(nodata):
        valid &= values != nodata
    if values.dtype.kind == "f":
        valid &= ~np.isnan(values)
    return valid


def _iter_blocks(grid: VillageGrid, info: RasterInfo, cache_mb: int):
    """Yield (block number, values, valid mask, first row) for each row block."""
    if not grid.blocks:
        return
    with gdal_env(cache_mb), rasterio.open(info.path) as src:
        nodata = src.nodata
        for k, (r0, r1) in enumerate(iter_row_blocks(info.height, grid.block_rows)):
            values = src.read(1, window=Window(0, r0, info.width, r1 - r0))
            yield k, values, _valid(values, nodata), r0


def _select(labels, values, valid, row_area, geographic):
    """Pixels that belong to a village and have data: labels, values and pixel areas (or None)."""
    sel = valid & (labels != 0)
    if not sel.any():
        return None
    lab = labels[sel].astype(np.intp)
    vals = values[sel]
    area = np.broadcast_to(row_area[:, None], labels.shape)[sel] if geographic else None
    return lab, vals, area


class _StatsAccumulator:
    """Per-label sums, counts, minima, maxima and areas (private, one per call)."""

    def __init__(self, n_labels: int, thresholds: Sequence[float]):
        self.count = np.zeros(n_labels)
        self.total = np.zeros(n_labels)
        self.area = np.zeros(n_labels)
        self.vmin = np.full(n_labels, np.inf)
        self.vmax = np.full(n_labels, -np.inf)
        self.thresholds = tuple(thresholds)
        self.below = [np.zeros(n_labels) for _ in self.thresholds]

    def add_runs(self, values, valid, runs, run_area):
        """Add one block: values and valid mask flattened, runs (labels, starts), area per run.

        Every run lies within one row, so ``run_area`` (m² per pixel of the run's row) is exact.
        Reductions are done per run with ``reduceat`` (one pass over the block each), then the
        few thousand runs are added to their villages.
        """
        run_labels, starts = runs
        keep = run_labels != 0
        if not keep.any():
            return
        lab, run_area = run_labels[keep], run_area[keep]
        all_valid = bool(valid.all())
        vals = values  # native dtype; sums are accumulated in float64
        if all_valid:
            count = np.diff(np.append(starts, values.size))[keep]
            vz = lo = hi = vals
        else:
            count = np.add.reduceat(valid, starts, dtype=np.int64)[keep]
            vz = np.where(valid, vals, 0.0)
            lo, hi = np.where(valid, vals, np.inf), np.where(valid, vals, -np.inf)
        np.add.at(self.count, lab, count)
        np.add.at(self.total, lab, np.add.reduceat(vz, starts, dtype=np.float64)[keep])
        np.minimum.at(self.vmin, lab, np.minimum.reduceat(lo, starts)[keep])
        np.maximum.at(self.vmax, lab, np.maximum.reduceat(hi, starts)[keep])
        np.add.at(self.area, lab, count * run_area)
        for t, acc in zip(self.thresholds, self.below, strict=True):
            low = vals < t if all_valid else valid & (vals < t)
            # runs never span rows, so int32 counts cannot overflow
            below = np.add.reduceat(low.view(np.uint8), starts, dtype=np.int32)[keep]
            np.add.at(acc, lab, below * run_area)


def _exact_windows(grid: VillageGrid, info: RasterInfo, cache_mb: int):
    """Yield (village position, coverage, values, valid, pixel area by row) for exact villages."""
    row_area = pixel_area_m2_by_row(info)
    with gdal_env(cache_mb), rasterio.open(info.path) as src:
        for pos in np.flatnonzero(grid.status == _EXACT):
            win = pixel_window(info, grid.geoms[pos])
            if win is None:
                continue
            r0, r1, c0, c1 = win
            values = src.read(1, window=Window(c0, r0, c1 - c0, r1 - r0))
            cover = coverage_fractions(info, grid.geoms[pos], win)
            yield pos, cover, values, _valid(values, src.nodata), row_area[r0:r1]


def _threshold_name(t: float) -> str:
    return f"share_below_{t:g}"


def zonal_stats(
    villages: gpd.GeoDataFrame,
    raster: str | os.PathLike | RasterInfo,
    *,
    thresholds: Sequence[float] = (),
    grid: VillageGrid | None = None,
    block_size: int = DEFAULT_BLOCK_ROWS,
    small_px: int = SMALL_VILLAGE_PX,
    cache_mb: int = DEFAULT_CACHE_MB,
) -> pd.DataFrame:
    """Mean, minimum, maximum and shares under thresholds of a raster per village.

    Parameters
    ----------
    villages : geopandas.GeoDataFrame
        Indexed by ``village_code``, any CRS (reprojected to the raster's CRS).
    raster : str, path-like or RasterInfo
        Single-band raster in any CRS (slope in %, elevation in m, ...); nodata and NaN ignored.
    thresholds : sequence of float
        For each ``t``, column ``share_below_<t>``: share (0-1) of the village's covered area whose
        value is < t, in the raster's unit.
    grid : VillageGrid, optional
        Reuse a rasterization of the same villages on the same grid.
    block_size : int, default 512
        Rows read at a time (when the grid is built here).
    small_px : int, default 100
        Villages under this many pixels are computed with exact coverage fractions.
    cache_mb : int, default 64
        Bound on GDAL's block cache, in megabytes.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``village_code``: ``mean``, ``min``, ``max`` (raster unit), ``count_px``
        (pixels with data; sum of coverage fractions for exact villages), ``covered_ha`` (area
        with data, ha), ``share_below_<t>`` (0-1) and ``reason`` ('' when fine, else
        'empty geometry', 'outside the raster' or 'all nodata', with NaN statistics).
    """
    thresholds = tuple(float(t) for t in thresholds)
    info, grid = _resolve_grid(villages, raster, grid, block_size, small_px)
    row_area = pixel_area_m2_by_row(info)
    acc = _StatsAccumulator(len(grid.codes) + 1, thresholds)
    for k, values, valid, r0 in _iter_blocks(grid, info, cache_mb):
        flat, flat_valid = values.ravel(), valid.ravel()
        for runs in (grid._runs(k), grid._runs(k, extra=True)):
            if runs is not None:
                run_area = row_area[r0 + runs[1] // info.width]
                acc.add_runs(flat, flat_valid, runs, run_area)
    count, total, area = acc.count[1:], acc.total[1:], acc.area[1:]
    vmin, vmax = acc.vmin[1:], acc.vmax[1:]
    below = [b[1:] for b in acc.below]
    scale = np.nan_to_num(grid.area_scale, nan=1.0)
    area = area * scale
    below = [b * scale for b in below]
    for pos, cover, values, valid, rows_area in _exact_windows(grid, info, cache_mb):
        w = np.where(valid, cover, 0.0)
        wa = w * rows_area[:, None]
        used = w > 0
        count[pos], area[pos] = w.sum(), wa.sum()
        if used.any():
            v = values.astype(np.float64)
            total[pos] = (w * v).sum()
            vmin[pos], vmax[pos] = v[used].min(), v[used].max()
            for k, t in enumerate(thresholds):
                below[k][pos] = wa[v < t].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "mean": total / count,
                "min": vmin,
                "max": vmax,
                "count_px": count,
                "covered_ha": area / 10_000.0,
            },
            index=grid.codes.copy(),
        )
        for t, b in zip(thresholds, below, strict=True):
            out[_threshold_name(t)] = b / area
    reason = grid.reasons.to_numpy().copy()
    reason[(reason == "") & (count <= 0)] = _ALL_NODATA
    missing = reason != ""
    out.loc[missing, ["mean", "min", "max", *map(_threshold_name, thresholds)]] = np.nan
    out.loc[missing, ["count_px", "covered_ha"]] = 0.0
    out["reason"] = reason
    out.index.name = "village_code"
    return out


class _ClassAccumulator:
    """Per-label area (m² before calibration) of each class value (private)."""

    def __init__(self, n_labels: int, path: str):
        self.n = n_labels
        self.path = path
        self.areas: dict[int, np.ndarray] = {}

    def _column(self, code: int) -> np.ndarray:
        if code not in self.areas:
            self.areas[code] = np.zeros(self.n)
        return self.areas[code]

    def add(self, lab, vals, area, px_area):
        if vals.dtype.kind == "f" and np.any(vals != np.round(vals)):
            raise InputDataError(
                f"{self.path}: the class raster has non-integer values. Use a raster of "
                "integer class codes (land use classes), not a continuous one.",
                path=self.path,
            )
        vals = vals.astype(np.int64)
        vmin, vmax = int(vals.min()), int(vals.max())
        span = vmax - vmin + 1
        if span * self.n <= 20_000_000:
            codes, inv = np.arange(vmin, vmax + 1), vals - vmin
        else:
            codes, inv = np.unique(vals, return_inverse=True)
            span = len(codes)
        key = lab * span + inv
        sums = np.bincount(key, weights=area, minlength=self.n * span).reshape(self.n, span)
        if area is None:
            sums = sums * px_area
        for col in np.flatnonzero(sums.any(axis=0)):
            self._column(int(codes[col]))[:] += sums[:, col]


def zonal_classes(
    villages: gpd.GeoDataFrame,
    raster: str | os.PathLike | RasterInfo,
    *,
    grid: VillageGrid | None = None,
    classes: Sequence[int] | None = None,
    block_size: int = DEFAULT_BLOCK_ROWS,
    small_px: int = SMALL_VILLAGE_PX,
    cache_mb: int = DEFAULT_CACHE_MB,
) -> pd.DataFrame:
    """Area of each class of a class raster (land use, zoning) per village, in hectares.

    Parameters
    ----------
    villages : geopandas.GeoDataFrame
        Indexed by ``village_code``, any CRS (reprojected to the raster's CRS).
    raster : str, path-like or RasterInfo
        Single-band raster of integer class codes; nodata ignored. Projected CRS: pixel area from
        the transform; geographic CRS: geodesic pixel area per row.
    grid : VillageGrid, optional
        Reuse a rasterization of the same villages on the same grid.
    classes : sequence of int, optional
        Columns to return, in this order (codes absent from a village give 0 ha; other codes are
        left out). Default: every code found, sorted.
    block_size, small_px, cache_mb
        As in :func:`zonal_stats`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``village_code``, one float column per class code (int), values in hectares.
        Villages with an empty geometry, outside the raster or with only nodata are all NaN
        (``VillageGrid.reasons`` or :func:`zonal_stats` give the reason).
    """
    info, grid = _resolve_grid(villages, raster, grid, block_size, small_px)
    geographic = info.is_geographic
    row_area = pixel_area_m2_by_row(info)
    px_area = float(row_area[0])
    n = len(grid.codes) + 1
    acc = _ClassAccumulator(n, info.path)
    for k, values, valid, r0 in _iter_blocks(grid, info, cache_mb):
        for extra in (False, True):
            lab_grid = grid._labels(k, values.shape, extra=extra)
            if lab_grid is None:
                continue
            picked = _select(lab_grid, values, valid, row_area[r0 : r0 + len(values)], geographic)
            if picked is not None:
                acc.add(*picked, px_area)
    scale = np.concatenate(([1.0], np.nan_to_num(grid.area_scale, nan=1.0)))
    for col in acc.areas.values():
        col *= scale
    for pos, cover, values, valid, rows_area in _exact_windows(grid, info, cache_mb):
        wa = np.where(valid, cover, 0.0) * rows_area[:, None]
        used = wa > 0
        if not used.any():
            continue
        sub = _ClassAccumulator(1, info.path)
        sub.add(np.zeros(int(used.sum()), dtype=np.intp), values[used], wa[used], px_area)
        for code, a in sub.areas.items():
            acc._column(code)[pos + 1] += a[0]
    wanted = sorted(acc.areas) if classes is None else [int(c) for c in classes]
    data = {c: (acc.areas[c][1:] if c in acc.areas else np.zeros(n - 1)) / 10_000.0 for c in wanted}
    out = pd.DataFrame(data, index=grid.codes.copy(), columns=pd.Index(wanted, dtype=int))
    total = sum(acc.areas.values()) if acc.areas else np.zeros(n)
    no_data = total[1:] <= 0
    out.loc[no_data, :] = np.nan
    out.index.name = "village_code"
    return out
