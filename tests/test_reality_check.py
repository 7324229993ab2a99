"""The illustrative Rasau Jaya layers against published summaries of open rasters.

The published figures are facts about ESA WorldCover 2021 v200 (CC BY 4.0, © ESA WorldCover
project 2021 / Contains modified Copernicus Sentinel data (2021) processed by ESA WorldCover
consortium) and the Copernicus GLO-30 DSM (© DLR e.V. 2010-2014 and © Airbus Defence and Space
GmbH 2014-2018 provided under COPERNICUS by the European Union and ESA), summarised over the
kecamatan's boundary polygon. The illustrative figures are recomputed here from the shipped
layers with geopandas and rasterio (not with ovop_geo), and every verdict written in
data/illustrative/README.md is checked against its stated tolerance, so the README can neither
claim an agreement that is not there nor hide one.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from rasterio.features import geometry_mask

DATA = Path(__file__).resolve().parents[1] / "data"
README = DATA / "illustrative" / "README.md"

#: Published kecamatan summaries (WorldCover 2021 shares in % of 214.1 km²; GLO-30 in m, °).
PUBLISHED = {
    "tree_cover_pct": 53.32,
    "farmland_pct": 41.48 + 0.87,  # grassland + cropland
    "cropland_pct": 0.87,
    "shrubland_pct": 0.98,
    "water_pct": 2.43,
    "built_up_pct": 0.72,
    "elevation_median_m": 5.7,
    "elevation_p95_m": 15.3,
    "below_5m_pct": 42.94,
    "below_10m_pct": 81.11,
    "slope_mean_deg": 1.27,
}


def _table() -> dict[str, dict]:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- reality-check:start -->(.*?)<!-- reality-check:end -->", text, re.S)
    assert block, "the reality-check table is missing from data/illustrative/README.md"
    rows = {}
    for line in block.group(1).strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rid, _, published, illustrative, tolerance, verdict = cells
        rows[rid] = {
            "published": float(published),
            "illustrative": float(illustrative),
            "tolerance": float(tolerance),
            "verdict": verdict,
        }
    return rows


@pytest.fixture(scope="module")
def illustrative() -> dict[str, float]:
    lu = gpd.read_file(DATA / "illustrative" / "rasau_jaya_landuse.gpkg", layer="landuse")
    lu = lu.to_crs(32749)
    area = lu.assign(a=lu.area).groupby("class_id")["a"].sum()
    share = 100 * area / area.sum()
    villages = gpd.read_file(DATA / "boundaries" / "rasau_jaya_villages.geojson")
    with rasterio.open(DATA / "illustrative" / "rasau_jaya_dem.tif") as src:
        z = src.read(1).astype(float)
        inside = geometry_mask(
            villages.dissolve().to_crs(src.crs).geometry,
            out_shape=z.shape,
            transform=src.transform,
            invert=True,
        )
        dy, dx = np.gradient(z, src.res[1], src.res[0])
    slope = np.degrees(np.arctan(np.hypot(dx, dy)))[inside]
    cells = z[inside]
    return {
        "tree_cover_pct": share["kebun_sawit"] + share["hutan_rawa_gambut"],
        "farmland_pct": share["sawah"] + share["tegalan"] + share["semak"],
        "cropland_pct": share["sawah"] + share["tegalan"],
        "shrubland_pct": share["semak"],
        "water_pct": share["air"],
        "built_up_pct": share["permukiman"],
        "elevation_median_m": float(np.median(cells)),
        "elevation_p95_m": float(np.percentile(cells, 95)),
        "below_5m_pct": 100 * float((cells < 5).mean()),
        "below_10m_pct": 100 * float((cells < 10).mean()),
        "slope_mean_deg": float(slope.mean()),
    }


def test_the_readme_table_holds_the_published_figures():
    rows = _table()
    assert set(rows) == set(PUBLISHED)
    for rid, value in PUBLISHED.items():
        assert rows[rid]["published"] == pytest.approx(value, abs=0.005), rid


def test_the_readme_table_holds_what_the_shipped_layers_give(illustrative):
    rows = _table()
    for rid, value in illustrative.items():
        assert rows[rid]["illustrative"] == pytest.approx(value, abs=0.01), rid


def test_every_verdict_follows_from_its_tolerance(illustrative):
    for rid, row in _table().items():
        gap = abs(illustrative[rid] - PUBLISHED[rid])
        expected = "agrees" if gap <= row["tolerance"] else "disagrees"
        assert row["verdict"] == expected, (
            f"{rid}: the layers give {illustrative[rid]:.2f} against {PUBLISHED[rid]} published "
            f"(gap {gap:.2f}, tolerance {row['tolerance']}), so the README must say {expected}"
        )


def test_where_the_layers_disagree(illustrative):
    """The disagreements the README explains: too much settlement and idle land, too low a DEM."""
    assert illustrative["built_up_pct"] > 5 * PUBLISHED["built_up_pct"]
    assert illustrative["shrubland_pct"] > 5 * PUBLISHED["shrubland_pct"]
    assert illustrative["elevation_p95_m"] < PUBLISHED["elevation_p95_m"] - 10
    assert illustrative["below_5m_pct"] > PUBLISHED["below_5m_pct"] + 50
