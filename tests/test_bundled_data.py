"""The bundled regions load and reproduce the figures of the paper and of the boundary data."""

from __future__ import annotations

import numpy as np
import pytest

from ovop_geo.bundled import layers_dir
from ovop_geo.io import read_table
from ovop_geo.names import match_names
from ovop_geo.region import load_region, missing_statistics, statistics_templates

RASAU_CODES = [f"61.12.07.200{i}" for i in range(1, 7)]
DATA = layers_dir().parent / "data"


@pytest.fixture(scope="module")
def rasau():
    return load_region("rasau-jaya")


@pytest.fixture(scope="module")
def kalbar():
    return load_region("kalimantan-barat")


def test_rasau_jaya_village_areas(rasau):
    v = rasau.villages
    assert v.index.tolist() == RASAU_CODES
    # polygon areas in a projected CRS (UTM 49S), as published with the boundaries
    np.testing.assert_allclose(v["area_ha"], [9098, 1353, 2250, 3452, 2265, 2992], rtol=0.01)
    assert v["area_ha"].sum() == pytest.approx(21_401, rel=0.01)
    assert v.crs.to_epsg() == 4326
    assert v["group"].unique().tolist() == ["Rasau Jaya"]
    # the one plausibility warning: the polygons cover 214 km², the paper (Table 2) says 111.07
    assert len(rasau.warnings) == 1
    assert "cover 214.1 km² in all, more than 25 % away from the reported area" in rasau.warnings[0]


def test_rasau_jaya_households_from_table1(rasau):
    # paper Table 1: 20,806 households in all
    hh = rasau.villages["households"]
    assert hh.sum() == 20_806
    assert hh["61.12.07.2002"] == 6621
    table1 = read_table(DATA / "paper/table1_villages.csv", numeric_columns=("households_kk",))
    by_code = table1.set_index("kode_kemendagri")["households_kk"]
    assert (hh == by_code.reindex(hh.index)).all()


def test_table3_businesses(rasau):
    b = rasau.businesses
    assert b.to_numpy().sum() == 50
    assert b["kerupuk"].sum() == 16
    assert b["rengginang"].sum() == 12
    assert b.loc["61.12.07.2002"].sum() == 13  # Rasau Jaya I
    assert b.loc["61.12.07.2001"].sum() == 14  # Rasau Jaya Umum
    assert b.loc["61.12.07.2006", "kerajinan"] == 2  # Pematang Tujuh
    assert b.columns.tolist()[:3] == ["rengginang", "marning", "kerupuk"]


def test_harvest_totals(rasau):
    h = rasau.harvest.set_index("crop_id")
    assert h["village_code"].isna().all()
    assert h.loc["padi", "harvest_area_ha"] == 2709
    assert h.loc["jagung", "yield_value"] == pytest.approx(18.29)
    assert (h["yield_unit"] == "ku/ha").all()
    # production = area x yield: padi 6,247.0 t (ku/ha / 10 = t/ha)
    assert h.loc["padi", "harvest_area_ha"] * h.loc["padi", "yield_value"] / 10 == pytest.approx(
        6247.0, abs=0.1
    )


def test_assessment_and_tables(rasau):
    assert len(rasau.assessment) == 65
    assert set(rasau.tables) == {
        "crops",
        "crop_landuse_suitability",
        "raw_materials",
        "prices",
        "landuse_classes",
        "zoning_classes",
        "growth_scenarios",
        "lowland_limits",
        "qfd_products",
        "qfd_needs",
        "qfd_relationships",
        "qfd_measures",
        "qfd_roof",
    }
    assert rasau.tables["zoning_classes"]["farming_allowed"].tolist() == [
        False,
        False,
        True,
        False,
    ]
    assert rasau.layers.landuse.illustrative and rasau.layers.elevation.illustrative


def test_paper_names_match_through_alt_columns(rasau):
    table1 = read_table(DATA / "paper/table1_villages.csv")
    alt = rasau.manifest.boundaries.alt_name_columns
    matched = match_names(table1["village_name_as_printed"], rasau.villages, alt_columns=alt)
    # "Pematang Tubuh" (misprint in Table 1) matches through nama_paper_table1
    assert matched["Pematang Tubuh"] == "61.12.07.2006"
    assert (
        matched.reindex(table1["village_name_as_printed"]).to_numpy()
        == table1["kode_kemendagri"].to_numpy()
    ).all()


def test_provenance(rasau):
    first = rasau.provenance[0]
    assert first.role == "boundaries"
    assert first.path == "data/boundaries/rasau_jaya_villages.geojson"
    assert len(first.sha256) == 64 and not first.illustrative
    assert {p.role for p in rasau.provenance} >= {"businesses", "harvest", "assessment"}


def test_kalimantan_barat(kalbar):
    v = kalbar.villages
    assert len(v) == 2130
    assert v.index.is_unique
    assert v.geometry.is_valid.all()
    repaired = ["61.01.10.2008", "61.03.20.2003", "61.12.06.2011", "61.12.08.2006"]
    assert kalbar.warnings[0].endswith(
        "4 invalid geometries repaired (self-intersections or nested rings): "
        "61.01.10.2008 Mukti Raharja, 61.03.20.2003 Kuala Buayan, 61.12.06.2011 Kampung Baru, "
        "61.12.08.2006 Sungai Deras. Check them on a map."
    )
    # their nested shells are enclaves of neighbours, made holes: the publisher's areas
    np.testing.assert_allclose(
        v.loc[repaired, "area_ha"], v.loc[repaired, "area_ha_input"], rtol=0.002
    )
    np.testing.assert_allclose(v["area_ha"], v["area_ha_input"], rtol=0.005)


def test_kalimantan_barat_reports_missing_statistics(kalbar):
    missing = missing_statistics(kalbar)
    assert "harvest area and yield per crop ([statistics.harvest])" in missing
    assert "number of businesses per product and village ([statistics.businesses])" in missing
    assert (
        "households per village ([statistics.households] or [boundaries] households_column)"
    ) in missing
    assert kalbar.businesses is None and kalbar.harvest is None
    template = statistics_templates(kalbar.villages)["harvest_template.csv"]
    assert len(template) == 2130 * 3
    assert template["village_code"].nunique() == 2130
