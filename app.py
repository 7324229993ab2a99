"""OVOP spatial planning: the Streamlit web app (a thin shell over ``ovop_geo``).

Run with ``streamlit run app.py`` after ``python -m ovop_geo.offline static/leaflet`` (``make run``
does both). The map loads Leaflet from ``static/leaflet`` and draws with no internet connection.
Every user-facing problem arrives as :class:`ovop_geo.errors.OvopError` and is shown with
``st.error``; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from ovop_geo import render
from ovop_geo.errors import OvopError
from ovop_geo.i18n import DEFAULT_LANG, LANGUAGES, fmt_number, t
from ovop_geo.manifest import load_manifest
from ovop_geo.region import load_region

REGIONS = ("rasau-jaya", "kalimantan-barat")
MAP_HEIGHT_PX = 620
MAP_COLUMNS = ("village_name", "group", "households", "area_ha")


@dataclass(frozen=True)
class RegionView:
    """What the page shows of a region: villages and provenance."""

    region_id: str
    name: str
    source: str
    note: str
    warnings: tuple[str, ...]
    villages: gpd.GeoDataFrame


@st.cache_data(show_spinner=False)
def region_name(region_id: str) -> str:
    """The region's display name, from its manifest (no layer is opened)."""
    return load_manifest(region_id).region.name


@st.cache_data(show_spinner=False)
def load_region_view(region_id: str) -> RegionView:
    """The region's villages and provenance, cached per region for every session."""
    region = load_region(region_id)
    boundaries = region.manifest.boundaries
    return RegionView(
        region_id=region_id,
        name=region.manifest.region.name,
        source=boundaries.source or "",
        note=boundaries.note or "",
        warnings=tuple(region.warnings),
        villages=region.villages,
    )


@st.cache_data(show_spinner=False)
def map_villages(region_id: str) -> gpd.GeoDataFrame:
    """Villages with simplified shared borders and only the columns the map shows."""
    villages = load_region_view(region_id).villages
    keep = [c for c in MAP_COLUMNS if c in villages.columns]
    return render.simplify_coverage(villages, keep_columns=keep)


def build_map(region_id: str, lang: str, base_map: str, *, standalone: bool = False):
    """The village map coloured by area (the lead wires in the analysis results here)."""
    view = load_region_view(region_id)
    villages = map_villages(region_id)
    tooltip = [c for c in ("group", "area_ha", "households") if c in villages.columns]
    labels = {
        "group": t("group", lang),
        "area_ha": t("area", lang),
        "households": t("households", lang),
    }
    return render.village_map(
        villages,
        value_column="area_ha",
        legend_title=t("indicator_area", lang),
        tooltip_columns=tooltip,
        popup_columns=tooltip,
        column_labels=labels,
        lang=lang,
        source=view.source,
        base_map=base_map,
        height="100%" if standalone else f"{MAP_HEIGHT_PX}px",
    )


def standalone_page(region_id: str, lang: str, base_map: str) -> str:
    """The current map as one self-contained HTML file (Leaflet inlined)."""
    return render.to_standalone_html(build_map(region_id, lang, base_map, standalone=True))


def sidebar() -> tuple[str, str, str]:
    """Language, region and base-map choices."""
    lang = st.sidebar.radio(
        t("language", DEFAULT_LANG),
        options=list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key="lang",
    )
    region_id = st.sidebar.selectbox(
        t("region", lang),
        options=list(REGIONS),
        format_func=region_name,
        key="region",
    )
    base_map = st.sidebar.radio(
        t("base_map", lang),
        options=["none", "osm"],
        format_func=lambda b: t(f"base_map_{b}", lang),
        key="base_map",
    )
    return lang, region_id, base_map


def show_map(region_id: str, lang: str, base_map: str) -> None:
    """The map, its provenance notes and a download of the standalone map."""
    view = load_region_view(region_id)
    st.subheader(t("map_heading", lang))
    st.caption(
        t(
            "region_summary",
            lang,
            name=view.name,
            n=fmt_number(len(view.villages), lang, decimals=0),
        )
    )
    m = build_map(region_id, lang, base_map)
    st_folium(
        m,
        returned_objects=[],
        height=MAP_HEIGHT_PX,
        use_container_width=True,
        key=f"map-{region_id}-{lang}-{base_map}",
    )
    st.warning(t("indicative_boundaries", lang))
    st.caption(t("boundary_source", lang, source=view.source))
    st.download_button(
        t("download_map", lang),
        data=functools.partial(standalone_page, region_id, lang, base_map),
        file_name=f"ovop-{region_id}-map.html",
        mime="text/html",
        key="download_map",
    )


def show_table(region_id: str, lang: str) -> None:
    """The villages' key figures as a table, and what loading the data reported."""
    view = load_region_view(region_id)
    villages = view.villages
    columns = [c for c in MAP_COLUMNS if c in villages.columns]
    st.subheader(t("table_heading", lang))
    headers = {
        "village_name": t("village", lang),
        "group": t("group", lang),
        "households": t("households", lang),
        "area_ha": f"{t('area', lang)} (ha)",
    }
    table = pd.DataFrame(villages[columns]).rename(columns=headers)
    table.index.name = t("village_code", lang)
    st.dataframe(table, width="stretch")
    if view.warnings:
        with st.expander(t("data_notes", lang, n=len(view.warnings))):
            for message in view.warnings:
                st.text(message)


def main() -> None:
    """Page layout: sidebar choices, then the map and the table."""
    st.set_page_config(page_title="OVOP geo", layout="wide")
    try:
        lang, region_id, base_map = sidebar()
        st.title(t("app_title", lang))
        st.caption(t("app_caption", lang))
        with st.spinner(t("loading_region", lang)):
            load_region_view(region_id)
        show_map(region_id, lang, base_map)
        show_table(region_id, lang)
    except OvopError as err:
        st.error(str(err))


main()
