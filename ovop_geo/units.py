"""Explicit unit conversions for yields and areas.

Indonesian statistics give yields in *kuintal* per hectare (ku/ha, also written kw/ha; 1 ku =
100 kg), in kg/ha or in tonnes per hectare. Every computation in ovop_geo uses t/ha and ha; the
conversion is made once, explicitly, by the functions here. An unknown unit is refused with a
message listing the accepted spellings.
"""

from __future__ import annotations

import logging
from types import MappingProxyType

import numpy as np
import pandas as pd

from ovop_geo.errors import InputDataError, format_items

__all__ = [
    "AREA_UNITS",
    "YIELD_UNITS",
    "area_to_ha",
    "ha_to",
    "t_ha_to",
    "yield_to_t_ha",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

#: Factor that turns a yield in the given unit into t/ha (read-only).
YIELD_UNITS = MappingProxyType(
    {
        "t/ha": 1.0,
        "ton/ha": 1.0,
        "tonne/ha": 1.0,
        "ku/ha": 0.1,  # kuintal = 100 kg
        "kw/ha": 0.1,  # kwintal, another spelling of kuintal
        "kuintal/ha": 0.1,
        "kwintal/ha": 0.1,
        "kg/ha": 0.001,
    }
)

#: Factor that turns an area in the given unit into hectares (read-only).
AREA_UNITS = MappingProxyType({"ha": 1.0, "km2": 100.0, "m2": 1e-4})


def _normalise_unit(unit: object) -> str:
    """Lower-case a unit string and drop spaces: ``' Ku / Ha '`` -> ``'ku/ha'``."""
    if unit is None or (isinstance(unit, float) and np.isnan(unit)):
        return ""
    return "".join(str(unit).split()).lower()


def _factors(unit, table, *, kind: str, source: str | None, column: str | None):
    """Conversion factor(s) for a unit string or a Series of unit strings (one per row)."""
    accepted = ", ".join(f"'{u}'" for u in table)
    where = f"{source}: " if source else ""
    col = f"column '{column}': " if column else ""
    if isinstance(unit, pd.Series):
        normalised = unit.map(_normalise_unit)
        factors = normalised.map(table.get)
        bad = factors.isna()
        if bad.any():
            units = sorted({str(u) for u in unit[bad]})
            raise InputDataError(
                f"{where}{col}unknown {kind} unit {format_items(units)}. "
                f"Rows: {format_items(unit.index[bad])}. Accepted units: {accepted}. "
                "Fix the unit or convert the values first.",
                path=source,
            )
        return factors.astype(float)
    factor = table.get(_normalise_unit(unit))
    if factor is None:
        raise InputDataError(
            f"{where}{col}unknown {kind} unit '{unit}'. Accepted units: {accepted}. "
            "Fix the unit or convert the values first.",
            path=source,
        )
    return factor


def _numeric(value, *, source: str | None, column: str | None):
    """Values as floats; text that is not a number is refused, naming the rows."""
    if isinstance(value, pd.Series):
        numbers = pd.to_numeric(value, errors="coerce").astype(float)
        bad = numbers.isna() & value.notna()
        if bad.any():
            where = f"{source}: " if source else ""
            col = f"column '{column}': " if column else ""
            raise InputDataError(
                f"{where}{col}{int(bad.sum())} values are not numbers "
                f"({format_items(value[bad].astype(str).unique())}). "
                f"Rows: {format_items(value.index[bad])}. Write plain numbers.",
                path=source,
            )
        return numbers
    return value


def yield_to_t_ha(value, unit, *, source: str | None = None, column: str | None = None):
    """Convert a crop yield to tonnes per hectare.

    Parameters
    ----------
    value : float, numpy array or pandas.Series
        Yield in ``unit``.
    unit : str or pandas.Series of str
        One of :data:`YIELD_UNITS` (``'t/ha'``, ``'ton/ha'``, ``'ku/ha'``, ``'kw/ha'``,
        ``'kg/ha'``...), case and spaces ignored; a Series gives one unit per row and must share
        the index of ``value``.
    source, column : str, optional
        File and column named in the error message.

    Returns
    -------
    float or pandas.Series
        Yield in t/ha (ku/ha ÷ 10, kg/ha ÷ 1,000).

    Raises
    ------
    InputDataError
        An unknown unit, naming the rows and listing the accepted units.

    Examples
    --------
    >>> yield_to_t_ha(23.06, "ku/ha")
    2.306
    """
    factor = _factors(unit, YIELD_UNITS, kind="yield", source=source, column=column)
    return _numeric(value, source=source, column=column) * factor


def t_ha_to(value, unit, *, source: str | None = None, column: str | None = None):
    """Convert a yield in t/ha to ``unit`` (the inverse of :func:`yield_to_t_ha`).

    Parameters
    ----------
    value : float, numpy array or pandas.Series
        Yield in t/ha.
    unit : str or pandas.Series of str
        Target unit, one of :data:`YIELD_UNITS`.

    Returns
    -------
    float or pandas.Series
        Yield in ``unit``.
    """
    factor = _factors(unit, YIELD_UNITS, kind="yield", source=source, column=column)
    return _numeric(value, source=source, column=column) / factor


def area_to_ha(value, unit, *, source: str | None = None, column: str | None = None):
    """Convert an area (``'ha'``, ``'km2'`` or ``'m2'``) to hectares.

    Parameters
    ----------
    value : float, numpy array or pandas.Series
        Area in ``unit``.
    unit : str or pandas.Series of str
        One of :data:`AREA_UNITS`.

    Returns
    -------
    float or pandas.Series
        Area in ha (1 km² = 100 ha, 1 m² = 0.0001 ha).
    """
    factor = _factors(unit, AREA_UNITS, kind="area", source=source, column=column)
    return _numeric(value, source=source, column=column) * factor


def ha_to(value, unit, *, source: str | None = None, column: str | None = None):
    """Convert an area in hectares to ``unit`` (the inverse of :func:`area_to_ha`)."""
    factor = _factors(unit, AREA_UNITS, kind="area", source=source, column=column)
    return _numeric(value, source=source, column=column) / factor
