"""What the levers do to the crisis: the behaviour the issue asks the model to show, on fixed seeds.

Every comparison runs the policies on the same seed (common random numbers) and tests the paired
difference, so the sizes here are enough for intervals that exclude zero by a wide margin.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest
from scipy import stats

from brinkmanship.analysis.compare import PathOutcomes, paired_difference, run_comparison, simulate_paths
from brinkmanship.analysis.sensitivity import with_parameter
from brinkmanship.engine.ensemble import Tally
from brinkmanship.engine.results import behaviour_summary
from brinkmanship.model.ladder import ACTION_INDEX
from brinkmanship.policies import Catalogue, apply_policy
from brinkmanship.scenario import ScenarioFile, load_scenario

CATALOGUE = Catalogue.builtin()
SEED = 20171126


@cache
def scenario(name: str) -> ScenarioFile:
    return load_scenario(name)


@cache
def run(
    name: str, policy: str, runs: int, tweak: tuple[tuple[str, Any], ...] = ()
) -> tuple[Tally, PathOutcomes]:
    """An ensemble of ``policy`` on built-in ``name``, optionally with parameters set after the levers."""
    applied = apply_policy(scenario(name), CATALOGUE.parse(policy))
    for path, value in tweak:
        applied = with_parameter(applied, path, list(value) if isinstance(value, tuple) else value, "test")
    return simulate_paths(applied, runs, applied.horizon_days, SEED)


def behaviour(tally: Tally, name: str = "korea-2017") -> dict[str, Any]:
    principals = scenario(name).principals
    return behaviour_summary(tally, (principals[0], principals[1]))


def test_freeze_removes_frozen_events_when_nobody_breaches() -> None:
    tally, _ = run(
        "korea-2017",
        "freeze-for-freeze",
        1024,
        (("freeze.breach_rate", 0.0), ("agreement.breakdown_rate", 0.0)),
    )
    base, _ = run("korea-2017", "baseline", 1024)
    dprk, us = 1, 0
    for side, action in ((dprk, "missile_test"), (dprk, "nuclear_test"), (us, "show_of_force")):
        assert tally.actions[side, ACTION_INDEX[action]] == 0, action
    assert base.actions[dprk, ACTION_INDEX["missile_test"]] > 1000
    assert base.actions[us, ACTION_INDEX["show_of_force"]] > 500
    assert tally.freeze_breaches.sum() == 0
    assert tally.freeze_days == tally.active_path_days  # in force on every active day


def test_freeze_breaches_happen_at_the_declared_rate() -> None:
    declared = scenario("korea-2017").freeze.breach_rate
    assert declared > 0.0
    tally, _ = run("korea-2017", "freeze-for-freeze", 2048)
    assert tally.freeze_days > 100_000
    for side in range(2):
        breaches = int(tally.freeze_breaches[side])
        test = stats.binomtest(breaches, tally.freeze_days, declared)
        assert test.pvalue > 0.001, (side, breaches / tally.freeze_days, declared)
    base, _ = run("korea-2017", "baseline", 2048)
    frozen, free = behaviour(tally)["actions_per_day"], behaviour(base)["actions_per_day"]
    assert frozen["DPRK"]["missile_test"] < 0.5 * free["DPRK"]["missile_test"]
    assert frozen["US"]["show_of_force"] < 0.5 * free["US"]["show_of_force"]


def test_freeze_lowers_the_risk_of_war() -> None:
    _, frozen = run("korea-2017", "freeze-for-freeze", 2048)
    _, base = run("korea-2017", "baseline", 2048)
    change = paired_difference(frozen.happened("war"), base.happened("war"))
    assert change.ci95[1] < 0.0


def _miscalculation_or_alarm(outcomes: PathOutcomes) -> np.ndarray:
    return outcomes.war_by("miscalculation") | outcomes.war_by("false_alarm")


def test_direct_channel_cuts_wars_from_miscalculation_and_false_alarms() -> None:
    _, direct = run("korea-2017", "direct-channel", 4096)
    _, base = run("korea-2017", "baseline", 4096)
    change = paired_difference(_miscalculation_or_alarm(direct), _miscalculation_or_alarm(base))
    assert change.ci95[1] < 0.0
    assert change.diff < -0.5 * _miscalculation_or_alarm(base).mean()  # more than halved


def test_direct_channel_checks_false_alarms() -> None:
    """With a leaky assessment chain, false-alarm wars are common; checking with the other side cuts them."""
    leaky = (("false_alarms.pass_through", (0.5, 0.2, 0.1)),)
    _, direct = run("korea-2017", "direct-channel", 2048, leaky)
    _, base = run("korea-2017", "baseline", 2048, leaky)
    assert base.war_by("false_alarm").sum() > 50
    change = paired_difference(direct.war_by("false_alarm"), base.war_by("false_alarm"))
    assert change.ci95[1] < 0.0
    verify = scenario("korea-2017").channels.direct.verify
    ratio = direct.war_by("false_alarm").mean() / base.war_by("false_alarm").mean()
    assert ratio < 1.0 - 0.5 * verify


def test_direct_channel_cuts_the_share_of_wars_from_miscalculation_and_false_alarms() -> None:
    _, direct = run("korea-2017", "direct-channel", 4096)
    _, base = run("korea-2017", "baseline", 4096)
    shares = []
    for outcomes in (direct, base):
        wars = int(outcomes.happened("war").sum())
        shares.append((_miscalculation_or_alarm(outcomes).sum() / wars, wars))
    (s1, n1), (s2, n2) = shares
    z = (s2 - s1) / np.sqrt(s1 * (1 - s1) / n1 + s2 * (1 - s2) / n2)
    assert z > 1.96


def test_restraint_lowers_audience_costs_and_public_threats() -> None:
    restrained, _ = run("korea-2017", "restraint", 1024)
    base, _ = run("korea-2017", "baseline", 1024)
    calm, loud = behaviour(restrained), behaviour(base)
    for actor in ("US", "DPRK"):
        assert loud["actions_per_day"][actor]["public_threat"] > 0.01
        assert calm["actions_per_day"][actor]["public_threat"] == 0.0
    assert calm["mean_audience_cost_stock"] < 0.75 * loud["mean_audience_cost_stock"]
    assert calm["audience_cost_lock_in"] < 0.75 * loud["audience_cost_lock_in"]


def test_a_private_channel_removes_audience_cost_lock_in() -> None:
    """Kurizaki: with a private channel a side can concede without face costs, so nothing locks it in."""
    private, _ = run("korea-2017", "direct-channel", 1024)
    base, _ = run("korea-2017", "baseline", 1024)
    assert behaviour(base)["audience_cost_lock_in"] > 0.1
    assert behaviour(private)["audience_cost_lock_in"] == 0.0


def test_restraint_of_one_side_only() -> None:
    restrained, _ = run("korea-2017", "restraint:us", 1024)
    base, _ = run("korea-2017", "baseline", 1024)
    calm, loud = behaviour(restrained), behaviour(base)
    assert calm["actions_per_day"]["US"]["public_threat"] == 0.0
    assert calm["actions_per_day"]["DPRK"]["public_threat"] > 0.01
    assert calm["mean_audience_cost_stock"] < loud["mean_audience_cost_stock"]


def test_coordinated_signals_cut_misreadings() -> None:
    coordinated, _ = run("korea-2017", "coordinated-signals", 1024)
    base, _ = run("korea-2017", "baseline", 1024)
    assert behaviour(coordinated)["misreading_share"] < 0.9 * behaviour(base)["misreading_share"]


def test_the_editorial_package_beats_maximum_pressure_in_korea() -> None:
    """Tested at 4,096 paths: the paired interval already excludes zero by a wide margin."""
    _, package = run("korea-2017", "editorial", 4096)
    _, pressure = run("korea-2017", "maximum-pressure", 4096)
    change = paired_difference(package.happened("war"), pressure.happened("war"))
    assert change.significant and change.ci95[1] < 0.0
    assert change.p_value < 1e-6
    nuclear = paired_difference(package.happened("nuclear_use"), pressure.happened("nuclear_use"))
    assert nuclear.ci95[1] < 0.0


def test_taking_away_the_private_channel_raises_the_risk_in_cuba() -> None:
    _, closed = run("cuba-1962", "no-private-channel", 4096)
    _, base = run("cuba-1962", "baseline", 4096)
    change = paired_difference(closed.happened("war"), base.happened("war"))
    assert change.ci95[0] > 0.0
    settled = paired_difference(closed.happened("agreement"), base.happened("agreement"))
    assert settled.ci95[1] < 0.0


@pytest.mark.slow
def test_the_editorial_package_beats_maximum_pressure_at_100000_paths() -> None:
    """The issue's criterion as stated: 100,000 paired paths (about a minute on two cores)."""
    korea = scenario("korea-2017")
    policies = [CATALOGUE.parse("maximum-pressure"), CATALOGUE.parse("editorial")]
    comparison = run_comparison(korea, policies, 100_000, SEED, workers=0)
    change = comparison.difference("editorial", "maximum-pressure")
    assert change.ci95[1] < 0.0
    assert comparison.find("maximum-pressure").same_as == "baseline"
