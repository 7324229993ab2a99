"""Chart specifications (Altair / Vega-Lite) for comparing villages.

Vega-Lite charts are drawn by the app's own bundled renderer, so they need no internet
connection. Every function takes plain tables (no geometry, so no CRS applies), returns an
``altair.Chart`` with translated titles and labels, and never modifies its inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from ovop_geo.errors import ParameterError
from ovop_geo.i18n import DEFAULT_LANG, fmt_number, t

__all__ = [
    "businesses_chart",
    "criteria_profile_chart",
    "land_balance_chart",
    "house_of_quality_chart",
    "production_chart",
]

_HEIGHT_PX = 260

#: Parts of the land balance, bottom to top of the stacked bar, with their colours.
LAND_PARTS = (
    ("land_used_ha", "#8c6d31"),
    ("land_unused_ha", "#74c476"),
    ("land_unsuitable_ha", "#bdbdbd"),
)


def _names(codes: pd.Index | Sequence[str], names: Mapping[str, str]) -> list[str]:
    return [str(names.get(c, c)) for c in codes]


def _check(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(f"{what}: columns not found: {', '.join(missing)}.")


def production_chart(
    land: pd.DataFrame,
    village_names: Mapping[str, str],
    *,
    lang: str = DEFAULT_LANG,
) -> alt.Chart:
    """Grouped bars: raw-material production (t/yr) per village and crop.

    Parameters
    ----------
    land : pandas.DataFrame
        Indexed by (``village_code``, ``crop_id``) with ``production_t`` (t per year) and
        optionally ``estimated`` (bool); only the villages to show.
    village_names : Mapping
        Village code -> name for the axis.
    lang : {"id", "en"}
        Language of titles.

    Returns
    -------
    altair.Chart
        Estimated figures are drawn hatched-lighter (opacity 0.6) and named in the tooltip.
    """
    _check(land, ["production_t"], "production chart")
    data = land.reset_index()[["village_code", "crop_id", "production_t"]].copy()
    data["village"] = _names(data["village_code"], village_names)
    flags = (land["estimated"].fillna(False).to_numpy(dtype=bool) if "estimated" in land.columns
             else np.zeros(len(land), dtype=bool))
    data["estimated"] = np.where(flags, t("estimated", lang), "")
    return (
        alt.Chart(data, title=t("chart_production", lang), height=_HEIGHT_PX)
        .mark_bar()
        .encode(
            x=alt.X("village:N", title=t("village", lang)),
            xOffset=alt.XOffset("crop_id:N"),
            y=alt.Y("production_t:Q", title=t("production_t", lang)),
            color=alt.Color("crop_id:N", title=t("crop", lang)),
            opacity=alt.condition(alt.datum.estimated != "", alt.value(0.6), alt.value(1.0)),
            tooltip=[
                alt.Tooltip("village:N", title=t("village", lang)),
                alt.Tooltip("crop_id:N", title=t("crop", lang)),
                alt.Tooltip("production_t:Q", title=t("production_t", lang), format=",.1f"),
                alt.Tooltip("estimated:N", title=t("estimated", lang)),
            ],
        )
    )


def businesses_chart(
    businesses: pd.DataFrame,
    village_names: Mapping[str, str],
    *,
    lang: str = DEFAULT_LANG,
) -> alt.Chart:
    """Grouped bars: business units per village and product.

    Parameters
    ----------
    businesses : pandas.DataFrame
        Indexed by ``village_code``, one count column per product; only the villages to show.
    village_names : Mapping
        Village code -> name.
    lang : {"id", "en"}

    Returns
    -------
    altair.Chart
    """
    data = businesses.copy()
    data.index = pd.Index(_names(data.index, village_names), name="village")
    data.columns = data.columns.astype(str)
    tidy = data.reset_index().melt(id_vars="village", var_name="product", value_name="units")
    return (
        alt.Chart(tidy, title=t("chart_businesses", lang), height=_HEIGHT_PX)
        .mark_bar()
        .encode(
            x=alt.X("product:N", title=t("product", lang)),
            xOffset=alt.XOffset("village:N"),
            y=alt.Y("units:Q", title=t("businesses", lang)),
            color=alt.Color("village:N", title=t("village", lang)),
            tooltip=[
                alt.Tooltip("village:N", title=t("village", lang)),
                alt.Tooltip("product:N", title=t("product", lang)),
                alt.Tooltip("units:Q", title=t("businesses", lang)),
            ],
        )
    )


def criteria_profile_chart(
    normalised: pd.DataFrame,
    village_names: Mapping[str, str],
    criterion_names: Mapping[str, str],
    *,
    product: str,
    lang: str = DEFAULT_LANG,
) -> alt.Chart:
    """Lines with points: each village's normalised criteria (0-1) for one product.

    Parameters
    ----------
    normalised : pandas.DataFrame
        Indexed by ``village_code``, one column per criterion id with values in 0-1 (NaN =
        unknown, left out of the line).
    village_names, criterion_names : Mapping
        Village code -> name; criterion id -> translated name (axis order follows the columns).
    product : str
        Shown in the title.
    lang : {"id", "en"}

    Returns
    -------
    altair.Chart
    """
    data = normalised.copy()
    order = [str(criterion_names.get(c, c)) for c in data.columns]
    data.columns = order
    data.index = pd.Index(_names(data.index, village_names), name="village")
    tidy = data.reset_index().melt(id_vars="village", var_name="criterion", value_name="value")
    tidy = tidy.dropna(subset=["value"])
    return (
        alt.Chart(tidy, title=t("chart_profile", lang, product=product), height=_HEIGHT_PX + 40)
        .mark_line(point=True)
        .encode(
            x=alt.X("criterion:N", sort=order, title=t("criterion", lang),
                    axis=alt.Axis(labelAngle=-30, labelLimit=180)),
            y=alt.Y("value:Q", title=t("normalised_value", lang),
                    scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("village:N", title=t("village", lang)),
            tooltip=[
                alt.Tooltip("village:N", title=t("village", lang)),
                alt.Tooltip("criterion:N", title=t("criterion", lang)),
                alt.Tooltip("value:Q", title=t("normalised_value", lang), format=".2f"),
            ],
        )
    )


def land_balance_chart(
    balance: pd.DataFrame,
    village_names: Mapping[str, str],
    *,
    lang: str = DEFAULT_LANG,
) -> alt.Chart:
    """Stacked bars: each village's area as land in use, unused suitable land and the rest.

    Parameters
    ----------
    balance : pandas.DataFrame
        Indexed by ``village_code`` with ``land_used_ha``, ``land_unused_ha`` and
        ``land_unsuitable_ha`` (ha; the output of :func:`ovop_geo.farming.land_balance`), and
        optionally ``estimated`` and ``illustrative`` (bool).
    village_names : Mapping
        Village code -> name for the axis.
    lang : {"id", "en"}
        Language of titles and part names.

    Returns
    -------
    altair.Chart
        One bar per village, the three parts stacked in a fixed order and colour; the tooltip
        gives each part in ha and says when the figures are estimated or illustrative.
    """
    columns = [c for c, _ in LAND_PARTS]
    _check(balance, columns, "land balance chart")
    names = {c: t(c, lang) for c in columns}
    data = balance[columns].copy()
    data.index = pd.Index(_names(data.index, village_names), name="village")
    tidy = data.reset_index().melt(id_vars="village", var_name="part", value_name="area_ha")
    tidy["order"] = tidy["part"].map({c: i for i, c in enumerate(columns)})
    tidy["part"] = tidy["part"].map(names)
    flags = [
        t(flag if flag == "estimated" else "illustrative_data", lang)
        for flag in ("estimated", "illustrative")
        if flag in balance.columns and bool(balance[flag].fillna(False).any())
    ]
    tidy["note"] = ", ".join(flags)
    return (
        alt.Chart(tidy, title=t("chart_land_balance", lang), height=_HEIGHT_PX)
        .mark_bar()
        .encode(
            x=alt.X("village:N", title=t("village", lang)),
            y=alt.Y("area_ha:Q", stack="zero", title=t("area_ha_axis", lang)),
            color=alt.Color(
                "part:N",
                title=t("land_part", lang),
                sort=[names[c] for c in columns],
                scale=alt.Scale(domain=[names[c] for c in columns],
                                range=[colour for _, colour in LAND_PARTS]),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("village:N", title=t("village", lang)),
                alt.Tooltip("part:N", title=t("land_part", lang)),
                alt.Tooltip("area_ha:Q", title=t("area_ha_axis", lang), format=",.1f"),
                alt.Tooltip("note:N", title=t("note", lang)),
            ],
        )
    )


#: Colours of the relationship strengths 0, 1, 3, 9 (white to dark blue; readable in grey).
_STRENGTH_COLOURS = ("#ffffff", "#c6dbef", "#6baed6", "#08306b")
_CELL_PX = 34


def _hoq_rows(section: Mapping, lang: str) -> pd.DataFrame:
    """Bottom rows of the house: technical weight, readiness, priority, per dimension."""
    rows = []
    for d in section["dimension_table"]:
        for key, value, text in (
            ("qfd_row_weight", d["technical_weight"],
             fmt_number(100 * d["technical_weight"], lang, decimals=1)),
            ("qfd_row_readiness", d["readiness"],
             fmt_number(d["readiness"], lang, decimals=2)),
            ("qfd_row_priority", d["priority_share"],
             fmt_number(100 * d["priority_share"], lang, decimals=1)),
        ):
            rows.append({"dimension": d["label"], "row": t(key, lang), "key": key,
                         "value": np.nan if value is None else float(value), "text": text})
    frame = pd.DataFrame(rows)
    # Shade each row by its own range; readiness the other way round (low readiness = dark).
    top = frame.groupby("key")["value"].transform("max").replace(0, np.nan)
    frame["shade"] = (frame["value"] / top).fillna(0.0)
    readiness = frame["key"] == "qfd_row_readiness"
    frame.loc[readiness, "shade"] = 1.0 - frame.loc[readiness, "value"].fillna(0.0)
    return frame


def house_of_quality_chart(section: Mapping, *, lang: str = DEFAULT_LANG) -> alt.VConcatChart:
    """The house of quality as a matrix a planner reads at a glance.

    Parameters
    ----------
    section : Mapping
        :func:`ovop_geo.qfd.report_section` in ``lang``: needs (rows), dimensions (columns,
        sorted by priority), the 0/1/3/9 matrix and the dimension table.
    lang : {"id", "en"}

    Returns
    -------
    altair.VConcatChart
        On top, needs × dimensions with the strength in each cell (blank = no relationship) and
        the buyer importance in the row label; below, one row each for the technical weight (%),
        the readiness (0-1) and the priority (%) of every dimension, darker = more urgent.
    """
    needs = [f"{n['label']} ({n['importance']})" for n in section["needs"]]
    dims = [d["label"] for d in section["dimensions"]]
    cells = pd.DataFrame(
        [{"need": needs[i], "dimension": dims[j], "strength": int(v),
          "text": str(int(v)) if v else ""}
         for i, row in enumerate(section["matrix"]) for j, v in enumerate(row)]
    )
    x = alt.X("dimension:N", sort=dims, title=None,
              axis=alt.Axis(orient="top", labelAngle=-50, labelLimit=230))
    base = alt.Chart(cells, title=t("qfd_chart_title", lang, product=section["product"]))
    matrix = base.mark_rect(stroke="#bdbdbd", strokeWidth=0.5).encode(
        x=x,
        y=alt.Y("need:N", sort=needs, title=f"{t('qfd_need', lang)} "
                                             f"({t('qfd_importance', lang)})",
                axis=alt.Axis(labelLimit=320)),
        color=alt.Color("strength:O", title=t("qfd_strength", lang),
                        scale=alt.Scale(domain=[0, 1, 3, 9], range=list(_STRENGTH_COLOURS)),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("need:N", title=t("qfd_need", lang)),
                 alt.Tooltip("dimension:N", title=t("dimension", lang)),
                 alt.Tooltip("strength:O", title=t("qfd_strength", lang))],
    )
    text = base.mark_text(fontSize=11).encode(
        x=alt.X("dimension:N", sort=dims), y=alt.Y("need:N", sort=needs),
        text="text:N",
        color=alt.condition(alt.datum.strength == 9, alt.value("white"), alt.value("black")),
    )
    top = (matrix + text).properties(width=alt.Step(_CELL_PX), height=alt.Step(24))
    rows = _hoq_rows(section, lang)
    order = [t(k, lang) for k in ("qfd_row_weight", "qfd_row_readiness", "qfd_row_priority")]
    strip = alt.Chart(rows)
    cells_b = strip.mark_rect(stroke="#bdbdbd", strokeWidth=0.5).encode(
        x=alt.X("dimension:N", sort=dims, title=None, axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("shade:Q", scale=alt.Scale(domain=[0, 1], range=["#fff5eb", "#d94801"]),
                        legend=None),
        tooltip=[alt.Tooltip("dimension:N", title=t("dimension", lang)),
                 alt.Tooltip("row:N", title=t("qfd_value", lang)),
                 alt.Tooltip("text:N", title=" ")],
    )
    labels = strip.mark_text(fontSize=10).encode(
        x=alt.X("dimension:N", sort=dims), y=alt.Y("row:N", sort=order), text="text:N",
        color=alt.condition(alt.datum.shade > 0.6, alt.value("white"), alt.value("black")),
    )
    bottom = (cells_b + labels).properties(width=alt.Step(_CELL_PX), height=alt.Step(22))
    return alt.vconcat(top, bottom, spacing=4).resolve_scale(color="independent")
