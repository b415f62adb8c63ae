"""Finding a Java runtime recent enough to run Kafka's broker jars."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kafka_broker.errors import JavaNotFoundError
from kafka_broker.info import Progress
from kafka_broker.settings import BrokerSettings

_INSTALL_HINT = (
    "install Java 17 or newer (Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`) and "
    "put it on PATH or set JAVA_HOME to its directory; or point KAFKA_BOOTSTRAP_SERVERS at a "
    "running Kafka broker"
)
_VERSION = re.compile(r'version "(?P<version>[^"]+)"')


@dataclass(frozen=True)
class JavaRuntime:
    """A ``java`` executable and the version it reports."""

    executable: Path
    version: str
    """As ``java -version`` prints it, e.g. "17.0.15"."""

    @property
    def major(self) -> int:
        """The feature release: 17 for "17.0.15", 8 for "1.8.0_292"."""
        return java_major(self.version)


def find_java(settings: BrokerSettings, progress: Progress | None = None) -> JavaRuntime:
    """The Java runtime to run Kafka with: ``$JAVA_HOME/bin/java``, else ``java`` on PATH."""
    executable = _java_executable(settings.java_home, progress)
    java = JavaRuntime(executable, _reported_version(executable))
    needed = minimum_java_major(settings.kafka_version)
    if java.major < needed:
        raise JavaNotFoundError(
            f"Java {java.version} at {executable} is too old: Apache Kafka "
            f"{settings.kafka_version} needs Java {needed} or newer.",
            hint=_INSTALL_HINT,
        )
    return java


def minimum_java_major(kafka_version: str) -> int:
    """Kafka 4.x brokers need Java 17; 3.x ran on 11 (and 8, deprecated)."""
    major = kafka_version.split(".", 1)[0]
    return 17 if not major.isdigit() or int(major) >= 4 else 11


def java_major(version: str) -> int:
    """The feature release of a Java version string ("1.8.0_292" -> 8, "17.0.15" -> 17)."""
    parts = re.findall(r"\d+", version)
    if not parts:
        return 0
    return int(parts[1]) if parts[0] == "1" and len(parts) > 1 else int(parts[0])


def _java_executable(java_home: Path | None, progress: Progress | None) -> Path:
    """``$JAVA_HOME/bin/java`` when it exists, else ``java`` on PATH, else a clear error."""
    if java_home is not None:
        candidate = java_home / "bin" / "java"
        if candidate.is_file():
            return candidate
    on_path = shutil.which("java")
    if on_path is None:
        home = f"JAVA_HOME ({java_home}) has no bin/java and " if java_home else ""
        raise JavaNotFoundError(
            f"no Java runtime found to run the Kafka broker: {home}there is no `java` on PATH.",
            hint=_INSTALL_HINT,
        )
    if java_home is not None and progress is not None:
        progress(f"JAVA_HOME ({java_home}) has no bin/java; using {on_path} from PATH")
    return Path(on_path)


def _reported_version(executable: Path) -> str:
    """Run ``java -version`` and read the version it prints."""
    try:
        done = subprocess.run(
            [str(executable), "-version"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise JavaNotFoundError(f"{executable} cannot be run: {exc}.", hint=_INSTALL_HINT) from exc
    output = done.stderr + done.stdout
    found = _VERSION.search(output)
    if done.returncode != 0 or found is None:
        shown = " ".join(output.split())[:300] or "(no output)"
        raise JavaNotFoundError(
            f"`{executable} -version` failed (exit {done.returncode}): {shown}.",
            hint=_INSTALL_HINT,
        )
    return found.group("version")
