"""Tests of ovop_geo.farming with hand-checked numbers and the paper's kecamatan figures."""

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ovop_geo.capacity import carrying_capacity, population_by_village
from ovop_geo.errors import InputDataError, ParameterError
from ovop_geo.farming import (
    FarmingParams,
    cropping_intensity,
    disaggregate_harvest,
    growth_scenario,
    land_availability,
    land_balance,
    production,
    raw_material_demand,
    raw_material_table,
)

DATA = Path(__file__).resolve().parents[1] / "data"
KEY = ["village_code", "crop_id"]


def _suitable(rows):
    """(village, crop, suitable_ha) tuples -> suitability-like frame."""
    df = pd.DataFrame(rows, columns=[*KEY, "suitable_ha"]).set_index(KEY)
    df["illustrative"] = True
    return df


# ----------------------------------------------------------------------- production
def test_production_on_the_papers_kecamatan_totals():
    harvest = pd.read_csv(DATA / "paper" / "harvest_kecamatan.csv")
    out = production(harvest, source="harvest_kecamatan.csv")
    assert out.index.name == "crop_id"
    # paper: padi 2,709 ha x 23.06 ku/ha; jagung 246.52 x 18.29; ubi kayu 991 x 127.25
    assert out.loc["padi", "yield_t_ha"] == pytest.approx(2.306)
    assert out.loc["padi", "production_t"] == pytest.approx(6247.0, abs=0.05)
    assert out.loc["jagung", "production_t"] == pytest.approx(450.9, abs=0.05)
    assert out.loc["ubi_kayu", "production_t"] == pytest.approx(12610.5, abs=0.05)
    assert not out["estimated"].any()
    assert out["source"].str.startswith("paper").all()


def test_production_per_village_with_units_per_row():
    harvest = pd.DataFrame(
        {
            "village_code": ["A", "A", "B"],
            "crop_id": ["padi", "jagung", "padi"],
            "harvest_area_ha": [10.0, 2.0, 4.0],
            "yield": [25.0, 1800.0, 3.0],
            "yield_unit": ["ku/ha", "kg/ha", "t/ha"],
        }
    )
    out = production(harvest)
    assert list(out.index.names) == KEY
    np.testing.assert_allclose(out["production_t"], [25.0, 3.6, 12.0])


def test_production_reports_every_problem_at_once():
    harvest = pd.DataFrame(
        {
            "crop_id": ["padi", "jagung"],
            "harvest_area_ha": [-5.0, 2.0],
            "yield": [23.0, 18.0],
            "yield_unit": ["ku/ha", "bushel/acre"],
        }
    )
    with pytest.raises(InputDataError, match=r"h\.csv: 2 problems") as info:
        production(harvest, source="h.csv")
    text = str(info.value)
    assert "column 'harvest_area_ha': negative values. Rows: padi" in text
    assert "unknown yield unit bushel/acre" in text


def test_production_negative_area_message():
    harvest = pd.DataFrame({"crop_id": ["padi"], "harvest_area_ha": [-1.0], "yield_t_ha": [2.0]})
    with pytest.raises(InputDataError, match=r"'harvest_area_ha': negative values\. Rows: padi"):
        production(harvest, source="h.csv")


def test_production_unknown_unit_message():
    harvest = pd.DataFrame(
        {"crop_id": ["padi"], "harvest_area_ha": [1.0], "yield": [2.0], "yield_unit": ["q/ac"]}
    )
    with pytest.raises(InputDataError, match=r"unknown yield unit q/ac.*Accepted units"):
        production(harvest)


def test_production_mixed_levels_refused():
    harvest = pd.DataFrame(
        {
            "village_code": ["A", ""],
            "crop_id": ["padi", "padi"],
            "harvest_area_ha": [1.0, 2.0],
            "yield_t_ha": [2.0, 2.0],
        }
    )
    with pytest.raises(InputDataError, match=r"region totals.*Put them in separate tables"):
        production(harvest)


# ----------------------------------------------------------------------- disaggregation
def test_disaggregate_in_proportion_to_suitable_land():
    totals = pd.DataFrame(
        {"harvest_area_ha": [100.0], "yield_t_ha": [2.5]}, index=pd.Index(["padi"], name="crop_id")
    )
    suitable = _suitable([("A", "padi", 200.0), ("B", "padi", 100.0), ("C", "padi", 100.0)])
    out = disaggregate_harvest(totals, suitable)
    np.testing.assert_allclose(out["harvest_area_ha"], [50.0, 25.0, 25.0])
    np.testing.assert_allclose(out["production_t"], [125.0, 62.5, 62.5])
    assert out["estimated"].all()
    assert out["illustrative"].all()
    assert not out["exceeds_suitable"].any()
    assert out.loc[("A", "padi"), "share_suitable_harvested"] == pytest.approx(0.25)


def test_disaggregated_bundled_totals_add_back_up_exactly():
    totals = production(pd.read_csv(DATA / "paper" / "harvest_kecamatan.csv"))
    weights = [1 / 3, np.pi, np.e, 1e-7, 0.0, 1234.5678]
    rows = [
        (f"V{i}", crop, w * (k + 1))
        for k, crop in enumerate(["padi", "jagung", "ubi_kayu"])
        for i, w in enumerate(weights)
    ]
    suitable = _suitable(rows)
    before = (totals.copy(), suitable.copy())
    out = disaggregate_harvest(totals, suitable)
    pd.testing.assert_frame_equal(totals, before[0])  # inputs are not modified
    pd.testing.assert_frame_equal(suitable, before[1])
    assert out["source"].str.endswith("(spread over villages by suitable land)").all()
    sums = out.groupby(level="crop_id")["harvest_area_ha"].sum()
    for crop in totals.index:
        assert np.isclose(sums[crop], totals.loc[crop, "harvest_area_ha"], rtol=1e-9, atol=0)
    assert out.loc[("V4", "padi"), "harvest_area_ha"] == 0.0
    prod = out.groupby(level="crop_id")["production_t"].sum()
    assert prod["padi"] == pytest.approx(6247.0, abs=0.05)


def test_disaggregate_flags_harvest_beyond_suitable_land_without_clipping(caplog):
    totals = pd.DataFrame({"crop_id": ["jagung"], "harvest_area_ha": [150.0], "yield_t_ha": [1.8]})
    suitable = _suitable([("A", "jagung", 50.0), ("B", "jagung", 50.0)])
    out = disaggregate_harvest(totals, suitable)
    np.testing.assert_allclose(out["harvest_area_ha"], [75.0, 75.0])
    assert out["exceeds_suitable"].all()
    assert out["share_suitable_harvested"].tolist() == pytest.approx([1.5, 1.5])
    assert "exceeds suitable land" in caplog.text


def test_disaggregate_zero_suitable_land_everywhere():
    totals = pd.DataFrame({"crop_id": ["padi"], "harvest_area_ha": [10.0], "yield_t_ha": [2.0]})
    with pytest.raises(InputDataError, match=r"crop 'padi' has no suitable land in any village"):
        disaggregate_harvest(totals, _suitable([("A", "padi", 0.0), ("B", "padi", 0.0)]))


def test_disaggregate_crop_without_suitability():
    totals = pd.DataFrame({"crop_id": ["kedelai"], "harvest_area_ha": [10.0], "yield_t_ha": [1.0]})
    with pytest.raises(InputDataError, match=r"crop 'kedelai' has no suitable-land figures"):
        disaggregate_harvest(totals, _suitable([("A", "padi", 5.0)]))


# ----------------------------------------------------------------------- raw materials
@pytest.fixture
def raw_materials():
    return pd.read_csv(DATA / "paper" / "raw_materials.csv")


def test_raw_material_demand_by_hand(raw_materials):
    businesses = pd.DataFrame(
        {
            "rengginang": [3, 0],
            "kerupuk": [2, 0],
            "marning": [0, 1],
            "kerajinan": [5, 0],
            "minuman": [0, 2],
        },
        index=pd.Index(["A", "B"], name="village_code"),
    )
    out = raw_material_demand(businesses, raw_materials)
    assert list(out.index.names) == KEY
    assert len(out) == 2 * 3  # every village x every crop of the table
    # 3 rengginang firms x 6 t beras ketan; 1 t dry milled paddy gives 0.6402 t beras (BPS 2018)
    assert out.loc[("A", "padi"), "demand_processed_t_yr"] == pytest.approx(18.0)
    assert out.loc[("A", "padi"), "demand_t_yr"] == pytest.approx(18.0 / 0.6402)
    # 2 kerupuk firms x 12 t tapioca; fresh roots give 22 % starch: 24 / 0.22 = 109.09 t roots
    assert out.loc[("A", "ubi_kayu"), "demand_t_yr"] == pytest.approx(109.0909, abs=1e-4)
    assert out.loc[("A", "jagung"), "demand_t_yr"] == 0.0
    assert out.loc[("B", "jagung"), "demand_t_yr"] == pytest.approx(7.2)  # shelled maize as is
    assert out.loc[("B", "padi"), "demand_t_yr"] == 0.0  # drinks need no crop
    assert out.loc[("A", "padi"), "source"] == "assumption"
    # Every input rate is an assumption, kerupuk's too (its note always said so).
    assert out.loc[("A", "ubi_kayu"), "source"] == "assumption"
    assert out.loc[("A", "ubi_kayu"), "assumed"] and out.loc[("A", "padi"), "assumed"]
    assert out.loc[("A", "jagung"), "source"] == ""
    assert not out.loc[("A", "jagung"), "assumed"]


def test_raw_material_table_flags_and_conversions(raw_materials):
    table = raw_material_table(raw_materials).set_index("product")
    assert (table["rate_source"] == "assumption").all()
    assert table.loc["kerupuk", "processed_input"].startswith("tepung tapioka")
    assert table.loc["rengginang", "processed_input"].startswith("beras ketan")
    assert table.loc["rengginang", "conversion_source"].startswith("BPS")
    assert table["assumed"].all()
    # Land needed per firm rises by 1 / 0.6402 = 1.56 for rice products, 1 / 0.22 = 4.5 for
    # starch products, against the old table that counted the rate as harvested crop.
    assert 1 / table.loc["dodol", "processed_t_per_harvested_t"] == pytest.approx(1.562, abs=1e-3)
    assert 1 / table.loc["kerupuk", "processed_t_per_harvested_t"] == pytest.approx(4.545, abs=1e-3)


def test_raw_material_table_old_layout_and_bad_conversion():
    old = pd.DataFrame({"product": ["x"], "crop_id": ["padi"], "input_t_per_business_yr": [2.0],
                        "source": ["paper"]})
    table = raw_material_table(old)
    assert table.loc[0, "processed_t_per_harvested_t"] == 1.0 and not table.loc[0, "assumed"]
    bad = raw_material_table(old).drop(columns="assumed")
    bad.loc[0, "processed_t_per_harvested_t"] = 0.0
    bad.loc[0, "conversion_source"] = ""
    with pytest.raises(InputDataError, match=r"rm\.csv: 2 problems") as info:
        raw_material_table(bad, source="rm.csv")
    assert "values must be above 0" in str(info.value)
    assert "column 'conversion_source': empty cells. Rows: x/padi" in str(info.value)


def test_raw_material_demand_on_table3(raw_materials):
    t3 = pd.read_csv(DATA / "paper" / "table3_businesses.csv")
    businesses = t3.pivot_table(
        index="village_name", columns="product", values="businesses", aggfunc="sum"
    )
    businesses.index.name = "village_code"
    out = raw_material_demand(businesses, raw_materials)
    total = out.groupby(level="crop_id")[["demand_processed_t_yr", "demand_t_yr"]].sum()
    # processed: padi 12 rengginang x 6 + 2 kue x 2.4 + 2 dodol x 2.4 = 81.6 t of rice products;
    # jagung 2 marning x 7.2 = 14.4 t; ubi kayu 16 kerupuk x 12 + 2 torratello x 4.8 = 201.6 t
    # tapioca plus 7 keripik x 9.6 = 67.2 t fresh roots.
    assert total.loc["padi", "demand_processed_t_yr"] == pytest.approx(81.6)
    assert total.loc["ubi_kayu", "demand_processed_t_yr"] == pytest.approx(268.8)
    # harvested: padi 81.6 / 0.6402 = 127.46 t GKG; ubi kayu 201.6 / 0.22 + 67.2 = 983.56 t
    assert total.loc["padi", "demand_t_yr"] == pytest.approx(127.460, abs=1e-3)
    assert total.loc["jagung", "demand_t_yr"] == pytest.approx(14.4)
    assert total.loc["ubi_kayu", "demand_t_yr"] == pytest.approx(983.564, abs=1e-3)
    assert out.loc[("Rasau Jaya I", "ubi_kayu"), "source"] == "assumption"


def test_raw_material_demand_bad_counts(raw_materials):
    businesses = pd.DataFrame({"kerupuk": [2, -1, 1.5]}, index=["A", "B", "C"])
    with pytest.raises(
        InputDataError, match=r"t3\.csv: column 'kerupuk': business counts must be whole numbers"
    ):
        raw_material_demand(businesses, raw_materials, businesses_source="t3.csv")


# ----------------------------------------------------------------------- land availability
@pytest.fixture
def land_inputs():
    suitable = _suitable([("A", "padi", 20.0), ("B", "padi", 5.0), ("C", "padi", 8.0)])
    harvest = pd.DataFrame(
        {
            "village_code": ["A", "B", "C"],
            "crop_id": ["padi"] * 3,
            "harvest_area_ha": [8.0, 6.0, 0.0],
            "yield_t_ha": [2.0, 2.0, 2.0],
            "estimated": ["true", "True", "1"],  # as read from a CSV without parsing
        }
    ).pipe(production)
    demand = pd.DataFrame(
        {
            "village_code": ["A", "B", "C"],
            "crop_id": ["padi"] * 3,
            "demand_t_yr": [4.0, 0.0, 0.0],
            "source": ["assumption", "", ""],
        }
    ).set_index(KEY)
    return suitable, harvest, demand


def test_land_availability_by_hand(land_inputs):
    out = land_availability(*land_inputs)
    a, b, c = (out.loc[(v, "padi")] for v in "ABC")
    # One crop, no village land given: unused = suitable - harvested (intensity 1)
    assert a["available_ha"] == pytest.approx(12.0)
    assert a["production_t"] == pytest.approx(16.0)
    assert a["land_needed_ha"] == pytest.approx(2.0)  # 4 t / 2 t/ha
    assert a["supply_ratio"] == pytest.approx(4.0)
    assert b["available_ha"] == 0.0  # harvested beyond suitable: nothing left to allocate
    assert b["supply_ratio"] == np.inf  # production without demand
    assert np.isnan(c["supply_ratio"])  # neither production nor demand
    assert c["land_needed_ha"] == 0.0
    assert out["estimated"].all() and out["illustrative"].all()
    assert a["demand_source"] == "assumption"


@pytest.fixture
def two_crops():
    suitable = _suitable([("A", "padi", 100.0), ("A", "jagung", 80.0),
                          ("B", "padi", 10.0), ("B", "jagung", 10.0)])
    harvest = pd.DataFrame({
        "village_code": ["A", "A", "B"], "crop_id": ["padi", "jagung", "padi"],
        "harvest_area_ha": [60.0, 15.0, 24.0], "yield_t_ha": [2.0, 1.5, 2.0],
    }).pipe(production)
    village_land = pd.DataFrame(
        {"area_ha": [200.0, 50.0], "farmland_ha": [150.0, 15.0],
         "farmland_suitable_ha": [120.0, 12.0], "farmland_idle_ha": [30.0, 0.0],
         "illustrative": True},
        index=pd.Index(["A", "B"], name="village_code"),
    )
    intensity = pd.Series({"padi": 1.2, "jagung": 1.5})
    return suitable, harvest, village_land, intensity


def test_one_physical_land_balance_by_hand(two_crops):
    suitable, harvest, village_land, intensity = two_crops
    out = land_availability(suitable, harvest, _empty_demand(), village_land=village_land,
                            intensity=intensity)
    a = out.xs("A", level="village_code")
    # In use: padi 60 ha harvested / 1.2 = 50 ha; jagung 15 / 1.5 = 10 ha; 60 ha in all.
    assert a.loc["padi", "in_use_ha"] == pytest.approx(50.0)
    assert a.loc["jagung", "in_use_ha"] == pytest.approx(10.0)
    # Unused suitable land U = 120 (suitable for at least one crop) - 60 = 60 ha.
    # Bounds: padi min(100 - 50, 60) = 50; jagung min(80 - 10, 60) = 60 (not additive: 110).
    assert a.loc["padi", "unused_suitable_ha"] == pytest.approx(50.0)
    assert a.loc["jagung", "unused_suitable_ha"] == pytest.approx(60.0)
    # One allocation of the 60 ha in proportion to the bounds: 60 x 50/110 and 60 x 60/110.
    assert a.loc["padi", "available_ha"] == pytest.approx(27.272727, abs=1e-6)
    assert a.loc["jagung", "available_ha"] == pytest.approx(32.727273, abs=1e-6)
    assert a["available_ha"].sum() == pytest.approx(60.0)
    # B: padi 24 / 1.2 = 20 ha in use on 12 ha of suitable land: nothing to allocate.
    assert out.xs("B", level="village_code")["available_ha"].sum() == 0.0
    balance = land_balance(village_land, out)
    assert balance.loc["A", ["land_used_ha", "land_unused_ha", "land_unsuitable_ha"]].tolist() \
        == pytest.approx([60.0, 60.0, 80.0])  # 200 ha = 60 used + 60 unused + 80 other
    assert balance.loc["B", ["land_used_ha", "land_unused_ha", "land_unsuitable_ha",
                             "land_overused_ha"]].tolist() == pytest.approx([20.0, 0.0, 30.0, 8.0])
    parts = balance[["land_used_ha", "land_unused_ha", "land_unsuitable_ha"]].sum(axis=1)
    np.testing.assert_allclose(parts, balance["area_ha"])


def test_cropping_intensity_from_the_crops_table():
    crops = pd.read_csv(DATA / "params" / "crops.csv")
    ci = cropping_intensity(crops, ["padi", "jagung", "ubi_kayu", "kedelai"])
    assert ci.to_dict() == {"padi": 1.2, "jagung": 1.5, "ubi_kayu": 1.0, "kedelai": 1.0}
    assert crops["cropping_intensity_source"].str.startswith("assumption").all()
    with pytest.raises(InputDataError, match=r"'cropping_intensity' must be above 0.*padi"):
        cropping_intensity(crops.assign(cropping_intensity=0.0), ["padi"])


def _empty_demand():
    index = pd.MultiIndex.from_arrays([[], []], names=KEY)
    return pd.DataFrame({"demand_t_yr": pd.Series(dtype=float)}, index=index)


def test_land_availability_wrong_index(land_inputs):
    suitable, harvest, demand = land_inputs
    with pytest.raises(InputDataError, match=r"raw-material demand table: expected an index"):
        land_availability(suitable, harvest, demand.reset_index())


# ----------------------------------------------------------------------- growth
def test_growth_scenario_year_by_hand():
    table = pd.DataFrame(
        {
            "land_needed_ha": [10.0, 25.0, 0.0, 1.0, np.nan],
            "suitable_ha": [20.0, 20.0, 5.0, 1e9, 5],
        },
        index=pd.MultiIndex.from_tuples(
            [("A", "padi"), ("B", "padi"), ("C", "padi"), ("D", "padi"), ("E", "padi")], names=KEY
        ),
    )
    out = growth_scenario(table, growth_rate_pct_yr=30.0, base_year=2013, horizon_years=30)
    # 10 x 1.3^2 = 16.9 <= 20 and 10 x 1.3^3 = 21.97 > 20
    assert out.loc[("A", "padi"), "years_to_exceed"] == 3
    assert out.loc[("A", "padi"), "year_exceeds_suitable"] == 2016
    assert out.loc[("B", "padi"), "year_exceeds_suitable"] == 2013  # already exceeded
    assert out["year_exceeds_suitable"].isna().tolist() == [False, False, True, True, True]
    assert out.loc[("A", "padi"), "land_needed_5y_ha"] == pytest.approx(10 * 1.3**5)
    assert out.loc[("A", "padi"), "land_needed_10y_ha"] == pytest.approx(137.858491849)


def test_growth_scenario_parameters():
    table = pd.DataFrame({"land_needed_ha": [1.0], "suitable_ha": [2.0]})
    with pytest.raises(ParameterError, match=r"growth_rate_pct_yr must be a number above -100"):
        growth_scenario(table, growth_rate_pct_yr=-100.0)
    with pytest.raises(ParameterError, match=r"horizon_years must be a whole number >= 1"):
        growth_scenario(table, horizon_years=0)
    # g = 0: never exceeded when need <= land
    assert growth_scenario(table, growth_rate_pct_yr=0.0)["years_to_exceed"].isna().all()


def test_farming_params_frozen_and_checked():
    params = FarmingParams()
    assert params.growth_rate_pct_yr == 30.0 and params.base_year == 2013
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.base_year = 2020  # type: ignore[misc]
    with pytest.raises(ParameterError, match=r"persons_per_household must be above 0"):
        FarmingParams(persons_per_household=0)


# ----------------------------------------------------------------------- carrying capacity
def test_carrying_capacity_by_hand():
    prod = pd.DataFrame(
        {
            "village_code": ["X", "X", "Y"],
            "crop_id": ["padi", "jagung", "jagung"],
            "harvest_area_ha": [5.0, 2.0, 1.0],
            "yield_t_ha": [2.0, 2.0, 2.0],
        }
    ).pipe(production)
    prices = pd.DataFrame({"crop_id": ["padi", "jagung"], "price_idr_per_kg": [5000, 2500]})
    pop = pd.Series({"X": 10.0, "Y": 20.0})
    cc = carrying_capacity(prod, prices, pop)
    x, y = cc.by_village.loc["X"], cc.by_village.loc["Y"]
    # X: rice-eq = 10 + 4 x 2500/5000 = 12 t; SL = 12 / 2 = 6 ha; KHLL = 1/2 ha; DL = 5 ha
    assert x["rice_equivalent_t"] == pytest.approx(12.0)
    assert x["land_supply_ha"] == pytest.approx(6.0)
    assert x["land_demand_ha"] == pytest.approx(5.0)
    assert x["status"] == "surplus"
    assert x["alpha_index"] == pytest.approx((5 / 10) / (0.265 / 2))
    assert x["self_sufficient"]
    # Y: rice-eq = 2 x 0.5 = 1 t; SL = 0.5 ha; DL = 10 ha
    assert y["land_supply_ha"] == pytest.approx(0.5)
    assert y["status"] == "deficit"
    assert y["alpha_index"] == 0.0
    assert cc.region["land_supply_ha"] == pytest.approx(6.5)
    assert cc.region["land_demand_ha"] == pytest.approx(15.0)
    assert cc.region["status"] == "deficit"
    assert cc.region["alpha_index"] == pytest.approx((5 / 30) / (0.265 / 2))


def test_carrying_capacity_of_rasau_jaya_is_in_deficit():
    """Paper totals with the bundled (assumed) prices: SL about 4,360 ha against DL 10,190 ha."""
    totals = production(pd.read_csv(DATA / "paper" / "harvest_kecamatan.csv"))
    prod = totals.assign(village_code="6112070").set_index("village_code", append=True)
    prod = prod.reorder_levels(KEY)
    prices = pd.read_csv(DATA / "params" / "prices.csv")
    cc = carrying_capacity(prod, prices, pd.Series({"6112070": 23499.0}))
    # SL = (6247.0 x 5500 + 450.9 x 4500 + 12610.5 x 1500) / 5500 / 2.306
    assert cc.region["land_supply_ha"] == pytest.approx(4360.40, abs=0.01)
    assert cc.region["land_demand_ha"] == pytest.approx(23499 / 2.306, abs=0.01)
    assert cc.region["status"] == "deficit"
    assert cc.region["alpha_index"] == pytest.approx(1.00317, abs=1e-5)


def test_carrying_capacity_missing_price():
    prod = pd.DataFrame(
        {"village_code": ["X"], "crop_id": ["padi"], "harvest_area_ha": [1.0], "yield_t_ha": [2.0]}
    ).pipe(production)
    prices = pd.DataFrame({"crop_id": ["jagung"], "price_idr_per_kg": [4500]})
    with pytest.raises(
        InputDataError, match=r"prices\.csv: no positive producer price for crops padi"
    ):
        carrying_capacity(prod, prices, pd.Series({"X": 1.0}))


def test_population_by_village():
    hh = pd.Series({"A": 300, "B": 100})
    pop = population_by_village(hh, region_population=1000)
    assert pop.to_dict() == {"A": 750.0, "B": 250.0}
    assert population_by_village(hh, persons_per_household=3.5)["A"] == pytest.approx(1050.0)
    with pytest.raises(ParameterError, match=r"give exactly one of region_population"):
        population_by_village(hh, region_population=1000, persons_per_household=3.5)
