"""KafkaBus: the Bus protocol on a real Kafka cluster, through confluent-kafka (librdkafka).

The only module that imports the Kafka client; its exceptions become BusError (or BrokerError,
for the broker's readiness checks at the end) here and nowhere else.

Producer: idempotent, acks=all, no linger. Consumers: one thread each; a handler's publishes are
not awaited one by one: each input is committed once the outputs it caused are acknowledged
(at-least-once without a broker round trip per message). ``fetch.wait.max.ms`` is 100 ms: on a
real broker a fetch returns as soon as data arrives (unlike librdkafka's mock cluster, where
toolchain-findings.md measured the wait as the latency), and shorter waits from a dozen idle
consumer groups cost the broker CPU (2-hop p50 3.1 ms at 10 ms, 2.0 ms at 100 ms, measured here).

Every channel of the contract becomes the topic ``topic_prefix + address``; ``start()`` creates
them all (and the dead-letter topic) with the partitions the contract gives, so nothing relies on
auto-creation. Tests give each run its own prefix; ``up`` and real services use none.

Example::

    bus = KafkaBus(contract, bootstrap_servers="127.0.0.1:9092", topic_prefix="run-1a2b.")
    bus.start()
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from confluent_kafka import (
    OFFSET_BEGINNING,
    Consumer,
    ConsumerGroupTopicPartitions,
    KafkaError,
    KafkaException,
    Message,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import (  # type: ignore[attr-defined]
    AdminClient,
    NewTopic,
    OffsetSpec,
)

from harness.bus import ConsumerCrashed, Delivery, Handler, dead_letter_headers, encode_value
from harness.contract import Channel, Contract
from harness.envelope import Envelope
from harness.errors import BrokerError, BusError


class _Receipt:
    """The broker's answer for one produced message (a librdkafka delivery callback)."""

    def __init__(self, topic: str, channel: str) -> None:
        self.topic, self.channel = topic, channel
        self.done = threading.Event()
        self.error: KafkaError | None = None

    def __call__(self, error: KafkaError | None, _message: Message) -> None:
        self.error = error
        self.done.set()


@dataclass(frozen=True)
class KafkaTuning:
    """Client settings that trade CPU for latency on loopback (see the module docstring)."""

    fetch_wait_max_ms: int = 100
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
        self._handler_context = threading.local()

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
        """Send one message. Inside a handler, the acknowledgement is awaited once for all the
        handler's messages, before its input is committed (``_confirm_pending``); elsewhere,
        before returning. Either way nothing is committed or reported done before it is stored.
        """
        producer = self._require_producer()
        receipt = _Receipt(topic, channel)
        try:
            producer.produce(
                topic, value, key, headers=list((headers or {}).items()), on_delivery=receipt
            )
        except (KafkaException, BufferError) as exc:
            raise BusError(f"cannot publish to {topic}: {exc}", channel=channel) from None
        pending: list[_Receipt] | None = getattr(self._handler_context, "pending", None)
        if pending is not None:
            pending.append(receipt)
            producer.poll(0)
        else:
            self._await([receipt])

    def _await(self, receipts: Sequence[_Receipt]) -> None:
        """Block until the broker acknowledged every receipt; BusError on a failure."""
        producer = self._require_producer()
        deadline = time.monotonic() + self.tuning.publish_timeout_s
        for receipt in receipts:
            while not receipt.done.is_set():
                producer.poll(0.001)  # serves delivery callbacks, ours or another thread's
                if time.monotonic() > deadline:
                    raise BusError(
                        f"no acknowledgement for a message to {receipt.topic}",
                        channel=receipt.channel,
                    )
            if receipt.error is not None:
                raise BusError(
                    f"publishing to {receipt.topic} failed: {receipt.error.str()}",
                    channel=receipt.channel,
                )

    @contextmanager
    def _deferring_acknowledgements(self) -> Iterator[list[_Receipt]]:
        """While a handler runs on this thread, collect its publishes instead of waiting."""
        pending: list[_Receipt] = []
        self._handler_context.pending = pending
        try:
            yield pending
        finally:
            self._handler_context.pending = None

    def _require_producer(self) -> Producer:
        if self._producer is None:
            raise BusError("the bus is not started", hint="call bus.start() first")
        return self._producer

    # -- what consumer groups have read -----------------------------------------------------

    def consumed_counts(
        self, group: str, channels: Sequence[Channel], *, timeout_s: float = 10.0
    ) -> dict[str, int]:
        """How many messages of each channel consumer group ``group`` has committed past.

        Read from the broker (the group's committed offsets less each partition's earliest
        offset), so it sees any consumer of the group, ours or a real service's. Channels the
        group never committed on count 0. Contract coverage uses it for receive operations.
        """
        by_topic = {self.topic(c): c.id for c in channels}
        admin = AdminClient(self._common_config())
        try:
            request = [ConsumerGroupTopicPartitions(group)]
            answer = admin.list_consumer_group_offsets(request, request_timeout=timeout_s)
            committed = [
                tp
                for tp in answer[group].result(timeout=timeout_s).topic_partitions
                if tp.topic in by_topic and tp.offset >= 0
            ]
            earliest = self._earliest_offsets(admin, committed, timeout_s)
        except KafkaException as exc:
            raise BusError(f"cannot read the committed offsets of group {group!r}: {exc}") from None
        counts = dict.fromkeys(by_topic.values(), 0)
        for tp in committed:
            start = earliest.get((tp.topic, tp.partition), 0)
            counts[by_topic[tp.topic]] += max(tp.offset - start, 0)
        return counts

    def group_members(self, group: str, *, timeout_s: float = 5.0) -> int:
        """How many members consumer group ``group`` has now (0 when it is empty or unknown):
        ``up`` watches a left-out service's group to say when the real one joined."""
        admin = AdminClient(self._common_config())
        try:
            futures = admin.describe_consumer_groups([group], request_timeout=timeout_s)
            return len(futures[group].result(timeout=timeout_s).members)
        except KafkaException:
            return 0

    def committed_offset(
        self, group: str, channel: Channel, partition: int, *, timeout_s: float = 5.0
    ) -> int:
        """The next offset consumer group ``group`` will read on one partition of ``channel``
        (-1 when it committed nothing there): ``> offset`` means it handled that message. The
        steps judge a BOS's readiness by it, as any BOS commits what it has handled."""
        wanted = [TopicPartition(self.topic(channel), partition)]
        admin = AdminClient(self._common_config())
        try:
            request = [ConsumerGroupTopicPartitions(group, wanted)]
            answer = admin.list_consumer_group_offsets(request, request_timeout=timeout_s)
            (found,) = answer[group].result(timeout=timeout_s).topic_partitions
        except KafkaException as exc:
            raise BusError(f"cannot read the committed offsets of group {group!r}: {exc}") from None
        return int(found.offset)

    def topic_names(self, *, timeout_s: float = 5.0) -> set[str]:
        """Every topic of the cluster but Kafka's internal ones (the tap's look for topics the
        contract does not model)."""
        admin = AdminClient(self._common_config())
        try:
            metadata = admin.list_topics(timeout=timeout_s)
        except KafkaException as exc:
            raise BusError(f"cannot list the cluster's topics: {exc}") from None
        return {name for name in metadata.topics if not name.startswith("__")}

    @staticmethod
    def _earliest_offsets(
        admin: AdminClient, partitions: Sequence[TopicPartition], timeout_s: float
    ) -> dict[tuple[str, int], int]:
        if not partitions:
            return {}
        earliest = OffsetSpec.earliest()  # type: ignore[no-untyped-call]
        wanted = {TopicPartition(tp.topic, tp.partition): earliest for tp in partitions}
        futures = admin.list_offsets(wanted, request_timeout=timeout_s)
        return {
            (tp.topic, tp.partition): int(future.result(timeout=timeout_s).offset)
            for tp, future in futures.items()
        }

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
        self.error: BusError | None = None
        self._in_flight: deque[tuple[Message, list[_Receipt]]] = deque()
        """Why the subscription stopped by itself (its handler's output could not be stored)."""
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
        healthy = True
        try:
            while not self._stopping.is_set() and healthy:
                message = self._consumer.poll(self.bus.tuning.poll_timeout_s)
                if message is not None and message.error() is None:
                    healthy = self._handle(message)
                # (an error event is transient, e.g. a broker restarting: librdkafka retries)
                healthy = healthy and self._commit_acknowledged()
            if healthy:
                self._settle()
        finally:
            self._consumer.close()
            self.bus._forget(self)

    def _handle(self, message: Message) -> bool:
        """Run the handler; False when it simulated a crash (nothing more is committed)."""
        delivery = self._delivery(message)
        with self.bus._deferring_acknowledgements() as pending:
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
        self.bus._require_producer().poll(0)  # serve delivery callbacks
        done: dict[tuple[str, int], int] = {}
        while self._in_flight and all(r.done.is_set() for r in self._in_flight[0][1]):
            message, receipts = self._in_flight[0]
            failed = next((r for r in receipts if r.error is not None), None)
            if failed is not None:
                self.error = BusError(
                    f"publishing to {failed.topic} failed: {failed.error}", channel=failed.channel
                )
                break
            self._in_flight.popleft()
            done[(message.topic() or "", message.partition() or 0)] = (message.offset() or 0) + 1
        if done and self.group is not None:
            offsets = [TopicPartition(t, p, o) for (t, p), o in done.items()]
            self._consumer.commit(offsets=offsets, asynchronous=True)
        return self.error is None

    def _settle(self) -> None:
        """On a clean stop: wait for every output in flight, then commit the inputs."""
        try:
            self.bus._await([r for _, receipts in self._in_flight for r in receipts])
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


# -- asking a cluster who it is (for harness.broker: readiness and external brokers) -------

# librdkafka logs every refused connection; the caller reports failures itself.
_QUIET: dict[str, Any] = {"log_level": 0}


def describe_cluster_id(bootstrap_servers: str, *, timeout_s: float) -> str | None:
    """The cluster id the broker at ``bootstrap_servers`` reports, or None if it did not answer."""
    admin = AdminClient({"bootstrap.servers": bootstrap_servers, **_QUIET})
    try:
        result = admin.describe_cluster(request_timeout=timeout_s).result(timeout=timeout_s + 1)
    except (KafkaException, TimeoutError):
        return None
    cluster_id = result.cluster_id
    return str(cluster_id) if cluster_id is not None else None


def require_answer(bootstrap_servers: str, *, timeout_s: float) -> str | None:
    """Check a broker answers (its metadata lists brokers); returns its cluster id."""
    admin = AdminClient({"bootstrap.servers": bootstrap_servers, **_QUIET})
    try:
        metadata = admin.list_topics(timeout=timeout_s)
    except KafkaException as exc:
        raise BrokerError(
            f"no Kafka broker answers at {bootstrap_servers} within {timeout_s:.0f} s: "
            f"{exc.args[0] if exc.args else exc}.",
            hint="start that broker, fix KAFKA_BOOTSTRAP_SERVERS (host:port[,host:port]), or "
            "unset it to let the harness start its own broker",
        ) from exc
    if not metadata.brokers:
        raise BrokerError(f"the Kafka cluster at {bootstrap_servers} lists no brokers.")
    cluster_id = metadata.cluster_id
    return str(cluster_id) if cluster_id is not None else None


def _text(raw: str | bytes | None) -> str:
    """Kafka keys and header values as text (they are UTF-8 bytes on the wire)."""
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "replace")
    return raw or ""
