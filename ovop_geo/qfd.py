"""From readiness to an improvement plan: a house of quality per product (QFD).

Quality function deployment (Akao; Hauser & Clausing, "The House of Quality", Harvard Business
Review 1988) relates what buyers need (rows, each with an importance 1-5) to how the firms can
respond (columns: the technical dimensions of the OVOP assessment rubric, the paper's Table 4)
through a relationship matrix of strengths 9 (strong), 3 (medium), 1 (weak) or 0 (none).

Arithmetic, per product:

- technical importance of a dimension ``d``: ``TI_d = Σ_needs importance_n × r_nd``; its
  technical weight ``w_d = TI_d / Σ_d TI_d`` (shares adding up to 1);
- readiness gap ``g_d = 1 − readiness_d`` (readiness 0-1 from :mod:`ovop_geo.readiness`: of the
  product's own firms where per-firm survey rows with a ``product`` column exist, else of all
  the surveyed firms of the region, i.e. kecamatan level);
- priority ``p_d = w_d × g_d`` and its share ``p_d / Σ_d p_d`` (adding up to 1);
- a support measure ``m`` moves dimensions with strengths ``s_md`` (9/3/1, the measures table);
  the priority it addresses is ``Σ_d share_d × s_md / 9`` and measures are ranked by it;
- what-if (a scenario, not a forecast): after the top measures, each dimension's gap becomes
  ``g_d × Π_m (1 − c × s_md / 9)`` with ``c`` the share of a gap one strongly linked measure
  closes (an assumption, :class:`QfdParams`); measures are assumed to act independently.

Every function takes and returns tables (no geometry, so no CRS applies) and never modifies its
inputs. Table checks name the file, the row (the header is row 1) and the column, and report every
problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from .bundled import params_table
from .errors import InputDataError, ParameterError, format_items
from .i18n import fmt_number, t
from .io import read_table
from .messages import msg
from .readiness import DIMENSIONS_EN, readiness

__all__ = [
    "CORRELATIONS",
    "STRENGTHS",
    "TABLE_FILES",
    "HouseOfQuality",
    "ImprovementPlan",
    "QfdParams",
    "QfdTables",
    "check_clusters",
    "check_tables",
    "dimension_priority",
    "export_frames",
    "house_of_quality",
    "improvement_plan",
    "load_tables",
    "output_files",
    "places_concerned",
    "places_text",
    "product_qfd",
    "product_readiness",
    "rank_measures",
    "relationship_matrix",
    "report_section",
    "scenario",
    "technical_importance",
]

#: Allowed relationship strengths (none, weak, medium, strong).
STRENGTHS = (0, 1, 3, 9)
#: Roof correlations between two dimensions, with a number for sorting.
CORRELATIONS: Mapping[str, int] = MappingProxyType({"++": 2, "+": 1, "-": -1, "--": -2})
#: Default file name of each table (as in ``data/params/``), used in messages for frames.
TABLE_FILES: Mapping[str, str] = MappingProxyType(
    {
        "products": "qfd_products.csv",
        "needs": "qfd_needs.csv",
        "relationships": "qfd_relationships.csv",
        "measures": "qfd_measures.csv",
        "roof": "qfd_roof.csv",
    }
)

#: Tables the arithmetic uses, flagged as assumptions when they are the bundled defaults.
FLAGGED_TABLES = ("products", "needs", "relationships", "measures")

_KEYS = ("product_family", "need_id")


# ------------------------------------------------------------------------------ parameters
@dataclass(frozen=True)
class QfdParams:
    """Parameters of the plan.

    Attributes
    ----------
    top_measures : int
        How many of the best-ranked measures the what-if applies (default 3).
    gap_closed_by_strong_link : float
        Share (0-1) of a dimension's readiness gap that one measure with a strong (9) link closes
        in the scenario; medium (3) and weak (1) links close a third and a ninth of it. Default
        0.5: an assumption (one programme cycle of a measure halves the gap it targets
        strongly), to be replaced by the programme's own monitoring figures.
    """

    top_measures: int = 3
    gap_closed_by_strong_link: float = 0.5

    def __post_init__(self) -> None:
        if isinstance(self.top_measures, bool) or int(self.top_measures) != self.top_measures:
            raise ParameterError(f"top_measures must be a whole number, not {self.top_measures!r}")
        if self.top_measures < 0:
            raise ParameterError(f"top_measures must be 0 or more, not {self.top_measures}")
        c = self.gap_closed_by_strong_link
        if not isinstance(c, int | float) or not 0.0 <= float(c) <= 1.0:
            raise ParameterError(f"gap_closed_by_strong_link must be from 0 to 1, not {c!r}")


# ------------------------------------------------------------------------------ tables
@dataclass(frozen=True)
class QfdTables:
    """The checked QFD tables (see :func:`check_tables`).

    Attributes
    ----------
    products : pandas.DataFrame
        Indexed by ``product``: ``product_family``.
    needs : pandas.DataFrame
        ``product_family``, ``need_id``, ``name_id``, ``name_en``, ``importance`` (1-5),
        ``reasoning``, ``source``. ``product_family`` may also be a product's own name.
    relationships : pandas.DataFrame
        Long rows ``product_family``, ``need_id``, ``dimension`` (Indonesian Table 4 label),
        ``strength`` (1, 3 or 9; zeros dropped), ``reasoning``, ``source``.
    measures : pandas.DataFrame
        Long rows ``measure_id``, ``name_id``, ``name_en``, ``dimension``, ``strength``,
        ``reasoning``, ``source`` (zeros dropped).
    roof : pandas.DataFrame
        ``dimension_a``, ``dimension_b``, ``correlation`` (``++``, ``+``, ``-``, ``--``),
        ``reasoning``; may be empty.
    files : Mapping
        Table -> file name as the user knows it (for messages and notes).
    user_tables : tuple of str
        Tables that came from the user rather than the bundled defaults.
    """

    products: pd.DataFrame
    needs: pd.DataFrame
    relationships: pd.DataFrame
    measures: pd.DataFrame
    roof: pd.DataFrame
    files: Mapping[str, str] = field(default_factory=lambda: dict(TABLE_FILES))
    user_tables: tuple[str, ...] = ()

    def family_key(self, table: str, product: str) -> str | None:
        """The ``product_family`` value whose rows of ``table`` apply to ``product``.

        A product's own rows (``product_family`` equal to the product) win over its family's.
        """
        frame = self.needs if table == "needs" else self.relationships
        keys = set(frame["product_family"])
        if product in keys:
            return product
        family = self.products["product_family"].get(product)
        return family if family in keys else None


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    return frame[column].map(lambda v: "" if pd.isna(v) else str(v).strip())


def _rows(mask: pd.Series | np.ndarray) -> str:
    return format_items(int(i) + 2 for i in np.flatnonzero(np.asarray(mask)))


def _as_strength(values: pd.Series) -> pd.Series:
    """Strengths as numbers; anything not 0, 1, 3 or 9 becomes NaN (empty cells count as 0)."""

    def conv(v: object) -> float:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return 0.0
        word = str(v).strip()
        if word == "":
            return 0.0
        try:
            x = float(word.replace(",", "."))
        except ValueError:
            return np.nan
        return x if x in STRENGTHS else np.nan

    return values.map(conv).astype(float)


def _dimension_lookup(dimensions: Sequence[str]) -> dict[str, str]:
    """Case-insensitive lookup of Indonesian and English dimension labels -> Indonesian label."""
    lookup: dict[str, str] = {}
    for dim in dimensions:
        lookup[str(dim).strip().casefold()] = str(dim)
        english = DIMENSIONS_EN.get(dim)
        if english:
            lookup[english.casefold()] = str(dim)
    return lookup


def _required(frame: object, columns: Sequence[str], shown: str, out: list[str]) -> bool:
    if not isinstance(frame, pd.DataFrame):
        out.append(f"{shown}: expected a table, got {type(frame).__name__}.")
        return False
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        out.append(
            f"{shown}: columns missing: {', '.join(missing)}. The table needs {', '.join(columns)}."
        )
        return False
    return True


def _empty_cells(frame: pd.DataFrame, columns: Sequence[str], shown: str, out: list[str]) -> None:
    for col in columns:
        empty = _text(frame, col) == ""
        if empty.any():
            out.append(f"{shown}: row {_rows(empty)}, column '{col}': empty cells. Fill them in.")


def _check_dimensions(
    frame: pd.DataFrame, column: str, lookup: Mapping[str, str], shown: str, out: list[str]
) -> pd.Series:
    names = _text(frame, column)
    mapped = names.map(lambda n: lookup.get(n.casefold()))
    bad = mapped.isna() & (names != "")
    if bad.any():
        unknown = format_items(dict.fromkeys(names[bad]))
        out.append(
            f"{shown}: row {_rows(bad)}, column '{column}': unknown dimensions {unknown}. Use the "
            "dimension names of the assessment rubric (Table 4), e.g. 'Pembukuan' or "
            "'Bookkeeping'."
        )
    return mapped


def _check_strength(frame: pd.DataFrame, column: str, shown: str, out: list[str]) -> pd.Series:
    strength = _as_strength(frame[column])
    bad = strength.isna()
    if bad.any():
        values = format_items(dict.fromkeys(_text(frame, column)[bad]))
        out.append(
            f"{shown}: row {_rows(bad)}, column '{column}': values {values} are not 0, 1, 3 or 9 "
            "(9 strong, 3 medium, 1 weak, 0 or empty none)."
        )
    return strength


def _wide_to_long(frame: pd.DataFrame, lookup: Mapping[str, str]) -> tuple[pd.DataFrame, dict]:
    """A wide matrix (one column per dimension) as long rows; remembers each cell's column."""
    dims = [
        c
        for c in frame.columns
        if c not in (*_KEYS, "reasoning", "source", "name_id", "name_en", "importance", "note")
    ]
    rows = []
    origin = {}
    for i, (_, row) in enumerate(frame.iterrows()):
        for col in dims:
            rows.append(
                {
                    "product_family": row["product_family"],
                    "need_id": row["need_id"],
                    "dimension": col,
                    "strength": row[col],
                    "reasoning": "",
                    "source": row.get("source", ""),
                }
            )
            origin[len(rows) - 1] = (i, col)
    return pd.DataFrame(
        rows, columns=["product_family", "need_id", "dimension", "strength", "reasoning", "source"]
    ), origin


def _check_relationships(
    frame: pd.DataFrame,
    lookup: Mapping[str, str],
    needs: pd.DataFrame | None,
    shown: str,
    out: list[str],
) -> pd.DataFrame | None:
    if not _required(frame, _KEYS, shown, out):
        return None
    n0 = len(out)
    _empty_cells(frame, _KEYS, shown, out)
    if "dimension" in frame.columns:
        if not _required(frame, ("dimension", "strength"), shown, out):
            return None
        long = pd.DataFrame(
            {
                "product_family": _text(frame, "product_family"),
                "need_id": _text(frame, "need_id"),
                "dimension": _check_dimensions(frame, "dimension", lookup, shown, out),
                "strength": _check_strength(frame, "strength", shown, out),
                "reasoning": _text(frame, "reasoning"),
                "source": _text(frame, "source"),
            }
        )
        row_of = pd.Series(np.arange(len(frame)), index=long.index)
    else:
        # Wide: the header names the dimensions; report unknown headers and bad cells by column.
        extra = [
            c
            for c in frame.columns
            if c not in (*_KEYS, "reasoning", "source", "name_id", "name_en", "importance", "note")
        ]
        unknown = [c for c in extra if str(c).strip().casefold() not in lookup]
        if unknown:
            out.append(
                f"{shown}: row 1 (header), columns {format_items(unknown)}: unknown dimensions. "
                "Use the dimension names of the assessment rubric (Table 4)."
            )
        if not extra:
            out.append(
                f"{shown}: no 'dimension' and 'strength' columns, and no dimension "
                "columns either. Give long rows (product_family, need_id, dimension, "
                "strength) or one column per dimension."
            )
            return None
        for col in extra:
            s = _as_strength(frame[col])
            if s.isna().any():
                values = format_items(dict.fromkeys(_text(frame, col)[s.isna()]))
                out.append(
                    f"{shown}: row {_rows(s.isna())}, column '{col}': values {values} are "
                    "not 0, 1, 3 or 9 (9 strong, 3 medium, 1 weak, 0 or empty none)."
                )
        long, origin = _wide_to_long(frame, lookup)
        long["product_family"] = _text(long, "product_family")
        long["need_id"] = _text(long, "need_id")
        long["dimension"] = long["dimension"].map(lambda c: lookup.get(str(c).strip().casefold()))
        long["strength"] = _as_strength(long["strength"])
        row_of = pd.Series([origin[i][0] for i in range(len(long))], index=long.index)
    ok = long["dimension"].notna() & long["strength"].notna()
    dup = long[ok].duplicated(["product_family", "need_id", "dimension"], keep=False)
    if dup.any():
        rows = format_items(sorted({int(row_of[i]) + 2 for i in dup[dup].index}))
        out.append(
            f"{shown}: row {rows}: the same need and dimension are given twice for a "
            "product family. Keep one row each."
        )
    if needs is not None:
        known = set(zip(needs["product_family"], needs["need_id"], strict=True))
        families = set(needs["product_family"])
        fam_missing = ~long["product_family"].isin(families) & (long["product_family"] != "")
        if fam_missing.any():
            rows = format_items(
                sorted({int(row_of[i]) + 2 for i in fam_missing[fam_missing].index})
            )
            out.append(
                f"{shown}: row {rows}, column 'product_family': "
                f"{format_items(dict.fromkeys(long.loc[fam_missing, 'product_family']))} not in "
                "the importance table. Give the buyer needs of every product family."
            )
        unknown_need = np.array(
            [
                (f, n) not in known
                for f, n in zip(long["product_family"], long["need_id"], strict=True)
            ],
            dtype=bool,
        )
        need_missing = ~fam_missing & (long["need_id"] != "") & unknown_need
        if need_missing.any():
            rows = format_items(
                sorted({int(row_of[i]) + 2 for i in need_missing[need_missing].index})
            )
            out.append(
                f"{shown}: row {rows}, column 'need_id': "
                f"{format_items(dict.fromkeys(long.loc[need_missing, 'need_id']))} not a need of "
                "that product family in the importance table."
            )
    if len(out) > n0:
        return None
    return long[long["strength"] > 0].reset_index(drop=True)


def _check_needs(frame: pd.DataFrame, shown: str, out: list[str]) -> pd.DataFrame | None:
    if not _required(frame, (*_KEYS, "importance"), shown, out):
        return None
    n0 = len(out)
    _empty_cells(frame, _KEYS, shown, out)
    imp = pd.to_numeric(_text(frame, "importance").str.replace(",", "."), errors="coerce")
    bad = imp.isna() | (imp < 1) | (imp > 5) | (imp != np.floor(imp))
    if bad.any():
        values = format_items(dict.fromkeys(_text(frame, "importance")[bad]))
        out.append(
            f"{shown}: row {_rows(bad)}, column 'importance': values {values} are not "
            "whole numbers from 1 (minor) to 5 (essential)."
        )
    need = pd.DataFrame(
        {
            "product_family": _text(frame, "product_family"),
            "need_id": _text(frame, "need_id"),
        }
    )
    dup = need.duplicated(keep=False) & (need["need_id"] != "")
    if dup.any():
        out.append(
            f"{shown}: row {_rows(dup)}: a need is listed twice for a product family. "
            "Keep one row each."
        )
    if len(out) > n0:
        return None
    name_id = _text(frame, "name_id")
    name_en = _text(frame, "name_en")
    return pd.DataFrame(
        {
            **need,
            "name_id": name_id.where(name_id != "", need["need_id"]),
            "name_en": name_en.where(name_en != "", name_id.where(name_id != "", need["need_id"])),
            "importance": imp.astype(int),
            "reasoning": _text(frame, "reasoning"),
            "source": _text(frame, "source"),
        }
    ).reset_index(drop=True)


def _check_products(frame: pd.DataFrame, shown: str, out: list[str]) -> pd.DataFrame | None:
    if not _required(frame, ("product", "product_family"), shown, out):
        return None
    n0 = len(out)
    _empty_cells(frame, ("product", "product_family"), shown, out)
    product = _text(frame, "product")
    dup = product.duplicated(keep=False) & (product != "")
    if dup.any():
        out.append(
            f"{shown}: row {_rows(dup)}, column 'product': products listed twice. Give "
            "each product one family."
        )
    if len(out) > n0:
        return None
    return pd.DataFrame(
        {
            "product_family": _text(frame, "product_family").to_numpy(),
            "source": _text(frame, "source").to_numpy(),
        },
        index=pd.Index(product.to_numpy(), name="product"),
    )


def _check_measures(
    frame: pd.DataFrame, lookup: Mapping[str, str], shown: str, out: list[str]
) -> pd.DataFrame | None:
    if not _required(frame, ("measure_id", "dimension", "strength"), shown, out):
        return None
    n0 = len(out)
    _empty_cells(frame, ("measure_id", "dimension"), shown, out)
    long = pd.DataFrame(
        {
            "measure_id": _text(frame, "measure_id"),
            "name_id": _text(frame, "name_id"),
            "name_en": _text(frame, "name_en"),
            "dimension": _check_dimensions(frame, "dimension", lookup, shown, out),
            "strength": _check_strength(frame, "strength", shown, out),
            "reasoning": _text(frame, "reasoning"),
            "source": _text(frame, "source"),
        }
    )
    ok = long["dimension"].notna()
    dup = ok & long.duplicated(["measure_id", "dimension"], keep=False)
    if dup.any():
        out.append(
            f"{shown}: row {_rows(dup)}: a measure lists the same dimension twice. Keep "
            "one row each."
        )
    if len(out) > n0:
        return None
    # One name per measure: the first non-empty one (rows may leave it empty after the first).
    for col in ("name_id", "name_en"):
        first = long[long[col] != ""].groupby("measure_id")[col].first()
        long[col] = long["measure_id"].map(first).fillna(long["measure_id"])
    return long[long["strength"] > 0].reset_index(drop=True)


def _check_roof(
    frame: pd.DataFrame, lookup: Mapping[str, str], shown: str, out: list[str]
) -> pd.DataFrame | None:
    if not _required(frame, ("dimension_a", "dimension_b", "correlation"), shown, out):
        return None
    n0 = len(out)
    a = _check_dimensions(frame, "dimension_a", lookup, shown, out)
    b = _check_dimensions(frame, "dimension_b", lookup, shown, out)
    corr = _text(frame, "correlation")
    bad = ~corr.isin(list(CORRELATIONS))
    if bad.any():
        out.append(
            f"{shown}: row {_rows(bad)}, column 'correlation': values "
            f"{format_items(dict.fromkeys(corr[bad]))} are not ++, +, - or --."
        )
    same = a.notna() & (a == b)
    if same.any():
        out.append(f"{shown}: row {_rows(same)}: a dimension is correlated with itself.")
    if len(out) > n0:
        return None
    return pd.DataFrame(
        {
            "dimension_a": a,
            "dimension_b": b,
            "correlation": corr,
            "reasoning": _text(frame, "reasoning"),
        }
    ).reset_index(drop=True)


def check_tables(
    *,
    products: pd.DataFrame,
    needs: pd.DataFrame,
    relationships: pd.DataFrame,
    measures: pd.DataFrame,
    roof: pd.DataFrame | None = None,
    dimensions: Sequence[str] | None = None,
    required_products: Sequence[str] = (),
    files: Mapping[str, str] | None = None,
    user_tables: Sequence[str] = (),
) -> QfdTables:
    """Check the QFD tables together and return them cleaned.

    Parameters
    ----------
    products, needs, relationships, measures, roof : pandas.DataFrame
        As read from CSV (text cells; see the ``data/params/qfd_*.csv`` defaults). The
        relationship matrix may be long (``product_family``, ``need_id``, ``dimension``,
        ``strength``) or wide (``product_family``, ``need_id`` and one column per dimension).
    dimensions : sequence of str, optional
        The technical dimensions (Indonesian labels); default the paper's Table 4 dimensions.
        English labels of Table 4 are accepted in the tables and mapped to these.
    required_products : sequence of str
        Products that must have buyer needs and relationships (e.g. the region's products).
    files : Mapping, optional
        Table -> file name to name in messages (default :data:`TABLE_FILES`).
    user_tables : sequence of str
        Which tables the user supplied (recorded; shown beside the house of quality).

    Returns
    -------
    QfdTables

    Raises
    ------
    InputDataError
        Every problem of every table at once, each naming the file, the row (the header is row 1)
        and the column: missing columns, empty cells, unknown dimensions, strengths other than 0,
        1, 3, 9, importances outside 1-5, needs or families not in the importance table,
        duplicates, and required products without needs or relationships.
    """
    names = {**TABLE_FILES, **(files or {})}
    lookup = _dimension_lookup(list(dimensions) if dimensions is not None else list(DIMENSIONS_EN))
    out: list[str] = []
    prod = _check_products(products, names["products"], out)
    need = _check_needs(needs, names["needs"], out)
    rel = _check_relationships(relationships, lookup, need, names["relationships"], out)
    meas = _check_measures(measures, lookup, names["measures"], out)
    rf = (
        pd.DataFrame(columns=["dimension_a", "dimension_b", "correlation", "reasoning"])
        if roof is None
        else _check_roof(roof, lookup, names["roof"], out)
    )
    if prod is not None and need is not None and rel is not None:
        tables = QfdTables(prod, need, rel, pd.DataFrame(), pd.DataFrame())
        for product in dict.fromkeys(str(p) for p in required_products):
            family = prod["product_family"].get(product)
            hint = (
                f"rows with product_family '{family}' (its family) or '{product}'"
                if family
                else f"the product to {names['products']} with its family, or "
                f"rows with product_family '{product}'"
            )
            if tables.family_key("needs", product) is None:
                out.append(
                    f"{names['needs']}: column 'product_family': no buyer needs for "
                    f"product '{product}'. Add {hint}."
                )
            elif tables.family_key("relationships", product) is None:
                out.append(
                    f"{names['relationships']}: column 'product_family': no "
                    f"relationships for product '{product}'. Add {hint}."
                )
    if out:
        message = out[0] if len(out) == 1 else msg("problems.qfd_tables", n=len(out), problems=out)
        first = next((f for f in names.values() if out[0].startswith(f)), None)
        raise InputDataError(message, path=first, problems=out)
    return QfdTables(prod, need, rel, meas, rf, MappingProxyType(dict(names)), tuple(user_tables))


# ------------------------------------------------------------------------------ arithmetic
def relationship_matrix(
    relationships: pd.DataFrame, needs: Sequence[str], dimensions: Sequence[str]
) -> pd.DataFrame:
    """Long relationship rows of one product as a needs × dimensions matrix of 0/1/3/9.

    Parameters
    ----------
    relationships : pandas.DataFrame
        Rows ``need_id``, ``dimension``, ``strength`` of one product family.
    needs, dimensions : sequence of str
        Row and column order.

    Returns
    -------
    pandas.DataFrame
        int64, indexed by ``need_id``, one column per dimension (0 where no row is given).
    """
    matrix = relationships.pivot_table(
        index="need_id", columns="dimension", values="strength", aggfunc="max", fill_value=0
    )
    out = matrix.reindex(index=list(needs), columns=list(dimensions), fill_value=0)
    out = out.fillna(0).astype("int64")
    out.index.name, out.columns.name = "need_id", "dimension"
    return out


def technical_importance(importance: pd.Series, matrix: pd.DataFrame) -> pd.DataFrame:
    """Technical importance of each dimension: Σ buyer importance × relationship strength.

    Parameters
    ----------
    importance : pandas.Series
        Buyer importance (1-5) indexed by need.
    matrix : pandas.DataFrame
        Needs × dimensions of strengths 0/1/3/9 (same needs as ``importance``).

    Returns
    -------
    pandas.DataFrame
        Indexed by dimension: ``technical_importance`` (the raw sum) and ``technical_weight``
        (its share of the total, adding up to 1; all 0 when no need relates to any dimension).
    """
    weights = importance.reindex(matrix.index).astype(float)
    if weights.isna().any():
        raise ParameterError(
            "technical_importance: needs of the matrix without an importance: "
            + format_items(weights.index[weights.isna()])
        )
    raw = matrix.astype(float).mul(weights, axis=0).sum(axis=0)
    total = float(raw.sum())
    share = raw / total if total > 0 else raw * 0.0
    return pd.DataFrame({"technical_importance": raw, "technical_weight": share})


def dimension_priority(technical: pd.DataFrame, readiness_score: pd.Series) -> pd.DataFrame:
    """Priority of each dimension: technical weight × readiness gap (1 − readiness).

    Parameters
    ----------
    technical : pandas.DataFrame
        Output of :func:`technical_importance`.
    readiness_score : pandas.Series
        Readiness 0-1 per dimension; NaN (unknown) is treated as a full gap of 1 and flagged.

    Returns
    -------
    pandas.DataFrame
        ``technical`` with ``readiness``, ``readiness_known`` (bool), ``readiness_gap``,
        ``priority``, ``priority_share`` (adding up to 1) and ``priority_rank`` (1 = first; ties
        share a rank, dimensions no need relates to are not ranked).
    """
    out = technical.copy()
    score = pd.to_numeric(readiness_score.reindex(out.index), errors="coerce")
    if ((score < 0) | (score > 1)).any():
        raise ParameterError("dimension_priority: readiness scores must be from 0 to 1")
    out["readiness"] = score
    out["readiness_known"] = score.notna()
    out["readiness_gap"] = 1.0 - score.fillna(0.0)
    out["priority"] = out["technical_weight"] * out["readiness_gap"]
    total = float(out["priority"].sum())
    out["priority_share"] = out["priority"] / total if total > 0 else 0.0
    rank = out["priority"].where(out["priority"] > 0).rank(ascending=False, method="min")
    out["priority_rank"] = rank.astype("Int64")
    return out


def _effects(measures: pd.DataFrame, dimensions: Sequence[str]) -> pd.DataFrame:
    if measures.empty:
        return pd.DataFrame(columns=list(dimensions), dtype="int64")
    wide = measures.pivot_table(
        index="measure_id",
        columns="dimension",
        values="strength",
        aggfunc="max",
        fill_value=0,
        sort=False,
    )
    return wide.reindex(columns=list(dimensions), fill_value=0).fillna(0).astype("int64")


def rank_measures(priority_share: pd.Series, effects: pd.DataFrame) -> pd.DataFrame:
    """Rank support measures by the priority they address.

    Parameters
    ----------
    priority_share : pandas.Series
        Priority share per dimension (adding up to 1).
    effects : pandas.DataFrame
        Measures × dimensions of strengths 0/1/3/9 (how strongly a measure moves a dimension).

    Returns
    -------
    pandas.DataFrame
        Indexed by measure: ``priority_addressed`` (``Σ_d share_d × s_md / 9``, 0-1 for a
        measure linked at 9 to every dimension), ``rank`` (1 = first; ties share a rank) and
        ``main_dimensions`` (the dimensions contributing most, largest first, as a tuple).
    """
    share = priority_share.reindex(effects.columns).fillna(0.0).astype(float)
    contrib = effects.astype(float).mul(share, axis=1) / 9.0
    score = contrib.sum(axis=1)
    main = [
        tuple(row[row > 0].sort_values(ascending=False, kind="mergesort").index[:3])
        for _, row in contrib.iterrows()
    ]
    out = pd.DataFrame({"priority_addressed": score, "main_dimensions": main}, index=effects.index)
    out["rank"] = out["priority_addressed"].rank(ascending=False, method="min").astype(int)
    return out.sort_values(["rank"], kind="mergesort")


def scenario(
    readiness_score: pd.Series,
    effects: pd.DataFrame,
    chosen: Sequence[str],
    *,
    gap_closed_by_strong_link: float = 0.5,
) -> pd.DataFrame:
    """What-if readiness after the chosen measures (a scenario, not a forecast).

    Each chosen measure ``m`` closes ``c × s_md / 9`` of the remaining gap of dimension ``d``
    (``c`` = ``gap_closed_by_strong_link``); measures act independently, so the gap after is
    ``g_d × Π_m (1 − c × s_md / 9)``.

    Returns
    -------
    pandas.DataFrame
        Indexed by dimension: ``readiness`` (now; unknown counts as 0), ``readiness_after`` and
        ``readiness_change``.
    """
    if not 0.0 <= gap_closed_by_strong_link <= 1.0:
        raise ParameterError("gap_closed_by_strong_link must be from 0 to 1")
    unknown = [m for m in chosen if m not in effects.index]
    if unknown:
        raise ParameterError(f"scenario: unknown measures {format_items(unknown)}")
    now = pd.to_numeric(readiness_score.reindex(effects.columns), errors="coerce").fillna(0.0)
    keep = (1.0 - gap_closed_by_strong_link * effects.loc[list(chosen)].astype(float) / 9.0).prod()
    after = 1.0 - (1.0 - now) * keep.reindex(now.index).fillna(1.0)
    return pd.DataFrame(
        {"readiness": now, "readiness_after": after, "readiness_change": after - now}
    )


# ------------------------------------------------------------------------------ readiness
def product_readiness(
    assessment: pd.DataFrame | None, product: str, *, rubric: pd.DataFrame | None = None
) -> tuple[pd.DataFrame | None, str]:
    """Readiness per dimension for one product, and the level it was measured at.

    Parameters
    ----------
    assessment : pandas.DataFrame or None
        Table 4 shares (all surveyed firms of the region) or per-firm survey rows (``firm_id``,
        ``dimension``, ``level``), optionally with a ``product`` column.
    product : str
    rubric : pandas.DataFrame, optional
        The rubric, needed for survey rows (Table 4 itself works).

    Returns
    -------
    by_dimension : pandas.DataFrame or None
        First output of :func:`ovop_geo.readiness.readiness` (None without an assessment).
    level : {"product", "region", "none"}
        ``product`` when survey rows of this product's firms exist, ``region`` for the whole
        survey (the paper's kecamatan-level Table 4), ``none`` without an assessment.
    """
    if assessment is None or len(assessment) == 0:
        return None, "none"
    if "firm_id" in assessment.columns and "product" in assessment.columns:
        own = assessment[assessment["product"].astype(str).str.strip() == product]
        if len(own):
            return readiness(own.drop(columns="product"), rubric=rubric)[0], "product"
        return readiness(assessment.drop(columns="product"), rubric=rubric)[0], "region"
    return readiness(assessment, rubric=rubric)[0], "region"


# ------------------------------------------------------------------------------ results
@dataclass(frozen=True)
class HouseOfQuality:
    """The house of quality of one product.

    Attributes
    ----------
    product, family : str
        The product and the ``product_family`` key whose rows were used for its needs.
    needs : pandas.DataFrame
        Indexed by ``need_id``: ``name_id``, ``name_en``, ``importance`` (1-5), ``reasoning``,
        ``source``.
    matrix : pandas.DataFrame
        Needs × dimensions, strengths 0/1/3/9 (int).
    dimensions : pandas.DataFrame
        Indexed by dimension (Indonesian label): ``dimension_en``, ``aspect``,
        ``technical_importance``, ``technical_weight``, ``readiness``, ``readiness_known``,
        ``readiness_gap``, ``priority``, ``priority_share``, ``priority_rank``.
    roof : pandas.DataFrame
        Correlations between dimensions (may be empty).
    readiness_level : {"product", "region", "none"}
    user_tables : tuple of str
        Tables the user supplied (the others are the bundled assumptions).
    """

    product: str
    family: str
    needs: pd.DataFrame
    matrix: pd.DataFrame
    dimensions: pd.DataFrame
    roof: pd.DataFrame
    readiness_level: str
    user_tables: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImprovementPlan:
    """Support measures ranked for one product, the places concerned and a what-if.

    Attributes
    ----------
    product : str
    measures : pandas.DataFrame
        Ranked, indexed by ``measure_id``: ``name_id``, ``name_en``, ``priority_addressed``,
        ``rank``, ``main_dimensions`` (tuple), ``in_scenario`` (bool), ``source``.
    places : pandas.DataFrame
        Villages with firms making the product: ``village_code``, ``village_name``,
        ``businesses``, ``cluster_id`` and ``sentra_class`` (None without clusters); see
        :func:`places_concerned` for the order.
    scenario : pandas.DataFrame
        Per dimension: ``readiness``, ``readiness_after``, ``readiness_change``.
    buyer_weighted_readiness : float
        ``Σ_d technical_weight_d × readiness_d`` now (0-1).
    buyer_weighted_readiness_after : float
        The same after the scenario's measures.
    params : QfdParams
    """

    product: str
    measures: pd.DataFrame
    places: pd.DataFrame
    scenario: pd.DataFrame
    buyer_weighted_readiness: float
    buyer_weighted_readiness_after: float
    params: QfdParams


def house_of_quality(
    tables: QfdTables,
    product: str,
    readiness_by_dimension: pd.DataFrame | None,
    *,
    readiness_level: str = "region",
    dimensions: Sequence[str] | None = None,
) -> HouseOfQuality:
    """Build the house of quality of ``product``.

    Parameters
    ----------
    tables : QfdTables
        From :func:`check_tables`.
    product : str
    readiness_by_dimension : pandas.DataFrame or None
        First output of :func:`ovop_geo.readiness.readiness` (``score``, ``dimension_en``,
        ``aspect``); None when no assessment exists (gaps are then taken as 1 and flagged).
    readiness_level : {"product", "region", "none"}
        Where the readiness was measured (see :func:`product_readiness`).
    dimensions : sequence of str, optional
        Column order; default the readiness table's dimensions, else Table 4's.

    Returns
    -------
    HouseOfQuality
    """
    need_key = tables.family_key("needs", product)
    rel_key = tables.family_key("relationships", product)
    if need_key is None or rel_key is None:
        which = tables.files["needs" if need_key is None else "relationships"]
        raise InputDataError(f"{which}: no rows for product '{product}' or its family.", path=which)
    if dimensions is None:
        dimensions = (
            list(readiness_by_dimension.index)
            if readiness_by_dimension is not None
            else list(DIMENSIONS_EN)
        )
    needs = tables.needs[tables.needs["product_family"] == need_key].set_index("need_id")
    needs = needs.drop(columns="product_family")
    rel = tables.relationships[tables.relationships["product_family"] == rel_key]
    rel = rel[rel["need_id"].isin(needs.index)]
    matrix = relationship_matrix(rel, list(needs.index), list(dimensions))
    technical = technical_importance(needs["importance"], matrix)
    if readiness_by_dimension is None:
        score = pd.Series(np.nan, index=technical.index)
        readiness_level = "none"
    else:
        score = readiness_by_dimension["score"]
    dims = dimension_priority(technical, score)
    dims.index.name = "dimension"
    english = (
        readiness_by_dimension["dimension_en"]
        if readiness_by_dimension is not None and "dimension_en" in readiness_by_dimension
        else pd.Series(dtype=object)
    )
    dims.insert(0, "dimension_en", [english.get(d, DIMENSIONS_EN.get(d, d)) for d in dims.index])
    aspect = (
        readiness_by_dimension["aspect"]
        if readiness_by_dimension is not None
        else pd.Series(dtype=object)
    )
    dims.insert(1, "aspect", [aspect.get(d) for d in dims.index])
    roof = tables.roof[
        tables.roof["dimension_a"].isin(dims.index) & tables.roof["dimension_b"].isin(dims.index)
    ].reset_index(drop=True)
    return HouseOfQuality(
        product, need_key, needs, matrix, dims, roof, readiness_level, tables.user_tables
    )


def check_clusters(clusters: pd.DataFrame, shown: str = "sentra clusters") -> pd.DataFrame:
    """Sentra clusters as one row per member village, checked.

    Parameters
    ----------
    clusters : pandas.DataFrame
        ``product``, ``cluster_id`` and either ``village_code`` (one row per member village) or
        ``villages`` (member codes separated by ``;``, ``,`` or ``|``, or a list), as
        :func:`ovop_geo.clusters.sentra_clusters` writes them; optionally ``sentra_class``.
    shown : str
        Name of the file, for messages.

    Returns
    -------
    pandas.DataFrame
        ``product``, ``cluster_id``, ``village_code``, ``sentra_class`` (None when not given).

    Raises
    ------
    InputDataError
        Missing columns, or rows without a product, cluster or member village (all at once,
        naming the rows; the header is row 1).
    """
    columns = ["product", "cluster_id", "village_code", "sentra_class"]
    if not isinstance(clusters, pd.DataFrame):
        raise InputDataError(f"{shown}: expected a table, got {type(clusters).__name__}.")
    missing = [c for c in ("product", "cluster_id") if c not in clusters.columns]
    if not ({"village_code", "villages"} & set(clusters.columns)):
        missing.append("village_code or villages")
    if missing:
        raise InputDataError(
            f"{shown}: columns missing: {', '.join(missing)}. Sentra clusters need product, "
            "cluster_id and village_code (one row per member village) or villages (member codes "
            "separated by ';').",
            path=shown,
        )
    member = "village_code" if "village_code" in clusters.columns else "villages"
    problems = []
    for col in ("product", "cluster_id", member):
        empty = clusters[col].map(
            lambda v: not isinstance(v, list | tuple) and (pd.isna(v) or str(v).strip() == "")
        )
        if empty.any():
            problems.append(f"{shown}: row {_rows(empty)}, column '{col}': empty cells.")
    if problems:
        raise InputDataError(
            problems[0] if len(problems) == 1 else "\n".join(problems),
            path=shown,
            problems=problems,
        )
    rows = []
    for _, row in clusters.iterrows():
        raw = row[member]
        codes = list(raw) if isinstance(raw, list | tuple) else re.split(r"[,;|]+", str(raw))
        cls = row.get("sentra_class")
        key = (str(row["product"]).strip(), str(row["cluster_id"]).strip())
        cls = None if cls is None or pd.isna(cls) else str(cls)
        rows.extend((*key, str(code).strip(), cls) for code in codes if str(code).strip())
    return pd.DataFrame(rows, columns=columns)


def _clusters_of(clusters: pd.DataFrame | None, product: str) -> dict[str, tuple[str, str | None]]:
    """Village code -> (cluster id, sentra class) for ``product`` (optional input)."""
    if clusters is None or len(clusters) == 0:
        return {}
    long = check_clusters(clusters)
    long = long[long["product"] == product]
    return {
        c: (k, cls)
        for c, k, cls in zip(
            long["village_code"], long["cluster_id"], long["sentra_class"], strict=True
        )
    }


def places_concerned(
    businesses: pd.DataFrame | None,
    product: str,
    village_names: Mapping[str, str] | None = None,
    *,
    clusters: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Villages whose firms make ``product``, with their firm counts and sentra cluster.

    Parameters
    ----------
    businesses : pandas.DataFrame or None
        Business counts indexed by village code, one column per product.
    product : str
    village_names : Mapping, optional
        Village code -> name.
    clusters : pandas.DataFrame, optional
        Sentra clusters (see :func:`check_clusters`; the table of
        :func:`ovop_geo.clusters.sentra_clusters` works as it is).

    Returns
    -------
    pandas.DataFrame
        ``village_code``, ``village_name``, ``businesses``, ``cluster_id`` and ``sentra_class``
        (None outside a cluster or when not given). Villages in a cluster come first, cluster by
        cluster (most firms first), then by firms (largest first) and code.
    """
    columns = ["village_code", "village_name", "businesses", "cluster_id", "sentra_class"]
    if businesses is None or product not in businesses.columns:
        return pd.DataFrame(columns=columns)
    counts = businesses[product]
    counts = counts[counts > 0]
    names = village_names or {}
    member = _clusters_of(clusters, product)
    out = pd.DataFrame(
        {
            "village_code": counts.index.astype(str),
            "village_name": [str(names.get(c, c)) for c in counts.index],
            "businesses": counts.to_numpy().astype(int),
            "cluster_id": [member.get(str(c), (None, None))[0] for c in counts.index],
            "sentra_class": [member.get(str(c), (None, None))[1] for c in counts.index],
        }
    )
    out["_in"] = out["cluster_id"].notna()
    out["_total"] = out.groupby("cluster_id", dropna=False)["businesses"].transform("sum")
    out.loc[~out["_in"], "_total"] = 0
    out["_cluster"] = out["cluster_id"].fillna("")
    out = out.sort_values(
        ["_in", "_total", "_cluster", "businesses", "village_code"],
        ascending=[False, False, True, False, True],
        kind="mergesort",
    )
    out = out.drop(columns=["_in", "_total", "_cluster"]).reset_index(drop=True)
    for col in ("cluster_id", "sentra_class"):
        out[col] = pd.Series([c if isinstance(c, str) else None for c in out[col]], dtype=object)
    return out


def improvement_plan(
    house: HouseOfQuality,
    tables: QfdTables,
    *,
    businesses: pd.DataFrame | None = None,
    village_names: Mapping[str, str] | None = None,
    clusters: pd.DataFrame | None = None,
    params: QfdParams | None = None,
) -> ImprovementPlan:
    """Rank the support measures for the house's product and run the what-if.

    Parameters
    ----------
    house : HouseOfQuality
    tables : QfdTables
        Its ``measures`` table links measures to dimensions.
    businesses, village_names, clusters
        See :func:`places_concerned`.
    params : QfdParams, optional

    Returns
    -------
    ImprovementPlan
    """
    params = params or QfdParams()
    dims = house.dimensions
    effects = _effects(tables.measures, list(dims.index))
    ranked = rank_measures(dims["priority_share"], effects)
    first = tables.measures.groupby("measure_id", sort=False)[
        ["name_id", "name_en", "source"]
    ].first()
    ranked = ranked.join(first)
    ranked.index.name = "measure_id"
    chosen = list(ranked.index[: params.top_measures])
    ranked["in_scenario"] = ranked.index.isin(chosen)
    whatif = scenario(
        dims["readiness"],
        effects,
        chosen,
        gap_closed_by_strong_link=params.gap_closed_by_strong_link,
    )
    weight = dims["technical_weight"]
    before = float((weight * whatif["readiness"]).sum())
    after = float((weight * whatif["readiness_after"]).sum())
    places = places_concerned(businesses, house.product, village_names, clusters=clusters)
    order = [
        "name_id",
        "name_en",
        "priority_addressed",
        "rank",
        "main_dimensions",
        "in_scenario",
        "source",
    ]
    return ImprovementPlan(house.product, ranked[order], places, whatif, before, after, params)


# ------------------------------------------------------------------------------ outputs
def _dim_label(house: HouseOfQuality, lang: str) -> pd.Series:
    return (
        house.dimensions["dimension_en"]
        if lang == "en"
        else pd.Series(house.dimensions.index, index=house.dimensions.index)
    )


def export_frames(house: HouseOfQuality, plan: ImprovementPlan) -> dict[str, pd.DataFrame]:
    """The tables of the house and the plan, for CSV (or spreadsheet) files.

    Returns
    -------
    dict
        ``qfd_matrix`` (one row per need: importance then one column per dimension, wide as a
        planner reads it), ``qfd_dimensions`` (technical importance, readiness, gap, priority),
        ``qfd_plan`` (measures ranked, with the firms and villages concerned), ``qfd_places``
        (one row per village with firms making the product, and its sentra cluster) and
        ``qfd_scenario`` (readiness now and after the top measures, labelled a scenario).
        Every frame carries ``product`` and the assumption flags.
    """
    defaults = [x for x in FLAGGED_TABLES if x not in house.user_tables]
    flag = "; ".join(f"{x}: bundled default (assumption)" for x in defaults) or "user tables"
    matrix = house.matrix.copy()
    matrix.insert(0, "importance", house.needs["importance"])
    matrix.insert(0, "name_en", house.needs["name_en"])
    matrix.insert(0, "name_id", house.needs["name_id"])
    matrix.insert(0, "product", house.product)
    matrix["tables"] = flag
    dims = house.dimensions.copy()
    dims.insert(0, "product", house.product)
    dims["readiness_level"] = house.readiness_level
    dims["tables"] = flag
    places = plan.places
    villages = "; ".join(f"{r.village_name} ({r.businesses})" for r in places.itertuples())
    measures = plan.measures.copy()
    measures["main_dimensions"] = measures["main_dimensions"].map("; ".join)
    measures.insert(0, "product", house.product)
    measures["firms"] = int(places["businesses"].sum()) if len(places) else 0
    measures["villages"] = villages
    measures["clusters"] = "; ".join(dict.fromkeys(c for c in places["cluster_id"] if c))
    measures["tables"] = flag
    where = places.copy()
    where.insert(0, "product", house.product)
    sc = plan.scenario.copy()
    sc.index.name = "dimension"
    sc.insert(0, "product", house.product)
    sc["scenario"] = True
    sc["assumption"] = (
        f"scenario, not a forecast: top {plan.params.top_measures} measures; a strong (9) link "
        f"closes {plan.params.gap_closed_by_strong_link:.0%} of a gap, medium (3) a third and "
        "weak (1) a ninth of that; measures act independently"
    )
    return {
        "qfd_matrix": matrix,
        "qfd_dimensions": dims,
        "qfd_plan": measures,
        "qfd_places": where.set_index("village_code"),
        "qfd_scenario": sc,
    }


def places_text(places: pd.DataFrame, product: str, lang: str = "id") -> str:
    """One sentence naming the firms and villages concerned, by sentra cluster when known.

    Parameters
    ----------
    places : pandas.DataFrame
        :attr:`ImprovementPlan.places`.
    product : str
    lang : {"id", "en"}

    Returns
    -------
    str
        E.g. "Firms concerned: 16 kerupuk firms in Rasau Jaya Satu (6), ...", with each
        cluster's villages grouped as "kerupuk-1 [sentra]: A (6), B (3)" when clusters are given.
    """
    if len(places) == 0:
        return t("qfd_places_none", lang, product=product)
    groups: dict[str, list[str]] = {}
    for r in places.itertuples():
        key = r.cluster_id or ""
        label = key if not r.cluster_id or not r.sentra_class else f"{key} [{r.sentra_class}]"
        groups.setdefault(label, []).append(f"{r.village_name} ({r.businesses})")
    parts = [(f"{k}: " if k else "") + ", ".join(v) for k, v in groups.items()]
    return t(
        "qfd_places",
        lang,
        n=int(places["businesses"].sum()),
        product=product,
        villages="; ".join(parts),
    )


def report_section(house: HouseOfQuality, plan: ImprovementPlan, lang: str = "id") -> dict:
    """The house of quality and the plan in a form a printed report can lay out.

    Parameters
    ----------
    house, plan
    lang : {"id", "en"}
        Language of the labels (dimension, need and measure names).

    Returns
    -------
    dict
        ``product``; ``needs`` (labels with importance, row order); ``dimensions`` (labels,
        column order, sorted by priority); ``matrix`` (list of rows of 0/1/3/9 in those orders);
        ``dimension_table`` (records: label, technical weight, readiness, gap, priority share,
        rank); ``plan`` (records: rank, measure, priority addressed, main dimensions, in the
        scenario); ``places`` (records) and ``places_text`` (one sentence); ``scenario``
        (records per dimension, and the buyer-weighted readiness before and after);
        ``readiness_level``; ``assumptions`` (which tables are bundled assumptions and the
        scenario's assumption). Plain Python values only.
    """
    en = lang == "en"
    dims = house.dimensions.sort_values(
        ["priority", "technical_weight"], ascending=False, kind="mergesort"
    )
    dlabel = _dim_label(house, lang)
    need_label = house.needs["name_en" if en else "name_id"]
    mname = plan.measures["name_en" if en else "name_id"]
    matrix = house.matrix.reindex(columns=dims.index)
    defaults = [t(f"qfd_table_{x}", lang) for x in FLAGGED_TABLES if x not in house.user_tables]
    return {
        "product": house.product,
        "family": house.family,
        "readiness_level": house.readiness_level,
        "needs": [
            {
                "need_id": n,
                "label": str(need_label[n]),
                "importance": int(house.needs.at[n, "importance"]),
            }
            for n in house.needs.index
        ],
        "dimensions": [{"dimension": d, "label": str(dlabel[d])} for d in dims.index],
        "matrix": matrix.to_numpy().astype(int).tolist(),
        "dimension_table": [
            {
                "dimension": d,
                "label": str(dlabel[d]),
                "technical_weight": float(r.technical_weight),
                "readiness": None if pd.isna(r.readiness) else float(r.readiness),
                "readiness_gap": float(r.readiness_gap),
                "priority_share": float(r.priority_share),
                "priority_rank": None if pd.isna(r.priority_rank) else int(r.priority_rank),
            }
            for d, r in dims.iterrows()
        ],
        "plan": [
            {
                "rank": int(r["rank"]),
                "measure_id": m,
                "label": str(mname[m]),
                "priority_addressed": float(r["priority_addressed"]),
                "main_dimensions": [str(dlabel.get(d, d)) for d in r["main_dimensions"]],
                "in_scenario": bool(r["in_scenario"]),
            }
            for m, r in plan.measures.iterrows()
        ],
        "places": plan.places.to_dict("records"),
        "places_text": places_text(plan.places, house.product, lang),
        "scenario": {
            "by_dimension": [
                {
                    "dimension": d,
                    "label": str(dlabel[d]),
                    "readiness": float(r.readiness),
                    "readiness_after": float(r.readiness_after),
                }
                for d, r in plan.scenario.reindex(dims.index).iterrows()
            ],
            "buyer_weighted_readiness": plan.buyer_weighted_readiness,
            "buyer_weighted_readiness_after": plan.buyer_weighted_readiness_after,
            "top_measures": plan.params.top_measures,
            "gap_closed_by_strong_link": plan.params.gap_closed_by_strong_link,
        },
        "assumptions": {
            "default_tables": defaults,
            "scenario": t(
                "qfd_scenario_assumption",
                lang,
                n=plan.params.top_measures,
                share=fmt_number(
                    100 * plan.params.gap_closed_by_strong_link, lang, "%", decimals=0
                ),
            ),
        },
    }


# ------------------------------------------------------------------------------ reading
#: Manifest ``[tables]`` name of each QFD table.
MANIFEST_TABLES: Mapping[str, str] = MappingProxyType({name: f"qfd_{name}" for name in TABLE_FILES})


def load_tables(
    region,
    *,
    paths: Mapping[str, object] | None = None,
    names: Mapping[str, str] | None = None,
    required_products: Sequence[str] | None = None,
) -> QfdTables:
    """The region's QFD tables, with the user's own files in place of any of them.

    Parameters
    ----------
    region : ovop_geo.region.Region
        Its manifest's ``[tables]`` may name the tables (``qfd_products``, ``qfd_needs``,
        ``qfd_relationships``, ``qfd_measures``, ``qfd_roof``); any it does not name is the
        bundled assumption (``data/params/qfd_*.csv``, found through :mod:`ovop_geo.bundled`).
    paths : Mapping, optional
        Table (``products``, ``needs``, ``relationships``, ``measures``, ``roof``) -> a CSV file
        of the user's, read instead of the manifest's.
    names : Mapping, optional
        Table -> the name the user knows that file by (e.g. an upload's name), for messages;
        default the path as given.
    required_products : sequence of str, optional
        Products that must be covered; default the region's products (business counts).

    Returns
    -------
    QfdTables

    Raises
    ------
    InputDataError
        Any problem :func:`check_tables` finds, naming the file, row and column.

    Notes
    -----
    ``user_tables`` of the result lists the tables whose content differs from the bundled
    assumption (given here, or named in the manifest and edited); the others are flagged as
    assumptions wherever the house of quality is shown.
    """
    paths = dict(paths or {})
    unknown = sorted(set(paths) - set(TABLE_FILES))
    if unknown:
        raise ParameterError(
            f"unknown QFD tables {', '.join(unknown)}; use " + ", ".join(TABLE_FILES)
        )
    frames: dict[str, pd.DataFrame | None] = {}
    files: dict[str, str] = {}
    own: list[str] = []
    for name in TABLE_FILES:
        if paths.get(name) is not None:
            files[name] = str((names or {}).get(name) or paths[name])
            frames[name] = read_table(Path(paths[name]), display_name=files[name])
        elif MANIFEST_TABLES[name] in region.tables:
            frames[name] = region.tables[MANIFEST_TABLES[name]]
            spec = region.manifest.tables.get(MANIFEST_TABLES[name])
            files[name] = region.manifest.relative(spec) if spec is not None else TABLE_FILES[name]
        else:  # the bundled assumption, for a region whose manifest names none
            path = params_table(TABLE_FILES[name])
            files[name] = f"data/params/{TABLE_FILES[name]}"
            frames[name] = read_table(path, display_name=files[name])
        if not _is_bundled(name, frames[name]):
            own.append(name)
    if required_products is None:
        required_products = (
            [] if region.businesses is None else [str(c) for c in region.businesses.columns]
        )
    rubric = (
        list(dict.fromkeys(region.assessment["dimension"].astype(str).str.strip()))
        if region.assessment is not None
        else []
    )
    dims = list(dict.fromkeys([*DIMENSIONS_EN, *rubric]))
    return check_tables(
        products=frames["products"],
        needs=frames["needs"],
        relationships=frames["relationships"],
        measures=frames["measures"],
        roof=frames["roof"],
        dimensions=dims,
        required_products=required_products,
        files=files,
        user_tables=tuple(own),
    )


def _is_bundled(name: str, frame: pd.DataFrame | None) -> bool:
    """Whether ``frame`` holds the bundled default table ``name`` (an assumption), by content."""
    if frame is None:
        return True
    bundled = read_table(params_table(TABLE_FILES[name]))
    if list(frame.columns) != list(bundled.columns) or frame.shape != bundled.shape:
        return False
    left = frame.astype(str).where(frame.notna(), "")
    right = bundled.astype(str).where(bundled.notna(), "")
    return bool((left.to_numpy() == right.to_numpy()).all())


# ------------------------------------------------------------------------------ one call
def product_qfd(
    region,
    product: str,
    *,
    tables: QfdTables | None = None,
    survey: pd.DataFrame | None = None,
    clusters: pd.DataFrame | None = None,
    params: QfdParams | None = None,
) -> tuple[HouseOfQuality, ImprovementPlan]:
    """The house of quality and the improvement plan of one product of a region.

    The one call behind the command line, the app and the printed report:
    ``report_section(*product_qfd(region, "kerupuk"), lang)`` gives the data a report lays out
    and :func:`ovop_geo.figures.house_of_quality_picture` its picture.

    Parameters
    ----------
    region : ovop_geo.region.Region
    product : str
        One of the region's products (a column of its business counts).
    tables : QfdTables, optional
        Default :func:`load_tables` of the region.
    survey : pandas.DataFrame, optional
        Per-firm assessment rows (``firm_id``, ``product``, ``dimension``, ``level``) scored with
        the region's rubric (its Table 4); without it the readiness is the region's Table 4.
    clusters : pandas.DataFrame, optional
        Sentra clusters (see :func:`places_concerned`).
    params : QfdParams, optional

    Returns
    -------
    house : HouseOfQuality
    plan : ImprovementPlan

    Raises
    ------
    InputDataError
        The product is not one of the region's, a survey is given for a region without a rubric,
        or a table problem (see :func:`check_tables`).
    """
    products = [] if region.businesses is None else [str(c) for c in region.businesses.columns]
    if products and product not in products:
        raise InputDataError(
            f"product '{product}' is not a product of {region.name}. Choose one of: "
            f"{', '.join(products)}."
        )
    tables = tables if tables is not None else load_tables(region, required_products=[product])
    assessment, rubric = region.assessment, None
    if survey is not None:
        if region.assessment is None:
            raise InputDataError(
                "per-firm survey rows need the region's rubric ([statistics.assessment] in its "
                "manifest, e.g. the paper's Table 4)."
            )
        assessment, rubric = survey, region.assessment
    by_dim, level = product_readiness(assessment, product, rubric=rubric)
    house = house_of_quality(tables, product, by_dim, readiness_level=level)
    plan = improvement_plan(
        house,
        tables,
        businesses=region.businesses,
        village_names=region.villages["village_name"].to_dict(),
        clusters=clusters,
        params=params,
    )
    return house, plan


# ------------------------------------------------------------------------------ files
def output_files(
    house: HouseOfQuality, plan: ImprovementPlan, lang: str = "id"
) -> dict[str, Callable[[], bytes]]:
    """Every file of a product's house of quality and plan, each made when it is asked for.

    Parameters
    ----------
    house, plan
    lang : {"id", "en"}
        Language of the picture and of the report data.

    Returns
    -------
    dict
        File name -> function returning its bytes: ``qfd_<product>_<table>.csv`` for each table of
        :func:`export_frames`, ``qfd_<product>.xlsx`` (the same tables, one sheet each, typed
        cells), ``qfd_<product>.png`` (the picture) and ``qfd_<product>.json``
        (:func:`report_section`). :func:`ovop_geo.export.write_outputs` writes them.
    """
    from .export import to_csv_bytes, to_json_bytes, to_xlsx_bytes
    from .figures import house_of_quality_picture

    frames = export_frames(house, plan)
    stem = f"qfd_{house.product}"
    files: dict[str, Callable[[], bytes]] = {
        f"{stem}_{name.removeprefix('qfd_')}.csv": (lambda f=frame: to_csv_bytes(f))
        for name, frame in frames.items()
    }
    files[f"{stem}.xlsx"] = lambda: to_xlsx_bytes(
        {name.removeprefix("qfd_"): (frame, True) for name, frame in frames.items()}
    )
    files[f"{stem}.png"] = lambda: house_of_quality_picture(
        report_section(house, plan, lang), lang=lang
    )
    files[f"{stem}.json"] = lambda: to_json_bytes(report_section(house, plan, lang))
    return files
