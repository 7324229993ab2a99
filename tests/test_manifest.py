"""Region manifests: the bundled ones parse; every user-facing message is raised where due."""

from __future__ import annotations

from pathlib import Path

import pytest

from ovop_geo.bundled import layers_dir
from ovop_geo.errors import InputDataError
from ovop_geo.manifest import available_regions, load_manifest

MINIMAL = """
[region]
id = "test-region"
name = "Test region"

[boundaries]
path = "../data/villages.geojson"
id_column = "kode"
name_column = "nama"
"""


def _write(tmp_path: Path, text: str, name: str = "r.toml") -> Path:
    layers = tmp_path / "proj" / "layers"
    layers.mkdir(parents=True, exist_ok=True)
    path = layers / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_rasau_jaya_by_id():
    m = load_manifest("rasau-jaya")
    assert m.region.id == "rasau-jaya"
    assert m.region.population == 23499
    assert m.region.area_km2_reported == pytest.approx(111.07)
    assert m.path == layers_dir() / "rasau-jaya.toml"
    # "../data/..." relative to layers/ resolves inside the project folder.
    assert m.boundaries.path == layers_dir().parent / "data/boundaries/rasau_jaya_villages.geojson"
    assert m.boundaries.alt_name_columns == ("nama_paper", "nama_bps", "nama_paper_table1")
    assert m.boundaries.households_column == "households_kk"
    assert m.access.capital.name == "Pontianak"
    assert m.access.capital.lon == pytest.approx(109.3333)
    assert m.access.centre_village == "61.12.07.2001"
    assert m.landuse.illustrative and m.zoning.illustrative and m.elevation.illustrative
    assert m.statistics.harvest.level == "region"
    qfd = {"qfd_products", "qfd_needs", "qfd_relationships", "qfd_measures", "qfd_roof"}
    assert set(m.tables) == {
        "crops",
        "crop_landuse_suitability",
        "raw_materials",
        "prices",
        "growth_scenarios",
        "lowland_limits",
        *qfd,
    }
    assert m.parameters == {"base_year": 2013}  # growth scenarios come from their table
    assert m.relative(m.boundaries.path) == "data/boundaries/rasau_jaya_villages.geojson"


def test_bundled_kalimantan_barat_has_boundaries_only():
    m = load_manifest("kalimantan-barat")
    assert m.boundaries.id_column == "kode_desa"
    assert m.statistics.harvest is None and m.statistics.businesses is None
    assert m.landuse is None and m.elevation is None
    assert m.access.centre_village is None
    assert {"rasau-jaya", "kalimantan-barat"} <= set(available_regions())


def test_manifest_by_path(tmp_path):
    path = _write(tmp_path, MINIMAL)
    m = load_manifest(path)
    assert m.project_dir == (tmp_path / "proj").resolve()
    assert m.boundaries.path == (tmp_path / "proj/data/villages.geojson").resolve()
    assert m.landuse is None and m.tables == {} and m.parameters == {}


def test_unknown_region_id_lists_known():
    with pytest.raises(InputDataError, match=r"Unknown region 'atlantis'.*rasau-jaya"):
        load_manifest("atlantis")


def test_missing_manifest_file(tmp_path):
    with pytest.raises(InputDataError, match="manifest file not found"):
        load_manifest(tmp_path / "nothing.toml")


def test_unknown_key_names_key_and_file(tmp_path):
    path = _write(
        tmp_path, MINIMAL.replace('name_column = "nama"', 'name_column = "nama"\nid_colum = "x"')
    )
    with pytest.raises(InputDataError, match=r"r\.toml.*unknown key 'id_colum' in \[boundaries\]"):
        load_manifest(path)


def test_unknown_section(tmp_path):
    path = _write(tmp_path, MINIMAL + '\n[landcover]\npath = "x.gpkg"\n')
    with pytest.raises(InputDataError, match="unknown section or key 'landcover'"):
        load_manifest(path)


def test_unknown_statistics_table(tmp_path):
    path = _write(tmp_path, MINIMAL + '\n[statistics.population]\npath = "../data/p.csv"\n')
    with pytest.raises(InputDataError, match=r"unknown section '\[statistics.population\]'"):
        load_manifest(path)


def test_missing_required_keys_named(tmp_path):
    text = MINIMAL.replace('id_column = "kode"\n', "").replace('name = "Test region"\n', "")
    path = _write(tmp_path, text)
    with pytest.raises(InputDataError) as info:
        load_manifest(path)
    msg = str(info.value)
    assert "[region]: missing required key(s): name" in msg
    assert "[boundaries]: missing required key(s): id_column" in msg
    assert len(info.value.problems) == 2


def test_missing_section(tmp_path):
    path = _write(tmp_path, '[region]\nid = "x"\nname = "X"\n')
    with pytest.raises(InputDataError, match=r"missing required section \[boundaries\]"):
        load_manifest(path)


@pytest.mark.parametrize("bad", ["../../outside.geojson", "/etc/passwd", "../../proj2/v.geojson"])
def test_path_leaving_project_refused(tmp_path, bad):
    path = _write(tmp_path, MINIMAL.replace("../data/villages.geojson", bad))
    with pytest.raises(InputDataError, match=r"points outside the project folder 'proj'"):
        load_manifest(path)


def test_path_outside_allowed_when_asked(tmp_path):
    path = _write(tmp_path, MINIMAL.replace("../data/villages.geojson", "../../outside.geojson"))
    m = load_manifest(path, allow_outside=True)
    assert m.boundaries.path == (tmp_path / "outside.geojson").resolve()


def test_wrong_types(tmp_path):
    text = MINIMAL.replace('id = "test-region"', "id = 5") + (
        '\n[parameters]\ngrowth_rate_pct_yr = "thirty"\nbase_year = 2013.5\n'
    )
    path = _write(tmp_path, text)
    with pytest.raises(InputDataError) as info:
        load_manifest(path)
    msg = str(info.value)
    assert "[region] id must be a non-empty text" in msg
    assert "growth_rate_pct_yr must be a number" in msg
    assert "base_year must be a whole number" in msg


def test_region_id_characters(tmp_path):
    path = _write(tmp_path, MINIMAL.replace('"test-region"', '"Test Region!"'))
    with pytest.raises(InputDataError, match="lower-case letters"):
        load_manifest(path)


def test_capital_checked(tmp_path):
    text = MINIMAL + '\n[access]\ncapital = { name = "P", lon = -0.03, lat = 109.3 }\n'
    with pytest.raises(InputDataError, match="not valid degrees"):
        load_manifest(_write(tmp_path, text))
    text = MINIMAL + '\n[access]\ncapital = { name = "P", lon = 109.3, latitude = -0.03 }\n'
    with pytest.raises(InputDataError, match="unknown key 'latitude'"):
        load_manifest(_write(tmp_path, text))


def test_harvest_level_checked(tmp_path):
    text = MINIMAL + '\n[statistics.harvest]\npath = "../data/h.csv"\nlevel = "desa"\n'
    with pytest.raises(InputDataError, match="level 'desa' must be one of region, village"):
        load_manifest(_write(tmp_path, text))


def test_invalid_toml(tmp_path):
    path = _write(tmp_path, MINIMAL + "\n[tables\n")
    with pytest.raises(InputDataError, match="not valid TOML"):
        load_manifest(path)
