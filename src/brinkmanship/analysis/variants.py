"""One variant of a scenario: a row of parameter values under a policy, run as one ensemble.

The global sensitivity analyses and the sweeps evaluate many variants; this module is the one place that
turns ``(scenario, values, policy, runs, days, seed)`` into per-path outcomes and the numbers a row of
results holds. Every variant on one seed shares its random numbers path by path (common random numbers,
:mod:`brinkmanship.engine.randomness`), so the differences between rows are the parameters' doing and not
Monte Carlo noise in the draws.

``prelude`` says where a variant's burn-in runs:

- ``shared``: in the scenario as declared, before the row's values and the policy. Every row starts from
  the same burned-in paths and the values act from the start date: "what this assumption does to the
  crisis from now on". A prior over the principals' private types (drawn before the prelude) then cannot
  move the answer.
- ``own``: in the scenario with the row's values set (the policy still acts from the start date only).
  The row is then the same run ``brink compare`` makes on an edited scenario file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from brinkmanship.analysis.compare import PathOutcomes, simulate_paths
from brinkmanship.analysis.intervals import wilson_interval
from brinkmanship.analysis.lives import LivesModel
from brinkmanship.analysis.parameters import with_parameters
from brinkmanship.engine.state import PATH_LABELS
from brinkmanship.errors import UserError
from brinkmanship.policies import Policy, apply_policy
from brinkmanship.scenario import ScenarioFile

PROBABILITY_OUTCOMES = ("war", "nuclear_use", "clash", "agreement")
OUTCOMES = (*PROBABILITY_OUTCOMES, "deaths")
"""What a variant reports: the probability of each event within the horizon, and expected deaths."""
Prelude = Literal["shared", "own"]


def check_outcome(outcome: str, where: str = "--outcome") -> str:
    """``outcome`` if the engine reports it; a one-line UserError listing the known ones otherwise."""
    if outcome not in OUTCOMES:
        raise UserError(f"{where}: unknown outcome {outcome!r} (known: {', '.join(OUTCOMES)})")
    return outcome


@dataclass(frozen=True)
class VariantRun:
    """The per-path outcomes of one variant; ``deaths`` per path only when a lives model was given."""

    values: dict[str, float]
    policy: str
    runs: int
    days: int
    seed: int
    outcomes: PathOutcomes

    def mean(self, outcome: str) -> float:
        """P(outcome within the horizon), or expected deaths for ``deaths`` (people)."""
        if outcome == "deaths":
            if self.outcomes.deaths is None:
                raise UserError("deaths are not reported for this scenario (no lives model)")
            return float(self.outcomes.deaths.mean())
        return float(self.outcomes.happened(check_outcome(outcome)).mean())

    def summary(self) -> dict[str, Any]:
        """Flat numbers for one row of a results table (Parquet-friendly: no nesting).

        ``p_<outcome>`` with its Wilson 95% interval ``p_<outcome>_low`` / ``_high``; ``p_war_<path>``
        for each path to war; ``expected_deaths`` (people) when known, else NaN.
        """
        row: dict[str, Any] = {}
        for outcome in PROBABILITY_OUTCOMES:
            hits = int(self.outcomes.happened(outcome).sum())
            low, high = wilson_interval(hits, self.runs)
            row[f"p_{outcome}"] = hits / max(self.runs, 1)
            row[f"p_{outcome}_low"] = low
            row[f"p_{outcome}_high"] = high
        for label in PATH_LABELS:
            row[f"p_war_{label}"] = float(self.outcomes.war_by(label).mean()) if self.runs else 0.0
        deaths = self.outcomes.deaths
        row["expected_deaths"] = float(deaths.mean()) if deaths is not None and deaths.size else float(np.nan)
        return row


def run_variant(
    scenario: ScenarioFile,
    values: Mapping[str, float],
    policy: Policy,
    runs: int,
    days: int,
    seed: int,
    *,
    prelude: Prelude = "shared",
    lives: LivesModel | None = None,
    workers: int = 1,
    where: str = "variant",
) -> VariantRun:
    """Run ``scenario`` with ``values`` set (dotted path -> number) under ``policy``.

    Args:
        scenario: the crisis as declared (the burn-in world for ``prelude="shared"``).
        values: parameters to set; empty for the scenario itself.
        policy: levers applied after the values (a lever that sets the same parameter wins).
        runs, days, seed: paths, horizon in days and the seed (shared by every variant compared).
        prelude: where the burn-in runs (module docstring).
        lives: the scenario's lives model, to draw each path's deaths.
        workers: processes for the ensemble (results do not depend on it).
        where: names the variant in error messages.

    Raises:
        UserError: a value the file format refuses, or a policy that cannot apply to the variant.
    """
    varied = with_parameters(scenario, values, where) if values else scenario
    applied = apply_policy(varied, policy)
    burn_in_world = scenario if prelude == "shared" else varied
    _, outcomes = simulate_paths(applied, runs, days, seed, workers, lives=lives, prelude_world=burn_in_world)
    return VariantRun(dict(values), policy.name, runs, days, seed, outcomes)
