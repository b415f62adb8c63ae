"""The processing phases and the dependency graph between them (BCS ``pipelines.yaml``).

BCS resolves a requested pipeline into its phases in dependency order; BOS uses the same graph
to start every phase whose dependencies are complete (huleedu-contracts.md 5.15)::

    >>> pipeline_phases("ai_feedback")
    ('spellcheck', 'nlp', 'ai_feedback')
    >>> ready_phases(("spellcheck", "cj_assessment"), done={"spellcheck"}, started=set())
    ('cj_assessment',)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType


class PhaseName(StrEnum):
    """``common_core.pipeline_models.PhaseName``."""

    SPELLCHECK = "spellcheck"
    AI_FEEDBACK = "ai_feedback"
    CJ_ASSESSMENT = "cj_assessment"
    NLP = "nlp"
    STUDENT_MATCHING = "student_matching"


_SPELLCHECK, _NLP = PhaseName.SPELLCHECK.value, PhaseName.NLP.value
DEPENDENCIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        _SPELLCHECK: (),
        _NLP: (_SPELLCHECK,),
        PhaseName.CJ_ASSESSMENT.value: (_SPELLCHECK,),
        PhaseName.AI_FEEDBACK.value: (_SPELLCHECK, _NLP),
    }
)
"""Processing phase -> the phases whose output it needs. Student matching is no pipeline phase:
it belongs to batch readiness (contract 7.3 has no slot for it)."""

PIPELINES: tuple[str, ...] = tuple(DEPENDENCIES)
"""The pipelines a client may request: each processing phase, with its dependencies."""


def is_pipeline(name: str) -> bool:
    """Whether ``name`` names a pipeline that can be resolved."""
    return name in DEPENDENCIES


def pipeline_phases(requested: str) -> tuple[str, ...]:
    """The phases of pipeline ``requested`` in dependency order (the requested one last)."""
    ordered: list[str] = []
    _visit(requested, ordered)
    return tuple(ordered)


def _visit(phase: str, ordered: list[str]) -> None:
    for dependency in DEPENDENCIES[phase]:
        _visit(dependency, ordered)
    if phase not in ordered:
        ordered.append(phase)


def ready_phases(
    run_phases: Iterable[str], *, done: Collection[str], started: Collection[str]
) -> tuple[str, ...]:
    """Phases of a run not yet started whose dependencies *in that run* are all ``done``.

    A dependency outside the run was pruned by BCS: it completed in an earlier run.
    """
    run = tuple(run_phases)
    return tuple(
        phase
        for phase in run
        if phase not in started
        and all(dep in done for dep in DEPENDENCIES.get(phase, ()) if dep in run)
    )


def dependents(phase: str, run_phases: Iterable[str]) -> tuple[str, ...]:
    """The phases of the run that need ``phase``, directly or through another phase."""
    return tuple(p for p in run_phases if p != phase and phase in pipeline_phases(p))
