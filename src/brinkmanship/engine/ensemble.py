"""Ensembles: many paths of one scenario, in chunks of seeding blocks, on one or several processes.

Aggregates stream: each chunk returns integer counts and per-day histograms, so memory does not grow
with runs x days. Because every block has its own random stream (:mod:`randomness`), and chunks are
merged in block order, a seed gives identical results for any chunk size or worker count.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from threadpoolctl import threadpool_limits

from brinkmanship.engine import burn_in_cache
from brinkmanship.engine import randomness as rnd
from brinkmanship.engine.kernel import DayLog, step
from brinkmanship.engine.numerics import checked_arithmetic
from brinkmanship.engine.state import (
    ACTIVE,
    AT_WAR,
    NEVER,
    PATH_LABELS,
    CrisisState,
    concatenate_states,
    initial_state,
)
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
    tension: int = 0  # micro-units: sum of tension over path-days in crisis
    war_days: int = 0  # path-days of wars still running
    clash_events: np.ndarray = field(default_factory=lambda: np.zeros(2, dtype=np.int64))
    war_triggers: np.ndarray = field(default_factory=lambda: np.zeros(4, dtype=np.int64))

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
            "tension",
            "war_days",
            "clash_events",
            "war_triggers",
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
        if start is None:
            state = burned_in(model, seed, runs, first_block, n_blocks, streams)
        else:
            for s in streams:
                s.types()  # keep the streams aligned with a run from day 0
            first = first_block * rnd.BLOCK_SIZE
            state = start.take(np.arange(first, first + sum(s.n_paths for s in streams)))
        first_day = state.day
        tally = Tally(days=days, runs=state.n_paths)
        n_acts = model.n_third_party_acts
        # Only live paths (in crisis or at war) are stepped; every COMPACT_EVERY days the others are dropped.
        live = _live(state)
        part = state.take(live)
        for day in range(first_day, first_day + days):
            draws = [s.day(n_acts) for s in streams]  # drawn even for finished paths: streams stay aligned
            if (day - first_day) % COMPACT_EVERY == 0 and day > first_day:
                state.put(live, part)
                live = _live(state)
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


def _live(state: CrisisState) -> np.ndarray:
    return np.flatnonzero((state.status == ACTIVE) | (state.status == AT_WAR))


BlockKey = tuple[str, int, int]
"""(the prelude world's file as JSON, seed, block index): what a burned-in block depends on."""
BURN_IN_CACHE: OrderedDict[BlockKey, tuple[CrisisState, Mapping[str, Any]]] = OrderedDict()
"""Burned-in blocks already computed in this process, most recent last: every policy of a comparison,
and every run on the same seed, starts from the same burned-in paths (the prelude runs in the world
before any lever). A block's luck does not depend on the ensemble size, so neither does its entry."""
BURN_IN_CACHE_SIZE = 256


def burned_in(
    model: CompiledScenario,
    seed: int,
    runs: int,
    first_block: int,
    n_blocks: int,
    streams: list[rnd.BlockStream],
) -> CrisisState:
    """The chunk's paths on the start date, from the caches or by :func:`burn_in`.

    Every block is burned in whole (``BLOCK_SIZE`` paths, the last one too) and resampled as a whole,
    so that a path's start state does not depend on how many paths were asked for; the chunk keeps each
    block's first ``n_paths``. The streams are left where a burn-in leaves them. Blocks come from this
    process's cache, then from the disk cache (:mod:`burn_in_cache`), and are computed together
    otherwise.
    """
    if not model.prelude_days:
        state = initial_state(model, np.concatenate([s.types() for s in streams]))
        state.day = 0
        return on_start_date(model, state)
    world = model.prelude_model or model
    world_json = world.source.model_dump_json()
    keys = [(world_json, seed, first_block + k) for k in range(len(streams))]
    blocks: list[CrisisState | None] = []
    for key, stream in zip(keys, streams, strict=True):
        found = BURN_IN_CACHE.get(key) or burn_in_cache.load(key)
        if found is not None and _same_inbox(found[0], model):
            BURN_IN_CACHE[key] = found
            BURN_IN_CACHE.move_to_end(key)
            stream.generator.bit_generator.state = found[1]
            blocks.append(found[0])
        else:
            blocks.append(None)
    missing = [k for k, block in enumerate(blocks) if block is None]
    if missing:
        whole = [rnd.BlockStream(streams[k].generator, rnd.BLOCK_SIZE) for k in missing]
        # The calm state of the world before any lever (its talks, freeze and channels), with the ring
        # buffer the levered world will need too.
        state = initial_state(world, np.concatenate([s.types() for s in whole]), model)
        burn_in(model, state, whole)
        for position, k in enumerate(missing):
            block = state.take(np.arange(position * rnd.BLOCK_SIZE, (position + 1) * rnd.BLOCK_SIZE))
            entry = (block, streams[k].generator.bit_generator.state)
            BURN_IN_CACHE[keys[k]] = entry
            burn_in_cache.save(keys[k], entry)
            blocks[k] = block
    while len(BURN_IN_CACHE) > BURN_IN_CACHE_SIZE:
        BURN_IN_CACHE.popitem(last=False)
    parts = [block.take(np.arange(s.n_paths)) for block, s in zip(blocks, streams, strict=True) if block]
    state = parts[0]
    if len(parts) > 1:
        state = concatenate_states(parts)
    return on_start_date(model, state)


def on_start_date(model: CompiledScenario, state: CrisisState) -> CrisisState:
    """What a scenario (and its levers) declares for the start date, laid over the burned-in state: its
    pressure replaces the prelude's; talks it declares open and a freeze it declares in force are so from
    day 0 (a lever's talks or freeze starts on the start date, whatever the prelude did)."""
    state.pressure = np.broadcast_to(model.initial_pressure, state.pressure.shape).copy()
    state.talks_open = state.talks_open | model.talks_open
    state.freeze_on = state.freeze_on | model.freeze_active
    return state


def _same_inbox(state: CrisisState, model: CompiledScenario) -> bool:
    """A cached state fits a model whose private-message delays need no longer ring buffer."""
    worlds = [model] if model.prelude_model is None else [model, model.prelude_model]
    return state.inbox_value.shape[0] >= max(m.max_delay_days for m in worlds)


def burn_in(model: CompiledScenario, state: CrisisState, streams: list[rnd.BlockStream]) -> None:
    """Run the prelude from the calm state to the start date (docs/model.md, "No start-up transient").

    The prelude runs in the world before any lever (``model.prelude_model``), with the recorded actions
    imposed on their days and nothing absorbing allowed; its random numbers come first in each block's
    stream, so every policy starts from the same burned-in paths. The day count then starts at 0
    (:func:`on_start_date` lays the scenario's declared start over it).
    """
    world = model.prelude_model or model
    n_acts = world.n_third_party_acts
    for day in range(model.prelude_days):
        draws = [s.day(n_acts) for s in streams]
        uniforms = np.concatenate([d[0] for d in draws])
        normals = np.concatenate([d[1] for d in draws])
        step(world, state, uniforms, normals, model.prelude_forced[day], chance=False)
        revealed = model.prelude_reveals[day]
        for principal in np.flatnonzero(~np.isnan(revealed[:, 0])):
            state.reach[:, principal] = revealed[principal, 0]
            state.warhead[:, principal] = revealed[principal, 1]
    if model.prelude_days:
        resample(state, streams)
    state.day = 0


def resample(state: CrisisState, streams: list[rnd.BlockStream]) -> None:
    """Condition the burned-in paths on the prelude's history: systematic resampling within each block.

    Each path carries the log-probability that it made no attack and met no incident through the prelude
    (history records none); paths are drawn again in proportion to it (Kitagawa 1996, systematic
    resampling), block by block with one uniform from each block's stream, so that results still do not
    depend on chunking. Private types travel with the state they produced; each path keeps its own
    uniform for the cost in lives.
    """
    start = 0
    index = np.arange(state.n_paths)
    for stream in streams:
        block = slice(start, start + stream.n_paths)
        loglik = state.history_loglik[block]
        weights = np.exp(loglik - loglik.max())
        cumulative = np.cumsum(weights / weights.sum())
        positions = (stream.generator.random() + np.arange(stream.n_paths)) / stream.n_paths
        index[block] = start + np.minimum(np.searchsorted(cumulative, positions), stream.n_paths - 1)
        start += stream.n_paths
    deaths = state.deaths_quantile.copy()
    state.put(np.arange(state.n_paths), state.take(index))
    state.deaths_quantile = deaths
    state.history_loglik = np.zeros(state.n_paths)


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
