"""KafkaBus: the Bus protocol on a real Kafka cluster, through confluent-kafka (librdkafka).

The only module that imports the Kafka client; its exceptions become BusError here and nowhere
else. Producer: idempotent, acks=all, no linger. Consumers: one thread each, manual commit after
the handler returns, ``fetch.wait.max.ms`` lowered from librdkafka's 500 ms so that a hop on
loopback costs milliseconds (toolchain-findings.md measured 501 ms -> ~11 ms at 10).

Every channel of the contract becomes the topic ``topic_prefix + address``; ``start()`` creates
them all (and the dead-letter topic) with the partitions the contract gives, so nothing relies on
auto-creation. Tests give each run its own prefix; ``up`` and real services use none.

Example::

    bus = KafkaBus(contract, bootstrap_servers="127.0.0.1:9092", topic_prefix="run-1a2b.")
    bus.start()
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from confluent_kafka import (
    OFFSET_BEGINNING,
    Consumer,
    KafkaError,
    KafkaException,
    Message,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from harness.bus import ConsumerCrashed, Delivery, Handler, dead_letter_headers, encode_value
from harness.contract import Channel, Contract
from harness.envelope import Envelope
from harness.errors import BusError


@dataclass(frozen=True)
class KafkaTuning:
    """Client settings that trade CPU for latency on loopback (see the module docstring)."""

    fetch_wait_max_ms: int = 10
    linger_ms: int = 0
    poll_timeout_s: float = 0.05
    session_timeout_ms: int = 10000
    publish_timeout_s: float = 30.0


class KafkaBus:
    """Publish and consume the contract's channels on a real Kafka cluster."""

    def __init__(
        self,
        contract: Contract,
        *,
        bootstrap_servers: str,
        topic_prefix: str = "",
        client_id: str = "pipeline-harness",
        tuning: KafkaTuning | None = None,
    ) -> None:
        self.contract = contract
        self.bootstrap_servers = bootstrap_servers
        self.topic_prefix = topic_prefix
        self.client_id = client_id
        self.tuning = tuning or KafkaTuning()
        self._producer: Producer | None = None
        self._subscriptions: list[_KafkaSubscription] = []
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        if self._producer is not None:
            return
        self.ensure_topics()
        self._producer = Producer(
            {
                **self._common_config(),
                "enable.idempotence": True,
                "acks": "all",
                "linger.ms": self.tuning.linger_ms,
            }
        )

    def stop(self) -> None:
        for subscription in list(self._subscriptions):
            subscription.stop()
        if self._producer is not None:
            self._producer.flush(5)
            self._producer = None

    def topic(self, channel: Channel) -> str:
        """The Kafka topic of ``channel`` in this run."""
        return self.topic_prefix + channel.address

    def ensure_topics(self) -> None:
        """Create every channel's topic (and the dead-letter topic) unless it exists."""
        admin = AdminClient(self._common_config())
        channels = [*self.contract, self.contract.dead_letter_channel]
        wanted = [NewTopic(self.topic(c), c.partitions, c.replicas) for c in channels]
        for name, future in admin.create_topics(wanted, operation_timeout=30).items():
            try:
                future.result(timeout=60)
            except KafkaException as exc:
                error = exc.args[0]
                if error.code() != KafkaError.TOPIC_ALREADY_EXISTS:
                    raise BusError(f"cannot create topic {name}: {error.str()}") from None

    # -- publishing ------------------------------------------------------------------------

    def publish(
        self,
        channel: Channel,
        value: bytes | Envelope,
        *,
        key: str | None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._produce(self.topic(channel), encode_value(value), key, headers, channel.address)

    def dead_letter(self, delivery: Delivery, reason: str, *, service: str = "") -> None:
        headers = dead_letter_headers(delivery, reason, service)
        self.publish(
            self.contract.dead_letter_channel,
            delivery.value or b"",
            key=delivery.key,
            headers=headers,
        )

    def _produce(
        self,
        topic: str,
        value: bytes,
        key: str | None,
        headers: Mapping[str, str] | None,
        channel: str,
    ) -> None:
        producer = self._require_producer()
        done = threading.Event()
        failure: list[KafkaError] = []

        def delivered(error: KafkaError | None, _message: Message) -> None:
            if error is not None:
                failure.append(error)
            done.set()

        try:
            producer.produce(
                topic, value, key, headers=list((headers or {}).items()), on_delivery=delivered
            )
        except (KafkaException, BufferError) as exc:
            raise BusError(f"cannot publish to {topic}: {exc}", channel=channel) from None
        deadline = time.monotonic() + self.tuning.publish_timeout_s
        while not done.is_set():
            producer.poll(0.001)  # serves delivery callbacks, ours or another thread's
            if time.monotonic() > deadline:
                raise BusError(f"no acknowledgement for a message to {topic}", channel=channel)
        if failure:
            raise BusError(f"publishing to {topic} failed: {failure[0].str()}", channel=channel)

    def _require_producer(self) -> Producer:
        if self._producer is None:
            raise BusError("the bus is not started", hint="call bus.start() first")
        return self._producer

    # -- consuming -------------------------------------------------------------------------

    def subscribe(
        self, channels: Sequence[Channel], *, group: str | None, handler: Handler, name: str = ""
    ) -> _KafkaSubscription:
        subscription = _KafkaSubscription(self, list(channels), group, handler, name)
        with self._lock:
            self._subscriptions.append(subscription)
        subscription.start()
        return subscription

    def consumer_config(self, group: str | None) -> dict[str, Any]:
        """Settings of one consumer: manual commits, earliest offsets, short fetch waits."""
        return {
            **self._common_config(),
            "group.id": group or f"tap-{uuid.uuid4()}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "fetch.wait.max.ms": self.tuning.fetch_wait_max_ms,
            "session.timeout.ms": self.tuning.session_timeout_ms,
            "enable.partition.eof": False,
        }

    def _forget(self, subscription: _KafkaSubscription) -> None:
        with self._lock:
            if subscription in self._subscriptions:
                self._subscriptions.remove(subscription)

    def _common_config(self) -> dict[str, Any]:
        return {
            "bootstrap.servers": self.bootstrap_servers,
            "client.id": self.client_id,
            "socket.nagle.disable": True,
            "log_level": 3,
        }


class _KafkaSubscription:
    """One consumer on its own thread; ``group=None`` is a tap (assign, from the beginning)."""

    def __init__(
        self, bus: KafkaBus, channels: list[Channel], group: str | None, handler: Handler, name: str
    ) -> None:
        self.bus, self.channels, self.group, self.handler = bus, channels, group, handler
        self._by_topic = {bus.topic(c): c for c in channels}
        self._assigned = threading.Event()
        self._stopping = threading.Event()
        self._error: BusError | None = None
        label = name or group or "tap"
        self._thread = threading.Thread(target=self._run, name=f"kafka-{label}", daemon=True)
        self._consumer = Consumer(bus.consumer_config(group))

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
        if not self._assigned.wait(timeout_s):
            raise BusError(
                f"consumer group {self.group!r} got no partitions within {timeout_s:.0f} s",
                hint="is another member of the group holding them?",
            )

    def stop(self) -> None:
        self._stopping.set()
        if threading.current_thread() is not self._thread and self._thread.is_alive():
            self._thread.join(timeout=15)

    def _all_partitions(self) -> list[TopicPartition]:
        metadata = self._consumer.list_topics(timeout=10)
        return [
            TopicPartition(topic, partition, OFFSET_BEGINNING)
            for topic in self._by_topic
            for partition in metadata.topics[topic].partitions
        ]

    def _on_assign(self, _consumer: Consumer, _partitions: list[TopicPartition]) -> None:
        self._assigned.set()

    def _run(self) -> None:
        crashed = False
        try:
            while not self._stopping.is_set() and not crashed:
                message = self._consumer.poll(self.bus.tuning.poll_timeout_s)
                if message is None:
                    continue
                if message.error() is not None:
                    continue  # transient (broker restarting ...): librdkafka retries
                crashed = not self._handle(message)
        finally:
            self._close(commit=not crashed)
            self.bus._forget(self)

    def _handle(self, message: Message) -> bool:
        """Run the handler; False when it simulated a crash (no commit)."""
        delivery = self._delivery(message)
        try:
            self.handler(delivery)
        except ConsumerCrashed:
            return False
        except Exception as exc:
            self.bus.dead_letter(delivery, f"{type(exc).__name__}: {exc}", service=self.group or "")
        if self.group is not None:
            self._consumer.commit(message=message, asynchronous=True)
        return True

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

    def _close(self, *, commit: bool) -> None:
        try:
            if commit and self.group is not None:
                self._consumer.commit(asynchronous=False)
        except KafkaException:
            pass  # nothing handled since the last commit
        finally:
            self._consumer.close()


def _text(raw: str | bytes | None) -> str:
    """Kafka keys and header values as text (they are UTF-8 bytes on the wire)."""
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "replace")
    return raw or ""
