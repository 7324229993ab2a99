"""Multi-criteria scoring of village × product pairs: criteria, normalisation, weights, AHP.

The criteria follow the paper's list for choosing a sentra (after Kemenperin 2012): a leading
resource, a community that already makes the product, local wisdom, local government commitment,
a managing body, local raw material, plus location, road access and human resources. The
pipeline computes raw values; this module defines their ids, directions, normalisation and the
weighted score.

Input frame (*criteria*): indexed by (``village_code``, ``product``), one column per criterion
with raw values in the units of ``data/params/criteria.csv`` (``distance_centre_km`` in km, and
so on). Missing values mean *unknown*, never zero.

Rules, in order:

1. **Pre-transform**: ``raw_material_supply_ratio`` (local production of the input crops ÷
   demand) is capped at ``supply_ratio_cap`` (default 2): supply beyond twice the demand gives
   no further advantage, and one village with a huge surplus cannot flatten everyone else.
   Yes/no attributes (``managing_body`` …) may be given as bool, 0/1, ``yes``/``no``,
   ``ya``/``tidak``; ``unknown`` or empty is unknown.
2. **Normalisation** within each product across villages (unknowns ignored): benefit criteria
   ``(x − min) / (max − min)``, cost criteria ``(max − x) / (max − min)``. When every known value
   is the same the criterion does not separate the villages and all of them get
   ``all_equal`` (default 1, so such a criterion neither lowers a product's scores nor changes
   its ranking).
3. **Unknowns** (the optional attributes by default, raw-material criteria of products without a
   local raw material, anything the pipeline could not compute): the criterion's weight is
   dropped for that row and the remaining weights are renormalised. ``criteria_known`` counts
   the weighted criteria known for the row and ``share_weight_known`` says which share of the
   total weight they carry, so users see how much of a score rests on data.
4. **Score** = 100 × Σ w·n / Σ w over known criteria (0–100), ``rank`` within each product
   (1 = best, ties share the best rank: ``method="min"``).

Scores are relative *within* a product: 100 means best among the villages for that product,
not an absolute readiness.

All functions work on tables only: no geometry is involved, so no CRS applies.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from . import bundled
from .errors import InputDataError, ParameterError, format_items
from .messages import msg
from .validate import NO_WORDS, YES_WORDS

__all__ = [
    "DIRECTIONS",
    "OPTIONAL_CRITERIA",
    "RANDOM_INDEX",
    "RAW_MATERIAL_CRITERIA",
    "AhpResult",
    "GroupAhpResult",
    "Weights",
    "ahp_weights",
    "complete_reciprocal",
    "default_weights",
    "group_ahp_weights",
    "load_default_criteria",
    "normalise_criteria",
    "rank_within_product",
    "score",
    "weighted_criteria",
    "weighted_scores",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

#: Direction of every known criterion: "benefit" (more is better) or "cost" (less is better).
DIRECTIONS: Mapping[str, str] = MappingProxyType(
    {
        "businesses": "benefit",
        "lq_businesses": "benefit",
        "raw_material_supply_ratio": "benefit",
        "available_land_ha": "benefit",
        "share_slope_suitable": "benefit",
        "distance_centre_km": "cost",
        "distance_capital_km": "cost",
        "households": "benefit",
        "managing_body": "benefit",
        "government_commitment": "benefit",
        "local_wisdom": "benefit",
        "readiness": "benefit",
    }
)

#: Attributes nobody can compute from maps; unknown (NaN) unless the user supplies them.
OPTIONAL_CRITERIA: tuple[str, ...] = (
    "managing_body",
    "government_commitment",
    "local_wisdom",
    "readiness",
)

#: Criteria that are not applicable to a product without a local raw material.
RAW_MATERIAL_CRITERIA: tuple[str, ...] = (
    "raw_material_supply_ratio",
    "available_land_ha",
    "share_slope_suitable",
)

#: Saaty's random consistency index for n = 1..10 (n = 1, 2 are always consistent).
RANDOM_INDEX: Mapping[int, float] = MappingProxyType(
    {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
)

_UNKNOWN_WORDS = frozenset({"", "unknown", "na", "n/a", "nan", "none", "tidak diketahui", "-", "?"})
_TIE_DECIMALS = 9


# --------------------------------------------------------------------------------------------
# weights
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Weights:
    """Relative criterion weights (any positive scale; normalised to sum 1 when used).

    Attributes
    ----------
    items : tuple of (str, float)
        Criterion id and weight (≥ 0). A weight of 0 leaves the criterion out.
    source : str
        Where the weights come from (an assumption, an AHP session, a workshop).
    """

    items: tuple[tuple[str, float], ...]
    source: str = ""

    def __post_init__(self) -> None:
        problems = []
        try:
            values = [float(v) for _, v in self.items]
        except (TypeError, ValueError) as err:
            raise ParameterError(f"Weights: every weight must be a number ({err}).") from err
        ids = [k for k, _ in self.items]
        dup = sorted({k for k in ids if ids.count(k) > 1})
        if dup:
            problems.append(f"criteria named more than once: {format_items(dup)}")
        bad = [k for k, v in zip(ids, values, strict=True) if not np.isfinite(v) or v < 0]
        if bad:
            problems.append(f"weights must be finite and ≥ 0: {format_items(bad)}")
        if not problems and sum(values) <= 0:
            problems.append("at least one weight must be above 0")
        if problems:
            raise ParameterError("Weights: " + "; ".join(problems) + ".")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, float], *, source: str = "") -> Weights:
        """Build weights from ``{criterion_id: weight}``."""
        try:
            items = tuple((str(k), float(v)) for k, v in mapping.items())
        except (TypeError, ValueError) as err:
            raise ParameterError(f"Weights: every weight must be a number ({err}).") from err
        return cls(items, source=source)

    def as_series(self) -> pd.Series:
        """Weights normalised to sum 1, indexed by criterion id (zero weights dropped)."""
        s = pd.Series(dict(self.items), dtype=float)
        s = s[s > 0]
        s = s / s.max()  # first to 0-1: weights near the float limit (1e308) cannot overflow
        return s / s.sum()


def load_default_criteria() -> pd.DataFrame:
    """The default criteria table shipped with the package.

    Returns
    -------
    pandas.DataFrame
        Indexed by criterion ``id`` with ``name_en``, ``name_id``, ``group``, ``direction``,
        ``weight`` (relative), ``unit`` and ``source``. The weights are assumptions (equal
        weights for six groups of the paper's criteria, split equally within a group).
    """
    path = bundled.params_table("criteria.csv")
    table = pd.read_csv(path, dtype={"id": str}, keep_default_na=False)
    table["weight"] = pd.to_numeric(table["weight"], errors="raise")
    return table.set_index("id")


def default_weights() -> Weights:
    """Weights from :func:`load_default_criteria` (assumptions; see the ``source`` column)."""
    table = load_default_criteria()
    return Weights.from_mapping(
        table["weight"].to_dict(),
        source="data/params/criteria.csv: equal weights for six groups of the paper's sentra "
        "criteria, split equally within each group (assumption)",
    )


# --------------------------------------------------------------------------------------------
# normalisation
# --------------------------------------------------------------------------------------------
def _coerce_column(values: pd.Series, col: str, problems: list[str]) -> pd.Series:
    """Raw criterion values → float, unknown words → NaN, yes/no → 1/0."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype(float)
    if pd.api.types.is_numeric_dtype(values):
        out = values.astype(float)
    else:

        def conv(v: object) -> float:
            if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
                return np.nan
            if isinstance(v, bool | np.bool_):
                return float(v)
            if isinstance(v, int | float | np.integer | np.floating):
                return float(v)
            word = " ".join(str(v).split()).lower()
            if word in _UNKNOWN_WORDS:
                return np.nan
            if word in YES_WORDS:
                return 1.0
            if word in NO_WORDS:
                return 0.0
            try:
                return float(word.replace(",", "."))
            except ValueError:
                return np.inf  # marker for "not understood"

        out = values.map(conv).astype(float)
        bad = out.index[np.isposinf(out.to_numpy())]
        if len(bad):
            problems.append(
                f"column '{col}': {len(bad)} values are neither numbers nor yes/no/unknown. "
                f"Rows: {format_items(bad)}. Use a number, yes/no, or leave empty for unknown."
            )
            return out.where(~np.isposinf(out), np.nan)
    inf = out.index[np.isinf(out.to_numpy())]
    if len(inf):
        problems.append(
            f"column '{col}': infinite values. Rows: {format_items(inf)}. Give finite numbers."
        )
    return out


def _check_criteria_frame(criteria: pd.DataFrame) -> None:
    if not isinstance(criteria, pd.DataFrame):
        raise InputDataError(f"criteria: expected a table, got {type(criteria).__name__}.")
    if criteria.index.nlevels != 2:
        raise InputDataError(
            "criteria: the table must be indexed by (village_code, product); got "
            f"{criteria.index.nlevels} index level(s). Use set_index(['village_code', 'product'])."
        )
    if criteria.index.has_duplicates:
        dup = criteria.index[criteria.index.duplicated()].unique()
        raise InputDataError(
            f"criteria: village × product pairs occur more than once: {format_items(dup)}. "
            "Keep one row per pair."
        )


def normalise_criteria(
    criteria: pd.DataFrame,
    ids: Sequence[str] | None = None,
    *,
    directions: Mapping[str, str] | None = None,
    supply_ratio_cap: float | None = 2.0,
    all_equal: float = 1.0,
) -> pd.DataFrame:
    """Min-max normalise raw criteria within each product, with direction.

    Parameters
    ----------
    criteria : pandas.DataFrame
        Raw values indexed by (``village_code``, ``product``), one column per criterion (units
        as in ``data/params/criteria.csv``). NaN = unknown.
    ids : sequence of str, optional
        Criteria to normalise; default: every column with a known direction. A missing column of
        an optional attribute (:data:`OPTIONAL_CRITERIA`) is treated as all unknown; any other
        missing column is an error.
    directions : mapping, optional
        ``{id: "benefit" | "cost"}`` overriding or extending :data:`DIRECTIONS`.
    supply_ratio_cap : float or None
        Cap on ``raw_material_supply_ratio`` before normalising (None: no cap).
    all_equal : float
        Value (0–1) given to every village when all known values of a product are equal.

    Returns
    -------
    pandas.DataFrame
        Same index, one column per criterion, values 0–1 (1 = best), NaN where unknown.
    """
    _check_criteria_frame(criteria)
    dirs = dict(DIRECTIONS)
    if directions:
        dirs.update(directions)
    bad_dirs = sorted(k for k, v in dirs.items() if v not in ("benefit", "cost"))
    if bad_dirs:
        raise ParameterError(
            f"directions must be 'benefit' or 'cost'; check: {format_items(bad_dirs)}."
        )
    if ids is None:
        ids = [c for c in criteria.columns if c in dirs]
    ids = list(ids)
    if not 0.0 <= float(all_equal) <= 1.0:
        raise ParameterError(f"all_equal must be between 0 and 1, got {all_equal!r}.")
    if supply_ratio_cap is not None and not float(supply_ratio_cap) > 0:
        raise ParameterError(f"supply_ratio_cap must be > 0 or None, got {supply_ratio_cap!r}.")
    unknown_dir = [c for c in ids if c not in dirs]
    if unknown_dir:
        raise ParameterError(
            f"criteria without a direction: {format_items(unknown_dir)}. Pass "
            "directions={'<id>': 'benefit' or 'cost'}."
        )
    missing = [c for c in ids if c not in criteria.columns and c not in OPTIONAL_CRITERIA]
    if missing:
        raise InputDataError(
            f"criteria: columns missing: {format_items(missing)}. Compute them, or give them a "
            "weight of 0 to leave them out."
        )
    problems: list[str] = []
    raw = pd.DataFrame(index=criteria.index)
    for c in ids:
        if c in criteria.columns:
            raw[c] = _coerce_column(criteria[c], c, problems)
        else:
            raw[c] = np.nan
    if problems:
        raise InputDataError(
            "criteria: " + (problems[0] if len(problems) == 1 else " ".join(problems)),
            problems=problems,
        )
    if supply_ratio_cap is not None and "raw_material_supply_ratio" in raw.columns:
        raw["raw_material_supply_ratio"] = raw["raw_material_supply_ratio"].clip(
            upper=float(supply_ratio_cap)
        )
    product = raw.index.get_level_values(1)
    lo = raw.groupby(product).transform("min")
    hi = raw.groupby(product).transform("max")
    span = hi - lo
    norm = pd.DataFrame(index=raw.index, columns=ids, dtype=float)
    for c in ids:
        with np.errstate(divide="ignore", invalid="ignore"):
            gain = raw[c] - lo[c] if dirs[c] == "benefit" else hi[c] - raw[c]
            n = gain / span[c]
        n = n.where(span[c] > 0, float(all_equal))
        norm[c] = n.where(raw[c].notna())
    return norm


def weighted_scores(normalised: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Scores 0–100 for many weight vectors at once, dropping unknown criteria per row.

    Parameters
    ----------
    normalised : numpy.ndarray
        Rows × criteria, values 0–1, NaN = unknown.
    weights : numpy.ndarray
        Criteria × draws (or a 1-D vector of criteria), weights ≥ 0.

    Returns
    -------
    numpy.ndarray
        Rows × draws (or rows) of ``100 · Σ w·n / Σ_known w``; NaN where no weighted criterion
        is known.
    """
    n = np.asarray(normalised, dtype=float)
    w = np.asarray(weights, dtype=float)
    known = np.isfinite(n)
    num = np.where(known, n, 0.0) @ w
    den = known.astype(float) @ w
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1.0), np.nan)


def rank_within_product(scores: pd.Series) -> pd.Series:
    """Rank (1 = best) of each village within its product; ties share the best rank.

    Scores are rounded to 9 decimals first so that floating-point noise does not break ties.
    """
    product = scores.index.get_level_values(1)
    return scores.round(_TIE_DECIMALS).groupby(product).rank(ascending=False, method="min")


def weighted_criteria(
    criteria: pd.DataFrame,
    weights: Weights | Mapping[str, float] | None,
    *,
    directions: Mapping[str, str] | None = None,
    supply_ratio_cap: float | None = 2.0,
    all_equal: float = 1.0,
) -> tuple[pd.Series, pd.DataFrame]:
    """The weights as a Series (defaults when None) and the criteria they weigh, normalised.

    Shared by :func:`score` and :func:`ovop_geo.sensitivity.weight_sensitivity` so both score
    the same normalised values.
    """
    if weights is None:
        weights = default_weights()
    if not isinstance(weights, Weights):
        weights = Weights.from_mapping(weights)
    w = weights.as_series()
    norm = normalise_criteria(
        criteria,
        list(w.index),
        directions=directions,
        supply_ratio_cap=supply_ratio_cap,
        all_equal=all_equal,
    )
    return w, norm


def score(
    criteria: pd.DataFrame,
    weights: Weights | Mapping[str, float] | None = None,
    *,
    directions: Mapping[str, str] | None = None,
    supply_ratio_cap: float | None = 2.0,
    all_equal: float = 1.0,
    keep_normalised: bool = False,
) -> pd.DataFrame:
    """Weighted score 0–100 of every village for every product, and its rank within the product.

    Parameters
    ----------
    criteria : pandas.DataFrame
        Raw criteria indexed by (``village_code``, ``product``); see the module notes.
    weights : Weights or mapping, optional
        Criterion weights (relative); default :func:`default_weights`. Criteria with weight 0
        are ignored.
    directions, supply_ratio_cap, all_equal
        See :func:`normalise_criteria`.
    keep_normalised : bool
        Also return the normalised values as ``norm_<id>`` columns (0–1).

    Returns
    -------
    pandas.DataFrame
        Same index with ``score`` (0–100), ``rank`` (1 = best within the product; NaN with no
        known criterion), ``criteria_known`` (count of weighted criteria known) and
        ``share_weight_known`` (0–1).
    """
    w, norm = weighted_criteria(
        criteria,
        weights,
        directions=directions,
        supply_ratio_cap=supply_ratio_cap,
        all_equal=all_equal,
    )
    values = norm.to_numpy(dtype=float)
    wv = w.to_numpy()
    known = np.isfinite(values)
    out = pd.DataFrame(index=norm.index)
    out["score"] = weighted_scores(values, wv)
    out["rank"] = rank_within_product(out["score"])
    out["criteria_known"] = known.sum(axis=1)
    out["share_weight_known"] = known.astype(float) @ wv
    n_unscored = int(out["score"].isna().sum())
    if n_unscored:
        logger.info("Scoring: %d village × product pairs have no known criterion.", n_unscored)
    if keep_normalised:
        out = out.join(norm.add_prefix("norm_"))
    return out


# --------------------------------------------------------------------------------------------
# AHP
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AhpResult:
    """Result of an AHP pairwise comparison.

    Attributes
    ----------
    labels : tuple of str
    weights : tuple of float
        Principal eigenvector normalised to sum 1.
    lambda_max : float
        Principal eigenvalue.
    ci : float
        Consistency index (λmax − n) / (n − 1).
    cr : float
        Consistency ratio CI / RI (0 for n ≤ 2).
    """

    labels: tuple[str, ...]
    weights: tuple[float, ...]
    lambda_max: float
    ci: float
    cr: float

    def as_weights(self, *, source: str = "AHP pairwise comparison") -> Weights:
        """The AHP weights as :class:`Weights` (labels must be criterion ids)."""
        return Weights(tuple(zip(self.labels, self.weights, strict=True)), source=source)


def _check_ahp_matrix(matrix: object, labels: Sequence[str] | None, rtol: float):
    try:
        a = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError) as err:
        raise ParameterError(f"AHP matrix: not a table of numbers ({err}).") from err
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ParameterError(f"AHP matrix: must be square, got shape {a.shape}.")
    n = a.shape[0]
    names = [str(i + 1) for i in range(n)] if labels is None else [str(x) for x in labels]
    if len(names) != n:
        raise ParameterError(f"AHP matrix: {n} rows but {len(names)} labels.")
    if len(set(names)) != n:
        raise ParameterError("AHP matrix: labels must be distinct.")
    if n > max(RANDOM_INDEX):
        raise ParameterError(
            f"AHP matrix: {n} criteria; the random index is tabulated for up to "
            f"{max(RANDOM_INDEX)}. Group the criteria and compare within groups."
        )
    problems = []
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        problems.append("every judgement must be a positive number (1/9 … 9)")
    else:
        if not np.allclose(np.diag(a), 1.0, rtol=rtol):
            problems.append("the diagonal must be 1")
        bad = [
            f"{names[i]}–{names[j]} ({a[i, j]:g} vs {a[j, i]:g})"
            for i in range(n)
            for j in range(i + 1, n)
            if not np.isclose(a[i, j] * a[j, i], 1.0, rtol=rtol)
        ]
        if bad:
            problems.append("a_ji must be 1 / a_ij; not reciprocal: " + format_items(bad))
    if problems:
        raise ParameterError("AHP matrix: " + "; ".join(problems) + ".")
    return a, names


def ahp_weights(
    matrix: Sequence[Sequence[float]] | np.ndarray,
    labels: Sequence[str] | None = None,
    *,
    max_cr: float = 0.10,
    reciprocal_rtol: float = 0.01,
) -> AhpResult:
    """Criterion weights from a pairwise comparison matrix (Saaty's AHP).

    Weights are the principal (Perron) eigenvector normalised to sum 1; CI = (λmax − n)/(n − 1);
    CR = CI / RI with RI from :data:`RANDOM_INDEX` (n = 1, 2: CR = 0).

    Parameters
    ----------
    matrix : array-like, n × n
        Positive judgements, a_ij = how much more important *i* is than *j* (1–9 scale),
        a_ji = 1 / a_ij, diagonal 1. Reciprocity is checked with relative tolerance
        ``reciprocal_rtol`` (1/3 typed as 0.33 passes).
    labels : sequence of str, optional
        Criterion names (ids if you want :meth:`AhpResult.as_weights`).
    max_cr : float
        Largest acceptable consistency ratio (Saaty: 0.10).

    Returns
    -------
    AhpResult

    Raises
    ------
    ParameterError
        Not square, not positive, not reciprocal, n > 10, or CR > ``max_cr``; the last message
        names the comparisons that deviate most from the weights they imply.
    """
    a, names = _check_ahp_matrix(matrix, labels, reciprocal_rtol)
    n = a.shape[0]
    eigvals, eigvecs = np.linalg.eig(a)
    k = int(np.argmax(eigvals.real))
    lam = float(eigvals[k].real)
    vec = np.abs(eigvecs[:, k].real)
    w = vec / vec.sum()
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ci = max(ci, 0.0)  # λmax ≥ n in theory; clip rounding noise
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else 0.0
    if cr > max_cr:
        ratio = a / np.outer(w, 1.0 / w)
        pairs = sorted(
            ((abs(np.log(ratio[i, j])), i, j) for i in range(n) for j in range(i + 1, n)),
            reverse=True,
        )[:3]
        worst = "; ".join(
            f"{names[i]} vs {names[j]}: judged {a[i, j]:.3g}, the weights imply {w[i] / w[j]:.3g}"
            for _, i, j in pairs
        )
        raise ParameterError(
            f"AHP matrix: consistency ratio {cr:.3f} is above {max_cr:.2f}. Revisit these "
            f"comparisons first: {worst}."
        )
    return AhpResult(
        labels=tuple(names),
        weights=tuple(float(x) for x in w),
        lambda_max=lam,
        ci=float(ci),
        cr=float(cr),
    )


# --------------------------------------------------------------------------------------------
# reciprocal completion and group-wise AHP (one function for the app and the command line)
# --------------------------------------------------------------------------------------------
def _is_blank(v: float) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def complete_reciprocal(
    matrix: Sequence[Sequence[float | None]] | np.ndarray | pd.DataFrame,
    labels: Sequence[str] | None = None,
    *,
    reciprocal_rtol: float = 0.01,
) -> np.ndarray:
    """A full pairwise comparison matrix from the judgements given (one triangle is enough).

    A user gives the upper triangle (how many times the row is more important than the
    column); every blank cell (NaN or None) of the lower triangle is filled with the reciprocal
    ``a_ji = 1 / a_ij``, and a blank upper cell with the reciprocal of a given lower one. The
    diagonal is 1 (blank is read as 1). Where both cells of a pair are given they must be
    reciprocal within ``reciprocal_rtol`` (1/3 typed as 0.33 passes); a conflict is refused with
    a message naming the cell.

    Parameters
    ----------
    matrix : array-like or pandas.DataFrame, n × n
        Judgements (1/9 … 9), blanks as NaN/None. A DataFrame gives its index as the labels.
    labels : sequence of str, optional
        Names of the rows (= columns) used in messages; default 1 … n.
    reciprocal_rtol : float
        Relative tolerance of ``a_ij · a_ji = 1``.

    Returns
    -------
    numpy.ndarray
        The complete reciprocal matrix (float).

    Raises
    ------
    ParameterError
        Not square, a judgement that is not positive, a diagonal cell other than 1, a pair with
        neither cell given, or a pair whose two cells conflict; every problem is listed.
    """
    if labels is None and isinstance(matrix, pd.DataFrame):
        labels = [str(i) for i in matrix.index]
    try:
        cells = np.asarray(matrix, dtype=object)
        a = np.array(
            [[np.nan if _is_blank(v) else float(v) for v in row] for row in cells], dtype=float
        )
    except (TypeError, ValueError) as err:
        raise ParameterError(msg("ahp.not_numbers", error=str(err))) from err
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ParameterError(msg("ahp.not_square", shape=str(a.shape)))
    n = a.shape[0]
    names = [str(i + 1) for i in range(n)] if labels is None else [str(x) for x in labels]
    if len(names) != n:
        raise ParameterError(msg("ahp.labels", n=n, k=len(names)))
    problems: list[str] = []
    given = ~np.isnan(a)
    bad = [
        f"{names[i]}/{names[j]} = {a[i, j]:g}"
        for i, j in zip(*np.nonzero(given), strict=True)
        if not np.isfinite(a[i, j]) or a[i, j] <= 0
    ]
    if bad:
        problems.append(msg("ahp.not_positive", cells=bad))
    diag = [names[i] for i in range(n) if given[i, i] and not np.isclose(a[i, i], 1.0)]
    if diag:
        problems.append(msg("ahp.diagonal", cells=diag))
    out = a.copy()
    np.fill_diagonal(out, 1.0)
    missing, conflict = [], []
    for i in range(n):
        for j in range(i + 1, n):
            up, low = a[i, j], a[j, i]
            if np.isnan(up) and np.isnan(low):
                missing.append(f"{names[i]}/{names[j]}")
            elif np.isnan(low):
                out[j, i] = 1.0 / up if up > 0 else np.nan
            elif np.isnan(up):
                out[i, j] = 1.0 / low if low > 0 else np.nan
            elif up > 0 and low > 0 and not np.isclose(up * low, 1.0, rtol=reciprocal_rtol):
                conflict.append(
                    f"{names[j]}/{names[i]} = {low:g} (the reciprocal of {names[i]}/{names[j]} = "
                    f"{up:g} is {1 / up:.3g})"
                )
    if missing:
        problems.append(msg("ahp.missing", cells=missing))
    if conflict:
        problems.append(msg("ahp.conflict", cells=conflict))
    if problems:
        raise ParameterError(msg("ahp.problems", problems=problems))
    return out


@dataclass(frozen=True)
class GroupAhpResult:
    """Weights from a comparison of criteria groups and of the criteria within each group.

    Attributes
    ----------
    groups : AhpResult
        The comparison of the groups (labels are group ids).
    within : mapping of str to AhpResult or None
        Per group: the comparison of its criteria, or None where shares were given (or equal
        shares by default).
    shares : mapping of str to mapping of str to float
        Per group: each criterion's share of its group's weight (sums to 1 within a group).
    weights : tuple of (str, float)
        One weight per criterion, ``group weight × share within the group``; they sum to 1.
    """

    groups: AhpResult
    within: Mapping[str, AhpResult | None]
    shares: Mapping[str, Mapping[str, float]]
    weights: tuple[tuple[str, float], ...]

    @property
    def consistency(self) -> dict[str, float]:
        """Consistency ratio of every matrix: ``groups`` and each group compared within."""
        out = {"groups": self.groups.cr}
        out.update({g: r.cr for g, r in self.within.items() if r is not None})
        return out

    def as_weights(self, *, source: str = "AHP over criteria groups") -> Weights:
        """The criterion weights as :class:`Weights`."""
        return Weights(self.weights, source=source)


def group_ahp_weights(
    group_matrix: Sequence[Sequence[float | None]] | np.ndarray | pd.DataFrame,
    criteria_groups: Mapping[str, str],
    *,
    group_labels: Sequence[str] | None = None,
    within: Mapping[str, object] | None = None,
    max_cr: float = 0.10,
    reciprocal_rtol: float = 0.01,
) -> GroupAhpResult:
    """One weight per criterion from an AHP over criteria groups and a split within each group.

    The app's AHP and the command line's ``--ahp-groups`` both call this function, so the same
    judgements give the same weights.

    Parameters
    ----------
    group_matrix : array-like or pandas.DataFrame
        Pairwise comparison of the groups; one triangle is enough (see
        :func:`complete_reciprocal`). A DataFrame gives its index as the group labels.
    criteria_groups : mapping
        ``{criterion_id: group_id}``, e.g. ``load_default_criteria()["group"]``. Its order is
        the order of the returned weights.
    group_labels : sequence of str, optional
        Group ids of the matrix rows (= columns); default the DataFrame's index, else the groups
        in order of first appearance in ``criteria_groups``.
    within : mapping, optional
        Per group id: a pairwise matrix of its criteria (a DataFrame labelled by criterion ids,
        one triangle enough) or ``{criterion_id: share}`` (relative, ≥ 0). Groups not named
        split their weight equally among their criteria (the default for every group).
    max_cr : float
        Largest acceptable consistency ratio of every matrix (Saaty: 0.10).
    reciprocal_rtol : float
        Tolerance of the reciprocity check.

    Returns
    -------
    GroupAhpResult

    Raises
    ------
    ParameterError
        Groups of the matrix and of the criteria differ, a matrix is malformed or too
        inconsistent (the message names the matrix), or shares are not valid.
    """
    groups_of = {str(c): str(g) for c, g in dict(criteria_groups).items()}
    order = list(dict.fromkeys(groups_of.values()))
    if group_labels is None:
        if isinstance(group_matrix, pd.DataFrame):
            group_labels = [str(i) for i in group_matrix.index]
        else:
            group_labels = order
    labels = [str(g) for g in group_labels]
    if sorted(labels) != sorted(order):
        raise ParameterError(
            msg("ahp.groups_differ", matrix=sorted(set(labels)), criteria=sorted(set(order)))
        )
    full = complete_reciprocal(group_matrix, labels, reciprocal_rtol=reciprocal_rtol)
    try:
        top = ahp_weights(full, labels, max_cr=max_cr, reciprocal_rtol=reciprocal_rtol)
    except ParameterError as err:
        raise ParameterError(msg("ahp.in_matrix", matrix="groups", error=err.message)) from err
    within = dict(within or {})
    unknown = sorted(set(map(str, within)) - set(order))
    if unknown:
        raise ParameterError(msg("ahp.unknown_group", groups=unknown, known=order))
    results: dict[str, AhpResult | None] = {}
    shares: dict[str, dict[str, float]] = {}
    for g in order:
        members = [c for c, gg in groups_of.items() if gg == g]
        spec = within.get(g)
        if spec is None:
            results[g] = None
            shares[g] = {c: 1.0 / len(members) for c in members}
        elif isinstance(spec, Mapping):
            s = {str(c): v for c, v in spec.items()}
            if sorted(s) != sorted(members):
                raise ParameterError(
                    msg("ahp.members_differ", group=g, given=sorted(s), members=members)
                )
            try:
                values = {c: float(s[c]) for c in members}
            except (TypeError, ValueError) as err:
                raise ParameterError(msg("ahp.bad_shares", group=g)) from err
            total = sum(values.values())
            if any(not np.isfinite(v) or v < 0 for v in values.values()) or total <= 0:
                raise ParameterError(msg("ahp.bad_shares", group=g))
            results[g] = None
            shares[g] = {c: values[c] / total for c in members}
        else:
            inner_labels = (
                [str(i) for i in spec.index] if isinstance(spec, pd.DataFrame) else members
            )
            if sorted(inner_labels) != sorted(members):
                raise ParameterError(
                    msg("ahp.members_differ", group=g, given=inner_labels, members=members)
                )
            try:
                inner = complete_reciprocal(spec, inner_labels, reciprocal_rtol=reciprocal_rtol)
                r = ahp_weights(inner, inner_labels, max_cr=max_cr, reciprocal_rtol=reciprocal_rtol)
            except ParameterError as err:
                raise ParameterError(msg("ahp.in_matrix", matrix=g, error=err.message)) from err
            results[g] = r
            by_label = dict(zip(r.labels, r.weights, strict=True))
            shares[g] = {c: by_label[c] for c in members}
    top_w = dict(zip(top.labels, top.weights, strict=True))
    weights = tuple((c, top_w[g] * shares[g][c]) for c, g in groups_of.items())
    return GroupAhpResult(
        groups=top,
        within=MappingProxyType(results),
        shares=MappingProxyType({g: MappingProxyType(s) for g, s in shares.items()}),
        weights=weights,
    )
