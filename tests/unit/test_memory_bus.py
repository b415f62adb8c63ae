"""The shared bus behaviour suite on the in-memory bus."""

from __future__ import annotations

import threading
import time

import pytest

from harness.bus import Delivery
from harness.contract import Contract
from harness.memory_bus import InMemoryBus
from harness.waiting import wait_for
from tests.bus_behaviour import *  # noqa: F403
from tests.bus_behaviour import Inbox


@pytest.fixture
def bus(memory_bus: InMemoryBus) -> InMemoryBus:
    """The shared behaviour suite's ``bus``: the unit tests' in-memory bus."""
    return memory_bus


def test_delete_consumed_deletes_what_every_group_read_and_a_later_tap_begins_after_it(
    bus: InMemoryBus, contract: Contract
) -> None:
    channel = contract.channel("batchEssaysReady")
    reader = Inbox()
    bus.subscribe([channel], group="reader", handler=reader)
    for i in range(3):
        bus.publish(channel, f"old-{i}".encode(), key="batch-1")
    reader.wait(3)
    wait_for(lambda: bus.unconsumed() == 0, within_s=5, awaited="the reader to commit")
    assert bus.delete_consumed() == 3
    assert bus.delete_consumed() == 0
    bus.publish(channel, b"new", key="batch-1")
    tap = Inbox()
    bus.subscribe([channel], group=None, handler=tap)
    assert tap.wait(1) == [b"new"] and reader.wait(4)[-1] == b"new"
    assert tap.items[0].offset == 3  # offsets stay what they were, as on Kafka
    time.sleep(0.2)
    assert tap.values() == [b"new"]


def test_delete_consumed_keeps_what_a_group_has_not_read_yet(
    bus: InMemoryBus, contract: Contract
) -> None:
    channel = contract.channel("batchEssaysReady")
    release, behind = threading.Event(), Inbox()

    def slow(delivery: Delivery) -> None:
        release.wait(5)
        behind(delivery)

    bus.subscribe([channel], group="quick", handler=Inbox())
    bus.subscribe([channel], group="slow", handler=slow)
    for i in range(3):
        bus.publish(channel, f"m-{i}".encode(), key="batch-1")
    wait_for(lambda: bus.unconsumed() == 3, within_s=5, awaited="the quick group to commit")
    assert bus.delete_consumed() == 0
    release.set()
    assert behind.wait(3) == [b"m-0", b"m-1", b"m-2"]
