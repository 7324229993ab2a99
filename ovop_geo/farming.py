"""Production, spreading of region totals, raw-material demand, land availability and growth.

All frames are indexed by ``village_code`` or by (``village_code``, ``crop_id``); areas are in
hectares, masses in tonnes, yields in t/ha (converted once with :mod:`ovop_geo.units`).

Land availability follows the paper ("land availability is determined from the actual local
production of all OVOP commodities") and the national carrying-capacity guideline (Permen LH
17/2009): suitable land minus land already harvested, land needed = raw-material demand ÷ yield,
and land supply against land demand for the whole population.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ovop_geo.errors import InputDataError, ParameterError, format_items, raise_problems
from ovop_geo.units import yield_to_t_ha
from ovop_geo.validate import parse_yes_no

__all__ = [
    "BALANCE_COLUMNS",
    "BINDING",
    "RAW_MATERIAL_COLUMNS",
    "FarmingParams",
    "GrowthScenario",
    "cropping_intensity",
    "disaggregate_harvest",
    "food_first",
    "food_need",
    "growth_scenarios",
    "land_availability",
    "land_balance",
    "production",
    "raw_material_demand",
    "raw_material_table",
    "region_totals",
    "scenarios_from_table",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

_KEY = ["village_code", "crop_id"]


@dataclass(frozen=True)
class FarmingParams:
    """Parameters of the farming computations (defaults are stated with their source).

    Attributes
    ----------
    growth_rate_pct_yr : float
        Central growth of raw-material demand, % a year, when no scenario table is given.
        Default 10: an assumption between population growth (2.35 %) and the paper's survey
        answer (90 % of firms raised capacity by more than 30 % in a year: the lower bound of one
        answer, not a trend).
    base_year : int
        Year of the statistics, the *data year* (the paper's are 2013).
    horizon_years : int
        Years looked ahead by :func:`growth_scenarios`, from the start year.
    population_growth_pct_yr : float
        Population growth, % a year (paper Table 2: 2.35).
    persons_per_household : float or None
        Average household size used to turn the village figures of Table 1 into population.
        None (default): spread the region's published population over villages in proportion
        to those figures (the paper's "Jumlah KK" add up to 20,806 against 23,499 people, so they
        are more likely persons than households).
    rice_crop : str
        Crop id of paddy (the reference commodity of Permen LH 17/2009, counted as beras).
    rice_need_t_person_yr : float
        Beras equivalent a person needs a year for a decent living: 1 t (Permen LH 17/2009).
    kfm_kg_person_yr : float
        Minimum physical need for the older α index: 265 kg beras per person a year.
    """

    growth_rate_pct_yr: float = 10.0
    base_year: int = 2013
    horizon_years: int = 30
    population_growth_pct_yr: float = 2.35
    persons_per_household: float | None = None
    rice_crop: str = "padi"
    rice_need_t_person_yr: float = 1.0
    kfm_kg_person_yr: float = 265.0

    def __post_init__(self) -> None:
        _check_growth(self.growth_rate_pct_yr, self.horizon_years)
        _check_growth(self.population_growth_pct_yr, self.horizon_years)
        if self.persons_per_household is not None and not self.persons_per_household > 0:
            raise ParameterError(
                f"persons_per_household must be above 0 (got {self.persons_per_household})."
            )
        if not self.rice_need_t_person_yr > 0 or not self.kfm_kg_person_yr > 0:
            raise ParameterError("rice_need_t_person_yr and kfm_kg_person_yr must be above 0.")


def _check_growth(growth_rate_pct_yr: float, horizon_years: int) -> None:
    if not math.isfinite(growth_rate_pct_yr) or growth_rate_pct_yr <= -100:
        raise ParameterError(
            f"growth_rate_pct_yr must be a number above -100 (got {growth_rate_pct_yr})."
        )
    if int(horizon_years) != horizon_years or horizon_years < 1:
        raise ParameterError(f"horizon_years must be a whole number >= 1 (got {horizon_years}).")


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with index levels named village_code/crop_id moved to columns."""
    out = frame.copy()
    levels = [n for n in out.index.names if n in _KEY]
    if levels:
        out = out.reset_index(level=levels)
    return out


def _numeric_column(df, column, problems, *, label, allow_negative=False):
    """Column as floats; text and (unless allowed) negative values are reported in ``problems``."""
    values = pd.to_numeric(df[column], errors="coerce")
    text = values.isna() & df[column].notna()
    if text.any():
        problems.append(
            f"column '{column}': values are not numbers. Rows: {format_items(label[text])}. "
            "Write plain numbers (a dot as decimal separator)."
        )
    if not allow_negative:
        negative = values < 0
        if negative.any():
            problems.append(
                f"column '{column}': negative values. Rows: {format_items(label[negative])}. "
                "Areas, yields and counts cannot be negative; fix them."
            )
    return values.astype(float)


# --------------------------------------------------------------------------- production
def production(harvest: pd.DataFrame, *, source: str = "harvest table") -> pd.DataFrame:
    """Production (t) = harvest area (ha) × yield (t/ha), per crop or per village and crop.

    Parameters
    ----------
    harvest : pandas.DataFrame
        Tidy rows with ``crop_id``, ``harvest_area_ha`` and either ``yield_t_ha`` or ``yield``
        with ``yield_unit`` (t/ha, ku/ha, kw/ha, kg/ha, ton/ha; one unit per row). Optional
        ``village_code`` (empty for region totals), ``estimated`` (bool) and ``source``.
    source : str
        File name used in messages.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``crop_id`` when every row is a region total, else by (``village_code``,
        ``crop_id``): ``harvest_area_ha``, ``yield_t_ha``, ``production_t``, ``estimated`` and
        ``source`` when given.

    Raises
    ------
    InputDataError
        Missing columns, unknown yield units, text or negative values, duplicate rows, or a
        mix of region totals and village rows, all listed in one message.
    """
    df = _tidy(harvest)
    missing = [c for c in ("crop_id", "harvest_area_ha") if c not in df.columns]
    if "yield_t_ha" not in df.columns and not {"yield", "yield_unit"} <= set(df.columns):
        missing.append("yield_t_ha (or yield and yield_unit)")
    if missing:
        raise InputDataError(
            f"{source}: columns {format_items(missing)} not found. "
            f"Columns present: {format_items(df.columns, limit=10)}.",
            path=source,
        )
    df["crop_id"] = df["crop_id"].astype(str)
    if "village_code" in df.columns:
        code = df["village_code"].astype("string").str.strip().fillna("")
    else:
        code = pd.Series("", index=df.index, dtype="string")
    label = (code.where(code == "", code + "/") + df["crop_id"]).astype(str)
    problems: list[str] = []
    area = _numeric_column(df, "harvest_area_ha", problems, label=label)
    if "yield_t_ha" in df.columns:
        yld = _numeric_column(df, "yield_t_ha", problems, label=label)
    else:
        raw = _numeric_column(df, "yield", problems, label=label)
        try:
            yld = yield_to_t_ha(raw, df["yield_unit"], column="yield_unit")
        except InputDataError as err:
            problems.append(str(err))
            yld = raw * np.nan
    by_village = code != ""
    if by_village.any() and not by_village.all():
        problems.append(
            "some rows have a village_code and others are region totals (empty village_code). "
            f"Region rows: {format_items(label[~by_village])}. Put them in separate tables."
        )
    dup = label.duplicated(keep=False)
    if dup.any():
        problems.append(
            f"rows repeated for the same village and crop: {format_items(label[dup].unique())}. "
            "Keep one row each."
        )
    estimated = (
        parse_yes_no(
            df["estimated"].reset_index(drop=True),
            path=source,
            column="estimated",
            empty=False,
            problems=problems,
        ).to_numpy()
        if "estimated" in df.columns
        else False
    )
    raise_problems(source, problems)
    out = pd.DataFrame(
        {
            "harvest_area_ha": area.to_numpy(),
            "yield_t_ha": yld.to_numpy(),
            "production_t": (area * yld).to_numpy(),
            "estimated": estimated,
        },
        index=(
            pd.MultiIndex.from_arrays([code.astype(str), df["crop_id"]], names=_KEY)
            if by_village.all()
            else pd.Index(df["crop_id"], name="crop_id")
        ),
    )
    if "source" in df.columns:
        out["source"] = df["source"].to_numpy()
    return out


# --------------------------------------------------------------------------- disaggregation
def disaggregate_harvest(
    totals: pd.DataFrame,
    suitable: pd.DataFrame,
    *,
    source: str = "harvest table",
    weight_column: str = "suitable_ha",
) -> pd.DataFrame:
    """Spread region harvest totals over villages in proportion to a land area (dasymetric).

    Harvest area of crop *c* in village *v* = total area × w(v, c) / Σ_v w, with w the
    ``weight_column`` of ``suitable`` (default ``suitable_ha``; the pipeline passes
    ``cultivated_suitable_ha``, suitable land on land-use classes that are not idle, so idle
    shrub land does not count as if harvested). A crop whose weights are all 0 falls back to
    ``suitable_ha``.
    Nothing is rounded and the last floating-point residual is added to the village with the most
    suitable land, so village figures add back up to the totals. Every village takes the region's
    yield (no per-village yields are known).

    Parameters
    ----------
    totals : pandas.DataFrame
        Region totals indexed by ``crop_id`` (the output of :func:`production`) with
        ``harvest_area_ha`` (ha) and ``yield_t_ha`` (t/ha).
    suitable : pandas.DataFrame
        Indexed by (``village_code``, ``crop_id``) with ``suitable_ha`` (ha) and the
        ``weight_column``, e.g. from :func:`ovop_geo.landuse.land_suitability`; an
        ``illustrative`` column is carried.
    source : str
        File name of the totals, used in messages.
    weight_column : str
        Column of ``suitable`` holding the weights (ha).

    Returns
    -------
    pandas.DataFrame
        Indexed by (``village_code``, ``crop_id``): ``harvest_area_ha``, ``yield_t_ha``,
        ``production_t``, ``suitable_ha``, ``share_suitable_harvested`` (0-1, above 1 when the
        harvest area exceeds the suitable land), ``exceeds_suitable`` (bool; reported, not
        clipped), ``estimated`` (always True), and ``source`` and ``illustrative`` when the
        inputs have them.

    Raises
    ------
    InputDataError
        A crop of the totals with no suitability rows, or with no suitable land anywhere.
    """
    tot = totals.copy()
    if "crop_id" in tot.columns:
        tot = tot.set_index("crop_id")
    suit = _tidy(suitable)
    need = dict.fromkeys(("village_code", "crop_id", "suitable_ha", weight_column))
    missing = [c for c in need if c not in suit.columns]
    if missing:
        raise InputDataError(
            f"suitable land table: {format_items(missing)} not found. "
            "Pass the output of suitability_by_village (indexed by village_code and crop_id)."
        )
    problems: list[str] = []
    frames = []
    for crop, row in tot.iterrows():
        rows = suit[suit["crop_id"].astype(str) == str(crop)]
        weights = pd.to_numeric(rows[weight_column], errors="coerce").fillna(0.0).to_numpy()
        if weights.sum() <= 0:
            weights = pd.to_numeric(rows["suitable_ha"], errors="coerce").fillna(0.0).to_numpy()
        total = float(row["harvest_area_ha"])
        if rows.empty:
            problems.append(
                f"crop '{crop}' has no suitable-land figures, so its total of {total:,.2f} ha "
                "cannot be spread over villages. Add the crop to the crop and suitability tables."
            )
            continue
        if weights.sum() <= 0:
            problems.append(
                f"crop '{crop}' has no suitable land in any village, so its total of "
                f"{total:,.2f} ha cannot be spread. Check the land-use layer and the crop's rows "
                "in the suitability table, or give per-village harvest figures."
            )
            continue
        area = total * weights / weights.sum()
        area[int(np.argmax(weights))] += total - area.sum()
        part = pd.DataFrame(
            {
                "village_code": rows["village_code"].astype(str).to_numpy(),
                "crop_id": str(crop),
                "harvest_area_ha": area,
                "yield_t_ha": float(row["yield_t_ha"]),
                "suitable_ha": pd.to_numeric(rows["suitable_ha"], errors="coerce")
                .fillna(0.0)
                .to_numpy(),
            }
        )
        if "source" in tot.columns:
            how = (
                "suitable land"
                if weight_column == "suitable_ha"
                else ("suitable land in current farm use")
            )
            part["source"] = f"{row['source']} (spread over villages by {how})"
        if "illustrative" in rows.columns:
            part["illustrative"] = rows["illustrative"].astype(bool).to_numpy()
        frames.append(part)
    raise_problems(source, problems)
    out = pd.concat(frames, ignore_index=True).set_index(_KEY)
    out["production_t"] = out["harvest_area_ha"] * out["yield_t_ha"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share_suitable_harvested"] = np.where(
            out["suitable_ha"] > 0, out["harvest_area_ha"] / out["suitable_ha"], np.nan
        )
    out["exceeds_suitable"] = out["harvest_area_ha"] > out["suitable_ha"] * (1 + 1e-9)
    out["estimated"] = True
    if out["exceeds_suitable"].any():
        over = out.index[out["exceeds_suitable"]]
        logger.warning(
            "Spread harvest area exceeds suitable land in %d village-crop rows: %s",
            len(over),
            format_items(f"{v}/{c}" for v, c in over),
        )
    return out


# --------------------------------------------------------------------------- raw materials
#: Columns of the raw-material table (``data/paper/raw_materials.csv``).
RAW_MATERIAL_COLUMNS = (
    "product", "crop_id", "processed_input", "processed_input_t_per_business_yr",
    "harvested_form", "processed_t_per_harvested_t", "link_source", "rate_source",
    "conversion_source",
)  # fmt: skip


def _is_assumption(text: object) -> bool:
    return str(text).strip().lower().startswith("assumption")


def raw_material_table(raw_materials: pd.DataFrame, *, source: str = "raw_materials.csv"):
    """The raw-material table checked and in its current layout.

    Each row says which processed input a product is made of (beras ketan, tapioca, shelled
    maize ...), how much of it one firm uses a year (``processed_input_t_per_business_yr``, t),
    and how much processed input one tonne of the harvested crop gives
    (``processed_t_per_harvested_t``, e.g. 0.6402 t beras per t of dry milled paddy), each with
    its source (``rate_source``, ``conversion_source``: a reference, ``paper`` or
    ``assumption ...``) and the source of the product-crop link (``link_source``).

    The older layout (``input_t_per_business_yr`` in t of the harvested crop and one ``source``
    column) is read as processed input = harvested crop (conversion 1, ``"no conversion given"``).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`RAW_MATERIAL_COLUMNS` plus ``assumed`` (True when the link, the
        rate or the conversion is an assumption).

    Raises
    ------
    InputDataError
        Missing columns, text, negative or zero conversions, naming the rows.
    """
    rm = raw_materials.copy()
    if "processed_input_t_per_business_yr" not in rm.columns and {
        "input_t_per_business_yr",
        "source",
    } <= set(rm.columns):
        rm["processed_input_t_per_business_yr"] = rm["input_t_per_business_yr"]
        rm["processed_input"] = rm["crop_id"].astype(str) + " (as harvested)"
        rm["harvested_form"] = rm["processed_input"]
        rm["processed_t_per_harvested_t"] = 1.0
        rm["link_source"] = rm["source"]
        rm["rate_source"] = rm["source"]
        rm["conversion_source"] = "no conversion given"
    missing = [c for c in RAW_MATERIAL_COLUMNS if c not in rm.columns]
    if missing:
        raise InputDataError(
            f"{source}: columns {format_items(missing)} not found. The table needs "
            f"{', '.join(RAW_MATERIAL_COLUMNS)} (see data/paper/README.md).",
            path=source,
        )
    rm = rm[list(RAW_MATERIAL_COLUMNS)].copy()
    rm["product"] = rm["product"].astype(str)
    rm["crop_id"] = rm["crop_id"].astype(str)
    label = rm["product"] + "/" + rm["crop_id"]
    problems: list[str] = []
    rm["processed_input_t_per_business_yr"] = _numeric_column(
        rm, "processed_input_t_per_business_yr", problems, label=label
    )
    conv = _numeric_column(rm, "processed_t_per_harvested_t", problems, label=label)
    bad = ~(conv > 0) & conv.notna()
    if bad.any():
        problems.append(
            f"column 'processed_t_per_harvested_t': values must be above 0 (t of processed input "
            f"per t of harvested crop, e.g. 0.64 for beras from paddy). Rows: "
            f"{format_items(label[bad])}."
        )
    rm["processed_t_per_harvested_t"] = conv
    for col in ("link_source", "rate_source", "conversion_source"):
        empty = rm[col].isna() | (rm[col].astype(str).str.strip() == "")
        if empty.any():
            problems.append(
                f"column '{col}': empty cells. Rows: {format_items(label[empty])}. Name the "
                "source, or write 'assumption' and why."
            )
    raise_problems(source, problems)
    rm["assumed"] = (
        rm["link_source"].map(_is_assumption)
        | rm["rate_source"].map(_is_assumption)
        | rm["conversion_source"].map(_is_assumption)
    )
    return rm


def raw_material_demand(
    businesses: pd.DataFrame,
    raw_materials: pd.DataFrame,
    *,
    source: str = "raw_materials.csv",
    businesses_source: str = "business counts",
) -> pd.DataFrame:
    """Raw-material demand (t a year) per village and crop from business counts.

    processed(v, c) = Σ_p businesses(v, p) × processed_input_t_per_business_yr(p, c), and the
    harvested crop it takes: demand(v, c) = Σ_p businesses(v, p) × rate(p, c) ÷
    processed_t_per_harvested_t(p, c). Products without a raw-material row (for example crafts
    or drinks) need no crop.

    Parameters
    ----------
    businesses : pandas.DataFrame
        Indexed by ``village_code``, one integer column per product (number of firms).
    raw_materials : pandas.DataFrame
        See :func:`raw_material_table`.
    source, businesses_source : str
        File names used in messages.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``village_code``, ``crop_id``) for every village and every crop named in
        ``raw_materials``: ``businesses`` (firms using the crop), ``demand_processed_t_yr`` (t
        of processed input a year), ``demand_t_yr`` (t of the harvested crop a year, in the form
        of the harvest statistics), ``source`` (the rate sources of the contributing rows, e.g.
        ``"assumption"``; empty without demand) and ``assumed`` (True when any contributing
        row's link, rate or conversion is an assumption).

    Raises
    ------
    InputDataError
        Missing columns, text, negative or fractional business counts, bad input rates.
    """
    rm = raw_material_table(raw_materials, source=source)
    problems: list[str] = []
    counts = businesses.copy()
    counts.index = counts.index.astype(str)
    counts.index.name = "village_code"
    counts.columns = counts.columns.astype(str)
    for col in counts.columns:
        values = pd.to_numeric(counts[col], errors="coerce")
        bad = values.isna() | (values < 0) | (values != values.round())
        if bad.any():
            problems.append(
                f"column '{col}': business counts must be whole numbers >= 0. "
                f"Villages: {format_items(counts.index[bad])}. Fix them."
            )
        counts[col] = values
    raise_problems(businesses_source, problems)

    without = sorted(set(counts.columns) - set(rm["product"]))
    if without:
        logger.info("Products without a raw-material row (no crop needed): %s", ", ".join(without))
    long = counts.stack().rename("count").reset_index()
    long.columns = ["village_code", "product", "count"]
    merged = long.merge(rm, on="product", how="inner")
    merged["processed_t_yr"] = merged["count"] * merged["processed_input_t_per_business_yr"]
    merged["demand_t_yr"] = merged["processed_t_yr"] / merged["processed_t_per_harvested_t"]
    used = merged["count"] > 0
    merged["source"] = merged["rate_source"].astype(str).where(used, "")
    merged["assumed"] = merged["assumed"] & used

    def _sources(values: pd.Series) -> str:
        return "; ".join(sorted({v for v in values if v}))

    grouped = merged.groupby(_KEY).agg(
        businesses=("count", "sum"),
        demand_processed_t_yr=("processed_t_yr", "sum"),
        demand_t_yr=("demand_t_yr", "sum"),
        source=("source", _sources),
        assumed=("assumed", "any"),
    )
    crops = list(dict.fromkeys(rm["crop_id"]))
    full = pd.MultiIndex.from_product([counts.index, crops], names=_KEY)
    out = grouped.reindex(full)
    out["businesses"] = out["businesses"].fillna(0).astype(int)
    out["demand_processed_t_yr"] = out["demand_processed_t_yr"].fillna(0.0).astype(float)
    out["demand_t_yr"] = out["demand_t_yr"].fillna(0.0).astype(float)
    out["source"] = out["source"].fillna("")
    out["assumed"] = out["assumed"].fillna(False).astype(bool)
    return out


# --------------------------------------------------------------------------- land
def cropping_intensity(crops: pd.DataFrame | None, crop_ids) -> pd.Series:
    """Harvests a year per hectare of land in use, per crop (``cropping_intensity`` of crops.csv).

    Harvest area is counted per season, so land in use = harvest area ÷ cropping intensity.
    Crops without a figure (or without a crops table) get 1: one harvest a year.
    """
    out = pd.Series(1.0, index=pd.Index([str(c) for c in crop_ids], name="crop_id"))
    if crops is not None and "cropping_intensity" in crops.columns:
        given = pd.to_numeric(crops["cropping_intensity"], errors="coerce")
        given.index = crops["crop_id"].astype(str)
        bad = given.index[~(given > 0)]
        if len(bad):
            raise InputDataError(
                f"crops table: column 'cropping_intensity' must be above 0 (harvests a year per "
                f"hectare in use, e.g. 1 or 2). Crops: {format_items(bad)}."
            )
        out.update(given.reindex(out.index).dropna())
    return out


def land_availability(
    suitable: pd.DataFrame,
    harvest_by_village: pd.DataFrame,
    demand: pd.DataFrame,
    *,
    village_land: pd.DataFrame | None = None,
    intensity: pd.Series | None = None,
) -> pd.DataFrame:
    """Land in use, available and needed per village and crop, from one physical land balance.

    * land in use by crop c = harvest area ÷ cropping intensity (harvest area counts every
      season, the land only once);
    * unused suitable land U of the village = farmland suitable for at least one crop − land in
      use by every crop (0 when the crops use more than that);
    * the unused land suitable for crop c is at most ``min(suitable_c − in use_c, U)``: a bound
      per crop, **not additive** over crops;
    * available land is **one allocation** of U over the crops, in proportion to those bounds:
      ``available_c = U × bound_c ÷ Σ bound``. Each crop gets no more than its bound (Σ bound ≥ U
      because every unused suitable hectare suits some crop), and the sum over crops is U.

    ``suitable`` must already exclude land that zoning closes to farming (as
    :func:`ovop_geo.landuse.land_suitability` does).

    Parameters
    ----------
    suitable : pandas.DataFrame
        Indexed by (``village_code``, ``crop_id``) with ``suitable_ha`` (ha, for that crop);
        optional ``illustrative``.
    harvest_by_village : pandas.DataFrame
        Indexed by (``village_code``, ``crop_id``) with ``harvest_area_ha`` (ha), ``yield_t_ha``
        (t/ha), ``production_t`` (t) and ``estimated``.
    demand : pandas.DataFrame
        Indexed by (``village_code``, ``crop_id``) with ``demand_t_yr`` (t of harvested crop a
        year, from :func:`raw_material_demand`); optional ``demand_processed_t_yr``,
        ``source`` and ``assumed``.
    village_land : pandas.DataFrame, optional
        ``LandSuitability.by_village`` (``farmland_suitable_ha`` per village). Without it the
        land suitable for at least one crop is taken as the largest per-crop suitable area (a
        lower bound of the union, so available land is not overstated).
    intensity : pandas.Series, optional
        Cropping intensity per ``crop_id`` (:func:`cropping_intensity`); 1 where missing.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``village_code``, ``crop_id``): ``suitable_ha`` (for this crop; not
        additive), ``harvested_ha``, ``cropping_intensity``, ``in_use_ha``,
        ``unused_suitable_ha`` (the crop's bound; not additive), ``available_ha`` (its share of
        the one allocation; additive), ``production_t``, ``yield_t_ha``, ``demand_t_yr``,
        ``demand_processed_t_yr``, ``land_needed_ha`` (= demand ÷ yield; 0 without demand, NaN
        with demand but no known yield), ``supply_ratio`` (= production ÷ demand; inf with
        production but no demand, NaN with neither), ``estimated``, ``illustrative``,
        ``demand_source``, ``demand_assumed``. Missing harvest means 0 harvested; missing
        suitability means unknown (NaN).
    """
    suit = suitable.copy()
    harv = harvest_by_village.copy()
    dem = demand.copy()
    for name, frame, cols in (
        ("suitable land table", suit, ["suitable_ha"]),
        ("village harvest table", harv, ["harvest_area_ha", "yield_t_ha", "production_t"]),
        ("raw-material demand table", dem, ["demand_t_yr"]),
    ):
        missing = [c for c in cols if c not in frame.columns]
        if list(frame.index.names) != _KEY or missing:
            raise InputDataError(
                f"{name}: expected an index (village_code, crop_id) and columns "
                f"{format_items(cols)}; got index {list(frame.index.names)} and columns "
                f"{format_items(frame.columns, limit=10)}."
            )
    index = suit.index.union(harv.index, sort=False).union(dem.index, sort=False)
    out = pd.DataFrame(index=index)
    crops = index.get_level_values("crop_id")
    villages = index.get_level_values("village_code")
    out["suitable_ha"] = suit["suitable_ha"].reindex(index).astype(float)
    out["harvested_ha"] = harv["harvest_area_ha"].reindex(index).fillna(0.0).astype(float)
    ci = intensity if intensity is not None else pd.Series(dtype=float)
    out["cropping_intensity"] = pd.Series(crops, index=index).map(ci).fillna(1.0).astype(float)
    out["in_use_ha"] = out["harvested_ha"] / out["cropping_intensity"]
    used = out["in_use_ha"].groupby(level="village_code").sum()
    if village_land is not None:
        suitable_any = village_land["farmland_suitable_ha"].astype(float)
        suitable_any.index = suitable_any.index.astype(str)
    else:
        suitable_any = out["suitable_ha"].groupby(level="village_code").max()
    unused = (suitable_any.reindex(used.index) - used).clip(lower=0.0)
    u = pd.Series(villages, index=index).map(unused).astype(float)
    bound = np.minimum(out["suitable_ha"] - out["in_use_ha"], u).clip(lower=0.0)
    out["unused_suitable_ha"] = bound
    total_bound = bound.groupby(level="village_code").transform("sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["available_ha"] = np.where(total_bound > 0, u * bound / total_bound, 0.0)
    out.loc[bound.isna(), "available_ha"] = np.nan
    out["production_t"] = harv["production_t"].reindex(index).fillna(0.0).astype(float)
    out["yield_t_ha"] = harv["yield_t_ha"].reindex(index).astype(float)
    out["demand_t_yr"] = dem["demand_t_yr"].reindex(index).fillna(0.0).astype(float)
    processed = (
        dem["demand_processed_t_yr"]
        if "demand_processed_t_yr" in dem.columns
        else dem["demand_t_yr"]
    )
    out["demand_processed_t_yr"] = processed.reindex(index).fillna(0.0).astype(float)
    yld = out["yield_t_ha"].where(out["yield_t_ha"] > 0)
    out["land_needed_ha"] = np.where(out["demand_t_yr"] > 0, out["demand_t_yr"] / yld, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["supply_ratio"] = np.where(
            out["demand_t_yr"] > 0,
            out["production_t"] / out["demand_t_yr"],
            np.where(out["production_t"] > 0, np.inf, np.nan),
        )
    est = harv["estimated"] if "estimated" in harv.columns else pd.Series(False, index=harv.index)
    out["estimated"] = est.reindex(index).fillna(False).astype(bool)
    ill = suit["illustrative"] if "illustrative" in suit.columns else pd.Series(False, suit.index)
    out["illustrative"] = ill.reindex(index).fillna(False).astype(bool)
    src = dem["source"] if "source" in dem.columns else pd.Series("", index=dem.index)
    out["demand_source"] = src.reindex(index).fillna("").astype(str)
    assumed = dem["assumed"] if "assumed" in dem.columns else pd.Series(False, index=dem.index)
    out["demand_assumed"] = assumed.reindex(index).fillna(False).astype(bool)
    out.index.names = _KEY
    return out


def land_balance(village_land: pd.DataFrame, land_table: pd.DataFrame) -> pd.DataFrame:
    """The physical land balance of each village, in hectares that add up.

    Parameters
    ----------
    village_land : pandas.DataFrame
        ``LandSuitability.by_village``: ``area_ha``, ``farmland_ha``, ``farmland_suitable_ha``,
        ``farmland_idle_ha`` per ``village_code``.
    land_table : pandas.DataFrame
        Output of :func:`land_availability` (``in_use_ha``, ``available_ha``, ``estimated``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``village_code``: ``area_ha``; ``land_farmland_ha`` (land whose current use
        is farmland), ``land_suitable_ha`` (farmland suitable for at least one crop),
        ``land_idle_ha`` (idle farmland); and three parts of the village area that add up to
        it: ``land_used_ha`` (in use by every crop: Σ harvest area ÷ cropping intensity),
        ``land_unused_ha`` (suitable farmland not in use = the land to allocate; the sum of
        ``available_ha`` over crops), ``land_unsuitable_ha`` (the rest: farmland suitable for
        no crop, settlement, forest, water, plantations, closed zones); ``land_overused_ha``
        (land in use beyond the suitable farmland: harvest the layers cannot place, reported,
        not clipped); ``estimated`` and ``illustrative``.
    """
    vl = village_land.copy()
    vl.index = vl.index.astype(str)
    used = land_table["in_use_ha"].groupby(level="village_code").sum().reindex(vl.index)
    used = used.fillna(0.0)
    avail = land_table["available_ha"].groupby(level="village_code").sum(min_count=1)
    out = pd.DataFrame(index=vl.index)
    out["area_ha"] = vl["area_ha"].astype(float)
    out["land_farmland_ha"] = vl["farmland_ha"].astype(float)
    out["land_suitable_ha"] = vl["farmland_suitable_ha"].astype(float)
    out["land_idle_ha"] = vl["farmland_idle_ha"].astype(float)
    out["land_used_ha"] = used
    out["land_unused_ha"] = (out["land_suitable_ha"] - used).clip(lower=0.0)
    out["land_unsuitable_ha"] = (out["area_ha"] - used - out["land_unused_ha"]).clip(lower=0.0)
    out["land_overused_ha"] = (used - out["land_suitable_ha"]).clip(lower=0.0)
    out["land_available_sum_ha"] = avail.reindex(vl.index)
    est = land_table["estimated"].groupby(level="village_code").any()
    out["estimated"] = est.reindex(vl.index).fillna(False).astype(bool)
    ill = vl["illustrative"] if "illustrative" in vl.columns else False
    out["illustrative"] = ill
    out.index.name = "village_code"
    return out


# --------------------------------------------------------------------------- food first
def food_need(population: pd.Series, crops: pd.DataFrame | None, crop_ids) -> pd.DataFrame:
    """The population's food need per village and crop, in t of the harvested crop a year.

    need(v, c) = population(v) × ``food_kg_per_person_yr``(c) / 1000 ÷
    ``staple_t_per_harvested_t``(c) (e.g. 81.23 kg beras a person ÷ 0.6402 t beras per t of
    paddy). Crops without ``food_kg_per_person_yr`` in the crops table need 0 (not counted).

    Returns
    -------
    pandas.DataFrame
        Indexed by (``village_code``, ``crop_id``): ``population``, ``food_need_t_yr``.
    """
    ids = [str(c) for c in crop_ids]
    kg = pd.Series(0.0, index=ids)
    conversion = pd.Series(1.0, index=ids)
    if crops is not None and "food_kg_per_person_yr" in crops.columns:
        table = crops.set_index(crops["crop_id"].astype(str))
        kg.update(
            pd.to_numeric(table["food_kg_per_person_yr"], errors="coerce").reindex(ids).dropna()
        )
        if "staple_t_per_harvested_t" in table.columns:
            given = pd.to_numeric(table["staple_t_per_harvested_t"], errors="coerce")
            conversion.update(given.reindex(ids).where(lambda x: x > 0).dropna())
    pop = pd.to_numeric(population, errors="coerce").astype(float)
    pop.index = pop.index.astype(str)
    index = pd.MultiIndex.from_product([pop.index, ids], names=_KEY)
    out = pd.DataFrame(index=index)
    out["population"] = pop.reindex(index.get_level_values("village_code")).to_numpy()
    per_person = (kg / 1000.0 / conversion).reindex(index.get_level_values("crop_id")).to_numpy()
    out["food_need_t_yr"] = out["population"] * per_person
    return out


#: ``food_first_binding`` values: what limits the raw material the firms can get locally.
BINDING = ("food_need", "raw_material_need", "none")

#: The land balance's areas (ha) as tables and profiles show them, in order
#: (columns of :func:`land_balance`).
BALANCE_COLUMNS = (
    "land_farmland_ha",
    "land_suitable_ha",
    "land_used_ha",
    "land_unused_ha",
    "land_unsuitable_ha",
    "land_overused_ha",
)


def food_first(land_table: pd.DataFrame, food: pd.DataFrame | None) -> pd.DataFrame:
    """Raw-material needs against what is left of production after the population's food.

    Parameters
    ----------
    land_table : pandas.DataFrame
        :func:`land_availability` output (``production_t``, ``demand_t_yr``), or region totals
        with the same columns.
    food : pandas.DataFrame or None
        ``food_need_t_yr`` on the same index (:func:`food_need`); None: no food is counted.

    Returns
    -------
    pandas.DataFrame
        Same index: ``food_need_t_yr``, ``left_after_food_t_yr`` (production − food need;
        negative in a food deficit), ``raw_material_balance_t_yr`` (left after food − the
        firms' demand) and ``food_first_binding``: ``"food_need"`` when food alone needs more
        than is produced, ``"raw_material_need"`` when food is met but what is left does not
        cover the firms, ``"none"`` when both are met.
    """
    out = pd.DataFrame(index=land_table.index)
    need = (
        food["food_need_t_yr"].reindex(land_table.index).fillna(0.0)
        if food is not None
        else pd.Series(0.0, index=land_table.index)
    )
    out["food_need_t_yr"] = need.astype(float)
    out["left_after_food_t_yr"] = land_table["production_t"] - out["food_need_t_yr"]
    out["raw_material_balance_t_yr"] = out["left_after_food_t_yr"] - land_table["demand_t_yr"]
    out["food_first_binding"] = np.select(
        [out["left_after_food_t_yr"] < 0, out["raw_material_balance_t_yr"] < 0],
        ["food_need", "raw_material_need"],
        default="none",
    )
    return out


def region_totals(land_table: pd.DataFrame) -> pd.DataFrame:
    """The land table summed over villages per crop (yield = production ÷ harvest area)."""
    cols = [
        c
        for c in (
            "harvested_ha",
            "in_use_ha",
            "available_ha",
            "production_t",
            "demand_t_yr",
            "demand_processed_t_yr",
            "food_need_t_yr",
            "land_needed_ha",
        )
        if c in land_table.columns
    ]
    out = land_table[cols].groupby(level="crop_id").sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        yld = out["production_t"] / out["harvested_ha"]
    fallback = land_table["yield_t_ha"].groupby(level="crop_id").mean()
    out["yield_t_ha"] = yld.where(out["harvested_ha"] > 0, fallback)
    return out


# --------------------------------------------------------------------------- growth
@dataclass(frozen=True)
class GrowthScenario:
    """One growth rate of raw-material demand with its source ("assumption ..." when none)."""

    name: str
    growth_rate_pct_yr: float
    source: str

    def __post_init__(self) -> None:
        _check_growth(self.growth_rate_pct_yr, 1)


def scenarios_from_table(
    table: pd.DataFrame | None,
    *,
    central_pct_yr: float | None = None,
    source: str = "growth_scenarios.csv",
) -> tuple[GrowthScenario, ...]:
    """Low / central / high scenarios from a table.

    The table has ``scenario``, ``growth_rate_pct_yr`` and ``source``; ``central_pct_yr`` (the
    user's rate) replaces the central one.
    """
    rows: list[GrowthScenario] = []
    if table is not None:
        missing = [
            c for c in ("scenario", "growth_rate_pct_yr", "source") if c not in table.columns
        ]
        if missing:
            raise InputDataError(
                f"{source}: columns {format_items(missing)} not found.", path=source
            )
        rows = [
            GrowthScenario(str(r.scenario), float(r.growth_rate_pct_yr), str(r.source))
            for r in table.itertuples(index=False)
        ]
    if central_pct_yr is not None:
        rows = [r for r in rows if r.name != "central"]
        rows.append(GrowthScenario("central", float(central_pct_yr), "set by the user"))
    if not any(r.name == "central" for r in rows):
        rows.append(
            GrowthScenario(
                "central",
                FarmingParams.growth_rate_pct_yr,
                "assumption: default of ovop_geo (no growth scenario table given)",
            )
        )
    order = {"low": 0, "central": 1, "high": 2}
    return tuple(sorted(rows, key=lambda r: (order.get(r.name, 3), r.growth_rate_pct_yr)))


def growth_scenarios(
    table: pd.DataFrame,
    scenarios: tuple[GrowthScenario, ...],
    *,
    start_year: int,
    population_growth_pct_yr: float = FarmingParams.population_growth_pct_yr,
    horizon_years: int = FarmingParams.horizon_years,
) -> pd.DataFrame:
    """The year in which the crop's land stops holding food and the firms' raw material.

    Starting in ``start_year`` (today, or the data year when the caller says so) from the
    latest figures, for each year t = 0 .. horizon:

    * raw-material demand grows with the scenario: ``demand_t_yr × (1 + g)^t``;
    * food need grows with the population: ``food_need_t_yr × (1 + p)^t``;
    * what the land balance can hold for the crop: production now plus its available (unused,
      allocated) land at the current yield, ``production_t + available_ha × yield_t_ha``.

    The land runs short in the first year food + raw material exceed what the land can hold:
    ``start_year + t``, never a year before the start. t = 0 means short already at the start
    (``land_short_now``), for example in a village whose food need alone exceeds its land.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows with ``production_t``, ``available_ha``, ``yield_t_ha``, ``demand_t_yr`` and
        ``food_need_t_yr`` (the land table joined with :func:`food_first`, or
        :func:`region_totals`).
    scenarios : tuple of GrowthScenario
        Usually low, central and high (:func:`scenarios_from_table`).
    start_year : int
        Year of t = 0.
    population_growth_pct_yr : float
        p, % a year (paper Table 2: 2.35).
    horizon_years : int
        Years looked ahead.

    Returns
    -------
    pandas.DataFrame
        Same index: ``land_for_raw_materials_ha`` (what the land balance can hold for the
        firms now, beyond food: (production + available × yield − food) ÷ yield, ≥ 0);
        ``land_needed_5y_ha`` and ``land_needed_10y_ha`` (central scenario); per scenario s
        ``year_land_short_<s>`` (nullable integer, <NA> when not within the horizon);
        ``year_land_short`` and ``land_short_now`` for the central scenario.
    """
    _check_growth(population_growth_pct_yr, horizon_years)
    years = np.arange(int(horizon_years) + 1)
    yld = table["yield_t_ha"].astype(float).to_numpy()
    prod = table["production_t"].astype(float).to_numpy()
    avail = table["available_ha"].astype(float).fillna(0.0).to_numpy()
    demand = table["demand_t_yr"].astype(float).to_numpy()
    food = table["food_need_t_yr"].astype(float).to_numpy()
    hold = prod + avail * np.nan_to_num(yld)
    food_path = food[:, None] * (1 + population_growth_pct_yr / 100.0) ** years[None, :]
    out = pd.DataFrame(index=table.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["land_for_raw_materials_ha"] = np.where(
            yld > 0, np.clip(hold - food, 0, None) / yld, np.nan
        )
    central = next((s for s in scenarios if s.name == "central"), scenarios[0])
    for scenario in scenarios:
        factor = 1.0 + scenario.growth_rate_pct_yr / 100.0
        need = demand[:, None] * factor ** years[None, :]
        with np.errstate(invalid="ignore"):
            over = (food_path + need) > hold[:, None] * (1 + 1e-12)
        first = np.where(over.any(axis=1), over.argmax(axis=1), -1)
        known = np.isfinite(hold) & np.isfinite(demand) & np.isfinite(food)
        year = pd.array(np.where(first >= 0, first + int(start_year), 0), dtype="Int64")
        year[(first < 0) | ~known] = pd.NA
        out[f"year_land_short_{scenario.name}"] = year
        if scenario is central:
            with np.errstate(invalid="ignore"):
                out["land_needed_5y_ha"] = np.where(demand > 0, demand * factor**5 / yld, 0.0)
                out["land_needed_10y_ha"] = np.where(demand > 0, demand * factor**10 / yld, 0.0)
            out["year_land_short"] = year
            out["land_short_now"] = (first == 0) & known
    return out
