"""Levers and policies: the editorial's ways out of the crisis, and a user's own, as changes to a scenario.

Typical use::

    catalogue = Catalogue.builtin()
    policy = catalogue.parse("restraint+direct-channel")
    scenario = apply_policy(load_scenario("korea-2017"), policy)
"""

from __future__ import annotations

from pathlib import Path

from brinkmanship.errors import UserError
from brinkmanship.policies.builtin import BUILTIN_LEVERS, PACKAGES
from brinkmanship.policies.compose import BASELINE, Catalogue, apply_policy, describe_changes
from brinkmanship.policies.edits import Edits
from brinkmanship.policies.lever import Lever, LeverChoice, Policy
from brinkmanship.policies.userfile import levers_from_mapping, load_lever_file
from brinkmanship.scenario.schema import ScenarioFile

__all__ = [
    "BASELINE",
    "BUILTIN_LEVERS",
    "PACKAGES",
    "Catalogue",
    "Edits",
    "Lever",
    "LeverChoice",
    "Policy",
    "apply_policy",
    "catalogue_for",
    "check_policy",
    "describe_changes",
    "levers_from_mapping",
    "load_lever_file",
]


def catalogue_for(policy_files: list[str] | None = None) -> Catalogue:
    """The built-in catalogue plus the levers of each file in ``policy_files``."""
    catalogue = Catalogue.builtin()
    seen: set[Path] = set()
    for path in policy_files or []:
        # The same file twice would otherwise read as every lever defined twice.
        resolved = Path(path).resolve()
        if resolved in seen:
            raise UserError(f"--policy-file {path}: given twice")
        seen.add(resolved)
        catalogue = catalogue.with_levers(load_lever_file(path))
    return catalogue


def check_policy(scenario: ScenarioFile, policy: Policy) -> list[str]:
    """Apply ``policy`` to ``scenario`` and return what it changes; raise UserError if it cannot apply.

    Public, like PettingZoo's conformance checks: anyone writing a lever can call it on their scenarios.
    """
    return describe_changes(scenario, apply_policy(scenario, policy))
