"""Tests of ovop_geo.units: yield and area conversions."""

import numpy as np
import pandas as pd
import pytest

from ovop_geo.errors import InputDataError
from ovop_geo.units import area_to_ha, ha_to, t_ha_to, yield_to_t_ha


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (23.06, "ku/ha", 2.306),  # paper: padi 23.06 ku/ha
        (18.29, "kw/ha", 1.829),  # kw is another spelling of ku
        (127.25, " KU / HA ", 12.725),  # case and spaces ignored
        (2306.0, "kg/ha", 2.306),
        (2.306, "t/ha", 2.306),
        (2.306, "ton/ha", 2.306),
    ],
)
def test_yield_to_t_ha_scalar(value, unit, expected):
    assert yield_to_t_ha(value, unit) == pytest.approx(expected, rel=1e-12)


def test_yield_to_t_ha_series_with_units_per_row():
    values = pd.Series([23.06, 2306.0, 2.5], index=["a", "b", "c"])
    units = pd.Series(["ku/ha", "kg/ha", "t/ha"], index=["a", "b", "c"])
    out = yield_to_t_ha(values, units)
    assert list(out.index) == ["a", "b", "c"]
    np.testing.assert_allclose(out.to_numpy(), [2.306, 2.306, 2.5], rtol=1e-12)


def test_round_trip():
    values = pd.Series([1.0, 2.5, 12.725])
    for unit in ("t/ha", "ku/ha", "kw/ha", "kg/ha", "ton/ha"):
        back = yield_to_t_ha(t_ha_to(values, unit), unit)
        np.testing.assert_allclose(back.to_numpy(), values.to_numpy(), rtol=1e-12)
    assert t_ha_to(2.306, "ku/ha") == pytest.approx(23.06)


def test_unknown_unit_lists_accepted_units():
    with pytest.raises(InputDataError, match=r"unknown yield unit 'bu/ac'.*Accepted units: 't/ha'"):
        yield_to_t_ha(3.0, "bu/ac")


def test_unknown_unit_in_series_names_rows_and_file():
    units = pd.Series(["ku/ha", "quintal", "kg/ha"], index=[0, 1, 2])
    with pytest.raises(
        InputDataError,
        match=r"harvest\.csv: column 'yield_unit': unknown yield unit quintal.*Rows: 1",
    ):
        yield_to_t_ha(pd.Series([1.0, 2.0, 3.0]), units, source="harvest.csv", column="yield_unit")


def test_text_values_refused():
    with pytest.raises(InputDataError, match=r"1 values are not numbers \(23,06\)\. Rows: 1"):
        yield_to_t_ha(pd.Series(["18.29", "23,06"]), "ku/ha")


def test_area_conversions():
    assert area_to_ha(111.07, "km2") == pytest.approx(11107.0)
    assert area_to_ha(10_000.0, "m2") == pytest.approx(1.0)
    assert ha_to(11107.0, "km2") == pytest.approx(111.07)
    with pytest.raises(InputDataError, match=r"unknown area unit 'acre'"):
        area_to_ha(1.0, "acre")
