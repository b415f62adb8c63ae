"""The contract lint: the shipped contract is clean, and each rule catches its breakage."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.contract import default_contract_path, read_document
from harness.lint import lint_contract

Doc = dict[str, Any]


@functools.cache
def _asyncapi() -> str:
    return json.dumps(read_document(default_contract_path()))


def _mutated(tmp_path: Path, mutate: Callable[[Doc], None]) -> Path:
    """A mutated copy of the shipped AsyncAPI document (written as JSON: YAML too, and fast)."""
    document = json.loads(_asyncapi())
    mutate(document)
    path = tmp_path / "asyncapi.yaml"
    path.write_text(json.dumps(document), encoding="utf-8")
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
    schema = document["components"]["schemas"]["ELSBatchPhaseOutcomeV1"]
    schema["properties"]["phase_status"]["type"] = "string"


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


def _rule_without_rationale(document: Doc) -> None:
    del document["x-rules"]["utc-timestamps"]["rationale"]


def _rule_without_a_check(document: Doc) -> None:
    del document["x-rules"]["key-by-batch"]["checked-on"]


def _mark_of_an_undeclared_rule(document: Doc) -> None:
    schema = document["components"]["schemas"]["BatchPipelineCompletedV1"]
    schema["properties"]["batch_id"]["x-rule"] = "no-such-rule"


def _mark_without_the_rules_keyword(document: Doc) -> None:
    schema = document["components"]["schemas"]["BatchPipelineCompletedV1"]
    schema["properties"]["batch_id"]["x-rule"] = "utc-timestamps"


def _mark_of_a_wire_rule(document: Doc) -> None:
    schema = document["components"]["schemas"]["BatchPipelineCompletedV1"]
    schema["properties"]["batch_id"]["x-rule"] = "key-by-batch"


def _mark_under_one_of(document: Doc) -> None:
    branch = document["components"]["schemas"]["PipelinePromptPayload"]["oneOf"][0]
    branch["required"] = ["assignment_id"]
    branch["x-rule"] = "complete-envelope"


def _schema_rule_marked_nowhere(document: Doc) -> None:
    final_status = document["components"]["schemas"]["BatchPipelineCompletedV1"]["properties"][
        "final_status"
    ]
    del final_status["allOf"][1]["x-rule"]


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
        (_rule_without_rationale, "x-rules"),
        (_rule_without_a_check, "x-rules"),
        (_mark_of_an_undeclared_rule, "x-rules"),
        (_mark_without_the_rules_keyword, "x-rules"),
        (_mark_of_a_wire_rule, "x-rules"),
        (_schema_rule_marked_nowhere, "x-rules"),
        (_mark_under_one_of, "x-rules"),
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


def test_a_dangling_ref_in_a_payload_is_reported_once(tmp_path: Path) -> None:
    def dangling_data(document: Doc) -> None:
        payload = _message(document)["payload"]
        payload["allOf"][1]["properties"]["data"] = {"$ref": "#/components/schemas/Nowhere"}

    findings = lint_contract(_mutated(tmp_path, dangling_data))
    assert [f.rule for f in findings] == ["ref"], findings
    assert findings[0].where.endswith("/payload/allOf/1/properties/data")


# --- the OpenAPI companion ------------------------------------------------------------------

OPENAPI = default_contract_path().with_name("openapi.yaml")


@functools.cache
def _openapi() -> str:
    return json.dumps(read_document(OPENAPI))


def _with_openapi(tmp_path: Path, mutate: Callable[[Doc], None]) -> Path:
    """The shipped AsyncAPI document beside a mutated copy of its companion (written as JSON,
    which is YAML too, and fast to write and read)."""
    asyncapi = tmp_path / "asyncapi.yaml"
    asyncapi.symlink_to(default_contract_path())
    document = json.loads(_openapi())
    mutate(document)
    (tmp_path / "openapi.yaml").write_text(json.dumps(document), encoding="utf-8")
    return asyncapi


def _store(document: Doc) -> Doc:
    return document["paths"]["/v1/content"]["post"]


def _define(document: Doc) -> Doc:
    return document["paths"]["/internal/v1/pipelines/define"]["post"]


def _no_callers(document: Doc) -> None:
    del _store(document)["x-callers"]


def _unknown_server(document: Doc) -> None:
    _define(document)["x-service"] = "nobody"


def _unknown_caller(document: Doc) -> None:
    _define(document)["x-callers"] = ["bos", "mystery"]


def _http_example_invalid(document: Doc) -> None:
    media = _define(document)["requestBody"]["content"]["application/json"]
    media["example"]["correlation_id"] = "not-a-uuid"


def _http_example_missing(document: Doc) -> None:
    del _define(document)["requestBody"]["content"]["application/json"]["example"]


def _http_dangling_ref(document: Doc) -> None:
    media = _define(document)["requestBody"]["content"]["application/json"]
    media["schema"] = {"$ref": "asyncapi.yaml#/components/schemas/Nowhere"}


def _http_ref_with_type(document: Doc) -> None:
    media = _define(document)["requestBody"]["content"]["application/json"]
    media["schema"]["type"] = "object"


def _not_openapi(document: Doc) -> None:
    document["info"] = "a string"


def _no_operation_id(document: Doc) -> None:
    del _define(document)["operationId"]


@pytest.mark.parametrize(
    ("mutate", "rule"),
    [
        (_no_callers, "http-roles"),
        (_unknown_server, "http-roles"),
        (_unknown_caller, "http-roles"),
        (_http_example_invalid, "example"),
        (_http_example_missing, "example"),
        (_http_dangling_ref, "ref"),
        (_http_ref_with_type, "ref-siblings"),
        (_not_openapi, "openapi-schema"),
        (_no_operation_id, "layout"),
    ],
)
def test_each_openapi_rule_catches_its_breakage(
    tmp_path: Path, mutate: Callable[[Doc], None], rule: str
) -> None:
    findings = lint_contract(_with_openapi(tmp_path, mutate))
    assert rule in {f.rule for f in findings}, findings
    assert all(f.document == str(tmp_path / "openapi.yaml") for f in findings), findings


def test_the_companion_unchanged_is_clean(tmp_path: Path) -> None:
    assert lint_contract(_with_openapi(tmp_path, lambda _doc: None)) == []
