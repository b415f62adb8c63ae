"""SpellcheckSimulator on the in-memory bus: true counts, failure status, behaviour knobs."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from harness.contract import Contract
from harness.envelope import new_id, utc_now
from harness.expectations import Expectations
from harness.memory_bus import InMemoryBus
from simulators.content import InMemoryContentStore
from simulators.spellcheck import (
    SpellcheckBehaviour,
    Spellchecker,
    SpellcheckSimulator,
    SpellingDictionary,
)
from tests.unit.simulators.conftest import Runner, ScriptedSender, message_violations

TEXT = "I beleive it is realy good, becuase we went home."
CORRECTED = "I believe it is really good, because we went home."
WORDS = "i it is the good really believe because we went home"
DICTIONARY = SpellingDictionary(
    "en", tuple(WORDS.split()), {"beleive": "believe", "realy": "really", "becuase": "because"}
)


@pytest.fixture
def store() -> InMemoryContentStore:
    return InMemoryContentStore()


@pytest.fixture
def spellchecker_for(
    contract: Contract, memory_bus: InMemoryBus, store: InMemoryContentStore, running: Runner
) -> Any:
    def start(**knobs: Any) -> SpellcheckSimulator:
        simulator = SpellcheckSimulator(
            contract,
            memory_bus,
            SpellcheckBehaviour(**knobs),
            content=store,
            spellchecker=Spellchecker([DICTIONARY]),
        )
        return running(simulator)

    return start


def request(send: ScriptedSender, storage_id: str, *, essay_id: str | None = None) -> str:
    """ELS's request for one essay; returns its correlation id."""
    essay_id = essay_id or f"essay-{uuid.uuid4().hex[:8]}"
    correlation_id = new_id()
    send(
        "essayLifecycleSpellcheckRequest",
        request_data(essay_id, storage_id),
        correlation_id=correlation_id,
    )
    return correlation_id


def request_data(essay_id: str, storage_id: str, batch_id: str = "batch-1") -> dict[str, Any]:
    return {
        "event_name": "essay.spellcheck.requested",
        "entity_id": essay_id,
        "entity_type": "essay",
        "parent_id": batch_id,
        "timestamp": utc_now(),
        "status": "awaiting_spellcheck",
        "system_metadata": {
            "entity_id": essay_id,
            "entity_type": "essay",
            "parent_id": batch_id,
            "event": "essay.spellcheck.requested",
            "processing_stage": "pending",
        },
        "text_storage_id": storage_id,
        "language": "en",
    }


def test_a_known_text_gets_true_counts_and_its_corrected_text_is_stored(
    spellchecker_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    spellchecker_for()
    original_id = store.put(TEXT)

    correlation_id = request(send, original_id)

    thin = wire.expect("spellcheckPhaseCompleted", correlation_id=correlation_id, within_s=5)
    rich = wire.expect("spellcheckResult", correlation_id=correlation_id, within_s=5)
    assert thin.data["status"] == "completed"
    assert thin.data["correlation_id"] == correlation_id
    assert store.get(thin.data["corrected_text_storage_id"]) == CORRECTED
    assert rich.data["status"] == "spellchecked_success"
    assert rich.data["corrections_made"] == 3
    assert rich.data["correction_metrics"] == {
        "total_corrections": 3,
        "l2_dictionary_corrections": 3,
        "spellchecker_corrections": 0,
        "word_count": 10,
        "correction_density": 30.0,
    }
    assert rich.data["original_text_storage_id"] == original_id
    assert rich.data["corrected_text_storage_id"] == thin.data["corrected_text_storage_id"]
    assert message_violations(wire) == []


def test_the_results_are_keyed_by_essay_and_name_its_batch(
    spellchecker_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    spellchecker_for()

    correlation_id = request(send, store.put(TEXT), essay_id="essay-42")

    thin = wire.expect("spellcheckPhaseCompleted", correlation_id=correlation_id, within_s=5)
    rich = wire.expect("spellcheckResult", correlation_id=correlation_id, within_s=5)
    assert thin.key == rich.key == "essay-42"
    assert thin.data["batch_id"] == rich.data["batch_id"] == "batch-1"


@pytest.mark.parametrize(
    ("knobs", "error_code"),
    [
        ({"essay_failure_rate": 1.0}, "PROCESSING_ERROR"),
        ({"service_failure": True}, "SERVICE_UNAVAILABLE"),
    ],
)
def test_a_failed_essay_still_gets_both_events_with_failure_status(
    spellchecker_for: Any,
    send: ScriptedSender,
    wire: Expectations,
    store: InMemoryContentStore,
    knobs: dict[str, Any],
    error_code: str,
) -> None:
    spellchecker_for(**knobs)

    correlation_id = request(send, store.put(TEXT))

    thin = wire.expect("spellcheckPhaseCompleted", correlation_id=correlation_id, within_s=5)
    rich = wire.expect("spellcheckResult", correlation_id=correlation_id, within_s=5)
    assert thin.data["status"] == "failed"
    assert thin.data["corrected_text_storage_id"] is None
    assert error_code in thin.data["error_code"]
    assert rich.data["status"] == "spellcheck_failed"
    assert rich.data["system_metadata"]["processing_stage"] == "failed"
    assert rich.data["system_metadata"]["error_info"]["error_code"] == error_code
    assert rich.data["corrections_made"] == 0
    assert message_violations(wire) == []


def test_a_text_missing_from_the_content_store_fails_the_essay(
    spellchecker_for: Any, send: ScriptedSender, wire: Expectations
) -> None:
    spellchecker_for()

    correlation_id = request(send, "no-such-storage-id")

    rich = wire.expect("spellcheckResult", correlation_id=correlation_id, within_s=5)
    assert rich.data["status"] == "spellcheck_failed"
    assert rich.data["system_metadata"]["error_info"]["error_code"] == "CONTENT_SERVICE_ERROR"


def test_the_failure_rate_fails_the_same_essays_on_every_replay(
    spellchecker_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    simulator = spellchecker_for(essay_failure_rate=0.5, seed=7)
    essays = [f"essay-{i}" for i in range(12)]
    storage_id = store.put(TEXT)

    for essay_id in essays:
        request(send, storage_id, essay_id=essay_id)

    wire.expect("spellcheckPhaseCompleted", count=len(essays), within_s=5)
    failed = {
        m.data["entity_id"]
        for m in wire.copies("spellcheckPhaseCompleted", where={"status": "failed"})
    }
    assert failed == {e for e in essays if simulator.essay_fails(e)}
    assert 0 < len(failed) < len(essays)


def test_duplicate_outputs_publish_each_result_twice(
    spellchecker_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    spellchecker_for(duplicate_outputs=True)

    correlation_id = request(send, store.put(TEXT))

    wire.expect_copies(
        "spellcheckPhaseCompleted", correlation_id=correlation_id, count=2, within_s=5
    )
    wire.expect_copies("spellcheckResult", correlation_id=correlation_id, count=2, within_s=5)


def test_a_hung_spellchecker_never_answers(
    spellchecker_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    spellchecker_for(hang=True)

    correlation_id = request(send, store.put(TEXT))

    wire.expect_none("spellcheckPhaseCompleted", correlation_id=correlation_id, for_s=0.2)


def test_broken_output_puts_a_contract_breaking_message_on_the_wire(
    spellchecker_for: Any, send: ScriptedSender, wire: Expectations, store: InMemoryContentStore
) -> None:
    spellchecker_for(broken_output=True)

    correlation_id = request(send, store.put(TEXT))

    wire.expect("spellcheckResult", correlation_id=correlation_id, within_s=5)
    assert message_violations(wire, correlation_id=correlation_id)
