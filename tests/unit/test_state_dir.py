"""``up --state-dir``: every service keeps its state in the directory, and a system built
again on it (a new process after a kill -9) knows what the first one did."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from pathlib import Path

import pytest

from harness.contract import Channel, Contract
from harness.envelope import Envelope
from harness.errors import HarnessError
from harness.expectations import Expectations
from harness.memory_bus import InMemoryBus
from harness.observer import ContractObserver
from harness.waiting import wait_for
from pipeline_system.cli import main
from pipeline_system.processes import ProcessPlan, ProcessSystem
from pipeline_system.system import SIMULATORS, build_system
from simulators.cj_assessment import CJAssessmentSimulator
from simulators.content import FileContentStore


def test_texts_outlive_their_store(tmp_path: Path) -> None:
    first = FileContentStore(tmp_path / "content")
    storage_id = first.put("An essay about rivers.")
    html = first.put_bytes(b"<p>x</p>", "text/html")
    again = FileContentStore(tmp_path / "content")
    assert again.get(storage_id) == "An essay about rivers."
    assert again.get_bytes(html) == (b"<p>x</p>", "text/html")


def test_a_system_built_again_on_its_state_dir_knows_what_the_first_did(
    contract: Contract, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    bus = InMemoryBus(contract)
    bus.start()
    observer = ContractObserver(contract, bus)
    observer.start()
    try:
        with build_system(contract, bus, state_dir=state, content_over_http=True) as system:
            client = system.client()
            batch = client.register_batch(essay_count=3)
            client.wait_ready(batch.batch_id, within_s=30)
            cid = client.request_pipeline(batch.batch_id, "cj_assessment")
            Expectations(observer, within_s=30).expect(
                "batchPipelineCompleted", batch_id=batch.batch_id, correlation_id=cid
            )
            essays = set(system.simulators["els"].ledger.batches[batch.batch_id].essays)
    finally:
        observer.stop()
        bus.stop()
    assert {p.name for p in state.iterdir()} >= {
        "bos.db",
        "bcs.db",
        "content",
        "els.state",
        "cj_assessment.state",
        "file_service.state",
        "result_aggregator.state",
    }
    fresh = InMemoryBus(contract)  # a new process: nothing of the first but the directory
    fresh.start()
    try:
        with build_system(contract, fresh, state_dir=state) as again:
            assert again.bos is not None and again.bos.batch(batch.batch_id) is not None
            ledger = again.simulators["els"].ledger
            assert set(ledger.batches[batch.batch_id].essays) == essays
            report = again.simulators["result_aggregator"].report(batch.batch_id)
            assert len(report.completions) == 1
    finally:
        fresh.stop()


def test_a_damaged_state_file_is_one_clear_error(contract: Contract, tmp_path: Path) -> None:
    (tmp_path / "els.state").write_bytes(b"not a pickle")
    bus = InMemoryBus(contract)
    bus.start()
    try:
        system = build_system(contract, bus, state_dir=tmp_path)
        with pytest.raises(HarnessError, match=r"els cannot read its state file .*els\.state"):
            system.start()
        system.stop()
    finally:
        bus.stop()


def test_with_processes_each_child_keeps_its_state_in_the_same_files(
    contract: Contract, tmp_path: Path
) -> None:
    plan = ProcessPlan(state_dir=tmp_path)
    system = ProcessSystem(contract, InMemoryBus(contract), plan, bootstrap="127.0.0.1:9")
    assert isinstance(system.content, FileContentStore)  # the texts outlive up too
    urls = system._addresses()
    for sid in plan.services:
        argv = system._command(sid, 1, urls, tmp_path)
        cls = SIMULATORS.get(sid)
        if cls is None:  # BOS and BCS: their SQLite files, named as in one process
            assert argv[argv.index("--database") + 1] == str(tmp_path / f"{sid}.db")
        elif cls.persisted:
            assert argv[argv.index("--state-dir") + 1] == str(tmp_path), sid
        else:
            assert "--state-dir" not in argv, sid
    assert "--state-dir" not in _system_without_state(contract)._command("els", 1, urls, tmp_path)


def _system_without_state(contract: Contract) -> ProcessSystem:
    return ProcessSystem(contract, InMemoryBus(contract), ProcessPlan(), bootstrap="127.0.0.1:9")


def test_simulate_state_dir_for_a_service_that_remembers_nothing_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["simulate", "spellchecker", "--state-dir", "x"]) == 2
    err = capsys.readouterr().err
    assert "spellchecker remembers nothing between messages" in err
    assert "els" in err and "Traceback" not in err


class _OrderedBus(InMemoryBus):
    """An InMemoryBus that notes the order of publishes, settles and state writes."""

    def __init__(self, contract: Contract) -> None:
        super().__init__(contract)
        self.order: list[str] = []

    def publish(
        self,
        channel: Channel,
        value: bytes | Envelope,
        *,
        key: str | None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.order.append(f"publish {channel.id}")
        super().publish(channel, value, key=key, headers=headers)

    def settle(self) -> None:
        self.order.append("settle")


def _cj_answering_one_request(contract: Contract, state: Path | None) -> list[str]:
    """CJ (which remembers each request) handles one request through its subscription; the
    request names texts that are not stored, so CJ answers it with a failure."""
    bus = _OrderedBus(contract)
    bus.start()
    cj = CJAssessmentSimulator(contract, bus)
    if state is not None:
        cj.keep_state(state)
        take = cj.snapshot

        def noted_snapshot() -> bytes | None:
            bus.order.append("save state")  # what it remembers, taken to be written
            return take()

        cj.snapshot = noted_snapshot  # type: ignore[method-assign]
    cj.start()
    try:
        channel = contract.channel("elsCjAssessmentRequest")
        request = {**channel.message.examples[0], "event_id": str(uuid.uuid4())}
        bus.publish(channel, json.dumps(request).encode(), key="batch")
        last = "save state" if state is not None else "publish cjAssessmentFailed"
        wait_for(lambda: last in bus.order or None, within_s=10, awaited=last)
    finally:
        cj.stop()
        bus.stop()
    return bus.order


def test_a_service_writes_its_state_only_once_what_it_sent_is_stored(
    contract: Contract, tmp_path: Path
) -> None:
    """Found by the fault runner's system-killed scenario (1 run in 10 never completed): CJ
    wrote that it had seen a request before its comparison requests were stored; killed in
    between, the restarted CJ skipped the redelivered request as seen, and nothing was ever
    asked of the LLM provider."""
    order = _cj_answering_one_request(contract, tmp_path / "cj.state")
    assert order[1:] == ["publish cjAssessmentFailed", "settle", "save state"], order
    assert (tmp_path / "cj.state").exists()


def test_a_service_without_state_does_not_wait_on_its_outputs(contract: Contract) -> None:
    order = _cj_answering_one_request(contract, None)
    assert order[1:] == ["publish cjAssessmentFailed"], order
