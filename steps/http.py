"""Steps about HTTP legs: who called which operation of contracts/openapi.yaml for the batch,
and what it answered. Operations are named as a person reads them (``POST /api/v1/comparison``)
and looked up in the contract; every exchange was already checked by the wire check.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd import then

from harness.client import PipelineClient
from harness.contract import Contract
from harness.exchanges import HttpExchange
from harness.observer import ContractObserver
from harness.waiting import wait_for
from steps.context import BatchUnderTest, Deadlines, PipelineScenario
from steps.parameters import phrase, service_id


@then(
    phrase(
        "{caller} called {method:Name} {path} {count:d} times for the {of:Name}, "
        "each answered {status:d}"
    )
)
def called(
    pipeline_scenario: PipelineScenario,
    pipeline_contract: Contract,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    request: pytest.FixtureRequest,
    caller: str,
    method: str,
    path: str,
    count: int,
    status: int,
    of: str,
) -> None:
    """ "for the batch": exchanges about the batch; "for the request": those carrying the
    latest pipeline request's correlation id (a credit check names no batch)."""
    operation = pipeline_contract.http(method, path)
    who = service_id(pipeline_contract, caller)
    if of == "request":
        scope = {"correlation_id": pipeline_scenario.request.correlation_id}
    else:
        batch: BatchUnderTest = request.getfixturevalue("scenario_batch")
        scope = {"batch_id": batch.batch_id}

    def exchanged() -> list[HttpExchange] | None:
        found = [
            e
            for e in pipeline_observer.exchanges.exchanges(**scope)
            if e.operation_id == operation.id and e.caller == who
        ]
        return found if len(found) >= count else None

    found = wait_for(
        exchanged,
        within_s=step_deadlines.pipeline_s,
        awaited=f"{count} x {operation.label} from {who} for the {of} ({scope})",
        seen=lambda: [e.label for e in pipeline_observer.exchanges.exchanges(**scope)][-10:],
    )
    assert len(found) == count, f"{len(found)} x {operation.label}, not {count}"
    answered = sorted({e.status for e in found})
    assert answered == [status], f"{operation.label} answered {answered}, not {status}"


@then(phrase('BOS\'s pipeline state shows phase "{phase:Name}" as "{status:Name}"'))
def pipeline_state_shows(
    pipeline_client: PipelineClient,
    step_deadlines: Deadlines,
    scenario_batch: BatchUnderTest,
    phase: str,
    status: str,
) -> None:
    """What any BOS offers: ``GET /internal/v1/batches/{batch_id}/pipeline-state``."""
    last: dict[str, Any] = {}

    def shows() -> bool:
        last.update(pipeline_client.pipeline_state(scenario_batch.batch_id))
        detail = (last.get("pipeline_state") or {}).get(phase) or {}
        return detail.get("status") == status

    wait_for(
        lambda: True if shows() else None,
        within_s=step_deadlines.pipeline_s,
        awaited=f"BOS's pipeline state to show {phase} as {status}",
        seen=lambda: [f"pipeline_state: {last.get('pipeline_state')}"],
    )
