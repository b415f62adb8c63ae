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


def test_settle_awaits_the_outputs_of_the_handler_on_another_channel_too(
    kafka_bus: KafkaBus, contract: Contract
) -> None:
    """A service consuming two channels (CJ) runs a handler per channel, and the state it
    writes holds what both did: ``settle`` in one returns only once the other's outputs are
    acknowledged too. Nothing else polls the producer meanwhile, so without that the other
    handler's message stays unacknowledged."""
    first_in, second_in = (
        contract.channel(c) for c in ("batchPipelineCompleted", "spellcheckResult")
    )
    outbound = contract.channel("cjAssessmentCompleted")
    published, settled = threading.Event(), threading.Event()
    seen: list[tuple[int, int]] = []

    def publishes_and_waits(delivery: Delivery) -> None:
        kafka_bus.publish(outbound, b"{}", key="k")
        published.set()
        settled.wait(30)

    def settles(delivery: Delivery) -> None:
        assert published.wait(30), "the first handler never published"
        before = kafka_bus.publisher.unacknowledged()
        kafka_bus.settle()
        seen.append((before, kafka_bus.publisher.unacknowledged()))
        settled.set()

    kafka_bus.subscribe([first_in], group=f"g-{uuid.uuid4().hex[:8]}", handler=publishes_and_waits)
    kafka_bus.subscribe([second_in], group=f"g-{uuid.uuid4().hex[:8]}", handler=settles)
    kafka_bus.publish(first_in, b"{}", key="k")  # both sent first: a publish from here polls
    kafka_bus.publish(second_in, b"{}", key="k")  # the producer, which would serve the receipt
    wait_for(lambda: seen or None, within_s=30, awaited="the second handler")
    before, after = seen[0]
    assert before >= 1 and after == 0, f"unacknowledged before settle {before}, after {after}"
