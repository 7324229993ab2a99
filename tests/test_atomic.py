"""Outputs are written atomically; a failure leaves earlier outputs intact; inputs never change.

Writes are made to fail on purpose (an output that raises half-way, ``os.fsync`` or ``os.replace``
raising ``OSError``): the first run's files must stay byte-identical and no temporary file may be
left. The real command line is run on the bundled region with the SHA-256 of every bundled input
taken before and after.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from ovop_geo import export
from ovop_geo.cli import main
from ovop_geo.errors import OvopError
from ovop_geo.export import atomic_write_bytes, write_outputs
from ovop_geo.report import OUTPUT_FILES

ROOT = Path(__file__).resolve().parent.parent
FIRST = {
    "a.csv": b"village_code,x\r\nA01,1\r\n",
    "b.geojson": b'{"type": "FeatureCollection", "features": []}\n',
    "c.csv": b"village_code,y\r\nA01,2\r\n",
    "d.html": b"<html>first</html>\n",
    "run.json": b'{"run": 1}\n',
}


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in the folder (hidden ones included) and its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def first_run(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "out"
    written = write_outputs(out, FIRST)
    assert [p.name for p in written] == list(FIRST)
    snap = _snapshot(out)
    assert snap == FIRST  # exactly the outputs, nothing hidden
    return out, snap


def _second(**overrides) -> dict:
    second = {name: data.replace(b"1", b"9") for name, data in FIRST.items()}
    second.update(overrides)
    return second


def test_output_raising_half_way_keeps_first_run(first_run):
    out, before = first_run
    calls = []

    def broken() -> bytes:
        calls.append(1)
        raise RuntimeError("map rendering failed")

    with pytest.raises(RuntimeError, match="map rendering failed"):
        write_outputs(out, _second(**{"c.csv": broken}))
    assert calls == [1]
    assert _snapshot(out) == before  # byte-identical, and no .tmp file left


@pytest.mark.parametrize("fail_on", [1, 3, 5])
def test_fsync_failing_keeps_first_run(first_run, monkeypatch, fail_on):
    out, before = first_run
    real_fsync, count = os.fsync, []

    def fsync(fd):
        count.append(fd)
        if len(count) == fail_on:
            raise OSError(28, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OvopError, match=r"disk is full .No space left"):
        write_outputs(out, _second())
    assert len(count) == fail_on
    assert _snapshot(out) == before


def test_file_write_failing_keeps_first_run(first_run, monkeypatch):
    """The third staged file fails while its bytes are written (a full disk)."""
    out, before = first_run
    real_fdopen, opened = os.fdopen, []

    class FailingFile:
        def __init__(self, fh):
            self._fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._fh.close()
            return False

        def write(self, data):
            raise OSError(28, "No space left on device")

    def fdopen(fd, *args, **kwargs):
        fh = real_fdopen(fd, *args, **kwargs)
        opened.append(fd)
        return FailingFile(fh) if len(opened) == 3 else fh

    monkeypatch.setattr(export.os, "fdopen", fdopen)
    with pytest.raises(OvopError, match=r"disk is full .No space left"):
        write_outputs(out, _second())
    assert len(opened) == 3
    assert _snapshot(out) == before


def test_rename_failing_leaves_no_temporary_files(first_run, monkeypatch):
    """Renames cannot be atomic as a set, but a failing one leaves no staged file behind."""
    out, before = first_run
    real_replace, count = os.replace, []

    def replace(src, dst):
        count.append(dst)
        if len(count) == 2:
            raise OSError(13, "Permission denied")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OvopError, match=r"cannot be written .Permission denied"):
        write_outputs(out, _second())
    after = _snapshot(out)
    assert sorted(after) == sorted(before)  # no .tmp file
    assert after["a.csv"] == _second()["a.csv"]  # renamed before the failure
    assert {k: after[k] for k in ("b.geojson", "c.csv", "d.html", "run.json")} == {
        k: before[k] for k in ("b.geojson", "c.csv", "d.html", "run.json")
    }


def test_second_run_replaces_all(first_run):
    out, _ = first_run
    write_outputs(out, _second())
    assert _snapshot(out) == _second()


def test_atomic_write_bytes_failure_keeps_file(tmp_path, monkeypatch):
    target = tmp_path / "statistics.csv"
    atomic_write_bytes(target, b"old\n")

    def fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError, match="Input/output error"):
        atomic_write_bytes(target, b"new\n")
    assert _snapshot(tmp_path) == {"statistics.csv": b"old\n"}


def test_bad_output_names_refused_before_writing(tmp_path):
    out = tmp_path / "out"
    for name in ("../escape.csv", "sub/x.csv", ".."):
        with pytest.raises(OvopError, match="must be a plain file name"):
            write_outputs(out, {"ok.csv": b"1\n", name: b"2\n"})
        assert _snapshot(out) == {}
    assert not (tmp_path / "escape.csv").exists()


def test_protected_input_never_overwritten(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "villages.csv").write_bytes(b"input\n")
    with pytest.raises(OvopError, match=r"holds input files \(villages\.csv\); choose another"):
        write_outputs(data, {"other.csv": b"x\n"}, protected=(data / "villages.csv",))
    assert _snapshot(data) == {"villages.csv": b"input\n"}
    # A symbolic link to an input is the input.
    out = tmp_path / "out"
    out.mkdir()
    (out / "villages.csv").symlink_to(data / "villages.csv")
    with pytest.raises(OvopError, match="this is one of the inputs"):
        write_outputs(out, {"villages.csv": b"output\n"}, protected=(data / "villages.csv",))
    assert (data / "villages.csv").read_bytes() == b"input\n"
    assert sorted(p.name for p in out.iterdir()) == ["villages.csv"]


# --- the real command line ------------------------------------------------------------------------


def _bundled_inputs() -> dict[Path, str]:
    files = [p for p in (ROOT / "data").rglob("*") if p.is_file()]
    files += list((ROOT / "layers").glob("*.toml"))
    return {p: _sha256(p) for p in sorted(files)}


def test_cli_run_leaves_bundled_inputs_unchanged(tmp_path, capsys):
    before = _bundled_inputs()
    assert len(before) >= 20
    out = tmp_path / "out"
    assert main(["-q", "run", "--region", "rasau-jaya", "--out", str(out)]) == 0
    capsys.readouterr()
    assert _bundled_inputs() == before  # same files (none added) with the same SHA-256
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(OUTPUT_FILES)


def test_cli_refuses_output_folder_holding_an_input(tmp_path, capsys):
    """On a copy of the bundled project: --out pointing at its data folder is refused."""
    project = tmp_path / "proj"
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copytree(ROOT / "layers", project / "layers")
    paper = project / "data" / "paper"
    before = {p.name: _sha256(p) for p in paper.iterdir()}
    manifest = project / "layers" / "rasau-jaya.toml"
    status = main(["-q", "run", "--layers", str(manifest), "--out", str(paper)])
    err = capsys.readouterr().err
    assert status == 2
    assert "holds input files" in err and "harvest_kecamatan.csv" in err
    assert "Traceback" not in err
    assert {p.name: _sha256(p) for p in paper.iterdir()} == before  # nothing added or changed
