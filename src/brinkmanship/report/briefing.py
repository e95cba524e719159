"""The analyses behind a briefing: the comparison, the indicators and the sensitivity, run together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from brinkmanship.analysis.compare import Comparison, run_comparison
from brinkmanship.analysis.global_sensitivity import GlobalSensitivity, global_sensitivity
from brinkmanship.analysis.sensitivity import Sensitivity, one_at_a_time
from brinkmanship.engine.state import CrisisState
from brinkmanship.history.judgements import Judgement
from brinkmanship.history.replay import Replay
from brinkmanship.policies import Policy
from brinkmanship.report.indicators import Indicators, find_indicators
from brinkmanship.scenario import ScenarioFile


@dataclass(frozen=True)
class HistoryCurve:
    """The replayed record up to the as-of date, drawn in the briefing (``--as-of``).

    ``replay``: the forecast as of each reporting date from the record's first date to ``as_of`` (its own
    particle filter, its own size: see ``brink brief --curve-runs``); ``judgements``: the
    dated numeric judgements of the time up to ``as_of``."""

    replay: Replay
    judgements: tuple[Judgement, ...]
    as_of: dt.date

    def as_dict(self) -> dict[str, Any]:
        record = self.replay.as_dict()
        record["as_of"] = self.as_of.isoformat()
        record["judgements"] = [j.record() for j in self.judgements]
        return record


@dataclass
class Briefing:
    """Everything a briefing reports; ``sensitivity`` and ``indicators`` may be skipped (None).

    ``sensitivity`` is the one-at-a-time tornado or, with ``--sensitivity sobol|morris``, a global analysis.
    ``as_of``: the comparison starts from the replayed crisis at the end of this date (None: from the
    scenario's start date); ``history``: the replayed curve up to it, where one was drawn.
    """

    scenario: ScenarioFile
    comparison: Comparison
    sensitivity: Sensitivity | GlobalSensitivity | None
    indicators: Indicators | None
    generated: str
    as_of: dt.date | None = None
    history: HistoryCurve | None = None
    param_uncertainty: dict[str, Any] | None = None
    """``brink brief --param-uncertainty``: every option over the calibrated posterior
    (:func:`brinkmanship.calibration.uncertainty.compare_robustness`)."""
    agreement_in_force_at_start: float | None = None
    """With ``as_of``: the share of the comparison's paths that began with an agreement in force (its
    P(agreement) counts agreements newly reached; docs/replay.md)."""
    elapsed_s: float | None = None
    """Seconds of the whole briefing's work before its files were written (`brink brief` sets it): the
    --as-of replay and curve, the comparison, indicators, sensitivity and posterior runs."""

    @property
    def first_day(self) -> dt.date:
        """The first day of the forecast: the day after ``as_of``, else the scenario's start date."""
        if self.as_of is not None:
            return self.as_of + dt.timedelta(days=1)
        return self.scenario.start_date

    def as_dict(self) -> dict[str, Any]:
        """The numbers behind the briefing (written beside it as JSON)."""
        return {
            "comparison": self.comparison.as_dict(),
            "sensitivity": None if self.sensitivity is None else self.sensitivity.as_dict(),
            "indicators": None if self.indicators is None else self.indicators.as_dict(),
            "generated": self.generated,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "first_day": self.first_day.isoformat(),
            "history": None if self.history is None else self.history.as_dict(),
            "param_uncertainty": self.param_uncertainty,
            "agreement_in_force_at_start": self.agreement_in_force_at_start,
            "elapsed_s": self.elapsed_s,
        }


def best_option(comparison: Comparison) -> Policy | None:
    """The option with the lowest P(war) among those that lower it significantly (None if none does)."""
    best: tuple[float, Policy] | None = None
    for row, run in zip(comparison.summaries(), comparison.results, strict=True):
        change = row["outcomes"]["war"]["vs_reference"]
        if (
            run.same_as is None
            and run is not comparison.reference
            and change["significant"]
            and change["diff"] < 0.0
        ):
            if best is None or row["outcomes"]["war"]["p"] < best[0]:
                best = (row["outcomes"]["war"]["p"], run.policy)
    return None if best is None else best[1]


def build_briefing(
    scenario: ScenarioFile,
    policies: Sequence[Policy],
    runs: int,
    seed: int,
    sensitivity_runs: int,
    indicator_runs: int,
    workers: int = 1,
    notes: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
    sensitivity_method: str = "oat",
    sensitivity_n: int | None = None,
    start: CrisisState | None = None,
    as_of: dt.date | None = None,
    history: HistoryCurve | None = None,
    sensitivity_largest_n: int | None = None,
) -> Briefing:
    """Run the comparison, then the indicators and the sensitivity (skipped when their runs are 0).

    ``sensitivity_method``: ``oat`` (one at a time, with the best option's robustness), or ``sobol`` /
    ``morris`` (:func:`~brinkmanship.analysis.global_sensitivity.global_sensitivity` of P(war) under the
    baseline over the horizon, ``sensitivity_runs`` paths per row, ``sensitivity_n`` its N). ``start``:
    the comparison branches from this state (the replayed crisis at the end of ``as_of``); ``history``:
    the replayed curve to that date, drawn in the briefing. ``sensitivity_largest_n``: the largest N
    `brink brief` would accept (its whole request within the limits), which the global sensitivity's
    warning keeps its advice within, naming the briefing's option (``--sensitivity-n``).
    """

    def say(text: str) -> None:
        if progress is not None:
            progress(text)

    seen: set[str] = set()

    def compared(name: str, done: int) -> None:
        if name not in seen:
            seen.add(name)
            say(f"comparing: {name}")

    comparison = run_comparison(
        scenario, policies, runs, seed, workers=workers, progress=compared, notes=notes, start=start
    )
    indicators = None
    if indicator_runs > 0:
        indicators = find_indicators(
            scenario, indicator_runs, seed, workers=workers, progress=lambda e: say(f"indicator: {e}")
        )
    sensitivity: Sensitivity | GlobalSensitivity | None = None
    if sensitivity_runs > 0 and scenario.uncertainties and sensitivity_method != "oat":
        sensitivity = global_sensitivity(
            scenario,
            sensitivity_method,
            n=sensitivity_n,
            runs=sensitivity_runs,
            seed=seed,
            workers=workers,
            progress=lambda done, total: say(
                f"sensitivity ({sensitivity_method}): row {done:,} of {total:,}"
            ),
            n_flag="--sensitivity-n",
            largest_n=sensitivity_largest_n,
        )
    elif sensitivity_runs > 0 and scenario.uncertainties:
        sensitivity = one_at_a_time(
            scenario,
            sensitivity_runs,
            seed,
            workers=workers,
            progress=lambda done, total, what: say(f"sensitivity: {what} ({done:,} of {total:,})"),
            contender=best_option(comparison),
        )
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    briefing = Briefing(scenario, comparison, sensitivity, indicators, generated, as_of, history)
    if start is not None:
        briefing.agreement_in_force_at_start = start.agreements_in_force(runs) / runs
    return briefing
