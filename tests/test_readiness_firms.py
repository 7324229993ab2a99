"""Readiness from per-firm rows: a hand-made fixture of four firms, the brand fix, the template."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ovop_geo.errors import InputDataError
from ovop_geo.messages import msg
from ovop_geo.readiness import (
    BRAND_REGISTERED_INDICATOR,
    FIRM_COLUMNS,
    firm_assessment_template,
    firm_rubric,
    firm_scores,
    firms_from_survey,
    readiness,
    readiness_by,
)

ROOT = Path(__file__).resolve().parent.parent
TABLE4 = ROOT / "data" / "paper" / "table4_assessment.csv"
TEMPLATE = ROOT / "data" / "params" / "firm_assessment_template.csv"

# A small rubric in Table 4's form: two production dimensions (3 levels), the brand as printed
# (2 levels, completed to 3), community participation (3 practices, not exclusive) and the
# product standard (4 levels).
RUBRIC = pd.DataFrame(
    [
        ("Produksi", "Sumber Bahan Baku Utama", 1, "yes"),
        ("Produksi", "Sumber Bahan Baku Utama", 2, "yes"),
        ("Produksi", "Sumber Bahan Baku Utama", 3, "yes"),
        ("Produksi", "Lingkungan", 1, "yes"),
        ("Produksi", "Lingkungan", 2, "yes"),
        ("Produksi", "Lingkungan", 3, "yes"),
        ("Pengembangan Produk", "Merek", 1, "yes"),
        ("Pengembangan Produk", "Merek", 2, "yes"),
        ("Pengembangan Masyarakat", "Partisipasi Masyarakat", 1, "no"),
        ("Pengembangan Masyarakat", "Partisipasi Masyarakat", 2, "no"),
        ("Pengembangan Masyarakat", "Partisipasi Masyarakat", 3, "no"),
        ("Ketentuan Umum Produk", "Standar Produk", 1, "yes"),
        ("Ketentuan Umum Produk", "Standar Produk", 2, "yes"),
        ("Ketentuan Umum Produk", "Standar Produk", 3, "yes"),
        ("Ketentuan Umum Produk", "Standar Produk", 4, "yes"),
    ],
    columns=["aspect", "dimension", "level", "levels_exclusive"],
)

# Four firms. Scores by hand: exclusive (level − 1) / (L − 1); practices count / 3; brand of 3.
# F1: source 3 → 1, environment 2 → .5, brand 2 → .5 (middle), practices 1;3 → 2/3, standard 1 → 0
#     aspects: production .75, product dev. .5, community 2/3, provisions 0 → 1.91667/4 = .479167
# F2: source 2 → .5, environment unknown, brand 3 → 1, practices none → 0, standard 4 → 1
#     aspects: .5, 1, 0, 1 → 2.5/4 = .625
# F3: source 1 → 0, environment 3 → 1, brand 1 → 0, practices unknown, standard 2 → 1/3
#     aspects: .5, 0, (none), 1/3 → .83333/3 = .277778
# F4: source 3 → 1, environment 3 → 1, brand 2 → .5, practices 1;2;3 → 1, standard 3 → 2/3
#     aspects: 1, .5, 1, 2/3 → 3.16667/4 = .791667
FIRMS = pd.DataFrame(
    {
        "firm_id": ["F1", "F2", "F3", "F4"],
        "village_code": ["A", "A", "B", "A"],
        "village_name": ["Desa A", "Desa A", "Desa B", "Desa A"],
        "product": ["kerupuk", "kerupuk", "kerupuk", "keripik"],
        "Sumber Bahan Baku Utama": [3, 2, 1, 3],
        "lingkungan": ["2", "", "3", "3"],  # case and spaces of headers are ignored
        "Merek": [2, 3, 1, 2],
        "Partisipasi Masyarakat": ["1;3", "0", None, "1;2;3"],
        "Standar Produk": [1, 4, 2, 3],
        "note": ["", "", "interviewed by phone", ""],
    }
)


def test_brand_dimension_gets_its_third_level_and_is_flagged():
    rub = firm_rubric(pd.read_csv(TABLE4))
    brand = rub[rub["dimension"] == "Merek"]
    assert brand["level"].tolist() == [1, 2, 3]
    assert brand["indicator"].tolist() == [
        "Tidak mempunyai merek",
        "Mempunyai merek belum didaftarkan di HKI",
        BRAND_REGISTERED_INDICATOR,
    ]
    assert brand["assumed"].all() and not rub.loc[rub["dimension"] != "Merek", "assumed"].any()
    assert "middle level of three" in brand["rubric_note"].iloc[1]
    # the new level sits right after the brand rows: the rubric's order is kept
    after = rub.iloc[brand.index[-1] + 1]
    assert after["dimension"] == "Peran dalam Kelompok" and after["level"] == 1
    assert len(rub) == len(pd.read_csv(TABLE4)) + 1
    # Table 4 itself (kecamatan level) stays as printed: two levels, normalised and flagged
    by_dim, _ = readiness(pd.read_csv(TABLE4))
    assert by_dim.loc["Merek", "levels"] == 2 and bool(by_dim.loc["Merek", "shares_flag"])


def test_firm_scores_by_hand():
    s = firm_scores(FIRMS, RUBRIC)
    assert list(s.index) == ["F1", "F2", "F3", "F4"]
    np.testing.assert_allclose(s["Merek"], [0.5, 1.0, 0.0, 0.5])
    np.testing.assert_allclose(s["Partisipasi Masyarakat"], [2 / 3, 0.0, np.nan, 1.0])
    np.testing.assert_allclose(s["Standar Produk"], [0.0, 1.0, 1 / 3, 2 / 3])
    np.testing.assert_allclose(
        s["readiness"], [1.916667 / 4, 2.5 / 4, 0.833333 / 3, 3.166667 / 4], atol=1e-6
    )
    assert s["dimensions_answered"].tolist() == [5, 4, 4, 5]
    assert s["brand_middle_level"].tolist() == [True, False, False, True]


def test_readiness_per_village_and_product_by_hand():
    out = readiness_by(FIRMS, RUBRIC)
    assert out.index.names == ["village_code", "product"]
    assert list(out.index) == [("A", "keripik"), ("A", "kerupuk"), ("B", "kerupuk")]
    # (A, kerupuk) = F1, F2: source (1 + .5)/2 = .75, environment .5 (F1 only), brand
    # (.5 + 1)/2 = .75, practices (2/3 + 0)/2 = 1/3, standard (0 + 1)/2 = .5.
    # aspects: production (.75 + .5)/2 = .625, product dev. .75, community 1/3, provisions .5
    # → (.625 + .75 + .33333 + .5)/4 = .552083
    row = out.loc[("A", "kerupuk")]
    assert row["readiness"] == pytest.approx(2.208333 / 4, abs=1e-6)
    assert row["n_firms"] == 2 and row["share_dimensions_answered"] == 1.0
    assert row["weakest_dimension"] == "Partisipasi Masyarakat"
    assert row["weakest_dimension_en"] == "Community participation"
    assert row["aspect_Production"] == pytest.approx(0.625)
    assert row["brand_middle_level_firms"] == 1
    assert "middle level of three" in row["note"]
    assert "tingkat tengah dari tiga" in msg(row["note_id"]).text("id")
    # (B, kerupuk) = F3 alone; 4 of 5 dimensions answered; source and brand both 0: the first in
    # the rubric's order is named.
    row = out.loc[("B", "kerupuk")]
    assert row["readiness"] == pytest.approx(0.833333 / 3, abs=1e-6)
    assert row["share_dimensions_answered"] == pytest.approx(0.8)
    assert row["weakest_dimension"] == "Sumber Bahan Baku Utama"
    assert row["brand_middle_level_firms"] == 0
    assert out.loc[("A", "keripik"), "readiness"] == pytest.approx(3.166667 / 4, abs=1e-6)


def test_readiness_per_product_and_per_village_by_hand():
    # kerupuk = F1, F2, F3: source (1 + .5 + 0)/3 = .5, environment (.5 + 1)/2 = .75, brand
    # (.5 + 1 + 0)/3 = .5, practices (2/3 + 0)/2 = 1/3, standard (0 + 1 + 1/3)/3 = 4/9.
    # aspects .625, .5, 1/3, 4/9 → 1.902778/4 = .475694
    per_product = readiness_by(FIRMS, RUBRIC, by="product")
    assert per_product.loc["kerupuk", "readiness"] == pytest.approx(1.902778 / 4, abs=1e-6)
    assert per_product.loc["kerupuk", "n_firms"] == 3
    # village A = F1, F2, F4: source 5/6, environment .75, brand 2/3, practices 5/9, standard 5/9
    # aspects (5/6 + .75)/2 = .791667, 2/3, 5/9, 5/9 → 2.569444/4 = .642361
    per_village = readiness_by(FIRMS, RUBRIC, by="village_code")
    assert per_village.loc["A", "readiness"] == pytest.approx(2.569444 / 4, abs=1e-6)
    by_name = readiness_by(FIRMS.drop(columns="village_code"), RUBRIC, by="village_name")
    assert by_name.loc["Desa A", "readiness"] == pytest.approx(2.569444 / 4, abs=1e-6)


def test_exclusive_dimensions_agree_with_table4_shares_of_the_same_firms():
    # Independent route: the firms of (A, kerupuk) as long survey rows through the shares of
    # survey_to_assessment and readiness(); exclusive dimensions must give the same scores.
    long = pd.DataFrame(
        [
            ("F1", "Sumber Bahan Baku Utama", 3),
            ("F2", "Sumber Bahan Baku Utama", 2),
            ("F1", "Lingkungan", 2),
            ("F1", "Merek", 2),
            ("F2", "Merek", 3),
            ("F1", "Standar Produk", 1),
            ("F2", "Standar Produk", 4),
        ],
        columns=["firm_id", "dimension", "level"],
    )
    by_dim, _ = readiness(long, rubric=firm_rubric(RUBRIC).drop(columns=["assumed"]))
    scores = firm_scores(FIRMS, RUBRIC).loc[["F1", "F2"]]
    for dim in ("Sumber Bahan Baku Utama", "Lingkungan", "Merek", "Standar Produk"):
        assert by_dim.loc[dim, "score"] == pytest.approx(scores[dim].mean()), dim


def test_bad_rows_are_all_reported_naming_firm_and_column():
    bad = FIRMS.copy()
    bad.loc[1, "firm_id"] = "F1"
    bad.loc[2, "product"] = ""
    bad.loc[3, ["village_code", "village_name"]] = ""
    bad["Merek"] = [2, 4, 1, 2]
    bad["Partisipasi Masyarakat"] = ["1;3", "0", "2;5", "x"]
    bad["Kemasan"] = ""
    with pytest.raises(InputDataError) as err:
        firm_scores(bad, RUBRIC, name="firms.csv")
    text = str(err.value)
    assert text.startswith("firms.csv: 6 problems:")
    assert "firms listed more than once: F1" in text
    assert "column 'product': empty for the firms F3" in text
    assert "no village_code or village_name for the firms F4" in text
    assert "columns that are not dimensions of the rubric: Kemasan" in text
    assert (
        "column 'Merek': levels not in the rubric for the firms F1: write one level from 1 to 3"
        in text
    )
    assert "column 'Partisipasi Masyarakat': levels not in the rubric for the firms F3, F4" in text
    assert "firms.csv: 6 masalah:" in err.value.text("id")
    with pytest.raises(InputDataError, match=r"columns missing: firm_id, village_code or "):
        firm_scores(FIRMS.drop(columns=["firm_id", "village_code", "village_name"]), RUBRIC)
    with pytest.raises(InputDataError, match=r"column 'village_code' is empty for the firms F1"):
        readiness_by(FIRMS.assign(village_code=["", "A", "B", "A"]), RUBRIC)
    with pytest.raises(InputDataError, match=r"cannot group by kecamatan"):
        readiness_by(FIRMS, RUBRIC, by="kecamatan")


def test_template_has_the_rubric_dimensions_and_the_shipped_file_matches():
    table4 = pd.read_csv(TABLE4)
    template = firm_assessment_template(table4)
    assert tuple(template.columns[:4]) == FIRM_COLUMNS and len(template) == 0
    assert list(template.columns[4:]) == list(dict.fromkeys(table4["dimension"]))
    shipped = pd.read_csv(TEMPLATE)
    assert list(shipped.columns) == list(template.columns) and len(shipped) == 0
    # a filled-in template is read back: one firm with every dimension at level 1 scores 0
    # except community participation (practice 1 of 3 → 1/3); its aspect (with the role in a
    # group, 0) is 1/6, and the mean over the 7 aspects 1/42
    filled = pd.DataFrame(
        [["X1", "61.12.07.2002", "Rasau Jaya I", "kerupuk"] + ["1"] * (len(template.columns) - 4)],
        columns=template.columns,
    )
    s = firm_scores(filled, table4)
    assert s.loc["X1", "readiness"] == pytest.approx(1 / 42)


def test_cli_template_writes_the_per_firm_template_and_levels(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ovop_geo.cli",
            "template",
            "--region",
            "rasau-jaya",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    template = pd.read_csv(tmp_path / "firm_assessment_template.csv")
    assert list(template.columns) == list(pd.read_csv(TEMPLATE).columns)
    levels = pd.read_csv(tmp_path / "firm_assessment_levels.csv")
    assert levels.loc[levels["dimension"] == "Merek", "level"].tolist() == [1, 2, 3]


def test_long_survey_rows_give_the_same_readiness():
    # The fixture's firms as one row per answer (the form of `ovop-geo qfd --survey`, with the
    # village): practices as several rows, unknown answers simply absent.
    rows = [
        ("F1", "Sumber Bahan Baku Utama", 3),
        ("F1", "Lingkungan", 2),
        ("F1", "Merek", 2),
        ("F1", "Partisipasi Masyarakat", 1),
        ("F1", "Partisipasi Masyarakat", 3),
        ("F1", "Standar Produk", 1),
        ("F2", "Sumber Bahan Baku Utama", 2),
        ("F2", "Merek", 3),
        ("F2", "Partisipasi Masyarakat", 0),
        ("F2", "Standar Produk", 4),
        ("F3", "Sumber Bahan Baku Utama", 1),
        ("F3", "Lingkungan", 3),
        ("F3", "Merek", 1),
        ("F3", "Standar Produk", 2),
        ("F4", "Sumber Bahan Baku Utama", 3),
        ("F4", "Lingkungan", 3),
        ("F4", "Merek", 2),
        ("F4", "Partisipasi Masyarakat", 1),
        ("F4", "Partisipasi Masyarakat", 2),
        ("F4", "Partisipasi Masyarakat", 3),
        ("F4", "Standar Produk", 3),
    ]
    survey = pd.DataFrame(rows, columns=["firm_id", "dimension", "level"])
    ids = FIRMS.set_index("firm_id")[["village_code", "village_name", "product"]]
    survey = survey.join(ids, on="firm_id")
    wide = firms_from_survey(survey)
    assert list(wide.columns[:4]) == list(FIRM_COLUMNS)
    assert wide.set_index("firm_id").loc["F1", "Partisipasi Masyarakat"] == "1;3"
    pd.testing.assert_frame_equal(readiness_by(wide, RUBRIC), readiness_by(FIRMS, RUBRIC))
    with pytest.raises(InputDataError, match=r"more than one village or product: F1"):
        firms_from_survey(pd.concat([survey, survey.iloc[:1].assign(product="dodol")]))
