"""Ensembles: many paths of one scenario, in chunks of seeding blocks, on one or several processes.

Aggregates stream: each chunk returns integer counts and per-day histograms, so memory does not grow
with runs x days. Because a path's random numbers depend only on its global id (:mod:`randomness`), and
integer aggregates add exactly, a seed gives identical results for any chunk size, worker count or
thread count.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from threadpoolctl import threadpool_limits

from brinkmanship.engine import burn_in_cache, compiled_kernel
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
from brinkmanship.errors import UserError
from brinkmanship.model.ladder import N_ACTIONS
from brinkmanship.scenario.compiled import CompiledScenario
from brinkmanship.scenario.schema import ScenarioFile

MAX_RUNS = 50_000_000
MAX_DAYS = 3650
MAX_PATH_DAYS = 50_000_000_000
"""At most this many path-days (paths x days stepped, all ensembles of one command together) in one
request: 5e10 is about 12 hours on this project's 2-core machine at about 1.1 M path-days/s. Each bound
alone (MAX_RUNS, MAX_DAYS) lets through requests that would run for days or exhaust memory, so every
command that simulates checks its whole request against this one cap before any work
(:func:`check_path_days`)."""
DEFAULT_CHUNK_BLOCKS = 8
COMPACT_EVERY = 30
"""Days between drops of finished paths from the stepped set (a speed setting; results do not change)."""


def check_path_days(parts: list[tuple[str, int]], advice: str) -> int:
    """The total path-days of a request, after refusing it over :data:`MAX_PATH_DAYS`.

    ``parts``: each ensemble (or group of them) as (its figures in the user's terms, e.g. ``"--runs 1,000
    x --days 365"``, and its path-days); ``advice``: which options to lower. The refusal is one line naming
    the figures, the total and the cap.
    """
    total = sum(work for _, work in parts)
    if total > MAX_PATH_DAYS:
        figures = " + ".join(text for text, _ in parts)
        equals = f" = {total:.3g} path-days" if len(parts) > 1 or " x " in figures else " path-days"
        raise UserError(
            f"request too large: {figures}{equals} (at most {MAX_PATH_DAYS:.0e} path-days); {advice}"
        )
    return total


def burned_in_paths(runs: int) -> int:
    """The paths the prelude steps for an ensemble of ``runs``: whole blocks of :data:`randomness.BLOCK_SIZE`
    (:func:`burned_in`)."""
    return -(-runs // rnd.BLOCK_SIZE) * rnd.BLOCK_SIZE


def prelude_days_of(scenario: ScenarioFile) -> int:
    """The days of a scenario's prelude (burn-in): from ``prelude.start_date`` to the day before its start
    date; 0 for a scenario with none."""
    prelude = scenario.prelude
    return 0 if prelude is None else (scenario.start_date - prelude.start_date).days


PreludeGroup = tuple[str, int, str, int]
"""Ensembles that burn in on one prelude world and seed, for :func:`prelude_work`: (how many, in the
user's terms, e.g. ``"14 policies"``, named only where more than one; their number; their runs option as
typed, e.g. ``"--runs 1,000"``; their runs)."""


def prelude_work(
    prelude_days: int, groups: Sequence[PreludeGroup], worlds: tuple[str, int] = ("", 1)
) -> list[tuple[str, int]]:
    """The burn-in a request runs before the start date, as parts for :func:`check_path_days` (none for a
    scenario without a prelude, or where no ensemble starts on the start date).

    Every ensemble that starts on the start date first steps its paths through the prelude, in whole
    blocks (:func:`burned_in_paths`), unless the burn-in cache serves them; what the caches serve is not
    counted, and what they cannot is:

    - ``groups``: ensembles on one prelude world (the scenario before any lever) and one seed, which share
      their burned-in blocks: each policy of a comparison, every row of a shared-prelude sensitivity, the
      indicators. The prelude is counted once, for the largest of them; the others are read from the cache
      (this process's, or the disk cache, which also serves other worker processes). With the disk cache
      off (``BRINK_CACHE_DIR=off``) each ensemble is counted: the process's own cache holds only
      :data:`BURN_IN_CACHE_SIZE` blocks and no worker sees another's.
    - ``worlds``: (how many, in the user's terms; their number) distinct prelude worlds or seeds, each
      burning in its own ``groups``: the draws of a posterior, the parameter sets and replicates of a
      sweep with its own prelude per set.

    Blocks an earlier command left in the disk cache are counted all the same: the check comes before
    any work and does not read the cache. Cost: ``prelude_days`` x paths burned in (one path-day a path a
    prelude day, as the kernel steps every path of the prelude).
    """
    groups = [group for group in groups if group[1] > 0 and group[3] > 0]
    if prelude_days <= 0 or not groups or worlds[1] <= 0:
        return []
    days = f"{prelude_days:,} prelude day{'' if prelude_days == 1 else 's'} x "
    per_world = f"{worlds[0]} x " if worlds[0] else ""

    def paths(runs_text: str, runs: int) -> str:
        padded = burned_in_paths(runs)
        whole = f" in whole blocks of {rnd.BLOCK_SIZE:,}" if padded != runs else ""
        return f"{padded:,} path{'' if padded == 1 else 's'} burned in ({runs_text}{whole})"

    if burn_in_cache.folder() is not None:
        _, _, runs_text, runs = max(groups, key=lambda group: burned_in_paths(group[3]))
        work = prelude_days * worlds[1] * burned_in_paths(runs)
        return [(f"{days}{per_world}{paths(runs_text, runs)}", work)]
    parts = []
    for ensembles_text, ensembles, runs_text, runs in groups:
        each = f"{ensembles_text} x " if ensembles_text and ensembles != 1 else ""
        work = prelude_days * worlds[1] * ensembles * burned_in_paths(runs)
        parts.append((f"{days}{per_world}{each}{paths(runs_text, runs)}, the burn-in cache off", work))
    return parts


def largest_within(upper: int, fits: Callable[[int], bool]) -> int:
    """The largest value from 1 to ``upper`` for which ``fits`` (true up to some value, false above it:
    a request's size against a limit), or 0 where none does; for the advice of a refusal."""
    low, high = 0, upper
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


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
    agreement_day: np.ndarray
    breakdown_day: np.ndarray
    agreement_depth: np.ndarray  # float, NaN where no agreement was reached
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
    agreement: int = 0
    breakdown: int = 0  # first agreements that broke down within the horizon
    agreement_depth: int = 0  # micro-units: sum of the depth of the first agreements within the horizon
    war_by_path: np.ndarray = field(default_factory=lambda: np.zeros(len(PATH_LABELS), dtype=np.int64))
    war_by_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    clash_by_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    nuclear_by_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    agreement_by_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    breakdown_by_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
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
    agreement_days: int = 0  # path-days in crisis with an agreement in force

    def __post_init__(self) -> None:
        for name in ("war_by_day", "clash_by_day", "nuclear_by_day", "agreement_by_day", "breakdown_by_day"):
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
            "agreement_days",
        ):
            setattr(self, name, getattr(self, name) + getattr(log, name))

    def add_totals(self, totals: np.ndarray) -> None:
        """Add the compiled kernel's aggregates summed over paths (``compiled_kernel.N_AGG`` integers)."""
        ck = compiled_kernel
        self.active_path_days += int(totals[ck.AGG_ACTIVE])
        self.misreadings += int(totals[ck.AGG_MISREADINGS])
        self.readings += int(totals[ck.AGG_READINGS])
        self.false_alarms += int(totals[ck.AGG_FALSE_ALARMS])
        self.freeze_days += int(totals[ck.AGG_FREEZE_DAYS])
        self.freeze_breaches = (
            self.freeze_breaches + totals[ck.AGG_FREEZE_BREACHES : ck.AGG_FREEZE_BREACHES + 2]
        )
        self.audience_stock += int(totals[ck.AGG_AUDIENCE])
        self.lock_in += int(totals[ck.AGG_LOCK_IN])
        self.tension += int(totals[ck.AGG_TENSION])
        self.war_days += int(totals[ck.AGG_WAR_DAYS])
        self.agreement_days += int(totals[ck.AGG_AGREEMENT_DAYS])
        self.clash_events = self.clash_events + totals[ck.AGG_CLASH_EVENTS : ck.AGG_CLASH_EVENTS + 2]
        self.war_triggers = self.war_triggers + totals[ck.AGG_WAR_TRIGGERS : ck.AGG_WAR_TRIGGERS + 4]
        self.actions = self.actions + totals[ck.AGG_ACTIONS : ck.AGG_ERROR].reshape(2, N_ACTIONS)

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
    agreement_day: np.ndarray
    breakdown_day: np.ndarray
    agreement_depth: np.ndarray
    war_path: np.ndarray


def record_outcomes(tally: Tally, paths: EventDays, days: int) -> None:
    """Count the outcomes that happened within the horizon ``days`` (also used by the reference)."""
    for outcome, attribute, by_day in (
        ("clash", "clash_day", "clash_by_day"),
        ("war", "war_day", "war_by_day"),
        ("nuclear_use", "nuclear_day", "nuclear_by_day"),
        ("agreement", "agreement_day", "agreement_by_day"),
        ("breakdown", "breakdown_day", "breakdown_by_day"),
    ):
        day = getattr(paths, attribute)
        # Days before 0 are a branch's history (a replayed date's past), not outcomes within its horizon.
        inside = (day != NEVER) & (day >= 0) & (day < days)
        setattr(tally, outcome, getattr(tally, outcome) + int(inside.sum()))
        histogram = np.bincount(day[inside], minlength=days)[:days].astype(np.int64)
        setattr(tally, by_day, getattr(tally, by_day) + histogram)
    agreed = (paths.agreement_day != NEVER) & (paths.agreement_day >= 0) & (paths.agreement_day < days)
    tally.agreement_depth += int(np.round(paths.agreement_depth[agreed] * 1_000_000).astype(np.int64).sum())
    war = (paths.war_day != NEVER) & (paths.war_day >= 0) & (paths.war_day < days)
    tally.war_by_path += np.bincount(paths.war_path[war], minlength=len(PATH_LABELS)).astype(np.int64)


def chunk_paths(runs: int, first_block: int, n_blocks: int) -> np.ndarray:
    """Global ids of the paths of blocks ``first_block .. first_block + n_blocks`` (the last may be short)."""
    first = first_block * rnd.BLOCK_SIZE
    return np.arange(first, min(runs, (first_block + n_blocks) * rnd.BLOCK_SIZE), dtype=np.int64)


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

    BLAS is held to one thread where the NumPy kernel runs: its matrix products are small, and threads
    cost more than they save (and fight with worker processes). The compiled kernel calls no BLAS, and
    the limit itself costs about 10 ms a call (threadpoolctl reads the process's loaded libraries), a
    tenth of a crisis room's forecast, so it is left out there. Floating-point trouble is handled by
    :func:`~brinkmanship.engine.numerics.checked_arithmetic`.
    """
    blas = contextlib.nullcontext() if compiled_kernel.enabled() else threadpool_limits(1, "blas")
    with blas, checked_arithmetic():
        key = rnd.seed_key(seed)
        ids = chunk_paths(runs, first_block, n_blocks)
        if start is None:
            state = burned_in(model, seed, ids)
        else:
            # A branch (a replayed date): talks and a freeze a lever declares are so from the branch on.
            state = start.take(ids).counting_from_now()
            state.talks_open = state.talks_open | model.talks_open
            state.freeze_on = state.freeze_on | model.freeze_active
        first_day = state.day
        tally = Tally(days=days, runs=state.n_paths)
        advance(model, state, ids, key, days, tally, forced=forced)
        shifted = _shift_days(state, first_day)
        record_outcomes(tally, shifted, days)
        paths = None
        if keep_paths:
            paths = PathTable(
                path_id=ids,
                clash_day=shifted.clash_day,
                war_day=shifted.war_day,
                nuclear_day=shifted.nuclear_day,
                agreement_day=shifted.agreement_day,
                breakdown_day=shifted.breakdown_day,
                agreement_depth=shifted.agreement_depth,
                war_path=shifted.war_path,
                war_initiator=shifted.war_initiator,
                deaths_quantile=state.deaths_quantile,
            )
        return ChunkResult(tally, paths, state if keep_state else None)


def advance(
    model: CompiledScenario,
    state: CrisisState,
    path_ids: np.ndarray,
    key: int,
    days: int,
    tally: Tally | None = None,
    *,
    forced: ForcedSchedule | None = None,
    chance: bool = True,
    reveals: np.ndarray | None = None,
    forced_acts: np.ndarray | None = None,
    weigh_forced: bool = False,
) -> None:
    """Step ``state`` (paths ``path_ids`` of the random stream ``key``) through ``days`` days in place,
    adding the days' aggregates to ``tally``; by the compiled kernel where it is on, else by the NumPy
    kernel (the two agree path for path). ``reveals`` ``(days, 2, 2)``: capabilities learnt at the end of
    each day (the prelude's; NaN = none). ``forced_acts`` ``(days, n_acts)`` bool: third-party acts that
    happen on each day (the replay's record). ``weigh_forced``: without chance, weigh each path by the
    probability of the record (:func:`kernel.step`)."""
    if days <= 0:
        return
    request = Stepping(
        model, state, path_ids, key, days, tally, forced, chance, reveals, forced_acts, weigh_forced
    )
    if compiled_kernel.enabled():
        _advance_compiled(request)
    else:
        _advance_numpy(request)


@dataclass(frozen=True)
class Stepping:
    """One call of :func:`advance`, as both kernels' drivers read it."""

    model: CompiledScenario
    state: CrisisState
    path_ids: np.ndarray
    key: int
    days: int
    tally: Tally | None
    forced: ForcedSchedule | None
    chance: bool
    reveals: np.ndarray | None
    forced_acts: np.ndarray | None = None
    weigh_forced: bool = False


def _advance_numpy(request: Stepping) -> None:
    model, state, path_ids, key = request.model, request.state, request.path_ids, request.key
    forced, chance, reveals, tally = request.forced, request.chance, request.reveals, request.tally
    n_acts = model.n_third_party_acts
    first_day = state.day
    # Only live paths (in crisis or at war) are stepped; every COMPACT_EVERY days the others are dropped.
    live = _live(state) if chance else np.arange(state.n_paths)
    part = state.take(live)
    for day in range(first_day, first_day + request.days):
        if chance and (day - first_day) % COMPACT_EVERY == 0 and day > first_day:
            state.put(live, part)
            live = _live(state)
            part = state.take(live)
        if live.size == 0:
            part.day = day + 1
            continue
        uniforms, normals = rnd.day_draws(key, path_ids[live], day, n_acts)
        if request.forced_acts is not None:
            acts_today = np.flatnonzero(request.forced_acts[day - first_day])
            uniforms[:, rnd.U_FIXED + acts_today] = -1.0  # a recorded act happens
        log = step(
            model,
            part,
            uniforms,
            normals,
            None if forced is None else _forced_rows(forced, day, live),
            chance=chance,
            weigh_forced=request.weigh_forced,
        )
        if reveals is not None:
            revealed = reveals[day - first_day]
            for principal in np.flatnonzero(~np.isnan(revealed[:, 0])):
                part.reach[:, principal] = revealed[principal, 0]
                part.warhead[:, principal] = revealed[principal, 1]
        if tally is not None:
            tally.add_day(log)
    state.put(live, part)


def _advance_compiled(request: Stepping) -> None:
    global _KERNEL_CALLED
    state, days, reveals = request.state, request.days, request.reveals
    n = state.n_paths
    first_day = state.day
    arguments: tuple[Any, ...] = (
        compiled_kernel.pack(request.model),
        np.ascontiguousarray(request.path_ids, dtype=np.int64),
        np.uint64(request.key),
        first_day,
        days,
        request.chance,
        _dense_forced(request.forced, first_day, days, n),
        np.zeros((0, 2, 2)) if reveals is None else np.ascontiguousarray(reveals, dtype=float),
        (
            np.zeros((0, request.model.n_third_party_acts), dtype=bool)
            if request.forced_acts is None
            else np.ascontiguousarray(request.forced_acts, dtype=bool)
        ),
        request.weigh_forced,
        *(_writable(state, name) for name in _STATE_ARGUMENTS),
    )
    # Disjoint ranges of paths on threads (the kernel releases the GIL); a path's result does not
    # depend on which thread stepped it. Small ranges, handed out as threads free up, keep both cores
    # busy when some paths end early (past their war) and others run to the horizon.
    # Between tasks control returns to Python, so Ctrl-C or SIGTERM stops a run within a task's time (a
    # fraction of a second), and queued tasks are cancelled.
    bounds = [*range(0, n, PATHS_PER_TASK), n]
    tasks = list(itertools.pairwise(bounds))
    # Each task adds its paths' day totals to its own row (integer sums: exact in any order).
    aggregates = np.zeros((len(tasks), compiled_kernel.N_AGG), dtype=np.int64)
    threads = kernel_threads(n)
    done = 0
    if tasks and not _KERNEL_CALLED:
        # The process's first call compiles the kernel (or loads it from Numba's cache): seconds, and 10-15 s
        # on a cold cache. Made in a pool thread, nothing could stop it: Ctrl-C or SIGTERM was taken at once
        # here, but leaving the pool waited for the compile (pool.shutdown(wait=True)). In this thread the
        # signal's handler runs within the compile (Python, mostly), and the command stops at once.
        compiled_kernel.run_paths(*(*tasks[0], *arguments, aggregates[0]))
        _KERNEL_CALLED = True
        done = 1
    if threads == 1:
        for k in range(done, len(tasks)):
            compiled_kernel.run_paths(*(*tasks[k], *arguments, aggregates[k]))
    else:
        pool = _kernel_pool(threads)
        futures: list[Future[None]] = []
        try:
            for k, (lo, hi) in enumerate(tasks):
                if k >= done:
                    futures.append(
                        pool.submit(compiled_kernel.run_paths, *(lo, hi, *arguments, aggregates[k]))
                    )
            for future in futures:
                future.result()
        finally:
            # On Ctrl-C (or an error) the queued tasks are cancelled and the running ones (a fraction of a
            # second each) finish before the state they write is given back: the pool stays usable.
            for future in futures:
                future.cancel()
            futures_wait(futures)
    state.day = first_day + days
    totals = aggregates.sum(axis=0)
    if totals[compiled_kernel.AGG_ERROR]:
        raise FloatingPointError("invalid value in a choice's weights")
    if request.tally is not None:
        request.tally.add_totals(totals)


_KERNEL_POOLS: dict[tuple[int, int], ThreadPoolExecutor] = {}
"""The compiled kernel's thread pools, by (process id, threads): kept between calls, since starting the
threads cost about 3 ms a call, 3% of a crisis room's 100 ms forecast. Keyed by process as well, since a
forked worker process inherits the dictionary but not the threads."""


def _kernel_pool(threads: int) -> ThreadPoolExecutor:
    """This process's pool of ``threads`` threads for the compiled kernel (made on first use)."""
    key = (os.getpid(), threads)
    pool = _KERNEL_POOLS.get(key)
    if pool is None:
        pool = _KERNEL_POOLS[key] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="brink-kernel")
    return pool


_KERNEL_CALLED = False
"""Whether the compiled kernel has been called in this process: Numba compiles it (or loads it from its
cache) on the first call, which :func:`_advance_compiled` therefore makes in the calling thread."""


_STATE_ARGUMENTS = (
    "resolve",
    "greedy",
    "sensitivity",
    "level",
    "audience",
    "pressure",
    "recent_concessions",
    "last_talks_day",
    "last_freeze_day",
    "last_test_day",
    "perceived",
    "true_hostility",
    "reach",
    "warhead",
    "posterior",
    "inbox_value",
    "inbox_weight",
    "inbox_true",
    "talks_open",
    "freeze_on",
    "agreement_on",
    "status",
    "war_balance",
    "history_loglik",
    "clash_day",
    "war_day",
    "nuclear_day",
    "agreement_day",
    "agreement_depth",
    "breakdown_day",
    "war_path",
    "war_initiator",
)
"""The CrisisState fields the compiled kernel takes, in its argument order (all but day and
deaths_quantile); each must be a C-contiguous array the kernel can write in place."""


PATHS_PER_TASK = 256
"""Paths in one task of the compiled kernel's thread pool (a speed setting; results do not change)."""
KERNEL_THREADS: int | None = None
"""Threads of the compiled kernel in this process; None = one per core (``BRINK_THREADS`` overrides)."""


def kernel_threads(n_paths: int) -> int:
    """Threads worth starting for ``n_paths`` paths (one for a few hundred: a thread costs more)."""
    text = os.environ.get("BRINK_THREADS", "").strip()
    if text and not (text.isascii() and text.isdigit() and 1 <= int(text) <= 1024):
        raise UserError(f"BRINK_THREADS must be a whole number from 1 to 1024, not {text!r}")
    setting = KERNEL_THREADS or (int(text) if text else 0) or (os.cpu_count() or 1)
    return max(1, min(setting, n_paths // PATHS_PER_TASK or 1))


def _writable(state: CrisisState, name: str) -> np.ndarray:
    """The state's field as a C-contiguous array the kernel can write in place (made so if it is not)."""
    value = getattr(state, name)
    if not (value.flags.c_contiguous and value.flags.writeable):
        value = np.ascontiguousarray(value).copy()
        setattr(state, name, value)
    return value


def _dense_forced(forced: ForcedSchedule | None, first_day: int, days: int, n: int) -> np.ndarray:
    """A schedule as the compiled kernel reads it: ``(rows, 1 or n, 2)`` action indices, -1 = free, one
    row per day up to the last day with an imposed action in the window (``rows`` <= ``days``; the kernel
    reads the days after it as free)."""
    within = {day: actions for day, actions in (forced or {}).items() if first_day <= day < first_day + days}
    per_path = any(np.ndim(a) == 2 for a in within.values())
    rows = max((day - first_day + 1 for day in within), default=0)
    dense = np.full((rows, n if per_path else 1, 2), -1, dtype=np.int64)
    for day, actions in within.items():
        dense[day - first_day] = np.asarray(actions)
    return dense


def _live(state: CrisisState) -> np.ndarray:
    return np.flatnonzero((state.status == ACTIVE) | (state.status == AT_WAR))


BlockKey = tuple[str, int, int]
"""(the prelude world's file as JSON, seed, block index): what a burned-in block depends on."""
BURN_IN_CACHE: OrderedDict[BlockKey, CrisisState] = OrderedDict()
"""Burned-in blocks already computed in this process, most recent last: every policy of a comparison,
and every run on the same seed, starts from the same burned-in paths (the prelude runs in the world
before any lever). A block's luck does not depend on the ensemble size, so neither does its entry."""
BURN_IN_CACHE_SIZE = 256


def burned_in(
    model: CompiledScenario, seed: int, ids: np.ndarray, also_for: CompiledScenario | None = None
) -> CrisisState:
    """The paths ``ids`` (whole blocks but perhaps the last) on the start date, from the caches or by
    :func:`burn_in`. ``also_for``: another world the paths will be stepped in later (a lever pulled in a
    game, :mod:`brinkmanship.play`), whose private channels may need a longer ring buffer; the paths are
    the same to the bit with a longer buffer (a cached block with one serves a model needing less).

    Every block is burned in whole (``BLOCK_SIZE`` paths, the last one too) and resampled as a whole,
    so that a path's start state does not depend on how many paths were asked for; the chunk keeps each
    block's first paths. Blocks come from this process's cache, then from the disk cache
    (:mod:`burn_in_cache`), and are computed together otherwise.
    """
    key = rnd.seed_key(seed)
    ring = model if also_for is None or also_for.max_delay_days <= model.max_delay_days else also_for
    if not model.prelude_days:
        state = initial_state(model, rnd.type_draws(key, ids), ring)
        state.day = 0
        return on_start_date(model, state)
    world = model.prelude_model or model
    world_json = world.source.model_dump_json()
    first_block = int(ids[0]) // rnd.BLOCK_SIZE
    n_blocks = -(-(int(ids[-1]) + 1 - first_block * rnd.BLOCK_SIZE) // rnd.BLOCK_SIZE)
    keys = [(world_json, seed, first_block + k) for k in range(n_blocks)]
    blocks: list[CrisisState | None] = []
    for block_key in keys:
        found = BURN_IN_CACHE.get(block_key) or burn_in_cache.load(block_key)
        if found is not None and _same_inbox(found, ring):
            BURN_IN_CACHE[block_key] = found
            BURN_IN_CACHE.move_to_end(block_key)
            blocks.append(found)
        else:
            blocks.append(None)
    missing = [k for k, block in enumerate(blocks) if block is None]
    if missing:
        whole = np.concatenate(
            [np.arange(rnd.BLOCK_SIZE, dtype=np.int64) + (first_block + k) * rnd.BLOCK_SIZE for k in missing]
        )
        # The calm state of the world before any lever (its talks, freeze and channels), with the ring
        # buffer the levered world will need too.
        state = initial_state(world, rnd.type_draws(key, whole), ring)
        burn_in(model, state, whole, key)
        for position, k in enumerate(missing):
            block = state.take(np.arange(position * rnd.BLOCK_SIZE, (position + 1) * rnd.BLOCK_SIZE))
            BURN_IN_CACHE[keys[k]] = block
            burn_in_cache.save(keys[k], block)
            blocks[k] = block
    while len(BURN_IN_CACHE) > BURN_IN_CACHE_SIZE:
        BURN_IN_CACHE.popitem(last=False)
    parts = []
    for k, found_block in enumerate(blocks):
        assert found_block is not None
        block_ids = ids[(ids // rnd.BLOCK_SIZE) == first_block + k]
        parts.append(found_block.take(block_ids - (first_block + k) * rnd.BLOCK_SIZE))
    state = parts[0] if len(parts) == 1 else concatenate_states(parts)
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


def burn_in(model: CompiledScenario, state: CrisisState, ids: np.ndarray, key: int) -> None:
    """Run the prelude from the calm state to the start date (docs/model.md, "No start-up transient").

    The prelude runs in the world before any lever (``model.prelude_model``), with the recorded actions
    imposed on their days and nothing absorbing allowed; its days have their own places in the random
    stream (negative days), so every policy starts from the same burned-in paths. ``ids`` are whole
    blocks. The day count then starts at 0 (:func:`on_start_date` lays the scenario's declared start
    over it).
    """
    world = model.prelude_model or model
    days = model.prelude_days
    forced = {day - days: model.prelude_forced[day] for day in range(days)}
    advance(world, state, ids, key, days, forced=forced, chance=False, reveals=model.prelude_reveals)
    if days:
        resample(state, ids, key)
    state.day = 0


def resample(state: CrisisState, ids: np.ndarray, key: int) -> None:
    """Condition the burned-in paths on the prelude's history: systematic resampling within each block.

    Each path carries the log-probability that it made no attack and met no incident through the prelude
    (history records none); paths are drawn again in proportion to it (Kitagawa 1996, systematic
    resampling), block by block with one uniform from each block's place in the random stream, so that
    results still do not depend on chunking. Private types travel with the state they produced; each path
    keeps its own uniform for the cost in lives.
    """
    index = np.arange(state.n_paths)
    for start in range(0, state.n_paths, rnd.BLOCK_SIZE):
        block = slice(start, start + rnd.BLOCK_SIZE)
        size = index[block].size
        loglik = state.history_loglik[block]
        weights = np.exp(loglik - loglik.max())
        cumulative = np.cumsum(weights / weights.sum())
        offset = rnd.resample_draw(key, int(ids[start]) // rnd.BLOCK_SIZE)
        positions = (offset + np.arange(size)) / size
        index[block] = start + np.minimum(np.searchsorted(cumulative, positions), size - 1)
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
    for name in ("clash_day", "war_day", "nuclear_day", "agreement_day", "breakdown_day"):
        day = getattr(shifted, name)
        keep = (day != NEVER) & (day >= first_day)
        setattr(shifted, name, np.where(keep, day - first_day, NEVER).astype(np.int32))
    # The terms belong to an agreement reached in this run: one reached before the branch is history.
    shifted.agreement_depth = np.where(shifted.agreement_day != NEVER, shifted.agreement_depth, np.nan)
    return shifted


def chunk_plan(runs: int, chunk_blocks: int) -> Iterator[tuple[int, int]]:
    """(first_block, n_blocks) for each chunk."""
    total = -(-runs // rnd.BLOCK_SIZE)
    for first in range(0, total, chunk_blocks):
        yield first, min(chunk_blocks, total - first)


def auto_workers(runs: int, days: int) -> int:
    """Processes worth starting: one for small ensembles (start-up costs more than it saves), and one
    whenever the compiled kernel runs (it uses every core through threads)."""
    if runs * days < 5_000_000 or compiled_kernel.enabled():
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
