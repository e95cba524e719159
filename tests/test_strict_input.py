"""Input the commands once took in a form they should refuse: one line naming what and where, exit 2.

Dates in other spellings than YYYY-MM-DD, an option given twice, numbers written as booleans or text in
files, a bad lever in a file only listed, a sweep unit's result under another unit's name, an option
without the option it belongs to, a replay from before the scenario's calm state, and a posterior file
whose fields are read unchecked. Every refusal must come before any computation: the computations are
stubbed to fail the test.
"""

from __future__ import annotations

import copy
import io
import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import typer
import yaml

from brinkmanship.analysis import compare
from brinkmanship.calibration.posterior import load_posterior
from brinkmanship.cli import app, main
from brinkmanship.cli_common import OptionsGivenOnce, given
from brinkmanship.policies import Catalogue, Policy, check_policy
from brinkmanship.scenario import load_scenario
from brinkmanship.scenario.loader import builtin_mapping, builtin_names
from brinkmanship.sweep.grid import load_grid
from tests.conftest import no_computing


def _one_line(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    """Run ``brink args``: exit 2, exactly one line on stderr, no warning; return the line."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("error") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert not caught, [str(w.message) for w in caught]
    return err


# --- 1. dates: YYYY-MM-DD only ----------------------------------------------------------------------

DATE_OPTIONS = [
    ["run", "korea-2017", "--runs", "100", "--days", "10", "--as-of", "{}"],
    ["compare", "korea-2017", "--runs", "100", "--days", "10", "--as-of", "{}"],
    ["brief", "korea-2017", "--runs", "100", "--as-of", "{}", "--out", "{out}"],
    ["replay", "korea-2017", "--runs", "100", "--from", "{}"],
    ["replay", "korea-2017", "--runs", "100", "--to", "{}"],
]


@pytest.mark.parametrize("spelling", ["20171231", "2017-W52-7", "2017-365", "2017-12-31T00:00"])
@pytest.mark.parametrize("command", DATE_OPTIONS, ids=lambda c: f"{c[0]} {c[c.index('{}') - 1]}")
def test_a_date_option_takes_only_yyyy_mm_dd(
    command: list[str],
    spelling: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    no_computing(monkeypatch)
    out = tmp_path / "out"
    args = [part.replace("{}", spelling).replace("{out}", str(out)) for part in command]
    flag = command[command.index("{}") - 1]
    err = _one_line(capsys, args)
    assert f"{flag} {spelling!r}" in err and "YYYY-MM-DD" in err
    assert not out.exists()


def test_a_date_in_a_scenario_file_is_a_date_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = copy.deepcopy(builtin_mapping("korea-2017"))
    data["start_date"] = "2017-11-26T00:00:00"  # pydantic alone reads a midnight time as the date
    path = tmp_path / "dated.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    err = _one_line(capsys, ["show", str(path)])
    assert str(path) in err and "start_date" in err and "YYYY-MM-DD" in err


# --- 2. a single-value option given twice ------------------------------------------------------------

TWICE = [
    (["run", "korea-2017", "--runs", "100", "--runs", "200"], "--runs"),
    (["run", "korea-2017", "-n", "100", "--runs", "200"], "--runs"),
    (["run", "korea-2017", "--json", "--json", "--runs", "100", "--days", "5"], "--json"),
    (["compare", "korea-2017", "--seed", "1", "--seed", "2"], "--seed"),
    (["brief", "korea-2017", "--out", "{out}", "-o", "{out}2"], "--out"),
    (["replay", "korea-2017", "--from", "2017-09-01", "--from", "2017-10-01"], "--from"),
    (["events", "korea-2017", "-e", "a.csv", "--events", "b.csv"], "--events"),
    (["sensitivity", "korea-2017", "--method", "oat", "--method", "sobol"], "--method"),
    (["sweep", "korea-2017", "--grid", "a.yaml", "--grid", "b.yaml", "--out", "{out}"], "--grid"),
    (["calibrate", "--show", "--posterior", "a.json", "--posterior", "b.json"], "--posterior"),
    (["validate", "--draws", "2", "--draws", "3"], "--draws"),
    (["effects", "--yield-kt", "10", "--yield-kt", "20", "--target", "Seoul", "--map", ""], "--yield-kt"),
    (["intel", "reach", "--range-km", "100", "--range-km", "200", "--map", ""], "--range-km"),
    (["policies", "--scenario", "korea-2017", "-s", "cuba-1962"], "--scenario"),
]


@pytest.mark.parametrize(("command", "flag"), TWICE, ids=[f"{c[0]} {flag}" for c, flag in TWICE])
def test_a_single_value_option_given_twice_is_refused(
    command: list[str],
    flag: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    no_computing(monkeypatch)
    out = tmp_path / "out"
    err = _one_line(capsys, [part.replace("{out}", str(out)) for part in command])
    assert flag in err and "given more than once" in err
    assert not list(tmp_path.iterdir())


def _commands(command: Any) -> list[Any]:
    """Every command under ``command`` that runs (the groups' leaves)."""
    if hasattr(command, "commands"):  # a group (Typer's own, which is not click's Group)
        return [leaf for sub in command.commands.values() for leaf in _commands(sub)]
    return [command]


def test_every_command_refuses_an_option_given_twice() -> None:
    leaves = _commands(typer.main.get_command(app))
    assert len(leaves) > 10
    assert all(isinstance(leaf, OptionsGivenOnce) for leaf in leaves), [
        leaf.name for leaf in leaves if not isinstance(leaf, OptionsGivenOnce)
    ]


class _Reached(Exception):
    """The command got past its checks to the computation."""


def test_options_meant_to_repeat_still_repeat(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["intel", "yield", "--mb", "5.0", "--mb", "6.1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["mb"] == [5.0, 6.1]
    compared: list[str] = []

    def comparison(scenario: object, chosen: list[Policy], *args: object) -> None:
        compared.extend(policy.name for policy in chosen)
        raise _Reached

    monkeypatch.setattr(compare, "run_comparison", comparison)
    with pytest.raises(_Reached):
        main(["compare", "korea-2017", "-p", "talks", "--policy", "restraint", "-n", "100", "--days", "5"])
    assert compared == ["talks", "restraint"]


# --- 3. numbers in files are numbers as written ------------------------------------------------------

NOT_NUMBERS = [
    ("war.nuclear_hazard", True, "expected a number, got true"),
    ("war.nuclear_hazard", "0.5", "expected a number, got the text '0.5'"),
    ("horizon_days", "365", "expected a number"),
    ("horizon_days", False, "expected a number, got false"),
    ("actors.DPRK.voices.0.weight", True, "expected a number"),
    ("false_alarms.pass_through.0", "0.5", "expected a number"),
    ("loss_of_control.threshold_jump.nuclear", "2", "expected a number"),
    ("uncertainties.0.low", True, "expected a number"),
    ("agreement.talks_open", 1, "expected true or false, got 1"),
    ("channels.direct.enabled", "yes", "expected true or false, got 'yes'"),
]


def _set_in(data: dict[str, Any], path: str, value: object) -> None:
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[int(last) if isinstance(node, list) else last] = value


@pytest.mark.parametrize(
    ("field", "value", "said"), NOT_NUMBERS, ids=[f"{f}={v!r}" for f, v, _ in NOT_NUMBERS]
)
def test_a_scenario_file_number_must_be_a_number(
    field: str, value: object, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = copy.deepcopy(builtin_mapping("korea-2017"))
    _set_in(data, field, value)
    path = tmp_path / "typed.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    err = _one_line(capsys, ["show", str(path)])
    assert str(path) in err and field in err and said in err


LEVER_VALUES = [
    ("channels: {direct: {verify: '0.9'}}", "channels.direct.verify", "expected a number"),
    ("channels: {direct: {enabled: 'yes'}}", "channels.direct.enabled", "expected true or false, got 'yes'"),
    ("channels: {public_noise: true}", "channels.public_noise", "expected a number"),
    ("channels: {mediators: {UN: 1}}", "channels.mediators.UN", "expected true or false, got 1"),
    ("channels: {direct: {verify: '9e-1'}}", "channels.direct.verify", "write a number without quotes"),
    # a digit separator: YAML reads it as text, and there were no quotes to take away
    ("channels: {direct: {verify: 9_0e-2}}", "channels.direct.verify", "write it plainly: no '_', no quotes"),
]


@pytest.mark.parametrize(("change", "field", "said"), LEVER_VALUES, ids=[c for c, _, _ in LEVER_VALUES])
@pytest.mark.parametrize("command", [["compare", "korea-2017", "--runs", "100", "--days", "5"], ["policies"]])
def test_a_lever_file_number_must_be_a_number(
    change: str,
    field: str,
    said: str,
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The lever's own fields, checked as the file is read (its ``set`` values: see section 4)."""
    no_computing(monkeypatch)
    path = tmp_path / "levers.yaml"
    path.write_text(f"levers:\n  mine:\n    {change}\n", encoding="utf-8")
    err = _one_line(capsys, [*command, "--policy-file", str(path)])
    assert str(path) in err and field in err and said in err


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ("{target: Seoul, yield_kt: true}", "yield_kt"),
        ("{target: Seoul, yield_kt: '10'}", "yield_kt"),
        ("{lat: '37.5', lon: 127.0, yield_kt: 10}", "lat"),
        ("{target: Seoul, yield_kt: 10, height_m: false}", "height_m"),
        ("{target: Seoul, yield_kt: 10, burst: 1}", "burst"),
    ],
)
def test_a_strike_plan_number_must_be_a_number(
    entry: str, field: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(f"detonations:\n  - {entry}\n", encoding="utf-8")
    err = _one_line(capsys, ["effects", "--plan", str(path), "--map", ""])
    assert f"{path}: detonations[0].{field}: expected" in err


def test_a_number_a_lever_sets_must_be_a_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Checked where the lever is applied, by the scenario's own schema."""
    path = tmp_path / "levers.yaml"
    path.write_text("levers:\n  mine:\n    set: {war.nuclear_hazard: true}\n", encoding="utf-8")
    err = _one_line(
        capsys, ["compare", "korea-2017", "--runs", "100", "--days", "5", "--policy-file", str(path)]
    )
    assert str(path) in err and "war.nuclear_hazard: expected a number, got true" in err


def test_the_shipped_files_still_load() -> None:
    """Every built-in scenario, with every built-in lever that applies, and the example sweep grid."""
    catalogue = Catalogue.builtin()
    for name in builtin_names():
        scenario = load_scenario(name)
        policies, _ = catalogue.default_policies(scenario)
        for policy in policies:
            check_policy(scenario, policy)
    load_grid(Path(__file__).parent.parent / "examples" / "sweep.yaml", load_scenario("korea-2017"))


# --- 4. `brink policies` refuses a bad lever file as the other commands do ---------------------------

BAD_LEVERS = [
    ("set: {war.nuclear_hazard: 2.0}", "war.nuclear_hazard: should be at most 1 (got the number 2.0)"),
    ("set: {war.nuclear_hazard: true}", "war.nuclear_hazard: expected a number, got true"),
    ("set: {war.no_such_thing: 0.5}", "no parameter 'war.no_such_thing'"),
    ("set: {actors.US.voices.first.weight: 1.0}", "no parameter 'actors.US.voices.first.weight'"),
    ("set: {actors.US.resolve: {alpha: 2.0}}", "actors.US.resolve.beta: required field is missing"),
    ("set: {channels.direct: {enabled: true, hotline: 1}}", "channels.direct.hotline: unknown key"),
    ("set: {decision.action_costs: {hold: '0.1'}}", "decision.action_costs.hold: expected a number"),
]


@pytest.mark.parametrize(("change", "said"), BAD_LEVERS, ids=[c for c, _ in BAD_LEVERS])
@pytest.mark.parametrize(
    "command",
    [["policies"], ["policies", "--scenario", "korea-2017"], ["compare", "korea-2017", "-n", "100"]],
    ids=" ".join,
)
def test_a_bad_lever_is_refused_as_the_file_is_read(
    change: str,
    said: str,
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    no_computing(monkeypatch)
    path = tmp_path / "levers.yaml"
    path.write_text(
        f"levers:\n  fine:\n    forbid: {{both: [nuclear_test]}}\n  mine:\n    {change}\n", "utf-8"
    )
    err = _one_line(capsys, [*command, "--policy-file", str(path)])
    assert f"{path}: levers.mine.set: " in err and said in err


def test_brink_policies_refuses_a_lever_that_cannot_apply_to_its_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Which actors a lever names depends on the scenario: checked against the one given."""
    path = tmp_path / "levers.yaml"
    path.write_text("levers:\n  mine:\n    forbid: {USSR: [nuclear_test]}\n", encoding="utf-8")
    assert main(["policies", "--scenario", "cuba-1962", "--policy-file", str(path), "--json"]) == 0
    capsys.readouterr()
    err = _one_line(capsys, ["policies", "--scenario", "korea-2017", "--policy-file", str(path)])
    assert f"{path}: levers.mine.forbid: 'USSR' is not a principal of korea-2017" in err


def test_a_good_lever_file_still_lists(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "levers.yaml"
    path.write_text(
        "levers:\n  mine:\n    set: {actors.US.strategy: trial-and-error, war.nuclear_hazard: 0.01,"
        " channels.direct: {enabled: true}, actors.DPRK.voices.0.weight: 2}\n",
        encoding="utf-8",
    )
    assert main(["policies", "--scenario", "korea-2017", "--policy-file", str(path), "--json"]) == 0
    entries = {entry["name"]: entry for entry in json.loads(capsys.readouterr().out)["levers"]}
    assert (
        "war.nuclear_hazard: 0.003 -> 0.01" in entries["mine"]["in_scenario"]
        or entries["mine"]["in_scenario"]
    )
    assert entries["freeze-for-freeze"]["in_scenario"]  # a built-in lever that cannot apply is still listed


# --- 5. sweep --resume: a unit file holds the unit its name says ------------------------------------

SWEEP_GRID = """\
runs: 100
days: 10
seed: 5
replicates: 1
parameters:
  escalation.clash_to_war: [0.02, 0.08]
policies: [baseline, restraint]
"""


def test_resume_refuses_a_unit_file_under_another_units_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A unit's result copied under another unit's name (or with another seed recorded) would be kept as
    that unit's: the dataset would hold one unit twice and the other never. Refused, nothing deleted."""
    grid = tmp_path / "grid.yaml"
    grid.write_text(SWEEP_GRID, encoding="utf-8")
    out = tmp_path / "out"
    sweep = ["sweep", "cuba-1962", "--grid", str(grid), "--out", str(out), "--json"]
    assert main(sweep) == 0
    capsys.readouterr()
    baseline = out / "policy=baseline"
    first, second = sorted(baseline.glob("unit-*.parquet"))  # units 0 and 2
    kept = second.read_bytes()
    second.write_bytes(first.read_bytes())
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    err = _one_line(capsys, [*sweep, "--resume"])
    assert f"policy=baseline/{second.name} records unit_id 0, but unit 2 (its name) has unit_id 2" in err
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before

    table = pq.read_table(io.BytesIO(kept))
    seed = table.column("seed")[0].as_py()
    reseeded = table.set_column(
        table.schema.get_field_index("seed"), "seed", pa.array([seed + 1], pa.int64())
    )
    pq.write_table(reseeded, second)
    err = _one_line(capsys, [*sweep, "--resume"])
    assert (
        f"policy=baseline/{second.name} records seed {seed + 1}, but unit 2 (its name) has seed {seed}" in err
    )
    assert second.exists()

    second.write_bytes(kept)
    assert main([*sweep, "--resume"]) == 0
    assert json.loads(capsys.readouterr().out)["units_computed"] == 0


# --- 6. an option that means something only with another, given alone --------------------------------

SEOUL = ["effects", "--yield-kt", "10", "--target", "Seoul", "--map", ""]
ALONE = [
    # given at their default values: asked for all the same, and refused all the same
    (["run", "korea-2017", "--draws", "16"], "--draws goes with --param-uncertainty"),
    (["run", "korea-2017", "--runs-per-draw", "1024"], "--runs-per-draw goes with --param-uncertainty"),
    (["compare", "korea-2017", "--draws", "16"], "--draws goes with --param-uncertainty"),
    (["compare", "korea-2017", "--runs-per-draw", "512"], "--runs-per-draw goes with --param-uncertainty"),
    (["brief", "korea-2017", "--draws", "16"], "--draws goes with --param-uncertainty"),
    (["brief", "korea-2017", "--posterior", "p.json"], "--posterior goes with --param-uncertainty"),
    (["run", "korea-2017", "--runs", "100", "--force"], "--force goes with --out"),
    (["replay", "korea-2017", "--runs", "100", "--force"], "--force goes with --out"),
    (["sensitivity", "korea-2017", "--force"], "--force goes with --out"),
    (["calibrate", "korea-2017", "--design", "96"], "--design goes with --out"),
    (["calibrate", "korea-2017", "--replay-runs", "1024"], "--replay-runs goes with --out"),
    (["calibrate", "--show", "--seed", "20171126"], "--seed goes with --out or SCENARIO, not --show"),
    (["calibrate", "--show", "--force"], "--force goes with --out"),
    (["brief", "korea-2017", "--sensitivity-runs", "0", "--sensitivity", "oat"], "--sensitivity: not used"),
    (["brief", "korea-2017", "--sensitivity-runs", "0", "--sensitivity-n", "8"], "--sensitivity-n: not used"),
    (
        [*SEOUL, "--wind-toward-deg", "90"],
        "--wind-toward-deg goes with --wind-kmh",
    ),
    (["effects", "--plan", "plan.yaml", "--burst", "air", "--map", ""], "--plan: give either a plan file"),
    (["effects", "--plan", "plan.yaml", "--height-m", "500", "--map", ""], "--plan: give either a plan file"),
    (
        [
            "effects",
            "--yield-kt",
            "10",
            "--target",
            "Seoul",
            "--convention",
            "nukemap",
            "--blast",
            "brode1986",
        ],
        "--blast",
    ),
    (
        [
            "sweep",
            "korea-2017",
            "--grid",
            "g.yaml",
            "--out",
            "{out}",
            "--dask",
            "tcp://host:8786",
            "--workers",
            "0",
        ],
        "--workers: not used with --dask tcp://host:8786",
    ),
]


@pytest.mark.parametrize(("command", "said"), ALONE, ids=[" ".join(c[:1] + c[-2:]) for c, _ in ALONE])
def test_an_option_given_without_the_one_it_needs_is_refused(
    command: list[str],
    said: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    no_computing(monkeypatch)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    err = _one_line(capsys, [part.replace("{out}", str(out)) for part in command])
    assert said in err
    assert not list(tmp_path.iterdir())  # nothing written (brief's default folder included)


def test_options_are_given_only_on_the_command_line() -> None:
    """Outside a command (its function called from Python) no option counts as given."""
    assert not given("--draws")


# --- 7. a replay starts no earlier than the scenario's calm state ------------------------------------


@pytest.mark.parametrize(
    ("scenario", "first", "calm"),
    [
        ("korea-2017", "1990-01-01", "2017-01-01"),
        ("korea-2017", "2016-12-31", "2017-01-01"),
        ("cuba-1962", "1962-06-30", "1962-07-01"),
    ],
)
def test_a_replay_from_before_the_calm_state_is_refused(
    scenario: str,
    first: str,
    calm: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The replay starts every path in the calm state of the prelude's first date: from decades before
    it would run the model in years the scenario does not describe."""
    no_computing(monkeypatch)
    err = _one_line(capsys, ["replay", scenario, "--from", first, "--runs", "100"])
    assert f"--from {first}: before the calm state of {scenario} on {calm} (the prelude's first date)" in err


def test_without_a_prelude_a_replay_starts_no_earlier_than_the_start_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    no_computing(monkeypatch)
    data = copy.deepcopy(builtin_mapping("korea-2017"))
    del data["prelude"]
    path = tmp_path / "no-prelude.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    err = _one_line(capsys, ["replay", str(path), "--no-events", "--from", "2017-09-25", "--runs", "100"])
    assert "--from 2017-09-25: before the calm state of korea-2017 on 2017-09-26 (its start date" in err


def test_events_before_the_calm_state_do_not_move_the_default_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default --from is the calm state's date, as its help says, even where an event file begins
    earlier: the earlier events are counted as before --from, not replayed from an earlier date."""
    path = tmp_path / "events.csv"
    path.write_text(
        "date,actor,kind,event,channel,description,source,terms\n"
        "2016-12-20,DPRK,action,missile_test,public,,a source,\n"
        "2017-01-05,DPRK,action,missile_test,public,,a source,\n",
        encoding="utf-8",
    )
    args = ["replay", "korea-2017", "--events", str(path), "--runs", "32", "--every", "10", "--json"]
    assert main(args) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["from"] == "2017-01-01" and record["events_before_from"] == 1


# --- 8. every field of a posterior file that is read is checked --------------------------------------

SHIPPED = load_posterior()


def _posterior(change: Callable[[dict[str, Any]], None]) -> str:
    document = copy.deepcopy(SHIPPED.document)
    change(document)
    return json.dumps(document)


def _edit(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda document: _set_in(document, path, value)


def _draw(k: int, path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """Set a draw's value (a draw's keys are dotted paths)."""
    return lambda document: document["draws"][k].__setitem__(path, value)


def _add_to_draw(document: dict[str, Any]) -> None:
    document["draws"][3]["war.nuclear_hazard"] = 0.01


def _drop_from_draw(document: dict[str, Any]) -> None:
    del document["draws"][0]["tension.amplification"]


def _drop_predictive(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda document: document["predictive"][0].pop(key)


def _twice(document: dict[str, Any]) -> None:
    document["parameters"][1]["path"] = document["parameters"][0]["path"]


BAD_POSTERIORS = [
    (_edit("parameters.0.path", 5), "parameters.0.path: should be text (got the number 5)"),
    (_edit("parameters.0.path", "war.no_such_thing"), "parameters.0.path: no parameter 'war.no_such_thing'"),
    (_edit("parameters.0.path", "tension..amplification"), "parameters.0.path: malformed parameter path"),
    (_twice, "parameters.1.path: 'tension.amplification' given twice"),
    (_edit("parameters.0.prior.low", "1.5"), "parameters.0.prior.low: expected a number"),
    (_edit("parameters.0.prior.high", True), "parameters.0.prior.high: expected a number, got true"),
    (_edit("parameters.0.prior.low", 9.0), "parameters.0.prior: low (9.0) must be below high"),
    (_edit("parameters.0.prior.dist", "normal"), "parameters.0.prior.dist"),
    (_edit("parameters.0.posterior.median", "2.1"), "parameters.0.posterior.median: expected a number"),
    (
        _edit("parameters.0.posterior.median", 1.0),
        f"parameters.0.posterior: q05 {SHIPPED.document['parameters'][0]['posterior']['q05']:g}, median 1",
    ),
    (
        _edit("parameters.0.posterior.q95", 7.0),
        "parameters.0: posterior q95 7 is outside the prior, 1.5 to 6",
    ),
    (_edit("parameters.0.shrinkage", "0.97"), "parameters.0.shrinkage: expected a number"),
    (_edit("parameters.0.shrinkage", 5), "parameters.0.shrinkage: should be at most 1 (got the number 5)"),
    (_edit("parameters.0.source", 3), "parameters.0.source: should be text (got the number 3)"),
    (_add_to_draw, "draws.3: 'war.nuclear_hazard' is not a free parameter of the posterior"),
    (_drop_from_draw, "draws.0: no value for 'tension.amplification'"),
    (_draw(0, "escalation.clash_to_war", 1.5), "draws.0.escalation.clash_to_war: escalation.clash_to_war: "),
    (
        _draw(1, "tension.amplification", 9.0),
        "draws.1.tension.amplification: 9 is outside its prior, 1.5 to 6",
    ),
    (_edit("draws", {"a": 1}), "draws and weights must be lists"),
    (_edit("weights.0", "0.5"), "weights: '0.5' is not a number"),
    (_edit("diagnostics.mcmc_acceptance", "0.15"), "diagnostics.mcmc_acceptance: expected a number"),
    (_edit("diagnostics.mcmc_acceptance", 1.5), "diagnostics.mcmc_acceptance: should be at most"),
    (_edit("diagnostics.effective_sample_size", -1), "diagnostics.effective_sample_size: should be"),
    (
        _edit("tensions.0.correlation", -2),
        "tensions.0.correlation: should be at least -1 (got the number -2)",
    ),
    (
        _edit("tensions.0.targets", ["calm-year-war"]),
        "tensions.0.targets: should have at least 2 entries (got 1)",
    ),
    (_edit("simulations", "160"), "simulations: expected a number"),
    (_edit("simulations", -1), "simulations: should be at least 0 (got the number -1)"),
    (_edit("created", "yesterday"), "created: not an ISO date (YYYY-MM-DD)"),
    (_edit("method", 5), "method: should be text (got the number 5)"),
    # The per-target block: each field named in words (it read KeyError('met'), TypeError("'int' object
    # is not iterable")).
    (_drop_predictive("met"), "predictive.0.met: missing"),
    (_edit("predictive.0.value", "x"), "predictive.0.value: 'x' is not a number"),
    (_edit("predictive.0.band", 5), "predictive.0.band: not null or a pair of numbers (5)"),
    (_edit("predictive.0.band", [0.1]), "predictive.0.band: not null or a pair of numbers ([0.1])"),
    (_edit("predictive.0.judgement", None), "predictive.0.judgement: not a mapping (None)"),
    (_edit("predictive.0.prior_predictive", [1]), "predictive.0.prior_predictive: not a mapping ([1])"),
]


@pytest.mark.parametrize(("change", "said"), BAD_POSTERIORS, ids=[s.split(":")[0] for _, s in BAD_POSTERIORS])
@pytest.mark.parametrize(
    "command",
    [
        ["calibrate", "--show"],
        ["validate", "--draws", "2"],
        ["run", "korea-2017", "--runs", "100", "--days", "5", "--param-uncertainty", "--draws", "2"],
        ["compare", "cuba-1962", "-n", "100", "--days", "5", "--param-uncertainty", "--draws", "2"],
    ],
    ids=lambda command: command[0],
)
def test_a_posterior_file_is_checked_field_by_field(
    change: Callable[[dict[str, Any]], None],
    said: str,
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    no_computing(monkeypatch)
    path = tmp_path / "posterior.json"
    path.write_text(_posterior(change), encoding="utf-8")
    err = _one_line(capsys, [*command, "--posterior", str(path)])
    assert f"{path}: " in err and said in err


def test_a_posterior_number_too_large_for_a_float_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON has no infinity, but Python reads 1e999 as one."""
    text = _posterior(_edit("diagnostics.effective_sample_size", 12345.5)).replace("12345.5", "1e999")
    path = tmp_path / "posterior.json"
    path.write_text(text, encoding="utf-8")
    err = _one_line(capsys, ["calibrate", "--show", "--posterior", str(path)])
    assert f"{path}: malformed posterior: diagnostics.effective_sample_size: " in err


def test_the_shipped_posterior_and_a_copy_of_it_load(tmp_path: Path) -> None:
    path = tmp_path / "posterior.json"
    path.write_text(json.dumps(SHIPPED.document), encoding="utf-8")
    assert load_posterior(path).draws == SHIPPED.draws


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("levers:\n  mine:\n    set: {channels.public.noise: %s}\n", ["policies", "--policy-file"]),
        ("name: big\nhorizon_days: %s\n", ["run"]),
        ("levers:\n  mine:\n    set: {channels.public.noise: %s.5}\n", ["policies", "--policy-file"]),
    ],
)
def test_a_number_of_thousands_of_digits_is_one_line_not_a_traceback(
    text: str, command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Python refuses to read an integer of over 4,300 digits with a ValueError (it was a traceback,
    exit 1): the file reader refuses any number of over 100 digits, naming the file and line."""
    path = tmp_path / "big.yaml"
    path.write_text(text % ("9" * 5000), encoding="utf-8")
    err = _one_line(capsys, [*command, str(path)])
    assert f"{path}:" in err and "a number of 5,000 digits (at most 100)" in err


def test_a_scenario_saved_as_json_by_a_program_is_read_as_the_built_in(tmp_path: Path, capsys) -> None:
    """A built-in scenario written by Python's json (which writes 0.00005 as 5e-05, text to YAML 1.1) is
    the same scenario; a number in exponent notation beyond a double is refused as not finite."""
    data = builtin_mapping("korea-2017")
    path = tmp_path / "korea.json"
    path.write_text(json.dumps(data, default=str))
    assert "e-05" in path.read_text()
    assert load_scenario(str(path)).model_dump(exclude={"source"}) == load_scenario("korea-2017").model_dump(
        exclude={"source"}
    )
    huge = copy.deepcopy(data)
    huge["escalation"]["clash_to_war"] = "__HUGE__"
    path.write_text(json.dumps(huge, default=str).replace('"__HUGE__"', "1e400"))
    err = _one_line(capsys, ["show", str(path)])
    assert "escalation.clash_to_war: should be a finite number" in err


def test_a_date_written_as_a_number_says_it_became_one(tmp_path: Path, capsys) -> None:
    """``start_date: 2017e1`` is the number 20170.0 once read: the message says a number came, not only its
    value (it read 'not an ISO date (YYYY-MM-DD): 20170.0')."""
    data = builtin_mapping("korea-2017")
    path = tmp_path / "dated.json"
    path.write_text(json.dumps({**data, "start_date": "__D__"}, default=str).replace('"__D__"', "2017e1"))
    err = _one_line(capsys, ["show", str(path)])
    assert "start_date: not an ISO date (YYYY-MM-DD): got a number, 20170.0" in err


@pytest.mark.parametrize(("field", "most"), [("name", 64), ("title", 200), ("description", 1000)])
def test_a_scenarios_name_title_and_description_have_a_length_limit(
    field: str, most: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 100,000-character name was accepted and printed whole in every run's header."""
    data = copy.deepcopy(builtin_mapping("korea-2017"))
    data[field] = "a" * most
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["show", str(path)]) == 0
    capsys.readouterr()
    data[field] = "a" * (most + 1)
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    err = _one_line(capsys, ["show", str(path)])
    assert err.rstrip().endswith(f"{field}: should have at most {most} characters (got {most + 1})"), err
