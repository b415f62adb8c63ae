"""The contract lint: the shipped contract is clean, and each rule catches its breakage."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.contract import default_contract_path
from harness.lint import lint_contract

Doc = dict[str, Any]


def _mutated(tmp_path: Path, mutate: Callable[[Doc], None]) -> Path:
    document = yaml.safe_load(default_contract_path().read_text(encoding="utf-8"))
    mutate(document)
    path = tmp_path / "asyncapi.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def _message(document: Doc, name: str = "BatchPipelineCompletedV1") -> Doc:
    return document["components"]["messages"][name]


def _ops(document: Doc, channel: str, action: str) -> list[str]:
    return [
        oid
        for oid, op in document["operations"].items()
        if op["channel"]["$ref"] == f"#/channels/{channel}" and op["action"] == action
    ]


def _second_sender(document: Doc) -> None:
    document["operations"]["els_send_batchPipelineCompleted"] = {
        "action": "send",
        "channel": {"$ref": "#/channels/batchPipelineCompleted"},
        "x-service": "els",
    }


def _no_receiver(document: Doc) -> None:
    for oid in _ops(document, "phaseSkipped", "receive"):
        del document["operations"][oid]


def _wrong_event_type(document: Doc) -> None:
    payload = _message(document)["payload"]
    payload["allOf"][1]["properties"]["event_type"]["const"] = "batch.pipeline.completed"


def _invalid_example(document: Doc) -> None:
    _message(document)["examples"][0]["payload"]["data"]["batch_id"] = 42


def _no_example(document: Doc) -> None:
    del _message(document)["examples"]


def _dangling_ref(document: Doc) -> None:
    document["components"]["schemas"]["Dangling"] = {"$ref": "#/components/schemas/Nowhere"}


def _ref_with_type(document: Doc) -> None:
    schema = document["components"]["schemas"]["BatchPipelineCompletedV1"]
    schema["properties"]["final_status"]["type"] = "string"


def _not_asyncapi(document: Doc) -> None:
    document["info"]["title"] = 42


def _wrong_source(document: Doc) -> None:
    _message(document)["examples"][0]["payload"]["source_service"] = "batch-service"


def _no_key_value(document: Doc) -> None:
    key = _message(document)["bindings"]["kafka"]["key"]
    key["x-key-pointer"] = "/data/no_such_field"


def _no_batch_value(document: Doc) -> None:
    _message(document)["x-batch-pointer"] = "/data/no_such_field"


def _bad_correlation_kind(document: Doc) -> None:
    _message(document)["x-correlation"] = "whatever"


@pytest.mark.parametrize(
    ("mutate", "rule"),
    [
        (_second_sender, "sender"),
        (_no_receiver, "receiver"),
        (_wrong_event_type, "event-type"),
        (_invalid_example, "example"),
        (_no_example, "example"),
        (_dangling_ref, "ref"),
        (_ref_with_type, "ref-siblings"),
        (_not_asyncapi, "asyncapi-schema"),
        (_wrong_source, "source-service"),
        (_no_key_value, "key"),
        (_no_batch_value, "batch"),
        (_bad_correlation_kind, "correlation"),
    ],
)
def test_each_rule_catches_its_breakage(
    tmp_path: Path, mutate: Callable[[Doc], None], rule: str
) -> None:
    findings = lint_contract(_mutated(tmp_path, mutate))
    assert rule in {f.rule for f in findings}, findings


def test_the_shipped_contract_is_clean() -> None:
    assert lint_contract(default_contract_path()) == []


def test_an_unreadable_spec_is_one_layout_finding(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: [", encoding="utf-8")
    (finding,) = lint_contract(path)
    assert finding.rule == "layout"
    assert "not valid YAML" in finding.problem
