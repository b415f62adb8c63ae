"""A local cluster of three KRaft nodes (issue 13's failover): every topic on three nodes, a
write acknowledged by two; the leader of a partition SIGKILLed, another takes over, nothing
written is lost, and the killed node comes back on its own log dir."""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import replace

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from kafka_broker.cluster import JvmCluster, start_jvm_cluster
from kafka_broker.errors import BrokerError
from kafka_broker.process import is_running
from kafka_broker.settings import BrokerSettings

pytestmark = pytest.mark.kafka


def _read_all(bootstrap: str, topic: str, count: int) -> list[bytes]:
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": topic, "enable.auto.commit": False}
    )
    consumer.assign([TopicPartition(topic, 0, 0)])
    values: list[bytes] = []
    deadline = time.monotonic() + 30
    while len(values) < count and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is not None and message.error() is None:
            values.append(message.value() or b"")
    consumer.close()
    return values


def _wait_in_sync(cluster: JvmCluster, topic: str, nodes: list[int]) -> None:
    deadline = time.monotonic() + 30
    while cluster.in_sync(topic) != nodes and time.monotonic() < deadline:
        time.sleep(0.2)
    assert cluster.in_sync(topic) == nodes


def test_a_killed_leader_is_replaced_and_nothing_acknowledged_is_lost() -> None:
    settings = replace(BrokerSettings.from_env(os.environ), bootstrap_servers=None)
    cluster = start_jvm_cluster(settings, nodes=3)
    try:
        bootstrap = cluster.info.bootstrap_servers
        assert len(bootstrap.split(",")) == 3
        topic = f"failover-{uuid.uuid4().hex[:8]}"
        admin = AdminClient({"bootstrap.servers": bootstrap})
        admin.create_topics([NewTopic(topic, 1, 3)])[topic].result(timeout=30)
        cluster.leader_of(topic)  # waits until every node knows the new topic
        _wait_in_sync(cluster, topic, [1, 2, 3])
        producer = Producer(
            {"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True}
        )
        producer.produce(topic, b"before", partition=0)
        assert producer.flush(15) == 0
        leader = cluster.leader_of(topic)
        cluster.kill_node(leader)
        assert not is_running(cluster.nodes[leader].process.pid)
        producer.produce(topic, b"during", partition=0)  # two of three acknowledge it
        assert producer.flush(30) == 0
        assert cluster.leader_of(topic) != leader
        cluster.restart_node(leader)
        # back on its own log dir: it catches up from its log and rejoins the in-sync replicas
        _wait_in_sync(cluster, topic, [1, 2, 3])
        assert _read_all(bootstrap, topic, 2) == [b"before", b"during"]
    finally:
        cluster.stop()
    assert all(not node.work_dir.exists() for node in cluster.nodes.values())


def test_a_secured_cluster_is_refused_in_one_line() -> None:
    settings = replace(BrokerSettings.from_env(os.environ), secure=True)
    with pytest.raises(BrokerError, match="plaintext only"):
        start_jvm_cluster(settings, nodes=3)
