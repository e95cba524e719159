"""Input the commands once took in a form they should refuse: one line naming what and where, exit 2.

Dates in other spellings than YYYY-MM-DD, an option given twice, numbers written as booleans or text in
files, a bad lever in a file only listed, a sweep unit's result under another unit's name, an option
without the option it belongs to, a replay from before the scenario's calm state, and a posterior file
whose fields are read unchecked. Every refusal must come before any computation: the computations are
stubbed to fail the test.
"""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from brinkmanship import cli_engine, cli_history, cli_policies, cli_sensitivity
from brinkmanship.calibration import uncertainty
from brinkmanship.cli import app, main
from brinkmanship.cli_common import OptionsGivenOnce
from brinkmanship.policies import Policy
from brinkmanship.scenario.loader import builtin_mapping


def _no_computing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any computation fail the test: a refusal must come before it."""

    def computed(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed before refusing")

    monkeypatch.setattr(cli_engine, "simulate", computed)
    monkeypatch.setattr(cli_engine, "run_split", computed)
    monkeypatch.setattr(cli_history, "replay", computed)
    monkeypatch.setattr(cli_history, "replayed_start", computed)
    monkeypatch.setattr(uncertainty, "replayed_start", computed)
    monkeypatch.setattr(cli_policies, "build_briefing", computed)
    monkeypatch.setattr(cli_policies, "run_comparison", computed)
    monkeypatch.setattr(cli_policies, "compare_robustness", computed)
    monkeypatch.setattr(cli_sensitivity.gsa, "global_sensitivity", computed)
    monkeypatch.setattr(cli_sensitivity, "one_at_a_time", computed)


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
    _no_computing(monkeypatch)
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
    _no_computing(monkeypatch)
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

    monkeypatch.setattr(cli_policies, "run_comparison", comparison)
    with pytest.raises(_Reached):
        main(["compare", "korea-2017", "-p", "talks", "--policy", "restraint", "-n", "100", "--days", "5"])
    assert compared == ["talks", "restraint"]
