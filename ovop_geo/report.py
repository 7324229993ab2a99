"""What a run produces, in the same form for the command line and the app.

- :func:`candidates_frame`: one feature per candidate village × product;
- :func:`result_map`: the village map for one indicator (and product);
- :func:`run_record`: the tool version, each input file with its SHA-256, every parameter and
  weight, and the time;
- :func:`build_outputs`: all output files as bytes, keyed by file name, for
  :func:`ovop_geo.export.write_outputs` or for download buttons.

The schema of the exported files is documented in ``docs/exports.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import platform
from collections.abc import Callable
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd

from . import __version__, render
from .display import source_text
from .errors import ParameterError
from .export import (
    csvt_bytes,
    export_frame,
    to_csv_bytes,
    to_geojson_bytes,
    to_gpkg_bytes,
    to_json_bytes,
    to_xlsx_bytes,
)
from .farming import BALANCE_COLUMNS, raw_material_table
from .i18n import STRINGS, t
from .mapstyle import unit_for
from .pipeline import AnalysisResult
from .simplify import auto_tolerance_m

__all__ = [
    "INDICATORS",
    "OUTPUT_FILES",
    "build_outputs",
    "candidates_frame",
    "clusters_frame",
    "columns_table",
    "indicator_column",
    "region_summary",
    "result_map",
    "run_record",
]

#: Indicators the map can colour villages by: key -> (column or pattern, needs a product).
#: ``{product}`` and ``{crop}`` are filled in from the chosen product (crop = its first input).
INDICATORS: dict[str, tuple[str, bool]] = {
    "score": ("score_{product}", True),
    "lq": ("lq_{product}", True),
    "businesses": ("businesses_{product}", True),
    "production": ("production_{crop}_t", True),
    "available_land": ("available_{crop}_ha", True),
    "year_land_short": ("year_land_short_{crop}", True),
    "slope_share": ("share_slope_below_{slope}_pct", False),
    "ovop_product": ("ovop_product", False),
    "land_capacity": ("capacity_status", False),
    "area": ("area_ha", False),
}

#: The files one run writes, in order.
OUTPUT_FILES = (
    "villages.geojson",
    "sentra_candidates.geojson",
    "sentra_clusters.geojson",
    "results.gpkg",
    "results.xlsx",
    "villages.csv",
    "villages.csvt",
    "sentra_candidates.csv",
    "sentra_candidates.csvt",
    "sentra_clusters.csv",
    "sentra_clusters.csvt",
    "new_product_ideas.csv",
    "map.html",
    "run.json",
)

_CLUSTER_COLUMNS = (
    "product",
    "cluster_id",
    "villages",
    "village_names",
    "n_villages",
    "businesses",
    "sentra_class",
    "meets_pp29_2018",
)

_CANDIDATE_COLUMNS = (
    "village_name",
    "product",
    "businesses",
    "sentra_class",
    "score",
    "score_upper",
    "share_weight_unknown",
    "rank",
    "tie",
    "tied_with",
    "cluster_id",
    "cluster_villages",
    "cluster_businesses",
    "cluster_class",
    "meets_pp29_2018",
    "margin_pp29",
    "meets_bps_households",
    "household_share",
    "margin_bps",
    "share_rank1",
    "rank_min",
    "rank_max",
    "rank_median",
    "loo_share_rank1",
    "loo_rank_min",
    "loo_rank_max",
    "data_share_rank1",
    "data_rank_min",
    "data_rank_max",
    "fragile",
    "fragile_because",
    "promethee_phi_net",
    "promethee_rank",
    "promethee_rank_differs",
    "lq_businesses",
    "raw_material_supply_ratio",
    "available_land_ha",
    "share_slope_suitable",
    "distance_centre_km",
    "distance_capital_km",
    "households",
    "managing_body",
    "government_commitment",
    "local_wisdom",
    "readiness",
)


def _first_crop(result: AnalysisResult, product: str | None) -> str | None:
    raw = result.region.tables.get("raw_materials")
    if product is None or raw is None:
        return None
    rows = raw.loc[raw["product"] == product, "crop_id"]
    return None if rows.empty else str(rows.iloc[0])


def indicator_column(result: AnalysisResult, indicator: str, product: str | None = None) -> str:
    """The column of :func:`map_frame` that holds ``indicator`` for ``product``."""
    if indicator not in INDICATORS:
        raise ParameterError(
            f"unknown indicator '{indicator}'; choose one of {', '.join(INDICATORS)}"
        )
    pattern, _ = INDICATORS[indicator]
    return pattern.format(
        product=product,
        crop=_first_crop(result, product),
        slope=f"{result.params.slope_limit_pct:g}",
    )


def map_frame(result: AnalysisResult) -> gpd.GeoDataFrame:
    """The villages with every indicator plus per-product scores (``score_<product>``)."""
    frame = result.villages.copy()
    if result.scores is not None:
        wide = result.scores["score"].unstack("product").add_prefix("score_")
        frame = frame.join(wide)
    frame["estimated"] = (
        frame["production_estimated"].fillna(False).astype(bool)
        if "production_estimated" in frame.columns
        else False
    )
    frame["illustrative"] = bool(result.prepared.illustrative_layers)
    return frame


def candidates_frame(result: AnalysisResult) -> gpd.GeoDataFrame:
    """One row per candidate village × product, with the village geometry (EPSG:4326).

    Only pairs where at least one firm makes the product. Columns (``docs/exports.md``):
    ``village_code``, ``village_name``, ``product``, ``businesses``, ``sentra_class``, ``score``
    (0-100 on absolute value functions) and ``score_upper``, ``rank`` (class first, then score;
    tied pairs share it), ``tie``, ``tied_with``, the cluster, the sentra rules with margins,
    the robustness figures, the raw criteria, ``value_<criterion>`` (0-1) and
    ``points_<criterion>`` (adding up to the score), and ``estimated`` / ``illustrative``.
    """
    villages = result.villages
    if result.candidates is None or result.candidates.empty:
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype=object) for c in ("village_code", "product")},
            geometry=gpd.GeoSeries([], crs=4326),
        )
    table = result.candidates.reset_index()
    table["village_name"] = table["village_code"].map(villages["village_name"])
    cols = ["village_code"] + [c for c in _CANDIDATE_COLUMNS if c in table.columns]
    cols += [c for c in table.columns if c.startswith(("value_", "points_"))]
    table = table[cols]
    table["estimated"] = bool(result.land is not None and result.land["estimated"].any())
    table["illustrative"] = bool(result.prepared.illustrative_layers)
    geometry = table["village_code"].map(villages.geometry)
    out = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geometry.values, crs=villages.crs))
    return out.sort_values(["product", "rank", "village_code"]).reset_index(drop=True)


def clusters_frame(result: AnalysisResult) -> gpd.GeoDataFrame:
    """One feature per sentra cluster (EPSG:4326).

    Columns: ``product``, ``cluster_id``, ``villages`` (codes joined by ``;``), ``village_names``,
    ``n_villages``, ``businesses`` (total firms), ``sentra_class``, ``meets_pp29_2018`` and the
    dissolved geometry.
    """
    clusters = result.clusters
    if clusters is None or clusters.empty:
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype=object) for c in _CLUSTER_COLUMNS},
            geometry=gpd.GeoSeries([], crs=4326),
        )
    return clusters[[*_CLUSTER_COLUMNS, "geometry"]].reset_index(drop=True)


def result_map(
    result: AnalysisResult,
    *,
    indicator: str = "score",
    product: str | None = None,
    lang: str = "id",
    base_map: str = "none",
    frame: gpd.GeoDataFrame | None = None,
    layers=(),
    simplify_tolerance_m: float | None = None,
):
    """The village map coloured by ``indicator`` (for ``product``), candidates marked.

    ``frame`` may be a pre-simplified :func:`map_frame` (the app caches one per region).
    """
    if INDICATORS.get(indicator, ("", False))[1] and product is None:
        product = _default_product(result)
    column = indicator_column(result, indicator, product)
    frame = map_frame(result) if frame is None else frame
    if column not in frame.columns:
        frame = frame.assign(**{column: np.nan})
    tooltip = [c for c in (column, "area_ha", "households", "ovop_product") if c in frame.columns]
    tooltip = list(dict.fromkeys(tooltip))
    # The popup holds the key figures for the chosen product and its input crop only: every
    # extra row is repeated in each village's feature and grows the page with the village count.
    crop = _first_crop(result, product)
    per_product = [] if product is None else [f"businesses_{product}", f"lq_{product}"]
    per_crop = (
        []
        if crop is None
        else [
            f"production_{crop}_t",
            f"available_{crop}_ha",
            f"land_needed_{crop}_ha",
            f"year_land_short_{crop}",
        ]
    )
    popup = [
        column,
        "area_ha",
        "households",
        "distance_capital_straight_km",
        "ovop_product",
        *per_product,
        *per_crop,
    ]
    popup = [c for c in dict.fromkeys(popup) if c in frame.columns]
    candidates = None
    if result.candidates is not None and product is not None:
        chosen = (
            result.candidates.xs(product, level="product", drop_level=True)
            if (product in result.candidates.index.get_level_values("product"))
            else None
        )
        if chosen is not None:
            candidates = pd.Series(
                [f"{product}: {t('rank', lang)} {int(r)}" for r in chosen["rank"]],
                index=chosen.index,
            )
    title = t(f"indicator_{indicator}", lang)
    if product is not None and INDICATORS[indicator][1]:
        title = f"{title}: {product}"
    boundaries = result.region.manifest.boundaries
    return render.village_map(
        frame,
        value_column=column,
        legend_title=title,
        tooltip_columns=tooltip,
        popup_columns=popup,
        column_labels=_column_labels(lang, column, title),
        lang=lang,
        source=source_text(boundaries, lang) or "",
        base_map=base_map,
        layers=layers,
        candidates=candidates,
        simplify_tolerance_m=simplify_tolerance_m,
    )


def _column_labels(lang: str, column: str, title: str) -> dict[str, str]:
    return {
        column: title,
        "area_ha": t("area", lang),
        "households": t("households", lang),
        "ovop_product": t("indicator_ovop_product", lang),
        "distance_capital_straight_km": t("distance_capital", lang),
    }


def _default_product(result: AnalysisResult) -> str | None:
    businesses = result.region.businesses
    if businesses is None or businesses.empty:
        return None
    return str(businesses.sum().idxmax())


def _cluster_layers(result: AnalysisResult, lang: str) -> list:
    """The sentra clusters of the map's default product as a layer (none without clusters)."""
    from .overlays import cluster_layer

    product = _default_product(result)
    layer = None if product is None else cluster_layer(result.clusters, product, lang=lang)
    return [] if layer is None else [layer]


def run_record(result: AnalysisResult, *, now: dt.datetime | None = None) -> dict:
    """The run record: tool version, inputs with SHA-256, parameters, weights, time (UTC)."""
    region = result.region
    now = now or dt.datetime.now(dt.UTC)
    params = dataclasses.asdict(result.params)
    params["weights"] = result.weights
    return {
        "tool": "ovop_geo",
        "version": __version__,
        "python": platform.python_version(),
        "time_utc": now.replace(microsecond=0).isoformat(),
        "region": {
            "id": region.id,
            "name": region.name,
            "manifest": region.manifest.relative(region.manifest.path),
        },
        "inputs": [
            {
                "role": p.role,
                "path": p.path,
                "sha256": p.sha256,
                "source": p.source,
                "illustrative": p.illustrative,
            }
            for p in region.provenance
        ],
        "parameters": params,
        "weights": result.weights,
        **_decision_record(result),
        "illustrative_layers": list(result.prepared.illustrative_layers),
        "notes": list(result.notes),
        "boundaries_note": region.manifest.boundaries.note,
        "region_summary": region_summary(result),
    }


def _decision_record(result: AnalysisResult) -> dict:
    """Method, value functions with anchors and sources, weights applied, tie tolerance."""
    if result.decision is None:
        return {"method": None, "weights_applied": None}
    record = result.decision.record()
    out = {
        "method": record.pop("method"),
        "weights_applied": record.pop("weights_applied"),
        "tie_tolerance_points": record.pop("tie_tolerance_points"),
        "sentra_decision": record,
    }
    if result.robustness_record is not None:
        robust = dict(result.robustness_record)
        out["promethee"] = robust.pop("promethee", None)
        out["robustness"] = robust
    return out


def _num(value):
    """A plain float or int for JSON (None for NaN / NA)."""
    if value is None or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return float(value)


def _crop_parameters(result: AnalysisResult) -> dict:
    crops = result.region.tables.get("crops")
    if crops is None:
        return {}
    out = {}
    for row in crops.to_dict("records"):
        out[str(row["crop_id"])] = {
            k: (_num(v) if isinstance(v, (int, float, np.number)) else v)
            for k, v in row.items()
            if k
            in (
                "cropping_intensity",
                "cropping_intensity_source",
                "staple_form",
                "staple_t_per_harvested_t",
                "staple_source",
                "food_kg_per_person_yr",
                "food_source",
            )
        }
    return out


def _raw_material_conversions(result: AnalysisResult) -> list[dict]:
    raw = result.region.tables.get("raw_materials")
    if raw is None:
        return []
    table = raw_material_table(raw)
    return [
        {
            "product": r["product"],
            "crop_id": r["crop_id"],
            "processed_input": r["processed_input"],
            "processed_input_t_per_business_yr": _num(r["processed_input_t_per_business_yr"]),
            "harvested_form": r["harvested_form"],
            "processed_t_per_harvested_t": _num(r["processed_t_per_harvested_t"]),
            "rate_source": r["rate_source"],
            "conversion_source": r["conversion_source"],
            "link_source": r["link_source"],
        }
        for r in table.to_dict("records")
    ]


def region_summary(result: AnalysisResult) -> dict:
    """Region-level figures of a run: carrying capacity, land balance, food first, growth.

    Keys: ``capacity_method``, ``capacity_supply_demand_ratio``, ``capacity_alpha_index``,
    ``capacity_alpha_class``, ``capacity_status``, ``capacity_land_supply_ha``,
    ``capacity_land_demand_ha``, ``capacity_parameters`` (prices with their year and source,
    the paddy-to-beras conversion, needs); ``raw_material_conversions``; ``crop_parameters``
    (cropping intensity, staple conversion and food need per crop with sources);
    ``production`` (harvest area and production per crop over the region, from the harvest
    statistics, even when they cannot be spread over villages); ``land``
    (physical land balance summed over villages and available land per crop); ``food_first``
    per crop; ``growth`` (start year, data year, population growth and the scenarios with the
    year the land runs short per crop). Missing parts are None.
    """
    out: dict = {}
    cc = result.carrying
    if cc is not None:
        reg = cc.region
        out |= {
            "capacity_method": cc.method,
            "capacity_supply_demand_ratio": _num(reg["supply_demand_ratio"]),
            "capacity_alpha_index": _num(reg["alpha_index"]),
            "capacity_alpha_class": str(reg["alpha_class"]),
            "capacity_status": str(reg["status"]),
            "capacity_land_supply_ha": _num(reg["land_supply_ha"]),
            "capacity_land_demand_ha": _num(reg["land_demand_ha"]),
            "capacity_population": _num(reg["population"]),
            "capacity_estimated": bool(reg["estimated"]),
            "capacity_parameters": cc.parameters,
        }
    else:
        out |= dict.fromkeys(
            (
                "capacity_method",
                "capacity_supply_demand_ratio",
                "capacity_alpha_index",
                "capacity_alpha_class",
                "capacity_status",
            )
        )
    out["raw_material_conversions"] = _raw_material_conversions(result)
    out["crop_parameters"] = _crop_parameters(result)
    # The harvest statistics' own totals, whatever else could be computed (no land-use layer,
    # region totals that cannot be spread): what the user supplied is never dropped.
    production = result.prepared.production_region
    out["production"] = (
        None
        if production is None
        else {
            str(crop): {
                "harvest_area_ha": _num(row["harvest_area_ha"]),
                "production_t": _num(row["production_t"]),
            }
            for crop, row in production.iterrows()
        }
    )
    balance, region_land = result.land_balance, result.region_land
    out["land"] = (
        None
        if balance is None
        else {
            **{c: _num(balance[c].sum()) for c in ("area_ha", *BALANCE_COLUMNS)},
            "available_ha_by_crop": {
                str(c): _num(v)
                for c, v in result.land["available_ha"].groupby(level="crop_id").sum().items()
            },
            "illustrative": bool(balance["illustrative"].any()),
            "estimated": bool(balance["estimated"].any()),
        }
    )
    out["food_first"] = (
        None
        if region_land is None
        else {
            str(crop): {
                k: (_num(row[k]) if k != "food_first_binding" else str(row[k]))
                for k in (
                    "production_t",
                    "food_need_t_yr",
                    "left_after_food_t_yr",
                    "demand_t_yr",
                    "raw_material_balance_t_yr",
                    "food_first_binding",
                )
            }
            for crop, row in region_land.iterrows()
        }
    )
    growth = result.growth
    if growth is None or result.land is None:
        out["growth"] = None
        return out
    short_now = result.land["land_short_now"]
    out["growth"] = {
        "start_year": growth.start_year,
        "data_year": growth.data_year,
        "baseline": (
            f"the {growth.data_year} figures (the latest) taken as the state in {growth.start_year}"
        ),
        "population_growth_pct_yr": growth.population_growth_pct_yr,
        "horizon_years": growth.horizon_years,
        "scenarios": [
            {
                "name": s.name,
                "growth_rate_pct_yr": s.growth_rate_pct_yr,
                "source": s.source,
                "region_year_land_short": {
                    str(crop): _num(region_land.loc[crop, f"year_land_short_{s.name}"])
                    for crop in region_land.index
                },
            }
            for s in growth.scenarios
        ],
        "villages_short_now": {
            str(crop): sorted(
                str(v)
                for v in rows.index.get_level_values("village_code")[rows.to_numpy(dtype=bool)]
            )
            for crop, rows in short_now.groupby(level="crop_id")
        },
    }
    return out


def columns_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per column of each exported table: its unit and its label in both languages.

    The unit comes from the column's name (the project's unit suffixes); labels are the app's
    texts where the column has one, else empty.
    """
    rows = []
    for sheet, frame in tables.items():
        for column in frame.columns:
            name = str(column)
            unit, _ = unit_for(name)
            labels = {lang: (t(name, lang) if name in STRINGS else "") for lang in ("id", "en")}
            rows.append(
                {
                    "sheet": sheet,
                    "column": name,
                    "unit": "share 0-1" if name.startswith("share_") else unit,
                    "label_id": labels["id"],
                    "label_en": labels["en"],
                }
            )
    return pd.DataFrame(rows)


def build_outputs(
    result: AnalysisResult,
    *,
    lang: str = "id",
    now: dt.datetime | None = None,
    csv_dialect: str = "rfc4180",
) -> dict[str, Callable[[], bytes]]:
    """Every output file of a run as a function returning its bytes, keyed by file name.

    ``csv_dialect`` chooses the CSV files' separator and decimal mark
    (:data:`ovop_geo.export.CSV_DIALECTS`); the ``.csvt`` type sidecars are written for the
    default (GDAL and QGIS read only that one).
    """
    villages = result.villages
    candidates = cache(lambda: candidates_frame(result))
    clusters = cache(lambda: clusters_frame(result))

    def workbook() -> bytes:
        tables = {
            "villages": export_frame(villages),
            "sentra_candidates": export_frame(candidates(), index=False),
            "sentra_clusters": export_frame(clusters(), index=False),
        }
        return to_xlsx_bytes(
            {
                "villages": (villages, True),
                "sentra_candidates": (candidates(), False),
                "sentra_clusters": (clusters(), False),
            },
            columns=columns_table(tables),
        )

    outputs = {
        "villages.geojson": lambda: to_geojson_bytes(villages),
        "sentra_candidates.geojson": lambda: to_geojson_bytes(candidates(), index_name=None),
        "sentra_clusters.geojson": lambda: to_geojson_bytes(clusters(), index_name=None),
        "results.gpkg": lambda: to_gpkg_bytes(
            {
                "villages": (villages, "village_code"),
                "sentra_candidates": (candidates(), None),
                "sentra_clusters": (clusters(), None),
            }
        ),
        "results.xlsx": workbook,
        "villages.csv": lambda: to_csv_bytes(villages, dialect=csv_dialect),
        "villages.csvt": lambda: csvt_bytes(villages),
        "sentra_candidates.csv": lambda: to_csv_bytes(
            candidates(), index=False, dialect=csv_dialect
        ),
        "sentra_candidates.csvt": lambda: csvt_bytes(candidates(), index=False),
        "sentra_clusters.csv": lambda: to_csv_bytes(clusters(), index=False, dialect=csv_dialect),
        "sentra_clusters.csvt": lambda: csvt_bytes(clusters(), index=False),
        "new_product_ideas.csv": lambda: to_csv_bytes(
            result.ideas
            if result.ideas is not None
            else pd.DataFrame(columns=["village_code", "product"]).set_index(
                ["village_code", "product"]
            ),
            dialect=csv_dialect,
        ),
        "map.html": lambda: render.to_standalone_html(
            result_map(
                result,
                lang=lang,
                layers=_cluster_layers(result, lang),
                simplify_tolerance_m=auto_tolerance_m(villages),
            )
        ).encode("utf-8"),
        "run.json": lambda: to_json_bytes(run_record(result, now=now)),
    }
    if csv_dialect != "rfc4180":
        del outputs["villages.csvt"], outputs["sentra_candidates.csvt"]
        del outputs["sentra_clusters.csvt"]
    return outputs
