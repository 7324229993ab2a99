"""Land carrying capacity as Indonesian spatial plans compute it (Permen LH 17/2009).

Land supply comes from the actual production of the commodities in the region's harvest table
valued at their producer prices and expressed in **beras** (milled rice) equivalent; land demand
from the population's need for a decent living, 1 t beras equivalent per person a year. Rice
productivity is beras per hectare: paddy yield × the milled-rice conversion (BPS: 64.02 % of dry
milled paddy). The older α index (KFM 265 kg beras per person a year) and its classes are
computed beside it. Population per village is spread from the region's published total in
proportion to the village figures of Table 1 unless a household size is given.

When the harvest table holds only some commodities (the bundled Rasau Jaya holds the paper's
three OVOP crops), the figure is the paper's OVOP-crop variant of the guideline, not the
guideline's all-commodity figure, and :attr:`CarryingCapacity.method` says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ovop_geo.errors import InputDataError, ParameterError, format_items, raise_problems
from ovop_geo.farming import FarmingParams, _tidy

__all__ = [
    "ALPHA_CLASSES",
    "CarryingCapacity",
    "alpha_class",
    "carrying_capacity",
    "population_by_village",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

#: α classes (Suhardjo and Tukiran 1990, after Odum, Christaller, Howard and Isard; as applied in
#: Indonesian carrying-capacity studies): (class, lower bound, meaning). 2.47 = 650 kg beras for a
#: decent living ÷ the 265 kg minimum physical need.
ALPHA_CLASSES = (
    ("I", 2.47, "self-sufficient in food and able to give its people a decent living"),
    ("II", 1.0, "self-sufficient in food, not yet able to give a decent living"),
    ("III", 0.0, "not self-sufficient in food"),
)
ALPHA_CLASSES_SOURCE = (
    "Suhardjo and Tukiran (1990), as applied in Indonesian carrying-capacity studies: "
    "class I alpha > 2.47, class II 1 <= alpha <= 2.47, class III alpha < 1"
)
PERMEN_LH = "Permen LH 17/2009"


def alpha_class(alpha) -> np.ndarray:
    """Class I, II or III of α values (empty text where α is unknown)."""
    a = np.asarray(alpha, dtype=float)
    return np.select([a > 2.47, a >= 1.0, a >= 0], ["I", "II", "III"], default="")


# --------------------------------------------------------------------------- population
def population_by_village(
    households: pd.Series,
    *,
    region_population: float | None = None,
    persons_per_household: float | None = None,
) -> pd.Series:
    """Population per village from the village figures of Table 1 (printed as KK).

    Exactly one of the two methods: spread ``region_population`` over villages in proportion to
    the village figures (keeps the published total; the default of :class:`FarmingParams`), or
    multiply them by ``persons_per_household`` (an assumption the user states). The paper's
    "Jumlah KK" add up to 20,806 against 23,499 people, so they are more likely persons than
    households; spreading in proportion is right either way.

    Parameters
    ----------
    households : pandas.Series
        The village figures (``households`` column), indexed by ``village_code``.
    region_population : float, optional
        Persons in the whole region.
    persons_per_household : float, optional
        Average household size (persons).

    Returns
    -------
    pandas.Series
        ``population`` (persons, not rounded) indexed by ``village_code``.
    """
    if (region_population is None) == (persons_per_household is None):
        raise ParameterError(
            "give exactly one of region_population or persons_per_household to estimate the "
            "population of each village."
        )
    hh = pd.to_numeric(households, errors="coerce").astype(float)
    bad = hh.isna() | (hh < 0)
    if bad.any():
        raise InputDataError(
            f"column 'households': missing, text or negative values. "
            f"Villages: {format_items(hh.index[bad])}. Fill in the household counts (KK)."
        )
    if persons_per_household is not None:
        pop = hh * float(persons_per_household)
    else:
        if hh.sum() <= 0:
            raise InputDataError("column 'households': every village has 0 households.")
        pop = float(region_population) * hh / hh.sum()
    pop.index = pop.index.astype(str)
    pop.index.name = "village_code"
    return pop.rename("population")


# --------------------------------------------------------------------------- carrying capacity
@dataclass(frozen=True)
class CarryingCapacity:
    """Carrying capacity per village (``by_village``) and for the whole region (``region``).

    ``method`` names the quantity ("Permen LH 17/2009", or the paper's OVOP-crop variant when
    the harvest table does not hold every commodity); ``parameters`` lists the prices,
    conversion and needs used, each with its source.
    """

    by_village: pd.DataFrame
    region: pd.Series
    method: str = PERMEN_LH
    parameters: dict = field(default_factory=dict)


def _cc_columns(beras_eq_t, rice_area_ha, population, ptv, need_t, kfm_t):
    """Permen LH 17/2009 land supply and demand and the α index, vectorised."""
    supply = beras_eq_t / ptv
    khll = need_t / ptv
    demand = population * khll
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = supply / demand
        alpha = (rice_area_ha / population) / (kfm_t / ptv)
    status = np.where(supply > demand, "surplus", np.where(supply < demand, "deficit", "balanced"))
    return {
        "rice_equivalent_t": beras_eq_t,
        "land_supply_ha": supply,
        "population": population,
        "khll_ha_per_person": khll,
        "land_demand_ha": demand,
        "supply_demand_ratio": ratio,
        "status": status,
        "alpha_index": alpha,
        "alpha_class": alpha_class(alpha),
        "self_sufficient": alpha >= 1,
    }


def carrying_capacity(
    production_by_village: pd.DataFrame,
    prices: pd.DataFrame,
    population: pd.Series,
    *,
    milled_rice_t_per_paddy_t: float,
    conversion_source: str = "",
    rice_crop: str = FarmingParams.rice_crop,
    rice_price_id: str = "beras",
    rice_yield_t_ha: float | None = None,
    rice_need_t_person_yr: float = FarmingParams.rice_need_t_person_yr,
    kfm_kg_person_yr: float = FarmingParams.kfm_kg_person_yr,
    all_commodities: bool = False,
    prices_source: str = "prices.csv",
) -> CarryingCapacity:
    """Land carrying capacity after Permen LH 17/2009 in beras equivalent, and the α index.

    * beras productivity Ptv_b (t/ha) = paddy yield × ``milled_rice_t_per_paddy_t``;
    * land supply SL (ha) = Σ_i (P_i × H_i) / H_b / Ptv_b, with P_i the production of commodity
      i in the form of the harvest table (t; paddy as dry milled paddy), H_i its producer price
      in that form, H_b the price of beras (the ``rice_price_id`` row of ``prices``);
    * land demand DL (ha) = N × KHLL, KHLL = ``rice_need_t_person_yr`` (1 t beras) / Ptv_b;
    * SL > DL: surplus; SL < DL: deficit;
    * α = (paddy harvest area / N) / (KFM / Ptv_b), KFM = 265 kg beras; class I α > 2.47,
      II 1 ≤ α ≤ 2.47, III α < 1 (:data:`ALPHA_CLASSES`).

    Every commodity of ``production_by_village`` is counted. Pass ``all_commodities=True`` only
    when it holds every commodity of the region; otherwise :attr:`CarryingCapacity.method`
    names the figure the paper's OVOP-crop variant.

    Parameters
    ----------
    production_by_village : pandas.DataFrame
        Indexed by (``village_code``, ``crop_id``) with ``production_t`` (t) and
        ``harvest_area_ha`` (ha); optional ``estimated``.
    prices : pandas.DataFrame
        ``crop_id`` and ``price_idr_per_kg`` (producer prices; only ratios to beras matter),
        optional ``form``, ``year``, ``source``; a row ``rice_price_id`` (beras).
    population : pandas.Series
        Persons per village indexed by ``village_code`` (see :func:`population_by_village`).
    milled_rice_t_per_paddy_t : float
        Beras per tonne of paddy as the harvest table measures it (0-1].
    conversion_source : str
        Where the conversion comes from (recorded in ``parameters``).
    rice_crop : str
        Crop id of paddy.
    rice_price_id : str
        ``crop_id`` of the beras price row.
    rice_yield_t_ha : float, optional
        Paddy yield in t/ha; default: the region's paddy production ÷ paddy harvest area.
    rice_need_t_person_yr, kfm_kg_person_yr : float
        1 t beras equivalent (KHLL) and 265 kg beras (KFM) per person a year.
    all_commodities : bool
        The harvest table holds every commodity of the region.
    prices_source : str
        File name used in messages.

    Returns
    -------
    CarryingCapacity
        ``by_village``: indexed by ``village_code`` with ``rice_equivalent_t`` (t beras
        equivalent), ``land_supply_ha``, ``population``, ``khll_ha_per_person``,
        ``land_demand_ha``, ``supply_demand_ratio``, ``status``, ``alpha_index``,
        ``alpha_class``, ``self_sufficient``, ``estimated``, ``paddy_yield_t_ha``,
        ``beras_yield_t_ha``; ``region``: the same for the whole region (sums of supply,
        demand, population and rice area); ``method`` and ``parameters``.
    """
    prod = _tidy(production_by_village)
    problems = [
        f"production table: '{col}' not found."
        for col in ("village_code", "crop_id", "production_t", "harvest_area_ha")
        if col not in prod.columns
    ] + [
        f"{prices_source}: column '{col}' not found."
        for col in ("crop_id", "price_idr_per_kg")
        if col not in prices.columns
    ]
    raise_problems(None, problems)
    if not 0 < milled_rice_t_per_paddy_t <= 1:
        raise ParameterError(
            "milled_rice_t_per_paddy_t must be in (0, 1]: tonnes of beras per tonne of paddy "
            f"(BPS 2018: 0.6402); got {milled_rice_t_per_paddy_t}."
        )
    table = prices.copy()
    table["crop_id"] = table["crop_id"].astype(str)
    price = pd.to_numeric(table.set_index("crop_id")["price_idr_per_kg"], errors="coerce")
    produced = sorted(set(prod.loc[prod["production_t"] > 0, "crop_id"].astype(str)) | {rice_crop})
    needed = [*produced, rice_price_id]
    lacking = [c for c in needed if not (c in price.index and price.get(c, np.nan) > 0)]
    if lacking:
        raise InputDataError(
            f"{prices_source}: no positive producer price for {format_items(lacking)}. "
            f"Add a row (crop_id, price_idr_per_kg, year, source) for each; '{rice_price_id}' is "
            "the price of milled rice (beras) that Permen LH 17/2009 values production against.",
            path=prices_source,
        )
    pop = pd.to_numeric(population, errors="coerce").astype(float)
    pop.index = pop.index.astype(str)
    codes = pd.Index(prod["village_code"].astype(str).unique(), name="village_code")
    no_pop = codes[pop.reindex(codes).isna()]
    if len(no_pop):
        raise InputDataError(
            f"population: no figure for villages {format_items(no_pop)}. "
            "Give the households of every village or a population table."
        )
    prod["crop_id"] = prod["crop_id"].astype(str)
    prod["village_code"] = prod["village_code"].astype(str)
    rice = prod[prod["crop_id"] == rice_crop]
    if rice_yield_t_ha is None:
        area = rice["harvest_area_ha"].sum()
        if not area > 0:
            raise InputDataError(
                f"production table: no harvest area of '{rice_crop}', so the rice yield Ptv_b is "
                "unknown. Give rice_yield_t_ha or rice harvest figures."
            )
        rice_yield_t_ha = float(rice["production_t"].sum() / area)
    if not rice_yield_t_ha > 0:
        raise ParameterError(f"rice_yield_t_ha must be above 0 (got {rice_yield_t_ha}).")
    ptv = rice_yield_t_ha * milled_rice_t_per_paddy_t
    prod["beras_eq_t"] = prod["production_t"] * prod["crop_id"].map(price) / price[rice_price_id]
    beras_eq = prod.groupby("village_code")["beras_eq_t"].sum().reindex(codes, fill_value=0.0)
    rice_area = rice.groupby("village_code")["harvest_area_ha"].sum().reindex(codes, fill_value=0)
    n = pop.reindex(codes)
    kfm_t = kfm_kg_person_yr / 1000.0
    by_village = pd.DataFrame(
        _cc_columns(beras_eq, rice_area.astype(float), n, ptv, rice_need_t_person_yr, kfm_t),
        index=codes,
    )
    est = prod.groupby("village_code")["estimated"].any() if "estimated" in prod else None
    by_village["estimated"] = (
        est.reindex(codes).fillna(False).astype(bool) if est is not None else False
    )
    totals = (beras_eq.sum(), float(rice_area.sum()), float(n.sum()))
    region = pd.Series(_cc_columns(*totals, ptv, rice_need_t_person_yr, kfm_t))
    region["status"] = str(region["status"])
    region["alpha_class"] = str(region["alpha_class"])
    region["self_sufficient"] = bool(region["self_sufficient"])
    region["estimated"] = bool(by_village["estimated"].any())
    for frame in (by_village, region):
        frame["paddy_yield_t_ha"] = rice_yield_t_ha
        frame["beras_yield_t_ha"] = ptv
    commodities = sorted(prod["crop_id"].unique())
    method = (
        PERMEN_LH
        if all_commodities
        else (
            f"the paper's OVOP-crop variant of {PERMEN_LH}: only the crops of the harvest table "
            f"({', '.join(commodities)}), not every commodity of the region"
        )
    )

    def _row(crop_id: str) -> dict:
        row = table[table["crop_id"] == crop_id].iloc[0]
        return {
            "crop_id": crop_id,
            "form": str(row.get("form", "")) if pd.notna(row.get("form", "")) else "",
            "price_idr_per_kg": float(price[crop_id]),
            "year": None if pd.isna(row.get("year")) else int(row.get("year")),
            "source": "" if pd.isna(row.get("source")) else str(row.get("source")),
        }

    parameters = {
        "method": method,
        "commodities": commodities,
        "all_commodities": bool(all_commodities),
        "prices": [_row(c) for c in dict.fromkeys(needed)],
        "conversions": [
            {
                "crop_id": rice_crop,
                "from": "paddy (as in the harvest table)",
                "to": "beras",
                "factor": float(milled_rice_t_per_paddy_t),
                "source": conversion_source,
            }
        ],
        "paddy_yield_t_ha": float(rice_yield_t_ha),
        "beras_yield_t_ha": float(ptv),
        "khll_need_t_beras_person_yr": float(rice_need_t_person_yr),
        "kfm_kg_beras_person_yr": float(kfm_kg_person_yr),
        "alpha_classes": ALPHA_CLASSES_SOURCE,
    }
    return CarryingCapacity(
        by_village=by_village, region=region, method=method, parameters=parameters
    )
