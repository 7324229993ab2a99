"""Tests of ovop_geo.landuse on hand-checkable squares in UTM 49S (EPSG:32749).

Villages (x from 300,000 m E, y from 9,970,000 m N):
  A = [0, 1000] x [0, 1000]       100 ha
  B = [1000, 2000] x [0, 1000]    100 ha
  C = [2000, 2500] x [0, 500]      25 ha
Land use:
  sawah      [0, 500] x [0, 1000]        50 ha, all in A
  tegalan    [500, 1500] x [0, 500]      50 ha, 25 in A and 25 in B
  permukiman [1000, 2000] x [500, 1000]  50 ha, all in B
  semak      [2000, 2250] x [0, 500]     12.5 ha, all in C
Unmapped: A 25, B 25, C 12.5 ha.
"""

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from ovop_geo.errors import InputDataError
from ovop_geo.landuse import (
    landuse_by_village,
    landuse_by_village_raster,
    suitability_by_village,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "params"
X0, Y0 = 300_000.0, 9_970_000.0
UTM = "EPSG:32749"


def _square(x1, y1, x2, y2):
    return box(X0 + x1, Y0 + y1, X0 + x2, Y0 + y2)


@pytest.fixture
def villages():
    utm = gpd.GeoDataFrame(
        {"village_name": ["Alpha", "Beta", "Gamma"]},
        geometry=[
            _square(0, 0, 1000, 1000),
            _square(1000, 0, 2000, 1000),
            _square(2000, 0, 2500, 500),
        ],
        index=pd.Index(["A", "B", "C"], name="village_code"),
        crs=UTM,
    )
    utm["area_ha"] = utm.geometry.area / 1e4
    return utm.to_crs(4326)


@pytest.fixture
def landuse():
    return gpd.GeoDataFrame(
        {"class_id": ["sawah", "tegalan", "permukiman", "semak"]},
        geometry=[
            _square(0, 0, 500, 1000),
            _square(500, 0, 1500, 500),
            _square(1000, 500, 2000, 1000),
            _square(2000, 0, 2250, 500),
        ],
        crs=UTM,
    ).to_crs(4326)


@pytest.fixture
def zoning():
    # A forest-estate strip over the west half of A's sawah; the cultivation zone covers
    # everything, including the strip: the closed zone must win.
    return gpd.GeoDataFrame(
        {"zone_id": ["kawasan_hutan", "budidaya"]},
        geometry=[_square(0, 0, 250, 1000), _square(0, 0, 2500, 1000)],
        crs=UTM,
    ).to_crs(4326)


_SUITABILITY = pd.DataFrame(
    [
        (crop, cls, rating)
        for crop, ratings in {
            "padi": {"sawah": "S1", "tegalan": "S3", "semak": "S2"},
            "jagung": {"sawah": "S2", "tegalan": "S1", "semak": "S2"},
            "ubi_kayu": {"sawah": "S3", "tegalan": "S1", "semak": "S2"},
        }.items()
        for cls, rating in {
            **dict.fromkeys(
                [
                    "sawah",
                    "tegalan",
                    "permukiman",
                    "kebun_sawit",
                    "semak",
                    "hutan_rawa_gambut",
                    "air",
                ],
                "N",
            ),
            **ratings,
        }.items()
    ],
    columns=["crop_id", "class_id", "suitability"],
)


@pytest.fixture
def tables():
    return {
        "classes": pd.read_csv(DATA / "landuse_classes.csv"),
        "crops": pd.read_csv(DATA / "crops.csv"),
        # The test's own suitability table, fixed so the hand-computed areas below do not move
        # when the shipped defaults in data/params are edited.
        "suit": _SUITABILITY.copy(),
        "zoning_classes": pd.read_csv(DATA / "zoning_classes.csv"),
    }


# ----------------------------------------------------------------------- land use from polygons
def test_landuse_by_village_hand_areas(villages, landuse, tables):
    out = landuse_by_village(villages, landuse, class_column="class_id", classes=tables["classes"])
    assert out.index.name == "village_code"
    assert list(out.index) == ["A", "B", "C"]
    expected = {
        "A": {
            "sawah_ha": 50,
            "tegalan_ha": 25,
            "permukiman_ha": 0,
            "semak_ha": 0,
            "unmapped_ha": 25,
        },
        "B": {
            "sawah_ha": 0,
            "tegalan_ha": 25,
            "permukiman_ha": 50,
            "semak_ha": 0,
            "unmapped_ha": 25,
        },
        "C": {
            "sawah_ha": 0,
            "tegalan_ha": 0,
            "permukiman_ha": 0,
            "semak_ha": 12.5,
            "unmapped_ha": 12.5,
        },
    }
    for code, cols in expected.items():
        for col, value in cols.items():
            assert out.loc[code, col] == pytest.approx(value, abs=1e-3), (code, col)
    # every class of the table gets a column, present or not
    assert out["air_ha"].eq(0).all()
    assert out.loc["A", "share_sawah"] == pytest.approx(0.5, abs=1e-6)
    assert out.loc["C", "share_unmapped"] == pytest.approx(0.5, abs=1e-6)


def test_class_areas_plus_unmapped_add_up_to_village_area(villages, landuse, tables):
    out = landuse_by_village(villages, landuse, class_column="class_id", classes=tables["classes"])
    ha = [c for c in out.columns if c.endswith("_ha")]
    total = out[ha].sum(axis=1)
    np.testing.assert_allclose(total, villages["area_ha"], rtol=1e-3)
    shares = out[[c for c in out.columns if c.startswith("share_")]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0, rtol=1e-3)


def test_landuse_classes_found_when_no_table(villages, landuse):
    out = landuse_by_village(villages, landuse, class_column="class_id")
    assert {"sawah_ha", "tegalan_ha", "permukiman_ha", "semak_ha"} <= set(out.columns)
    assert "air_ha" not in out.columns


def test_integer_coded_layer_is_mapped_with_class_table(villages, landuse, tables):
    coded = landuse.assign(code=[1, 2, 3, 5]).drop(columns="class_id")
    out = landuse_by_village(villages, coded, class_column="code", classes=tables["classes"])
    assert out.loc["B", "permukiman_ha"] == pytest.approx(50, abs=1e-3)


def test_inputs_not_modified(villages, landuse, tables):
    before_v, before_l = villages.copy(), landuse.copy()
    landuse_by_village(villages, landuse, class_column="class_id", classes=tables["classes"])
    pd.testing.assert_frame_equal(villages, before_v)
    pd.testing.assert_frame_equal(landuse, before_l)


def test_unknown_class_is_refused(villages, landuse, tables):
    bad = landuse.copy()
    bad.loc[0, "class_id"] = "rawa"
    with pytest.raises(
        InputDataError, match=r"column 'class_id': classes rawa are not in the class"
    ):
        landuse_by_village(villages, bad, class_column="class_id", classes=tables["classes"])


def test_missing_class_column_and_crs(villages, landuse):
    with pytest.raises(InputDataError, match=r"column 'kelas' not found"):
        landuse_by_village(villages, landuse, class_column="kelas")
    no_crs = gpd.GeoDataFrame({"class_id": landuse["class_id"]}, geometry=list(landuse.geometry))
    assert no_crs.crs is None
    with pytest.raises(InputDataError, match=r"has no coordinate reference system"):
        landuse_by_village(villages, no_crs, class_column="class_id")


def test_overlapping_classes_are_refused(villages, landuse):
    extra = gpd.GeoDataFrame(
        {"class_id": ["semak"]}, geometry=[_square(0, 0, 1000, 1000)], crs=UTM
    ).to_crs(4326)
    overlapping = pd.concat([landuse, extra], ignore_index=True)
    with pytest.raises(InputDataError, match=r"overlap.*Villages: A\."):
        landuse_by_village(villages, overlapping, class_column="class_id")


# ----------------------------------------------------------------------- land use from a raster
def test_landuse_by_village_raster(villages, tables, tmp_path):
    rasterio = pytest.importorskip("rasterio")
    try:
        import ovop_geo.zonal  # noqa: F401
    except ImportError as err:  # pragma: no cover - the zonal module is written in parallel
        pytest.skip(f"ovop_geo.zonal not importable yet: {err}")
    from affine import Affine

    # An explicit transform: rasterio's from_origin multiplies Affine objects with `*`, which
    # the affine package flags with a PendingDeprecationWarning.
    transform = Affine(100.0, 0.0, X0, 0.0, -100.0, Y0 + 1000)

    codes = np.zeros((10, 25), dtype="uint8")  # 100 m pixels, row 0 at the north edge
    codes[:, 0:5] = 1  # sawah, 50 ha in A
    codes[5:10, 5:15] = 2  # tegalan, 25 ha in A and 25 ha in B
    codes[0:5, 10:20] = 3  # permukiman, 50 ha in B
    codes[5:10, 20:22] = 5  # semak, 10 ha in C
    path = tmp_path / "classes.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=10,
        width=25,
        count=1,
        dtype="uint8",
        crs=UTM,
        transform=transform,
        nodata=0,
    ) as dst:
        dst.write(codes, 1)
    out = landuse_by_village_raster(villages, path, tables["classes"])
    assert out.loc["A", "sawah_ha"] == pytest.approx(50, abs=0.01)
    assert out.loc["A", "tegalan_ha"] == pytest.approx(25, abs=0.01)
    assert out.loc["B", "permukiman_ha"] == pytest.approx(50, abs=0.01)
    assert out.loc["C", "semak_ha"] == pytest.approx(10, abs=0.01)
    assert out.loc["C", "unmapped_ha"] == pytest.approx(15, abs=0.01)
    # the same table feeds the suitability (no zoning possible from a table)
    suit = suitability_by_village(
        villages, out, crops=tables["crops"], crop_landuse_suitability=tables["suit"]
    )
    assert suit.loc[("A", "padi"), "s1_ha"] == pytest.approx(50, abs=0.01)

    codes[9, 24] = 9  # inside C, a code the class table does not know
    bad = tmp_path / "bad.tif"
    with rasterio.open(
        bad,
        "w",
        driver="GTiff",
        height=10,
        width=25,
        count=1,
        dtype="uint8",
        crs=UTM,
        transform=transform,
        nodata=0,
    ) as dst:
        dst.write(codes, 1)
    with pytest.raises(InputDataError, match=r"raster class codes 9 are not in the class table"):
        landuse_by_village_raster(villages, bad, tables["classes"])


# ----------------------------------------------------------------------- suitability
def _suit(villages, landuse, tables, **kwargs):
    return suitability_by_village(
        villages,
        landuse,
        crops=tables["crops"],
        crop_landuse_suitability=tables["suit"],
        classes=tables["classes"],
        **kwargs,
    )


def _row(out, code, crop):
    return out.loc[(code, crop), ["s1_ha", "s2_ha", "s3_ha", "n_ha", "suitable_ha"]].to_numpy(float)


def test_suitability_land_use_only(villages, landuse, tables):
    out = _suit(villages, landuse, tables, illustrative=True)
    assert list(out.index.names) == ["village_code", "crop_id"]
    assert len(out) == 3 * 3
    # padi: sawah S1, tegalan S3, permukiman N, semak S2
    np.testing.assert_allclose(_row(out, "A", "padi"), [50, 0, 25, 0, 75], atol=1e-3)
    np.testing.assert_allclose(_row(out, "B", "padi"), [0, 0, 25, 50, 25], atol=1e-3)
    np.testing.assert_allclose(_row(out, "C", "padi"), [0, 12.5, 0, 0, 12.5], atol=1e-3)
    assert out.loc[("A", "padi"), "unmapped_ha"] == pytest.approx(25, abs=1e-3)
    assert out.loc[("A", "padi"), "share_suitable"] == pytest.approx(0.75, abs=1e-6)
    assert out["illustrative"].all()


def test_suitability_with_zoning_closed_zone_wins(villages, landuse, zoning, tables):
    out = _suit(villages, landuse, tables, zoning=zoning, zoning_classes=tables["zoning_classes"])
    # the forest-estate strip takes 25 ha of A's sawah to N although budidaya also covers it
    np.testing.assert_allclose(_row(out, "A", "padi"), [25, 0, 25, 25, 50], atol=1e-3)
    np.testing.assert_allclose(_row(out, "B", "padi"), [0, 0, 25, 50, 25], atol=1e-3)
    # classes + unmapped still add up to the village area
    total = out[["s1_ha", "s2_ha", "s3_ha", "n_ha", "unmapped_ha"]].sum(axis=1)
    area = villages["area_ha"].reindex(out.index.get_level_values("village_code"))
    np.testing.assert_allclose(total.to_numpy(), area.to_numpy(), rtol=1e-3)


def test_suitability_most_limiting_of_land_use_slope_zoning(villages, landuse, zoning, tables):
    slope = pd.Series({"A": 5.0, "B": 2.0, "C": 20.0}, name="slope_mean_pct")
    out = _suit(
        villages,
        landuse,
        tables,
        zoning=zoning,
        zoning_classes=tables["zoning_classes"],
        slope=slope,
    )
    # padi limits 3/8/15 %: A at 5 % is at best S2, C at 20 % is N
    np.testing.assert_allclose(_row(out, "A", "padi"), [0, 25, 25, 25, 50], atol=1e-3)
    np.testing.assert_allclose(_row(out, "C", "padi"), [0, 0, 0, 12.5, 0], atol=1e-3)
    # jagung limits 8/15/30 %: A unaffected (tegalan S1, sawah S2), C semak S2 -> S3 by slope
    np.testing.assert_allclose(_row(out, "A", "jagung"), [25, 25, 0, 25, 50], atol=1e-3)
    np.testing.assert_allclose(_row(out, "C", "jagung"), [0, 0, 12.5, 0, 12.5], atol=1e-3)


def test_unzoned_land_can_be_closed(villages, landuse, tables):
    strip = gpd.GeoDataFrame(
        {"zone_id": ["budidaya"]}, geometry=[_square(0, 0, 1000, 1000)], crs=UTM
    ).to_crs(4326)
    out = _suit(
        villages,
        landuse,
        tables,
        zoning=strip,
        zoning_classes=tables["zoning_classes"],
        unzoned_farming_allowed=False,
    )
    assert out.loc[("A", "padi"), "suitable_ha"] == pytest.approx(75, abs=1e-3)
    assert out.loc[("B", "padi"), "suitable_ha"] == pytest.approx(0, abs=1e-6)


def test_crop_missing_from_suitability_table(villages, landuse, tables):
    crops = pd.concat(
        [
            tables["crops"],
            pd.DataFrame(
                [
                    {
                        "crop_id": "kedelai",
                        "slope_s1_max_pct": 8,
                        "slope_s2_max_pct": 15,
                        "slope_s3_max_pct": 30,
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    with pytest.raises(
        InputDataError,
        match=r"crop_landuse_suitability\.csv: crop 'kedelai' has no rows\. Add one row per",
    ):
        suitability_by_village(
            villages, landuse, crops=crops, crop_landuse_suitability=tables["suit"]
        )


def test_class_missing_for_a_crop(villages, landuse, tables):
    suit = tables["suit"][
        ~((tables["suit"].crop_id == "jagung") & (tables["suit"].class_id == "semak"))
    ]
    with pytest.raises(
        InputDataError, match=r"crop 'jagung' has no suitability for land-use classes semak"
    ):
        suitability_by_village(
            villages, landuse, crops=tables["crops"], crop_landuse_suitability=suit
        )


def test_bad_suitability_label(villages, landuse, tables):
    suit = tables["suit"].copy()
    suit.loc[0, "suitability"] = "S4"
    with pytest.raises(InputDataError, match=r"values S4 are not S1, S2, S3 or N\. Rows: 2"):
        suitability_by_village(
            villages, landuse, crops=tables["crops"], crop_landuse_suitability=suit
        )


def test_missing_slope_for_a_village(villages, landuse, tables):
    with pytest.raises(InputDataError, match=r"no mean slope for villages C\."):
        _suit(villages, landuse, tables, slope=pd.Series({"A": 1.0, "B": 1.0}))


def test_unknown_zone_refused(villages, landuse, zoning, tables):
    bad = zoning.copy()
    bad.loc[0, "zone_id"] = "hutan_adat"
    with pytest.raises(InputDataError, match=r"zones hutan_adat are not in the zoning class table"):
        _suit(villages, landuse, tables, zoning=bad, zoning_classes=tables["zoning_classes"])
