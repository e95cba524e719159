"""The vectorised kernel against the independent reference written from docs/model.md alone.

The two implementations share no random numbers (different seeds, different random layouts), so they
agree only in distribution: every outcome probability (clash, war, nuclear use, a first agreement reached
within the horizon, that first agreement broken down within it: docs/model.md, "Outcomes" and section 7)
and every war-path probability must agree within the joint 99% interval of two independent binomial
samples (32,768 kernel paths, 4,000 reference paths), plus a continuity allowance of 1/n. The mean depth
of the first agreements is printed alongside, not tested.
"""

from __future__ import annotations

import math

import pytest

from brinkmanship.engine.ensemble import simulate
from brinkmanship.engine.kernel import FIXED_POINT
from brinkmanship.engine.reference import PATH_LABELS, reference_simulate
from brinkmanship.policies import Catalogue, apply_policy
from brinkmanship.scenario import ScenarioFile, compile_scenario, load_scenario

RUNS = 4000
"""Paths of the reference (the slow side)."""
KERNEL_RUNS = 32_768
"""Paths of the kernel: the compiled kernel is cheap, so its side of the joint interval is made narrow and
the test's power comes close to what the reference's 4,000 paths allow."""
Z_99 = 2.576
REFERENCE_SEED = 19_621_016
OUTCOMES = ("clash", "war", "nuclear_use", "agreement", "breakdown")
"""Tally fields and reference keys compared: ``agreement`` counts paths whose first agreement was reached
within the horizon, ``breakdown`` those whose first agreement also broke down within it."""

# (scenario, policy or None, days, kernel seed). The full-year scenarios run 120 days: the reference is a
# few times slower than the kernel, and korea-2017's 268-day prelude is simulated in full either way.
# Each case has its own kernel seed: the kernel caches a burned-in start per prelude world and seed (see
# test_a_policy_does_not_inherit_the_previous_policys_start), which must not couple the cases.
CASES = [
    pytest.param("cuba-1962", None, 30, 1001, id="cuba-1962"),
    pytest.param("korea-2017", None, 120, 1002, id="korea-2017", marks=pytest.mark.slow),
    pytest.param("korea-calm", None, 120, 1003, id="korea-calm", marks=pytest.mark.slow),
    pytest.param(
        "korea-2017",
        "direct-channel+freeze-for-freeze",
        120,
        1004,
        id="korea-2017/direct-channel+freeze-for-freeze",
        marks=pytest.mark.slow,
    ),
    pytest.param(
        "korea-2017",
        "un-six-party+restraint",
        120,
        1005,
        id="korea-2017/un-six-party+restraint",
        marks=pytest.mark.slow,
    ),
    pytest.param(
        "korea-2017",
        "reciprocating:us+bullying:dprk",
        120,
        1006,
        id="korea-2017/reciprocating:us+bullying:dprk",
        marks=pytest.mark.slow,
    ),
]


def _scenarios(name: str, policy: str | None) -> tuple[ScenarioFile, ScenarioFile]:
    """The scenario under ``policy`` and the world before any lever (the prelude's world)."""
    base = load_scenario(name)
    if policy is None:
        return base, base
    return apply_policy(base, Catalogue.builtin().parse(policy)), base


def _agree(k1: int, n1: int, k2: int, n2: int) -> tuple[bool, float, float, float]:
    """Two independent binomial proportions agree within their joint 99% interval plus 1/n."""
    p1, p2 = k1 / n1, k2 / n2
    half = Z_99 * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2) + 1 / min(n1, n2)
    return abs(p1 - p2) <= half, p1, p2, half


@pytest.mark.parametrize(("name", "policy", "days", "kernel_seed"), CASES)
def test_kernel_agrees_with_the_reference_in_distribution(name, policy, days, kernel_seed):
    scenario, before = _scenarios(name, policy)
    tally = simulate(compile_scenario(scenario, prelude_world=before), KERNEL_RUNS, days, kernel_seed)
    reference = reference_simulate(scenario, RUNS, days, REFERENCE_SEED, prelude_world=before)
    assert tally.runs == KERNEL_RUNS and reference["runs"] == RUNS

    rows = [(outcome, int(getattr(tally, outcome)), reference[outcome]) for outcome in OUTCOMES]
    rows += [
        (f"war by {label}", int(tally.war_by_path[k]), reference["war_by_path"][k])
        for k, label in enumerate(PATH_LABELS)
    ]
    lines = [
        f"{name} {policy or 'baseline'}, {KERNEL_RUNS} kernel and {RUNS} reference paths, {days} days: "
        "kernel vs reference"
    ]
    failed = []
    for what, kernel_count, reference_count in rows:
        ok, p1, p2, half = _agree(kernel_count, KERNEL_RUNS, reference_count, RUNS)
        lines.append(
            f"  {what:24s} {p1:7.4f} {p2:7.4f}  |diff| {abs(p1 - p2):.4f} <= {half:.4f}"
            + ("" if ok else " FAIL")
        )
        if not ok:
            failed.append(what)
    kernel_depth = tally.agreement_depth / FIXED_POINT / tally.agreement if tally.agreement else math.nan
    reference_depth = (
        reference["agreement_depth"] / reference["agreement"] if reference["agreement"] else math.nan
    )
    lines.append(f"  {'mean depth (not tested)':24s} {kernel_depth:7.4f} {reference_depth:7.4f}")
    print("\n".join(lines))
    assert not failed, "\n".join(lines)


def test_a_policy_does_not_inherit_the_previous_policys_start():
    """Two policies on one seed share the burned-in paths, not each other's levers (docs/model.md,
    "Where a path starts": a lever acts from the start date)."""
    base = load_scenario("korea-2017")
    talks, _ = _scenarios("korea-2017", "talks")
    freeze, _ = _scenarios("korea-2017", "freeze-for-freeze")
    first = simulate(compile_scenario(talks, prelude_world=base), 1024, 5, 77)
    second = simulate(compile_scenario(freeze, prelude_world=base), 1024, 5, 77)
    alone = simulate(compile_scenario(freeze, prelude_world=base), 1024, 5, 78)
    assert first.freeze_days == 0
    assert second.freeze_days > 0, "the freeze lever ran with the talks lever's cached start"
    assert alone.freeze_days > 0


def test_a_freeze_lever_is_in_force_on_day_0_in_every_path():
    """freeze-for-freeze "puts the scenario's freeze in force from day 0" (docs/policies), with a prelude
    as without one; the reference does so."""
    freeze, base = _scenarios("korea-2017", "freeze-for-freeze")
    tally = simulate(compile_scenario(freeze, prelude_world=base), 1024, 1, 79)
    assert tally.freeze_days >= 1024 - int(tally.freeze_breaches.sum())
