"""User-defined levers from YAML: validated like scenarios, errors naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from brinkmanship.errors import UserError
from brinkmanship.policies import apply_policy, catalogue_for, load_lever_file
from brinkmanship.policies.builtin import PRIVATE_ACTIONS
from brinkmanship.scenario import ScenarioFile, load_scenario
from brinkmanship.scenario.schema import Principal

GOOD = """
levers:
  hotline:
    summary: A hotline that checks most alarms
    why: The 1963 hotline
    sources: ["Memorandum of understanding, 20 June 1963"]
    channels:
      direct: {enabled: true, delay_days: 0.1, verify: 0.9}
  no-tests:
    summary: North Korea stops testing for good
    forbid: {dprk: [missile_test, nuclear_test]}
  calmer:
    set: {channels.public.noise: 0.7, actors.US.voices.0.hawkishness: 0.0}
  vatican:
    channels: {mediators: {Vatican: true}}
  quiet-both:
    forbid: {both: [public_threat]}
"""


@pytest.fixture(scope="module")
def korea() -> ScenarioFile:
    return load_scenario("korea-2017")


def write(tmp_path: Path, text: str, name: str = "levers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def repertoire(scenario: ScenarioFile, name: str) -> list[str]:
    actor = scenario.actors[name]
    assert isinstance(actor, Principal)
    return actor.repertoire


def test_a_lever_file_loads_and_applies(tmp_path: Path, korea: ScenarioFile) -> None:
    path = write(tmp_path, GOOD)
    levers = load_lever_file(path)
    assert [lever.name for lever in levers] == ["hotline", "no-tests", "calmer", "vatican", "quiet-both"]
    assert all(lever.origin == str(path) for lever in levers)
    catalogue = catalogue_for([str(path)])

    hotline = apply_policy(korea, catalogue.parse("hotline"))
    assert hotline.channels.direct.enabled
    assert hotline.channels.direct.delay_days == 0.1 and hotline.channels.direct.verify == 0.9
    assert hotline.channels.direct.noise == korea.channels.direct.noise
    assert PRIVATE_ACTIONS <= set(repertoire(hotline, "US")) and PRIVATE_ACTIONS <= set(
        repertoire(hotline, "DPRK")
    )

    no_tests = apply_policy(korea, catalogue.parse("no-tests"))
    assert not {"missile_test", "nuclear_test"} & set(repertoire(no_tests, "DPRK"))

    calmer = apply_policy(korea, catalogue.parse("calmer"))
    assert calmer.channels.public.noise == 0.7
    us = calmer.actors["US"]
    assert isinstance(us, Principal) and us.voices[0].hawkishness == 0.0

    vatican = apply_policy(korea, catalogue.parse("vatican"))
    assert vatican.actors["Vatican"].active

    quiet = apply_policy(korea, catalogue.parse("quiet-both"))
    assert "public_threat" not in repertoire(quiet, "US") + repertoire(quiet, "DPRK")


def test_user_levers_compose_with_built_ins_and_are_checked(tmp_path: Path, korea: ScenarioFile) -> None:
    catalogue = catalogue_for([str(write(tmp_path, GOOD))])
    applied = apply_policy(korea, catalogue.parse("hotline+restraint:us+freeze-for-freeze"))
    assert applied.channels.direct.verify == 0.9 and applied.freeze.active
    with pytest.raises(UserError, match=r"contradictory levers: hotline sets channels\.direct\.delay_days"):
        apply_policy(korea, catalogue.parse("hotline+direct-channel"))
    with pytest.raises(
        UserError, match="maximum-pressure relies on US's public_threat but quiet-both forbids"
    ):
        apply_policy(korea, catalogue.parse("maximum-pressure+quiet-both"))


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("levers:\n  x:\n    summary: s\n    forbd: {US: [hold]}\n", "levers.x.forbd", "unknown key"),
        ("levers:\n  x:\n    forbid: {DPRK: [nuke]}\n", "levers.x.forbid.DPRK.0", "unknown action 'nuke'"),
        (
            "levers:\n  x:\n    channels: {direct: {verify: 2.0}}\n",
            "levers.x.channels.direct.verify",
            "should be at most 1",
        ),
        ("levers:\n  x:\n    set: {nonsense.path: 1}\n", "levers.x.set", "'nonsense' is not a field"),
        ("levers:\n  x:\n    set: {horizon_days: 30}\n", "levers.x.set", "defines the crisis"),
        # The burned-in run-up: compare stopped with a ValueError traceback.
        ("levers:\n  x:\n    set: {prelude.start_date: 2016-01-01}\n", "levers.x.set", "defines the crisis"),
        # Deaths come from the scenario's consequences under every policy: the lever ran, deaths unchanged.
        (
            "levers:\n  x:\n    set: {consequences.nuclear_strikes: []}\n",
            "levers.x.set",
            "what a war costs is the scenario's",
        ),
        ("levers:\n  x:\n    summary: nothing\n", "levers.x", "changes nothing"),
        ("levers:\n  Bad_Name:\n    forbid: {US: [hold]}\n", "levers", "'Bad_Name' is not a name: names are"),
        ("levers: {}\n", "levers", "at least 1"),
        ("lever:\n  x: {}\n", "levers", "required field is missing"),
    ],
)
def test_malformed_lever_files_name_file_and_field(
    tmp_path: Path, text: str, field: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(UserError) as error:
        load_lever_file(path)
    line = str(error.value)
    assert line.startswith(f"{path}: {field}"), line
    assert message in line
    assert "\n" not in line


def test_yaml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "levers:\n  x: [unclosed\n")
    with pytest.raises(UserError, match=rf"^{path}:\d+: malformed YAML"):
        load_lever_file(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        load_lever_file(tmp_path / "absent.yaml")


def test_a_user_lever_cannot_take_a_built_in_name(tmp_path: Path) -> None:
    path = write(tmp_path, "levers:\n  restraint:\n    forbid: {US: [hold]}\n")
    with pytest.raises(UserError, match=rf"{path}: levers.restraint: the name is taken"):
        catalogue_for([str(path)])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("levers:\n  x:\n    set: {channels.direct.speed: 1}\n", "no parameter 'channels.direct.speed'"),
        ("levers:\n  x:\n    set: {agreement.base_rate: 3}\n", "agreement.base_rate: should be at most"),
    ],
)
def test_problems_whatever_the_scenario_are_found_as_the_file_is_read(
    tmp_path: Path, text: str, message: str
) -> None:
    """A parameter the scenario format lacks, or a value outside its field's range, is a mistake in any
    scenario: refused by every command that reads the file, `brink policies` included."""
    path = write(tmp_path, text)
    with pytest.raises(UserError) as error:
        catalogue_for([str(path)])
    line = str(error.value)
    assert line.startswith(f"{path}: levers.x.set: ") and message in line, line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "levers:\n  x:\n    set: {actors.USSR.coordination: 1}\n",
            "no parameter 'actors.USSR.coordination'",
        ),
        ("levers:\n  x:\n    set: {actors.US.voices.9.hawkishness: 0}\n", "'9' is not an index"),
        ("levers:\n  x:\n    add: {USSR: [hold]}\n", "'USSR' is not a principal of korea-2017"),
        (
            "levers:\n  x:\n    channels: {mediators: {Pope: true}}\n",
            "'Pope' is not a mediator of korea-2017",
        ),
    ],
)
def test_problems_found_against_a_scenario_name_the_lever(
    tmp_path: Path, korea: ScenarioFile, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    catalogue = catalogue_for([str(path)])
    with pytest.raises(UserError) as error:
        apply_policy(korea, catalogue.parse("x"))
    line = str(error.value)
    assert message in line, line
    assert str(path) in line or "under policy 'x'" in line, line


def test_a_user_lever_says_what_it_changes_in_words(tmp_path: Path) -> None:
    """No Python literal reaches the reader: the channels a lever changes printed as a dict
    ("channels: {'direct': {'enabled': True, ...}}") in `brink policies` and the briefing."""
    text = GOOD + (
        "  closed:\n"
        "    channels: {direct: {enabled: false}, public_noise: 0.4, mediators: {UNSG: false}}\n"
        "  nested:\n"
        "    set: {freeze: {active: true}}\n"
    )
    changes = {lever.name: lever.changes for lever in load_lever_file(write(tmp_path, text))}
    assert changes["hotline"] == (
        "Opens the direct channel (delay 0.1 days, verification 0.9); adds concession_private, "
        "private_message for both principals (a private channel)"
    )
    assert changes["vatican"].startswith("Activates the mediator Vatican; adds concession_private")
    assert changes["closed"] == (
        "Closes the direct channel; sets the public channel's noise to 0.4; deactivates the mediator UNSG"
    )
    assert changes["calmer"] == (
        "Sets channels.public.noise to 0.7; sets actors.US.voices.0.hawkishness to 0.0"
    )
    assert changes["nested"] == "Sets freeze.active to true"
    assert changes["quiet-both"] == "Forbids public_threat for both principals"
    for name, words in changes.items():
        assert not any(mark in words for mark in ("{", "}", "': ", "True", "False", "None")), name


def test_pydantic_messages_reach_users_in_plain_words(tmp_path: Path) -> None:
    """A lever named `a+b` gave "String should match pattern '^[a-z0-9][a-z0-9-]*$'", a list where a
    mapping belongs "Input should be a valid dictionary": in lever files, scenario files and grids alike
    each now says what the field takes in words."""
    from brinkmanship.scenario.loader import builtin_mapping, scenario_from_mapping
    from brinkmanship.sweep.grid import load_grid

    name_rule = (
        "is not a name: names are lowercase letters, digits and hyphens, starting with a letter or digit"
    )
    cases: list[tuple[str, str]] = []
    for text in ("levers:\n  a+b:\n    forbid: {US: [hold]}\n", "levers: [x]\n", "levers:\n  x: 3\n"):
        path = write(tmp_path, text)
        with pytest.raises(UserError) as error:
            catalogue_for([str(path)])
        cases.append((str(error.value), str(path)))
    assert cases[0][0] == f"{cases[0][1]}: levers: 'a+b' {name_rule}"
    assert cases[1][0] == f"{cases[1][1]}: levers: should be a mapping of keys to values (got a list)"
    assert cases[2][0] == f"{cases[2][1]}: levers.x: should be a mapping of keys to values (got the number 3)"

    scenario = builtin_mapping("korea-2017")
    with pytest.raises(UserError) as error:
        scenario_from_mapping({**scenario, "name": "A+B"}, "s.yaml")
    assert str(error.value) == f"s.yaml: name: 'A+B' {name_rule}"
    with pytest.raises(UserError) as error:
        scenario_from_mapping({**scenario, "actors": []}, "s.yaml")
    assert str(error.value) == "s.yaml: actors: should be a mapping of keys to values (got a list)"

    grid = tmp_path / "grid.yaml"
    grid.write_text("parameters: [5]\n", encoding="utf-8")
    with pytest.raises(UserError) as error:
        load_grid(grid, load_scenario("korea-2017"))
    assert str(error.value) == f"{grid}: parameters: should be a mapping of keys to values (got a list)"
    for message, _ in cases:
        assert "Input should" not in message and "pattern" not in message
