"""Translations and number formatting."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from ovop_geo.errors import ParameterError
from ovop_geo.i18n import DEFAULT_LANG, LANGUAGES, STRINGS, fmt_number, t

APP = Path(__file__).resolve().parents[1] / "app.py"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_default_language_is_bahasa_indonesia():
    assert DEFAULT_LANG == "id"
    assert set(LANGUAGES) == {"id", "en"}
    assert t("indicative_boundaries") == "Batas indikatif, bukan batas hukum"
    assert t("indicative_boundaries", "en") == "Indicative, not legal boundaries"


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_has_both_languages_with_the_same_placeholders(key):
    entry = STRINGS[key]
    assert set(entry) == {"id", "en"}
    assert entry["id"].strip() and entry["en"].strip()
    assert _placeholders(entry["id"]) == _placeholders(entry["en"])


def test_strings_are_immutable():
    with pytest.raises(TypeError):
        STRINGS["app_title"] = {"id": "x", "en": "y"}  # type: ignore[index]
    with pytest.raises(TypeError):
        STRINGS["app_title"]["id"] = "x"  # type: ignore[index]


def test_every_key_used_in_app_exists():
    source = APP.read_text(encoding="utf-8")
    literal = set(re.findall(r"""\bt\(\s*["']([^"'{}]+)["']""", source))
    assert {"app_title", "indicative_boundaries", "land_heading", "own_heading"} <= literal
    # Keys kept in tables of the app (tab names, upload slots) and passed to t() later.
    tabled = set(re.findall(r"""["']((?:tab|upload)_[a-z_]+)["']""", source))
    assert {"tab_land", "upload_harvest_help"} <= tabled
    state_keys = {"upload_saved", "upload_session"}  # session_state keys, not texts
    assert sorted(k for k in tabled - state_keys if k not in STRINGS) == []
    missing = sorted(k for k in literal if k not in STRINGS)
    assert missing == []
    # Keys built with an f-string, e.g. t(f"base_map_{b}", ...): every prefix must have entries.
    for prefix in re.findall(r"""\bt\(\s*f["']([a-z_]+)\{""", source):
        assert any(k.startswith(prefix) for k in STRINGS), prefix
    assert {"base_map_none", "base_map_osm"} <= set(STRINGS)


def test_t_fills_placeholders():
    assert t("region_summary", "id", name="Rasau Jaya", n=6) == "Rasau Jaya: 6 desa"
    assert t("region_summary", "en", name="Rasau Jaya", n=6) == "Rasau Jaya: 6 villages"


def test_t_rejects_unknown_key_language_and_missing_placeholder():
    with pytest.raises(ParameterError, match="No text for key 'nope'"):
        t("nope", "id")
    with pytest.raises(ParameterError, match="Unknown language 'fr'"):
        t("app_title", "fr")
    with pytest.raises(ParameterError, match="needs a value for 'n'"):
        t("region_summary", "en", name="x")


@pytest.mark.parametrize(
    ("x", "lang", "unit", "decimals", "expected"),
    [
        (12610.5, "id", "t", 1, "12.610,5 t"),  # paper: ubi kayu 991 ha x 12.725 t/ha
        (12610.5, "en", "t", 1, "12,610.5 t"),
        (6247.0, "id", "t", 1, "6.247,0 t"),
        (1234567, "id", "", 0, "1.234.567"),
        (1234567, "en", "", 0, "1,234,567"),
        (-1234.56, "id", "ha", 1, "-1.234,6 ha"),
        (0.25, "en", "%", 2, "0.25 %"),
        (-0.04, "en", "", 1, "0.0"),
        (float("nan"), "id", "ha", 1, "– ha"),
        (None, "en", "", 1, "–"),
    ],
)
def test_fmt_number(x, lang, unit, decimals, expected):
    assert fmt_number(x, lang, unit, decimals=decimals) == expected


def test_fmt_number_rejects_unknown_language():
    with pytest.raises(ParameterError, match="Unknown language 'de'"):
        fmt_number(1.0, "de")


def test_keys_built_from_data_exist_in_both_languages():
    from ovop_geo.mcda import load_default_criteria
    from ovop_geo.report import INDICATORS

    keys = [f"indicator_{k}" for k in INDICATORS]
    keys += [f"group_{g}" for g in load_default_criteria()["group"].unique()]
    keys += [f"status_{s}" for s in ("deficit", "surplus", "balanced")]
    keys += [f"layer_{x}" for x in ("landuse", "zoning", "slope")]
    keys += [f"weights_mode_{m}" for m in ("sliders", "ahp")]
    missing = [k for k in keys if k not in STRINGS]
    assert missing == []
    assert t("group_human_resources", "en") == "Human resources"
    assert t("status_deficit", "id") == "defisit"


def test_analysis_notes_are_shown_in_the_page_language():
    from ovop_geo.i18n import translate_note
    from ovop_geo.pipeline import analyse, prepare_region
    from ovop_geo.region import load_region

    result = analyse(prepare_region(load_region("rasau-jaya")))
    note = next(n for n in result.notes if n.startswith("Harvest per village is estimated"))
    assert translate_note(note, "id").startswith("Panen per desa adalah perkiraan")
    assert translate_note(note, "en") == note
    # A note naming files stays as written.
    named = "x.csv: 2 villages counted as 0"
    assert translate_note(named, "id") == named
