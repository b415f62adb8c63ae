"""What BOS knows about one batch: its readiness, its essays, its active pipeline run, its history.

Frozen dataclasses, changed only by the decision core (``dataclasses.replace``), stored as JSON.
Names follow the real model (contract 7.2-7.3: ``PipelineStateDetail``, ``EssayProcessingCounts``)
where one exists. Times are epoch seconds; the views render them as ISO-8601.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from reference_impl.statuses import (
    SUCCESSFUL_PHASE_STATUSES,
    TERMINAL_PHASE_STATUSES,
    BatchStatus,
    PipelineExecutionStatus,
    RunStatus,
)

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class EssayRef:
    """``EssayProcessingInputRefV1``: an essay and the text the next phase reads."""

    essay_id: str
    text_storage_id: str

    def to_json(self) -> JsonObject:
        return {"essay_id": self.essay_id, "text_storage_id": self.text_storage_id}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> EssayRef:
        return cls(str(raw["essay_id"]), str(raw["text_storage_id"]))


@dataclass(frozen=True)
class Registration:
    """The batch context, from ``BatchRegistrationRequestV1`` (contract 5.1)."""

    expected_essay_count: int
    course_code: str
    user_id: str
    org_id: str | None = None
    class_id: str | None = None
    student_prompt_ref: Mapping[str, Any] | None = None
    cj_default_llm_model: str | None = None
    cj_default_temperature: float | None = None
    assignment_id: str | None = None

    @property
    def class_type(self) -> str:
        """GUEST without a class, REGULAR with one (BOS decides by class_id, contract 8.5)."""
        return "REGULAR" if self.class_id else "GUEST"


@dataclass(frozen=True)
class PhaseProgress:
    """``PipelineStateDetail``: one phase of a run, with its essay counts."""

    status: PipelineExecutionStatus = PipelineExecutionStatus.PENDING_DEPENDENCIES
    started_at: float | None = None
    completed_at: float | None = None
    deadline_at: float | None = None
    essays_total: int = 0
    essays_successful: int = 0
    essays_failed: int = 0
    error_info: Mapping[str, Any] | None = None

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL_PHASE_STATUSES

    @property
    def succeeded(self) -> bool:
        return self.status in SUCCESSFUL_PHASE_STATUSES

    @property
    def in_flight(self) -> bool:
        return self.status == PipelineExecutionStatus.DISPATCH_INITIATED


@dataclass(frozen=True)
class PipelineRun:
    """One pipeline request, from acceptance to its BatchPipelineCompletedV1."""

    correlation_id: str
    requested_pipeline: str
    user_id: str
    requested_at: float
    org_id: str | None = None
    is_retry: bool = False
    prompt: Mapping[str, Any] | None = None
    status: RunStatus = RunStatus.AWAITING_RESOLUTION
    retry_resolution_at: float | None = None
    """While awaiting BCS: when to ask again if no answer was recorded (a crash mid-call)."""
    phases: Mapping[str, PhaseProgress] = field(default_factory=dict)
    """The phases BCS resolved, in order (pruned phases are not here)."""
    essays_in: int = 0
    finished_at: float | None = None
    final_status: BatchStatus | None = None
    successful_essay_count: int = 0
    failed_essay_count: int = 0

    def phase(self, name: str) -> PhaseProgress:
        return self.phases[name]

    def with_phase(self, name: str, progress: PhaseProgress) -> PipelineRun:
        return replace(self, phases={**self.phases, name: progress})

    def phases_where(self, predicate: str) -> tuple[str, ...]:
        """Phase names whose progress has the boolean property ``predicate`` set."""
        return tuple(n for n, p in self.phases.items() if getattr(p, predicate))

    @property
    def all_terminal(self) -> bool:
        return all(p.terminal for p in self.phases.values())


@dataclass(frozen=True)
class BatchState:
    """One batch as BOS sees it."""

    batch_id: str
    correlation_id: str
    """The registration correlation id (content provisioning carries it)."""
    status: BatchStatus
    registration: Registration
    essay_ids: tuple[str, ...]
    registered_at: float
    essays: tuple[EssayRef, ...] = ()
    """The batch's essays once content is provisioned (original text ids)."""
    associations_confirmed: bool = False
    essays_ready: bool = False
    phase_outputs: Mapping[str, tuple[EssayRef, ...]] = field(default_factory=dict)
    """Per phase, the essays that succeeded in its latest run, with that phase's output text."""
    active: PipelineRun | None = None
    history: tuple[PipelineRun, ...] = ()
    """Finished runs, newest last."""

    def next_deadline(self) -> float | None:
        """When this batch next needs a clock tick (a phase timeout, or a stalled resolution)."""
        run = self.active
        if run is None:
            return None
        if run.status == RunStatus.AWAITING_RESOLUTION:
            return run.retry_resolution_at
        deadlines = [p.deadline_at for p in run.phases.values() if p.in_flight and p.deadline_at]
        return min(deadlines) if deadlines else None


# --- JSON codec ------------------------------------------------------------------------------


def encode_batch(state: BatchState) -> JsonObject:
    """``state`` as plain JSON (written out field by field: ``asdict`` deep-copies, slowly)."""
    return {
        "batch_id": state.batch_id,
        "correlation_id": state.correlation_id,
        "status": state.status.value,
        "registration": vars(state.registration),
        "essay_ids": state.essay_ids,
        "registered_at": state.registered_at,
        "essays": _encode_essays(state.essays),
        "associations_confirmed": state.associations_confirmed,
        "essays_ready": state.essays_ready,
        "phase_outputs": {k: _encode_essays(v) for k, v in state.phase_outputs.items()},
        "active": _encode_run(state.active) if state.active else None,
        "history": [_encode_run(run) for run in state.history],
    }


def _encode_essays(essays: tuple[EssayRef, ...]) -> list[JsonObject]:
    return [essay.to_json() for essay in essays]


def _encode_run(run: PipelineRun) -> JsonObject:
    return {**vars(run), "phases": {name: vars(p) for name, p in run.phases.items()}}


def decode_batch(raw: Mapping[str, Any]) -> BatchState:
    """The inverse of ``encode_batch``."""
    return BatchState(
        batch_id=raw["batch_id"],
        correlation_id=raw["correlation_id"],
        status=BatchStatus(raw["status"]),
        registration=Registration(**raw["registration"]),
        essay_ids=tuple(raw["essay_ids"]),
        registered_at=raw["registered_at"],
        essays=_essays(raw["essays"]),
        associations_confirmed=raw["associations_confirmed"],
        essays_ready=raw["essays_ready"],
        phase_outputs={k: _essays(v) for k, v in raw["phase_outputs"].items()},
        active=_decode_run(raw["active"]) if raw["active"] else None,
        history=tuple(_decode_run(r) for r in raw["history"]),
    )


def _essays(raw: Any) -> tuple[EssayRef, ...]:
    return tuple(EssayRef.from_json(e) for e in raw)


def _decode_run(raw: Mapping[str, Any]) -> PipelineRun:
    final = raw["final_status"]
    return PipelineRun(
        **{k: v for k, v in raw.items() if k not in ("status", "phases", "final_status")},
        status=RunStatus(raw["status"]),
        phases={name: _decode_phase(p) for name, p in raw["phases"].items()},
        final_status=BatchStatus(final) if final else None,
    )


def _decode_phase(raw: Mapping[str, Any]) -> PhaseProgress:
    return PhaseProgress(**{**raw, "status": PipelineExecutionStatus(raw["status"])})
