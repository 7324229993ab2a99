"""Sentra clusters and the OVOP recommendation per village on the bundled Rasau Jaya data.

Adjacency is checked against an independent computation: geopandas' spatial join with the
``intersects`` predicate on the unbuffered polygons and a plain union-find, not the module's
STRtree and shared-boundary length.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from ovop_geo.clusters import ClusterParams, neighbours, sentra_clusters
from ovop_geo.messages import catalogue
from ovop_geo.pipeline import AnalysisParams, analyse, prepare_region
from ovop_geo.recommend import recommend
from ovop_geo.region import load_region
from ovop_geo.report import build_outputs

RJ1 = "61.12.07.2002"
X0, Y0 = 330_000.0, 9_970_000.0  # UTM 49S, near Rasau Jaya


@pytest.fixture(scope="module")
def result():
    return analyse(prepare_region(load_region("rasau-jaya")), AnalysisParams(sensitivity_runs=20))


def _components(codes: list[str], pairs: set[tuple[str, str]]) -> list[set[str]]:
    parent = {c: c for c in codes}

    def find(c):
        while parent[c] != c:
            c = parent[c]
        return c

    for a, b in pairs:
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    groups: dict[str, set[str]] = {}
    for c in codes:
        groups.setdefault(find(c), set()).add(c)
    return list(groups.values())


def test_kerupuk_cluster_holds_every_touching_kerupuk_village(result):
    villages = result.region.villages
    frame = villages[["geometry"]].reset_index()
    joined = gpd.sjoin(frame, frame, predicate="intersects")
    touching = {
        (a, b)
        for a, b in zip(joined["village_code_left"], joined["village_code_right"], strict=True)
        if a != b
    }
    makers = [c for c, n in result.region.businesses["kerupuk"].items() if n >= 1]
    expected = sorted(sorted(g) for g in _components(makers, touching))
    kerupuk = result.clusters[result.clusters["product"] == "kerupuk"]
    got = sorted(sorted(v.split(";")) for v in kerupuk["villages"])
    assert got == expected
    # all six villages make kerupuk and touch each other: one cluster, Table 3 total 16 firms
    assert len(kerupuk) == 1
    row = kerupuk.iloc[0]
    assert row["n_villages"] == 6 and row["businesses"] == 16
    assert row["sentra_class"] == "sentra" and row["cluster_id"] == "kerupuk-1"
    # dissolved geometry: the union of the six villages (areas in UTM agree to 0.1 %)
    utm = villages.estimate_utm_crs()
    union_area = shapely.union_all(villages.to_crs(utm).geometry.to_numpy()).area
    assert gpd.GeoSeries([row.geometry], crs=4326).to_crs(utm).area.iloc[0] == pytest.approx(
        union_area, rel=1e-3
    )


def test_every_cluster_by_hand_from_table3(result):
    c = result.clusters.set_index("cluster_id")
    # marning: Rasau Jaya I (1) and Rasau Jaya Umum (1) share a boundary -> 2 firms, pre_sentra
    assert c.loc["marning-1", "villages"] == "61.12.07.2001;61.12.07.2002"
    assert c.loc["marning-1", "businesses"] == 2
    assert c.loc["marning-1", "sentra_class"] == "pre_sentra"
    # kerajinan: RJ III 1, RJ Umum 1, P. Tujuh 2, B. Mas 1 -> 5 firms: the cluster is a sentra
    assert c.loc["kerajinan-1", "businesses"] == 5
    assert c.loc["kerajinan-1", "sentra_class"] == "sentra"
    assert c.loc["torratello-1", "n_villages"] == 1


def test_corner_contact_and_sliver_gaps():
    # A and B share a side; C touches B at a corner only; D is 3 m from A (a sliver gap)
    squares = gpd.GeoDataFrame(
        {"village_name": list("ABCD")},
        geometry=[
            box(X0, Y0, X0 + 1000, Y0 + 1000),
            box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000),
            box(X0 + 2000, Y0 + 1000, X0 + 3000, Y0 + 2000),
            box(X0 - 1003, Y0, X0 - 3, Y0 + 1000),
        ],
        index=pd.Index(list("ABCD"), name="village_code"),
        crs=32749,
    ).to_crs(4326)
    assert neighbours(squares) == [("A", "B"), ("A", "D")]
    assert neighbours(squares, ClusterParams(tolerance_m=1.0)) == [("A", "B")]
    firms = pd.DataFrame({"p": [1, 1, 1, 0]}, index=list("ABCD"))
    clusters = sentra_clusters(squares, firms)
    assert sorted(clusters["villages"]) == ["A;B", "C"]


def test_recommendation_says_why_in_both_languages(result):
    rec = result.recommendation
    assert set(rec.index) == set(result.villages.index)
    k = rec.loc[RJ1]
    assert k["product"] == "kerupuk" and k["sentra_class"] == "sentra"
    assert k["runner_up"] == "keripik" and k["decided_by"] == "class"
    assert k["margin_points"] == pytest.approx(
        result.candidates.loc[(RJ1, "kerupuk"), "score"]
        - result.candidates.loc[(RJ1, "keripik"), "score"]
    )
    assert "kerupuk" in k["reason_en"] and "16 firms" in k["reason_en"]
    assert "menurut kelas" in k["reason_id"] and "16 unit usaha" in k["reason_id"]
    # Bintang Mas: kerupuk, kue and rengginang have one firm each and the same village
    # criteria: a tie, said, not broken silently
    bm = rec.loc["61.12.07.2005"]
    assert bool(bm["tie"]) and bm["decided_by"] == "tie"
    assert set(bm["tied_products"].split(";")) | {bm["product"]} == {"kerupuk", "kue", "rengginang"}
    assert "setara" in bm["reason_id"] and "tied" in bm["reason_en"]
    for key in ("recommend.by_score", "recommend.by_class", "recommend.tie", "class.sentra"):
        assert set(catalogue()[key]) == {"en", "id"}


def test_recommendation_ties_by_tolerance():
    idx = pd.MultiIndex.from_tuples([("V", "a"), ("V", "b")], names=["village_code", "product"])
    cand = pd.DataFrame(
        {
            "sentra_class": ["pre_sentra", "pre_sentra"],
            "businesses": [2, 3],
            "score": [50.0, 50.6],
            "points_businesses": [20.0, 30.0],
        },
        index=idx,
    )
    tied = recommend(cand, criteria=["businesses"], tolerance=1.0).loc["V"]
    assert bool(tied["tie"]) and tied["product"] == "b" and tied["tied_products"] == "a"
    clear = recommend(cand, criteria=["businesses"], tolerance=0.5).loc["V"]
    assert not clear["tie"] and clear["decided_by"] == "businesses"
    assert clear["margin_points"] == pytest.approx(0.6)


def test_distinct_products_stays_available(result):
    prepared = result.prepared
    alloc = analyse(prepared, AnalysisParams(sensitivity_runs=10, distinct_products=True))
    assert alloc.allocation["product"].dropna().is_unique
    assert (alloc.villages["ovop_product"] == alloc.allocation["product"]).all()
    # the default: each village its own recommendation; several may share kerupuk or rengginang
    assert (result.villages["ovop_product"] == result.recommendation["product"]).all()


def test_cluster_exports(result):
    outputs = build_outputs(result)
    doc = json.loads(outputs["sentra_clusters.geojson"]())
    assert "crs" not in doc
    props = [f["properties"] for f in doc["features"]]
    assert {p["cluster_id"] for p in props} == set(result.clusters["cluster_id"])
    kerupuk = next(p for p in props if p["product"] == "kerupuk")
    assert kerupuk["businesses"] == 16 and kerupuk["n_villages"] == 6
    table = pd.read_csv(pd.io.common.BytesIO(outputs["sentra_clusters.csv"]()))
    assert list(table.columns[:6]) == [
        "product",
        "cluster_id",
        "villages",
        "village_names",
        "n_villages",
        "businesses",
    ]
    assert np.array_equal(table["businesses"].to_numpy(), result.clusters["businesses"])
    cand = pd.read_csv(
        pd.io.common.BytesIO(outputs["sentra_candidates.csv"]()), dtype={"village_code": str}
    )
    assert (cand["businesses"] >= 1).all()
    assert cand.loc[cand["village_code"] == RJ1, "cluster_id"].str.len().gt(0).all()
    record = json.loads(outputs["run.json"]())
    assert sum(record["weights_applied"].values()) == pytest.approx(1.0)
    assert record["tie_tolerance_points"] == 1.0
    anchors = {vf["criterion"]: vf for vf in record["sentra_decision"]["value_functions"]}
    assert anchors["businesses"]["anchors"][1] == {"raw": 5.0, "value": 0.5}
    assert "PP 29/2018" in anchors["businesses"]["source"]


def test_new_product_ideas_are_listed_apart_with_their_reason(result):
    ideas = result.ideas
    # Rasau Jaya Umum makes all nine products and borders the five other villages, so every
    # one of Table 3's 25 empty pairs has a neighbour making the product
    assert len(ideas) == 25
    assert not set(ideas.index) & set(result.candidates.index)
    row = ideas.loc[(RJ1, "minuman")]
    assert row["neighbours_making"] == "61.12.07.2001" and row["neighbour_businesses"] == 2
    assert "not ranked" in row["reason_en"] and "tidak diperingkat" in row["reason_id"]


def test_map_shows_the_clusters_of_its_product(result):
    html = build_outputs(result, lang="en")["map.html"]().decode("utf-8")
    # the standalone map's product is the one with most firms (kerupuk, 16): its cluster layer
    assert "Sentra clusters: kerupuk" in html
    assert "sentra (PP 29/2018 rule)" in html  # the class in the legend
