"""Checks of everything a scenario refers to outside its own fields, made when it is loaded.

The schema checks each field on its own; these checks need tables from elsewhere in the package (the
theatres with a conventional-war estimate, the place names strikes can target) or the scenario as a whole
(an uncertainty's path must name one of its numeric parameters, and both ends of the range must be values
that parameter accepts). Made at load time, a mistake is refused by `show` and before any simulation,
naming the file and the field, instead of silently costing 0 lives or failing halfway through a briefing.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import ValidationError

from brinkmanship.effects.conventional import conventional_war_deaths
from brinkmanship.effects.places import find_place
from brinkmanship.errors import UserError
from brinkmanship.policies.edits import PROTECTED_FIELDS, get_path, set_path
from brinkmanship.scenario.loader import plain_message
from brinkmanship.scenario.schema import ScenarioFile


def check_references(scenario: ScenarioFile, where: str) -> None:
    """Raise :class:`UserError` naming ``where`` and the field for the first reference that fails."""
    _check_consequences(scenario, where)
    _check_uncertainties(scenario, where)


def _check_consequences(scenario: ScenarioFile, where: str) -> None:
    try:
        conventional_war_deaths(scenario.consequences.theatre)
    except UserError as error:
        raise UserError(f"{where}: consequences.{error}") from None
    for index, strike in enumerate(scenario.consequences.nuclear_strikes):
        find_place(strike.target, where=f"{where}: consequences.nuclear_strikes.{index}.target")


def _check_uncertainties(scenario: ScenarioFile, where: str) -> None:
    data = scenario.model_dump(mode="json")
    seen: set[str] = set()
    for index, uncertainty in enumerate(scenario.uncertainties):
        here = f"{where}: uncertainties.{index}"
        if uncertainty.path in seen:
            raise UserError(f"{here}.path: {uncertainty.path!r} is declared twice")
        seen.add(uncertainty.path)
        if uncertainty.low > uncertainty.high:
            raise UserError(f"{here}: low ({uncertainty.low:g}) is above high ({uncertainty.high:g})")
        path = uncertainty.path
        if not path or any(part == "" for part in path.split(".")):
            raise UserError(f"{here}.path: malformed parameter path {path!r}")
        if path.split(".")[0] in PROTECTED_FIELDS:
            raise UserError(f"{here}.path: {path!r} defines the crisis and cannot be varied")
        if path.split(".")[0] == "consequences":
            # What a war costs is computed once per scenario: every row of a sensitivity or a sweep read
            # the same deaths, and the parameter showed no effect at all (mu_star 0).
            raise UserError(
                f"{here}.path: {path!r}: what a war costs is computed once per scenario, not for each "
                "value of an uncertain parameter; it cannot be varied"
            )
        value = get_path(data, path, f"{here}.path")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise UserError(f"{here}.path: {path!r} is not a number (it holds {_short(value)})")
        for end in ("low", "high"):
            _check_end(data, path, getattr(uncertainty, end), f"{here}.{end}")


def _check_end(data: dict[str, Any], path: str, value: float, here: str) -> None:
    """The scenario with ``path`` set to ``value`` must still be a valid scenario."""
    varied = copy.deepcopy(data)  # set_path edits in place; the next end starts from the file's values
    set_path(varied, path, value, here)
    try:
        ScenarioFile.model_validate(varied)
    except ValidationError as error:
        first = error.errors()[0]
        raise UserError(f"{here}: {value:g} is not a value {path} accepts ({plain_message(first)})") from None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
