"""`brink play`'s reading of the other side's type from its moves (play/their_type.py): a particle filter.

The likelihood is checked against an independent oracle, the compiled kernel's own choices on many branches
of the same board (the filter computes them with the NumPy kernel's decision functions, and a breach of a
freeze and a strike called off over a direct channel with code of its own); the update's direction by
observing moves that greedy types make more (or less) often; and the whole filter by games whose hidden
type is known: it must tell the greedy worlds from the others.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from scipy import stats

from brinkmanship.engine import randomness as rnd
from brinkmanship.engine.ensemble import Tally, advance
from brinkmanship.engine.kernel import act_probabilities
from brinkmanship.model import tension as tension_model
from brinkmanship.model.ladder import ACTION_INDEX, N_ACTIONS
from brinkmanship.play.game import Game
from brinkmanship.play.their_type import TheirTypes
from brinkmanship.scenario import compile_scenario, load_scenario

SEED = 11
DPRK = 1


@pytest.fixture(scope="module")
def korea():
    return compile_scenario(load_scenario("korea-2017"))


def _one_type(greedy: float, resolve: float, sensitivity: float) -> TheirTypes:
    return TheirTypes(np.array([greedy]), np.array([resolve]), np.array([sensitivity]), np.zeros(1))


def _kernel_against_filter(
    model, game: Game, types: TheirTypes, n: int = 20_000
) -> tuple[np.ndarray, np.ndarray]:
    """The DPRK's moves on ``n`` branches of the game's board stepped one day by the kernel, each with its own
    random numbers, and the counts the filter expects: the sum over branches of its probabilities given the
    third parties' acts each branch draws."""
    world = game.world
    branch = world.take(np.zeros(n, dtype=np.int64)).counting_from_now()
    branch.greedy[:, DPRK] = types.greedy[0]
    branch.resolve[:, DPRK] = types.resolve[0]
    branch.sensitivity[:, DPRK] = types.sensitivity[0]
    ids = (1 << 26) + np.arange(n, dtype=np.int64)
    key = rnd.seed_key(SEED)
    chance = act_probabilities(model, world, tension_model.tension(world.perceived))[0]
    fired = np.stack(
        [rnd.uniform(key, ids, world.day, rnd.U_FIXED + j) < chance[j] for j in range(chance.size)], axis=1
    ).reshape(n, chance.size)
    tally = Tally(days=1, runs=n)
    advance(model, branch, ids, key, 1, tally)
    patterns, inverse = np.unique(fired, axis=0, return_inverse=True)
    counts_of = np.bincount(inverse.reshape(-1), minlength=len(patterns))
    expected = np.zeros(N_ACTIONS)
    for p, pattern in enumerate(patterns):
        expected += counts_of[p] * types.move_probabilities(model, world, DPRK, pattern)[0]
    return tally.actions[DPRK].astype(float), expected


def _g_test(observed: np.ndarray, expected: np.ndarray) -> float:
    """The G-test's p-value, cells expected below 5 pooled into one."""
    assert observed.sum() == pytest.approx(expected.sum())
    big = expected >= 5.0
    obs = np.append(observed[big], observed[~big].sum())
    exp = np.append(expected[big], expected[~big].sum())
    keep = exp > 0
    return float(stats.power_divergence(obs[keep], exp[keep], lambda_="log-likelihood").pvalue)


def test_the_filters_move_probabilities_are_the_kernels_choices(korea):
    game = Game.start(korea, "us", SEED)
    observed, expected = _kernel_against_filter(korea, game, _one_type(1.0, 0.8, 0.5))
    assert _g_test(observed, expected) > 1e-3


def test_a_breach_of_a_freeze_in_force_is_read_as_the_kernel_breaches(korea):
    """Under a freeze of the DPRK's tests, its tests come only from breaches (the most valued frozen move).
    Fails if the filter left the breach out (a frozen move would then be impossible under every type)."""
    terms = np.zeros_like(korea.freeze_terms)
    terms[DPRK, [ACTION_INDEX["missile_test"], ACTION_INDEX["nuclear_test"]]] = True
    model = dataclasses.replace(korea, freeze_terms=terms, freeze_breach_rate=0.2)
    game = Game.start(model, "us", SEED)
    game.world.freeze_on[0] = True
    observed, expected = _kernel_against_filter(model, game, _one_type(1.0, 0.8, 0.5))
    frozen = terms[DPRK]
    assert observed[frozen].sum() > 3000  # the breaches are there to be seen
    assert _g_test(observed, expected) > 1e-3


def test_a_strike_called_off_over_the_direct_channel_is_read_as_a_hold(korea):
    """With a direct channel and the DPRK misreading the US, a strike it chooses is checked and called off
    (it holds) with probability verify; imprecise choices make strikes common enough to count. Fails if
    the filter left the check out."""
    precision = korea.precision.copy()
    precision[DPRK] = 0.02
    model = dataclasses.replace(korea, direct_enabled=True, direct_verify=0.6, precision=precision)
    game = Game.start(model, "us", SEED)
    w = game.world
    w.perceived[0, DPRK] = w.true_hostility[0, DPRK] + model.misread_margin + 1.0
    observed, expected = _kernel_against_filter(model, game, _one_type(0.0, 0.3, 0.2))
    attack = model.action_is_attack_clash | model.action_is_war
    assert observed[attack].sum() > 1000
    assert _g_test(observed, expected) > 1e-3


def test_a_move_greedy_types_make_more_often_raises_the_share_of_greedy_types(korea):
    """Bayes' rule's direction: observing the move that most separates greedy types (more likely under
    them) raises P(greedy); the move least likely under them lowers it. Fails if the update were reversed or
    left out."""
    game = Game.start(korea, "us", SEED)
    types = game.their_types
    assert types is not None
    before = types.share_greedy()
    fired = np.zeros(korea.third_party_acts.rate.size, dtype=bool)
    p = types.move_probabilities(korea, game.world, DPRK, fired)
    greedy = types.greedy == 1.0
    lift = p[greedy].mean(axis=0) - p[~greedy].mean(axis=0)
    for move, direction in ((int(np.argmax(lift)), 1.0), (int(np.argmin(lift)), -1.0)):
        reading = dataclasses.replace(types, log_weight=types.log_weight.copy())
        for _ in range(3):
            reading.observe(p, move)
        assert direction * (reading.share_greedy() - before) > 0.05
    assert types.effective_size() == pytest.approx(types.greedy.size)  # nothing observed yet


def test_the_record_of_a_game_tells_greedy_worlds_from_the_others(korea):
    """Games whose hidden DPRK type is known, the US holding for 45 days: the filter's P(greedy) is higher
    in every greedy world than in any other, and the branches drawn follow it. Fails if the filter read the
    moves the wrong way or not at all (it would stay at the prior, 26%)."""
    shares = {True: [], False: []}
    for seed in range(100, 110):
        game = Game.start(korea, "us", seed)
        assert game.their_types is not None
        game.their_types = TheirTypes.from_prior(korea, DPRK, np.random.default_rng(seed), k=1024)
        for _ in range(45):
            if game.over:
                break
            game.move("hold")
        shares[bool(game.world.greedy[0, DPRK] == 1.0)].append(game.their_types.share_greedy())
    assert shares[True] and shares[False]
    assert min(shares[True]) > max(shares[False])
    assert np.mean(shares[True]) - np.mean(shares[False]) > 0.4
    branches = game._branches(4000)
    assert branches.greedy[:, DPRK].mean() == pytest.approx(game.their_types.share_greedy(), abs=0.03)


def test_a_game_without_advice_keeps_no_reading(korea):
    game = Game.start(korea, "us", SEED, read_their_moves=False)
    game.move("hold")
    assert game.their_types is None and game.position()["their_moves_say"] is None


def test_a_game_from_a_replayed_date_starts_from_the_types_the_record_made_likely(capsys):
    """`brink play --as-of`: the advice's types start as the replay's ensemble has them (as `brink run
    --as-of` branches from it), not at the prior. Fails if the game started the filter from the prior."""
    from brinkmanship.cli import main
    from brinkmanship.cli_history import as_of_start
    from brinkmanship.cli_play import REPLAY_PATHS

    args = ["play", "korea-2017", "--as", "us", "--seed", str(SEED), "--as-of", "2017-12-31"]
    small = ["--moves", "hold", "--advice-runs", "50", "--horizon", "5", "--no-levers", "--json"]
    assert main([*args, *small]) == 0
    said = json.loads(capsys.readouterr().out)["moves"][0]["position"]["their_moves_say"]
    replayed = as_of_start(load_scenario("korea-2017"), "2017-12-31", REPLAY_PATHS, SEED)
    assert said["greedy"] == pytest.approx(replayed.greedy[:, DPRK].mean())
    # Resampling copies the likelier paths: the effective number counts the distinct types (a tester found
    # 1,024 reported where 112 types were distinct).
    _, copies = np.unique(
        np.stack(
            [replayed.greedy[:, DPRK], replayed.resolve[:, DPRK], replayed.sensitivity[:, DPRK]], axis=1
        ),
        axis=0,
        return_counts=True,
    )
    assert copies.max() > 1
    assert said["effective_types"] == pytest.approx(1.0 / np.sum((copies / REPLAY_PATHS) ** 2))
    assert said["effective_types"] < copies.size < REPLAY_PATHS
    prior = compile_scenario(load_scenario("korea-2017")).p_greedy[DPRK]
    assert abs(said["greedy"] - prior) > 0.1  # the record of 2017 says something of the DPRK's type


def test_the_game_ends_by_telling_the_other_sides_true_type(korea, capsys):
    """The debrief: the type hidden during the game (the world's), beside what the moves said of it."""
    from brinkmanship.cli import main

    args = ["play", "korea-2017", "--as", "us", "--seed", str(SEED), "--moves", "hold 3"]
    assert main([*args, "--advice-runs", "50", "--horizon", "5", "--no-levers", "--json"]) == 0
    told = json.loads(capsys.readouterr().out)["debrief"]
    world = Game.start(korea, "us", SEED).world
    assert told["their_type"]["greedy"] == bool(world.greedy[0, DPRK] == 1.0)
    assert told["their_type"]["resolve"] == pytest.approx(world.resolve[0, DPRK])
    assert 0.0 <= told["their_moves_said"]["greedy"] <= 1.0
    assert main([*args, "--no-advice"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("DPRK was in truth ") and "moves said" not in last
