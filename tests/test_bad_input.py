"""Every class of bad input against every command that takes it: one line naming what and where, exit 2.

The tables cross each bad-file class (nesting, alias bombs, size, duplicate keys, NaN, infinity, overflow,
unknown references, unreadable files) with each command and file kind (scenario, lever file, strike plan),
each bad number with each command-line option, and each output fault (existing results, a folder where a
file belongs, a full disk, a concurrent run, an empty --out) with each command that writes results. A few
tests run `brink` as a process to send it signals and fill its standard output.
"""

from __future__ import annotations

import copy
import datetime as dt
import errno
import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from brinkmanship import cli_policies, cli_sensitivity, report
from brinkmanship.analysis import global_sensitivity as gsa
from brinkmanship.calibration import uncertainty
from brinkmanship.cli import main
from brinkmanship.engine import compiled_kernel, ensemble, output
from brinkmanship.engine.ensemble import (
    MAX_PATH_DAYS,
    check_path_days,
    prelude_days_of,
    prelude_work,
    simulate,
)
from brinkmanship.errors import UserError
from brinkmanship.history import replay as history_replay
from brinkmanship.policies import Catalogue
from brinkmanship.safe_yaml import MAX_DEPTH, MAX_FILE_BYTES
from brinkmanship.scenario import compile_scenario
from brinkmanship.scenario.loader import builtin_mapping, scenario_from_mapping
from brinkmanship.sweep.grid import load_grid
from tests.conftest import no_computing

KOREA_DATA = builtin_mapping("korea-2017")
KOREA = yaml.safe_dump(KOREA_DATA, sort_keys=False)
LEVERS = """\
levers:
  my-lever:
    summary: a test lever
    set: {escalation.clash_to_war: 0.1}
    channels: {public_noise: 0.5}
"""
PLAN = """\
detonations:
  - {target: Seoul, yield_kt: 10, burst: air}
"""
TINY = ["--runs", "200", "--days", "20"]


def _replace(text: str, pattern: str, new: str) -> str:
    """``text`` with the first match of the regular expression ``pattern`` (one line) replaced."""
    changed, count = re.subn(pattern, new, text, count=1, flags=re.MULTILINE)
    assert count == 1, f"the base file holds no {pattern!r}"
    return changed


def _deep(_: str) -> str:
    return "x: " + "[" * 1000 + "]" * 1000 + "\n"


def _bomb(base: str) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    return "\n".join(lines) + "\n" + base  # a8 alone expands to 9**9 strings


def _huge(base: str) -> str:
    return base + ("# padding\n" * (MAX_FILE_BYTES // 10 + 1))


# file kind -> (base text, command lines taking such a file ({} is the file), the fields NaN and
# friends are put into (old text, template with {value}, the field the error must name))
KINDS: dict[str, tuple[str, list[list[str]], tuple[str, str, str]]] = {
    "scenario": (
        KOREA,
        [
            ["show", "{}"],
            ["run", "{}", *TINY],
            ["compare", "{}", *TINY, "-p", "talks"],
            ["brief", "{}", "-n", "200", "--out", "{out}"],
            ["calibrate", "{}", "-n", "200"],
            ["policies", "--scenario", "{}"],
        ],
        (r"imminence_threshold: \S+$", "imminence_threshold: {value}", "perception.imminence_threshold"),
    ),
    "levers": (
        LEVERS,
        [
            ["policies", "--policy-file", "{}"],
            ["compare", "korea-2017", "--policy-file", "{}", *TINY],
            ["brief", "korea-2017", "--policy-file", "{}", "-n", "200", "--out", "{out}"],
        ],
        ("public_noise: 0.5", "public_noise: {value}", "levers.my-lever.channels.public_noise"),
    ),
    "plan": (
        PLAN,
        [["effects", "--plan", "{}", "--map", ""]],
        ("yield_kt: 10", "yield_kt: {value}", "detonations[0]"),
    ),
}

# bad-file class -> (how to make the text from the base, what the one line must say besides the file)
FILE_CLASSES: dict[str, tuple[Callable[[str], str | bytes], str]] = {
    "deep nesting": (_deep, f"nested more than {MAX_DEPTH} levels deep"),
    "alias bomb": (_bomb, "once aliases are expanded"),
    "too large": (_huge, "bytes; not read"),
    "empty": (lambda base: "", "expected"),
    "not UTF-8": (lambda base: base.encode("utf-8") + b"\xff\xfe", "not UTF-8"),
    "binary": (lambda base: bytes(range(256)), "not UTF-8"),
    "a list, not a mapping": (lambda base: "- 1\n- 2\n", "expected"),
}


def _number_case(kind: str, value: str) -> Callable[[str], str]:
    old, template, _ = KINDS[kind][2]
    return lambda base: _replace(base, old, template.format(value=value))


def _duplicate(kind: str) -> Callable[[str], str]:
    if kind == "scenario":
        return lambda base: _replace(base, r"^horizon_days: (\d+)$", "horizon_days: \\1\nhorizon_days: 5")
    if kind == "levers":
        return lambda base: base + "  my-lever:\n    forbid: {both: [nuclear_test]}\n"
    return lambda base: _replace(base, "yield_kt: 10,", "yield_kt: 10, yield_kt: 20,")


def _cases() -> list[tuple[str, str, list[str], Callable[[str], str | bytes], list[str]]]:
    cases = []
    for kind, (_, commands, (_, _, field)) in KINDS.items():
        classes: dict[str, tuple[Callable[[str], str | bytes], list[str]]] = {
            name: (make, [said]) for name, (make, said) in FILE_CLASSES.items()
        }
        classes["duplicate key"] = (_duplicate(kind), ["duplicate key", "first given on line"])
        for label, value in (
            ("NaN", ".nan"),
            ("infinity", ".inf"),
            ("-infinity", "-.inf"),
            ("1e308", "1e308"),
        ):
            classes[label] = (_number_case(kind, value), [field])
        for label, (make, said) in classes.items():
            for command in commands:
                cases.append((kind, label, command, make, said))
    return cases


def _one_line(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    """Run ``brink args``: exit 2, exactly one line on stderr, no warning; return the line."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("error") and err.count("\n") == 1, err
    assert not caught, [str(w.message) for w in caught]
    return err


@pytest.mark.parametrize(
    ("kind", "label", "command", "make", "said"),
    _cases(),
    ids=[f"{kind}-{label}-{command[0]}" for kind, label, command, _, _ in _cases()],
)
def test_bad_files_get_one_line_naming_file_and_what(
    kind: str,
    label: str,
    command: list[str],
    make: Callable[[str], str | bytes],
    said: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / f"bad-{kind}.yaml"
    content = make(KINDS[kind][0])
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    args = [part.replace("{}", str(path)).replace("{out}", str(out)) for part in command]
    err = _one_line(capsys, args)
    assert str(path) in err
    for text in said:
        assert text in err
    assert not out.exists()  # refused before anything was written


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["show", "{}/missing.yaml"], "no such file"),
        (["run", "{}", *TINY], "is a folder"),
        (["policies", "--policy-file", "{}"], "is a folder"),
        (["effects", "--plan", "{}", "--map", ""], "is a folder"),
        (["events", "korea-2017", "--events", "{}/"], "is a folder, not a file"),
        (["effects", "--plan", "{}/missing.yaml", "--map", ""], "no such file"),
    ],
)
def test_unreadable_files(
    command: list[str], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert said in _one_line(capsys, [part.replace("{}", str(tmp_path)) for part in command])


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[int(last) if isinstance(node, list) else last] = value

    return mutate


CLASH = "escalation.clash_to_war"
REFERENCES = [
    (_set("consequences.theatre", "narnia"), "consequences.theatre"),
    (_set("consequences.nuclear_strikes.0.target", "Xqzzyville"), "nuclear_strikes.0.target"),
    (_set("consequences.nuclear_strikes.0.target", ""), "nuclear_strikes.0.target"),
    (_set("uncertainties", [{"path": "escalation.nope", "low": 0.1, "high": 0.2}]), "uncertainties.0.path"),
    (_set("uncertainties", [{"path": "name", "low": 0.1, "high": 0.2}]), "uncertainties.0.path"),
    # Deaths are computed once per scenario: every row read the same, and the parameter showed no effect.
    (
        _set("uncertainties", [{"path": "consequences.nuclear_strikes.0.yield_kt", "low": 10, "high": 500}]),
        "uncertainties.0.path",
    ),
    (
        _set("uncertainties", [{"path": "escalation.clash_to_war", "low": 0.5, "high": 0.2}]),
        "uncertainties.0",
    ),
    (
        _set("uncertainties", [{"path": "escalation.clash_to_war", "low": 0.1, "high": 3}]),
        "uncertainties.0.high",
    ),
]


@pytest.mark.parametrize("command", [["show"], ["run", *TINY], ["brief", "-n", "200"], ["compare", *TINY]])
@pytest.mark.parametrize(("mutate", "field"), REFERENCES)
def test_what_a_scenario_refers_to_is_checked_at_load(
    command: list[str],
    mutate: Callable[[dict[str, Any]], None],
    field: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = copy.deepcopy(KOREA_DATA)
    mutate(data)
    path = tmp_path / "refers.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "out"
    args = [command[0], str(path), *command[1:]] + (["--out", str(out)] if command[0] == "brief" else [])
    err = _one_line(capsys, args)
    assert str(path) in err and field in err
    assert not out.exists()


BAD_NUMBERS = [
    (["run", "korea-2017", *TINY, "--seed", "-1"], "--seed"),
    (["run", "korea-2017", *TINY, "--seed", str(2**70)], "--seed"),
    (["compare", "korea-2017", *TINY, "--seed", "-1"], "--seed"),
    (["brief", "korea-2017", "--seed", str(2**70)], "--seed"),
    (["calibrate", "korea-2017", "--seed", "-1"], "--seed"),
    (["calibrate", "korea-2017", "--seed", str(2**70)], "--seed"),
    (["run", "korea-2017", *TINY, "--workers", "-1"], "--workers"),
    (["compare", "korea-2017", *TINY, "--workers", "65"], "--workers"),
    (["brief", "korea-2017", "--workers", "65"], "--workers"),
    (["run", "korea-2017", "--runs", str(10**12)], "--runs"),
    (["effects", "--yield-kt", "nan", "--target", "Seoul", "--map", ""], "yield"),
    (["effects", "--yield-kt", "inf", "--target", "Seoul", "--map", ""], "yield"),
    (["effects", "--yield-kt", "1e308", "--target", "Seoul", "--map", ""], "yield"),
    (["effects", "--yield-kt", "10", "--lat", "nan", "--lon", "127", "--map", ""], "lat"),
    (["effects", "--yield-kt", "10", "--lat", "37", "--lon", "inf", "--map", ""], "lon"),
    (["effects", "--yield-kt", "10", "--target", "Seoul", "--height-m", "nan", "--map", ""], "height"),
    (["effects", "--yield-kt", "10", "--target", "Seoul", "--wind-kmh", "nan", "--map", ""], "--wind-kmh"),
    (
        ["effects", "--yield-kt", "10", "--target", "Seoul", "--wind-kmh", "20", "--wind-toward-deg", "nan"],
        "--wind-toward-deg",
    ),
    (
        ["effects", "--yield-kt", "10", "--target", "Seoul", "--wind-kmh", "20", "--wind-toward-deg", "inf"],
        "--wind-toward-deg",
    ),
    (["intel", "yield", "--mb", "nan"], "--mb"),
    (
        ["intel", "range", "--apogee-km", "nan", "--ground-range-km", "998", "--flight-time-min", "47"],
        "apogee",
    ),
    (
        ["intel", "range", "--apogee-km", "3725", "--ground-range-km", "inf", "--flight-time-min", "47"],
        "range",
    ),
    (["intel", "reach", "--range-km", "nan", "--map", ""], "--range-km"),
    (["intel", "reach", "--range-km", "1e308", "--map", ""], "--range-km"),
]


@pytest.mark.parametrize(
    ("args", "flag"), BAD_NUMBERS, ids=[" ".join(a[:1] + a[-2:]) for a, _ in BAD_NUMBERS]
)
def test_bad_numbers_on_the_command_line(
    args: list[str], flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert flag in _one_line(capsys, args)


def test_a_policy_file_given_twice_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "levers.yaml"
    path.write_text(LEVERS, encoding="utf-8")
    err = _one_line(capsys, ["policies", "--policy-file", str(path), "--policy-file", str(path)])
    assert "given twice" in err and "built-in" not in err
    copy = tmp_path / "copy.yaml"
    copy.write_text(LEVERS, encoding="utf-8")
    err = _one_line(capsys, ["policies", "--policy-file", str(path), "--policy-file", str(copy)])
    assert f"already defined in {path}" in err


# --- output: every command that writes results -------------------------------------------------------

WRITERS = {
    "run": (["run", "korea-2017", *TINY, "--json"], ("summary.json", "survival.csv", "paths.parquet")),
    # --as-of replays the record before the forecast: the folder is refused before that replay too (it
    # took half a minute at 100,000 paths, then refused a folder holding an earlier result)
    "run --as-of": (
        ["run", "cuba-1962", "--as-of", "1962-10-27", *TINY, "--json"],
        ("summary.json", "survival.csv", "paths.parquet"),
    ),
    "brief": (
        ["brief", "cuba-1962", "-n", "200", "--sensitivity-runs", "0", "--indicator-runs", "0"],
        ("briefing.html", "briefing.md", "briefing.json", "figures"),
    ),
    "sensitivity": (
        ["sensitivity", "korea-2017", "--n", "2", "--params", "escalation.clash_to_war", *TINY],
        ("sensitivity.json", "indices.csv", "rows.csv", "sensitivity.png"),
    ),
}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_output_faults_are_refused_before_computing(
    writer: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args, names = WRITERS[writer]
    no_computing(monkeypatch)
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    assert "give a folder name" in _one_line(capsys, [*args, "--out", ""])
    assert "exists and is not a folder" in _one_line(capsys, [*args, "--out", str(blocker)])
    assert "cannot create the folder" in _one_line(capsys, [*args, "--out", str(blocker / "below")])
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / names[0]).write_text("earlier", encoding="utf-8")
    err = _one_line(capsys, [*args, "--out", str(earlier)])
    assert "from an earlier run" in err and "--force" in err
    assert (earlier / names[0]).read_text(encoding="utf-8") == "earlier"
    wrong_kind = tmp_path / "wrong-kind"
    (wrong_kind / names[0]).mkdir(parents=True)
    assert "remove it first" in _one_line(capsys, [*args, "--out", str(wrong_kind), "--force"])
    # A second command writing into the same folder is refused while the first holds its lock.
    busy = tmp_path / "busy"
    busy.mkdir()
    handle = os.open(busy, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert "another brink command is writing" in _one_line(capsys, [*args, "--out", str(busy)])
    finally:
        os.close(handle)
    assert sorted(os.listdir(busy)) == []


def _sweep_dataset(folder: Path) -> list[str]:
    """A sweep's dataset as `brink sweep` lays it out (its manifest, one unit); returns its file listing."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    (folder / "policy=baseline").mkdir(parents=True)
    pq.write_table(pa.table({"unit_id": [0], "p_war": [0.1]}), folder / "policy=baseline/unit-000000.parquet")
    (folder / "_manifest.json").write_text(json.dumps({"format": "brinkmanship-sweep/1"}), encoding="utf-8")
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


REPLAY_WRITER = ["replay", "cuba-1962", "--runs", "64", "--forecast-runs", "64", "--to", "1962-10-20"]


@pytest.mark.parametrize("writer", [*WRITERS, "replay"])
def test_a_sweep_dataset_is_never_a_result_folder(
    writer: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Results written into a sweep's dataset, or a folder inside it, would be read as its rows and break
    pandas.read_parquet on it: refused before computing, nothing written."""
    import pandas as pd

    args = REPLAY_WRITER if writer == "replay" else WRITERS[writer][0]
    no_computing(monkeypatch)
    dataset = tmp_path / "sweep"
    listing = _sweep_dataset(dataset)
    err = _one_line(capsys, [*args, "--out", str(dataset)])
    assert f"--out {dataset}: is a sweep's dataset (_manifest.json)" in err, err
    inside = dataset / "policy=baseline" / "mine"
    err = _one_line(capsys, [*args, "--out", str(inside)])
    assert f"lies inside the sweep dataset {dataset.resolve()}" in err, err
    assert sorted(str(p.relative_to(dataset)) for p in dataset.rglob("*")) == listing
    assert len(pd.read_parquet(dataset)) == 1


@pytest.mark.parametrize("writer", list(WRITERS))
def test_an_unwritable_folder_is_refused_before_computing(
    writer: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args, _ = WRITERS[writer]
    no_computing(monkeypatch)

    def read_only(*args: object, **kwargs: object) -> str:  # what mkdtemp meets in a read-only folder
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("tempfile.mkdtemp", read_only)
    err = _one_line(capsys, [*args, "--out", str(tmp_path / "ro")])
    assert "cannot write into the folder: Permission denied" in err


HUGE = ["--runs", "50000000", "--days", "3650"]
TOO_MANY_PATH_DAYS = {
    "run": ["run", "korea-2017", *HUGE],
    "run-posterior": [
        "run",
        "korea-2017",
        "--days",
        "3650",
        "--param-uncertainty",
        "--draws",
        "256",
        "--runs-per-draw",
        "100000",
    ],
    "compare": ["compare", "korea-2017", *HUGE],
    "brief": ["brief", "korea-2017", "-n", "50000000", "--sensitivity-runs", "50000000"],
    "replay": ["replay", "korea-2017", "--runs", "1000000", "--every", "1", "--forecast-runs", "1000000"],
    "sensitivity-oat": ["sensitivity", "korea-2017", "--method", "oat", "--runs", "50000000"],
    "sensitivity-morris": ["sensitivity", "korea-2017", "--method", "morris", *HUGE],
    "validate": ["validate", "--runs", "1000000", "--draws", "256"],
    "calibrate": [
        "calibrate",
        "--runs",
        "1000000",
        "--replay-runs",
        "1000000",
        "--forecast-runs",
        "1000000",
        "--design",
        "4096",
    ],
}


@pytest.mark.parametrize("command", list(TOO_MANY_PATH_DAYS))
def test_every_simulating_command_shares_one_path_day_cap(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each bound alone (paths, days) lets through a request that would run for days: every command that
    simulates refuses over the one shared cap, naming its figures, before any work or any file."""
    no_computing(monkeypatch)
    out = tmp_path / "out"
    args = TOO_MANY_PATH_DAYS[command]
    if command in ("brief", "calibrate"):
        args = [*args, "--out", str(out)]
    err = _one_line(capsys, args)
    assert err.startswith("error: request too large: "), err
    assert "path-days (at most 5e+10 path-days); lower" in err, err
    assert not out.exists()


def test_a_sweep_over_the_path_day_cap_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    grid = tmp_path / "grid.yaml"
    grid.write_text(
        "runs: 50000000\ndays: 3650\npolicies: [baseline]\nparameters: {escalation.clash_to_war: [0.02]}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    err = _one_line(capsys, ["sweep", "korea-2017", "--grid", str(grid), "--out", str(out)])
    assert f"error: {grid}: request too large: 1 unit x runs: 50,000,000 x days: 3,650" in err, err
    assert not out.exists()


PRELUDE_DAYS = 268
"""korea-2017's prelude: 2017-01-01 to the day before its start date, 2017-09-26."""
# Each request fits under the cap without the burn-in its ensembles run first, and not with it: the
# command and the burn-in's path-days (whole blocks of 1,024 paths, counted once for the ensembles that
# share a prelude world and seed; the disk cache on).
UNDER_THE_CAP_BUT_FOR_THE_PRELUDE: dict[str, tuple[list[str], int]] = {
    "run": (
        ["run", "korea-2017", "--runs", "13698630", "--days", "3650"],  # 4.99999995e10
        13_699_072 * PRELUDE_DAYS,
    ),
    "run-posterior": (
        [
            "run",
            "korea-2017",
            "--days",
            "3650",
            "--param-uncertainty",
            "--draws",
            "256",
            "--runs-per-draw",
            "50000",
        ],
        (10_240 + 256 * 50_176) * PRELUDE_DAYS,  # the run's, and each draw's own (its world differs)
    ),
    "compare": (
        ["compare", "korea-2017", "--runs", "1000000", "--days", "3571"],  # 14 policies: 4.9994e10
        1_000_448 * PRELUDE_DAYS,  # once: every policy starts from the same burned-in paths
    ),
    "brief": (
        # 45 one-at-a-time rows of a year: 4.99999995e10, and one path of the baseline
        [
            "brief",
            "korea-2017",
            "-p",
            "baseline",
            "--runs",
            "1",
            "--indicator-runs",
            "0",
            "--sensitivity-runs",
            "3044140",
        ],
        3_044_352 * PRELUDE_DAYS,  # shared by the comparison and the sensitivity: the larger
    ),
    "sensitivity-oat": (
        ["sensitivity", "korea-2017", "--method", "oat", "--runs", "3044140"],
        3_044_352 * PRELUDE_DAYS,
    ),
}


@pytest.mark.parametrize("command", list(UNDER_THE_CAP_BUT_FOR_THE_PRELUDE))
def test_the_prelude_counts_towards_the_path_day_cap(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every ensemble that starts on the scenario's start date first steps its paths through the prelude
    (268 days for korea-2017, whole blocks of 1,024 paths): those path-days were left out of the cap, so
    a request over it started. Refused now, in one line naming the burn-in as a part, before any work."""
    monkeypatch.setenv("BRINK_CACHE_DIR", str(tmp_path / "cache"))
    no_computing(monkeypatch)
    args, burn_in = UNDER_THE_CAP_BUT_FOR_THE_PRELUDE[command]
    checked: list[list[tuple[str, int]]] = []

    def spy(parts: list[tuple[str, int]], advice: str) -> int:
        checked.append(parts)
        return check_path_days(parts, advice)

    monkeypatch.setattr(ensemble, "check_path_days", spy)
    out = tmp_path / "out"
    if command == "brief":
        args = [*args, "--out", str(out)]
    err = _one_line(capsys, args)
    assert err.startswith("error: request too large: "), err
    assert f"+ {PRELUDE_DAYS} prelude days x " in err and " paths burned in (--" in err, err
    (parts,) = checked
    preludes = [work for text, work in parts if "prelude days" in text]
    assert sum(preludes) == burn_in, parts
    total = sum(work for _, work in parts)
    assert total - burn_in <= MAX_PATH_DAYS < total
    assert not out.exists()


def test_the_burn_in_is_counted_per_ensemble_with_the_cache_off(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the disk cache (BRINK_CACHE_DIR=off) the policies of a comparison share no burn-in beyond
    this process's cache (256 blocks) and no worker sees another's: each is counted."""
    monkeypatch.setenv("BRINK_CACHE_DIR", "off")
    no_computing(monkeypatch)
    err = _one_line(capsys, ["compare", "korea-2017", "--runs", "1000000", "--days", "3571"])
    assert (
        " + 268 prelude days x 14 policies x 1,000,448 paths burned in (--runs 1,000,000 in whole blocks of "
        "1,024), the burn-in cache off = " in err
    ), err


def test_an_ensemble_branching_from_a_replayed_date_burns_in_nothing() -> None:
    """--as-of branches from the replay (which starts in the calm state on the record's first date): no
    burn-in to count; a scenario without a prelude has none either."""
    assert prelude_work(0, [("", 1, "--runs 10", 10)]) == []
    assert prelude_work(268, [("", 0, "--runs 10", 10)]) == []
    assert prelude_days_of(scenario_from_mapping(KOREA_DATA, "korea")) == PRELUDE_DAYS
    without = {key: value for key, value in KOREA_DATA.items() if key != "prelude"}
    assert prelude_days_of(scenario_from_mapping(without, "no prelude")) == 0


def test_a_sweep_counts_each_burn_in_its_units_do_not_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """prelude: own burns in each parameter set's world (per replicate: each has its seed), shared by its
    policies; prelude: shared burns in the scenario once per replicate, shared by every unit."""
    monkeypatch.setenv("BRINK_CACHE_DIR", str(tmp_path / "cache"))
    korea = scenario_from_mapping(KOREA_DATA, "korea")
    grid = tmp_path / "grid.yaml"
    values = "{escalation.clash_to_war: [0.02, 0.05, 0.08]}"
    for prelude, worlds, text in (
        ("own", 3 * 2, "268 prelude days x 3 parameter sets x 2 replicates x 1,141,760 paths burned in"),
        ("shared", 2, "268 prelude days x 2 replicates x 1,141,760 paths burned in"),
    ):
        # 3 sets x 2 policies x 2 replicates = 12 units of 1,141,552 paths x 3,650 days: 4.99999776e10
        grid.write_text(
            f"runs: 1141552\ndays: 3650\nreplicates: 2\nprelude: {prelude}\n"
            f"policies: [baseline, restraint]\nparameters: {values}\n",
            encoding="utf-8",
        )
        with pytest.raises(UserError) as refused:
            load_grid(grid, korea)
        message = str(refused.value)
        assert f"12 units x runs: 1,141,552 x days: 3,650 + {text} (runs: 1,141,552 in whole" in message
        total = 12 * 1_141_552 * 3_650 + worlds * 1_141_760 * PRELUDE_DAYS
        assert f"= {total:.3g} path-days" in message, message


def test_refusals_count_one_in_the_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The path-day refusal of a comparison of the baseline alone read "--runs 50,000,000 x 1 policies";
    every count in a refusal now agrees with its noun (1 policy, 1 day, 1 parameter, 1 replicate)."""
    args = ["compare", "korea-2017", "-p", "baseline", "--runs", "50000000", "--days", "3650"]
    err = _one_line(capsys, args)
    assert "--runs 50,000,000 x 1 policy x --days 3,650" in err, err
    assert "fewer policies" not in err, err  # there is one
    catalogue = Catalogue.builtin()
    baseline = [catalogue.parse("baseline")]
    assert [text for text, _ in cli_policies._comparison_work(baseline, 10, 1, True, 2, 3)] == [
        "--runs 10 x 1 policy x 1 day",
        "--draws 2 x --runs-per-draw 3 x 1 policy x 1 day",
    ]
    two = [*baseline, catalogue.parse("restraint")]
    assert [text for text, _ in cli_policies._comparison_work(two, 1, 2, False, 0, 0)] == [
        "--runs 1 x 2 policies x 2 days"
    ]
    with pytest.raises(UserError, match=r"\(--n 262,144, 1 parameter; at most"):
        gsa.check_size("sobol", 1 << 18, 1, 1, 1)
    grid = tmp_path / "grid.yaml"
    grid.write_text(
        "replicates: 1\npolicies: [baseline, restraint]\nparameters:\n"
        "  sample: {method: uniform, n: 10000, parameters: [escalation.clash_to_war]}\n",
        encoding="utf-8",
    )
    err = _one_line(capsys, ["sweep", "korea-2017", "--grid", str(grid), "--out", str(tmp_path / "out")])
    assert "10,000 parameter sets x 2 policies x 1 replicate = 20,000 units" in err, err


AS_OF = ["--as-of", "2018-12-10"]
AS_OF_DAYS = 709
"""Days korea-2017's record is replayed for ``AS_OF``: from its calm state, 2017-01-01, to 2018-12-10."""
RUNS_PER_DRAW = ["--runs-per-draw", "50000"]
BRIEF_NEAR_THE_CAP = ["brief", "korea-2017", "-p", "restraint", "--runs", "1000", "--sensitivity-runs", "0"]
# 19 indicator ensembles x 90 days and their burn-in (268 days x 25,278,464 paths; the comparison, branching
# from the replayed date, burns in nothing): 368 path-days short of the cap with the comparison
BRIEF_NEAR_THE_CAP += ["--indicator-runs", "25277568"]
# Each request fits under the cap without the replay --as-of runs first, and not with it: the figures of
# the replay's parts (its ensemble, each posterior draw's, the briefing's curve) in the order named.
UNDER_THE_CAP_BUT_FOR_THE_AS_OF_REPLAY: dict[str, tuple[list[str], list[int]]] = {
    "run-posterior": (
        ["run", "korea-2017", "--days", "3650", "--param-uncertainty", "--draws", "256", *RUNS_PER_DRAW],
        [10_000 * AS_OF_DAYS, 256 * 50_000 * AS_OF_DAYS],
    ),
    "compare": (
        ["compare", "korea-2017", "--runs", "1000000", "--days", "3571"],  # 14 policies: 4.9994e10
        [1_000_000 * AS_OF_DAYS],
    ),
    "brief": (
        BRIEF_NEAR_THE_CAP,
        [1_000 * AS_OF_DAYS, 4 * 512 * AS_OF_DAYS, 52 * 512 * 365],
    ),
    "brief-no-curve": (
        [*BRIEF_NEAR_THE_CAP, "--curve-runs", "0"],
        [1_000 * AS_OF_DAYS],
    ),
}


@pytest.mark.parametrize("command", list(UNDER_THE_CAP_BUT_FOR_THE_AS_OF_REPLAY))
def test_the_as_of_replay_counts_towards_the_path_day_cap(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--as-of DATE` first steps an ensemble of its own through every day of the record up to the date
    (and, with --param-uncertainty, one per posterior draw; brief also replays for its curve): those
    path-days were left out of the cap, so a request over it started replaying. Refused now, in one line
    naming the replay's figures, before any replay, computation or file."""
    no_computing(monkeypatch)

    def replayed(*args: object, **kwargs: object) -> None:
        raise AssertionError("replayed before refusing")

    monkeypatch.setattr(history_replay, "replayed_start", replayed)
    monkeypatch.setattr(history_replay, "replay", replayed)
    monkeypatch.setattr(uncertainty, "replayed_start", replayed)
    checked: list[list[tuple[str, int]]] = []

    def spy(parts: list[tuple[str, int]], advice: str) -> int:
        checked.append(parts)
        return check_path_days(parts, advice)

    monkeypatch.setattr(ensemble, "check_path_days", spy)
    args, replay_figures = UNDER_THE_CAP_BUT_FOR_THE_AS_OF_REPLAY[command]
    out = tmp_path / "out"
    if command.startswith("brief"):
        args = [*args, "--out", str(out)]
    err = _one_line(capsys, [*args, *AS_OF])
    assert err.startswith("error: request too large: "), err
    assert f"x {AS_OF_DAYS} days replayed (2017-01-01 to --as-of 2018-12-10)" in err, err
    assert "path-days (at most 5e+10 path-days); lower --runs" in err, err
    (parts,) = checked
    replays = [work for text, work in parts if "replayed" in text or "curve" in text]
    assert replays == replay_figures, parts
    total = sum(work for _, work in parts)
    assert total - sum(replays) <= MAX_PATH_DAYS < total
    assert f"= {total:.3g} path-days" in err, err
    assert not out.exists()


def _full_disk(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_keeps_the_earlier_results_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args, names = WRITERS["run"]
    out = tmp_path / "results"
    assert main([*args, "--out", str(out)]) == 0
    capsys.readouterr()
    before = {name: (out / name).read_bytes() for name in names}
    monkeypatch.setattr(output, "write_summary", _full_disk)
    err = _one_line(capsys, [*args, "--seed", "5", "--out", str(out), "--force"])
    assert "No space left on device" in err and "earlier results are unchanged" in err
    assert {name: (out / name).read_bytes() for name in names} == before
    assert sorted(os.listdir(out)) == sorted(names)  # no staging folder left behind
    json.loads(before["summary.json"])
    monkeypatch.undo()
    assert main([*args, "--seed", "5", "--out", str(out), "--force"]) == 0  # --force replaces the set
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["seed"] == 5


def test_a_full_disk_during_a_briefing_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args, _ = WRITERS["brief"]
    monkeypatch.setattr(report, "write_briefing", _full_disk)
    out = tmp_path / "brief"
    assert "No space left on device" in _one_line(capsys, [*args, "--out", str(out)])
    assert not out.exists()


def test_a_full_disk_during_a_sensitivity_analysis_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args, _ = WRITERS["sensitivity"]
    monkeypatch.setattr(cli_sensitivity, "write_results", _full_disk)
    out = tmp_path / "sens"
    assert "No space left on device" in _one_line(capsys, [*args, "--out", str(out)])
    assert not out.exists()


SENS = ["sensitivity", "korea-2017"]
BAD_SENSITIVITY = [
    ([*SENS[:1], "no-such-scenario"], "no-such-scenario"),
    ([*SENS, "--method", "fast"], "--method"),
    ([*SENS, "-p", "restraint", "-p", "direct-channel"], "give one policy"),
    ([*SENS, "--outcome", "peace"], "--outcome"),
    ([*SENS, "--params", "war.no_such_thing"], "not a declared uncertain parameter"),
    ([*SENS, "--params", "war.nuclear_hazard,war.nuclear_hazard"], "named twice"),
    ([*SENS, "--params", "war.nuclear_hazard,,"], "--params"),
    ([*SENS, "--params", "actors.DPRK.p_greedy"], "brink sweep"),
    ([*SENS, "--method", "sobol", "--n", "12"], "power of two"),
    ([*SENS, "--method", "sobol", "--n", "1"], "power of two"),
    ([*SENS, "--method", "sobol", "--n", "0"], "power of two"),
    ([*SENS, "--method", "sobol", "--n", "-8"], "power of two"),
    ([*SENS, "--method", "morris", "--n", "0"], "trajectories"),
    ([*SENS, "--method", "morris", "--n", "1"], "trajectories"),
    ([*SENS, "--runs", "0"], "--runs"),
    ([*SENS, "--runs", str(10**12)], "--runs"),
    ([*SENS, "--days", "0"], "--days"),
    ([*SENS, "--days", "100000"], "--days"),
    ([*SENS, "--seed", "-1"], "--seed"),
    ([*SENS, "--workers", "65"], "--workers"),
    ([*SENS, "--method", "sobol", "--n", "1048576", "--runs", "2000"], "request too large"),
    ([*SENS, "--method", "sobol", "--n", "65536", "--runs", "1", "--days", "1"], "request too large"),
    ([*SENS, "--method", "oat", "--n", "8"], "--n"),
    ([*SENS, "--method", "oat", "--params", "war.nuclear_hazard"], "--params"),
    ([*SENS, "--method", "oat", "--outcome", "deaths"], "deaths"),
    ([*SENS, "--policy", "no-such-lever"], "no-such-lever"),
    ([*SENS, "--out", ""], "give a folder name"),
    (["brief", "korea-2017", "--sensitivity", "fast"], "--sensitivity"),
    (["brief", "korea-2017", "--sensitivity", "sobol", "--sensitivity-n", "10"], "power of two"),
    (["brief", "korea-2017", "--sensitivity-n", "8"], "--sensitivity-n"),
]


@pytest.mark.parametrize(
    ("args", "said"), BAD_SENSITIVITY, ids=[" ".join(a[2:]) or a[1] for a, _ in BAD_SENSITIVITY]
)
def test_bad_sensitivity_requests(
    args: list[str], said: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    no_computing(monkeypatch)
    assert said in _one_line(capsys, args)


def test_map_names_must_end_in_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in (
        ["effects", "--yield-kt", "10", "--target", "Seoul"],
        ["intel", "reach", "--range-km", "1000"],
    ):
        assert "ending in .png" in _one_line(capsys, [*command, "--map", str(tmp_path / "name")])
        assert "no folder" in _one_line(capsys, [*command, "--map", str(tmp_path / "none" / "m.png")])
    assert os.listdir(tmp_path) == []


# --- processes: standard output, signals, workers ---------------------------------------------------

BRINK = [sys.executable, "-c", "import sys; from brinkmanship.cli import main; sys.exit(main())"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["schema"], ["run", "korea-2017", *TINY, "--json"], ["intel", "tests"]])
def test_a_full_standard_output_is_one_line(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run([*BRINK, *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == "error: cannot write standard output: No space left on device\n"


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:  # a thread that ended since the folder was listed
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _start_big_run(out: Path) -> tuple[subprocess.Popen[str], list[int]]:
    """A run with two workers, returned once its workers compute and its staging folder exists."""
    process = subprocess.Popen(
        [*BRINK, "run", "korea-2017", "--runs", "2000000", "--workers", "2", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # so that a failing test can kill the whole group
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        workers = _children(process.pid)
        staged = out.is_dir() and any(name.startswith(".brink-incomplete-") for name in os.listdir(out))
        if len(workers) >= 2 and staged:
            return process, workers
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError("the run did not start its workers")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(
    ("sent", "code", "said"), [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")]
)
def test_a_signal_stops_at_once_and_leaves_nothing(sent: int, code: int, said: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    process, workers = _start_big_run(out)
    try:
        stopped = time.monotonic()
        process.send_signal(sent)
        _, err = process.communicate(timeout=10)
        assert time.monotonic() - stopped < 5
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == code
    assert err.startswith(f"error: {said}") and err.count("\n") == 1, err
    assert not out.exists()  # the folder this run created, staged files and all, is gone
    time.sleep(0.5)
    assert not any(_alive(pid) for pid in workers)


SLOW_FIRST_KERNEL_CALL = """
import sys, time
from pathlib import Path
from brinkmanship.engine import compiled_kernel
real = compiled_kernel.run_paths
calls = []
def first_call_compiles(*args):
    # Numba compiles the kernel (or loads it from its cache) on the process's first call: 10-15 s on a
    # cold cache, here a sleep, announced in a file.
    if not calls:
        calls.append(1)
        Path(sys.argv[1]).write_text("compiling")
        time.sleep(30)
    return real(*args)
compiled_kernel.run_paths = first_call_compiles
from brinkmanship.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX signals")
@pytest.mark.skipif(not compiled_kernel.HAVE_NUMBA, reason="the compiled kernel's first call")
@pytest.mark.parametrize(
    ("sent", "code", "said"), [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")]
)
def test_a_signal_stops_at_once_while_the_kernel_compiles(
    sent: int, code: int, said: str, tmp_path: Path
) -> None:
    """SIGTERM (or Ctrl-C) during a replay took 10-15 s to stop the command when Numba's cache was cold: the
    kernel's first call compiled it in a pool thread, and leaving on the signal waited for that thread.
    The first call is now made in the command's own thread, where the signal stops it."""
    marker = tmp_path / "compiling"
    environment = {**os.environ, "BRINK_THREADS": "2", "BRINK_CACHE_DIR": str(tmp_path / "cache")}
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_FIRST_KERNEL_CALL, str(marker), "run", "korea-2017", *TINY],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the kernel was never called"
        stopped = time.monotonic()
        process.send_signal(sent)
        out, err = process.communicate(timeout=40)
        assert time.monotonic() - stopped < 5
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == code
    assert out == ""
    assert err == f"error: {said}; stopped without writing results\n"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_killed_parent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    process, workers = _start_big_run(out)
    process.kill()
    process.wait(timeout=10)
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = [pid for pid in workers if _alive(pid)]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive
    # The killed run's staging folder is left; the next run into the folder clears it.
    assert any(name.startswith(".brink-incomplete-") for name in os.listdir(out))
    assert main(["run", "korea-2017", *TINY, "--json", "--out", str(out)]) == 0
    assert sorted(os.listdir(out)) == ["paths.parquet", "summary.json", "survival.csv"]


def _numbers(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where the numbers are in nested data."""
    if isinstance(node, dict):
        return [path for key, value in node.items() for path in _numbers(value, (*prefix, key))]
    if isinstance(node, list):
        return [path for index, value in enumerate(node) for path in _numbers(value, (*prefix, index))]
    return [prefix] if isinstance(node, int | float) and not isinstance(node, bool) else []


def _short_prelude(data: dict[str, Any]) -> dict[str, Any]:
    """korea-2017 with only the last ten days of its prelude (its last events kept): the same code paths
    at a fraction of the cost."""
    short = copy.deepcopy(data)
    start = dt.date.fromisoformat(str(short["start_date"])) - dt.timedelta(days=10)
    short["prelude"]["start_date"] = start.isoformat()
    short["prelude"]["events"] = [
        e for e in short["prelude"]["events"] if dt.date.fromisoformat(str(e["date"])) >= start
    ]
    return short


def test_every_number_at_the_ends_of_its_range_simulates_cleanly() -> None:
    """Values the schema accepts, however extreme, must give a run without warning or breakdown."""
    ran = 0
    base = _short_prelude(KOREA_DATA)
    for path in _numbers(base):
        for value in (10_000.0, -1_000.0, 1e-300, 0.0):
            data = copy.deepcopy(base)
            node: Any = data
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
            try:
                scenario = scenario_from_mapping(data, "extreme")
            except UserError:
                continue  # outside the documented range: refused, as the other tests check
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                simulate(compile_scenario(scenario), 32, 20, 1)
            ran += 1
    assert ran > 100


EXTREME_BUT_VALID = [
    ["effects", "--yield-kt", "1e-300", "--target", "Seoul", "--map", "", "--json"],
    [
        "effects",
        "--yield-kt",
        "0.01",
        "--burst",
        "surface",
        "--target",
        "Seoul",
        "--wind-kmh",
        "300",
        "--json",
    ],
    ["effects", "--yield-kt", "100000", "--lat", "90", "--lon", "360", "--height-m", "50000", "--json"],
    ["intel", "reach", "--range-km", "1e-300", "--map", "", "--json"],
    ["intel", "reach", "--range-km", "40000", "--map", "", "--json"],
]


@pytest.mark.parametrize("args", EXTREME_BUT_VALID, ids=[" ".join(a[:3]) for a in EXTREME_BUT_VALID])
def test_extreme_but_valid_numbers_give_finite_results_without_warning(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if "--map" not in args:
        args = [*args, "--map", str(tmp_path / "map.png")]
    if "--json" not in args:
        args = [*args, "--json"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(args)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert not caught, [str(w.message) for w in caught]
    numbers = re.findall(r"-?(?:nan|inf)(?![a-z])", out.lower())
    assert not numbers
    json.loads(out)


def test_a_detonation_given_by_name_and_by_coordinates_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """--target with --lat/--lon named one place and computed another (the coordinates, labelled with the
    target's name): refused in one line."""
    args = ["effects", "--yield-kt", "15", "--target", "Seoul", "--lat", "10", "--lon", "10"]
    err = _one_line(capsys, args)
    assert "--target Seoul and --lat/--lon" in err, err


def test_a_forecast_as_of_the_day_before_the_start_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """A branch whose replayed history has event days before the forecast's first day counts only what
    happens from that day on (it raised a traceback: negative days in the outcome histogram)."""
    code = main(["run", "cuba-1962", "--as-of", "1962-10-15", "--runs", "10", "--days", "3", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Traceback" not in captured.err


SEOUL = ["effects", "--yield-kt", "10", "--target", "Seoul", "--map", ""]


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["run", "korea-2017", "--runs", "x"], "error: brink run: Invalid value for '--runs'"),
        ([*SEOUL, "--wind-kmh", "-1"], "error: --wind-kmh must be"),
        ([*SEOUL, "--wind-kmh", "20", "--wind-toward-deg", "nan"], "error: --wind-toward-deg must be"),
        (["intel", "reach", "--range-km", "-5", "--map", ""], "error: --range-km must be"),
        (
            ["intel", "range", "--apogee-km", "-1", "--ground-range-km", "998", "--flight-time-min", "47"],
            "error: --apogee-km must be",
        ),
    ],
)
def test_errors_share_one_style(args: list[str], start: str, capsys: pytest.CaptureFixture[str]) -> None:
    """'error (brink run): ...' for option parsing and '--wind-kmh: must be' beside '--wind-toward-deg must
    be': every error starts 'error: ', and an option's own check reads '--flag must be ... (got X)'."""
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(start) and err.count("\n") == 1, err
