"""The shared bus behaviour suite on a real Kafka broker."""

from __future__ import annotations

import threading
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
    isolated_kafka_bus: KafkaBus, contract: Contract
) -> None:
    """Inside a handler the bus awaits outputs once, before the commit; ``settle`` awaits them
    at once (a service that keeps state calls it before writing what it remembers): when it
    returns, nothing the handler sent is unacknowledged, where right after the publish it is."""
    inbound = contract.channel("batchPipelineCompleted")
    outbound = contract.channel("cjAssessmentCompleted")
    unacknowledged: list[tuple[int, int]] = []

    def handler(delivery: Delivery) -> None:
        isolated_kafka_bus.publish(outbound, b"{}", key="k")
        published = isolated_kafka_bus.publisher.unacknowledged()
        isolated_kafka_bus.settle()
        unacknowledged.append((published, isolated_kafka_bus.publisher.unacknowledged()))

    isolated_kafka_bus.ensure_topics()
    isolated_kafka_bus.subscribe([inbound], group=f"g-{uuid.uuid4().hex[:8]}", handler=handler)
    isolated_kafka_bus.publish(inbound, b"{}", key="k")
    wait_for(lambda: unacknowledged or None, within_s=30, awaited="the handler")
    assert set(unacknowledged) == {(1, 0)}  # once, or again if a rebalance redelivered it


def test_settle_awaits_the_other_handlers_of_its_group_too(
    isolated_kafka_bus: KafkaBus, contract: Contract
) -> None:
    """Two subscriptions of one consumer group on one bus (a service on two threads) write
    one state: ``settle`` in one returns only once the other's outputs are acknowledged too.
    Nothing else polls the producer meanwhile, so without that they stay unacknowledged.
    (That another group's are not waited for: tests/unit/test_publisher_settle.py.) A bus of
    its own: the session's has consumers that poll its producer, and so serve any receipt."""
    inputs = [contract.channel(c) for c in ("batchPipelineCompleted", "spellcheckResult")]
    outbound = contract.channel("cjAssessmentCompleted")
    sent, published, settled = threading.Event(), threading.Event(), threading.Event()
    seen: list[tuple[int, int]] = []

    def publishes_and_waits(delivery: Delivery) -> None:
        assert sent.wait(30)  # the test's own publishes poll the producer: they go first
        isolated_kafka_bus.publish(outbound, b"{}", key="k")
        published.set()
        settled.wait(30)

    def settles(delivery: Delivery) -> None:
        assert published.wait(30), "the other handler never published"
        before = isolated_kafka_bus.publisher.unacknowledged()
        isolated_kafka_bus.settle()
        seen.append((before, isolated_kafka_bus.publisher.unacknowledged()))
        settled.set()

    isolated_kafka_bus.ensure_topics()  # a topic made later would rebalance the group mid-handler
    group = f"g-{uuid.uuid4().hex[:8]}"
    subscriptions = [
        isolated_kafka_bus.subscribe([inputs[0]], group=group, handler=publishes_and_waits),
        isolated_kafka_bus.subscribe([inputs[1]], group=group, handler=settles),
    ]
    for subscription in subscriptions:  # no rebalance may come while a handler blocks
        subscription.wait_assigned(30)
    for channel in inputs:
        isolated_kafka_bus.publish(channel, b"{}", key="k")
    sent.set()
    wait_for(lambda: seen or None, within_s=30, awaited="the settling handler")
    assert seen[0] == (1, 0), f"unacknowledged before settle, after: {seen[0]}"
