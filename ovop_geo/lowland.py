"""Suitability factors of tidal lowland (lahan rawa pasang surut), taken per village.

Slope limits do nothing on tidal swamp and peat: every village of Rasau Jaya lies under 3 %.
What limits farming there is, after the Indonesian land-evaluation guidance (BBSDLP, within the
FAO framework): the flood type or hydrotopography (A: flooded by spring and neap tides; B: by
spring tides only; C: not flooded, water table within 50 cm; D: deeper), the thickness of the
peat, the depth to sulfidic (pyrite) material, and salinity. Each is an optional layer of the
region manifest (``[lowland.<factor>]``) rated with a limits table
(``data/params/lowland_limits.csv``: per crop and factor, the S1/S2/S3 bounds and a source).

Like slope, a factor is taken **per village**: the village's mean value for a raster or polygons
of numbers, its dominant class (largest area) for flood types. The ranks (0 = S1 .. 3 = N) join
the land-use, zoning and slope factors in :func:`ovop_geo.landuse.land_suitability`, which keeps
the most limiting.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ovop_geo.errors import InputDataError, format_items, raise_problems
from ovop_geo.validate import require_crs

__all__ = ["FLOOD_TYPES", "lowland_ranks", "village_values_from_polygons"]

#: Flood types (tipe luapan) and their raster codes.
FLOOD_TYPES = {"A": 1, "B": 2, "C": 3, "D": 4}
_DIRECTIONS = ("max", "min", "class")


def village_values_from_polygons(
    villages: gpd.GeoDataFrame,
    layer: gpd.GeoDataFrame,
    column: str,
    *,
    categorical: bool,
    name: str = "lowland layer",
) -> pd.Series:
    """One value per village from polygons: area-weighted mean, or the dominant class.

    Areas are measured in the villages' UTM zone. Villages the layer does not cover get NaN
    (the factor is then unknown there and does not limit).
    """
    require_crs(layer.crs, name)
    if column not in layer.columns:
        raise InputDataError(
            f"{name}: column '{column}' not found. Columns present: "
            f"{format_items(layer.columns, limit=12)}.",
            path=name,
        )
    utm = villages.estimate_utm_crs()
    left = gpd.GeoDataFrame(
        {"village_code": villages.index.astype(str)},
        geometry=villages.geometry.to_crs(utm).make_valid().to_numpy(),
        crs=utm,
    )
    values = layer[column]
    if categorical:
        values = values.astype(str).str.strip().str.upper()
        bad = sorted(set(values[layer[column].notna()]) - set(FLOOD_TYPES))
        if bad:
            raise InputDataError(
                f"{name}: column '{column}': flood types {format_items(bad)} are not A, B, C or D.",
                path=name,
            )
    else:
        values = pd.to_numeric(values, errors="coerce")
        if values.isna().any() and layer[column].notna().any():
            text = layer[column][values.isna() & layer[column].notna()]
            if len(text):
                raise InputDataError(
                    f"{name}: column '{column}': values {format_items(text.astype(str))} are not "
                    "numbers.",
                    path=name,
                )
    right = gpd.GeoDataFrame(
        {"value": values.to_numpy()},
        geometry=layer.geometry.to_crs(utm).make_valid().to_numpy(),
        crs=utm,
    )
    pieces = gpd.overlay(
        left, right[right["value"].notna()], how="intersection", keep_geom_type=True
    )
    pieces["area"] = pieces.geometry.area
    codes = pd.Index(villages.index.astype(str), name="village_code")
    if pieces.empty:
        return pd.Series(np.nan, index=codes, dtype=object if categorical else float)
    if categorical:
        areas = pieces.groupby(["village_code", "value"])["area"].sum().reset_index()
        top = areas.sort_values(["village_code", "area", "value"], ascending=[True, False, True])
        return top.drop_duplicates("village_code").set_index("village_code")["value"].reindex(codes)
    weighted = (pieces["value"] * pieces["area"]).groupby(pieces["village_code"]).sum()
    return (weighted / pieces.groupby("village_code")["area"].sum()).reindex(codes)


def lowland_ranks(
    values: pd.DataFrame, limits: pd.DataFrame, crop_ids, *, source: str = "lowland_limits.csv"
) -> pd.DataFrame:
    """Suitability rank (0 = S1 .. 3 = N) per village and crop from tidal-lowland factors.

    Parameters
    ----------
    values : pandas.DataFrame
        Indexed by ``village_code``, one column per factor supplied (``flood_type`` as letters
        A-D, ``peat_thickness`` and ``sulfidic_depth`` in cm, ``salinity`` in dS/m); NaN where
        unknown (not limiting).
    limits : pandas.DataFrame
        ``crop_id``, ``factor``, ``direction`` (``max``: S1 when the value is at most ``s1``,
        S2 at most ``s2``, S3 at most ``s3``, N above; ``min``: the same with at least;
        ``class``: ``s1``/``s2``/``s3`` list the classes, space-separated; other classes N),
        ``s1``, ``s2``, ``s3`` and ``source``.
    crop_ids : sequence of str
        Crops to rate.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``village_code``, one integer column per crop: the worst rank over the
        factors supplied (0 where no factor is known).

    Raises
    ------
    InputDataError
        A supplied factor without limits for a crop, unknown directions, limits not in order.
    """
    missing = [
        c
        for c in ("crop_id", "factor", "direction", "s1", "s2", "s3", "source")
        if c not in limits.columns
    ]
    if missing:
        raise InputDataError(f"{source}: columns {format_items(missing)} not found.", path=source)
    table = limits.copy()
    table["crop_id"] = table["crop_id"].astype(str)
    table["factor"] = table["factor"].astype(str)
    problems: list[str] = []
    bad = ~table["direction"].isin(_DIRECTIONS)
    if bad.any():
        problems.append(
            f"column 'direction': use max, min or class. Rows: "
            f"{format_items((np.flatnonzero(bad.to_numpy()) + 2).tolist())}."
        )
    out = pd.DataFrame(
        0,
        index=pd.Index(values.index.astype(str), name="village_code"),
        columns=[str(c) for c in crop_ids],
    )
    for factor in values.columns:
        column = values[factor]
        column.index = out.index
        for crop in out.columns:
            row = table[(table["crop_id"] == crop) & (table["factor"] == factor)]
            if row.empty:
                problems.append(
                    f"no limits for crop '{crop}' and factor '{factor}'. Add a row "
                    f"({crop}, {factor}, direction, s1, s2, s3, source)."
                )
                continue
            r = row.iloc[0]
            if r["direction"] == "class":
                rank = pd.Series(3, index=out.index)
                for level, key in ((2, "s3"), (1, "s2"), (0, "s1")):
                    members = str(r[key]).split() if pd.notna(r[key]) else []
                    rank[column.astype(str).str.upper().isin(members)] = level
                rank[column.isna()] = 0
            else:
                bounds = pd.to_numeric(pd.Series([r["s1"], r["s2"], r["s3"]]), errors="coerce")
                step = np.diff(bounds.to_numpy())
                ordered = (step >= 0).all() if r["direction"] == "max" else (step <= 0).all()
                if bounds.isna().any() or not ordered:
                    problems.append(
                        f"crop '{crop}', factor '{factor}': s1, s2, s3 must be numbers in order "
                        f"({'increasing' if r['direction'] == 'max' else 'decreasing'})."
                    )
                    continue
                v = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
                s1, s2, s3 = bounds
                if r["direction"] == "max":
                    conds = [v <= s1, v <= s2, v <= s3]
                else:
                    conds = [v >= s1, v >= s2, v >= s3]
                rank = pd.Series(np.select(conds, [0, 1, 2], default=3), index=out.index)
                rank[np.isnan(v)] = 0
            out[crop] = np.maximum(out[crop], rank.astype(int))
    raise_problems(source, problems)
    return out
