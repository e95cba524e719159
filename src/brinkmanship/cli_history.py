"""`brink events`: a scenario's recorded history (its event file) as a table with sources, or JSON;
`brink replay`: the crisis replayed through that history, with the forecast as of each date."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from brinkmanship.cli_common import (
    ForceOption,
    JsonOption,
    SeedOption,
    check_range,
    console,
    errors,
    goes_with,
    progress_bar,
)
from brinkmanship.engine.atomic import ResultFolder, check_out_text
from brinkmanship.errors import UserError
from brinkmanship.wording import plural

# The model's libraries (NumPy, SciPy, pydantic...) are imported in the functions that use them, so that
# `brink --help`, a command's help and a refused option do not wait seconds for them.
if TYPE_CHECKING:
    from brinkmanship.calibration.uncertainty import AsOf
    from brinkmanship.engine.state import CrisisState
    from brinkmanship.history import EventFile
    from brinkmanship.history.replay import Replay
    from brinkmanship.report.briefing import HistoryCurve
    from brinkmanship.scenario.schema import ScenarioFile

MAX_REPLAY_RUNS = 1_000_000
DEFAULT_REPLAY_RUNS = 4096


def events(
    scenario: Annotated[str, typer.Argument(help="built-in name (see `brink scenarios`) or a scenario file")],
    events_file: Annotated[
        Path | None,
        typer.Option(
            "--events",
            "-e",
            help="an event file (CSV, YAML or JSON; docs/history.md); default: the scenario's built-in "
            "history",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The dated events of a crisis, each with its source, checked against the scenario.

    Tests, threats, exercises, sanctions, talks, agreements and false alarms in the model's vocabulary
    (docs/history.md); days count from the scenario's start date.
    """
    from brinkmanship.history import builtin_events_for, load_events
    from brinkmanship.scenario import load_scenario

    sc = load_scenario(scenario)
    source: str | Path = _source(events_file) if events_file is not None else builtin_events_for(sc.name)
    loaded = load_events(source, sc)
    if as_json:
        print(json.dumps(_summary(loaded)))
        return
    _print_table(loaded)


def _source(events_file: Path) -> str | Path:
    """A built-in history may be named as a file is (``--events korea-2017``) where no such file exists."""
    return str(events_file) if not events_file.exists() else events_file


def _summary(loaded: EventFile) -> dict[str, object]:
    return {
        "scenario": loaded.scenario,
        "events_file": loaded.where,
        "start_date": loaded.start_date.isoformat(),
        "first": loaded.first_date.isoformat() if loaded.first_date else None,
        "last": loaded.last_date.isoformat() if loaded.last_date else None,
        "count": len(loaded),
        "events": loaded.records(),
    }


def _print_table(loaded: EventFile) -> None:
    first, last = loaded.first_date, loaded.last_date
    title = (
        f"{loaded.scenario}: {plural(len(loaded), 'event')}, {first} to {last} "
        f"(day 0 = {loaded.start_date}; {loaded.where})"
    )
    table = Table(title=title, header_style="bold", show_lines=False)
    for name, justify in (
        ("date", "left"),
        ("day", "right"),
        ("actor", "left"),
        ("kind", "left"),
        ("event", "left"),
        ("channel", "left"),
        ("description", "left"),
        ("source", "left"),
    ):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for event in loaded.events:
        event_text = event.event
        if event.terms is not None:
            terms = ", ".join(f"{key}={value:g}" for key, value in event.terms.given().items())
            event_text = f"{event.event} ({terms})"
        table.add_row(
            event.date.isoformat(),
            str(event.day),
            event.actor,
            event.kind,
            event_text,
            event.channel,
            event.description,
            event.source,
        )
    console.print(table)


def _date(flag: str, text: str | None) -> dt.date | None:
    """A date option's text as a date: YYYY-MM-DD only (:func:`iso_date`), refused in one line naming the
    option and the text."""
    from brinkmanship.scenario.schema import iso_date

    if text is None:
        return None
    try:
        return iso_date(text)
    except ValueError as error:
        # iso_date's own words, as in event files: "not an ISO date (YYYY-MM-DD)" for another spelling,
        # "not a calendar date" for a day no calendar has (2017-02-29); it names the text last, the
        # option's line names it first.
        reason = str(error).rpartition(": ")[0]
        raise UserError(f"{flag} {text!r}: {reason}") from None


def calm_date(sc: ScenarioFile) -> tuple[dt.date, str]:
    """The first date a replay may start on, and what it is: the relationship's calm state, the prelude's
    first date (its start date for a scenario without a prelude). Before it the scenario says nothing:
    a replay from an earlier date would run the calm state in a year it does not describe."""
    if sc.prelude is not None:
        return sc.prelude.start_date, "the prelude's first date"
    return sc.start_date, "its start date (it has no prelude)"


def default_span(sc: ScenarioFile, loaded: EventFile) -> tuple[dt.date, dt.date]:
    """From the relationship's calm state (the prelude's first date, else the first event or the start
    date, whichever is later) to the last event (else the end of the scenario's horizon). Events before
    the calm state are left out of a replay (counted as before ``--from``)."""
    calm, _ = calm_date(sc)
    first = calm if sc.prelude is not None else max(calm, loaded.first_date or calm)
    last = loaded.last_date or (sc.start_date + dt.timedelta(days=sc.horizon_days - 1))
    return first, max(last, first)


def replay_command(
    scenario: Annotated[str, typer.Argument(help="built-in name (see `brink scenarios`) or a scenario file")],
    first: Annotated[
        str | None, typer.Option("--from", help="first date (YYYY-MM-DD); default: the calm state's date")
    ] = None,
    last: Annotated[str | None, typer.Option("--to", help="last date; default: the last event's")] = None,
    events_file: Annotated[
        Path | None,
        typer.Option(
            "--events", "-e", help="an event file (CSV, YAML or JSON); default: the built-in history"
        ),
    ] = None,
    no_events: Annotated[
        bool, typer.Option("--no-events", help="impose nothing: a free run from the calm state")
    ] = False,
    runs: Annotated[
        int, typer.Option("--runs", "-n", help="paths in the filter's ensemble")
    ] = DEFAULT_REPLAY_RUNS,
    seed: SeedOption = 20171126,
    every: Annotated[
        int | None,
        typer.Option(
            "--every", help="days between forecast dates (1 = daily; default: about 100 dates in all)"
        ),
    ] = None,
    forecast_runs: Annotated[
        int | None,
        typer.Option("--forecast-runs", help="paths in each date's forecast (default: min(runs, 1024))"),
    ] = None,
    as_json: JsonOption = False,
    out: Annotated[
        str | None,
        typer.Option("--out", "-o", help="folder for replay.json, replay.parquet, risk.png, replay.html"),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Replay the real crisis day by day: recorded events imposed, the rest random, paths weighted by the
    model's probability of the record (a particle filter); the risk of war as of each date.

    Each date's P(war within 30, 90 and 365 days) is read from a branch of the ensemble run on with
    chance (docs/replay.md); the dated judgements of the time are drawn beside the curve.
    """
    goes_with("--force", "--out", out is not None, "it replaces the results of an earlier replay there")
    check_range("--runs", runs, 1, MAX_REPLAY_RUNS)
    chosen_forecast = min(runs, 1024) if forecast_runs is None else forecast_runs
    check_range("--forecast-runs", chosen_forecast, 1, runs)
    from brinkmanship.engine.ensemble import check_path_days
    from brinkmanship.history import (
        EventFile,
        builtin_event_names,
        builtin_events_for,
        load_events,
        load_judgements,
    )
    from brinkmanship.history.events import DEFAULT_SPAN_YEARS
    from brinkmanship.history.judgements import judgements_in_span
    from brinkmanship.history.replay import HORIZONS, MAX_REPLAY_DAYS, replay
    from brinkmanship.scenario import load_scenario

    if every is not None:
        check_range("--every", every, 1, MAX_REPLAY_DAYS)
    first_date, last_date = _date("--from", first), _date("--to", last)
    sc = load_scenario(scenario)
    if no_events and events_file is not None:
        raise UserError("--no-events and --events: choose one")
    if no_events:
        loaded = EventFile.empty(sc)
    elif events_file is not None:
        loaded = load_events(_source(events_file), sc)
    elif sc.name in builtin_event_names():
        loaded = load_events(builtin_events_for(sc.name), sc)
    else:
        raise UserError(
            f"replay {sc.name}: no built-in history (those with one: {', '.join(builtin_event_names())}); "
            "give --events FILE or --no-events"
        )
    default_first, default_last = default_span(sc, loaded)
    calm, what = calm_date(sc)
    if first_date is not None and first_date < calm:
        raise UserError(
            f"--from {first_date}: before the calm state of {sc.name} on {calm} ({what}), where every "
            f"replay starts; give --from {calm} or later"
        )
    latest = loaded.span[1]
    for flag, given in (("--from", first_date), ("--to", last_date)):
        if given is not None and given > latest:
            raise UserError(
                f"{flag} {given}: after {latest}, the last date {sc.name}'s events may have "
                f"({DEFAULT_SPAN_YEARS} years after its start date, {sc.start_date}); give {flag} {latest} "
                "or earlier"
            )
    # Each end as given or as defaulted: '--to 2018-12-10' read as if the user had typed it.
    start = (
        f"--from {first_date}" if first_date else f"from {default_first} (the default start, without --from)"
    )
    end = f"--to {last_date}" if last_date else f"to {default_last} (the default end, without --to)"
    first_date = first_date or default_first
    last_date = last_date or default_last
    if not 1 <= (last_date - first_date).days + 1 <= MAX_REPLAY_DAYS:
        raise UserError(f"{start} {end}: the span must be 1 to {MAX_REPLAY_DAYS} days")
    span_days = (last_date - first_date).days + 1
    every = min(every, span_days) if every is not None else max(1, span_days // 100)
    dates = _forecast_dates(span_days, every)
    check_path_days(
        [
            (f"--runs {runs:,} x {plural(span_days, 'day')} ({first_date} to {last_date})", runs * span_days),
            (
                f"{plural(dates, 'forecast')} (--every {every}) x --forecast-runs {chosen_forecast:,} x "
                f"{max(HORIZONS)} days",
                dates * chosen_forecast * max(HORIZONS),
            ),
        ],
        "lower --runs or --forecast-runs, raise --every, or shorten --from to --to",
    )
    folder = None if out is None else check_out_text(out)
    show = not as_json and errors.is_terminal
    judgements = judgements_in_span(load_judgements(), first_date, last_date)

    def compute() -> Replay:
        span = (last_date - first_date).days + 1
        with progress_bar(span, "replay: days", show) as advance:
            return replay(
                sc,
                loaded,
                first_date,
                last_date,
                runs,
                seed,
                every=every,
                forecast_runs=chosen_forecast,
                progress=lambda done, total: advance(done, None),
            )

    started = time.perf_counter()
    if folder is None:
        result = compute()
    else:
        from brinkmanship.history.replay_output import RESULT_FILES, write_replay

        with ResultFolder(folder, RESULT_FILES, force=force) as results:
            result = compute()
            write_replay(result, judgements, results.staging)
            results.commit()
    seconds = time.perf_counter() - started
    if as_json:
        record = result.as_dict()
        record["judgements"] = [j.record() for j in judgements]
        record["elapsed_s"] = seconds
        print(json.dumps(record))
        return
    _print_replay(result, seconds)
    if folder is not None:
        console.print(f"wrote replay.json, replay.parquet, risk.png, replay.html in {folder}")


def _print_replay(result: Replay, seconds: float) -> None:
    table = Table(
        title=f"{result.scenario} replayed {result.first} to {result.last}: "
        f"{plural(result.runs, 'path')}, seed {result.seed}, {_count(result.resamplings, 'resampling')} "
        f"({seconds:.0f} s)",
        header_style="bold",
    )
    table.add_column("date")
    horizons = sorted(result.days[0].p_war) if result.days else []
    for h in horizons:
        table.add_column(f"P(war within {h} d) [95%]", justify="right", no_wrap=True)
    table.add_column("ESS", justify="right")
    table.add_column("events since the date before")
    for day in result.days:
        cells = []
        for h in horizons:
            p, (low, high) = day.p_war[h]
            cells.append(f"{p:.1%} [{100 * low:.1f}-{100 * high:.1f}%]")
        events = "; ".join(f"{e['actor']} {e['event']}" for e in day.events)
        table.add_row(str(day.date), *cells, f"{day.ess:,.0f}{'*' if result.low_ess(day) else ''}", events)
    console.print(table)
    record = result.as_dict()
    console.print(
        f"in brackets: the 95% interval (Wilson) of each forecast, from its {result.forecast_runs:,} "
        f"paths. {record['method']}",
        style="dim",
    )
    note = result.ess_note()
    if note is not None:
        console.print(note.replace("marked low_ess", "their ESS marked *"))
    # Events outside --from/--to are left out of the replay; the JSON counts them, and a reader of the
    # table must not take the curve for one conditioned on them.
    if result.events_before:
        console.print(
            f"{_count(result.events_before, 'event')} of {result.events_file} "
            f"{'is' if result.events_before == 1 else 'are'} dated before {result.first} (--from) and "
            f"{'was' if result.events_before == 1 else 'were'} left out: the replay starts from the calm "
            "state on that date"
        )
    if result.events_after:
        console.print(
            f"{_count(result.events_after, 'event')} of {result.events_file} "
            f"{'is' if result.events_after == 1 else 'are'} dated after {result.last} (--to) and "
            f"{'was' if result.events_after == 1 else 'were'} left out"
        )


def _forecast_dates(span: int, every: int) -> int:
    """The reporting dates, each with its forecast, of a replay of ``span`` days reporting ``every`` days
    (and on its last day): :func:`brinkmanship.history.replay.replay`'s."""
    return len(set(range(0, span, every)) | {span - 1})


def _count(number: int, noun: str) -> str:
    """``1 resampling``, ``2 resamplings``."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def register(app: typer.Typer) -> None:
    """Attach the history commands to the main app."""
    app.command("events")(events)
    app.command("replay")(replay_command)


AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="forecast from the replayed crisis at the end of this date (YYYY-MM-DD; the built-in history)",
    ),
]


def as_of_start(
    sc: ScenarioFile,
    as_of: str,
    runs: int,
    seed: int,
    worlds: tuple[ScenarioFile, ...] = (),
    show: bool = False,
) -> CrisisState:
    """The replayed ensemble at the end of ``as_of`` (``runs`` paths), to branch a forecast from; ``worlds``
    are the levered scenarios the forecast will run in. Refused for a scenario with no history, or a date
    before the calm state or after the record."""
    from brinkmanship.history.replay import replayed_start
    from brinkmanship.scenario import compile_scenario

    check_range("--runs (with --as-of)", runs, 1, MAX_REPLAY_RUNS)
    date, loaded, first = as_of_record(sc, as_of)
    compiled = tuple(compile_scenario(world) for world in worlds)
    span = (date - first).days + 1
    with progress_bar(span, f"replaying to {date}", show) as advance:
        return replayed_start(
            sc, loaded, first, date, runs, seed, compiled, progress=lambda done, total: advance(done, None)
        )


def as_of_work(
    sc: ScenarioFile, as_of: str | None, runs: int, posterior: tuple[int, int] | None = None
) -> list[tuple[str, int]]:
    """The path-days of the replay that ``--as-of`` runs before the forecast (:func:`as_of_start`:
    ``runs`` paths stepped every day from the record's first date to the as-of date) and, given
    ``posterior`` (draws, paths per draw: ``--param-uncertainty``), of each draw's own replay
    (:func:`posterior_as_of`), in the options' terms (for :func:`check_path_days`); none without
    ``--as-of``. A malformed or out-of-record date, or ``--runs`` over the replay's bound, is refused here,
    in one line, before any work."""
    if as_of is None:
        return []
    check_range("--runs (with --as-of)", runs, 1, MAX_REPLAY_RUNS)
    date, _, first = as_of_record(sc, as_of)
    span = (date - first).days + 1
    replayed = f"{plural(span, 'day')} replayed ({first} to --as-of {date})"
    work = [(f"--runs {runs:,} x {replayed}", runs * span)]
    if posterior is not None:
        draws, per_draw = posterior
        work.append(
            (f"--draws {draws:,} x --runs-per-draw {per_draw:,} x {replayed}", draws * per_draw * span)
        )
    return work


def posterior_as_of(sc: ScenarioFile, as_of: str | None) -> AsOf | None:
    """``--as-of`` for ``--param-uncertainty``: the record each posterior draw replays (None without it)."""
    from brinkmanship.calibration.uncertainty import AsOf

    if as_of is None:
        return None
    date, loaded, first = as_of_record(sc, as_of)
    return AsOf(loaded, first, date)


def as_of_date(as_of: str | None) -> dt.date | None:
    """The ``--as-of`` text as a date (already checked by :func:`as_of_start`), None without one."""
    return _date("--as-of", as_of)


def as_of_record(sc: ScenarioFile, as_of: str) -> tuple[dt.date, EventFile, dt.date]:
    """The ``--as-of`` date, the scenario's built-in record and its first date (the calm state's), or one
    line: a malformed date, a scenario with no history, a date outside the record."""
    from brinkmanship.history import builtin_event_names, builtin_events_for, load_events

    date = _date("--as-of", as_of)
    assert date is not None
    if sc.name not in builtin_event_names():
        raise UserError(
            f"--as-of: scenario {sc.name} has no built-in history (those with one: "
            f"{', '.join(builtin_event_names())})"
        )
    loaded = load_events(builtin_events_for(sc.name), sc)
    first, last = default_span(sc, loaded)
    if not first <= date <= last:
        _, what = calm_date(sc)
        record = (
            f"; the record's events run from {loaded.first_date} to {loaded.last_date}"
            if loaded.first_date is not None
            else ""
        )
        raise UserError(
            f"--as-of {date}: outside the replay of {sc.name}, which runs from its calm state on {first} "
            f"({what}) to {last}{record}"
        )
    return date, loaded, first


CURVE_DATES = 50
"""About this many reporting dates on a briefing's replayed curve."""
CURVE_FILTER_FACTOR = 4
"""A briefing's curve filters this many times its forecast paths (``--curve-runs``)."""
MAX_CURVE_RUNS = MAX_REPLAY_RUNS // CURVE_FILTER_FACTOR
"""The most paths per forecast of a briefing's curve: its filter holds four times as many, within a
replay's limit."""


def check_curve_runs(value: int) -> None:
    """``brink brief --curve-runs``: 0 skips the curve, anything else is paths per forecast up to
    :data:`MAX_CURVE_RUNS`. The one check of the option, so that every value out of range gets the same
    message (the brief's own range and the curve's once disagreed: 0 to 50,000,000, then 1 to 250,000)."""
    if not 0 <= value <= MAX_CURVE_RUNS:
        raise UserError(f"--curve-runs must be between 0 (no curve) and {MAX_CURVE_RUNS:,} (got {value:,})")


def as_of_curve(
    sc: ScenarioFile, as_of: str, forecast_runs: int, seed: int, progress: Callable[[str], None] | None = None
) -> HistoryCurve:
    """The replayed curve from the record's first date to ``as_of``, for the briefing: about
    ``CURVE_DATES`` reporting dates (the last is ``as_of``), ``forecast_runs`` paths per forecast and
    ``CURVE_FILTER_FACTOR`` times as many in the filter, with the numeric, unconditional judgements of the
    time up to ``as_of``."""
    from brinkmanship.history import load_judgements
    from brinkmanship.history.judgements import judgements_in_span
    from brinkmanship.history.replay import replay
    from brinkmanship.report.briefing import HistoryCurve

    check_curve_runs(forecast_runs)
    date, loaded, first = as_of_record(sc, as_of)
    span = (date - first).days + 1
    done = 0

    def stepped(days: int, total: int) -> None:
        nonlocal done
        done += days
        if progress is not None:
            progress(f"replaying the record to {date} for the curve: day {done:,} of {total:,}")

    result = replay(
        sc,
        loaded,
        first,
        date,
        CURVE_FILTER_FACTOR * forecast_runs,
        seed,
        every=_curve_every(span),
        forecast_runs=forecast_runs,
        progress=stepped,
    )
    judgements = tuple(judgements_in_span(load_judgements(), first, date))
    return HistoryCurve(result, judgements, date)


def _curve_every(span: int) -> int:
    """Days between the reporting dates of a briefing's curve over ``span`` days (about
    :data:`CURVE_DATES` of them)."""
    return max(1, round(span / CURVE_DATES))


def as_of_curve_work(sc: ScenarioFile, as_of: str, forecast_runs: int) -> list[tuple[str, int]]:
    """The path-days of :func:`as_of_curve` (its filter stepped from the record's first date to ``as_of``,
    and a forecast of the longest horizon on each reporting date), in the options' terms (for
    :func:`check_path_days`); ``--curve-runs`` out of range is refused first, in one line."""
    from brinkmanship.history.replay import HORIZONS

    check_curve_runs(forecast_runs)
    date, _, first = as_of_record(sc, as_of)
    span = (date - first).days + 1
    dates = _forecast_dates(span, _curve_every(span))
    filtered = CURVE_FILTER_FACTOR * forecast_runs
    return [
        (
            f"{CURVE_FILTER_FACTOR} x --curve-runs {forecast_runs:,} x {plural(span, 'day')} replayed for "
            "the curve",
            filtered * span,
        ),
        (
            f"{plural(dates, 'curve forecast')} x --curve-runs {forecast_runs:,} x {max(HORIZONS)} days",
            dates * forecast_runs * max(HORIZONS),
        ),
    ]
