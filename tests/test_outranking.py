"""PROMETHEE II: hand-computed flows, a published example, and pymcdm as an independent oracle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ovop_geo.errors import InputDataError, ParameterError
from ovop_geo.outranking import (
    PrometheeParams,
    order_reversals,
    preference_degree,
    promethee_ii,
    rank_differences,
)


def test_preference_degree_is_linear_between_the_thresholds():
    # q = 1, p = 5: 0 up to 1, then (d - 1) / 4, then 1.
    d = np.array([-3.0, 0.0, 1.0, 2.0, 3.0, 5.0, 9.0, np.nan])
    got = preference_degree(d, 1.0, 5.0)
    np.testing.assert_allclose(got, [0, 0, 0, 0.25, 0.5, 1, 1, np.nan])
    # p = q: a step at q (Brans & Vincke type II); p = q = 0 is the usual criterion.
    np.testing.assert_array_equal(preference_degree(np.array([0.5, 1.0, 1.5]), 1.0, 1.0), [0, 0, 1])
    np.testing.assert_array_equal(preference_degree(np.array([-1, 0, 0.1]), 0.0, 0.0), [0, 0, 1])


def _villages() -> pd.DataFrame:
    return pd.DataFrame(
        {"businesses": [6, 2, 1], "distance_centre_km": [4.0, 1.0, 12.0], "note": ["x"] * 3},
        index=pd.Index(["A", "B", "C"], name="village_code"),
    )


def test_hand_computed_flows_with_thresholds_in_natural_units():
    # Weights 3 : 2 → 0.6 firms, 0.4 distance. Firms: benefit, q = 1 firm, p = 5 firms.
    # Distance: cost, q = 2 km, p = 10 km.
    # Firms:    A−B = 4 → (4−1)/4 = 0.75;  A−C = 5 → (5−1)/4 = 1;  B−C = 1 ≤ q → 0.
    # Distance: B over A: 4−1 = 3 → (3−2)/8 = 0.125; A over C: 12−4 = 8 → 6/8 = 0.75;
    #           B over C: 12−1 = 11 > p → 1.
    # π(A,B) = .6·.75 = .45   π(B,A) = .4·.125 = .05
    # π(A,C) = .6·1 + .4·.75 = .9   π(C,A) = 0
    # π(B,C) = .4·1 = .4   π(C,B) = 0
    # φ+(A) = (.45+.9)/2 = .675  φ−(A) = (.05+0)/2 = .025  φ(A) = .65
    # φ+(B) = (.05+.4)/2 = .225  φ−(B) = (.45+0)/2 = .225  φ(B) = 0
    # φ+(C) = 0                  φ−(C) = (.9+.4)/2 = .65   φ(C) = −.65
    out = promethee_ii(
        _villages(),
        {"businesses": 3, "distance_centre_km": 2},
        {"businesses": "benefit", "distance_centre_km": "cost"},
        q={"businesses": 1, "distance_centre_km": 2},
        p={"businesses": 5, "distance_centre_km": 10},
    )
    np.testing.assert_allclose(out["phi_plus"], [0.675, 0.225, 0.0])
    np.testing.assert_allclose(out["phi_minus"], [0.025, 0.225, 0.65])
    np.testing.assert_allclose(out["phi_net"], [0.65, 0.0, -0.65], atol=1e-12)
    assert out["rank"].tolist() == [1, 2, 3]
    assert list(out.index) == ["A", "B", "C"]


def test_published_example_usual_criterion():
    # The example in pymcdm's PROMETHEE_II documentation (usual criterion, p = q = 0):
    # A1 = (4, 3, 2), A2 = (3, 2, 4), A3 = (5, 1, 3), w = (.5, .3, .2), all benefit; net flows
    # published as 0.1, −0.3, 0.2. By hand: π(A1,A2) = .5+.3 = .8, π(A2,A1) = .2,
    # π(A1,A3) = .3, π(A3,A1) = .5+.2 = .7, π(A2,A3) = .3+.2 = .5, π(A3,A2) = .5;
    # φ+ = (.55, .35, .6), φ− = (.45, .65, .4).
    values = pd.DataFrame(
        [[4, 3, 2], [3, 2, 4], [5, 1, 3]], columns=["c1", "c2", "c3"], index=["A1", "A2", "A3"]
    )
    w = {"c1": 0.5, "c2": 0.3, "c3": 0.2}
    out = promethee_ii(values, w, dict.fromkeys(w, "benefit"), q=0.0, p=0.0)
    np.testing.assert_allclose(out["phi_plus"], [0.55, 0.35, 0.6])
    np.testing.assert_allclose(out["phi_minus"], [0.45, 0.65, 0.4])
    np.testing.assert_allclose(out["phi_net"], [0.1, -0.3, 0.2])
    assert out["rank"].tolist() == [2, 3, 1]


@pytest.mark.parametrize("seed", range(5))
def test_flows_match_pymcdm(seed):
    from pymcdm.methods import PROMETHEE_II  # the test extra; an independent oracle

    rng = np.random.default_rng(seed)
    n, m = 7, 4
    x = rng.integers(0, 20, size=(n, m)).astype(float)
    w = rng.uniform(0.1, 1.0, size=m)
    w = w / w.sum()
    types = np.array([1, -1, 1, -1])
    q = rng.uniform(0, 3, size=m)
    p = q + rng.uniform(0.5, 6, size=m)
    oracle = PROMETHEE_II("vshape_2", p=list(p), q=list(q))
    expected_net = oracle(x, w, types, validation=False)  # its dominance warning is moot here
    cols = [f"c{j}" for j in range(m)]
    values = pd.DataFrame(x, columns=cols)
    out = promethee_ii(
        values,
        dict(zip(cols, w, strict=True)),
        {c: "benefit" if t == 1 else "cost" for c, t in zip(cols, types, strict=True)},
        q=dict(zip(cols, q, strict=True)),
        p=dict(zip(cols, p, strict=True)),
    )
    np.testing.assert_allclose(out["phi_net"], expected_net, atol=1e-12)
    assert abs(out["phi_net"].sum()) < 1e-12  # net flows always sum to 0


def test_within_a_product_only_its_villages_are_compared():
    idx = pd.MultiIndex.from_tuples(
        [("A", "kerupuk"), ("B", "kerupuk"), ("C", "kerupuk"), ("A", "dodol"), ("B", "dodol")],
        names=["village_code", "product"],
    )
    values = pd.DataFrame(
        {"businesses": [6, 2, 1, 0, 3], "distance_centre_km": [4.0, 1.0, 12.0, 4.0, 1.0]}, index=idx
    )
    params = PrometheeParams(
        ("businesses", "distance_centre_km"),
        (3.0, 2.0),
        ("benefit", "cost"),
        (1.0, 2.0),
        (5.0, 10.0),
    )
    out = promethee_ii(values, params, within="product")
    # kerupuk: the hand-computed example above.
    np.testing.assert_allclose(out["phi_net"].iloc[:3], [0.65, 0.0, -0.65], atol=1e-12)
    # dodol, two villages (n − 1 = 1): B over A on firms 3 → (3−1)/4 = .5, on distance 3 km →
    # .125; π(B,A) = .6·.5 + .4·.125 = .35, π(A,B) = 0.
    np.testing.assert_allclose(out.loc[("B", "dodol"), ["phi_plus", "phi_minus"]], [0.35, 0.0])
    np.testing.assert_allclose(out.loc[("A", "dodol"), "phi_net"], -0.35)
    assert out["rank"].tolist() == [1, 2, 3, 2, 1]


def test_ties_share_the_best_rank_and_one_alternative_has_zero_flows():
    values = pd.DataFrame({"x": [1.0, 1.0, 0.0]}, index=["a", "b", "c"])
    out = promethee_ii(values, {"x": 1}, {"x": "benefit"}, q=0, p=1)
    assert out["rank"].tolist() == [1, 1, 3]
    single = promethee_ii(values.iloc[:1], {"x": 1}, {"x": "benefit"}, q=0, p=1)
    assert single[["phi_plus", "phi_minus", "phi_net"]].iloc[0].tolist() == [0.0, 0.0, 0.0]
    assert single["rank"].tolist() == [1]


def test_unknown_values_refused_or_neutral_without_moving_weight():
    values = pd.DataFrame({"x": [2.0, 0.0, 1.0], "y": [np.nan, 1.0, 0.0]}, index=["a", "b", "c"])
    args = ({"x": 1, "y": 1}, {"x": "benefit", "y": "benefit"})
    with pytest.raises(InputDataError, match=r"column 'y': unknown values\. Rows: a\."):
        promethee_ii(values, *args, q=0, p=0)
    out = promethee_ii(values, *args, q=0, p=0, unknown="neutral")
    # Usual criterion, w = .5 each. x: a > c > b. y: b > c, a unknown (no preference).
    # π(a,b) = .5, π(a,c) = .5, π(c,b) = .5, π(b,c) = .5 (y), others 0.
    # φ+(a) = (.5+.5)/2 = .5, φ−(a) = 0; φ+(b) = .25, φ−(b) = .5; φ+(c) = .25, φ−(c) = .5.
    np.testing.assert_allclose(out["phi_net"], [0.5, -0.25, -0.25])


def test_parameter_errors_name_every_problem():
    with pytest.raises(ParameterError) as err:
        PrometheeParams(
            ("x", "y", "x"),
            (1.0, -1.0, 1.0),
            ("benefit", "more", "cost"),
            (0.0, 0.0, 0.0),
            (1.0, 1.0, 1.0),
        )
    text = str(err.value)
    assert "criteria named more than once: x" in text
    assert "'cost' (less is better) for: y" in text
    assert "weight must be a finite number ≥ 0 for: y" in text
    assert "arah harus" in err.value.text("id")
    with pytest.raises(ParameterError, match=r"p must not be below .* q: x \(q=3, p=1\)"):
        PrometheeParams(("x",), (1.0,), ("benefit",), (3.0,), (1.0,))
    with pytest.raises(ParameterError, match="at least one weight must be above 0"):
        PrometheeParams(("x",), (0.0,), ("benefit",), (0.0,), (1.0,))
    with pytest.raises(ParameterError, match=r"needs a direction, q and p.*directions: y"):
        promethee_ii(_villages(), {"businesses": 1, "y": 1}, {"businesses": "benefit"}, 0, 1)
    with pytest.raises(ParameterError, match="weights need directions, q and p"):
        promethee_ii(_villages(), {"businesses": 1})
    with pytest.raises(ParameterError, match="unknown='maybe'"):
        promethee_ii(
            _villages(), {"businesses": 1}, {"businesses": "benefit"}, 0, 1, unknown="maybe"
        )
    with pytest.raises(ParameterError, match="no index level 'product'"):
        promethee_ii(
            _villages(), {"businesses": 1}, {"businesses": "benefit"}, 0, 1, within="product"
        )


def test_value_errors_name_column_and_rows():
    bad = _villages().assign(businesses=["6", "lots", "1"], distance_centre_km=[1, np.inf, 2])
    with pytest.raises(InputDataError) as err:
        promethee_ii(
            bad,
            {"businesses": 1, "distance_centre_km": 1},
            {"businesses": "benefit", "distance_centre_km": "cost"},
            0,
            1,
        )
    assert err.value.problems[0].startswith(
        "column 'businesses': values that are not numbers. Rows: B."
    )
    assert "column 'distance_centre_km': infinite values. Rows: B." in str(err.value)
    assert "2 masalah" in err.value.text("id")
    with pytest.raises(InputDataError, match=r"criterion columns missing: households"):
        promethee_ii(_villages(), {"households": 1}, {"households": "benefit"}, 0, 1)


def test_rank_differences_and_order_reversals():
    value = pd.Series([1, 2, 3, 4], index=["A", "B", "C", "D"], name="rank")
    outrank = pd.DataFrame({"rank": [1, 3, 2, 4]}, index=["A", "B", "C", "D"])
    diff = rank_differences(value, outrank, names=("value", "promethee"))
    assert list(diff.index) == ["B", "C"]
    assert diff["rank_change"].tolist() == [1, -1]
    assert rank_differences(value, value.copy(), names=("x", "y")).empty
    rev = order_reversals(value, outrank, names=("value", "promethee"))
    assert rev[["first", "second"]].values.tolist() == [["B", "C"]]
    assert rev.iloc[0][["rank_value_first", "rank_promethee_first"]].tolist() == [2, 3]
    # a tie in one ranking is not a reversal; a village ranked by one only is a difference
    tied = pd.Series([1, 2, 2, 4], index=["A", "B", "C", "D"])
    assert order_reversals(value, tied).empty
    partial = rank_differences(value, value.drop("D"))
    assert list(partial.index) == ["D"] and np.isnan(partial["rank_change"].iloc[0])
    with pytest.raises(ParameterError, match="different names"):
        rank_differences(value, value, names=("x", "x"))
    with pytest.raises(InputDataError, match="no 'rank' column"):
        rank_differences(value, outrank.rename(columns={"rank": "r"}))


def test_order_reversals_within_a_product():
    idx = pd.MultiIndex.from_tuples(
        [("A", "k"), ("B", "k"), ("A", "d"), ("B", "d")], names=["village_code", "product"]
    )
    a = pd.Series([1, 2, 1, 2], index=idx)
    b = pd.Series([2, 1, 1, 2], index=idx)
    rev = order_reversals(a, b, within="product")
    assert rev[["first", "second"]].values.tolist() == [[("A", "k"), ("B", "k")]]


_tables = st.integers(2, 6).flatmap(
    lambda n: st.lists(
        st.tuples(st.integers(0, 12), st.floats(0, 40, allow_nan=False)), min_size=n, max_size=n
    )
)


@settings(max_examples=60, deadline=None)
@given(rows=_tables, w=st.floats(0.1, 5), extra=st.floats(0.1, 5))
def test_a_constant_criterion_changes_no_ranking(rows, w, extra):
    # A criterion equal for every alternative gives no preference either way: it only scales the
    # flows by the share of weight the other criteria keep, so the order stays the same.
    values = pd.DataFrame(rows, columns=["businesses", "distance_centre_km"])
    base_w = {"businesses": w, "distance_centre_km": 1.0}
    dirs = {"businesses": "benefit", "distance_centre_km": "cost"}
    q, p = {"businesses": 1, "distance_centre_km": 2}, {"businesses": 5, "distance_centre_km": 10}
    base = promethee_ii(values, base_w, dirs, q, p)
    more = promethee_ii(
        values.assign(share_slope_suitable=1.0),
        {**base_w, "share_slope_suitable": extra},
        {**dirs, "share_slope_suitable": "benefit"},
        {**q, "share_slope_suitable": 0},
        {**p, "share_slope_suitable": 0.5},
    )
    assert more["rank"].tolist() == base["rank"].tolist()
    kept = (w + 1.0) / (w + 1.0 + extra)
    np.testing.assert_allclose(more["phi_net"], kept * base["phi_net"], atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(rows=_tables, scale=st.floats(0.01, 100))
def test_thresholds_in_natural_units_follow_the_unit(rows, scale):
    # Distances in km with thresholds in km give the flows of distances in m with thresholds in m.
    values = pd.DataFrame(rows, columns=["businesses", "distance_centre_km"])
    dirs = {"businesses": "benefit", "distance_centre_km": "cost"}
    w = {"businesses": 1, "distance_centre_km": 1}
    a = promethee_ii(
        values,
        w,
        dirs,
        {"businesses": 1, "distance_centre_km": 2},
        {"businesses": 5, "distance_centre_km": 10},
    )
    b = promethee_ii(
        values.assign(distance_centre_km=values["distance_centre_km"] * scale),
        w,
        dirs,
        {"businesses": 1, "distance_centre_km": 2 * scale},
        {"businesses": 5, "distance_centre_km": 10 * scale},
    )
    np.testing.assert_allclose(a["phi_net"], b["phi_net"], atol=1e-9)


def test_numpy_numbers_are_valid_parameters():
    params = PrometheeParams(("x",), (np.int64(2),), ("benefit",), (np.float32(0),), (np.int8(1),))
    assert params.weight_series()["x"] == 1.0
    with pytest.raises(ParameterError, match="weight must be a finite number"):
        PrometheeParams(("x",), (True,), ("benefit",), (0.0,), (1.0,))
