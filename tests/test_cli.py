"""The ``ovop-geo`` command line: commands, outputs of a full run, and user errors.

The analysis of Rasau Jaya runs once per module (``main([...])`` in-process, for speed); the
error cases that must not print a traceback run the real interpreter (``python -m ovop_geo.cli``).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ovop_geo import __version__
from ovop_geo.cli import main

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = (
    "villages.geojson",
    "sentra_candidates.geojson",
    "sentra_clusters.geojson",
    "results.gpkg",
    "results.xlsx",
    "villages.csv",
    "villages.csvt",
    "sentra_candidates.csv",
    "sentra_candidates.csvt",
    "sentra_clusters.csv",
    "sentra_clusters.csvt",
    "new_product_ideas.csv",
    "map.html",
    "run.json",
)
CANDIDATE_PROPERTIES = {
    "village_code",
    "village_name",
    "product",
    "score",
    "rank",
    "meets_pp29_2018",
    "meets_bps_households",
    "share_rank1",
    "rank_min",
    "rank_max",
    "fragile",
    # criteria values
    "businesses",
    "lq_businesses",
    "raw_material_supply_ratio",
    "available_land_ha",
    "share_slope_suitable",
    "distance_centre_km",
    "distance_capital_km",
    "households",
    "managing_body",
    "government_commitment",
    "local_wisdom",
}
# Rasau Jaya's villages in degrees (EPSG:4326), with a margin.
LON = (109.2, 109.5)
LAT = (-0.35, -0.15)

# Saaty's consistent matrix: every a_ik = a_ij * a_jk, so CR = 0 and the weights are 9:3:1.
AHP_CONSISTENT = (
    "criterion,households,businesses,local_wisdom\n"
    "households,1,3,9\n"
    "businesses,1/3,1,3\n"
    "local_wisdom,1/9,1/3,1\n"
)
# A cycle (households > businesses > local_wisdom > households): lambda_max = 1 + 9 + 1/9,
# CI = (10.111 - 3) / 2 = 3.556, CR = 3.556 / 0.58 = 6.13.
AHP_CYCLIC = (
    "criterion,households,businesses,local_wisdom\n"
    "households,1,9,1/9\n"
    "businesses,1/9,1,9\n"
    "local_wisdom,9,1/9,1\n"
)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ovop_geo.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def run_out(tmp_path_factory) -> tuple[Path, str]:
    """Output folder and standard output of one full run on Rasau Jaya."""
    out = tmp_path_factory.mktemp("cli") / "out"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        status = main(["-q", "run", "--region", "rasau-jaya", "--out", str(out)])
    assert status == 0
    return out, buf.getvalue()


# --- help and load --------------------------------------------------------------------------------


def test_help_lists_commands():
    result = _cli("--help")
    assert result.returncode == 0
    for command in ("regions", "load", "run", "template"):
        assert re.search(rf"^\s+{command}\s+\w", result.stdout, re.M), command


def test_load_rasau_jaya(capsys):
    assert main(["load", "--region", "rasau-jaya"]) == 0
    out = capsys.readouterr().out
    assert "villages: 6 " in out
    assert "business units: 50 in 9 products" in out
    assert "elevation: data/illustrative/rasau_jaya_dem.tif (ILLUSTRATIVE)" in out


def test_load_kalimantan_barat(capsys):
    assert main(["load", "--region", "kalimantan-barat"]) == 0
    out = capsys.readouterr().out
    assert "villages: 2,130 " in out
    assert "4 invalid geometries repaired" in out
    for village in (
        "61.01.10.2008 Mukti Raharja",
        "61.03.20.2003 Kuala Buayan",
        "61.12.06.2011 Kampung Baru",
        "61.12.08.2006 Sungai Deras",
    ):
        assert village in out
    assert "missing for a full analysis" in out


# --- run on Rasau Jaya ----------------------------------------------------------------------------


def test_run_says_what_meets_pp29_and_what_is_unknown(run_out):
    _, stdout = run_out
    # Table 3: 29 pairs with a firm; kerupuk in Rasau Jaya I (6) is the only one with 5 or more
    assert (
        "29 village x product pairs with at least one firm (1 sentra, 11 pre-sentra, "
        "17 potential); 1 meet PP 29/2018, 0 unknown"
    ) in stdout
    assert "kerupuk 6 villages 16 firms (sentra)" in stdout
    assert "TIE with" in stdout  # Bintang Mas: three one-firm products


def test_run_writes_the_six_files(run_out):
    out, stdout = run_out
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    assert all((out / name).stat().st_size > 0 for name in OUTPUTS)
    assert "wrote: " + ", ".join(OUTPUTS) in stdout


def _coordinates(geometry: dict) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []

    def walk(c):
        if isinstance(c[0], int | float):
            points.append((c[0], c[1]))
        else:
            for part in c:
                walk(part)

    walk(geometry["coordinates"])
    return points


def test_candidate_geojson_properties_and_rfc7946(run_out):
    out, _ = run_out
    doc = json.loads((out / "sentra_candidates.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    features = doc["features"]
    assert len(features) >= 6
    for feature in features:
        props = feature["properties"]
        assert set(props) >= CANDIDATE_PROPERTIES, CANDIDATE_PROPERTIES - set(props)
        assert 0 <= props["score"] <= 100 and 0 <= props["share_rank1"] <= 1
        assert props["rank_min"] <= props["rank"] <= props["rank_max"]
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        for lon, lat in _coordinates(feature["geometry"]):
            assert LON[0] < lon < LON[1] and LAT[0] < lat < LAT[1], (lon, lat)
    pp29 = [
        (f["properties"]["village_code"], f["properties"]["product"])
        for f in features
        if f["properties"]["meets_pp29_2018"]
    ]
    # Paper Table 3: 6 kerupuk firms in Rasau Jaya I, the only pair with at least 5 units.
    assert pp29 == [("61.12.07.2002", "kerupuk")]
    kerupuk = next(
        f["properties"]
        for f in features
        if (f["properties"]["village_code"], f["properties"]["product"])
        == ("61.12.07.2002", "kerupuk")
    )
    assert kerupuk["businesses"] == 6


def test_candidate_csv_matches_geojson(run_out):
    out, _ = run_out
    table = pd.read_csv(out / "sentra_candidates.csv", dtype={"village_code": str})
    doc = json.loads((out / "sentra_candidates.geojson").read_text(encoding="utf-8"))
    assert len(table) == len(doc["features"])
    assert table.loc[table["meets_pp29_2018"], "village_code"].tolist() == ["61.12.07.2002"]


def test_run_record(run_out):
    out, _ = run_out
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["version"] == __version__
    roles = {i["role"] for i in record["inputs"]}
    assert {"boundaries", "businesses", "harvest", "elevation", "landuse", "zoning"} <= roles
    for item in record["inputs"]:
        assert re.fullmatch(r"[0-9a-f]{64}", item["sha256"]), item
        assert not item["path"].startswith("/")
    params = record["parameters"]
    assert params["min_units"] == 5 and params["min_household_share"] == 0.2
    weights = params["weights"]
    assert len(weights) == 12 and sum(weights.values()) == pytest.approx(1.0)
    # the weights applied: slope (1.0 everywhere) and the four criteria nobody supplied are
    # left out with their reason; the remaining 3 + 3 + 2 + 2 + 3 + 3 + 3 = 19 shares sum to 1
    applied = record["weights_applied"]
    assert applied["households"] == pytest.approx(3 / 19)
    assert sum(applied.values()) == pytest.approx(1.0)
    assert set(record["sentra_decision"]["weights_left_out"]) == {
        "share_slope_suitable",
        "managing_body",
        "government_commitment",
        "local_wisdom",
        "readiness",
    }
    assert record["tie_tolerance_points"] == 1.0


def test_consistent_ahp_matrix_gives_its_weights(tmp_path):
    ahp = tmp_path / "ahp.csv"
    ahp.write_text(AHP_CONSISTENT)
    out = tmp_path / "out"
    result = _cli("-q", "run", "--region", "rasau-jaya", "--out", str(out), "--ahp", str(ahp))
    assert result.returncode == 0, result.stderr
    assert "AHP consistency ratio 0.000" in result.stderr
    weights = json.loads((out / "run.json").read_text())["parameters"]["weights"]
    assert weights == pytest.approx(
        {"households": 9 / 13, "businesses": 3 / 13, "local_wisdom": 1 / 13}
    )


# --- user errors: one message, no traceback, exit 2, no outputs ---------------------------------


def _missing_file_manifest(tmp_path: Path) -> Path:
    layers = tmp_path / "proj" / "layers"
    layers.mkdir(parents=True)
    manifest = layers / "mine.toml"
    manifest.write_text(
        '[region]\nid = "mine"\nname = "Mine"\n\n[boundaries]\n'
        'path = "../data/desa_saya.geojson"\nid_column = "kode"\nname_column = "nama"\n'
    )
    return manifest


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("weight", r"^error: unknown criteria in the weights: nonsense\. Known criteria: "),
        ("ahp", r"^error: \S+\.csv: AHP matrix: consistency ratio 6\.130 is above 0\.10\. "),
        ("layers", r"^error: data/desa_saya\.geojson: file not found\. Check the path\.$"),
    ],
)
def test_user_errors_exit_2_without_traceback(tmp_path, case, message):
    out = tmp_path / "out"
    args = ["run", "--out", str(out)]
    if case == "weight":
        args += ["--region", "rasau-jaya", "--weight", "nonsense=2"]
    elif case == "ahp":
        (tmp_path / "ahp.csv").write_text(AHP_CYCLIC)
        args += ["--region", "rasau-jaya", "--ahp", str(tmp_path / "ahp.csv")]
    else:
        args += ["--layers", str(_missing_file_manifest(tmp_path))]
    result = _cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert re.search(message, errors[0]), result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_malformed_weight_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", "--region", "rasau-jaya", "--out", str(out), "--weight", "x"]) == 2
    assert "write CRITERION=NUMBER" in capsys.readouterr().err
    assert not out.exists()
