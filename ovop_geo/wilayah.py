"""Administrative units of villages: kabupaten and kecamatan codes and names, and selections.

Indonesian village codes encode their parents. A Kemendagri code ``61.12.07.2002`` is province
``61``, kabupaten ``61.12``, kecamatan ``61.12.07``, village ``2002``; a BPS code ``6112060004``
is province ``61``, kabupaten ``6112``, kecamatan ``6112060`` (three digits), village ``004``.
Codes in neither form take their parents from the village attributes when the boundary layer
has them (``kode_kecamatan``, ``kode_kabupaten`` …), else stay unknown.

Names come from the village attributes: the kecamatan from ``group`` (the manifest's
``group_column``), the kabupaten from ``nama_kabupaten`` or ``kabupaten``. No file is read here.
"""

from __future__ import annotations

import re

import pandas as pd

from .errors import InputDataError, format_items, raise_problems
from .messages import msg
from .names import normalise_name

__all__ = ["ADMIN_COLUMNS", "admin_units", "select_villages"]

#: Columns of :func:`admin_units`, in the order templates show them.
ADMIN_COLUMNS = ("kabupaten_code", "kabupaten_name", "kecamatan_code", "kecamatan_name")

_KEMENDAGRI = re.compile(r"^(\d{2})\.(\d{2})\.(\d{2})\.(\d{4})$")
_BPS = re.compile(r"^(\d{2})(\d{2})(\d{3})(\d{3})$")
_KABUPATEN_NAME_COLUMNS = ("nama_kabupaten", "kabupaten", "kabupaten_name", "nama_kab")
_KECAMATAN_CODE_COLUMNS = ("kode_kecamatan", "kode_kecamatan_kemendagri", "kecamatan_code")
_KABUPATEN_CODE_COLUMNS = ("kode_kabupaten", "kode_kabupaten_kemendagri", "kabupaten_code")
_PREFIXES = ("kabupaten ", "kab. ", "kab ", "kota ", "kecamatan ", "kec. ", "kec ")


def _parents(code: str) -> tuple[str | None, str | None]:
    match = _KEMENDAGRI.match(code)
    if match:
        a, b, c, _ = match.groups()
        return f"{a}.{b}", f"{a}.{b}.{c}"
    match = _BPS.match(code)
    if match:
        a, b, c, _ = match.groups()
        return f"{a}{b}", f"{a}{b}{c}"
    return None, None


def _first_column(villages: pd.DataFrame, names: tuple[str, ...]) -> pd.Series | None:
    for name in names:
        if name in villages.columns:
            return villages[name].astype("string")
    return None


def admin_units(villages: pd.DataFrame) -> pd.DataFrame:
    """Kabupaten and kecamatan code and name of every village.

    Parameters
    ----------
    villages : DataFrame
        Indexed by ``village_code`` (str); optional ``group`` (kecamatan name) and kabupaten
        name or code columns (see the module docstring).

    Returns
    -------
    DataFrame
        Same index, columns :data:`ADMIN_COLUMNS` (strings; missing where unknown).
    """
    parents = [_parents(str(code)) for code in villages.index]
    out = pd.DataFrame(
        {"kabupaten_code": [p[0] for p in parents], "kecamatan_code": [p[1] for p in parents]},
        index=villages.index,
        dtype="string",
    )
    for column, candidates in (
        ("kabupaten_code", _KABUPATEN_CODE_COLUMNS),
        ("kecamatan_code", _KECAMATAN_CODE_COLUMNS),
    ):
        given = _first_column(villages, candidates)
        if given is not None:
            out[column] = out[column].fillna(given)
    kab = _first_column(villages, _KABUPATEN_NAME_COLUMNS)
    out["kabupaten_name"] = (
        kab if kab is not None else pd.Series(pd.NA, index=villages.index, dtype="string")
    )
    kec = villages["group"].astype("string") if "group" in villages.columns else None
    out["kecamatan_name"] = (
        kec if kec is not None else pd.Series(pd.NA, index=villages.index, dtype="string")
    )
    return out[list(ADMIN_COLUMNS)]


def _key(text: str) -> str:
    text = " ".join(str(text).split()).lower()
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    return normalise_name(text)


def _match(units: pd.DataFrame, level: str, wanted: str) -> pd.Series:
    codes = units[f"{level}_code"]
    names = units[f"{level}_name"]
    by_code = codes == str(wanted).strip()
    if by_code.any():
        return by_code.fillna(False).astype(bool)
    key = _key(wanted)
    by_name = names.map(lambda n: _key(n) == key if isinstance(n, str) else False)
    return by_name.astype(bool)


def select_villages(
    villages: pd.DataFrame, *, kabupaten: str | None = None, kecamatan: str | None = None
) -> pd.Index:
    """Codes of the villages in a kabupaten and/or kecamatan, given by code or by name.

    Names are compared after normalisation (case, spaces, a leading "Kabupaten", "Kab.",
    "Kecamatan" or "Kec."); a code must match exactly (``61.12`` or ``6112``).

    Raises
    ------
    InputDataError
        When nothing matches, naming the kabupaten or kecamatan of the region to choose from.
    """
    units = admin_units(villages)
    keep = pd.Series(True, index=villages.index)
    problems = []
    for level, wanted in (("kabupaten", kabupaten), ("kecamatan", kecamatan)):
        if wanted is None:
            continue
        hit = _match(units, level, wanted)
        if not hit.any():
            choices = sorted(
                {
                    f"{c} {n}" if isinstance(n, str) else str(c)
                    for c, n in zip(units[f"{level}_code"], units[f"{level}_name"], strict=True)
                    if isinstance(c, str)
                }
            )
            problems.append(
                msg(
                    "wilayah.no_match",
                    level=level,
                    wanted=str(wanted),
                    choices=format_items(choices, limit=12),
                )
            )
            continue
        keep &= hit
    if problems:
        raise_problems(None, problems)
    if kecamatan is not None and keep.any():
        chosen = units.loc[keep.to_numpy()]
        codes = sorted(set(chosen["kecamatan_code"].dropna()))
        if len(codes) > 1 and str(kecamatan).strip() not in codes:
            # One name, several kecamatan (Sungai Raya in Bengkayang and in Kubu Raya): refuse
            # rather than join them.
            named = chosen.drop_duplicates("kecamatan_code")
            listed = [
                f"{c} ({k})" if isinstance(k, str) else str(c)
                for c, k in zip(named["kecamatan_code"], named["kabupaten_name"], strict=True)
            ]
            raise InputDataError(
                msg(
                    "wilayah.ambiguous",
                    wanted=str(kecamatan),
                    n=len(codes),
                    listed=format_items(listed),
                )
            )
    if not keep.any():
        raise InputDataError(
            msg("wilayah.disjoint", kabupaten=str(kabupaten), kecamatan=str(kecamatan))
        )
    return villages.index[keep.to_numpy()]
