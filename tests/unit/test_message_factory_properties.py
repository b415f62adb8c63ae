"""Property tests of the factories (issue 15), for every message and HTTP request body.

- 200 builds of each, seeds 0..199: every one clean on both validation paths (the fast verdict
  is CLEAN and ``explain`` finds nothing);
- every mutant of every fourth build (tests/unit/contract_mutants.py: each required field dropped,
  each field of the wrong type, each enum or const given an unlisted value, an unknown key in
  each closed object) refused on the fast path at the exact level the contract gives;
- the explaining path agrees with the fast one on each case (a kind of change to a field of a
  schema), the first time a build shows it; a rule-level case names the rule. A schema many
  messages share (EventEnvelope, ErrorDetail, SystemProcessingMetadata...) has its cases
  explained in one test, the first message by name that holds it; each message's own envelope
  (its ``event_type`` const and rule, its ``data``) in its own.

A failure names the seed and the change: ``MessageFactory(contract, seed=S).build_envelope(NAME)``
(or ``build_data``, ``build_request_body``) repeats the build, on any machine.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from harness.contract import Contract, resolve_pointer
from harness.errors import Violation
from harness.message_factory import MessageFactory
from harness.models import MESSAGES, REQUEST_BODIES, message_models, request_model
from harness.rules import Verdict, rule_marks
from harness.validation import ContractValidator
from tests.unit.contract_mutants import Mutant, mutants

BUILDS = 200
MUTATED_EVERY = 4
"""Every build is checked clean; every fourth one's mutants are checked too (50 builds of each
message: about 100k mutants; all 200 took 30 s more of the default test command)."""
Level = tuple[Verdict, str | None]
"""The verdict a mutant must get, and the rule a rule-level one breaks."""

PRODUCER_FIELDS = {("event_id",), ("event_timestamp",), ("correlation_id",)}
"""EventEnvelope's allOf branch marked complete-envelope requires them (a rule)."""


@pytest.fixture(scope="module")
def factory(contract: Contract, pipeline_validator: ContractValidator) -> MessageFactory:
    return MessageFactory(contract, validator=pipeline_validator)


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_every_build_of_a_message_is_clean_and_every_mutant_is_refused(
    name: str, contract: Contract, factory: MessageFactory, pipeline_validator: ContractValidator
) -> None:
    channel = contract.channel(contract.message(name).channel_id)
    payload = channel.message.payload_pointer
    event_type_rule = _event_type_rule(contract, payload)
    checker = _Checker(pipeline_validator, payload, where=channel.address, what=name)
    for seed in range(BUILDS):
        factory.reseed(seed)
        envelope = factory.build_envelope(channel)
        checker.clean(envelope, f"seed={seed} build_envelope({name!r})")
        if seed % 10 == 0:  # the data model alone too (another model class, another pointer)
            factory.reseed(seed)
            data = factory.build_data(channel)
            _Checker(pipeline_validator, channel.message.data_pointer, channel.address, name).clean(
                data, f"seed={seed} build_data({name!r})"
            )
        if seed % MUTATED_EVERY:
            continue
        model = message_models(name).envelope.model_validate(envelope)
        for mutant in mutants(model, envelope):
            level = _envelope_level(mutant, event_type_rule)
            explain = _explained_in(mutant.owner) == name
            checker.refused(mutant, level, f"seed={seed} build_envelope({name!r})", explain=explain)
    assert checker.explained >= 5, "its own envelope's cases at least"


@pytest.mark.parametrize("operation_id", sorted(o for o, m in REQUEST_BODIES.items() if m))
def test_every_build_of_a_request_body_is_clean_and_every_mutant_is_refused(
    operation_id: str, contract: Contract, factory: MessageFactory,
    pipeline_validator: ContractValidator,
) -> None:  # fmt: skip
    operation = contract.http_operation(operation_id)
    assert operation.request is not None and operation.request.schema_pointer is not None
    checker = _Checker(
        pipeline_validator, operation.request.schema_pointer, operation.label, "body"
    )
    model = request_model(operation_id)
    assert model is not None
    for seed in range(BUILDS):
        factory.reseed(seed)
        body = factory.build_request_body(operation_id)
        checker.clean(body, f"seed={seed} build_request_body({operation_id!r})")
        if seed % MUTATED_EVERY:
            continue
        for mutant in mutants(model.model_validate(body), body):
            level = _body_level(mutant)
            checker.refused(mutant, level, f"seed={seed} build_request_body({operation_id!r})")
    assert checker.explained > 0


def test_every_build_of_a_text_body_is_clean_and_a_number_or_nothing_is_refused(
    contract: Contract, factory: MessageFactory, pipeline_validator: ContractValidator
) -> None:
    operation = contract.http_operation("storeContent")
    assert request_model("storeContent") is None and operation.request is not None
    pointer = str(operation.request.schema_pointer)
    checker = _Checker(pipeline_validator, pointer, operation.label, "body")
    for seed in range(BUILDS):
        factory.reseed(seed)
        text = factory.build_request_body("storeContent")
        checker.clean(text, f"seed={seed} build_request_body('storeContent')")
    for wrong in (7, ""):  # not a string; shorter than minLength 1
        checker.refused(Mutant("type", (), wrong), (Verdict.BREAKING, None), f"body {wrong!r}")


class _Checker:
    """Both validation paths on one schema: clean builds, refused mutants, agreeing levels."""

    def __init__(self, validator: ContractValidator, pointer: str, where: str, what: str) -> None:
        self.validator, self.pointer, self.where, self.what = validator, pointer, where, what
        self.cases: set[tuple[str, str]] = set()

    @property
    def explained(self) -> int:
        return len(self.cases)

    def _explain(self, document: Any) -> list[Violation]:
        return self.validator.explain_at(self.pointer, document, where=self.where, what=self.what)

    def clean(self, document: Any, case: str) -> None:
        assert self.validator.verdict_at(self.pointer, document) is Verdict.CLEAN, case
        assert self._explain(document) == [], case

    def refused(self, mutant: Mutant, level: Level, case: str, *, explain: bool = True) -> None:
        verdict, rule = level
        fast = self.validator.verdict_at(self.pointer, mutant.document)
        assert fast is verdict, f"{_told(case, mutant)}: fast path {fast}, contract {verdict}"
        if not explain or mutant.case in self.cases:
            return
        self.cases.add(mutant.case)
        findings = self._explain(mutant.document)
        assert Verdict.of(findings) is fast, f"{_told(case, mutant)}: explain says {findings}"
        if verdict is Verdict.RULES:
            assert {f.rule for f in findings} == {rule}, f"{_told(case, mutant)}: {findings}"


def _told(case: str, mutant: Mutant) -> str:
    return f"{case}: {mutant.kind} at {mutant.pointer}"


def _body_level(mutant: Mutant) -> Level:
    """Every closed object of openapi.yaml is marked no-unknown-fields; the rest is breaking."""
    return (
        (Verdict.RULES, "no-unknown-fields") if mutant.kind == "extra" else (Verdict.BREAKING, None)
    )


def _envelope_level(mutant: Mutant, event_type_rule: str | None) -> Level:
    """The level the contract gives each change of an envelope (contracts/README.md, x-rules)."""
    if mutant.kind == "extra":
        return Verdict.RULES, "no-unknown-fields"
    if mutant.kind == "drop" and mutant.path in PRODUCER_FIELDS:
        return Verdict.RULES, "complete-envelope"
    if "spellcheck_metrics" in mutant.path:  # the rule owns the anyOf that types the field,
        return Verdict.RULES, "typed-spellcheck-metrics"  # so what is in it is its business
    if event_type_rule and mutant.kind == "enum" and mutant.path == ("event_type",):
        return Verdict.RULES, event_type_rule
    return Verdict.BREAKING, None


@functools.cache
def _explained_in(owner: type[BaseModel] | None) -> str:
    """The message whose test explains the cases of ``owner``: the first by name holding it."""
    return min(name for name, (envelope, _) in MESSAGES.items() if owner in _held(envelope))


@functools.cache
def _held(model: type[BaseModel]) -> frozenset[type[BaseModel]]:
    """``model``, its model bases and every model its fields hold, at any depth."""
    found: set[type[BaseModel]] = set()
    todo: list[Any] = [model]
    while todo:
        item = todo.pop()
        if inspect.isclass(item) and issubclass(item, BaseModel) and item not in found:
            found.add(item)
            todo += [base for base in item.__mro__ if base is not item]
            todo += [field.annotation for field in item.model_fields.values()]
        todo += get_args(item)
    return frozenset(found)


def _event_type_rule(contract: Contract, payload_pointer: str) -> str | None:
    """The rule that owns the message's ``event_type`` const (none on TeacherNotification...)."""
    for part in resolve_pointer(contract.document, payload_pointer).get("allOf", []):
        node = (part.get("properties") or {}).get("event_type")
        if isinstance(node, dict) and "const" in node:
            return next(iter(rule_marks(node)), None)
    raise AssertionError(f"{payload_pointer} has no event_type const")
