"""How villages are coloured and their values written: palettes, classes, units, formats.

Shared by the interactive maps (:mod:`ovop_geo.render`) and printed ones. No drawing library here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from ovop_geo.i18n import fmt_number

__all__ = [
    "NO_DATA_COLOUR",
    "QUALITATIVE",
    "SEQUENTIAL",
    "Scale",
    "categorical_scale",
    "format_value",
    "is_year",
    "numeric_scale",
    "scale_for",
    "unit_for",
]

NO_DATA_COLOUR = "#bdbdbd"
# ColorBrewer YlGnBu, 5 classes (sequential, colour-blind safe).
SEQUENTIAL = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
# ColorBrewer Set2 + Dark2 (qualitative).
QUALITATIVE = (
    "#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854",
    "#ffd92f", "#e5c494", "#1b9e77", "#d95f02", "#7570b3",
)  # fmt: skip
_MAX_CLASSES = 5
_UNIT_SUFFIXES = (("_t_yr", "t/yr"), ("_ha", "ha"), ("_pct", "%"), ("_km", "km"), ("_t", "t"))


def unit_for(column: str) -> tuple[str, float]:
    """Unit and multiplier shown for a column named with the project's unit suffixes."""
    if column.startswith("share_"):
        return "%", 100.0
    for suffix, unit in _UNIT_SUFFIXES:
        if column.endswith(suffix):
            return unit, 1.0
    return "", 1.0


def is_year(column: str) -> bool:
    """Whether ``column`` holds years (its name starts with ``year`` or ends with ``_year``)."""
    return column.startswith("year") or column.endswith("_year")


def format_value(value: object, column: str, lang: str) -> str:
    """Format one cell for a tooltip or popup (not yet escaped)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    if is_year(column) and isinstance(value, int | float | np.integer | np.floating):
        return str(int(value))
    if isinstance(value, bool | np.bool_):
        return "✓" if value else "✗"
    if isinstance(value, int | np.integer):
        unit, factor = unit_for(column)
        return fmt_number(float(value) * factor, lang, unit, decimals=0 if factor == 1 else 1)
    if isinstance(value, float | np.floating):
        unit, factor = unit_for(column)
        return fmt_number(float(value) * factor, lang, unit)
    return str(value)


@dataclass(frozen=True)
class Scale:
    """The colour of each village and the legend of a map layer."""

    colours: pd.Series  # village -> colour
    legend: tuple[tuple[str, str], ...]  # (colour, label)


def numeric_scale(
    values: pd.Series,
    unit: str,
    factor: float,
    lang: str,
    no_data: str,
    method: str,
    *,
    year: bool = False,
) -> Scale:
    """Sequential colours in at most five classes (quantiles or equal intervals), with a legend.

    Years get whole-year class edges from quantiles; villages without a value get the no-data
    colour and the ``no_data`` legend entry.
    """
    finite = values[np.isfinite(values)]
    colours = pd.Series(NO_DATA_COLOUR, index=values.index, dtype=object)
    legend: list[tuple[str, str]] = []
    if not finite.empty:
        lo, hi = float(finite.min()), float(finite.max())
        n = min(_MAX_CLASSES, finite.nunique())
        span = (hi - lo) * factor
        decimals = 0 if span >= 100 or year else 1 if span >= 1 else 2
        if year:  # whole years, no thousands separator
            edges_fmt = lambda v, u="": str(round(v))  # noqa: E731
        else:
            edges_fmt = lambda v, u="": fmt_number(v, lang, u, decimals=decimals)  # noqa: E731
        if n <= 1:
            colours[finite.index] = SEQUENTIAL[-1]
            legend.append((SEQUENTIAL[-1], edges_fmt(lo * factor, unit)))
        else:
            if year:
                edges = np.unique(
                    np.round(np.quantile(finite.to_numpy(), np.linspace(0, 1, n + 1)))
                )
            elif method == "quantile":
                edges = np.unique(np.quantile(finite.to_numpy(), np.linspace(0, 1, n + 1)))
            else:
                edges = np.linspace(lo, hi, n + 1)
            n = len(edges) - 1
            palette = SEQUENTIAL[_MAX_CLASSES - n :]
            idx = np.clip(np.searchsorted(edges, finite.to_numpy(), side="right") - 1, 0, n - 1)
            colours[finite.index] = [palette[i] for i in idx]
            for i in range(n):
                a = edges_fmt(edges[i] * factor)
                b = edges_fmt(edges[i + 1] * factor, unit)
                legend.append((palette[i], f"{a} – {b}"))
    if len(finite) < len(values):
        legend.append((NO_DATA_COLOUR, no_data))
    return Scale(colours, tuple(legend))


def categorical_scale(values: pd.Series, no_data: str) -> Scale:
    """One qualitative colour per category (sorted as text), the no-data colour for missing."""
    present = values.dropna()
    categories = sorted(present.unique(), key=str)
    lookup = {c: QUALITATIVE[i % len(QUALITATIVE)] for i, c in enumerate(categories)}
    colours = values.map(lookup).astype(object).where(values.notna(), NO_DATA_COLOUR)
    legend = [(lookup[c], str(c)) for c in categories]
    if len(present) < len(values):
        legend.append((NO_DATA_COLOUR, no_data))
    return Scale(colours, tuple(legend))


def scale_for(
    villages: gpd.GeoDataFrame, column: str, lang: str, no_data: str, method: str
) -> Scale:
    """The scale of a village column: numeric (not boolean) columns by class, others by value."""
    values = villages[column]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        unit, factor = unit_for(column)
        return numeric_scale(
            values.astype(float), unit, factor, lang, no_data, method, year=is_year(column)
        )
    return categorical_scale(values, no_data)
