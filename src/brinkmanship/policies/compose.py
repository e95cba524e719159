"""Policies from text (``restraint:us+direct-channel``), contradictions, and applying them to a scenario."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from brinkmanship.errors import UserError
from brinkmanship.policies.builtin import BUILTIN_LEVERS, PACKAGES, STRATEGY_LEVERS
from brinkmanship.policies.edits import Edits, apply_edits, split_path
from brinkmanship.policies.lever import Lever, LeverChoice, Policy
from brinkmanship.scenario.loader import scenario_from_mapping
from brinkmanship.scenario.schema import ScenarioFile, ThirdParty

BASELINE = "baseline"
LEVER_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class Catalogue:
    """The levers and named packages a policy may use: the built-ins plus any a user defined."""

    def __init__(
        self,
        levers: Iterable[Lever],
        packages: Mapping[str, tuple[str, str]],
        on_request: Iterable[str] = (),
    ) -> None:
        self.levers: dict[str, Lever] = {}
        for lever in levers:
            self.levers[lever.name] = lever
        self.packages = dict(packages)
        self.on_request = frozenset(on_request)
        """Levers left out of the default comparison (Leng's strategies): used when named."""

    @classmethod
    def builtin(cls) -> Catalogue:
        """The built-in levers and packages."""
        return cls([*BUILTIN_LEVERS, *STRATEGY_LEVERS], PACKAGES, [lever.name for lever in STRATEGY_LEVERS])

    def with_levers(self, levers: Iterable[Lever]) -> Catalogue:
        """A catalogue with user-defined levers added; a name already taken is an error."""
        extra = list(levers)
        for lever in extra:
            taken = self.levers.get(lever.name)
            if taken is not None and taken.origin != "built-in":
                raise UserError(
                    f"{lever.origin}: levers.{lever.name}: the name is already defined in {taken.origin}"
                )
            if taken is not None or lever.name in self.packages or lever.name == BASELINE:
                raise UserError(f"{lever.origin}: levers.{lever.name}: the name is taken by a built-in lever")
        return Catalogue([*self.levers.values(), *extra], self.packages, self.on_request)

    def known(self) -> str:
        """Every name a policy may use, for error messages."""
        return ", ".join([*self.levers, *self.packages])

    def parse(self, text: str) -> Policy:
        """A policy from ``lever[:actor]+lever...``, a package name, or ``baseline``. Lever and package
        names are read in any case (they are lower case in the catalogue, and `brink play`'s ``pull`` took
        ``RESTRAINT`` where ``-p RESTRAINT`` was unknown); the policy is named in lower case."""
        name = "+".join(_lower_lever(token.strip()) for token in text.strip().split("+"))
        if name == BASELINE:
            return Policy(BASELINE)
        if name in self.packages:
            expansion, _ = self.packages[name]
            return Policy(name, self._choices(expansion, name), expansion)
        return Policy(name, self._choices(name, name))

    def _choices(self, text: str, policy: str) -> tuple[LeverChoice, ...]:
        choices: list[LeverChoice] = []
        for token in text.split("+"):
            token = token.strip()
            lever_name, _, qualifier = token.partition(":")
            if not lever_name:
                raise UserError(f"policy {policy!r}: empty lever name (levers are joined by '+')")
            if lever_name in self.packages:
                if ":" in token:  # editorial:us read as the whole package on both sides
                    raise UserError(f"policy {policy!r}: package {lever_name!r} takes no ':actor'")
                choices.extend(self._choices(self.packages[lever_name][0], policy))
                continue
            lever = self.levers.get(lever_name)
            if lever is None:
                hint = " ('baseline' stands alone)" if lever_name == BASELINE else ""
                raise UserError(
                    f"policy {policy!r}: unknown lever {lever_name!r}{hint} (known: {self.known()})"
                )
            if qualifier and not lever.qualifiable:
                raise UserError(
                    f"policy {policy!r}: lever {lever_name!r} acts on both sides and takes no ':actor'"
                )
            if ":" in token and not qualifier:
                raise UserError(f"policy {policy!r}: {token!r} has ':' but no actor after it")
            choice = LeverChoice(lever, qualifier or None)
            choices.append(choice)
        _refuse_repeats(choices, policy)  # a package's levers too (restraint+editorial)
        return tuple(choices)

    def default_policies(self, scenario: ScenarioFile) -> tuple[list[Policy], list[str]]:
        """Every lever and package that applies to ``scenario``, and a note on each that does not.

        Levers that leave the scenario as it is (``maximum-pressure`` in korea-2017) are kept: the
        comparison runs them once, with the baseline, and shows them as the same scenario.
        """
        policies: list[Policy] = []
        notes: list[str] = []
        for name in [*self.levers, *self.packages]:
            if name in self.on_request:
                continue
            policy = self.parse(name)
            try:
                apply_policy(scenario, policy)
            except UserError as error:
                notes.append(f"{name}: not applicable ({error})")
                continue
            policies.append(policy)
        return policies, notes


def _refuse_repeats(choices: list[LeverChoice], policy: str) -> None:
    """Refuse the same lever twice in one policy, as written or through a package, where that is known
    without the scenario: twice on its default sides, twice on the same actor as written, or once on its
    default sides and once on one actor when its default is both sides (restraint + restraint:us). On two
    different actors it is two choices (restraint:us + restraint:dprk); whether a lever whose default is
    one side (bullying) and the same lever on an actor (bullying:dprk) overlap, or two spellings of one
    actor (restraint:us + restraint:united states), is known in the scenario (:func:`_refuse_overlaps`)."""
    for k, choice in enumerate(choices):
        for earlier in choices[:k]:
            if earlier.lever.name == choice.lever.name and (
                (earlier.qualifier is None and choice.qualifier is None)
                or (
                    (earlier.qualifier is None or choice.qualifier is None)
                    and choice.lever.default_targets in ("both", "none")
                )
                or (
                    earlier.qualifier is not None
                    and choice.qualifier is not None
                    and earlier.qualifier.strip().lower() == choice.qualifier.strip().lower()
                )
            ):
                _twice(earlier, choice, policy)


def _refuse_overlaps(choices: list[LeverChoice], scenario: ScenarioFile, policy: str) -> None:
    """Refuse the same lever twice on one principal of ``scenario`` (bullying + bullying:us, whose default
    is the first principal; restraint:us + restraint:united states)."""
    for k, choice in enumerate(choices):
        for earlier in choices[:k]:
            if earlier.lever.name == choice.lever.name and set(earlier.targets(scenario)) & set(
                choice.targets(scenario)
            ):
                _twice(earlier, choice, policy)


def _twice(earlier: LeverChoice, choice: LeverChoice, policy: str) -> None:
    both = "" if earlier.label == choice.label else f" ({earlier.label}, {choice.label})"
    raise UserError(f"policy {policy!r}: lever {choice.lever.name!r} appears twice{both}")


def _halted(edits: Edits, scenario: ScenarioFile) -> dict[str, set[str]]:
    """Actions a lever halts by putting a freeze in force (for contradiction checks)."""
    if edits.set.get("freeze.active") is not True:
        return {}
    terms = edits.set.get("freeze.terms", scenario.freeze.model_dump()["terms"])
    return {name: set(actions) for name, actions in terms.items()}


def _overlap(a: str, b: str) -> bool:
    pa, pb = split_path(a), split_path(b)
    shorter = min(len(pa), len(pb))
    return pa[:shorter] == pb[:shorter]


def check_contradictions(
    policy: Policy, resolved: list[tuple[LeverChoice, Edits]], scenario: ScenarioFile
) -> None:
    """Refuse levers that pull the same parameter or action in opposite directions.

    Two levers contradict when they set the same parameter (or one inside the other) to different
    values, when one adds an action the other forbids for the same actor, or when one relies on an
    action the other's freeze halts (``maximum-pressure+freeze-for-freeze``).
    """
    where = f"policy {policy.name!r}"
    for i, (first, a) in enumerate(resolved):
        for second, b in resolved[i + 1 :]:
            for path_a, value_a in a.set.items():
                for path_b, value_b in b.set.items():
                    if _overlap(path_a, path_b) and (path_a != path_b or value_a != value_b):
                        raise UserError(
                            f"{where}: contradictory levers: {first.label} sets {path_a} = {_short(value_a)} "
                            f"but {second.label} sets {path_b} = {_short(value_b)}"
                        )
            for (x, ex), (y, ey) in (((first, a), (second, b)), ((second, b), (first, a))):
                halts = _halted(ey, scenario)
                for actor, actions in ex.add.items():
                    blocks = (
                        ("forbids", ey.forbid.get(actor, frozenset())),
                        ("freezes", halts.get(actor, set())),
                    )
                    for verb, blocked in blocks:
                        clash = sorted(actions & blocked)
                        if clash:
                            raise UserError(
                                f"{where}: contradictory levers: {x.label} relies on {actor}'s "
                                f"{', '.join(clash)} but {y.label} {verb} it"
                            )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _act_layout(scenario: ScenarioFile) -> list[tuple[str, int]]:
    return [(k, len(a.acts)) for k, a in scenario.actors.items() if isinstance(a, ThirdParty)]


def apply_policy(scenario: ScenarioFile, policy: Policy) -> ScenarioFile:
    """The scenario with the policy's levers applied, validated again like a scenario file.

    Raises:
        UserError: a lever does not fit the scenario, levers contradict, or the result is invalid.
    """
    if policy.is_baseline:
        return scenario
    resolved = []
    for choice in policy.choices:
        edits = choice.edits(scenario)
        resolved.append((choice, edits))
    _refuse_overlaps(list(policy.choices), scenario, policy.name)
    check_contradictions(policy, resolved, scenario)
    data = scenario.model_dump(mode="json")
    for choice, edits in resolved:
        origin = "" if choice.lever.origin == "built-in" else f" ({choice.lever.origin})"
        where = f"lever {choice.label}{origin}"
        apply_edits(data, edits, list(scenario.principals), where)
    files = sorted({choice.lever.origin for choice, _ in resolved if choice.lever.origin != "built-in"})
    source = f" from {', '.join(files)}" if files else ""  # a user's lever: name the file that defines it
    applied = scenario_from_mapping(data, f"{scenario.name} under policy {policy.name!r}{source}")
    if _act_layout(applied) != _act_layout(scenario):
        raise UserError(
            f"policy {policy.name!r}: adds or removes third-party actors or acts, which would break common "
            "random numbers; change an act's rate (0 switches it off) or an actor's 'active' instead"
        )
    return applied


def describe_changes(before: ScenarioFile, after: ScenarioFile) -> list[str]:
    """What differs between two scenarios, one ``path: old -> new`` line per changed parameter."""
    lines: list[str] = []
    _diff(before.model_dump(mode="json"), after.model_dump(mode="json"), "", lines)
    return lines


def _diff(old: Any, new: Any, path: str, lines: list[str]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            _diff(old.get(key), new.get(key), f"{path}.{key}" if path else str(key), lines)
    elif (
        isinstance(old, list)
        and isinstance(new, list)
        and len(old) == len(new)
        and all(isinstance(x, dict) for x in old)
    ):
        for index, (x, y) in enumerate(zip(old, new, strict=True)):
            _diff(x, y, f"{path}.{index}", lines)
    elif isinstance(old, list) and isinstance(new, list) and old != new:
        added = [x for x in new if x not in old]
        removed = [x for x in old if x not in new]
        parts = ([f"+{', +'.join(map(str, added))}"] if added else []) + (
            [f"-{', -'.join(map(str, removed))}"] if removed else []
        )
        lines.append(f"{path}: {' '.join(parts)}")
    elif old != new:
        lines.append(f"{path}: {old} -> {new}")


def _lower_lever(token: str) -> str:
    """``token`` (``lever`` or ``lever:actor``) with the lever's name in lower case; an actor is matched in
    any case where it is resolved."""
    lever, colon, actor = token.partition(":")
    return lever.lower() + colon + actor
