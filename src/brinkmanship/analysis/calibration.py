"""Compare a scenario's simulated risks with the published judgements it is calibrated against."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from brinkmanship.engine.ensemble import Tally, simulate
from brinkmanship.engine.results import Estimate, outcome_estimates
from brinkmanship.scenario import ScenarioFile, compile_scenario


@dataclass(frozen=True)
class Judgement:
    """A published probability (a point where ``low == high``) for one outcome, quoted as its author gave it.

    ``tolerance`` is the project's acceptance band around it, where one is set, stated as such.
    """

    outcome: str
    low: float
    high: float
    who: str
    when: str
    question: str
    horizon: str
    mapping: str
    source: str
    tolerance: tuple[float, float] | None = None


def derived_estimates(tally: Tally) -> dict[str, Estimate]:
    """The outcome estimates plus the quantities judgements are read against that a run does not report
    directly: ``contained_clash`` (a clash that did not become war) and ``clash_escalation`` (of the run's
    armed clashes, incidents and chosen clashes each counted on its day, the share that became war that
    day: the quantity a record of incidents counts; its interval treats clashes as independent, though a
    path's clashes are not)."""
    estimates = outcome_estimates(tally)
    estimates["contained_clash"] = Estimate(tally.clash - tally.war, tally.runs)
    estimates["clash_escalation"] = Estimate(
        int(tally.war_triggers[0] + tally.war_triggers[1]), int(tally.clash_events.sum())
    )
    return estimates


def judgements(scenario: str) -> list[Judgement]:
    """The judgements shipped for a built-in scenario (none for a user's own)."""
    text = (resources.files("brinkmanship.analysis") / "judgements.yaml").read_text(encoding="utf-8")
    table = yaml.safe_load(text)
    rows = []
    for row in table.get(scenario, []):
        tolerance = row.pop("tolerance", None)
        # YAML reads a bare 2017-09-26 as a date and 2008 as a number: a "when" is quoted as text.
        row["when"] = str(row["when"])
        rows.append(Judgement(**row, tolerance=None if tolerance is None else (tolerance[0], tolerance[1])))
    return rows


def calibration_report(scenario: ScenarioFile, runs: int, seed: int) -> list[dict[str, Any]]:
    """Simulate and set each estimate beside each judgement: inside the band or not."""
    model = compile_scenario(scenario)
    tally = simulate(model, runs, scenario.horizon_days, seed, workers=0)
    estimates = derived_estimates(tally)
    rows = []
    for judgement in judgements(scenario.name):
        estimate = estimates[judgement.outcome]
        low, high = judgement.tolerance or (judgement.low, judgement.high)
        measured = estimate.trials > 0  # a share of clashes is undefined in a run without one
        rows.append(
            {
                "outcome": judgement.outcome,
                "p": estimate.p if measured else None,
                "ci95": list(estimate.ci95) if measured else None,
                "of": estimate.trials,
                "published": [judgement.low, judgement.high],
                "band": [low, high],
                "band_is_tolerance": judgement.tolerance is not None,
                "inside": measured and low <= estimate.p <= high,
                "who": judgement.who,
                "when": judgement.when,
                "question": judgement.question,
                "horizon": judgement.horizon,
                "mapping": judgement.mapping,
                "source": judgement.source,
            }
        )
    return rows
