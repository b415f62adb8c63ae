"""Two verdicts: what breaks the real consumers (breaking) versus what breaks a named clean rule.

Every real producer's habit of ../shared/reference/real-services.md is a rule finding with its
rule id, not a breaking one; a truly broken variant of the same message is breaking. The fast
and the explaining paths agree on every verdict.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.contract import Contract, load_contract
from harness.errors import ContractLoadError, ContractViolation, Violation
from harness.rules import Judgement, Level, Verdict
from harness.validation import ContractValidator

Doc = dict[str, Any]
NAIVE = "2026-01-01T12:00:00.123456"


@pytest.fixture(scope="module")
def validator(pipeline_contract: Contract) -> ContractValidator:
    return ContractValidator(pipeline_contract)


def example(contract: Contract, channel: str) -> Doc:
    return copy.deepcopy(dict(contract.channel(channel).message.examples[0]))


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    def change(document: Doc) -> None:
        *parents, last = path.strip("/").split("/")
        node = document
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[last] = value

    return change


def _drop(path: str) -> Callable[[Doc], None]:
    def change(document: Doc) -> None:
        *parents, last = path.strip("/").split("/")
        node = document
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return change


def _drop_envelope_ids(document: Doc) -> None:
    for field in ("event_id", "event_timestamp", "correlation_id"):
        del document[field]


# (habit, channel, the real shape, its rule, a truly broken variant of the same message)
REAL_HABITS = [
    (
        "naive denied_at",
        "pipelineDenied",
        _set("/data/denied_at", NAIVE),
        "utc-timestamps",
        _set("/data/denied_at", "yesterday"),
    ),
    (
        "naive NLP system_metadata.timestamp",
        "batchNlpAnalysisCompleted",
        _set("/data/system_metadata/timestamp", NAIVE),
        "utc-timestamps",
        _set("/data/system_metadata/timestamp", "not a time"),
    ),
    (
        "spellcheck_metrics of any value",
        "batchContentProvisioningCompleted",
        _set("/data/essays_for_processing/0/spellcheck_metrics", {"anything": "goes"}),
        "typed-spellcheck-metrics",
        _drop("/data/essays_for_processing/0/essay_id"),
    ),
    (
        "BatchPipelineCompletedV1 event_type",
        "batchPipelineCompleted",
        _set("/event_type", "batch.pipeline.completed"),
        "event-type-is-topic",
        _drop("/event_type"),
    ),
    (
        "AssessmentResultV1 event_type",
        "assessmentResult",
        _set("/event_type", "assessment.result.published"),
        "event-type-is-topic",
        _set("/event_type", 7),
    ),
    (
        "LLMComparisonResultV1 event_type",
        "llmComparisonResult",
        _set("/event_type", "LLMComparisonResultV1"),
        "event-type-is-topic",
        _drop("/data"),
    ),
    (
        "LLMRequestStartedV1 event_type (a usage event beside the flow)",
        "llmRequestStarted",
        _set("/event_type", "llm_provider.request_started.v1"),
        "event-type-is-topic",
        _drop("/data/provider"),
    ),
    (
        "LLMRequestCompletedV1 event_type",
        "llmRequestCompleted",
        _set("/event_type", "llm_provider.request_completed.v1"),
        "event-type-is-topic",
        _set("/data/success", "yes"),
    ),
    (
        "LLMProviderFailureV1 event_type",
        "llmProviderFailure",
        _set("/event_type", "llm_provider.failure.v1"),
        "event-type-is-topic",
        _drop("/data/failure_type"),
    ),
    (
        "an unknown field (pydantic extra=ignore)",
        "elsBatchPhaseOutcome",
        _set("/data/unexpected_field", 1),
        "no-unknown-fields",
        _set("/data/phase_status", "done"),
    ),
    (
        "an envelope without the ids consumers default",
        "batchEssaysRegistered",
        _drop_envelope_ids,
        "complete-envelope",
        _drop("/source_service"),
    ),
    (
        "final_status a non-terminal BatchStatus value",
        "batchPipelineCompleted",
        _set("/data/final_status", "processing_pipelines"),
        "terminal-final-status",
        _set("/data/final_status", "finished"),
    ),
]
HABIT_IDS = [h[0] for h in REAL_HABITS]


def _channel_id(contract: Contract, name: str) -> str:
    return contract.channel(name).id


@pytest.mark.parametrize(("habit", "channel", "real", "rule", "broken"), REAL_HABITS, ids=HABIT_IDS)
def test_a_real_habit_is_a_named_rule_breach_and_a_broken_variant_is_breaking(
    pipeline_contract: Contract,
    validator: ContractValidator,
    habit: str,
    channel: str,
    real: Callable[[Doc], None],
    rule: str,
    broken: Callable[[Doc], None],
) -> None:
    target = pipeline_contract.channel(_channel_id(pipeline_contract, channel))
    document = example(pipeline_contract, channel)
    real(document)

    assert validator.verdict(target, document) is Verdict.RULES, habit
    assert validator.is_compatible(target, document) and not validator.is_valid(target, document)
    violations = validator.explain(target, document)
    assert violations and {v.rule for v in violations} == {rule}, violations
    assert all(v.level is Level.RULE for v in violations)
    validator.check(target, document, strict=False)  # what the real consumers accept
    with pytest.raises(ContractViolation) as caught:
        validator.check(target, document)  # this project's own services: strict
    assert not caught.value.breaking and f"[rule {rule}]" in str(caught.value)

    variant = example(pipeline_contract, channel)
    broken(variant)
    assert validator.verdict(target, variant) is Verdict.BREAKING, habit
    assert any(v.breaking for v in validator.explain(target, variant))
    with pytest.raises(ContractViolation) as refused:
        validator.check(target, variant, strict=False)
    assert refused.value.breaking


def _mutants(document: Doc) -> Iterator[Doc]:
    """Each field dropped, given the wrong type, and given a naive time, one at a time."""

    def walk(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
        yield path
        if isinstance(node, dict):
            for key, value in node.items():
                yield from walk(value, (*path, key))
        elif isinstance(node, list) and node:
            yield from walk(node[0], (*path, 0))

    for path in list(walk(document, ()))[1:]:
        for change in ("drop", "type", "naive", "extra"):
            mutant = copy.deepcopy(document)
            *parents, last = path
            node = mutant
            for part in parents:
                node = node[part]
            value = node[last]
            if change == "drop" and isinstance(node, dict):
                del node[last]
            elif change == "type":
                node[last] = 7 if isinstance(value, str) else "7"
            elif change == "naive" and isinstance(value, str) and value.endswith("Z"):
                node[last] = value.removesuffix("Z")
            elif change == "extra" and isinstance(value, dict):
                value["unexpected_field"] = True
            else:
                continue
            yield mutant


def test_the_fast_and_the_explaining_paths_agree_on_every_verdict(
    pipeline_contract: Contract, validator: ContractValidator
) -> None:
    checked = 0
    for number, channel in enumerate(pipeline_contract):
        mutants = list(_mutants(dict(channel.message.examples[0])))
        for mutant in mutants[number % 3 :: 3]:  # a third of each channel's, in turn
            fast = validator.verdict(channel, mutant)
            explained = validator.explain(channel, mutant)
            assert fast is Verdict.of(explained), (channel.id, mutant, explained)
            assert all(v.level is Level.RULE or v.rule is None for v in explained)
            assert all(v.rule in pipeline_contract.rules for v in explained if v.rule)
            checked += 1
    assert checked > 800  # every channel, every kind of mutation


def test_every_rule_has_a_statement_a_rationale_and_the_real_systems_practice(
    pipeline_contract: Contract,
) -> None:
    rules = pipeline_contract.rules
    assert {"utc-timestamps", "event-type-is-topic", "key-by-batch", "no-unknown-fields"} <= set(
        rules
    )
    for rule in rules.values():
        assert rule.statement and rule.rationale and rule.real_system, rule.id
        assert bool(rule.tightens) != bool(rule.checked_on), rule.id


def test_pipeline_harness_rules_lists_every_rule_with_its_rationale(
    pipeline_contract: Contract, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule in pipeline_contract.rules.values():
        assert f"{rule.id}  ({rule.where})" in out
    assert main(["rules", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in listed] == list(pipeline_contract.rules)
    assert all(r["rationale"] and r["real_system"] for r in listed)
    assert main(["rules", "no-such-rule"]) == 2
    assert "the contract has no rule 'no-such-rule'" in capsys.readouterr().err


def test_validate_warns_on_the_real_habits_and_exits_0_unless_strict(
    pipeline_contract: Contract, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    denial = example(pipeline_contract, "pipelineDenied")
    denial["data"]["denied_at"] = NAIVE
    records = tmp_path / "denials.jsonl"
    records.write_text(json.dumps(denial) + "\n")
    channel = "huleedu.pipeline.denied.v1"

    assert main(["validate", "--channel", channel, str(records)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{records}:1: warning[utc-timestamps]: {channel} /data/denied_at:")
    assert "0 breaking, 1 with rule breaches only (utc-timestamps 1), 0 clean" in err

    assert main(["validate", "--strict", "--channel", channel, str(records)]) == 1
    assert capsys.readouterr().out.startswith(f"{records}:1: error[utc-timestamps]: {channel}")


def test_a_json_lines_file_with_one_non_json_line_is_a_breaking_finding_and_the_rest_is_checked(
    pipeline_contract: Contract, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = example(pipeline_contract, "pipelineDenied")
    naive = copy.deepcopy(good)
    naive["data"]["denied_at"] = NAIVE
    records = tmp_path / "mixed.jsonl"
    records.write_text(f"{json.dumps(good)}\n{{truncated\n{json.dumps(naive)}\n")

    assert main(["validate", "--channel", "pipelineDenied", str(records)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].startswith(f"{records}:2: error: huleedu.pipeline.denied.v1 /: not JSON")
    assert lines[1].startswith(f"{records}:3: warning[utc-timestamps]:")
    assert "3 envelope(s)" in err and "1 breaking, 1 with rule breaches only" in err


def test_lint_on_a_missing_file_is_bad_input_not_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_mark_naming_an_undeclared_rule_is_refused_at_load(
    pipeline_contract: Contract, tmp_path: Path
) -> None:
    document = copy.deepcopy(dict(pipeline_contract.document))
    document["components"]["schemas"]["PhaseSkippedV1"]["x-rule"] = "no-such-rule"
    with pytest.raises(ContractLoadError, match="no-such-rule") as caught:
        load_contract(tmp_path / "asyncapi.yaml", document=document, with_http=False)
    assert caught.value.where == "/components/schemas/PhaseSkippedV1"


def _finding(level: Level, sender: str | None) -> Violation:
    rule = None if level is Level.BREAKING else "utc-timestamps"
    return Violation("c", "M", "/x", "why", level=level, rule=rule, sender=sender)


def test_the_judgement_fails_breaking_always_rules_for_our_own_services_or_when_strict() -> None:
    judgement = Judgement.for_run(["bos", "bcs", "els"], without=["bos"], strict=False)
    assert judgement.fails(_finding(Level.BREAKING, "bos"))
    assert judgement.fails(_finding(Level.RULE, "els"))  # ours: strict
    assert not judgement.fails(_finding(Level.RULE, "bos"))  # the real BOS: reported
    assert not judgement.fails(_finding(Level.RULE, None))
    strict = Judgement.for_run(["bos", "bcs", "els"], without=["bos"], strict=True)
    assert strict.fails(_finding(Level.RULE, "bos"))


def test_rules_that_fail_only_together_are_laid_at_each_of_them(
    pipeline_contract: Contract, validator: ContractValidator
) -> None:
    """A complete SpellcheckMetricsV1 with one extra key: neither rule alone rejects it (the
    typed field is Any at run time, unknown keys are ignored), the strict schema does."""
    channel = pipeline_contract.channel("batchContentProvisioningCompleted")
    document = example(pipeline_contract, "batchContentProvisioningCompleted")
    metrics = {
        "total_corrections": 1,
        "l2_dictionary_corrections": 0,
        "spellchecker_corrections": 1,
        "word_count": 10,
        "correction_density": 0.1,
        "extra": True,
    }
    document["data"]["essays_for_processing"][0]["spellcheck_metrics"] = metrics
    assert validator.verdict(channel, document) is Verdict.RULES
    (violation,) = validator.explain(channel, document)
    assert violation.rule in pipeline_contract.rules
    assert {violation.rule} | {"typed-spellcheck-metrics"} == {
        "no-unknown-fields",
        "typed-spellcheck-metrics",
    }
    assert "together with rule" in violation.reason


def test_a_breaking_finding_is_not_listed_again_as_a_rule_breach(
    pipeline_contract: Contract, validator: ContractValidator
) -> None:
    channel = pipeline_contract.channel("batchPipelineCompleted")
    document = example(pipeline_contract, "batchPipelineCompleted")
    document["data"]["final_status"] = "finished"  # neither a BatchStatus nor an outcome
    violations = validator.explain(channel, document)
    assert [(v.pointer, v.label) for v in violations] == [("/data/final_status", "breaking")]


def test_a_pretty_printed_document_with_one_syntax_error_is_one_breaking_finding(
    pipeline_contract: Contract, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = json.dumps(example(pipeline_contract, "pipelineDenied"), indent=2)
    broken = tmp_path / "denial.json"
    broken.write_text(text.replace('"data": {', '"data": {,', 1))
    assert main(["validate", "--channel", "pipelineDenied", str(broken)]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{broken}:") and ": error: " in line and "not JSON" in line
