"""The client's side of the flow, for the steps: register a batch, request a pipeline, and wait
for what BOS reports over HTTP (``GET /v1/batches/{batch_id}``, the reference BOS's own view), or,
for a BOS without that view, for what the Kafka events say, polling against a deadline.

Everything it creates is added to the scenario, whose ids the wire check and the steps follow::

    batch = register_batch(scenario, client, behaviours, batch_type="GUEST", count=4)
    wait_ready(client, observer, batch.batch_id, within_s=20)
    request = publish_request(scenario, client, batch.batch_id, "cj_assessment")
"""

from __future__ import annotations

import uuid
from typing import Any

from harness.client import READY, PipelineClient
from harness.contract import Contract
from harness.observer import ContractObserver, ObservedMessage
from harness.waiting import wait_for
from steps.behaviour_changes import SimulatorBehaviours
from steps.context import BatchUnderTest, Deadlines, PipelineRequest, PipelineScenario
from steps.expectations import expect_event

DEFAULT_COURSE = "ENG5"


def register_batch(
    scenario: PipelineScenario,
    client: PipelineClient,
    behaviours: SimulatorBehaviours,
    *,
    batch_type: str,
    count: int,
    course: str = DEFAULT_COURSE,
) -> BatchUnderTest:
    """Register a batch over BOS's HTTP API (a REGULAR one with a class of its own)."""
    class_id = f"class-{uuid.uuid4().hex[:12]}" if batch_type == "REGULAR" else None
    essay_ids = behaviours.essay_ids_for(count, course)
    extra: dict[str, Any] = {"essay_ids": list(essay_ids)} if essay_ids else {}
    registered = client.register_batch(
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
    return scenario.add_batch(batch)


def wait_until(
    client: PipelineClient,
    observer: ContractObserver,
    batch_id: str,
    *,
    holds: Any,
    awaited: str,
    within_s: float,
) -> dict[str, Any]:
    """Poll BOS's view of the batch until ``holds(state)``; a timeout shows the batch's messages."""
    return client.wait_for_state(
        batch_id, holds, awaited=awaited, within_s=within_s, seen=_recent(observer, batch_id)
    )


def wait_ready(
    client: PipelineClient, observer: ContractObserver, batch_id: str, within_s: float
) -> dict[str, Any]:
    """BOS reports the batch READY_FOR_PIPELINE_EXECUTION and accepting a pipeline request.

    Judged by what any BOS offers when this BOS has no status view (the real one answers 404
    at ``GET /v1/batches/{id}``): see ``wait_ready_on_the_wire``."""
    if not offers_status_view(client, batch_id):
        return wait_ready_on_the_wire(observer, batch_id, within_s)
    return wait_until(
        client,
        observer,
        batch_id,
        holds=lambda s: s.get("status") == READY and s.get("accepts_pipeline_request"),
        awaited=f"BOS to report batch {batch_id} ready for pipeline execution",
        within_s=within_s,
    )


def offers_status_view(client: PipelineClient, batch_id: str) -> bool:
    """Whether BOS serves the reference's own ``GET /v1/batches/{batch_id}``."""
    return client.offers_status_view(batch_id)


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


def complete_pipeline(
    scenario: PipelineScenario,
    client: PipelineClient,
    observer: ContractObserver,
    deadlines: Deadlines,
    batch: BatchUnderTest,
    pipeline: str,
) -> None:
    """Request ``pipeline`` and wait until it completed successfully and the batch is ready."""
    request = publish_request(scenario, client, batch.batch_id, pipeline)
    done = expect_event(
        observer,
        "batchPipelineCompleted",
        within_s=deadlines.pipeline_s,
        batch_id=batch.batch_id,
        correlation_id=request.correlation_id,
    )
    status = done.data.get("final_status")
    assert status == "completed_successfully", f"{pipeline} ended {status}: {done.summary()}"
    wait_ready(client, observer, batch.batch_id, deadlines.message_s)


def publish_request(
    scenario: PipelineScenario,
    client: PipelineClient,
    batch_id: str,
    pipeline: str,
    *,
    is_retry: bool = False,
) -> PipelineRequest:
    """Publish ClientBatchPipelineRequestV1 (as the API gateway) and remember it."""
    reason = "requested again by the teacher" if is_retry else None
    correlation_id = client.request_pipeline(
        batch_id, pipeline, is_retry=is_retry, retry_reason=reason
    )
    return scenario.add_request(PipelineRequest(batch_id, pipeline, correlation_id, is_retry))


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
    raise LookupError(f"the contract has no phase command for {phase!r}")


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


def completions_on_the_wire(observer: ContractObserver, batch_id: str) -> list[ObservedMessage]:
    """BOS's BatchPipelineCompletedV1 events for the batch (one per event id)."""
    seen: dict[object, ObservedMessage] = {}
    for message in observer.messages("batchPipelineCompleted", batch_id=batch_id):
        if observer.from_its_sender(message):
            seen.setdefault(message.get("/event_id"), message)
    return list(seen.values())


def active_on_the_wire(
    observer: ContractObserver, batch_id: str, correlation_id: str, *, within_s: float
) -> None:
    """The request's pipeline runs: BOS sent a phase command for it, and it has not ended."""

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
        within_s=within_s,
        seen=_recent(observer, batch_id),
        awaited=f"BOS to run the pipeline of request {correlation_id} (a phase command)",
    )


def status_on_the_wire(
    observer: ContractObserver, batch_id: str, status: str, *, within_s: float
) -> None:
    """A BatchStatus read off the events; the statuses the events cannot show say so."""
    if status not in WIRE_STATUSES:
        raise LookupError(
            f"BOS status {status!r} shows only in the reference BOS's own status view, which "
            f"this BOS does not serve; the events show: {', '.join(WIRE_STATUSES)}"
        )

    def shows() -> bool | None:
        seen = {m.channel.id for m in observer.messages(batch_id=batch_id)}
        matching = "batchServiceStudentMatchingInitiateCommandData" in seen
        return True if matching and "batchEssaysReady" not in seen else None

    wait_for(
        shows,
        within_s=within_s,
        awaited=f"batch {batch_id}: {WIRE_STATUSES[status]}",
        seen=_recent(observer, batch_id),
    )


def timed_out_on_the_wire(
    observer: ContractObserver, batch_id: str, correlation_id: str, phase: str, *, within_s: float
) -> None:
    """BOS's completion of the request names ``phase`` among those it timed out (envelope
    metadata ``timed_out_phases``; a BOS that never times a phase out never completes)."""

    def timed_out() -> bool | None:
        for message in completions_on_the_wire(observer, batch_id):
            if message.correlation_id == correlation_id:
                return True if phase in (message.get("/metadata/timed_out_phases") or ()) else None
        return None

    wait_for(
        timed_out,
        within_s=within_s,
        seen=_recent(observer, batch_id),
        awaited=f"BOS to complete request {correlation_id} with phase {phase} timed out",
    )
