"""BOS and BCS on the real broker, driven by scripted ELS and API-gateway messages (issue 4).

A cj_assessment pipeline runs to exactly one BatchPipelineCompletedV1 (a duplicated last outcome
changes nothing); then the same batch accepts an nlp pipeline, whose spellcheck BCS skips with a
PhaseSkippedV1, and that completes too. A BOS stopped mid-pipeline and started again on its
database file picks up where it was, from the consumer group's committed offsets.

Each test has topics of its own (``isolated_kafka_bus``): its BOS and BCS must not share
consumer groups with the session's simulated system.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.contract import Contract
from harness.kafka import KafkaBus
from harness.waiting import wait_for
from reference_impl import BatchOrchestratorService, OrchestratorConfig
from tests.unit.reference_impl import scripted
from tests.unit.reference_impl.rig import Rig

pytestmark = pytest.mark.kafka

WITHIN_S = 30.0
COMPLETED = "batchPipelineCompleted"


def test_cj_then_nlp_complete_exactly_once_each_on_the_real_broker(
    pipeline_contract: Contract, isolated_kafka_bus: KafkaBus
) -> None:
    kafka_bus = isolated_kafka_bus
    rig = Rig.start(pipeline_contract, kafka_bus)
    try:
        essays, corrected = scripted.essays(4), scripted.essays(4, "corrected")
        batch_id = rig.ready_guest(essays)

        first = rig.request(batch_id, "cj_assessment")
        spellcheck = rig.command(batch_id, "batchServiceSpellcheckInitiateCommandData", first)
        assert spellcheck.data["essays_to_process"] == scripted.refs(essays)
        rig.outcome(batch_id, "spellcheck", first, corrected)
        cj = rig.command(batch_id, "batchServiceCjAssessmentInitiateCommandData", first)
        assert cj.data["essays_to_process"] == scripted.refs(corrected)
        rig.outcome(batch_id, "cj_assessment", first, corrected)
        rig.wire.expect_events(COMPLETED, batch_id=batch_id, count=1, within_s=WITHIN_S)
        duplicate = rig.outcome(batch_id, "cj_assessment", first, corrected)  # new event_id
        wait_for(
            lambda: rig.bos.repository.is_processed(duplicate.event_id),
            within_s=WITHIN_S,
            awaited="BOS to handle the duplicated outcome",
        )
        rig.wait_status(batch_id, "ready_for_pipeline_execution")

        second = rig.request(batch_id, "nlp")
        (skipped,) = rig.wire.expect_events(
            "phaseSkipped", batch_id=batch_id, correlation_id=second, count=1, within_s=WITHIN_S
        )
        assert skipped.data["phase_name"] == "spellcheck"
        nlp = rig.command(batch_id, "batchServiceNlpInitiateCommandData", second)
        assert nlp.data["essays_to_process"] == scripted.refs(corrected)
        rig.outcome(batch_id, "nlp", second, corrected)

        completions = rig.wire.expect_events(
            COMPLETED, batch_id=batch_id, count=2, within_s=WITHIN_S
        )
        assert [c.correlation_id for c in completions] == [first, second]
        assert [c.data["completed_phases"] for c in completions] == [
            ["spellcheck", "cj_assessment"],
            ["nlp"],
        ]
        assert all(c.data["final_status"] == "completed_successfully" for c in completions)
        assert all(c.data["successful_essay_count"] == 4 for c in completions)
        assert rig.wait_status(batch_id, "ready_for_pipeline_execution")["pipeline_state"] is None
    finally:
        rig.stop()


def test_a_restarted_bos_resumes_the_pipeline_from_its_database(
    pipeline_contract: Contract, isolated_kafka_bus: KafkaBus, tmp_path: Path
) -> None:
    kafka_bus = isolated_kafka_bus
    database = tmp_path / "bos.db"
    rig = Rig.start(pipeline_contract, kafka_bus, orchestrator={"database_path": database})
    try:
        essays = scripted.essays(3)
        batch_id = rig.ready_guest(essays)
        cid = rig.request(batch_id, "cj_assessment")
        rig.command(batch_id, "batchServiceSpellcheckInitiateCommandData", cid)
        rig.bos.stop()
        rig.outcome(batch_id, "spellcheck", cid, essays)  # arrives while BOS is down
        config = OrchestratorConfig(bcs_url=rig.bcs.base_url, database_path=database)
        rig.bos = BatchOrchestratorService(pipeline_contract, kafka_bus, config)
        rig.bos.start()
        rig.bos.wait_ready()
        rig.command(batch_id, "batchServiceCjAssessmentInitiateCommandData", cid)
        rig.outcome(batch_id, "cj_assessment", cid, essays)
        (completion,) = rig.wire.expect_events(
            COMPLETED, batch_id=batch_id, count=1, within_s=WITHIN_S
        )
        assert completion.correlation_id == cid
        assert rig.wait_status(batch_id, "ready_for_pipeline_execution")["completed_pipelines"]
    finally:
        rig.stop()
