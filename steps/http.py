"""Steps about HTTP legs: who called which operation of contracts/openapi.yaml for the batch,
and what it answered. Operations are named as a person reads them (``POST /api/v1/comparison``)
and looked up in the contract; every exchange was already checked by the wire check.
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import then

from harness.exchanges import HttpExchange
from harness.waiting import wait_for
from steps.parameters import phrase, service_id
from steps.pipeline import PipelineUnderTest


@then(
    phrase(
        "{caller} called {method:Name} {path} {count:d} times for the {of:Name}, "
        "each answered {status:d}"
    )
)
def called(
    pipeline: PipelineUnderTest,
    caller: str,
    method: str,
    path: str,
    count: int,
    status: int,
    of: str,
) -> None:
    """ "for the batch": exchanges about the batch; "for the request": those carrying the
    latest pipeline request's correlation id (a credit check names no batch)."""
    operation = pipeline.contract.http(method, path)
    who = service_id(pipeline.contract, caller)
    found = _exchanges(
        pipeline,
        of,
        count,
        awaited=f"{count} x {operation.label} from {who}",
        matches=lambda e: e.operation_id == operation.id and e.caller == who,
    )
    assert len(found) == count, f"{len(found)} x {operation.label}, not {count}"
    answered = sorted({e.status for e in found})
    assert answered == [status], f"{operation.label} answered {answered}, not {status}"


def _exchanges(
    pipeline: PipelineUnderTest, of: str, count: int, *, awaited: str, matches: Any
) -> list[HttpExchange]:
    """Wait until ``count`` exchanges for the batch or the request match (the request's by
    its correlation id alone: a credit check names no batch)."""
    wanted = pipeline.of(of).scope
    scope = (
        {"correlation_id": wanted.correlation_id}
        if wanted.correlation_id
        else {"batch_id": wanted.batch_id}
    )
    log = pipeline.observer.exchanges

    def exchanged() -> list[HttpExchange] | None:
        found = [e for e in log.exchanges(**scope) if matches(e)]
        return found if len(found) >= count else None

    return wait_for(
        exchanged,
        within_s=pipeline.deadlines.pipeline_s,
        awaited=f"{awaited} for the {of} ({scope})",
        seen=lambda: [e.label for e in log.exchanges(**scope)][-10:],
    )


@then(phrase('BOS\'s pipeline state shows phase "{phase:Name}" as "{status:Name}"'))
def pipeline_state_shows(pipeline: PipelineUnderTest, phase: str, status: str) -> None:
    """What any BOS offers: ``GET /internal/v1/batches/{batch_id}/pipeline-state``."""
    last: dict[str, Any] = {}

    def shows() -> bool:
        last.update(pipeline.client.pipeline_state(pipeline.batch.batch_id))
        detail = (last.get("pipeline_state") or {}).get(phase) or {}
        return detail.get("status") == status

    wait_for(
        lambda: True if shows() else None,
        within_s=pipeline.deadlines.pipeline_s,
        awaited=f"BOS's pipeline state to show {phase} as {status}",
        seen=lambda: [f"pipeline_state: {last.get('pipeline_state')}"],
    )
