"""The command line's AHP options: the group matrix gives the weights the app's AHP gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ovop_geo.cli import _read_params, build_parser
from ovop_geo.errors import InputDataError, ParameterError
from ovop_geo.mcda import group_ahp_weights, load_default_criteria

ROOT = Path(__file__).resolve().parents[1]

# Group weights 6 : 3 : 2 : 2 : 1 : 1 (consistent, CR = 0), upper triangle only, as in the app.
GROUPS_UPPER = (
    "group,existing_activity,raw_material,location_access,human_resources,institutions,"
    "local_wisdom\n"
    "existing_activity,1,2,3,3,6,6\n"
    "raw_material,,1,3/2,3/2,3,3\n"
    "location_access,,,1,1,2,2\n"
    "human_resources,,,,1,2,2\n"
    "institutions,,,,,1,1\n"
    "local_wisdom,,,,,,1\n"
)


def _params(*args: str) -> dict:
    return _read_params(build_parser().parse_args(["run", "--out", "x", *args]))


def test_group_matrix_gives_hand_computed_weights(tmp_path, capsys):
    path = tmp_path / "groups.csv"
    path.write_text(GROUPS_UPPER)
    weights = dict(_params("--ahp-groups", str(path))["weights"])
    # existing_activity 6/15 over 2 criteria, raw_material 3/15 over 3, location_access 2/15
    # over 2, human_resources 2/15, institutions 1/15 over 2, local_wisdom 1/15.
    assert weights == pytest.approx(
        {
            "businesses": 0.2,
            "lq_businesses": 0.2,
            "raw_material_supply_ratio": 1 / 15,
            "available_land_ha": 1 / 15,
            "share_slope_suitable": 1 / 15,
            "distance_centre_km": 1 / 15,
            "distance_capital_km": 1 / 15,
            "households": 2 / 15,
            "managing_body": 1 / 30,
            "government_commitment": 1 / 30,
            "local_wisdom": 1 / 15,
        }
    )
    assert "consistency ratio groups 0.000" in capsys.readouterr().err


def test_cli_and_app_call_the_same_function(tmp_path):
    # The app passes the upper triangle of its editor to group_ahp_weights with the group ids of
    # criteria.csv; the file gives the same numbers, so the weights are identical.
    inconsistent = GROUPS_UPPER.replace(
        "existing_activity,1,2,3,3,6,6", "existing_activity,1,2,4,3,5,6"
    )
    path = tmp_path / "groups.csv"
    path.write_text(inconsistent)
    from_cli = dict(_params("--ahp-groups", str(path))["weights"])
    table = load_default_criteria()
    order = list(dict.fromkeys(table["group"]))
    upper = np.full((6, 6), np.nan)
    rows = [line.split(",")[1:] for line in inconsistent.strip().splitlines()[1:]]
    for i in range(6):
        for j in range(i, 6):
            a, _, b = rows[i][j].partition("/")
            upper[i, j] = float(a) / float(b or 1)
    from_app = dict(group_ahp_weights(upper, table["group"], group_labels=order).weights)
    assert from_cli == pytest.approx(from_app, rel=1e-12)


def test_criteria_matrix_may_leave_the_lower_triangle_empty(tmp_path):
    path = tmp_path / "ahp.csv"
    path.write_text(
        "criterion,households,businesses,local_wisdom\n"
        "households,1,3,9\nbusinesses,,1,3\nlocal_wisdom,,,1\n"
    )
    weights = dict(_params("--ahp", str(path))["weights"])
    assert weights == pytest.approx(
        {"households": 9 / 13, "businesses": 3 / 13, "local_wisdom": 1 / 13}
    )


def test_group_matrix_errors(tmp_path):
    path = tmp_path / "groups.csv"
    path.write_text(GROUPS_UPPER.replace("raw_material,,1,", "raw_material,1,1,"))
    with pytest.raises(
        ParameterError,
        match=r"(?s)groups\.csv: .*raw_material/existing_activity = 1 "
        r"\(the reciprocal of existing_activity/raw_material"
        r" = 2 is 0\.5\)",
    ):
        _params("--ahp-groups", str(path))
    path.write_text(GROUPS_UPPER.replace("local_wisdom", "kearifan"))
    with pytest.raises(ParameterError, match=r"compares the groups .*kearifan"):
        _params("--ahp-groups", str(path))
    path.write_text(GROUPS_UPPER.replace("3/2,3/2", "x,3/2"))
    with pytest.raises(
        InputDataError,
        match=r"not numbers or fractions: raw_material/"
        r"location_access='x'",
    ):
        _params("--ahp-groups", str(path))
    path.write_text(GROUPS_UPPER)
    with pytest.raises(ParameterError, match="not both"):
        _params("--ahp-groups", str(path), "--ahp", str(path))
    with pytest.raises(ParameterError, match="not both"):
        _params("--ahp-groups", str(path), "--weight", "households=2")


def test_bad_group_matrix_exits_2_without_traceback(tmp_path):
    path = tmp_path / "groups.csv"
    path.write_text(GROUPS_UPPER.replace("raw_material,,1,", "raw_material,1,1,"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ovop_geo.cli",
            "-q",
            "run",
            "--region",
            "rasau-jaya",
            "--out",
            str(tmp_path / "out"),
            "--ahp-groups",
            str(path),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "contradict the upper triangle" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_documented_example_is_the_tested_matrix():
    text = (ROOT / "docs" / "ahp.md").read_text(encoding="utf-8")
    assert GROUPS_UPPER in text
