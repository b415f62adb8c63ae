"""What a long-running command does at the terminal: progress lines for people, and waiting
for Ctrl-C or SIGTERM. The one place for both, for the broker's commands and for the commands
that run the pipeline (which build on this package)::

    note = progress_printer("pipeline-harness")    # "pipeline-harness: line" on stderr
    note("starting a broker for this run")
    wait_for_interrupt()                             # returns on Ctrl-C or SIGTERM
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import TextIO

Note = Callable[[str], None]
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def progress_printer(prefix: str, stream: TextIO | None = None) -> Note:
    """Progress lines for people, each ``prefix: line``, flushed at once, on stderr (stdout
    stays for what a command reports, such as an address a script reads)."""

    def note(line: str) -> None:
        print(f"{prefix}: {line}", file=stream or sys.stderr, flush=True)

    return note


def say(line: str) -> None:
    """What a command reports, on stdout, flushed at once (a reader may be waiting for it)."""
    print(line, flush=True)


def wait_for_interrupt(
    announce: Callable[[], object] | None = None, *, stop: threading.Event | None = None
) -> None:
    """Block until Ctrl-C (SIGINT) or SIGTERM, or until ``stop`` is set (a supervisor's
    watcher). Both signals are caught explicitly, so a command started where SIGINT is
    inherited as ignored (a background job of a script) still stops on it. ``announce`` runs
    once both are caught (say "running" there: a signal sent on seeing it is never lost). Only
    the main thread can catch signals; elsewhere Ctrl-C alone ends the wait."""
    stop = stop if stop is not None else threading.Event()
    if threading.current_thread() is not threading.main_thread():
        if announce:
            announce()
        with contextlib.suppress(KeyboardInterrupt):
            while not stop.wait(0.5):
                pass
        return

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {number: signal.signal(number, on_signal) for number in STOP_SIGNALS}
    try:
        if announce:
            announce()
        while not stop.wait(0.5):
            pass
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
