"""Chance mechanisms: loss of control, false alarms, escalation."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from brinkmanship.model import hazards

RUNGS = np.array([3.0, 9.0, 20.0, 25.0, 31.0, 38.0])
JUMPS = np.array([2.0, 3.0, 3.0, 1.0, 1.0, 1.0])


def test_hazard_jumps_where_a_kahn_threshold_is_crossed():
    below = hazards.loss_of_control_hazard(np.array(9.0), 1e-4, 1.3, RUNGS, JUMPS)
    above = hazards.loss_of_control_hazard(np.array(9.0001), 1e-4, 1.3, RUNGS, JUMPS)
    assert above / below > 2.9  # the 'nuclear war is unthinkable' jump of 3
    assert np.isclose(hazards.loss_of_control_hazard(np.array(1.0), 1e-4, 1.3, RUNGS, JUMPS), 1e-4)


@given(st.floats(1, 44), st.floats(1, 44))
def test_hazard_is_a_probability_and_rises_with_the_rung(a, b):
    low, high = sorted((a, b))
    h = hazards.loss_of_control_hazard(np.array([low, high]), 1e-4, 1.35, RUNGS, JUMPS)
    assert 0 <= h[0] <= h[1] <= 1


def test_direct_channel_verification_stops_alarms_and_imminence_lets_them_through():
    calm = hazards.false_alarm_pass_through(0.01, 0.02, 10.0, np.array(0.0), 0.0)
    tense = hazards.false_alarm_pass_through(0.01, 0.02, 10.0, np.array(0.9), 0.0)
    checked = hazards.false_alarm_pass_through(0.01, 0.02, 10.0, np.array(0.9), 0.6)
    assert tense > calm
    assert np.isclose(checked, 0.4 * tense)


def test_false_alarms_rise_with_the_rung():
    p = hazards.false_alarm_probability(0.01, 0.1, np.array([1.0, 5.0, 11.0]))
    assert np.all(np.diff(p) > 0) and np.isclose(p[0], 1 - np.exp(-0.01))


def test_kennedys_maxim_raises_nuclear_use_unless_a_face_saving_exit_is_kept():
    cornered = hazards.nuclear_use_probability(0.3, 0.6, True, False)
    exit_kept = hazards.nuclear_use_probability(0.3, 0.6, True, True)
    assert np.isclose(cornered, 0.48) and exit_kept == 0.3


@given(st.floats(0, 1), st.floats(0, 10), st.floats(0, 10), st.floats(0, 5))
def test_clash_to_war_split_is_capped_and_non_negative(base, tension, stock, misperception):
    ordinary, misread = hazards.clash_to_war_probabilities(
        base, 0.03, np.array([tension]), 0.02, np.array([stock]), 0.12, misperception
    )
    assert ordinary[0] >= 0 and misread[0] >= 0
    assert ordinary[0] + misread[0] <= 0.95 + 1e-12


def test_moves_that_go_astray_add_to_the_levels_hazard():
    base = np.array([0.01, 0.01])
    risk = np.array([[0.0, 0.0], [0.004, 0.004]])
    p = hazards.incident_probability(base, risk)
    assert np.isclose(p[0], 0.01)
    assert np.isclose(p[1], 1 - 0.99 * 0.996**2)
