"""``up --state-dir``: every service keeps its state in the directory, and a system built
again on it (a new process after a kill -9) knows what the first one did."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.contract import Contract
from harness.errors import HarnessError
from harness.expectations import Expectations
from harness.memory_bus import InMemoryBus
from harness.observer import ContractObserver
from pipeline_system.cli import main
from pipeline_system.processes import ProcessPlan, ProcessSystem
from pipeline_system.system import SIMULATORS, build_system
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
