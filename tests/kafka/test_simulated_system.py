"""The whole simulated system on the real broker: GUEST and REGULAR batches to completion.

Every message on the wire is checked against the contract by the session's observer.
"""

from __future__ import annotations

import pytest

from harness.client import PipelineClient
from harness.expectations import Expectations
from harness.observer import ContractObserver
from pipeline_system.system import SimulatedSystem

pytestmark = pytest.mark.kafka


@pytest.mark.parametrize("class_id", [None, "class-9a"], ids=["GUEST", "REGULAR"])
def test_a_batch_goes_through_cj_assessment_to_one_completion(
    simulated_system: SimulatedSystem,
    pipeline_client: PipelineClient,
    pipeline_observer: ContractObserver,
    pipeline_wire: Expectations,
    class_id: str | None,
) -> None:
    batch = pipeline_client.register_batch(essay_count=4, class_id=class_id)
    pipeline_wire.expect("batchContentProvisioningCompleted", batch_id=batch.batch_id, within_s=30)
    if class_id:
        pipeline_wire.expect("batchEssaysReady", batch_id=batch.batch_id, within_s=30)
    pipeline_client.wait_ready(
        batch.batch_id,
        within_s=30,
        seen=lambda: [m.summary() for m in pipeline_observer.messages(batch_id=batch.batch_id)],
    )
    correlation_id = pipeline_client.request_pipeline(batch.batch_id, "cj_assessment")
    done = pipeline_wire.expect("batchPipelineCompleted", batch_id=batch.batch_id, within_s=60)
    assert done.correlation_id == correlation_id
    assert done.data["final_status"] == "completed_successfully"
    assert done.data["completed_phases"] == ["spellcheck", "cj_assessment"]
    assert done.data["successful_essay_count"] == 4
    pipeline_wire.expect_none(
        "batchPipelineCompleted",
        batch_id=batch.batch_id,
        for_s=0.5,
        where=lambda m: m is not done,
    )
    assert pipeline_observer.violations(batch_id=batch.batch_id) == []
    report = simulated_system.simulators["result_aggregator"].report(batch.batch_id)  # type: ignore[attr-defined]
    assert len(report.completions) == 1
