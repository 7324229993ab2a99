"""One product per village: the assignment that maximises the total score.

OVOP asks each village to develop *one* leading product. Given scores of every village for every
product (``mcda.score``), :func:`allocate_products` picks one product per village:

- ``max_villages_per_product=None``: no limit, every village takes its best product;
- ``max_villages_per_product=k``: at most *k* villages per product, the total score over villages
  is maximised (a linear assignment problem solved exactly with
  :func:`scipy.optimize.linear_sum_assignment`; each product column is repeated *k* times).
  When villages outnumber the places (products × *k*), some villages get no product.

``require_sentra``: (village_code, product) pairs that already meet the sentra rules
(``sentra.sentra_pairs``). They are assigned first: the solver maximises, in this order,
(1) the number of villages that get an eligible product, (2) the number of required pairs
honoured, (3) the total score. Pairs without a score are not eligible.

Scores from ``mcda.score`` are relative within a product (min-max across villages), so comparing
them across products compares each village's standing among the villages for that product.

All functions work on tables only: no geometry is involved, so no CRS applies.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from .errors import InputDataError, ParameterError, format_items

__all__ = ["allocate_products"]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())


def _wide_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Long (village_code, product) frame with a ``score`` column, or a wide matrix → wide."""
    if not isinstance(scores, pd.DataFrame):
        raise InputDataError(f"scores: expected a table, got {type(scores).__name__}.")
    if scores.index.nlevels == 2:
        if "score" not in scores.columns:
            raise InputDataError(
                "scores: a table indexed by (village_code, product) needs a 'score' column."
            )
        if scores.index.has_duplicates:
            dup = scores.index[scores.index.duplicated()].unique()
            raise InputDataError(
                f"scores: pairs occur more than once: {format_items(dup)}. Keep one row per pair."
            )
        wide = scores["score"].unstack(level=1)
    else:
        wide = scores.copy()
    wide = wide.apply(pd.to_numeric, errors="coerce").astype(float)
    wide.index = wide.index.astype(str)
    wide.columns = wide.columns.astype(str)
    wide.index.name = "village_code"
    if wide.index.has_duplicates:
        raise InputDataError(
            "scores: village codes occur more than once: "
            f"{format_items(wide.index[wide.index.duplicated()].unique())}."
        )
    if wide.shape[0] == 0 or wide.shape[1] == 0:
        raise InputDataError("scores: no villages or no products to allocate.")
    return wide


def _required_matrix(
    wide: pd.DataFrame, require_sentra: Iterable[tuple[str, str]] | None
) -> np.ndarray:
    req = np.zeros(wide.shape, dtype=bool)
    if require_sentra is None:
        return req
    rows = {v: i for i, v in enumerate(wide.index)}
    cols = {p: j for j, p in enumerate(wide.columns)}
    unknown = []
    for pair in require_sentra:
        try:
            village, product = pair
        except (TypeError, ValueError) as err:
            raise ParameterError(
                f"require_sentra: expected (village_code, product) pairs, got {pair!r}."
            ) from err
        village, product = str(village), str(product)
        if village not in rows or product not in cols:
            unknown.append(f"({village}, {product})")
            continue
        req[rows[village], cols[product]] = True
    if unknown:
        raise ParameterError(
            f"require_sentra: pairs not in the score table: {format_items(unknown)}. Check the "
            "village codes and product names."
        )
    unscored = req & ~np.isfinite(wide.to_numpy())
    if unscored.any():
        r, c = np.nonzero(unscored)
        logger.warning(
            "require_sentra: %d pairs have no score and cannot be assigned: %s",
            len(r),
            format_items(
                f"({wide.index[i]}, {wide.columns[j]})" for i, j in zip(r, c, strict=True)
            ),
        )
        req &= ~unscored
    return req


def allocate_products(
    scores: pd.DataFrame,
    *,
    max_villages_per_product: int | None = 1,
    require_sentra: Iterable[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """Assign one product to every village, maximising the total score.

    Parameters
    ----------
    scores : pandas.DataFrame
        Either the output of :func:`ovop_geo.mcda.score` (indexed by (``village_code``,
        ``product``) with a ``score`` column, 0–100) or a wide matrix indexed by ``village_code``
        with one score column per product. NaN = the village cannot take the product.
    max_villages_per_product : int or None
        At most this many villages per product (≥ 1); None = no limit.
    require_sentra : iterable of (village_code, product), optional
        Pairs that meet the sentra rules; they are assigned before anything else (see module
        notes). Several pairs for one village: the best-scoring one that fits is used.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``village_code`` with ``product`` (None if unassigned), ``score``,
        ``best_product``, ``best_score`` (the village's best product regardless of the others),
        ``score_lost`` = best_score − score (≥ 0; NaN if unassigned), ``assigned`` (bool),
        ``required_sentra`` (the assigned pair was required) and ``required_unmet`` (the village
        has a required pair but was given something else).
    """
    if max_villages_per_product is not None and (
        isinstance(max_villages_per_product, bool)
        or not isinstance(max_villages_per_product, int | np.integer)
        or max_villages_per_product < 1
    ):
        raise ParameterError(
            "max_villages_per_product must be a whole number ≥ 1 or None (no limit), got "
            f"{max_villages_per_product!r}."
        )
    wide = _wide_scores(scores)
    s = wide.to_numpy()
    eligible = np.isfinite(s)
    req = _required_matrix(wide, require_sentra)
    n_v = s.shape[0]

    # each village's best product regardless of the others (ties: first product in column order)
    has_any = eligible.any(axis=1)
    filled = np.where(eligible, s, -np.inf)
    best_j = np.argmax(filled, axis=1)
    best_product = np.where(has_any, wide.columns.to_numpy()[best_j], None)
    best_score = np.where(has_any, filled[np.arange(n_v), best_j], np.nan)

    chosen = np.full(n_v, -1)
    if max_villages_per_product is None:
        has_req = req.any(axis=1)
        req_best = np.argmax(np.where(req, s, -np.inf), axis=1)
        chosen = np.where(has_req, req_best, np.where(has_any, best_j, -1))
    else:
        k = int(max_villages_per_product)
        # lexicographic objective in one matrix: eligible cells ≫ required cells ≫ score
        big = n_v + 1.0  # larger than any difference of total score / 100
        huge = (big + 1.0) * (n_v + 1.0)  # larger than any difference of required bonuses
        value = np.where(eligible, np.nan_to_num(s) / 100.0 + big * req + huge, 0.0)
        rows, cols = linear_sum_assignment(np.repeat(value, k, axis=1), maximize=True)
        for r, c in zip(rows, cols, strict=True):
            j = c // k
            if eligible[r, j]:
                chosen[r] = j
    assigned = chosen >= 0
    safe = np.where(assigned, chosen, 0)
    product = np.where(assigned, wide.columns.to_numpy()[safe], None)
    score_val = np.where(assigned, s[np.arange(n_v), safe], np.nan)
    required_sentra = assigned & req[np.arange(n_v), safe]
    out = pd.DataFrame(
        {
            "product": pd.Series(product, index=wide.index, dtype=object),
            "score": score_val,
            "best_product": pd.Series(best_product, index=wide.index, dtype=object),
            "best_score": best_score,
            "score_lost": best_score - score_val,
            "assigned": assigned,
            "required_sentra": required_sentra,
            "required_unmet": req.any(axis=1) & ~required_sentra,
        },
        index=wide.index,
    )
    if out["required_unmet"].any():
        logger.warning(
            "Allocation: required sentra pairs could not all be honoured (capacity %s): %s",
            max_villages_per_product,
            format_items(out.index[out["required_unmet"]]),
        )
    if not assigned.all():
        logger.info(
            "Allocation: %d villages get no product: %s",
            int((~assigned).sum()),
            format_items(out.index[~assigned]),
        )
    return out
