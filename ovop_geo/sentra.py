"""Sentra rules: which village × product pairs already form a sentra.

Two rules Indonesian planners use, each a parameter with its source (see
``data/params/sentra_rules.csv``):

- **PP 29/2018** (Peraturan Pemerintah No. 29 Tahun 2018): a sentra IKM has at least 5 business
  units in one location making similar products (same raw material or process).
- **BPS, Direktori Sentra Industri 2020** (as reported in secondary sources): households running
  similar businesses make up at least 20 % of the village's households. The exact threshold is
  configurable.

The BPS rule counts *households engaged* in the business; the business table counts *business
units*. This module approximates the first by the second (one household per unit), which
understates the share where a unit employs several households and overstates it where one
household runs several units. Every result row carries this caveat in its ``note`` column.

All functions work on tables only: no geometry is involved, so no CRS applies.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InputDataError, ParameterError, format_items

__all__ = ["HOUSEHOLD_NOTE", "SentraRules", "apply_sentra_rules", "sentra_pairs"]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

#: The caveat written into every result row.
HOUSEHOLD_NOTE = (
    "household_share approximates households engaged in the business by business units "
    "(one household per unit); the BPS rule counts households"
)


@dataclass(frozen=True)
class SentraRules:
    """Thresholds of the sentra rules, with their sources.

    Attributes
    ----------
    min_units : int
        Minimum number of business units making similar products in one village (PP 29/2018: 5).
    min_household_share : float
        Minimum share (0–1) of the village's households engaged in similar businesses
        (BPS Direktori Sentra Industri 2020, as reported: 0.20).
    min_units_source, min_household_share_source : str
        Where the thresholds come from; shown beside the results.
    """

    min_units: int = 5
    min_household_share: float = 0.20
    min_units_source: str = (
        "PP 29/2018: a sentra IKM has at least 5 business units in one location making similar "
        "products"
    )
    min_household_share_source: str = (
        "BPS Direktori Sentra Industri 2020 (as reported): similar businesses make up at least "
        "20 % of the village's households; configurable"
    )

    def __post_init__(self) -> None:
        problems = []
        if (
            isinstance(self.min_units, bool)
            or not isinstance(self.min_units, int | np.integer)
            or self.min_units < 1
        ):
            problems.append(f"min_units must be a whole number ≥ 1, got {self.min_units!r}.")
        share = self.min_household_share
        if (
            isinstance(share, bool)
            or not isinstance(share, int | float | np.floating)
            or not (0 < float(share) <= 1)
        ):
            problems.append(
                f"min_household_share must be a share between 0 (excluded) and 1, got {share!r}; "
                "write 20 % as 0.20."
            )
        if problems:
            raise ParameterError("Sentra rules: " + " ".join(problems))


def _check_inputs(
    businesses: pd.DataFrame, households: pd.Series | None
) -> tuple[pd.DataFrame, pd.Series]:
    problems: list[str] = []
    if not isinstance(businesses, pd.DataFrame):
        raise InputDataError(
            f"business table: expected villages × products, got {type(businesses).__name__}."
        )
    if households is None:
        households = pd.Series(np.nan, index=businesses.index.astype(str), dtype=float)
    if not isinstance(households, pd.Series):
        raise InputDataError(
            "households: expected a column indexed by village code, got "
            f"{type(households).__name__}."
        )
    b = businesses.copy()
    b.index = b.index.astype(str)
    if b.index.has_duplicates:
        problems.append(
            "business table: village codes occur more than once: "
            f"{format_items(b.index[b.index.duplicated()].unique())}. Merge the rows."
        )
    for col in businesses.columns:
        values = pd.to_numeric(businesses[col], errors="coerce")
        bad = b.index[values.isna().to_numpy()]
        if len(bad):
            problems.append(
                f"business table: column '{col}': values missing or not numbers. Villages: "
                f"{format_items(bad)}. Write 0 where there is no business."
            )
            continue
        arr = values.to_numpy(dtype=float)
        wrong = b.index[(arr < 0) | (np.floor(arr) != arr)]
        if len(wrong):
            problems.append(
                f"business table: column '{col}': counts must be whole numbers ≥ 0. Villages: "
                f"{format_items(wrong)}."
            )
        b[col] = values.to_numpy()
    h = pd.to_numeric(households, errors="coerce")
    h.index = h.index.astype(str)
    if h.index.has_duplicates:
        problems.append(
            "households: village codes occur more than once: "
            f"{format_items(h.index[h.index.duplicated()].unique())}."
        )
    bad_h = h.index[(h <= 0).to_numpy()]
    if len(bad_h):
        problems.append(
            f"households: counts must be positive. Villages: {format_items(bad_h)}. Leave the "
            "value empty where it is not known."
        )
    if problems:
        raise InputDataError(
            problems[0]
            if len(problems) == 1
            else f"{len(problems)} problems: " + " ".join(problems),
            problems=problems,
        )
    return b.astype(float), h.astype(float)


def apply_sentra_rules(
    businesses: pd.DataFrame,
    households: pd.Series | None,
    rules: SentraRules | None = None,
) -> pd.DataFrame:
    """Test every village × product pair against the sentra rules, each rule on its own.

    Each rule is evaluated from the inputs it needs and nothing else: PP 29/2018 from the
    business counts alone, the BPS rule from the counts and the households. A rule that cannot
    be evaluated says *unknown* (``<NA>``), never "no": a region without household counts still
    knows which pairs meet PP 29/2018.

    Parameters
    ----------
    businesses : pandas.DataFrame
        Business units, indexed by ``village_code``, one column of whole counts per product.
    households : pandas.Series
        Households (KK) per village, indexed by ``village_code``, or None where none are known.
        Villages missing here, or with an empty value, get an unknown household share
        (``<NA>``), never a guess.
    rules : SentraRules, optional
        Thresholds; defaults to PP 29/2018 (5 units) and BPS 2020 (20 % of households).

    Returns
    -------
    pandas.DataFrame
        Long frame indexed by (``village_code``, ``product``) with

        - ``businesses``: business units (count);
        - ``meets_pp29_2018`` (nullable boolean, known wherever the count is) and
          ``margin_pp29`` = businesses − ``min_units`` (units;
          ≥ 0 meets the rule);
        - ``households`` (KK) and ``household_share`` = businesses / households (0–1, see the note);
        - ``meets_bps_households`` (nullable bool, ``<NA>`` where households are unknown) and
          ``margin_bps`` = household_share − ``min_household_share`` (share, ≥ 0 meets the rule);
        - ``note``: the household approximation caveat.
    """
    rules = SentraRules() if rules is None else rules
    if not isinstance(rules, SentraRules):
        raise ParameterError(f"rules must be SentraRules, got {type(rules).__name__}.")
    b, h = _check_inputs(businesses, households)
    missing = b.index.difference(h.dropna().index)
    if len(missing):
        logger.info(
            "Sentra rules: households unknown for %d villages (%s); their household share is NA.",
            len(missing),
            format_items(missing),
        )
    long = b.stack(future_stack=True).rename("businesses")
    long.index = long.index.set_names(["village_code", "product"])
    out = long.to_frame()
    village = out.index.get_level_values("village_code")
    out["businesses"] = out["businesses"].astype("int64")
    out["meets_pp29_2018"] = pd.array(
        out["businesses"].to_numpy() >= rules.min_units, dtype="boolean"
    )
    out["margin_pp29"] = out["businesses"] - int(rules.min_units)
    out["households"] = h.reindex(village).to_numpy()
    out["household_share"] = out["businesses"] / out["households"]
    known = out["household_share"].notna()
    meets = pd.array(
        # compare with a small tolerance so that 0.2 computed as 1/5 counts as 0.2
        (out["household_share"] >= rules.min_household_share - 1e-12).to_numpy(),
        dtype="boolean",
    )
    meets[~known.to_numpy()] = pd.NA
    out["meets_bps_households"] = meets
    out["margin_bps"] = out["household_share"] - rules.min_household_share
    out["note"] = HOUSEHOLD_NOTE
    return out


def sentra_pairs(result: pd.DataFrame, *, rule: str = "pp29_2018") -> frozenset[tuple[str, str]]:
    """The (village_code, product) pairs that meet a rule in :func:`apply_sentra_rules` output.

    Parameters
    ----------
    result : pandas.DataFrame
        Output of :func:`apply_sentra_rules`.
    rule : {"pp29_2018", "bps_households", "either", "both"}
        Which rule must hold. Unknown household shares never count as met.

    Returns
    -------
    frozenset of tuple
        Pairs suitable for ``allocation.allocate_products(require_sentra=...)``.
    """
    pp = result["meets_pp29_2018"].fillna(False).astype(bool)
    bps = result["meets_bps_households"].fillna(False).astype(bool)
    choice = {"pp29_2018": pp, "bps_households": bps, "either": pp | bps, "both": pp & bps}
    if rule not in choice:
        raise ParameterError(f"rule must be one of {', '.join(sorted(choice))}, got {rule!r}.")
    return frozenset((str(v), str(p)) for v, p in result.index[choice[rule].to_numpy()])
