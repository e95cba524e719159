"""The units of a sweep and their seeds.

A **unit** is one parameter set under one policy in one replicate: one ensemble of ``runs`` paths over
``days`` days, one row of results. Units are numbered replicate-major::

    unit_id = (replicate * n_sets + set_id) * n_policies + policy_index

**Seeding.** The root seed gives one child per replicate, ``numpy.random.SeedSequence(root).spawn(R)``,
and the engine's integer seed of replicate ``r`` is the child's first 64-bit word with its top bit
cleared (``child.generate_state(1, numpy.uint64)[0] & (2**63 - 1)``; the engine takes seeds up to
2**63-1). Every unit of replicate ``r`` (every parameter set, every policy) runs on that one seed, so
within a replicate all units share their random numbers path by path (common random numbers: the engine's
draws are keyed by seed and path, engine/randomness.py) and differences between units are paired: they are
the parameters' and the policies' doing, not noise. Replicates are independent streams (the children of a
SeedSequence are statistically independent), so the spread across replicates measures Monte Carlo error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from brinkmanship.sweep.grid import MAX_SEED, Grid


@dataclass(frozen=True)
class Unit:
    """One unit of work: ``values`` (parameter path -> value) under ``policy``, on engine seed ``seed``."""

    unit_id: int
    set_id: int
    replicate: int
    policy: str
    values: tuple[tuple[str, float], ...]
    seed: int


def replicate_seeds(root: int, replicates: int) -> list[int]:
    """The engine seed of each replicate, from ``SeedSequence(root).spawn(replicates)`` (module docstring)."""
    children = np.random.SeedSequence(root).spawn(replicates)
    return [int(child.generate_state(1, np.uint64)[0]) & MAX_SEED for child in children]


def enumerate_units(grid: Grid) -> list[Unit]:
    """Every unit of ``grid``, in ``unit_id`` order."""
    seeds = replicate_seeds(grid.seed, grid.replicates)
    units = []
    for replicate, seed in enumerate(seeds):
        for set_id, values in enumerate(grid.sets):
            for index, policy in enumerate(grid.policies):
                unit_id = (replicate * len(grid.sets) + set_id) * len(grid.policies) + index
                units.append(Unit(unit_id, set_id, replicate, policy, tuple(values.items()), seed))
    return units


def batches(units: Iterable[Unit]) -> list[tuple[Unit, ...]]:
    """``units`` grouped by (replicate, parameter set), in order: the policies of one parameter set in one
    replicate share their burn-in (the prelude runs before the levers, on the same seed), so running them
    in one task computes the prelude once instead of once per policy and worker. Each unit's row is the
    same either way."""
    groups: dict[tuple[int, int], list[Unit]] = {}
    for unit in units:
        groups.setdefault((unit.replicate, unit.set_id), []).append(unit)
    return [tuple(group) for group in groups.values()]
