"""OVOP readiness from the assessment rubric (the paper's Table 4).

The rubric rates firms on dimensions grouped in aspects (production, product development,
community development, management, marketing, product history, general product provisions).
Each dimension has ordered levels 1 … L (1 = weakest). Table 4 gives, per level, the share of the
surveyed firms at that level.

Dimension score (0–1) for a dimension whose levels are **exclusive** (each firm is at one level):
``Σ_levels share × (level − 1) / (L − 1)`` with shares as fractions of their total. When the
printed shares do not add up to 100 % (Merek adds to 138 % in the paper) they are divided by
their total and ``shares_flag`` is set, so the score stays in 0–1 and the user sees the problem.
Totals within ``share_tolerance_pct`` (default 1 point, printed rounding) are not flagged.

For a dimension whose levels are **not exclusive** (Partisipasi Masyarakat: a firm can hire local
workers *and* share profits *and* listen to the community, shares add to 160 %), the levels are
separate practices; the score is the mean share of firms doing each practice
(``Σ share / L``, treatment ``practices_mean``).

Aspect score = mean of its dimension scores. The paper's conclusion (no books, no organisation,
no sales outside the province, no quality system) appears as the weakest dimensions.

Per-firm survey rows (``firm_id``, ``dimension``, ``level``) in the same rubric are turned into
shares by :func:`survey_to_assessment`.

All functions work on tables only: no geometry is involved, so no CRS applies.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from .errors import InputDataError, format_items
from .validate import parse_yes_no

__all__ = [
    "ASPECTS_EN",
    "DIMENSIONS_EN",
    "readiness",
    "survey_to_assessment",
    "weakest_dimensions",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

#: Indonesian dimension labels of the rubric (as in Table 4) → English.
DIMENSIONS_EN: Mapping[str, str] = MappingProxyType(
    {
        "Sumber Bahan Baku Utama": "Main raw material source",
        "Kapasitas Produksi": "Production capacity growth",
        "Nilai tambah Produksi": "Value added",
        "Lingkungan": "Environmental impact",
        "Konsistensi kualitas dan kuantitas produk": "Consistent quality and quantity",
        "Pengembangan Produk": "Product development",
        "Merek": "Brand",
        "Peran dalam Kelompok": "Role in a business group",
        "Partisipasi Masyarakat": "Community participation",
        "Organisasi": "Organisation",
        "Pembukuan": "Bookkeeping",
        "Wilayah Pemasaran": "Marketing reach",
        "Peningkatan hasil Penjualan Produk": "Sales growth",
        "Pelanggan": "Customers",
        "Cara Pemasaran": "Marketing channel",
        "Legenda dari Produk": "Product history",
        "Kearifan Lokal": "Local wisdom",
        "Penerapan GMP": "Good manufacturing practice (GMP)",
        "Kemasan Label": "Packaging and label",
        "Peralatan/Teknologi": "Equipment and technology",
        "Standar Produk": "Product standard",
        "Sertifikasi Sistem Manajemen Mutu": "Quality management certification",
    }
)

#: Indonesian aspect labels of the rubric → English.
ASPECTS_EN: Mapping[str, str] = MappingProxyType(
    {
        "Produksi": "Production",
        "Pengembangan Produk": "Product development",
        "Pengembangan Masyarakat": "Community development",
        "Manajemen": "Management",
        "Pemasaran": "Marketing",
        "Riwayat Produk": "Product history",
        "Ketentuan Umum Produk": "General product provisions",
    }
)

_REQUIRED = ("aspect", "dimension", "level", "share_pct")


def _translate(name: str, table: Mapping[str, str]) -> str:
    lowered = {k.casefold(): v for k, v in table.items()}
    return lowered.get(str(name).strip().casefold(), str(name))


def _exclusive(values: pd.Series, problems: list[str]) -> pd.Series:
    """levels_exclusive: yes/no with the one vocabulary; an empty cell means yes."""
    parsed = parse_yes_no(
        values.reset_index(drop=True).map(
            lambda v: None if isinstance(v, str) and v.strip().lower() in ("nan", "none") else v
        ),
        path="", column="levels_exclusive", empty=True, problems=problems,
    )
    return parsed.set_axis(values.index)


def _check_rubric(table: pd.DataFrame, name: str, *, shares: bool) -> pd.DataFrame:
    """Validate a Table 4-like frame; row numbers in messages count the header as row 1."""
    if not isinstance(table, pd.DataFrame):
        raise InputDataError(f"{name}: expected a table, got {type(table).__name__}.")
    need = _REQUIRED if shares else _REQUIRED[:3]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise InputDataError(
            f"{name}: columns missing: {', '.join(missing)}. The rubric needs "
            f"{', '.join(need)} (and optionally levels_exclusive)."
        )
    problems: list[str] = []
    t = table.reset_index(drop=True).copy()
    t["aspect"] = t["aspect"].astype(str).str.strip()
    t["dimension"] = t["dimension"].astype(str).str.strip()
    level = pd.to_numeric(t["level"], errors="coerce")
    bad = t.index[level.isna() | (level < 1) | (level != np.floor(level))]
    if len(bad):
        problems.append(
            f"column 'level': levels must be whole numbers ≥ 1. Rows: "
            f"{format_items(i + 2 for i in bad)}."
        )
    t["level"] = level.fillna(0).astype(int)
    if shares:
        share = pd.to_numeric(t["share_pct"], errors="coerce")
        bad = t.index[share.isna() | (share < 0) | (share > 100)]
        if len(bad):
            problems.append(
                "column 'share_pct': shares must be numbers from 0 to 100 (write 0 for '-'). "
                f"Rows: {format_items(i + 2 for i in bad)}."
            )
        t["share_pct"] = share.astype(float)
    if "levels_exclusive" in t.columns:
        t["levels_exclusive"] = _exclusive(t["levels_exclusive"], problems)
    else:
        t["levels_exclusive"] = True
    dup = t.duplicated(["dimension", "level"], keep=False)
    if dup.any():
        problems.append(
            "a dimension lists the same level twice. Rows: "
            f"{format_items(i + 2 for i in t.index[dup])}."
        )
    per_dim = t.groupby("dimension", sort=False)
    multi_aspect = [d for d, g in per_dim if g["aspect"].nunique() > 1]
    if multi_aspect:
        problems.append(
            f"dimensions listed under several aspects: {format_items(multi_aspect)}. Give each "
            "dimension one aspect."
        )
    mixed = [d for d, g in per_dim if g["levels_exclusive"].nunique() > 1]
    if mixed:
        problems.append(
            f"levels_exclusive differs between levels of: {format_items(mixed)}. Use one value "
            "per dimension."
        )
    single = [d for d, g in per_dim if g["level"].max() < 2]
    if single:
        problems.append(
            f"dimensions with fewer than two levels cannot be scored: {format_items(single)}."
        )
    if problems:
        raise InputDataError(
            f"{name}: " + (problems[0] if len(problems) == 1 else " ".join(problems)),
            problems=problems,
        )
    return t


def survey_to_assessment(survey: pd.DataFrame, rubric: pd.DataFrame) -> pd.DataFrame:
    """Shares per level from per-firm survey answers.

    Parameters
    ----------
    survey : pandas.DataFrame
        One row per firm and answer: ``firm_id``, ``dimension``, ``level``. In an exclusive
        dimension each firm gives at most one level; in a non-exclusive one it lists every
        practice it follows.
    rubric : pandas.DataFrame
        The rubric: ``aspect``, ``dimension``, ``level`` and optionally ``levels_exclusive``
        (Table 4 itself works; its ``share_pct`` is ignored).

    Returns
    -------
    pandas.DataFrame
        The rubric rows with ``share_pct`` (0–100) and ``n_firms``. Exclusive dimensions: share of
        the firms that answered the dimension. Non-exclusive: share of all firms in the survey
        (a firm that does not list a practice does not follow it).
    """
    rub = _check_rubric(rubric, "rubric", shares=False)
    if not isinstance(survey, pd.DataFrame):
        raise InputDataError(f"survey: expected a table, got {type(survey).__name__}.")
    missing = [c for c in ("firm_id", "dimension", "level") if c not in survey.columns]
    if missing:
        raise InputDataError(f"survey: columns missing: {', '.join(missing)}.")
    s = survey.reset_index(drop=True).copy()
    s["dimension"] = s["dimension"].astype(str).str.strip()
    s["level"] = pd.to_numeric(s["level"], errors="coerce")
    problems: list[str] = []
    valid = set(zip(rub["dimension"], rub["level"], strict=True))
    bad = s.index[[(d, lv) not in valid for d, lv in zip(s["dimension"], s["level"], strict=True)]]
    if len(bad):
        problems.append(
            "dimension or level not in the rubric. Rows: "
            f"{format_items(i + 2 for i in bad)}. Use the rubric's dimension names and levels."
        )
    exclusive = rub.groupby("dimension")["levels_exclusive"].first()
    s = s.drop_duplicates(["firm_id", "dimension", "level"])
    counts = s.groupby(["dimension", "firm_id"]).size()
    ex_multi = [
        f"{firm} in {dim}"
        for (dim, firm), c in counts.items()
        if c > 1 and bool(exclusive.get(dim, True))
    ]
    if ex_multi:
        problems.append(
            f"firms with several levels in an exclusive dimension: {format_items(ex_multi)}. "
            "Keep one level per firm."
        )
    if problems:
        raise InputDataError(
            "survey: " + (problems[0] if len(problems) == 1 else " ".join(problems)),
            problems=problems,
        )
    n_all = s["firm_id"].nunique()
    answered = s.groupby("dimension")["firm_id"].nunique()
    at_level = s.groupby(["dimension", "level"])["firm_id"].nunique()
    out = rub.drop(columns=["share_pct"], errors="ignore").copy()
    denom = np.where(
        out["levels_exclusive"], out["dimension"].map(answered).fillna(0).to_numpy(), n_all
    ).astype(float)
    count = np.array(
        [at_level.get((d, lv), 0) for d, lv in zip(out["dimension"], out["level"], strict=True)],
        dtype=float,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share_pct"] = np.where(denom > 0, 100.0 * count / denom, np.nan)
    out["n_firms"] = denom.astype(int)
    unanswered = sorted(set(out.loc[denom == 0, "dimension"]))
    if unanswered:
        logger.info("Survey: no answers for %s; their shares are NaN.", format_items(unanswered))
    return out


def readiness(
    assessment: pd.DataFrame,
    *,
    rubric: pd.DataFrame | None = None,
    share_tolerance_pct: float = 1.0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Readiness scores per dimension and per aspect.

    Parameters
    ----------
    assessment : pandas.DataFrame
        Table 4 format: ``aspect``, ``dimension``, ``level``, ``share_pct`` (0–100), optionally
        ``levels_exclusive`` (yes/no, default yes) and ``note``; or per-firm survey rows
        (``firm_id``, ``dimension``, ``level``), in which case ``rubric`` is required.
    rubric : pandas.DataFrame, optional
        The rubric for survey rows (see :func:`survey_to_assessment`).
    share_tolerance_pct : float
        Totals of an exclusive dimension within this many points of 100 % are not flagged.

    Returns
    -------
    by_dimension : pandas.DataFrame
        Indexed by ``dimension`` (Indonesian label) with ``aspect``, ``dimension_en``,
        ``aspect_en``, ``levels``, ``exclusive``, ``share_total_pct``, ``shares_flag``,
        ``treatment`` (``ordinal``, ``ordinal_normalised`` or ``practices_mean``), ``score`` (0–1)
        and ``note`` (the notes of its rows, joined).
    by_aspect : pandas.DataFrame
        Indexed by ``aspect`` with ``aspect_en``, ``score`` (mean of its dimensions, 0–1),
        ``n_dimensions``, ``weakest_dimension`` and ``any_shares_flag``.
    """
    if isinstance(assessment, pd.DataFrame) and "firm_id" in assessment.columns:
        if rubric is None:
            raise InputDataError(
                "assessment: per-firm survey rows (firm_id, dimension, level) need the rubric "
                "(aspect, dimension, level, levels_exclusive); pass rubric=..."
            )
        assessment = survey_to_assessment(assessment, rubric)
    t = _check_rubric(assessment, "assessment", shares=True)
    if "note" not in t.columns:
        t["note"] = ""
    rows = []
    for dim, g in t.groupby("dimension", sort=False):
        levels = int(g["level"].max())
        exclusive = bool(g["levels_exclusive"].iloc[0])
        frac = g["share_pct"].to_numpy(dtype=float) / 100.0
        total = float(np.nansum(frac))
        pos = (g["level"].to_numpy() - 1) / (levels - 1)
        flag = False
        if g["share_pct"].isna().any():
            value, treatment = np.nan, "no answers"
        elif not exclusive:
            value, treatment = float(frac.sum() / levels), "practices_mean"
        elif total <= 0:
            value, treatment, flag = np.nan, "ordinal", True
        else:
            value = float((frac * pos).sum() / total)
            flag = abs(total * 100 - 100) > share_tolerance_pct
            treatment = "ordinal_normalised" if flag else "ordinal"
        notes = "; ".join(
            dict.fromkeys(str(n) for n in g["note"] if isinstance(n, str) and n.strip())
        )
        aspect = str(g["aspect"].iloc[0])
        rows.append(
            {
                "dimension": dim,
                "aspect": aspect,
                "dimension_en": _translate(dim, DIMENSIONS_EN),
                "aspect_en": _translate(aspect, ASPECTS_EN),
                "levels": levels,
                "exclusive": exclusive,
                "share_total_pct": total * 100,
                "shares_flag": flag,
                "treatment": treatment,
                "score": value,
                "note": notes,
            }
        )
    by_dimension = pd.DataFrame(rows).set_index("dimension")
    flagged = by_dimension.index[by_dimension["shares_flag"]]
    if len(flagged):
        logger.warning(
            "Readiness: shares of %s do not add up to 100 %%; normalised by their total.",
            format_items(flagged),
        )
    aspects = []
    for aspect, g in by_dimension.groupby("aspect", sort=False):
        weakest = g["score"].idxmin() if g["score"].notna().any() else None
        aspects.append(
            {
                "aspect": aspect,
                "aspect_en": g["aspect_en"].iloc[0],
                "score": g["score"].mean(),
                "n_dimensions": len(g),
                "weakest_dimension": weakest,
                "any_shares_flag": bool(g["shares_flag"].any()),
            }
        )
    by_aspect = pd.DataFrame(aspects).set_index("aspect")
    return by_dimension, by_aspect


def weakest_dimensions(by_dimension: pd.DataFrame, k: int = 4) -> pd.DataFrame:
    """The *k* dimensions with the lowest readiness score (ties keep the rubric's order).

    Parameters
    ----------
    by_dimension : pandas.DataFrame
        First output of :func:`readiness`.
    k : int
        How many to return.

    Returns
    -------
    pandas.DataFrame
        The rows of ``by_dimension``, weakest first.
    """
    return by_dimension.sort_values("score", kind="mergesort", na_position="last").head(int(k))
