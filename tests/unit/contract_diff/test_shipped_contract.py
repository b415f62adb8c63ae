"""The diff on the shipped contract: nothing against itself (fast), and real edits by name."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable

import pytest

from harness.contract import Contract, load_contract
from harness.evolution import ChangeVerdict, ContractDiff, diff_contracts
from tests.unit.contract_diff.minimal import Doc

COMPLETED = "batchPipelineCompleted BatchPipelineCompletedV1"


@pytest.fixture(scope="module")
def twin(pipeline_contract: Contract) -> Contract:
    """A second, separately loaded copy of the shipped contract (no object shared)."""
    return load_contract(pipeline_contract.path)


def _edited(contract: Contract, edit: Callable[[Doc], None]) -> ContractDiff:
    document = copy.deepcopy(dict(contract.document))
    edit(document)
    return diff_contracts(contract, load_contract(contract.path, document=document))


def _schemas(document: Doc) -> Doc:
    return document["components"]["schemas"]


def test_the_shipped_contract_against_itself_is_no_change_and_fast(
    pipeline_contract: Contract, twin: Contract
) -> None:
    started = time.perf_counter()
    result = diff_contracts(pipeline_contract, twin)
    elapsed = time.perf_counter() - started
    assert result.findings == ()
    assert elapsed < 1.0, f"{elapsed:.2f} s"


def test_a_required_field_added_to_a_data_schema_breaks_its_senders(
    pipeline_contract: Contract,
) -> None:
    def require_extra(document: Doc) -> None:
        model = _schemas(document)["BatchPipelineCompletedV1"]
        model["properties"]["run_label"] = {"type": "string"}
        model["required"].append("run_label")

    result = _edited(pipeline_contract, require_extra)
    (breaking,) = result.breaking
    assert breaking.kind == "field-required-added"
    assert breaking.verdict is ChangeVerdict.BREAKING_FOR_PRODUCERS
    assert breaking.where == f"{COMPLETED} /data/run_label"
    assert breaking.services == ("bos",)
    (rule,) = result.rules  # a new field is unknown to receivers that keep no-unknown-fields
    assert (rule.kind, rule.rule, rule.services) == (
        "field-added",
        "no-unknown-fields",
        ("bcs", "result_aggregator"),
    )


def test_a_type_change_in_the_envelope_breaks_every_channel_both_ways(
    pipeline_contract: Contract,
) -> None:
    def stringly_version(document: Doc) -> None:
        _schemas(document)["EventEnvelope"]["properties"]["schema_version"]["type"] = "string"

    result = _edited(pipeline_contract, stringly_version)
    assert {f.kind for f in result.findings} == {"type-changed"}
    assert {f.verdict for f in result.findings} == {ChangeVerdict.BREAKING_BOTH}
    assert len(result.findings) == len(pipeline_contract.channels)
    outcome = next(f for f in result.findings if f.subject.startswith("elsBatchPhaseOutcome "))
    assert outcome.services == ("bos", "bcs", "result_aggregator", "els")


def test_an_enum_value_added_reaches_the_kafka_and_the_http_uses(
    pipeline_contract: Contract,
) -> None:
    def new_phase(document: Doc) -> None:
        _schemas(document)["PhaseName"]["enum"].append("ai_feedback_v2")

    result = _edited(pipeline_contract, new_phase)
    assert result.breaking and not result.rules
    assert {f.kind for f in result.findings} == {"enum-value-added"}
    assert {f.verdict for f in result.findings} == {ChangeVerdict.BREAKING_FOR_CONSUMERS}
    subjects = {f.subject for f in result.findings}
    assert "elsBatchPhaseOutcome ELSBatchPhaseOutcomeV1" in subjects
    assert any(s.startswith("POST /internal/v1/pipelines/define") for s in subjects)


def test_a_timestamp_rule_dropped_on_the_envelope_is_rule_level_only(
    pipeline_contract: Contract,
) -> None:
    def naive_times(document: Doc) -> None:
        del _schemas(document)["EventEnvelope"]["properties"]["event_timestamp"]["format"]

    result = _edited(pipeline_contract, naive_times)
    assert not result.breaking
    assert {(f.kind, f.rule) for f in result.findings} == {("format-removed", "utc-timestamps")}
