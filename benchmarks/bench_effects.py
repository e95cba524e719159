"""Benchmark: a 20-detonation strike plan on the Seoul–Incheon urban area.

Run: ``.venv/bin/python benchmarks/bench_effects.py``. Prints timings; the target is under one
second for the whole plan (the optimum-height search is cached per overpressure; the population
grid is built once for all detonations; overpressure is interpolated from a per-burst table).
"""

from __future__ import annotations

import time

import numpy as np

from brinkmanship.effects import Detonation, plan_consequences


def strike_plan(n: int = 20, seed: int = 1) -> list[Detonation]:
    """n detonations scattered over Seoul–Incheon, mixed yields and bursts."""
    rng = np.random.default_rng(seed)
    lats = 37.5665 + rng.normal(0.0, 0.12, n)
    lons = 126.9780 + rng.normal(0.0, 0.15, n)
    yields = rng.choice([15.0, 25.0, 100.0, 250.0], n)
    bursts = rng.choice(["air", "surface"], n, p=[0.7, 0.3])
    return [
        Detonation(yield_kt=float(w), burst=str(b), lat=float(la), lon=float(lo))
        for w, b, la, lo in zip(yields, bursts, lats, lons, strict=True)
    ]


def main() -> None:
    """Time a cold run (first call fills caches) and the median of warm runs."""
    plan = strike_plan()
    t0 = time.perf_counter()
    result = plan_consequences(plan)
    cold = time.perf_counter() - t0
    warm = []
    for seed in range(2, 7):
        other = strike_plan(seed=seed)
        t0 = time.perf_counter()
        plan_consequences(other)
        warm.append(time.perf_counter() - t0)
    print(
        f"20 detonations on Seoul–Incheon: deaths {result.deaths.central:,.0f} "
        f"(low {result.deaths.low:,.0f}, high {result.deaths.high:,.0f})"
    )
    print(f"cold (includes loading GeoNames): {cold:.3f} s")
    print(f"warm median over 5 plans:         {np.median(warm):.3f} s  (target < 1 s)")


if __name__ == "__main__":
    main()
