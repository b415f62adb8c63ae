"""LLMProviderSimulator: the LLM Provider Service in mock mode, a judge with a fixed rule.

Each LLMComparisonRequestV1 (from CJ; over HTTP in the real system, on a channel of this contract)
carries both essays in its ``user_prompt``, as CJ writes them (``**Essay A (ID: ...):**``). The
answer, LLMComparisonResultV1, goes out with the request's own per-comparison correlation id
(huleedu-contracts.md 5.25-5.26). The verdict is a deterministic rule of the two texts, so that
rankings are reproducible: the essay with the richer vocabulary (distinct words, less three per
misspelling the spellcheck finds) wins; equal scores are broken by the texts' SHA-256::

    judge = LLMProviderSimulator(contract, bus, LLMProviderBehaviour(error_rate=0.1, seed=3))
    judge.start()

It takes the request both ways the contract models it: on the seed's Kafka channel
(llmComparisonRequest), and as the real provider does, over HTTP (``POST /api/v1/comparison``:
202 with a queue id at once, the result published later on the request's ``callback_topic``).
"""

from __future__ import annotations

import functools
import hashlib
import random
import re
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from harness.bus import Bus
from harness.contract import Contract
from harness.envelope import Envelope, new_id, utc_now
from harness.errors import UnknownChannelError
from harness.http_app import HttpProblem, HttpReply, HttpRequest, RequestHandler
from harness.service import EnvelopeHandler
from simulators.base import Behaviour, Simulator
from simulators.spellcheck.spelling import Spellchecker, words_of

PROVIDER = "mock"
MODEL = "mock-model"
SERVICE_NAME = "llm_provider_service"
_ESSAY_HEADER = re.compile(r"\*\*Essay (?P<side>[AB]) \(ID: (?P<id>[^)]*)\):\*\*\n")
_RESPONSE_INSTRUCTIONS = "\n\nUsing the "
"""Where CJ's closing paragraph (how to answer) starts, after essay B."""
_NO_ESSAYS = ("LLM_INVALID_PROMPT", "the prompt holds no **Essay A** / **Essay B** pair")


@dataclass(frozen=True)
class LLMProviderBehaviour(Behaviour):
    """The common knobs, plus a share of comparisons that come back as errors."""

    error_rate: float = 0.0
    """Share of comparisons answered with an error_detail (decided by seed and correlation id)."""


@dataclass(frozen=True)
class EssayInPrompt:
    """One essay as CJ put it in the prompt."""

    essay_id: str
    text: str


def essays_in_prompt(user_prompt: str) -> tuple[EssayInPrompt, EssayInPrompt] | None:
    """Essay A and essay B of a comparison prompt, or None when it holds no such pair."""
    headers = list(_ESSAY_HEADER.finditer(user_prompt))
    if [h["side"] for h in headers] != ["A", "B"]:
        return None
    first, second = headers
    text_b = user_prompt[second.end() :]
    closing = text_b.rfind(_RESPONSE_INSTRUCTIONS)
    return (
        EssayInPrompt(first["id"], user_prompt[first.end() : second.start()].rstrip("\n")),
        EssayInPrompt(second["id"], text_b[:closing] if closing >= 0 else text_b),
    )


@dataclass(frozen=True)
class EssayQuality:
    """What the judge sees of an essay: vocabulary and misspellings."""

    distinct_words: int
    misspellings: int
    fingerprint: str
    """SHA-256 of the text: breaks ties between equal scores, reproducibly."""

    @classmethod
    def of(cls, text: str, spellchecker: Spellchecker) -> EssayQuality:
        distinct = {word.lower() for word in words_of(text)}
        misspellings = spellchecker.check(text).total_corrections
        return cls(len(distinct), misspellings, hashlib.sha256(text.encode()).hexdigest())

    @property
    def score(self) -> int:
        return self.distinct_words - 3 * self.misspellings


@dataclass(frozen=True)
class Verdict:
    """The judge's answer: winner ("Essay A"/"Essay B"), justification, confidence (1-5)."""

    winner: str
    justification: str
    confidence: float


def judge(
    text_a: str,
    text_b: str,
    spellchecker: Spellchecker,
    quality: Callable[[str, Spellchecker], EssayQuality] = EssayQuality.of,
) -> Verdict:
    """The better of two essays by the fixed rule, with how sure the rule is."""
    a, b = quality(text_a, spellchecker), quality(text_b, spellchecker)
    a_wins = (a.score, a.fingerprint) >= (b.score, b.fingerprint)
    (side, won), lost = (("A", a), b) if a_wins else (("B", b), a)
    gap = abs(a.score - b.score) / max(abs(a.score), abs(b.score), 1)
    # 5.26: the real provider sends internal confidence (0..1) * 4 + 1
    confidence = round(1 + 4 * min(1.0, 0.5 + gap), 2)
    justification = (
        f"Essay {side} shows the richer vocabulary and the cleaner spelling: "
        f"{won.distinct_words} distinct words and {won.misspellings} misspellings, "
        f"against {lost.distinct_words} and {lost.misspellings}."
    )
    return Verdict(f"Essay {side}", justification, confidence)


class LLMProviderSimulator(Simulator):
    """Answers every comparison request on its callback channel, with the request's correlation."""

    service_id = "llm_provider"
    consumes = ("llmComparisonRequest",)
    scales_out = True
    behaviour_type = LLMProviderBehaviour
    produces = ("llmComparisonResult",)
    serves = ("requestComparison",)
    behaviour: LLMProviderBehaviour

    def __init__(
        self,
        contract: Contract,
        bus: Bus,
        behaviour: LLMProviderBehaviour | None = None,
        *,
        spellchecker: Spellchecker | None = None,
    ) -> None:
        super().__init__(contract, bus, behaviour)
        self.spellchecker = spellchecker or Spellchecker.from_corpus()
        # Each essay meets n-1 others in a batch: judge its text once (a spellcheck costs ~1 ms).
        self._quality = functools.lru_cache(maxsize=4096)(EssayQuality.of)
        self._queue = ThreadPoolExecutor(max_workers=4, thread_name_prefix="llm-queue")

    def routes(self) -> Mapping[str, EnvelopeHandler]:
        return {"llmComparisonRequest": self.on_comparison_request}

    def http_handlers(self) -> Mapping[str, RequestHandler]:
        return {"requestComparison": self.on_http_comparison}

    def stop(self) -> None:
        super().stop()
        self._queue.shutdown(wait=False, cancel_futures=True)

    def on_comparison_request(self, envelope: Envelope) -> None:
        self.answer_comparison(envelope.data, new_id())

    def on_http_comparison(self, request: HttpRequest) -> HttpReply:
        """Queue the comparison (202 with its queue id); the verdict follows on the bus."""
        body = request.body
        if not (body.get("llm_config_overrides") or {}).get("provider_override"):
            raise HttpProblem(
                400,
                "VALIDATION_ERROR",
                "llm_config_overrides.provider_override is required",
                field="/llm_config_overrides/provider_override",
                part="request body",
            )
        topic = str(body["callback_topic"])
        try:
            channel = self.contract.channel_for_topic(topic, getattr(self.bus, "topic_prefix", ""))
        except UnknownChannelError:
            channel = None
        if channel is None or channel.id != "llmComparisonResult":
            raise HttpProblem(
                400,
                "VALIDATION_ERROR",
                f"callback_topic {topic} does not carry LLMComparisonResultV1",
                field="/callback_topic",
            )
        queue_id = new_id()
        self._queue.submit(self._answer_later, dict(body), queue_id)
        return HttpReply(
            202,
            {
                "queue_id": queue_id,
                "status": "queued",
                "message": f"queued; the result will be published to {topic}",
                "estimated_wait_minutes": None,
            },
        )

    def _answer_later(self, request: dict[str, Any], queue_id: str) -> None:
        if self.behaviour.hang:
            return
        self.pause()
        self.answer_comparison(request, queue_id)

    def answer_comparison(self, request: Mapping[str, Any], request_id: str) -> None:
        """Judge one comparison and publish its LLMComparisonResultV1."""
        started, requested_at = time.monotonic(), utc_now()
        correlation_id = request.get("correlation_id") or request_id
        answer = self._answer(request, correlation_id)
        result = {
            "request_id": request_id,
            "correlation_id": correlation_id,
            **answer,
            "provider": PROVIDER,
            "model": MODEL,
            "response_time_ms": int((time.monotonic() - started) * 1000),
            "token_usage": _token_usage(request["user_prompt"], answer),
            "cost_estimate": 0.0,
            "requested_at": requested_at,
            "completed_at": utc_now(),
            "trace_id": None,
            "request_metadata": {**request.get("metadata", {}), "prompt_sha256": _sha(request)},
        }
        self.emit("llmComparisonResult", result, correlation_id=correlation_id)

    def _answer(self, request: Mapping[str, Any], correlation_id: str) -> dict[str, Any]:
        """The verdict fields, or the error_detail when this comparison fails."""
        essays = essays_in_prompt(request["user_prompt"])
        if essays is None:
            return _failed(*_NO_ESSAYS, correlation_id)
        failure = self._failure(essays, correlation_id)
        if failure is not None:
            return _failed(*failure, correlation_id)
        verdict = judge(essays[0].text, essays[1].text, self.spellchecker, self._quality)
        return {
            "winner": verdict.winner,
            "justification": verdict.justification,
            "confidence": verdict.confidence,
            "error_detail": None,
        }

    def _failure(
        self, essays: tuple[EssayInPrompt, EssayInPrompt], correlation_id: str
    ) -> tuple[str, str] | None:
        """Why this comparison fails (error code, message), or None when it does not."""
        behaviour = self.behaviour
        if behaviour.service_failure:
            return "LLM_PROVIDER_UNAVAILABLE", "the provider is unavailable (simulated)"
        failing = [e.essay_id for e in essays if self.essay_fails(e.essay_id)]
        if failing:
            return "LLM_CONTENT_TOO_LONG", f"essay {failing[0]} cannot be judged (simulated)"
        draw = random.Random(f"{behaviour.seed}:{correlation_id}").random()
        if draw < behaviour.error_rate:
            return "LLM_PROVIDER_API_ERROR", "the provider returned an error (simulated)"
        return None


def _failed(code: str, message: str, correlation_id: str) -> dict[str, Any]:
    """No winner, and an ErrorDetail (2.8) as the real provider fills it on the error path."""
    error_detail = {
        "error_code": code,
        "message": message,
        "correlation_id": correlation_id,
        "timestamp": utc_now(),
        "service": SERVICE_NAME,
        "operation": "generate_comparison",
        "details": {"provider": PROVIDER},
    }
    return {"winner": None, "error_detail": error_detail}


def _token_usage(prompt: str, answer: Mapping[str, Any]) -> dict[str, int]:
    """A rough count, four characters a token, as providers bill."""
    prompt_tokens = len(prompt) // 4
    completion_tokens = len(answer.get("justification") or "") // 4
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def _sha(request: Mapping[str, Any]) -> str:
    return hashlib.sha256(str(request["user_prompt"]).encode()).hexdigest()
