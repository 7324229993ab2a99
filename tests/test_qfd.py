"""House of quality (QFD) and the improvement plan: hand arithmetic, table checks, bundled data."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ovop_geo import qfd
from ovop_geo.bundled import bundled_file, params_table
from ovop_geo.errors import InputDataError, ParameterError
from ovop_geo.io import read_table

# --------------------------------------------------------------------------- a matrix by hand
# Needs A (importance 5) and B (importance 2); dimensions X, Y, Z.
#          X  Y  Z
#     A    9  1  0
#     B    0  3  9
# Technical importance: X = 5*9 = 45; Y = 5*1 + 2*3 = 11; Z = 2*9 = 18; total 74.
# Readiness X 0.5, Y 0.0, Z 0.75 -> gaps 0.5, 1.0, 0.25.
# Priority = weight x gap: X 22.5/74, Y 11/74, Z 4.5/74 (sum 38/74) -> shares 22.5/38, 11/38,
# 4.5/38.
# Measures: M1 moves X at 9; M2 Y at 9 and Z at 3; M3 Z at 9 and Y at 1.
#   M1 = 22.5/38 = 0.592105; M2 = 11/38 + (4.5/38)(3/9) = 12.5/38 = 0.328947;
#   M3 = 4.5/38 + (11/38)(1/9) = 5.722222/38 = 0.150585.
DIMS = ["X", "Y", "Z"]


def _hand_tables(write_csv):
    products = write_csv("products.csv", "product,product_family\nkerupuk,snack\n")
    needs = write_csv(
        "needs.csv",
        "product_family,need_id,name_id,name_en,importance\n"
        "snack,A,Rasa,Taste,5\nsnack,B,Harga,Price,2\n",
    )
    rel = write_csv(
        "rel.csv",
        "product_family,need_id,dimension,strength\n"
        "snack,A,X,9\nsnack,A,Y,1\nsnack,A,Z,0\nsnack,B,Y,3\nsnack,B,Z,9\n",
    )
    measures = write_csv(
        "measures.csv",
        "measure_id,name_id,name_en,dimension,strength\n"
        "M1,Satu,One,X,9\nM2,Dua,Two,Y,9\nM2,,,Z,3\nM3,Tiga,Three,Z,9\nM3,,,Y,1\n",
    )
    return {
        name: read_table(path)
        for name, path in (
            ("products", products),
            ("needs", needs),
            ("relationships", rel),
            ("measures", measures),
        )
    }


@pytest.fixture
def hand(write_csv):
    frames = _hand_tables(write_csv)
    tables = qfd.check_tables(**frames, dimensions=DIMS, required_products=["kerupuk"])
    readiness = pd.DataFrame(
        {"score": [0.5, 0.0, 0.75], "dimension_en": DIMS, "aspect": ["P", "P", "Q"]},
        index=pd.Index(DIMS),
    )
    house = qfd.house_of_quality(tables, "kerupuk", readiness)
    return tables, house


def test_technical_importance_by_hand():
    matrix = pd.DataFrame([[9, 1, 0], [0, 3, 9]], index=["A", "B"], columns=DIMS)
    out = qfd.technical_importance(pd.Series({"A": 5, "B": 2}), matrix)
    assert out["technical_importance"].tolist() == [45.0, 11.0, 18.0]
    assert out["technical_weight"].tolist() == pytest.approx([45 / 74, 11 / 74, 18 / 74])
    assert out["technical_weight"].sum() == pytest.approx(1.0)


def test_priority_by_hand(hand):
    _, house = hand
    d = house.dimensions
    assert house.matrix.loc["A"].tolist() == [9, 1, 0]
    assert house.matrix.loc["B"].tolist() == [0, 3, 9]
    assert d["technical_importance"].tolist() == [45.0, 11.0, 18.0]
    assert d["readiness_gap"].tolist() == pytest.approx([0.5, 1.0, 0.25])
    assert d["priority"].tolist() == pytest.approx([22.5 / 74, 11 / 74, 4.5 / 74])
    assert d["priority_share"].tolist() == pytest.approx([22.5 / 38, 11 / 38, 4.5 / 38])
    assert d["priority_rank"].tolist() == [1, 2, 3]
    assert house.readiness_level == "region"


def test_measures_ranked_by_hand(hand):
    tables, house = hand
    plan = qfd.improvement_plan(house, tables, params=qfd.QfdParams(top_measures=2))
    m = plan.measures
    assert list(m.index) == ["M1", "M2", "M3"]
    assert m["priority_addressed"].tolist() == pytest.approx(
        [22.5 / 38, 12.5 / 38, (4.5 + 11 / 9) / 38]
    )
    assert m["rank"].tolist() == [1, 2, 3]
    assert m.loc["M2", "name_en"] == "Two"  # the name given on the measure's first row
    assert m.loc["M2", "main_dimensions"] == ("Y", "Z")
    assert m["in_scenario"].tolist() == [True, True, False]


def test_scenario_by_hand(hand):
    tables, house = hand
    plan = qfd.improvement_plan(house, tables, params=qfd.QfdParams(top_measures=2))
    # M1 and M2 with c = 0.5: X gap 0.5 -> 0.5 * (1 - 0.5) = 0.25; Y gap 1 -> 0.5;
    # Z gap 0.25 -> 0.25 * (1 - 0.5 * 3/9) = 0.208333.
    sc = plan.scenario
    assert sc["readiness_after"].tolist() == pytest.approx([0.75, 0.5, 1 - 0.25 * 5 / 6])
    # Buyer-weighted readiness now: (45 * 0.5 + 11 * 0 + 18 * 0.75) / 74 = 36 / 74.
    assert plan.buyer_weighted_readiness == pytest.approx(36 / 74)
    after = (45 * 0.75 + 11 * 0.5 + 18 * (1 - 0.25 * 5 / 6)) / 74
    assert plan.buyer_weighted_readiness_after == pytest.approx(after)


def test_unknown_readiness_counts_as_full_gap_and_is_flagged(hand):
    tables, _ = hand
    house = qfd.house_of_quality(tables, "kerupuk", None, dimensions=DIMS)
    assert house.readiness_level == "none"
    assert not house.dimensions["readiness_known"].any()
    # Gaps all 1: priority shares equal the technical weights.
    assert house.dimensions["priority_share"].tolist() == pytest.approx([45 / 74, 11 / 74, 18 / 74])


def test_a_products_own_rows_win_over_its_family(write_csv):
    frames = _hand_tables(write_csv)
    frames["needs"] = pd.concat(
        [
            frames["needs"],
            pd.DataFrame(
                {
                    "product_family": ["kerupuk"],
                    "need_id": ["A"],
                    "name_id": ["Rasa"],
                    "name_en": ["Taste"],
                    "importance": ["1"],
                }
            ),
        ],
        ignore_index=True,
    )
    frames["relationships"] = pd.concat(
        [
            frames["relationships"],
            pd.DataFrame(
                {
                    "product_family": ["kerupuk"],
                    "need_id": ["A"],
                    "dimension": ["Z"],
                    "strength": ["3"],
                }
            ),
        ],
        ignore_index=True,
    )
    tables = qfd.check_tables(**frames, dimensions=DIMS)
    house = qfd.house_of_quality(tables, "kerupuk", None, dimensions=DIMS)
    assert house.family == "kerupuk"
    assert house.dimensions["technical_importance"].tolist() == [0.0, 0.0, 3.0]


def test_wide_matrix_reads_like_long(write_csv, hand):
    frames = _hand_tables(write_csv)
    frames["relationships"] = read_table(
        write_csv("wide.csv", "product_family,need_id,X,Y,Z\nsnack,A,9,1,\nsnack,B,0,3,9\n")
    )
    tables = qfd.check_tables(**frames, dimensions=DIMS)
    house = qfd.house_of_quality(tables, "kerupuk", None, dimensions=DIMS)
    assert house.matrix.equals(hand[1].matrix)


def test_places_and_clusters():
    businesses = pd.DataFrame(
        {"kerupuk": [6, 0, 3, 1]}, index=pd.Index(["V1", "V2", "V3", "V4"], name="village_code")
    )
    names = {"V1": "Satu", "V3": "Tiga", "V4": "Empat"}
    places = qfd.places_concerned(businesses, "kerupuk", names)
    assert places["village_code"].tolist() == ["V1", "V3", "V4"]
    assert places["businesses"].tolist() == [6, 3, 1]
    clusters = pd.DataFrame({"product": ["kerupuk"], "cluster_id": ["k1"], "villages": ["V3,V4"]})
    places = qfd.places_concerned(businesses, "kerupuk", names, clusters=clusters)
    assert places["village_code"].tolist() == ["V3", "V4", "V1"]  # clustered villages first
    assert places["cluster_id"].tolist() == ["k1", "k1", None]
    per_row = pd.DataFrame({"product": ["kerupuk"], "cluster_id": ["k1"], "village_code": ["V1"]})
    assert qfd.places_concerned(businesses, "kerupuk", names, clusters=per_row)[
        "cluster_id"
    ].tolist() == ["k1", None, None]
    with pytest.raises(
        InputDataError,
        match=r"sentra clusters: columns missing: cluster_id, village_code or villages\.",
    ):
        qfd.places_concerned(
            businesses, "kerupuk", names, clusters=pd.DataFrame({"product": ["kerupuk"]})
        )


def test_clusters_as_the_sentra_step_writes_them():
    """The clusters table of ovop_geo.clusters: members joined by ';', a class per cluster.
    Clusters come in order of their firms (V3 + V4 = 4 < V1 + V2 = 6), villages by firms."""
    businesses = pd.DataFrame(
        {"kerupuk": [5, 1, 3, 1, 2]},
        index=pd.Index(["V1", "V2", "V3", "V4", "V5"], name="village_code"),
    )
    clusters = pd.DataFrame(
        {
            "product": ["kerupuk", "kerupuk", "keripik"],
            "cluster_id": ["kerupuk-2", "kerupuk-1", "keripik-1"],
            "villages": ["V3;V4", "V1;V2", "V5"],
            "sentra_class": ["embrio", "sentra", "embrio"],
        }
    )
    places = qfd.places_concerned(businesses, "kerupuk", {}, clusters=clusters)
    assert places["village_code"].tolist() == ["V1", "V2", "V3", "V4", "V5"]
    assert places["cluster_id"].tolist() == ["kerupuk-1"] * 2 + ["kerupuk-2"] * 2 + [None]
    assert places["sentra_class"].tolist() == ["sentra"] * 2 + ["embrio"] * 2 + [None]
    text = qfd.places_text(places, "kerupuk", "en")
    assert text == (
        "Firms concerned: 12 kerupuk firms in kerupuk-1 [sentra]: V1 (5), V2 (1); "
        "kerupuk-2 [embrio]: V3 (3), V4 (1); V5 (2)."
    )


def test_bad_clusters_name_file_and_rows():
    clusters = pd.DataFrame(
        {"product": ["kerupuk", ""], "cluster_id": ["k1", "k2"], "villages": ["", "V1"]}
    )
    with pytest.raises(InputDataError) as info:
        qfd.check_clusters(clusters, "klaster.csv")
    assert list(info.value.problems) == [
        "klaster.csv: row 3, column 'product': empty cells.",
        "klaster.csv: row 2, column 'villages': empty cells.",
    ]


def test_params_are_checked():
    with pytest.raises(ParameterError, match="gap_closed_by_strong_link must be from 0 to 1"):
        qfd.QfdParams(gap_closed_by_strong_link=1.5)
    with pytest.raises(ParameterError, match="top_measures must be 0 or more"):
        qfd.QfdParams(top_measures=-1)


def test_per_firm_rows_give_product_level_readiness():
    rubric = pd.read_csv(bundled_file("data/paper/table4_assessment.csv"))
    # Every firm answers level 1 everywhere except bookkeeping, where f1 is at 3, f2 at 2, f3 at 1.
    firms = {"f1": ("kerupuk", 3), "f2": ("kerupuk", 2), "f3": ("keripik", 1)}
    survey = pd.DataFrame(
        [
            {"firm_id": f, "product": p, "dimension": d, "level": lv if d == "Pembukuan" else 1}
            for f, (p, lv) in firms.items()
            for d in dict.fromkeys(rubric["dimension"])
        ]
    )
    by_dim, level = qfd.product_readiness(survey, "kerupuk", rubric=rubric)
    assert level == "product"
    # Two kerupuk firms at levels 3 and 2 of 3: (1 + 0.5) / 2 = 0.75.
    assert by_dim.loc["Pembukuan", "score"] == pytest.approx(0.75)
    by_dim, level = qfd.product_readiness(survey, "marning", rubric=rubric)
    assert level == "region"
    assert by_dim.loc["Pembukuan", "score"] == pytest.approx(0.5)  # (1 + 0.5 + 0) / 3
    assert qfd.product_readiness(None, "kerupuk") == (None, "none")


# --------------------------------------------------------------------------- validation
def _bad(write_csv, name, text):
    frames = _hand_tables(write_csv)
    frames[name] = read_table(write_csv(f"bad_{name}.csv", text), display_name=f"{name}.csv")
    return frames


@pytest.mark.parametrize(
    ("name", "text", "pattern"),
    [
        (
            "relationships",
            "product_family,need_id,dimension,strength\nsnack,A,Rasa Enak,9\n",
            r"relationships.csv: row 2, column 'dimension': unknown dimensions Rasa Enak",
        ),
        (
            "relationships",
            "product_family,need_id,dimension,strength\nsnack,A,X,9\nsnack,B,Y,5\n",
            r"relationships.csv: row 3, column 'strength': values 5 are not 0, 1, 3 or 9",
        ),
        (
            "relationships",
            "product_family,need_id,X,Y,Q\nsnack,A,9,2,1\n",
            r"relationships.csv: row 1 \(header\), columns Q: unknown dimensions",
        ),
        (
            "relationships",
            "product_family,need_id,X,Y\nsnack,A,9,2\n",
            r"relationships.csv: row 2, column 'Y': values 2 are not 0, 1, 3 or 9",
        ),
        (
            "relationships",
            "product_family,need_id,dimension,strength\nsnack,C,X,9\n",
            r"relationships.csv: row 2, column 'need_id': C not a need of that product family",
        ),
        (
            "relationships",
            "product_family,need_id,dimension,strength\ndrink,A,X,9\n",
            r"relationships.csv: row 2, column 'product_family': drink not in the importance",
        ),
        (
            "needs",
            "product_family,need_id,importance\nsnack,A,7\nsnack,B,2.5\n",
            r"needs.csv: row 2, 3, column 'importance': values 7, 2.5 are not whole numbers from "
            r"1 \(minor\) to 5",
        ),
        ("needs", "product_family,need_id\nsnack,A\n", r"needs.csv: columns missing: importance"),
        (
            "measures",
            "measure_id,dimension,strength\nM1,Marketing reach,4\n",
            r"measures.csv: row 2, column 'strength': values 4 are not 0, 1, 3 or 9",
        ),
        (
            "measures",
            "measure_id,dimension,strength\nM1,Pemasaran Luar Negeri,9\n",
            r"measures.csv: row 2, column 'dimension': unknown dimensions Pemasaran Luar Negeri",
        ),
        (
            "products",
            "product,product_family\nkeripik,snack\n",
            r"needs.csv: column 'product_family': no buyer needs for product 'kerupuk'\. Add the "
            r"product to products.csv",
        ),
    ],
)
def test_bad_tables_name_file_row_and_column(write_csv, name, text, pattern):
    frames = _bad(write_csv, name, text)
    files = {k: f"{k}.csv" for k in qfd.TABLE_FILES}
    dims = [*DIMS, "Wilayah Pemasaran"]
    with pytest.raises(InputDataError, match=pattern):
        qfd.check_tables(**frames, dimensions=dims, required_products=["kerupuk"], files=files)


def test_missing_relationships_for_a_product(write_csv):
    frames = _hand_tables(write_csv)
    frames["products"] = read_table(
        write_csv("p.csv", "product,product_family\nkerupuk,snack\nkue,sweet\n")
    )
    frames["needs"] = pd.concat(
        [
            frames["needs"],
            pd.DataFrame({"product_family": ["sweet"], "need_id": ["A"], "importance": ["3"]}),
        ],
        ignore_index=True,
    )
    with pytest.raises(
        InputDataError,
        match=r"qfd_relationships.csv: column 'product_family': "
        r"no relationships for product 'kue'\. Add rows with product_family "
        r"'sweet' \(its family\) or 'kue'",
    ):
        qfd.check_tables(**frames, dimensions=DIMS, required_products=["kerupuk", "kue"])


def test_every_problem_is_reported_at_once(write_csv):
    frames = _hand_tables(write_csv)
    frames["needs"] = read_table(
        write_csv("n.csv", "product_family,need_id,importance\nsnack,A,0\nsnack,B,2\n")
    )
    frames["relationships"] = read_table(
        write_csv("r.csv", "product_family,need_id,dimension,strength\nsnack,A,W,9\nsnack,B,Y,2\n")
    )
    frames["measures"] = read_table(write_csv("m.csv", "measure_id,dimension,strength\nM1,X,8\n"))
    with pytest.raises(InputDataError) as info:
        qfd.check_tables(**frames, dimensions=DIMS)
    problems = info.value.problems
    assert len(problems) == 4, problems
    assert str(info.value).startswith("4 problems in the QFD tables:")
    assert any(p.startswith("qfd_needs.csv: row 2, column 'importance'") for p in problems)
    assert any(p.startswith("qfd_relationships.csv: row 2, column 'dimension'") for p in problems)
    assert any(p.startswith("qfd_relationships.csv: row 3, column 'strength'") for p in problems)
    assert any(p.startswith("qfd_measures.csv: row 2, column 'strength'") for p in problems)


def test_roof_is_checked(write_csv):
    frames = _hand_tables(write_csv)
    roof = read_table(
        write_csv("roof.csv", "dimension_a,dimension_b,correlation\nX,Y,+++\nX,X,+\n")
    )
    with pytest.raises(
        InputDataError,
        match=r"qfd_roof.csv: row 2, column 'correlation': "
        r"values \+\+\+ are not \+\+, \+, - or --",
    ) as info:
        qfd.check_tables(**frames, roof=roof, dimensions=DIMS)
    assert any("row 3: a dimension is correlated with itself" in p for p in info.value.problems)


def test_inputs_are_not_modified(write_csv):
    frames = _hand_tables(write_csv)
    copies = {k: v.copy() for k, v in frames.items()}
    qfd.check_tables(**frames, dimensions=DIMS)
    for k, v in frames.items():
        pd.testing.assert_frame_equal(v, copies[k])


# --------------------------------------------------------------------------- bundled data
@pytest.fixture(scope="module")
def rasau():
    from ovop_geo.region import load_region

    region = load_region("rasau-jaya")
    return region, qfd.load_tables(region)


def _plan(rasau, product="kerupuk", tables=None):
    region, default = rasau
    return qfd.product_qfd(region, product, tables=tables or default)


def test_bundled_tables_cover_every_product_and_cite_their_sources(rasau):
    region, tables = rasau
    assert set(region.businesses.columns) <= set(tables.products.index)
    assert (tables.needs["reasoning"] != "").all()
    assert (tables.relationships["reasoning"] != "").all()
    assert tables.needs["source"].str.startswith("assumption").all()
    # Every measure of the paper's list, each citing where the paper names it.
    assert set(tables.measures["measure_id"]) == {
        "pelatihan",
        "pendampingan",
        "sarana_usaha",
        "promosi_pameran",
        "pemasaran",
        "permodalan",
        "hki",
        "penghargaan",
    }
    assert tables.measures["source"].str.contains("paper, ").all()
    assert tables.user_tables == ()


def test_kerupuk_plan_on_bundled_data(rasau):
    """The paper's diagnosis (marketing reach, bookkeeping, organisation, quality certification
    are the weakest) against the plan the default tables give for kerupuk."""
    house, plan = _plan(rasau)
    assert house.readiness_level == "region"  # Table 4 surveys all 50 firms together
    dims = house.dimensions
    # The four weakest dimensions all have gaps of at least 0.99 (Table 4: 100 % sell only in
    # the province; 99 % keep no books; 98 % have no structure; 99 % have no quality system).
    weakest = ["Wilayah Pemasaran", "Pembukuan", "Organisasi", "Sertifikasi Sistem Manajemen Mutu"]
    assert (dims.loc[weakest, "readiness_gap"] >= 0.99).all()
    # Organisation and quality certification are among the five first priorities, bookkeeping
    # and marketing reach among the first ten of the 20 dimensions any need relates to.
    assert dims.loc[["Organisasi", "Sertifikasi Sistem Manajemen Mutu"], "priority_rank"].max() <= 5
    assert dims.loc[["Pembukuan", "Wilayah Pemasaran"], "priority_rank"].max() <= 10
    m = plan.measures
    links = tables_links(rasau)
    # The test of the paper's diagnosis: the two first measures both address bookkeeping
    # or organisation, one of them marketing reach, and a measure strongly linked (9) to
    # marketing reach is in the first half of the eight.
    for measure in m.index[:2]:
        assert links[measure] & {"Pembukuan", "Organisasi"}, measure
    assert any("Wilayah Pemasaran" in links[x] for x in m.index[:2])
    strong = rasau[1].measures.query("dimension == 'Wilayah Pemasaran' and strength == 9")
    assert m.loc[strong["measure_id"], "rank"].min() <= 4
    assert plan.places["businesses"].sum() == 16  # Table 3: 16 kerupuk firms in 6 villages
    assert len(plan.places) == 6
    assert plan.places.iloc[0]["businesses"] == 6
    assert 0 < plan.buyer_weighted_readiness < plan.buyer_weighted_readiness_after < 1


def _with_importance(rasau, tmp_path, change) -> qfd.QfdTables:
    needs = read_table(params_table("qfd_needs.csv"))
    snack = needs["product_family"] == "camilan_kering"
    change(needs, snack)
    path = tmp_path / "importance.csv"
    needs.to_csv(path, index=False)
    return qfd.load_tables(rasau[0], paths={"needs": path})


def test_buyer_importance_moves_the_ranking(rasau, tmp_path):
    """Raising the needs only marketing serves ('easy to buy', 'reliable supplier') can only
    raise the marketing measure's score; with them at 5 and every other need at 1 it passes
    equipment aid, whose dimensions serve only the product-quality needs."""
    market = ["mudah_didapat", "pemasok_andal"]
    _, base = _plan(rasau)

    def raise_market(needs, snack):
        needs.loc[snack & needs["need_id"].isin(market), "importance"] = "5"

    def only_market(needs, snack):
        needs.loc[snack, "importance"] = "1"
        raise_market(needs, snack)

    raised = _with_importance(rasau, tmp_path, raise_market)
    assert raised.user_tables == ("needs",)
    _, plan = _plan(rasau, tables=raised)
    for measure in ("pemasaran", "promosi_pameran"):
        assert (
            plan.measures.loc[measure, "priority_addressed"]
            > base.measures.loc[measure, "priority_addressed"]
        )
    _, plan = _plan(rasau, tables=_with_importance(rasau, tmp_path, only_market))
    assert plan.measures.loc["pemasaran", "rank"] < plan.measures.loc["sarana_usaha", "rank"]
    assert base.measures.loc["pemasaran", "rank"] > base.measures.loc["sarana_usaha", "rank"]


def tables_links(rasau) -> dict[str, set[str]]:
    measures = rasau[1].measures
    return {m: set(g["dimension"]) for m, g in measures.groupby("measure_id")}


def test_export_and_report_section(rasau):
    house, plan = _plan(rasau)
    frames = qfd.export_frames(house, plan)
    assert set(frames) == {
        "qfd_matrix",
        "qfd_dimensions",
        "qfd_plan",
        "qfd_places",
        "qfd_scenario",
    }
    assert frames["qfd_places"]["businesses"].tolist() == [6, 3, 3, 2, 1, 1]
    assert frames["qfd_matrix"].shape[0] == len(house.needs)
    assert frames["qfd_plan"]["firms"].eq(16).all()
    assert frames["qfd_plan"]["villages"].iloc[0].startswith("Rasau Jaya Satu (6)")
    assert frames["qfd_scenario"]["assumption"].iloc[0].startswith("scenario, not a forecast")
    assert "bundled default (assumption)" in frames["qfd_plan"]["tables"].iloc[0]
    section = qfd.report_section(house, plan, "en")
    assert section["product"] == "kerupuk"
    assert len(section["matrix"]) == len(section["needs"])
    assert len(section["matrix"][0]) == len(section["dimensions"])
    assert section["dimensions"][0]["label"] == "Product standard"  # sorted by priority
    assert section["plan"][0]["label"] == "Expert assistance"
    assert math.isclose(sum(d["priority_share"] for d in section["dimension_table"]), 1.0)
    assert "scenario" in section["assumptions"]["scenario"].lower()
    assert section["places_text"].startswith("Firms concerned: 16 kerupuk firms in Rasau Jaya")
    assert section["assumptions"]["default_tables"] == [
        "product-family table",
        "buyer-need importance table",
        "relationship matrix",
        "support-measure table",
    ]
    assert qfd.report_section(house, plan, "id")["plan"][0]["label"] == "Pendampingan tenaga ahli"


# --------------------------------------------------------------------------- command line
def _cli(*argv: str) -> tuple[int, str, str]:
    import contextlib
    import io

    from ovop_geo.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_cli_writes_the_house_and_plan(tmp_path):
    code, out, _ = _cli(
        "qfd",
        "--region",
        "rasau-jaya",
        "--product",
        "kerupuk",
        "--lang",
        "en",
        "--out",
        str(tmp_path),
    )
    assert code == 0
    assert out.startswith("House of quality (QFD): kerupuk [camilan_kering]")
    assert "Scenario, not a forecast" in out
    assert "16 kerupuk firms in Rasau Jaya Satu (6)" in out
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "qfd_kerupuk.json",
        "qfd_kerupuk.png",
        "qfd_kerupuk.xlsx",
        "qfd_kerupuk_dimensions.csv",
        "qfd_kerupuk_matrix.csv",
        "qfd_kerupuk_places.csv",
        "qfd_kerupuk_plan.csv",
        "qfd_kerupuk_scenario.csv",
    ]
    assert (tmp_path / "qfd_kerupuk.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plan = pd.read_csv(tmp_path / "qfd_kerupuk_plan.csv")
    assert plan["rank"].tolist() == sorted(plan["rank"])
    assert len(plan) == 8
    matrix = pd.read_csv(tmp_path / "qfd_kerupuk_matrix.csv", index_col="need_id")
    assert set(matrix["Pembukuan"].unique()) <= {0, 1, 3, 9}
    # The workbook holds the same tables, one sheet each, with numbers as numbers.
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "qfd_kerupuk.xlsx", read_only=True)
    assert book.sheetnames == ["matrix", "dimensions", "plan", "places", "scenario"]
    rows = list(book["plan"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:2] == ["measure_id", "product"]
    assert len(rows) == 9  # header and the eight measures
    assert rows[1][header.index("rank")] == 1
    assert rows[1][header.index("priority_addressed")] == pytest.approx(
        plan["priority_addressed"][0]
    )
    book.close()


def test_cli_bad_importance_file_is_one_message(tmp_path):
    bad = tmp_path / "importance.csv"
    bad.write_text(
        "product_family,need_id,importance\ncamilan_kering,rasa_konsisten,6\n", encoding="utf-8"
    )
    code, out, err = _cli("qfd", "--product", "kerupuk", "--importance", str(bad))
    assert code == 2
    assert out == ""
    assert f"{bad}: row 2, column 'importance': values 6 are not whole numbers" in err
    assert "Traceback" not in err


def test_cli_unknown_product(tmp_path):
    code, _, err = _cli("qfd", "--product", "bakso")
    assert code == 2
    assert "--product bakso: not a product of" in err and "kerupuk" in err


def test_cli_groups_villages_by_sentra_cluster(tmp_path):
    clusters = tmp_path / "klaster.csv"
    clusters.write_text(
        "product,cluster_id,villages,sentra_class\n"
        "kerupuk,kerupuk-1,61.12.07.2001;61.12.07.2002,sentra\n",
        encoding="utf-8",
    )
    code, out, err = _cli(
        "qfd", "--product", "kerupuk", "--lang", "en", "--clusters", str(clusters)
    )
    assert code == 0, err
    assert "16 kerupuk firms in kerupuk-1 [sentra]: Rasau Jaya Satu (6), " in out
    bad = tmp_path / "bad.csv"
    bad.write_text("product,cluster\nkerupuk,k1\n", encoding="utf-8")
    code, out, err = _cli("qfd", "--product", "kerupuk", "--clusters", str(bad))
    assert code == 2
    assert f"{bad}: columns missing: cluster_id, village_code or villages." in err


# --------------------------------------------------------------------------- where tables come from
def _copy_region(tmp_path, drop_qfd: bool, edit_needs: bool = False):
    """A copy of the bundled Rasau Jaya project, with or without the QFD tables named."""
    import shutil

    from ovop_geo.bundled import bundled_root

    root = tmp_path / "project"
    shutil.copytree(bundled_root() / "layers", root / "layers")
    shutil.copytree(bundled_root() / "data", root / "data")
    manifest = root / "layers" / "rasau-jaya.toml"
    text = manifest.read_text(encoding="utf-8")
    if drop_qfd:
        text = "\n".join(x for x in text.splitlines() if not x.startswith("qfd_"))
    manifest.write_text(text, encoding="utf-8")
    if edit_needs:
        needs = root / "data" / "params" / "qfd_needs.csv"
        needs.write_text(
            needs.read_text(encoding="utf-8").replace(
                "camilan_kering,halal,Bersertifikat halal,Halal certified,5",
                "camilan_kering,halal,Bersertifikat halal,Halal certified,4",
            ),
            encoding="utf-8",
        )
    return manifest


def test_a_region_without_qfd_tables_gets_the_bundled_assumptions(tmp_path):
    from ovop_geo.region import load_region

    region = load_region(_copy_region(tmp_path, drop_qfd=True))
    assert not any(name.startswith("qfd_") for name in region.tables)
    tables = qfd.load_tables(region)
    assert tables.user_tables == ()
    assert tables.files["needs"] == "data/params/qfd_needs.csv"
    house, plan = qfd.product_qfd(region, "kerupuk", tables=tables)
    assert plan.measures.index[0] == "pendampingan"
    assert len(qfd.report_section(house, plan)["assumptions"]["default_tables"]) == 4


def test_an_edited_manifest_table_is_the_users_not_an_assumption(tmp_path):
    from ovop_geo.region import load_region

    region = load_region(_copy_region(tmp_path, drop_qfd=False, edit_needs=True))
    tables = qfd.load_tables(region)
    assert tables.user_tables == ("needs",)
    house, plan = qfd.product_qfd(region, "kerupuk", tables=tables)
    assert house.needs.loc["halal", "importance"] == 4
    flags = qfd.export_frames(house, plan)["qfd_plan"]["tables"].iloc[0]
    assert "needs: bundled default" not in flags and "relationships: bundled default" in flags


def test_product_qfd_refuses_a_product_the_region_does_not_make(rasau):
    with pytest.raises(InputDataError, match=r"product 'bakso' is not a product of .*kerupuk"):
        qfd.product_qfd(rasau[0], "bakso")


# --------------------------------------------------------------------------- pictures
def test_chart_and_picture_of_the_hand_matrix(hand):
    from ovop_geo.charts import house_of_quality_chart
    from ovop_geo.figures import house_of_quality_picture

    tables, house = hand
    plan = qfd.improvement_plan(house, tables)
    section = qfd.report_section(house, plan, "en")
    spec = house_of_quality_chart(section, lang="en").to_dict()
    matrix, side = spec["hconcat"]
    # Rows by priority (X 22.5/38, Y 11/38, Z 4.5/38), each with its rank; needs as columns.
    assert matrix["layer"][0]["encoding"]["y"]["sort"] == ["1. X", "2. Y", "3. Z"]
    assert matrix["layer"][0]["encoding"]["x"]["sort"] == ["(5) Taste", "(2) Price"]
    cells = {
        (c["need"], c["dimension"]): c["strength"] for c in spec["datasets"][matrix["data"]["name"]]
    }
    assert cells == {
        ("(5) Taste", "1. X"): 9,
        ("(5) Taste", "2. Y"): 1,
        ("(5) Taste", "3. Z"): 0,
        ("(2) Price", "1. X"): 0,
        ("(2) Price", "2. Y"): 3,
        ("(2) Price", "3. Z"): 9,
    }
    figures = {
        (f["dimension"], f["key"]): f["text"] for f in spec["datasets"][side["data"]["name"]]
    }
    # Weight 45/74 = 60.8 %, readiness 0.50, priority 22.5/38 = 59.2 %.
    assert figures[("1. X", "qfd_row_weight")] == "60.8"
    assert figures[("1. X", "qfd_row_readiness")] == "0.50"
    assert figures[("1. X", "qfd_row_priority")] == "59.2"
    assert figures[("3. Z", "qfd_row_priority")] == "11.8"  # 4.5 / 38
    png = house_of_quality_picture(section, lang="en")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert house_of_quality_picture(section, fmt="svg")[:5] in (b"<?xml", b"<svg ")
    with pytest.raises(ParameterError, match="picture format must be one of png, svg, pdf"):
        house_of_quality_picture(section, fmt="gif")
