"""The burn-in cache of a benchmark run: a folder of its own, removed however the run ends.

Imported by the benchmark scripts (run as ``python benchmarks/bench_*.py``, so this folder is on their
path); not a benchmark itself.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def own_burn_in_cache() -> Iterator[None]:
    """``BRINK_CACHE_DIR`` for the block: the caller's where it is set (even to ``off``), else a new
    ``brink-bench-*`` folder in the system's temporary folder, removed with everything in it when the block
    is left, by its end, an error, Ctrl-C or SIGTERM (which would otherwise kill the process before any
    cleanup); they were left behind in /tmp."""
    if "BRINK_CACHE_DIR" in os.environ:
        yield
        return
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        with tempfile.TemporaryDirectory(prefix="brink-bench-") as folder:
            os.environ["BRINK_CACHE_DIR"] = folder
            try:
                yield
            finally:
                del os.environ["BRINK_CACHE_DIR"]
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
