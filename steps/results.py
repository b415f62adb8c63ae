"""Steps about what reached the receiving end: the Result Aggregator's record of each batch.

The simulated Result Aggregator records what it consumed per batch (and records a redelivered
envelope once), so it tells whether the pipeline's results arrived, and how many times.
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import then

from harness.errors import ScenarioError
from harness.waiting import wait_for
from steps.parameters import phrase
from steps.pipeline import PipelineUnderTest


def wait_for_report(pipeline: PipelineUnderTest, *, holds: Any, awaited: str) -> Any:
    """Poll the Result Aggregator simulator's report of the batch until ``holds(report)``."""
    aggregator = pipeline.behaviours.system.simulators.get("result_aggregator")
    if aggregator is None:
        raise ScenarioError(
            "the Result Aggregator is not simulated in this process (--without or --processes)"
        )
    batch_id = pipeline.batch.batch_id
    return wait_for(
        lambda: report if holds(report := aggregator.report(batch_id)) else None,
        within_s=pipeline.deadlines.message_s,
        awaited=f"the Result Aggregator to record {awaited} of batch {batch_id}",
        seen=lambda: [m.summary() for m in pipeline.observer.messages(batch_id=batch_id)[-10:]],
        interval_s=0.02,
    )


@then(phrase("the result aggregator recorded {count:d} pipeline {:Completions} for the batch"))
def recorded_completions(pipeline: PipelineUnderTest, count: int) -> None:
    report = wait_for_report(
        pipeline, holds=lambda r: len(r.completions) >= count, awaited=f"{count} completions"
    )
    assert len(report.completions) == count, f"recorded: {report.completions}"


@then(phrase("the result aggregator recorded a CJ ranking of {count:d} {:Essays}"))
def recorded_ranking(pipeline: PipelineUnderTest, count: int) -> None:
    report = wait_for_report(pipeline, holds=lambda r: bool(r.cj_ranking), awaited="a CJ ranking")
    ranks = [essay.rank for essay in report.cj_ranking]
    assert ranks == list(range(1, count + 1)), f"ranking of {len(ranks)} essays: {ranks}"
