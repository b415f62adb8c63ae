"""ResultAggregatorSimulator: the receiving end of the pipeline, recording what it hears per batch.

The real Result Aggregator (RAS) consumes the batch's registration, slot assignments, phase
outcomes, rich results and the pipeline's completion (contracts 10). This one records them per
batch and reports them; it publishes nothing::

    ras = ResultAggregatorSimulator(contract, bus)
    ras.start()
    report = ras.report(batch_id)
    report.phases                   # {"spellcheck": "completed_successfully", ...}
    assert len(report.completions) == 1

An envelope it has already recorded (same event_id, a redelivery) is recorded once; the same
fact published twice (two envelopes) is recorded twice, so a duplicate completion shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from harness.bus import Bus
from harness.contract import Contract
from harness.envelope import Envelope
from harness.service import EnvelopeHandler
from simulators.base import Behaviour, Simulator


@dataclass(frozen=True)
class PhaseOutcome:
    """One ELSBatchPhaseOutcomeV1."""

    phase_name: str
    phase_status: str
    processed_essays: tuple[tuple[str, str], ...]
    """(essay_id, text_storage_id) of each successful essay."""
    failed_essay_ids: tuple[str, ...]
    correlation_id: str


@dataclass(frozen=True)
class PipelineCompletion:
    """One BatchPipelineCompletedV1."""

    completed_phases: tuple[str, ...]
    final_status: str
    successful_essay_count: int
    failed_essay_count: int
    correlation_id: str


@dataclass(frozen=True)
class PipelineDenial:
    """One PipelineDeniedV1."""

    requested_pipeline: str
    denial_reason: str
    required_credits: int
    available_credits: int
    correlation_id: str


@dataclass(frozen=True)
class SkippedPhase:
    """One PhaseSkippedV1."""

    phase_name: str
    skip_reason: str
    correlation_id: str


@dataclass(frozen=True)
class EssaySpellcheck:
    """One SpellcheckResultV1: an essay's rich spellcheck result."""

    essay_id: str
    status: str
    corrections_made: int
    original_text_storage_id: str
    corrected_text_storage_id: str | None


@dataclass(frozen=True)
class RankedEssay:
    """One essay of the CJ ranking (AssessmentResultV1.essay_results)."""

    essay_id: str
    rank: int
    bt_score: float
    normalized_score: float
    letter_grade: str
    is_anchor: bool


@dataclass(frozen=True)
class SlotAssignment:
    """One EssaySlotAssignedV1."""

    essay_id: str
    file_upload_id: str
    text_storage_id: str
    original_file_name: str


@dataclass(frozen=True)
class BatchReport:
    """Everything recorded about one batch, in the order it arrived."""

    batch_id: str
    expected_essay_count: int | None = None
    slots: tuple[SlotAssignment, ...] = ()
    phase_outcomes: tuple[PhaseOutcome, ...] = ()
    completions: tuple[PipelineCompletion, ...] = ()
    denials: tuple[PipelineDenial, ...] = ()
    skipped_phases: tuple[SkippedPhase, ...] = ()
    essay_results: tuple[EssaySpellcheck, ...] = ()
    cj_ranking: tuple[RankedEssay, ...] = ()
    """The latest AssessmentResultV1's essays, best (rank 1) first."""

    @property
    def phases(self) -> Mapping[str, str]:
        """Each phase and the status of its latest outcome."""
        return {o.phase_name: o.phase_status for o in self.phase_outcomes}


ReportHandler = Callable[[BatchReport, Mapping[str, Any], str], BatchReport]


def _registered(report: BatchReport, data: Mapping[str, Any], _: str) -> BatchReport:
    return replace(report, expected_essay_count=int(data["expected_essay_count"]))


def _slot(report: BatchReport, data: Mapping[str, Any], _: str) -> BatchReport:
    slot = SlotAssignment(
        data["essay_id"],
        data["file_upload_id"],
        data["text_storage_id"],
        data["original_file_name"],
    )
    return replace(report, slots=(*report.slots, slot))


def _outcome(report: BatchReport, data: Mapping[str, Any], correlation_id: str) -> BatchReport:
    processed = tuple((e["essay_id"], e["text_storage_id"]) for e in data["processed_essays"])
    outcome = PhaseOutcome(
        data["phase_name"],
        data["phase_status"],
        processed,
        tuple(data["failed_essay_ids"]),
        correlation_id,
    )
    return replace(report, phase_outcomes=(*report.phase_outcomes, outcome))


def _completion(report: BatchReport, data: Mapping[str, Any], correlation_id: str) -> BatchReport:
    completion = PipelineCompletion(
        tuple(data["completed_phases"]),
        data["final_status"],
        data["successful_essay_count"],
        data["failed_essay_count"],
        correlation_id,
    )
    return replace(report, completions=(*report.completions, completion))


def _denial(report: BatchReport, data: Mapping[str, Any], correlation_id: str) -> BatchReport:
    denial = PipelineDenial(
        data["requested_pipeline"],
        data["denial_reason"],
        data["required_credits"],
        data["available_credits"],
        correlation_id,
    )
    return replace(report, denials=(*report.denials, denial))


def _skipped(report: BatchReport, data: Mapping[str, Any], correlation_id: str) -> BatchReport:
    skipped = SkippedPhase(
        data["phase_name"], data.get("skip_reason", "already_completed"), correlation_id
    )
    return replace(report, skipped_phases=(*report.skipped_phases, skipped))


def _spellcheck(report: BatchReport, data: Mapping[str, Any], _: str) -> BatchReport:
    result = EssaySpellcheck(
        data.get("entity_id") or data["system_metadata"]["entity_id"],
        data["status"],
        data["corrections_made"],
        data["original_text_storage_id"],
        data.get("corrected_text_storage_id"),
    )
    return replace(report, essay_results=(*report.essay_results, result))


def _ranking(report: BatchReport, data: Mapping[str, Any], _: str) -> BatchReport:
    ranked = sorted(data["essay_results"], key=lambda e: int(e["rank"]))
    ranking = tuple(
        RankedEssay(
            e["essay_id"],
            e["rank"],
            e["bt_score"],
            e["normalized_score"],
            e["letter_grade"],
            e.get("is_anchor", False),
        )
        for e in ranked
    )
    return replace(report, cj_ranking=ranking)


ROUTES: Mapping[str, tuple[str, ReportHandler]] = {
    "batchEssaysRegistered": ("entity_id", _registered),
    "essaySlotAssigned": ("batch_id", _slot),
    "elsBatchPhaseOutcome": ("batch_id", _outcome),
    "batchPipelineCompleted": ("batch_id", _completion),
    "pipelineDenied": ("batch_id", _denial),
    "phaseSkipped": ("batch_id", _skipped),
    "spellcheckResult": ("batch_id", _spellcheck),
    "assessmentResult": ("batch_id", _ranking),
}
"""Channel -> (the data field naming the batch, how to record the message in the report)."""


@dataclass(frozen=True)
class ResultAggregatorBehaviour(Behaviour):
    """The common knobs. RAS publishes nothing, so only ``latency_s`` and ``hang`` (it records
    nothing) change what it does."""


class ResultAggregatorSimulator(Simulator):
    """Records what reaches the Result Aggregator, per batch; ``report(batch_id)`` reads it."""

    service_id = "result_aggregator"
    persisted = ("_reports", "_handled")
    consumes = tuple(ROUTES)
    behaviour_type = ResultAggregatorBehaviour
    produces = ()
    behaviour: ResultAggregatorBehaviour

    def __init__(
        self, contract: Contract, bus: Bus, behaviour: ResultAggregatorBehaviour | None = None
    ) -> None:
        super().__init__(contract, bus, behaviour)
        self._reports: dict[str, BatchReport] = {}
        self._handled: set[str] = set()

    def routes(self) -> Mapping[str, EnvelopeHandler]:
        return {channel_id: self._recording(channel_id) for channel_id in ROUTES}

    def report(self, batch_id: str) -> BatchReport:
        """What was recorded for ``batch_id`` (an empty report if nothing was)."""
        with self._lock:
            return self._reports.get(batch_id) or BatchReport(batch_id)

    def batch_ids(self) -> list[str]:
        """Every batch something was recorded for, in order of first sight."""
        with self._lock:
            return list(self._reports)

    def _recording(self, channel_id: str) -> EnvelopeHandler:
        batch_field, record = ROUTES[channel_id]

        def handle(envelope: Envelope) -> None:
            batch_id = str(envelope.data[batch_field])
            with self._lock:
                if envelope.event_id in self._handled:
                    return
                self._handled.add(envelope.event_id)
                report = self._reports.get(batch_id) or BatchReport(batch_id)
                self._reports[batch_id] = record(report, envelope.data, envelope.correlation_id)

        return handle
