"""Worker processes that never outlive the command that started them.

Two failures of a plain ``ProcessPoolExecutor`` are fixed here:

* **Ctrl-C waits for the workers.** Leaving ``with ProcessPoolExecutor()`` on an exception waits for every
  running chunk, which can take half a minute on a large ensemble. :func:`worker_pool` kills the workers
  at once when its block is left by any exception (Ctrl-C, SIGTERM, an error), so the command stops within
  a second. Workers ignore SIGINT themselves: a Ctrl-C reaches the whole process group, and only the
  parent should decide what to do (one message, not one traceback per worker).
* **Orphans.** When the parent is killed outright (SIGKILL, or SIGTERM from a process manager) it runs
  no cleanup, and the workers would compute on, re-parented, forever. On Linux each worker asks the kernel
  to send it SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere, and in case the command
  died before the request was made, a worker whose command is gone exits on start.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

PR_SET_PDEATHSIG = 1
"""From <linux/prctl.h>."""


def _start_worker(parent: int, threads: int) -> None:
    """Initializer of every worker process (runs in the worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The compiled kernel's threads: the cores shared among the workers, not every core in each.
    os.environ["BRINK_THREADS"] = str(threads)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - a libc without prctl: the check below remains
            pass
    # The command may have died before the request above took effect. (Its pid is compared, not the
    # parent's: with the forkserver start method the parent is the server, which outlives nobody.)
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        os._exit(1)
    except PermissionError:  # pragma: no cover - a pid reused by another user's process: the command is gone
        os._exit(1)


@contextmanager
def worker_pool(workers: int, threads: int | None = None) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers are killed as soon as the block is left by an exception.

    Each worker's kernel runs ``threads`` threads (``BRINK_THREADS``); default: the cores shared out.
    """
    threads = threads or max(1, (os.cpu_count() or 1) // workers)
    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(os.getpid(), threads)
    )
    try:
        yield pool
    except BaseException:
        _kill(pool)
        raise
    pool.shutdown(wait=True)


def _kill(pool: ProcessPoolExecutor) -> None:
    # The executor has no public way to stop running tasks before Python 3.14 (terminate_workers), so the
    # processes are taken from its private table; if that ever disappears, shutdown still cancels the queue.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=2.0)
