"""Display helpers: crop names, numbers per language, years, manifest sources."""

from __future__ import annotations

import math

import pandas as pd

from ovop_geo.display import crop_names, display_table, source_text, year_text
from ovop_geo.manifest import load_manifest


def _texts(styler) -> list[list[str]]:
    styler._compute()
    return [
        [cell["display_value"] for cell in row[1:]]
        for row in styler._translate(False, False)["body"]
    ]


def test_numbers_follow_the_language_and_the_decimals_asked_for():
    frame = pd.DataFrame(
        {
            "t": [12610.54, math.nan],
            "n": [3, 1200],
            "yr": [2031.0, math.nan],
            "ok": [True, False],
            "name": ["Padi", None],
        }
    )
    assert _texts(display_table(frame, "id", years=["yr"])) == [
        ["12.610,5", "3", "2031", True, "Padi"],
        ["–", "1.200", "–", False, "–"],
    ]
    assert _texts(display_table(frame, "en", decimals={"t": 2}, years=["yr"]))[0][:3] == [
        "12,610.54",
        "3",
        "2031",
    ]
    # The values themselves are not changed (sorting sorts numbers).
    assert display_table(frame, "id").data["t"].iloc[0] == 12610.54


def test_year_text():
    assert year_text(2031.0) == "2031" and year_text(None) == "–" and year_text(pd.NA) == "–"


def test_crop_names_from_the_crop_table():
    crops = pd.DataFrame(
        {
            "crop_id": ["ubi_kayu", "padi"],
            "name_id": ["Ubi kayu", "Padi"],
            "name_en": ["Cassava", "Paddy rice"],
        }
    )
    assert crop_names(crops, "id") == {"ubi_kayu": "Ubi kayu", "padi": "Padi"}
    assert crop_names(crops, "en")["ubi_kayu"] == "Cassava"
    assert crop_names(None, "id") == {}


def test_manifest_source_in_each_language():
    boundaries = load_manifest("rasau-jaya").boundaries
    assert source_text(boundaries, "en").startswith("cahyadsn/wilayah_boundaries")
    assert "codes per Kepmendagri" in source_text(boundaries, "en")
    assert "kode menurut Kepmendagri" in source_text(boundaries, "id")
    assert source_text(None, "id") is None
