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
from brinkmanship.model import beliefs
from brinkmanship.scenario.compiled import CompiledScenario

ACTIVE, AT_WAR, WAR_OVER = 0, 1, 2
"""A path is in crisis (ACTIVE, with or without an agreement in force), at war (its war still running: it
may yet see nuclear use), or past its war (ended by a ceasefire or by nuclear use)."""
PATH_LABELS = ("deliberate", "miscalculation", "accident", "false_alarm")
DELIBERATE, MISCALCULATION, ACCIDENT, FALSE_ALARM = range(4)
NEVER = -1
NO_TEST = -10_000
"""``last_test_day`` of a principal that has not tested: far enough back that no response window holds."""
INBOX_FIELDS = ("inbox_value", "inbox_weight", "inbox_true")
"""Ring buffers of delayed private messages, shape ``(delay, n, 2)``: paths on the second axis."""


@dataclass
class CrisisState:
    """Arrays of shape ``(n,)``, ``(n, 2)``, ``(n, 2, 4)`` or ``(delay, n, 2)``; ``day`` is the next day to
    simulate (negative during the prelude). Index ``i`` of a per-principal array is principal i's own
    view: ``perceived[:, 0]`` is the hostility principal 0 perceives from principal 1."""

    day: int
    # private types, drawn once per path
    resolve: np.ndarray
    greedy: np.ndarray
    sensitivity: np.ndarray
    deaths_quantile: np.ndarray  # (n,) uniform used to draw the cost in lives of the outcome
    # evolving state per principal
    level: np.ndarray  # Kahn rung of its posture
    audience: np.ndarray  # audience-cost stock (Fearon 1994)
    pressure: np.ndarray  # economic pressure borne
    recent_concessions: np.ndarray
    last_talks_day: np.ndarray
    last_freeze_day: np.ndarray
    last_test_day: np.ndarray  # (n, 2, 2): day of the last missile and nuclear test (third parties respond)
    perceived: np.ndarray  # hostility of the other as read (the tension stock)
    true_hostility: np.ndarray  # the same stock from the truth of the other's moves
    reach: np.ndarray  # its demonstrated capability, as the other sees it
    warhead: np.ndarray
    posterior: np.ndarray  # (n, 2, 4) belief over the other's types (beliefs.GREEDY, beliefs.RESOLUTE)
    inbox_value: np.ndarray
    inbox_weight: np.ndarray
    inbox_true: np.ndarray
    # shared state per path
    talks_open: np.ndarray
    freeze_on: np.ndarray
    agreement_on: np.ndarray  # (n,) an agreement is in force (docs/model.md, section 7)
    status: np.ndarray
    war_balance: np.ndarray  # (n,) > 0: principal 0 winning
    history_loglik: np.ndarray  # (n,) log-probability of the prelude's history (no attack, no incident)
    clash_day: np.ndarray
    war_day: np.ndarray
    nuclear_day: np.ndarray
    agreement_day: np.ndarray  # day the first agreement was reached
    agreement_depth: np.ndarray  # (n,) its terms: depth on the issue dimension (NaN: none reached)
    breakdown_day: np.ndarray  # day the first agreement broke down
    war_path: np.ndarray
    war_initiator: np.ndarray

    @property
    def n_paths(self) -> int:
        return int(self.status.shape[0])

    def copy(self) -> CrisisState:
        """A deep copy (branching a forecast must not disturb the original)."""
        values: dict[str, Any] = {f.name: _copy(getattr(self, f.name)) for f in dataclasses.fields(self)}
        return CrisisState(**values)

    def counting_from_now(self) -> CrisisState:
        """These paths with their first clash, agreement and breakdown forgotten, in place (returns self).

        A forecast branched from a replayed date counts the first of each *within its horizon*: a clash or
        an agreement already on the record (the quarantine; the Jupiter trade, Singapore) would otherwise
        hold the path's first-event day before the branch, and no new clash or agreement could ever be
        counted (P(clash) 0% beside P(war) 25% as of 27 Oct 1962). Nothing in the model reads these days;
        an agreement still in force stays in force (``agreement_on``). War and nuclear use are kept: a path
        at war is not at risk of a new war, and its nuclear use within the horizon counts.
        """
        self.clash_day[:] = NEVER
        self.agreement_day[:] = NEVER
        self.agreement_depth[:] = np.nan
        self.breakdown_day[:] = NEVER
        return self

    def agreements_in_force(self, runs: int) -> int:
        """How many of the first ``runs`` paths are in crisis with an agreement in force (a forecast from a
        replayed date branches from those paths: it begins with the agreement)."""
        return int((self.agreement_on[:runs] & (self.status[:runs] == ACTIVE)).sum())

    def take(self, index: np.ndarray) -> CrisisState:
        """The paths at ``index`` (an integer or boolean array), e.g. to replicate one path many times."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "day":
                values[f.name] = value
            elif f.name in INBOX_FIELDS:
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
            if f.name in INBOX_FIELDS:
                value[:, index] = getattr(part, f.name)
            else:
                value[index] = getattr(part, f.name)
        self.day = part.day


def concatenate_states(parts: list[CrisisState]) -> CrisisState:
    """The paths of several states on the same day, one after another (ring buffers padded alike)."""
    slots = max(p.inbox_value.shape[0] for p in parts)
    values: dict[str, Any] = {"day": parts[0].day}
    for f in dataclasses.fields(CrisisState):
        if f.name == "day":
            continue
        arrays = [getattr(p, f.name) for p in parts]
        if f.name in INBOX_FIELDS:
            arrays = [np.pad(a, ((0, slots - a.shape[0]), (0, 0), (0, 0))) for a in arrays]
            values[f.name] = np.concatenate(arrays, axis=1)
        else:
            values[f.name] = np.concatenate(arrays)
    return CrisisState(**values)


def _copy(value: object) -> object:
    return value.copy() if isinstance(value, np.ndarray) else value


def initial_state(
    model: CompiledScenario, type_uniforms: np.ndarray, also_for: CompiledScenario | None = None
) -> CrisisState:
    """The relationship's calm state, with private types drawn by inverse CDF from ``(n, 2, k)`` uniforms.

    Types (Powell 1987; Kydd 2005; Fearon 1994): resolve ~ Beta(alpha, beta); greedy ~ Bernoulli(p_greedy);
    audience-cost sensitivity ~ Uniform(low, high). Calm: every posture at rung 1, no audience costs,
    perceived hostility at the calm level, beliefs at the priors, capability as declared. A scenario with
    a prelude starts here ``prelude_days`` before its start date (day ``-prelude_days``); one without
    starts here on day 0 with its declared pressure. ``also_for``: another world the state will be stepped
    in (a levered scenario after its prelude), whose private channels may need a longer ring buffer.
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
    worlds = [m for m in (model, model.prelude_model, also_for) if m is not None]
    delay = max(m.max_delay_days for m in worlds)
    pressure = ones * (0.0 if model.prelude_days else model.initial_pressure)
    return CrisisState(
        day=-model.prelude_days,
        resolve=resolve,
        greedy=greedy,
        sensitivity=sensitivity,
        deaths_quantile=u[:, 0, rnd.T_DEATHS].copy(),
        level=ones.copy(),
        audience=np.zeros((n, 2)),
        pressure=pressure,
        recent_concessions=np.zeros((n, 2)),
        last_talks_day=np.full((n, 2), -10_000, dtype=np.int32),
        last_freeze_day=np.full((n, 2), -10_000, dtype=np.int32),
        last_test_day=np.full((n, 2, 2), NO_TEST, dtype=np.int32),
        perceived=ones * model.tension_calm,
        true_hostility=ones * model.tension_calm,
        reach=ones * model.capability_reach,
        warhead=ones * model.capability_warhead,
        posterior=beliefs.prior(model.p_greedy, n),
        inbox_value=np.zeros((delay, n, 2)),
        inbox_weight=np.zeros((delay, n, 2)),
        inbox_true=np.zeros((delay, n, 2)),
        talks_open=np.full(n, model.talks_open),
        freeze_on=np.full(n, model.freeze_active),
        agreement_on=np.zeros(n, dtype=bool),
        status=np.full(n, ACTIVE, dtype=np.int8),
        war_balance=np.zeros(n),
        history_loglik=np.zeros(n),
        clash_day=never.copy(),
        war_day=never.copy(),
        nuclear_day=never.copy(),
        agreement_day=never.copy(),
        agreement_depth=np.full(n, np.nan),
        breakdown_day=never.copy(),
        war_path=np.full(n, NEVER, dtype=np.int8),
        war_initiator=np.full(n, NEVER, dtype=np.int8),
    )
