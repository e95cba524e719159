"""Leng's influence strategies (model/strategies.py): each principal's own decision weights, and Leng's
finding that reciprocating against a bully ends crises without war more often than bullying back."""

import numpy as np
import pytest

from brinkmanship.engine.ensemble import run_chunk
from brinkmanship.model import decisions
from brinkmanship.policies import apply_policy
from brinkmanship.policies.compose import Catalogue
from brinkmanship.scenario import compile_scenario, load_scenario

US, DPRK = 0, 1


def levered(policy: str):
    scenario = load_scenario("korea-2017")
    return compile_scenario(apply_policy(scenario, Catalogue.builtin().parse(policy)), scenario)


def outcomes(policy: str, runs: int = 2048, days: int = 365):
    paths = run_chunk(levered(policy), 17, runs, days, 0, runs // 1024, keep_paths=True).paths
    war = (paths.war_day >= 0) & (paths.war_day < days)
    settled = (paths.agreement_day >= 0) & (paths.agreement_day < days)
    return war, settled


def test_a_strategy_changes_only_its_principals_own_weights():
    plain = decisions.action_vectors(levered("baseline"))
    bully = decisions.action_vectors(levered("bullying:us"))
    np.testing.assert_array_equal(bully.coerce[:, DPRK], plain.coerce[:, DPRK])
    np.testing.assert_array_equal(bully.base[..., DPRK], plain.base[..., DPRK])
    assert np.all(bully.coerce[:, US] >= plain.coerce[:, US])
    assert np.any(bully.coerce[:, US] > plain.coerce[:, US])


def test_reciprocating_against_a_bully_ends_crises_without_war_more_often_than_bullying_back():
    """Leng (1993), same draws: the United States reciprocates or bullies; North Korea bullies."""
    war_r, settled_r = outcomes("reciprocating:us+bullying:dprk")
    war_b, settled_b = outcomes("bullying:us+bullying:dprk")
    difference = war_b.astype(float) - war_r.astype(float)
    z = difference.mean() / (difference.std(ddof=1) / np.sqrt(difference.size))
    assert z > 5.0
    assert (settled_r & ~war_r).mean() > (settled_b & ~war_b).mean()


@pytest.mark.parametrize("name", ["bullying", "reciprocating", "trial-and-error", "appeasing"])
def test_strategies_are_named_levers_left_out_of_the_default_comparison(name):
    catalogue = Catalogue.builtin()
    assert catalogue.parse(f"{name}:dprk").choices[0].lever.name == name
    defaults, _ = catalogue.default_policies(load_scenario("korea-2017"))
    assert name not in {policy.name for policy in defaults}


def test_a_scenario_file_may_spell_a_strategy_as_the_lever_does():
    from brinkmanship.scenario import scenario_from_mapping
    from brinkmanship.scenario.loader import builtin_mapping

    data = builtin_mapping("korea-2017")
    data["actors"]["US"]["strategy"] = "trial-and-error"
    assert scenario_from_mapping(data, "test").actors["US"].strategy == "trial_and_error"
