"""Tests of ovop_geo.allocation against brute force over every possible assignment."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from ovop_geo.allocation import allocate_products
from ovop_geo.errors import InputDataError, ParameterError

# 4 villages × 4 products; each village's best product is p1 for three villages, so a greedy
# "everyone takes their best" would crowd p1.
SCORES_4 = pd.DataFrame(
    [[90, 80, 10, 30], [85, 20, 70, 40], [95, 60, 50, 55], [20, 25, 30, 35]],
    index=["V1", "V2", "V3", "V4"],
    columns=["p1", "p2", "p3", "p4"],
    dtype=float,
)


def test_one_village_per_product_matches_brute_force():
    best_total, best_perm = -1.0, None
    for perm in itertools.permutations(range(4)):
        total = sum(SCORES_4.iat[i, j] for i, j in enumerate(perm))
        if total > best_total:
            best_total, best_perm = total, perm
    out = allocate_products(SCORES_4, max_villages_per_product=1)
    assert out["score"].sum() == pytest.approx(best_total)
    # the brute-force optimum is unique here: V1 p2, V2 p3, V3 p1, V4 p4 (80 + 70 + 95 + 35 = 280)
    assert out["product"].tolist() == [SCORES_4.columns[j] for j in best_perm]
    assert best_total == 280
    assert out["product"].nunique() == 4
    assert out.loc["V1", "best_product"] == "p1"
    assert out.loc["V1", "score_lost"] == pytest.approx(10)
    assert out.index.name == "village_code"


def test_unlimited_gives_each_village_its_best():
    out = allocate_products(SCORES_4, max_villages_per_product=None)
    assert out["product"].tolist() == ["p1", "p1", "p1", "p4"]
    assert (out["score_lost"] == 0).all()


def test_capacity_two_matches_brute_force_with_unassigned_villages():
    # 5 villages, 2 products, at most 2 villages each → one village must stay without a product
    s = pd.DataFrame(
        [[50, 40], [60, 10], [30, 35], [80, 70], [20, 90]],
        index=[f"V{i}" for i in range(5)],
        columns=["a", "b"],
        dtype=float,
    )
    best = -1.0
    for choice in itertools.product([None, 0, 1], repeat=5):
        if sum(c == 0 for c in choice) > 2 or sum(c == 1 for c in choice) > 2:
            continue
        if sum(c is not None for c in choice) < 4:  # as many villages served as possible
            continue
        total = sum(s.iat[i, c] for i, c in enumerate(choice) if c is not None)
        best = max(best, total)
    out = allocate_products(s, max_villages_per_product=2)
    assert out["score"].sum() == pytest.approx(best)
    assert int(out["assigned"].sum()) == 4
    assert out["product"].value_counts().max() == 2
    unassigned = out.index[~out["assigned"]]
    assert out.loc[unassigned, "product"].isna().all()


def test_required_sentra_is_assigned_first():
    # V3 already is a p2 sentra: it must get p2 although p1 scores higher for it
    out = allocate_products(SCORES_4, require_sentra={("V3", "p2")})
    assert out.loc["V3", "product"] == "p2"
    assert bool(out.loc["V3", "required_sentra"])
    # the rest is optimal given that: V1 p1 90 + V2 p3 70 + V4 p4 35 + V3 p2 60 = 255
    best = max(
        sum(SCORES_4.iat[i, j] for i, j in enumerate(perm))
        for perm in itertools.permutations(range(4))
        if perm[2] == 1
    )
    assert out["score"].sum() == pytest.approx(best) == 255
    # unlimited: the sentra pair still wins over the village's best product
    free = allocate_products(SCORES_4, max_villages_per_product=None, require_sentra=[("V3", "p2")])
    assert free.loc["V3", "product"] == "p2"
    assert free.loc["V3", "score_lost"] == pytest.approx(35)


def test_conflicting_required_pairs_are_flagged():
    out = allocate_products(SCORES_4, require_sentra={("V1", "p1"), ("V3", "p1")})
    # only one can have p1; the higher total keeps V3 (95) on p1 and V1 moves to p2
    assert out.loc["V3", "product"] == "p1"
    assert bool(out.loc["V1", "required_unmet"])
    assert not bool(out.loc["V3", "required_unmet"])


def test_missing_scores_are_never_assigned():
    s = SCORES_4.copy()
    s.loc["V4", :] = np.nan
    s.loc["V1", "p2"] = np.nan
    out = allocate_products(s)
    assert not bool(out.loc["V4", "assigned"])
    assert out.loc["V4", "product"] is None
    assert out.loc["V1", "product"] != "p2"


def test_long_input_from_score_table():
    long = SCORES_4.stack().rename("score").to_frame()
    long.index = long.index.set_names(["village_code", "product"])
    out = allocate_products(long)
    assert out["score"].sum() == pytest.approx(280)


def test_parameter_and_input_errors():
    with pytest.raises(ParameterError, match="max_villages_per_product must be a whole number"):
        allocate_products(SCORES_4, max_villages_per_product=0)
    with pytest.raises(ParameterError, match=r"pairs not in the score table: \(V9, p1\)"):
        allocate_products(SCORES_4, require_sentra={("V9", "p1")})
    long = SCORES_4.stack().rename("value").to_frame()
    with pytest.raises(InputDataError, match="needs a 'score' column"):
        allocate_products(long)
