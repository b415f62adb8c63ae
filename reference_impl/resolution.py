"""BOS asks BCS to resolve a pipeline: the real HTTP shapes (contract 5.15) and the client.

``POST {bcs}/internal/v1/pipelines/define`` with ``BCSPipelineDefinitionRequestV1``; 200 with
``BCSPipelineDefinitionResponseV1``, or 400 ``{"error": "Pipeline resolution failed", "detail"}``.
The reference BCS adds ``reason`` to the 400 body (a compatible extra key) so that BOS can tell
an unknown pipeline from other failures. Example::

    resolver = HttpPipelineResolver(contract, "http://127.0.0.1:4002")
    answer = resolver.define_pipeline(PipelineDefinitionRequest(batch_id, "nlp", correlation_id))
    if isinstance(answer, PipelineDefinition):
        answer.final_pipeline          # ('nlp',) when spellcheck was already done
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from harness.contract import Contract
from harness.errors import ClientError, ContractViolation
from harness.exchanges import ExchangeLog
from harness.http_client import ContractClient
from reference_impl.errors import ResolverError

DEFINE_PATH = "/internal/v1/pipelines/define"


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
    def from_json(cls, raw: Mapping[str, Any]) -> PipelineDefinitionRequest:
        """A body the contract already checked (BCSPipelineDefinitionRequestV1)."""
        return cls(
            batch_id=str(raw["batch_id"]),
            requested_pipeline=str(raw["requested_pipeline"]),
            correlation_id=str(raw["correlation_id"]),
            batch_metadata=raw.get("batch_metadata"),
        )


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

NOTHING_TO_RUN = ResolutionFailure("nothing_to_run", "every phase of the pipeline is done")
"""The 400 the real BCS gives an empty pipeline; the reference BCS says so in ``reason``."""


class PipelineResolver(Protocol):
    """What BOS needs from BCS."""

    def define_pipeline(self, request: PipelineDefinitionRequest) -> Resolution:
        """Resolve ``request`` into phases, or say why not (never raises for a refusal)."""
        ...


class HttpPipelineResolver:
    """Calls BCS's definePipeline operation; an unreachable BCS is a ResolutionFailure.

    ``base_url`` may be a callable, read at each call (for a BCS whose address is known late).
    """

    def __init__(
        self,
        contract: Contract,
        base_url: str | Callable[[], str],
        *,
        timeout_s: float = 5.0,
        exchanges: ExchangeLog | None = None,
    ) -> None:
        self.contract = contract
        self._base_url = base_url
        self.timeout_s = timeout_s
        self.exchanges = exchanges
        self._clients: dict[str, ContractClient] = {}

    @property
    def url(self) -> str:
        base = self._base_url() if callable(self._base_url) else self._base_url
        return base.rstrip("/")

    def define_pipeline(self, request: PipelineDefinitionRequest) -> Resolution:
        try:
            answer = self._client().call(
                "definePipeline", json_body=request.to_json(), correlation_id=request.correlation_id
            )
            return _answer(self.url + DEFINE_PATH, answer.status, answer.json)
        except (ResolverError, ClientError) as error:
            return ResolutionFailure("bcs_unavailable", str(error))
        except ContractViolation as error:
            return ResolutionFailure("bcs_contract_violation", str(error))

    def _client(self) -> ContractClient:
        url = self.url
        if url not in self._clients:
            self._clients[url] = ContractClient(
                self.contract,
                url,
                caller="bos",
                timeout_s=self.timeout_s,
                exchanges=self.exchanges,
            )
        return self._clients[url]


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
    if status == 400 and body.get("reason") == NOTHING_TO_RUN.reason:
        # our BCS: every phase is done already, so the request completes at once
        return PipelineDefinition(str(body.get("batch_id", "")), (), str(body.get("detail")))
    if 400 <= status < 500:
        error = body.get("error")
        if isinstance(error, dict):  # ErrorDetail: the harness's own check refused the request
            return ResolutionFailure("rejected", str(error.get("message", error)))
        return ResolutionFailure(str(body.get("reason", "rejected")), str(body.get("detail", body)))
    raise ResolverError(url, f"unexpected answer {body!r}", status=status)
