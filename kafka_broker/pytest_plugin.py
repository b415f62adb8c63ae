"""The pytest plugin (entry point ``kafka_broker``): a real Kafka broker for the session.

Installed with the package, so any test suite gets it::

    def test_my_producer(kafka_bootstrap):
        producer = Producer({"bootstrap.servers": kafka_bootstrap})
        ...

``KAFKA_BOOTSTRAP_SERVERS`` names an existing broker (used, never stopped), else one is started
once per session (Docker, else Kafka's own jars) from the main thread, so that it dies with the
test run however that ends (kafka_broker.process). If no broker can start, the fixture fails
the tests loudly with the reason; it never skips them. The broker starts only when a test asks
for it: a suite that never requests ``kafka_bootstrap`` never starts one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

from kafka_broker.info import BrokerInfo
from kafka_broker.provision import kafka_broker
from kafka_broker.settings import BrokerSettings
from kafka_broker.terminal import progress_printer


@pytest.fixture(scope="session")
def kafka_broker_settings() -> BrokerSettings:
    """The broker's settings, from the environment (read here, at the edge)."""
    return BrokerSettings.from_env(os.environ)


@pytest.fixture(scope="session")
def kafka_broker_info(kafka_broker_settings: BrokerSettings) -> Iterator[BrokerInfo]:
    """A real Kafka broker for the session (external, Docker, or Kafka's own jars)."""
    with kafka_broker(kafka_broker_settings, progress=_report) as info:
        yield info


@pytest.fixture(scope="session")
def kafka_bootstrap(kafka_broker_info: BrokerInfo) -> str:
    """The bootstrap address of the session's broker."""
    return kafka_broker_info.bootstrap_servers


_report = progress_printer("kafka-broker", sys.stdout)
