"""`brink sweep`: the grid file, seeding, the Parquet dataset, resuming after kill -9, serial = processes
= Dask. Small units (cuba-1962, 150-200 paths x 20-30 days) so that the whole file takes about a minute on
a busy 2-core machine, most of it starting Dask clusters and `brink` processes."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from brinkmanship.analysis.lives import lives_model
from brinkmanship.analysis.variants import run_variant
from brinkmanship.cli import main
from brinkmanship.engine.workers import worker_pool
from brinkmanship.errors import UserError
from brinkmanship.policies import Catalogue
from brinkmanship.scenario import load_scenario
from brinkmanship.sweep import grid as grid_module
from brinkmanship.sweep import load_grid
from brinkmanship.sweep.execute import DASK_INSTALL
from brinkmanship.sweep.grid import MAX_UNITS, grid_from_mapping
from brinkmanship.sweep.store import LOCK, MANIFEST, TEMP_PREFIX
from brinkmanship.sweep.units import enumerate_units, replicate_seeds

SCENARIO = "cuba-1962"
GRID = """\
runs: 200
days: 30
seed: 5
replicates: 2
prelude: own
parameters:
  escalation.clash_to_war: [0.02, 0.08]
  decision.preemption: [3, 9]
policies: [baseline, restraint+direct-channel]
"""
UNITS = 2 * 2 * 2 * 2
BIG_GRID = GRID.replace("decision.preemption: [3, 9]", "decision.preemption: [3, 4, 5, 6, 7, 8, 9]")
BIG_UNITS = 2 * 7 * 2 * 2


def _write(folder: Path, text: str, name: str = "sweep.yaml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def _sweep(grid: Path, out: Path, *extra: str) -> int:
    return main(["sweep", SCENARIO, "--grid", str(grid), "--out", str(out), *extra])


def _table(out: Path) -> pa.Table:
    """The dataset as pyarrow reads it (hive partitions), sorted by unit id, policy as plain strings."""
    table = ds.dataset(out, partitioning="hive").to_table()
    table = table.set_column(
        table.schema.get_field_index("policy"), "policy", table["policy"].cast(pa.string())
    )
    return table.sort_by("unit_id")


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture(scope="module")
def reference_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The serial sweep of BIG_GRID: what every other way of running it must reproduce bit for bit."""
    folder = tmp_path_factory.mktemp("reference")
    assert _sweep(_write(folder, BIG_GRID), folder / "out") == 0
    return folder / "out"


@pytest.fixture(scope="module")
def reference(reference_out: Path) -> pa.Table:
    return _table(reference_out)


# -- the grid file ------------------------------------------------------------------------------------


def test_factorial_grid_enumerates_every_unit_in_order() -> None:
    scenario = load_scenario(SCENARIO)
    grid = grid_from_mapping(
        {
            "parameters": {"escalation.clash_to_war": [0.02, 0.08], "decision.preemption": [3, 9]},
            "policies": ["baseline", "direct-channel"],
            "replicates": 3,
            "runs": 10,
        },
        scenario,
        "g.yaml",
    )
    assert grid.days == scenario.horizon_days  # default: the scenario's horizon
    assert grid.sets == (
        {"escalation.clash_to_war": 0.02, "decision.preemption": 3.0},
        {"escalation.clash_to_war": 0.02, "decision.preemption": 9.0},
        {"escalation.clash_to_war": 0.08, "decision.preemption": 3.0},
        {"escalation.clash_to_war": 0.08, "decision.preemption": 9.0},
    )
    units = enumerate_units(grid)
    assert grid.units == len(units) == 4 * 2 * 3
    assert [u.unit_id for u in units] == list(range(len(units)))
    assert {(u.set_id, u.policy, u.replicate) for u in units} == {
        (s, p, r) for s in range(4) for p in ("baseline", "direct-channel") for r in range(3)
    }


@pytest.mark.parametrize("method", ["lhs", "sobol", "uniform"])
def test_samples_lie_in_the_declared_ranges_on_their_scale(method: str) -> None:
    scenario = load_scenario(SCENARIO)
    names = ["loss_of_control.base", "escalation.clash_to_war"]  # log scale, linear scale
    data = {"parameters": {"sample": {"method": method, "n": 64, "parameters": names, "seed": 3}}}
    grid = grid_from_mapping(data, scenario, "g.yaml")
    values = np.array([[s[n] for n in names] for s in grid.sets])
    assert values.shape == (64, 2)
    assert (values[:, 0] >= 0.00005).all() and (values[:, 0] <= 0.0003).all()
    assert (values[:, 1] >= 0.01).all() and (values[:, 1] <= 0.09).all()
    # log-uniform: about half the points below the geometric midpoint, far fewer below the arithmetic one
    assert 20 <= (values[:, 0] < np.sqrt(0.00005 * 0.0003)).sum() <= 44
    assert grid_from_mapping(data, scenario, "g.yaml").sets == grid.sets  # the sample's seed fixes it


BAD_GRIDS = [
    (
        "parameters: {escalation.clash_to_war: [0.02, 0.5]}",
        "sweep.yaml: parameters.escalation.clash_to_war.1: 0.5 is outside the declared range [0.01, 0.09]",
    ),
    (
        "parameters: {escalation.tension_weight: [0.05]}",
        "sweep.yaml: parameters.escalation.tension_weight: 'escalation.tension_weight' is not a declared",
    ),
    ("parameters: {escalation.clash_to_war: [.nan]}", "sweep.yaml: parameters.escalation.clash_to_war.0:"),
    ("parameters: {escalation.clash_to_war: [.inf]}", "sweep.yaml: parameters.escalation.clash_to_war.0:"),
    ("parameters: {escalation.clash_to_war: ['0.05']}", "sweep.yaml: parameters.escalation.clash_to_war.0:"),
    ("parameters: {escalation.clash_to_war: [true]}", "sweep.yaml: parameters.escalation.clash_to_war.0:"),
    ("parameters: {escalation.clash_to_war: []}", "sweep.yaml: parameters.escalation.clash_to_war:"),
    (
        "parameters: {escalation.clash_to_war: [0.05, 0.05]}",
        "parameters.escalation.clash_to_war.1: 0.05 is given twice",
    ),
    ("parameters: {}", "sweep.yaml: parameters:"),
    ("runs: 10", "sweep.yaml: parameters: required field is missing"),
    ("parameters: {escalation.clash_to_war: [0.05]}\nrnus: 10", "sweep.yaml: rnus: unknown key"),
    ("parameters: {escalation.clash_to_war: [0.05]}\nruns: 0", "sweep.yaml: runs:"),
    ("parameters: {escalation.clash_to_war: [0.05]}\nprelude: mine", "sweep.yaml: prelude:"),
    ("parameters: {escalation.clash_to_war: [0.05]}\npolicies: []", "sweep.yaml: policies:"),
    (
        "parameters: {escalation.clash_to_war: [0.05]}\npolicies: [baseline, no-such-lever]",
        "sweep.yaml: policies.1: policy 'no-such-lever': unknown lever",
    ),
    (
        "parameters: {escalation.clash_to_war: [0.05]}\npolicies: [baseline, baseline]",
        "sweep.yaml: policies.1: policy 'baseline' is given twice",
    ),
    (
        "parameters: {escalation.clash_to_war: [0.05]}\n"
        "policies: [restraint+direct-channel, baseline, direct-channel+restraint]",
        "sweep.yaml: policies.2: policy 'direct-channel+restraint' is the same as policies.0 "
        "('restraint+direct-channel'): the same levers, and levers combine in any order",
    ),
    (
        "parameters: {sample: {method: halton, n: 4, parameters: [escalation.clash_to_war]}}",
        "sweep.yaml: parameters.sample.method:",
    ),
    (
        "parameters: {sample: {method: lhs, n: 0, parameters: [escalation.clash_to_war]}}",
        "sweep.yaml: parameters.sample.n:",
    ),
    (
        "parameters: {sample: {method: lhs, n: 4, parameters: [nope]}}",
        "sweep.yaml: parameters.sample.parameters.0: 'nope' is not a declared uncertain parameter",
    ),
    (
        "parameters: {sample: {method: lhs, n: 4, parameters: [escalation.clash_to_war], extra: 1}}",
        "sweep.yaml: parameters.sample.extra: unknown key",
    ),
    (
        f"parameters: {{sample: {{method: lhs, n: {MAX_UNITS}, parameters: [escalation.clash_to_war]}}}}\n"
        "policies: [baseline, direct-channel]",
        f"at most {MAX_UNITS:,} in one sweep",
    ),
    ("parameters: {escalation.clash_to_war: [0.05}", "sweep.yaml:1: malformed YAML"),
    ("- just\n- a list", "sweep.yaml: expected a mapping"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_GRIDS)
def test_a_bad_grid_is_one_line_and_exit_2_with_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    grid = _write(tmp_path, text)
    out = tmp_path / "out"
    assert _sweep(grid, out) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"error: {grid}"), line
    assert expected in line, line
    assert not out.exists()


def test_a_malformed_json_grid_is_named_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    grid = _write(tmp_path, '{"parameters": {"escalation.clash_to_war": [0.05}}', "sweep.json")
    out = tmp_path / "out"
    assert _sweep(grid, out) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"error: {grid}:1: malformed JSON: "), line
    assert "YAML" not in line and not out.exists()


def test_a_one_unit_sweep_says_1_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The summary line counts its units as it counts the rest ('1 parameter set x 1 policy'): it read
    '1 units'."""
    one = "runs: 200\ndays: 30\nparameters:\n  escalation.clash_to_war: [0.02]\n"
    assert _sweep(_write(tmp_path, one), tmp_path / "out") == 0
    out = capsys.readouterr().out
    assert "cuba-1962: 1 unit (1 parameter set x 1 policy x 1 replicate, 200 paths x 30 days each)" in out, (
        out
    )


def test_out_folder_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    small = _write(tmp_path, GRID.replace("replicates: 2", "replicates: 1").replace("[3, 9]", "[3]"))
    out = tmp_path / "out"
    assert _sweep(small, out, "--resume") == 2  # nothing to resume
    assert "holds no sweep to resume" in _one_line(capsys.readouterr().err)
    assert not out.exists()
    assert _sweep(small, out) == 0
    capsys.readouterr()
    assert not (out / LOCK).exists()  # held while the sweep wrote, not left behind
    before = sorted(p.name for p in out.rglob("*"))
    assert _sweep(small, out) == 2  # never silently overwritten
    assert "already holds a sweep (4 of 4 units done); give --resume" in _one_line(capsys.readouterr().err)
    other = _write(tmp_path, GRID.replace("seed: 5", "seed: 6"), "other.yaml")
    assert _sweep(other, out, "--resume") == 2
    assert "holds a sweep of another grid" in _one_line(capsys.readouterr().err)
    assert main(["sweep", "korea-calm", "--grid", str(small), "--out", str(out), "--resume"]) == 2
    assert "holds a sweep of 'cuba-1962', not 'korea-calm'" in _one_line(capsys.readouterr().err)
    assert sorted(p.name for p in out.rglob("*")) == before
    assert _sweep(small, out, "--resume", "--json") == 0  # the same grid: nothing left to do
    summary = json.loads(capsys.readouterr().out)
    assert (summary["units_computed"], summary["units_resumed"]) == (0, 4)
    with (out / LOCK).open("w") as held:  # another sweep writing here
        fcntl.flock(held, fcntl.LOCK_EX)
        assert _sweep(small, out, "--resume") == 2
        assert "another brink sweep is writing into this folder" in _one_line(capsys.readouterr().err)
    manifest = json.loads((out / MANIFEST).read_text())
    (out / MANIFEST).write_text(json.dumps({**manifest, "brinkmanship_version": "0.0.1"}))
    assert _sweep(small, out, "--resume") == 2  # another version's model: never mixed in
    assert "made by brinkmanship 0.0.1, and this is" in _one_line(capsys.readouterr().err)
    (out / MANIFEST).write_text(json.dumps(manifest))
    (tmp_path / "a-file").write_text("x")
    assert _sweep(small, tmp_path / "a-file") == 2
    assert "exists and is not a folder" in _one_line(capsys.readouterr().err)
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("mine")
    assert _sweep(small, stranger) == 2
    assert "is not empty and holds no sweep" in _one_line(capsys.readouterr().err)


def test_a_sweep_never_mixes_with_other_results_or_sweeps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sweep inside another sweep's folder would be read as its rows; another command's results in a
    dataset break reading it: each refused in one line, nothing written."""
    small = _write(tmp_path, GRID.replace("replicates: 2", "replicates: 1").replace("[3, 9]", "[3]"))
    out = tmp_path / "out"
    assert _sweep(small, out) == 0
    capsys.readouterr()
    assert not (out / LOCK).exists()  # held while the sweep wrote, not left behind
    before = sorted(p.name for p in out.rglob("*"))
    nested = out / "nested"
    assert _sweep(small, nested) == 2
    line = _one_line(capsys.readouterr().err)
    assert f"--out {nested}: lies inside the sweep dataset {out.resolve()} (_manifest.json)" in line, line
    assert sorted(p.name for p in out.rglob("*")) == before
    results = tmp_path / "results"
    assert main(["run", SCENARIO, "--runs", "50", "--days", "10", "--out", str(results)]) == 0
    capsys.readouterr()
    assert _sweep(small, results) == 2
    line = _one_line(capsys.readouterr().err)
    assert "is not empty and holds no sweep" in line and "another command's results" in line, line
    assert not list(results.glob("policy=*")) and not (results / MANIFEST).exists()
    (out / "summary.json").write_text("{}")  # how results landed in a dataset before they were refused
    assert _sweep(small, out, "--resume") == 2
    line = _one_line(capsys.readouterr().err)
    assert "holds summary.json, which is not part of this sweep's dataset" in line, line
    (out / "summary.json").unlink()
    (out / ".brink-incomplete-x1").mkdir()  # another command writing its results here
    assert _sweep(small, out, "--resume") == 2
    assert "another brink command is writing its results here" in _one_line(capsys.readouterr().err)
    assert sorted(p.name for p in out.rglob("*") if p.name != ".brink-incomplete-x1") == before


def test_resume_refuses_stray_files_and_clears_only_its_own_leftovers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file in a partition that is not a finished unit of this sweep is the user's: --resume names it and
    deletes nothing. A killed write's leftover (named as the sweep names it) is removed, as designed."""
    small = _write(tmp_path, GRID.replace("replicates: 2", "replicates: 1").replace("[3, 9]", "[3]"))
    out = tmp_path / "out"
    assert _sweep(small, out) == 0
    capsys.readouterr()
    expected = _table(out)
    partition = out / "policy=baseline"
    unit = sorted(partition.glob("unit-*.parquet"))[0]
    for stray in ("extra.parquet", "unit-0.parquet", "unit-000099.parquet"):
        (partition / stray).write_bytes(unit.read_bytes())
        before = sorted(p.name for p in out.rglob("*"))
        assert _sweep(small, out, "--resume") == 2
        line = _one_line(capsys.readouterr().err)
        assert f"holds policy=baseline/{stray}, which is not a finished unit of this sweep" in line, line
        assert sorted(p.name for p in out.rglob("*")) == before  # nothing deleted, nothing written
        (partition / stray).unlink()
    leftover = partition / f"{TEMP_PREFIX}{unit.name}.12345"
    leftover.write_bytes(b"half a unit")
    mine = partition / ".my-notes"
    mine.write_text("kept")
    unit.unlink()
    assert _sweep(small, out, "--resume", "--json") == 0
    assert json.loads(capsys.readouterr().out)["units_computed"] == 1
    assert not leftover.exists() and mine.read_text() == "kept"
    assert _table(out).equals(expected)


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("tcp://host:99999", "port '99999' is not a number from 1 to 65535"),
        ("tcp://host:0", "port '0' is not a number from 1 to 65535"),
        ("tcp://:8786", "no host before the port"),
        ("http://host:8786", "give 'local' or a scheduler address"),
    ],
)
def test_a_bad_scheduler_address_is_one_line_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], address: str, said: str
) -> None:
    """Checked before anything starts: a port out of range was reported as a timeout after waiting."""
    out = tmp_path / "out"
    started = time.monotonic()
    assert _sweep(_write(tmp_path, GRID), out, "--dask", address) == 2
    assert said in _one_line(capsys.readouterr().err)
    assert time.monotonic() - started < 5 and not out.exists()


def test_dask_missing_names_the_install_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    out = tmp_path / "out"
    assert _sweep(_write(tmp_path, GRID), out, "--dask", "local") == 2
    line = _one_line(capsys.readouterr().err)
    assert DASK_INSTALL in line
    assert not out.exists()


def test_unreachable_scheduler_is_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr("brinkmanship.sweep.execute.CONNECT_TIMEOUT_S", 1)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "out"
    started = time.perf_counter()
    assert _sweep(_write(tmp_path, GRID), out, "--dask", f"tcp://127.0.0.1:{port}") == 2
    assert "cannot reach the scheduler" in _one_line(capsys.readouterr().err)
    assert time.perf_counter() - started < 30
    assert not out.exists()


# -- the dataset and its seeds ----------------------------------------------------------------------


def test_dataset_manifest_and_seeds(reference_out: Path, reference: pa.Table) -> None:
    table = reference
    assert table["unit_id"].to_pylist() == list(range(BIG_UNITS))  # every unit exactly once
    assert set(table["policy"].to_pylist()) == {"baseline", "restraint+direct-channel"}
    seeds = replicate_seeds(5, 2)
    assert seeds[0] != seeds[1]  # replicates are independent streams
    for row in table.to_pylist():
        assert row["seed"] == seeds[row["replicate"]]  # every unit of a replicate on its child's seed
        assert (row["runs"], row["days"]) == (200, 30)
        assert 0 <= row["p_war_low"] <= row["p_war"] <= row["p_war_high"] <= 1
    frame = pd.read_parquet(reference_out)
    assert sorted(frame["unit_id"]) == list(range(BIG_UNITS))
    assert set(frame["policy"].astype(str)) == {"baseline", "restraint+direct-channel"}
    manifest = json.loads((reference_out / MANIFEST).read_text())
    assert manifest["scenario"] == SCENARIO
    assert manifest["units_total"] == manifest["units_done"] == BIG_UNITS
    assert manifest["root_seed"] == 5 and manifest["replicate_seeds"] == seeds
    assert len(manifest["parameter_sets"]) == 14 and manifest["columns"]["expected_deaths"].startswith(
        "people"
    )


def test_rows_are_paired_within_a_replicate_and_independent_across(reference: pa.Table) -> None:
    """Each row is the variant run on its replicate's seed; two replicates of one unit differ.

    Fails if units were seeded one by one (the rows would not match runs on the replicate's seed) or if
    two replicates shared a seed (their rows would be identical)."""
    scenario = load_scenario(SCENARIO)
    lives = lives_model(scenario)
    seeds = replicate_seeds(5, 2)
    catalogue = Catalogue.builtin()
    rows = reference.to_pylist()
    for row in rows[:: len(rows) // 6]:
        values = {
            "escalation.clash_to_war": row["escalation.clash_to_war"],
            "decision.preemption": row["decision.preemption"],
        }
        run = run_variant(
            scenario,
            values,
            catalogue.parse(row["policy"]),
            200,
            30,
            seeds[row["replicate"]],
            prelude="own",
            lives=lives,
        )
        assert {k: row[k] for k in run.summary()} == pytest.approx(run.summary(), abs=0, nan_ok=True)
    per_replicate = [[r for r in rows if r["replicate"] == k] for k in (0, 1)]
    outcomes = ("p_clash", "p_war", "p_agreement", "expected_deaths")
    differ = [any(a[o] != b[o] for o in outcomes) for a, b in zip(*per_replicate, strict=True)]
    assert sum(differ) >= len(differ) // 2


def test_same_bits_serially_in_processes_and_on_dask(
    tmp_path: Path, reference: pa.Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    grid = _write(tmp_path, BIG_GRID)
    assert _sweep(grid, tmp_path / "processes", "--workers", "2") == 0
    assert _table(tmp_path / "processes").equals(reference)
    distributed = pytest.importorskip("distributed")
    import dask.config

    # The system's temporary folder, as the cluster's processes see it: the cluster left
    # <tmp>/dask-scratch-space behind there (Dask's default local_directory).
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    scratch = tmp_path / "dask-scratch"
    scratch.mkdir()
    # An existing cluster (the --dask tcp://... path), of two worker processes; `--dask local` starts its
    # own in the Ctrl-C test below. Its scratch is this test's own folder, as `--dask local`'s is the sweep's.
    with (
        dask.config.set({"temporary-directory": None}),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            local_directory=str(scratch),
            scheduler_kwargs={"local_directory": str(scratch)},
        ) as cluster,
    ):
        assert _sweep(grid, tmp_path / "dask", "--dask", cluster.scheduler_address) == 0
    assert _table(tmp_path / "dask").equals(reference)
    assert not (system_tmp / "dask-scratch-space").exists()


def _brink(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "brinkmanship.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "BRINK_THREADS": "1"},
    )


def _wait_for_units(out: Path, process: subprocess.Popen[str], at_least: int) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        count = len(list(out.glob("policy=*/unit-*.parquet")))
        if count >= at_least or process.poll() is not None:
            return count
        time.sleep(0.02)
    raise AssertionError("no units written in two minutes")


@pytest.mark.parametrize("how", ["kill -9", "Ctrl-C"])
def test_killed_sweep_resumes_to_every_unit_exactly_once(
    tmp_path: Path, reference: pa.Table, how: str
) -> None:
    grid = _write(tmp_path, BIG_GRID)
    out = tmp_path / "out"
    process = _brink("sweep", SCENARIO, "--grid", str(grid), "--out", str(out))
    written = _wait_for_units(out, process, 3)
    process.send_signal(signal.SIGKILL if how == "kill -9" else signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == (-signal.SIGKILL if how == "kill -9" else 130), err
    if how == "Ctrl-C":
        assert "run again with --resume" in _one_line(err)
        assert not list(out.rglob(f"{TEMP_PREFIX}*"))  # nothing half-written is left
    left = len(list(out.glob("policy=*/unit-*.parquet")))
    assert written <= left < BIG_UNITS, "the sweep finished before it was stopped: make it longer"
    # finished in two local processes after kill -9, on a Dask LocalCluster after Ctrl-C: every bit equal
    if how == "kill -9":
        assert _sweep(grid, out, "--resume", "--workers", "2") == 0
    else:
        pytest.importorskip("distributed")
        assert _sweep(grid, out, "--resume", "--dask", "local", "--workers", "2") == 0
    assert _table(out).equals(reference)
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["units_done"] == manifest["units_total"] == BIG_UNITS
    assert manifest["replicate_seeds"] == replicate_seeds(5, 2)


def _ctrl_c(grid: Path, out: Path, *extra: str, tmp: Path | None = None) -> tuple[int, str]:
    """Start a sweep in its own process group and, once a unit more than before is written, send SIGINT to
    the whole group, as a terminal's Ctrl-C does (workers included); its exit code and stderr. ``tmp``: its
    TMPDIR (default: this process's)."""
    before = len(list(out.glob("policy=*/unit-*.parquet")))
    command = [sys.executable, "-m", "brinkmanship.cli", "sweep", SCENARIO, "--grid", str(grid), "--out"]
    process = subprocess.Popen(
        [*command, str(out), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "BRINK_THREADS": "1", **({} if tmp is None else {"TMPDIR": str(tmp)})},
        start_new_session=True,
    )
    try:
        _wait_for_units(out, process, before + 1)
        os.killpg(process.pid, signal.SIGINT)
        stopped = time.monotonic()
        _, err = process.communicate(timeout=60)
        assert time.monotonic() - stopped < 10, err
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the group: workers left behind, if any
    return process.returncode, err


def _stopped_cleanly(code: int, err: str, out: Path) -> None:
    assert code == 130, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    line = _one_line(err)  # the command's message and nothing else: no worker's, nanny's or log line
    assert line.startswith("error: interrupted; ") and line.endswith("(run again with --resume to finish)")
    assert not list(out.rglob(f"{TEMP_PREFIX}*"))
    left = len(list(out.glob("policy=*/unit-*.parquet")))
    assert left < BIG_UNITS, "the sweep finished before Ctrl-C: make it longer"


def _resumed_to_every_unit_once(grid: Path, out: Path, reference: pa.Table) -> None:
    assert _sweep(grid, out, "--resume", "--workers", "2") == 0
    table = _table(out)
    assert table["unit_id"].to_pylist() == sorted(set(reference["unit_id"].to_pylist()))  # each unit once
    assert table.equals(reference)
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["units_done"] == manifest["units_total"] == BIG_UNITS


def test_ctrl_c_to_the_group_on_a_local_dask_cluster_is_one_line(tmp_path: Path, reference: pa.Table) -> None:
    """The cluster's worker processes get the terminal's SIGINT too: each printed a traceback and its
    nanny logged, 66 lines after the message, in 3-5 s. They start with SIGINT blocked now, and the
    cluster is closed at once with logging off. Its scratch folder goes with it: the killed workers' folders
    and distributed's dask-scratch-space were left in the temporary folder."""
    pytest.importorskip("distributed")
    grid = _write(tmp_path, BIG_GRID)
    out = tmp_path / "out"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    code, err = _ctrl_c(grid, out, "--dask", "local", "--workers", "2", tmp=scratch)
    _stopped_cleanly(code, err, out)
    assert not list(scratch.iterdir()), sorted(str(p.relative_to(scratch)) for p in scratch.rglob("*"))
    _resumed_to_every_unit_once(grid, out, reference)


def test_a_local_dask_sweep_leaves_nothing_in_the_temporary_folder(tmp_path: Path) -> None:
    """`--dask local` gave its scheduler and workers <TMPDIR>/dask-scratch-space (distributed's default),
    which stayed after the sweep; they now write in a folder of the sweep's own, removed at the end."""
    pytest.importorskip("distributed")
    grid = _write(tmp_path, GRID.replace("replicates: 2", "replicates: 1").replace("runs: 200", "runs: 20"))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    command = [sys.executable, "-m", "brinkmanship.cli", "sweep", SCENARIO, "--grid", str(grid), "--out"]
    done = subprocess.run(
        [*command, str(tmp_path / "out"), "--dask", "local", "--workers", "2"],
        capture_output=True,
        text=True,
        env={**os.environ, "BRINK_THREADS": "1", "TMPDIR": str(scratch)},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "out").glob("policy=*/unit-*.parquet"))) == UNITS // 2
    assert not list(scratch.iterdir()), sorted(str(p.relative_to(scratch)) for p in scratch.rglob("*"))


TRIES = 3


def test_ctrl_c_to_the_group_with_worker_processes_is_one_line_every_time(
    tmp_path: Path, reference: pa.Table
) -> None:
    """A few Ctrl-Cs in a row on one sweep, each resumed by the next: one line each (the pool's management
    thread raced the interpreter's exit hook for its wake-up pipe: "Bad file descriptor", 1 try in ~17),
    and the dataset holds every unit once at the end."""
    grid = _write(tmp_path, BIG_GRID)
    out = tmp_path / "out"
    for attempt in range(TRIES):
        extra = ("--resume",) if attempt else ()
        code, err = _ctrl_c(grid, out, "--workers", "2", *extra)
        _stopped_cleanly(code, err, out)
    _resumed_to_every_unit_once(grid, out, reference)


def test_a_pool_left_by_an_exception_has_no_thread_left_running() -> None:
    """The interpreter's exit hook writes to the management thread's wake-up pipe without its lock; once
    the thread is gone, the pipe is marked closed and the hook leaves it alone."""
    with pytest.raises(KeyboardInterrupt), worker_pool(2, 1) as pool:
        pool.submit(time.sleep, 30)
        manager = pool._executor_manager_thread  # type: ignore[attr-defined]
        assert manager is not None and manager.is_alive()
        raise KeyboardInterrupt
    assert not manager.is_alive()


def test_load_grid_reads_the_example() -> None:
    example = Path(__file__).parents[1] / "examples" / "sweep.yaml"
    grid = load_grid(example, load_scenario("korea-2017"))
    assert grid.units == 12
    with pytest.raises(UserError, match="declares no uncertain parameters"):
        load_grid(example, load_scenario("cuba-1962").model_copy(update={"uncertainties": []}))
    assert grid_module.MAX_UNITS == MAX_UNITS


def test_a_sampled_grid_with_a_shared_prelude_end_to_end(tmp_path: Path) -> None:
    text = """\
runs: 150
days: 20
seed: 11
prelude: shared
parameters:
  sample: {method: sobol, n: 3, parameters: [loss_of_control.base, decision.preventive], seed: 2}
policies: [direct-channel]
"""
    grid_file = _write(tmp_path, text)
    assert _sweep(grid_file, tmp_path / "out") == 0
    rows = _table(tmp_path / "out").to_pylist()
    scenario = load_scenario(SCENARIO)
    grid = load_grid(grid_file, scenario)
    assert [{k: r[k] for k in ("loss_of_control.base", "decision.preventive")} for r in rows] == list(
        grid.sets
    )
    seed = replicate_seeds(11, 1)[0]
    policy = Catalogue.builtin().parse("direct-channel")
    for row, values in zip(rows, grid.sets, strict=True):
        run = run_variant(
            scenario, values, policy, 150, 20, seed, prelude="shared", lives=lives_model(scenario)
        )
        assert {k: row[k] for k in run.summary()} == pytest.approx(run.summary(), abs=0, nan_ok=True)


@pytest.mark.parametrize("address", ["foo://bar", "bogus", "http://127.0.0.1:8786"])
def test_a_scheduler_address_with_an_unknown_scheme_is_one_line_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], address: str
) -> None:
    pytest.importorskip("distributed")
    out = tmp_path / "out"
    assert _sweep(_write(tmp_path, GRID), out, "--dask", address) == 2
    assert "give 'local' or a scheduler address" in _one_line(capsys.readouterr().err)
    assert not out.exists()


def test_a_type_prior_with_a_shared_prelude_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every unit would start from the same burned-in types: the rows could not differ."""
    grid = _write(
        tmp_path, "prelude: shared\nparameters: {actors.DPRK.p_greedy: [0.2, 0.4]}\npolicies: [baseline]"
    )
    out = tmp_path / "out"
    assert main(["sweep", "korea-2017", "--grid", str(grid), "--out", str(out)]) == 2
    assert "acts only through the private types" in _one_line(capsys.readouterr().err)
    assert not out.exists()


def _no_brinkmanship() -> str:
    return ""


def test_workers_without_this_brinkmanship_are_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A remote cluster whose workers lack brinkmanship, or run another version: one line, exit 2."""
    distributed = pytest.importorskip("distributed")
    from brinkmanship.sweep import execute

    grid = _write(tmp_path, GRID)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        with monkeypatch.context() as patch:
            patch.setattr(execute, "_installed_version", lambda: "0.0.0")
            assert _sweep(grid, tmp_path / "other", "--dask", cluster.scheduler_address) == 2
        err = _one_line(capsys.readouterr().err)
        assert "runs brinkmanship" in err and "this is 0.0.0" in err
        with monkeypatch.context() as patch:
            patch.setattr(execute, "_PROBE", _no_brinkmanship.__code__)
            assert _sweep(grid, tmp_path / "none", "--dask", cluster.scheduler_address) == 2
        assert "has no brinkmanship installed" in _one_line(capsys.readouterr().err)
    assert not (tmp_path / "other").exists() and not (tmp_path / "none").exists()


def test_a_json_grid_as_a_program_writes_it_is_read(tmp_path: Path) -> None:
    """Python's json writes 0.00005 as 5e-05, which YAML 1.1 reads as text: such a grid was refused
    ("should be a number (got the text '5e-05')"). Fails if exponent notation is not read as a number."""
    path = tmp_path / "grid.json"
    path.write_text(
        json.dumps({"runs": 100, "days": 10, "parameters": {"loss_of_control.base": [5e-05, 1e-4]}})
    )
    assert "5e-05" in path.read_text()
    grid = load_grid(path, load_scenario("korea-2017"))
    assert [s["loss_of_control.base"] for s in grid.sets] == [5e-05, 1e-4]


def test_whole_numbers_in_exponent_notation_are_counts(tmp_path: Path) -> None:
    """``runs: 2e1`` is 20 (a tester found every count of a grid, and a target's events, refused as 'the
    number 20.0'); a fraction is still refused."""
    from brinkmanship.calibration.targets import load_targets

    grid = _write(
        tmp_path,
        "runs: 2e1\ndays: 5e0\nreplicates: 1e0\nseed: 1e3\nparameters: {escalation.clash_to_war: [0.02]}\n",
    )
    loaded = load_grid(grid, load_scenario("korea-2017"))
    assert (loaded.runs, loaded.days, loaded.replicates, loaded.seed) == (20, 5, 1, 1000)
    assert isinstance(loaded.runs, int)
    fraction = _write(tmp_path, "runs: 2.55e1\nparameters: {escalation.clash_to_war: [0.02]}\n")
    with pytest.raises(UserError, match="runs: should be a whole number"):
        load_grid(fraction, load_scenario("korea-2017"))
    shipped = Path(__file__).parents[1] / "src" / "brinkmanship" / "calibration" / "data" / "targets.yaml"
    text = shipped.read_text(encoding="utf-8")
    assert "events: 0, trials: 26" in text
    (tmp_path / "targets.yaml").write_text(
        text.replace("events: 0, trials: 26", "events: 0e0, trials: 2.6e1")
    )
    targets, _ = load_targets(tmp_path / "targets.yaml")
    binomial = [t.error for t in targets.targets if t.error.kind == "binomial"]
    assert [(e.events, e.trials) for e in binomial] == [(0, 26)]
