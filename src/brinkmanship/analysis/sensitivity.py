"""One-at-a-time sensitivity over a scenario's declared ``uncertainties``: which assumptions drive the risk.

Each uncertain parameter is set to the low and then the high end of the range analysts argue over, all
others staying at the scenario's values, and the ensemble is run again on the same seed. Because the
paths share their random numbers, the change from the scenario's own value is a paired difference with
a tight interval even at modest run counts. The result is what a tornado diagram shows (Saltelli et al.,
*Global Sensitivity Analysis: The Primer*, 2008, ch. 1: one-at-a-time screening, which misses
interactions; Sobol and Morris designs are the global methods planned for large sweeps).

With a ``contender`` policy, the same design asks whether an option's advantage is robust: the paired
difference between the contender and the reference policy at each end of each range (in the spirit of
robust decision making: Lempert, Popper & Bankes, *Shaping the Next One Hundred Years*, RAND 2003).
A parameter is set before the policies are applied, so a lever that sets the same parameter wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from brinkmanship.analysis.compare import PairedDifference, paired_difference, simulate_paths
from brinkmanship.analysis.intervals import wilson_interval
from brinkmanship.policies import Policy, apply_policy
from brinkmanship.policies.edits import get_path, set_path
from brinkmanship.scenario import ScenarioFile, scenario_from_mapping


@dataclass(frozen=True)
class SensitivityRow:
    """The outcome's probability at the two ends of one uncertain parameter's range."""

    path: str
    note: str
    value: float
    low: float
    high: float
    p_base: float
    p_low: float
    p_high: float
    change_low: PairedDifference
    change_high: PairedDifference
    effect_low: PairedDifference | None = None
    effect_high: PairedDifference | None = None
    measured: bool = True
    """False for a parameter this analysis cannot move (:data:`TYPE_PRIOR`): its row repeats the base."""

    @property
    def robust(self) -> bool | None:
        """The contender keeps a significant advantage (lower outcome) at both ends; None without one."""
        if self.effect_low is None or self.effect_high is None:
            return None
        return self.effect_low.ci95[1] < 0.0 and self.effect_high.ci95[1] < 0.0

    @property
    def swing(self) -> float:
        """Width of the tornado bar: the spread of the probability over the range (and the base value)."""
        ends = (self.p_low, self.p_high, self.p_base)
        return max(ends) - min(ends)

    @property
    def value_outside_range(self) -> bool:
        """The scenario's own value lies outside the declared range (worth a second look)."""
        return not min(self.low, self.high) <= self.value <= max(self.low, self.high)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "note": self.note,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "p_base": self.p_base,
            "p_low": self.p_low,
            "p_high": self.p_high,
            "change_low": self.change_low.as_dict(),
            "change_high": self.change_high.as_dict(),
            "effect_low": None if self.effect_low is None else self.effect_low.as_dict(),
            "effect_high": None if self.effect_high is None else self.effect_high.as_dict(),
            "robust": self.robust,
            "swing": self.swing,
            "value_outside_range": self.value_outside_range,
            "measured": self.measured,
        }


@dataclass(frozen=True)
class Sensitivity:
    """A one-at-a-time sensitivity analysis; ``rows`` are sorted by swing, largest first, the rows not
    measured (:data:`TYPE_PRIOR`) last."""

    scenario: str
    policy: str
    outcome: str
    runs: int
    seed: int
    p_base: float
    ci95_base: tuple[float, float]
    rows: list[SensitivityRow]
    contender: str | None = None
    effect_base: PairedDifference | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "policy": self.policy,
            "outcome": self.outcome,
            "runs": self.runs,
            "seed": self.seed,
            "p_base": self.p_base,
            "ci95_base": list(self.ci95_base),
            "contender": self.contender,
            "effect_base": None if self.effect_base is None else self.effect_base.as_dict(),
            "rows": [row.as_dict() for row in self.rows],
        }


TYPE_PRIOR = re.compile(r"^actors\.[^.]+\.(p_greedy|resolve\.(alpha|beta)|audience_sensitivity\.(low|high))$")
"""Parameters of the private types, drawn once per path before the prelude: every variant here shares
the base's burned-in paths, so such a parameter cannot move the answer in this analysis."""
NOT_MEASURED = (
    "not measured here: it acts only through the private types drawn before the prelude, and every "
    "variant shares the base's burned-in paths (run an edited scenario to see it)"
)


def with_parameter(scenario: ScenarioFile, path: str, value: Any, where: str) -> ScenarioFile:
    """The scenario with one parameter (dotted path) set to ``value``, validated again."""
    data = scenario.model_dump(mode="json")
    set_path(data, path, value, where)
    return scenario_from_mapping(data, f"{where} ({path} = {value})")


def oat_ensembles(scenario: ScenarioFile, contender: bool = False) -> int:
    """The ensembles :func:`one_at_a_time` runs on ``scenario``: the base and both ends of each
    uncertainty it can measure (not the :data:`TYPE_PRIOR` ones, whose rows repeat the base), and with a
    ``contender`` as many again (the contender at the base and at each end); for the path-day cap."""
    measured = sum(not TYPE_PRIOR.match(uncertainty.path) for uncertainty in scenario.uncertainties)
    return (1 + 2 * measured) * (2 if contender else 1)


def one_at_a_time(
    scenario: ScenarioFile,
    runs: int,
    seed: int,
    policy: Policy | None = None,
    outcome: str = "war",
    workers: int = 1,
    progress: Callable[[int, int, str], None] | None = None,
    contender: Policy | None = None,
) -> Sensitivity:
    """Run the scenario (under ``policy``, default the baseline) at each end of each uncertainty.

    Costs ``1 + 2 k`` ensembles of ``runs`` paths for ``k`` uncertainties it can measure, twice that with a
    ``contender`` (whose paired advantage over ``policy`` is then measured at the base and at each end
    too): :func:`oat_ensembles`. ``progress(done, total, what)`` is called after each of them, ``total``
    being that count and ``what`` the parameter varied ("base" for the scenario as declared).

    Every variant starts from the same burned-in paths (the prelude run once, in the scenario as
    declared) and the varied parameter acts from the start date: the ends are paired path by path with
    the base, and what moves is what the assumption does to the crisis from now on. An assumption that
    acts only through who the paths are (a prior over types) therefore shows no swing here.
    """
    chosen = policy or Policy("baseline")
    days = scenario.horizon_days
    total = oat_ensembles(scenario, contender is not None)
    done = 0

    def happened(variant: ScenarioFile, which: Policy, what: str) -> np.ndarray:
        nonlocal done
        _, outcomes = simulate_paths(
            apply_policy(variant, which), runs, days, seed, workers, prelude_world=scenario
        )
        done += 1
        if progress is not None:
            progress(done, total, what)
        return outcomes.happened(outcome)

    def versus(variant: ScenarioFile, reference: np.ndarray, what: str) -> PairedDifference | None:
        if contender is None:
            return None
        return paired_difference(happened(variant, contender, what), reference)

    base_hit = happened(scenario, chosen, "base")
    data = scenario.model_dump(mode="json")
    rows = []
    for index, uncertainty in enumerate(scenario.uncertainties):
        where = f"{scenario.name}: uncertainties.{index}"
        value = float(get_path(data, uncertainty.path, where))
        if TYPE_PRIOR.match(uncertainty.path):
            unchanged = paired_difference(base_hit, base_hit)
            p = float(base_hit.mean())
            note = f"{uncertainty.note}; {NOT_MEASURED}" if uncertainty.note else NOT_MEASURED
            rows.append(
                SensitivityRow(
                    path=uncertainty.path,
                    note=note,
                    value=value,
                    low=uncertainty.low,
                    high=uncertainty.high,
                    p_base=p,
                    p_low=p,
                    p_high=p,
                    change_low=unchanged,
                    change_high=unchanged,
                    measured=False,
                )
            )
            continue
        ends = []
        effects = []
        for end in (uncertainty.low, uncertainty.high):
            varied = with_parameter(scenario, uncertainty.path, end, where)
            hit = happened(varied, chosen, uncertainty.path)
            ends.append(hit)
            effects.append(versus(varied, hit, uncertainty.path))
        rows.append(
            SensitivityRow(
                path=uncertainty.path,
                note=uncertainty.note,
                value=value,
                low=uncertainty.low,
                high=uncertainty.high,
                p_base=float(base_hit.mean()),
                p_low=float(ends[0].mean()),
                p_high=float(ends[1].mean()),
                change_low=paired_difference(ends[0], base_hit),
                change_high=paired_difference(ends[1], base_hit),
                effect_low=effects[0],
                effect_high=effects[1],
            )
        )
    # Largest swing first; the parameters this design cannot move after every measured one.
    rows.sort(key=lambda row: (row.measured, row.swing), reverse=True)
    count = int(base_hit.sum())
    return Sensitivity(
        scenario=scenario.name,
        policy=chosen.name,
        outcome=outcome,
        runs=runs,
        seed=seed,
        p_base=count / max(runs, 1),
        ci95_base=wilson_interval(count, runs),
        rows=rows,
        contender=None if contender is None else contender.name,
        effect_base=versus(scenario, base_hit, "base"),
    )
