"""Worker processes that never outlive the command that started them.

Three failures of a plain ``ProcessPoolExecutor`` are fixed here:

* **Ctrl-C waits for the workers.** Leaving ``with ProcessPoolExecutor()`` on an exception waits for every
  running chunk, which can take half a minute on a large ensemble. :func:`worker_pool` kills the workers
  at once when its block is left by any exception (Ctrl-C, SIGTERM, an error), so the command stops within
  a second. Workers ignore SIGINT themselves: a Ctrl-C reaches the whole process group, and only the
  parent should decide what to do (one message, not one traceback per worker). They are started with
  SIGINT blocked (:func:`sigint_blocked`), so that a Ctrl-C between their start and their initializer
  is held and then discarded, not raised in them.
* **A message after the command's own.** When the workers are killed, the executor's management thread
  closes its wake-up pipe while the interpreter's exit hook may be writing to it (a race in
  ``concurrent.futures``: the hook does not take the lock the thread holds), which printed
  ``Exception ignored in: <module 'threading'> ... OSError: [Errno 9] Bad file descriptor`` about one
  Ctrl-C in twenty. :func:`worker_pool` waits for that thread before it returns.
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
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

PR_SET_PDEATHSIG = 1
"""From <linux/prctl.h>."""

MANAGER_JOIN_S = 5.0
"""How long a killed pool's management thread is waited for (it stops within milliseconds)."""

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def sigint_blocked() -> Iterator[None]:
    """SIGINT blocked in the calling thread for the block: every thread and process started in it starts
    with SIGINT blocked, and keeps it so through ``fork`` and ``exec`` whatever the start method. (Except
    that multiprocessing unblocks it in the thread that starts its resource tracker, on the first
    ``spawn`` or ``forkserver`` start: start that first, ``multiprocessing.resource_tracker.ensure_running``.)

    A Ctrl-C reaches the whole foreground process group, workers included; they should leave it to the
    parent. Setting SIG_IGN in each worker leaves a window from its start to that call, and ignoring
    SIGINT in the parent while it starts workers would lose a Ctrl-C (and be inherited by any worker
    started later); a blocked signal is only held. Here only this thread's mask changes, for the block:
    the process still takes a Ctrl-C (in another thread, or when the block is left). In a worker it stays
    pending until the worker ignores it, or for good.
    """
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows: no process groups either
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _start_worker(parent: int, threads: int) -> None:
    """Initializer of every worker process (runs in the worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # started with it blocked (_Pool.submit): a held Ctrl-C is dropped
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
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


class _Pool(ProcessPoolExecutor):
    """Starts its workers with SIGINT blocked: the executor starts them in ``submit``."""

    def submit(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        with sigint_blocked():
            return super().submit(fn, *args, **kwargs)


@contextmanager
def worker_pool(workers: int, threads: int | None = None) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers are killed as soon as the block is left by an exception.

    Each worker's kernel runs ``threads`` threads (``BRINK_THREADS``); default: the cores shared out.
    """
    threads = threads or max(1, (os.cpu_count() or 1) // workers)
    pool = _Pool(max_workers=workers, initializer=_start_worker, initargs=(os.getpid(), threads))
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
    manager: Any = getattr(pool, "_executor_manager_thread", None)  # shutdown forgets it
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=2.0)
    # The management thread sees its workers gone and closes its wake-up pipe; the interpreter's exit hook
    # (concurrent.futures.process._python_exit) writes to that pipe without the thread's lock, and raced
    # the close: "OSError: [Errno 9] Bad file descriptor" after the command's message. Once the thread has
    # finished, the pipe is marked closed and the hook leaves it alone.
    if manager is not None and manager.is_alive():
        manager.join(timeout=MANAGER_JOIN_S)
