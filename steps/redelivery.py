"""Redelivery: every message on the contract's channels delivered a second time.

At-least-once delivery made certain: from ``start()`` to ``stop()`` each message published on any
channel of the contract is published again, with the same bytes, key and headers (plus a marker
header, so a copy is never copied again). Consumers see the same envelope twice, as after a
consumer crash before its commit. It works on the wire, so real services are tested the same::

    with Redelivery(contract, bus):
        ...                      # every message of the scenario arrives twice
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from types import TracebackType

from harness.bus import Bus, Delivery, Subscription
from harness.contract import Contract
from harness.errors import WaitTimeout
from harness.expectations import Expectations
from harness.waiting import wait_for

MARKER = "x-harness-redelivered"


class Redelivery:
    """Publishes every message seen after ``start()`` once more; ``copies`` counts them."""

    def __init__(self, contract: Contract, bus: Bus) -> None:
        self.contract = contract
        self.bus = bus
        self.copies = 0
        self._since_ms = 0
        self._subscription: Subscription | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Tap every channel; only messages stamped from now on are copied."""
        self._since_ms = int(time.time() * 1000)
        self._subscription = self.bus.subscribe(
            list(self.contract), group=None, handler=self._again, name="redelivery"
        )
        self._subscription.wait_assigned()

    def stop(self) -> None:
        if self._subscription is not None:
            self._subscription.stop()
            self._subscription = None

    def _again(self, delivery: Delivery) -> None:
        if delivery.timestamp_ms < self._since_ms or MARKER in delivery.headers:
            return
        headers = {**delivery.headers, MARKER: "1"}
        self.bus.publish(delivery.channel, delivery.value or b"", key=delivery.key, headers=headers)
        with self._lock:
            self.copies += 1

    def __enter__(self) -> Redelivery:
        self.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _error: BaseException | None,
        _trace: TracebackType | None,
    ) -> None:
        self.stop()


def expect_each_twice(wire: Expectations, *, within_s: float) -> None:
    """Every event in the driver's scope crossed the wire at least twice (two copies, one
    event id); else say which came once."""

    def copies() -> Counter[object]:
        return Counter(m.event_id for m in wire.copies())

    def all_twice() -> bool:
        counted = copies()
        return bool(counted) and min(counted.values()) >= 2

    try:
        wait_for(all_twice, within_s=within_s, awaited="a second copy of each")
    except WaitTimeout:
        once = [m.summary() for m in wire.copies() if copies()[m.event_id] < 2]
        raise AssertionError(f"{len(once)} messages crossed the wire once: {once[:5]}") from None
