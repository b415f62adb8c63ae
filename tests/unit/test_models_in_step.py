"""The committed models are what the contract generates today, byte for byte (issue 15)."""

from __future__ import annotations

import pytest

from harness.contract import Contract
from harness.models import MESSAGES, REQUEST_BODIES, message_models, request_model
from harness.models.generate import COMMAND, generated_files, stale


def test_the_generated_models_are_in_step_with_the_contract() -> None:
    pytest.importorskip("datamodel_code_generator", reason="a dev dependency")
    outdated = stale(generated_files())
    assert not outdated, (
        f"harness/models/{', '.join(outdated)} no longer match contracts/asyncapi.yaml and "
        f"openapi.yaml: run `{COMMAND}` (or `make models`) and commit the result"
    )


def test_every_message_and_http_operation_of_the_contract_has_its_models(
    contract: Contract,
) -> None:
    assert sorted(MESSAGES) == sorted(c.message.name for c in contract)
    assert sorted(REQUEST_BODIES) == sorted(contract.http_operations)
    for operation in contract.http_operations.values():
        has_json_body = operation.request is not None and operation.request.is_json
        assert (request_model(operation.id) is not None) == has_json_body, operation.id


def test_every_example_of_the_contract_parses_into_its_message_model(contract: Contract) -> None:
    for channel in contract:
        models = message_models(channel.message.name)
        for example in channel.message.examples:
            envelope = models.envelope.model_validate(example)
            assert envelope.model_dump(mode="json")["event_type"] == channel.address
            assert isinstance(dict(envelope)["data"], models.data)
