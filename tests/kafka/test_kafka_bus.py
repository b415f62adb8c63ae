"""The shared bus behaviour suite on a real Kafka broker."""

from __future__ import annotations

import uuid

import pytest

from harness.bus import Delivery
from harness.contract import Contract
from harness.kafka import KafkaBus
from harness.waiting import wait_for
from tests.bus_behaviour import *  # noqa: F403

pytestmark = pytest.mark.kafka


@pytest.fixture
def bus(kafka_bus: KafkaBus) -> KafkaBus:
    return kafka_bus


def test_settle_in_a_handler_returns_once_its_outputs_are_acknowledged(
    kafka_bus: KafkaBus, contract: Contract
) -> None:
    """Inside a handler the bus awaits outputs once, before the commit; ``settle`` awaits them
    at once (a service that keeps state calls it before writing what it remembers): when it
    returns, nothing the handler sent is unacknowledged, where right after the publish it is."""
    inbound = contract.channel("batchPipelineCompleted")
    outbound = contract.channel("cjAssessmentCompleted")
    unacknowledged: list[tuple[int, int]] = []

    def handler(delivery: Delivery) -> None:
        kafka_bus.publish(outbound, b"{}", key="k")
        published = kafka_bus.publisher.unacknowledged()
        kafka_bus.settle()
        unacknowledged.append((published, kafka_bus.publisher.unacknowledged()))

    kafka_bus.subscribe([inbound], group=f"g-{uuid.uuid4().hex[:8]}", handler=handler)
    kafka_bus.publish(inbound, b"{}", key="k")
    wait_for(lambda: unacknowledged or None, within_s=30, awaited="the handler")
    assert set(unacknowledged) == {(1, 0)}  # once, or again if a rebalance redelivered it
