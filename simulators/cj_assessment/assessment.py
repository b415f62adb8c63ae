"""One batch under CJ assessment: its request, its waves of comparisons and what came back.

The CJ simulator keeps one Assessment per batch, under its lock (results arrive on the consumer
thread). An Assessment does no I/O: it hands out the next wave of comparisons, records results
matched by their per-comparison correlation id, and ranks the essays once every wave is answered::

    assessment = Assessment("1", request, texts, comparison_waves(request.essay_ids))
    for comparison in assessment.next_wave(): ...        # send one LLM request each
    assessment.record(result_data)                        # False for unknown or repeated ids
    if assessment.finished: assessment.ranking()
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.envelope import Envelope, new_id, utc_now
from simulators.cj_assessment.pairing import Pair
from simulators.cj_assessment.ranking import Outcome, RankedEssay, bradley_terry, rank


@dataclass(frozen=True)
class CJRequest:
    """What CJ keeps of ELS's ELS_CJAssessmentRequestV1 (huleedu-contracts.md 5.24)."""

    batch_id: str
    correlation_id: str
    """The ORIGINAL pipeline correlation id, used again on completion (the seed's fix)."""
    essays: Mapping[str, str]
    """essay id -> text storage id, in the request's order."""
    language: str
    course_code: str
    assignment_id: str | None
    llm_config_overrides: Mapping[str, Any]
    max_comparisons: int | None
    """A per-request budget from the envelope metadata (1.3), if any."""

    @classmethod
    def from_envelope(cls, envelope: Envelope) -> CJRequest:
        data = envelope.data
        budget = (envelope.metadata or {}).get("max_comparisons")
        return cls(
            batch_id=data.get("entity_id") or data["system_metadata"]["entity_id"],
            correlation_id=envelope.correlation_id,
            essays={e["essay_id"]: e["text_storage_id"] for e in data["essays_for_cj"]},
            language=data["language"],
            course_code=data["course_code"],
            assignment_id=data.get("assignment_id"),
            llm_config_overrides=data.get("llm_config_overrides") or {},
            max_comparisons=budget if isinstance(budget, int) and budget > 0 else None,
        )


@dataclass(frozen=True)
class Comparison:
    """One pair sent to the LLM, under its own new correlation id."""

    correlation_id: str
    pair: Pair
    wave: int


@dataclass
class Assessment:
    """The state of one batch's CJ assessment."""

    job_id: str
    request: CJRequest
    texts: Mapping[str, str]
    """essay id -> text of the essays being compared."""
    waves: Sequence[Sequence[Pair]]
    excluded: Sequence[str] = ()
    """Essays failed before any comparison (they are reported as failed)."""
    pending: dict[str, Comparison] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    failed_comparisons: int = 0
    waves_sent: int = 0
    judge: tuple[str, str] | None = None
    """(provider, model) of the LLM that answered."""
    started_at: str = field(default_factory=utc_now)
    started: float = field(default_factory=time.monotonic)

    def next_wave(self) -> list[Comparison]:
        """The comparisons of the next wave, each under a new correlation id, now pending."""
        pairs = self.waves[self.waves_sent]
        self.waves_sent += 1
        comparisons = [Comparison(new_id(), pair, self.waves_sent) for pair in pairs]
        self.pending.update((c.correlation_id, c) for c in comparisons)
        return comparisons

    def record(self, result: Mapping[str, Any]) -> bool:
        """Take one LLMComparisonResultV1; False when its correlation id is not pending."""
        comparison = self.pending.pop(str(result.get("correlation_id")), None)
        if comparison is None:
            return False
        pair, winner = comparison.pair, result.get("winner")
        if winner is None:
            self.failed_comparisons += 1
            return True
        a_won = winner == "Essay A"
        self.outcomes.append(
            Outcome(pair.essay_a, pair.essay_b) if a_won else Outcome(pair.essay_b, pair.essay_a)
        )
        self.judge = (str(result["provider"]), str(result["model"]))
        return True

    @property
    def wave_answered(self) -> bool:
        return not self.pending

    @property
    def finished(self) -> bool:
        return self.wave_answered and self.waves_sent >= len(self.waves)

    @property
    def success_rate(self) -> float | None:
        """Share of answered comparisons that named a winner (None when none were made)."""
        answered = len(self.outcomes) + self.failed_comparisons
        return len(self.outcomes) / answered if answered else None

    @property
    def successful_essays(self) -> list[str]:
        """Essays with a score: every compared essay that took part in a judged comparison."""
        if len(self.texts) < 2:
            return list(self.texts)  # the real single-essay fast path (5 of the behaviour sheet)
        judged = {essay for o in self.outcomes for essay in (o.winner, o.loser)}
        return [essay for essay in self.request.essays if essay in judged]

    @property
    def failed_essays(self) -> list[str]:
        successful = set(self.successful_essays)
        return [essay for essay in self.request.essays if essay not in successful]

    def ranking(self) -> list[RankedEssay]:
        """The successful essays ranked by their Bradley-Terry scores."""
        return rank(bradley_terry(self.successful_essays, self.outcomes))

    def comparisons_of(self, essay_id: str) -> int:
        return sum(1 for o in self.outcomes if essay_id in (o.winner, o.loser))

    @property
    def elapsed_s(self) -> float:
        return round(time.monotonic() - self.started, 3)
