"""Screen, sort, score: classes by rule, absolute value functions, honest ties and weights.

Values are worked out by hand from the anchors in ``ovop_geo.decision`` and the paper's
Table 3; the properties are checked on random frames drawn by hypothesis.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ovop_geo.decision import (
    ClassRules,
    DecisionParams,
    ValueFunction,
    class_of,
    decide,
    default_value_functions,
)
from ovop_geo.errors import ParameterError
from ovop_geo.pipeline import AnalysisParams, analyse, prepare_region
from ovop_geo.region import load_region

RJ1 = "61.12.07.2002"  # Rasau Jaya I
SETTINGS = settings(max_examples=60, deadline=None)


@pytest.fixture(scope="module")
def prepared():
    return prepare_region(load_region("rasau-jaya"))


@pytest.fixture(scope="module")
def result(prepared):
    return analyse(prepared, AnalysisParams(sensitivity_runs=50))


def _frame(rows: dict[tuple[str, str], dict]) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index = pd.MultiIndex.from_tuples(frame.index, names=["village_code", "product"])
    return frame


# ------------------------------------------------------------------------------ by hand
def test_classes_follow_the_rules_not_the_other_villages():
    assert list(class_of([0, 1, 2, 4, 5, 12])) == [
        None,
        "potential",
        "pre_sentra",
        "pre_sentra",
        "sentra",
        "sentra",
    ]
    assert list(class_of([3, 4], ClassRules(sentra_min_units=4, pre_sentra_min_units=3))) == [
        "pre_sentra",
        "sentra",
    ]
    with pytest.raises(ParameterError, match="pre_sentra_min_units"):
        ClassRules(sentra_min_units=5, pre_sentra_min_units=6)


def test_value_functions_at_and_between_their_anchors():
    vfs = default_value_functions(5)
    # firms: 0 -> 0, 5 (PP 29/2018) -> 0.5, 10 -> 1, capped above
    assert vfs["businesses"]([0, 1, 3, 5, 6, 10, 40]).tolist() == pytest.approx(
        [0, 0.1, 0.3, 0.5, 0.6, 1.0, 1.0]
    )
    # LQ 1 -> 0.5, 2 -> 1; kerupuk in Rasau Jaya I: (6/13)/(16/50) = 1.4423 -> 0.7212
    assert vfs["lq_businesses"]([(6 / 13) / (16 / 50)])[0] == pytest.approx(0.72115, abs=1e-5)
    # distance to the centre: 0 km -> 1, 20 km -> 0 (cost); 5 km -> 0.75
    assert vfs["distance_centre_km"]([0, 5, 20, 30]).tolist() == pytest.approx([1, 0.75, 0, 0])
    assert np.isnan(vfs["households"]([np.nan])[0])
    with pytest.raises(ParameterError, match="rise throughout"):
        ValueFunction("x", ((0, 0), (1, 1), (2, 0.5)), "u", "s")
    with pytest.raises(ParameterError, match="between 0 and 1"):
        ValueFunction("x", ((0, 0), (1, 2)), "u", "s")


def test_score_by_hand_with_an_unknown_value_and_a_constant_criterion():
    crit = _frame(
        {
            ("A", "p"): {
                "businesses": 6,
                "distance_centre_km": 5.0,
                "share_slope_suitable": 1.0,
                "households": np.nan,
            },
            ("B", "p"): {
                "businesses": 1,
                "distance_centre_km": 10.0,
                "share_slope_suitable": 1.0,
                "households": 1250.0,
            },
            ("C", "p"): {
                "businesses": 0,
                "distance_centre_km": 0.0,
                "share_slope_suitable": 1.0,
                "households": 2500.0,
            },
        }
    )
    weights = {"businesses": 2, "distance_centre_km": 1, "share_slope_suitable": 3, "households": 1}
    d = decide(crit, weights)
    # C has no firm: screened out, listed apart, never ranked
    assert list(d.candidates.index) == [("A", "p"), ("B", "p")]
    assert list(d.ideas.index) == [("C", "p")]
    # slope is 1.0 for every candidate: left out, the rest renormalised (2 + 1 + 1 = 4)
    assert "share_slope_suitable" in d.weights_left_out
    assert d.weights_applied.to_dict() == pytest.approx(
        {"businesses": 0.5, "distance_centre_km": 0.25, "households": 0.25}
    )
    a, b = d.candidates.loc[("A", "p")], d.candidates.loc[("B", "p")]
    # A: 100 * (0.5 * 0.6 + 0.25 * 0.75 + 0.25 * unknown=0) = 48.75; upper bound +25
    assert a["score"] == pytest.approx(48.75)
    assert a["score_upper"] == pytest.approx(73.75)
    assert a["share_weight_unknown"] == pytest.approx(0.25)
    # B: 100 * (0.5 * 0.1 + 0.25 * 0.5 + 0.25 * 0.5) = 30
    assert b["score"] == pytest.approx(30.0)
    assert a["sentra_class"] == "sentra" and b["sentra_class"] == "potential"
    assert a[["points_businesses", "points_distance_centre_km", "points_households"]].sum() == (
        pytest.approx(a["score"])
    )


def test_ties_within_the_tolerance_share_the_rank_and_say_so():
    crit = _frame(
        {
            ("A", "p"): {"businesses": 3, "distance_centre_km": 0.0},
            ("B", "p"): {"businesses": 3, "distance_centre_km": 0.3},  # 0.75 points less
            ("C", "p"): {"businesses": 3, "distance_centre_km": 4.0},  # 10 points less
            ("D", "p"): {"businesses": 6, "distance_centre_km": 20.0},  # a sentra: first by class
        }
    )
    weights = {"businesses": 1, "distance_centre_km": 1}
    d = decide(crit, weights, params=DecisionParams(tie_tolerance_points=1.0))
    c = d.candidates
    assert c.loc[("D", "p"), "rank"] == 1 and not c.loc[("D", "p"), "tie"]
    assert c.loc[("A", "p"), "rank"] == 2 and c.loc[("B", "p"), "rank"] == 2
    assert bool(c.loc[("A", "p"), "tie"]) and c.loc[("A", "p"), "tied_with"] == "B"
    assert c.loc[("C", "p"), "rank"] == 4 and not c.loc[("C", "p"), "tie"]
    strict = decide(crit, weights, params=DecisionParams(tie_tolerance_points=0.0)).candidates
    assert strict.loc[("A", "p"), "rank"] == 2 and strict.loc[("B", "p"), "rank"] == 3


def test_a_one_firm_lq_is_not_evidence():
    crit = _frame(
        {
            ("A", "p"): {"businesses": 1, "lq_businesses": 5.0},
            ("B", "p"): {"businesses": 2, "lq_businesses": 1.0},
        }
    )
    d = decide(crit, {"businesses": 1, "lq_businesses": 1})
    assert np.isnan(d.candidates.loc[("A", "p"), "value_lq_businesses"])
    assert d.candidates.loc[("B", "p"), "value_lq_businesses"] == pytest.approx(0.5)


# ------------------------------------------------------------------- bundled Rasau Jaya
def test_no_candidate_without_a_firm_and_one_sentra(result):
    cand = result.candidates
    assert (cand["businesses"] >= 1).all()
    # Table 3 has 29 pairs with at least one firm (54 pairs, 25 printed as "-")
    assert len(cand) == 29
    sentra = cand.index[cand["sentra_class"] == "sentra"].tolist()
    assert sentra == [(RJ1, "kerupuk")]
    # the other classes by Table 3: 2-4 firms pre_sentra, 1 firm potential
    counts = cand["sentra_class"].value_counts().to_dict()
    assert counts == {"potential": 17, "pre_sentra": 11, "sentra": 1}
    assert (
        (cand["score"] >= 0)
        & (cand["score"] <= cand["score_upper"] + 1e-9)
        & (cand["score_upper"] <= 100 + 1e-9)
    ).all()
    assert result.decision.weights_applied.sum() == pytest.approx(1.0)


def test_more_firms_in_rasau_jaya_i_never_score_lower(result):
    c = result.candidates.xs(RJ1, level="village_code")
    # kerupuk (6 firms) and keripik (3) share their raw material (ubi kayu) and every village
    # criterion; they differ in firms and LQ: (6/13)/(16/50) = 1.4423 vs (3/13)/(7/50) = 1.6484.
    w = result.decision.weights_applied
    lq_k, lq_c = (6 / 13) / (16 / 50), (3 / 13) / (7 / 50)
    by_hand = 100 * (
        w["businesses"] * (0.6 - 0.3)
        + w["lq_businesses"] * ((0.5 + (lq_k - 1) / 2) - (0.5 + (lq_c - 1) / 2))
    )
    assert c.loc["kerupuk", "score"] - c.loc["keripik", "score"] == pytest.approx(by_hand)
    assert c.loc["kerupuk", "score"] > c.loc["keripik", "score"] > c.loc["marning", "score"]
    # holding every other criterion fixed, raising the count never lowers the score
    base = result.criteria.loc[[(RJ1, "kerupuk")]]
    scores = []
    for n in range(1, 15):
        frame = base.assign(businesses=float(n), lq_businesses=np.nan)
        scores.append(decide(frame, result.weights).candidates["score"].iloc[0])
    assert all(b >= a for a, b in itertools.pairwise(scores))


def test_pp29_is_met_without_households(prepared):
    """Issue 10: a region without households still knows PP 29/2018; BPS says unknown."""
    villages = prepared.villages.drop(columns="households")
    bare = dataclasses.replace(prepared, villages=villages)
    result = analyse(bare, AnalysisParams(sensitivity_runs=10))
    rules = result.rules
    assert rules.index[rules["meets_pp29_2018"].fillna(False)].tolist() == [(RJ1, "kerupuk")]
    assert rules["meets_pp29_2018"].notna().all()
    assert rules["meets_bps_households"].isna().all()
    assert rules.loc[(RJ1, "kerupuk"), "margin_pp29"] == 1
    assert result.candidates.loc[(RJ1, "kerupuk"), "sentra_class"] == "sentra"


# ------------------------------------------------------------------------- properties
CRITERIA = (
    "businesses",
    "lq_businesses",
    "distance_centre_km",
    "households",
    "raw_material_supply_ratio",
)
_value = st.one_of(st.none(), st.floats(0, 3000, allow_nan=False))


@st.composite
def frames(draw, min_villages=3):
    n = draw(st.integers(min_villages, 6))
    products = draw(st.lists(st.sampled_from(["p", "q", "r"]), min_size=1, max_size=3, unique=True))
    rows = {}
    for i in range(n):
        for p in products:
            row = {"businesses": float(draw(st.integers(0, 12)))}
            for c in CRITERIA[1:]:
                v = draw(_value)
                row[c] = np.nan if v is None else v
            rows[(f"V{i}", p)] = row
    weights = {c: draw(st.floats(0.1, 5)) for c in CRITERIA}
    return _frame(rows), weights


def _orders(cand: pd.DataFrame, a: str, b: str) -> dict[str, float]:
    out = {}
    for p, rows in cand.groupby(level="product"):
        rows = rows.droplevel("product")
        if a in rows.index and b in rows.index:
            ka = (rows.loc[a, "sentra_class"], -rows.loc[a, "score"])
            kb = (rows.loc[b, "sentra_class"], -rows.loc[b, "score"])
            order = {"sentra": 0, "pre_sentra": 1, "potential": 2}
            ka, kb = (order[ka[0]], ka[1]), (order[kb[0]], kb[1])
            out[p] = 0 if np.allclose(ka, kb, atol=1e-9) else (1 if ka < kb else -1)
    return out


@SETTINGS
@given(frames(min_villages=3))
def test_removing_a_village_never_reorders_two_others(data):
    crit, weights = data
    full = decide(crit, weights).candidates
    villages = sorted(set(crit.index.get_level_values(0)))
    a, b, gone = villages[0], villages[1], villages[-1]
    smaller = decide(crit.drop(index=gone, level=0), weights).candidates
    assert _orders(full, a, b) == _orders(smaller, a, b)


@SETTINGS
@given(frames(min_villages=2), st.floats(0, 3000, allow_nan=False), st.floats(0.1, 5))
def test_a_constant_criterion_changes_no_ranking(data, constant, weight):
    crit, weights = data
    before = decide(crit, weights).candidates
    after = decide(
        crit.assign(available_land_ha=constant), {**weights, "available_land_ha": weight}
    ).candidates
    pd.testing.assert_series_equal(before["rank"], after["rank"])
    d = decide(crit.assign(available_land_ha=constant), {**weights, "available_land_ha": weight})
    if len(d.candidates) > 1:
        assert "available_land_ha" in d.weights_left_out


@SETTINGS
@given(frames(min_villages=2))
def test_unknown_criteria_move_no_weight(data):
    crit, weights = data
    d = decide(crit, weights)
    cand = d.candidates
    assert d.weights_applied.sum() == pytest.approx(1.0)
    # every weighted criterion is either applied or left out with a reason
    assert set(d.weights_applied.index) | set(d.weights_left_out) == set(weights)
    # a pair's points on a criterion depend on that criterion alone: never on which other
    # criteria of the pair are unknown (no weight is moved onto the known ones)
    for c in d.weights_applied.index:
        expected = 100 * d.weights_applied[c] * cand[f"value_{c}"].fillna(0.0)
        np.testing.assert_allclose(cand[f"points_{c}"], expected, atol=1e-9)
    np.testing.assert_allclose(
        cand["share_weight_unknown"],
        sum(d.weights_applied[c] * cand[f"value_{c}"].isna() for c in d.weights_applied.index),
        atol=1e-12,
    )
    # an all-unknown criterion is left out and says why
    d2 = decide(crit.assign(local_wisdom=np.nan), {**weights, "local_wisdom": 3.0})
    if len(d2.candidates):
        assert d2.weights_left_out["local_wisdom"] == "unknown for every candidate"
        pd.testing.assert_series_equal(d2.weights_applied, d.weights_applied)


def test_per_firm_readiness_becomes_a_criterion(prepared):
    from ovop_geo.readiness import firm_assessment_template, firm_rubric, readiness_by

    rubric = prepared.region.assessment
    template = firm_assessment_template(rubric)
    dims = [
        c
        for c in template.columns
        if c not in ("firm_id", "village_code", "village_name", "product", "note", "source")
    ]
    top = firm_rubric(rubric).groupby("dimension")["level"].max()
    firms = pd.DataFrame(
        [
            {
                "firm_id": "F1",
                "village_code": RJ1,
                "product": "kerupuk",
                **{d: str(int(top[d])) for d in dims},
            },
            {
                "firm_id": "F2",
                "village_code": RJ1,
                "product": "keripik",
                **dict.fromkeys(dims, "1"),
            },
        ]
    )
    result = analyse(prepared, AnalysisParams(sensitivity_runs=10), firms=firms)
    # default weights 3, 3, 2, 2, 3, 3, 3 (households) and 3 (readiness) of 22 (slope and the
    # three optional criteria are left out): readiness 3/22
    assert result.decision.weights_applied["readiness"] == pytest.approx(3 / 22)
    expected = readiness_by(firms, rubric)["readiness"]
    cand = result.candidates
    assert cand.loc[(RJ1, "kerupuk"), "value_readiness"] == pytest.approx(
        expected[(RJ1, "kerupuk")]
    )
    assert np.isnan(cand.loc[("61.12.07.2003", "kerupuk"), "value_readiness"])  # no firm rows


def test_promethee_ranking_beside_the_value_ranking(result):
    cand = result.candidates
    assert {"promethee_phi_net", "promethee_rank", "promethee_rank_differs"} <= set(cand.columns)
    # class first in both: the kerupuk sentra of Rasau Jaya I is first either way
    assert cand.loc[(RJ1, "kerupuk"), "promethee_rank"] == 1
    for _, rows in cand.groupby(level="product"):
        assert np.isclose(rows["promethee_phi_net"].sum(), 0.0)  # net flows sum to zero
    record = result.robustness_record["promethee"]
    assert record["pairs_ranked_differently"] == int(cand["promethee_rank_differs"].sum())
