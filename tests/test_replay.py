"""History replay (docs/replay.md): the particle filter through the record, and the forecast as of a date."""

import dataclasses
import datetime as dt
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from brinkmanship.cli import app, main
from brinkmanship.engine import ensemble
from brinkmanship.engine import randomness as rnd
from brinkmanship.engine.ensemble import Tally, advance
from brinkmanship.engine.state import ACTIVE, NEVER, initial_state
from brinkmanship.history import EventFile, load_events, parse_events
from brinkmanship.history.replay import effective_sample_size, replay, systematic_indices
from brinkmanship.model.ladder import ACTION_INDEX
from brinkmanship.scenario import compile_scenario, load_scenario

SOURCE = "test"
HEADER = "date,actor,kind,event,channel,description,source,terms\n"


@pytest.fixture(scope="module")
def korea_file():
    return load_scenario("korea-2017")


def events(scenario, rows: list[str]) -> EventFile:
    return parse_events(HEADER + "".join(r + "\n" for r in rows), "csv", "test.csv", scenario)


def test_a_replay_with_no_events_is_the_free_run_from_the_calm_state(korea_file):
    """Nothing to condition on: each date's forecast counts exactly the wars the free run's paths begin
    in the window (same random numbers, path for path)."""
    first, last = dt.date(2017, 9, 1), dt.date(2017, 9, 20)
    runs, h = 1024, 30
    result = replay(
        korea_file,
        EventFile.empty(korea_file),
        first,
        last,
        runs,
        3,
        every=10,
        forecast_runs=runs,
        horizons=(h,),
    )
    model = compile_scenario(korea_file)
    key = rnd.seed_key(3)
    ids = np.arange(runs, dtype=np.int64)
    state = initial_state(model, rnd.type_draws(key, ids), model)
    start = (first - korea_file.start_date).days
    state.day = start
    span = (last - first).days + 1
    advance(model, state, ids, key, span + h, Tally(days=span + h, runs=runs))
    assert [d.day for d in result.days] == [start, start + 10, start + span - 1]
    for d in result.days:
        # A forecast from date d's end counts wars that begin in the h days after it.
        began = (state.war_day != NEVER) & (state.war_day > d.day) & (state.war_day <= d.day + h)
        assert d.p_war[h][0] == began.sum() / runs
        assert d.ess == runs


def _year_risk(scenario, record, last, runs=4096):
    first = dt.date(2017, 1, 1)
    result = replay(
        scenario,
        record,
        first,
        last,
        runs,
        7,
        every=(last - first).days + 1,
        forecast_runs=runs,
        horizons=(365,),
    )
    return result.days[-1].p_war[365][0]


def _without(record, kind, event, date=None):
    kept = tuple(
        e for e in record.events if not (e.kind == kind and e.event == event and date in (None, e.date))
    )
    assert len(kept) < len(record.events)
    return dataclasses.replace(record, events=kept)


def test_an_imposed_nuclear_test_raises_the_curve(korea_file):
    """The 2017 record with and without the sixth nuclear test (3 Sep 2017), same seed: the year's risk as
    of 4 Sep is higher with it (about 63% against 45%)."""
    record = load_events("korea-2017", korea_file)
    when = dt.date(2017, 9, 4)
    without = _without(record, "action", "nuclear_test", dt.date(2017, 9, 3))
    assert _year_risk(korea_file, record, when) > _year_risk(korea_file, without, when) + 0.1


def test_an_imposed_agreement_lowers_the_curve(korea_file):
    """The record to 14 Jun 2018 with and without the Singapore agreement (12 Jun): the year's risk is
    lower with it (about 0.3% against 1.1%).

    From a calm start with a short record the filter can say the opposite of a nuclear test: under the
    model a test is likeliest where the danger is low, so conditioning on one alone selects calm paths
    (docs/replay.md). On the real record the context carries the weight."""
    record = load_events("korea-2017", korea_file)
    when = dt.date(2018, 6, 14)
    without = _without(record, "negotiation", "agreement")
    assert _year_risk(korea_file, record, when) < 0.5 * _year_risk(korea_file, without, when)


def test_the_same_seed_gives_the_same_replay_whatever_the_threads(korea_file, monkeypatch):
    rows = [
        "2017-09-03,DPRK,action,nuclear_test,public,,test,",
        "2017-09-11,UNSC,third_party,sanctions,public,,test,",
    ]
    record = events(korea_file, rows)
    outputs = []
    for threads in (1, 2):
        monkeypatch.setattr(ensemble, "KERNEL_THREADS", threads)
        result = replay(
            korea_file,
            record,
            dt.date(2017, 8, 25),
            dt.date(2017, 9, 15),
            1024,
            5,
            every=7,
            forecast_runs=512,
        )
        outputs.append(json.dumps(result.as_dict()))
    assert outputs[0] == outputs[1]


def test_recorded_moves_weigh_the_paths_and_the_filter_resamples(korea_file):
    """A record of many tests: paths unlikely to have made them lose weight, the effective sample size
    falls below the paths, and the filter resamples."""
    rows = [f"2017-09-{day:02d},DPRK,action,missile_test,public,,test," for day in range(1, 29, 3)]
    result = replay(
        korea_file,
        events(korea_file, rows),
        dt.date(2017, 8, 25),
        dt.date(2017, 9, 30),
        1024,
        5,
        every=7,
        forecast_runs=256,
        horizons=(30,),
    )
    assert result.conditioned
    assert result.resamplings > 0
    assert min(d.ess for d in result.days) < 1024


def test_effective_sample_size_and_systematic_resampling():
    assert effective_sample_size(np.zeros(10)) == pytest.approx(10.0)
    assert effective_sample_size(np.log(np.array([1.0, 0.0, 0.0, 0.0]) + 1e-300)) == pytest.approx(1.0)
    np.testing.assert_array_equal(systematic_indices(np.zeros(4), 4, 0.5), [0, 1, 2, 3])
    picked = systematic_indices(np.log(np.array([0.7, 0.1, 0.1, 0.1])), 10, 0.5)
    assert (picked == 0).sum() == 7


runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["korea-2017", "--from", "2017-13-01"], "--from '2017-13-01': not a calendar date"),
        (["korea-2017", "--from", "2017/10/01"], "--from '2017/10/01': not an ISO date (YYYY-MM-DD)"),
        (["korea-2017", "--from", "2017-09-01", "--to", "2017-08-01"], "the span must be"),
        # Without --to the replay ends on the last event's date: said so, not as a '--to' the user gave.
        (
            ["korea-2017", "--from", "2018-12-20"],
            "--from 2018-12-20 to 2018-12-10 (the default end, without --to): the span must be",
        ),
        (["korea-calm"], "no built-in history"),
        (
            ["korea-2017", "--from", "2030-01-01", "--to", "2030-02-01"],
            "--from 2030-01-01: after 2027-09-26, the last date korea-2017's events may have",
        ),
        (["korea-2017", "--from", "2027-09-01", "--to", "2027-10-01"], "--to 2027-10-01: after 2027-09-26"),
        (["korea-2017", "--runs", "0"], "--runs"),
        (["korea-2017", "--runs", "100", "--forecast-runs", "200"], "--forecast-runs"),
        (["korea-2017", "--no-events", "--events", "x.csv"], "choose one"),
    ],
)
def test_bad_replay_requests_are_refused_in_one_line(args, message, capsys):
    assert main(["replay", *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_replay_json_has_the_documented_keys(tmp_path):
    result = runner.invoke(
        app,
        [
            "replay",
            "cuba-1962",
            "--from",
            "1962-10-20",
            "--to",
            "1962-10-30",
            "--runs",
            "256",
            "--every",
            "5",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert {"scenario", "from", "to", "runs", "seed", "method", "days"} <= set(record)
    day = record["days"][0]
    assert {"date", "p_war_30", "p_war_90", "p_war_365", "ess", "events"} <= set(day)
    assert set(day["p_war_90"]) == {"p", "ci95"}


def test_run_as_of_starts_from_the_replayed_crisis(capsys):
    """--as-of branches from the replayed ensemble: the forecast differs from the start date's, and the
    JSON says as of when."""
    args = ["run", "korea-2017", "--runs", "1024", "--days", "90", "--json"]
    assert main([*args, "--as-of", "2017-12-31"]) == 0
    as_of = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    plain = json.loads(capsys.readouterr().out)
    assert as_of["as_of"] == "2017-12-31"
    assert as_of["outcomes"]["war"]["count"] != plain["outcomes"]["war"]["count"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "korea-2017", "--as-of", "2016-06-01"], "outside the replay of korea-2017"),
        (
            ["run", "cuba-1962", "--as-of", "1962-06-30"],
            "outside the replay of cuba-1962, which runs from its calm state on 1962-07-01 (the prelude's "
            "first date) to 1962-11-20; the record's events run from 1962-10-16 to 1962-11-20",
        ),
        (["run", "korea-calm", "--as-of", "2017-06-01"], "has no built-in history"),
        (["compare", "korea-2017", "--as-of", "yesterday"], "not an ISO date (YYYY-MM-DD)"),
    ],
)
def test_bad_as_of_is_refused_in_one_line(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_days_outside_the_record_run_free(korea_file):
    """After the record's last event nothing is conditioned: the replay is the free run's, and the events
    before the first date are counted, not imposed."""
    record = events(korea_file, ["2017-09-03,DPRK,action,nuclear_test,public,,test,"])
    first, last = dt.date(2017, 10, 1), dt.date(2017, 10, 20)
    after = replay(korea_file, record, first, last, 512, 3, every=10, forecast_runs=512, horizons=(30,))
    free = replay(
        korea_file,
        EventFile.empty(korea_file),
        first,
        last,
        512,
        3,
        every=10,
        forecast_runs=512,
        horizons=(30,),
    )
    assert not after.conditioned and after.events_before == 1
    assert [d.p_war for d in after.days] == [d.p_war for d in free.days]


def test_an_impossible_yaml_date_is_one_line(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("- {date: 2017-02-30, actor: DPRK, kind: action, event: missile_test, source: x}\n")
    assert main(["events", "korea-2017", "--events", str(path)]) == 2
    err = capsys.readouterr().err
    assert (
        "2017-02-30" in err
        and "is not a calendar date (day is out of range for month)" in err
        and "Traceback" not in err
    )


def test_a_builtin_history_may_be_named_with_events(capsys):
    assert main(["events", "korea-2017", "--events", "korea-2017", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["count"] > 100


def test_a_war_in_the_record_is_refused_before_replaying(tmp_path, capsys):
    """An imposed war would end every path's crisis and show 0% risk from that day: refused in one line
    naming file, line and field, before any path is stepped."""
    path = tmp_path / "my.csv"
    path.write_text(HEADER + "2017-10-01,DPRK,action,conventional_war,public,,test,\n")
    assert main(["replay", "korea-2017", "--events", str(path), "--runs", "64"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert err.startswith(f"error: {path} line 2, field \"event\": 'conventional_war' starts a war"), err
    assert "cannot be imposed as history" in err and len(err.splitlines()) == 1


def test_the_replay_table_gives_intervals_and_what_was_left_out(capsys):
    """The text table carries the JSON's 95% intervals, and says how many events --from and --to left out
    (cuba-1962's record: one event before 20 October, ten after 26 October)."""
    args = ["cuba-1962", "--from", "1962-10-20", "--to", "1962-10-26", "--runs", "128", "--every", "3"]
    assert main(["replay", *args, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert main(["replay", *args]) == 0
    text = " ".join(capsys.readouterr().out.split())
    low, high = record["days"][-1]["p_war_365"]["ci95"]
    assert f"[{100 * low:.1f}-{100 * high:.1f}%]" in text, text
    before, after = record["events_before_from"], record["events_after_to"]
    assert (before, after) == (1, 10)
    assert (
        "1 event of built-in event file cuba-1962.csv is dated before 1962-10-20 (--from) and was left out"
        in text
    )
    assert (
        "10 events of built-in event file cuba-1962.csv are dated after 1962-10-26 (--to) and were left out"
        in text
    )


def test_one_resampling_is_singular(capsys):
    from brinkmanship.cli_history import _print_replay
    from brinkmanship.history.replay import Replay

    result = Replay("cuba-1962", dt.date(1962, 10, 20), dt.date(1962, 10, 21), 64, 1, True, 64, 1)
    result.resamplings = 1
    _print_replay(result, 1.0)
    out = capsys.readouterr().out
    assert "1 resampling " in out and "resamplings" not in out


def test_an_imposed_clash_on_the_record_stays_short_of_war_and_weighs_the_path(korea_file):
    """The record says a recorded clash did not become war: on a record day the kernel does not escalate
    it but weighs the path by the chance it would not have (its log falls by more than the same day with
    no clash). Reversed (escalating as on a free day), paths go to war on the record's days."""
    model = compile_scenario(korea_file)
    key = rnd.seed_key(11)
    runs = 2048
    ids = np.arange(runs, dtype=np.int64)
    logs = {}
    for action in ("limited_strike", "show_of_force"):
        state = initial_state(model, rnd.type_draws(key, ids), model)
        state.day = 0
        forced = {day: np.array([ACTION_INDEX[action], -1]) for day in range(5)}
        advance(model, state, ids, key, 5, forced=forced, chance=False, weigh_forced=True)
        assert (state.status == ACTIVE).all() and (state.war_day == NEVER).all()
        logs[action] = state.history_loglik
    assert (logs["limited_strike"] < logs["show_of_force"]).mean() > 0.95


def test_a_forecast_as_of_a_record_day_with_a_clash_is_not_empty(capsys):
    """cuba-1962 as of 24 October (the quarantine, a recorded clash, in force from that day): the filter
    once let paths escalate the imposed clash on record days; those paths then stopped losing weight,
    took the ensemble over at resampling, and every outcome read 0% with no path at risk."""
    args = ["run", "cuba-1962", "--as-of", "1962-10-24", "--runs", "300", "--days", "30", "--json"]
    assert main(args) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["behaviour"]["active_path_days"] > 0
    assert record["outcomes"]["war"]["p"] > 0


def test_no_path_past_a_war_keeps_weight_on_the_record(korea_file):
    """A path that went to war in the free days before the record has no weight once the record starts
    (the record excludes war): the forecast branches only from paths still in crisis."""
    record = events(korea_file, ["2017-09-25,DPRK,action,missile_test,public,,test,"])
    result = replay(
        korea_file,
        record,
        dt.date(2017, 3, 1),
        dt.date(2017, 9, 30),
        512,
        5,
        every=214,
        forecast_runs=512,
        horizons=(30,),
        keep_final=True,
    )
    state, log_w = result.final_state, result.final_log_weights
    assert state is not None and log_w is not None
    assert (state.status != ACTIVE).any()
    assert np.isneginf(log_w[state.status != ACTIVE]).all()
    assert np.isfinite(log_w[state.status == ACTIVE]).all()


def test_a_forecast_after_a_recorded_clash_counts_new_clashes(capsys):
    """Every war begins with a clash counted on its day, so P(clash) >= P(war) within any horizon. As of
    27 October 1962 the record already holds a clash (the U-2 shot down); a forecast that kept the path's
    first-clash day from the record could count no new clash (0.0% beside 25% war)."""
    args = ["run", "cuba-1962", "--as-of", "1962-10-27", "--runs", "200", "--days", "30", "--json"]
    assert main(args) == 0
    outcomes = json.loads(capsys.readouterr().out)["outcomes"]
    assert outcomes["war"]["count"] > 0
    assert outcomes["clash"]["count"] >= outcomes["war"]["count"]


def test_a_forecast_after_a_recorded_agreement_says_it_is_in_force():
    """As of 28 October 1962 (the Jupiter trade, the broadcast) every path begins with the agreement in
    force: the forecast says so, counts only agreements newly reached, and gives no share of breakdowns
    among them (a breakdown may be of the agreement in force at the start)."""
    runner = CliRunner()
    args = ["run", "cuba-1962", "--as-of", "1962-10-28", "--runs", "200", "--days", "30", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    agreements = json.loads(result.stdout)["agreements"]
    assert agreements["in_force_at_start"]["p"] > 0.9
    assert agreements["broke_down_share"]["p"] is None
    text = runner.invoke(app, args[:-1]).stdout
    assert "in force at the start on" in " ".join(text.split())


def test_a_comparison_after_a_recorded_agreement_says_it_is_in_force_as_run_does():
    """`compare --as-of` after the Jupiter trade gave P(agreement) 0% (agreements newly reached) without
    saying that every path began with one in force: each policy now carries run's ``agreements``."""
    runner = CliRunner()
    common = ["cuba-1962", "--as-of", "1962-10-29", "--runs", "100", "--days", "10"]
    ran = runner.invoke(app, ["run", *common, "--json"])
    assert ran.exit_code == 0, ran.output
    expected = json.loads(ran.stdout)["agreements"]
    args = ["compare", *common, "-p", "talks", "--json"]
    compared = runner.invoke(app, args)
    assert compared.exit_code == 0, compared.output
    for row in json.loads(compared.stdout)["policies"]:
        agreements = row["agreements"]
        assert agreements["in_force_at_start"] == expected["in_force_at_start"]
        assert agreements["in_force_at_start"]["p"] > 0.9
        assert agreements["reached"]["count"] == row["outcomes"]["agreement"]["count"]
        assert agreements["broke_down_share"]["p"] is None
    text = " ".join(runner.invoke(app, args[:-1]).stdout.split())
    assert "An agreement was in force at the start on" in text


def test_the_replay_s_outlook_counts_new_clashes_after_a_recorded_one(korea_file):
    """The replay's forecasts branch the same way: after the record's clash, P(clash) >= P(war)."""
    cuba = load_scenario("cuba-1962")
    result = replay(
        cuba,
        load_events("cuba-1962", cuba),
        dt.date(1962, 10, 16),
        dt.date(1962, 10, 27),
        1024,
        3,
        every=11,
        forecast_runs=512,
        horizons=(30,),
    )
    outlook = result.days[-1].outlook[30]
    assert outlook["war"] > 0 and outlook["clash"] >= outlook["war"]


def test_a_collapsed_ensemble_is_noted_in_json_html_and_text(tmp_path, capsys):
    """The note on a low effective sample size is in the JSON (with a flag per date) and the HTML as in the
    terminal's text, not in the text alone."""
    from brinkmanship.cli_history import _print_replay
    from brinkmanship.history.replay import Replay, ReplayDay
    from brinkmanship.history.replay_output import write_replay

    result = Replay("korea-2017", dt.date(2017, 9, 1), dt.date(2017, 9, 2), 256, 1, True, 64, 1)
    p_war = {30: (0.1, (0.05, 0.2))}
    result.days = [
        ReplayDay(dt.date(2017, 9, 1), 0, p_war, 200.0, []),
        ReplayDay(dt.date(2017, 9, 2), 1, p_war, 1.0, []),
    ]
    record = result.as_dict()
    assert record["low_ess_below"] == pytest.approx(25.6)
    assert [d["low_ess"] for d in record["days"]] == [False, True]
    assert record["low_ess_dates"] == 1
    assert "fell to 1 of 256 paths" in record["ess_note"]
    write_replay(result, [], tmp_path)
    written = json.loads((tmp_path / "replay.json").read_text(encoding="utf-8"))
    assert written["ess_note"] == record["ess_note"]
    page = (tmp_path / "replay.html").read_text(encoding="utf-8")
    assert "fell to 1 of 256 paths" in page and "1 (low)" in page
    _print_replay(result, 1.0)
    assert "fell to 1 of 256 paths" in " ".join(capsys.readouterr().out.split())
    result.days = result.days[:1]
    assert result.as_dict()["ess_note"] is None


def test_a_replay_page_without_judgements_says_there_are_none(tmp_path):
    """No empty list under 'Judgements at the time' (cuba-1962 has none): the page says there are none."""
    from brinkmanship.history.replay import Replay, ReplayDay
    from brinkmanship.history.replay_output import write_replay

    result = Replay("cuba-1962", dt.date(1962, 10, 20), dt.date(1962, 10, 21), 64, 1, True, 64, 1)
    result.days = [ReplayDay(dt.date(1962, 10, 20), 0, {30: (0.1, (0.05, 0.2))}, 60.0, [])]
    write_replay(result, [], tmp_path)
    page = (tmp_path / "replay.html").read_text(encoding="utf-8")
    assert "<ul></ul>" not in page
    assert "None: no dated judgement of the time on cuba-1962 falls in 1962-10-20 to 1962-10-21" in page


@pytest.mark.parametrize(
    ("text", "message"),
    [("2017-02-29", "not a calendar date"), ("20171001", "not an ISO date (YYYY-MM-DD)")],
)
def test_a_date_option_says_what_an_event_file_says(text, message, tmp_path, capsys):
    """`--as-of 2017-02-29` said "not a date (YYYY-MM-DD)" where an event file with that date says "not a
    calendar date": a date option now gives the shared parser's words, as the files do, before any work."""
    assert main(["run", "korea-2017", "--runs", "10", "--as-of", text]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"error: --as-of {text!r}: {message}"
    events = tmp_path / "events.csv"
    events.write_text(
        f"date,actor,kind,event,channel,description,source,terms\n{text},US,action,public_threat,,x,src,\n",
        encoding="utf-8",
    )
    assert main(["events", "korea-2017", "--events", str(events)]) == 2
    assert f'field "date": {message}' in capsys.readouterr().err
