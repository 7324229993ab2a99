"""Village-name normalisation and matching."""

from __future__ import annotations

import pandas as pd
import pytest

from ovop_geo.errors import InputDataError
from ovop_geo.names import match_names, normalise_name


@pytest.mark.parametrize(
    "variant",
    [
        "Rasau Jaya Satu",
        "RASAU JAYA I",
        "Rasau Jaya 1",
        "rasau jaya 01",
        "Desa Rasau Jaya I",
        "Ds. Rasau-Jaya  I",
        "Rasau Jaya1",
    ],
)
def test_variants_share_one_key(variant):
    assert normalise_name(variant) == normalise_name("Rasau Jaya Satu") == "rasaujaya1"


def test_number_words_and_numerals():
    assert normalise_name("Rasau Jaya III") == normalise_name("Rasau Jaya Tiga") == "rasaujaya3"
    assert normalise_name("Parit IX") == normalise_name("Parit Sembilan") == "parit9"
    assert normalise_name("Kelurahan Sungai Dua Belas") == "sungai12"
    assert normalise_name("Parit Sepuluh") == normalise_name("Parit X") == "parit10"
    assert normalise_name("Parit Dua Puluh Satu") == normalise_name("Parit XXI") == "parit21"
    assert normalise_name("Pematang Tujuh") == "pematang7"


def test_other_names_stay_apart():
    assert normalise_name("Pematang Tubuh") != normalise_name("Pematang Tujuh")
    assert normalise_name("Rasau Jaya Umum") != normalise_name("Rasau Jaya I")
    assert normalise_name("Kampung Baru") == "kampungbaru"
    # a name that is only a prefix word keeps it
    assert normalise_name("Desa") == "desa"
    assert normalise_name("Sungai Désa") == "sungaidesa"  # accents ignored, inner word kept


def test_empty_values():
    assert normalise_name(None) == ""
    assert normalise_name(float("nan")) == ""


@pytest.fixture
def villages():
    return pd.DataFrame(
        {
            "village_name": ["Rasau Jaya Satu", "Rasau Jaya Umum", "Pematang Tujuh"],
            "nama_bps": ["RASAU JAYA I", "RASAU JAYA UMUM", "PEMATANG TUJUH"],
            "nama_paper_table1": ["Rasau Jaya I", "Rasau Jaya Umum", "Pematang Tubuh"],
        },
        index=pd.Index(["61.12.07.2002", "61.12.07.2001", "61.12.07.2006"], name="village_code"),
    )


def test_match_through_alt_names_and_codes(villages):
    names = ["Rasau Jaya I", "RASAU JAYA UMUM", "Pematang Tubuh", "61.12.07.2006", "Rasau Jaya I"]
    out = match_names(names, villages, alt_columns=("nama_bps", "nama_paper_table1"))
    assert out.to_dict() == {
        "Rasau Jaya I": "61.12.07.2002",
        "RASAU JAYA UMUM": "61.12.07.2001",
        "Pematang Tubuh": "61.12.07.2006",
        "61.12.07.2006": "61.12.07.2006",
    }
    assert out.name == "village_code"


def test_misprint_without_alt_column_is_not_guessed(villages):
    with pytest.raises(InputDataError) as info:
        match_names(["Pematang Tubuh", "Bintang Mas"], villages, path="t3.csv", column="desa")
    msg = str(info.value)
    assert msg.startswith("t3.csv: column 'desa': 2 name(s) match no village")
    assert "'Pematang Tubuh' (nearest: Pematang Tujuh (61.12.07.2006))" in msg
    assert "'Bintang Mas' (no similar name)" in msg
    assert "village_code" in msg


def test_ambiguous_names(villages):
    frame = villages.copy()
    frame.loc["61.12.07.2009"] = ["Rasau Jaya 1", "RASAU JAYA SATU", "x"]
    with pytest.raises(
        InputDataError, match=r"'Rasau Jaya I' → Rasau Jaya Satu \(61\.12\.07\.2002\)"
    ):
        match_names(["Rasau Jaya I"], frame)


def test_missing_alt_column_is_skipped(villages):
    out = match_names(["Rasau Jaya Satu"], villages, alt_columns=("no_such_column",))
    assert out.iloc[0] == "61.12.07.2002"
