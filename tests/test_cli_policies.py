"""`brink policies`, `brink compare`, `brink brief`: output, JSON, files, and every user mistake (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brinkmanship.cli import main
from brinkmanship.policies import BUILTIN_LEVERS

LEVER_FILE = """
levers:
  hotline:
    summary: A hotline that checks most alarms
    channels:
      direct: {enabled: true, delay_days: 0.1, verify: 0.9}
  no-tests:
    forbid: {DPRK: [missile_test, nuclear_test]}
"""


def test_policies_lists_every_lever_with_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policies"]) == 0
    out = capsys.readouterr().out
    for lever in BUILTIN_LEVERS:
        assert lever.name in out
    assert "Kurizaki" in out and "Fearon" in out and "editorial" in out


def test_policies_json_with_a_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policies", "--scenario", "cuba-1962", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    entries = {entry["name"]: entry for entry in data["levers"]}
    assert data["scenario"] == "cuba-1962"
    assert entries["freeze-for-freeze"]["in_scenario"][0].startswith("not applicable")
    assert "channels.direct.enabled: True -> False" in entries["no-private-channel"]["in_scenario"]
    assert entries["restraint"]["actor_qualifier"] is True
    assert entries["editorial"]["package"].startswith("restraint+")
    assert all(entries[lever.name]["sources"] for lever in BUILTIN_LEVERS)


def test_compare_named_policies_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["compare", "korea-2017", "-n", "600", "--seed", "3", "--json"]
    args += [
        "-p",
        "maximum-pressure",
        "-p",
        "freeze-for-freeze",
        "-p",
        "restraint+direct-channel+freeze-for-freeze",
    ]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["runs"] == 600 and data["seed"] == 3 and data["common_random_numbers"] is True
    names = [row["policy"] for row in data["policies"]]
    assert names == [
        "baseline",
        "maximum-pressure",
        "freeze-for-freeze",
        "restraint+direct-channel+freeze-for-freeze",
    ]
    package = data["policies"][3]
    assert package["levers"] == ["restraint", "direct-channel", "freeze-for-freeze"]
    assert package["outcomes"]["war"]["vs_reference"]["diff"] < 0
    assert data["policies"][1]["same_as"] == "baseline"
    assert sorted(row["rank"] for row in data["policies"])[0] == 1


def test_compare_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["compare", "cuba-1962", "-n", "500", "-p", "no-private-channel", "-p", "restraint:ussr"]) == 0
    )
    out = capsys.readouterr().out
    assert "no-private-channel" in out and "restraint:ussr" in out and "reference" in out
    assert "McNemar's p < 0.05" in out and "paired 95% interval" in out  # one rule: p and interval agree


def test_compare_defaults_to_every_applicable_lever(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "cuba-1962", "-n", "256", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    names = [row["policy"] for row in data["policies"]]
    assert names[0] == "baseline" and "no-private-channel" in names and "freeze-for-freeze" not in names
    assert any(note.startswith("freeze-for-freeze: not applicable") for note in data["notes"])


def test_compare_with_a_policy_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(LEVER_FILE, encoding="utf-8")
    assert main(["compare", "korea-2017", "--policy-file", str(path), "-n", "300", "--json"]) == 0
    names = [row["policy"] for row in json.loads(capsys.readouterr().out)["policies"]]
    assert names == ["baseline", "hotline", "no-tests"]
    assert (
        main(["compare", "korea-2017", "--policy-file", str(path), "-p", "hotline+restraint", "-n", "300"])
        == 0
    )


def test_brief_writes_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "brief"
    args = ["brief", "cuba-1962", "--out", str(out), "-n", "300", "--sensitivity-runs", "100"]
    args += ["--indicator-runs", "100", "-p", "no-private-channel"]
    assert main(args) == 0
    assert (out / "briefing.html").is_file() and (out / "briefing.md").is_file()
    assert (out / "figures" / "tornado.png").is_file()
    assert "briefing.html" in capsys.readouterr().out


def _fails(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(args) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


def test_unknown_lever_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    line = _fails(["compare", "korea-2017", "-p", "restraint+hotline"], capsys)
    assert "unknown lever 'hotline'" in line
    for lever in BUILTIN_LEVERS:
        assert lever.name in line


def test_malformed_lever_file_names_file_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("levers:\n  x:\n    forbid: {DPRK: [nuke]}\n", encoding="utf-8")
    line = _fails(["compare", "korea-2017", "--policy-file", str(path)], capsys)
    assert f"{path}: levers.x.forbid.DPRK.0" in line and "unknown action 'nuke'" in line
    line = _fails(["policies", "--policy-file", str(path)], capsys)
    assert f"{path}: levers.x.forbid.DPRK.0" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "korea-2017", "-p", "maximum-pressure+restraint:us"], "contradictory levers"),
        (["compare", "korea-2017", "-p", "restraint:ussr"], "'ussr' is not a principal of korea-2017"),
        (["compare", "cuba-1962", "-p", "freeze-for-freeze"], "declares no freeze terms"),
        (["compare", "korea-2017", "--runs", "0"], "--runs must be between"),
        (["compare", "korea-2017", "--days", "0"], "--days must be between"),
        (["compare", "korea-2017", "--rank-by", "peace"], "--rank-by: unknown outcome 'peace'"),
        (
            ["compare", "korea-2017", "-p", "restraint", "-p", "restraint"],
            "-p/--policy restraint: given more",
        ),
        (["compare", "atlantis-2030"], "unknown scenario 'atlantis-2030'"),
        (["compare", "korea-2017", "--policy-file", "/nonexistent/levers.yaml"], "no such file"),
        (["compare", "korea-2017", "--runs", "many"], "--runs"),
        (["brief", "korea-2017", "--sensitivity-runs", "-1"], "--sensitivity-runs must be between"),
        (["policies", "--scenario", "atlantis-2030"], "unknown scenario"),
    ],
)
def test_user_mistakes_exit_2_with_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert message in _fails(args, capsys)


def test_brief_refuses_a_policy_given_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """It ran twice, the second row '(= baseline)', as `--runs 100 --runs 200` is refused."""
    monkeypatch.chdir(tmp_path)
    line = _fails(["brief", "cuba-1962", "-p", "baseline", "-p", " baseline", "--runs", "100"], capsys)
    assert "-p/--policy baseline: given more than once; give it once" in line
    assert not (tmp_path / "brief").exists()


def test_brief_refuses_a_file_as_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    assert "exists and is not a folder" in _fails(["brief", "cuba-1962", "--out", str(target)], capsys)
