"""CJAssessmentSimulator: comparative judgement of a batch, through the LLM Provider.

On ELS_CJAssessmentRequestV1 it keeps the batch with the request's ORIGINAL correlation id, reads
the essay texts from the content store and sends the comparisons in waves (each essay at most once
a wave), one LLMComparisonRequestV1 per pair under a NEW correlation id. It matches each
LLMComparisonResultV1 by that id (unknown and repeated ids are ignored), sends the next wave when
one is answered, and at the end ranks the essays by Bradley-Terry scores and publishes
CJAssessmentCompletedV1 and AssessmentResultV1 with the original correlation id; or
CJAssessmentFailedV1 when too few comparisons succeeded (huleedu-behaviour.md section 5)::

    cj = CJAssessmentSimulator(contract, bus, CJAssessmentBehaviour(wave_size=4), content=store)
    cj.start()
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from harness.bus import Bus
from harness.contract import Contract
from harness.envelope import Envelope
from harness.errors import HarnessError
from harness.exchanges import ExchangeLog
from harness.http_client import ContractClient
from harness.service import EnvelopeHandler, Outgoing
from simulators.base import Behaviour, Simulator
from simulators.cj_assessment import messages
from simulators.cj_assessment.assessment import Assessment, CJRequest
from simulators.cj_assessment.pairing import MAX_PAIRWISE_COMPARISONS, comparison_waves
from simulators.content import ContentNotFoundError, ContentStore, InMemoryContentStore

MIN_SUCCESS_RATE_THRESHOLD = 0.8
"""The real CJ service's minimum share of successful comparisons."""


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CJAssessmentBehaviour(Behaviour):
    """The common knobs, plus how many comparisons CJ makes and how many must succeed."""

    wave_size: int | None = None
    """Comparisons per wave; None: one round in which each essay appears once (the real way)."""
    max_comparisons: int = MAX_PAIRWISE_COMPARISONS
    """Budget per batch: all n(n-1)/2 pairs up to this many (unless the request's metadata sets
    ``max_comparisons``, as the real CJ allows)."""
    min_success_rate: float = MIN_SUCCESS_RATE_THRESHOLD
    """Below this share of successful comparisons the batch fails (CJAssessmentFailedV1)."""
    llm_over_http: bool = False
    """Ask the LLM provider as the real CJ does, ``POST /api/v1/comparison`` (202, the result
    on the callback topic), instead of the seed's Kafka channel llmComparisonRequest."""


class CJAssessmentSimulator(Simulator):
    """Ranks each requested batch from LLM comparisons sent in waves."""

    service_id = "cj_assessment"
    persisted = ("_jobs", "_requests_seen", "_by_comparison")
    consumes = ("elsCjAssessmentRequest", "llmComparisonResult")
    behaviour_type = CJAssessmentBehaviour
    produces = (
        "llmComparisonRequest",
        "cjAssessmentCompleted",
        "cjAssessmentFailed",
        "assessmentResult",
    )
    behaviour: CJAssessmentBehaviour

    def __init__(
        self,
        contract: Contract,
        bus: Bus,
        behaviour: CJAssessmentBehaviour | None = None,
        *,
        content: ContentStore | None = None,
        llm_url: str | None = None,
        exchanges: ExchangeLog | None = None,
    ) -> None:
        super().__init__(contract, bus, behaviour)
        self.content: ContentStore = content or InMemoryContentStore()
        self.callback_topic = contract.channel("llmComparisonResult").address
        self.llm_url = llm_url
        self._llm = (
            ContractClient(contract, llm_url, caller=self.service_id, exchanges=exchanges)
            if llm_url
            else None
        )
        self._jobs = 0
        """How many assessments it has begun (the last job id)."""
        self._requests_seen: set[str] = set()
        self._by_comparison: dict[str, Assessment] = {}

    def routes(self) -> Mapping[str, EnvelopeHandler]:
        return {
            "elsCjAssessmentRequest": self.on_assessment_request,
            "llmComparisonResult": self.on_comparison_result,
        }

    def on_assessment_request(self, envelope: Envelope) -> None:
        with self._lock:
            if envelope.event_id in self._requests_seen:
                return  # the real consumer's idempotency: same event id, no second assessment
            self._requests_seen.add(envelope.event_id)
        request = CJRequest.from_envelope(envelope)
        if self.behaviour.service_failure:
            message = "CJ assessment service unavailable (simulated)"
            self._publish([messages.request_failed(request, "SERVICE_UNAVAILABLE", message)])
            return
        try:
            assessment = self._assessment_of(request)
        except ContentNotFoundError as exc:
            self._publish([messages.request_failed(request, "RESOURCE_NOT_FOUND", str(exc))])
            return
        with self._lock:
            outgoing = self._advance(assessment)
        self._publish(outgoing)

    def on_comparison_result(self, envelope: Envelope) -> None:
        correlation_id = str(envelope.data.get("correlation_id"))
        with self._lock:
            assessment = self._by_comparison.pop(correlation_id, None)
            if assessment is None or not assessment.record(envelope.data):
                return  # unknown or already answered: an idempotent no-op, as the real CJ
            outgoing = self._advance(assessment)
        self._publish(outgoing)

    def _assessment_of(self, request: CJRequest) -> Assessment:
        """A new assessment: texts read, failing essays set aside, waves planned."""
        excluded = [essay for essay in request.essays if self.essay_fails(essay)]
        texts = {
            essay: self.content.get(storage_id)
            for essay, storage_id in request.essays.items()
            if essay not in excluded
        }
        budget = request.max_comparisons or self.behaviour.max_comparisons
        waves = comparison_waves(
            list(texts), max_comparisons=budget, wave_size=self.behaviour.wave_size
        )
        with self._lock:
            self._jobs += 1
            job = str(self._jobs)
        return Assessment(job, request, texts, waves, excluded)

    def _advance(self, assessment: Assessment) -> list[Outgoing]:
        """What to send now: nothing (wave still open), the next wave, or the conclusion."""
        if not assessment.wave_answered:
            return []
        if not assessment.finished:
            comparisons = assessment.next_wave()
            self._by_comparison.update((c.correlation_id, assessment) for c in comparisons)
            return [
                messages.comparison_request(assessment, c, self.callback_topic) for c in comparisons
            ]
        return self._conclusion(assessment)

    def _conclusion(self, assessment: Assessment) -> list[Outgoing]:
        rate, floor = assessment.success_rate, self.behaviour.min_success_rate
        if rate is not None and (rate == 0 or rate < floor):
            details = {
                "successful_comparisons": len(assessment.outcomes),
                "failed_comparisons": assessment.failed_comparisons,
                "success_rate": round(rate, 4),
                "min_success_rate": floor,
            }
            return [messages.failed(assessment, "low_success_rate", details)]
        return messages.completed(assessment)

    def _publish(self, outgoing: Sequence[Outgoing]) -> None:
        for message in outgoing:
            if message.channel_id == "llmComparisonRequest" and self.behaviour.llm_over_http:
                self._ask_over_http(message)
            else:
                self.emit(message.channel_id, message.data, correlation_id=message.correlation_id)

    def _ask_over_http(self, message: Outgoing) -> None:
        """The real CJ's way: 202 and a queue id now, the verdict later on the bus."""
        if self._llm is None:
            raise HarnessError(
                "CJ was told llm_over_http but has no LLM provider address.",
                hint="build the system with the LLM provider simulated, or give llm_url",
            )
        try:
            answer = self._llm.call(
                "requestComparison", json_body=message.data, correlation_id=message.correlation_id
            )
        except HarnessError as exc:
            log.warning("cj: comparison %s not queued: %s", message.correlation_id, exc)
            return
        if answer.status != 202:
            log.warning(
                "cj: comparison %s refused: %s %s",
                message.correlation_id,
                answer.status,
                answer.text[:200],
            )
