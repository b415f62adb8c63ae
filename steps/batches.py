"""Steps about batches: registering them, and what BOS reports about them over HTTP.

Given-steps that create a batch return it as the ``scenario_batch`` fixture (``target_fixture``)
and add it to the scenario, whose ids every later step and the wire check filter by.
"""

from __future__ import annotations

from pytest_bdd import given, step, then, when

from steps.client_flow import (
    complete_pipeline,
    completions_on_the_wire,
    offers_status_view,
    register_batch,
    status_on_the_wire,
    wait_active,
    wait_ready,
    wait_timed_out,
    wait_until,
)
from steps.context import BatchUnderTest
from steps.parameters import phrase
from steps.pipeline import PipelineUnderTest

# --- registering -----------------------------------------------------------------------------


@given(
    phrase("a registered {batch_type:BatchType} batch of {count:d} {:Essays}"),
    target_fixture="scenario_batch",
)
@when(
    phrase("a teacher registers a {batch_type:BatchType} batch of {count:d} {:Essays}"),
    target_fixture="scenario_batch",
)
def registered_batch(pipeline: PipelineUnderTest, batch_type: str, count: int) -> BatchUnderTest:
    return register_batch(pipeline, batch_type=batch_type, count=count)


@given(
    phrase(
        "a registered {batch_type:BatchType} batch of {count:d} {:Essays} "
        'for course "{course:Name}"'
    ),
    target_fixture="scenario_batch",
)
@when(
    phrase(
        "a teacher registers a {batch_type:BatchType} batch of {count:d} {:Essays} "
        'for course "{course:Name}"'
    ),
    target_fixture="scenario_batch",
)
def registered_batch_for_course(
    pipeline: PipelineUnderTest, batch_type: str, count: int, course: str
) -> BatchUnderTest:
    return register_batch(pipeline, batch_type=batch_type, count=count, course=course)


@given(
    phrase("a {batch_type:BatchType} batch of {count:d} {:Essays} ready for pipelines"),
    target_fixture="scenario_batch",
)
def ready_batch(pipeline: PipelineUnderTest, batch_type: str, count: int) -> BatchUnderTest:
    batch = register_batch(pipeline, batch_type=batch_type, count=count)
    wait_ready(pipeline, batch.batch_id)
    return batch


@given(
    phrase(
        "a {batch_type:BatchType} batch of {count:d} {:Essays} that completed "
        'the "{first:Name}" pipeline'
    ),
    target_fixture="scenario_batch",
)
def batch_after_pipeline(
    pipeline: PipelineUnderTest, batch_type: str, count: int, first: str
) -> BatchUnderTest:
    batch = ready_batch(pipeline, batch_type, count)
    complete_pipeline(pipeline, batch, first)
    return batch


@given(
    phrase(
        "a {batch_type:BatchType} batch of {count:d} {:Essays} that completed "
        'the "{first:Name}" and then the "{second:Name}" pipeline'
    ),
    target_fixture="scenario_batch",
)
def batch_after_two_pipelines(
    pipeline: PipelineUnderTest, batch_type: str, count: int, first: str, second: str
) -> BatchUnderTest:
    batch = batch_after_pipeline(pipeline, batch_type, count, first)
    complete_pipeline(pipeline, batch, second)
    return batch


# --- what BOS reports (GET /v1/batches/{batch_id}) ------------------------------------------


@step(phrase("BOS reports the batch ready for pipeline execution"))
def bos_reports_ready(pipeline: PipelineUnderTest) -> None:
    state = wait_ready(pipeline, pipeline.batch.batch_id)
    assert state["pipeline_state"] is None, f"a pipeline is still active: {state['pipeline_state']}"


@step(phrase("BOS reports a pipeline active for the batch"))
def bos_reports_active(pipeline: PipelineUnderTest) -> None:
    wait_active(pipeline, pipeline.batch.batch_id, pipeline.request.correlation_id)


@step(phrase('BOS reports the batch in status "{status:Name}"'))
def bos_reports_status(pipeline: PipelineUnderTest, status: str) -> None:
    batch_id = pipeline.batch.batch_id
    if not offers_status_view(pipeline, batch_id):
        status_on_the_wire(pipeline, batch_id, status)
        return
    wait_until(
        pipeline,
        batch_id,
        holds=lambda s: s.get("status") == status,
        awaited=f"BOS to report batch {batch_id} in status {status}",
    )


@then(phrase("BOS reports {count:d} completed {:Pipelines} for the batch"))
def bos_reports_history(pipeline: PipelineUnderTest, count: int) -> None:
    batch_id = pipeline.batch.batch_id
    if not offers_status_view(pipeline, batch_id):
        completions = completions_on_the_wire(pipeline.wire, batch_id)
        assert len(completions) == count, f"{len(completions)} completions from BOS, not {count}"
        return
    history = pipeline.client.batch_state(batch_id)["completed_pipelines"]
    shown = [(run["requested_pipeline"], run["final_status"]) for run in history]
    assert len(history) == count, f"BOS reports {len(history)} completed pipelines: {shown}"


@then(phrase('BOS times out phase "{phase:Name}" for the request'))
def bos_times_out_phase(pipeline: PipelineUnderTest, phase: str) -> None:
    wait_timed_out(pipeline, pipeline.request, phase)
