"""Land carrying capacity as Indonesian spatial plans compute it (Permen LH 17/2009).

Land supply comes from the actual production of all commodities valued at producer prices in
rice equivalent; land demand from the population's need for a decent living. The older α index
(KFM 265 kg rice per person a year) is computed beside it. Population per village is spread from
the region's published total by households unless a household size is given.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ovop_geo.errors import InputDataError, ParameterError, format_items, raise_problems
from ovop_geo.farming import FarmingParams, _tidy

__all__ = ["CarryingCapacity", "carrying_capacity", "population_by_village"]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

# --------------------------------------------------------------------------- carrying capacity
def population_by_village(
    households: pd.Series,
    *,
    region_population: float | None = None,
    persons_per_household: float | None = None,
) -> pd.Series:
    """Population per village from households (KK).

    Exactly one of the two methods: spread ``region_population`` over villages in proportion to
    households (keeps the published total; the default of :class:`FarmingParams`), or multiply
    households by ``persons_per_household`` (an assumption the user states).

    Parameters
    ----------
    households : pandas.Series
        Households per village, indexed by ``village_code``.
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


@dataclass(frozen=True)
class CarryingCapacity:
    """Carrying capacity per village (``by_village``) and for the whole region (``region``)."""

    by_village: pd.DataFrame
    region: pd.Series


def _cc_columns(rice_eq_t, rice_area_ha, population, ptv, need_t, kfm_t):
    """Permen LH 17/2009 land supply and demand and the α index, vectorised."""
    supply = rice_eq_t / ptv
    khll = need_t / ptv
    demand = population * khll
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = supply / demand
        alpha = (rice_area_ha / population) / (kfm_t / ptv)
    status = np.where(supply > demand, "surplus", np.where(supply < demand, "deficit", "balanced"))
    return {
        "rice_equivalent_t": rice_eq_t,
        "land_supply_ha": supply,
        "population": population,
        "khll_ha_per_person": khll,
        "land_demand_ha": demand,
        "supply_demand_ratio": ratio,
        "status": status,
        "alpha_index": alpha,
        "self_sufficient": alpha > 1,
    }


def carrying_capacity(
    production_by_village: pd.DataFrame,
    prices: pd.DataFrame,
    population: pd.Series,
    *,
    rice_crop: str = FarmingParams.rice_crop,
    rice_yield_t_ha: float | None = None,
    rice_need_t_person_yr: float = FarmingParams.rice_need_t_person_yr,
    kfm_kg_person_yr: float = FarmingParams.kfm_kg_person_yr,
    prices_source: str = "prices.csv",
) -> CarryingCapacity:
    """Land carrying capacity after Permen LH 17/2009, and the older α index.

    * land supply SL (ha) = Σ_i (P_i × H_i) / H_b / Ptv_b, with P_i production (t), H_i the
      producer price (IDR/kg), H_b the rice price and Ptv_b the rice yield (t/ha);
    * land demand DL (ha) = N × KHLL, KHLL = ``rice_need_t_person_yr`` (1 t) / Ptv_b;
    * SL > DL: surplus; SL < DL: deficit;
    * α = (rice harvest area / N) / (KFM / Ptv_b), KFM = 265 kg; α > 1: self-sufficient.

    Rice is whatever ``rice_crop`` is measured in (paddy for ``padi``); no paddy-to-milled-rice
    conversion is applied.

    Parameters
    ----------
    production_by_village : pandas.DataFrame
        Indexed by (``village_code``, ``crop_id``) with ``production_t`` (t) and
        ``harvest_area_ha`` (ha); optional ``estimated``.
    prices : pandas.DataFrame
        ``crop_id`` and ``price_idr_per_kg`` (producer prices; only ratios to rice matter).
    population : pandas.Series
        Persons per village indexed by ``village_code`` (see :func:`population_by_village`).
    rice_crop : str
        Crop id of rice.
    rice_yield_t_ha : float, optional
        Ptv_b in t/ha; default: the region's rice production ÷ rice harvest area.
    rice_need_t_person_yr, kfm_kg_person_yr : float
        1 t rice-equivalent (KHLL) and 265 kg (KFM) per person a year.
    prices_source : str
        File name used in messages.

    Returns
    -------
    CarryingCapacity
        ``by_village``: indexed by ``village_code`` with ``rice_equivalent_t``,
        ``land_supply_ha``, ``population``, ``khll_ha_per_person``, ``land_demand_ha``,
        ``supply_demand_ratio``, ``status``, ``alpha_index``, ``self_sufficient``,
        ``estimated``; ``region``: the same figures for the whole region (sums of supply,
        demand, population and rice area).
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
    price = pd.to_numeric(
        prices.set_index(prices["crop_id"].astype(str))["price_idr_per_kg"], errors="coerce"
    )
    produced = sorted(set(prod.loc[prod["production_t"] > 0, "crop_id"].astype(str)) | {rice_crop})
    lacking = [c for c in produced if not (c in price.index and price.get(c, np.nan) > 0)]
    if lacking:
        raise InputDataError(
            f"{prices_source}: no positive producer price for crops {format_items(lacking)}. "
            "Add a row (crop_id, price_idr_per_kg, year, source) for each.",
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
    prod["rice_eq_t"] = prod["production_t"] * prod["crop_id"].map(price) / price[rice_crop]
    rice_eq = prod.groupby("village_code")["rice_eq_t"].sum().reindex(codes, fill_value=0.0)
    rice_area = rice.groupby("village_code")["harvest_area_ha"].sum().reindex(codes, fill_value=0)
    n = pop.reindex(codes)
    kfm_t = kfm_kg_person_yr / 1000.0
    by_village = pd.DataFrame(
        _cc_columns(
            rice_eq, rice_area.astype(float), n, rice_yield_t_ha, rice_need_t_person_yr, kfm_t
        ),
        index=codes,
    )
    est = prod.groupby("village_code")["estimated"].any() if "estimated" in prod else None
    by_village["estimated"] = (
        est.reindex(codes).fillna(False).astype(bool) if est is not None else False
    )
    totals = (rice_eq.sum(), float(rice_area.sum()), float(n.sum()))
    region = pd.Series(_cc_columns(*totals, rice_yield_t_ha, rice_need_t_person_yr, kfm_t))
    region["status"] = str(region["status"])
    region["self_sufficient"] = bool(region["self_sufficient"])
    region["estimated"] = bool(by_village["estimated"].any())
    region["rice_yield_t_ha"] = rice_yield_t_ha
    by_village["rice_yield_t_ha"] = rice_yield_t_ha
    return CarryingCapacity(by_village=by_village, region=region)
