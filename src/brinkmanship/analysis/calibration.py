"""Compare a scenario's simulated risks with the published judgements it is calibrated against."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from brinkmanship.engine.ensemble import simulate
from brinkmanship.engine.results import outcome_estimates
from brinkmanship.scenario import ScenarioFile, compile_scenario


@dataclass(frozen=True)
class Judgement:
    """A published probability band for one outcome within a scenario's horizon."""

    outcome: str
    low: float
    high: float
    source: str
    central: float | None = None


def judgements(scenario: str) -> list[Judgement]:
    """The judgements shipped for a built-in scenario (none for a user's own)."""
    text = (resources.files("brinkmanship.analysis") / "judgements.yaml").read_text(encoding="utf-8")
    table = yaml.safe_load(text)
    return [Judgement(**row) for row in table.get(scenario, [])]


def calibration_report(scenario: ScenarioFile, runs: int, seed: int) -> list[dict[str, Any]]:
    """Simulate and set each estimate beside each judgement: inside the band or not."""
    model = compile_scenario(scenario)
    tally = simulate(model, runs, scenario.horizon_days, seed, workers=0)
    estimates = outcome_estimates(tally)
    rows = []
    for judgement in judgements(scenario.name):
        estimate = estimates[judgement.outcome]
        rows.append(
            {
                "outcome": judgement.outcome,
                "p": estimate.p,
                "ci95": list(estimate.ci95),
                "band": [judgement.low, judgement.high],
                "inside": judgement.low <= estimate.p <= judgement.high,
                "source": judgement.source,
            }
        )
    return rows
