"""`brink play`: play one principal of a crisis day by day against the model, with an advice panel."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from brinkmanship.cli_common import (
    DEFAULT_SEED,
    JsonOption,
    SeedOption,
    check_range,
    console,
    errors,
    given,
)
from brinkmanship.cli_history import as_of_record, as_of_start
from brinkmanship.cli_policies import PolicyFileOption
from brinkmanship.errors import UserError
from brinkmanship.wording import plural

if TYPE_CHECKING:
    from brinkmanship.play.game import Game, Option
    from brinkmanship.policies import Catalogue
    from brinkmanship.scenario.schema import ScenarioFile

DEFAULT_DAYS = 30
DEFAULT_HORIZON = 90
DEFAULT_ADVICE_RUNS = 2000
MAX_GAME_DAYS = 3650
MAX_ADVICE_RUNS = 100_000
QUIT = ("quit", "q", "exit")
REPLAY_PATHS = 1024
"""Paths of the replay that ``--as-of`` runs to draw the game's world from (one block)."""


def _moves_from(text: str) -> list[tuple[str, str]]:
    """The moves of ``--moves`` as (where, move) pairs: comma-separated, each ``NAME`` or ``NAME DAYS``."""
    return [(f"--moves item {k}", item.strip()) for k, item in enumerate(text.split(","), 1)]


def _lines_from_stdin(prompt_to: Console, typed: bool) -> Iterator[tuple[str, str]]:
    """Moves typed (``typed``: standard input is a terminal) or piped on standard input, one a line, each
    after a prompt. Piped, blank lines are passed over (a file's trailing empty line is no move) and each
    move is shown after its prompt, as a terminal would echo it; lines are numbered as in the input."""
    number = 0
    # Bytes that are not UTF-8 (a file in another encoding, a stray key) are read, not a traceback: in a
    # UTF-8 locale standard input decodes strictly, and a UnicodeDecodeError ended the command.
    with contextlib.suppress(AttributeError, ValueError):
        sys.stdin.reconfigure(errors="surrogateescape")  # type: ignore[union-attr]
    while True:
        prompt_to.print("your move (number or name, 'NAME DAYS' repeats it, 'pull LEVER', 'quit'): ", end="")
        while True:
            try:
                line = sys.stdin.readline()
            except KeyboardInterrupt:
                prompt_to.print("")  # Ctrl-C at the prompt: the command's line goes below it, not after ^C
                raise
            number += 1 if line else 0
            if typed or not line or line.strip():
                break
        if not line:
            prompt_to.print("")
            return
        if not typed:
            prompt_to.print(_readable(line.strip()), markup=False, highlight=False)
        yield f"standard input line {number}", line.strip()


def _number(text: str) -> int | None:
    """``text`` as a whole number if it is one written in ASCII digits, else None (``'²'`` and ``'٣'`` are
    digits to :meth:`str.isdigit` that :func:`int` refuses or reads, and a number of thousands of digits
    is over :func:`int`'s limit)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _short(text: str, most: int = 40) -> str:
    """``text`` shortened to ``most`` characters for an error line."""
    return text if len(text) <= most else text[: most - 3] + "..."


def _readable(text: str) -> str:
    """``text`` with the bytes that were not UTF-8 (read as lone surrogates) written as the bytes they
    were, ``\\xff``: printable on any terminal, not ``\\udcff`` nor an encoding error."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _shown(text: str) -> str:
    """``text`` quoted and shortened for an error line (:func:`_readable`)."""
    readable = _readable(text)
    return repr(_short(text)) if readable == text else f"'{_short(readable)}'"


def _parse(
    move: str, where: str, options: list[str], known: list[str] | None = None
) -> tuple[str, int] | None:
    """A move as (action, days); None for quit. ``where`` names it in the error; ``options`` are the moves
    open today (numbered from 1), ``known`` the player's whole repertoire (if given), to tell a
    move closed today from one that is not the player's. Names are read in any case.

    Raises:
        UserError: an empty move, an unknown or closed action, or a day count that is not 1 to 365.
    """
    words = move.split()
    if not words:
        raise UserError(f"{where}: empty move; give an action's number or name")
    if words[0].lower() in QUIT:
        if len(words) > 1:
            raise UserError(f"{where}: {_shown(move)}: '{words[0]}' takes no number of days")
        return None
    name = words[0].lower()
    k = _number(name)
    if k is not None or name.isdigit():
        if k is None or not 1 <= k <= len(options):
            raise UserError(f"{where}: move number {_short(name)} is not one of 1 to {len(options)}")
        name = options[k - 1]
    elif known is not None and name not in known:
        raise UserError(f"{where}: {_shown(words[0])} is not one of your moves ({', '.join(known)})")
    elif name not in options:
        said = "not open today (a private move needs a private channel; a freeze closes some moves)"
        raise UserError(f"{where}: {_shown(words[0])} is {said}; open today: {', '.join(options)}")
    days = 1
    if len(words) == 2:
        days_given = _number(words[1])
        if days_given is None or not 1 <= days_given <= 365:
            raise UserError(f"{where}: days {_shown(words[1])} must be a whole number from 1 to 365")
        days = days_given
    elif len(words) > 2:
        raise UserError(f"{where}: {_shown(move)}: give an action and at most a number of days")
    return name, days


def _lever_names(catalogue: Catalogue) -> list[str]:
    """Every lever and package of ``catalogue`` (the built-ins, and a ``--policy-file``'s) that a game may
    pull, by name (`brink policies`; not Leng's strategies, which are named with ``-p`` only, as `brink
    compare` runs them on request)."""
    return [name for name in [*catalogue.levers, *catalogue.packages] if name not in catalogue.on_request]


def _pull_of(text: str, where: str, catalogue: Catalogue) -> str | None:
    """The lever of a ``pull NAME`` move (lower case), or None for any other move. A name that is not a
    lever or package of ``catalogue`` a game may pull (:func:`_lever_names`), nor such a lever on one actor,
    is refused here; whether a known one can be pulled is known on its day.

    Raises:
        UserError: ``pull`` without exactly one lever name, or an unknown one.
    """
    words = text.split()
    if not words or words[0].lower() != "pull":
        return None
    if len(words) != 2:
        raise UserError(f"{where}: {_shown(text)}: give 'pull' and one lever's name (`brink policies`)")
    lever = words[1].lower()
    known = _lever_names(catalogue)
    if lever not in known:
        from brinkmanship.play.levers import STRATEGY

        if "+" in lever:
            said = "pull one lever at a time"
        elif lever.partition(":")[0] in catalogue.levers and lever.partition(":")[2]:
            return lever  # one principal only (restraint:us); whether it can be is known on its day
        elif lever.partition(":")[0] in known:
            said = "a package takes no ':actor'; pull it by its name alone"
        elif lever.partition(":")[0] in catalogue.on_request:
            said = STRATEGY
        else:
            raise UserError(f"{where}: no lever {_shown(words[1])} (known: {', '.join(known)})")
        raise UserError(f"{where}: {_shown(words[1])}: {said}")
    return lever


def _panels_of(
    listed: list[tuple[str, str]],
    repertoire: list[str],
    catalogue: Catalogue,
    sc: ScenarioFile,
    days: int,
    opened: dict[str, list[str]] | None = None,
) -> int:
    """The advice panels the moves of ``--moves`` would be shown at most within ``days`` (one before each
    item the game reaches: a move and its repeats, a pull, the quit), after refusing, in one line, any
    that is malformed, numbered (names only: the numbers follow the day's list), not of the player's
    ``repertoire`` (with, after a pull, the moves that lever's world gives the player: ``opened``, by
    lever name; a direct channel gives private messages), or a pull on one principal that is not the
    scenario's. (Whether a move is open, or a lever can be pulled, on its day is known only on that day.)"""
    from brinkmanship.policies.lever import resolve_actor

    panels, played, ended = 0, 0, False
    for where, text in listed:
        reached = not ended and played < days
        pulled = _pull_of(text, where, catalogue)
        if pulled is not None:
            if ":" in pulled:
                resolve_actor(sc, pulled.partition(":")[2], f"{where}: {_shown(text)}")
            more = (opened or {}).get(pulled.partition(":")[0], [])
            repertoire = repertoire + [move for move in more if move not in repertoire]
            panels += reached
            continue
        first = (text.split() or [""])[0]
        if _number(first) is not None or first.isdigit():
            # A number names a move of the day's list, which changes from day to day (a freeze, a channel
            # lost): a script that numbers its moves could play other moves than it meant.
            raise UserError(f"{where}: {_shown(first)}: give the move's name in --moves, not its number")
        parsed = _parse(text, where, repertoire, repertoire)  # every item, those after a quit too
        panels += reached
        if parsed is None:
            ended = True
        elif reached:
            played += parsed[1]
    return panels


def _check_size(sc: ScenarioFile, as_of: str | None, turns: int, moves: int, runs: int, horizon: int) -> None:
    """Refuse, in one line before any work, a game whose advice (``turns`` days of at most ``moves``
    forecasts - the open moves, and with --levers each lever and holding without it - 0 without advice;
    each forecast ``runs`` branches x ``horizon`` days) and ``--as-of`` replay are over the path-days cap
    (:func:`~brinkmanship.engine.ensemble.check_path_days`); a malformed or out-of-record date too."""
    from brinkmanship.engine.ensemble import check_path_days

    parts = []
    if turns:
        advice = (
            f"{plural(turns, 'panel')} x {plural(moves, 'forecast')} x --advice-runs {runs:,} x --horizon "
        )
        advice += f"{horizon:,}"
        parts.append((advice, turns * moves * runs * horizon))
    if as_of is not None:
        date, _, first = as_of_record(sc, as_of)
        span = (date - first).days + 1
        replayed = f"{REPLAY_PATHS:,} paths x {plural(span, 'day')} replayed ({first} to --as-of {date})"
        parts.append((replayed, REPLAY_PATHS * span))
    check_path_days(parts, "lower --advice-runs, --horizon or --days")


def _position_table(game: Game) -> Table:
    p = game.position()
    you, them = game.you, game.them
    table = Table(title=f"day {p['day']} · {p['date']} · you play {you}", show_header=False, box=None)
    table.add_row("posture (Kahn rung, 1-44)", f"{you} {p['rung'][you]:.1f} · {them} {p['rung'][them]:.1f}")
    table.add_row(
        f"hostility of {them} (calm: {game.model.tension_calm:.2f})",
        f"you read {p['you_read_their_hostility']:.2f} · in truth {p['their_hostility_in_truth']:.2f}",
    )
    table.add_row(
        f"your hostility, as {them} reads it",
        f"{p['they_read_your_hostility']:.2f} · in truth {p['your_hostility_in_truth']:.2f}",
    )
    table.add_row(
        "audience costs (Fearon)",
        f"{you} {p['audience_costs'][you]:.2f} · {them} {p['audience_costs'][them]:.2f}",
    )
    table.add_row(
        f"your belief about {them}",
        f"greedy {p['belief_they_are_greedy']:.0%} · resolute {p['belief_they_are_resolute']:.0%}",
    )
    said = p["their_moves_say"]
    if said is not None:
        table.add_row(
            f"what {them}'s moves say (the advice's branches)",
            f"greedy {said['greedy']:.0%} · resolute {said['resolute']:.0%}",
        )
    table.add_row(
        "talks · freeze · agreement",
        " · ".join("yes" if p[k] else "no" for k in ("talks_open", "freeze_in_force", "agreement_in_force")),
    )
    return table


def _levers_table(game: Game, advice: list[Option], runs: int, horizon: int) -> Table:
    table = Table(
        title=f"levers: if in force from today, you holding today ({horizon} days, the same branches)",
        caption="pull NAME puts one in force from today; vs hold: against holding without it",
    )
    for column in ("lever", f"P(war, {horizon} d)", "P(nuclear use)", "P(war) vs hold (95%, paired)"):
        table.add_column(column, justify="left" if column == "lever" else "right")
    for o in advice:
        change = ""
        if o.action in game.ways and game.changes_nothing(o.action):
            # the scenario is so already (maximum-pressure in korea-2017): pulling it is refused, since it
            # would only block the levers it contradicts
            change = "none: the scenario is so already"
        elif o.vs_hold is not None:
            low, high = o.vs_hold.ci95
            change = f"{o.vs_hold.diff:+.1%} ({low:+.1%} to {high:+.1%})"
        table.add_row(o.action, f"{o.p_war:.1%}", f"{o.p_nuclear:.1%}", change)
    return table


def _advice_table(game: Game, advice: list[Option], runs: int, horizon: int) -> Table:
    table = Table(
        title=f"advice: if you make this move today ({plural(runs, 'branch', 'branches')}, {horizon} days; "
        f"{game.them}'s type drawn from what its moves say)",
        caption="* lowest P(war); vs hold: the change in P(war) against holding today, on the same branches",
    )
    for column in ("#", "move", f"P(war, {horizon} d)", "95% CI", "P(nuclear use)", "P(clash)"):
        table.add_column(column, justify="left" if column == "move" else "right")
    with_lives = advice and advice[0].expected_deaths is not None
    if with_lives:
        table.add_column("expected deaths", justify="right")
    paired = advice and advice[0].vs_hold is not None
    if paired:
        table.add_column("P(war) vs hold (95%, paired)", justify="right")
    lowest = min(o.p_war for o in advice)
    for k, o in enumerate(advice, 1):
        row = [
            str(k),
            o.action + (" *" if o.p_war == lowest else ""),
            f"{o.p_war:.1%}",
            f"{o.p_war_ci95[0]:.1%}-{o.p_war_ci95[1]:.1%}",
            f"{o.p_nuclear:.1%}",
            f"{o.p_clash:.1%}",
        ]
        if with_lives:
            row.append(f"{o.expected_deaths:,.0f}")
        if paired and o.vs_hold is not None:
            difference, (low, high) = o.vs_hold.diff, o.vs_hold.ci95
            row.append(f"{difference:+.1%} ({low:+.1%} to {high:+.1%})" if o.action != "hold" else "")
        table.add_row(*row)
    return table


def play(
    scenario: Annotated[str, typer.Argument(help="built-in name (see `brink scenarios`) or a scenario file")],
    side: Annotated[str, typer.Option("--as", help="the principal you play (e.g. US or DPRK)")],
    days: Annotated[int, typer.Option("--days", help="days to play at most")] = DEFAULT_DAYS,
    moves: Annotated[
        str | None,
        typer.Option(
            "--moves", help="play these moves by name, comma-separated ('hold 7' holds seven days); else ask"
        ),
    ] = None,
    advice: Annotated[bool, typer.Option("--advice/--no-advice", help="forecast each move first")] = True,
    horizon: Annotated[
        int, typer.Option("--horizon", help="days each forecast looks ahead")
    ] = DEFAULT_HORIZON,
    advice_runs: Annotated[
        int, typer.Option("--advice-runs", help="branches per move")
    ] = DEFAULT_ADVICE_RUNS,
    policy: Annotated[
        str | None, typer.Option("--policy", "-p", help="levers in force (one policy; join levers with +)")
    ] = None,
    policy_file: PolicyFileOption = None,
    levers: Annotated[
        bool, typer.Option("--levers/--no-levers", help="with the advice, forecast each lever you may pull")
    ] = True,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="start from the replayed crisis at the end of this date (YYYY-MM-DD; the record)"
        ),
    ] = None,
    seed: SeedOption = DEFAULT_SEED,
    as_json: JsonOption = False,
) -> None:
    """Play one side of a crisis day by day; the model plays the other side and the rest of the world.

    Each day shows the board (postures, hostility as each side reads it and as it is, audience costs,
    your belief about the other side) and, unless --no-advice, what each open move does to P(war),
    P(nuclear use) and the expected deaths over --horizon days, the other side's likeliest moves, and
    what each lever of `brink policies` would do if in force from today; 'pull LEVER' puts one in force.
    The game ends when a war begins (it is played out to its end), after --days days, on 'quit' or at the
    end of the moves.

    With --as-of DATE the game starts from the crisis as the real record left it at the end of that date
    (one path of `brink replay`'s particle filter, drawn in proportion to its weight).
    """
    check_range("--days", days, 1, MAX_GAME_DAYS)
    check_range("--horizon", horizon, 1, MAX_GAME_DAYS)
    check_range("--advice-runs", advice_runs, 1, MAX_ADVICE_RUNS)
    for option, spelled in (
        ("--advice-runs", "--advice-runs"),
        ("--horizon", "--horizon"),
        ("--levers", "--levers/--no-levers"),
    ):
        if given(option) and not advice:
            raise UserError(f"{spelled} goes with the advice, which --no-advice turns off")
    import numpy as np

    from brinkmanship.analysis.lives import lives_model
    from brinkmanship.engine.numerics import checked_arithmetic
    from brinkmanship.play.game import Game, repertoire_of, side_of
    from brinkmanship.play.levers import ways_out
    from brinkmanship.play.their_type import TheirTypes
    from brinkmanship.policies import Policy, apply_policy, catalogue_for
    from brinkmanship.scenario import compile_scenario, load_scenario

    sc = load_scenario(scenario)
    catalogue = catalogue_for([str(path) for path in policy_file or []])
    chosen = catalogue.parse(policy) if policy is not None else Policy("baseline")  # -p '' refused
    levered = apply_policy(sc, chosen)
    model = compile_scenario(levered)
    # Refused before any work: the side, every move given (as far as it can be read before its day), the
    # --as-of date and the request's size.
    mine = repertoire_of(model, side_of(model, side))
    ways = ways_out(sc, chosen, catalogue)
    listed = None if moves is None else _moves_from(moves)
    # A panel before each day's move and after each pull (a lever can be pulled once), or, with --moves,
    # before each item the game reaches.
    opened = {name: repertoire_of(way.model, side_of(model, side)) for name, way in ways.items()}
    turns = days + len(ways) if listed is None else _panels_of(listed, mine, catalogue, sc, days, opened)
    forecasts = len(mine) + (len(ways) + 1 if levers else 0)
    _check_size(sc, as_of, turns if advice else 0, forecasts, advice_runs, horizon)
    world = None
    their_types = None
    if as_of is not None:
        # One path drawn from the filter's weighted ensemble of a block's paths (path 0 after resampling),
        # with room for every way out's channels.
        worlds = (levered, *(way.scenario for way in ways.values()))
        replayed = as_of_start(sc, as_of, REPLAY_PATHS, seed, worlds, show=not as_json)
        world = replayed.take(np.zeros(1, int))
        # The advice starts from the types the record made likely (the replay's ensemble), as `brink run
        # --as-of` does, and reads the other side's moves in the game from there.
        their_types = TheirTypes.of_paths(replayed, 1 - side_of(model, side))
    # Overflow at an extreme (allowed) parameter saturates, as in `brink run`: no NumPy warning reaches the
    # player; an invalid result ends the game with one line (engine/numerics.py).
    with checked_arithmetic():
        game = Game.start(
            model,
            side,
            seed,
            lives_model(sc) if advice else None,
            world,
            sc,
            chosen,
            catalogue,
            read_their_moves=advice,
            their_types=their_types,
        )
        shown = errors if as_json else console  # with --json, standard output carries the JSON alone
        typed = sys.stdin.isatty()
        scripted = moves is not None or not typed
        source = iter(listed) if listed is not None else _lines_from_stdin(shown, typed)
        record: list[dict[str, Any]] = []
        ended = "moves used up"
        refused: UserError | None = None
        while not game.over and game.number <= days and (listed is None or len(record) < len(listed)):
            shown.print(_position_table(game))
            options = game.options()
            offered = game.advise(advice_runs, horizon) if advice else []
            expected = game.their_moves_today(advice_runs) if advice else {}
            ways_advice = game.advise_levers(advice_runs, horizon) if advice and levers else []
            if offered:
                shown.print(_advice_table(game, offered, advice_runs, horizon))
                shown.print(_their_moves_line(game, expected))
            else:
                shown.print("open moves: " + ", ".join(f"{k} {name}" for k, name in enumerate(options, 1)))
            if ways_advice:
                shown.print(_levers_table(game, ways_advice, advice_runs, horizon))
            elif advice and levers and game.ways:
                # The levers are forecast with the player holding today, against holding without them.
                can = ", ".join(game.ways)
                shown.print(f"levers: not forecast today, holding is not open to you; can be pulled: {can}")
            # What was shown before the player's answer, for the record whatever the answer (a move, a pull,
            # the quit, a refused move): the JSON carries every panel the text shows.
            panel: dict[str, Any] = {
                "day": game.number,
                "position": game.position(),
                "advice": [o.as_dict() for o in offered],
                "their_moves_today": expected,
                "levers": [o.as_dict() for o in ways_advice],
            }
            parsed = None
            pulled = None
            answered = ""
            for where, text in source:
                answered = text
                try:
                    pulled = _pull_of(text, where, catalogue)
                    if pulled is not None:
                        try:
                            game.pull(pulled)
                        except UserError as error:
                            raise UserError(f"{where}: {error}") from None
                        break
                    parsed = _parse(text, where, options, game.repertoire())
                    break
                except UserError as error:
                    if scripted:
                        # A scripted move closed on its day (a freeze, a lost channel; every other mistake was
                        # refused before the game began): the game ends there, its record is given, and the
                        # command exits 2 with the reason, so that the days played are not lost.
                        refused = error
                        break
                    shown.print(f"error: {error}")
            else:
                break
            if refused is not None:
                ended = "move refused"
                record.append({"refused": answered, **panel})
                break
            if pulled is not None:
                # A lever is no day's move: the board and the advice are shown again under it.
                record.append({"pulled": pulled, "policy": game.policy.name, **panel})
                shown.print(f"{game.date}: you pull {pulled}; in force from today: {game.policy.name}")
                continue
            if parsed is None:
                ended = "quit"
                record.append({"quit": True, **panel})
                break
            action, repeat = parsed
            entry: dict[str, Any] = dict(panel)
            played = []
            for _ in range(repeat):
                if game.over or game.number > days:
                    break
                turn = game.move(action)
                played.append(turn.as_dict())
                shown.print(_turn_line(game, turn))
            entry["turns"] = played
            record.append(entry)
        if game.over:
            war_days = game.play_out_the_war()
            if war_days and game.at_war:
                shown.print(
                    f"the war is still fought on {war_days[-1].date}, after {plural(len(war_days), 'day')} "
                    "(played out no further)"
                )
            elif war_days:
                how = "with nuclear use" if game.outcome()["nuclear_use"] else "in a ceasefire"
                shown.print(
                    f"the war ends {how} on {war_days[-1].date}, after {plural(len(war_days), 'day')}"
                )
            ended = "war"
        elif game.number > days:
            ended = f"{plural(days, 'day')} played"
        # What a script asked for and the game did not play (it ended first: its days, a war, a refused
        # move): said, not dropped. Days of a repeated move cut short are counted in its entry's turns.
        unplayed = []
        for _, text in source if listed is not None and ended != "quit" else ():
            if (text.split() or [""])[0].lower() in QUIT:
                break  # the script's own end: nothing after it was asked for
            unplayed.append(text)
        if unplayed and not as_json:
            shown.print(f"not played (the game ended first): {_short(', '.join(unplayed), 120)}")
        outcome = game.outcome()
        if as_json:
            result = {
                "scenario": sc.name,
                "policy": chosen.name,
                "you": game.you,
                "seed": seed,
                "days": days,
                "horizon": horizon if advice else None,
                "advice_runs": advice_runs if advice else 0,
                "ended": ended,
                "refused": None if refused is None else str(refused),
                "policy_at_end": game.policy.name,
                "moves": record,
                "unplayed": unplayed,
                "outcome": outcome,
                "debrief": game.debrief(),
            }
            print(json.dumps(result, indent=2))
        else:
            console.print(_outcome_line(game, outcome, ended))
            console.print(_debrief_line(game))
        if refused is not None:
            raise refused


def _debrief_line(game: Game) -> str:
    """The other side's type, hidden during the game, beside what its moves said of it."""
    told = game.debrief()
    truth = told["their_type"]
    kind = ("greedy" if truth["greedy"] else "security-seeking") + (
        ", resolute" if truth["resolute"] else ", not resolute"
    )
    line = f"{game.them} was in truth {kind} (resolve {truth['resolve']:.2f})"
    said = told["their_moves_said"]
    if said is not None:
        line += f"; its moves said greedy {_share(said['greedy'])}, resolute {_share(said['resolute'])}"
    return line


def _turn_line(game: Game, turn: Any) -> str:
    said = f"{turn.date}: you ({game.you}) {turn.yours}; {game.them} {turn.theirs or '-'}"
    if turn.third_parties:
        said += "; " + ", ".join(turn.third_parties)
    if turn.clashes:
        said += f"; {plural(turn.clashes, 'armed clash', 'armed clashes')}"
    if turn.false_alarms:
        said += f"; {plural(turn.false_alarms, 'false alarm')}"
    if turn.war_began:
        outcome = game.outcome()
        said += f"; WAR begins ({outcome['war_path'].replace('_', ' ')}"
        said += f", begun by {outcome['war_begun_by']})" if outcome["war_begun_by"] else ")"
    return said


def _share(share: float) -> str:
    """A share in whole per cent, or to a tenth below 1% (0.3%, not 0%)."""
    return f"{share:.0%}" if share >= 0.01 else f"{share:.1%}"


def _their_moves_line(game: Game, expected: dict[str, float], shown: int = 5) -> str:
    """The other side's likeliest moves today, as its moves so far have it (Game.their_moves_today)."""
    moves = list(expected.items())
    said = " · ".join(f"{name} {_share(share)}" for name, share in moves[:shown])
    rest = sum(share for _, share in moves[shown:])
    if rest:
        said += f" · other moves {_share(rest)}"
    return f"{game.them} today, in those branches (it moves as you do, not after): {said}"


def _outcome_line(game: Game, outcome: dict[str, Any], ended: str) -> str:
    played = plural(outcome["days_played"], "day")
    if outcome["war"]:
        nuclear = "with nuclear use" if outcome["nuclear_use"] else "without nuclear use"
        return f"game over after {played}: war on {outcome['war_date']} ({outcome['war_path']}), {nuclear}"
    agreement = "; an agreement is in force" if outcome["agreement_in_force"] else ""
    why = "" if ended.endswith("played") else f" ({ended})"  # "after 30 days" says the rest
    return f"game over{why} after {played}: no war{agreement}"


def register(app: typer.Typer) -> None:
    """Attach the play command to the main app."""
    app.command("play")(play)
