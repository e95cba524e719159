"""Third parties respond to the state (docs/model.md, section 4): sanctions after a test, a call to convene
when tension passes a level, a mediator's offer when both sides are locked in. Each test names its rule
and fails if the rule is removed or reversed, the other channels held fixed."""

import copy

import numpy as np
import pytest

from brinkmanship.engine import randomness as rnd
from brinkmanship.engine.ensemble import advance, burned_in, run_chunk
from brinkmanship.engine.kernel import act_probabilities
from brinkmanship.engine.state import ACTIVE
from brinkmanship.errors import UserError
from brinkmanship.model.ladder import ACTION_INDEX
from brinkmanship.policies import apply_policy
from brinkmanship.policies.compose import Catalogue
from brinkmanship.scenario import compile_scenario, load_scenario, scenario_from_mapping
from brinkmanship.scenario.compiled import NUCLEAR_TEST_SLOT
from brinkmanship.scenario.loader import builtin_mapping
from tests.conftest import variant

DPRK = 1


def act_index(model, actor: str, kind: str) -> int:
    """Row of ``actor``'s first act of ``kind`` among the flattened third-party acts."""
    row = 0
    for name, spec in model.source.actors.items():
        for act in getattr(spec, "acts", []):
            if name == actor and act.kind == kind:
                return row
            row += 1
    raise AssertionError(f"{actor} has no {kind} act")


def start_state(model, n=64):
    state = burned_in(model, 1, np.arange(n))
    state.last_test_day[:] = -10_000
    return state


def tension_of(state):
    return np.maximum(state.perceived, 0.0).mean(axis=1)


@pytest.mark.parametrize(("actor", "window"), [("China", 30), ("UNSC", 90)])
def test_a_nuclear_test_makes_sanctions_likelier_for_weeks_then_not(korea, actor, window):
    j = act_index(korea, actor, "sanctions")
    state = start_state(korea)
    state.day = 100
    quiet = act_probabilities(korea, state, tension_of(state))[:, j]
    state.last_test_day[:, DPRK, NUCLEAR_TEST_SLOT] = 100 - 5
    after = act_probabilities(korea, state, tension_of(state))[:, j]
    assert np.all(after > quiet + 0.02)
    state.last_test_day[:, DPRK, NUCLEAR_TEST_SLOT] = 100 - window - 1
    expired = act_probabilities(korea, state, tension_of(state))[:, j]
    np.testing.assert_array_equal(expired, quiet)


def test_only_the_watched_principals_test_counts(korea):
    j = act_index(korea, "China", "sanctions")
    state = start_state(korea)
    state.day = 100
    quiet = act_probabilities(korea, state, tension_of(state))[:, j]
    state.last_test_day[:, 0, NUCLEAR_TEST_SLOT] = 95  # the United States "tests": China's rule watches DPRK
    np.testing.assert_array_equal(act_probabilities(korea, state, tension_of(state))[:, j], quiet)


def test_rules_combine_as_independent_chances(korea):
    j = act_index(korea, "China", "sanctions")
    state = start_state(korea, 4)
    state.day = 100
    state.last_test_day[:, DPRK, :] = 95  # a missile test and a nuclear test five days ago
    china = korea.source.actors["China"].acts[0]
    rates = [china.rate] + [r.rate for r in china.responses]
    expected = 1.0 - np.prod([1.0 - r for r in rates])
    np.testing.assert_allclose(act_probabilities(korea, state, tension_of(state))[:, j], expected)


def test_the_call_to_convene_answers_tension():
    scenario = load_scenario("korea-2017")
    model = compile_scenario(apply_policy(scenario, Catalogue.builtin().parse("un-six-party")))
    j = act_index(model, "UNSG", "press_talks")
    state = start_state(model)
    state.perceived[:] = 0.5
    calm = act_probabilities(model, state, tension_of(state))[:, j]
    state.perceived[:] = 2.0
    tense = act_probabilities(model, state, tension_of(state))[:, j]
    assert np.all(tense > calm + 0.05)


def test_the_mediators_offer_answers_lock_in_on_both_sides():
    scenario = load_scenario("korea-2017")
    model = compile_scenario(apply_policy(scenario, Catalogue.builtin().parse("shuttle-mediator")))
    j = act_index(model, "Vatican", "press_talks")
    state = start_state(model)
    state.audience[:] = [2.0, 0.5]  # one side locked in: no offer
    one_side = act_probabilities(model, state, tension_of(state))[:, j]
    state.audience[:] = [2.0, 2.0]
    both = act_probabilities(model, state, tension_of(state))[:, j]
    assert np.all(one_side == 0.0)
    assert np.all(both > 0.05)


def test_an_inactive_actor_does_not_respond(korea):
    j = act_index(korea, "Vatican", "press_talks")  # the shuttle mediator is off in the baseline
    state = start_state(korea)
    state.audience[:] = 5.0
    assert np.all(act_probabilities(korea, state, tension_of(state))[:, j] == 0.0)


def without_responses(data):
    for actor in data["actors"].values():
        for act in actor.get("acts", []):
            act.pop("responses", None)


def test_a_nuclear_test_raises_the_pressure_on_the_tester_through_the_responses():
    """Paired paths: a DPRK nuclear test on day 0 against holding; DPRK's pressure 45 days on. With the
    response rules the test adds pressure (sanctions answer it); without them it adds none."""
    nuclear, hold = ACTION_INDEX["nuclear_test"], ACTION_INDEX["hold"]

    def pressure_effect(model):
        finals = []
        for action in (nuclear, hold):
            result = run_chunk(model, 7, 2048, 45, 0, 2, {0: np.array([-1, action])}, keep_state=True)
            finals.append(result.final_state)
        both = (finals[0].status == ACTIVE) & (finals[1].status == ACTIVE)
        return finals[0].pressure[both, DPRK] - finals[1].pressure[both, DPRK]

    with_rules = pressure_effect(variant("korea-2017"))
    without = pressure_effect(variant("korea-2017", without_responses))
    assert with_rules.mean() > 0.1
    assert abs(without.mean()) < 0.02
    assert with_rules.mean() > without.mean() + 5 * with_rules.std(ddof=1) / np.sqrt(with_rules.size)


def test_tests_are_remembered_on_the_day_they_happen(korea):
    state = burned_in(korea, 3, np.arange(8))
    first = state.day
    forced = {first: np.array([-1, ACTION_INDEX["missile_test"]])}
    advance(korea, state, np.arange(8), rnd.seed_key(3), 2, None, forced=forced)
    live = state.status == ACTIVE
    assert np.all(state.last_test_day[live, DPRK, 0] >= first)


@pytest.mark.parametrize(
    ("response", "message"),
    [
        ({"after": "nuclear_test", "tension_above": 1.0, "rate": 0.1}, "exactly one of"),
        ({"rate": 0.1}, "exactly one of"),
        ({"tension_above": 1.0, "by": "DPRK", "rate": 0.1}, "needs 'after'"),
        ({"after": "nuclear_test", "by": "Narnia", "rate": 0.1}, "is not a principal"),
        ({"after": "nuclear_test", "within_days": 0, "rate": 0.1}, "within_days"),
        ({"after": "nuclear_test", "rate": 1.5}, "rate"),
    ],
)
def test_a_malformed_response_rule_is_refused_naming_it(response, message):
    data = copy.deepcopy(builtin_mapping("korea-2017"))
    data["actors"]["China"]["acts"][0]["responses"] = [response]
    with pytest.raises(UserError, match=message):
        scenario_from_mapping(data, "test")


def _paths(mutate, policy: str, runs: int = 4096):
    from brinkmanship.analysis.compare import simulate_paths

    data = copy.deepcopy(builtin_mapping("korea-2017"))
    mutate(data)
    scenario = scenario_from_mapping(data, "test variant of korea-2017")
    applied = apply_policy(scenario, Catalogue.builtin().parse(policy))
    return simulate_paths(applied, runs, 365, 31, prelude_world=scenario)[1]


def test_a_mediators_offer_raises_the_chance_of_agreement():
    """Paired paths, the shuttle mediator active: its offer to talk (press_talks) made daily at 0.2
    against no offer at all. The shipped offer answers lock-in only and moves P(agreement) by about 0.1
    point; this test makes the offer frequent to see its direction."""

    def frequent_offer(data):
        data["actors"]["Vatican"]["acts"][0]["rate"] = 0.2

    def no_offer(data):
        data["actors"]["Vatican"]["acts"] = []

    offered = _paths(frequent_offer, "shuttle-mediator").happened("agreement")
    not_offered = _paths(no_offer, "shuttle-mediator").happened("agreement")
    d = offered.astype(float) - not_offered.astype(float)
    assert d.mean() > 0 and d.mean() / (d.std(ddof=1) / np.sqrt(d.size)) > 3.0


def test_sanctions_restrain_and_provoke_drezners_paradox():
    """The sanctions lever on korea-2017, paired paths. It restrains: pressure makes a way out worth more,
    and more crises reach an agreement. It provokes: pressure makes the greedy type more provocative
    (desperation), and war becomes likelier; korea-2017 leans this way (docs/policies.md). Without
    desperation the same sanctions no longer raise the risk of war."""

    def as_is(data):
        pass

    def no_desperation(data):
        data["decision"]["desperation"] = 0.0

    def effect(mutate, outcome):
        sanctioned = _paths(mutate, "sanctions").happened(outcome).astype(float)
        baseline = _paths(mutate, "baseline").happened(outcome).astype(float)
        d = sanctioned - baseline
        return d.mean(), d.std(ddof=1) / np.sqrt(d.size)

    agreed, agreed_se = effect(as_is, "agreement")
    war, war_se = effect(as_is, "war")
    war_calm, war_calm_se = effect(no_desperation, "war")
    assert agreed > 3 * agreed_se
    assert war > 3 * war_se
    assert war_calm < war - 3 * max(war_se, war_calm_se)
