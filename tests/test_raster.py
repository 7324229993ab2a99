"""Slope (Horn) on hand-computed planes, nodata propagation, blocked GeoTIFF output, GDAL env."""

from __future__ import annotations

import math

import numpy as np
import pytest
import rasterio
from affine import Affine

from ovop_geo import raster
from ovop_geo.errors import InputDataError, ParameterError
from ovop_geo.raster import (
    SLOPE_NODATA,
    gdal_env,
    pixel_area_m2_by_row,
    read_raster_info,
    slope_array,
    slope_from_dem,
)

UTM = "EPSG:32749"
X0, Y0 = 314_000.0, 9_997_000.0


def _transform(west, north, size):
    return Affine(size, 0.0, west, 0.0, -size, north)


def _write(path, array, crs, transform, nodata=None):
    profile = {
        "driver": "GTiff",
        "width": array.shape[1],
        "height": array.shape[0],
        "count": 1,
        "dtype": array.dtype.name,
        "crs": crs,
        "transform": transform,
        "nodata": nodata,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(array, 1)
    return path


def _read(path):
    with rasterio.open(path) as src:
        return src.read(1), src.profile


def test_plane_slope_is_exact_everywhere_including_edges():
    x = np.arange(7) * 10.0  # metres
    dem = np.tile(0.03 * x, (5, 1))  # z = 0.03 x: 3 % everywhere
    np.testing.assert_allclose(slope_array(dem, xres_m=10, yres_m=10), 3.0, rtol=1e-6)
    y = np.arange(5)[:, None] * 20.0
    dem2 = 0.03 * x[None, :] + 0.04 * y  # 3 % east, 4 % south: 5 %
    np.testing.assert_allclose(slope_array(dem2, xres_m=10, yres_m=20), 5.0, rtol=1e-6)
    deg = slope_array(dem, xres_m=10, yres_m=10, units="degrees")
    np.testing.assert_allclose(deg, math.degrees(math.atan(0.03)), rtol=1e-6)


def test_horn_weights_on_a_kinked_surface():
    # z = 0 on the left half, rising 1 m per column on the right: Horn averages the columns
    dem = np.array([[0, 0, 0, 1, 2]] * 3, dtype=float)
    s = slope_array(dem, xres_m=1, yres_m=1)
    # centre column 2: ((c+2f+i) - (a+2d+g)) / 8 = (4*1 - 4*0) / 8 = 0.5 -> 50 %
    np.testing.assert_allclose(s[:, 2], 50.0)
    np.testing.assert_allclose(s[:, 1], 0.0)


def test_nodata_propagates_to_its_3x3_neighbourhood():
    dem = np.tile(0.03 * np.arange(6) * 10.0, (6, 1))
    dem[2, 3] = -9999
    s = slope_array(dem, xres_m=10, yres_m=10, nodata=-9999)
    expected_nan = np.zeros((6, 6), dtype=bool)
    expected_nan[1:4, 2:5] = True
    np.testing.assert_array_equal(np.isnan(s), expected_nan)
    np.testing.assert_allclose(s[~expected_nan], 3.0, rtol=1e-6)


def test_slope_file_utm_in_blocks_with_halo(tmp_path):
    dem = np.tile(0.03 * np.arange(40) * 30.0, (33, 1)).astype("float32")
    dem[20, 10] = -32768
    src = _write(tmp_path / "dem.tif", dem, UTM, _transform(X0, Y0, 30), nodata=-32768)
    out = slope_from_dem(src, block_rows=7)  # 7 rows: the halo crosses every block boundary
    assert out == tmp_path / "dem_slope_pct.tif"
    s, profile = _read(out)
    assert profile["nodata"] == SLOPE_NODATA and profile["compress"] == "zstd"
    assert profile["crs"].to_string() == UTM and profile["transform"] == _transform(X0, Y0, 30)
    nod = s == SLOPE_NODATA
    assert nod.sum() == 9 and nod[19:22, 9:12].all()
    np.testing.assert_allclose(s[~nod], 3.0, rtol=1e-5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dem.tif", "dem_slope_pct.tif"]


def test_slope_file_geographic_near_equator(tmp_path):
    # z = 0.03 x with x the eastward distance in metres at each row's latitude: 3 % slope
    deg = 1 / 1200  # 3 arc-seconds, about 92.6 m
    lon = np.arange(50) * deg
    lat = -0.02 - (np.arange(40) + 0.5) * deg
    x_m = lon[None, :] * 111_320 * np.cos(np.radians(lat))[:, None]
    dem = (0.03 * x_m).astype("float64")
    src = _write(tmp_path / "dem4326.tif", dem, "EPSG:4326", _transform(109.3, -0.02, deg))
    out = slope_from_dem(src, tmp_path / "slope.tif", units="percent", block_rows=16)
    s, _ = _read(out)
    np.testing.assert_allclose(s, 3.0, rtol=1e-3)


def test_slope_file_is_tiled_when_large_enough(tmp_path):
    dem = np.tile(0.05 * np.arange(300) * 10.0, (260, 1)).astype("float32")
    src = _write(tmp_path / "big.tif", dem, UTM, _transform(X0, Y0, 10))
    s, profile = _read(slope_from_dem(src, units="degrees"))
    assert profile["tiled"] and profile["blockxsize"] == 256
    np.testing.assert_allclose(s, math.degrees(math.atan(0.05)), rtol=1e-5)


def test_failed_write_leaves_no_file(tmp_path, monkeypatch):
    dem = np.tile(np.arange(5.0), (5, 1)).astype("float32")
    src = _write(tmp_path / "dem.tif", dem, UTM, _transform(X0, Y0, 10))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(raster, "_horn", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        slope_from_dem(src, tmp_path / "out.tif")
    assert [p.name for p in tmp_path.iterdir()] == ["dem.tif"]


def test_input_errors(tmp_path):
    dem = np.zeros((4, 4), dtype="float32")
    no_crs = _write(tmp_path / "nocrs.tif", dem, None, _transform(X0, Y0, 10))
    with pytest.raises(InputDataError, match=r"nocrs\.tif: the raster has no coordinate ref"):
        slope_from_dem(no_crs)
    thin = _write(tmp_path / "thin.tif", np.zeros((1, 4), "float32"), UTM, _transform(X0, Y0, 10))
    with pytest.raises(InputDataError, match=r"thin\.tif: the DEM has 4x1 cells"):
        slope_from_dem(thin)
    with pytest.raises(InputDataError, match=r"nothere\.tif: file not found"):
        read_raster_info(tmp_path / "nothere.tif")
    with pytest.raises(ParameterError, match="units must be one of"):
        slope_array(dem, xres_m=1, yres_m=1, units="radians")
    with pytest.raises(ParameterError, match="cache_mb must be at least 1"):
        gdal_env(cache_mb=0)


def test_gdal_env_bounds_the_block_cache():
    with gdal_env(cache_mb=32):
        assert int(rasterio.env.getenv()["GDAL_CACHEMAX"]) == 32


def test_pixel_areas(tmp_path):
    utm = _write(tmp_path / "u.tif", np.zeros((3, 3), "uint8"), UTM, _transform(X0, Y0, 20))
    np.testing.assert_allclose(pixel_area_m2_by_row(read_raster_info(utm)), 400.0)
    deg = 0.0002
    geo = _write(
        tmp_path / "g.tif", np.zeros((3, 3), "uint8"), "EPSG:4326", _transform(109.3, -0.02, deg)
    )
    # near the equator a cell is about (deg * 111320 m) x (deg * 110574 m)
    np.testing.assert_allclose(
        pixel_area_m2_by_row(read_raster_info(geo)), deg * 111_320 * deg * 110_574, rtol=2e-3
    )


def test_raster_without_georeferencing_is_refused(tmp_path):
    from rasterio.errors import NotGeoreferencedWarning

    from ovop_geo.raster import read_raster_info

    path = tmp_path / "plain.tif"
    with (
        pytest.warns(NotGeoreferencedWarning),
        rasterio.open(
            path,
            "w",
            driver="GTiff",
            width=4,
            height=4,
            count=1,
            dtype="float32",
            crs="EPSG:4326",
            transform=Affine.identity(),
        ) as dst,
    ):
        dst.write(np.zeros((1, 4, 4), dtype="float32"))
    with pytest.raises(InputDataError, match=r"plain\.tif: the raster is not georeferenced"):
        read_raster_info(path)
