"""Ctrl-C (SIGINT) and SIGTERM as exceptions in the main thread, held back during imports and ``eval``.

The command line turns SIGINT into :class:`KeyboardInterrupt` and SIGTERM into :class:`Terminated`, so that
every ``with`` block cleans up (staged files removed, workers killed) and the command says one line and exits
130 or 143 (:func:`brinkmanship.cli.main`, :func:`brinkmanship.entry.main`).

Why held back: measured with CPython 3.11.7, ``brink run`` sent SIGINT 0.1-0.35 s after it started (the
commands import NumPy, SciPy, Numba... when they run, and typer reads each command's annotations):

- an exception raised inside a compiled module's initialisation is not always passed on: one run of eight
  ignored the Ctrl-C and finished, exit code 0;
- a KeyboardInterrupt that leaves code run from a string (``eval``, as ``typing.get_type_hints`` does with
  every postponed annotation, and compiled modules' start-up code) marks it unhandled in the interpreter
  whatever catches it later: two runs of eight printed the one line and then died of SIGINT (a shell's 130,
  but -2 to a parent process, which CI's test saw).

The same holds in a finalizer (``__del__``): an exception raised in one is printed as "Exception ignored
in ..." and dropped, and the command went on to the end (pyarrow's ``ParquetWriter.__del__``, in a sweep).

So a signal that arrives while the main thread is importing a module, running code from a string or
running a finalizer is noted, and raised as soon as it is out of it (a helper thread sends it to the main
thread again every :data:`RETRY_S` seconds until then): within tenths of a second.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType
from typing import Any

RETRY_S = 0.02
"""How often a signal held back during an import is delivered again (s)."""

_pending: int | None = None
"""The signal number held back until the main thread is out of an import or ``eval``, or None."""


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that cleanup (staged files, worker processes) runs."""


def _held_back_in(frame: FrameType | None) -> bool:
    """Whether ``frame`` or a frame that called it runs importlib's machinery (a module being imported),
    code that ``eval`` or ``exec`` compiled from a string (file name ``<string>``, name ``<module>``), or a
    finalizer (``__del__``), where an exception is printed and dropped.

    The outermost frame is the program: ``python -c`` runs its code from a string too (its functions too
    are in ``<string>``), and there an interrupt that nothing catches is unhandled indeed.
    """
    while frame is not None:
        code = frame.f_code
        if code.co_filename.startswith("<frozen importlib"):
            return True
        if code.co_filename == "<string>" and code.co_name == "<module>" and frame.f_back is not None:
            return True
        if code.co_name == "__del__":
            # A finalizer run by the garbage collector: Python prints an exception raised in it as
            # "Exception ignored in ..." and goes on (CI, 1 Dec 2026: a Ctrl-C inside pyarrow's
            # ParquetWriter.__del__ was lost, and the sweep finished with exit code 0).
            return True
        frame = frame.f_back
    return False


def _deliver_again() -> None:
    """Deliver the held-back signal to the main thread until its handler raises it."""
    main = threading.main_thread().ident
    assert main is not None  # the main thread has started: it set the handler
    while True:
        time.sleep(RETRY_S)
        signum = _pending
        if signum is None:
            return
        # A signal, not _thread.interrupt_main: it also ends a wait in C (a sleep, a queue) in the main thread
        signal.pthread_kill(main, signum)


def on_signal(signum: int, frame: FrameType | None) -> None:
    """Handler for SIGINT and SIGTERM: raise KeyboardInterrupt or Terminated, after any import or ``eval``.

    Raises:
        KeyboardInterrupt: for SIGINT, outside an import.
        Terminated: for SIGTERM, outside an import.
    """
    global _pending
    if _held_back_in(frame):
        if _pending is None:
            threading.Thread(target=_deliver_again, name="brink-signal", daemon=True).start()
        _pending = signum  # a SIGTERM after a Ctrl-C (or the reverse): the latest wins
        return
    _pending = None
    _quiet_logs()
    if signum == signal.SIGTERM:
        raise Terminated
    raise KeyboardInterrupt


_logging_before: int | None = None
"""Logging's switch before a stop turned every record off (:func:`_quiet_logs`), to put back in
:func:`restore`; None while nothing was turned off."""


def _quiet_logs() -> None:
    """Turn every log record of the process off, from the moment a stop is raised: the command's one line
    is all it says. Library threads go on for a moment and log what they see; measured: distributed's
    loop thread logged a NameError traceback through tornado when a Ctrl-C came before one of its futures
    existed (its ``sync`` schedules a cancel that reads it), which `_logs_silenced` in the sweep's Dask
    runner came too late to stop (CI, 1 Dec 2026, one run in several)."""
    global _logging_before
    if _logging_before is None:
        _logging_before = logging.root.manager.disable
    logging.disable(logging.CRITICAL)


def install() -> dict[int, Any]:
    """Handle SIGINT and SIGTERM with :func:`on_signal`; return the handlers they had, for :func:`restore`.

    SIGINT is handled even when the shell started the command with it ignored (a background job,
    ``brink run ... &``), so that a Ctrl-C sent to it always stops it. Only the main thread may set
    handlers: from another thread (embedded use) nothing is changed and ``{}`` is returned.
    """
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {number: signal.signal(number, on_signal) for number in (signal.SIGINT, signal.SIGTERM)}


def restore(previous: dict[int, Any]) -> None:
    """Put back the handlers :func:`install` returned, and logging if a stop turned it off; a signal still
    held back is dropped."""
    global _pending, _logging_before
    for number, handler in previous.items():
        signal.signal(number, handler)
    if previous:
        _pending = None
        if _logging_before is not None:  # logging as it was before the stop
            logging.disable(_logging_before)
            _logging_before = None


_kept = ""
"""What the command being stopped kept, noted by :func:`keeping` for the command's one line."""


def keeping(what: str) -> None:
    """Note, as a Ctrl-C or SIGTERM passes on its way out, what the command kept (a fit's journal, to
    resume it): :func:`brinkmanship.cli.main` says it at the end of its one line. The note travels beside
    the exception, not on it: typer raises a KeyboardInterrupt of its own in its place."""
    global _kept
    _kept = what


def kept() -> str:
    """What :func:`keeping` noted, as the end of the command's line ("; ..."), or ""; the note is cleared."""
    global _kept
    what, _kept = _kept, ""
    return f"; {what}" if what else ""
