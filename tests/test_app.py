"""The Streamlit app run headless with AppTest (no browser, no JavaScript)."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ovop_geo.errors import InputDataError
from ovop_geo.report import OUTPUT_FILES
from tests.conftest import make_squares

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT_S = 180  # the province (2,130 villages) is loaded and simplified on the first run
SATU, DUA = "61.12.07.2002", "61.12.07.2003"  # Rasau Jaya Satu, Rasau Jaya Dua


def _new() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    return at


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _set(at: AppTest, kind: str, key: str, value) -> AppTest:
    getattr(at, kind)(key=key).set_value(value)
    at.run()
    return at


def _map_args(at: AppTest) -> dict:
    components = at.get("component_instance")
    maps = [c for c in components if c.proto.component_name.endswith("st_folium")]
    assert len(maps) == 1
    return json.loads(maps[0].proto.json_args)


def _summary(at: AppTest) -> str:
    """The line above the tabs: the app, the region and its number of villages."""
    return at.markdown[0].value


def _captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def _frame(at: AppTest, first_column: str):
    """The first dataframe whose first column has this header."""
    for df in at.dataframe:
        if df.value.columns[0] == first_column:
            return df.value
    raise AssertionError(f"no table starting with {first_column!r}")


@pytest.fixture(scope="module")
def rasau() -> AppTest:
    return _ok(_new())


def test_starts_on_rasau_jaya_in_bahasa_indonesia(rasau):
    at = rasau
    # One line above the tabs: the app, the region and its size; the notes folded beside it.
    assert at.markdown[0].value.startswith("**Perencanaan OVOP berbasis peta** · Kecamatan Rasau")
    assert at.expander[0].label.startswith(":orange[Batas indikatif, bukan batas hukum · sumber")
    assert at.radio(key="lang").value == "id"
    assert at.selectbox(key="region").value == "rasau-jaya"
    assert at.selectbox(key="product").value == "rengginang"
    assert _summary(at).endswith(": 6 desa")
    # The boundary warning first; the QFD tab names its assumptions and its scenario.
    assert at.warning[0].value == "Batas indikatif, bukan batas hukum"
    assert [w.value[:30] for w in at.warning][1:] == [
        "Asumsi bawaan (alasan tertulis",
        "Skenario, bukan ramalan: 3 lan",
    ]
    assert any(c.startswith("Sumber batas: cahyadsn/wilayah_boundaries") for c in _captions(at))
    # Honesty: the generated layers and the spread harvest totals are named on the page.
    assert any(
        c.startswith("Lapisan ilustratif") and "Penggunaan lahan" in c for c in _captions(at)
    )
    assert any("perkiraan" in c for c in _captions(at))
    assert [tab.label for tab in at.tabs] == [
        "Peta",
        "Bandingkan desa",
        "Ketersediaan lahan",
        "Kesiapan OVOP",
        "Rencana perbaikan (QFD)",
        "Unduhan",
    ]


def test_compare_table_ranks_rasau_jaya_dua_first_for_rengginang(rasau):
    table = _frame(rasau, "Desa")
    # rengginang: Rasau Jaya Dua and Satu both have 3 firms (pre-sentra, Table 3); Dua leads
    # on its location quotient (3/7)/(12/50) = 1.79 against (3/13)/(12/50) = 0.96
    assert table.index[0] == DUA and table["Desa"].iloc[0] == "Rasau Jaya Dua"
    assert table.loc[DUA, "peringkat"] == 1
    assert table.loc[SATU, "Unit usaha"] == 3  # paper Table 3
    assert table.loc[SATU, "Kelas sentra"] == "pra-sentra"
    assert table.loc[SATU, "Produk OVOP"] == "kerupuk"  # the only PP 29/2018 sentra
    assert "sentra (aturan PP 29/2018)" in table.loc[SATU, "Alasan"]
    assert table.loc[DUA, "Produk OVOP"] == "rengginang"
    assert set(table.columns) >= {
        "Proporsi simulasi peringkat 1 (%)",
        "Rentang peringkat",
        "Rapuh",
        "Setara",
        "Klaster",
        "Alasan",
    }
    charts = [json.loads(c.proto.spec) for c in rasau.get("vega_lite_chart")]
    assert [c["title"] for c in charts] == [
        "Produksi bahan baku per desa (t/tahun)",
        "Unit usaha per produk",
        "Profil kriteria ternormalisasi (0-1) untuk rengginang",
        "Luas desa: dipakai / sesuai belum dipakai / tidak sesuai (ha)",  # the land tab
        "Rumah mutu: rengginang",  # the QFD tab
    ]


def test_weight_of_households_to_zero_changes_the_ranking():
    at = _ok(_set(_new(), "slider", "w_households", 0.0))
    table = _frame(at, "Desa")
    # With no weight on households the other weights are 3, 3, 2, 2, 3, 3 of 16. Rasau Jaya
    # Satu, rengginang, by hand from its values and the anchors: 3 firms 0.3, LQ 0.962 -> 0.481,
    # supply ratio 3.6 -> 1, 31.55 ha -> 0.316, 6.95 km -> 0.652, 24.61 km -> 0.754:
    # 100 x (3 x 0.3 + 3 x 0.481 + 2 x 1 + 2 x 0.316 + 3 x 0.652 + 3 x 0.754) / 16 = 57.45.
    assert table.loc[DUA, "peringkat"] == 1
    assert table.loc[SATU, "Skor (0-100)"] == pytest.approx(57.45, abs=0.05)


def test_changing_the_product_changes_table_and_map():
    at = _ok(_set(_new(), "selectbox", "product", "kerupuk"))
    assert any(h.value == "Perbandingan desa untuk kerupuk" for h in at.subheader)
    table = _frame(at, "Desa")
    assert table.loc[SATU, "Unit usaha"] == 6  # paper Table 3: kerupuk in Rasau Jaya Satu
    assert "Skor calon sentra (0-100): kerupuk" in _map_args(at)["script"]


def test_map_indicator_and_layers():
    at = _ok(_set(_new(), "selectbox", "indicator", "ovop_product"))
    script = _map_args(at)["script"]
    assert "Produk OVOP terpilih" in script and "torratello" in script
    # Overlays are in the layer control, switched off; the slope image is inline (no request).
    assert "Penggunaan lahan (data ilustratif)" in script
    assert "Pola ruang (RTRW) (data ilustratif)" in script
    assert "Kemiringan lereng (data ilustratif)" in script
    assert "ovop-village" in script and "ovop-candidate" in script
    at = _ok(_set(at, "selectbox", "indicator", "year_land_short"))
    assert "2.03" not in _map_args(at)["script"]  # years are written without separators


def test_map_loads_leaflet_from_the_app_only(rasau):
    args = _map_args(rasau)
    assert args["js_links"] == ["/app/static/leaflet/leaflet.js"]
    assert args["css_links"] == ["/app/static/leaflet/leaflet.css"]
    assert "Rasau Jaya Umum" in args["script"]
    assert "Klaster sentra: rengginang" in args["script"]  # the product's sentra clusters
    assert "Batas indikatif, bukan batas hukum" in args["script"]  # map attribution
    assert "tile.openstreetmap.org" not in args["script"]
    assert "https://" not in args["script"].replace("https://tile.openstreetmap.org", "")


def test_osm_base_map_adds_tiles_but_no_scripts():
    args = _map_args(_ok(_set(_new(), "radio", "base_map", "osm")))
    assert "tile.openstreetmap.org" in args["script"]
    assert args["js_links"] == ["/app/static/leaflet/leaflet.js"]


def test_switching_language_changes_labels():
    at = _ok(_set(_new(), "radio", "lang", "en"))
    assert at.markdown[0].value.startswith("**OVOP spatial planning** · ")
    assert at.warning[0].value == "Indicative, not legal boundaries"
    assert [w.value[:24] for w in at.warning][1:] == [
        "Bundled assumptions (rea",
        "Scenario, not a forecast",
    ]
    assert _summary(at).endswith(": 6 villages")
    assert "Sentra score (0-100): rengginang" in _map_args(at)["script"]
    table = _frame(at, "Village")
    assert table.loc[DUA, "rank"] == 1
    weakest = _frame(at, "Dimension")
    # Paper: marketing reach and bookkeeping are the weakest; English labels in English mode.
    assert list(weakest["Dimension"].iloc[:2]) == ["Marketing reach", "Bookkeeping"]
    flagged = [df.value for df in at.dataframe if "Shares add up to (%)" in df.value.columns]
    assert any(
        (f["Dimension"] == "Brand").any() and (f["Shares add up to (%)"] == 138).any()
        for f in flagged
    )


def test_land_and_capacity_tables(rasau):
    land = _frame(rasau, "Kode desa")
    assert len(land) == 18  # 6 villages x 3 crops
    assert land["Perkiraan"].all()  # region totals spread over villages: all estimated
    assert "Lahan sesuai untuk tanaman ini (ha; tidak dijumlahkan antar tanaman)" in land.columns
    # The land balance as a stacked bar per village (its data are tested in test_render.py).
    spec = next(
        json.loads(c.proto.spec)
        for c in rasau.get("vega_lite_chart")
        if json.loads(c.proto.spec).get("title", "").startswith("Luas desa")
    )
    assert spec["encoding"]["color"]["scale"]["domain"] == [
        "Dipakai tanaman (ha)",
        "Sesuai, belum dipakai (ha)",
        "Tidak sesuai / bukan lahan tani (ha)",
    ]
    assert any(
        "Lahan tani menurut penggunaan kini (ha)" in df.value.columns for df in rasau.dataframe
    )
    assert any("Permen LH 17/2009" in h.value for h in rasau.subheader)
    # No year that has already passed is shown as a future shortage.
    this_year = datetime.date.today().year
    years = land["Tahun lahan tidak cukup"].dropna()
    assert (years >= this_year).all()
    # Carrying capacity in beras equivalent: the paper's OVOP-crop variant, alpha class III.
    assert any("varian tanaman OVOP" in h.value for h in rasau.subheader)
    assert any(
        "rasio pasokan/kebutuhan 0,25; indeks α 0,64 (kelas III)" in m.value for m in rasau.markdown
    )


def test_exports_are_offered_lazily(rasau):
    labels = [b.label for b in rasau.get("download_button")]
    # The printable report comes last, in both formats, laid out only when clicked.
    assert labels[-2:] == ["Unduh laporan cetak (report.pdf)", "Unduh laporan cetak (report.html)"]
    labels = labels[:-2]
    n = len(OUTPUT_FILES)
    assert labels[-n:] == [f"Unduh {n}" for n in OUTPUT_FILES]
    assert {"results.xlsx", "results.gpkg", "villages.csvt"} <= set(OUTPUT_FILES)
    # The QFD tab's files (house, plan, places, scenario, picture, and the tables in use).
    assert sorted(labels[:-n]) == sorted(
        f"Unduh {n}"
        for n in (
            "qfd_rengginang_matrix.csv",
            "qfd_rengginang_dimensions.csv",
            "qfd_rengginang_plan.csv",
            "qfd_rengginang_places.csv",
            "qfd_rengginang_scenario.csv",
            "qfd_rengginang.xlsx",
            "qfd_rengginang.png",
            "qfd_products.csv",
            "qfd_needs.csv",
            "qfd_relationships.csv",
            "qfd_measures.csv",
            "qfd_roof.csv",
        )
    )


def test_ahp_mode_shows_the_consistency_ratio():
    at = _ok(_set(_new(), "radio", "weights_mode", "ahp"))
    assert "Rasio konsistensi (CR): 0,000" in _captions(at)
    table = _frame(at, "Desa")  # equal group weights still rank all six rengginang villages
    assert sorted(table["peringkat"]) == [1, 2, 3, 4, 5, 6]


@pytest.mark.slow
def test_starts_on_the_province_and_offers_the_template():
    at = _ok(_set(_new(), "selectbox", "region", "kalimantan-barat"))
    assert _summary(at).endswith(": 2.130 desa")
    args = _map_args(at)
    assert args["js_links"] == ["/app/static/leaflet/leaflet.js"]
    assert len(args["script"]) < 5_000_000  # simplified borders keep the page light
    infos = " ".join(i.value for i in at.info)
    assert "jumlah unit usaha per produk dan desa" in infos
    labels = [b.label for b in at.get("download_button")]
    assert {"Unduh templat harvest_template.csv", "Unduh templat businesses_template.csv"} <= set(
        labels
    )
    assert any(m.value.startswith("**Catatan analisis") for m in at.markdown)


@pytest.mark.slow
def test_two_sessions_do_not_share_region_or_weights():
    first = _ok(_set(_new(), "slider", "w_households", 0.0))
    second = _ok(_set(_new(), "selectbox", "region", "kalimantan-barat"))
    first.run()
    assert _frame(first, "Desa").loc[DUA, "peringkat"] == 1
    assert first.slider(key="w_households").value == 0.0
    assert second.slider(key="w_households").value == 3.0  # households + readiness
    assert _summary(second).endswith(": 2.130 desa")
    assert _summary(first).endswith(": 6 desa")


def _boundaries_geojson() -> bytes:
    return make_squares(crs="EPSG:4326").to_json().encode("utf-8")


def _own(at: AppTest, **files: tuple[str, bytes]) -> AppTest:
    at = _set(at, "selectbox", "region", "own")
    for slot, (name, data) in files.items():
        at.file_uploader(key=f"up-{slot}").set_value((name, data, "application/octet-stream"))
    at.run()
    if any(w.key == "col-id" for w in at.selectbox):
        _set(at, "selectbox", "col-id", "kode")
        _set(at, "selectbox", "col-name", "nama")
    return at


def test_own_boundaries_load_and_show_the_map():
    at = _ok(_own(_new(), boundaries=("desa.geojson", _boundaries_geojson())))
    assert [s.value for s in at.success] == ["Data dimuat: 3 desa."]
    assert "Desa Dua" in _map_args(at)["script"]
    folder = at.session_state["upload_session"].folder
    assert folder.is_dir() and (folder / "layers" / "own-data.toml").is_file()
    _set(at, "selectbox", "region", "rasau-jaya")  # switching away removes the folder
    assert not folder.exists()


def test_own_business_counts_give_scores():
    csv = (
        b"village_code,product,businesses\nA01,kerupuk,6\nA02,kerupuk,1\n"
        b"A03,kerupuk,0\nA01,dodol,0\nA02,dodol,2\nA03,dodol,1\n"
    )
    at = _own(
        _new(), boundaries=("desa.geojson", _boundaries_geojson()), businesses=("usaha.csv", csv)
    )
    at = _ok(_set(at, "selectbox", "col-hh", "kk"))
    assert at.selectbox(key="product").options == ["kerupuk", "dodol"]
    table = _frame(at, "Desa")
    # Only the villages making kerupuk are ranked (Desa Tiga makes none); Desa Satu's 6 firms
    # are a sentra, Desa Dua's 2 dodol firms (pre-sentra) come before its 1 kerupuk firm.
    assert sorted(table["peringkat"]) == [1, 2]
    assert table.loc["A01", "Produk OVOP"] == "kerupuk"
    assert table.loc["A02", "Produk OVOP"] == "dodol"
    assert table.loc["A01", "Unit usaha"] == 6


def test_bad_harvest_csv_shows_the_loaders_message():
    csv = b"village_code,crop_id,harvest_area_ha,yield,yield_unit\nA01,padi,banyak,3,t/ha\n"
    at = _own(
        _new(), boundaries=("desa.geojson", _boundaries_geojson()), harvest=("panen.csv", csv)
    )
    assert not at.exception
    messages = [e.value for e in at.error]
    assert len(messages) == 1
    assert "harvest-panen.csv" in messages[0] and "harvest_area_ha" in messages[0]
    assert "Baris: 2" in messages[0]  # the loader's message, in the page's language (id)


def test_zip_with_parent_path_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for ext in (".shp", ".shx", ".dbf"):
            zf.writestr(f"../evil{ext}", b"x" * 100)
    at = _own(_new(), boundaries=("desa.zip", buffer.getvalue()))
    assert not at.exception
    messages = [e.value for e in at.error]
    assert len(messages) == 1 and ".." in messages[0]
    assert [i.value for i in at.info] == ["Unggah batas desa untuk memulai."]


def test_user_errors_are_shown_not_raised(monkeypatch):
    import ovop_geo.region

    def broken(region_id, **kwargs):
        raise InputDataError(f"{region_id}.toml: column 'nama': missing. Fix the manifest.")

    monkeypatch.setattr(ovop_geo.region, "load_region", broken)
    st.cache_resource.clear()
    try:
        at = _new()
    finally:
        st.cache_resource.clear()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "rasau-jaya.toml: column 'nama': missing. Fix the manifest."
    ]


# ---------------------------------------------------------------- language and tables
def _display(df):
    """The text a table shows (its Styler's display values), cell by cell."""
    from streamlit import dataframe_util

    styler = df.proto.arrow_data.styler
    assert styler.display_values, "the table carries no display text"
    return dataframe_util.convert_arrow_bytes_to_pandas_df(styler.display_values)


def _shown(at: AppTest, first_column: str):
    for df in at.dataframe:
        if df.value.columns[0] == first_column:
            return df.value, _display(df)
    raise AssertionError(f"no table starting with {first_column!r}")


def test_indonesian_page_has_no_english_sources(rasau):
    captions = " ".join(_captions(rasau))
    assert "codes per Kepmendagri" not in captions
    assert "kode menurut Kepmendagri 300.2.2-2138/2025" in captions
    assert "a sample, not a census" not in captions
    assert "sampel, bukan sensus" in captions


def test_english_page_keeps_the_english_sources():
    at = _ok(_set(_new(), "radio", "lang", "en"))
    captions = " ".join(_captions(at))
    assert "codes per Kepmendagri 300.2.2-2138/2025" in captions
    assert "kode menurut" not in captions


def test_tables_show_crop_names_and_decimal_commas(rasau):
    values, shown = _shown(rasau, "Kode desa")  # the land table
    assert set(values["Tanaman"]) == {"Padi", "Jagung", "Ubi kayu"}  # data/params/crops.csv
    column = "Produksi (t)"
    i = int(values[column].astype(float).gt(1000).to_numpy().argmax())
    x = float(values[column].iloc[i])
    # Bahasa Indonesia: a dot between thousands, a comma before the one decimal.
    whole, tenth = divmod(round(x * 10), 10)
    assert shown[column].iloc[i] == f"{whole:,}".replace(",", ".") + f",{tenth}"
    years = shown["Tahun lahan tidak cukup"]
    assert all(y == "–" or (len(y) == 4 and y.isdigit()) for y in years)
    # The compare table: score with one decimal and a comma.
    values, shown = _shown(rasau, "Desa")
    score = float(values.loc[SATU, "Skor (0-100)"])
    assert shown.loc[SATU, "Skor (0-100)"] == f"{score:.1f}".replace(".", ",")


def test_english_tables_use_decimal_points():
    at = _ok(_set(_new(), "radio", "lang", "en"))
    values, shown = _shown(at, "Village")
    score = float(values.loc[SATU, "Score (0-100)"])
    assert shown.loc[SATU, "Score (0-100)"] == f"{score:.1f}"
    values, shown = _shown(at, "Village code")
    assert set(values["Crop"]) == {"Paddy rice", "Maize", "Cassava"}


def test_language_change_keeps_every_choice():
    at = _new()
    for kind, key, value in (
        ("slider", "w_households", 0.0),
        ("selectbox", "product", "kerupuk"),
        ("selectbox", "indicator", "lq"),
        ("number_input", "min_units", 7),
        ("slider", "min_share", 30),
        ("select_slider", "slope_limit", 8.0),
        ("slider", "growth", 3.0),
        ("radio", "base_map", "osm"),
    ):
        _set(at, kind, key, value)
    at = _ok(_set(at, "radio", "lang", "en"))
    assert at.selectbox(key="indicator").label == "Indicator"
    assert at.selectbox(key="indicator").value == "lq"
    assert at.radio(key="base_map").value == "osm"
    assert at.select_slider(key="slope_limit").value == 8.0
    assert at.slider(key="w_households").value == 0.0
    assert at.number_input(key="min_units").value == 7
    # The choices written in the page's language are handed back to the browser, which keeps
    # a choice by its written label (without this it shows none after the change).
    for widget in (
        at.selectbox(key="indicator"),
        at.radio(key="base_map"),
        at.radio(key="weights_mode"),
        at.select_slider(key="slope_limit"),
    ):
        assert widget.proto.set_value, widget.key


def test_search_opens_the_village_profile():
    at = _ok(_set(_new(), "selectbox", "search-rasau-jaya", SATU))
    texts = [m.value for m in at.markdown]
    assert "#### Rasau Jaya Satu" in texts
    # Paper Table 3: the firms of Rasau Jaya Satu, most first.
    assert "kerupuk 6, keripik 3, rengginang 3, marning 1" in texts
    assert any(c.startswith("Kode 61.12.07.2002 · Kecamatan Rasau Jaya") for c in _captions(at))
    # The map zooms to it: a centre and zoom are sent with the same map.
    args = _map_args(at)
    assert args["zoom"] >= 12 and args["center"] is not None


def test_own_data_results_come_first_with_the_score():
    at = _own(_new(), boundaries=("desa.geojson", _boundaries_geojson()))
    _ok(_set(at, "selectbox", "indicator", "area"))  # a choice while no score exists
    csv = b"village_code,product,businesses\nA01,kerupuk,6\nA02,kerupuk,1\nA03,kerupuk,0\n"
    at.file_uploader(key="up-businesses").set_value(("usaha.csv", csv, "text/csv"))
    at = _ok(_set(at, "selectbox", "col-hh", "kk"))
    # The new data bring the score, shown by default; the results are the page's first lines
    # and the uploads fold away below them.
    assert at.selectbox(key="indicator").value == "score"
    assert "Skor calon sentra (0-100): kerupuk" in _map_args(at)["script"]
    assert _summary(at) == "**Perencanaan OVOP berbasis peta** · Wilayah unggahan: 3 desa"
    uploads = next(e for e in at.expander if e.label == "Muat data sendiri")
    assert not uploads.proto.expanded
    assert "Wilayah unggahan / Uploaded region" not in " ".join(m.value for m in at.markdown)


@pytest.mark.slow
def test_the_address_names_the_region():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.query_params["region"] = "kalimantan-barat"
    at = _ok(at.run())
    assert at.selectbox(key="region").value == "kalimantan-barat"
    assert _summary(at).endswith(": 2.130 desa")
    at = _ok(_set(at, "selectbox", "region", "rasau-jaya"))
    assert at.query_params["region"] == "rasau-jaya"


def test_the_analysis_can_be_limited_to_one_kecamatan():
    # Kalimantan Barat holds Kecamatan Rasau Jaya (61.12.07) with its 6 villages: the part is
    # analysed alone, as `ovop-geo run --kecamatan 61.12.07` does.
    at = _ok(_set(_new(), "selectbox", "region", "kalimantan-barat"))
    assert _summary(at).endswith(": 2.130 desa")
    part = at.selectbox(key="part-kalimantan-barat")
    assert part.value == ""
    labels = list(part.options)  # a kabupaten, then its kecamatan
    kubu_raya = labels.index("Kabupaten Kubu Raya (61.12)")
    assert labels[kubu_raya + 1].endswith("(61.12.01)")
    assert "· Rasau Jaya (61.12.07)" in labels
    at = _ok(_set(at, "selectbox", "part-kalimantan-barat", "61.12.07"))
    assert _summary(at).endswith(": 6 desa")
    assert "Rasau Jaya" in _summary(at)
    # The bundled Rasau Jaya region has one kecamatan: nothing to choose there.
    at = _ok(_set(at, "selectbox", "region", "rasau-jaya"))
    assert not [s for s in at.selectbox if str(s.key).startswith("part-")]


def test_own_region_from_the_template_to_results():
    """Boundaries only -> the page offers the templates -> one filled in -> scores."""
    from ovop_geo.region import load_region, statistics_templates

    at = _ok(_own(_new(), boundaries=("desa.geojson", _boundaries_geojson())))
    labels = [b.label for b in at.get("download_button")]
    assert "Unduh templat businesses_template.csv" in labels
    # The template behind that button (the same library call), for the villages as loaded.
    manifest = at.session_state["upload_session"].folder / "layers" / "own-data.toml"
    villages = load_region(manifest).villages
    template = statistics_templates(villages, products=("kerupuk",))["businesses_template.csv"]
    assert sorted(template["village_code"]) == ["A01", "A02", "A03"]
    filled = template.copy()
    filled["businesses"] = filled["village_code"].map({"A01": 6, "A02": 2})  # A03 left empty
    data = filled.to_csv(index=False).encode("utf-8")
    at.file_uploader(key="up-businesses").set_value(("usaha.csv", data, "text/csv"))
    at = _ok(at.run())
    assert at.selectbox(key="product").options == ["kerupuk"]
    table = _frame(at, "Desa")
    # Desa Satu's 6 firms meet PP 29/2018 (at least 5) and lead; the row left empty (A03) is
    # no data, never ranked.
    assert table.loc["A01", "Produk OVOP"] == "kerupuk"
    assert table.loc["A01", "Unit usaha"] == 6
    assert sorted(table["peringkat"].dropna()) == [1, 2]
