"""Offline village maps: escaping, local Leaflet only, legends, coverage simplification."""

from __future__ import annotations

import filecmp
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box

from ovop_geo import mapstyle, overlays, render, simplify
from ovop_geo.errors import InputDataError, ParameterError
from ovop_geo.offline import install_leaflet, leaflet_source_dir
from ovop_geo.raster import overview_web_mercator, slope_from_dem

XSS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "${alert(1)}`")
STEP = 0.01  # degrees, about 1.1 km at the equator


@pytest.fixture
def villages() -> gpd.GeoDataFrame:
    """Three 0.01-degree squares side by side near Rasau Jaya, one without data."""
    frame = gpd.GeoDataFrame(
        {
            "village_name": list(XSS),
            "group": ["Rasau Jaya", "Rasau Jaya", "<b>Kec</b>"],
            "area_ha": [1000.0, 4000.0, np.nan],
            "households": [312, 5206, 1202],
        },
        geometry=[box(109.30 + i * STEP, -0.21, 109.30 + (i + 1) * STEP, -0.20) for i in range(3)],
        index=gpd.pd.Index(["61.12.07.2001", "61.12.07.2002", "<i>x</i>"], name="village_code"),
        crs=4326,
    )
    return frame


class _Tags(HTMLParser):
    """Collects the URLs a page loads (script src, link href, img src, iframe src)."""

    def __init__(self):
        super().__init__()
        self.loads: list[str] = []

    def handle_starttag(self, tag, attrs):
        wanted = {"script": "src", "link": "href", "img": "src", "iframe": "src"}.get(tag)
        self.loads += [v for k, v in attrs if k == wanted and v]


def _loads(page: str) -> list[str]:
    parser = _Tags()
    parser.feed(page)
    return parser.loads


def _urls(text: str) -> set[str]:
    return set(re.findall(r"https?://[^\s\"'<>)\\]+", text))


def _leaflet_own_urls() -> set[str]:
    """URLs inside Leaflet's own files (its attribution link, the SVG namespace, CSS comments)."""
    src = leaflet_source_dir()
    return _urls((src / "leaflet.js").read_text("utf-8") + (src / "leaflet.css").read_text("utf-8"))


def _geojson_layers(m: folium.Map) -> list[folium.GeoJson]:
    return [c for c in m._children.values() if isinstance(c, folium.GeoJson)]


def _legend(m: folium.Map) -> str:
    controls = [c for c in m._children.values() if isinstance(c, render._HtmlControl)]
    assert len(controls) == 1
    return controls[0].content


def _map(villages, **kwargs):
    args = {"value_column": "area_ha", "legend_title": "Luas desa", "lang": "id"}
    return render.village_map(villages, **(args | kwargs))


# ------------------------------------------------------------------------------- escaping


def test_names_and_values_from_the_data_are_escaped(villages):
    m = _map(
        villages,
        tooltip_columns=["group", "area_ha"],
        popup_columns=["households"],
        source="<script>alert(2)</script>",
        candidates={"61.12.07.2002": "<img src=y onerror=alert(3)>"},
    )
    page = m.get_root().render()
    for bad in (*XSS[:2], "<b>Kec</b>", "<i>x</i>", "<script>alert(2)", "<img src=y"):
        assert bad not in page
    assert "alert(1)</script>" not in page
    props = [f["properties"] for f in _geojson_layers(m)[0].data["features"]]
    assert "<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>" in props[0]["tip"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in props[1]["pop"]
    assert "${alert(1)}`" in props[2]["tip"]  # harmless inside a JSON string bound by our JS
    assert "&lt;b&gt;Kec&lt;/b&gt;" in props[2]["tip"]
    assert "&lt;i&gt;x&lt;/i&gt;" in props[2]["pop"]  # the village code in the popup
    cand = _geojson_layers(m)[1].data["features"][0]["properties"]["tip"]
    assert "&lt;img src=y onerror=alert(3)&gt;" in cand
    # No JavaScript template literals that could interpolate ${...} from the data.
    assert "`" not in page.replace("${alert(1)}`", "")


def test_categorical_legend_and_layer_names_are_escaped(villages):
    frame = villages.assign(product=["<img src=z onerror=alert(4)>", "kerupuk", None])
    layer = overlays.ClassLayer(
        name="<svg onload=alert(5)>",
        frame=villages.assign(cls=["a", "b", "a"]),
        class_column="cls",
        colours={"a": "#ff0000", "b": "#00ff00"},
        class_labels={"a": "<u>sawah</u>", "b": "kebun"},
    )
    m = render.village_map(
        frame, value_column="product", legend_title="<h1>Produk</h1>", layers=[layer]
    )
    page = m.get_root().render()
    for bad in ("<img src=z", "<svg onload", "<u>sawah</u>", "<h1>Produk</h1>"):
        assert bad not in page
    legend = _legend(m)
    assert "&lt;img src=z onerror=alert(4)&gt;" in legend
    assert "&lt;u&gt;sawah&lt;/u&gt;" in legend
    assert "tidak ada data" in legend


# ------------------------------------------------------------------------------- offline


def test_map_loads_only_local_leaflet(villages):
    layer = overlays.ClassLayer(
        name="Penggunaan lahan",
        frame=villages.assign(cls="a"),
        class_column="cls",
        colours={"a": "#ff0000"},
        illustrative=True,
    )
    m = _map(villages, layers=[layer], candidates={"61.12.07.2001": "rengginang"})
    page = m.get_root().render()
    assert _loads(page) == ["/app/static/leaflet/leaflet.js", "/app/static/leaflet/leaflet.css"]
    assert m.default_js == [("leaflet", "/app/static/leaflet/leaflet.js")]
    assert m.default_css == [("leaflet_css", "/app/static/leaflet/leaflet.css")]
    assert 'L.Icon.Default.imagePath = "/app/static/leaflet/images/"' in page
    assert "L.control.layers" in page  # the layer control is plain Leaflet: no extra files
    assert not re.search(r"cdn\.|cdnjs|jsdelivr|unpkg|jquery|bootstrap|d3\.v|awesome", page, re.I)


def test_custom_leaflet_urls_and_osm_base_map(villages):
    m = _map(villages, base_map="osm", leaflet_js_url="/s/l.js", leaflet_css_url="/s/l.css")
    page = m.get_root().render()
    assert _loads(page) == ["/s/l.js", "/s/l.css"]
    assert render.OSM_TILES in page
    with pytest.raises(ParameterError, match="base_map must be 'none' or 'osm'"):
        _map(villages, base_map="google")


def test_standalone_html_is_self_contained(villages):
    m = _map(villages, candidates={"61.12.07.2001": "rengginang"})
    page = render.to_standalone_html(m)
    assert _loads(page) == []
    assert "<link" not in page
    assert "/app/static" not in page.replace('imagePath = "/app/static/leaflet/images/"', "")
    assert "Leaflet 1.9" in page  # the library itself is inlined
    assert "url(data:image/png;base64," in page  # and its CSS images
    assert not re.search(r"cdn\.|cdnjs|jsdelivr|unpkg|jquery|bootstrap", page, re.I)
    assert _urls(page) <= _leaflet_own_urls()


def test_standalone_html_keeps_only_the_osm_tile_template(villages):
    page = render.to_standalone_html(_map(villages, base_map="osm"))
    assert _loads(page) == []
    assert _urls(page) - _leaflet_own_urls() == {
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "https://www.openstreetmap.org/copyright",
    }


def test_standalone_html_refuses_maps_loading_other_files(villages):
    m = _map(villages)
    m.default_js = [*m.default_js, ("jquery", "https://code.jquery.com/jquery.js")]
    with pytest.raises(ParameterError, match=r"other files than Leaflet: https://code\.jquery"):
        render.to_standalone_html(m)


def test_install_leaflet_copies_files_and_is_idempotent(tmp_path: Path):
    dest = install_leaflet(tmp_path / "static" / "leaflet")
    src = leaflet_source_dir()
    for name in ("leaflet.js", "leaflet.css", "images/layers.png", "images/marker-icon.png"):
        copied = dest / name
        assert copied.is_file() and not copied.is_symlink()
        assert filecmp.cmp(src / name, copied, shallow=False)
    before = {p: p.stat().st_mtime_ns for p in dest.rglob("*") if p.is_file()}
    install_leaflet(dest)
    after = {p: p.stat().st_mtime_ns for p in dest.rglob("*") if p.is_file()}
    assert before == after
    (dest / "leaflet.css").write_text("broken", encoding="utf-8")
    install_leaflet(dest)
    assert filecmp.cmp(src / "leaflet.css", dest / "leaflet.css", shallow=False)


# ------------------------------------------------------------------------------- legend


def test_legend_has_classes_with_units_and_no_data(villages):
    # 1,000 and 4,000 ha: 2 distinct values, so 2 equal-interval classes 1,000-2,500-4,000 ha.
    m = _map(villages)
    legend = _legend(m)
    assert "<b>Luas desa</b>" in legend
    assert "1.000 – 2.500 ha" in legend
    assert "2.500 – 4.000 ha" in legend
    assert "tidak ada data" in legend
    fills = [f["properties"]["fill"] for f in _geojson_layers(m)[0].data["features"]]
    assert fills == [mapstyle.SEQUENTIAL[3], mapstyle.SEQUENTIAL[4], mapstyle.NO_DATA_COLOUR]
    legend_en = _legend(_map(villages, lang="en"))
    assert "1,000 – 2,500 ha" in legend_en and "no data" in legend_en


def test_five_equal_interval_classes_and_shares_as_percent(villages):
    frame = villages.assign(share_suitable=[0.0, 0.5, 1.0])
    legend = _legend(render.village_map(frame, value_column="share_suitable", legend_title="S"))
    # 3 distinct values -> 3 classes over 0-100 %.
    assert "0 – 33 %" in legend and "67 – 100 %" in legend


@pytest.mark.parametrize(
    ("classification", "expected"),
    [
        # Equal intervals of 1..100: limits 1, 20.8, 40.6, 60.4, 80.2, 100.
        ("equal", [0, 0, 0, 0, 4]),
        # Quantiles of (1, 2, 3, 4, 100): limits 1, 1.8, 2.6, 3.4, 23.2, 100.
        ("quantile", [0, 1, 2, 3, 4]),
    ],
)
def test_quantile_and_equal_interval_classes(classification, expected):
    frame = gpd.GeoDataFrame(
        {"village_name": list("abcde"), "production_t": [1.0, 2.0, 3.0, 4.0, 100.0]},
        geometry=[box(109.3 + i * STEP, -0.21, 109.3 + (i + 1) * STEP, -0.2) for i in range(5)],
        crs=4326,
    )
    m = render.village_map(
        frame, value_column="production_t", legend_title="P", classification=classification
    )
    fills = [f["properties"]["fill"] for f in _geojson_layers(m)[0].data["features"]]
    assert fills == [mapstyle.SEQUENTIAL[i] for i in expected]
    legend = _legend(m)
    if classification == "quantile":
        assert "1,8 – 2,6 t" in legend and "23,2 – 100,0 t" in legend
    else:
        assert "20,8 – 40,6 t" in legend
    with pytest.raises(ParameterError, match="classification must be 'quantile' or 'equal'"):
        render.village_map(frame, value_column="production_t", legend_title="P", classification="x")


def test_candidate_circles_are_filled(villages):
    m = _map(villages, candidates={"61.12.07.2001": "rengginang"})
    page = m.get_root().render()
    assert '"fill": true' in page and '"fillColor": "#d7301f"' in page


def test_estimated_and_illustrative_data_are_labelled(villages):
    frame = villages.assign(estimated=[True, False, False])
    layer = overlays.ClassLayer(
        name="Pola ruang",
        frame=villages.assign(z=1),
        class_column="z",
        colours={1: "#00ff00"},
        class_labels={1: "Kawasan budidaya"},
        illustrative=True,
    )
    m = render.village_map(
        frame, value_column="area_ha", legend_title="Produksi", layers=[layer], lang="id"
    )
    legend = _legend(m)
    assert "data perkiraan" in legend
    assert "Pola ruang (data ilustratif)" in legend
    tips = [f["properties"]["tip"] for f in _geojson_layers(m)[0].data["features"]]
    assert "data perkiraan" in tips[0] and "data perkiraan" not in tips[1]


def test_footer_names_source_and_indicative_note(villages):
    page = _map(villages, source="cahyadsn/wilayah_boundaries").get_root().render()
    footer = json.dumps("Sumber batas: cahyadsn/wilayah_boundaries. Batas indikatif, bukan batas")
    assert footer[1:-1] in page
    assert "addAttribution" in page


def test_missing_crs_and_columns_are_reported(villages):
    with pytest.raises(InputDataError, match="no coordinate reference system"):
        _map(villages.set_crs(None, allow_override=True))
    with pytest.raises(InputDataError, match="columns not found for the map: yield_t_ha"):
        _map(villages, tooltip_columns=["yield_t_ha"])
    with pytest.raises(InputDataError, match="village codes not on the map: 99"):
        _map(villages, candidates={"99": "kerupuk"})


def test_classify_raster():
    values = np.array([[0.0, 2.9], [3.0, np.nan]])
    rgba = overlays.classify_raster(values, [3.0], ["#00ff00", "#ff0000"])
    assert rgba.tolist() == [
        [[0, 255, 0, 255], [0, 255, 0, 255]],
        [[255, 0, 0, 255], [0, 0, 0, 0]],
    ]
    with pytest.raises(ParameterError, match="breaks must increase"):
        overlays.classify_raster(values, [3.0, 1.0], ["#000000"] * 3)


# ------------------------------------------------------------------------------- simplification


def _zigzag_pair() -> gpd.GeoDataFrame:
    """Two 0.01-degree squares whose shared border wiggles by about 1 m every 11 m."""
    ys = np.linspace(-0.21, -0.20, 101)
    xs = 109.31 + np.where(np.arange(101) % 2 == 1, 0.00001, 0.0)
    xs[0] = xs[-1] = 109.31
    border = list(zip(xs, ys, strict=True))
    west = Polygon([(109.30, -0.21), *border, (109.30, -0.20)])
    east = Polygon([(109.32, -0.21), (109.32, -0.20), *border[::-1]])
    return gpd.GeoDataFrame(
        {"village_name": ["West", "East"], "extra": [1, 2]},
        geometry=[west, east],
        index=gpd.pd.Index(["A", "B"], name="village_code"),
        crs=4326,
    )


def test_simplify_keeps_neighbours_touching():
    pair = _zigzag_pair()
    original = pair.copy()
    out = simplify.simplify_coverage(pair, tolerance_m=10, keep_columns=["village_name"])
    assert list(out.columns) == ["village_name", "geometry"]
    assert out.crs.to_epsg() == 4326 and list(out.index) == ["A", "B"]
    west, east = out.geometry
    assert shapely.get_num_coordinates(west) < shapely.get_num_coordinates(pair.geometry.iloc[0])
    assert shapely.get_num_coordinates(west) <= 6
    shared = west.intersection(east)
    assert shared.geom_type in {"LineString", "MultiLineString"}
    assert shared.length == pytest.approx(STEP, rel=1e-3)  # the whole border is still shared
    union = shapely.union(west, east)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0
    assert union.area == pytest.approx(west.area + east.area, rel=1e-9)  # no overlap
    coords = shapely.get_coordinates(out.geometry.to_numpy())
    assert np.allclose(coords, np.round(coords, 5), atol=1e-12, rtol=0)
    assert pair.equals(original)  # input untouched


def test_simplify_repairs_invalid_polygons_and_rejects_bad_tolerance():
    bowtie = Polygon([(109.30, -0.21), (109.31, -0.20), (109.31, -0.21), (109.30, -0.20)])
    frame = gpd.GeoDataFrame({"village_name": ["X"]}, geometry=[bowtie], crs=4326)
    out = simplify.simplify_coverage(frame, tolerance_m=5)
    assert out.geometry.is_valid.all()
    assert shapely.area(out.geometry.iloc[0]) == pytest.approx(0.5 * STEP * STEP, rel=1e-3)
    with pytest.raises(ParameterError, match="tolerance_m must be a number >= 0"):
        simplify.simplify_coverage(frame, tolerance_m=-1)
    with pytest.raises(InputDataError, match="columns not found: nama"):
        simplify.simplify_coverage(frame, keep_columns=["nama"])


def test_auto_tolerance_is_half_a_pixel_of_the_region():
    pair = _zigzag_pair()  # 0.02 degrees wide: about 2,226 m
    assert simplify.auto_tolerance_m(pair, map_width_px=1000) == pytest.approx(1.113, rel=0.01)


# --------------------------------------------------------------------------- app additions


def test_paths_carry_class_names_for_villages_candidates_and_layers(villages):
    layer = overlays.ClassLayer(
        name="Lahan",
        frame=villages.iloc[:1].assign(c="a"),
        class_column="c",
        colours={"a": "#ff0000"},
        show=True,
    )
    m = render.village_map(
        villages,
        value_column="area_ha",
        legend_title="Luas",
        layers=[layer],
        candidates={"61.12.07.2001": "kerupuk"},
    )
    page = m.get_root().render()
    assert page.count('"className": "ovop-village"') == 3
    assert page.count('"className": "ovop-candidate"') == 1
    assert page.count('"className": "ovop-layer"') == 1


def test_years_have_no_thousands_separator(villages):
    frame = villages.assign(year_land_short_padi=[2024, 2035, np.nan])
    m = render.village_map(
        frame,
        value_column="year_land_short_padi",
        legend_title="Tahun",
        tooltip_columns=["year_land_short_padi"],
        lang="id",
    )
    page = m.get_root().render()
    # Two classes split at the median year 2029.5, rounded to a whole year.
    legend = mapstyle.scale_for(frame, "year_land_short_padi", "id", "-", "quantile").legend
    assert [label for _, label in legend[:2]] == ["2024 – 2030", "2030 – 2035"]
    assert "2.024" not in page and "2.035" not in page
    assert mapstyle.format_value(2035.0, "year_land_short_padi", "id") == "2035"


def test_slope_layer_classes_a_tilted_plane(tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    # A plane rising 5 m per 100 m eastwards: slope 5 % everywhere (class 3-8 %).
    x = np.arange(40, dtype=np.float32) * 30.0 * 0.05
    dem = np.tile(x, (30, 1))
    path = tmp_path / "dem.tif"
    profile = {
        "driver": "GTiff",
        "width": 40,
        "height": 30,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:32749",
        "transform": from_origin(330_000, 9_970_000, 30, 30),
        "nodata": -9999.0,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(dem, 1)
    slope = slope_from_dem(path, tmp_path / "slope.tif", units="percent")
    layer = overlays.slope_layer(
        overview_web_mercator(slope, max_size_px=20), name="Lereng", lang="en"
    )
    assert max(layer.rgba.shape[:2]) <= 20
    opaque = layer.rgba[layer.rgba[..., 3] > 0][:, :3]
    assert len(opaque) > 0
    assert {tuple(c) for c in opaque} == {(0xA6, 0xD9, 0x6A)}  # SLOPE_COLOURS[2], 3-8 %
    assert layer.legend[2] == ("#a6d96a", "3 – 8 %")
    assert layer.image_url.startswith("data:image/png;base64,")  # encoded once, for every map
    (south, west), (north, east) = layer.bounds
    assert -0.28 < south < north < -0.27 and 109.46 < west < east < 109.50  # UTM 49S corner


def test_charts_have_translated_titles_and_do_not_modify_inputs():
    import pandas as pd

    from ovop_geo import charts

    index = pd.MultiIndex.from_tuples(
        [("A", "padi"), ("B", "padi")], names=["village_code", "crop_id"]
    )
    land = pd.DataFrame({"production_t": [10.0, 20.0], "estimated": [True, False]}, index=index)
    before = land.copy()
    spec = charts.production_chart(land, {"A": "Desa A"}, lang="en").to_dict()
    assert spec["title"] == "Raw-material production per village (t/yr)"
    pd.testing.assert_frame_equal(land, before)
    businesses = pd.DataFrame({"kerupuk": [3, 6]}, index=pd.Index(["A", "B"]))
    spec = charts.businesses_chart(businesses, {"A": "Desa A", "B": "Desa B"}).to_dict()
    assert spec["title"] == "Unit usaha per produk"
    values = next(iter(spec["datasets"].values()))
    assert {(v["village"], v["units"]) for v in values} == {("Desa A", 3), ("Desa B", 6)}
    norm = pd.DataFrame(
        {"businesses": [0.0, 1.0], "households": [np.nan, 0.5]}, index=pd.Index(["A", "B"])
    )
    spec = charts.criteria_profile_chart(
        norm, {}, {"businesses": "Units"}, product="kue", lang="en"
    ).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert len(values) == 3  # the unknown value is left out
    assert spec["title"] == "Normalised criteria profile (0-1) for kue"


def test_land_balance_chart_stacks_the_three_parts_in_both_languages():
    import pandas as pd

    from ovop_geo import charts

    balance = pd.DataFrame(
        {
            "land_used_ha": [60.0, 20.0],
            "land_unused_ha": [60.0, 0.0],
            "land_unsuitable_ha": [80.0, 30.0],
            "estimated": [True, True],
        },
        index=pd.Index(["A", "B"], name="village_code"),
    )
    before = balance.copy()
    spec = charts.land_balance_chart(balance, {"A": "Desa A"}, lang="en").to_dict()
    pd.testing.assert_frame_equal(balance, before)
    assert spec["title"] == "Village area: in use / unused suitable / unsuitable (ha)"
    assert spec["encoding"]["y"]["stack"] == "zero"
    assert spec["encoding"]["color"]["scale"]["domain"] == [
        "In use by crops (ha)",
        "Suitable, unused (ha)",
        "Unsuitable / not farmland (ha)",
    ]
    values = next(iter(spec["datasets"].values()))
    totals = {}
    for v in values:
        totals[v["village"]] = totals.get(v["village"], 0.0) + v["area_ha"]
    assert totals == {"Desa A": 200.0, "B": 50.0}  # the parts add up to the village area
    assert {v["note"] for v in values} == {"Estimated"}
    spec_id = charts.land_balance_chart(balance, {}, lang="id").to_dict()
    assert spec_id["encoding"]["color"]["scale"]["domain"][0] == "Dipakai tanaman (ha)"


def test_labels_are_sent_once_and_features_carry_escaped_values_only(villages):
    frame = villages.assign(group=["R|J", "x", "<b>Kec</b>"])
    m = _map(
        frame,
        tooltip_columns=["group", "area_ha"],
        popup_columns=["households"],
        column_labels={"group": "Kecamatan <u>", "households": "Rumah tangga"},
    )
    props = [f["properties"] for f in _geojson_layers(m)[0].data["features"]]
    # name | one value per tooltip column | flag note ("|" inside a value becomes &#124;)
    assert props[0]["tip"] == "<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>|R&#124;J|1.000,0 ha|"
    assert props[2]["pop"] == "<b>${alert(1)}`</b>|&lt;i&gt;x&lt;/i&gt;|1.202|"
    page = m.get_root().render()
    assert "Rumah tangga" not in json.dumps(props)  # labels are not repeated per feature
    # once, escaped for HTML (&lt;) and then for the script (& as \u0026)
    assert page.count("Kecamatan \\u0026lt;u\\u0026gt;") == 1 and "Kecamatan <u>" not in page
