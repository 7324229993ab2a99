"""Illustrative generators: determinism, tiling, class areas, slopes, blocked writing, labels."""

import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
import shapely
from geopandas.testing import assert_geodataframe_equal

from benchmarks import synthetic
from ovop_geo.errors import InputDataError, ParameterError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
ILLUSTRATIVE = DATA / "illustrative"
UTM49S = "EPSG:32749"
PADI_HA, JAGUNG_HA, UBI_KAYU_HA = 2709.0, 246.52, 991.0  # paper, kecamatan harvest areas


@pytest.fixture(scope="module")
def villages():
    return gpd.read_file(DATA / "boundaries" / "rasau_jaya_villages.geojson")


@pytest.fixture(scope="module")
def province():
    return gpd.read_parquet(DATA / "boundaries" / "kalimantan_barat_desa.parquet")


@pytest.fixture(scope="module")
def kecamatan(villages):
    return shapely.union_all(villages.to_crs(UTM49S).geometry.to_numpy())


@pytest.fixture(scope="module")
def landuse(villages):
    return synthetic.make_rasau_jaya_landuse(villages, seed=2013)


@pytest.fixture(scope="module")
def zoning(villages):
    return synthetic.make_rasau_jaya_zoning(villages, seed=2013)


def _areas_ha(gdf, column):
    utm = gdf.to_crs(UTM49S)
    return (utm.area / 1e4).groupby(utm[column]).sum()


def _assert_tiles(gdf, kecamatan):
    utm = gdf.to_crs(UTM49S)
    union = shapely.union_all(utm.geometry.to_numpy())
    assert union.area == pytest.approx(kecamatan.area, rel=1e-3)
    assert shapely.symmetric_difference(union, kecamatan).area < 1e-3 * kecamatan.area
    overlap = utm.area.sum() - union.area
    assert 0 <= overlap < 1e-4 * kecamatan.area


# ---- the class tables ----------------------------------------------------------------------
def test_constants_match_the_class_tables():
    classes = pd.read_csv(DATA / "params" / "landuse_classes.csv")
    assert dict(synthetic.LANDUSE_CODES) == dict(
        zip(classes.class_id, classes.class_code, strict=True)
    )
    zones = pd.read_csv(DATA / "params" / "zoning_classes.csv")
    assert set(synthetic.ZONING_CLASSES) == set(zones.zone_id)
    raw = pd.read_csv(DATA / "paper" / "raw_materials.csv")
    expected = dict(zip(raw["product"], raw.crop_id, strict=True)) | {
        "kerajinan": None,
        "minuman": None,
    }
    assert dict(synthetic.PRODUCT_CROPS) == expected


# ---- Rasau Jaya land use and zoning --------------------------------------------------------
def test_landuse_is_deterministic(villages, landuse):
    again = synthetic.make_rasau_jaya_landuse(villages, seed=2013)
    pd.testing.assert_frame_equal(landuse.drop(columns="geometry"), again.drop(columns="geometry"))
    assert all(landuse.geometry.geom_equals_exact(again.geometry, tolerance=0))
    other = synthetic.make_rasau_jaya_landuse(villages, seed=7)
    fresh = gpd.read_file(DATA / "boundaries" / "rasau_jaya_villages.geojson")
    assert_geodataframe_equal(villages, fresh)  # the input was not modified
    assert not np.allclose(_areas_ha(other, "class_id"), _areas_ha(landuse, "class_id"), atol=1)


def test_landuse_tiles_the_kecamatan(landuse, kecamatan):
    _assert_tiles(landuse, kecamatan)
    assert landuse.crs.to_epsg() == 4326
    assert landuse.geometry.is_valid.all()


def test_landuse_classes_come_from_the_table_and_each_piece_in_its_village(villages, landuse):
    table = set(pd.read_csv(DATA / "params" / "landuse_classes.csv").class_id)
    assert set(landuse.class_id) == table  # every class present, none invented
    assert set(landuse.village_code) == set(villages.kode_kemendagri)
    assert landuse.note.str.startswith("ILLUSTRATIVE").all()
    vil = villages.set_index("kode_kemendagri").to_crs(UTM49S).geometry
    utm = landuse.to_crs(UTM49S)
    outside = [
        shapely.difference(g, vil[c].buffer(1.0)).area
        for c, g in zip(utm.village_code, utm.geometry, strict=True)
    ]
    assert max(outside) < 1.0  # m2


def test_landuse_class_areas_hold_the_published_harvests(landuse):
    ha = _areas_ha(landuse, "class_id")
    assert 3500 <= ha["sawah"] <= 4500 and ha["sawah"] > 1.2 * PADI_HA
    assert 1800 <= ha["tegalan"] <= 2500 and ha["tegalan"] > 1.2 * (JAGUNG_HA + UBI_KAYU_HA)
    assert 1500 <= ha["semak"] <= 3000
    # Thin strips: settlements and water are each a few per cent of the kecamatan.
    assert 0.02 < ha["permukiman"] / ha.sum() < 0.1
    assert 0.005 < ha["air"] / ha.sum() < 0.05
    assert ha.idxmax() == "hutan_rawa_gambut"


def test_zoning_tiles_and_follows_the_land_use(zoning, landuse, kecamatan):
    _assert_tiles(zoning, kecamatan)
    assert set(zoning.zone_id) == set(pd.read_csv(DATA / "params" / "zoning_classes.csv").zone_id)
    ha = _areas_ha(zoning, "zone_id")
    assert ha.idxmax() == "budidaya" and ha["budidaya"] > 0.4 * ha.sum()
    z = zoning.to_crs(UTM49S).dissolve("zone_id").geometry
    lu = landuse.to_crs(UTM49S).dissolve("class_id").geometry
    # Settlement zones hold the settlements; the forest estate lies on peat forest.
    assert lu["permukiman"].intersection(z["permukiman"]).area > 0.95 * lu["permukiman"].area
    in_forest = z["kawasan_hutan"].intersection(lu["hutan_rawa_gambut"]).area
    assert in_forest > 0.9 * z["kawasan_hutan"].area
    # The protected strip follows the river, so it holds most of the water.
    assert lu["air"].intersection(z["kawasan_lindung"]).area > 0.5 * lu["air"].area


def test_generators_refuse_unusable_villages(villages):
    with pytest.raises(InputDataError, match="column 'kode_kemendagri' is missing"):
        synthetic.make_rasau_jaya_landuse(villages.drop(columns="kode_kemendagri"))
    with pytest.raises(InputDataError, match="has no CRS"):
        synthetic.make_rasau_jaya_zoning(villages.set_crs(None, allow_override=True))
    with pytest.raises(InputDataError, match="no villages"):
        synthetic.make_province_statistics(villages.iloc[:0], code_column="kode_kemendagri")


# ---- DEMs ---------------------------------------------------------------------------------
def _horn_slope_pct(z, res):
    """Horn (1981) slope on the interior pixels, written out cell by cell."""
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, f = z[1:-1, :-2], z[1:-1, 2:]
    g, h, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    dzdx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8 * res)
    dzdy = ((g + 2 * h + i) - (a + 2 * b + c)) / (8 * res)
    return np.hypot(dzdx, dzdy) * 100


BOUNDS = (300_000.0, 9_965_000.0, 306_000.0, 9_970_000.0)  # 6 x 5 km in UTM 49S


def test_lowland_dem_is_flat_and_deterministic():
    dem, transform = synthetic.make_lowland_dem(BOUNDS, crs=UTM49S, resolution_m=30, seed=1)
    assert dem.dtype == np.float32
    assert transform.a == 30 and transform.e == -30
    west, north = transform.c, transform.f
    assert west <= BOUNDS[0] and north >= BOUNDS[3]
    assert west + dem.shape[1] * 30 >= BOUNDS[2] and north - dem.shape[0] * 30 <= BOUNDS[1]
    assert dem.min() >= 0.5 and dem.max() <= 6.0
    gy, gx = np.gradient(dem.astype("float64"), 30)
    slope = np.hypot(gx, gy) * 100
    assert slope.max() <= 2.6 and np.percentile(slope, 90) < 1.5
    assert _horn_slope_pct(dem.astype("float64"), 30).max() <= 2.6
    again, _ = synthetic.make_lowland_dem(BOUNDS, crs=UTM49S, resolution_m=30, seed=1)
    np.testing.assert_array_equal(dem, again)
    other, _ = synthetic.make_lowland_dem(BOUNDS, crs=UTM49S, resolution_m=30, seed=2)
    assert not np.array_equal(dem, other)


def test_lowland_dem_scales_relief_to_the_slope_cap():
    # At 2 m pixels the noise would be steep; the relief is scaled down to the cap.
    small = (300_000.0, 9_965_000.0, 300_400.0, 9_965_400.0)
    dem, _ = synthetic.make_lowland_dem(small, crs=UTM49S, resolution_m=2, seed=3, max_slope=1.0)
    assert synthetic.max_slope_pct(dem, 2) <= 1.0 + 100 * (1 / 64) / 2 / 2
    with pytest.raises(ParameterError, match="not projected"):
        synthetic.make_lowland_dem(BOUNDS, crs="EPSG:4326", resolution_m=30, seed=1)


@pytest.fixture(scope="module")
def province_dem(province, tmp_path_factory):
    path = tmp_path_factory.mktemp("prov") / "dem.tif"
    return synthetic.make_province_dem(province, path=path, resolution_m=2000, block_rows=256)


def test_province_dem_relief_grid_and_labels(province, province_dem):
    with rasterio.open(province_dem) as src:
        dem = src.read(1)
        assert src.crs.to_epsg() == 32649 and src.res == (2000, 2000)
        assert src.dtypes[0] == "float32" and src.nodata == -9999
        assert src.block_shapes[0] == (256, 256) and src.compression.name.lower() == "zstd"
        assert src.tags()["ILLUSTRATIVE"] == "yes" and "not observed" in src.tags()["SOURCE"]
        bounds = src.bounds
    xmin, ymin, xmax, ymax = province.to_crs(32649).total_bounds
    assert bounds.left <= xmin and bounds.right >= xmax
    assert bounds.bottom <= ymin and bounds.top >= ymax
    assert dem.shape == (288, 311)  # 569 x 615 km extent, snapped outwards, plus one cell a side
    assert (dem != -9999).all()  # the whole rectangle is filled, 0 m offshore
    assert dem.min() >= 0 and dem.max() <= 2100
    west, east = dem[:, :31].mean(), dem[:, -31:].mean()
    assert west < 10 < 100 < east
    assert dem.max() > 1000


def test_province_dem_is_written_by_blocks(province, province_dem, tmp_path, monkeypatch):
    calls = []
    real = synthetic._province_elevation

    def spy(x, y, coast, noise):
        calls.append((len(y), len(x)))
        return real(x, y, coast, noise)

    monkeypatch.setattr(synthetic, "_province_elevation", spy)
    monkeypatch.setattr(synthetic, "_COL_CHUNK", 50)
    path = synthetic.make_province_dem(
        province, path=tmp_path / "dem7.tif", resolution_m=2000, block_rows=7
    )
    with rasterio.open(path) as a, rasterio.open(province_dem) as b:
        np.testing.assert_array_equal(a.read(1), b.read(1))
        height, width = b.height, b.width
    # Never more than 7 rows x 50 columns at a time, and every pixel computed once.
    assert max(rows for rows, _ in calls) == 7 and max(cols for _, cols in calls) == 50
    assert sum(rows * cols for rows, cols in calls) == height * width
    other = synthetic.make_province_dem(
        province, path=tmp_path / "dem_s1.tif", resolution_m=2000, seed=1
    )
    with rasterio.open(other) as a, rasterio.open(province_dem) as b:
        assert not np.array_equal(a.read(1), b.read(1))
    with pytest.raises(ParameterError, match="block_rows"):
        synthetic.make_province_dem(province, path=tmp_path / "x.tif", resolution_m=2000,
                                    block_rows=0)  # fmt: skip


def test_province_landuse_follows_the_dem(province, province_dem, tmp_path, monkeypatch):
    path = synthetic.make_province_landuse(province, province_dem, path=tmp_path / "lu.tif")
    monkeypatch.setattr(synthetic, "_COL_CHUNK", 64)
    small = synthetic.make_province_landuse(
        province, province_dem, path=tmp_path / "lu5.tif", block_rows=5
    )
    with rasterio.open(path) as src, rasterio.open(province_dem) as dsrc:
        codes, dem = src.read(1), dsrc.read(1)
        assert src.transform == dsrc.transform and src.crs == dsrc.crs
        assert src.dtypes[0] == "uint8" and src.nodata == 0
        assert src.tags()["ILLUSTRATIVE"] == "yes"
    with rasterio.open(small) as src:
        np.testing.assert_array_equal(src.read(1), codes)
    table = pd.read_csv(DATA / "params" / "landuse_classes.csv").set_index("class_id").class_code
    assert set(np.unique(codes)) <= set(table) and (codes != 0).all()
    assert (codes[dem >= 500] == table["hutan_rawa_gambut"]).all()  # the table's forest class
    assert (codes[dem == 0] == table["air"]).all()  # offshore
    low = (dem > 0) & (dem < 12)
    assert np.isin(codes[low], table[["sawah", "hutan_rawa_gambut"]]).mean() > 0.5


# ---- statistics ---------------------------------------------------------------------------
def test_province_statistics_are_plausible(province):
    harvest, businesses = synthetic.make_province_statistics(province, seed=0)
    again, _ = synthetic.make_province_statistics(province, seed=0)
    pd.testing.assert_frame_equal(harvest, again)
    other, _ = synthetic.make_province_statistics(province, seed=1)
    assert not harvest.equals(other)
    assert set(harvest.crop_id) == set(pd.read_csv(DATA / "params" / "crops.csv").crop_id)
    assert (harvest.yield_unit == "ku/ha").all() and (
        harvest.source == "illustrative: generated"
    ).all()
    assert (harvest.harvest_area_ha > 0).all() and (harvest["yield"] > 0).all()
    area = province.set_index("kode_desa").to_crs(32649).area / 1e4
    assert (harvest.harvest_area_ha <= 0.6 * area[harvest.village_code].to_numpy() + 0.01).all()
    # Province totals near the expected 0.75 x 4 % of about 14.7 million ha for rice.
    totals = harvest.groupby("crop_id").harvest_area_ha.sum()
    assert 300_000 < totals["padi"] < 600_000
    assert 10_000 < totals["jagung"] < 100_000 and 5_000 < totals["ubi_kayu"] < 50_000
    yields = harvest.groupby("crop_id")["yield"].mean()
    assert yields["padi"] == pytest.approx(30, abs=1) and yields["ubi_kayu"] > 100
    assert businesses.index.name == "village_code"
    assert list(businesses.index) == list(province.kode_desa)
    assert list(businesses.columns) == list(synthetic.PRODUCT_CROPS)
    assert all(dt == np.int64 for dt in businesses.dtypes) and (businesses >= 0).all().all()
    assert 1 < businesses.sum(axis=1).mean() < 15


# ---- the committed files ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "layer", "column"),
    [("rasau_jaya_landuse.gpkg", "landuse", "class_id"), ("rasau_jaya_zoning.gpkg", "zoning",
                                                          "zone_id")],
)  # fmt: skip
def test_committed_layers_carry_the_illustrative_label(name, layer, column):
    path = ILLUSTRATIVE / name
    with sqlite3.connect(path) as con:
        (description,) = con.execute(
            "SELECT description FROM gpkg_contents WHERE table_name = ?", (layer,)
        ).fetchone()
    assert description.startswith("ILLUSTRATIVE") and "generated (not observed)" in description
    assert pyogrio.read_info(path, layer=layer)["layer_metadata"]["ILLUSTRATIVE"] == "yes"
    gdf = gpd.read_file(path, layer=layer)
    assert column in gdf.columns and gdf.crs.to_epsg() == 4326
    assert gdf.note.str.startswith("ILLUSTRATIVE").all()


def test_committed_landuse_matches_the_generator(landuse):
    committed = gpd.read_file(ILLUSTRATIVE / "rasau_jaya_landuse.gpkg", layer="landuse")
    pd.testing.assert_series_equal(
        _areas_ha(committed, "class_id"), _areas_ha(landuse, "class_id"), rtol=1e-9
    )


def test_committed_dem_is_labelled_and_covers_the_kecamatan(kecamatan):
    with rasterio.open(ILLUSTRATIVE / "rasau_jaya_dem.tif") as src:
        dem = src.read(1)
        tags = src.tags()
        assert src.crs.to_epsg() == 32749 and src.res == (30, 30)
        assert src.dtypes[0] == "float32" and src.nodata == -9999
        assert src.compression is not None
        left, bottom, right, top = src.bounds
    assert tags["ILLUSTRATIVE"] == "yes" and "generated" in tags["SOURCE"]
    x0, y0, x1, y1 = kecamatan.bounds
    assert left < x0 - 900 and bottom < y0 - 900 and right > x1 + 900 and top > y1 + 900
    assert dem.min() >= 0.5 and dem.max() <= 6
    assert synthetic.max_slope_pct(dem, 30) <= 3.0


def test_committed_folder_is_small_and_documented():
    sizes = {p.name: p.stat().st_size for p in ILLUSTRATIVE.iterdir()}
    assert sum(sizes.values()) < 1.5e6 and sizes["rasau_jaya_landuse.gpkg"] < 300e3
    readme = (ILLUSTRATIVE / "README.md").read_text(encoding="utf-8")
    assert "ILLUSTRATIVE" in readme and "make_illustrative.py" in readme
