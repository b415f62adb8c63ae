"""Valid test messages for every channel and HTTP body of the contract, one call each (issue 15).

``MessageFactory`` builds from the generated models (harness.models) with polyfactory
(harness.model_factory), so your consumer's tests get messages the contract accepts without
writing one by hand::

    factory = MessageFactory(contract, seed=7)
    outcome = factory.build_envelope(
        "ELSBatchPhaseOutcomeV1",
        correlation_id=run_id,
        data={"batch_id": batch_id, "phase_name": "spellcheck"},
    )
    consumer.handle(outcome)                      # a dict, exactly what goes on the wire
    factory.build_data("ELSBatchPhaseOutcomeV1")  # the data payload alone
    factory.build_request_body("registerBatch", expected_essay_count=2)

- **What a build is**: JSON-ready (``model_dump(mode="json")``), as the real producers write it:
  UUIDs as strings, timestamps RFC 3339 in UTC with ``Z``, enums as their values.
- **Clean**: ``event_type`` is the channel's address (the model's Literal), ``source_service`` the
  string of one of the channel's senders, every oneOf value one branch only, every timestamp
  aware UTC. Each build is checked on the fast validation path: one that is not clean raises
  ContractViolation with every finding (never seen without overrides).
- **Overrides** are fields of what is built (the envelope's for ``build_envelope``). A mapping for
  a nested model merges into the generated one (only the keys given change, at any depth), a list
  of mappings builds one item from each, any other value replaces. The models check them: a value
  the contract refuses raises ContractViolation naming the field. To build a message that
  breaks the contract, change the returned dict.
- **Seed**: the n-th build of ``MessageFactory(contract, seed=s)`` is the same on every run and
  every day; without a seed one is drawn and kept in ``.seed`` (print it to repeat a run).
  ``reseed(s)`` starts that sequence again.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from faker import Faker
from pydantic import BaseModel

from harness.contract import Channel, Contract
from harness.envelope import JsonObject
from harness.errors import ContractViolation, UsageError, Violation
from harness.model_factory import ContractModelFactory, RefusedOverrides
from harness.models import message_models, request_model
from harness.rules import Verdict
from harness.validation import ContractValidator


class MessageFactory:
    """Builds clean envelopes, data payloads and HTTP request bodies (see the module docstring)."""

    def __init__(
        self,
        contract: Contract,
        *,
        seed: int | None = None,
        validator: ContractValidator | None = None,
    ) -> None:
        self.contract = contract
        self.validator = validator or ContractValidator(contract)
        self._random = random.Random()
        self._faker = Faker()
        self._factories: dict[type[BaseModel], type[Any]] = {}
        self.seed = 0
        self.reseed(random.SystemRandom().randrange(2**32) if seed is None else seed)

    def reseed(self, seed: int) -> None:
        """Start the sequence of builds of ``seed`` again."""
        self.seed = seed
        self._random.seed(seed)
        self._faker.seed_instance(seed)

    def build_envelope(self, message: str | Channel, **overrides: Any) -> JsonObject:
        """A whole envelope of ``message`` (its name, or its channel), as on the wire."""
        channel = self._channel(message)
        senders = self.contract.senders(channel)
        if senders and "source_service" not in overrides:
            overrides["source_service"] = self._random.choice(senders).source_service
        model = message_models(channel.message.name).envelope
        return self._built(model, overrides, channel.message.payload_pointer, *_named(channel))

    def build_data(self, message: str | Channel, **overrides: Any) -> JsonObject:
        """The ``data`` payload of ``message`` alone."""
        channel = self._channel(message)
        model = message_models(channel.message.name).data
        return self._built(model, overrides, channel.message.data_pointer, *_named(channel))

    def build_request_body(self, operation_id: str, **overrides: Any) -> JsonObject | str:
        """The request body of the HTTP operation ``operation_id`` (``registerBatch``): a JSON
        object, or a text for a body that is not JSON (``storeContent``: the essay's text)."""
        operation = self.contract.http_operation(operation_id)
        body = operation.request
        if body is None or body.schema_pointer is None:
            raise UsageError(f"{operation.label} ({operation_id}) takes no request body.")
        model = request_model(operation_id)
        if model is not None:
            return self._built(
                model, overrides, body.schema_pointer, operation.label, "request body"
            )
        if overrides:
            raise UsageError(f"the body of {operation.label} is a text: it has no fields.")
        text = self._faker.paragraph()
        self._check(body.schema_pointer, text, operation.label, "request body")
        return text

    def _channel(self, message: str | Channel) -> Channel:
        if isinstance(message, Channel):
            return message
        return self.contract.channel(self.contract.message(message).channel_id)

    def _built(
        self,
        model: type[BaseModel],
        overrides: Mapping[str, Any],
        pointer: str,
        where: str,
        what: str,
    ) -> JsonObject:
        try:
            built = self._factory(model).build(**overrides)
        except RefusedOverrides as refused:
            found = [Violation(where, what, at, why) for at, why in refused.pointers()]
            raise ContractViolation(found) from None
        document: JsonObject = built.model_dump(mode="json", by_alias=True)
        self._check(pointer, document, where, what)
        return document

    def _factory(self, model: type[BaseModel]) -> type[Any]:
        if model not in self._factories:
            self._factories[model] = ContractModelFactory.for_model(
                model, self._random, self._faker
            )
        return self._factories[model]

    def _check(self, pointer: str, document: Any, where: str, what: str) -> None:
        if self.validator.verdict_at(pointer, document) is not Verdict.CLEAN:
            findings = self.validator.explain_at(pointer, document, where=where, what=what)
            raise ContractViolation(findings or [Violation(where, what, "", "not clean")])


def _named(channel: Channel) -> tuple[str, str]:
    return channel.address, channel.message.name
