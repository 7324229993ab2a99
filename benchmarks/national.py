"""The national benchmark: Kalimantan Barat placed as many provinces, each with its own files.

:func:`make_national_inputs` takes the province benchmark's inputs (the real Kalimantan Barat
villages, a generated DEM and land use, generated statistics; :mod:`benchmarks.pipeline`) and
places ``copies`` shifted copies of them on a grid of 700 km cells, one per BPS province code
(38 real codes, then 99 for a 39th copy: 39 copies of 2,130 villages make 83,070 villages, about
Indonesia's number). Every copy gets its own folder: villages (shifted in the rasters' UTM CRS and
recoded with the copy's province prefix, written as GeoParquet), a DEM and a land-use raster (the
same pixels, the georeferencing shifted by the same offset), statistics recoded, a manifest.
Because the shift is exact in the rasters' CRS, every copy's raster statistics equal the
original's; distances and areas differ a little (they are computed on the ellipsoid).

:func:`run_national_benchmark` runs :func:`ovop_geo.national.run_national` on the first ``n``
provinces with 1 and then 2 workers (a fresh LocalCluster each time) and reports villages per
second, the scaling and the peak memory of each worker (``python -m benchmarks --national``).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["PROVINCE_CODES", "make_national_inputs", "run_national_benchmark"]

#: BPS province codes (38 provinces since 2022), then 99 for copies beyond them (synthetic).
PROVINCE_CODES = (
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35",
    "36", "51", "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76",
    "81", "82", "91", "92", "93", "94", "95", "96", "99",
)  # fmt: skip
_CELL_M = 700_000.0  # grid cell of the copies (the province is about 600 x 570 km)
_COLUMNS = 7
_PONTIANAK = (109.3333, -0.0333)


def _offset(i: int) -> tuple[float, float]:
    """Shift (m, in the rasters' UTM CRS) of copy i: a grid around the original."""
    col, row = i % _COLUMNS, i // _COLUMNS
    return (col - _COLUMNS // 2) * _CELL_M, (2 - row) * _CELL_M


def _shift_raster(src: Path, dst: Path, dx: float, dy: float) -> None:
    import rasterio
    from rasterio.transform import Affine

    tmp = dst.with_name(dst.name + ".tmp")
    shutil.copyfile(src, tmp)
    with rasterio.open(tmp, "r+") as ds:
        ds.transform = Affine.translation(dx, dy) * ds.transform
    os.replace(tmp, dst)


def _recode(codes: pd.Series, prefix: str) -> pd.Series:
    text = codes.astype(str)
    return prefix + text.str[2:]


def make_national_inputs(
    workdir: str | os.PathLike,
    *,
    copies: int = 39,
    resolution_m: float = 90.0,
    seed: int = 0,
    max_villages: int | None = None,
) -> list[Path]:
    """Write ``copies`` province partitions into ``workdir``; return their manifests.

    Reuses the files of an earlier call (a partition whose manifest exists is kept).
    """
    import geopandas as gpd
    from pyproj import Transformer

    from benchmarks.pipeline import _manifest_text, make_benchmark_inputs
    from benchmarks.synthetic import PROVINCE_CRS
    from ovop_geo.region import load_region

    if not 1 <= copies <= len(PROVINCE_CODES):
        raise ValueError(f"copies must be 1 to {len(PROVINCE_CODES)}, got {copies}.")
    work = Path(workdir).resolve()
    base = make_benchmark_inputs(work / "base", resolution_m=resolution_m, seed=seed,
                                 max_villages=max_villages)  # fmt: skip
    villages = None
    manifests = []
    to_utm = Transformer.from_crs("EPSG:4326", PROVINCE_CRS, always_xy=True)
    to_geo = Transformer.from_crs(PROVINCE_CRS, "EPSG:4326", always_xy=True)
    for i in range(copies):
        code = PROVINCE_CODES[i]
        folder = work / f"province={code}"
        manifest = folder / "manifests" / f"province-{code}.toml"
        manifests.append(manifest)
        if manifest.is_file():
            continue
        if villages is None:
            villages = load_region(base.manifest, allow_outside=True).villages
        folder.mkdir(parents=True, exist_ok=True)
        dx, dy = _offset(i)
        moved = villages[["village_name", "group", "geometry"]].to_crs(PROVINCE_CRS)
        moved = moved.set_geometry(moved.geometry.translate(dx, dy)).to_crs("EPSG:4326")
        moved.index = pd.Index(_recode(pd.Series(villages.index), code), name="village_code")
        boundaries = folder / "villages.parquet"
        gpd.GeoDataFrame(moved).reset_index().to_parquet(boundaries)
        dem, landuse = folder / "dem.tif", folder / "landuse.tif"
        _shift_raster(Path(base.dem), dem, dx, dy)
        _shift_raster(Path(base.landuse), landuse, dx, dy)
        tables = {}
        for name in ("harvest", "businesses"):
            frame = pd.read_csv(getattr(base, name), dtype={"village_code": str})
            known = frame["village_code"].notna()
            frame.loc[known, "village_code"] = _recode(frame.loc[known, "village_code"], code)
            tables[name] = folder / f"{name}.csv"
            frame.to_csv(tables[name], index=False)
        text = _manifest_text(boundaries, "village_code", "village_name", "group", dem, landuse,
                              tables["harvest"], tables["businesses"])  # fmt: skip
        x, y = to_utm.transform(*_PONTIANAK)
        lon, lat = to_geo.transform(x + dx, y + dy)
        text = text.replace('id = "kalbar-bench"', f'id = "province-{code}"')
        text = text.replace("lon = 109.3333, lat = -0.0333", f"lon = {lon:.4f}, lat = {lat:.4f}")
        # The copies are generated places, most of them outside Indonesia: their own extent
        # (padded by 0.5 degrees) replaces the default check against Indonesia's.
        west, south, east, north = moved.total_bounds
        text += (
            "\n[checks]\nexpected_extent = "
            f"[{west - 0.5:.3f}, {south - 0.5:.3f}, {east + 0.5:.3f}, {north + 0.5:.3f}]\n"
        )
        manifest.parent.mkdir(parents=True, exist_ok=True)
        tmp = manifest.with_name(manifest.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, manifest)
    return manifests


def run_national_benchmark(
    workdir: str | os.PathLike,
    *,
    provinces: int = 39,
    workers: tuple[int, ...] = (1, 2),
    resolution_m: float = 90.0,
    memory_limit: str = "3GB",
    json_path: str | os.PathLike | None = None,
    echo: bool = True,
) -> dict:
    """National run on the first ``provinces`` copies with each number of ``workers``."""
    from ovop_geo.national import NationalSettings, run_national

    manifests = make_national_inputs(workdir, copies=provinces, resolution_m=resolution_m)
    figures: dict = {"provinces": provinces, "resolution_m": resolution_m, "runs": []}
    for n in workers:
        out = Path(workdir).resolve() / f"out-{n}-workers"  # reruns replace it
        if out.exists():
            shutil.rmtree(out)
        load = os.getloadavg()
        start = time.perf_counter()
        record = run_national(manifests, out, settings=NationalSettings(
            workers=n, memory_limit=memory_limit))  # fmt: skip
        seconds = time.perf_counter() - start
        run = {
            "workers": n, "load_avg_before": load, "load_avg_after": os.getloadavg(),
            "seconds": seconds, "villages": record["villages"],
            "villages_per_second": record["villages"] / seconds,
            "partition_seconds": [p["seconds"] for p in record["partitions"]],
            "partition_cpu_seconds": [p["cpu_seconds"] for p in record["partitions"]],
            "merge_seconds": record["seconds"]["merge"],
            "worker_peak_rss_mb": record["worker_peak_rss_mb"],
            "memory_limit": memory_limit,
        }  # fmt: skip
        figures["runs"].append(run)
        if echo:
            print(f"{n} worker(s): {record['villages']:,} villages in {seconds:.1f} s = "
                  f"{run['villages_per_second']:.0f} villages/s; load {load[0]:.2f} -> "
                  f"{run['load_avg_after'][0]:.2f}; peak RSS per worker (MB) "
                  f"{run['worker_peak_rss_mb']}", flush=True)  # fmt: skip
    rates: dict[int, list[float]] = {}
    for run in figures["runs"]:
        rates.setdefault(run["workers"], []).append(run["villages_per_second"])
    figures["median_villages_per_second"] = {n: float(np.median(r)) for n, r in rates.items()}
    if len(rates) >= 2:
        lo, hi = min(rates), max(rates)
        med = figures["median_villages_per_second"]
        figures["scaling"] = med[hi] / med[lo]
        if echo:
            print(f"scaling {lo} -> {hi} workers (ratio of medians): {figures['scaling']:.2f}x")
    if json_path:
        Path(json_path).write_text(json.dumps(figures, indent=1))
    return figures
