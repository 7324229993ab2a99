"""Tables and texts as a reader sees them: display names, decimals and the language's numbers.

The app's tables keep their raw values (so that sorting a column sorts numbers) and carry their
display text in a pandas ``Styler``: ``12.610,5`` in Bahasa Indonesia, ``12,610.5`` in English,
a chosen number of decimals per column, years without separators, an en dash for no value.
Crop ids become the crop table's names (``ubi_kayu`` -> ``Ubi kayu`` / ``Cassava``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from numbers import Real

import pandas as pd
from pandas.io.formats.style import Styler

from ovop_geo.i18n import fmt_number, t

__all__ = ["crop_names", "display_table", "layer_names", "source_text", "year_text"]


def source_text(spec, lang: str) -> str | None:
    """The source of a manifest section in ``lang``.

    ``source_id`` on the Indonesian page when the manifest gives one, else ``source`` (written
    in English by convention).
    """
    if spec is None:
        return None
    if lang == "id" and getattr(spec, "source_id", None):
        return spec.source_id
    return spec.source


def layer_names(layers: Iterable[str], lang: str) -> str:
    """The names of layers (``landuse``, ``zoning``, ``elevation`` ...) for a sentence.

    An elevation layer is named by what the map shows of it: the slope.
    """
    return ", ".join(t(f"layer_{x if x != 'elevation' else 'slope'}", lang) for x in layers)


def crop_names(crops: pd.DataFrame | None, lang: str) -> dict[str, str]:
    """Crop id -> its name in ``lang`` from the crop table (``name_id`` / ``name_en``)."""
    if crops is None or f"name_{lang}" not in crops.columns:
        return {}
    ids = crops["crop_id"] if "crop_id" in crops.columns else crops.index
    return {
        str(k): str(v)
        for k, v in zip(ids, crops[f"name_{lang}"], strict=True)
        if isinstance(v, str) and v
    }


def year_text(x) -> str:
    """A calendar year without a thousands separator; an en dash for no value."""
    if x is None or (isinstance(x, Real) and math.isnan(x)) or x is pd.NA:
        return "–"
    return str(int(x))


def _is_number_column(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def display_table(
    frame: pd.DataFrame,
    lang: str,
    *,
    decimals: Mapping[str, int] | None = None,
    default_decimals: int = 1,
    years: Iterable[str] = (),
) -> Styler:
    """``frame`` with its numbers written for ``lang`` (its values are not changed).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table, with its display headers already in place.
    lang : {"id", "en"}
        ``"id"`` writes ``1.234,5``; ``"en"`` writes ``1,234.5``.
    decimals : mapping, optional
        Header -> digits after the decimal separator; other number columns get
        ``default_decimals``; integer columns get none.
    years : iterable of str
        Headers of calendar-year columns, written without separators (``2031``).

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    decimals = dict(decimals or {})
    years = set(years)
    styler = frame.style
    for column in frame.columns:
        series = frame[column]
        if column in years:
            styler = styler.format(year_text, subset=[column])
        elif _is_number_column(series):
            digits = decimals.get(column)
            if digits is None:
                digits = 0 if pd.api.types.is_integer_dtype(series) else default_decimals
            styler = styler.format(
                lambda x, d=digits: fmt_number(None if pd.isna(x) else float(x), lang, decimals=d),
                subset=[column],
            )
        elif pd.api.types.is_bool_dtype(series):
            continue
        else:
            styler = styler.format(
                lambda x: (
                    "–"
                    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))
                    else str(x)
                ),
                subset=[column],
            )
    return styler
