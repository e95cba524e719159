"""Levers (what a decision-maker controls) and policies (levers pulled together).

Vocabulary from policy analysis (EMA Workbench; Kwakkel 2017): *uncertainties* are what nobody controls,
*levers* what a decision-maker controls, *outcomes* what the model reports. A lever is data plus a pure
function from a scenario to :class:`~brinkmanship.policies.edits.Edits`; a policy is an ordered set of
lever choices, written ``restraint:us+direct-channel``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from brinkmanship.errors import UserError
from brinkmanship.policies.edits import Edits
from brinkmanship.scenario.schema import Principal, ScenarioFile

Targets = tuple[str, ...]
"""Principal names (scenario keys) a lever acts on."""
DefaultTargets = Literal["both", "first", "second", "none"]


@dataclass(frozen=True)
class Lever:
    """One lever: what it is, what it changes, why, and the change itself.

    Attributes:
        name: identifier used on the command line (``restraint``).
        summary: one line for tables.
        changes: what it changes in the model's mechanics.
        why: the mechanism and the evidence for it.
        sources: citations.
        build: ``(scenario, targets) -> Edits``; raises :class:`UserError` if the scenario cannot carry it.
        default_targets: principals acted on without a qualifier; ``none`` = the lever is not per-actor
            and refuses a qualifier.
        origin: ``built-in`` or the file that defined it.
    """

    name: str
    summary: str
    changes: str
    why: str
    sources: tuple[str, ...]
    build: Callable[[ScenarioFile, Targets], Edits]
    default_targets: DefaultTargets = "none"
    origin: str = "built-in"

    @property
    def qualifiable(self) -> bool:
        """Whether ``name:actor`` is accepted."""
        return self.default_targets != "none"


@dataclass(frozen=True)
class LeverChoice:
    """A lever as pulled in a policy, possibly limited to one actor (``restraint:us``)."""

    lever: Lever
    qualifier: str | None = None

    @property
    def label(self) -> str:
        return self.lever.name if self.qualifier is None else f"{self.lever.name}:{self.qualifier}"

    def targets(self, scenario: ScenarioFile) -> Targets:
        """The principals this choice acts on in ``scenario``."""
        principals = tuple(scenario.principals)
        if self.qualifier is None:
            return {
                "both": principals,
                "first": principals[:1],
                "second": principals[1:],
                "none": principals,
            }[self.lever.default_targets]
        return (resolve_actor(scenario, self.qualifier, f"lever {self.label}"),)

    def edits(self, scenario: ScenarioFile) -> Edits:
        """The lever's edits for ``scenario``; errors name the lever and, for user levers, its file."""
        return self.lever.build(scenario, self.targets(scenario))


@dataclass(frozen=True)
class Policy:
    """Levers pulled together. The empty policy is the scenario's own posture (``baseline``).

    Attributes:
        name: what the user wrote, or a package's name (``editorial``).
        choices: the levers in order.
        expansion: for a named package, the composition it stands for.
    """

    name: str
    choices: tuple[LeverChoice, ...] = ()
    expansion: str = ""

    @property
    def is_baseline(self) -> bool:
        return not self.choices


def resolve_actor(scenario: ScenarioFile, qualifier: str, where: str) -> str:
    """Map ``us`` / ``dprk`` / ``united states`` to the principal's key, case-insensitively."""
    wanted = qualifier.strip().lower()
    for name in scenario.principals:
        actor = scenario.actors[name]
        assert isinstance(actor, Principal)
        if wanted in (name.lower(), actor.name.lower()):
            return name
    known = ", ".join(name.lower() for name in scenario.principals)
    raise UserError(f"{where}: {qualifier!r} is not a principal of {scenario.name} (use one of: {known})")
