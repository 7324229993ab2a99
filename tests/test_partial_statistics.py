"""A province with statistics for a few villages only: no data is shown as no data.

The fixture is the bundled Kalimantan Barat boundaries (2,130 villages) with a tiny business
table for 20 villages and harvest figures for three of them, and no land-use layer (issue: with
statistics for 20 villages, all 2,130 were coloured on the score scale, and the production of the
harvest table vanished from ``villages.csv`` without a land-use layer).
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from ovop_geo import mapstyle
from ovop_geo.manifest import load_manifest
from ovop_geo.pipeline import AnalysisParams, analyse, prepare_region
from ovop_geo.region import load_region
from ovop_geo.report import build_outputs, map_frame, result_map

N_REPORTED = 20


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    root = load_region("kalimantan-barat").manifest.project_dir
    tmp = tmp_path_factory.mktemp("partial")
    codes = sorted(
        pd.read_parquet(
            root / "data/boundaries/kalimantan_barat_desa.parquet", columns=["kode_desa"]
        )["kode_desa"].astype(str)
    )
    reported = codes[:N_REPORTED]
    rows = ["village_code,product,businesses,source"]
    # The first village: 6 kerupuk firms and no keripik; the 19 others: one of each.
    rows += [f"{reported[0]},kerupuk,6,test", f"{reported[0]},keripik,0,test"]
    for code in reported[1:]:
        rows += [f"{code},kerupuk,1,test", f"{code},keripik,1,test"]
    (tmp / "businesses.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    # Harvest per village for three reported villages (no land-use layer).
    (tmp / "harvest.csv").write_text(
        "village_code,crop_id,harvest_area_ha,yield,yield_unit,source\n"
        f"{reported[1]},ubi_kayu,10,100,ku/ha,test\n"
        f"{reported[1]},padi,100,40,ku/ha,test\n"
        f"{reported[2]},padi,50,4.5,t/ha,test\n",
        encoding="utf-8",
    )
    text = (root / "layers" / "kalimantan-barat.toml").read_text(encoding="utf-8")
    text = text.replace('"../', f'"{root.as_posix()}/').replace(
        'id = "kalimantan-barat"', 'id = "kalbar-partial"'
    )
    text += (
        f'\n[statistics.businesses]\npath = "{(tmp / "businesses.csv").as_posix()}"\n'
        'source = "test"\nyear = 2024\n'
        f'\n[statistics.harvest]\npath = "{(tmp / "harvest.csv").as_posix()}"\n'
        'level = "village"\nsource = "test"\n'
    )
    (tmp / "layers").mkdir()
    path = tmp / "layers" / "kalbar-partial.toml"
    path.write_text(text, encoding="utf-8")
    region = load_region(load_manifest(path, allow_outside=True))
    result = analyse(prepare_region(region), AnalysisParams(sensitivity_runs=20))
    return result, reported


def test_villages_without_statistics_get_no_score(province):
    result, reported = province
    villages = result.villages
    assert len(villages) == 2130
    unreported = villages.index.difference(reported)
    assert len(unreported) == 2130 - N_REPORTED
    # Scores, ranks, recommendation: only for the 20 villages with statistics.
    assert set(result.scores.index.get_level_values("village_code")) == set(reported)
    assert villages.loc[unreported, "score_max"].isna().all()
    assert villages.loc[reported, "score_max"].notna().all()
    # A recommendation (distinct products is an option, off here) only where firms are known.
    assert result.allocation is None
    assert set(result.recommendation.index) <= set(reported)
    assert villages.loc[unreported, "ovop_product"].isna().all()
    # Business counts of a village without rows are unknown, not 0.
    assert villages.loc[unreported, "businesses_kerupuk"].isna().all()
    assert villages.loc[reported[0], "businesses_kerupuk"] == 6
    assert villages.loc[reported[0], "businesses_keripik"] == 0  # a row with 0 is a known 0
    # LQ over the reported villages: kerupuk 25 of 44 firms; the first village is all kerupuk.
    assert villages.loc[reported[0], "lq_kerupuk"] == pytest.approx((6 / 6) / (25 / 44))
    assert villages.loc[unreported, "lq_kerupuk"].isna().all()
    note = next(n for n in result.notes if getattr(n, "key", "") == "note.businesses_unreported")
    assert "2,110 village(s)" in note
    assert "2.110 desa" in note.text("id")


def test_map_draws_villages_without_statistics_as_no_data(province):
    result, _ = province
    frame = map_frame(result)
    assert frame["score_kerupuk"].notna().sum() == N_REPORTED
    for lang, label in (("id", "tidak ada data"), ("en", "no data")):
        m = result_map(result, indicator="score", product="kerupuk", lang=lang)
        layer = next(c for c in m._children.values() if c.__class__.__name__ == "GeoJson")
        fills = pd.Series([f["properties"]["fill"] for f in layer.data["features"]])
        assert (fills == mapstyle.NO_DATA_COLOUR).sum() == 2130 - N_REPORTED
        page = m.get_root().render()
        assert mapstyle.NO_DATA_COLOUR in page and label in page
    # The allocated product is no data too for the villages without statistics.
    m = result_map(result, indicator="ovop_product", lang="en")
    layer = next(c for c in m._children.values() if c.__class__.__name__ == "GeoJson")
    fills = [f["properties"]["fill"] for f in layer.data["features"]]
    assert fills.count(mapstyle.NO_DATA_COLOUR) >= 2130 - N_REPORTED


def test_production_of_the_harvest_table_is_exported_without_a_land_use_layer(province):
    result, reported = province
    assert result.land is None  # no land-use layer
    out = build_outputs(result)
    csv = pd.read_csv(io.BytesIO(out["villages.csv"]()), dtype={"village_code": str})
    csv = csv.set_index("village_code")
    # 100 ha x 40 ku/ha = 400 t; 50 ha x 4.5 t/ha = 225 t; 10 ha x 100 ku/ha = 100 t.
    assert csv.loc[reported[1], "production_padi_t"] == pytest.approx(400.0)
    assert csv.loc[reported[2], "production_padi_t"] == pytest.approx(225.0)
    assert csv.loc[reported[1], "production_ubi_kayu_t"] == pytest.approx(100.0)
    assert csv.loc[reported[1], "harvest_area_padi_ha"] == pytest.approx(100.0)
    assert np.isnan(csv.loc[reported[3], "production_padi_t"])  # not given: unknown
    # What the production allows is computed: the raw-material supply ratio. Village 2 makes
    # one kerupuk (12 t tapioca a year / 0.22) and one keripik (9.6 t fresh roots): demand
    # 64.145 t of fresh cassava against 100 t produced.
    ratio = result.criteria.loc[(reported[1], "kerupuk"), "raw_material_supply_ratio"]
    assert ratio == pytest.approx(100.0 / (12.0 / 0.22 + 9.6), rel=1e-9)
    assert np.isnan(result.criteria.loc[(reported[1], "kerupuk"), "available_land_ha"])
    # What cannot be computed is named in the notes, in both languages.
    note = next(
        n for n in result.notes if getattr(n, "key", "") == "note.production_without_landuse"
    )
    assert "land balance" in note and "neraca lahan" in note.text("id")


def test_region_totals_without_land_use_stay_in_the_run_record(tmp_path):
    # Rasau Jaya without its (illustrative) land-use, zoning and elevation layers: the
    # harvest totals cannot be spread over villages, but they are not dropped.
    import json
    import re

    root = load_region("rasau-jaya").manifest.project_dir
    text = (root / "layers" / "rasau-jaya.toml").read_text(encoding="utf-8")
    text = re.sub(r"\n\[(landuse|zoning|elevation)\]\n(?:[^\[\n][^\n]*\n|\n)*", "\n", text)
    assert "[landuse]" not in text and "[statistics.harvest]" in text
    text = text.replace('"../', f'"{root.as_posix()}/').replace(
        'id = "rasau-jaya"', 'id = "rj-no-layers"'
    )
    (tmp_path / "layers").mkdir()
    path = tmp_path / "layers" / "rj.toml"
    path.write_text(text, encoding="utf-8")
    result = analyse(
        prepare_region(load_region(load_manifest(path, allow_outside=True))),
        AnalysisParams(sensitivity_runs=10),
    )
    record = json.loads(build_outputs(result)["run.json"]())
    production = record["region_summary"]["production"]
    # Paper: 2,709 ha x 23.06 ku/ha = 6,247.0 t of padi; 991 ha x 127.25 ku/ha of ubi kayu.
    assert production["padi"]["production_t"] == pytest.approx(2709 * 2.306, abs=0.05)
    assert production["ubi_kayu"]["production_t"] == pytest.approx(991 * 12.725, abs=0.05)
    assert production["jagung"]["harvest_area_ha"] == pytest.approx(246.52)
    assert any(getattr(n, "key", "") == "note.totals_not_spread" for n in result.notes)


def test_villages_without_harvest_rows_have_no_production(tmp_path):
    # Rasau Jaya with its land-use layer and a per-village harvest table for two villages:
    # the four others have no harvest figures, so no production (not 0) on the map.
    rj1, rj2 = "61.12.07.2002", "61.12.07.2003"
    root = load_region("rasau-jaya").manifest.project_dir
    (tmp_path / "harvest.csv").write_text(
        "village_code,crop_id,harvest_area_ha,yield,yield_unit,source\n"
        f"{rj1},ubi_kayu,30,120,ku/ha,test\n{rj2},padi,80,4,t/ha,test\n",
        encoding="utf-8",
    )
    text = (root / "layers" / "rasau-jaya.toml").read_text(encoding="utf-8")
    text = text.replace(
        'path = "../data/paper/harvest_kecamatan.csv"\nlevel = "region"',
        f'path = "{(tmp_path / "harvest.csv").as_posix()}"\nlevel = "village"',
    )
    text = text.replace('"../', f'"{root.as_posix()}/').replace(
        'id = "rasau-jaya"', 'id = "rj-village-harvest"'
    )
    (tmp_path / "layers").mkdir()
    path = tmp_path / "layers" / "rj.toml"
    path.write_text(text, encoding="utf-8")
    result = analyse(
        prepare_region(load_region(load_manifest(path, allow_outside=True))),
        AnalysisParams(sensitivity_runs=10),
    )
    villages = result.villages
    assert result.land is not None  # the land balance is computed
    assert villages.loc[rj1, "production_ubi_kayu_t"] == pytest.approx(30 * 12.0)  # 360 t
    assert villages.loc[rj2, "production_padi_t"] == pytest.approx(320.0)
    others = villages.index.difference([rj1, rj2])
    assert len(others) == 4
    assert villages.loc[others, "production_padi_t"].isna().all()
    assert villages.loc[others, "harvest_area_ubi_kayu_ha"].isna().all()
    assert villages.loc[others, "land_unused_ha"].notna().all()
    note = next(n for n in result.notes if getattr(n, "key", "") == "note.harvest_unreported")
    assert "4 village(s) have no harvest rows" in note
