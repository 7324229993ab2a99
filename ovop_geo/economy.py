"""Regional economics of village products: location quotients, specialisation, two-period methods.

Every function takes a village × product matrix: a DataFrame indexed by ``village_code`` (string)
with one non-negative numeric column per product (business units, production in t, or harvest
area in ha; the unit does not matter as long as one matrix uses one unit). Results are indexed the
same way, or by (``village_code``, ``product``) for two-period methods. Nothing here reads files.

Notation (as in the domain notes): ``x_ij`` is the amount of product *i* in village *j*,
``X_j = Σ_i x_ij`` the village total, ``X_i = Σ_j x_ij`` the regional total of product *i*,
and ``X`` the regional grand total.

- Location quotient: ``LQ_ij = (x_ij / X_j) / (X_i / X)``. LQ > 1 marks a base product.
- Dynamic LQ (two periods *t* years apart, annual growth rates *g*):
  ``DLQ_ij = [(1 + g_ij) / (1 + g_j)]^t / [(1 + G_i) / (1 + G)]^t``.
- Shift-share: ``D = N + M + C`` with ``N = E0 · r``, ``M = E0 · (r_i − r)``,
  ``C = E0 · (r_ij − r_i)``.
- Klassen typology: the product's share in the village against its share in the region, and its
  growth in the village against its growth in the region.

All functions work on tables only: no geometry is involved, so no CRS applies.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .errors import InputDataError, ParameterError, format_items

__all__ = [
    "DLQ_LABELS",
    "KLASSEN_LABELS",
    "QuadrantLabels",
    "dynamic_lq",
    "klassen_typology",
    "location_quotient",
    "shift_share",
    "specialisation",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())


@dataclass(frozen=True)
class QuadrantLabels:
    """Labels of a four-quadrant typology.

    The first word of each field is the *level* test (LQ > 1, or the product's share in the
    village above its share in the region); the second is the *dynamics* test (DLQ > 1, or the
    village's growth above the region's).

    Attributes
    ----------
    high_high, low_high, high_low, low_low : str
        Labels for (level > 1, dynamics > 1), (level ≤ 1, dynamics > 1), (level > 1,
        dynamics ≤ 1) and (level ≤ 1, dynamics ≤ 1).
    unclassified : str
        Label where a test cannot be made (a zero start value, a zero village total).
    """

    high_high: str
    low_high: str
    high_low: str
    low_low: str
    unclassified: str = "tidak terklasifikasi"


#: Dynamic LQ typology as usually labelled in Indonesian regional studies. Sources label the
#: LQ > 1 & DLQ < 1 quadrant differently (some call it *andalan*); pass your own labels.
DLQ_LABELS = QuadrantLabels(
    high_high="unggulan",
    low_high="andalan",
    high_low="prospektif",
    low_low="tertinggal",
)

#: Klassen typology labels (Sjafrizal's Indonesian wording of Klassen's four quadrants).
KLASSEN_LABELS = QuadrantLabels(
    high_high="maju dan tumbuh pesat",
    low_high="berkembang cepat",
    high_low="maju tapi tertekan",
    low_low="relatif tertinggal",
)


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------
def _check_matrix(x: pd.DataFrame, name: str) -> pd.DataFrame:
    """Return a float copy of a village × product matrix or raise one InputDataError."""
    if not isinstance(x, pd.DataFrame):
        raise InputDataError(
            f"{name}: expected a table of villages × products, got {type(x).__name__}."
        )
    problems: list[str] = []
    if x.shape[0] == 0 or x.shape[1] == 0:
        problems.append("the table is empty. Give at least one village and one product.")
    if x.index.has_duplicates:
        dup = x.index[x.index.duplicated()].unique()
        problems.append(
            f"village codes occur more than once: {format_items(dup)}. Merge or remove the "
            "duplicate rows."
        )
    if x.columns.has_duplicates:
        dup = x.columns[x.columns.duplicated()].unique()
        problems.append(f"products occur more than once: {format_items(dup)}. Merge the columns.")
    out = x.copy()
    for col in x.columns:
        values = pd.to_numeric(x[col], errors="coerce")
        bad = x.index[values.isna() | ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))]
        if len(bad):
            problems.append(
                f"column '{col}': {len(bad)} values are missing or not numbers. Villages: "
                f"{format_items(bad)}. Write 0 where there is none."
            )
        neg = x.index[values < 0]
        if len(neg):
            problems.append(
                f"column '{col}': {len(neg)} values are negative. Villages: {format_items(neg)}. "
                "Amounts cannot be negative."
            )
        out[col] = values.astype(float)
    if problems:
        raise InputDataError(
            f"{name}: " + (problems[0] if len(problems) == 1 else " ".join(problems)),
            problems=problems,
        )
    out.index = out.index.astype(str)
    out.index.name = "village_code"
    out.columns.name = "product"
    return out


def _check_pair(x0: pd.DataFrame, x1: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate two periods and align the end period on the start period's order."""
    a = _check_matrix(x0, "start period")
    b = _check_matrix(x1, "end period")
    problems = []
    only_a = a.index.difference(b.index)
    only_b = b.index.difference(a.index)
    if len(only_a) or len(only_b):
        problems.append(
            "the two periods have different villages: only in the start period: "
            f"{format_items(only_a) or 'none'}; only in the end period: "
            f"{format_items(only_b) or 'none'}. Give both periods for the same villages."
        )
    pa = a.columns.difference(b.columns)
    pb = b.columns.difference(a.columns)
    if len(pa) or len(pb):
        problems.append(
            "the two periods have different products: only in the start period: "
            f"{format_items(pa) or 'none'}; only in the end period: {format_items(pb) or 'none'}. "
            "Add the missing columns (0 where there is none)."
        )
    if problems:
        raise InputDataError(" ".join(problems), problems=problems)
    return a, b.loc[a.index, a.columns]


def _check_years(years: float) -> float:
    try:
        t = float(years)
    except (TypeError, ValueError) as err:
        raise ParameterError(f"years must be a number of years, got {years!r}.") from err
    if not np.isfinite(t) or t <= 0:
        raise ParameterError(f"years must be a positive number of years, got {years!r}.")
    return t


def _stack(frame: pd.DataFrame, name: str) -> pd.Series:
    """Village × product matrix → Series indexed by (village_code, product), NaN kept."""
    s = frame.stack(future_stack=True)
    s.name = name
    s.index = s.index.set_names(["village_code", "product"])
    return s


# --------------------------------------------------------------------------------------------
# one period
# --------------------------------------------------------------------------------------------
def location_quotient(x: pd.DataFrame) -> pd.DataFrame:
    """Location quotient of every product in every village.

    ``LQ_ij = (x_ij / X_j) / (X_i / X)``: the product's share in the village's total over its share
    in the region's total. LQ > 1 marks a base (export) product of the village.

    Parameters
    ----------
    x : pandas.DataFrame
        Villages × products, indexed by ``village_code``; non-negative amounts in one unit
        (business units, t, or ha). The region is the set of villages given.

    Returns
    -------
    pandas.DataFrame
        Same shape, index ``village_code`` and product columns; dimensionless LQ.
        A village whose total is 0 has no shares: its whole row is NaN. A product whose regional
        total is 0 has no reference share: its whole column is NaN. These are the only NaNs.

    Raises
    ------
    InputDataError
        Missing, non-numeric or negative values, duplicate villages or products.

    Examples
    --------
    With Table 3 of the paper, kerupuk in Rasau Jaya I is (6 / 13) / (16 / 50) = 1.442.
    """
    m = _check_matrix(x, "location quotient")
    village_total = m.sum(axis=1)
    product_total = m.sum(axis=0)
    grand = float(product_total.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        village_share = m.div(village_total.where(village_total > 0), axis=0)
        region_share = product_total.where(product_total > 0) / (grand if grand > 0 else np.nan)
        lq = village_share.div(region_share, axis=1)
    zero_villages = village_total.index[village_total == 0]
    if len(zero_villages):
        logger.info(
            "Location quotient: %d villages with a zero total get NaN: %s",
            len(zero_villages),
            format_items(zero_villages),
        )
    return lq


def specialisation(x: pd.DataFrame) -> pd.DataFrame:
    """How concentrated each village is on its leading product.

    Parameters
    ----------
    x : pandas.DataFrame
        Villages × products, indexed by ``village_code``; non-negative amounts in one unit.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``village_code`` with columns

        - ``total``: the village total (unit of ``x``);
        - ``leading_product``: the product with the largest amount (the first in column order
          when several tie; ``None`` for a zero total);
        - ``leading_tied``: True when another product has the same largest amount;
        - ``share_leading``: its share of the village total (0–1);
        - ``herfindahl``: Σ_i share_i², from 1 / (number of products) (even spread) to 1 (one
          product only); NaN for a zero total.
    """
    m = _check_matrix(x, "specialisation")
    total = m.sum(axis=1)
    share = m.div(total.where(total > 0), axis=0)
    top = m.max(axis=1)
    leading = m.idxmax(axis=1).astype(object).where(total > 0, None)
    n_top = m.eq(top, axis=0).sum(axis=1)
    out = pd.DataFrame(
        {
            "total": total,
            "leading_product": leading,
            "leading_tied": (n_top > 1) & (total > 0),
            "share_leading": top / total.where(total > 0),
            "herfindahl": (share**2).sum(axis=1, min_count=1),
        },
        index=m.index,
    )
    return out


# --------------------------------------------------------------------------------------------
# two periods
# --------------------------------------------------------------------------------------------
def _growth(start: pd.Series | pd.DataFrame | float, end, t: float, method: str):
    """Annual growth rate from start to end over t years (NaN where start is 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if isinstance(start, pd.Series | pd.DataFrame):
            ratio = end / start.where(start > 0)
        else:
            ratio = end / start if start > 0 else np.nan
        if method == "compound":
            return ratio ** (1.0 / t) - 1.0
        return (ratio - 1.0) / t


def _quadrants(level: pd.Series, dyn: pd.Series, labels: QuadrantLabels) -> pd.Series:
    # round away floating-point noise so that an LQ of exactly 1 is not read as 1.0000000002
    lv = np.round(level.to_numpy(dtype=float), 12)
    dy = np.round(dyn.to_numpy(dtype=float), 12)
    known = np.isfinite(lv) & np.isfinite(dy)
    out = np.select(
        [~known, (lv > 1) & (dy > 1), (lv <= 1) & (dy > 1), (lv > 1) & (dy <= 1)],
        [labels.unclassified, labels.high_high, labels.low_high, labels.high_low],
        default=labels.low_low,
    )
    return pd.Series(out, index=level.index, dtype=object)


def dynamic_lq(
    x0: pd.DataFrame,
    x1: pd.DataFrame,
    years: float,
    *,
    labels: QuadrantLabels = DLQ_LABELS,
    growth: Literal["compound", "simple"] = "compound",
) -> pd.DataFrame:
    """Static and dynamic location quotients with the four-quadrant typology.

    ``DLQ_ij = [(1 + g_ij) / (1 + g_j)]^t / [(1 + G_i) / (1 + G)]^t`` with annual growth rates of
    the product in the village (g_ij), the village total (g_j), the product in the region (G_i)
    and the region total (G), and *t* = ``years``.

    With ``growth="compound"`` (default) the annual rate is ``(end / start)^(1/t) − 1``, so
    ``(1 + g)^t = end / start`` and *t* cancels: DLQ is the ratio of growth factors. With
    ``growth="simple"`` the rate is ``(end / start − 1) / t`` (the mean annual change some
    sources use) and *t* matters.

    Classification (``LQ`` is the end-period LQ; a value of exactly 1 counts as "not above 1"):
    LQ > 1 & DLQ > 1 → ``labels.high_high`` (*unggulan*); LQ ≤ 1 & DLQ > 1 → ``low_high``
    (*andalan*); LQ > 1 & DLQ ≤ 1 → ``high_low`` (*prospektif*); both ≤ 1 → ``low_low``
    (*tertinggal*); no start value, or a village or product with a zero total → ``unclassified``.

    Parameters
    ----------
    x0, x1 : pandas.DataFrame
        Villages × products at the start and the end, indexed by ``village_code``, same villages
        and products, non-negative amounts in one unit.
    years : float
        Years between the two periods (> 0).
    labels : QuadrantLabels
        Labels of the four quadrants.
    growth : {"compound", "simple"}
        How annual growth rates are computed.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``village_code``, ``product``) with ``lq_start``, ``lq_end``,
        ``growth_village_product_pct_yr``, ``growth_village_pct_yr``, ``growth_product_pct_yr``,
        ``growth_region_pct_yr``, ``dlq`` and ``class``.
    """
    t = _check_years(years)
    if growth not in ("compound", "simple"):
        raise ParameterError(f"growth must be 'compound' or 'simple', got {growth!r}.")
    a, b = _check_pair(x0, x1)
    g_ij = _growth(a, b, t, growth)
    g_j = _growth(a.sum(axis=1), b.sum(axis=1), t, growth)
    g_i = _growth(a.sum(axis=0), b.sum(axis=0), t, growth)
    g = _growth(float(a.to_numpy().sum()), float(b.to_numpy().sum()), t, growth)
    with np.errstate(divide="ignore", invalid="ignore"):
        local = ((1 + g_ij).div(1 + g_j, axis=0)) ** t
        ref = ((1 + g_i) / (1 + g)) ** t
        dlq = local.div(ref, axis=1)
    lq_end = location_quotient(b)
    out = pd.concat(
        [
            _stack(location_quotient(a), "lq_start"),
            _stack(lq_end, "lq_end"),
            _stack(g_ij * 100, "growth_village_product_pct_yr"),
            _stack(pd.DataFrame(dict.fromkeys(a.columns, g_j)) * 100, "growth_village_pct_yr"),
            _stack(
                pd.DataFrame([g_i.to_numpy()] * len(a), index=a.index, columns=a.columns) * 100,
                "growth_product_pct_yr",
            ),
            _stack(dlq.replace([np.inf, -np.inf], np.nan), "dlq"),
        ],
        axis=1,
    )
    out["growth_region_pct_yr"] = g * 100
    out["class"] = _quadrants(out["lq_end"], out["dlq"], labels)
    return out


def shift_share(x0: pd.DataFrame, x1: pd.DataFrame) -> pd.DataFrame:
    """Classic shift-share decomposition of the change of every product in every village.

    With E0, E1 the start and end amounts of product *i* in village *j*, r the growth of the region
    total, r_i the growth of product *i* in the region and r_ij its growth in the village
    (all as fractions over the whole period):
    ``n_regional = E0 · r``, ``m_mix = E0 · (r_i − r)``, ``c_competitive = E0 · (r_ij − r_i)`` and
    ``change = E1 − E0 = n_regional + m_mix + c_competitive`` exactly.

    Where E0 = 0 the growth rate r_ij does not exist: N = M = 0 and the whole change is booked as
    competitiveness (C = E1), so that D = N + M + C still holds. (A product with a zero regional
    start total has E0 = 0 in every village and is treated the same way.)

    Parameters
    ----------
    x0, x1 : pandas.DataFrame
        Villages × products at the start and the end, indexed by ``village_code``, same villages
        and products, non-negative amounts in one unit.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``village_code``, ``product``) with ``start``, ``end``, ``change``,
        ``n_regional``, ``m_mix``, ``c_competitive`` (all in the unit of the input) and
        ``growth_region`` (r, fraction of the start total).
    """
    a, b = _check_pair(x0, x1)
    total0 = float(a.to_numpy().sum())
    total1 = float(b.to_numpy().sum())
    r = total1 / total0 - 1.0 if total0 > 0 else 0.0
    p0 = a.sum(axis=0)
    r_i = (b.sum(axis=0) / p0.where(p0 > 0) - 1.0).fillna(r)
    e0 = _stack(a, "start")
    e1 = _stack(b, "end")
    r_i_long = pd.Series(
        r_i.reindex(e0.index.get_level_values("product")).to_numpy(), index=e0.index
    )
    n = e0 * r
    m = e0 * (r_i_long - r)
    change = e1 - e0
    # C is the remainder, which equals E0 · (r_ij − r_i) where E0 > 0 and E1 where E0 = 0.
    c = change - n - m
    return pd.DataFrame(
        {
            "start": e0,
            "end": e1,
            "change": change,
            "n_regional": n,
            "m_mix": m,
            "c_competitive": c,
            "growth_region": r,
        }
    )


def klassen_typology(
    x0: pd.DataFrame,
    x1: pd.DataFrame,
    years: float,
    *,
    labels: QuadrantLabels = KLASSEN_LABELS,
    growth: Literal["compound", "simple"] = "compound",
) -> pd.DataFrame:
    """Klassen typology of every product in every village against the region.

    The *level* test compares the product's share of the village total at the end with its share
    of the region total (equivalent to end-period LQ > 1); the *dynamics* test compares the
    product's annual growth in the village with its annual growth in the region (as a ratio of
    growth factors ``(1 + g_ij) / (1 + G_i) > 1``).

    Parameters
    ----------
    x0, x1 : pandas.DataFrame
        Villages × products at the start and the end, indexed by ``village_code``.
    years : float
        Years between the periods (> 0).
    labels : QuadrantLabels
        ``high_high`` (share and growth above the region), ``high_low`` (share above, growth
        below), ``low_high`` (share below, growth above), ``low_low`` (both below).
    growth : {"compound", "simple"}
        How annual growth rates are computed (see :func:`dynamic_lq`).

    Returns
    -------
    pandas.DataFrame
        Indexed by (``village_code``, ``product``) with ``share_village`` and ``share_region``
        (0–1, end period), ``growth_village_product_pct_yr``, ``growth_product_pct_yr`` and
        ``class``. Products without a start value in the village are ``labels.unclassified``.
    """
    t = _check_years(years)
    if growth not in ("compound", "simple"):
        raise ParameterError(f"growth must be 'compound' or 'simple', got {growth!r}.")
    a, b = _check_pair(x0, x1)
    vt = b.sum(axis=1)
    share_v = b.div(vt.where(vt > 0), axis=0)
    grand = float(b.to_numpy().sum())
    share_r = b.sum(axis=0) / grand if grand > 0 else b.sum(axis=0) * np.nan
    g_ij = _growth(a, b, t, growth)
    g_i = _growth(a.sum(axis=0), b.sum(axis=0), t, growth)
    share_r_frame = pd.DataFrame([share_r.to_numpy()] * len(b), index=b.index, columns=b.columns)
    g_i_frame = pd.DataFrame([g_i.to_numpy()] * len(b), index=b.index, columns=b.columns)
    out = pd.concat(
        [
            _stack(share_v, "share_village"),
            _stack(share_r_frame, "share_region"),
            _stack(g_ij * 100, "growth_village_product_pct_yr"),
            _stack(g_i_frame * 100, "growth_product_pct_yr"),
        ],
        axis=1,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        level = out["share_village"] / out["share_region"]
        dyn = (1 + out["growth_village_product_pct_yr"] / 100) / (
            1 + out["growth_product_pct_yr"] / 100
        )
    out["class"] = _quadrants(level, dyn, labels)
    return out
