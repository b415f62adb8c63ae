"""SpellcheckSimulator: the spellchecker service, checking each essay for real.

On each EssayLifecycleSpellcheckRequestV1 (one per essay, from ELS) it reads the text from the
content store, corrects it against the word lists (simulators.spellcheck.spelling), stores the
corrected text and publishes the thin SpellcheckPhaseCompletedV1 (to ELS and BCS) and the rich
SpellcheckResultV1 (to RAS) with the true counts (huleedu-contracts.md 5.19-5.21). A failed essay
still gets both events, with failure status, as the real service sends them::

    spellcheck = SpellcheckSimulator(contract, bus, SpellcheckBehaviour(), content=store)
    spellcheck.start()
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.bus import Bus
from harness.contract import Contract
from harness.envelope import Envelope, utc_now
from harness.service import EnvelopeHandler
from simulators.base import Behaviour, Simulator
from simulators.content import ContentNotFoundError, ContentStore, InMemoryContentStore
from simulators.spellcheck.spelling import Spellchecker, SpellcheckReport

PROCESSOR_VERSION = "harness_wordlist_1.0_L2"
"""Written as processor_version (the real service writes pyspellchecker_1.0_L2_swedish)."""
SERVICE_NAME = "spellchecker_service"
_NO_METRICS = {
    "total_corrections": 0,
    "l2_dictionary_corrections": 0,
    "spellchecker_corrections": 0,
    "word_count": 0,
    "correction_density": 0.0,
}


@dataclass(frozen=True)
class SpellcheckBehaviour(Behaviour):
    """The common knobs; the spellcheck itself is configured by the Spellchecker passed in."""

    failing_texts: tuple[str, ...] = ()
    """SHA-256 digests (hex) of texts whose spellcheck fails: failures planned by the text,
    which hold whatever essay ids the BOS under test generates (``text_digest``)."""


def text_digest(text: str) -> str:
    """The digest ``failing_texts`` lists for ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class _Job:
    """One essay's spellcheck request, as read from ELS's message."""

    essay_id: str
    batch_id: str
    text_storage_id: str
    language: str
    correlation_id: str
    started_at: str
    started: float

    @classmethod
    def from_request(cls, envelope: Envelope) -> _Job:
        data = envelope.data
        system = data["system_metadata"]
        # 5.19: the real service reads the batch from system_metadata.parent_id on success and
        # from the top-level parent_id on failure; ELS sets both.
        return cls(
            essay_id=data.get("entity_id") or system["entity_id"],
            batch_id=system.get("parent_id") or data.get("parent_id") or "",
            text_storage_id=data["text_storage_id"],
            language=data["language"],
            correlation_id=envelope.correlation_id,
            started_at=utc_now(),
            started=time.monotonic(),
        )

    @property
    def duration_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)


@dataclass(frozen=True)
class _Outcome:
    """A spellcheck that worked (a report and the corrected text's id) or failed (error_info)."""

    report: SpellcheckReport | None = None
    corrected_text_storage_id: str | None = None
    error_info: Mapping[str, Any] | None = None


class SpellcheckSimulator(Simulator):
    """Corrects each requested essay and reports it, thin to ELS and BCS, rich to RAS."""

    service_id = "spellchecker"
    consumes = ("essayLifecycleSpellcheckRequest",)
    scales_out = True
    behaviour_type = SpellcheckBehaviour
    behaviour: SpellcheckBehaviour
    produces = ("spellcheckPhaseCompleted", "spellcheckResult")

    def __init__(
        self,
        contract: Contract,
        bus: Bus,
        behaviour: SpellcheckBehaviour | None = None,
        *,
        content: ContentStore | None = None,
        spellchecker: Spellchecker | None = None,
    ) -> None:
        super().__init__(contract, bus, behaviour)
        self.content: ContentStore = content or InMemoryContentStore()
        self.spellchecker = spellchecker or Spellchecker.from_corpus()

    def routes(self) -> Mapping[str, EnvelopeHandler]:
        return {"essayLifecycleSpellcheckRequest": self.on_spellcheck_request}

    def on_spellcheck_request(self, envelope: Envelope) -> None:
        job = _Job.from_request(envelope)
        outcome = self._spellcheck(job)
        metadata = {"partition_key": job.essay_id}  # 1.3: how the real outbox keys it
        for channel_id, data in (
            ("spellcheckPhaseCompleted", _thin_result(job, outcome)),
            ("spellcheckResult", _rich_result(job, outcome)),
        ):
            self.emit(channel_id, data, correlation_id=job.correlation_id, metadata=metadata)

    def _spellcheck(self, job: _Job) -> _Outcome:
        if self.behaviour.service_failure:
            return _failed(job, "SERVICE_UNAVAILABLE", "spellchecker unavailable (simulated)")
        if self.essay_fails(job.essay_id):
            return _failed(job, "PROCESSING_ERROR", "spellcheck of this essay failed (simulated)")
        try:
            text = self.content.get(job.text_storage_id)
        except ContentNotFoundError as exc:
            return _failed(job, "CONTENT_SERVICE_ERROR", str(exc))
        if text_digest(text) in self.behaviour.failing_texts:
            return _failed(job, "PROCESSING_ERROR", "spellcheck of this text failed (simulated)")
        report = self.spellchecker.check(text, language=job.language)
        return _Outcome(report, self.content.put(report.corrected_text))


def _failed(job: _Job, error_code: str, message: str) -> _Outcome:
    """A failure, with error_info in the shape the real spellchecker writes (2.4)."""
    return _Outcome(
        error_info={
            "error_code": error_code,
            "error_message": message,
            "correlation_id": job.correlation_id,
            "timestamp": utc_now(),
            "service": SERVICE_NAME,
            "details": {"essay_id": job.essay_id, "text_storage_id": job.text_storage_id},
        }
    )


def _thin_result(job: _Job, outcome: _Outcome) -> dict[str, Any]:
    """SpellcheckPhaseCompletedV1 (5.20)."""
    return {
        "entity_id": job.essay_id,
        "batch_id": job.batch_id,
        "correlation_id": job.correlation_id,
        "status": "completed" if outcome.report else "failed",
        "corrected_text_storage_id": outcome.corrected_text_storage_id,
        # 5.20: the real service writes a truncated repr of error_info here, not a code
        "error_code": str(dict(outcome.error_info))[:100] if outcome.error_info else None,
        "processing_duration_ms": job.duration_ms,
        "timestamp": utc_now(),
    }


def _rich_result(job: _Job, outcome: _Outcome) -> dict[str, Any]:
    """SpellcheckResultV1 (5.21), with the true metrics of the check."""
    report = outcome.report
    return {
        "event_name": "essay.spellcheck.completed",
        "entity_id": job.essay_id,
        "entity_type": "essay",
        "parent_id": job.batch_id,
        "timestamp": utc_now(),
        "status": "spellchecked_success" if report else "spellcheck_failed",
        "system_metadata": _system_metadata(job, outcome),
        "batch_id": job.batch_id,
        "correlation_id": job.correlation_id,
        "user_id": None,
        "corrections_made": report.total_corrections if report else 0,
        "correction_metrics": _metrics(report),
        "original_text_storage_id": job.text_storage_id,
        "corrected_text_storage_id": outcome.corrected_text_storage_id,
        "processing_duration_ms": job.duration_ms,
        "processor_version": PROCESSOR_VERSION,
    }


def _system_metadata(job: _Job, outcome: _Outcome) -> dict[str, Any]:
    return {
        "entity_id": job.essay_id,
        "entity_type": "essay",
        "parent_id": job.batch_id,
        "timestamp": utc_now(),
        "processing_stage": "completed" if outcome.report else "failed",
        "started_at": job.started_at,
        "completed_at": utc_now(),
        "event": "essay.spellcheck.completed",
        "error_info": dict(outcome.error_info or {}),
    }


def _metrics(report: SpellcheckReport | None) -> dict[str, Any]:
    """SpellcheckMetricsV1 (2.7); all zero for a failed essay."""
    if report is None:
        return {**_NO_METRICS}
    return {
        "total_corrections": report.total_corrections,
        "l2_dictionary_corrections": report.l2_dictionary_corrections,
        "spellchecker_corrections": report.spellchecker_corrections,
        "word_count": report.word_count,
        "correction_density": report.correction_density,
    }
