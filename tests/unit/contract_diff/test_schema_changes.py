"""Field by field: requirement, types, values, bounds, strings, objects, branches, $ref."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.contract import Contract
from harness.evolution import diff_contracts
from tests.unit.contract_diff import minimal
from tests.unit.contract_diff.minimal import Doc
from tests.unit.contract_diff.table import (
    BOTH,
    COMPATIBLE,
    CONSUMERS,
    OUTCOME,
    PRODUCERS,
    RECEIVERS,
    REGISTERED,
    RULE,
    Edit,
    Expect,
    check,
    drop,
    field,
    row,
    schema,
    set_,
)


def _copy_schema(doc: Doc, name: str, copy_name: str, **changes: Any) -> None:
    doc["components"]["schemas"][copy_name] = {**doc["components"]["schemas"][name], **changes}


def _retarget_phase(copy_changes: dict[str, Any]) -> Edit:
    def edit(doc: Doc, api: Doc) -> None:
        _copy_schema(doc, "Phase", "PhaseV2", **copy_changes)
        schema("BatchRegisteredV1", "properties", "phase")(doc)["$ref"] = (
            "#/components/schemas/PhaseV2"
        )

    return edit


ROWS = [
    # fields and requirement
    row(
        "required added",
        set_("BatchRegisteredV1", "required", value=["batch_id", "count", "note"]),
        Expect("field-required-added", PRODUCERS, ("bos",), f"{REGISTERED} /data/note"),
    ),
    row(
        "required removed",
        set_("BatchRegisteredV1", "required", value=["batch_id"]),
        Expect("field-required-removed", CONSUMERS, RECEIVERS, f"{REGISTERED} /data/count"),
    ),
    row(
        "optional field added where a rule closes the object",
        set_("BatchRegisteredV1", "properties", "extra", value={"type": "string"}),
        Expect("field-added", RULE, RECEIVERS, f"{REGISTERED} /data/extra", "no-unknown-fields"),
    ),
    row(
        "optional field added to an object closed without a rule",
        set_("PhaseOutcomeV1", "properties", "extra", value={"type": "string"}),
        Expect("field-added", CONSUMERS, ("bos",), f"{OUTCOME} /data/extra"),
    ),
    row(
        "typed field added to an open object",
        set_("EssayRef", "properties", "lang", value={"type": "string"}),
        Expect("field-added", PRODUCERS, ("els",), f"{OUTCOME} /data/essays/*/lang"),
    ),
    row(
        "untyped field added to an open object",
        set_("EssayRef", "properties", "anything", value={"description": "whatever"}),
        Expect("field-added", COMPATIBLE, where=f"{OUTCOME} /data/essays/*/anything"),
    ),
    row(
        "field removed where a rule closes the object",
        drop("BatchRegisteredV1", "properties", "code"),
        Expect("field-removed", RULE, ("bos",), f"{REGISTERED} /data/code", "no-unknown-fields"),
    ),
    row(
        "field removed from an object closed without a rule",
        drop("PhaseOutcomeV1", "properties", "essays"),
        Expect("field-removed", PRODUCERS, ("els",), f"{OUTCOME} /data/essays"),
    ),
    # types and nullability
    row(
        "type widened",
        field("BatchRegisteredV1", "count", "type", "number"),
        Expect("type-widened", CONSUMERS, RECEIVERS, f"{REGISTERED} /data/count"),
    ),
    row(
        "type narrowed",
        field("BatchRegisteredV1", "size", "type", "integer"),
        Expect("type-narrowed", PRODUCERS, ("bos",), f"{REGISTERED} /data/size"),
    ),
    row(
        "type integer -> string",
        field("BatchRegisteredV1", "count", "type", "string"),
        Expect("type-changed", BOTH, (*RECEIVERS, "bos"), f"{REGISTERED} /data/count"),
    ),
    row(
        "nullable added (type list)",
        field("BatchRegisteredV1", "batch_id", "type", ["string", "null"]),
        Expect("nullable-added", CONSUMERS, RECEIVERS, f"{REGISTERED} /data/batch_id"),
    ),
    row(
        "nullable added (nullable: true)",
        field("BatchRegisteredV1", "batch_id", "nullable", True),
        Expect("nullable-added", CONSUMERS, RECEIVERS, f"{REGISTERED} /data/batch_id"),
    ),
    row(
        "nullable removed",
        field("BatchRegisteredV1", "note", "type", "string"),
        Expect("nullable-removed", PRODUCERS, ("bos",), f"{REGISTERED} /data/note"),
    ),
    # values
    row(
        "enum value added (a shared enum: every use)",
        set_("Phase", "enum", value=["spellcheck", "nlp", "cj"]),
        Expect("enum-value-added", CONSUMERS, RECEIVERS, f"{REGISTERED} /data/phase"),
        Expect("enum-value-added", CONSUMERS, ("bos",), f"{OUTCOME} /data/phase"),
        Expect(
            "enum-value-added",
            CONSUMERS,
            ("result_aggregator",),
            "GET /v1/batches/{batch_id} response 200 /phase",
        ),
    ),
    row(
        "enum value removed",
        set_("Phase", "enum", value=["spellcheck"]),
        Expect("enum-value-removed", PRODUCERS, ("bos",), f"{REGISTERED} /data/phase"),
        Expect("enum-value-removed", PRODUCERS, ("els",), f"{OUTCOME} /data/phase"),
        Expect(
            "enum-value-removed",
            PRODUCERS,
            ("bos",),
            "GET /v1/batches/{batch_id} response 200 /phase",
        ),
    ),
    row(
        "enum added",
        field("BatchRegisteredV1", "code", "enum", ["AB", "CD"]),
        Expect("enum-added", PRODUCERS, ("bos",), f"{REGISTERED} /data/code"),
    ),
    row(
        "const changed",
        field("PhaseOutcomeV1", "version", "const", 2),
        Expect("const-changed", BOTH, ("bos", "els"), f"{OUTCOME} /data/version"),
    ),
    row(
        "default changed on an optional field",
        field("BatchRegisteredV1", "note", "default", ""),
        Expect("default-changed", BOTH, (*RECEIVERS, "bos"), f"{REGISTERED} /data/note"),
    ),
    row(
        "default added on a required field",
        field("BatchRegisteredV1", "count", "default", 0),
        Expect("default-added", COMPATIBLE, where=f"{REGISTERED} /data/count"),
    ),
    # bounds
    row(
        "maximum raised",
        field("BatchRegisteredV1", "count", "maximum", 200),
        Expect("maximum-raised", CONSUMERS, RECEIVERS, f"{REGISTERED} /data/count"),
    ),
    row(
        "maximum lowered",
        field("BatchRegisteredV1", "count", "maximum", 50),
        Expect("maximum-lowered", PRODUCERS, ("bos",)),
    ),
    row(
        "minimum raised",
        field("BatchRegisteredV1", "count", "minimum", 1),
        Expect("minimum-raised", PRODUCERS, ("bos",)),
    ),
    row(
        "minimum lowered",
        field("BatchRegisteredV1", "count", "minimum", -1),
        Expect("minimum-lowered", CONSUMERS, RECEIVERS),
    ),
    row(
        "exclusiveMinimum added",
        field("BatchRegisteredV1", "size", "exclusiveMinimum", 0),
        Expect("exclusive-minimum-added", PRODUCERS, ("bos",)),
    ),
    row(
        "maxLength lowered",
        field("BatchRegisteredV1", "batch_id", "maxLength", 20),
        Expect("max-length-lowered", PRODUCERS, ("bos",), f"{REGISTERED} /data/batch_id"),
    ),
    row(
        "maxLength removed",
        drop("BatchRegisteredV1", "properties", "batch_id", "maxLength"),
        Expect("max-length-removed", CONSUMERS, RECEIVERS),
    ),
    row(
        "minLength added",
        field("BatchRegisteredV1", "batch_id", "minLength", 1),
        Expect("min-length-added", PRODUCERS, ("bos",)),
    ),
    row(
        "maxItems lowered",
        field("BatchRegisteredV1", "tags", "maxItems", 3),
        Expect("max-items-lowered", PRODUCERS, ("bos",), f"{REGISTERED} /data/tags"),
    ),
    row(
        "minItems added",
        field("BatchRegisteredV1", "tags", "minItems", 1),
        Expect("min-items-added", PRODUCERS, ("bos",)),
    ),
    row(
        "uniqueItems added",
        field("BatchRegisteredV1", "tags", "uniqueItems", True),
        Expect("unique-items-added", PRODUCERS, ("bos",)),
    ),
    # strings
    row(
        "pattern added",
        field("BatchRegisteredV1", "batch_id", "pattern", "^b-"),
        Expect("pattern-added", PRODUCERS, ("bos",), f"{REGISTERED} /data/batch_id"),
    ),
    row(
        "pattern removed",
        drop("BatchRegisteredV1", "properties", "code", "pattern"),
        Expect("pattern-removed", CONSUMERS, RECEIVERS, f"{REGISTERED} /data/code"),
    ),
    row(
        "pattern changed",
        field("BatchRegisteredV1", "code", "pattern", "^[a-z]+$"),
        Expect("pattern-changed", BOTH, (*RECEIVERS, "bos")),
    ),
    row(
        "format added",
        field("BatchRegisteredV1", "batch_id", "format", "uuid"),
        Expect("format-added", PRODUCERS, ("bos",), f"{REGISTERED} /data/batch_id"),
    ),
    row(
        "format removed where a rule owns it (every envelope)",
        drop("EventEnvelope", "properties", "event_timestamp", "format"),
        Expect(
            "format-removed", RULE, RECEIVERS, f"{REGISTERED} /event_timestamp", "utc-timestamps"
        ),
        Expect("format-removed", RULE, ("bos",), f"{OUTCOME} /event_timestamp", "utc-timestamps"),
    ),
    # objects
    row(
        "additionalProperties false -> true",
        set_("PhaseOutcomeV1", "additionalProperties", value=True),
        Expect("additional-properties-opened", CONSUMERS, ("bos",), f"{OUTCOME} /data"),
    ),
    row(
        "additionalProperties true -> false",
        set_("EssayRef", "additionalProperties", value=False),
        Expect("additional-properties-closed", PRODUCERS, ("els",), f"{OUTCOME} /data/essays/*"),
    ),
    row(
        "additionalProperties a rule owns, false -> true",
        set_("BatchRegisteredV1", "additionalProperties", value=True),
        Expect(
            "additional-properties-opened",
            RULE,
            RECEIVERS,
            f"{REGISTERED} /data",
            "no-unknown-fields",
        ),
    ),
    row(
        "items schema changed",
        field("BatchRegisteredV1", "tags", "items", {"type": "integer"}),
        Expect("type-changed", BOTH, (*RECEIVERS, "bos"), f"{REGISTERED} /data/tags/*"),
    ),
    # branches and references
    row(
        "oneOf added",
        set_("Prompt", "oneOf", value=[{"required": ["text"]}, {"maxProperties": 0}]),
        Expect("one-of-added", PRODUCERS, ("bos",), f"{REGISTERED} /data/prompt (anyOf 0)"),
    ),
    row(
        "anyOf branch added",
        set_(
            "BatchRegisteredV1",
            "properties",
            "prompt",
            "anyOf",
            value=[{"$ref": "#/components/schemas/Prompt"}, {"type": "null"}, {"type": "string"}],
        ),
        Expect("branch-added", CONSUMERS, RECEIVERS, f"{REGISTERED} /data/prompt"),
    ),
    row(
        "anyOf branch removed",
        set_("BatchRegisteredV1", "properties", "prompt", "anyOf", value=[{"type": "null"}]),
        Expect("branch-removed", PRODUCERS, ("bos",), f"{REGISTERED} /data/prompt"),
    ),
    row(
        "anyOf null branch removed",
        set_(
            "BatchRegisteredV1",
            "properties",
            "prompt",
            "anyOf",
            value=[{"$ref": "#/components/schemas/Prompt"}],
        ),
        Expect("nullable-removed", PRODUCERS, ("bos",), f"{REGISTERED} /data/prompt"),
    ),
    row(
        "a field inside an anyOf branch",
        field("Prompt", "text", "type", "integer"),
        Expect(
            "type-changed", BOTH, (*RECEIVERS, "bos"), f"{REGISTERED} /data/prompt/text (anyOf 0)"
        ),
    ),
    row(
        "not added",
        field("BatchRegisteredV1", "code", "not", {"const": "XX"}),
        Expect("not-added", PRODUCERS, ("bos",)),
    ),
    row(
        "$ref retargeted to an identical schema",
        _retarget_phase({}),
        Expect("ref-retargeted", COMPATIBLE, where=f"{REGISTERED} /data/phase"),
    ),
    row(
        "$ref retargeted to a wider schema",
        _retarget_phase({"enum": ["spellcheck", "nlp", "cj"]}),
        Expect("enum-value-added", CONSUMERS, RECEIVERS, f"{REGISTERED} /data/phase"),
        Expect("ref-retargeted", COMPATIBLE, where=f"{REGISTERED} /data/phase"),
    ),
    row(
        "a schema behind a $ref a rule owns",
        set_("TerminalStatus", "enum", value=["done", "failed", "running"]),
        Expect(
            "enum-value-added", RULE, RECEIVERS, f"{REGISTERED} /data/status", "terminal-status"
        ),
    ),
    row(
        "an unanalysed keyword",
        set_("BatchRegisteredV1", "dependentRequired", value={"code": ["note"]}),
        Expect("keyword-changed", BOTH, (*RECEIVERS, "bos"), f"{REGISTERED} /data"),
    ),
    row(
        "description changed",
        field("BatchRegisteredV1", "count", "description", "how many"),
        Expect("description-changed", COMPATIBLE, where=f"{REGISTERED} /data/count"),
    ),
]


@pytest.mark.parametrize(("edit", "expected"), ROWS)
def test_a_schema_change(
    old: Contract, tmp_path: Path, edit: Edit, expected: tuple[Expect, ...]
) -> None:
    check(old, tmp_path, edit, expected)


def _recursive(document: Doc) -> Doc:
    essay = document["components"]["schemas"]["EssayRef"]
    essay["properties"]["children"] = {
        "type": "array",
        "items": {"$ref": "#/components/schemas/EssayRef"},
    }
    return document


def test_a_recursive_schema_is_compared_once_per_path(tmp_path: Path) -> None:
    before = minimal.contract(tmp_path / "old", _recursive(minimal.asyncapi()))
    assert (
        diff_contracts(
            before, minimal.contract(tmp_path / "same", _recursive(minimal.asyncapi()))
        ).findings
        == ()
    )
    document = _recursive(minimal.asyncapi())
    document["components"]["schemas"]["EssayRef"]["properties"]["essay_id"]["maxLength"] = 36
    result = diff_contracts(before, minimal.contract(tmp_path / "new", document))
    assert [(f.kind, f.where) for f in result.findings] == [
        ("max-length-added", f"{OUTCOME} /data/essays/*/essay_id")
    ]
