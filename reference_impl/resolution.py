"""BOS asks BCS to resolve a pipeline: the real HTTP shapes (contract 5.15) and the client.

``POST {bcs}/internal/v1/pipelines/define`` with ``BCSPipelineDefinitionRequestV1``; 200 with
``BCSPipelineDefinitionResponseV1``, or 400 ``{"error": "Pipeline resolution failed", "detail"}``.
The reference BCS adds ``reason`` to the 400 body (a compatible extra key) so that BOS can tell
an unknown pipeline from other failures. Example::

    resolver = HttpPipelineResolver("http://127.0.0.1:4002")
    answer = resolver.define_pipeline(PipelineDefinitionRequest(batch_id, "nlp", correlation_id))
    if isinstance(answer, PipelineDefinition):
        answer.final_pipeline          # ('nlp',) when spellcheck was already done
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from reference_impl.errors import RequestBodyError, ResolverError

DEFINE_PATH = "/internal/v1/pipelines/define"
_REQUEST_MODEL = "BCSPipelineDefinitionRequestV1"


@dataclass(frozen=True)
class PipelineDefinitionRequest:
    """``BCSPipelineDefinitionRequestV1``: what BOS sends.

    ``batch_metadata`` carries ``prompt_attached``/``prompt_source`` as the real BOS sends, and
    ``is_retry`` (the real request has no field for it; batch_metadata is a free dict).
    """

    batch_id: str
    requested_pipeline: str
    correlation_id: str
    batch_metadata: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "requested_pipeline": self.requested_pipeline,
            "correlation_id": self.correlation_id,
            "batch_metadata": dict(self.batch_metadata) if self.batch_metadata else None,
        }

    @property
    def is_retry(self) -> bool:
        return bool((self.batch_metadata or {}).get("is_retry"))

    @classmethod
    def from_json(cls, raw: Any) -> PipelineDefinitionRequest:
        """Parse a request body; RequestBodyError naming the field that is wrong."""
        if not isinstance(raw, dict):
            raise RequestBodyError(_REQUEST_MODEL, "", "the body must be a JSON object")
        metadata = raw.get("batch_metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise RequestBodyError(_REQUEST_MODEL, "batch_metadata", "must be an object or null")
        return cls(
            batch_id=_text(raw, "batch_id", 255),
            requested_pipeline=_text(raw, "requested_pipeline", 100),
            correlation_id=_uuid_text(raw, "correlation_id"),
            batch_metadata=metadata,
        )


def _text(raw: Mapping[str, Any], name: str, max_length: int) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not 1 <= len(value) <= max_length:
        raise RequestBodyError(_REQUEST_MODEL, name, f"must be a string of 1..{max_length} chars")
    return value


def _uuid_text(raw: Mapping[str, Any], name: str) -> str:
    value = _text(raw, name, 100)
    try:
        uuid.UUID(value)
    except ValueError:
        raise RequestBodyError(_REQUEST_MODEL, name, f"{value!r} is not a UUID") from None
    return value


@dataclass(frozen=True)
class PipelineDefinition:
    """``BCSPipelineDefinitionResponseV1``: the phases to run, in order (pruned ones left out)."""

    batch_id: str
    final_pipeline: tuple[str, ...]
    analysis_summary: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "final_pipeline": list(self.final_pipeline),
            "analysis_summary": self.analysis_summary,
        }


@dataclass(frozen=True)
class ResolutionFailure:
    """Why BCS could not resolve: ``reason`` is a short code, ``detail`` says it to a person."""

    reason: str
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"error": "Pipeline resolution failed", "detail": self.detail, "reason": self.reason}


Resolution = PipelineDefinition | ResolutionFailure


class PipelineResolver(Protocol):
    """What BOS needs from BCS."""

    def define_pipeline(self, request: PipelineDefinitionRequest) -> Resolution:
        """Resolve ``request`` into phases, or say why not (never raises for a refusal)."""
        ...


class HttpPipelineResolver:
    """Calls BCS over HTTP with the stdlib; an unreachable BCS is a ResolutionFailure.

    ``base_url`` may be a callable, read at each call (for a BCS whose address is known late).
    """

    def __init__(self, base_url: str | Callable[[], str], *, timeout_s: float = 5.0) -> None:
        self._base_url = base_url
        self.timeout_s = timeout_s

    @property
    def url(self) -> str:
        base = self._base_url() if callable(self._base_url) else self._base_url
        return base.rstrip("/") + DEFINE_PATH

    def define_pipeline(self, request: PipelineDefinitionRequest) -> Resolution:
        try:
            status, body = self._post(request.to_json())
            return _answer(self.url, status, body)
        except ResolverError as error:
            return ResolutionFailure("bcs_unavailable", str(error))

    def _post(self, body: Mapping[str, Any]) -> tuple[int, Any]:
        url = self.url
        http_request = urllib.request.Request(
            url,
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                "X-Correlation-ID": body["correlation_id"],
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(http_request, timeout=self.timeout_s) as response:
                return response.status, _json_body(url, response.read(), response.status)
        except urllib.error.HTTPError as error:
            return error.code, _json_body(url, error.read(), error.code)
        except (urllib.error.URLError, OSError) as error:
            raise ResolverError(url, f"no answer ({error})") from None


def _json_body(url: str, raw: bytes, status: int) -> Any:
    try:
        return json.loads(raw or b"null")
    except json.JSONDecodeError:
        raise ResolverError(url, "the answer is not JSON", status=status) from None


def _answer(url: str, status: int, body: Any) -> Resolution:
    """Turn BCS's HTTP answer into a Resolution (a broken answer raises ResolverError)."""
    if not isinstance(body, dict):
        raise ResolverError(url, "the answer is not a JSON object", status=status)
    if status == 200 and isinstance(body.get("final_pipeline"), list):
        summary = body.get("analysis_summary")
        return PipelineDefinition(
            str(body.get("batch_id", "")),
            tuple(str(p) for p in body["final_pipeline"]),
            str(summary) if summary is not None else None,
        )
    if 400 <= status < 500:
        return ResolutionFailure(str(body.get("reason", "rejected")), str(body.get("detail", body)))
    raise ResolverError(url, f"unexpected answer {body!r}", status=status)
