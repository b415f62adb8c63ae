"""Producing to Kafka, and the broker's acknowledgements: awaited at once, or deferred.

Outside a handler, ``produce`` returns once the broker stored the message (acks=all). Inside a
handler (``deferring()``), it only collects the message's receipt: the consumer loop commits
the handler's input once every receipt it caused is acknowledged (harness.kafka.consumer), so a
handler never waits a broker round trip per output, and nothing is committed before it is stored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from confluent_kafka import KafkaError, KafkaException, Message, Producer

from harness.errors import BusError
from harness.kafka.authorization import LoginWatch, refusal


class Receipt:
    """The broker's answer for one produced message (a librdkafka delivery callback)."""

    def __init__(
        self,
        topic: str,
        channel: str,
        on_done: Callable[[Receipt], None] | None = None,
        group: str | None = None,
    ) -> None:
        self.topic, self.channel = topic, channel
        self.group = group
        """The consumer group whose handler sent it (deferred receipts only)."""
        self.done = threading.Event()
        self.error: KafkaError | None = None
        self._on_done = on_done

    def __call__(self, error: KafkaError | None, _message: Message) -> None:
        self.error = error
        self.done.set()
        if self._on_done is not None:
            self._on_done(self)

    def failure(self, principal: str = "this client") -> BusError:
        """The BusError of a receipt that came back with an error (NotAuthorized when a
        secured broker refused ``principal`` to write the topic)."""
        refused = refusal(
            self.error, principal, "write to", f"topic {self.topic}", channel=self.channel
        )
        if refused is not None:
            return refused
        text = self.error.str() if self.error is not None else "unknown error"
        return BusError(f"publishing to {self.topic} failed: {text}", channel=self.channel)


class Publisher:
    """The bus's one idempotent producer (acks=all) and the receipts of what it sent.

    Example::

        publisher = Publisher({"bootstrap.servers": "127.0.0.1:9092"}, linger_ms=0, timeout_s=30)
        publisher.start()
        publisher.produce("run-1.topic", b"{}", key="k", headers=None, channel="topic")
    """

    def __init__(
        self,
        config: Mapping[str, Any],
        *,
        linger_ms: int,
        timeout_s: float,
        principal: str = "this client",
        logins: LoginWatch | None = None,
    ) -> None:
        self._config = {**config, "enable.idempotence": True, "acks": "all", "linger.ms": linger_ms}
        self.timeout_s = timeout_s
        self.principal = principal
        self.logins = logins or LoginWatch(principal)
        self._producer: Producer | None = None
        self._handler_context = threading.local()
        self._deferred: dict[str | None, set[Receipt]] = {}
        """Each consumer group's handler outputs not yet acknowledged (see ``settle``)."""
        self._deferred_lock = threading.Lock()

    @property
    def started(self) -> bool:
        return self._producer is not None

    def start(self) -> None:
        self._producer = Producer(self._config)

    def stop(self) -> None:
        """Send what is queued (up to 5 s) and release the producer."""
        if self._producer is not None:
            self._producer.flush(0 if self.logins.failure else 5)  # refused: nothing will go
            self._producer = None
        with self._deferred_lock:
            self._deferred.clear()  # what never came back will not: a restart starts afresh

    def produce(
        self,
        topic: str,
        value: bytes,
        key: str | None,
        headers: Mapping[str, str] | None,
        channel: str,
    ) -> None:
        """Send one message. Inside a handler, the acknowledgement is awaited once for all the
        handler's messages, before its input is committed (``deferring``); elsewhere, before
        returning. Either way nothing is committed or reported done before it is stored.
        """
        producer = self._require_producer()
        pending: list[Receipt] | None = getattr(self._handler_context, "pending", None)
        group: str | None = getattr(self._handler_context, "group", None)
        deferred = pending is not None
        receipt = Receipt(topic, channel, self._acknowledged if deferred else None, group)
        try:
            producer.produce(
                topic, value, key, headers=list((headers or {}).items()), on_delivery=receipt
            )
        except KafkaException as exc:  # librdkafka remembers a topic's refusal: raised here
            error: KafkaError = exc.args[0]
            refused = refusal(error, self.principal, "write to", f"topic {topic}", channel=channel)
            raise refused or BusError(
                f"cannot publish to {topic}: {exc}", channel=channel
            ) from None
        except BufferError as exc:
            raise BusError(f"cannot publish to {topic}: {exc}", channel=channel) from None
        if pending is not None:
            pending.append(receipt)
            with self._deferred_lock:
                if not receipt.done.is_set():
                    self._deferred.setdefault(group, set()).add(receipt)
            producer.poll(0)
        else:
            self.await_receipts([receipt])

    def await_receipts(self, receipts: Sequence[Receipt], *, failures: bool = True) -> None:
        """Block until the broker answered every receipt; BusError on a failure (with
        ``failures=False`` it only waits) or when no answer came within ``timeout_s``."""
        producer = self._require_producer()
        deadline = time.monotonic() + self.timeout_s
        for receipt in receipts:
            while not receipt.done.is_set():
                producer.poll(0.001)  # serves delivery callbacks, ours or another thread's
                self.logins.check()
                if time.monotonic() > deadline:
                    raise BusError(
                        f"no acknowledgement for a message to {receipt.topic}",
                        channel=receipt.channel,
                    )
            if failures and receipt.error is not None:
                raise receipt.failure(self.principal)

    def settle(self) -> None:
        """Await the acknowledgement of what this handler has published so far, and of what
        the other handlers of its consumer group have (outside a handler every publish is
        awaited already).

        A service that keeps state calls it before writing that state down: a service
        consuming two channels runs a handler per channel, and the state it writes holds what
        both did, so neither's outputs may still be on their way. BusError if one of this
        handler's failed; another handler's failure is that handler's to answer (its consumer
        commits nothing more), so it is only waited for. Other services on the same bus (one
        process's ``up``) are not waited for.
        """
        pending: list[Receipt] = getattr(self._handler_context, "pending", None) or []
        group: str | None = getattr(self._handler_context, "group", None)
        mine = set(pending)
        with self._deferred_lock:
            others = [r for r in self._deferred.get(group, ()) if r not in mine]
        self.await_receipts(pending)
        self.await_receipts(others, failures=False)

    def _acknowledged(self, receipt: Receipt) -> None:
        with self._deferred_lock:
            waiting = self._deferred.get(receipt.group)
            if waiting is not None:
                waiting.discard(receipt)

    def unacknowledged(self) -> int:
        """Messages produced whose acknowledgement has not been served yet."""
        return len(self._require_producer())

    def serve_receipts(self) -> None:
        """Run the delivery callbacks that are due, without waiting."""
        try:
            self._require_producer().poll(0)
        except KafkaException as exc:  # a fatal producer error (librdkafka raises it here)
            error: KafkaError = exc.args[0]
            refused = refusal(error, self.principal, "produce on", "the cluster")
            raise refused or BusError(f"the producer failed: {error.str()}") from None

    @contextmanager
    def deferring(self, group: str | None = None) -> Iterator[list[Receipt]]:
        """While a handler (of consumer group ``group``) runs on this thread, collect its
        publishes instead of waiting."""
        pending: list[Receipt] = []
        self._handler_context.pending = pending
        self._handler_context.group = group
        try:
            yield pending
        finally:
            self._handler_context.pending = None
            self._handler_context.group = None

    def _require_producer(self) -> Producer:
        if self._producer is None:
            raise BusError("the bus is not started", hint="call bus.start() first")
        return self._producer
