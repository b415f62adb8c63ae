"""A single-node KRaft broker's identity and configuration: ports, cluster id, server.properties.

The settings and the reason for each are in shared/reference/kafka-broker.md §2.1 (verified on
Kafka 4.1.2 here): one combined broker+controller node, a *static* quorum
(``controller.quorum.voters``, so StorageTool formats without ``--standalone``), everything on
127.0.0.1, and internal topics cut to one replica and one partition.
"""

from __future__ import annotations

import base64
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

from kafka_broker.security import SaslCredentials, secured_listener_entries

LOOPBACK = "127.0.0.1"
NODE_ID = 1

# Single node: internal topics must have one replica (defaults are 3), and one partition each
# (defaults are 50) so the first consumer group or transaction does not create 50 partitions.
_SINGLE_NODE_TUNING: dict[str, str] = {
    "offsets.topic.replication.factor": "1",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "share.coordinator.state.topic.replication.factor": "1",
    "share.coordinator.state.topic.min.isr": "1",
    "default.replication.factor": "1",
    "min.insync.replicas": "1",
    "offsets.topic.num.partitions": "1",
    "transaction.state.log.num.partitions": "1",
    "share.coordinator.state.topic.num.partitions": "1",
    "num.partitions": "1",
    "auto.create.topics.enable": "true",
    # Saves 3 s on every classic consumer-group join.
    "group.initial.rebalance.delay.ms": "0",
    # The cleaner allocates this whole buffer at start (128 MiB by default): OOM on a small heap.
    "log.cleaner.dedupe.buffer.size": "2097152",
    "num.network.threads": "2",
    "num.io.threads": "2",
    "background.threads": "2",
    "num.recovery.threads.per.data.dir": "1",
    # One node has nobody to hand leadership to: stop at once.
    "controlled.shutdown.enable": "false",
    # A broker killed and started again (a fault test) re-registers only once the controller
    # has fenced its old session: 9 s by default, measured here as a 12 s restart.
    "broker.heartbeat.interval.ms": "500",
    "broker.session.timeout.ms": "2000",
}


@dataclass(frozen=True)
class BrokerPorts:
    """The two loopback ports of one broker: clients' and the KRaft controller's."""

    client: int
    controller: int

    @property
    def bootstrap_servers(self) -> str:
        """The address clients dial (exactly what the broker advertises)."""
        return f"{LOOPBACK}:{self.client}"


def pick_free_ports() -> BrokerPorts:
    """Two distinct ports free on 127.0.0.1 right now (the kernel picks; Kafka binds them soon).

    Another process can take one before Kafka binds it: the JVM broker then dies with
    "Address already in use" and is retried on new ports.
    """
    with socket.socket() as first, socket.socket() as second:
        first.bind((LOOPBACK, 0))
        second.bind((LOOPBACK, 0))
        return BrokerPorts(client=first.getsockname()[1], controller=second.getsockname()[1])


def kafka_cluster_id() -> str:
    """A cluster id in Kafka's own form: 16 random bytes, URL-safe base64, no padding.

    Like Kafka's ``Uuid.randomUuid()``, ids starting with "-" are re-rolled so that none looks
    like a command-line option.
    """
    while True:
        candidate = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not candidate.startswith("-"):
            return candidate


def server_properties(
    ports: BrokerPorts, data_dir: Path, *, admin: SaslCredentials | None = None
) -> str:
    """The text of server.properties for one combined broker+controller on loopback; with
    ``admin``, secured (SASL listeners, an authorizer, ``admin`` the super user)."""
    entries = _node_entries(NODE_ID, {NODE_ID: ports}, data_dir, _SINGLE_NODE_TUNING)
    if admin is not None:
        controller = f"{LOOPBACK}:{ports.controller}"
        entries.update(secured_listener_entries(ports.bootstrap_servers, controller, admin))
    return _properties(entries)


_CLUSTER_TUNING: dict[str, str] = {
    **_SINGLE_NODE_TUNING,
    # Three nodes: every topic on all three, a write acknowledged by two (one may be down).
    "offsets.topic.replication.factor": "3",
    "transaction.state.log.replication.factor": "3",
    "transaction.state.log.min.isr": "2",
    "share.coordinator.state.topic.replication.factor": "3",
    "share.coordinator.state.topic.min.isr": "2",
    "default.replication.factor": "3",
    "min.insync.replicas": "2",
    "unclean.leader.election.enable": "false",
    # controlled.shutdown.enable stays false (from above): the cluster is stopped all at once,
    # and a node killed in a test is SIGKILLed, which no controlled shutdown precedes.
}


def cluster_properties(node_id: int, nodes: dict[int, BrokerPorts], data_dir: Path) -> str:
    """server.properties of node ``node_id`` of a cluster of combined broker+controller nodes
    on loopback (``nodes``: every node's ports, by node id): a static quorum of all of them,
    replication factor 3 and min.insync.replicas 2 (issue 13's failover). Plaintext only."""
    return _properties(_node_entries(node_id, nodes, data_dir, _CLUSTER_TUNING))


def _node_entries(
    node_id: int, nodes: dict[int, BrokerPorts], data_dir: Path, tuning: dict[str, str]
) -> dict[str, str]:
    """One combined broker+controller node on loopback, in a static quorum of ``nodes``."""
    ports = nodes[node_id]
    return {
        "process.roles": "broker,controller",
        "node.id": str(node_id),
        "controller.quorum.voters": ",".join(
            f"{n}@{LOOPBACK}:{p.controller}" for n, p in sorted(nodes.items())
        ),
        "listeners": f"PLAINTEXT://{ports.bootstrap_servers},CONTROLLER://{LOOPBACK}:"
        f"{ports.controller}",
        # Advertise exactly what clients dial; never 0.0.0.0, and not "localhost" (may be ::1).
        "advertised.listeners": f"PLAINTEXT://{ports.bootstrap_servers}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": _escape(str(data_dir)),
        **tuning,
    }


def _properties(entries: dict[str, str]) -> str:
    return "".join(f"{key}={value}\n" for key, value in entries.items())


def _escape(value: str) -> str:
    """Escape a value for a Java properties file (backslash is its escape character)."""
    return value.replace("\\", "\\\\")
