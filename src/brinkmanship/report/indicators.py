"""Indicators to watch: which observable event, if it happened today, moves the risk of war most.

For each public action in a principal's repertoire (a missile test, a bomber flight, a threat, a
proposal of talks), the ensemble is run with that action imposed on day 0 and compared, path by path on
the same random numbers, with the ensemble where the day is left free. The paired difference in
P(war within the window) is the event's weight as a warning sign (or a hopeful sign). Private actions
are left out: an analyst cannot observe them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from brinkmanship.analysis.compare import PairedDifference, PathOutcomes, paired_difference
from brinkmanship.engine.ensemble import PathTable, simulate
from brinkmanship.model.ladder import ACTION_INDEX, ACTIONS
from brinkmanship.policies import Policy, apply_policy
from brinkmanship.scenario import ScenarioFile, compile_scenario
from brinkmanship.scenario.schema import Principal

DEFAULT_WINDOW_DAYS = 90
"""Look-ahead of an indicator: a quarter, the time a principal's staff plans for."""
NOT_INDICATORS = frozenset({"hold", "conventional_war"})
"""Not warning signs: holding is no event, and a deliberate war is the outcome itself."""


@dataclass(frozen=True)
class Indicator:
    """How an observable event on day 0 moves P(war within the window)."""

    actor: str
    action: str
    description: str
    p_with: float
    change: PairedDifference

    def as_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "action": self.action,
            "description": self.description,
            "p_war_with_event": self.p_with,
            "change": self.change.as_dict(),
        }


@dataclass(frozen=True)
class Indicators:
    """Indicators sorted by the size of their effect, largest first."""

    window_days: int
    runs: int
    seed: int
    p_free: float
    rows: list[Indicator]

    def as_dict(self) -> dict[str, Any]:
        return {
            "window_days": self.window_days,
            "runs": self.runs,
            "seed": self.seed,
            "p_war_free": self.p_free,
            "indicators": [row.as_dict() for row in self.rows],
        }


def _war_within(model: Any, runs: int, days: int, seed: int, forced: Any, workers: int) -> np.ndarray:
    tables: list[PathTable] = []
    simulate(model, runs, days, seed, workers=workers, forced=forced, keep_paths=True, on_paths=tables.append)
    return PathOutcomes.from_tables(tables, days).happened("war")


def observable_events(scenario: ScenarioFile) -> list[tuple[int, str, str]]:
    """(principal index, principal key, action) for every public action a principal may take."""
    events = []
    for index, name in enumerate(scenario.principals):
        actor = scenario.actors[name]
        assert isinstance(actor, Principal)  # guaranteed by the schema
        for action in actor.repertoire:
            if ACTIONS[ACTION_INDEX[action]].channel == "public" and action not in NOT_INDICATORS:
                events.append((index, name, action))
    return events


def find_indicators(
    scenario: ScenarioFile,
    runs: int,
    seed: int,
    policy: Policy | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    workers: int = 1,
    progress: Callable[[str], None] | None = None,
) -> Indicators:
    """Run one ensemble per observable event (imposed on day 0) and one with day 0 left free.

    Costs ``1 + e`` ensembles of ``runs`` paths over ``window_days`` days for ``e`` events.
    """
    applied = apply_policy(scenario, policy or Policy("baseline"))
    model = compile_scenario(applied, prelude_world=scenario)
    days = min(window_days, applied.horizon_days)
    free = _war_within(model, runs, days, seed, None, workers)
    rows = []
    for index, name, action in observable_events(applied):
        if progress is not None:
            progress(f"{name} {action}")
        imposed = np.full(2, -1, dtype=np.int64)
        imposed[index] = ACTION_INDEX[action]
        with_event = _war_within(model, runs, days, seed, {0: imposed}, workers)
        rows.append(
            Indicator(
                actor=name,
                action=action,
                description=ACTIONS[ACTION_INDEX[action]].description,
                p_with=float(with_event.mean()),
                change=paired_difference(with_event, free),
            )
        )
    rows.sort(key=lambda row: abs(row.change.diff), reverse=True)
    return Indicators(days, runs, seed, float(free.mean()), rows)
