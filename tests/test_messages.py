"""The message catalogue: complete in both languages, used by id, numbers in the language's form."""

from __future__ import annotations

import pickle
import re
import string
from pathlib import Path

import pytest

from ovop_geo.messages import Message, catalogue, msg, translate

ROOT = Path(__file__).resolve().parents[1]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_both_languages_with_the_same_placeholders():
    assert len(catalogue()) >= 20
    for key, texts in catalogue().items():
        assert set(texts) == {"en", "id"}, key
        assert texts["en"].strip() and texts["id"].strip(), key
        assert _fields(texts["en"]) == _fields(texts["id"]), key
        assert texts["en"] != texts["id"] or _fields(texts["en"]) >= {"prefix"}, key


def test_every_message_id_used_in_the_code_exists():
    used = set()
    for path in [*(ROOT / "ovop_geo").glob("*.py"), ROOT / "app.py"]:
        used |= set(re.findall(r'\bmsg\(\s*"([a-z0-9_.]+)"', path.read_text(encoding="utf-8")))
        used |= {f"missing.{r}" for r in ("landuse", "zoning", "elevation")}
    assert used, "no message ids found"
    assert sorted(used - set(catalogue())) == []


def test_a_message_is_its_english_text_and_translates_by_id():
    note = msg("note.no_elevation")
    assert isinstance(note, str)
    assert note == "No elevation layer: slope criteria are unknown."
    assert note.text("id") == (
        "Tidak ada lapisan elevasi: kriteria kemiringan lereng tidak diketahui."
    )
    assert translate(note, "id") == note.text("id")
    assert translate("a plain text", "id") == "a plain text"  # never matched word for word
    assert pickle.loads(pickle.dumps(note)).text("id") == note.text("id")
    with pytest.raises(KeyError, match=r"no message 'note\.nothing'"):
        msg("note.nothing")


def test_numbers_follow_the_language_and_lists_are_joined():
    note = msg("note.slope_only_flat", steepest=1234.56, limit=3.0)
    assert "(1,234.6 %)" in note and "(3.0 %)" in note
    assert "(1.234,6 %)" in note.text("id") and "(3,0 %)" in note.text("id")
    many = msg(
        "problems.many",
        prefix="x.csv: ",
        n=2,
        problems=[msg("missing.harvest"), "column 'y': 3 values are negative."],
    )
    assert many.text("id") == (
        "x.csv: 2 masalah:\n"
        "- luas panen dan produktivitas per tanaman ([statistics.harvest])\n"
        "- column 'y': 3 values are negative."
    )
    assert isinstance(many, Message) and many.startswith("x.csv: 2 problems:\n- harvest area")
