"""The printed report: its PDF read back with a PDF reader, its pages rendered by poppler, its
HTML checked for the same content and for nothing fetched or run, and a hostile village name.

Expected values come from the paper and hand calculation, not from the program: the only
PP 29/2018 sentra of Table 3 is kerupuk in Rasau Jaya I (6 units >= 5), whose location quotient
is (6/13)/(16/50) = 1.442; the six village names are those of Table 1.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from ovop_geo import __version__, qfd
from ovop_geo.cli import main
from ovop_geo.pipeline import AnalysisParams, analyse, prepare_region
from ovop_geo.printed import (
    QFD_PRODUCTS,
    ReportOptions,
    report_document,
    report_facts,
    report_files,
)
from ovop_geo.region import load_region

pypdf = pytest.importorskip("pypdf")

NAMES = (
    "Rasau Jaya Umum",
    "Rasau Jaya Satu",
    "Rasau Jaya Dua",
    "Rasau Jaya Tiga",
    "Bintang Mas",
    "Pematang Tujuh",
)
PRODUCTS = (
    "rengginang",
    "marning",
    "kerupuk",
    "keripik",
    "torratello",
    "kue",
    "dodol",
    "minuman",
    "kerajinan",
)
NOW = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)
HOSTILE = (
    '<script>alert("x")</script><img src=x onerror=alert(1)> $\\frac{1}{0}$ '
    "Дорога Σ سونغاي ꦗꦮ " + "Panjang" * 40
)


@pytest.fixture(scope="module")
def prepared():
    return prepare_region(load_region("rasau-jaya"))


@pytest.fixture(scope="module")
def result(prepared):
    return analyse(prepared, AnalysisParams())


@pytest.fixture(scope="module")
def reports(result):
    """Both languages, both formats, built once: {lang: {"pdf": bytes, "html": str}}."""
    out = {}
    for lang in ("id", "en"):
        files = report_files(result, ReportOptions(lang=lang, now=NOW))
        out[lang] = {"pdf": files["report.pdf"](), "html": files["report.html"]().decode("utf-8")}
    return out


def pages_text(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def html_text(page: str) -> str:
    """The visible text of the report page (tags dropped, entities decoded, spaces joined)."""
    import html

    body = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return " ".join(html.unescape(body).split())


def render(pdf: bytes, tmp_path, dpi: int = 30) -> list[Image.Image]:
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler's pdftoppm is not installed (scripts/ensure-system-packages.sh)")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(path), str(tmp_path / "page")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return [Image.open(p).convert("L") for p in sorted(tmp_path.glob("page-*.png"))]


# --------------------------------------------------------------------------------- content
@pytest.mark.parametrize("lang", ["id", "en"])
def test_pdf_names_every_village_the_sentra_the_data_status_and_the_parameters(reports, lang):
    pages = pages_text(reports[lang]["pdf"])
    text = " ".join(pages)
    for name in NAMES:
        assert name in text
    # Cover: region, date, version, data-status box.
    cover = pages[0]
    assert "Kecamatan Rasau Jaya" in cover and "2026-12-02" in cover and __version__ in cover
    words = {
        "id": (
            "Status data",
            "Data nyata",
            "Data ilustratif",
            "Angka perkiraan",
            "Batas indikatif, bukan batas hukum",
        ),
        "en": (
            "Data status",
            "Real data",
            "Illustrative data",
            "Estimated figures",
            "Indicative, not legal boundaries",
        ),
    }[lang]
    for word in words:
        assert word in cover, word
    # The illustrative layers are named as such on the cover.
    assert "rasau_jaya_landuse.gpkg" in cover and "rasau_jaya_dem.tif" in cover
    # Summary: the one PP 29/2018 sentra (paper Table 3: kerupuk, Rasau Jaya I, 6 units).
    summary = pages[1]
    assert "PP 29/2018" in summary
    sentra_line = {
        "id": "Rasau Jaya Satu: kerupuk, 6 unit usaha",
        "en": "Rasau Jaya Satu: kerupuk, 6 business units",
    }[lang]
    assert sentra_line in summary
    # Parameters with their values, as in run.json.
    for name in (
        "min_units",
        "min_household_share",
        "slope_limit_pct",
        "sensitivity_runs",
        "max_villages_per_product",
    ):
        assert name in text
    assert "SHA-256" in text
    record_hash = next(
        p.sha256 for p in load_region("rasau-jaya").provenance if p.role == "businesses"
    )
    assert record_hash[:16] in text.replace(" ", "")


def test_the_improvement_plan_is_the_qfd_of_the_recommended_product(reports, result):
    pages = pages_text(reports["en"]["pdf"])
    start = next(i for i, p in enumerate(pages) if p.startswith("Improvement plan (QFD)"))
    assert "kerupuk" in pages[start]  # recommended in two villages, first in name order
    section = qfd.report_section(*qfd.product_qfd(result.region, "kerupuk"), "en")
    for measure in section["plan"][:2]:
        assert measure["label"] in pages[start]
        assert f"{100 * measure['priority_addressed']:.1f} %" in pages[start]


def test_numbers_follow_the_language(reports):
    # LQ of kerupuk in Rasau Jaya I = (6/13)/(16/50) = 1.442, printed with two decimals in the
    # comparison table (kerupuk is its recommended product).
    id_text = " ".join(pages_text(reports["id"]["pdf"]))
    en_text = " ".join(pages_text(reports["en"]["pdf"]))
    assert re.search(r"Rasau Jaya Satu Rasau Jaya [\d.]+ [\d.]+ \d+ kerupuk .*?1,44", id_text)
    assert re.search(r"Rasau Jaya Satu Rasau Jaya [\d,]+ [\d,]+ \d+ kerupuk .*?1\.44", en_text)
    # min_household_share 0.20 in the parameter table.
    assert "min_household_share 0,20" in id_text and "min_household_share 0.20" in en_text


def test_page_structure_cover_summary_maps_profiles_comparison_methods(reports, result):
    pages = pages_text(reports["id"]["pdf"])
    assert pages[0].startswith("Laporan Perencanaan OVOP")
    assert pages[1].startswith("Ringkasan")
    assert pages[2].startswith("Peta")
    # One map page per product with candidates (every product of Table 3 has some).
    product_pages = [i for i, p in enumerate(pages) if "desa calon dan klaster" in p[:60]]
    assert [pages[i].split(":")[0] for i in product_pages] == list(PRODUCTS)
    assert product_pages == list(range(3, 3 + len(PRODUCTS)))
    # One profile page per village, each on its own page, in order.
    profile_pages = [i for i, p in enumerate(pages) if p.startswith("Profil desa:")]
    assert len(profile_pages) == len(NAMES)
    assert profile_pages == list(range(profile_pages[0], profile_pages[0] + len(NAMES)))
    for i, name in zip(profile_pages, NAMES, strict=True):
        assert pages[i].startswith(f"Profil desa: {name}")
    comparison = [i for i, p in enumerate(pages) if p.startswith("Perbandingan desa")]
    methods = [i for i, p in enumerate(pages) if p.startswith("Metode dan asal data")]
    assert comparison == [profile_pages[-1] + 1]
    # The improvement plan (QFD) of the most recommended products, one page each, then methods.
    qfd_pages = [i for i, p in enumerate(pages) if p.startswith("Rencana perbaikan (QFD)")]
    assert qfd_pages == [comparison[0] + 1]
    recommended = set(report_facts(result).villages["recommended"].dropna())
    n_qfd = min(len(recommended), QFD_PRODUCTS)
    assert methods == [qfd_pages[0] + n_qfd]
    # cover + summary + overview + 9 products + 6 profiles + comparison + QFD + methods (1 or 2).
    assert len(pages) in (20 + n_qfd, 21 + n_qfd)
    # The comparison page is landscape A4; the others portrait A4.
    reader = pypdf.PdfReader(io.BytesIO(reports["id"]["pdf"]))
    sizes = [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    ]
    assert sizes[comparison[0]] == (842, 595)
    assert all(s == (595, 842) for i, s in enumerate(sizes) if i != comparison[0])


def test_every_page_renders_to_an_image(reports, tmp_path):
    pdf = reports["en"]["pdf"]
    images = render(pdf, tmp_path)
    assert len(images) == len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for img in images:
        ink = np.asarray(img) < 128
        assert ink.mean() > 0.002  # something is printed on every page


def test_the_fonts_are_embedded(reports):
    reader = pypdf.PdfReader(io.BytesIO(reports["id"]["pdf"]))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            if desc is not None:
                desc = desc.get_object()
                fonts.add((str(font["/BaseFont"]), "/FontFile2" in desc))
    assert fonts and all(embedded for _, embedded in fonts)
    assert any("DejaVuSans" in name for name, _ in fonts)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_html_holds_the_same_content_and_fetches_nothing(reports, documents, lang):
    page = reports[lang]["html"]
    text = html_text(page)
    pdf_text = " ".join(pages_text(reports[lang]["pdf"]))
    for name in NAMES:
        assert name in text
    for phrase in (
        "PP 29/2018",
        "Rasau Jaya Satu: kerupuk, 6",
        "min_units",
        "SHA-256",
        {"id": "Data ilustratif", "en": "Illustrative data"}[lang],
    ):
        assert phrase in text and phrase in pdf_text
    # Every heading and table cell of the document is in the HTML, as in the PDF.
    blocks, _, _ = documents[lang]
    for block in blocks:
        if type(block).__name__ == "Heading":
            assert " ".join(block.text.split()) in text
        if type(block).__name__ == "Table":
            for row in block.rows[:3]:
                for cell in row:
                    assert " ".join(cell.split()) in text
    assert f'<html lang="{lang}">' in page
    # No external request: no script, link, frame or import; src/href only data: URLs.
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert "<iframe" not in page.lower() and "@import" not in page
    for attr in re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page, flags=re.I):
        assert attr.startswith("data:"), attr[:60]
    for url in re.findall(r"url\(([^)]*)\)", page):
        assert url.startswith("data:"), url[:60]
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


@pytest.fixture(scope="module")
def documents(result):
    return {
        lang: report_document(result, ReportOptions(lang=lang, now=NOW)) for lang in ("id", "en")
    }


# ---------------------------------------------------------------------------- the adapter
def test_facts_take_the_decision_of_the_analysis(result):
    facts = report_facts(result)
    assert facts.from_analysis
    cand = facts.candidates
    assert (cand["businesses"] >= 1).all()
    # Paper Table 3: kerupuk in Rasau Jaya I (6 units >= 5) is the only PP 29/2018 sentra.
    assert list(cand.index[cand["sentra_class"] == "sentra"]) == [("61.12.07.2002", "kerupuk")]
    # Every village has a recommended product with a reason in each language.
    v = facts.villages
    assert v["recommended"].notna().all()
    assert v["reason_id"].map(bool).all() and v["reason_en"].map(bool).all()
    assert v.at["61.12.07.2002", "recommended"] == "kerupuk"
    # Weights applied are shares over the criteria with data; the unknown ones are left out.
    assert sum(facts.weights_applied.values()) == pytest.approx(1.0)
    assert "local_wisdom" not in facts.weights_applied
    # Kerupuk is made in all six villages (3+6+3+2+1+1 = 16 firms), which touch each other.
    kerupuk = facts.clusters[facts.clusters["product"] == "kerupuk"]
    assert len(kerupuk) == 1
    assert len(kerupuk["villages"].iloc[0]) == 6 and kerupuk["businesses"].iloc[0] == 16
    # The summary prints the decision's own reason in the report's language.
    blocks, _, _ = report_document(result, ReportOptions(lang="id", now=NOW))
    summary = next(b for b in blocks if type(b).__name__ == "Table")
    assert ("Rasau Jaya Satu", "kerupuk", v.at["61.12.07.2002", "reason_id"]) in summary.rows


def _without_decision(result):
    """The result as the analysis gave it before it classed, clustered and recommended."""
    drop = [c for c in result.candidates.columns if c.startswith(("sentra_class", "cluster_"))]
    fields = {f.name for f in dataclasses.fields(result)}
    extra = {k: None for k in ("decision", "recommendation", "clusters") if k in fields}
    return dataclasses.replace(result, candidates=result.candidates.drop(columns=drop), **extra)


def test_facts_derive_classes_and_clusters_by_the_stated_rules(result):
    facts = report_facts(_without_decision(result))
    assert not facts.from_analysis
    cand = facts.candidates
    assert (cand["businesses"] >= 1).all()
    assert list(cand.index[cand["sentra_class"] == "sentra"]) == [("61.12.07.2002", "kerupuk")]
    # 2-4 firms: pre_sentra; 1: potential (marning in Rasau Jaya I: 1 firm; rengginang in
    # Rasau Jaya II: 3 firms).
    assert cand.loc[("61.12.07.2002", "marning"), "sentra_class"] == "potential"
    assert cand.loc[("61.12.07.2003", "rengginang"), "sentra_class"] == "pre_sentra"
    kerupuk = facts.clusters[facts.clusters["product"] == "kerupuk"]
    assert len(kerupuk) == 1
    assert len(kerupuk["villages"].iloc[0]) == 6 and kerupuk["businesses"].iloc[0] == 16
    assert sum(facts.weights_applied.values()) == pytest.approx(1.0)


def test_facts_use_recommendation_columns_of_the_villages(result):
    villages = result.villages.copy()
    villages["recommended_product"] = "kerupuk"
    villages["recommendation_reason"] = "because the council said so"
    newer = dataclasses.replace(_without_decision(result), villages=villages)
    facts = report_facts(newer)
    assert (facts.villages["recommended"] == "kerupuk").all()
    blocks, _, _ = report_document(newer, ReportOptions(lang="en", now=NOW))
    texts = " ".join(getattr(b, "text", "") for b in blocks)
    assert "because the council said so" in texts


def test_a_large_region_is_summarised_by_kecamatan_and_profiles_the_top_candidates(result):
    blocks, _, _ = report_document(
        result, ReportOptions(lang="en", profile_limit=3, top_per_product=1, now=NOW)
    )
    headings = [b.text for b in blocks if type(b).__name__ == "Heading"]
    profiles = [h for h in headings if h.startswith("Village profile:")]
    facts = report_facts(result)
    firsts = facts.candidates[facts.candidates["rank"] == 1]
    expected = {facts.villages.at[c, "village_name"] for c, _ in firsts.index}
    assert {p.removeprefix("Village profile: ") for p in profiles} == expected
    tables = [b for b in blocks if type(b).__name__ == "Table"]
    assert any(b.header[:2] == ("Kabupaten", "Sub-district") for b in tables)


# ------------------------------------------------------------------------ a hostile name
def test_a_hostile_village_name_prints_as_text(prepared, tmp_path):
    region = prepared.region
    villages = region.villages.copy()
    villages.loc["61.12.07.2005", "village_name"] = HOSTILE
    hostile = analyse(
        dataclasses.replace(
            prepared, region=dataclasses.replace(region, villages=villages), villages=villages
        )
    )
    files = report_files(hostile, ReportOptions(lang="en", now=NOW))
    pdf, page = files["report.pdf"](), files["report.html"]().decode("utf-8")
    pages = pages_text(pdf)
    # The summary still fits its page (names are cut there; the profile prints them whole).
    assert pages[1].startswith("Summary") and pages[2].startswith("Maps")
    text = "".join("".join(pages).split())
    # Printed as the characters it is made of (the PDF breaks the long word over lines).
    assert '<script>alert("x")</script>' in text
    assert "$\\frac{1}{0}$" in text
    assert "Дорога" in text and "PanjangPanjangPanjang" in text
    # HTML: escaped, never markup; no script element, no event handler attribute.
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert not re.search(r"<img[^>]*onerror", page)
    # Layout: nothing is printed in the right margin of any page (a long word that did not
    # wrap would run into it), and every page still renders.
    images = render(pdf, tmp_path, dpi=40)
    assert len(images) == len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for img in images:
        pixels = np.asarray(img)
        margin = max(3, int(pixels.shape[1] * 10 / 210))  # the outer 10 mm of 15 mm
        assert (pixels[:, -margin:] > 200).all()


# ------------------------------------------------------------------------- command line
def test_cli_report_writes_both_files_for_chosen_villages(tmp_path, capsys):
    out = tmp_path / "rep"
    code = main(
        [
            "report",
            "--region",
            "rasau-jaya",
            "--out",
            str(out),
            "--lang",
            "en",
            "--villages",
            "Rasau Jaya Satu,61.12.07.2006",
            "--min-units",
            "3",
        ]
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.pdf"]
    pages = pages_text((out / "report.pdf").read_bytes())
    profiles = [p[:40] for p in pages if p.startswith("Village profile:")]
    assert len(profiles) == 2
    text = " ".join(pages)
    # --min-units 3 (the same parameter as 'run'): the sentra heading says >= 3.
    assert "Sentra under PP 29/2018 (≥ 3 similar business units)" in text


def test_cli_report_refuses_unknown_villages_all_at_once(tmp_path, capsys):
    code = main(
        [
            "report",
            "--region",
            "rasau-jaya",
            "--out",
            str(tmp_path),
            "--villages",
            "Desa Entah,99.99",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "Desa Entah" in err and "99.99" in err and "Traceback" not in err
    assert not (tmp_path / "report.pdf").exists()


@pytest.mark.slow
def test_a_province_is_summarised_by_kabupaten_name():
    # The bundled province has 14 kabupaten and kota (Kalimantan Barat), Kota Pontianak among them.
    province = analyse(prepare_region(load_region("kalimantan-barat")))
    facts = report_facts(province)
    assert facts.villages["kabupaten"].nunique() == 14
    assert "Kota Pontianak" in set(facts.villages["kabupaten"])
    blocks, _, _ = report_document(province, ReportOptions(lang="en", now=NOW))
    summary = next(b for b in blocks if type(b).__name__ == "Table")
    assert summary.header[0] == "Kabupaten" and len(summary.rows) == 14
