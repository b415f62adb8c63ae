"""Steps about what reached the receiving end: the Result Aggregator's record of each batch.

The simulated Result Aggregator records what it consumed per batch (and records a redelivered
envelope once), so it tells whether the pipeline's results arrived, and how many times.
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import then

from harness.observer import ContractObserver
from harness.waiting import wait_for
from steps.behaviour_changes import SimulatedServices
from steps.context import BatchUnderTest, Deadlines
from steps.parameters import phrase


def batch_report(system: SimulatedServices, batch_id: str) -> Any:
    """The Result Aggregator simulator's report of ``batch_id``."""
    aggregator = system.simulators.get("result_aggregator")
    if aggregator is None:
        raise LookupError("the Result Aggregator is not simulated in this run (--without?)")
    return aggregator.report(batch_id)


def wait_for_report(
    system: SimulatedServices,
    observer: ContractObserver,
    batch_id: str,
    *,
    holds: Any,
    awaited: str,
    within_s: float,
) -> Any:
    """Poll the report of ``batch_id`` until ``holds(report)``; return it."""
    return wait_for(
        lambda: report if holds(report := batch_report(system, batch_id)) else None,
        within_s=within_s,
        awaited=awaited,
        seen=lambda: [m.summary() for m in observer.messages(batch_id=batch_id)[-10:]],
        interval_s=0.02,
    )


@then(phrase("the result aggregator recorded {count:d} pipeline {:Completions} for the batch"))
def recorded_completions(
    simulated_system: SimulatedServices,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    scenario_batch: BatchUnderTest,
    count: int,
) -> None:
    report = wait_for_report(
        simulated_system,
        pipeline_observer,
        scenario_batch.batch_id,
        holds=lambda r: len(r.completions) >= count,
        awaited=f"the Result Aggregator to record {count} completions of {scenario_batch.batch_id}",
        within_s=step_deadlines.message_s,
    )
    assert len(report.completions) == count, f"recorded: {report.completions}"


@then(phrase("the result aggregator recorded a CJ ranking of {count:d} {:Essays}"))
def recorded_ranking(
    simulated_system: SimulatedServices,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    scenario_batch: BatchUnderTest,
    count: int,
) -> None:
    report = wait_for_report(
        simulated_system,
        pipeline_observer,
        scenario_batch.batch_id,
        holds=lambda r: bool(r.cj_ranking),
        awaited=f"the Result Aggregator to record a CJ ranking of batch {scenario_batch.batch_id}",
        within_s=step_deadlines.message_s,
    )
    ranks = [essay.rank for essay in report.cj_ranking]
    assert ranks == list(range(1, count + 1)), f"ranking of {len(ranks)} essays: {ranks}"
