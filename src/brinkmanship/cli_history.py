"""`brink events`: a scenario's recorded history (its event file) as a table with sources, or JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from brinkmanship.cli_common import JsonOption, console
from brinkmanship.history import EventFile, builtin_events_for, load_events
from brinkmanship.scenario import load_scenario


def events(
    scenario: Annotated[str, typer.Argument(help="built-in name (see `brink scenarios`) or a scenario file")],
    events_file: Annotated[
        Path | None,
        typer.Option(
            "--events",
            "-e",
            help="an event file (CSV or YAML; docs/history.md); default: the scenario's built-in history",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The dated events of a crisis, each with its source, checked against the scenario.

    Tests, threats, exercises, sanctions, talks, agreements and false alarms in the model's vocabulary
    (docs/history.md); days count from the scenario's start date.
    """
    sc = load_scenario(scenario)
    source: str | Path = events_file if events_file is not None else builtin_events_for(sc.name)
    loaded = load_events(source, sc)
    if as_json:
        print(json.dumps(_summary(loaded)))
        return
    _print_table(loaded)


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
        f"{loaded.scenario}: {len(loaded)} events, {first} to {last} "
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


def register(app: typer.Typer) -> None:
    """Attach the history commands to the main app."""
    app.command("events")(events)
