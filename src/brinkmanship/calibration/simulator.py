"""The model's side of each target: run the scenarios a targets file names, with a row of parameter values
set, and read every target's quantity off the runs.

One parameter row costs at most one ensemble and one replay per scenario named, whatever the number of
targets: the targets are grouped by what must run (:class:`Plan`). Every row runs on the same seed, so rows
share their random numbers path by path (common random numbers, :mod:`brinkmanship.engine.randomness`):
the differences between rows are the parameters' doing, not the luck of the draws, which is what an
emulator fitted across rows needs.

Each scenario's own run burns in its prelude in the scenario with the row's values (``prelude="own"``):
the row is the scenario as an edited file would be (:mod:`brinkmanship.analysis.variants`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from brinkmanship.analysis.compare import PathOutcomes, simulate_paths
from brinkmanship.analysis.parameters import with_parameters
from brinkmanship.calibration.targets import Target, TargetsFile
from brinkmanship.engine.ensemble import Tally, prelude_days_of, prelude_work
from brinkmanship.engine.state import NEVER
from brinkmanship.errors import UserError
from brinkmanship.history.events import builtin_event_names, load_events
from brinkmanship.history.replay import replay
from brinkmanship.model.ladder import ACTION_INDEX
from brinkmanship.policies.edits import get_path
from brinkmanship.scenario import ScenarioFile, load_scenario
from brinkmanship.scenario.schema import Principal

PROBABILITY_FLOOR = 1e-4
"""A simulated probability is read as at least this (and at most 1 minus it) before a logit: a row where no
path of a few thousand went to war says the probability is small, not zero."""
TEMPO_DAYS = 30.0


@dataclass(frozen=True)
class Settings:
    """How big each row's runs are: paths per scenario run, paths in the replay's filter and in each of its
    forecast branches, and the seed every row shares."""

    runs: int = 1024
    replay_runs: int = 1024
    forecast_runs: int = 1024
    seed: int = 20171126

    def check(self) -> Settings:
        for name in ("runs", "replay_runs", "forecast_runs"):
            value = getattr(self, name)
            if not 16 <= value <= 1_000_000:
                raise UserError(f"--{name.replace('_', '-')}: from 16 to 1,000,000 paths, not {value}")
        if self.forecast_runs > self.replay_runs:
            raise UserError(
                f"--forecast-runs ({self.forecast_runs}) cannot exceed --replay-runs ({self.replay_runs})"
            )
        if not 0 <= self.seed < 2**63:
            raise UserError(f"--seed must be from 0 to 2^63 - 1, not {self.seed}")
        return self


@dataclass
class Plan:
    """What must run for a set of targets: per scenario, the run's horizon (days) and the replay's dates."""

    runs: dict[str, int] = field(default_factory=dict)
    replays: dict[str, set[dt.date]] = field(default_factory=dict)
    horizons: dict[str, set[int]] = field(default_factory=dict)


def plan_for(targets: list[Target], scenarios: Mapping[str, ScenarioFile]) -> Plan:
    """Group the targets by what must run."""
    plan = Plan()
    for target in targets:
        q = target.quantity
        scenario = scenarios[q.scenario]
        if q.as_of is None and q.kind != "ratio":
            horizon = q.horizon_days or scenario.horizon_days
            plan.runs[q.scenario] = max(plan.runs.get(q.scenario, 0), horizon)
        else:
            dates = plan.replays.setdefault(q.scenario, set())
            dates.add(q.as_of)  # type: ignore[arg-type]
            if q.relative_to is not None:
                dates.add(q.relative_to)
            plan.horizons.setdefault(q.scenario, set()).add(int(q.horizon_days or 365))
    return plan


def scenarios_for(targets: TargetsFile, where: str = "targets") -> dict[str, ScenarioFile]:
    """Every scenario the targets name, loaded once; checked against the free parameters and the targets.

    Raises:
        UserError: an unknown scenario, a parameter path a scenario does not have (or holds no number at),
            a replay target on a scenario without a built-in record, a date outside the record's reach, an
            actor that is not a principal, or a horizon longer than a scenario run.
    """
    scenarios: dict[str, ScenarioFile] = {}
    for k, target in enumerate(targets.targets):
        name = target.quantity.scenario
        if name not in scenarios:
            try:
                scenarios[name] = load_scenario(name)
            except UserError as error:
                raise UserError(f"{where}: targets.{k}.quantity.scenario: {error}") from None
    for name, scenario in scenarios.items():
        data = scenario.model_dump(mode="json")
        for k, parameter in enumerate(targets.parameters):
            value = get_path(data, parameter.path, f"{where}: parameters.{k} ({name})")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise UserError(
                    f"{where}: parameters.{k}: {parameter.path!r} in {name} is not a number ({value!r})"
                )
            # Both ends of the prior must make a valid scenario, or the fit would stop at its first row there.
            for end in (parameter.prior.low, parameter.prior.high):
                try:
                    with_parameters(scenario, {parameter.path: end}, name)
                except UserError as error:
                    raise UserError(
                        f"{where}: parameters.{k}.prior: {parameter.path} = {end:g} is not allowed in {name} "
                        f"({str(error).rsplit(': ', 1)[-1]})"
                    ) from None
    for k, target in enumerate(targets.targets):
        q = target.quantity
        scenario = scenarios[q.scenario]
        here = f"{where}: targets.{k} ({target.name})"
        if q.kind == "tempo" and q.actor not in scenario.principals:
            raise UserError(
                f"{here}: actor {q.actor!r} is not a principal of {q.scenario} "
                f"({', '.join(scenario.principals)})"
            )
        actor = scenario.actors.get(q.actor or "") if q.kind == "tempo" else None
        if isinstance(actor, Principal) and q.action not in actor.repertoire:
            # A rate of a move the actor never makes is 0 in every row: a target no fit can meet.
            raise UserError(
                f"{here}: {q.action!r} is not in {q.actor}'s repertoire in {q.scenario} "
                f"({', '.join(actor.repertoire)})"
            )
        if q.as_of is not None:
            if q.scenario not in builtin_event_names():
                raise UserError(f"{here}: {q.scenario} has no built-in record to replay (as_of needs one)")
            first = replay_first(scenario)
            # The span `--as-of` allows: from the calm state to the record's last event (a forecast as of
            # a later day would replay days the record says nothing of, as if nothing had happened).
            last = load_events(q.scenario, scenario).last_date or first + dt.timedelta(days=3000)
            for date in (q.as_of, q.relative_to):
                if date is not None and not first <= date <= last:
                    raise UserError(
                        f"{here}: {date} lies outside the replay of {q.scenario}, from its calm state on "
                        f"{first} to the record's last event on {last}"
                    )
        elif q.kind != "ratio" and (q.horizon_days or 0) > scenario.horizon_days:
            raise UserError(
                f"{here}: horizon_days {q.horizon_days} is longer than {q.scenario}'s "
                f"{scenario.horizon_days}-day run"
            )
    return scenarios


def replay_first(scenario: ScenarioFile) -> dt.date:
    """Where a calibration replay starts: the prelude's first day (the relationship's calm state), or the
    scenario's start date when it has no prelude."""
    return scenario.prelude.start_date if scenario.prelude is not None else scenario.start_date


Progress = Callable[[], None]


def row_path_days(targets: list[Target], scenarios: Mapping[str, ScenarioFile], settings: Settings) -> int:
    """Path-days one row of :func:`simulate_row` steps: each scenario run with its burn-in (every row
    sets its own values, so every run burns in its own paths:
    :func:`~brinkmanship.engine.ensemble.prelude_work`), each replay's filter and its forecasts (one per
    reported date, over the longest horizon)."""
    plan = plan_for(targets, scenarios)
    work = sum(settings.runs * horizon for horizon in plan.runs.values())
    for name in plan.runs:
        burn_in = prelude_work(prelude_days_of(scenarios[name]), [("", 1, "", settings.runs)])
        work += sum(part for _, part in burn_in)
    for name, dates in plan.replays.items():
        span = (max(dates) - replay_first(scenarios[name])).days + 1
        work += settings.replay_runs * span
        work += (len(dates) + 1) * settings.forecast_runs * max(plan.horizons[name])
    return work


def simulate_row(
    targets: list[Target],
    scenarios: Mapping[str, ScenarioFile],
    values: Mapping[str, float],
    settings: Settings,
    progress: Progress | None = None,
) -> dict[str, float]:
    """Every target's quantity with ``values`` (parameter path -> value) set in every scenario.

    Returns:
        target name -> the model's quantity (a probability, a ratio, or actions per 30 days in crisis).

    Raises:
        UserError: a value a scenario's file format refuses.
    """
    plan = plan_for(targets, scenarios)
    varied = {
        name: with_parameters(scenario, values, f"calibration row in {name}") if values else scenario
        for name, scenario in scenarios.items()
    }
    runs: dict[str, tuple[PathOutcomes, np.ndarray, int, float]] = {}
    for name, horizon in plan.runs.items():
        tally, outcomes = simulate_paths(
            varied[name], settings.runs, horizon, settings.seed, prelude_world=varied[name]
        )
        runs[name] = (outcomes, tally.actions, tally.active_path_days, escalation_share(tally))
        if progress is not None:
            progress()
    outlooks: dict[str, dict[dt.date, dict[int, dict[str, float]]]] = {}
    for name, dates in plan.replays.items():
        scenario = varied[name]
        first, last = replay_first(scenario), max(dates)
        events = load_events(name, scenario)
        result = replay(
            scenario,
            events,
            first,
            last,
            settings.replay_runs,
            settings.seed,
            every=(last - first).days + 1,
            forecast_runs=settings.forecast_runs,
            horizons=tuple(sorted(plan.horizons[name])),
            report_on=tuple(sorted(dates)),
        )
        outlooks[name] = {day.date: day.outlook for day in result.days}
        if progress is not None:
            progress()
    out: dict[str, float] = {}
    for target in targets:
        q = target.quantity
        if q.kind == "escalation":
            share = runs[q.scenario][3]
            if math.isnan(share):
                raise UserError(
                    f"{q.scenario}: no armed clash in {settings.runs:,} paths, so target {target.name}'s "
                    "share of clashes that became war is undefined; use more --runs"
                )
            out[target.name] = share
        elif q.kind == "tempo":
            _, actions, active, _ = runs[q.scenario]
            principal = scenarios[q.scenario].principals.index(str(q.actor))
            count = float(actions[principal, ACTION_INDEX[str(q.action)]])
            out[target.name] = TEMPO_DAYS * count / max(active, 1)
        elif q.kind == "ratio":
            outlook = outlooks[q.scenario]
            h, outcome = int(q.horizon_days or 365), str(q.outcome)
            top = max(outlook[q.as_of][h][outcome], PROBABILITY_FLOOR)  # type: ignore[index]
            bottom = max(outlook[q.relative_to][h][outcome], PROBABILITY_FLOOR)  # type: ignore[index]
            out[target.name] = top / bottom
        elif q.as_of is not None:
            out[target.name] = outlooks[q.scenario][q.as_of][int(q.horizon_days or 365)][str(q.outcome)]
        else:
            outcomes = runs[q.scenario][0]
            out[target.name] = probability_within(
                outcomes, str(q.outcome), q.horizon_days or scenarios[q.scenario].horizon_days
            )
    return out


def escalation_share(tally: Tally) -> float:
    """The share of the run's armed clashes that became war on their day: wars begun by an escalated
    incident or chosen clash (``war_triggers[0:2]``) over clashes (``clash_events``: uncontrolled incidents
    and chosen clashes, each counted on its day). NaN when no clash happened: the share is undefined (0
    would read as the record's "none became war")."""
    clashes = int(tally.clash_events.sum())
    return float(tally.war_triggers[0] + tally.war_triggers[1]) / clashes if clashes else math.nan


def probability_within(outcomes: PathOutcomes, outcome: str, horizon: int) -> float:
    """P(outcome within ``horizon`` days) over the run's paths; ``contained_clash`` is a clash with no war
    within the horizon."""

    def within(day: np.ndarray) -> np.ndarray:
        return (day != NEVER) & (day < horizon)

    if outcome == "contained_clash":
        return float((within(outcomes.clash_day) & ~within(outcomes.war_day)).mean())
    day = {
        "war": outcomes.war_day,
        "clash": outcomes.clash_day,
        "nuclear_use": outcomes.nuclear_day,
        "agreement": outcomes.agreement_day,
    }[outcome]
    return float(within(day).mean())


def transform(target: Target, q: float) -> float:
    """The scale a target's error model works on: logit for a probability, log for a rate or a ratio,
    with the probability floor applied."""
    if target.quantity.kind in ("probability", "escalation"):
        p = min(max(q, PROBABILITY_FLOOR), 1 - PROBABILITY_FLOOR)
        return math.log(p / (1 - p))
    return math.log(max(q, PROBABILITY_FLOOR))


def untransform(target: Target, z: float) -> float:
    """Inverse of :func:`transform`."""
    if target.quantity.kind in ("probability", "escalation"):
        return 1 / (1 + math.exp(-z))
    return math.exp(z)
