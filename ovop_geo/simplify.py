"""Lighter village borders for maps: shared edges simplified together, at a tolerance in metres.

Used by the interactive maps (:mod:`ovop_geo.render`) and by anything else that draws villages.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import geopandas as gpd
import shapely

from ovop_geo.errors import InputDataError, ParameterError
from ovop_geo.validate import require_crs

__all__ = ["auto_tolerance_m", "check_crs", "simplify_coverage"]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())


def check_crs(frame: gpd.GeoDataFrame, what: str) -> None:
    """Raise the project's "no CRS" error when ``frame`` has no CRS (``what`` names it)."""
    require_crs(frame.crs, what)


def auto_tolerance_m(villages: gpd.GeoDataFrame, *, map_width_px: int = 1000) -> float:
    """Simplification tolerance in metres: half a screen pixel at the zoom that fits the region.

    Parameters
    ----------
    villages : geopandas.GeoDataFrame
        Village polygons in any CRS.
    map_width_px : int
        Width of the map in pixels when the whole region is shown.

    Returns
    -------
    float
        Tolerance in metres (for example about 13 m for Rasau Jaya, 26 km across; about 300 m
        for Kalimantan Barat, 615 km across).
    """
    check_crs(villages, "villages")
    if villages.empty:
        return 0.0
    xmin, ymin, xmax, ymax = villages.to_crs(villages.estimate_utm_crs()).total_bounds
    return max(xmax - xmin, ymax - ymin) / (2 * map_width_px)


def simplify_coverage(
    villages: gpd.GeoDataFrame,
    *,
    tolerance_m: float | None = None,
    decimals: int = 5,
    keep_columns: Sequence[str] | None = None,
) -> gpd.GeoDataFrame:
    """Simplify village polygons together so that neighbours keep sharing their borders.

    The polygons are projected to their UTM zone and simplified as one coverage with
    :func:`shapely.coverage_simplify` (a shared edge is simplified once, for both sides).
    Invalid polygons are repaired with :func:`shapely.make_valid` first. The bundled boundaries
    are not a perfect coverage (slight overlaps); coverage simplification still keeps every
    exactly shared edge shared there. Rule for failures: a polygon whose simplified shape is
    empty or invalid keeps its unsimplified (repaired) shape. Coordinates are finally snapped
    to a ``10**-decimals`` degree grid (5 decimals: about 1.1 m) to cut bytes; shared vertices
    snap to the same point.

    Parameters
    ----------
    villages : geopandas.GeoDataFrame
        Village polygons with a CRS, indexed by village code.
    tolerance_m : float, optional
        Maximum distance in metres between a border and its simplified version; by default
        :func:`auto_tolerance_m`.
    decimals : int
        Decimal places kept in the EPSG:4326 output coordinates.
    keep_columns : sequence of str, optional
        Columns to keep (the geometry is always kept); all columns by default.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame in EPSG:4326 with the same index; the input is not modified.
    """
    check_crs(villages, "villages")
    if keep_columns is not None:
        missing = [c for c in keep_columns if c not in villages.columns]
        if missing:
            raise InputDataError(
                f"villages: columns not found: {', '.join(missing)}. "
                f"Available: {', '.join(map(str, villages.columns))}."
            )
        villages = villages[[*keep_columns, villages.geometry.name]]
    out = villages.copy()
    if out.empty:
        return out.to_crs(4326)
    tolerance = auto_tolerance_m(out) if tolerance_m is None else float(tolerance_m)
    if not (math.isfinite(tolerance) and tolerance >= 0):
        raise ParameterError(f"tolerance_m must be a number >= 0 metres, got {tolerance_m}.")
    projected = out.geometry.to_crs(out.estimate_utm_crs())
    geoms = projected.to_numpy()
    bad = ~shapely.is_valid(geoms)
    geoms[bad] = shapely.make_valid(geoms[bad])
    simplified = shapely.coverage_simplify(geoms, tolerance) if tolerance > 0 else geoms
    failed = shapely.is_empty(simplified) | ~shapely.is_valid(simplified)
    simplified[failed] = geoms[failed]
    logger.info(
        "Simplified %d villages at %.1f m: %d -> %d vertices (%d repaired, %d kept as they were)",
        len(geoms), tolerance, shapely.get_num_coordinates(geoms).sum(),
        shapely.get_num_coordinates(simplified).sum(), int(bad.sum()), int(failed.sum()),
    )  # fmt: skip
    lonlat = gpd.GeoSeries(simplified, index=out.index, crs=projected.crs).to_crs(4326)
    out = out.set_geometry(lonlat.set_precision(10.0**-decimals).to_numpy(), crs=4326)
    return out
