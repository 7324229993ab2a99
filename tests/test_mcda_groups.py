"""Reciprocal completion and group-wise AHP: hand-computed eigenvectors and Saaty's published CR."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ovop_geo.errors import ParameterError
from ovop_geo.mcda import (
    ahp_weights,
    complete_reciprocal,
    group_ahp_weights,
    load_default_criteria,
)

NAN = np.nan


def test_upper_triangle_is_completed_with_reciprocals():
    given = [[1, 2, 4], [NAN, 1, 2], [None, NAN, NAN]]
    full = complete_reciprocal(given, ["a", "b", "c"])
    np.testing.assert_allclose(full, [[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]])
    # a lower cell alone fills the upper one; agreeing cells (1/3 typed 0.33) are accepted
    full = complete_reciprocal([[1, NAN, 0.33], [3, 1, NAN], [3, 2, 1]])
    np.testing.assert_allclose(full[0, 1], 1 / 3)
    np.testing.assert_allclose(full[1, 2], 1 / 2)
    # a DataFrame names its cells by its index
    frame = pd.DataFrame([[1, 5], [NAN, 1]], index=["x", "y"], columns=["x", "y"])
    np.testing.assert_allclose(complete_reciprocal(frame), [[1, 5], [0.2, 1]])


def test_conflicting_and_missing_cells_are_named():
    with pytest.raises(ParameterError) as err:
        complete_reciprocal([[1, 3, NAN], [2, 1, NAN], [NAN, NAN, 1]], ["a", "b", "c"])
    text = str(err.value)
    assert "contradict the upper triangle: b/a = 2 (the reciprocal of a/b = 3 is 0.333)" in text
    assert "comparisons missing (neither cell of the pair is filled in): a/c, b/c" in text
    assert "bertentangan dengan segitiga atas: b/a = 2" in err.value.text("id")
    with pytest.raises(ParameterError, match=r"positive numbers \(1/9 … 9\): a/b = -3"):
        complete_reciprocal([[1, -3], [NAN, 1]], ["a", "b"])
    with pytest.raises(ParameterError, match=r"diagonal must be 1 .*: b"):
        complete_reciprocal([[1, 3], [NAN, 2]], ["a", "b"])
    with pytest.raises(ParameterError, match="must be square"):
        complete_reciprocal([[1, 2, 3], [1, 2, 3]])


def test_consistent_3x3_has_exact_eigenvector():
    # a_ij = w_i / w_j with w = (4, 2, 1) / 7: A w = 3 w exactly, so λmax = 3, CI = CR = 0.
    full = complete_reciprocal([[1, 2, 4], [NAN, 1, 2], [NAN, NAN, 1]])
    r = ahp_weights(full)
    np.testing.assert_allclose(r.weights, [4 / 7, 2 / 7, 1 / 7])
    assert r.lambda_max == pytest.approx(3.0)
    assert r.cr == pytest.approx(0.0, abs=1e-12)


def test_saaty_house_example_published_cr():
    # Saaty (1990), "How to make a decision: the analytic hierarchy process", European Journal of
    # Operational Research 48: 9-26, the house example (8 criteria: size, transportation,
    # neighbourhood, age, yard space, modern facilities, general condition, financing).
    # Published: priorities .173 .054 .188 .018 .031 .036 .167 .333, λmax 9.669, CI 0.238,
    # CR 0.169 (above 0.10: Saaty accepts it there only for illustration). Upper triangle only.
    upper = [
        [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
        [NAN, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
        [NAN, NAN, 1, 6, 3, 4, 6, 1 / 5],
        [NAN, NAN, NAN, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
        [NAN, NAN, NAN, NAN, 1, 1 / 2, 1 / 5, 1 / 6],
        [NAN, NAN, NAN, NAN, NAN, 1, 1 / 5, 1 / 6],
        [NAN, NAN, NAN, NAN, NAN, NAN, 1, 1 / 2],
        [NAN] * 7 + [1],
    ]
    r = ahp_weights(complete_reciprocal(upper), max_cr=1.0)
    assert [round(w, 3) for w in r.weights] == [
        0.173,
        0.054,
        0.188,
        0.018,
        0.031,
        0.036,
        0.167,
        0.333,
    ]
    assert round(r.lambda_max, 3) == 9.669
    assert round(r.ci, 3) == 0.238
    assert round(r.cr, 3) == 0.169
    with pytest.raises(ParameterError, match=r"AHP, matrix 'groups': .*consistency ratio 0\.169"):
        group_ahp_weights(upper, {f"c{i}": f"g{i}" for i in range(8)})


def test_group_weights_times_within_matrices_or_shares():
    # Groups A : B : C judged 2, 4, 2 (consistent): weights 4/7, 2/7, 1/7.
    # A: a1 vs a2 = 3 → shares 3/4, 1/4.  B: b1 alone.  C: shares 2 : 1 : 1 → .5, .25, .25.
    # a1 = 4/7·3/4 = 3/7, a2 = 1/7, b1 = 2/7, c1 = 1/14, c2 = c3 = 1/28 (sum 1).
    groups = {"a1": "A", "b1": "B", "a2": "A", "c1": "C", "c2": "C", "c3": "C"}
    within = {
        "A": pd.DataFrame([[1, 3], [NAN, 1]], index=["a1", "a2"], columns=["a1", "a2"]),
        "C": {"c1": 2, "c2": 1, "c3": 1},
    }
    r = group_ahp_weights([[1, 2, 4], [NAN, 1, 2], [NAN, NAN, 1]], groups, within=within)
    assert [c for c, _ in r.weights] == list(groups)
    np.testing.assert_allclose(
        [w for _, w in r.weights], [3 / 7, 2 / 7, 1 / 7, 1 / 14, 1 / 28, 1 / 28]
    )
    assert r.groups.labels == ("A", "B", "C")
    assert r.within["B"] is None and r.within["C"] is None
    assert r.within["A"].weights == pytest.approx((0.75, 0.25))
    assert r.consistency == pytest.approx({"groups": 0.0, "A": 0.0})
    assert r.as_weights().as_series().sum() == pytest.approx(1.0)
    assert dict(r.shares["C"]) == {"c1": 0.5, "c2": 0.25, "c3": 0.25}


def test_default_criteria_groups_as_in_the_app_and_the_cli():
    # Group weights chosen as 6 : 3 : 2 : 2 : 1 : 1 over the groups of criteria.csv (in order of
    # first appearance); a consistent matrix a_ij = w_i / w_j, upper triangle only. Each group's
    # weight is split equally: existing_activity (2 criteria) 6/15 / 2 = 0.2 each, raw_material
    # (3) 3/15 / 3 = 1/15 each, location_access (2) 2/15 / 2 = 1/15 each, human_resources (2:
    # households, readiness) 2/15 / 2 = 1/15 each, institutions (2) 1/15 / 2 = 1/30 each,
    # local_wisdom (1) 1/15.
    table = load_default_criteria()
    order = list(dict.fromkeys(table["group"]))
    assert order == [
        "existing_activity",
        "raw_material",
        "location_access",
        "human_resources",
        "institutions",
        "local_wisdom",
    ]
    w = [6, 3, 2, 2, 1, 1]
    upper = [[w[i] / w[j] if j > i else (1 if i == j else NAN) for j in range(6)] for i in range(6)]
    r = group_ahp_weights(upper, table["group"], group_labels=order)
    got = dict(r.weights)
    expected = {
        "businesses": 0.2,
        "lq_businesses": 0.2,
        "raw_material_supply_ratio": 1 / 15,
        "available_land_ha": 1 / 15,
        "share_slope_suitable": 1 / 15,
        "distance_centre_km": 1 / 15,
        "distance_capital_km": 1 / 15,
        "households": 1 / 15,
        "readiness": 1 / 15,
        "managing_body": 1 / 30,
        "government_commitment": 1 / 30,
        "local_wisdom": 1 / 15,
    }
    assert got == pytest.approx(expected)
    # rows in another order give the same weights
    perm = [5, 0, 3, 1, 4, 2]
    full = complete_reciprocal(upper)
    shuffled = full[np.ix_(perm, perm)]
    r2 = group_ahp_weights(shuffled, table["group"], group_labels=[order[i] for i in perm])
    assert dict(r2.weights) == pytest.approx(expected)


def test_group_errors_name_the_matrix_and_the_groups():
    groups = {"a1": "A", "b1": "B"}
    with pytest.raises(
        ParameterError,
        match=r"compares the groups A, X but the criteria belong "
        r"to the groups A, B",
    ):
        group_ahp_weights([[1, 2], [NAN, 1]], groups, group_labels=["A", "X"])
    with pytest.raises(ParameterError, match=r"unknown groups Z\. Known groups: A, B"):
        group_ahp_weights([[1, 2], [NAN, 1]], groups, within={"Z": {"z": 1}})
    with pytest.raises(ParameterError, match=r"group 'A': the comparison names a1, q"):
        group_ahp_weights([[1, 2], [NAN, 1]], groups, within={"A": {"a1": 1, "q": 1}})
    with pytest.raises(ParameterError, match=r"group 'A': shares must be numbers ≥ 0"):
        group_ahp_weights([[1, 2], [NAN, 1]], groups, within={"A": {"a1": 0}})
    with pytest.raises(ParameterError, match=r"AHP matrix:\n- comparisons missing .*: A/B"):
        group_ahp_weights([[1, NAN], [NAN, 1]], groups)
