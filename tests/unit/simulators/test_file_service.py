"""FileServiceSimulator on the in-memory bus: content per registered essay, and its knobs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from harness.contract import Contract
from harness.envelope import new_id
from harness.errors import UsageError
from harness.expectations import Expectations
from harness.memory_bus import InMemoryBus
from harness.observed import ObservedMessage
from harness.waiting import wait_for
from simulators.content import ContentStore, HttpContentStore, InMemoryContentStore
from simulators.corpus import Corpus
from simulators.file_service import FileBehaviour, FileServiceSimulator
from tests.unit.simulators.conftest import (
    RecordingBus,
    Runner,
    ScriptedSender,
    deliver,
    message_violations,
    registration,
)

Start = Callable[..., FileServiceSimulator]


@pytest.fixture
def store() -> InMemoryContentStore:
    return InMemoryContentStore()


@pytest.fixture
def file_service(
    contract: Contract, memory_bus: InMemoryBus, store: InMemoryContentStore, running: Runner
) -> Start:
    def start(content_port: int | None = None, **knobs: Any) -> FileServiceSimulator:
        behaviour = FileBehaviour(**knobs)
        simulator = FileServiceSimulator(
            contract, memory_bus, behaviour, content=store, content_port=content_port
        )
        return running(simulator)

    return start


def register(send: ScriptedSender, count: int, course_code: str = "ENG5") -> tuple[str, str]:
    """BOS registers a batch of ``count`` essays; returns (batch_id, correlation_id)."""
    batch_id, correlation_id = new_id(), new_id()
    essays = [new_id() for _ in range(count)]
    data = registration(batch_id, essays, course_code=course_code)
    send("batchEssaysRegistered", data, correlation_id=correlation_id)
    return batch_id, correlation_id


FileEvents = tuple[list[ObservedMessage], list[ObservedMessage]]


def file_events(wire: Expectations, batch_id: str, count: int) -> FileEvents:
    """Wait for ``count`` file events of the batch: (provisioned, failed validation)."""

    def both() -> FileEvents | None:
        ok = wire.copies("essayContentProvisioned", where={"entity_id": batch_id})
        failed = wire.copies("essayValidationFailed", where={"entity_id": batch_id})
        return (ok, failed) if len(ok) + len(failed) >= count else None

    return wait_for(
        both,
        within_s=5,
        awaited=f"{count} file events of batch {batch_id}",
        seen=lambda: [m.summary() for m in wire.copies()[-10:]],
    )


def texts_of(messages: list[ObservedMessage], store: ContentStore) -> list[str]:
    return [store.get(m.data["text_storage_id"]) for m in messages]


def test_each_registered_essay_gets_its_own_text_from_the_corpus(
    file_service: Start, send: ScriptedSender, wire: Expectations, store: ContentStore
) -> None:
    file_service()
    batch_id, correlation_id = register(send, 4)
    provisioned, failed = file_events(wire, batch_id, 4)
    corpus = {essay.text.strip(): essay.file_name for essay in Corpus.load("en").essays}
    texts = texts_of(provisioned, store)
    assert failed == [] and len(set(texts)) == 4
    assert [corpus[text] for text in texts] == [m.data["original_file_name"] for m in provisioned]
    assert len({m.data["file_upload_id"] for m in provisioned}) == 4
    assert {m.correlation_id for m in provisioned} == {correlation_id}
    assert {m.data["correlation_id"] for m in provisioned} == {correlation_id}
    assert all(store.get(m.data["raw_file_storage_id"]) for m in provisioned)
    assert message_violations(wire) == []


def test_a_swedish_course_gets_swedish_essays(
    file_service: Start, send: ScriptedSender, wire: Expectations, store: ContentStore
) -> None:
    file_service()
    batch_id, _ = register(send, 3, course_code="SV2")
    provisioned, _ = file_events(wire, batch_id, 3)
    swedish = {essay.text.strip() for essay in Corpus.load("sv").essays}
    assert set(texts_of(provisioned, store)) <= swedish


def test_the_language_knob_overrides_the_course(
    file_service: Start, send: ScriptedSender, wire: Expectations, store: ContentStore
) -> None:
    file_service(language="sv")
    batch_id, _ = register(send, 2, course_code="ENG5")
    provisioned, _ = file_events(wire, batch_id, 2)
    swedish = {essay.text.strip() for essay in Corpus.load("sv").essays}
    assert set(texts_of(provisioned, store)) <= swedish


def test_essays_come_from_the_folder_the_user_names(
    file_service: Start,
    send: ScriptedSender,
    wire: Expectations,
    store: ContentStore,
    tmp_path: Path,
) -> None:
    (tmp_path / "mine.txt").write_text("My own essay\n\nWritten by me.", encoding="utf-8")
    file_service(corpus_dir=tmp_path)
    batch_id, _ = register(send, 2)
    provisioned, _ = file_events(wire, batch_id, 2)
    assert texts_of(provisioned, store) == ["My own essay\n\nWritten by me."] * 2
    assert sorted(m.data["original_file_name"] for m in provisioned) == ["mine.txt", "mine_2.txt"]


def test_the_same_seed_provisions_the_same_texts(contract: Contract) -> None:
    simulator = FileServiceSimulator(contract, InMemoryBus(contract), FileBehaviour(seed=9))
    again = FileServiceSimulator(contract, InMemoryBus(contract), FileBehaviour(seed=9))
    other = FileServiceSimulator(contract, InMemoryBus(contract), FileBehaviour(seed=10))
    assert simulator.essays_for("ENG5", 6) == again.essays_for("ENG5", 6)
    assert simulator.essays_for("ENG5", 6) != other.essays_for("ENG5", 6)


def test_invalid_essays_fail_validation_and_the_rest_is_provisioned(
    file_service: Start, send: ScriptedSender, wire: Expectations, store: ContentStore
) -> None:
    file_service(invalid_essays=2)
    batch_id, correlation_id = register(send, 5)
    provisioned, failed = file_events(wire, batch_id, 5)
    assert (len(provisioned), len(failed)) == (3, 2)
    for message in failed:
        assert message.data["validation_error_code"] == "CONTENT_TOO_SHORT"
        detail = message.data["validation_error_detail"]
        assert detail["correlation_id"] == correlation_id
        assert detail["service"] == "file-service"
        assert len(store.get(message.data["raw_file_storage_id"]).split()) < 50
    assert message_violations(wire) == []


def test_the_failure_rate_gives_the_true_split(
    file_service: Start, send: ScriptedSender, wire: Expectations
) -> None:
    simulator = file_service(essay_failure_rate=0.5, seed=4)
    expected_failures = sum(simulator.essay_fails(f"file-{i}") for i in range(12))
    batch_id, _ = register(send, 12)
    provisioned, failed = file_events(wire, batch_id, 12)
    assert 0 < expected_failures < 12
    assert (len(provisioned), len(failed)) == (12 - expected_failures, expected_failures)


def test_a_service_failure_rejects_every_file(
    file_service: Start, send: ScriptedSender, wire: Expectations
) -> None:
    file_service(service_failure=True)
    batch_id, _ = register(send, 3)
    provisioned, failed = file_events(wire, batch_id, 3)
    assert provisioned == []
    assert {m.data["validation_error_code"] for m in failed} == {"TEXT_EXTRACTION_FAILED"}


def test_a_batch_is_provisioned_once_however_often_it_is_registered(
    contract: Contract, recording_bus: RecordingBus
) -> None:
    simulator = FileServiceSimulator(contract, recording_bus)
    batch_id, correlation_id = new_id(), new_id()
    data = registration(batch_id, [new_id(), new_id()])
    envelope = deliver(simulator, "batchEssaysRegistered", data, correlation_id=correlation_id)
    deliver(simulator, "batchEssaysRegistered", data, correlation_id="", envelope=envelope)
    deliver(simulator, "batchEssaysRegistered", data, correlation_id=correlation_id)
    assert len(recording_bus.sent("essayContentProvisioned")) == 2


def test_duplicate_outputs_publish_every_file_event_twice(
    file_service: Start, send: ScriptedSender, wire: Expectations
) -> None:
    file_service(duplicate_outputs=True)
    batch_id, _ = register(send, 2)
    provisioned, _ = file_events(wire, batch_id, 4)
    event_ids = [m.document["event_id"] for m in provisioned if m.document]
    assert len(event_ids) == 4 and len(set(event_ids)) == 2


def test_a_hung_file_service_provisions_nothing(
    file_service: Start, send: ScriptedSender, wire: Expectations
) -> None:
    file_service(hang=True)
    batch_id, _ = register(send, 2)
    wire.expect("batchEssaysRegistered", where={"entity_id": batch_id}, within_s=5)
    wire.expect_none("essayContentProvisioned", where={"entity_id": batch_id}, for_s=0.3)


def test_broken_output_reaches_the_bus_and_breaks_the_contract(
    file_service: Start, send: ScriptedSender, wire: Expectations
) -> None:
    file_service(broken_output=True)
    batch_id, _ = register(send, 1)
    (message,), _ = file_events(wire, batch_id, 1)
    assert "file_size_bytes" not in message.data
    (violation,) = message.violations
    assert violation.breaking and violation.pointer == "/data"
    assert "'file_size_bytes' is a required property" in violation.reason


def test_a_rule_breach_reaches_the_bus_as_a_rule_finding_not_a_breaking_one(
    file_service: Start, send: ScriptedSender, wire: Expectations
) -> None:
    file_service(rule_breach="no-unknown-fields")
    batch_id, _ = register(send, 1)
    (message,), _ = file_events(wire, batch_id, 1)
    assert message.data["unexpected_field"]
    (violation,) = message.violations
    assert not violation.breaking and violation.rule == "no-unknown-fields"
    assert violation.sender == "file_service"


def test_an_unknown_rule_breach_is_refused_at_once() -> None:
    with pytest.raises(UsageError, match="utc-timestamps"):
        FileBehaviour(rule_breach="utc-timestamps")


def test_behaviour_can_change_while_running(
    file_service: Start, send: ScriptedSender, wire: Expectations
) -> None:
    simulator = file_service()
    simulator.behaviour = replace(simulator.behaviour, service_failure=True)
    batch_id, _ = register(send, 2)
    provisioned, failed = file_events(wire, batch_id, 2)
    assert (len(provisioned), len(failed)) == (0, 2)


def test_the_content_is_served_over_http_for_other_processes(
    file_service: Start, send: ScriptedSender, wire: Expectations
) -> None:
    simulator = file_service(content_port=0)
    assert simulator.content_url is not None
    batch_id, _ = register(send, 1)
    (message,), _ = file_events(wire, batch_id, 1)
    remote = HttpContentStore(simulator.contract, simulator.content_url)
    assert remote.get(message.data["text_storage_id"]) == simulator.content.get(
        message.data["text_storage_id"]
    )
