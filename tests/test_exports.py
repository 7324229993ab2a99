"""Exports read back by other tools than the writer: GDAL, openpyxl, LibreOffice in id-ID.

The run's files are written once per module (the bundled Rasau Jaya run) and read back:
- GeoJSON with the standard library's json and with GDAL: RFC 7946 (counter-clockwise rings,
  one geometry type, integers as integers, no NaN or Infinity);
- GeoPackage and the CSV with its ``.csvt`` sidecar with GDAL;
- the xlsx workbook with openpyxl;
- the CSV opened as a spreadsheet in the Indonesian locale with LibreOffice: no number changes.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import Polygon

from ovop_geo.export import csvt_bytes, to_csv_bytes, to_geojson_bytes, to_xlsx_bytes
from ovop_geo.pipeline import analyse, prepare_region
from ovop_geo.region import load_region
from ovop_geo.report import build_outputs

SOFFICE = shutil.which("soffice")
LCID = {"id-ID": 1057, "en-US": 1033}  # LibreOffice's language ids for the CSV filter


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    result = analyse(prepare_region(load_region("rasau-jaya")))
    folder = tmp_path_factory.mktemp("run")
    for name, make in build_outputs(result).items():
        (folder / name).write_bytes(make())
    for name, make in build_outputs(result, csv_dialect="id").items():
        if name.endswith(".csv"):
            (folder / name.replace(".csv", "_id.csv")).write_bytes(make())
    return folder


def _strict_json(path: Path) -> dict:
    def refuse(token):
        raise AssertionError(f"{path.name}: non-standard JSON number {token}")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


@pytest.mark.parametrize("name", ["villages.geojson", "sentra_candidates.geojson"])
def test_geojson_is_rfc7946(outputs, name):
    data = _strict_json(outputs / name)
    assert "crs" not in data
    geoms = [shapely.geometry.shape(f["geometry"]) for f in data["features"]]
    assert {g.geom_type for g in geoms} == {"MultiPolygon"}
    rings = [p.exterior for g in geoms for p in g.geoms]
    assert rings and all(r.is_ccw for r in rings)  # RFC 7946 section 3.1.6
    holes = [h for g in geoms for p in g.geoms for h in p.interiors]
    assert not any(h.is_ccw for h in holes)
    for x, y in (c for r in rings for c in r.coords):
        assert 109 < x < 110 and -0.5 < y < 0  # longitude, latitude


def test_geojson_types_read_by_gdal(outputs):
    info = pyogrio.read_info(outputs / "sentra_candidates.geojson")
    dtypes = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert dtypes["village_code"] == "object"
    for column in ("rank", "businesses"):
        assert dtypes[column].startswith("int"), (column, dtypes[column])
    assert dtypes["score"] == "float64"
    assert dtypes["meets_pp29_2018"] == "bool"
    villages = pyogrio.read_info(outputs / "villages.geojson")
    vtypes = dict(zip(villages["fields"], villages["dtypes"], strict=True))
    assert vtypes["households"].startswith("int")
    assert vtypes["businesses_kerupuk"].startswith("int")


def test_geojson_writes_null_for_nan_and_infinity(tmp_path):
    frame = gpd.GeoDataFrame(
        {"x_ha": [1.5, np.nan, np.inf], "rank": [1.0, np.nan, 3.0]},
        geometry=[Polygon([(0, 0), (0, 1), (1, 1)])] * 3,
        crs=4326,
        index=pd.Index(["a", "b", "c"], name="village_code"),
    )
    path = tmp_path / "x.geojson"
    path.write_bytes(to_geojson_bytes(frame))
    props = [f["properties"] for f in _strict_json(path)["features"]]
    assert [p["x_ha"] for p in props] == [1.5, None, None]
    assert [p["rank"] for p in props] == [1, None, 3]
    assert all(isinstance(p["rank"], int) for p in props if p["rank"] is not None)
    csv_text = to_csv_bytes(frame).decode()
    assert "inf" not in csv_text.lower()
    assert csv_text.splitlines()[3].startswith("c,,")


def test_geopackage_holds_both_layers_with_full_names(outputs):
    layers = dict(pyogrio.list_layers(outputs / "results.gpkg"))
    assert layers == {
        "villages": "MultiPolygon",
        "sentra_candidates": "MultiPolygon",
        "sentra_clusters": "MultiPolygon",
    }
    villages = pyogrio.read_dataframe(outputs / "results.gpkg", layer="villages")
    from_geojson = pyogrio.read_dataframe(outputs / "villages.geojson")
    assert list(villages.columns) == list(from_geojson.columns)  # no truncated names
    assert any(len(c) > 10 for c in villages.columns)
    pd.testing.assert_series_equal(villages["area_ha"], from_geojson["area_ha"])


def test_csv_with_csvt_is_typed_by_gdal(outputs):
    frame = pyogrio.read_dataframe(outputs / "sentra_candidates.csv")
    assert frame["village_code"].map(type).eq(str).all()
    assert frame["village_code"].iloc[0].startswith("61.12.07.")
    assert pd.api.types.is_integer_dtype(frame["businesses"])
    assert pd.api.types.is_float_dtype(frame["score"])
    assert pd.api.types.is_bool_dtype(frame["meets_pp29_2018"])
    types = (outputs / "sentra_candidates.csvt").read_text().strip().split(",")
    with (outputs / "sentra_candidates.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert len(types) == len(header)


def _csv_numbers(path: Path, sep: str, decimal: str) -> dict[tuple[int, str], float]:
    """Every numeric cell of a CSV as (row, column) -> value, parsed by the dialect's rules."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=sep))
    out = {}
    for r, row in enumerate(rows[1:], start=1):
        for column, text in zip(rows[0], row, strict=True):
            if column.endswith("code") or text in {"", "true", "false"}:
                continue
            try:
                out[r, column] = float(text.replace(decimal, ".") if decimal != "." else text)
            except ValueError:
                continue
    return out


def test_xlsx_cells_are_typed_and_agree_with_the_csv(outputs):
    book = openpyxl.load_workbook(outputs / "results.xlsx", read_only=True)
    assert book.sheetnames == ["villages", "sentra_candidates", "sentra_clusters", "columns"]
    rows = list(book["villages"].values)
    header = list(rows[0])
    assert all(isinstance(row[0], str) and row[0].startswith("61.12.07.") for row in rows[1:])
    numbers = _csv_numbers(outputs / "villages.csv", ",", ".")
    assert len(numbers) > 300
    for (r, column), value in numbers.items():
        cell = rows[r][header.index(column)]
        assert isinstance(cell, int | float), (r, column, cell)
        assert math.isclose(cell, value, rel_tol=1e-12, abs_tol=1e-12), (r, column)
    described = list(book["columns"].values)
    columns = pd.DataFrame(described[1:], columns=described[0])
    area = columns[(columns["sheet"] == "villages") & (columns["column"] == "area_ha")]
    assert area["unit"].item() == "ha" and area["label_id"].item()


def test_xlsx_keeps_formula_like_text_as_text():
    frame = pd.DataFrame({"name": ['=HYPERLINK("http://x")', "+62 812"], "n": [1, 2]})
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"t": (frame, False)})))
    cells = [c.value for c in book["t"]["A"]][1:]
    assert cells == ['\'=HYPERLINK("http://x")', "'+62 812"]
    assert all(c.data_type == "s" for c in book["t"]["A"])


def test_csvt_names_a_type_per_column():
    frame = pd.DataFrame({"code": ["a"], "n_firms": [2.0], "x": [0.5], "ok": [True]})
    assert csvt_bytes(frame, index=False) == b'"String","Integer64","Real","Integer(Boolean)"\r\n'


def _spreadsheet(csv_path: Path, sep: str, locale: str, tmp_path: Path) -> list[tuple]:
    """Open a CSV with LibreOffice Calc in ``locale`` and return its cells (via xlsx)."""
    folder = tmp_path / locale
    folder.mkdir(exist_ok=True)
    shutil.copy(csv_path, folder / csv_path.name)
    token = f"CSV:{ord(sep)},34,76,1,,{LCID[locale]}"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            f"--infilter={token}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder),
            str(folder / csv_path.name),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    book = openpyxl.load_workbook(folder / csv_path.with_suffix(".xlsx").name, read_only=True)
    return list(book.active.values)


def _changed(cells: list[tuple], numbers: dict) -> tuple[int, int]:
    header = list(cells[0])
    text = changed = 0
    for (r, column), value in numbers.items():
        cell = cells[r][header.index(column)]
        if isinstance(cell, str):
            text += 1
        elif cell is None or not math.isclose(cell, value, rel_tol=1e-9, abs_tol=1e-12):
            changed += 1
    return text, changed


@pytest.mark.slow
@pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice not installed: bash scripts/ensure-system-packages.sh",
)
@pytest.mark.parametrize("name", ["villages", "sentra_candidates"])
def test_indonesian_spreadsheet_reads_every_number_unchanged(outputs, name, tmp_path):
    assert SOFFICE, "LibreOffice is missing: run bash scripts/ensure-system-packages.sh"
    numbers = _csv_numbers(outputs / f"{name}_id.csv", ";", ",")
    assert len(numbers) > 50
    cells = _spreadsheet(outputs / f"{name}_id.csv", ";", "id-ID", tmp_path)
    assert _changed(cells, numbers) == (0, 0)
    # The default CSV is for GIS and scripts: in en-US it survives as well.
    cells = _spreadsheet(outputs / f"{name}.csv", ",", "en-US", tmp_path)
    assert _changed(cells, _csv_numbers(outputs / f"{name}.csv", ",", ".")) == (0, 0)
