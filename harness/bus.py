"""The one seam between services and the transport: a small Bus protocol.

``KafkaBus`` (harness.kafka) is the real one; ``InMemoryBus`` (harness.memory_bus) exists for
fast unit tests. Both pass the same behaviour suite (tests/bus_behaviour.py): ordering per key,
fan-out to every consumer group, redelivery of an uncommitted message after a restart.

Semantics every implementation keeps:

- ``publish`` returns once the message is stored (acks=all on Kafka); failures raise BusError.
- A handler's message is committed after the handler returns (at-least-once).
- A handler that raises ``ConsumerCrashed`` stops its subscription *without* committing, as a
  killed process would: the group's next member gets the message again.
- Any other exception from a handler sets the message aside on the dead-letter topic, with the
  reason in a header, commits it, and the subscription carries on: nothing is lost, nothing
  blocks the partition.

Example::

    bus.start()
    sub = bus.subscribe([contract.channel("batchPipelineCompleted")], group="bcs", handler=on_done)
    bus.publish(channel, envelope.encode(), key=batch_id)
    ...
    sub.stop(); bus.stop()
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from harness.contract import Channel, Contract
from harness.envelope import Envelope, JsonObject, decode_json_object

DEAD_LETTER_REASON = "x-dead-letter-reason"
DEAD_LETTER_TOPIC = "x-original-topic"
DEAD_LETTER_SERVICE = "x-dead-lettered-by"


class ConsumerCrashed(Exception):
    """Raised by a handler to simulate a crash: no commit, the subscription stops."""


@dataclass(frozen=True)
class Delivery:
    """One message as consumed: where it came from, its key, headers and raw value."""

    channel: Channel
    topic: str
    key: str | None
    value: bytes | None
    headers: Mapping[str, str] = field(default_factory=dict)
    partition: int = 0
    offset: int = 0
    timestamp_ms: int = 0

    def json(self) -> JsonObject:
        """The value as a JSON object (EnvelopeDecodeError when it is not one)."""
        return decode_json_object(self.value, channel=self.channel.address)

    def envelope(self) -> Envelope:
        """The value as an Envelope (EnvelopeDecodeError when it is not one)."""
        return Envelope.decode(self.value or b"", channel=self.channel.address)


DeliveryHandler = Callable[[Delivery], None]


class Subscription(Protocol):
    """A running consumer; ``stop`` ends it after the message in hand (if any)."""

    def wait_assigned(self, timeout_s: float = 30.0) -> None:
        """Block until the consumer owns its partitions (so nothing published later is missed)."""

    def stop(self) -> None:
        """Stop consuming (committing what was handled) and release the consumer."""


class Bus(Protocol):
    """Publish to and consume from the contract's channels."""

    contract: Contract

    def start(self) -> None:
        """Connect (and create the contract's topics where the transport needs it)."""

    def stop(self) -> None:
        """Stop every subscription and release the connection."""

    def publish(
        self,
        channel: Channel,
        value: bytes | Envelope,
        *,
        key: str | None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Store one message on ``channel`` (an Envelope is encoded as the real system does)."""

    def subscribe(
        self,
        channels: Sequence[Channel],
        *,
        group: str | None,
        handler: DeliveryHandler,
        name: str = "",
    ) -> Subscription:
        """Consume ``channels`` in consumer ``group``; ``group=None`` reads every partition
        from the beginning without committing (a tap: the wire check uses it)."""
        ...

    def dead_letter(self, delivery: Delivery, reason: str, *, service: str = "") -> None:
        """Set ``delivery`` aside on the dead-letter topic with ``reason`` in a header."""

    def settle(self) -> None:
        """Return once everything this thread has published is stored. Inside a handler the
        bus awaits the outputs once, just before it commits the input; a service that writes
        what it remembers after each message calls this first, so that its state never runs
        ahead of what it sent (killed in between, it would remember a message that was lost)."""


def encode_value(value: bytes | Envelope) -> bytes:
    """The bytes to put on the wire."""
    return value.encode() if isinstance(value, Envelope) else value


def dead_letter_headers(delivery: Delivery, reason: str, service: str) -> dict[str, str]:
    """The headers of a dead-lettered message: why, from where, set aside by whom."""
    return {
        **delivery.headers,
        DEAD_LETTER_REASON: reason[:2000],
        DEAD_LETTER_TOPIC: delivery.topic,
        DEAD_LETTER_SERVICE: service or "?",
    }
