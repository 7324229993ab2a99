"""The village profile beside the map, the search labels and the zoom to a village."""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
from shapely.geometry import box

from ovop_geo.pipeline import AnalysisParams, analyse, prepare_region
from ovop_geo.profile import admin_choices, search_labels, view_for, village_profile
from ovop_geo.region import load_region

SATU = "61.12.07.2002"  # Rasau Jaya Satu


@pytest.fixture(scope="module")
def result():
    return analyse(prepare_region(load_region("rasau-jaya")), AnalysisParams())


def test_profile_of_rasau_jaya_satu(result):
    p = village_profile(result, SATU, "id")
    assert p.name == "Rasau Jaya Satu" and p.kecamatan == "Rasau Jaya"
    assert p.households == 6621  # paper Table 1 (Jumlah KK)
    # Paper Table 3: kerupuk 6, keripik 3, rengginang 3, marning 1 in Rasau Jaya Satu.
    assert p.firms == (("kerupuk", 6), ("keripik", 3), ("rengginang", 3), ("marning", 1))
    assert [c for c, _ in p.balance][:2] == ["land_farmland_ha", "land_suitable_ha"]
    assert p.ovop_product == "kerupuk"
    line = {x.product: x for x in p.products}["kerupuk"]
    assert line.allocated and line.businesses == 6 and line.villages_ranked == 6
    assert line.meets_pp29_2018 is True  # 6 units >= the 5 of PP 29/2018
    assert len(line.top_criteria) == 3 and all(isinstance(c, str) for c in line.top_criteria)
    scores = [x.score for x in p.products]
    assert scores == sorted(scores, reverse=True)
    assert any(f.startswith("Produksi desa ini perkiraan") for f in p.flags)
    assert any("ilustratif" in f for f in p.flags)


def test_profile_speaks_english(result):
    p = village_profile(result, SATU, "en")
    assert any(f.startswith("This village's production is estimated") for f in p.flags)
    assert any(
        f.startswith("Land for Paddy rice runs short") or "Cassava" in f
        for f in p.flags
        if f.startswith("Land for")
    )


def test_unknown_village_raises_key_error(result):
    with pytest.raises(KeyError):
        village_profile(result, "00.00.00.0000")


def test_search_labels_in_name_order_with_code_and_kecamatan(result):
    labels = search_labels(result.villages)
    assert next(iter(labels)) == "61.12.07.2005"  # Bintang Mas, first in name order
    assert labels[SATU] == "Rasau Jaya Satu (61.12.07.2002) · Rasau Jaya"


def test_view_for_a_box_by_hand():
    # A box 0.1 degree wide at the equator, shown 800 px wide: 800 * 360 / (256 * 0.1) = 11,250
    # -> log2 = 13.46; its height in Mercator radians is about 0.1 * pi / 180 = 0.001745, so
    # 600 * 2 pi / (256 * 0.001745) = 8,438 -> log2 = 13.04: zoom 13, centre (0.0, 109.05).
    geometry = gpd.GeoSeries([box(109.0, -0.05, 109.1, 0.05)], crs=4326)
    centre, zoom = view_for(geometry, width_px=800, height_px=600)
    assert centre == pytest.approx((0.0, 109.05))
    assert zoom == 13
    assert math.log2(800 * 360 / (256 * 0.1)) == pytest.approx(13.46, abs=0.01)
    # A point (no extent) gets the largest zoom.
    point = gpd.GeoSeries([box(109.0, 0.0, 109.0, 0.0)], crs=4326)
    assert view_for(point, max_zoom=16)[1] == 16


def test_kabupaten_and_kecamatan_choices_of_the_province():
    villages = load_region("kalimantan-barat").villages
    kabupaten, kecamatan, units = admin_choices(villages, "61.12")
    # Kalimantan Barat: 12 kabupaten and 2 kota (Kepmendagri codes 61.01-61.12, 61.71, 61.72).
    assert len(kabupaten) == 14
    assert kabupaten["61.12"] == "Kabupaten Kubu Raya (61.12)"
    assert kecamatan["61.12.07"] == "Rasau Jaya (61.12.07)"
    assert all(code.startswith("61.12.") for code in kecamatan)
    assert (units.loc["61.12.07.2002", "kecamatan_code"]) == "61.12.07"
