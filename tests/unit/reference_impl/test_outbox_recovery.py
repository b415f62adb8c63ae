"""A BOS killed at any point and restarted on the same database neither loses nor repeats a
completion (issue 4, "Reliability"). The kill is simulated at the bus or storage seam: from
that moment the old instance can do nothing more, as a dead process, and its consumer does not
commit the message in hand."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import pytest

from harness.bus import ConsumerCrashed, Delivery, DeliveryHandler, Subscription
from harness.contract import Channel, Contract
from harness.envelope import Envelope
from harness.expectations import Expectations
from harness.memory_bus import InMemoryBus
from harness.observed import ObservedMessage
from harness.service import ServiceEndpoint
from harness.waiting import wait_for
from reference_impl import (
    BatchConductorService,
    BatchOrchestratorService,
    ConductorConfig,
    OrchestratorConfig,
    SqliteRepository,
    payloads,
)
from reference_impl.batch_state import BatchState
from reference_impl.orchestrator import BATCH_CODEC
from reference_impl.storage import Change
from tests.unit.reference_impl import scripted
from tests.unit.reference_impl.rig import Rig
from tests.unit.reference_impl.wire import DeadLetters, watch

COMPLETED = "batchPipelineCompleted"
ESSAYS = scripted.essays(3)


class KilledAtPublish:
    """The bus as a BOS process sees it, dying just before or just after one publish."""

    def __init__(self, bus: InMemoryBus, channel_id: str, when: Literal["before", "after"]):
        self.inner, self.contract = bus, bus.contract
        self.channel_id, self.when = channel_id, when
        self.dead = False

    def publish(
        self,
        channel: Channel,
        value: bytes | Envelope,
        *,
        key: str | None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if self.dead:
            raise ConsumerCrashed("this process is dead")
        if channel.id == self.channel_id and self.when == "before":
            self.dead = True
            raise ConsumerCrashed("killed between commit and publish")
        self.inner.publish(channel, value, key=key, headers=headers)
        if channel.id == self.channel_id:
            self.dead = True
            raise ConsumerCrashed("killed after publish, before the outbox row was deleted")

    def subscribe(
        self,
        channels: Sequence[Channel],
        *,
        group: str | None,
        handler: DeliveryHandler,
        name: str = "",
    ) -> Subscription:
        return self.inner.subscribe(channels, group=group, handler=handler, name=name)

    def dead_letter(self, delivery: Delivery, reason: str, *, service: str = "") -> None:
        self.inner.dead_letter(delivery, reason, service=service)

    def settle(self) -> None:
        self.inner.settle()

    def start(self) -> None:
        return None

    def stop(self) -> None:
        return None


class KilledAtCommit:
    """BOS storage that dies when asked to commit a completion (nothing of it is stored)."""

    def __init__(self, path: Path) -> None:
        self.inner = SqliteRepository(path, BATCH_CODEC)
        self.dead = False

    def commit(self, change: Change[BatchState]) -> None:
        if self.dead or any(m.channel_id == COMPLETED for m in change.outbox):
            self.dead = True
            raise ConsumerCrashed("killed before the commit")
        self.inner.commit(change)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class LosesOnePublish:
    """A bus that acknowledges the first publish on one channel and drops it: a broker that
    lost an acknowledged write (an unclean leader election), or a consumer that lost its state."""

    def __init__(self, bus: InMemoryBus, channel_id: str) -> None:
        self.inner, self.contract, self.channel_id = bus, bus.contract, channel_id
        self.lost = False

    def publish(
        self,
        channel: Channel,
        value: bytes | Envelope,
        *,
        key: str | None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if channel.id == self.channel_id and not self.lost:
            self.lost = True
            return
        self.inner.publish(channel, value, key=key, headers=headers)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture
def bcs(contract: Contract, memory_bus: InMemoryBus) -> Iterator[BatchConductorService]:
    service = BatchConductorService(contract, memory_bus, ConductorConfig())
    service.start()
    yield service
    service.stop()


def start_bos(
    contract: Contract, bus: Any, bcs: BatchConductorService, db: Path, **parts: Any
) -> BatchOrchestratorService:
    config = OrchestratorConfig(bcs_url=bcs.base_url, database_path=db, tick_interval_s=0.05)
    bos = BatchOrchestratorService(contract, bus, config, **parts)
    bos.start()
    return bos


def run_cj_until_the_last_outcome(rig: Rig) -> tuple[str, str]:
    batch_id = rig.ready_guest(ESSAYS)
    cid = rig.request(batch_id, "cj_assessment")
    rig.command(batch_id, "batchServiceSpellcheckInitiateCommandData", cid)
    rig.outcome(batch_id, "spellcheck", cid, ESSAYS)
    rig.command(batch_id, "batchServiceCjAssessmentInitiateCommandData", cid)
    rig.outcome(batch_id, "cj_assessment", cid, ESSAYS)
    return batch_id, cid


def restart_and_check(
    contract: Contract,
    bus: InMemoryBus,
    bcs: BatchConductorService,
    db: Path,
    crashed: BatchOrchestratorService,
    wire: Expectations,
    batch_id: str,
    cid: str,
) -> list[ObservedMessage]:
    """Stop the dead instance, start a new one on the same file; then a second pipeline runs,
    which proves the batch is usable and that nothing else was published in between."""
    crashed.stop()
    bos = start_bos(contract, bus, bcs, db)
    try:
        rig = Rig(contract, bus, bcs, bos, wire, DeadLetters(contract, bus), _peers(contract, bus))
        rig.wire.expect_events(COMPLETED, batch_id=batch_id, correlation_id=cid, count=1)
        rig.wait_status(batch_id, "ready_for_pipeline_execution")
        second = rig.request(batch_id, "nlp")
        rig.command(batch_id, "batchServiceNlpInitiateCommandData", second)
        rig.outcome(batch_id, "nlp", second, ESSAYS)
        rig.wire.expect_events(COMPLETED, batch_id=batch_id, correlation_id=second, count=1)
        return rig.wire.copies(COMPLETED, batch_id=batch_id)
    finally:
        bos.stop()


def _peers(contract: Contract, bus: InMemoryBus) -> dict[str, ServiceEndpoint]:
    return {sid: ServiceEndpoint(contract, bus, sid) for sid in ("els", "cms", "api_gateway")}


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_bos_killed_around_publishing_the_completion_publishes_it_once(
    contract: Contract,
    memory_bus: InMemoryBus,
    bcs: BatchConductorService,
    tmp_path: Path,
    when: Literal["before", "after"],
) -> None:
    db = tmp_path / "bos.db"
    wire, dead_letters = watch(contract, memory_bus), DeadLetters(contract, memory_bus)
    killed = KilledAtPublish(memory_bus, COMPLETED, when)
    bos = start_bos(contract, killed, bcs, db)
    rig = Rig(contract, memory_bus, bcs, bos, wire, dead_letters, _peers(contract, memory_bus))
    batch_id, cid = run_cj_until_the_last_outcome(rig)
    wait_for(lambda: killed.dead, within_s=10, awaited="BOS to die at the completion")
    completions = restart_and_check(contract, memory_bus, bcs, db, bos, wire, batch_id, cid)
    first = [c for c in completions if c.correlation_id == cid]
    assert len({c.event_id for c in first}) == 1  # one completion, whatever the copies
    assert len(first) == (1 if when == "before" else 2)  # at-least-once: the same envelope
    assert [c.correlation_id for c in completions][-1] != cid
    runs = bcs.batch(batch_id).runs  # type: ignore[union-attr]
    assert [(r.requested_pipeline, r.status) for r in runs] == [
        ("cj_assessment", "completed"),
        ("nlp", "completed"),
    ]


def test_a_bos_killed_before_committing_the_completion_completes_after_restart(
    contract: Contract, memory_bus: InMemoryBus, bcs: BatchConductorService, tmp_path: Path
) -> None:
    db = tmp_path / "bos.db"
    wire, dead_letters = watch(contract, memory_bus), DeadLetters(contract, memory_bus)
    repository = KilledAtCommit(db)
    bos = start_bos(contract, memory_bus, bcs, db, repository=repository)
    rig = Rig(contract, memory_bus, bcs, bos, wire, dead_letters, _peers(contract, memory_bus))
    batch_id, cid = run_cj_until_the_last_outcome(rig)
    wait_for(lambda: repository.dead, within_s=10, awaited="BOS to die at the commit")
    completions = restart_and_check(contract, memory_bus, bcs, db, bos, wire, batch_id, cid)
    assert [c.correlation_id for c in completions].count(cid) == 1
    assert len(completions) == 2


def test_a_restarted_bos_re_drives_a_phase_whose_command_was_lost_instead_of_timing_it_out(
    contract: Contract, memory_bus: InMemoryBus, bcs: BatchConductorService, tmp_path: Path
) -> None:
    db, spellcheck = tmp_path / "bos.db", "batchServiceSpellcheckInitiateCommandData"
    wire, dead_letters = watch(contract, memory_bus), DeadLetters(contract, memory_bus)
    lossy = LosesOnePublish(memory_bus, spellcheck)
    bos = start_bos(contract, lossy, bcs, db)
    rig = Rig(contract, memory_bus, bcs, bos, wire, dead_letters, _peers(contract, memory_bus))
    batch_id = rig.ready_guest(ESSAYS)
    cid = rig.request(batch_id, "cj_assessment")
    wait_for(lambda: lossy.lost, within_s=10, awaited="the spellcheck command to be lost")
    assert rig.batch_view(batch_id)["status"] == "processing_pipelines"
    bos.stop()
    again = start_bos(contract, memory_bus, bcs, db)
    try:
        rig = Rig(contract, memory_bus, bcs, again, wire, dead_letters, rig.peers)
        command = rig.command(batch_id, spellcheck, cid)
        assert command.event_id == payloads.phase_command_id(cid, "spellcheck")
        rig.outcome(batch_id, "spellcheck", cid, ESSAYS)
        rig.command(batch_id, "batchServiceCjAssessmentInitiateCommandData", cid)
        rig.outcome(batch_id, "cj_assessment", cid, ESSAYS)
        rig.wire.expect_events(COMPLETED, batch_id=batch_id, correlation_id=cid, count=1)
        (done,) = rig.wire.events(COMPLETED, batch_id=batch_id)
        assert done.data["final_status"] == "completed_successfully"
    finally:
        again.stop()


def test_a_re_driven_command_that_was_not_lost_is_one_event_in_two_copies(
    contract: Contract, memory_bus: InMemoryBus, bcs: BatchConductorService, tmp_path: Path
) -> None:
    db, spellcheck = tmp_path / "bos.db", "batchServiceSpellcheckInitiateCommandData"
    wire, dead_letters = watch(contract, memory_bus), DeadLetters(contract, memory_bus)
    bos = start_bos(contract, memory_bus, bcs, db)
    rig = Rig(contract, memory_bus, bcs, bos, wire, dead_letters, _peers(contract, memory_bus))
    batch_id = rig.ready_guest(ESSAYS)
    cid = rig.request(batch_id, "cj_assessment")
    rig.command(batch_id, spellcheck, cid)
    bos.stop()
    again = start_bos(contract, memory_bus, bcs, db)
    try:
        wait_for(
            lambda: len(wire.copies(spellcheck, batch_id=batch_id)) == 2,
            within_s=10,
            awaited="the re-driven copy",
        )
        first, second = wire.copies(spellcheck, batch_id=batch_id)
        assert first.event_id == second.event_id and first.data == second.data
        assert len(wire.events(spellcheck, batch_id=batch_id)) == 1
    finally:
        again.stop()
