"""How robust the sentra decisions of :mod:`ovop_geo.decision` are.

Three perturbations, each answering its own question, and one ``fragile`` flag over them:

- **Weights** (:func:`weight_runs`): weights drawn from a Dirichlet distribution centred on the
  weights applied (``alpha = concentration × w``); a concentration of 50 keeps most draws within
  a few percentage points of each weight. The values do not change, so each batch of draws is
  one matrix product.
- **Leave one village out** (:func:`leave_one_out_runs`): the region without each village in
  turn, location quotients recomputed from the remaining business counts. With absolute value
  functions only the location quotient (relative to the region by definition) and the
  criteria left out as constant can move; this run shows whether they do.
- **Data uncertainty** (:func:`data_runs`): every criterion flagged as estimated or
  illustrative is multiplied by a factor drawn uniformly within its stated range
  (:data:`DEFAULT_DATA_RANGES`; e.g. available land ± 50 % because it comes from an
  illustrative land-use layer).

Ranks in every run are class first, then score, as in :func:`ovop_geo.decision.decide`
(classes depend on firm counts only, which none of the runs perturbs).

A first place is ``fragile`` when the pair ranks first with the chosen inputs but first in fewer
than ``fragile_below`` (default half) of the runs of **any** of the three kinds.

All functions work on tables only: no geometry is involved, so no CRS applies.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from .decision import CLASSES, Decision, decide
from .errors import ParameterError

__all__ = ["DEFAULT_DATA_RANGES", "data_runs", "leave_one_out_runs", "robustness", "weight_runs"]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

_TIE_DECIMALS = 9
_BATCH = 50
#: Leave-one-village-out runs one decision per village; above this many villages it is skipped
#: (one village moves the region's totals, and so the location quotients, very little there).
LOO_MAX_VILLAGES = 200

#: Relative ranges (± share) within which estimated or illustrative inputs are perturbed, with
#: the reason. Assumptions; a planner with measured data sets the range to 0.
DEFAULT_DATA_RANGES: Mapping[str, tuple[float, str]] = MappingProxyType(
    {
        "available_land_ha": (
            0.5,
            "land comes from the illustrative land-use and zoning layers (assumption: ± 50 %)",
        ),
        "raw_material_supply_ratio": (
            0.3,
            "production is spread from kecamatan totals (estimated) "
            "and input rates are assumptions (assumption: ± 30 %)",
        ),
        "households": (
            0.2,
            "Table 1 'Jumlah KK' may count persons, not households (assumption: ± 20 %)",
        ),
    }
)


def _class_key(decision: Decision) -> np.ndarray:
    order = {c: i for i, c in enumerate(CLASSES)}
    return decision.candidates["sentra_class"].map(order).to_numpy(dtype=float)


def _groups(index: pd.MultiIndex) -> list[np.ndarray]:
    product = index.get_level_values("product")
    return [
        rows.to_numpy()
        for _, rows in pd.Series(np.arange(len(index)), index=product).groupby(level=0)
    ]


def _rank(scores: np.ndarray, cls: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """Ranks (rows × runs) within each product: class first, then score (ties share)."""
    key = cls[:, None] * 1000.0 - np.round(scores, _TIE_DECIMALS)
    ranks = np.zeros(scores.shape, dtype=np.int32)
    for idx in groups:
        ranks[idx] = rankdata(key[idx], axis=0, method="min")
    return ranks


def _summary(ranks: np.ndarray, index: pd.Index, prefix: str) -> pd.DataFrame:
    out = pd.DataFrame(index=index)
    out[f"{prefix}share_rank1"] = (ranks == 1).mean(axis=1)
    out[f"{prefix}rank_min"] = ranks.min(axis=1)
    out[f"{prefix}rank_max"] = ranks.max(axis=1)
    out[f"{prefix}rank_median"] = np.median(ranks, axis=1)
    return out


def weight_runs(
    decision: Decision, *, n: int = 500, concentration: float = 50.0, seed: int = 0
) -> np.ndarray:
    """Ranks of every candidate (rows) under ``n`` Dirichlet weight draws (columns)."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ParameterError(f"n must be a whole number of draws ≥ 1, got {n!r}.")
    if not np.isfinite(concentration) or concentration <= 0:
        raise ParameterError(f"concentration must be > 0, got {concentration!r}.")
    cand = decision.candidates
    used = list(decision.weights_applied.index)
    values = cand[[f"value_{c}" for c in used]].fillna(0.0).to_numpy(dtype=float)
    alpha = concentration * decision.weights_applied.to_numpy()
    cls, groups = _class_key(decision), _groups(cand.index)
    rng = np.random.default_rng(seed)
    out = np.zeros((len(cand), n), dtype=np.int32)
    for start in range(0, n, _BATCH):
        size = min(_BATCH, n - start)
        draws = rng.dirichlet(alpha, size=size).T if len(alpha) > 1 else np.ones((1, size))
        out[:, start : start + size] = _rank(100.0 * values @ draws, cls, groups)
    return out


def leave_one_out_runs(
    decision: Decision,
    criteria: pd.DataFrame,
    businesses: pd.DataFrame,
    weights: Mapping[str, float],
    lq: Callable[[pd.DataFrame], pd.DataFrame],
) -> np.ndarray:
    """Ranks of every candidate with each *other* village left out in turn (one run each).

    The left-out village's own column holds the full-data rank (it has no rank without
    itself), so it never counts against itself. ``lq`` recomputes the location quotients
    from a business table (:func:`ovop_geo.economy.location_quotient`).
    """
    cand = decision.candidates
    villages = sorted(set(criteria.index.get_level_values("village_code")))
    base = cand["rank"].to_numpy()
    out = np.repeat(base[:, None], max(len(villages), 1), axis=1).astype(np.int32)
    if len(villages) < 3:
        return out
    cand_villages = cand.index.get_level_values("village_code")
    for j, left in enumerate(villages):
        keep_b = businesses.drop(index=left, errors="ignore")
        crit = criteria.drop(index=left, level="village_code")
        if "lq_businesses" in crit.columns:
            new_lq = lq(keep_b).stack(future_stack=True)
            crit = crit.assign(lq_businesses=new_lq.reindex(crit.index).to_numpy(dtype=float))
        sub = decide(
            crit, weights, params=decision.params, value_functions=decision.value_functions
        ).candidates
        mask = cand_villages != left
        out[mask, j] = sub["rank"].reindex(cand.index[mask]).to_numpy()
    return out


def data_runs(
    decision: Decision,
    criteria: pd.DataFrame,
    weights: Mapping[str, float],
    *,
    ranges: Mapping[str, tuple[float, str]] | None = None,
    n: int = 100,
    seed: int = 0,
) -> tuple[np.ndarray, dict[str, dict]]:
    """Ranks under ``n`` draws of the uncertain inputs within their ranges.

    Returns the ranks (rows × runs) and the ranges used (criterion -> share and reason); only
    criteria that are weighted and present are perturbed.
    """
    ranges = DEFAULT_DATA_RANGES if ranges is None else ranges
    cand = decision.candidates
    used = {
        c: r
        for c, r in ranges.items()
        if c in decision.weights_applied.index and c in criteria.columns and r[0] > 0
    }
    if not used:
        return np.repeat(cand["rank"].to_numpy()[:, None], 1, axis=1), {}
    rng = np.random.default_rng(seed)
    w = decision.weights_applied
    vfs = decision.value_functions
    cls, groups = _class_key(decision), _groups(cand.index)
    base = cand[[f"value_{c}" for c in w.index]].to_numpy(dtype=float)
    cols = {c: list(w.index).index(c) for c in used}
    raw = {c: pd.to_numeric(cand[c], errors="coerce").to_numpy(dtype=float) for c in used}
    # one factor per village and criterion and run: the uncertainty is in the village's data
    villages, codes = np.unique(cand.index.get_level_values("village_code"), return_inverse=True)
    scores = np.empty((len(cand), n))
    for k in range(n):
        values = base.copy()
        for c, (share, _) in used.items():
            factor = rng.uniform(1 - share, 1 + share, size=len(villages))[codes]
            v = vfs[c](raw[c] * factor)
            keep = np.isfinite(base[:, cols[c]])
            values[keep, cols[c]] = v[keep]
        scores[:, k] = 100.0 * np.nan_to_num(values, nan=0.0) @ w.to_numpy()
    return _rank(scores, cls, groups), {
        c: {"range_share": float(r[0]), "reason": r[1]} for c, r in used.items()
    }


def robustness(
    decision: Decision,
    *,
    criteria: pd.DataFrame | None = None,
    businesses: pd.DataFrame | None = None,
    lq=None,
    n: int = 500,
    concentration: float = 50.0,
    seed: int = 0,
    data_n: int = 100,
    ranges: Mapping[str, tuple[float, str]] | None = None,
    fragile_below: float = 0.5,
) -> tuple[pd.DataFrame, dict]:
    """Every robustness run and the ``fragile`` flag, per candidate.

    Returns
    -------
    table : pandas.DataFrame
        Indexed like ``decision.candidates``: ``share_rank1``, ``rank_min``, ``rank_max``,
        ``rank_median`` (weight draws, the columns the earlier sensitivity had), ``loo_*`` and
        ``data_*`` (the same for leave-one-village-out and data uncertainty, where run),
        ``fragile`` (bool) and ``fragile_because`` (which runs).
    record : dict
        What was run, for run.json.
    """
    if not 0 < fragile_below <= 1:
        raise ParameterError(f"fragile_below must be in (0, 1], got {fragile_below!r}.")
    cand = decision.candidates
    weights = decision.weights_applied.to_dict()
    table = _summary(
        weight_runs(decision, n=n, concentration=concentration, seed=seed), cand.index, ""
    )
    record: dict = {
        "weights": {"draws": int(n), "concentration": float(concentration), "seed": int(seed)}
    }
    kinds = {"weights": "share_rank1"}
    n_villages = (
        0 if criteria is None else criteria.index.get_level_values("village_code").nunique()
    )
    if n_villages > LOO_MAX_VILLAGES:
        record["leave_one_village_out"] = {
            "runs": 0,
            "skipped": f"{n_villages} villages, more than {LOO_MAX_VILLAGES}: one "
            "village moves the region's totals very little",
        }
    elif criteria is not None and businesses is not None and lq is not None:
        table = table.join(
            _summary(
                leave_one_out_runs(decision, criteria, businesses, weights, lq), cand.index, "loo_"
            )
        )
        record["leave_one_village_out"] = {
            "runs": int(criteria.index.get_level_values("village_code").nunique())
        }
        kinds["leave_one_village_out"] = "loo_share_rank1"
    if criteria is not None:
        ranks, used = data_runs(decision, criteria, weights, ranges=ranges, n=data_n, seed=seed + 1)
        if used:
            table = table.join(_summary(ranks, cand.index, "data_"))
            record["data_uncertainty"] = {
                "draws": int(data_n),
                "seed": int(seed + 1),
                "ranges": used,
            }
            kinds["data_uncertainty"] = "data_share_rank1"
    first = cand["rank"].to_numpy() == 1
    because = []
    fragile = np.zeros(len(cand), dtype=bool)
    for i in range(len(cand)):
        why = [k for k, col in kinds.items() if first[i] and table[col].iloc[i] < fragile_below]
        because.append(";".join(why))
        fragile[i] = bool(why)
    table["fragile"] = fragile
    table["fragile_because"] = because
    record["fragile_below"] = float(fragile_below)
    logger.info(
        "Robustness: %d of %d first places are fragile.", int(fragile.sum()), int(first.sum())
    )
    return table, record
