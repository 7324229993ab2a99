"""OVOP spatial planning: the Streamlit web app (a thin shell over ``ovop_geo``).

Run with ``streamlit run app.py`` after ``python -m ovop_geo.offline static/leaflet`` (``make run``
does both). The map loads Leaflet from ``static/leaflet`` and draws with no internet connection.

Caching: :func:`load_bundle` (region, the expensive ``prepare_region`` and the simplified map
geometry and layers, with a progress bar the first time) is shared by every session through
:class:`BundleStore` and keyed by the region id, or by the content hash of an upload;
:func:`run_analysis` (the cheap, parameter-dependent part) is keyed by that key and the frozen
``AnalysisParams``. Neither cached object is ever modified here. Every
user-facing problem arrives as :class:`ovop_geo.errors.OvopError` and is shown with ``st.error``;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from ovop_geo import charts, qfd, report
from ovop_geo.bundled import params_table
from ovop_geo.display import crop_names, display_table, layer_names, source_text
from ovop_geo.errors import InputDataError, OvopError, ParameterError
from ovop_geo.export import to_csv_bytes
from ovop_geo.farming import BALANCE_COLUMNS, scenarios_from_table
from ovop_geo.i18n import DEFAULT_LANG, LANGUAGES, fmt_number, t, translate_note
from ovop_geo.io import read_table, read_vector
from ovop_geo.manifest import (
    DEFAULT_REGION,
    available_regions,
    default_tables,
    load_manifest,
    manifest_text,
)
from ovop_geo.mcda import group_ahp_weights, load_default_criteria, normalise_criteria
from ovop_geo.messages import msg
from ovop_geo.offline import install_leaflet
from ovop_geo.overlays import ClassLayer, RasterLayer, cluster_layer, slope_layer
from ovop_geo.pipeline import (
    SLOPE_THRESHOLDS_PCT,
    AnalysisParams,
    AnalysisResult,
    PreparedRegion,
    analyse,
    prepare_region,
)
from ovop_geo.profile import (
    VillageProfile,
    admin_choices,
    search_labels,
    view_for,
    village_profile,
)
from ovop_geo.readiness import weakest_dimensions
from ovop_geo.region import (
    load_region,
    missing_statistics,
    read_landuse,
    read_zoning,
    statistics_templates,
    subset_region,
)
from ovop_geo.scenarios import (
    Scenario,
    ScenarioComparison,
    compare_scenarios,
    parse_scenarios,
    scenario_outputs,
    scenarios_text,
)
from ovop_geo.simplify import auto_tolerance_m, simplify_coverage
from ovop_geo.templates import region_templates
from ovop_geo.uploads import UploadSession
from ovop_geo.wilayah import admin_units

# The bundled regions the library knows, the default one first.
REGIONS = (DEFAULT_REGION, *(r for r in available_regions() if r != DEFAULT_REGION))
OWN = "own"
OWN_REGION_ID = "own-data"  # the id of the manifest written for an upload
ROOT = Path(__file__).resolve().parent
# Streamlit serves the folder "static" next to the app at /app/static/ (enableStaticServing).
LEAFLET_DIR = ROOT / "static" / "leaflet"
MAP_HEIGHT_PX = 600
MAP_WIDTH_PX = 560  # a little less than the map's width beside the profile on a 1400 px screen
INDICATOR_ORDER = (
    "score",
    "lq",
    "businesses",
    "production",
    "available_land",
    "year_land_short",
    "slope_share",
    "ovop_product",
    "land_capacity",
    "area",
)
# Upload slots: (key, kind for UploadSession, accepted extensions, label key, help key).
UPLOAD_SLOTS = (
    (
        "boundaries",
        "boundaries",
        ["geojson", "json", "gpkg", "zip", "parquet"],
        "upload_boundaries",
        "upload_boundaries_help",
    ),
    ("harvest", "table", ["csv"], "upload_harvest", "upload_harvest_help"),
    ("businesses", "table", ["csv"], "upload_businesses", "upload_businesses_help"),
    ("households", "table", ["csv"], "upload_households", "upload_households_help"),
    (
        "landuse",
        "vector",
        ["geojson", "json", "gpkg", "zip", "parquet"],
        "upload_landuse",
        "upload_landuse_help",
    ),
    ("elevation", "raster", ["tif", "tiff"], "upload_dem", "upload_dem_help"),
)


# ------------------------------------------------------------------------------ cached data
@dataclass(frozen=True)
class Bundle:
    """A prepared region with its map geometry and overlay frames (cached, never modified)."""

    key: str
    prepared: PreparedRegion
    map_geometry: gpd.GeoSeries
    landuse: gpd.GeoDataFrame | None
    zoning: gpd.GeoDataFrame | None
    slope: RasterLayer | None
    layer_notes: tuple[str, ...]


def _simplified_layer(region, reader, villages) -> gpd.GeoDataFrame:
    frame = reader(region)
    column = (
        region.layers.landuse.class_column
        if reader is read_landuse
        else (region.layers.zoning.class_column)
    )
    tolerance = auto_tolerance_m(villages)
    out = simplify_coverage(frame, tolerance_m=tolerance, keep_columns=[column])
    return out.rename(columns={column: "class_id"})


#: Seconds an upload may take to load and prepare (the stages are bounded by the raster limits
#: and the villages' footprint; this says so when a server is too slow). ``OVOP_UPLOAD_BUDGET_S``
#: in the server's environment changes it.
UPLOAD_BUDGET_S = 300.0


def _upload_budget_s() -> float:
    try:
        return float(os.environ.get("OVOP_UPLOAD_BUDGET_S", UPLOAD_BUDGET_S))
    except ValueError:
        return UPLOAD_BUDGET_S


def _budget(seconds: float | None) -> Callable[[str], None]:
    """A progress callback that stops the preparation between stages once ``seconds`` passed."""
    if seconds is None:
        return lambda _stage: None
    deadline = time.monotonic() + seconds

    def check(stage: str) -> None:
        if time.monotonic() > deadline:
            raise OvopError(msg("run.time_budget", seconds=float(seconds), stage=stage))

    return check


def make_bundle(
    key: str, source: str, progress: Callable[[str], None], part: str | None = None
) -> Bundle:
    """Load and prepare a region (``source``: id or manifest path), telling ``progress``.

    ``part``: the code of one kabupaten (``61.12``) or kecamatan (``61.12.07``) to analyse alone.
    """
    progress(msg("progress.load"))
    region = load_region(source)
    if part is not None:
        level = "kecamatan" if part.count(".") >= 2 else "kabupaten"
        region = subset_region(region, **{level: part})
    prepared = prepare_region(region, progress=progress)
    progress(msg("progress.map"))
    villages = region.villages
    geometry = simplify_coverage(villages, keep_columns=[]).geometry
    notes: list[str] = []
    layers: dict[str, object] = {"landuse": None, "zoning": None, "slope": None}
    for name, reader in (("landuse", read_landuse), ("zoning", read_zoning)):
        if getattr(region.layers, name) is not None:
            try:
                layers[name] = _simplified_layer(region, reader, villages)
            except InputDataError as err:
                notes.append(err.message)
    if prepared.slope_overview is not None:  # computed once, with the slope statistics
        layers["slope"] = slope_layer(
            prepared.slope_overview, name="slope", illustrative=region.layers.elevation.illustrative
        )
    return Bundle(
        key, prepared, geometry, layers["landuse"], layers["zoning"], layers["slope"], tuple(notes)
    )


class BundleStore:
    """Prepared regions shared by every session, the least recently used dropped past ``size``.

    A region is prepared once even when several sessions ask for it at once: the others wait
    for it. (Streamlit's own cache would replay the progress shown while preparing.)
    """

    def __init__(self, size: int = 8):
        self._size = size
        self._items: OrderedDict[str, Bundle] = OrderedDict()
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}

    def __contains__(self, key: str) -> bool:
        with self._lock:
            return key in self._items

    def get(self, key: str, make: Callable[[], Bundle]) -> Bundle:
        """The bundle for ``key``, made once with ``make`` if not stored (other askers wait)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            loading = self._loading.setdefault(key, threading.Lock())
        with loading:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            bundle = make()
            with self._lock:
                self._items[key] = bundle
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
                self._loading.pop(key, None)
        return bundle


@st.cache_resource(show_spinner=False)
def bundle_store() -> BundleStore:
    """The one store of prepared regions of this server process."""
    return BundleStore()


PREPARE_STAGES = 9  # load, seven stages of prepare_region at most, map borders


def load_bundle(
    key: str,
    source: str,
    lang: str = DEFAULT_LANG,
    budget_s: float | None = None,
    part: str | None = None,
) -> Bundle:
    """The prepared region ``key``; a progress bar while it is prepared for the first time.

    An upload gets a time budget (``budget_s``), checked between the stages; ``part`` limits
    the region to one kabupaten or kecamatan (see :func:`make_bundle`).
    """
    store = bundle_store()
    within = _budget(budget_s)
    if key in store:
        return store.get(key, lambda: make_bundle(key, source, lambda _m: None, part))
    place = st.empty()
    with place.container():
        bar = st.progress(0.0, text=t("loading_region", lang))
        done = [0]

        def progress(message: str) -> None:
            done[0] += 1
            bar.progress(
                min(done[0] / PREPARE_STAGES, 1.0),
                text=f"{t('loading_region', lang)} {translate_note(message, lang)}",
            )
            within(message)

        bundle = store.get(key, lambda: make_bundle(key, source, progress, part))
    place.empty()
    return bundle


def part_controls(bundle: Bundle, source: str, lang: str) -> Bundle:
    """Analyse the whole region or one of its kabupaten or kecamatan (chosen in the sidebar).

    Shown when the region has more than one kecamatan; the part is prepared on its own, so its
    scores, LQ and land balance are those of the part alone, as ``--kabupaten`` and
    ``--kecamatan`` give on the command line.
    """
    units = admin_units(bundle.prepared.region.villages)
    kecamatan = units.dropna(subset=["kecamatan_code"]).drop_duplicates("kecamatan_code")
    if len(kecamatan) < 2:
        return bundle
    kabupaten = units.dropna(subset=["kabupaten_code"]).drop_duplicates("kabupaten_code")
    labels = {"": t("part_whole", lang)}
    if len(kabupaten) > 1:
        for row in kabupaten.itertuples():
            name = row.kabupaten_name if isinstance(row.kabupaten_name, str) else ""
            labels[str(row.kabupaten_code)] = f"{name} ({row.kabupaten_code})".strip()
    for row in kecamatan.itertuples():
        name = row.kecamatan_name if isinstance(row.kecamatan_name, str) else ""
        labels[str(row.kecamatan_code)] = f"· {name} ({row.kecamatan_code})"
    options = ["", *sorted(c for c in labels if c)]  # a kabupaten, then its kecamatan
    key = f"part-{bundle.key}"
    if st.session_state.get(key) not in options:
        st.session_state[key] = ""
    part = st.sidebar.selectbox(
        t("part", lang), options, key=key, format_func=labels.__getitem__,
        help=t("part_help", lang),
    )  # fmt: skip
    if not part:
        return bundle
    return load_bundle(f"{bundle.key}|{part}", source, lang, part=part)


@st.cache_resource(show_spinner=False, max_entries=64)
def run_analysis(key: str, params: AnalysisParams, _bundle: Bundle) -> AnalysisResult:
    """The cheap, parameter-dependent analysis, per region key and parameters."""
    return analyse(_bundle.prepared, params)


@st.cache_data(show_spinner=False)
def region_name(region_id: str) -> str:
    """The region's display name, from its manifest (no layer is opened)."""
    return load_manifest(region_id).region.name


@st.cache_data(show_spinner=False)
def criteria_table() -> pd.DataFrame:
    """The default criteria (names in both languages, group, weight, source)."""
    return load_default_criteria()


@st.cache_resource(show_spinner=False)
def leaflet_problem() -> str | None:
    """Put Leaflet where the app serves it (once per server process); the problem, if any.

    ``make run`` does this before the app starts; ``streamlit run app.py`` after a plain
    ``pip install`` relies on this.
    """
    if not st.get_option("server.enableStaticServing"):
        return "server.enableStaticServing = false"
    try:
        install_leaflet(LEAFLET_DIR)
    except OvopError as err:
        return err.message
    except OSError as err:
        return f"{LEAFLET_DIR}: {err.strerror or err}"
    return None


# ------------------------------------------------------------------------------ sidebar
@dataclass(frozen=True)
class Choices:
    """The sidebar's choices: page language, region and base map."""

    lang: str
    region: str
    base_map: str


# Widgets whose options are written in the page's language. The browser keeps a choice by its
# written label, so after a language change it no longer finds the old label among the new ones
# and shows none (or the old text): these choices are handed back to it explicitly.
LANGUAGE_WRITTEN = ("region", "base_map", "weights_mode", "indicator", "slope_limit")


def keep_choices(lang: str) -> None:
    """On a language change, give every language-written widget its current choice again."""
    state = st.session_state
    if state.get("shown_lang", lang) != lang:
        for key in list(state.keys()):
            if key in LANGUAGE_WRITTEN or key.startswith(("search-", "kab-", "kec-")):
                state[key] = state[key]
    state["shown_lang"] = lang


def _unless_kept(key: str, default):
    """A widget's default, or None when the session already holds its choice (which wins)."""
    return None if key in st.session_state else default


def sidebar() -> Choices:
    """Language, region and base map."""
    lang = st.sidebar.radio(
        t("language", DEFAULT_LANG),
        options=list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key="lang",
    )
    keep_choices(lang)
    # The address names the bundled region shown (?region=...), so a reload or a bookmark
    # opens it again.
    if "region" not in st.session_state and st.query_params.get("region") in REGIONS:
        st.session_state["region"] = st.query_params["region"]
    region = st.sidebar.selectbox(
        t("region", lang),
        options=[*REGIONS, OWN],
        key="region",
        format_func=lambda r: t("region_own", lang) if r == OWN else region_name(r),
    )
    if region in REGIONS:
        st.query_params["region"] = region
    else:
        st.query_params.pop("region", None)
    base_map = st.sidebar.radio(
        t("base_map", lang),
        options=["none", "osm"],
        key="base_map",
        format_func=lambda b: t(f"base_map_{b}", lang),
    )
    return Choices(lang, region, base_map)


def weight_controls(lang: str) -> dict[str, float] | None:
    """Sliders (one per criterion) or an AHP matrix over criteria groups; None = defaults."""
    table = criteria_table()
    st.sidebar.subheader(t("weights_heading", lang))
    mode = st.sidebar.radio(
        t("weights_mode", lang),
        ["sliders", "ahp"],
        key="weights_mode",
        format_func=lambda m: t(f"weights_mode_{m}", lang),
    )
    if mode == "ahp":
        return ahp_controls(table, lang)
    st.sidebar.caption(t("weights_defaults_note", lang))
    weights = {
        cid: st.sidebar.slider(
            row[f"name_{lang}"],
            0.0,
            10.0,
            float(row["weight"]),
            0.5,
            key=f"w_{cid}",
            help=row["source"],
        )
        for cid, row in table.iterrows()
    }
    if sum(weights.values()) <= 0:
        st.sidebar.error(t("weights_all_zero", lang))
        return None
    return weights


def ahp_controls(table: pd.DataFrame, lang: str) -> dict[str, float] | None:
    """Pairwise comparison of the criteria groups; each group's weight is split equally."""
    groups = list(dict.fromkeys(table["group"]))
    names = [t(f"group_{g}", lang) for g in groups]
    # The last matrix entered (kept in the session, so a language change keeps it).
    kept = st.session_state.get("ahp_values")
    start = (
        kept.copy()
        if kept is not None and list(kept.index) == groups
        else pd.DataFrame(1.0, index=groups, columns=groups)
    )
    start.insert(0, "group", names)
    config = {
        g: st.column_config.NumberColumn(n, min_value=1 / 9, max_value=9.0, format="%.3g")
        for g, n in zip(groups, names, strict=True)
    }
    config["group"] = st.column_config.TextColumn(t("criterion_group", lang), disabled=True)
    st.sidebar.caption(t("ahp_help", lang))
    edited = st.sidebar.data_editor(
        start, key="ahp_matrix", hide_index=True, column_config=config, num_rows="fixed"
    )
    st.session_state["ahp_values"] = edited[groups].copy()
    # Only the upper triangle is read (the help says so); the library fills in the reciprocals,
    # exactly as for `ovop-geo run --ahp-groups`.
    upper = edited[groups].to_numpy(dtype=float)
    matrix = np.where(np.triu(np.ones_like(upper, dtype=bool), 1), upper, np.nan)
    try:
        result = group_ahp_weights(matrix, table["group"], group_labels=groups)
    except ParameterError as err:
        st.sidebar.error(err.text(lang))
        st.sidebar.warning(t("ahp_rejected", lang))
        return None
    st.sidebar.caption(t("ahp_cr", lang, cr=fmt_number(result.groups.cr, lang, decimals=3)))
    return dict(result.weights)


def parameter_controls(bundle: Bundle, lang: str) -> AnalysisParams:
    """Weights, sentra thresholds, slope limit and growth rate as ``AnalysisParams``."""
    weights = weight_controls(lang)
    st.sidebar.subheader(t("thresholds_heading", lang))
    defaults = AnalysisParams()  # the library's defaults, with their sources there
    min_units = st.sidebar.number_input(
        t("min_units", lang), 1, 1000, defaults.min_units, 1, key="min_units"
    )
    share = st.sidebar.slider(
        t("min_household_share", lang),
        0,
        100,
        round(defaults.min_household_share * 100),
        1,
        key="min_share",
    )
    slope = st.sidebar.select_slider(
        t("slope_limit", lang),
        options=list(SLOPE_THRESHOLDS_PCT),
        value=_unless_kept("slope_limit", defaults.slope_limit_pct),
        key="slope_limit",
        format_func=lambda v: fmt_number(v, lang, "%", decimals=0),
    )
    default_growth = central_growth(bundle)
    growth = st.sidebar.slider(
        t("growth_rate", lang),
        0.0,
        100.0,
        default_growth,
        0.05,
        key="growth",
        help=t("growth_rate_help", lang),
    )
    params = AnalysisParams(
        min_units=int(min_units),
        min_household_share=share / 100.0,
        slope_limit_pct=float(slope),
        growth_rate_pct_yr=None if growth == default_growth else float(growth),
    )
    return params if weights is None else params.with_weights(weights)


def central_growth(bundle: Bundle) -> float:
    """The central growth rate of the region's scenarios (the manifest's, else its table's)."""
    region = bundle.prepared.region
    central = region.manifest.parameters.get("growth_rate_pct_yr")
    scenarios = scenarios_from_table(
        region.tables.get("growth_scenarios"),
        central_pct_yr=None if central is None else float(central),
    )
    return float(next(s.growth_rate_pct_yr for s in scenarios if s.name == "central"))


def products_of(bundle: Bundle) -> list[str]:
    """The products of the region's business table (its columns); none without the table."""
    businesses = bundle.prepared.region.businesses
    return [] if businesses is None else [str(c) for c in businesses.columns]


# ------------------------------------------------------------------------------ map tab
def indicators_for(result: AnalysisResult, frame: gpd.GeoDataFrame, product: str | None):
    """Indicators with data for this region (area always)."""
    out = []
    for key in INDICATOR_ORDER:
        if report.INDICATORS[key][1] and product is None:
            continue
        column = report.indicator_column(result, key, product)
        if key == "area" or (column in frame.columns and frame[column].notna().any()):
            out.append(key)
    return out


def map_layers(bundle: Bundle, lang: str) -> list:
    """Land use, zoning and slope overlays (switched off when the map opens)."""
    region = bundle.prepared.region
    layers: list = []
    for name, frame, table in (
        ("landuse", bundle.landuse, "landuse_classes"),
        ("zoning", bundle.zoning, "zoning_classes"),
    ):
        classes = region.tables.get(table)
        if frame is None or classes is None:
            continue
        ids = classes["class_id" if name == "landuse" else "zone_id"].astype(str)
        colours = dict(zip(ids, classes["colour"], strict=True)) if "colour" in classes else {}
        labels = dict(zip(ids, classes.get(f"name_{lang}", ids), strict=True))
        layers.append(
            ClassLayer(
                name=t(f"layer_{name}", lang),
                frame=frame,
                class_column="class_id",
                colours=colours,
                class_labels=labels,
                illustrative=bool(getattr(region.layers, name).illustrative),
            )
        )
    if bundle.slope is not None:
        layers.append(dataclasses.replace(bundle.slope, name=t("layer_slope", lang)))
    return layers


def map_data(bundle: Bundle, result: AnalysisResult, lang: str) -> gpd.GeoDataFrame:
    """``report.map_frame`` with the cached simplified borders and translated statuses."""
    frame = report.map_frame(result)
    frame = frame.set_geometry(bundle.map_geometry.reindex(frame.index).to_numpy(), crs=4326)
    if "capacity_status" in frame.columns:
        frame["capacity_status"] = frame["capacity_status"].map(
            lambda s: t(f"status_{s}", lang) if isinstance(s, str) else s
        )
    return frame


def show_map(bundle: Bundle, result: AnalysisResult, product: str | None, choices: Choices):
    """Indicator, kecamatan and village search above the map; the picked village's profile beside.

    The village is picked by a click on the map or by the search.
    """
    lang = choices.lang
    problem = leaflet_problem()
    if problem is not None:
        st.error(t("leaflet_missing", lang, problem=problem))
        return
    frame = map_data(bundle, result, lang)
    options = indicators_for(result, frame, product)
    villages = result.villages
    kab_key, kec_key = f"kab-{bundle.key}", f"kec-{bundle.key}"
    kabupaten, kecamatan, units = admin_choices(
        result.region.villages,  # names as loaded
        st.session_state.get(kab_key) or None,
    )
    units = units.reindex(villages.index)
    filters = [k for k, c in (("kab", kabupaten), ("kec", kecamatan)) if len(c) > 1]
    cols = st.columns([2] + [1.5] * len(filters) + [2.5])
    # The score first, until the user picks another indicator for this region (an upload that
    # gains business counts switches to it, as a region opened afresh does).
    chosen_key = f"indicator-chosen-{bundle.key}"
    if not st.session_state.get(chosen_key) and "score" in options:
        st.session_state["indicator"] = "score"

    def on_indicator() -> None:
        st.session_state[chosen_key] = True

    indicator = cols[0].selectbox(
        t("indicator", lang),
        options,
        key="indicator",
        format_func=lambda k: t(f"indicator_{k}", lang),
        on_change=on_indicator,
    )
    keep = pd.Series(True, index=villages.index)
    if "kab" in filters:
        kab = cols[1].selectbox(
            t("kabupaten", lang),
            ["", *kabupaten],
            key=kab_key,
            format_func=lambda c: kabupaten.get(c) or t("filter_all", lang),
        )
        if kab:
            keep &= units["kabupaten_code"] == kab
    if "kec" in filters:
        if st.session_state.get(kec_key) not in ("", None, *kecamatan):
            st.session_state[kec_key] = ""  # a kecamatan of another kabupaten
        kec = cols[len(filters)].selectbox(
            t("group", lang),
            ["", *kecamatan],
            key=kec_key,
            format_func=lambda c: kecamatan.get(c) or t("filter_all", lang),
        )
        if kec:
            keep &= units["kecamatan_code"] == kec
    keep = keep.fillna(False).astype(bool)
    shown = villages[keep.to_numpy()]
    filtered = not bool(keep.all())
    labels = search_labels(shown)
    picked_key = f"picked-{bundle.key}"
    search_key = f"search-{bundle.key}"
    if st.session_state.get(search_key) not in ("", None, *labels):
        st.session_state[search_key] = ""  # a village outside the chosen kecamatan

    def on_search() -> None:
        st.session_state[picked_key] = st.session_state[search_key] or None

    searched = cols[-1].selectbox(
        t("search_village", lang),
        ["", *labels],
        key=search_key,
        format_func=lambda c: labels.get(c) or t("search_none", lang),
        on_change=on_search,
    )
    # Zoom to the village found, or to the kecamatan chosen; else the whole region.
    focus = (
        villages.geometry.loc[[searched]]
        if searched
        else (shown.geometry if filtered and len(shown) else None)
    )
    center, zoom = (
        (None, None)
        if focus is None
        else view_for(focus, width_px=MAP_WIDTH_PX, height_px=MAP_HEIGHT_PX)
    )
    highlight = None
    if searched:
        highlight = folium.FeatureGroup(name="ovop-found", control=False)
        folium.GeoJson(
            villages.geometry.loc[[searched]].to_json(),
            style_function=lambda _: {"color": "#e7298a", "weight": 4, "fill": False},
        ).add_to(highlight)
    # A new map on every run: a folium map is a page being built, and rendering one twice (as
    # a map shared between sessions would be) drops its layers' scripts. Its element names are
    # stable, so a run that shows the same thing sends the same script and the browser keeps
    # the drawn map.
    layers = map_layers(bundle, lang)
    clusters = cluster_layer(result.clusters, product, lang=lang) if product else None
    m = report.result_map(
        result,
        indicator=indicator,
        product=product,
        lang=lang,
        base_map=choices.base_map,
        frame=frame,
        layers=layers if clusters is None else [*layers, clusters],
    )
    map_col, profile_col = st.columns([5, 2])
    with map_col:
        out = st_folium(
            m,
            returned_objects=["last_active_drawing"],
            height=MAP_HEIGHT_PX,
            use_container_width=True,
            center=center,
            zoom=zoom,
            feature_group_to_add=highlight,
            key=f"map-{bundle.key}-{lang}-{choices.base_map}",
        )
        st.caption(t("layers_note", lang))
    clicked = ((out or {}).get("last_active_drawing") or {}).get("properties") or {}
    clicked = clicked.get("code")
    seen_key = f"clicked-{bundle.key}"
    if clicked and clicked != st.session_state.get(seen_key):  # a new click wins
        st.session_state[seen_key] = clicked
        st.session_state[picked_key] = clicked
    picked = st.session_state.get(picked_key)
    with profile_col.container(height=MAP_HEIGHT_PX, border=False):
        if picked in villages.index:
            show_profile(village_profile(result, picked, lang), product, lang)
        else:
            st.caption(t("profile_hint", lang))


def show_profile(profile: VillageProfile, product: str | None, lang: str) -> None:
    """The picked village: facts, firms, land balance, candidate products and why, flags."""
    st.markdown(f"#### {profile.name}")
    households = (
        ""
        if profile.households is None
        else t("profile_households", lang, n=fmt_number(profile.households, lang, decimals=0))
    )
    st.caption(
        t(
            "profile_facts",
            lang,
            code=profile.code,
            kecamatan=profile.kecamatan or "–",
            area=fmt_number(profile.area_ha, lang, "ha", decimals=0),
            households=households,
        )
    )
    st.markdown(f"**{t('profile_products', lang)}**")
    lines = []
    for line in profile.products:
        text = t(
            "profile_product_line",
            lang,
            product=line.product,
            score=fmt_number(line.score, lang, decimals=1),
            rank="–" if line.rank is None else line.rank,
            n=line.villages_ranked,
        )
        marks = [t("profile_allocated", lang)] if line.allocated else []
        if line.candidate:
            marks.append(t("profile_candidate", lang))
        marks.append(
            t(
                {
                    True: "profile_pp29_met",
                    False: "profile_pp29_unmet",
                    None: "profile_pp29_unknown",
                }[line.meets_pp29_2018],
                lang,
            )
        )
        if line.fragile:
            marks.append(t("profile_fragile_mark", lang))
        why = (
            f"  \n  :small[{t('profile_why', lang, criteria=', '.join(line.top_criteria))}]"
            if line.top_criteria
            else ""
        )
        lines.append(f"- {text} ({'; '.join(marks)}){why}")
    st.markdown("\n".join(lines) if lines else "–")
    st.markdown(f"**{t('profile_firms', lang)}**")
    st.markdown(
        ", ".join(f"{p} {n}" for p, n in profile.firms)
        if profile.firms
        else t("profile_no_firms", lang)
    )
    if profile.balance:
        st.markdown(f"**{t('profile_balance', lang)}**")
        st.markdown(
            "\n".join(
                f"- {t(c, lang)}: {fmt_number(v, lang, decimals=0)}" for c, v in profile.balance
            )
        )
    if profile.flags:
        st.markdown(f"**{t('profile_flags', lang)}**")
        st.markdown("\n".join(f"- {f}" for f in profile.flags))


# ------------------------------------------------------------------------------ other tabs
def _names(result: AnalysisResult) -> pd.Series:
    return result.villages["village_name"]


def show_compare(result: AnalysisResult, product: str | None, lang: str) -> None:
    """The chosen villages side by side for ``product``: score, rank, robustness, OVOP pick."""
    if result.scores is None or product is None:
        st.info(t("no_scores", lang))
        return
    names = _names(result)
    scores = result.scores.xs(product, level="product")
    default = list(scores.dropna(subset=["rank"]).sort_values("rank").index[:6])
    chosen = st.multiselect(
        t("compare_villages", lang),
        list(names.index),
        default=default,
        key="compare",
        format_func=lambda c: f"{names[c]} ({c})",
    )
    if not chosen:
        return
    sens = result.sensitivity.xs(product, level="product").reindex(chosen)
    cand = result.candidates.xs(product, level="product").reindex(chosen)
    rec = result.recommendation.reindex(chosen)
    table = pd.DataFrame(
        {
            t("village", lang): names.reindex(chosen),
            t("sentra_class", lang): [
                t(f"class_{c}", lang) if isinstance(c, str) else "–" for c in cand["sentra_class"]
            ],
            t("score", lang): scores["score"].reindex(chosen).round(1),
            t("rank", lang): scores["rank"].reindex(chosen).astype("Int64"),
            t("tie", lang): cand["tie"].astype("boolean"),
            t("share_rank1", lang): (100 * sens["share_rank1"]).round(1),
            t("rank_range", lang): [
                "–" if pd.isna(a) else f"{int(a)}–{int(b)}"
                for a, b in zip(sens["rank_min"], sens["rank_max"], strict=True)
            ],
            t("fragile", lang): sens["fragile"].astype("boolean"),
            t("businesses", lang): result.region.businesses[product].reindex(chosen),
            t("cluster", lang): cand["cluster_id"],
            t("ovop_product", lang): rec["product"],
            t("ovop_reason", lang): rec[f"reason_{lang}"],
        }
    )
    if result.allocation is not None:
        alloc = result.allocation.reindex(chosen)
        table[t("ovop_assigned", lang)] = alloc["product"]
        table[t("score_lost", lang)] = alloc["score_lost"].round(1)
    table.index.name = t("village_code", lang)
    st.subheader(t("compare_heading", lang, product=product))
    st.dataframe(display_table(table, lang), width="stretch")
    st.caption(t("fragile_note", lang, n=result.params.sensitivity_runs))
    lookup = names.to_dict()
    left, right = st.columns(2)
    if result.land is not None:
        land = result.land[result.land.index.get_level_values("village_code").isin(chosen)]
        left.altair_chart(charts.production_chart(land, lookup, lang=lang), width="stretch")
    right.altair_chart(
        charts.businesses_chart(result.region.businesses.reindex(chosen), lookup, lang=lang),
        width="stretch",
    )
    criteria = result.criteria.xs(product, level="product", drop_level=False)
    norm = normalise_criteria(criteria).xs(product, level="product").reindex(chosen)
    norm = norm[
        [c for c in criteria_table().index if c in norm.columns and result.weights.get(c, 0) > 0]
    ]
    crit_names = criteria_table()[f"name_{lang}"].to_dict()
    st.altair_chart(
        charts.criteria_profile_chart(norm, lookup, crit_names, product=product, lang=lang),
        width="stretch",
    )


LAND_COLUMNS = (
    "production_t",
    "harvested_ha",
    "cropping_intensity",
    "in_use_ha",
    "suitable_ha",
    "unused_suitable_ha",
    "available_ha",
    "demand_processed_t_yr",
    "demand_t_yr",
    "food_need_t_yr",
    "food_first_binding",
    "land_needed_ha",
    "land_needed_5y_ha",
    "land_needed_10y_ha",
    "year_land_short",
    "estimated",
)


def show_balance(result: AnalysisResult, lang: str) -> None:
    """The physical land balance: a stacked bar per village and its table."""
    balance = result.land_balance
    if balance is None:
        return
    st.subheader(t("balance_heading", lang))
    names = _names(result)
    st.altair_chart(charts.land_balance_chart(balance, names.to_dict(), lang=lang), width="stretch")
    table = balance[list(BALANCE_COLUMNS)].round(1)
    table.insert(0, "village", names.reindex(table.index))
    table = table.rename(columns={c: t(c, lang) for c in table.columns})
    table.index.name = t("village_code", lang)
    st.dataframe(display_table(table, lang), width="stretch")
    st.caption(t("balance_caption", lang))


def show_land(result: AnalysisResult, lang: str) -> None:
    """The land section: balance, per-village land table, food and growth, carrying capacity."""
    st.subheader(t("land_heading", lang))
    if result.land is None:
        missing = [translate_note(m, lang) for m in missing_statistics(result.region)] or ["–"]
        st.info(t("no_land", lang, missing="; ".join(missing)))
        return
    show_balance(result, lang)
    land = result.land[[c for c in LAND_COLUMNS if c in result.land.columns]].reset_index()
    land.insert(1, "village", land["village_code"].map(_names(result)))
    crops = crop_names(result.region.tables.get("crops"), lang)
    land["crop_id"] = land["crop_id"].map(lambda c: crops.get(c, c))
    if "food_first_binding" in land.columns:
        land["food_first_binding"] = land["food_first_binding"].map(
            lambda b: t(f"binding_{b}", lang)
        )
    headers = {
        "village_code": t("village_code", lang),
        "village": t("village", lang),
        "crop_id": t("crop", lang),
        "year_land_short": t("year_land_short", lang),
        "estimated": t("estimated", lang),
        "production_t": t("production_t", lang),
    }
    headers |= {c: t(c, lang) for c in LAND_COLUMNS if c not in headers}
    st.dataframe(
        display_table(
            land.rename(columns=headers),
            lang,
            decimals={t("cropping_intensity", lang): 2},
            years=[t("year_land_short", lang)],
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(t("estimated_caption", lang))
    show_food_and_growth(result, lang)
    show_capacity(result, lang)


def show_food_and_growth(result: AnalysisResult, lang: str) -> None:
    """Food first and the growth scenarios, for the region and per village."""
    region_land, growth = result.region_land, result.growth
    if region_land is None or growth is None:
        return
    st.subheader(t("food_growth_heading", lang))
    scenario_cols = [f"year_land_short_{s.name}" for s in growth.scenarios]
    crops = crop_names(result.region.tables.get("crops"), lang)
    year_headers = [
        t(
            "year_land_short_scenario",
            lang,
            name=t(f"scenario_{s.name}", lang),
            rate=fmt_number(s.growth_rate_pct_yr, lang, "%", decimals=2),
        )
        for s in growth.scenarios
    ]
    table = pd.DataFrame(
        {
            t("crop", lang): [crops.get(c, c) for c in region_land.index],
            t("production_t", lang): region_land["production_t"].round(1).to_numpy(),
            t("food_need_t_yr", lang): region_land["food_need_t_yr"].round(1).to_numpy(),
            t("left_after_food_t_yr", lang): region_land["left_after_food_t_yr"]
            .round(1)
            .to_numpy(),
            t("demand_t_yr", lang): region_land["demand_t_yr"].round(1).to_numpy(),
            t("food_first_binding", lang): [
                t(f"binding_{b}", lang) for b in region_land["food_first_binding"]
            ],
            **{
                h: region_land[c].to_numpy()
                for h, c in zip(year_headers, scenario_cols, strict=True)
            },
        }
    )
    st.dataframe(display_table(table, lang, years=year_headers), hide_index=True, width="stretch")
    st.caption(
        t(
            "growth_caption",
            lang,
            start=growth.start_year,
            data=growth.data_year,
            pop=fmt_number(growth.population_growth_pct_yr, lang, "%", decimals=2),
            horizon=growth.horizon_years,
            sources="; ".join(
                f"{t(f'scenario_{s.name}', lang)}: {s.source}" for s in growth.scenarios
            ),
        )
    )
    short = result.land[result.land["land_short_now"]]
    if len(short):
        names = _names(result)
        items = ", ".join(f"{names.get(v, v)} ({c})" for v, c in short.index)
        st.info(t("short_now", lang, year=growth.start_year, items=items))


def show_capacity(result: AnalysisResult, lang: str) -> None:
    """The carrying capacity for the region and per village, with its parameters."""
    if result.carrying is None:
        return
    cc = result.carrying
    variant = cc.method != "Permen LH 17/2009"
    st.subheader(t("capacity_heading_variant" if variant else "capacity_heading", lang))
    region_cc = cc.region
    st.markdown(
        t(
            "capacity_region",
            lang,
            status=t(f"status_{region_cc['status']}", lang),
            ratio=fmt_number(region_cc["supply_demand_ratio"], lang, decimals=2),
            alpha=fmt_number(region_cc["alpha_index"], lang, decimals=2),
            alpha_class=region_cc["alpha_class"],
        )
    )
    by = cc.by_village
    table = pd.DataFrame(
        {
            t("village", lang): _names(result).reindex(by.index),
            t("population", lang): by["population"].round(0),
            t("land_supply_ha", lang): by["land_supply_ha"].round(1),
            t("land_demand_ha", lang): by["land_demand_ha"].round(1),
            t("supply_demand_ratio", lang): by["supply_demand_ratio"].round(2),
            t("status", lang): by["status"].map(lambda s: t(f"status_{s}", lang)),
            t("alpha_index", lang): by["alpha_index"].round(2),
            t("alpha_class", lang): by["alpha_class"],
            t("estimated", lang): by["estimated"].astype(bool),
        }
    )
    table.index.name = t("village_code", lang)
    st.dataframe(
        display_table(
            table,
            lang,
            decimals={
                t("population", lang): 0,
                t("supply_demand_ratio", lang): 2,
                t("alpha_index", lang): 2,
            },
        ),
        width="stretch",
    )
    params = cc.parameters
    prices = {p["crop_id"]: p for p in params.get("prices", [])}
    conversion = params.get("conversions", [{}])[0]
    st.caption(
        t(
            "capacity_caption",
            lang,
            beras=fmt_number(prices.get("beras", {}).get("price_idr_per_kg"), lang, decimals=0),
            factor=fmt_number(100 * conversion.get("factor", float("nan")), lang, "%", decimals=2),
            ptv=fmt_number(params.get("beras_yield_t_ha"), lang, "t/ha", decimals=3),
            source=conversion.get("source", ""),
        )
    )
    if variant:
        st.caption(t("capacity_variant_note", lang, crops=", ".join(params.get("commodities", []))))


def show_readiness(prepared: PreparedRegion, lang: str) -> None:
    """The readiness assessment: score per aspect, weakest and flagged dimensions, all of them."""
    by_dim, by_aspect = prepared.readiness_by_dimension, prepared.readiness_by_aspect
    if by_dim is None:
        st.info(t("no_assessment", lang))
        return
    en = lang == "en"
    st.subheader(t("readiness_heading", lang))
    aspects = pd.DataFrame(
        {
            t("aspect", lang): by_aspect["aspect_en"] if en else by_aspect.index,
            t("readiness_score", lang): by_aspect["score"].round(3),
        }
    ).sort_values(t("readiness_score", lang))
    score3 = {t("readiness_score", lang): 3, t("share_total_pct", lang): 0}
    st.dataframe(display_table(aspects, lang, decimals=score3), hide_index=True, width="stretch")

    def rows(frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame(
            {
                t("dimension", lang): frame["dimension_en"] if en else frame.index,
                t("aspect", lang): frame["aspect_en"] if en else frame["aspect"],
                t("readiness_score", lang): frame["score"].round(3),
                t("share_total_pct", lang): frame["share_total_pct"].round(0),
                t("note", lang): frame["note"],
            }
        )

    st.subheader(t("readiness_weakest", lang))
    st.dataframe(
        display_table(rows(weakest_dimensions(by_dim, 4)), lang, decimals=score3),
        hide_index=True,
        width="stretch",
    )
    flagged = by_dim[by_dim["shares_flag"] | (by_dim["treatment"] == "practices_mean")]
    if len(flagged):
        st.subheader(t("readiness_flagged", lang))
        st.dataframe(
            display_table(rows(flagged), lang, decimals=score3), hide_index=True, width="stretch"
        )
    with st.expander(t("readiness_all", lang)):
        st.dataframe(
            display_table(rows(weakest_dimensions(by_dim, len(by_dim))), lang, decimals=score3),
            hide_index=True,
            width="stretch",
        )


# Own QFD tables: (table, label key). Each is checked like a manifest table.
QFD_UPLOADS = (
    ("needs", "qfd_upload_needs"),
    ("relationships", "qfd_upload_relationships"),
    ("measures", "qfd_upload_measures"),
    ("survey", "qfd_upload_survey"),
)


@st.cache_resource(show_spinner=False, max_entries=32)
def region_qfd_tables(key: str, product: str, _bundle: Bundle) -> qfd.QfdTables:
    """The region's own QFD tables (read once per region and product)."""
    return qfd.load_tables(_bundle.prepared.region, required_products=[product])


@st.cache_resource(show_spinner=False, max_entries=64)
def region_qfd(key: str, product: str, params: qfd.QfdParams, lang: str, _bundle: Bundle):
    """House, plan and report section from the region's own tables.

    They do not depend on the sidebar's weights, so a weight change does not redo them.
    """
    region = _bundle.prepared.region
    tables = region_qfd_tables(key, product, _bundle)
    house, plan = qfd.product_qfd(region, product, tables=tables, survey=None, params=params)
    return house, plan, qfd.report_section(house, plan, lang)


def qfd_inputs(
    bundle: Bundle, product: str, lang: str
) -> tuple[qfd.QfdTables, pd.DataFrame | None, bool]:
    """The QFD tables, survey and upload flag, from the user's uploads and the region.

    The region's QFD tables with the user's own uploads in place of the defaults, an uploaded
    per-firm survey (or None), and whether anything was uploaded.
    """
    region = bundle.prepared.region
    with st.expander(t("qfd_own_tables", lang)):
        st.caption(t("qfd_upload_help", lang))
        uploads = {
            name: st.file_uploader(t(label, lang), type=["csv"], key=f"qfd-up-{name}")
            for name, label in QFD_UPLOADS
        }
    given = {name: u for name, u in uploads.items() if u is not None}
    if not given:
        return region_qfd_tables(bundle.key, product, bundle), None, False
    # A short-lived folder: the files are read here and removed when the block ends.
    with UploadSession() as session:
        paths = {
            name: session.save(f"{name}-{u.name}", u.getvalue(), "table")
            for name, u in given.items()
        }
        survey = (
            None
            if "survey" not in paths
            else read_table(paths["survey"], display_name=given["survey"].name)
        )
        tables = qfd.load_tables(
            region,
            required_products=[product],
            paths={k: v for k, v in paths.items() if k != "survey"},
            names={k: u.name for k, u in given.items()},
        )
    return tables, survey, True


def show_qfd(bundle: Bundle, product: str | None, lang: str) -> None:
    """House of quality of the product, the ranked plan beside it, the what-if below."""
    region = bundle.prepared.region
    if product is None:
        st.info(t("qfd_no_products", lang))
        return
    st.subheader(t("qfd_heading", lang, product=product))
    st.caption(t("qfd_intro", lang))
    try:
        tables, survey, own = qfd_inputs(bundle, product, lang)
    except InputDataError as err:  # shown here, so the other tabs still draw
        st.error(err.text(lang))
        return
    left, right = st.columns(2)
    top = left.slider(
        t("qfd_top_measures", lang), 0, len(set(tables.measures["measure_id"])), 3, 1, key="qfd_top"
    )
    share = right.slider(t("qfd_gap_closed", lang), 0, 100, 50, 5, key="qfd_gap", format="%d%%")
    params = qfd.QfdParams(top_measures=int(top), gap_closed_by_strong_link=share / 100.0)
    if own:
        house, plan = qfd.product_qfd(region, product, tables=tables, survey=survey, params=params)
        section = qfd.report_section(house, plan, lang)
    else:
        house, plan, section = region_qfd(bundle.key, product, params, lang, bundle)
    defaults = section["assumptions"]["default_tables"]
    if defaults:
        st.warning(t("qfd_assumption_note", lang, tables=", ".join(defaults)))
    if house.user_tables:
        st.caption(
            t(
                "qfd_own_tables_note",
                lang,
                tables=", ".join(t(f"qfd_table_{x}", lang) for x in house.user_tables),
            )
        )
    level = section["readiness_level"]
    st.caption(
        t("qfd_readiness_none", lang)
        if level == "none"
        else t(f"qfd_readiness_{level}", lang, product=product)
    )
    chart_col, plan_col = st.columns([5, 3])
    with chart_col:
        st.altair_chart(charts.house_of_quality_chart(section, lang=lang), width="content")
    with plan_col:
        show_qfd_plan(section, lang)
    st.subheader(t("qfd_scenario_heading", lang, n=plan.params.top_measures))
    st.warning(section["assumptions"]["scenario"])
    sc = section["scenario"]
    st.markdown(
        t(
            "qfd_buyer_readiness",
            lang,
            now=fmt_number(sc["buyer_weighted_readiness"], lang, decimals=2),
            after=fmt_number(sc["buyer_weighted_readiness_after"], lang, decimals=2),
        )
    )
    after = {x["dimension"]: x["readiness_after"] for x in sc["by_dimension"]}
    ranked = [d for d in section["dimension_table"] if d["priority_rank"] is not None]
    st.dataframe(
        display_table(
            pd.DataFrame(
                {
                    t("qfd_rank", lang): [d["priority_rank"] for d in ranked],
                    t("dimension", lang): [d["label"] for d in ranked],
                    t("qfd_priority_pct", lang): [
                        round(100 * d["priority_share"], 1) for d in ranked
                    ],
                    t("qfd_readiness", lang): [
                        None if d["readiness"] is None else round(d["readiness"], 2) for d in ranked
                    ],
                    t("qfd_readiness_after", lang): [
                        round(after[d["dimension"]], 2) for d in ranked
                    ],
                }
            ),
            lang,
            decimals={t("qfd_readiness", lang): 2, t("qfd_readiness_after", lang): 2},
        ),
        hide_index=True,
        width="stretch",
    )
    show_qfd_details(house, lang)
    show_qfd_downloads(region, house, plan, lang)


def show_qfd_plan(section: dict, lang: str) -> None:
    """The ranked support measures, the dimensions each moves most and the firms concerned."""
    st.markdown(f"**{t('qfd_plan_heading', lang)}**")
    lines = []
    for m in section["plan"]:
        share = fmt_number(100 * m["priority_addressed"], lang, "%", decimals=1)
        share = share.replace(" ", "\u00a0")  # the number and its unit on one line
        mark = " ▶" if m["in_scenario"] else ""
        lines.append(
            f"{m['rank']}. **{m['label']}** — {share}{mark}  \n"
            f"   :small[{', '.join(m['main_dimensions'])}]"
        )
    st.markdown("\n".join(lines))
    st.caption(
        t("qfd_score_help", lang)
        + " "
        + t("qfd_in_scenario_note", lang, n=section["scenario"]["top_measures"])
    )
    st.markdown(section["places_text"])


def show_qfd_details(house: qfd.HouseOfQuality, lang: str) -> None:
    """The house of quality's customer needs and its roof (correlations), in expanders."""
    en = lang == "en"
    with st.expander(t("qfd_needs_heading", lang)):
        needs = house.needs
        st.dataframe(
            pd.DataFrame(
                {
                    t("qfd_need", lang): needs["name_en" if en else "name_id"],
                    t("qfd_importance", lang): needs["importance"],
                    t("qfd_reasoning", lang): needs["reasoning"],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    if len(house.roof):
        label = (
            house.dimensions["dimension_en"]
            if en
            else pd.Series(house.dimensions.index, index=house.dimensions.index)
        )
        with st.expander(t("qfd_roof_heading", lang)):
            roof = house.roof
            st.dataframe(
                pd.DataFrame(
                    {
                        t("dimension", lang): roof["dimension_a"].map(label),
                        t("qfd_correlation", lang): roof["correlation"],
                        " ": roof["dimension_b"].map(label),
                        t("qfd_reasoning", lang): roof["reasoning"],
                    }
                ),
                hide_index=True,
                width="stretch",
            )


def show_qfd_downloads(
    region, house: qfd.HouseOfQuality, plan: qfd.ImprovementPlan, lang: str
) -> None:
    """Download buttons for the QFD outputs and the region's QFD tables (to edit and upload)."""
    st.markdown(f"**{t('qfd_downloads', lang)}**")
    st.caption(t("qfd_downloads_caption", lang))
    files = {
        name: make
        for name, make in qfd.output_files(house, plan, lang).items()
        if not name.endswith(".json")
    }
    for name, file in qfd.TABLE_FILES.items():  # the region's tables, to edit and upload back
        frame = region.tables.get(f"qfd_{name}")
        files[file] = (
            _csv_maker(frame)
            if frame is not None
            else (lambda f=file: params_table(f).read_bytes())
        )
    mimes = {
        ".png": "image/png",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    cols = st.columns(3)
    for i, (name, make) in enumerate(files.items()):
        mime = mimes.get(Path(name).suffix, "text/csv")
        cols[i % 3].download_button(
            t("download_file", lang, name=name),
            data=make,
            file_name=name,
            mime=mime,
            key=f"dl-{name}",
            on_click="ignore",
        )


def show_exports(result: AnalysisResult, key: str, lang: str) -> None:
    """The downloads: every output file, the reports, the scenarios and the missing data."""
    st.subheader(t("exports_heading", lang))
    st.caption(t("exports_caption", lang))
    mimes = {
        "geojson": "application/geo+json",
        "csv": "text/csv",
        "html": "text/html",
        "json": "application/json",
        "gpkg": "application/geopackage+sqlite3",
        "csvt": "text/plain",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    outputs = report.build_outputs(result, lang=lang)
    for name, make in outputs.items():
        st.download_button(
            t("download_file", lang, name=name),
            data=make,
            file_name=name,
            mime=mimes[name.rsplit(".", 1)[1]],
            key=f"dl-{name}",
            on_click="ignore",
        )
    show_report_downloads(result, lang)
    show_scenarios(result, key, lang)
    show_missing(result, key, lang)


# ------------------------------------------------------------------------------ scenarios
@st.cache_resource(show_spinner=False, max_entries=16)
def compare_cached(
    key: str, scenarios: tuple[Scenario, ...], _prepared: PreparedRegion
) -> ScenarioComparison:
    """The scenarios run side by side, per region key and scenario set."""
    return compare_scenarios(_prepared, scenarios)


def _example_scenarios(params: AnalysisParams) -> str:
    """The sidebar's settings as the base scenario and one example beside it."""
    faster = dataclasses.replace(params, growth_rate_pct_yr=30.0)
    return scenarios_text(
        [
            Scenario("current", params, description="sidebar settings"),
            Scenario("fast-growth", faster, description="demand grows 30 % a year"),
        ]
    )


def show_scenarios(result: AnalysisResult, key: str, lang: str) -> None:
    """Named parameter sets from one TOML file, compared side by side (ovop_geo.scenarios)."""
    st.subheader(t("scenarios_heading", lang))
    st.caption(t("scenarios_intro", lang))
    # On demand: each scenario is a full analysis, not to be rerun on every slider move.
    if not st.toggle(t("scenarios_compare", lang), value=False, key="sc-on"):
        return
    uploaded = st.file_uploader(t("scenarios_upload", lang), type=["toml"], key="sc-upload")
    text = (
        uploaded.getvalue().decode("utf-8", errors="replace")
        if uploaded is not None
        else _example_scenarios(result.params)
    )
    text = st.text_area(t("scenarios_text", lang), value=text, height=220, key=f"sc-text-{key}")
    try:
        scenarios = parse_scenarios(text, source=uploaded.name if uploaded else "scenarios.toml")
        comparison = compare_cached(key, scenarios, result.prepared)
    except (InputDataError, ParameterError) as err:
        st.error(err.text(lang))
        return
    for message in comparison.alerts["message"]:
        st.warning(translate_note(message, lang))
    if comparison.alerts.empty:
        st.caption(t("scenarios_no_alerts", lang))
    table = comparison.table(lang)
    st.dataframe(table[table["changed"]] if table["changed"].any() else table, key="sc-table")
    for name, payload in scenario_outputs(comparison, lang=lang).items():
        st.download_button(
            t("download_file", lang, name=name),
            data=payload,
            file_name=name,
            key=f"dl-sc-{name}",
            on_click="ignore",
        )


def show_report_downloads(result: AnalysisResult, lang: str) -> None:
    """The printable report (PDF and HTML) for the current parameters, laid out on request."""
    from ovop_geo.printed import ReportOptions, report_files

    st.caption(t("report_caption", lang))
    files = report_files(result, ReportOptions(lang=lang))
    mimes = {"report.pdf": "application/pdf", "report.html": "text/html"}
    for name, make in files.items():
        st.download_button(
            t("download_report", lang, name=name),
            data=make,
            file_name=name,
            mime=mimes[name],
            key=f"dl-{name}",
            on_click="ignore",
        )


def show_missing(result: AnalysisResult, key: str, lang: str) -> None:
    """Which statistics the region lacks, and a template keyed by village code."""
    missing = [translate_note(m, lang) for m in missing_statistics(result.region)]
    if not missing:
        return
    st.subheader(t("missing_heading", lang))
    st.info(t("missing_intro", lang, items="; ".join(missing)))
    villages = result.region.villages
    products = tuple(products_of_region(result))
    templates = statistics_templates(villages, products=products)
    for name, frame in templates.items():
        st.download_button(
            t("download_template", lang, name=name),
            key=f"dl-{name}",
            on_click="ignore",
            data=_csv_maker(frame),
            file_name=f"{key}-{name}",
            mime="text/csv",
        )
    # The whole own-region folder: templates, products and crops tables, boundaries and a
    # ready manifest naming them (the same files as `ovop-geo template`).
    st.download_button(
        t("download_template_kit", lang),
        key="dl-template-kit",
        on_click="ignore",
        data=lambda: region_templates(result.region).zip(),
        file_name=f"{key}-own-region.zip",
        mime="application/zip",
    )


def _csv_maker(frame: pd.DataFrame) -> Callable[[], bytes]:
    return lambda: to_csv_bytes(frame, index=False)


def products_of_region(result: AnalysisResult) -> list[str]:
    """The products of the region's raw-material table, in first-seen order."""
    raw = result.region.tables.get("raw_materials")
    return [] if raw is None else list(dict.fromkeys(raw["product"].astype(str)))


# ------------------------------------------------------------------------------ own data
def upload_session() -> UploadSession:
    """The upload folder of the current browser session (created on first use)."""
    session = st.session_state.get("upload_session")
    if session is None or session.closed:
        session = UploadSession()
        st.session_state["upload_session"] = session
        st.session_state["upload_saved"] = {}
    return session


def close_upload_session() -> None:
    """Remove the upload folder when the user switches to a bundled region."""
    session = st.session_state.pop("upload_session", None)
    st.session_state.pop("upload_saved", None)
    if session is not None:
        session.close()


def save_upload(session: UploadSession, slot: str, kind: str, uploaded) -> Path:
    """Save one upload (once per file id); a zipped Shapefile is extracted. Returns the path."""
    saved: dict = st.session_state.setdefault("upload_saved", {})
    if slot in saved and saved[slot][0] == uploaded.file_id:
        return saved[slot][1]
    path = session.save(f"{slot}-{uploaded.name}", uploaded.getvalue(), kind)
    if path.suffix.lower() == ".zip":
        path = session.extract_zip(path)
    saved[slot] = (uploaded.file_id, path)
    return path


def write_manifest(session: UploadSession, paths: dict[str, Path], columns: dict[str, str]) -> Path:
    """Write a manifest for the uploads inside the session folder; paths stay inside it."""
    folder = session.folder
    params = folder / "params"
    params.mkdir(exist_ok=True)
    # The bundled parameter tables, copied into the session so its manifest stays in its folder.
    tables = default_tables()
    for table in tables.values():
        target = params / table.name
        if not target.exists():
            shutil.copyfile(table, target)

    def rel(path: Path) -> str:
        return "../" + path.resolve().relative_to(folder).as_posix()

    # Both languages, so that switching language keeps the same content hash (and cache); the
    # page shows the one it speaks (the region's name by OWN_REGION_ID, the source by source_id).
    source = {"source": t("uploaded_source", "en"), "source_id": t("uploaded_source", "id")}
    name = t("own_region_name", "en")
    sections: dict[str, dict] = {
        "region": {"id": OWN_REGION_ID, "name": name},
        "boundaries": {
            "path": rel(paths["boundaries"]),
            "id_column": columns["id"],
            "name_column": columns["name"],
            **source,
            "note": "Indicative, not legal boundaries: uploaded by the user.",
            "households_column": columns.get("households") or None,
        },
    }
    if "landuse" in paths:
        sections["landuse"] = {
            "path": rel(paths["landuse"]),
            "class_column": "class_id",
            "classes": rel(params / tables["landuse_classes"].name),
            "source": source["source"],
        }
    if "elevation" in paths:
        sections["elevation"] = {"path": rel(paths["elevation"]), "source": source["source"]}
    for slot in ("harvest", "businesses", "households"):
        if slot in paths:
            sections[f"statistics.{slot}"] = {
                "path": rel(paths[slot]),
                **source,
                "decimal": columns.get(f"decimal-{slot}") or None,
            }
    sections["tables"] = {
        name: rel(params / p.name) for name, p in tables.items() if name != "landuse_classes"
    }
    layers = folder / "layers"
    layers.mkdir(exist_ok=True)
    manifest = layers / "own-data.toml"
    # Written through the library's manifest writer, which checks it as the loader will.
    text = manifest_text(sections, path=manifest)
    manifest.write_text(text, encoding="utf-8")
    return manifest


def _slot_of_error(err: InputDataError, paths: dict[str, Path]) -> str | None:
    text = f"{err.path or ''} {err}"
    for slot, path in paths.items():
        if path.name in text:
            return slot
    return None


def content_key(paths: dict[str, Path], manifest: Path) -> str:
    """Hash of the manifest and every uploaded file: the cache key of an upload."""
    digest = hashlib.sha256(manifest.read_bytes())
    for slot in sorted(paths):
        folder = paths[slot].parent
        files = sorted(folder.iterdir()) if paths[slot].suffix == ".shp" else [paths[slot]]
        for f in files:
            digest.update(slot.encode() + f.name.encode() + f.read_bytes())
    return "upload-" + digest.hexdigest()[:16]


def own_data(lang: str) -> Bundle | None:
    """Uploaders with their expected columns; messages shown under the upload concerned.

    They fold away once boundaries are given, so the results (drawn above them) come first.
    """
    loaded = st.session_state.get("up-boundaries") is not None
    if not loaded:
        st.markdown(f"**{t('app_title', lang)}**")
    with st.expander(t("own_heading", lang), expanded=not loaded):
        return _own_uploads(lang)


def _own_uploads(lang: str) -> Bundle | None:
    st.caption(t("own_intro", lang))
    st.caption(t("parameters_source", lang))
    session = upload_session()
    paths: dict[str, Path] = {}
    places: dict[str, Callable] = {}
    columns: dict[str, str] = {}
    for slot, kind, types, label, help_key in UPLOAD_SLOTS:
        uploaded = st.file_uploader(t(label, lang), type=types, key=f"up-{slot}")
        st.caption(t(help_key, lang))
        place = st.container()
        places[slot] = place.error
        if uploaded is None:
            continue
        try:
            paths[slot] = save_upload(session, slot, kind, uploaded)
        except InputDataError as err:
            place.error(err.text(lang))
            continue
        if kind == "table":
            marks = {
                "": t("decimal_auto", lang),
                ",": t("decimal_comma", lang),
                ".": t("decimal_point", lang),
            }
            columns[f"decimal-{slot}"] = place.selectbox(
                t("decimal_choice", lang), list(marks), format_func=marks.get, key=f"decimal-{slot}"
            )
        if slot == "boundaries":
            try:
                names = list(vector_columns(str(paths[slot])))
            except InputDataError as err:
                place.error(err.text(lang))
                paths.pop(slot)
                continue
            columns["id"] = place.selectbox(t("id_column", lang), names, key="col-id")
            columns["name"] = place.selectbox(
                t("name_column", lang), names, index=min(1, len(names) - 1), key="col-name"
            )
            none = t("none_option", lang)
            hh = place.selectbox(t("households_column", lang), [none, *names], key="col-hh")
            columns["households"] = "" if hh == none else hh
    if "boundaries" not in paths:
        st.info(t("own_need_boundaries", lang))
        return None
    manifest = write_manifest(session, paths, columns)
    try:
        bundle = load_bundle(
            content_key(paths, manifest), str(manifest), lang, budget_s=_upload_budget_s()
        )
    except InputDataError as err:
        slot = _slot_of_error(err, paths)
        (places[slot] if slot else st.error)(err.text(lang))
        st.warning(t("own_not_loaded", lang))
        return None
    st.success(t("own_loaded", lang, n=len(bundle.prepared.villages)))
    return bundle


@st.cache_data(show_spinner=False, max_entries=16)
def vector_columns(path: str) -> tuple[str, ...]:
    """Attribute columns of an uploaded vector file (for the column choices)."""
    frame = read_vector(path, display_name=Path(path).name)
    return tuple(str(c) for c in frame.columns if c != frame.geometry.name)


# ------------------------------------------------------------------------------ page
def shown_region_name(region, lang: str) -> str:
    """The region's name; an upload's generic name in the page's language."""
    return t("own_region_name", lang) if region.id == OWN_REGION_ID else region.name


# A compact page: the map is the first thing a planner sees (Streamlit's default top padding
# and title take about 200 px). Page style only; nothing is loaded from outside.
PAGE_CSS = """<style>
[data-testid="stHeader"] {height: 2.4rem; background: transparent;}
[data-testid="stMainBlockContainer"] {padding-top: 2.6rem; padding-bottom: 1rem;}
[data-testid="stSidebarHeader"] {height: 2rem; margin-bottom: 0;}
[data-testid="stSidebarUserContent"] {padding-top: 0;}
</style>"""


def header(bundle: Bundle, result: AnalysisResult, lang: str) -> None:
    """One line: the app, the region and its size; the honesty notes folded beside it."""
    region = bundle.prepared.region
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.markdown(
        f"**{t('app_title', lang)}** · "
        + t(
            "region_summary",
            lang,
            name=shown_region_name(region, lang),
            n=fmt_number(len(region.villages), lang, decimals=0),
        )
    )
    notes = [*result.notes, *bundle.layer_notes]
    label = t("provenance_heading", lang, boundaries=t("indicative_boundaries", lang), n=len(notes))
    with right.expander(f":orange[{label}]"):
        provenance(bundle, result, notes, lang)


def provenance(bundle: Bundle, result: AnalysisResult, notes: list, lang: str) -> None:
    """Honesty notes: indicative boundaries, source, illustrative and estimated data."""
    region = bundle.prepared.region
    boundaries = region.manifest.boundaries
    st.caption(t("app_caption", lang))
    st.warning(t("indicative_boundaries", lang))
    st.caption(t("boundary_source", lang, source=source_text(boundaries, lang) or "–"))
    businesses = region.manifest.statistics.businesses
    if businesses is not None and businesses.source:
        st.caption(t("businesses_source", lang, source=source_text(businesses, lang)))
    layers = result.prepared.illustrative_layers
    if layers:
        st.caption(
            t(
                "illustrative_layers",
                lang,
                layers=layer_names(layers, lang),
            )
        )
    if result.land is not None and bool(result.land["estimated"].any()):
        st.caption(t("estimated_note", lang))
    if notes:
        st.markdown(f"**{t('analysis_notes', lang, n=len(notes))}**")
        for note in notes:
            st.text(translate_note(note, lang))


def results(bundle: Bundle, result: AnalysisResult, product: str | None, choices: Choices) -> None:
    """The header line and the tabs, the map first."""
    lang = choices.lang
    header(bundle, result, lang)
    tabs = st.tabs(
        [
            t(k, lang)
            for k in (
                "tab_map",
                "tab_compare",
                "tab_land",
                "tab_readiness",
                "tab_qfd",
                "tab_exports",
            )
        ]
    )
    with tabs[0]:
        show_map(bundle, result, product, choices)
    with tabs[1]:
        show_compare(result, product, lang)
    with tabs[2]:
        show_land(result, lang)
    with tabs[3]:
        show_readiness(bundle.prepared, lang)
    with tabs[4]:
        show_qfd(bundle, product, lang)
    with tabs[5]:
        show_exports(result, bundle.key, lang)


def main() -> None:
    """Sidebar choices, then the map and the tabs."""
    st.set_page_config(page_title="OVOP geo", layout="wide")
    st.html(PAGE_CSS)
    try:
        choices = sidebar()
        lang = choices.lang
        page = st.container()  # the results first, above the uploads of an own region
        if choices.region == OWN:
            bundle = own_data(lang)
            if bundle is None:
                return
        else:
            close_upload_session()
            bundle = load_bundle(choices.region, choices.region, lang)
            bundle = part_controls(bundle, choices.region, lang)
        products = products_of(bundle)
        product = None
        if products:
            product = st.sidebar.selectbox(t("product", lang), products, key="product")
        else:
            st.sidebar.caption(t("no_products", lang))
        params = parameter_controls(bundle, lang)
        result = run_analysis(bundle.key, params, bundle)
        with page:
            results(bundle, result, product, choices)
    except OvopError as err:
        st.error(err.text(lang))


main()
