"""Bad uploads in the app (AppTest): refused with the project's message, never a traceback.

The same inputs are refused through the command line in ``test_reliability.py``; here they go
through the upload path (save, manifest in the session folder, load, prepare).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from rasterio.transform import from_origin
from streamlit.testing.v1 import AppTest

from tests.conftest import X0, Y0, make_squares

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT_S = 180


def _new() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    return at


def _own(**files: tuple[str, bytes]) -> AppTest:
    at = _new()
    at.selectbox(key="region").set_value("own")
    at.run()
    for slot, (name, data) in files.items():
        at.file_uploader(key=f"up-{slot}").set_value((name, data, "application/octet-stream"))
    at.run()
    if any(w.key == "col-id" for w in at.selectbox):
        at.selectbox(key="col-id").set_value("kode")
        at.run()
        at.selectbox(key="col-name").set_value("nama")
        at.run()
    return at


def _refused(at: AppTest, *needles: str) -> str:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.success, [s.value for s in at.success]
    errors = [e.value for e in at.error]
    text = "\n".join(errors)
    for needle in needles:
        assert needle in text, (needle, errors)
    assert "/tmp" not in text and "Traceback" not in text
    return text


def _gpkg(gdf) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "desa.gpkg"
        gdf.to_file(path)
        return path.read_bytes()


def _geojson(gdf) -> bytes:
    return gdf.to_json().encode("utf-8")


def test_degrees_labelled_web_mercator_are_refused_naming_the_crs():
    wrong = make_squares(crs="EPSG:4326").set_crs("EPSG:3857", allow_override=True)
    at = _own(boundaries=("desa.gpkg", _gpkg(wrong)))
    # the page is in Bahasa Indonesia by default
    _refused(at, "desa.gpkg: koordinat tampak dalam derajat", "EPSG:3857", "EPSG:4326")


def test_a_duplicated_village_polygon_is_refused_with_the_pair():
    gdf = make_squares(crs="EPSG:4326")
    dup = gdf.iloc[[0]].assign(kode="A04", nama="Desa Empat")
    gdf = gdf._constructor([*gdf.to_dict("records"), *dup.to_dict("records")], crs=gdf.crs)
    text = _refused(_own(boundaries=("desa.geojson", _geojson(gdf))), "overlap")
    assert (
        "A01 Desa Satu / A04 Desa Empat: 100.00 ha (100 %)" in text
        or "A01 Desa Satu / A04 Desa Empat: 100,00 ha (100 %)" in text
    )


def test_harvest_far_larger_than_the_village_is_refused():
    csv = b"village_code,crop_id,harvest_area_ha,yield,yield_unit\nA01,padi,100000,4.5,t/ha\n"
    at = _own(
        boundaries=("desa.geojson", _geojson(make_squares(crs="EPSG:4326"))),
        harvest=("panen.csv", csv),
    )
    _refused(at, "padi 100", "A01 Desa Satu (100 ha)")


def _truncated_dem() -> bytes:
    data = np.linspace(0, 10, 400 * 400, dtype="float32").reshape(400, 400)
    buf = io.BytesIO()
    from rasterio.io import MemoryFile

    with MemoryFile() as mem:
        with mem.open(
            driver="GTiff",
            width=400,
            height=400,
            count=1,
            dtype="float32",
            crs="EPSG:32749",
            transform=from_origin(X0 - 100.0, Y0 + 2100.0, 30.0, 30.0),
        ) as dst:
            dst.write(data, 1)
        buf.write(mem.read())
    whole = buf.getvalue()
    return whole[: len(whole) // 20]


def test_truncated_geotiff_upload_is_named_not_a_traceback():
    at = _own(
        boundaries=("desa.geojson", _geojson(make_squares(crs="EPSG:4326"))),
        elevation=("dem.tif", _truncated_dem()),
    )
    _refused(at, "dem.tif: raster rusak atau tidak lengkap")


@pytest.mark.parametrize(
    "lang, needle", [("en", "look like degrees"), ("id", "tampak dalam derajat")]
)
def test_refusals_follow_the_page_language(lang, needle):
    wrong = make_squares(crs="EPSG:4326").set_crs("EPSG:3857", allow_override=True)
    at = _new()
    at.radio(key="lang").set_value(lang)
    at.run()
    at.selectbox(key="region").set_value("own")
    at.run()
    at.file_uploader(key="up-boundaries").set_value(("desa.gpkg", _gpkg(wrong), "x"))
    at.run()
    at.selectbox(key="col-id").set_value("kode")
    at.run()
    at.selectbox(key="col-name").set_value("nama")
    at.run()
    _refused(at, needle)


def test_inexact_name_matches_are_reported_in_the_notes():
    gdf = make_squares(crs="EPSG:4326").assign(nama=["Sungai Dua", "Parit Baru", "Kuala"])
    csv = b"product,village_name,businesses\nkerupuk,Desa Sungai 2,3\nkerupuk,Parit Baru,2\n"
    at = _own(boundaries=("desa.geojson", _geojson(gdf)), businesses=("usaha.csv", csv))
    assert not at.exception and not at.error, [e.value for e in at.error]
    notes = [t.value for t in at.text]
    assert any("'Desa Sungai 2' → Sungai Dua (A01)" in n for n in notes), notes
    assert not any("Parit Baru' →" in n for n in notes)  # an exact match is not reported


def test_upload_time_budget_says_when_it_ran_out(monkeypatch):
    monkeypatch.setenv("OVOP_UPLOAD_BUDGET_S", "0")
    # Squares no other test uploads: a region prepared before is served from the cache, which
    # rightly spends no time budget.
    squares = make_squares((1234.0, 567.0, 890.0), crs="EPSG:4326")
    at = _own(boundaries=("desa.geojson", _geojson(squares)))
    _refused(at, "batas waktu 0 detik", "ovop-geo run")
