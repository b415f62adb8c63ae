"""The reference Batch Conductor Service (BCS): resolution over HTTP, outcomes from the bus.

``POST /internal/v1/pipelines/define`` takes the real ``BCSPipelineDefinitionRequestV1`` and
answers the real response (or 400 ``{"error": "Pipeline resolution failed", "detail"}``);
``GET /internal/v1/batches/{batch_id}`` shows what BCS knows about a batch (for debugging)::

    bcs = BatchConductorService(contract, bus, ConductorConfig())
    bcs.start()
    bos = BatchOrchestratorService(contract, bus, OrchestratorConfig(bcs_url=bcs.base_url))
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import ClassVar

from harness.bus import Bus
from harness.contract import Contract
from harness.envelope import Envelope
from harness.exchanges import ExchangeLog
from harness.http_app import ContractApp, HttpProblem, HttpReply, HttpRequest
from harness.http_server import HttpServer
from harness.service import EnvelopeHandler, ServiceEndpoint
from reference_impl import payloads
from reference_impl.conductor_core import (
    ROUTES,
    ConductorBatch,
    ConductorDecision,
    ConductorRules,
    ConductorRun,
    ConductorRunStatus,
    batch_key,
    decode_conductor,
    define_pipeline,
    encode_conductor,
)
from reference_impl.orchestrator_events import Received
from reference_impl.resolution import (
    NOTHING_TO_RUN,
    PipelineDefinition,
    PipelineDefinitionRequest,
)
from reference_impl.runtime import Outbox
from reference_impl.storage import Codec, SqliteRepository

log = logging.getLogger(__name__)

CONDUCTOR_CODEC: Codec[ConductorBatch] = Codec(encode_conductor, decode_conductor, lambda _: None)


@dataclass(frozen=True)
class ConductorConfig:
    """Everything a BCS instance can be told."""

    http_host: str = "127.0.0.1"
    http_port: int = 0
    database_path: Path | None = None
    """SQLite file (WAL); None keeps the state in memory."""
    unavailable_phases: frozenset[str] = frozenset({"ai_feedback"})
    """Phases no service can run here: a pipeline needing one is refused (resolution_failed).
    ai_feedback: the contract has no channel for its initiate command (the real ELS does not
    subscribe to it either, huleedu-behaviour.md 1.3)."""
    enforce_prompt_rule: bool = False
    """The real BCS refuses ai_feedback/cj_assessment/nlp unless batch_metadata.prompt_attached;
    off by default so the simulated system needs no prompt."""
    settle_timeout_s: float = 2.0
    """How long a resolution waits for the previous run's BatchPipelineCompletedV1 (which BOS
    publishes just before it accepts the next request) so pruning sees every completed phase."""
    outbox_lanes: int = 2
    """Threads publishing PhaseSkippedV1 (see OrchestratorConfig.outbox_lanes)."""
    consumer_group: str | None = None


class BatchConductorService:
    """BCS: resolves pipelines (pruning completed phases) and tracks each run to its end."""

    service_id: ClassVar[str] = "bcs"
    consumes: ClassVar[tuple[str, ...]] = tuple(ROUTES)
    produces: ClassVar[tuple[str, ...]] = (payloads.SKIPPED,)

    def __init__(
        self,
        contract: Contract,
        bus: Bus,
        config: ConductorConfig,
        *,
        exchanges: ExchangeLog | None = None,
    ) -> None:
        self.contract = contract
        self.config = config
        self.rules = ConductorRules(config.unavailable_phases, config.enforce_prompt_rule)
        self.repository = SqliteRepository(config.database_path, CONDUCTOR_CODEC)
        self.endpoint = ServiceEndpoint(contract, bus, self.service_id, group=config.consumer_group)
        self.outbox = Outbox(self.endpoint, self.repository, lanes=config.outbox_lanes)
        self._changed = threading.Condition(threading.RLock())
        app = ContractApp(contract, self.service_id, self._handlers(), exchanges=exchanges)
        self._http = HttpServer(app, host=config.http_host, port=config.http_port, name="bcs")
        for channel_id in self.consumes:
            self.endpoint.on(channel_id, self._consumer(channel_id))

    @property
    def base_url(self) -> str:
        return self._http.base_url

    def start(self) -> None:
        self.outbox.start()
        self.endpoint.start()
        self._http.start()

    def wait_ready(self, timeout_s: float = 30.0) -> None:
        self.endpoint.wait_ready(timeout_s)

    def stop(self) -> None:
        self._http.stop()
        self.endpoint.stop()
        self.outbox.stop()
        self.repository.close()

    def batch(self, batch_id: str) -> ConductorBatch | None:
        return self.repository.load(batch_id)

    # -- the bus ---------------------------------------------------------------------------

    def _consumer(self, channel_id: str) -> EnvelopeHandler:
        route = ROUTES[channel_id]

        def consume(envelope: Envelope) -> None:
            event = Received(
                channel_id, envelope.data, envelope.correlation_id, envelope.event_id, time.time()
            )
            key = batch_key(event)
            if key is None:
                return  # CJ may leave entity_id null: nothing to learn about which batch
            with self._changed:
                if self.repository.is_processed(envelope.event_id):
                    return
                decision = route(self.repository.load(key), event)
                self._commit(key, decision, envelope.event_id)
                self._changed.notify_all()

        return consume

    def _commit(self, key: str, decision: ConductorDecision, event_id: str | None) -> None:
        self.outbox.commit(key, decision.state, decision.outgoing, event_id=event_id)
        log.debug("bcs %s: %s", key, decision.note)

    # -- HTTP ------------------------------------------------------------------------------

    def _handlers(self) -> dict[str, Callable[[HttpRequest], HttpReply]]:
        return {
            "definePipeline": self._define,
            "completePhase": self._complete_phase,
            "getConductorBatch": self._show,
        }

    def _define(self, request: HttpRequest) -> HttpReply:
        definition = PipelineDefinitionRequest.from_json(request.body)
        with self._changed:
            self._settle(definition)
            decision = define_pipeline(
                self.repository.load(definition.batch_id), definition, time.time(), self.rules
            )
            self._commit(definition.batch_id, decision, None)
        answer = decision.answer
        if isinstance(answer, PipelineDefinition) and not answer.final_pipeline:
            # The real BCS answers an empty pipeline (every phase already done) with 400; the
            # reason key (ours) lets the reference BOS complete such a request at once.
            return HttpReply(400, NOTHING_TO_RUN.to_json() | {"detail": answer.analysis_summary})
        if isinstance(answer, PipelineDefinition):
            return HttpReply(200, answer.to_json())
        assert answer is not None, "define_pipeline always answers"
        return HttpReply(400, answer.to_json())

    def _complete_phase(self, request: HttpRequest) -> HttpReply:
        """The real BCS's test/ops hook; this BCS learns phase outcomes from the bus, so it
        only acknowledges (no real BOS calls it: real-services.md)."""
        return HttpReply(200, {"status": "acknowledged", **request.body})

    def _settle(self, request: PipelineDefinitionRequest) -> None:
        """Wait (bounded) until no other run of the batch is under way without its completion
        seen; a run still open after that is marked superseded. Holds ``_changed``."""
        deadline = time.monotonic() + self.config.settle_timeout_s
        while (run := self._open_run(request)) is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                batch = self.repository.load(request.batch_id)
                assert batch is not None
                superseded = batch.with_run(_superseded(run))
                self.outbox.commit(request.batch_id, superseded, ())
                return
            self._changed.wait(remaining)

    def _open_run(self, request: PipelineDefinitionRequest) -> ConductorRun | None:
        batch = self.repository.load(request.batch_id)
        run = batch.unsettled_run() if batch else None
        return run if run and run.correlation_id != request.correlation_id else None

    def _show(self, request: HttpRequest) -> HttpReply:
        batch_id = request.params["batch_id"]
        batch = self.repository.load(batch_id)
        if batch is None:
            raise HttpProblem(
                404, "RESOURCE_NOT_FOUND", f"BCS knows nothing about batch {batch_id}"
            )
        return HttpReply(200, asdict(batch))


def _superseded(run: ConductorRun) -> ConductorRun:
    return replace(run, status=ConductorRunStatus.SUPERSEDED)
