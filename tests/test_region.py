"""Village validation and region loading on tiny synthetic projects with hand-known answers."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from shapely.geometry import MultiPolygon, Point, Polygon

from ovop_geo.errors import InputDataError
from ovop_geo.io import read_vector
from ovop_geo.region import (
    elevation_info,
    load_region,
    missing_statistics,
    read_landuse,
    read_zoning,
    statistics_templates,
)
from ovop_geo.validate import validate_numeric, validate_units, validate_villages


def _validate(gdf, **kw):
    return validate_villages(gdf, path="desa.gpkg", id_column="kode", name_column="nama", **kw)


# --- validate_villages ----------------------------------------------------------------------


def test_standard_output_and_areas(square_villages):
    out, report = _validate(square_villages, households_column="kk")
    assert out.index.name == "village_code"
    assert out.index.tolist() == ["A01", "A02", "A03"]
    assert out.columns.tolist() == ["village_name", "area_ha", "households", "geometry"]
    # squares of 1000 m, 500 m and 2000 m in UTM 49S: 100, 25 and 400 ha
    np.testing.assert_allclose(out["area_ha"], [100.0, 25.0, 400.0], rtol=1e-6)
    assert out["households"].tolist() == [100, 200, 300]
    assert out.crs.to_epsg() == 4326
    assert report.warnings == () and report.repaired == ()
    assert square_villages.columns.tolist() == ["kode", "nama", "kk", "geometry"]  # untouched


def test_group_and_other_columns_kept(square_villages):
    gdf = square_villages.assign(kec=["K1", "K1", "K2"], area_ha=[1.0, 2.0, 3.0])
    out, report = _validate(gdf, group_column="kec")
    assert out["group"].tolist() == ["K1", "K1", "K2"]
    assert out["area_ha_input"].tolist() == [1.0, 2.0, 3.0]
    assert "kk" in out.columns
    assert report.renamed_columns == (("area_ha", "area_ha_input"),)


def test_integer_codes_become_text(square_villages):
    gdf = square_villages.assign(kode=[6112060001.0, 6112060002.0, 6112060003.0])
    out, _ = _validate(gdf)
    assert out.index.tolist() == ["6112060001", "6112060002", "6112060003"]


# Writing a Shapefile without a CRS is the point of this test; geopandas warns about it.
@pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")
def test_missing_crs_refused(tmp_path, square_villages):
    path = tmp_path / "desa.shp"
    no_crs = gpd.GeoDataFrame(
        square_villages.drop(columns="geometry"), geometry=list(square_villages.geometry)
    )
    no_crs.to_file(path)
    gdf = read_vector(path)
    with pytest.raises(InputDataError, match=r"desa\.gpkg: the layer has no coordinate reference"):
        _validate(gdf)


def test_other_crs_reprojected_and_reported(tmp_path, squares):
    path = tmp_path / "utm.gpkg"
    squares().to_file(path)  # EPSG:32749
    out, report = _validate(read_vector(path))
    assert out.crs.to_epsg() == 4326
    assert report.reprojected_from == "EPSG:32749"
    assert report.warnings == ("desa.gpkg: reprojected from EPSG:32749 to EPSG:4326.",)
    np.testing.assert_allclose(out["area_ha"], [100.0, 25.0, 400.0], rtol=1e-6)
    minx, miny, maxx, maxy = out.total_bounds
    assert 109 < minx < maxx < 110 and -1 < miny < maxy < 0


def test_invalid_geometry_repaired_and_named(square_villages):
    gdf = square_villages.copy()
    # bow-tie: two triangles of 0.5 x 0.01 degrees... built from the first square's corners
    x0, y0, x1, y1 = gdf.geometry.iloc[1].bounds
    gdf.loc[1, "geometry"] = Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])
    assert not gdf.geometry.iloc[1].is_valid
    out, report = _validate(gdf)
    assert report.repaired == ("A02",)
    assert report.warnings == (
        "desa.gpkg: 1 invalid geometry repaired (self-intersections or nested rings): "
        "A02 Desa Dua. Check them on a map.",
    )
    assert out.geometry.iloc[1].is_valid
    assert out.geometry.iloc[1].geom_type == "MultiPolygon"
    # the two triangles of a bow-tie drawn on a 500 m square cover half of it: 12.5 ha
    assert out["area_ha"].iloc[1] == pytest.approx(12.5, rel=1e-3)


def test_nested_shell_becomes_hole(square_villages):
    # A shell nested in another shell of the same village is an enclave: it becomes a hole.
    gdf = square_villages.copy()
    outer = gdf.geometry.iloc[2]
    inner = outer.centroid.buffer(0.001)
    gdf.loc[2, "geometry"] = MultiPolygon([outer, inner])
    out, report = _validate(gdf)
    assert report.repaired == ("A03",)
    inner_ha = gpd.GeoSeries([inner], crs=4326).to_crs(32749).area.iloc[0] / 1e4
    assert out["area_ha"].iloc[2] == pytest.approx(400.0 - inner_ha, rel=1e-4)


def test_duplicate_and_missing_ids(square_villages):
    gdf = square_villages.assign(kode=["A01", "A01", None])
    with pytest.raises(InputDataError) as info:
        _validate(gdf)
    msg = str(info.value)
    assert "column 'kode': 1 village(s) have no code. Features: 3 (names: Desa Tiga)" in msg
    assert "column 'kode': duplicate codes: A01" in msg


def test_swapped_lat_lon_refused(square_villages):
    swapped = square_villages.copy()
    swapped["geometry"] = swapped.geometry.map(
        lambda g: Polygon([(y, x) for x, y in g.exterior.coords])
    )
    with pytest.raises(InputDataError, match=r"coordinates look like \[latitude, longitude\]"):
        _validate(swapped)


def test_null_and_non_polygon_geometries_named(square_villages):
    gdf = square_villages.copy()
    gdf.loc[0, "geometry"] = None
    gdf.loc[2, "geometry"] = Point(109.3, -0.2)
    with pytest.raises(InputDataError) as info:
        _validate(gdf)
    msg = str(info.value)
    assert "1 village(s) have no geometry. Villages: A01" in msg
    assert "1 village(s) are not polygons (Point). Villages: A03" in msg


def test_missing_columns_listed(square_villages):
    with pytest.raises(InputDataError, match=r"missing column\(s\): households\. Columns found"):
        _validate(square_villages, households_column="households")


def test_bad_households(square_villages):
    gdf = square_villages.assign(kk=[10, -3, 2.5])
    with pytest.raises(
        InputDataError, match=r"households must be whole numbers ≥ 0\. Villages: A02, A03"
    ):
        _validate(gdf, households_column="kk")


def test_validate_numeric_bounds():
    df = pd.DataFrame({"luas_ha": [10.0, -1.0, 5e7], "kk": [1, 2, 3]})
    with pytest.raises(InputDataError) as info:
        validate_numeric(df, ["luas_ha", "kk"], path="p.csv", max_value=1e6)
    msg = str(info.value)
    assert "column 'luas_ha': 1 value(s) below 0 (for example -1). Rows: 3" in msg
    assert "column 'luas_ha': 1 value(s) above 1e+06 (for example 5e+07). Rows: 4" in msg
    assert "kk" not in msg
    assert validate_numeric(df, "kk", path="p.csv") is df


def test_validate_units():
    df = pd.DataFrame({"yield_unit": ["t/ha", "bushel/acre", None, "ku/ha "]})
    with pytest.raises(InputDataError) as info:
        validate_units(df, "yield_unit", path="h.csv")
    msg = str(info.value)
    assert "unknown unit(s) 'bushel/acre'. Rows: 3" in msg
    assert "unit missing. Rows: 4" in msg


# --- load_region on a tiny project ----------------------------------------------------------

MANIFEST = """
[region]
id = "tiny"
name = "Tiny test region"

[boundaries]
path = "../data/desa.geojson"
id_column = "kode"
name_column = "nama"
alt_name_columns = ["nama_lain"]
households_column = "kk"

[landuse]
path = "../data/landuse.geojson"
class_column = "kelas"
classes = "../data/landuse_classes.csv"
illustrative = true

[elevation]
path = "../data/dem.tif"

[statistics.harvest]
path = "../data/panen.csv"
source = "test"

[statistics.businesses]
path = "../data/usaha.csv"
source = "test"

# the harvest figures test number parsing, not plausibility: 1,234 ha in a 25 ha square
[checks]
max_harvests_per_year = 1000.0

[tables]
crops = "../data/crops.csv"
"""


@pytest.fixture
def project(tmp_path, square_villages) -> Path:
    root = tmp_path / "proj"
    (root / "layers").mkdir(parents=True)
    data = root / "data"
    data.mkdir()
    (root / "layers" / "tiny.toml").write_text(MANIFEST)
    square_villages.assign(nama_lain=["Desa Pertama", "Desa II", "Desa Ketiga"]).to_file(
        data / "desa.geojson"
    )
    (data / "panen.csv").write_text(
        "village_code;crop_id;harvest_area_ha;yield;yield_unit\n"
        "A01;padi;12,5;23,06;ku/ha\n"
        "A02;padi;1.234;4,1;t/ha\n"
        ";padi;2.709;23,06;ku/ha\n"
    )
    (data / "usaha.csv").write_text(
        "product,village_name,businesses\n"
        "kerupuk,Desa Pertama,6\n"
        "kerupuk,Desa 2,3\n"
        "dodol,Desa Satu,1\n"
    )
    (data / "crops.csv").write_text(
        "crop_id,slope_s1_max_pct,slope_s2_max_pct,slope_s3_max_pct\npadi,3,8,15\njagung,8,15,30\n"
    )
    (data / "landuse_classes.csv").write_text(
        "class_code,class_id,idle\n1,sawah,false\n5,semak,true\n"
    )
    return root


def test_load_tiny_region(project):
    region = load_region(project / "layers" / "tiny.toml")
    assert region.id == "tiny"
    assert region.villages.index.tolist() == ["A01", "A02", "A03"]
    np.testing.assert_allclose(region.villages["area_ha"], [100.0, 25.0, 400.0], rtol=1e-6)
    b = region.businesses
    assert b.columns.tolist() == ["kerupuk", "dodol"]
    assert b.loc["A01"].tolist() == [6, 1]  # "Desa Pertama" (alt name) and "Desa Satu"
    assert b.loc["A02"].tolist() == [3, 0]  # "Desa 2" = "Desa Dua"
    assert b.loc["A03"].tolist() == [0, 0]  # no rows: counted as 0 and reported
    assert b.dtypes.tolist() == [np.int64, np.int64]
    assert any("1 village(s) have no rows" in w and "A03" in w for w in region.warnings)
    h = region.harvest
    assert h.columns.tolist() == [
        "village_code",
        "crop_id",
        "harvest_area_ha",
        "yield_value",
        "yield_unit",
        "source",
    ]
    assert h["village_code"].tolist() == ["A01", "A02", None]
    assert h["harvest_area_ha"].tolist() == [12.5, 1234.0, 2709.0]
    assert h["yield_value"].tolist() == [23.06, 4.1, 23.06]
    assert h["source"].tolist() == ["test"] * 3
    assert region.tables["landuse_classes"]["idle"].tolist() == [False, True]
    roles = [p.role for p in region.provenance]
    assert roles[0] == "boundaries" and "landuse" in roles
    landuse = next(p for p in region.provenance if p.role == "landuse")
    assert landuse.sha256 is None and landuse.illustrative  # file not there yet
    assert region.provenance[0].path == "data/desa.geojson"
    assert len(region.provenance[0].sha256) == 64
    assert region.layers.landuse.exists is False
    assert "OVOP assessment of the firms ([statistics.assessment])" in missing_statistics(region)


def test_missing_optional_layer_only_fails_when_read(project):
    region = load_region(project / "layers" / "tiny.toml")
    with pytest.raises(
        InputDataError,
        match=r"landuse\.geojson: the landuse layer named in tiny\.toml does not exist\. "
        r"It is an illustrative layer",
    ):
        read_landuse(region)
    with pytest.raises(InputDataError, match=r"tiny\.toml: region 'tiny' has no \[zoning\] layer"):
        read_zoning(region)
    with pytest.raises(
        InputDataError, match=r"dem\.tif: the elevation raster named in tiny\.toml does not exist"
    ):
        elevation_info(region)


def test_read_landuse_and_elevation(project, squares):
    utm = squares(crs="EPSG:32749")
    gpd.GeoDataFrame({"kelas": [1, 5, 1]}, geometry=utm.geometry, crs=utm.crs).to_file(
        project / "data" / "landuse.geojson"
    )
    transform = Affine(100, 0, 330_000, 0, -100, 9_972_000)
    with rasterio.open(
        project / "data" / "dem.tif",
        "w",
        driver="GTiff",
        width=4,
        height=3,
        count=1,
        dtype="float32",
        crs="EPSG:32749",
        transform=transform,
    ) as dst:
        dst.write(np.zeros((1, 3, 4), dtype="float32"))
    region = load_region(project / "layers" / "tiny.toml")
    landuse = read_landuse(region)
    assert landuse.crs.to_epsg() == 32749  # kept in its own CRS
    assert landuse["kelas"].tolist() == ["sawah", "semak", "sawah"]  # codes translated
    assert landuse.attrs["illustrative"] is True
    info = elevation_info(region)
    assert (info.width, info.height) == (4, 3)


def test_landuse_unknown_class(project, square_villages):
    gpd.GeoDataFrame(
        {"kelas": ["sawah", "kebun"]}, geometry=square_villages.geometry[:2], crs=4326
    ).to_file(project / "data" / "landuse.geojson")
    region = load_region(project / "layers" / "tiny.toml")
    with pytest.raises(InputDataError, match=r"classes not in the class table: kebun"):
        read_landuse(region)


def test_negative_area_named(project):
    path = project / "data" / "panen.csv"
    path.write_text(path.read_text().replace("1.234", "-1.234"))
    with pytest.raises(
        InputDataError,
        match=r"panen\.csv: column 'harvest_area_ha': 1 value\(s\) below 0 .*Rows: 3",
    ):
        load_region(project / "layers" / "tiny.toml")


def test_unknown_unit_named(project):
    path = project / "data" / "panen.csv"
    path.write_text(path.read_text().replace("t/ha", "bushel/acre"))
    with pytest.raises(
        InputDataError,
        match=r"column 'yield_unit': unknown unit\(s\) 'bushel/acre'\. Rows: 3",
    ):
        load_region(project / "layers" / "tiny.toml")


def test_unknown_crop_and_code(project):
    path = project / "data" / "panen.csv"
    path.write_text(path.read_text().replace("A02;padi", "B09;kedelai"))
    with pytest.raises(InputDataError, match=r"unknown crops kedelai\. Rows: 3"):
        load_region(project / "layers" / "tiny.toml")
    (project / "data" / "crops.csv").write_text(
        "crop_id,slope_s1_max_pct,slope_s2_max_pct,slope_s3_max_pct\npadi,3,8,15\nkedelai,8,15,30\n"
    )
    with pytest.raises(InputDataError, match=r"codes not in the boundary layer: B09\. Rows: 3"):
        load_region(project / "layers" / "tiny.toml")


def test_unmatched_business_names_with_candidates(project):
    path = project / "data" / "usaha.csv"
    path.write_text(path.read_text().replace("Desa Satu", "Desa Satuu"))
    with pytest.raises(
        InputDataError,
        match=r"usaha\.csv: column 'village_name': 1 name\(s\) match no village: "
        r"'Desa Satuu' \(nearest: Desa Satu \(A01\)",
    ):
        load_region(project / "layers" / "tiny.toml")


def test_non_numeric_business_counts(project):
    path = project / "data" / "usaha.csv"
    path.write_text(path.read_text().replace(",3\n", ",tiga\n"))
    with pytest.raises(
        InputDataError,
        match=r"column 'businesses': 1 value\(s\) are not numbers \('tiga'\)\. Rows: 3",
    ):
        load_region(project / "layers" / "tiny.toml")


@pytest.mark.parametrize(
    ("level", "message"),
    [
        ("village", r"column 'village_code': empty cells\. Rows: 4"),
        ("region", r"level is 'region' but rows 2, 3 name villages"),
    ],
)
def test_harvest_level_enforced(project, level, message):
    path = project / "layers" / "tiny.toml"
    path.write_text(
        MANIFEST.replace('source = "test"\n', f'source = "test"\nlevel = "{level}"\n', 1)
    )
    with pytest.raises(InputDataError, match=message):
        load_region(path)


def test_statistics_templates_read_back(project):
    region = load_region(project / "layers" / "tiny.toml")
    templates = statistics_templates(
        region.villages.iloc[::-1], crops=("padi",), products=("kerupuk",)
    )
    harvest = templates["harvest_template.csv"]
    assert harvest["village_code"].tolist() == ["A01", "A02", "A03"]
    assert harvest.columns.tolist() == [
        "village_code", "village_name", "kabupaten_code", "kabupaten_name", "kecamatan_code",
        "kecamatan_name", "crop_id", "harvest_area_ha", "yield", "yield_unit", "source",
    ]  # fmt: skip
    businesses = templates["businesses_template.csv"]
    assert businesses["product"].tolist() == ["kerupuk"] * 3
    # Filled in and saved over the tiny project's statistics, the templates load back.
    data = project / "data"
    harvest.assign(harvest_area_ha=[10.0, 20.0, 30.0], **{"yield": [2.0, 3.0, 4.0]}).to_csv(
        data / "panen.csv", index=False
    )
    businesses.assign(businesses=[1, 5, 0]).to_csv(data / "usaha.csv", index=False)
    filled = load_region(project / "layers" / "tiny.toml")
    assert filled.harvest["harvest_area_ha"].tolist() == [10.0, 20.0, 30.0]
    assert filled.businesses["kerupuk"].tolist() == [1, 5, 0]
