"""The live wire check on the in-memory bus: a line per breach and per dead letter as they
happen, and a summary that names the pipelines requested but never completed."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from harness.bus import DEAD_LETTER_REASON, DEAD_LETTER_SERVICE, DEAD_LETTER_TOPIC
from harness.contract import Contract
from harness.envelope import Envelope
from harness.live import LiveWireCheck
from harness.memory_bus import InMemoryBus
from harness.observer import ContractObserver
from harness.waiting import wait_for


@pytest.fixture
def tap(contract: Contract) -> Iterator[tuple[InMemoryBus, LiveWireCheck, list[str]]]:
    bus = InMemoryBus(contract)
    bus.start()
    observer = ContractObserver(contract, bus)
    observer.start()
    lines: list[str] = []
    check = LiveWireCheck(contract, bus, observer, say=lines.append, poll_s=0.05)
    check.start()
    yield bus, check, lines
    check.stop()
    observer.stop()
    bus.stop()


def example(contract: Contract, channel_id: str) -> dict[str, Any]:
    return copy.deepcopy(dict(contract.channel(channel_id).message.examples[0]))


def publish(
    bus: InMemoryBus, contract: Contract, channel_id: str, document: dict[str, Any]
) -> None:
    channel = contract.channel(channel_id)
    key = document["data"].get("batch_id") or document["data"].get("entity_id")
    bus.publish(channel, Envelope.from_json(document), key=key)


def test_a_breach_is_one_line_with_service_channel_pointer_and_reason(
    contract: Contract, tap: tuple[InMemoryBus, LiveWireCheck, list[str]]
) -> None:
    bus, check, lines = tap
    broken = example(contract, "batchPipelineCompleted")
    broken["data"]["final_status"] = "finished"
    publish(bus, contract, "batchPipelineCompleted", broken)
    line = wait_for(
        lambda: next((x for x in lines if "VIOLATION" in x), None),
        within_s=5,
        awaited="a violation line",
    )
    assert "batch_orchestrator_service huleedu.batch.pipeline.completed.v1" in line
    assert "BatchPipelineCompletedV1 /data/final_status:" in line
    assert check.summary().broken


def test_a_pipeline_requested_and_never_completed_is_a_finding(
    contract: Contract, tap: tuple[InMemoryBus, LiveWireCheck, list[str]]
) -> None:
    bus, check, _lines = tap
    request = example(contract, "clientBatchPipelineRequest")
    publish(bus, contract, "clientBatchPipelineRequest", request)
    wait_for(lambda: check.summary().pipelines or None, within_s=5, awaited="the request")
    summary = check.summary()
    (unfinished,) = summary.unfinished
    assert unfinished.correlation_id == request["correlation_id"]
    assert any("NOT COMPLETED" in line for line in summary.lines())
    assert not summary.broken  # a hang is reported, but it breaks no message


def test_a_completion_from_a_service_that_may_not_send_it_completes_nothing(
    contract: Contract, tap: tuple[InMemoryBus, LiveWireCheck, list[str]]
) -> None:
    bus, check, _lines = tap
    request = example(contract, "clientBatchPipelineRequest")
    publish(bus, contract, "clientBatchPipelineRequest", request)
    fake = example(contract, "batchPipelineCompleted")
    fake |= {"correlation_id": request["correlation_id"], "source_service": "nlp-service"}
    publish(bus, contract, "batchPipelineCompleted", fake)
    wait_for(lambda: len(check.summary().violations) or None, within_s=5, awaited="the breach")
    assert [p.ended for p in check.summary().pipelines] == [None]


def test_a_dead_letter_is_a_line_with_its_reason(
    contract: Contract, tap: tuple[InMemoryBus, LiveWireCheck, list[str]]
) -> None:
    bus, check, lines = tap
    headers = {
        DEAD_LETTER_REASON: "not JSON",
        DEAD_LETTER_TOPIC: "huleedu.els.batch.phase.outcome.v1",
        DEAD_LETTER_SERVICE: "bos",
    }
    bus.publish(contract.dead_letter_channel, b"\x00", key=None, headers=headers)
    line = wait_for(
        lambda: next((x for x in lines if "DEAD LETTER" in x), None),
        within_s=5,
        awaited="a dead-letter line",
    )
    assert "huleedu.els.batch.phase.outcome.v1 (set aside by bos): not JSON" in line
    assert check.summary().to_json()["dead_letters"][0]["reason"] == "not JSON"
