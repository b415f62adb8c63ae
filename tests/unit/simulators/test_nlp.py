"""NLPSimulator: author suggestions for student matching, and text metrics for NLP analysis."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from harness.contract import Contract
from harness.envelope import new_id, utc_now
from harness.expectations import Expectations
from harness.memory_bus import InMemoryBus
from simulators.content import InMemoryContentStore
from simulators.nlp import NLPBehaviour, NLPSimulator, text_metrics
from simulators.roster import class_roster
from tests.unit.simulators.conftest import Runner, ScriptedSender, message_violations

TEXT = "The cat sat. The dog ran!\n\nWas it late?"


def test_text_metrics_are_true_counts() -> None:
    assert text_metrics(TEXT) == {
        "word_count": 9,
        "sentence_count": 3,
        "paragraph_count": 2,
        "average_word_length": 3.0,
        "average_sentence_length": 3.0,
        "unique_words": 8,
        "lexical_diversity": round(8 / 9, 3),
    }


def test_a_class_always_has_the_same_students() -> None:
    roster = class_roster("class-7", 5)

    assert class_roster("class-7", 3) == roster[:3]
    assert len({s.student_id for s in roster}) == 5
    assert class_roster("class-8", 5) != roster


# -- on the bus -------------------------------------------------------------------------------


@pytest.fixture
def store() -> InMemoryContentStore:
    return InMemoryContentStore()


@pytest.fixture
def nlp_for(
    contract: Contract, memory_bus: InMemoryBus, store: InMemoryContentStore, running: Runner
) -> Any:
    def start(**knobs: Any) -> NLPSimulator:
        return running(NLPSimulator(contract, memory_bus, NLPBehaviour(**knobs), content=store))

    return start


def essays(store: InMemoryContentStore, count: int, text: str = TEXT) -> list[dict[str, str]]:
    return [{"essay_id": f"essay-{i}", "text_storage_id": store.put(text)} for i in range(count)]


def matching_request(
    send: ScriptedSender, refs: list[dict[str, str]], batch_id: str | None = None
) -> tuple[str, str]:
    """ELS's student-matching request: (batch id, correlation id)."""
    batch_id, correlation_id = batch_id or str(uuid.uuid4()), new_id()
    data = {
        "event_name": "batch.student.matching.requested",
        "entity_id": batch_id,
        "entity_type": "batch",
        "timestamp": utc_now(),
        "batch_id": batch_id,
        "essays_to_process": refs,
        "class_id": "class-7",
        "course_code": "ENG5",
    }
    send("batchStudentMatchingRequested", data, correlation_id=correlation_id)
    return batch_id, correlation_id


def nlp_request(send: ScriptedSender, refs: list[dict[str, str]]) -> tuple[str, str]:
    """ELS's NLP processing request: (batch id, correlation id)."""
    batch_id, correlation_id = str(uuid.uuid4()), new_id()
    data = {
        "event_name": "batch.nlp.processing.requested.v2",
        "entity_id": batch_id,
        "entity_type": "batch",
        "essays_to_process": refs,
        "language": "en",
        "batch_id": batch_id,
    }
    send("batchNlpProcessingRequested", data, correlation_id=correlation_id)
    return batch_id, correlation_id


def test_each_essay_gets_a_different_student_of_the_class_as_its_best_match(
    nlp_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    nlp_for()

    batch_id, correlation_id = matching_request(send, essays(store, 4))

    suggested = wire.expect("batchAuthorMatchesSuggested", batch_id=batch_id, within_s=5)
    assert suggested.correlation_id == correlation_id
    results = suggested.data["match_results"]
    best = [max(r["suggestions"], key=lambda s: s["confidence_score"]) for r in results]
    roster = {s.student_id: s.name for s in class_roster("class-7", 4)}
    assert {b["student_id"] for b in best} == set(roster)
    assert all(roster[b["student_id"]] == b["student_name"] for b in best)
    assert all(0.7 <= b["confidence_score"] <= 1 for b in best)
    assert suggested.data["processing_summary"] == {
        "total_essays": 4,
        "matched": 4,
        "no_match": 0,
        "errors": 0,
    }
    assert message_violations(wire) == []


def test_suggestions_are_the_same_on_every_replay(
    nlp_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    nlp_for(seed=3)
    refs = essays(store, 5)

    batch_id, _ = matching_request(send, refs)
    matching_request(send, refs, batch_id=batch_id)

    first, again = [
        m.data["match_results"]
        for m in [
            wire.expect("batchAuthorMatchesSuggested", batch_id=batch_id, count=n, within_s=5)
            for n in (1, 2)
        ]
    ]
    assert first == again


@pytest.mark.parametrize(
    ("knobs", "summary"),
    [
        (
            {"essay_failure_rate": 1.0},
            {"total_essays": 2, "matched": 0, "no_match": 2, "errors": 0},
        ),
        ({"service_failure": True}, {"total_essays": 2, "matched": 0, "no_match": 0, "errors": 2}),
    ],
)
def test_failing_essays_get_no_suggestion_and_a_reason(
    nlp_for: Any,
    send: ScriptedSender,
    wire: Expectations,
    store: InMemoryContentStore,
    knobs: dict[str, Any],
    summary: dict[str, int],
) -> None:
    nlp_for(**knobs)

    batch_id, _ = matching_request(send, essays(store, 2))

    suggested = wire.expect("batchAuthorMatchesSuggested", batch_id=batch_id, within_s=5)
    assert all(
        r["suggestions"] == [] and r["no_match_reason"] for r in suggested.data["match_results"]
    )
    assert suggested.data["processing_summary"] == summary


def test_the_analysis_reports_each_essay_s_true_metrics(
    nlp_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    nlp_for()

    batch_id, correlation_id = nlp_request(send, essays(store, 2))

    completed = wire.expect("batchNlpAnalysisCompleted", batch_id=batch_id, within_s=5)
    assert completed.correlation_id == correlation_id
    assert completed.data["status"] == "completed_successfully"
    summary = completed.data["processing_summary"]
    assert summary["successful_essay_ids"] == ["essay-0", "essay-1"]
    assert summary["essay_metrics"]["essay-1"] == text_metrics(TEXT)
    assert message_violations(wire) == []


def test_essays_that_cannot_be_read_or_fail_are_reported_failed(
    nlp_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    simulator = nlp_for(essay_failure_rate=0.5, seed=1)
    refs = [*essays(store, 6), {"essay_id": "essay-lost", "text_storage_id": "nowhere"}]
    failing = [r["essay_id"] for r in refs[:-1] if simulator.essay_fails(r["essay_id"])]
    assert 0 < len(failing) < 6  # this seed fails some of the six readable essays

    batch_id, _ = nlp_request(send, refs)

    summary = wire.expect("batchNlpAnalysisCompleted", batch_id=batch_id, within_s=5).data[
        "processing_summary"
    ]
    assert summary["failed_essay_ids"] == [*failing, "essay-lost"]
    assert set(summary["essay_metrics"]) == set(summary["successful_essay_ids"])


def test_a_failed_service_analyses_nothing(
    nlp_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    nlp_for(service_failure=True)

    batch_id, _ = nlp_request(send, essays(store, 2))

    completed = wire.expect("batchNlpAnalysisCompleted", batch_id=batch_id, within_s=5)
    assert completed.data["status"] == "failed_critically"
    assert completed.data["processing_summary"]["failed"] == 2


def test_duplicate_outputs_publish_twice(
    nlp_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    nlp_for(duplicate_outputs=True)

    batch_id, _ = nlp_request(send, essays(store, 1))

    wire.expect_copies("batchNlpAnalysisCompleted", batch_id=batch_id, count=2, within_s=5)


def test_a_hung_nlp_service_never_answers(
    nlp_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    nlp_for(hang=True)

    batch_id, _ = matching_request(send, essays(store, 1))

    wire.expect_none("batchAuthorMatchesSuggested", batch_id=batch_id, for_s=0.2)


def test_broken_output_puts_a_contract_breaking_message_on_the_wire(
    nlp_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    nlp_for(broken_output=True)

    batch_id, _ = matching_request(send, essays(store, 1))

    wire.expect("batchAuthorMatchesSuggested", batch_id=batch_id, within_s=5)
    assert message_violations(wire, batch_id=batch_id)
