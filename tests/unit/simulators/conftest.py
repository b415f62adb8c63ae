"""Shared fixtures for the simulator tests: an in-memory bus, a tap on it, scripted senders.

- ``memory_bus``: a started ``InMemoryBus`` on the contract (stopped after the test).
- ``wire``: a started ``ContractObserver`` on ``memory_bus``: records and checks every message
  (``wire.expect(channel, batch_id=..., where=..., count=..., within_s=...)``,
  ``wire.expect_none(...)``, ``wire.copies(...)``); ``message_violations(wire)`` lists the
  per-message breaches (schema, event_type, sender, key) without the cross-message correlation
  check, which needs a pipeline request the unit tests do not always send.
- ``send``: publishes scripted input as the service the contract says sends that channel, through
  a real ``ServiceEndpoint`` (so it is validated): ``send("spellcheckPhaseCompleted", data,
  correlation_id=c)``; ``send.again(channel, envelope)`` redelivers the very same envelope (same
  event_id), as Kafka does after a crash.
- ``running``: ``running(simulator)`` starts a simulator and stops it after the test.
- ``registration(batch_id, essay_ids, ...)``: the data of a BatchEssaysRegistered, as BOS sends it.

For decisions that must be checked exactly (one outcome, not two), without waiting on threads:

- ``recording_bus``: a started ``RecordingBus``, an InMemoryBus that also keeps every envelope
  published on it, synchronously (``recording_bus.sent("elsBatchPhaseOutcome")``);
- ``deliver(simulator, channel, data, correlation_id=...)``: hands a simulator one message
  directly (validated first, as its endpoint would), on the calling thread; whatever the handler
  publishes is on the bus (and in ``recording_bus.sent``) when it returns.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

import pytest

from harness.bus import encode_value
from harness.contract import Channel, Contract
from harness.envelope import Envelope, JsonObject, utc_now
from harness.errors import Violation
from harness.expectations import Expectations
from harness.memory_bus import InMemoryBus
from harness.service import ServiceEndpoint
from harness.validation import ContractValidator
from simulators.base import Simulator


def message_violations(wire: Expectations, **filters: Any) -> list[Violation]:
    """Every per-message breach recorded on the wire (schema, event_type, sender, key)."""
    return [v for m in wire.copies(**filters) for v in m.violations]


class ScriptedSender:
    """Publishes scripted messages as the contract's sender of each channel."""

    def __init__(self, contract: Contract, bus: InMemoryBus) -> None:
        self.contract = contract
        self.bus = bus
        self._endpoints: dict[str, ServiceEndpoint] = {}

    def __call__(
        self,
        channel_id: str,
        data: Mapping[str, Any],
        *,
        correlation_id: str,
        metadata: Mapping[str, Any] | None = None,
    ) -> Envelope:
        return self.endpoint(channel_id).publish(
            channel_id, data, correlation_id=correlation_id, metadata=metadata
        )

    def again(self, channel_id: str, envelope: Envelope) -> None:
        """Redeliver ``envelope`` unchanged (same event_id)."""
        self.endpoint(channel_id).send(self.contract.channel(channel_id), envelope)

    def endpoint(self, channel_id: str) -> ServiceEndpoint:
        (sender, *_) = self.contract.senders(self.contract.channel(channel_id))
        if sender.id not in self._endpoints:
            self._endpoints[sender.id] = ServiceEndpoint(self.contract, self.bus, sender.id)
        return self._endpoints[sender.id]


@pytest.fixture
def send(contract: Contract, memory_bus: InMemoryBus) -> ScriptedSender:
    return ScriptedSender(contract, memory_bus)


S = TypeVar("S", bound=Simulator)


class Runner:
    """Starts simulators (waiting until they consume) and stops them all at the end."""

    def __init__(self) -> None:
        self.started: list[Simulator] = []

    def __call__(self, simulator: S) -> S:
        simulator.start()
        simulator.wait_ready()
        self.started.append(simulator)
        return simulator

    def stop_all(self) -> None:
        for simulator in reversed(self.started):
            simulator.stop()


@pytest.fixture
def running() -> Iterator[Runner]:
    runner = Runner()
    yield runner
    runner.stop_all()


def registration(
    batch_id: str,
    essay_ids: list[str],
    *,
    course_code: str = "ENG5",
    class_id: str | None = None,
    user_id: str = "teacher-1",
) -> dict[str, Any]:
    """The data of a BatchEssaysRegistered, as BOS sends it (contracts 5.2)."""
    return {
        "event": "batch.essays.registered",
        "entity_id": batch_id,
        "expected_essay_count": len(essay_ids),
        "essay_ids": essay_ids,
        "metadata": {
            "entity_id": batch_id,
            "entity_type": "batch",
            "timestamp": utc_now(),
            "event": "batch.essays.registered",
        },
        "course_code": course_code,
        "student_prompt_ref": None,
        "user_id": user_id,
        "org_id": None,
        "class_id": class_id,
    }


class RecordingBus(InMemoryBus):
    """An InMemoryBus that also keeps every envelope published on it, as it is published."""

    def __init__(self, contract: Contract) -> None:
        super().__init__(contract)
        self._published: list[tuple[str, JsonObject]] = []
        self._published_lock = threading.Lock()

    def publish(
        self,
        channel: Channel,
        value: bytes | Envelope,
        *,
        key: str | None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        with self._published_lock:
            self._published.append((channel.id, json.loads(encode_value(value))))
        super().publish(channel, value, key=key, headers=headers)

    def sent(self, channel_id: str | None = None) -> list[JsonObject]:
        """The envelopes published so far (on ``channel_id``, or on any channel)."""
        with self._published_lock:
            return [e for c, e in self._published if channel_id in (None, c)]


@pytest.fixture
def recording_bus(contract: Contract) -> Iterator[RecordingBus]:
    bus = RecordingBus(contract)
    bus.start()
    yield bus
    bus.stop()


def deliver(
    simulator: Simulator,
    channel_id: str,
    data: Mapping[str, Any],
    *,
    correlation_id: str,
    metadata: Mapping[str, Any] | None = None,
    envelope: Envelope | None = None,
) -> Envelope:
    """Hand ``simulator`` one message on the calling thread (validated, as its endpoint would).

    Pass ``envelope`` to deliver that very envelope again (a redelivery, same event_id).
    """
    contract = simulator.contract
    channel = contract.channel(channel_id)
    if envelope is None:
        (sender, *_) = contract.senders(channel)
        envelope = Envelope.new(
            event_type=channel.address,
            source_service=sender.source_service,
            data=data,
            correlation_id=correlation_id,
            metadata=metadata,
        )
    _validator(contract).check(channel, envelope.to_json())
    simulator.routes()[channel.id](envelope)
    return envelope


_VALIDATORS: dict[int, tuple[Contract, ContractValidator]] = {}


def _validator(contract: Contract) -> ContractValidator:
    """One validator per contract (building one compiles every schema)."""
    if id(contract) not in _VALIDATORS:
        _VALIDATORS[id(contract)] = (contract, ContractValidator(contract))
    return _VALIDATORS[id(contract)][1]
