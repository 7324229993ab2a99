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
    "house_of_quality_chart",
    "land_balance_chart",
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
    flags = (
        land["estimated"].fillna(False).to_numpy(dtype=bool)
        if "estimated" in land.columns
        else np.zeros(len(land), dtype=bool)
    )
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
            x=alt.X(
                "criterion:N",
                sort=order,
                title=t("criterion", lang),
                axis=alt.Axis(labelAngle=-30, labelLimit=180),
            ),
            y=alt.Y("value:Q", title=t("normalised_value", lang), scale=alt.Scale(domain=[0, 1])),
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
                scale=alt.Scale(
                    domain=[names[c] for c in columns], range=[colour for _, colour in LAND_PARTS]
                ),
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
_NEED_PX = 22  # width of a need's column
_ROW_PX = 21  # height of a dimension's row
_FIGURE_PX = 34  # width of a weight / readiness / priority column
_LABEL_PX = 200  # longest dimension label (longer ones end in "…"; the tooltip has them whole)


def _hoq_dimension_label(d: Mapping) -> str:
    rank = d["priority_rank"]
    return f"{rank}. {d['label']}" if rank is not None else f"–  {d['label']}"


def _hoq_figures(section: Mapping, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """The house's figures per dimension: technical weight, readiness and priority."""
    rows = []
    for d in section["dimension_table"]:
        for key, value, text in (
            (
                "qfd_row_weight",
                d["technical_weight"],
                fmt_number(100 * d["technical_weight"], lang, decimals=1),
            ),
            (
                "qfd_row_readiness",
                d["readiness"],
                "–" if d["readiness"] is None else fmt_number(d["readiness"], lang, decimals=2),
            ),
            (
                "qfd_row_priority",
                d["priority_share"],
                fmt_number(100 * d["priority_share"], lang, decimals=1),
            ),
        ):
            rows.append(
                {
                    "dimension": labels[d["dimension"]],
                    "figure": t(key, lang),
                    "key": key,
                    "value": np.nan if value is None else float(value),
                    "text": text,
                }
            )
    frame = pd.DataFrame(rows)
    # Shade each figure by its own range; readiness the other way round (low readiness = dark).
    top = frame.groupby("key")["value"].transform("max").replace(0, np.nan)
    frame["shade"] = (frame["value"] / top).fillna(0.0)
    readiness = frame["key"] == "qfd_row_readiness"
    frame.loc[readiness, "shade"] = 1.0 - frame.loc[readiness, "value"].fillna(0.0)
    return frame


def house_of_quality_chart(section: Mapping, *, lang: str = DEFAULT_LANG) -> alt.HConcatChart:
    """The house of quality as a matrix a planner reads at a glance, rotated to stand upright.

    The printed picture (:func:`ovop_geo.figures.house_of_quality_picture`) has the classic
    layout (needs as rows); on screen the house is turned so that it fits beside the plan: one
    row per technical dimension, first priority on top, and one column per buyer need.

    Parameters
    ----------
    section : Mapping
        :func:`ovop_geo.qfd.report_section` in ``lang``: needs, dimensions (sorted by priority),
        the 0/1/3/9 matrix (needs × dimensions) and the dimension table.
    lang : {"id", "en"}

    Returns
    -------
    altair.HConcatChart
        Left, dimensions (rows, labelled with their priority rank) × buyer needs (columns,
        labelled with their importance) with the strength in each cell (blank = none); right,
        each dimension's technical weight (%), readiness (0-1) and priority (%), darker = more
        urgent. Tooltips give the full labels.
    """
    needs = [f"({n['importance']}) {n['label']}" for n in section["needs"]]  # kept if cut
    labels = {d["dimension"]: _hoq_dimension_label(d) for d in section["dimension_table"]}
    dims = [labels[d["dimension"]] for d in section["dimensions"]]
    cells = pd.DataFrame(
        [
            {
                "need": needs[i],
                "dimension": dims[j],
                "strength": int(v),
                "text": str(int(v)) if v else "",
            }
            for i, row in enumerate(section["matrix"])
            for j, v in enumerate(row)
        ],
        columns=["need", "dimension", "strength", "text"],
    )
    y = alt.Y(
        "dimension:N",
        sort=dims,
        title=None,
        axis=alt.Axis(labelLimit=_LABEL_PX, labelOverlap=False),
    )
    x = alt.X(
        "need:N",
        sort=needs,
        title=None,  # the caption above the chart explains them
        axis=alt.Axis(orient="top", labelAngle=-90, labelLimit=210, labelOverlap=False),
    )
    base = alt.Chart(cells)
    matrix = base.mark_rect(stroke="#bdbdbd", strokeWidth=0.5).encode(
        x=x,
        y=y,
        color=alt.Color(
            "strength:O",
            title=t("qfd_strength", lang),
            scale=alt.Scale(domain=[0, 1, 3, 9], range=list(_STRENGTH_COLOURS)),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("dimension:N", title=t("dimension", lang)),
            alt.Tooltip("need:N", title=t("qfd_need", lang)),
            alt.Tooltip("strength:O", title=t("qfd_strength", lang)),
        ],
    )
    text = base.mark_text(fontSize=9).encode(
        x=alt.X("need:N", sort=needs),
        y=alt.Y("dimension:N", sort=dims),
        text="text:N",
        color=alt.condition(alt.datum.strength == 9, alt.value("white"), alt.value("black")),
    )
    house = (matrix + text).properties(width=alt.Step(_NEED_PX), height=alt.Step(_ROW_PX))
    figures = _hoq_figures(section, labels, lang)
    order = [t(k, lang) for k in ("qfd_row_weight", "qfd_row_readiness", "qfd_row_priority")]
    strip = alt.Chart(figures)
    fx = alt.X(
        "figure:N",
        sort=order,
        title=None,
        axis=alt.Axis(orient="top", labelAngle=-90, labelLimit=180, labelOverlap=False),
    )
    fy = alt.Y("dimension:N", sort=dims, title=None, axis=None)
    shades = strip.mark_rect(stroke="#bdbdbd", strokeWidth=0.5).encode(
        x=fx,
        y=fy,
        color=alt.Color(
            "shade:Q", scale=alt.Scale(domain=[0, 1], range=["#fff5eb", "#d94801"]), legend=None
        ),
        tooltip=[
            alt.Tooltip("dimension:N", title=t("dimension", lang)),
            alt.Tooltip("figure:N", title=t("qfd_value", lang)),
            alt.Tooltip("text:N", title=" "),
        ],
    )
    numbers = strip.mark_text(fontSize=9).encode(
        x=alt.X("figure:N", sort=order),
        y=alt.Y("dimension:N", sort=dims),
        text="text:N",
        color=alt.condition(alt.datum.shade > 0.6, alt.value("white"), alt.value("black")),
    )
    side = (shades + numbers).properties(width=alt.Step(_FIGURE_PX), height=alt.Step(_ROW_PX))
    return alt.hconcat(
        house, side, spacing=4, title=t("qfd_chart_title", lang, product=section["product"])
    ).resolve_scale(color="independent", y="shared")
