"""Validation against the contract: examples pass; every broken field is caught, with its pointer.

For every message of the contract, generated from the contract itself: the example is valid; the
example with each required data field removed, with each typed field of a wrong type, and with
each enum field set to a value outside the enum is rejected, by both the fast and the explaining
path, with the JSON pointer of the field.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from harness.contract import Channel, Contract, load_contract, resolve_pointer
from harness.errors import ContractViolation
from harness.validation import ContractValidator

CONTRACT = load_contract()
VALIDATOR = ContractValidator(CONTRACT)


def _data_schema(channel: Channel) -> dict[str, Any]:
    return dict(resolve_pointer(CONTRACT.document, channel.message.data_pointer))


def _resolved(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = resolve_pointer(CONTRACT.document, schema["$ref"])
    return schema


def _cases(kind: str) -> Iterator[Any]:
    for channel in CONTRACT:
        schema = _data_schema(channel)
        properties = schema.get("properties", {})
        fields = schema.get("required", []) if kind == "required" else properties
        for field in fields:
            prop = _resolved(properties.get(field, {}))
            if kind == "enum" and "enum" not in prop:
                continue
            if kind == "type" and not isinstance(prop.get("type"), str):
                continue
            yield pytest.param(channel, field, id=f"{channel.message.name}.{field}")


def _example(channel: Channel) -> dict[str, Any]:
    return copy.deepcopy(dict(channel.message.examples[0]))


def _rejected(channel: Channel, envelope: dict[str, Any]) -> list[str]:
    violations = VALIDATOR.explain(channel, envelope)
    assert not VALIDATOR.is_valid(channel, envelope), "the fast path accepted it"
    assert violations, "the explaining path found nothing"
    return [v.pointer for v in violations]


@pytest.mark.parametrize("channel", list(CONTRACT), ids=lambda c: c.message.name)
def test_every_example_is_valid(channel: Channel) -> None:
    for example in channel.message.examples:
        assert VALIDATOR.is_valid(channel, example)
        assert VALIDATOR.explain(channel, example) == []
        assert VALIDATOR.is_valid_data(channel, example["data"])


@pytest.mark.parametrize(("channel", "field"), list(_cases("required")))
def test_a_missing_required_field_is_rejected(channel: Channel, field: str) -> None:
    envelope = _example(channel)
    del envelope["data"][field]
    assert "/data" in _rejected(channel, envelope)
    reasons = [v.reason for v in VALIDATOR.explain(channel, envelope)]
    assert any(repr(field) in reason for reason in reasons)


@pytest.mark.parametrize(("channel", "field"), list(_cases("type")))
def test_a_field_of_the_wrong_type_is_rejected(channel: Channel, field: str) -> None:
    envelope = _example(channel)
    prop = _resolved(_data_schema(channel)["properties"][field])
    envelope["data"][field] = 12345 if prop["type"] in ("string", "object", "array") else "x"
    assert f"/data/{field}" in _rejected(channel, envelope)


@pytest.mark.parametrize(("channel", "field"), list(_cases("enum")))
def test_a_value_outside_the_enum_is_rejected(channel: Channel, field: str) -> None:
    envelope = _example(channel)
    envelope["data"][field] = "bogus-value"
    assert f"/data/{field}" in _rejected(channel, envelope)


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        ("event_id", "not-a-uuid"),
        ("correlation_id", "352c49b0-4eb7-41f5-a561"),
        ("event_timestamp", "2025-13-01T00:00:00Z"),
        ("event_timestamp", "yesterday"),
    ],
)
def test_formats_are_really_checked(contract: Contract, pointer: str, value: str) -> None:
    channel = contract.channel("batchPipelineCompleted")
    envelope = _example(channel)
    envelope[pointer] = value
    assert f"/{pointer}" in _rejected(channel, envelope)


def test_an_event_type_other_than_the_channel_address_is_a_breach(contract: Contract) -> None:
    # The real BOS writes "batch.pipeline.completed" here; the contract's rule is the address.
    channel = contract.channel("batchPipelineCompleted")
    envelope = _example(channel)
    envelope["event_type"] = "batch.pipeline.completed"
    assert "/event_type" in _rejected(channel, envelope)


def test_unknown_fields_are_refused(contract: Contract) -> None:
    channel = contract.channel("elsBatchPhaseOutcome")
    envelope = _example(channel)
    envelope["data"]["phase_stauts"] = "typo"
    assert "/data" in _rejected(channel, envelope)


def test_check_raises_with_every_violation(contract: Contract) -> None:
    channel = contract.channel("elsBatchPhaseOutcome")
    envelope = _example(channel)
    envelope["data"]["phase_name"] = "bogus-value"
    envelope["correlation_id"] = "nope"
    with pytest.raises(ContractViolation) as caught:
        VALIDATOR.check(channel, envelope)
    pointers = {v.pointer for v in caught.value.violations}
    assert {"/data/phase_name", "/correlation_id"} <= pointers
    assert caught.value.channel == channel.address
    assert caught.value.message_name == "ELSBatchPhaseOutcomeV1"
