"""Scenario files: both built-ins validate; user mistakes give one line naming the file and field."""

import copy

import pytest
import yaml

from brinkmanship.cli import main
from brinkmanship.scenario import builtin_names, load_scenario
from brinkmanship.scenario.loader import builtin_mapping


def test_builtins_load_and_every_principal_action_is_known():
    assert {"korea-2017", "cuba-1962"} <= set(builtin_names())
    for name in builtin_names():
        scenario = load_scenario(name)
        assert scenario.name == name and len(scenario.principals) == 2


def write(tmp_path, data, name="s.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def korea_with(change):
    data = copy.deepcopy(builtin_mapping("korea-2017"))
    change(data)
    return data


BAD = [
    ("unknown key", lambda d: d.update(colour="red"), "colour: unknown key"),
    (
        "unknown action",
        lambda d: d["actors"]["US"]["repertoire"].append("launch_everything"),
        "actors.US.repertoire: unknown action",
    ),
    (
        "probability above one",
        lambda d: d["war"].update(nuclear_hazard=1.5),
        "war.nuclear_hazard",
    ),
    ("negative horizon", lambda d: d.update(horizon_days=-5), "horizon_days"),
    (
        "unknown threshold",
        lambda d: d["loss_of_control"]["threshold_jump"].update(rubicon=2.0),
        "loss_of_control.threshold_jump",
    ),
    ("missing field", lambda d: d.pop("escalation"), "escalation: required field is missing"),
    (
        "prelude event by a third party",
        lambda d: d["prelude"]["events"].append(
            {"date": "2017-03-01", "actor": "China", "action": "sanctions"}
        ),
        "not a principal",
    ),
    ("principal missing", lambda d: d.update(principals=["US", "Mars"]), "principal 'Mars'"),
    (
        "prelude clash",
        lambda d: d["prelude"]["events"].append(
            {"date": "2017-03-01", "actor": "US", "action": "limited_strike"}
        ),
        "'limited_strike' is an attack: the prelude runs the relationship short of any clash or war",
    ),
    (
        "prelude war",
        lambda d: d["prelude"]["events"].append(
            {"date": "2017-03-01", "actor": "DPRK", "action": "conventional_war"}
        ),
        "'conventional_war' is an attack",
    ),
]


@pytest.mark.parametrize(("label", "change", "expected"), BAD, ids=[b[0] for b in BAD])
def test_bad_scenario_files_exit_2_with_one_line(tmp_path, capsys, label, change, expected):
    path = write(tmp_path, korea_with(change))
    assert main(["run", str(path), "--runs", "10"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and str(path) in err and expected in err, err


def test_malformed_yaml_names_file_and_line(tmp_path, capsys):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nactors: [unclosed\n", encoding="utf-8")
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "broken.yaml:" in err and "malformed YAML" in err and "\n" not in err


def test_missing_file_and_not_a_mapping(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    assert main(["show", str(path)]) == 2
    assert "mapping" in capsys.readouterr().err


def test_a_users_own_file_runs(tmp_path, capsys):
    path = write(tmp_path, korea_with(lambda d: d.update(name="my-crisis", horizon_days=30)))
    assert main(["run", str(path), "--runs", "200", "--json"]) == 0
    assert '"scenario": "my-crisis"' in capsys.readouterr().out
