"""Interactive village maps that draw with no internet connection.

The only module that imports folium. Maps load Leaflet from the app's own static folder (or have
it inlined, for a standalone HTML file) and nothing else: no jQuery, Bootstrap, icon fonts or d3.
Legends, tooltips and popups are plain HTML built here, with every name and value from the data
escaped. Shared village borders are simplified together (:func:`simplify_coverage`) so light maps
keep neighbours touching.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import JsCode

from ovop_geo.errors import InputDataError, ParameterError
from ovop_geo.i18n import DEFAULT_LANG, t
from ovop_geo.mapstyle import NO_DATA_COLOUR, format_value, scale_for
from ovop_geo.offline import leaflet_inline_assets
from ovop_geo.overlays import ClassLayer, RasterLayer
from ovop_geo.simplify import check_crs, simplify_coverage

__all__ = [
    "DEFAULT_LEAFLET_CSS_URL",
    "DEFAULT_LEAFLET_IMAGES_URL",
    "DEFAULT_LEAFLET_JS_URL",
    "MapLabels",
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

#: CSS classes of the SVG paths: villages, candidate sentra circles, overlay polygons.
VILLAGE_CLASS = "ovop-village"
CANDIDATE_CLASS = "ovop-candidate"
LAYER_CLASS = "ovop-layer"
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


@cache
def _asset(name: str) -> str:
    """A JavaScript or template file of ``ovop_geo/assets``, without its leading ``//`` lines."""
    text = (resources.files("ovop_geo") / "assets" / name).read_text(encoding="utf-8")
    lines = text.splitlines()
    while lines and lines[0].lstrip().startswith("//"):
        lines.pop(0)
    return "\n".join(lines).strip()


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


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

    _template = Template(_asset("html_control.js.j2"))

    _CSS = (
        "background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;"
        "box-shadow:0 1px 4px rgba(0,0,0,0.3);font:11px/1.35 sans-serif;max-width:230px;"
        "max-height:40vh;overflow:auto;"
    )

    def __init__(self, content: str, position: str = "bottomright"):
        super().__init__()
        self._name = "OvopControl"
        self.content = content
        self.position = position
        self.css = self._CSS


_BIND = JsCode(_asset("bind_simple.js"))


def _values_html(row: pd.Series, columns: Sequence[str], lang: str) -> list[str]:
    """Formatted, HTML-escaped values of ``columns`` (no labels: see :func:`_bind_packed`)."""
    return [_esc(format_value(row[c], c, lang)) for c in columns]


def _packed(fragments: Sequence[str]) -> str:
    """Escaped HTML fragments joined by "|"; a "|" inside them becomes the entity &#124;."""
    return "|".join(f.replace("|", "&#124;") for f in fragments)


def _bind_packed(tip_labels: Sequence[str], pop_labels: Sequence[str]) -> JsCode:
    """The ``onEachFeature`` for villages whose ``tip``/``pop`` are :func:`_packed` fragments.

    Fragments: the name (HTML), one value per label, then the flag note (HTML, may be empty).
    The labels are escaped here and sent once; the browser builds the table when the tooltip or
    popup opens. Values were escaped in Python, so only escaped text reaches the page's HTML.
    """
    tips = _js_string(json.dumps([_esc(x) for x in tip_labels]))
    pops = _js_string(json.dumps([_esc(x) for x in pop_labels]))
    return JsCode(f"({_asset('bind_packed.js')})(JSON.parse({tips}), JSON.parse({pops}))")


def _swatch(colour: str, label: str) -> str:
    return (
        "<div><span style='display:inline-block;width:14px;height:14px;margin-right:6px;"
        f"vertical-align:middle;border:1px solid #555;background:{_esc(colour)}'></span>"
        f"{_esc(label)}</div>"
    )


def _legend_section(
    title: str,
    rows: Sequence[tuple[str, str]],
    note: str = "",
    *,
    layer: str | None = None,
    shown: bool = True,
    open_: bool = True,
) -> str:
    """One legend section that folds on a click on its title.

    ``layer``: the overlay it belongs to (its name in the layer control); the section is shown
    only while that overlay is on (``shown``: on when the map opens).
    """
    body = "".join(_swatch(c, lbl) for c, lbl in rows)
    note_html = f"<div style='font-style:italic;color:#a33'>{_esc(note)}</div>" if note else ""
    attrs = "" if layer is None else f" data-layer='{_esc(layer)}'"
    if not shown:
        attrs += " style='display:none'"
    return (
        f"<details class='ovop-legend'{attrs}{' open' if open_ else ''}>"
        f"<summary style='cursor:pointer'><b>{_esc(title)}</b></summary>"
        f"{note_html}{body}</details>"
    )


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


def _outline_style(weight: float = 3.5, class_name: str = ""):
    """Outline in the feature's class colour, no fill: the shapes under it stay reachable."""

    def style(feature: Mapping[str, Any]) -> dict[str, Any]:
        out = {
            "fill": False,
            "color": feature["properties"]["fill"],
            "weight": weight,
            "opacity": 0.95,
        }
        if class_name:
            out["className"] = class_name
        return out

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
    check_crs(layer.frame, layer.name)
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
    style = (
        _outline_style(class_name=layer.css_class)
        if layer.outline_only
        else _fill_style(layer.opacity, weight=0.5, line="#666666", class_name=layer.css_class)
    )
    folium.GeoJson(
        _features(layer.frame, {"fill": fill, "tip": text}),
        name=title,
        show=layer.show,
        style_function=style,
        on_each_feature=_BIND,
    ).add_to(m)
    present = [c for c in dict.fromkeys(classes.dropna()) if c in layer.colours]
    rows = [(layer.colours[c], str(names.get(c, c))) for c in present]
    return title, _legend_section(title, rows, layer=title, shown=layer.show)


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
    return _legend_section(title, layer.legend, layer=title, shown=layer.show)


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
        _features(
            points,
            {
                "fill": pd.Series(colour, index=chosen.index),
                "tip": tip,
                "code": pd.Series(chosen.index.astype(str), index=chosen.index),
            },
        ),
        name=labels.candidates,
        marker=folium.CircleMarker(radius=7),
        style_function=_fill_style(
            0.9, weight=2, line="#ffffff", fill=True, class_name=CANDIDATE_CLASS
        ),
        on_each_feature=_BIND,
    ).add_to(m)
    return _legend_section(
        labels.candidates, [(colour, labels.candidates)], layer=labels.candidates
    )


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
    check_crs(villages, "villages")
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

    scale = scale_for(villages, value_column, lang, labels.no_data, classification)
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
        "code": pd.Series(villages.index.astype(str), index=villages.index),  # for clicks
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
        folium.LayerControl(collapsed=True).add_to(m)  # a small button until pointed at
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
