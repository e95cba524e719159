"""The `brink` console script: imports the command line only once Ctrl-C is handled.

Importing the commands takes seconds (NumPy, SciPy, pydantic, the kernel); a Ctrl-C in that time would
otherwise print the interpreter's traceback of whatever was being imported. Here it is one line and exit
code 130, like a Ctrl-C anywhere else in a command.
"""

from __future__ import annotations

import sys

INTERRUPTED = "error: interrupted; stopped without writing results"


def main() -> int:
    """Entry point of the `brink` script (``[project.scripts]``): run :func:`brinkmanship.cli.main`."""
    try:
        from brinkmanship.cli import main as run

        return run()
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover - `python -m brinkmanship.entry`
    sys.exit(main())
