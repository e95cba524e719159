"""A scenario's declared uncertain parameters as a sampling problem: names, ranges, scales, and variants.

The global analyses (:mod:`brinkmanship.analysis.global_sensitivity`) and the sweeps
(:mod:`brinkmanship.sweep`) both start here. A scenario declares its ``uncertainties`` (a dotted path
into the file and the range analysts argue over, on a linear or a log scale); this module selects some
or all of them, describes them the way SALib wants a problem (``names``, ``bounds``, ``dists``: Herman &
Usher 2017, "SALib: An open-source Python library for sensitivity analysis", JOSS 2(9)), and builds the
scenario with a whole row of values set at once, validated again like any scenario file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from brinkmanship.errors import UserError
from brinkmanship.policies.edits import set_path
from brinkmanship.scenario import ScenarioFile, scenario_from_mapping


@dataclass(frozen=True)
class UncertainParameter:
    """One declared uncertainty: ``path`` into the scenario file, its range and how to sample it."""

    path: str
    low: float
    high: float
    scale: str  # "linear" (uniform) or "log" (log-uniform)
    note: str = ""

    @property
    def salib_dist(self) -> str:
        """SALib's name for the sampling distribution (``unif`` or ``logunif``)."""
        return "logunif" if self.scale == "log" else "unif"

    def contains(self, value: float) -> bool:
        """``value`` lies in the declared range (ends included)."""
        return math.isfinite(value) and self.low <= value <= self.high

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "low": self.low, "high": self.high, "scale": self.scale, "note": self.note}


def uncertain_parameters(
    scenario: ScenarioFile, names: Sequence[str] | None = None
) -> list[UncertainParameter]:
    """The scenario's declared uncertainties, in declaration order, or the ones ``names`` picks (in that
    order).

    Raises:
        UserError: a name that is not a declared uncertainty (the message lists the declared ones), a name
            given twice, or a scenario that declares none.
    """
    declared = {
        u.path: UncertainParameter(u.path, float(u.low), float(u.high), u.scale, u.note)
        for u in scenario.uncertainties
    }
    if not declared:
        raise UserError(f"{scenario.name}: the scenario declares no uncertain parameters")
    if names is None:
        return list(declared.values())
    chosen: list[UncertainParameter] = []
    for name in names:
        if name not in declared:
            raise UserError(
                f"{scenario.name}: {name!r} is not a declared uncertain parameter "
                f"(declared: {', '.join(declared)})"
            )
        if any(p.path == name for p in chosen):
            raise UserError(f"{scenario.name}: parameter {name!r} is named twice")
        chosen.append(declared[name])
    return chosen


def salib_problem(parameters: Sequence[UncertainParameter]) -> dict[str, Any]:
    """The SALib problem dictionary: ``num_vars``, ``names``, ``bounds`` and ``dists``."""
    return {
        "num_vars": len(parameters),
        "names": [p.path for p in parameters],
        "bounds": [[p.low, p.high] for p in parameters],
        "dists": [p.salib_dist for p in parameters],
    }


def with_parameters(scenario: ScenarioFile, values: Mapping[str, float], where: str) -> ScenarioFile:
    """The scenario with every ``path -> value`` in ``values`` set, then validated again as a whole.

    An integer-valued field (``tension.half_life_days`` may be written as 30) accepts the float the
    sampler gives; a value the file format refuses (outside a field's own bounds) is a UserError naming
    ``where`` and the parameter.
    """
    data = scenario.model_dump(mode="json")
    for path, value in values.items():
        set_path(data, path, float(value), where)
    label = ", ".join(f"{path} = {value:.6g}" for path, value in values.items())
    return scenario_from_mapping(data, f"{where} ({label})")
