"""Region manifests: which files describe a region, and how to read them.

A manifest is a small TOML file in ``layers/`` (see ``docs/manifest.md``). This module parses it
into frozen dataclasses, resolves every path relative to the manifest file and refuses paths that
leave the project folder holding the manifest (the folder that contains the manifest's folder),
unless the caller explicitly allows it. It never opens the data files themselves.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ovop_geo import bundled
from ovop_geo.errors import InputDataError, ParameterError, format_items, raise_problems
from ovop_geo.plausibility import DEFAULT_BOUNDS, Bounds

__all__ = [
    "DEFAULT_REGION",
    "LOWLAND_FACTORS",
    "TABLE_NAMES",
    "AccessSpec",
    "BoundariesSpec",
    "CapitalSpec",
    "ClassLayerSpec",
    "LowlandSpec",
    "Manifest",
    "RasterSpec",
    "RegionInfo",
    "StatisticsSpec",
    "TableSpec",
    "available_regions",
    "default_tables",
    "load_manifest",
    "manifest_text",
    "parse_manifest_text",
    "resolve_manifest_path",
    "toml_document",
]

logger = logging.getLogger(__name__)

#: Folder of the bundled region manifests.

#: Names allowed in the ``[tables]`` section.
TABLE_NAMES = (
    "crops",
    "crop_landuse_suitability",
    "raw_materials",
    "prices",
    "landuse_classes",
    "zoning_classes",
    "criteria",
    "sentra_rules",
    "growth_scenarios",
    "lowland_limits",
    "qfd_products",
    "qfd_needs",
    "qfd_relationships",
    "qfd_measures",
    "qfd_roof",
)

#: Optional suitability factors of tidal lowland, ``[lowland.<factor>]``: factor -> unit of its
#: values (flood type: classes A-D; in a raster, codes 1-4 for A-D).
LOWLAND_FACTORS = {
    "flood_type": "class A-D",
    "peat_thickness": "cm",
    "sulfidic_depth": "cm",
    "salinity": "dS/m",
}

_REGION_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class RegionInfo:
    """The ``[region]`` section: identity and published figures of the region."""

    id: str
    name: str
    area_km2_reported: float | None = None
    population: int | None = None
    population_growth_pct_yr: float | None = None
    population_source: str | None = None


@dataclass(frozen=True)
class BoundariesSpec:
    """The ``[boundaries]`` section: the village polygons and their attribute columns."""

    path: Path
    id_column: str
    name_column: str
    layer: str | None = None
    alt_name_columns: tuple[str, ...] = ()
    alt_code_columns: tuple[str, ...] = ()
    group_column: str | None = None
    households_column: str | None = None
    source: str | None = None
    source_id: str | None = None  # the source in Bahasa Indonesia (``source`` is in English)
    licence: str | None = None
    note: str | None = None
    illustrative: bool = False
    aliases: Path | None = None


@dataclass(frozen=True)
class CapitalSpec:
    """A point that access distances are measured to (lon/lat in EPSG:4326, degrees)."""

    name: str
    lon: float
    lat: float
    source: str | None = None


@dataclass(frozen=True)
class AccessSpec:
    """The ``[access]`` section."""

    capital: CapitalSpec | None = None
    centre_village: str | None = None


@dataclass(frozen=True)
class ClassLayerSpec:
    """A layer of classes (``[landuse]`` or ``[zoning]``).

    Polygons with a ``class_column``; for ``[landuse]`` also a GeoTIFF class raster (``.tif`` or
    ``.tiff``) whose pixel values are the ``class_code`` of the land-use class table, in which
    case ``class_column`` may be omitted (None).
    """

    path: Path
    class_column: str | None
    classes: Path | None = None
    layer: str | None = None
    source: str | None = None
    note: str | None = None
    illustrative: bool = False

    @property
    def raster(self) -> bool:
        """True when the layer is a GeoTIFF class raster rather than polygons."""
        return self.path.suffix.lower() in RASTER_SUFFIXES


@dataclass(frozen=True)
class RasterSpec:
    """A raster layer (``[elevation]``)."""

    path: Path
    units: str = "m"
    source: str | None = None
    note: str | None = None
    illustrative: bool = False


@dataclass(frozen=True)
class TableSpec:
    """One statistics table (``[statistics.harvest]`` and so on)."""

    path: Path
    source: str | None = None
    source_id: str | None = None  # the source in Bahasa Indonesia (``source`` is in English)
    note: str | None = None
    level: str | None = None
    illustrative: bool = False
    year: int | None = None
    decimal: str | None = None


@dataclass(frozen=True)
class LowlandSpec:
    """An optional tidal-lowland suitability layer (``[lowland.<factor>]``).

    A GeoTIFF (``.tif``) of values in the factor's unit, or polygons whose ``column`` holds them
    (flood type as the letters A-D; a raster holds the codes 1-4 for A-D).
    """

    factor: str
    path: Path
    column: str | None = None
    layer: str | None = None
    source: str | None = None
    note: str | None = None
    illustrative: bool = False

    @property
    def raster(self) -> bool:
        """True when the layer is a GeoTIFF."""
        return self.path.suffix.lower() in RASTER_SUFFIXES

    @property
    def unit(self) -> str:
        """Unit of the factor's values."""
        return LOWLAND_FACTORS[self.factor]


@dataclass(frozen=True)
class StatisticsSpec:
    """The ``[statistics]`` section; every table is optional.

    ``businesses_previous`` is a second period of the business counts (same layout, with its
    ``year``): dynamic LQ, shift-share and the Klassen typology need it.
    """

    harvest: TableSpec | None = None
    businesses: TableSpec | None = None
    assessment: TableSpec | None = None
    businesses_previous: TableSpec | None = None
    households: TableSpec | None = None


@dataclass(frozen=True)
class Manifest:
    """A parsed region manifest. Every path is absolute and resolved."""

    path: Path
    project_dir: Path
    region: RegionInfo
    boundaries: BoundariesSpec
    access: AccessSpec = field(default_factory=AccessSpec)
    landuse: ClassLayerSpec | None = None
    zoning: ClassLayerSpec | None = None
    elevation: RasterSpec | None = None
    statistics: StatisticsSpec = field(default_factory=StatisticsSpec)
    tables: dict[str, Path] = field(default_factory=dict)
    parameters: dict[str, float] = field(default_factory=dict)
    lowland: dict[str, LowlandSpec] = field(default_factory=dict)
    checks: Bounds = DEFAULT_BOUNDS

    @property
    def id(self) -> str:
        """The region id, for example ``"rasau-jaya"``."""
        return self.region.id

    def relative(self, path: Path) -> str:
        """Return ``path`` relative to the project folder when inside it (for messages, exports)."""
        try:
            return path.relative_to(self.project_dir).as_posix()
        except ValueError:
            return str(path)


# --- field descriptions ---------------------------------------------------------------------
# Each section is described by a dict: key -> (kind, required). Kinds: "str", "number", "int",
# "bool", "path", "str_list", "capital".

_Spec = dict[str, tuple[str, bool]]

_SECTIONS: dict[str, _Spec] = {
    "region": {
        "id": ("str", True),
        "name": ("str", True),
        "area_km2_reported": ("number", False),
        "population": ("int", False),
        "population_growth_pct_yr": ("number", False),
        "population_source": ("str", False),
    },
    "boundaries": {
        "path": ("path", True),
        "id_column": ("str", True),
        "name_column": ("str", True),
        "layer": ("str", False),
        "alt_name_columns": ("str_list", False),
        "alt_code_columns": ("str_list", False),
        "group_column": ("str", False),
        "households_column": ("str", False),
        "aliases": ("path", False),
        "source": ("str", False),
        "source_id": ("str", False),
        "licence": ("str", False),
        "note": ("str", False),
        "illustrative": ("bool", False),
    },
    "access": {
        "capital": ("capital", False),
        "centre_village": ("str", False),
    },
    "landuse": {
        "path": ("path", True),
        "class_column": ("str", False),  # required unless the path is a class raster
        "classes": ("path", False),
        "layer": ("str", False),
        "source": ("str", False),
        "note": ("str", False),
        "illustrative": ("bool", False),
    },
    "elevation": {
        "path": ("path", True),
        "units": ("str", False),
        "source": ("str", False),
        "note": ("str", False),
        "illustrative": ("bool", False),
    },
    "lowland": {
        "path": ("path", True),
        "column": ("str", False),
        "layer": ("str", False),
        "source": ("str", False),
        "note": ("str", False),
        "illustrative": ("bool", False),
    },
    "statistics_table": {
        "path": ("path", True),
        "source": ("str", False),
        "source_id": ("str", False),
        "note": ("str", False),
        "level": ("str", False),
        "illustrative": ("bool", False),
        "year": ("int", False),
        "decimal": ("str", False),
    },
    "tables": dict.fromkeys(TABLE_NAMES, ("path", False)),
    "parameters": {
        "growth_rate_pct_yr": ("number", False),
        "base_year": ("int", False),
        "start_year": ("int", False),
        "capacity_all_commodities": ("bool", False),
    },
}
_SECTIONS["zoning"] = {**_SECTIONS["landuse"], "class_column": ("str", True)}

#: File endings read as class rasters (GeoTIFF) in ``[landuse]``.
RASTER_SUFFIXES = (".tif", ".tiff")

_CAPITAL: _Spec = {
    "name": ("str", True),
    "lon": ("number", True),
    "lat": ("number", True),
    "source": ("str", False),
}

_TOP_LEVEL = (
    "region",
    "boundaries",
    "access",
    "landuse",
    "zoning",
    "elevation",
    "statistics",
    "tables",
    "parameters",
    "lowland",
    "checks",
)
_STATISTICS = ("harvest", "businesses", "assessment", "businesses_previous", "households")
_HARVEST_LEVELS = ("region", "village")


def available_regions(layers_dir: Path | None = None) -> list[str]:
    """Return the ids of the manifests in ``layers_dir`` (file stems of ``*.toml``), sorted.

    By default the bundled regions (:func:`ovop_geo.bundled.layers_dir`).
    """
    folder = bundled.layers_dir() if layers_dir is None else Path(layers_dir)
    return sorted(p.stem for p in folder.glob("*.toml"))


#: The bundled region a run uses when none is named (command line, app, templates).
DEFAULT_REGION = "rasau-jaya"


def default_tables(region_id: str = DEFAULT_REGION) -> dict[str, Path]:
    """The parameter tables (``[tables]``) of a bundled region: table name -> file.

    These are the defaults an own region starts from (the app copies them next to an upload,
    so that its manifest stays in its folder).
    """
    manifest = load_manifest(resolve_manifest_path(region_id))
    tables = dict(manifest.tables)
    if manifest.landuse is not None and manifest.landuse.classes is not None:
        tables.setdefault("landuse_classes", manifest.landuse.classes)
    return tables


def resolve_manifest_path(path_or_region_id: str | Path) -> Path:
    """Turn a region id (``"rasau-jaya"``) or a path into the path of a manifest file.

    Parameters
    ----------
    path_or_region_id : str or Path
        A bare id resolves to ``layers/<id>.toml`` in the project; anything containing a path
        separator or ending in ``.toml`` is taken as a path.

    Returns
    -------
    Path
        The absolute, resolved path of an existing file.
    """
    text = str(path_or_region_id)
    is_bare_id = (
        not isinstance(path_or_region_id, Path)
        and "/" not in text
        and "\\" not in text
        and not text.endswith(".toml")
    )
    if is_bare_id:
        candidate = bundled.layers_dir() / f"{text}.toml"
        if not candidate.is_file():
            known = format_items(available_regions(), limit=20) or "none"
            raise InputDataError(
                f"Unknown region '{text}'. Known regions: {known}. "
                "Give one of these ids or the path of a manifest (.toml) file.",
                path=text,
            )
        return candidate.resolve()
    candidate = Path(text).expanduser()
    if not candidate.is_file():
        raise InputDataError(f"{text}: manifest file not found. Check the path.", path=text)
    return candidate.resolve()


def load_manifest(path_or_region_id: str | Path, *, allow_outside: bool = False) -> Manifest:
    """Read and check a region manifest.

    Parameters
    ----------
    path_or_region_id : str or Path
        A bundled region id such as ``"rasau-jaya"`` or the path of a ``.toml`` manifest.
    allow_outside : bool, default False
        Allow data paths outside the project folder (the folder that contains the manifest's
        folder). Leave False for manifests from untrusted users.

    Returns
    -------
    Manifest
        Frozen description of the region with absolute paths. Files are not opened; coordinates
        in the ``[access]`` section are lon/lat degrees in EPSG:4326.

    Raises
    ------
    InputDataError
        Unreadable TOML, unknown or missing keys, wrong value types, paths leaving the project
        folder. Every problem in the file is listed in one error.
    """
    path = resolve_manifest_path(path_or_region_id)
    shown = str(path_or_region_id) if isinstance(path_or_region_id, Path) else path.name
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise InputDataError(
            f"{shown}: not valid TOML ({err}). Fix the syntax.", path=shown
        ) from err
    except (OSError, UnicodeDecodeError) as err:
        raise InputDataError(f"{shown}: cannot read the file ({err}).", path=shown) from err

    parser = _Parser(path=path, shown=shown, allow_outside=allow_outside)
    manifest = parser.parse(data)
    if manifest is None:
        raise_problems(shown, parser.problems or ["the manifest could not be read."])
    logger.info("Read manifest '%s' for region '%s'", shown, manifest.region.id)
    return manifest


class _Parser:
    """Collects problems while converting the TOML dict into dataclasses."""

    def __init__(self, *, path: Path, shown: str, allow_outside: bool):
        self.path = path
        self.shown = shown
        self.base = path.parent
        self.project_dir = path.parent.parent
        self.allow_outside = allow_outside
        self.problems: list[str] = []

    # -- generic helpers -----------------------------------------------------------------
    def _section(
        self, data: dict, name: str, spec: _Spec, label: str | None = None
    ) -> dict[str, Any] | None:
        """Check one table against its spec; return converted values or None if absent."""
        if name not in data:
            return None
        raw = data[name]
        label = label or f"[{name}]"
        if not isinstance(raw, dict):
            self.problems.append(f"{label} must be a table (a [section]), not a single value.")
            return None
        for key in raw:
            if key not in spec:
                allowed = ", ".join(spec)
                self.problems.append(
                    f"unknown key '{key}' in {label}. Allowed keys: {allowed}. "
                    "Check the spelling (see docs/manifest.md)."
                )
        missing = [k for k, (_, required) in spec.items() if required and k not in raw]
        if missing:
            self.problems.append(
                f"{label}: missing required key(s): {', '.join(missing)}. Add them."
            )
        out: dict[str, Any] = {}
        for key, (kind, _) in spec.items():
            if key in raw:
                out[key] = self._convert(raw[key], kind, f"{label} {key}")
        return out

    def _convert(self, value: Any, kind: str, label: str) -> Any:
        if kind == "str":
            if not isinstance(value, str) or not value.strip():
                self.problems.append(f"{label} must be a non-empty text in quotes.")
                return None
            return value.strip()
        if kind in ("number", "int"):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if kind == "int":
                ok = isinstance(value, int) and not isinstance(value, bool)
            if not ok:
                what = "a whole number" if kind == "int" else "a number"
                self.problems.append(f"{label} must be {what}, not {value!r}.")
                return None
            return value
        if kind == "bool":
            if not isinstance(value, bool):
                self.problems.append(f"{label} must be true or false, not {value!r}.")
                return None
            return value
        if kind == "str_list":
            if not isinstance(value, list) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                self.problems.append(f'{label} must be a list of texts, like ["a", "b"].')
                return ()
            return tuple(v.strip() for v in value)
        if kind == "path":
            return self._path(value, label)
        if kind == "capital":
            return self._capital(value, label)
        raise ValueError(f"unknown kind {kind}")  # programming error, not user input

    def _path(self, value: Any, label: str) -> Path | None:
        if not isinstance(value, str) or not value.strip():
            self.problems.append(f"{label} must be a file path in quotes.")
            return None
        resolved = (self.base / Path(value).expanduser()).resolve()
        if not self.allow_outside and not resolved.is_relative_to(self.project_dir):
            self.problems.append(
                f"{label} = '{value}' points outside the project folder "
                f"'{self.project_dir.name}' that holds the manifest. Move the file inside "
                "that folder, or load the manifest with allow_outside=True if you trust it."
            )
            return None
        return resolved

    def _capital(self, value: Any, label: str) -> CapitalSpec | None:
        if not isinstance(value, dict):
            self.problems.append(
                f"{label} must be an inline table like "
                '{ name = "Pontianak", lon = 109.33, lat = -0.03 }.'
            )
            return None
        n_before = len(self.problems)
        for key in value:
            if key not in _CAPITAL:
                self.problems.append(
                    f"unknown key '{key}' in {label}. Allowed keys: {', '.join(_CAPITAL)}."
                )
        missing = [k for k, (_, req) in _CAPITAL.items() if req and k not in value]
        if missing:
            self.problems.append(f"{label}: missing required key(s): {', '.join(missing)}.")
        conv = {
            k: self._convert(value[k], kind, f"{label}.{k}")
            for k, (kind, _) in _CAPITAL.items()
            if k in value
        }
        if len(self.problems) > n_before:
            return None
        if not -180 <= conv["lon"] <= 180 or not -90 <= conv["lat"] <= 90:
            self.problems.append(
                f"{label}: lon {conv['lon']} / lat {conv['lat']} are not valid degrees "
                "(EPSG:4326). Give longitude first, then latitude."
            )
            return None
        return CapitalSpec(**conv)

    # -- the manifest --------------------------------------------------------------------
    def parse(self, data: dict) -> Manifest | None:
        for key in data:
            if key not in _TOP_LEVEL:
                self.problems.append(
                    f"unknown section or key '{key}'. Allowed sections: "
                    f"{', '.join(_TOP_LEVEL)} (see docs/manifest.md)."
                )
        region = self._section(data, "region", _SECTIONS["region"])
        boundaries = self._section(data, "boundaries", _SECTIONS["boundaries"])
        for required, value in (("region", region), ("boundaries", boundaries)):
            if value is None and required not in data:
                self.problems.append(f"missing required section [{required}]. Add it.")
        if region and region.get("id") and not _REGION_ID.match(region["id"]):
            self.problems.append(
                f"[region] id '{region['id']}' must use lower-case letters, digits, '-' or '_'."
            )

        access = self._section(data, "access", _SECTIONS["access"]) or {}
        landuse = self._section(data, "landuse", _SECTIONS["landuse"])
        zoning = self._section(data, "zoning", _SECTIONS["zoning"])
        elevation = self._section(data, "elevation", _SECTIONS["elevation"])
        self._check_class_layers(landuse, zoning)
        tables = self._section(data, "tables", _SECTIONS["tables"]) or {}
        parameters = self._section(data, "parameters", _SECTIONS["parameters"]) or {}
        statistics = self._statistics(data.get("statistics"))
        lowland = self._lowland(data.get("lowland"))
        checks = DEFAULT_BOUNDS
        if "checks" in data:
            if not isinstance(data["checks"], dict):
                self.problems.append("[checks] must be a table of bounds (see docs/inputs.md).")
            else:
                try:
                    checks = Bounds.from_mapping(data["checks"])
                except ParameterError as err:
                    self.problems.append(str(err))

        if self.problems:
            return None
        return Manifest(
            path=self.path,
            project_dir=self.project_dir,
            region=RegionInfo(**region),
            boundaries=BoundariesSpec(**boundaries),
            access=AccessSpec(**access),
            landuse=ClassLayerSpec(**landuse) if landuse else None,
            zoning=ClassLayerSpec(**zoning) if zoning else None,
            elevation=RasterSpec(**elevation) if elevation else None,
            statistics=statistics,
            tables={k: v for k, v in tables.items() if v is not None},
            parameters=dict(parameters),
            lowland=lowland,
            checks=checks,
        )

    def _check_class_layers(self, landuse: dict | None, zoning: dict | None) -> None:
        """A polygon land-use layer needs class_column; zoning must be polygons."""
        if landuse is not None and landuse.get("path") is not None:
            raster = landuse["path"].suffix.lower() in RASTER_SUFFIXES
            if raster and "layer" in landuse:
                self.problems.append(
                    "[landuse] layer is for polygon files; a class raster "
                    f"('{landuse['path'].name}') has no layers. Remove the key."
                )
            if not raster and "class_column" not in landuse:
                self.problems.append(
                    "[landuse]: missing required key(s): class_column (the column of the "
                    "polygons holding the class). Only a GeoTIFF class raster (.tif) can omit it."
                )
            landuse.setdefault("class_column", None)
        zoning_path = None if zoning is None else zoning.get("path")
        if zoning_path is not None and zoning_path.suffix.lower() in RASTER_SUFFIXES:
            self.problems.append(
                f"[zoning] path '{zoning_path.name}' is a raster; zoning must be a polygon "
                "layer (GeoPackage, GeoJSON, shapefile) with a class_column."
            )

    def _lowland(self, raw: Any) -> dict[str, LowlandSpec]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.problems.append("[lowland] must be a table of [lowland.<factor>] sections.")
            return {}
        specs: dict[str, LowlandSpec] = {}
        for key in raw:
            if key not in LOWLAND_FACTORS:
                self.problems.append(
                    f"unknown section '[lowland.{key}]'. Allowed: "
                    f"{', '.join('lowland.' + f for f in LOWLAND_FACTORS)}."
                )
                continue
            values = self._section(raw, key, _SECTIONS["lowland"], f"[lowland.{key}]")
            if values is None or values.get("path") is None:
                continue
            raster = values["path"].suffix.lower() in RASTER_SUFFIXES
            if not raster and "column" not in values:
                self.problems.append(
                    f"[lowland.{key}]: polygons need a 'column' holding the "
                    f"{LOWLAND_FACTORS[key]} values (or give a GeoTIFF)."
                )
                continue
            specs[key] = LowlandSpec(factor=key, **values)
        return specs

    def _statistics(self, raw: Any) -> StatisticsSpec:
        if raw is None:
            return StatisticsSpec()
        if not isinstance(raw, dict):
            self.problems.append("[statistics] must be a table of [statistics.<name>] sections.")
            return StatisticsSpec()
        specs: dict[str, TableSpec] = {}
        for key in raw:
            if key not in _STATISTICS:
                self.problems.append(
                    f"unknown section '[statistics.{key}]'. Allowed: "
                    f"{', '.join('statistics.' + s for s in _STATISTICS)}."
                )
        for name in _STATISTICS:
            values = self._section(raw, name, _SECTIONS["statistics_table"], f"[statistics.{name}]")
            if values is None:
                continue
            level = values.get("level")
            if name == "harvest" and level is not None and level not in _HARVEST_LEVELS:
                self.problems.append(
                    f"[statistics.harvest] level '{level}' must be one of "
                    f"{', '.join(_HARVEST_LEVELS)}."
                )
            if name != "harvest" and level is not None:
                self.problems.append(f"[statistics.{name}] does not take a 'level'.")
            if values.get("decimal") not in (None, ",", "."):
                self.problems.append(
                    f'[statistics.{name}] decimal must be "," (decimal comma) or "." '
                    f"(decimal point), not {values['decimal']!r}."
                )
            specs[name] = TableSpec(**values)
        previous = specs.get("businesses_previous")
        if previous is not None:
            current = specs.get("businesses")
            if current is None or current.year is None or previous.year is None:
                self.problems.append(
                    "[statistics.businesses_previous] needs [statistics.businesses], and both "
                    "need a 'year' (for example year = 2013 and year = 2010)."
                )
            elif previous.year >= current.year:
                self.problems.append(
                    f"[statistics.businesses_previous] year {previous.year} must be before "
                    f"[statistics.businesses] year {current.year}."
                )
        return StatisticsSpec(**specs)


# --- writing ----------------------------------------------------------------------------------
def _toml_value(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{where}: {value!r} cannot be written to a manifest")
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str | Path):
        text = value.as_posix() if isinstance(value, Path) else value
        escaped = text.replace("\\", "\\\\").replace('"', '\\"')
        escaped = "".join(c if c >= " " or c == "\t" else f"\\u{ord(c):04x}" for c in escaped)
        return f'"{escaped}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v, where) for v in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{k} = {_toml_value(v, f'{where}.{k}')}" for k, v in value.items())
        return "{ " + items + " }"
    raise ValueError(f"{where}: {type(value).__name__} cannot be written to a manifest")


def toml_document(sections: dict[str, dict[str, Any]], *, header: str = "") -> str:
    """TOML text of ``section -> key -> value``, with ``header`` as comment lines.

    Dotted section names are sub-tables; None values are left out; dicts become inline tables.
    """
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for name, values in sections.items():
        if lines:
            lines.append("")
        lines.append(f"[{name}]")
        for key, value in values.items():
            if value is None:
                continue
            lines.append(f"{key} = {_toml_value(value, f'[{name}] {key}')}")
    return "\n".join(lines) + "\n"


def manifest_text(
    sections: dict[str, dict[str, Any]],
    *,
    path: Path | None = None,
    header: str = "",
    allow_outside: bool = False,
) -> str:
    """A region manifest as TOML text, checked by the same rules as :func:`load_manifest`.

    Parameters
    ----------
    sections : dict
        Section name -> key -> value, for example ``{"region": {"id": "own", "name": "..."},
        "statistics.harvest": {"path": "../harvest.csv", "level": "village"}}``. Dotted names
        are sub-sections; ``None`` values are left out; paths are written as given (relative
        to the manifest's folder, with ``/``).
    path : Path, optional
        Where the manifest will be written. When given, the text is parsed back and checked
        (keys, types, paths inside the project folder unless ``allow_outside``) before it is
        returned, so a caller never writes a manifest that does not load.
    header : str
        Comment lines put at the top (each line gets a ``# ``).

    Returns
    -------
    str
        The TOML text (UTF-8 when written), ending with a newline.

    Raises
    ------
    InputDataError
        When ``path`` is given and the manifest would not load, with every problem listed.
    """
    text = toml_document(sections, header=header)
    if path is not None:
        parse_manifest_text(text, path=path, allow_outside=allow_outside)
    return text


def parse_manifest_text(text: str, *, path: Path, allow_outside: bool = False) -> Manifest:
    """A manifest from its TOML text, as if read from ``path`` (paths resolve against it).

    The same checks as :func:`load_manifest`; nothing is read from ``path`` itself.
    """
    path = Path(path).absolute()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputDataError(f"{path.name}: not valid TOML ({err}).", path=path.name) from err
    parser = _Parser(path=path, shown=path.name, allow_outside=allow_outside)
    manifest = parser.parse(data)
    if manifest is None or parser.problems:
        raise_problems(path.name, parser.problems or ["the manifest could not be read."])
    return manifest
