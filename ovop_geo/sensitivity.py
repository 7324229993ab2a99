"""How robust the rankings are to the choice of weights.

Weights are drawn from a Dirichlet distribution centred on the chosen weights
(``alpha = concentration × w``, *w* normalised to sum 1): a concentration of 50 keeps most draws
within a few percentage points of each weight, 5 lets them wander widely. Criteria with weight 0
stay at 0. Once the criteria are normalised the score is linear in the weights (after dropping
unknown criteria row by row), so each batch of draws is scored with one matrix product; only
the integer ranks are kept for every draw.

Output per village × product: ``share_rank1`` (share of draws in which the village ranks first
for the product), the smallest, largest and median rank over the draws, and ``fragile``: True
when the village ranks first under the chosen weights but in fewer than ``fragile_below``
(default half) of the draws; such a first place depends on the weights, not on the data.

All functions work on tables only: no geometry is involved, so no CRS applies.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from .errors import ParameterError
from .mcda import Weights, rank_within_product, weighted_criteria, weighted_scores

__all__ = ["weight_sensitivity"]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

_TIE_DECIMALS = 9
#: Weight draws scored at a time (bounds the memory of the scores).
_BATCH = 50


def weight_sensitivity(
    criteria: pd.DataFrame,
    weights: Weights | Mapping[str, float] | None = None,
    *,
    n: int = 500,
    concentration: float = 50.0,
    seed: int = 0,
    fragile_below: float = 0.5,
    directions: Mapping[str, str] | None = None,
    supply_ratio_cap: float | None = 2.0,
    all_equal: float = 1.0,
) -> pd.DataFrame:
    """Rank stability of every village for every product under random weights.

    Parameters
    ----------
    criteria : pandas.DataFrame
        Raw criteria indexed by (``village_code``, ``product``), as for :func:`ovop_geo.mcda.score`.
    weights : Weights or mapping, optional
        The chosen weights (default :func:`ovop_geo.mcda.default_weights`).
    n : int
        Number of weight draws (≥ 1).
    concentration : float
        Dirichlet concentration (> 0); larger = draws closer to the chosen weights.
    seed : int
        Seed of the random generator; the same seed gives the same result.
    fragile_below : float
        A first place under the chosen weights is ``fragile`` when ``share_rank1`` is below this.
    directions, supply_ratio_cap, all_equal
        As in :func:`ovop_geo.mcda.normalise_criteria`.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``village_code``, ``product``) with ``score`` and ``rank`` under the chosen
        weights, ``share_rank1`` (0–1), ``rank_min``, ``rank_max``, ``rank_median`` (over the
        draws) and ``fragile`` (bool). Rows without any known criterion have NaN ranks and
        ``share_rank1`` 0.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ParameterError(f"n must be a whole number of draws ≥ 1, got {n!r}.")
    if not np.isfinite(concentration) or concentration <= 0:
        raise ParameterError(f"concentration must be > 0, got {concentration!r}.")
    if not 0 < fragile_below <= 1:
        raise ParameterError(f"fragile_below must be in (0, 1], got {fragile_below!r}.")
    w, norm = weighted_criteria(
        criteria,
        weights,
        directions=directions,
        supply_ratio_cap=supply_ratio_cap,
        all_equal=all_equal,
    )
    values = norm.to_numpy(dtype=float)
    alpha = concentration * w.to_numpy()
    base = pd.Series(weighted_scores(values, w.to_numpy()), index=norm.index, name="score")
    ranks, scored = _draw_ranks(values, norm.index.get_level_values(1), alpha, int(n), seed)

    out = pd.DataFrame(index=norm.index)
    out["score"] = base
    out["rank"] = rank_within_product(base)
    out["share_rank1"] = (ranks == 1).mean(axis=1)
    out["rank_min"] = np.where(scored, ranks.min(axis=1), np.nan)
    out["rank_max"] = np.where(scored, ranks.max(axis=1), np.nan)
    out["rank_median"] = np.where(scored, np.median(ranks, axis=1), np.nan)
    out["fragile"] = (out["rank"] == 1) & (out["share_rank1"] < fragile_below)
    logger.info(
        "Weight sensitivity: %d draws, concentration %g; %d first places are fragile.",
        n,
        concentration,
        int(out["fragile"].sum()),
    )
    return out


def _draw_ranks(
    values: np.ndarray, product: pd.Index, alpha: np.ndarray, n: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Rank of every row within its product under each of ``n`` Dirichlet draws.

    Draws are made and scored ``_BATCH`` at a time, so the scores never exist for all draws at
    once: memory is the ranks (rows × n, 2-byte integers while a product has fewer than 32,767
    villages) plus one batch of scores. The generator is consumed in the same order as one call
    for all draws, so the result does not depend on the batch size.

    Returns
    -------
    ranks : numpy.ndarray
        Rows × draws, 1 = best; 0 for rows without any known criterion.
    scored : numpy.ndarray of bool
        Rows that have a rank.
    """
    groups = [
        rows.to_numpy()
        for _, rows in pd.Series(np.arange(len(values)), index=product).groupby(level=0)
    ]
    largest = max((len(g) for g in groups), default=0)
    ranks = np.zeros((len(values), n), dtype=np.int16 if largest < 2**15 - 1 else np.int32)
    scored = np.zeros(len(values), dtype=bool)
    rng = np.random.default_rng(seed)
    for start in range(0, n, _BATCH):
        size = min(_BATCH, n - start)
        draws = rng.dirichlet(alpha, size=size).T  # criteria × draws
        rounded = np.round(weighted_scores(values, draws), _TIE_DECIMALS)  # rows × draws
        if start == 0:
            scored = np.isfinite(rounded[:, 0])  # a row is unscored in every draw or in none
        for idx in groups:
            ok = idx[scored[idx]]
            if len(ok):
                ranks[ok, start : start + size] = rankdata(-rounded[ok], axis=0, method="min")
    return ranks, scored
