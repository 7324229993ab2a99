"""The own-region workflow: `ovop-geo template DIR`, fill a few rows, run, and parts of a region."""

from __future__ import annotations

import json
import tomllib

import pandas as pd
import pytest

from ovop_geo.cli import main
from ovop_geo.errors import InputDataError
from ovop_geo.manifest import load_manifest, manifest_text
from ovop_geo.region import load_region, subset_region
from ovop_geo.wilayah import admin_units, select_villages

RASAU_JAYA_KECAMATAN = "61.12.07"


@pytest.fixture(scope="module")
def kalbar():
    return load_region("kalimantan-barat")


def test_admin_units_from_kemendagri_and_bps_codes():
    villages = pd.DataFrame(
        {"village_name": ["A", "B", "C"], "group": ["K1", "K2", None]},
        index=pd.Index(["61.12.07.2002", "6112060004", "X9"], name="village_code"),
    )
    units = admin_units(villages)
    assert units["kabupaten_code"].tolist() == ["61.12", "6112", pd.NA]
    assert units["kecamatan_code"].tolist() == ["61.12.07", "6112060", pd.NA]
    assert units["kecamatan_name"].tolist() == ["K1", "K2", pd.NA]


def test_select_by_code_or_name(kalbar):
    # Kabupaten Kubu Raya is 61.12; its kecamatan Rasau Jaya (61.12.07) has six villages.
    by_code = select_villages(kalbar.villages, kecamatan=RASAU_JAYA_KECAMATAN)
    by_name = select_villages(kalbar.villages, kabupaten="kubu raya", kecamatan="Kec. Rasau Jaya")
    assert list(by_code) == list(by_name)
    assert len(by_code) == 6 and all(c.startswith("61.12.07.") for c in by_code)
    kubu = select_villages(kalbar.villages, kabupaten="Kabupaten Kubu Raya")
    assert len(kubu) == (kalbar.villages.index.str[:5] == "61.12").sum()
    with pytest.raises(InputDataError, match="--kabupaten 'Atlantis': no kabupaten"):
        select_villages(kalbar.villages, kabupaten="Atlantis")
    # Two kecamatan are called Sungai Raya (61.07.01 in Bengkayang, 61.12.01 in Kubu Raya):
    # the name alone is refused, with the kabupaten or the code it is one of them.
    with pytest.raises(
        InputDataError,
        match=r"2 kecamatan have this name: 61\.07\.01 "
        r"\(Kabupaten Bengkayang\), 61\.12\.01",
    ):
        select_villages(kalbar.villages, kecamatan="Sungai Raya")
    with pytest.raises(InputDataError) as info:
        select_villages(kalbar.villages, kecamatan="Sungai Raya")
    assert "2 kecamatan bernama sama" in info.value.text("id")
    with_kab = select_villages(kalbar.villages, kabupaten="Kubu Raya", kecamatan="Sungai Raya")
    by_code = select_villages(kalbar.villages, kecamatan="61.12.01")
    assert list(with_kab) == list(by_code) and len(by_code) > 0


def test_subset_region_keeps_only_the_part(kalbar):
    part = subset_region(kalbar, kecamatan=RASAU_JAYA_KECAMATAN)
    assert len(part.villages) == 6
    assert part.name == "Provinsi Kalimantan Barat: Kecamatan Rasau Jaya"
    assert subset_region(kalbar) is kalbar
    rj = load_region("rasau-jaya")
    assert subset_region(rj, kecamatan="Rasau Jaya") is rj  # the whole region: unchanged


def test_manifest_text_round_trips_and_is_checked(tmp_path):
    sections = {
        "region": {"id": "own", "name": 'Desa "Satu"', "population": None},
        "boundaries": {
            "path": "../b.gpkg",
            "id_column": "code",
            "name_column": "name",
            "alt_name_columns": ["a", "b"],
        },
        "access": {"capital": {"name": "P", "lon": 109.5, "lat": -0.25}},
        "statistics.harvest": {"path": "../h.csv", "level": "village"},
    }
    path = tmp_path / "layers" / "own.toml"
    text = manifest_text(sections, path=path, header="line one\nline two")
    assert text.startswith("# line one\n# line two\n")
    data = tomllib.loads(text)
    assert data["region"] == {"id": "own", "name": 'Desa "Satu"'}
    assert data["statistics"]["harvest"]["level"] == "village"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    manifest = load_manifest(path)
    assert manifest.access.capital.lon == 109.5
    assert manifest.boundaries.alt_name_columns == ("a", "b")
    with pytest.raises(InputDataError, match="unknown key 'colour'"):
        manifest_text(
            {**sections, "boundaries": {**sections["boundaries"], "colour": "red"}}, path=path
        )
    with pytest.raises(InputDataError, match="points outside the project folder"):
        manifest_text({**sections, "statistics.harvest": {"path": "../../../h.csv"}}, path=path)


def test_template_fill_and_run(tmp_path, capsys):
    folder = tmp_path / "kubu"
    assert (
        main(
            [
                "-q",
                "template",
                str(folder),
                "--region",
                "kalimantan-barat",
                "--kecamatan",
                RASAU_JAYA_KECAMATAN,
            ]
        )
        == 0
    )
    manifest = folder / "layers" / "kalimantan-barat-own.toml"
    assert manifest.is_file()
    names = {p.name for p in folder.iterdir()}
    assert {
        "harvest_template.csv",
        "businesses_template.csv",
        "households_template.csv",
        "products.csv",
        "crops.csv",
        "boundaries.gpkg",
    } <= names
    data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    assert data["statistics"]["households"]["path"] == "../households_template.csv"
    assert data["tables"]["raw_materials"] == "../products.csv"
    # Kabupaten and kecamatan beside every village; the paper's nine products by default.
    businesses = pd.read_csv(folder / "businesses_template.csv", dtype=str)
    assert set(businesses["kabupaten_code"]) == {"61.12"}
    assert set(businesses["kecamatan_code"]) == {RASAU_JAYA_KECAMATAN}
    assert set(businesses["kecamatan_name"]) == {"Rasau Jaya"}
    assert set(businesses["kabupaten_name"]) == {"Kabupaten Kubu Raya"}
    assert businesses["product"].nunique() == 9
    assert len(businesses) == 6 * 9

    # Fill a few rows as a planner would and leave the others empty (rows not filled in are
    # skipped); add a product of their own, gula aren (palm sugar) with no crop of the crops
    # table: it is scored on its firms only.
    codes = sorted(businesses["village_code"].unique())
    a, b = codes[0], codes[1]
    filled = {(a, "kerupuk"): "6", (b, "kerupuk"): "2"}
    businesses["businesses"] = [
        filled.get((c, p))
        for c, p in zip(businesses["village_code"], businesses["product"], strict=True)
    ]
    extra = pd.DataFrame(
        {
            "village_code": [a, b],
            "product": "gula_aren",
            "businesses": ["1", "3"],
            "source": "survey 2024",
        }
    )
    pd.concat([businesses, extra]).to_csv(folder / "businesses_template.csv", index=False)
    harvest = pd.read_csv(folder / "harvest_template.csv", dtype=str)
    assert set(harvest["yield_unit"]) == {"t/ha"}
    cassava = harvest["crop_id"] == "ubi_kayu"
    harvest.loc[
        cassava & (harvest["village_code"] == a), ["harvest_area_ha", "yield", "yield_unit"]
    ] = ["20", "150", "ku/ha"]
    harvest.loc[cassava & (harvest["village_code"] == b), ["harvest_area_ha", "yield"]] = [
        "5",
        "12",
    ]
    harvest.to_csv(folder / "harvest_template.csv", index=False)
    households = pd.read_csv(folder / "households_template.csv", dtype=str)
    assert len(households) == 6
    households.loc[households["village_code"] == a, ["households", "population"]] = ["400", "1600"]
    households.loc[households["village_code"] == b, ["households", "population"]] = ["100", "420"]
    households.to_csv(folder / "households_template.csv", index=False)

    out = tmp_path / "results"
    capsys.readouterr()
    assert main(["-q", "run", "--layers", str(manifest), "--out", str(out), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    # PP 29/2018: at least 5 units of one product in one place: kerupuk in village a (6).
    assert "1 meet PP 29/2018" in printed
    villages = pd.read_csv(out / "villages.csv", dtype={"village_code": str}).set_index(
        "village_code"
    )
    assert len(villages) == 6
    # 20 ha x 150 ku/ha = 300 t; 5 ha x 12 t/ha = 60 t.
    assert villages.loc[a, "production_ubi_kayu_t"] == pytest.approx(300.0)
    assert villages.loc[b, "production_ubi_kayu_t"] == pytest.approx(60.0)
    assert villages.loc[a, "households"] == 400
    # LQ of kerupuk in a: (6/7) / (8/12); gula aren (new) is a product too.
    assert villages.loc[a, "lq_kerupuk"] == pytest.approx((6 / 7) / (8 / 12))
    assert villages.loc[a, "businesses_gula_aren"] == 1
    assert villages.loc[b, "lq_gula_aren"] == pytest.approx((3 / 5) / (4 / 12))
    # The four villages without rows are no data, not scored from distances.
    others = [c for c in codes if c not in (a, b)]
    assert villages.loc[others, "score_max"].isna().all()
    assert villages.loc[[a, b], "score_max"].notna().all()
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["region"]["id"] == "kalimantan-barat-own"


def test_run_limited_to_a_kecamatan(tmp_path, capsys):
    out = tmp_path / "rj"
    assert (
        main(
            [
                "-q",
                "run",
                "--region",
                "kalimantan-barat",
                "--kabupaten",
                "Kubu Raya",
                "--kecamatan",
                "Rasau Jaya",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert printed.startswith(
        "Provinsi Kalimantan Barat: Kabupaten Kubu Raya, Kecamatan Rasau Jaya: 6 villages analysed"
    )
    villages = pd.read_csv(out / "villages.csv", dtype={"village_code": str})
    assert villages["village_code"].str.startswith("61.12.07.").all()
    assert (
        main(
            [
                "-q",
                "run",
                "--region",
                "kalimantan-barat",
                "--kecamatan",
                "Nowhere",
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert "no kecamatan of this region" in capsys.readouterr().err


def test_rows_not_filled_in_are_skipped_and_messages_name_file_rows(tmp_path):
    folder = tmp_path / "rj"
    assert (
        main(
            [
                "-q",
                "template",
                str(folder),
                "--region",
                "kalimantan-barat",
                "--kecamatan",
                RASAU_JAYA_KECAMATAN,
            ]
        )
        == 0
    )
    manifest = folder / "layers" / "kalimantan-barat-own.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(
        text.split("[statistics.harvest]")[0]
        + "[statistics.businesses]"
        + text.split("[statistics.businesses]")[1].split("[statistics.households]")[0]
        + "[tables]"
        + text.split("[tables]")[1],
        encoding="utf-8",
    )
    rows = pd.read_csv(folder / "businesses_template.csv", dtype=str)
    rows.loc[0, "businesses"] = "2"
    rows.loc[3, "businesses"] = "x"  # file row 5 (the header is row 1)
    rows.to_csv(folder / "businesses_template.csv", index=False)
    with pytest.raises(InputDataError, match=r"not numbers \('x'\)\. Rows: 5\."):
        load_region(manifest)
    rows.loc[3, "businesses"] = "1.5"
    rows.to_csv(folder / "businesses_template.csv", index=False)
    with pytest.raises(InputDataError, match="whole numbers"):
        load_region(manifest)
    rows.loc[3, "businesses"] = "1"
    rows.to_csv(folder / "businesses_template.csv", index=False)
    region = load_region(manifest)
    first = rows.loc[0, "village_code"]
    assert region.businesses_reported == (first,)
    assert region.businesses.loc[first, rows.loc[0, "product"]] == 2
