"""Saving and branching a state; imposing actions from outside (replay, a human player)."""

import numpy as np

from brinkmanship.engine import randomness as rnd
from brinkmanship.engine.ensemble import advance, burn_in, simulate
from brinkmanship.engine.state import ACTIVE, initial_state
from brinkmanship.model.ladder import ACTION_INDEX


def test_imposed_actions_are_taken_on_every_path(korea):
    missile = ACTION_INDEX["missile_test"]
    forced = {day: np.array([-1, missile]) for day in range(10)}
    tally = simulate(korea, 500, 10, seed=3, forced=forced)
    assert tally.actions[1, missile] == tally.active_path_days
    assert tally.actions[1].sum() == tally.active_path_days


def started(model, key, ids):
    """Paths on the start date: the calm state burned in through the prelude."""
    state = initial_state(model, rnd.type_draws(key, ids))
    assert state.day == -model.prelude_days
    burn_in(model, state, ids, key)
    assert state.day == 0
    return state


def whole_block(paths):
    """Ids of the first block (a burn-in resamples whole blocks), and the first ``paths`` of them."""
    return np.arange(rnd.BLOCK_SIZE), np.arange(paths)


def test_a_copied_state_branches_without_disturbing_the_original(korea):
    key = rnd.seed_key(1)
    ids, keep = whole_block(100)
    state = started(korea, key, ids).take(keep)
    advance(korea, state, keep, key, 20)
    saved = state.copy()
    advance(korea, state, keep, key, 1)
    branch = saved.copy()
    advance(korea, branch, keep, key, 1)
    assert np.array_equal(branch.level, state.level) and branch.day == state.day == 21
    assert np.array_equal(branch.perceived, state.perceived)
    assert saved.day == 20


def test_one_path_can_be_replicated_for_a_forecast(korea):
    state = initial_state(korea, rnd.type_draws(rnd.seed_key(1), np.arange(10)))
    many = state.take(np.zeros(50, dtype=int))
    assert many.n_paths == 50 and np.all(many.resolve == state.resolve[0])
    assert np.all(many.status == ACTIVE)


def test_a_forecast_branches_from_a_replayed_day(korea):
    """Replay one path 40 days, replicate it, and forecast 60 days ahead from there."""
    key = rnd.seed_key(5)
    ids, keep = whole_block(1)
    state = started(korea, key, ids).take(keep)
    advance(korea, state, keep, key, 40)
    assert state.status[0] == ACTIVE  # this seed's path is still in crisis on day 40
    branch = state.take(np.zeros(2000, dtype=int))
    tally = simulate(korea, 2000, 60, seed=9, start=branch)
    assert tally.runs == 2000 and 0 < tally.war < 2000
    assert tally.war_by_day.shape == (60,)  # days counted from the branch point
    again = simulate(korea, 2000, 60, seed=9, start=branch, workers=2, chunk_blocks=1)
    assert again.war == tally.war and np.array_equal(again.war_by_day, tally.war_by_day)
    assert state.day == 40 and branch.day == 40  # the branch point is not disturbed
