"""`brink sweep`: parameter sets x policies x replicates into a resumable Parquet dataset."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import TextColumn

from brinkmanship.cli_common import MAX_WORKERS, JsonOption, check_range, console, given, stderr_progress
from brinkmanship.engine.atomic import check_out_text
from brinkmanship.errors import UserError
from brinkmanship.wording import plural

# The model's libraries (NumPy, SciPy, pyarrow, Dask...) are imported when the command runs, so that
# `brink --help`, a command's help and a refused option do not wait seconds for them.
if TYPE_CHECKING:
    from brinkmanship.sweep.store import SweepStore


def _workers_in_range(value: int) -> int:
    check_range("--workers", value, 0, MAX_WORKERS)
    return value


SweepWorkersOption = Annotated[
    int,
    typer.Option(
        "--workers",
        help="worker processes; 0 = none, units run here (with --dask local: 0 = one per core). "
        "Results do not depend on it",
        callback=_workers_in_range,
    ),
]


def sweep(
    scenario: Annotated[str, typer.Argument(help="built-in name (see `brink scenarios`) or a scenario file")],
    grid: Annotated[
        Path,
        typer.Option("--grid", "-g", help="grid file (YAML): parameters, policies, runs (docs/sweeps.md)"),
    ],
    out: Annotated[str, typer.Option("--out", "-o", help="folder of the Parquet dataset and _manifest.json")],
    workers: SweepWorkersOption = 0,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            help="run on Dask: 'local' (a LocalCluster of --workers processes) or a scheduler tcp://host:port",
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="finish the sweep in --out: compute only the missing units")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Run every parameter set under every policy (x replicates) and stream one Parquet row per unit.

    Units of one replicate share their random numbers (paired differences); results are identical serially,
    with --workers or on Dask; after Ctrl-C or kill -9, --resume computes only the missing units.
    """
    from brinkmanship.scenario import load_scenario
    from brinkmanship.sweep.execute import Task, check_dask_address, runner
    from brinkmanship.sweep.grid import load_grid
    from brinkmanship.sweep.store import SweepStore
    from brinkmanship.sweep.units import batches, enumerate_units

    started = time.perf_counter()
    if dask is not None:
        check_dask_address(dask)
        if dask != "local" and given("--workers"):
            raise UserError(
                f"--workers: not used with --dask {dask} (the scheduler's workers run the units); leave it "
                "out, or give --dask local for a cluster of --workers processes here"
            )
    sc = load_scenario(scenario)
    checked = load_grid(grid, sc)
    units = enumerate_units(checked)
    store = SweepStore(check_out_text(out), sc, checked, units, resume=resume)
    store.check()  # nothing is written, and no cluster started, for a folder that would be refused
    with runner(workers, dask) as (run, threads):
        with store:
            todo = [u for u in units if u.unit_id not in store.done]
            earlier = len(units) - len(todo)
            tasks = [Task(b, sc, checked.runs, checked.days, checked.prelude, threads) for b in batches(todo)]
            try:
                with _progress(len(units), earlier, not as_json) as advance:
                    for rows in run(tasks):
                        for row in rows:
                            store.write(row)
                            advance()
            except KeyboardInterrupt:
                _stopped(store, "interrupted", 130)
            except BaseException as error:
                if type(error).__name__ == "Terminated":  # SIGTERM (cli.Terminated)
                    _stopped(store, "terminated", 143)
                raise
    elapsed = time.perf_counter() - started
    summary = {
        "scenario": sc.name,
        "out": str(store.folder),
        "units_total": len(units),
        "units_computed": len(todo),
        "units_resumed": earlier,
        "parameter_sets": len(checked.sets),
        "policies": list(checked.policies),
        "replicates": checked.replicates,
        "runs": checked.runs,
        "days": checked.days,
        "elapsed_s": round(elapsed, 3),
    }
    if as_json:
        print(json.dumps(summary))
        return
    console.print(
        f"{sc.name}: {plural(len(units), 'unit')} ({plural(len(checked.sets), 'parameter set')} x "
        f"{plural(len(checked.policies), 'policy', 'policies')} x "
        f"{plural(checked.replicates, 'replicate')}, "
        f"{plural(checked.runs, 'path')} x {plural(checked.days, 'day')} each) "
        f"in {store.folder}/ ({len(todo):,} computed now, {earlier:,} earlier) in {elapsed:.1f} s"
    )
    console.print(
        f'read it with pandas.read_parquet("{store.folder}") or pyarrow.dataset (hive partitioning)'
    )


def _stopped(store: SweepStore, what: str, code: int) -> None:
    """Report what stays after Ctrl-C or SIGTERM and exit with ``code`` (the finished units stay)."""
    store.write_manifest(force=True)
    print(
        f"error: {what}; {len(store.done):,} of {len(store.units):,} units are written in {store.folder}/ "
        "(run again with --resume to finish)",
        file=sys.stderr,
    )
    raise SystemExit(code)


@contextmanager
def _progress(total: int, done: int, enabled: bool) -> Iterator[Callable[[], None]]:
    """A transient bar on stderr: units done of all (resumed ones included), rate, elapsed and time left."""
    with stderr_progress(enabled, TextColumn("units {task.fields[rate]}"), time_left=True) as progress:
        task = progress.add_task("sweep", total=total, completed=done, rate="")
        started = time.perf_counter()
        count = 0

        def advance() -> None:
            nonlocal count
            count += 1
            rate = count / max(time.perf_counter() - started, 1e-9)
            progress.update(task, advance=1, rate=f"({rate * 60:.1f}/min)")

        yield advance


def register(app: typer.Typer) -> None:
    """Attach `brink sweep` to the main app."""
    app.command("sweep")(sweep)
