"""History replay: the crisis day by day through its record, and the forecast as of each date.

A particle filter (sequential importance resampling: Gordon, Salmond & Smith 1993; Kitagawa 1996;
Doucet & Johansen 2011). ``runs`` paths start in the relationship's calm state on the first date and are
stepped day by day through the record (:mod:`brinkmanship.history.events`):

- **imposed**: each principal's recorded move on its date; each recorded third-party act happens that
  day; talks, agreements and breakdowns, direct channels and mediators, capability reveals are set as the
  record says;
- **random**: everything the record does not say - other days' choices, third parties' other acts,
  misreadings, beliefs, types;
- **conditioned**: on the days the record covers (from its first event to its last), it says what did not
  happen: no war, no armed clash, no incident, no test, military move or attack beyond those recorded.
  Each path's weight is multiplied, day by day, by the probability under the model that it did what the
  record says: that each principal chose its recorded move (or, on a day with none, none of the recorded
  kinds: the logit renormalised over the rest), that it chose no attack, that no incident happened, and
  that a false alarm the record says was caught was not acted on. No path is dropped or restarted: paths
  are drawn again in proportion to their weights (systematic resampling) whenever the effective sample
  size falls below half the paths, and the effective sample size is reported;
- **forecast**: on each reporting date a branch of the weighted ensemble (``forecast_runs`` paths drawn
  by systematic resampling) runs on in the scenario's world with chance on, and P(war within 30, 90,
  365 days, as of that date, given the history so far) is read off it.

Outside the record's days (before its first event, after its last) nothing is conditioned and chance is
on. With no events nothing is conditioned: the replay is a free run from the calm state, and its forecasts
are those of the free run's paths on the same random numbers (a test checks this to the path). Events
dated before ``first`` are not imposed (the replay starts from the calm state on ``first``); the result
counts them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from brinkmanship.analysis.intervals import wilson_interval
from brinkmanship.analysis.sensitivity import with_parameter
from brinkmanship.engine import randomness as rnd
from brinkmanship.engine.ensemble import Tally, advance
from brinkmanship.engine.numerics import checked_arithmetic
from brinkmanship.engine.state import ACTIVE, NEVER, CrisisState, initial_state
from brinkmanship.errors import UserError
from brinkmanship.history.events import EventFile
from brinkmanship.model import bargaining, beliefs, hazards, perception
from brinkmanship.scenario.compiled import CompiledScenario, compile_scenario
from brinkmanship.scenario.schema import ScenarioFile, ThirdParty

FORECAST_OUTCOMES = ("war", "clash", "contained_clash", "nuclear_use")
"""What each forecast branch reports, per horizon: a war begins; an armed clash happens (one that became war
included); a clash happens and no war follows within the horizon; nuclear weapons are used."""
HORIZONS = (30, 90, 365)
"""Forecast horizons in days: P(war within h days as of the date)."""
RESAMPLE_BELOW = 0.5
"""Resample when the effective sample size falls below this share of the paths (Doucet & Johansen 2011)."""
REPLAY_RESAMPLE_COLUMN = 1
"""Column of the replay's resampling uniform, one per day, in the stream's resampling slot (column 0 is the
prelude's, keyed by block)."""
FORECAST_ID_OFFSET = 1 << 24
"""Forecast branches drawn by resampling take path ids from here, so their luck is fresh (the filter's
paths use ids 0 .. runs - 1)."""
MAX_REPLAY_DAYS = 3650
LOW_ESS_SHARE = 0.1
"""A reporting date whose ensemble has an effective sample size below this share of the paths is marked
``low_ess``: its forecast's paths descend from few distinct paths, so its Wilson interval (which counts the
``forecast_runs`` paths as independent) is too narrow."""

Progress = Callable[[int, int], None]
"""Called with (days just stepped, days in all)."""


@dataclass(frozen=True)
class ReplayDay:
    """The forecast as of one date: P(war within each horizon) with its 95% interval, the effective
    sample size of the filter's ensemble that day, and the events imposed since the date reported before
    (that day's alone with ``every`` = 1)."""

    date: dt.date
    day: int
    p_war: dict[int, tuple[float, tuple[float, float]]]
    ess: float
    events: list[dict[str, Any]]
    outlook: dict[int, dict[str, float]] = field(default_factory=dict)
    """P(outcome within h days) for each horizon h and each of :data:`FORECAST_OUTCOMES` (war repeats
    ``p_war``); calibration reads it (:mod:`brinkmanship.calibration.simulator`)."""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"date": self.date.isoformat(), "day": self.day}
        for h, (p, (low, high)) in self.p_war.items():
            out[f"p_war_{h}"] = {"p": p, "ci95": [low, high]}
        out["ess"] = self.ess
        out["events"] = self.events
        return out


@dataclass
class Replay:
    """A whole replay: its settings, one :class:`ReplayDay` per reporting date, and (kept for branching a
    forecast, ``--as-of``) the filter's ensemble and weights on the last date."""

    scenario: str
    first: dt.date
    last: dt.date
    runs: int
    seed: int
    conditioned: bool
    forecast_runs: int
    every: int
    events_file: str = ""
    record: tuple[str, str] | None = None  # the record's first and last event dates
    events_before: int = 0  # events dated before the first date: not imposed
    events_after: int = 0  # events dated after the last date: not reached
    days: list[ReplayDay] = field(default_factory=list)
    resamplings: int = 0
    final_state: CrisisState | None = None
    final_log_weights: np.ndarray | None = None

    def as_dict(self) -> dict[str, Any]:
        """The object ``brink replay --json`` prints."""
        return {
            "scenario": self.scenario,
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "runs": self.runs,
            "seed": self.seed,
            "method": (
                "sequential importance resampling (particle filter): recorded events imposed, the rest "
                "random; weights from the model's probability of the record; systematic resampling when "
                f"the effective sample size falls below {RESAMPLE_BELOW:.0%} of the paths"
                if self.conditioned
                else "free run from the calm state (no events: nothing to condition on)"
            ),
            "events_file": self.events_file,
            "record": None if self.record is None else {"first": self.record[0], "last": self.record[1]},
            "events_before_from": self.events_before,
            "events_after_to": self.events_after,
            "ess_min": min((d.ess for d in self.days), default=None),
            "forecast_runs": self.forecast_runs,
            "every_days": self.every,
            "resamplings": self.resamplings,
            "low_ess_below": self.low_ess_below,
            "low_ess_dates": sum(self.low_ess(d) for d in self.days),
            "ess_note": self.ess_note(),
            "days": [{**d.as_dict(), "low_ess": self.low_ess(d)} for d in self.days],
        }

    @property
    def low_ess_below(self) -> float:
        """The effective sample size under which a date is marked ``low_ess``: :data:`LOW_ESS_SHARE` of
        the paths."""
        return LOW_ESS_SHARE * self.runs

    def low_ess(self, day: ReplayDay) -> bool:
        """The ensemble's effective sample size on ``day`` is below :attr:`low_ess_below`."""
        return day.ess < self.low_ess_below

    def ess_note(self) -> str | None:
        """The note on a collapsed ensemble (text, JSON and HTML alike), None when no date is low."""
        low = [d for d in self.days if self.low_ess(d)]
        if not low:
            return None
        lowest = min(d.ess for d in low)
        return (
            f"the effective sample size fell to {lowest:,.0f} of {self.runs:,} paths (below "
            f"{LOW_ESS_SHARE:.0%} of them on {len(low):,} of {len(self.days):,} dates, marked low_ess): the "
            "record is unlikely under the model on those dates, and each of their forecasts descends from "
            f"few distinct paths, so its interval, which counts its {self.forecast_runs:,} paths as "
            "independent, is too narrow; more --runs narrow the forecasts"
        )


def effective_sample_size(log_weights: np.ndarray) -> float:
    """Kish's effective sample size of normalised importance weights: (sum w)^2 / sum w^2."""
    w = np.exp(log_weights - log_weights.max())
    return float(w.sum() ** 2 / (w * w).sum())


def systematic_indices(log_weights: np.ndarray, k: int, u: float) -> np.ndarray:
    """``k`` indices drawn in proportion to the weights by systematic resampling (Kitagawa 1996) with the
    one uniform ``u``; sorted, so equal weights and ``k = n`` give every index once."""
    w = np.exp(log_weights - log_weights.max())
    cumulative = np.cumsum(w / w.sum())
    cumulative[-1] = 1.0
    return np.searchsorted(cumulative, (u + np.arange(k)) / k, side="right").clip(0, w.size - 1)


class _Worlds:
    """The compiled scenario as the record changes it: direct channels opened or closed, mediators made
    active or inactive (each combination compiled once)."""

    def __init__(self, scenario: ScenarioFile) -> None:
        self.base = scenario
        self.direct = scenario.channels.direct.enabled
        self.active = {
            name for name, actor in scenario.actors.items() if isinstance(actor, ThirdParty) and actor.active
        }
        self.cache: dict[tuple[bool, frozenset[str]], CompiledScenario] = {}

    def current(self) -> CompiledScenario:
        key = (self.direct, frozenset(self.active))
        if key not in self.cache:
            scenario = with_parameter(self.base, "channels.direct.enabled", self.direct, "replay")
            for name, actor in scenario.actors.items():
                if isinstance(actor, ThirdParty):
                    scenario = with_parameter(
                        scenario, f"actors.{name}.active", name in self.active, "replay"
                    )
            self.cache[key] = compile_scenario(scenario)
        return self.cache[key]

    def all_worlds(self, events: EventFile) -> list[CompiledScenario]:
        """Every world the record will visit (to size the private-message ring buffer once)."""
        saved = (self.direct, set(self.active))
        worlds = [self.current()]
        for event in events.events:
            if event.kind == "channel":
                self.apply(event.event, event.actor)
                worlds.append(self.current())
        self.direct, self.active = saved[0], saved[1]
        return worlds

    def apply(self, what: str, actor: str) -> None:
        if what == "direct_open":
            self.direct = True
        elif what == "direct_closed":
            self.direct = False
        elif what == "mediator_active":
            self.active.add(actor)
        elif what == "mediator_inactive":
            self.active.discard(actor)


def _act_columns(scenario: ScenarioFile) -> dict[tuple[str, str], int]:
    """(actor, act kind) -> column of its first act of that kind among the flattened third-party acts."""
    columns: dict[tuple[str, str], int] = {}
    column = 0
    for name, actor in scenario.actors.items():
        if isinstance(actor, ThirdParty):
            for act in actor.acts:
                columns.setdefault((name, act.kind), column)
                column += 1
    return columns


def _false_alarm_log_likelihood(model: CompiledScenario, state: CrisisState, principal: int) -> np.ndarray:
    """log P(a false warning in ``principal``'s system today is not acted on), per path (docs/model.md,
    section 6: the pass-through rises with the belief that an attack is imminent)."""
    imminence = perception.imminence(
        beliefs.greed(state.posterior), state.perceived, model.imminence_threshold, model.imminence_scale
    )
    verify = model.direct_verify if model.direct_enabled else 0.0
    acted_on = hazards.false_alarm_pass_through(
        model.alarm_pass_early, model.alarm_pass_last, model.alarm_imminence_weight, imminence, verify
    )
    return np.log1p(-np.minimum(acted_on[:, principal], 0.999999))


def _negotiate(model: CompiledScenario, state: CrisisState, what: str, depth: float | None, day: int) -> None:
    """Set a recorded negotiation event on every path at the end of its day (docs/model.md, section 7)."""
    if what == "talks_open":
        state.talks_open[:] = True
    elif what in ("agreement", "agreement_revised"):
        # A revision sets the new terms as an agreement does; the agreement's first day and depth, which the
        # outcomes report, stay the original's.
        d = model.agreement_floor if depth is None else depth
        state.agreement_on[:] = True
        state.talks_open[:] = True
        if model.freeze_terms.any():
            state.freeze_on[:] = True
        c = model.conceder
        state.pressure[:, c] = bargaining.relieved_pressure(
            state.pressure[:, c], model.agreement_relief, np.full(state.n_paths, d)
        )
        first = state.agreement_day == NEVER
        state.agreement_day = np.where(first, day, state.agreement_day).astype(np.int32)
        state.agreement_depth = np.where(first, d, state.agreement_depth)
    elif what == "agreement_breakdown":
        was = state.agreement_on.copy()
        state.agreement_on[:] = False
        state.freeze_on[:] = False
        state.talks_open[:] = False
        first = was & (state.breakdown_day == NEVER)
        state.breakdown_day = np.where(first, day, state.breakdown_day).astype(np.int32)


def replay(
    scenario: ScenarioFile,
    events: EventFile,
    first: dt.date,
    last: dt.date,
    runs: int,
    seed: int,
    every: int = 7,
    forecast_runs: int = 2048,
    horizons: tuple[int, ...] = HORIZONS,
    progress: Progress | None = None,
    keep_final: bool = False,
    forecast: bool = True,
    also_for: tuple[CompiledScenario, ...] = (),
    report_on: tuple[dt.date, ...] = (),
) -> Replay:
    """Replay ``scenario`` through ``events`` from ``first`` to ``last`` (both included).

    Args:
        scenario: the scenario (without levers: history happened in its world).
        events: the record, checked against the scenario.
        first, last: the span; ``first`` may lie before the scenario's start date.
        runs: paths in the filter's ensemble.
        seed: the random stream (the same numbers as ``brink run`` on the same days and paths).
        every: days between reporting dates (the last date is always reported; 1 = every day).
        forecast_runs: paths in each forecast branch.
        keep_final: keep the last day's ensemble and weights (to branch ``--as-of`` forecasts).
        forecast: False to skip the forecasts (only the filter runs; ``--as-of`` needs no curve).
        also_for: worlds a branch of the final ensemble will be stepped in (levered scenarios), whose
            private channels may need a longer ring buffer.
        report_on: further dates to report (and forecast) on, besides every ``every`` days; each must
            lie in the span.

    Returns:
        A :class:`Replay`: one :class:`ReplayDay` per reporting date.

    Raises:
        UserError: a span that is empty or too long, or settings out of range.
    """
    span = (last - first).days + 1
    if span < 1:
        raise UserError(f"replay: --to {last} comes before --from {first}")
    if span > MAX_REPLAY_DAYS:
        raise UserError(f"replay: {span} days from {first} to {last}; at most {MAX_REPLAY_DAYS}")
    if not 1 <= every <= span:
        raise UserError(f"replay: --every must be from 1 to {span} days, not {every}")
    if not 1 <= forecast_runs <= runs:
        raise UserError(f"replay: forecast paths must be from 1 to --runs ({runs}), not {forecast_runs}")
    outside = [d for d in report_on if not first <= d <= last]
    if outside:
        raise UserError(f"replay: report date {outside[0]} lies outside {first} to {last}")
    start = (first - scenario.start_date).days
    if start <= -rnd.DAY_OFFSET + 2 or start + span + max(horizons) >= rnd.DAY_OFFSET:
        raise UserError(f"replay: {first} to {last} lies too far from the scenario's start date")
    covered = (
        ((events.first_date - scenario.start_date).days, (events.last_date - scenario.start_date).days)
        if events.first_date is not None and events.last_date is not None
        else None
    )

    def conditioned_on(day: int) -> bool:
        """The record covers this day: condition on it."""
        return covered is not None and covered[0] <= day <= covered[1]

    conditioned = covered is not None and covered[0] <= start + span - 1 and covered[1] >= start
    worlds = _Worlds(scenario)
    columns = _act_columns(scenario)
    principals = list(scenario.principals)
    key = rnd.seed_key(seed)
    ids = np.arange(runs, dtype=np.int64)
    inbox_world = max([*worlds.all_worlds(events), *also_for], key=lambda m: m.max_delay_days)
    base_model = worlds.current()
    with checked_arithmetic():
        state = initial_state(base_model, rnd.type_draws(key, ids), inbox_world)
        state.day = start
        log_w = np.zeros(runs)
        by_day = events.by_day()
        result = Replay(scenario.name, first, last, runs, seed, conditioned, forecast_runs, every)
        result.events_file = events.where
        if events.first_date is not None and events.last_date is not None:
            result.record = (events.first_date.isoformat(), events.last_date.isoformat())
        result.events_before = sum(e.date < first for e in events.events)
        result.events_after = sum(e.date > last for e in events.events)
        end = start + span - 1
        inside = set(range(start, end + 1))
        # Every ``every`` days and the last day; each reported date lists the events since the one before.
        report = (
            set(range(start, end + 1, every)) | {end} | {(d - scenario.start_date).days for d in report_on}
        )
        pending: list[dict[str, Any]] = []
        # The filter steps in segments through the compiled kernel; a segment ends on a reporting day, on
        # a day whose events change the state or the world after it, and before a caught false alarm
        # (whose weight reads the state at the start of its day).
        edits = {e.day for e in events.events if e.kind in ("negotiation", "channel", "capability")}
        alarms = {e.day for e in events.events if e.kind == "false_alarm"}
        coverage_edges = set() if covered is None else {covered[0] - 1, covered[1]}
        boundaries = sorted(((report | edits | {d - 1 for d in alarms} | coverage_edges) & inside) | {end})
        position = start
        for last_day in boundaries:
            if last_day < position:
                continue
            model = worlds.current()
            days = last_day - position + 1
            on_record = conditioned_on(position)  # a segment never straddles the record's edges
            schedule: dict[int, np.ndarray] = {}
            acts = np.zeros((days, model.n_third_party_acts), dtype=bool)
            for day in range(position, last_day + 1):
                for event in by_day.get(day, ()):
                    if event.kind == "action":
                        actions = schedule.setdefault(day, np.full(2, -1, dtype=np.int64))
                        actions[principals.index(event.actor)] = int(event.action_index or 0)
                    elif event.kind == "third_party":
                        acts[day - position, columns[(event.actor, event.event)]] = True
                    elif event.kind == "false_alarm" and on_record and day == position:
                        log_w += _false_alarm_log_likelihood(model, state, principals.index(event.actor))
            before = state.history_loglik.copy()
            advance(
                model,
                state,
                ids,
                key,
                days,
                forced=schedule,
                chance=not on_record,
                forced_acts=acts,
                weigh_forced=on_record,
            )
            if on_record:
                log_w += state.history_loglik - before
                # The record excludes war: a path at war or past one on a recorded day has no weight (one
                # that went to war before the record began, in the free days of a longer replay).
                log_w[state.status != ACTIVE] = -np.inf
                if not np.isfinite(log_w).any():
                    date = first + dt.timedelta(days=last_day - start)
                    raise UserError(
                        f"replay: every path went to war by {date}, "
                        "which the record excludes; start the replay nearer the record or use more --runs"
                    )
            for day in range(position, last_day + 1):
                pending.extend(e.record() for e in by_day.get(day, ()))
            todays = by_day.get(last_day, ())
            for event in todays:
                if event.kind == "negotiation":
                    depth = event.terms.depth if event.terms is not None else None
                    _negotiate(model, state, event.event, depth, last_day)
                elif event.kind == "channel":
                    worlds.apply(event.event, event.actor)
                elif event.kind == "capability" and event.terms is not None:
                    p = principals.index(event.actor)
                    if event.terms.reach is not None:
                        state.reach[:, p] = event.terms.reach
                    if event.terms.warhead is not None:
                        state.warhead[:, p] = event.terms.warhead
            ess = effective_sample_size(log_w)
            if forecast and last_day in report:
                p_war, outlook = _forecast(
                    worlds.current(), state, log_w, key, last_day, forecast_runs, horizons
                )
                date = first + dt.timedelta(days=last_day - start)
                result.days.append(ReplayDay(date, last_day, p_war, ess, pending, outlook))
                pending = []
            if conditioned and ess < RESAMPLE_BELOW * runs:
                column = rnd.RESAMPLE_DAY
                u = float(rnd.uniform(key, np.array([last_day - column]), column, REPLAY_RESAMPLE_COLUMN)[0])
                state.put(ids, state.take(systematic_indices(log_w, runs, u)))
                log_w = np.zeros(runs)
                result.resamplings += 1
            if progress is not None:
                progress(last_day - position + 1, span)
            position = last_day + 1
        if keep_final:
            result.final_state = state
            result.final_log_weights = log_w
    return result


def _forecast(
    model: CompiledScenario,
    state: CrisisState,
    log_w: np.ndarray,
    key: int,
    day: int,
    k: int,
    horizons: tuple[int, ...],
) -> tuple[dict[int, tuple[float, tuple[float, float]]], dict[int, dict[str, float]]]:
    """P(a war begins within h days after ``day``) for each horizon with its Wilson 95% interval, from
    ``k`` paths of the weighted ensemble run on with chance (paths already at war or past it count as no
    new war); and for each horizon P(each of :data:`FORECAST_OUTCOMES`) on the same paths."""
    n = state.n_paths
    uniform_weights = bool(np.all(log_w == log_w[0]))
    if uniform_weights and k == n:
        chosen, branch_ids = np.arange(n), np.arange(n, dtype=np.int64)
    else:
        u = float(
            rnd.uniform(
                key, np.array([day - rnd.RESAMPLE_DAY + 1]), rnd.RESAMPLE_DAY, REPLAY_RESAMPLE_COLUMN + 1
            )[0]
        )
        chosen = systematic_indices(log_w, k, u)
        branch_ids = FORECAST_ID_OFFSET + np.arange(k, dtype=np.int64)
    branch = state.take(chosen).counting_from_now()
    at_risk = branch.status == ACTIVE
    started = branch.day
    advance(model, branch, branch_ids, key, max(horizons), Tally(days=max(horizons), runs=k))
    out = {}
    outlook = {}
    for h in horizons:

        def within(first_day: np.ndarray, h: int = h) -> np.ndarray:
            return at_risk & (first_day != NEVER) & (first_day >= started) & (first_day < started + h)

        new_war = within(branch.war_day)
        new_clash = within(branch.clash_day)
        count = int(new_war.sum())
        out[h] = (count / k, wilson_interval(count, k))
        outlook[h] = {
            "war": count / k,
            "clash": float(new_clash.mean()),
            "contained_clash": float((new_clash & ~new_war).mean()),
            "nuclear_use": float(within(branch.nuclear_day).mean()),
        }
    return out, outlook


def replayed_start(
    scenario: ScenarioFile,
    events: EventFile,
    first: dt.date,
    as_of: dt.date,
    runs: int,
    seed: int,
    also_for: tuple[CompiledScenario, ...] = (),
    progress: Progress | None = None,
) -> CrisisState:
    """The crisis as the record leaves it at the end of ``as_of``: the filter's ensemble of ``runs`` paths,
    drawn again in proportion to their weights (systematic resampling), ready to step from the next day.

    Forecasts branched from it (``brink run/compare/brief --as-of``) carry the history: its tension,
    beliefs, capability, pressure, agreements and the types the record made likely. Event days of such a
    forecast count from the day after ``as_of``.
    """
    result = replay(
        scenario,
        events,
        first,
        as_of,
        runs,
        seed,
        every=(as_of - first).days + 1,
        forecast_runs=1,
        progress=progress,
        keep_final=True,
        forecast=False,
        also_for=also_for,
    )
    state, log_w = result.final_state, result.final_log_weights
    assert state is not None and log_w is not None
    key = rnd.seed_key(seed)
    day = state.day - 1
    u = float(
        rnd.uniform(key, np.array([day - rnd.RESAMPLE_DAY]), rnd.RESAMPLE_DAY, REPLAY_RESAMPLE_COLUMN + 2)[0]
    )
    return state.take(systematic_indices(log_w, runs, u))
