"""Tests of ovop_geo.sensitivity on tiny frames whose behaviour under weight draws is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ovop_geo.errors import ParameterError
from ovop_geo.mcda import Weights, score
from ovop_geo.sensitivity import weight_sensitivity

W = Weights.from_mapping({"businesses": 1, "households": 1})


def _frame(rows):
    frame = pd.DataFrame(rows, columns=["village_code", "product", "businesses", "households"])
    return frame.set_index(["village_code", "product"])


# A is best on businesses, B on households, C is a compromise (0.6, 0.6 after normalising).
# With weights (u, 1 − u): A scores 100u, B 100(1 − u), C 60. Under equal weights C leads (60 vs
# 50 vs 50) but only while 0.4 ≤ u ≤ 0.6. With concentration 2 the Dirichlet(1, 1) draw u is
# uniform, so C is first in about 20 % of draws: a fragile first place.
COMPROMISE = _frame(
    [
        ("A", "p", 10, 0),
        ("B", "p", 0, 10),
        ("C", "p", 6, 6),
        # product q: D dominates on both criteria, so it is first in every draw
        ("D", "q", 9, 9),
        ("E", "q", 1, 1),
        ("F", "q", 5, 2),
    ]
)


def test_compromise_first_place_is_fragile_under_wide_draws():
    s = weight_sensitivity(COMPROMISE, W, n=2000, concentration=2, seed=1)
    c = s.loc[("C", "p")]
    assert c["rank"] == 1
    assert 0.15 < c["share_rank1"] < 0.25
    assert bool(c["fragile"])
    # C is never last: one of A and B scores at most 50 < 60
    assert c["rank_min"] == 1 and c["rank_max"] == 2
    # A and B share the rest: each is first when u > 0.6 or u < 0.4 (about 40 % each)
    assert 0.33 < s.loc[("A", "p"), "share_rank1"] < 0.47


def test_compromise_is_stable_under_tight_draws():
    s = weight_sensitivity(COMPROMISE, W, n=500, concentration=1000, seed=1)
    # Beta(500, 500) stays within 0.4..0.6 (±6 standard deviations): C always first
    assert s.loc[("C", "p"), "share_rank1"] == 1.0
    assert not s["fragile"].any()


def test_dominant_village_always_first():
    s = weight_sensitivity(COMPROMISE, W, n=300, concentration=2, seed=3)
    d = s.loc[("D", "q")]
    assert d["share_rank1"] == 1.0
    assert d["rank_min"] == d["rank_max"] == d["rank_median"] == 1
    assert not bool(d["fragile"])
    # E is worst on both: always last (3rd)
    assert s.loc[("E", "q"), "rank_min"] == 3


def test_deterministic_for_a_seed():
    a = weight_sensitivity(COMPROMISE, W, n=200, concentration=5, seed=7)
    b = weight_sensitivity(COMPROMISE, W, n=200, concentration=5, seed=7)
    pd.testing.assert_frame_equal(a, b)


def test_vectorised_ranks_match_scoring_each_draw():
    n, conc, seed = 25, 3.0, 11
    s = weight_sensitivity(COMPROMISE, W, n=n, concentration=conc, seed=seed)
    draws = np.random.default_rng(seed).dirichlet(conc * W.as_series().to_numpy(), size=n)
    ranks = pd.concat(
        [
            score(COMPROMISE, Weights.from_mapping(dict(zip(W.as_series().index, d, strict=True))))[
                "rank"
            ]
            for d in draws
        ],
        axis=1,
    )
    pd.testing.assert_series_equal(s["rank_min"], ranks.min(axis=1), check_names=False)
    pd.testing.assert_series_equal(s["rank_max"], ranks.max(axis=1), check_names=False)
    pd.testing.assert_series_equal(s["share_rank1"], (ranks == 1).mean(axis=1), check_names=False)
    base = score(COMPROMISE, W)
    pd.testing.assert_series_equal(s["score"], base["score"])


def test_unknown_rows_get_no_rank():
    frame = COMPROMISE.astype(float)
    frame.loc[("F", "q"), :] = np.nan
    s = weight_sensitivity(frame, W, n=50, seed=0)
    assert np.isnan(s.loc[("F", "q"), "rank_max"])
    assert s.loc[("F", "q"), "share_rank1"] == 0


def test_parameters_are_checked():
    with pytest.raises(ParameterError, match="n must be a whole number of draws"):
        weight_sensitivity(COMPROMISE, W, n=0)
    with pytest.raises(ParameterError, match="concentration must be > 0"):
        weight_sensitivity(COMPROMISE, W, concentration=0)


def _all_draws_at_once(criteria, weights, n, concentration, seed):
    """The former implementation: every draw scored in one matrix, ranks as floats."""
    from scipy.stats import rankdata

    from ovop_geo.mcda import normalise_criteria, weighted_scores

    w = weights.as_series()
    norm = normalise_criteria(criteria, list(w.index))
    draws = np.random.default_rng(seed).dirichlet(concentration * w.to_numpy(), size=n).T
    rounded = np.round(weighted_scores(norm.to_numpy(dtype=float), draws), 9)
    ranks = np.full(rounded.shape, np.nan)
    for _, rows in pd.Series(np.arange(len(norm)), index=norm.index.get_level_values(1)).groupby(
        level=0
    ):
        idx = rows.to_numpy()
        ok = np.isfinite(rounded[idx, 0])
        if ok.any():
            ranks[idx[ok]] = rankdata(-rounded[idx[ok]], axis=0, method="min")
    return pd.DataFrame(
        {
            "share_rank1": (ranks == 1).mean(axis=1),
            "rank_min": np.nanmin(np.where(np.isnan(ranks), np.inf, ranks), axis=1),
            "rank_max": np.max(ranks, axis=1),
            "rank_median": np.median(ranks, axis=1),
        },
        index=norm.index,
    ).replace(np.inf, np.nan)


def _tied_frame(seed=3):
    """60 villages × 3 products, criteria on 0–4 (many ties), some unknown cells and rows."""
    rng = np.random.default_rng(seed)
    index = pd.MultiIndex.from_product(
        [[f"v{i:02d}" for i in range(60)], ["p", "q", "r"]], names=["village_code", "product"]
    )
    data = rng.integers(0, 5, size=(len(index), 2)).astype(float)
    data[rng.random(data.shape) < 0.1] = np.nan
    data[[5, 40, 100]] = np.nan  # three rows with no known criterion
    return pd.DataFrame(data, index=index, columns=["businesses", "households"])


@pytest.mark.parametrize("batch", [1, 7, 50, 1000])
def test_batched_draws_give_the_all_at_once_result(monkeypatch, batch):
    import ovop_geo.sensitivity as sensitivity

    frame = _tied_frame()
    monkeypatch.setattr(sensitivity, "_BATCH", batch)
    s = weight_sensitivity(frame, W, n=137, concentration=4, seed=5)
    expected = _all_draws_at_once(frame, W, 137, 4, 5)
    pd.testing.assert_frame_equal(s[expected.columns], expected)
    unknown = frame.isna().all(axis=1)
    assert unknown.sum() >= 3
    assert s["rank_max"].isna().equals(unknown)
    assert (s.loc[unknown, "share_rank1"] == 0).all()
