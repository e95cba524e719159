"""Benchmark of the global sensitivity analysis (issue 12): rows per second and the target run's time.

The issue's target run: a Sobol analysis of korea-2017 over 8 uncertain parameters, N = 1024, first and
total order (N (k + 2) = 10,240 rows), 2,000 paths x 365 days per row (about 7.5 billion path-days), in
under 15 minutes on this machine.

The full run would take hours here, so this times a **slice**: the first ``--rows`` rows of that very
design (SALib's Sobol sequence, seeded as `brink sensitivity` seeds it), each run as the command runs it
(:func:`brinkmanship.analysis.variants.run_variant`, prelude shared, lives model, common random numbers),
after one warm-up row (which loads the compiled kernel and computes or reads the burned-in paths). It
reports rows per second, path-days per second, the projected time of the 10,240 rows, and the time
SALib's analysis takes on 10,240 rows (measured in full: it is cheap).

Run: ``.venv/bin/python benchmarks/bench_sensitivity.py [--rows 32] [--runs 2000] [--days 365]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from brinkmanship.analysis import global_sensitivity as gsa
from brinkmanship.analysis.lives import lives_model
from brinkmanship.analysis.variants import run_variant
from brinkmanship.policies import Policy
from brinkmanship.scenario import load_scenario
from scratch import own_burn_in_cache

TARGET_N = 1024
TARGET_K = 8
TARGET_S = 15 * 60


def main() -> None:
    with own_burn_in_cache():
        _run()


def _run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=32, help="rows of the target design to time")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=20171126)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    scenario = load_scenario("korea-2017")
    parameters, _ = gsa.choose_parameters(scenario)
    parameters = parameters[:TARGET_K]
    design = gsa.sample("sobol", parameters, TARGET_N, args.seed)
    total_rows = design.shape[0]
    assert total_rows == gsa.row_count("sobol", TARGET_N, TARGET_K) == 10_240
    lives = lives_model(scenario)
    baseline = Policy("baseline")

    def run(row: np.ndarray) -> float:
        values = {p.path: float(v) for p, v in zip(parameters, row, strict=True)}
        result = run_variant(
            scenario, values, baseline, args.runs, args.days, args.seed, lives=lives, workers=args.workers
        )
        return result.mean("war")

    print(f"korea-2017: {TARGET_K} parameters ({', '.join(p.path for p in parameters)})")
    started = time.perf_counter()
    run(design[0])
    print(f"warm-up row (kernel load, burned-in paths computed): {time.perf_counter() - started:.1f} s")
    outputs = []
    started = time.perf_counter()
    for row in design[1 : 1 + args.rows]:
        outputs.append(run(row))
    elapsed = time.perf_counter() - started
    per_row = elapsed / args.rows
    path_days = args.runs * args.days
    projected = per_row * total_rows
    print(
        f"{args.rows} rows x {args.runs:,} paths x {args.days} days: {elapsed:.1f} s "
        f"({1 / per_row:.2f} rows/s, {per_row:.3f} s a row, {path_days / per_row:,.0f} path-days/s)"
    )
    print(
        f"projected: the target run, {total_rows:,} rows ({total_rows * path_days / 1e9:.2f} billion "
        f"path-days): {projected / 60:.0f} min (target {TARGET_S / 60:.0f} min: "
        f"{'met' if projected <= TARGET_S else f'not met, {projected / TARGET_S:.1f}x over'}); "
        "projected from the slice, not run"
    )

    fake = np.random.default_rng(1).random(total_rows)  # the analysis does not care what the rows hold
    started = time.perf_counter()
    largest = gsa.largest_fitting_n("sobol", TARGET_K, args.runs, args.days)
    gsa.analyse("sobol", parameters, design, fake, TARGET_N, args.seed, largest=largest)
    analysis_s = time.perf_counter() - started
    print(f"SALib's Sobol analysis of {total_rows:,} rows, 1,000 bootstrap resamples: {analysis_s:.2f} s")


if __name__ == "__main__":
    main()
