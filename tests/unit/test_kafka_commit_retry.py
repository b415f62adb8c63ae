"""A commit the broker refuses (it is restarting, its coordinator moved) is sent again (issue
13's broker-killed scenario found the last inputs of a run left uncommitted). No broker: the
subscription's consumer is replaced by one that records the commits it is asked for."""

from __future__ import annotations

import pytest
from confluent_kafka import KafkaError, TopicPartition

from harness.contract import Contract
from harness.kafka import KafkaBus, KafkaSubscription
from harness.kafka import consumer as consumer_module


class RecordingConsumer:
    def __init__(self) -> None:
        self.commits: list[list[tuple[str, int, int]]] = []

    def commit(self, *, offsets: list[TopicPartition], asynchronous: bool) -> None:
        self.commits.append([(o.topic, o.partition, o.offset) for o in offsets])


class FakeMessage:
    def __init__(self, offset: int) -> None:
        self._offset = offset

    def topic(self) -> str:
        return "t"

    def partition(self) -> int:
        return 0

    def offset(self) -> int:
        return self._offset


def subscription(contract: Contract) -> tuple[KafkaSubscription, RecordingConsumer]:
    bus = KafkaBus(contract, bootstrap_servers="127.0.0.1:1")
    bus.publisher.serve_receipts = lambda: None  # type: ignore[method-assign]  # no outputs
    channel = next(iter(contract))
    sub = KafkaSubscription(bus, [channel], "group", lambda delivery: None, "test")
    recording = RecordingConsumer()
    sub._consumer = recording  # type: ignore[assignment]
    return sub, recording


def handled(sub: KafkaSubscription, offset: int) -> None:
    sub._in_flight.append((FakeMessage(offset), []))  # type: ignore[arg-type]


def test_a_failed_commit_is_sent_again_and_a_confirmed_one_is_not(
    contract: Contract, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consumer_module, "_COMMIT_RETRY_S", 0.0)
    sub, recording = subscription(contract)
    handled(sub, 41)
    assert sub._commit_acknowledged()
    assert recording.commits == [[("t", 0, 42)]]
    refused = KafkaError(KafkaError.NOT_COORDINATOR)
    sub._on_commit(refused, [TopicPartition("t", 0, 42)])
    assert sub._commit_acknowledged()  # nothing new handled: the refused commit again
    assert recording.commits[-1] == [("t", 0, 42)]
    sub._on_commit(None, [TopicPartition("t", 0, 42)])
    before = len(recording.commits)
    assert sub._commit_acknowledged()
    assert len(recording.commits) == before  # confirmed: nothing to send


def test_a_refused_commit_waits_a_moment_before_it_is_sent_again(contract: Contract) -> None:
    sub, recording = subscription(contract)
    handled(sub, 7)
    sub._commit_acknowledged()
    sub._on_commit(KafkaError(KafkaError._TRANSPORT), [TopicPartition("t", 0, 8)])
    sub._commit_acknowledged()
    assert len(recording.commits) == 1  # not at once: the broker is away for a while


def test_a_later_offset_confirmed_covers_an_earlier_refusal(contract: Contract) -> None:
    sub, recording = subscription(contract)
    handled(sub, 1)
    sub._commit_acknowledged()
    handled(sub, 2)
    sub._commit_acknowledged()
    assert recording.commits[-1] == [("t", 0, 3)]
    sub._on_commit(None, [TopicPartition("t", 0, 3)])
    assert sub._uncommitted == {}
