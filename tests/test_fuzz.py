"""Bounded fuzzing of every loader: only OvopError subclasses may come out, and nothing hangs.

Each loader gets random bytes and mutations of a small valid file (bits flipped, bytes
overwritten or inserted, the file truncated; positions biased towards the header, where parsers
decide what they are reading). Any exception that is not an
:class:`~ovop_geo.errors.OvopError` fails the test. The runs are reproducible
(``derandomize=True``, no example database); ``OVOP_FUZZ_EXAMPLES`` sets the number of examples
per loader (default 25). Inputs that once escaped as other exceptions are kept as ``@example``.
"""

from __future__ import annotations

import functools
import io
import json
import os
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import rasterio
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rasterio.io import MemoryFile
from rasterio.transform import from_origin

from ovop_geo.errors import OvopError
from ovop_geo.io import read_table, read_vector
from ovop_geo.manifest import load_manifest
from ovop_geo.raster import read_raster_info
from ovop_geo.uploads import UploadSession
from tests.conftest import X0, Y0, make_squares

MAX_EXAMPLES = int(os.environ.get("OVOP_FUZZ_EXAMPLES", "25"))

FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    deadline=5000,  # ms per example: a loader that hangs fails here
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

MANIFEST = b"""[region]
id = "fuzz"
name = "Kecamatan Fuzz"
population = 23499

[boundaries]
path = "../data/desa.geojson"
id_column = "kode"
name_column = "nama"
alt_name_columns = ["nama_lain"]
households_column = "kk"

[access]
capital = { name = "Pontianak", lon = 109.3333, lat = -0.0333 }

[statistics.harvest]
path = "../data/panen.csv"
level = "region"

[tables]
crops = "../data/crops.csv"

[parameters]
growth_rate_pct_yr = 30
"""

CSV = (
    b"village_code;crop_id;harvest_area_ha;yield;yield_unit\n"
    b"A01;padi;1.234,5;23,06;ku/ha\n"
    b"A02;jagung;12,5;4,1;t/ha\n"
    b';"ubi kayu";2.709;-;kg/ha\n'
)


# --- valid seeds (built once, in memory or in a private temporary folder) ----------------------


@functools.cache
def seed(kind: str) -> bytes:
    """A small valid file of the given kind."""
    gdf = make_squares(crs="EPSG:4326")
    if kind == "geojson":
        return gdf.to_json().encode()
    if kind == "parquet":
        buf = io.BytesIO()
        gdf.to_parquet(buf)
        return buf.getvalue()
    if kind == "csv":
        return CSV
    if kind == "toml":
        return MANIFEST
    if kind == "tif":
        profile = {
            "driver": "GTiff", "width": 16, "height": 16, "count": 1, "dtype": "float32",
            "crs": "EPSG:32749", "transform": from_origin(X0, Y0, 30.0, 30.0), "nodata": -9999.0,
        }  # fmt: skip
        with MemoryFile() as mem:
            with mem.open(**profile) as dst:
                dst.write(np.arange(256, dtype="float32").reshape(16, 16), 1)
            return bytes(mem.read())
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "gpkg":
            gdf.to_file(Path(tmp) / "d.gpkg")
            return (Path(tmp) / "d.gpkg").read_bytes()
        if kind == "zip":
            gdf.to_file(Path(tmp) / "desa.shp")
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                    zf.write(Path(tmp) / f"desa{ext}", f"desa{ext}")
            return buf.getvalue()
    raise KeyError(kind)


@st.composite
def mutated(draw, kind: str) -> bytes:
    """A valid file of ``kind`` with 1-4 random edits (flip, overwrite, insert, truncate)."""
    data = bytearray(seed(kind))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(("flip", "overwrite", "insert", "truncate")))
        hi = max(len(data) - 1, 0)
        pos = draw(st.one_of(st.integers(0, min(hi, 600)), st.integers(0, hi)))
        if op == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=16))
            data[pos : pos + len(chunk)] = chunk
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        else:
            del data[pos:]
    return bytes(data)


def blobs(kind: str) -> st.SearchStrategy[bytes]:
    """Random bytes, or a mutation of a valid file of ``kind`` (three times in four)."""
    return st.one_of(
        st.binary(max_size=2048),
        st.deferred(lambda: mutated(kind)),
        st.deferred(lambda: mutated(kind)),
        st.deferred(lambda: mutated(kind)),
    )


def only_ovop_errors(load: Callable[[], object]) -> None:
    """Run a loader; an OvopError is a proper refusal, anything else escapes and fails."""
    try:
        with warnings.catch_warnings():
            # Libraries warn about damaged files (GDAL, pyogrio, pandas); only exceptions matter.
            warnings.simplefilter("ignore")
            load()
    except OvopError as err:
        assert str(err).strip()


def _in_tmp(name: str, data: bytes, load: Callable[[Path], object]) -> None:
    with tempfile.TemporaryDirectory(prefix="ovop-fuzz-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        only_ovop_errors(lambda: load(path))


# --- io.read_vector ----------------------------------------------------------------------------


@FUZZ
@given(blob=blobs("geojson"))
@example(blob=b'{"type": "FeatureCollection", "features": [{"type": "Feature"}]}')
@example(blob=b'{"type": "Point", "coordinates": [1e400, 0]}')
@example(  # an unclosed ring escaped as shapely.errors.GEOSException
    blob=b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
    b'"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,2]]]}}]}'
)
def test_fuzz_read_vector_geojson(blob: bytes) -> None:
    _in_tmp("desa.geojson", blob, read_vector)


@FUZZ
@given(blob=blobs("gpkg"))
def test_fuzz_read_vector_gpkg(blob: bytes) -> None:
    _in_tmp("desa.gpkg", blob, read_vector)


@FUZZ
@given(blob=blobs("zip"))
def test_fuzz_read_vector_zip(blob: bytes) -> None:
    _in_tmp("desa.zip", blob, read_vector)


def _geoparquet(geo: dict, geometry: bytes = b"\x01\x01\x00\x00\x00" + bytes(16)) -> bytes:
    """A one-row GeoParquet file with the given 'geo' metadata (a WKB point by default)."""
    table = pa.table({"kode": ["A01"], "geometry": [geometry]})
    table = table.replace_schema_metadata({b"geo": json.dumps(geo).encode()})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def _geo(**column) -> dict:
    return {"primary_column": "geometry", "version": "1.0.0", "columns": column}


@FUZZ
@given(blob=blobs("parquet"))
# A mutated 'geo' metadata naming another column escaped as KeyError.
@example(blob=_geoparquet(_geo(_eometry={"encoding": "WKB"})))
# A damaged CRS in the metadata escaped as pyproj.exceptions.CRSError.
@example(blob=_geoparquet(_geo(geometry={"encoding": "WKB", "crs": {"bad": 1}})))
# Damaged WKB escaped as shapely.errors.GEOSException.
@example(blob=_geoparquet(_geo(geometry={"encoding": "WKB"}), geometry=b"garbage"))
def test_fuzz_read_vector_parquet(blob: bytes) -> None:
    _in_tmp("desa.parquet", blob, read_vector)


# --- io.read_table -----------------------------------------------------------------------------


@FUZZ
@given(blob=blobs("csv"))
def test_fuzz_read_table_csv(blob: bytes) -> None:
    _in_tmp(
        "panen.csv",
        blob,
        lambda p: read_table(
            p,
            numeric_columns=("harvest_area_ha",),
            optional_numeric_columns=("yield",),
            required_columns=("crop_id",),
        ),
    )


# --- io.check_raster ---------------------------------------------------------------------------


@FUZZ
@given(blob=blobs("tif"))
def test_fuzz_check_raster_tif(blob: bytes) -> None:
    _in_tmp("dem.tif", blob, read_raster_info)


# --- manifest.load_manifest ----------------------------------------------------------------------


@FUZZ
@given(blob=blobs("toml"))
def test_fuzz_load_manifest_toml(blob: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="ovop-fuzz-") as tmp:
        path = Path(tmp) / "layers" / "fuzz.toml"
        path.parent.mkdir()
        path.write_bytes(blob)
        only_ovop_errors(lambda: load_manifest(path))


# --- uploads.UploadSession.save ------------------------------------------------------------------

_UPLOADS = (
    ("desa.geojson", "boundaries", "geojson"),
    ("desa.gpkg", "vector", "gpkg"),
    ("desa.zip", "boundaries", "zip"),
    ("desa.parquet", "vector", "parquet"),
    ("panen.csv", "table", "csv"),
    ("dem.tif", "raster", "tif"),
)


@pytest.mark.parametrize(("name", "kind", "seed_kind"), _UPLOADS, ids=[u[0] for u in _UPLOADS])
def test_fuzz_upload_save(name: str, kind: str, seed_kind: str) -> None:
    @FUZZ
    @given(blob=blobs(seed_kind), sent_name=st.sampled_from((name, f"../x/{name}", f" {name}")))
    def run(blob: bytes, sent_name: str) -> None:
        with (
            tempfile.TemporaryDirectory(prefix="ovop-fuzz-") as tmp,
            UploadSession(base_dir=tmp) as session,
        ):
            only_ovop_errors(lambda: session.save(sent_name, blob, kind))

    run()


def test_seeds_are_valid(tmp_path: Path) -> None:
    """The mutations start from files the loaders accept (so the fuzz reaches past the header)."""
    for name, kind in (("d.geojson", "geojson"), ("d.gpkg", "gpkg"), ("d.zip", "zip"),
                       ("d.parquet", "parquet")):  # fmt: skip
        (tmp_path / name).write_bytes(seed(kind))
        assert len(read_vector(tmp_path / name)) == 3
    (tmp_path / "p.csv").write_bytes(seed("csv"))
    table = read_table(tmp_path / "p.csv", numeric_columns=("harvest_area_ha",))
    assert table["harvest_area_ha"].tolist() == [1234.5, 12.5, 2709.0]
    (tmp_path / "d.tif").write_bytes(seed("tif"))
    assert read_raster_info(tmp_path / "d.tif").width == 16
    (tmp_path / "layers").mkdir()
    (tmp_path / "layers" / "f.toml").write_bytes(seed("toml"))
    assert load_manifest(tmp_path / "layers" / "f.toml").region.id == "fuzz"
    with rasterio.open(tmp_path / "d.tif") as src:
        assert src.crs.to_epsg() == 32749
