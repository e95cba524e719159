"""The `brink` command line: a thin layer over the library; user mistakes exit 2 with one line."""

from __future__ import annotations

import sys

import typer

from brinkmanship import cli_consequences, cli_engine, cli_policies
from brinkmanship.errors import UserError

app = typer.Typer(
    name="brink",
    help="How likely is war in a nuclear crisis, by which path, and what each diplomatic move does to it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

cli_engine.register(app)
cli_consequences.register(app)
cli_policies.register(app)


def _is_click_exception(error: Exception) -> bool:
    """Click's exceptions (vendored inside typer) carry ``format_message`` and ``exit_code``."""
    return hasattr(error, "format_message") and hasattr(error, "exit_code")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app; user errors become one line on stderr and exit code 2."""
    try:
        app(args=argv, standalone_mode=False, prog_name="brink")
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except typer.Exit as done:
        return int(done.exit_code)
    except typer.Abort:
        print("error: aborted", file=sys.stderr)
        return 130
    except Exception as error:
        if not _is_click_exception(error):
            raise
        if type(error).__name__ == "NoArgsIsHelpError":
            return 0
        context = getattr(error, "ctx", None)
        where = f" ({context.command_path})" if context is not None else ""
        message = " ".join(error.format_message().split())  # type: ignore[attr-defined]
        print(f"error{where}: {message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover - `python -m brinkmanship.cli`
    raise SystemExit(main())
