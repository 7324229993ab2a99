"""Shared tiny fixtures: a few square villages whose areas are known by hand, and a CSV writer."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

# A corner near Rasau Jaya in UTM zone 49S (EPSG:32749), metres.
X0, Y0 = 330_000.0, 9_970_000.0


def make_squares(sizes_m=(1000.0, 500.0, 2000.0), *, crs="EPSG:32749") -> gpd.GeoDataFrame:
    """Squares side by side along x in UTM 49S; a square of side s metres has s*s/10,000 ha.

    Columns: ``kode`` (A01, A02, ...), ``nama`` (Desa Satu, Desa Dua, ...), ``kk`` (households).
    """
    names = ["Desa Satu", "Desa Dua", "Desa Tiga", "Desa Empat", "Desa Lima"]
    geoms, x = [], X0
    for s in sizes_m:
        geoms.append(box(x, Y0, x + s, Y0 + s))
        x += s + 100.0
    n = len(sizes_m)
    gdf = gpd.GeoDataFrame(
        {
            "kode": [f"A{i + 1:02d}" for i in range(n)],
            "nama": names[:n],
            "kk": [100 * (i + 1) for i in range(n)],
        },
        geometry=geoms,
        crs="EPSG:32749",
    )
    return gdf.to_crs(crs) if crs != "EPSG:32749" else gdf


@pytest.fixture
def square_villages() -> gpd.GeoDataFrame:
    """Three squares of 100 ha, 25 ha and 400 ha in EPSG:4326 (built in UTM 49S)."""
    return make_squares(crs="EPSG:4326")


@pytest.fixture
def write_csv(tmp_path: Path):
    """Write text to ``tmp_path/<name>`` (UTF-8) and return the path."""

    def write(name: str, text: str, *, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding=encoding)
        return path

    return write


@pytest.fixture
def squares():
    """The :func:`make_squares` factory, for tests that need other sizes or CRSs."""
    return make_squares
