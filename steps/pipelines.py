"""Steps about pipeline runs: requests, refusals, phases, skips and the one completion.

"The request" is the scenario's latest pipeline request: Then-steps follow its correlation id
and its batch id, never "the latest message" of a channel.
"""

from __future__ import annotations

import uuid

from pytest_bdd import then, when

from harness.envelope import Envelope
from steps.client_flow import phase_command, phase_commands, publish_request
from steps.parameters import names, phrase
from steps.pipeline import PipelineUnderTest

COMPLETED = "batchPipelineCompleted"


# --- requests --------------------------------------------------------------------------------


@when(phrase('the client requests the "{name:Name}" pipeline'))
def client_requests(pipeline: PipelineUnderTest, name: str) -> None:
    publish_request(pipeline, pipeline.batch.batch_id, name)


@when(phrase('the client retries the "{name:Name}" pipeline'))
def client_retries(pipeline: PipelineUnderTest, name: str) -> None:
    publish_request(pipeline, pipeline.batch.batch_id, name, is_retry=True)


@when(
    phrase('the client requests the "{name:Name}" pipeline for a batch that was never registered')
)
def client_requests_unknown_batch(pipeline: PipelineUnderTest, name: str) -> None:
    batch_id = str(uuid.uuid4())
    pipeline.scenario.unregistered_batch_ids.append(batch_id)
    publish_request(pipeline, batch_id, name)


@then(phrase('the request is denied with reason "{reason:Name}"'))
def request_denied(pipeline: PipelineUnderTest, reason: str) -> None:
    wanted = {"denial_reason": reason, "requested_pipeline": pipeline.request.pipeline}
    pipeline.expect_fields("pipelineDenied", wanted, within_s=pipeline.deadlines.message_s)


@then(phrase("no phase command is sent for the request"))
def no_phase_command(pipeline: PipelineUnderTest) -> None:
    for channel in phase_commands(pipeline.contract):
        pipeline.of("request").expect_none(channel, for_s=pipeline.deadlines.quiet_s / 2)


# --- phases ----------------------------------------------------------------------------------


@then(phrase('ELS reports phase "{phase:Name}" as "{status:Name}"'))
def phase_outcome(pipeline: PipelineUnderTest, phase: str, status: str) -> None:
    pipeline.expect_fields("elsBatchPhaseOutcome", {"phase_name": phase, "phase_status": status})


@then(
    phrase(
        'ELS reports phase "{phase:Name}" as "{status:Name}" with {processed:d} processed '
        "and {failed:d} failed {:Essays}"
    )
)
def phase_outcome_counts(
    pipeline: PipelineUnderTest, phase: str, status: str, processed: int, failed: int
) -> None:
    wanted = {"phase_name": phase, "phase_status": status}
    outcome = pipeline.expect_fields("elsBatchPhaseOutcome", wanted)
    seen = (len(outcome.data["processed_essays"]), len(outcome.data["failed_essay_ids"]))
    assert seen == (processed, failed), f"{phase}: {seen[0]} processed, {seen[1]} failed"


@then(phrase('BOS commands "{phase:Name}" for the {count:d} essays that passed spellcheck'))
def command_for_survivors(pipeline: PipelineUnderTest, phase: str, count: int) -> None:
    spellcheck = pipeline.expect_fields("elsBatchPhaseOutcome", {"phase_name": "spellcheck"})
    command = pipeline.of("request").expect(phase_command(pipeline.contract, phase))
    commanded = [e["essay_id"] for e in command.data["essays_to_process"]]
    passed = [e["essay_id"] for e in spellcheck.data["processed_essays"]]
    assert len(commanded) == count, f"{phase} was commanded for {len(commanded)} essays"
    assert sorted(commanded) == sorted(passed), "the command is not for the essays that passed"


@then(phrase('BCS skips {:Phases} "{phases}" as already completed'))
def phases_skipped(pipeline: PipelineUnderTest, phases: str) -> None:
    wanted = names(phases)
    skipped = pipeline.of("request", within_s=pipeline.deadlines.message_s).expect_events(
        "phaseSkipped", count=len(wanted)
    )
    seen = sorted((m.data["phase_name"], m.data["skip_reason"]) for m in skipped)
    assert seen == sorted((p, "already_completed") for p in wanted), f"skipped: {seen}"


# --- completion ------------------------------------------------------------------------------


@then(phrase('the pipeline completes with {:Phases} "{phases}" and status "{status:Name}"'))
def pipeline_completes_with_phases(pipeline: PipelineUnderTest, phases: str, status: str) -> None:
    pipeline.expect_fields(COMPLETED, [["completed_phases", phases], ["final_status", status]])


@then(phrase('the pipeline completes with status "{status:Name}"'))
def pipeline_completes(pipeline: PipelineUnderTest, status: str) -> None:
    pipeline.expect_fields(COMPLETED, {"final_status": status})


@then(phrase('the "{name:Name}" pipeline completes with status "{status:Name}"'))
def named_pipeline_completes(pipeline: PipelineUnderTest, name: str, status: str) -> None:
    request = pipeline.scenario.request_for(name)
    pipeline.expect_fields(COMPLETED, {"final_status": status}, of=request)


# --- what the phases worked on ---------------------------------------------------------------


@then(phrase('the essays are checked and assessed in "{language:Name}"'))
def essays_in_language(pipeline: PipelineUnderTest, language: str) -> None:
    channels = {
        "batchServiceSpellcheckInitiateCommandData": 1,
        "essayLifecycleSpellcheckRequest": pipeline.batch.essay_count,
        "elsCjAssessmentRequest": 1,
    }
    for channel, count in channels.items():
        for message in pipeline.of("request").expect_events(channel, count=count):
            said = message.data.get("language")
            assert said == language, f"{message.name} says language {said!r}: {message.summary()}"


@then(phrase("CJ assessment ranks {count:d} {:Essays}"))
def cj_ranks(pipeline: PipelineUnderTest, count: int) -> None:
    result = pipeline.of("request").expect("assessmentResult")
    ranks = sorted(int(e["rank"]) for e in result.data["essay_results"])
    assert ranks == list(range(1, count + 1)), f"CJ ranked {len(ranks)} essays: ranks {ranks}"


@when(phrase("ELS re-sends its last phase outcome for the request with a new event id"))
def resend_last_outcome(pipeline: PipelineUnderTest) -> None:
    """What an outbox does after a crash: the same outcome again, under a NEW event_id (the
    consumers' event-id idempotency cannot absorb it; only the run's own state can)."""
    outcomes = pipeline.of("request").expect_events("elsBatchPhaseOutcome", count=1)
    last = max(outcomes, key=lambda m: m.seen_at)
    assert last.document is not None
    again = Envelope.from_json({**last.document, "event_id": str(uuid.uuid4())})
    pipeline.bus.publish(pipeline.contract.channel("elsBatchPhaseOutcome"), again, key=last.key)
