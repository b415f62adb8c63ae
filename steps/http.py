"""Steps about HTTP legs: who called which operation of contracts/openapi.yaml for the batch,
and what it answered. Operations are named as a person reads them (``POST /api/v1/comparison``)
and looked up in the contract; every exchange was already checked by the wire check.
"""

from __future__ import annotations

import pytest
from pytest_bdd import then

from harness.contract import Contract
from harness.exchanges import HttpExchange
from harness.observer import ContractObserver
from harness.waiting import wait_for
from steps.context import BatchUnderTest, Deadlines
from steps.parameters import phrase, service_id


@then(
    phrase(
        "{caller} called {method:Name} {path} {count:d} times for the batch, "
        "each answered {status:d}"
    )
)
def called(
    pipeline_contract: Contract,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    request: pytest.FixtureRequest,
    caller: str,
    method: str,
    path: str,
    count: int,
    status: int,
) -> None:
    operation = pipeline_contract.http(method, path)
    batch: BatchUnderTest = request.getfixturevalue("scenario_batch")
    who = service_id(pipeline_contract, caller)

    def exchanged() -> list[HttpExchange] | None:
        found = [
            e
            for e in pipeline_observer.exchanges.exchanges(batch_id=batch.batch_id)
            if e.operation_id == operation.id and e.caller == who
        ]
        return found if len(found) >= count else None

    found = wait_for(
        exchanged,
        within_s=step_deadlines.pipeline_s,
        awaited=f"{count} x {operation.label} from {who} for batch {batch.batch_id}",
        seen=lambda: [
            e.label for e in pipeline_observer.exchanges.exchanges(batch_id=batch.batch_id)
        ][-10:],
    )
    assert len(found) == count, f"{len(found)} x {operation.label}, not {count}"
    answered = sorted({e.status for e in found})
    assert answered == [status], f"{operation.label} answered {answered}, not {status}"
