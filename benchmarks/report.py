"""The printed report at province scale: time and peak memory (``python -m benchmarks --report``).

The inputs are the province benchmark's (:func:`benchmarks.pipeline.make_benchmark_inputs`: the
2,130 Kalimantan Barat villages with a generated DEM, land-use raster, harvest and business
counts for every village, so every product has candidates). In a fresh Python process, so that
``ru_maxrss`` is the report's own: load the region, ``prepare_region``, ``analyse``, then the
report as ``ovop-geo report`` makes it (summary by kabupaten and kecamatan, maps of all villages,
profiles of the top 3 candidates per product), timed in its parts: the document (maps and charts
drawn), the PDF layout, the HTML page. The target of issue 15: the whole command under 2 minutes
and 1 GB on the 2-core machine.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from benchmarks.pipeline import (
    BenchInputs,
    _now,
    _peak_rss_mb,
    make_benchmark_inputs,
    run_child,
)

__all__ = ["format_report_figures", "run_report_benchmark"]


def _child(config_path: str) -> None:
    from ovop_geo.export import atomic_write_bytes, to_json_bytes
    from ovop_geo.layout import to_html, to_pdf
    from ovop_geo.pipeline import AnalysisParams, analyse, prepare_region
    from ovop_geo.printed import ReportOptions, report_document
    from ovop_geo.region import load_region

    config = json.loads(Path(config_path).read_text())
    inputs = BenchInputs(**{**config["inputs"], "shape": tuple(config["inputs"]["shape"])})
    stages: dict[str, list[float]] = {}

    def timed(name, fn):
        start = _now()
        out = fn()
        stages[name] = [float(x) for x in _now() - start]
        return out

    start = _now()
    region = timed("load region", lambda: load_region(inputs.manifest, allow_outside=True))
    prepared = timed("prepare_region", lambda: prepare_region(region))
    result = timed("analyse", lambda: analyse(prepared, AnalysisParams()))
    peak_analysis = _peak_rss_mb()
    options = ReportOptions(lang=config["lang"])
    blocks, title, footer = timed(
        "report: content, maps and charts", lambda: report_document(result, options)
    )
    pdf = timed("report: PDF layout", lambda: to_pdf(blocks, title=title, footer=footer))
    page = timed(
        "report: HTML page",
        lambda: to_html(blocks, title=title, footer=footer, lang=options.lang).encode("utf-8"),
    )
    out = Path(config["out"])
    timed(
        "write files",
        lambda: (
            atomic_write_bytes(out / "report.pdf", pdf),
            atomic_write_bytes(out / "report.html", page),
        ),
    )
    total = _now() - start
    from pypdf import PdfReader

    figures = {
        "stages_s": {k: v[0] for k, v in stages.items()},
        "stages_cpu_s": {k: v[1] for k, v in stages.items()},
        "total_s": float(total[0]),
        "total_cpu_s": float(total[1]),
        "peak_rss_after_analysis_mb": peak_analysis,
        "peak_rss_mb": _peak_rss_mb(),
        "villages": len(result.villages),
        "pages": len(PdfReader(out / "report.pdf").pages),
        "pdf_bytes": len(pdf),
        "html_bytes": len(page),
        "profiles": sum(
            1
            for b in blocks
            if type(b).__name__ == "Heading"
            and b.level == 1
            and b.text.startswith(("Profil desa:", "Village profile:"))
        ),
    }
    atomic_write_bytes(config["result_json"], to_json_bytes(figures))


def run_report_benchmark(
    resolution_m: float = 90.0,
    seed: int = 0,
    workdir: str | os.PathLike | None = None,
    max_villages: int | None = None,
    lang: str = "id",
    keep: str | os.PathLike | None = None,
    json_path: str | os.PathLike | None = None,
    echo: bool = True,
) -> dict:
    """Time the province report in a fresh process; returns (and prints) the figures.

    ``keep``: a folder to copy ``report.pdf`` and ``report.html`` to (to look at them).
    """
    from ovop_geo.export import atomic_write_bytes, to_json_bytes

    with tempfile.TemporaryDirectory(prefix="ovop-report-bench-") as tmp:
        tmp = Path(tmp)
        inputs = make_benchmark_inputs(
            workdir or tmp / "inputs",
            resolution_m=resolution_m,
            seed=seed,
            max_villages=max_villages,
        )
        out = Path(keep) if keep is not None else tmp / "out"
        out.mkdir(parents=True, exist_ok=True)
        config = {
            "inputs": asdict(inputs),
            "out": str(out),
            "lang": lang,
            "result_json": str(tmp / "figures.json"),
        }
        figures, wall = run_child("benchmarks.report", config, tmp)
    figures = {
        "inputs": asdict(inputs),
        **figures,
        "child_wall_s": wall,
        "cpus": os.cpu_count(),
        "date_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
    }
    if json_path is not None:
        atomic_write_bytes(json_path, to_json_bytes(figures))
    if echo:
        print(format_report_figures(figures))
    return figures


def format_report_figures(fig: dict) -> str:
    """The report benchmark's figures as readable text."""
    inp = fig["inputs"]
    lines = [
        f"ovop-geo report benchmark, {fig['date_utc']} UTC, {fig['cpus']} CPUs",
        f"inputs: {inp['n_villages']:,} villages, rasters at {inp['resolution_m']:g} m "
        f"(seed {inp['seed']})",
        "",
        f"  {'stage (fresh process)':<44}{'wall':>10}{'CPU':>10}",
    ]
    cpu = fig["stages_cpu_s"]
    lines += [f"  {name:<44}{s:8.2f} s{cpu[name]:8.2f} s" for name, s in fig["stages_s"].items()]
    lines += [
        f"  {'whole command':<44}{fig['total_s']:8.2f} s{fig['total_cpu_s']:8.2f} s",
        f"  peak memory (ru_maxrss): {fig['peak_rss_mb']:.0f} MB "
        f"({fig['peak_rss_after_analysis_mb']:.0f} MB after the analysis)",
        f"report: {fig['pages']} pages, {fig['profiles']} village profiles, PDF "
        f"{fig['pdf_bytes'] / 1e6:.2f} MB, HTML {fig['html_bytes'] / 1e6:.2f} MB",
        "target (issue 15): under 120 s and 1,024 MB: "
        + ("met" if fig["total_s"] < 120 and fig["peak_rss_mb"] < 1024 else "NOT met"),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    _child(sys.argv[1])
