"""One OVOP product per village, with the reason in words, the runner-up and its margin.

Each village's candidates (:func:`ovop_geo.decision.decide`) are ordered as the ranking is:
class first (a ``sentra`` before a ``pre_sentra`` before a ``potential``), then score. The first
is recommended; the second is the runner-up, with the margin in score points. When the two are
of one class and within the tie tolerance they are **tied**: the recommendation names both and
says the data do not separate them; nothing breaks the tie silently.

Villages may share a product (a sentra cluster of neighbouring villages is what OVOP hopes
for); a planner who wants every village on a different product switches on
``AnalysisParams.distinct_products`` (:mod:`ovop_geo.allocation`).

All functions work on tables only: no geometry is involved, so no CRS applies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .decision import CLASSES
from .messages import Message, msg

__all__ = ["recommend"]

_ORDER = {c: i for i, c in enumerate(CLASSES)}


def _decided_by(best: pd.Series, runner: pd.Series, criteria: list[str]) -> list[Message]:
    """The criteria that gave the recommended product most of its lead (at most two)."""
    lead = {
        c: float(best.get(f"points_{c}", 0.0)) - float(runner.get(f"points_{c}", 0.0))
        for c in criteria
    }
    top = sorted((v, c) for c, v in lead.items() if v > 0.05)[::-1][:2]
    return [msg(f"criterion.{c}") for _, c in top]


def recommend(
    candidates: pd.DataFrame,
    *,
    criteria: list[str],
    tolerance: float,
    clusters: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The recommended product of every village that makes at least one product.

    Parameters
    ----------
    candidates : pandas.DataFrame
        ``Decision.candidates`` (indexed by ``village_code``, ``product``), optionally with
        ``cluster_id``.
    criteria : list of str
        The criteria applied (``Decision.weights_applied.index``), for the reason.
    tolerance : float
        Tie tolerance in score points.
    clusters : pandas.DataFrame, optional
        :func:`ovop_geo.clusters.sentra_clusters` output, to name the cluster in the reason.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``village_code``: ``product``, ``sentra_class``, ``businesses``, ``score``,
        ``runner_up``, ``runner_up_class``, ``runner_up_score``, ``margin_points`` (score of
        the recommendation minus the runner-up's; NaN without a runner-up), ``tie`` (bool),
        ``tied_products`` (``;``-separated), ``decided_by`` (``class``, ``tie`` or the criteria
        that gave most of the lead, ``;``-separated) and ``reason`` (a
        :class:`ovop_geo.messages.Message`; ``reason_id`` / ``reason_en`` in both languages).
    """
    rows = []
    cluster_info = {}
    if clusters is not None and len(clusters):
        for row in clusters.itertuples():
            cluster_info[row.cluster_id] = (
                len(str(row.villages).split(";")),
                int(row.businesses),
                str(row.sentra_class),
            )
    for village, group in candidates.groupby(level="village_code", sort=True):
        g = group.droplevel("village_code")
        # class, then score; candidates tied on both are listed by their cluster's firms and
        # then by name, and the reason says they are tied
        cluster_firms = (
            g["cluster_businesses"] if "cluster_businesses" in g.columns else g["businesses"]
        )
        key = pd.DataFrame(
            {
                "c": g["sentra_class"].map(_ORDER),
                "s": -g["score"].round(9),
                "f": -cluster_firms.astype(float),
                "p": g.index.astype(str),
            },
            index=g.index,
        )
        order = key.sort_values(["c", "s", "f", "p"]).index
        best = g.loc[order[0]]
        product = str(order[0])
        row = {
            "village_code": village,
            "product": product,
            "sentra_class": best["sentra_class"],
            "businesses": int(best["businesses"]),
            "score": float(best["score"]),
            "runner_up": None,
            "runner_up_class": None,
            "runner_up_score": np.nan,
            "margin_points": np.nan,
            "tie": False,
            "tied_products": "",
            "decided_by": "",
        }
        cid = best.get("cluster_id") if "cluster_id" in g.columns else None
        cluster: str = ""
        if cid in cluster_info and cluster_info[cid][0] > 1:
            n, firms, cls = cluster_info[cid]
            cluster = msg("recommend.cluster", n=n, firms=firms, cls=msg(f"class.{cls}"))
        if len(order) == 1:
            reason = msg(
                "recommend.only",
                product=product,
                cls=msg(f"class.{best['sentra_class']}"),
                firms=row["businesses"],
                score=row["score"],
                cluster=cluster,
            )
        else:
            runner = g.loc[order[1]]
            same = g["sentra_class"] == best["sentra_class"]
            tied = [
                str(p)
                for p in g.index[same & ((best["score"] - g["score"]).abs() <= tolerance + 1e-9)]
                if p != product
            ]
            row |= {
                "runner_up": str(order[1]),
                "runner_up_class": runner["sentra_class"],
                "runner_up_score": float(runner["score"]),
                "margin_points": float(best["score"] - runner["score"]),
                "tie": bool(tied),
                "tied_products": ";".join(tied),
            }
            common = {
                "product": product,
                "cls": msg(f"class.{best['sentra_class']}"),
                "firms": row["businesses"],
                "score": row["score"],
                "runner": row["runner_up"],
                "runner_cls": msg(f"class.{runner['sentra_class']}"),
                "runner_firms": int(runner["businesses"]),
                "runner_score": row["runner_up_score"],
                "margin": row["margin_points"],
                "cluster": cluster,
            }
            if tied:
                row["decided_by"] = "tie"
                reason = msg("recommend.tie", tied=tied, tol=float(tolerance), **common)
            elif runner["sentra_class"] != best["sentra_class"]:
                row["decided_by"] = "class"
                reason = msg("recommend.by_class", **common)
            else:
                decided = _decided_by(best, runner, criteria)
                row["decided_by"] = ";".join(m.key.removeprefix("criterion.") for m in decided)
                reason = msg(
                    "recommend.by_score", decided=decided or [msg("criterion.none")], **common
                )
        row["reason"] = reason
        row["reason_id"] = reason.text("id")
        row["reason_en"] = reason.text("en")
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=["product", "reason"], index=pd.Index([], name="village_code"))
    return out.set_index("village_code")
