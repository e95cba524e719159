"""The crisis state of a set of paths: everything the kernel carries from one day to the next.

A state can be copied, sliced and replicated, so that forecasts can branch from a replayed day and the
crisis room can ask "what if" from the position on the board.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from brinkmanship.engine import randomness as rnd
from brinkmanship.scenario.compiled import CompiledScenario

ACTIVE, SETTLED, AT_WAR = 0, 1, 2
PATH_LABELS = ("deliberate", "miscalculation", "accident", "false_alarm")
DELIBERATE, MISCALCULATION, ACCIDENT, FALSE_ALARM = range(4)
NEVER = -1


@dataclass
class CrisisState:
    """Arrays of shape ``(n,)``, ``(n, 2)`` or ``(delay, n, 2)``; ``day`` is the next day to simulate."""

    day: int
    # private types, drawn once per path
    resolve: np.ndarray
    greedy: np.ndarray
    sensitivity: np.ndarray
    deaths_quantile: np.ndarray  # (n,) uniform used to draw the cost in lives of the outcome
    # evolving state per principal
    level: np.ndarray
    audience: np.ndarray
    belief: np.ndarray
    perceived: np.ndarray
    pressure: np.ndarray
    recent_concessions: np.ndarray
    last_talks_day: np.ndarray
    last_freeze_day: np.ndarray
    inbox_value: np.ndarray
    inbox_weight: np.ndarray
    # shared state per path
    talks_open: np.ndarray
    freeze_on: np.ndarray
    status: np.ndarray
    clash_day: np.ndarray
    war_day: np.ndarray
    nuclear_day: np.ndarray
    settle_day: np.ndarray
    war_path: np.ndarray
    war_initiator: np.ndarray

    @property
    def n_paths(self) -> int:
        return int(self.status.shape[0])

    def copy(self) -> CrisisState:
        """A deep copy (branching a forecast must not disturb the original)."""
        values: dict[str, Any] = {f.name: _copy(getattr(self, f.name)) for f in dataclasses.fields(self)}
        return CrisisState(**values)

    def take(self, index: np.ndarray) -> CrisisState:
        """The paths at ``index`` (an integer or boolean array), e.g. to replicate one path many times."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "day":
                values[f.name] = value
            elif f.name in ("inbox_value", "inbox_weight"):
                values[f.name] = value[:, index].copy()
            else:
                values[f.name] = value[index].copy()
        return CrisisState(**values)

    def put(self, index: np.ndarray, part: CrisisState) -> None:
        """Write the paths of ``part`` back at ``index`` (the inverse of :meth:`take`)."""
        for f in dataclasses.fields(self):
            if f.name == "day":
                continue
            value = getattr(self, f.name)
            if f.name in ("inbox_value", "inbox_weight"):
                value[:, index] = getattr(part, f.name)
            else:
                value[index] = getattr(part, f.name)
        self.day = part.day


def _copy(value: object) -> object:
    return value.copy() if isinstance(value, np.ndarray) else value


def initial_state(model: CompiledScenario, type_uniforms: np.ndarray) -> CrisisState:
    """Day-0 state from the scenario, with private types drawn by inverse CDF from ``(n, 2, k)`` uniforms.

    Types (Powell 1987; Kydd 2005; Fearon 1994): resolve ~ Beta(alpha, beta); greedy ~ Bernoulli(p_greedy);
    audience-cost sensitivity ~ Uniform(low, high).
    """
    n = type_uniforms.shape[0]
    u = type_uniforms
    resolve = stats.beta.ppf(u[..., rnd.T_RESOLVE], model.resolve_alpha, model.resolve_beta)
    greedy = (u[..., rnd.T_GREEDY] < model.p_greedy).astype(float)
    sensitivity = model.sensitivity_low + u[..., rnd.T_SENSITIVITY] * (
        model.sensitivity_high - model.sensitivity_low
    )
    ones = np.ones((n, 2))
    never = np.full(n, NEVER, dtype=np.int32)
    delay = model.max_delay_days
    return CrisisState(
        day=0,
        resolve=resolve,
        greedy=greedy,
        sensitivity=sensitivity,
        deaths_quantile=u[:, 0, rnd.T_DEATHS].copy(),
        level=ones * model.initial_level,
        audience=ones * model.initial_audience_cost,
        belief=ones * model.initial_belief_greedy,
        perceived=ones * model.initial_perceived,
        pressure=ones * model.initial_pressure,
        recent_concessions=np.zeros((n, 2)),
        last_talks_day=np.full((n, 2), -10_000, dtype=np.int32),
        last_freeze_day=np.full((n, 2), -10_000, dtype=np.int32),
        inbox_value=np.zeros((delay, n, 2)),
        inbox_weight=np.zeros((delay, n, 2)),
        talks_open=np.full(n, model.talks_open),
        freeze_on=np.full(n, model.freeze_active),
        status=np.full(n, ACTIVE, dtype=np.int8),
        clash_day=never.copy(),
        war_day=never.copy(),
        nuclear_day=never.copy(),
        settle_day=never.copy(),
        war_path=np.full(n, NEVER, dtype=np.int8),
        war_initiator=np.full(n, NEVER, dtype=np.int8),
    )
