"""A fresh directory per broker start (config, KRaft data, log, pidfile), preferably on tmpfs.

The KRaft metadata log fsyncs; on tmpfs that costs nothing. Work dirs left by a harness that
was SIGKILLed (its JVM died with it through PDEATHSIG) are swept by the next start.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from kafka_broker.process import is_our_broker, recorded_pid

WORK_DIR_PREFIX = "pipeline-harness-kafka-"
TMPFS = Path("/dev/shm")
MIN_TMPFS_FREE_BYTES = 256 * 1024 * 1024
_UNSTARTED_GRACE_S = 600.0  # a dir with no pidfile may be formatting right now


def work_dir_base(tmpfs: Path = TMPFS) -> Path:
    """/dev/shm when writable with >= 256 MiB free, else the system temp directory."""
    with contextlib.suppress(OSError):
        stats = os.statvfs(tmpfs)
        if os.access(tmpfs, os.W_OK) and stats.f_bavail * stats.f_frsize >= MIN_TMPFS_FREE_BYTES:
            return tmpfs
    return Path(tempfile.gettempdir())


def new_work_dir(base: Path | None = None) -> Path:
    """Create an empty, private work dir for one broker start."""
    return Path(tempfile.mkdtemp(prefix=WORK_DIR_PREFIX, dir=base or work_dir_base()))


def sweep_stale_work_dirs(base: Path | None = None) -> list[Path]:
    """Remove work dirs whose broker is gone; never touch one whose JVM still runs."""
    removed = []
    for work_dir in (base or work_dir_base()).glob(f"{WORK_DIR_PREFIX}*"):
        if _is_stale(work_dir):
            shutil.rmtree(work_dir, ignore_errors=True)
            removed.append(work_dir)
    return removed


def _is_stale(work_dir: Path) -> bool:
    """A dead broker's dir, or one never started and long abandoned."""
    pid = recorded_pid(work_dir)
    if pid is not None:
        return not is_our_broker(pid, work_dir)
    try:
        return time.time() - work_dir.stat().st_mtime > _UNSTARTED_GRACE_S
    except OSError:
        return False
