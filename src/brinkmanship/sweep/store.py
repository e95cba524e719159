"""The results of a sweep on disk: a hive-partitioned Parquet dataset, its manifest, and resuming.

Layout of ``--out DIR``::

    DIR/_manifest.json                          what the sweep is (JSON, replaced atomically)
    DIR/policy=<policy>/unit-000042.parquet     one finished unit: one row
    DIR/.brink-sweep.lock                       held while a sweep writes here (advisory lock; removed
                                                when the sweep ends, finished or not)

``<policy>`` is the policy's name URL-quoted (``restraint%2Bdirect-channel``), which pyarrow's hive
partitioning decodes back to ``restraint+direct-channel``. The manifest and the lock begin with ``_`` and
``.``, which pyarrow and pandas skip, so ``pyarrow.dataset.dataset(DIR, partitioning="hive")`` and
``pandas.read_parquet(DIR)`` read the units and nothing else. The ``policy`` column comes from the
partition (it is not stored in the files: a column in both would not merge in pandas).

**Whole units or nothing.** A unit's file is written under a hidden temporary name in its partition,
flushed to disk (fsync) and renamed into place (an atomic rename on one file system); the folder is
fsynced after. A unit file that exists is therefore complete, whatever killed the sweep (Ctrl-C, SIGTERM,
``kill -9``, a power cut after the fsyncs), and temporary files left by a killed sweep are removed when
the next one opens the folder. ``--resume`` lists the unit files, checks each (its name, partition and
footer), and computes only the units that are missing, so the dataset ends with every unit exactly once.

Errors (a folder that already holds a sweep without ``--resume``, a resume with another grid or
scenario, a folder another sweep is writing into, write errors) are one-line UserErrors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from brinkmanship import __version__
from brinkmanship.analysis.variants import PROBABILITY_OUTCOMES
from brinkmanship.engine.atomic import STAGING_PREFIX, SWEEP_FORMAT, SWEEP_MANIFEST, enclosing_sweep
from brinkmanship.engine.state import PATH_LABELS
from brinkmanship.errors import UserError
from brinkmanship.scenario import ScenarioFile
from brinkmanship.sweep.grid import Grid
from brinkmanship.sweep.units import Unit, replicate_seeds

MANIFEST = SWEEP_MANIFEST
LOCK = ".brink-sweep.lock"
FORMAT = SWEEP_FORMAT
UNIT_FILE = re.compile(r"^unit-(\d{6,})\.parquet$")
TEMP_PREFIX = ".incomplete-"
TEMP_FILE = re.compile(r"^\.incomplete-unit-\d{6,}\.parquet\.\d+$")
"""What :meth:`SweepStore.write` leaves when killed mid-write (``.incomplete-<unit file>.<pid>``): the only
files a sweep removes by itself."""
MANIFEST_EVERY_S = 1.0
"""The manifest's done count is rewritten at most this often while units stream in, and at the end."""

SEEDING = (
    "numpy.random.SeedSequence(root_seed).spawn(replicates); the engine seed of replicate r is "
    "int(child_r.generate_state(1, numpy.uint64)[0]) & (2**63 - 1) and every unit of replicate r "
    "(every parameter set and policy) runs on it: common random numbers within a replicate"
)
PARTITIONING = "hive: policy=<policy name, URL-quoted>; one file per unit: unit-<unit_id>.parquet"
UNIT_ID = "unit_id = (replicate * n_sets + set_id) * n_policies + policy_index"


def summary_columns() -> list[str]:
    """The columns of :meth:`brinkmanship.analysis.variants.VariantRun.summary`, in its order."""
    columns = []
    for outcome in PROBABILITY_OUTCOMES:
        columns += [f"p_{outcome}", f"p_{outcome}_low", f"p_{outcome}_high"]
    columns += [f"p_war_{label}" for label in PATH_LABELS]
    return [*columns, "expected_deaths"]


def schema(grid: Grid) -> pa.Schema:
    """One row's columns: ids, each parameter's value (named by its path), seed, runs, days, the summary."""
    fields = [
        pa.field("unit_id", pa.int64()),
        pa.field("set_id", pa.int64()),
        pa.field("replicate", pa.int64()),
    ]
    fields += [pa.field(p.path, pa.float64()) for p in grid.parameters]
    fields += [pa.field(name, pa.int64()) for name in ("seed", "runs", "days")]
    fields += [pa.field(name, pa.float64()) for name in summary_columns()]
    return pa.schema(fields)


COLUMN_UNITS = {
    "unit_id": "index (see unit_id_rule)",
    "set_id": "index into parameter_sets",
    "replicate": "index, 0-based",
    "policy": "policy name (hive partition)",
    "<parameter path>": "the parameter's value, in the scenario file's own unit",
    "seed": "engine seed (integer)",
    "runs": "paths",
    "days": "days",
    "p_<outcome>": "probability (0-1) of the event within the horizon: war, nuclear_use, clash, agreement",
    "p_<outcome>_low/_high": "Wilson 95% interval of that probability",
    "p_war_<path>": "probability (0-1) of war by that path within the horizon",
    "expected_deaths": "people (mean over paths); NaN where the scenario has no lives model",
}


def partition(policy: str) -> str:
    """The partition folder of a policy: ``policy=<URL-quoted name>``."""
    return f"policy={urllib.parse.quote(policy, safe='')}"


class SweepStore:
    """The ``--out`` folder of one sweep. Use :meth:`check` (reads only), then ``with store.open():``.

    Args:
        folder: the ``--out`` folder (created when absent).
        scenario, grid: what the sweep is; ``grid.digest(scenario)`` identifies it on ``--resume``.
        units: every unit of the sweep (:func:`brinkmanship.sweep.units.enumerate_units`).
        resume: finish the sweep already in ``folder`` instead of starting one.
    """

    def __init__(
        self, folder: Path, scenario: ScenarioFile, grid: Grid, units: list[Unit], *, resume: bool
    ) -> None:
        self.folder = folder
        self.scenario = scenario
        self.grid = grid
        self.units = units
        self.resume = resume
        self.schema = schema(grid)
        self.digest = grid.digest(scenario)
        self.done: set[int] = set()
        self._lock: int | None = None
        self._manifest_written = 0.0

    def _refuse(self, message: str) -> UserError:
        return UserError(f"--out {self.folder}: {message}")

    # -- before anything is written ------------------------------------------------------------------

    def check(self) -> None:
        """Refuse a folder this sweep may not write into; writes nothing.

        Raises:
            UserError: ``folder`` is a file; holds a sweep and ``resume`` is false; holds no sweep, a
                sweep of another scenario, grid or brinkmanship version, or an unreadable manifest, with
                ``resume``; holds
                other files (which would break reading the dataset) without a manifest.
        """
        folder = self.folder
        if folder.exists() and not folder.is_dir():
            raise self._refuse("exists and is not a folder")
        outer = enclosing_sweep(folder, itself=False)
        if outer is not None:
            raise self._refuse(
                f"lies inside the sweep dataset {outer} ({MANIFEST}): its rows would be read as that "
                "sweep's; give a folder outside it"
            )
        manifest = self._read_manifest()
        if manifest is None:
            if self.resume:
                raise self._refuse("holds no sweep to resume (no _manifest.json); leave out --resume")
            if folder.exists():
                self._refuse_foreign_entries(sweep=False)
            return
        self._refuse_foreign_entries(sweep=True)
        if not self.resume:
            done = manifest.get("units_done", "?")
            raise self._refuse(
                f"already holds a sweep ({done} of {manifest.get('units_total', '?')} units done); "
                "give --resume to finish it, or another folder"
            )
        if manifest.get("scenario") != self.scenario.name:
            raise self._refuse(
                f"holds a sweep of {manifest.get('scenario')!r}, not {self.scenario.name!r}; "
                "--resume needs the same scenario and grid"
            )
        made_by = manifest.get("brinkmanship_version")
        if made_by != __version__:
            raise self._refuse(
                f"holds a sweep made by brinkmanship {made_by}, and this is {__version__}: finishing it "
                "would mix two versions' models in one dataset; resume it with that version, or give "
                "another folder"
            )
        if manifest.get("grid_sha256") != self.digest:
            raise self._refuse(
                f"holds a sweep of another grid or scenario version than {self.grid.source}; "
                "--resume needs the same scenario and grid (give another folder for a new sweep)"
            )
        self._finished_units()  # refuses a stray file before a cluster starts

    def _refuse_foreign_entries(self, sweep: bool) -> None:
        """A dataset's folder holds its manifest and partition folders only: anything else visible (another
        command's results, a nested sweep) would be read as its rows or break reading it. Another command's
        staging folder means it is writing results here, or was killed doing so."""
        staged = sorted(self.folder.glob(f"{STAGING_PREFIX}*"))
        if staged:
            raise self._refuse(
                f"holds {staged[0].name}: another brink command is writing its results here (or was killed "
                "doing so: then remove it); a sweep's dataset needs a folder of its own"
            )
        for path in sorted(self.folder.iterdir()):
            if path.name.startswith((".", "_")):
                continue
            if sweep and path.name.startswith("policy=") and path.is_dir() and not path.is_symlink():
                continue
            if not sweep:
                raise self._refuse(
                    f"is not empty and holds no sweep ({path.name}: another command's results?); a sweep's "
                    "dataset needs a folder of its own: give a new or empty folder"
                )
            raise self._refuse(
                f"holds {path.name}, which is not part of this sweep's dataset (readers would take it for "
                "rows); move it out, then run again"
            )

    def _read_manifest(self) -> dict[str, Any] | None:
        path = self.folder / MANIFEST
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise self._refuse(f"cannot read {MANIFEST}: {error}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise self._refuse(f"{MANIFEST} is not a brink sweep manifest")
        return data

    # -- writing ---------------------------------------------------------------------------------------

    def __enter__(self) -> SweepStore:
        """Create and lock the folder, clear a killed sweep's temporary files, find the finished units."""
        self._take_lock()
        try:
            self.check()  # again, under the lock: another sweep may have started here meanwhile
            self._clear_temporary()
            self.done = self._finished_units()
            self.write_manifest(force=True)
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._lock is not None:
                with contextlib.suppress(UserError):  # the units are the state; the count is a convenience
                    self.write_manifest(force=True)
        finally:
            self._unlock()

    def _take_lock(self) -> None:
        """Create the folder and hold its lock file. A sweep that ends removes the file while it still holds
        it, so a lock taken on a file since removed is taken again on the new one (a few tries)."""
        for _ in range(5):
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._lock = os.open(self.folder / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as error:
                raise self._refuse(f"cannot write: {error.strerror or error}") from None
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(self._lock)
                self._lock = None
                raise self._refuse("another brink sweep is writing into this folder") from None
            try:
                current = os.stat(self.folder / LOCK).st_ino
            except OSError:
                current = None
            if current == os.fstat(self._lock).st_ino:
                return
            os.close(self._lock)  # the sweep before removed it meanwhile
            self._lock = None
        raise self._refuse("another brink sweep is writing into this folder")

    def _unlock(self) -> None:
        if self._lock is not None:
            # Removed while still held, so no later sweep finds a lock file left behind; closing releases it.
            with contextlib.suppress(OSError):
                os.unlink(self.folder / LOCK)
            os.close(self._lock)
            self._lock = None

    def _clear_temporary(self) -> None:
        """Remove what a killed sweep left mid-write; only files named as :meth:`write` names them, so
        that nothing of the user's is ever deleted."""
        for path in self.folder.glob(f"policy=*/{TEMP_PREFIX}*"):
            if TEMP_FILE.match(path.name) and path.is_file() and not path.is_symlink():
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()

    def _finished_units(self) -> set[int]:
        """Unit ids with a complete file (one row, this sweep's columns) under its own name in its own
        partition. Anything else visible in a partition would be read with the dataset's rows, and it is
        not this sweep's to delete: refused, naming it (hidden files are skipped by every reader)."""
        done: set[int] = set()
        for partition_folder in sorted(self.folder.glob("policy=*")):
            if not partition_folder.is_dir() or partition_folder.is_symlink():
                continue  # refused by _refuse_foreign_entries
            for path in sorted(partition_folder.iterdir()):
                if path.name.startswith((".", "_")):
                    continue
                unit_id = self._unit_of(path)
                if unit_id is None:
                    raise self._refuse(
                        f"holds {path.relative_to(self.folder)}, which is not a finished unit of this sweep "
                        "(readers would take it for its rows); move it out, then run --resume again"
                    )
                done.add(unit_id)
        return done

    def _unit_of(self, path: Path) -> int | None:
        """The unit id of a complete unit file of this sweep at ``path``, else None."""
        match = UNIT_FILE.match(path.name)
        if match is None or not path.is_file() or path.is_symlink():
            return None
        unit_id = int(match.group(1))
        # The exact name write() gives it: unit-42.parquet beside unit-000042.parquet would be a second row.
        if not 0 <= unit_id < len(self.units) or path.name != f"unit-{unit_id:06d}.parquet":
            return None
        if path.parent.name != partition(self.units[unit_id].policy):
            return None
        try:
            meta = pq.read_metadata(path)
        except (OSError, pa.ArrowException):
            return None
        if meta.num_rows != 1 or not meta.schema.to_arrow_schema().equals(self.schema):
            return None
        self._check_recorded(path, self.units[unit_id])
        return unit_id

    def _check_recorded(self, path: Path, unit: Unit) -> None:
        """Refuse a unit file whose row records another unit than its name (a file copied or renamed by
        hand): resuming would keep it as this unit's result, and the dataset would hold one unit twice
        and another never. Nothing is deleted: the file is the user's to move."""
        expected: dict[str, Any] = {
            "unit_id": unit.unit_id,
            "set_id": unit.set_id,
            "replicate": unit.replicate,
            "seed": unit.seed,
            "runs": self.grid.runs,
            "days": self.grid.days,
            **dict(unit.values),
        }
        try:
            row = pq.read_table(path, columns=list(expected)).to_pylist()[0]
        except (OSError, pa.ArrowException) as error:
            raise self._refuse(f"cannot read {path.relative_to(self.folder)}: {error}") from None
        for column, value in expected.items():
            if row[column] != value:
                raise self._refuse(
                    f"{path.relative_to(self.folder)} records {column} {row[column]}, but unit "
                    f"{unit.unit_id} (its name) has {column} {value}: another unit's result under this "
                    "name; move it out, then run --resume again"
                )

    def write(self, row: dict[str, Any]) -> Path:
        """Write one finished unit's row (whole or not at all) and return its file."""
        unit = self.units[int(row["unit_id"])]
        table = pa.Table.from_pylist([row], schema=self.schema)
        folder = self.folder / partition(unit.policy)
        final = folder / f"unit-{unit.unit_id:06d}.parquet"
        temporary = folder / f"{TEMP_PREFIX}{final.name}.{os.getpid()}"
        try:
            folder.mkdir(exist_ok=True)
            with temporary.open("wb") as handle:
                pq.write_table(table, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, final)
            _fsync_folder(folder)
        except BaseException as error:
            with contextlib.suppress(OSError):
                temporary.unlink()
            if isinstance(error, OSError):
                raise self._refuse(f"cannot write {final.name}: {error.strerror or error}") from None
            raise
        self.done.add(unit.unit_id)
        self.write_manifest()
        return final

    def write_manifest(self, force: bool = False) -> None:
        """Rewrite ``_manifest.json`` atomically (at most once a second unless ``force``)."""
        now = time.monotonic()
        if not force and now - self._manifest_written < MANIFEST_EVERY_S:
            return
        self._manifest_written = now
        path = self.folder / MANIFEST
        temporary = self.folder / f".{MANIFEST}.{os.getpid()}"
        try:
            temporary.write_text(json.dumps(self.manifest(), indent=1), encoding="utf-8")
            os.replace(temporary, path)
        except OSError as error:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise self._refuse(f"cannot write {MANIFEST}: {error.strerror or error}") from None

    def manifest(self) -> dict[str, Any]:
        """What the manifest holds (see docs/sweeps.md)."""
        grid = self.grid
        return {
            "format": FORMAT,
            "brinkmanship_version": __version__,
            "scenario": self.scenario.name,
            "grid_file": grid.source,
            "grid": grid.spec,
            "grid_sha256": self.digest,
            "parameters": [p.as_dict() for p in grid.parameters],
            "parameter_sets": [{"set_id": i, "values": values} for i, values in enumerate(grid.sets)],
            "policies": list(grid.policies),
            "replicates": grid.replicates,
            "runs": grid.runs,
            "days": grid.days,
            "prelude": grid.prelude,
            "units_total": len(self.units),
            "units_done": len(self.done),
            "unit_id_rule": UNIT_ID,
            "root_seed": grid.seed,
            "seeding": SEEDING,
            "replicate_seeds": replicate_seeds(grid.seed, grid.replicates),
            "partitioning": PARTITIONING,
            "columns": COLUMN_UNITS,
            "updated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (no-op where folders cannot be opened)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without O_RDONLY on folders
        return
    try:
        os.fsync(handle)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(handle)
