"""The shared bus behaviour suite on a real Kafka broker."""

from __future__ import annotations

import pytest

from harness.kafka import KafkaBus
from tests.bus_behaviour import *  # noqa: F403

pytestmark = pytest.mark.kafka


@pytest.fixture
def bus(kafka_bus: KafkaBus) -> KafkaBus:
    return kafka_bus
