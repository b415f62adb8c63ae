"""What the cluster knows: topics, and what consumer groups have read (committed offsets).

Read from the broker, not from our consumers, so it sees any consumer of a group, ours or a
real service's: contract coverage counts receive operations by it, ``up`` watches a left-out
service's group join by it, and the steps judge a BOS's readiness by its commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from confluent_kafka import (
    ConsumerGroupTopicPartitions,
    KafkaError,
    KafkaException,
    TopicPartition,
)
from confluent_kafka.admin import (  # type: ignore[attr-defined]
    AdminClient,
    NewTopic,
    OffsetSpec,
)

from harness.errors import BusError

_MAY_NOT_CREATE = (KafkaError.TOPIC_AUTHORIZATION_FAILED, KafkaError.CLUSTER_AUTHORIZATION_FAILED)


class ClusterAdmin:
    """Topic creation and consumer-group offsets, by topic name (the bus names the topics).

    Example::

        admin = ClusterAdmin({"bootstrap.servers": "127.0.0.1:9092"})
        admin.ensure_topics({"run-1.huleedu.batch.pipeline.completed.v1": (3, 1)})
    """

    def __init__(self, config: Mapping[str, Any]) -> None:
        self._config = dict(config)

    def ensure_topics(self, topics: Mapping[str, tuple[int, int]]) -> None:
        """Create each topic (name -> partitions, replicas) unless it exists. A principal that
        may not create topics (a service on a secured cluster) leaves that to the administrator:
        it cannot even see the topics it has no ACL on, and a topic it then uses that does not
        exist fails where it is used, by name."""
        admin = AdminClient(self._config)
        wanted = [NewTopic(name, parts, replicas) for name, (parts, replicas) in topics.items()]
        for name, future in admin.create_topics(wanted, operation_timeout=30).items():
            try:
                future.result(timeout=60)
            except KafkaException as exc:
                error = exc.args[0]
                if error.code() not in (KafkaError.TOPIC_ALREADY_EXISTS, *_MAY_NOT_CREATE):
                    raise BusError(f"cannot create topic {name}: {error.str()}") from None

    def consumed_counts(
        self, group: str, topics: Sequence[str], *, timeout_s: float
    ) -> dict[str, int]:
        """How many messages of each topic ``group`` has committed past (its committed offsets
        less each partition's earliest offset); topics it never committed on count 0."""
        wanted = set(topics)
        admin = AdminClient(self._config)
        try:
            request = [ConsumerGroupTopicPartitions(group)]
            answer = admin.list_consumer_group_offsets(request, request_timeout=timeout_s)
            committed = [
                tp
                for tp in answer[group].result(timeout=timeout_s).topic_partitions
                if tp.topic in wanted and tp.offset >= 0
            ]
            earliest = _earliest_offsets(admin, committed, timeout_s)
        except KafkaException as exc:
            raise BusError(f"cannot read the committed offsets of group {group!r}: {exc}") from None
        counts = dict.fromkeys(topics, 0)
        for tp in committed:
            start = earliest.get((tp.topic, tp.partition), 0)
            counts[tp.topic] += max(tp.offset - start, 0)
        return counts

    def group_members(self, group: str, *, timeout_s: float) -> int:
        """How many members ``group`` has now (0 when it is empty or unknown)."""
        admin = AdminClient(self._config)
        try:
            futures = admin.describe_consumer_groups([group], request_timeout=timeout_s)
            return len(futures[group].result(timeout=timeout_s).members)
        except KafkaException:
            return 0

    def committed_offset(self, group: str, topic: str, partition: int, *, timeout_s: float) -> int:
        """The next offset ``group`` will read on one partition (-1: it committed nothing)."""
        wanted = [TopicPartition(topic, partition)]
        admin = AdminClient(self._config)
        try:
            request = [ConsumerGroupTopicPartitions(group, wanted)]
            answer = admin.list_consumer_group_offsets(request, request_timeout=timeout_s)
            (found,) = answer[group].result(timeout=timeout_s).topic_partitions
        except KafkaException as exc:
            raise BusError(f"cannot read the committed offsets of group {group!r}: {exc}") from None
        return int(found.offset)

    def topic_names(self, *, timeout_s: float) -> set[str]:
        """Every topic of the cluster but Kafka's internal ones."""
        admin = AdminClient(self._config)
        try:
            metadata = admin.list_topics(timeout=timeout_s)
        except KafkaException as exc:
            raise BusError(f"cannot list the cluster's topics: {exc}") from None
        return {name for name in metadata.topics if not name.startswith("__")}


def _earliest_offsets(
    admin: AdminClient, partitions: Sequence[TopicPartition], timeout_s: float
) -> dict[tuple[str, int], int]:
    """Each partition's earliest offset (what retention has not deleted yet)."""
    if not partitions:
        return {}
    earliest = OffsetSpec.earliest()  # type: ignore[no-untyped-call]
    wanted = {TopicPartition(tp.topic, tp.partition): earliest for tp in partitions}
    futures = admin.list_offsets(wanted, request_timeout=timeout_s)
    return {
        (tp.topic, tp.partition): int(future.result(timeout=timeout_s).offset)
        for tp, future in futures.items()
    }
