"""What a caller gets back from ``kafka_broker``: its address and who runs it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from kafka_broker.security import SaslCredentials

Provider = Literal["external", "docker", "jvm"]
Progress = Callable[[str], None]
"""Receives one line per slow step ("fetching Apache Kafka 4.1.2 jars with Maven ...")."""


@dataclass(frozen=True)
class BrokerInfo:
    """A Kafka broker reached or started.

    Example::

        with kafka_broker(settings) as info:
            producer = Producer({"bootstrap.servers": info.bootstrap_servers})
    """

    bootstrap_servers: str
    provider: Provider
    cluster_id: str | None = None
    pid: int | None = None
    """The broker JVM's process id (provider "jvm" only)."""
    log_path: Path | None = None
    """The broker's own log (provider "jvm" only)."""
    login: SaslCredentials | None = None
    """How clients log in: a secured local broker's administrator (``--secure``), or the login
    the settings give for an external cluster; None: plaintext."""

    @property
    def client_config(self) -> dict[str, Any]:
        """What a client adds to its settings to log in ({} when plaintext)."""
        return self.login.client_config() if self.login else {}


class RunningBroker(Protocol):
    """A broker handed out by ``start_broker``; ``stop()`` ends only what it started."""

    @property
    def info(self) -> BrokerInfo:
        """Where the broker is and who runs it."""
        ...

    def stop(self) -> None:
        """Stop the broker if it was started here (idempotent)."""
        ...
