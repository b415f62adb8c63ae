"""Publisher.settle's bookkeeping, on a producer whose acknowledgements the test hands out.

On a real broker every poll serves whatever acknowledgement has come, so what ``settle`` does
*not* wait for cannot be seen there (tests/kafka/test_kafka_bus.py shows what it waits for).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from harness.errors import BusError
from harness.kafka import publisher as publisher_module
from harness.kafka.publisher import Publisher


class _Error:
    """Enough of a KafkaError for a failed receipt."""

    def code(self) -> int:
        return -1

    def str(self) -> str:
        return "the broker said no"


class HeldProducer:
    """Answers a message only once the test released its topic (with an error, if so told)."""

    def __init__(self, _config: Any) -> None:
        self.callbacks: list[tuple[str, Callable[..., None]]] = []
        self.released: dict[str, _Error | None] = {}

    def produce(
        self, topic: str, *_args: Any, on_delivery: Callable[..., None], **_kw: Any
    ) -> None:
        self.callbacks.append((topic, on_delivery))

    def poll(self, _timeout: float) -> int:
        due = [(t, cb) for t, cb in self.callbacks if t in self.released]
        self.callbacks = [(t, cb) for t, cb in self.callbacks if t not in self.released]
        for topic, callback in due:
            callback(self.released[topic], None)
        return len(due)

    def __len__(self) -> int:
        return len(self.callbacks)

    def flush(self, _timeout: float) -> int:
        return len(self.callbacks)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Publisher, HeldProducer]]:
    monkeypatch.setattr(publisher_module, "Producer", HeldProducer)
    publisher = Publisher({}, linger_ms=0, timeout_s=1.0)
    publisher.start()
    producer = publisher._producer
    assert isinstance(producer, HeldProducer)
    yield publisher, producer
    publisher.stop()


def _in_another_handler(publisher: Publisher, group: str, topic: str) -> None:
    """A handler of ``group`` on its own thread publishes to ``topic`` and returns."""

    def handler() -> None:
        with publisher.deferring(group):
            publisher.produce(topic, b"{}", None, None, channel=topic)

    thread = threading.Thread(target=handler)
    thread.start()
    thread.join()


def test_settle_waits_for_its_group_and_not_for_another_group(
    held: tuple[Publisher, HeldProducer],
) -> None:
    publisher, producer = held
    _in_another_handler(publisher, "cj", "sibling")
    _in_another_handler(publisher, "els", "elsewhere")  # never answered
    producer.released.update({"sibling": None, "own": None})
    with publisher.deferring("cj") as pending:
        publisher.produce("own", b"{}", None, None, channel="own")
        publisher.settle()  # would time out (BusError) waiting for "elsewhere"
        assert pending[0].done.is_set()
    assert [topic for topic, _ in producer.callbacks] == ["elsewhere"]


def test_settle_returns_only_once_the_sibling_is_answered(
    held: tuple[Publisher, HeldProducer],
) -> None:
    publisher, _ = held
    _in_another_handler(publisher, "cj", "sibling")  # not answered: settle must wait, and
    with publisher.deferring("cj"), pytest.raises(BusError, match="no acknowledgement"):
        publisher.settle()  # after timeout_s says so


def test_only_its_own_failure_is_raised(held: tuple[Publisher, HeldProducer]) -> None:
    publisher, producer = held
    _in_another_handler(publisher, "cj", "sibling")
    producer.released.update({"sibling": _Error(), "own": None})
    with publisher.deferring("cj"):
        publisher.produce("own", b"{}", None, None, channel="own")
        publisher.settle()  # the sibling's failure is its own consumer's to answer
    producer.released["own"] = _Error()
    with publisher.deferring("cj"):
        publisher.produce("own", b"{}", None, None, channel="own")
        with pytest.raises(BusError, match="publishing to own failed: the broker said no"):
            publisher.settle()


def test_a_stopped_publisher_forgets_what_never_came_back(
    held: tuple[Publisher, HeldProducer],
) -> None:
    publisher, _ = held
    _in_another_handler(publisher, "cj", "lost")
    publisher.stop()
    publisher.start()
    with publisher.deferring("cj"):
        publisher.settle()  # nothing to wait for: the old producer's receipts are gone
