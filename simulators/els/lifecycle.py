"""The per-essay state machine of the real ELS (contracts 7.6, behaviour 4.2), as data.

Each processing phase has the same four statuses (awaiting, in progress, success, failed) and the
same five triggers (command, started, succeeded, failed); what differs is from which statuses the
command may start it. ``advance`` refuses any other transition, as the real ``trigger_event``
does, so a repeated command or result changes nothing::

    status = advance(EssayStatus.READY_FOR_PROCESSING, SPELLCHECK, Step.COMMAND)
    status                                          # EssayStatus.AWAITING_SPELLCHECK
    advance(EssayStatus.SPELLCHECKED_SUCCESS, SPELLCHECK, Step.SUCCEEDED)   # None: refused
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum


class EssayStatus(StrEnum):
    """``EssayStatus`` (contracts 6.5): the values the real ELS stores (subset it reaches)."""

    UPLOADED = "uploaded"
    CONTENT_INGESTION_FAILED = "content_ingestion_failed"
    READY_FOR_PROCESSING = "ready_for_processing"
    AWAITING_SPELLCHECK = "awaiting_spellcheck"
    SPELLCHECKING_IN_PROGRESS = "spellchecking_in_progress"
    SPELLCHECKED_SUCCESS = "spellchecked_success"
    SPELLCHECK_FAILED = "spellcheck_failed"
    AWAITING_NLP = "awaiting_nlp"
    NLP_IN_PROGRESS = "nlp_processing_in_progress"
    NLP_SUCCESS = "nlp_success"
    NLP_FAILED = "nlp_failed"
    AWAITING_AI_FEEDBACK = "awaiting_ai_feedback"
    AI_FEEDBACK_SUCCESS = "ai_feedback_success"
    AWAITING_CJ_ASSESSMENT = "awaiting_cj_assessment"
    CJ_ASSESSMENT_IN_PROGRESS = "cj_assessment_processing_in_progress"
    CJ_ASSESSMENT_SUCCESS = "cj_assessment_success"
    CJ_ASSESSMENT_FAILED = "cj_assessment_failed"


class Step(Enum):
    """The triggers of a phase: BOS's command, dispatch, and the service's result."""

    COMMAND = "command"
    STARTED = "started"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True)
class Phase:
    """One processing phase of an essay: where it may start and the four statuses it passes."""

    name: str
    """The ``PhaseName`` value, as in ELSBatchPhaseOutcomeV1.phase_name."""
    starts_from: frozenset[EssayStatus]
    awaiting: EssayStatus
    in_progress: EssayStatus
    success: EssayStatus
    failed: EssayStatus

    @property
    def statuses(self) -> frozenset[EssayStatus]:
        return frozenset({self.awaiting, self.in_progress, self.success, self.failed})

    @property
    def terminal(self) -> frozenset[EssayStatus]:
        return frozenset({self.success, self.failed})

    def transition(self, step: Step) -> tuple[frozenset[EssayStatus], EssayStatus]:
        """(the statuses ``step`` may fire from, the status it leads to)."""
        running = frozenset({self.awaiting, self.in_progress})
        return {
            Step.COMMAND: (self.starts_from, self.awaiting),
            Step.STARTED: (frozenset({self.awaiting}), self.in_progress),
            Step.SUCCEEDED: (running, self.success),
            Step.FAILED: (running, self.failed),
        }[step]


S = EssayStatus
SPELLCHECK = Phase(
    "spellcheck",
    frozenset({S.READY_FOR_PROCESSING}),
    S.AWAITING_SPELLCHECK,
    S.SPELLCHECKING_IN_PROGRESS,
    S.SPELLCHECKED_SUCCESS,
    S.SPELLCHECK_FAILED,
)
CJ_ASSESSMENT = Phase(
    "cj_assessment",
    frozenset({S.SPELLCHECKED_SUCCESS, S.AI_FEEDBACK_SUCCESS, S.NLP_SUCCESS}),
    S.AWAITING_CJ_ASSESSMENT,
    S.CJ_ASSESSMENT_IN_PROGRESS,
    S.CJ_ASSESSMENT_SUCCESS,
    S.CJ_ASSESSMENT_FAILED,
)
NLP = Phase(
    "nlp",
    frozenset({S.SPELLCHECKED_SUCCESS, S.AI_FEEDBACK_SUCCESS, S.CJ_ASSESSMENT_SUCCESS}),
    S.AWAITING_NLP,
    S.NLP_IN_PROGRESS,
    S.NLP_SUCCESS,
    S.NLP_FAILED,
)
PHASES = {phase.name: phase for phase in (SPELLCHECK, CJ_ASSESSMENT, NLP)}


def advance(status: EssayStatus, phase: Phase, step: Step) -> EssayStatus | None:
    """The status after ``step`` of ``phase``, or None when the machine refuses it."""
    sources, target = phase.transition(step)
    return target if status in sources else None
