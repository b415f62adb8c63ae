"""CMSSimulator: confirming suggested authors, after a delay that never blocks the consumer."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from harness.contract import Contract
from harness.envelope import new_id, utc_now
from harness.expectations import Expectations
from harness.memory_bus import InMemoryBus
from harness.waiting import wait_for
from simulators.cms import CMSBehaviour, CMSSimulator
from simulators.content import InMemoryContentStore
from simulators.nlp import NLPSimulator
from tests.unit.simulators.conftest import Runner, ScriptedSender, message_violations


@pytest.fixture
def cms_for(contract: Contract, memory_bus: InMemoryBus, running: Runner) -> Any:
    def start(**knobs: Any) -> CMSSimulator:
        return running(CMSSimulator(contract, memory_bus, CMSBehaviour(**knobs)))

    return start


def suggestion(student_id: str, confidence: float) -> dict[str, Any]:
    return {
        "student_id": student_id,
        "student_name": f"Student {student_id}",
        "confidence_score": confidence,
        "match_reasons": ["scripted"],
    }


def suggest(send: ScriptedSender, batch_id: str | None = None) -> tuple[str, str, Any]:
    """NLP's suggestions for a batch of two essays: (batch id, correlation id, envelope)."""
    batch_id, correlation_id = batch_id or str(uuid.uuid4()), new_id()
    results = [
        {
            "essay_id": "essay-1",
            "text_storage_id": "text-1",
            "filename": "essay-1.txt",
            "suggestions": [
                suggestion("s-low", 0.4),
                suggestion("s-high", 0.9),
            ],
        },
        {"essay_id": "essay-2", "text_storage_id": "text-2", "filename": "essay-2.txt"},
    ]
    data = {
        "event_name": "batch.author.matches.suggested",
        "timestamp": utc_now(),
        "batch_id": batch_id,
        "class_id": "class-7",
        "course_code": "ENG5",
        "match_results": results,
        "processing_summary": {"total_essays": 2, "matched": 1, "no_match": 1, "errors": 0},
    }
    envelope = send("batchAuthorMatchesSuggested", data, correlation_id=correlation_id)
    return batch_id, correlation_id, envelope


def test_each_essay_is_confirmed_with_its_best_suggestion(
    cms_for: Any, send: ScriptedSender, wire: Expectations
) -> None:
    cms_for()

    batch_id, correlation_id, _ = suggest(send)

    confirmed = wire.expect("studentAssociationsConfirmed", batch_id=batch_id, within_s=5)
    assert confirmed.correlation_id == correlation_id
    assert confirmed.key == batch_id
    associations = {a["essay_id"]: a for a in confirmed.data["associations"]}
    assert associations["essay-1"]["student_id"] == "s-high"
    assert associations["essay-1"]["confidence_score"] == 0.9
    assert associations["essay-2"]["student_id"] is None
    assert {a["validation_method"] for a in associations.values()} == {"human"}
    assert confirmed.data["timeout_triggered"] is False
    assert confirmed.data["validation_summary"] == {
        "total_associations": 2,
        "confirmed": 1,
        "rejected": 1,
    }
    assert message_violations(wire) == []


def test_the_confirmation_waits_out_the_configured_delay(
    cms_for: Any, send: ScriptedSender, wire: Expectations
) -> None:
    cms_for(confirmation_delay_s=0.05)
    sent_at = time.monotonic()

    batch_id, _, _ = suggest(send)

    confirmed = wire.expect("studentAssociationsConfirmed", batch_id=batch_id, within_s=5)
    assert confirmed.seen_at - sent_at >= 0.05


def test_the_delay_never_blocks_the_consumer_and_stop_cancels_pending_timers(
    cms_for: Any, send: ScriptedSender, wire: Expectations
) -> None:
    cms = cms_for(confirmation_delay_s=0.3)

    batches = {suggest(send)[0], suggest(send)[0]}
    wait_for(
        lambda: cms.pending_confirmations == batches,
        within_s=5,
        awaited="both batches stored while the first one's delay runs",
    )
    cms.stop()

    assert cms.pending_confirmations == set()
    wire.expect_none("studentAssociationsConfirmed", for_s=0.5)  # past the delay: cancelled


def test_the_timeout_path_confirms_as_the_system_under_a_new_correlation_id(
    cms_for: Any, send: ScriptedSender, wire: Expectations
) -> None:
    cms_for(confirm_by_timeout=True)

    batch_id, correlation_id, _ = suggest(send)

    confirmed = wire.expect("studentAssociationsConfirmed", batch_id=batch_id, within_s=5)
    assert confirmed.correlation_id != correlation_id
    assert confirmed.data["timeout_triggered"] is True
    assert {a["validated_by"] for a in confirmed.data["associations"]} == {"SYSTEM_TIMEOUT"}
    assert {a["validation_method"] for a in confirmed.data["associations"]} == {"timeout"}


def test_a_failing_essay_s_association_is_rejected(
    cms_for: Any, send: ScriptedSender, wire: Expectations
) -> None:
    cms_for(essay_failure_rate=1.0)

    batch_id, _, _ = suggest(send)

    confirmed = wire.expect("studentAssociationsConfirmed", batch_id=batch_id, within_s=5)
    assert [a["student_id"] for a in confirmed.data["associations"]] == [None, None]
    assert confirmed.data["validation_summary"]["rejected"] == 2


def test_a_redelivered_suggestion_is_confirmed_once(
    cms_for: Any, send: ScriptedSender, wire: Expectations
) -> None:
    cms_for()

    batch_id, _, envelope = suggest(send)
    send.again("batchAuthorMatchesSuggested", envelope)

    first = wire.expect("studentAssociationsConfirmed", batch_id=batch_id, within_s=5)
    wire.expect_none(
        "studentAssociationsConfirmed", batch_id=batch_id, where=lambda m: m != first, for_s=0.2
    )


@pytest.mark.parametrize("knob", ["service_failure", "hang"])
def test_a_failed_or_hung_cms_never_confirms(
    cms_for: Any, send: ScriptedSender, wire: Expectations, knob: str
) -> None:
    cms_for(**{knob: True})

    batch_id, _, _ = suggest(send)

    wire.expect_none("studentAssociationsConfirmed", batch_id=batch_id, for_s=0.2)


def test_duplicate_outputs_confirm_twice(
    cms_for: Any, send: ScriptedSender, wire: Expectations
) -> None:
    cms_for(duplicate_outputs=True)

    batch_id, _, _ = suggest(send)

    wire.expect_copies("studentAssociationsConfirmed", batch_id=batch_id, count=2, within_s=5)


def test_broken_output_puts_a_contract_breaking_message_on_the_wire(
    cms_for: Any, send: ScriptedSender, wire: Expectations
) -> None:
    cms_for(broken_output=True)

    batch_id, _, _ = suggest(send)

    wire.expect("studentAssociationsConfirmed", batch_id=batch_id, within_s=5)
    assert message_violations(wire, batch_id=batch_id)


def test_the_matching_chain_runs_from_els_request_to_confirmation(
    contract: Contract,
    memory_bus: InMemoryBus,
    running: Runner,
    cms_for: Any,
    send: ScriptedSender,
    wire: Expectations,
) -> None:
    store = InMemoryContentStore()
    running(NLPSimulator(contract, memory_bus, content=store))
    cms_for(confirmation_delay_s=0.05)
    batch_id, correlation_id = str(uuid.uuid4()), new_id()
    essays = [{"essay_id": f"essay-{i}", "text_storage_id": store.put("Text.")} for i in range(3)]

    send(
        "batchStudentMatchingRequested",
        {"batch_id": batch_id, "essays_to_process": essays, "class_id": "c", "course_code": "SV1"},
        correlation_id=correlation_id,
    )

    confirmed = wire.expect("studentAssociationsConfirmed", batch_id=batch_id, within_s=5)
    assert confirmed.data["validation_summary"]["confirmed"] == 3
    assert confirmed.correlation_id == correlation_id
    assert message_violations(wire) == []
