"""BOS and BCS as running services on the in-memory bus: scripted messages in, messages out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from harness.contract import Contract
from harness.waiting import wait_for
from reference_impl import (
    BatchConductorService,
    BatchOrchestratorService,
    ConductorConfig,
    OrchestratorConfig,
    SqliteRepository,
)
from reference_impl.batch_state import BatchState
from reference_impl.errors import StorageError
from reference_impl.orchestrator import BATCH_CODEC
from reference_impl.storage import Change
from tests.unit.reference_impl import scripted
from tests.unit.reference_impl.rig import Rig
from tests.unit.reference_impl.wire import http

StartRig = Callable[..., Rig]
SPELLCHECK = "batchServiceSpellcheckInitiateCommandData"
CJ = "batchServiceCjAssessmentInitiateCommandData"
NLP = "batchServiceNlpInitiateCommandData"
ESSAYS = scripted.essays(4)
CORRECTED = scripted.essays(4, "corrected")


def test_the_services_declare_what_the_contract_gives_them(contract: Contract) -> None:
    for service in (BatchOrchestratorService, BatchConductorService):
        sid = service.service_id
        in_flow = [c for c in contract.consumed_by(sid) if not c.beside_the_flow]
        assert set(service.consumes) == {c.id for c in in_flow}
        assert set(service.produces) <= {c.id for c in contract.produced_by(sid)}
    sent = {c.id for c in contract.produced_by("bos") if not c.beside_the_flow}
    assert set(BatchOrchestratorService.produces) == sent


def run_cj(rig: Rig, batch_id: str) -> str:
    cid = rig.request(batch_id, "cj_assessment")
    rig.command(batch_id, SPELLCHECK, cid)
    rig.outcome(batch_id, "spellcheck", cid, CORRECTED)
    assert rig.command(batch_id, CJ, cid).data["essays_to_process"] == scripted.refs(CORRECTED)
    rig.outcome(batch_id, "cj_assessment", cid, CORRECTED)
    rig.wire.expect_events("batchPipelineCompleted", batch_id=batch_id, correlation_id=cid, count=1)
    return cid


def test_cj_then_nlp_each_complete_exactly_once(start_rig: StartRig) -> None:
    rig = start_rig()
    batch_id = rig.ready_guest(ESSAYS)
    first = run_cj(rig, batch_id)
    rig.wait_status(batch_id, "ready_for_pipeline_execution")
    second = rig.request(batch_id, "nlp")
    (skipped,) = rig.wire.expect_events(
        "phaseSkipped", batch_id=batch_id, correlation_id=second, count=1
    )
    assert skipped.data["phase_name"] == "spellcheck"
    assert rig.command(batch_id, NLP, second).data["essays_to_process"] == scripted.refs(CORRECTED)
    rig.outcome(batch_id, "nlp", second, CORRECTED)
    completions = rig.wire.expect_events("batchPipelineCompleted", batch_id=batch_id, count=2)
    assert [c.correlation_id for c in completions] == [first, second]
    assert [c.data["completed_phases"] for c in completions] == [
        ["spellcheck", "cj_assessment"],
        ["nlp"],
    ]
    view = rig.wait_status(batch_id, "ready_for_pipeline_execution")
    assert [run["requested_pipeline"] for run in view["completed_pipelines"]] == [
        "nlp",
        "cj_assessment",
    ]
    bcs_runs = rig.bcs.batch(batch_id).runs  # type: ignore[union-attr]
    assert [(r.requested_pipeline, r.status) for r in bcs_runs] == [
        ("cj_assessment", "completed"),
        ("nlp", "completed"),
    ]


def test_a_duplicated_last_outcome_publishes_one_completion(start_rig: StartRig) -> None:
    rig = start_rig()
    batch_id = rig.ready_guest(ESSAYS)
    cid = rig.request(batch_id, "nlp")
    rig.command(batch_id, SPELLCHECK, cid)
    rig.outcome(batch_id, "spellcheck", cid, CORRECTED)
    rig.command(batch_id, NLP, cid)
    last = rig.outcome(batch_id, "nlp", cid, CORRECTED)
    rig.wire.expect_events("batchPipelineCompleted", batch_id=batch_id, correlation_id=cid, count=1)
    rig.bus.publish(rig.contract.channel("elsBatchPhaseOutcome"), last, key=batch_id)  # same id
    again = rig.outcome(batch_id, "nlp", cid, CORRECTED)  # the real outbox re-sends: new id
    wait_for(
        lambda: rig.bos.repository.is_processed(again.event_id),
        within_s=5,
        awaited="BOS handled the duplicates",
    )
    marker = rig.request(batch_id, "nlp")  # all done already: completes at once, after them
    rig.wire.expect_events(
        "batchPipelineCompleted", batch_id=batch_id, correlation_id=marker, count=1
    )
    completions = rig.wire.copies("batchPipelineCompleted", batch_id=batch_id)
    assert [c.correlation_id for c in completions] == [cid, marker]


def test_a_request_during_a_pipeline_is_denied_on_the_bus(start_rig: StartRig) -> None:
    rig = start_rig()
    batch_id = rig.ready_guest(ESSAYS)
    cid = rig.request(batch_id, "cj_assessment")
    rig.command(batch_id, SPELLCHECK, cid)
    other = rig.request(batch_id, "nlp")
    (denial,) = rig.wire.expect_events("pipelineDenied", batch_id=batch_id, count=1)
    assert denial.correlation_id == other
    assert denial.data["denial_reason"] == "pipeline_active"
    assert cid in denial.get("/metadata/denial_detail")


def test_ai_feedback_is_denied_with_the_reason(start_rig: StartRig) -> None:
    rig = start_rig()
    batch_id = rig.ready_guest(ESSAYS)
    rig.request(batch_id, "ai_feedback")
    (denial,) = rig.wire.expect_events("pipelineDenied", batch_id=batch_id, count=1)
    assert denial.data["denial_reason"] == "resolution_failed"
    assert "ai_feedback" in denial.get("/metadata/denial_detail")
    assert rig.batch_view(batch_id)["accepts_pipeline_request"] is True


def test_a_regular_batch_becomes_ready_when_essays_are_ready_before_confirmation(
    start_rig: StartRig,
) -> None:
    rig = start_rig()
    batch_id = rig.register(count=len(ESSAYS), class_id="class-1")
    rig.provision(batch_id, ESSAYS)
    rig.wire.expect_events(
        "batchServiceStudentMatchingInitiateCommandData", batch_id=batch_id, count=1
    )
    rig.publish(
        "els", "batchEssaysReady", scripted.essays_ready(batch_id, ESSAYS), scripted.new_id()
    )
    rig.wait_status(batch_id, "awaiting_student_validation")
    confirmed = scripted.associations_confirmed(batch_id, ESSAYS)
    rig.publish("cms", "studentAssociationsConfirmed", confirmed, scripted.new_id())
    assert rig.wait_status(batch_id, "ready_for_pipeline_execution")["batch_type"] == "REGULAR"


def test_a_phase_that_never_answers_ends_the_pipeline_failed(start_rig: StartRig) -> None:
    rig = start_rig(orchestrator={"phase_timeout_s": 0.2, "tick_interval_s": 0.02})
    batch_id = rig.ready_guest(ESSAYS)
    cid = rig.request(batch_id, "cj_assessment")
    (completion,) = rig.wire.expect_events("batchPipelineCompleted", batch_id=batch_id, count=1)
    assert completion.correlation_id == cid
    assert completion.data["final_status"] == "failed_critically"
    view = rig.wait_status(batch_id, "ready_for_pipeline_execution")
    spellcheck = view["completed_pipelines"][0]["phases"]["spellcheck"]
    assert spellcheck["error_info"]["reason"] == "phase_timeout"


def test_a_message_that_breaks_the_contract_is_dead_lettered_and_bos_goes_on(
    start_rig: StartRig,
) -> None:
    rig = start_rig()
    batch_id = rig.register(count=len(ESSAYS))
    channel = rig.contract.channel("batchContentProvisioningCompleted")
    broken = rig.peers["els"].envelope_for(
        channel, {"batch_id": batch_id, "unexpected": True}, correlation_id=scripted.new_id()
    )
    rig.bus.publish(channel, broken, key=batch_id)
    rig.provision(batch_id, ESSAYS)
    rig.wait_status(batch_id, "ready_for_pipeline_execution")
    wait_for(rig.dead_letters, within_s=5, awaited="the dead letter")


class FailingOnce:
    """A BatchRepository whose next commit fails, as a full disk would."""

    def __init__(self) -> None:
        self.inner = SqliteRepository(None, BATCH_CODEC)
        self.fail_next = False

    def commit(self, change: Change[BatchState]) -> None:
        if self.fail_next:
            self.fail_next = False
            raise StorageError(":memory:", "commit", OSError("disk full"))
        self.inner.commit(change)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_handler_that_fails_dead_letters_its_message_and_bos_goes_on(
    start_rig: StartRig,
) -> None:
    repository = FailingOnce()
    rig = start_rig(repository=repository)
    batch_id = rig.register(count=len(ESSAYS))
    repository.fail_next = True
    rig.provision(batch_id, ESSAYS)
    (letter,) = wait_for(rig.dead_letters, within_s=5, awaited="a dead letter")
    assert "disk full" in letter.headers["x-dead-letter-reason"]
    rig.provision(batch_id, ESSAYS)  # ELS's outbox would re-send it
    rig.wait_status(batch_id, "ready_for_pipeline_execution")


def test_the_config_is_a_frozen_value() -> None:
    config = OrchestratorConfig(bcs_url="http://bcs")
    assert replace(config, phase_timeout_s=1.0).bcs_url == "http://bcs"


def test_bcs_waits_only_briefly_for_a_completion_that_never_comes(start_rig: StartRig) -> None:
    rig = start_rig(conductor=ConductorConfig(settle_timeout_s=0.05))
    first, second = scripted.new_id(), scripted.new_id()
    define = f"{rig.bcs.base_url}/internal/v1/pipelines/define"
    body = {"batch_id": "lost-1", "requested_pipeline": "nlp", "correlation_id": first}
    assert http("POST", define, body)[0] == 200
    rig.outcome("lost-1", "spellcheck", first, ESSAYS)  # the run is under way ...
    wait_for(
        lambda: rig.bcs.batch("lost-1").unsettled_run(),  # type: ignore[union-attr]
        within_s=5,
        awaited="BCS to see the run active",
    )
    status, answer = http("POST", define, {**body, "correlation_id": second})  # ... never ends
    assert (status, answer["final_pipeline"]) == (200, ["nlp"])
    runs = {r.correlation_id: r.status for r in rig.bcs.batch("lost-1").runs}  # type: ignore[union-attr]
    assert runs == {first: "superseded", second: "requested"}
