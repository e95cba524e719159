"""From a tally to what an analyst reads: probabilities with 95% intervals, paths, survival."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from brinkmanship.analysis.intervals import wilson_interval
from brinkmanship.engine.ensemble import Tally
from brinkmanship.engine.kernel import FIXED_POINT
from brinkmanship.engine.state import PATH_LABELS
from brinkmanship.model.ladder import action_names
from brinkmanship.scenario.schema import ScenarioFile

OUTCOMES = ("clash", "war", "nuclear_use", "agreement")


@dataclass(frozen=True)
class Estimate:
    """A probability estimated from ``successes`` out of ``trials`` paths."""

    successes: int
    trials: int

    @property
    def p(self) -> float:
        return self.successes / self.trials if self.trials else 0.0

    @property
    def ci95(self) -> tuple[float, float]:
        return wilson_interval(self.successes, self.trials)

    def as_dict(self) -> dict[str, Any]:
        low, high = self.ci95
        return {"p": self.p, "ci95": [low, high], "count": self.successes}


def outcome_estimates(tally: Tally) -> dict[str, Estimate]:
    """P(outcome within the horizon) for each outcome."""
    return {name: Estimate(int(getattr(tally, name)), tally.runs) for name in OUTCOMES}


def share_of(count: int, of: int) -> tuple[float | None, list[float] | None]:
    """``count`` as a share of ``of`` with its Wilson 95% interval; (None, None) where ``of`` is 0: a share
    of no wars (or of no agreements) is undefined, not 0%."""
    if of <= 0:
        return None, None
    share = Estimate(count, of)
    return share.p, list(share.ci95)


def path_estimates(tally: Tally) -> dict[str, dict[str, Any]]:
    """For each path to war: its share of wars and its probability, each with a 95% interval (the share
    and its interval None where no path reached war)."""
    result = {}
    for index, label in enumerate(PATH_LABELS):
        count = int(tally.war_by_path[index])
        share, interval = share_of(count, int(tally.war))
        absolute = Estimate(count, tally.runs)
        result[label] = {
            "share": share,
            "ci95": interval,
            "p": absolute.p,
            "p_ci95": list(absolute.ci95),
            "count": count,
        }
    return result


def survival_curve(tally: Tally) -> np.ndarray:
    """Probability of no war by the end of each day (non-increasing)."""
    return 1.0 - np.cumsum(tally.war_by_day) / max(tally.runs, 1)


def behaviour_summary(tally: Tally, principals: tuple[str, str]) -> dict[str, Any]:
    """Rates per active path-day: actions per principal, misreadings, false alarms, audience-cost stock."""
    days = max(tally.active_path_days, 1)
    names = action_names()
    return {
        "actions_per_day": {
            principals[i]: {name: float(tally.actions[i, k]) / days for k, name in enumerate(names)}
            for i in range(2)
        },
        "misreading_share": tally.misreadings / max(tally.readings, 1),
        "false_alarms_per_day": tally.false_alarms / days,
        "mean_audience_cost_stock": tally.audience_stock / FIXED_POINT / days / 2.0,
        "audience_cost_lock_in": tally.lock_in / FIXED_POINT / days / 2.0,
        "freeze_days": tally.freeze_days,
        "freeze_breaches": {principals[i]: int(tally.freeze_breaches[i]) for i in range(2)},
        "active_path_days": tally.active_path_days,
    }


def agreement_terms_text(scenario: ScenarioFile) -> dict[str, str]:
    """The scenario's agreement terms in words: the issue, who concedes, what each side gives."""
    terms = scenario.agreement.terms
    other = next(name for name in scenario.principals if name != terms.conceder)
    return {
        "issue": terms.issue,
        "conceder": terms.conceder,
        "conceder_gives": terms.conceder_gives,
        "demander": other,
        "demander_gives": terms.demander_gives,
        "depth": "0 = a freeze only; 1 = the conceder's full programme against full guarantees and relief",
    }


def agreement_summary(
    tally: Tally, terms: dict[str, str] | None = None, in_force_at_start: int = 0
) -> dict[str, Any]:
    """Agreements within the horizon (docs/model.md, section 7): how often one was newly reached, how often
    the first broke down within the horizon (of all paths, and of those that reached one: None where none
    did, or where ``in_force_at_start`` paths of a forecast from a replayed date began with one in force,
    whose breakdown is counted too), the mean depth of its terms, the share of path-days in crisis with one
    in force, and the terms in words."""
    reached = Estimate(tally.agreement, tally.runs)
    broke = Estimate(tally.breakdown, tally.runs)
    # Paths that began with an agreement in force count its breakdown too: more breakdowns than agreements
    # reached, a share above 1 (and a Wilson interval of a negative variance): not computed at all then.
    broke_share, broke_interval = (
        (None, None) if in_force_at_start else share_of(int(tally.breakdown), int(tally.agreement))
    )
    return {
        "in_force_at_start": Estimate(in_force_at_start, tally.runs).as_dict(),
        "reached": reached.as_dict(),
        "broke_down": broke.as_dict(),
        "broke_down_share": {"p": broke_share, "ci95": broke_interval},
        "mean_depth": tally.agreement_depth / FIXED_POINT / tally.agreement if tally.agreement else None,
        "in_force_share_of_days": tally.agreement_days / max(tally.active_path_days, 1),
        "terms": dict(terms or {}),
    }


def summary(
    tally: Tally,
    scenario: str,
    seed: int,
    principals: tuple[str, str],
    elapsed_s: float,
    terms: dict[str, str] | None = None,
    in_force_at_start: int = 0,
) -> dict[str, Any]:
    """The JSON object printed by ``brink run --json``; ``terms``: the scenario's agreement terms in words;
    ``in_force_at_start``: paths that began with an agreement in force (a forecast from a replayed date)."""
    survival = survival_curve(tally)
    return {
        "scenario": scenario,
        "runs": tally.runs,
        "days": tally.days,
        "seed": seed,
        "outcomes": {name: estimate.as_dict() for name, estimate in outcome_estimates(tally).items()},
        "paths": path_estimates(tally),
        "agreements": agreement_summary(tally, terms, in_force_at_start),
        "survival": [float(value) for value in survival],
        "behaviour": behaviour_summary(tally, principals),
        "elapsed_s": elapsed_s,
    }
