"""Raster helpers: bounded GDAL settings, raster metadata, blocked reading and slope (Horn).

Every raster read in ovop_geo goes through :func:`gdal_env`, which bounds GDAL's block cache so
that memory stays small whatever the raster size. Rasters are read in row blocks (full width,
``block_rows`` rows at a time).

Slope
-----
:func:`slope_array` implements Horn's (1981) 3x3 finite difference (weights 1-2-1), the method
used by GDAL's ``gdaldem slope`` and ArcGIS:

    dz/dx = ((c + 2f + i) - (a + 2d + g)) / (8 * dx)
    dz/dy = ((g + 2h + i) - (a + 2b + c)) / (8 * dy)
    slope = sqrt(dz/dx**2 + dz/dy**2)              (rise over run; x100 for percent)

with ``a b c / d e f / g h i`` the 3x3 window around ``e``. Elevations are in metres.

* Pixel size in metres: a projected CRS uses the transform (times the CRS's linear unit). A
  geographic (lon/lat) DEM is *not* reprojected; instead each row gets its own spacing,
  ``dx = xres_deg * 111320 * cos(lat_row)`` and ``dy = yres_deg * 110574`` (metres per degree of
  the WGS 84 ellipsoid near the equator), which keeps the original grid and is accurate to a few
  parts per thousand at the latitudes of Indonesia.
* Nodata: a nodata (or NaN) cell stays nodata, and every cell whose 3x3 window touches a nodata cell
  gets nodata (no guessing across gaps).
* Edges: the DEM is extended by one cell with *linear extrapolation* (odd reflection,
  ``z[-1] = 2 z[0] - z[1]``), so a plane gives its true slope up to the border. (Replicating the
  edge value would halve the slope on the border cells of a plane.)
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
import shapely
from pyproj import CRS as PyprojCRS
from pyproj import Geod
from rasterio.crs import CRS
from rasterio.errors import NotGeoreferencedWarning, RasterioError
from rasterio.transform import Affine
from rasterio.windows import Window

from ovop_geo.errors import InputDataError, ParameterError, raise_problems
from ovop_geo.messages import msg
from ovop_geo.validate import crs_missing

__all__ = [
    "DEFAULT_BLOCK_ROWS",
    "DEFAULT_CACHE_MB",
    "DEFAULT_MAX_PIXELS",
    "M_PER_DEG_LAT",
    "M_PER_DEG_LON_EQUATOR",
    "SLOPE_NODATA",
    "Overview",
    "RasterInfo",
    "coverage_fractions",
    "footprint_view",
    "gdal_env",
    "iter_row_blocks",
    "overview_web_mercator",
    "pixel_area_m2_by_row",
    "pixel_window",
    "png_data_url",
    "raster_read_error",
    "read_raster_info",
    "slope_array",
    "slope_from_dem",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

DEFAULT_CACHE_MB = 64
"""Default bound on GDAL's block cache, in megabytes."""
DEFAULT_BLOCK_ROWS = 512
"""Default number of raster rows read at a time."""
M_PER_DEG_LON_EQUATOR = 111320.0
"""Metres per degree of longitude at the equator (multiply by cos(latitude))."""
M_PER_DEG_LAT = 110574.0
"""Metres per degree of latitude near the equator."""
SLOPE_NODATA = -9999.0
"""Nodata value written in slope GeoTIFFs."""
_MIN_COVERAGE = 1e-6
_SLOPE_STRIP_CELLS = 1 << 22  # cells per slope strip (about 34 MB per float64 temporary)

_SLOPE_UNITS = ("percent", "degrees")


def gdal_env(cache_mb: int = DEFAULT_CACHE_MB, **options) -> rasterio.Env:
    """Return a ``rasterio.Env`` that bounds GDAL's block cache.

    Parameters
    ----------
    cache_mb : int, default 64
        Upper bound of GDAL's raster block cache, in megabytes.
    **options
        Further GDAL configuration options passed to ``rasterio.Env``.

    Returns
    -------
    rasterio.Env
        Use as ``with gdal_env(): ...`` around every raster read.
    """
    if int(cache_mb) < 1:
        raise ParameterError(f"cache_mb must be at least 1 megabyte, got {cache_mb}.")
    # GDAL reads values below 100,000 as megabytes.
    return rasterio.Env(GDAL_CACHEMAX=int(cache_mb), **options)


#: Upper bound of width × height of a raster accepted by :func:`read_raster_info` (cells); the
#: manifest's ``[checks] max_raster_pixels`` changes it for a region.
DEFAULT_MAX_PIXELS = 2_000_000_000


@dataclass(frozen=True)
class RasterInfo:
    """Grid and metadata of band 1 of a raster (no pixel values): the one raster description.

    Attributes
    ----------
    path : str
        The file to open (for an upload, its temporary copy: never shown to the user).
    crs : rasterio.crs.CRS
        The raster's CRS (never None from :func:`read_raster_info`: rasters without one are
        refused).
    transform : affine.Affine
        Pixel-to-CRS transform (north-up, no rotation).
    width, height : int
        Size in pixels.
    nodata : float or None
        Nodata value of band 1.
    dtype : str
        Data type of band 1.
    display_name : str
        The file as the user knows it (for messages); default: the file name of ``path``.
    count : int
        Number of bands.
    """

    path: str
    crs: CRS
    transform: Affine
    width: int
    height: int
    nodata: float | None
    dtype: str
    display_name: str = ""
    count: int = 1

    @property
    def name(self) -> str:
        """The file as the user knows it: never a temporary path."""
        return self.display_name or Path(self.path).name

    @property
    def is_geographic(self) -> bool:
        """True when the CRS is lon/lat (degrees)."""
        return bool(self.crs.is_geographic)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in the raster's CRS."""
        t = self.transform
        xs = (t.c, t.c + t.a * self.width)
        ys = (t.f, t.f + t.e * self.height)
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def res(self) -> tuple[float, float]:
        """(x, y) size of a pixel in CRS units (positive)."""
        return abs(self.transform.a), abs(self.transform.e)

    def same_grid(self, other: RasterInfo) -> bool:
        """True when ``other`` has the same CRS, transform and size."""
        return (
            self.crs == other.crs
            and self.width == other.width
            and self.height == other.height
            and self.transform.almost_equals(other.transform, precision=1e-9)
        )


def read_raster_info(
    path: str | os.PathLike,
    *,
    display_name: str | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> RasterInfo:
    """Read the grid and metadata of a raster file and refuse what the analysis cannot use.

    The one raster reader: only the header is read. A missing, empty or unreadable file, a
    raster with no CRS, no georeferencing (identity transform), a rotated grid, or more than
    ``max_pixels`` cells is refused before any pixel is read, every problem in one message.

    Parameters
    ----------
    path : str or path-like
        A raster GDAL can open (GeoTIFF expected).
    display_name : str, optional
        The file as the user knows it, used in messages instead of ``path``.
    max_pixels : int
        Upper bound of width × height (declared size, whatever the file's size on disk).

    Returns
    -------
    RasterInfo

    Raises
    ------
    InputDataError
        Every problem found, naming the file as the user knows it.
    """
    from ovop_geo.io import check_input_file, unreadable_reason

    shown = display_name or Path(path).name
    check_input_file(Path(path), shown)
    try:
        # A file without a geotransform makes rasterio warn; it is refused explicitly below.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with gdal_env(), rasterio.open(path) as src:
                info = RasterInfo(
                    path=str(path),
                    crs=src.crs,
                    transform=src.transform,
                    width=src.width,
                    height=src.height,
                    nodata=src.nodata,
                    dtype=src.dtypes[0],
                    display_name=shown,
                    count=src.count,
                )
    except (RasterioError, OSError, ValueError) as err:
        raise InputDataError(
            msg("raster.unreadable", name=shown, what=unreadable_reason(Path(path), err, shown)),
            path=shown,
        ) from err
    problems = []
    if info.width * info.height > max_pixels:
        problems.append(
            msg("raster.too_large", width=info.width, height=info.height, limit=max_pixels)
        )
    if info.crs is None:
        problems.append(crs_missing(raster=True))
    if info.transform.is_identity:
        problems.append(msg("raster.no_geotransform"))
    elif info.transform.b != 0 or info.transform.d != 0:
        problems.append(msg("raster.rotated"))
    raise_problems(shown, problems)
    return info


def raster_read_error(info: RasterInfo, err: BaseException) -> InputDataError:
    """A damaged raster found while reading its pixels (truncated file, bad tile), as an error.

    It is the project's error, naming the file as the user knows it (never GDAL's path).
    """
    return InputDataError(msg("raster.damaged", name=info.name), path=info.name)


_GDAL_TYPES = {
    "uint8": "Byte",
    "int8": "Int8",
    "uint16": "UInt16",
    "int16": "Int16",
    "uint32": "UInt32",
    "int32": "Int32",
    "uint64": "UInt64",
    "int64": "Int64",
    "float32": "Float32",
    "float64": "Float64",
}
#: A footprint view is made only when it saves at least this share of the raster's cells.
_VIEW_MIN_SAVING = 0.1


def footprint_view(
    info: RasterInfo,
    bounds: tuple[float, float, float, float],
    folder: str | os.PathLike,
    *,
    halo: int = 2,
) -> RasterInfo:
    """The part of a raster under ``bounds`` (plus ``halo`` cells), as a small VRT in ``folder``.

    Work on a raster then follows the villages' footprint, not the raster's declared size: a
    province DEM read for one kecamatan reads only the kecamatan's window. The view has the same
    pixels, resolution and CRS (a GDAL VRT referencing the source window; nothing is copied).

    Parameters
    ----------
    info : RasterInfo
        From :func:`read_raster_info`.
    bounds : tuple
        (minx, miny, maxx, maxy) in the raster's CRS (the villages' total bounds).
    folder : path-like
        Where the VRT file is written (a temporary folder of the caller).
    halo : int
        Extra cells on each side (slope needs one neighbour; two keep a margin).

    Returns
    -------
    RasterInfo
        The view, or ``info`` itself when the window would not save much or misses the raster
        (the caller's checks then report that the raster does not cover the villages).
    """
    win = pixel_window(info, shapely.box(*bounds))
    if win is None or info.dtype not in _GDAL_TYPES:
        return info
    r0, r1, c0, c1 = win
    r0, c0 = max(r0 - halo, 0), max(c0 - halo, 0)
    r1, c1 = min(r1 + halo, info.height), min(c1 + halo, info.width)
    if (r1 - r0) * (c1 - c0) > (1 - _VIEW_MIN_SAVING) * info.width * info.height:
        return info
    from xml.sax.saxutils import escape

    t = info.transform
    transform = Affine(t.a, t.b, t.c + c0 * t.a, t.d, t.e, t.f + r0 * t.e)
    width, height = c1 - c0, r1 - r0
    nodata = "" if info.nodata is None else f"<NoDataValue>{info.nodata!r}</NoDataValue>"
    source = escape(str(Path(info.path).resolve()))
    xml = (
        f'<VRTDataset rasterXSize="{width}" rasterYSize="{height}">'
        f"<SRS>{escape(info.crs.to_wkt())}</SRS>"
        f"<GeoTransform>{transform.c!r}, {transform.a!r}, 0, {transform.f!r}, 0, "
        f"{transform.e!r}</GeoTransform>"
        f'<VRTRasterBand dataType="{_GDAL_TYPES[info.dtype]}" band="1">{nodata}'
        f'<SimpleSource><SourceFilename relativeToVRT="0">{source}</SourceFilename>'
        f"<SourceBand>1</SourceBand>"
        f'<SrcRect xOff="{c0}" yOff="{r0}" xSize="{width}" ySize="{height}"/>'
        f'<DstRect xOff="0" yOff="0" xSize="{width}" ySize="{height}"/>'
        f"</SimpleSource></VRTRasterBand></VRTDataset>"
    )
    fd, vrt = tempfile.mkstemp(prefix="view-", suffix=".vrt", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(xml)
    logger.info(
        "Reading %s through a %dx%d window of its %dx%d cells",
        info.name,
        width,
        height,
        info.width,
        info.height,
    )
    return RasterInfo(
        path=vrt,
        crs=info.crs,
        transform=transform,
        width=width,
        height=height,
        nodata=info.nodata,
        dtype=info.dtype,
        display_name=info.name,
        count=1,
    )


def iter_row_blocks(height: int, block_rows: int = DEFAULT_BLOCK_ROWS) -> Iterator[tuple[int, int]]:
    """Yield ``(first_row, end_row)`` pairs covering ``range(height)`` in blocks of rows."""
    if block_rows < 1:
        raise ParameterError(f"block_rows must be at least 1, got {block_rows}.")
    for r0 in range(0, height, block_rows):
        yield r0, min(r0 + block_rows, height)


def _row_latitudes(info: RasterInfo, r0: int, r1: int) -> np.ndarray:
    """Latitudes (degrees) of the centres of rows r0..r1-1 of a geographic raster."""
    t = info.transform
    return t.f + t.e * (np.arange(r0, r1) + 0.5)


def _pixel_size_m(info: RasterInfo, r0: int, r1: int) -> tuple[np.ndarray, float]:
    """The x spacing per row (metres, array) and y spacing (metres) for rows r0..r1-1."""
    t = info.transform
    if info.is_geographic:
        lat = np.radians(_row_latitudes(info, r0, r1))
        return abs(t.a) * M_PER_DEG_LON_EQUATOR * np.cos(lat), abs(t.e) * M_PER_DEG_LAT
    factor = info.crs.linear_units_factor[1]
    return np.full(r1 - r0, abs(t.a) * factor), abs(t.e) * factor


def pixel_area_m2_by_row(info: RasterInfo) -> np.ndarray:
    """Area of one pixel in each row, in square metres.

    Parameters
    ----------
    info : RasterInfo

    Returns
    -------
    numpy.ndarray
        ``info.height`` values. Projected CRS: constant, from the transform and the CRS's linear
        unit. Geographic CRS: the geodesic area of a cell on the CRS's ellipsoid in each row.
    """
    t = info.transform
    if not info.is_geographic:
        factor = info.crs.linear_units_factor[1]
        return np.full(info.height, abs(t.a * t.e) * factor * factor)
    ellipsoid = PyprojCRS.from_user_input(info.crs).ellipsoid
    geod = Geod(a=ellipsoid.semi_major_metre, rf=ellipsoid.inverse_flattening)
    top = t.f + t.e * np.arange(info.height)
    bottom = top + t.e
    dx = abs(t.a)
    areas = np.empty(info.height)
    for row, (y0, y1) in enumerate(zip(top, bottom, strict=True)):
        area, _ = geod.polygon_area_perimeter([0.0, dx, dx, 0.0], [y0, y0, y1, y1])
        areas[row] = abs(area)
    return areas


def _pad_odd(z: np.ndarray, *, top: bool, bottom: bool) -> np.ndarray:
    """Extend columns on both sides (and rows where asked) by linear extrapolation."""
    z = np.concatenate([2 * z[:, :1] - z[:, 1:2], z, 2 * z[:, -1:] - z[:, -2:-1]], axis=1)
    parts = [z]
    if top:
        parts.insert(0, 2 * z[:1] - z[1:2])
    if bottom:
        parts.append(2 * z[-1:] - z[-2:-1])
    return np.concatenate(parts, axis=0) if len(parts) > 1 else z


def _horn(p: np.ndarray, dx: np.ndarray, dy: float, units: str) -> np.ndarray:
    """Slope of the interior of a padded float array ``p`` (NaN = nodata).

    Differences are taken before they are weighted, ``(c - a) + 2 (f - d) + (i - g)``, which is
    Horn's formula regrouped: fewer temporaries, and no large sums cancelling in float32.
    """
    a, b, c = p[:-2, :-2], p[:-2, 1:-1], p[:-2, 2:]
    d, f = p[1:-1, :-2], p[1:-1, 2:]
    g, h, i = p[2:, :-2], p[2:, 1:-1], p[2:, 2:]
    dzdx = (c - a) + 2 * (f - d) + (i - g)
    dzdx /= (8.0 * dx[:, None]).astype(p.dtype)
    dzdy = (g - a) + 2 * (h - b) + (i - c)
    dzdy /= p.dtype.type(8.0 * dy)
    rise = np.hypot(dzdx, dzdy)
    rise[np.isnan(p[1:-1, 1:-1])] = np.nan  # Horn ignores the centre cell: keep its nodata
    if units == "degrees":
        return np.degrees(np.arctan(rise))
    return 100.0 * rise


def _check_units(units: str) -> None:
    if units not in _SLOPE_UNITS:
        raise ParameterError(f"units must be one of {', '.join(_SLOPE_UNITS)}; got {units!r}.")


def _as_float(dem: np.ndarray, nodata: float | None, dtype=np.float64) -> np.ndarray:
    z = np.asarray(dem, dtype=dtype)
    if nodata is not None and not (isinstance(nodata, float) and math.isnan(nodata)):
        z = np.where(z == nodata, np.nan, z)
    return z


def slope_array(
    dem: np.ndarray,
    *,
    xres_m: float | np.ndarray,
    yres_m: float,
    nodata: float | None = None,
    units: str = "percent",
) -> np.ndarray:
    """Slope of a DEM array by Horn's method.

    Parameters
    ----------
    dem : numpy.ndarray
        2-D elevations in metres, at least 2x2.
    xres_m : float or numpy.ndarray
        Pixel width in metres, one value or one per row (geographic DEMs).
    yres_m : float
        Pixel height in metres (positive).
    nodata : float, optional
        Value marking missing elevations (NaN is always missing).
    units : {"percent", "degrees"}
        Slope units: percent rise (100 * rise / run) or degrees from horizontal.

    Returns
    -------
    numpy.ndarray
        float32 slope of the same shape; NaN where the cell or any cell of its 3x3 window is
        nodata. Edges use linear extrapolation, so a plane has its true slope everywhere.
    """
    _check_units(units)
    z = _as_float(dem, nodata)
    if z.ndim != 2 or min(z.shape) < 2:
        raise ParameterError(f"the DEM must be a 2-D array of at least 2x2 cells, got {z.shape}.")
    dx = np.broadcast_to(np.asarray(xres_m, dtype=np.float64), (z.shape[0],))
    if np.any(dx <= 0) or yres_m <= 0:
        raise ParameterError("pixel sizes xres_m and yres_m must be positive metres.")
    return _horn(_pad_odd(z, top=True, bottom=True), dx, float(yres_m), units).astype(np.float32)


def _default_slope_path(src: Path, units: str) -> Path:
    suffix = "pct" if units == "percent" else "deg"
    return src.with_name(f"{src.stem}_slope_{suffix}.tif")


def _output_profile(info: RasterInfo) -> dict:
    profile = {
        "driver": "GTiff",
        "width": info.width,
        "height": info.height,
        "count": 1,
        "dtype": "float32",
        "crs": info.crs,
        "transform": info.transform,
        "nodata": SLOPE_NODATA,
        # ZSTD at level 1: writes about 1.6x faster than DEFLATE for the same size (measured on
        # the 90 m province slope: 2.7 s against 4.5 s, 83 MB against 79 MB).
        "compress": "zstd",
        "zstd_level": 1,
        "predictor": 3,
        "BIGTIFF": "IF_SAFER",
        # tiles compressed on two threads (GDAL's NUM_THREADS): the same bytes, about 1.5x
        # faster on the 90 m province slope (measured side by side on this 2-core machine)
        "num_threads": str(max(1, min(2, os.cpu_count() or 1))),
    }
    if info.width >= 256 and info.height >= 256:
        profile.update(tiled=True, blockxsize=256, blockysize=256)
    return profile


def slope_from_dem(
    src_path: str | os.PathLike | RasterInfo,
    dst_path: str | os.PathLike | None = None,
    *,
    units: str = "percent",
    block_rows: int = DEFAULT_BLOCK_ROWS,
    cache_mb: int = DEFAULT_CACHE_MB,
) -> Path:
    """Compute the slope of a DEM file and write it as a tiled, compressed GeoTIFF.

    The DEM is processed in blocks of ``block_rows`` rows with a one-row halo above and below, so
    memory stays bounded whatever the raster size. The output is written to a temporary file in
    the destination folder and moved into place at the end: no partial file is left on failure.

    Parameters
    ----------
    src_path : str or path-like
        DEM (elevations in metres) in a projected CRS (pixel size from the transform) or a
        geographic CRS (metres per degree computed for each row's latitude).
    dst_path : str or path-like, optional
        Output GeoTIFF; default ``<dem>_slope_pct.tif`` (or ``_slope_deg``) beside the DEM.
    units : {"percent", "degrees"}
        Slope units.
    block_rows : int, default 512
        Rows processed at a time, at most; wide rasters use fewer rows (about 4 million cells
        per strip, in whole 256-row tiles) so that memory stays bounded whatever the width.
    cache_mb : int, default 64
        Bound on GDAL's block cache, in megabytes.

    Returns
    -------
    pathlib.Path
        The written file: float32, same grid and CRS as the DEM, nodata -9999.

    Raises
    ------
    InputDataError
        The DEM cannot be opened, has no CRS, or is smaller than 2x2 cells.
    """
    _check_units(units)
    info = src_path if isinstance(src_path, RasterInfo) else read_raster_info(src_path)
    src_path = Path(info.path)
    if info.width < 2 or info.height < 2:
        raise InputDataError(
            f"{info.name}: the DEM has {info.width}x{info.height} cells; slope needs at least 2x2.",
            path=info.name,
        )
    dst = Path(dst_path) if dst_path is not None else _default_slope_path(src_path, units)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dst.stem}.", suffix=".tif", dir=dst.parent)
    os.close(fd)
    try:
        with (
            gdal_env(cache_mb),
            rasterio.open(src_path) as src,
            rasterio.open(tmp_name, "w", **_output_profile(info)) as out,
        ):
            # a float64 strip and its temporaries: cap the strip's cells, not only its rows, but
            # keep whole rows of 256-row tiles (a partly written compressed tile costs a rewrite)
            rows = min(block_rows, _SLOPE_STRIP_CELLS // max(info.width, 1))
            rows = max(rows // 256 * 256, min(block_rows, 256))
            for r0, r1 in iter_row_blocks(info.height, rows):
                h0, h1 = max(r0 - 1, 0), min(r1 + 1, info.height)
                # float32 is exact enough for slopes (elevation steps of 0.1 mm at 2,000 m) and
                # halves the memory traffic of the strip.
                try:
                    block = src.read(1, window=Window(0, h0, info.width, h1 - h0))
                except RasterioError as err:  # truncated file, damaged tile
                    raise raster_read_error(info, err) from err
                z = _as_float(block, src.nodata, np.float32)
                padded = _pad_odd(z, top=r0 == 0, bottom=r1 == info.height)
                dx, dy = _pixel_size_m(info, r0, r1)
                slope = _horn(padded, dx, dy, units)
                slope = np.where(np.isnan(slope), SLOPE_NODATA, slope).astype(np.float32)
                out.write(slope, 1, window=Window(0, r0, info.width, r1 - r0))
        os.replace(tmp_name, dst)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    logger.info(
        "Wrote slope (%s) of %dx%d DEM '%s' to '%s'", units, info.width, info.height, info.name, dst
    )
    return dst


def pixel_window(info: RasterInfo, geom) -> tuple[int, int, int, int] | None:
    """Pixel window ``(r0, r1, c0, c1)`` covering a geometry's bounds, clipped to the raster.

    The geometry is in the raster's CRS; returns None when the window is empty (off the raster).
    """
    minx, miny, maxx, maxy = shapely.bounds(geom)
    inv = ~info.transform
    cols, rows = zip(*(inv @ (x, y) for x in (minx, maxx) for y in (miny, maxy)), strict=True)
    r0, r1 = max(math.floor(min(rows)), 0), min(math.ceil(max(rows)), info.height)
    c0, c1 = max(math.floor(min(cols)), 0), min(math.ceil(max(cols)), info.width)
    if r1 <= r0 or c1 <= c0:
        return None
    return r0, r1, c0, c1


def coverage_fractions(info: RasterInfo, geom, win) -> np.ndarray:
    """Fraction (0-1) of each pixel of a window covered by a polygon, exact (shapely clipping).

    Parameters
    ----------
    info : RasterInfo
    geom : shapely geometry
        Polygon in the raster's CRS.
    win : tuple of int
        ``(r0, r1, c0, c1)`` from :func:`pixel_window`.

    Returns
    -------
    numpy.ndarray
        Shape ``(r1 - r0, c1 - c0)``; slivers under a millionth of a pixel (rounding noise from
        reprojection) count as 0.
    """
    r0, r1, c0, c1 = win
    t = info.transform
    xs = t.c + t.a * np.arange(c0, c1 + 1)
    ys = t.f + t.e * np.arange(r0, r1 + 1)
    x0, x1 = np.minimum(xs[:-1], xs[1:]), np.maximum(xs[:-1], xs[1:])
    y0, y1 = np.minimum(ys[:-1], ys[1:]), np.maximum(ys[:-1], ys[1:])
    boxes = shapely.box(x0[None, :], y0[:, None], x1[None, :], y1[:, None])
    frac = np.zeros(boxes.shape)
    shapely.prepare(geom)
    full = shapely.contains_properly(geom, boxes)
    part = ~full & shapely.intersects(geom, boxes)
    frac[full] = 1.0
    if part.any():
        frac[part] = shapely.area(shapely.intersection(boxes[part], geom)) / abs(t.a * t.e)
    # slivers below a millionth of a pixel are rounding noise (e.g. from reprojection)
    frac[frac < _MIN_COVERAGE] = 0.0
    return np.clip(frac, 0.0, 1.0)


# --------------------------------------------------------------------------- map overviews


@dataclass(frozen=True, eq=False)
class Overview:
    """A small copy of a raster in Web Mercator for a map image (NaN for nodata).

    Attributes
    ----------
    values : numpy.ndarray
        ``(rows, cols)`` float32, north up, on an EPSG:3857 grid (the map's own projection).
    bounds : tuple
        ``((south, west), (north, east))`` of that grid, in degrees (EPSG:4326).
    """

    values: np.ndarray
    bounds: tuple[tuple[float, float], tuple[float, float]]


def overview_web_mercator(path: str | os.PathLike, *, max_size_px: int = 800) -> Overview:
    """Resample band 1 of a raster (average) to Web Mercator, at most ``max_size_px`` a side.

    Parameters
    ----------
    path : path-like
        A raster with a CRS (for example the slope raster of :func:`slope_from_dem`).
    max_size_px : int
        Largest width or height of the overview in cells.

    Returns
    -------
    Overview
    """
    from rasterio.transform import array_bounds
    from rasterio.warp import Resampling, calculate_default_transform, reproject, transform_bounds

    with gdal_env(), rasterio.open(path) as src:
        transform, width, height = calculate_default_transform(
            src.crs, "EPSG:3857", src.width, src.height, *src.bounds
        )
        scale = max(width, height) / max(int(max_size_px), 1)
        if scale > 1:
            width, height = max(round(width / scale), 1), max(round(height / scale), 1)
            transform, width, height = calculate_default_transform(
                src.crs, "EPSG:3857", src.width, src.height, *src.bounds,
                dst_width=width, dst_height=height,
            )  # fmt: skip
        values = np.full((height, width), np.nan, dtype=np.float32)
        reproject(
            source=rasterio.band(src, 1), destination=values, src_nodata=src.nodata,
            dst_transform=transform, dst_crs="EPSG:3857", dst_nodata=np.nan,
            resampling=Resampling.average,
        )  # fmt: skip
    west, south, east, north = transform_bounds(
        "EPSG:3857", "EPSG:4326", *array_bounds(height, width, transform)
    )
    return Overview(values=values, bounds=((south, west), (north, east)))


def png_data_url(rgba: np.ndarray) -> str:
    """An RGBA image (``rows, cols, 4`` uint8) as a ``data:image/png;base64,...`` URL (GDAL)."""
    import base64

    from rasterio.io import MemoryFile

    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    if rgba.ndim != 3 or rgba.shape[2] != 4:
        raise ParameterError(f"png_data_url needs a (rows, cols, 4) array, got {rgba.shape}.")
    height, width = rgba.shape[:2]
    with warnings.catch_warnings(), gdal_env():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)  # a picture, not a map layer
        with MemoryFile() as mem:
            with mem.open(driver="PNG", width=width, height=height, count=4, dtype="uint8") as dst:
                dst.write(np.moveaxis(rgba, 2, 0))
            data = mem.read()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
