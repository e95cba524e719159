"""The scenario compilation against values worked out by hand from the scenario files and docs/model.md.

Each test compiles the scenario itself (no shared fixture), so that it pins `compile_scenario` wherever it
runs, and compares with numbers written out here, not recomputed by the compiler's own expressions.
"""

import copy
import math

import numpy as np
import pytest
from scipy import integrate, stats

from brinkmanship.model.ladder import ACTION_INDEX, ACTIONS
from brinkmanship.scenario import compile_scenario, scenario_from_mapping
from brinkmanship.scenario.compiled import THIRD_PARTY_ACT_KINDS, strategy_of
from brinkmanship.scenario.loader import builtin_mapping

SANCTIONS, RESTRAINT, PRESS = (THIRD_PARTY_ACT_KINDS.index(k) for k in THIRD_PARTY_ACT_KINDS)
MISSILE, NUCLEAR, TENSION, LOCKED_IN = 0, 1, 2, 3
MAPPINGS = {name: builtin_mapping(name) for name in ("korea-2017", "cuba-1962")}
"""Parsed once: mutation testing runs these tests once per mutant."""


def variant(name, mutate=None):
    """A built-in scenario, optionally changed by ``mutate``, compiled here (in the test that asks)."""
    data = copy.deepcopy(MAPPINGS[name])
    if mutate is not None:
        mutate(data)
    return compile_scenario(scenario_from_mapping(data, "test"))


def names(mask):
    return {action.name for action, on in zip(ACTIONS, mask, strict=True) if on}


def test_action_masks_name_the_catalogues_actions_by_hand():
    """docs/model.md, section 1: which actions each mask picks out (from model/ladder.py's kinds)."""
    model = variant("korea-2017")
    military = {
        "show_of_force",
        "missile_test",
        "nuclear_test",
        "mobilisation",
        "harassment",
        "limited_strike",
        "conventional_war",
    }
    private = {"concession_private", "private_message", "private_threat"}
    assert names(model.action_public) == {a.name for a in ACTIONS} - private
    assert names(model.action_is_private) == private
    assert names(model.action_military) == military
    assert names(model.action_is_recorded) == military
    assert names(model.action_is_concession) == {"concession_public", "concession_private"}
    assert names(model.action_is_threat_public) == {"public_threat"}
    assert names(model.action_is_force_public) == {"show_of_force", "mobilisation"}
    assert names(model.action_is_attack_clash) == {"harassment", "limited_strike"}
    assert names(model.action_is_war) == {"conventional_war"}
    assert names(model.action_is_talks) == {"propose_talks"}
    assert names(model.action_is_freeze_proposal) == {"propose_freeze"}
    assert names(model.action_is_partial_backdown) == {"propose_talks", "propose_freeze"}
    assert names(model.action_is_provocation) == {
        "private_threat",
        "public_threat",
        "show_of_force",
        "missile_test",
        "nuclear_test",
        "mobilisation",
    }
    assert names(model.action_is_missile_test) == {"missile_test"}
    assert names(model.action_is_nuclear_test) == {"nuclear_test"}


def test_action_costs_are_the_files_overrides_plus_the_activity_cost():
    """korea-2017: activity_cost 1.7 on every action but hold; action_costs override the catalogue's."""
    model = variant("korea-2017")
    expected = {
        "concession_public": 1.7,
        "concession_private": 1.7,
        "hold": 0.0,
        "diplomatic_gesture": 1.7,
        "private_message": 1.7,
        "propose_talks": 0.4 + 1.7,
        "propose_freeze": 0.4 + 1.7,
        "sanctions": 0.1 + 1.7,  # the catalogue's cost
        "private_threat": 1.7,
        "public_threat": 1.7,
        "show_of_force": 0.3 + 1.7,  # the catalogue's cost
        "missile_test": 1.0 + 1.7,
        "nuclear_test": 2.5 + 1.7,
        "mobilisation": 2.0 + 1.7,
        "harassment": 3.0 + 1.7,
        "limited_strike": 4.0 + 1.7,
        "conventional_war": 4.0 + 1.7,  # the catalogue's cost
    }
    assert dict(zip([a.name for a in ACTIONS], model.action_cost.tolist(), strict=True)) == pytest.approx(
        expected
    )
    assert model.action_cost.dtype == np.float64


def test_korea_third_party_acts_are_the_files_rows_in_order():
    """korea-2017's eleven acts, actor by actor as declared; the inactive mediators' rates are 0; a target
    weighs one principal (US, DPRK), no target both."""
    acts = variant("korea-2017").third_party_acts
    rows = [  # (actor, kind, rate, strength, target)
        ("ROK", RESTRAINT, 0.03, 0.15, [1.0, 1.0]),
        ("Japan", SANCTIONS, 0.01, 0.05, [0.0, 1.0]),
        ("China", SANCTIONS, 0.002, 0.1, [0.0, 1.0]),
        ("China", RESTRAINT, 0.03, 0.1, [1.0, 1.0]),
        ("China", PRESS, 0.02, 0.2, [1.0, 1.0]),
        ("UNSC", SANCTIONS, 0.0, 0.1, [0.0, 1.0]),
        ("Russia", RESTRAINT, 0.02, 0.05, [1.0, 1.0]),
        ("Russia", PRESS, 0.01, 0.1, [1.0, 1.0]),
        ("UNSG", PRESS, 0.0, 0.3, [1.0, 1.0]),  # inactive: 0.05 declared
        ("UNSG", RESTRAINT, 0.0, 0.1, [1.0, 1.0]),  # inactive: 0.05 declared
        ("Vatican", PRESS, 0.0, 0.3, [1.0, 1.0]),
    ]
    assert acts.kind.tolist() == [r[1] for r in rows]
    assert acts.kind.dtype == np.int64
    assert acts.rate.tolist() == [r[2] for r in rows]
    assert acts.strength.tolist() == [r[3] for r in rows]
    assert acts.target.tolist() == [r[4] for r in rows]
    assert acts.target.shape == (11, 2) and acts.target.dtype == np.float64


def test_korea_response_rules_are_the_files_rules_in_order():
    """docs/model.md, section 4: China's and the UN Security Council's sanctions answer DPRK's tests; the UN
    secretary-general's call to convene answers tension above 1; the emissary's offer answers both stocks
    above 1.5. Both mediators are inactive in korea-2017, so their rules' rates are 0."""
    rules = variant("korea-2017").third_party_acts.responses
    # (act row, condition, by [US, DPRK], within_days, level, rate)
    expected = [
        (2, NUCLEAR, [False, True], 30.0, 0.0, 0.1),
        (2, MISSILE, [False, True], 21.0, 0.0, 0.02),
        (5, NUCLEAR, [False, True], 90.0, 0.0, 0.03),
        (5, MISSILE, [False, True], 25.0, 0.0, 0.005),
        (8, TENSION, [True, True], 30.0, 1.0, 0.0),  # within_days: the schema's default, unused
        (10, LOCKED_IN, [True, True], 30.0, 1.5, 0.0),
    ]
    assert rules.act.tolist() == [r[0] for r in expected]
    assert rules.condition.tolist() == [r[1] for r in expected]
    assert rules.by.tolist() == [r[2] for r in expected]
    assert rules.within_days.tolist() == [r[3] for r in expected]
    assert rules.level.tolist() == [r[4] for r in expected]
    assert rules.rate.tolist() == [r[5] for r in expected]
    assert rules.act.dtype == np.int64 and rules.condition.dtype == np.int64
    assert rules.by.dtype == bool and rules.by.shape == (6, 2)
    assert rules.within_days.dtype == np.float64 and rules.level.dtype == np.float64


def _activate(*mediators):
    def mutate(data):
        for name in mediators:
            data["actors"][name]["active"] = True

    return mutate


def test_an_active_mediators_acts_rules_and_channel_are_compiled():
    """korea-2017 with the UN secretary-general active: its acts and its tension rule get their declared
    rates, its channel is the mediated channel and its boost (0.6) raises the chance of agreement."""
    model = variant("korea-2017", _activate("UNSG"))
    acts = model.third_party_acts
    assert acts.rate.tolist()[8:] == [0.05, 0.05, 0.0]
    assert acts.responses.rate.tolist()[4:] == [0.1, 0.0]
    assert model.mediated_enabled
    assert (model.mediated_noise, model.mediated_delay, model.mediated_trust) == (0.6, 2.0, 0.7)
    assert model.mediated_face_saving == 0.5
    assert model.mediator_agreement_boost == pytest.approx(0.6)
    assert model.max_delay_days == 3  # ceil(2.0) + 1; the direct channel is closed


def test_the_most_trusted_active_mediator_carries_the_channel_and_boosts_add_up():
    """Both korea-2017 mediators active: the emissary (trust 0.85) carries the channel over the UN
    secretary-general (0.7); the boosts add, 0.6 + 0.4; the emissary's lock-in rule gets its rate 0.1."""
    model = variant("korea-2017", _activate("UNSG", "Vatican"))
    assert (model.mediated_noise, model.mediated_delay, model.mediated_trust) == (0.4, 4.0, 0.85)
    assert model.mediated_face_saving == 0.6
    assert model.mediator_agreement_boost == pytest.approx(1.0)
    assert model.third_party_acts.responses.rate.tolist()[4:] == [0.1, 0.1]
    only_vatican = variant("korea-2017", _activate("Vatican"))
    assert only_vatican.mediated_trust == 0.85 and only_vatican.mediator_agreement_boost == pytest.approx(0.4)


def test_a_response_without_by_watches_both_principals():
    """A rule ``after: nuclear_test`` with no ``by`` is triggered by either principal's test."""

    def mutate(data):
        data["actors"]["China"]["acts"][0]["responses"][0].pop("by")

    rules = variant("korea-2017", mutate).third_party_acts.responses
    assert rules.by.tolist()[:2] == [[True, True], [False, True]]


@pytest.mark.parametrize(
    ("strategy", "coercion", "reciprocity", "talks_value", "generosity", "precision"),
    [
        # korea-2017's shared weights: coercion 0.4, reciprocity 0.08, talks_value 0.6, generosity 0.33;
        # the US's precision 2.0. Factors: model/strategies.py (Leng 1993).
        ("bullying", 0.8, 0.04, 0.3, 0.0, 2.0),
        ("reciprocating", 0.4, 0.16, 0.6, 1.0 / 3.0, 2.0),
        ("trial_and_error", 0.4, 0.08, 0.6, 0.33, 1.0),
        ("appeasing", 0.1, 0.04, 1.2, 0.8, 2.0),
    ],
)
def test_a_strategy_gives_its_principal_these_weights(
    strategy, coercion, reciprocity, talks_value, generosity, precision
):
    def mutate(data):
        data["actors"]["US"]["strategy"] = strategy

    model = variant("korea-2017", mutate)
    assert model.coercion.tolist() == pytest.approx([coercion, 0.4])
    assert model.reciprocity.tolist() == pytest.approx([reciprocity, 0.08])
    assert model.talks_value.tolist() == pytest.approx([talks_value, 0.6])
    assert model.generosity.tolist() == pytest.approx([generosity, 0.33])
    assert model.precision.tolist() == pytest.approx([precision, 2.0])


def test_no_strategy_is_the_neutral_strategy():
    """A principal that declares no strategy keeps the shared weights: every factor 1, no generosity set."""
    model = variant("korea-2017")
    strategy = strategy_of(model.source.actors["US"])
    assert (strategy.name, strategy.description) == ("as declared", "")
    assert (strategy.coercion, strategy.reciprocity, strategy.talks_value, strategy.precision) == (1, 1, 1, 1)
    assert strategy.generosity is None


def test_a_one_stage_alarm_chain_has_no_early_stages():
    """false_alarms.pass_through with one stage: the early product is 1 and the last stage is that stage."""

    def mutate(data):
        data["false_alarms"]["pass_through"] = [0.3]

    model = variant("korea-2017", mutate)
    assert (model.alarm_pass_early, model.alarm_pass_last) == (1.0, 0.3)
    korea = variant("korea-2017")  # [0.1, 0.05, 0.02]
    assert (korea.alarm_pass_early, korea.alarm_pass_last) == (pytest.approx(0.005), 0.02)

    def two_stages(data):
        data["false_alarms"]["pass_through"] = [0.2, 0.5]

    assert variant("korea-2017", two_stages).alarm_pass_early == 0.2


def test_a_symmetric_resolve_prior_splits_at_one_half_into_known_halves():
    """US resolve Beta(3, 3): median 1/2; E[X | X < 1/2] = 2 * 30 * int_0^1/2 x^3 (1 - x)^2 dx = 0.34375,
    and the upper half's mean 0.65625 (docs/model.md, "Types")."""
    model = variant("korea-2017")
    assert model.resolve_median[0] == pytest.approx(0.5)
    assert model.resolve_types[0].tolist() == pytest.approx([0.34375, 0.65625])


def test_an_asymmetric_resolve_prior_splits_into_its_halves_means():
    """DPRK resolve Beta(4, 2.5): the halves' means by numerical integration of the density."""
    model = variant("korea-2017")
    dist = stats.beta(4.0, 2.5)
    median = dist.ppf(0.5)
    low = integrate.quad(lambda x: x * dist.pdf(x), 0.0, median)[0] / 0.5
    high = integrate.quad(lambda x: x * dist.pdf(x), median, 1.0)[0] / 0.5
    assert model.resolve_median[1] == pytest.approx(median)
    assert model.resolve_types.shape == (2, 2)
    assert model.resolve_types[1].tolist() == pytest.approx([low, high], rel=1e-6)


def test_the_tension_half_life_and_the_conceder_by_hand():
    """korea-2017: half-life 30 days, a daily decay 0.5 ** (1/30); DPRK (principal 1) concedes."""
    model = variant("korea-2017")
    assert model.tension_decay == pytest.approx(math.exp(math.log(0.5) / 30.0))
    assert model.conceder == 1
    assert model.principal_names == ("US", "DPRK")


def test_a_scenario_without_a_prelude_starts_with_no_burn_in():
    def mutate(data):
        data.pop("prelude")

    model = variant("korea-2017", mutate)
    assert model.prelude_days == 0
    assert model.prelude_forced.shape == (0, 2) and model.prelude_reveals.shape == (0, 2, 2)


def test_the_prelude_record_by_hand():
    """korea-2017's prelude, 1 Jan to 25 Sep 2017 (268 days): free days are -1; 21 Sep has a move by each
    side (DPRK public_threat, US sanctions); the 31 recorded events land on their days and actors."""
    model = variant("korea-2017")
    forced = model.prelude_forced
    assert forced.shape == (268, 2) and forced.dtype == np.int64
    assert forced[0].tolist() == [-1, ACTION_INDEX["public_threat"]]  # 1 Jan, New Year address
    assert forced[1].tolist() == [ACTION_INDEX["public_threat"], -1]  # 2 Jan
    assert forced[2].tolist() == [-1, -1]
    sep21 = 31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 20
    assert forced[sep21].tolist() == [ACTION_INDEX["sanctions"], ACTION_INDEX["public_threat"]]
    assert forced[267].tolist() == [-1, ACTION_INDEX["public_threat"]]  # 25 Sep
    assert sorted(set(forced.ravel().tolist())) == sorted(
        {-1, ACTION_INDEX["public_threat"], ACTION_INDEX["missile_test"], ACTION_INDEX["show_of_force"]}
        | {ACTION_INDEX["sanctions"], ACTION_INDEX["nuclear_test"]}
    )
    assert (forced == -1).sum() == 268 * 2 - 31
    assert model.prelude_reveals.shape == (268, 2, 2) and np.isnan(model.prelude_reveals).all()


def test_the_last_prelude_event_of_a_day_wins_and_a_reveal_lands_on_its_day():
    """Two events of one side on one day: the later declared wins; a reveal sets [reach, warhead]."""

    def mutate(data):
        events = data["prelude"]["events"]
        events.append({"date": "2017-01-03", "actor": "DPRK", "action": "missile_test"})
        events.append(
            {
                "date": "2017-01-03",
                "actor": "DPRK",
                "action": "nuclear_test",
                "reveals": {"reach": 0.4, "warhead": 0.7},
            }
        )

    model = variant("korea-2017", mutate)
    assert model.prelude_forced[2].tolist() == [-1, ACTION_INDEX["nuclear_test"]]
    assert model.prelude_reveals[2].tolist()[1] == [0.4, 0.7]
    assert np.isnan(model.prelude_reveals[2, 0]).all()
    assert np.isnan(np.delete(model.prelude_reveals, 2, axis=0)).all()


def test_uneven_voices_give_the_weighted_mean_and_spread_by_hand():
    """DPRK's voices (korea-2017): weights 0.6, 0.4, hawkishness 0.5, 0.8: mean 0.62, spread
    sqrt(0.6 * 0.12**2 + 0.4 * 0.18**2) = sqrt(0.0216) (weights that do not sum to 1 are normalised)."""
    model = variant("korea-2017")
    assert model.voice_bias[1] == pytest.approx(0.62)
    assert model.voice_spread[1] == pytest.approx(math.sqrt(0.0216))

    def mutate(data):
        for voice in data["actors"]["DPRK"]["voices"]:
            voice["weight"] *= 2.0

    doubled = variant("korea-2017", mutate)
    assert doubled.voice_bias[1] == pytest.approx(0.62)
    assert doubled.voice_spread[1] == pytest.approx(math.sqrt(0.0216))


def test_only_an_active_mediators_boost_raises_the_chance_of_agreement():
    """docs/model.md, section 7: (1 + the sum of active mediators' agreement_boost). A third party that is not
    a mediator adds nothing, even with a boost declared; neither does an inactive mediator."""

    def mutate(data):
        data["actors"]["China"]["agreement_boost"] = 0.5

    model = variant("korea-2017", mutate)
    assert model.mediator_agreement_boost == 0.0
    assert not model.mediated_enabled
    assert (model.mediated_noise, model.mediated_delay, model.mediated_trust) == (0.0, 0.0, 0.0)
    assert model.mediated_face_saving == 0.0


def test_cubas_third_parties_have_acts_and_no_response_rules():
    """cuba-1962: U Thant (active mediator) calls for restraint and presses for talks, the OAS sanctions
    the USSR; no rule responds to the state: the rule table is empty, in the kernel's kinds and shapes."""
    model = variant("cuba-1962")
    acts = model.third_party_acts
    assert acts.kind.tolist() == [RESTRAINT, PRESS, SANCTIONS]
    assert acts.rate.tolist() == [0.1, 0.1, 0.05]
    assert acts.strength.tolist() == [0.1, 0.3, 0.1]
    assert acts.target.tolist() == [[1.0, 1.0], [1.0, 1.0], [0.0, 1.0]]
    rules = acts.responses
    assert rules.act.shape == (0,) and rules.act.dtype == np.int64
    assert rules.condition.shape == (0,) and rules.condition.dtype == np.int64
    assert rules.by.shape == (0, 2) and rules.by.dtype == bool
    for field in (rules.within_days, rules.level, rules.rate):
        assert field.shape == (0,) and field.dtype == np.float64
    assert model.mediated_enabled and model.mediated_trust == 0.6 and model.mediator_agreement_boost == 0.0


def test_a_direct_channel_verifies_only_when_it_is_open():
    """channels.direct.verify counts only with the channel enabled (korea-2017: closed, verify 0.6 declared);
    open, it also sets the message delay buffer, ceil(0.5) + 1 days."""
    assert variant("korea-2017").direct_verify == 0.0

    def open_channel(data):
        data["channels"]["direct"]["enabled"] = True

    model = variant("korea-2017", open_channel)
    assert model.direct_enabled and model.direct_verify == 0.6
    assert (model.direct_noise, model.direct_delay) == (0.3, 0.5)
    assert model.max_delay_days == 2


def test_a_dyad_without_third_parties_compiles_to_empty_tables_of_the_kernels_kinds():
    """Two principals alone (every third party removed from korea-2017): no acts and no rules, the tables
    empty in the kernel's kinds and shapes (an int act kind, a (0, 2) target), no mediated channel."""

    def mutate(data):
        data["actors"] = {name: data["actors"][name] for name in data["principals"]}

    model = variant("korea-2017", mutate)
    acts = model.third_party_acts
    assert acts.kind.shape == (0,) and acts.kind.dtype == np.int64
    assert acts.rate.shape == (0,) and acts.rate.dtype == np.float64
    assert acts.strength.shape == (0,) and acts.strength.dtype == np.float64
    assert acts.target.shape == (0, 2) and acts.target.dtype == np.float64
    assert acts.responses.act.shape == (0,) and acts.responses.by.shape == (0, 2)
    assert model.n_third_party_acts == 0
    assert not model.mediated_enabled and model.mediator_agreement_boost == 0.0
