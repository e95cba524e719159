"""The `brink` command line: a thin layer over the library; user mistakes exit 2 with one line."""

from __future__ import annotations

import sys

if __name__ == "__main__":  # pragma: no cover - `python -m brinkmanship.cli`
    # Go the console script's way (brinkmanship.entry) before the imports below: there Ctrl-C and
    # SIGTERM while the commands import are one line and exit code 130 or 143, not a traceback or
    # silence. entry imports this file again as brinkmanship.cli and runs its main.
    from brinkmanship.entry import main as _entry

    sys.exit(_entry())

import os

import typer

from brinkmanship import (
    cli_calibration,
    cli_consequences,
    cli_engine,
    cli_history,
    cli_play,
    cli_policies,
    cli_sensitivity,
    cli_sweep,
    stopping,
)
from brinkmanship.cli_common import BrinkTyper
from brinkmanship.errors import UserError
from brinkmanship.stopping import Terminated

app = BrinkTyper(
    name="brink",
    help="How likely is war in a nuclear crisis, by which path, and what each diplomatic move does to it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

cli_engine.register(app)
cli_consequences.register(app)
cli_policies.register(app)
cli_sensitivity.register(app)
cli_sweep.register(app)
cli_history.register(app)
cli_calibration.register(app)
cli_play.register(app)


def _is_click_exception(error: Exception) -> bool:
    """Click's exceptions (vendored inside typer) carry ``format_message`` and ``exit_code``."""
    return hasattr(error, "format_message") and hasattr(error, "exit_code")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app; user errors become one line on stderr and exit code 2.

    Ctrl-C stops the command with exit code 130 and SIGTERM with 143, after the cleanup every ``with``
    block does (staged results removed, workers killed). SIGINT is handled even when the shell started
    the command with it ignored (a background job), so a signal always stops it.
    """
    handlers = stopping.install()  # held back while a module imports (brinkmanship.stopping)
    stopping.kept()  # no note left from an earlier command in this process
    try:
        code = _run(argv)
        sys.stdout.flush()  # a full disk or closed pipe shows here, not in an interpreter-exit traceback
        return code
    except (KeyboardInterrupt, typer.Abort):
        print("error: interrupted; stopped without writing results" + stopping.kept(), file=sys.stderr)
        return 130
    except Terminated:
        print("error: terminated; stopped without writing results" + stopping.kept(), file=sys.stderr)
        return 143
    except OSError as error:
        return _output_failed(error)
    finally:
        stopping.restore(handlers)


def _output_failed(error: OSError) -> int:
    """An error writing to standard output (or another file not checked earlier): one line, exit 2."""
    # Point standard output at /dev/null: the interpreter flushes it again at exit and would print a
    # second error about the same buffer.
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):  # pragma: no cover - stdout without a descriptor (embedded use)
        pass
    if isinstance(error, BrokenPipeError):
        return 141  # the reader went away (`brink schema | head`): what a shell reports for SIGPIPE
    named = str(error.filename)
    where = f" {named if len(named) <= 80 else named[:77] + '...'}" if error.filename else " standard output"
    print(f"error: cannot write{where}: {error.strerror or error}", file=sys.stderr)
    return 2


def _run(argv: list[str] | None) -> int:
    try:
        code = app(args=argv, standalone_mode=False, prog_name="brink")
        if code == 130:  # typer turns Ctrl-C into a return value of 130; main reports it
            raise KeyboardInterrupt
        if isinstance(code, int):
            return code
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except typer.Exit as done:
        return int(done.exit_code)
    except Exception as error:
        if not _is_click_exception(error):
            raise
        if type(error).__name__ == "NoArgsIsHelpError":
            return 0
        context = getattr(error, "ctx", None)
        # One style for every error: "error: " and the message; an option-parsing error names the command.
        where = f"{context.command_path}: " if context is not None else ""
        message = " ".join(error.format_message().split())  # type: ignore[attr-defined]
        print(f"error: {where}{message}", file=sys.stderr)
        return 2
    return 0
