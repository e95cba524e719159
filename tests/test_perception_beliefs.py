"""Signals, misperception and beliefs (Jervis; Kydd)."""

import numpy as np

from brinkmanship.model import beliefs, perception


def test_uncoordinated_voices_add_noise_and_coordination_removes_it():
    spread = np.array([1.2, 1.2])
    noise = perception.public_signal_noise(1.0, np.array([0.3, 1.0]), spread)
    assert noise[0] > noise[1] == 1.0


def test_military_moves_are_read_as_more_hostile():
    read = perception.read_public(
        np.array([3.0, 3.0]), np.array([True, False]), 1.0, np.zeros(2), np.ones(2), np.zeros(2), np.zeros(2)
    )
    assert read[0] == 4.0 and read[1] == 3.0


def test_beliefs_move_toward_greed_on_hostile_readings_and_reassurance_weighs_more():
    prior = np.array([0.5, 0.5, 0.5])
    posterior = beliefs.update_belief(prior, np.array([5.0, 2.5, -2.0]), 0.1, 2.5, 2.0)
    assert posterior[0] > 0.5
    assert np.isclose(posterior[1], 0.5)
    shift_down = 0.5 - posterior[2]
    shift_up = posterior[0] - 0.5
    assert shift_down > shift_up  # a concession of -2 moves beliefs more than a threat of +5 (Kydd)


def test_beliefs_never_reach_certainty():
    belief = np.array([0.5])
    for _ in range(1000):
        belief = beliefs.update_belief(belief, np.array([10.0]), 1.0, 2.5, 2.0)
    assert 0.99 < belief[0] < 1.0


def test_imminence_needs_both_a_greedy_looking_and_a_hostile_looking_opponent():
    values = perception.imminence(np.array([0.9, 0.1, 0.9]), np.array([9.0, 9.0, 1.0]), 6.5, 0.7)
    assert values[0] > 0.8 and values[1] < 0.1 and values[2] < 0.01
