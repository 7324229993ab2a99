"""A region whose land use is a GeoTIFF class raster: manifest, loading and prepare_region.

Two square villages in UTM 49S (conftest.make_squares): A01 of 1,000 m (100 ha) and A02 of
500 m (25 ha). The class raster has 50 m pixels aligned with the squares: the western half of
A01 is sawah (code 1), its eastern half semak (code 5), all of A02 sawah. So A01 holds 50 ha of
each class and A02 25 ha of sawah. The DEM is the plane z = 0.02 x: a 2 % slope everywhere,
under paddy's S1 limit of 3 %, so paddy is S1 on sawah and S2 on semak (the suitability table).
"""

from __future__ import annotations

import logging

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import box

from ovop_geo.errors import InputDataError
from ovop_geo.manifest import load_manifest
from ovop_geo.pipeline import prepare_region
from ovop_geo.region import landuse_raster_info, load_region, read_landuse
from tests.conftest import X0, Y0, make_squares

MANIFEST = """
[region]
id = "tiny-raster"
name = "Tiny region with a land-use raster"

[boundaries]
path = "../data/desa.geojson"
id_column = "kode"
name_column = "nama"

[landuse]
path = "../data/{landuse}"
classes = "../data/landuse_classes.csv"
illustrative = true
{extra}
[elevation]
path = "../data/dem.tif"

[tables]
crops = "../data/crops.csv"
crop_landuse_suitability = "../data/suitability.csv"
"""

ZONING = """
[zoning]
path = "../data/zoning.geojson"
class_column = "zone"
"""


def _write_raster(path, array, pixel_m, crs="EPSG:32749"):
    # Grid origin 100 m west and south of the first square, so squares fall on pixel edges.
    transform = from_origin(X0 - 100.0, Y0 + 1100.0, pixel_m, pixel_m)
    profile = {
        "driver": "GTiff",
        "height": array.shape[0],
        "width": array.shape[1],
        "count": 1,
        "dtype": array.dtype.name,
        "crs": crs,
        "transform": transform,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(array, 1)


def _project(tmp_path, *, landuse_pixel_m=50.0, zoning=False, landuse_name="landuse.tif"):
    root = tmp_path / "proj"
    (root / "layers").mkdir(parents=True)
    data = root / "data"
    data.mkdir()
    extra = "" if landuse_name.endswith(".tif") else 'class_column = "kelas"\n'
    text = MANIFEST.format(landuse=landuse_name, extra=extra) + (ZONING if zoning else "")
    (root / "layers" / "tiny.toml").write_text(text)
    make_squares((1000.0, 500.0), crs="EPSG:4326").to_file(data / "desa.geojson")
    # DEM: 36 x 24 pixels of 50 m, z = 0.02 x (2 %).
    x = (np.arange(36) + 0.5) * 50.0
    _write_raster(data / "dem.tif", np.tile(0.02 * x, (24, 1)).astype("float32"), 50.0)
    # Land use: sawah (1) everywhere except the eastern half of A01, semak (5).
    scale = round(50.0 / landuse_pixel_m)
    lu = np.ones((24 * scale, 36 * scale), dtype="uint8")
    lu[:, 12 * scale : 22 * scale] = 5  # x from X0 + 500 to X0 + 1000
    _write_raster(data / "landuse.tif", lu, landuse_pixel_m)
    (data / "landuse_classes.csv").write_text(
        "class_code,class_id,idle\n1,sawah,false\n5,semak,true\n"
    )
    (data / "crops.csv").write_text(
        "crop_id,slope_s1_max_pct,slope_s2_max_pct,slope_s3_max_pct\npadi,3,8,15\n"
    )
    (data / "suitability.csv").write_text(
        "crop_id,class_id,suitability\npadi,sawah,S1\npadi,semak,S2\n"
    )
    if zoning:  # closes the whole of A01 to farming, were it applied
        import geopandas as gpd

        gpd.GeoDataFrame(
            {"zone": ["lindung"], "farming_allowed": [False]},
            geometry=[box(X0 - 50, Y0 - 50, X0 + 1050, Y0 + 1050)],
            crs="EPSG:32749",
        ).to_file(data / "zoning.geojson")
    return root / "layers" / "tiny.toml"


@pytest.mark.parametrize("pixel_m, rasterizations", [(50.0, 1), (25.0, 2)])
def test_class_raster_areas_and_suitability(tmp_path, caplog, pixel_m, rasterizations):
    region = load_region(_project(tmp_path, landuse_pixel_m=pixel_m))
    assert region.layers.landuse.raster
    assert region.layers.landuse.class_column == "class_code"
    with caplog.at_level(logging.INFO, logger="ovop_geo.zonal"):
        prepared = prepare_region(region)
    # The DEM's village grid is reused when the class raster shares its grid.
    burnt = [r for r in caplog.records if r.getMessage().startswith("Rasterized")]
    assert len(burnt) == rasterizations
    areas = prepared.landuse_ha
    assert areas.loc["A01", "sawah_ha"] == pytest.approx(50.0, abs=0.01)
    assert areas.loc["A01", "semak_ha"] == pytest.approx(50.0, abs=0.01)
    assert areas.loc["A02", "sawah_ha"] == pytest.approx(25.0, abs=0.01)
    assert areas.loc["A02", "semak_ha"] == pytest.approx(0.0, abs=1e-9)
    s = prepared.suitability.xs("padi", level="crop_id")
    assert s.loc["A01", "s1_ha"] == pytest.approx(50.0, abs=0.01)
    assert s.loc["A01", "s2_ha"] == pytest.approx(50.0, abs=0.01)
    assert s.loc["A02", "suitable_ha"] == pytest.approx(25.0, abs=0.01)
    assert s["illustrative"].all()
    assert prepared.slope["slope_mean_pct"].to_numpy() == pytest.approx([2.0, 2.0], abs=1e-4)
    assert not any("No land-use layer" in n for n in prepared.notes)


def test_zoning_is_not_applied_to_a_class_raster_and_a_note_says_so(tmp_path):
    prepared = prepare_region(load_region(_project(tmp_path, zoning=True)))
    notes = [n for n in prepared.notes if n.startswith("Zoning")]
    assert len(notes) == 1 and "was not applied" in notes[0] and "zoning.geojson" in notes[0]
    # A01 would be closed by the zone; unchanged because zoning is left out.
    s1 = prepared.suitability.xs("padi", level="crop_id").loc["A01", "s1_ha"]
    assert s1 == pytest.approx(50.0, abs=0.01)


def test_raster_layer_is_refused_by_the_polygon_reader(tmp_path):
    region = load_region(_project(tmp_path))
    with pytest.raises(InputDataError, match=r"landuse\.tif: the landuse layer is a class raster"):
        read_landuse(region)
    assert landuse_raster_info(region).width == 36


def test_polygon_landuse_still_needs_a_class_column(tmp_path):
    path = _project(tmp_path, landuse_name="landuse.geojson")
    text = path.read_text().replace('class_column = "kelas"\n', "")
    path.write_text(text)
    missing = r"\[landuse\]: missing required key\(s\): class_column"
    with pytest.raises(InputDataError, match=missing):
        load_manifest(path)


def test_zoning_raster_is_refused(tmp_path):
    path = _project(tmp_path, zoning=True)
    path.write_text(path.read_text().replace("zoning.geojson", "zoning.tif"))
    with pytest.raises(InputDataError, match=r"\[zoning\] path 'zoning.tif' is a raster"):
        load_manifest(path)


def test_class_raster_needs_the_class_table(tmp_path):
    path = _project(tmp_path)
    path.write_text(path.read_text().replace('classes = "../data/landuse_classes.csv"\n', ""))
    with pytest.raises(InputDataError, match="is a class raster, which needs the land-use class"):
        prepare_region(load_region(path))
