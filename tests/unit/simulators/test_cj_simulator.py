"""CJAssessmentSimulator with the LLM Provider simulator: ranking, correlation ids, knobs."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from harness.contract import Contract
from harness.envelope import Envelope, new_id, utc_now
from harness.expectations import Expectations
from harness.memory_bus import InMemoryBus
from harness.observed import ObservedMessage
from simulators.cj_assessment import CJAssessmentBehaviour, CJAssessmentSimulator
from simulators.content import InMemoryContentStore
from simulators.llm_provider import LLMProviderBehaviour, LLMProviderSimulator
from simulators.spellcheck import Spellchecker, SpellingDictionary
from tests.unit.simulators.conftest import Runner, ScriptedSender, message_violations

WORD_LIST = (
    "the a cat dog sat ran on over mat house garden quickly slowly because after before "
    "bright dark morning evening friend teacher school long short green"
)
VOCABULARY = WORD_LIST.split()
SPELLCHECKER = Spellchecker([SpellingDictionary("en", tuple(VOCABULARY), {})])
ESSAYS_BY_QUALITY = {  # best first: each has fewer distinct words than the one before
    "essay-rich": " ".join(VOCABULARY[:24]),
    "essay-good": " ".join(VOCABULARY[:16]),
    "essay-fair": " ".join(VOCABULARY[:10]),
    "essay-poor": " ".join(VOCABULARY[:4]),
}


def els_request(
    send: ScriptedSender,
    store: InMemoryContentStore,
    texts: dict[str, str],
    *,
    metadata: dict[str, Any] | None = None,
) -> tuple[str, str, Envelope]:
    """ELS's CJ request for a new batch of these essays: (batch id, correlation id, envelope)."""
    batch_id, correlation_id = str(uuid.uuid4()), new_id()
    data = {
        "event_name": "els.cj_assessment.requested",
        "entity_id": batch_id,
        "entity_type": "batch",
        "parent_id": None,
        "timestamp": utc_now(),
        "system_metadata": {
            "entity_id": batch_id,
            "entity_type": "batch",
            "event": "els.cj_assessment.requested",
            "processing_stage": "pending",
        },
        "essays_for_cj": [
            {"essay_id": essay_id, "text_storage_id": store.put(text)}
            for essay_id, text in texts.items()
        ],
        "language": "en",
        "course_code": "ENG5",
        "user_id": "teacher-1",
    }
    envelope = send(
        "elsCjAssessmentRequest", data, correlation_id=correlation_id, metadata=metadata
    )
    return batch_id, correlation_id, envelope


@pytest.fixture
def store() -> InMemoryContentStore:
    return InMemoryContentStore()


@pytest.fixture
def system(
    contract: Contract, memory_bus: InMemoryBus, store: InMemoryContentStore, running: Runner
) -> Any:
    """Start CJ and the LLM Provider with the given behaviours."""

    def start(
        cj: CJAssessmentBehaviour | None = None, llm: LLMProviderBehaviour | None = None
    ) -> CJAssessmentSimulator:
        running(LLMProviderSimulator(contract, memory_bus, llm, spellchecker=SPELLCHECKER))
        return running(CJAssessmentSimulator(contract, memory_bus, cj, content=store))

    return start


def requests_of(wire: Expectations, batch_id: str) -> list[ObservedMessage]:
    return wire.copies("llmComparisonRequest", batch_id=batch_id)


def test_essays_of_known_quality_are_ranked_in_that_order(
    system: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    system()
    shuffled = dict(reversed(list(ESSAYS_BY_QUALITY.items())))

    batch_id, correlation_id, _ = els_request(send, store, shuffled)

    result = wire.expect("assessmentResult", batch_id=batch_id, within_s=5)
    ranking = sorted(result.data["essay_results"], key=lambda r: r["rank"])
    assert [r["essay_id"] for r in ranking] == list(ESSAYS_BY_QUALITY)
    assert ranking[0]["normalized_score"] == 1.0 and ranking[0]["letter_grade"] == "A"
    assert result.data["assessment_metadata"]["comparison_count"] == 6
    assert result.correlation_id == correlation_id
    assert message_violations(wire) == []


def test_completion_carries_the_original_correlation_id_and_the_true_split(
    system: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    system()

    batch_id, correlation_id, _ = els_request(send, store, ESSAYS_BY_QUALITY)

    completed = wire.expect("cjAssessmentCompleted", batch_id=batch_id, within_s=5)
    assert completed.correlation_id == correlation_id
    assert completed.key == batch_id
    assert completed.data["status"] == "completed_successfully"
    summary = completed.data["processing_summary"]
    assert summary["successful_essay_ids"] == list(ESSAYS_BY_QUALITY)
    assert summary["failed_essay_ids"] == []
    assert (summary["total_essays"], summary["successful"], summary["failed"]) == (4, 4, 0)


def test_every_comparison_goes_out_under_its_own_new_correlation_id(
    system: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    system()

    batch_id, correlation_id, _ = els_request(send, store, ESSAYS_BY_QUALITY)

    wire.expect("cjAssessmentCompleted", batch_id=batch_id, within_s=5)
    requests = requests_of(wire, batch_id)
    ids = [r.correlation_id for r in requests]
    assert len(ids) == len(set(ids)) == 6
    assert correlation_id not in ids
    assert all(r.data["correlation_id"] == r.correlation_id for r in requests)
    answered = {m.correlation_id for m in wire.copies("llmComparisonResult", batch_id=batch_id)}
    assert answered == set(ids)


def test_duplicate_results_are_ignored_and_the_batch_completes_once(
    system: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    system(llm=LLMProviderBehaviour(duplicate_outputs=True))

    batch_id, _, _ = els_request(send, store, ESSAYS_BY_QUALITY)

    first = wire.expect("cjAssessmentCompleted", batch_id=batch_id, within_s=5)
    result = wire.expect("assessmentResult", batch_id=batch_id, within_s=5)
    assert result.data["assessment_metadata"]["comparison_count"] == 6
    wire.expect_none(
        "cjAssessmentCompleted", batch_id=batch_id, where=lambda m: m != first, for_s=0.3
    )


def test_a_redelivered_request_is_assessed_once(
    system: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    system()

    batch_id, _, envelope = els_request(send, store, ESSAYS_BY_QUALITY)
    send.again("elsCjAssessmentRequest", envelope)

    first = wire.expect("cjAssessmentCompleted", batch_id=batch_id, within_s=5)
    wire.expect_none(
        "cjAssessmentCompleted", batch_id=batch_id, where=lambda m: m != first, for_s=0.3
    )
    assert len(requests_of(wire, batch_id)) == 6


def test_llm_errors_above_the_threshold_fail_the_batch_with_the_original_correlation_id(
    system: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    system(llm=LLMProviderBehaviour(error_rate=1.0))

    batch_id, correlation_id, _ = els_request(send, store, ESSAYS_BY_QUALITY)

    failed = wire.expect("cjAssessmentFailed", batch_id=batch_id, within_s=5)
    assert failed.correlation_id == correlation_id
    assert failed.data["status"] == "failed_critically"
    assert failed.data["system_metadata"]["error_info"]["reason"] == "low_success_rate"
    assert wire.copies("cjAssessmentCompleted", batch_id=batch_id) == []
    assert message_violations(wire) == []


def test_a_service_failure_fails_the_request_before_any_comparison(
    system: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    system(cj=CJAssessmentBehaviour(service_failure=True))

    batch_id, correlation_id, _ = els_request(send, store, ESSAYS_BY_QUALITY)

    failed = wire.expect("cjAssessmentFailed", batch_id=batch_id, within_s=5)
    assert failed.correlation_id == correlation_id
    assert failed.data["cj_assessment_job_id"] == "INITIALIZATION_FAILED"
    assert requests_of(wire, batch_id) == []


def test_a_text_missing_from_the_content_store_fails_the_request(
    system: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    system()
    missing = InMemoryContentStore()  # the texts go to a store CJ does not read

    batch_id, _, _ = els_request(send, missing, ESSAYS_BY_QUALITY)

    failed = wire.expect("cjAssessmentFailed", batch_id=batch_id, within_s=5)
    assert failed.data["system_metadata"]["error_info"]["error_code"] == "RESOURCE_NOT_FOUND"


def test_a_single_essay_is_finalised_without_any_comparison(
    system: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    system()

    batch_id, _, _ = els_request(send, store, {"essay-only": "The cat sat."})

    completed = wire.expect("cjAssessmentCompleted", batch_id=batch_id, within_s=5)
    summary = completed.data["processing_summary"]
    assert summary["successful_essay_ids"] == ["essay-only"]
    assert summary["single_essay_batch"] is True
    result = wire.expect("assessmentResult", batch_id=batch_id, within_s=5)
    assert [r["rank"] for r in result.data["essay_results"]] == [1]
    assert requests_of(wire, batch_id) == []


def test_failing_essays_are_never_compared_and_are_reported_failed(
    system: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    cj = system(cj=CJAssessmentBehaviour(essay_failure_rate=0.5, seed=5))
    texts = {f"essay-{i}": text for i, text in enumerate(ESSAYS_BY_QUALITY.values())}
    failing = [essay for essay in texts if cj.essay_fails(essay)]
    assert 0 < len(failing) < len(texts) - 1  # this seed fails some, leaves two or more

    batch_id, _, _ = els_request(send, store, texts)

    completed = wire.expect("cjAssessmentCompleted", batch_id=batch_id, within_s=5)
    assert completed.data["processing_summary"]["failed_essay_ids"] == failing
    compared = {
        r.data["metadata"][side]
        for r in requests_of(wire, batch_id)
        for side in ("essay_a_id", "essay_b_id")
    }
    assert compared.isdisjoint(failing)


@pytest.mark.parametrize(
    ("behaviour", "metadata"),
    [(CJAssessmentBehaviour(max_comparisons=3), None), (None, {"max_comparisons": 3})],
)
def test_the_comparison_budget_caps_the_requests(
    system: Any,
    send: ScriptedSender,
    wire: Expectations,
    store: InMemoryContentStore,
    behaviour: CJAssessmentBehaviour | None,
    metadata: dict[str, Any] | None,
) -> None:
    system(cj=behaviour)

    batch_id, _, _ = els_request(send, store, ESSAYS_BY_QUALITY, metadata=metadata)

    wire.expect("cjAssessmentCompleted", batch_id=batch_id, within_s=5)
    assert len(requests_of(wire, batch_id)) == 3


def test_a_hung_cj_service_sends_nothing(
    system: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    system(cj=CJAssessmentBehaviour(hang=True))

    batch_id, _, _ = els_request(send, store, ESSAYS_BY_QUALITY)

    wire.expect_none("llmComparisonRequest", batch_id=batch_id, for_s=0.2)


def test_broken_output_puts_contract_breaking_requests_on_the_wire(
    system: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    system(cj=CJAssessmentBehaviour(broken_output=True))

    batch_id, _, _ = els_request(send, store, ESSAYS_BY_QUALITY)

    wire.expect("llmComparisonRequest", batch_id=batch_id, within_s=5)
    assert message_violations(wire, batch_id=batch_id)
