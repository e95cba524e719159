"""Benchmark: korea-2017, 100,000 paths x 365 days (after its 268-day prelude), peak memory on 2 cores.

Path-days count the prelude's days too (the kernel steps them). Also times the independent reference
implementation (docs/model.md) on a small ensemble and reports the speed-up.
Run: ``.venv/bin/python benchmarks/bench_kernel.py [--runs N] [--workers W]``.
"""

from __future__ import annotations

import argparse
import resource
import time

from brinkmanship.engine.ensemble import simulate
from brinkmanship.engine.reference import reference_simulate
from brinkmanship.scenario import compile_scenario, load_scenario


def peak_rss_mb() -> float:
    """Peak resident memory of this process and its finished children, in MB (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--reference-runs", type=int, default=200)
    args = parser.parse_args()
    scenario = load_scenario("korea-2017")
    model = compile_scenario(scenario)
    days = scenario.horizon_days

    started = time.perf_counter()
    tally = simulate(model, args.runs, days, seed=1, workers=args.workers)
    kernel_s = time.perf_counter() - started
    stepped = days + model.prelude_days
    kernel_rate = args.runs * stepped / kernel_s

    started = time.perf_counter()
    reference_simulate(scenario, args.reference_runs, days, seed=1)
    reference_s = time.perf_counter() - started
    reference_rate = args.reference_runs * stepped / reference_s

    print(
        f"kernel:    {args.runs:,} paths x ({model.prelude_days} + {days}) days in {kernel_s:.1f} s = "
        f"{kernel_rate:,.0f} path-days/s"
    )
    print(
        f"reference: {args.reference_runs:,} paths x ({model.prelude_days} + {days}) days in "
        f"{reference_s:.1f} s = {reference_rate:,.0f} path-days/s"
    )
    print(f"speed-up over the reference: {kernel_rate / reference_rate:,.0f}x")
    print(f"peak memory (this process + workers, summed maxima): {peak_rss_mb():,.0f} MB")
    print(f"P(war) = {tally.war / tally.runs:.4f}  P(clash) = {tally.clash / tally.runs:.4f}")


if __name__ == "__main__":
    main()
