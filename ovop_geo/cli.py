"""The ``ovop-geo`` command line.

Every command prints a user's own mistakes as one message without a traceback and exits with
status 2; progress goes to standard error so standard output stays clean.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
import tomllib
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from .errors import InputDataError, OvopError, ParameterError
from .manifest import DEFAULT_REGION
from .messages import msg

__all__ = ["main"]

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


def _progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


def _region_arg(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--region",
        default=None,
        help="a bundled region id (see 'ovop-geo regions'); default rasau-jaya",
    )
    group.add_argument(
        "--layers",
        type=Path,
        default=None,
        help="your own region manifest (TOML); its paths must stay inside the "
        "project folder holding it (the folder above the manifest's)",
    )
    parser.add_argument(
        "--allow-outside-paths",
        action="store_true",
        help="let the manifest name files outside its project folder (only for "
        "a manifest you trust)",
    )


def _part_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--kabupaten",
        default=None,
        metavar="CODE_OR_NAME",
        help="only the villages of this kabupaten (code such as 61.12, or name)",
    )
    parser.add_argument(
        "--kecamatan",
        default=None,
        metavar="CODE_OR_NAME",
        help="only the villages of this kecamatan (code such as 61.12.07, or "
        "name; a name two kecamatan share needs --kabupaten)",
    )


def _load(args):
    from .region import load_region, subset_region

    if args.layers is not None:
        region = load_region(args.layers, allow_outside=getattr(args, "allow_outside_paths", False))
    else:
        region = load_region(args.region or DEFAULT_REGION)
    return subset_region(
        region,
        kabupaten=getattr(args, "kabupaten", None),
        kecamatan=getattr(args, "kecamatan", None),
    )


def _run_parameters(parser: argparse.ArgumentParser) -> None:
    """The analysis parameters: one parser for every command that runs the analysis."""
    parser.add_argument(
        "--params",
        type=Path,
        help="a TOML file of parameters (same names as the options below, "
        "weights in a [weights] table)",
    )
    parser.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="CRITERION=W",
        help="a criterion weight, repeatable (e.g. --weight households=2)",
    )
    parser.add_argument(
        "--ahp",
        type=Path,
        help="CSV pairwise comparison matrix of criteria (first column and header "
        "are criterion ids; cells like 3 or 1/3; the lower triangle may stay "
        "empty); its consistency ratio must be at most 0.10",
    )
    parser.add_argument(
        "--ahp-groups",
        type=Path,
        help="CSV pairwise comparison matrix of the criteria groups, as in the "
        "app (first column and header are group ids of criteria.csv: "
        "existing_activity, raw_material, location_access, human_resources, "
        "institutions, local_wisdom; fill the upper triangle, the lower one "
        "may stay empty); each group's weight is split equally among its "
        "criteria; consistency ratio at most 0.10",
    )
    parser.add_argument("--min-units", type=int, help="PP 29/2018 minimum units (default 5)")
    parser.add_argument(
        "--min-household-share",
        type=float,
        help="BPS rule: share of households, 0-1 (default 0.20)",
    )
    parser.add_argument("--slope-limit", type=float, help="slope limit in %% (default 3)")
    parser.add_argument(
        "--growth-rate",
        type=float,
        help="raw-material demand growth, %% a year (default: the manifest's)",
    )
    parser.add_argument(
        "--firms",
        type=Path,
        help="per-firm assessment rows in the Table 4 rubric (CSV: firm_id, "
        "village_code, product, one column per dimension); their "
        "readiness becomes a criterion",
    )
    parser.add_argument(
        "--tie-tolerance",
        type=float,
        help="score points within which two candidates are tied (default 1)",
    )
    parser.add_argument(
        "--distinct-products",
        action="store_true",
        help="give every village a different product (assignment problem) "
        "instead of each village's own recommendation",
    )
    parser.add_argument(
        "--max-villages-per-product",
        type=int,
        help="with --distinct-products: villages that may share a product "
        "(0 = no limit; default 1)",
    )
    parser.add_argument(
        "--require-sentra",
        action="store_true",
        help="with --distinct-products: assign PP 29/2018 sentra to their product first",
    )
    parser.add_argument("--seed", type=int, help="seed of the weight sensitivity (default 0)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ovop-geo",
        description="OVOP planning for Indonesian villages: land availability, candidate "
        "sentra, maps and exports.",
    )
    parser.add_argument("--version", action="version", version=f"ovop-geo {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("regions", help="list the bundled regions")

    p_load = sub.add_parser("load", help="load a region and report what it holds")
    _region_arg(p_load)

    p_run = sub.add_parser("run", help="run the whole analysis and write the outputs")
    _region_arg(p_run)
    _part_args(p_run)
    p_run.add_argument("--out", type=Path, required=True, help="output folder")
    _run_parameters(p_run)
    p_run.add_argument(
        "--scenarios",
        type=Path,
        default=None,
        metavar="FILE",
        help="a scenario file (TOML, [scenarios.<name>] tables): run every "
        "scenario, compare them with the first and write scenarios.csv, "
        "scenario_alerts.csv, scenario_parameters.csv and scenarios.toml "
        "beside the first scenario's outputs",
    )
    p_run.add_argument(
        "--lang", choices=("id", "en"), default="id", help="language of the map (default id)"
    )
    p_run.add_argument(
        "--csv-dialect",
        choices=("rfc4180", "id"),
        default="rfc4180",
        help="CSV files: rfc4180 (comma, dot decimals; for GIS and scripts, with "
        ".csvt type files) or id (';' and a decimal comma, for spreadsheets "
        "in the Indonesian locale); results.xlsx suits every spreadsheet",
    )

    p_rep = sub.add_parser(
        "report", help="a printable report (report.pdf and report.html) for officials"
    )
    _region_arg(p_rep)
    _part_args(p_rep)
    p_rep.add_argument(
        "--out", type=Path, required=True, help="folder for report.pdf and report.html"
    )
    _run_parameters(p_rep)
    p_rep.add_argument(
        "--lang",
        choices=("id", "en"),
        default="id",
        help="language of the report (default id, Bahasa Indonesia)",
    )
    p_rep.add_argument(
        "--villages",
        action="append",
        default=[],
        metavar="CODES_OR_NAMES",
        help="villages to profile, by code or name, separated by commas "
        "(repeatable); default: every village of a small region, the top "
        "candidates of each product in a large one",
    )
    p_rep.add_argument(
        "--top",
        type=int,
        default=3,
        help="in a large region without --villages: candidates of each product "
        "profiled (default 3)",
    )

    p_sc = sub.add_parser("scenarios", help="the same as 'run --scenarios FILE'")
    p_sc.add_argument("file", type=Path, help="the scenario file (TOML)")
    _region_arg(p_sc)
    _part_args(p_sc)
    p_sc.add_argument("--out", type=Path, required=True, help="output folder")
    p_sc.add_argument(
        "--lang",
        choices=("id", "en"),
        default="id",
        help="language of the map and the scenario texts (default id)",
    )
    p_sc.add_argument(
        "--csv-dialect",
        choices=("rfc4180", "id"),
        default="rfc4180",
        help="CSV files: rfc4180 or id (see 'run')",
    )

    p_tpl = sub.add_parser(
        "template",
        help="write an own-region folder: statistics templates, products and crops tables, "
        "boundaries and a ready manifest naming them",
    )
    _region_arg(p_tpl)
    _part_args(p_tpl)
    p_tpl.add_argument(
        "dir", type=Path, nargs="?", default=None, help="folder to write (or give --out)"
    )
    p_tpl.add_argument("--out", type=Path, default=None, help="the same as DIR")
    p_tpl.add_argument(
        "--boundaries",
        type=Path,
        default=None,
        help="your own village boundaries (GeoJSON, GeoPackage, Shapefile, "
        "GeoParquet) instead of a region",
    )
    p_tpl.add_argument(
        "--id-column", default=None, help="with --boundaries: the column of village codes"
    )
    p_tpl.add_argument(
        "--name-column", default=None, help="with --boundaries: the column of village names"
    )
    p_tpl.add_argument(
        "--kecamatan-column",
        default=None,
        help="with --boundaries: the column of kecamatan names (optional)",
    )
    p_tpl.add_argument(
        "--id",
        dest="region_id",
        default=None,
        help="id of the new region (lower-case letters, digits, - or _)",
    )

    p_qfd = sub.add_parser(
        "qfd", help="house of quality (QFD) of a product and its ranked improvement plan"
    )
    _region_arg(p_qfd)
    p_qfd.add_argument("--product", required=True, help="a product of the region, e.g. kerupuk")
    p_qfd.add_argument(
        "--lang",
        choices=("id", "en"),
        default="id",
        help="language of the labels and the picture (default id)",
    )
    p_qfd.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for the CSV tables, the picture (PNG) and the report data "
        "(JSON); without it only the summary is printed",
    )
    p_qfd.add_argument(
        "--importance",
        type=Path,
        default=None,
        help="your buyer-need importance table (CSV: product_family, need_id, "
        "importance 1-5, ...) instead of the default assumptions",
    )
    p_qfd.add_argument(
        "--relationships",
        type=Path,
        default=None,
        help="your relationship matrix (CSV, strengths 0/1/3/9; long rows or one "
        "column per dimension)",
    )
    p_qfd.add_argument(
        "--measures",
        type=Path,
        default=None,
        help="your support measures and the dimensions they move (CSV)",
    )
    p_qfd.add_argument(
        "--survey",
        type=Path,
        default=None,
        help="per-firm assessment rows (firm_id, product, dimension, level) for a "
        "readiness of the product's own firms; the region's Table 4 is the "
        "rubric",
    )
    p_qfd.add_argument(
        "--clusters",
        type=Path,
        default=None,
        help="sentra clusters (CSV: product, cluster_id, villages as codes "
        "separated by ';'), to group the villages concerned",
    )
    p_qfd.add_argument(
        "--top-measures", type=int, default=3, help="measures in the what-if scenario (default 3)"
    )
    p_qfd.add_argument(
        "--gap-closed",
        type=float,
        default=0.5,
        help="share of a gap one strongly linked measure closes in the scenario "
        "(assumption, default 0.5)",
    )

    p_nat = sub.add_parser(
        "national",
        help="every province in its own partition on a Dask cluster, then the "
        "national tables (needs the 'national' extra)",
    )
    p_nat.add_argument(
        "manifests",
        nargs="+",
        type=Path,
        help="one region manifest per province (TOML), or folders searched for *.toml",
    )
    p_nat.add_argument("--out", type=Path, required=True, help="output folder")
    p_nat.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="a running Dask scheduler (tcp://host:8786); default: a local "
        "cluster on this machine; 'serial': no Dask, one province after "
        "the other",
    )
    p_nat.add_argument(
        "--workers", type=int, default=2, help="workers of the local cluster (default 2)"
    )
    p_nat.add_argument(
        "--memory-limit", default="3GB", help="memory limit of each local worker (default 3GB)"
    )
    p_nat.add_argument(
        "--params",
        type=Path,
        help="a TOML file of parameters, as for 'run' (the same for every province)",
    )
    return parser


def _read_params(args) -> dict:
    params: dict = {}
    weights: dict[str, float] = {}
    if args.params is not None:
        try:
            with open(args.params, "rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError as err:
            raise InputDataError(f"{args.params}: file not found.") from err
        except OSError as err:
            raise InputDataError(
                msg(
                    "file.unreadable",
                    name=str(args.params),
                    reason=err.strerror or type(err).__name__,
                )
            ) from err
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise InputDataError(f"{args.params}: not valid TOML ({err}).") from err
        table = data.pop("weights", {})
        if not isinstance(table, dict):
            raise ParameterError(msg("params.weights_table", path=str(args.params)))
        bad = [
            f"{k} = {v!r}"[:60]
            for k, v in table.items()
            if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v) or v < 0
        ]
        if bad:
            raise ParameterError(msg("params.bad_weights", path=str(args.params), items=bad))
        weights.update({str(k): float(v) for k, v in table.items()})
        allowed = {
            "min_units",
            "min_household_share",
            "slope_limit_pct",
            "growth_rate_pct_yr",
            "base_year",
            "horizon_years",
            "sensitivity_runs",
            "sensitivity_concentration",
            "seed",
            "max_villages_per_product",
            "require_sentra",
            "pre_sentra_min_units",
            "lq_min_units",
            "tie_tolerance_points",
            "distinct_products",
        }
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise InputDataError(
                f"{args.params}: unknown keys {', '.join(unknown)}. Allowed: "
                + ", ".join(sorted(allowed))
                + ", and a [weights] table."
            )
        wrong = [f"{k} = {v!r}"[:60] for k, v in data.items() if not _param_type_ok(k, v)]
        if wrong:
            raise ParameterError(
                msg("params.bad_value", path=str(args.params), reason=", ".join(wrong))
            )
        params.update(data)
    for item in args.weight:
        name, sep, value = item.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise ParameterError(f"--weight {item!r}: write CRITERION=NUMBER, e.g. households=2")
    if args.ahp is not None and getattr(args, "ahp_groups", None) is not None:
        raise ParameterError(
            "give either --ahp (criteria) or --ahp-groups (criteria groups), not both"
        )
    if args.ahp is not None:
        if weights:
            raise ParameterError(
                "give weights either with --weight/[weights] or with --ahp, not both"
            )
        weights = _ahp_weights(args.ahp)
    if getattr(args, "ahp_groups", None) is not None:
        if weights:
            raise ParameterError(
                "give weights either with --weight/[weights] or with --ahp-groups, not both"
            )
        weights = _ahp_group_weights(args.ahp_groups)
    if weights:
        params["weights"] = tuple(sorted(weights.items()))
    options = {
        "min_units": args.min_units,
        "min_household_share": args.min_household_share,
        "slope_limit_pct": args.slope_limit,
        "growth_rate_pct_yr": args.growth_rate,
        "seed": args.seed,
        "tie_tolerance_points": args.tie_tolerance,
    }
    params.update({k: v for k, v in options.items() if v is not None})
    if args.max_villages_per_product is not None:
        n = args.max_villages_per_product
        params["max_villages_per_product"] = None if n == 0 else n
    if params.get("max_villages_per_product") == 0:
        params["max_villages_per_product"] = None
    if args.require_sentra:
        params["require_sentra"] = True
    if args.distinct_products:
        params["distinct_products"] = True
    return params


_INT_PARAMS = frozenset(
    {
        "min_units",
        "base_year",
        "horizon_years",
        "sensitivity_runs",
        "seed",
        "max_villages_per_product",
        "top_k",
    }
)


def _param_type_ok(key: str, value: object) -> bool:
    """A parameters-file value has the type of its option (checked before any work)."""
    if key == "require_sentra":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if key in _INT_PARAMS:
        return isinstance(value, int)
    return isinstance(value, int | float) and bool(np.isfinite(value))


def _read_pairwise_csv(path: Path) -> tuple[list[str], np.ndarray]:
    """Labels and judgements of a pairwise CSV matrix; empty cells are NaN (to be completed)."""
    try:
        table = pd.read_csv(path, index_col=0, dtype=str, keep_default_na=False)
    except FileNotFoundError as err:
        raise InputDataError(f"{path}: file not found.") from err
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise InputDataError(f"{path}: not a readable CSV matrix ({err}).") from err
    labels = [str(c).strip() for c in table.columns]
    rows = [str(i).strip() for i in table.index]
    if labels != rows:
        raise InputDataError(
            f"{path}: the header and the first column must list the same items in the same "
            f"order; header {labels}, first column {rows}."
        )
    values = np.full(table.shape, np.nan)
    bad = []
    for i, row in enumerate(table.itertuples(index=False)):
        for j, cell in enumerate(row):
            text = str(cell).strip()
            if not text:
                continue
            try:
                values[i, j] = float(Fraction(text))
            except (ValueError, ZeroDivisionError):
                bad.append(f"{rows[i]}/{labels[j]}={cell!r}")
    if bad:
        raise InputDataError(
            f"{path}: cells that are not numbers or fractions: "
            + ", ".join(bad[:5])
            + ". Write 3, 1/3 or 0.333, or leave a cell "
            "of the lower triangle empty."
        )
    return labels, values


def _ahp_group_weights(path: Path) -> dict[str, float]:
    """Criterion weights from a group matrix file, by the function the app calls too."""
    from .mcda import group_ahp_weights, load_default_criteria

    labels, values = _read_pairwise_csv(path)
    table = load_default_criteria()
    try:
        result = group_ahp_weights(values, table["group"], group_labels=labels)
    except ParameterError as err:
        raise ParameterError(f"{path}: {err}") from err
    ratios = ", ".join(f"{k} {v:.3f}" for k, v in result.consistency.items())
    print(
        f"AHP over criteria groups: consistency ratio {ratios} (accepted: at most 0.10)",
        file=sys.stderr,
    )
    return dict(result.weights)


def _ahp_weights(path: Path) -> dict[str, float]:
    """Criterion weights from a criteria matrix file (one triangle is enough)."""
    from .mcda import ahp_weights, complete_reciprocal

    labels, values = _read_pairwise_csv(path)
    try:
        result = ahp_weights(complete_reciprocal(values, labels), labels)
    except ParameterError as err:
        raise ParameterError(f"{path}: {err}") from err
    print(f"AHP consistency ratio {result.cr:.3f} (accepted: at most 0.10)", file=sys.stderr)
    return dict(result.as_weights().as_series())


def _cmd_regions(_args) -> int:
    from .manifest import available_regions, load_manifest

    for region_id in available_regions():
        print(f"{region_id:20s} {load_manifest(region_id).region.name}")
    return 0


def _cmd_load(args) -> int:
    from .region import missing_statistics

    region = _load(args)
    v = region.villages
    print(f"{region.name} ({region.id})")
    print(f"  villages: {len(v):,}   area: {v['area_ha'].sum():,.1f} ha (computed in UTM)")
    if region.businesses is not None:
        print(
            f"  business units: {int(region.businesses.to_numpy().sum()):,} in "
            f"{region.businesses.shape[1]} products"
        )
    if region.harvest is not None:
        print(f"  harvest rows: {len(region.harvest)}")
    for layer in ("landuse", "zoning", "elevation"):
        ref = getattr(region.layers, layer)
        if ref is not None:
            flag = " (ILLUSTRATIVE)" if ref.illustrative else ""
            print(f"  {layer}: {region.manifest.relative(ref.path)}{flag}")
    for warning in region.warnings:
        print(f"  note: {warning}")
    missing = missing_statistics(region)
    if missing:
        print("  missing for a full analysis: " + "; ".join(missing))
        print(
            f"  write templates to fill in: ovop-geo template --region {region.id} --out templates/"
        )
    print(f"  {region.manifest.boundaries.note or 'Indicative, not legal boundaries.'}")
    return 0


def _cmd_report(args) -> int:
    from .export import write_outputs
    from .pipeline import AnalysisParams, analyse, prepare_region
    from .printed import ReportOptions, report_files, resolve_villages

    progress = (lambda _m: None) if args.quiet else _progress
    params = AnalysisParams(**_read_params(args))
    started = time.perf_counter()
    progress("loading the region")
    region = _load(args)
    prepared = prepare_region(region, progress=progress)
    progress("screen, sort and score; clusters; robustness")
    result = analyse(prepared, params, firms=_read_firms(args))
    wanted = [v.strip() for item in args.villages for v in item.split(",") if v.strip()]
    options = ReportOptions(
        lang=args.lang,
        parameter_set=args.params.name if args.params is not None else "",
        villages=resolve_villages(result, wanted) if wanted else (),
        top_per_product=args.top,
    )
    progress(f"laying out the report in {args.out}")
    protected = tuple(region.manifest.project_dir / p.path for p in region.provenance)
    written = write_outputs(args.out, report_files(result, options), protected=protected)
    print(
        f"{region.name}: report of {len(result.villages):,} villages in "
        f"{time.perf_counter() - started:.1f} s"
    )
    print("wrote: " + ", ".join(p.name for p in written))
    return 0


def _read_firms(args):
    """Per-firm assessment rows given with --firms, or None."""
    path = getattr(args, "firms", None)
    if path is None:
        return None
    from .io import read_table

    return read_table(path, display_name=str(path))


def _cmd_run(args) -> int:
    from .export import check_output_dir, write_outputs
    from .pipeline import AnalysisParams, analyse, prepare_region
    from .report import build_outputs

    progress = (lambda _m: None) if args.quiet else _progress
    scenario_file = getattr(args, "scenarios", None)
    scenarios = None
    raw = _read_params(args)
    if scenario_file is not None:
        from .scenarios import load_scenarios

        if raw:
            raise ParameterError(
                f"--scenarios {scenario_file}: give the parameters in the scenario file, not "
                f"as options too ({', '.join(sorted(raw))})"
            )
        scenarios = load_scenarios(scenario_file)
        params = scenarios[0].params
    else:
        try:
            params = AnalysisParams(**raw)
        except (TypeError, ValueError) as err:  # a value of the wrong type in the parameters file
            if isinstance(err, OvopError):
                if args.params is None:
                    raise
                raise ParameterError(f"{args.params}: {err}") from err
            raise ParameterError(
                msg("params.bad_value", path=str(args.params or "--"), reason=str(err)[:200])
            ) from err
    check_output_dir(args.out)  # before the analysis: a folder that cannot be written fails now
    started = time.perf_counter()
    progress("loading the region")
    region = _load(args)
    prepared = prepare_region(region, progress=progress)
    comparison = None
    if scenarios is not None:
        from .scenarios import compare_scenarios, scenario_outputs

        progress(f"{len(scenarios)} scenarios: scores, sensitivity and allocation")
        comparison = compare_scenarios(prepared, scenarios)
        result = comparison.results[scenarios[0].name]
    else:
        progress("screen, sort and score; clusters; robustness")
        result = analyse(prepared, params, firms=_read_firms(args))
    progress(f"writing outputs to {args.out}")
    outputs = build_outputs(result, lang=args.lang, csv_dialect=args.csv_dialect)
    if comparison is not None:
        outputs.update(scenario_outputs(comparison, lang=args.lang))
    protected = tuple(region.manifest.project_dir / p.path for p in region.provenance)
    written = write_outputs(args.out, outputs, protected=protected)
    _print_summary(result, written, time.perf_counter() - started)
    if comparison is not None:
        _print_scenarios(comparison, args.lang)
    return 0


def _print_scenarios(comparison, lang: str) -> None:
    from .messages import translate

    base = comparison.scenarios[0].name
    table = comparison.villages
    print(f"scenarios: {', '.join(s.name for s in comparison.scenarios)} (compared with {base})")
    for sc in comparison.scenarios[1:]:
        a, b = table[f"product_{base}"], table[f"product_{sc.name}"]
        changed = int(((a.notna() | b.notna()) & (a.astype(object) != b.astype(object))).sum())
        print(f"  {sc.name}: {changed} of {int(a.notna().sum())} villages get another product")
    for message in comparison.alerts["message"].head(10):
        print(f"  alert: {translate(message, lang)}")


def _cmd_scenarios(args) -> int:
    args.scenarios = args.file
    for option in (
        "params",
        "ahp",
        "min_units",
        "min_household_share",
        "slope_limit",
        "growth_rate",
        "max_villages_per_product",
        "seed",
        "tie_tolerance",
        "firms",
    ):
        setattr(args, option, None)
    args.weight, args.require_sentra, args.distinct_products = [], False, False
    return _cmd_run(args)


def _print_summary(result, written, seconds: float) -> None:
    region = result.region
    print(f"{region.name}: {len(result.villages):,} villages analysed in {seconds:.1f} s")
    if result.candidates is not None:
        c = result.candidates
        pp = c["meets_pp29_2018"]
        classes = c["sentra_class"].value_counts()
        print(
            f"candidate sentra: {len(c)} village x product pairs with at least one firm "
            f"({int(classes.get('sentra', 0))} sentra, {int(classes.get('pre_sentra', 0))} "
            f"pre-sentra, {int(classes.get('potential', 0))} potential); "
            f"{int(pp.fillna(False).sum())} meet PP 29/2018, {int(pp.isna().sum())} unknown"
        )
        top = c[c["rank"] == 1].reset_index()
        names = result.villages["village_name"]
        top = top.assign(
            order=top["sentra_class"].map({"sentra": 0, "pre_sentra": 1, "potential": 2})
        )
        for row in (
            top.sort_values(["order", "score"], ascending=[True, False]).head(5).itertuples()
        ):
            flag = " (fragile)" if bool(row.fragile) else ""
            flag += " (tie)" if bool(row.tie) else ""
            print(
                f"  {row.product:12s} {names[row.village_code]:18s} {row.sentra_class:10s} "
                f"{int(row.businesses):3d} firms  score {row.score:5.1f}  "
                f"first in {row.share_rank1:.0%} of weightings{flag}"
            )
        applied = result.decision.weights_applied
        print("weights applied: " + ", ".join(f"{k} {v:.0%}" for k, v in applied.items()))
        if result.decision.weights_left_out:
            print(
                "left out: "
                + "; ".join(f"{k} ({why})" for k, why in result.decision.weights_left_out.items())
            )
    if result.clusters is not None and len(result.clusters):
        shared = result.clusters[result.clusters["n_villages"] > 1].sort_values(
            ["businesses", "cluster_id"], ascending=[False, True]
        )
        print(
            f"sentra clusters (neighbouring villages making a product): {len(shared)} of "
            f"more than one village; "
            + "; ".join(
                f"{r.product} {r.n_villages} villages {r.businesses} firms ({r.sentra_class})"
                for r in shared.head(4).itertuples()
            )
        )
    if result.recommendation is not None and len(result.recommendation):
        names = result.villages["village_name"]
        print("OVOP recommendation per village:")
        for code, r in result.recommendation.iterrows():
            if r["runner_up"] is None:
                runner = ", the only product made here"
            elif r["decided_by"] == "class":
                runner = f", runner-up {r['runner_up']} ({r['runner_up_class']}: by class)"
            else:
                runner = f", runner-up {r['runner_up']} ({r['margin_points']:.1f} points behind)"
            tie = f" TIE with {r['tied_products'].replace(';', ', ')}" if r["tie"] else ""
            print(
                f"  {names[code]:18s} {r['product']:12s} {r['sentra_class']:10s} "
                f"{r['businesses']:3d} firm(s){runner}{tie}"
            )
    if result.allocation is not None:
        lost = result.allocation["score_lost"].sum()
        print(
            f"distinct products per village: {result.allocation['assigned'].sum()} villages, "
            f"score lost against each village's best: {lost:.1f}"
        )
    if result.land_balance is not None:
        b = result.land_balance.sum(numeric_only=True)
        print(
            f"land: {b['land_farmland_ha']:,.0f} ha farmland, {b['land_used_ha']:,.0f} ha in "
            f"use by crops, {b['land_unused_ha']:,.0f} ha suitable and unused (allocated once "
            "over crops)"
        )
    if result.carrying is not None:
        cc = result.carrying.region
        name = (
            "Permen LH 17/2009"
            if result.carrying.method == "Permen LH 17/2009"
            else "OVOP-crop variant of Permen LH 17/2009"
        )
        print(
            f"carrying capacity ({name}, beras equivalent): supply/demand "
            f"{cc['supply_demand_ratio']:.2f}, {cc['status']}; alpha {cc['alpha_index']:.2f} "
            f"(class {cc['alpha_class']})"
        )
    for note in result.notes:
        print(f"note: {note}")
    print("wrote: " + ", ".join(p.name for p in written))


def _cmd_template(args) -> int:
    from .export import to_csv_bytes, write_outputs
    from .templates import region_templates

    out = args.dir or args.out
    if out is None:
        raise ParameterError(
            "template: give the folder to write, e.g. ovop-geo template my-region/"
        )
    region = _boundaries_only(args) if args.boundaries is not None else _load(args)
    kit = region_templates(region, region_id=args.region_id)
    files = dict(kit.files)
    if region.assessment is not None:
        from .readiness import firm_assessment_template, firm_rubric

        # One row per firm (village, product, its level in each dimension of the rubric).
        files["firm_assessment_template.csv"] = to_csv_bytes(
            firm_assessment_template(region.assessment), index=False
        )
        files["firm_assessment_levels.csv"] = to_csv_bytes(
            firm_rubric(region.assessment), index=False
        )
    written = write_outputs(out, files)
    written += write_outputs(Path(out) / "layers", {kit.manifest_name: kit.manifest})
    print(f"wrote {len(written)} files for {len(region.villages):,} villages in {out}:")
    for path in written:
        print(f"  {path.relative_to(out).as_posix()}")
    print(
        "Fill in the templates (rows left empty are skipped; remove a "
        "[statistics.*] section you do not fill in), add products and crops to products.csv "
        "and crops.csv if you need them, then run:"
    )
    if region.assessment is not None:
        print(
            "firm_assessment_template.csv: one row per firm (village, product, its level in "
            "each dimension; firm_assessment_levels.csv says what each level means); "
            "see docs/readiness.md."
        )
    print(
        f"  ovop-geo run --layers {(Path(out) / 'layers' / kit.manifest_name).as_posix()} "
        "--out results/"
    )
    return 0


def _boundaries_only(args):
    """A region from a boundary file alone, with the bundled parameter tables."""
    from .manifest import load_manifest, manifest_text, parse_manifest_text
    from .region import load_region

    if not args.id_column or not args.name_column:
        raise ParameterError(
            "--boundaries needs --id-column and --name-column (the columns "
            "of village codes and names)"
        )
    default = load_manifest("kalimantan-barat")  # its parameter tables are the defaults
    path = args.boundaries.resolve()
    sections = {
        "region": {"id": args.region_id or "own-region", "name": path.stem},
        "boundaries": {
            "path": path.as_posix(),
            "id_column": args.id_column,
            "name_column": args.name_column,
            "group_column": args.kecamatan_column,
        },
        "tables": {name: p.as_posix() for name, p in default.tables.items()},
    }
    where = path.parent / "layers" / "own.toml"  # never written: paths are absolute
    text = manifest_text(sections, path=where, allow_outside=True)
    return load_region(
        parse_manifest_text(text, path=where, allow_outside=True), allow_outside=True
    )


def _cmd_qfd(args) -> int:
    from . import qfd
    from .export import write_outputs
    from .io import read_table

    params = qfd.QfdParams(
        top_measures=args.top_measures, gap_closed_by_strong_link=args.gap_closed
    )
    region = _load(args)
    products = [] if region.businesses is None else [str(c) for c in region.businesses.columns]
    if products and args.product not in products:
        raise InputDataError(
            f"--product {args.product}: not a product of {region.name}. "
            f"Choose one of: {', '.join(products)}."
        )
    paths = {
        "needs": args.importance,
        "relationships": args.relationships,
        "measures": args.measures,
    }
    tables = qfd.load_tables(
        region,
        paths={k: v for k, v in paths.items() if v is not None},
        required_products=[args.product],
    )
    survey = None if args.survey is None else read_table(args.survey, display_name=str(args.survey))
    clusters = (
        None
        if args.clusters is None
        else qfd.check_clusters(
            read_table(args.clusters, display_name=str(args.clusters)), str(args.clusters)
        )
    )
    house, plan = qfd.product_qfd(
        region, args.product, tables=tables, survey=survey, clusters=clusters, params=params
    )
    section = qfd.report_section(house, plan, args.lang)
    _print_qfd(section, plan, args.lang)
    if args.out is not None:
        outputs = qfd.output_files(house, plan, args.lang)
        protected = tuple(region.manifest.project_dir / p.path for p in region.provenance)
        written = write_outputs(args.out, outputs, protected=protected)
        print("wrote: " + ", ".join(p.name for p in written))
    return 0


def _print_qfd(section: dict, plan, lang: str) -> None:
    from .i18n import fmt_number, t

    def pct(x: float) -> str:
        return fmt_number(100 * x, lang, "%", decimals=1)

    product = section["product"]
    print(t("qfd_heading", lang, product=product) + f" [{section['family']}]")
    level = section["readiness_level"]
    print(
        "  "
        + (
            t("qfd_readiness_none", lang)
            if level == "none"
            else t(f"qfd_readiness_{level}", lang, product=product)
        )
    )
    print(f"  {t('qfd_priority', lang)} ({t('qfd_first_ten', lang)}):")
    for d in section["dimension_table"][:10]:
        readiness = "–" if d["readiness"] is None else fmt_number(d["readiness"], lang, decimals=2)
        print(
            f"    {d['priority_rank'] or '-':>2}. {d['label']:38s} {pct(d['priority_share']):>7}"
            f"  ({t('qfd_technical_weight', lang).lower()} {pct(d['technical_weight'])}, "
            f"{t('qfd_readiness', lang).lower()} {readiness})"
        )
    print(f"  {t('qfd_plan_heading', lang)} — {t('qfd_priority_addressed', lang).lower()}:")
    for m in section["plan"]:
        mark = " *" if m["in_scenario"] else ""
        print(
            f"    {m['rank']:>2}. {m['label']:48s} {pct(m['priority_addressed']):>7}  "
            f"({', '.join(m['main_dimensions'])}){mark}"
        )
    print("  " + section["places_text"])
    sc = section["scenario"]
    print(
        "  * "
        + t(
            "qfd_buyer_readiness",
            lang,
            now=fmt_number(sc["buyer_weighted_readiness"], lang, decimals=2),
            after=fmt_number(sc["buyer_weighted_readiness_after"], lang, decimals=2),
        )
    )
    print("    " + section["assumptions"]["scenario"])
    if section["assumptions"]["default_tables"]:
        print(
            "  "
            + t(
                "qfd_assumption_note",
                lang,
                tables=", ".join(section["assumptions"]["default_tables"]),
            )
        )


def _manifest_paths(items: list[Path]) -> list[Path]:
    paths: list[Path] = []
    for item in items:
        paths.extend(sorted(item.rglob("*.toml")) if item.is_dir() else [item])
    return paths


def _cmd_national(args) -> int:
    from .national import NationalSettings, run_national
    from .pipeline import AnalysisParams

    values = {}
    if args.params is not None:
        none = dict.fromkeys(
            (
                "min_units",
                "min_household_share",
                "slope_limit",
                "growth_rate",
                "seed",
                "max_villages_per_product",
            )
        )
        values = _read_params(
            argparse.Namespace(
                params=args.params, weight=[], ahp=None, require_sentra=False, **none
            )
        )
    settings = NationalSettings(
        scheduler=args.scheduler, workers=args.workers, memory_limit=args.memory_limit
    )
    manifests = _manifest_paths(args.manifests)
    if not args.quiet:
        _progress(
            f"{len(manifests)} provinces on "
            f"{args.scheduler or f'a local cluster of {args.workers} workers'}"
        )
    record = run_national(manifests, args.out, AnalysisParams(**values), settings)
    print(
        f"{record['villages']:,} villages in {record['provinces']} provinces, "
        f"{record['seconds']['total']:.1f} s ({record['villages_per_second']:.0f} villages/s); "
        f"peak memory per worker (MB): "
        + ", ".join(f"{v:.0f}" for v in record["worker_peak_rss_mb"].values())
    )
    print(f"outputs in {args.out}")
    return 0


_COMMANDS = {
    "regions": _cmd_regions,
    "load": _cmd_load,
    "run": _cmd_run,
    "report": _cmd_report,
    "scenarios": _cmd_scenarios,
    "template": _cmd_template,
    "qfd": _cmd_qfd,
    "national": _cmd_national,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``ovop-geo``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    previous = _terminate_as_interrupt()
    try:
        return _COMMANDS[args.command](args)
    except OvopError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print(f"\n{msg('run.interrupted')}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as err:  # a file the user named, at a place no reader maps yet
        name = Path(err.filename).name if err.filename else "?"
        print(
            f"error: {msg('run.file_error', name=name, reason=err.strerror or err)}",
            file=sys.stderr,
        )
        return EXIT_USER_ERROR
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _terminate_as_interrupt():
    """Make SIGTERM (a stopped job, a closed terminal) end the run like Ctrl-C.

    Staged files are removed and nothing half-written stays. Returns the previous handler.
    """

    def handler(_signum, _frame):
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        return None


if __name__ == "__main__":
    sys.exit(main())
