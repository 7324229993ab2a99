"""Land use per village and FAO-style crop suitability (S1/S2/S3/N).

Areas are always measured in the projected UTM zone that ``villages.estimate_utm_crs()`` picks,
never in degrees. Land-use and zoning polygons are intersected with the village polygons
(``geopandas.overlay``); polygons of one class are dissolved first so overlaps inside a class are
not counted twice, and a zone closed to farming wins over an open zone where the two overlap.

Suitability follows the FAO framework: each piece of land gets the class of its *most limiting*
factor among (a) the suitability of its land-use class for the crop (a table), (b) the slope class
from the crop's slope limits and (c) zoning (land in a zone closed to farming is N).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import make_valid, union_all

from ovop_geo.errors import InputDataError, format_items, raise_problems
from ovop_geo.validate import parse_yes_no, require_crs

__all__ = [
    "SUITABILITY_CLASSES",
    "LandSuitability",
    "land_suitability",
    "landuse_by_village",
    "landuse_by_village_raster",
    "suitability_by_village",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

#: Suitability classes from best to worst; the position is the class rank.
SUITABILITY_CLASSES = ("S1", "S2", "S3", "N")
_RANK = {name: rank for rank, name in enumerate(SUITABILITY_CLASSES)}
_OVERLAP_TOLERANCE = 1e-3  # class areas may exceed the village area by 0.1 % (numerical noise)


# --------------------------------------------------------------------------- helpers
def _check_frame(gdf, name: str, columns: Iterable[str] = ()) -> None:
    """Refuse a layer without a CRS or without the columns the computation needs."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputDataError(f"{name}: expected a GeoDataFrame, got {type(gdf).__name__}.")
    require_crs(gdf.crs, name)
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise InputDataError(
            f"{name}: column {format_items(repr(c) for c in missing)} not found. "
            f"Columns present: {format_items(gdf.columns, limit=12)}. "
            "Name the class column in the region manifest.",
            path=name,
        )


def _repaired(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Geometry with invalid polygons repaired (``make_valid``); the input is not changed."""
    invalid = ~geoms.is_valid
    if not invalid.any():
        return geoms
    logger.info("Repaired %d invalid geometries before overlay", int(invalid.sum()))
    fixed = geoms.copy()
    fixed[invalid] = make_valid(geoms[invalid].to_numpy())
    return fixed


def _villages_utm(villages: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Villages as (village_code, geometry, village_area_ha) in their UTM zone."""
    _check_frame(villages, "villages")
    utm = villages.estimate_utm_crs()
    geom = _repaired(villages.geometry.to_crs(utm))
    out = gpd.GeoDataFrame(
        {"village_code": villages.index.astype(str).to_numpy()}, geometry=geom.to_numpy(), crs=utm
    )
    out["village_area_ha"] = out.geometry.area / 1e4
    return out


def _class_ids(values: pd.Series, classes, *, name: str, column: str) -> tuple[pd.Series, list]:
    """Class ids of a layer's features and the ordered list of classes to report.

    ``classes`` may be None (the classes found), a sequence of class ids, or a class table with a
    ``class_id`` column (and optionally ``class_code``, so a layer coded with integers is mapped).
    """
    found = values.dropna()
    if classes is None:
        return values.astype(str), sorted(found.astype(str).unique())
    if isinstance(classes, pd.DataFrame):
        if "class_id" not in classes.columns:
            raise InputDataError(
                "land-use class table: column 'class_id' not found. "
                f"Columns present: {format_items(classes.columns)}. "
                "Use the landuse_classes.csv layout."
            )
        ids = [str(c) for c in classes["class_id"]]
        if "class_code" in classes.columns and not found.astype(str).isin(ids).all():
            codes = pd.to_numeric(found, errors="coerce")
            table = dict(zip(pd.to_numeric(classes["class_code"]).astype(float), ids, strict=True))
            if codes.notna().all() and codes.isin(list(table)).all():
                return pd.to_numeric(values, errors="coerce").map(table), ids
    else:
        ids = [str(c) for c in classes]
    mapped = values.astype(str)
    unknown = sorted(set(mapped[values.notna()]) - set(ids))
    if unknown:
        raise InputDataError(
            f"{name}: column '{column}': classes {format_items(unknown)} are not in the class "
            f"table ({format_items(ids, limit=10)}). "
            "Add them to the class table or recode the layer.",
            path=name,
        )
    return mapped, ids


def _dissolved(layer: gpd.GeoDataFrame, column: str, crs) -> gpd.GeoDataFrame:
    """One (multi)polygon per value of ``column``, in ``crs``, invalid geometry repaired."""
    projected = gpd.GeoDataFrame(
        {column: layer[column].to_numpy()},
        geometry=_repaired(layer.geometry.to_crs(crs)).to_numpy(),
        crs=crs,
    )
    projected = projected[projected[column].notna() & ~projected.geometry.is_empty]
    return projected.dissolve(by=column, as_index=False)


def _landuse_pieces(villages, landuse, *, class_column, classes, name="land-use layer"):
    """Village x land-use class pieces in UTM: GeoDataFrame (village_code, class_id, geometry)."""
    _check_frame(landuse, name, [class_column])
    vutm = _villages_utm(villages)
    ids, class_list = _class_ids(landuse[class_column], classes, name=name, column=class_column)
    layer = gpd.GeoDataFrame(
        {"class_id": ids.to_numpy()}, geometry=landuse.geometry.to_numpy(), crs=landuse.crs
    )
    lu = _dissolved(layer, "class_id", vutm.crs)
    pieces = gpd.overlay(
        vutm[["village_code", "geometry"]], lu, how="intersection", keep_geom_type=True
    )
    return vutm, pieces, class_list


def _check_overlaps(areas: pd.DataFrame, village_area: pd.Series, name: str) -> None:
    """Refuse a layer whose classes overlap (class areas add up to more than the village)."""
    total = areas.groupby("village_code")["area_ha"].sum().reindex(village_area.index, fill_value=0)
    excess = total > village_area * (1 + _OVERLAP_TOLERANCE) + 1e-9
    if excess.any():
        raise InputDataError(
            f"{name}: polygons of different classes overlap, so class areas add up to more than "
            f"the village area. Villages: {format_items(excess[excess].index)}. "
            "Make the layer a partition (each place in one class only), for example with a union "
            "in QGIS, and load it again.",
            path=name,
        )


def _wide_table(areas: pd.Series, village_area: pd.Series, class_list: list) -> pd.DataFrame:
    """``<class>_ha``, ``unmapped_ha`` and ``share_`` columns from (village, class) areas."""
    wide = areas.unstack("class_id", fill_value=0.0) if len(areas) else pd.DataFrame()
    wide = wide.reindex(index=village_area.index, columns=class_list, fill_value=0.0).fillna(0.0)
    mapped = wide.sum(axis=1)
    out = pd.DataFrame(index=village_area.index)
    for cls in class_list:
        out[f"{cls}_ha"] = wide[cls].astype(float)
    unmapped = village_area - mapped
    out["unmapped_ha"] = unmapped.where(unmapped.abs() > 1e-6, 0.0)  # drop overlay round-off
    denom = village_area.where(village_area > 0)
    for cls in [*class_list, "unmapped"]:
        out[f"share_{cls}"] = out[f"{cls}_ha"] / denom
    out.index.name = "village_code"
    return out


# --------------------------------------------------------------------------- land use
def landuse_by_village(
    villages: gpd.GeoDataFrame,
    landuse: gpd.GeoDataFrame,
    *,
    class_column: str,
    classes=None,
    name: str = "land-use layer",
) -> pd.DataFrame:
    """Hectares of each land-use class in each village, from polygons.

    The villages and the land-use polygons are projected to the UTM zone of
    ``villages.estimate_utm_crs()``, polygons are dissolved by class and intersected with the
    villages (``geopandas.overlay(how="intersection")``).

    Parameters
    ----------
    villages : geopandas.GeoDataFrame
        Indexed by ``village_code`` (str); any CRS (EPSG:4326 by convention).
    landuse : geopandas.GeoDataFrame
        Land-use polygons with a class column; any CRS.
    class_column : str
        Column of ``landuse`` holding the class id (or the integer class code when ``classes`` is
        a class table with ``class_code``).
    classes : None, sequence of str or pandas.DataFrame, optional
        Classes to report, in order (a column even when a class is absent); a class table with
        ``class_id`` (and ``class_code``) such as ``landuse_classes.csv``. None: the classes found.
        A class in the layer but not here raises :class:`InputDataError`.
    name : str
        The layer's file name, used in messages.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``village_code``: ``<class>_ha`` per class, ``unmapped_ha`` (village area not
        covered by the layer, ha), then ``share_<class>`` and ``share_unmapped`` (0-1 of the
        village area). Class areas plus ``unmapped_ha`` add up to the village area measured in
        UTM.

    Raises
    ------
    InputDataError
        A layer without CRS, a missing class column, an unknown class, or classes that overlap.
    """
    vutm, pieces, class_list = _landuse_pieces(
        villages, landuse, class_column=class_column, classes=classes, name=name
    )
    pieces["area_ha"] = pieces.geometry.area / 1e4
    village_area = vutm.set_index("village_code")["village_area_ha"]
    _check_overlaps(pieces, village_area, name)
    areas = pieces.groupby(["village_code", "class_id"])["area_ha"].sum()
    logger.info("Land use: %d classes over %d villages", len(class_list), len(village_area))
    return _wide_table(areas, village_area, class_list)


def landuse_by_village_raster(
    villages: gpd.GeoDataFrame, raster_path, classes: pd.DataFrame, *, grid=None
) -> pd.DataFrame:
    """Hectares of each land-use class in each village, from a class raster.

    Pixel areas come from :func:`ovop_geo.zonal.zonal_classes` (the villages are reprojected to
    the raster's CRS, the raster is not warped). Class codes are mapped to class ids with
    ``classes``.

    Parameters
    ----------
    villages : geopandas.GeoDataFrame
        Indexed by ``village_code``; any CRS. ``area_ha`` is used as the village area when
        present, otherwise the area is measured in the UTM zone.
    raster_path : str or path-like
        Single-band integer class raster.
    classes : pandas.DataFrame
        Class table with ``class_code`` (int) and ``class_id`` (str).
    grid : ovop_geo.zonal.VillageGrid, optional
        The villages already rasterized on this raster's grid (e.g. for a DEM on the same grid):
        reused instead of rasterizing again. Refused (``ParameterError``) when built for another
        grid or other villages.

    Returns
    -------
    pandas.DataFrame
        The same columns as :func:`landuse_by_village`. Because pixels follow the raster grid,
        class areas can exceed a small village's area by part of a pixel; ``unmapped_ha`` is then
        set to 0 rather than reported negative.

    Raises
    ------
    InputDataError
        A class table without ``class_code``/``class_id``, or raster codes missing from it.
    """
    from ovop_geo.zonal import zonal_classes  # imported here: the raster stack is optional

    missing = [c for c in ("class_code", "class_id") if c not in classes.columns]
    if missing:
        raise InputDataError(
            f"land-use class table: columns {format_items(missing)} not found. "
            "Use the landuse_classes.csv layout (class_code, class_id, ...)."
        )
    codes = dict(
        zip(
            pd.to_numeric(classes["class_code"]).astype(int),
            classes["class_id"].astype(str),
            strict=True,
        )
    )
    zonal = zonal_classes(villages, raster_path, grid=grid)
    shown = getattr(raster_path, "name", None) or Path(raster_path).name
    unknown = sorted(int(c) for c in zonal.columns if int(c) not in codes)
    if unknown:
        raise InputDataError(
            f"{shown}: raster class codes {format_items(unknown)} are not in the class "
            "table. Add them to the class table (class_code, class_id) or reclassify the raster.",
            path=shown,
        )
    class_list = list(codes.values())
    long = zonal.rename(columns=lambda c: codes[int(c)]).T.groupby(level=0).sum().T
    long.index = long.index.astype(str)
    long.index.name = "village_code"
    areas = long.stack()
    areas.index.names = ["village_code", "class_id"]
    if "area_ha" in villages.columns:
        village_area = villages["area_ha"].astype(float)
        village_area.index = village_area.index.astype(str)
    else:
        village_area = _villages_utm(villages).set_index("village_code")["village_area_ha"]
    village_area.index.name = "village_code"
    out = _wide_table(areas, village_area, class_list)
    out["unmapped_ha"] = out["unmapped_ha"].clip(lower=0.0)
    out["share_unmapped"] = out["unmapped_ha"] / village_area.where(village_area > 0)
    return out


# --------------------------------------------------------------------------- suitability
def _parse_bool(series: pd.Series, *, name: str, column: str) -> pd.Series:
    return parse_yes_no(series.reset_index(drop=True), path=name, column=column).set_axis(
        series.index
    )


def _zoning_open_closed(zoning, *, zone_column, zoning_classes, crs, name) -> gpd.GeoDataFrame:
    """Two pieces of zoning in ``crs``: land open to farming and land closed to it.

    A zone closed to farming wins where zones overlap.
    """
    if zoning_classes is not None:
        _check_frame(zoning, name, [zone_column])
        for col in ("zone_id", "farming_allowed"):
            if col not in zoning_classes.columns:
                raise InputDataError(
                    f"zoning class table: column '{col}' not found. "
                    "Use the zoning_classes.csv layout (zone_id, farming_allowed, ...)."
                )
        allowed = dict(
            zip(
                zoning_classes["zone_id"].astype(str),
                _parse_bool(
                    zoning_classes["farming_allowed"],
                    name="zoning class table",
                    column="farming_allowed",
                ),
                strict=True,
            )
        )
        zones = zoning[zone_column].astype(str)
        unknown = sorted(set(zones[zoning[zone_column].notna()]) - set(allowed))
        if unknown:
            raise InputDataError(
                f"{name}: column '{zone_column}': zones {format_items(unknown)} are not in the "
                "zoning class table. Add them (zone_id, farming_allowed) or recode the layer.",
                path=name,
            )
        flag = zones.map(allowed)
    else:
        _check_frame(zoning, name, ["farming_allowed"])
        flag = _parse_bool(zoning["farming_allowed"], name=name, column="farming_allowed")
    geoms = _repaired(zoning.geometry.to_crs(crs))
    closed = union_all(geoms[~flag.to_numpy()].to_numpy())
    opened = union_all(geoms[flag.to_numpy()].to_numpy()).difference(closed)
    return gpd.GeoDataFrame({"farming_allowed": [True, False]}, geometry=[opened, closed], crs=crs)


def _suitability_lookup(table: pd.DataFrame, crop_ids, *, source: str) -> pd.DataFrame:
    """Rank (0=S1 .. 3=N) per (crop_id, class_id); a crop without rows is refused."""
    missing_cols = [c for c in ("crop_id", "class_id", "suitability") if c not in table.columns]
    if missing_cols:
        raise InputDataError(
            f"{source}: columns {format_items(missing_cols)} not found. "
            "The table needs crop_id, class_id and suitability (S1, S2, S3 or N).",
            path=source,
        )
    t = table[["crop_id", "class_id", "suitability"]].astype(str)
    t["suitability"] = t["suitability"].str.strip().str.upper()
    problems = []
    bad = ~t["suitability"].isin(_RANK)
    if bad.any():
        problems.append(
            f"column 'suitability': values {format_items(t.loc[bad, 'suitability'].unique())} "
            f"are not S1, S2, S3 or N. Rows: {format_items(t.index[bad] + 2)}. Fix them."
        )
    dup = t.duplicated(["crop_id", "class_id"], keep=False)
    if dup.any():
        pairs = sorted(set(zip(t.loc[dup, "crop_id"], t.loc[dup, "class_id"], strict=True)))
        listed = format_items(f"{a}/{b}" for a, b in pairs)
        problems.append(
            f"crop and class pairs listed more than once: {listed}. Keep one row per pair."
        )
    absent = [c for c in crop_ids if c not in set(t["crop_id"])]
    problems.extend(
        f"crop '{crop}' has no rows. Add one row per land-use class for '{crop}' "
        "(crop_id, class_id, suitability S1/S2/S3/N, source) or drop the crop from the crop "
        "list."
        for crop in absent
    )
    if problems:
        raise_problems(source, problems)
    t["rank"] = t["suitability"].map(_RANK)
    return t.set_index(["crop_id", "class_id"])["rank"]


def _slope_ranks(slope, crops: pd.DataFrame, codes: pd.Index, *, source: str) -> pd.DataFrame:
    """Slope-limited rank per village (rows) and crop (columns); 0 everywhere without slope."""
    crop_ids = list(crops["crop_id"].astype(str))
    if slope is None:
        return pd.DataFrame(0, index=codes, columns=crop_ids)
    if isinstance(slope, pd.DataFrame):
        if "slope_mean_pct" not in slope.columns:
            raise InputDataError(
                "slope: column 'slope_mean_pct' not found. Pass the per-village mean slope (%)."
            )
        slope = slope["slope_mean_pct"]
    if not isinstance(slope, pd.Series):
        raise InputDataError(
            "slope: expected a Series of mean slope in percent indexed by village_code "
            f"(got {type(slope).__name__}). Compute it with the zonal statistics first."
        )
    values = pd.to_numeric(slope, errors="coerce")
    values.index = values.index.astype(str)
    values = values.reindex(codes)
    if values.isna().any():
        raise InputDataError(
            f"slope: no mean slope for villages {format_items(values.index[values.isna()])}. "
            "Extend the elevation raster over every village, or run without slope."
        )
    limits = ["slope_s1_max_pct", "slope_s2_max_pct", "slope_s3_max_pct"]
    missing = [c for c in limits if c not in crops.columns]
    if missing:
        raise InputDataError(
            f"{source}: columns {format_items(missing)} not found. "
            "Add the crop's slope limits (%).",
            path=source,
        )
    lim = crops[limits].apply(pd.to_numeric, errors="coerce")
    bad = lim.isna().any(axis=1) | (lim.diff(axis=1).iloc[:, 1:] < 0).any(axis=1)
    if bad.any():
        raise InputDataError(
            f"{source}: slope limits missing, not numbers or not increasing (s1 <= s2 <= s3) for "
            f"crops {format_items(crops.loc[bad, 'crop_id'])}. Fix them.",
            path=source,
        )
    out = pd.DataFrame(index=codes)
    for crop, row in zip(crop_ids, lim.itertuples(index=False), strict=True):
        out[crop] = np.select(
            [values <= row[0], values <= row[1], values <= row[2]], [0, 1, 2], default=3
        )
    return out


def _area_table(
    villages,
    landuse,
    zoning,
    *,
    class_column,
    classes,
    zone_column,
    zoning_classes,
    unzoned_farming_allowed,
):
    """Area (ha) per (village_code, class_id, farming_allowed) and village areas (UTM)."""
    if isinstance(landuse, gpd.GeoDataFrame):
        vutm, pieces, _ = _landuse_pieces(
            villages, landuse, class_column=class_column, classes=classes
        )
        village_area = vutm.set_index("village_code")["village_area_ha"]
        pieces["area_ha"] = pieces.geometry.area / 1e4
        _check_overlaps(pieces, village_area, "land-use layer")
        if zoning is None:
            pieces["farming_allowed"] = True
        else:
            zones = _zoning_open_closed(
                zoning,
                zone_column=zone_column,
                zoning_classes=zoning_classes,
                crs=vutm.crs,
                name="zoning layer",
            )
            pieces = gpd.overlay(
                pieces[["village_code", "class_id", "geometry"]],
                zones,
                how="identity",
                keep_geom_type=True,
            )
            pieces["farming_allowed"] = (
                pieces["farming_allowed"]
                .astype(object)
                .fillna(unzoned_farming_allowed)
                .astype(bool)
            )
            pieces["area_ha"] = pieces.geometry.area / 1e4
        areas = pd.DataFrame(pieces.drop(columns="geometry"))
    else:
        # A table of <class>_ha per village (e.g. from landuse_by_village_raster).
        if zoning is not None:
            raise InputDataError(
                "land use given as a table of areas cannot be intersected with a zoning layer. "
                "Pass land-use polygons, or no zoning."
            )
        cols = [c for c in landuse.columns if c.endswith("_ha") and c != "unmapped_ha"]
        wide = landuse[cols].rename(columns=lambda c: c[: -len("_ha")])
        wide.index = wide.index.astype(str)
        wide.index.name = "village_code"
        areas = wide.stack().rename("area_ha").reset_index()
        areas.columns = ["village_code", "class_id", "area_ha"]
        areas["farming_allowed"] = True
        village_area = wide.sum(axis=1) + landuse.get("unmapped_ha", 0.0)
        village_area.index = wide.index
    return areas, village_area


def suitability_by_village(villages, landuse, zoning=None, slope=None, **kwargs) -> pd.DataFrame:
    """Hectares of each suitability class per village and crop (see :func:`land_suitability`).

    Returns ``land_suitability(...).by_crop``; the parameters are those of
    :func:`land_suitability`.
    """
    return land_suitability(villages, landuse, zoning, slope, **kwargs).by_crop


@dataclass(frozen=True)
class LandSuitability:
    """Suitability per crop (``by_crop``) and the physical land of each village (``by_village``).

    ``by_crop`` is indexed by (``village_code``, ``crop_id``); its ``suitable_ha`` is land
    suitable *for that crop*, so it does not add up over crops (the same hectare may suit
    several). ``by_village`` is indexed by ``village_code`` and its figures are physical areas
    that do add up: ``farmland_ha`` (land whose current use is farmland), of which
    ``farmland_suitable_ha`` is suitable for at least one crop and ``farmland_unsuitable_ha`` for
    none (closed zone, slope or another limiting factor); ``farmland_idle_ha`` is the idle part
    (classes with ``idle`` true); ``area_ha`` is the village area in UTM.
    """

    by_crop: pd.DataFrame
    by_village: pd.DataFrame


def _class_flags(classes, class_ids, lookup) -> tuple[dict, dict]:
    """``farmland`` and ``idle`` per class id.

    Farmland is the class table's ``farmland`` column when it has one; otherwise the classes that
    the crop-suitability table rates S1-S3 for at least one crop. Idle is the ``idle`` column
    (False without one).
    """
    rated = lookup[lookup < 3].index.get_level_values("class_id")
    farmland = {c: c in set(rated) for c in class_ids}
    idle = dict.fromkeys(class_ids, False)
    if isinstance(classes, pd.DataFrame) and "class_id" in classes.columns:
        ids = classes["class_id"].astype(str)
        for column, target in (("farmland", farmland), ("idle", idle)):
            if column in classes.columns:
                flags = _parse_bool(classes[column], name="land-use class table", column=column)
                target.update(dict(zip(ids, flags, strict=True)))
    return farmland, idle


def land_suitability(
    villages: gpd.GeoDataFrame,
    landuse,
    zoning: gpd.GeoDataFrame | None = None,
    slope: pd.Series | None = None,
    *,
    crops: pd.DataFrame,
    crop_landuse_suitability: pd.DataFrame,
    class_column: str = "class_id",
    classes=None,
    zone_column: str = "zone_id",
    zoning_classes: pd.DataFrame | None = None,
    unzoned_farming_allowed: bool = True,
    village_ranks: pd.DataFrame | None = None,
    illustrative: bool = False,
    suitability_source: str = "crop_landuse_suitability.csv",
    crops_source: str = "crops.csv",
) -> LandSuitability:
    """Hectares of each suitability class (S1/S2/S3/N) per village and crop.

    Every piece of land (village x land-use class x zone, intersected in the UTM zone of
    ``villages.estimate_utm_crs()``) takes the worst of three factors:

    * land use: the class's suitability for the crop from ``crop_landuse_suitability``;
    * slope: S1 up to ``slope_s1_max_pct``, S2 up to ``slope_s2_max_pct``, S3 up to
      ``slope_s3_max_pct``, N above (limits per crop in ``crops``). Slope is taken **per village**:
      ``slope`` is the village's mean slope (%), applied to all of its land. This is exact enough on
      flat land (the bundled region is 0-3 %) but hides steep parts of hilly villages; pass None
      to leave slope out (not limiting);
    * zoning: land in a zone with ``farming_allowed = false`` is N. Land outside every zoning
      polygon is open when ``unzoned_farming_allowed`` is True (the plan sets no restriction there).

    Parameters
    ----------
    villages : geopandas.GeoDataFrame
        Indexed by ``village_code`` (str); any CRS.
    landuse : geopandas.GeoDataFrame or pandas.DataFrame
        Land-use polygons with ``class_column``; or a table of ``<class>_ha`` per village (the
        output of :func:`landuse_by_village_raster`), in which case ``zoning`` must be None.
    zoning : geopandas.GeoDataFrame, optional
        Zoning polygons with ``zone_column`` (mapped through ``zoning_classes``) or with their own
        ``farming_allowed`` column.
    slope : pandas.Series, optional
        Mean slope in percent (``slope_mean_pct``) indexed by ``village_code``.
    crops : pandas.DataFrame
        ``crop_id`` and the slope limits ``slope_s1_max_pct``, ``slope_s2_max_pct``,
        ``slope_s3_max_pct`` (%); every crop listed is evaluated.
    crop_landuse_suitability : pandas.DataFrame
        ``crop_id``, ``class_id``, ``suitability`` (S1, S2, S3, N).
    class_column, classes
        As in :func:`landuse_by_village`.
    zone_column : str
        Zone id column of ``zoning``.
    zoning_classes : pandas.DataFrame, optional
        ``zone_id`` and ``farming_allowed`` (true/false).
    unzoned_farming_allowed : bool
        Whether land not covered by the zoning layer is open to farming.
    village_ranks : pandas.DataFrame, optional
        Further limiting factors taken per village (as slope is): rank 0 (S1) .. 3 (N) indexed by
        ``village_code`` with one column per crop, e.g. from
        :func:`ovop_geo.lowland.lowland_ranks`; combined with the others by the most limiting.
    illustrative : bool
        Copied to the ``illustrative`` column (the caller knows whether a layer is illustrative).
    suitability_source, crops_source : str
        File names used in messages.

    Returns
    -------
    LandSuitability
        ``by_crop`` indexed by (``village_code``, ``crop_id``): ``s1_ha``, ``s2_ha``, ``s3_ha``,
        ``n_ha``, ``suitable_ha`` (S1+S2+S3 for this crop, not additive over crops; already
        excludes land closed by zoning), ``suitable_idle_ha`` (the part on idle classes: land
        not cultivated now), ``unmapped_ha`` (land not covered by the land-use layer, not
        evaluated), ``share_suitable`` (0-1 of the village area) and ``illustrative`` (bool).
        ``by_village``: see :class:`LandSuitability`.

    Raises
    ------
    InputDataError
        A crop without rows in the suitability table (naming the crop and the file), a land-use
        class without a suitability for a crop, bad slope limits, missing slope for a village.
    """
    if "crop_id" not in crops.columns:
        raise InputDataError(f"{crops_source}: column 'crop_id' not found.", path=crops_source)
    crop_ids = list(crops["crop_id"].astype(str))
    lookup = _suitability_lookup(crop_landuse_suitability, crop_ids, source=suitability_source)
    areas, village_area = _area_table(
        villages,
        landuse,
        zoning,
        class_column=class_column,
        classes=classes,
        zone_column=zone_column,
        zoning_classes=zoning_classes,
        unzoned_farming_allowed=unzoned_farming_allowed,
    )
    codes = village_area.index
    slope_rank = _slope_ranks(slope, crops, codes, source=crops_source)
    present = sorted(set(areas.loc[areas["area_ha"] > 0, "class_id"].astype(str)))
    gaps = []
    for crop in crop_ids:
        lacking = [c for c in present if (crop, c) not in lookup.index]
        if lacking:
            gaps.append(
                f"crop '{crop}' has no suitability for land-use classes {format_items(lacking)}. "
                f"Add rows ({crop}, class, S1/S2/S3/N)."
            )
    if gaps:
        raise_problems(suitability_source, gaps)

    extra = _extra_ranks(village_ranks, codes, crop_ids)
    class_ids = areas["class_id"].astype(str)
    farmland, idle = _class_flags(classes, sorted(set(class_ids)), lookup)
    is_farmland = class_ids.map(farmland).fillna(False).to_numpy(dtype=bool)
    is_idle = class_ids.map(idle).fillna(False).to_numpy(dtype=bool)
    frames = []
    best = np.full(len(areas), 3)
    for crop in crop_ids:
        a = areas[["village_code", "class_id", "farming_allowed", "area_ha"]].copy()
        lu_rank = a["class_id"].astype(str).map(lookup.xs(crop, level="crop_id")).fillna(3)
        zone_rank = np.where(a["farming_allowed"].to_numpy(dtype=bool), 0, 3)
        sl_rank = a["village_code"].map(slope_rank[crop]).to_numpy()
        ex_rank = a["village_code"].map(extra[crop]).to_numpy()
        a["rank"] = np.maximum.reduce([lu_rank.to_numpy(dtype=int), zone_rank, sl_rank, ex_rank])
        best = np.minimum(best, a["rank"].to_numpy())
        wide = a.pivot_table(
            index="village_code", columns="rank", values="area_ha", aggfunc="sum", fill_value=0.0
        )
        wide = wide.reindex(index=codes, columns=range(4), fill_value=0.0).fillna(0.0)
        wide.columns = ["s1_ha", "s2_ha", "s3_ha", "n_ha"]
        idle_suitable = a["area_ha"].where((a["rank"] < 3).to_numpy() & is_idle, 0.0)
        wide["suitable_idle_ha"] = (
            idle_suitable.groupby(a["village_code"]).sum().reindex(codes, fill_value=0.0)
        )
        wide["crop_id"] = crop
        frames.append(wide)
    area_col = areas["area_ha"].to_numpy(dtype=float)
    by_code = areas["village_code"].to_numpy()

    def _sum(mask) -> pd.Series:
        return (
            pd.Series(np.where(mask, area_col, 0.0))
            .groupby(by_code)
            .sum()
            .reindex(codes, fill_value=0.0)
        )

    by_village = pd.DataFrame(index=codes)
    by_village["area_ha"] = village_area.reindex(codes).astype(float).to_numpy()
    by_village["farmland_ha"] = _sum(is_farmland).to_numpy()
    by_village["farmland_suitable_ha"] = _sum(is_farmland & (best < 3)).to_numpy()
    by_village["farmland_unsuitable_ha"] = (
        by_village["farmland_ha"] - by_village["farmland_suitable_ha"]
    )
    by_village["farmland_idle_ha"] = _sum(is_farmland & is_idle).to_numpy()
    by_village["illustrative"] = bool(illustrative)
    by_village.index.name = "village_code"
    out = pd.concat(frames).reset_index().set_index(["village_code", "crop_id"])
    out["suitable_ha"] = out[["s1_ha", "s2_ha", "s3_ha"]].sum(axis=1)
    mapped = out[["suitable_ha", "n_ha"]].sum(axis=1)
    vil = out.index.get_level_values("village_code")
    area = village_area.reindex(vil).to_numpy()
    unmapped = area - mapped.to_numpy()
    out["unmapped_ha"] = np.where(np.abs(unmapped) > 1e-6, unmapped, 0.0)
    out["share_suitable"] = out["suitable_ha"] / np.where(area > 0, area, np.nan)
    out["illustrative"] = bool(illustrative)
    order = pd.MultiIndex.from_product([codes, crop_ids], names=["village_code", "crop_id"])
    cols = [
        "s1_ha",
        "s2_ha",
        "s3_ha",
        "n_ha",
        "suitable_ha",
        "suitable_idle_ha",
        "unmapped_ha",
        "share_suitable",
        "illustrative",
    ]
    return LandSuitability(by_crop=out.reindex(order)[cols], by_village=by_village)


def _extra_ranks(village_ranks, codes: pd.Index, crop_ids) -> pd.DataFrame:
    """Per-village ranks of further factors, 0 (not limiting) where none are given."""
    out = pd.DataFrame(0, index=codes, columns=crop_ids)
    if village_ranks is None:
        return out
    ranks = village_ranks.copy()
    ranks.index = ranks.index.astype(str)
    for crop in crop_ids:
        if crop in ranks.columns:
            out[crop] = ranks[crop].reindex(codes).fillna(0).astype(int).clip(0, 3)
    return out
