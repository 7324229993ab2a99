"""Regenerate the illustrative Rasau Jaya layers in data/illustrative/.

No public land-use map, zoning map or elevation model exists for Kecamatan Rasau Jaya, so the
project ships generated stand-ins. This script rebuilds them from the bundled village boundaries
with fixed seeds; running it twice gives the same values (and, with the fixed GeoPackage
timestamp set below, the same bytes).

Usage::

    python scripts/make_illustrative.py [--out data/illustrative] [--seed 2013]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import rasterio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the generators live in the checkout's benchmarks/ folder
from benchmarks import synthetic  # noqa: E402

VILLAGES = ROOT / "data" / "boundaries" / "rasau_jaya_villages.geojson"
DEM_RESOLUTION_M = 30.0
DEM_MARGIN_M = 1000.0
FIXED_DATE = "2013-01-01T00:00:00Z"  # GeoPackage "last change" stamp, fixed for identical bytes

log = logging.getLogger("make_illustrative")


def _replace_into(path: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename it into place."""
    fd, tmp = tempfile.mkstemp(suffix=path.suffix, dir=path.parent)
    os.close(fd)
    os.remove(tmp)  # the drivers want to create the file themselves
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _write_gpkg(gdf: gpd.GeoDataFrame, path: Path, layer: str, description: str, seed: int):
    metadata = {"ILLUSTRATIVE": "yes", "SEED": str(seed), "SOURCE": description}
    _replace_into(
        path,
        lambda tmp: gdf.to_file(
            tmp,
            layer=layer,
            driver="GPKG",
            engine="pyogrio",
            layer_options={"DESCRIPTION": description},
            layer_metadata=metadata,
        ),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "illustrative")
    parser.add_argument("--seed", type=int, default=2013)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args.out.mkdir(parents=True, exist_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_DATE})
    villages = gpd.read_file(VILLAGES)
    log.info("Read %d villages from '%s'", len(villages), VILLAGES.name)
    seed = args.seed
    command = f"python scripts/make_illustrative.py --seed {seed}"

    landuse = synthetic.make_rasau_jaya_landuse(villages, seed=seed)
    _write_gpkg(
        landuse,
        args.out / "rasau_jaya_landuse.gpkg",
        "landuse",
        f"ILLUSTRATIVE land use of Kecamatan Rasau Jaya, generated (not observed) by "
        f"{command}; class column class_id",
        seed,
    )
    zoning = synthetic.make_rasau_jaya_zoning(villages, seed=seed)
    _write_gpkg(
        zoning,
        args.out / "rasau_jaya_zoning.gpkg",
        "zoning",
        f"ILLUSTRATIVE spatial-plan zones of Kecamatan Rasau Jaya, generated (not "
        f"observed) by {command}; class column zone_id",
        seed,
    )

    xmin, ymin, xmax, ymax = villages.to_crs(synthetic.RASAU_CRS).total_bounds
    bounds = (xmin - DEM_MARGIN_M, ymin - DEM_MARGIN_M, xmax + DEM_MARGIN_M, ymax + DEM_MARGIN_M)
    dem, transform = synthetic.make_lowland_dem(
        bounds, crs=synthetic.RASAU_CRS, resolution_m=DEM_RESOLUTION_M, seed=seed
    )
    profile = {
        "driver": "GTiff", "width": dem.shape[1], "height": dem.shape[0], "count": 1,
        "dtype": "float32", "crs": synthetic.RASAU_CRS, "transform": transform,
        "nodata": synthetic.NODATA, "tiled": True, "blockxsize": 256, "blockysize": 256,
        "compress": "zstd", "zstd_level": 22, "predictor": 3,
    }  # fmt: skip
    tags = {
        "ILLUSTRATIVE": "yes",
        "SEED": str(seed),
        "UNITS": "m",
        "SOURCE": f"generated (not observed) by {command}: flat tidal lowland, slopes 0-3 %",
    }

    def write_dem(tmp):
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(dem, 1)
            dst.update_tags(**tags)
            dst.units = ("m",)

    _replace_into(args.out / "rasau_jaya_dem.tif", write_dem)
    for path in sorted(args.out.iterdir()):
        log.info("%-28s %8.1f KB", path.name, path.stat().st_size / 1024)


if __name__ == "__main__":
    main()
