"""A cluster of Kafka's own brokers on loopback: N combined broker+controller JVMs (KRaft).

For failover tests (issue 13): every topic on three nodes, a write acknowledged by two, so a
node can be SIGKILLed mid-pipeline and the others carry on::

    cluster = start_jvm_cluster(settings, nodes=3)
    try:
        leader = cluster.leader_of("huleedu.els.spellcheck.request.v1", partition=0)
        cluster.kill_node(leader)          # the others elect a new leader
        cluster.restart_node(leader)       # back on its own log dir and ports
    finally:
        cluster.stop()

Plaintext only; the class-data archive is not used (three JVMs would race to dump it).
"""

from __future__ import annotations

import atexit
import shutil
import time
from dataclasses import dataclass, field

from kafka_broker.errors import BrokerError, BrokerStartError
from kafka_broker.info import BrokerInfo, Progress
from kafka_broker.jars import ensure_kafka_jars, kafka_classpath
from kafka_broker.java import find_java
from kafka_broker.probes import partition_state
from kafka_broker.process import kill_child, stop_child
from kafka_broker.properties import BrokerPorts, cluster_properties, kafka_cluster_id
from kafka_broker.properties import pick_free_ports as _pick_ports
from kafka_broker.settings import BrokerSettings
from kafka_broker.startup import (
    Launch,
    StartedBroker,
    format_node,
    restart_in_place,
    spawn_node,
    wait_node_ready,
)
from kafka_broker.workdir import new_work_dir, sweep_stale_work_dirs


@dataclass
class JvmCluster:
    """The nodes of a local cluster, by node id; ``stop()`` ends them and removes their dirs."""

    info: BrokerInfo
    nodes: dict[int, StartedBroker]
    launch: Launch = field(repr=False)
    down: set[int] = field(default_factory=set)
    stopped: bool = False

    def leader_of(self, topic: str, partition: int = 0, *, timeout_s: float = 10.0) -> int:
        """The node id leading ``topic``'s ``partition``, waiting up to ``timeout_s`` while it
        has none (an election under way, or a topic just created)."""
        deadline = time.monotonic() + timeout_s
        while True:
            state = partition_state(
                self.info.bootstrap_servers, topic, partition, timeout_s=timeout_s
            )
            if state is not None and state[0] >= 0:  # a new topic: not yet known everywhere
                return state[0]
            if time.monotonic() > deadline:
                raise BrokerError(
                    f"partition {partition} of topic {topic!r} has no leader after {timeout_s:g} s"
                )
            time.sleep(0.1)

    def in_sync(self, topic: str, partition: int = 0, *, timeout_s: float = 10.0) -> list[int]:
        """The node ids of ``topic``'s ``partition`` in sync with its leader (its ISR)."""
        return self._partition(topic, partition, timeout_s)[1]

    def _partition(self, topic: str, partition: int, timeout_s: float) -> tuple[int, list[int]]:
        state = partition_state(self.info.bootstrap_servers, topic, partition, timeout_s=timeout_s)
        if state is None:
            raise BrokerError(f"the cluster has no partition {partition} of topic {topic!r}")
        return state

    def kill_node(self, node_id: int) -> float:
        """SIGKILL one node, as a crash would; the moment it was killed."""
        killed = time.monotonic()
        kill_child(self.nodes[node_id].process)
        self.down.add(node_id)
        return killed

    def restart_node(self, node_id: int) -> None:
        """Start a killed node again on its own log dir and ports; returns once it answers."""
        self.nodes[node_id] = restart_in_place(self.launch, self.nodes[node_id])
        self.down.discard(node_id)

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        atexit.unregister(self.stop)
        for node in self.nodes.values():  # all at once: the last one alone has no quorum
            if node.process.poll() is None:
                node.process.terminate()
        for node in self.nodes.values():
            stop_child(node.process)
            shutil.rmtree(node.work_dir, ignore_errors=True)


def start_jvm_cluster(
    settings: BrokerSettings, *, nodes: int = 3, progress: Progress | None = None
) -> JvmCluster:
    """Format and start ``nodes`` nodes (one static quorum), wait until every one answers."""
    if settings.secure:
        raise BrokerError("a local cluster of several nodes is plaintext only (drop --secure)")
    if nodes < 1:
        raise BrokerError(f"a cluster needs at least one node, not {nodes}")
    java = find_java(settings, progress)
    classpath = kafka_classpath(ensure_kafka_jars(settings, progress=progress))
    sweep_stale_work_dirs()
    launch = Launch(settings, java, classpath, archive=None, detached=False)
    ports = _distinct_ports(nodes)
    cluster_id = kafka_cluster_id()
    if progress:
        progress(f"starting a {nodes}-node Apache Kafka {settings.kafka_version} cluster...")
    started_at = time.monotonic()
    deadline = started_at + settings.broker_start_timeout_s * 2
    running: dict[int, StartedBroker] = {}
    try:
        for node_id, node_ports in ports.items():
            work_dir = new_work_dir()
            try:
                properties = work_dir / "server.properties"
                properties.write_text(cluster_properties(node_id, ports, work_dir / "data"))
                format_node(launch, properties, cluster_id, deadline)
                running[node_id] = spawn_node(launch, node_ports, cluster_id, work_dir)
            except BaseException:
                shutil.rmtree(work_dir, ignore_errors=True)
                raise
        for node in running.values():
            wait_node_ready(node, launch, deadline)
    except BaseException:
        for node in running.values():
            stop_child(node.process, grace_s=5.0)
            shutil.rmtree(node.work_dir, ignore_errors=True)
        raise
    bootstrap = ",".join(node.ports.bootstrap_servers for node in running.values())
    if progress:
        progress(f"Kafka cluster ready at {bootstrap} in {time.monotonic() - started_at:.1f} s")
    info = BrokerInfo(bootstrap, "jvm", cluster_id)
    cluster = JvmCluster(info, running, launch)
    atexit.register(cluster.stop)
    return cluster


def _distinct_ports(nodes: int) -> dict[int, BrokerPorts]:
    """Two free loopback ports per node, none shared."""
    chosen: dict[int, BrokerPorts] = {}
    taken: set[int] = set()
    while len(chosen) < nodes:
        ports = _pick_ports()
        if {ports.client, ports.controller} & taken:
            continue
        taken |= {ports.client, ports.controller}
        chosen[len(chosen) + 1] = ports
    if len(taken) != 2 * nodes:
        raise BrokerStartError("could not choose distinct ports for the cluster's nodes")
    return chosen
