"""Sentra decisions: screen, then sort, then score on absolute value functions.

Non-compensatory first, as GIS multi-criteria practice recommends (Malczewski 1999):

1. **Screen**: a village × product pair is a *candidate* only where the community already makes
   the product (at least one business unit; the paper's sentra criterion b). Pairs without a
   firm are never ranked; they are listed apart (:attr:`Decision.ideas`) with the reason a
   planner might look at them (the product is made in a neighbouring village).
2. **Sort** every candidate into a class by rule, never by comparison with other villages
   (:class:`ClassRules`): ``sentra`` (at least 5 similar units, PP 29/2018), ``pre_sentra``
   (2 to 4 units) and ``potential`` (1 unit).
3. **Score** every candidate on absolute value functions (multi-attribute value theory, Keeney &
   Raiffa 1976; Belton & Stewart 2002): each criterion's raw value is mapped to 0-1 by a
   piecewise-linear function through named anchors (:class:`ValueFunction`), never by the
   range of the other villages, so a score means the same in every village and for every
   product, and adding or removing a village never changes the order of two others.

Weights and unknowns (the choices this module makes, shown in every output):

- A criterion whose contribution is the same for every candidate of the region (constant, or
  unknown everywhere) adds nothing to anyone: it is left out, with that reason, and the other
  weights are renormalised; ``weights_applied`` (shares summing to 1) is what was used.
- An unknown value (``NaN``) contributes nothing and its weight is **not** moved onto the other
  criteria of that pair: the pair's score counts only what is known. ``share_weight_unknown``
  says how much weight rests on unknowns, and ``score_upper`` is the score the pair would get
  if every unknown criterion were at its best anchor, so the score is a range
  [``score``, ``score_upper``] until the data are supplied.
- A location quotient from fewer than ``lq_min_units`` firms is not evidence of
  specialisation: it is treated as unknown (minimum-count guard).

Ranking: within each product, class first (a ``sentra`` ranks before every ``pre_sentra``),
then score. Two candidates of the same class whose scores differ by at most
``tie_tolerance_points`` are **tied**: they share the rank and carry ``tie`` = True; no tie is
ever broken silently.

All functions work on tables only: no geometry is involved, so no CRS applies.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from .errors import InputDataError, ParameterError, format_items
from .mcda import DIRECTIONS, Weights, _coerce_column, default_weights

__all__ = [
    "CLASSES",
    "METHOD",
    "ClassRules",
    "Decision",
    "DecisionParams",
    "ValueFunction",
    "class_of",
    "decide",
    "default_value_functions",
    "rank_with_ties",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

#: The classes, best first.
CLASSES: tuple[str, ...] = ("sentra", "pre_sentra", "potential")

#: How the score is made, as recorded in run.json.
METHOD = (
    "screen (at least one firm), sort by rule (sentra / pre_sentra / potential), score on "
    "absolute piecewise-linear value functions with named anchors (multi-attribute value "
    "theory), weighted sum 0-100; unknown values contribute nothing and keep their weight; "
    "criteria constant over the region are left out"
)


@dataclass(frozen=True)
class ClassRules:
    """Rules that sort a candidate into a class by its own firm count.

    Attributes
    ----------
    sentra_min_units : int
        At least this many similar business units make a ``sentra`` (PP 29/2018: 5).
    pre_sentra_min_units : int
        At least this many (and fewer than ``sentra_min_units``) make a ``pre_sentra``; one
        firm is a ``potential`` (assumption: 2, the smallest group of firms).
    """

    sentra_min_units: int = 5
    pre_sentra_min_units: int = 2
    sentra_source: str = (
        "PP 29/2018 (Pemberdayaan Industri): a sentra IKM has at least 5 business units in one "
        "location making similar products"
    )
    pre_sentra_source: str = (
        "assumption: two or more firms are a group that could grow into a sentra; one firm is "
        "a potential"
    )

    def __post_init__(self) -> None:
        for name in ("sentra_min_units", "pre_sentra_min_units"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise ParameterError(
                    f"ClassRules: {name} must be a whole number ≥ 1, got {value!r}."
                )
        if not 1 < self.pre_sentra_min_units <= self.sentra_min_units:
            raise ParameterError(
                "ClassRules: pre_sentra_min_units must be above 1 and at most "
                f"sentra_min_units ({self.sentra_min_units}), got {self.pre_sentra_min_units}."
            )

    def as_record(self) -> list[dict]:
        """The rules as rows for run.json and the docs."""
        return [
            {
                "class": "sentra",
                "rule": f"businesses >= {self.sentra_min_units}",
                "source": self.sentra_source,
            },
            {
                "class": "pre_sentra",
                "rule": f"{self.pre_sentra_min_units} <= businesses < {self.sentra_min_units}",
                "source": self.pre_sentra_source,
            },
            {
                "class": "potential",
                "rule": f"1 <= businesses < {self.pre_sentra_min_units}",
                "source": "the screen: the community already makes the product (paper criterion b)",
            },
        ]


def class_of(businesses, rules: ClassRules | None = None) -> np.ndarray:
    """The class of each firm count (``None`` below one firm): never depends on other villages."""
    rules = ClassRules() if rules is None else rules
    b = np.asarray(businesses, dtype=float)
    out = np.full(b.shape, None, dtype=object)
    out[b >= 1] = "potential"
    out[b >= rules.pre_sentra_min_units] = "pre_sentra"
    out[b >= rules.sentra_min_units] = "sentra"
    return out


@dataclass(frozen=True)
class ValueFunction:
    """A piecewise-linear value function through named anchors.

    Attributes
    ----------
    criterion : str
        Criterion id (a column of the criteria table).
    anchors : tuple of (raw value, value 0-1)
        At least two points with increasing raw values; values between 0 and 1, either all
        non-decreasing (benefit) or all non-increasing (cost). Below the first and above the
        last anchor the value stays at the end value.
    unit : str
        Unit of the raw value.
    source : str
        Where each anchor comes from (a rule, a standard, or "assumption").
    """

    criterion: str
    anchors: tuple[tuple[float, float], ...]
    unit: str
    source: str

    def __post_init__(self) -> None:
        try:
            points = tuple((float(x), float(v)) for x, v in self.anchors)
        except (TypeError, ValueError) as err:
            raise ParameterError(
                f"value function '{self.criterion}': anchors must be (raw, value) number pairs "
                f"({err})."
            ) from err
        problems = []
        if len(points) < 2:
            problems.append("needs at least two anchors")
        xs = [x for x, _ in points]
        vs = [v for _, v in points]
        if not all(np.isfinite(xs)) or not all(np.isfinite(vs)):
            problems.append("anchors must be finite numbers")
        elif len(points) >= 2:
            if any(b <= a for a, b in itertools.pairwise(xs)):
                problems.append("raw values must increase from one anchor to the next")
            if any(v < 0 or v > 1 for v in vs):
                problems.append("values must lie between 0 and 1")
            steps = np.diff(vs)
            if (steps > 0).any() and (steps < 0).any():
                problems.append("values must rise throughout (benefit) or fall throughout (cost)")
        if problems:
            raise ParameterError(
                f"value function '{self.criterion}': "
                + "; ".join(problems)
                + f". Anchors given: {self.anchors!r}."
            )
        object.__setattr__(self, "anchors", points)

    @property
    def top(self) -> float:
        """The best value the function can give."""
        return max(v for _, v in self.anchors)

    def __call__(self, raw) -> np.ndarray:
        """The values of ``raw``, linear between the anchors and held beyond them; NaN stays NaN."""
        x = np.asarray(raw, dtype=float)
        xs = np.array([a for a, _ in self.anchors])
        vs = np.array([v for _, v in self.anchors])
        out = np.interp(x, xs, vs)
        return np.where(np.isnan(x), np.nan, out)

    def as_record(self) -> dict:
        """The function as a plain dict (criterion, unit, anchors, source) for the run record."""
        return {
            "criterion": self.criterion,
            "unit": self.unit,
            "anchors": [{"raw": x, "value": v} for x, v in self.anchors],
            "source": self.source,
        }


def default_value_functions(min_units: int = 5) -> Mapping[str, ValueFunction]:
    """The bundled value functions (anchors and their sources).

    ``min_units`` is the PP 29/2018 threshold, which anchors the firm count.
    """
    m = float(min_units)
    vfs = [
        ValueFunction(
            "businesses",
            ((0.0, 0.0), (m, 0.5), (2 * m, 1.0)),
            "business units",
            f"0 units = 0; the PP 29/2018 sentra threshold ({min_units:g} units) = 0.5; twice the "
            "threshold = 1 (assumption: a sentra twice the legal minimum is fully established)",
        ),
        ValueFunction(
            "lq_businesses",
            ((0.0, 0.0), (1.0, 0.5), (2.0, 1.0)),
            "dimensionless",
            "LQ 1 (the region's own share: the base-product threshold) = 0.5; LQ 2 (twice the "
            "region's share) = 1 (assumption); unknown where fewer than lq_min_units firms "
            "make the product (one firm is not evidence of specialisation)",
        ),
        ValueFunction(
            "raw_material_supply_ratio",
            ((0.0, 0.0), (1.0, 0.5), (2.0, 1.0)),
            "ratio (local production ÷ demand of the village's firms)",
            "0 = no local supply; 1 = local production just meets the firms' demand = 0.5; "
            "2 = twice the demand = 1 (assumption, the earlier scoring cap)",
        ),
        ValueFunction(
            "available_land_ha",
            ((0.0, 0.0), (100.0, 1.0)),
            "ha",
            "0 ha = 0; 100 ha of land available for the input crops = 1 (assumption; on the "
            "bundled data this land comes from illustrative layers)",
        ),
        ValueFunction(
            "share_slope_suitable",
            ((0.0, 0.0), (1.0, 1.0)),
            "share (0-1)",
            "the share itself: no land under the slope limit = 0, all of it = 1",
        ),
        ValueFunction(
            "distance_centre_km",
            ((0.0, 1.0), (20.0, 0.0)),
            "km (straight line)",
            "at the kecamatan centre = 1; 20 km or more = 0 (assumption: about 40 minutes on "
            "rural roads)",
        ),
        ValueFunction(
            "distance_capital_km",
            ((0.0, 1.0), (100.0, 0.0)),
            "km (straight line)",
            "in the provincial capital = 1; 100 km or more = 0 (assumption: the limit of a "
            "day's return trip to the provincial market)",
        ),
        ValueFunction(
            "households",
            ((0.0, 0.0), (2500.0, 1.0)),
            "households (KK)",
            "0 = 0; 2,500 households or more = 1 (assumption: a large desa; the labour pool a "
            "sentra can draw on)",
        ),
        ValueFunction(
            "managing_body",
            ((0.0, 0.0), (1.0, 1.0)),
            "yes/no or 0-1",
            "no managing body = 0, a working group, KUB or cooperative = 1 (paper criterion e)",
        ),
        ValueFunction(
            "government_commitment",
            ((0.0, 0.0), (1.0, 1.0)),
            "0-1",
            "the rating itself (paper criterion d); unknown unless supplied",
        ),
        ValueFunction(
            "local_wisdom",
            ((0.0, 0.0), (1.0, 1.0)),
            "0-1",
            "the rating itself (paper criterion c); unknown unless supplied",
        ),
        ValueFunction(
            "readiness",
            ((0.0, 0.0), (1.0, 1.0)),
            "share (0-1)",
            "OVOP readiness of the product's firms in the village (Table 4 rubric), the share "
            "itself",
        ),
    ]
    return MappingProxyType({vf.criterion: vf for vf in vfs})


@dataclass(frozen=True)
class DecisionParams:
    """Parameters of :func:`decide`.

    Attributes
    ----------
    classes : ClassRules
        Class thresholds (PP 29/2018 for ``sentra``).
    lq_min_units : int
        Fewest firms for which a location quotient counts (minimum-count guard; assumption 2).
    tie_tolerance_points : float
        Two candidates of one class within this many score points (0-100) are tied
        (assumption: 1 point, below the precision of the inputs).
    """

    classes: ClassRules = field(default_factory=ClassRules)
    lq_min_units: int = 2
    tie_tolerance_points: float = 1.0

    def __post_init__(self) -> None:
        if not isinstance(self.classes, ClassRules):
            raise ParameterError("DecisionParams: classes must be ClassRules.")
        lq = self.lq_min_units
        if isinstance(lq, bool) or not isinstance(lq, int | np.integer) or lq < 1:
            raise ParameterError(
                f"DecisionParams: lq_min_units must be a whole number ≥ 1, got "
                f"{self.lq_min_units!r}."
            )
        tol = self.tie_tolerance_points
        if isinstance(tol, bool) or not isinstance(tol, int | float) or not 0 <= tol < 100:
            raise ParameterError(
                f"DecisionParams: tie_tolerance_points must be between 0 and "
                f"100 score points, got {tol!r}."
            )


@dataclass(frozen=True)
class Decision:
    """Result of :func:`decide`.

    Attributes
    ----------
    candidates : pandas.DataFrame
        One row per candidate pair (``businesses`` ≥ 1), indexed by (``village_code``,
        ``product``): ``sentra_class``, the raw criteria, ``value_<criterion>`` (0-1, NaN =
        unknown), ``points_<criterion>`` (score points; they add up to ``score``), ``score``
        (0-100), ``score_upper``, ``share_weight_unknown``, ``rank`` within the product,
        ``tie`` and ``tied_with`` (the village codes tied with it).
    ideas : pandas.DataFrame
        Pairs without a firm, never ranked (filled in by the caller with a reason).
    weights_applied : pandas.Series
        Weight share of every criterion used (sums to 1).
    weights_left_out : dict
        Criterion -> why it was left out (weight 0, constant over the region, unknown).
    value_functions : mapping
        The value functions used.
    params : DecisionParams
    """

    candidates: pd.DataFrame
    ideas: pd.DataFrame
    weights_applied: pd.Series
    weights_left_out: dict[str, str]
    value_functions: Mapping[str, ValueFunction]
    params: DecisionParams

    def record(self) -> dict:
        """Method, classes, value functions, weights and the tie tolerance, for run.json."""
        return {
            "method": METHOD,
            "classes": self.params.classes.as_record(),
            "lq_min_units": int(self.params.lq_min_units),
            "value_functions": [
                self.value_functions[c].as_record() for c in self.weights_applied.index
            ],
            "value_functions_not_used": [
                vf.as_record()
                for c, vf in self.value_functions.items()
                if c not in self.weights_applied.index
            ],
            "weights_applied": {str(k): float(v) for k, v in self.weights_applied.items()},
            "weights_left_out": dict(self.weights_left_out),
            "unknown_values": (
                "contribute nothing; their weight is kept, not moved to the "
                "other criteria (share_weight_unknown, score_upper)"
            ),
            "tie_tolerance_points": float(self.params.tie_tolerance_points),
        }


def rank_with_ties(
    frame: pd.DataFrame, tolerance: float, *, by: str = "product", other: str = "village_code"
) -> pd.DataFrame:
    """Rank (1 = best) within groups of ``by``, class first, then score, with tolerant ties.

    The rank of a row is 1 + the number of rows of its group that are clearly better: in a
    better class, or in the same class with a score more than ``tolerance`` above. Rows of one
    class within ``tolerance`` of each other are tied (``tie``); ``tied_with`` names them by
    their ``other`` index level.
    """
    order = {c: i for i, c in enumerate(CLASSES)}
    cls = frame["sentra_class"].map(order).to_numpy(dtype=float)
    score = frame["score"].to_numpy(dtype=float)
    groups = frame.index.get_level_values(by)
    others = frame.index.get_level_values(other).astype(str)
    rank = np.zeros(len(frame), dtype=int)
    tie = np.zeros(len(frame), dtype=bool)
    tied_with = np.full(len(frame), "", dtype=object)
    eps = 1e-9
    for _, rows in pd.Series(np.arange(len(frame)), index=groups).groupby(level=0):
        idx = rows.to_numpy()
        c, s = cls[idx], score[idx]
        for k, i in enumerate(idx):
            better = (c < c[k]) | ((c == c[k]) & (s > s[k] + tolerance + eps))
            rank[i] = 1 + int(better.sum())
            same = (c == c[k]) & (np.abs(s - s[k]) <= tolerance + eps)
            same[k] = False
            tie[i] = bool(same.any())
            tied_with[i] = ";".join(sorted(others[idx[same]]))
    return pd.DataFrame({"rank": rank, "tie": tie, "tied_with": tied_with}, index=frame.index)


def _values(
    criteria: pd.DataFrame, vfs: Mapping[str, ValueFunction], ids: list[str], lq_min_units: int
) -> pd.DataFrame:
    problems: list[str] = []
    values = pd.DataFrame(index=criteria.index)
    for c in ids:
        raw = (
            _coerce_column(criteria[c], c, problems)
            if c in criteria.columns
            else pd.Series(np.nan, index=criteria.index)
        )
        values[c] = vfs[c](raw.to_numpy(dtype=float))
    if problems:
        raise InputDataError("criteria: " + " ".join(problems), problems=problems)
    if "lq_businesses" in values.columns and "businesses" in criteria.columns:
        few = pd.to_numeric(criteria["businesses"], errors="coerce").to_numpy() < lq_min_units
        values.loc[few, "lq_businesses"] = np.nan
    return values


def decide(
    criteria: pd.DataFrame,
    weights: Weights | Mapping[str, float] | None = None,
    *,
    params: DecisionParams | None = None,
    value_functions: Mapping[str, ValueFunction] | None = None,
) -> Decision:
    """Screen, sort and score every village × product pair (see the module notes).

    Parameters
    ----------
    criteria : pandas.DataFrame
        Raw criteria indexed by (``village_code``, ``product``) with at least ``businesses``
        (whole counts); NaN = unknown.
    weights : Weights or mapping, optional
        Relative weights (normalised); default :func:`ovop_geo.mcda.default_weights`.
    params : DecisionParams, optional
    value_functions : mapping, optional
        Criterion -> :class:`ValueFunction`; default :func:`default_value_functions` for the
        ``sentra_min_units`` of ``params``. Every weighted criterion needs one.

    Returns
    -------
    Decision
    """
    params = DecisionParams() if params is None else params
    if not isinstance(criteria, pd.DataFrame) or criteria.index.nlevels != 2:
        raise InputDataError("criteria: expected a table indexed by (village_code, product).")
    if "businesses" not in criteria.columns:
        raise InputDataError(
            "criteria: the 'businesses' column (firm counts) is needed to "
            "screen and sort the pairs."
        )
    if criteria.index.has_duplicates:
        dup = criteria.index[criteria.index.duplicated()].unique()
        raise InputDataError(f"criteria: pairs occur more than once: {format_items(dup)}.")
    vfs = (
        default_value_functions(params.classes.sentra_min_units)
        if value_functions is None
        else MappingProxyType(dict(value_functions))
    )
    if weights is None:
        weights = default_weights()
    if not isinstance(weights, Weights):
        weights = Weights.from_mapping(weights)
    w = weights.as_series()
    left_out = {str(k): "weight 0" for k, v in weights.items if float(v) == 0}
    no_vf = [c for c in w.index if c not in vfs]
    if no_vf:
        raise ParameterError(
            f"no value function for the weighted criteria {format_items(no_vf)}; give one "
            "(anchors and source) or a weight of 0."
        )
    firms = pd.to_numeric(criteria["businesses"], errors="coerce")
    if firms.isna().any():
        bad = criteria.index[firms.isna().to_numpy()]
        raise InputDataError(
            f"criteria: 'businesses' missing or not a number for "
            f"{format_items(bad)}. Write 0 where nobody makes the product."
        )
    screened = firms.to_numpy() >= 1
    cand = criteria[screened].copy()
    ideas = criteria[~screened].copy()
    ids = list(w.index)
    values = _values(cand, vfs, ids, params.lq_min_units)
    contribution = values.fillna(0.0)
    used = []
    for c in ids:
        col = contribution[c].to_numpy()
        if len(col) and np.allclose(col, col[0], rtol=0, atol=1e-12):
            left_out[c] = (
                "unknown for every candidate"
                if values[c].isna().all()
                else f"the same value ({col[0]:.3g}) for every candidate of the "
                "region: adds nothing to anyone"
            )
        else:
            used.append(c)
    if not used:
        # Nothing separates the candidates: keep the firm count so classes still rank.
        used = ["businesses"] if "businesses" in ids else ids[:1]
        for c in used:
            left_out.pop(c, None)
    applied = w[used] / w[used].sum()
    wv = applied.to_numpy()
    v = values[used]
    known = v.notna().to_numpy()
    points = 100.0 * v.fillna(0.0).to_numpy() * wv
    tops = np.array([vfs[c].top for c in used])
    cand["sentra_class"] = class_of(cand["businesses"], params.classes)
    for c in used:
        cand[f"value_{c}"] = v[c].to_numpy()
    for c in ids:
        if c not in used:
            cand[f"value_{c}"] = values[c].to_numpy()
    for j, c in enumerate(used):
        cand[f"points_{c}"] = points[:, j]
    cand["score"] = points.sum(axis=1)
    cand["share_weight_unknown"] = (~known).astype(float) @ wv
    cand["score_upper"] = cand["score"] + 100.0 * ((~known).astype(float) * tops) @ wv
    if len(cand):
        cand = cand.join(rank_with_ties(cand, float(params.tie_tolerance_points)))
    else:
        cand = cand.assign(
            rank=pd.Series(dtype=int), tie=pd.Series(dtype=bool), tied_with=pd.Series(dtype=object)
        )
    logger.info(
        "Decision: %d candidates, %d pairs without a firm; criteria used: %s.",
        len(cand),
        len(ideas),
        ", ".join(used),
    )
    return Decision(
        candidates=cand.sort_index(),
        ideas=ideas.sort_index(),
        weights_applied=applied,
        weights_left_out=left_out,
        value_functions=vfs,
        params=params,
    )


def directions_agree(vfs: Mapping[str, ValueFunction]) -> list[str]:
    """Criteria whose value function runs against :data:`ovop_geo.mcda.DIRECTIONS`."""
    wrong = []
    for c, vf in vfs.items():
        direction = DIRECTIONS.get(c)
        rising = vf.anchors[-1][1] >= vf.anchors[0][1]
        if direction is not None and rising != (direction == "benefit"):
            wrong.append(c)
    return wrong


#: PROMETHEE II thresholds in natural units: criterion -> (indifference q, preference p, why).
#: Assumptions a planner replaces; PROMETHEE's own ranking is shown beside the value score.
PROMETHEE_THRESHOLDS: Mapping[str, tuple[float, float, str]] = MappingProxyType(
    {
        "businesses": (
            0.0,
            5.0,
            "any difference counts; 5 units (the PP 29/2018 threshold) or "
            "more is a strict preference",
        ),
        "lq_businesses": (0.1, 1.0, "LQ differences under 0.1 do not matter; 1 is strict"),
        "raw_material_supply_ratio": (0.1, 1.0, "supply ratio: 0.1 indifferent, 1 strict"),
        "available_land_ha": (5.0, 50.0, "5 ha indifferent, 50 ha strict"),
        "share_slope_suitable": (0.05, 0.5, "5 % of the village indifferent, 50 % strict"),
        "distance_centre_km": (1.0, 10.0, "1 km indifferent, 10 km strict"),
        "distance_capital_km": (5.0, 50.0, "5 km indifferent, 50 km strict"),
        "households": (100.0, 1000.0, "100 households indifferent, 1,000 strict"),
        "managing_body": (0.0, 1.0, "yes against no is strict"),
        "government_commitment": (0.1, 0.5, "rating 0-1: 0.1 indifferent, 0.5 strict"),
        "local_wisdom": (0.1, 0.5, "rating 0-1: 0.1 indifferent, 0.5 strict"),
        "readiness": (0.05, 0.3, "readiness 0-1: 0.05 indifferent, 0.3 strict"),
    }
)


def promethee_beside(
    decision: Decision,
    criteria: pd.DataFrame,
    thresholds: Mapping[str, tuple[float, float, str]] | None = None,
) -> tuple[pd.DataFrame, dict]:
    """PROMETHEE II (:mod:`ovop_geo.outranking`) on the same candidates, criteria and weights.

    Villages are compared within each product on the raw criteria in natural units, with the
    weights applied; unknown values give no preference either way (their weight is kept).
    ``promethee_rank`` is class first, then net flow, like the value ranking, so the two
    differ only by the aggregation; ``promethee_rank_differs`` marks where they do.
    """
    from .outranking import promethee_ii

    thresholds = PROMETHEE_THRESHOLDS if thresholds is None else thresholds
    cand = decision.candidates
    used = [c for c in decision.weights_applied.index if c in thresholds]
    out = pd.DataFrame(index=cand.index)
    if not used or cand.empty:
        return out, {}
    values = pd.DataFrame(
        {c: pd.to_numeric(cand[c], errors="coerce") if c in cand.columns else np.nan for c in used},
        index=cand.index,
    )
    if "lq_businesses" in values.columns:
        values.loc[cand["value_lq_businesses"].isna(), "lq_businesses"] = np.nan
    directions = {c: DIRECTIONS[c] for c in used}
    flows = promethee_ii(
        values,
        decision.weights_applied[used].to_dict(),
        directions,
        {c: thresholds[c][0] for c in used},
        {c: thresholds[c][1] for c in used},
        within="product",
        unknown="neutral",
    )
    out["promethee_phi_net"] = flows["phi_net"]
    ranked = cand[["sentra_class"]].assign(score=100 * flows["phi_net"])
    out["promethee_rank"] = rank_with_ties(ranked, 0.0)["rank"]
    strict = rank_with_ties(cand[["sentra_class", "score"]], 0.0)["rank"]
    out["promethee_rank_differs"] = out["promethee_rank"] != strict
    record = {
        "method": "PROMETHEE II (Brans & Vincke 1985), linear preference with "
        "indifference (type V), villages compared within each product, class "
        "first; unknown values neutral",
        "thresholds": {
            c: {
                "q": thresholds[c][0],
                "p": thresholds[c][1],
                "source": "assumption: " + thresholds[c][2],
            }
            for c in used
        },
        "pairs_ranked_differently": int(out["promethee_rank_differs"].sum()),
    }
    return out, record
