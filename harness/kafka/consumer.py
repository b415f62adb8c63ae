"""One consumer on its own thread: the handler runs, its input is committed once its outputs
are stored (at-least-once, without a broker round trip per message).

``group=None`` is a tap: it assigns every partition from the beginning and never commits (the
wire check uses one).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Sequence
from typing import Any, Protocol

from confluent_kafka import (
    OFFSET_BEGINNING,
    Consumer,
    KafkaError,
    KafkaException,
    Message,
    TopicPartition,
)

from harness.bus import ConsumerCrashed, Delivery, DeliveryHandler
from harness.contract import Channel
from harness.errors import BusError
from harness.kafka.authorization import LoginWatch, refusal
from harness.kafka.publisher import Publisher, Receipt
from harness.kafka.tuning import KafkaTuning

_COMMIT_RETRY_S = 1.0
"""How long after a failed commit the consumer sends it again."""


class SubscriptionOwner(Protocol):
    """What a subscription needs from the bus that owns it (KafkaBus)."""

    publisher: Publisher
    tuning: KafkaTuning
    logins: LoginWatch

    @property
    def principal(self) -> str: ...

    def topic(self, channel: Channel) -> str: ...

    def consumer_config(self, group: str | None) -> dict[str, Any]: ...

    def dead_letter(self, delivery: Delivery, reason: str, *, service: str = "") -> None: ...

    def forget(self, subscription: KafkaSubscription) -> None: ...


class KafkaSubscription:
    """One consumer on its own thread; ``group=None`` is a tap (assign, from the beginning)."""

    def __init__(
        self,
        bus: SubscriptionOwner,
        channels: Sequence[Channel],
        group: str | None,
        handler: DeliveryHandler,
        name: str,
    ) -> None:
        self.bus, self.channels, self.group, self.handler = bus, list(channels), group, handler
        self._by_topic = {bus.topic(c): c for c in channels}
        self._assigned = threading.Event()
        self._stopping = threading.Event()
        self.error: BusError | None = None
        """Why the subscription stopped by itself (its handler's output could not be stored)."""
        self._in_flight: deque[tuple[Message, list[Receipt]]] = deque()
        self._uncommitted: dict[tuple[str, int], int] = {}
        """Offsets asked to be committed and not yet confirmed by the broker."""
        self._commit_failed_at: float | None = None
        label = name or group or "tap"
        self._thread = threading.Thread(target=self._run, name=f"kafka-{label}", daemon=True)
        self._consumer = Consumer({**bus.consumer_config(group), "on_commit": self._on_commit})

    def start(self) -> None:
        try:
            if self.group is None:
                self._consumer.assign(self._all_partitions())
                self._assigned.set()
            else:
                self._consumer.subscribe(list(self._by_topic), on_assign=self._on_assign)
        except KafkaException as exc:
            raise BusError(f"cannot consume {list(self._by_topic)}: {exc}") from None
        self._thread.start()

    def wait_assigned(self, timeout_s: float = 30.0) -> None:
        """Block until the group gave this member its partitions; raise why it cannot be (a
        secured broker's refusal, a failed login) as soon as that is known."""
        deadline = time.monotonic() + timeout_s
        while not self._assigned.wait(0.05):
            if self.error is not None:
                raise self.error
            self.bus.logins.check()
            if time.monotonic() < deadline:
                continue
            raise BusError(
                f"consumer group {self.group!r} got no partitions within {timeout_s:.0f} s",
                hint="is another member of the group holding them?",
            )

    def stop(self) -> None:
        self._stopping.set()
        if threading.current_thread() is not self._thread and self._thread.is_alive():
            self._thread.join(timeout=15)

    def _all_partitions(self, timeout_s: float = 15.0) -> list[TopicPartition]:
        """Every partition of the tap's topics, from the beginning. A topic created a moment
        ago can be missing from the first metadata a busy broker gives: ask again until each
        topic has its partitions."""
        deadline = time.monotonic() + timeout_s
        while True:
            metadata = self._consumer.list_topics(timeout=10)
            found = {t: metadata.topics.get(t) for t in self._by_topic}
            missing = [t for t, m in found.items() if m is None or m.error or not m.partitions]
            if not missing:
                return [
                    TopicPartition(topic, partition, OFFSET_BEGINNING)
                    for topic, meta in found.items()
                    if meta is not None
                    for partition in meta.partitions
                ]
            if time.monotonic() > deadline:
                first = found.get(missing[0])
                error = first.error if first is not None else None
                refused = refusal(error, self.bus.principal, "read", f"topic {missing[0]}")
                raise refused or BusError(
                    f"the cluster has no topic {missing[0]} to read after {timeout_s:.0f} s",
                    hint="create it first (KafkaBus.start creates the contract's topics)",
                )
            time.sleep(0.1)

    def _on_assign(self, _consumer: Consumer, _partitions: list[TopicPartition]) -> None:
        self._assigned.set()

    def _run(self) -> None:
        healthy = True
        try:
            while not self._stopping.is_set() and healthy:
                message = self._consumer.poll(self.bus.tuning.poll_timeout_s)
                error = message.error() if message is not None else None
                if message is not None and error is None:
                    healthy = self._handle(message)
                elif error is not None:
                    healthy = self._on_error(error)
                healthy = healthy and self._commit_acknowledged()
            if healthy:
                self._settle()
        except BusError as exc:  # the producer failed for good (a refused principal, say)
            self.error = exc
        finally:
            self._consumer.close()
            self.bus.forget(self)

    def _on_error(self, error: KafkaError) -> bool:
        """An error event: a secured broker's refusal stops the subscription (``error`` says
        why); anything else is transient (a broker restarting, say): librdkafka retries."""
        if error.code() == KafkaError.GROUP_AUTHORIZATION_FAILED:
            action, resource = "join", f"consumer group {self.group}"
        else:
            action, resource = "read", f"topics {', '.join(self._by_topic)}"
        refused = refusal(error, self.bus.principal, action, resource)
        if refused is None:
            return True
        self.error = refused
        return False

    def _handle(self, message: Message) -> bool:
        """Run the handler; False when it simulated a crash (nothing more is committed)."""
        delivery = self._delivery(message)
        with self.bus.publisher.deferring(self.group) as pending:
            try:
                self.handler(delivery)
            except ConsumerCrashed:
                return False
            except Exception as exc:
                reason = f"{type(exc).__name__}: {exc}"
                self.bus.dead_letter(delivery, reason, service=self.group or "")
        self._in_flight.append((message, pending))
        return True

    def _commit_acknowledged(self) -> bool:
        """Commit up to the last message whose handler's output (and all before) is stored.

        The consumer does not wait for the broker's acknowledgements message by message: it
        goes on, and commits each input once the output it caused is acknowledged. False when
        an output could not be stored (then nothing more is committed: the input is redelivered).
        """
        self.bus.publisher.serve_receipts()
        done: dict[tuple[str, int], int] = {}
        while self._in_flight and all(r.done.is_set() for r in self._in_flight[0][1]):
            message, receipts = self._in_flight[0]
            failed = next((r for r in receipts if r.error is not None), None)
            if failed is not None:
                self.error = failed.failure(self.bus.principal)
                break
            self._in_flight.popleft()
            done[(message.topic() or "", message.partition() or 0)] = (message.offset() or 0) + 1
        if self.group is None:
            return self.error is None
        self._uncommitted.update(done)
        retry = self._commit_failed_at is not None and (
            time.monotonic() - self._commit_failed_at >= _COMMIT_RETRY_S
        )
        if done or (retry and self._uncommitted):
            offsets = [TopicPartition(t, p, o) for (t, p), o in self._uncommitted.items()]
            self._commit_failed_at = None
            self._consumer.commit(offsets=offsets, asynchronous=True)
        return self.error is None

    def _on_commit(self, error: KafkaError | None, partitions: list[TopicPartition]) -> None:
        """The broker's answer to a commit (on this thread, from poll). A failed one, say
        while the broker restarts, is sent again: otherwise the last inputs before a quiet
        spell would stay uncommitted, to be handled a second time after a restart."""
        failed = error is not None or any(p.error is not None for p in partitions)
        for partition in partitions:
            where = (partition.topic or "", partition.partition)
            confirmed = partition.error is None and error is None
            if confirmed and self._uncommitted.get(where, -1) <= partition.offset:
                self._uncommitted.pop(where, None)
        if failed:
            self._commit_failed_at = time.monotonic()

    def _settle(self) -> None:
        """On a clean stop: wait for every output in flight, then commit the inputs."""
        try:
            self.bus.publisher.await_receipts([r for _, rs in self._in_flight for r in rs])
        except BusError as exc:
            self.error = exc
        if self._commit_acknowledged() and self.group is not None:
            with contextlib.suppress(KafkaException):  # nothing handled since the last commit
                self._consumer.commit(asynchronous=False)

    def _delivery(self, message: Message) -> Delivery:
        topic = message.topic() or ""
        raw_key = message.key()
        raw_headers = message.headers() or []
        pairs = raw_headers.items() if isinstance(raw_headers, dict) else raw_headers
        headers = {str(k): _text(v) for k, v in pairs}
        return Delivery(
            channel=self._by_topic[topic],
            topic=topic,
            key=_text(raw_key) if raw_key is not None else None,
            value=message.value(),
            headers=headers,
            partition=message.partition() or 0,
            offset=message.offset() or 0,
            timestamp_ms=message.timestamp()[1],
        )


def _text(raw: str | bytes | None) -> str:
    """Kafka keys and header values as text (they are UTF-8 bytes on the wire)."""
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "replace")
    return raw or ""
