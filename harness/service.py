"""ServiceEndpoint: how one service of the pipeline meets the bus, through the contract.

Every simulator and the reference orchestrator talk to Kafka only through an endpoint, so every
one of them gets the same guarantees for free:

- it may only consume the channels the contract says it receives, and only publish on the
  channels the contract says it sends (anything else raises ContractError at once);
- what it publishes gets ``event_type`` = the channel address, its own ``source_service``, the
  Kafka key from the contract's binding, and is validated before it leaves (unless a scenario
  deliberately breaks it);
- what it receives is validated before a handler sees it, the way the real consumers judge it:
  a message with a breaking finding (or whose handler fails) is set aside on the dead-letter
  topic with the reason, and the service goes on; one that breaks only named clean rules
  (harness.rules: a naive timestamp, an event_type that is not the topic...) is accepted, as the
  real consumers accept it, and its breaches are logged once per channel, rule and sender and
  counted in ``rule_breaches``; unknown fields are dropped before the handler sees the message,
  as a real consumer's model drops them (so they never travel on in what the service sends).

Example::

    endpoint = ServiceEndpoint(contract, bus, "spellchecker")
    endpoint.on("essaySpellcheckRequested", handle_request)      # handle_request(envelope)
    endpoint.start()
    endpoint.publish("spellcheckPhaseCompleted", data, correlation_id=envelope.correlation_id)
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.bus import Bus, Delivery, Subscription
from harness.contract import Channel, Contract, message_key
from harness.envelope import Envelope
from harness.errors import ContractError, ContractViolation, EnvelopeDecodeError, Violation
from harness.rules import Verdict
from harness.validation import ContractValidator

EnvelopeHandler = Callable[[Envelope], None]
log = logging.getLogger("harness.service")


@dataclass(frozen=True)
class Outgoing:
    """What a decision wants published: a channel, the data, the correlation id to carry."""

    channel_id: str
    data: Mapping[str, Any]
    correlation_id: str
    metadata: Mapping[str, Any] | None = None
    event_id: str | None = None
    """The event_id to publish under (None: a new one). A message a service may send again
    on purpose (BOS re-driving a phase after a restart) names its id, the same each time."""


class ServiceEndpoint:
    """One service's validated, contract-checked connection to the bus."""

    def __init__(
        self,
        contract: Contract,
        bus: Bus,
        service_id: str,
        *,
        validator: ContractValidator | None = None,
        group: str | None = None,
        validate_outgoing: bool = True,
    ) -> None:
        self.contract = contract
        self.bus = bus
        self.service = contract.service(service_id)
        self.validator = validator or ContractValidator(contract)
        self.group = group or self.service.consumer_group
        self.validate_outgoing = validate_outgoing
        self._routes: dict[str, EnvelopeHandler] = {}
        self._subscription: Subscription | None = None
        self._may_send = {c.id for c in contract.produced_by(service_id)}
        self._may_receive = {c.id for c in contract.consumed_by(service_id)}
        self.rule_breaches: Counter[tuple[str, str, str]] = Counter()
        """Accepted messages that broke a named rule, by (channel id, rule id, source_service)."""

    def on(self, channel_name: str, handler: EnvelopeHandler) -> None:
        """Route messages of ``channel_name`` (id or address) to ``handler``."""
        channel = self.contract.channel(channel_name)
        if channel.id not in self._may_receive:
            raise ContractError(
                f"service {self.service.id!r} does not receive {channel.id!r} in the contract.",
                hint=f"it receives: {', '.join(sorted(self._may_receive)) or 'nothing'}",
            )
        self._routes[channel.id] = handler

    def start(self) -> None:
        """Subscribe to every routed channel in the service's consumer group."""
        if self._routes and self._subscription is None:
            channels = [self.contract.channel(cid) for cid in self._routes]
            self._subscription = self.bus.subscribe(
                channels, group=self.group, handler=self._deliver, name=self.service.id
            )

    def wait_ready(self, timeout_s: float = 30.0) -> None:
        """Block until the consumer owns its partitions."""
        if self._subscription is not None:
            self._subscription.wait_assigned(timeout_s)

    def stop(self) -> None:
        if self._subscription is not None:
            self._subscription.stop()
            self._subscription = None

    def publish(
        self,
        channel_name: str,
        data: Mapping[str, Any],
        *,
        correlation_id: str,
        metadata: Mapping[str, Any] | None = None,
        key: str | None = None,
    ) -> Envelope:
        """Wrap ``data`` in an envelope of this service and publish it on ``channel_name``."""
        channel = self.contract.channel(channel_name)
        envelope = self.envelope_for(
            channel, data, correlation_id=correlation_id, metadata=metadata
        )
        self.send(channel, envelope, key=key)
        return envelope

    def envelope_for(
        self,
        channel: Channel,
        data: Mapping[str, Any],
        *,
        correlation_id: str,
        metadata: Mapping[str, Any] | None = None,
        event_id: str | None = None,
    ) -> Envelope:
        """The envelope this service writes for ``data`` on ``channel``."""
        return Envelope.new(
            event_type=channel.address,
            source_service=self.service.source_service,
            data=data,
            correlation_id=correlation_id,
            metadata=metadata,
            event_id=event_id,
        )

    def send(self, channel: Channel, envelope: Envelope, *, key: str | None = None) -> None:
        """Publish a ready envelope (checked against the contract unless told not to)."""
        if channel.id not in self._may_send:
            raise ContractError(
                f"service {self.service.id!r} may not publish on {channel.id!r}.",
                hint=f"the contract gives it: {', '.join(sorted(self._may_send)) or 'nothing'}",
            )
        document = envelope.to_json()
        if self.validate_outgoing:
            self.validator.check(channel, document)
        self.bus.publish(
            channel, envelope, key=key if key is not None else message_key(channel, document)
        )

    def _deliver(self, delivery: Delivery) -> None:
        try:
            document = delivery.json()
        except EnvelopeDecodeError as exc:
            self.bus.dead_letter(delivery, str(exc), service=self.service.id)
            return
        channel = delivery.channel
        verdict = self.validator.verdict(channel, document)
        if verdict is not Verdict.CLEAN:
            violations = self.validator.explain(channel, document)
            breaking = [v for v in violations if v.breaking]
            if verdict is Verdict.BREAKING:
                reason = str(ContractViolation(breaking)) if breaking else "invalid"
                self.bus.dead_letter(delivery, reason, service=self.service.id)
                return
            self._note_breaches(channel, document, violations)
            document = self.validator.without_unknown_fields(channel, document)
        self._routes[channel.id](Envelope.from_json(document))

    def _note_breaches(
        self, channel: Channel, document: Mapping[str, Any], violations: list[Violation]
    ) -> None:
        sender = str(document.get("source_service"))
        for violation in violations:
            key = (channel.id, str(violation.rule), sender)
            if not self.rule_breaches[key]:
                log.warning(
                    "%s accepts %s from %s breaking rule %s (the real consumers accept it): %s",
                    self.service.id,
                    channel.message.name,
                    sender,
                    violation.rule,
                    violation,
                )
            self.rule_breaches[key] += 1
