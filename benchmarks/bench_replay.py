"""Benchmark of `brink replay` (issue 9): January 2017 to December 2018 with 100,000 paths.

Target: under 2 minutes on the project's 2-core machine, for the whole replay as `brink replay
korea-2017 --from 2017-01-01 --to 2018-12-31 --runs 100000` runs it (the particle filter through the 730
days of the record, and a forecast of ``--forecast-runs`` paths x 365 days every ``--every`` days).

Reported separately: the filter alone (paths x days per second) and the forecasts, with the CPU seconds
of this process as a share of 2 cores x wall time (near 100%: the benchmark had the machine; well below:
other processes took it, and the wall time is an upper bound). The Numba kernel is compiled (or loaded
from its cache) by a small warm-up replay before the clock starts.

Run: ``.venv/bin/python benchmarks/bench_replay.py [--runs 100000] [--every 7] [--forecast-runs 1024]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time

from brinkmanship.history import load_events
from brinkmanship.history.replay import replay
from brinkmanship.scenario import load_scenario

FIRST, LAST = dt.date(2017, 1, 1), dt.date(2018, 12, 31)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--every", type=int, default=7)
    parser.add_argument("--forecast-runs", type=int, default=1024)
    parser.add_argument("--seed", type=int, default=20171126)
    args = parser.parse_args()
    sc = load_scenario("korea-2017")
    record = load_events("korea-2017", sc)
    replay(sc, record, FIRST, FIRST + dt.timedelta(days=20), 1024, 1, every=10, forecast_runs=64)  # warm-up
    days = (LAST - FIRST).days + 1
    cores = os.cpu_count() or 1

    def timed(forecast: bool) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        replay(
            sc,
            record,
            FIRST,
            LAST,
            args.runs,
            args.seed,
            every=args.every,
            forecast_runs=args.forecast_runs,
            forecast=forecast,
        )
        return time.perf_counter() - wall, time.process_time() - cpu

    filter_wall, filter_cpu = timed(False)
    whole_wall, whole_cpu = timed(True)
    print(
        f"korea-2017 replay {FIRST} to {LAST}: {args.runs:,} paths x {days} days, forecasts of "
        f"{args.forecast_runs:,} paths x 365 days every {args.every} days"
    )
    print(
        f"  filter alone: {filter_wall:.1f} s ({args.runs * days / filter_wall / 1e6:.2f} M path-days/s; "
        f"CPU {filter_cpu / (cores * filter_wall):.0%} of {cores} cores)"
    )
    print(
        f"  whole replay: {whole_wall:.1f} s (forecasts {whole_wall - filter_wall:.1f} s; "
        f"CPU {whole_cpu / (cores * whole_wall):.0%} of {cores} cores); target under 120 s: "
        f"{'met' if whole_wall < 120 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
