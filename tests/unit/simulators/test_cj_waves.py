"""CJAssessmentSimulator answered by a scripted LLM: waves, matching by id, success threshold."""

from __future__ import annotations

import time
from typing import Any

import pytest

from harness.contract import Contract
from harness.envelope import new_id, utc_now
from harness.expectations import Expectations
from harness.memory_bus import InMemoryBus
from harness.observed import ObservedMessage
from simulators.cj_assessment import CJAssessmentBehaviour, CJAssessmentSimulator
from simulators.content import InMemoryContentStore
from tests.unit.simulators.conftest import Runner, ScriptedSender
from tests.unit.simulators.test_cj_simulator import ESSAYS_BY_QUALITY, els_request


@pytest.fixture
def store() -> InMemoryContentStore:
    return InMemoryContentStore()


@pytest.fixture
def cj_for(
    contract: Contract, memory_bus: InMemoryBus, store: InMemoryContentStore, running: Runner
) -> Any:
    def start(**knobs: Any) -> CJAssessmentSimulator:
        behaviour = CJAssessmentBehaviour(**knobs)
        return running(CJAssessmentSimulator(contract, memory_bus, behaviour, content=store))

    return start


def answer(
    send: ScriptedSender, request: ObservedMessage, *, winner: str | None = "Essay A"
) -> None:
    """The LLM Provider's result for one request: a winner, or an error when ``winner`` is None."""
    reply(send, str(request.correlation_id), request.data["metadata"], winner=winner)


def reply(
    send: ScriptedSender, correlation_id: str, metadata: dict[str, Any], *, winner: str | None
) -> None:
    verdict: dict[str, Any] = {"winner": winner, "justification": "scripted", "confidence": 4.0}
    if winner is None:
        verdict = {
            "error_detail": {
                "error_code": "LLM_PROVIDER_API_ERROR",
                "message": "scripted failure",
                "correlation_id": correlation_id,
                "timestamp": utc_now(),
                "service": "llm_provider_service",
                "operation": "generate_comparison",
            }
        }
    data = {
        "request_id": new_id(),
        "correlation_id": correlation_id,
        **verdict,
        "provider": "mock",
        "model": "scripted",
        "response_time_ms": 1,
        "cost_estimate": 0.0,
        "requested_at": utc_now(),
        "completed_at": utc_now(),
        "request_metadata": dict(metadata),
    }
    send("llmComparisonResult", data, correlation_id=correlation_id)


def requests(wire: Expectations, batch_id: str, count: int) -> list[ObservedMessage]:
    wire.expect("llmComparisonRequest", batch_id=batch_id, count=count, within_s=5)
    return wire.copies("llmComparisonRequest", batch_id=batch_id)


def test_the_next_wave_goes_out_only_when_the_last_one_is_answered(
    cj_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    cj_for()  # four essays: three rounds of two comparisons
    batch_id, _, _ = els_request(send, store, ESSAYS_BY_QUALITY)

    first_wave = requests(wire, batch_id, 2)
    assert len(first_wave) == 2  # nothing else can be out: no answer has been sent yet
    answer(send, first_wave[0])
    answered_at = time.monotonic()
    answer(send, first_wave[1])

    second_wave = requests(wire, batch_id, 4)[2:]
    assert {r.data["metadata"]["comparison_iteration"] for r in second_wave} == {2}
    assert all(r.seen_at >= answered_at for r in second_wave)
    essays = [
        r.data["metadata"][side] for r in second_wave for side in ("essay_a_id", "essay_b_id")
    ]
    assert sorted(essays) == sorted(ESSAYS_BY_QUALITY)  # each essay once in the wave


def test_a_wave_size_sends_that_many_comparisons_at_once(
    cj_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    cj_for(wave_size=4)
    batch_id, _, _ = els_request(send, store, ESSAYS_BY_QUALITY)

    first_wave = requests(wire, batch_id, 4)
    for request in first_wave:
        answer(send, request)

    assert len(requests(wire, batch_id, 6)) == 6


def test_unknown_and_repeated_results_are_ignored(
    cj_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    cj_for(wave_size=6)
    batch_id, correlation_id, _ = els_request(send, store, ESSAYS_BY_QUALITY)
    wave = requests(wire, batch_id, 6)

    reply(send, new_id(), wave[0].data["metadata"], winner=None)  # no such comparison
    for request in wave:
        answer(send, request)
        answer(send, request, winner=None)  # a late, contradicting repeat

    completed = wire.expect("cjAssessmentCompleted", batch_id=batch_id, within_s=5)
    assert completed.correlation_id == correlation_id
    result = wire.expect("assessmentResult", batch_id=batch_id, within_s=5)
    assert result.data["assessment_metadata"]["failed_comparisons"] == 0
    assert result.data["assessment_metadata"]["comparison_count"] == 6


@pytest.mark.parametrize(
    ("errors", "outcome"),
    [(0, "cjAssessmentCompleted"), (1, "cjAssessmentCompleted"), (2, "cjAssessmentFailed")],
)
def test_the_share_of_successful_comparisons_decides_completed_or_failed(
    cj_for: Any,
    send: ScriptedSender,
    wire: Expectations,
    store: InMemoryContentStore,
    errors: int,
    outcome: str,
) -> None:
    cj_for(wave_size=6)  # 5/6 = 0.83 passes the real 0.8 floor, 4/6 = 0.67 does not
    batch_id, correlation_id, _ = els_request(send, store, ESSAYS_BY_QUALITY)

    for index, request in enumerate(requests(wire, batch_id, 6)):
        answer(send, request, winner=None if index < errors else "Essay B")

    concluded = wire.expect(outcome, batch_id=batch_id, within_s=5)
    assert concluded.correlation_id == correlation_id


def test_the_success_floor_is_a_knob(
    cj_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    cj_for(wave_size=6, min_success_rate=0.5)
    batch_id, _, _ = els_request(send, store, ESSAYS_BY_QUALITY)

    for index, request in enumerate(requests(wire, batch_id, 6)):
        answer(send, request, winner=None if index < 2 else "Essay A")

    wire.expect("cjAssessmentCompleted", batch_id=batch_id, within_s=5)
