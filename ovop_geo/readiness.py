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

from .errors import InputDataError, format_items, raise_problems
from .messages import msg
from .validate import parse_yes_no

__all__ = [
    "ASPECTS_EN",
    "BRAND_DIMENSION",
    "BRAND_REGISTERED_INDICATOR",
    "DIMENSIONS_EN",
    "FIRM_COLUMNS",
    "firm_assessment_template",
    "firm_rubric",
    "firm_scores",
    "firms_from_survey",
    "readiness",
    "readiness_by",
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
        path="",
        column="levels_exclusive",
        empty=True,
        problems=problems,
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


# --------------------------------------------------------------------------------------------
# per-firm rows: readiness per firm, per product, per village (a criterion for the sentra step)
# --------------------------------------------------------------------------------------------
#: The rubric dimension whose printed levels are incomplete (Table 4 prints two, 40 % + 98 %).
BRAND_DIMENSION = "Merek"

#: The level the paper's text implies above "brand not registered at HKI" (assumption): "the
#: use of a brand already has a PRT licence and is listed but does not yet hold HKI" (60 %)
#: means a registered brand is the top level.
BRAND_REGISTERED_INDICATOR = "Mempunyai merek terdaftar di HKI"

#: Identity columns of a per-firm row (one row per firm); the other columns are dimensions.
FIRM_COLUMNS = ("firm_id", "village_code", "village_name", "product")

_NONE_WORDS = frozenset({"0", "-", "none", "tidak ada"})
_IGNORED_COLUMNS = frozenset({"note", "source", "catatan", "sumber"})


def firm_rubric(rubric: pd.DataFrame) -> pd.DataFrame:
    """The rubric for per-firm rows: Table 4's levels, with the brand dimension made whole.

    Table 4 prints two Merek levels ("no brand" 40 %, "brand not registered at HKI" 98 %) that
    add up to 138 %, and the text implies a third (a brand registered at HKI). Where the brand
    dimension has exactly two levels, a third, :data:`BRAND_REGISTERED_INDICATOR`, is added, so
    "brand not registered" is the middle level (score 0.5, not 1); its rows get
    ``assumed = True`` and a ``rubric_note`` saying so. Other dimensions are kept as printed.

    Parameters
    ----------
    rubric : pandas.DataFrame
        ``aspect``, ``dimension``, ``level`` and optionally ``levels_exclusive`` and
        ``indicator_as_printed`` (Table 4 works; ``share_pct`` is ignored).

    Returns
    -------
    pandas.DataFrame
        ``aspect``, ``dimension``, ``level``, ``levels_exclusive``, ``indicator``, ``assumed``
        (bool) and ``rubric_note``, in the rubric's order.
    """
    t = _check_rubric(rubric, "rubric", shares=False)
    out = pd.DataFrame(
        {
            "aspect": t["aspect"],
            "dimension": t["dimension"],
            "level": t["level"].astype(int),
            "levels_exclusive": t["levels_exclusive"].astype(bool),
            "indicator": (
                t["indicator_as_printed"].fillna("").astype(str)
                if "indicator_as_printed" in t.columns
                else ""
            ),
        }
    )
    out["assumed"] = False
    out["rubric_note"] = ""
    brand = out["dimension"].str.casefold() == BRAND_DIMENSION.casefold()
    if brand.any() and int(out.loc[brand, "level"].max()) == 2:
        note = str(msg("readiness.brand_middle"))
        out.loc[brand, "assumed"] = True
        out.loc[brand, "rubric_note"] = note
        first = out[brand].iloc[0]
        extra = pd.DataFrame(
            [
                {
                    "aspect": first["aspect"],
                    "dimension": first["dimension"],
                    "level": 3,
                    "levels_exclusive": True,
                    "indicator": BRAND_REGISTERED_INDICATOR,
                    "assumed": True,
                    "rubric_note": note,
                }
            ]
        )
        last = int(np.flatnonzero(brand.to_numpy())[-1])
        out = pd.concat([out.iloc[: last + 1], extra, out.iloc[last + 1 :]], ignore_index=True)
    return out.reset_index(drop=True)


def firm_assessment_template(rubric: pd.DataFrame) -> pd.DataFrame:
    """An empty per-firm assessment table (headers only) for a planner to fill in.

    Columns: :data:`FIRM_COLUMNS` then one column per rubric dimension (Indonesian label, as in
    Table 4). A cell holds the firm's level (1 = weakest; see :func:`firm_rubric` for what each
    level means); in a dimension whose levels are separate practices (Partisipasi Masyarakat)
    it lists every practice the firm follows, separated by ``;`` (``1;3``), or ``0`` for none.
    An empty cell is unknown.
    """
    dims = list(dict.fromkeys(firm_rubric(rubric)["dimension"]))
    return pd.DataFrame(columns=[*FIRM_COLUMNS, *dims], dtype=object)


def _parse_levels(cell: object, levels: int, exclusive: bool) -> float | None:
    """Score 0–1 of one cell; NaN if empty; None if not understood."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return np.nan
    text = str(cell).strip().casefold()
    if text in ("", "nan"):
        return np.nan
    if not exclusive and text in _NONE_WORDS:
        return 0.0
    parts = [p for p in text.replace(",", ";").replace(" ", ";").split(";") if p]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return None
    if not numbers or any(n != int(n) or not 1 <= n <= levels for n in numbers):
        return None
    if exclusive:
        if len(numbers) != 1:
            return None
        return (numbers[0] - 1) / (levels - 1)
    return len(set(numbers)) / levels


def firm_scores(firms: pd.DataFrame, rubric: pd.DataFrame, *, name: str = "firms") -> pd.DataFrame:
    """Readiness of every firm from per-firm rows (one row per firm, one column per dimension).

    Parameters
    ----------
    firms : pandas.DataFrame
        :func:`firm_assessment_template` filled in: ``firm_id`` (unique), ``product``,
        ``village_code`` and/or ``village_name`` (at least one per row), and dimension columns
        (names as in the rubric, case and spaces ignored; missing columns are unknown). Columns
        ``note`` and ``source`` are ignored.
    rubric : pandas.DataFrame
        The rubric (Table 4); completed by :func:`firm_rubric`.
    name : str
        The file name used in messages.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``firm_id``: ``village_code``, ``village_name``, ``product``, one score
        column per dimension (0–1, NaN unknown: exclusive levels ``(level − 1) / (L − 1)``,
        practices ``count / L``), ``dimensions_answered``, ``readiness`` (0–1: the mean over
        aspects of the mean of their answered dimensions) and ``brand_middle_level`` (True where
        the firm's brand is at the middle level the paper does not print as such).

    Raises
    ------
    InputDataError
        Every problem at once: missing identity columns, empty or repeated firm ids, rows
        without product or village, columns that are not dimensions, levels outside the rubric
        (naming the firm and the column).
    """
    rub = firm_rubric(rubric)
    if not isinstance(firms, pd.DataFrame):
        raise InputDataError(msg("readiness.not_table", name=name, kind=type(firms).__name__))
    problems: list[str] = []
    f = firms.reset_index(drop=True).copy()
    f.columns = [str(c).strip() for c in f.columns]
    need = [c for c in ("firm_id", "product") if c not in f.columns]
    if not any(c in f.columns for c in ("village_code", "village_name")):
        need.append("village_code or village_name")
    if need:
        raise InputDataError(msg("readiness.firm_columns", name=name, columns=need))
    for c in ("village_code", "village_name"):
        if c not in f.columns:
            f[c] = ""
    for c in ("firm_id", "product", "village_code", "village_name"):
        f[c] = f[c].fillna("").astype(str).str.strip()
    rows = [i + 2 for i in f.index]  # the header is row 1
    empty_id = [r for r, v in zip(rows, f["firm_id"], strict=True) if not v]
    if empty_id:
        problems.append(msg("readiness.empty_firm_id", rows=format_items(empty_id)))
    dup = sorted({v for v in f["firm_id"] if v and (f["firm_id"] == v).sum() > 1})
    if dup:
        problems.append(msg("readiness.duplicate_firm", firms=format_items(dup)))
    ids = [v or f"row {r}" for v, r in zip(f["firm_id"], rows, strict=True)]
    no_product = [i for i, v in zip(ids, f["product"], strict=True) if not v]
    if no_product:
        problems.append(msg("readiness.no_product", firms=format_items(no_product)))
    no_village = [
        i
        for i, a, b in zip(ids, f["village_code"], f["village_name"], strict=True)
        if not a and not b
    ]
    if no_village:
        problems.append(msg("readiness.no_village", firms=format_items(no_village)))
    dims = rub.groupby("dimension", sort=False).agg(
        levels=("level", "max"), exclusive=("levels_exclusive", "first"), aspect=("aspect", "first")
    )
    by_key = {d.casefold().replace(" ", ""): d for d in dims.index}
    columns: dict[str, str] = {}
    unknown_cols = []
    for c in f.columns:
        if c in FIRM_COLUMNS or c.casefold() in _IGNORED_COLUMNS:
            continue
        key = c.casefold().replace(" ", "")
        if key in by_key:
            columns[by_key[key]] = c
        else:
            unknown_cols.append(c)
    if unknown_cols:
        problems.append(
            msg("readiness.unknown_columns", columns=unknown_cols, known=list(dims.index))
        )
    out = f[["firm_id", "village_code", "village_name", "product"]].copy()
    for dim, info in dims.iterrows():
        col = columns.get(dim)
        if col is None:
            out[dim] = np.nan
            continue
        scores = [_parse_levels(v, int(info["levels"]), bool(info["exclusive"])) for v in f[col]]
        bad = [i for i, s in zip(ids, scores, strict=True) if s is None]
        if bad:
            hint = (
                msg("readiness.hint_level", levels=int(info["levels"]))
                if info["exclusive"]
                else msg("readiness.hint_practices", levels=int(info["levels"]))
            )
            problems.append(
                msg("readiness.bad_level", column=col, firms=format_items(bad), hint=hint)
            )
        out[dim] = [np.nan if s is None else s for s in scores]
    if problems:
        raise_problems(name, problems)
    dim_list = list(dims.index)
    values = out[dim_list].astype(float)
    aspect_means = values.T.groupby(dims["aspect"].to_numpy(), sort=False).mean().T
    out["dimensions_answered"] = values.notna().sum(axis=1).astype(int)
    out["readiness"] = aspect_means.mean(axis=1)
    brand = [d for d in dim_list if d.casefold() == BRAND_DIMENSION.casefold()]
    assumed = bool(rub.loc[rub["dimension"].isin(brand), "assumed"].any())
    if brand and assumed:
        out["brand_middle_level"] = np.isclose(values[brand[0]].to_numpy(), 0.5)
    else:
        out["brand_middle_level"] = False
    return out.set_index("firm_id")


def readiness_by(
    firms: pd.DataFrame,
    rubric: pd.DataFrame,
    *,
    by: str | tuple[str, ...] = ("village_code", "product"),
    name: str = "firms",
) -> pd.DataFrame:
    """Readiness of the firms of each village × product (or product, or village), 0–1.

    Per group, each dimension's score is the mean over the firms that answered it (for an
    exclusive dimension this equals Table 4's share-weighted score of those firms); each aspect
    is the mean of its answered dimensions, and ``readiness`` the mean of the aspects (every
    aspect weighs the same: an assumption, as the paper gives no weights). The kecamatan-level
    Table 4 stays a description (:func:`readiness`); this is the criterion for the sentra step.

    Parameters
    ----------
    firms, rubric, name
        See :func:`firm_scores`.
    by : str or tuple of str
        Grouping columns: ``("village_code", "product")`` (default, indexed like the criteria of
        :mod:`ovop_geo.mcda`), ``"product"``, ``"village_code"``, or ``village_name`` instead of
        ``village_code`` when the rows carry names only.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by``: ``readiness`` (0–1), ``n_firms``, ``share_dimensions_answered``
        (0–1: dimensions with at least one answer over the rubric's dimensions),
        ``weakest_dimension`` and ``weakest_dimension_en``, one ``aspect_<Aspect>`` column per
        aspect (0–1), ``brand_middle_level_firms`` (firms at the middle brand level), ``note``
        (what was assumed about the brand dimension, where it applies, in English) and
        ``note_id`` (its message id: ``msg(note_id).text("id")`` gives the Indonesian text).
    """
    scores = firm_scores(firms, rubric, name=name)
    keys = (by,) if isinstance(by, str) else tuple(by)
    allowed = ("village_code", "village_name", "product")
    bad = [k for k in keys if k not in allowed]
    if bad or not keys:
        raise InputDataError(msg("readiness.bad_by", by=list(keys), allowed=list(allowed)))
    for k in keys:
        blank = list(scores.index[scores[k] == ""])
        if blank:
            raise InputDataError(
                msg("readiness.blank_key", name=name, column=k, firms=format_items(blank))
            )
    rub = firm_rubric(rubric)
    dims = rub.groupby("dimension", sort=False)["aspect"].first()
    dim_list = list(dims.index)
    grouped = scores.groupby(list(keys), sort=True)
    per_dim = grouped[dim_list].mean()
    aspects = per_dim.T.groupby(dims.to_numpy(), sort=False).mean().T
    out = pd.DataFrame(index=per_dim.index)
    out["readiness"] = aspects.mean(axis=1)
    out["n_firms"] = grouped.size().astype(int)
    out["share_dimensions_answered"] = per_dim.notna().sum(axis=1) / len(dim_list)
    weakest = per_dim.apply(lambda r: r.astype(float).idxmin() if r.notna().any() else None, axis=1)
    out["weakest_dimension"] = weakest
    out["weakest_dimension_en"] = [
        None if w is None else _translate(w, DIMENSIONS_EN) for w in weakest
    ]
    for aspect in aspects.columns:
        out[f"aspect_{_translate(aspect, ASPECTS_EN)}"] = aspects[aspect]
    out["brand_middle_level_firms"] = grouped["brand_middle_level"].sum().astype(int)
    brand = [d for d in dim_list if d.casefold() == BRAND_DIMENSION.casefold()]
    assumed = bool(rub["assumed"].any())
    answered = per_dim[brand[0]].notna() if brand else pd.Series(False, index=out.index)
    applies = [assumed and bool(a) for a in answered]
    out["note"] = [str(msg("readiness.brand_middle")) if a else "" for a in applies]
    out["note_id"] = ["readiness.brand_middle" if a else "" for a in applies]
    return out


def firms_from_survey(survey: pd.DataFrame, *, name: str = "survey") -> pd.DataFrame:
    """Per-firm rows (one row per firm) from long survey rows (one row per firm and answer).

    Parameters
    ----------
    survey : pandas.DataFrame
        ``firm_id``, ``dimension``, ``level``, with ``product`` and ``village_code`` and/or
        ``village_name`` (the form ``ovop-geo qfd --survey`` reads, with the village added). A
        firm listing several levels of a dimension (practices) gets them joined by ``;``.
    name : str
        The file name used in messages.

    Returns
    -------
    pandas.DataFrame
        The form of :func:`firm_assessment_template`, ready for :func:`firm_scores` and
        :func:`readiness_by` (which check the levels against the rubric).
    """
    if not isinstance(survey, pd.DataFrame):
        raise InputDataError(msg("readiness.not_table", name=name, kind=type(survey).__name__))
    need = [c for c in ("firm_id", "product", "dimension", "level") if c not in survey.columns]
    if not any(c in survey.columns for c in ("village_code", "village_name")):
        need.append("village_code or village_name")
    if need:
        raise InputDataError(msg("readiness.firm_columns", name=name, columns=need))
    s = survey.copy()
    for c in ("village_code", "village_name"):
        if c not in s.columns:
            s[c] = ""
    for c in ("firm_id", "product", "village_code", "village_name", "dimension"):
        s[c] = s[c].fillna("").astype(str).str.strip()
    s["level"] = s["level"].map(lambda v: "" if pd.isna(v) else str(v).strip())
    ids = s.groupby("firm_id", sort=False)[["village_code", "village_name", "product"]]
    conflicting = [f for f, g in ids if (g.nunique() > 1).any()]
    if conflicting:
        raise InputDataError(
            msg("readiness.firm_conflict", name=name, firms=format_items(conflicting))
        )
    head = ids.first().reset_index()
    answers = (
        s[s["dimension"] != ""]
        .drop_duplicates(["firm_id", "dimension", "level"])
        .groupby(["firm_id", "dimension"], sort=False)["level"]
        .agg(lambda v: ";".join(x for x in v if x))
        .unstack("dimension")
    )
    dims = list(dict.fromkeys(s.loc[s["dimension"] != "", "dimension"]))
    wide = head.merge(
        answers.reindex(columns=dims), left_on="firm_id", right_index=True, how="left"
    )
    return wide[[*FIRM_COLUMNS, *dims]]
