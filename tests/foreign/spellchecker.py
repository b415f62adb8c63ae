"""A foreign spellchecker: an independently written service that joins the simulated pipeline.

It imports nothing of this project (only the stdlib, ``confluent_kafka`` and ``httpx``) and
speaks only what the contract (``contracts/asyncapi.yaml``) says, the way another team would:

- consumes ``EssayLifecycleSpellcheckRequestV1`` from ``huleedu.essay.spellcheck.requested.v1``
  (group ``spellchecker-service-group-v1.1``, earliest, committed after each message);
- reads the essay text from the Content Service, corrects it with a tiny built-in word list and
  stores the corrected text there;
- publishes ``SpellcheckPhaseCompletedV1`` (thin, to ELS and BCS) on
  ``huleedu.batch.spellcheck.phase.completed.v1`` and ``SpellcheckResultV1`` (rich, to RAS) on
  ``huleedu.essay.spellcheck.results.v1``, both keyed by the essay id, with the request's
  correlation id; a text the Content Service cannot give (404 or any error) gives the failure
  form of both (thin ``failed`` + ``error_code``, rich ``spellcheck_failed`` + ``error_info``).

Configuration (environment only, named like the real service's pydantic settings):

- ``SPELLCHECKER_SERVICE_KAFKA_BOOTSTRAP_SERVERS`` (required)
- ``SPELLCHECKER_SERVICE_CONTENT_SERVICE_URL`` (required, ends in ``/v1/content``)
- ``SPELLCHECKER_SERVICE_TOPIC_PREFIX`` (default empty; prefixes every topic)
- ``SPELLCHECKER_SERVICE_CONSUMER_GROUP`` (default ``spellchecker-service-group-v1.1``)
- ``SPELLCHECKER_SERVICE_MISBEHAVE`` (empty = behave; ``1`` = every breach of ``BREACHES``;
  a comma-separated list of breach names = only those)

Run::

    SPELLCHECKER_SERVICE_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 \\
    SPELLCHECKER_SERVICE_CONTENT_SERVICE_URL=http://127.0.0.1:PORT/v1/content \\
    python tests/foreign/spellchecker.py

It prints ``spellchecker stand-in consuming <topic> as <group>`` once subscribed and stops
cleanly on SIGTERM/SIGINT (consumer closed, producer flushed).
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import FrameType
from typing import Any

import httpx
from confluent_kafka import Consumer, KafkaError, Message, Producer

# -- the contract, written down by hand -------------------------------------------------------

REQUEST_TOPIC = "huleedu.essay.spellcheck.requested.v1"
THIN_TOPIC = "huleedu.batch.spellcheck.phase.completed.v1"
RICH_TOPIC = "huleedu.essay.spellcheck.results.v1"
PIPELINE_COMPLETED_TOPIC = "huleedu.batch.pipeline.completed.v1"  # BOS only: breach 6
SOURCE_SERVICE = "spell-checker-service"
DEFAULT_GROUP = "spellchecker-service-group-v1.1"
PROCESSOR_VERSION = "foreign_stand_in_wordlist_1.0"
ENV_PREFIX = "SPELLCHECKER_SERVICE_"

# -- misbehaving mode ---------------------------------------------------------------------------

MISSING_THIN_FIELD = "processing_duration_ms"  # breach 1 drops this required field
WRONG_THIN_EVENT_TYPE = "spellcheck.phase.completed"  # breach 3 (the enum value, not the topic)
NAIVE_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"  # breach 4: no UTC offset
DEBUG_NOTE = "foreign stand-in: this field is not in the contract"  # breach 5

BREACHES: dict[str, str] = {
    "missing_required_field": (
        f"thin SpellcheckPhaseCompletedV1: data.{MISSING_THIN_FIELD} (required) is left out"
    ),
    "wrong_key": "rich SpellcheckResultV1: Kafka key = correlation id, not data.entity_id",
    "wrong_event_type": (
        f"thin SpellcheckPhaseCompletedV1: event_type {WRONG_THIN_EVENT_TYPE!r}, not the topic"
    ),
    "naive_timestamp": "rich SpellcheckResultV1: event_timestamp without a UTC offset",
    "unknown_field": "rich SpellcheckResultV1: extra data.debug_note (additionalProperties)",
    "foreign_channel": (
        f"one extra envelope on {PIPELINE_COMPLETED_TOPIC} (BOS only) with source_service "
        f"{SOURCE_SERVICE!r}, after the first request handled"
    ),
}

# -- the tiny speller -------------------------------------------------------------------------

CORRECTIONS: dict[str, str] = {
    "teh": "the",
    "recieve": "receive",
    "beleive": "believe",
    "wich": "which",
    "becuase": "because",
    "definately": "definitely",
    "seperate": "separate",
    "occured": "occurred",
    "untill": "until",
    "goverment": "government",
    "enviroment": "environment",
    "tommorow": "tomorrow",
    "thier": "their",
    "alot": "a lot",
    "wierd": "weird",
    "freind": "friend",
    "begining": "beginning",
    "beautifull": "beautiful",
    "arguement": "argument",
    "neccessary": "necessary",
    "realy": "really",
    "writting": "writing",
}

_WORD = re.compile(r"[A-Za-z']+")


@dataclass(frozen=True)
class Correction:
    text: str
    corrections: int
    word_count: int


def correct_text(text: str) -> Correction:
    """Replace every known misspelling (keeping a leading capital) and count them."""
    count = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal count
        word = match.group(0)
        right = CORRECTIONS.get(word.lower())
        if right is None:
            return word
        count += 1
        return right[0].upper() + right[1:] if word[0].isupper() else right

    corrected = _WORD.sub(fix, text)
    return Correction(corrected, count, len(_WORD.findall(text)))


# -- configuration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    bootstrap_servers: str
    content_service_url: str
    topic_prefix: str = ""
    consumer_group: str = DEFAULT_GROUP
    breaches: frozenset[str] = frozenset()


def parse_breaches(raw: str) -> frozenset[str]:
    """``""`` -> none, ``"1"`` -> all, ``"a,b"`` -> those names (unknown names are an error)."""
    raw = raw.strip()
    if not raw or raw == "0":
        return frozenset()
    if raw == "1":
        return frozenset(BREACHES)
    names = frozenset(part.strip() for part in raw.split(",") if part.strip())
    unknown = names - set(BREACHES)
    if unknown:
        raise ValueError(f"unknown breach names {sorted(unknown)}; known: {sorted(BREACHES)}")
    return names


def settings_from_env(env: Mapping[str, str]) -> Settings:
    def required(name: str) -> str:
        value = env.get(ENV_PREFIX + name, "").strip()
        if not value:
            raise ValueError(f"{ENV_PREFIX}{name} is required")
        return value

    return Settings(
        bootstrap_servers=required("KAFKA_BOOTSTRAP_SERVERS"),
        content_service_url=required("CONTENT_SERVICE_URL").rstrip("/"),
        topic_prefix=env.get(ENV_PREFIX + "TOPIC_PREFIX", ""),
        consumer_group=env.get(ENV_PREFIX + "CONSUMER_GROUP", "").strip() or DEFAULT_GROUP,
        breaches=parse_breaches(env.get(ENV_PREFIX + "MISBEHAVE", "")),
    )


# -- the request ------------------------------------------------------------------------------


class BadRequest(ValueError):
    """A message that is not a spellcheck request this service can act on."""


@dataclass(frozen=True)
class Request:
    correlation_id: str
    essay_id: str
    batch_id: str
    text_storage_id: str
    language: str


def parse_request(raw: bytes | str | None) -> Request:
    """The fields this service needs from an EssayLifecycleSpellcheckRequestV1 envelope."""
    if raw is None:
        raise BadRequest("empty message value")
    try:
        envelope = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"not JSON: {exc}") from exc
    data = envelope.get("data") if isinstance(envelope, dict) else None
    if not isinstance(data, dict):
        raise BadRequest("no data object")
    meta = data.get("system_metadata")
    meta = meta if isinstance(meta, dict) else {}
    request = Request(
        correlation_id=_text(envelope.get("correlation_id")),
        essay_id=_text(data.get("entity_id") or meta.get("entity_id")),
        batch_id=_text(meta.get("parent_id") or data.get("parent_id")),
        text_storage_id=_text(data.get("text_storage_id")),
        language=_text(data.get("language")),
    )
    missing = [name for name, value in vars(request).items() if not value]
    if missing:
        raise BadRequest(f"missing {', '.join(missing)}")
    return request


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


# -- the outgoing messages --------------------------------------------------------------------


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Outcome:
    """What happened to one essay: a corrected text's id, or an error."""

    corrected_text_storage_id: str | None
    corrections: int
    word_count: int
    duration_ms: int
    started_at: str
    completed_at: str
    error_code: str | None = None
    error_message: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_code is None


def error_info(request: Request, outcome: Outcome) -> dict[str, Any]:
    if outcome.ok:
        return {}
    return {
        "error_code": outcome.error_code,
        "error_message": outcome.error_message,
        "correlation_id": request.correlation_id,
        "timestamp": outcome.completed_at,
        "service": SOURCE_SERVICE,
        "details": {"text_storage_id": request.text_storage_id},
    }


def envelope(
    event_type: str, correlation_id: str, data: dict[str, Any], key: str
) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "event_timestamp": now_utc(),
        "source_service": SOURCE_SERVICE,
        "schema_version": 1,
        "correlation_id": correlation_id,
        "data_schema_uri": None,
        "data": data,
        "metadata": {"partition_key": key},
    }


def build_thin_result(request: Request, outcome: Outcome) -> dict[str, Any]:
    """The SpellcheckPhaseCompletedV1 envelope (keyed by data.entity_id = the essay id)."""
    info = error_info(request, outcome)
    data = {
        "entity_id": request.essay_id,
        "batch_id": request.batch_id,
        "correlation_id": request.correlation_id,
        "status": "completed" if outcome.ok else "failed",
        "corrected_text_storage_id": outcome.corrected_text_storage_id,
        "error_code": str(info)[:100] if info else None,
        "processing_duration_ms": outcome.duration_ms,
        "timestamp": outcome.completed_at,
    }
    return envelope(THIN_TOPIC, request.correlation_id, data, request.essay_id)


def build_rich_result(request: Request, outcome: Outcome) -> dict[str, Any]:
    """The SpellcheckResultV1 envelope (keyed by data.entity_id = the essay id)."""
    density = outcome.corrections / outcome.word_count if outcome.word_count else 0.0
    data = {
        "event_name": "essay.spellcheck.completed",
        "entity_id": request.essay_id,
        "entity_type": "essay",
        "parent_id": request.batch_id,
        "timestamp": outcome.completed_at,
        "status": "spellchecked_success" if outcome.ok else "spellcheck_failed",
        "system_metadata": {
            "entity_id": request.essay_id,
            "entity_type": "essay",
            "parent_id": request.batch_id,
            "timestamp": outcome.completed_at,
            "processing_stage": "completed" if outcome.ok else "failed",
            "started_at": outcome.started_at,
            "completed_at": outcome.completed_at,
            "event": "essay.spellcheck.completed",
            "error_info": error_info(request, outcome),
        },
        "batch_id": request.batch_id,
        "correlation_id": request.correlation_id,
        "user_id": None,
        "corrections_made": outcome.corrections,
        "correction_metrics": {
            "total_corrections": outcome.corrections,
            "l2_dictionary_corrections": 0,
            "spellchecker_corrections": outcome.corrections,
            "word_count": outcome.word_count,
            "correction_density": round(density, 4),
        },
        "original_text_storage_id": request.text_storage_id,
        "corrected_text_storage_id": outcome.corrected_text_storage_id,
        "processing_duration_ms": outcome.duration_ms,
        "processor_version": PROCESSOR_VERSION,
    }
    return envelope(RICH_TOPIC, request.correlation_id, data, request.essay_id)


def build_pipeline_completed(request: Request) -> dict[str, Any]:
    """Breach 6: a schema-valid BatchPipelineCompletedV1 that only BOS may send."""
    stamp = now_utc()
    data = {
        "event": "batch.pipeline.completed",
        "batch_id": request.batch_id,
        "completed_phases": ["spellcheck"],
        "final_status": "completed_successfully",
        "processing_duration_seconds": 0.0,
        "successful_essay_count": 1,
        "failed_essay_count": 0,
        "correlation_id": request.correlation_id,
        "metadata": {
            "entity_id": request.batch_id,
            "entity_type": "batch",
            "parent_id": None,
            "timestamp": stamp,
            "processing_stage": None,
            "started_at": None,
            "completed_at": None,
            "event": "batch.pipeline.completed",
            "error_info": {},
        },
    }
    return envelope(PIPELINE_COMPLETED_TOPIC, request.correlation_id, data, request.batch_id)


@dataclass(frozen=True)
class Outgoing:
    topic: str  # without the prefix
    key: str
    envelope: dict[str, Any]


def outgoing_messages(
    request: Request, outcome: Outcome, breaches: frozenset[str] = frozenset(), *, first: bool
) -> list[Outgoing]:
    """The messages for one request, in publish order, with the chosen breaches applied."""
    thin = build_thin_result(request, outcome)
    rich = build_rich_result(request, outcome)
    rich_key = request.essay_id
    if "missing_required_field" in breaches:
        del thin["data"][MISSING_THIN_FIELD]
    if "wrong_event_type" in breaches:
        thin["event_type"] = WRONG_THIN_EVENT_TYPE
    if "wrong_key" in breaches:
        rich_key = request.correlation_id
    if "naive_timestamp" in breaches:
        rich["event_timestamp"] = datetime.now(UTC).strftime(NAIVE_TIMESTAMP_FORMAT)
    if "unknown_field" in breaches:
        rich["data"]["debug_note"] = DEBUG_NOTE
    messages = [Outgoing(THIN_TOPIC, request.essay_id, thin), Outgoing(RICH_TOPIC, rich_key, rich)]
    if "foreign_channel" in breaches and first:
        messages.append(
            Outgoing(PIPELINE_COMPLETED_TOPIC, request.batch_id, build_pipeline_completed(request))
        )
    return messages


# -- the Content Service ----------------------------------------------------------------------


class ContentError(RuntimeError):
    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(message)
        self.error_code = error_code


class ContentClient:
    def __init__(self, base_url: str, client: httpx.Client | None = None) -> None:
        self.base_url = base_url
        self.client = client or httpx.Client(timeout=10.0)

    def fetch(self, storage_id: str, correlation_id: str) -> str:
        response = self._call("GET", f"{self.base_url}/{storage_id}", correlation_id)
        if response.status_code == 404:
            raise ContentError("RESOURCE_NOT_FOUND", f"text {storage_id} not found")
        if response.status_code != 200:
            raise ContentError(
                "CONTENT_SERVICE_ERROR", f"GET text {storage_id}: HTTP {response.status_code}"
            )
        return response.content.decode("utf-8", errors="replace")

    def store(self, text: str, correlation_id: str) -> str:
        body = text.encode("utf-8")
        response = self._call("POST", self.base_url, correlation_id, body)
        storage_id = _storage_id(response) if response.status_code == 201 else None
        if storage_id is None:
            raise ContentError(
                "CONTENT_SERVICE_ERROR", f"POST corrected text: HTTP {response.status_code}"
            )
        return storage_id

    def _call(
        self, method: str, url: str, correlation_id: str, body: bytes | None = None
    ) -> httpx.Response:
        headers = {"X-Correlation-ID": correlation_id}
        if body is not None:
            headers["Content-Type"] = "text/plain; charset=utf-8"
        try:
            return self.client.request(method, url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise ContentError("CONNECTION_ERROR", f"{method} {url}: {exc}") from exc

    def close(self) -> None:
        self.client.close()


def _storage_id(response: httpx.Response) -> str | None:
    try:
        value = response.json().get("storage_id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value else None


def spellcheck(request: Request, content: ContentClient) -> Outcome:
    """Fetch, correct and store one essay; any Content Service trouble becomes a failure."""
    started, started_at = time.monotonic(), now_utc()

    def finish(**fields: Any) -> Outcome:
        duration = int((time.monotonic() - started) * 1000)
        return Outcome(
            duration_ms=duration, started_at=started_at, completed_at=now_utc(), **fields
        )

    try:
        result = correct_text(content.fetch(request.text_storage_id, request.correlation_id))
        stored = content.store(result.text, request.correlation_id)
    except ContentError as exc:
        return finish(
            corrected_text_storage_id=None,
            corrections=0,
            word_count=0,
            error_code=exc.error_code,
            error_message=str(exc),
        )
    return finish(
        corrected_text_storage_id=stored,
        corrections=result.corrections,
        word_count=result.word_count,
    )


# -- the service loop -------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[foreign-spellchecker] {message}", file=sys.stderr, flush=True)


class Service:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.topic = settings.topic_prefix + REQUEST_TOPIC
        self.running = True
        self.handled = 0
        self.content = ContentClient(settings.content_service_url)
        self.consumer = Consumer(
            {
                "bootstrap.servers": settings.bootstrap_servers,
                "group.id": settings.consumer_group,
                "auto.offset.reset": "earliest",
                "enable.auto.commit": False,
            }
        )
        self.producer = Producer(
            {"bootstrap.servers": settings.bootstrap_servers, "enable.idempotence": True}
        )

    def stop(self, signum: int, _frame: FrameType | None) -> None:
        log(f"signal {signum}: stopping")
        self.running = False

    def run(self) -> None:
        self.consumer.subscribe([self.topic])
        print(
            f"spellchecker stand-in consuming {self.topic} as {self.settings.consumer_group}",
            flush=True,
        )
        if self.settings.breaches:
            log(f"MISBEHAVING: {', '.join(sorted(self.settings.breaches))}")
        try:
            while self.running:
                message = self.consumer.poll(0.5)
                if message is None:
                    continue
                if message.error() is not None:
                    self._log_error(message)
                    continue
                try:
                    self.handle(message)
                except Exception as exc:  # one bad message must never stop the service
                    log(f"error on {message.topic()}@{message.offset()}, skipped: {exc!r}")
                self.consumer.commit(message=message, asynchronous=False)
        finally:
            self.consumer.close()
            left = self.producer.flush(10.0)
            if left:
                log(f"{left} message(s) not delivered at shutdown")
            self.content.close()

    def handle(self, message: Message) -> None:
        try:
            request = parse_request(message.value())
        except BadRequest as exc:
            log(f"skipping {message.topic()}[{message.partition()}]@{message.offset()}: {exc}")
            return
        outcome = spellcheck(request, self.content)
        first = self.handled == 0
        self.handled += 1
        for out in outgoing_messages(request, outcome, self.settings.breaches, first=first):
            self.producer.produce(
                self.settings.topic_prefix + out.topic,
                key=out.key.encode("utf-8"),
                value=json.dumps(out.envelope).encode("utf-8"),
                on_delivery=_delivered,
            )
        self.producer.flush(10.0)
        status = "ok" if outcome.ok else f"failed ({outcome.error_code})"
        log(f"essay {request.essay_id}: {status}, {outcome.corrections} correction(s)")

    @staticmethod
    def _log_error(message: Message) -> None:
        error = message.error()
        if error is not None and error.code() != KafkaError._PARTITION_EOF:
            log(f"consumer error: {error}")


def _delivered(error: KafkaError | None, message: Message) -> None:
    if error is not None:
        log(f"delivery to {message.topic()} failed: {error}")


def main() -> int:
    try:
        settings = settings_from_env(os.environ)
    except ValueError as exc:
        log(f"configuration error: {exc}")
        return 2
    service = Service(settings)
    signal.signal(signal.SIGTERM, service.stop)
    signal.signal(signal.SIGINT, service.stop)
    service.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
