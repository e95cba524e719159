"""User-defined levers from a YAML file, validated with pydantic like scenario files.

A lever file holds one mapping, ``levers``, from a lever name to what the lever changes::

    levers:
      hotline:
        summary: A hotline that checks most alarms
        why: The 1963 Moscow-Washington hotline
        sources: ["Memorandum of understanding, 20 June 1963"]
        channels:
          direct: {enabled: true, delay_days: 0.1, verify: 0.9}
      no-tests:
        summary: North Korea stops testing for good
        forbid: {DPRK: [missile_test, nuclear_test]}
        set: {actors.DPRK.resolve.alpha: 3.0}

``set`` overrides parameters by dotted path into the scenario; ``add`` and ``forbid`` change repertoires
(the actor key ``both`` means every principal); ``channels`` opens or closes the direct channel and
mediators. Opening a private channel also adds private messages and private concessions to both
principals' repertoires, as the built-in channel levers do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from brinkmanship.errors import UserError
from brinkmanship.model.ladder import ACTION_INDEX
from brinkmanship.policies.builtin import PRIVATE_ACTIONS
from brinkmanship.policies.edits import PROTECTED_FIELDS, Edits, check_override
from brinkmanship.policies.lever import Lever, Targets, resolve_actor
from brinkmanship.scenario.loader import format_validation_error, read_mapping
from brinkmanship.scenario.schema import Flag, NonNegative, Number, Probability, ScenarioFile, Strict

LeverName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
ALL_PRINCIPALS = "both"


class _Strict(BaseModel):
    # The scenario schema's configuration (unknown keys refused, numbers finite), kept in one place.
    model_config = Strict.model_config


class DirectChange(_Strict):
    """Changes to the direct channel; fields left out keep the scenario's values."""

    enabled: Flag | None = None
    noise: NonNegative | None = None
    delay_days: Annotated[Number, Field(ge=0.0, le=30.0)] | None = None
    verify: Probability | None = None


class ChannelChange(_Strict):
    """Channel changes: the direct channel, the public channel's noise, mediators on or off."""

    direct: DirectChange | None = None
    public_noise: NonNegative | None = None
    mediators: dict[str, Flag] = {}


def _known_action(action: str) -> str:
    if action not in ACTION_INDEX:
        raise ValueError(f"unknown action {action!r} (known: {', '.join(ACTION_INDEX)})")
    return action


ActionName = Annotated[str, AfterValidator(_known_action)]


class LeverSpec(_Strict):
    """One user-defined lever."""

    summary: str = Field("", description="one line")
    why: str = Field("", description="the mechanism and the evidence")
    sources: list[str] = []
    set: dict[str, Any] = Field({}, description="dotted parameter path -> value")
    add: dict[str, list[ActionName]] = Field({}, description="principal (or 'both') -> actions added")
    forbid: dict[str, list[ActionName]] = Field({}, description="principal (or 'both') -> actions removed")
    channels: ChannelChange | None = None

    @field_validator("set")
    @classmethod
    def _known_paths(cls, overrides: dict[str, Any]) -> dict[str, Any]:
        for path in overrides:
            head = path.split(".")[0]
            if any(part == "" for part in path.split(".")):
                raise ValueError(f"malformed parameter path {path!r}")
            if head not in ScenarioFile.model_fields:
                raise ValueError(f"{path!r}: {head!r} is not a field of a scenario")
            if head in PROTECTED_FIELDS:
                raise ValueError(f"{path!r}: {head!r} defines the crisis and cannot be changed by a lever")
            if head == "consequences":
                # What a war costs is computed once per scenario and shared by every policy (deaths are
                # paired across policies): a lever setting it ran with the deaths unchanged, without a word.
                raise ValueError(
                    f"{path!r}: what a war costs is the scenario's, the same under every policy; a lever "
                    "cannot change it"
                )
            if not _finite(overrides[path]):
                raise ValueError(f"{path!r}: every number must be finite (no NaN or infinity)")
            check_override(path, overrides[path])
        return overrides

    @model_validator(mode="after")
    def _changes_something(self) -> LeverSpec:
        if not (self.set or self.add or self.forbid or self.channels):
            raise ValueError("the lever changes nothing (give set, add, forbid or channels)")
        return self


def _finite(value: Any) -> bool:
    """No NaN or infinity anywhere in a value (the scenario's schema checks the rest once applied)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(item) for item in value.values())
    if isinstance(value, list):
        return all(_finite(item) for item in value)
    return True


class LeverFile(_Strict):
    """A file of user-defined levers."""

    levers: dict[LeverName, LeverSpec] = Field(min_length=1)


def _actors(scenario: ScenarioFile, table: dict[str, list[str]], where: str) -> dict[str, frozenset[str]]:
    result: dict[str, frozenset[str]] = {}
    for key, actions in table.items():
        names = scenario.principals if key == ALL_PRINCIPALS else [resolve_actor(scenario, key, where)]
        for name in names:
            result[name] = result.get(name, frozenset()) | frozenset(actions)
    return result


def _builder(name: str, spec: LeverSpec, origin: str) -> Callable[[ScenarioFile, Targets], Edits]:
    where = f"{origin}: levers.{name}"

    def build(scenario: ScenarioFile, targets: Targets) -> Edits:
        overrides = dict(spec.set)
        add = _actors(scenario, spec.add, f"{where}.add")
        opens_private = False
        if spec.channels is not None:
            if spec.channels.direct is not None:
                for field, value in spec.channels.direct.model_dump(exclude_none=True).items():
                    overrides[f"channels.direct.{field}"] = value
                opens_private = spec.channels.direct.enabled is True
            if spec.channels.public_noise is not None:
                overrides["channels.public.noise"] = spec.channels.public_noise
            for mediator, active in spec.channels.mediators.items():
                actor = scenario.actors.get(mediator)
                if actor is None or getattr(actor, "role", "") != "mediator":
                    known = [k for k, a in scenario.actors.items() if getattr(a, "role", "") == "mediator"]
                    raise UserError(
                        f"{where}.channels.mediators: {mediator!r} is not a mediator of {scenario.name} "
                        f"(mediators: {', '.join(known) or 'none'})"
                    )
                overrides[f"actors.{mediator}.active"] = active
                opens_private = opens_private or active
        if opens_private:
            for principal in scenario.principals:
                add[principal] = add.get(principal, frozenset()) | PRIVATE_ACTIONS
        return Edits(set=overrides, add=add, forbid=_actors(scenario, spec.forbid, f"{where}.forbid"))

    return build


def levers_from_mapping(data: dict[str, Any], origin: str) -> list[Lever]:
    """Validate a parsed lever file; ``origin`` (the file) is named in every error."""
    try:
        parsed = LeverFile.model_validate(data)
    except ValidationError as error:
        raise UserError(format_validation_error(error, origin)) from None
    return [
        Lever(
            name=name,
            summary=spec.summary or f"user-defined lever from {origin}",
            changes=_capitalised("; ".join(_describe(spec))),
            why=spec.why,
            sources=tuple(spec.sources),
            build=_builder(name, spec, origin),
            origin=origin,
        )
        for name, spec in parsed.levers.items()
    ]


def _describe(spec: LeverSpec) -> list[str]:
    """What a user's lever changes, in words (the ``changes`` of ``brink policies`` and the briefing): no
    Python literal (a dict, a list, quotes, True) reaches the reader."""
    parts = [f"sets {path} to {value}" for path, value in _flatten(spec.set)]
    parts += [f"adds {', '.join(actions)} for {_whom(actor)}" for actor, actions in spec.add.items()]
    parts += [f"forbids {', '.join(actions)} for {_whom(actor)}" for actor, actions in spec.forbid.items()]
    if spec.channels is not None:
        parts += _describe_channels(spec.channels)
    return parts


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _whom(actor: str) -> str:
    return "both principals" if actor == ALL_PRINCIPALS else actor


def _text(value: Any) -> str:
    """A value as a reader writes it: true / false, numbers as given, lists joined with commas."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_text(item) for item in value) + "]"
    if value is None:
        return "null"
    return str(value)


def _flatten(overrides: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Dotted paths and their values in words; a mapping given as a value becomes one path per entry."""
    pairs: list[tuple[str, str]] = []
    for key, value in overrides.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            pairs += _flatten(value, f"{path}.")
        else:
            pairs.append((path, _text(value)))
    return pairs


def _describe_channels(channels: ChannelChange) -> list[str]:
    """A lever's channel changes in words: 'opens the direct channel (delay 0.1 days, verification 0.9)'."""
    parts: list[str] = []
    direct = channels.direct
    if direct is not None:
        settings = []
        if direct.noise is not None:
            settings.append(f"noise {direct.noise:g}")
        if direct.delay_days is not None:
            settings.append(f"delay {direct.delay_days:g} days")
        if direct.verify is not None:
            settings.append(f"verification {direct.verify:g}")
        detail = ", ".join(settings)
        if direct.enabled is True:
            parts.append("opens the direct channel" + (f" ({detail})" if detail else ""))
        elif direct.enabled is False:
            parts.append("closes the direct channel" + (f" (and sets its {detail})" if detail else ""))
        elif detail:
            parts.append(f"sets the direct channel's {detail}")
    if channels.public_noise is not None:
        parts.append(f"sets the public channel's noise to {channels.public_noise:g}")
    for mediator, active in channels.mediators.items():
        parts.append(f"{'activates' if active else 'deactivates'} the mediator {mediator}")
    if (direct is not None and direct.enabled is True) or any(channels.mediators.values()):
        parts.append(f"adds {', '.join(sorted(PRIVATE_ACTIONS))} for both principals (a private channel)")
    return parts


def load_lever_file(path: str | Path) -> list[Lever]:
    """The levers defined in a YAML file; errors name the file and the field."""
    path = Path(path)
    return levers_from_mapping(read_mapping(path), str(path))
