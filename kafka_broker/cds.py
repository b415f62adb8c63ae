"""A class-data-sharing archive (AppCDS) of the broker's classes: it halves each JVM start.

Measured on this project's 2-core machines (Kafka 4.1.2, OpenJDK 17 and Temurin 25): StorageTool
format ~1.3 s -> ~0.7 s, broker start to listening ~3.0 s -> ~1.5 s. One archive, dumped from
the broker, serves both JVMs (format loads a subset of the broker's classes).

How it stays robust:

* the first broker started without an archive dumps one when it exits
  (``-XX:ArchiveClassesAtExit``, ~5-10 s added to that one stop) into its work dir;
* after it exited cleanly, a JVM must map that file (``-Xshare:on ... -version``) before it is
  copied into the cache and renamed into place: a truncated archive crashes OpenJDK 17
  (SIGBUS), so it is never installed;
* the archive's name is keyed by the java executable, its version, the class path and the jars'
  sizes and mtimes, so another JDK or refetched jars get a new archive instead of a stale one;
* each start's short StorageTool JVM maps the archive with ``-Xshare:on``: an archive that
  became unusable anyway (corrupted, or refused by the JVM, which ``-Xshare:auto`` would do
  silently) fails that JVM at once; the caller then deletes it and retries, and a fresh one is
  dumped. The broker JVM itself uses ``-Xshare:auto``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kafka_broker.java import JavaRuntime

KEEP_ARCHIVES = 3
_PENDING = "cds-pending.json"
_DUMPED = "broker.jsa"
# The dump logs a warning per class it cannot archive (old class files, excluded loggers), which
# would bury the useful tail of the broker log. A JVM that maps a good archive logs nothing.
_QUIET_DUMP = "-Xlog:cds=off,cds+dynamic=off"


@dataclass(frozen=True)
class ClassDataArchive:
    """Where the archive for one (java, class path) pair lives, and how to use or make it."""

    path: Path
    java: Path
    classpath: str

    def options(self, work_dir: Path) -> list[str]:
        """JVM options: use the archive if it exists, else dump one into ``work_dir`` at exit."""
        if self.path.is_file():
            with contextlib.suppress(OSError):
                os.utime(self.path)  # marks it recently used, see _prune
            return [f"-XX:SharedArchiveFile={self.path}", "-Xshare:auto"]
        pending = {"path": str(self.path), "java": str(self.java), "classpath": self.classpath}
        (work_dir / _PENDING).write_text(json.dumps(pending))
        return [f"-XX:ArchiveClassesAtExit={work_dir / _DUMPED}", _QUIET_DUMP]

    def verifying_options(self) -> list[str]:
        """JVM options that use the archive if it exists, and fail that JVM if it is unusable."""
        if self.path.is_file():
            return [f"-XX:SharedArchiveFile={self.path}", "-Xshare:on"]
        return []

    def discard(self) -> None:
        """Remove the archive (after a start that failed while using it)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def class_data_archive(java: JavaRuntime, classpath: str, cache_dir: Path) -> ClassDataArchive:
    """The archive for this java and class path, keyed so a stale one is never picked up."""
    digest = hashlib.sha256()
    for part in (str(java.executable.resolve()), java.version, classpath):
        digest.update(part.encode() + b"\0")
    for jar in classpath.split(os.pathsep):
        with contextlib.suppress(OSError):
            stats = os.stat(jar)
            digest.update(f"{stats.st_size}:{stats.st_mtime_ns}\0".encode())
    path = cache_dir / "cds" / f"broker-{digest.hexdigest()[:16]}.jsa"
    return ClassDataArchive(path=path, java=java.executable, classpath=classpath)


def dump_is_pending(work_dir: Path) -> bool:
    """True when the broker of ``work_dir`` will dump an archive as it exits."""
    return (work_dir / _PENDING).is_file()


def adopt_dumped_archive(work_dir: Path) -> Path | None:
    """After the broker exited cleanly: check the archive it dumped and install it atomically."""
    try:
        pending = json.loads((work_dir / _PENDING).read_text())
    except (OSError, ValueError):
        return None
    dumped = work_dir / _DUMPED
    target = Path(pending["path"])
    if not dumped.is_file() or not _maps(Path(pending["java"]), pending["classpath"], dumped):
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    # Copy next to the target first: the work dir is usually on another file system (tmpfs).
    fd, staged = tempfile.mkstemp(prefix=target.name, suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        shutil.copyfile(dumped, staged)
        os.replace(staged, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(staged)
    _prune(target.parent)
    return target


def _prune(archives: Path) -> None:
    """Keep the most recently used archives only (each is ~50 MB; a new JDK makes a new one)."""
    found = []
    for archive in archives.glob("broker-*.jsa"):
        with contextlib.suppress(OSError):
            found.append((archive.stat().st_mtime, archive))
    for _, stale in sorted(found, reverse=True)[KEEP_ARCHIVES:]:
        with contextlib.suppress(OSError):
            stale.unlink()


def _maps(java: Path, classpath: str, archive: Path) -> bool:
    """True when a JVM maps ``archive`` with ``-Xshare:on`` (a bad one fails or crashes)."""
    try:
        done = subprocess.run(
            [
                str(java),
                "-Xshare:on",
                f"-XX:SharedArchiveFile={archive}",
                "-cp",
                classpath,
                "-version",
            ],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0
