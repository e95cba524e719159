"""Ctrl-C and SIGTERM wait while a module imports or code from a string runs (brinkmanship.stopping).

Raised inside either, CPython 3.11 could drop the interrupt (a compiled module's start-up) or mark it
unhandled and die of SIGINT after the command had said its line; the module's docstring has the measurements.
Each case runs in a fresh interpreter: only the main thread may set handlers, and pytest-xdist's worker does
not run tests there.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX signals")

PRELUDE = """\
import signal, sys, time
from brinkmanship import stopping
previous = stopping.install()
def wait_for_the_signal():  # a held-back signal comes within tenths of a second
    time.sleep(10)
    print("the held-back signal never came")
"""


def _run(body: str) -> str:
    """Run ``body`` after PRELUDE with ``python -c``: what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(body)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize(
    ("number", "raised"), [("SIGINT", "KeyboardInterrupt"), ("SIGTERM", "stopping.Terminated")]
)
def test_a_signal_during_an_import_is_raised_once_the_import_has_finished(tmp_path, number, raised):
    (tmp_path / "slow_module.py").write_text(
        f"import signal\nsignal.raise_signal(signal.{number})\nfinished = sum(range(100_000)) > 0\n"
    )
    said = _run(f"""
        sys.path.insert(0, {str(tmp_path)!r})
        try:
            import slow_module
            wait_for_the_signal()
        except {raised}:
            print("after the import" if "slow_module" in sys.modules else "inside the import")
    """)
    assert said == "after the import"


def test_a_signal_during_eval_is_raised_once_eval_has_returned():
    said = _run("""
        values = []
        try:
            values.append(eval("[signal.raise_signal(signal.SIGINT), 6 * 7][1]"))
            wait_for_the_signal()
        except KeyboardInterrupt:
            print("raised after", values)
    """)
    assert said == "raised after [42]"


def test_a_signal_during_a_finalizer_is_raised_once_it_has_run():
    """An exception raised in ``__del__`` is printed ("Exception ignored in") and dropped: a Ctrl-C inside
    pyarrow's ParquetWriter.__del__ was lost and a sweep ran to its end (CI, 1 Dec 2026)."""
    said = _run("""
        class Writer:
            def __del__(self):
                signal.raise_signal(signal.SIGINT)
                self.closed = True
        try:
            Writer()  # dropped at once: its finalizer runs here
            wait_for_the_signal()
        except KeyboardInterrupt:
            print("raised after the finalizer")
    """)
    assert said == "raised after the finalizer"


def test_elsewhere_a_signal_is_raised_at_once():
    """Also in the program's own code when it comes from a string (``python -c``, as here)."""
    said = _run("""
        try:
            signal.raise_signal(signal.SIGINT)
            print("the next line ran")
        except KeyboardInterrupt:
            print("raised at once")
    """)
    assert said == "raised at once"


def test_restore_puts_back_the_handlers_and_drops_a_held_back_signal():
    said = _run("""
        handled = signal.getsignal(signal.SIGINT) is stopping.on_signal
        print(handled, previous[signal.SIGTERM] is signal.SIG_DFL)
        stopping._pending = signal.SIGINT
        stopping.restore(previous)
        print(signal.getsignal(signal.SIGINT) is signal.default_int_handler, stopping._pending)
    """)
    assert said.splitlines() == ["True True", "True None"]


def test_once_a_stop_is_raised_no_log_record_is_written_until_restore():
    """Library threads log what they see as a command stops (distributed's loop thread logged a traceback
    through tornado after a Ctrl-C, beside the command's one line): from the stop on, nothing is logged;
    restore puts logging back as it was."""
    said = _run("""
        import logging, threading
        logging.basicConfig(stream=sys.stdout, format="logged: %(message)s")
        log = logging.getLogger("library")
        log.error("before")
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt:
            worker = threading.Thread(target=log.error, args=("after, from a thread",))
            worker.start()
            worker.join()
        stopping.restore(previous)
        log.error("once restored")
    """)
    assert said.splitlines() == ["logged: before", "logged: once restored"]
