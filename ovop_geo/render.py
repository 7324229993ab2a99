"""Interactive village maps that draw with no internet connection.

The only module that imports folium. Maps load Leaflet from the app's own static folder (or have
it inlined, for a standalone HTML file) and nothing else: no jQuery, Bootstrap, icon fonts or d3.
Legends, tooltips and popups are plain HTML built here, with every name and value from the data
escaped. Shared village borders are simplified together (:func:`simplify_coverage`) so light maps
keep neighbours touching.
"""

from __future__ import annotations

import html
import itertools
import json
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import JsCode

from ovop_geo.errors import InputDataError, ParameterError
from ovop_geo.i18n import DEFAULT_LANG, fmt_number, t
from ovop_geo.offline import leaflet_inline_assets

__all__ = [
    "DEFAULT_LEAFLET_CSS_URL",
    "DEFAULT_LEAFLET_IMAGES_URL",
    "DEFAULT_LEAFLET_JS_URL",
    "ClassLayer",
    "MapLabels",
    "RasterLayer",
    "auto_tolerance_m",
    "classify_raster",
    "simplify_coverage",
    "slope_layer",
    "to_standalone_html",
    "village_map",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

DEFAULT_LEAFLET_JS_URL = "/app/static/leaflet/leaflet.js"
DEFAULT_LEAFLET_CSS_URL = "/app/static/leaflet/leaflet.css"
DEFAULT_LEAFLET_IMAGES_URL = "/app/static/leaflet/images/"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'

NO_DATA_COLOUR = "#bdbdbd"
#: CSS classes of the SVG paths: villages, candidate sentra circles, overlay polygons.
VILLAGE_CLASS = "ovop-village"
CANDIDATE_CLASS = "ovop-candidate"
LAYER_CLASS = "ovop-layer"
#: Slope classes (%) of the slope layer: flat land up to 3 %, then the usual land-capability
#: classes 8, 15, 25 and 40 % (ColorBrewer RdYlGn, reversed).
SLOPE_BREAKS_PCT = (1.0, 3.0, 8.0, 15.0, 25.0, 40.0)
SLOPE_COLOURS = ("#1a9850", "#66bd63", "#a6d96a", "#fee08b", "#fdae61", "#f46d43", "#d73027")
# ColorBrewer YlGnBu, 5 classes (sequential, colour-blind safe).
SEQUENTIAL = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
# ColorBrewer Set2 + Dark2 (qualitative).
QUALITATIVE = (
    "#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854",
    "#ffd92f", "#e5c494", "#1b9e77", "#d95f02", "#7570b3",
)  # fmt: skip
_MAX_CLASSES = 5
_UNIT_SUFFIXES = (("_t_yr", "t/yr"), ("_ha", "ha"), ("_pct", "%"), ("_km", "km"), ("_t", "t"))
_FLAG_COLUMNS = ("illustrative", "estimated")


@dataclass(frozen=True)
class MapLabels:
    """Texts drawn on the map (already translated); every field is escaped when drawn."""

    no_data: str = "no data"
    illustrative: str = "illustrative data"
    estimated: str = "estimated data"
    indicative: str = "Indicative, not legal boundaries"
    source: str = "Boundary source: {source}"
    villages: str = "Villages"
    candidates: str = "Candidate sentra"
    village_code: str = "Village code"

    @classmethod
    def for_language(cls, lang: str = DEFAULT_LANG) -> MapLabels:
        """Labels in ``lang`` (``"id"`` or ``"en"``) from :mod:`ovop_geo.i18n`."""
        return cls(
            no_data=t("legend_no_data", lang),
            illustrative=t("illustrative_data", lang),
            estimated=t("estimated_data", lang),
            indicative=t("indicative_boundaries", lang),
            source=t("boundary_source", lang, source="{source}"),
            villages=t("villages", lang),
            candidates=t("layer_candidates", lang),
            village_code=t("village_code", lang),
        )


@dataclass(frozen=True)
class ClassLayer:
    """A toggleable polygon layer coloured by class (land use, zoning, slope classes).

    Attributes
    ----------
    name : str
        Name in the layer control and the legend.
    frame : geopandas.GeoDataFrame
        Polygons with a CRS (reprojected to EPSG:4326 for the map).
    class_column : str
        Column holding each polygon's class.
    colours : Mapping
        Class -> CSS colour; classes not listed are drawn grey.
    class_labels : Mapping or None
        Class -> text for the legend and tooltip; the class itself when missing.
    illustrative : bool
        Marks the layer as illustrative in its name and the legend.
    show : bool
        Whether the layer is switched on when the map opens.
    """

    name: str
    frame: gpd.GeoDataFrame
    class_column: str
    colours: Mapping[Any, str]
    class_labels: Mapping[Any, str] | None = None
    illustrative: bool = False
    show: bool = False
    opacity: float = 0.6


@dataclass(frozen=True, eq=False)
class RasterLayer:
    """A toggleable image layer (for example slope classes from :func:`classify_raster`).

    Attributes
    ----------
    name : str
        Name in the layer control and the legend.
    rgba : numpy.ndarray
        ``(rows, cols, 4)`` uint8 image, north up, in EPSG:4326 cell alignment.
    bounds : tuple
        ``((south, west), (north, east))`` in degrees (EPSG:4326).
    legend : tuple of (colour, label)
        Legend rows.
    """

    name: str
    rgba: np.ndarray
    bounds: tuple[tuple[float, float], tuple[float, float]]
    legend: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    illustrative: bool = False
    show: bool = False
    opacity: float = 0.7
    #: Optional ready PNG data URL of ``rgba`` already in Web Mercator rows (set by
    #: :func:`slope_layer`): the map then skips re-projecting and re-encoding the image.
    image_url: str = ""


def classify_raster(
    values: np.ndarray, breaks: Sequence[float], colours: Sequence[str]
) -> np.ndarray:
    """Colour a raster by class breaks: NaN cells become transparent.

    Parameters
    ----------
    values : numpy.ndarray
        2-D array (for example slope in %), NaN for nodata.
    breaks : sequence of float
        Inner class limits, increasing; ``len(colours) == len(breaks) + 1``. A value equal to a
        limit falls in the upper class.
    colours : sequence of str
        ``#rrggbb`` colours, one per class.

    Returns
    -------
    numpy.ndarray
        ``(rows, cols, 4)`` uint8 RGBA image.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or len(colours) != len(breaks) + 1:
        raise ParameterError(
            f"classify_raster needs a 2-D array and one more colour than breaks; got shape "
            f"{values.shape}, {len(breaks)} breaks and {len(colours)} colours."
        )
    if any(b2 <= b1 for b1, b2 in itertools.pairwise(breaks)):
        raise ParameterError(f"classify_raster: breaks must increase, got {list(breaks)}.")
    palette = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] + [255] for c in colours])
    idx = np.digitize(np.nan_to_num(values, nan=-np.inf), breaks)
    rgba = palette[idx].astype(np.uint8)
    rgba[np.isnan(values)] = 0
    return rgba


def slope_layer(
    dem_path: str | Path,
    *,
    name: str,
    lang: str = DEFAULT_LANG,
    max_size_px: int = 800,
    illustrative: bool = False,
    show: bool = False,
) -> RasterLayer:
    """A slope-class image of a DEM for the map (:data:`SLOPE_BREAKS_PCT`, percent).

    Slope is computed on the DEM's own grid (Horn, :func:`ovop_geo.raster.slope_from_dem`, in a
    temporary folder), then resampled (average) to Web Mercator (EPSG:3857, the map's own
    projection) on a grid at most ``max_size_px`` cells wide or high, and coloured by class;
    nodata cells are transparent. The PNG is encoded once here (``image_url``).

    Parameters
    ----------
    dem_path : str or Path
        Elevation raster in metres with a CRS.
    name : str
        Layer name (translated).
    lang : {"id", "en"}
        Language of the class labels (``"< 1 %"``, ``"1 – 3 %"`` …).
    max_size_px : int
        Largest width or height of the image in pixels.
    illustrative, show : bool
        As in :class:`RasterLayer`.

    Returns
    -------
    RasterLayer
    """
    import tempfile

    import rasterio
    from folium.utilities import image_to_url
    from rasterio.transform import array_bounds
    from rasterio.warp import Resampling, calculate_default_transform, reproject, transform_bounds

    from ovop_geo.raster import slope_from_dem

    with tempfile.TemporaryDirectory(prefix="ovop-slope-map-") as tmp:
        slope_path = slope_from_dem(dem_path, Path(tmp) / "slope_pct.tif", units="percent")
        with rasterio.open(slope_path) as src:
            transform, width, height = calculate_default_transform(
                src.crs, "EPSG:3857", src.width, src.height, *src.bounds
            )
            scale = max(width, height) / max(int(max_size_px), 1)
            if scale > 1:
                width, height = max(round(width / scale), 1), max(round(height / scale), 1)
                transform, width, height = calculate_default_transform(
                    src.crs, "EPSG:3857", src.width, src.height, *src.bounds,
                    dst_width=width, dst_height=height,
                )
            values = np.full((height, width), np.nan, dtype=np.float32)
            reproject(
                source=rasterio.band(src, 1), destination=values, src_nodata=src.nodata,
                dst_transform=transform, dst_crs="EPSG:3857", dst_nodata=np.nan,
                resampling=Resampling.average,
            )
    west, south, east, north = transform_bounds(
        "EPSG:3857", "EPSG:4326", *array_bounds(height, width, transform)
    )
    rgba = classify_raster(values, SLOPE_BREAKS_PCT, SLOPE_COLOURS)
    edges = [fmt_number(b, lang, decimals=0) for b in SLOPE_BREAKS_PCT]
    labels = [f"< {edges[0]} %"]
    labels += [f"{a} – {b} %" for a, b in itertools.pairwise(edges)]
    labels += [f"≥ {edges[-1]} %"]
    return RasterLayer(
        name=name,
        rgba=rgba,
        bounds=((south, west), (north, east)),
        image_url=image_to_url(rgba, origin="upper"),
        legend=tuple(zip(SLOPE_COLOURS, labels, strict=True)),
        illustrative=illustrative,
        show=show,
    )


# --------------------------------------------------------------------------- simplification


def _check_crs(frame: gpd.GeoDataFrame, what: str) -> None:
    if frame.crs is None:
        raise InputDataError(
            f"{what}: the layer has no CRS, so it cannot be placed on the map. "
            "Set the CRS of the file (for example EPSG:4326) and load it again."
        )


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
    _check_crs(villages, "villages")
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
    _check_crs(villages, "villages")
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


# --------------------------------------------------------------------------- text helpers


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _unit_for(column: str) -> tuple[str, float]:
    """Unit and multiplier shown for a column named with the project's unit suffixes."""
    if column.startswith("share_"):
        return "%", 100.0
    for suffix, unit in _UNIT_SUFFIXES:
        if column.endswith(suffix):
            return unit, 1.0
    return "", 1.0


def _is_year(column: str) -> bool:
    return column.startswith("year") or column.endswith("_year")


def _format_value(value: object, column: str, lang: str) -> str:
    """Format one cell for a tooltip or popup (not yet escaped)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    if _is_year(column) and isinstance(value, int | float | np.integer | np.floating):
        return str(int(value))
    if isinstance(value, bool | np.bool_):
        return "✓" if value else "✗"
    if isinstance(value, int | np.integer):
        unit, factor = _unit_for(column)
        return fmt_number(float(value) * factor, lang, unit, decimals=0 if factor == 1 else 1)
    if isinstance(value, float | np.floating):
        unit, factor = _unit_for(column)
        return fmt_number(float(value) * factor, lang, unit)
    return str(value)


# --------------------------------------------------------------------------- colouring


@dataclass(frozen=True)
class _Scale:
    colours: pd.Series  # village -> colour
    legend: tuple[tuple[str, str], ...]  # (colour, label)


def _numeric_scale(
    values: pd.Series,
    unit: str,
    factor: float,
    lang: str,
    no_data: str,
    method: str,
    *,
    year: bool = False,
) -> _Scale:
    finite = values[np.isfinite(values)]
    colours = pd.Series(NO_DATA_COLOUR, index=values.index, dtype=object)
    legend: list[tuple[str, str]] = []
    if not finite.empty:
        lo, hi = float(finite.min()), float(finite.max())
        n = min(_MAX_CLASSES, finite.nunique())
        span = (hi - lo) * factor
        decimals = 0 if span >= 100 or year else 1 if span >= 1 else 2
        if year:  # whole years, no thousands separator
            edges_fmt = (lambda v, u="": str(round(v)))  # noqa: E731
        else:
            edges_fmt = (lambda v, u="": fmt_number(v, lang, u, decimals=decimals))  # noqa: E731
        if n <= 1:
            colours[finite.index] = SEQUENTIAL[-1]
            legend.append((SEQUENTIAL[-1], edges_fmt(lo * factor, unit)))
        else:
            if year:
                edges = np.unique(np.round(np.quantile(finite.to_numpy(),
                                                       np.linspace(0, 1, n + 1))))
            elif method == "quantile":
                edges = np.unique(np.quantile(finite.to_numpy(), np.linspace(0, 1, n + 1)))
            else:
                edges = np.linspace(lo, hi, n + 1)
            n = len(edges) - 1
            palette = SEQUENTIAL[_MAX_CLASSES - n :]
            idx = np.clip(np.searchsorted(edges, finite.to_numpy(), side="right") - 1, 0, n - 1)
            colours[finite.index] = [palette[i] for i in idx]
            for i in range(n):
                a = edges_fmt(edges[i] * factor)
                b = edges_fmt(edges[i + 1] * factor, unit)
                legend.append((palette[i], f"{a} – {b}"))
    if len(finite) < len(values):
        legend.append((NO_DATA_COLOUR, no_data))
    return _Scale(colours, tuple(legend))


def _categorical_scale(values: pd.Series, no_data: str) -> _Scale:
    present = values.dropna()
    categories = sorted(present.unique(), key=str)
    lookup = {c: QUALITATIVE[i % len(QUALITATIVE)] for i, c in enumerate(categories)}
    colours = values.map(lookup).astype(object).where(values.notna(), NO_DATA_COLOUR)
    legend = [(lookup[c], str(c)) for c in categories]
    if len(present) < len(values):
        legend.append((NO_DATA_COLOUR, no_data))
    return _Scale(colours, tuple(legend))


def _scale_for(
    villages: gpd.GeoDataFrame, column: str, lang: str, no_data: str, method: str
) -> _Scale:
    values = villages[column]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        unit, factor = _unit_for(column)
        return _numeric_scale(values.astype(float), unit, factor, lang, no_data, method,
                              year=_is_year(column))
    return _categorical_scale(values, no_data)


# --------------------------------------------------------------------------- map elements


class _Script(MacroElement):
    """Raw JavaScript run after the map (and previous children) are created."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.code }}
        {% endmacro %}
        """
    )

    def __init__(self, code: str):
        super().__init__()
        self._name = "OvopScript"
        self.code = code


class _HtmlControl(MacroElement):
    """A Leaflet control showing trusted (already escaped) HTML: legend or notes."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create("div", "ovop-map-control");
            div.style.cssText = {{ this.css|tojson }};
            div.innerHTML = {{ this.content|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    _CSS = (
        "background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;"
        "box-shadow:0 1px 4px rgba(0,0,0,0.3);font:12px/1.4 sans-serif;max-width:280px;"
        "max-height:60vh;overflow:auto;"
    )

    def __init__(self, content: str, position: str = "bottomright"):
        super().__init__()
        self._name = "OvopControl"
        self.content = content
        self.position = position
        self.css = self._CSS


_BIND = JsCode(
    """function (feature, layer) {
        if (feature.properties.tip) { layer.bindTooltip(feature.properties.tip, {sticky: true}); }
        if (feature.properties.pop) { layer.bindPopup(feature.properties.pop, {maxWidth: 320}); }
    }"""
)


def _values_html(row: pd.Series, columns: Sequence[str], lang: str) -> list[str]:
    """Formatted, HTML-escaped values of ``columns`` (no labels: see :func:`_bind_packed`)."""
    return [_esc(_format_value(row[c], c, lang)) for c in columns]


def _packed(fragments: Sequence[str]) -> str:
    """Escaped HTML fragments joined by "|"; a "|" inside them becomes the entity &#124;."""
    return "|".join(f.replace("|", "&#124;") for f in fragments)


def _bind_packed(tip_labels: Sequence[str], pop_labels: Sequence[str]) -> JsCode:
    """onEachFeature for villages whose ``tip``/``pop`` are :func:`_packed` fragments.

    Fragments: the name (HTML), one value per label, then the flag note (HTML, may be empty).
    The labels are escaped here and sent once; the browser builds the table when the tooltip or
    popup opens. Values were escaped in Python, so only escaped text reaches the page's HTML.
    """
    tips = _js_string(json.dumps([_esc(x) for x in tip_labels]))
    pops = _js_string(json.dumps([_esc(x) for x in pop_labels]))
    return JsCode(
        "(function () {\n"
        f"    var tipLabels = JSON.parse({tips}), popLabels = JSON.parse({pops});\n"
        """    function build(packed, labels) {
        var parts = packed.split("|"), html = parts[0] + "<table>";
        for (var i = 1; i < parts.length - 1; i++) {
            html += "<tr><th style='text-align:left;padding-right:6px'>" + labels[i - 1] +
                "</th><td>" + parts[i] + "</td></tr>";
        }
        return html + "</table>" + parts[parts.length - 1];
    }
    return function (feature, layer) {
        var p = feature.properties;
        if (p.tip) {
            layer.bindTooltip(function () { return build(p.tip, tipLabels); }, {sticky: true});
        }
        if (p.pop) {
            layer.bindPopup(function () { return build(p.pop, popLabels); }, {maxWidth: 320});
        }
    };
})()"""
    )


def _swatch(colour: str, label: str) -> str:
    return (
        "<div><span style='display:inline-block;width:14px;height:14px;margin-right:6px;"
        f"vertical-align:middle;border:1px solid #555;background:{_esc(colour)}'></span>"
        f"{_esc(label)}</div>"
    )


def _legend_section(title: str, rows: Sequence[tuple[str, str]], note: str = "") -> str:
    body = "".join(_swatch(c, lbl) for c, lbl in rows)
    note_html = f"<div style='font-style:italic;color:#a33'>{_esc(note)}</div>" if note else ""
    return f"<div style='margin-bottom:4px'><b>{_esc(title)}</b>{note_html}{body}</div>"


def _features(frame: gpd.GeoDataFrame, props: Mapping[str, pd.Series]) -> dict[str, Any]:
    """A minimal GeoJSON FeatureCollection: only the properties the map uses."""
    geoms = frame.geometry.to_crs(4326)
    features = []
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "id": f"f{i}",
                "properties": {name: series.iloc[i] for name, series in props.items()},
                "geometry": shapely.geometry.mapping(geom),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _fill_style(
    opacity: float,
    weight: float = 1.0,
    line: str = "#444444",
    fill: bool = False,
    class_name: str = "",
):
    def style(feature: Mapping[str, Any]) -> dict[str, Any]:
        out = {
            "fillColor": feature["properties"]["fill"],
            "color": line,
            "weight": weight,
            "fillOpacity": opacity,
        }
        if class_name:
            out["className"] = class_name
        return out | {"fill": True} if fill else out

    return style


def _highlight(_feature: Mapping[str, Any]) -> dict[str, Any]:
    return {"weight": 3, "color": "#000000"}


def _check_columns(villages: gpd.GeoDataFrame, columns: Sequence[str]) -> None:
    missing = sorted({c for c in columns if c not in villages.columns})
    if missing:
        raise InputDataError(
            f"villages: columns not found for the map: {', '.join(missing)}. "
            f"Available: {', '.join(map(str, villages.columns))}."
        )


def _add_class_layer(m: folium.Map, layer: ClassLayer, labels: MapLabels) -> tuple[str, str]:
    _check_crs(layer.frame, layer.name)
    if layer.class_column not in layer.frame.columns:
        raise InputDataError(
            f"{layer.name}: column '{layer.class_column}' not found. "
            f"Available: {', '.join(map(str, layer.frame.columns))}."
        )
    classes = layer.frame[layer.class_column]
    names = layer.class_labels or {}
    text = classes.map(lambda c: _esc(names.get(c, c)))
    fill = classes.map(lambda c: layer.colours.get(c, NO_DATA_COLOUR))
    title = f"{layer.name} ({labels.illustrative})" if layer.illustrative else layer.name
    folium.GeoJson(
        _features(layer.frame, {"fill": fill, "tip": text}),
        name=title,
        show=layer.show,
        style_function=_fill_style(layer.opacity, weight=0.5, line="#666666",
                                   class_name=LAYER_CLASS),
        on_each_feature=_BIND,
    ).add_to(m)
    present = [c for c in dict.fromkeys(classes.dropna()) if c in layer.colours]
    rows = [(layer.colours[c], str(names.get(c, c))) for c in present]
    return title, _legend_section(title, rows)


def _add_raster_layer(m: folium.Map, layer: RasterLayer, labels: MapLabels) -> str:
    title = f"{layer.name} ({labels.illustrative})" if layer.illustrative else layer.name
    folium.raster_layers.ImageOverlay(
        image=layer.image_url or layer.rgba,
        bounds=[list(layer.bounds[0]), list(layer.bounds[1])],
        name=title,
        show=layer.show,
        opacity=layer.opacity,
        mercator_project=not layer.image_url,
    ).add_to(m)
    return _legend_section(title, layer.legend)


def _add_candidates(
    m: folium.Map, villages: gpd.GeoDataFrame, candidates: Mapping[str, str], labels: MapLabels
) -> str:
    cand = pd.Series(candidates, dtype=object).dropna()
    unknown = [str(c) for c in cand.index if c not in villages.index]
    if unknown:
        raise InputDataError(
            f"candidate sentra: village codes not on the map: {', '.join(unknown[:5])}. "
            "Use the codes of the region's villages."
        )
    chosen = villages.loc[cand.index]
    projected = chosen.geometry.to_crs(chosen.estimate_utm_crs())
    points = gpd.GeoDataFrame(
        geometry=projected.representative_point().to_crs(4326), index=chosen.index
    )
    names = chosen["village_name"] if "village_name" in chosen else chosen.index.to_series()
    tip = pd.Series(
        [f"<b>{_esc(n)}</b><br>{_esc(p)}" for n, p in zip(names, cand, strict=True)],
        index=chosen.index,
    )
    colour = "#d7301f"
    folium.GeoJson(
        _features(points, {"fill": pd.Series(colour, index=chosen.index), "tip": tip}),
        name=labels.candidates,
        marker=folium.CircleMarker(radius=7),
        style_function=_fill_style(0.9, weight=2, line="#ffffff", fill=True,
                                   class_name=CANDIDATE_CLASS),
        on_each_feature=_BIND,
    ).add_to(m)
    return _legend_section(labels.candidates, [(colour, labels.candidates)])


def village_map(
    villages: gpd.GeoDataFrame,
    *,
    value_column: str,
    legend_title: str,
    classification: str = "quantile",
    tooltip_columns: Sequence[str] = (),
    popup_columns: Sequence[str] = (),
    column_labels: Mapping[str, str] | None = None,
    lang: str = DEFAULT_LANG,
    source: str = "",
    leaflet_js_url: str = DEFAULT_LEAFLET_JS_URL,
    leaflet_css_url: str = DEFAULT_LEAFLET_CSS_URL,
    leaflet_images_url: str = DEFAULT_LEAFLET_IMAGES_URL,
    base_map: str = "none",
    layers: Sequence[ClassLayer | RasterLayer] = (),
    candidates: Mapping[str, str] | pd.Series | None = None,
    labels: MapLabels | None = None,
    notes: Sequence[str] = (),
    simplify_tolerance_m: float | None = None,
    height: str = "100%",
) -> folium.Map:
    """A map of villages coloured by one indicator, drawable with no internet connection.

    Parameters
    ----------
    villages : geopandas.GeoDataFrame
        Village polygons with a CRS (drawn in EPSG:4326), indexed by village code, with
        ``village_name`` and the columns named below. Boolean columns ``illustrative`` or
        ``estimated`` mark villages whose figures are illustrative or estimated: they are
        flagged in the tooltip and the legend.
    value_column : str
        Column that colours the villages. Numbers get up to 5 classes with the unit taken from
        the column name (``_ha`` ha, ``_t`` t, ``_pct`` %, ``share_`` shown as %); other values
        are categories. Missing values are grey, "no data".
    legend_title : str
        Legend heading (translated).
    classification : {"quantile", "equal"}
        Class limits for numbers: quantiles (about as many villages per class; suits skewed
        figures such as village areas across a province) or equal intervals.
    tooltip_columns, popup_columns : sequence of str
        Columns shown on hover and on click, after the village name.
    column_labels : Mapping, optional
        Column -> translated label for tooltips and popups.
    lang : {"id", "en"}
        Language for number formatting.
    source : str
        Boundary source, shown in the attribution with the "indicative, not legal" note.
    leaflet_js_url, leaflet_css_url, leaflet_images_url : str
        Where the page loads Leaflet from; the defaults are the app's static folder.
    base_map : {"none", "osm"}
        ``"osm"`` adds OpenStreetMap tiles (needs internet; without it the layers still draw).
    layers : sequence of ClassLayer or RasterLayer
        Toggleable overlays (land use, slope, zoning), off when the map opens unless ``show``.
    candidates : Mapping or Series, optional
        Village code -> label (product) of candidate sentra, drawn as circles.
    labels : MapLabels, optional
        Texts drawn on the map; by default in ``lang``.
    notes : sequence of str
        Extra legend notes, for example that figures are estimated.
    simplify_tolerance_m : float, optional
        If given, borders are simplified with :func:`simplify_coverage` at this tolerance.
    height : str
        CSS height of the map.

    Returns
    -------
    folium.Map
        Loads only ``leaflet_js_url`` and ``leaflet_css_url``.
    """
    if classification not in {"quantile", "equal"}:
        raise ParameterError(
            f"classification must be 'quantile' or 'equal', got '{classification}'."
        )
    if base_map not in {"none", "osm"}:
        raise ParameterError(f"base_map must be 'none' or 'osm', got '{base_map}'.")
    _check_crs(villages, "villages")
    _check_columns(villages, [value_column, *tooltip_columns, *popup_columns])
    labels = labels or MapLabels.for_language(lang)
    col_labels = dict(column_labels or {})
    if simplify_tolerance_m is not None:
        villages = simplify_coverage(villages, tolerance_m=simplify_tolerance_m)

    m = folium.Map(
        location=None, tiles=None, control_scale=True, height=height, prefer_canvas=False
    )
    m._id = "ovop"  # stable: the page's script names the map (see _stable_ids)
    m.default_js = [("leaflet", leaflet_js_url)]
    m.default_css = [("leaflet_css", leaflet_css_url)]
    _Script(f"L.Icon.Default.imagePath = {_js_string(leaflet_images_url)};").add_to(m)
    if base_map == "osm":
        folium.TileLayer(OSM_TILES, attr=OSM_ATTRIBUTION, name="OpenStreetMap").add_to(m)

    scale = _scale_for(villages, value_column, lang, labels.no_data, classification)
    flags = {
        c: villages[c].fillna(False).astype(bool) for c in _FLAG_COLUMNS if c in villages.columns
    }
    flag_text = {"illustrative": labels.illustrative, "estimated": labels.estimated}
    names = villages["village_name"] if "village_name" in villages else villages.index.to_series()
    # Labels go to the page once (in the binding function); each feature carries only its
    # escaped values, joined by "|" (escaped as &#124; inside values), and the browser builds
    # the tooltip and popup tables when they open. This keeps a province page small.
    tips, pops = [], []
    for i, (code, row) in enumerate(villages.iterrows()):
        marks = [flag_text[c] for c, s in flags.items() if s.iloc[i]]
        mark_html = f"<br><i>{_esc(', '.join(marks))}</i>" if marks else ""
        head = f"<b>{_esc(names.iloc[i])}</b>"
        tips.append(_packed([head, *_values_html(row, tooltip_columns, lang), mark_html]))
        pops.append(_packed([head, _esc(code), *_values_html(row, popup_columns, lang),
                             mark_html]))  # fmt: skip
    props = {
        "fill": scale.colours,
        "tip": pd.Series(tips, index=villages.index),
        "pop": pd.Series(pops, index=villages.index),
    }
    tip_labels = [col_labels.get(c, c) for c in tooltip_columns]
    pop_labels = [labels.village_code, *(col_labels.get(c, c) for c in popup_columns)]
    folium.GeoJson(
        _features(villages, props),
        name=labels.villages,
        control=False,
        style_function=_fill_style(0.75, class_name=VILLAGE_CLASS),
        highlight_function=_highlight,
        on_each_feature=_bind_packed(tip_labels, pop_labels),
    ).add_to(m)

    used_flags = [flag_text[c] for c, s in flags.items() if s.any()]
    legend = [_legend_section(legend_title, scale.legend, ", ".join([*used_flags, *notes]))]
    for layer in layers:
        if isinstance(layer, ClassLayer):
            legend.append(_add_class_layer(m, layer, labels)[1])
        else:
            legend.append(_add_raster_layer(m, layer, labels))
    if candidates is not None and len(candidates):
        legend.append(_add_candidates(m, villages, candidates, labels))
    _HtmlControl("".join(legend), position="bottomright").add_to(m)

    footer = labels.indicative
    if source:
        footer = f"{labels.source.format(source=source)}. {footer}"
    attribution = _js_string(f"<span style='font-size:11px'>{_esc(footer)}</span>")
    _Script(f"{m.get_name()}.attributionControl.addAttribution({attribution});").add_to(m)
    if layers or candidates is not None or base_map == "osm":
        folium.LayerControl(collapsed=False).add_to(m)
    if not villages.empty:
        xmin, ymin, xmax, ymax = villages.to_crs(4326).total_bounds
        m.fit_bounds([[float(ymin), float(xmin)], [float(ymax), float(xmax)]])
    _stable_ids(m)
    return m


def _stable_ids(m: folium.Map) -> None:
    """Name every element of the page by its position instead of a random id.

    A map's page then depends only on what it shows: the same content gives the same script,
    so a front end that compares scripts (streamlit-folium) keeps the drawn map instead of
    drawing it again, and exported pages are reproducible. Each map is a page (or iframe) of
    its own, so names never meet another map's. The map itself is named when it is created,
    because scripts added to it refer to it by name.
    """
    stack = [m.get_root()]
    number = 0
    while stack:
        element = stack.pop()
        if element is not m:
            element._id = f"{number:05d}"
            number += 1
        stack.extend(reversed(list(getattr(element, "_children", {}).values())))


def _js_string(text: str) -> str:
    """A JavaScript string literal safe inside an HTML ``<script>`` element."""
    return json.dumps(text).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --------------------------------------------------------------------------- standalone export

_EXTERNAL = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I)


def to_standalone_html(m: folium.Map) -> str:
    """One self-contained HTML page for the map, with Leaflet's JS and CSS inlined.

    Parameters
    ----------
    m : folium.Map
        A map from :func:`village_map` (it must load nothing but Leaflet).

    Returns
    -------
    str
        The page; it references no external script or stylesheet (an OpenStreetMap tile URL
        template may remain when that base map was chosen).

    Raises
    ------
    ParameterError
        If the map loads other scripts or stylesheets than Leaflet.
    """
    links = [*m.default_js, *m.default_css]
    extra = [url for name, url in links if name not in {"leaflet", "leaflet_css"}]
    if extra:
        raise ParameterError(f"The map loads other files than Leaflet: {', '.join(extra)}.")
    page = m.get_root().render()
    js, css = leaflet_inline_assets()
    js_url = dict(m.default_js)["leaflet"]
    css_url = dict(m.default_css)["leaflet_css"]
    script_tag = re.compile(rf"<script src=\"{re.escape(js_url)}\"></script>")
    link_tag = re.compile(rf"<link rel=\"stylesheet\" href=\"{re.escape(css_url)}\"\s*/>")
    if not script_tag.search(page) or not link_tag.search(page):
        raise ParameterError("Cannot find Leaflet's script and stylesheet in the rendered map.")
    js_safe = js.replace("</", "<\\/")
    page = script_tag.sub(lambda _m: f"<script>{js_safe}</script>", page, count=1)
    page = link_tag.sub(lambda _m: f"<style>{css}</style>", page, count=1)
    if _EXTERNAL.search(page):
        raise ParameterError("The standalone map still references an external file.")
    return page
