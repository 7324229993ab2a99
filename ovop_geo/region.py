"""Load a region: villages, statistics, parameter tables, layer references and provenance.

:func:`load_region` reads everything a manifest names except the land-use, zoning and elevation
layers, whose paths are only recorded (they may be large, or not generated yet); read them with
:func:`read_landuse`, :func:`read_zoning` and :func:`elevation_info` when needed.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd

from ovop_geo.errors import InputDataError, format_items, raise_problems
from ovop_geo.io import file_rows, read_table, read_vector
from ovop_geo.manifest import ClassLayerSpec, Manifest, RasterSpec, TableSpec, load_manifest
from ovop_geo.messages import msg
from ovop_geo.names import match_names
from ovop_geo.plausibility import check_harvest, check_raw_crs, check_villages
from ovop_geo.raster import RasterInfo, read_raster_info
from ovop_geo.units import yield_to_t_ha
from ovop_geo.validate import (
    codes_as_text,
    validate_bool,
    validate_class_layer,
    validate_numeric,
    validate_units,
    validate_villages,
)

__all__ = [
    "DEFAULT_TEMPLATE_CROPS",
    "DEFAULT_TEMPLATE_PRODUCTS",
    "MAX_YIELD_T_HA",
    "TEMPLATE_FILES",
    "LayerRef",
    "Provenance",
    "RasterRef",
    "Region",
    "RegionLayers",
    "elevation_info",
    "landuse_raster_info",
    "load_region",
    "missing_statistics",
    "read_landuse",
    "read_lowland",
    "read_zoning",
    "statistics_templates",
    "subset_region",
]

logger = logging.getLogger(__name__)

DEFAULT_TEMPLATE_CROPS = ("padi", "jagung", "ubi_kayu")
#: The paper's nine products (Table 3): the business template's default products when a region
#: has no business table. Any other product id may be added (with its raw-material link in the
#: products table, ``raw_materials``).
DEFAULT_TEMPLATE_PRODUCTS = (
    "rengginang",
    "marning",
    "kerupuk",
    "keripik",
    "torratello",
    "kue",
    "dodol",
    "minuman",
    "kerajinan",
)
#: Highest plausible crop yield (t/ha); harvest rows above it are refused as unit or typing
#: errors (fresh cassava and pineapple reach 40-60 t/ha, sugar cane about 100).
MAX_YIELD_T_HA = 100.0

# name -> (required columns, numeric columns, boolean columns) of the parameter tables.
_TABLE_SCHEMAS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "crops": (
        ("crop_id",),
        ("slope_s1_max_pct", "slope_s2_max_pct", "slope_s3_max_pct"),
        (),
    ),
    "crop_landuse_suitability": (("crop_id", "class_id", "suitability"), (), ()),
    "raw_materials": (("product", "crop_id"), (), ()),
    "prices": (("crop_id",), ("price_idr_per_kg",), ()),
    "landuse_classes": (("class_id",), (), ("idle",)),
    "zoning_classes": (("zone_id",), (), ("farming_allowed",)),
    "criteria": (("id", "direction"), ("weight",), ()),
    "sentra_rules": (("rule_id", "parameter"), ("value",), ()),
    "growth_scenarios": (("scenario", "source"), ("growth_rate_pct_yr",), ()),
    "lowland_limits": (("crop_id", "factor", "direction", "s1", "s2", "s3", "source"), (), ()),
    # QFD tables are read as text and checked together by ovop_geo.qfd.check_tables, which
    # reports every problem of every table at once with its row and column.
    "qfd_products": ((), (), ()),
    "qfd_needs": ((), (), ()),
    "qfd_relationships": ((), (), ()),
    "qfd_measures": ((), (), ()),
    "qfd_roof": ((), (), ()),
}
#: name -> (optional numeric columns, optional boolean columns): checked when present.
_OPTIONAL_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "crops": (
        (
            "cropping_intensity",
            "staple_t_per_harvested_t",
            "food_kg_per_person_yr",
            "yield_max_t_ha",
        ),
        (),
    ),
    # the current layout, and the older one (input_t_per_business_yr in t of harvested crop)
    "raw_materials": (
        (
            "processed_input_t_per_business_yr",
            "processed_t_per_harvested_t",
            "input_t_per_business_yr",
        ),
        (),
    ),
    "landuse_classes": ((), ("farmland",)),
}
_SUITABILITY = ("S1", "S2", "S3", "N")


class Provenance(NamedTuple):
    """One input file: its role, path (relative to the project folder), SHA-256, source."""

    role: str
    path: str
    sha256: str | None
    source: str | None
    illustrative: bool


@dataclass(frozen=True)
class LayerRef:
    """A layer of classes, not yet read: polygons, or (land use only) a class raster.

    For a class raster (``raster`` True) ``class_column`` is ``"class_code"``: pixel values are
    the class codes of the land-use class table.
    """

    path: Path
    class_column: str
    layer: str | None
    illustrative: bool
    source: str | None
    exists: bool
    raster: bool = False


@dataclass(frozen=True)
class RasterRef:
    """A raster layer, not yet read."""

    path: Path
    units: str
    illustrative: bool
    source: str | None
    exists: bool


@dataclass(frozen=True)
class RegionLayers:
    """References to the optional layers of a region."""

    landuse: LayerRef | None = None
    zoning: LayerRef | None = None
    elevation: RasterRef | None = None


@dataclass(frozen=True)
class Region:
    """Everything loaded for one region.

    Attributes
    ----------
    manifest : Manifest
    villages : geopandas.GeoDataFrame
        Indexed by ``village_code`` (str): ``village_name``, ``area_ha`` (UTM), optional
        ``group``, ``households``, other attributes; geometry EPSG:4326.
    businesses : pandas.DataFrame or None
        Business counts indexed by ``village_code``, one int64 column per product. A village
        without any row in the table holds 0 here but is not in ``businesses_reported``.
    harvest : pandas.DataFrame or None
        Tidy rows ``village_code`` (None for region totals), ``crop_id``, ``harvest_area_ha``,
        ``yield_value``, ``yield_unit`` (t/ha, ku/ha or kg/ha), ``source``.
    assessment : pandas.DataFrame or None
        The OVOP assessment table (paper Table 4) as read.
    businesses_previous : pandas.DataFrame or None
        Business counts of an earlier period (``[statistics.businesses_previous]``), with the
        same villages and products as ``businesses`` (a product missing in one period is 0).
    tables : dict of str to DataFrame
        Parameter tables by name (crops, crop_landuse_suitability, raw_materials, prices,
        landuse_classes, zoning_classes), when the manifest names them.
    layers : RegionLayers
    provenance : tuple of Provenance
    warnings : tuple of str
        Things changed on loading (repaired geometries, reprojection, zero-filled villages).
    businesses_reported : tuple of str, optional
        Codes of the villages with at least one row in the business table: the others have no
        statistics, and every figure computed from business counts is unknown (NA) for them,
        never a score from distances alone. None: every village is reported.
    """

    manifest: Manifest
    villages: gpd.GeoDataFrame
    businesses: pd.DataFrame | None = None
    harvest: pd.DataFrame | None = None
    assessment: pd.DataFrame | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    businesses_previous: pd.DataFrame | None = None
    layers: RegionLayers = field(default_factory=RegionLayers)
    provenance: tuple[Provenance, ...] = ()
    warnings: tuple[str, ...] = ()
    businesses_reported: tuple[str, ...] | None = None

    @property
    def id(self) -> str:
        """The region id."""
        return self.manifest.region.id

    @property
    def name(self) -> str:
        """The region's display name."""
        return self.manifest.region.name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _source_of(df: pd.DataFrame) -> str | None:
    return "see the table's 'source' column" if "source" in df.columns else None


def load_region(manifest_or_id: Manifest | str | Path, *, allow_outside: bool = False) -> Region:
    """Load a region described by a manifest.

    Parameters
    ----------
    manifest_or_id : Manifest, str or Path
        A loaded manifest, a bundled region id (``"rasau-jaya"``) or a manifest path.
    allow_outside : bool, default False
        Passed to :func:`~ovop_geo.manifest.load_manifest` when a path or id is given.

    Returns
    -------
    Region
        Villages (EPSG:4326, ``area_ha`` in hectares from the UTM zone), statistics and tables
        as documented on :class:`Region`. Optional layers are only referenced.

    Raises
    ------
    InputDataError
        Any problem in the manifest or in a file it names (except the optional layers, which
        are checked when read).
    """
    manifest = (
        manifest_or_id
        if isinstance(manifest_or_id, Manifest)
        else load_manifest(manifest_or_id, allow_outside=allow_outside)
    )
    provenance: list[Provenance] = []
    warnings: list[str] = []

    def record(role: str, path: Path, source: str | None, illustrative: bool = False) -> None:
        exists = path.is_file()
        provenance.append(
            Provenance(
                role,
                manifest.relative(path),
                _sha256(path) if exists else None,
                source,
                illustrative,
            )
        )

    bounds = manifest.checks
    failed: list[InputDataError] = []  # every file's problems, raised together at the end

    def attempt(step, *args, **kwargs):
        try:
            return step(*args, **kwargs)
        except InputDataError as err:
            failed.append(err)
            return None

    b = manifest.boundaries
    shown = manifest.relative(b.path)
    loaded = attempt(_read_villages, manifest, bounds)
    villages = None
    if loaded is not None:
        villages, village_warnings = loaded
        warnings.extend(village_warnings)
        record("boundaries", b.path, b.source, b.illustrative)
    alt_names = tuple(b.alt_name_columns) + tuple(b.alt_code_columns)
    aliases = None
    if b.aliases is not None:
        aliases = attempt(_read_aliases, b.aliases, manifest)
        record("aliases", b.aliases, None)
    centre = manifest.access.centre_village
    if villages is not None and centre and centre not in villages.index:
        failed.append(
            InputDataError(
                f"{manifest.path.name}: [access] centre_village '{centre}' "
                f"is not a village code in {shown}. Use one of: {format_items(villages.index)}.",
                path=manifest.path.name,
            )
        )

    tables: dict[str, pd.DataFrame] = {}
    table_paths = dict(manifest.tables)
    for key, spec in (("landuse_classes", manifest.landuse), ("zoning_classes", manifest.zoning)):
        if spec is not None and spec.classes is not None:
            table_paths.setdefault(key, spec.classes)
    for name, path in table_paths.items():
        table = attempt(_read_parameter_table, name, path, manifest)
        if table is not None:
            tables[name] = table
            record(f"table:{name}", path, _source_of(table))

    stats = manifest.statistics
    businesses = harvest = assessment = previous = reported = None
    names = {"alt_names": alt_names, "aliases": aliases, "warnings": warnings}
    if villages is not None:
        if stats.businesses is not None:
            read = attempt(
                _read_businesses,
                stats.businesses.path,
                villages,
                manifest,
                decimal=stats.businesses.decimal,
                **names,
            )
            if read is not None:
                businesses, reported = read
            record("businesses", stats.businesses.path, stats.businesses.source)
        if stats.businesses_previous is not None:
            read = attempt(
                _read_businesses,
                stats.businesses_previous.path,
                villages,
                manifest,
                decimal=stats.businesses_previous.decimal,
                **names,
            )
            if read is not None:
                previous = read[0]
            record(
                "businesses_previous",
                stats.businesses_previous.path,
                stats.businesses_previous.source,
            )
            if businesses is not None and previous is not None:
                products = list(dict.fromkeys([*businesses.columns, *previous.columns]))
                businesses = businesses.reindex(columns=products, fill_value=0)
                previous = previous.reindex(columns=products, fill_value=0)
        if stats.harvest is not None:
            harvest = attempt(_read_harvest, stats.harvest, villages, tables, manifest, **names)
            record("harvest", stats.harvest.path, stats.harvest.source, stats.harvest.illustrative)
        if stats.households is not None:
            read = attempt(_read_households, stats.households.path, villages, manifest, **names)
            if read is not None:
                villages = read
            record("households", stats.households.path, stats.households.source)
    if stats.assessment is not None:
        assessment = attempt(_read_assessment, stats.assessment.path, manifest)
        record("assessment", stats.assessment.path, stats.assessment.source)
    _raise_all(failed, bounds.max_problems)

    layers = RegionLayers(
        landuse=_layer_ref(manifest.landuse),
        zoning=_layer_ref(manifest.zoning),
        elevation=_raster_ref(manifest.elevation),
    )
    for role, spec in (
        ("landuse", manifest.landuse),
        ("zoning", manifest.zoning),
        ("elevation", manifest.elevation),
        *((f"lowland:{k}", v) for k, v in manifest.lowland.items()),
    ):
        if spec is not None:
            record(role, spec.path, spec.source, spec.illustrative)

    logger.info("Loaded region '%s': %s villages", manifest.region.id, f"{len(villages):,}")
    return Region(
        manifest=manifest,
        villages=villages,
        businesses=businesses,
        harvest=harvest,
        assessment=assessment,
        tables=tables,
        layers=layers,
        provenance=tuple(provenance),
        warnings=tuple(warnings),
        businesses_previous=previous,
        businesses_reported=reported,
    )


def _raise_all(failed: list[InputDataError], cap: int) -> None:
    """One error for the problems of every file: a single file's error as it is, else all."""
    if not failed:
        return
    if len(failed) == 1:
        raise failed[0]
    texts = [str(e) for e in failed]
    total = sum(len(e.problems) for e in failed)
    if len(texts) > cap:
        texts = [*texts[:cap], msg("problems.more", n=len(texts) - cap)]
    raise InputDataError(
        msg("problems.files", n=len(failed), total=total, files=texts),
        path=None,
        problems=tuple(p for e in failed for p in e.problems),
    )


def _read_villages(manifest: Manifest, bounds) -> tuple[gpd.GeoDataFrame, list[str]]:
    b = manifest.boundaries
    shown = manifest.relative(b.path)
    raw = read_vector(b.path, layer=b.layer, display_name=shown)
    crs_problems = check_raw_crs(raw, shown, bounds)
    raise_problems(shown, crs_problems)  # misplaced coordinates: the other checks mean nothing
    try:
        villages, report = validate_villages(
            raw,
            path=shown,
            id_column=b.id_column,
            name_column=b.name_column,
            group_column=b.group_column,
            households_column=b.households_column,
        )
    except InputDataError as err:
        if not crs_problems:
            raise
        raise_problems(shown, [*crs_problems, *err.problems])
    raise_problems(shown, crs_problems)
    found = check_villages(
        villages, path=shown, bounds=bounds, reported_area_km2=manifest.region.area_km2_reported
    )
    raise_problems(shown, found.refusals)
    return villages, [*report.warnings, *found.warnings]


def _read_aliases(path: Path, manifest: Manifest) -> dict[str, str]:
    shown = manifest.relative(path)
    df = read_table(path, required_columns=("name", "village_code"), display_name=shown)
    codes = codes_as_text(df["village_code"])
    empty = df["name"].isna() | codes.isna()
    if empty.any():
        rows = format_items((np.flatnonzero(empty.to_numpy()) + 2).tolist())
        raise_problems(shown, [f"empty name or village_code. Rows: {rows}."])
    return dict(zip(df["name"].astype(str), codes.astype(str), strict=True))


def _read_assessment(path: Path, manifest: Manifest) -> pd.DataFrame:
    shown = manifest.relative(path)
    problems: list[str] = []
    assessment = read_table(
        path,
        numeric_columns=("level", "share_pct"),
        required_columns=("aspect", "dimension", "level", "share_pct"),
        display_name=shown,
        problems=problems,
    )
    validate_numeric(
        assessment,
        "share_pct",
        path=shown,
        min_value=0,
        max_value=100,
        problems=problems,
        finite=not problems,
    )
    raise_problems(shown, problems)
    return assessment


def _layer_ref(spec: ClassLayerSpec | None) -> LayerRef | None:
    if spec is None:
        return None
    return LayerRef(
        path=spec.path,
        class_column=spec.class_column or "class_code",
        layer=spec.layer,
        illustrative=spec.illustrative,
        source=spec.source,
        exists=spec.path.is_file(),
        raster=spec.raster,
    )


def _raster_ref(spec: RasterSpec | None) -> RasterRef | None:
    if spec is None:
        return None
    return RasterRef(
        path=spec.path,
        units=spec.units,
        illustrative=spec.illustrative,
        source=spec.source,
        exists=spec.path.is_file(),
    )


def _read_parameter_table(name: str, path: Path, manifest: Manifest) -> pd.DataFrame:
    required, numeric, booleans = _TABLE_SCHEMAS[name]
    optional_numeric, optional_booleans = _OPTIONAL_COLUMNS.get(name, ((), ()))
    shown = manifest.relative(path)
    df = read_table(
        path,
        numeric_columns=numeric,
        required_columns=required + booleans,
        optional_numeric_columns=optional_numeric,
        display_name=shown,
    )
    for col in booleans + tuple(c for c in optional_booleans if c in df.columns):
        df = validate_bool(df, col, path=shown)
    numeric = numeric + tuple(c for c in optional_numeric if c in df.columns)
    if numeric:
        validate_numeric(df, list(numeric), path=shown, min_value=0)
    if name == "crop_landuse_suitability":
        bad = ~df["suitability"].isin(_SUITABILITY)
        if bad.any():
            rows = format_items(file_rows(bad))
            raise_problems(
                shown,
                [f"column 'suitability': use S1, S2, S3 or N. Rows: {rows}."],
            )
    return df


def _codes_for(
    df: pd.DataFrame,
    villages: gpd.GeoDataFrame,
    shown: str,
    problems: list[str],
    *,
    alt_names: tuple[str, ...] = (),
    aliases: dict[str, str] | None = None,
    warnings: list[str] | None = None,
    allow_empty: bool = False,
) -> pd.Series:
    """Village code of every row, from a ``village_code`` column or else by name.

    Problems are added to ``problems``; names matched only through normalisation are reported
    in ``warnings`` with what they matched.
    """
    if "village_code" in df.columns:
        codes = codes_as_text(df["village_code"])
        unknown = codes.notna() & ~codes.isin(villages.index)
        if unknown.any():
            problems.append(
                msg(
                    "names.unknown_codes",
                    codes=format_items(sorted(set(codes[unknown]))),
                    rows=format_items(file_rows(unknown)),
                )
            )
        if codes.isna().any() and not allow_empty:
            rows = format_items(file_rows(codes.isna()))
            problems.append(msg("names.empty", column="village_code", rows=rows))
        return pd.Series(
            [
                v if isinstance(v, str) and not u else None
                for v, u in zip(codes, unknown, strict=True)
            ],
            index=df.index,
            dtype=object,
        )
    if "village_name" not in df.columns:
        problems.append(msg("names.no_key_column"))
        return pd.Series([None] * len(df), index=df.index, dtype=object)
    names = df["village_name"]
    empty = names.isna()
    if empty.any() and not allow_empty:
        rows = format_items(file_rows(empty))
        problems.append(msg("names.empty", column="village_name", rows=rows))
    try:
        lookup = match_names(
            names[~empty],
            villages,
            alt_columns=alt_names,
            path=shown,
            column="village_name",
            aliases=aliases,
        )
    except InputDataError as err:
        problems.extend(err.problems)
        lookup = pd.Series(dtype=object)
    inexact = lookup.attrs.get("inexact", [])
    if inexact and warnings is not None:
        warnings.append(
            msg(
                "names.inexact",
                path=shown,
                n=len(inexact),
                matches=[f"'{n}' → {v} ({c})" for n, c, v in inexact],
            )
        )
    return pd.Series(
        [lookup.get(n) if isinstance(n, str) else None for n in names],
        index=df.index,
        dtype=object,
    )


#: Indonesian (and other common) column headers accepted for the documented names of the
#: statistics tables (lower case; the documented name wins when both are present).
COLUMN_ALIASES = {
    "kode_desa": "village_code",
    "kode desa": "village_code",
    "kode": "village_code",
    "nama_desa": "village_name",
    "nama desa": "village_name",
    "desa": "village_name",
    "kelurahan": "village_name",
    "komoditas": "crop_id",
    "tanaman": "crop_id",
    "crop": "crop_id",
    "luas_panen_ha": "harvest_area_ha",
    "luas panen (ha)": "harvest_area_ha",
    "luas_panen": "harvest_area_ha",
    "luas panen": "harvest_area_ha",
    "produktivitas": "yield",
    "hasil": "yield",
    "satuan": "yield_unit",
    "satuan_produktivitas": "yield_unit",
    "produk": "product",
    "jumlah_usaha": "businesses",
    "jumlah usaha": "businesses",
    "unit_usaha": "businesses",
    "jumlah unit usaha": "businesses",
    "sumber": "source",
}


def _read_businesses(
    path: Path,
    villages: gpd.GeoDataFrame,
    manifest: Manifest,
    *,
    alt_names: tuple[str, ...] = (),
    aliases: dict[str, str] | None = None,
    warnings: list[str] | None = None,
    decimal: str | None = None,
) -> tuple[pd.DataFrame, tuple[str, ...] | None]:
    """Business counts (wide) and the villages the table reports (None: all)."""
    shown = manifest.relative(path)
    problems: list[str] = []
    header = read_table(path, display_name=shown, aliases=COLUMN_ALIASES).columns
    key = next((c for c in ("village_code", "village_name") if c in header), None)
    products = [c for c in header if c not in ("village_code", "village_name", "source", "note")]
    if key and "product" not in header and "businesses" not in header and products:
        # the wide form, one column per product, as statistics are often printed: read as is
        wide = read_table(
            path,
            numeric_columns=products,
            required_columns=(key,),
            display_name=shown,
            problems=problems,
            aliases=COLUMN_ALIASES,
            decimal=decimal,
        )
        df = wide.melt(
            id_vars=[key], value_vars=products, var_name="product", value_name="businesses"
        )
        if warnings is not None:
            warnings.append(msg("table.wide_read", path=shown, n=len(products), products=products))
    else:
        df = read_table(
            path,
            numeric_columns=("businesses",),
            required_columns=("product", "businesses"),
            display_name=shown,
            problems=problems,
            aliases=COLUMN_ALIASES,
            decimal=decimal,
            skip_unfilled=("businesses",),
        )
    validate_numeric(
        df, "businesses", path=shown, min_value=0, problems=problems, finite=not problems
    )
    counts = pd.to_numeric(df["businesses"], errors="coerce")
    if ((counts.dropna() % 1) != 0).any():
        problems.append(msg("table.whole_counts", column="businesses"))
    _total_rows(df, problems)
    codes = _codes_for(
        df, villages, shown, problems, alt_names=alt_names, aliases=aliases, warnings=warnings
    )
    raise_problems(shown, problems)
    tidy = pd.DataFrame(
        {
            "village_code": codes.to_numpy(),
            "product": df["product"].to_numpy(),
            "businesses": counts.astype("int64").to_numpy(),
        }
    )
    dup = tidy.duplicated(["village_code", "product"], keep=False).to_numpy()
    if dup.any():
        rows = format_items(file_rows(dup, df.index))
        raise_problems(
            shown,
            [f"the same product and village appear more than once. Rows: {rows}. Keep one."],
        )
    wide = tidy.pivot(index="village_code", columns="product", values="businesses")
    wide = wide[list(dict.fromkeys(tidy["product"]))]
    absent = [c for c in villages.index if c not in wide.index]
    wide = wide.reindex(villages.index).fillna(0).astype("int64")
    wide.columns.name = None
    wide.index.name = "village_code"
    reported = None
    if absent:
        if warnings is not None:
            warnings.append(
                msg(
                    "note.businesses_unreported",
                    file=shown,
                    count=len(absent),
                    villages=format_items(absent),
                )
            )
        missing = set(absent)
        reported = tuple(c for c in villages.index if c not in missing)
    return wide, reported


def _read_households(
    path: Path,
    villages: gpd.GeoDataFrame,
    manifest: Manifest,
    *,
    alt_names: tuple[str, ...] = (),
    aliases: dict[str, str] | None = None,
    warnings: list[str] | None = None,
) -> gpd.GeoDataFrame:
    """Households (and optionally population) per village from a table.

    They replace the boundary layer's households column.
    """
    shown = manifest.relative(path)
    problems: list[str] = []
    df = read_table(
        path,
        numeric_columns=("households",),
        optional_numeric_columns=("population",),
        required_columns=("households",),
        display_name=shown,
        problems=problems,
        skip_unfilled=("households", "population"),
    )
    columns = ["households"] + (["population"] if "population" in df.columns else [])
    validate_numeric(
        df,
        [c for c in columns if c in df.columns],
        path=shown,
        min_value=0,
        problems=problems,
        finite=not problems,
    )
    _total_rows(df, problems)
    codes = _codes_for(
        df, villages, shown, problems, alt_names=alt_names, aliases=aliases, warnings=warnings
    )
    raise_problems(shown, problems)
    dup = codes.duplicated(keep=False)
    if dup.any():
        rows = format_items(file_rows(dup))
        raise_problems(shown, [f"the same village appears more than once. Rows: {rows}."])
    out = villages.copy()
    for column in columns:
        values = pd.Series(df[column].astype(float).to_numpy(), index=codes.to_numpy())
        out[column] = values.reindex(villages.index).to_numpy()
    absent = [c for c in villages.index if c not in set(codes)]
    if absent and warnings is not None:
        warnings.append(
            msg(
                "note.households_unreported",
                file=shown,
                count=len(absent),
                villages=format_items(absent),
            )
        )
    return out


def subset_region(
    region: Region, *, kabupaten: str | None = None, kecamatan: str | None = None
) -> Region:
    """The part of ``region`` in one kabupaten and/or kecamatan (by code or by name).

    The codes come from the village codes (:mod:`ovop_geo.wilayah`). Village statistics are
    kept for the villages selected; harvest totals for the whole region cannot be split and
    are refused; a region population ([region] population) covers the whole region and is
    dropped (with a note) when only part of it is kept.

    Raises
    ------
    InputDataError
        When nothing matches (naming what the region holds) or the harvest is region totals.
    """
    if kabupaten is None and kecamatan is None:
        return region
    from dataclasses import replace

    from .wilayah import admin_units, select_villages

    codes = select_villages(region.villages, kabupaten=kabupaten, kecamatan=kecamatan)
    if len(codes) == len(region.villages):
        return region
    units = admin_units(region.villages.loc[codes])
    label = []
    for level, given in (("kabupaten", kabupaten), ("kecamatan", kecamatan)):
        if given is not None:
            name = units[f"{level}_name"].dropna()
            shown = str(name.iloc[0]) if len(name) else str(given)
            prefix = "" if shown.lower().startswith(level) else f"{level.title()} "
            label.append(prefix + shown)
    manifest = region.manifest
    harvest = region.harvest
    if harvest is not None:
        totals = harvest["village_code"].isna()
        if totals.any():
            shown = manifest.relative(manifest.statistics.harvest.path)
            raise InputDataError(msg("wilayah.totals_not_split", file=shown), path=shown)
        harvest = harvest[harvest["village_code"].isin(codes)].reset_index(drop=True)
    keep = set(codes)
    info = replace(manifest.region, name=f"{manifest.region.name}: {', '.join(label)}")
    warnings = list(region.warnings)
    if info.population is not None:
        info = replace(info, population=None)
        warnings.append(msg("note.subset_population", name=manifest.region.name))
    access = manifest.access
    if access.centre_village is not None and access.centre_village not in keep:
        access = replace(access, centre_village=None)
    reported = (
        None
        if region.businesses_reported is None
        else tuple(c for c in region.businesses_reported if c in keep)
    )
    return replace(
        region,
        manifest=replace(manifest, region=info, access=access),
        villages=region.villages.loc[codes],
        businesses=None if region.businesses is None else region.businesses.loc[codes],
        businesses_previous=(
            None if region.businesses_previous is None else region.businesses_previous.loc[codes]
        ),
        businesses_reported=reported,
        harvest=harvest,
        warnings=tuple(warnings),
    )


_TOTAL_WORDS = ("jumlah", "total", "jumlah total", "grand total", "sum", "kecamatan", "kabupaten")


def _total_rows(df: pd.DataFrame, problems: list[str]) -> None:
    """Refuse rows that are totals ('Jumlah', 'Total'): counted with the villages they add up."""
    for col in ("village_name", "village_code"):
        if col in df.columns:
            words = df[col].map(
                lambda v: " ".join(str(v).split()).lower() if isinstance(v, str) else ""
            )
            total = words.isin(_TOTAL_WORDS).to_numpy()
            if total.any():
                rows = format_items((np.flatnonzero(total) + 2).tolist())
                problems.append(msg("check.total_row", column=col, rows=rows))


def _read_harvest(
    spec: TableSpec,
    villages: gpd.GeoDataFrame,
    tables: dict[str, pd.DataFrame],
    manifest: Manifest,
    *,
    alt_names: tuple[str, ...] = (),
    aliases: dict[str, str] | None = None,
    warnings: list[str] | None = None,
) -> pd.DataFrame:
    shown = manifest.relative(spec.path)
    problems: list[str] = []
    df = read_table(
        spec.path,
        numeric_columns=("harvest_area_ha",),
        optional_numeric_columns=("yield", "yield_value"),
        required_columns=("crop_id", "yield_unit"),
        display_name=shown,
        problems=problems,
        skip_unfilled=("harvest_area_ha", "yield", "yield_value"),
        aliases=COLUMN_ALIASES,
        decimal=spec.decimal,
    )
    yield_col = "yield_value" if "yield_value" in df.columns else "yield"
    if yield_col not in df.columns:
        problems.append(msg("table.missing_yield"))
        raise_problems(shown, problems)
    validate_numeric(
        df,
        ["harvest_area_ha", yield_col],
        path=shown,
        min_value=0,
        problems=problems,
        finite=not problems,
    )
    units_ok = len(problems)
    validate_units(df, "yield_unit", path=shown, problems=problems)
    units_ok = units_ok == len(problems)
    if units_ok:
        _check_yield_bound(df, yield_col, shown, problems)
    if "crops" in tables:
        known = set(tables["crops"]["crop_id"])
        bad = ~df["crop_id"].isin(known)
        if bad.any():
            rows = format_items(file_rows(bad))
            unknown = format_items(sorted(set(df.loc[bad, "crop_id"].astype(str))))
            problems.append(
                msg("table.unknown_crops", crops=unknown, rows=rows, known=", ".join(sorted(known)))
            )
    _total_rows(df, problems)
    by_village = "village_code" in df.columns or "village_name" in df.columns
    if spec.level == "village" and not by_village:
        problems.append(msg("harvest.village_level_without_villages"))
    if by_village:
        codes = _codes_for(
            df,
            villages,
            shown,
            problems,
            alt_names=alt_names,
            aliases=aliases,
            warnings=warnings,
            allow_empty=spec.level != "village",
        )
    else:
        codes = pd.Series([None] * len(df), dtype=object)
    named = codes.notna().to_numpy()
    if spec.level == "region" and named.any():
        rows = format_items(file_rows(named, df.index))
        problems.append(msg("harvest.region_level_with_villages", rows=rows))
    raise_problems(shown, problems)
    source = (
        df["source"].where(df["source"].notna(), spec.source)
        if "source" in df.columns
        else pd.Series([spec.source] * len(df), dtype=object)
    )
    out = pd.DataFrame(
        {
            "village_code": pd.Series(codes.tolist(), dtype=object),
            "crop_id": df["crop_id"].to_numpy(dtype=object),
            "harvest_area_ha": df["harvest_area_ha"].astype(float).to_numpy(),
            "yield_value": df[yield_col].astype(float).to_numpy(),
            "yield_unit": df["yield_unit"].str.strip().to_numpy(dtype=object),
            "source": source.to_numpy(dtype=object),
        }
    )
    dup = out.duplicated(["village_code", "crop_id"], keep=False).to_numpy()
    if dup.any():
        rows = format_items(file_rows(dup, df.index))
        raise_problems(shown, [f"the same crop and village appear twice. Rows: {rows}."])
    crops = tables.get("crops")
    crop_max = None
    if crops is not None and "yield_max_t_ha" in crops.columns:
        crop_max = dict(zip(crops["crop_id"].astype(str), crops["yield_max_t_ha"], strict=True))
    t_ha = yield_to_t_ha(out["yield_value"], out["yield_unit"], source=shown)
    found = check_harvest(
        out.assign(yield_t_ha=np.asarray(t_ha, dtype=float)),
        villages,
        path=shown,
        bounds=manifest.checks,
        crop_max_yield=crop_max,
    )
    raise_problems(shown, found.refusals)
    if warnings is not None:
        warnings.extend(found.warnings)
    return out


def _check_yield_bound(df: pd.DataFrame, yield_col: str, shown: str, problems: list) -> None:
    """Refuse yields above :data:`MAX_YIELD_T_HA` once converted to t/ha (wrong unit, typo)."""
    t_ha = yield_to_t_ha(df[yield_col].astype(float), df["yield_unit"], source=shown)
    high = (t_ha > MAX_YIELD_T_HA).to_numpy()
    if not high.any():
        return
    rows = [
        f"row {i}: {v:,.10g} {u.strip()}" + ("" if t == v else f" (= {t:,.10g} t/ha)")
        for i, v, u, t in zip(
            file_rows(high, df.index),
            df.loc[high, yield_col],
            df.loc[high, "yield_unit"],
            t_ha[high],
            strict=True,
        )
    ]
    problems.append(
        f"column '{yield_col}': {len(rows)} yield(s) above {MAX_YIELD_T_HA:g} t/ha, more "
        f"than any crop gives: {format_items(rows)}. Check the values and their "
        "'yield_unit' (1 t = 10 ku = 1,000 kg)."
    )


# --- optional layers --------------------------------------------------------------------------


def _read_class_layer(region: Region, role: str) -> gpd.GeoDataFrame:
    spec: ClassLayerSpec | None = getattr(region.manifest, role)
    manifest_name = region.manifest.path.name
    if spec is None:
        raise InputDataError(
            f"{manifest_name}: region '{region.id}' has no [{role}] layer. Add one to the "
            "manifest to use it.",
            path=manifest_name,
        )
    shown = _check_layer_file(region, spec, role)
    if spec.raster:
        raise InputDataError(
            f"{shown}: the {role} layer is a class raster, not polygons. Use "
            "landuse_raster_info(region) and ovop_geo.landuse.landuse_by_village_raster.",
            path=shown,
        )
    gdf = read_vector(spec.path, layer=spec.layer, display_name=shown)
    table_name = "landuse_classes" if role == "landuse" else "zoning_classes"
    gdf = validate_class_layer(
        gdf,
        path=shown,
        class_column=spec.class_column,
        classes=region.tables.get(table_name),
        id_column="class_id" if role == "landuse" else "zone_id",
    )
    gdf.attrs["illustrative"] = spec.illustrative
    gdf.attrs["source"] = spec.source
    return gdf


def _check_layer_file(region: Region, spec, role: str) -> str:
    """The layer's name as the user knows it; InputDataError when the file does not exist."""
    shown = region.manifest.relative(spec.path)
    if not spec.path.is_file():
        extra = " It is an illustrative layer: generate it first." if spec.illustrative else ""
        raise InputDataError(
            f"{shown}: the {role} layer named in {region.manifest.path.name} does not exist."
            f"{extra}",
            path=shown,
        )
    return shown


def landuse_raster_info(region: Region) -> RasterInfo:
    """Check the region's land-use class raster and return its metadata (no pixel is read).

    Pixel values are class codes (``class_code`` of the land-use class table); the CRS is the
    raster's own (required).

    Raises
    ------
    InputDataError
        No ``[landuse]`` layer, a polygon land-use layer, a missing file, or a raster without
        CRS or georeferencing.
    """
    spec = region.manifest.landuse
    manifest_name = region.manifest.path.name
    if spec is None or not spec.raster:
        what = "no [landuse] layer" if spec is None else "a polygon [landuse] layer"
        raise InputDataError(
            f"{manifest_name}: region '{region.id}' has {what}, not a class raster. Name a "
            "GeoTIFF of class codes in [landuse] path, or use read_landuse(region).",
            path=manifest_name,
        )
    shown = _check_layer_file(region, spec, "landuse")
    return read_raster_info(
        spec.path, display_name=shown, max_pixels=region.manifest.checks.max_raster_pixels
    )


def read_landuse(region: Region) -> gpd.GeoDataFrame:
    """Read and check the region's land-use polygons.

    Returns
    -------
    geopandas.GeoDataFrame
        Polygons in the layer's own CRS (required), the class column holding class ids of the
        land-use class table (numeric class codes are translated), invalid polygons repaired;
        ``attrs["illustrative"]`` tells whether the layer is generated.
    """
    return _read_class_layer(region, "landuse")


def read_zoning(region: Region) -> gpd.GeoDataFrame:
    """Read and check the region's zoning polygons (same rules as :func:`read_landuse`)."""
    return _read_class_layer(region, "zoning")


def elevation_info(region: Region, *, max_pixels: int | None = None) -> RasterInfo:
    """Check the region's elevation raster and return its metadata (no pixel is read).

    Elevation values are in ``region.layers.elevation.units`` (metres by default); the CRS is
    the raster's own.
    """
    spec = region.manifest.elevation
    manifest_name = region.manifest.path.name
    if spec is None:
        raise InputDataError(
            f"{manifest_name}: region '{region.id}' has no [elevation] layer.",
            path=manifest_name,
        )
    shown = region.manifest.relative(spec.path)
    if not spec.path.is_file():
        extra = " It is an illustrative layer: generate it first." if spec.illustrative else ""
        raise InputDataError(
            f"{shown}: the elevation raster named in {manifest_name} does not exist.{extra}",
            path=shown,
        )
    limit = region.manifest.checks.max_raster_pixels if max_pixels is None else max_pixels
    return read_raster_info(spec.path, display_name=shown, max_pixels=limit)


def read_lowland(region: Region, factor: str):
    """A tidal-lowland layer of the region: polygons (GeoDataFrame) or raster metadata.

    Raises
    ------
    InputDataError
        No such ``[lowland.<factor>]`` section, a missing file, a layer without CRS.
    """
    spec = region.manifest.lowland.get(factor)
    manifest_name = region.manifest.path.name
    if spec is None:
        raise InputDataError(
            f"{manifest_name}: region '{region.id}' has no [lowland.{factor}] layer.",
            path=manifest_name,
        )
    shown = _check_layer_file(region, spec, f"lowland {factor}")
    if spec.raster:
        return read_raster_info(
            spec.path, display_name=shown, max_pixels=region.manifest.checks.max_raster_pixels
        )
    return read_vector(spec.path, layer=spec.layer, display_name=shown)


# --- regions with boundaries only -------------------------------------------------------------


def missing_statistics(region: Region) -> list[str]:
    """List the statistics a region lacks for the full analysis, one sentence each."""
    missing = []
    if region.harvest is None:
        missing.append(msg("missing.harvest"))
    if region.businesses is None:
        missing.append(msg("missing.businesses"))
    if "households" not in region.villages.columns:
        missing.append(msg("missing.households"))
    if region.assessment is None:
        missing.append(msg("missing.assessment"))
    for role in ("landuse", "zoning", "elevation"):
        ref = getattr(region.layers, role)
        if ref is None:
            missing.append(msg(f"missing.{role}"))
    return missing


#: Statistics templates, by manifest section ``[statistics.<name>]``.
TEMPLATE_FILES = {
    "harvest": "harvest_template.csv",
    "businesses": "businesses_template.csv",
    "households": "households_template.csv",
}


def statistics_templates(
    villages: gpd.GeoDataFrame | pd.DataFrame,
    *,
    crops: tuple[str, ...] = DEFAULT_TEMPLATE_CROPS,
    products: tuple[str, ...] = (),
) -> dict[str, pd.DataFrame]:
    """Empty statistics tables keyed by village code, in the form the loader reads back.

    A region with boundaries only (Kalimantan Barat as bundled) needs harvest statistics,
    business counts and households. Fill in the empty cells (rows left empty are skipped as not
    filled in) and name the files in the region manifest's ``[statistics.harvest]`` (with
    ``level = "village"``), ``[statistics.businesses]`` and ``[statistics.households]``
    (``ovop-geo template`` writes that manifest, see :mod:`ovop_geo.templates`).

    Every row carries ``village_code``, ``village_name`` and the kabupaten and kecamatan code
    and name (:func:`ovop_geo.wilayah.admin_units`); the loader reads the village code and
    ignores the others.

    Parameters
    ----------
    villages : DataFrame
        Villages indexed by ``village_code`` with ``village_name``.
    crops : tuple of str
        Crop ids: one harvest row per village and crop (``harvest_area_ha`` in ha, ``yield``
        with ``yield_unit`` t/ha, ku/ha or kg/ha).
    products : tuple of str
        Products: one business row per village and product (``businesses``, a count).

    Returns
    -------
    dict of str to DataFrame
        ``harvest_template.csv``, ``businesses_template.csv`` and ``households_template.csv``
        (one row per village: ``households`` and ``population``, persons), sorted by code.
    """
    from .wilayah import ADMIN_COLUMNS, admin_units

    units = admin_units(villages)
    base = pd.DataFrame(
        {
            "village_code": [str(c) for c in villages.index],
            "village_name": villages["village_name"].to_numpy(),
        }
    )
    for column in ADMIN_COLUMNS:
        base[column] = units[column].to_numpy(dtype=object)
    base = base.sort_values("village_code", ignore_index=True)

    def expand(column: str, values: tuple[str, ...]) -> pd.DataFrame:
        return base.merge(pd.DataFrame({column: list(values)}), how="cross")

    harvest = expand("crop_id", crops)
    harvest["harvest_area_ha"] = np.nan
    harvest["yield"] = np.nan
    harvest["yield_unit"] = "t/ha"
    harvest["source"] = ""
    businesses = expand("product", products)
    businesses["businesses"] = np.nan
    businesses["source"] = ""
    households = base.copy()
    households["households"] = np.nan
    households["population"] = np.nan
    households["source"] = ""
    return {
        TEMPLATE_FILES["harvest"]: harvest,
        TEMPLATE_FILES["businesses"]: businesses,
        TEMPLATE_FILES["households"]: households,
    }
