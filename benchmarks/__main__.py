"""``python -m benchmarks``: the province benchmark with its baselines (``docs/benchmarks.md``)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from benchmarks.pipeline import run_benchmark


def main(argv: list[str] | None = None) -> int:
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
    parser.add_argument("--report", action="store_true",
                        help="benchmark the printed report (ovop-geo report) on the province "
                             "instead of the pipeline and its baselines")
    parser.add_argument("--keep", type=Path, default=None,
                        help="with --report: a folder to keep report.pdf and report.html in")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    if args.report:
        from benchmarks.report import run_report_benchmark

        run_report_benchmark(resolution_m=args.resolution, seed=args.seed,
                             workdir=args.workdir, max_villages=args.villages,
                             keep=args.keep, json_path=args.json)
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


if __name__ == "__main__":
    sys.exit(main())
