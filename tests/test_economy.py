"""Tests of ovop_geo.economy: every expected value is worked out by hand in the comments."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ovop_geo.economy import (
    DLQ_LABELS,
    QuadrantLabels,
    dynamic_lq,
    klassen_typology,
    location_quotient,
    shift_share,
    specialisation,
)
from ovop_geo.errors import InputDataError, ParameterError

PAPER = Path(__file__).resolve().parent.parent / "data" / "paper"


def _matrix(rows: dict[str, list[float]], products=("p", "q")) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(products))
    frame.index.name = "village_code"
    return frame


@pytest.fixture
def table3() -> pd.DataFrame:
    tidy = pd.read_csv(PAPER / "table3_businesses.csv")
    return tidy.pivot(index="village_name", columns="product", values="businesses")


# ---------------------------------------------------------------- location quotient
def test_lq_kerupuk_rasau_jaya_i_from_table3(table3):
    lq = location_quotient(table3)
    # Rasau Jaya I: 6 of its 13 businesses make kerupuk; the region: 16 of 50.
    assert lq.loc["Rasau Jaya I", "kerupuk"] == pytest.approx((6 / 13) / (16 / 50))
    assert round(lq.loc["Rasau Jaya I", "kerupuk"], 3) == 1.442
    # torratello: only Rasau Jaya Umum (2 of 14) against 2 of 50 in the region → 3.571
    assert lq.loc["Rasau Jaya Umum", "torratello"] == pytest.approx((2 / 14) / (2 / 50))
    assert lq.loc["Rasau Jaya II", "torratello"] == 0


def test_lq_hand_worked_2x2():
    # A: p=2, q=2 (total 4); B: p=0, q=4 (total 4); products p=2, q=6; X=8
    # LQ_Ap = (2/4)/(2/8) = 2; LQ_Aq = (2/4)/(6/8) = 2/3; LQ_Bp = 0; LQ_Bq = (4/4)/(6/8) = 4/3
    lq = location_quotient(_matrix({"A": [2, 2], "B": [0, 4]}))
    expected = np.array([[2.0, 2 / 3], [0.0, 4 / 3]])
    np.testing.assert_allclose(lq.to_numpy(), expected)
    assert lq.index.name == "village_code"


def test_lq_zero_village_and_zero_product_are_nan():
    x = _matrix({"A": [3, 0, 1], "B": [0, 0, 0], "C": [1, 0, 1]}, products=("p", "q", "r"))
    lq = location_quotient(x)
    assert lq.loc["B"].isna().all()  # zero village total: no shares
    assert lq["q"].isna().all()  # zero product total: no reference share
    # elsewhere defined: A,p = (3/4)/(4/6) = 1.125
    assert lq.loc["A", "p"] == pytest.approx(1.125)
    assert lq.drop(index="B").drop(columns="q").notna().all().all()


def test_lq_does_not_modify_input():
    x = _matrix({"A": [2, 2], "B": [0, 4]})
    before = x.copy()
    location_quotient(x)
    pd.testing.assert_frame_equal(x, before)


def test_lq_rejects_negative_values():
    with pytest.raises(InputDataError, match=r"column 'q': 1 values are negative. Villages: B"):
        location_quotient(_matrix({"A": [2, 2], "B": [0, -4]}))


def test_lq_rejects_missing_values():
    x = _matrix({"A": [2, np.nan], "B": [0, 4]})
    with pytest.raises(InputDataError, match=r"column 'q'.*missing or not numbers. Villages: A"):
        location_quotient(x)


def test_lq_rejects_duplicate_villages():
    x = pd.DataFrame({"p": [1, 2], "q": [3, 4]}, index=["A", "A"])
    with pytest.raises(InputDataError, match=r"village codes occur more than once: A"):
        location_quotient(x)


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        dtype=np.int64,
        shape=st.tuples(st.integers(1, 6), st.integers(1, 5)),
        elements=st.integers(0, 50),
    )
)
def test_lq_weighted_by_village_share_sums_to_one(arr):
    # Σ_j (X_j / X) · LQ_ij = Σ_j x_ij / X_i = 1 for every product with a non-zero total.
    x = pd.DataFrame(arr, index=[f"V{i}" for i in range(arr.shape[0])])
    x.columns = [f"P{j}" for j in range(arr.shape[1])]
    lq = location_quotient(x)
    weight = x.sum(axis=1) / max(x.to_numpy().sum(), 1)
    total = lq.mul(weight, axis=0).fillna(0).sum(axis=0)
    nonzero = x.sum(axis=0) > 0
    np.testing.assert_allclose(total[nonzero].to_numpy(), 1.0)


# ---------------------------------------------------------------- specialisation
def test_specialisation_hand_worked():
    # A: p=2, q=2 → leading p (tie with q, first column), share 0.5, HHI 0.25 + 0.25 = 0.5
    # B: p=0, q=4 → leading q, share 1, HHI 1; C: nothing → NaN
    s = specialisation(_matrix({"A": [2, 2], "B": [0, 4], "C": [0, 0]}))
    assert s.loc["A", "leading_product"] == "p"
    assert bool(s.loc["A", "leading_tied"])
    assert s.loc["A", "share_leading"] == pytest.approx(0.5)
    assert s.loc["A", "herfindahl"] == pytest.approx(0.5)
    assert s.loc["B", "leading_product"] == "q"
    assert not bool(s.loc["B", "leading_tied"])
    assert s.loc["B", "herfindahl"] == pytest.approx(1.0)
    assert s.loc["C", "leading_product"] is None
    assert np.isnan(s.loc["C", "share_leading"])


def test_specialisation_table3(table3):
    s = specialisation(table3)
    # Rasau Jaya I: kerupuk 6 of 13
    assert s.loc["Rasau Jaya I", "leading_product"] == "kerupuk"
    assert s.loc["Rasau Jaya I", "share_leading"] == pytest.approx(6 / 13)


# ---------------------------------------------------------------- dynamic LQ
X0_A = _matrix({"A": [10, 10], "B": [10, 10]})
X1_A = _matrix({"A": [20, 10], "B": [10, 10]})
X0_B = _matrix({"A": [2, 8], "B": [8, 2]})
X1_B = _matrix({"A": [4, 8], "B": [8, 2]})


def test_dynamic_lq_hand_worked_unggulan_tertinggal():
    # growth factors: A,p 20/10 = 2; village A 30/20 = 1.5; product p 30/20 = 1.5; region 50/40
    # = 1.25. DLQ_Ap = (2 / 1.5) / (1.5 / 1.25) = 1.1111; LQ_end Ap = (20/30)/(30/50) = 1.1111
    # DLQ_Bq = (1 / 1) / (1 / 1.25) = 1.25; LQ_end Bq = (10/20)/(20/50) = 1.25
    # DLQ_Aq = (1 / 1.5) / (1 / 1.25) = 0.8333; DLQ_Bp = (1 / 1) / (1.5 / 1.25) = 0.8333
    d = dynamic_lq(X0_A, X1_A, years=2)
    assert d.loc[("A", "p"), "dlq"] == pytest.approx(10 / 9)
    assert d.loc[("A", "p"), "lq_end"] == pytest.approx(10 / 9)
    assert d.loc[("B", "q"), "dlq"] == pytest.approx(1.25)
    assert d.loc[("A", "q"), "dlq"] == pytest.approx(5 / 6)
    assert d.loc[("A", "p"), "class"] == "unggulan"
    assert d.loc[("B", "q"), "class"] == "unggulan"
    assert d.loc[("A", "q"), "class"] == "tertinggal"
    assert d.loc[("B", "p"), "class"] == "tertinggal"
    # compound annual growth of A,p over 2 years: sqrt(2) − 1 = 41.42 %/yr
    assert d.loc[("A", "p"), "growth_village_product_pct_yr"] == pytest.approx(41.4213562)
    assert d.loc[("A", "p"), "growth_region_pct_yr"] == pytest.approx(100 * (1.25**0.5 - 1))


def test_dynamic_lq_hand_worked_andalan_prospektif():
    # A,p: 2 → 4 (×2); village A 10 → 12 (×1.2); product p 10 → 12 (×1.2); region 20 → 22 (×1.1)
    # DLQ_Ap = (2/1.2)/(1.2/1.1) = 1.5278; LQ_end Ap = (4/12)/(12/22) = 0.6111 → andalan
    # A,q: DLQ = (1/1.2)/(1/1.1) = 0.9167; LQ_end = (8/12)/(10/22) = 1.4667 → prospektif
    # B,p: DLQ = (1/1)/(1.2/1.1) = 0.9167; LQ_end = (8/10)/(12/22) = 1.4667 → prospektif
    # B,q: DLQ = (1/1)/(1/1.1) = 1.1; LQ_end = (2/10)/(10/22) = 0.44 → andalan
    d = dynamic_lq(X0_B, X1_B, years=3)
    assert d.loc[("A", "p"), "dlq"] == pytest.approx((2 / 1.2) / (1.2 / 1.1))
    assert d.loc[("A", "p"), "lq_end"] == pytest.approx((4 / 12) / (12 / 22))
    assert d["class"].to_dict() == {
        ("A", "p"): "andalan",
        ("A", "q"): "prospektif",
        ("B", "p"): "prospektif",
        ("B", "q"): "andalan",
    }


def test_dynamic_lq_compound_is_independent_of_years_simple_is_not():
    one = dynamic_lq(X0_A, X1_A, years=1)["dlq"]
    five = dynamic_lq(X0_A, X1_A, years=5)["dlq"]
    pd.testing.assert_series_equal(one, five)
    # simple rates over 2 years: g_Ap = (2−1)/2 = 0.5, g_A = 0.25, G_p = 0.25, G = 0.125
    # DLQ = (1.5/1.25)^2 / (1.25/1.125)^2 = 1.44 / 1.2345679 = 1.1664
    simple = dynamic_lq(X0_A, X1_A, years=2, growth="simple")
    assert simple.loc[("A", "p"), "dlq"] == pytest.approx(1.1664)


def test_dynamic_lq_labels_configurable_and_unclassified():
    labels = QuadrantLabels("base+growing", "growing", "base", "lagging", unclassified="n/a")
    x0 = _matrix({"A": [10, 0], "B": [10, 10]})
    x1 = _matrix({"A": [20, 5], "B": [10, 10]})
    d = dynamic_lq(x0, x1, years=1, labels=labels)
    assert d.loc[("A", "q"), "class"] == "n/a"  # no start value: no growth rate
    assert set(d["class"]) <= {"base+growing", "growing", "base", "lagging", "n/a"}
    assert DLQ_LABELS.high_low == "prospektif"


def test_dynamic_lq_rejects_mismatched_periods_and_bad_years():
    x1 = _matrix({"A": [1, 1], "C": [1, 1]})
    with pytest.raises(InputDataError, match=r"different villages: only in the start period: B"):
        dynamic_lq(X0_A, x1, years=1)
    with pytest.raises(InputDataError, match=r"different products: only in the start period: q"):
        dynamic_lq(X0_A, X1_A[["p"]], years=1)
    with pytest.raises(ParameterError, match="years must be a positive number"):
        dynamic_lq(X0_A, X1_A, years=0)


# ---------------------------------------------------------------- shift-share
def test_shift_share_hand_worked():
    # r = 50/40 − 1 = 0.25; r_p = 30/20 − 1 = 0.5; r_q = 0
    # A,p: N = 10·0.25 = 2.5, M = 10·(0.5 − 0.25) = 2.5, C = 10·(1 − 0.5) = 5, D = 10
    # A,q: N = 2.5, M = 10·(0 − 0.25) = −2.5, C = 0, D = 0
    # B,p: N = 2.5, M = 2.5, C = 10·(0 − 0.5) = −5, D = 0
    s = shift_share(X0_A, X1_A)
    assert s.loc[("A", "p"), ["n_regional", "m_mix", "c_competitive", "change"]].tolist() == (
        pytest.approx([2.5, 2.5, 5.0, 10.0])
    )
    assert s.loc[("A", "q"), ["n_regional", "m_mix", "c_competitive"]].tolist() == pytest.approx(
        [2.5, -2.5, 0.0]
    )
    assert s.loc[("B", "p"), ["n_regional", "m_mix", "c_competitive"]].tolist() == pytest.approx(
        [2.5, 2.5, -5.0]
    )


def test_shift_share_zero_start_books_change_as_competitiveness():
    x0 = _matrix({"A": [10, 0], "B": [10, 10]})
    x1 = _matrix({"A": [10, 3], "B": [10, 10]})
    s = shift_share(x0, x1)
    assert s.loc[("A", "q"), ["n_regional", "m_mix", "c_competitive"]].tolist() == [0, 0, 3]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda v: st.integers(1, 4).flatmap(
            lambda p: st.tuples(
                hnp.arrays(np.int64, (v, p), elements=st.integers(0, 40)),
                hnp.arrays(np.int64, (v, p), elements=st.integers(0, 40)),
            )
        )
    )
)
def test_shift_share_components_add_up(pair):
    a, b = pair
    idx = [f"V{i}" for i in range(a.shape[0])]
    cols = [f"P{j}" for j in range(a.shape[1])]
    s = shift_share(pd.DataFrame(a, idx, cols), pd.DataFrame(b, idx, cols))
    np.testing.assert_allclose(
        s["n_regional"] + s["m_mix"] + s["c_competitive"], s["end"] - s["start"], atol=1e-9
    )
    # where the start is positive C is the textbook E0 · (r_ij − r_i)
    pos = s["start"] > 0
    if pos.any():
        r_i = pd.DataFrame(b, idx, cols).sum() / pd.DataFrame(a, idx, cols).sum() - 1
        prod = s.index.get_level_values("product")
        r_ij = s["end"] / s["start"] - 1
        expected = s["start"] * (r_ij - r_i.reindex(prod).to_numpy())
        np.testing.assert_allclose(s.loc[pos, "c_competitive"], expected[pos], atol=1e-9)


# ---------------------------------------------------------------- Klassen
def test_klassen_hand_worked():
    # X0_A → X1_A: A,p share 20/30 = 0.667 > 30/50 = 0.6 and growth ×2 > ×1.5 → high-high
    k = klassen_typology(X0_A, X1_A, years=1)
    assert k.loc[("A", "p"), "share_village"] == pytest.approx(2 / 3)
    assert k.loc[("A", "p"), "share_region"] == pytest.approx(0.6)
    assert k.loc[("A", "p"), "class"] == "maju dan tumbuh pesat"
    # X0_B → X1_B: A,p share 4/12 < 12/22, growth ×2 > ×1.2 → low-high
    # A,q: share 8/12 > 10/22, growth ×1 = ×1 (not above) → high-low
    # B,q: share 2/10 < 10/22, growth ×1 = ×1 → low-low
    k = klassen_typology(X0_B, X1_B, years=1)
    assert k.loc[("A", "p"), "class"] == "berkembang cepat"
    assert k.loc[("A", "q"), "class"] == "maju tapi tertekan"
    assert k.loc[("B", "p"), "class"] == "maju tapi tertekan"
    assert k.loc[("B", "q"), "class"] == "relatif tertinggal"
    custom = QuadrantLabels("I", "III", "II", "IV")
    assert klassen_typology(X0_B, X1_B, years=1, labels=custom).loc[("A", "p"), "class"] == "III"
