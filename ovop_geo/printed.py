"""The printed report for officials: what it says, from one analysis result.

:func:`report_facts` is the one adapter between the analysis and the report: it reads what an
:class:`~ovop_geo.pipeline.AnalysisResult` offers (the allocation, candidates, rules, scores,
land balance, carrying capacity, readiness) and, where the result carries them, the sentra
classes, clusters and per-village recommendations with their reasons (``sentra_class``,
``cluster_id``, ``recommended_product``, ``recommendation_reason``, ``runner_up_product``,
``runner_up_margin``; a ``clusters`` frame). Where they are absent it derives them the way the
report says on its methods page (class by firm count, clusters of touching villages that make the
product, the allocated product as the recommendation).

:func:`report_document` turns the facts into the report's blocks (:mod:`ovop_geo.layout`), in the
order an official reads: cover with the data-status box, one-page summary, maps, a profile per
village, the comparison table, methods and provenance. :func:`report_files` renders them as
``report.pdf`` and ``report.html``, for :func:`ovop_geo.export.write_outputs` or the app's
download buttons.

Province scale: a region with more than :attr:`ReportOptions.profile_limit` villages is summarised
by kabupaten and kecamatan, and only the villages the user selects (or the top candidates of each
product) get a profile page, so the report stays a document a person reads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from . import __version__, figures, printmaps, qfd
from .errors import OvopError, ParameterError
from .i18n import LANGUAGES, fmt_number, t, translate_note
from .layout import (
    Block,
    Box,
    Bullets,
    Heading,
    PageBreak,
    Paragraph,
    Picture,
    Row,
    Table,
    to_html,
    to_pdf,
)
from .mcda import load_default_criteria, weighted_criteria
from .pipeline import AnalysisResult
from .report import region_summary, run_record

__all__ = [
    "REPORT_FILES",
    "ReportFacts",
    "ReportOptions",
    "report_document",
    "report_facts",
    "report_files",
    "resolve_villages",
]

REPORT_FILES = ("report.pdf", "report.html")

#: Firm-count classes used when the analysis gives none: (class, least firms). ``sentra`` is
#: PP 29/2018 (at least ``min_units`` similar business units, 5 by default); ``pre_sentra`` 2 to
#: one below it; ``potential`` 1 (one firm: the community makes the product).
PRE_SENTRA_MIN_UNITS = 2
CLASSES = ("sentra", "pre_sentra", "potential")
#: Score points within which two products of a village are reported as tied (the scores are
#: printed with one decimal, so a smaller gap cannot be seen on paper).
TIE_POINTS = 0.05


@dataclass(frozen=True)
class ReportOptions:
    """What the report covers and how it is labelled.

    Attributes
    ----------
    lang : {"id", "en"}
    parameter_set : str
        The name of the parameter set shown on the cover (e.g. the ``--params`` file); empty:
        "default" or "custom" from the parameters.
    villages : tuple of str
        Village codes to profile; empty: every village of a small region, the top candidates of
        each product in a large one.
    top_per_product : int
        In a large region without a selection: candidates of each product profiled (by rank).
    profile_limit : int
        Regions with more villages than this are summarised by kabupaten and kecamatan.
    now : datetime, optional
        The report's date (UTC); default: now.
    """

    lang: str = "id"
    parameter_set: str = ""
    villages: tuple[str, ...] = ()
    top_per_product: int = 3
    profile_limit: int = 40
    now: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ParameterError(
                f"report language must be one of {', '.join(LANGUAGES)}, not {self.lang!r}"
            )
        if self.top_per_product < 1:
            raise ParameterError("top_per_product must be at least 1")
        if self.profile_limit < 1:
            raise ParameterError("profile_limit must be at least 1")


@dataclass(frozen=True)
class ReportFacts:
    """What the report needs from one analysis result (see :func:`report_facts`)."""

    #: Index village_code: village_name, group, kabupaten, recommended, sentra_class,
    #: cluster_id, businesses, score, rank, share_rank1, fragile, best_product, best_score,
    #: runner_up, runner_up_margin, reason (None: the report writes it), businesses_total.
    villages: pd.DataFrame = field(repr=False)
    #: Index (village_code, product): businesses, score, rank, sentra_class, cluster_id,
    #: share_rank1, fragile, tie, meets_pp29_2018.
    candidates: pd.DataFrame = field(repr=False)
    #: product, cluster_id, villages (tuple of codes), businesses, sentra_class.
    clusters: pd.DataFrame = field(repr=False)
    products: tuple[str, ...]
    #: Index (village_code, product), one column per criterion: points of the score (0-100).
    contributions: pd.DataFrame | None = field(repr=False)
    #: Criterion -> share of the weight applied (sums to 1 over the criteria used).
    weights_applied: dict[str, float]
    #: True where classes, clusters and recommendations come from the analysis itself.
    from_analysis: bool
    min_units: int


# ----------------------------------------------------------------------------- the adapter
def _class_of(firms: float, min_units: int) -> str | None:
    if not np.isfinite(firms) or firms < 1:
        return None
    if firms >= min_units:
        return "sentra"
    if firms >= PRE_SENTRA_MIN_UNITS:
        return "pre_sentra"
    return "potential"


def _clusters_by_contact(
    result: AnalysisResult, candidates: pd.DataFrame, min_units: int
) -> pd.DataFrame:
    """Clusters of villages that make a product and touch each other (shared border)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rows = []
    geoms = result.villages.geometry
    for product, group in candidates.groupby(level="product", sort=True):
        codes = [c for c in group.index.get_level_values("village_code") if c in geoms.index]
        if not codes:
            continue
        shapes = geoms.loc[codes].to_numpy()
        import shapely

        tree = shapely.STRtree(shapes)
        left, right = tree.query(shapes, predicate="intersects")
        graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(len(codes),) * 2)
        n, labels = connected_components(graph, directed=False)
        firms = group["businesses"].droplevel("product")
        for k in range(n):
            members = tuple(sorted(c for c, lab in zip(codes, labels, strict=True) if lab == k))
            total = float(firms.reindex(list(members)).sum())
            rows.append(
                {
                    "product": product,
                    "cluster_id": "",
                    "villages": members,
                    "businesses": total,
                    "sentra_class": _class_of(total, min_units),
                }
            )
    out = pd.DataFrame(
        rows, columns=["product", "cluster_id", "villages", "businesses", "sentra_class"]
    )
    if not out.empty:
        out = out.sort_values(["product", "businesses"], ascending=[True, False])
        out["cluster_id"] = [
            f"{p}-{i + 1}"
            for p, i in zip(out["product"], out.groupby("product").cumcount(), strict=True)
        ]
    return out.reset_index(drop=True)


def _screened_pairs(result: AnalysisResult, cand: pd.DataFrame) -> pd.DataFrame:
    """Every village x product pair with at least one firm, ranked among those pairs.

    The analysis of this version lists the top few villages per product as candidates; the
    report screens instead (a community that makes the product is a candidate, one that does
    not is not) and ranks by the same scores among the screened pairs.
    """
    businesses = result.region.businesses
    if businesses is None or result.scores is None:
        return cand
    firms = businesses.stack()
    firms.index.names = ["village_code", "product"]
    firms = firms[pd.to_numeric(firms, errors="coerce").fillna(0) >= 1].astype(float)
    out = pd.DataFrame({"businesses": firms})
    out["score"] = result.scores["score"].reindex(out.index)
    out = out[out["score"].notna()]
    out["rank"] = out.groupby(level="product")["score"].rank(ascending=False, method="min")
    sens = result.sensitivity
    for col in ("share_rank1", "fragile"):
        if sens is not None and col in sens.columns:
            out[col] = sens[col].reindex(out.index)
    if result.rules is not None and "meets_pp29_2018" in result.rules.columns:
        out["meets_pp29_2018"] = result.rules["meets_pp29_2018"].reindex(out.index)
    return out


def report_facts(result: AnalysisResult) -> ReportFacts:
    """Read the analysis result into what the report prints (the one adapter).

    Uses the result's own ``sentra_class``, ``cluster_id``, ``recommended_product``,
    ``recommendation_reason``, ``runner_up_product``, ``runner_up_margin`` columns and a
    ``clusters`` frame when it has them; otherwise derives the class from the firm count
    (PP 29/2018 minimum for ``sentra``, :data:`PRE_SENTRA_MIN_UNITS` for ``pre_sentra``), the
    clusters from touching villages that make the product, and takes the OVOP allocation as the
    recommendation with the village's best other candidate as runner-up.
    """
    villages = result.villages
    min_units = int(result.params.min_units)
    base = pd.DataFrame(index=villages.index.copy())
    base["village_name"] = villages["village_name"].astype(str)
    base["group"] = villages["group"].astype(str) if "group" in villages.columns else ""
    # Kabupaten by name where the boundaries give one, else by its code (from the village code).
    from .wilayah import admin_units

    units = admin_units(result.region.villages).reindex(villages.index)
    name = units["kabupaten_name"].fillna(units["kabupaten_code"])
    base["kabupaten"] = name.fillna(
        pd.Series(villages.index.str.slice(0, 5), index=villages.index)
    ).astype(str)
    firm_cols = [
        c
        for c in villages.columns
        if c.startswith("businesses_")
        and c
        not in ("businesses_leading_product", "businesses_share_leading", "businesses_herfindahl")
    ]
    base["businesses_total"] = villages[firm_cols].sum(axis=1) if firm_cols else np.nan

    cand = result.candidates
    empty_index = pd.MultiIndex.from_arrays([[], []], names=["village_code", "product"])
    if cand is None or cand.empty:
        cand = pd.DataFrame(index=empty_index, columns=["businesses", "score", "rank"])
    from_analysis = "sentra_class" in cand.columns
    if not from_analysis:
        cand = _screened_pairs(result, cand)
        cand["sentra_class"] = [_class_of(float(b), min_units) for b in cand["businesses"]]
    cand = cand.copy()
    # Pairs without firms are new-product ideas, not candidate sentra.
    cand = cand[pd.to_numeric(cand["businesses"], errors="coerce").fillna(0) >= 1]
    for col, default in (
        ("share_rank1", np.nan),
        ("fragile", False),
        ("tie", False),
        ("meets_pp29_2018", False),
        ("cluster_id", None),
    ):
        if col not in cand.columns:
            cand[col] = default
    for col in ("fragile", "tie", "meets_pp29_2018"):
        cand[col] = cand[col].astype("boolean").fillna(False).astype(bool)
    clusters = getattr(result, "clusters", None)
    if isinstance(clusters, pd.DataFrame):
        # the analysis's clusters (ovop_geo.clusters) hold the member codes joined by ";"
        clusters = pd.DataFrame(clusters.drop(columns="geometry", errors="ignore")).assign(
            villages=[
                tuple(v.split(";")) if isinstance(v, str) else tuple(v)
                for v in clusters["villages"]
            ]
        )
        if "cluster_villages" in cand.columns:  # a lone village has no cluster id here
            cand["cluster_id"] = cand["cluster_id"].where(cand["cluster_villages"] >= 2)
    else:
        clusters = _clusters_by_contact(result, cand, min_units)
        # A cluster is two villages or more; a lone village has no cluster id.
        lookup = {
            (v, r.product): r.cluster_id
            for r in clusters.itertuples()
            for v in r.villages
            if len(r.villages) >= 2
        }
        cand["cluster_id"] = [lookup.get(k) for k in cand.index]
    products = tuple(
        str(p)
        for p in (result.region.businesses.columns if result.region.businesses is not None else ())
    )

    # Recommendation per village.
    rec = pd.Series(None, index=base.index, dtype=object)
    reason = pd.Series(None, index=base.index, dtype=object)
    for col, target in (("recommended_product", rec), ("recommendation_reason", reason)):
        if col in villages.columns:
            target.update(villages[col])
    recommendation = getattr(result, "recommendation", None)
    if recommendation is not None and len(recommendation) and result.allocation is None:
        own = rec.isna() & rec.index.isin(recommendation.index)  # villages' own columns first
        rec[own] = recommendation["product"].reindex(rec.index)[own]
        reason[own] = recommendation["reason"].reindex(rec.index)[own]
    if rec.isna().all() and result.allocation is not None:
        rec.update(result.allocation["product"])
    base["recommended"] = rec
    base["reason"] = reason
    for lang in LANGUAGES:  # the decision's reason in each language, when it gives them
        col = f"reason_{lang}"
        text = pd.Series(None, index=base.index, dtype=object)
        if recommendation is not None and col in recommendation.columns:
            text.update(recommendation[col])
        if f"recommendation_{col}" in villages.columns:
            text.update(villages[f"recommendation_{col}"])
        base[col] = text
    alloc = result.allocation
    base["best_product"] = (
        alloc["best_product"] if alloc is not None and "best_product" in alloc.columns else None
    )
    base["best_score"] = (
        alloc["best_score"] if alloc is not None and "best_score" in alloc.columns else np.nan
    )
    scores = result.scores["score"] if result.scores is not None else pd.Series(dtype=float)
    runner, margin = [], []
    for code, product in base["recommended"].items():
        if (
            recommendation is not None
            and result.allocation is None
            and code in recommendation.index
            and recommendation.at[code, "product"] == product
        ):
            runner.append(recommendation.at[code, "runner_up"])
            margin.append(recommendation.at[code, "margin_points"])
            continue
        if "runner_up_product" in villages.columns:
            runner.append(villages.at[code, "runner_up_product"])
            margin.append(
                villages.at[code, "runner_up_margin"]
                if "runner_up_margin" in villages.columns
                else np.nan
            )
            continue
        own = (
            cand.xs(code, level="village_code")
            if code in cand.index.get_level_values("village_code")
            else cand.iloc[0:0]
        )
        # Best other product: higher score first, more firms on a tie.
        rest = own[own.index != product]
        order = rest.assign(
            _s=rest["score"].astype(float), _b=rest["businesses"].astype(float)
        ).sort_values(["_s", "_b"], ascending=False)
        others = order["_s"]
        mine = scores.get((code, product), np.nan) if product is not None else np.nan
        runner.append(others.index[0] if len(others) else None)
        margin.append(float(mine - others.iloc[0]) if len(others) else np.nan)
    base["runner_up"] = runner
    base["runner_up_margin"] = margin
    # The recommended pair's figures: from the candidates, else from the scores and the counts
    # (an allocated product need not be among a village's candidates).
    ranks = result.scores["rank"] if result.scores is not None else pd.Series(dtype=float)
    for col in (
        "businesses",
        "score",
        "rank",
        "share_rank1",
        "fragile",
        "sentra_class",
        "cluster_id",
        "meets_pp29_2018",
    ):
        values = []
        for c, p in base["recommended"].items():
            if not isinstance(p, str):
                values.append(None)
            elif (c, p) in cand.index:
                values.append(cand.at[(c, p), col])
            elif col == "businesses":
                values.append(
                    villages.at[c, f"businesses_{p}"]
                    if f"businesses_{p}" in villages.columns
                    else np.nan
                )
            elif col == "score":
                values.append(scores.get((c, p), np.nan))
            elif col == "rank":
                values.append(ranks.get((c, p), np.nan))
            elif col == "sentra_class":
                firms = (
                    villages.at[c, f"businesses_{p}"]
                    if f"businesses_{p}" in villages.columns
                    else np.nan
                )
                values.append(_class_of(float(firms), min_units))
            elif col == "fragile":
                values.append(False)
            else:
                values.append(None)
        base[col] = values

    contributions = None
    weights_applied: dict[str, float] = {}
    if result.criteria is not None and result.weights:
        try:
            w, norm = weighted_criteria(result.criteria, result.weights)
        except Exception:  # the analysis changed its criteria: show no breakdown
            w = norm = None
        if w is not None:
            known = norm.notna()
            den = known.astype(float) @ w
            contributions = norm.fillna(0).mul(w, axis=1).div(den.replace(0, np.nan), axis=0)
            contributions = 100 * contributions.where(known)
            used = known.any(axis=0)
            total = float(w[used].sum())
            weights_applied = {str(k): float(v) / total for k, v in w[used].items() if total > 0}
    for name in ("weights_applied",):
        if isinstance(getattr(result, name, None), dict):
            weights_applied = {str(k): float(v) for k, v in getattr(result, name).items()}
    decision = getattr(result, "decision", None)
    if decision is not None:
        # the weights the decision applied and each criterion's points (they add up to the score)
        weights_applied = {str(k): float(v) for k, v in decision.weights_applied.items()}
        points = [c for c in cand.columns if c.startswith("points_")]
        if points:
            contributions = cand[points].rename(columns=lambda c: c.removeprefix("points_"))
    return ReportFacts(
        villages=base,
        candidates=cand,
        clusters=clusters,
        products=products,
        contributions=contributions,
        weights_applied=weights_applied,
        from_analysis=from_analysis,
        min_units=min_units,
    )


def resolve_villages(result: AnalysisResult, wanted: list[str] | tuple[str, ...]) -> tuple:
    """Village codes for codes or names (case and spaces ignored); all unknown ones at once."""
    villages = result.villages
    by_name: dict[str, list[str]] = {}
    for code, name in villages["village_name"].astype(str).items():
        by_name.setdefault(" ".join(name.lower().split()), []).append(code)
    codes, unknown = [], []
    for item in wanted:
        key = str(item).strip()
        if key in villages.index:
            codes.append(key)
        elif " ".join(key.lower().split()) in by_name:
            codes.extend(by_name[" ".join(key.lower().split())])
        else:
            unknown.append(key)
    if unknown:
        raise ParameterError(
            f"--villages: not villages of {result.region.name}: {', '.join(unknown)}. Give "
            "village codes (e.g. 61.12.07.2002) or names as in villages.csv. / Bukan desa "
            f"wilayah ini: {', '.join(unknown)}. Tulis kode desa atau nama seperti di "
            "villages.csv."
        )
    return tuple(dict.fromkeys(codes))


# ----------------------------------------------------------------------------- wording
#: Longest village name in summaries and lists (the profile page and the comparison table print
#: the whole name).
NAME_CHARS = 60


def _short(name: object) -> str:
    text = " ".join(str(name).split())
    return text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 1] + "…"


def _txt(x) -> str:
    """A text cell: an en dash for missing values."""
    if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA or x == "":
        return "–"
    return str(x)


def _n(x, lang, unit="", decimals=1):
    try:
        x = float(x)
    except (TypeError, ValueError):
        return "–"
    return fmt_number(x, lang, unit, decimals=decimals)


def _role(role: str, lang: str) -> str:
    from .i18n import STRINGS

    key = f"rep_role_{role}"
    return t(key, lang) if key in STRINGS else role


def _class_label(cls, lang: str, min_units: int) -> str:
    if cls is None or (isinstance(cls, float) and np.isnan(cls)):
        return "–"
    return t(f"rep_class_{cls}", lang, n=min_units, m=min_units - 1)


def _criterion_names(lang: str) -> dict[str, str]:
    table = load_default_criteria()
    col = "name_id" if lang == "id" else "name_en"
    ids = table.index if "id" not in table.columns else table["id"]
    return dict(zip(ids.astype(str), table[col].astype(str), strict=True))


def _deciding(facts: ReportFacts, code: str, product: str, lang: str, k: int = 2) -> list[str]:
    """The criteria that gave this pair most of its score."""
    c = facts.contributions
    if c is None or (code, product) not in c.index:
        return []
    names = _criterion_names(lang)
    row = c.loc[(code, product)].dropna().sort_values(ascending=False)
    return [names.get(i, i) for i in row.index[:k] if row[i] > 0]


def _reason(facts: ReportFacts, code: str, lang: str) -> str:
    v = facts.villages.loc[code]
    own = v.get(f"reason_{lang}")
    if isinstance(own, str) and own:
        return own
    if v["reason"] is not None and not (isinstance(v["reason"], float) and np.isnan(v["reason"])):
        return translate_note(v["reason"], lang)
    product = v["recommended"]
    if product is None or (isinstance(product, float) and np.isnan(product)):
        return t("rep_reason_none", lang)
    n_villages = int((facts.candidates.index.get_level_values("product") == product).sum())
    text = t(
        "rep_reason",
        lang,
        product=product,
        cls=_class_label(v["sentra_class"], lang, facts.min_units),
        firms=_n(v["businesses"], lang, decimals=0),
        score=_n(v["score"], lang),
        rank=_n(v["rank"], lang, decimals=0),
        n=n_villages,
    )
    deciding = _deciding(facts, code, product, lang)
    if deciding:
        text += " " + t("rep_reason_criteria", lang, criteria=" & ".join(deciding))
    best = v["best_product"]
    if isinstance(best, str) and best != product:
        gap = float(v["best_score"]) - float(v["score"])
        key = "rep_reason_tie" if abs(gap) < TIE_POINTS else "rep_reason_not_best"
        text += " " + t(key, lang, best=best, score=_n(v["best_score"], lang))
    if bool(v["fragile"]):
        text += " " + t("rep_reason_fragile", lang)
    return text


def _data_status(result: AnalysisResult, lang: str) -> Box:
    region = result.region
    manifest = region.manifest
    real = [
        f"{_role(p.role, lang)}: {p.path}"
        for p in region.provenance
        if not p.illustrative and not p.role.startswith("table:")
    ]
    illus = [f"{_role(p.role, lang)}: {p.path}" for p in region.provenance if p.illustrative]
    estimated = []
    if result.land is not None and bool(result.land["estimated"].any()):
        estimated.append(t("rep_estimated_harvest", lang))
    if result.carrying is not None and bool(result.carrying.region.get("estimated", False)):
        estimated.append(t("rep_estimated_capacity", lang))
    if result.growth is not None:
        estimated.append(
            t(
                "rep_estimated_growth",
                lang,
                year=result.growth.data_year,
                start=result.growth.start_year,
            )
        )
    estimated.append(t("rep_estimated_parameters", lang))
    rows = (
        (t("rep_status_real", lang), "; ".join(real) or "–"),
        (t("rep_status_illustrative", lang), "; ".join(illus) or t("rep_none", lang)),
        (t("rep_status_estimated", lang), "; ".join(estimated)),
        (
            t("rep_status_boundaries", lang),
            t("indicative_boundaries", lang) + ". " + (manifest.boundaries.source or ""),
        ),
    )
    if region.businesses is not None:
        source = next((p.source for p in region.provenance if p.role == "businesses"), "")
        rows += ((t("rep_status_businesses", lang), source or "–"),)
    return Box(t("rep_status_title", lang), rows)


def _parameter_set_name(result: AnalysisResult, options: ReportOptions) -> str:
    if options.parameter_set:
        return options.parameter_set
    default = type(result.params)()
    return t(
        "rep_params_default" if result.params == default else "rep_params_custom", options.lang
    )


def _what_would_change(result: AnalysisResult, facts: ReportFacts, lang: str) -> list[str]:
    out = []
    if result.prepared.illustrative_layers:
        out.append(
            t(
                "rep_change_layers",
                lang,
                layers=", ".join(_role(x, lang) for x in result.prepared.illustrative_layers),
            )
        )
    if result.land is not None and bool(result.land["estimated"].any()):
        out.append(t("rep_change_harvest", lang))
    if result.region.businesses is not None:
        out.append(t("rep_change_census", lang))
        if result.region.businesses_previous is None:
            out.append(t("rep_change_two_periods", lang))
    else:
        out.append(t("rep_change_businesses", lang))
    if result.criteria is not None:
        unknown = [
            c
            for c in ("managing_body", "government_commitment", "local_wisdom")
            if c in result.criteria.columns and result.criteria[c].isna().all()
        ]
        if unknown:
            names = _criterion_names(lang)
            out.append(
                t("rep_change_optional", lang, criteria=", ".join(names.get(c, c) for c in unknown))
            )
    if result.region.assessment is not None:
        out.append(t("rep_change_readiness", lang))
    return out


def _land_constraint(result: AnalysisResult, lang: str) -> list[str]:
    summary = region_summary(result)
    out = []
    land = summary.get("land")
    if land:
        out.append(
            t(
                "rep_land_balance",
                lang,
                farmland=_n(land["land_farmland_ha"], lang, "ha", 0),
                used=_n(land["land_used_ha"], lang, "ha", 0),
                unused=_n(land["land_unused_ha"], lang, "ha", 0),
            )
        )
    if summary.get("capacity_status"):
        out.append(
            t(
                "rep_capacity",
                lang,
                status=t(f"status_{summary['capacity_status']}", lang),
                ratio=_n(summary["capacity_supply_demand_ratio"], lang, decimals=2),
                alpha=_n(summary["capacity_alpha_index"], lang, decimals=2),
                cls=summary["capacity_alpha_class"],
            )
        )
    growth = summary.get("growth")
    if growth:
        names = result.villages["village_name"]
        for crop, codes in growth["villages_short_now"].items():
            if codes:
                out.append(
                    t(
                        "rep_short_now",
                        lang,
                        crop=crop,
                        n=len(codes),
                        villages=", ".join(_short(names.get(c, c)) for c in codes[:8])
                        + (" …" if len(codes) > 8 else ""),
                    )
                )
    food = summary.get("food_first") or {}
    binding = [c for c, row in food.items() if row.get("food_first_binding") == "food_need"]
    if binding:
        out.append(t("rep_food_binding", lang, crops=", ".join(binding)))
    if not out:
        out.append(t("rep_land_unknown", lang))
    return out


# ----------------------------------------------------------------------------- sections
def _cover(result, facts, options, now) -> list[Block]:
    lang = options.lang
    region = result.region
    return [
        Heading(t("rep_title", lang), 0),
        Paragraph(region.name, "lead"),
        Paragraph(
            t(
                "rep_cover_meta",
                lang,
                date=now.strftime("%Y-%m-%d"),
                version=__version__,
                params=_parameter_set_name(result, options),
                n=fmt_number(len(result.villages), lang, decimals=0),
            ),
            "body",
        ),
        Paragraph(t("rep_cover_purpose", lang), "body"),
        _data_status(result, lang),
        Paragraph(t("rep_cover_notice", lang), "note"),
    ]


def _summary(result, facts: ReportFacts, options, large: bool) -> list[Block]:
    lang = options.lang
    v = facts.villages
    blocks: list[Block] = [PageBreak(), Heading(t("rep_summary", lang), 1)]
    if not large:
        rows = tuple(
            (
                _short(v.at[c, "village_name"]),
                str(v.at[c, "recommended"] or "–"),
                _reason(facts, c, lang),
            )
            for c in v.index
        )
        blocks.append(
            Table(
                (t("village", lang), t("rep_recommended", lang), t("rep_reason_heading", lang)),
                rows,
                widths=(1.3, 1, 5.2),
                font_size=7.5,
            )
        )
    else:
        blocks.append(
            Paragraph(
                t(
                    "rep_summary_large",
                    lang,
                    n=fmt_number(len(v), lang, decimals=0),
                    k=options.profile_limit,
                ),
                "small",
            )
        )
        blocks.append(_by_area_table(facts, lang, ["kabupaten"]))
    sentra = facts.candidates[facts.candidates["sentra_class"] == "sentra"]
    blocks.append(Heading(t("rep_sentra_heading", lang, n=facts.min_units), 2))
    if len(sentra):
        items = tuple(
            t(
                "rep_sentra_item",
                lang,
                village=_short(v.at[c, "village_name"]),
                product=p,
                firms=_n(r["businesses"], lang, decimals=0),
            )
            for (c, p), r in sentra.iterrows()
        )
        blocks.append(Bullets(items[:30], "small"))
        if len(items) > 30:
            blocks.append(Paragraph(t("rep_more", lang, n=len(items) - 30), "note"))
    else:
        blocks.append(Paragraph(t("rep_no_sentra", lang, n=facts.min_units), "small"))
    multi = facts.clusters[facts.clusters["villages"].map(len) >= 2]
    blocks.append(Heading(t("rep_clusters_heading", lang), 2))
    if len(multi):
        items = tuple(
            t(
                "rep_cluster_item",
                lang,
                product=r.product,
                n=len(r.villages),
                firms=_n(r.businesses, lang, decimals=0),
                cls=_class_label(r.sentra_class, lang, facts.min_units),
                villages=", ".join(
                    _short(v.at[c, "village_name"]) for c in r.villages[:8] if c in v.index
                )
                + (" …" if len(r.villages) > 8 else ""),
            )
            for r in multi.itertuples()
        )
        blocks.append(Bullets(items[:20], "small"))
    else:
        blocks.append(Paragraph(t("rep_no_clusters", lang), "small"))
    blocks.append(Heading(t("rep_land_heading", lang), 2))
    blocks.append(Bullets(tuple(_land_constraint(result, lang)), "small"))
    blocks.append(Heading(t("rep_change_heading", lang), 2))
    blocks.append(Bullets(tuple(_what_would_change(result, facts, lang)), "small"))
    return blocks


def _by_area_table(facts: ReportFacts, lang: str, keys: list[str]) -> Table:
    """Villages, firms, recommended products and sentra per kabupaten (and kecamatan)."""
    v = facts.villages
    cand = facts.candidates
    sentra = cand[cand["sentra_class"] == "sentra"].index.get_level_values("village_code")
    rows = []
    for key, g in v.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        recs = g["recommended"].dropna().value_counts()
        top = ", ".join(f"{p} ({n})" for p, n in recs.head(3).items()) or "–"
        n_sentra = int(g.index.isin(sentra).sum())
        firms = g["businesses_total"].sum(min_count=1)
        rows.append(
            (
                *map(str, key),
                fmt_number(len(g), lang, decimals=0),
                _n(firms, lang, decimals=0),
                top,
                fmt_number(n_sentra, lang, decimals=0),
            )
        )
    names = {"kabupaten": t("rep_kabupaten", lang), "group": t("group", lang)}
    widths = {"kabupaten": 1.1, "group": 1.6}
    return Table(
        (
            *(names[k] for k in keys),
            t("villages", lang),
            t("businesses", lang),
            t("rep_recommended", lang),
            t("rep_sentra_villages", lang),
        ),
        tuple(rows),
        widths=(*(widths[k] for k in keys), 0.7, 0.8, 2.4, 0.8),
        align="l" * len(keys) + "rrlr",
        font_size=7,
    )


def _map_notes(result, lang: str) -> list[str]:
    boundaries = result.region.manifest.boundaries
    notes = [
        t("rep_map_source", lang, source=boundaries.source or "–"),
        t("indicative_boundaries", lang) + ". " + t("rep_map_no_basemap", lang),
    ]
    if result.region.businesses is not None:
        src = next((p.source for p in result.region.provenance if p.role == "businesses"), "")
        if src:
            notes.append(t("businesses_source", lang, source=src))
    return [n if len(n) <= 160 else n[:157] + "…" for n in notes]


def _maps(result, facts: ReportFacts, base, options) -> list[Block]:
    lang = options.lang
    v = facts.villages
    blocks: list[Block] = [PageBreak(), Heading(t("rep_maps", lang), 1)]
    notes = _map_notes(result, lang)
    order = [p for p in facts.products if p in set(v["recommended"].dropna())]
    blocks.append(Heading(t("rep_map_overview", lang), 2))
    png = printmaps.category_map(
        base,
        v["recommended"].dropna(),
        order=order,
        title="",
        legend_title=t("rep_recommended", lang),
        lang=lang,
        notes=notes,
    )
    blocks.append(
        Picture(png, width=1.0, max_height=0.9, caption=t("rep_map_overview_caption", lang))
    )
    cand = facts.candidates
    cls_order = [_class_label(c, lang, facts.min_units) for c in CLASSES]
    greys = dict(zip(cls_order, ("#252525", "#969696", "#e0e0e0"), strict=True))
    hatches = dict(zip(cls_order, ("", "////", "...."), strict=True))
    for product in facts.products:
        if product not in set(cand.index.get_level_values("product")):
            continue
        rows = cand.xs(product, level="product")
        classes = rows["sentra_class"].map(lambda c: _class_label(c, lang, facts.min_units))
        clusters = facts.clusters[
            (facts.clusters["product"] == product) & (facts.clusters["villages"].map(len) >= 2)
        ]
        outline = pd.Series(
            {c: r.cluster_id for r in clusters.itertuples() for c in r.villages}, dtype=object
        )
        extra = (
            {
                c: t("rep_firms_short", lang, n=_n(r["businesses"], lang, decimals=0))
                for c, r in rows.iterrows()
            }
            if len(v) <= printmaps.LABEL_LIMIT
            else None
        )
        png = printmaps.category_map(
            base,
            classes,
            order=cls_order,
            colours=greys,
            hatches=hatches,
            title="",
            legend_title=t("rep_class_legend", lang),
            lang=lang,
            notes=notes,
            outlines=outline if len(outline) else None,
            outline_label=t("rep_cluster_legend", lang),
            label_extra=extra,
            missing_label=t("rep_not_candidate", lang),
            markers=dict(zip(cls_order, ("o", "^", "s"), strict=True)),
        )
        blocks += [
            PageBreak(),
            Heading(t("rep_map_product", lang, product=product), 1),
            Picture(
                png,
                width=1.0,
                max_height=0.64,
                caption=t("rep_map_product_caption", lang, product=product),
            ),
        ]
        blocks.append(_product_table(facts, product, rows, lang))
    return blocks


def _product_table(
    facts: ReportFacts, product: str, rows: pd.DataFrame, lang: str, limit: int = 25
) -> Table:
    """The candidate villages of one product, best first (at most ``limit`` rows)."""
    v = facts.villages
    ordered = rows.sort_values(["score", "businesses"], ascending=False)
    body = tuple(
        (
            _short(v.at[c, "village_name"]) if c in v.index else c,
            v.at[c, "group"] if c in v.index else "",
            _n(r["businesses"], lang, decimals=0),
            _class_label(r["sentra_class"], lang, facts.min_units),
            _n(r["score"], lang),
            _n(r["rank"], lang, decimals=0),
            _txt(r["cluster_id"]),
            t("rep_yes", lang) if c in v.index and v.at[c, "recommended"] == product else "",
        )
        for c, r in ordered.head(limit).iterrows()
    )
    caption = t("rep_more", lang, n=len(ordered) - limit) if len(ordered) > limit else ""
    return Table(
        (
            t("village", lang),
            t("group", lang),
            t("businesses", lang),
            t("rep_class_legend", lang),
            t("score", lang),
            t("rep_rank", lang),
            t("rep_cluster", lang),
            t("rep_recommended", lang),
        ),
        body,
        widths=(1.8, 1.3, 0.9, 1.6, 0.8, 0.9, 1.1, 1.1),
        align="llrlrrll",
        font_size=7.5,
        caption=caption,
    )


def _profile_codes(result, facts: ReportFacts, options) -> list[str]:
    v = facts.villages
    if options.villages:
        return [c for c in options.villages if c in v.index]
    if len(v) <= options.profile_limit:
        return list(v.index)
    cand = facts.candidates
    if cand.empty:
        return []
    top = cand[pd.to_numeric(cand["rank"], errors="coerce") <= options.top_per_product]
    return list(dict.fromkeys(top.index.get_level_values("village_code")))


def _profile(result, facts: ReportFacts, base, code: str, options) -> list[Block]:
    lang = options.lang
    v = facts.villages.loc[code]
    village = result.villages.loc[code]
    blocks: list[Block] = [
        PageBreak(),
        Heading(t("rep_profile_heading", lang, name=v["village_name"]), 1),
    ]
    meta = t(
        "rep_profile_meta",
        lang,
        code=code,
        group=v["group"],
        area=_n(village.get("area_ha"), lang, "ha", 0),
        households=_n(village.get("households"), lang, decimals=0),
    )
    blocks.append(Paragraph(meta, "small"))
    blocks.append(Paragraph(t("rep_recommended", lang) + ": " + _reason(facts, code, lang), "body"))
    if isinstance(v["runner_up"], str):
        blocks.append(
            Paragraph(
                t(
                    "rep_runner_up",
                    lang,
                    product=v["runner_up"],
                    margin=_n(v["runner_up_margin"], lang),
                ),
                "small",
            )
        )
    row = [
        Picture(
            printmaps.locator_map(base, code, lang=lang), width=0.3, caption=t("rep_locator", lang)
        )
    ]
    firm_cols = {
        c[len("businesses_") :]: village[c]
        for c in result.villages.columns
        if c.startswith("businesses_") and c[len("businesses_") :] in facts.products
    }
    firms = {p: float(n) for p, n in firm_cols.items() if pd.notna(n) and float(n) > 0}
    if firms:
        row.append(
            Picture(
                figures.bar_picture(
                    dict(sorted(firms.items(), key=lambda kv: -kv[1])),
                    title=t("rep_firms_chart", lang),
                    lang=lang,
                    threshold=facts.min_units,
                    threshold_label=t("rep_pp29_line", lang, n=facts.min_units),
                    highlight=v["recommended"] if isinstance(v["recommended"], str) else None,
                ),
                width=0.55,
                max_height=0.3,
                caption=t("rep_firms_caption", lang),
            )
        )
    blocks.append(Row(tuple(row)))
    if result.land_balance is not None and code in result.land_balance.index:
        b = result.land_balance.loc[code]
        parts = {
            t("rep_land_used", lang): b["land_used_ha"],
            t("rep_land_unused", lang): b["land_unused_ha"],
            t("rep_land_other", lang): b["land_unsuitable_ha"],
        }
        if float(b.get("land_overused_ha", 0) or 0) > 0:
            parts[t("rep_land_overused", lang)] = b["land_overused_ha"]
        flags = [t("illustrative_data", lang)] if bool(b.get("illustrative")) else []
        if bool(b.get("estimated")):
            flags.append(t("estimated_data", lang))
        blocks.append(
            Picture(
                figures.stacked_bar_picture(
                    parts,
                    title=t("rep_land_chart", lang),
                    unit="ha",
                    lang=lang,
                    note=", ".join(flags),
                ),
                width=0.8,
                caption=t("rep_land_caption", lang),
            )
        )
    blocks += _candidate_table(facts, code, lang)
    readiness = result.prepared.readiness_by_aspect
    if readiness is not None and len(readiness):
        col = "aspect_en" if lang == "en" else None
        items = ", ".join(
            f"{(r[col] if col else a)} {_n(r['score'], lang, decimals=2)}"
            for a, r in readiness.iterrows()
        )
        blocks.append(Paragraph(t("rep_readiness", lang, items=items), "small"))
    else:
        blocks.append(Paragraph(t("rep_readiness_none", lang), "small"))
    flags = _flags(result, facts, code, lang)
    if flags:
        blocks.append(Heading(t("rep_flags", lang), 2))
        blocks.append(Bullets(tuple(flags), "small"))
    return blocks


def _candidate_table(facts: ReportFacts, code: str, lang: str) -> list[Block]:
    cand = facts.candidates
    if code not in cand.index.get_level_values("village_code"):
        return [Paragraph(t("rep_no_candidates", lang), "small")]
    rows = cand.xs(code, level="village_code").sort_values(["score", "businesses"], ascending=False)
    out = []
    for product, r in rows.iterrows():
        deciding = ", ".join(_deciding(facts, code, product, lang, 2)) or "–"
        out.append(
            (
                str(product),
                _class_label(r["sentra_class"], lang, facts.min_units),
                _n(r["businesses"], lang, decimals=0),
                _n(r["score"], lang),
                _n(r["rank"], lang, decimals=0),
                _n(100 * float(r["share_rank1"]), lang, "%", 0)
                if pd.notna(r["share_rank1"])
                else "–",
                _txt(r["cluster_id"]),
                deciding,
            )
        )
    return [
        Heading(t("rep_candidates", lang), 2),
        Table(
            (
                t("product", lang),
                t("rep_class_legend", lang),
                t("businesses", lang),
                t("score", lang),
                t("rep_rank", lang),
                t("rep_first_share", lang),
                t("rep_cluster", lang),
                t("rep_deciding", lang),
            ),
            tuple(out),
            widths=(1.1, 1.4, 0.9, 0.8, 0.9, 0.9, 1.1, 3.3),
            align="llrrrrll",
            font_size=7,
        ),
    ]


def _flags(result, facts: ReportFacts, code: str, lang: str) -> list[str]:
    out = []
    v = facts.villages.loc[code]
    if bool(v["fragile"]):
        out.append(t("fragile_note", lang, n=result.params.sensitivity_runs))
    if result.prepared.illustrative_layers:
        out.append(
            t(
                "illustrative_layers",
                lang,
                layers=", ".join(_role(x, lang) for x in result.prepared.illustrative_layers),
            )
        )
    if result.land is not None and code in result.land.index.get_level_values(0):
        land = result.land.xs(code, level="village_code")
        if bool(land["estimated"].any()):
            out.append(t("estimated_note", lang))
        short = [str(c) for c, s in land["land_short_now"].items() if bool(s)]
        if short:
            out.append(t("rep_flag_short_now", lang, crops=", ".join(short)))
    if "households" in result.villages.columns:
        out.append(t("rep_flag_households", lang))
    return out


def _comparison(result, facts: ReportFacts, codes: list[str], lang: str) -> list[Block]:
    v = facts.villages
    villages = result.villages
    header = (
        t("village", lang),
        t("group", lang),
        t("area", lang) + " (ha)",
        t("rep_households_short", lang),
        t("businesses", lang),
        t("rep_recommended", lang),
        t("rep_class_legend", lang),
        t("score", lang),
        t("rep_lq", lang),
        t("rep_land_farmland", lang),
        t("rep_land_unused", lang) + " (ha)",
        t("rep_capacity_short", lang),
        t("distance_capital", lang) + " (km)",
    )
    rows = []
    for c in codes:
        product = v.at[c, "recommended"]
        lq = (
            villages.at[c, f"lq_{product}"]
            if isinstance(product, str) and f"lq_{product}" in villages.columns
            else np.nan
        )
        rows.append(
            (
                v.at[c, "village_name"],
                v.at[c, "group"],
                _n(villages.at[c, "area_ha"], lang, "", 0),
                _n(villages.get("households", pd.Series(dtype=float)).get(c), lang, decimals=0),
                _n(v.at[c, "businesses_total"], lang, decimals=0),
                str(product or "–"),
                _class_label(v.at[c, "sentra_class"], lang, facts.min_units),
                _n(v.at[c, "score"], lang),
                _n(lq, lang, decimals=2),
                _n(villages.get("land_farmland_ha", pd.Series(dtype=float)).get(c), lang, "", 0),
                _n(villages.get("land_unused_ha", pd.Series(dtype=float)).get(c), lang, "", 0),
                _n(
                    villages.get("capacity_supply_demand_ratio", pd.Series(dtype=float)).get(c),
                    lang,
                    decimals=2,
                ),
                _n(
                    villages.at[c, "distance_capital_straight_km"]
                    if "distance_capital_straight_km" in villages.columns
                    else np.nan,
                    lang,
                    decimals=1,
                ),
            )
        )
    return [
        PageBreak(landscape=True),
        Heading(t("rep_comparison", lang), 1),
        Table(
            header,
            tuple(rows),
            widths=(1.6, 1.2, 0.8, 0.8, 0.7, 1.0, 1.3, 0.6, 0.6, 0.9, 0.9, 0.9, 0.9),
            align="llrrrllrrrrrr",
            font_size=7,
            caption=t("rep_comparison_caption", lang),
        ),
    ]


#: Products given a house of quality in the report: the most recommended ones, at most this many.
QFD_PRODUCTS = 3


def _qfd_section(result, facts: ReportFacts, options) -> list[Block]:
    """The house of quality and the ranked support measures of the recommended products."""
    lang = options.lang
    recommended = facts.villages["recommended"].dropna().astype(str)
    if recommended.empty or result.region.businesses is None:
        return []
    counts = recommended.value_counts()
    products = sorted(counts.index, key=lambda p: (-counts[p], p))[:QFD_PRODUCTS]
    blocks: list[Block] = [
        PageBreak(),
        Heading(t("rep_qfd", lang), 1),
        Paragraph(t("rep_qfd_intro", lang), "small"),
    ]
    for i, product in enumerate(products):
        try:
            section = qfd.report_section(*qfd.product_qfd(result.region, product), lang)
        except OvopError as err:  # a product the QFD tables do not cover: said, not hidden
            blocks.append(
                Paragraph(
                    t("rep_qfd_skipped", lang, product=product, reason=err.text(lang)), "note"
                )
            )
            continue
        if i:
            blocks.append(PageBreak())  # one product a page: its heading never left alone
        blocks.append(Heading(product, 2))
        picture = figures.house_of_quality_picture(section, lang=lang, fmt="png", dpi=130)
        blocks.append(Picture(picture, width=1.0, max_height=0.5))
        rows = tuple(
            (
                str(m["rank"]),
                m["label"],
                fmt_number(100 * m["priority_addressed"], lang, "%", decimals=1),
                ", ".join(m["main_dimensions"]),
            )
            for m in section["plan"][:5]
        )
        blocks.append(
            Table(
                (
                    t("rep_rank", lang),
                    t("rep_qfd_measure", lang),
                    t("rep_qfd_addressed", lang),
                    t("rep_qfd_dimensions", lang),
                ),
                rows,
                widths=(0.9, 3.0, 1.2, 3.3),
                align="llrl",
            )
        )
        notes = [section["places_text"], section["assumptions"]["scenario"]]
        if section["assumptions"]["default_tables"]:
            tables = ", ".join(section["assumptions"]["default_tables"])
            notes.append(t("rep_qfd_defaults", lang, tables=tables))
        blocks.append(Paragraph(" ".join(str(n) for n in notes if n), "note"))
    return blocks


def _methods(result, facts: ReportFacts, options, now) -> list[Block]:
    lang = options.lang
    record = run_record(result, now=now)
    blocks: list[Block] = [
        PageBreak(),
        Heading(t("rep_methods", lang), 1),
        Heading(t("rep_parameters", lang), 2),
    ]
    params = dataclasses.asdict(result.params)
    params.pop("weights", None)
    rows = tuple(
        (
            k,
            "–"
            if val is None
            else (fmt_number(val, lang, decimals=2) if isinstance(val, float) else str(val)),
        )
        for k, val in params.items()
    )
    growth = result.growth
    if growth is not None:
        rates = ", ".join(
            f"{sc.name} {_n(sc.growth_rate_pct_yr, lang, '%', 2)}" for sc in growth.scenarios
        )
        rows += (
            (
                t("rep_growth_used", lang),
                t(
                    "rep_growth_value",
                    lang,
                    rates=rates,
                    pop=_n(growth.population_growth_pct_yr, lang, "%", 2),
                    start=growth.start_year,
                    year=growth.data_year,
                ),
            ),
        )
    blocks.append(
        Table(
            (t("rep_parameter", lang), t("qfd_value", lang)),
            rows,
            widths=(1, 1.4),
            align="lr",
            font_size=7.5,
        )
    )
    names = _criterion_names(lang)
    crit = load_default_criteria()
    ids = crit.index.astype(str) if "id" not in crit.columns else crit["id"].astype(str)
    sources = dict(zip(ids, crit["source"].astype(str), strict=True))
    blocks.append(Heading(t("rep_weights", lang), 2))
    w_rows = tuple(
        (names.get(k, k), _n(100 * w, lang, "%"), sources.get(k, ""))
        for k, w in facts.weights_applied.items()
    )
    unknown = sorted(set(result.weights) - set(facts.weights_applied))
    blocks.append(
        Table(
            (t("criterion", lang), t("rep_weight_applied", lang), t("rep_source", lang)),
            w_rows,
            widths=(2, 0.8, 5),
            align="lrl",
            font_size=7,
        )
    )
    if unknown:
        blocks.append(
            Paragraph(
                t(
                    "rep_weights_unknown",
                    lang,
                    criteria=", ".join(names.get(k, k) for k in unknown),
                ),
                "note",
            )
        )
    blocks.append(Heading(t("rep_rules", lang), 2))
    blocks.append(
        Bullets(
            (
                t("rep_rule_pp29", lang, n=facts.min_units),
                t(
                    "rep_rule_classes",
                    lang,
                    n=facts.min_units,
                    m=PRE_SENTRA_MIN_UNITS,
                    k=facts.min_units - 1,
                ),
                t(
                    "rep_rule_bps",
                    lang,
                    share=_n(100 * result.params.min_household_share, lang, "%", 0),
                ),
                t("rep_rule_lq", lang),
                t("rep_rule_score", lang),
                t(
                    "rep_rule_sensitivity",
                    lang,
                    n=result.params.sensitivity_runs,
                    c=_n(result.params.sensitivity_concentration, lang, decimals=0),
                ),
                t("rep_rule_allocation", lang),
                t("rep_rule_clusters", lang),
                t("rep_rule_capacity", lang),
                (
                    t("rep_adapter_analysis", lang)
                    if facts.from_analysis
                    else t("rep_adapter_derived", lang)
                ),
            ),
            "small",
        )
    )
    blocks.append(Heading(t("rep_assumptions", lang), 2))
    notes = tuple(translate_note(n, lang) for n in result.notes)
    blocks.append(Bullets(notes or (t("rep_none", lang),), "small"))
    blocks.append(Heading(t("rep_inputs", lang), 2))
    in_rows = tuple(
        (
            str(i["role"]),
            str(i["path"]),
            str(i["sha256"]),
            ("✓ " if i["illustrative"] else "") + str(i["source"] or "–"),
        )
        for i in record["inputs"]
    )
    blocks.append(
        Table(
            (t("rep_role", lang), t("rep_file", lang), "SHA-256", t("rep_source", lang)),
            in_rows,
            widths=(1.1, 2, 2.6, 2.6),
            font_size=6.3,
            caption=t("rep_inputs_caption", lang),
        )
    )
    blocks.append(
        Paragraph(
            t(
                "rep_run_record",
                lang,
                version=record["version"],
                python=record["python"],
                time=record["time_utc"],
            ),
            "note",
        )
    )
    return blocks


# ----------------------------------------------------------------------------- document
def report_document(
    result: AnalysisResult,
    options: ReportOptions | None = None,
) -> tuple[list[Block], str, str]:
    """The report's blocks, its title and the footer printed on every page."""
    options = options or ReportOptions()
    lang = options.lang
    now = options.now or dt.datetime.now(dt.UTC)
    facts = report_facts(result)
    large = len(result.villages) > options.profile_limit
    simplify = None
    if large:
        from .simplify import auto_tolerance_m

        simplify = auto_tolerance_m(result.villages, map_width_px=1200)
    base = printmaps.map_base(result.villages, simplify_m=simplify)
    blocks = _cover(result, facts, options, now)
    blocks += _summary(result, facts, options, large)
    blocks += _maps(result, facts, base, options)
    codes = _profile_codes(result, facts, options)
    if large and not options.villages:
        blocks += [
            PageBreak(),
            Heading(t("rep_profiles", lang), 1),
            Paragraph(
                t("rep_profiles_selected", lang, k=options.top_per_product, n=len(codes)), "small"
            ),
        ]
    if not codes:
        blocks.append(Paragraph(t("rep_no_profiles", lang), "small"))
    for code in codes:
        blocks += _profile(result, facts, base, code, options)
    blocks += _comparison(result, facts, codes if large else list(facts.villages.index), lang)
    if large:
        blocks += [
            PageBreak(),
            Heading(t("rep_by_kecamatan", lang), 1),
            _by_area_table(facts, lang, ["kabupaten", "group"]),
        ]
    blocks += _qfd_section(result, facts, options)
    blocks += _methods(result, facts, options, now)
    title = t("rep_title", lang) + " – " + result.region.name
    footer = f"{result.region.name} · ovop_geo {__version__} · {now:%Y-%m-%d} · " + t(
        "indicative_boundaries", lang
    )
    return blocks, title, footer


def report_files(
    result: AnalysisResult,
    options: ReportOptions | None = None,
) -> dict[str, Callable[[], bytes]]:
    """``report.pdf`` and ``report.html`` as functions returning their bytes (built once)."""
    options = options or ReportOptions()
    document = cache(lambda: report_document(result, options))

    def pdf() -> bytes:
        blocks, title, footer = document()
        return to_pdf(blocks, title=title, footer=footer)

    def page() -> bytes:
        blocks, title, footer = document()
        return to_html(blocks, title=title, footer=footer, lang=options.lang).encode("utf-8")

    return {"report.pdf": pdf, "report.html": page}
