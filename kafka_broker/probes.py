"""Asking a cluster who it is: a started broker's readiness, an external broker's answer.

The broker package's own admin probes (it stands alone, so it does not borrow the harness's
bus): the one module of this package that imports the Kafka client, and the one place its
exceptions become BrokerError.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient

from kafka_broker.errors import BrokerError

# librdkafka logs every refused connection; the caller reports failures itself.
_QUIET: dict[str, Any] = {"log_level": 0}


def describe_cluster_id(
    bootstrap_servers: str, *, timeout_s: float, client_config: Mapping[str, Any] | None = None
) -> str | None:
    """The cluster id the broker at ``bootstrap_servers`` reports, or None if it did not answer
    (``client_config``: the login of a secured broker)."""
    admin = AdminClient({"bootstrap.servers": bootstrap_servers, **_QUIET, **(client_config or {})})
    try:
        result = admin.describe_cluster(request_timeout=timeout_s).result(timeout=timeout_s + 1)
    except (KafkaException, TimeoutError):
        return None
    cluster_id = result.cluster_id
    return str(cluster_id) if cluster_id is not None else None


def require_answer(
    bootstrap_servers: str, *, timeout_s: float, client_config: Mapping[str, Any] | None = None
) -> str | None:
    """Check a broker answers (its metadata lists brokers); returns its cluster id."""
    admin = AdminClient({"bootstrap.servers": bootstrap_servers, **_QUIET, **(client_config or {})})
    try:
        metadata = admin.list_topics(timeout=timeout_s)
    except KafkaException as exc:
        raise BrokerError(
            f"no Kafka broker answers at {bootstrap_servers} within {timeout_s:.0f} s: "
            f"{exc.args[0] if exc.args else exc}.",
            hint="start that broker, fix KAFKA_BOOTSTRAP_SERVERS (host:port[,host:port]), or "
            "unset it to let the harness start its own broker"
            + (
                ""
                if client_config
                else "; a secured cluster (`up --secure`) needs a login: KAFKA_SASL_USERNAME "
                "and KAFKA_SASL_PASSWORD, or `run --logins FILE`"
            ),
        ) from exc
    if not metadata.brokers:
        raise BrokerError(f"the Kafka cluster at {bootstrap_servers} lists no brokers.")
    cluster_id = metadata.cluster_id
    return str(cluster_id) if cluster_id is not None else None


def partition_state(
    bootstrap_servers: str, topic: str, partition: int, *, timeout_s: float
) -> tuple[int, list[int]] | None:
    """The leader's node id (-1: none now) and the in-sync replicas of one partition, or None
    when the cluster has no such partition."""
    admin = AdminClient({"bootstrap.servers": bootstrap_servers, **_QUIET})
    try:
        metadata = admin.list_topics(topic, timeout=timeout_s)
    except KafkaException as exc:
        raise BrokerError(
            f"the cluster at {bootstrap_servers} did not describe topic {topic!r}: {exc}"
        ) from None
    described = metadata.topics.get(topic)
    if described is None or partition not in described.partitions:
        return None
    found = described.partitions[partition]
    return int(found.leader), sorted(int(node) for node in found.isrs)
