"""The whole analysis on the bundled Rasau Jaya data, against the paper's numbers."""

import hashlib
import json

import geopandas as gpd
import numpy as np
import pytest

from ovop_geo.errors import ParameterError
from ovop_geo.pipeline import SLOPE_THRESHOLDS_PCT, AnalysisParams, analyse, prepare_region
from ovop_geo.region import load_region
from ovop_geo.report import build_outputs, candidates_frame, run_record

RJ1 = "61.12.07.2002"  # Rasau Jaya I (Kemendagri: Rasau Jaya Satu)


@pytest.fixture(scope="module")
def prepared():
    return prepare_region(load_region("rasau-jaya"))


@pytest.fixture(scope="module")
def result(prepared):
    return analyse(prepared, AnalysisParams(sensitivity_runs=200))


def test_kecamatan_production_matches_the_paper(prepared):
    # 2,709 ha x 23.06 ku/ha, 246.52 ha x 18.29 ku/ha, 991 ha x 127.25 ku/ha (1 ku = 0.1 t).
    prod = prepared.production_region["production_t"]
    assert prod["padi"] == pytest.approx(2709 * 2.306, abs=0.05)
    assert prod["padi"] == pytest.approx(6247.0, abs=0.05)
    assert prod["jagung"] == pytest.approx(450.9, abs=0.05)
    assert prod["ubi_kayu"] == pytest.approx(12610.5, abs=0.05)


def test_village_figures_add_back_to_the_totals_exactly(prepared):
    by_village = prepared.harvest_by_village.groupby(level="crop_id")[
        ["harvest_area_ha", "production_t"]
    ].sum()
    totals = prepared.production_region
    for col in ("harvest_area_ha", "production_t"):
        np.testing.assert_allclose(
            by_village[col].sort_index(), totals[col].sort_index(), rtol=1e-12
        )
    assert prepared.harvest_by_village["estimated"].all()


def test_slopes_are_those_of_flat_tidal_lowland(prepared):
    # The paper: slopes of 0-3 % across the kecamatan.
    slope = prepared.slope
    assert (slope["slope_max_pct"] <= 3.0).all()
    assert (slope["share_slope_below_3_pct"] > 0.999).all()
    assert (slope["slope_reason"] == "").all()


def test_only_kerupuk_in_rasau_jaya_i_meets_pp29(result):
    meets = result.rules.index[result.rules["meets_pp29_2018"]].tolist()
    assert meets == [(RJ1, "kerupuk")]
    assert result.lq_businesses.loc[RJ1, "kerupuk"] == pytest.approx((6 / 13) / (16 / 50))


def test_available_land_never_exceeds_the_physical_land(prepared, result):
    land, balance, villages = result.land, result.land_balance, result.villages
    crops = ("padi", "jagung", "ubi_kayu")
    total = villages[[f"available_{c}_ha" for c in crops]].sum(axis=1)
    assert (total <= villages["land_unused_ha"] * (1 + 1e-12)).all()
    assert (villages["land_unused_ha"] <= villages["land_farmland_ha"]).all()
    # Rasau Jaya Umum by hand: land in use = padi harvest / 1.2 + jagung / 1.5 + ubi kayu / 1.0
    # (cropping intensities of crops.csv); unused = farmland suitable for some crop - in use.
    rju = "61.12.07.2001"
    harvest = land.xs(rju, level="village_code")["harvested_ha"]
    in_use = harvest["padi"] / 1.2 + harvest["jagung"] / 1.5 + harvest["ubi_kayu"] / 1.0
    assert balance.loc[rju, "land_used_ha"] == pytest.approx(in_use, rel=1e-12)
    suitable_any = prepared.village_land.loc[rju, "farmland_suitable_ha"]
    assert balance.loc[rju, "land_unused_ha"] == pytest.approx(suitable_any - in_use, rel=1e-12)
    assert total[rju] == pytest.approx(suitable_any - in_use, rel=1e-9)
    # farmland = sawah + tegalan + semak of the land-use layer (the farmland classes)
    lu = prepared.landuse_ha.loc[rju]
    assert balance.loc[rju, "land_farmland_ha"] == pytest.approx(
        lu["sawah_ha"] + lu["tegalan_ha"] + lu["semak_ha"], rel=1e-9
    )
    # used + unused + unsuitable = the village area
    parts = balance[["land_used_ha", "land_unused_ha", "land_unsuitable_ha"]].sum(axis=1)
    np.testing.assert_allclose(parts, balance["area_ha"], rtol=1e-9)
    # "suitable for crop X" is kept as its own, non-additive figure
    assert (villages["suitable_for_jagung_ha"] <= villages["land_suitable_ha"] + 1e-6).all()
    sums = villages[[f"suitable_for_{c}_ha" for c in crops]].sum(axis=1)
    assert (sums > villages["land_suitable_ha"]).all()  # the same hectare suits several crops
    # Land needed = harvested-crop demand / yield (t/ha from the paper).
    padi = land.xs("padi", level="crop_id")
    np.testing.assert_allclose(padi["land_needed_ha"], padi["demand_t_yr"] / 2.306, rtol=1e-9)


def test_harvest_is_not_spread_over_idle_land(prepared):
    weights = prepared.suitability["suitable_ha"] - prepared.suitability["suitable_idle_ha"]
    spread = prepared.harvest_by_village["harvest_area_ha"]
    for crop in ("padi", "jagung", "ubi_kayu"):
        w = weights.xs(crop, level="crop_id")
        h = spread.xs(crop, level="crop_id")
        ratio = h / w
        assert ratio.max() / ratio.min() == pytest.approx(1.0, rel=1e-9)


def test_weights_change_scores_but_not_the_prepared_region(prepared, result):
    only_households = AnalysisParams(sensitivity_runs=50).with_weights({"households": 1.0})
    other = analyse(prepared, only_households)
    # With households alone every candidate scores 100 x min(KK / 2,500, 1) (the anchors):
    # Pematang Tujuh 312 KK -> 12.48, Bintang Mas 1,202 KK -> 48.08, the others 100.
    scored = other.scores.dropna(subset=["score"])
    kk = {"61.12.07.2006": 312, "61.12.07.2005": 1202}
    expected = [
        100 * min(kk.get(v, 2500) / 2500, 1) for v in scored.index.get_level_values("village_code")
    ]
    np.testing.assert_allclose(scored["score"], expected)
    assert other.decision.weights_applied.to_dict() == {"households": 1.0}
    assert not result.scores["score"].equals(other.scores["score"])
    assert prepared.villages.index.tolist() == result.villages.index.tolist()


def test_bad_parameters_are_refused():
    with pytest.raises(ParameterError, match="unknown criteria in the weights: foo"):
        AnalysisParams(weights=(("foo", 1.0),))
    with pytest.raises(ParameterError, match="slope limit 4 % is not offered"):
        AnalysisParams(slope_limit_pct=4.0)
    with pytest.raises(ParameterError, match="at least one weight must be above zero"):
        AnalysisParams(weights=(("households", 0.0),))
    assert 3.0 in SLOPE_THRESHOLDS_PCT


def test_distinct_products_is_an_option(prepared, result):
    assert result.allocation is None  # not the default: each village gets its own best
    alloc = analyse(
        prepared, AnalysisParams(sensitivity_runs=10, distinct_products=True)
    ).allocation
    assert alloc["assigned"].all()
    assert alloc["product"].is_unique
    assert (alloc["score_lost"] >= -1e-9).all()


def test_candidates_frame_schema(result):
    cand = candidates_frame(result)
    required = {
        "village_code", "village_name", "product", "score", "rank", "meets_pp29_2018",
        "meets_bps_households", "share_rank1", "rank_min", "rank_max", "fragile",
        "businesses", "lq_businesses", "distance_centre_km", "estimated", "illustrative",
    }  # fmt: skip
    assert required <= set(cand.columns)
    assert cand.crs.to_epsg() == 4326
    assert ((cand["score"] >= 0) & (cand["score"] <= 100)).all()
    row = cand[(cand["village_code"] == RJ1) & (cand["product"] == "kerupuk")].iloc[0]
    assert bool(row["meets_pp29_2018"])
    assert row["village_name"] == "Rasau Jaya Satu"


def test_outputs_follow_rfc7946_and_record_the_inputs(result, tmp_path):
    outputs = build_outputs(result)
    data = json.loads(outputs["sentra_candidates.geojson"]())
    assert "crs" not in data
    lon, lat = np.array(data["features"][0]["geometry"]["coordinates"][0][0][0])[:2]
    assert 109.0 < lon < 109.7 and -0.5 < lat < 0.0
    villages = gpd.read_file(outputs["villages.geojson"]().decode())
    assert len(villages) == 6 and villages.crs.to_epsg() == 4326
    record = run_record(result)
    boundaries = next(i for i in record["inputs"] if i["role"] == "boundaries")
    project = result.region.manifest.project_dir
    expected = hashlib.sha256((project / boundaries["path"]).read_bytes()).hexdigest()
    assert boundaries["sha256"] == expected
    assert record["weights"] == result.weights
    assert "elevation" in record["illustrative_layers"]


def test_run_record_region_summary_and_capacity_columns(prepared):
    result = analyse(prepared, AnalysisParams(sensitivity_runs=20, start_year=2026))
    summary = run_record(result)["region_summary"]
    # Hand calculation in tests/test_farming.py::test_carrying_capacity_of_rasau_jaya_in_beras
    assert summary["capacity_supply_demand_ratio"] == pytest.approx(0.2515, abs=1e-4)
    assert summary["capacity_alpha_index"] == pytest.approx(0.6422, abs=1e-4)
    assert summary["capacity_alpha_class"] == "III"
    assert summary["capacity_status"] == "deficit"
    assert "OVOP-crop variant" in summary["capacity_method"]
    params = summary["capacity_parameters"]
    assert {p["crop_id"] for p in params["prices"]} == {"padi", "jagung", "ubi_kayu", "beras"}
    assert all(p["source"] for p in params["prices"])
    assert params["conversions"][0]["factor"] == 0.6402
    assert params["conversions"][0]["source"].startswith("BPS")
    growth = summary["growth"]
    assert growth["start_year"] == 2026 and growth["data_year"] == 2013
    assert [s["name"] for s in growth["scenarios"]] == ["low", "central", "high"]
    assert [s["growth_rate_pct_yr"] for s in growth["scenarios"]] == [2.35, 10.0, 30.0]
    assert all(s["source"] for s in growth["scenarios"])
    assert growth["population_growth_pct_yr"] == 2.35  # paper Table 2, from the manifest
    for s in growth["scenarios"]:
        assert all(y is None or y >= 2026 for y in s["region_year_land_short"].values())
    conversions = {r["product"]: r for r in summary["raw_material_conversions"]}
    assert conversions["kerupuk"]["rate_source"] == "assumption"
    villages = result.villages
    assert {"capacity_alpha_index", "capacity_alpha_class", "capacity_status"} <= set(
        villages.columns
    )
    # Bintang Mas: surplus with the paddy price (ratio 1.246), deficit in beras equivalent
    assert villages.loc["61.12.07.2005", "capacity_status"] == "deficit"
    years = villages[[c for c in villages.columns if c.startswith("year_land_short")]]
    assert (years.stack().dropna() >= 2026).all()


def test_a_past_start_year_is_only_used_when_asked(prepared):
    # The data year as the start, clearly labelled: years counted from 2013, never earlier.
    result = analyse(prepared, AnalysisParams(sensitivity_runs=20, start_year=2013))
    assert result.growth.start_year == 2013 and result.growth.data_year == 2013
    assert (result.land["year_land_short"].dropna() >= 2013).all()
    record = run_record(result)["region_summary"]["growth"]
    assert record["baseline"] == "the 2013 figures (the latest) taken as the state in 2013"


def test_two_periods_of_business_counts_give_dynamic_lq(tmp_path):
    from ovop_geo.manifest import load_manifest

    root = load_region("rasau-jaya").manifest.project_dir
    t3 = (root / "data/paper/table3_businesses.csv").read_text(encoding="utf-8").splitlines()
    # 2010: the same counts except kerupuk in Rasau Jaya I, 3 firms instead of 6
    earlier = [line.replace("kerupuk,Rasau Jaya I,6,", "kerupuk,Rasau Jaya I,3,") for line in t3]
    (tmp_path / "t3_2010.csv").write_text("\n".join(earlier) + "\n", encoding="utf-8")
    text = (root / "layers" / "rasau-jaya.toml").read_text(encoding="utf-8")
    text = text.replace('"../', f'"{root.as_posix()}/')
    text += (
        f'\n[statistics.businesses_previous]\npath = "{(tmp_path / "t3_2010.csv").as_posix()}"'
        '\nyear = 2010\nsource = "test"\n'
    )
    (tmp_path / "layers").mkdir()
    path = tmp_path / "layers" / "rj-two.toml"
    path.write_text(text.replace('id = "rasau-jaya"', 'id = "rj-two"'), encoding="utf-8")
    result = analyse(
        prepare_region(load_region(load_manifest(path, allow_outside=True))),
        AnalysisParams(sensitivity_runs=10),
    )
    dlq = result.two_period["dynamic_lq"].loc[(RJ1, "kerupuk"), "dlq"]
    # DLQ = (x1_ij / x0_ij) / (X1_j / X0_j) / ((X1_i / X0_i) / (X1 / X0)) with compound growth:
    # Rasau Jaya I kerupuk 3 -> 6, its total 10 -> 13, kerupuk 13 -> 16, all firms 47 -> 50
    assert dlq == pytest.approx((6 / 3) / (13 / 10) / ((16 / 13) / (50 / 47)), rel=1e-12)
    assert result.villages.loc[RJ1, "dlq_kerupuk"] == pytest.approx(dlq)
    assert result.villages.loc[RJ1, "dlq_class_kerupuk"] == "unggulan"
    shift = result.two_period["shift_share"].loc[(RJ1, "kerupuk")]
    assert shift["change"] == 3
    assert not any("need two periods" in n for n in result.notes)
