"""Running a sweep's units: in this process, in local worker processes, or on a Dask cluster.

Every way runs the same function, :func:`evaluate`, on the same :class:`Task` (the units of one parameter
set in one replicate, which share their burn-in: :func:`brinkmanship.sweep.units.batches`; the scenario
as declared; runs, days, prelude), so a unit's row does not depend on where or alongside what it ran: the
engine's random numbers are keyed by the unit's seed and each path (engine/randomness.py), and the
compiled kernel's threads split paths, never streams. Results arrive in any order; the caller writes
each as it arrives (:class:`brinkmanship.sweep.store.SweepStore`).

- **serial** (``--workers 0``): one unit after another here; the kernel uses its threads.
- **processes** (``--workers N``): N worker processes (:func:`brinkmanship.engine.workers.worker_pool`:
  killed on Ctrl-C, never orphaned), each kernel on ``cores // N`` threads (at least one).
- **Dask** (``--dask local`` or ``--dask tcp://host:port``): a ``distributed.LocalCluster`` of N worker
  processes with one thread each, or an existing scheduler; units are submitted with ``client.map`` and
  collected with ``as_completed``. Dask is imported only here and only then. A LocalCluster's workers
  start with SIGINT blocked (a terminal's Ctrl-C is this process's alone to handle), and after Ctrl-C they
  are killed and the cluster closed at once with logging off: the command's one line is all it prints.

A worker's kernel threads are set per task through ``BRINK_THREADS`` (``Task.threads``): one worker, one
share of the cores, so workers do not oversubscribe them. On a remote cluster the workers' own setting
stands unless ``BRINK_THREADS`` is set where the sweep is started.
"""

from __future__ import annotations

import builtins
import contextlib
import logging
import os
import shutil
import signal
import tempfile
import types
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass
from typing import Any

from brinkmanship.analysis.lives import LivesModel, lives_model
from brinkmanship.analysis.variants import Prelude, run_variant
from brinkmanship.engine.workers import sigint_blocked, worker_pool
from brinkmanship.errors import UserError
from brinkmanship.policies import Catalogue
from brinkmanship.scenario import ScenarioFile
from brinkmanship.sweep.units import Unit

DASK_INSTALL = "pip install 'brinkmanship[dask]'"
CONNECT_TIMEOUT_S = 5
"""How long ``--dask tcp://...`` waits for the scheduler before giving up."""
STOP_TIMEOUT_S = 0.5
"""After Ctrl-C (or SIGTERM, or an error): how long the client has to disconnect and each nanny of a
LocalCluster to close (its worker is killed first, :func:`_stop_workers`); a graceful close waited 3-5 s
for the units the workers were computing."""

SCRATCH_PREFIX = "brink-dask-"
"""Name prefix of the folder a ``--dask local`` sweep's workers write in (:func:`_scratch_folder`); it is
removed when the sweep ends, however it ends."""

Runner = Callable[[Sequence["Task"]], Iterator[list[dict[str, Any]]]]
"""Runs tasks and yields each one's rows as it finishes (tasks in any order)."""


@dataclass(frozen=True)
class Task:
    """What a batch of units needs, picklable: the units, the scenario as declared and the run settings."""

    units: tuple[Unit, ...]
    scenario: ScenarioFile
    runs: int
    days: int
    prelude: Prelude
    threads: int | None = None


_CATALOGUE: Catalogue | None = None
_LIVES: dict[str, LivesModel | None] = {}


def _lives(scenario: ScenarioFile) -> LivesModel | None:
    key = scenario.model_dump_json(include={"name", "consequences"})
    if key not in _LIVES:
        try:
            _LIVES[key] = lives_model(scenario)
        except UserError:  # a user's scenario whose strikes the places table lacks: deaths are NaN
            _LIVES[key] = None
    return _LIVES[key]


def evaluate(task: Task) -> list[dict[str, Any]]:
    """Each unit's row, in the task's order: ids, parameter values, seed, runs, days and
    ``VariantRun.summary()`` (no policy: the store puts it in the partition). Runs in whichever process
    the task was sent to."""
    global _CATALOGUE
    if task.threads:
        os.environ["BRINK_THREADS"] = str(task.threads)
    if _CATALOGUE is None:
        _CATALOGUE = Catalogue.builtin()
    rows = []
    for unit in task.units:
        values = dict(unit.values)
        run = run_variant(
            task.scenario,
            values,
            _CATALOGUE.parse(unit.policy),
            task.runs,
            task.days,
            unit.seed,
            prelude=task.prelude,
            lives=_lives(task.scenario),
            workers=1,
            where=f"unit {unit.unit_id}",
        )
        rows.append(
            {
                "unit_id": unit.unit_id,
                "set_id": unit.set_id,
                "replicate": unit.replicate,
                **values,
                "seed": unit.seed,
                "runs": task.runs,
                "days": task.days,
                **run.summary(),
            }
        )
    return rows


def threads_per_worker(workers: int) -> int:
    """Kernel threads of each of ``workers`` local workers: ``BRINK_THREADS`` if set, else the cores
    shared out (at least one)."""
    text = os.environ.get("BRINK_THREADS", "").strip()
    if text.isascii() and text.isdigit() and int(text) >= 1:
        return int(text)
    return max(1, (os.cpu_count() or 1) // max(workers, 1))


@contextlib.contextmanager
def runner(
    workers: int = 0, dask: str | None = None, function: Callable[[Task], Any] | None = None
) -> Iterator[tuple[Runner, int | None]]:
    """The way to run units, ready to use; yields ``(run, threads)``: ``threads`` goes into each Task.

    ``function`` replaces :func:`evaluate` (a benchmark wraps it to time the workers); it must be picklable.

    The worker pool is started, a Dask scheduler connected (or a LocalCluster started) on entry, so an
    unreachable one is refused before anything is written; all are closed on exit (workers killed when
    the block is left by an exception).

    Raises:
        UserError: ``--dask`` without Dask installed (names the install command), a scheduler that
            cannot be reached within :data:`CONNECT_TIMEOUT_S` seconds, or workers without this
            version of brinkmanship.
    """
    call = function or evaluate
    if dask is not None:
        with _dask_runner(dask, workers, call) as pair:
            yield pair
        return
    if workers <= 0:
        yield (lambda tasks: (call(task) for task in tasks)), None
        return
    threads = threads_per_worker(workers)
    # The pool lives as long as the block, like a Dask cluster: its workers load the kernel and the lives
    # model once, and any exception leaving the block (Ctrl-C, SIGTERM, an error) kills them at once.
    with worker_pool(workers, threads) as pool:

        def run(tasks: Sequence[Task]) -> Iterator[list[dict[str, Any]]]:
            futures = [pool.submit(call, task) for task in tasks]
            try:
                for future in as_completed(futures):
                    yield future.result()
            finally:
                for future in futures:
                    future.cancel()

        yield run, threads


def _installed_version() -> str:
    """The brinkmanship installed where this runs (run on each Dask worker by :func:`_check_workers`).

    Defined without reference to brinkmanship's modules, so that it can be sent to a worker that lacks
    them and report that.
    """
    import importlib.metadata

    try:
        return importlib.metadata.version("brinkmanship")
    except importlib.metadata.PackageNotFoundError:
        return ""


_PROBE = _installed_version.__code__
"""What each worker runs to say its version (:func:`_installed_version`'s code, fixed at import)."""


def _check_workers(client: Any, address: str) -> None:
    """Refuse a cluster whose workers lack brinkmanship, or run another version of it, before any unit
    is sent: their rows would fail one by one with a worker's traceback, or mix two models in one sweep.

    Raises:
        UserError: a worker without brinkmanship, with another version, or no worker at all.
    """
    here = _installed_version()
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError):
        raise UserError(
            f"--dask {address}: the scheduler has no workers (none joined within {CONNECT_TIMEOUT_S} s)"
        ) from None
    # Sent by value: a worker without brinkmanship cannot import this module to find the function.
    probe = types.FunctionType(_PROBE, {"__builtins__": builtins, "__name__": "__main__"}, "installed")
    try:
        versions = client.run(probe)
    except Exception as error:  # a worker's failure arrives as whatever it raised
        reason = " ".join(str(error).split()) or type(error).__name__
        raise UserError(
            f"--dask {address}: cannot ask the workers which brinkmanship they run: {reason}"
        ) from None
    if not versions:
        raise UserError(f"--dask {address}: the scheduler has no workers")
    for worker, version in sorted(versions.items()):
        if not version:
            raise UserError(
                f"--dask {address}: worker {worker} has no brinkmanship installed; install brinkmanship "
                f"{here} on every worker"
            )
        if version != here:
            raise UserError(
                f"--dask {address}: worker {worker} runs brinkmanship {version}, this is {here}; one "
                "sweep must run one version everywhere"
            )


DASK_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
"""Address schemes of a Dask scheduler (distributed's communication backends)."""


def check_dask_address(address: str) -> None:
    """Refuse a ``--dask`` value that is neither ``local`` nor ``scheme://host[:port]`` with a known scheme,
    a host and a port from 1 to 65535, in one line, before anything starts: a Client given a bad address
    waits out its connect timeout and reports a timeout, and one given an unknown scheme is left
    half-built, its finaliser printing a traceback at exit."""
    if address == "local":
        return
    scheme, sep, rest = address.partition("://")
    if not sep or scheme not in DASK_SCHEMES:
        raise UserError(
            f"--dask: give 'local' or a scheduler address such as tcp://host:8786 (schemes: "
            f"{', '.join(DASK_SCHEMES)}), not {address!r}"
        )
    host, colon, port = rest.rpartition(":") if not rest.endswith("]") else ("", "", rest)
    if not colon:  # no port: distributed uses the scheme's default
        host = rest
    if not host.strip("[]") or any(c.isspace() or c in "/?#@" for c in host):
        what = f"{host!r} is not a host name or address" if host.strip("[]") else "no host before the port"
        raise UserError(f"--dask {address}: {what} (e.g. tcp://host:8786)")
    if colon and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise UserError(f"--dask {address}: port {port!r} is not a number from 1 to 65535")


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UserError(f"--dask needs Dask's distributed scheduler: {DASK_INSTALL}") from None
    return distributed


def _scratch_folder() -> str:
    """A new, empty folder for a LocalCluster's workers (their ``local_directory``), in Dask's
    ``temporary-directory`` if one is configured, else the system's temporary folder (``TMPDIR``)."""
    import dask.config

    return tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=dask.config.get("temporary-directory", None))


@contextlib.contextmanager
def _dask_runner(
    address: str, workers: int, call: Callable[[Task], Any]
) -> Iterator[tuple[Runner, int | None]]:
    distributed = _import_distributed()
    # A LocalCluster's workers write in a folder of the sweep's own, removed on every way out (end, error,
    # Ctrl-C): by default they share <tmp>/dask-scratch-space, which distributed leaves behind, with
    # the folder of any worker killed after Ctrl-C in it.
    scratch = _scratch_folder() if address == "local" else None
    try:
        with _dask_client(distributed, address, workers, call, scratch) as pair:
            yield pair
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


@contextlib.contextmanager
def _dask_client(
    distributed: Any, address: str, workers: int, call: Callable[[Task], Any], scratch: str | None
) -> Iterator[tuple[Runner, int | None]]:
    cluster = None
    threads: int | None
    stopped = False  # left by an exception (Ctrl-C, SIGTERM, an error): close at once and quietly
    # The cluster is started inside the try: a Ctrl-C held while it started arrives as the block that held
    # it ends, and the cluster must still be closed (its workers would write on in the scratch folder).
    try:
        if address == "local":
            n = workers if workers > 0 else (os.cpu_count() or 1)
            threads = threads_per_worker(n)
            # Started with SIGINT blocked in this thread, so that the cluster's threads, and the worker
            # processes they spawn (now, or later when a nanny restarts one), start with it blocked too: a
            # Ctrl-C reaches the whole process group, and a worker that took it printed its traceback and
            # its nanny's log. A blocked signal survives fork and exec whatever the start method (SIG_IGN
            # would have to be set in this process, losing a Ctrl-C meanwhile; a worker preload runs only
            # once the worker has imported distributed and started its event loop, which catches SIGINT
            # till then). multiprocessing's resource tracker is started first: starting it (on the first
            # spawn) unblocks SIGINT in the thread that spawns, which would undo the block for the workers.
            from multiprocessing import resource_tracker

            resource_tracker.ensure_running()
            with sigint_blocked():
                cluster = distributed.LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    # A free port, not the default 8787: with dashboard_address=None the scheduler's HTTP
                    # server still takes 8787 and warns (UserWarning) when another cluster holds it.
                    dashboard_address=":0",
                    silence_logs=logging.ERROR,
                    # The workers' and the scheduler's scratch (each makes dask-scratch-space in it).
                    local_directory=scratch,
                    scheduler_kwargs={"local_directory": scratch},
                )
            target: Any = cluster
        else:
            check_dask_address(address)
            text = os.environ.get("BRINK_THREADS", "").strip()
            threads = int(text) if text.isascii() and text.isdigit() and int(text) >= 1 else None
            target = address
        try:
            client = distributed.Client(target, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            reason = " ".join(str(error).split()) or type(error).__name__
            raise UserError(f"--dask {address}: cannot reach the scheduler: {reason}") from None
        try:
            _check_workers(client, address)

            def run(tasks: Sequence[Task]) -> Iterator[list[dict[str, Any]]]:
                futures = client.map(call, list(tasks), pure=False)
                try:
                    for future in distributed.as_completed(futures, loop=client.loop):
                        yield future.result()
                finally:
                    client.cancel(futures)

            try:
                yield run, threads
            except BaseException:
                stopped = True
                raise
        finally:
            with _logs_silenced(stopped), contextlib.suppress(Exception):
                client.close(timeout=STOP_TIMEOUT_S if stopped else CONNECT_TIMEOUT_S)
    except BaseException:
        stopped = True
        raise
    finally:
        if cluster is not None:
            with _logs_silenced(stopped), contextlib.suppress(Exception):
                if stopped:
                    _stop_workers(cluster)
                cluster.close(timeout=CONNECT_TIMEOUT_S)


@contextlib.contextmanager
def _logs_silenced(silenced: bool = True) -> Iterator[None]:
    """No log record from any logger of this process for the block, when ``silenced``.

    After Ctrl-C the command prints its one line; closing a cluster whose workers were stopped mid-unit
    makes distributed's scheduler, nannies and comms log what they see (a worker lost, a stream closed),
    at levels up to ERROR, through loggers that set their own levels (distributed.yaml). Only the switch
    that overrides them all silences them all; it is the process's previous one again afterwards.
    """
    if not silenced:
        yield
        return
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(previous)


def _stop_workers(cluster: Any) -> None:
    """Kill a LocalCluster's worker processes at once, through their nannies, which then neither restart
    them nor wait the default 5 s for the unit each is computing.

    The workers are killed before their nannies can ask them to stop: a worker that stops itself logs,
    from its own process where this one's logging switch does not reach, the heartbeat its closing
    connection cut ("Failed to communicate with scheduler", with a traceback; about one Ctrl-C in ten).
    Its unit is lost either way. Runs on the cluster's event loop: the nannies' closes are queued before
    the kills, so each runs (and sets its nanny closing) before the nanny hears that its worker died and
    would restart it.
    """
    import asyncio

    async def stop() -> None:
        nannies = list(cluster.workers.values())
        pids = [getattr(nanny, "pid", None) for nanny in nannies]
        closing = [asyncio.ensure_future(nanny.close(timeout=STOP_TIMEOUT_S)) for nanny in nannies]
        for pid in pids:
            if isinstance(pid, int):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        await asyncio.gather(*closing, return_exceptions=True)

    cluster.sync(stop, callback_timeout=CONNECT_TIMEOUT_S)
