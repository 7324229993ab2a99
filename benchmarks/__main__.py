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
        "and the province, median of the repetitions.")
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
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
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
