"""The client's side of the flow, for the steps: register a batch, request a pipeline, and wait
for what BOS reports over HTTP (``GET /v1/batches/{batch_id}``, the reference BOS's own view), or,
for a BOS without that view, for what the Kafka events say, polling against a deadline.

Everything it creates is added to the scenario, whose ids the wire check and the steps follow::

    batch = register_batch(pipeline, batch_type="GUEST", count=4)
    wait_ready(pipeline, batch.batch_id)
    request = publish_request(pipeline, batch.batch_id, "cj_assessment")
"""

from __future__ import annotations

import uuid
from typing import Any

from harness.client import READY
from harness.contract import Contract
from harness.errors import ScenarioError
from harness.expectations import Expectations
from harness.observed import ObservedMessage
from harness.observer import ContractObserver
from harness.waiting import wait_for
from steps.context import BatchUnderTest, PipelineRequest
from steps.pipeline import PipelineUnderTest

DEFAULT_COURSE = "ENG5"


def register_batch(
    pipeline: PipelineUnderTest, *, batch_type: str, count: int, course: str = DEFAULT_COURSE
) -> BatchUnderTest:
    """Register a batch over BOS's HTTP API (a REGULAR one with a class of its own)."""
    class_id = f"class-{uuid.uuid4().hex[:12]}" if batch_type == "REGULAR" else None
    essay_ids = pipeline.behaviours.essay_ids_for(count, course)
    extra: dict[str, Any] = {"essay_ids": list(essay_ids)} if essay_ids else {}
    registered = pipeline.client.register_batch(
        essay_count=count, class_id=class_id, course_code=course, **extra
    )
    batch = BatchUnderTest(
        registered.batch_id,
        registered.correlation_id,
        count,
        batch_type,
        course,
        class_id,
        tuple(essay_ids),
    )
    return pipeline.scenario.add_batch(batch)


def wait_until(
    pipeline: PipelineUnderTest,
    batch_id: str,
    *,
    holds: Any,
    awaited: str,
    within_s: float | None = None,
) -> dict[str, Any]:
    """Poll BOS's view of the batch until ``holds(state)`` (for ``within_s``, default: as long
    as a message may take); a timeout shows the batch's messages."""
    return pipeline.client.wait_for_state(
        batch_id,
        holds,
        awaited=awaited,
        within_s=within_s or pipeline.deadlines.message_s,
        seen=_recent(pipeline.observer, batch_id),
    )


def wait_ready(pipeline: PipelineUnderTest, batch_id: str) -> dict[str, Any]:
    """BOS reports the batch READY_FOR_PIPELINE_EXECUTION and accepting a pipeline request.

    Judged by what any BOS offers when this BOS has no status view (the real one answers 404
    at ``GET /v1/batches/{id}``): see ``wait_ready_on_the_wire``."""
    if not offers_status_view(pipeline, batch_id):
        return wait_ready_on_the_wire(pipeline.observer, batch_id, pipeline.deadlines.message_s)
    return wait_until(
        pipeline,
        batch_id,
        holds=lambda s: s.get("status") == READY and s.get("accepts_pipeline_request"),
        awaited=f"BOS to report batch {batch_id} ready for pipeline execution",
    )


def wait_active(pipeline: PipelineUnderTest, batch_id: str, correlation_id: str) -> None:
    """BOS runs the pipeline of the request: its status view says so and would accept no other
    request, or, for a BOS without that view, the events do (``active_on_the_wire``)."""
    if not offers_status_view(pipeline, batch_id):
        active_on_the_wire(pipeline, batch_id, correlation_id)
        return
    state = wait_until(
        pipeline,
        batch_id,
        holds=lambda s: (s.get("pipeline_state") or {}).get("correlation_id") == correlation_id,
        awaited=f"BOS to report the pipeline of request {correlation_id} active",
    )
    assert not state["accepts_pipeline_request"], "BOS would accept another pipeline request"


def wait_timed_out(pipeline: PipelineUnderTest, request: PipelineRequest, phase: str) -> None:
    """BOS timed ``phase`` of the request out: its completed run says ``phase_timeout``, or,
    for a BOS without a status view, its completion does (``timed_out_on_the_wire``)."""
    if not offers_status_view(pipeline, request.batch_id):
        timed_out_on_the_wire(pipeline, request, phase)
        return

    def timed_out(state: dict[str, Any]) -> bool:
        runs = [
            r for r in state["completed_pipelines"] if r["correlation_id"] == request.correlation_id
        ]
        info = runs[0]["phases"].get(phase, {}).get("error_info") if runs else None
        return isinstance(info, dict) and info.get("reason") == "phase_timeout"

    wait_until(
        pipeline,
        request.batch_id,
        holds=timed_out,
        awaited=f"BOS to time out phase {phase} of request {request.correlation_id}",
        within_s=pipeline.deadlines.pipeline_s,
    )


def offers_status_view(pipeline: PipelineUnderTest, batch_id: str) -> bool:
    """Whether BOS serves the reference's own ``GET /v1/batches/{batch_id}``."""
    return pipeline.client.offers_status_view(batch_id)


GUEST_READINESS = ("batchContentProvisioningCompleted",)
REGULAR_READINESS = ("batchEssaysReady", "studentAssociationsConfirmed")
"""What BOS must have handled before a batch is ready: a GUEST batch's provisioning; a REGULAR
batch's essays and its confirmed student associations (BOS consumes both)."""
ENDINGS = ("batchPipelineCompleted", "pipelineDenied")


def wait_ready_on_the_wire(
    observer: ContractObserver, batch_id: str, within_s: float
) -> dict[str, Any]:
    """Ready as Kafka says: BOS's consumer group has committed past the batch's readiness
    events (it handled them: ``GUEST_READINESS`` or ``REGULAR_READINESS``), and every pipeline
    requested for the batch has ended (a completion or a denial)."""

    def ready() -> dict[str, Any] | None:
        messages = observer.messages(batch_id=batch_id)
        seen = {m.channel.id for m in messages}
        regular = "batchServiceStudentMatchingInitiateCommandData" in seen
        needed = REGULAR_READINESS if regular else GUEST_READINESS
        copies = [[m for m in messages if m.channel.id == c] for c in needed]
        # every copy: a redelivered one may sit on another partition than the original
        essays_ready = all(copies) and all(_bos_handled(observer, m) for c in copies for m in c)
        requests = observer.messages("clientBatchPipelineRequest", batch_id=batch_id)
        ended = {
            m.correlation_id
            for channel in ENDINGS
            for m in observer.messages(channel, batch_id=batch_id)
        }
        if essays_ready and all(r.correlation_id in ended for r in requests):
            return {"status": READY, "accepts_pipeline_request": True, "pipeline_state": None}
        return None

    return wait_for(
        ready,
        within_s=within_s,
        awaited=f"batch {batch_id} ready on the wire (essays ready, every pipeline ended)",
        seen=_recent(observer, batch_id),
    )


def _recent(observer: ContractObserver, batch_id: str) -> Any:
    return lambda: [m.summary() for m in observer.messages(batch_id=batch_id)[-9:]]


def complete_pipeline(pipeline: PipelineUnderTest, batch: BatchUnderTest, name: str) -> None:
    """Request pipeline ``name`` and wait until it completed successfully and the batch is
    ready again."""
    request = publish_request(pipeline, batch.batch_id, name)
    done = pipeline.of(request).expect("batchPipelineCompleted")
    status = done.data.get("final_status")
    assert status == "completed_successfully", f"{name} ended {status}: {done.summary()}"
    wait_ready(pipeline, batch.batch_id)


def publish_request(
    pipeline: PipelineUnderTest, batch_id: str, name: str, *, is_retry: bool = False
) -> PipelineRequest:
    """Publish ClientBatchPipelineRequestV1 for pipeline ``name`` (as the API gateway) and
    remember it."""
    reason = "requested again by the teacher" if is_retry else None
    correlation_id = pipeline.client.request_pipeline(
        batch_id, name, is_retry=is_retry, retry_reason=reason
    )
    return pipeline.scenario.add_request(PipelineRequest(batch_id, name, correlation_id, is_retry))


def phase_commands(contract: Contract) -> list[str]:
    """The channels of BOS's phase commands: what BOS sends ELS under a pipeline's id."""
    return [
        channel.id
        for channel in contract
        if channel.message.correlation_kind == "pipeline"
        and [s.id for s in contract.senders(channel)] == ["bos"]
        and "els" in {s.id for s in contract.receivers(channel)}
    ]


def phase_command(contract: Contract, phase: str) -> str:
    """The channel of BOS's command for ``phase`` (its address names the phase)."""
    for channel_id in phase_commands(contract):
        if phase in contract.channel(channel_id).address.split("."):
            return channel_id
    raise ScenarioError(f"the contract has no phase command for {phase!r}")


def _bos_handled(observer: ContractObserver, message: ObservedMessage) -> bool:
    """Whether BOS's consumer group committed past ``message`` (a bus that cannot tell: yes)."""
    committed = getattr(observer.bus, "committed_offset", None)
    if committed is None:
        return True
    group = observer.contract.service("bos").consumer_group
    return bool(committed(group, message.channel, message.partition) > message.offset)


# --- what any BOS offers: its events ---------------------------------------------------------

WIRE_STATUSES = {
    "awaiting_student_validation": "BOS commanded student matching and the essays are not ready",
}
"""The BatchStatus values a step can read off the wire (no status view needed)."""


def completions_on_the_wire(wire: Expectations, batch_id: str) -> list[ObservedMessage]:
    """BOS's BatchPipelineCompletedV1 events for the batch (one per event id)."""
    events = wire.events("batchPipelineCompleted", batch_id=batch_id)
    return [m for m in events if wire.observer.from_its_sender(m)]


def active_on_the_wire(pipeline: PipelineUnderTest, batch_id: str, correlation_id: str) -> None:
    """The request's pipeline runs: BOS sent a phase command for it, and it has not ended."""
    observer = pipeline.observer

    def active() -> bool | None:
        mine = observer.messages(batch_id=batch_id, correlation_id=correlation_id)
        commanded = any(
            m.channel.id in phase_commands(observer.contract) and observer.from_its_sender(m)
            for m in mine
        )
        ended = any(m.channel.id in ENDINGS and observer.from_its_sender(m) for m in mine)
        return True if commanded and not ended else None

    wait_for(
        active,
        seen=_recent(observer, batch_id),
        awaited=f"BOS to run the pipeline of request {correlation_id} (a phase command)",
        within_s=pipeline.deadlines.message_s,
    )


def status_on_the_wire(pipeline: PipelineUnderTest, batch_id: str, status: str) -> None:
    """A BatchStatus read off the events; the statuses the events cannot show say so."""
    observer = pipeline.observer
    if status not in WIRE_STATUSES:
        raise ScenarioError(
            f"BOS status {status!r} shows only in the reference BOS's own status view, which "
            f"this BOS does not serve; the events show: {', '.join(WIRE_STATUSES)}"
        )

    def shows() -> bool | None:
        seen = {m.channel.id for m in observer.messages(batch_id=batch_id)}
        matching = "batchServiceStudentMatchingInitiateCommandData" in seen
        return True if matching and "batchEssaysReady" not in seen else None

    wait_for(
        shows,
        within_s=pipeline.deadlines.message_s,
        awaited=f"batch {batch_id}: {WIRE_STATUSES[status]}",
        seen=_recent(observer, batch_id),
    )


def timed_out_on_the_wire(
    pipeline: PipelineUnderTest, request: PipelineRequest, phase: str
) -> None:
    """BOS's completion of the request names ``phase`` among those it timed out (envelope
    metadata ``timed_out_phases``; a BOS that never times a phase out never completes)."""

    def timed_out() -> bool | None:
        for message in completions_on_the_wire(pipeline.wire, request.batch_id):
            if message.correlation_id == request.correlation_id:
                return True if phase in (message.get("/metadata/timed_out_phases") or ()) else None
        return None

    wait_for(
        timed_out,
        within_s=pipeline.deadlines.pipeline_s,
        seen=_recent(pipeline.observer, request.batch_id),
        awaited=f"BOS to complete request {request.correlation_id} with phase {phase} timed out",
    )
