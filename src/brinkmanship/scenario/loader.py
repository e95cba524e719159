"""Load a scenario by built-in name or from a YAML/JSON file; errors name the file and the field."""

from __future__ import annotations

import re
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


NAME_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
"""The form of a scenario's and a lever's name."""

PATTERN_WORDS = {NAME_PATTERN: "lowercase letters, digits and hyphens, starting with a letter or digit"}
"""Each regular expression the file formats use, in words, for the message when a value does not match."""


def _kind_of(value: Any) -> str:
    """What a value read from a file is, in words: ``a list``, ``text``, ``a number``..."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {_short(value)}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def plain_message(first: Any) -> str:
    """A pydantic error (one of ``error.errors()``) in plain words, for every file type: ``should be a
    mapping of keys to values (got a list)`` rather than ``Input should be a valid dictionary``."""
    kind, ctx, got = first["type"], first.get("ctx") or {}, first.get("input")
    message = str(first["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    plain = {
        "extra_forbidden": "unknown key",
        "missing": "required field is missing",
        "dict_type": "should be a mapping of keys to values",
        "model_type": "should be a mapping of keys to values",
        "model_attributes_type": "should be a mapping of keys to values",
        "dataclass_type": "should be a mapping of keys to values",
        "list_type": "should be a list",
        "tuple_type": "should be a list",
        "set_type": "should be a list",
        "string_type": "should be text",
        "int_type": "should be a whole number",
        "int_parsing": "should be a whole number",
        "int_from_float": "should be a whole number",
        "float_type": "should be a number",
        "float_parsing": "should be a number",
        "finite_number": "should be a finite number",
        "bool_type": "should be true or false",
        "bool_parsing": "should be true or false",
        "date_type": "should be a date (YYYY-MM-DD)",
        "date_parsing": "should be a date (YYYY-MM-DD)",
        "date_from_datetime_parsing": "should be a date (YYYY-MM-DD)",
    }
    bounds = {
        "greater_than": ("gt", "above"),
        "greater_than_equal": ("ge", "at least"),
        "less_than": ("lt", "below"),
        "less_than_equal": ("le", "at most"),
    }
    if kind in ("extra_forbidden", "missing"):
        return plain[kind]
    if kind in plain:
        return f"{plain[kind]} (got {_kind_of(got)})"
    if kind in bounds:
        key, words = bounds[kind]
        return f"should be {words} {_number(ctx.get(key))} (got {_kind_of(got)})"
    if kind in ("literal_error", "enum"):
        return f"should be {ctx.get('expected')} (got {_kind_of(got)})"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        form = PATTERN_WORDS.get(pattern)
        if form is not None:
            return f"{_short(got)} is not a name: names are {form}"
        return f"{_short(got)} does not have the form this field takes"
    if kind == "string_too_short":
        return "should not be empty" if ctx.get("min_length") == 1 else message
    if kind == "string_too_long":
        length = len(got) if isinstance(got, str) else "more"
        return f"should have at most {ctx.get('max_length')} characters (got {length})"
    if kind in ("too_short", "too_long"):
        entries = "at least" if kind == "too_short" else "at most"
        limit = ctx.get("min_length" if kind == "too_short" else "max_length")
        noun = "entry" if limit == 1 else "entries"
        return f"should have {entries} {limit} {noun} (got {ctx.get('actual_length')})"
    if kind == "union_tag_invalid":
        tag_key = str(ctx.get("discriminator", "")).strip("'")
        return f"unknown {tag_key} {_short(ctx.get('tag'))} (known: {ctx.get('expected_tags')})"
    if kind == "union_tag_not_found":
        return f"required field {str(ctx.get('discriminator', '')).strip(chr(39))} is missing"
    return re.sub(r"^Input should be (a valid )?", "should be ", message)


def format_validation_error(error: ValidationError, where: str, prefix: str = "") -> str:
    """The first problem of a pydantic error as one line: ``where: field.path: message`` (the field path
    after ``prefix``, when the validated mapping sits inside a larger file), the message in plain words
    (:func:`plain_message`)."""
    first = error.errors()[0]
    # A tagged union adds its tag to the location (actors.US.principal.strategy): the file has no such key.
    parts = list(first["loc"])
    if len(parts) > 2 and parts[0] == "actors" and parts[2] in UNION_TAGS:
        del parts[2]
    # A mapping's key that is wrong is located at `levers.a+b.[key]`: the key is named in the message.
    if len(parts) >= 2 and parts[-1] == "[key]":
        del parts[-2:]
    location = ".".join(str(part) for part in ((prefix,) if prefix else ()) + tuple(parts))
    location = location or "(top level)"
    message = plain_message(first)
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

    if not name_or_path.strip():  # Path("") is "." (the current folder): say what is wrong instead
        known = ", ".join(builtin_names())
        raise UserError(f"no scenario given: name a built-in ({known}) or a scenario file")
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
