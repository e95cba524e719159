"""What the `brink` commands share: consoles, the default seed, range checks and a progress bar."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from typer.core import TyperCommand, TyperOption

from brinkmanship.errors import UserError

DEFAULT_SEED = 20171126
"""One default seed for every command, so a comparison's baseline matches a plain run."""

WIDE = 160
"""Width of tables written to a file or a pipe (Rich would otherwise wrap them at 80 columns)."""

# No markup or emoji codes: what the consoles print holds the user's own text (a scenario's title, a lever's
# summary, an event's description, a file name), where '[/x]' stopped the command with Rich's MarkupError
# and '[red]' or ':warning:' were silently changed. Styles are given as style=.
console = Console(width=None if sys.stdout.isatty() else WIDE, markup=False, emoji=False)
errors = Console(stderr=True, markup=False, emoji=False)

MAX_SEED = 2**63 - 1
"""Seeds key the counter-based random stream (engine/randomness.py) as one unsigned 64-bit word; the
top half is kept free."""
MAX_WORKERS = 64
DEFAULT_DRAWS = 16
"""Posterior draws of a run over the posterior (``--param-uncertainty``)."""
DEFAULT_RUNS_PER_DRAW = 1024
"""Paths in each posterior draw of `brink run --param-uncertainty`."""

Advance = Callable[[int, str | None], None]


_GIVEN = "brink.options_given"
_options_given: ContextVar[frozenset[str]] = ContextVar(_GIVEN, default=frozenset())


class OptionsGivenOnce(TyperCommand):
    """A command that refuses a single-value option given twice (``--runs 100 --runs 200``), and records
    which options were given on the command line for :func:`given`.

    Click keeps the last value without a word, so the run would not be the one asked for; options declared
    to repeat (``-p/--policy``, ``--policy-file``, ``--mb``) are left alone.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # Parsed once more here, before the parameters are processed: Click's parser records each option
        # as often as it is given, and nothing reads its values before this check.
        _, _, order = self.make_parser(ctx).parse_args(args=list(args))
        seen: set[str] = set()
        spellings: set[str] = set()
        for param in order:
            name = param.name or ""
            if not isinstance(param, TyperOption):
                continue
            if name in seen and not (param.multiple or param.count):
                spelled = "/".join(sorted(param.opts, key=len, reverse=True))
                raise UserError(f"{spelled}: given more than once; give it once")
            seen.add(name)
            spellings.update(param.opts)
        ctx.meta[_GIVEN] = frozenset(spellings)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        token = _options_given.set(ctx.meta.get(_GIVEN, frozenset()))
        try:
            return super().invoke(ctx)
        finally:
            _options_given.reset(token)


def given(option: str) -> bool:
    """Whether the running command's ``option`` (any of its spellings: ``--runs`` or ``-n``) was given on
    the command line, whatever its value: an option given at its default value was still asked for.
    False outside a command (the command's function called from Python)."""
    return option in _options_given.get()


def goes_with(option: str, other: str, present: bool, why: str = "") -> None:
    """Refuse ``option`` given without ``other`` (``present``: whether ``other`` is in effect), instead of
    ignoring it: an option that means something only with another, given alone, is a request the command
    would not carry out."""
    if given(option) and not present:
        raise UserError(f"{option} goes with {other}" + (f" ({why})" if why else ""))


def param_uncertainty_options(param_uncertainty: bool) -> None:
    """The options of a run over the posterior, refused without ``--param-uncertainty``."""
    for option in ("--posterior", "--draws", "--runs-per-draw"):
        goes_with(option, "--param-uncertainty", param_uncertainty)


class BrinkTyper(typer.Typer):
    """The commands' Typer app: every command refuses a single-value option given twice
    (:class:`OptionsGivenOnce`)."""

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", OptionsGivenOnce)
        return super().command(*args, **kwargs)


def check_range(flag: str, value: int, low: int, high: int) -> None:
    """One-line error for a flag outside its range."""
    if not low <= value <= high:
        raise UserError(f"{flag} must be between {low:,} and {high:,} (got {value:,})")


def check_number(flag: str, value: float, low: float, high: float) -> None:
    """One-line error for a non-finite number or one outside [low, high] (NaN fails every comparison)."""
    if not (math.isfinite(value) and low <= value <= high):
        raise UserError(f"{flag} must be a finite number between {low:g} and {high:g} (got {value})")


def check_ensemble_flags(runs: int, days: int, workers: int, seed: int, max_runs: int, max_days: int) -> None:
    """The range checks every simulating command shares."""
    check_range("--runs", runs, 1, max_runs)
    check_range("--days", days, 1, max_days)
    check_range("--workers", workers, 0, MAX_WORKERS)
    check_range("--seed", seed, 0, MAX_SEED)


def _seed_in_range(value: int) -> int:
    check_range("--seed", value, 0, MAX_SEED)
    return value


def _workers_in_range(value: int) -> int:
    check_range("--workers", value, 0, MAX_WORKERS)
    return value


# One definition of each option shared by several commands: the range is checked while the command line
# is parsed, so every command refuses a bad value the same way, before any file is read.
SeedOption = Annotated[
    int,
    typer.Option("--seed", help="seed of the whole random stream (0 to 2**63-1)", callback=_seed_in_range),
]
WorkersOption = Annotated[
    int,
    typer.Option(
        "--workers",
        help="worker processes, 0 = by size (results do not depend on it)",
        callback=_workers_in_range,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON object")]
ParamUncertaintyOption = Annotated[
    bool,
    typer.Option(
        "--param-uncertainty",
        help="also run over draws of the calibrated posterior: intervals split into Monte Carlo and "
        "parameter parts",
    ),
]
DrawsOption = Annotated[int, typer.Option("--draws", help="with --param-uncertainty: posterior draws")]
RunsPerDrawOption = Annotated[
    int, typer.Option("--runs-per-draw", help="with --param-uncertainty: paths in each draw")
]
PosteriorOption = Annotated[
    str | None,
    typer.Option("--posterior", help="with --param-uncertainty: a posterior.json (default: the shipped one)"),
]
RunsOption = Annotated[int, typer.Option("--runs", "-n", help="simulated paths (per policy when comparing)")]
DaysOption = Annotated[int | None, typer.Option("--days", help="horizon in days (default: the scenario's)")]
ForceOption = Annotated[
    bool,
    typer.Option(
        "--force", help="replace the results of an earlier run in the --out folder (refused without it)"
    ),
]


def stderr_progress(enabled: bool, *middle: ProgressColumn, time_left: bool = False) -> Progress:
    """The commands' transient progress bar on stderr: description, bar, done of total, the ``middle``
    columns, time elapsed and, with ``time_left``, the time left."""
    tail = (TextColumn("left"), TimeRemainingColumn()) if time_left else ()
    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        *middle,
        TimeElapsedColumn(),
        *tail,
        console=errors,
        transient=True,
        # Off when stderr is not a terminal: Rich would still write a blank line there when it stops.
        disable=not (enabled and errors.is_terminal),
    )


@contextmanager
def progress_bar(total: int, label: str, enabled: bool) -> Iterator[Advance]:
    """A transient progress bar on stderr; yields ``advance(done, description=None)``."""
    with stderr_progress(enabled) as progress:
        task = progress.add_task(label, total=total)

        def advance(done: int, description: str | None = None) -> None:
            progress.update(
                task, advance=done, description=f"{label}: {description}" if description else label
            )

        yield advance
