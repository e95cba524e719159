"""The compiled kernel agrees with the NumPy kernel path for path, and the engine works without Numba.

The two kernels are separate implementations of docs/model.md sharing only the scenario's constants
(:func:`compiled_kernel.pack` computes them with the NumPy kernel's own expressions): one steps every
path a day at a time with array operations, the other each path through all its days with scalar code.
Both read the same counter-based random numbers, so for a seed they must give the same paths: the same
event days, war paths and initiators, the same final state to the bit, the same tally. The independent
reference (tests/test_kernel_reference.py) remains the oracle of the model itself.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from brinkmanship.engine import compiled_kernel, ensemble
from brinkmanship.engine import randomness as rnd
from brinkmanship.model.fast_exp import weight_exp
from brinkmanship.policies import Catalogue, apply_policy
from brinkmanship.scenario import compile_scenario, load_scenario

pytestmark = pytest.mark.skipif(not compiled_kernel.HAVE_NUMBA, reason="Numba is not installed")


@pytest.fixture
def use_kernel(monkeypatch):
    """Run the engine with the compiled kernel (True) or the NumPy kernel (False)."""

    def choose(compiled: bool) -> None:
        monkeypatch.setattr(compiled_kernel, "HAVE_NUMBA", compiled)
        monkeypatch.setattr(compiled_kernel, "_NOTICE_GIVEN", True)
        ensemble.BURN_IN_CACHE.clear()

    yield choose
    ensemble.BURN_IN_CACHE.clear()


def test_the_compiled_random_numbers_are_the_numpy_ones():
    key = rnd.seed_key(20171126)
    paths = np.array([0, 1, 1023, 1024, 777_777, rnd.MAX_PATHS - 1], dtype=np.int64)
    for day in (-rnd.DAY_OFFSET + 2, -268, 0, 364, rnd.DAY_OFFSET - 1):
        for column in (0, rnd.U_FIXED, rnd.U_FIXED + 5):
            expected = rnd.uniform(key, paths, day, column)
            got = compiled_kernel.draws_at(np.uint64(key), paths, day, column, False)
            assert np.array_equal(got, expected)
        _, normals = rnd.day_draws(key, paths, day, 3)
        for j in range(rnd.N_NORMALS):
            got = compiled_kernel.draws_at(np.uint64(key), paths, day, j, True)
            np.testing.assert_allclose(got, normals[:, j], rtol=0, atol=1e-12)


def test_the_compiled_weight_exp_is_the_numpy_one_to_the_bit():
    """The choice weights' exponential (model/fast_exp.py) compiled, one number at a time inside a loop
    that vectorises, gives the NumPy version's bits for every kind of argument the weights see, and more."""
    from numba import njit

    exp = compiled_kernel.weight_exp

    @njit
    def apply(x: np.ndarray) -> np.ndarray:
        out = np.empty_like(x)
        for k in range(x.shape[0]):
            out[k] = exp(x[k])
        return out

    rng = np.random.default_rng(5)
    x = np.concatenate(
        [
            rng.uniform(-800.0, 0.0, 20_001),
            rng.uniform(-5.0, 5.0, 20_003),
            rng.uniform(-1e-3, 1e-3, 1_001),
            [0.0, -0.0, -745.2, -745.1, -708.4, -708.0, 709.0, 709.7, 710.0, -np.inf, np.inf, np.nan],
        ]
    )
    assert np.array_equal(apply(x).view(np.int64), weight_exp(x).view(np.int64))
    scalar = np.array([exp(v) for v in x[:50]])  # the same, called outside a loop
    assert np.array_equal(scalar.view(np.int64), weight_exp(x[:50]).view(np.int64))


def test_the_random_numbers_look_uniform_and_independent():
    """A seed's numbers in one column, across paths and days, are uniform and uncorrelated."""
    from scipy import stats

    key = rnd.seed_key(3)
    paths = np.arange(20_000)
    u = rnd.uniform(key, paths, 5, rnd.U_INCIDENT)
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    next_day = rnd.uniform(key, paths, 6, rnd.U_INCIDENT)
    other_column = rnd.uniform(key, paths, 5, rnd.U_WAR)
    assert abs(np.corrcoef(u, next_day)[0, 1]) < 0.03
    assert abs(np.corrcoef(u, other_column)[0, 1]) < 0.03
    assert not np.array_equal(u, rnd.uniform(rnd.seed_key(4), paths, 5, rnd.U_INCIDENT))


def _run_both(use_kernel, model, runs: int, days: int, seed: int, forced=None):
    results = []
    for compiled in (False, True):
        use_kernel(compiled)
        results.append(
            ensemble.run_chunk(
                model,
                seed,
                runs,
                days,
                0,
                -(-runs // rnd.BLOCK_SIZE),
                forced,
                keep_paths=True,
                keep_state=True,
            )
        )
    return results


def _assert_same_state(numpy_state, compiled_state):
    for field in dataclasses.fields(numpy_state):
        a, b = getattr(numpy_state, field.name), getattr(compiled_state, field.name)
        nan_ok = np.asarray(a).dtype.kind == "f"  # an agreement's depth is NaN where none was reached
        assert np.array_equal(a, b, equal_nan=nan_ok), f"final state differs in {field.name}"


def _assert_same(numpy_run, compiled_run):
    for field in dataclasses.fields(numpy_run.paths):
        a, b = getattr(numpy_run.paths, field.name), getattr(compiled_run.paths, field.name)
        nan_ok = np.asarray(a).dtype.kind == "f"  # an agreement's depth is NaN where none was reached
        assert np.array_equal(a, b, equal_nan=nan_ok), (
            f"paths differ in {field.name}: {int((a != b).sum())} paths"
        )
    _assert_same_state(numpy_run.final_state, compiled_run.final_state)
    for name, value in vars(numpy_run.tally).items():
        assert np.array_equal(value, getattr(compiled_run.tally, name)), f"tally differs in {name}"


@pytest.mark.parametrize(
    ("scenario", "policy", "runs", "days"),
    [
        ("korea-2017", None, 1024, 200),
        ("korea-calm", None, 600, 365),
        ("cuba-1962", None, 700, 60),
        ("korea-2017", "direct-channel+freeze-for-freeze+talks", 1024, 150),
        ("korea-2017", "un-six-party+shuttle-mediator+sanctions", 1024, 150),
        ("korea-2017", "reciprocating:us+bullying:dprk", 1024, 150),
    ],
)
def test_the_two_kernels_give_the_same_paths(use_kernel, scenario, policy, runs, days):
    base = load_scenario(scenario)
    applied = base if policy is None else apply_policy(base, Catalogue.builtin().parse(policy))
    model = compile_scenario(applied, prelude_world=base)
    numpy_run, compiled_run = _run_both(use_kernel, model, runs, days, seed=7)
    assert numpy_run.tally.war > 0 or numpy_run.tally.agreement > 0  # something happened to compare
    _assert_same(numpy_run, compiled_run)


def test_the_two_kernels_agree_on_imposed_actions_and_branches(use_kernel, korea):
    from brinkmanship.model.ladder import ACTION_INDEX

    per_path = np.full((300, 2), -1)
    per_path[::3, 1] = ACTION_INDEX["nuclear_test"]
    forced = {0: np.array([ACTION_INDEX["show_of_force"], -1]), 5: per_path}
    numpy_run, compiled_run = _run_both(use_kernel, korea, 300, 40, seed=2, forced=forced)
    _assert_same(numpy_run, compiled_run)
    # A forecast from the state on day 40, replicated: both kernels, same branches.
    branch = compiled_run.final_state.take(np.zeros(300, dtype=int))
    tallies = []
    for compiled in (False, True):
        use_kernel(compiled)
        tallies.append(ensemble.simulate(korea, 300, 30, 9, start=branch.copy(), keep_paths=False))
    assert vars(tallies[0]).keys() == vars(tallies[1]).keys()
    for name, value in vars(tallies[0]).items():
        assert np.array_equal(value, getattr(tallies[1], name)), name


def test_results_do_not_depend_on_threads(use_kernel, korea, monkeypatch):
    use_kernel(True)
    totals = []
    for threads in (1, 2, 3):
        monkeypatch.setattr(ensemble, "KERNEL_THREADS", threads)
        tally = ensemble.simulate(korea, 2000, 120, 5, chunk_blocks=2)
        totals.append({k: np.asarray(v).tolist() for k, v in vars(tally).items()})
    assert totals[0] == totals[1] == totals[2]


HIDE_NUMBA = (
    "import sys; sys.modules['numba'] = None; sys.modules['llvmlite'] = None; "
    "from brinkmanship.cli import main; raise SystemExit(main(sys.argv[1:]))"
)
"""Runs the command line in a Python where ``import numba`` fails, as on a platform without its wheels."""


@pytest.mark.parametrize("how", ["numba missing", "BRINK_KERNEL=numpy"])
def test_without_numba_the_engine_says_so_once_and_gives_the_same_answer(how):
    """Where Numba is missing the NumPy kernel runs; the results are the compiled kernel's."""
    arguments = ["run", "korea-calm", "--runs", "300", "--json"]
    env = {**os.environ, "BRINK_CACHE_DIR": "off"}
    fast = subprocess.run(
        [sys.executable, "-m", "brinkmanship.cli", *arguments], env=env, capture_output=True, text=True
    )
    if how == "numba missing":
        command = [sys.executable, "-c", HIDE_NUMBA, *arguments]
    else:
        command = [sys.executable, "-m", "brinkmanship.cli", *arguments]
        env["BRINK_KERNEL"] = "numpy"
    slow = subprocess.run(command, env=env, capture_output=True, text=True)
    assert slow.returncode == fast.returncode == 0, slow.stderr + fast.stderr
    notices = [line for line in slow.stderr.splitlines() if "compiled kernel is off" in line]
    assert len(notices) == 1, slow.stderr
    assert ("BRINK_KERNEL=numpy" in notices[0]) == (how == "BRINK_KERNEL=numpy")
    assert "compiled kernel" not in fast.stderr
    a, b = json.loads(slow.stdout), json.loads(fast.stdout)
    a.pop("elapsed_s"), b.pop("elapsed_s")
    assert a == b


def test_a_breakdown_of_the_arithmetic_stops_the_compiled_run(use_kernel):
    """Numbers that lose their meaning (an infinite war cost, which the schema refuses, makes 0 * inf in
    the utilities) stop either kernel with one UserError instead of silent nonsense."""
    from brinkmanship.errors import UserError

    model = dataclasses.replace(
        compile_scenario(load_scenario("korea-calm")), war_cost=np.array([np.inf, np.inf])
    )
    for compiled in (False, True):
        use_kernel(compiled)
        with pytest.raises(UserError, match="arithmetic broke down"):
            ensemble.simulate(model, 200, 30, 1)


@pytest.mark.parametrize("value", ["abc", "0", "-2", "1.5", "100000"])
def test_a_bad_thread_count_is_refused_in_one_line(value):
    env = {**os.environ, "BRINK_CACHE_DIR": "off", "BRINK_THREADS": value}
    command = [sys.executable, "-m", "brinkmanship.cli", "run", "korea-calm", "--runs", "300"]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith("error: BRINK_THREADS") and result.stderr.count("\n") == 1
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("name", "value"),
    [("BRINK_KERNEL", "cuda"), ("BRINK_KERNEL", "reference"), ("NUMBA_NUM_THREADS", "abc")],
)
def test_a_bad_kernel_setting_is_refused_in_one_line(name, value):
    env = {**os.environ, "BRINK_CACHE_DIR": "off", name: value}
    command = [sys.executable, "-m", "brinkmanship.cli", "run", "korea-calm", "--runs", "300", "--days", "5"]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {name}") and result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""


def test_the_two_kernels_agree_without_chance_on_paths_at_war(use_kernel, korea):
    """Stepped without chance (the record), a path already at war or past one adds nothing to the
    history's likelihood in either kernel; the paths in crisis are weighed, an imposed clash too."""
    from brinkmanship.model.ladder import ACTION_INDEX

    use_kernel(True)
    start = ensemble.run_chunk(korea, 6, 1024, 300, 0, 1, keep_state=True).final_state
    assert start is not None and (start.status != 0).any() and (start.status == 0).any()
    ids = np.arange(1024, dtype=np.int64)
    forced = {start.day + 1: np.array([ACTION_INDEX["limited_strike"], -1])}
    states = []
    for compiled in (False, True):
        use_kernel(compiled)
        state = start.copy()
        ensemble.advance(
            korea, state, ids, rnd.seed_key(6), 4, forced=forced, chance=False, weigh_forced=True
        )
        states.append(state)
    _assert_same_state(*states)
    assert (states[1].history_loglik[start.status != 0] == start.history_loglik[start.status != 0]).all()


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [("korea-2017", (2017, 8, 1), (2017, 9, 30)), ("cuba-1962", (1962, 10, 16), (1962, 10, 31))],
)
def test_the_two_kernels_give_the_same_replay(use_kernel, name, first, last):
    """The replay's filter (the record's weights, imposed third-party acts, imposed moves and clashes that
    stay short of war, no chance) is the same in both kernels, path for path."""
    import datetime as dt

    from brinkmanship.history import load_events
    from brinkmanship.history.replay import replay

    sc = load_scenario(name)
    record = load_events(name, sc)
    results = []
    for compiled in (False, True):
        use_kernel(compiled)
        result = replay(
            sc,
            record,
            dt.date(*first),
            dt.date(*last),
            512,
            4,
            every=8,
            forecast_runs=256,
            horizons=(30,),
            keep_final=True,
        )
        results.append(result)
    numpy_run, compiled_run = results
    assert json.dumps(numpy_run.as_dict()) == json.dumps(compiled_run.as_dict())
    np.testing.assert_array_equal(numpy_run.final_log_weights, compiled_run.final_log_weights)
    _assert_same_state(numpy_run.final_state, compiled_run.final_state)


def test_the_packed_sampler_tells_hold_from_breakdown_and_clamps_like_the_full_one():
    """All-zero weights are HOLD (a free choice beside a recorded one), not a breakdown; a threshold at
    the total counts every column (sampling over all actions then takes the last action)."""
    # Rows of a (principals x columns) table; the sampler reads the row it is given.
    weights = np.array([[5.0, 5.0, 5.0, 5.0, 5.0], [0.0, 2.0, 0.0, 1.0, 9.9]])
    assert compiled_kernel._sample(np.zeros((1, 4)), 0, 4, 0.5) == compiled_kernel.PICK_HOLD
    assert compiled_kernel._sample(np.array([[1.0, np.nan]]), 0, 2, 0.5) == compiled_kernel.PICK_ERROR
    assert compiled_kernel.PICK_HOLD != compiled_kernel.PICK_ERROR
    assert compiled_kernel._sample(weights, 1, 4, 0.0) == 1  # only the first 4 columns count
    assert compiled_kernel._sample(weights, 1, 4, 0.7) == 3
    assert compiled_kernel._sample(weights, 1, 4, 1.0) == 4  # every column at or below the threshold
    # Each packed column has the probability its weight gives (1 in 3 for the second positive one).
    picks = [compiled_kernel._sample(weights, 1, 4, u) for u in np.linspace(0.0, 0.999, 3000)]
    assert picks.count(3) == pytest.approx(1000, abs=2)


@pytest.mark.parametrize("compiled", [False, True])
def test_no_war_on_a_false_alarm_weighs_the_record(use_kernel, compiled):
    """On the record's days no war began on a false alarm: each path's weight carries, for each principal
    and day, the chance that its warning chain did not act (1 - P(alarm) x pass-through). With every stage
    passing, no imminence weight and no crisis multiplier, a day at alarm rate r costs exactly 2r in the
    log of the weight against a day without alarms (P(no alarm) = exp(-r) for each side). Without the term
    the two weights agree."""
    from brinkmanship.scenario.loader import scenario_from_mapping

    use_kernel(compiled)
    data = load_scenario("korea-2017").model_dump(mode="json")
    data["false_alarms"].update(crisis_multiplier=0.0, pass_through=[1.0], imminence_weight=0.0)
    ids = np.arange(256, dtype=np.int64)
    logs = []
    for rate in (0.0, 0.25):
        data["false_alarms"]["rate_per_day"] = rate
        model = compile_scenario(scenario_from_mapping(data, "test"))
        state = ensemble.initial_state(model, rnd.type_draws(rnd.seed_key(3), ids), model)
        state.day = 0
        ensemble.advance(model, state, ids, rnd.seed_key(3), 3, chance=False, weigh_forced=True)
        logs.append(state.history_loglik.copy())
    assert np.allclose(logs[0] - logs[1], 3 * 2 * 0.25, rtol=0, atol=1e-9)


def test_the_schedule_of_imposed_actions_ends_at_its_last_imposed_day():
    """A forecast imposes a move on its first day only: the compiled kernel's schedule was one row per day
    of the horizon and path (5.8 GB at 100,000 branches x 3,650 days); now its rows end at the last day with
    an imposed action, and the days after it are free."""
    runs = 1000
    one_day = {40: np.full((runs, 2), 3)}
    dense = ensemble._dense_forced(one_day, 40, 3650, runs)
    assert dense.shape == (1, runs, 2) and np.all(dense == 3)
    shared = ensemble._dense_forced({42: np.array([-1, 5])}, 40, 3650, runs)
    assert shared.shape == (3, 1, 2) and shared[2, 0, 1] == 5 and np.all(shared[:2] == -1)
    assert ensemble._dense_forced({10: np.array([1, 1])}, 40, 3650, runs).shape == (0, 1, 2)  # outside
    assert ensemble._dense_forced(None, 40, 3650, runs).shape == (0, 1, 2)
