"""Tests of ovop_geo.mcda: normalisation and scores by hand, AHP against independent checks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ovop_geo.errors import InputDataError, ParameterError
from ovop_geo.mcda import (
    DIRECTIONS,
    OPTIONAL_CRITERIA,
    Weights,
    ahp_weights,
    default_weights,
    load_default_criteria,
    normalise_criteria,
    score,
)


def _criteria(rows: list[tuple]) -> pd.DataFrame:
    """rows: (village_code, product, businesses, distance_centre_km, managing_body)."""
    frame = pd.DataFrame(
        rows,
        columns=["village_code", "product", "businesses", "distance_centre_km", "managing_body"],
    )
    return frame.set_index(["village_code", "product"])


THREE = _criteria(
    [
        ("A", "p", 2, 10.0, np.nan),
        ("B", "p", 4, 20.0, 1),
        ("C", "p", 6, 30.0, 0),
        ("A", "q", 1, 10.0, np.nan),
        ("B", "q", 1, 20.0, 1),
        ("C", "q", 1, 30.0, 0),
    ]
)
W3 = Weights.from_mapping({"businesses": 1, "distance_centre_km": 1, "managing_body": 1})


# ---------------------------------------------------------------- normalisation
def test_min_max_with_direction_within_product():
    n = normalise_criteria(THREE, ["businesses", "distance_centre_km"])
    # businesses p: 2, 4, 6 → 0, 0.5, 1 (benefit); distance 10, 20, 30 km → 1, 0.5, 0 (cost)
    assert n.loc[("A", "p")].tolist() == [0.0, 1.0]
    assert n.loc[("B", "p")].tolist() == [0.5, 0.5]
    assert n.loc[("C", "p")].tolist() == [1.0, 0.0]
    # businesses q: all 1 → every village gets all_equal (1 by default, 0.5 on request)
    assert n.xs("q", level="product")["businesses"].tolist() == [1.0, 1.0, 1.0]
    half = normalise_criteria(THREE, ["businesses"], all_equal=0.5)
    assert half.xs("q", level="product")["businesses"].tolist() == [0.5, 0.5, 0.5]


def test_supply_ratio_is_capped_before_normalising():
    crit = pd.DataFrame(
        {"raw_material_supply_ratio": [0.5, 2.0, 10.0]},
        index=pd.MultiIndex.from_tuples([("A", "p"), ("B", "p"), ("C", "p")]),
    )
    # capped at 2: 0.5, 2, 2 → 0, 1, 1; uncapped: 0, 1.5/9.5, 1
    assert normalise_criteria(crit)["raw_material_supply_ratio"].tolist() == [0.0, 1.0, 1.0]
    uncapped = normalise_criteria(crit, supply_ratio_cap=None)["raw_material_supply_ratio"]
    assert uncapped.tolist() == pytest.approx([0.0, 1.5 / 9.5, 1.0])


def test_unknown_criterion_drops_its_weight_and_renormalises():
    s = score(THREE, W3)
    # A,p: businesses 0, distance 1, managing body unknown → 100 · (0 + 1) / 2 = 50
    # B,p: 0.5, 0.5, managing body 1 → 100 · 2 / 3 = 66.67; C,p: 1, 0, 0 → 33.33
    assert s.loc[("A", "p"), "score"] == pytest.approx(50.0)
    assert s.loc[("B", "p"), "score"] == pytest.approx(200 / 3)
    assert s.loc[("C", "p"), "score"] == pytest.approx(100 / 3)
    assert s.loc[("A", "p"), "criteria_known"] == 2
    assert s.loc[("A", "p"), "share_weight_known"] == pytest.approx(2 / 3)
    assert s.loc[("B", "p"), "share_weight_known"] == pytest.approx(1.0)
    assert s.xs("p", level="product")["rank"].tolist() == [2, 1, 3]


def test_ties_share_the_best_rank():
    # scored on businesses only: in q every village has 1 unit, so all get 1 → 100 and rank 1
    s = score(THREE, Weights.from_mapping({"businesses": 1}))
    assert s.xs("q", level="product")["rank"].tolist() == [1, 1, 1]
    assert s.xs("q", level="product")["score"].tolist() == [100, 100, 100]


def test_missing_optional_column_is_unknown_and_missing_core_column_is_an_error():
    crit = THREE.drop(columns="managing_body")
    s = score(crit, W3)
    assert (s["criteria_known"] == 2).all()
    with pytest.raises(InputDataError, match=r"columns missing: households. Compute them"):
        score(crit, {"businesses": 1, "households": 1})


def test_yes_no_words_and_bad_words():
    crit = THREE.copy()
    crit["managing_body"] = ["unknown", "ya", "tidak", "", "yes", "no"]
    n = normalise_criteria(crit, ["managing_body"])["managing_body"]
    assert np.isnan(n.iloc[0])
    assert n.iloc[1:3].tolist() == [1.0, 0.0]
    crit["managing_body"] = ["maybe", "ya", "tidak", "", "yes", "no"]
    with pytest.raises(InputDataError, match=r"column 'managing_body': 1 values are neither"):
        normalise_criteria(crit, ["managing_body"])


def test_input_not_modified_and_index_checked():
    before = THREE.copy()
    score(THREE, W3, keep_normalised=True)
    pd.testing.assert_frame_equal(THREE, before)
    with pytest.raises(InputDataError, match=r"indexed by \(village_code, product\)"):
        score(THREE.reset_index(), W3)


def test_weights_validation():
    with pytest.raises(ParameterError, match=r"weights must be finite and ≥ 0: businesses"):
        Weights.from_mapping({"businesses": -1, "households": 1})
    with pytest.raises(ParameterError, match="every weight must be a number"):
        Weights.from_mapping({"businesses": "high"})
    with pytest.raises(ParameterError, match="at least one weight must be above 0"):
        Weights.from_mapping({"businesses": 0})
    with pytest.raises(ParameterError, match=r"criteria without a direction: soil_ph"):
        score(THREE.assign(soil_ph=6.0), {"soil_ph": 1})
    s = score(THREE.assign(soil_ph=6.0), {"soil_ph": 1}, directions={"soil_ph": "benefit"})
    assert (s["score"] == 100).all()


def test_default_criteria_table():
    table = load_default_criteria()
    assert set(table.index) == set(DIRECTIONS)
    assert table["direction"].to_dict() == dict(DIRECTIONS)
    assert (table["weight"] > 0).all()
    assert table["source"].str.contains("assumption").all()
    assert set(OPTIONAL_CRITERIA) <= set(table.index)
    w = default_weights().as_series()
    assert w.sum() == pytest.approx(1.0)
    # six groups with equal weight: each group carries 1/6
    groups = table["group"].reindex(w.index)
    np.testing.assert_allclose(w.groupby(groups).sum().to_numpy(), 1 / 6)


# ---------------------------------------------------------------- AHP
def test_ahp_saaty_3x3():
    # Independent check: for n = 3 the geometric means of the rows give the principal
    # eigenvector exactly. Row products 15, 1, 1/15 → cube roots 2.4662, 1, 0.4055, sum 3.8717
    # → 0.637, 0.258, 0.105. λmax = mean of (A w)_i / w_i: (A w)_1 = 0.637 + 3·0.2583 + 5·0.1047
    # = 1.9355 → 3.0385; CI = 0.0193; CR = 0.0193 / 0.58 = 0.033.
    a = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]
    r = ahp_weights(a, ["x", "y", "z"])
    geo = [15 ** (1 / 3), 1.0, (1 / 15) ** (1 / 3)]
    np.testing.assert_allclose(r.weights, [g / sum(geo) for g in geo], atol=1e-9)
    assert [round(w, 3) for w in r.weights] == [0.637, 0.258, 0.105]
    assert round(r.lambda_max, 3) == 3.039
    assert round(r.cr, 3) == 0.033
    assert r.as_weights().as_series()["x"] == pytest.approx(0.637, abs=5e-4)


def _power_iteration(a: list[list[float]], steps: int = 500) -> tuple[list[float], float]:
    """Plain-Python principal eigenvector, independent of numpy.linalg."""
    n = len(a)
    w = [1.0] * n
    for _ in range(steps):
        v = [sum(a[i][j] * w[j] for j in range(n)) for i in range(n)]
        w = [x / sum(v) for x in v]
    aw = [sum(a[i][j] * w[j] for j in range(n)) for i in range(n)]
    return w, sum(aw[i] / w[i] for i in range(n)) / n


def test_ahp_4x4_against_power_iteration_and_geometric_mean():
    a = [[1, 2, 3, 5], [1 / 2, 1, 2, 3], [1 / 3, 1 / 2, 1, 2], [1 / 5, 1 / 3, 1 / 2, 1]]
    w_ref, lam_ref = _power_iteration(a)
    r = ahp_weights(a)
    # values from the power iteration: 0.483, 0.272, 0.157, 0.088; λmax 4.015, CR 0.005
    assert [round(w, 3) for w in r.weights] == [0.483, 0.272, 0.157, 0.088]
    np.testing.assert_allclose(r.weights, w_ref, atol=1e-9)
    assert r.lambda_max == pytest.approx(lam_ref)
    assert round(r.cr, 3) == round((lam_ref - 4) / 3 / 0.90, 3) == 0.005
    # the geometric-mean approximation agrees to about three decimals on a near-consistent matrix
    geo = [math.prod(row) ** 0.25 for row in a]
    np.testing.assert_allclose(r.weights, [g / sum(geo) for g in geo], atol=1e-3)


def test_ahp_consistent_matrix_recovers_weights():
    w = [0.4, 0.3, 0.2, 0.1]
    a = [[wi / wj for wj in w] for wi in w]
    r = ahp_weights(a)
    np.testing.assert_allclose(r.weights, w)
    assert r.lambda_max == pytest.approx(4.0)
    assert r.cr == pytest.approx(0.0, abs=1e-9)


def test_ahp_small_matrices_have_zero_cr():
    assert ahp_weights([[1]]).weights == (1.0,)
    r = ahp_weights([[1, 3], [1 / 3, 1]])
    assert r.cr == 0.0
    np.testing.assert_allclose(r.weights, [0.75, 0.25])


def test_ahp_rejects_inconsistent_matrix_naming_comparisons():
    a = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    with pytest.raises(
        ParameterError, match=r"consistency ratio .* above 0.10. Revisit .*a vs b: judged 9"
    ):
        ahp_weights(a, ["a", "b", "c"])


def test_ahp_rejects_malformed_matrices():
    with pytest.raises(ParameterError, match=r"not reciprocal: a–b \(3 vs 3\)"):
        ahp_weights([[1, 3], [3, 1]], ["a", "b"])
    with pytest.raises(ParameterError, match="positive number"):
        ahp_weights([[1, -3], [-1 / 3, 1]])
    with pytest.raises(ParameterError, match="must be square"):
        ahp_weights([[1, 2, 3], [1, 2, 3]])
    with pytest.raises(ParameterError, match="tabulated for up to 10"):
        ahp_weights(np.ones((11, 11)))
    # 1/3 typed as 0.33 is accepted as reciprocal
    ahp_weights([[1, 3], [0.33, 1]])


# ---------------------------------------------------------------- properties
_values = st.lists(st.floats(0, 100, allow_nan=False), min_size=3, max_size=6)


def _frame(businesses, distance, households):
    n = min(len(businesses), len(distance), len(households))
    idx = pd.MultiIndex.from_tuples([(f"V{i}", "p") for i in range(n)])
    return pd.DataFrame(
        {
            "businesses": businesses[:n],
            "distance_centre_km": distance[:n],
            "households": households[:n],
        },
        index=idx,
    )


W_PROP = Weights.from_mapping({"businesses": 2, "distance_centre_km": 1, "households": 1})


@settings(max_examples=50, deadline=None)
@given(_values, _values, _values)
def test_scores_within_0_100(b, d, h):
    s = score(_frame(b, d, h), W_PROP)["score"]
    assert ((s >= 0) & (s <= 100 + 1e-9)).all()


@settings(max_examples=50, deadline=None)
@given(_values, _values, _values, st.integers(0, 5), st.floats(0.01, 50))
def test_improving_a_benefit_criterion_never_lowers_the_score(b, d, h, who, bump):
    frame = _frame(b, d, h)
    who = who % len(frame)
    before = score(frame, W_PROP)["score"].iloc[who]
    better = frame.copy()
    better.iloc[who, 0] += bump  # more businesses
    after = score(better, W_PROP)["score"].iloc[who]
    assert after >= before - 1e-9


@settings(max_examples=60, deadline=None)
@given(_values, _values, _values, st.randoms(use_true_random=False))
def test_reordering_villages_changes_only_the_order(b, d, h, rnd):
    frame = _frame(b, d, h)
    order = list(range(len(frame)))
    rnd.shuffle(order)
    base = score(frame, W_PROP)
    shuffled = score(frame.iloc[order], W_PROP)
    pd.testing.assert_frame_equal(shuffled.loc[base.index], base)
