"""Static maps for printed reports (matplotlib, no pyplot, no basemap).

A printed map must read in black and white as well as in colour, so every class has a hatch
pattern besides its colour; it carries a legend, a scale bar, a north arrow, coordinates on its
frame (a graticule), its data sources and the indicative-boundaries notice. Village names are
written on the map with a white halo; when a region has too many villages to name legibly
(:data:`LABEL_LIMIT`) the names are left out and the map says so.

Geometry is drawn in longitude/latitude with the aspect of the map's mean latitude (an
equirectangular view, faithful at village and kecamatan scale); the scale bar uses the same
latitude. Coordinates are written in degrees with the language's decimal mark.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from .i18n import fmt_number, t
from .mapstyle import QUALITATIVE

__all__ = ["LABEL_LIMIT", "MapBase", "category_map", "locator_map", "map_base"]

#: Most villages whose names are written on a map.
LABEL_LIMIT = 60
#: Hatch patterns, one per class in turn, so classes differ without colour.
HATCHES = ("", "////", "....", "xxxx", "\\\\\\\\", "++++", "oooo", "----", "||||", "**")
#: Greys for ordered classes (light to dark), for maps that print in black and white.
_KM_PER_DEG = 111.32
_LABEL_CHARS = 28


@dataclass(frozen=True)
class MapBase:
    """Village shapes ready to draw, computed once per report."""

    villages: gpd.GeoDataFrame = field(repr=False)  # EPSG:4326, index village_code
    names: pd.Series = field(repr=False)
    label_points: pd.Series = field(repr=False)  # village_code -> (x, y)
    bounds: tuple[float, float, float, float]
    lat0: float
    outline: object = field(repr=False, default=None)  # the region's outer boundary


def map_base(villages: gpd.GeoDataFrame, *, simplify_m: float | None = None) -> MapBase:
    """Prepare the villages (EPSG:4326, ``village_name``) for drawing.

    ``simplify_m``: a tolerance in metres for lighter borders (shared edges stay shared).
    """
    frame = villages[["village_name", villages.geometry.name]].to_crs(4326)
    if simplify_m:
        from .simplify import simplify_coverage

        frame = simplify_coverage(frame, tolerance_m=simplify_m)
    points = frame.geometry.representative_point()
    bounds = tuple(float(v) for v in frame.total_bounds)
    lat0 = (bounds[1] + bounds[3]) / 2
    try:
        outline = frame.geometry.union_all()
    except Exception:  # pragma: no cover - union of broken shapes
        outline = None
    return MapBase(
        villages=frame,
        names=frame["village_name"].astype(str),
        label_points=pd.Series([(p.x, p.y) for p in points], index=frame.index),
        bounds=bounds,
        lat0=lat0,
        outline=outline,
    )


# ------------------------------------------------------------------------------ geometry
def _path(geom):
    """A matplotlib Path of a (multi)polygon, holes included."""
    from matplotlib.path import Path

    verts, codes = [], []
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 3:
                continue
            verts.append(xy)
            c = np.full(len(xy), Path.LINETO, dtype=np.uint8)
            c[0], c[-1] = Path.MOVETO, Path.CLOSEPOLY
            codes.append(c)
    if not verts:
        return None
    return Path(np.concatenate(verts), np.concatenate(codes))


def _draw(ax, geoms, *, facecolor, hatch="", edgecolor="#333333", linewidth=0.4, zorder=1):
    from matplotlib.collections import PathCollection

    paths = [p for p in (_path(g) for g in geoms) if p is not None]
    if not paths:
        return
    coll = PathCollection(
        paths,
        facecolor=facecolor,
        edgecolor=edgecolor,
        linewidth=linewidth,
        hatch=hatch or None,
        zorder=zorder,
    )
    ax.add_collection(coll)


# ------------------------------------------------------------------------------ furniture
def _plain(text: str) -> str:
    """Text for a matplotlib label with math parsing on (legend, title): ``$`` kept literal."""
    return str(text).replace("$", r"\$")


def _short(name: str, limit: int = _LABEL_CHARS) -> str:
    name = " ".join(str(name).split())
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _degrees(value: float, axis: str, lang: str) -> str:
    if axis == "x":
        hemi = ("BT" if value >= 0 else "BB") if lang == "id" else ("E" if value >= 0 else "W")
    else:
        hemi = ("LU" if value >= 0 else "LS") if lang == "id" else ("N" if value >= 0 else "S")
    return f"{fmt_number(abs(value), lang, decimals=2)}° {hemi}"


def _nice_length_km(width_km: float) -> float:
    target = max(width_km / 5, 1e-3)
    exp = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * exp <= target:
            return step * exp
    return exp


def _scale_bar(ax, base: MapBase, lang: str) -> None:
    from matplotlib.patches import Rectangle

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    km_per_deg = _KM_PER_DEG * math.cos(math.radians(base.lat0))
    length_km = _nice_length_km((x1 - x0) * km_per_deg)
    length_deg = length_km / km_per_deg
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    h = 0.012 * (y1 - y0)
    for k in range(2):
        ax.add_patch(
            Rectangle(
                (bx + k * length_deg / 2, by),
                length_deg / 2,
                h,
                facecolor="black" if k == 0 else "white",
                edgecolor="black",
                linewidth=0.6,
                zorder=6,
            )
        )
    decimals = 0 if length_km >= 1 else 1
    for x, label in (
        (bx, "0"),
        (bx + length_deg, fmt_number(length_km, lang, "km", decimals=decimals)),
    ):
        ax.text(
            x,
            by + 1.8 * h,
            label,
            ha="center",
            va="bottom",
            fontsize=7,
            zorder=6,
            parse_math=False,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8},
        )


def _north_arrow(ax, lang: str) -> None:
    ax.annotate(
        "",
        xy=(0.95, 0.95),
        xytext=(0.95, 0.86),
        xycoords="axes fraction",
        arrowprops={
            "facecolor": "black",
            "edgecolor": "black",
            "width": 2.5,
            "headwidth": 9,
            "headlength": 9,
        },
        zorder=7,
    )
    ax.text(
        0.95,
        0.84,
        "U" if lang == "id" else "N",
        transform=ax.transAxes,
        ha="center",
        va="top",
        fontsize=10,
        fontweight="bold",
        zorder=7,
        parse_math=False,
    )


def _frame(ax, base: MapBase, lang: str, pad: float = 0.04) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    x0, y0, x1, y1 = base.bounds
    dx, dy = (x1 - x0) or 0.01, (y1 - y0) or 0.01
    ax.set_xlim(x0 - pad * dx, x1 + pad * dx)
    ax.set_ylim(y0 - pad * dy, y1 + pad * dy)
    ax.set_aspect(1 / max(math.cos(math.radians(base.lat0)), 0.1))
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: _degrees(v, "x", lang)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: _degrees(v, "y", lang)))
    ax.tick_params(labelsize=6.5, length=3)
    ax.grid(True, color="#9e9e9e", linewidth=0.3, linestyle=(0, (4, 3)), zorder=0.5)


def _labels(ax, base: MapBase, extra: Mapping[str, str] | None = None) -> bool:
    """Village names with a halo; False when there are too many to write."""
    from matplotlib import patheffects

    if len(base.names) > LABEL_LIMIT:
        return False
    size = 7.5 if len(base.names) <= 15 else 6
    halo = [patheffects.withStroke(linewidth=2.4, foreground="white")]
    for code, (x, y) in base.label_points.items():
        text = _short(base.names[code])
        if extra and code in extra:
            text = f"{text}\n{extra[code]}"
        ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            fontsize=size,
            zorder=8,
            path_effects=halo,
            parse_math=False,
            linespacing=1.1,
        )
    return True


def _notes(fig, lines: Sequence[str]) -> None:
    fig.text(
        0.01,
        0.005,
        "\n".join(lines),
        ha="left",
        va="bottom",
        fontsize=6.3,
        color="#333333",
        parse_math=False,
        wrap=True,
    )


def _png(fig, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def _quiet_glyphs():
    """A missing glyph (a name in a script the font lacks) draws as a box, not a warning."""
    ctx = warnings.catch_warnings()
    ctx.__enter__()
    warnings.filterwarnings("ignore", message=r"Glyph .* missing from", category=UserWarning)
    warnings.filterwarnings(
        "ignore", message=r"Matplotlib currently does not support", category=UserWarning
    )
    return ctx


# ---------------------------------------------------------------------------------- maps
def category_map(
    base: MapBase,
    classes: pd.Series,
    *,
    order: Sequence[str],
    title: str,
    legend_title: str,
    lang: str,
    notes: Sequence[str] = (),
    colours: Mapping[str, str] | None = None,
    hatches: Mapping[str, str] | None = None,
    outlines: pd.Series | None = None,
    outline_label: str = "",
    label_extra: Mapping[str, str] | None = None,
    missing_label: str = "",
    markers: Mapping[str, str] | None = None,
    size_in: tuple[float, float] = (7.4, 7.2),
    dpi: int = 150,
) -> bytes:
    """A map of villages by class (e.g. recommended product, sentra class), as PNG bytes.

    Parameters
    ----------
    classes : Series
        village_code -> class label (missing: "no data", light grey).
    order : sequence of str
        The classes in legend order; colours and hatches follow it unless given.
    outlines : Series, optional
        village_code -> group id (e.g. sentra cluster); each group's outer border is drawn thick.
    label_extra : mapping, optional
        village_code -> a second label line (e.g. the firm count).
    notes : sequence of str
        Lines under the map: sources, the indicative-boundaries notice, what is illustrative.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ctx = _quiet_glyphs()
    try:
        # The map takes the region's shape: a wide region gets a short figure, a tall one a
        # taller figure, within the page.
        x0, y0, x1, y1 = base.bounds
        aspect = ((y1 - y0) or 0.01) / (((x1 - x0) or 0.01) * math.cos(math.radians(base.lat0)))
        width_in = size_in[0]
        map_w = width_in * 0.86
        map_h = min(max(map_w * aspect, 3.0), size_in[1])
        n_legend = len(order) + 2
        legend_in = 0.35 + 0.17 * math.ceil(n_legend / 3)
        bottom_in = 0.62 + legend_in
        height_in = map_h + bottom_in + (0.45 if title else 0.15)
        fig = Figure(figsize=(width_in, height_in))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.1, bottom_in / height_in, 0.86, map_h / height_in))
        colours = dict(
            colours or {c: QUALITATIVE[i % len(QUALITATIVE)] for i, c in enumerate(order)}
        )
        hatches = dict(hatches or {c: HATCHES[i % len(HATCHES)] for i, c in enumerate(order)})
        geoms = base.villages.geometry
        cls = classes.reindex(base.villages.index)
        missing = cls.isna()
        line = 0.25 if len(base.villages) > 300 else 0.5
        if missing.any():
            _draw(ax, geoms[missing], facecolor="#f0f0f0", edgecolor="#7a7a7a", linewidth=line)
        for c in order:
            sel = (cls == c).to_numpy()
            if sel.any():
                _draw(
                    ax,
                    geoms[sel],
                    facecolor=colours[c],
                    hatch=hatches.get(c, ""),
                    edgecolor="#333333",
                    linewidth=line,
                    zorder=2,
                )
        big = bool(markers) and len(base.villages) > LABEL_LIMIT
        handles, labels = [], []
        for c in order:
            if (cls == c).any():
                patch = Patch(facecolor=colours[c], edgecolor="#333333", hatch=hatches.get(c, ""))
                if big and c in markers:
                    patch = (
                        patch,
                        Line2D(
                            [],
                            [],
                            linestyle="none",
                            marker=markers[c],
                            markersize=5,
                            markerfacecolor=colours[c],
                            markeredgecolor="black",
                        ),
                    )
                handles.append(patch)
                labels.append(_plain(_short(c, 40)))
        if missing.any():
            handles.append(Patch(facecolor="#f0f0f0", edgecolor="#7a7a7a"))
            labels.append(_plain(missing_label or t("legend_no_data", lang)))
        if outlines is not None:
            groups = outlines.dropna()
            for _gid, members in groups.groupby(groups):
                shape = geoms.loc[members.index.intersection(geoms.index)].union_all()
                _draw(ax, [shape], facecolor="none", edgecolor="black", linewidth=2.2, zorder=5)
            if len(groups):
                handles.append(Line2D([], [], color="black", linewidth=2.2))
                labels.append(_plain(outline_label))
        if base.outline is not None:
            _draw(ax, [base.outline], facecolor="none", edgecolor="black", linewidth=0.9, zorder=4)
        if big:
            # At province scale a village is a speck: a marker per class shows where they are.
            for c in order:
                sel = cls.index[(cls == c).to_numpy()]
                if len(sel) and c in markers:
                    xy = np.array([base.label_points[k] for k in sel])
                    ax.scatter(
                        xy[:, 0],
                        xy[:, 1],
                        marker=markers[c],
                        s=16,
                        facecolor=colours[c],
                        edgecolor="black",
                        linewidth=0.6,
                        zorder=6,
                    )
        _frame(ax, base, lang)
        labelled = _labels(ax, base, label_extra)
        _scale_bar(ax, base, lang)
        _north_arrow(ax, lang)
        if title:
            ax.set_title(_plain(title), fontsize=11, loc="left", fontweight="bold")
        from matplotlib.legend_handler import HandlerTuple

        fig.legend(
            handles,
            labels,
            title=_plain(legend_title),
            loc="upper left",
            handler_map={tuple: HandlerTuple(ndivide=None, pad=0.3)},
            bbox_to_anchor=(0.1, (bottom_in - 0.3) / height_in),
            ncol=3 if len(handles) > 4 else 2,
            fontsize=7,
            title_fontsize=7.5,
            frameon=True,
            edgecolor="#999999",
            alignment="left",
        )
        lines = list(notes)
        if not labelled:
            lines.append(t("rep_map_names_omitted", lang, n=len(base.names)))
        _notes(fig, lines)
        return _png(fig, dpi)
    finally:
        ctx.__exit__(None, None, None)


def locator_map(
    base: MapBase,
    code: str,
    *,
    lang: str,
    size_in: tuple[float, float] = (3.0, 3.0),
    dpi: int = 170,
) -> bytes:
    """A small map of the region with one village filled black and its name written."""
    from matplotlib import patheffects
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    ctx = _quiet_glyphs()
    try:
        fig = Figure(figsize=size_in)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
        geoms = base.villages.geometry
        many = len(geoms) > 300
        others = geoms[geoms.index != code]
        if many and base.outline is not None:
            _draw(ax, [base.outline], facecolor="#eeeeee", edgecolor="#555555", linewidth=0.6)
        else:
            _draw(ax, others, facecolor="#eeeeee", edgecolor="#777777", linewidth=0.4)
        if code in geoms.index:
            _draw(
                ax, [geoms[code]], facecolor="#222222", edgecolor="black", linewidth=0.6, zorder=3
            )
            if not many:
                halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
                for other, (x, y) in base.label_points.items():
                    if other != code and len(geoms) <= 15:
                        ax.text(
                            x,
                            y,
                            _short(base.names[other], 18),
                            ha="center",
                            va="center",
                            fontsize=5,
                            color="#444444",
                            path_effects=halo,
                            parse_math=False,
                            zorder=4,
                        )
        _frame(ax, base, lang, pad=0.03)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        _north_arrow(ax, lang)
        _scale_bar(ax, base, lang)
        return _png(fig, dpi)
    finally:
        ctx.__exit__(None, None, None)
