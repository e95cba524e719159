"""`brink play`: one principal played by the user, the rest by the model, with an advice panel."""

from __future__ import annotations

import dataclasses
import io
import json
import sys

import numpy as np
import pytest

from brinkmanship.cli import main
from brinkmanship.engine.state import WAR_OVER
from brinkmanship.errors import UserError
from brinkmanship.play.game import ACTION_NAMES, Game, repertoire_of
from brinkmanship.scenario import compile_scenario, load_scenario

SEED = 11


@pytest.fixture(scope="module")
def korea():
    return compile_scenario(load_scenario("korea-2017"))


def test_the_players_move_is_imposed_on_the_world(korea):
    """A nuclear test the model's North Korea would seldom choose on a given day happens when played."""
    game = Game.start(korea, "dprk", SEED)
    day = game.day
    turn = game.move("nuclear_test")
    assert turn.yours == "nuclear_test" and turn.day == 1  # the game's first day
    assert game.world.last_test_day[0, 1, 1] == day  # DPRK's nuclear test, as the third parties see it
    assert game.day == day + 1


def test_a_move_not_open_today_is_refused(korea):
    game = Game.start(korea, "us", SEED)
    assert "nuclear_test" not in game.options()  # not in the US repertoire of this scenario
    with pytest.raises(UserError, match="not a move open to US today"):
        game.move("nuclear_test")


def test_the_side_is_a_principal_by_key_or_name(korea):
    assert Game.start(korea, "United States", SEED).side == 0
    assert Game.start(korea, "DPRK", SEED).side == 1
    with pytest.raises(UserError, match="not a principal of korea-2017"):
        Game.start(korea, "china", SEED)


def test_the_advice_forecasts_each_move(korea):
    """Starting a war today is war; holding is not. Fails if the forecast ignored the move."""
    game = Game.start(korea, "us", SEED)
    advice = {o.action: o for o in game.advise(runs=400, horizon=30)}
    assert list(advice) == game.options()
    assert advice["conventional_war"].p_war == 1.0
    assert advice["hold"].p_war < 0.5
    assert advice["limited_strike"].p_clash == 1.0
    assert advice["hold"].expected_deaths is None  # no lives model given
    # paired with holding on the same branches: the difference of the two P(war), its interval around it
    assert advice["hold"].vs_hold is None  # holding against itself is no comparison
    struck = advice["limited_strike"].vs_hold
    assert struck.diff == pytest.approx(advice["limited_strike"].p_war - advice["hold"].p_war)
    assert struck.significant and 0.0 < struck.ci95[0] < struck.diff < struck.ci95[1]


def test_the_advice_does_not_know_the_other_sides_hidden_type(korea):
    """Two worlds that differ only in North Korea's private type (what the US cannot see) get the same
    advice: the branches draw that type from the US belief. Fails if they copied the world's."""
    game = Game.start(korea, "us", SEED)
    other = Game.start(korea, "us", SEED)
    other.world.resolve[0, 1] = 1.0 - game.world.resolve[0, 1]
    other.world.greedy[0, 1] = 1.0 - game.world.greedy[0, 1]
    other.world.sensitivity[0, 1] = korea.sensitivity_high[1]
    assert [o.as_dict() for o in game.advise(600, 60)] == [o.as_dict() for o in other.advise(600, 60)]


def test_the_branches_draw_the_other_sides_type_from_the_prior_not_the_players_belief(korea):
    """The player's belief (biased in the model by misreadings) does not move the branches: certain that
    the other side is greedy and resolute or certain of the opposite, the same branches, with the prior's
    share of greedy types and half of them resolute. Fails if the branches drew from the belief (they did,
    and overstated the risk about 2.5-fold) or kept the world's type."""
    game = Game.start(korea, "us", SEED)
    game.world.posterior[0, 0] = [0.0, 0.0, 0.0, 1.0]  # greedy and resolute (beliefs.GREEDY, RESOLUTE)
    certain = game._branches(4000)
    game.world.posterior[0, 0] = [1.0, 0.0, 0.0, 0.0]  # secure and of low resolve
    opposite = game._branches(4000)
    assert np.array_equal(certain.greedy, opposite.greedy)
    assert np.array_equal(certain.resolve, opposite.resolve)
    share, p = certain.greedy[:, 1].mean(), korea.p_greedy[1]
    assert abs(share - p) < 4 * np.sqrt(p * (1 - p) / 4000)
    resolute = (certain.resolve[:, 1] >= korea.resolve_median[1]).mean()
    assert abs(resolute - 0.5) < 4 * np.sqrt(0.25 / 4000)
    assert np.all(certain.resolve[:, 0] == game.world.resolve[0, 0])  # the player's own type is kept


def test_a_war_ends_the_game_and_is_played_out(korea):
    game = Game.start(korea, "dprk", SEED)
    turn = game.move("conventional_war")
    assert turn.war_began and game.over
    outcome = game.outcome()
    assert outcome["war"] and outcome["war_begun_by"] == "DPRK"
    assert outcome["war_path"] in ("deliberate", "miscalculation")  # chosen; miscalculation if it misread
    game.play_out_the_war()
    assert game.world.status[0] == WAR_OVER
    with pytest.raises(RuntimeError, match="over"):
        game.move("hold")


def _play(**options: str) -> list[str]:
    """``brink play korea-2017`` with small forecasts; ``options`` (``advice_runs="0"``) replace defaults."""
    chosen = {"as": "us", "advice_runs": "200", "horizon": "20", "seed": str(SEED), **options}
    given = [x for k, v in chosen.items() if v is not None for x in ("--" + k.replace("_", "-"), v)]
    return ["play", "korea-2017", *given]


MOVES = _play()
NO_ADVICE = [*_play(advice_runs=None, horizon=None), "--no-advice"]
"""The game without its advice (--advice-runs and --horizon go with the advice: refused with --no-advice)."""


def test_play_json_is_reproducible_and_records_each_move(capsys):
    args = [*MOVES, "--moves", "hold,public_threat,propose_talks 3", "--json"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out) == first
    assert first["you"] == "US" and first["ended"] == "moves used up"
    assert [len(m["turns"]) for m in first["moves"]] == [1, 1, 3]
    assert [t["yours"] for m in first["moves"] for t in m["turns"]] == ["hold", "public_threat"] + [
        "propose_talks"
    ] * 3
    advice = first["moves"][0]["advice"]
    assert {a["action"] for a in advice} >= {"hold", "conventional_war"}
    assert all(a["expected_deaths"] >= 0 for a in advice)
    assert first["outcome"]["days_played"] == 5


def test_move_names_are_read_in_any_case(capsys):
    assert main([*NO_ADVICE, "--moves", "HOLD,Public_Threat", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [t["yours"] for m in result["moves"] for t in m["turns"]] == ["hold", "public_threat"]


def test_play_stops_at_its_days(capsys):
    assert main([*NO_ADVICE, "--days", "2", "--moves", "hold 5", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ended"] == "2 days played" and len(result["moves"][0]["turns"]) == 2


def test_from_a_replayed_date_the_days_count_from_the_games_first(capsys):
    """From 8 August 2017, 49 days before the scenario's start date, --days 2 plays two days, numbered 1
    and 2. Fails if they counted from the start date (all five days of 'hold 5' played, numbered -48 on)."""
    replayed = ["--as-of", "2017-08-08", "--days", "2", "--moves", "hold 5"]
    assert main([*NO_ADVICE, *replayed, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ended"] == "2 days played" and result["outcome"]["days_played"] == 2
    assert result["moves"][0]["position"]["day"] == 1
    turns = result["moves"][0]["turns"]
    assert [(t["day"], t["date"]) for t in turns] == [(1, "2017-08-09"), (2, "2017-08-10")]


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--moves", "hold,bogus"], "--moves item 2: 'bogus' is not one of your moves"),
        (["--moves", "nuclear_test"], "--moves item 1: 'nuclear_test' is not one of your moves"),
        (["--moves", "\u00b2"], "--moves item 1: '\u00b2': give the move's name in --moves, not its number"),
        (["--moves", "hold \u00b2"], "--moves item 1: days '\u00b2' must be a whole number from 1 to 365"),
        (["--moves", "9" * 5000], "--moves item 1: '9999999999999"),
        (["--moves", "hold " + "9" * 5000], "--moves item 1: days '9999999999"),
        (["--moves", "quit 3"], "--moves item 1: 'quit 3': 'quit' takes no number of days"),
        (["--moves", "hold 0"], "--moves item 1: days '0' must be a whole number from 1 to 365"),
        (["--moves", "12"], "--moves item 1: '12': give the move's name in --moves, not its number"),
        (["--moves", "hold,2"], "--moves item 2: '2': give the move's name in --moves, not its number"),
        (["--moves", "hold 2 3"], "give an action and at most a number of days"),
        (["--days", "0"], "--days must be between 1 and 3,650"),
        ({"advice_runs": "0"}, "--advice-runs must be between 1 and 100,000"),
        ({"as": "china"}, "--as: 'china' is not a principal of korea-2017"),
    ],
)
def test_play_refuses_bad_moves_in_one_line(capsys, extra, said):
    quiet = {"advice_runs": None, "horizon": None}
    args = _play(**{**quiet, **extra}) if isinstance(extra, dict) else [*_play(**quiet), *extra]
    assert main([*args, "--no-advice"]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and said in captured.err and len(captured.err) < 300


def test_a_move_of_the_repertoire_closed_today_is_told_apart(capsys):
    """Cuba's US has private moves, closed without a private channel: said so, not 'not one of your moves'."""
    args = ["play", "cuba-1962", "--as", "us", "-p", "no-private-channel", "--no-advice"]
    assert main([*args, "--moves", "private_message"]) == 2
    assert "--moves item 1: 'private_message' is not open today (a private move needs a private channel" in (
        capsys.readouterr().err
    )


def test_a_bad_move_is_refused_before_any_work(capsys):
    """A typo in the last of the moves is refused before the first day's board and advice (and before the
    --as-of replay), not after the game up to it was computed and then lost."""
    assert main([*MOVES, "--moves", "hold 3,public_threat,bogus", "--as-of", "2017-08-08"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == (
        "error: --moves item 3: 'bogus' is not one of your moves (concession_public, hold, "
        "diplomatic_gesture, propose_talks, sanctions, public_threat, show_of_force, mobilisation, "
        "limited_strike, conventional_war)\n"
    )


def test_the_side_and_an_empty_policy_are_refused_before_the_replay(monkeypatch, capsys):
    def replay(*args, **kwargs):
        raise AssertionError("the replay ran")

    monkeypatch.setattr("brinkmanship.cli_play.as_of_start", replay)
    for extra, said in [
        ({"as": "china"}, "error: --as: 'china' is not a principal of korea-2017 (use one of: us, dprk)\n"),
        ({"policy": ""}, "error: policy '': empty lever name (levers are joined by '+')\n"),
    ]:
        assert main([*_play(**extra), "--as-of", "2017-08-08", "--moves", "hold"]) == 2
        assert capsys.readouterr().err == said


def test_a_game_too_large_is_refused_before_any_work(monkeypatch, capsys):
    """The advice of every panel and the --as-of replay together against the path-days cap (lowered here;
    --advice-runs 100,000 x --horizon 3,650 over 30 days is refused by the real one, 5e10). A panel comes
    before each item of --moves the game reaches: a move and its repeats ('hold 30' is one panel), a pull,
    the quit (pulls and the quit were counted as nothing: a script of pulls ran past the cap)."""
    monkeypatch.setattr("brinkmanship.engine.ensemble.MAX_PATH_DAYS", 1_190_000)
    thirty = ",".join(["hold"] * 30)
    assert main([*MOVES, "--no-levers", "--moves", thirty]) == 2  # 30 panels x 10 moves x 200 runs x 20 days
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == (
        "error: request too large: 30 panels x 10 forecasts x --advice-runs 200 x --horizon 20 = 1.2e+06 "
        "path-days (at most 1e+06 path-days); lower --advice-runs, --horizon or --days\n"
    )
    assert main([*MOVES, "--no-levers", "--moves", thirty, "--days", "29", "--json"]) == 0  # 29 reached
    assert json.loads(capsys.readouterr().out)["outcome"]["days_played"] == 29
    assert main([*MOVES, "--no-levers", "--moves", "hold 30", "--json"]) == 0  # one panel
    assert json.loads(capsys.readouterr().out)["outcome"]["days_played"] == 30
    monkeypatch.setattr("brinkmanship.engine.ensemble.MAX_PATH_DAYS", 100_000)  # 2 panels fit, not 3
    assert main([*MOVES, "--no-levers", "--moves", "pull restraint,pull direct-channel,quit"]) == 2
    assert "3 panels x 10 forecasts" in capsys.readouterr().err
    assert main([*MOVES, "--no-levers", "--moves", "pull restraint,quit"]) == 0


def test_a_pull_on_one_principal_not_of_the_scenario_is_refused_before_the_game(capsys):
    """'pull restraint:usa' was accepted, three days played, then the game ended on its day (exit 2)."""
    assert main([*NO_ADVICE, "--moves", "hold 3,pull restraint:usa,hold 2"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "'usa' is not a principal of korea-2017" in captured.err
    assert "--moves item 2" in captured.err


class _Typed(io.StringIO):
    """Standard input at a terminal: a mistyped move is said and asked again, not fatal."""

    def isatty(self) -> bool:
        return True


def test_at_a_terminal_a_mistyped_move_is_asked_again(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", _Typed("bogus\nhold\nquit\n"))
    assert main([*NO_ADVICE]) == 0
    out = capsys.readouterr().out
    assert "'bogus' is not one of your moves" in out
    assert "you (US) hold" in out and "game over (quit) after 1 day: no war" in out


def test_play_reads_moves_from_standard_input_until_it_ends(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("hold\n2\n"))
    assert main([*NO_ADVICE, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [t["yours"] for m in result["moves"] for t in m["turns"]] == ["hold", "hold"]
    assert result["ended"] == "moves used up"
    assert result["outcome"]["war"] is False


def test_piped_moves_pass_over_blank_lines_and_are_shown_after_their_prompt(monkeypatch, capsys):
    """A file's blank and trailing empty lines are no moves (they stopped the game, exit 2, all lost); each
    move read is shown after its prompt, not the prompt run into the day's line. Line numbers are the
    input's."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("hold\n\n  \n2\n\n"))
    assert main([*NO_ADVICE]) == 0
    out = capsys.readouterr().out
    assert "'quit'): hold\n2017-09-26: you (US) hold" in out
    assert "'quit'): 2\n2017-09-27: you (US) hold" in out
    assert "game over (moves used up) after 2 days" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO("hold\n\nbogus\n"))
    assert main([*NO_ADVICE]) == 2
    assert "standard input line 3: 'bogus'" in capsys.readouterr().err


def test_the_advice_table_says_what_its_star_and_pairing_mean(capsys):
    assert main([*MOVES, "--moves", "hold"]) == 0
    out = capsys.readouterr().out
    assert "* lowest P(war); vs hold: the change in P(war) against holding today" in out


def test_a_war_not_over_at_the_play_out_cap_is_not_said_to_end(monkeypatch, capsys):
    """Cut short after a day, the war is said to be still fought, not to have ended in a ceasefire."""
    monkeypatch.setattr("brinkmanship.play.game.MAX_WAR_DAYS", 1)
    assert (
        main(
            [
                *_play(**{"as": "dprk", "advice_runs": None, "horizon": None}),
                "--no-advice",
                "--moves",
                "conventional_war",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "the war is still fought on " in out and "after 1 day (played out no further)" in out
    assert "the war ends" not in out


def test_the_other_sides_moves_today_do_not_come_from_the_players_belief(korea):
    """The shares of the other side's moves today sum to one over its repertoire, and do not depend on
    what the player believes of it (the branches draw its type from the prior): certain it is greedy and
    resolute, or certain of the opposite, the same shares. Fails if the branches drew from the belief."""
    game = Game.start(korea, "us", SEED)
    expected = game.their_moves_today(1000)
    assert sum(expected.values()) == pytest.approx(1.0)
    assert set(expected) <= set(repertoire_of(korea, 1))
    assert list(expected.values()) == sorted(expected.values(), reverse=True)
    game.world.posterior[0, 0] = [0.0, 0.0, 0.0, 1.0]
    hawk = game.their_moves_today(1000)
    game.world.posterior[0, 0] = [1.0, 0.0, 0.0, 0.0]
    dove = game.their_moves_today(1000)
    assert hawk == dove == expected


def test_a_war_played_out_says_when_it_ended(korea):
    game = Game.start(korea, "dprk", SEED)
    game.move("conventional_war")
    assert game.outcome()["war_ended"] is None or not game.at_war
    game.play_out_the_war()
    outcome = game.outcome()
    assert (
        outcome["war_ended"] == game.turns[-1].date.isoformat()
        and outcome["war_ended"] >= outcome["war_date"]
    )


def test_a_scripted_move_closed_on_its_day_ends_the_game_and_keeps_its_record(capsys):
    """Without a private channel a private move is in the repertoire but closed: found on its day, it
    stopped the game with exit 2 and every day played was lost. Now the record of the days played is
    given, says why it ended, and the command still exits 2 with the reason as its last line."""
    args = ["play", "cuba-1962", "--as", "ussr", "-p", "no-private-channel", "--no-advice"]
    assert main([*args, "--moves", "hold,private_message,hold", "--json"]) == 2
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["ended"] == "move refused" and "'private_message' is not open today" in result["refused"]
    assert [t["yours"] for m in result["moves"] for t in m.get("turns", [])] == ["hold"]
    assert result["moves"][-1]["refused"] == "private_message" and result["moves"][-1]["day"] == 2
    assert captured.err.splitlines()[-1] == f"error: {result['refused']}"


class _Interrupted(io.StringIO):
    """Standard input at a terminal on which the user presses Ctrl-C at the prompt."""

    def isatty(self) -> bool:
        return True

    def readline(self, size: int = -1) -> str:
        raise KeyboardInterrupt


def test_ctrl_c_at_the_prompt_ends_the_prompts_line_first(monkeypatch, capsys):
    """The command's one line came after the prompt and the terminal's ^C, on the same line."""
    monkeypatch.setattr(sys, "stdin", _Interrupted())
    assert main([*NO_ADVICE]) == 130
    captured = capsys.readouterr()
    assert captured.out.endswith("'quit'): \n")
    assert captured.err == "error: interrupted; stopped without writing results\n"


def test_a_longer_ring_buffer_of_messages_changes_nothing(korea):
    """A game's world is burned in with room for every lever's channels (burned_in's also_for); the paths
    are the same to the bit as with the scenario's own buffer, on the start date and 60 days on."""
    import dataclasses

    from brinkmanship.engine import ensemble
    from brinkmanship.engine import randomness as rnd
    from brinkmanship.engine.ensemble import Tally, advance, burned_in
    from brinkmanship.play.levers import ways_out, widest
    from brinkmanship.policies import Policy

    wide = widest([way.model for way in ways_out(korea.source, Policy("baseline")).values()])
    assert wide.max_delay_days > korea.max_delay_days
    ids = np.arange(1024)
    ensemble.BURN_IN_CACHE.clear()
    own = burned_in(korea, 3, ids)
    ensemble.BURN_IN_CACHE.clear()
    roomy = burned_in(korea, 3, ids, also_for=wide)
    assert roomy.inbox_value.shape[0] == wide.max_delay_days
    for state in (own, roomy):
        advance(korea, state, ids, rnd.seed_key(3), 60, Tally(days=60, runs=1024))
    for f in dataclasses.fields(own):
        if not f.name.startswith("inbox"):
            assert np.array_equal(getattr(own, f.name), getattr(roomy, f.name), equal_nan=True), f.name


def test_a_pulled_lever_is_in_force_from_today(korea):
    sc = load_scenario("korea-2017")
    game = Game.start(korea, "us", SEED, scenario=sc)
    assert "freeze-for-freeze" in game.ways and not game.world.freeze_on[0]
    game.pull("freeze-for-freeze")
    assert game.world.freeze_on[0] and game.policy.name == "freeze-for-freeze"
    assert game.model.freeze_active and "freeze-for-freeze" not in game.ways
    assert game.pulled == [(1, "freeze-for-freeze")]
    assert "editorial" not in game.ways  # it holds the freeze already: the composition is refused
    with pytest.raises(UserError, match="cannot be pulled now"):
        game.pull("freeze-for-freeze")
    game.move("hold")


def test_the_lever_advice_runs_each_lever_on_the_same_branches(korea):
    """A lever that leaves korea-2017 as it is (maximum-pressure: the US is at it already) changes no
    branch; the editorial's package lowers P(war) beyond its paired interval. Fails if the forecast ran
    the model in force for every lever, or other branches for each."""
    game = Game.start(korea, "us", SEED, scenario=load_scenario("korea-2017"))
    advice = {o.action: o for o in game.advise_levers(runs=600, horizon=60)}
    assert list(advice) == list(game.ways)
    same = advice["maximum-pressure"].vs_hold
    assert same.diff == 0.0 and same.gained == same.lost == 0
    assert advice["editorial"].vs_hold.significant and advice["editorial"].vs_hold.diff < 0.0
    # restraint changes the decisions only (no talks, no freeze to lay over the branches)
    assert advice["restraint"].vs_hold.significant and advice["restraint"].vs_hold.diff < 0.0


def test_play_pulls_levers_from_its_moves(capsys):
    args = [*NO_ADVICE, "--moves", "hold,pull talks,propose_talks,pull DIRECT-CHANNEL", "--json"]
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert [m.get("pulled") for m in result["moves"]] == [None, "talks", None, "direct-channel"]
    assert result["policy_at_end"] == "talks+direct-channel"
    assert result["outcome"]["days_played"] == 2


@pytest.mark.parametrize(
    ("moves", "said"),
    [
        ("pull hotline", "--moves item 1: no lever 'hotline' (known: "),
        ("pull", "--moves item 1: 'pull': give 'pull' and one lever's name"),
        ("pull talks direct-channel", "give 'pull' and one lever's name"),
        # Leng's strategies are run on request, never offered as ways out: refused before the game, not
        # on their day as 'in force already, contradicting one in force, or not of this scenario'
        ("pull Bullying", "--moves item 1: 'Bullying': one of Leng's strategies"),
        ("pull editorial:us", "--moves item 1: 'editorial:us': a package takes no ':actor'"),
        ("pull restraint+talks", "--moves item 1: 'restraint+talks': pull one lever at a time"),
    ],
)
def test_play_refuses_a_malformed_pull_before_it_starts(capsys, moves, said):
    assert main([*NO_ADVICE, "--moves", moves]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err


def test_a_lever_pulled_twice_in_a_script_ends_the_game_on_its_day(capsys):
    assert main([*NO_ADVICE, "--moves", "pull talks,hold,pull talks,hold", "--json"]) == 2
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["ended"] == "move refused" and "lever 'talks' cannot be pulled now" in result["refused"]
    assert captured.err.splitlines()[-1] == f"error: {result['refused']}"


def test_a_lever_that_cannot_be_pulled_says_why_and_where(monkeypatch, capsys):
    """Piped or typed, a pull refused says the line and the reason (was: no line, and 'in force already,
    contradicting one in force, or not of this scenario' for a contradiction and a typo alike)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("hold\npull maximum-pressure\n"))
    assert main([*NO_ADVICE, "-p", "restraint"]) == 2
    said = capsys.readouterr().err.splitlines()[-1]
    assert said.startswith("error: standard input line 2: lever 'maximum-pressure' cannot be pulled now: ")
    assert "contradictory levers: maximum-pressure relies on US's public_threat but restraint" in said
    monkeypatch.setattr(sys, "stdin", io.StringIO("pull hotline\n"))
    assert main([*NO_ADVICE]) == 2
    said = capsys.readouterr().err.splitlines()[-1]
    assert said.startswith("error: standard input line 1: no lever 'hotline'")


def test_a_lever_in_force_is_refused_as_such(korea):
    game = Game.start(korea, "us", SEED, scenario=load_scenario("korea-2017"))
    game.pull("restraint")
    with pytest.raises(UserError, match=r"'editorial' cannot be pulled now: in force already \(restraint\)"):
        game.pull("editorial")


def test_the_levers_table_says_why_it_is_missing_where_holding_is_closed(tmp_path, capsys):
    """The levers are forecast with the player holding today: where a freeze closes holding (a scenario
    of the user's), the table is left out with a line saying why (was left out without a word)."""
    from importlib.resources import files

    text = files("brinkmanship.scenario.builtin").joinpath("korea-2017.yaml").read_text()
    frozen = text.replace("    US: [show_of_force]\n", "    US: [show_of_force, hold]\n", 1)
    assert frozen != text
    (tmp_path / "frozen.yaml").write_text(frozen)
    args = ["play", str(tmp_path / "frozen.yaml"), "--as", "us", "--advice-runs", "50", "--horizon", "5"]
    assert main([*args, "--moves", "pull freeze-for-freeze,diplomatic_gesture"]) == 0
    out = capsys.readouterr().out
    assert "levers: not forecast today, holding is not open to you; can be pulled: " in out
    assert out.count("levers: if in force from today") == 1  # before the pull, with holding open


def test_a_lever_can_be_pulled_on_one_side_only(korea):
    """The player restrains its own side, not the other side too: restraint:us is in force, on the US."""
    game = Game.start(korea, "us", SEED, scenario=load_scenario("korea-2017"))
    game.pull("restraint:us")
    assert game.policy.name == "restraint:us" and game.pulled == [(1, "restraint:us")]
    both = Game.start(korea, "us", SEED, scenario=load_scenario("korea-2017"))
    both.pull("restraint")
    threat = ACTION_NAMES.index("public_threat")  # restraint takes public threats off the repertoire
    assert korea.repertoire[0, threat] and korea.repertoire[1, threat]
    assert not game.model.repertoire[0, threat] and not both.model.repertoire[0, threat]  # the US either way
    assert game.model.repertoire[1, threat] and not both.model.repertoire[1, threat]  # the DPRK by both only
    assert "public_threat" not in game.options()
    with pytest.raises(UserError, match=r"in force already \(restraint:us\)"):
        game.pull("restraint:United States")
    with pytest.raises(UserError, match="not a principal"):
        game.pull("restraint:china")


def test_play_pulls_a_lever_on_one_side(capsys):
    assert main([*NO_ADVICE, "--moves", "pull restraint:us,hold", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["policy_at_end"] == "restraint:us" and result["moves"][0]["pulled"] == "restraint:us"


def test_the_levers_reuse_the_forecast_of_holding_to_the_bit(korea):
    """advise_levers takes advise's forecast of holding on the same day (it saves one forecast a turn):
    the same figures as computing it again."""
    sc = load_scenario("korea-2017")
    warm, cold = Game.start(korea, "us", SEED, scenario=sc), Game.start(korea, "us", SEED, scenario=sc)
    warm.advise(300, 30)
    assert warm._held[0] is not None
    assert [o.as_dict() for o in warm.advise_levers(300, 30)] == [
        o.as_dict() for o in cold.advise_levers(300, 30)
    ]


def test_the_third_parties_acts_told_are_those_the_kernel_draws(korea, monkeypatch):
    """The kernel keeps no per-path record of third-party acts; the game reads them from the same numbers.
    Oracle: the NumPy kernel's own `fired` matrix for the world's day (caught where it is used), over 40
    days of a DPRK that tests (China's and the others' responses make the acts vary)."""
    from brinkmanship.engine import kernel
    from brinkmanship.engine import randomness as rnd
    from brinkmanship.play.game import act_labels

    caught = []
    push = kernel.third_party_push

    def catching(fired, model, kind):
        caught.append(fired.copy())
        return push(fired, model, kind)

    monkeypatch.setattr(kernel, "third_party_push", catching)
    game = Game.start(korea, "dprk", SEED)
    labels = act_labels(korea)
    told_any = 0
    for day in range(40):
        if game.over:
            break
        twin = game.world.copy()
        caught.clear()
        uniforms, normals = rnd.day_draws(
            rnd.seed_key(SEED), np.zeros(1, dtype=np.int64), twin.day, len(labels)
        )
        move = "nuclear_test" if day % 10 == 3 else "missile_test" if day % 5 == 1 else "hold"
        forced = np.full(2, -1, dtype=np.int64)
        forced[1] = ACTION_NAMES.index(move)
        kernel.step(korea, twin, uniforms, normals, forced=forced)
        drawn = tuple(label for j, label in enumerate(labels) if caught[0][0, j])
        turn = game.move(move)
        assert turn.third_parties == drawn, turn.date
        told_any += bool(drawn)
    assert told_any >= 3


def test_play_pulls_a_users_own_lever_from_a_policy_file(tmp_path, capsys):
    """--policy-file adds a user's levers to those a game offers and can pull, as in `brink compare`."""
    levers = tmp_path / "mine.yaml"
    levers.write_text(
        "levers:\n  no-tests:\n    summary: North Korea stops testing\n"
        "    forbid: {DPRK: [missile_test, nuclear_test]}\n"
    )
    args = [*_play(advice_runs="100", horizon="10"), "--policy-file", str(levers)]
    assert main([*args, "--moves", "hold,pull no-tests,hold", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["policy_at_end"] == "no-tests"
    assert "no-tests" in [row["action"] for row in result["moves"][0]["levers"]]
    assert result["moves"][1]["pulled"] == "no-tests"
    assert main([*NO_ADVICE, "--moves", "pull no-tests"]) == 2  # without the file: unknown
    assert "no lever 'no-tests'" in capsys.readouterr().err


def test_the_levers_table_says_when_a_lever_changes_nothing(capsys):
    """maximum-pressure is korea-2017's US posture already: its row says so, rather than '+0.0%' with an
    interval, and pulling it is refused (it would only block the levers it contradicts, restraint among
    them); a lever that changes the model is pulled."""
    assert main([*_play(advice_runs="100", horizon="10"), "--moves", "hold"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if "maximum-pressure" in line]
    assert len(rows) == 1 and "none: the scenario is so already" in rows[0]
    assert main([*NO_ADVICE, "--moves", "pull maximum-pressure,hold", "--json"]) == 2
    captured = capsys.readouterr()
    assert "lever 'maximum-pressure' changes nothing in this game" in captured.err
    assert json.loads(captured.out)["policy_at_end"] == "baseline"
    assert main([*NO_ADVICE, "--moves", "pull restraint,hold", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["policy_at_end"] == "restraint"


def test_same_model_tells_a_lever_that_changes_nothing_from_one_that_changes_a_number():
    from brinkmanship.policies import apply_policy, catalogue_for
    from brinkmanship.scenario import compile_scenario, load_scenario
    from brinkmanship.scenario.compiled import same_model

    sc, catalogue = load_scenario("korea-2017"), catalogue_for([])
    base = compile_scenario(sc)
    assert same_model(base, compile_scenario(apply_policy(sc, catalogue.parse("maximum-pressure"))))
    assert not same_model(base, compile_scenario(apply_policy(sc, catalogue.parse("restraint"))))
    changed = dataclasses.replace(base, precision=base.precision * (1 + 1e-12))
    assert not same_model(base, changed)  # one number in one array
    nested = dataclasses.replace(
        base.third_party_acts, rate=np.where(np.arange(base.third_party_acts.rate.size) == 0, 0.5, 0.0)
    )
    assert not same_model(base, dataclasses.replace(base, third_party_acts=nested))


def test_what_a_script_asks_after_the_game_ended_is_said_not_dropped(capsys):
    """A pull or a move after the last of --days is listed as not played (it was dropped without a word)."""
    script = "hold 2,pull direct-channel,propose_talks"
    assert main([*NO_ADVICE, "--days", "2", "--moves", script, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ended"] == "2 days played"
    assert result["unplayed"] == ["pull direct-channel", "propose_talks"]
    assert main([*NO_ADVICE, "--days", "2", "--moves", script]) == 0
    assert "not played (the game ended first): pull direct-channel, propose_talks" in capsys.readouterr().out
    assert main([*NO_ADVICE, "--days", "3", "--moves", "hold,quit,hold", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unplayed"] == []  # a quit ends the script on purpose
    assert main([*NO_ADVICE, "--days", "2", "--moves", "hold 2,pull restraint,quit,hold", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unplayed"] == ["pull restraint"]  # not the quit, nor after


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--advice-runs", "500"], "--advice-runs goes with the advice"),
        (["--horizon", "90"], "--horizon goes with the advice"),
        (["--levers"], "--levers/--no-levers goes with the advice"),
        (["--no-levers"], "--levers/--no-levers goes with the advice"),
    ],
)
def test_advice_options_with_no_advice_are_refused_not_ignored(capsys, extra, said):
    """Each means something only with the advice (accepted and ignored, exit 0), even at its default."""
    assert main([*NO_ADVICE, *extra, "--moves", "hold"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == f"error: {said}, which --no-advice turns off\n"


def test_the_json_record_carries_every_panel_the_text_shows(capsys):
    """The panel before a pull and the one before the quit were shown and left out of --json; a pull's
    entry had no position or advice. Each item answered has its day, position, advice and levers."""
    assert main([*MOVES, "--moves", "hold,pull restraint,quit", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    held, pulled, quit_ = result["moves"]
    assert [held["day"], pulled["day"], quit_["day"]] == [1, 2, 2]
    assert pulled["pulled"] == "restraint" and quit_["quit"] is True and "turns" in held
    for entry in (held, pulled, quit_):
        assert entry["position"] and entry["advice"] and entry["their_moves_today"]
    assert "restraint" in [row["action"] for row in pulled["levers"]]
    assert "restraint" not in [row["action"] for row in quit_["levers"]]  # in force by then
    hold = [row for row in held["advice"] if row["action"] == "hold"]
    assert hold[0]["p_war_vs_hold"] is None
    assert main([*NO_ADVICE, "--moves", "quit", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["horizon"] is None and result["moves"][0]["quit"] is True


def test_a_lever_in_force_on_one_side_says_how_to_add_the_other(capsys):
    """'pull restraint' after 'pull restraint:us' said only 'in force already (restraint:us)', though the
    DPRK was not restrained."""
    assert main([*NO_ADVICE, "--moves", "pull restraint:us,pull restraint"]) == 2
    err = capsys.readouterr().err
    assert "in force already (restraint:us); to add the other side, pull restraint:dprk" in err
    assert main([*NO_ADVICE, "--moves", "pull restraint:us,pull restraint:dprk,hold", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["policy_at_end"] == "restraint:us+restraint:dprk"


@pytest.mark.parametrize(
    ("field", "value"), [("  calm: 0.3", "  calm: 1000"), ("  amplification: 2.0", "  amplification: 10000")]
)
def test_an_extreme_allowed_value_saturates_without_a_warning(field, value, tmp_path, capsys):
    """A scenario the schema accepts (tension's calm level at its bound of 1000) made `brink play` print
    NumPy's "overflow encountered in exp" with its source line: the game now runs under the engine's
    floating-point rules, as `brink run` does (overflow saturates)."""
    import warnings
    from importlib import resources

    text = (resources.files("brinkmanship.scenario") / "builtin" / "korea-2017.yaml").read_text()
    lines = [value if line.startswith(field + " ") else line for line in text.splitlines()]
    assert value in lines
    extreme = tmp_path / "extreme.yaml"
    extreme.write_text("\n".join(lines))
    args = [str(extreme), "--as", "us", "--moves", "hold 2", "--advice-runs", "64", "--horizon", "10"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(["play", *args, "--no-levers", "--json"])
    assert code == 0, capsys.readouterr().err
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]


def test_a_scripted_move_a_pull_made_possible_is_played(capsys):
    """`--moves "hold 3,pull direct-channel,private_message,quit"` was refused before the game ("not one of
    your moves"), though the same moves typed were played: a direct channel gives private messages. A
    private message with no pull before it is still refused up front."""
    moves = "hold 3,pull direct-channel,private_message,quit"
    assert (
        main(["play", "korea-2017", "--as", "us", "--no-advice", "--days", "10", "--moves", moves, "--json"])
        == 0
    )
    record = json.loads(capsys.readouterr().out)
    yours = [turn["yours"] for panel in record["moves"] for turn in panel.get("turns", [])]
    assert yours[-1] == "private_message"
    assert main(["play", "korea-2017", "--as", "us", "--no-advice", "--moves", "private_message,quit"]) == 2
    assert "'private_message' is not one of your moves" in capsys.readouterr().err


def test_the_levers_said_to_be_pullable_can_be_pulled(capsys):
    """A refused pull listed maximum-pressure among the levers that "can be pulled", though pulling it is
    refused: in korea-2017 the US applies it already (the model with it is the one in force)."""
    moves = "pull direct-channel,pull direct-channel,hold"
    assert main(["play", "korea-2017", "--as", "us", "--no-advice", "--days", "5", "--moves", moves]) == 2
    listed = capsys.readouterr().err.split("can be pulled: ")[1].strip().split(", ")
    assert "restraint" in listed and "maximum-pressure" not in listed


def test_bytes_that_are_not_utf8_are_shown_as_bytes(monkeypatch, capsys):
    """Invalid UTF-8 piped in (Python reads it as lone surrogates) was named '\\udcff\\udcfe' in the error."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("\udcff\udcfe\nquit\n"))
    assert main(["play", "korea-2017", "--as", "us", "--no-advice"]) == 2
    err = capsys.readouterr().err
    assert "'\\xff\\xfe' is not one of your moves" in err and "udc" not in err


def test_bytes_that_are_not_utf8_in_a_strict_locale_are_a_refused_move_not_a_traceback():
    """In a UTF-8 locale standard input decodes strictly: invalid bytes piped in ended `brink play` with
    a UnicodeDecodeError traceback."""
    import os
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "brinkmanship.entry", "play", "korea-2017", "--as", "us", "--no-advice"],
        input=b"\xff\xfe\nquit\n",
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"},
        timeout=120,
    )
    err = done.stderr.decode()
    assert done.returncode == 2 and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("error: standard input line 1: '\\xff\\xfe' is not one of")
