"""What the model's exponentials alone cost a path-day on this machine: a floor under the kernel's speed.

Each active path-day the model takes, for each principal ``i`` with ``n_i`` moves in its repertoire,
``n_i`` exponentials for its own logit choice and ``4 n_i`` for the other side's Bayes update over its
four types (greedy or not x resolute or not: each type's full choice table, since the likelihood of the
move seen is its weight over the table's total; docs/model.md, steps 1 and 6): ``5 (n_0 + n_1)`` in all,
110 in korea-2017. This times exactly those, in loops of the kernel's lengths, through the kernel's own
branch-free exponential (:func:`brinkmanship.engine.compiled_kernel.weight_exp`, which LLVM vectorises
four to an AVX2 instruction), with nothing else: the path-days per second that the exponentials alone
would allow on one thread. Issue 11's target is 5 M path-days/s on one thread (200 ns a path-day).

Run: ``.venv/bin/python benchmarks/bench_floor.py [--scenario korea-2017] [--path-days 2000000]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from numba import njit

from brinkmanship.engine import compiled_kernel
from brinkmanship.scenario import compile_scenario, load_scenario


@njit(cache=False)
def _exponentials(path_days: int, n0: int, n1: int, scratch: np.ndarray) -> float:
    """The model's exponentials for ``path_days`` path-days (loop lengths as the kernel's): the two
    logit rows (``n0 + n1``), then each side's four type tables (``4 n_i``); returns a checksum so that
    nothing is optimised away."""
    checksum = 0.0
    for day in range(path_days):
        shift = -1e-9 * (day % 97)
        for a in range(n0 + n1):
            scratch[a] = compiled_kernel.weight_exp(scratch[a] * 0.5 + shift)
        for n in (n0, n1):
            for a in range(4 * n):
                scratch[a] = compiled_kernel.weight_exp(scratch[a] * 0.5 + shift)
        checksum += scratch[0]
    return checksum


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="korea-2017")
    parser.add_argument("--path-days", type=int, default=2_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    params = compiled_kernel.pack(compile_scenario(load_scenario(args.scenario)))
    n0, n1 = (int(n) for n in params.rep_size)
    scratch = -np.random.default_rng(1).random(4 * max(n0, n1) + n0 + n1)
    _exponentials(10, n0, n1, scratch)  # compile
    timings = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        _exponentials(args.path_days, n0, n1, scratch)
        timings.append(time.perf_counter() - started)
    best, median = min(timings), float(np.median(timings))
    per_day = 5 * (n0 + n1)
    print(
        f"{args.scenario}: repertoires of {n0} and {n1} moves, {per_day} exponentials a path-day; "
        "one thread: "
        f"{1e9 * median / args.path_days:.0f} ns a path-day median ({1e9 * best / args.path_days:.0f} best), "
        f"{1e9 * median / (args.path_days * per_day):.2f} ns an exponential; the exponentials alone allow "
        f"{args.path_days / median / 1e6:.2f} M path-days/s ({args.path_days / best / 1e6:.2f} best); "
        "issue 11's target: 5 M path-days/s (200 ns a path-day) for the whole model"
    )


if __name__ == "__main__":
    main()
