"""Load a scenario by built-in name or from a YAML/JSON file; errors name the file and the field."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from brinkmanship.errors import UserError
from brinkmanship.safe_yaml import parse_yaml, read_yaml
from brinkmanship.scenario.schema import ScenarioFile

BUILTIN_PACKAGE = "brinkmanship.scenario.builtin"


def builtin_names() -> list[str]:
    """Names of the scenarios shipped inside the package."""
    folder = resources.files(BUILTIN_PACKAGE)
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


UNION_TAGS = ("principal", "third_party", "mediator")
"""The ``role`` values that select an actor's model: pydantic puts them in an error's location."""


def format_validation_error(error: ValidationError, where: str, prefix: str = "") -> str:
    """The first problem of a pydantic error as one line: ``where: field.path: message`` (the field path
    after ``prefix``, when the validated mapping sits inside a larger file)."""
    first = error.errors()[0]
    # A tagged union adds its tag to the location (actors.US.principal.strategy): the file has no such key.
    parts = list(first["loc"])
    if len(parts) > 2 and parts[0] == "actors" and parts[2] in UNION_TAGS:
        del parts[2]
    location = ".".join(str(part) for part in ((prefix,) if prefix else ()) + tuple(parts))
    location = location or "(top level)"
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown key"
    elif first["type"] == "missing":
        message = "required field is missing"
    more = len(error.errors()) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{where}: {location}: {message}{suffix}"


def read_mapping(path: Path) -> dict[str, Any]:
    """Parse a YAML (or JSON) file into a mapping, with one-line errors (limits: :mod:`safe_yaml`)."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of fields at the top level")
    return data


def scenario_from_mapping(data: dict[str, Any], where: str) -> ScenarioFile:
    """Validate a parsed mapping; ``where`` names its origin in error messages."""
    try:
        return ScenarioFile.model_validate(data)
    except ValidationError as error:
        raise UserError(format_validation_error(error, where)) from None


def builtin_mapping(name: str) -> dict[str, Any]:
    """The raw mapping of a built-in scenario."""
    resource = resources.files(BUILTIN_PACKAGE) / f"{name}.yaml"
    data = parse_yaml(resource.read_text(encoding="utf-8"), f"built-in scenario {name}")
    assert isinstance(data, dict)
    return data


def load_scenario(name_or_path: str) -> ScenarioFile:
    """A built-in scenario by name, or a user's file by path; references are checked before it is used."""
    # Imported here: the reference checks use the effects and policy tables, which import this module.
    from brinkmanship.scenario.references import check_references

    if name_or_path in builtin_names():
        where = f"built-in scenario {name_or_path}"
        scenario = scenario_from_mapping(builtin_mapping(name_or_path), where)
    else:
        path = Path(name_or_path)
        if not (path.suffix.lower() in (".yaml", ".yml", ".json") or path.exists()):
            known = ", ".join(builtin_names())
            raise UserError(f"unknown scenario {name_or_path!r}: not a built-in ({known}) nor a file")
        where = str(path)
        scenario = scenario_from_mapping(read_mapping(path), where)
    check_references(scenario, where)
    return scenario
