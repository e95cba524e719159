"""History as data: the shipped event files and judgements, the checks a user's event file goes through,
and `brink events` (docs/history.md)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from brinkmanship.cli import main
from brinkmanship.errors import UserError
from brinkmanship.history import (
    EventFile,
    builtin_event_names,
    builtin_events_for,
    load_events,
    load_judgements,
    parse_events,
)
from brinkmanship.history.judgements import JUDGEMENT_COLUMNS, MEASURES
from brinkmanship.model.ladder import ACTION_INDEX
from brinkmanship.scenario import ScenarioFile, load_scenario
from brinkmanship.scenario.loader import builtin_mapping

ROOT = Path(__file__).resolve().parents[1]
SHARED = [ROOT.parent / "shared" / "data", ROOT / "shared" / "data"]
HEADER = "date,actor,kind,event,channel,description,source,terms\n"

# The (date, actor) of every row of ../shared/data/timeline-2017-2018.csv, kept here so the check runs
# where the shared folder is absent; test_the_timeline_copy_is_current compares it with the file.
TIMELINE = [
    ("2017-02-12", "DPRK"),
    ("2017-03-06", "DPRK"),
    ("2017-03-07", "USA"),
    ("2017-04-05", "DPRK"),
    ("2017-05-14", "DPRK"),
    ("2017-05-21", "DPRK"),
    ("2017-07-04", "DPRK"),
    ("2017-07-04", "CHN+RUS"),
    ("2017-07-28", "DPRK"),
    ("2017-08-05", "UNSC"),
    ("2017-08-08", "USA"),
    ("2017-08-09", "DPRK"),
    ("2017-08-14", "CHN"),
    ("2017-08-29", "DPRK"),
    ("2017-09-03", "DPRK"),
    ("2017-09-11", "UNSC"),
    ("2017-09-15", "DPRK"),
    ("2017-09-19", "USA"),
    ("2017-09-21", "CHN"),
    ("2017-09-21", "DPRK"),
    ("2017-09-23", "USA"),
    ("2017-09-25", "DPRK"),
    ("2017-09-26", "EXPERT"),
    ("2017-09-30", "USA"),
    ("2017-10-01", "USA"),
    ("2017-10-18", "EXPERT"),
    ("2017-11-20", "USA"),
    ("2017-11-29", "DPRK"),
    ("2017-12-04", "USA+ROK"),
    ("2017-12-05", "UN"),
    ("2017-12-22", "UNSC"),
    ("2018-01-01", "DPRK"),
    ("2018-01-02", "USA"),
    ("2018-01-03", "DPRK+ROK"),
    ("2018-01-09", "DPRK+ROK"),
    ("2018-01-13", "USA"),
    ("2018-02-09", "DPRK+ROK"),
    ("2018-03-05", "ROK"),
    ("2018-03-08", "USA"),
    ("2018-03-25", "DPRK+CHN"),
    ("2018-03-31", "USA"),
    ("2018-04-20", "DPRK"),
    ("2018-04-27", "DPRK+ROK"),
    ("2018-05-09", "USA"),
    ("2018-05-24", "USA"),
    ("2018-05-26", "DPRK+ROK"),
    ("2018-06-01", "DPRK"),
    ("2018-06-12", "USA+DPRK"),
]
# The timeline's actor codes as the scenario's actors: "+" joins alternatives, except that the
# China-Russia joint statement must appear for both.
CODES = {
    "USA": "US",
    "CHN": "China",
    "RUS": "Russia",
    "UN": "UNSG",
    "DPRK": "DPRK",
    "ROK": "ROK",
    "UNSC": "UNSC",
}
BOTH_REQUIRED = {"CHN+RUS"}


def _shared(name: str) -> Path | None:
    for folder in SHARED:
        if (folder / name).exists():
            return folder / name
    return None


@pytest.fixture(scope="module")
def korea_sc() -> ScenarioFile:
    return load_scenario("korea-2017")


@pytest.fixture(scope="module")
def cuba_sc() -> ScenarioFile:
    return load_scenario("cuba-1962")


@pytest.fixture(scope="module")
def korea_events(korea_sc: ScenarioFile) -> EventFile:
    return load_events("korea-2017", korea_sc, span=(dt.date(2017, 1, 1), dt.date(2018, 12, 31)))


@pytest.fixture(scope="module")
def cuba_events(cuba_sc: ScenarioFile) -> EventFile:
    return load_events("cuba-1962", cuba_sc, span=(dt.date(1962, 10, 16), dt.date(1962, 11, 20)))


def _has(file: EventFile, date: str, actor: str, kind: str | None = None, event: str | None = None) -> bool:
    day = dt.date.fromisoformat(date)
    return any(
        e.actor == actor and (kind is None or e.kind == kind) and (event is None or e.event == event)
        for e in file.on(day)
    )


# --- the shipped files ---------------------------------------------------------------------------


def test_builtin_event_files_are_the_two_histories() -> None:
    assert builtin_event_names() == ["cuba-1962", "korea-2017"]
    assert builtin_events_for("korea-2017") == "korea-2017"
    with pytest.raises(UserError, match="no recorded history for scenario 'korea-calm'"):
        builtin_events_for("korea-calm")


def test_both_builtin_files_load_sorted_with_days_from_the_start(
    korea_events: EventFile, cuba_events: EventFile
) -> None:
    for file in (korea_events, cuba_events):
        dates = [e.date for e in file.events]
        assert dates == sorted(dates)
        assert all(e.day == (e.date - file.start_date).days for e in file.events)
        assert all(e.source.strip() for e in file.events)
    assert korea_events.start_date == dt.date(2017, 9, 26)
    assert korea_events.events[0].date == dt.date(2017, 1, 1) and korea_events.events[0].day == -268
    assert korea_events.last_date is not None and korea_events.last_date <= dt.date(2018, 12, 31)
    assert cuba_events.first_date == dt.date(1962, 10, 16) and cuba_events.events[0].day == 0
    assert cuba_events.last_date == dt.date(1962, 11, 20)
    assert len(korea_events) >= 100


def test_every_row_has_a_source_beyond_the_shared_timeline(korea_events: EventFile) -> None:
    """A timeline row cites the shared timeline and a publication or URL besides."""
    for event in korea_events.events:
        rest = event.source.replace("shared timeline-2017-2018.csv", "").strip(" ;")
        rest = rest.split(")", 1)[-1] if rest.startswith("(") else rest
        assert len(rest.strip(" ;")) > 10, (event.line, event.source)


def test_the_timeline_copy_is_current() -> None:
    path = _shared("timeline-2017-2018.csv")
    if path is None:
        pytest.skip("../shared/data is not here; the embedded copy of the timeline is used")
    with path.open(encoding="utf-8") as handle:
        assert [(r["date"], r["actor"]) for r in csv.DictReader(handle)] == TIMELINE


def test_every_timeline_row_appears_by_date_and_actor(korea_events: EventFile) -> None:
    judged = {j.date.isoformat() for j in load_judgements()}
    for date, code in TIMELINE:
        if code == "EXPERT":  # a judgement of the risk, not an event: in judgements.csv
            assert date in judged, date
            continue
        actors = [CODES[part] for part in code.split("+")]
        if code == "USA+DPRK":
            actors.append("both")
        found = [actor for actor in actors if _has(korea_events, date, actor)]
        if code in BOTH_REQUIRED:
            assert found == actors, (date, code)
        else:
            assert found, (date, code)


def test_every_prelude_event_of_the_scenario_appears(korea_events: EventFile) -> None:
    prelude = builtin_mapping("korea-2017")["prelude"]["events"]
    assert prelude
    for event in prelude:
        date = event["date"] if isinstance(event["date"], str) else event["date"].isoformat()
        assert _has(korea_events, date, event["actor"], "action", event["action"]), event


@pytest.mark.parametrize(
    ("date", "actor", "kind", "event"),
    [
        ("2017-09-03", "DPRK", "action", "nuclear_test"),
        ("2017-11-29", "DPRK", "action", "missile_test"),
        ("2017-03-01", "US", "action", "show_of_force"),  # Foal Eagle
        ("2017-08-21", "US", "action", "show_of_force"),  # Ulchi Freedom Guardian
        ("2017-12-04", "US", "action", "show_of_force"),  # Vigilant Ace
        ("2017-08-08", "US", "action", "public_threat"),
        ("2017-08-09", "DPRK", "action", "public_threat"),
        ("2017-09-19", "US", "action", "public_threat"),
        ("2017-09-25", "DPRK", "action", "public_threat"),
        ("2018-01-02", "US", "action", "public_threat"),
        ("2017-08-05", "UNSC", "third_party", "sanctions"),
        ("2017-09-11", "UNSC", "third_party", "sanctions"),
        ("2017-12-22", "UNSC", "third_party", "sanctions"),
        ("2017-02-18", "China", "third_party", "sanctions"),
        ("2017-08-14", "China", "third_party", "sanctions"),
        ("2017-09-23", "China", "third_party", "sanctions"),
        ("2018-01-13", "US", "false_alarm", "caught"),
        ("2018-01-01", "DPRK", "action", "diplomatic_gesture"),
        ("2018-01-09", "ROK", "third_party", "restraint_call"),
        ("2018-03-08", "US", "action", "propose_talks"),
        ("2018-04-20", "DPRK", "action", "propose_freeze"),
        ("2018-04-27", "ROK", "third_party", "restraint_call"),
        ("2018-06-12", "both", "negotiation", "agreement"),
        ("2018-06-12", "US", "action", "concession_public"),
        ("2018-06-18", "US", "action", "concession_public"),
        ("2018-07-06", "US", "action", "propose_talks"),
        ("2018-10-07", "US", "action", "propose_talks"),
        ("2018-09-18", "ROK", "third_party", "restraint_call"),
    ],
)
def test_the_record_holds_what_the_issue_names(
    korea_events: EventFile, date: str, actor: str, kind: str, event: str
) -> None:
    assert _has(korea_events, date, actor, kind, event)


def test_singapore_is_a_shallow_agreement_by_both(korea_events: EventFile) -> None:
    (singapore,) = [e for e in korea_events.of_kind("negotiation") if e.event == "agreement"]
    assert singapore.actor == "both" and singapore.terms is not None
    assert singapore.terms.depth == pytest.approx(0.1)
    assert "judgement" in singapore.description


def test_one_action_per_principal_a_day(korea_events: EventFile, cuba_events: EventFile) -> None:
    for file in (korea_events, cuba_events):
        keys = [(e.date, e.actor) for e in file.of_kind("action")]
        assert len(keys) == len(set(keys))
        assert all(e.action_index == ACTION_INDEX[e.event] for e in file.of_kind("action"))


@pytest.mark.parametrize(
    ("date", "actor", "kind", "event", "channel"),
    [
        ("1962-10-16", "USSR", "capability", "reveals", "public"),  # discovery
        ("1962-10-22", "US", "action", "mobilisation", "public"),  # speech, DEFCON 3
        ("1962-10-23", "OAS", "third_party", "sanctions", "public"),
        ("1962-10-24", "US", "action", "mobilisation", "public"),  # quarantine, SAC DEFCON 2
        ("1962-10-26", "USSR", "action", "private_message", "private"),  # the letter of 26 Oct
        ("1962-10-27", "USSR", "action", "harassment", "public"),  # U-2 shot down; public letter
        ("1962-10-27", "US", "action", "concession_private", "private"),  # RFK-Dobrynin: the Jupiters
        ("1962-10-28", "USSR", "action", "concession_public", "public"),  # the broadcast
        ("1962-10-28", "both", "negotiation", "agreement", "public"),
        ("1962-11-20", "US", "action", "concession_public", "public"),  # quarantine lifted
        ("1962-11-20", "both", "negotiation", "agreement_revised", "public"),  # the IL-28 settlement
    ],
)
def test_1962_record(
    cuba_events: EventFile, date: str, actor: str, kind: str, event: str, channel: str
) -> None:
    found = [e for e in cuba_events.on(dt.date.fromisoformat(date)) if e.actor == actor and e.event == event]
    assert len(found) == 1 and found[0].kind == kind and found[0].channel == channel


def test_grouping_and_windows(korea_events: EventFile, korea_sc: ScenarioFile) -> None:
    days = korea_events.by_day()
    assert sum(len(v) for v in days.values()) == len(korea_events)
    assert list(days) == sorted(days)
    assert [e.event for e in days[-1]] == ["public_threat"]  # 25 Sep 2017: "the US has declared war"
    autumn = korea_events.between(dt.date(2017, 9, 1), dt.date(2017, 9, 30))
    assert autumn and all(dt.date(2017, 9, 1) <= e.date <= dt.date(2017, 9, 30) for e in autumn)
    assert korea_events.day_of(dt.date(2018, 12, 31)) == 461
    empty = EventFile.empty(korea_sc)
    assert len(empty) == 0 and empty.first_date is None and empty.by_day() == {}
    records = korea_events.records()
    assert json.loads(json.dumps(records)) == records


def test_a_compiled_scenario_or_a_name_will_do(korea_sc: ScenarioFile) -> None:
    from brinkmanship.scenario import compile_scenario

    compiled = compile_scenario(korea_sc)
    assert len(load_events("cuba-1962", "cuba-1962")) == len(
        load_events("cuba-1962", load_scenario("cuba-1962"))
    )
    assert len(load_events("korea-2017", compiled)) == len(load_events("korea-2017", korea_sc))


# --- judgements ----------------------------------------------------------------------------------


def test_judgements_load_typed_and_hold_every_shared_row() -> None:
    rows = load_judgements()
    assert [j.date for j in rows] == sorted(j.date for j in rows)
    assert all(j.measures in MEASURES and j.source for j in rows)
    for j in rows:
        if j.probability_high is not None:
            assert j.probability_low is not None and j.probability_low <= j.probability_high
    assert any(j.conditional and j.probability_low == pytest.approx(0.7) for j in rows)  # Graham
    assert any(j.measures == "deliberate_strike" for j in rows)
    assert not all(j.numeric for j in rows)  # the CFR survey ranked, gave no number
    stavridis = [j for j in rows if j.who == "James Stavridis" and j.date == dt.date(2017, 9, 26)]
    assert {j.bounds for j in stavridis} == {(0.10, 0.10), (0.20, 0.30)}
    path = _shared("expert-judgements-2017-2018.csv")
    if path is not None:
        with path.open(encoding="utf-8") as handle:
            shared = list(csv.DictReader(handle))
        mine = {(j.date.isoformat(), j.who, j.quantity): j for j in rows}
        for row in shared:
            j = mine[(row["date"], row["who"], row["quantity"])]
            low = float(row["probability_low"]) if row["probability_low"] else None
            high = float(row["probability_high"]) if row["probability_high"] else None
            assert (j.probability_low, j.probability_high) == (low, high)  # quoted, never widened
            assert (j.source, j.horizon, j.date_precision) == (
                row["source"],
                row["horizon"],
                row["date_precision"],
            )


def test_a_malformed_judgement_names_line_and_field() -> None:
    text = (
        "date,date_precision,who,role,quantity,measures,condition,horizon_days,horizon,probability_low,"
        "probability_high,source,note\n"
        "2017-10-18,exact,A,B,war,armed_conflict,,,unstated,0.3,0.2,src,\n"
    )
    with pytest.raises(UserError, match=r"x\.csv line 2"):
        load_judgements(text, "x.csv")
    with pytest.raises(UserError, match='line 2, field "measures"'):
        load_judgements(text.replace("armed_conflict", "skirmish"), "x.csv")


# --- a user's file: what is refused, and how ----------------------------------------------------


def _write(tmp_path: Path, body: str, name: str = "my-events.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


GOOD = "2017-10-01,US,action,public_threat,public,a tweet,Twitter 1 Oct 2017,\n"


def test_a_good_user_file_loads_and_counts_lines_with_comments_and_blanks(
    tmp_path: Path, korea_sc: ScenarioFile
) -> None:
    path = _write(
        tmp_path, "# a comment\n\n" + GOOD + '2017-10-02,China,third_party,press_talks,,"a, b",src,\n'
    )
    loaded = load_events(path, korea_sc)
    assert [(e.line, e.actor, e.channel) for e in loaded.events] == [
        (4, "US", "public"),
        (5, "China", "public"),
    ]
    assert loaded.events[0].day == 5 and loaded.events[1].description == "a, b"


@pytest.mark.parametrize(
    ("body", "line", "field", "said"),
    [
        (
            "2017-10-01,Chna,third_party,sanctions,,x,src,\n",
            2,
            "actor",
            "unknown actor 'Chna' (known: US, DPRK, ROK",
        ),
        ("2017-10-01,US,action,nuke_everything,,x,src,\n", 2, "event", "unknown action 'nuke_everything'"),
        (
            "2017-10-01,US,action,conventional_war,,x,src,\n",
            2,
            "event",
            "'conventional_war' starts a war: the replay conditions on the crisis staying short of war",
        ),
        ("2017-10-01,ROK,third_party,press_talks,,x,src,\n", 2, "event", "'ROK' has no act 'press_talks'"),
        (
            "2017-10-01,China,action,public_threat,,x,src,\n",
            2,
            "actor",
            "'China' cannot be the actor of an action event",  # "an", not "a action"
        ),
        ("2017-10-01,US,third_party,sanctions,,x,src,\n", 2, "actor", "not a third party or mediator"),
        ("2017-10-01,US,action,private_message,public,x,src,\n", 2, "channel", "private action"),
        ("2017-10-01,US,action,public_threat,private,x,src,\n", 2, "channel", "public action"),
        ("2017-10-01,US,action,public_threat,secret,x,src,\n", 2, "channel", "unknown channel 'secret'"),
        ("2017-10-01,US,gossip,public_threat,,x,src,\n", 2, "kind", "unknown kind 'gossip'"),
        ("2017-13-45,US,action,public_threat,,x,src,\n", 2, "date", "not a calendar date"),
        ("01/10/2017,US,action,public_threat,,x,src,\n", 2, "date", "not an ISO date"),
        ("2017-10-01T09:00,US,action,public_threat,,x,src,\n", 2, "date", "not an ISO date"),
        ("2071-10-01,US,action,public_threat,,x,src,\n", 2, "date", "outside the allowed span"),
        ("2017-10-01,US,action,public_threat,,x,,\n", 2, "source", "missing source"),
        ("2017-10-01,US,action,public_threat,,x,   ,\n", 2, "source", "missing source"),
        ("2017-10-01,,action,public_threat,,x,src,\n", 2, "actor", "required field is empty"),
        (GOOD + "2017-10-01,US,action,show_of_force,,y,src,\n", 3, "actor", "one action a day"),
        ("2017-10-01,US,negotiation,agreement_breakdown,,x,src,\n", 2, "event", "no agreement in force"),
        ("2017-10-01,US,negotiation,agreement,,x,src,depth=0.2\n", 2, "actor", "actor is 'both'"),
        (
            "2017-10-01,both,negotiation,agreement,,x,src,depth=1.5\n",
            2,
            "terms.depth",
            "should be at most 1",
        ),
        ("2017-10-01,both,negotiation,agreement,,x,src,depth=nan\n", 2, "terms.depth", "finite"),
        ("2017-10-01,both,negotiation,agreement,,x,src,deep\n", 2, "terms", "key=value"),
        ("2017-10-01,both,negotiation,agreement,,x,src,width=1\n", 2, "terms.width", "unknown term"),
        ("2017-10-01,US,action,public_threat,,x,src,depth=0.1\n", 2, "terms", "an action event 'public_thr"),
        ("2017-10-01,DPRK,capability,reveals,,x,src,\n", 2, "terms", "needs reach"),
        ("2017-10-01,both,negotiation,signed,,x,src,\n", 2, "event", "unknown negotiation event"),
        ("2017-10-01,China,channel,mediator_active,,x,src,\n", 2, "actor", "not a mediator"),
        ("2017-10-01,US,false_alarm,missed,,x,src,\n", 2, "event", "unknown false-alarm event"),
        ("2017-10-01,China,false_alarm,caught,,x,src,\n", 2, "actor", "cannot be the actor"),
        ("2017-10-01,UNSC,third_party,sanctions,,x,src,\n" * 2, 3, "event", "duplicate of line 2"),
        # rows that contradict each other
        (
            "2018-06-12,both,negotiation,agreement,,x,src,depth=0.1\n"
            "2018-07-01,both,negotiation,agreement,,y,src,\n",
            3,
            "event",
            "a second agreement while one is in force (agreement on 2018-06-12, line 2): record its "
            "agreement_breakdown before it, or agreement_revised",
        ),
        (
            "2018-06-12,both,negotiation,agreement,,x,src,\n"
            "2018-08-01,DPRK,negotiation,agreement_breakdown,,y,src,\n"
            "2018-09-01,DPRK,negotiation,agreement_breakdown,,z,src,\n",
            4,
            "event",
            "agreement_breakdown with no agreement in force",
        ),
        ("2017-10-01,both,negotiation,agreement_revised,,x,src,\n", 2, "event", "no agreement in force"),
        ("2017-10-01,US,negotiation,agreement_revised,,x,src,\n", 2, "actor", "revised by both principals"),
        (
            "2018-06-12,both,negotiation,agreement,,x,src,\n2018-06-12,US,negotiation,agreement_breakdown,,y,src,\n",
            3,
            "event",
            "agreement_breakdown and agreement (line 2) on the same date 2018-06-12",
        ),
        (GOOD + "2017-10-01,US,action,private_threat,private,y,src,\n", 3, "actor", "already takes"),
        ("2017-10-01,US,channel,direct_closed,,x,src,\n", 2, "event", "never opened (no direct_open"),
        (
            "2018-01-01,both,channel,direct_open,,x,src,\n"
            "2018-02-01,US,channel,direct_closed,,y,src,\n"
            "2018-03-01,DPRK,channel,direct_closed,,z,src,\n",
            4,
            "event",
            "direct_closed: the direct channel is not open: it was closed on 2018-02-01 (line 3)",
        ),
        (
            "2018-01-01,both,channel,direct_open,,x,src,\n2018-02-01,US,channel,direct_open,,y,src,\n",
            3,
            "event",
            "already open (direct_open on 2018-01-01, line 2)",
        ),
        (
            "2018-01-01,US,channel,direct_open,,x,src,\n2018-01-01,DPRK,channel,direct_closed,,y,src,\n",
            3,
            "event",
            "direct_closed and direct_open (line 2) on the same date",
        ),
        ("2017-10-01,UNSG,channel,mediator_inactive,,x,src,\n", 2, "event", "'UNSG' is not active"),
        (
            "2017-10-01,UNSG,channel,mediator_active,,x,src,\n2017-11-01,UNSG,channel,mediator_active,,y,src,\n",
            3,
            "event",
            "'UNSG' is already active (mediator_active on 2017-10-01, line 2)",
        ),
    ],
)
def test_bad_rows_name_file_line_and_field(
    tmp_path: Path, korea_sc: ScenarioFile, body: str, line: int, field: str, said: str
) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(UserError) as caught:
        load_events(path, korea_sc)
    message = str(caught.value)
    assert message.startswith(f'{path} line {line}, field "{field}": '), message
    assert said in message, message
    assert "\n" not in message


def test_what_the_record_declares_and_undoes_in_order_is_fine(tmp_path: Path, korea_sc: ScenarioFile) -> None:
    """An agreement revised, broken down and made again; a channel opened, closed and opened; a mediator
    made active and inactive: each in force when the next row acts on it."""
    body = (
        "2018-06-12,both,negotiation,agreement,,x,src,depth=0.1\n"
        "2018-07-01,both,negotiation,agreement_revised,,x,src,depth=0.3\n"
        "2018-08-01,DPRK,negotiation,agreement_breakdown,,x,src,\n"
        "2018-09-01,both,negotiation,agreement,,x,src,\n"
        "2018-01-01,both,channel,direct_open,,x,src,\n"
        "2018-02-01,US,channel,direct_closed,,x,src,\n"
        "2018-03-01,DPRK,channel,direct_open,,x,src,\n"
        "2017-10-01,UNSG,channel,mediator_active,,x,src,\n"
        "2017-11-01,UNSG,channel,mediator_inactive,,x,src,\n"
    )
    loaded = load_events(_write(tmp_path, body), korea_sc)
    assert len(loaded) == 9
    (revised,) = [e for e in loaded.events if e.event == "agreement_revised"]
    assert revised.terms is not None and revised.terms.depth == 0.3


def test_a_row_with_too_few_values_says_so(tmp_path: Path, korea_sc: ScenarioFile) -> None:
    """A short row is "too few values" on its line, not an empty field."""
    path = _write(tmp_path, GOOD + "2017-10-02,US,action,public_threat\n")
    with pytest.raises(UserError) as caught:
        load_events(path, korea_sc)
    assert str(caught.value) == (
        f"{path} line 3: too few values: 4 for 8 columns (date, actor, kind, event, channel, description, "
        "source, terms); give every column, empty ones as ',,'"
    )


def test_a_judgement_row_with_too_few_values_says_so() -> None:
    header = ",".join(JUDGEMENT_COLUMNS)
    with pytest.raises(UserError, match=r"^judgements line 2: too few values: 3 for \d+ columns$"):
        load_judgements(header + "\n2017-10-18,exact,John Brennan\n", "judgements")


def test_a_breakdown_after_an_agreement_is_fine(tmp_path: Path, korea_sc: ScenarioFile) -> None:
    body = (
        "2018-06-12,both,negotiation,agreement,,x,src,depth=0.1\n"
        "2018-11-01,DPRK,negotiation,agreement_breakdown,,x,src,\n"
        "2018-11-02,both,negotiation,agreement_breakdown,,x,src,\n"
    )
    with pytest.raises(UserError, match='line 4, field "event": agreement_breakdown with no agreement'):
        load_events(_write(tmp_path, body), korea_sc)
    loaded = load_events(_write(tmp_path, body.rsplit("2018-11-02", 1)[0]), korea_sc)
    assert [e.event for e in loaded.events] == ["agreement", "agreement_breakdown"]


def test_rows_are_checked_in_date_order(tmp_path: Path, korea_sc: ScenarioFile) -> None:
    """A breakdown written above its agreement but dated after it is fine; the file's order is not the
    history's."""
    body = (
        "2018-11-01,DPRK,negotiation,agreement_breakdown,,x,src,\n"
        "2018-06-12,both,negotiation,agreement,,x,src,\n"
    )
    loaded = load_events(_write(tmp_path, body), korea_sc)
    assert [e.line for e in loaded.events] == [3, 2]


def test_an_explicit_span_bounds_the_dates(tmp_path: Path, korea_sc: ScenarioFile) -> None:
    path = _write(tmp_path, GOOD)
    with pytest.raises(
        UserError, match=r'line 2, field "date": 2017-10-01 is outside the allowed span 2018-01-01'
    ):
        load_events(path, korea_sc, span=(dt.date(2018, 1, 1), dt.date(2018, 12, 31)))
    with pytest.raises(UserError, match="comes after its last date"):
        load_events(path, korea_sc, span=(dt.date(2018, 1, 1), dt.date(2017, 1, 1)))


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("empty.csv", "", "empty: an event file needs a header line and at least one event"),
        ("empty.yaml", "", "empty: an event file needs a list of at least one event"),
        ("blank.json", "\n \n", "empty: an event file needs a list of at least one event"),
        ("blank.csv", "\n \n", "empty"),
        ("header-only.csv", HEADER, "no events after the header"),
        ("comments-only.csv", "# nothing\n", "no header line"),
        ("notes.txt", HEADER + GOOD, "not a CSV, YAML or JSON file (expected a .csv, .yaml, .yml or .json"),
        ("events.xlsx", "PK\x03\x04", "not a CSV, YAML or JSON file"),
        ("binary.csv", "\x00\x01\x02", "not a text file"),
        ("prose.csv", "Dear analyst, here is what happened.\n", "not a header of an event file"),
        ("quotes.csv", HEADER + '2017-10-01,US,action,public_threat,,"unclosed,src,\n', "malformed CSV"),
        ("wide.csv", HEADER + GOOD.rstrip("\n") + ",extra\n", "9 values for 8 columns"),
        ("nosource.csv", "date,actor,kind,event\n2017-10-01,US,action,hold\n", "missing column 'source'"),
        ("twice.csv", "date,actor,kind,event,source,date\n", 'field "date": column given twice'),
        ("odd.csv", "date,actor,kind,event,source,mood\n", 'field "mood": unknown column'),
        ("comma.csv", "date,actor,kind,event,source,\n", "a column without a name"),
    ],
)
def test_files_that_are_not_event_files_are_refused(
    tmp_path: Path, korea_sc: ScenarioFile, name: str, content: str, said: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8"))
    with pytest.raises(UserError) as caught:
        load_events(path, korea_sc)
    message = str(caught.value)
    assert message.startswith(str(path)) and said in message, message


def test_a_missing_file_or_a_folder(tmp_path: Path, korea_sc: ScenarioFile) -> None:
    with pytest.raises(UserError, match="no such file"):
        load_events(tmp_path / "none.csv", korea_sc)
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(UserError, match="is a folder"):
        load_events(tmp_path / "dir.csv", korea_sc)
    # A folder without a suffix was called "not a CSV, YAML or JSON file".
    (tmp_path / "dir").mkdir()
    with pytest.raises(UserError, match=r"dir: is a folder, not a file$"):
        load_events(tmp_path / "dir", korea_sc)
    with pytest.raises(UserError, match="not a built-in event file"):
        load_events("korea-2071", korea_sc)


def test_yaml_files(tmp_path: Path, korea_sc: ScenarioFile) -> None:
    good = (
        "events:\n"
        "  - {date: 2018-06-12, actor: both, kind: negotiation, event: agreement, source: AP,"
        " terms: {depth: 0.1}}\n"
        "  - {date: 2017-10-01, actor: US, kind: action, event: public_threat, source: Twitter}\n"
    )
    loaded = load_events(_write(tmp_path, good, "mine.yaml", header=""), korea_sc)
    assert [e.line for e in loaded.events] == [2, 1]  # YAML rows are numbered from 1, in file order
    assert loaded.events[1].terms is not None and loaded.events[1].terms.depth == 0.1
    as_list = "- {date: '2017-10-01', actor: US, kind: action, event: hold, source: x, terms: 'depth=0.1'}\n"
    with pytest.raises(UserError, match=r'mine.yml row 1, field "terms": an action event'):
        load_events(_write(tmp_path, as_list, "mine.yml", header=""), korea_sc)
    for body, said in (
        (
            "- {date: 2017-10-01, actor: US, kind: action, event: hold, source: x, mood: calm}\n",
            'row 1, field "mood"',
        ),
        (
            "- {date: 2017-10-01, actor: US, kind: action, event: hold}\n",
            'row 1, field "source": missing source',
        ),
        ("- {date: 2017-10-01 10:00:00, actor: US, kind: action, event: hold, source: x}\n", "date and time"),
        (
            "- {date: 20171001, actor: US, kind: action, event: hold, source: x}\n",
            'field "date": not an ISO date',
        ),
        ("- just a string\n", "row 1: expected a mapping"),
        ("events: {a: 1}\n", "expected a list of events"),
        ("scenario: korea-2017\n", 'field "scenario": unknown key'),
        ("events: [\n", "malformed YAML"),
        ("events:\n", "no events"),
    ):
        with pytest.raises(UserError, match=said):
            load_events(_write(tmp_path, body, "bad.yaml", header=""), korea_sc)


def test_parse_events_from_text_names_its_origin(korea_sc: ScenarioFile) -> None:
    with pytest.raises(UserError, match=r'^pasted line 2, field "actor"'):
        parse_events(HEADER + "2017-10-01,Chna,third_party,sanctions,,x,src,\n", "csv", "pasted", korea_sc)


def test_the_builtin_history_fails_against_a_scenario_without_its_actors(cuba_sc: ScenarioFile) -> None:
    span = (dt.date(2017, 1, 1), dt.date(2018, 12, 31))
    with pytest.raises(UserError, match=r"built-in event file korea-2017.csv line \d+, field \"actor\""):
        load_events("korea-2017", cuba_sc, span=span)
    with pytest.raises(
        UserError, match=r'korea-2017.csv line 2, field "date": 2017-01-01 is outside the allowed span'
    ):
        load_events("korea-2017", cuba_sc)  # ten years either side of 16 Oct 1962 by default


# --- the command ---------------------------------------------------------------------------------


def _one_line(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("error") and err.count("\n") == 1 and "Traceback" not in err, err
    assert not caught, [str(w.message) for w in caught]
    return err


def test_events_command_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["events", "cuba-1962"]) == 0
    out = capsys.readouterr().out
    assert "1962-10-27" in out and "concession_private" in out and "Hershberg" in out
    assert main(["events", "korea-2017", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scenario"] == "korea-2017" and data["start_date"] == "2017-09-26"
    assert data["count"] == len(data["events"]) >= 100
    first = data["events"][0]
    assert set(first) == {
        "date",
        "day",
        "actor",
        "kind",
        "event",
        "channel",
        "description",
        "source",
        "terms",
        "line",
    }
    singapore = [e for e in data["events"] if e["event"] == "agreement"]
    assert singapore[0]["terms"] == {"depth": 0.1}


def test_events_command_with_a_user_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, GOOD)
    assert main(["events", "korea-2017", "--events", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["count"] == 1
    assert main(["events", "korea-2017", "--events", str(path)]) == 0
    out = capsys.readouterr().out
    assert "korea-2017: 1 event, 2017-10-01 to 2017-10-01" in out and "1 events" not in out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["events", "korea-calm"], "no recorded history for scenario 'korea-calm'"),
        (["events", "korea-2071"], "unknown scenario 'korea-2071'"),
    ],
)
def test_events_command_refusals(capsys: pytest.CaptureFixture[str], args: list[str], said: str) -> None:
    assert said in _one_line(capsys, args)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("2017-10-01,Chna,third_party,sanctions,,x,src,\n", "line 2, field \"actor\": unknown actor 'Chna'"),
        ("2017-10-01,US,action,public_threat,,x,,\n", 'line 2, field "source": missing source'),
        ("2017-02-30,US,action,public_threat,,x,src,\n", 'line 2, field "date"'),
        (GOOD + GOOD.replace("public_threat", "sanctions"), 'line 3, field "actor"'),
        ("2017-10-01,both,negotiation,agreement_breakdown,,x,src,\n", 'line 2, field "event"'),
        ("2017-10-01,US,channel,direct_closed,,x,src,\n", 'line 2, field "event": direct_closed'),
        (
            "2018-06-12,both,negotiation,agreement,,x,src,\n2018-07-12,both,negotiation,agreement,,x,src,\n",
            'line 3, field "event": a second agreement',
        ),
        (GOOD + "2017-10-02,US,action\n", "line 3: too few values"),
    ],
)
def test_events_command_bad_files_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, said: str
) -> None:
    path = _write(tmp_path, body)
    err = _one_line(capsys, ["events", "korea-2017", "--events", str(path)])
    assert err.startswith(f"error: {path} ") and said in err, err


def test_events_command_in_a_process_has_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("nothing\n", encoding="utf-8")
    command = [sys.executable, "-c", "import sys; from brinkmanship.cli import main; sys.exit(main())"]
    done = subprocess.run(
        [*command, "events", "korea-2017", "--events", str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert f"{path}: not a CSV, YAML or JSON file" in done.stderr


@pytest.mark.parametrize(
    "cell",
    ["depth=0_1", "depth=0x1", "depth=inf"],
)
def test_a_csv_term_is_a_plain_number(tmp_path, cell):
    """Python would read 0_1 as 1 (a full agreement from a typo): refused in one line naming the field."""
    from brinkmanship.errors import UserError
    from brinkmanship.history import load_events
    from brinkmanship.scenario import load_scenario

    path = tmp_path / "events.csv"
    path.write_text(
        "date,actor,kind,event,channel,description,source,terms\n"
        f"2017-10-01,both,negotiation,agreement,,x,src,{cell}\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError, match=r"terms\.depth") as caught:
        load_events(str(path), load_scenario("korea-2017"))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        ("{depth: true}", r"terms\.depth"),
        ("{depth: 0_1}", "write the integer plainly"),
        ("{reach: 030}", "octal"),
    ],
)
def test_yaml_terms_refuse_booleans_and_numbers_yaml_would_misread(tmp_path, terms, expected):
    """YAML 1.1 reads true as 1, 0_1 as 1 and 030 as octal 24: each refused, not taken."""
    from brinkmanship.errors import UserError
    from brinkmanship.history import load_events
    from brinkmanship.scenario import load_scenario

    path = tmp_path / "events.yaml"
    path.write_text(
        "- {date: 2017-10-01, actor: both, kind: negotiation, event: agreement, source: src, "
        f"terms: {terms}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError, match=expected) as caught:
        load_events(str(path), load_scenario("korea-2017"))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "terms"),
    [
        ("big.csv", "depth=1e400"),
        ("big.yaml", "{depth: 1.0e+400}"),
        ("inf.yaml", "{depth: .inf}"),
        ("nan.yaml", "{depth: .nan}"),
        ("nan.csv", "depth=nan"),
    ],
)
def test_a_number_too_large_or_not_a_number_gets_the_projects_message(
    tmp_path: Path, korea_sc: ScenarioFile, name: str, terms: str
) -> None:
    """1e400 (infinity as a float) and .nan are refused as 'nan' is, not in pydantic's words."""
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text(
            "date,actor,kind,event,source,terms\n2017-10-01,both,negotiation,agreement,x," + terms + "\n",
            encoding="utf-8",
        )
    else:
        path.write_text(
            "events:\n- {date: 2017-10-01, actor: both, kind: negotiation, event: agreement, source: x, "
            f"terms: {terms}}}\n",
            encoding="utf-8",
        )
    with pytest.raises(UserError) as caught:
        load_events(path, korea_sc)
    message = str(caught.value)
    assert 'field "terms.depth": expected a plain, finite number from 0 to 1' in message, message
    assert "Input should" not in message
