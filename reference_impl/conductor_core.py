"""The BCS decision core: resolve pipelines, prune what is done, track each run to its end.

Pure, like the BOS core. Per batch, BCS knows which phases have completed (learned from
ELSBatchPhaseOutcomeV1 and BatchPipelineCompletedV1 on the bus) and the runs it resolved::

    decision = define_pipeline(batch, PipelineDefinitionRequest(batch_id, "nlp", cid), at, rules)
    decision.answer.final_pipeline      # ('nlp',) after an earlier cj_assessment run
    decision.outgoing                   # (Outgoing("phaseSkipped", {... "spellcheck" ...}),)

Run states: requested (resolved for BOS) -> active (a phase outcome of the run arrived) ->
completed | failed (its BatchPipelineCompletedV1 arrived).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from harness.service import Outgoing
from reference_impl import payloads
from reference_impl.orchestrator_events import Received
from reference_impl.phases import PIPELINES, is_pipeline, pipeline_phases
from reference_impl.resolution import (
    PipelineDefinition,
    PipelineDefinitionRequest,
    Resolution,
    ResolutionFailure,
)
from reference_impl.statuses import BatchStatus

PROMPT_REQUIRED = frozenset({"ai_feedback", "cj_assessment", "nlp"})
_SUCCESS = frozenset({BatchStatus.COMPLETED_SUCCESSFULLY, BatchStatus.COMPLETED_WITH_FAILURES})


class ConductorRunStatus(StrEnum):
    REQUESTED = "requested"
    ACTIVE = "active"
    COMPLETED = "completed"
    FAILED = "failed"
    SUPERSEDED = "superseded"
    """BOS asked for a new run before BCS saw this one's completion (see ConductorConfig)."""


@dataclass(frozen=True)
class ConductorRun:
    """One pipeline run as BCS tracks it (keyed by the pipeline correlation id)."""

    correlation_id: str
    requested_pipeline: str
    final_pipeline: tuple[str, ...]
    skipped: tuple[str, ...]
    requested_at: float
    status: ConductorRunStatus = ConductorRunStatus.REQUESTED
    resolved_at: float | None = None
    final_status: str | None = None


@dataclass(frozen=True)
class ConductorBatch:
    """What BCS knows about one batch; it persists across runs so later runs can be pruned."""

    batch_id: str
    phases: Mapping[str, str] = field(default_factory=dict)
    """Phase -> ``completed`` or ``failed``: the latest result of the phase for the batch."""
    essay_results: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Phase -> essays with a per-essay result (informational: pruning is per batch phase)."""
    runs: tuple[ConductorRun, ...] = ()

    def run(self, correlation_id: str) -> ConductorRun | None:
        return next((r for r in self.runs if r.correlation_id == correlation_id), None)

    def with_run(self, run: ConductorRun) -> ConductorBatch:
        others = tuple(r for r in self.runs if r.correlation_id != run.correlation_id)
        return replace(self, runs=(*others, run)[-50:])

    def unsettled_run(self) -> ConductorRun | None:
        """A run BCS resolved whose completion it has not seen yet.

        Requested runs count too, not only active ones: BCS's consumer reads several topics at
        once, so the previous run's outcomes and completion may still be on their way when BOS
        asks for the next run (the next run must not redo a phase the previous one completed).
        """
        open_ = (ConductorRunStatus.REQUESTED, ConductorRunStatus.ACTIVE)
        return next((r for r in self.runs if r.status in open_), None)


@dataclass(frozen=True)
class ConductorRules:
    """The knobs of BCS's decisions (from ConductorConfig)."""

    unavailable_phases: frozenset[str] = frozenset({"ai_feedback"})
    enforce_prompt_rule: bool = False


@dataclass(frozen=True)
class ConductorDecision:
    state: ConductorBatch | None
    answer: Resolution | None = None
    outgoing: tuple[Outgoing, ...] = ()
    note: str = ""


def define_pipeline(
    state: ConductorBatch | None,
    request: PipelineDefinitionRequest,
    at: float,
    rules: ConductorRules,
) -> ConductorDecision:
    """Resolve ``request``: its phases in order minus those done (one PhaseSkippedV1 each)."""
    batch = state or ConductorBatch(request.batch_id)
    known = batch.run(request.correlation_id)
    if known is not None:  # BOS asked again for the same run: same answer, nothing re-published
        return ConductorDecision(batch, _definition(batch.batch_id, known), note="asked again")
    failure = _failure(request, rules)
    if failure is not None:
        return ConductorDecision(state, failure, note=failure.reason)
    wanted = pipeline_phases(request.requested_pipeline)
    keep = request.requested_pipeline if request.is_retry else None
    skipped = tuple(p for p in wanted if batch.phases.get(p) == "completed" and p != keep)
    run = ConductorRun(
        request.correlation_id,
        request.requested_pipeline,
        tuple(p for p in wanted if p not in skipped),
        skipped,
        at,
    )
    notices = tuple(
        payloads.phase_skipped(batch.batch_id, p, run.correlation_id, at) for p in skipped
    )
    return ConductorDecision(batch.with_run(run), _definition(batch.batch_id, run), notices)


def _definition(batch_id: str, run: ConductorRun) -> PipelineDefinition:
    summary = (
        f"{run.requested_pipeline}: run {list(run.final_pipeline)}, "
        f"skipped as already completed {list(run.skipped)}"
    )
    return PipelineDefinition(batch_id, run.final_pipeline, summary)


def _failure(request: PipelineDefinitionRequest, rules: ConductorRules) -> ResolutionFailure | None:
    name = request.requested_pipeline
    if not is_pipeline(name):
        detail = f"no pipeline named {name!r}; known pipelines: {', '.join(PIPELINES)}"
        return ResolutionFailure("unknown_pipeline", detail)
    unavailable = [p for p in pipeline_phases(name) if p in rules.unavailable_phases]
    if unavailable:
        detail = (
            f"{', '.join(unavailable)} cannot run in this system: no service handles its "
            "initiate command (the contract has no channel for it)"
        )
        return ResolutionFailure("phase_unavailable", detail)
    prompted = bool((request.batch_metadata or {}).get("prompt_attached"))
    if rules.enforce_prompt_rule and name in PROMPT_REQUIRED and not prompted:
        detail = f"{name} requires a student prompt (batch_metadata.prompt_attached is not true)"
        return ResolutionFailure("compatibility_failed", detail)
    return None


# --- learning from the bus ---------------------------------------------------------------


def phase_outcome(state: ConductorBatch | None, event: Received) -> ConductorDecision:
    """ELSBatchPhaseOutcomeV1: the phase's result for the batch; its run is now active.

    completed_with_failures counts as completed (the real BCS stores it as not completed, so a
    later pipeline would ask ELS to redo a phase it cannot redo, and hang).
    """
    batch = state or ConductorBatch(event.batch_id)
    result = "completed" if event.data["phase_status"] in _SUCCESS else "failed"
    batch = replace(batch, phases={**batch.phases, str(event.data["phase_name"]): result})
    run = _run_of(batch, event)
    if run is not None and run.status == ConductorRunStatus.REQUESTED:
        batch = batch.with_run(replace(run, status=ConductorRunStatus.ACTIVE))
    return ConductorDecision(batch, note=f"{event.data['phase_name']} {result}")


def pipeline_completed(state: ConductorBatch | None, event: Received) -> ConductorDecision:
    """BatchPipelineCompletedV1: the run is resolved; its completed phases are done."""
    batch = state or ConductorBatch(event.batch_id)
    done = {str(p): "completed" for p in event.data["completed_phases"]}
    batch = replace(batch, phases={**batch.phases, **done})
    run = _run_of(batch, event)
    if run is None:
        return ConductorDecision(batch, note="completion of a run BCS did not resolve")
    final = str(event.data["final_status"])
    failed = final == BatchStatus.FAILED_CRITICALLY
    status = ConductorRunStatus.FAILED if failed else ConductorRunStatus.COMPLETED
    resolved = replace(run, status=status, resolved_at=event.at, final_status=final)
    return ConductorDecision(batch.with_run(resolved), note=f"run {status}")


def spellcheck_result(state: ConductorBatch | None, event: Received) -> ConductorDecision:
    """SpellcheckPhaseCompletedV1 (one essay): noted for the debugging view only."""
    return _essays_noted(state, event.batch_id, "spellcheck", [str(event.data["entity_id"])])


def cj_result(state: ConductorBatch | None, event: Received) -> ConductorDecision:
    """CJAssessmentCompletedV1: noted for the debugging view only."""
    summary: Mapping[str, Any] = event.data.get("processing_summary") or {}
    essays = [*summary.get("successful_essay_ids", ()), *summary.get("failed_essay_ids", ())]
    return _essays_noted(state, str(event.data.get("entity_id")), "cj_assessment", essays)


def _essays_noted(
    state: ConductorBatch | None, batch_id: str, phase: str, essays: list[str]
) -> ConductorDecision:
    batch = state or ConductorBatch(batch_id)
    seen = dict.fromkeys([*batch.essay_results.get(phase, ()), *map(str, essays)])
    return ConductorDecision(
        replace(batch, essay_results={**batch.essay_results, phase: tuple(seen)})
    )


def _run_of(batch: ConductorBatch, event: Received) -> ConductorRun | None:
    return batch.run(event.correlation_id) or batch.run(str(event.data.get("correlation_id")))


ConductorHandler = Callable[[ConductorBatch | None, Received], ConductorDecision]

ROUTES: Mapping[str, ConductorHandler] = MappingProxyType(
    {
        "elsBatchPhaseOutcome": phase_outcome,
        "batchPipelineCompleted": pipeline_completed,
        "spellcheckPhaseCompleted": spellcheck_result,
        "cjAssessmentCompleted": cj_result,
    }
)
"""Consumed channel id -> what BCS learns from it (checked against the contract by a test)."""


def batch_key(event: Received) -> str | None:
    """The batch a consumed message is about (CJ names it in ``entity_id``, maybe null)."""
    raw = event.data.get("batch_id", event.data.get("entity_id"))
    return None if raw is None else str(raw)


# --- JSON codec ----------------------------------------------------------------------------


def encode_conductor(batch: ConductorBatch) -> dict[str, Any]:
    return asdict(batch)


def decode_conductor(raw: Mapping[str, Any]) -> ConductorBatch:
    runs = tuple(
        ConductorRun(
            **{
                **r,
                "final_pipeline": tuple(r["final_pipeline"]),
                "skipped": tuple(r["skipped"]),
                "status": ConductorRunStatus(r["status"]),
            }
        )
        for r in raw["runs"]
    )
    essays = {k: tuple(v) for k, v in raw["essay_results"].items()}
    return ConductorBatch(raw["batch_id"], dict(raw["phases"]), essays, runs)
