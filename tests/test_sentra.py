"""Tests of ovop_geo.sentra on the paper's Table 3 and on tiny hand-checked tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ovop_geo.errors import InputDataError, ParameterError
from ovop_geo.sentra import HOUSEHOLD_NOTE, SentraRules, apply_sentra_rules, sentra_pairs

ROOT = Path(__file__).resolve().parent.parent
PAPER = ROOT / "data" / "paper"
CODES = {
    "Rasau Jaya I": "61.12.07.2002",
    "Rasau Jaya II": "61.12.07.2003",
    "Rasau Jaya III": "61.12.07.2004",
    "Rasau Jaya Umum": "61.12.07.2001",
    "Bintang Mas": "61.12.07.2005",
    "Pematang Tujuh": "61.12.07.2006",
}


@pytest.fixture
def paper_inputs() -> tuple[pd.DataFrame, pd.Series]:
    tidy = pd.read_csv(PAPER / "table3_businesses.csv")
    tidy["village_code"] = tidy["village_name"].map(CODES)
    businesses = tidy.pivot(index="village_code", columns="product", values="businesses")
    t1 = pd.read_csv(PAPER / "table1_villages.csv", dtype={"kode_kemendagri": str})
    households = t1.set_index("kode_kemendagri")["households_kk"]
    households.index.name = "village_code"
    return businesses, households


def test_only_kerupuk_in_rasau_jaya_i_meets_pp29(paper_inputs):
    businesses, households = paper_inputs
    result = apply_sentra_rules(businesses, households)
    assert len(result) == 6 * 9
    met = result.index[result["meets_pp29_2018"]].tolist()
    assert met == [("61.12.07.2002", "kerupuk")]
    row = result.loc[("61.12.07.2002", "kerupuk")]
    assert row["businesses"] == 6
    assert row["margin_pp29"] == 1  # 6 − 5
    # 6 units over 6,621 households (Table 1) is far below the 20 % BPS rule
    assert row["household_share"] == pytest.approx(6 / 6621)
    assert row["margin_bps"] == pytest.approx(6 / 6621 - 0.20)
    assert not result["meets_bps_households"].any()
    assert (result["note"] == HOUSEHOLD_NOTE).all()
    assert "approximates households" in HOUSEHOLD_NOTE
    assert sentra_pairs(result) == frozenset({("61.12.07.2002", "kerupuk")})


def test_lower_threshold_adds_pairs(paper_inputs):
    businesses, households = paper_inputs
    # 3 or more units: rengginang in RJ I, RJ II; kerupuk in RJ I, RJ II, RJ Umum; keripik in RJ I
    result = apply_sentra_rules(businesses, households, SentraRules(min_units=3))
    assert int(result["meets_pp29_2018"].sum()) == 6


def test_household_rule_hand_worked():
    # village A: 10 households, 2 units of p (share 0.2: meets) and 1 of q (0.1: does not)
    # village B: households unknown → NA, never a guess
    businesses = pd.DataFrame({"p": [2, 5], "q": [1, 0]}, index=["A", "B"])
    households = pd.Series({"A": 10})
    result = apply_sentra_rules(businesses, households)
    assert bool(result.loc[("A", "p"), "meets_bps_households"]) is True
    assert result.loc[("A", "p"), "margin_bps"] == pytest.approx(0.0)
    assert bool(result.loc[("A", "q"), "meets_bps_households"]) is False
    assert result.loc[("B", "p"), "meets_bps_households"] is pd.NA
    assert np.isnan(result.loc[("B", "p"), "household_share"])
    assert bool(result.loc[("B", "p"), "meets_pp29_2018"]) is True
    assert sentra_pairs(result, rule="bps_households") == frozenset({("A", "p")})
    assert sentra_pairs(result, rule="either") == frozenset({("A", "p"), ("B", "p")})
    assert sentra_pairs(result, rule="both") == frozenset()


def test_inputs_are_not_modified():
    businesses = pd.DataFrame({"p": [2, 5]}, index=["A", "B"])
    households = pd.Series({"A": 10, "B": 20})
    b0, h0 = businesses.copy(), households.copy()
    apply_sentra_rules(businesses, households)
    pd.testing.assert_frame_equal(businesses, b0)
    pd.testing.assert_series_equal(households, h0)


def test_defaults_match_shipped_rules_table():
    table = pd.read_csv(ROOT / "data" / "params" / "sentra_rules.csv").set_index("parameter")
    rules = SentraRules()
    assert float(table.loc["min_units", "value"]) == rules.min_units == 5
    assert float(table.loc["min_household_share", "value"]) == rules.min_household_share == 0.20
    assert table["source"].str.len().min() > 20
    assert "PP 29/2018" in rules.min_units_source


def test_rules_reject_bad_thresholds():
    with pytest.raises(ParameterError, match="min_units must be a whole number"):
        SentraRules(min_units=0)
    with pytest.raises(ParameterError, match=r"write 20 % as 0.20"):
        SentraRules(min_household_share=20)


def test_rejects_bad_counts_and_households():
    businesses = pd.DataFrame({"p": [2.5, -1], "q": [1, 1]}, index=["A", "B"])
    with pytest.raises(
        InputDataError,
        match=r"column 'p': counts must be whole numbers ≥ 0. "
        r"Villages: A, B",
    ):
        apply_sentra_rules(businesses, pd.Series({"A": 10, "B": 10}))
    ok = pd.DataFrame({"p": [1, 1]}, index=["A", "B"])
    with pytest.raises(InputDataError, match=r"households: counts must be positive. Villages: B"):
        apply_sentra_rules(ok, pd.Series({"A": 10, "B": 0}))
    with pytest.raises(InputDataError, match=r"column 'p': values missing"):
        apply_sentra_rules(pd.DataFrame({"p": [1, None]}, index=["A", "B"]), pd.Series({"A": 1}))


def test_sentra_pairs_rejects_unknown_rule():
    result = apply_sentra_rules(pd.DataFrame({"p": [5]}, index=["A"]), pd.Series({"A": 10}))
    with pytest.raises(ParameterError, match="rule must be one of"):
        sentra_pairs(result, rule="bps")
