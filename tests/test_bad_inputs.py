"""A corpus of bad inputs, each refused (or repaired) with the exact message a user would read.

Every case writes a tiny project into ``tmp_path`` (a manifest in ``layers/`` and its files in
``data/``) and goes through the real user path, :func:`ovop_geo.region.load_region`, or through
the io/zonal/raster function that reports the problem. The expected message is a distinctive regex
of its text, and the file name must appear in it.

Case kinds:

- ``error``: an :class:`InputDataError` whose message matches;
- ``warning``: the input is repaired or reprojected and a warning of ``Region.warnings`` matches;
- ``accepted``: the input is read correctly (decimal commas, degrees where metres are needed,
  rasters off the region giving NaN with a reason); ``check`` asserts the values.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from pyproj import Geod
from rasterio.errors import NotGeoreferencedWarning
from rasterio.transform import from_origin
from rasterio.windows import Window
from shapely.geometry import LineString, Point, Polygon

from ovop_geo.errors import InputDataError
from ovop_geo.io import read_table, read_vector
from ovop_geo.raster import read_raster_info, slope_from_dem
from ovop_geo.region import elevation_info, load_region
from ovop_geo.zonal import zonal_stats
from tests.conftest import X0, Y0, make_squares

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
HTML = b"<!DOCTYPE html><html><head><title>Peta</title></head><body>404</body></html>\n"
XLSX = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"[Content_Types].xml" + b"\x00" * 40

BASE_MANIFEST = """\
[region]
id = "uji"
name = "Kecamatan Uji"

[boundaries]
path = "../data/{boundaries}"
id_column = "kode"
name_column = "nama"
households_column = "kk"
{boundaries_extra}
{extra}
"""


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Path], Callable[[], object]]
    file: str
    message: str | None
    kind: str = "error"
    check: Callable[[object], None] | None = None


CASES: list[Case] = []


def case(id, *, file, message=None, kind="error", check=None):
    """Register a builder ``build(tmp_path) -> run`` in the corpus."""

    def deco(build):
        CASES.append(Case(id, build, file, message, kind, check))
        return build

    return deco


# --- project helpers --------------------------------------------------------------------------


def _project(
    tmp: Path,
    *,
    villages: gpd.GeoDataFrame | None = None,
    boundaries: str = "desa.geojson",
    boundaries_extra: str = "",
    extra: str = "",
    files: dict[str, bytes | str] | None = None,
) -> Path:
    """Write a project (layers/uji.toml + data/) and return the manifest path."""
    root = tmp / "proj"
    (root / "layers").mkdir(parents=True)
    data = root / "data"
    data.mkdir()
    if villages is None:
        villages = make_squares(crs="EPSG:4326")
    if villages is not False:
        villages.to_file(data / boundaries)
    for name, content in (files or {}).items():
        if isinstance(content, str):
            content = content.encode("utf-8")
        (data / name).write_bytes(content)
    manifest = root / "layers" / "uji.toml"
    manifest.write_text(
        BASE_MANIFEST.format(boundaries=boundaries, boundaries_extra=boundaries_extra, extra=extra)
    )
    return manifest


def _load(manifest: Path) -> Callable[[], object]:
    return lambda: load_region(manifest)


def _with_boundaries_file(tmp: Path, name: str, content: bytes) -> Callable[[], object]:
    return _load(_project(tmp, villages=False, boundaries=name, files={name: content}))


def _with_villages(tmp: Path, gdf: gpd.GeoDataFrame, name: str = "desa.geojson"):
    return _load(_project(tmp, villages=gdf, boundaries=name))


HARVEST = '[statistics.harvest]\npath = "../data/panen.csv"\nlevel = "village"\n'
BUSINESSES = '[statistics.businesses]\npath = "../data/usaha.csv"\n'
ELEVATION = '[elevation]\npath = "../data/dem.tif"\n'


#: For cases about number parsing, not plausibility (1,234 ha of rice in a 25 ha square).
LOOSE = "[checks]\nmax_harvests_per_year = 1e9\n"


def _harvest(tmp: Path, text: str, *, checks: str = "") -> Callable[[], object]:
    return _load(_project(tmp, extra=HARVEST + checks, files={"panen.csv": text}))


def _businesses(tmp: Path, text: str, villages=None) -> Callable[[], object]:
    return _load(_project(tmp, villages=villages, extra=BUSINESSES, files={"usaha.csv": text}))


def _write_raster(path: Path, data: np.ndarray, *, crs, transform, nodata=None) -> Path:
    profile = {
        "driver": "GTiff",
        "width": data.shape[1],
        "height": data.shape[0],
        "count": 1,
        "dtype": data.dtype,
        "crs": crs,
        "transform": transform,
        "nodata": nodata,
    }
    with warnings.catch_warnings():
        # Writing a raster without georeferencing is the point of some cases.
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(data, 1)
    return path


def _elevation(tmp: Path, write: Callable[[Path], object]) -> Callable[[], object]:
    manifest = _project(tmp, extra=ELEVATION)
    write(manifest.parent.parent / "data" / "dem.tif")
    return lambda: elevation_info(load_region(manifest))


# --- empty files ------------------------------------------------------------------------------


@case(
    "empty-geojson",
    file="data/desa.geojson",
    message=r"^data/desa\.geojson: the file is empty\. Give a file with data\.$",
)
def _(tmp):
    return _with_boundaries_file(tmp, "desa.geojson", b"")


@case("empty-gpkg", file="data/desa.gpkg", message=r"data/desa\.gpkg: the file is empty")
def _(tmp):
    return _with_boundaries_file(tmp, "desa.gpkg", b"")


@case(
    "empty-csv",
    file="data/panen.csv",
    message=r"^data/panen\.csv: the file is empty\. Give a file with data\.$",
)
def _(tmp):
    return _harvest(tmp, "")


@case(
    "blank-lines-csv",
    file="data/panen.csv",
    message=r"^data/panen\.csv: the file is empty\. Give a table with a header row\.$",
)
def _(tmp):
    return _harvest(tmp, "\n  \n\n")


@case(
    "header-only-csv",
    file="data/panen.csv",
    message=r"^data/panen\.csv: missing column 'yield' \(the yield, with its 'yield_unit'\)\.$",
)
def _(tmp):
    return _harvest(tmp, "village_code,crop_id,harvest_area_ha,yield_unit\n")


@case("empty-tif", file="data/dem.tif", message=r"^data/dem\.tif: the file is empty")
def _(tmp):
    return _elevation(tmp, lambda p: p.write_bytes(b""))


@case(
    "empty-manifest",
    file="uji.toml",
    message=r"uji\.toml: 2 problems:\n- missing required section \[region\]\. Add it\.\n"
    r"- missing required section \[boundaries\]",
)
def _(tmp):
    manifest = _project(tmp)
    manifest.write_text("")
    return _load(manifest)


# --- wrong file type behind a right extension -------------------------------------------------


@case(
    "png-as-geojson",
    file="data/desa.geojson",
    message=r"^data/desa\.geojson: cannot read this file as a \.geojson vector layer \(.*\)\. "
    r"Check that the file is what its extension says",
)
def _(tmp):
    return _with_boundaries_file(tmp, "desa.geojson", PNG)


@case(
    "html-as-gpkg",
    file="data/desa.gpkg",
    message=r"^data/desa\.gpkg: cannot read this file as a \.gpkg vector layer",
)
def _(tmp):
    return _with_boundaries_file(tmp, "desa.gpkg", HTML)


@case(
    "csv-as-parquet",
    file="data/desa.parquet",
    message=r"^data/desa\.parquet: cannot read this file as a \.parquet vector layer",
)
def _(tmp):
    return _with_boundaries_file(tmp, "desa.parquet", b"kode,nama\nA01,Desa Satu\n")


@case(
    "text-as-zip",
    file="data/desa.zip",
    message=r"^data/desa\.zip: not a readable zip archive \(.*\)\. Give a \.zip made by a zip tool",
)
def _(tmp):
    return _with_boundaries_file(tmp, "desa.zip", b"kode,nama\nA01,Desa Satu\n")


@case(
    "xlsx-as-csv",
    file="data/panen.csv",
    message=r"^data/panen\.csv: this is not a text \(CSV\) file\. Save the sheet as CSV",
)
def _(tmp):
    return _load(_project(tmp, extra=HARVEST, files={"panen.csv": XLSX}))


@case(
    "png-as-tif",
    file="data/dem.tif",
    message=r"^data/dem\.tif: not a raster that can be read \(.*\)\. Give a GeoTIFF\.$",
)
def _(tmp):
    return _elevation(tmp, lambda p: p.write_bytes(PNG))


@case(
    "png-as-toml",
    file="uji.toml",
    message=r"layers/uji\.toml: cannot read the file \(.utf-8. codec can.t decode byte 0x89",
)
def _(tmp):
    manifest = _project(tmp)
    manifest.write_bytes(PNG)
    return _load(manifest)


# --- coordinates, geometry types, repairs -----------------------------------------------------


def _swapped() -> gpd.GeoDataFrame:
    gdf = make_squares(crs="EPSG:4326")
    swap = [Polygon([(y, x) for x, y in g.exterior.coords]) for g in gdf.geometry]
    return gdf.set_geometry(swap)


@case(
    "lat-lon-order",
    file="data/desa.geojson",
    message=r"^data/desa\.geojson: coordinates look like \[latitude, longitude\] \(x from -0\.\d\d "
    r"to -0\.\d\d, y from 109\.\d\d to 109\.\d\d\)\. .*swap the coordinates\.$",
)
def _(tmp):
    return _with_villages(tmp, _swapped())


@case(
    "projected-metres-labelled-4326",
    file="data/desa.gpkg",
    message=r"data/desa\.gpkg: coordinates are outside the range of degrees \(bounds 330000\.0, "
    r"9970000\.0, .*\) although the CRS is geographic",
)
def _(tmp):
    utm = make_squares(crs="EPSG:32749")
    return _with_villages(tmp, utm.set_crs("EPSG:4326", allow_override=True), "desa.gpkg")


@case(
    "mixed-geometry-types",
    file="data/desa.geojson",
    message=r"^data/desa\.geojson: 2 village\(s\) are not polygons \(LineString, Point\)\. "
    r"Villages: A02, A03\. Village boundaries must be polygons\.$",
)
def _(tmp):
    gdf = make_squares(crs="EPSG:4326")
    c = gdf.geometry.iloc[1].centroid
    gdf = gdf.set_geometry([gdf.geometry.iloc[0], Point(c), LineString([c, (c.x + 0.01, c.y)])])
    return _with_villages(tmp, gdf)


@case(
    "null-geometry",
    file="data/desa.geojson",
    message=r"^data/desa\.geojson: 1 village\(s\) have no geometry\. Villages: A02\. "
    r"Draw them or remove the rows\.$",
)
def _(tmp):
    gdf = make_squares(crs="EPSG:4326")
    gdf = gdf.set_geometry([gdf.geometry.iloc[0], None, gdf.geometry.iloc[2]])
    return _with_villages(tmp, gdf)


def _bowtie_villages() -> gpd.GeoDataFrame:
    """A02 is a bow-tie: two triangles of 500 m x 250 m (6.25 ha each) crossing at a point."""
    utm = make_squares(crs="EPSG:32749")
    x, y = X0 + 1100.0, Y0
    bowtie = Polygon([(x, y), (x + 500, y + 500), (x + 500, y), (x, y + 500)])
    assert not bowtie.is_valid
    return utm.set_geometry([utm.geometry.iloc[0], bowtie, utm.geometry.iloc[2]]).to_crs(4326)


def _check_bowtie(region) -> None:
    v = region.villages
    assert v.loc["A02"].geometry.is_valid and v.loc["A02"].geometry.geom_type == "MultiPolygon"
    # Two triangles of base 500 m and height 250 m: 2 x 6.25 ha.
    np.testing.assert_allclose(v["area_ha"].tolist(), [100.0, 12.5, 400.0], rtol=1e-4)


@case(
    "bow-tie-repaired",
    file="data/desa.geojson",
    kind="warning",
    message=r"^data/desa\.geojson: 1 invalid geometry repaired \(self-intersections or nested "
    r"rings\): A02 Desa Dua\. Check them on a map\.$",
    check=_check_bowtie,
)
def _(tmp):
    return _with_villages(tmp, _bowtie_villages())


def _check_valid_and_a02(region) -> None:
    assert region.villages.geometry.is_valid.all()
    assert region.villages.loc["A02", "area_ha"] == pytest.approx(25.0, rel=1e-6)


def _loop_villages() -> gpd.GeoDataFrame:
    """A01 and A03 have self-intersecting rings (a ring that crosses itself with a loop)."""
    utm = make_squares(crs="EPSG:32749")
    x, y = X0, Y0
    # Square 1000 m with its top edge folded into a crossing loop: a figure-of-eight ring.
    loop = Polygon(
        [
            (x, y),
            (x + 1000, y),
            (x + 1000, y + 1000),
            (x, y + 500),
            (x + 1000, y + 500),
            (x, y + 1000),
        ]
    )
    x3 = X0 + 1700.0
    spike = Polygon(
        [(x3, y), (x3 + 2000, y), (x3 + 2000, y + 2000), (x3 + 1000, y - 500), (x3, y + 2000)]
    )
    assert not loop.is_valid and not spike.is_valid
    return utm.set_geometry([loop, utm.geometry.iloc[1], spike]).to_crs(4326)


@case(
    "self-intersections-repaired",
    file="data/desa.gpkg",
    kind="warning",
    message=r"^data/desa\.gpkg: 2 invalid geometries repaired \(self-intersections or nested "
    r"rings\): A01 Desa Satu, A03 Desa Tiga\. Check them on a map\.$",
    check=lambda r: _check_valid_and_a02(r),
)
def _(tmp):
    return _with_villages(tmp, _loop_villages(), "desa.gpkg")


@case(
    "duplicate-ids",
    file="data/desa.geojson",
    message=r"^data/desa\.geojson: column 'kode': duplicate codes: A01\. "
    r"Each village needs its own code\.$",
)
def _(tmp):
    return _with_villages(tmp, make_squares(crs="EPSG:4326").assign(kode=["A01", "A01", "A03"]))


@case(
    "missing-ids",
    file="data/desa.geojson",
    message=r"^data/desa\.geojson: column 'kode': 1 village\(s\) have no code\. Features: 2 "
    r"\(names: Desa Dua\)\. Give every village a code\.$",
)
def _(tmp):
    return _with_villages(tmp, make_squares(crs="EPSG:4326").assign(kode=["A01", None, "A03"]))


@case(
    "missing-and-duplicate-ids-together",
    file="data/desa.geojson",
    message=r"^data/desa\.geojson: 2 problems:\n- column 'kode': 1 village\(s\) have no code\. "
    r".*\n- column 'kode': duplicate codes: A01\.",
)
def _(tmp):
    return _with_villages(tmp, make_squares(crs="EPSG:4326").assign(kode=["A01", " ", "A01"]))


@case(
    "households-negative-and-fractional",
    file="data/desa.geojson",
    message=r"data/desa\.geojson: column 'kk': households must be whole numbers ≥ 0\. "
    r"Villages: A02, A03\.$",
)
def _(tmp):
    return _with_villages(tmp, make_squares(crs="EPSG:4326").assign(kk=[10, -3, 2.5]))


@case(
    "id-column-missing",
    file="data/desa.geojson",
    message=r"^data/desa\.geojson: missing column\(s\): kode\. Columns found: .*nama.*\. "
    r"Fix the column names in the manifest\.$",
)
def _(tmp):
    return _with_villages(tmp, make_squares(crs="EPSG:4326").rename(columns={"kode": "kd"}))


# --- CRS ----------------------------------------------------------------------------------------


@case(
    "no-crs",
    file="data/desa.gpkg",
    message=r"^data/desa\.gpkg: the layer has no coordinate reference system \(CRS\)\. "
    r"Set the right CRS in the file",
)
def _(tmp):
    no_crs = make_squares(crs="EPSG:32749").set_crs(None, allow_override=True)
    with warnings.catch_warnings():
        # Writing a layer without a CRS is the point of the case.
        warnings.filterwarnings("ignore", message="'crs' was not provided", category=UserWarning)
        return _with_villages(tmp, no_crs, "desa.gpkg")


def _check_utm_areas(region) -> None:
    # Squares of 1000 m, 500 m and 2000 m drawn in UTM 49S: 100, 25 and 400 ha.
    np.testing.assert_allclose(region.villages["area_ha"], [100.0, 25.0, 400.0], rtol=1e-6)
    assert region.villages.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = region.villages.total_bounds
    assert 109.4 < minx < maxx < 109.6 and -0.3 < miny < maxy < -0.2


@case(
    "other-crs-reprojected",
    file="data/desa.gpkg",
    kind="warning",
    message=r"^data/desa\.gpkg: reprojected from EPSG:32749 to EPSG:4326\.$",
    check=_check_utm_areas,
)
def _(tmp):
    return _with_villages(tmp, make_squares(crs="EPSG:32749"), "desa.gpkg")


@case(
    "degrees-layer-areas-in-metres",
    file="data/desa.geojson",
    kind="accepted",
    check=_check_utm_areas,
)
def _(tmp):
    # A 4326 layer: areas must come from the UTM zone, not from square degrees.
    return _with_villages(tmp, make_squares(crs="EPSG:4326"))


def _check_degree_slope(path: Path) -> None:
    with rasterio.open(path) as src:
        slope = src.read(1)
    # The DEM rises 1 m per row of 0.001 degrees of latitude; one row is this many metres:
    row_m = Geod(ellps="WGS84").inv(109.3, -0.25, 109.3, -0.251)[2]
    np.testing.assert_allclose(slope, 100.0 / row_m, rtol=2e-3)  # ~0.904 %, not 1,000 %


@case(
    "degrees-dem-slope-in-metres",
    file="dem_deg.tif",
    kind="accepted",
    check=_check_degree_slope,
)
def _(tmp):
    dem = np.repeat(np.arange(8, 0, -1, dtype="float32")[:, None], 8, axis=1)  # rises northward
    path = _write_raster(
        tmp / "dem_deg.tif",
        dem,
        crs="EPSG:4326",
        transform=from_origin(109.3, -0.245, 0.001, 0.001),
    )
    return lambda: slope_from_dem(path, tmp / "slope.tif")


# --- CSV conventions and numbers ----------------------------------------------------------------


def _check_decimal_comma(region) -> None:
    h = region.harvest
    assert h["harvest_area_ha"].tolist() == [1234.0, 1234.5, 12.5]
    assert h["yield_value"].tolist() == [4.5, 45.0, 4.0]
    assert h["yield_unit"].tolist() == ["t/ha", "ku/ha", "T / Ha"]


@case("semicolon-decimal-comma", file="data/panen.csv", kind="accepted", check=_check_decimal_comma)
def _(tmp):
    return _harvest(
        tmp,
        "village_code;crop_id;harvest_area_ha;yield;yield_unit\n"
        "A01;padi;1.234;4,5;t/ha\n"
        "A02;padi;1.234,5;45;ku/ha\n"
        "A03;padi;12,5;4;T / Ha\n",
        checks=LOOSE,
    )


@case(
    "comma-file-quoted-thousands",
    file="data/panen.csv",
    kind="accepted",
    check=lambda r: r.harvest["harvest_area_ha"].tolist() == [1234.0, 2500000.0],
)
def _(tmp):
    return _harvest(
        tmp,
        "village_code,crop_id,harvest_area_ha,yield,yield_unit\n"
        'A01,padi,"1,234",4.5,t/ha\n'
        'A02,padi,"2,500,000",4.5,t/ha\n',
        checks=LOOSE,
    )


@case(
    "thousands-ambiguous-tab",
    file="data/panen.csv",
    message=r"^data/panen\.csv: column 'harvest_area_ha': values like '1\.234', '2\.500' can be "
    r"read with a thousands separator or a decimal mark\. Say which convention",
)
def _(tmp):
    return _harvest(
        tmp,
        "village_code\tcrop_id\tharvest_area_ha\tyield\tyield_unit\n"
        "A01\tpadi\t1.234\t4\tt/ha\nA02\tpadi\t2.500\t4\tt/ha\n",
    )


@case(
    "mixed-decimal-conventions",
    file="data/panen.csv",
    message=r"data/panen\.csv: column 'yield': numbers mix decimal points and decimal commas "
    r"\(rows 2 against rows 3\)\. Use one convention\.",
)
def _(tmp):
    return _harvest(
        tmp,
        "village_code;crop_id;harvest_area_ha;yield;yield_unit\n"
        "A01;padi;10;4.5;t/ha\nA02;padi;10;4,5;t/ha\n",
    )


@case(
    "text-in-number-column",
    file="data/panen.csv",
    message=r"^data/panen\.csv: 2 problems:\n- column 'harvest_area_ha': 1 value\(s\) are not "
    r"numbers \('12 ha'\)\. Rows: 3\. Write plain numbers, without units or text\.\n"
    r"- column 'yield': 2 value\(s\) are not numbers \('-', 'n/a'\)\. Rows: 2, 4\.",
)
def _(tmp):
    return _harvest(
        tmp,
        "village_code,crop_id,harvest_area_ha,yield,yield_unit\n"
        "A01,padi,10,-,t/ha\nA02,padi,12 ha,4,t/ha\nA03,padi,5,n/a,t/ha\n",
    )


@case(
    "negative-area",
    file="data/panen.csv",
    message=r"^data/panen\.csv: column 'harvest_area_ha': 1 value\(s\) below 0 \(for example "
    r"-5\)\. Rows: 3\.$",
)
def _(tmp):
    return _harvest(
        tmp,
        "village_code,crop_id,harvest_area_ha,yield,yield_unit\nA01,padi,10,4,t/ha\n"
        "A02,padi,-5,4,t/ha\n",
    )


@case(
    "absurd-yield-t-ha",
    file="data/panen.csv",
    message=r"^data/panen\.csv: column 'yield': 1 yield\(s\) above 100 t/ha, more than any crop "
    r"gives: row 3: 500 t/ha\. Check the values and their 'yield_unit'",
)
def _(tmp):
    return _harvest(
        tmp,
        "village_code,crop_id,harvest_area_ha,yield,yield_unit\nA01,padi,10,4.5,t/ha\n"
        "A02,padi,10,500,t/ha\nA03,padi,10,45000,kg/ha\n",
    )


@case(
    "absurd-yield-ku-ha",
    file="data/panen.csv",
    message=r"column 'yield_value': 2 yield\(s\) above 100 t/ha, more than any crop gives: "
    r"row 2: 5,000 ku/ha \(= 500 t/ha\), row 3: 1,234,000 kg/ha \(= 1,234 t/ha\)\.",
)
def _(tmp):
    return _harvest(
        tmp,
        "village_code;crop_id;harvest_area_ha;yield_value;yield_unit\n"
        "A01;padi;10;5.000;ku/ha\nA02;padi;10;1.234.000;kg/ha\nA03;padi;10;40,5;ku/ha\n",
    )


@case(
    "unit-missing",
    file="data/panen.csv",
    message=r"^data/panen\.csv: column 'yield_unit': unit missing\. Rows: 3\. "
    r"Write one of t/ha, ton/ha, tonne/ha, ku/ha, kw/ha, kuintal/ha, kwintal/ha, kg/ha\.$",
)
def _(tmp):
    return _harvest(
        tmp,
        "village_code,crop_id,harvest_area_ha,yield,yield_unit\nA01,padi,10,4,t/ha\n"
        "A02,padi,10,4,\n",
    )


@case(
    "unit-unknown",
    file="data/panen.csv",
    message=r"^data/panen\.csv: column 'yield_unit': unknown unit\(s\) 'bushel/acre', 'kg/m2'\. "
    r"Rows: 2, 3\. Use one of t/ha, ton/ha, tonne/ha, ku/ha, kw/ha, kuintal/ha, kwintal/ha, "
    r"kg/ha \(1 ku = 100 kg\)\.$",
)
def _(tmp):
    return _harvest(
        tmp,
        "village_code,crop_id,harvest_area_ha,yield,yield_unit\nA01,padi,10,4,kg/m2\n"
        "A02,padi,10,4,bushel/acre\n",
    )


@case(
    "unit-column-missing",
    file="data/panen.csv",
    message=r"^data/panen\.csv: missing column\(s\): yield_unit\. Columns found: village_code, "
    r"crop_id, harvest_area_ha, yield\. Rename or add the columns\.$",
)
def _(tmp):
    return _harvest(tmp, "village_code,crop_id,harvest_area_ha,yield\nA01,padi,10,4\n")


@case(
    "ragged-rows",
    file="data/panen.csv",
    message=r"^data/panen\.csv: cannot read as a comma-separated table \(Length of header or "
    r"names does not match.*\)\. Check that every row has as many cells as the header\.$",
)
def _(tmp):
    return _harvest(
        tmp,
        "village_code,crop_id,harvest_area_ha,yield,yield_unit\nA01,padi,10,4,t/ha,extra,x\n",
    )


@case(
    "business-count-fraction",
    file="data/usaha.csv",
    message=r"^data/usaha\.csv: column 'businesses': counts must be whole numbers\.$",
)
def _(tmp):
    return _businesses(tmp, "product,village_code,businesses\nkerupuk,A01,2.5\n")


# --- village names ------------------------------------------------------------------------------


@case(
    "name-matches-no-village",
    file="data/usaha.csv",
    message=r"^data/usaha\.csv: column 'village_name': 1 name\(s\) match no village: "
    r"'Desa Tigga' \(nearest: Desa Tiga \(A03\).*\)\. Correct the spelling, or use the village "
    r"code",
)
def _(tmp):
    return _businesses(
        tmp, "product,village_name,businesses\nkerupuk,Desa Satu,3\nkerupuk,Desa Tigga,2\n"
    )


@case(
    "name-matches-two-villages",
    file="data/usaha.csv",
    message=r"^data/usaha\.csv: column 'village_name': 1 name\(s\) match several villages: "
    r"'Sungai 2' → Sungai Dua \(A01\), Sungai II \(A02\)\. Use village codes",
)
def _(tmp):
    gdf = make_squares(crs="EPSG:4326").assign(nama=["Sungai Dua", "Sungai II", "Sungai Tiga"])
    return _businesses(tmp, "product,village_name,businesses\nkerupuk,Sungai 2,3\n", villages=gdf)


@case(
    "unknown-village-code",
    file="data/usaha.csv",
    message=r"^data/usaha\.csv: column 'village_code': codes not in the boundary layer: A09\. "
    r"Rows: 3\.$",
)
def _(tmp):
    return _businesses(tmp, "product,village_code,businesses\nkerupuk,A01,3\nkerupuk,A09,1\n")


# --- rasters ------------------------------------------------------------------------------------

_UTM_DEM = from_origin(X0 - 100.0, Y0 + 2100.0, 30.0, 30.0)


@case(
    "raster-not-georeferenced",
    file="data/dem.tif",
    message=r"^data/dem\.tif: 2 problems:\n- the raster has no coordinate reference system.*\n"
    r"- the raster is not georeferenced \(no geotransform\)\. Georeference it first\.$",
)
def _(tmp):
    ident = rasterio.Affine.identity()
    return _elevation(
        tmp, lambda p: _write_raster(p, np.ones((4, 4), "float32"), crs=None, transform=ident)
    )


@case(
    "raster-crs-without-transform",
    file="data/dem.tif",
    message=r"^data/dem\.tif: the raster is not georeferenced \(no geotransform\)\.",
)
def _(tmp):
    ident = rasterio.Affine.identity()
    return _elevation(
        tmp,
        lambda p: _write_raster(p, np.ones((4, 4), "float32"), crs="EPSG:32749", transform=ident),
    )


def _huge_tif(path: Path) -> None:
    """A GeoTIFF header claiming 200,000 x 200,000 cells, tiled and sparse: about 50 KB."""
    profile = {
        "driver": "GTiff",
        "width": 200_000,
        "height": 200_000,
        "count": 1,
        "dtype": "uint8",
        "crs": "EPSG:32749",
        "transform": from_origin(X0, Y0, 1.0, 1.0),
        "tiled": True,
        "blockxsize": 4096,
        "blockysize": 4096,
        "compress": "deflate",
        "sparse_ok": True,
        "BIGTIFF": "YES",
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(np.ones((2, 2), "uint8"), 1, window=Window(0, 0, 2, 2))
    assert path.stat().st_size < 200_000


@case(
    "raster-absurd-dimensions",
    file="data/dem.tif",
    message=r"^data/dem\.tif: the raster is 200,000 × 200,000 cells, more than the limit of "
    r"2,000,000,000\. Clip it to the region",
)
def _(tmp):
    return _elevation(tmp, _huge_tif)


@case(
    "raster-absurd-dimensions-io",
    file="huge.tif",
    message=r"^huge\.tif: the raster is 200,000 × 200,000 cells",
)
def _(tmp):
    _huge_tif(tmp / "huge.tif")
    return lambda: read_raster_info(tmp / "huge.tif")


@case(
    "raster-not-overlapping",
    file="far.tif",
    message=r"far\.tif: the raster does not overlap any of the 3 villages\. Check that it covers "
    r"the region and that its CRS is right \(villages were reprojected to EPSG:32749\)\.$",
)
def _(tmp):
    manifest = _project(tmp)
    far = from_origin(X0 + 500_000.0, Y0, 30.0, 30.0)  # 500 km east of the villages
    path = _write_raster(
        tmp / "far.tif", np.ones((10, 10), "float32"), crs="EPSG:32749", transform=far
    )
    return lambda: zonal_stats(load_region(manifest).villages, path)


def _check_partly_outside(stats) -> None:
    assert stats["reason"].tolist() == ["", "outside the raster", "outside the raster"]
    assert stats.loc["A01", "mean"] == pytest.approx(7.0)
    assert stats.loc[["A02", "A03"], "mean"].isna().all()
    assert stats.loc["A01", "covered_ha"] == pytest.approx(100.0, rel=1e-3)


@case("raster-covers-one-village", file="part.tif", kind="accepted", check=_check_partly_outside)
def _(tmp):
    manifest = _project(tmp)
    # 38 x 38 cells of 30 m from 50 m west and south of A01: covers A01 (1000 m), not A02.
    grid = from_origin(X0 - 50.0, Y0 + 1090.0, 30.0, 30.0)
    path = _write_raster(
        tmp / "part.tif", np.full((38, 38), 7.0, "float32"), crs="EPSG:32749", transform=grid
    )
    return lambda: zonal_stats(load_region(manifest).villages, path)


def _check_all_nodata(stats) -> None:
    assert stats["reason"].tolist() == ["all nodata"] * 3
    assert stats[["mean", "min", "max"]].isna().all().all()


@case("raster-all-nodata", file="nodata.tif", kind="accepted", check=_check_all_nodata)
def _(tmp):
    manifest = _project(tmp)
    data = np.full((80, 130), -9999.0, "float32")
    path = _write_raster(
        tmp / "nodata.tif", data, crs="EPSG:32749", transform=_UTM_DEM, nodata=-9999.0
    )
    return lambda: zonal_stats(load_region(manifest).villages, path)


# --- vector containers --------------------------------------------------------------------------


@case(
    "gpkg-two-layers",
    file="data/desa.gpkg",
    message=r"^data/desa\.gpkg: the file holds 2 layers \(desa, jalan\)\. Say which one to use",
)
def _(tmp):
    manifest = _project(tmp, boundaries="desa.gpkg")
    path = manifest.parent.parent / "data" / "desa.gpkg"
    make_squares(crs="EPSG:4326").to_file(path, layer="desa")
    make_squares(crs="EPSG:4326").to_file(path, layer="jalan")
    return _load(manifest)


@case(
    "zip-without-dbf",
    file="data/desa.zip",
    message=r"^data/desa\.zip: the Shapefile 'desa\.shp' lacks its \.dbf part\(s\)\.",
)
def _(tmp):
    import zipfile

    shp_dir = tmp / "shp"
    shp_dir.mkdir()
    make_squares(crs="EPSG:4326").to_file(shp_dir / "desa.shp")
    buf = tmp / "desa.zip"
    with zipfile.ZipFile(buf, "w") as zf:
        for ext in (".shp", ".shx", ".prj"):
            zf.write(shp_dir / f"desa{ext}", f"desa{ext}")
    return _with_boundaries_file(tmp, "desa.zip", buf.read_bytes())


@case(
    "geojson-no-features",
    file="data/desa.geojson",
    message=r"^data/desa\.geojson: the layer has no features\.$",
)
def _(tmp):
    return _with_boundaries_file(
        tmp, "desa.geojson", b'{"type": "FeatureCollection", "features": []}'
    )


# --- plausibility (issue: bad data accepted silently) ------------------------------------------


def _squares_utm(sizes=(1000.0, 500.0, 2000.0)) -> gpd.GeoDataFrame:
    return make_squares(sizes, crs="EPSG:32749")


@case(
    "degrees-labelled-web-mercator",
    file="data/desa.gpkg",
    message=r"^data/desa\.gpkg: the coordinates look like degrees \(x from 109\.\d+ to 109\.\d+, "
    r"y from -0\.\d+ to -0\.\d+\) but the layer's CRS is EPSG:3857, which counts in metres\. "
    r"Set the CRS the coordinates are really in \(most likely EPSG:4326\)",
)
def _(tmp):
    wrong = make_squares(crs="EPSG:4326").set_crs("EPSG:3857", allow_override=True)
    return _with_villages(tmp, wrong, "desa.gpkg")


@case(
    "utm-south-labelled-north",
    file="data/desa.gpkg",
    message=r"^data/desa\.gpkg: the coordinates \(longitude .* latitude .*\) are outside the area "
    r"where EPSG:32649 is used",
)
def _(tmp):
    # Northings of UTM 49S (9,970,000 m) read in UTM 49N put the villages near the pole.
    wrong = _squares_utm().set_crs("EPSG:32649", allow_override=True)
    return _with_villages(tmp, wrong, "desa.gpkg")


@case(
    "villages-outside-expected-extent",
    file="data/desa.geojson",
    message=r"^data/desa\.geojson: 3 village\(s\) lie outside the expected extent of the region "
    r"\(longitude 94\.5 to 141\.5, latitude -11\.5 to 6\.5\): A01 Desa Satu, A02 Desa Dua, "
    r"A03 Desa Tiga; .*set expected_extent in the manifest's \[checks\] table\.$",
)
def _(tmp):
    # The same squares in UTM 33N: central Europe, a valid CRS, the wrong country.
    far = _squares_utm().set_crs("EPSG:32633", allow_override=True).to_crs(4326)
    return _with_villages(tmp, far.set_geometry(far.geometry.translate(0, -80)))


@case(
    "expected-extent-changed-in-manifest",
    file="data/desa.geojson",
    kind="accepted",
    check=lambda r: len(r.villages) == 3,
)
def _(tmp):
    return _load(_project(tmp, extra="[checks]\nexpected_extent = [100.0, -5.0, 120.0, 5.0]\n"))


def _with_duplicate(gdf: gpd.GeoDataFrame, shift_m: float = 0.0) -> gpd.GeoDataFrame:
    extra = gdf.iloc[[0]].assign(kode="A04", nama="Desa Empat", kk=50)
    extra = extra.set_geometry(extra.geometry.translate(shift_m, 0.0))
    return gpd.GeoDataFrame([*gdf.to_dict("records"), *extra.to_dict("records")], crs=gdf.crs)


@case(
    "duplicated-village-polygon",
    file="data/desa.gpkg",
    message=r"^data/desa\.gpkg: 1 pair\(s\) of villages overlap by more than 50 % of the smaller "
    r"one .*: A01 Desa Satu / A04 Desa Empat: 100\.00 ha \(100 %\)\. Remove the duplicate",
)
def _(tmp):
    return _with_villages(tmp, _with_duplicate(_squares_utm()), "desa.gpkg")


@case(
    "overlap-beyond-tolerance-warned",
    file="data/desa.gpkg",
    kind="warning",
    message=r"1 pair\(s\) of villages overlap by more than 1 % of the smaller one: "
    r"A01 Desa Satu / A04 Desa Empat: 10\.00 ha \(10 %\)",
)
def _(tmp):
    # A04 is A01 moved 900 m west: they share a 100 m x 1000 m strip, 10 ha (hand count).
    return _with_villages(tmp, _with_duplicate(_squares_utm(), -900.0), "desa.gpkg")


@case(
    "tiny-village-warned",
    file="data/desa.gpkg",
    kind="warning",
    message=r"villages smaller than 1\.0 ha: A02 Desa Dua\.",
)
def _(tmp):
    return _with_villages(tmp, _squares_utm((1000.0, 50.0, 2000.0)), "desa.gpkg")  # 0.25 ha


@case(
    "total-area-far-from-reported",
    file="data/desa.geojson",
    kind="warning",
    message=r"the villages cover 5\.[23] km² in all, more than 25 % away from the reported area of "
    r"the region \(10\.00 km²",
)
def _(tmp):
    # 100 + 25 + 400 ha = 5.25 km², against 10 km² reported
    manifest = _project(tmp)
    manifest.write_text(
        manifest.read_text().replace(
            'name = "Kecamatan Uji"', 'name = "Kecamatan Uji"\narea_km2_reported = 10.0'
        )
    )
    return _load(manifest)


@case(
    "rice-harvest-larger-than-village",
    file="data/panen.csv",
    message=r"^data/panen\.csv: 1 harvest area\(s\) larger than 3 times the area they are in .*: "
    r"row 2: padi 100,000 ha in A01 Desa Satu \(1,353 ha\)\. Check the unit",
)
def _(tmp):
    # The case: 100,000 ha of rice in a village of 1,353 ha (a square of 3,678.3 m).
    villages = make_squares((3678.3, 500.0, 2000.0), crs="EPSG:4326")
    return _load(
        _project(
            tmp,
            villages=villages,
            extra=HARVEST,
            files={
                "panen.csv": "village_code,crop_id,harvest_area_ha,yield,yield_unit\n"
                "A01,padi,100000,4.5,t/ha\n"
            },
        )
    )


@case(
    "region-total-harvest-larger-than-region",
    file="data/panen.csv",
    message=r"row 2: padi 2,000 ha in the region \(525 ha\)",
)
def _(tmp):
    return _load(
        _project(
            tmp,
            extra=HARVEST.replace('"village"', '"region"'),
            files={"panen.csv": "crop_id,harvest_area_ha,yield,yield_unit\npadi,2000,4.5,t/ha\n"},
        )
    )


CROPS = (
    "crop_id,slope_s1_max_pct,slope_s2_max_pct,slope_s3_max_pct,yield_max_t_ha\npadi,3,8,15,12\n"
)


@case(
    "yield-above-crop-bound-warned",
    file="data/panen.csv",
    kind="warning",
    message=r"1 yield\(s\) above the crop's bound \(yield_max_t_ha of the crops table\): "
    r"row 3: padi 25\.00 t/ha \(bound 12\)",
)
def _(tmp):
    extra = HARVEST + '[tables]\ncrops = "../data/crops.csv"\n'
    return _load(
        _project(
            tmp,
            extra=extra,
            files={
                "crops.csv": CROPS,
                "panen.csv": "village_code,crop_id,harvest_area_ha,yield,yield_unit\n"
                "A01,padi,10,4.5,t/ha\nA02,padi,10,250,ku/ha\n",
            },
        )
    )


@case(
    "total-row-in-statistics",
    file="data/usaha.csv",
    message=r"column 'village_name': rows that look like totals \('Jumlah', 'Total'\)\. Rows: 4\.",
)
def _(tmp):
    return _businesses(
        tmp,
        "product,village_name,businesses\nkerupuk,Desa Satu,3\n"
        "kerupuk,Desa Dua,2\nkerupuk,Jumlah,5\n",
    )


@case(
    "checks-unknown-key",
    file="uji.toml",
    message=r"uji\.toml: \[checks\]: unknown key\(s\) max_overlap\. Allowed: ",
)
def _(tmp):
    return _load(_project(tmp, extra="[checks]\nmax_overlap = 0.1\n"))


# --- every problem in one message -----------------------------------------------------------


@case(
    "five-bad-values-in-one-message",
    file="data/panen.csv",
    message=r"^data/panen\.csv: 4 problems:\n"
    r"- column 'harvest_area_ha': 1 empty cell\(s\)\. Rows: 3\. .*\n"
    r"- column 'yield': 2 value\(s\) are not numbers \('inf', 'NaN'\)\. Rows: 2, 4\. .*\n"
    r"- column 'harvest_area_ha': 1 value\(s\) below 0 \(for example -5\)\. Rows: 5\.\n"
    r"- column 'yield_unit': unknown unit\(s\) 'kwintal'\. Rows: 6\.",
)
def _(tmp):
    # NaN, inf, an empty cell, a negative area and an unknown unit: all five rows named at once
    # (the non-numbers no longer hide the negative area).
    return _harvest(
        tmp,
        "village_code,crop_id,harvest_area_ha,yield,yield_unit\n"
        "A01,padi,10,inf,t/ha\nA02,padi,,4,t/ha\nA03,padi,10,NaN,t/ha\n"
        "A01,jagung,-5,4,t/ha\nA02,jagung,5,4,kwintal\n",
    )


@case(
    "problems-of-two-files-at-once",
    file="data/usaha.csv",
    message=r"^2 files have problems \(2 in all\):\n- data/usaha\.csv: column 'businesses': 1 "
    r"value\(s\) below 0.*\n- data/panen\.csv: column 'yield_unit': unknown unit",
)
def _(tmp):
    return _load(
        _project(
            tmp,
            extra=BUSINESSES + HARVEST,
            files={
                "usaha.csv": "product,village_code,businesses\nkerupuk,A01,-1\n",
                "panen.csv": (
                    "village_code,crop_id,harvest_area_ha,yield,yield_unit\nA01,padi,1,4,ton\n"
                ),
            },
        )
    )


# --- one yes/no vocabulary --------------------------------------------------------------------

LANDUSE_CLASSES = "class_id,idle\nsawah,{a}\nkebun,{b}\n"


def _check_idle(region) -> None:
    assert region.tables["landuse_classes"]["idle"].tolist() == [True, False]


@case("yes-no-benar-and-t-read-as-yes", file="data/lu.csv", kind="accepted", check=_check_idle)
def _(tmp):
    return _load(
        _project(
            tmp,
            extra='[tables]\nlanduse_classes = "../data/lu.csv"\n',
            files={"lu.csv": LANDUSE_CLASSES.format(a="benar", b="salah")},
        )
    )


@case(
    "yes-no-unknown-word-refused",
    file="data/lu.csv",
    message=r"^data/lu\.csv: column 'idle': values 'mungkin' are not yes/no\. Rows: 3\. Write one",
)
def _(tmp):
    return _load(
        _project(
            tmp,
            extra='[tables]\nlanduse_classes = "../data/lu.csv"\n',
            files={"lu.csv": LANDUSE_CLASSES.format(a="t", b="mungkin")},
        )
    )


# --- name matches reported, confirmed by an alias table ---------------------------------------


@case(
    "inexact-name-match-reported",
    file="data/usaha.csv",
    kind="warning",
    message=r"1 village name\(s\) matched only after normalising spelling .*: "
    r"'Desa 1' → Desa Satu \(A01\)\. Check each one",
)
def _(tmp):
    # 'DESA  satu' is the same text (case and spaces are ignored); 'Desa 1' is not
    return _businesses(
        tmp, "product,village_name,businesses\nkerupuk,Desa 1,3\nkerupuk,Desa Dua,2\n"
    )


def _check_no_name_warning(region) -> None:
    assert not [w for w in region.warnings if "normalising" in w]
    assert region.businesses.loc["A01", "kerupuk"] == 3


@case(
    "alias-table-confirms-a-name",
    file="data/alias.csv",
    kind="accepted",
    check=_check_no_name_warning,
)
def _(tmp):
    return _load(
        _project(
            tmp,
            boundaries_extra='aliases = "../data/alias.csv"',
            extra=BUSINESSES,
            files={
                "usaha.csv": "product,village_name,businesses\nkerupuk,Satu,3\n",
                "alias.csv": "name,village_code\nSatu,A01\n",
            },
        )
    )


# --- the manifest stays in its folder ---------------------------------------------------------


@case(
    "manifest-path-outside-project",
    file="uji.toml",
    message=r"\[statistics\.harvest\] path = '/etc/passwd' points outside the project folder",
)
def _(tmp):
    return _load(_project(tmp, extra=HARVEST.replace("../data/panen.csv", "/etc/passwd")))


@case(
    "outside-path-allowed-never-echoes-content",
    file="secret.csv",
    message=r"secret\.csv: missing column\(s\): crop_id, yield_unit, harvest_area_ha\. Columns "
    r"found: a single column \(the header row has no comma",
)
def _(tmp):
    secret = tmp / "secret.csv"
    secret.write_text("root:x:0:0:hunter2\n")
    manifest = _project(tmp, extra=HARVEST.replace("../data/panen.csv", str(secret)))
    return lambda: load_region(manifest, allow_outside=True)


@case(
    "zip-bomb-through-a-manifest",
    file="data/desa.zip",
    message=r"possible zip bombs",
)
def _(tmp):
    import zipfile

    buf = tmp / "desa.zip"
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("desa.shp", b"\0" * 20_000_000)
        zf.writestr("desa.shx", b"\0" * 100)
        zf.writestr("desa.dbf", b"\0" * 100)
    return _with_boundaries_file(tmp, "desa.zip", buf.read_bytes())


# --- files that are not what they say ---------------------------------------------------------


@case(
    "kml-named-geojson",
    file="data/desa.geojson",
    message=r"^data/desa\.geojson: cannot read this file as a \.geojson vector layer \(it looks "
    r"like a KML file \(Google Earth\)",
)
def _(tmp):
    kml = b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>'
    return _with_boundaries_file(tmp, "desa.geojson", kml)


@case(
    "utf16-geojson",
    file="data/desa.geojson",
    message=r"\(it looks like UTF-16 text: save it again as UTF-8\)",
)
def _(tmp):
    text = make_squares(crs="EPSG:4326").to_json().encode("utf-16")
    return _with_boundaries_file(tmp, "desa.geojson", text)


@case(
    "html-page-named-tif",
    file="data/dem.tif",
    message=r"^data/dem\.tif: not a raster that can be read \(it looks like a web page \(HTML\)",
)
def _(tmp):
    return _elevation(tmp, lambda p: p.write_bytes(HTML))


# --- messages a user can act on: tidy or wide, Indonesian headers, the decimal option ---------


def _check_wide(region) -> None:
    b = region.businesses
    assert b.columns.tolist() == ["kerupuk", "dodol"]
    assert b.loc["A01"].tolist() == [6, 0] and b.loc["A02"].tolist() == [1, 2]
    assert any(
        "read in the wide form, one column per product (2: kerupuk, dodol)" in w
        for w in region.warnings
    )


@case("businesses-wide-form-read", file="data/usaha.csv", kind="accepted", check=_check_wide)
def _(tmp):
    return _businesses(tmp, "village_code,kerupuk,dodol\nA01,6,0\nA02,1,2\nA03,0,1\n")


def _check_indonesian_headers(region) -> None:
    h = region.harvest
    assert h["village_code"].tolist() == ["A01", "A02"]
    assert h["harvest_area_ha"].tolist() == [10.0, 20.5]
    assert h["yield_value"].tolist() == [45.0, 4.0]


@case(
    "indonesian-column-headers",
    file="data/panen.csv",
    kind="accepted",
    check=_check_indonesian_headers,
)
def _(tmp):
    return _harvest(
        tmp,
        "kode_desa;komoditas;luas_panen_ha;produktivitas;satuan\n"
        "A01;padi;10;45;ku/ha\nA02;padi;20,5;4;t/ha\n",
    )


@case(
    "decimal-option-settles-ambiguity",
    file="data/panen.csv",
    kind="accepted",
    check=lambda r: r.harvest["harvest_area_ha"].tolist() == [1.234, 2.5],
)
def _(tmp):
    # '1.234' alone could be 1234 or 1.234; the manifest's decimal = "." says which
    extra = HARVEST + 'decimal = "."\n'
    return _load(
        _project(
            tmp,
            extra=extra,
            files={
                "panen.csv": "village_code\tcrop_id\tharvest_area_ha\tyield\tyield_unit\n"
                "A01\tpadi\t1.234\t4\tt/ha\nA02\tpadi\t2.500\t4\tt/ha\n"
            },
        )
    )


@case(
    "villages-in-no-utm-zone",
    file="data/desa.geojson",
    message=r"^data/desa\.geojson: the villages \(longitude .* latitude 89\.\d+ to 89\.\d+\) lie "
    r"in no UTM zone",
)
def _(tmp):
    # degrees near the pole: a valid EPSG:4326 layer whose areas cannot be measured in UTM
    near_pole = make_squares(crs="EPSG:4326")
    near_pole = near_pole.set_geometry(near_pole.geometry.translate(0.0, 89.5))
    return _with_villages(tmp, near_pole)


# --- the test -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path) -> None:
    run = case.build(tmp_path)
    if case.kind == "error":
        with pytest.raises(InputDataError, match=case.message) as info:
            run()
        assert case.file in str(info.value)
        assert info.value.path is None or case.file in info.value.path
        return
    result = run()
    if case.kind == "warning":
        found = [w for w in result.warnings if re.search(case.message, w)]
        assert found, f"no warning matches {case.message!r}: {result.warnings}"
        assert case.file in found[0]
    else:
        assert case.message is None
        if hasattr(result, "warnings"):
            assert not [w for w in result.warnings if "repaired" in w or "reprojected" in w]
    if case.check is not None:
        outcome = case.check(result)
        assert outcome is None or outcome is True


def test_corpus_size() -> None:
    """The corpus is what the report counts; ids must be unique."""
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 45


def test_inputs_not_modified(tmp_path: Path) -> None:
    """Loading a region with repairs and reprojection leaves its files byte-identical."""
    manifest = _project(tmp_path, villages=_bowtie_villages().to_crs(32749), boundaries="d.gpkg")
    data = manifest.parent.parent / "data" / "d.gpkg"
    before = data.read_bytes()
    region = load_region(manifest)
    assert len(region.warnings) == 2  # repaired and reprojected
    assert data.read_bytes() == before


def test_read_vector_and_table_direct(tmp_path: Path) -> None:
    """The io functions name the display name, not the temporary path, in messages."""
    (tmp_path / "x.geojson").write_bytes(HTML)
    with pytest.raises(InputDataError, match=r"^Peta Desa\.geojson: cannot read"):
        read_vector(tmp_path / "x.geojson", display_name="Peta Desa.geojson")
    (tmp_path / "x.csv").write_text("a;b\n1,5;2\n")
    with pytest.raises(
        InputDataError, match=r"^Data Panen\.csv: column 'a': values do not fit the decimal mark"
    ):
        read_table(
            tmp_path / "x.csv",
            numeric_columns=("a", "b"),
            decimal=".",
            display_name="Data Panen.csv",
        )
