"""load_contract: the real contract loads, broken documents give errors naming the place."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
import yaml

from harness.contract import Contract, default_contract_path, load_contract
from harness.errors import (
    ContractLoadError,
    UnknownChannelError,
    UnknownMessageError,
    UnknownServiceError,
)


def _write(tmp_path: Path, document: object) -> Path:
    """The document as JSON (which is YAML): PyYAML's pure-Python dump took ~1 s a test."""
    path = tmp_path / "asyncapi.yaml"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@functools.cache
def _shipped() -> str:
    return json.dumps(yaml.safe_load(default_contract_path().read_text(encoding="utf-8")))


@pytest.fixture
def document() -> dict:
    """A fresh copy of the shipped contract for a test to break (parsed once per worker)."""
    return json.loads(_shipped())


def test_channels_are_found_by_id_and_by_address(contract: Contract) -> None:
    by_id = contract.channel("batchPipelineCompleted")
    assert contract.channel(by_id.address) is by_id
    assert by_id.address == "huleedu.batch.pipeline.completed.v1"
    assert by_id.message.name == "BatchPipelineCompletedV1"


def test_an_unknown_channel_is_refused_with_close_names(contract: Contract) -> None:
    with pytest.raises(UnknownChannelError) as caught:
        contract.channel("batchPipelineComplete")
    assert "batchPipelineCompleted" in str(caught.value)
    assert caught.value.name == "batchPipelineComplete"


def test_unknown_messages_and_services_are_refused(contract: Contract) -> None:
    with pytest.raises(UnknownMessageError):
        contract.message("BatchPipelineRequestedV1")
    with pytest.raises(UnknownServiceError):
        contract.service("orchestrator")


def test_completion_is_sent_by_bos_and_received_by_bcs_and_the_aggregator(
    contract: Contract,
) -> None:
    completed = contract.channel("batchPipelineCompleted")
    assert [s.id for s in contract.senders(completed)] == ["bos"]
    assert {"bcs", "result_aggregator"} <= {s.id for s in contract.receivers(completed)}
    assert completed in contract.produced_by("bos")


def test_a_topic_with_a_run_prefix_maps_back_to_its_channel(contract: Contract) -> None:
    channel = contract.channel_for_topic("run-1.huleedu.batch.pipeline.completed.v1", "run-1.")
    assert channel.id == "batchPipelineCompleted"


def test_the_contract_is_frozen(contract: Contract) -> None:
    with pytest.raises(AttributeError):
        contract.channel("batchPipelineCompleted").address = "elsewhere"  # type: ignore[misc]
    with pytest.raises(TypeError):
        contract.channels["x"] = contract.channel("batchPipelineCompleted")  # type: ignore[index]


def test_a_missing_file_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(ContractLoadError, match=r"cannot load contract .*missing\.yaml"):
        load_contract(tmp_path / "missing.yaml")


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("asyncapi: 3.0.0\nchannels: [\n", encoding="utf-8")
    with pytest.raises(ContractLoadError, match="line 3"):
        load_contract(path)


def test_yaml_tags_are_not_executed(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("asyncapi: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(ContractLoadError, match="not valid YAML"):
        load_contract(path)


def test_a_remote_ref_is_refused(tmp_path: Path, document: dict) -> None:
    document["components"]["schemas"]["Remote"] = {"$ref": "https://example.com/x.json"}
    with pytest.raises(ContractLoadError, match="remote \\$ref") as caught:
        load_contract(_write(tmp_path, document))
    assert caught.value.where == "/components/schemas/Remote"


def test_an_asyncapi_2_document_is_refused(tmp_path: Path, document: dict) -> None:
    document["asyncapi"] = "2.6.0"
    with pytest.raises(ContractLoadError, match="AsyncAPI 3"):
        load_contract(_write(tmp_path, document))


def test_an_operation_naming_an_unknown_service_is_refused(tmp_path: Path, document: dict) -> None:
    operation = next(iter(document["operations"].values()))
    operation["x-service"] = "nobody"
    with pytest.raises(ContractLoadError, match="'nobody' is not in x-services"):
        load_contract(_write(tmp_path, document))


def test_a_channel_with_two_messages_is_refused(tmp_path: Path, document: dict) -> None:
    channel = document["channels"]["batchPipelineCompleted"]
    channel["messages"]["Other"] = channel["messages"]["BatchPipelineCompletedV1"]
    with pytest.raises(ContractLoadError, match="exactly one message"):
        load_contract(_write(tmp_path, document))
