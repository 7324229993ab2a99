"""Uploads: size limits, name sanitising, content checks, zip checks, session folders."""

from __future__ import annotations

import gc
import io
import re
import stat
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from ovop_geo.errors import InputDataError
from ovop_geo.io import read_table, read_vector
from ovop_geo.uploads import (
    UploadLimits,
    UploadSession,
    check_shapefile_zip,
    safe_extract_zip,
    sanitise_filename,
)

ADVICE = r"Make a new zip holding only the Shapefile's files"


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


# --- helpers that build archives ------------------------------------------------------------


def _shapefile_parts(tmp_path: Path, gdf, stem: str = "desa") -> dict[str, bytes]:
    folder = tmp_path / f"shp-{stem}"
    folder.mkdir()
    gdf.to_file(folder / f"{stem}.shp")
    return {f.name: f.read_bytes() for f in sorted(folder.iterdir())}


def _zip(path: Path, entries) -> Path:
    """Write a zip; entries are (name or ZipInfo, bytes) pairs, deflated."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


def _minimal_parts(stem: str = "desa") -> list[tuple[str, bytes]]:
    """Three tiny stand-in parts: enough for the archive checks, which read no geometry."""
    return [(f"{stem}.shp", b"shp"), (f"{stem}.shx", b"shx"), (f"{stem}.dbf", b"dbf")]


@pytest.fixture
def good_zip(tmp_path, square_villages) -> Path:
    parts = _shapefile_parts(tmp_path, square_villages)
    return _zip(tmp_path / "desa.zip", parts.items())


# --- good uploads ---------------------------------------------------------------------------


def test_zipped_shapefile_saved_extracted_and_read(tmp_path, good_zip):
    base = tmp_path / "base"
    base.mkdir()
    with UploadSession(base_dir=base) as uploads:
        saved = uploads.save("Peta Desa.zip", good_zip.read_bytes(), "boundaries")
        assert saved == uploads.folder / "Peta_Desa.zip"
        shp = uploads.extract_zip(saved)
        assert shp.is_relative_to(uploads.folder)
        assert shp.name == "desa.shp"
        gdf = read_vector(shp)
        assert list(gdf["nama"]) == ["Desa Satu", "Desa Dua", "Desa Tiga"]
        assert gdf.crs.to_epsg() == 4326
    assert _listing(base) == set()


def test_geojson_gpkg_parquet_tif_csv_accepted(tmp_path, square_villages):
    gj = tmp_path / "v.geojson"
    square_villages.to_file(gj)
    gpkg = tmp_path / "v.gpkg"
    square_villages.to_file(gpkg)
    pq = tmp_path / "v.parquet"
    square_villages.to_parquet(pq)
    tif = tmp_path / "dem.tif"
    with rasterio.open(
        tif, "w", driver="GTiff", width=3, height=3, count=1, dtype="float32",
        crs="EPSG:32749", transform=from_origin(330_000, 9_970_000, 20, 20),
    ) as dst:  # fmt: skip
        dst.write(np.arange(9, dtype="float32").reshape(1, 3, 3))
    csv = "kode;nama;luas\nA01;Désa Satu;1,5\n".encode("latin-1")  # Latin-1 accepted for CSV
    with UploadSession(base_dir=tmp_path) as uploads:
        for src, kind in ((gj, "boundaries"), (gpkg, "vector"), (pq, "boundaries")):
            path = uploads.save(src.name, src.read_bytes(), kind)
            assert list(read_vector(path)["kode"]) == ["A01", "A02", "A03"]
        tif_path = uploads.save("DEM.TIF", tif.read_bytes(), "raster")
        assert tif_path.name == "DEM.tif"
        table = read_table(uploads.save("luas.csv", csv, "table"), numeric_columns=["luas"])
        assert table["luas"].tolist() == [1.5]
        assert table["nama"].tolist() == ["Désa Satu"]
        sizes = gj.stat().st_size + gpkg.stat().st_size + pq.stat().st_size
        assert uploads.total_bytes == sizes + tif.stat().st_size + len(csv)


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.csv", "passwd.csv"),
        ("..\\..\\Windows\\x.csv", "x.csv"),
        ("/abs/path/data.CSV", "data.csv"),
        (".hidden.csv", "hidden.csv"),
        ("...csv.csv", "csv.csv"),
        ("Peta Desa (v2).csv", "Peta_Desa_v2_.csv"),
        ("désa ü.csv", "d_sa_.csv"),
        ("a\x00b.csv", "ab.csv"),
        ("-rf.csv", "rf.csv"),
    ],
)
def test_sanitise_filename(name, expected):
    assert sanitise_filename(name, (".csv",)) == expected


def test_long_name_is_cut_keeping_the_extension():
    out = sanitise_filename("x" * 500 + ".geojson", (".geojson",))
    assert len(out) == 120
    assert out.endswith("x.geojson")


def test_traversal_name_is_written_inside_the_session(tmp_path):
    with UploadSession(base_dir=tmp_path) as uploads:
        path = uploads.save("../../etc/passwd.csv", b"a,b\n1,2\n", "table")
        assert path == uploads.folder / "passwd.csv"
        assert path.read_bytes() == b"a,b\n1,2\n"
        assert _listing(tmp_path) == {uploads.folder.name, f"{uploads.folder.name}/passwd.csv"}


def test_disallowed_extension_lists_the_allowed_ones(tmp_path):
    with UploadSession(base_dir=tmp_path) as uploads:
        with pytest.raises(
            InputDataError,
            match=r"^evil\.exe: files of type '\.exe' are not accepted here\. Allowed: "
            r"\.geojson, \.json, \.gpkg, \.zip, \.parquet\. Save the data",
        ):
            uploads.save("evil.exe", b"MZ\x90\x00", "boundaries")
        with pytest.raises(InputDataError, match=r"^README: files without an extension"):
            uploads.save("README", b"text", "table")
        with pytest.raises(InputDataError, match=r"unknown kind of upload 'photo'"):
            uploads.save("x.csv", b"a\n1\n", "photo")
        assert _listing(uploads.folder) == set()


# --- sizes ------------------------------------------------------------------------------------


def test_empty_file_refused(tmp_path):
    with UploadSession(base_dir=tmp_path) as uploads:
        with pytest.raises(InputDataError, match=r"^desa\.geojson: the file is empty \(0 bytes\)"):
            uploads.save("desa.geojson", b"", "boundaries")
        assert _listing(uploads.folder) == set()


def test_file_over_the_limit_refused(tmp_path):
    limits = UploadLimits(max_file_bytes=1000)
    with UploadSession(limits, base_dir=tmp_path) as uploads:
        uploads.save("ok.csv", b"a\n" + b"1\n" * 499, "table")  # 1,000 bytes: at the limit
        with pytest.raises(
            InputDataError,
            match=r"^big\.csv: the file is 1,001 bytes \(0\.0 MB\), more than the limit of "
            r"1,000 bytes .* per file\. Clip the data",
        ):
            uploads.save("big.csv", b"a\n" + b"1\n" * 499 + b"1", "table")
        assert _listing(uploads.folder) == {"ok.csv"}


def test_session_total_over_the_limit_refused(tmp_path):
    limits = UploadLimits(max_file_bytes=2000, max_session_bytes=2500)
    data = b"a\n" + b"1\n" * 749  # 1,500 bytes
    with UploadSession(limits, base_dir=tmp_path) as uploads:
        uploads.save("a.csv", data, "table")
        uploads.save("a.csv", data, "table")  # replacing a file does not count twice
        assert uploads.total_bytes == 1500
        with pytest.raises(
            InputDataError,
            match=r"^b\.csv: with this file the uploads of this session would reach 3,000 bytes"
            r".*limit of 2,500 bytes.*Reload the page",
        ):
            uploads.save("b.csv", data, "table")
        assert _listing(uploads.folder) == {"a.csv"}
        assert uploads.total_bytes == 1500


# --- content behind the extension -------------------------------------------------------------


def test_png_renamed_tif_refused(tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    with UploadSession(base_dir=tmp_path) as uploads:
        with pytest.raises(
            InputDataError,
            match=r"^dem\.tif: this is not a GeoTIFF: its content looks like a PNG image\. "
            r"Check that you chose the right file",
        ):
            uploads.save("dem.tif", png, "raster")
        assert _listing(uploads.folder) == set()


def test_html_renamed_geojson_refused(tmp_path):
    html = b"<!DOCTYPE html>\n<html><body>Not Found</body></html>\n"
    with (
        UploadSession(base_dir=tmp_path) as uploads,
        pytest.raises(
            InputDataError,
            match=r"^desa\.geojson: this is not a GeoJSON file: its content looks like a web "
            r"page \(HTML\)",
        ),
    ):
        uploads.save("desa.geojson", html, "boundaries")


def test_geojson_not_utf8_refused(tmp_path):
    with (
        UploadSession(base_dir=tmp_path) as uploads,
        pytest.raises(
            InputDataError, match=r"^desa\.geojson: this GeoJSON file is not UTF-8 text \(byte 8 "
        ),
    ):
        uploads.save("desa.geojson", '{"n": "Désa"}'.encode("latin-1"), "boundaries")  # é


def test_excel_renamed_csv_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with (
        UploadSession(base_dir=tmp_path) as uploads,
        pytest.raises(
            InputDataError,
            match=r"^luas\.csv: this is not a CSV table: its content looks like a zip archive "
            r"\(or an Excel/Word file.*save it as CSV",
        ),
    ):
        uploads.save("luas.csv", buf.getvalue(), "table")


def test_binary_csv_refused(tmp_path):
    with (
        UploadSession(base_dir=tmp_path) as uploads,
        pytest.raises(
            InputDataError, match=r"^x\.csv: this is not a CSV table: its content does not match"
        ),
    ):
        uploads.save("x.csv", b"a,b\n1,\x00\x01\n", "table")


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("v.gpkg", b"SQLite format 2\x00" + bytes(84), "GeoPackage"),
        ("v.parquet", b"PAR1" + bytes(20), "GeoParquet file"),  # no PAR1 footer
        ("v.zip", b"%PDF-1.7\n" + bytes(20), "zip archive"),
        ("dem.tiff", b"MM\x00\x00" + bytes(20), "GeoTIFF"),
    ],
)
def test_wrong_binary_signatures_refused(tmp_path, name, data, expected):
    kind = "raster" if name.startswith("dem") else "boundaries"
    pattern = rf"^{re.escape(name)}: this is not a {expected}: "
    with UploadSession(base_dir=tmp_path) as uploads, pytest.raises(InputDataError, match=pattern):
        uploads.save(name, data, kind)


@pytest.mark.parametrize("magic", [b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"])
def test_tiff_and_bigtiff_signatures_accepted(tmp_path, magic):
    with UploadSession(base_dir=tmp_path) as uploads:
        assert uploads.save("dem.tif", magic + bytes(16), "raster").exists()


# --- zip archives -----------------------------------------------------------------------------


def _assert_refused(tmp_path: Path, path: Path, pattern: str, limits=None) -> None:
    """Refused by save() and by safe_extract_zip(), with nothing written anywhere."""
    before = _listing(tmp_path)
    dest = tmp_path / "dest"
    with pytest.raises(InputDataError, match=rf"(?s)^bad\.zip: .*{pattern}.*{ADVICE}"):
        safe_extract_zip(path, dest, limits=limits)
    assert _listing(dest) == set()
    base = tmp_path / "base"
    base.mkdir(exist_ok=True)
    with UploadSession(limits, base_dir=base) as uploads:
        with pytest.raises(InputDataError, match=rf"(?s)^bad\.zip: .*{pattern}"):
            uploads.save("bad.zip", path.read_bytes(), "boundaries")
        assert _listing(uploads.folder) == set()
    assert _listing(tmp_path) - {"dest", "base"} == before


def test_zip_absolute_path_refused(tmp_path):
    path = _zip(tmp_path / "bad.zip", [*_minimal_parts(), ("/tmp/evil.txt", b"x")])
    _assert_refused(tmp_path, path, r"entries with absolute paths or '\.\.' are refused: /tmp/")


def test_zip_dotdot_refused(tmp_path):
    path = _zip(tmp_path / "bad.zip", [*_minimal_parts(), ("../x.txt", b"x")])
    _assert_refused(tmp_path, path, r"absolute paths or '\.\.' are refused: \.\./x\.txt")
    assert not (tmp_path / "x.txt").exists()


def test_zip_drive_letter_refused(tmp_path):
    path = _zip(tmp_path / "bad.zip", [*_minimal_parts(), ("C:\\evil.txt", b"x")])
    _assert_refused(tmp_path, path, r"absolute paths or '\.\.' are refused: C:")


def test_zip_symlink_refused(tmp_path):
    link = zipfile.ZipInfo("desa.prj")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = _zip(tmp_path / "bad.zip", [*_minimal_parts(), (link, b"/etc/passwd")])
    _assert_refused(tmp_path, path, r"symbolic links are refused: desa\.prj")


def test_zip_bomb_refused_by_ratio(tmp_path):
    path = tmp_path / "bad.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in _minimal_parts():
            if name.endswith(".dbf"):
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_DEFLATED
                with zf.open(info, "w", force_zip64=True) as out:
                    for _ in range(50):
                        out.write(bytes(1_000_000))  # 50 MB of zeros
            else:
                zf.writestr(name, data)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("desa.dbf")
    assert info.file_size == 50_000_000
    assert info.compress_size < 100_000  # deflated about 1,000 times
    assert path.stat().st_size < 100_000
    _assert_refused(
        tmp_path, path, r"entries that expand more than 100 times their packed size: desa\.dbf"
    )


def test_zip_total_size_over_a_low_limit_refused(tmp_path):
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, 3000, dtype=np.uint8).tobytes()  # incompressible
    path = _zip(tmp_path / "bad.zip", [*_minimal_parts(), ("notes.txt", noise)])
    limits = UploadLimits(max_zip_uncompressed_bytes=2000)
    _assert_refused(
        tmp_path,
        path,
        r"uncompressed size 3,009 bytes exceeds the limit of 2,000 bytes",
        limits=limits,
    )


def test_zip_with_too_many_entries_refused(tmp_path):
    extra = [(f"note{i}.txt", b"x") for i in range(5)]
    path = _zip(tmp_path / "bad.zip", [*_minimal_parts(), *extra])
    _assert_refused(
        tmp_path,
        path,
        r"the archive holds 8 entries, more than the limit of 5",
        limits=UploadLimits(max_zip_entries=5),
    )


def test_zip_with_exe_refused(tmp_path):
    path = _zip(tmp_path / "bad.zip", [*_minimal_parts(), ("setup.exe", b"MZ")])
    _assert_refused(tmp_path, path, r"unexpected file types: setup\.exe\. Only \.cpg, \.dbf")


def test_zip_without_shp_refused(tmp_path):
    path = _zip(tmp_path / "bad.zip", _minimal_parts()[1:])
    _assert_refused(tmp_path, path, r"no Shapefile \(\.shp\) found in the archive")


def test_zip_with_two_shp_refused(tmp_path):
    path = _zip(tmp_path / "bad.zip", [*_minimal_parts("a"), *_minimal_parts("b")])
    _assert_refused(tmp_path, path, r"the archive holds 2 Shapefiles \(a\.shp, b\.shp\)")


def test_zip_shp_without_dbf_refused(tmp_path):
    path = _zip(tmp_path / "bad.zip", _minimal_parts()[:2])
    _assert_refused(tmp_path, path, r"'desa\.shp' comes without its \.dbf file")


def test_zip_duplicate_entries_refused(tmp_path):
    path = tmp_path / "bad.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in _minimal_parts():
            zf.writestr(name, data)
        with pytest.warns(UserWarning, match="Duplicate name"):  # zipfile's own warning
            zf.writestr("desa.dbf", b"second")
    _assert_refused(tmp_path, path, r"entries named more than once: desa\.dbf")


def test_zip_problems_are_collected(tmp_path):
    path = _zip(tmp_path / "bad.zip", [("../a.exe", b"x"), ("b.bat", b"y")])
    with pytest.raises(InputDataError) as info:
        check_shapefile_zip(path)
    problems = info.value.problems
    assert len(problems) == 3  # '..' path, unexpected type, no .shp
    assert str(info.value).startswith("bad.zip: 3 problems:\n- ")


def test_not_a_zip_refused_by_extract(tmp_path):
    path = tmp_path / "bad.zip"
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(InputDataError, match=rf"^bad\.zip: not a readable zip archive.*{ADVICE}"):
        safe_extract_zip(path, tmp_path / "dest")


def test_macos_finder_entries_are_skipped(tmp_path, square_villages):
    parts = _shapefile_parts(tmp_path, square_villages)
    junk = [("__MACOSX/", b""), ("__MACOSX/._desa.shp", b"\x00\x05\x16\x07"), ("._desa.dbf", b"x")]
    path = _zip(tmp_path / "finder.zip", [*parts.items(), *junk])
    dest = tmp_path / "dest"
    shp = safe_extract_zip(path, dest)
    assert shp == dest.resolve() / "desa.shp"
    assert _listing(dest) == set(parts)
    assert len(read_vector(shp)) == 3


def test_zip_in_a_folder_extracts_inside_dest(tmp_path):
    parts = [(f"peta/{n}", d) for n, d in _minimal_parts()]
    path = _zip(tmp_path / "folder.zip", [("peta/", b""), *parts])
    dest = tmp_path / "dest"
    shp = safe_extract_zip(path, dest)
    assert shp == dest.resolve() / "peta" / "desa.shp"
    assert _listing(dest) == {"peta", "peta/desa.shp", "peta/desa.shx", "peta/desa.dbf"}
    assert _listing(tmp_path) == {"folder.zip", "dest", *(f"dest/{p}" for p in _listing(dest))}


def test_extraction_never_overwrites(tmp_path):
    path = _zip(tmp_path / "desa.zip", _minimal_parts())
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "desa.dbf").write_bytes(b"keep me")
    with pytest.raises(InputDataError, match=r"^desa\.zip: the archive could not be extracted"):
        safe_extract_zip(path, dest)
    assert _listing(dest) == {"desa.dbf"}
    assert (dest / "desa.dbf").read_bytes() == b"keep me"


# --- session folders --------------------------------------------------------------------------


def test_session_folder_removed_on_close(tmp_path):
    uploads = UploadSession(base_dir=tmp_path)
    folder = uploads.folder
    assert folder.parent == tmp_path.resolve()
    assert folder.name.startswith("ovop-upload-")
    uploads.save("a.csv", b"a\n1\n", "table")
    uploads.close()
    uploads.close()  # a second close does nothing
    assert uploads.closed
    assert not folder.exists()
    assert _listing(tmp_path) == set()
    with pytest.raises(InputDataError, match=r"the upload session has ended\. Reload the page"):
        uploads.save("a.csv", b"a\n1\n", "table")


def test_default_folder_is_in_the_system_temp_folder_and_removed():
    with UploadSession() as uploads:
        folder = uploads.folder
        assert folder.parent == Path(tempfile.gettempdir()).resolve()
        assert folder.is_dir()
    assert not folder.exists()


def test_session_folder_removed_when_forgotten(tmp_path):
    uploads = UploadSession(base_dir=tmp_path)
    uploads.save("a.csv", b"a\n1\n", "table")
    folder = uploads.folder
    del uploads
    gc.collect()
    assert not folder.exists()


def test_sessions_do_not_share_folders_or_totals(tmp_path):
    with UploadSession(base_dir=tmp_path) as one, UploadSession(base_dir=tmp_path) as two:
        one.save("a.csv", b"a\n1\n", "table")
        assert one.folder != two.folder
        assert two.total_bytes == 0
        assert _listing(two.folder) == set()


def test_extract_refuses_files_of_another_session(tmp_path, good_zip):
    message = r"^desa\.zip: not an upload of this session"
    with UploadSession(base_dir=tmp_path) as uploads, pytest.raises(InputDataError, match=message):
        uploads.extract_zip(good_zip)
