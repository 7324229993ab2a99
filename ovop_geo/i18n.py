"""Bahasa Indonesia and English strings for the app and the maps.

Every text a user sees comes from :data:`STRINGS`, an immutable mapping ``key -> {"id", "en"}``.
Bahasa Indonesia is the default language. Numbers are formatted per language by
:func:`fmt_number`: Indonesian writes ``12.610,5 t``, English ``12,610.5 t``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real
from types import MappingProxyType

from ovop_geo.errors import ParameterError

__all__ = ["DEFAULT_LANG", "LANGUAGES", "STRINGS", "fmt_number", "t"]

DEFAULT_LANG = "id"
LANGUAGES: Mapping[str, str] = MappingProxyType({"id": "Bahasa Indonesia", "en": "English"})


def _entries(raw: dict[str, tuple[str, str]]) -> Mapping[str, Mapping[str, str]]:
    return MappingProxyType(
        {key: MappingProxyType({"id": id_, "en": en}) for key, (id_, en) in raw.items()}
    )


# key: (Bahasa Indonesia, English)
STRINGS: Mapping[str, Mapping[str, str]] = _entries(
    {
        # page
        "app_title": ("Perencanaan OVOP berbasis peta", "OVOP spatial planning"),
        "app_caption": (
            "Satu Desa Satu Produk: ketersediaan lahan, calon sentra dan peta desa.",
            "One Village One Product: land availability, candidate sentra and village maps.",
        ),
        "language": ("Bahasa / Language", "Bahasa / Language"),
        "region": ("Wilayah", "Region"),
        "region_summary": ("{name}: {n} desa", "{name}: {n} villages"),
        "map_heading": ("Peta desa", "Village map"),
        "indicator": ("Indikator", "Indicator"),
        "base_map": ("Peta dasar", "Base map"),
        "base_map_none": ("Tanpa peta dasar (bisa luring)", "None (works offline)"),
        "base_map_osm": ("OpenStreetMap (perlu internet)", "OpenStreetMap (needs internet)"),
        "download_map": ("Unduh peta (HTML)", "Download map (HTML)"),
        "loading_region": ("Memuat wilayah…", "Loading region…"),
        "table_heading": ("Data desa", "Village data"),
        "data_notes": ("Catatan data ({n})", "Data notes ({n})"),
        # boundaries and provenance
        "boundary_source": ("Sumber batas: {source}", "Boundary source: {source}"),
        "indicative_boundaries": (
            "Batas indikatif, bukan batas hukum",
            "Indicative, not legal boundaries",
        ),
        "illustrative_data": ("data ilustratif", "illustrative data"),
        "estimated_data": ("data perkiraan", "estimated data"),
        "illustrative_note": (
            "Lapisan ini ilustratif (dibuat untuk contoh), bukan data lapangan.",
            "This layer is illustrative (generated for the example), not field data.",
        ),
        # indicators and columns
        "indicator_area": ("Luas desa", "Village area"),
        "village": ("Desa", "Village"),
        "villages": ("Desa", "Villages"),
        "village_code": ("Kode desa", "Village code"),
        "group": ("Kecamatan", "Sub-district"),
        "households": ("Rumah tangga (KK)", "Households"),
        "area": ("Luas", "Area"),
        # map layers and legend
        "legend_no_data": ("tidak ada data", "no data"),
        "layer_landuse": ("Penggunaan lahan", "Land use"),
        "layer_slope": ("Kemiringan lereng", "Slope"),
        "layer_zoning": ("Pola ruang (RTRW)", "Zoning (spatial plan)"),
        "layer_candidates": ("Calon sentra", "Candidate sentra"),
        # messages
        "error_heading": ("Tidak dapat memuat data", "Cannot load the data"),
    }
)


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt``.

    Parameters
    ----------
    key : str
        A key of :data:`STRINGS`.
    lang : {"id", "en"}
        Language code; Bahasa Indonesia by default.
    **fmt
        Values for the placeholders in the text.

    Returns
    -------
    str

    Raises
    ------
    ParameterError
        If the key or the language is unknown, or a placeholder has no value.
    """
    if lang not in LANGUAGES:
        raise ParameterError(f"Unknown language '{lang}': use one of {', '.join(LANGUAGES)}.")
    try:
        text = STRINGS[key][lang]
    except KeyError as err:
        raise ParameterError(f"No text for key '{key}'. Add it to ovop_geo.i18n.STRINGS.") from err
    if not fmt:
        return text
    try:
        return text.format(**fmt)
    except KeyError as err:
        raise ParameterError(f"Text '{key}' needs a value for {err}.") from err


def fmt_number(
    x: float | None, lang: str = DEFAULT_LANG, unit: str = "", *, decimals: int = 1
) -> str:
    """Format a number with the language's separators and an optional unit.

    Parameters
    ----------
    x : float or None
        The value; ``None`` and NaN give an en dash.
    lang : {"id", "en"}
        ``"id"`` uses ``.`` for thousands and ``,`` for decimals (``12.610,5``); ``"en"`` the
        reverse (``12,610.5``).
    unit : str
        Appended after a space when not empty (``"t"``, ``"ha"``, ``"%"``).
    decimals : int
        Digits after the decimal separator; trailing zeros are kept so columns line up.

    Returns
    -------
    str
    """
    if lang not in LANGUAGES:
        raise ParameterError(f"Unknown language '{lang}': use one of {', '.join(LANGUAGES)}.")
    if x is None or (isinstance(x, Real) and math.isnan(x)):
        text = "–"
    else:
        text = f"{float(x):,.{max(decimals, 0)}f}"
        if text in {"-0", "-0." + "0" * decimals}:
            text = text[1:]
        if lang == "id":
            text = text.translate(str.maketrans({",": ".", ".": ","}))
    return f"{text} {unit}" if unit else text
