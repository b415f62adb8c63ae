"""The broker's settings: one frozen dataclass, read from the environment once, at the edge.

Example::

    settings = BrokerSettings.from_env(os.environ)    # in a CLI or a conftest, never at import
    settings = dataclasses.replace(settings, use_docker=False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kafka_broker.security import SaslCredentials, login_from_env

DEFAULT_KAFKA_VERSION = "4.1.2"


def _default_cache_dir() -> Path:
    return Path.home() / ".cache" / "pipeline-harness"


@dataclass(frozen=True)
class BrokerSettings:
    """Which Kafka broker to reach or start, and how, with sensible defaults."""

    bootstrap_servers: str | None = None
    """An existing Kafka cluster to use (never started or stopped here)."""

    kafka_version: str = DEFAULT_KAFKA_VERSION
    """The Apache Kafka version whose jars the local JVM broker runs."""

    cache_dir: Path = field(default_factory=_default_cache_dir)
    """Where Kafka's jars, the class-data archives and the detached broker's record are kept."""

    use_docker: bool = True
    """Try a Docker engine (testcontainers) before the local JVM broker."""

    broker_start_timeout_s: float = 60.0
    java_home: Path | None = None

    broker_name: str | None = None
    """Names the detached broker's record (``--name``); None: one record per working
    directory, so that two projects or users never join each other's broker by accident."""

    login: SaslCredentials | None = None
    """The login to an existing secured cluster (``KAFKA_SASL_USERNAME``, ``_PASSWORD``,
    ``_MECHANISM``); None: plaintext."""

    secure: bool = False
    """Start the local broker secured (``--secure``): SASL/SCRAM logins, Kafka's
    StandardAuthorizer, an administrator with a fresh password (kafka_broker.security)."""

    work_dir: Path = field(default_factory=Path.cwd)
    """The working directory the default detached-broker record is scoped to."""

    @property
    def detached_scope(self) -> str:
        """Which detached broker this run means, and why: ``name 'x'`` or ``directory /p``."""
        if self.broker_name:
            return f"name {self.broker_name!r}"
        return f"directory {self.work_dir}"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> BrokerSettings:
        """Build settings from environment variables (``KAFKA_BOOTSTRAP_SERVERS``, ...)."""
        cache = env.get("PIPELINE_HARNESS_CACHE")
        java_home = env.get("JAVA_HOME")
        return cls(
            bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS") or None,
            kafka_version=env.get("PIPELINE_HARNESS_KAFKA_VERSION", DEFAULT_KAFKA_VERSION),
            cache_dir=Path(cache) if cache else _default_cache_dir(),
            use_docker=env.get("PIPELINE_HARNESS_DOCKER", "1") not in ("0", "false", "no"),
            java_home=Path(java_home) if java_home else None,
            broker_name=env.get("PIPELINE_HARNESS_BROKER_NAME") or None,
            secure=env.get("PIPELINE_HARNESS_SECURE", "0") in ("1", "true", "yes"),
            login=login_from_env(env),
        )
