"""What the generated models lose of the contract (harness.models' docstring), pinned: each loss
shown on the models, next to the contract's verdict and what the factories do instead."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from harness.contract import Contract
from harness.message_factory import MessageFactory
from harness.models import message_models
from harness.rules import Verdict
from harness.validation import ContractValidator

RESULT = "LLMComparisonResultV1"
OUTCOME = "ELSBatchPhaseOutcomeV1"


def test_a_one_of_is_a_plain_union_the_factories_build_one_branch_of(
    contract: Contract, message_factory: MessageFactory, pipeline_validator: ContractValidator
) -> None:
    channel = contract.channel("llmComparisonResult")
    winner = message_factory.build_data(RESULT, winner="Essay A")
    failed = message_factory.build_data(RESULT, error_detail={"message": "provider down"})
    both = {**winner, "error_detail": failed["error_detail"]}
    message_models(RESULT).data.model_validate(both)  # the model takes a winner AND an error
    assert pipeline_validator.verdict_data(channel, both) is Verdict.BREAKING
    assert pipeline_validator.verdict_data(channel, winner) is Verdict.CLEAN


def test_a_dynamic_default_is_an_absent_field_never_a_null(
    message_factory: MessageFactory,
) -> None:
    model = message_models("EssaySlotAssignedV1").data
    data = message_factory.build_data("EssaySlotAssignedV1")
    bare = {k: v for k, v in data.items() if k not in ("correlation_id", "timestamp")}
    assert "correlation_id" not in model.model_validate(bare).model_dump(mode="json")
    with pytest.raises(ValidationError, match="correlation_id"):
        model.model_validate({**bare, "correlation_id": None})  # uuid4 in the producer, not null


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("event_timestamp", 1767225600),  # pydantic reads a unix time; the contract, RFC 3339
        ("event_id", "0f3a9c2e7b1d4a6f8e5c3b2a1d0f9e8c"),  # 32 hex digits: not the dashed uuid
        ("source_service", "someone"),  # the senders are operations, not a schema
    ],
)
def test_what_the_models_take_and_the_contract_does_not(
    contract: Contract, message_factory: MessageFactory, pipeline_validator: ContractValidator,
    field: str, value: Any,
) -> None:  # fmt: skip
    envelope = {**message_factory.build_envelope(OUTCOME), field: value}
    message_models(OUTCOME).envelope.model_validate(envelope)
    channel = contract.channel("elsBatchPhaseOutcome")
    if field == "source_service":  # the wire check's business (canonical-source-service)
        assert contract.wire_rule("source_service") is not None
    else:
        assert pipeline_validator.verdict(channel, envelope) is Verdict.BREAKING


def test_the_models_are_the_strict_contract_refusing_what_breaks_only_a_rule(
    contract: Contract, message_factory: MessageFactory, pipeline_validator: ContractValidator
) -> None:
    envelope = message_factory.build_envelope(OUTCOME)
    naive = {**envelope, "event_timestamp": envelope["event_timestamp"].removesuffix("Z")}
    unknown = {**envelope, "data": {**envelope["data"], "unexpected_field": True}}
    channel = contract.channel("elsBatchPhaseOutcome")
    for breach in (naive, unknown):
        assert pipeline_validator.verdict(channel, breach) is Verdict.RULES
        with pytest.raises(ValidationError):
            message_models(OUTCOME).envelope.model_validate(breach)
