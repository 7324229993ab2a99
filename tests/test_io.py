"""Reading files: vector formats, zip checks, spreadsheet CSVs, raster metadata."""

from __future__ import annotations

import stat
import warnings
import zipfile

import numpy as np
import pytest
import rasterio
from affine import Affine
from rasterio.errors import NotGeoreferencedWarning

from ovop_geo.errors import InputDataError
from ovop_geo.io import check_zip, read_table, read_vector
from ovop_geo.raster import read_raster_info

# --- vectors --------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".shp", ".parquet"])
def test_read_vector_formats(tmp_path, square_villages, suffix):
    path = tmp_path / f"v{suffix}"
    if suffix == ".parquet":
        square_villages.to_parquet(path)
    else:
        square_villages.to_file(path)
    gdf = read_vector(path)
    assert list(gdf["kode"]) == ["A01", "A02", "A03"]
    assert gdf.crs.to_epsg() == 4326
    assert len(gdf) == 3


def _zip_shapefile(tmp_path, gdf, name="villages.zip", extra=()):
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    gdf.to_file(shp_dir / "desa.shp")
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        for f in sorted(shp_dir.iterdir()):
            zf.write(f, arcname=f.name)
        for arcname, data in extra:
            zf.writestr(arcname, data)
    return path


def test_read_zipped_shapefile(tmp_path, square_villages):
    path = _zip_shapefile(tmp_path, square_villages)
    assert set(check_zip(path)) >= {"desa.shp", "desa.shx", "desa.dbf", "desa.prj"}
    gdf = read_vector(path)
    assert list(gdf["nama"]) == ["Desa Satu", "Desa Dua", "Desa Tiga"]


def test_zip_with_dotdot_refused(tmp_path, square_villages):
    path = _zip_shapefile(tmp_path, square_villages, extra=[("../evil.prj", "x")])
    with pytest.raises(
        InputDataError, match=r"villages.zip: entries with absolute paths or '\.\.'.*evil"
    ):
        read_vector(path)


def test_zip_with_absolute_path_refused(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("/etc/x.shp", "x")
    with pytest.raises(InputDataError, match="absolute paths"):
        check_zip(path)


def test_zip_with_symlink_refused(tmp_path):
    path = tmp_path / "link.zip"
    info = zipfile.ZipInfo("desa.shp")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(InputDataError, match=r"symbolic links are refused: desa\.shp"):
        check_zip(path)


def test_zip_unexpected_extension_and_size(tmp_path):
    path = tmp_path / "b.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("run.exe", "MZ")
        zf.writestr("desa.shp", b"\0" * 5000)
    with pytest.raises(InputDataError) as info:
        check_zip(path, max_uncompressed_bytes=1000)
    msg = str(info.value)
    assert "unexpected file types: run.exe" in msg
    assert "uncompressed size 5,002 bytes exceeds the limit of 1,000 bytes" in msg


def test_zip_without_shapefile_parts(tmp_path):
    path = tmp_path / "c.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("desa.shp", "x")
    with pytest.raises(InputDataError, match=r"lacks its \.shx, \.dbf part"):
        read_vector(path)


def test_not_a_zip(tmp_path):
    path = tmp_path / "d.zip"
    path.write_text("hello")
    with pytest.raises(InputDataError, match=r"d\.zip: not a readable zip archive"):
        read_vector(path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.geojson"
    path.write_bytes(b"")
    with pytest.raises(InputDataError, match=r"empty\.geojson: the file is empty"):
        read_vector(path)


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".parquet", ".shp"])
def test_wrong_type_behind_extension(tmp_path, suffix):
    path = tmp_path / f"fake{suffix}"
    path.write_text("village,households\nA,10\n")
    with pytest.raises(InputDataError, match=rf"fake\{suffix}: cannot read this file"):
        read_vector(path)


def test_missing_file_and_unsupported_extension(tmp_path):
    with pytest.raises(InputDataError, match=r"nope\.gpkg: file not found"):
        read_vector(tmp_path / "nope.gpkg")
    path = tmp_path / "v.kml"
    path.write_text("<kml/>")
    with pytest.raises(InputDataError, match=r"unsupported file type '\.kml'"):
        read_vector(path)


def test_no_features(tmp_path):
    path = tmp_path / "none.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(InputDataError, match=r"none\.geojson: the layer has no features"):
        read_vector(path)


def test_geopackage_with_two_layers(tmp_path, square_villages):
    path = tmp_path / "two.gpkg"
    square_villages.to_file(path, layer="desa")
    square_villages.iloc[:1].to_file(path, layer="kecamatan")
    with pytest.raises(InputDataError, match=r"2 layers \(desa, kecamatan\).*which one"):
        read_vector(path)
    assert len(read_vector(path, layer="kecamatan")) == 1


def test_display_name_used_in_messages(tmp_path):
    path = tmp_path / "tmp123.geojson"
    path.write_bytes(b"")
    with pytest.raises(InputDataError, match=r"^desa_saya\.geojson: the file is empty"):
        read_vector(path, display_name="desa_saya.geojson")


# --- CSV tables -----------------------------------------------------------------------------


def test_semicolon_decimal_comma(write_csv):
    path = write_csv(
        "panen.csv",
        "kode;tanaman;luas_ha;produksi_t\n"
        "0101;padi;1.234,5;12\n"
        "0102;jagung;246,52;1.234\n"
        "0103;ubi;991;2.500.000\n",
    )
    df = read_table(path, numeric_columns=("luas_ha", "produksi_t"))
    assert df["luas_ha"].tolist() == [1234.5, 246.52, 991.0]
    assert df["luas_ha"].dtype == np.float64
    # a dot followed by three digits in a decimal-comma file is a thousands separator
    assert df["produksi_t"].tolist() == [12, 1234, 2_500_000]
    assert df["produksi_t"].dtype == np.int64
    assert df["kode"].tolist() == ["0101", "0102", "0103"]  # ids stay text with zeros


def test_semicolon_thousands_only_column(write_csv):
    path = write_csv("k.csv", "desa;kk\nA;1.234\nB;312\n")
    assert read_table(path, numeric_columns=("kk",))["kk"].tolist() == [1234, 312]


def test_comma_separated_quoted_thousands(write_csv):
    path = write_csv("b.csv", 'desa,kk,luas\nA,"1,234",1.5\nB,312,"2,709.25"\n')
    df = read_table(path, numeric_columns=("kk", "luas"))
    assert df["kk"].tolist() == [1234, 312]
    assert df["luas"].tolist() == [1.5, 2709.25]


def test_tab_separated_ambiguous_asks_convention(write_csv):
    path = write_csv("t.tsv", "desa\tkk\nA\t1.234\nB\t2.500\n")
    with pytest.raises(
        InputDataError, match=r"column 'kk': values like '1.234', '2.500'.*decimal = \",\""
    ):
        read_table(path, numeric_columns=("kk",))
    assert read_table(path, numeric_columns=("kk",), decimal=",")["kk"].tolist() == [1234, 2500]
    assert read_table(path, numeric_columns=("kk",), decimal=".")["kk"].tolist() == [1.234, 2.5]


def test_tab_separated_unambiguous(write_csv):
    path = write_csv("t2.tsv", "desa\tluas\tkk\nA\t12,5\t1.234\n")
    df = read_table(path, numeric_columns=("luas", "kk"))
    # the other column shows the file uses decimal commas, so 1.234 is 1234
    assert df["luas"].tolist() == [12.5]
    assert df["kk"].tolist() == [1234]


def test_mixed_conventions_refused(write_csv):
    path = write_csv("m.csv", "desa;luas\nA;12,5\nB;3.75\n")
    with pytest.raises(InputDataError, match="mix decimal points and decimal commas"):
        read_table(path, numeric_columns=("luas",))


def test_text_in_number_column_names_rows(write_csv):
    path = write_csv("s.csv", "desa,luas_ha,kk\nA,12,5\nB,12 ha,6\nC,n/a,7\nD,3,-\n")
    with pytest.raises(InputDataError) as info:
        read_table(path, numeric_columns=("luas_ha", "kk"))
    msg = str(info.value)
    assert msg.startswith("s.csv: 2 problems")
    assert "column 'luas_ha': 2 value(s) are not numbers ('12 ha', 'n/a'). Rows: 3, 4" in msg
    assert "column 'kk': 1 value(s) are not numbers ('-'). Rows: 5" in msg


def test_empty_cells_in_number_column(write_csv):
    path = write_csv("e.csv", "desa,kk\nA,1\nB,\nC,3\n")
    with pytest.raises(InputDataError, match=r"column 'kk': 1 empty cell\(s\). Rows: 3"):
        read_table(path, numeric_columns=("kk",))


def test_na_text_is_not_missing(write_csv):
    path = write_csv("n.csv", "desa,catatan\nNA,n/a\nB,\n")
    df = read_table(path)
    assert df["desa"].tolist() == ["NA", "B"]
    assert df.loc[0, "catatan"] == "n/a"
    assert df["catatan"].isna().tolist() == [False, True]


def test_missing_and_duplicate_columns(write_csv):
    path = write_csv("c.csv", "desa,kk\nA,1\n")
    with pytest.raises(
        InputDataError, match=r"missing column\(s\): luas_ha. Columns found: desa, kk"
    ):
        read_table(path, numeric_columns=("luas_ha",), required_columns=("desa",))
    path = write_csv("d.csv", "desa,kk,kk\nA,1,2\n")
    with pytest.raises(InputDataError, match="duplicate column names: kk"):
        read_table(path)


def test_windows_1252_and_bom(write_csv, tmp_path):
    path = write_csv("w.csv", "desa;kk\nCaf\u00e9;1\n", encoding="cp1252")
    assert read_table(path)["desa"].tolist() == ["Caf\u00e9"]
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffdesa,kk\nA,1\n".encode())
    assert list(read_table(path, numeric_columns=("kk",)).columns) == ["desa", "kk"]


def test_binary_file_as_csv(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(InputDataError, match=r"x\.csv: this is not a text"):
        read_table(path)


def test_ragged_rows(write_csv):
    path = write_csv("r.csv", "desa,kk\nA,1\nB,2,3,4\n")
    with pytest.raises(InputDataError, match=r"r\.csv: cannot read as a comma-separated table"):
        read_table(path)


def test_spaces_around_cells(write_csv):
    path = write_csv("sp.csv", "desa , kk\n A , 1 \n")
    df = read_table(path, numeric_columns=("kk",))
    assert df.columns.tolist() == ["desa", "kk"]
    assert df.loc[0, "desa"] == "A" and df.loc[0, "kk"] == 1


def test_negative_numbers(write_csv):
    path = write_csv("neg.csv", "desa;x\nA;-1.234,5\nB;+2\n")
    assert read_table(path, numeric_columns=("x",))["x"].tolist() == [-1234.5, 2.0]


# --- rasters --------------------------------------------------------------------------------


UTM_TRANSFORM = Affine(20, 0, 330_000, 0, -20, 9_970_120)


def _write_tif(path, *, crs="EPSG:32749", transform=UTM_TRANSFORM):
    profile = {
        "driver": "GTiff",
        "width": 6,
        "height": 6,
        "count": 1,
        "dtype": "float32",
        "nodata": -9999.0,
    }
    if crs:
        profile["crs"] = crs
    if transform is not None:
        profile["transform"] = transform
    with warnings.catch_warnings():
        # Writing a raster without a transform is the point of one test; rasterio warns on it.
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(np.arange(36, dtype="float32").reshape(1, 6, 6))
    return path


def test_check_raster_metadata(tmp_path):
    info = read_raster_info(_write_tif(tmp_path / "dem.tif"))
    assert (info.width, info.height) == (6, 6)
    assert info.crs.to_epsg() == 32749
    assert info.res == (20.0, 20.0)
    assert info.bounds == (330_000.0, 9_970_000.0, 330_120.0, 9_970_120.0)
    assert info.nodata == -9999.0
    assert info.dtype == "float32"


def test_check_raster_without_crs(tmp_path):
    path = _write_tif(tmp_path / "nocrs.tif", crs=None)
    with pytest.raises(InputDataError, match=r"nocrs\.tif: the raster has no coordinate ref"):
        read_raster_info(path)


def test_check_raster_not_georeferenced(tmp_path):
    path = _write_tif(tmp_path / "plain.tif", crs=None, transform=None)
    with pytest.raises(InputDataError, match="not georeferenced"):
        read_raster_info(path)


def test_check_raster_too_large(tmp_path):
    path = _write_tif(tmp_path / "big.tif")
    with pytest.raises(InputDataError, match=r"6 × 6 cells, more than the limit of 35"):
        read_raster_info(path, max_pixels=35)


def test_check_raster_not_a_raster(tmp_path):
    path = tmp_path / "dem.tif"
    path.write_text("elevation\n1\n2\n")
    with pytest.raises(InputDataError, match=r"dem\.tif: not a raster that can be read"):
        read_raster_info(path)
