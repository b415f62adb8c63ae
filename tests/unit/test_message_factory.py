"""MessageFactory's promises (issue 15): clean JSON-ready builds, overrides merged at any depth,
a seed that repeats, errors that name the field; the pytest fixture."""

from __future__ import annotations

import json
import zlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from harness.contract import Contract
from harness.envelope import Envelope
from harness.errors import (
    ContractViolation,
    UnknownHttpOperationError,
    UnknownMessageError,
    UsageError,
)
from harness.message_factory import MessageFactory
from harness.model_factory import ContractModelFactory
from harness.rules import Verdict
from harness.validation import ContractValidator

OUTCOME = "ELSBatchPhaseOutcomeV1"


@pytest.fixture(scope="module")
def factory(contract: Contract, pipeline_validator: ContractValidator) -> MessageFactory:
    return MessageFactory(contract, seed=15, validator=pipeline_validator)


def test_an_envelope_is_what_goes_on_the_wire_from_one_of_the_channels_senders(
    contract: Contract, factory: MessageFactory
) -> None:
    channel = contract.channel("elsBatchPhaseOutcome")
    envelope = factory.build_envelope(OUTCOME)
    assert list(envelope) == list(Envelope.from_json(envelope).to_json())  # the real key order
    assert envelope["event_type"] == channel.address
    assert envelope["source_service"] in {s.source_service for s in contract.senders(channel)}
    assert envelope["event_timestamp"].endswith("Z")
    assert json.loads(json.dumps(envelope)) == envelope
    assert factory.build_envelope(channel)["event_type"] == channel.address  # by channel too


def test_overrides_merge_into_the_generated_data_at_any_depth(
    contract: Contract, factory: MessageFactory, pipeline_validator: ContractValidator
) -> None:
    envelope = factory.build_envelope(
        OUTCOME,
        correlation_id="0f3a9c2e-7b1d-4a6f-8e5c-3b2a1d0f9e8c",
        data={"batch_id": "b-1", "processed_essays": [{"essay_id": "e-1"}, {"essay_id": "e-2"}]},
    )
    data = envelope["data"]
    assert envelope["correlation_id"] == "0f3a9c2e-7b1d-4a6f-8e5c-3b2a1d0f9e8c"
    assert data["batch_id"] == "b-1" and "phase_name" in data  # the rest generated
    assert [e["essay_id"] for e in data["processed_essays"]] == ["e-1", "e-2"]
    assert all(e["text_storage_id"] for e in data["processed_essays"])
    channel = contract.channel("elsBatchPhaseOutcome")
    assert pipeline_validator.verdict(channel, envelope) is Verdict.CLEAN


def test_a_seed_repeats_the_builds_on_every_run_and_reseed_starts_them_again(
    contract: Contract, pipeline_validator: ContractValidator
) -> None:
    first = MessageFactory(contract, seed=7, validator=pipeline_validator)
    second = MessageFactory(contract, seed=7, validator=pipeline_validator)
    builds = [first.build_envelope(OUTCOME), first.build_data("BatchEssaysRegistered")]
    assert builds == [second.build_envelope(OUTCOME), second.build_data("BatchEssaysRegistered")]
    first.reseed(7)
    assert first.build_envelope(OUTCOME) == builds[0]
    assert first.build_envelope(OUTCOME) != builds[0]
    assert MessageFactory(contract, validator=pipeline_validator).seed >= 0  # drawn, kept


def test_an_override_the_contract_refuses_is_a_contract_violation_naming_the_field(
    factory: MessageFactory,
) -> None:
    with pytest.raises(ContractViolation) as refused:
        factory.build_envelope(OUTCOME, data={"processed_essays": [{}, {"essay_id": 3}]})
    (violation,) = refused.value.violations
    assert violation.pointer == "/data/processed_essays/1/essay_id"
    assert (violation.channel, violation.message) == ("huleedu.els.batch.phase.outcome.v1", OUTCOME)
    with pytest.raises(ContractViolation, match="/event_type"):
        factory.build_envelope(OUTCOME, event_type="batch.phase.outcome")  # a rule, but refused
    with pytest.raises(ContractViolation, match="/nickname"):
        factory.build_data(OUTCOME, nickname="x")


def test_an_unknown_message_is_refused_with_the_names_the_contract_knows(
    factory: MessageFactory,
) -> None:
    with pytest.raises(UnknownMessageError) as unknown:
        factory.build_envelope("ELSBatchPhaseOutcome")
    assert OUTCOME in unknown.value.known and OUTCOME in str(unknown.value)


@pytest.mark.parametrize(
    ("given", "present", "left_null"),
    [
        ({"winner": "Essay A"}, "winner", "error_detail"),
        ({"error_detail": {"message": "provider down"}}, "error_detail", "winner"),
    ],
)
def test_a_one_of_message_takes_the_one_branch_its_overrides_fit(
    factory: MessageFactory, given: dict[str, Any], present: str, left_null: str
) -> None:
    for _ in range(10):
        data = factory.build_data("LLMComparisonResultV1", **given)
        assert data[present] is not None and data[left_null] is None, data


def test_request_bodies_by_operation_id_json_or_text(factory: MessageFactory) -> None:
    body = factory.build_request_body("registerBatch", expected_essay_count=2)
    assert isinstance(body, dict) and body["expected_essay_count"] == 2
    assert isinstance(factory.build_request_body("storeContent"), str)
    with pytest.raises(UsageError, match="is a text"):
        factory.build_request_body("storeContent", text="x")
    with pytest.raises(UsageError, match="takes no request body"):
        factory.build_request_body("getBatchStatus")
    with pytest.raises(UnknownHttpOperationError):
        factory.build_request_body("registerEssay")


@settings(max_examples=60, deadline=None)
@given(
    batch_id=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=255),
    correlation=st.uuids(version=4),
)
def test_any_value_the_contract_takes_as_an_override_reaches_the_wire_and_stays_clean(
    factory: MessageFactory, pipeline_validator: ContractValidator, contract: Contract,
    batch_id: str, correlation: Any,
) -> None:  # fmt: skip
    channel = contract.channel("clientBatchPipelineRequest")
    envelope = factory.build_envelope(
        channel, correlation_id=str(correlation), data={"batch_id": batch_id}
    )
    assert envelope["data"]["batch_id"] == batch_id
    assert envelope["correlation_id"] == str(correlation)
    assert pipeline_validator.verdict(channel, envelope) is Verdict.CLEAN


def test_polyfactory_keeps_its_own_factory_for_models_that_are_not_the_contracts() -> None:
    class Pet(BaseModel):
        name: str

    assert not ContractModelFactory.is_supported_type(Pet)


def test_the_fixture_gives_each_test_its_own_repeatable_seed(
    message_factory: MessageFactory, request: pytest.FixtureRequest
) -> None:
    assert message_factory.seed == zlib.crc32(request.node.nodeid.encode("utf-8"))
    assert message_factory.build_envelope(OUTCOME)["event_type"].endswith("outcome.v1")
