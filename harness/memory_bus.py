"""InMemoryBus: the Bus protocol in one process, for fast unit tests (not Kafka).

Kafka-true where the services rely on it: partitioned logs, a key always on one partition,
committed offsets per consumer group, and the partitions of a topic shared among the members of
a group (round-robin, as Kafka's assignors give each partition to exactly one member): two
members of one group never both receive a record; when a member leaves (``stop``, or its
handler raises ConsumerCrashed), its partitions pass to the others, and what it had not
committed is delivered again. ``delete_consumed`` deletes what every group has read, as Kafka's
delete_records does: a tap or a group that joins later begins at the log start offset.
"""

from __future__ import annotations

import itertools
import threading
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from harness.bus import (
    ConsumerCrashed,
    Delivery,
    DeliveryHandler,
    dead_letter_headers,
    encode_value,
)
from harness.contract import Channel, Contract
from harness.envelope import Envelope

_Record = tuple[str | None, bytes, dict[str, str]]
_DELETED: _Record = (None, b"", {})
"""What a deleted record's place in its log holds (offsets stay what they were)."""


@dataclass
class _Topic:
    partitions: list[list[_Record]]
    round_robin: itertools.count[int] = field(default_factory=itertools.count)


class InMemoryBus:
    """Partitioned logs with per-group committed offsets and one thread per subscription."""

    topic_prefix = ""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self._topics: dict[str, _Topic] = {}
        self._committed: dict[tuple[str, str, int], int] = {}
        self._changed = threading.Condition()
        self._subscriptions: list[_MemorySubscription] = []
        self._members: dict[str, list[_MemorySubscription]] = {}
        """Each consumer group's live members, in the order they joined."""
        self._log_start: dict[tuple[str, int], int] = {}
        """Each partition's first offset not deleted (Kafka's log start offset)."""

    def start(self) -> None:
        for channel in [*self.contract, self.contract.dead_letter_channel]:
            self._topics.setdefault(
                channel.address, _Topic([[] for _ in range(channel.partitions)])
            )

    def stop(self) -> None:
        for subscription in list(self._subscriptions):
            subscription.stop()

    def topic_names(self) -> set[str]:
        return set(self._topics)

    def publish(
        self,
        channel: Channel,
        value: bytes | Envelope,
        *,
        key: str | None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        topic = self._topics[channel.address]
        count = len(topic.partitions)
        index = zlib.crc32(key.encode()) % count if key else next(topic.round_robin) % count
        with self._changed:
            topic.partitions[index].append((key, encode_value(value), dict(headers or {})))
            self._changed.notify_all()

    def subscribe(
        self,
        channels: Sequence[Channel],
        *,
        group: str | None,
        handler: DeliveryHandler,
        name: str = "",
    ) -> _MemorySubscription:
        subscription = _MemorySubscription(self, channels, group, handler)
        self._subscriptions.append(subscription)
        with self._changed:
            self._members.setdefault(subscription.group, []).append(subscription)
            self._changed.notify_all()
        subscription.thread.start()
        return subscription

    def settle(self) -> None:
        """Nothing to wait for: ``publish`` stores before it returns."""

    def dead_letter(self, delivery: Delivery, reason: str, *, service: str = "") -> None:
        headers = dead_letter_headers(delivery, reason, service)
        self.publish(
            self.contract.dead_letter_channel,
            delivery.value or b"",
            key=delivery.key,
            headers=headers,
        )

    def unconsumed(self) -> int:
        """How many records the live members of some group have not committed yet (taps
        included): 0 when every consumer has caught up."""
        with self._changed:
            return sum(
                len(log) - self._offset(sub.group, channel.address, index)
                for sub in self._subscriptions
                if not sub.stopped.is_set()
                for channel in sub.channels
                for index in self._assigned(sub, channel)
                for log in (self._topics[channel.address].partitions[index],)
            )

    def delete_consumed(self) -> int:
        """Delete, on every partition, the records that each group reading it has committed
        (Kafka's delete_records up to the slowest group's offset); how many it deleted. A tap
        or a group that subscribes afterwards begins after them, at the log start offset, as on
        Kafka; a group still behind keeps what it has not read. The fuzz uses it so that the
        wire check it starts afterwards checks the system from then on, not the fuzz again."""
        deleted = 0
        with self._changed:
            for address, topic in self._topics.items():
                groups = {
                    m.group
                    for members in self._members.values()
                    for m in members
                    if any(c.address == address for c in m.channels)
                }
                for index, log in enumerate(topic.partitions):
                    start = self._log_start.get((address, index), 0)
                    end = min(
                        (self._offset(g, address, index) for g in groups),
                        default=len(log),
                    )
                    for offset in range(start, end):
                        log[offset] = _DELETED
                    if end > start:
                        self._log_start[(address, index)] = end
                        deleted += end - start
        return deleted

    def _offset(self, group: str, address: str, index: int) -> int:
        """Where ``group`` reads next on a partition: its committed offset, or the log start
        offset when that is later (records deleted before the group read them)."""
        return max(
            self._committed.get((group, address, index), 0),
            self._log_start.get((address, index), 0),
        )

    def _next(self, sub: _MemorySubscription) -> Delivery | None:
        """The first uncommitted record of the partitions assigned to ``sub``, waiting briefly
        for one."""
        with self._changed:
            for channel in sub.channels:
                log_of = self._topics[channel.address].partitions
                for index in self._assigned(sub, channel):
                    offset = self._offset(sub.group, channel.address, index)
                    if offset < len(log_of[index]):
                        key, value, headers = log_of[index][offset]
                        return Delivery(
                            channel, channel.address, key, value, headers, index, offset
                        )
            self._changed.wait(0.05)
        return None

    def _assigned(self, sub: _MemorySubscription, channel: Channel) -> list[int]:
        """The partitions of ``channel`` that ``sub`` owns among its group's members that
        read it: partition i goes to member i mod n, in the order they joined."""
        readers = [
            m
            for m in self._members.get(sub.group, [])
            if any(c.address == channel.address for c in m.channels)
        ]
        if sub not in readers:
            return []
        count = len(self._topics[channel.address].partitions)
        mine = readers.index(sub)
        return [i for i in range(count) if i % len(readers) == mine]

    def _leave(self, sub: _MemorySubscription) -> None:
        with self._changed:
            members = self._members.get(sub.group, [])
            if sub in members:
                members.remove(sub)
            self._changed.notify_all()

    def _commit(self, group: str, delivery: Delivery) -> None:
        with self._changed:
            self._committed[(group, delivery.topic, delivery.partition)] = delivery.offset + 1


class _MemorySubscription:
    def __init__(
        self,
        bus: InMemoryBus,
        channels: Sequence[Channel],
        group: str | None,
        handler: DeliveryHandler,
    ) -> None:
        self.bus, self.channels, self.handler = bus, list(channels), handler
        self.group = group or f"tap-{id(self)}"
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name=f"memory-{self.group}")

    def wait_assigned(self, timeout_s: float = 30.0) -> None:
        return None  # every partition is ours from the first moment

    def stop(self) -> None:
        self.stopped.set()
        if threading.current_thread() is not self.thread:
            self.thread.join(timeout=5)
        self.bus._leave(self)

    def _run(self) -> None:
        while not self.stopped.is_set():
            delivery = self.bus._next(self)
            if delivery is None:
                continue
            try:
                self.handler(delivery)
            except ConsumerCrashed:  # it dies without committing: the group moves on without it
                self.stopped.set()
                self.bus._leave(self)
                return
            except Exception as exc:
                self.bus.dead_letter(delivery, f"{type(exc).__name__}: {exc}")
            self.bus._commit(self.group, delivery)
