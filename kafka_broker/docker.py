"""A Kafka broker in a Docker container (testcontainers), where a Docker engine answers.

Not exercisable on machines without an engine (this project's): kept small. The probe must fall
through fast there: when neither DOCKER_HOST nor the default socket exists (the only places
``docker.from_env()`` looks), it does not even import the docker package (~0.6 s).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kafka_broker.info import BrokerInfo, Progress
from kafka_broker.properties import kafka_cluster_id
from kafka_broker.settings import BrokerSettings

DEFAULT_SOCKET = Path("/var/run/docker.sock")
PROBE_TIMEOUT_S = 3


def docker_engine_answers() -> bool:
    """True when the docker package is installed and a Docker engine answers a ping."""
    if not os.environ.get("DOCKER_HOST") and not DEFAULT_SOCKET.exists():
        return False
    try:
        import docker
    except ImportError:
        return False
    try:
        client = docker.from_env(timeout=PROBE_TIMEOUT_S)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # any failure to reach the engine means "no Docker here"
        return False


@dataclass
class DockerBroker:
    """A KRaft Kafka container; ``stop()`` removes it."""

    info: BrokerInfo
    _container: Any = field(repr=False)
    _stopped: bool = False

    def stop(self) -> None:
        """Stop and remove the container (idempotent)."""
        if not self._stopped:
            self._stopped = True
            with contextlib.suppress(Exception):
                self._container.stop()


def start_docker_broker(
    settings: BrokerSettings, progress: Progress | None = None
) -> DockerBroker | None:
    """Start testcontainers' KafkaContainer in KRaft mode; None (and a note) if it fails.

    Its image is Confluent's cp-kafka (testcontainers' default), not ``settings.kafka_version``:
    testcontainers-python's KafkaContainer supports only cp-kafka images.
    """
    try:
        from testcontainers.community.kafka import KafkaContainer
    except ImportError:
        try:
            from testcontainers.kafka import KafkaContainer
        except ImportError:
            return None
    if progress is not None:
        progress("starting Kafka in Docker (testcontainers KafkaContainer, KRaft)...")
    cluster_id = kafka_cluster_id()
    container = None
    try:
        container = KafkaContainer().with_kraft().with_cluster_id(cluster_id)
        container.start(timeout=int(settings.broker_start_timeout_s))
        bootstrap = str(container.get_bootstrap_server())
    except Exception as exc:  # engine, image pull or wait failures: fall back to the JVM
        if container is not None:
            with contextlib.suppress(Exception):
                container.stop()
        if progress is not None:
            progress(f"the Docker broker did not start ({exc}); using Kafka's jars on a JVM")
        return None
    return DockerBroker(BrokerInfo(bootstrap, "docker", cluster_id=cluster_id), container)
