"""Each mechanism of docs/model.md as a function, with the direction the literature gives it."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brinkmanship.model import bargaining, beliefs, capability, decisions, hazards, perception, tension, war
from brinkmanship.model.ladder import ACTION_INDEX, THRESHOLDS

THRESHOLD_RUNGS = np.array([t.below_rung for t in THRESHOLDS], dtype=float)


def hazard(rung, tension_level=0.0, jumps=None):
    jumps = np.ones(len(THRESHOLDS)) if jumps is None else jumps
    return hazards.loss_of_control_hazard(rung, tension_level, 1e-4, 1.2, 1.0, THRESHOLD_RUNGS, jumps)


# Tension -------------------------------------------------------------------------------------------


def test_tension_stock_decays_to_calm_with_its_half_life():
    decay = 0.5 ** (1 / 30)
    stock = np.array([4.0])
    for _ in range(30):
        stock = tension.update_stock(stock, np.zeros(1), 0.5, decay, 2.0)
    assert stock[0] == pytest.approx(0.5 + 3.5 / 2)


def test_events_build_the_stock_and_a_steady_reading_holds_it():
    decay = 0.5 ** (1 / 30)
    stock = np.array([0.5])
    for _ in range(2000):
        stock = tension.update_stock(stock, np.full(1, 1.5), 0.5, decay, 2.0)
    assert stock[0] == pytest.approx(0.5 + 2.0 * 1.5, rel=1e-6)
    assert tension.update_stock(np.array([0.5]), np.array([4.0]), 0.5, decay, 2.0)[0] > 0.5


def test_tension_is_the_mean_of_the_positive_stocks():
    assert tension.tension(np.array([[2.0, -1.0]])).tolist() == [1.0]


# Hazards -------------------------------------------------------------------------------------------


def test_hazard_grows_with_tension():
    assert hazard(2.0, 0.3) < hazard(2.0, 1.5) < hazard(2.0, 3.0)
    assert hazard(1.0, 0.0) == pytest.approx(1e-4)


def test_hazard_jumps_where_a_kahn_threshold_is_crossed():
    jumps = np.ones(len(THRESHOLDS))
    jumps[0] = 3.0  # don't rock the boat, above rung 3
    assert hazard(4.0, jumps=jumps) / hazard(3.0, jumps=jumps) == pytest.approx(1.2 * 3.0)
    assert hazard(3.0, jumps=jumps) / hazard(2.0, jumps=jumps) == pytest.approx(1.2)


@settings(deadline=None)
@given(st.floats(1.0, 44.0), st.floats(1.0, 44.0), st.floats(0.0, 10.0))
def test_hazard_is_a_probability_and_rises_with_the_rung(a, b, t):
    low, high = sorted((a, b))
    assert 0.0 <= hazard(low, t) <= hazard(high, t) <= 1.0


def test_moves_that_go_astray_add_to_the_levels_hazard():
    base = hazards.incident_probability(np.array([0.01]), np.zeros((1, 2)))
    astray = hazards.incident_probability(np.array([0.01]), np.array([[0.05, 0.0]]))
    assert astray[0] == pytest.approx(1 - 0.99 * 0.95)
    assert base[0] == pytest.approx(0.01)


def test_false_alarms_rise_with_the_rung_and_a_direct_channel_stops_them():
    assert np.all(np.diff(hazards.false_alarm_probability(0.01, 0.1, np.arange(1.0, 12.0))) > 0)
    unchecked = hazards.false_alarm_pass_through(0.005, 0.02, 10.0, np.array([0.5]), 0.0)
    checked = hazards.false_alarm_pass_through(0.005, 0.02, 10.0, np.array([0.5]), 0.6)
    calm = hazards.false_alarm_pass_through(0.005, 0.02, 10.0, np.array([0.0]), 0.0)
    assert checked[0] == pytest.approx(0.4 * unchecked[0])
    assert calm[0] < unchecked[0]


def test_clash_to_war_rises_with_tension_and_audience_costs():
    calm = hazards.clash_to_war(0.02, 0.06, np.array([0.3]), 0.01, np.array([0.0]))
    hot = hazards.clash_to_war(0.02, 0.06, np.array([3.0]), 0.01, np.array([0.0]))
    locked = hazards.clash_to_war(0.02, 0.06, np.array([3.0]), 0.01, np.array([5.0]))
    assert calm[0] < hot[0] < locked[0]
    assert calm[0] == pytest.approx(0.038)
    assert (
        hazards.clash_to_war(0.9, 1.0, np.array([9.0]), 1.0, np.array([9.0]))[0] == hazards.MAX_CLASH_TO_WAR
    )


def test_only_the_excess_of_perception_over_truth_is_miscalculation():
    assert hazards.split_escalation(np.array([0.2]), np.array([0.3]), 0.0)[0] == pytest.approx(0.1)
    assert hazards.split_escalation(np.array([0.2]), np.array([0.3]), 0.6)[0] == pytest.approx(0.04)
    assert hazards.split_escalation(np.array([0.3]), np.array([0.2]), 0.0)[0] == 0.0


def test_tension_lowers_the_chance_of_settling():
    args = (0.004, 0.3)
    calm = hazards.agreement_probability(*args, np.array([0.3]), 20.0, np.array([0.0]), 0.0)
    hot = hazards.agreement_probability(*args, np.array([3.0]), 20.0, np.array([0.0]), 0.0)
    conceding = hazards.agreement_probability(*args, np.array([3.0]), 20.0, np.array([1.0]), 0.0)
    assert hot[0] < calm[0]
    assert conceding[0] > hot[0]


# Perception ----------------------------------------------------------------------------------------


def test_read_public_adds_bias_to_military_moves():
    truth = np.array([[3.0, 3.0]])
    military = np.array([[True, False]])
    read = perception.read_public(
        truth, military, 1.0, np.zeros(2), np.ones(2), np.zeros(2), np.zeros((1, 2))
    )
    assert read.tolist() == [[4.0, 3.0]]


def test_a_direct_channel_clarifies_a_share_of_the_error():
    truth = np.array([[3.0, 0.0]])
    read = perception.read_public(
        truth,
        np.array([[True, False]]),
        1.0,
        np.array([0.0, 2.0]),
        np.zeros(2),
        np.ones(2),
        np.ones((1, 2)),
        0.75,
    )
    assert read[0, 0] == pytest.approx(3.0 + 0.25 * 2.0)
    assert read[0, 1] == pytest.approx(0.25 * 3.0)


def test_uncoordinated_voices_add_noise_and_coordination_removes_it():
    noise = perception.public_signal_noise(1.0, np.array([0.0, 1.0]), np.array([2.0, 2.0]))
    assert noise[0] == pytest.approx(np.sqrt(5.0))
    assert noise[1] == pytest.approx(1.0)


def test_imminence_needs_both_a_greedy_looking_and_a_hostile_looking_opponent():
    assert perception.imminence(np.array(0.0), np.array(9.0), 5.0, 0.7) == 0.0
    assert perception.imminence(np.array(1.0), np.array(0.0), 5.0, 0.7) < 0.01
    assert perception.imminence(np.array(1.0), np.array(9.0), 5.0, 0.7) > 0.99


# Beliefs -------------------------------------------------------------------------------------------


def test_bayes_rule_multiplies_by_the_likelihood_and_keeps_a_tremble():
    prior = np.array([0.25, 0.25, 0.25, 0.25])
    posterior = beliefs.update(prior, np.array([0.1, 0.1, 0.3, 0.3]), 0.0)
    assert posterior.tolist() == pytest.approx([0.125, 0.125, 0.375, 0.375])
    assert beliefs.greed(posterior) == pytest.approx(0.75)
    certain = beliefs.update(prior, np.array([0.0, 0.0, 0.0, 1.0]), 0.01)
    assert certain.min() == pytest.approx(0.01)
    assert beliefs.update(prior, np.zeros(4), 0.0).tolist() == prior.tolist()


def test_the_prior_is_the_other_sides_p_greedy():
    prior = beliefs.prior(np.array([0.15, 0.25]), 3)
    assert prior.shape == (3, 2, 4)
    assert beliefs.greed(prior)[0].tolist() == pytest.approx([0.25, 0.15])
    assert beliefs.resolve(prior)[0].tolist() == pytest.approx([0.5, 0.5])


def _type_likelihoods(model, action):
    """Likelihood of ``action`` by principal 0 under each of its four types, at a crisis state."""
    from tests.test_decisions import inputs

    parts = decisions.utility_parts(model, inputs(audience=np.full((1, 2), 1.0)))
    weights = decisions.choice_weights(
        parts.type_utilities(model.resolve_types),
        np.where(model.repertoire.T, 0.0, -np.inf)[:, None, None, :],
        np.full((1, 2), 2.0),
    )
    observed = np.array([[ACTION_INDEX[action], ACTION_INDEX["hold"]]])
    from brinkmanship.engine.kernel import observed_move

    return decisions.signal_likelihood(weights, observed_move(model), observed)[0, 0]


def test_public_commitment_raises_belief_in_resolve(cuba):
    """Fearon (1994): a public threat is likelier from a resolute type, so seeing one raises the estimate."""
    likelihood = _type_likelihoods(cuba, "public_threat")
    prior = np.full(4, 0.25)
    posterior = beliefs.update(prior, likelihood, 0.0)
    assert beliefs.resolve(posterior) > beliefs.resolve(prior) + 0.02


def test_costly_signals_separate_types_more_than_cheap_talk(cuba):
    """A public threat (audience costs) separates resolve more than a private one (cheap talk); a
    public concession (costly reassurance) separates greed more than a conciliatory gesture."""

    def ratio(action, high, low):
        likelihood = _type_likelihoods(cuba, action)
        return likelihood[high].sum() / likelihood[low].sum()

    resolute, timid, greedy, secure = [1, 3], [0, 2], [2, 3], [0, 1]
    assert ratio("public_threat", resolute, timid) > ratio("private_threat", resolute, timid) > 0.0
    assert ratio("concession_public", secure, greedy) > ratio("diplomatic_gesture", secure, greedy) > 1.0


# Capability and war --------------------------------------------------------------------------------


def test_tests_raise_capability_toward_but_never_past_complete():
    reach, warhead = np.array([[0.3, 0.0]]), np.array([[0.3, 0.0]])
    missile, nuclear = np.array([[True, False]]), np.array([[False, False]])
    reach2, warhead2 = capability.demonstrate(reach, warhead, missile, nuclear, 0.1, 0.5)
    assert reach2[0, 0] == pytest.approx(0.37)
    assert warhead2[0, 0] == pytest.approx(0.3)
    for _ in range(500):
        reach2, _ = capability.demonstrate(reach2, warhead2, missile, nuclear, 0.1, 0.5)
    assert reach2[0, 0] <= 1.0
    assert capability.threat(np.array(0.5), np.array(0.5)) == 0.25


def test_losing_without_an_exit_raises_nuclear_use():
    """Kennedy's maxim as a state of the war."""
    losing = war.losing(np.array([-1.0, 0.0, 1.0]), 0.5)
    assert losing.tolist() == [[True, False], [False, False], [False, True]]
    cornered = war.nuclear_hazard(0.01, 5.0, losing, False)
    assert cornered.tolist() == pytest.approx([0.06, 0.01, 0.06])
    assert war.nuclear_hazard(0.01, 5.0, losing, True).tolist() == pytest.approx([0.01] * 3)
    assert war.balance_drift(np.array([3.0, 1.0]), 0.1) == pytest.approx(0.05)


# Exact values on many paths at once (these also pin the arithmetic: mutation testing, docs/mutation.md)


def test_signal_noise_and_readings_exact_values():
    noise = perception.public_signal_noise(2.0, np.array([0.5, 0.25]), np.array([2.0, 4.0]))
    assert noise.tolist() == pytest.approx([np.sqrt(4.0 + 1.0), np.sqrt(4.0 + 9.0)])
    read = perception.read_public(
        np.zeros((3, 2)),
        np.zeros((3, 2), dtype=bool),
        1.0,
        np.array([1.0, -2.0]),
        np.array([0.5, 0.75]),
        np.zeros(2),
        np.zeros((3, 2)),
    )
    assert read[2].tolist() == pytest.approx([0.5, -0.5])


def test_imminence_exact_value():
    value = perception.imminence(np.array([0.8]), np.array([5.7]), 5.0, 0.7)
    assert value[0] == pytest.approx(0.8 / (1.0 + np.exp(-1.0)))


def test_tension_per_path_of_many():
    stocks = np.array([[[1.0, 3.0], [2.0, -2.0]]])  # (1, 2 paths, 2 sides)
    assert tension.tension(stocks).tolist() == [[2.0, 1.0]]


def test_prior_exact_values():
    prior = beliefs.prior(np.array([0.2, 0.6]), 2)
    assert prior[1, 0].tolist() == pytest.approx([0.2, 0.2, 0.3, 0.3])  # principal 0 about principal 1
    assert prior[1, 1].tolist() == pytest.approx([0.4, 0.4, 0.1, 0.1])
    assert prior.sum(axis=-1) == pytest.approx(np.ones((2, 2)))


def test_bayes_update_on_many_paths_at_once():
    posterior = np.array([[[0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4]]])  # (1, 2, 4)
    likelihood = np.array([[[1.0, 1.0, 3.0, 3.0], [0.0, 0.0, 0.0, 0.0]]])
    updated = beliefs.update(posterior, likelihood, 0.01)
    assert updated.shape == (1, 2, 4)
    assert updated[0, 0].tolist() == pytest.approx([0.01 + 0.96 * 0.125] * 2 + [0.01 + 0.96 * 0.375] * 2)
    assert updated[0, 1].tolist() == pytest.approx((0.01 + 0.96 * posterior[0, 1]).tolist())
    assert updated.sum(axis=-1) == pytest.approx(np.ones((1, 2)))


def test_losing_at_exactly_the_threshold_is_not_yet_losing():
    assert war.losing(np.array([-0.5, 0.5]), 0.5).tolist() == [[False, False], [False, False]]
    hazard = war.nuclear_hazard(0.5, 5.0, np.array([[True, False], [False, False]]), False)
    assert hazard.tolist() == [1.0, 0.5]


def test_incident_probability_on_many_paths():
    p = hazards.incident_probability(np.array([0.1, 0.0]), np.array([[0.5, 0.5], [0.0, 0.2]]))
    assert p.tolist() == pytest.approx([1 - 0.9 * 0.25, 0.2])


def test_false_alarm_exact_values():
    assert hazards.false_alarm_probability(0.01, 0.1, np.array([1.0, 11.0])).tolist() == pytest.approx(
        [1 - np.exp(-0.01), 1 - np.exp(-0.02)]
    )
    last = hazards.false_alarm_pass_through(0.5, 0.1, 2.0, np.array([0.0, 1.0, 10.0]), 0.0)
    assert last.tolist() == pytest.approx([0.05, 0.15, 0.5])


# Audience costs (Fearon 1994; Kurizaki 2007)


def test_audience_stock_builds_with_threats_force_and_standing_and_a_public_concession_empties_it():
    from brinkmanship.model.audience import update_audience_stock

    stock = np.array([[1.0, 1.0, 1.0, 1.0]])
    grown = update_audience_stock(
        stock,
        np.array([[True, False, False, False]]),
        np.array([[False, True, False, False]]),
        np.array([[False, False, False, True]]),
        np.array([[1.0, 1.0, 4.0, 9.0]]),
        0.3,
        0.2,
        0.02,
        0.9,
    )
    assert grown[0].tolist() == pytest.approx([1.2, 1.1, 0.92, 0.0])
    below = update_audience_stock(
        stock[:, :1],
        np.zeros((1, 1), bool),
        np.zeros((1, 1), bool),
        np.zeros((1, 1), bool),
        np.array([[3.9]]),
        0.3,
        0.2,
        0.02,
        0.9,
    )
    assert below[0].tolist() == pytest.approx([0.9])


# The observer's view (Jervis 1976): the other is imagined to read this side's moves truly


def test_observer_shift_is_zero_when_the_other_reads_truly(korea):
    same = np.full((2, 2), 2.0)
    shift = decisions.observer_shift(korea, same, same, np.full((2, 2), 0.5))
    assert shift.shape == (len(korea.action_hostility), 2, 2)
    assert np.all(shift == 0.0)


def test_observer_shift_exact_value(korea):
    perceived = np.array([[3.0, 3.0]])
    imagined = np.array([[1.0, 1.0]])
    belief = np.array([[0.6, 0.6]])
    shift = decisions.observer_shift(korea, perceived, imagined, belief)
    g = korea.generosity[1]  # the weights of the principal whose move is weighed (index 1 here)
    strike = ACTION_INDEX["limited_strike"]
    x = korea.action_hostility[strike]
    imm = perception.imminence
    args = (korea.imminence_threshold, korea.imminence_scale)
    expected = 2 * korea.reciprocity[1] * x * (1.0 - g) * (1.0 - 3.0) + korea.preemption * (
        imm(np.array(0.6), np.array(1.0), *args) - imm(np.array(0.6), np.array(3.0), *args)
    )
    assert shift[strike, 0, 1] == pytest.approx(float(expected), rel=1e-5)
    hold = ACTION_INDEX["hold"]
    assert shift[hold, 0, 0] == 0.0
    # reading the other as calmer than it is: hostile moves look less likely from the observer's seat
    assert shift[ACTION_INDEX["missile_test"], 0, 0] < 0.0


def test_a_nuclear_test_closes_half_the_warhead_gap_and_only_a_test_moves_capability():
    """docs/model.md, section 2: each test closes its gain's share of the remaining gap to 1; a side that
    did not test keeps its capability (korea-2017's gains: missile 0.1, nuclear 0.5)."""
    reach, warhead = np.array([[0.3, 0.5]]), np.array([[0.3, 0.2]])
    missile, nuclear = np.array([[True, False]]), np.array([[False, True]])
    reach2, warhead2 = capability.demonstrate(reach, warhead, missile, nuclear, 0.1, 0.5)
    assert reach2[0].tolist() == pytest.approx([0.37, 0.5])
    assert warhead2[0].tolist() == pytest.approx([0.3, 0.6])  # 0.2 + 0.5 * 0.8


def test_the_chance_of_agreement_by_hand():
    """docs/model.md, section 7: base_rate * exp(-tension_damping * T) * (1 + concession_boost * C) * (1 +
    mediator_boost), capped at 1."""
    p = hazards.agreement_probability(
        0.01, 0.5, np.array([0.0, 2.0, 0.0]), 3.0, np.array([1.0, 0.0, 0.0]), 0.5
    )
    assert p.tolist() == pytest.approx([0.01 * 4.0 * 1.5, 0.01 * np.exp(-1.0) * 1.5, 0.01 * 1.5])
    capped = hazards.agreement_probability(0.5, 0.0, np.array([0.0]), 3.0, np.array([1.0]), 0.5)
    assert capped.tolist() == [1.0]  # 0.5 * 4 * 1.5 = 3


# Agreements: the bargaining range (model/bargaining.py; docs/model.md, section 7) --------------------


def test_the_conceders_ceiling_rises_with_pressure_falls_with_capability_and_stays_in_0_1():
    """c = clip(base + w_p * P - w_c * threat, 0, 1) with base 0.3, w_p 0.2, w_c 0.4."""
    pressure = np.array([0.0, 2.0, 5.0, 0.0, 0.5])
    threat = np.array([0.0, 0.0, 0.0, 1.0, 0.5])
    ceiling = bargaining.conceder_ceiling(0.3, 0.2, 0.4, pressure, threat)
    assert ceiling.tolist() == pytest.approx([0.3, 0.7, 1.0, 0.0, 0.2])


def test_a_range_exists_when_the_ceiling_reaches_the_floor_and_the_terms_split_it():
    """Fearon (1995): a range where c >= floor (an equal ceiling included); Nash: d = (floor + c) / 2."""
    in_range, depth = bargaining.agreement_terms(0.4, np.array([0.3, 0.4, 0.8]))
    assert in_range.tolist() == [False, True, True]
    assert depth.tolist() == pytest.approx([0.35, 0.4, 0.6])


def test_sanctions_relief_cuts_the_conceders_pressure_by_relief_times_depth():
    """P * (1 - relief * d): relief 0.5 at depth 0.4 takes a fifth off; depth 0 leaves it."""
    relieved = bargaining.relieved_pressure(np.array([2.0, 2.0]), 0.5, np.array([0.4, 0.0]))
    assert relieved.tolist() == pytest.approx([1.6, 2.0])


def test_a_face_saving_exit_halves_the_face_cost_and_a_mediator_takes_its_share_off():
    """docs/model.md, section 1: f = (0.5 with an exit, else 1) * (1 - the mediator's face_saving)."""
    import dataclasses

    from brinkmanship.scenario import compile_scenario, load_scenario

    model = compile_scenario(load_scenario("korea-calm"))
    plain = dataclasses.replace(model, face_saving_exit=False, mediated_face_saving=0.0)
    assert decisions.face_cost_factor(plain) == 1.0
    assert decisions.face_cost_factor(dataclasses.replace(plain, face_saving_exit=True)) == 0.5
    both = dataclasses.replace(plain, face_saving_exit=True, mediated_face_saving=0.6)
    assert decisions.face_cost_factor(both) == pytest.approx(0.2)
