"""The contract observer: a tap on every channel that checks each message on the wire.

It reads every channel of the contract from the beginning (no consumer group, no commits), and
for each message records what it saw and every way it breaks the contract:

- ``schema``: the value is a JSON envelope valid for its channel (payload included; this covers
  ``event_type`` = the channel address, rule ``event-type-is-topic``);
- ``source-service``: the publisher is a service the contract lets send on that channel, by its
  canonical name;
- ``key``: the Kafka key is the field the channel's binding names;
- ``correlation``: the pipeline's correlation chain holds (checked across channels, see
  ``harness.correlation``).

Every finding carries its level (harness.rules): the wire checks judge the named rules the
contract declares for them (``checked-on``), the schema findings are breaking or name a rule.

HTTP is seen too: the observer owns an ``ExchangeLog`` (``observer.exchanges``) that the
services' HTTP servers record into (harness.http_app), and its violations are the observer's.

Tests wait on what it recorded through the one expectation driver, ``harness.expectations``.

Example::

    observer = ContractObserver(contract, bus)
    observer.start()
    done = Expectations(observer).expect("batchPipelineCompleted", batch_id=batch_id)
    assert observer.violations() == []
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

from harness.bus import Bus, Delivery, Subscription
from harness.contract import Channel, Contract, message_key
from harness.correlation import correlation_breaches
from harness.envelope import JsonObject
from harness.errors import EnvelopeDecodeError, Violation
from harness.exchanges import ExchangeLog
from harness.observed import ObservedMessage, Where
from harness.rules import Level, WireCheck
from harness.validation import ContractValidator

COMPARISON_OVER_HTTP = "requestComparison"
"""The HTTP operation whose correlation ids LLMComparisonResultV1 may answer too."""


class ContractObserver:
    """Taps every channel of the contract, checks and records each message."""

    def __init__(
        self,
        contract: Contract,
        bus: Bus,
        *,
        validator: ContractValidator | None = None,
        clock: Callable[[], float] = time.monotonic,
        exchanges: ExchangeLog | None = None,
    ) -> None:
        self.contract = contract
        self.bus = bus
        self.validator = validator or ContractValidator(contract)
        self.clock = clock
        self.exchanges = exchanges if exchanges is not None else ExchangeLog(clock)
        """Every HTTP exchange of the services that record into it, checked."""
        self._messages: list[ObservedMessage] = []
        self._by_channel: dict[str, list[ObservedMessage]] = {}
        self._by_batch: dict[str, list[ObservedMessage]] = {}
        self._by_correlation: dict[str, list[ObservedMessage]] = {}
        self._lock = threading.Lock()
        self._subscription: Subscription | None = None
        self._listeners: list[Callable[[ObservedMessage], None]] = []
        self._service_of = {
            name: service.id
            for service in contract.services.values()
            for name in (*service.seen_source_services, service.source_service)
        }
        """Every source_service string the contract knows -> its service id."""

    def listen(self, listener: Callable[[ObservedMessage], None]) -> None:
        """Call ``listener`` with every message from now on, once it is recorded."""
        with self._lock:
            self._listeners.append(listener)

    def start(self) -> None:
        """Begin tapping every channel (from the beginning of each topic)."""
        if self._subscription is None:
            self._subscription = self.bus.subscribe(
                list(self.contract), group=None, handler=self._record, name="observer"
            )
            self._subscription.wait_assigned()

    def stop(self) -> None:
        if self._subscription is not None:
            self._subscription.stop()
            self._subscription = None

    # -- what was seen ---------------------------------------------------------------------

    def messages(
        self,
        channel: str | None = None,
        *,
        batch_id: str | None = None,
        correlation_id: str | None = None,
        where: Where | None = None,
    ) -> list[ObservedMessage]:
        """The recorded messages, filtered by channel, batch, correlation and ``where``."""
        wanted = self.contract.channel(channel).id if channel else None
        with self._lock:  # start from the smallest index that applies, not from everything
            candidates: list[list[ObservedMessage]] = [
                index.get(key, [])
                for index, key in (
                    (self._by_correlation, correlation_id),
                    (self._by_batch, batch_id),
                    (self._by_channel, wanted),
                )
                if key is not None
            ]
            smallest = min(candidates, key=len) if candidates else self._messages
            seen = list(smallest)
        return [
            m
            for m in seen
            if (wanted is None or m.channel.id == wanted)
            and (batch_id is None or m.batch_id == batch_id)
            and (correlation_id is None or m.correlation_id == correlation_id)
            and m.matches(where)
        ]

    def from_its_sender(self, message: ObservedMessage) -> bool:
        """Whether a service the contract lets send on the channel sent it (by any name the
        contract knows for it): a completion from anyone else completes nothing."""
        senders = self.contract.senders(message.channel)
        names = {s.source_service for s in senders} | {
            alias for s in senders for alias in s.seen_source_services
        }
        return message.source_service in names

    def violations(self, *, batch_id: str | None = None) -> list[Violation]:
        """Every breach seen: per message, of the correlation chains across messages, and of
        the HTTP exchanges."""
        seen = self.messages(batch_id=batch_id)
        per_message = [v for m in seen for v in m.violations]
        over_http = [
            e.correlation_id
            for e in self.exchanges.exchanges()
            if e.operation_id == COMPARISON_OVER_HTTP and e.correlation_id
        ]
        chains = [
            self._at_level_of(breach, "correlation")
            for breach in correlation_breaches(
                self.messages(), batch_id=batch_id, requested_elsewhere=over_http
            )
        ]
        return per_message + chains + self.exchanges.violations(batch_id=batch_id)

    # -- checking one message --------------------------------------------------------------

    def _record(self, delivery: Delivery) -> None:
        document: JsonObject | None
        try:
            document = delivery.json()
            problems = self._check(delivery, document)
        except EnvelopeDecodeError as exc:
            channel = delivery.channel
            undecodable = Violation(
                channel.address, channel.message.name, "", f"[schema] {exc.reason}"
            )
            document, problems = None, [undecodable]
        sender = self._sender_of(delivery.channel, document)
        observed = ObservedMessage(
            channel=delivery.channel,
            topic=delivery.topic,
            key=delivery.key,
            partition=delivery.partition,
            offset=delivery.offset,
            seen_at=self.clock(),
            document=document,
            violations=tuple(replace(v, sender=sender) for v in problems),
            sender=sender,
        )
        with self._lock:
            self._messages.append(observed)
            self._by_channel.setdefault(observed.channel.id, []).append(observed)
            if observed.batch_id is not None:
                self._by_batch.setdefault(observed.batch_id, []).append(observed)
            if observed.correlation_id is not None:
                self._by_correlation.setdefault(observed.correlation_id, []).append(observed)
            listeners = list(self._listeners)
        for listener in listeners:
            listener(observed)

    def _sender_of(self, channel: Channel, document: JsonObject | None) -> str | None:
        source = (document or {}).get("source_service")
        if isinstance(source, str) and source in self._service_of:
            return self._service_of[source]
        senders = self.contract.senders(channel)
        return senders[0].id if len(senders) == 1 else None

    def _check(self, delivery: Delivery, document: JsonObject) -> list[Violation]:
        channel = delivery.channel
        problems = []
        if not self.validator.is_valid(channel, document):
            problems += [
                replace(v, reason=f"[schema] {v.reason}")
                for v in self.validator.explain(channel, document)
            ]
        problems += self._check_sender(delivery, document)
        expected_key = message_key(channel, document)
        if channel.message.key_pointer and delivery.key != expected_key:
            reason = (
                f"Kafka key {delivery.key!r} is not {channel.message.key_pointer} "
                f"({expected_key!r})"
            )
            problems.append(self._violation(delivery, "", "key", reason))
        return problems

    def _check_sender(self, delivery: Delivery, document: JsonObject) -> list[Violation]:
        senders = self.contract.senders(delivery.channel)
        source = document.get("source_service")
        if isinstance(source, str) and source in {s.source_service for s in senders}:
            return []
        aliases = {a: s for s in senders for a in s.seen_source_services}
        if isinstance(source, str) and source in aliases:  # a list or object is no name
            owner = aliases[source]
            reason = (
                f"source_service {source!r} is a non-canonical name of {owner.id} "
                f"(the contract says {owner.source_service!r})"
            )
        else:
            allowed = ", ".join(s.source_service for s in senders) or "nobody"
            reason = f"source_service {source!r} may not publish here (allowed: {allowed})"
        return [self._violation(delivery, "/source_service", "source_service", reason)]

    def _violation(
        self, delivery: Delivery, pointer: str, check: WireCheck, reason: str
    ) -> Violation:
        channel = delivery.channel
        label = check.replace("_", "-")
        found = Violation(channel.address, channel.message.name, pointer, f"[{label}] {reason}")
        return self._at_level_of(found, check)

    def _at_level_of(self, violation: Violation, check: WireCheck) -> Violation:
        """A wire check's finding, at the level of the rule the contract declares for it
        (breaking when it declares none)."""
        rule = self.contract.wire_rule(check)
        if rule is None:
            return violation
        return replace(violation, level=Level.RULE, rule=rule.id)
