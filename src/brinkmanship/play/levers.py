"""The ways out a player can pull in a game: each lever or package of the catalogue on top of those in force.

A lever in a game is what `brink compare` measures, pulled from the game's day on rather than from the
start date: the scenario with the lever applied (:func:`brinkmanship.policies.apply_policy`), its talks and
freeze laid over the world (as a forecast from a replayed date lays them, ``engine.ensemble.run_chunk``).
"""

from __future__ import annotations

from dataclasses import dataclass

from brinkmanship.errors import UserError
from brinkmanship.policies import Catalogue, Policy, apply_policy, catalogue_for
from brinkmanship.scenario.compiled import CompiledScenario, compile_scenario
from brinkmanship.scenario.schema import ScenarioFile

STRATEGY = "one of Leng's strategies, a way of bargaining rather than a lever to pull: give it with -p"
"""Why Leng's strategies (the catalogue's ``on_request`` levers) are no ways out."""


@dataclass(frozen=True)
class WayOut:
    """A lever (or package) pulled on top of the policy in force: the policy they make together, the
    scenario file with it applied and its compiled model."""

    name: str
    policy: Policy
    scenario: ScenarioFile
    model: CompiledScenario


def ways_out(scenario: ScenarioFile, policy: Policy, catalogue: Catalogue | None = None) -> dict[str, WayOut]:
    """Each lever and package of ``catalogue`` (default: the built-ins; with ``--policy-file`` a user's
    levers too) that applies to ``scenario`` (the file before any lever) and composes with ``policy`` (the
    levers in force), by name, in the catalogue's order. A lever already in force, or one that contradicts
    a lever in force, is left out (``apply_policy`` refuses the composition)."""
    catalogue = catalogue_for([]) if catalogue is None else catalogue
    candidates, _ = catalogue.default_policies(scenario)
    out = {}
    for candidate in candidates:
        text = candidate.name if policy.is_baseline else f"{policy.name}+{candidate.name}"
        try:
            combined = catalogue.parse(text)
            levered = apply_policy(scenario, combined)
        except UserError:
            continue
        out[candidate.name] = WayOut(candidate.name, combined, levered, compile_scenario(levered))
    return out


def way_for(scenario: ScenarioFile, policy: Policy, name: str, catalogue: Catalogue | None = None) -> WayOut:
    """``name`` (a lever, a package, or a lever on one actor: ``restraint:us``) on top of ``policy`` in
    ``scenario`` (the file before any lever).

    Raises:
        UserError: one of Leng's strategies, or the composition or its application refused (the lever
            in force already, a contradiction, not of this scenario, an unknown name or actor).
    """
    catalogue = catalogue_for([]) if catalogue is None else catalogue
    if name.partition(":")[0] in catalogue.on_request:
        raise UserError(STRATEGY)
    combined = catalogue.parse(name if policy.is_baseline else f"{policy.name}+{name}")
    levered = apply_policy(scenario, combined)
    return WayOut(name, combined, levered, compile_scenario(levered))


def why_not(scenario: ScenarioFile, policy: Policy, name: str, catalogue: Catalogue | None = None) -> str:
    """Why ``name`` is not a way out on top of ``policy`` (the levers in force) in ``scenario`` (the file
    before any lever): one of Leng's strategies (named with ``-p`` only, as in `brink compare`), a lever
    in force already, or the error that composing or applying it raises (a contradiction, a lever that
    does not apply to the scenario, an unknown name)."""
    catalogue = catalogue_for([]) if catalogue is None else catalogue
    if name.partition(":")[0] in catalogue.on_request:
        return STRATEGY
    candidate = None
    try:
        candidate = catalogue.parse(name)
        apply_policy(scenario, catalogue.parse(name if policy.is_baseline else f"{policy.name}+{name}"))
    except UserError as error:
        if "appears twice" in str(error) and candidate is not None:  # say which lever in force it repeats
            wanted = {choice.lever.name for choice in candidate.choices}
            in_force = [choice for choice in policy.choices if choice.lever.name in wanted]
            said = f"in force already ({', '.join(choice.label for choice in in_force)})"
            # On one principal only (restraint:us): the other side is added by naming it
            others = [
                f"{choice.lever.name}:{actor.lower()}"
                for choice in in_force
                if choice.qualifier is not None
                for actor in scenario.principals
                if actor not in choice.targets(scenario)
                and not any(actor in c.targets(scenario) for c in in_force if c.lever is choice.lever)
            ]
            others = list(dict.fromkeys(others))
            return said + (f"; to add the other side, pull {' or '.join(others)}" if others else "")
        return str(error)
    return "its private channels' delays are longer than the world's buffer of messages"


def widest(models: list[CompiledScenario]) -> CompiledScenario:
    """The model whose private channels need the longest ring buffer of delayed messages (the world is
    built with room for every way out: :func:`brinkmanship.engine.ensemble.burned_in`'s ``also_for``)."""
    return max(models, key=lambda m: m.max_delay_days)
