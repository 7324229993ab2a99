"""The app's improvement-plan (QFD) tab, run headless with AppTest (no browser)."""

from __future__ import annotations

import json

import pytest

from ovop_geo import qfd
from ovop_geo.bundled import params_table
from ovop_geo.io import read_table
from ovop_geo.region import load_region
from tests.test_app import _new, _ok, _set

TAB = "Rencana perbaikan (QFD)"


def _chart(at) -> dict:
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    return next(s for s in specs if str(s.get("title", "")).startswith(("Rumah mutu", "House of")))


def _plan_lines(at) -> list[str]:
    text = next(m.value for m in at.markdown if m.value.startswith("1. **"))
    return [line for line in text.splitlines() if line[:1].isdigit()]


@pytest.fixture(scope="module")
def kerupuk():
    return _ok(_set(_new(), "selectbox", "product", "kerupuk"))


@pytest.fixture(scope="module")
def library():
    """What the library gives for kerupuk, to check that the tab shows the same."""
    region = load_region("rasau-jaya")
    house, plan = qfd.product_qfd(region, "kerupuk")
    return qfd.report_section(house, plan, "id")


def test_tab_shows_the_house_and_the_ranked_plan_beside_it(kerupuk, library):
    at = kerupuk
    assert TAB in [tab.label for tab in at.tabs]
    assert "Rumah mutu (QFD): kerupuk" in [h.value for h in at.subheader]
    spec = _chart(at)
    assert spec["title"] == "Rumah mutu: kerupuk"
    # The house turned upright: dimensions as rows, first priority on top; needs as columns.
    house, side = spec["hconcat"]
    rows = house["layer"][0]["encoding"]["y"]["sort"]
    assert rows == [
        f"{d['priority_rank']}. {d['label']}" if d["priority_rank"] else f"–  {d['label']}"
        for d in library["dimension_table"]
    ]
    assert rows[0] == "1. Standar Produk"
    columns = house["layer"][0]["encoding"]["x"]["sort"]
    assert columns == [f"({n['importance']}) {n['label']}" for n in library["needs"]]
    assert side["layer"][0]["encoding"]["x"]["sort"] == [
        "Bobot teknis (%)",
        "Kesiapan (0-1)",
        "Prioritas (%)",
    ]
    # Beside it: the measures in the library's order, the top 3 marked as in the scenario.
    lines = _plan_lines(at)
    assert [line.split("**")[1] for line in lines] == [m["label"] for m in library["plan"]]
    assert [line.endswith("▶  ") for line in lines] == [True] * 3 + [False] * 5
    assert any(
        m.value.startswith("Usaha terkait: 16 usaha kerupuk di Rasau Jaya Satu (6)")
        for m in at.markdown
    )


def test_assumptions_and_the_scenario_are_labelled(kerupuk):
    warnings = [w.value for w in kerupuk.warning]
    assert any(w.startswith("Asumsi bawaan") and "matriks hubungan" in w for w in warnings)
    assert any(w.startswith("Skenario, bukan ramalan") for w in warnings)
    assert "Skenario (bukan ramalan): kesiapan setelah 3 langkah teratas" in [
        h.value for h in kerupuk.subheader
    ]
    assert any("tingkat kecamatan" in c.value for c in kerupuk.caption)


def test_more_measures_in_the_scenario_raise_the_readiness(kerupuk):
    def readiness_after(at) -> str:
        return next(m.value for m in at.markdown if m.value.startswith("Kesiapan tertimbang"))

    before = readiness_after(kerupuk)
    at = _ok(_set(_set(_new(), "selectbox", "product", "kerupuk"), "slider", "qfd_top", 5))
    assert "setelah 5 langkah teratas" in " ".join(h.value for h in at.subheader)
    assert sum(line.endswith("▶  ") for line in _plan_lines(at)) == 5
    assert readiness_after(at) != before


def test_english(kerupuk):
    at = _ok(_set(_set(_new(), "radio", "lang", "en"), "selectbox", "product", "kerupuk"))
    assert "Improvement plan (QFD)" in [tab.label for tab in at.tabs]
    assert _chart(at)["title"] == "House of quality: kerupuk"
    assert _plan_lines(at)[0].startswith("1. **Expert assistance**")
    assert any(m.value.startswith("Firms concerned: 16 kerupuk firms") for m in at.markdown)


def test_own_importance_table_changes_the_plan_and_is_named():
    # A planner who sells to shops and distributors elsewhere: the market needs at 5, the others
    # at 1 (test_qfd.py checks the ranking this gives against the library).
    needs = read_table(params_table(qfd.TABLE_FILES["needs"]))
    snack = needs["product_family"] == "camilan_kering"
    needs.loc[snack, "importance"] = "1"
    needs.loc[snack & needs["need_id"].isin(["mudah_didapat", "pemasok_andal"]), "importance"] = "5"
    own = needs.to_csv(index=False).encode("utf-8")
    at = _set(_new(), "selectbox", "product", "kerupuk")
    at.file_uploader(key="qfd-up-needs").set_value(("pasar.csv", own, "text/csv"))
    at = _ok(at.run())
    assert any(
        c.value == "Tabel Anda dipakai: tabel kepentingan kebutuhan pembeli." for c in at.caption
    )
    assert _plan_lines(at)[0].startswith("1. **Pemasaran (agen, distributor, daring)**")
    warning = next(w.value for w in at.warning if w.value.startswith("Asumsi bawaan"))
    assert "kepentingan" not in warning  # the user's table is not called an assumption


def test_bad_uploads_are_named_all_at_once_and_the_other_tabs_still_draw():
    at = _set(_new(), "selectbox", "product", "kerupuk")
    at.file_uploader(key="qfd-up-needs").set_value(
        (
            "kepentingan.csv",
            b"product_family,need_id,importance\ncamilan_kering,rasa_konsisten,7\n",
            "text/csv",
        )
    )
    at.file_uploader(key="qfd-up-relationships").set_value(
        (
            "hubungan.csv",
            b"product_family,need_id,dimension,strength\n"
            b"camilan_kering,rasa_konsisten,Rasa Enak,9\ncamilan_kering,rasa_konsisten,Merek,2\n",
            "text/csv",
        )
    )
    at.run()
    assert not at.exception
    messages = [e.value for e in at.error]
    assert len(messages) == 1
    assert messages[0].splitlines() == [
        "3 masalah dalam tabel QFD:",  # the count in the page's language, the problems as written
        "- kepentingan.csv: row 2, column 'importance': values 7 are not whole numbers from 1 "
        "(minor) to 5 (essential).",
        "- hubungan.csv: row 2, column 'dimension': unknown dimensions Rasa Enak. Use the "
        "dimension names of the assessment rubric (Table 4), e.g. 'Pembukuan' or 'Bookkeeping'.",
        "- hubungan.csv: row 3, column 'strength': values 2 are not 0, 1, 3 or 9 (9 strong, "
        "3 medium, 1 weak, 0 or empty none).",
    ]
    assert "Perbandingan desa untuk kerupuk" in [h.value for h in at.subheader]
