"""Benchmark of `brink sweep` (issue 12): scaling from one worker to two, local processes and Dask.

A sweep's units are independent ensembles, so two workers should take about half the time of one.
Measured: the wall time of the same sweep (``--units`` units of korea-2017, ``--runs`` paths x ``--days``
days each, each unit burning in its own 268-day prelude: ``prelude: own``) run on 1 and on 2 workers,

- local processes (:func:`brinkmanship.engine.workers.worker_pool`, as ``--workers N``), and
- a Dask ``LocalCluster`` (processes, one thread each, as ``--dask local --workers N``),

and the efficiency ``T1 / (2 * T2)`` (target: above 80%).

How it is kept fair:

- **one thread per worker**: each worker's compiled kernel runs on one thread (``BRINK_THREADS=1``, set
  per task), so one worker uses one core and two workers two; without it one worker would already use
  both cores through the kernel's threads and there would be nothing to scale;
- **no caches shared between the runs**: the burn-in cache is off (``BRINK_CACHE_DIR=off``), so every
  unit computes its prelude in every run, and the units run on a seed nothing ran on before;
- **the machine's share**: each measurement also reports the workers' CPU seconds (``time.process_time``
  in each task) as a share of ``workers x wall time``: near 100% means the workers had their cores; well
  below means other processes took them, and the wall-time efficiency then says more about the machine's
  load than about the sweep. Equal CPU seconds for one and two workers mean the work itself does not
  grow with the workers (no burn-in computed twice, no per-worker overhead worth counting);
- **start-up timed apart**: the pool or cluster is started and every worker has run a small warm-up
  batch (one a worker, each with its own burn-in so that it lasts long enough for every worker to get one)
  (imports, the Numba kernel loaded from its cache) before the clock starts; the start-up is reported
  on its own line. The results are not written (the Parquet writes take milliseconds a unit).

Run: ``.venv/bin/python benchmarks/bench_sweep.py [--units 16] [--runs 1000] [--days 90] [--repeat 1]``.
The figures depend on the machine being otherwise idle: on a shared 2-core machine they are lower bounds.
Linux shares the CPU between sessions (``/proc/sys/kernel/sched_autogroup_enabled``), not processes: while
another session is busy, the benchmark's workers together get about one core however many there are, and
the report shows it as a share near 50% of 2 cores.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

os.environ["BRINK_CACHE_DIR"] = "off"  # before brinkmanship is imported: every run computes its preludes
os.environ["BRINK_THREADS"] = "1"  # one kernel thread per worker (inherited by every worker)

from brinkmanship.scenario import load_scenario
from brinkmanship.sweep.execute import Task, evaluate, runner
from brinkmanship.sweep.grid import grid_from_mapping
from brinkmanship.sweep.units import batches, enumerate_units

SCENARIO = "korea-2017"


def tasks(units: int, runs: int, days: int, seed: int) -> list[Task]:
    """``units`` units: clash_to_war over ``units / 2`` values x two policies, one replicate."""
    scenario = load_scenario(SCENARIO)
    n = max(1, units // 2)
    values = [0.01 + 0.08 * i / max(n - 1, 1) for i in range(n)]
    grid = grid_from_mapping(
        {
            "runs": runs,
            "days": days,
            "seed": seed,
            "prelude": "own",
            "parameters": {"escalation.clash_to_war": values},
            "policies": ["baseline", "direct-channel"],
        },
        scenario,
        "benchmark grid",
    )
    return [Task(b, scenario, runs, days, "own", 1) for b in batches(enumerate_units(grid))]


def cpu_evaluate(task: Task) -> tuple[Any, float]:
    """:func:`evaluate` and the CPU seconds the worker spent on it (all its threads)."""
    started = time.process_time()
    rows = evaluate(task)
    return rows, time.process_time() - started


def timed(
    workers: int, dask: str | None, work: list[Task], warm_up: list[Task]
) -> tuple[float, float, float]:
    """(start-up and warm-up seconds, sweep seconds, the workers' CPU seconds) on ``workers`` workers."""
    started = time.perf_counter()
    with runner(workers, dask, cpu_evaluate) as (run, _):
        for _ in run(warm_up):
            pass
        ready = time.perf_counter()
        cpu = sum(seconds for _, seconds in run(work))
        done = time.perf_counter()
    return ready - started, done - ready, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=16)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement; the fastest counts")
    parser.add_argument("--no-dask", action="store_true", help="local processes only")
    parser.add_argument("--dask-first", action="store_true", help="measure Dask before local processes")
    args = parser.parse_args()
    print(
        f"{SCENARIO}: {args.units} units of {args.runs:,} paths x {args.days} days (+ own 268-day prelude); "
        f"{os.cpu_count()} cores, one kernel thread per worker; load average {os.getloadavg()[0]:.2f}"
    )
    kinds: list[tuple[str, str | None]] = [("local processes", None)]
    if not args.no_dask:
        kinds.insert(0 if args.dask_first else 1, ("Dask LocalCluster", "local"))
    for label, dask in kinds:
        times = {}
        for workers in (1, 2):
            best = None
            for repeat in range(args.repeat):
                seed = 1000 + 10 * workers + repeat + (500 if dask else 0)  # nothing cached from another run
                work = tasks(args.units, args.runs, args.days, seed)
                warm = tasks(2 * workers, 50, 5, seed + 100_000)  # one batch for each worker
                load = os.getloadavg()[0]
                start_up, elapsed, cpu = timed(workers, dask, work, warm)
                best = elapsed if best is None else min(best, elapsed)
                print(
                    f"{label}, {workers} worker(s): {elapsed:.1f} s, workers' CPU {cpu:.1f} s = "
                    f"{cpu / elapsed / workers:.0%} of {workers} core(s) (start-up and warm-up "
                    f"{start_up:.1f} s; load average {load:.2f} before)"
                )
            times[workers] = best
        efficiency = times[1] / (2 * times[2])
        print(
            f"{label}: T1 {times[1]:.1f} s, T2 {times[2]:.1f} s, speed-up {times[1] / times[2]:.2f}x, "
            f"efficiency T1/(2 T2) = {efficiency:.0%} (target above 80%)"
        )


if __name__ == "__main__":
    main()
