"""The ``ovop-geo`` command line.

Every command prints a user's own mistakes as one message without a traceback and exits with
status 2; progress goes to standard error so standard output stays clean.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import tomllib
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from .errors import InputDataError, OvopError, ParameterError

__all__ = ["main"]

EXIT_USER_ERROR = 2


def _progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


def _region_arg(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--region", default=None,
                       help="a bundled region id (see 'ovop-geo regions'); default rasau-jaya")
    group.add_argument("--layers", type=Path, default=None,
                       help="your own region manifest (TOML); its paths may point anywhere "
                            "because you named the file yourself")


def _load(args):
    from .region import load_region

    if args.layers is not None:
        return load_region(args.layers, allow_outside=True)
    return load_region(args.region or "rasau-jaya")


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
    p_run.add_argument("--out", type=Path, required=True, help="output folder")
    p_run.add_argument("--params", type=Path,
                       help="a TOML file of parameters (same names as the options below, "
                            "weights in a [weights] table)")
    p_run.add_argument("--weight", action="append", default=[], metavar="CRITERION=W",
                       help="a criterion weight, repeatable (e.g. --weight households=2)")
    p_run.add_argument("--ahp", type=Path,
                       help="CSV pairwise comparison matrix of criteria (first column and header "
                            "are criterion ids; cells like 3 or 1/3); its consistency ratio must "
                            "be at most 0.10")
    p_run.add_argument("--min-units", type=int, help="PP 29/2018 minimum units (default 5)")
    p_run.add_argument("--min-household-share", type=float,
                       help="BPS rule: share of households, 0-1 (default 0.20)")
    p_run.add_argument("--slope-limit", type=float, help="slope limit in %% (default 3)")
    p_run.add_argument("--growth-rate", type=float,
                       help="raw-material demand growth, %% a year (default: the manifest's)")
    p_run.add_argument("--max-villages-per-product", type=int,
                       help="OVOP allocation: villages that may share a product (0 = no limit; "
                            "default 1)")
    p_run.add_argument("--require-sentra", action="store_true",
                       help="assign PP 29/2018 sentra to their product first")
    p_run.add_argument("--seed", type=int, help="seed of the weight sensitivity (default 0)")
    p_run.add_argument("--lang", choices=("id", "en"), default="id",
                       help="language of the map (default id)")
    p_run.add_argument("--csv-dialect", choices=("rfc4180", "id"), default="rfc4180",
                       help="CSV files: rfc4180 (comma, dot decimals; for GIS and scripts, with "
                            ".csvt type files) or id (';' and a decimal comma, for spreadsheets "
                            "in the Indonesian locale); results.xlsx suits every spreadsheet")

    p_tpl = sub.add_parser("template",
                           help="write statistics templates (CSV) keyed by village code")
    _region_arg(p_tpl)
    p_tpl.add_argument("--out", type=Path, required=True,
                       help="folder for harvest_template.csv and businesses_template.csv")

    p_qfd = sub.add_parser(
        "qfd", help="house of quality (QFD) of a product and its ranked improvement plan")
    _region_arg(p_qfd)
    p_qfd.add_argument("--product", required=True, help="a product of the region, e.g. kerupuk")
    p_qfd.add_argument("--lang", choices=("id", "en"), default="id",
                       help="language of the labels and the picture (default id)")
    p_qfd.add_argument("--out", type=Path, default=None,
                       help="folder for the CSV tables, the picture (PNG) and the report data "
                            "(JSON); without it only the summary is printed")
    p_qfd.add_argument("--importance", type=Path, default=None,
                       help="your buyer-need importance table (CSV: product_family, need_id, "
                            "importance 1-5, ...) instead of the default assumptions")
    p_qfd.add_argument("--relationships", type=Path, default=None,
                       help="your relationship matrix (CSV, strengths 0/1/3/9; long rows or one "
                            "column per dimension)")
    p_qfd.add_argument("--measures", type=Path, default=None,
                       help="your support measures and the dimensions they move (CSV)")
    p_qfd.add_argument("--survey", type=Path, default=None,
                       help="per-firm assessment rows (firm_id, product, dimension, level) for a "
                            "readiness of the product's own firms; the region's Table 4 is the "
                            "rubric")
    p_qfd.add_argument("--clusters", type=Path, default=None,
                       help="sentra clusters (CSV: product, cluster_id, villages as codes "
                            "separated by ';'), to group the villages concerned")
    p_qfd.add_argument("--top-measures", type=int, default=3,
                       help="measures in the what-if scenario (default 3)")
    p_qfd.add_argument("--gap-closed", type=float, default=0.5,
                       help="share of a gap one strongly linked measure closes in the scenario "
                            "(assumption, default 0.5)")

    p_nat = sub.add_parser(
        "national", help="every province in its own partition on a Dask cluster, then the "
                         "national tables (needs the 'national' extra)")
    p_nat.add_argument("manifests", nargs="+", type=Path,
                       help="one region manifest per province (TOML), or folders searched for "
                            "*.toml")
    p_nat.add_argument("--out", type=Path, required=True, help="output folder")
    p_nat.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="a running Dask scheduler (tcp://host:8786); default: a local "
                            "cluster on this machine; 'serial': no Dask, one province after "
                            "the other")
    p_nat.add_argument("--workers", type=int, default=2,
                       help="workers of the local cluster (default 2)")
    p_nat.add_argument("--memory-limit", default="3GB",
                       help="memory limit of each local worker (default 3GB)")
    p_nat.add_argument("--params", type=Path,
                       help="a TOML file of parameters, as for 'run' (the same for every "
                            "province)")
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
        except tomllib.TOMLDecodeError as err:
            raise InputDataError(f"{args.params}: not valid TOML ({err}).") from err
        weights.update({str(k): float(v) for k, v in data.pop("weights", {}).items()})
        allowed = {"min_units", "min_household_share", "slope_limit_pct", "growth_rate_pct_yr",
                   "base_year", "horizon_years", "sensitivity_runs",
                   "sensitivity_concentration", "seed", "max_villages_per_product",
                   "require_sentra", "top_k"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise InputDataError(
                f"{args.params}: unknown keys {', '.join(unknown)}. Allowed: "
                + ", ".join(sorted(allowed)) + ", and a [weights] table."
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
    if args.ahp is not None:
        if weights:
            raise ParameterError("give weights either with --weight/[weights] or with --ahp, "
                                 "not both")
        weights = _ahp_weights(args.ahp)
    if weights:
        params["weights"] = tuple(sorted(weights.items()))
    options = {
        "min_units": args.min_units, "min_household_share": args.min_household_share,
        "slope_limit_pct": args.slope_limit, "growth_rate_pct_yr": args.growth_rate,
        "seed": args.seed,
    }
    params.update({k: v for k, v in options.items() if v is not None})
    if args.max_villages_per_product is not None:
        n = args.max_villages_per_product
        params["max_villages_per_product"] = None if n == 0 else n
    if params.get("max_villages_per_product") == 0:
        params["max_villages_per_product"] = None
    if args.require_sentra:
        params["require_sentra"] = True
    return params


def _ahp_weights(path: Path) -> dict[str, float]:
    from .mcda import ahp_weights

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
            f"{path}: the header and the first column must list the same criteria in the same "
            f"order; header {labels}, first column {rows}."
        )
    values = np.empty(table.shape)
    bad = []
    for i, row in enumerate(table.itertuples(index=False)):
        for j, cell in enumerate(row):
            try:
                values[i, j] = float(Fraction(str(cell).strip()))
            except (ValueError, ZeroDivisionError):
                bad.append(f"{rows[i]}/{labels[j]}={cell!r}")
    if bad:
        raise InputDataError(f"{path}: cells that are not numbers or fractions: "
                             + ", ".join(bad[:5]) + ". Write 3, 1/3 or 0.333.")
    try:
        result = ahp_weights(values, labels)
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
        print(f"  business units: {int(region.businesses.to_numpy().sum()):,} in "
              f"{region.businesses.shape[1]} products")
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
        print("  write templates to fill in: ovop-geo template --region "
              f"{region.id} --out templates/")
    print(f"  {region.manifest.boundaries.note or 'Indicative, not legal boundaries.'}")
    return 0


def _cmd_run(args) -> int:
    from .export import write_outputs
    from .pipeline import AnalysisParams, analyse, prepare_region
    from .report import build_outputs

    progress = (lambda _m: None) if args.quiet else _progress
    params = AnalysisParams(**_read_params(args))
    started = time.perf_counter()
    progress("loading the region")
    region = _load(args)
    prepared = prepare_region(region, progress=progress)
    progress("scores, sensitivity and allocation")
    result = analyse(prepared, params)
    progress(f"writing outputs to {args.out}")
    outputs = build_outputs(result, lang=args.lang, csv_dialect=args.csv_dialect)
    protected = tuple(region.manifest.project_dir / p.path for p in region.provenance)
    written = write_outputs(args.out, outputs, protected=protected)
    _print_summary(result, written, time.perf_counter() - started)
    return 0


def _print_summary(result, written, seconds: float) -> None:
    region = result.region
    print(f"{region.name}: {len(result.villages):,} villages analysed in {seconds:.1f} s")
    if result.candidates is not None:
        c = result.candidates
        print(f"candidate sentra: {len(c)} village x product pairs; "
              f"{int(c['meets_pp29_2018'].fillna(False).sum())} meet PP 29/2018")
        top = c[c["rank"] == 1].reset_index()
        names = result.villages["village_name"]
        for row in top.sort_values("score", ascending=False).head(5).itertuples():
            flag = " (fragile)" if bool(row.fragile) else ""
            print(f"  {row.product:12s} {names[row.village_code]:18s} score {row.score:5.1f}  "
                  f"first in {row.share_rank1:.0%} of weightings{flag}")
    if result.allocation is not None:
        lost = result.allocation["score_lost"].sum()
        print(f"OVOP allocation: {result.allocation['assigned'].sum()} villages, "
              f"score lost against each village's best: {lost:.1f}")
    if result.land_balance is not None:
        b = result.land_balance.sum(numeric_only=True)
        print(f"land: {b['land_farmland_ha']:,.0f} ha farmland, {b['land_used_ha']:,.0f} ha in "
              f"use by crops, {b['land_unused_ha']:,.0f} ha suitable and unused (allocated once "
              "over crops)")
    if result.carrying is not None:
        cc = result.carrying.region
        name = ("Permen LH 17/2009" if result.carrying.method == "Permen LH 17/2009"
                else "OVOP-crop variant of Permen LH 17/2009")
        print(f"carrying capacity ({name}, beras equivalent): supply/demand "
              f"{cc['supply_demand_ratio']:.2f}, {cc['status']}; alpha {cc['alpha_index']:.2f} "
              f"(class {cc['alpha_class']})")
    for note in result.notes:
        print(f"note: {note}")
    print("wrote: " + ", ".join(p.name for p in written))


def _cmd_template(args) -> int:
    from .export import to_csv_bytes, write_outputs
    from .region import statistics_templates

    region = _load(args)
    raw = region.tables.get("raw_materials")
    products = tuple(region.businesses.columns) if region.businesses is not None else (
        () if raw is None else tuple(dict.fromkeys(raw["product"].astype(str))))
    crops = tuple(region.tables["crops"]["crop_id"]) if "crops" in region.tables else (
        "padi", "jagung", "ubi_kayu")
    tables = statistics_templates(region.villages, crops=crops, products=products)
    written = write_outputs(args.out, {name: to_csv_bytes(t, index=False)
                                       for name, t in tables.items()})
    print(f"wrote {', '.join(str(p) for p in written)} for {len(region.villages):,} villages.")
    print("Fill in the empty cells (delete rows without figures) and name the files in your "
          "region manifest under [statistics.harvest] (level = \"village\") and "
          "[statistics.businesses]; see docs/manifest.md.")
    return 0


def _cmd_qfd(args) -> int:
    from . import qfd
    from .export import write_outputs
    from .io import read_table

    params = qfd.QfdParams(top_measures=args.top_measures,
                           gap_closed_by_strong_link=args.gap_closed)
    region = _load(args)
    products = [] if region.businesses is None else [str(c) for c in region.businesses.columns]
    if products and args.product not in products:
        raise InputDataError(f"--product {args.product}: not a product of {region.name}. "
                             f"Choose one of: {', '.join(products)}.")
    paths = {"needs": args.importance, "relationships": args.relationships,
             "measures": args.measures}
    tables = qfd.load_tables(region, paths={k: v for k, v in paths.items() if v is not None},
                             required_products=[args.product])
    survey = None if args.survey is None else read_table(args.survey,
                                                         display_name=str(args.survey))
    clusters = None if args.clusters is None else qfd.check_clusters(
        read_table(args.clusters, display_name=str(args.clusters)), str(args.clusters))
    house, plan = qfd.product_qfd(region, args.product, tables=tables, survey=survey,
                                  clusters=clusters, params=params)
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
    print("  " + (t("qfd_readiness_none", lang) if level == "none"
                  else t(f"qfd_readiness_{level}", lang, product=product)))
    print(f"  {t('qfd_priority', lang)} ({t('qfd_first_ten', lang)}):")
    for d in section["dimension_table"][:10]:
        readiness = "–" if d["readiness"] is None else fmt_number(d["readiness"], lang,
                                                                  decimals=2)
        print(f"    {d['priority_rank'] or '-':>2}. {d['label']:38s} {pct(d['priority_share']):>7}"
              f"  ({t('qfd_technical_weight', lang).lower()} {pct(d['technical_weight'])}, "
              f"{t('qfd_readiness', lang).lower()} {readiness})")
    print(f"  {t('qfd_plan_heading', lang)} — {t('qfd_priority_addressed', lang).lower()}:")
    for m in section["plan"]:
        mark = " *" if m["in_scenario"] else ""
        print(f"    {m['rank']:>2}. {m['label']:48s} {pct(m['priority_addressed']):>7}  "
              f"({', '.join(m['main_dimensions'])}){mark}")
    print("  " + section["places_text"])
    sc = section["scenario"]
    print("  * " + t("qfd_buyer_readiness", lang,
                     now=fmt_number(sc["buyer_weighted_readiness"], lang, decimals=2),
                     after=fmt_number(sc["buyer_weighted_readiness_after"], lang, decimals=2)))
    print("    " + section["assumptions"]["scenario"])
    if section["assumptions"]["default_tables"]:
        print("  " + t("qfd_assumption_note", lang,
                       tables=", ".join(section["assumptions"]["default_tables"])))


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
        none = dict.fromkeys(("min_units", "min_household_share", "slope_limit",
                              "growth_rate", "seed", "max_villages_per_product"))
        values = _read_params(argparse.Namespace(params=args.params, weight=[], ahp=None,
                                                 require_sentra=False, **none))
    settings = NationalSettings(scheduler=args.scheduler, workers=args.workers,
                                memory_limit=args.memory_limit)
    manifests = _manifest_paths(args.manifests)
    if not args.quiet:
        _progress(f"{len(manifests)} provinces on "
                  f"{args.scheduler or f'a local cluster of {args.workers} workers'}")
    record = run_national(manifests, args.out, AnalysisParams(**values), settings)
    print(f"{record['villages']:,} villages in {record['provinces']} provinces, "
          f"{record['seconds']['total']:.1f} s ({record['villages_per_second']:.0f} villages/s); "
          f"peak memory per worker (MB): "
          + ", ".join(f"{v:.0f}" for v in record["worker_peak_rss_mb"].values()))
    print(f"outputs in {args.out}")
    return 0


_COMMANDS = {"regions": _cmd_regions, "load": _cmd_load, "run": _cmd_run,
             "template": _cmd_template, "qfd": _cmd_qfd, "national": _cmd_national}


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``ovop-geo``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        return _COMMANDS[args.command](args)
    except OvopError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())
