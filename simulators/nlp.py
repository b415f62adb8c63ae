"""NLPSimulator: the NLP service's student matcher and its text analysis.

Student matching (huleedu-contracts.md 5.9-5.10): on BatchStudentMatchingRequestedV1 it suggests,
for each essay, a student of the class roster with a confidence, and publishes
BatchAuthorMatchesSuggestedV1 to CMS. The roster of a class and the suggestions are deterministic
(class id, batch id and seed), so a run can be replayed.

NLP analysis (5.33): on BatchNlpProcessingRequestedV2 it reads each essay's text from the content
store and publishes BatchNlpAnalysisCompletedV1 with simple, true metrics of each text (word and
sentence counts, average word length, vocabulary) in the processing summary::

    nlp = NLPSimulator(contract, bus, NLPBehaviour(), content=store)
    nlp.start()
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.bus import Bus
from harness.contract import Contract
from harness.envelope import Envelope, utc_now
from harness.service import EnvelopeHandler
from simulators.base import Behaviour, Simulator
from simulators.content import ContentNotFoundError, ContentStore, InMemoryContentStore
from simulators.roster import Student, class_roster
from simulators.spellcheck.spelling import words_of

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n\s*\n")


@dataclass(frozen=True)
class NLPBehaviour(Behaviour):
    """The common knobs (a failing essay gets no match, or no analysis)."""


def text_metrics(text: str) -> dict[str, Any]:
    """True, simple metrics of a text, as an NLP analysis reports them."""
    words = words_of(text)
    sentences = [s for s in _SENTENCE_BREAK.split(text) if words_of(s)]
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if words_of(p)]
    distinct = {word.lower() for word in words}
    return {
        "word_count": len(words),
        "sentence_count": len(sentences),
        "paragraph_count": len(paragraphs),
        "average_word_length": round(sum(map(len, words)) / len(words), 2) if words else 0.0,
        "average_sentence_length": round(len(words) / len(sentences), 2) if sentences else 0.0,
        "unique_words": len(distinct),
        "lexical_diversity": round(len(distinct) / len(words), 3) if words else 0.0,
    }


class NLPSimulator(Simulator):
    """Suggests an author for each essay, and analyses essay texts."""

    service_id = "nlp"
    consumes = ("batchStudentMatchingRequested", "batchNlpProcessingRequested")
    scales_out = True
    behaviour_type = NLPBehaviour
    produces = ("batchAuthorMatchesSuggested", "batchNlpAnalysisCompleted")

    def __init__(
        self,
        contract: Contract,
        bus: Bus,
        behaviour: NLPBehaviour | None = None,
        *,
        content: ContentStore | None = None,
    ) -> None:
        super().__init__(contract, bus, behaviour)
        self.content: ContentStore = content or InMemoryContentStore()

    def routes(self) -> Mapping[str, EnvelopeHandler]:
        return {
            "batchStudentMatchingRequested": self.on_student_matching_request,
            "batchNlpProcessingRequested": self.on_nlp_processing_request,
        }

    # -- student matching (5.9, 5.10) -------------------------------------------------------

    def on_student_matching_request(self, envelope: Envelope) -> None:
        request = envelope.data
        essays = request["essays_to_process"]
        if self.behaviour.service_failure:
            reason = "student matching failed: class roster unavailable (simulated)"
            results = [_essay_match(essay, [], reason) for essay in essays]
        else:
            results = self._matches(request["batch_id"], request["class_id"], essays)
        errors = len(results) if self.behaviour.service_failure else 0
        suggested = _matches_suggested(request, results, errors=errors)
        self.emit("batchAuthorMatchesSuggested", suggested, correlation_id=envelope.correlation_id)

    def _matches(
        self, batch_id: str, class_id: str, essays: Sequence[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """Each essay matched to a different student of the class (seeded by the batch id)."""
        roster = class_roster(class_id, len(essays))
        draw = random.Random(f"{self.behaviour.seed}:{batch_id}")
        authors = draw.sample(roster, len(roster))
        return [
            self._match(essay, author, roster, draw)
            for essay, author in zip(essays, authors, strict=True)
        ]

    def _match(
        self,
        essay: Mapping[str, Any],
        author: Student,
        roster: Sequence[Student],
        draw: random.Random,
    ) -> dict[str, Any]:
        """The author as best suggestion, then (in a class of two or more) a weak second guess."""
        if self.essay_fails(essay["essay_id"]):
            return _essay_match(essay, [], "no student name found in the essay (simulated)")
        confidence = round(draw.uniform(0.72, 0.98), 2)
        suggestions = [_suggestion(author, confidence, "name match (simulated)")]
        others = [student for student in roster if student != author]
        if others:
            second = _suggestion(draw.choice(others), confidence - 0.4, "partial name match")
            suggestions.append(second)
        return _essay_match(essay, suggestions)

    # -- NLP analysis (5.33) ----------------------------------------------------------------

    def on_nlp_processing_request(self, envelope: Envelope) -> None:
        request, started, started_at = envelope.data, time.monotonic(), utc_now()
        metrics = {e["essay_id"]: self._analysis(e) for e in request["essays_to_process"]}
        summary = _analysis_summary(metrics, elapsed_s=time.monotonic() - started)
        completed = _analysis_completed(request["batch_id"], summary, started_at)
        self.emit("batchNlpAnalysisCompleted", completed, correlation_id=envelope.correlation_id)

    def _analysis(self, essay: Mapping[str, Any]) -> dict[str, Any] | None:
        """The text's metrics, or None when this essay's analysis fails."""
        if self.behaviour.service_failure or self.essay_fails(essay["essay_id"]):
            return None
        try:
            return text_metrics(self.content.get(essay["text_storage_id"]))
        except ContentNotFoundError:
            return None


def _essay_match(
    essay: Mapping[str, Any], suggestions: list[dict[str, Any]], no_match_reason: str | None = None
) -> dict[str, Any]:
    """EssayMatchResult (5.10)."""
    return {
        "essay_id": essay["essay_id"],
        "text_storage_id": essay["text_storage_id"],
        "filename": f"{essay['essay_id']}.txt",
        "suggestions": suggestions,
        "no_match_reason": no_match_reason,
    }


def _suggestion(student: Student, confidence: float, reason: str) -> dict[str, Any]:
    """StudentMatchSuggestion (5.10)."""
    return {
        "student_id": student.student_id,
        "student_name": student.name,
        "student_email": student.email,
        "confidence_score": round(max(0.0, min(1.0, confidence)), 2),
        "match_reasons": [reason],
    }


def _matches_suggested(
    request: Mapping[str, Any], results: Sequence[Mapping[str, Any]], *, errors: int
) -> dict[str, Any]:
    """BatchAuthorMatchesSuggestedV1 (5.10)."""
    return {
        "event_name": "batch.author.matches.suggested",
        "entity_id": request["batch_id"],
        "entity_type": "batch",
        "parent_id": None,
        "timestamp": utc_now(),
        "batch_id": request["batch_id"],
        "class_id": request["class_id"],
        "course_code": request["course_code"],
        "match_results": list(results),
        "processing_summary": _matching_summary(results, errors=errors),
        "processing_metadata": {"roster_size": len(results), "matcher": "simulated"},
    }


def _matching_summary(results: Sequence[Mapping[str, Any]], *, errors: int) -> dict[str, int]:
    matched = sum(1 for r in results if r["suggestions"])
    return {
        "total_essays": len(results),
        "matched": matched,
        "no_match": len(results) - matched - errors,
        "errors": errors,
    }


def _analysis_summary(
    metrics: Mapping[str, dict[str, Any] | None], *, elapsed_s: float
) -> dict[str, Any]:
    """The processing summary (CJ's shape), plus each analysed essay's metrics."""
    successful = [essay for essay, found in metrics.items() if found is not None]
    failed = [essay for essay, found in metrics.items() if found is None]
    return {
        "total_essays": len(metrics),
        "successful": len(successful),
        "failed": len(failed),
        "successful_essay_ids": successful,
        "failed_essay_ids": failed,
        "processing_time_seconds": round(elapsed_s, 3),
        "essay_metrics": {essay: metrics[essay] for essay in successful},
    }


def _analysis_completed(
    batch_id: str, summary: Mapping[str, Any], started_at: str
) -> dict[str, Any]:
    """BatchNlpAnalysisCompletedV1 (5.33): completed if any essay was analysed."""
    stage = "completed" if summary["successful"] else "failed"
    return {
        "event_name": "batch.nlp.analysis.completed",
        "entity_id": batch_id,
        "entity_type": "batch",
        "parent_id": None,
        "timestamp": utc_now(),
        "status": "completed_successfully" if summary["successful"] else "failed_critically",
        "system_metadata": {
            "entity_id": batch_id,
            "entity_type": "batch",
            "processing_stage": stage,
            "started_at": started_at,
            "completed_at": utc_now(),
            "event": "batch.nlp.analysis.completed",
        },
        "batch_id": batch_id,
        "processing_summary": dict(summary),
    }
