"""BOS and BCS running on a bus, driven the way ELS, CMS and the API gateway drive them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.bus import Bus
from harness.contract import Contract
from harness.envelope import Envelope
from harness.expectations import Expectations
from harness.observed import ObservedMessage
from harness.service import ServiceEndpoint
from harness.waiting import wait_for
from reference_impl import (
    BatchConductorService,
    BatchOrchestratorService,
    ConductorConfig,
    OrchestratorConfig,
)
from reference_impl.batch_state import EssayRef
from tests.unit.reference_impl import scripted
from tests.unit.reference_impl.wire import DeadLetters, http, watch


@dataclass
class Rig:
    """A BCS, a BOS and scripted peers on one bus; ``stop()`` ends the services."""

    contract: Contract
    bus: Bus
    bcs: BatchConductorService
    bos: BatchOrchestratorService
    wire: Expectations
    dead_letters: DeadLetters
    peers: dict[str, ServiceEndpoint] = field(default_factory=dict)

    @classmethod
    def start(
        cls,
        contract: Contract,
        bus: Bus,
        orchestrator: Mapping[str, Any] | None = None,
        conductor: ConductorConfig | None = None,
        **bos_parts: Any,
    ) -> Rig:
        """``orchestrator``: OrchestratorConfig fields to change (bcs_url is this rig's BCS)."""
        wire, dead_letters = watch(contract, bus), DeadLetters(contract, bus)
        bcs = BatchConductorService(contract, bus, conductor or ConductorConfig())
        config = OrchestratorConfig(bcs_url=bcs.base_url, **(orchestrator or {}))
        bos = BatchOrchestratorService(contract, bus, config, **bos_parts)
        peers = {sid: ServiceEndpoint(contract, bus, sid) for sid in ("els", "cms", "api_gateway")}
        for service in (bcs, bos):
            service.start()
            service.wait_ready()
        return cls(contract, bus, bcs, bos, wire, dead_letters, peers)

    def stop(self) -> None:
        self.bos.stop()
        self.bcs.stop()

    # -- the client's side -----------------------------------------------------------------

    def register(self, *, count: int = 3, class_id: str | None = None) -> str:
        body = scripted.registration_body(count=count, class_id=class_id)
        status, answer = http("POST", f"{self.bos.base_url}/v1/batches/register", body)
        assert status == 202, answer
        return str(answer["batch_id"])

    def batch_view(self, batch_id: str) -> dict[str, Any]:
        status, answer = http("GET", f"{self.bos.base_url}/v1/batches/{batch_id}")
        assert status == 200, answer
        return dict(answer)

    def wait_status(self, batch_id: str, status: str, within_s: float = 10.0) -> dict[str, Any]:
        return wait_for(
            lambda: (view := self.batch_view(batch_id))["status"] == status and view,
            within_s=within_s,
            awaited=f"batch {batch_id} in status {status}",
        )

    def request(self, batch_id: str, pipeline: str, *, is_retry: bool = False) -> str:
        cid = scripted.new_id()
        data = scripted.pipeline_request(batch_id, pipeline, is_retry=is_retry)
        self.peers["api_gateway"].publish("clientBatchPipelineRequest", data, correlation_id=cid)
        return cid

    # -- ELS's and CMS's side --------------------------------------------------------------

    def ready_guest(self, essays: list[EssayRef]) -> str:
        batch_id = self.register(count=len(essays))
        self.provision(batch_id, essays)
        self.wait_status(batch_id, "ready_for_pipeline_execution")
        return batch_id

    def provision(self, batch_id: str, essays: list[EssayRef]) -> None:
        data = scripted.provisioning_completed(batch_id, essays)
        self.publish("els", "batchContentProvisioningCompleted", data, scripted.new_id())

    def outcome(
        self,
        batch_id: str,
        phase: str,
        cid: str,
        processed: list[EssayRef],
        status: str = "completed_successfully",
        failed: list[str] | None = None,
    ) -> Envelope:
        data = scripted.phase_outcome(batch_id, phase, status, processed, failed, cid)
        return self.publish("els", "elsBatchPhaseOutcome", data, cid)

    def publish(self, peer: str, channel_id: str, data: dict[str, Any], cid: str) -> Envelope:
        return self.peers[peer].publish(channel_id, data, correlation_id=cid)

    def command(self, batch_id: str, phase_channel: str, cid: str) -> ObservedMessage:
        """The one command of ``phase_channel`` for this run (waits for it)."""
        (command,) = self.wire.expect_events(
            phase_channel, batch_id=batch_id, correlation_id=cid, count=1
        )
        return command
