"""Nothing a user can cause ends in a traceback; work is bounded; outputs are all-or-nothing.

Each class of failure is driven end to end through the real command line (a subprocess, as a
user runs it) and, where the app can meet it, through the app (Streamlit AppTest). A case passes
when the run exits with the user-error status (2, or 130 for an interruption), says what is wrong
with the file the user named, shows no traceback, and leaves no half-written output.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from rasterio.windows import Window

from ovop_geo import export
from ovop_geo.cli import main
from ovop_geo.errors import OvopError
from ovop_geo.export import check_output_dir, clean_stale_temporaries, write_outputs
from tests.conftest import X0, Y0, make_squares

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = """\
[region]
id = "uji"
name = "Kecamatan Uji"

[boundaries]
path = "../data/{boundaries}"
id_column = "kode"
name_column = "nama"
households_column = "kk"
{extra}
"""


def _cli(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "ovop_geo.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _refused(proc: subprocess.CompletedProcess, *needles: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    for needle in needles:
        assert needle in proc.stderr, (needle, proc.stderr[-2000:])
    return proc.stderr


def _project(
    tmp: Path,
    *,
    villages=None,
    boundaries="desa.geojson",
    extra="",
    files: dict[str, bytes] | None = None,
) -> Path:
    root = tmp / "proj"
    (root / "layers").mkdir(parents=True)
    (root / "data").mkdir()
    if villages is None:
        villages = make_squares(crs="EPSG:4326")
    if villages is not False:
        villages.to_file(root / "data" / boundaries)
    for name, data in (files or {}).items():
        (root / "data" / name).write_bytes(data)
    manifest = root / "layers" / "uji.toml"
    manifest.write_text(MANIFEST.format(boundaries=boundaries, extra=extra))
    return manifest


def _dem(path: Path, *, size=(80, 130)) -> Path:
    data = np.linspace(0.0, 10.0, size[0] * size[1], dtype="float32").reshape(size)
    profile = {
        "driver": "GTiff",
        "width": size[1],
        "height": size[0],
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:32749",
        "transform": from_origin(X0 - 100.0, Y0 + 2100.0, 30.0, 30.0),
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return path


def _truncated_dem(path: Path) -> Path:
    """A GeoTIFF cut in half while copying: the header is whole, the pixels are not."""
    _dem(path, size=(400, 400))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 20])  # the villages' rows are gone too
    return path


# --- output folders ----------------------------------------------------------------------------


def test_output_folder_that_is_a_file_or_under_a_file(tmp_path):
    (tmp_path / "afile").write_text("x")
    for out in ("afile", "afile/sub"):
        err = _refused(_cli("-q", "run", "--out", out, cwd=tmp_path), f"{out}: the output path")
        assert "not a folder" in err


def test_read_only_output_folder_is_refused_before_the_analysis(tmp_path, monkeypatch):
    """Root ignores permission bits, so the refusal of the OS is simulated where it happens."""
    calls = []

    def no_write(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(export.tempfile, "mkstemp", no_write)
    monkeypatch.setattr(
        "ovop_geo.pipeline.prepare_region", lambda *a, **k: calls.append(1)
    )  # the analysis must not start
    assert main(["-q", "run", "--out", str(tmp_path / "out")]) == 2
    assert calls == []


def test_full_disk_is_refused_before_the_analysis(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(
        export.shutil, "disk_usage", lambda _p: type("U", (), {"free": 16 * 1024})()
    )
    monkeypatch.setattr(
        "ovop_geo.pipeline.prepare_region", lambda *a, **k: pytest.fail("the analysis ran")
    )
    assert main(["-q", "run", "--out", str(tmp_path / "out")]) == 2
    assert "the disk is full (0.0 MB free, 8 MB needed)" in capsys.readouterr().err


def test_disk_filling_up_while_writing_leaves_nothing(tmp_path, monkeypatch):
    """ENOSPC while the outputs are written: one message, no file, no hidden temporary."""
    out = tmp_path / "out"
    real_fsync = os.fsync
    state = {"n": 0}

    def fsync(fd):
        state["n"] += 1
        if state["n"] > 1:  # the probe of check_output_dir passes, the outputs do not
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    check_output_dir(out)
    monkeypatch.setattr(export.os, "fsync", fsync)
    with pytest.raises(OvopError, match=r"out: the disk is full \(No space left on device\)"):
        write_outputs(out, {"a.csv": b"1", "b.csv": b"2"})
    assert list(out.iterdir()) == []


def _can_mount_tmpfs(target: Path) -> bool:
    target.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(target)],
        capture_output=True,
        check=False,
    )
    return proc.returncode == 0


def test_full_disk_end_to_end_on_a_tiny_tmpfs(tmp_path):
    disk = tmp_path / "tiny"
    if not _can_mount_tmpfs(disk):
        pytest.skip("cannot mount a tmpfs here (not root, or no mount namespace)")
    try:
        _refused(_cli("-q", "run", "--out", "tiny/out", cwd=tmp_path), "the disk is full")
        assert list((disk / "out").iterdir()) == []
    finally:
        subprocess.run(["umount", str(disk)], check=False)


# --- interruptions, leftovers, concurrent runs -------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupted_run_exits_130_and_writes_nothing(tmp_path, sig):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen(
        [sys.executable, "-m", "ovop_geo.cli", "run", "--out", "out"],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        lines = []
        for line in proc.stderr:  # wait until the analysis is under way
            lines.append(line)
            if "slope and elevation" in line or "distances" in line:
                break
        proc.send_signal(sig)
        rest = proc.stderr.read()
        proc.wait(timeout=120)
    err = "".join(lines) + rest
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err
    assert "Interrupted: no output was left half-written" in err
    out = tmp_path / "out"
    assert not out.exists() or list(out.iterdir()) == []


def test_stale_temporaries_of_killed_runs_are_removed_live_ones_kept(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    stale = out / f".villages.csv.ovop-{dead}-k1ll3d.tmp"
    live = out / f".villages.csv.ovop-{os.getpid()}-wr1t1ng.tmp"  # a run still writing
    other = out / ".notes.tmp"  # not ours: never touched
    for p in (stale, live, other):
        p.write_bytes(b"partial")
    assert clean_stale_temporaries(out) == [stale.name]
    assert sorted(p.name for p in out.iterdir()) == sorted([live.name, other.name])


def test_stale_temporaries_are_removed_by_the_next_cli_run(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".map.html.ovop-999999999-x.tmp").write_bytes(b"<html>half")
    proc = _cli("-q", "template", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    names = [p.name for p in out.rglob("*")]
    assert "harvest_template.csv" in names
    assert not [n for n in names if n.endswith(".tmp")]  # the stale one removed, none left


def test_concurrent_runs_into_one_folder_leave_one_complete_set(tmp_path):
    out = tmp_path / "out"
    names = [f"f{i}.csv" for i in range(12)]
    errors = []

    def run(tag: bytes) -> None:
        try:
            for _ in range(15):
                write_outputs(out, dict.fromkeys(names, tag * 2000))
        except Exception as err:
            errors.append(err)

    threads = [threading.Thread(target=run, args=(t,)) for t in (b"A", b"B", b"C")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    contents = {(out / n).read_bytes() for n in names}
    assert len(contents) == 1  # every file from the same run
    assert sorted(p.name for p in out.iterdir()) == sorted(names)  # no temporary left


# --- parameters --------------------------------------------------------------------------------


def test_weights_near_the_float_limit_give_the_equal_weights_result(tmp_path):
    from ovop_geo.mcda import Weights

    s = Weights.from_mapping({"households": 1e308, "businesses": 1e308}).as_series()
    assert s.tolist() == [0.5, 0.5]  # 1e308 + 1e308 overflows; the normalisation must not
    (tmp_path / "w.toml").write_text("[weights]\nhouseholds = 1e308\nbusinesses = 1e308\n")
    proc = _cli("-q", "run", "--out", "out", "--params", "w.toml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.mark.parametrize(
    "text, needle",
    [
        ('[weights]\nhouseholds = "banyak"\n', "households = 'banyak'"),
        ("[weights]\nhouseholds = inf\n", "households = inf"),
        ('min_units = "lima"\n', "a parameter has a value of the wrong type"),
        ("weights = 3\n", "must be a [weights] table"),
    ],
)
def test_bad_values_in_a_parameters_file(tmp_path, text, needle):
    (tmp_path / "p.toml").write_text(text)
    _refused(
        _cli("-q", "run", "--out", "out", "--params", "p.toml", cwd=tmp_path), "p.toml: ", needle
    )
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


# --- files that are not what they say ----------------------------------------------------------

KML = b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Desa Satu</name>
<Polygon><outerBoundaryIs><LinearRing><coordinates>109.3,-0.1 109.31,-0.1 109.31,-0.09
109.3,-0.1</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>
"""


def test_kml_renamed_geojson_through_a_manifest(tmp_path):
    manifest = _project(tmp_path, villages=False, files={"desa.geojson": KML})
    err = _refused(
        _cli("load", "--layers", str(manifest), cwd=tmp_path),
        "data/desa.geojson: cannot read this file as a .geojson vector layer",
        "looks like a KML file",
    )
    assert "Columns found" not in err


def test_truncated_geotiff_through_the_cli(tmp_path):
    manifest = _project(tmp_path, extra='[elevation]\npath = "../data/dem.tif"\n')
    _truncated_dem(manifest.parent.parent / "data" / "dem.tif")
    err = _refused(
        _cli("-q", "run", "--layers", str(manifest), "--out", "out", cwd=tmp_path),
        "data/dem.tif: the raster is damaged or incomplete",
    )
    assert str(tmp_path) not in err  # no machine path
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_html_page_saved_as_geotiff_says_what_it_is(tmp_path):
    html = b"<!DOCTYPE html><html><body>404 Not Found</body></html>"
    manifest = _project(
        tmp_path, extra='[elevation]\npath = "../data/dem.tif"\n', files={"dem.tif": html}
    )
    err = _refused(
        _cli("-q", "run", "--layers", str(manifest), "--out", "out", cwd=tmp_path),
        "data/dem.tif: not a raster that can be read (it looks like a web page",
    )
    assert "404" not in err  # the file's content is never echoed


# --- bounded work ------------------------------------------------------------------------------


def _sparse_tif(path: Path, width: int, height: int) -> None:
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
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


@pytest.mark.parametrize(
    "width, height",
    [(200_000, 200_000), (1_000_000, 1_000_000)],
    ids=["4e10-cells", "1e12-cells-bigtiff"],
)
def test_absurd_raster_sizes_are_refused_before_reading(tmp_path, width, height):
    manifest = _project(tmp_path, extra='[elevation]\npath = "../data/dem.tif"\n')
    _sparse_tif(manifest.parent.parent / "data" / "dem.tif", width, height)
    assert (manifest.parent.parent / "data" / "dem.tif").stat().st_size < 5_000_000
    _refused(
        _cli("-q", "run", "--layers", str(manifest), "--out", "out", cwd=tmp_path),
        f"data/dem.tif: the raster is {width:,} × {height:,} cells, more than the limit of "
        "2,000,000,000",
        "max_raster_pixels in the manifest's [checks] table",
    )


def test_raster_limit_is_changed_in_the_manifest(tmp_path):
    manifest = _project(
        tmp_path,
        extra='[elevation]\npath = "../data/dem.tif"\n[checks]\nmax_raster_pixels = 1000\n',
    )
    _dem(manifest.parent.parent / "data" / "dem.tif")
    _refused(
        _cli("-q", "run", "--layers", str(manifest), "--out", "out", cwd=tmp_path),
        "130 × 80 cells, more than the limit of 1,000",
    )


def test_work_follows_the_villages_footprint(tmp_path):
    """A DEM far larger than the villages is read through their window: same statistics."""
    from ovop_geo.raster import footprint_view, read_raster_info
    from ovop_geo.zonal import zonal_stats

    villages = make_squares(crs="EPSG:4326").set_index("kode")
    big = tmp_path / "big.tif"
    rows, cols = 2000, 3000  # 60 x 90 km at 30 m, villages cover 3.7 x 2 km of it
    data = np.arange(rows * cols, dtype="float32").reshape(rows, cols) % 997
    profile = {
        "driver": "GTiff",
        "width": cols,
        "height": rows,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:32749",
        "transform": from_origin(X0 - 30_000, Y0 + 30_000, 30, 30),
        "tiled": True,
    }
    with rasterio.open(big, "w", **profile) as dst:
        dst.write(data, 1)
    info = read_raster_info(big)
    bounds = tuple(villages.to_crs(info.crs).total_bounds)
    view = footprint_view(info, bounds, tmp_path)
    assert view.width * view.height < 0.002 * info.width * info.height
    assert view.name == "big.tif"
    full = zonal_stats(villages, info)
    windowed = zonal_stats(villages, view)
    np.testing.assert_allclose(windowed["mean"], full["mean"], rtol=1e-12)
    np.testing.assert_allclose(windowed["covered_ha"], full["covered_ha"], rtol=1e-12)


# --- plausibility through the command line ------------------------------------------------------


def test_degrees_labelled_web_mercator_blame_the_boundaries_not_the_dem(tmp_path):
    wrong = make_squares(crs="EPSG:4326").set_crs("EPSG:3857", allow_override=True)
    manifest = _project(
        tmp_path,
        villages=wrong,
        boundaries="desa.gpkg",
        extra='[elevation]\npath = "../data/dem.tif"\n',
    )
    _dem(manifest.parent.parent / "data" / "dem.tif")
    err = _refused(
        _cli("-q", "run", "--layers", str(manifest), "--out", "out", cwd=tmp_path),
        "data/desa.gpkg: the coordinates look like degrees",
        "the layer's CRS is EPSG:3857",
    )
    assert "dem.tif" not in err


def test_warnings_reach_the_cli_and_run_json(tmp_path):
    import json

    gdf = make_squares(crs="EPSG:32749")
    extra = gdf.iloc[[0]].assign(kode="A04", nama="Desa Empat", kk=50)
    extra = extra.set_geometry(extra.geometry.translate(-900.0, 0.0))  # 10 ha shared with A01
    both = type(gdf)([*gdf.to_dict("records"), *extra.to_dict("records")], crs=gdf.crs)
    manifest = _project(tmp_path, villages=both, boundaries="desa.gpkg")
    proc = _cli("run", "--layers", str(manifest), "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    needle = "A01 Desa Satu / A04 Desa Empat: 10.00 ha (10 %)"
    assert needle in proc.stdout  # printed as a note of the run
    notes = json.loads((tmp_path / "out" / "run.json").read_text())["notes"]
    assert any(needle in n for n in notes)


def test_dem_with_only_nodata_under_the_villages_says_so(tmp_path):
    from ovop_geo.pipeline import prepare_region
    from ovop_geo.region import load_region

    params = ROOT / "data" / "params"
    files = {
        n: (params / n).read_bytes()
        for n in ("crops.csv", "crop_landuse_suitability.csv", "landuse_classes.csv")
    }
    lu = make_squares(crs="EPSG:4326").assign(kelas="sawah")
    lu.to_file(tmp_path / "lu.geojson")
    files["lu.geojson"] = (tmp_path / "lu.geojson").read_bytes()
    extra = (
        '[elevation]\npath = "../data/dem.tif"\n'
        '[landuse]\npath = "../data/lu.geojson"\nclass_column = "kelas"\n'
        'classes = "../data/landuse_classes.csv"\n'
        '[tables]\ncrops = "../data/crops.csv"\n'
        'crop_landuse_suitability = "../data/crop_landuse_suitability.csv"\n'
    )
    manifest = _project(tmp_path, extra=extra, files=files)
    dem = manifest.parent.parent / "data" / "dem.tif"
    profile = {
        "driver": "GTiff",
        "width": 130,
        "height": 80,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:32749",
        "nodata": -9999.0,
        "transform": from_origin(X0 - 100.0, Y0 + 2100.0, 30.0, 30.0),
    }
    with rasterio.open(dem, "w", **profile) as dst:
        dst.write(np.full((80, 130), -9999.0, "float32"), 1)
    with pytest.raises(
        OvopError,
        match=r"data/dem\.tif: the elevation raster covers villages "
        r"A01 Desa Satu, A02 Desa Dua, A03 Desa Tiga but holds "
        r"only nodata there",
    ):
        prepare_region(load_region(manifest))
