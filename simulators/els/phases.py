"""ELS decisions inside a pipeline: forward BOS's phase commands, collect results, one outcome.

A command moves each listed essay into the phase if the state machine allows it (others are left
out, as the real ELS does) and sends the services their requests under the command's correlation
id, which ELS keeps for the phase. Each result moves its essays to success or failure; when every
essay of the phase is terminal, ELS publishes ONE ELSBatchPhaseOutcomeV1 with the true split
(behaviour 4.3). A repeated result is refused by the state machine, and a phase's outcome is
published once per round (a command that moves essays into the phase, e.g. a retry's), whatever
arrives later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from harness.envelope import Envelope
from harness.service import Outgoing
from simulators.els.lifecycle import CJ_ASSESSMENT, NLP, SPELLCHECK, Phase, Step, advance
from simulators.els.messages import event_fields, system_metadata
from simulators.els.records import BatchRecord, EssayRecord, Ledger

# --- commands from BOS --------------------------------------------------------------------------


def on_spellcheck_command(ledger: Ledger, envelope: Envelope) -> list[Outgoing]:
    """One EssayLifecycleSpellcheckRequestV1 per essay that may start spellcheck (5.18, 5.19)."""
    batch, essays = _enter_phase(ledger, envelope, SPELLCHECK)
    if batch is not None and not essays:
        return _refused(batch, envelope, SPELLCHECK)
    language = str(envelope.data["language"])
    return [
        Outgoing(
            "essayLifecycleSpellcheckRequest",
            _spellcheck_request(essay, language),
            envelope.correlation_id,
        )
        for essay in essays
    ]


def on_cj_assessment_command(ledger: Ledger, envelope: Envelope) -> list[Outgoing]:
    """ONE ELS_CJAssessmentRequestV1 for the batch's essays that may start CJ (5.23, 5.24)."""
    batch, essays = _enter_phase(ledger, envelope, CJ_ASSESSMENT)
    if batch is None:
        return []
    if not essays:
        return _refused(batch, envelope, CJ_ASSESSMENT)
    request = _cj_request(batch, essays, envelope)
    return [Outgoing("elsCjAssessmentRequest", request, envelope.correlation_id)]


def on_nlp_command(ledger: Ledger, envelope: Envelope) -> list[Outgoing]:
    """ONE BatchNlpProcessingRequestedV2 for the batch's essays that may start NLP (5.33)."""
    batch, essays = _enter_phase(ledger, envelope, NLP)
    if batch is None:
        return []
    if not essays:
        return _refused(batch, envelope, NLP)
    data = envelope.data
    request = {
        **event_fields("batch.nlp.processing.requested.v2", batch.batch_id, "batch"),
        "essays_to_process": [e.reference(e.phase_texts[NLP.name]) for e in essays],
        "language": data["language"],
        "batch_id": batch.batch_id,
        "student_prompt_ref": data.get("student_prompt_ref"),
    }
    return [Outgoing("batchNlpProcessingRequested", request, envelope.correlation_id)]


# --- results from the services ------------------------------------------------------------------


def on_spellcheck_result(ledger: Ledger, envelope: Envelope) -> list[Outgoing]:
    """Record one essay's spellcheck; the corrected text becomes the phase's output (5.20)."""
    data = envelope.data
    batch = ledger.batches.get(str(data["batch_id"]))
    essay = batch.essays.get(str(data["entity_id"])) if batch else None
    if batch is None or essay is None:
        return []
    succeeded = data["status"] == "completed"  # anything else is a failure (contracts 0.9)
    if not _finish(essay, SPELLCHECK, succeeded):
        return []
    if succeeded and data.get("corrected_text_storage_id"):
        essay.phase_texts[SPELLCHECK.name] = str(data["corrected_text_storage_id"])
    return _outcome_if_done(batch, SPELLCHECK)


def on_cj_assessment_completed(ledger: Ledger, envelope: Envelope) -> list[Outgoing]:
    """Record CJ's per-essay split from processing_summary (5.27); an essay it names neither
    way stays in progress, as in the real ELS, so the phase waits for it."""
    batch = ledger.batches.get(str(envelope.data.get("entity_id")))
    return _record_batch_result(batch, CJ_ASSESSMENT, envelope.data)


def on_cj_assessment_failed(ledger: Ledger, envelope: Envelope) -> list[Outgoing]:
    """Fail every CJ essay still running, so the phase ends (the real ELS ignores this event
    and the pipeline hangs, behaviour 4.4; issue 5 closes that gap)."""
    batch = ledger.batches.get(str(envelope.data.get("entity_id")))
    if batch is None:
        return []
    for essay in batch.members_of(CJ_ASSESSMENT):
        _finish(essay, CJ_ASSESSMENT, succeeded=False)
    return _outcome_if_done(batch, CJ_ASSESSMENT)


def on_nlp_completed(ledger: Ledger, envelope: Envelope) -> list[Outgoing]:
    """Record NLP's per-essay split from processing_summary (5.33)."""
    batch = ledger.batches.get(str(envelope.data["batch_id"]))
    return _record_batch_result(batch, NLP, envelope.data)


# --- the phase's course -------------------------------------------------------------------------


def _enter_phase(
    ledger: Ledger, envelope: Envelope, phase: Phase
) -> tuple[BatchRecord | None, list[EssayRecord]]:
    """Move the command's essays into ``phase`` where allowed; remember the correlation id."""
    batch = _batch_of(ledger, envelope.data)
    if batch is None:
        return None, []
    texts = {
        str(r["essay_id"]): str(r["text_storage_id"]) for r in envelope.data["essays_to_process"]
    }
    entered = [e for e in _known(batch, texts) if _step(e, phase, Step.COMMAND)]
    if entered:  # a new round of the phase (a retry runs it again): its essays, its outcome
        for essay in batch.members_of(phase):
            essay.commanded_phases.remove(phase.name)
        batch.outcomes_sent.discard(phase.name)
        batch.phase_correlations[phase.name] = envelope.correlation_id
    for essay in entered:
        essay.commanded_phases.append(phase.name)
        essay.phase_texts[phase.name] = texts[essay.essay_id]
        _step(essay, phase, Step.STARTED)  # dispatched: the requests leave with this decision
    return batch, entered


def _refused(batch: BatchRecord, command: Envelope, phase: Phase) -> list[Outgoing]:
    """A command none of whose essays may start the phase. The real ELS then publishes nothing
    and the pipeline hangs (behaviour 4.2), e.g. when a phase BOS timed out left the essays
    waiting in it. This ELS answers at once: the phase failed critically for those essays, with
    each one's status in ``metadata.refused_essays``. A command repeated for essays already in
    this phase (a redelivery, a re-driven command) is no refusal: its outcome comes, or came."""
    commanded = _known(batch, (r["essay_id"] for r in command.data["essays_to_process"]))
    elsewhere = [e for e in commanded if e.status not in phase.statuses]
    if not commanded or len(elsewhere) < len(commanded):
        return []
    outcome = {
        "batch_id": batch.batch_id,
        "phase_name": phase.name,
        "phase_status": "failed_critically",
        "processed_essays": [],
        "failed_essay_ids": [e.essay_id for e in elsewhere],
        "correlation_id": command.correlation_id,
    }
    refused = {e.essay_id: str(e.status or "no_slot") for e in elsewhere}
    metadata = {"refused_essays": refused}
    return [Outgoing("elsBatchPhaseOutcome", outcome, command.correlation_id, metadata)]


def _batch_of(ledger: Ledger, data: Mapping[str, Any]) -> BatchRecord | None:
    """The command's batch: its entity_id, else the batch of its first known essay."""
    if data.get("entity_id") in ledger.batches:
        return ledger.batches[str(data["entity_id"])]
    essay_ids = (str(ref["essay_id"]) for ref in data["essays_to_process"])
    return next(filter(None, map(ledger.batch_of_essay, essay_ids)), None)


def _step(essay: EssayRecord, phase: Phase, step: Step) -> bool:
    """Fire ``step`` of ``phase`` on ``essay``; False (and no change) when the machine refuses."""
    status = advance(essay.status, phase, step) if essay.status else None
    if status is None:
        return False
    essay.status = status
    return True


def _finish(essay: EssayRecord, phase: Phase, succeeded: bool) -> bool:
    """Move ``essay`` to the phase's success or failure; False when the machine refuses."""
    return _step(essay, phase, Step.SUCCEEDED if succeeded else Step.FAILED)


def _record_batch_result(
    batch: BatchRecord | None, phase: Phase, data: Mapping[str, Any]
) -> list[Outgoing]:
    """Apply a batch-level result's successful/failed essay ids, then check the phase."""
    summary = data.get("processing_summary") or {}
    succeeded, failed = summary.get("successful_essay_ids", []), summary.get("failed_essay_ids", [])
    if batch is None or not (succeeded or failed):
        return []  # the real ELS refuses a summary with neither list (contracts 5.27)
    for essay_ids, success in ((succeeded, True), (failed, False)):
        for essay in _known(batch, essay_ids):
            _finish(essay, phase, success)
    return _outcome_if_done(batch, phase)


def _known(batch: BatchRecord, essay_ids: Iterable[Any]) -> list[EssayRecord]:
    return [batch.essays[str(i)] for i in essay_ids if str(i) in batch.essays]


def _outcome_if_done(batch: BatchRecord, phase: Phase) -> list[Outgoing]:
    """ONE ELSBatchPhaseOutcomeV1 once every essay of the phase is terminal (behaviour 4.3)."""
    members = batch.members_of(phase)
    if phase.name in batch.outcomes_sent or not members:
        return []
    if any(essay.status not in phase.terminal for essay in members):
        return []
    batch.outcomes_sent.add(phase.name)
    succeeded = [e for e in members if e.status == phase.success]
    failed = [e.essay_id for e in members if e.status == phase.failed]
    correlation_id = batch.phase_correlations[phase.name]
    outcome = {
        "batch_id": batch.batch_id,
        "phase_name": phase.name,
        "phase_status": _phase_status(len(succeeded), len(failed)),
        "processed_essays": [e.reference(e.phase_texts[phase.name]) for e in succeeded],
        "failed_essay_ids": failed,
        "correlation_id": correlation_id,
    }
    return [Outgoing("elsBatchPhaseOutcome", outcome, correlation_id)]


def _phase_status(succeeded: int, failed: int) -> str:
    if not failed:
        return "completed_successfully"
    return "completed_with_failures" if succeeded else "failed_critically"


# --- requests to the services -------------------------------------------------------------------


def _spellcheck_request(essay: EssayRecord, language: str) -> dict[str, Any]:
    """EssayLifecycleSpellcheckRequestV1: batch id in both parent_ids (contracts 5.19 quirk)."""
    event = "essay.spellcheck.requested"
    return {
        **event_fields(event, essay.essay_id, "essay", essay.batch_id),
        "status": "awaiting_spellcheck",
        "system_metadata": system_metadata(
            event, essay.essay_id, "essay", essay.batch_id, stage="pending"
        ),
        "text_storage_id": essay.phase_texts[SPELLCHECK.name],
        "language": language,
    }


def _cj_request(batch: BatchRecord, essays: list[EssayRecord], command: Envelope) -> dict[str, Any]:
    """ELS_CJAssessmentRequestV1; identity from the command's metadata, else the registration."""
    data, identity = command.data, command.metadata or {}
    event = "els.cj_assessment.requested"
    return {
        **event_fields(event, batch.batch_id, "batch"),
        "system_metadata": system_metadata(event, batch.batch_id, "batch", stage="pending"),
        "essays_for_cj": [e.reference(e.phase_texts[CJ_ASSESSMENT.name]) for e in essays],
        "language": data["language"],
        "course_code": data["course_code"],
        "student_prompt_ref": data.get("student_prompt_ref"),
        "llm_config_overrides": None,
        "assignment_id": data.get("assignment_id"),
        "user_id": identity.get("user_id") or batch.registration.get("user_id") or "unknown-user",
        "org_id": identity.get("org_id") or batch.registration.get("org_id"),
    }
