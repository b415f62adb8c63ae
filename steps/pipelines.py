"""Steps about pipeline runs: requests, refusals, phases, skips and the one completion.

"The request" is the scenario's latest pipeline request: Then-steps follow its correlation id
and its batch id, never "the latest message" of a channel.
"""

from __future__ import annotations

import uuid

from pytest_bdd import then, when

from harness.bus import Bus
from harness.client import PipelineClient
from harness.contract import Contract
from harness.envelope import Envelope
from harness.observer import ContractObserver
from steps.client_flow import phase_command, phase_commands, publish_request
from steps.context import BatchUnderTest, Deadlines, PipelineRequest, PipelineScenario
from steps.expectations import expect_event, expect_events, expect_fields
from steps.parameters import names, phrase

COMPLETED = "batchPipelineCompleted"


# --- requests --------------------------------------------------------------------------------


@when(phrase('the client requests the "{pipeline:Name}" pipeline'))
def client_requests(
    pipeline_scenario: PipelineScenario,
    pipeline_client: PipelineClient,
    scenario_batch: BatchUnderTest,
    pipeline: str,
) -> None:
    publish_request(pipeline_scenario, pipeline_client, scenario_batch.batch_id, pipeline)


@when(phrase('the client retries the "{pipeline:Name}" pipeline'))
def client_retries(
    pipeline_scenario: PipelineScenario,
    pipeline_client: PipelineClient,
    scenario_batch: BatchUnderTest,
    pipeline: str,
) -> None:
    publish_request(
        pipeline_scenario, pipeline_client, scenario_batch.batch_id, pipeline, is_retry=True
    )


@when(
    phrase(
        'the client requests the "{pipeline:Name}" pipeline for a batch that was never registered'
    )
)
def client_requests_unknown_batch(
    pipeline_scenario: PipelineScenario, pipeline_client: PipelineClient, pipeline: str
) -> None:
    batch_id = str(uuid.uuid4())
    pipeline_scenario.unregistered_batch_ids.append(batch_id)
    publish_request(pipeline_scenario, pipeline_client, batch_id, pipeline)


@then(phrase('the request is denied with reason "{reason:Name}"'))
def request_denied(
    pipeline_scenario: PipelineScenario,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    reason: str,
) -> None:
    request = pipeline_scenario.request
    expect_fields(
        pipeline_observer,
        "pipelineDenied",
        [["denial_reason", reason], ["requested_pipeline", request.pipeline]],
        within_s=step_deadlines.message_s,
        batch_id=request.batch_id,
        correlation_id=request.correlation_id,
    )


@then(phrase("no phase command is sent for the request"))
def no_phase_command(
    pipeline_scenario: PipelineScenario,
    pipeline_observer: ContractObserver,
    pipeline_contract: Contract,
    step_deadlines: Deadlines,
) -> None:
    request = pipeline_scenario.request
    for channel in phase_commands(pipeline_contract):
        pipeline_observer.expect_none(
            channel,
            batch_id=request.batch_id,
            correlation_id=request.correlation_id,
            for_s=step_deadlines.quiet_s / 2,
        )


# --- phases ----------------------------------------------------------------------------------


@then(phrase('ELS reports phase "{phase:Name}" as "{status:Name}"'))
def phase_outcome(
    pipeline_scenario: PipelineScenario,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    phase: str,
    status: str,
) -> None:
    request = pipeline_scenario.request
    expect_fields(
        pipeline_observer,
        "elsBatchPhaseOutcome",
        [["phase_name", phase], ["phase_status", status]],
        within_s=step_deadlines.pipeline_s,
        batch_id=request.batch_id,
        correlation_id=request.correlation_id,
    )


@then(
    phrase(
        'ELS reports phase "{phase:Name}" as "{status:Name}" with {processed:d} processed '
        "and {failed:d} failed {:Essays}"
    )
)
def phase_outcome_counts(
    pipeline_scenario: PipelineScenario,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    phase: str,
    status: str,
    processed: int,
    failed: int,
) -> None:
    request = pipeline_scenario.request
    outcome = expect_fields(
        pipeline_observer,
        "elsBatchPhaseOutcome",
        [["phase_name", phase], ["phase_status", status]],
        within_s=step_deadlines.pipeline_s,
        batch_id=request.batch_id,
        correlation_id=request.correlation_id,
    )
    seen = (len(outcome.data["processed_essays"]), len(outcome.data["failed_essay_ids"]))
    assert seen == (processed, failed), f"{phase}: {seen[0]} processed, {seen[1]} failed"


@then(phrase('BOS commands "{phase:Name}" for the {count:d} essays that passed spellcheck'))
def command_for_survivors(
    pipeline_scenario: PipelineScenario,
    pipeline_observer: ContractObserver,
    pipeline_contract: Contract,
    step_deadlines: Deadlines,
    phase: str,
    count: int,
) -> None:
    request = pipeline_scenario.request
    spellcheck = expect_fields(
        pipeline_observer,
        "elsBatchPhaseOutcome",
        [["phase_name", "spellcheck"]],
        within_s=step_deadlines.pipeline_s,
        batch_id=request.batch_id,
        correlation_id=request.correlation_id,
    )
    command = expect_event(
        pipeline_observer,
        phase_command(pipeline_contract, phase),
        within_s=step_deadlines.pipeline_s,
        batch_id=request.batch_id,
        correlation_id=request.correlation_id,
    )
    commanded = [e["essay_id"] for e in command.data["essays_to_process"]]
    passed = [e["essay_id"] for e in spellcheck.data["processed_essays"]]
    assert len(commanded) == count, f"{phase} was commanded for {len(commanded)} essays"
    assert sorted(commanded) == sorted(passed), "the command is not for the essays that passed"


@then(phrase('BCS skips {:Phases} "{phases}" as already completed'))
def phases_skipped(
    pipeline_scenario: PipelineScenario,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    phases: str,
) -> None:
    request = pipeline_scenario.request
    wanted = names(phases)
    skipped = expect_events(
        pipeline_observer,
        "phaseSkipped",
        count=len(wanted),
        within_s=step_deadlines.message_s,
        batch_id=request.batch_id,
        correlation_id=request.correlation_id,
    )
    seen = sorted((m.data["phase_name"], m.data["skip_reason"]) for m in skipped)
    assert seen == sorted((p, "already_completed") for p in wanted), f"skipped: {seen}"


# --- completion ------------------------------------------------------------------------------


@then(phrase('the pipeline completes with {:Phases} "{phases}" and status "{status:Name}"'))
def pipeline_completes_with_phases(
    pipeline_scenario: PipelineScenario,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    phases: str,
    status: str,
) -> None:
    _completion(
        pipeline_observer,
        pipeline_scenario.request,
        step_deadlines,
        [["completed_phases", phases], ["final_status", status]],
    )


@then(phrase('the pipeline completes with status "{status:Name}"'))
def pipeline_completes(
    pipeline_scenario: PipelineScenario,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    status: str,
) -> None:
    _completion(
        pipeline_observer, pipeline_scenario.request, step_deadlines, [["final_status", status]]
    )


@then(phrase('the "{pipeline:Name}" pipeline completes with status "{status:Name}"'))
def named_pipeline_completes(
    pipeline_scenario: PipelineScenario,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    pipeline: str,
    status: str,
) -> None:
    _completion(
        pipeline_observer,
        pipeline_scenario.request_for(pipeline),
        step_deadlines,
        [["final_status", status]],
    )


def _completion(
    observer: ContractObserver,
    request: PipelineRequest,
    deadlines: Deadlines,
    rows: list[list[str]],
) -> None:
    expect_fields(
        observer,
        COMPLETED,
        rows,
        within_s=deadlines.pipeline_s,
        batch_id=request.batch_id,
        correlation_id=request.correlation_id,
    )


# --- what the phases worked on ---------------------------------------------------------------


@then(phrase('the essays are checked and assessed in "{language:Name}"'))
def essays_in_language(
    pipeline_scenario: PipelineScenario,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    scenario_batch: BatchUnderTest,
    language: str,
) -> None:
    request = pipeline_scenario.request
    channels = {
        "batchServiceSpellcheckInitiateCommandData": 1,
        "essayLifecycleSpellcheckRequest": scenario_batch.essay_count,
        "elsCjAssessmentRequest": 1,
    }
    for channel, count in channels.items():
        for message in expect_events(
            pipeline_observer,
            channel,
            count=count,
            within_s=step_deadlines.pipeline_s,
            batch_id=request.batch_id,
            correlation_id=request.correlation_id,
        ):
            said = message.data.get("language")
            assert said == language, f"{message.name} says language {said!r}: {message.summary()}"


@then(phrase("CJ assessment ranks {count:d} {:Essays}"))
def cj_ranks(
    pipeline_scenario: PipelineScenario,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    count: int,
) -> None:
    request = pipeline_scenario.request
    result = expect_event(
        pipeline_observer,
        "assessmentResult",
        within_s=step_deadlines.pipeline_s,
        batch_id=request.batch_id,
        correlation_id=request.correlation_id,
    )
    ranks = sorted(int(e["rank"]) for e in result.data["essay_results"])
    assert ranks == list(range(1, count + 1)), f"CJ ranked {len(ranks)} essays: ranks {ranks}"


@when(phrase("ELS re-sends its last phase outcome for the request with a new event id"))
def resend_last_outcome(
    pipeline_scenario: PipelineScenario,
    pipeline_contract: Contract,
    pipeline_observer: ContractObserver,
    kafka_bus: Bus,
    step_deadlines: Deadlines,
) -> None:
    """What an outbox does after a crash: the same outcome again, under a NEW event_id (the
    consumers' event-id idempotency cannot absorb it; only the run's own state can)."""
    request = pipeline_scenario.request
    outcomes = expect_events(
        pipeline_observer,
        "elsBatchPhaseOutcome",
        count=1,
        within_s=step_deadlines.pipeline_s,
        batch_id=request.batch_id,
        correlation_id=request.correlation_id,
    )
    last = max(outcomes, key=lambda m: m.seen_at)
    assert last.document is not None
    again = Envelope.from_json({**last.document, "event_id": str(uuid.uuid4())})
    kafka_bus.publish(pipeline_contract.channel("elsBatchPhaseOutcome"), again, key=last.key)
