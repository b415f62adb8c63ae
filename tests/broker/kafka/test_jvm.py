"""Kafka's own broker on a local JVM: starts, is ours, carries messages, stops without a trace."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient

from kafka_broker import kafka_broker, start_broker
from kafka_broker.jvm import start_jvm_broker
from kafka_broker.process import is_running
from kafka_broker.properties import BrokerPorts, pick_free_ports
from kafka_broker.settings import BrokerSettings

pytestmark = pytest.mark.kafka


@pytest.fixture
def jvm_settings() -> BrokerSettings:
    """The environment's settings, forced onto the local JVM provider."""
    return replace(BrokerSettings.from_env(os.environ), bootstrap_servers=None, use_docker=False)


def _round_trip(bootstrap: str, topic: str = "", *, offset: int = 0) -> bytes | None:
    """Produce one message (to a new topic unless one is given) and read back the one at
    ``offset``: after a restart, offset 0 is the message written before it."""
    topic = topic or f"broker-smoke-{uuid.uuid4().hex[:8]}"
    producer = Producer({"bootstrap.servers": bootstrap})
    producer.produce(topic, b"hello")
    assert producer.flush(15) == 0
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": topic, "enable.auto.commit": False}
    )
    consumer.assign([TopicPartition(topic, 0, 0)])
    try:
        values = []
        for _ in range(offset + 1):
            message = consumer.poll(15)
            if message is None or message.error():
                return None
            values.append(message.value())
        return values[offset] if all(v == b"hello" for v in values) else None
    finally:
        consumer.close()


def test_a_jvm_broker_starts_is_ours_carries_messages_survives_a_kill_and_stops_clean(
    jvm_settings: BrokerSettings,
) -> None:
    lines: list[str] = []
    broker = start_jvm_broker(jvm_settings, progress=lines.append)
    info = broker.info
    try:
        assert info.provider == "jvm" and info.pid is not None and info.log_path is not None
        admin = AdminClient({"bootstrap.servers": info.bootstrap_servers})
        assert admin.describe_cluster(request_timeout=10).result().cluster_id == info.cluster_id
        work_dir = info.log_path.parent
        assert (work_dir / "broker.pid").read_text().strip() == str(info.pid)
        topic = f"broker-smoke-{uuid.uuid4().hex[:8]}"
        assert _round_trip(info.bootstrap_servers, topic) == b"hello"
        assert any(line.startswith("Kafka broker ready at") for line in lines)

        broker.kill_and_restart(down_s=0.5)  # SIGKILL, then the same dir and ports (issue 13)
        assert not is_running(info.pid) and broker.info.pid != info.pid
        assert broker.info.bootstrap_servers == info.bootstrap_servers
        cluster = admin.describe_cluster(request_timeout=15).result().cluster_id
        assert cluster == info.cluster_id  # the same cluster, not a new one on that port
        assert _round_trip(info.bootstrap_servers, topic, offset=1) == b"hello"  # and its data
    finally:
        broker.stop()

    assert not is_running(info.pid) and not is_running(broker.info.pid or 0)
    assert not work_dir.exists()
    broker.stop()  # idempotent


def test_kafka_broker_stops_what_it_started(jvm_settings: BrokerSettings) -> None:
    with kafka_broker(jvm_settings) as info:
        assert info.pid is not None and is_running(info.pid)
        assert info.log_path is not None
        work_dir = info.log_path.parent

    assert not is_running(info.pid)
    assert not work_dir.exists()


def test_taken_ports_are_retried_on_new_ports_and_a_new_dir(jvm_settings: BrokerSettings) -> None:
    squatters = [socket.create_server(("127.0.0.1", 0)) for _ in range(2)]
    taken = BrokerPorts(squatters[0].getsockname()[1], squatters[1].getsockname()[1])
    offered = iter([taken])
    lines: list[str] = []
    try:
        broker = start_jvm_broker(
            jvm_settings,
            progress=lines.append,
            pick_ports=lambda: next(offered, None) or pick_free_ports(),
        )
    finally:
        for squatter in squatters:
            squatter.close()
    try:
        assert broker.info.bootstrap_servers != taken.bootstrap_servers
        assert any("Address already in use" in line and "attempt 1 of 3" in line for line in lines)
    finally:
        broker.stop()


def test_the_jars_are_cached_where_the_settings_say(jvm_settings: BrokerSettings) -> None:
    with kafka_broker(jvm_settings):
        pass
    libs = jvm_settings.cache_dir / f"kafka-{jvm_settings.kafka_version}" / "libs"

    jars = {jar.name for jar in libs.glob("*.jar")}

    assert f"kafka_2.13-{jvm_settings.kafka_version}.jar" in jars
    assert f"kafka-server-{jvm_settings.kafka_version}.jar" in jars
    assert {"slf4j-api-1.7.36.jar", "slf4j-simple-1.7.36.jar"} <= jars
    assert not any(name.endswith(("-sources.jar", "-javadoc.jar", "-tests.jar")) for name in jars)
    assert not list(Path(libs.parent).glob("libs.fetching-*"))


def test_an_external_broker_is_used_as_is_and_never_stopped(jvm_settings: BrokerSettings) -> None:
    with kafka_broker(jvm_settings) as running:
        external = start_broker(replace(jvm_settings, bootstrap_servers=running.bootstrap_servers))

        assert external.info.provider == "external"
        assert external.info.cluster_id == running.cluster_id
        assert external.info.pid is None
        external.stop()
        assert running.pid is not None and is_running(running.pid)
