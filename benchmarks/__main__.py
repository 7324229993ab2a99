"""``python -m benchmarks``: the province benchmark with its baselines (``docs/benchmarks.md``)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from benchmarks.pipeline import run_benchmark


def app_main(argv: list[str]) -> int:
    """``python -m benchmarks app``: the web app in Chromium (benchmarks/app.py)."""
    from benchmarks.app import run

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks app",
        description="The app in Chromium: first map, reload and weight change on Rasau Jaya "
        "and the province, median of the repetitions.",
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    run(repeats=args.repeats, json_path=args.json)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["app"]:
        return app_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Province-scale benchmark: the whole pipeline on the Kalimantan Barat "
        "villages over generated rasters, with rasterstats and exactextract as baselines.",
    )
    parser.add_argument(
        "--resolution",
        type=float,
        default=90.0,
        help="DEM resolution in metres (default 90; 30 on request)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="folder for the generated inputs (default: a temporary folder)",
    )
    parser.add_argument(
        "--villages",
        type=int,
        default=None,
        help="use only the first N villages (a quick smoke run)",
    )
    parser.add_argument(
        "--no-baselines", action="store_true", help="skip rasterstats and exactextract"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--report",
        action="store_true",
        help="benchmark the printed report (ovop-geo report) on the province "
        "instead of the pipeline and its baselines",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="with --report: a folder to keep report.pdf and report.html in",
    )
    parser.add_argument(
        "--zonal",
        action="store_true",
        help="only the zonal stages side by side (read floor, ours, exactextract), each run in a "
        "fresh process, repeats interleaved",
    )
    parser.add_argument("--repeats", type=int, default=3, help="repeats of --zonal (default 3)")
    parser.add_argument(
        "--zonal-methods",
        default="floor,ours,exactextract",
        help="methods of --zonal, in order (default floor,ours,exactextract)",
    )
    parser.add_argument(
        "--national",
        type=int,
        default=None,
        metavar="PROVINCES",
        help="the national benchmark on this many shifted province copies (39 = 83,070 "
        "villages), with 1 and 2 workers",
    )
    parser.add_argument(
        "--national-workers",
        default="1,2",
        help="worker counts of --national, in order, repeats interleaved (default 1,2)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    if args.report:
        from benchmarks.report import run_report_benchmark

        run_report_benchmark(
            resolution_m=args.resolution,
            seed=args.seed,
            workdir=args.workdir,
            max_villages=args.villages,
            keep=args.keep,
            json_path=args.json,
        )
        return 0
    if args.zonal:
        return _zonal(args)
    if args.national is not None:
        from benchmarks.national import run_national_benchmark

        if args.workdir is None:
            parser.error("--national needs --workdir (the inputs take several GB)")
        workers = tuple(int(w) for w in args.national_workers.split(","))
        run_national_benchmark(args.workdir, provinces=args.national, workers=workers,
                               resolution_m=args.resolution, json_path=args.json)  # fmt: skip
        return 0
    run_benchmark(
        resolution_m=args.resolution,
        seed=args.seed,
        workdir=args.workdir,
        max_villages=args.villages,
        baselines=not args.no_baselines,
        json_path=args.json,
    )
    return 0


def _zonal(args) -> int:
    import json
    import tempfile

    from benchmarks.pipeline import make_benchmark_inputs
    from benchmarks.zonal import run_side_by_side
    from ovop_geo.raster import slope_from_dem

    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        inputs = make_benchmark_inputs(work, resolution_m=args.resolution, seed=args.seed)
        slope = Path(inputs.folder) / "slope_pct.tif"
        if not slope.is_file():
            slope_from_dem(inputs.dem, slope)
        print(f"{inputs.n_villages} villages, rasters {inputs.shape[0]} x {inputs.shape[1]} "
              f"at {args.resolution:g} m")  # fmt: skip
        out = run_side_by_side(inputs.dem, slope, inputs.landuse, repeats=args.repeats,
                               methods=tuple(args.zonal_methods.split(",")))  # fmt: skip
        if args.json:
            args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
