"""The HTTP faces: BOS registration and batch view, BCS pipeline definition and batch state."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from harness.contract import Contract
from reference_impl import (
    ConductorConfig,
    HttpPipelineResolver,
    PipelineDefinitionRequest,
    ResolutionFailure,
)
from reference_impl.resolution import PipelineDefinition
from tests.unit.reference_impl import scripted
from tests.unit.reference_impl.rig import Rig
from tests.unit.reference_impl.wire import http, problem

StartRig = Callable[..., Rig]
QUICK_SETTLE = ConductorConfig(settle_timeout_s=0.05)
"""BCS waits this long (not 2 s) for an open run's completion before it resolves again."""


def test_registration_answers_202_and_announces_the_batch(start_rig: StartRig) -> None:
    rig = start_rig()
    cid = str(uuid.uuid4())
    body = {**scripted.registration_body(count=2), "essay_ids": ["a", "b"]}
    status, answer = http(
        "POST", f"{rig.bos.base_url}/v1/batches/register", body, {"X-Correlation-ID": cid}
    )
    assert status == 202
    assert answer == {"batch_id": answer["batch_id"], "correlation_id": cid, "status": "registered"}
    (announced,) = rig.wire.expect_events(
        "batchEssaysRegistered", batch_id=answer["batch_id"], count=1
    )
    assert announced.correlation_id == cid
    assert announced.data["essay_ids"] == ["a", "b"]
    view = rig.batch_view(answer["batch_id"])
    assert view["status"] == "awaiting_content_validation"
    assert view["batch_type"] == "GUEST"
    assert view["pipeline_state"] is None and view["completed_pipelines"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "not JSON"),
        ([1, 2], "is not of type 'object'"),
        ({"course_code": "ENG5", "user_id": "u"}, "expected_essay_count"),
        (
            {"expected_essay_count": 0, "course_code": "ENG5", "user_id": "u"},
            "expected_essay_count",
        ),
        ({"expected_essay_count": 2, "course_code": "MATH1", "user_id": "u"}, "course_code"),
        ({"expected_essay_count": 2, "course_code": "ENG5"}, "user_id"),
        (
            {"expected_essay_count": 2, "course_code": "ENG5", "user_id": "u", "essay_ids": ["a"]},
            "essay_ids",
        ),
    ],
)
def test_a_bad_registration_body_is_a_400_naming_what_is_wrong(
    start_rig: StartRig, body: Any, field: str
) -> None:
    status, answer = http("POST", f"{start_rig().bos.base_url}/v1/batches/register", body)
    assert status == 400
    assert answer["error"]["error_code"] == "VALIDATION_ERROR"
    assert field in problem(answer)


def test_a_correlation_header_that_is_no_uuid_is_replaced_as_the_real_bos_does(
    start_rig: StartRig,
) -> None:
    url = f"{start_rig().bos.base_url}/v1/batches/register"
    status, answer = http("POST", url, scripted.registration_body(), {"X-Correlation-ID": "x"})
    assert status == 202
    assert str(uuid.UUID(answer["correlation_id"])) == answer["correlation_id"]


def test_unknown_batches_and_paths_are_404s(start_rig: StartRig) -> None:
    rig = start_rig()
    status, answer = http("GET", f"{rig.bos.base_url}/v1/batches/nobody")
    assert status == 404 and "nobody" in problem(answer)
    assert answer["error"]["error_code"] == "RESOURCE_NOT_FOUND"
    status, answer = http("GET", f"{rig.bos.base_url}/internal/v1/batches/nobody/pipeline-state")
    assert status == 404 and "nobody" in problem(answer)
    status, answer = http("GET", f"{rig.bcs.base_url}/internal/v1/batches/nobody")
    assert status == 404
    status, answer = http("GET", f"{rig.bos.base_url}/v2/nothing")
    assert status == 404 and "serves no GET /v2/nothing" in problem(answer)


def test_the_batch_view_shows_a_running_pipeline_phase_by_phase(start_rig: StartRig) -> None:
    rig = start_rig()
    essays = scripted.essays(3)
    batch_id = rig.ready_guest(essays)
    cid = rig.request(batch_id, "cj_assessment")
    rig.command(batch_id, "batchServiceSpellcheckInitiateCommandData", cid)
    view = rig.wait_status(batch_id, "processing_pipelines")
    state = view["pipeline_state"]
    assert view["accepts_pipeline_request"] is False
    assert state["correlation_id"] == cid
    assert state["requested_pipelines"] == ["spellcheck", "cj_assessment"]
    spellcheck = state["phases"]["spellcheck"]
    assert spellcheck["status"] == "dispatch_initiated" and spellcheck["started_at"]
    assert spellcheck["essay_counts"] == {
        "total": 3,
        "pending_dispatch_or_processing": 3,
        "successful": 0,
        "failed": 0,
    }
    assert state["phases"]["cj_assessment"]["status"] == "pending_dependencies"


def define(rig: Rig, body: Any) -> tuple[int, Any]:
    return http("POST", f"{rig.bcs.base_url}/internal/v1/pipelines/define", body)


def test_bcs_defines_a_pipeline_with_the_real_shapes(start_rig: StartRig) -> None:
    rig = start_rig()
    body = {"batch_id": "b-1", "requested_pipeline": "nlp", "correlation_id": str(uuid.uuid4())}
    status, answer = define(rig, body)
    assert status == 200
    assert answer["batch_id"] == "b-1"
    assert answer["final_pipeline"] == ["spellcheck", "nlp"]
    assert isinstance(answer["analysis_summary"], str)
    status, state = http("GET", f"{rig.bcs.base_url}/internal/v1/batches/b-1")
    assert status == 200
    assert state["runs"][0]["status"] == "requested"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            {"batch_id": "b", "requested_pipeline": "essays", "correlation_id": str(uuid.uuid4())},
            "essays",
        ),
        ({"batch_id": "b", "requested_pipeline": "nlp", "correlation_id": "not-a-uuid"}, "uuid"),
        ({"requested_pipeline": "nlp", "correlation_id": str(uuid.uuid4())}, "batch_id"),
    ],
)
def test_bcs_refuses_with_a_400_and_a_detail(start_rig: StartRig, body: Any, words: str) -> None:
    status, answer = define(start_rig(), body)
    assert status == 400
    assert words in problem(answer)


def test_an_unknown_pipeline_is_the_real_400_body(start_rig: StartRig) -> None:
    body = {"batch_id": "b", "requested_pipeline": "essays", "correlation_id": str(uuid.uuid4())}
    _status, answer = define(start_rig(), body)
    assert answer["error"] == "Pipeline resolution failed"
    assert answer["reason"] == "unknown_pipeline"


def test_the_http_resolver_speaks_to_bcs(start_rig: StartRig) -> None:
    rig = start_rig(conductor=QUICK_SETTLE)  # the batch's earlier run stays open
    resolver = HttpPipelineResolver(rig.contract, lambda: rig.bcs.base_url)
    request = PipelineDefinitionRequest("b-2", "cj_assessment", str(uuid.uuid4()))
    assert resolver.define_pipeline(request) == PipelineDefinition(
        "b-2",
        ("spellcheck", "cj_assessment"),
        resolver.define_pipeline(request).analysis_summary,  # type: ignore[union-attr]
    )
    refused = resolver.define_pipeline(PipelineDefinitionRequest("b-2", "x", str(uuid.uuid4())))
    assert isinstance(refused, ResolutionFailure) and refused.reason == "unknown_pipeline"


def test_an_unreachable_bcs_is_a_resolution_failure_not_an_exception(contract: Contract) -> None:
    resolver = HttpPipelineResolver(contract, "http://127.0.0.1:9", timeout_s=0.5)
    answer = resolver.define_pipeline(PipelineDefinitionRequest("b", "nlp", str(uuid.uuid4())))
    assert isinstance(answer, ResolutionFailure)
    assert answer.reason == "bcs_unavailable" and "127.0.0.1:9" in answer.detail


def test_an_empty_pipeline_is_the_real_400_and_the_reference_bos_completes_it_at_once() -> None:
    from reference_impl.resolution import _answer

    url = "http://bcs/internal/v1/pipelines/define"
    ours = {"error": "Pipeline resolution failed", "detail": "all done", "reason": "nothing_to_run"}
    assert _answer(url, 400, ours) == PipelineDefinition("", (), "all done")
    real = {"error": "Pipeline resolution failed", "detail": "Pipeline resolution failed: empty"}
    refused = _answer(url, 400, real)
    assert isinstance(refused, ResolutionFailure) and refused.reason == "rejected"


def test_bcs_answers_a_pipeline_already_done_with_400(start_rig: StartRig) -> None:
    rig = start_rig(conductor=QUICK_SETTLE)  # the batch's earlier run stays open
    body = {"batch_id": "b-3", "requested_pipeline": "nlp", "correlation_id": str(uuid.uuid4())}
    assert define(rig, body)[0] == 200
    batch = rig.bcs.repository.load("b-3")
    assert batch is not None
    done = dataclasses.replace(batch, phases={"spellcheck": "completed", "nlp": "completed"})
    rig.bcs.outbox.commit("b-3", done, ())
    status, answer = define(rig, {**body, "correlation_id": str(uuid.uuid4())})
    assert status == 400
    assert answer["error"] == "Pipeline resolution failed" and answer["reason"] == "nothing_to_run"
