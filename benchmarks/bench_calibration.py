"""Benchmark of the calibration (issue 10): the full fit of the shipped targets, and `--param-uncertainty`.

Targets: a full calibration in under 60 minutes on the project's 2-core machine, resumable; `brink run
korea-2017 --param-uncertainty` with its defaults in under a minute.

The fit is the one `brink calibrate --out DIR` makes with its defaults (96 + 48 design rows, 16 check
rows; each row runs korea-2017, korea-calm and cuba-1962 with 1,024 paths and replays korea-2017's record
with 1,024 paths and 512-path forecasts). It is resumable: run it again with the same DIR and it picks up
where it stopped. With ``--ship`` the posterior is copied into the package (``calibration/data``): that is
how the shipped posterior is made.

Run: ``.venv/bin/python benchmarks/bench_calibration.py --out fit/ [--ship] [--skip-fit]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

SHIPPED = (
    Path(__file__).resolve().parents[1] / "src" / "brinkmanship" / "calibration" / "data" / "posterior.json"
)


def timed(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds of the child as a share of all cores, and its stdout."""
    started = time.perf_counter()
    before = os.times()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    after = os.times()
    wall = time.perf_counter() - started
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu / (wall * (os.cpu_count() or 1)), done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="fit")
    parser.add_argument("--ship", action="store_true", help="copy the posterior into the package")
    parser.add_argument("--skip-fit", action="store_true", help="time only --param-uncertainty")
    args = parser.parse_args()
    brink = str(Path(sys.executable).with_name("brink"))
    if not args.skip_fit:
        wall, share, stdout = timed([brink, "calibrate", "--out", args.out, "--json"])
        document = json.loads(stdout)
        print(
            f"calibration: {document['simulations']} model rows ({document['rows_simulated_this_session']} "
            f"simulated in this run) in {wall / 60:.1f} min wall (CPU {share:.0%} of the cores); fit "
            f"{document['fit_seconds'] / 60:.1f} min; target 60 min: {'met' if wall < 3600 else 'NOT met'}"
        )
        if args.ship:
            shutil.copyfile(Path(args.out) / "posterior.json", SHIPPED)
            print(f"shipped: {SHIPPED}")
    wall, share, _ = timed([brink, "run", "korea-2017", "--param-uncertainty", "--json"])
    print(
        f"brink run korea-2017 --param-uncertainty (defaults): {wall:.1f} s wall (CPU {share:.0%} of the "
        f"cores); target 60 s: {'met' if wall < 60 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
