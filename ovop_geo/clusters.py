"""Sentra clusters: neighbouring villages that make the same product.

For each product, the villages with at least one firm are joined when they share a boundary
(rook contiguity), and every connected group is a cluster: its member villages, its total firms
and its class by the same rules as a village (:class:`ovop_geo.decision.ClassRules`; PP 29/2018
speaks of "one location", which a cluster of adjoining villages is taken to be). A planner sees
"kerupuk: one cluster of 6 villages, 16 firms" beside the village-level view.

Shared boundary: measured in the villages' UTM zone (:meth:`GeoDataFrame.estimate_utm_crs`).
Published village polygons are simplified and leave slivers and gaps of a few metres between
neighbours, so two villages share a boundary when at least ``min_shared_boundary_m`` of one's
border lies within ``tolerance_m`` of the other (defaults 5 m and 20 m: a gap up to 5 m is
closed; villages meeting at a corner only are not neighbours). The dissolved geometry of a
cluster is the union of its villages with the same gaps closed (buffer out and back by the
tolerance), returned in EPSG:4326.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .decision import ClassRules, class_of
from .errors import ParameterError

__all__ = ["ClusterParams", "cluster_membership", "neighbours", "sentra_clusters"]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())


@dataclass(frozen=True)
class ClusterParams:
    """How close two village borders must be, and over what length, to count as shared.

    Attributes
    ----------
    tolerance_m : float
        Gaps and slivers up to this width (metres) between two villages are closed
        (assumption: 5 m, above the gaps of simplified published boundaries).
    min_shared_boundary_m : float
        At least this length of border (metres) must be shared; a corner is not a boundary.
    """

    tolerance_m: float = 5.0
    min_shared_boundary_m: float = 20.0

    def __post_init__(self) -> None:
        for name in ("tolerance_m", "min_shared_boundary_m"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
                raise ParameterError(
                    f"ClusterParams: {name} must be a length ≥ 0 in metres, got {value!r}."
                )


def neighbours(
    villages: gpd.GeoDataFrame, params: ClusterParams | None = None
) -> list[tuple[str, str]]:
    """Pairs of village codes (sorted, each pair once) that share a boundary."""
    params = ClusterParams() if params is None else params
    if villages.crs is None:
        raise ParameterError("villages: no CRS; cannot measure shared boundaries in metres.")
    geoms = villages.to_crs(villages.estimate_utm_crs()).geometry.make_valid().to_numpy()
    codes = villages.index.astype(str).to_numpy()
    tol = float(params.tolerance_m)
    grown = shapely.buffer(geoms, tol) if tol > 0 else geoms
    tree = shapely.STRtree(geoms)
    grown_index, other = tree.query(grown, predicate="intersects")
    keep = other < grown_index
    j, i = grown_index[keep], other[keep]
    shared = shapely.length(shapely.intersection(shapely.boundary(geoms[i]), grown[j]))
    close = shared >= params.min_shared_boundary_m
    pairs = {(min(a, b), max(a, b)) for a, b in zip(codes[i[close]], codes[j[close]], strict=True)}
    return sorted(pairs)


def sentra_clusters(
    villages: gpd.GeoDataFrame,
    businesses: pd.DataFrame,
    rules: ClassRules | None = None,
    params: ClusterParams | None = None,
    *,
    pairs: list[tuple[str, str]] | None = None,
) -> gpd.GeoDataFrame:
    """Clusters of neighbouring villages making each product.

    Parameters
    ----------
    villages : geopandas.GeoDataFrame
        Indexed by ``village_code``, with a CRS; ``village_name`` if present.
    businesses : pandas.DataFrame
        Firms per village (index ``village_code``) and product (columns).
    rules : ClassRules, optional
        Class thresholds, applied to the cluster's total firms.
    params : ClusterParams, optional
    pairs : list of (code, code), optional
        :func:`neighbours` computed before (it is parameter-free; the pipeline keeps it).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per cluster (EPSG:4326): ``product``, ``cluster_id`` (``<product>-<n>``, 1 =
        most firms), ``villages`` (codes joined by ``;``), ``village_names``, ``n_villages``,
        ``businesses`` (total firms), ``sentra_class``, ``meets_pp29_2018`` and the dissolved
        geometry. A village making a product alone is a cluster of one.
    """
    rules = ClassRules() if rules is None else rules
    params = ClusterParams() if params is None else params
    codes = villages.index.astype(str)
    b = businesses.copy()
    b.index = b.index.astype(str)
    b = b.reindex(codes).fillna(0)
    position = {c: i for i, c in enumerate(codes)}
    pairs = neighbours(villages, params) if pairs is None else pairs
    utm = villages.estimate_utm_crs()
    geoms = villages.to_crs(utm).geometry.make_valid().to_numpy()
    names = (
        villages["village_name"].astype(str).to_numpy()
        if "village_name" in villages
        else codes.to_numpy()
    )
    rows = []
    tol = float(params.tolerance_m)
    for product in b.columns:
        makers = np.flatnonzero(b[product].to_numpy(dtype=float) >= 1)
        if not len(makers):
            continue
        local = {int(m): k for k, m in enumerate(makers)}
        edges = [
            (local[position[a]], local[position[c]])
            for a, c in pairs
            if position[a] in local and position[c] in local
        ]
        n = len(makers)
        if edges:
            e = np.array(edges)
            graph = coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
        else:
            graph = coo_matrix((n, n))
        _, labels = connected_components(graph, directed=False)
        groups = []
        for label in np.unique(labels):
            members = makers[labels == label]
            firms = int(b[product].to_numpy()[members].sum())
            groups.append((-firms, codes[members].min(), members, firms))
        for k, (_, _, members, firms) in enumerate(sorted(groups, key=lambda g: g[:2]), 1):
            member_geoms = geoms[members]
            if tol > 0:
                shape = shapely.buffer(shapely.union_all(shapely.buffer(member_geoms, tol)), -tol)
            else:
                shape = shapely.union_all(member_geoms)
            order = np.argsort(codes[members])
            rows.append(
                {
                    "product": str(product),
                    "cluster_id": f"{product}-{k}",
                    "villages": ";".join(codes[members][order]),
                    "village_names": ";".join(names[members][order]),
                    "n_villages": len(members),
                    "businesses": firms,
                    "sentra_class": class_of([firms], rules)[0],
                    "meets_pp29_2018": bool(firms >= rules.sentra_min_units),
                    "geometry": shape,
                }
            )
    if not rows:
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype=object) for c in ("product", "cluster_id", "villages")},
            geometry=gpd.GeoSeries([], crs=4326),
        )
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=utm).to_crs(4326)
    logger.info("Sentra clusters: %d clusters over %d products.", len(out), b.shape[1])
    return out


def cluster_membership(clusters: gpd.GeoDataFrame) -> pd.DataFrame:
    """Each (village_code, product) with the columns of its cluster.

    The columns are ``cluster_id``, ``cluster_villages`` (count), ``cluster_businesses`` and
    ``cluster_class``.
    """
    rows = [
        {
            "village_code": code,
            "product": c.product,
            "cluster_id": c.cluster_id,
            "cluster_villages": int(c.n_villages),
            "cluster_businesses": int(c.businesses),
            "cluster_class": c.sentra_class,
        }
        for c in clusters.itertuples()
        for code in str(c.villages).split(";")
        if code
    ]
    if not rows:
        return pd.DataFrame(
            columns=["cluster_id", "cluster_villages", "cluster_businesses", "cluster_class"],
            index=pd.MultiIndex.from_arrays([[], []], names=["village_code", "product"]),
        )
    return pd.DataFrame(rows).set_index(["village_code", "product"])


def new_product_ideas(
    businesses: pd.DataFrame, pairs: list[tuple[str, str]], names: pd.Series | None = None
) -> pd.DataFrame:
    """Pairs without a firm whose product is made in a neighbouring village.

    They are never ranked as candidates (nobody makes the product there yet); they are listed
    so a planner can look at them, with the reason: the neighbours that make it and their firms.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``village_code``, ``product``): ``neighbours_making`` (codes joined by
        ``;``), ``neighbour_businesses`` and ``reason_en`` / ``reason_id``.
    """
    from .messages import msg

    b = businesses.copy()
    b.index = b.index.astype(str)
    adjacent: dict[str, set[str]] = {}
    for a, c in pairs:
        adjacent.setdefault(a, set()).add(c)
        adjacent.setdefault(c, set()).add(a)
    rows = []
    for village in b.index:
        for product in b.columns:
            if b.at[village, product] >= 1:
                continue
            makers = sorted(
                n for n in adjacent.get(village, ()) if n in b.index and b.at[n, product] >= 1
            )
            if not makers:
                continue
            firms = int(b.loc[makers, product].sum())
            shown = [str(names.get(m, m)) if names is not None else m for m in makers]
            reason = msg("idea.neighbours", product=str(product), villages=shown, firms=firms)
            rows.append(
                {
                    "village_code": village,
                    "product": str(product),
                    "neighbours_making": ";".join(makers),
                    "neighbour_businesses": firms,
                    "reason_en": reason.text("en"),
                    "reason_id": reason.text("id"),
                }
            )
    if not rows:
        return pd.DataFrame(
            columns=["neighbours_making", "neighbour_businesses", "reason_en", "reason_id"],
            index=pd.MultiIndex.from_arrays([[], []], names=["village_code", "product"]),
        )
    return pd.DataFrame(rows).set_index(["village_code", "product"]).sort_index()
