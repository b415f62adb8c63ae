"""What every simulated service shares: one shape, one set of behaviour knobs.

A simulator is ``<Service>Simulator(contract, bus, behaviour)`` with ``start()``/``stop()``, class
attributes ``service_id``, ``consumes`` and ``produces`` (channel ids; a test checks them against
the contract's operations), and a frozen ``<Service>Behaviour`` (a subclass of ``Behaviour``)
that scenarios vary with ``dataclasses.replace``::

    spellcheck = SpellcheckSimulator(contract, bus, SpellcheckBehaviour(essay_failure_rate=0.5))
    spellcheck.start()
    spellcheck.behaviour = replace(spellcheck.behaviour, hang=True)   # from now on, never answers

A simulator meets the bus only through a ServiceEndpoint, so it can never publish on a channel the
contract does not give its service, and what it publishes is checked against the contract
(unless ``broken_output`` asks it to break the contract, to prove that the wire check catches it).

A service that answers HTTP (the LLM provider's queue, the CMS roster, ...) lists its operation
ids in ``serves`` and returns their handlers from ``http_handlers()``; ``start()`` serves them
through the contract (harness.http_app) on the port ``serve_http`` gave (a free one by default),
and ``http_url`` says where.
"""

from __future__ import annotations

import os
import pickle
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from harness.bus import Bus
from harness.contract import Channel, Contract, resolve_pointer
from harness.envelope import Envelope
from harness.errors import HarnessError, UsageError
from harness.exchanges import ExchangeLog
from harness.http_app import ContractApp, RequestHandler
from harness.http_server import HttpServer
from harness.service import EnvelopeHandler, ServiceEndpoint


@dataclass(frozen=True)
class Behaviour:
    """The knobs every simulator has. Subclasses add their own."""

    latency_s: float | tuple[float, float] = 0.0
    """Delay before each answer: fixed, or a (min, max) range drawn from the seeded generator."""
    essay_failure_rate: float = 0.0
    """Share of essays whose processing fails (decided per essay id, so replays agree)."""
    service_failure: bool = False
    """Every request fails, as when the service's dependency is down."""
    duplicate_outputs: bool = False
    """Every output is published twice (at-least-once delivery, as the real outbox does)."""
    hang: bool = False
    """Never answer (a hung or dead service)."""
    broken_output: bool = False
    """Publish outputs that break the contract, unchecked: a required field of the payload is
    left out (a breaking finding; the real consumers reject it)."""
    rule_breach: str | None = None
    """Publish outputs that break only this named rule of the contract, unchecked:
    ``no-unknown-fields`` (an unexpected field) or ``event-type-is-topic`` (event_type not the
    topic). The consumers accept them; the wire check reports them."""
    seed: int = 0
    """Seeds every random choice, so a run can be replayed."""

    def __post_init__(self) -> None:
        if self.rule_breach is not None and self.rule_breach not in RULE_BREACHES:
            raise UsageError(
                f"rule_breach {self.rule_breach!r} is not one a simulator can break.",
                hint=f"one of: {', '.join(RULE_BREACHES)}",
            )


RULE_BREACHES = ("no-unknown-fields", "event-type-is-topic")
"""The rules ``Behaviour.rule_breach`` can break."""


def without_a_required_field(
    contract: Contract, channel: Channel, data: Mapping[str, Any]
) -> dict[str, Any]:
    """``data`` less the last required field of its schema that is neither the batch id nor
    the key (so the message is still found and ordered, and broken)."""
    schema = resolve_pointer(contract.document, channel.message.data_pointer)
    kept = {channel.message.batch_pointer, channel.message.key_pointer}
    droppable = [f for f in schema.get("required", []) if f in data and f"/data/{f}" not in kept]
    return {k: v for k, v in data.items() if not droppable or k != droppable[-1]}


class Simulator:
    """Base of every simulated service: routes, behaviour, and publishing through the contract."""

    service_id: ClassVar[str]
    behaviour_type: ClassVar[type[Behaviour]] = Behaviour
    """The frozen dataclass of this service's knobs (``<Service>Behaviour``)."""
    consumes: ClassVar[tuple[str, ...]]
    produces: ClassVar[tuple[str, ...]]
    serves: ClassVar[tuple[str, ...]] = ()
    """HTTP operation ids (contracts/openapi.yaml) this service answers."""
    persisted: ClassVar[tuple[str, ...]] = ()
    """The attributes that hold what this service remembers (``keep_state`` writes them, under
    ``self._lock``, after every message it handles). Empty: it remembers nothing."""
    scales_out: ClassVar[bool] = False
    """True when it keeps nothing between messages, so that several processes of it may share
    its partitions (``up --processes --replicas SERVICE=N``). A service that gathers a batch's
    messages in memory (ELS, CJ, the aggregator) must see all of them: one process."""

    def __init__(self, contract: Contract, bus: Bus, behaviour: Behaviour | None = None) -> None:
        self.contract = contract
        self.bus = bus
        self.behaviour = behaviour or self.behaviour_type()
        self.random = random.Random(self.behaviour.seed)
        self.endpoint = ServiceEndpoint(contract, bus, self.service_id)
        self.http_server: HttpServer | None = None
        self.state_path: Path | None = None
        self._lock = threading.Lock()
        """Guards the attributes the service's handlers change (those in ``persisted``)."""

    def routes(self) -> Mapping[str, EnvelopeHandler]:
        """Channel id -> handler, for every channel in ``consumes``."""
        raise NotImplementedError

    def http_handlers(self) -> Mapping[str, RequestHandler]:
        """operationId -> handler, for every operation in ``serves``."""
        return {}

    def serve_http(
        self, *, host: str = "127.0.0.1", port: int = 0, exchanges: ExchangeLog | None = None
    ) -> None:
        """Bind this service's HTTP operations (before ``start``); ``http_url`` is known now."""
        if self.serves and self.http_server is None:
            app = ContractApp(
                self.contract, self.service_id, self.http_handlers(), exchanges=exchanges
            )
            self.http_server = HttpServer(app, host=host, port=port, name=self.service_id)

    @property
    def http_url(self) -> str | None:
        """Where this service answers HTTP (None when it serves none)."""
        return self.http_server.base_url if self.http_server else None

    def keep_state(self, path: Path) -> None:
        """Keep what this service remembers in ``path``: written after every message it
        handles (before the bus commits the message), read back at ``start``, so a process
        killed and started again on the file carries on (``up --state-dir``). Nothing is
        written for a service that remembers nothing (``snapshot`` is None)."""
        self.state_path = path

    def snapshot(self) -> bytes | None:
        """The ``persisted`` attributes, pickled under the lock (None: nothing to keep)."""
        if not self.persisted:
            return None
        with self._lock:
            return pickle.dumps({name: getattr(self, name) for name in self.persisted})

    def restore(self, state: bytes) -> None:
        """Take back what ``snapshot`` wrote."""
        values = pickle.loads(state)
        if not isinstance(values, dict) or set(values) != set(self.persisted):
            raise ValueError(f"it holds {sorted(values) if isinstance(values, dict) else values!r}")
        with self._lock:
            for name, value in values.items():
                setattr(self, name, value)

    def start(self) -> None:
        """Serve HTTP (if any), subscribe to the consumed channels (in the service's group)."""
        self._load_state()
        self.serve_http()
        if self.http_server is not None:
            self.http_server.start()
        for channel_id, handler in self.routes().items():
            self.endpoint.on(channel_id, self._answering(handler))
        self.endpoint.start()

    def wait_ready(self, timeout_s: float = 30.0) -> None:
        self.endpoint.wait_ready(timeout_s)

    def stop(self) -> None:
        if self.http_server is not None:
            self.http_server.stop()
        self.endpoint.stop()

    def emit(
        self,
        channel_id: str,
        data: Mapping[str, Any],
        *,
        correlation_id: str,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        """Publish ``data`` on ``channel_id`` as this service, honouring the behaviour knobs."""
        behaviour = self.behaviour
        channel = self.contract.channel(channel_id)
        if behaviour.broken_output:
            data = without_a_required_field(self.contract, channel, data)
        if behaviour.rule_breach == "no-unknown-fields":
            data = {**data, "unexpected_field": "breaks additionalProperties: false"}
        envelope = self.endpoint.envelope_for(
            channel, data, correlation_id=correlation_id, metadata=metadata
        )
        if behaviour.rule_breach == "event-type-is-topic":
            envelope = replace(envelope, event_type=channel.message.name)
        self.endpoint.validate_outgoing = not (behaviour.broken_output or behaviour.rule_breach)
        for _ in range(2 if behaviour.duplicate_outputs else 1):
            self.endpoint.send(channel, envelope)

    def essay_fails(self, essay_id: str) -> bool:
        """Whether this essay fails here: decided by seed and essay id alone (replayable)."""
        rate = self.behaviour.essay_failure_rate
        return rate > 0 and random.Random(f"{self.behaviour.seed}:{essay_id}").random() < rate

    def pause(self) -> None:
        """Wait the configured latency (fixed or drawn from the seeded range)."""
        latency = self.behaviour.latency_s
        seconds = self.random.uniform(*latency) if isinstance(latency, tuple) else latency
        if seconds > 0:
            time.sleep(seconds)

    def _answering(self, handler: EnvelopeHandler) -> EnvelopeHandler:
        def answer(envelope: Envelope) -> None:
            if self.behaviour.hang:
                return  # swallowed: a hung service never answers
            self.pause()
            handler(envelope)
            self._save_state()

        return answer

    def _save_state(self) -> None:
        if self.state_path is None or not self.persisted:
            return  # nothing to keep: nothing to wait for either
        self.bus.settle()  # what it remembers must not run ahead of what it sent
        state = self.snapshot()
        if state is None:
            return
        partial = self.state_path.with_name(self.state_path.name + ".partial")
        partial.write_bytes(state)
        os.replace(partial, self.state_path)  # a kill leaves the old file or the new, whole

    def _load_state(self) -> None:
        if self.state_path is None or not self.state_path.exists():
            return
        try:
            self.restore(self.state_path.read_bytes())
        except (
            OSError,
            ValueError,
            pickle.UnpicklingError,
            EOFError,
            AttributeError,
            TypeError,
        ) as exc:
            raise HarnessError(
                f"{self.service_id} cannot read its state file {self.state_path}: {exc}",
                hint="it was written by another version, or is damaged: remove it to start "
                "that service afresh",
            ) from None
