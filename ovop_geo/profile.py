"""One village at a glance: what the app shows beside the map when a village is picked.

:func:`village_profile` gathers, from one analysis result, a village's firms, its land balance,
its candidate products with the criteria that lift each score most, and the flags a planner
must know (estimated or illustrative figures, a fragile rank, land that runs short).
:func:`search_labels` names every village for a search box, :func:`view_for` gives the map
centre and zoom that show a village whole.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from .display import crop_names, layer_names
from .farming import BALANCE_COLUMNS
from .i18n import t
from .mcda import load_default_criteria
from .pipeline import AnalysisResult
from .wilayah import admin_units

__all__ = [
    "ProductLine",
    "VillageProfile",
    "admin_choices",
    "search_labels",
    "view_for",
    "village_profile",
]


@dataclass(frozen=True)
class ProductLine:
    """One product in a village: its score and rank, and why it scores so."""

    product: str
    score: float | None
    rank: int | None
    villages_ranked: int
    businesses: int | None
    candidate: bool
    allocated: bool
    meets_pp29_2018: bool | None
    fragile: bool
    top_criteria: tuple[str, ...]  # names of the criteria adding most to the score


@dataclass(frozen=True)
class VillageProfile:
    """What the app shows for one village: facts, firms, land balance, products and flags."""

    code: str
    name: str
    kecamatan: str | None
    area_ha: float | None
    households: float | None
    firms: tuple[tuple[str, int], ...]  # (product, business units), most first, zeros left out
    balance: tuple[tuple[str, float], ...]  # (column of BALANCE_COLUMNS, ha)
    products: tuple[ProductLine, ...]  # best score first
    ovop_product: str | None
    flags: tuple[str, ...]  # texts in the profile's language


def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _top_criteria(candidate: pd.Series, lang: str, n: int = 3) -> tuple[str, ...]:
    """The criteria that gave a candidate most of its score points, largest first.

    The points are the ``points_*`` columns of the sentra decision.
    """
    points = {
        c.removeprefix("points_"): float(v)
        for c, v in candidate.items()
        if str(c).startswith("points_") and pd.notna(v) and float(v) > 0
    }
    best = sorted(points, key=lambda c: -points[c])[:n]
    table = load_default_criteria()
    names = table[f"name_{lang}"] if f"name_{lang}" in table.columns else pd.Series(dtype=str)
    return tuple(str(names.get(c, c)) for c in best)


def village_profile(
    result: AnalysisResult, code: str, lang: str = "id", *, max_products: int = 5
) -> VillageProfile:
    """The profile of village ``code`` in ``result`` (texts in ``lang``).

    Raises ``KeyError`` when ``code`` is not a village of the result.
    """
    villages = result.villages
    village = villages.loc[code]
    businesses = result.region.businesses
    firms: list[tuple[str, int]] = []
    if businesses is not None and code in businesses.index:
        counts = businesses.loc[code]
        firms = sorted(
            ((str(p), int(v)) for p, v in counts.items() if pd.notna(v) and v > 0),
            key=lambda x: (-x[1], x[0]),
        )
    balance: list[tuple[str, float]] = []
    if result.land_balance is not None and code in result.land_balance.index:
        row = result.land_balance.loc[code]
        balance = [
            (c, float(row[c])) for c in BALANCE_COLUMNS if c in row.index and pd.notna(row[c])
        ]
    # The village's product: the distinct-products assignment when it was asked for, else the
    # sentra decision's recommendation.
    allocated = None
    if result.allocation is not None and code in result.allocation.index:
        value = result.allocation.loc[code, "product"]
        allocated = value if isinstance(value, str) else None
    elif result.recommendation is not None and code in result.recommendation.index:
        value = result.recommendation.loc[code, "product"]
        allocated = value if isinstance(value, str) else None

    lines: list[ProductLine] = []
    cands = result.candidates
    if cands is not None and code in cands.index.get_level_values("village_code"):
        ranked = cands.groupby(level="product")["rank"].count()
        mine = cands.xs(code, level="village_code")
        order = mine.sort_values(["score"], ascending=False, na_position="last").index
        for product in list(order)[:max_products]:
            row = mine.loc[product]
            score, rank = _num(row.get("score")), _num(row.get("rank"))
            value = row.get("meets_pp29_2018")
            meets = None if value is None or pd.isna(value) else bool(value)
            fragile = row.get("fragile")
            lines.append(
                ProductLine(
                    product=str(product),
                    score=score,
                    rank=None if rank is None else int(rank),
                    villages_ranked=int(ranked.get(product, 0)),
                    businesses=dict(firms).get(str(product), 0 if businesses is not None else None),
                    candidate=True,  # a candidate: the village makes it (at least one firm)
                    allocated=product == allocated,
                    meets_pp29_2018=meets,
                    fragile=bool(fragile) if fragile is not None and pd.notna(fragile) else False,
                    top_criteria=() if score is None else _top_criteria(row, lang),
                )
            )

    flags: list[str] = []
    if bool(village.get("production_estimated", False)) is True:
        flags.append(t("profile_flag_estimated", lang))
    layers = result.prepared.illustrative_layers
    if layers:
        flags.append(
            t(
                "profile_flag_illustrative",
                lang,
                layers=layer_names(layers, lang),
            )
        )
    if businesses is None or code not in businesses.index:
        flags.append(t("profile_flag_no_businesses", lang))
    if result.land is not None and code in result.land.index.get_level_values(0):
        land = result.land.xs(code, level="village_code")
        crops = crop_names(result.region.tables.get("crops"), lang)
        for crop, year in land["year_land_short"].dropna().items():
            flags.append(
                t("profile_flag_land_short", lang, crop=crops.get(crop, crop), year=int(year))
            )
    if any(line.fragile for line in lines):
        flags.append(t("profile_flag_fragile", lang))

    households = _num(village.get("households"))
    kecamatan = village.get("group")
    return VillageProfile(
        code=str(code),
        name=str(village.get("village_name", code)),
        kecamatan=kecamatan if isinstance(kecamatan, str) else None,
        area_ha=_num(village.get("area_ha")),
        households=households,
        firms=tuple(firms),
        balance=tuple(balance),
        products=tuple(lines),
        ovop_product=allocated,
        flags=tuple(flags),
    )


def search_labels(villages: pd.DataFrame) -> dict[str, str]:
    """Village code -> "Name (code) · kecamatan", in name order, for a search box."""
    names = villages["village_name"].astype(str)
    groups = villages["group"] if "group" in villages.columns else pd.Series(index=villages.index)
    order = names.sort_values(key=lambda s: s.str.casefold()).index
    return {
        str(c): f"{names[c]} ({c})" + (f" · {groups[c]}" if isinstance(groups[c], str) else "")
        for c in order
    }


def admin_choices(
    villages: pd.DataFrame, kabupaten: str | None = None
) -> tuple[dict[str, str], dict[str, str], pd.Series]:
    """Kabupaten and kecamatan to filter the map by, and which villages each keeps.

    Returns ``(kabupaten, kecamatan, units)``: code -> "Name (code)" for every kabupaten, and
    for every kecamatan (of ``kabupaten`` when given), in name order; ``units`` is
    :func:`ovop_geo.wilayah.admin_units` of the villages.
    """
    units = admin_units(villages)

    def labels(frame: pd.DataFrame, level: str) -> dict[str, str]:
        pairs = frame[[f"{level}_code", f"{level}_name"]].dropna(subset=[f"{level}_code"])
        pairs = pairs.drop_duplicates(f"{level}_code")
        out = {
            str(c): (f"{n} ({c})" if isinstance(n, str) else str(c))
            for c, n in zip(pairs[f"{level}_code"], pairs[f"{level}_name"], strict=True)
        }
        return dict(sorted(out.items(), key=lambda kv: kv[1].casefold()))

    kab = labels(units, "kabupaten")
    inside = units if not kabupaten else units[units["kabupaten_code"] == kabupaten]
    return kab, labels(inside, "kecamatan"), units


def _mercator_y(lat: float) -> float:
    phi = math.radians(max(min(lat, 85.0), -85.0))
    return math.log(math.tan(math.pi / 4 + phi / 2))


def view_for(
    geometry: gpd.GeoSeries, *, width_px: int = 800, height_px: int = 600, max_zoom: int = 16
) -> tuple[tuple[float, float], int]:
    """Centre (lat, lon) and the largest Web Mercator zoom at which ``geometry`` fits.

    ``geometry`` (EPSG:4326) fits ``width_px`` x ``height_px`` at that zoom.

    At zoom z the world is 256 * 2**z pixels wide: a box of ``dlon`` degrees fits ``W`` pixels
    when z <= log2(W * 360 / (256 * dlon)); in y, with Mercator ordinates y in radians,
    z <= log2(H * 2 * pi / (256 * dy)).
    """
    xmin, ymin, xmax, ymax = (float(v) for v in geometry.to_crs(4326).total_bounds)
    centre = ((ymin + ymax) / 2, (xmin + xmax) / 2)
    zooms = [max_zoom]
    if xmax > xmin:
        zooms.append(math.log2(width_px * 360.0 / (256.0 * (xmax - xmin))))
    dy = _mercator_y(ymax) - _mercator_y(ymin)
    if dy > 0:
        zooms.append(math.log2(height_px * 2 * math.pi / (256.0 * dy)))
    return centre, max(math.floor(min(zooms)), 1)
