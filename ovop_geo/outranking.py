"""PROMETHEE II outranking: an alternative aggregation to the weighted value score.

PROMETHEE (Brans & Vincke 1985, *A preference ranking organisation method*, Management Science
31(6): 647-656) compares every pair of alternatives criterion by criterion. For a criterion *j*
the difference in the direction of preference is ``d = g_j(a) − g_j(b)`` for a benefit criterion
and ``d = g_j(b) − g_j(a)`` for a cost criterion, in the criterion's own (natural) units: firms,
km, minutes. It is turned into a preference degree by the *linear preference function with an
indifference area* ("V-shape with indifference", Brans & Vincke's type V):

``P_j(d) = 0`` for ``d ≤ q_j``; ``(d − q_j) / (p_j − q_j)`` for ``q_j < d ≤ p_j``; ``1`` for
``d > p_j``,

where ``q_j`` is the indifference threshold (a difference a planner does not care about) and
``p_j`` the preference threshold (a difference beyond which the preference is strict). With
``p_j = q_j`` the function is a step at ``q_j`` (Brans & Vincke's type II; ``p = q = 0`` is the
"usual" criterion).

With weights ``w_j`` normalised to sum 1: ``π(a, b) = Σ_j w_j P_j(a, b)``; over the *n*
alternatives compared together, the positive (leaving) flow ``φ⁺(a) = Σ_b π(a, b) / (n − 1)``,
the negative (entering) flow ``φ⁻(a) = Σ_b π(b, a) / (n − 1)`` and the net flow
``φ(a) = φ⁺(a) − φ⁻(a)`` (−1 … 1). PROMETHEE II ranks by the net flow (1 = best; ties, equal to
9 decimals, share the best rank).

Unlike absolute value functions, PROMETHEE II is *relative*: the flows of two alternatives can
change, and their order can reverse, when a third alternative is added or removed (Mareschal,
De Smet & Nemery 2008). :func:`rank_differences` and :func:`order_reversals` show where its
ranking departs from another one, so a planner sees which conclusions depend on the method.

Unknown values (NaN) are refused by default. With ``unknown="neutral"`` a comparison in which
either value is unknown gives no preference either way on that criterion, and the criterion's
weight still counts: it is not moved onto the other criteria.

Tables only: no geometry, so no CRS applies.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from .errors import InputDataError, ParameterError, format_items
from .messages import msg

__all__ = [
    "PrometheeParams",
    "order_reversals",
    "preference_degree",
    "promethee_ii",
    "rank_differences",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

_TIE_DECIMALS = 9
_UNKNOWN_MODES = ("error", "neutral")


@dataclass(frozen=True)
class PrometheeParams:
    """Validated PROMETHEE II parameters, one entry per criterion (same order everywhere).

    Attributes
    ----------
    criteria : tuple of str
        Criterion ids (columns of the values table).
    weights : tuple of float
        Relative weights ≥ 0 (normalised to sum 1 when used; at least one above 0).
    directions : tuple of str
        ``"benefit"`` (more is better) or ``"cost"`` (less is better).
    q : tuple of float
        Indifference thresholds ≥ 0, in the criterion's natural units.
    p : tuple of float
        Preference thresholds ≥ q, in the criterion's natural units.
    """

    criteria: tuple[str, ...]
    weights: tuple[float, ...]
    directions: tuple[str, ...]
    q: tuple[float, ...]
    p: tuple[float, ...]

    def __post_init__(self) -> None:
        n = len(self.criteria)
        problems: list[str] = []
        if n == 0:
            problems.append(msg("outranking.no_criteria"))
        lengths = {len(self.weights), len(self.directions), len(self.q), len(self.p)}
        if lengths != {n}:
            raise ParameterError(msg("outranking.lengths", n=n))
        dup = sorted({c for c in self.criteria if self.criteria.count(c) > 1})
        if dup:
            problems.append(msg("outranking.duplicate", criteria=dup))
        bad_dir = [
            c
            for c, d in zip(self.criteria, self.directions, strict=True)
            if d not in ("benefit", "cost")
        ]
        if bad_dir:
            problems.append(msg("outranking.direction", criteria=bad_dir))
        for name, values in (("weight", self.weights), ("q", self.q), ("p", self.p)):
            bad = [
                c
                for c, v in zip(self.criteria, values, strict=True)
                if isinstance(v, bool) or not isinstance(v, Real) or not np.isfinite(v) or v < 0
            ]
            if bad:
                problems.append(msg("outranking.negative", name=name, criteria=bad))
        if not problems:
            below = [
                f"{c} (q={q:g}, p={p:g})"
                for c, q, p in zip(self.criteria, self.q, self.p, strict=True)
                if p < q
            ]
            if below:
                problems.append(msg("outranking.p_below_q", criteria=below))
            if n and sum(self.weights) <= 0:
                problems.append(msg("outranking.zero_weights"))
        if problems:
            raise ParameterError(msg("outranking.params", problems=problems))

    @classmethod
    def from_mappings(
        cls,
        weights: Mapping[str, float],
        directions: Mapping[str, str],
        q: Mapping[str, float] | float,
        p: Mapping[str, float] | float,
    ) -> PrometheeParams:
        """Parameters from ``{criterion: value}`` mappings (the weights' keys give the order).

        ``q`` and ``p`` may be one number for every criterion. A criterion with a weight but no
        direction, q or p is an error that names it.
        """
        criteria = tuple(str(c) for c in weights)
        missing: list[str] = []

        def pick(table: Mapping[str, object] | float, name: str) -> list[object]:
            if not isinstance(table, Mapping):
                return [table] * len(criteria)
            absent = [c for c in criteria if c not in table]
            if absent:
                missing.append(f"{name}: {format_items(absent)}")
            extra = sorted(set(map(str, table)) - set(criteria))
            if extra:
                missing.append(f"{name} (no weight given): {format_items(extra)}")
            return [table.get(c, np.nan) for c in criteria]

        dirs = pick(directions, "directions")
        qs, ps = pick(q, "q"), pick(p, "p")
        if missing:
            raise ParameterError(msg("outranking.missing_params", items=missing))
        try:
            return cls(
                criteria=criteria,
                weights=tuple(float(weights[c]) for c in criteria),
                directions=tuple(str(d) for d in dirs),
                q=tuple(float(v) for v in qs),
                p=tuple(float(v) for v in ps),
            )
        except (TypeError, ValueError) as err:
            if isinstance(err, ParameterError):
                raise
            raise ParameterError(msg("outranking.not_numbers", error=str(err))) from err

    def weight_series(self) -> pd.Series:
        """Weights normalised to sum 1, indexed by criterion."""
        w = pd.Series(self.weights, index=list(self.criteria), dtype=float)
        return w / w.sum()


def preference_degree(d: np.ndarray, q: float, p: float) -> np.ndarray:
    """Linear preference with indifference (Brans & Vincke type V) of differences ``d``.

    Parameters
    ----------
    d : numpy.ndarray
        Differences in the direction of preference, natural units (NaN stays NaN).
    q, p : float
        Indifference and preference thresholds, ``0 ≤ q ≤ p``, same units.

    Returns
    -------
    numpy.ndarray
        Preference degrees 0–1, same shape.
    """
    d = np.asarray(d, dtype=float)
    out = np.clip((d - q) / (p - q), 0.0, 1.0) if p > q else (d > q).astype(float)
    return np.where(np.isnan(d), np.nan, out)


def _check_values(values: pd.DataFrame, params: PrometheeParams, unknown: str) -> np.ndarray:
    if not isinstance(values, pd.DataFrame):
        raise InputDataError(msg("outranking.not_table", kind=type(values).__name__))
    if values.index.has_duplicates:
        dup = values.index[values.index.duplicated()].unique()
        raise InputDataError(msg("outranking.duplicate_rows", rows=[str(r) for r in dup[:5]]))
    missing = [c for c in params.criteria if c not in values.columns]
    if missing:
        raise InputDataError(msg("outranking.missing_columns", columns=missing))
    problems: list[str] = []
    table = pd.DataFrame(index=values.index)
    for c in params.criteria:
        col = pd.to_numeric(values[c], errors="coerce")
        bad = values.index[col.isna() & values[c].notna()]
        if len(bad):
            problems.append(msg("outranking.not_numeric", column=c, rows=_rows(bad)))
        inf = values.index[np.isinf(col.to_numpy(dtype=float))]
        if len(inf):
            problems.append(msg("outranking.infinite", column=c, rows=_rows(inf)))
        if unknown == "error":
            nan = values.index[values[c].isna()]
            if len(nan):
                problems.append(msg("outranking.unknown", column=c, rows=_rows(nan)))
        table[c] = col.astype(float)
    if problems:
        raise InputDataError(
            msg("problems.many", prefix="values: ", n=len(problems), problems=problems)
            if len(problems) > 1
            else msg("problems.one", prefix="values: ", problem=problems[0]),
            problems=problems,
        )
    return table.to_numpy(dtype=float)


def _rows(index: pd.Index) -> str:
    return format_items(index if index.nlevels == 1 else ["/".join(map(str, r)) for r in index])


def _flows(x: np.ndarray, params: PrometheeParams) -> tuple[np.ndarray, np.ndarray]:
    """Positive and negative flows of the rows of ``x`` (alternatives × criteria)."""
    n = x.shape[0]
    if n < 2:
        return np.zeros(n), np.zeros(n)
    w = params.weight_series().to_numpy()
    pi = np.zeros((n, n))
    for j, direction in enumerate(params.directions):
        col = x[:, j]
        d = col[:, None] - col[None, :]  # d[a, b] = g(a) − g(b)
        if direction == "cost":
            d = -d
        pref = preference_degree(d, params.q[j], params.p[j])
        pi += w[j] * np.nan_to_num(pref, nan=0.0)  # unknown: no preference either way
    np.fill_diagonal(pi, 0.0)
    return pi.sum(axis=1) / (n - 1), pi.sum(axis=0) / (n - 1)


def promethee_ii(
    values: pd.DataFrame,
    weights: Mapping[str, float] | PrometheeParams,
    directions: Mapping[str, str] | None = None,
    q: Mapping[str, float] | float | None = None,
    p: Mapping[str, float] | float | None = None,
    *,
    within: Hashable | None = None,
    unknown: str = "error",
) -> pd.DataFrame:
    """PROMETHEE II flows and ranking of the rows of ``values``.

    Parameters
    ----------
    values : pandas.DataFrame
        One row per alternative (e.g. indexed by (``village_code``, ``product``)), one column per
        criterion in natural units (firms, km, minutes, 0–1 shares). Other columns are ignored.
    weights : mapping or PrometheeParams
        ``{criterion: relative weight}``, or complete parameters (then ``directions``, ``q`` and
        ``p`` must be None).
    directions : mapping
        ``{criterion: "benefit" | "cost"}``.
    q, p : mapping or float
        Indifference and preference thresholds per criterion, in the criterion's units
        (``0 ≤ q ≤ p``); one number applies to every criterion.
    within : index level name or number, optional
        Compare and rank only rows sharing this index level (e.g. ``"product"``: villages are
        compared within each product). Default: all rows together.
    unknown : {"error", "neutral"}
        ``"error"`` refuses NaN values naming the rows; ``"neutral"``: a comparison with an
        unknown value gives no preference either way on that criterion (weights unchanged).

    Returns
    -------
    pandas.DataFrame
        Same index with ``phi_plus`` and ``phi_minus`` (0–1), ``phi_net`` (−1 … 1) and ``rank``
        (1 = best; within each group when ``within`` is given; ties share the best rank).

    Raises
    ------
    ParameterError
        Invalid weights, directions or thresholds (all problems listed).
    InputDataError
        A missing criterion column, values that are not numbers, or unknown values with
        ``unknown="error"``.
    """
    if isinstance(weights, PrometheeParams):
        if directions is not None or q is not None or p is not None:
            raise ParameterError(msg("outranking.params_twice"))
        params = weights
    else:
        if directions is None or q is None or p is None:
            raise ParameterError(msg("outranking.params_needed"))
        params = PrometheeParams.from_mappings(weights, directions, q, p)
    if unknown not in _UNKNOWN_MODES:
        raise ParameterError(msg("outranking.unknown_mode", mode=str(unknown)))
    x = _check_values(values, params, unknown)
    out = pd.DataFrame(index=values.index)
    plus = np.zeros(len(values))
    minus = np.zeros(len(values))
    if within is None:
        groups = [np.arange(len(values))]
    else:
        try:
            keys = values.index.get_level_values(within)
        except (KeyError, IndexError) as err:
            raise ParameterError(msg("outranking.within", level=str(within))) from err
        groups = [np.flatnonzero(keys == k) for k in pd.unique(keys)]
    for rows in groups:
        plus[rows], minus[rows] = _flows(x[rows], params)
    out["phi_plus"] = plus
    out["phi_minus"] = minus
    out["phi_net"] = plus - minus
    net = out["phi_net"].round(_TIE_DECIMALS)
    if within is None:
        out["rank"] = net.rank(ascending=False, method="min").astype(int)
    else:
        out["rank"] = net.groupby(keys).rank(ascending=False, method="min").astype(int)
    return out


def _as_rank(ranking: pd.Series | pd.DataFrame, name: str) -> pd.Series:
    if isinstance(ranking, pd.DataFrame):
        if "rank" not in ranking.columns:
            raise InputDataError(msg("outranking.no_rank_column", name=name))
        ranking = ranking["rank"]
    if not isinstance(ranking, pd.Series):
        raise InputDataError(msg("outranking.not_table", kind=type(ranking).__name__))
    return pd.to_numeric(ranking, errors="coerce")


def rank_differences(
    a: pd.Series | pd.DataFrame,
    b: pd.Series | pd.DataFrame,
    *,
    names: Sequence[str] = ("a", "b"),
) -> pd.DataFrame:
    """Where two rankings of the same alternatives differ.

    Parameters
    ----------
    a, b : pandas.Series or pandas.DataFrame
        Ranks (1 = best) indexed alike, or tables with a ``rank`` column (e.g. the value score
        and :func:`promethee_ii`). Alternatives in only one of them are reported too.
    names : pair of str
        Labels of the two rankings, used in the column names.

    Returns
    -------
    pandas.DataFrame
        One row per alternative whose rank differs (or that is ranked by only one of them), with
        ``rank_<a>``, ``rank_<b>`` and ``rank_change`` (``rank_<b> − rank_<a>``: negative means
        *b* ranks it higher; NaN when one ranking lacks it). Ordered by ``rank_<a>``. Empty when
        the rankings agree.
    """
    na, nb = (str(n) for n in names)
    if na == nb:
        raise ParameterError(msg("outranking.same_names", name=na))
    ra, rb = _as_rank(a, na), _as_rank(b, nb)
    both = pd.concat({f"rank_{na}": ra, f"rank_{nb}": rb}, axis=1)
    both["rank_change"] = both[f"rank_{nb}"] - both[f"rank_{na}"]
    differs = both["rank_change"].ne(0) | both["rank_change"].isna()
    return both[differs].sort_values(f"rank_{na}", kind="mergesort", na_position="last")


def order_reversals(
    a: pd.Series | pd.DataFrame,
    b: pd.Series | pd.DataFrame,
    *,
    within: Hashable | None = None,
    names: Sequence[str] = ("a", "b"),
) -> pd.DataFrame:
    """Pairs of alternatives that two rankings put in opposite order.

    A pair counts when one ranking puts *x* strictly above *y* and the other puts *y* strictly
    above *x*; a tie in either ranking is not a reversal. Only alternatives ranked by both are
    compared.

    Parameters
    ----------
    a, b : pandas.Series or pandas.DataFrame
        Ranks (1 = best) or tables with a ``rank`` column, indexed alike.
    within : index level name or number, optional
        Compare only pairs sharing this index level (ranks within a product).
    names : pair of str
        Labels of the two rankings.

    Returns
    -------
    pandas.DataFrame
        Columns ``first``, ``second`` (the alternatives, ``first`` being the one ranking *a*
        puts higher), ``rank_<a>_first``, ``rank_<a>_second``, ``rank_<b>_first``,
        ``rank_<b>_second``; empty when no pair is reversed.
    """
    na, nb = (str(n) for n in names)
    if na == nb:
        raise ParameterError(msg("outranking.same_names", name=na))
    both = pd.concat({"a": _as_rank(a, na), "b": _as_rank(b, nb)}, axis=1).dropna()
    if within is None:
        groups = [both]
    else:
        try:
            keys = both.index.get_level_values(within)
        except (KeyError, IndexError) as err:
            raise ParameterError(msg("outranking.within", level=str(within))) from err
        groups = [both[keys == k] for k in pd.unique(keys)]
    rows = []
    for g in groups:
        ra, rb = g["a"].to_numpy(), g["b"].to_numpy()
        flip = (ra[:, None] < ra[None, :]) & (rb[:, None] > rb[None, :])
        for i, j in zip(*np.nonzero(flip), strict=True):
            rows.append(
                {
                    "first": g.index[i],
                    "second": g.index[j],
                    f"rank_{na}_first": ra[i],
                    f"rank_{na}_second": ra[j],
                    f"rank_{nb}_first": rb[i],
                    f"rank_{nb}_second": rb[j],
                }
            )
    columns = [
        "first",
        "second",
        f"rank_{na}_first",
        f"rank_{na}_second",
        f"rank_{nb}_first",
        f"rank_{nb}_second",
    ]
    return pd.DataFrame(rows, columns=columns)
