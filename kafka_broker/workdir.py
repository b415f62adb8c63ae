"""A fresh directory per broker start (config, KRaft data, log, pidfile), preferably on tmpfs.

The KRaft metadata log fsyncs; on tmpfs that costs nothing. Work dirs left by a harness that
was SIGKILLed (its JVM died with it through PDEATHSIG) are swept by the next start.

A dir is stale only when both its broker and the process that made it are gone. A broker
that is down on purpose (a fault test killed it and starts it again on the same dir) has a
live owner, so another harness starting a broker meanwhile leaves its dir alone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from kafka_broker.process import is_our_broker, is_running, recorded_pid

WORK_DIR_PREFIX = "pipeline-harness-kafka-"
TMPFS = Path("/dev/shm")
MIN_TMPFS_FREE_BYTES = 256 * 1024 * 1024
OWNER_FILE = "owner.pid"  # "PID STARTTIME" of the process that made the dir
_UNSTARTED_GRACE_S = 600.0  # a dir with no pidfile may be formatting right now


def work_dir_base(tmpfs: Path = TMPFS) -> Path:
    """/dev/shm when writable with >= 256 MiB free, else the system temp directory."""
    with contextlib.suppress(OSError):
        stats = os.statvfs(tmpfs)
        if os.access(tmpfs, os.W_OK) and stats.f_bavail * stats.f_frsize >= MIN_TMPFS_FREE_BYTES:
            return tmpfs
    return Path(tempfile.gettempdir())


def new_work_dir(base: Path | None = None) -> Path:
    """Create an empty, private work dir for one broker start, claimed by this process."""
    work_dir = Path(tempfile.mkdtemp(prefix=WORK_DIR_PREFIX, dir=base or work_dir_base()))
    (work_dir / OWNER_FILE).write_text(f"{os.getpid()} {_start_time(os.getpid())}\n")
    return work_dir


def sweep_stale_work_dirs(base: Path | None = None) -> list[Path]:
    """Remove work dirs whose broker is gone; never touch one whose JVM still runs."""
    removed = []
    for work_dir in (base or work_dir_base()).glob(f"{WORK_DIR_PREFIX}*"):
        if _is_stale(work_dir):
            shutil.rmtree(work_dir, ignore_errors=True)
            removed.append(work_dir)
    return removed


def _is_stale(work_dir: Path) -> bool:
    """A dead broker's dir whose owner is gone too, or one never started and abandoned."""
    owner = _owner_alive(work_dir)
    if owner is True:
        return False
    pid = recorded_pid(work_dir)
    if pid is not None:
        return not is_our_broker(pid, work_dir)
    if owner is False:
        return True
    try:  # a dir made before owners were recorded
        return time.time() - work_dir.stat().st_mtime > _UNSTARTED_GRACE_S
    except OSError:
        return False


def _owner_alive(work_dir: Path) -> bool | None:
    """Whether the process that made ``work_dir`` still runs (None: no owner on record).

    The owner's start time is recorded beside its pid, so a reused pid is not mistaken for it.
    """
    try:
        pid_text, started = (work_dir / OWNER_FILE).read_text().split()
        pid = int(pid_text)
    except (OSError, ValueError):
        return None
    return is_running(pid) and _start_time(pid) == started


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (/proc/PID/stat field 22), or "?"."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "?"
    return stat.rsplit(")", 1)[-1].split()[19]
