"""Event files: what happened, on which date, by whom, from which source, in the model's own vocabulary.

An event file is CSV (one row an event, a header naming the columns) or YAML (a list of mappings, or a
mapping with one key ``events`` holding that list); docs/history.md gives the format. Columns:

``date``         ISO date (YYYY-MM-DD)
``actor``        an actor of the scenario (a principal, a third party, a mediator) or ``both`` principals
``kind``         ``action`` | ``third_party`` | ``negotiation`` | ``channel`` | ``false_alarm`` |
                 ``capability``
``event``        what happened, in the vocabulary of its kind (below)
``channel``      ``public`` (default) | ``private`` | ``mediated``
``description``  a short description in words (optional)
``source``       where it is recorded: publication and date, or a URL (required)
``terms``        extra fields some events carry, ``key=value`` pairs separated by ``;`` (optional)

Vocabulary by kind:

* ``action``: a principal's move on the model's ladder (``model/ladder.py``: ``public_threat``,
  ``missile_test``, ``show_of_force``...), short of war (``conventional_war`` is refused: the replay
  conditions on no war). A principal takes one action a day. A private action
  (``private_message``, ``private_threat``, ``concession_private``) needs channel ``private``; a public one
  channel ``public``, or ``mediated`` when a third party carried it.
* ``third_party``: a third party's or mediator's act, one it has in the scenario (``sanctions``,
  ``restraint_call``, ``press_talks``).
* ``negotiation``: ``talks_open``, ``agreement`` (actor ``both``; ``terms: depth=0.1``, the depth of the
  terms from 0 = a freeze of tests and exercises only to 1; only while none is in force),
  ``agreement_revised`` (actor ``both``: new terms for the agreement in force, ``terms: depth=``),
  ``agreement_breakdown`` (only while an agreement is in force).
* ``channel``: ``direct_open`` / ``direct_closed`` (a principal or ``both``); ``mediator_active`` /
  ``mediator_inactive`` (actor: the mediator).
* ``false_alarm``: ``caught``: a false warning in that principal's system, caught before anyone acted.
* ``capability``: ``reveals``: what the other side learns of the actor's capability that day
  (``terms: reach=0.6; warhead=1.0``, each 0 to 1).

Every row is checked against the scenario; the first mistake is a :class:`UserError` naming the file, the
line (CSV) or row (YAML) and the field.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

from pydantic import Field, ValidationError, field_validator

from brinkmanship.errors import UserError
from brinkmanship.model.ladder import ACTION_INDEX, ACTIONS, WAR_ACTIONS
from brinkmanship.safe_yaml import parse_yaml, read_text
from brinkmanship.scenario.loader import plain_message
from brinkmanship.scenario.schema import IsoDate, ScenarioFile, Strict, ThirdParty

EventKind = Literal["action", "third_party", "negotiation", "channel", "false_alarm", "capability"]
ChannelName = Literal["public", "private", "mediated"]

EVENT_KINDS: tuple[str, ...] = (
    "action",
    "third_party",
    "negotiation",
    "channel",
    "false_alarm",
    "capability",
)
CHANNELS: tuple[str, ...] = ("public", "private", "mediated")
THIRD_PARTY_ACTS: tuple[str, ...] = ("sanctions", "restraint_call", "press_talks")
NEGOTIATION_EVENTS: tuple[str, ...] = ("talks_open", "agreement", "agreement_revised", "agreement_breakdown")
CHANNEL_EVENTS: tuple[str, ...] = ("direct_open", "direct_closed", "mediator_active", "mediator_inactive")
FALSE_ALARM_EVENTS: tuple[str, ...] = ("caught",)
CAPABILITY_EVENTS: tuple[str, ...] = ("reveals",)
BOTH = "both"
"""The actor of a negotiation or channel event both principals take part in."""

COLUMNS: tuple[str, ...] = ("date", "actor", "kind", "event", "channel", "description", "source", "terms")
REQUIRED_COLUMNS: tuple[str, ...] = ("date", "actor", "kind", "event", "source")
TERM_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("negotiation", "agreement"): ("depth",),
    ("negotiation", "agreement_revised"): ("depth",),
    ("capability", "reveals"): ("reach", "warhead"),
}
"""The only events that carry terms, and which."""

MAX_EVENTS = 100_000
"""Most rows in one event file (two years of daily rows for every actor is far fewer)."""
DEFAULT_SPAN_YEARS = 10
"""Without an explicit span, a date must lie within this many years of the scenario's start date."""

DATA_PACKAGE = "brinkmanship.history"
DATA_FOLDER = "data"
NOT_EVENT_FILES = ("judgements",)
"""CSV files in ``history/data`` that are not event files."""

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


_PLAIN_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
"""A decimal number as a person writes it (no digit separators, no hexadecimal, no 'inf')."""


class Terms(Strict):
    """Extra fields of an ``agreement`` (``depth``) or a ``capability`` revelation (``reach``,
    ``warhead``)."""

    depth: Probability | None = Field(
        None,
        description="depth of an agreement's terms: 0 = a freeze of tests and exercises only, 1 = deepest",
    )
    reach: Probability | None = Field(
        None, description="demonstrated missile reach toward the other's homeland"
    )
    warhead: Probability | None = Field(None, description="demonstrated weapon yield")

    @field_validator("depth", "reach", "warhead", mode="before")
    @classmethod
    def _plain_number(cls, value: object) -> object:
        """A number as written: not a boolean (YAML's true would be 1), and in a CSV cell a plain decimal
        (Python would read ``0_1`` as 1)."""
        if isinstance(value, bool):
            raise ValueError(f"expected a number from 0 to 1, got {value!r}")
        written = value.strip() if isinstance(value, str) else value
        if isinstance(written, str) and not _PLAIN_DECIMAL.match(written):
            raise ValueError(f"expected a plain, finite number from 0 to 1 (e.g. 0.1), got {written!r}")
        if isinstance(written, (str, int, float)) and not math.isfinite(float(written)):
            # 1e400 is written plainly but is too large for a number: infinity, as .inf and .nan in YAML
            raise ValueError(f"expected a plain, finite number from 0 to 1 (e.g. 0.1), got {written!r}")
        return value

    def given(self) -> dict[str, float]:
        """The fields given, by name."""
        return {name: value for name, value in self.model_dump().items() if value is not None}


class EventRow(Strict):
    """One row of an event file as written (the file's own columns)."""

    date: IsoDate
    actor: Annotated[str, Field(min_length=1, max_length=200)]
    kind: EventKind
    event: Annotated[str, Field(min_length=1, max_length=200)]
    channel: ChannelName = "public"
    description: Annotated[str, Field(max_length=2_000)] = ""
    source: Annotated[str, Field(max_length=2_000)]
    terms: Terms | None = None

    @field_validator("source")
    @classmethod
    def _has_source(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("missing source: every event needs one (publication and date, or a URL)")
        return value.strip()

    @field_validator("terms", mode="before")
    @classmethod
    def _terms_text(cls, value: object) -> object:
        """``depth=0.1`` or ``reach=0.6; warhead=1.0`` (a CSV cell) into a mapping; a mapping stays."""
        if value is None or isinstance(value, Mapping):
            return value
        if not isinstance(value, str):
            raise ValueError(
                f"expected key=value pairs separated by ';' (e.g. depth=0.1), got {_short(value)}"
            )
        if not value.strip():
            return None
        pairs: dict[str, str] = {}
        for part in value.split(";"):
            if not part.strip():
                continue
            key, sep, number = part.partition("=")
            if not sep or not key.strip() or not number.strip():
                raise ValueError(f"expected key=value pairs separated by ';' (e.g. depth=0.1), got {value!r}")
            if key.strip() in pairs:
                raise ValueError(f"{key.strip()!r} is given twice")
            pairs[key.strip()] = number.strip()
        return pairs


class Event(EventRow):
    """One event of a loaded file: the row, its day relative to the scenario's start, and where it was."""

    day: int = Field(description="days after the scenario's start date (negative before it)")
    line: int = Field(description="CSV line number, or YAML row number (1-based), in the file")

    @property
    def action_index(self) -> int | None:
        """Index of the action in the ladder's catalogue (``action`` events), else None."""
        return ACTION_INDEX[self.event] if self.kind == "action" else None

    def record(self) -> dict[str, Any]:
        """The event as a JSON-ready mapping."""
        return {
            "date": self.date.isoformat(),
            "day": self.day,
            "actor": self.actor,
            "kind": self.kind,
            "event": self.event,
            "channel": self.channel,
            "description": self.description,
            "source": self.source,
            "terms": self.terms.given() if self.terms is not None else None,
            "line": self.line,
        }


@dataclass(frozen=True)
class EventFile:
    """A checked event file, its events sorted by date (file order within a day).

    Attributes:
        scenario: the name of the scenario it was checked against.
        start_date: that scenario's start date: day 0.
        where: the file as error messages name it.
        events: the events, sorted by date.
        span: the first and last dates an event was allowed to have.
    """

    scenario: str
    start_date: dt.date
    where: str
    events: tuple[Event, ...]
    span: tuple[dt.date, dt.date]

    def __len__(self) -> int:
        return len(self.events)

    @property
    def first_date(self) -> dt.date | None:
        return self.events[0].date if self.events else None

    @property
    def last_date(self) -> dt.date | None:
        return self.events[-1].date if self.events else None

    def day_of(self, date: dt.date) -> int:
        """Days from the scenario's start to ``date`` (negative before it)."""
        return (date - self.start_date).days

    def between(self, first: dt.date, last: dt.date) -> tuple[Event, ...]:
        """The events dated from ``first`` to ``last``, both included."""
        return tuple(event for event in self.events if first <= event.date <= last)

    def on(self, date: dt.date) -> tuple[Event, ...]:
        """The events of one date."""
        return self.between(date, date)

    def by_day(self) -> dict[int, tuple[Event, ...]]:
        """The events grouped by day index, in date order."""
        days: dict[int, list[Event]] = {}
        for event in self.events:
            days.setdefault(event.day, []).append(event)
        return {day: tuple(events) for day, events in days.items()}

    def of_kind(self, kind: str) -> tuple[Event, ...]:
        return tuple(event for event in self.events if event.kind == kind)

    def records(self) -> list[dict[str, Any]]:
        """Every event as a JSON-ready mapping."""
        return [event.record() for event in self.events]

    @classmethod
    def empty(cls, scenario: ScenarioFile, span: tuple[dt.date, dt.date] | None = None) -> EventFile:
        """No events at all: a replay with nothing imposed (a free run through the dates)."""
        return cls(scenario.name, scenario.start_date, "(no events)", (), span or _default_span(scenario))


class _HasSource(Protocol):
    """A compiled scenario (``CompiledScenario``): its ``source`` is the validated file."""

    @property
    def source(self) -> ScenarioFile: ...


ScenarioLike = ScenarioFile | _HasSource | str


# ----------------------------------------------------------------------------------------------------
# Built-in files


def builtin_event_names() -> list[str]:
    """Scenarios with a shipped event file (``history/data/<scenario>.csv``)."""
    folder = resources.files(DATA_PACKAGE).joinpath(DATA_FOLDER)
    names = (p.name.removesuffix(".csv") for p in folder.iterdir() if p.name.endswith(".csv"))
    return sorted(name for name in names if name not in NOT_EVENT_FILES)


def builtin_events_for(scenario: str) -> str:
    """The built-in event file of a scenario (by name), or a one-line error when it has none."""
    names = builtin_event_names()
    if scenario not in names:
        raise UserError(
            f"no recorded history for scenario {scenario!r}: built-in event files exist for "
            f"{', '.join(names)}; give your own with --events FILE"
        )
    return scenario


def _builtin_text(name: str) -> str:
    return resources.files(DATA_PACKAGE).joinpath(f"{DATA_FOLDER}/{name}.csv").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------------------------------
# Loading


def load_events(
    source: str | Path,
    scenario: ScenarioLike,
    span: tuple[dt.date, dt.date] | None = None,
) -> EventFile:
    """Read and check an event file: a built-in name (``korea-2017``) or a path to a CSV, YAML or JSON file.

    ``scenario`` is a validated scenario file, a compiled scenario, or a name or path for
    :func:`~brinkmanship.scenario.load_scenario`. ``span`` (first, last) bounds the dates allowed; without
    it a date must lie within ten years of the scenario's start. Days count from the scenario's
    ``start_date`` and are negative before it. Every mistake is one :class:`UserError` naming the file,
    the line (CSV) or row (YAML) and the field.
    """
    checked = _scenario(scenario)
    if isinstance(source, str) and source in builtin_event_names() and not Path(source).exists():
        return parse_events(_builtin_text(source), "csv", f"built-in event file {source}.csv", checked, span)
    path = Path(source)
    if path.is_dir():  # said first: a folder's name has no suffix, and "not a CSV, YAML or JSON file" misled
        raise UserError(f"{path}: is a folder, not a file")
    suffix = path.suffix.lower()
    fmt: Literal["csv", "yaml"]
    if suffix == ".csv":
        fmt = "csv"
    elif suffix in (".yaml", ".yml", ".json"):
        fmt = "yaml"
    else:
        known = ", ".join(builtin_event_names())
        what = "a built-in event file" if not path.exists() else "a CSV, YAML or JSON file"
        raise UserError(
            f"{path}: not {what} (expected a .csv, .yaml, .yml or .json file, or a built-in name: {known})"
        )
    return parse_events(read_text(path), fmt, str(path), checked, span)


def parse_events(
    text: str,
    fmt: Literal["csv", "yaml"],
    where: str,
    scenario: ScenarioLike,
    span: tuple[dt.date, dt.date] | None = None,
) -> EventFile:
    """Check event-file text (``fmt``: ``csv`` or ``yaml``); ``where`` names it in error messages."""
    checked = _scenario(scenario)
    allowed = _check_span(span) if span is not None else _default_span(checked)
    if "\x00" in text:
        raise UserError(f"{where}: not a text file (it holds NUL bytes)")
    if not text.strip():
        needs = "a header line and at least one event" if fmt == "csv" else "a list of at least one event"
        raise UserError(f"{where}: empty: an event file needs {needs}")
    rows = _csv_rows(text, where) if fmt == "csv" else _yaml_rows(text, where)
    unit = "line" if fmt == "csv" else "row"
    if not rows:
        raise UserError(f"{where}: no events: an event file needs at least one row")
    if len(rows) > MAX_EVENTS:
        raise UserError(f"{where}: more than {MAX_EVENTS:,} events")
    events = [_event(number, data, where, unit, checked, allowed) for number, data in rows]
    order = sorted(range(len(events)), key=lambda k: (events[k].date, k))
    ordered = tuple(events[k] for k in order)
    _check_consistency(ordered, where, unit, checked)
    return EventFile(checked.name, checked.start_date, where, ordered, allowed)


def _scenario(scenario: ScenarioLike) -> ScenarioFile:
    if isinstance(scenario, ScenarioFile):
        return scenario
    if isinstance(scenario, str):
        from brinkmanship.scenario import load_scenario

        return load_scenario(scenario)
    source = getattr(scenario, "source", None)
    if isinstance(source, ScenarioFile):
        return source
    raise TypeError(f"expected a scenario, a compiled scenario or a scenario name, got {type(scenario)}")


def _default_span(scenario: ScenarioFile) -> tuple[dt.date, dt.date]:
    start = scenario.start_date
    years = DEFAULT_SPAN_YEARS
    return _shift_years(start, -years), _shift_years(start, years)


def _shift_years(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


def _check_span(span: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    first, last = span
    if first > last:
        raise UserError(f"the span's first date {first} comes after its last date {last}")
    return first, last


# ----------------------------------------------------------------------------------------------------
# Reading rows


def _csv_rows(text: str, where: str) -> list[tuple[int, dict[str, Any]]]:
    """(line number, {column: value}) for every data row; blank lines and ``#`` comment lines are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    header_line = 0
    rows: list[tuple[int, dict[str, Any]]] = []
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1  # the row began where the last one ended
            if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
                continue
            if header is None:
                header, header_line = _header(cells, where, start), start
                continue
            if len(cells) > len(header):
                raise UserError(
                    f"{where} line {start}: {len(cells)} values for {len(header)} columns "
                    f"({', '.join(header)}); quote a value that holds a comma"
                )
            if len(cells) < len(header):
                # Said as such: read as empty cells, a short row would blame a field (often "source").
                raise UserError(
                    f"{where} line {start}: too few values: {len(cells)} for {len(header)} columns "
                    f"({', '.join(header)}); give every column, empty ones as ',,'"
                )
            rows.append((start, _cells(header, cells)))
            if len(rows) > MAX_EVENTS:
                break
    except csv.Error as error:
        raise UserError(f"{where} line {reader.line_num}: malformed CSV: {error}") from None
    if header is None:
        raise UserError(
            f"{where}: no header line: an event file starts with its columns ({', '.join(COLUMNS)})"
        )
    if not rows:
        raise UserError(f"{where}: no events after the header (line {header_line})")
    return rows


def _header(cells: list[str], where: str, line: int) -> list[str]:
    names = [cell.strip().lower() for cell in cells]
    seen: set[str] = set()
    if not any(name in COLUMNS for name in names):
        raise UserError(
            f"{where} line {line}: not a header of an event file: expected the columns "
            f"{', '.join(COLUMNS)} (is it a CSV file?)"
        )
    for name in names:
        if name not in COLUMNS:
            if not name:
                raise UserError(f"{where} line {line}: a column without a name (a trailing comma?)")
            raise UserError(
                f'{where} line {line}, field "{name}": unknown column (known: {", ".join(COLUMNS)})'
            )
        if name in seen:
            raise UserError(f'{where} line {line}, field "{name}": column given twice')
        seen.add(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if missing:
        raise UserError(
            f"{where} line {line}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(m) for m in missing)} (needed: {', '.join(REQUIRED_COLUMNS)})"
        )
    return names


def _cells(header: list[str], cells: list[str]) -> dict[str, Any]:
    """A row's values by column; an empty optional cell takes the column's default."""
    data: dict[str, Any] = {}
    for name, cell in zip(header, cells, strict=True):
        value = cell.strip()
        if value or name in REQUIRED_COLUMNS:
            data[name] = value
    for name in REQUIRED_COLUMNS:
        data.setdefault(name, "")
    return data


def _yaml_rows(text: str, where: str) -> list[tuple[int, dict[str, Any]]]:
    data = parse_yaml(text, where)
    if isinstance(data, Mapping):
        extra = [str(key) for key in data if key != "events"]
        if extra:
            raise UserError(f'{where}, field "{extra[0]}": unknown key (an event file holds only "events")')
        if "events" not in data:
            raise UserError(f'{where}: expected a list of events, or a mapping with the key "events"')
        data = data["events"]
    if data is None:
        raise UserError(f"{where}: no events")
    if not isinstance(data, list):
        raise UserError(f"{where}: expected a list of events (one mapping of fields each)")
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, row in enumerate(data, start=1):
        if not isinstance(row, Mapping):
            raise UserError(f"{where} row {number}: expected a mapping of fields ({', '.join(COLUMNS)})")
        for key in row:
            if key not in COLUMNS:
                raise UserError(
                    f'{where} row {number}, field "{key}": unknown key (known: {", ".join(COLUMNS)})'
                )
        rows.append((number, dict(row)))
    return rows


# ----------------------------------------------------------------------------------------------------
# Checking rows


def _event(
    number: int,
    data: dict[str, Any],
    where: str,
    unit: str,
    scenario: ScenarioFile,
    span: tuple[dt.date, dt.date],
) -> Event:
    here = f"{where} {unit} {number}"
    try:
        row = EventRow.model_validate(data)
    except ValidationError as error:
        raise UserError(_row_error(error, here)) from None

    def fail(field: str, message: str) -> UserError:
        return UserError(f'{here}, field "{field}": {message}')

    first, last = span
    if not first <= row.date <= last:
        raise fail("date", f"{row.date} is outside the allowed span {first} to {last}")
    _check_row(row, scenario, fail)
    return Event(**row.model_dump(), day=(row.date - scenario.start_date).days, line=number)


def _row_error(error: ValidationError, here: str) -> str:
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "(row)"
    if len(first["loc"]) > 1 and field == "terms":
        field = f"terms.{first['loc'][1]}"
    message = plain_message(first)
    if first["type"] == "missing":
        message = "required field is missing"
        if field == "source":
            message = "missing source: every event needs one (publication and date, or a URL)"
    elif first["type"] == "extra_forbidden":
        message = f"unknown field (known: {', '.join(COLUMNS)})" if field != "terms" else "unknown key"
        if field.startswith("terms."):
            message = "unknown term (agreements take depth; capability takes reach and warhead)"
    elif first["type"] == "literal_error":
        known = {"kind": EVENT_KINDS, "channel": CHANNELS}.get(field, ())
        message = f"unknown {field} {_short(first['input'])} (known: {', '.join(known)})"
    elif first["type"] == "string_too_short":
        message = "required field is empty"
    return f'{here}, field "{field}": {message}'


Fail = Callable[[str, str], UserError]
"""Makes the error for a field of the row being checked: ``fail(field, message)``."""


def _check_row(row: EventRow, scenario: ScenarioFile, fail: Fail) -> None:
    """The row's actor and event make sense for its kind in this scenario."""
    principals = list(scenario.principals)
    third = {name: a for name, a in scenario.actors.items() if isinstance(a, ThirdParty)}
    mediators = [name for name, a in third.items() if a.role == "mediator"]
    known = [*scenario.actors, BOTH]
    if row.actor not in known:
        raise fail("actor", f"unknown actor {row.actor!r} (known: {', '.join(known)})")
    kind, event, actor = row.kind, row.event, row.actor

    def principal_only(allow_both: bool = False) -> None:
        if actor in principals or (allow_both and actor == BOTH):
            return
        who = ", ".join(principals) + (f" or {BOTH!r}" if allow_both else "")
        raise fail("actor", f"{actor!r} cannot be the actor of {_a(kind)} event {event!r} (its actor: {who})")

    if kind == "action":
        if event not in ACTION_INDEX:
            raise fail("event", f"unknown action {event!r} (known: {', '.join(ACTION_INDEX)})")
        principal_only()
        if event in WAR_ACTIONS:
            # The replay conditions on the crisis staying short of war: an imposed war would end every
            # path's crisis that day and show 0% risk from then on, which reads as a forecast but is none.
            raise fail(
                "event",
                f"{event!r} starts a war: the replay conditions on the crisis staying short of war, so a "
                "war cannot be imposed as history (end the record the day before, or record the clash "
                "that preceded it: harassment or limited_strike)",
            )
        private = ACTIONS[ACTION_INDEX[event]].channel == "private"
        if private and row.channel != "private":
            raise fail("channel", f"{event!r} is a private action: its channel must be 'private'")
        if not private and row.channel == "private":
            raise fail(
                "channel",
                f"{event!r} is a public action: channel 'public' (or 'mediated'); a private move is "
                "private_message, private_threat or concession_private",
            )
    elif kind == "third_party":
        if event not in THIRD_PARTY_ACTS:
            raise fail("event", f"unknown third-party act {event!r} (known: {', '.join(THIRD_PARTY_ACTS)})")
        if actor not in third:
            raise fail(
                "actor",
                f"{actor!r} is not a third party or mediator in this scenario (they are: {', '.join(third)})",
            )
        acts = [act.kind for act in third[actor].acts]
        if event not in acts:
            has = ", ".join(dict.fromkeys(acts)) or "none"
            raise fail("event", f"{actor!r} has no act {event!r} in this scenario (its acts: {has})")
    elif kind == "negotiation":
        if event not in NEGOTIATION_EVENTS:
            raise fail(
                "event", f"unknown negotiation event {event!r} (known: {', '.join(NEGOTIATION_EVENTS)})"
            )
        if event in ("agreement", "agreement_revised") and actor != BOTH:
            made = "made" if event == "agreement" else "revised"
            raise fail("actor", f"an agreement is {made} by both principals: the actor is {BOTH!r}")
        principal_only(allow_both=True)
    elif kind == "channel":
        if event not in CHANNEL_EVENTS:
            raise fail("event", f"unknown channel event {event!r} (known: {', '.join(CHANNEL_EVENTS)})")
        if event.startswith("mediator"):
            if actor not in mediators:
                raise fail(
                    "actor",
                    f"{actor!r} is not a mediator in this scenario "
                    f"(mediators: {', '.join(mediators) or 'none'})",
                )
        else:
            principal_only(allow_both=True)
    elif kind == "false_alarm":
        if event not in FALSE_ALARM_EVENTS:
            raise fail(
                "event", f"unknown false-alarm event {event!r} (known: {', '.join(FALSE_ALARM_EVENTS)})"
            )
        principal_only()
    else:  # capability
        if event not in CAPABILITY_EVENTS:
            raise fail("event", f"unknown capability event {event!r} (known: {', '.join(CAPABILITY_EVENTS)})")
        principal_only()
    _check_terms(row, fail)


def _check_terms(row: EventRow, fail: Fail) -> None:
    allowed = TERM_FIELDS.get((row.kind, row.event), ())
    given = row.terms.given() if row.terms is not None else {}
    for name in given:
        if name not in allowed:
            if not allowed:
                raise fail(
                    "terms",
                    f"{_a(row.kind)} event {row.event!r} carries no terms (only agreements and "
                    "capability revelations do)",
                )
            raise fail("terms", f"{name!r} is not a term of {row.event!r} (its terms: {', '.join(allowed)})")
    if row.kind == "capability" and not given:
        raise fail("terms", "a capability revelation needs reach=..., warhead=... or both (each 0 to 1)")


OPPOSITES: dict[str, str] = {
    "direct_open": "direct_closed",
    "direct_closed": "direct_open",
    "mediator_active": "mediator_inactive",
    "mediator_inactive": "mediator_active",
    "agreement": "agreement_breakdown",
    "agreement_breakdown": "agreement",
}
"""Events that undo each other: both on one date leave the day's end unclear."""


def _check_consistency(events: Iterable[Event], where: str, unit: str, scenario: ScenarioFile) -> None:
    """Rows that contradict each other, read in date order (file order within a date): one action per
    principal a day; no duplicates; an event and its opposite not on one date; a second agreement only
    after the first broke down (``agreement_revised`` changes the terms of the one in force); a revision
    or breakdown only of an agreement in force; the direct channel closed only while open and opened only
    while closed; a mediator made inactive only while active and active only while inactive.

    The starting state is the scenario's: a freeze it declares active is an agreement in force, its
    direct channel may be enabled, its mediators may be active."""
    actions: dict[tuple[dt.date, str], Event] = {}
    seen: dict[tuple[dt.date, str, str, str], Event] = {}
    undone: dict[tuple[dt.date, str, str], Event] = {}
    # What is in force, and the row that put it there (None: the scenario declares it).
    declared_freeze = bool(getattr(getattr(scenario, "freeze", None), "active", False))
    agreement: tuple[bool, Event | None] = (declared_freeze, None)
    direct: tuple[bool, Event | None] = (bool(scenario.channels.direct.enabled), None)
    mediators: dict[str, tuple[bool, Event | None]] = {
        name: (actor.active, None)
        for name, actor in scenario.actors.items()
        if isinstance(actor, ThirdParty) and actor.role == "mediator"
    }

    def fail(event: Event, field: str, message: str) -> UserError:
        return UserError(f'{where} {unit} {event.line}, field "{field}": {message}')

    def since(row: Event | None, declared: str) -> str:
        return declared if row is None else f"{row.event} on {row.date}, {unit} {row.line}"

    for event in events:
        key = (event.date, event.actor, event.kind, event.event)
        if key in seen:
            raise fail(
                event, "event", f"duplicate of {unit} {seen[key].line} (the same date, actor, kind and event)"
            )
        seen[key] = event
        # What the event acts on: one direct channel, each mediator, the agreement.
        target = event.actor if event.event.startswith("mediator") else event.event.split("_")[0]
        opposite = undone.get((event.date, target, OPPOSITES.get(event.event, "")))
        if opposite is not None:
            raise fail(
                event,
                "event",
                f"{event.event} and {opposite.event} ({unit} {opposite.line}) on the same date {event.date}: "
                "one undoes the other, so the day's end is unclear (keep the one that held at its end)",
            )
        if event.event in OPPOSITES:
            undone[(event.date, target, event.event)] = event
        if event.kind == "action":
            other = actions.get((event.date, event.actor))
            if other is not None:
                raise fail(
                    event,
                    "actor",
                    f"{event.actor!r} already takes {other.event!r} on {event.date} ({unit} {other.line}): a "
                    "principal takes one action a day (keep the more escalatory and name the other in its "
                    "description)",
                )
            actions[(event.date, event.actor)] = event
        elif event.kind == "negotiation" and event.event != "talks_open":
            in_force, row = agreement
            if event.event == "agreement":
                if in_force:
                    raise fail(
                        event,
                        "event",
                        "a second agreement while one is in force "
                        f"({since(row, 'a freeze the scenario declares')}): record its agreement_breakdown "
                        "before it, or agreement_revised for new terms",
                    )
                agreement = (True, event)
            elif not in_force:
                raise fail(event, "event", f"{event.event} with no agreement in force before it")
            elif event.event == "agreement_breakdown":
                agreement = (False, event)
        elif event.kind == "channel" and event.event.startswith("direct"):
            is_open, row = direct
            opening = event.event == "direct_open"
            if opening and is_open:
                raise fail(
                    event,
                    "event",
                    f"direct_open: the direct channel is already open "
                    f"({since(row, 'the scenario enables channels.direct')})",
                )
            if not opening and not is_open:
                why = (
                    "it was never opened (no direct_open before it, and the scenario does not enable it)"
                    if row is None
                    else f"it was closed on {row.date} ({unit} {row.line}) and not opened since"
                )
                raise fail(event, "event", f"direct_closed: the direct channel is not open: {why}")
            direct = (opening, event)
        elif event.kind == "channel":
            is_active, row = mediators[event.actor]
            activating = event.event == "mediator_active"
            if activating == is_active:
                state = "already active" if is_active else "not active"
                declared = f"the scenario makes it {'active' if is_active else 'inactive'}"
                raise fail(
                    event, "event", f"{event.event}: {event.actor!r} is {state} ({since(row, declared)})"
                )
            mediators[event.actor] = (activating, event)


def _a(word: str) -> str:
    """``word`` with its indefinite article: "an action", "a third_party"."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
