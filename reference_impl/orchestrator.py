"""The reference Batch Orchestrator Service (BOS): the thin runner around the decision core.

It turns I/O into events (bus messages, HTTP registrations, BCS answers, clock ticks), asks
``orchestrator_core.decide``, and carries the decision out: one SQLite transaction (state,
outbox, handled event id) whose messages the batch's outbox lane publishes at once, then the
BCS call if the decision asks for one::

    bos = BatchOrchestratorService(contract, bus, OrchestratorConfig(bcs_url=bcs.base_url))
    bos.start()
    httpx.post(f"{bos.base_url}/v1/batches/register", json={...})   # 202 {batch_id, ...}
    bos.stop()
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
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
from reference_impl.batch_state import BatchState, decode_batch, encode_batch
from reference_impl.credits import (
    CreditAnswer,
    CreditChecker,
    CreditRequest,
    HttpCreditChecker,
    UnlimitedCredits,
    credit_requirements,
)
from reference_impl.errors import ReferenceServiceError
from reference_impl.orchestrator_core import ROUTES, decide
from reference_impl.orchestrator_events import (
    BatchRegistered,
    ClockTick,
    Decision,
    Event,
    PipelineResolutionFailed,
    PipelineResolved,
    Received,
    Rules,
)
from reference_impl.orchestrator_http import batch_view, pipeline_state_view, registration_from
from reference_impl.resolution import (
    HttpPipelineResolver,
    PipelineDefinition,
    PipelineDefinitionRequest,
    PipelineResolver,
)
from reference_impl.runtime import Outbox, Ticker
from reference_impl.storage import Codec, Repository, SqliteRepository

log = logging.getLogger(__name__)

BatchRepository = Repository[BatchState]
"""The storage BOS needs (a Repository of BatchState); SqliteRepository is the default."""

BATCH_CODEC: Codec[BatchState] = Codec(encode_batch, decode_batch, BatchState.next_deadline)


@dataclass(frozen=True)
class OrchestratorConfig:
    """Everything a BOS instance can be told."""

    http_host: str = "127.0.0.1"
    http_port: int = 0
    """0 picks a free port (see ``base_url``)."""
    database_path: Path | None = None
    """SQLite file (WAL); None keeps the state in memory (lost on stop)."""
    phase_timeout_s: float = 300.0
    """A phase without an outcome for this long fails, and the pipeline ends failed."""
    bcs_url: str | None = None
    """BCS base URL; None means a resolver is passed to the constructor."""
    bcs_timeout_s: float = 5.0
    tick_interval_s: float = 0.5
    """How often phase deadlines are checked (a timeout fires at most this late)."""
    resolution_retry_s: float = 30.0
    """A run still awaiting BCS this long after its request (BOS stopped mid-call) asks again."""
    history_limit: int = 20
    outbox_lanes: int = 8
    """Publishing threads; a batch's messages always go through the same one, in order."""
    consumer_group: str | None = None
    """None: the contract's group for bos."""
    entitlements_url: str | None = None
    """The Entitlements Service's base URL; None: no credit check (every pipeline allowed)."""
    status_view: bool = True
    """Serve this project's own ``GET /v1/batches/{batch_id}`` (the real BOS has none); off,
    BOS offers only what any BOS offers: its events and the real pipeline-state endpoint."""


class BatchOrchestratorService:
    """BOS: batch registration, readiness, pipeline runs, completion."""

    service_id: ClassVar[str] = "bos"
    consumes: ClassVar[tuple[str, ...]] = tuple(ROUTES)
    produces: ClassVar[tuple[str, ...]] = (
        payloads.REGISTERED,
        payloads.STUDENT_MATCHING,
        payloads.DENIED,
        payloads.COMPLETED,
        *(channel for channel, _ in payloads.PHASE_COMMANDS.values()),
    )

    def __init__(
        self,
        contract: Contract,
        bus: Bus,
        config: OrchestratorConfig,
        *,
        resolver: PipelineResolver | None = None,
        repository: BatchRepository | None = None,
        exchanges: ExchangeLog | None = None,
        credits: CreditChecker | None = None,
    ) -> None:
        self.contract = contract
        self.config = config
        self.credits = credits or _credit_checker(contract, config, exchanges)
        self.rules = Rules(config.phase_timeout_s, config.resolution_retry_s, config.history_limit)
        self.resolver = resolver or _http_resolver(contract, config, exchanges)
        self._owns_repository = repository is None
        self.repository = repository or SqliteRepository(config.database_path, BATCH_CODEC)
        self.endpoint = ServiceEndpoint(contract, bus, self.service_id, group=config.consumer_group)
        self.outbox = Outbox(self.endpoint, self.repository, lanes=config.outbox_lanes)
        self._lock = threading.Lock()
        app = ContractApp(contract, self.service_id, self._handlers(), exchanges=exchanges)
        self._http = HttpServer(app, host=config.http_host, port=config.http_port, name="bos")
        self._ticker = Ticker(config.tick_interval_s, self._tick, name="bos")
        for channel_id in self.consumes:
            self.endpoint.on(channel_id, self._consumer(channel_id))

    @property
    def base_url(self) -> str:
        return self._http.base_url

    def start(self) -> None:
        """Publish what a previous life left queued, then consume, serve HTTP and tick."""
        self.outbox.start()
        self.endpoint.start()
        self._http.start()
        self._ticker.start()

    def wait_ready(self, timeout_s: float = 30.0) -> None:
        """Block until the consumer owns its partitions."""
        self.endpoint.wait_ready(timeout_s)

    def stop(self) -> None:
        self._ticker.stop()
        self._http.stop()
        self.endpoint.stop()
        self.outbox.stop()
        if self._owns_repository:
            self.repository.close()

    def batch(self, batch_id: str) -> BatchState | None:
        """What BOS knows about ``batch_id`` (for tests and the HTTP view)."""
        return self.repository.load(batch_id)

    # -- events in -------------------------------------------------------------------------

    def _consumer(self, channel_id: str) -> EnvelopeHandler:
        def consume(envelope: Envelope) -> None:
            event = Received(
                channel_id, envelope.data, envelope.correlation_id, envelope.event_id, time.time()
            )
            self.handle(event.batch_id, event, event_id=envelope.event_id)

        return consume

    def handle(self, batch_id: str, event: Event, *, event_id: str | None = None) -> Decision:
        """Decide about ``event``, commit (the outbox lane publishes at once), and make the
        BCS call the decision asks for."""
        decision = self._decide_and_commit(batch_id, event, event_id)
        while decision.resolve is not None:
            decision = self._decide_and_commit(batch_id, self._resolve(decision.resolve), None)
        return decision

    def _decide_and_commit(self, batch_id: str, event: Event, event_id: str | None) -> Decision:
        with self._lock:
            state = self.repository.load(batch_id)
            if event_id is not None and self.repository.is_processed(event_id):
                return Decision(state, note="event_id already handled: ignored")
            decision = decide(state, event, self.rules)
            changed = decision.state if decision.state is not state else None
            self.outbox.commit(batch_id, changed, decision.outgoing, event_id=event_id)
        log.debug("bos %s %s: %s", batch_id, type(event).__name__, decision.note)
        return decision

    def _resolve(self, request: PipelineDefinitionRequest) -> Event:
        answer = self.resolver.define_pipeline(request)
        at, batch_id, correlation_id = time.time(), request.batch_id, request.correlation_id
        if not isinstance(answer, PipelineDefinition):
            return PipelineResolutionFailed(
                batch_id, correlation_id, answer.reason, answer.detail, at
            )
        denied = self._credits_denied(request, answer.final_pipeline)
        if denied is not None:
            return PipelineResolutionFailed(
                batch_id,
                correlation_id,
                denied.denial_reason or "insufficient_credits",
                f"Entitlements: {denied.required_credits} credits needed, "
                f"{denied.available_credits} available ({denied.detail})",
                at,
                denied.required_credits,
                denied.available_credits,
            )
        summary = answer.analysis_summary
        return PipelineResolved(batch_id, correlation_id, answer.final_pipeline, at, summary)

    def _credits_denied(
        self, request: PipelineDefinitionRequest, phases: tuple[str, ...]
    ) -> CreditAnswer | None:
        """Entitlements' denial of what ``phases`` cost (None: free, or allowed)."""
        state = self.repository.load(request.batch_id)
        if state is None:
            return None
        count = len(state.essays) or state.registration.expected_essay_count
        needed = credit_requirements(phases, count)
        if not needed:
            return None
        run = state.active
        user_id = run.user_id if run else state.registration.user_id
        org_id = run.org_id if run else state.registration.org_id
        answer = self.credits.check(CreditRequest(user_id, org_id, needed, request.correlation_id))
        return None if answer.allowed else answer

    def _tick(self, first: bool) -> None:
        now = time.time()
        for batch_id in self.repository.due(float("inf") if first else now):
            self.handle(batch_id, ClockTick(batch_id, now, resume=first))
        self.outbox.wake_all()  # retries messages a bus failure left queued

    # -- HTTP ------------------------------------------------------------------------------

    def _handlers(self) -> dict[str, Callable[[HttpRequest], HttpReply]]:
        handlers: dict[str, Callable[[HttpRequest], HttpReply]] = {
            "registerBatch": self._register,
            "getPipelineState": self._pipeline_state,
        }
        if self.config.status_view:
            handlers["getBatchStatus"] = self._show
        return handlers

    def _register(self, request: HttpRequest) -> HttpReply:
        parsed = registration_from(request.body)
        correlation_id = request.correlation_id or str(uuid.uuid4())
        batch_id = str(uuid.uuid4())
        count = parsed.registration.expected_essay_count
        essay_ids = parsed.essay_ids or tuple(str(uuid.uuid4()) for _ in range(count))
        event = BatchRegistered(
            batch_id, correlation_id, parsed.registration, essay_ids, time.time()
        )
        self.handle(batch_id, event)
        body = {"batch_id": batch_id, "correlation_id": correlation_id, "status": "registered"}
        return HttpReply(202, body, headers={"X-Correlation-ID": correlation_id})

    def _registered(self, batch_id: str) -> BatchState:
        state = self.repository.load(batch_id)
        if state is None:
            raise HttpProblem(
                404,
                "RESOURCE_NOT_FOUND",
                f"batch {batch_id} is not registered",
                resource_type="batch",
                resource_id=batch_id,
            )
        return state

    def _show(self, request: HttpRequest) -> HttpReply:
        return HttpReply(200, batch_view(self._registered(request.params["batch_id"])))

    def _pipeline_state(self, request: HttpRequest) -> HttpReply:
        return HttpReply(200, pipeline_state_view(self._registered(request.params["batch_id"])))


def _credit_checker(
    contract: Contract, config: OrchestratorConfig, exchanges: ExchangeLog | None
) -> CreditChecker:
    if config.entitlements_url is None:
        return UnlimitedCredits()
    return HttpCreditChecker(contract, config.entitlements_url, exchanges=exchanges)


def _http_resolver(
    contract: Contract, config: OrchestratorConfig, exchanges: ExchangeLog | None
) -> PipelineResolver:
    if config.bcs_url is None:
        raise ReferenceServiceError(
            "BOS needs BCS: neither OrchestratorConfig.bcs_url nor a resolver was given.",
            hint="pass bcs_url=<BCS base_url>, or resolver=<a PipelineResolver>",
        )
    return HttpPipelineResolver(
        contract, config.bcs_url, timeout_s=config.bcs_timeout_s, exchanges=exchanges
    )
