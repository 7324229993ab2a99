"""Tests of ovop_geo.readiness on the paper's Table 4 and on a tiny per-firm survey."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ovop_geo.errors import InputDataError
from ovop_geo.readiness import (
    ASPECTS_EN,
    DIMENSIONS_EN,
    readiness,
    survey_to_assessment,
    weakest_dimensions,
)

TABLE4 = Path(__file__).resolve().parent.parent / "data" / "paper" / "table4_assessment.csv"


@pytest.fixture
def table4() -> pd.DataFrame:
    return pd.read_csv(TABLE4)


def test_paper_weakest_dimensions(table4):
    by_dim, _ = readiness(table4)
    weakest = weakest_dimensions(by_dim, k=4)
    # Wilayah Pemasaran: 100 % at level 1 of 3 → 0
    # Pembukuan: 99 % level 1, 1 % level 2 of 3 → 0.01 · 0.5 = 0.005
    # Organisasi: 98 % level 1, 2 % level 2 of 3 → 0.02 · 0.5 = 0.01
    # Sertifikasi SMM: 99 % level 1, 1 % level 2 of 2 → 0.01 · 1 = 0.01
    assert weakest.index.tolist() == [
        "Wilayah Pemasaran",
        "Pembukuan",
        "Organisasi",
        "Sertifikasi Sistem Manajemen Mutu",
    ]
    assert weakest["score"].tolist() == pytest.approx([0.0, 0.005, 0.01, 0.01])
    assert weakest["dimension_en"].tolist() == [
        "Marketing reach",
        "Bookkeeping",
        "Organisation",
        "Quality management certification",
    ]
    # the next weakest, Standar Produk (4 levels): 0.10 · 1/3 + 0.01 · 2/3 = 0.04
    assert by_dim.loc["Standar Produk", "score"] == pytest.approx(0.04)


def test_brand_shares_are_flagged_and_normalised(table4):
    by_dim, by_aspect = readiness(table4)
    merek = by_dim.loc["Merek"]
    # printed 40 % + 98 % = 138 %; normalised: 0.98 / 1.38 at level 2 of 2
    assert merek["share_total_pct"] == pytest.approx(138)
    assert bool(merek["shares_flag"])
    assert merek["treatment"] == "ordinal_normalised"
    assert merek["score"] == pytest.approx(0.98 / 1.38)
    assert "138" in merek["note"]
    assert int(by_dim["shares_flag"].sum()) == 1
    assert bool(by_aspect.loc["Pengembangan Produk", "any_shares_flag"])


def test_non_exclusive_participation_is_mean_of_practices(table4):
    by_dim, _ = readiness(table4)
    part = by_dim.loc["Partisipasi Masyarakat"]
    # practices: 100 %, 20 %, 40 % of firms → (1 + 0.2 + 0.4) / 3 = 0.5333; never flagged
    assert part["score"] == pytest.approx(1.6 / 3)
    assert part["treatment"] == "practices_mean"
    assert not bool(part["shares_flag"])


def test_aspects_are_means_of_dimensions(table4):
    by_dim, by_aspect = readiness(table4)
    # Manajemen: (Organisasi 0.01 + Pembukuan 0.005) / 2 = 0.0075, the weakest aspect
    assert by_aspect.loc["Manajemen", "score"] == pytest.approx(0.0075)
    assert by_aspect["score"].idxmin() == "Manajemen"
    assert by_aspect.loc["Manajemen", "weakest_dimension"] == "Pembukuan"
    assert by_aspect.loc["Pemasaran", "n_dimensions"] == 4
    assert by_aspect.loc["Manajemen", "aspect_en"] == "Management"
    assert ((by_dim["score"] >= 0) & (by_dim["score"] <= 1)).all()


def test_labels_cover_table4_and_are_immutable(table4):
    assert set(table4["dimension"]) <= set(DIMENSIONS_EN)
    assert set(table4["aspect"]) <= set(ASPECTS_EN)
    with pytest.raises(TypeError):
        DIMENSIONS_EN["Merek"] = "x"  # type: ignore[index]


RUBRIC = pd.DataFrame(
    {
        "aspect": ["Manajemen"] * 3 + ["Pengembangan Masyarakat"] * 2,
        "dimension": ["Pembukuan"] * 3 + ["Partisipasi Masyarakat"] * 2,
        "level": [1, 2, 3, 1, 2],
        "levels_exclusive": ["yes"] * 3 + ["no"] * 2,
    }
)


def test_survey_rows_become_shares():
    # 4 firms. Pembukuan: f1, f2 at level 1, f3 at 3, f4 did not answer → 2/3, 0, 1/3 of 3
    # Partisipasi (several practices per firm): practice 1 by f1, f2; practice 2 by f2, f4
    # → of all 4 firms: 50 %, 50 %
    survey = pd.DataFrame(
        {
            "firm_id": ["f1", "f2", "f3", "f1", "f2", "f2", "f4"],
            "dimension": ["Pembukuan"] * 3 + ["Partisipasi Masyarakat"] * 4,
            "level": [1, 1, 3, 1, 1, 2, 2],
        }
    )
    shares = survey_to_assessment(survey, RUBRIC)
    got = shares.set_index(["dimension", "level"])["share_pct"]
    assert got[("Pembukuan", 1)] == pytest.approx(200 / 3)
    assert got[("Pembukuan", 2)] == 0
    assert got[("Pembukuan", 3)] == pytest.approx(100 / 3)
    assert got[("Partisipasi Masyarakat", 1)] == pytest.approx(50)
    assert got[("Partisipasi Masyarakat", 2)] == pytest.approx(50)
    by_dim, _ = readiness(survey, rubric=RUBRIC)
    # Pembukuan: 1/3 of firms at level 3 of 3 → 1/3; Partisipasi: (0.5 + 0.5) / 2 = 0.5
    assert by_dim.loc["Pembukuan", "score"] == pytest.approx(1 / 3)
    assert by_dim.loc["Partisipasi Masyarakat", "score"] == pytest.approx(0.5)


def test_survey_errors():
    survey = pd.DataFrame(
        {"firm_id": ["f1", "f1", "f2"], "dimension": ["Pembukuan"] * 3, "level": [1, 2, 5]}
    )
    with pytest.raises(InputDataError, match=r"need the rubric"):
        readiness(survey)
    with pytest.raises(InputDataError, match=r"dimension or level not in the rubric. Rows: 4"):
        survey_to_assessment(survey, RUBRIC)
    with pytest.raises(InputDataError, match=r"several levels in an exclusive dimension: f1"):
        survey_to_assessment(survey.iloc[:2], RUBRIC)


def test_assessment_errors(table4):
    bad = table4.copy()
    bad.loc[0, "share_pct"] = 120
    with pytest.raises(InputDataError, match=r"column 'share_pct'.*Rows: 2"):
        readiness(bad)
    with pytest.raises(InputDataError, match=r"columns missing: share_pct"):
        readiness(table4.drop(columns="share_pct"))
    before = table4.copy()
    readiness(table4)
    pd.testing.assert_frame_equal(table4, before)
