"""Village names: normalisation and matching against the boundary layer.

Official lists write the same village differently: "Rasau Jaya Satu" (Kemendagri), "RASAU JAYA I"
(BPS), "Rasau Jaya 1" (a spreadsheet). :func:`normalise_name` maps them to one key; matching is
exact on that key (no fuzzy guessing), and names that do not match are reported with their
nearest candidates so the user can fix them or use village codes.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence

import pandas as pd

from ovop_geo.errors import format_items, raise_problems

__all__ = ["match_names", "normalise_name"]

_PREFIXES = frozenset({"desa", "kelurahan", "kel", "ds"})
_UNITS = {
    "nol": 0,
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
}
_ROMAN = re.compile(r"^(x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


def _roman(token: str) -> int | None:
    if not token or not _ROMAN.match(token):
        return None
    total, prev = 0, 0
    for ch in reversed(token):
        value = _ROMAN_VALUES[ch]
        total += -value if value < prev else value
        prev = max(prev, value)
    return total


def _number_words(tokens: list[str]) -> list[str]:
    """Replace runs of Indonesian number words (up to 99) by digits."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        value: int | None = None
        if tok in _UNITS:
            value = _UNITS[tok]
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt == "belas":
                value, i = value + 10, i + 1
            elif nxt == "puluh":
                value, i = value * 10, i + 1
                after = tokens[i + 1] if i + 1 < len(tokens) else None
                if after in _UNITS and after != "nol":
                    value, i = value + _UNITS[after], i + 1
        elif tok == "sepuluh":
            value = 10
        elif tok == "sebelas":
            value = 11
        if value is None:
            out.append(tok)
        else:
            out.append(str(value))
        i += 1
    return out


def normalise_name(name: object) -> str:
    """Return the matching key of a village name.

    Case, accents, spaces and punctuation are ignored; Roman numerals (I–XXXIX), Indonesian
    number words (satu … sembilan puluh sembilan) and digits become the same number; a leading
    "Desa", "Kelurahan", "Kel." or "Ds." is dropped (unless only a number follows it).

    Parameters
    ----------
    name : object
        A village name; None or NaN gives ``""``.

    Returns
    -------
    str
        The key, for example ``"rasaujaya1"`` for "Rasau Jaya Satu", "RASAU JAYA I" and
        "Desa Rasau Jaya 1".

    Examples
    --------
    >>> normalise_name("Rasau Jaya Satu") == normalise_name("RASAU JAYA I")
    True
    >>> normalise_name("Kelurahan Sungai Dua Belas")
    'sungai12'
    """
    if name is None or (isinstance(name, float) and name != name):
        return ""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    # Split letters from digits ("jaya1" -> "jaya 1") and punctuation into spaces.
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)
    tokens = re.sub(r"[\W_]+", " ", text).split()
    tokens = _number_words(tokens)
    # Drop a leading "Desa"/"Kelurahan" unless what is left is only a number ("Desa Satu").
    if len(tokens) > 1 and tokens[0] in _PREFIXES and not all(t.isdigit() for t in tokens[1:]):
        tokens = tokens[1:]
    out = []
    for tok in tokens:
        roman = _roman(tok) if len(tokens) > 1 else None
        if roman is not None:
            out.append(str(roman))
        elif tok.isdigit():
            out.append(str(int(tok)))
        else:
            out.append(tok)
    return "".join(out)


def _plain(value: object) -> str:
    return " ".join(str(value).lower().split())


def match_names(
    names: Iterable[object],
    villages_frame: pd.DataFrame,
    *,
    alt_columns: Sequence[str] = (),
    path: str | None = None,
    column: str = "village_name",
    aliases: dict[str, str] | None = None,
) -> pd.Series:
    """Match names from a table to village codes through their normalised keys.

    A name matches a village when its key equals the key of the village's ``village_name``, of
    any of ``alt_columns`` (for example the BPS name, or a name misprinted in a source), or the
    village code itself. There is no fuzzy matching: nearest candidates are only suggested.

    Parameters
    ----------
    names : iterable
        Names as written in the table.
    villages_frame : pandas.DataFrame
        Villages indexed by ``village_code`` with a ``village_name`` column.
    alt_columns : sequence of str
        Other name columns of ``villages_frame`` to match against (missing columns are skipped).
    path, column : str
        File and column of the names, for messages.
    aliases : dict, optional
        Names as written (case and spaces ignored) -> village code, from the region's alias
        table: confirmed spellings, matched exactly and never reported.

    Returns
    -------
    pandas.Series
        Village code (str) for each distinct name, indexed by the name as written. Names matched
        only through their normalised key (``Sungai 2`` for ``Sungai II``, ``DESA  satu`` for
        ``Satu``) are listed in ``attrs["inexact"]`` as ``(name, code, village name)``: the
        caller reports them so the user can confirm or correct each one.

    Raises
    ------
    InputDataError
        One error listing every name that matches no village (with up to three nearest
        candidates) or more than one village (with their codes).
    """
    key_to_codes: dict[str, set[str]] = {}
    key_to_label: dict[str, str] = {}
    plain_to_label: dict[str, str] = {}  # lower-case text as written, for suggestions only
    sources = ["village_name", *[c for c in alt_columns if c in villages_frame.columns]]
    for code, row in villages_frame[sources].iterrows():
        code = str(code)
        for value in [code, *row.tolist()]:
            key = normalise_name(value)
            if not key:
                continue
            key_to_codes.setdefault(key, set()).add(code)
            key_to_label.setdefault(key, f"{value} ({code})")
            plain_to_label.setdefault(_plain(value), f"{value} ({code})")
    code_keys = {normalise_name(c): str(c) for c in villages_frame.index}
    for key, code in code_keys.items():
        key_to_label[key] = f"{code} ({villages_frame.loc[code, 'village_name']})"

    exact: dict[str, str] = {}
    for code, row in villages_frame[sources].iterrows():
        for value in [code, *row.tolist()]:
            if isinstance(value, str) or value == value:
                exact.setdefault(_plain(value), str(code))
    alias_map = {_plain(k): str(v) for k, v in (aliases or {}).items()}
    unique = list(dict.fromkeys(names))
    matched: dict[object, str] = {}
    inexact: list[tuple[str, str, str]] = []
    unmatched: list[str] = []
    ambiguous: list[str] = []
    for name in unique:
        if _plain(name) in alias_map and alias_map[_plain(name)] in villages_frame.index:
            matched[name] = alias_map[_plain(name)]
            continue
        key = normalise_name(name)
        codes = key_to_codes.get(key, set())
        if len(codes) == 1:
            matched[name] = next(iter(codes))
            if exact.get(_plain(name)) != matched[name]:
                code = matched[name]
                inexact.append((str(name), code, str(villages_frame.loc[code, "village_name"])))
        elif len(codes) > 1:
            labels = [f"{villages_frame.loc[c, 'village_name']} ({c})" for c in sorted(codes)]
            ambiguous.append(f"'{name}' → {format_items(labels)}")
        else:
            near = [
                plain_to_label[k]
                for k in difflib.get_close_matches(_plain(name), list(plain_to_label), 3, 0.6)
            ]
            near += [
                key_to_label[k] for k in difflib.get_close_matches(key, list(key_to_codes), 3, 0.6)
            ]
            near = list(dict.fromkeys(near))[:3]
            hint = f" (nearest: {', '.join(near)})" if near else " (no similar name)"
            unmatched.append(f"'{name}'{hint}")
    problems = []
    where = f"column '{column}': "
    if unmatched:
        problems.append(
            f"{where}{len(unmatched)} name(s) match no village: {'; '.join(unmatched)}. "
            "Correct the spelling, or use the village code (add a 'village_code' column)."
        )
    if ambiguous:
        problems.append(
            f"{where}{len(ambiguous)} name(s) match several villages: {'; '.join(ambiguous)}. "
            "Use village codes (add a 'village_code' column)."
        )
    if problems:
        raise_problems(path, problems)
    result = pd.Series(matched, name="village_code", dtype=object)
    result.index.name = column
    result.attrs["inexact"] = inexact
    return result
