"""Tidal-lowland suitability factors: ratings by hand, per-village values, the manifest layers."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from ovop_geo.errors import InputDataError
from ovop_geo.lowland import lowland_ranks, village_values_from_polygons
from ovop_geo.manifest import load_manifest
from ovop_geo.pipeline import prepare_region
from ovop_geo.region import load_region
from tests.conftest import make_squares

ROOT = Path(__file__).resolve().parents[1]
LIMITS = pd.read_csv(ROOT / "data" / "params" / "lowland_limits.csv")


def test_ranks_by_hand():
    values = pd.DataFrame(
        {
            "flood_type": ["A", "C", None],
            "peat_thickness": [20.0, 150.0, 400.0],
            "salinity": [np.nan, 3.5, 1.0],
        },
        index=pd.Index(["V1", "V2", "V3"], name="village_code"),
    )
    ranks = lowland_ranks(values, LIMITS, ["padi", "jagung"])
    # V1: type A -> padi S1, jagung N; 20 cm peat S1; salinity unknown
    assert ranks.loc["V1"].tolist() == [0, 3]
    # V2: type C -> S2 for both; 150 cm peat -> S3 (100-300 cm); 3.5 dS/m -> padi S2 (3-6),
    #     jagung S3 (3.4-5.1): the worst wins: padi S3, jagung S3
    assert ranks.loc["V2"].tolist() == [2, 2]
    # V3: flood type unknown; 400 cm of peat is N (Keppres 32/1990: 3 m or more is protected)
    assert ranks.loc["V3"].tolist() == [3, 3]


def test_limits_refused_with_every_problem():
    limits = LIMITS.copy()
    limits.loc[limits["factor"] == "salinity", "s2"] = "0.5"  # not increasing
    limits = limits[~((limits["crop_id"] == "jagung") & (limits["factor"] == "peat_thickness"))]
    values = pd.DataFrame(
        {"peat_thickness": [10.0], "salinity": [1.0]}, index=pd.Index(["V"], name="village_code")
    )
    with pytest.raises(InputDataError, match=r"lim\.csv: \d+ problems") as info:
        lowland_ranks(values, limits, ["padi", "jagung"], source="lim.csv")
    text = str(info.value)
    assert "no limits for crop 'jagung' and factor 'peat_thickness'" in text
    assert "crop 'padi', factor 'salinity': s1, s2, s3 must be numbers in order" in text


def test_values_from_polygons_dominant_class_and_weighted_mean():
    villages = make_squares((1000.0, 1000.0)).set_index("kode")
    x0, y0, x1, y1 = villages.total_bounds
    # the first village: 70 % type B, 30 % type D; the second: all D
    split = x0 + 700.0
    layer = gpd.GeoDataFrame(
        {"tipe": ["B", "D"], "peat": [100.0, 0.0]},
        geometry=[box(x0, y0, split, y1), box(split, y0, x1, y1)],
        crs=villages.crs,
    )
    flood = village_values_from_polygons(villages, layer, "tipe", categorical=True)
    assert flood.to_dict() == {"A01": "B", "A02": "D"}
    peat = village_values_from_polygons(villages, layer, "peat", categorical=False)
    assert peat["A01"] == pytest.approx(70.0, rel=1e-6)  # 0.7 x 100 + 0.3 x 0
    assert peat["A02"] == pytest.approx(0.0)
    with pytest.raises(InputDataError, match=r"flood types X are not A, B, C or D"):
        village_values_from_polygons(villages, layer.assign(tipe="X"), "tipe", categorical=True)


def _tidal_region(tmp_path, flood_type: str):
    villages = gpd.read_file(ROOT / "data" / "boundaries" / "rasau_jaya_villages.geojson")
    flood = gpd.GeoDataFrame(
        {"tipe_luapan": [flood_type]}, geometry=[villages.union_all()], crs=villages.crs
    )
    flood_path = tmp_path / f"flood_{flood_type}.gpkg"
    flood.to_file(flood_path)
    text = (ROOT / "layers" / "rasau-jaya.toml").read_text(encoding="utf-8")
    text = text.replace('"../', f'"{ROOT.as_posix()}/')
    text += (
        f'\n[lowland.flood_type]\npath = "{flood_path.as_posix()}"\n'
        f'column = "tipe_luapan"\nsource = "test: every village type {flood_type}"\n'
    )
    manifest_path = tmp_path / "layers" / f"rj-{flood_type}.toml"
    manifest_path.parent.mkdir(exist_ok=True)
    manifest_path.write_text(
        text.replace('id = "rasau-jaya"', f'id = "rj-{flood_type.lower()}"'), encoding="utf-8"
    )
    manifest = load_manifest(manifest_path, allow_outside=True)
    assert set(manifest.lowland) == {"flood_type"}
    return load_region(manifest)


def test_flood_type_layer_changes_suitability_in_the_bundled_region(tmp_path):
    # Every village of flood type C (not flooded, water table within 50 cm): S2 at best for
    # every crop, so no land stays S1 while the suitable (S1-S3) land is unchanged.
    region = _tidal_region(tmp_path, "C")
    assert any(p.role == "lowland:flood_type" for p in region.provenance)
    tidal = prepare_region(region)
    plain = prepare_region(load_region("rasau-jaya"))
    np.testing.assert_allclose(tidal.suitability["suitable_ha"], plain.suitability["suitable_ha"])
    assert (tidal.suitability["s1_ha"] == 0).all() and (plain.suitability["s1_ha"] > 0).any()
    np.testing.assert_allclose(
        tidal.suitability["s2_ha"], plain.suitability["s1_ha"] + plain.suitability["s2_ha"]
    )
    assert (tidal.lowland["flood_type"] == "C").all()
    assert not any("slope is the only terrain factor" in n for n in tidal.notes)
    note = next(n for n in plain.notes if "slope is the only terrain factor" in n)
    assert "does not discriminate" in note


def test_flood_type_a_leaves_no_land_for_dryland_crops(tmp_path):
    # Type A (flooded by every tide) is N for maize and cassava: their harvest cannot be placed,
    # and the loader says so rather than spreading it anyway.
    with pytest.raises(InputDataError, match=r"crop 'jagung' has no suitable land in any village"):
        prepare_region(_tidal_region(tmp_path, "A"))
