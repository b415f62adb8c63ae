"""The broker JVM as a process: start it so it cannot outlive us, stop it, recognise it.

No zombie JVM may survive the harness:

* the JVM runs in its own session (``start_new_session``), so a terminal's Ctrl-C reaches only
  the harness, which then stops the broker in order;
* ``PR_SET_PDEATHSIG`` makes the kernel SIGKILL the JVM when the thread that spawned it ends,
  which covers a SIGKILLed harness. It fires when the spawning *thread* exits, not the process,
  so it is only set when the broker is started from the main thread; start brokers there (the
  pytest session fixture does); from any other thread only the atexit hook protects you;
* a pidfile in the work dir lets a later run recognise leftovers; only a pid whose command line
  names that work dir is ever signalled, so the harness never kills a process it did not start.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

PIDFILE = "broker.pid"
STOP_GRACE_S = 20.0
_PR_SET_PDEATHSIG = 1


def spawn_broker(
    argv: Sequence[str], *, log_path: Path, die_with_parent: bool
) -> subprocess.Popen[bytes]:
    """Start the JVM in its own session, in the log's directory, and write the pidfile there."""
    preexec = _die_with_this_thread() if die_with_parent else None
    with log_path.open("ab") as log:
        # preexec_fn is the only way to set PDEATHSIG in the child; it calls prctl and getppid
        # only (no locks, no allocation), which is safe even with other threads running.
        process = subprocess.Popen(
            list(argv),
            cwd=log_path.parent,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=preexec,  # noqa: PLW1509
            close_fds=True,
        )
    (log_path.parent / PIDFILE).write_text(f"{process.pid}\n")
    return process


def stop_child(process: subprocess.Popen[bytes], grace_s: float = STOP_GRACE_S) -> None:
    """SIGTERM our child JVM, wait up to ``grace_s``, then SIGKILL its process group."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace_s)
        except subprocess.TimeoutExpired:
            # Not yet reaped, so its pid (= process group id) cannot have been reused.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def kill_child(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL our child JVM's process group at once, as a crash would (no shutdown hook)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def stop_recorded(pid: int, work_dir: Path, grace_s: float = STOP_GRACE_S) -> bool:
    """Stop a broker JVM another harness process started (a detached one), if it is ours.

    Returns True when it ended on SIGTERM (cleanly), False when it had to be killed or was
    not running.
    """
    if not is_our_broker(pid, work_dir):
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if _wait_gone(pid, grace_s):
        return True
    if is_our_broker(pid, work_dir):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        _wait_gone(pid, 5.0)
    return False


def is_running(pid: int) -> bool:
    """True while ``pid`` is a live process (a zombie awaiting its reaper counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return _signal_zero(pid)
    state = stat.rsplit(")", 1)[-1].split()[0]
    return state not in ("Z", "X")


def is_our_broker(pid: int, work_dir: Path) -> bool:
    """True when ``pid`` is alive and its command line names ``work_dir`` (so it is ours)."""
    if not is_running(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return f"{work_dir}{os.sep}".encode() in cmdline


def recorded_pid(work_dir: Path) -> int | None:
    """The pid in the work dir's pidfile, if any."""
    try:
        return int((work_dir / PIDFILE).read_text().strip())
    except (OSError, ValueError):
        return None


def _wait_gone(pid: int, timeout_s: float) -> bool:
    """Poll until ``pid`` is gone or ``timeout_s`` passed; True when gone."""
    deadline = time.monotonic() + timeout_s
    while is_running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _signal_zero(pid: int) -> bool:
    """Whether ``pid`` exists, where there is no /proc to read."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _die_with_this_thread() -> Callable[[], None] | None:
    """A preexec_fn asking the kernel to SIGKILL the child when this (main) thread ends."""
    if not sys.platform.startswith("linux"):
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved before fork, used after
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL))
        if os.getppid() != parent:  # the parent died before prctl: nobody will stop us
            os._exit(1)

    return preexec
