"""Benchmark of the kernel (issue "Speed: a compiled kernel"): korea-2017 on this machine.

Reports, in one run:

- the cold start: compiling the kernel with an empty Numba cache (in a fresh process; ``--cold``);
- korea-2017, ``--runs`` paths x 365 days, wall time with a warm compile cache, first with the burn-in
  (the 268-day prelude) computed, then with it read from the burn-in cache - what a second run costs;
- path-days per second on one thread (compiled) and for the NumPy kernel, for the same NumPy kernel
  stepping one path at a time (as an agent-based toolkit steps its agents), and for the independent
  reference (written separately from docs/model.md, vectorised over paths), with the ratios;
- a forecast from a given state (2,000 paths x 90 days, what a crisis room's advice needs per option);
- peak memory (``--memory-runs`` paths, e.g. 1,000,000; aggregates stream, so it should not grow with runs).

Targets (issue 11): 100,000 x 365 in at most 5 s warm on 2 cores; at least 5 M path-days/s on one
thread; cold start at most 20 s; the forecast under 100 ms; at most 1.5 GB at 1,000,000 paths.
Run: ``.venv/bin/python benchmarks/bench_kernel.py [--runs N] [--cold] [--memory-runs N]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

from brinkmanship.engine import compiled_kernel, ensemble
from brinkmanship.engine import randomness as rnd
from brinkmanship.engine.reference import reference_simulate
from brinkmanship.scenario import compile_scenario, load_scenario
from scratch import own_burn_in_cache

COLD_START = """
import time, numpy as np
started = time.perf_counter()
from brinkmanship.engine import ensemble, randomness as rnd
from brinkmanship.scenario import compile_scenario, load_scenario
model = compile_scenario(load_scenario("korea-calm"))
state = ensemble.initial_state(model, rnd.type_draws(1, np.arange(4)))
ensemble.advance(model, state, np.arange(4), 1, 2)
print(time.perf_counter() - started)
"""


def peak_rss_mb() -> float:
    """Peak resident memory of this process and its finished children, in MB (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024.0


def cold_start_s() -> float:
    """Seconds to import and compile the kernel with an empty Numba cache, in a fresh process."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        out = subprocess.run(
            [sys.executable, "-c", COLD_START], env=env, capture_output=True, text=True, check=True
        )
    return float(out.stdout.strip().splitlines()[-1])


def one_thread_rate(model, kernel: str, runs: int, days: int) -> float:
    """Path-days per second stepped by one kernel on one thread from a burned-in state (warm)."""
    have_numba = compiled_kernel.HAVE_NUMBA
    compiled_kernel.HAVE_NUMBA = have_numba and kernel == "compiled"
    compiled_kernel._NOTICE_GIVEN = True  # chosen here, not missing
    ensemble.KERNEL_THREADS = 1
    key = rnd.seed_key(1)
    ids = np.arange(runs)
    state = ensemble.burned_in(model, 1, ids)
    started = time.perf_counter()
    ensemble.advance(model, state, ids, key, days, ensemble.Tally(days=days, runs=runs))
    elapsed = time.perf_counter() - started
    compiled_kernel.HAVE_NUMBA = have_numba
    ensemble.KERNEL_THREADS = None
    return runs * days / elapsed


def main() -> None:
    with own_burn_in_cache():
        _run()


def _run() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--cold", action="store_true", help="also time a cold start (about 20 s)")
    parser.add_argument("--memory-runs", type=int, default=0, help="also run this many paths for memory")
    parser.add_argument("--reference-runs", type=int, default=100)
    args = parser.parse_args()
    have_numba = compiled_kernel.HAVE_NUMBA
    print(f"kernel: {'compiled (Numba)' if have_numba else 'NumPy (Numba missing)'}; {os.cpu_count()} cores")
    if args.cold and have_numba:
        print(f"cold start (import + compile, empty Numba cache): {cold_start_s():.1f} s")

    scenario = load_scenario("korea-2017")
    model = compile_scenario(scenario)
    days = scenario.horizon_days
    ensemble.simulate(model, 64, 2, seed=99)  # load the compiled kernel from its cache

    for label in ("burn-in computed", "burn-in from cache"):
        started = time.perf_counter()
        tally = ensemble.simulate(model, args.runs, days, seed=1, workers=1)
        wall = time.perf_counter() - started
        stepped = days + (model.prelude_days if label == "burn-in computed" else 0)
        print(
            f"korea-2017 {args.runs:,} paths x {days} days ({label}): {wall:.2f} s wall "
            f"({args.runs * stepped / wall:,.0f} path-days/s, {model.prelude_days if stepped > days else 0}"
            f" prelude days included); P(war) = {tally.war / tally.runs:.4f}"
        )

    rates = {}
    if have_numba:
        rates["compiled"] = one_thread_rate(model, "compiled", 8192, days)
    rates["numpy"] = one_thread_rate(model, "numpy", 2048, 120)
    # One path at a time, as an agent-based toolkit steps its agents: the NumPy kernel on a single path.
    rates["NumPy kernel, one path at a time"] = one_thread_rate(model, "numpy", 1, 60)
    started = time.perf_counter()
    reference_simulate(scenario, args.reference_runs, days, seed=1)
    reference_s = time.perf_counter() - started
    rates["one path at a time (reference)"] = args.reference_runs * (days + model.prelude_days) / reference_s
    for name, rate in rates.items():
        ratio = rates.get("compiled", rates["numpy"]) / rate
        print(f"one thread, {name}: {rate:,.0f} path-days/s (the engine's kernel is {ratio:,.1f}x this)")

    # A forecast from a replayed state: one path on day 40, replicated 2,000 times.
    start = ensemble.run_chunk(model, 3, 1, 40, 0, 1, keep_state=True).final_state
    assert start is not None
    branch = start.take(np.zeros(2000, dtype=int))
    ensemble.simulate(model, 2000, 90, 4, start=branch)  # warm
    timings = []
    for seed in range(5, 10):
        started = time.perf_counter()
        ensemble.simulate(model, 2000, 90, seed, start=branch)
        timings.append(time.perf_counter() - started)
    print(f"forecast from a state, 2,000 paths x 90 days: {1000 * float(np.median(timings)):.0f} ms (median)")

    if args.memory_runs:
        started = time.perf_counter()
        ensemble.simulate(model, args.memory_runs, days, seed=2, workers=1)
        print(f"{args.memory_runs:,} paths x {days} days: {time.perf_counter() - started:.0f} s")
    print(f"peak memory (this process + children): {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
