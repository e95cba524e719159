"""Ensembles: many paths of one scenario, in chunks of seeding blocks, on one or several processes.

Aggregates stream: each chunk returns integer counts and per-day histograms, so memory does not grow
with runs x days. Because every block has its own random stream (:mod:`randomness`), and chunks are
merged in block order, a seed gives identical results for any chunk size or worker count.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from threadpoolctl import threadpool_limits

from brinkmanship.engine import randomness as rnd
from brinkmanship.engine.kernel import DayLog, step
from brinkmanship.engine.numerics import checked_arithmetic
from brinkmanship.engine.state import ACTIVE, NEVER, PATH_LABELS, CrisisState, initial_state
from brinkmanship.engine.workers import worker_pool
from brinkmanship.model.ladder import N_ACTIONS
from brinkmanship.scenario.compiled import CompiledScenario

MAX_RUNS = 50_000_000
MAX_DAYS = 3650
DEFAULT_CHUNK_BLOCKS = 8
COMPACT_EVERY = 30
"""Days between drops of finished paths from the stepped set (a speed setting; results do not change)."""

ForcedSchedule = dict[int, np.ndarray]
"""Day -> action indices imposed on the two principals (-1 = free): shape (2,) for every path, or
(n_paths_in_chunk, 2) per path."""


@dataclass
class PathTable:
    """Per-path results of one chunk, in path order."""

    path_id: np.ndarray
    clash_day: np.ndarray
    war_day: np.ndarray
    nuclear_day: np.ndarray
    settle_day: np.ndarray
    war_path: np.ndarray
    war_initiator: np.ndarray
    deaths_quantile: np.ndarray


@dataclass
class Tally:
    """Integer aggregates over paths; adding two tallies merges them exactly."""

    days: int
    runs: int = 0
    clash: int = 0
    war: int = 0
    nuclear_use: int = 0
    settlement: int = 0
    war_by_path: np.ndarray = field(default_factory=lambda: np.zeros(len(PATH_LABELS), dtype=np.int64))
    war_by_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    clash_by_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    nuclear_by_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    settlement_by_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    actions: np.ndarray = field(default_factory=lambda: np.zeros((2, N_ACTIONS), dtype=np.int64))
    active_path_days: int = 0
    misreadings: int = 0
    readings: int = 0
    false_alarms: int = 0
    freeze_days: int = 0
    freeze_breaches: np.ndarray = field(default_factory=lambda: np.zeros(2, dtype=np.int64))
    audience_stock: int = 0  # micro-units, see kernel.FIXED_POINT
    lock_in: int = 0

    def __post_init__(self) -> None:
        for name in ("war_by_day", "clash_by_day", "nuclear_by_day", "settlement_by_day"):
            if getattr(self, name).size == 0:
                setattr(self, name, np.zeros(self.days, dtype=np.int64))

    def add_day(self, log: DayLog) -> None:
        """Add one day's aggregates from the kernel."""
        self.active_path_days += log.active
        for name in (
            "actions",
            "misreadings",
            "readings",
            "false_alarms",
            "freeze_days",
            "freeze_breaches",
            "audience_stock",
            "lock_in",
        ):
            setattr(self, name, getattr(self, name) + getattr(log, name))

    def merge(self, other: Tally) -> None:
        """Add ``other`` into this tally."""
        for name, value in vars(other).items():
            if name != "days":
                setattr(self, name, getattr(self, name) + value)


@dataclass
class ChunkResult:
    tally: Tally
    paths: PathTable | None
    final_state: CrisisState | None


class EventDays(Protocol):
    """Per-path event days (-1 = never) and war path: a CrisisState or a PathTable."""

    clash_day: np.ndarray
    war_day: np.ndarray
    nuclear_day: np.ndarray
    settle_day: np.ndarray
    war_path: np.ndarray


def record_outcomes(tally: Tally, paths: EventDays, days: int) -> None:
    """Count the outcomes that happened within the horizon ``days`` (also used by the reference)."""
    for outcome, attribute, by_day in (
        ("clash", "clash_day", "clash_by_day"),
        ("war", "war_day", "war_by_day"),
        ("nuclear_use", "nuclear_day", "nuclear_by_day"),
        ("settlement", "settle_day", "settlement_by_day"),
    ):
        day = getattr(paths, attribute)
        inside = (day != NEVER) & (day < days)
        setattr(tally, outcome, getattr(tally, outcome) + int(inside.sum()))
        histogram = np.bincount(day[inside], minlength=days)[:days].astype(np.int64)
        setattr(tally, by_day, getattr(tally, by_day) + histogram)
    war = (paths.war_day != NEVER) & (paths.war_day < days)
    tally.war_by_path += np.bincount(paths.war_path[war], minlength=len(PATH_LABELS)).astype(np.int64)


def run_chunk(
    model: CompiledScenario,
    seed: int,
    runs: int,
    days: int,
    first_block: int,
    n_blocks: int,
    forced: ForcedSchedule | None = None,
    keep_paths: bool = False,
    keep_state: bool = False,
    start: CrisisState | None = None,
) -> ChunkResult:
    """Simulate the blocks ``first_block .. first_block + n_blocks`` for ``days`` days.

    BLAS is held to one thread: the kernel's matrix products are small, and threads cost more than they
    save (and fight with worker processes). Floating-point trouble is handled by
    :func:`~brinkmanship.engine.numerics.checked_arithmetic`.
    """
    with threadpool_limits(limits=1, user_api="blas"), checked_arithmetic():
        streams = rnd.block_streams(seed, runs, first_block, n_blocks)
        types = np.concatenate([s.types() for s in streams])
        if start is None:
            state = initial_state(model, types)
        else:
            state = start.take(
                np.arange(first_block * rnd.BLOCK_SIZE, first_block * rnd.BLOCK_SIZE + len(types))
            )
        first_day = state.day
        tally = Tally(days=days, runs=state.n_paths)
        n_acts = model.n_third_party_acts
        # Only live (active) paths are stepped; every COMPACT_EVERY days the finished ones are dropped.
        live = np.flatnonzero(state.status == ACTIVE)
        part = state.take(live)
        for day in range(first_day, first_day + days):
            draws = [s.day(n_acts) for s in streams]  # drawn even for finished paths: streams stay aligned
            if (day - first_day) % COMPACT_EVERY == 0 and day > first_day:
                state.put(live, part)
                live = np.flatnonzero(state.status == ACTIVE)
                part = state.take(live)
            if live.size == 0:
                part.day = day + 1
                continue
            uniforms = np.concatenate([d[0] for d in draws])[live]
            normals = np.concatenate([d[1] for d in draws])[live]
            log = step(
                model, part, uniforms, normals, None if forced is None else _forced_rows(forced, day, live)
            )
            tally.add_day(log)
        state.put(live, part)
        shifted = _shift_days(state, first_day)
        record_outcomes(tally, shifted, days)
        paths = None
        if keep_paths:
            start_id = first_block * rnd.BLOCK_SIZE
            paths = PathTable(
                path_id=np.arange(start_id, start_id + state.n_paths, dtype=np.int64),
                clash_day=shifted.clash_day,
                war_day=shifted.war_day,
                nuclear_day=shifted.nuclear_day,
                settle_day=shifted.settle_day,
                war_path=shifted.war_path,
                war_initiator=shifted.war_initiator,
                deaths_quantile=state.deaths_quantile,
            )
        return ChunkResult(tally, paths, state if keep_state else None)


def _forced_rows(forced: ForcedSchedule, day: int, live: np.ndarray) -> np.ndarray | None:
    """The imposed actions of ``day`` for the live paths (a schedule may give one row per path)."""
    actions = forced.get(day)
    if actions is None:
        return None
    actions = np.asarray(actions)
    return actions[live] if actions.ndim == 2 else actions


def _shift_days(state: CrisisState, first_day: int) -> CrisisState:
    """Event days counted from the start of this run (a branch from day k counts from k)."""
    if first_day == 0:
        return state
    shifted = state.copy()
    for name in ("clash_day", "war_day", "nuclear_day", "settle_day"):
        day = getattr(shifted, name)
        keep = (day != NEVER) & (day >= first_day)
        setattr(shifted, name, np.where(keep, day - first_day, NEVER).astype(np.int32))
    return shifted


def chunk_plan(runs: int, chunk_blocks: int) -> Iterator[tuple[int, int]]:
    """(first_block, n_blocks) for each chunk."""
    total = -(-runs // rnd.BLOCK_SIZE)
    for first in range(0, total, chunk_blocks):
        yield first, min(chunk_blocks, total - first)


def auto_workers(runs: int, days: int) -> int:
    """Processes worth starting: one for small ensembles (start-up costs more than it saves)."""
    if runs * days < 5_000_000:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def simulate(
    model: CompiledScenario,
    runs: int,
    days: int,
    seed: int,
    *,
    chunk_blocks: int = DEFAULT_CHUNK_BLOCKS,
    workers: int = 1,
    forced: ForcedSchedule | None = None,
    keep_paths: bool = False,
    on_chunk: Callable[[int], None] | None = None,
    on_paths: Callable[[PathTable], None] | None = None,
    start: CrisisState | None = None,
) -> Tally:
    """Run ``runs`` paths for ``days`` days; return the merged tally.

    Args:
        model: compiled scenario.
        runs, days, seed: ensemble size, horizon, and the seed of the whole random stream.
        chunk_blocks: blocks of :data:`randomness.BLOCK_SIZE` paths simulated together.
        workers: processes; 1 runs in this process, 0 picks by size (:func:`auto_workers`).
        forced: actions imposed on given days (history replay, a player).
        keep_paths: pass per-path tables to ``on_paths`` chunk by chunk (in path order).
        on_chunk: progress callback, called with the number of paths just finished.
        start: branch from this state (``runs`` paths, e.g. one replayed path replicated with
            :meth:`CrisisState.take`) instead of day 0; event days then count from ``start.day``.
    """
    if start is not None and start.n_paths != runs:
        raise ValueError(f"start state has {start.n_paths} paths, not runs={runs}")
    plan = list(chunk_plan(runs, chunk_blocks))
    total = Tally(days=days)
    if workers <= 0:
        workers = auto_workers(runs, days)

    def absorb(result: ChunkResult) -> None:
        total.merge(result.tally)
        if on_paths is not None and result.paths is not None:
            on_paths(result.paths)
        if on_chunk is not None:
            on_chunk(result.tally.runs)

    if workers <= 1 or len(plan) == 1:
        for first, count in plan:
            absorb(run_chunk(model, seed, runs, days, first, count, forced, keep_paths, start=start))
        return total
    with worker_pool(workers) as pool:  # workers die with this process and stop on Ctrl-C
        futures = [
            pool.submit(run_chunk, model, seed, runs, days, first, count, forced, keep_paths, False, start)
            for first, count in plan
        ]
        for future in futures:  # merged in block order: identical to the serial result
            absorb(future.result())
    return total
