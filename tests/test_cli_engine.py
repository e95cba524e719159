"""The `brink` commands of the engine: scenarios, show, run, schema; bad flags exit 2."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from brinkmanship.cli import main


def test_scenarios_lists_builtins(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    assert "korea-2017" in out and "cuba-1962" in out


def test_show_lists_actors_channels_uncertainties_and_sources(capsys):
    assert main(["show", "korea-2017"]) == 0
    out = capsys.readouterr().out
    for expected in (
        "DPRK",
        "China",
        "UNSG",
        "Vatican",
        "Uncertain parameters",
        "stavridis",
        "channel closed",
    ):
        assert expected in out, expected


def test_a_users_text_is_printed_as_written(tmp_path, capsys):
    """A scenario's title with '[/x]' stopped `brink show` with Rich's MarkupError (a traceback), and
    '[red]...[/red]' or ':warning:' in a description, an event's source or a lever's summary were changed
    silently; text from a user's file is printed as written."""
    import yaml

    from brinkmanship.scenario.loader import builtin_mapping

    data = dict(builtin_mapping("cuba-1962"))
    data |= {"name": "my-crisis", "title": "Crisis [/x]", "description": "a [red]red[/red] line :warning:"}
    path = tmp_path / "my.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert main(["show", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Crisis [/x] (my-crisis)" in out and "a [red]red[/red] line :warning:" in out
    events = tmp_path / "events.csv"
    events.write_text(
        "date,actor,kind,event,channel,description,source,terms\n"
        "1962-10-22,US,action,show_of_force,public,Quarantine [/x],Sorensen [b]1965[/b],\n",
        encoding="utf-8",
    )
    assert main(["events", "cuba-1962", "--events", str(events)]) == 0
    out = capsys.readouterr().out
    assert "Quarantine [/x]" in out and "Sorensen [b]1965[/b]" in out


def test_run_json_has_the_documented_keys(capsys):
    assert main(["run", "cuba-1962", "--runs", "2000", "--seed", "7", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["scenario"] == "cuba-1962" and result["runs"] == 2000 and result["days"] == 30
    assert result["seed"] == 7 and result["elapsed_s"] > 0
    for outcome in ("clash", "war", "nuclear_use", "agreement"):
        o = result["outcomes"][outcome]
        assert 0 <= o["ci95"][0] <= o["p"] <= o["ci95"][1] <= 1
    assert set(result["paths"]) == {"deliberate", "miscalculation", "accident", "false_alarm"}
    assert sum(p["share"] for p in result["paths"].values()) == pytest.approx(1.0)
    assert len(result["survival"]) == 30
    assert result["survival"][-1] == pytest.approx(1 - result["outcomes"]["war"]["p"])


def test_run_is_reproducible_from_its_seed(capsys):
    main(["run", "cuba-1962", "--runs", "1500", "--seed", "3", "--json"])
    first = json.loads(capsys.readouterr().out)
    main(["run", "cuba-1962", "--runs", "1500", "--seed", "3", "--json"])
    second = json.loads(capsys.readouterr().out)
    assert first["outcomes"] == second["outcomes"]


def test_run_out_writes_summary_survival_and_a_per_path_table(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["run", "cuba-1962", "--runs", "2500", "--days", "20", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    table = pq.read_table(out / "paths.parquet")
    assert table.num_rows == 2500
    outcomes = table.column("outcome").to_pylist()
    assert outcomes.count("war") + outcomes.count("nuclear_use") == summary["outcomes"]["war"]["count"]
    assert (out / "survival.csv").read_text().startswith("day,p_no_war\n")
    assert "war" in capsys.readouterr().out


def test_out_keeps_files_already_there(tmp_path):
    out = tmp_path / "results"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert main(["run", "cuba-1962", "--runs", "100", "--out", str(out)]) == 0
    assert (out / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "korea-2017", "--runs", "0"], "--runs"),
        (["run", "korea-2017", "--runs", "100000000"], "--runs"),
        (["run", "korea-2017", "--days", "-1"], "--days"),
        (["run", "korea-2017", "--runs", "many"], "--runs"),
        (["run", "atlantis-2030"], "unknown scenario 'atlantis-2030'"),
        (["show", "atlantis-2030"], "unknown scenario"),
        (["run", ""], "no scenario given: name a built-in"),  # was ".: is a folder, not a file"
        (["play", "", "--as", "us"], "no scenario given: name a built-in"),
        (["run", "korea-2017", "--frobnicate"], "--frobnicate"),
        (["teleport"], "teleport"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, args, expected):
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and "\n" not in err and "Traceback" not in err


def test_out_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "file.txt"
    target.write_text("x")
    assert main(["run", "cuba-1962", "--runs", "10", "--out", str(target)]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert target.read_text() == "x"


def test_schema_is_json_schema_of_the_scenario_format(capsys):
    """A JSON Schema validator (jsonschema, independent of pydantic) takes the built-in scenarios and
    refuses values out of the ranges brink refuses. Fails with pydantic's own bound names (``ge``, ``le``,
    ``gt``), which a validator ignores: it took horizon_days 100000 and a negative clash_to_war."""
    import copy

    import jsonschema

    from brinkmanship.scenario.loader import builtin_mapping, builtin_names

    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "ScenarioFile" and "actors" in schema["properties"]
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for name in builtin_names():
        mapping = json.loads(json.dumps(builtin_mapping(name), default=str))  # dates as JSON has them
        assert not list(validator.iter_errors(mapping)), name
    korea = json.loads(json.dumps(builtin_mapping("korea-2017"), default=str))
    refused = (
        (("horizon_days",), 100_000),
        (("escalation", "clash_to_war"), -1.0),
        (("actors", "US", "repertoire"), ["hold", "bogus"]),  # an action not on the ladder
        (("actors", "US", "repertoire"), ["hold", "hold"]),
        (("prelude", "events", 0, "action"), "limited_strike"),  # the prelude runs short of any clash
        (("loss_of_control", "threshold_jump"), {"no_such_threshold": 2.0}),
    )
    for path, value in refused:
        bad = copy.deepcopy(korea)
        where = bad
        for key in path[:-1]:
            where = where[key]
        where[path[-1]] = value
        assert list(validator.iter_errors(bad)), path


def test_calibrate_sets_the_model_beside_the_published_judgements(capsys):
    assert main(["calibrate", "cuba-1962", "--runs", "3000", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    kennedy = next(row for row in report["judgements"] if "Kennedy" in row["who"])
    assert kennedy["published"] == kennedy["band"] == [0.333, 0.5]
    assert kennedy["inside"] == (0.333 <= kennedy["p"] <= 0.5)
    assert "one out of three" in kennedy["question"] and kennedy["when"] and kennedy["horizon"]


def test_calibrate_sets_a_calm_year_s_clashes_beside_the_record_of_incidents(capsys):
    """korea-calm: the share of its clashes that became war, over the clashes counted (not the paths),
    beside South Korea's 0 of 26 with the count's exact 95% interval as its band."""
    assert main(["calibrate", "korea-calm", "--runs", "2000", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    record = next(row for row in report["judgements"] if row["outcome"] == "clash_escalation")
    assert record["published"] == [0.0, 0.0] and record["band"] == [0.0, 0.132]
    assert record["of"] > 0 and record["of"] != report["runs"]
    assert 0.0 < record["p"] < 0.5 and record["inside"] == (record["p"] <= 0.132)
    assert "0 of 26" in record["question"]


@pytest.mark.parametrize("name", ["korea-2017", "korea-calm", "cuba-1962"])
def test_calibrate_json_quotes_every_date_as_text(name, capsys):
    """A judgement's "when" is what its author's date was, as text (YAML would read 2017-09-26 as a date,
    which JSON cannot carry)."""
    assert main(["calibrate", name, "--runs", "200", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["judgements"] and all(isinstance(row["when"], str) for row in report["judgements"])


def test_ctrl_c_while_the_commands_import_is_one_line(monkeypatch, capsys):
    """The console script handles Ctrl-C before importing the commands (seconds of NumPy, SciPy...)."""
    import builtins

    from brinkmanship import entry

    real_import = builtins.__import__

    def interrupted(name, *args, **kwargs):
        if name == "brinkmanship.cli":
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", interrupted)
    assert entry.main() == 130
    assert capsys.readouterr().err.strip() == entry.INTERRUPTED


def _handles(pid: int, sig: int) -> bool:
    """Whether process ``pid`` has a handler for ``sig`` now (``SigCgt`` in /proc/PID/status)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) >> (sig - 1) & 1)


def _signalled_while_starting(
    module: str, sig: int, tmp_path, delay_s: float, ignore_sigint: bool = False, attempts: int = 5
):
    """``brink run`` started as ``python -m module``, sent ``sig`` ``delay_s`` seconds later (while the
    interpreter imports the commands, typer reads their annotations or the command runs): its exit code,
    stdout and stderr.

    A signal that lands before the interpreter has run a line of ours (its own start-up, slower on a loaded
    machine) meets no handler: nothing can be done there, so such an attempt is made again, up to
    ``attempts`` times. A handler set only after the commands import (the fault these tests guard
    against) still fails: at 0.15 s and 0.3 s every attempt lands before it."""
    for _ in range(attempts):
        process = subprocess.Popen(
            [sys.executable, "-m", module, "run", "korea-2017", "--runs", "200", "--days", "20"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "BRINK_CACHE_DIR": str(tmp_path)},
            # A shell starts a background job (`brink run ... &`) with SIGINT ignored.
            preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignore_sigint else None,
        )
        try:
            time.sleep(delay_s)
            handled = _handles(process.pid, sig)
            process.send_signal(sig)
            out, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
        if handled:
            break
    return process.returncode, out, err


# The interpreter starts in about 0.1 s, the commands import and typer reads their annotations for tenths of
# a second, and the command imports its libraries and runs for a second or more (the machine's load moves
# each): a signal at 0.15 s or 0.3 s lands in the first part on a quiet machine (there, two runs of eight
# died of SIGINT after their line, and one ran on to exit 0, before brinkmanship.stopping), at 1 s later.
DELAYS_S = [0.15, 0.3, 1.0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX signals")
@pytest.mark.parametrize("delay_s", DELAYS_S)
@pytest.mark.parametrize("module", ["brinkmanship.entry", "brinkmanship.cli"])
def test_sigterm_while_the_commands_import_is_one_line(tmp_path, module, delay_s):
    """SIGTERM while the console script imports the commands (seconds) killed it without a word; it is
    one line and exit code 143, as later in the command. `python -m brinkmanship.cli` too: it imported
    the commands before any handler was set, and exited 143 in silence."""
    from brinkmanship import entry

    outcome = _signalled_while_starting(module, signal.SIGTERM, tmp_path, delay_s)
    assert outcome == (143, "", entry.TERMINATED + "\n")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX signals")
@pytest.mark.parametrize("delay_s", DELAYS_S)
@pytest.mark.parametrize("module", ["brinkmanship.entry", "brinkmanship.cli"])
def test_ctrl_c_while_the_commands_import_stops_a_background_job(tmp_path, module, delay_s):
    """A shell starts a background job (`brink run ... &`) with SIGINT ignored: a Ctrl-C (SIGINT) while the
    commands imported was dropped, and the command ran on to the end and exited 0. It is one line and exit
    code 130, as later in the command."""
    from brinkmanship import entry

    outcome = _signalled_while_starting(module, signal.SIGINT, tmp_path, delay_s, ignore_sigint=True)
    assert outcome == (130, "", entry.INTERRUPTED + "\n")


def test_without_a_war_the_shares_of_the_paths_to_war_are_undefined(capsys):
    """No war, no share: 'deliberate 0%' of no wars was printed (and 0 in JSON); now n/a and null, as is the
    share of no agreements that broke down."""
    args = ["run", "cuba-1962", "--runs", "200", "--days", "1", "--seed", "7"]
    assert main([*args, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["outcomes"]["war"]["count"] == 0
    for path in result["paths"].values():
        assert path["share"] is None and path["ci95"] is None
        assert path["p"] == 0.0 and path["p_ci95"][0] == 0.0
    assert main(["run", "cuba-1962", "--runs", "200", "--days", "1", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if "deliberate" in line or "false alarm" in line]
    assert len(rows) == 2 and all("n/a" in row and "0%" not in row.split("n/a")[0] for row in rows)
    assert "no path reached war" in out


def test_the_share_of_no_agreements_that_broke_down_is_undefined():
    from brinkmanship.engine.ensemble import Tally
    from brinkmanship.engine.results import agreement_summary

    tally = Tally(runs=100, days=10)
    assert agreement_summary(tally)["broke_down_share"] == {"p": None, "ci95": None}
    tally.agreement, tally.breakdown = 4, 1
    assert agreement_summary(tally)["broke_down_share"]["p"] == 0.25


def test_after_a_recorded_agreement_its_breakdowns_are_not_a_share_of_new_ones() -> None:
    """From 20 Nov 1962 (an agreement in force on the paths) 3 breakdowns beside 1 agreement newly reached
    made a "share" of 3 and NumPy's "invalid value encountered in sqrt" on stderr of run, compare, brief."""
    import warnings

    from brinkmanship.engine.ensemble import Tally
    from brinkmanship.engine.results import agreement_summary

    tally = Tally(runs=300, days=20)
    tally.agreement, tally.breakdown = 1, 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        summary = agreement_summary(tally, in_force_at_start=290)
    assert summary["broke_down_share"] == {"p": None, "ci95": None}


PAUSE_S = 1.5


def _slow_replay(monkeypatch, module):
    """Make the --as-of replay take at least PAUSE_S more: the elapsed time printed must include it."""
    replay = module.as_of_start

    def slow(*args, **kwargs):
        time.sleep(PAUSE_S)
        return replay(*args, **kwargs)

    monkeypatch.setattr(module, "as_of_start", slow)


AS_OF_62 = ["cuba-1962", "--as-of", "1962-10-24", "--runs", "100", "--days", "10"]


def test_run_as_of_counts_the_replay_in_its_elapsed_time(monkeypatch, capsys):
    """`run --as-of` printed '0.0 s' after seconds of replaying: the time covered the forecast only."""
    from brinkmanship import cli_engine

    _slow_replay(monkeypatch, cli_engine)
    assert main(["run", *AS_OF_62, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["elapsed_s"] >= PAUSE_S
    assert main(["run", *AS_OF_62]) == 0
    assert float(capsys.readouterr().out.split()[-2]) >= PAUSE_S


def test_compare_as_of_counts_the_replay_in_its_elapsed_time(monkeypatch, capsys):
    from brinkmanship import cli_policies

    _slow_replay(monkeypatch, cli_policies)
    assert main(["compare", *AS_OF_62, "-p", "direct-channel", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["elapsed_s"] >= PAUSE_S
    assert main(["compare", *AS_OF_62, "-p", "direct-channel"]) == 0
    assert float(capsys.readouterr().out.split()[-2]) >= PAUSE_S


def test_brief_as_of_counts_the_replay_in_its_elapsed_time(monkeypatch, capsys, tmp_path):
    from brinkmanship import cli_policies

    _slow_replay(monkeypatch, cli_policies)
    args = ["brief", *AS_OF_62[:-2], "--curve-runs", "0", "--sensitivity-runs", "0", "--indicator-runs", "0"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    assert float(capsys.readouterr().out.split()[-2]) >= PAUSE_S
    data = json.loads((tmp_path / "briefing.json").read_text(encoding="utf-8"))
    assert data["elapsed_s"] >= data["comparison"]["elapsed_s"] >= PAUSE_S


def test_one_path_and_one_day_are_singular(capsys):
    """'korea-2017: 1 paths x 30 days' (brinkmanship.wording.plural)."""
    assert main(["run", "korea-2017", "--runs", "1", "--days", "1"]) == 0
    out = capsys.readouterr().out
    assert "korea-2017: 1 path x 1 day (seed" in out


def test_no_help_text_shows_rst_markup():
    """'``--param-uncertainty``' in compare --help: help is read in a terminal, not rendered as RST."""
    import typer
    from typer.testing import CliRunner

    from brinkmanship.cli import app

    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]

    def walk(command: object, prefix: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            paths.append([*prefix, name])
            walk(sub, [*prefix, name])

    walk(root, [])
    runner = CliRunner()
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, path
        for mark in ("``", ":func:", ":class:", ":mod:", ":data:", ":meth:"):
            assert mark not in result.output, (path, mark)
    assert len(paths) > 10


def test_an_out_name_longer_than_the_file_system_takes_is_named_with_its_flag(tmp_path, capsys):
    """It read 'error: cannot write xxx...: File name too long', without saying which option (a tester)."""
    assert (
        main(["run", "korea-calm", "--runs", "10", "--days", "2", "--out", str(tmp_path / ("x" * 300))]) == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("error: --out: the name 'xxx") and "300 bytes long" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_an_out_path_longer_than_the_file_system_takes_is_one_short_line(tmp_path, capsys):
    """It printed the whole path, 5,065 characters, in its one line (a tester)."""
    deep = tmp_path.joinpath(*(["b" * 200] * 25))
    assert main(["run", "korea-calm", "--runs", "10", "--days", "2", "--out", str(deep)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --out: the path is ") and "bytes long" in err and len(err) < 120
    assert list(tmp_path.iterdir()) == []
