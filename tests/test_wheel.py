"""The built wheel installs and runs the bundled regions from any folder, outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: build with the hatchling of this environment (no download at test time).
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("ovop_geo-*.whl")
    return path


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A new virtual environment holding the wheel.

    The wheel is installed without dependencies; a ``.pth`` file lets the environment see the
    dependencies already installed for the tests (their folder is added to ``sys.path``, but
    the ``.pth`` files inside it, such as the checkout's editable install, are not run).
    """
    env = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    py = env / "bin" / "python"
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    return env


def _run(env: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run(
        [str(env / "bin" / "ovop-geo"), *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_wheel_carries_the_bundled_regions(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "ovop_geo/py.typed",
        "ovop_geo/_bundled/layers/rasau-jaya.toml",
        "ovop_geo/_bundled/layers/kalimantan-barat.toml",
        "ovop_geo/_bundled/data/boundaries/rasau_jaya_villages.geojson",
        "ovop_geo/_bundled/data/boundaries/kalimantan_barat_desa.parquet",
        "ovop_geo/_bundled/data/params/criteria.csv",
        "ovop_geo/_bundled/data/paper/table3_businesses.csv",
    ):
        assert needed in names, needed
    assert not any(n.startswith(("benchmarks/", "tests/", "ovop_geo/bench")) for n in names)


def test_installed_wheel_runs_outside_the_checkout(venv, tmp_path):
    where = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import ovop_geo, ovop_geo.bundled as b; "
            "print(ovop_geo.__file__); print(b.bundled_root()); "
            "print(ovop_geo.__version__)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    module, root, version = where.stdout.split()
    assert Path(module).is_relative_to(venv) and Path(root).is_relative_to(venv)
    assert version != "0+unknown"

    regions = _run(venv, "regions", cwd=tmp_path)
    assert regions.returncode == 0, regions.stderr
    assert "rasau-jaya" in regions.stdout and "kalimantan-barat" in regions.stdout

    out = tmp_path / "results"
    run = _run(venv, "run", "--region", "rasau-jaya", "--out", str(out), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert "6 villages analysed" in run.stdout
    villages = json.loads((out / "villages.geojson").read_text(encoding="utf-8"))
    assert len(villages["features"]) == 6
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["version"] == version
    assert str(ROOT) not in json.dumps(record) and "site-packages" not in json.dumps(record)
