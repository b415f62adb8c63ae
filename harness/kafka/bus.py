"""KafkaBus: the Bus protocol on a real Kafka cluster, through confluent-kafka (librdkafka).

Producer: idempotent, acks=all, no linger (harness.kafka.publisher). Consumers: one thread each
(harness.kafka.consumer); a handler's publishes are not awaited one by one: each input is
committed once the outputs it caused are acknowledged (at-least-once without a broker round
trip per message). Client settings and why: harness.kafka.tuning.

Every channel of the contract becomes the topic ``topic_prefix + address``; ``start()`` creates
them all (and the dead-letter topic) with the partitions the contract gives, so nothing relies on
auto-creation. Tests give each run its own prefix; ``up`` and real services use none.

Example::

    bus = KafkaBus(contract, bootstrap_servers="127.0.0.1:9092", topic_prefix="run-1a2b.")
    bus.start()
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from harness.bus import Delivery, DeliveryHandler, dead_letter_headers, encode_value
from harness.contract import Channel, Contract
from harness.envelope import Envelope
from harness.kafka.admin import ClusterAdmin
from harness.kafka.authorization import LoginWatch
from harness.kafka.consumer import KafkaSubscription
from harness.kafka.login import Login
from harness.kafka.publisher import Publisher
from harness.kafka.tuning import KafkaTuning

CLIENT_LOG = logging.getLogger("harness.kafka.librdkafka")
"""Where every client of a KafkaBus logs librdkafka's errors (``Connect to ... failed`` while a
broker is away, and the like), instead of librdkafka writing them to stderr itself: a program
can format, filter or silence them like any other log (the fault runner does while it kills the
broker on purpose)."""


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
        credentials: Login | None = None,
        manage_topics: bool = True,
    ) -> None:
        self.contract = contract
        self.bootstrap_servers = bootstrap_servers
        self.topic_prefix = topic_prefix
        self.client_id = client_id
        self.tuning = tuning or KafkaTuning()
        self.credentials = credentials
        """The SASL login on a secured cluster (harness.security); None: plaintext."""
        self.manage_topics = manage_topics
        """Create the contract's topics on ``start()``: a service's principal on a secured
        cluster may not (the administrator's bus does it)."""
        self.logins = LoginWatch(self.principal)
        self.publisher = Publisher(
            self._common_config(),
            linger_ms=self.tuning.linger_ms,
            timeout_s=self.tuning.publish_timeout_s,
            principal=self.principal,
            logins=self.logins,
        )
        self._admin = ClusterAdmin(self._common_config())
        self._subscriptions: list[KafkaSubscription] = []
        self._members: dict[str, int] = {}
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        if self.publisher.started:
            return
        if self.manage_topics:
            self.ensure_topics()
        self.publisher.start()

    def stop(self) -> None:
        for subscription in list(self._subscriptions):
            subscription.stop()
        self.publisher.stop()

    @property
    def principal(self) -> str:
        """Who this bus is to a secured broker (``User:<name>``), for error messages."""
        return self.credentials.principal if self.credentials else "this client"

    def channel_of(self, topic: str) -> str | None:
        """The contract channel id of one of this run's topics (None if it models none)."""
        address = topic.removeprefix(self.topic_prefix)
        if address == self.contract.dead_letter_address:
            return self.contract.dead_letter_channel.id
        return next((c.id for c in self.contract if c.address == address), None)

    def topic(self, channel: Channel) -> str:
        """The Kafka topic of ``channel`` in this run."""
        return self.topic_prefix + channel.address

    def ensure_topics(self) -> None:
        """Create every channel's topic (and the dead-letter topic) unless it exists."""
        channels = [*self.contract, self.contract.dead_letter_channel]
        self._admin.ensure_topics({self.topic(c): (c.partitions, c.replicas) for c in channels})

    # -- publishing ------------------------------------------------------------------------

    def publish(
        self,
        channel: Channel,
        value: bytes | Envelope,
        *,
        key: str | None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.publisher.produce(
            self.topic(channel), encode_value(value), key, headers, channel.address
        )

    def settle(self) -> None:
        self.publisher.settle()

    def dead_letter(self, delivery: Delivery, reason: str, *, service: str = "") -> None:
        headers = dead_letter_headers(delivery, reason, service)
        self.publish(
            self.contract.dead_letter_channel,
            delivery.value or b"",
            key=delivery.key,
            headers=headers,
        )

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
        counts = self._admin.consumed_counts(group, list(by_topic), timeout_s=timeout_s)
        return {by_topic[topic]: count for topic, count in counts.items()}

    def group_members(self, group: str, *, timeout_s: float = 5.0) -> int:
        """How many members consumer group ``group`` has now (0 when it is empty or unknown):
        ``up`` watches a left-out service's group to say when the real one joined."""
        return self._admin.group_members(group, timeout_s=timeout_s)

    def committed_offset(
        self, group: str, channel: Channel, partition: int, *, timeout_s: float = 5.0
    ) -> int:
        """The next offset consumer group ``group`` will read on one partition of ``channel``
        (-1 when it committed nothing there): ``> offset`` means it handled that message. The
        steps judge a BOS's readiness by it, as any BOS commits what it has handled."""
        topic = self.topic(channel)
        return self._admin.committed_offset(group, topic, partition, timeout_s=timeout_s)

    def topic_names(self, *, timeout_s: float = 5.0) -> set[str]:
        """Every topic of the cluster but Kafka's internal ones (the tap's look for topics the
        contract does not model)."""
        return self._admin.topic_names(timeout_s=timeout_s)

    # -- consuming -------------------------------------------------------------------------

    def subscribe(
        self,
        channels: Sequence[Channel],
        *,
        group: str | None,
        handler: DeliveryHandler,
        name: str = "",
    ) -> KafkaSubscription:
        subscription = KafkaSubscription(self, list(channels), group, handler, name)
        with self._lock:
            self._subscriptions.append(subscription)
        subscription.start()
        return subscription

    def consumer_config(self, group: str | None) -> dict[str, Any]:
        """Settings of one consumer: manual commits, earliest offsets, short fetch waits; with
        ``tuning.group_instance``, a static member id (the n-th member of ``group`` this bus
        creates: the same after a restart, since a process subscribes in the same order)."""
        config = {
            **self._common_config(),
            "group.id": group or f"tap-{uuid.uuid4()}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "fetch.wait.max.ms": self.tuning.fetch_wait_max_ms,
            "session.timeout.ms": self.tuning.session_timeout_ms,
            "enable.partition.eof": False,
        }
        if group and self.tuning.group_instance:
            with self._lock:
                ordinal = self._members[group] = self._members.get(group, -1) + 1
            config["group.instance.id"] = f"{self.tuning.group_instance}.{group}.{ordinal}"
        return config

    def forget(self, subscription: KafkaSubscription) -> None:
        """Drop a subscription that ended (its thread calls this as it exits)."""
        with self._lock:
            if subscription in self._subscriptions:
                self._subscriptions.remove(subscription)

    def _common_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {
            "bootstrap.servers": self.bootstrap_servers,
            "client.id": self.client_id,
            "socket.nagle.disable": True,
            "log_level": 3,
            "logger": CLIENT_LOG,
            "error_cb": self.logins,
        }
        if self.credentials is not None:
            config.update(self.credentials.client_config())
        return config
