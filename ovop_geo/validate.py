"""Checks on loaded frames: village ids, CRS, geometry repair, numeric columns, units.

Functions here never open files (see :mod:`ovop_geo.io`) and never modify their inputs: they
return checked copies and raise :class:`~ovop_geo.errors.InputDataError` listing every problem.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ovop_geo import units as _units
from ovop_geo.errors import InputDataError, format_items, raise_problems
from ovop_geo.io import file_rows
from ovop_geo.messages import msg

__all__ = [
    "NO_WORDS",
    "YES_WORDS",
    "YIELD_UNITS",
    "VillageReport",
    "codes_as_text",
    "crs_missing",
    "parse_yes_no",
    "repair_polygons",
    "require_crs",
    "validate_bool",
    "validate_class_layer",
    "validate_numeric",
    "validate_units",
    "validate_villages",
]

logger = logging.getLogger(__name__)

#: Yield units accepted in harvest tables (converted to t/ha by the farming module).
#: Accepted yield units: the ones :mod:`ovop_geo.units` can convert (one list, kept there).
YIELD_UNITS = tuple(_units.YIELD_UNITS)
_POLYGONAL = ("Polygon", "MultiPolygon")
# Indonesia in lon/lat degrees; a layer whose x looks like latitudes and y like longitudes
# of Indonesia has its axes swapped.
_ID_LAT = (-11.5, 6.5)
_ID_LON = (94.5, 141.5)


@dataclass(frozen=True)
class VillageReport:
    """What :func:`validate_villages` changed, for the app and the command line to show.

    Attributes
    ----------
    repaired : tuple of str
        Codes of villages whose invalid geometry was repaired.
    reprojected_from : str or None
        The input CRS when the layer was reprojected to EPSG:4326.
    renamed_columns : tuple of (str, str)
        Input columns renamed because their name is used by the output (old, new).
    warnings : tuple of str
        One readable sentence per change.
    """

    repaired: tuple[str, ...] = ()
    reprojected_from: str | None = None
    renamed_columns: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()


def codes_as_text(values: pd.Series) -> pd.Series:
    """Return codes as stripped strings; whole floats (``6112.0``) lose the ``.0``; NaN stays NaN.

    Parameters
    ----------
    values : pandas.Series
        Codes as read from a file (text, integers or floats).
    """

    def one(v: object) -> object:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return np.nan
        if isinstance(v, float | np.floating) and float(v).is_integer():
            return str(int(v))
        text = str(v).strip()
        return text if text else np.nan

    return values.map(one).astype(object)


def repair_polygons(geoms: gpd.GeoSeries) -> tuple[gpd.GeoSeries, np.ndarray]:
    """Repair invalid polygons with ``shapely.make_valid``, keeping only polygonal parts.

    Self-intersecting rings (bow-ties) become several polygons; a shell nested inside another
    shell of the same feature becomes a hole.

    Parameters
    ----------
    geoms : geopandas.GeoSeries
        Polygons or multipolygons (any CRS; the CRS is kept).

    Returns
    -------
    (GeoSeries, numpy.ndarray of bool)
        The repaired series and a mask of the rows that were invalid. A repaired geometry with
        no polygonal part left is an empty polygon; callers decide what to do with it.
    """
    invalid = ~geoms.is_valid.to_numpy() & geoms.notna().to_numpy()
    if not invalid.any():
        return geoms.copy(), invalid
    # The "linework" method (GEOS default) turns a shell nested in another shell into a hole.
    # That is the right reading of the four invalid Kalimantan Barat villages, whose nested
    # shells are enclaves belonging to a neighbouring village; "structure" would union them.
    fixed = shapely.make_valid(geoms.to_numpy()[invalid], method="linework")
    out = geoms.copy()
    out.iloc[np.flatnonzero(invalid)] = [_polygonal_part(g) for g in fixed]
    return out, invalid


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    if geom.geom_type in _POLYGONAL:
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in _POLYGONAL]
    polys = [q for p in parts for q in shapely.get_parts(p)]
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def validate_villages(
    gdf: gpd.GeoDataFrame,
    *,
    path: str,
    id_column: str,
    name_column: str,
    group_column: str | None = None,
    households_column: str | None = None,
) -> tuple[gpd.GeoDataFrame, VillageReport]:
    """Check village polygons and return them in the project's standard form.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Village polygons as read from ``path``, in any CRS (a CRS is required).
    path : str
        The file name as the user knows it, for messages.
    id_column, name_column : str
        Columns holding the village code and name.
    group_column : str, optional
        Column of the group each village belongs to (kecamatan), output as ``group``.
    households_column : str, optional
        Column of the number of households, output as ``households`` (integer, ≥ 0).

    Returns
    -------
    (geopandas.GeoDataFrame, VillageReport)
        Villages indexed by ``village_code`` (str), with ``village_name``, ``area_ha`` (hectares,
        computed in the UTM zone from ``estimate_utm_crs()``), optional ``group`` and
        ``households``, the other input columns, and geometry in EPSG:4326; and a report of what
        was repaired, reprojected or renamed.

    Raises
    ------
    InputDataError
        No CRS, axes in [lat, lon] order, missing columns, missing or duplicate codes, null or
        non-polygon geometries, households not whole non-negative numbers.
    """
    problems: list[str] = []
    wanted = [c for c in (id_column, name_column, group_column, households_column) if c]
    missing_cols = [c for c in wanted if c not in gdf.columns]
    if missing_cols:
        raise InputDataError(
            f"{path}: missing column(s): {', '.join(missing_cols)}. Columns found: "
            f"{', '.join(c for c in gdf.columns if c != gdf.geometry.name)}. "
            "Fix the column names in the manifest.",
            path=path,
        )
    require_crs(gdf.crs, path)
    gdf = gdf.copy()
    codes = codes_as_text(gdf[id_column])
    labels = codes.where(codes.notna(), gdf[name_column].astype(object))

    no_code = codes.isna().to_numpy()
    if no_code.any():
        rows = (np.flatnonzero(no_code) + 1).tolist()
        names = [str(n) for n in gdf.loc[no_code, name_column]]
        problems.append(
            f"column '{id_column}': {int(no_code.sum())} village(s) have no code. Features: "
            f"{format_items(rows)} (names: {format_items(names)}). Give every village a code."
        )
    dup = codes.duplicated(keep=False) & codes.notna()
    if dup.any():
        problems.append(
            f"column '{id_column}': duplicate codes: {format_items(sorted(set(codes[dup])))}. "
            "Each village needs its own code."
        )
    null_geom = (gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy()
    if null_geom.any():
        problems.append(
            f"{int(null_geom.sum())} village(s) have no geometry. Villages: "
            f"{format_items(labels[null_geom])}. Draw them or remove the rows."
        )
    types = gdf.geometry.geom_type
    non_poly = ~null_geom & ~types.isin(_POLYGONAL).to_numpy()
    if non_poly.any():
        found = sorted(set(types[non_poly]))
        problems.append(
            f"{int(non_poly.sum())} village(s) are not polygons ({', '.join(found)}). Villages: "
            f"{format_items(labels[non_poly])}. Village boundaries must be polygons."
        )
    if gdf.crs.is_geographic and not null_geom.all():
        problems.extend(_check_axes(gdf.geometry[~null_geom]))
    if households_column:
        problems.extend(_check_households(gdf[households_column], labels, households_column))
    raise_problems(path, problems)

    geoms, invalid = repair_polygons(gdf.geometry)
    emptied = invalid & geoms.is_empty.to_numpy()
    if emptied.any():
        raise_problems(
            path,
            [
                "invalid geometries with no area left after repair. Villages: "
                f"{format_items(labels[emptied])}. Redraw them."
            ],
        )
    gdf = gdf.set_geometry(geoms)
    warnings: list[str] = []
    repaired = tuple(str(c) for c in codes[invalid])
    if repaired:
        pairs = zip(codes[invalid], gdf.loc[invalid, name_column], strict=True)
        names = [f"{c} {n}" for c, n in pairs]
        warnings.append(
            f"{path}: {len(repaired)} invalid geometr{'y' if len(repaired) == 1 else 'ies'} "
            f"repaired (self-intersections or nested rings): {format_items(names, limit=10)}. "
            "Check them on a map."
        )
        logger.info("Repaired %d invalid geometries in '%s'", len(repaired), path)

    reprojected_from = None
    if gdf.crs.to_epsg() != 4326:
        reprojected_from = gdf.crs.to_string()
        gdf = gdf.to_crs(4326)
        warnings.append(f"{path}: reprojected from {reprojected_from} to EPSG:4326.")

    try:
        utm = gdf.estimate_utm_crs()
    except RuntimeError as err:  # no UTM zone for these coordinates (near a pole, off Earth)
        minx, miny, maxx, maxy = gdf.total_bounds
        problem = (
            f"the villages (longitude {minx:.2f} to {maxx:.2f}, latitude {miny:.2f} to "
            f"{maxy:.2f}) lie in no UTM zone, so their areas cannot be measured. Set the CRS "
            "the coordinates are really in."
        )
        raise InputDataError(f"{path}: {problem}", path=path, problems=[problem]) from err
    area_ha = gdf.geometry.to_crs(utm).area.to_numpy() / 10_000.0
    out, renamed = _standard_columns(
        gdf, codes, area_ha, id_column, name_column, group_column, households_column
    )
    for old, new in renamed:
        warnings.append(f"{path}: input column '{old}' kept as '{new}'.")
    logger.info("Validated %s villages from '%s'", f"{len(out):,}", path)
    report = VillageReport(
        repaired=repaired,
        reprojected_from=reprojected_from,
        renamed_columns=tuple(renamed),
        warnings=tuple(warnings),
    )
    return out, report


def _check_axes(geoms: gpd.GeoSeries) -> list[str]:
    minx, miny, maxx, maxy = geoms.total_bounds
    if _ID_LAT[0] <= minx and maxx <= _ID_LAT[1] and _ID_LON[0] <= miny and maxy <= _ID_LON[1]:
        return [
            f"coordinates look like [latitude, longitude] (x from {minx:.2f} to {maxx:.2f}, "
            f"y from {miny:.2f} to {maxy:.2f}). GeoJSON and EPSG:4326 layers in GIS software "
            "store longitude first: swap the coordinates."
        ]
    if miny < -90 or maxy > 90 or minx < -180 or maxx > 180:
        return [
            f"coordinates are outside the range of degrees (bounds {minx:.1f}, {miny:.1f}, "
            f"{maxx:.1f}, {maxy:.1f}) although the CRS is geographic. Set the CRS the "
            "coordinates are really in."
        ]
    return []


def _check_households(values: pd.Series, labels: pd.Series, column: str) -> list[str]:
    numbers = pd.to_numeric(values, errors="coerce")
    missing = values.isna().to_numpy()
    bad = ~missing & (numbers.isna().to_numpy())
    num = numbers.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        wrong = ~missing & ~bad & ((num < 0) | (np.mod(num, 1) != 0))
    problems = []
    if missing.any():
        problems.append(
            f"column '{column}': households missing. Villages: {format_items(labels[missing])}. "
            "Fill them in."
        )
    if bad.any():
        problems.append(
            f"column '{column}': households are not numbers. Villages: {format_items(labels[bad])}."
        )
    if wrong.any():
        problems.append(
            f"column '{column}': households must be whole numbers ≥ 0. Villages: "
            f"{format_items(labels[wrong])}."
        )
    return problems


def _standard_columns(
    gdf: gpd.GeoDataFrame,
    codes: pd.Series,
    area_ha: np.ndarray,
    id_column: str,
    name_column: str,
    group_column: str | None,
    households_column: str | None,
) -> tuple[gpd.GeoDataFrame, list[tuple[str, str]]]:
    geom_name = gdf.geometry.name
    data: dict[str, object] = {
        "village_name": gdf[name_column].astype(str).str.strip().to_numpy(),
        "area_ha": area_ha,
    }
    if group_column:
        data["group"] = gdf[group_column].astype(str).to_numpy()
    if households_column:
        data["households"] = pd.to_numeric(gdf[households_column]).astype("int64").to_numpy()
    used = {id_column, name_column, group_column, households_column, geom_name}
    renamed = []
    for col in gdf.columns:
        if col in used:
            continue
        new = col
        while new in data or new in ("village_code", "geometry"):
            new = f"{new}_input"
        if new != col:
            renamed.append((col, new))
        data[new] = gdf[col].to_numpy()
    index = pd.Index([str(c) for c in codes], name="village_code")
    out = gpd.GeoDataFrame(data, index=index, geometry=gdf.geometry.to_numpy(), crs="EPSG:4326")
    return out, renamed


def validate_numeric(
    df: pd.DataFrame,
    columns: Sequence[str] | str,
    *,
    path: str,
    min_value: float | None = 0,
    max_value: float | None = None,
    labels: Iterable[object] | None = None,
    problems: list | None = None,
    finite: bool = True,
) -> pd.DataFrame:
    """Check that numeric columns hold finite numbers within bounds.

    Parameters
    ----------
    df : pandas.DataFrame
        The table (not modified).
    columns : str or sequence of str
        Columns to check; units are those of the columns.
    path : str
        File name for messages.
    min_value, max_value : float, optional
        Inclusive bounds; None for no bound.
    labels : iterable, optional
        How to name rows in messages (village codes, for example); default: file row numbers
        counted as in a CSV with one header row (first data row = 2).
    problems : list, optional
        Where to add the problems instead of raising.
    finite : bool, default True
        Report missing and non-finite values; False when the reader already reported them
        (the range checks still run on every other value).

    Returns
    -------
    pandas.DataFrame
        ``df`` itself, for chaining.
    """
    if isinstance(columns, str):
        columns = [columns]
    names = (
        pd.Series(list(labels), dtype=object)
        if labels is not None
        else pd.Series(file_rows(np.ones(len(df), dtype=bool), df.index), dtype=object)
    )
    collect, problems = problems, []
    for col in columns:
        if col not in df.columns:
            problems.append(msg("table.missing_column", column=col))
            continue
        values = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)
        not_num = ~np.isfinite(values)
        if not_num.any() and finite:
            problems.append(
                msg(
                    "table.missing_or_not_numbers",
                    column=col,
                    n=int(not_num.sum()),
                    rows=format_items(names[not_num]),
                )
            )
        with np.errstate(invalid="ignore"):
            low = (values < min_value) if min_value is not None else np.zeros(len(df), bool)
            high = (values > max_value) if max_value is not None else np.zeros(len(df), bool)
        if low.any():
            problems.append(
                msg(
                    "table.below",
                    column=col,
                    n=int(low.sum()),
                    bound=float(min_value),
                    example=float(values[low][0]),
                    rows=format_items(names[low]),
                )
            )
        if high.any():
            problems.append(
                msg(
                    "table.above",
                    column=col,
                    n=int(high.sum()),
                    bound=float(max_value),
                    example=float(values[high][0]),
                    rows=format_items(names[high]),
                )
            )
    if collect is not None:
        collect.extend(problems)
        return df
    raise_problems(path, problems)
    return df


def validate_units(
    df: pd.DataFrame,
    column: str,
    *,
    path: str,
    allowed: Sequence[str] = YIELD_UNITS,
    problems: list | None = None,
) -> pd.DataFrame:
    """Check that every cell of a unit column is one of ``allowed`` (case and spaces ignored).

    Parameters
    ----------
    df : pandas.DataFrame
        The table (not modified); row numbers in messages count the header as row 1.
    column : str
        The unit column, for example ``yield_unit``.
    path : str
        File name for messages.
    allowed : sequence of str
        Accepted units, by default t/ha, ku/ha (1 ku = 100 kg) and kg/ha.

    Returns
    -------
    pandas.DataFrame
        ``df`` itself.
    """
    collect = problems
    if column not in df.columns:
        raise_problems(path, [f"missing column '{column}'. Add the unit of every row."])
    units = df[column].astype(object)
    text = units.map(lambda u: u.strip() if isinstance(u, str) and u.strip() else None)
    # Case and spaces do not matter (docs/inputs.md): 'T/Ha' and 'ku / ha' are accepted.
    folded = text.map(lambda u: "".join(u.split()).lower() if isinstance(u, str) else None)
    missing = text.isna().to_numpy()
    unknown = ~missing & ~folded.isin([a.lower() for a in allowed]).to_numpy()
    rows = np.asarray(file_rows(np.ones(len(df), dtype=bool), df.index))
    problems = []
    if missing.any():
        problems.append(
            msg(
                "units.missing",
                column=column,
                rows=format_items(rows[missing]),
                allowed=", ".join(allowed),
            )
        )
    if unknown.any():
        found = sorted(set(text[unknown]))
        problems.append(
            msg(
                "units.unknown",
                column=column,
                found=", ".join(repr(u) for u in found),
                rows=format_items(rows[unknown]),
                allowed=", ".join(allowed),
            )
        )
    if collect is not None:
        collect.extend(problems)
        return df
    raise_problems(path, problems)
    return df


#: The one yes/no vocabulary of every table (case and surrounding spaces ignored). Anything else,
#: including an empty cell unless the caller gives a default, is refused: a flag never silently
#: turns into "no".
YES_WORDS = frozenset({"true", "t", "yes", "y", "ya", "benar", "ada", "1", "1.0"})
NO_WORDS = frozenset({"false", "f", "no", "n", "tidak", "salah", "tidak ada", "0", "0.0"})


def parse_yes_no(
    values: pd.Series,
    *,
    path: str,
    column: str,
    empty: bool | None = None,
    problems: list | None = None,
) -> pd.Series:
    """Read a yes/no column with the one vocabulary (:data:`YES_WORDS`, :data:`NO_WORDS`).

    Parameters
    ----------
    values : pandas.Series
        Cells as read (text, booleans, 0/1 numbers); row numbers in messages count a header
        row as row 1 (first value = row 2).
    path, column : str
        File and column, for messages.
    empty : bool, optional
        Value of an empty cell; None (default) refuses empty cells.
    problems : list, optional
        Where to add the problem instead of raising (to report it with others).

    Returns
    -------
    pandas.Series of bool
        Same index; refused cells are False in the returned series (only when ``problems`` is
        given; otherwise :class:`InputDataError` is raised).
    """

    def one(v: object) -> bool | None:
        if isinstance(v, bool | np.bool_):
            return bool(v)
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            return empty
        if isinstance(v, int | float | np.integer | np.floating):
            v = f"{float(v):g}" if float(v) in (0.0, 1.0) else str(v)
        word = " ".join(str(v).split()).lower()
        if not word:
            return empty
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        return None

    parsed = [one(v) for v in values]
    bad = np.array([p is None for p in parsed], dtype=bool)
    if bad.any():
        rows = format_items((np.flatnonzero(bad) + 2).tolist())
        found = format_items(sorted({repr(str(v)) for v in values[bad] if v is not None}))
        problem = msg(
            "yesno.unknown",
            column=column,
            rows=rows,
            found=found or "''",
            yes=", ".join(sorted(YES_WORDS)),
            no=", ".join(sorted(NO_WORDS)),
        )
        if problems is None:
            raise_problems(path, [problem])
        problems.append(problem)
    return pd.Series([bool(p) for p in parsed], index=values.index, dtype=bool)


def validate_bool(df: pd.DataFrame, column: str, *, path: str) -> pd.DataFrame:
    """Return a copy of ``df`` with ``column`` parsed as booleans by :func:`parse_yes_no`."""
    out = df.copy()
    out[column] = parse_yes_no(df[column], path=path, column=column).to_numpy(dtype=bool)
    return out


def crs_missing(*, raster: bool = False) -> str:
    """The one problem text for a layer or raster without a CRS (to list with other problems)."""
    return msg("crs.missing_raster" if raster else "crs.missing_layer")


def require_crs(crs, name: str, *, raster: bool = False) -> None:
    """Raise the one "no CRS" :class:`InputDataError` (``name: the layer has no ...``)."""
    if crs is None:
        raise_problems(name, [crs_missing(raster=raster)])


def validate_class_layer(
    gdf: gpd.GeoDataFrame,
    *,
    path: str,
    class_column: str,
    classes: pd.DataFrame | None = None,
    id_column: str = "class_id",
) -> gpd.GeoDataFrame:
    """Check a polygon layer of classes (land use, zoning) and return a repaired copy.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Polygons in any CRS (a CRS is required; it is kept).
    path : str
        File name for messages.
    class_column : str
        Column holding the class of each polygon.
    classes : pandas.DataFrame, optional
        Class table with an ``id_column`` and optionally ``class_code``; numeric codes in the
        layer are translated to class ids, and classes missing from the table are refused.
    id_column : str
        Column of class ids in ``classes``.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer with the class column as text ids and invalid polygons repaired.
    """
    require_crs(gdf.crs, path)
    problems = []
    if class_column not in gdf.columns:
        problems.append(
            f"missing class column '{class_column}'. Columns found: "
            f"{', '.join(c for c in gdf.columns if c != gdf.geometry.name)}."
        )
    raise_problems(path, problems)
    null = (gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy()
    non_poly = ~null & ~gdf.geometry.geom_type.isin(_POLYGONAL).to_numpy()
    values = codes_as_text(gdf[class_column])
    no_class = values.isna().to_numpy()
    if null.any() or non_poly.any():
        problems.append(
            f"{int(null.sum())} empty and {int(non_poly.sum())} non-polygon features. "
            f"Features: {format_items((np.flatnonzero(null | non_poly) + 1).tolist())}."
        )
    if no_class.any():
        problems.append(
            f"column '{class_column}': features without a class: "
            f"{format_items((np.flatnonzero(no_class) + 1).tolist())}."
        )
    raise_problems(path, problems)
    if classes is not None:
        known = set(classes[id_column].astype(str))
        lookup = (
            dict(zip(classes["class_code"].astype(str), classes[id_column], strict=True))
            if "class_code" in classes.columns
            else {}
        )
        values = values.map(lambda v: lookup.get(v, v))
        bad = ~values.isin(known)
        if bad.any():
            found = sorted({str(v) for v in values[bad]})
            raise_problems(
                path,
                [
                    f"column '{class_column}': classes not in the class table: "
                    f"{format_items(found)}. Known: {', '.join(sorted(known))}."
                ],
            )
    out = gdf.copy()
    out[class_column] = values.to_numpy()
    geoms, invalid = repair_polygons(out.geometry)
    if invalid.any():
        logger.info("Repaired %d invalid polygons in '%s'", int(invalid.sum()), path)
        out = out.set_geometry(geoms)
    return out
