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
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import geopandas as gpd
import numba
import numpy as np
import pandas as pd
import rasterio
import shapely
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
_BURN_CELLS = 1 << 24  # cells of one chunk of labels (32 MB of uint16 labels per grid)


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


# --------------------------------------------------------------------------- compiled kernels
# One pass over each block: the runs of the label grid are walked in order and every pixel is
# visited once, updating its run's count, sum, minimum, maximum and threshold bin (statistics) or
# its class (class areas); the run's totals then go to its village. Compiled with numba (nogil, so
# the next block is read by GDAL in another thread meanwhile); cached on disk after the first call.


@numba.njit(nogil=True, cache=True)
def _stats_kernel(
    values,
    end,
    nodata,
    use_nodata,
    run_labels,
    starts,
    run_area,
    thresholds,
    count,
    total,
    vmin,
    vmax,
    area,
    below,
):  # pragma: no cover - compiled
    n_runs = starts.size
    n_t = thresholds.size
    bins = np.zeros(n_t + 1, dtype=np.int64)
    for i in range(n_runs):
        lab = run_labels[i]
        if lab == 0:
            continue
        s = starts[i]
        e = starts[i + 1] if i + 1 < n_runs else end
        c = 0
        sm = 0.0
        lo = np.inf
        hi = -np.inf
        bins[:] = 0
        for j in range(s, e):
            v = values[j]
            fv = np.float64(v)
            if fv != fv or (use_nodata and fv == nodata):
                continue
            c += 1
            sm += fv
            lo = min(lo, fv)
            hi = max(hi, fv)
            k = 0
            while k < n_t and thresholds[k] <= fv:
                k += 1
            bins[k] += 1
        if c == 0:
            continue
        count[lab] += c
        total[lab] += sm
        vmin[lab] = min(vmin[lab], lo)
        vmax[lab] = max(vmax[lab], hi)
        a = run_area[i]
        area[lab] += c * a
        acc = 0
        for k in range(n_t):
            acc += bins[k]
            below[k, lab] += acc * a


@numba.njit(nogil=True, cache=True)
def _classes_kernel(
    values, end, offset, span, nodata, use_nodata, run_labels, starts, run_area, areas
):  # pragma: no cover - compiled
    """Class areas per label of an 8-bit class raster.

    ``areas``: labels x span, column = value - offset.
    """
    n_runs = starts.size
    for i in range(n_runs):
        lab = run_labels[i]
        if lab == 0:
            continue
        s = starts[i]
        e = starts[i + 1] if i + 1 < n_runs else end
        a = run_area[i]
        for j in range(s, e):
            fv = np.float64(values[j])
            if fv != fv or (use_nodata and fv == nodata):
                continue
            areas[lab, np.int64(fv) - offset] += a


@numba.njit(nogil=True, cache=True)
def _encode_block(last, first, width, counts):  # pragma: no cover - compiled
    """Runs of the primary labels and of the second village of overlapping pixels.

    Primary labels: ``last`` (the last village burnt wins); second village: ``first`` where it
    differs from ``last``, else 0. Runs are broken at every row start; pixel counts per label
    are added to ``counts``. Both blocks are flattened.
    """
    size = last.size
    n1 = 1
    n2 = 1
    any_extra = False
    prev2 = first[0] if first[0] != last[0] else 0
    for j in range(size):
        lab = last[j]
        counts[lab] += 1
        extra = first[j] if first[j] != lab else 0
        if extra != 0:
            counts[extra] += 1
            any_extra = True
        if j > 0:
            row_start = j % width == 0
            if row_start or lab != last[j - 1]:
                n1 += 1
            if row_start or extra != prev2:
                n2 += 1
        prev2 = extra
    labels1 = np.empty(n1, dtype=np.intp)
    starts1 = np.empty(n1, dtype=np.intp)
    n2 = n2 if any_extra else 1
    labels2 = np.empty(n2, dtype=np.intp)
    starts2 = np.empty(n2, dtype=np.intp)
    i1 = 0
    i2 = 0
    prev2 = 0
    for j in range(size):
        lab = last[j]
        row_start = j % width == 0
        if j == 0 or row_start or lab != last[j - 1]:
            labels1[i1] = lab
            starts1[i1] = j
            i1 += 1
        if any_extra:
            extra = first[j] if first[j] != lab else 0
            if j == 0 or row_start or extra != prev2:
                labels2[i2] = extra
                starts2[i2] = j
                i2 += 1
            prev2 = extra
    return labels1, starts1, labels2, starts2, any_extra


def _polygonal(geoms: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Polygonal parts of geometries (collections split; lines and points dropped) and values.

    Parts keep the order of their geometries. Polygons are used as they are (splitting them
    with ``get_parts`` would copy every one); only multi-part geometries are split.
    """
    types = shapely.get_type_id(geoms)
    owner = np.flatnonzero(types == 3)
    parts = geoms[owner]
    multi = np.flatnonzero(types != 3)
    if multi.size:
        sub, where = shapely.get_parts(geoms[multi], return_index=True)
        sub, inner = shapely.get_parts(sub, return_index=True)  # multipolygons in collections
        parts = np.concatenate([parts, sub])
        owner = np.concatenate([owner, multi[where[inner]]])
        order = np.argsort(owner, kind="stable")
        parts, owner = parts[order], owner[order]
    keep = (shapely.get_type_id(parts) == 3) & (shapely.area(parts) > 0)
    return parts[keep], values[owner[keep]]


def _window_transform(transform: Affine, r0: int) -> Affine:
    return transform @ Affine.translation(0, r0)


def _block_box(info: RasterInfo, r0: int, r1: int) -> shapely.Geometry:
    t = info.transform
    ys = (t.f + t.e * r0, t.f + t.e * r1)
    xs = (t.c, t.c + t.a * info.width)
    return shapely.box(min(xs), min(ys), max(xs), max(ys))


@numba.njit(nogil=True, cache=True)
def _fill_polygons(xy, ring_start, poly_ring, labels, order, igt, width, last, first):
    """Burn polygons into a chunk of rows with the pixel-centre rule, as GDAL's rasterizer does.

    ``xy``: coordinates of every ring (closed), ``ring_start``: first coordinate of each ring
    (one more at the end), ``poly_ring``: first ring of each polygon (one more at the end);
    ``igt``: inverse geotransform of the chunk (pixel = igt[0] + x igt[1], line = igt[2] +
    y igt[3]). Polygons are burnt in ``order``: ``last`` keeps the last polygon covering a pixel,
    ``first`` the first one. Scanlines through pixel centres (line + 0.5) cross each edge whose
    lower end is <= the scanline < its upper end; crossings are sorted and pixels whose
    ``floor(x + 0.5)`` lies in [crossing 2i, crossing 2i+1) are filled (even-odd rule).
    """  # pragma: no cover - compiled
    nrows = last.shape[0]
    for p in order:
        r_a = poly_ring[p]
        r_b = poly_ring[p + 1]
        ymin = np.inf
        ymax = -np.inf
        for j in range(ring_start[r_a], ring_start[r_b]):
            y = igt[2] + xy[j, 1] * igt[3]
            ymin = min(ymin, y)
            ymax = max(ymax, y)
        a = max(0, math.ceil(ymin - 0.5))
        b = min(nrows, math.ceil(ymax - 0.5))
        if b <= a:
            continue
        off = np.zeros(b - a + 1, dtype=np.int64)
        for r in range(r_a, r_b):
            for j in range(ring_start[r], ring_start[r + 1] - 1):
                y1 = igt[2] + xy[j, 1] * igt[3]
                y2 = igt[2] + xy[j + 1, 1] * igt[3]
                if y1 == y2:
                    continue
                lo = min(y1, y2)
                hi = max(y1, y2)
                s = max(a, math.ceil(lo - 0.5))
                e = min(b, math.ceil(hi - 0.5))
                for row in range(s, e):
                    off[row - a + 1] += 1
        for i in range(1, off.size):
            off[i] += off[i - 1]
        xs = np.empty(off[-1])
        pos = off[:-1].copy()
        for r in range(r_a, r_b):
            for j in range(ring_start[r], ring_start[r + 1] - 1):
                x1 = igt[0] + xy[j, 0] * igt[1]
                y1 = igt[2] + xy[j, 1] * igt[3]
                x2 = igt[0] + xy[j + 1, 0] * igt[1]
                y2 = igt[2] + xy[j + 1, 1] * igt[3]
                if y1 == y2:
                    continue
                if y1 > y2:
                    x1, y1, x2, y2 = x2, y2, x1, y1
                s = max(a, math.ceil(y1 - 0.5))
                e = min(b, math.ceil(y2 - 0.5))
                for row in range(s, e):
                    dy = row + 0.5
                    xs[pos[row - a]] = (dy - y1) * (x2 - x1) / (y2 - y1) + x1
                    pos[row - a] += 1
        lab = labels[p]
        for row in range(a, b):
            seg = np.sort(xs[off[row - a] : off[row - a + 1]])
            for i in range(0, seg.size - 1, 2):
                x0 = max(0, math.floor(seg[i] + 0.5))
                x1 = min(width, math.floor(seg[i + 1] + 0.5))
                for x in range(x0, x1):
                    last[row, x] = lab
                    if first[row, x] == 0:
                        first[row, x] = lab


def _flat_rings(parts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coordinates of the rings of polygons, with where each ring and each polygon starts.

    Returns (xy, first coordinate of each ring, first ring of each polygon), the two start
    arrays each with one more entry at the end.
    """
    rings, ring_owner = shapely.get_rings(parts, return_index=True)
    xy, coord_owner = shapely.get_coordinates(rings, return_index=True)
    ring_start = np.searchsorted(coord_owner, np.arange(len(rings) + 1))
    poly_ring = np.searchsorted(ring_owner, np.arange(len(parts) + 1))
    return np.ascontiguousarray(xy), ring_start.astype(np.int64), poly_ring.astype(np.int64)


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
    counts = np.zeros(len(geoms) + 1, dtype=np.int64)
    if bulk.any():
        idx = np.flatnonzero(bulk)
        parts, part_labels = _polygonal(geoms[idx], labels[idx])
        tree = shapely.STRtree(parts)
        xy, ring_start, poly_ring = _flat_rings(parts)
        part_labels = part_labels.astype(dtype)
        # Overlaps: polygons are burnt in frame order into two grids, one where the last village
        # covering a pixel wins and one where the first wins; where the two differ, the pixel
        # lies in two villages and the second grid holds the other one.
        chunk_rows = max(1, _BURN_CELLS // max(info.width * block_rows, 1)) * block_rows

        def burn(chunk: tuple[int, int]) -> tuple[list, list, np.ndarray]:
            """Label blocks (runs) of one chunk of rows and its pixel counts per label."""
            c0, c1 = chunk
            own_counts = np.zeros(len(geoms) + 1, dtype=np.int64)
            hits = np.sort(tree.query(_block_box(info, c0, c1), predicate="intersects"))
            lab = first = None
            if hits.size:
                wt = _window_transform(t, c0)
                igt = np.array([-wt.c / wt.a, 1.0 / wt.a, -wt.f / wt.e, 1.0 / wt.e])
                lab = np.zeros((c1 - c0, info.width), dtype)
                first = np.zeros((c1 - c0, info.width), dtype)
                _fill_polygons(xy, ring_start, poly_ring, part_labels, hits.astype(np.int64),
                               igt, info.width, lab, first)  # fmt: skip
            primary, extra = [], []
            for r0, r1 in iter_row_blocks(c1 - c0, block_rows):
                if lab is None:
                    starts = np.arange(0, (r1 - r0) * info.width, info.width, dtype=np.intp)
                    primary.append((np.zeros(starts.size, dtype=np.intp), starts))
                    extra.append(None)
                    continue
                runs1, starts1, runs2, starts2, any_extra = _encode_block(
                    lab[r0:r1].ravel(), first[r0:r1].ravel(), info.width, own_counts
                )
                primary.append((runs1, starts1))
                extra.append((runs2, starts2) if any_extra else None)
            return primary, extra, own_counts

        # chunks burnt on two threads (the kernels release the GIL): at most two chunks of
        # labels exist at a time, each of at most _BURN_CELLS cells
        chunks = list(iter_row_blocks(info.height, chunk_rows))
        with ThreadPoolExecutor(max_workers=_KERNEL_THREADS) as pool:
            for primary, extra, own_counts in pool.map(burn, chunks):
                blocks.extend(primary)
                extra_blocks.extend(extra)
                counts += own_counts
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


def _read_threads() -> int:
    """Threads GDAL may use to decompress the tiles of one read (GDAL_NUM_THREADS)."""
    return max(1, min(2, os.cpu_count() or 1))


def _read_ahead(path: str, windows: list[tuple[int, int]], width: int, cache_mb: int, threads: int):
    """Yield (first row, values) of each row window, the next one read while this one is used.

    A reader thread opens the raster and reads the windows in order (GDAL releases the GIL and
    decompresses each window's tiles on ``_read_threads()`` threads), at most two blocks ahead:
    memory stays bounded by the block size.
    """
    blocks: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()
    done = object()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                blocks.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            with (
                gdal_env(cache_mb, GDAL_NUM_THREADS=str(threads)),
                rasterio.open(path) as src,
            ):
                for r0, r1 in windows:
                    if not put((r0, src.read(1, window=Window(0, r0, width, r1 - r0)))):
                        return
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)
            return
        put(done)

    reader = threading.Thread(target=read, name="ovop-geo-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            item = blocks.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


def _iter_blocks(grid: VillageGrid, info: RasterInfo, cache_mb: int):
    """Yield (block number, values, first row) for each row block, read ahead in a thread."""
    if not grid.blocks:
        return
    windows = list(iter_row_blocks(info.height, grid.block_rows))
    # 8-bit tiles decompress so fast that a second GDAL thread costs more than it saves (a
    # plain read of the 90 m land use: 0.023 s on one thread, 0.076 s on two)
    threads = 1 if np.dtype(info.dtype).itemsize == 1 else _read_threads()
    blocks = _read_ahead(info.path, windows, info.width, cache_mb, threads)
    for k, (r0, values) in enumerate(blocks):
        yield k, values, r0


_KERNEL_THREADS = 2  # halves of each block's runs reduced at once


def _kernel_pool() -> ThreadPoolExecutor:
    """Threads for the second half of each block's runs (one per call, none kept)."""
    return ThreadPoolExecutor(max_workers=_KERNEL_THREADS - 1, thread_name_prefix="ovop-geo-zonal")


def _split_runs(pool, reduce, flat, runs, run_area) -> None:
    """Reduce the runs of one block in halves: the second on the pool, the first here.

    ``reduce(part, values, run_labels, starts, run_area, end)`` adds runs to accumulator set
    ``part``; a half ends where the next begins (``end``), the last at the block's end.
    """
    run_labels, starts = runs
    half = starts.size // 2
    if half < 64:  # a few runs: not worth a thread
        reduce(0, flat, run_labels, starts, run_area, flat.size)
        return
    second = pool.submit(reduce, 1, flat, run_labels[half:], starts[half:], run_area[half:],
                         flat.size)  # fmt: skip
    reduce(0, flat, run_labels[:half], starts[:half], run_area[:half], int(starts[half]))
    second.result()


def _nodata_args(nodata: float | None) -> tuple[float, bool]:
    """(nodata value, whether to compare with it) for the kernels (NaN is always skipped)."""
    if nodata is None or math.isnan(nodata):
        return 0.0, False
    return float(nodata), True


def _select(labels, values, valid, row_area, geographic):
    """Pixels that belong to a village and have data: labels, values and pixel areas (or None)."""
    sel = valid & (labels != 0)
    if not sel.any():
        return None
    lab = labels[sel].astype(np.intp)
    vals = values[sel]
    area = np.broadcast_to(row_area[:, None], labels.shape)[sel] if geographic else None
    return lab, vals, area


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
    n = len(grid.codes) + 1
    order = np.argsort(thresholds, kind="stable")
    sorted_t = np.asarray(thresholds, dtype=np.float64)[order]
    # two sets of accumulators: the runs of each block are split in two halves reduced at once
    # on two threads (the kernels release the GIL), then the sets are combined
    sets = [
        (np.zeros(n), np.zeros(n), np.full(n, np.inf), np.full(n, -np.inf), np.zeros(n),
         np.zeros((len(thresholds), n)))
        for _ in range(_KERNEL_THREADS)
    ]  # fmt: skip
    nodata, use_nodata = _nodata_args(info.nodata)

    def reduce(part, flat, run_labels, starts, run_area, end):
        count, total, vmin, vmax, area, below = sets[part]
        _stats_kernel(flat, end, nodata, use_nodata, run_labels, starts, run_area, sorted_t,
                      count, total, vmin, vmax, area, below)  # fmt: skip

    with _kernel_pool() as pool:
        for k, values, r0 in _iter_blocks(grid, info, cache_mb):
            flat = values.ravel()
            for runs in (grid._runs(k), grid._runs(k, extra=True)):
                if runs is not None:
                    run_area = row_area[r0 + runs[1] // info.width]
                    _split_runs(pool, reduce, flat, runs, run_area)
    count, total, vmin, vmax, area, below_sorted = sets[0]
    for c, t_, lo, hi, a, b in sets[1:]:
        count += c
        total += t_
        np.minimum(vmin, lo, out=vmin)
        np.maximum(vmax, hi, out=vmax)
        area += a
        below_sorted += b
    below_all = np.empty_like(below_sorted)
    below_all[order] = below_sorted
    count, total, area = count[1:], total[1:], area[1:]
    vmin, vmax = vmin[1:], vmax[1:]
    below = [b[1:] for b in below_all]
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
    row_area = pixel_area_m2_by_row(info)
    px_area = float(row_area[0])
    n = len(grid.codes) + 1
    acc = _ClassAccumulator(n, info.path)
    nodata, use_nodata = _nodata_args(info.nodata)
    eight_bit = np.dtype(info.dtype) in (np.dtype(np.uint8), np.dtype(np.int8))
    # 8-bit classes (the usual land-use raster): one compiled pass, areas per (label, value)
    offset = -128 if np.dtype(info.dtype) == np.dtype(np.int8) else 0
    directs = [np.zeros((n, 256)) for _ in range(_KERNEL_THREADS)] if eight_bit else None

    def reduce(part, flat, run_labels, starts, run_area, end):
        _classes_kernel(flat, end, offset, 256, nodata, use_nodata, run_labels, starts, run_area,
                        directs[part])  # fmt: skip

    with _kernel_pool() as pool:
        for k, values, r0 in _iter_blocks(grid, info, cache_mb):
            for extra in (False, True):
                runs = grid._runs(k, extra)
                if runs is None:
                    continue
                if directs is not None:
                    run_area = row_area[r0 + runs[1] // info.width]
                    _split_runs(pool, reduce, values.ravel(), runs, run_area)
                    continue
                lab_grid = grid._labels(k, values.shape, extra=extra)
                valid = _valid(values, info.nodata)
                picked = _select(lab_grid, values, valid, row_area[r0 : r0 + len(values)], True)
                if picked is not None:
                    acc.add(*picked, px_area)
    direct = None if directs is None else sum(directs[1:], directs[0])
    if direct is not None:
        for col in np.flatnonzero(direct.any(axis=0)):
            acc._column(int(col) + offset)[:] += direct[:, col]
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
