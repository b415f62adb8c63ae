"""librdkafka's own errors go through the ``harness.kafka.librdkafka`` logger (CLIENT_LOG),
not straight to stderr: a program formats, filters or silences them like any other log. No
broker is needed: a client pointed at a closed port logs its failed connects."""

from __future__ import annotations

import logging
import time

import pytest
from confluent_kafka import Producer

from harness.contract import Contract
from harness.kafka import KafkaBus
from harness.kafka.bus import CLIENT_LOG


def test_a_failed_connect_is_a_log_record_of_the_client_log(
    contract: Contract, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    bus = KafkaBus(contract, bootstrap_servers="127.0.0.1:1")
    producer = Producer(bus._common_config())  # the config every client of the bus gets
    with caplog.at_level(logging.ERROR, logger=CLIENT_LOG.name):
        deadline = time.monotonic() + 10
        while not caplog.records and time.monotonic() < deadline:
            producer.poll(0.1)
    records = [r for r in caplog.records if r.name == CLIENT_LOG.name]
    assert records, "no librdkafka error reached the logger"
    assert any("127.0.0.1:1" in r.getMessage() for r in records), records[0].getMessage()
    assert "127.0.0.1:1" not in capfd.readouterr().err  # librdkafka printed nothing itself


def test_silencing_the_client_log_silences_librdkafka(
    contract: Contract, capfd: pytest.CaptureFixture[str]
) -> None:
    bus = KafkaBus(contract, bootstrap_servers="127.0.0.1:1")
    producer = Producer(bus._common_config())
    CLIENT_LOG.setLevel(logging.CRITICAL)
    try:
        for _ in range(20):
            producer.poll(0.1)
    finally:
        CLIENT_LOG.setLevel(logging.NOTSET)
    assert "Connect to" not in capfd.readouterr().err
