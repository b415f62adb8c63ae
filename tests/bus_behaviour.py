"""The behaviour every Bus keeps, run against InMemoryBus (unit) and KafkaBus (real broker).

A test module provides a ``bus`` fixture (started) and a ``contract`` fixture, then does
``from tests.bus_behaviour import *``.
"""

from __future__ import annotations

import threading
import time
import uuid

from harness.bus import DEAD_LETTER_REASON, DEAD_LETTER_TOPIC, Bus, ConsumerCrashed, Delivery
from harness.contract import Contract
from harness.waiting import wait_for


class Inbox:
    """Collects deliveries from a handler, thread-safely."""

    def __init__(self) -> None:
        self.items: list[Delivery] = []
        self.lock = threading.Lock()

    def __call__(self, delivery: Delivery) -> None:
        with self.lock:
            self.items.append(delivery)

    def values(self) -> list[bytes]:
        with self.lock:
            return [d.value or b"" for d in self.items]

    def wait(self, count: int, within_s: float = 20.0) -> list[bytes]:
        wait_for(
            lambda: len(self.values()) >= count,
            within_s=within_s,
            awaited=f"{count} deliveries",
            seen=lambda: [repr(v) for v in self.values()],
        )
        return self.values()


def _group() -> str:
    return f"g-{uuid.uuid4().hex[:8]}"


def test_messages_of_one_key_arrive_in_order(bus: Bus, contract: Contract) -> None:
    channel = contract.channel("batchPipelineCompleted")
    inbox = Inbox()
    bus.subscribe([channel], group=_group(), handler=inbox)
    sent = {key: [f"{key}-{i}".encode() for i in range(25)] for key in ("batch-a", "batch-b")}
    for i in range(25):
        for key, values in sent.items():
            bus.publish(channel, values[i], key=key)
    got = inbox.wait(50)
    for key, values in sent.items():
        assert [v for v in got if v.startswith(key.encode())] == values


def test_every_group_gets_every_message(bus: Bus, contract: Contract) -> None:
    channel = contract.channel("elsBatchPhaseOutcome")
    first, second = Inbox(), Inbox()
    bus.subscribe([channel], group=_group(), handler=first)
    bus.subscribe([channel], group=_group(), handler=second)
    values = [f"m{i}".encode() for i in range(10)]
    for value in values:
        bus.publish(channel, value, key="k")
    assert sorted(first.wait(10)) == sorted(values)
    assert sorted(second.wait(10)) == sorted(values)


def test_two_members_of_one_group_share_its_partitions_and_each_record_goes_to_one(
    bus: Bus, contract: Contract
) -> None:
    channel = contract.channel("essayLifecycleSpellcheckRequest")
    assert channel.partitions > 1
    group = _group()
    first, second = Inbox(), Inbox()
    subscriptions = [
        bus.subscribe([channel], group=group, handler=first),
        bus.subscribe([channel], group=group, handler=second),
    ]
    for subscription in subscriptions:
        subscription.wait_assigned()
    values = [f"essay-{i}".encode() for i in range(40)]
    for value in values:
        bus.publish(channel, value, key=value.decode())  # 40 keys: every partition gets some
    wait_for(
        lambda: len(first.values()) + len(second.values()) >= len(values),
        within_s=20,
        awaited="every record once",
    )
    time.sleep(0.3)  # a second copy would arrive now
    got = first.values() + second.values()
    assert sorted(got) == sorted(values), "a record went to both members, or to none"
    assert first.values() and second.values(), "one member got every partition"
    assert {d.partition for d in first.items}.isdisjoint({d.partition for d in second.items})


def test_a_message_not_committed_is_delivered_again_after_a_restart(
    bus: Bus, contract: Contract
) -> None:
    channel = contract.channel("clientBatchPipelineRequest")
    group = _group()
    crashed = Inbox()

    def crash_on_first(delivery: Delivery) -> None:
        crashed(delivery)
        raise ConsumerCrashed

    bus.subscribe([channel], group=group, handler=crash_on_first)
    bus.publish(channel, b"handle me", key="batch-1")
    assert crashed.wait(1) == [b"handle me"]
    again = Inbox()
    bus.subscribe([channel], group=group, handler=again)
    assert again.wait(1) == [b"handle me"]


def test_a_committed_message_is_not_delivered_again(bus: Bus, contract: Contract) -> None:
    channel = contract.channel("phaseSkipped")
    group = _group()
    first = Inbox()
    subscription = bus.subscribe([channel], group=group, handler=first)
    bus.publish(channel, b"once", key="batch-1")
    first.wait(1)
    subscription.stop()
    later = Inbox()
    bus.subscribe([channel], group=group, handler=later)
    bus.publish(channel, b"twice", key="batch-1")
    assert later.wait(1) == [b"twice"]


def test_a_failing_handler_sets_the_message_aside_and_goes_on(bus: Bus, contract: Contract) -> None:
    channel = contract.channel("pipelineDenied")
    handled = Inbox()
    dead = Inbox()
    bus.subscribe([contract.dead_letter_channel], group=_group(), handler=dead)

    def refuse_poison(delivery: Delivery) -> None:
        if delivery.value == b"poison":
            raise ValueError("cannot digest this")
        handled(delivery)

    bus.subscribe([channel], group=_group(), handler=refuse_poison)
    bus.publish(channel, b"poison", key="batch-1")
    bus.publish(channel, b"food", key="batch-1")
    assert handled.wait(1) == [b"food"]
    dead.wait(1)
    letter = next(d for d in dead.items if d.value == b"poison")
    assert "cannot digest this" in letter.headers[DEAD_LETTER_REASON]
    assert letter.headers[DEAD_LETTER_TOPIC].endswith(channel.address)


def test_a_tap_reads_everything_from_the_beginning(bus: Bus, contract: Contract) -> None:
    channel = contract.channel("batchEssaysReady")
    marker = uuid.uuid4().hex.encode()
    bus.publish(channel, marker, key="batch-1")
    tap = Inbox()
    bus.subscribe([channel], group=None, handler=tap)
    wait_for(lambda: marker in tap.values(), within_s=20, awaited="the tapped message")
