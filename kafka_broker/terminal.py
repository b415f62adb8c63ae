"""What a long-running command does at the terminal: progress lines for people, and waiting
for Ctrl-C or SIGTERM. The one place for both, for the broker's commands and for the commands
that run the pipeline (which build on this package)::

    note = progress_printer("pipeline-harness")    # "pipeline-harness: line" on stderr
    note("starting a broker for this run")
    wait_for_interrupt()                             # returns on Ctrl-C or SIGTERM
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import TextIO

Note = Callable[[str], None]


def progress_printer(prefix: str, stream: TextIO | None = None) -> Note:
    """Progress lines for people, each ``prefix: line``, flushed at once, on stderr (stdout
    stays for what a command reports, such as an address a script reads)."""

    def note(line: str) -> None:
        print(f"{prefix}: {line}", file=stream or sys.stderr, flush=True)

    return note


def say(line: str) -> None:
    """What a command reports, on stdout, flushed at once (a reader may be waiting for it)."""
    print(line, flush=True)


def wait_for_interrupt() -> None:
    """Block until Ctrl-C or SIGTERM (SIGTERM is caught only on the main thread, where Python
    delivers signals; elsewhere Ctrl-C alone ends the wait)."""
    stop = threading.Event()
    on_main = threading.current_thread() is threading.main_thread()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal) if on_main else None
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if on_main:
            signal.signal(signal.SIGTERM, previous)
