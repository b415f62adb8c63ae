"""Apache Kafka's own jars, fetched once with Maven into a versioned cache directory.

``kafka_broker/pom.xml`` names one artifact, ``org.apache.kafka:kafka_2.13``, whose runtime
closure is the whole broker (plus slf4j-api/slf4j-simple 1.7.36 for its log). Maven copies that
closure into a staging directory beside the cache, which is renamed into place only when the
copy is complete: an interrupted fetch never leaves a half cache.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from kafka_broker.errors import KafkaJarsUnavailableError
from kafka_broker.info import Progress
from kafka_broker.settings import BrokerSettings

# Pinned: the bare `dependency:` prefix may resolve to a plugin newer than Maven 3.8.7 supports.
MAVEN_COPY_DEPENDENCIES = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies"
FETCH_SIZE_MB = 45  # measured for 4.1.2: 46 jars, 43 MB (plus ~20 MB of Maven plugins in ~/.m2)
MAVEN_TIMEOUT_S = 900
_STAGING_PREFIX = "libs.fetching-"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def kafka_libs_dir(settings: BrokerSettings) -> Path:
    """Where the jars of ``settings.kafka_version`` are (or will be) cached."""
    return settings.cache_dir / f"kafka-{settings.kafka_version}" / "libs"


def ensure_kafka_jars(settings: BrokerSettings, *, progress: Progress | None = None) -> Path:
    """The directory of Kafka's jars, fetched with Maven the first time."""
    libs = kafka_libs_dir(settings)
    if _is_complete(libs, settings.kafka_version):
        return libs
    mvn = shutil.which("mvn")
    if mvn is None:
        raise KafkaJarsUnavailableError(
            f"Apache Kafka {settings.kafka_version}'s jars are not cached in {libs} and Maven "
            "(`mvn`) is not on PATH to fetch them.",
            hint=f"install Maven (Debian/Ubuntu: `apt-get install maven`) and rerun: it fetches "
            f"~{FETCH_SIZE_MB} MB once; or point KAFKA_BOOTSTRAP_SERVERS at a running broker",
        )
    _fetch(Path(mvn), settings.kafka_version, libs, progress)
    return libs


def kafka_classpath(libs: Path) -> str:
    """The broker's class path: every cached jar, in a stable order (AppCDS needs the same one).

    Symlinks are resolved so that caches sharing one jar dir share one class-data archive.
    """
    return os.pathsep.join(str(jar) for jar in sorted(libs.resolve().glob("*.jar")))


def _is_complete(libs: Path, version: str) -> bool:
    """True when ``libs`` holds a finished fetch (it only ever appears complete, by rename)."""
    return (libs / f"kafka_2.13-{version}.jar").is_file()


def _fetch(mvn: Path, version: str, libs: Path, progress: Progress | None) -> None:
    """Run Maven into a staging directory, then rename it to ``libs``."""
    if progress is not None:
        progress(f"fetching Apache Kafka {version} jars with Maven (once, ~{FETCH_SIZE_MB} MB)...")
    libs.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_staging(libs.parent)
    started = time.monotonic()
    staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=libs.parent))
    try:
        _run_maven(mvn, version, staging)
        if not _is_complete(staging / "libs", version):
            raise KafkaJarsUnavailableError(
                f"Maven finished but kafka_2.13-{version}.jar is missing from its output.",
                hint=f"see {staging / 'maven.log'}",
            )
        _publish(staging / "libs", libs)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if progress is not None:
        size_mb = sum(jar.stat().st_size for jar in libs.glob("*.jar")) / 1e6
        took = time.monotonic() - started
        progress(f"fetched {size_mb:.0f} MB of jars in {took:.1f} s into {libs}")


def _run_maven(mvn: Path, version: str, staging: Path) -> None:
    """copy-dependencies of the shipped pom into ``staging/libs``; a clear error on failure."""
    pom = staging / "pom.xml"
    pom.write_bytes(importlib.resources.files("kafka_broker").joinpath("pom.xml").read_bytes())
    log = staging / "maven.log"
    command = [
        str(mvn),
        "-B",
        "-q",
        "--no-transfer-progress",
        "-Dstyle.color=never",
        "-f",
        str(pom),
        f"-Dkafka.version={version}",
        MAVEN_COPY_DEPENDENCIES,
        "-DincludeScope=runtime",
        f"-DoutputDirectory={staging / 'libs'}",
    ]
    try:
        with log.open("wb") as out:
            done = subprocess.run(
                command,
                cwd=staging,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=MAVEN_TIMEOUT_S,
                check=False,
            )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise KafkaJarsUnavailableError(
            f"Maven could not fetch Apache Kafka {version}'s jars: {exc}.\n{_tail(log)}"
        ) from exc
    if done.returncode != 0:
        raise KafkaJarsUnavailableError(
            f"Maven could not fetch Apache Kafka {version}'s jars (exit {done.returncode}). "
            f"Last lines of its output:\n{_tail(log)}",
            hint="check that Maven Central is reachable and that this Kafka version exists "
            "(PIPELINE_HARNESS_KAFKA_VERSION)",
        )


def _publish(staged: Path, libs: Path) -> None:
    """Rename the finished fetch into place; a concurrent fetch that won the race is kept."""
    try:
        staged.rename(libs)
    except OSError:
        if not libs.is_dir():
            raise


def _remove_abandoned_staging(parent: Path, older_than_s: float = 3600.0) -> None:
    """Remove staging directories of fetches that were killed (an hour is far past any fetch)."""
    for staging in parent.glob(f"{_STAGING_PREFIX}*"):
        with contextlib.suppress(OSError):
            if time.time() - staging.stat().st_mtime > older_than_s:
                shutil.rmtree(staging, ignore_errors=True)


def _tail(log: Path, lines: int = 20) -> str:
    """The last lines of a log file, without terminal colour codes."""
    try:
        text = _ANSI.sub("", log.read_text(errors="replace"))
    except OSError:
        return "(no output)"
    return "\n".join(text.strip().splitlines()[-lines:]) or "(no output)"
