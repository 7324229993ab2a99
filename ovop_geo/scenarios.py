"""Named parameter sets (scenarios), run side by side, compared and checked for land alerts.

A scenario file is TOML with one ``[scenarios.<name>]`` table per scenario, in the order they
are compared (the first is the base the others are compared against)::

    [scenarios.paper]
    description = "The paper's defaults"

    [scenarios.fast-growth]
    description = "Firms grow 30 % a year; sentra from 3 units"
    growth_rate_pct_yr = 30          # central growth of raw-material demand, % a year
    min_units = 3                    # PP 29/2018 threshold
    [scenarios.fast-growth.weights]  # criteria weights (any positive scale)
    households = 2
    businesses = 1

Keys are those of :class:`ovop_geo.pipeline.AnalysisParams` (the same names as the command
line's ``--params`` file), a ``[weights]`` table, ``description`` and ``growth_scenario`` (which
row of the growth table the land alerts follow: ``low``, ``central`` (default) or ``high``).
Every problem of the file is reported at once, naming the scenario and the key.

:func:`compare_scenarios` runs them on one prepared region (the expensive part once) and returns
the product allocated to each village under each scenario, which villages changed and why, the
parameters that differ, and the alerts "land for <crop> runs short in <year> under <scenario>".
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputDataError, OvopError, ParameterError, raise_problems
from .export import to_csv_bytes
from .manifest import toml_document
from .messages import Message, msg, translate
from .pipeline import AnalysisParams, AnalysisResult, PreparedRegion, analyse

__all__ = [
    "Scenario",
    "ScenarioComparison",
    "compare_scenarios",
    "load_scenarios",
    "parse_scenarios",
    "scenario_outputs",
    "scenarios_text",
]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_PARAM_FIELDS = {f.name: f for f in dataclasses.fields(AnalysisParams) if f.name != "weights"}
_EXTRA_KEYS = ("description", "growth_scenario", "weights")
_INT_KEYS = {
    "min_units",
    "base_year",
    "start_year",
    "horizon_years",
    "sensitivity_runs",
    "seed",
    "max_villages_per_product",
    "pre_sentra_min_units",
    "lq_min_units",
}
_BOOL_KEYS = {"require_sentra", "distinct_products"}


@dataclass(frozen=True)
class Scenario:
    """One named parameter set.

    ``growth_scenario`` is the growth row the land alerts follow (``central`` by default).
    """

    name: str
    params: AnalysisParams = dataclasses.field(default_factory=AnalysisParams)
    description: str = ""
    growth_scenario: str = "central"

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ParameterError(f"scenario name {self.name!r}: use letters, digits, '-' or '_'")


@dataclass(frozen=True)
class ScenarioComparison:
    """What :func:`compare_scenarios` returns.

    Attributes
    ----------
    scenarios : tuple of Scenario
    results : dict of str to AnalysisResult
        One full result per scenario (maps and exports of each are available).
    villages : DataFrame
        Indexed by ``village_code``: ``village_name``; per scenario ``product_<name>`` (the OVOP
        recommendation, or the distinct-products assignment where the scenario sets it),
        ``score_<name>`` (its score, 0-100) and ``best_product_<name>`` (the
        village's top-scoring product); ``changed`` (the allocated product differs from the
        first scenario's in any scenario) and ``why`` (a tuple of bilingual messages, one per
        scenario where the village changed; :meth:`table` gives them as text). Villages
        without statistics have no product in any scenario and are not "changed".
    parameters : DataFrame
        One row per parameter that differs from the first scenario: ``scenario``,
        ``parameter``, ``base``, ``value``.
    alerts : DataFrame
        One row per scenario and crop whose land runs short within the horizon (region
        totals): ``scenario``, ``crop_id``, ``growth_scenario``, ``growth_rate_pct_yr``,
        ``year_land_short``, ``message`` (a bilingual :class:`~ovop_geo.messages.Message`).
    """

    scenarios: tuple[Scenario, ...]
    results: dict[str, AnalysisResult]
    villages: pd.DataFrame
    parameters: pd.DataFrame
    alerts: pd.DataFrame

    def table(self, lang: str = "en") -> pd.DataFrame:
        """:attr:`villages` with the ``why`` texts in ``lang``."""
        out = self.villages.copy()
        out["why"] = pd.Series(
            [" | ".join(translate(m, lang) for m in why) for why in out["why"]],
            index=out.index,
            dtype=object,
        )
        return out


# ----------------------------------------------------------------------------- reading
def load_scenarios(path: str | Path) -> tuple[Scenario, ...]:
    """Read a scenario file (TOML, see the module docstring)."""
    path = Path(path)
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise InputDataError(msg("scenarios.not_found", file=shown), path=shown) from err
    except (OSError, UnicodeDecodeError) as err:
        raise InputDataError(
            msg("scenarios.unreadable", file=shown, error=str(err)), path=shown
        ) from err
    return parse_scenarios(text, source=shown)


def _coerce(key: str, value: Any, where: str, problems: list[str]) -> Any:
    if key in _BOOL_KEYS:
        if not isinstance(value, bool):
            problems.append(msg("scenarios.not_bool", where=where, key=key))
        return value
    if key in _INT_KEYS:
        if key == "max_villages_per_product" and value == 0:
            return None  # 0 = no limit, as on the command line
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(msg("scenarios.not_int", where=where, key=key))
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(msg("scenarios.not_number", where=where, key=key))
        return value
    return float(value)


def parse_scenarios(text: str, *, source: str = "scenarios.toml") -> tuple[Scenario, ...]:
    """Scenarios from the TOML text of a scenario file; every problem is reported at once."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputDataError(
            msg("scenarios.toml_syntax", file=source, error=str(err)), path=source
        ) from err
    problems: list[str] = []
    unknown_top = sorted(set(data) - {"scenarios"})
    if unknown_top:
        problems.append(msg("scenarios.unknown_sections", names=unknown_top))
    tables = data.get("scenarios")
    if not isinstance(tables, dict) or not tables:
        problems.append(msg("scenarios.none"))
        raise_problems(source, problems)
    allowed = sorted([*_PARAM_FIELDS, *_EXTRA_KEYS])
    out: list[Scenario] = []
    for name, table in tables.items():
        where = f"[scenarios.{name}]"
        if not isinstance(table, dict):
            problems.append(msg("scenarios.not_table", where=where))
            continue
        if not _NAME.match(name):
            problems.append(msg("scenarios.bad_name", where=where))
        unknown = sorted(set(table) - set(allowed))
        if unknown:
            problems.append(
                msg("scenarios.unknown_keys", where=where, keys=unknown, allowed=allowed)
            )
        values = {k: _coerce(k, v, where, problems) for k, v in table.items() if k in _PARAM_FIELDS}
        weights = table.get("weights")
        if weights is not None:
            if not isinstance(weights, dict) or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in weights.values()
            ):
                problems.append(msg("scenarios.bad_weights", where=where))
            else:
                values["weights"] = tuple(sorted((str(k), float(v)) for k, v in weights.items()))
        description = table.get("description", "")
        growth = table.get("growth_scenario", "central")
        if not isinstance(description, str) or not isinstance(growth, str):
            problems.append(msg("scenarios.not_text", where=where))
            continue
        try:
            params = AnalysisParams(**values)
        except (ParameterError, TypeError) as err:  # the parameters' own checks
            problems.append(msg("scenarios.bad_parameter", where=where, problem=str(err)))
            continue
        out.append(
            Scenario(name=name, params=params, description=description, growth_scenario=growth)
        )
    raise_problems(source, problems)
    return tuple(out)


def scenarios_text(scenarios: Sequence[Scenario], *, header: str = "") -> str:
    """The TOML text of ``scenarios`` (only the parameters that differ from the defaults).

    :func:`parse_scenarios` reads it back to the same scenarios.
    """
    default = AnalysisParams()
    sections: dict[str, dict[str, Any]] = {}
    for sc in scenarios:
        values: dict[str, Any] = {}
        if sc.description:
            values["description"] = sc.description
        if sc.growth_scenario != "central":
            values["growth_scenario"] = sc.growth_scenario
        for key in _PARAM_FIELDS:
            value = getattr(sc.params, key)
            if value != getattr(default, key):
                values[key] = 0 if key == "max_villages_per_product" and value is None else value
        sections[f"scenarios.{sc.name}"] = values
        if sc.params.weights is not None:
            sections[f"scenarios.{sc.name}.weights"] = dict(sc.params.weights)
    return toml_document(sections, header=header)


# ----------------------------------------------------------------------------- running
def _describe(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, tuple):
        return ", ".join(f"{k} {v:g}" for k, v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _parameters(scenarios: Sequence[Scenario], results: dict[str, AnalysisResult]) -> pd.DataFrame:
    base = scenarios[0]
    rows = []
    for sc in scenarios[1:]:
        for key in [*_PARAM_FIELDS, "weights", "growth_scenario"]:
            if key == "weights":  # the weights actually used (defaults resolved)
                a, b = results[base.name].weights, results[sc.name].weights
                a = tuple(sorted((k, round(v / sum(a.values()), 4)) for k, v in a.items()))
                b = tuple(sorted((k, round(v / sum(b.values()), 4)) for k, v in b.items()))
            elif key == "growth_scenario":
                a, b = base.growth_scenario, sc.growth_scenario
            else:
                a, b = getattr(base.params, key), getattr(sc.params, key)
            if a != b:
                rows.append(
                    {
                        "scenario": sc.name,
                        "parameter": key,
                        "base": _describe(a),
                        "value": _describe(b),
                    }
                )
    return pd.DataFrame(rows, columns=["scenario", "parameter", "base", "value"])


def _products(result: AnalysisResult) -> pd.DataFrame:
    """Each village's OVOP product, its score and its own best.

    From the recommendation, or from the distinct-products assignment when the scenario asks
    for it.
    """
    if result.allocation is not None:
        return result.allocation[["product", "score", "best_product"]]
    rec = result.recommendation
    if rec is None or rec.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype=object) for c in ("product", "score", "best_product")}
        )
    return pd.DataFrame(
        {"product": rec["product"], "score": rec["score"], "best_product": rec["product"]},
        index=rec.index,
    )


def _why(
    scenario: str,
    code: str,
    base_product: Any,
    product: Any,
    result: AnalysisResult,
    base_result: AnalysisResult,
    changed_params: list[str],
) -> Message:
    scores = result.scores["score"]
    base_scores = base_result.scores["score"]

    def score(frame: pd.Series, p: Any) -> float:
        key = (code, p)
        return float(frame[key]) if isinstance(p, str) and key in frame.index else float("nan")

    best = _products(result)["best_product"].get(code)
    return msg(
        "scenario.changed",
        scenario=scenario,
        old=str(base_product),
        new=str(product),
        best=str(best),
        new_score=score(scores, product),
        old_score=score(scores, base_product),
        new_score_base=score(base_scores, product),
        old_score_base=score(base_scores, base_product),
        params=changed_params or ["–"],
    )


def _alerts(scenarios: Sequence[Scenario], results: dict[str, AnalysisResult]) -> pd.DataFrame:
    rows = []
    for sc in scenarios:
        result = results[sc.name]
        land = result.region_land
        if land is None or result.growth is None:
            continue
        rates = {g.name: g.growth_rate_pct_yr for g in result.growth.scenarios}
        column = f"year_land_short_{sc.growth_scenario}"
        if column not in land.columns:
            continue
        crops = result.region.tables.get("crops")
        names = (
            {}
            if crops is None or "name_id" not in crops.columns
            else dict(zip(crops["crop_id"].astype(str), crops["name_id"].astype(str), strict=True))
        )
        for crop, year in land[column].items():
            if pd.isna(year):
                continue
            rows.append(
                {
                    "scenario": sc.name,
                    "crop_id": str(crop),
                    "growth_scenario": sc.growth_scenario,
                    "growth_rate_pct_yr": rates.get(sc.growth_scenario, np.nan),
                    "year_land_short": int(year),
                    "message": msg(
                        "scenario.land_short",
                        crop=names.get(str(crop), str(crop)),
                        year=str(int(year)),
                        scenario=sc.name,
                        growth=sc.growth_scenario,
                        rate=float(rates.get(sc.growth_scenario, np.nan)),
                    ),
                }
            )
    columns = [
        "scenario",
        "crop_id",
        "growth_scenario",
        "growth_rate_pct_yr",
        "year_land_short",
        "message",
    ]
    out = pd.DataFrame(rows, columns=columns)
    out["message"] = pd.Series([r["message"] for r in rows], dtype=object)
    order = {sc.name: i for i, sc in enumerate(scenarios)}
    out["_order"] = out["scenario"].map(order)
    out = out.sort_values(["_order", "year_land_short", "crop_id"], ignore_index=True)
    return out.drop(columns="_order")


def compare_scenarios(
    prepared: PreparedRegion, scenarios: Sequence[Scenario]
) -> ScenarioComparison:
    """Run every scenario on ``prepared`` and compare them with the first.

    Raises
    ------
    ParameterError
        Duplicate names, or a ``growth_scenario`` that is not a row of the region's growth
        table (all such problems at once).
    """
    scenarios = tuple(scenarios)
    if not scenarios:
        raise ParameterError("give at least one scenario")
    names = [s.name for s in scenarios]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ParameterError(msg("scenarios.duplicates", names=dupes))
    results = {sc.name: analyse(prepared, sc.params) for sc in scenarios}
    problems = []
    for sc in scenarios:
        growth = results[sc.name].growth
        known = [g.name for g in growth.scenarios] if growth is not None else []
        if known and sc.growth_scenario not in known:
            problems.append(
                msg(
                    "scenarios.growth_unknown",
                    where=f"[scenarios.{sc.name}]",
                    name=sc.growth_scenario,
                    known=known,
                )
            )
    if problems:
        raise ParameterError(
            problems[0]
            if len(problems) == 1
            else msg("problems.many", prefix="", n=len(problems), problems=problems)
        )

    villages = prepared.villages
    table = pd.DataFrame({"village_name": villages["village_name"]}, index=villages.index)
    for sc in scenarios:
        chosen = _products(results[sc.name])
        for column in ("product", "score", "best_product"):
            table[f"{column}_{sc.name}"] = chosen[column].reindex(villages.index)
    parameters = _parameters(scenarios, results)
    base = scenarios[0]
    changed = pd.Series(False, index=villages.index)
    why: list[list[Message]] = [[] for _ in range(len(villages))]
    position = {code: i for i, code in enumerate(villages.index)}
    for sc in scenarios[1:]:
        a, b = table[f"product_{base.name}"], table[f"product_{sc.name}"]
        differs = (a.notna() | b.notna()) & (a.astype(object) != b.astype(object))
        changed |= differs
        params = parameters.loc[parameters["scenario"] == sc.name, "parameter"].tolist()
        for code in villages.index[differs.to_numpy()]:
            why[position[code]].append(
                _why(sc.name, code, a[code], b[code], results[sc.name], results[base.name], params)
            )
    table["changed"] = changed.to_numpy()
    # A tuple of Messages per village (one per changed scenario), kept in an object column so
    # each keeps its id and both languages; :meth:`ScenarioComparison.table` joins them.
    table["why"] = pd.Series([tuple(w) for w in why], index=villages.index, dtype=object)
    return ScenarioComparison(
        scenarios=scenarios,
        results=results,
        villages=table,
        parameters=parameters,
        alerts=_alerts(scenarios, results),
    )


def scenario_outputs(comparison: ScenarioComparison, *, lang: str = "id") -> dict[str, bytes]:
    """The comparison as files for :func:`ovop_geo.export.write_outputs`.

    ``scenarios.csv`` (per village), ``scenario_parameters.csv``, ``scenario_alerts.csv`` and
    ``scenarios.toml`` (the scenarios themselves, to rerun with
    ``ovop-geo run --scenarios scenarios.toml``).
    """
    if not comparison.scenarios:
        raise OvopError("no scenarios to export")
    alerts = comparison.alerts.copy()
    alerts["message"] = [translate(m, lang) for m in alerts["message"]]
    return {
        "scenarios.csv": to_csv_bytes(comparison.table(lang)),
        "scenario_parameters.csv": to_csv_bytes(comparison.parameters, index=False),
        "scenario_alerts.csv": to_csv_bytes(alerts, index=False),
        "scenarios.toml": scenarios_text(
            comparison.scenarios,
            header="Scenarios of this run; rerun with: ovop-geo run --scenarios scenarios.toml",
        ).encode("utf-8"),
    }
