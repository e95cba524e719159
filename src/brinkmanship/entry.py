"""The `brink` console script: imports the command line only once Ctrl-C and SIGTERM are handled.

Importing the command line takes a moment (typer, rich; each command imports NumPy, SciPy, the kernel...
when it runs, under :func:`brinkmanship.cli.main`'s handlers); a Ctrl-C in that time would otherwise print
the interpreter's traceback of whatever was being imported, and a SIGTERM would kill the process without a
word. Here each is one line and exit code 130 (Ctrl-C) or 143 (SIGTERM), as anywhere else in a command
(:func:`brinkmanship.cli.main`, which sets its own handlers while it runs).
``python -m brinkmanship.cli`` comes here too, before importing the commands.
"""

from __future__ import annotations

import sys

from brinkmanship import stopping

INTERRUPTED = "error: interrupted; stopped without writing results"
TERMINATED = "error: terminated; stopped without writing results"


def main() -> int:
    """Entry point of the `brink` script (``[project.scripts]``): run :func:`brinkmanship.cli.main`."""
    # SIGINT too: a shell starts a background job (`brink run ... &`) with it ignored, and while the
    # commands import (seconds) that ignored Ctrl-C let the whole command run on and exit 0.
    previous = stopping.install()
    try:
        from brinkmanship.cli import main as run

        return run()
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
    except stopping.Terminated:
        print(TERMINATED, file=sys.stderr)
        return 143
    finally:
        stopping.restore(previous)


if __name__ == "__main__":  # pragma: no cover - `python -m brinkmanship.entry`
    sys.exit(main())
