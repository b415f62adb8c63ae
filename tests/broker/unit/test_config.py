"""The broker's configuration without a JVM: properties, cluster ids, ports, work dirs, Java."""

from __future__ import annotations

import re
import shutil
import socket
from pathlib import Path

from kafka_broker.java import java_major, minimum_java_major
from kafka_broker.properties import (
    BrokerPorts,
    kafka_cluster_id,
    pick_free_ports,
    server_properties,
)
from kafka_broker.workdir import WORK_DIR_PREFIX, new_work_dir, work_dir_base


def _parse(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line)


def test_properties_describe_one_combined_node_with_a_static_quorum(tmp_path: Path) -> None:
    props = _parse(server_properties(BrokerPorts(client=41001, controller=41002), tmp_path))

    assert props["process.roles"] == "broker,controller"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:41002"
    assert "controller.quorum.bootstrap.servers" not in props  # static, not KIP-853 dynamic
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:41001,CONTROLLER://127.0.0.1:41002"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:41001"
    assert props["log.dirs"] == str(tmp_path)


def test_properties_cut_internal_topics_to_one_replica_and_partition(tmp_path: Path) -> None:
    props = _parse(server_properties(BrokerPorts(41001, 41002), tmp_path))

    for key in (
        "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor",
        "transaction.state.log.min.isr",
        "share.coordinator.state.topic.replication.factor",
        "offsets.topic.num.partitions",
    ):
        assert props[key] == "1", key
    assert props["group.initial.rebalance.delay.ms"] == "0"
    assert int(props["log.cleaner.dedupe.buffer.size"]) > 1024 * 1024  # Kafka requires > 1 MiB


def test_properties_escape_backslashes_in_paths() -> None:
    props = _parse(server_properties(BrokerPorts(1, 2), Path("/tmp/a\\b")))

    assert props["log.dirs"] == "/tmp/a\\\\b"


def test_cluster_ids_have_kafkas_form_and_never_look_like_an_option() -> None:
    ids = {kafka_cluster_id() for _ in range(2000)}

    assert len(ids) == 2000
    for cluster_id in ids:
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", cluster_id), cluster_id
        assert not cluster_id.startswith("-")


def test_free_ports_are_distinct_and_bindable_on_loopback() -> None:
    ports = pick_free_ports()

    assert ports.client != ports.controller
    assert ports.bootstrap_servers == f"127.0.0.1:{ports.client}"
    for port in (ports.client, ports.controller):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_work_dirs_fall_back_to_the_temp_dir_without_usable_tmpfs(tmp_path: Path) -> None:
    base = work_dir_base(tmpfs=tmp_path / "no-such-tmpfs")

    work_dir = new_work_dir(base)
    try:
        assert work_dir.is_dir()
        assert work_dir.name.startswith(WORK_DIR_PREFIX)
        assert work_dir.parent != tmp_path / "no-such-tmpfs"
    finally:
        shutil.rmtree(work_dir)


def test_java_versions_are_read_in_both_numbering_schemes() -> None:
    assert java_major("17.0.15") == 17
    assert java_major("25") == 25
    assert java_major("1.8.0_292") == 8
    assert java_major("11.0.2-ea") == 11


def test_kafka_4_needs_java_17_and_3_needs_11() -> None:
    assert minimum_java_major("4.1.2") == 17
    assert minimum_java_major("3.9.1") == 11
