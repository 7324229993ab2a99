"""The whole analysis of a region, in two halves.

- :func:`prepare_region` does the expensive, parameter-free work once per region: distances,
  slope and elevation statistics, land use, crop suitability, harvest per village, readiness.
- :func:`analyse` does the cheap work that depends on the user's parameters (weights,
  thresholds, growth rate): land availability, sentra rules, scores, sensitivity, allocation.

The app caches the first and reruns only the second when a slider moves; the command line runs
both once. Neither half reads or writes files except through :mod:`ovop_geo.region` (inputs) and a
temporary folder for the derived slope raster.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from rasterio.errors import RasterioError

from . import capacity, decision, economy, farming, landuse, lowland, mcda, readiness, sentra
from .access import Place, distance_to_centres
from .allocation import allocate_products
from .clusters import cluster_membership, new_product_ideas, sentra_clusters
from .clusters import neighbours as village_neighbours
from .errors import InputDataError, ParameterError, format_items, raise_problems
from .farming import FarmingParams
from .messages import msg
from .raster import (
    Overview,
    RasterInfo,
    footprint_view,
    overview_web_mercator,
    raster_read_error,
    slope_from_dem,
)
from .recommend import recommend
from .region import (
    Region,
    elevation_info,
    landuse_raster_info,
    read_landuse,
    read_lowland,
    read_zoning,
)
from .robustness import robustness
from .zonal import rasterize_villages, zonal_stats

__all__ = [
    "SLOPE_THRESHOLDS_PCT",
    "AnalysisParams",
    "AnalysisResult",
    "PreparedRegion",
    "analyse",
    "decision_params",
    "prepare_region",
    "reported_businesses",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: Slope limits (%) for which the share of each village below the limit is precomputed; the
#: slope-limit control offers these values so changing it never re-reads the DEM.
SLOPE_THRESHOLDS_PCT: tuple[float, ...] = (1.0, 2.0, 3.0, 5.0, 8.0, 15.0, 25.0, 40.0)
#: Largest side, in cells, of the slope overview kept for the map.
SLOPE_OVERVIEW_PX = 800

#: Supply ratios above this count as "enough" (scores use the same cap); a village whose firms
#: demand none of a crop it grows is reported at the cap.
SUPPLY_RATIO_CAP = 2.0

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    """Default progress callback: say nothing."""


@dataclass(frozen=True)
class AnalysisParams:
    """Everything the user can change without reloading the region.

    Attributes
    ----------
    weights : tuple of (criterion, weight) pairs, optional
        Criteria weights (any positive scale; normalised). None: the defaults in
        ``data/params/criteria.csv`` (assumptions, sourced there).
    min_units : int
        PP 29/2018: a sentra has at least this many business units making similar products.
    min_household_share : float
        BPS rule: similar businesses make up at least this share (0-1) of a village's households.
    slope_limit_pct : float
        Slope (%) under which land counts as slope-suitable for the ``share_slope_suitable``
        criterion; one of :data:`SLOPE_THRESHOLDS_PCT`.
    growth_rate_pct_yr : float, optional
        Yearly growth of raw-material demand in the central scenario; None: the manifest's
        ``growth_rate_pct_yr`` if set, else the central row of the growth scenario table
        (10 %, an assumption, for the bundled regions; low 2.35 % and high 30 % beside it).
    base_year : int, optional
        Year of the statistics (the data year); None: the manifest's value, else 2013.
    start_year : int, optional
        First year of the growth scenarios; None: the manifest's ``start_year``, else the
        current year. The latest figures are taken as the state in that year.
    population_growth_pct_yr : float, optional
        Population growth, % a year; None: the manifest's ``[region]`` value (2.35 for Rasau
        Jaya, paper Table 2).
    horizon_years : int
        Years looked ahead by the growth scenarios.
    sensitivity_runs, sensitivity_concentration, seed
        Dirichlet weight perturbation: number of draws, concentration around the chosen weights,
        random seed (the result is the same for the same seed).
    pre_sentra_min_units : int
        A candidate with at least this many units (and fewer than ``min_units``) is a
        ``pre_sentra``; one unit is a ``potential`` (assumption: 2).
    lq_min_units : int
        Fewest units for which the location quotient counts as evidence (assumption: 2).
    tie_tolerance_points : float
        Two candidates of one class within this many score points are tied (assumption: 1).
    distinct_products : bool
        Give every village a different product (an assignment problem) instead of each
        village's own recommendation; off by default: OVOP develops a signature product per
        community, and neighbouring villages may share one (a sentra cluster).
    max_villages_per_product : int, optional
        With ``distinct_products``: how many villages may share one product (default 1; None:
        no limit).
    require_sentra : bool
        With ``distinct_products``: assign villages that meet PP 29/2018 for a product to that
        product first.
    """

    weights: tuple[tuple[str, float], ...] | None = None
    min_units: int = 5
    min_household_share: float = 0.20
    slope_limit_pct: float = 3.0
    growth_rate_pct_yr: float | None = None
    base_year: int | None = None
    start_year: int | None = None
    population_growth_pct_yr: float | None = None
    horizon_years: int = 30
    sensitivity_runs: int = 500
    sensitivity_concentration: float = 50.0
    seed: int = 0
    pre_sentra_min_units: int = 2
    lq_min_units: int = 2
    tie_tolerance_points: float = 1.0
    distinct_products: bool = False
    max_villages_per_product: int | None = 1
    require_sentra: bool = False

    def __post_init__(self) -> None:
        if self.slope_limit_pct not in SLOPE_THRESHOLDS_PCT:
            raise ParameterError(
                f"slope limit {self.slope_limit_pct:g} % is not offered; choose one of "
                + ", ".join(f"{t:g}" for t in SLOPE_THRESHOLDS_PCT)
            )
        # the class thresholds and the tie tolerance, checked as the decision uses them (a
        # count that is not a whole number is reported by the caller's own type check)
        counts = (self.min_units, self.pre_sentra_min_units, self.lq_min_units)
        if all(isinstance(c, int) and not isinstance(c, bool) for c in counts):
            decision_params(self)
        if self.sensitivity_runs < 1:
            raise ParameterError("sensitivity_runs must be at least 1")
        if self.weights is not None:
            weights = dict(self.weights)
            unknown = sorted(set(weights) - set(mcda.DIRECTIONS))
            if unknown:
                raise ParameterError(
                    f"unknown criteria in the weights: {', '.join(unknown)}. Known criteria: "
                    + ", ".join(sorted(mcda.DIRECTIONS))
                )
            negative = sorted(
                k
                for k, v in weights.items()
                if isinstance(v, bool)
                or not isinstance(v, int | float)
                or not (0 <= v < float("inf"))
            )
            if negative:
                raise ParameterError(
                    f"weights must be zero or positive finite numbers: {', '.join(negative)}"
                )
            if max(weights.values(), default=0) <= 0:
                raise ParameterError("at least one weight must be above zero")

    def with_weights(self, weights: Mapping[str, float]) -> AnalysisParams:
        """A copy with other weights."""
        return replace(self, weights=tuple(sorted((str(k), float(v)) for k, v in weights.items())))

    def weights_mapping(self) -> dict[str, float] | None:
        """The weights as a dict, or None for the defaults."""
        return None if self.weights is None else dict(self.weights)


@dataclass(frozen=True)
class PreparedRegion:
    """Parameter-free results for one region (computed once, cached by the app).

    Every frame is indexed by ``village_code`` or by (``village_code``, ``crop_id``).
    """

    region: Region
    villages: gpd.GeoDataFrame
    access: pd.DataFrame
    slope: pd.DataFrame | None
    landuse_ha: pd.DataFrame | None
    suitability: pd.DataFrame | None
    harvest_by_village: pd.DataFrame | None
    production_region: pd.DataFrame | None
    readiness_by_dimension: pd.DataFrame | None
    readiness_by_aspect: pd.DataFrame | None
    notes: tuple[str, ...] = ()
    village_land: pd.DataFrame | None = None
    lowland: pd.DataFrame | None = None
    #: Slope (%) on a small Web Mercator grid for the map's slope layer (computed with the
    #: statistics, so the map never recomputes slope); None without an elevation layer.
    slope_overview: Overview | None = None
    #: Pairs of village codes sharing a boundary (:func:`ovop_geo.clusters.neighbours`).
    neighbours: tuple[tuple[str, str], ...] | None = None

    @property
    def illustrative_layers(self) -> tuple[str, ...]:
        """Names of the layers of this region that are illustrative (generated, not observed)."""
        layers = self.region.layers
        return tuple(
            name
            for name in ("landuse", "zoning", "elevation")
            if getattr(layers, name) is not None and getattr(layers, name).illustrative
        )


@dataclass(frozen=True)
class GrowthSettings:
    """What the growth scenarios of a run started from.

    ``start_year`` is the first year of the scenarios (the current year unless the user or the
    manifest says otherwise); ``data_year`` is the year of the statistics they start from (the
    latest figures are taken as the state in ``start_year``).
    """

    scenarios: tuple[farming.GrowthScenario, ...]
    start_year: int
    data_year: int
    population_growth_pct_yr: float
    horizon_years: int


@dataclass(frozen=True)
class AnalysisResult:
    """Everything shown or exported for one region and one set of parameters."""

    prepared: PreparedRegion
    params: AnalysisParams
    weights: dict[str, float]
    land: pd.DataFrame | None
    demand: pd.DataFrame | None
    carrying: capacity.CarryingCapacity | None
    lq_businesses: pd.DataFrame | None
    rules: pd.DataFrame | None
    criteria: pd.DataFrame | None
    scores: pd.DataFrame | None
    sensitivity: pd.DataFrame | None
    allocation: pd.DataFrame | None
    candidates: pd.DataFrame | None
    villages: gpd.GeoDataFrame = field(repr=False, default=None)
    notes: tuple[str, ...] = ()
    land_balance: pd.DataFrame | None = None
    region_land: pd.DataFrame | None = None
    growth: GrowthSettings | None = None
    two_period: dict[str, pd.DataFrame] | None = None
    #: Screen, sort and score (:func:`ovop_geo.decision.decide`): candidates, weights applied.
    decision: decision.Decision | None = None
    #: What the robustness runs were (weights, leave one village out, data uncertainty).
    robustness_record: dict | None = None
    #: The recommended product of each village with its reason (:mod:`ovop_geo.recommend`).
    recommendation: pd.DataFrame | None = None
    #: Sentra clusters of neighbouring villages per product (:mod:`ovop_geo.clusters`).
    clusters: gpd.GeoDataFrame | None = None
    #: Pairs without a firm whose product a neighbour makes: listed apart, never ranked.
    ideas: pd.DataFrame | None = None

    @property
    def region(self) -> Region:
        """The region analysed (that of ``prepared``)."""
        return self.prepared.region


# --------------------------------------------------------------------------------- prepare
def prepare_region(
    region: Region, *, progress: Progress = _quiet, workdir: str | Path | None = None
) -> PreparedRegion:
    """Compute everything that does not depend on the user's parameters.

    Parameters
    ----------
    region : Region
        From :func:`ovop_geo.region.load_region`.
    progress : callable, optional
        Called with a short English message before each stage.
    workdir : path, optional
        Folder for the derived slope raster; a temporary folder (removed afterwards) by default.

    Returns
    -------
    PreparedRegion
    """
    notes: list[str] = list(region.warnings)
    villages = region.villages
    manifest = region.manifest

    progress(msg("progress.distances"))
    capital = manifest.access.capital
    access = distance_to_centres(
        villages,
        capital=None
        if capital is None
        else Place(capital.name, capital.lon, capital.lat, capital.source or ""),
        centre_village=manifest.access.centre_village,
        group_column="group",
    )

    slope = grid = slope_overview = None
    if region.layers.elevation is not None:
        progress(msg("progress.slope"))
        slope, grid, slope_overview = _slope_statistics(region, workdir=workdir)
    else:
        notes.append(msg("note.no_elevation"))

    lowland_values = lowland_rank = None
    if manifest.lowland:
        progress(msg("progress.lowland"))
        lowland_values, lowland_rank = _lowland_stage(region)
    else:
        notes.append(_slope_only_note(region, slope))
    landuse_ha = suitability = village_land = None
    if region.layers.landuse is not None:
        landuse_ha, suitability, village_land = _landuse_stage(
            region, slope, grid, progress, notes, lowland_rank
        )
    else:
        notes.append(msg("note.no_landuse"))

    harvest_by_village = production_region = None
    if region.harvest is not None and len(region.harvest):
        progress(msg("progress.production"))
        harvest = region.harvest.rename(columns={"yield_value": "yield"})
        source = manifest.relative(manifest.statistics.harvest.path)
        totals = harvest["village_code"].isna() | (harvest["village_code"].astype(str) == "")
        if totals.all():
            production_region = farming.production(
                harvest.drop(columns="village_code"), source=source
            )
            if suitability is None:
                notes.append(msg("note.totals_not_spread"))
            else:
                weights = suitability.assign(
                    cultivated_suitable_ha=suitability["suitable_ha"]
                    - suitability["suitable_idle_ha"]
                )
                spread = farming.disaggregate_harvest(
                    production_region.reset_index(),
                    weights,
                    source=source,
                    weight_column="cultivated_suitable_ha",
                )
                harvest_by_village = farming.production(spread.reset_index(), source=source)
                harvest_by_village["estimated"] = True
                notes.append(msg("note.harvest_estimated"))
        else:
            harvest_by_village = farming.production(harvest, source=source)
            notes.extend(
                _harvest_against_farmland(region, harvest_by_village, village_land, source)
            )
            production_region = harvest_by_village.groupby(level="crop_id")[
                ["harvest_area_ha", "production_t"]
            ].sum()
            if suitability is None:
                notes.append(msg("note.production_without_landuse"))
            given = set(harvest_by_village.index.get_level_values("village_code"))
            absent = [c for c in villages.index if c not in given]
            if absent:
                notes.append(
                    msg(
                        "note.harvest_unreported",
                        file=source,
                        count=len(absent),
                        villages=format_items(absent),
                    )
                )
    else:
        notes.append(msg("note.no_harvest"))

    by_dim = by_aspect = None
    if region.assessment is not None and len(region.assessment):
        progress(msg("progress.readiness"))
        by_dim, by_aspect = readiness.readiness(region.assessment)

    return PreparedRegion(
        region=region,
        villages=villages,
        access=access,
        slope=slope,
        landuse_ha=landuse_ha,
        suitability=suitability,
        harvest_by_village=harvest_by_village,
        production_region=production_region,
        readiness_by_dimension=by_dim,
        readiness_by_aspect=by_aspect,
        notes=tuple(notes),
        village_land=village_land,
        lowland=lowland_values,
        slope_overview=slope_overview,
        neighbours=tuple(village_neighbours(villages)),
    )


def _slope_only_note(region: Region, slope: pd.DataFrame | None) -> str:
    """Say that slope is the only terrain factor, and whether it discriminates here."""
    crops = region.tables.get("crops")
    if slope is None or crops is None or "slope_s1_max_pct" not in crops.columns:
        return msg("note.slope_only")
    steepest = float(slope["slope_max_pct"].max())
    limit = float(pd.to_numeric(crops["slope_s1_max_pct"], errors="coerce").min())
    if steepest <= limit:
        return msg("note.slope_only_flat", steepest=steepest, limit=limit)
    return msg("note.slope_only")


def _lowland_stage(region: Region) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-village values of the tidal-lowland factors and the suitability ranks they give."""
    from .zonal import zonal_classes

    villages, manifest = region.villages, region.manifest
    limits = region.tables.get("lowland_limits")
    if limits is None:
        raise InputDataError(
            f"{manifest.path.name}: [lowland] layers need the limits table: add "
            'lowland_limits = "../data/params/lowland_limits.csv" to [tables] (or your own).',
            path=manifest.path.name,
        )
    values = pd.DataFrame(index=villages.index.copy())
    for factor, spec in manifest.lowland.items():
        layer = read_lowland(region, factor)
        categorical = factor == "flood_type"
        if spec.raster and categorical:
            areas = zonal_classes(villages, layer)
            letters = {float(v): k for k, v in lowland.FLOOD_TYPES.items()}
            top = pd.to_numeric(areas.idxmax(axis=1), errors="coerce").astype(float)
            values[factor] = top.where(areas.sum(axis=1) > 0).map(letters)
        elif spec.raster:
            values[factor] = zonal_stats(villages, layer)["mean"]
        else:
            values[factor] = lowland.village_values_from_polygons(
                villages,
                layer,
                spec.column,
                categorical=categorical,
                name=manifest.relative(spec.path),
            )
    crops = region.tables["crops"]["crop_id"].astype(str) if "crops" in region.tables else []
    ranks = lowland.lowland_ranks(
        values, limits, list(crops), source=_table_name(region, "lowland_limits")
    )
    return values, ranks


def _landuse_stage(
    region: Region,
    slope,
    grid,
    progress: Progress,
    notes: list[str],
    lowland_rank: pd.DataFrame | None = None,
):
    """Class areas per village (polygons or class raster) and crop suitability.

    A class raster on the DEM's grid reuses the villages rasterized for the DEM (``grid``).
    Zoning polygons cannot be intersected with raster class areas: a note says so and zoning is
    left out.
    """
    villages, manifest, tables = region.villages, region.manifest, region.tables
    ref = region.layers.landuse
    classes = tables.get("landuse_classes")
    shown = manifest.relative(ref.path)
    progress(msg("progress.landuse"))
    zoning = lu = None
    if ref.raster:
        if classes is None:
            raise InputDataError(
                f"{manifest.path.name}: the land-use layer '{shown}' is a class raster, which "
                "needs the land-use class table (class_code, class_id). Name it in [landuse] "
                "classes or [tables] landuse_classes.",
                path=manifest.path.name,
            )
        full = landuse_raster_info(region)
        with tempfile.TemporaryDirectory(prefix="ovop-landuse-") as tmp:
            info = _view(full, villages, tmp)
            shared = grid if grid is not None and grid.info.same_grid(info) else None
            try:
                lu = landuse.landuse_by_village_raster(villages, info, classes, grid=shared)
            except RasterioError as err:
                raise raster_read_error(full, err) from err
        landuse_ha = lu
        if region.layers.zoning is not None:
            notes.append(
                msg(
                    "note.zoning_not_applied",
                    landuse=shown,
                    zoning=manifest.relative(region.layers.zoning.path),
                )
            )
    else:
        lu = read_landuse(region)
        landuse_ha = landuse.landuse_by_village(
            villages,
            lu,
            class_column=ref.class_column,
            classes=classes,
            name=shown,
        )
        if region.layers.zoning is not None:
            zoning = read_zoning(region)
    suitability = village_land = None
    if "crops" in tables and "crop_landuse_suitability" in tables:
        progress(msg("progress.suitability"))
        _check_slope_known(region, slope)
        zoning_ref = None if ref.raster else region.layers.zoning
        land = landuse.land_suitability(
            villages,
            lu,
            zoning,
            None if slope is None else slope["slope_mean_pct"],
            crops=tables["crops"],
            crop_landuse_suitability=tables["crop_landuse_suitability"],
            class_column=ref.class_column,
            classes=classes,
            zone_column=zoning_ref.class_column if zoning_ref is not None else "zone_id",
            zoning_classes=tables.get("zoning_classes"),
            village_ranks=lowland_rank,
            illustrative=bool(
                ref.illustrative or (zoning_ref is not None and zoning_ref.illustrative)
            ),
        )
        suitability, village_land = land.by_crop, land.by_village
    return landuse_ha, suitability, village_land


def _slope_statistics(region: Region, *, workdir: str | Path | None):
    """Mean elevation, slope statistics and shares under each slope threshold per village.

    Returns the table, the villages rasterized on the DEM's grid (for other rasters on it) and
    a small Web Mercator copy of the slope raster for maps (:class:`ovop_geo.raster.Overview`).
    """
    full = elevation_info(region)  # the declared size is checked before any pixel is read
    villages = region.villages
    with tempfile.TemporaryDirectory(prefix="ovop-slope-", dir=workdir) as tmp:
        dem = _view(full, villages, tmp)  # only the villages' window of the DEM is read
        try:
            slope_path = slope_from_dem(dem, Path(tmp) / "slope_pct.tif", units="percent")
            grid = rasterize_villages(villages, dem)
            elev = zonal_stats(villages, dem, grid=grid)
            slope = zonal_stats(villages, slope_path, thresholds=SLOPE_THRESHOLDS_PCT, grid=grid)
            overview = overview_web_mercator(slope_path, max_size_px=SLOPE_OVERVIEW_PX)
        except RasterioError as err:  # pixels that cannot be read: a truncated or damaged file
            raise raster_read_error(full, err) from err
    out = pd.DataFrame(index=villages.index.copy())
    out["elevation_mean_m"] = elev["mean"]
    out["slope_mean_pct"] = slope["mean"]
    out["slope_min_pct"] = slope["min"]
    out["slope_max_pct"] = slope["max"]
    for t in SLOPE_THRESHOLDS_PCT:
        out[_slope_share_column(t)] = slope[f"share_below_{t:g}"]
    out["slope_reason"] = slope["reason"]
    out["slope_illustrative"] = bool(region.layers.elevation.illustrative)
    return out, grid, overview


def _harvest_against_farmland(
    region: Region, harvest: pd.DataFrame, village_land, source: str
) -> list[str]:
    """A warning for harvest areas above a village's farmland times the cropping intensity.

    The intensity is the crop's. Such areas are possible (farmland may be mapped short), but
    worth a look.
    """
    if village_land is None or "farmland_ha" not in village_land.columns:
        return []
    crops = region.tables.get("crops")
    intensity = {}
    if crops is not None and "cropping_intensity" in crops.columns:
        intensity = dict(
            zip(crops["crop_id"].astype(str), crops["cropping_intensity"], strict=True)
        )
    rows = []
    for (code, crop), area in harvest["harvest_area_ha"].items():
        if code not in village_land.index:
            continue
        cap = float(village_land.loc[code, "farmland_ha"]) * float(intensity.get(crop, 1.0))
        if area > cap * (1 + 1e-9):
            rows.append(
                f"{code} {region.villages.loc[code, 'village_name']}: {crop} "
                f"{area:,.1f} ha > {cap:,.1f} ha"
            )
    if not rows:
        return []
    return [msg("check.harvest_farmland", path=source, n=len(rows), rows=format_items(rows))]


def _check_slope_known(region: Region, slope: pd.DataFrame | None) -> None:
    """Villages without a slope, said with the reason (off the DEM, or only nodata under them)."""
    if slope is None or not slope["slope_mean_pct"].isna().any():
        return
    unknown = slope[slope["slope_mean_pct"].isna()]
    names = region.villages["village_name"]
    outside = [
        f"{c} {names[c]}" for c in unknown.index if unknown.loc[c, "slope_reason"] != "all nodata"
    ]
    nodata = [
        f"{c} {names[c]}" for c in unknown.index if unknown.loc[c, "slope_reason"] == "all nodata"
    ]
    shown = region.manifest.relative(region.layers.elevation.path)
    problems = []
    if outside:
        problems.append(msg("slope.outside_dem", villages=format_items(outside)))
    if nodata:
        problems.append(msg("slope.only_nodata", villages=format_items(nodata)))
    raise_problems(shown, problems)


def _view(info: RasterInfo, villages: gpd.GeoDataFrame, folder: str) -> RasterInfo:
    """The window of a raster under the villages (work follows their footprint)."""
    bounds = tuple(villages.geometry.to_crs(info.crs).total_bounds)
    if not np.isfinite(bounds).all():
        return info
    return footprint_view(info, bounds, folder)


def _slope_share_column(threshold: float) -> str:
    return f"share_slope_below_{threshold:g}_pct"


# --------------------------------------------------------------------------------- analyse
def analyse(
    prepared: PreparedRegion,
    params: AnalysisParams | None = None,
    *,
    firms: pd.DataFrame | None = None,
) -> AnalysisResult:
    """Compute land availability, sentra rules, scores, sensitivity and allocation.

    Cheap: no file is read; call it again whenever a parameter changes. ``firms``: per-firm
    assessment rows in the Table 4 rubric (:func:`ovop_geo.readiness.firm_scores`: ``firm_id``,
    ``village_code``, ``product`` and one column per dimension); their readiness per village ×
    product becomes the ``readiness`` criterion (unknown without them).
    """
    params = params or AnalysisParams()
    region = prepared.region
    manifest_params = region.manifest.parameters
    central = (
        params.growth_rate_pct_yr
        if params.growth_rate_pct_yr is not None
        else manifest_params.get("growth_rate_pct_yr")
    )
    scenarios = farming.scenarios_from_table(
        region.tables.get("growth_scenarios"),
        central_pct_yr=None if central is None else float(central),
        source=_table_name(region, "growth_scenarios"),
    )
    data_year = (
        params.base_year
        if params.base_year is not None
        else int(manifest_params.get("base_year", FarmingParams.base_year))
    )
    start_year = (
        params.start_year
        if params.start_year is not None
        else int(manifest_params.get("start_year", dt.date.today().year))
    )
    pop_growth = (
        params.population_growth_pct_yr
        if params.population_growth_pct_yr is not None
        else region.manifest.region.population_growth_pct_yr
    )
    notes = list(prepared.notes)
    if pop_growth is None:
        pop_growth = 0.0
        notes.append(msg("note.no_population_growth"))
    villages = prepared.villages
    businesses = reported_businesses(region)
    households = villages["households"] if "households" in villages.columns else None
    population = None
    given = (
        pd.to_numeric(villages["population"], errors="coerce")
        if "population" in villages.columns
        else None
    )
    if given is not None and given.notna().any():
        population = given.dropna().astype(float).rename("population")  # persons, as given
    elif households is not None and region.manifest.region.population:
        population = capacity.population_by_village(
            households, region_population=region.manifest.region.population
        )

    demand = land = balance = region_land = None
    if businesses is not None and "raw_materials" in region.tables:
        demand = farming.raw_material_demand(businesses, region.tables["raw_materials"])
    if prepared.suitability is not None and prepared.harvest_by_village is not None:
        crops = prepared.suitability.index.get_level_values("crop_id").unique()
        land = farming.land_availability(
            prepared.suitability,
            prepared.harvest_by_village,
            demand if demand is not None else _empty_demand(),
            village_land=prepared.village_land,
            intensity=farming.cropping_intensity(region.tables.get("crops"), crops),
        )
        if prepared.village_land is not None:
            balance = farming.land_balance(prepared.village_land, land)
        food = (
            None
            if population is None
            else farming.food_need(population, region.tables.get("crops"), crops)
        )
        if food is None:
            notes.append(msg("note.no_population"))
        land = land.join(farming.food_first(land, food))
        growth = {
            "scenarios": scenarios,
            "start_year": start_year,
            "population_growth_pct_yr": float(pop_growth),
            "horizon_years": params.horizon_years,
        }
        land = land.join(farming.growth_scenarios(land, **growth))
        region_land = farming.region_totals(land)
        region_land = region_land.join(
            farming.food_first(region_land, region_land[["food_need_t_yr"]]).drop(
                columns="food_need_t_yr"
            )
        )
        region_land = region_land.join(farming.growth_scenarios(region_land, **growth))

    carrying = None
    if (
        prepared.harvest_by_village is not None
        and "prices" in region.tables
        and population is not None
        and _capacity_inputs(prepared, population, notes)
    ):
        conversion, conversion_source = _milled_rice_conversion(region)
        carrying = capacity.carrying_capacity(
            prepared.harvest_by_village,
            region.tables["prices"],
            population,
            milled_rice_t_per_paddy_t=conversion,
            conversion_source=conversion_source,
            all_commodities=bool(manifest_params.get("capacity_all_commodities", False)),
            prices_source=_table_name(region, "prices"),
        )

    lq = rules = criteria = scores = sens = alloc = candidates = two_period = None
    dec = robust = recommendation = clusters = ideas = None
    weights = _resolve_weights(params)
    if businesses is not None and len(businesses.columns):
        lq = economy.location_quotient(businesses)
        two_period = _two_period(region, notes)
        # Each rule on its own: PP 29/2018 needs the counts only, the BPS rule the households.
        rules = sentra.apply_sentra_rules(
            businesses,
            households,
            sentra.SentraRules(
                min_units=params.min_units, min_household_share=params.min_household_share
            ),
        )
        firm_readiness = None
        if firms is not None:
            if region.assessment is None:
                raise InputDataError(msg("note.firms_without_rubric"))
            firm_readiness = readiness.readiness_by(firms, region.assessment, name="firms")[
                "readiness"
            ]
        criteria = build_criteria(
            prepared,
            lq=lq,
            land=land,
            demand=demand,
            slope_limit_pct=params.slope_limit_pct,
            businesses=businesses,
            firm_readiness=firm_readiness,
        )
        dec = decision.decide(criteria, weights, params=decision_params(params))
        scores = _scores(dec, criteria.index)
        sens, robust = robustness(
            dec,
            criteria=criteria,
            businesses=businesses,
            lq=economy.location_quotient,
            n=params.sensitivity_runs,
            concentration=params.sensitivity_concentration,
            seed=params.seed,
        )
        if params.distinct_products:
            require = sentra.sentra_pairs(rules) if params.require_sentra else None
            alloc = allocate_products(
                scores,
                max_villages_per_product=params.max_villages_per_product,
                require_sentra=require,
            )
        clusters = sentra_clusters(
            villages,
            businesses,
            decision_params(params).classes,
            pairs=None if prepared.neighbours is None else list(prepared.neighbours),
        )
        candidates = _candidates(dec, rules, sens, clusters)
        ideas = new_product_ideas(
            businesses,
            [] if prepared.neighbours is None else list(prepared.neighbours),
            villages["village_name"] if "village_name" in villages.columns else None,
        )
        beside, promethee_record = decision.promethee_beside(dec, criteria)
        candidates = candidates.join(beside)
        robust = {**(robust or {}), "promethee": promethee_record}
        recommendation = recommend(
            candidates,
            criteria=list(dec.weights_applied.index),
            tolerance=params.tie_tolerance_points,
            clusters=clusters,
        )
    else:
        notes.append(msg("note.no_businesses"))

    result = AnalysisResult(
        prepared=prepared,
        params=params,
        weights=weights,
        land=land,
        demand=demand,
        carrying=carrying,
        lq_businesses=lq,
        rules=rules,
        criteria=criteria,
        scores=scores,
        sensitivity=sens,
        allocation=alloc,
        candidates=candidates,
        notes=tuple(notes),
        land_balance=balance,
        region_land=region_land,
        two_period=two_period,
        decision=dec,
        robustness_record=robust,
        recommendation=recommendation,
        clusters=clusters,
        ideas=ideas,
        growth=GrowthSettings(
            scenarios=scenarios,
            start_year=start_year,
            data_year=data_year,
            population_growth_pct_yr=float(pop_growth),
            horizon_years=params.horizon_years,
        ),
    )
    object.__setattr__(result, "villages", village_indicators(result))
    return result


def _capacity_inputs(prepared: PreparedRegion, population: pd.Series, notes: list[str]) -> bool:
    """Whether the carrying capacity can be computed; if not, a note says what is missing."""
    harvest = prepared.harvest_by_village
    crops = harvest.index.get_level_values("crop_id").astype(str)
    rice = FarmingParams.rice_crop
    if not harvest.loc[crops == rice, "harvest_area_ha"].sum() > 0:
        notes.append(msg("note.capacity_no_rice", crop=rice))
        return False
    codes = harvest.index.get_level_values("village_code").astype(str).unique()
    lacking = [c for c in codes if not population.get(c, np.nan) >= 0]
    if lacking:
        notes.append(msg("note.capacity_no_population", count=len(lacking), villages=lacking[:5]))
        return False
    return True


def _table_name(region: Region, name: str) -> str:
    path = region.manifest.tables.get(name)
    return region.manifest.relative(path) if path is not None else f"{name}.csv"


def _milled_rice_conversion(region: Region) -> tuple[float, str]:
    """Beras per tonne of paddy for the rice crop, from the crops table, with its source."""
    crops = region.tables.get("crops")
    rice = FarmingParams.rice_crop
    shown = _table_name(region, "crops")
    row = None if crops is None else crops[crops["crop_id"].astype(str) == rice]
    if row is None or row.empty or "staple_t_per_harvested_t" not in row.columns:
        raise InputDataError(
            f"{shown}: no 'staple_t_per_harvested_t' for '{rice}'. Carrying capacity after "
            "Permen LH 17/2009 counts beras, not paddy: add the columns staple_form, "
            "staple_t_per_harvested_t (t beras per t of paddy as the harvest table measures it; "
            "BPS 2018: 0.6402) and staple_source (see data/params/crops.csv).",
            path=shown,
        )
    source = str(row["staple_source"].iloc[0]) if "staple_source" in row.columns else ""
    return float(row["staple_t_per_harvested_t"].iloc[0]), source


def _villages_without_harvest(prepared: PreparedRegion) -> pd.Index:
    """Villages with no row in a per-village harvest table (none when totals were spread)."""
    harvest = prepared.harvest_by_village
    if harvest is None or ("estimated" in harvest.columns and harvest["estimated"].all()):
        return pd.Index([], name="village_code")
    given = harvest.index.get_level_values("village_code").unique()
    return prepared.villages.index.difference(given)


def reported_businesses(region: Region) -> pd.DataFrame | None:
    """Business counts of the villages the business table reports (the others are unknown).

    A village without any row in the table has no statistics: leaving it out here keeps every
    figure computed from business counts (scores, location quotients, sentra rules, the
    allocation) unknown for it, so the map shows it as no data rather than as a score from
    distances alone.
    """
    businesses = region.businesses
    reported = region.businesses_reported
    if businesses is None or reported is None:
        return businesses
    return businesses.loc[list(reported)]


def _two_period(region: Region, notes: list[str]) -> dict[str, pd.DataFrame] | None:
    """Dynamic LQ, shift-share and Klassen typology of business counts, when two periods exist."""
    previous = region.businesses_previous
    if previous is None:
        notes.append(msg("note.two_periods"))
        return None
    stats = region.manifest.statistics
    years = float(stats.businesses.year - stats.businesses_previous.year)
    current = reported_businesses(region)
    previous = previous.loc[current.index]
    return {
        "dynamic_lq": economy.dynamic_lq(previous, current, years),
        "shift_share": economy.shift_share(previous, current),
        "klassen": economy.klassen_typology(previous, current, years),
    }


def _resolve_weights(params: AnalysisParams) -> dict[str, float]:
    if params.weights is None:
        return dict(mcda.default_weights().as_series())
    return params.weights_mapping()


def _empty_demand() -> pd.DataFrame:
    index = pd.MultiIndex.from_arrays([[], []], names=["village_code", "crop_id"])
    return pd.DataFrame({"demand_t_yr": pd.Series(dtype=float)}, index=index)


def build_criteria(
    prepared: PreparedRegion,
    *,
    lq: pd.DataFrame,
    land: pd.DataFrame | None,
    demand: pd.DataFrame | None,
    slope_limit_pct: float,
    businesses: pd.DataFrame | None = None,
    firm_readiness: pd.Series | None = None,
) -> pd.DataFrame:
    """Raw criteria values per (village_code, product), with units, for :func:`mcda.score`.

    Rows are the villages of ``businesses`` (default: the villages the region's business table
    reports, :func:`reported_businesses`) × its products.

    - ``businesses``, ``lq_businesses``: from the business counts;
    - ``raw_material_supply_ratio``: local production of the product's input crops divided by
      the demand of the village's firms for those crops (all products); NaN for products with
      no local raw material or where production is unknown; :data:`SUPPLY_RATIO_CAP` where
      nothing is demanded yet;
    - ``available_land_ha``: available land for the input crops (summed over input crops);
    - ``share_slope_suitable``: share of the village below the slope limit;
    - ``distance_centre_km``, ``distance_capital_km``: straight-line distances;
    - ``households``; and the optional ``managing_body``, ``government_commitment``,
      ``local_wisdom`` taken from village attributes of those names, unknown (NaN) otherwise.
    """
    region = prepared.region
    if businesses is None:
        businesses = reported_businesses(region)
    villages = prepared.villages
    products = list(businesses.columns)
    index = pd.MultiIndex.from_product(
        [villages.index[villages.index.isin(businesses.index)], products],
        names=["village_code", "product"],
    )
    crit = pd.DataFrame(index=index)
    codes = crit.index.get_level_values("village_code")
    prods = crit.index.get_level_values("product")
    crit["businesses"] = businesses.stack().reindex(index).fillna(0).to_numpy(dtype=float)
    crit["lq_businesses"] = lq.stack(future_stack=True).reindex(index).to_numpy(dtype=float)

    inputs = _product_inputs(region.tables.get("raw_materials"), products)
    supply = np.full(len(crit), np.nan)
    avail = np.full(len(crit), np.nan)
    pairs = pd.DataFrame(
        [(p, c) for p, crops in inputs.items() for c in crops], columns=["product", "crop_id"]
    )
    harvest = prepared.harvest_by_village
    if (land is not None or harvest is not None) and len(pairs):
        # Without a land-use layer the production of the harvest statistics still gives the
        # supply ratio; only the available land is unknown.
        production = land["production_t"] if land is not None else harvest["production_t"]
        available = (
            land["available_ha"].clip(lower=0)
            if land is not None
            else pd.Series(np.nan, index=production.index)
        )
        demand_by_crop = demand["demand_t_yr"] if demand is not None else pd.Series(dtype=float)
        # One row per (criteria row, input crop); summed back per criteria row.
        long = pd.DataFrame(
            {
                "village_code": np.asarray(codes),
                "product": np.asarray(prods),
                "row": np.arange(len(crit)),
            }
        ).merge(pairs, on="product")
        keys = pd.MultiIndex.from_arrays([long["village_code"], long["crop_id"]])
        long["prod"] = production.reindex(keys).to_numpy(dtype=float)
        long["need"] = demand_by_crop.reindex(keys).fillna(0).to_numpy(dtype=float)
        long["avail"] = available.reindex(keys).to_numpy(dtype=float)
        grouped = long.groupby("row")
        prod = grouped["prod"].sum(min_count=1)
        need = grouped["need"].sum()
        rows = prod.index.to_numpy()
        prod_v, need_v = prod.to_numpy(), need.to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            # Nothing demanded yet: supply is no constraint; report the scoring cap.
            ratio = np.where(
                need_v > 0, prod_v / need_v, np.where(prod_v > 0, SUPPLY_RATIO_CAP, np.nan)
            )
        supply[rows] = np.where(np.isnan(prod_v), np.nan, ratio)
        avail[rows] = grouped["avail"].sum(min_count=1).to_numpy()
    crit["raw_material_supply_ratio"] = supply
    crit["available_land_ha"] = avail

    if prepared.slope is not None:
        share = prepared.slope[_slope_share_column(slope_limit_pct)]
        crit["share_slope_suitable"] = share.reindex(codes).to_numpy(dtype=float)
    else:
        crit["share_slope_suitable"] = np.nan
    crit["distance_centre_km"] = (
        prepared.access["distance_centre_straight_km"].reindex(codes).to_numpy(dtype=float)
    )
    crit["distance_capital_km"] = (
        prepared.access["distance_capital_straight_km"].reindex(codes).to_numpy(dtype=float)
    )
    hh = villages["households"] if "households" in villages.columns else None
    crit["households"] = (
        np.nan if hh is None else pd.to_numeric(hh, errors="coerce").reindex(codes).to_numpy(float)
    )
    for optional in mcda.OPTIONAL_CRITERIA:
        if optional in villages.columns:
            crit[optional] = villages[optional].reindex(codes).to_numpy()
        else:
            crit[optional] = np.nan
    if firm_readiness is not None:
        crit["readiness"] = firm_readiness.reindex(crit.index).to_numpy(dtype=float)
    return crit


def _product_inputs(raw_materials: pd.DataFrame | None, products) -> dict[str, tuple[str, ...]]:
    if raw_materials is None:
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for product, rows in raw_materials.groupby("product"):
        out[str(product)] = tuple(sorted(rows["crop_id"].astype(str).unique()))
    return {p: out.get(p, ()) for p in products}


def decision_params(params: AnalysisParams) -> decision.DecisionParams:
    """The screen-sort-score parameters of a run (thresholds and the tie tolerance)."""
    pre = params.pre_sentra_min_units
    return decision.DecisionParams(
        classes=decision.ClassRules(sentra_min_units=params.min_units, pre_sentra_min_units=pre),
        lq_min_units=params.lq_min_units,
        tie_tolerance_points=params.tie_tolerance_points,
    )


def _scores(dec: decision.Decision, index: pd.MultiIndex) -> pd.DataFrame:
    """Score and rank of every pair: the candidates' values, NaN for pairs without a firm."""
    cand = dec.candidates
    out = pd.DataFrame(index=index)
    out["score"] = cand["score"].reindex(index)
    out["rank"] = cand["rank"].reindex(index).astype(float)
    out["sentra_class"] = cand["sentra_class"].reindex(index)
    out["tie"] = cand["tie"].reindex(index)
    return out


def _candidates(
    dec: decision.Decision,
    rules: pd.DataFrame,
    sens: pd.DataFrame,
    clusters: gpd.GeoDataFrame | None,
) -> pd.DataFrame:
    table = dec.candidates.join(
        rules[
            [
                "meets_pp29_2018",
                "margin_pp29",
                "household_share",
                "meets_bps_households",
                "margin_bps",
            ]
        ]
    )
    table = table.join(sens)
    if clusters is not None:
        table = table.join(cluster_membership(clusters))
    return table.sort_index()


def village_indicators(result: AnalysisResult) -> gpd.GeoDataFrame:
    """One row per village with every indicator, ready for the map and the exports."""
    prepared = result.prepared
    villages = prepared.villages
    keep = [
        c
        for c in ("village_name", "group", "area_ha", "households", "area_ha_reported")
        if c in villages.columns
    ]
    out = villages[[*keep, "geometry"]].copy()
    out = out.join(prepared.access.drop(columns=["centre_method"]))
    if prepared.slope is not None:
        out = out.join(prepared.slope)
    if prepared.lowland is not None:
        out = out.join(prepared.lowland.add_prefix("lowland_"))
    if prepared.landuse_ha is not None:
        out = out.join(prepared.landuse_ha.add_prefix("landuse_"))
        out["landuse_illustrative"] = bool(prepared.region.layers.landuse.illustrative)
    if result.land is not None:
        wide_cols = {
            "harvested_ha": "harvest_area_{}_ha",
            "production_t": "production_{}_t",
            "suitable_ha": "suitable_for_{}_ha",
            "in_use_ha": "in_use_{}_ha",
            "unused_suitable_ha": "unused_suitable_for_{}_ha",
            "available_ha": "available_{}_ha",
            "demand_processed_t_yr": "demand_processed_{}_t_yr",
            "demand_t_yr": "demand_{}_t_yr",
            "land_needed_ha": "land_needed_{}_ha",
            "land_needed_5y_ha": "land_needed_5y_{}_ha",
            "land_needed_10y_ha": "land_needed_10y_{}_ha",
            "supply_ratio": "supply_ratio_{}",
            "food_need_t_yr": "food_need_{}_t_yr",
            "left_after_food_t_yr": "left_after_food_{}_t_yr",
            "raw_material_balance_t_yr": "raw_material_balance_{}_t_yr",
            "food_first_binding": "food_first_binding_{}",
            "land_for_raw_materials_ha": "land_for_raw_materials_{}_ha",
            "year_land_short": "year_land_short_{}",
            "land_short_now": "land_short_now_{}",
        }
        if result.growth is not None:
            for scenario in result.growth.scenarios:
                wide_cols[f"year_land_short_{scenario.name}"] = (
                    f"year_land_short_{scenario.name}_{{}}"
                )
        for col, pattern in wide_cols.items():
            if col not in result.land.columns:
                continue
            wide = result.land[col].unstack("crop_id")
            wide.columns = [pattern.format(c) for c in wide.columns]
            out = out.join(wide)
        out["production_estimated"] = (
            bool(result.land["estimated"].any()) if ("estimated" in result.land.columns) else False
        )
        unreported = _villages_without_harvest(prepared)
        if len(unreported):
            # The land balance counts their land as not harvested; their harvest and
            # production themselves are unknown (no data), not 0.
            columns = [
                c
                for c in out.columns
                if c.startswith(("harvest_area_", "production_")) and c != "production_estimated"
            ]
            out.loc[unreported, columns] = np.nan
    if result.land_balance is not None:
        keep = [
            c
            for c in result.land_balance.columns
            if c.startswith("land_") and c != "land_available_sum_ha"
        ]
        out = out.join(result.land_balance[keep])
    if result.land is None and prepared.harvest_by_village is not None:
        # No land balance (no land-use layer): the harvest statistics' own figures still go out.
        harvest = prepared.harvest_by_village
        for col, pattern in (
            ("harvest_area_ha", "harvest_area_{}_ha"),
            ("production_t", "production_{}_t"),
        ):
            wide = harvest[col].unstack("crop_id")
            wide.columns = [pattern.format(c) for c in wide.columns]
            out = out.join(wide)
        out["production_estimated"] = (
            bool(harvest["estimated"].any()) if "estimated" in harvest.columns else False
        )
    known = reported_businesses(result.region)
    if result.lq_businesses is not None:
        out = out.join(result.lq_businesses.add_prefix("lq_"))
        spec = economy.specialisation(known)
        out = out.join(
            spec[["leading_product", "share_leading", "herfindahl"]].add_prefix("businesses_")
        )
    if prepared.harvest_by_village is not None:
        production = prepared.harvest_by_village["production_t"].unstack("crop_id")
        out = out.join(
            economy.location_quotient(production.fillna(0.0)).add_prefix("lq_production_")
        )
    if known is not None:
        out = out.join(known.add_prefix("businesses_"))
    if result.two_period is not None:
        for key, column, prefix in (
            ("dynamic_lq", "dlq", "dlq_"),
            ("dynamic_lq", "class", "dlq_class_"),
            ("shift_share", "c_competitive", "shift_share_competitive_"),
            ("klassen", "class", "klassen_"),
        ):
            wide = result.two_period[key][column].unstack("product")
            out = out.join(wide.add_prefix(prefix))
    if result.recommendation is not None and len(result.recommendation):
        rec = result.recommendation[
            [
                "product",
                "sentra_class",
                "score",
                "runner_up",
                "margin_points",
                "tie",
                "reason_id",
                "reason_en",
            ]
        ]
        out = out.join(rec.add_prefix("ovop_"))
        out["ovop_recommended_product"] = out["ovop_product"]
    if result.allocation is not None:
        alloc = result.allocation[
            ["product", "score", "best_product", "best_score", "score_lost"]
        ].rename(columns={"product": "assigned_product", "score": "assigned_score"})
        out = out.join(alloc.add_prefix("ovop_"))
        out["ovop_product"] = out["ovop_assigned_product"]
    if result.scores is not None:
        best = result.scores["score"].unstack("product")
        out["score_max"] = best.max(axis=1)
    if result.carrying is not None:
        cc = result.carrying.by_village
        out = out.join(cc.add_prefix("capacity_"))
    return out
