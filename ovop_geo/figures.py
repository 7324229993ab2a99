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

__all__ = ["bar_picture", "house_of_quality_picture", "stacked_bar_picture"]

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


def _plain(text: object) -> str:
    """Text for a matplotlib label: ``$`` stays a dollar sign (no mathtext from data)."""
    return str(text).replace("$", r"\$")


def _save(fig, fmt: str, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(
        buf,
        format=fmt,
        dpi=dpi,
        bbox_inches="tight",
        metadata={"Software": None} if fmt == "png" else None,
    )
    return buf.getvalue()


# Fill and hatch of the parts of a stacked bar: they differ in black and white too.
_PART_STYLES = (("#1b7837", ""), ("#a6dba0", "////"), ("#f0f0f0", "...."), ("#d6604d", "xxxx"))


def stacked_bar_picture(
    parts: Mapping[str, float],
    *,
    title: str,
    unit: str,
    lang: str = DEFAULT_LANG,
    note: str = "",
    fmt: str = "png",
    dpi: int = 170,
    size_in: tuple[float, float] = (6.8, 1.2),
) -> bytes:
    """One horizontal bar split into labelled parts (the land balance of a village).

    ``parts``: label -> value in ``unit``, in drawing order; each part is labelled with its value
    in the language's number format and its share of the total.
    """
    if fmt not in _FORMATS:
        raise ParameterError(f"picture format must be one of {', '.join(_FORMATS)}, not {fmt!r}")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    values = {
        k: (0.0 if v is None or not np.isfinite(v) else max(float(v), 0.0))
        for k, v in parts.items()
    }
    total = sum(values.values())
    fig = Figure(figsize=size_in)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.5, 0.96, 0.32))
    left = 0.0
    handles = []
    for i, (label, value) in enumerate(values.items()):
        colour, hatch = _PART_STYLES[i % len(_PART_STYLES)]
        bar = ax.barh(
            0, value, left=left, color=colour, hatch=hatch, edgecolor="#333333", linewidth=0.6
        )
        share = value / total if total > 0 else 0.0
        text = (
            f"{_plain(label)}: {fmt_number(value, lang, unit, decimals=0)} "
            f"({fmt_number(100 * share, lang, '%', decimals=0)})"
        )
        handles.append((bar, text))
        left += value
    ax.set_xlim(0, total if total > 0 else 1)
    ax.set_yticks([])
    ax.set_xticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title(_plain(title), fontsize=9, loc="left")
    fig.legend(
        [h for h, _ in handles],
        [x for _, x in handles],
        loc="upper left",
        bbox_to_anchor=(0.01, 0.49),
        ncol=2,
        fontsize=7,
        frameon=False,
        borderaxespad=0.2,
    )
    if note:
        fig.text(0.98, 0.83, _plain(note), fontsize=6.5, color="#555555", ha="right", va="bottom")
    return _save(fig, fmt, dpi)


def bar_picture(
    values: Mapping[str, float],
    *,
    title: str,
    lang: str = DEFAULT_LANG,
    threshold: float | None = None,
    threshold_label: str = "",
    highlight: str | None = None,
    fmt: str = "png",
    dpi: int = 170,
    size_in: tuple[float, float] = (4.2, 2.4),
) -> bytes:
    """Horizontal bars of counts by label (firms by product), an optional threshold line.

    ``highlight`` (a label) is drawn dark with a hatch, the others light grey, so the chart
    reads in black and white.
    """
    if fmt not in _FORMATS:
        raise ParameterError(f"picture format must be one of {', '.join(_FORMATS)}, not {fmt!r}")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels = list(values)
    numbers = [float(values[k]) for k in labels]
    height = max(size_in[1], 0.75 + 0.17 * len(labels))
    fig = Figure(figsize=(size_in[0], height))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    y = np.arange(len(labels))[::-1]
    colours = ["#444444" if k == highlight else "#bdbdbd" for k in labels]
    hatches = ["////" if k == highlight else "" for k in labels]
    for yi, n, c, h in zip(y, numbers, colours, hatches, strict=True):
        ax.barh(yi, n, color=c, hatch=h, edgecolor="#222222", linewidth=0.5)
        ax.text(n, yi, " " + fmt_number(n, lang, decimals=0), va="center", fontsize=7)
    ax.set_yticks(y)
    ax.set_yticklabels([_plain(k) for k in labels], fontsize=7)
    top = max([*numbers, threshold or 0, 1])
    ax.set_xlim(0, top * 1.18)
    ax.tick_params(axis="x", labelsize=7)
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle=(0, (4, 2)), linewidth=1)
        ax.text(
            threshold, len(labels) - 0.4, " " + _plain(threshold_label), fontsize=6.5, va="bottom"
        )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(_plain(title), fontsize=9, loc="left")
    return _save(fig, fmt, dpi)
