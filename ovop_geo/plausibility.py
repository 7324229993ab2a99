"""Plausibility checks of a region's inputs, with stated bounds a manifest can change.

A file can be read without error and still be wrong: degrees labelled as metres, a village drawn
twice, 100,000 ha of rice harvested in a village of 1,353 ha. These checks catch such inputs
after they are read. Each finding is a *refusal* (the analysis would be wrong: the region is not
loaded) or a *warning* (unusual but possible: shown in the command line, the app and
``run.json``). The bounds are the fields of :class:`Bounds`; a manifest changes them in its
``[checks]`` table (see ``docs/inputs.md``), for example ``max_overlap_share = 0.05``.

Functions here never open files; they take the frames :mod:`ovop_geo.region` has read.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ovop_geo.errors import ParameterError, format_items
from ovop_geo.messages import msg

__all__ = ["DEFAULT_BOUNDS", "Bounds", "Findings", "check_harvest", "check_villages"]


@dataclass(frozen=True)
class Bounds:
    """Bounds of the plausibility checks and limits of the work done on inputs.

    Attributes
    ----------
    max_raster_pixels : int
        Largest declared width × height of a raster, in cells (2 billion: a 30 m DEM of
        1,800 × 1,000 km, far more than a province; a limit on work, not on plausibility).
    expected_extent : tuple of float
        (west, south, east, north) in degrees (EPSG:4326) where villages must lie: Indonesia
        with a margin (94.5 to 141.5 E, 11.5 S to 6.5 N, the extent of its territory from
        Sabang to Merauke and Rote to Miangas, rounded outwards). Set another for other countries.
    min_village_area_ha : float
        Villages smaller than this get a warning (assumption: 1 ha; the smallest urban
        kelurahan of Indonesia cover a few hectares). A village of zero area is refused.
    max_village_area_ha : float
        Villages larger than this get a warning (assumption: 500,000 ha; the largest desa of
        Papua cover a few thousand km²).
    reported_area_tolerance : float
        Share by which the villages' total area may differ from ``[region] area_km2_reported``
        before a warning (0.25 = 25 %).
    overlap_warning_share : float
        Two villages overlapping by more than this share of the smaller one get a warning with
        the pair and the overlap area (0.01 = 1 %; digitising slivers are far smaller).
    max_overlap_share : float
        Two villages overlapping by more than this share of the smaller one are refused (a
        duplicated or nested polygon counts its land twice; 0.5 = half of the smaller village).
    max_harvests_per_year : float
        A village's harvest area of one crop may be at most this many times its area (a crop
        harvested three times a year on the whole village: IP 300, the most intensive rice
        cropping index; assumption). More is refused; more than the village's farmland times
        the crop's cropping intensity (when land use is known) is a warning.
    max_problems : int
        At most this many problems are listed in one message (the count of the rest is given).
    """

    max_raster_pixels: int = 2_000_000_000
    expected_extent: tuple[float, float, float, float] = (94.5, -11.5, 141.5, 6.5)
    min_village_area_ha: float = 1.0
    max_village_area_ha: float = 500_000.0
    reported_area_tolerance: float = 0.25
    overlap_warning_share: float = 0.01
    max_overlap_share: float = 0.5
    max_harvests_per_year: float = 3.0
    max_problems: int = 50

    def __post_init__(self) -> None:
        problems = []
        for f in fields(self):
            value = getattr(self, f.name)
            numbers = value if isinstance(value, tuple) else (value,)
            if not all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                for v in numbers
            ):
                problems.append(f"{f.name} must be a finite number, got {value!r}")
        if problems:
            raise ParameterError("[checks]: " + "; ".join(problems) + ".")
        w, s, e, n = self.expected_extent
        if len(self.expected_extent) != 4 or not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
            problems.append("expected_extent must be [west, south, east, north] in degrees")
        if self.max_raster_pixels < 1 or self.max_problems < 1:
            problems.append("max_raster_pixels and max_problems must be at least 1")
        if not 0 <= self.overlap_warning_share <= self.max_overlap_share <= 1:
            problems.append("0 <= overlap_warning_share <= max_overlap_share <= 1 is needed")
        if (
            min(self.min_village_area_ha, self.reported_area_tolerance, self.max_harvests_per_year)
            < 0
            or self.max_village_area_ha <= 0
        ):
            problems.append("areas, tolerances and max_harvests_per_year must be positive")
        if problems:
            raise ParameterError("[checks]: " + "; ".join(problems) + ".")

    @classmethod
    def from_mapping(cls, values: Mapping[str, object], *, source: str = "[checks]") -> Bounds:
        """Bounds from a manifest's ``[checks]`` table (unknown keys are refused)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ParameterError(
                f"{source}: unknown key(s) {', '.join(unknown)}. Allowed: "
                f"{', '.join(sorted(known))} (see docs/inputs.md)."
            )
        kwargs = dict(values)
        if "expected_extent" in kwargs:
            kwargs["expected_extent"] = tuple(kwargs["expected_extent"])  # type: ignore[arg-type]
        try:
            return cls(**kwargs)  # type: ignore[arg-type]
        except (TypeError, ValueError) as err:
            raise ParameterError(f"{source}: {err}") from err


DEFAULT_BOUNDS = Bounds()


@dataclass
class Findings:
    """Refusals and warnings of the checks (texts with message ids)."""

    refusals: list[str]
    warnings: list[str]

    def __init__(self) -> None:
        self.refusals, self.warnings = [], []


def _labels(villages: gpd.GeoDataFrame, mask) -> list[str]:
    sel = villages.loc[mask]
    return [f"{c} {n}" for c, n in zip(sel.index, sel["village_name"], strict=True)]


def looks_like_degrees(gdf: gpd.GeoDataFrame) -> bool:
    """True when a layer in a projected CRS has every coordinate within degree ranges."""
    if gdf.crs is None or gdf.crs.is_geographic or gdf.empty:
        return False
    minx, miny, maxx, maxy = gdf.total_bounds
    return bool(-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90)


def check_raw_crs(raw: gpd.GeoDataFrame, path: str, bounds: Bounds) -> list[str]:
    """Refusals for coordinates that do not fit their CRS.

    Degrees labelled as a projected CRS, and coordinates outside the CRS's area of use (pyproj
    ``CRS.area_of_use``).
    """
    if raw.crs is None or raw.empty:
        return []
    crs_name = raw.crs.to_string()
    minx, miny, maxx, maxy = raw.total_bounds
    if not np.isfinite([minx, miny, maxx, maxy]).all():
        return []
    if looks_like_degrees(raw):
        return [
            msg(
                "check.degrees_in_projected",
                crs=crs_name,
                minx=float(minx),
                maxx=float(maxx),
                miny=float(miny),
                maxy=float(maxy),
            )
        ]
    area = raw.crs.area_of_use
    if area is None or raw.crs.is_geographic:  # degrees: the axis checks of validate apply
        return []
    try:
        lon0, lat0, lon1, lat1 = (
            gpd.GeoSeries([shapely.box(minx, miny, maxx, maxy)], crs=raw.crs)
            .to_crs(4326)
            .total_bounds
        )
    except Exception:
        return []
    margin = 1.0  # degree: areas of use are stated for the CRS's zone, layers may cross its edge
    inside = (
        area.west - margin <= lon0
        and lon1 <= area.east + margin
        and area.south - margin <= lat0
        and lat1 <= area.north + margin
    )
    if not inside and np.isfinite([lon0, lat0, lon1, lat1]).all():
        name = area.name if len(area.name) <= 80 else area.name[:79] + "…"
        return [
            msg(
                "check.outside_area_of_use",
                crs=crs_name,
                area=name,
                lon0=float(lon0),
                lon1=float(lon1),
                lat0=float(lat0),
                lat1=float(lat1),
            )
        ]
    return []


def check_villages(
    villages: gpd.GeoDataFrame,
    *,
    path: str,
    bounds: Bounds = DEFAULT_BOUNDS,
    reported_area_km2: float | None = None,
) -> Findings:
    """Plausibility of village polygons already in EPSG:4326 with ``area_ha``.

    Refusals: villages outside the expected extent, zero area, overlaps above
    ``max_overlap_share`` (duplicated polygons). Warnings: tiny or huge villages, overlaps above
    ``overlap_warning_share``, a total area far from the reported one.
    """
    out = Findings()
    if villages.empty:
        return out
    w, s, e, n = bounds.expected_extent
    b = villages.geometry.bounds
    outside = ((b["minx"] < w) | (b["maxx"] > e) | (b["miny"] < s) | (b["maxy"] > n)).to_numpy()
    if outside.any():
        minx, miny, maxx, maxy = villages.loc[outside].total_bounds
        out.refusals.append(
            msg(
                "check.outside_extent",
                n=int(outside.sum()),
                villages=format_items(_labels(villages, outside)),
                minx=float(minx),
                maxx=float(maxx),
                miny=float(miny),
                maxy=float(maxy),
                w=w,
                e=e,
                s=s,
                north=n,
            )
        )
        return out  # areas and overlaps of misplaced polygons mean nothing
    area = villages["area_ha"].to_numpy(dtype=float)
    zero = area <= 0
    if zero.any():
        out.refusals.append(msg("check.zero_area", villages=format_items(_labels(villages, zero))))
    tiny = ~zero & (area < bounds.min_village_area_ha)
    if tiny.any():
        out.warnings.append(
            msg(
                "check.tiny_area",
                path=path,
                limit=bounds.min_village_area_ha,
                villages=format_items(_labels(villages, tiny)),
            )
        )
    huge = area > bounds.max_village_area_ha
    if huge.any():
        out.warnings.append(
            msg(
                "check.huge_area",
                path=path,
                limit=bounds.max_village_area_ha,
                villages=format_items(_labels(villages, huge)),
            )
        )
    if reported_area_km2:
        total_km2 = float(area.sum()) / 100.0
        if abs(total_km2 - reported_area_km2) > bounds.reported_area_tolerance * reported_area_km2:
            out.warnings.append(
                msg(
                    "check.reported_area",
                    path=path,
                    total=total_km2,
                    reported=float(reported_area_km2),
                    tolerance=100 * bounds.reported_area_tolerance,
                )
            )
    _check_overlaps(villages, bounds, out, path)
    return out


def _check_overlaps(villages: gpd.GeoDataFrame, bounds: Bounds, out: Findings, path: str):
    utm = villages.geometry.to_crs(villages.estimate_utm_crs())
    geoms = utm.to_numpy()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if not len(left):
        return
    inter = shapely.area(shapely.intersection(geoms[left], geoms[right])) / 10_000.0
    area = shapely.area(geoms) / 10_000.0
    smaller = np.minimum(area[left], area[right])
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(smaller > 0, inter / smaller, 0.0)
    codes = villages.index.to_numpy()
    names = villages["village_name"].to_numpy()

    def pairs(mask) -> list[str]:
        order = np.argsort(-inter[mask])
        li, ri, ha, sh = (
            left[mask][order],
            right[mask][order],
            inter[mask][order],
            share[mask][order],
        )
        return [
            f"{codes[i]} {names[i]} / {codes[j]} {names[j]}: {a:,.2f} ha ({100 * x:.0f} %)"
            for i, j, a, x in zip(li, ri, ha, sh, strict=True)
        ]

    refuse = share > bounds.max_overlap_share
    warn = ~refuse & (share > bounds.overlap_warning_share)
    if refuse.any():
        out.refusals.append(
            msg(
                "check.overlap_refused",
                n=int(refuse.sum()),
                limit=100 * bounds.max_overlap_share,
                pairs=format_items(pairs(refuse), limit=10),
            )
        )
    if warn.any():
        out.warnings.append(
            msg(
                "check.overlap_warning",
                path=path,
                n=int(warn.sum()),
                limit=100 * bounds.overlap_warning_share,
                pairs=format_items(pairs(warn), limit=10),
            )
        )


def check_harvest(
    harvest: pd.DataFrame,
    villages: gpd.GeoDataFrame,
    *,
    path: str,
    bounds: Bounds = DEFAULT_BOUNDS,
    crop_max_yield: Mapping[str, float] | None = None,
) -> Findings:
    """Harvest rows against village areas and crop yield bounds.

    ``harvest`` has ``village_code`` (None for region totals), ``crop_id``, ``harvest_area_ha``,
    ``yield_t_ha``. Refused: a village's harvest area above ``max_harvests_per_year`` times its
    area; region totals above that times the region's area. Warned: yields above the crop's
    ``yield_max_t_ha`` of the crops table.
    """
    out = Findings()
    if harvest is None or harvest.empty:
        return out
    rows = np.arange(len(harvest)) + 2
    codes = harvest["village_code"]
    named = codes.notna().to_numpy()
    area_ha = harvest["harvest_area_ha"].to_numpy(dtype=float)
    limit = bounds.max_harvests_per_year
    village_area = villages["area_ha"]
    cap = (
        np.where(named, codes.map(village_area).to_numpy(dtype=float), float(village_area.sum()))
        * limit
    )
    with np.errstate(invalid="ignore"):
        over = area_ha > cap
    if over.any():
        items = []
        for i in np.flatnonzero(over):
            where = (
                f"{codes.iloc[i]} {villages.loc[codes.iloc[i], 'village_name']}"
                if named[i]
                else msg("check.region_total")
            )
            items.append(
                f"row {rows[i]}: {harvest['crop_id'].iloc[i]} {area_ha[i]:,.0f} ha in "
                f"{where} ({cap[i] / limit:,.0f} ha)"
            )
        out.refusals.append(
            msg("check.harvest_area", n=int(over.sum()), limit=limit, rows=format_items(items))
        )
    if crop_max_yield:
        maxima = harvest["crop_id"].map(crop_max_yield).to_numpy(dtype=float)
        y = harvest["yield_t_ha"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            high = np.isfinite(maxima) & (y > maxima)
        if high.any():
            items = [
                f"row {rows[i]}: {harvest['crop_id'].iloc[i]} {y[i]:,.2f} t/ha "
                f"(bound {maxima[i]:g})"
                for i in np.flatnonzero(high)
            ]
            out.warnings.append(
                msg("check.yield_high", path=path, n=int(high.sum()), rows=format_items(items))
            )
    return out
