"""Benchmark: comparing 7 policies on korea-2017 on common random numbers.

Run: ``.venv/bin/python benchmarks/bench_compare.py [--runs 100000] [--workers 0]``. Prints the time
of one plain ensemble, the time of the comparison (baseline + 6 policies, same paths), the overhead of
comparing over k single runs (target: none beyond the k runs; the issue's target is 7 x 100,000 paths in
under 3 minutes on this 2-core machine), and the comparison's figures: P(war) per policy with its 95%
interval and the paired change from maximum pressure.
"""

from __future__ import annotations

import argparse
import os
import time

from brinkmanship.analysis.compare import run_comparison
from brinkmanship.engine.ensemble import simulate
from brinkmanship.policies import Catalogue
from brinkmanship.scenario import compile_scenario, load_scenario

POLICIES = (
    "maximum-pressure",
    "restraint",
    "coordinated-signals",
    "direct-channel",
    "freeze-for-freeze",
    "un-six-party",
    "editorial",
)
"""Seven policies; maximum-pressure is korea-2017's baseline, so the comparison runs 7 ensembles."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=0, help="0 = by size, as the CLI")
    parser.add_argument("--seed", type=int, default=20171126)
    args = parser.parse_args()
    korea = load_scenario("korea-2017")
    days = korea.horizon_days
    catalogue = Catalogue.builtin()
    policies = [catalogue.parse(name) for name in POLICIES]

    model = compile_scenario(korea)
    simulate(model, 2048, days, args.seed)  # warm-up: imports, caches, first allocations
    started = time.perf_counter()
    simulate(model, args.runs, days, args.seed, workers=args.workers)
    single = time.perf_counter() - started

    started = time.perf_counter()
    comparison = run_comparison(korea, policies, args.runs, args.seed, workers=args.workers)
    total = time.perf_counter() - started
    simulated = sum(1 for run in comparison.results if run.same_as is None)

    print(f"korea-2017, {args.runs:,} paths x {days} days, workers={args.workers} ({os.cpu_count()} CPUs)")
    print(f"one plain ensemble:                 {single:7.1f} s")
    print(f"comparison of {len(comparison.results)} policies ({simulated} simulated): {total:7.1f} s")
    print(f"per simulated policy:               {total / simulated:7.1f} s")
    print(f"overhead over {simulated} single runs:        {total / (simulated * single) - 1:+7.1%}")
    print(f"throughput:                         {simulated * args.runs * days / total:,.0f} path-days/s")
    print()
    rows = {row["policy"]: row for row in comparison.summaries()}
    print(f"{'policy':22s} {'P(war)':>7s} {'95% CI':>15s} {'vs max-pressure (paired 95%)':>32s}")
    for name in ("baseline", *POLICIES):
        war = rows[name]["outcomes"]["war"]
        change = comparison.difference(name, "maximum-pressure")
        low, high = war["ci95"]
        print(
            f"{name:22s} {war['p']:7.2%} [{low:6.2%}, {high:6.2%}] "
            f"{100 * change.diff:+8.2f} pts [{100 * change.ci95[0]:+6.2f}, {100 * change.ci95[1]:+6.2f}]"
            f"{' *' if change.significant else ''}"
        )


if __name__ == "__main__":
    main()
