"""Zonal statistics: hand-checked 6x6 fixtures (UTM 49S, EPSG:4326) and an exactextract oracle."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from affine import Affine

from ovop_geo.errors import InputDataError, ParameterError
from ovop_geo.zonal import rasterize_villages, zonal_classes, zonal_stats

UTM = "EPSG:32749"  # UTM zone 49S, Pontianak
X0, Y0, PX = 314_000.0, 9_997_000.0, 20.0
LON0, LAT0, DEG = 109.30, -0.02, 0.0002
NODATA = -9999.0

# 6x6 values: v[r, c] = 10 r + c, one nodata cell at row 2, column 3.
VALUES = (10 * np.arange(6)[:, None] + np.arange(6)[None, :]).astype("float32")
VALUES[2, 3] = NODATA
# Classes: 1 in columns 0-2, 2 in columns 3-5, 0 (nodata) at row 2, column 3.
CLASSES = np.where(np.arange(6)[None, :] < 3, 1, 2).repeat(6, axis=0).astype("uint8")
CLASSES[2, 3] = 0


def from_origin(west, north, xsize, ysize):
    """North-up transform (rasterio's from_origin warns through the affine package)."""
    return Affine(xsize, 0.0, west, 0.0, -ysize, north)


def _write(path, array, crs, transform, nodata):
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
    return str(path)


def _cells(x0, y0, px, r0, c0, rows, cols):
    """Square/rectangle covering pixel rows r0..r0+rows-1 and columns c0..c0+cols-1."""
    return shapely.box(x0 + c0 * px, y0 - (r0 + rows) * px, x0 + (c0 + cols) * px, y0 - r0 * px)


def _villages(x0, y0, px, crs):
    geoms = {
        "A": _cells(x0, y0, px, 0, 0, 2, 2),  # values 0, 1, 10, 11
        "B": _cells(x0, y0, px, 2, 2, 2, 2),  # 22, nodata, 32, 33
        "C": _cells(x0, y0, px, 5, 5, 1, 1),  # one pixel: 55
        "G": _cells(x0, y0, px, 0, 4, 2, 2),  # 4, 5, 14, 15 (overlaps H on row 1)
        "H": _cells(x0, y0, px, 1, 4, 2, 2),  # 14, 15, 24, 25
        # a quarter-pixel square centred on the corner of pixels (4,0), (4,1), (5,0), (5,1)
        "S": shapely.box(x0 + 0.75 * px, y0 - 5.25 * px, x0 + 1.25 * px, y0 - 4.75 * px),
        "OFF": _cells(x0, y0, px, 0, 20, 2, 2),  # east of the raster
    }
    gdf = gpd.GeoDataFrame(geometry=list(geoms.values()), index=list(geoms), crs=crs)
    gdf.index.name = "village_code"
    return gdf


@pytest.fixture
def utm(tmp_path):
    t = from_origin(X0, Y0, PX, PX)
    values = _write(tmp_path / "v.tif", VALUES, UTM, t, NODATA)
    classes = _write(tmp_path / "c.tif", CLASSES, UTM, t, 0)
    # villages handed over in EPSG:4326 must be reprojected to the raster's CRS
    return values, classes, _villages(X0, Y0, PX, UTM).to_crs("EPSG:4326")


@pytest.fixture
def geographic(tmp_path):
    t = from_origin(LON0, LAT0, DEG, DEG)
    values = _write(tmp_path / "v4326.tif", VALUES, "EPSG:4326", t, NODATA)
    classes = _write(tmp_path / "c4326.tif", CLASSES, "EPSG:4326", t, 0)
    return values, classes, _villages(LON0, LAT0, DEG, "EPSG:4326")


HAND = pd.DataFrame(
    {  # mean, min, max, count_px, pixels below 30 / valid pixels
        "A": (5.5, 0, 11, 4, 1.0),
        "B": (29.0, 22, 33, 3, 1 / 3),
        "C": (55.0, 55, 55, 1, 0.0),
        "G": (9.5, 4, 15, 4, 1.0),
        "H": (19.5, 14, 25, 4, 1.0),
        "S": (45.5, 40, 51, 0.25, 0.0),  # 10 m square: 1/16 of pixels 40, 41, 50, 51
    },
    index=["mean", "min", "max", "count_px", "share_below_30"],
).T


@pytest.mark.parametrize("small_px", [0, 100])  # 0: label grid path; 100: exact coverage path
def test_stats_by_hand_utm(utm, small_px):
    values, _, villages = utm
    out = zonal_stats(villages, values, thresholds=[30], small_px=small_px)
    assert out.index.name == "village_code"
    assert list(out.index) == list(villages.index)
    for col in HAND.columns:
        np.testing.assert_allclose(out.loc[HAND.index, col], HAND[col], rtol=1e-6, atol=1e-6)
    # pixel area 400 m² = 0.04 ha; S is a 10 m square = 100 m²
    np.testing.assert_allclose(
        out.loc[["A", "B", "S"], "covered_ha"], [0.16, 0.12, 0.01], rtol=1e-6
    )
    assert (out.loc[HAND.index, "reason"] == "").all()
    off = out.loc["OFF"]
    assert off["reason"] == "outside the raster"
    assert math.isnan(off["mean"]) and math.isnan(off["share_below_30"])
    assert off["count_px"] == 0


def test_geographic_fixture_matches_hand_values(geographic):
    values, classes, villages = geographic
    out = zonal_stats(villages, values, thresholds=[30], small_px=0)
    for col in ("mean", "min", "max", "count_px"):
        np.testing.assert_allclose(out.loc[HAND.index, col], HAND[col], atol=1e-6)
    # one cell: 0.0002° x 111320 m x cos(0.02°) by 0.0002° x 110574 m ≈ 492.3 m²
    cell_m2 = DEG * 111_320 * DEG * 110_574
    np.testing.assert_allclose(out.loc["A", "covered_ha"], 4 * cell_m2 / 1e4, rtol=3e-3)
    areas = zonal_classes(villages, classes, small_px=0)
    np.testing.assert_allclose(areas.loc["B", 1], 2 * cell_m2 / 1e4, rtol=3e-3)
    np.testing.assert_allclose(areas.loc["B", 2], 1 * cell_m2 / 1e4, rtol=3e-3)
    assert out.loc["OFF", "reason"] == "outside the raster"


@pytest.mark.parametrize("small_px", [0, 100])
def test_class_areas_by_hand(utm, small_px):
    _, classes, villages = utm
    out = zonal_classes(villages, classes, small_px=small_px)
    assert list(out.columns) == [1, 2]
    expected = {  # hectares, 0.04 ha per pixel
        "A": (0.16, 0.0),
        "B": (0.08, 0.04),  # (2,2)=1, (2,3) nodata, (3,2)=1, (3,3)=2
        "C": (0.0, 0.04),
        "G": (0.0, 0.16),
        "S": (0.01, 0.0),
    }
    for code, (one, two) in expected.items():
        np.testing.assert_allclose(out.loc[code, [1, 2]], [one, two], atol=1e-9)
    assert out.loc["OFF"].isna().all()
    chosen = zonal_classes(villages, classes, classes=[2, 7], small_px=small_px)
    assert list(chosen.columns) == [2, 7]
    assert chosen.loc["A", 7] == 0.0


def test_grid_reused_for_several_rasters(utm):
    values, classes, villages = utm
    grid = rasterize_villages(villages, values, small_px=0)
    a = zonal_stats(villages, values, grid=grid)
    b = zonal_stats(villages, values, small_px=0)
    pd.testing.assert_frame_equal(a, b)
    c = zonal_classes(villages, classes, grid=grid)
    assert c.loc["H", 2] == pytest.approx(0.16)
    assert grid.reasons["OFF"] == "outside the raster"


def test_all_nodata_and_empty_geometry(tmp_path):
    t = from_origin(X0, Y0, PX, PX)
    arr = VALUES.copy()
    arr[0:2, 0:2] = NODATA
    path = _write(tmp_path / "v.tif", arr, UTM, t, NODATA)
    villages = _villages(X0, Y0, PX, UTM)
    villages.loc["A", "geometry"] = _cells(X0, Y0, PX, 0, 0, 2, 2)
    villages.loc["E", "geometry"] = shapely.Polygon()
    for small_px in (0, 100):
        out = zonal_stats(villages, path, small_px=small_px)
        assert out.loc["A", "reason"] == "all nodata"
        assert math.isnan(out.loc["A", "mean"])
        assert out.loc["E", "reason"] == "empty geometry"
        assert out.loc["B", "mean"] == pytest.approx(29.0)


def test_input_errors(utm, tmp_path):
    values, _, villages = utm
    no_crs = _write(tmp_path / "nocrs.tif", VALUES, None, from_origin(X0, Y0, PX, PX), NODATA)
    with pytest.raises(InputDataError, match=r"nocrs\.tif: the raster has no coordinate ref"):
        zonal_stats(villages, no_crs)
    with pytest.raises(InputDataError, match=r"villages: the layer has no coordinate ref"):
        zonal_stats(villages.set_crs(None, allow_override=True), values)
    far = _write(tmp_path / "far.tif", VALUES, UTM, from_origin(500_000, 9_000_000, PX, PX), NODATA)
    with pytest.raises(InputDataError, match=r"far\.tif: the raster does not overlap any"):
        zonal_stats(villages, far)
    halves = _write(tmp_path / "half.tif", VALUES + 0.5, UTM, from_origin(X0, Y0, PX, PX), None)
    with pytest.raises(InputDataError, match=r"half\.tif: the class raster has non-integer"):
        zonal_classes(villages, halves)
    with pytest.raises(InputDataError, match=r"missing\.tif: file not found"):
        zonal_stats(villages, tmp_path / "missing.tif")
    dup = pd.concat([villages, villages.iloc[:1]])
    with pytest.raises(InputDataError, match=r"village codes are not unique\. Villages: A"):
        zonal_stats(dup, values)


def test_grid_mismatch_is_refused(utm, tmp_path):
    values, _, villages = utm
    other = _write(tmp_path / "o.tif", VALUES, UTM, from_origin(X0, Y0, 10, 10), NODATA)
    grid = rasterize_villages(villages, values)
    with pytest.raises(ParameterError, match="built for another grid"):
        zonal_stats(villages, other, grid=grid)
    with pytest.raises(ParameterError, match="built for other villages"):
        zonal_stats(villages.iloc[:3], values, grid=grid)


def test_inputs_not_modified(utm):
    values, _, villages = utm
    before = villages.copy()
    zonal_stats(villages, values)
    pd.testing.assert_frame_equal(villages, before)


# --- exactextract oracle ----------------------------------------------------------------------

N = 600


def _relief(seed: int) -> np.ndarray:
    """Smooth relief (metres): a few sine waves plus Gaussian hills."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:N, 0:N] / N
    z = 50 + 20 * np.sin(2 * np.pi * (x * 1.3 + rng.random())) * np.cos(2 * np.pi * y * 0.8)
    for _ in range(8):
        cx, cy, s, h = rng.random(), rng.random(), 0.03 + 0.1 * rng.random(), 40 * rng.random()
        z += h * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s))
    return z.astype("float32")


def _polygons(seed: int, x0: float, y0: float, px: float) -> gpd.GeoDataFrame:
    """~30 irregular star-shaped polygons of 3 to 60 pixels radius, a few on the raster edge."""
    rng = np.random.default_rng(seed)
    geoms = []
    for k in range(32):
        r = px * (3 + 57 * rng.random() ** 2)
        cx = x0 + px * (40 + (N - 80) * rng.random()) if k % 10 else x0 + 5 * px
        cy = y0 - px * (40 + (N - 80) * rng.random())
        angles = np.sort(rng.random(14)) * 2 * np.pi
        radii = r * (0.6 + 0.4 * rng.random(14))
        geoms.append(
            shapely.Polygon(
                zip(cx + radii * np.cos(angles), cy + radii * np.sin(angles), strict=True)
            )
        )
    gdf = gpd.GeoDataFrame(geometry=geoms, index=[f"V{k:02d}" for k in range(32)], crs=UTM)
    gdf.index.name = "village_code"
    return gdf


@pytest.fixture
def oracle(tmp_path):
    px = 30.0
    t = from_origin(X0, Y0, px, px)
    z = _relief(7)
    z[100:110, 200:215] = NODATA
    dem = _write(tmp_path / "dem.tif", z, UTM, t, NODATA)
    cls = np.digitize(np.where(z == NODATA, 60, z), [40, 55, 70, 85]).astype("uint8") + 1
    cls[z == NODATA] = 0
    classes = _write(tmp_path / "cls.tif", cls, UTM, t, 0)
    return dem, classes, _polygons(11, X0, Y0, px), px


def _exact(raster, villages, ops):
    exactextract = pytest.importorskip("exactextract")
    frame = villages.reset_index()
    out = exactextract.exact_extract(
        raster, frame, ops, include_cols=["village_code"], output="pandas"
    )
    return out.set_index("village_code")


def test_means_agree_with_exactextract(oracle):
    dem, _, villages, px = oracle
    ours = zonal_stats(villages, dem)
    ref = _exact(dem, villages, ["mean", "count"])
    n_px = shapely.area(villages.geometry.values) / px**2
    assert (n_px >= 1000).sum() >= 5 and ((n_px >= 100) & (n_px < 1000)).sum() >= 5
    diff = (ours["mean"] - ref["mean"]).abs()
    big, mid = n_px >= 1000, (n_px >= 100) & (n_px < 1000)
    assert (diff[big] <= np.maximum(0.005 * ref["mean"][big].abs(), 0.05)).all()
    assert (diff[mid] <= 0.02 * ref["mean"][mid].abs()).all()
    small = n_px < 100  # exact coverage path: agrees to rounding
    np.testing.assert_allclose(ours["mean"][small], ref["mean"][small], rtol=1e-4)
    # covered area: exactextract's coverage count x pixel area
    np.testing.assert_allclose(ours["covered_ha"], ref["count"] * px**2 / 1e4, rtol=5e-3)


def test_class_areas_agree_with_exactextract(oracle):
    _, classes, villages, px = oracle
    ours = zonal_classes(villages, classes)
    ref = _exact(classes, villages, ["unique", "frac", "count"])
    n_px = shapely.area(villages.geometry.values) / px**2
    for code, row in ref.iterrows():
        covered = row["count"] * px**2 / 1e4
        want = dict(zip(row["unique"], row["frac"] * covered, strict=True))
        got = ours.loc[code].fillna(0.0)
        tol = 0.01 if n_px[villages.index.get_loc(code)] >= 1000 else 0.03
        for cls in set(want) | {c for c in got.index if got[c] > 0}:
            assert abs(got.get(cls, 0.0) - want.get(cls, 0.0)) <= tol * covered + 1e-9, (code, cls)


def test_class_areas_sum_to_village_area(oracle):
    _, classes, villages, _ = oracle
    ours = zonal_classes(villages, classes)
    area_ha = villages.area / 1e4
    # villages fully inside the raster and away from the nodata patch
    inside = villages.within(shapely.box(X0, Y0 - N * 30, X0 + N * 30, Y0))
    patch = shapely.box(X0 + 200 * 30, Y0 - 110 * 30, X0 + 215 * 30, Y0 - 100 * 30)
    far = ~villages.intersects(patch)
    sel = inside & far
    assert sel.sum() >= 20
    np.testing.assert_allclose(ours[sel].sum(axis=1), area_ha[sel], rtol=1e-3)
