"""What a lever does to a scenario, as data: parameter overrides, added and forbidden actions.

A lever never touches the kernel. It edits the scenario's mapping (``ScenarioFile.model_dump``), and
the edited mapping is validated again like any scenario file, so a lever can only produce a scenario a
user could have written by hand.
"""

from __future__ import annotations

import copy
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from brinkmanship.errors import UserError
from brinkmanship.scenario.loader import plain_message
from brinkmanship.scenario.schema import ScenarioFile

PROTECTED_FIELDS = (
    "name",
    "title",
    "description",
    "start_date",
    "horizon_days",
    "principals",
    "uncertainties",
    # The recorded run-up the crisis burns in from: every policy starts from the same burned-in paths (a
    # lever editing it stopped compare with a ValueError traceback).
    "prelude",
)
"""Top-level fields a lever may not change: they define the crisis and its horizon, not a policy."""


@dataclass(frozen=True)
class Edits:
    """The changes one lever makes to one scenario.

    Attributes:
        set: dotted path (``channels.direct.enabled``, ``actors.US.voices.0.hawkishness``) -> new value.
        add: principal -> actions added to its repertoire (the lever relies on them).
        forbid: principal -> actions removed from its repertoire.
    """

    set: Mapping[str, Any] = field(default_factory=dict)
    add: Mapping[str, frozenset[str]] = field(default_factory=dict)
    forbid: Mapping[str, frozenset[str]] = field(default_factory=dict)


def split_path(path: str) -> list[str]:
    """The segments of a dotted path; empty segments are an error."""
    parts = path.split(".")
    if not path or any(part == "" for part in parts):
        raise UserError(f"malformed parameter path {path!r}: expected names separated by dots")
    return parts


def get_path(data: Any, path: str, where: str) -> Any:
    """The value at ``path`` inside nested mappings and lists; a missing step names the path."""
    node = data
    walked: list[str] = []
    for part in split_path(path):
        node = _child(node, part, walked, path, where)
        walked.append(part)
    return node


def set_path(data: dict[str, Any], path: str, value: Any, where: str) -> None:
    """Set ``path`` to ``value`` in place.

    Every step but the last must exist. The last may be a new key of a mapping: whether that key is
    allowed is decided by validating the edited scenario (unknown keys of the file format are errors).
    """
    parts = split_path(path)
    if parts[0] in PROTECTED_FIELDS:
        raise UserError(
            f"{where}: {path!r} cannot be changed by a lever (it defines the crisis, not a policy)"
        )
    node: Any = data
    for index, part in enumerate(parts[:-1]):
        node = _child(node, part, parts[:index], path, where)
    last = parts[-1]
    if isinstance(node, list):
        position = _list_index(node, last, path, where)
        node[position] = copy.deepcopy(value)
    elif isinstance(node, dict):
        node[last] = copy.deepcopy(value)
    else:
        raise UserError(f"{where}: {path!r}: {'.'.join(parts[:-1])} is a value, not a group of parameters")


def _child(node: Any, part: str, walked: list[str], path: str, where: str) -> Any:
    if isinstance(node, dict):
        if part not in node:
            here = ".".join(walked) or "the scenario"
            known = ", ".join(str(key) for key in node) or "none"
            raise UserError(f"{where}: no parameter {path!r} ({here} has: {known})")
        return node[part]
    if isinstance(node, list):
        return node[_list_index(node, part, path, where)]
    raise UserError(f"{where}: no parameter {path!r} ({'.'.join(walked)} is a value)")


def _list_index(node: list[Any], part: str, path: str, where: str) -> int:
    if not part.isdigit() or int(part) >= len(node):
        raise UserError(f"{where}: {path!r}: {part!r} is not an index of a list of {len(node)} entries")
    return int(part)


def apply_edits(data: dict[str, Any], edits: Edits, principals: list[str], where: str) -> None:
    """Apply ``edits`` to a scenario mapping in place (overrides first, then repertoire changes)."""
    for path, value in edits.set.items():
        set_path(data, path, value, where)
    for name, actions in edits.add.items():
        repertoire = _repertoire(data, name, principals, where)
        repertoire.extend(action for action in sorted(actions) if action not in repertoire)
    for name, actions in edits.forbid.items():
        repertoire = _repertoire(data, name, principals, where)
        repertoire[:] = [action for action in repertoire if action not in actions]
        if not repertoire:
            raise UserError(f"{where}: forbids every action of {name}; keep at least 'hold'")


def _repertoire(data: dict[str, Any], name: str, principals: list[str], where: str) -> list[str]:
    if name not in principals:
        raise UserError(f"{where}: {name!r} is not a principal (principals: {', '.join(principals)})")
    repertoire = data["actors"][name]["repertoire"]
    assert isinstance(repertoire, list)
    return repertoire


def check_override(path: str, value: Any) -> None:
    """Check that ``path`` names a parameter of the scenario format and ``value`` fits its type and range,
    whatever the scenario: a lever file is then refused as it is read, by every command (``brink
    policies`` lists levers without applying them). What depends on the scenario (its actor keys, the
    length of its lists, a field's own checks such as known action names) is checked where the lever is
    applied.

    Raises:
        ValueError: naming the path, and what is wrong with it or with the value.
    """
    kind = parameter_type(path)
    if kind is None:
        return  # a field that reads its input in its own way: checked where the lever is applied
    try:
        TypeAdapter(kind).validate_python(value)
    except ValidationError as error:
        first = error.errors()[0]
        inside = ".".join(str(step) for step in first["loc"])
        message = plain_message(first)
        raise ValueError(f"{path}{'.' + inside if inside else ''}: {message}") from None


def parameter_type(path: str) -> Any:
    """The type of the scenario format's parameter at ``path`` (list entries and mapping keys, which
    depend on the scenario, taken on trust), or None for a field that reads its input in its own way.

    Raises:
        ValueError: a malformed path, or one the scenario format has no parameter at.
    """
    parts = path.split(".")
    if any(part == "" for part in parts):
        raise ValueError(f"malformed parameter path {path!r}: expected names separated by dots")
    kind: Any = ScenarioFile
    for depth, part in enumerate(parts):
        kind = _member(kind, part, path, ".".join(parts[:depth]) or "a scenario")
        if kind is None:
            return None
    return kind


def _member(kind: Any, part: str, path: str, parent: str) -> Any:
    """The type of ``part`` inside a value of type ``kind`` (a model's field, a list's item, a mapping's
    value), or None for a model field that reads its input in its own way; a field no model of ``kind``
    has is refused."""
    found = []
    for choice in _choices(kind):
        if isinstance(choice, type) and issubclass(choice, BaseModel):
            info = choice.model_fields.get(part)
            if info is None:
                continue
            # A validator run before the type's own may accept what the type alone would not (the
            # strategy's spelling 'trial-and-error'); one run after only refuses more.
            validators = choice.__pydantic_decorators__.field_validators.values()
            if any(part in v.info.fields and v.info.mode != "after" for v in validators):
                return None
            found.append(Annotated[info.annotation, info])
        elif get_origin(choice) is dict:
            found.append(get_args(choice)[1])
        elif get_origin(choice) is list and part.isdigit():
            found.append(get_args(choice)[0])
    if not found:
        raise ValueError(f"no parameter {path!r} in the scenario format ({parent} has no {part!r})")
    return found[0] if len(found) == 1 else Union[tuple(found)]  # noqa: UP007 - a union built at run time


def _choices(kind: Any) -> list[Any]:
    """The types a value of type ``kind`` may have: the members of a union (None left out), each stripped
    of ``Annotated``."""
    while get_origin(kind) is Annotated:
        kind = get_args(kind)[0]
    if get_origin(kind) not in (Union, types.UnionType):
        return [kind]
    return [choice for member in get_args(kind) if member is not type(None) for choice in _choices(member)]
