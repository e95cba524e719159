"""Saving and branching a state; imposing actions from outside (replay, a human player)."""

import numpy as np

from brinkmanship.engine import randomness as rnd
from brinkmanship.engine.ensemble import burn_in, simulate
from brinkmanship.engine.kernel import step
from brinkmanship.engine.state import ACTIVE, initial_state
from brinkmanship.model.ladder import ACTION_INDEX


def test_imposed_actions_are_taken_on_every_path(korea):
    missile = ACTION_INDEX["missile_test"]
    forced = {day: np.array([-1, missile]) for day in range(10)}
    tally = simulate(korea, 500, 10, seed=3, forced=forced)
    assert tally.actions[1, missile] == tally.active_path_days
    assert tally.actions[1].sum() == tally.active_path_days


def started(model, stream):
    """Paths on the start date: the calm state burned in through the prelude."""
    state = initial_state(model, stream.types())
    assert state.day == -model.prelude_days
    burn_in(model, state, [stream])
    assert state.day == 0
    return state


def test_a_copied_state_branches_without_disturbing_the_original(korea):
    stream = rnd.block_streams(1, 100)[0]
    state = started(korea, stream)
    for _ in range(20):
        u, z = stream.day(korea.n_third_party_acts)
        step(korea, state, u, z)
    saved = state.copy()
    u, z = stream.day(korea.n_third_party_acts)
    step(korea, state, u, z)
    branch = saved.copy()
    step(korea, branch, u, z)
    assert np.array_equal(branch.level, state.level) and branch.day == state.day == 21
    assert saved.day == 20


def test_one_path_can_be_replicated_for_a_forecast(korea):
    stream = rnd.block_streams(1, 10)[0]
    state = initial_state(korea, stream.types())
    many = state.take(np.zeros(50, dtype=int))
    assert many.n_paths == 50 and np.all(many.resolve == state.resolve[0])
    assert np.all(many.status == ACTIVE)


def test_a_forecast_branches_from_a_replayed_day(korea):
    """Replay one path 40 days, replicate it, and forecast 60 days ahead from there."""
    stream = rnd.block_streams(5, 1)[0]
    state = started(korea, stream)
    for _ in range(40):
        u, z = stream.day(korea.n_third_party_acts)
        step(korea, state, u, z)
    assert state.status[0] == ACTIVE  # this seed's path is still in crisis on day 40
    branch = state.take(np.zeros(2000, dtype=int))
    tally = simulate(korea, 2000, 60, seed=9, start=branch)
    assert tally.runs == 2000 and 0 < tally.war < 2000
    assert tally.war_by_day.shape == (60,)  # days counted from the branch point
    again = simulate(korea, 2000, 60, seed=9, start=branch, workers=2, chunk_blocks=1)
    assert again.war == tally.war and np.array_equal(again.war_by_day, tally.war_by_day)
    assert state.day == 40 and branch.day == 40  # the branch point is not disturbed
