"""The fuzz of the whole system (pipeline_system.fuzz): its payloads and its judgement."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from harness.bus import DEAD_LETTER_REASON, DEAD_LETTER_SERVICE, DEAD_LETTER_TOPIC, Delivery
from harness.contract import Contract
from harness.observer import ContractObserver
from pipeline_system.fuzz import FuzzReport, _settle, fuzz_payloads, fuzz_system


def test_the_payloads_are_a_third_each_clean_changed_and_garbled_and_repeat_by_seed(
    contract: Contract,
) -> None:
    first = list(fuzz_payloads(contract, 30, seed=5))
    assert Counter(kind for _, _, kind in first) == {"clean": 10, "mutated": 10, "bytes": 10}
    assert first == list(fuzz_payloads(contract, 30, seed=5))
    assert len({channel.id for channel, _, _ in first}) > 5
    clean = [raw for _, raw, kind in first if kind == "clean"]
    assert all(json.loads(raw)["event_type"] for raw in clean)


def _letter(contract: Contract, service: str, reason: str) -> Delivery:
    headers = {DEAD_LETTER_SERVICE: service, DEAD_LETTER_REASON: reason, DEAD_LETTER_TOPIC: "t"}
    return Delivery(contract.dead_letter_channel, "dl", None, b"{}", headers)


def test_a_handler_that_raised_is_a_crash_and_a_missing_refusal_is_counted(
    contract: Contract,
) -> None:
    report = FuzzReport(expected_set_aside=3, completed_after=True)
    dead = [
        _letter(contract, "els", "breaking: /data ..."),
        _letter(contract, "?", "KeyError: 'batch_id'"),
        _letter(contract, "bos", ""),
    ]
    _settle(dead, report, within_s=0.2)
    assert report.crashes == {"t KeyError": 1}
    assert (report.set_aside, report.missing, report.without_reason) == (2, 1, 1)
    assert not report.passed


@pytest.mark.timeout(120)
def test_the_wire_check_after_the_fuzz_checks_the_pipeline_not_the_fuzz_again(
    contract: Contract, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It began at the start of every topic: after 100,000 payloads it explained the fuzz for
    minutes before it saw the pipeline's messages, and the pipeline "did not complete"."""
    seen: list[bytes] = []
    record = ContractObserver._record

    def recording(observer: ContractObserver, delivery: Delivery) -> None:
        seen.append(delivery.value or b"")
        record(observer, delivery)

    monkeypatch.setattr(ContractObserver, "_record", recording)
    told: list[int] = []
    report = fuzz_system(contract, count=30, seed=4, within_s=60, progress=told.append, every=10)
    assert report.passed, report.line()  # (the fault runner's fuzz line runs a bigger one)
    assert told == [10, 20, 30]  # the progress of a long fuzz
    assert report.sent["breaking"] and report.sent["not-json-object"] and report.sent["clean"]
    assert report.set_aside >= report.sent["not-json-object"]
    sent = {raw for _, raw, _ in fuzz_payloads(contract, 30, seed=4)}
    again = sent & set(seen)
    assert seen and not again, f"{len(again)} of the fuzz's {len(sent)} payloads checked again"
