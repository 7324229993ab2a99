"""Static pictures (matplotlib) for files and printed reports.

The app draws its charts with Vega-Lite (:mod:`ovop_geo.charts`); a printed page or a file on disk
needs a picture instead. Functions here take plain data (no geometry, so no CRS applies), build a
:class:`matplotlib.figure.Figure` without pyplot (no global state, no display needed) and return
the picture as bytes, for :func:`ovop_geo.export.write_outputs` or a report layout.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import numpy as np

from .errors import ParameterError
from .i18n import DEFAULT_LANG, fmt_number, t

__all__ = ["house_of_quality_picture"]

# The same colours as the app's chart (ovop_geo.charts): strengths 0, 1, 3, 9.
_STRENGTH_COLOURS = {0: "#ffffff", 1: "#c6dbef", 3: "#6baed6", 9: "#08306b"}
_FORMATS = ("png", "svg", "pdf")


def _orange(shade: float) -> tuple[float, float, float]:
    """Light (0) to dark orange (1), as in the app's chart."""
    lo, hi = np.array([255, 245, 235]) / 255, np.array([217, 72, 1]) / 255
    return tuple(lo + (hi - lo) * float(np.clip(shade, 0, 1)))


def house_of_quality_picture(
    section: Mapping, *, lang: str = DEFAULT_LANG, fmt: str = "png", dpi: int = 150
) -> bytes:
    """The house of quality of :func:`ovop_geo.qfd.report_section` as a picture.

    Parameters
    ----------
    section : Mapping
        ``report_section(house, plan, lang)``.
    lang : {"id", "en"}
        Language of the titles and numbers (decimal comma in Bahasa Indonesia).
    fmt : {"png", "svg", "pdf"}
    dpi : int
        Resolution of a PNG.

    Returns
    -------
    bytes
        Needs (rows, with importance) × dimensions (columns, sorted by priority) with the 9/3/1
        strengths, then rows of technical weight (%), readiness (0-1) and priority (%); a
        footnote names the assumptions.
    """
    if fmt not in _FORMATS:
        raise ParameterError(f"picture format must be one of {', '.join(_FORMATS)}, not {fmt!r}")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    needs = [f"{n['label']} ({n['importance']})" for n in section["needs"]]
    dims = [d["label"] for d in section["dimensions"]]
    matrix = np.asarray(section["matrix"], dtype=int).reshape(len(needs), len(dims))
    table = section["dimension_table"]
    rows = [
        (
            t("qfd_row_weight", lang),
            [d["technical_weight"] for d in table],
            [fmt_number(100 * d["technical_weight"], lang, decimals=1) for d in table],
            False,
        ),
        (
            t("qfd_row_readiness", lang),
            [d["readiness"] for d in table],
            [fmt_number(d["readiness"], lang, decimals=2) for d in table],
            True,
        ),
        (
            t("qfd_row_priority", lang),
            [d["priority_share"] for d in table],
            [fmt_number(100 * d["priority_share"], lang, decimals=1) for d in table],
            False,
        ),
    ]
    n_rows, n_cols = len(needs) + len(rows) + 0.4, len(dims)
    cell = 0.42  # inches
    width = 3.6 + n_cols * cell
    height = 3.2 + n_rows * cell * 0.75
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    ax = fig.add_axes(
        (3.4 / width, 0.8 / height, n_cols * cell / width, n_rows * cell * 0.75 / height)
    )
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)
    for i in range(len(needs)):
        for j in range(n_cols):
            v = int(matrix[i, j])
            ax.add_patch(
                Rectangle(
                    (j, i),
                    1,
                    1,
                    facecolor=_STRENGTH_COLOURS.get(v, "#ffffff"),
                    edgecolor="#bdbdbd",
                    linewidth=0.5,
                )
            )
            if v:
                ax.text(
                    j + 0.5,
                    i + 0.5,
                    str(v),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if v == 9 else "black",
                )
    y0 = len(needs) + 0.4
    for k, (_label, values, texts, reverse) in enumerate(rows):
        known = [v for v in values if v is not None]
        top = max(known) if known and max(known) > 0 else 1.0
        for j, (v, text) in enumerate(zip(values, texts, strict=True)):
            shade = 0.0 if v is None else (1.0 - v if reverse else v / top)
            ax.add_patch(
                Rectangle(
                    (j, y0 + k), 1, 1, facecolor=_orange(shade), edgecolor="#bdbdbd", linewidth=0.5
                )
            )
            ax.text(
                j + 0.5,
                y0 + k + 0.5,
                text,
                ha="center",
                va="center",
                fontsize=6.5,
                color="white" if shade > 0.6 else "black",
            )
    ax.set_yticks([i + 0.5 for i in range(len(needs))] + [y0 + k + 0.5 for k in range(3)])
    ax.set_yticklabels(needs + [r[0] for r in rows], fontsize=7.5)
    ax.xaxis.tick_top()
    ax.set_xticks([j + 0.5 for j in range(n_cols)])
    ax.set_xticklabels(dims, rotation=55, ha="left", fontsize=7.5)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    fig.suptitle(
        t("qfd_chart_title", lang, product=section["product"]),
        x=0.01,
        ha="left",
        fontsize=11,
        y=0.995,
    )
    notes = [
        t("qfd_need", lang)
        + " ("
        + t("qfd_importance", lang)
        + ") · "
        + t("qfd_strength", lang)
        + ": 9 / 3 / 1"
    ]
    defaults = section.get("assumptions", {}).get("default_tables", [])
    if defaults:
        notes.append(t("qfd_assumption_note", lang, tables=", ".join(defaults)))
    level = section.get("readiness_level")
    if level in ("region", "product", "none"):
        notes.append(
            t(f"qfd_readiness_{level}", lang, product=section["product"])
            if level != "none"
            else t("qfd_readiness_none", lang)
        )
    fig.text(0.01, 0.01, "\n".join(notes), fontsize=6.5, ha="left", va="bottom", wrap=True)
    buf = io.BytesIO()
    fig.savefig(
        buf,
        format=fmt,
        dpi=dpi,
        bbox_inches="tight",
        metadata={"Software": None} if fmt == "png" else None,
    )
    return buf.getvalue()
