"""PipelineClient: what a teacher's client does, through the real interfaces.

It registers a batch over BOS's HTTP API (POST /v1/batches/register, the real
BatchRegistrationRequestV1 body), requests pipelines the way the API gateway does (a
ClientBatchPipelineRequestV1 on Kafka, published as ``api_gateway``), and reads the batch's state
(GET /v1/batches/{batch_id}). It knows the interfaces, not any implementation: point it at a real
BOS and it works the same.

Example::

    client = PipelineClient(contract, bus, bos_url="http://127.0.0.1:5001")
    batch = client.register_batch(essay_count=12)
    correlation_id = client.request_pipeline(batch.batch_id, "cj_assessment")
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.bus import Bus
from harness.contract import Contract
from harness.envelope import new_id
from harness.errors import ClientError
from harness.exchanges import ExchangeLog
from harness.http_client import ContractClient
from harness.service import ServiceEndpoint
from harness.waiting import wait_for

READY = "ready_for_pipeline_execution"
"""BatchStatus.READY_FOR_PIPELINE_EXECUTION: the only status that accepts a pipeline request."""


@dataclass(frozen=True)
class RegisteredBatch:
    """A batch BOS accepted: its id and the registration's correlation id."""

    batch_id: str
    correlation_id: str
    essay_count: int
    class_id: str | None


class PipelineClient:
    """Registers batches over HTTP and requests pipelines over Kafka, as the real client does."""

    def __init__(
        self,
        contract: Contract,
        bus: Bus,
        *,
        bos_url: str,
        timeout_s: float = 10.0,
        exchanges: ExchangeLog | None = None,
    ) -> None:
        self.contract = contract
        self.bos_url = bos_url.rstrip("/")
        self.timeout_s = timeout_s
        self.gateway = ServiceEndpoint(contract, bus, "api_gateway")
        self.bos = ContractClient(
            contract, self.bos_url, caller="api_gateway", timeout_s=timeout_s, exchanges=exchanges
        )

    def register_batch(
        self,
        *,
        essay_count: int,
        class_id: str | None = None,
        course_code: str = "ENG5",
        user_id: str = "teacher-1",
        **extra: Any,
    ) -> RegisteredBatch:
        """POST /v1/batches/register; a GUEST batch unless ``class_id`` is given (REGULAR)."""
        body: dict[str, Any] = {
            "expected_essay_count": essay_count,
            "course_code": course_code,
            "user_id": user_id,
            **extra,
        }
        if class_id is not None:
            body["class_id"] = class_id
        correlation_id = new_id()
        answer = self._call("registerBatch", {}, body, correlation_id)
        return RegisteredBatch(
            batch_id=str(answer["batch_id"]),
            correlation_id=str(answer.get("correlation_id", correlation_id)),
            essay_count=essay_count,
            class_id=class_id,
        )

    def request_pipeline(
        self,
        batch_id: str,
        pipeline: str,
        *,
        is_retry: bool = False,
        retry_reason: str | None = None,
        user_id: str = "teacher-1",
        correlation_id: str | None = None,
    ) -> str:
        """Publish ClientBatchPipelineRequestV1 as the API gateway; returns its correlation id."""
        correlation_id = correlation_id or new_id()
        data = {
            "batch_id": batch_id,
            "requested_pipeline": pipeline,
            "client_correlation_id": correlation_id,
            "user_id": user_id,
            "is_retry": is_retry,
            "retry_reason": retry_reason,
        }
        self.gateway.publish("clientBatchPipelineRequest", data, correlation_id=correlation_id)
        return correlation_id

    def batch_state(self, batch_id: str) -> dict[str, Any]:
        """GET /v1/batches/{batch_id}: status and pipeline state as BOS reports them."""
        return self._call("getBatchStatus", {"batch_id": batch_id}, None, new_id())

    def pipeline_state(self, batch_id: str) -> dict[str, Any]:
        """GET /internal/v1/batches/{batch_id}/pipeline-state: what any BOS offers."""
        return self._call("getPipelineState", {"batch_id": batch_id}, None, new_id())

    def offers_status_view(self, batch_id: str) -> bool:
        """Whether this BOS serves the reference BOS's own ``GET /v1/batches/{batch_id}``
        (a real BOS answers a plain 404 there, a reference BOS with the view off "serves no";
        an unknown batch is a 404 RESOURCE_NOT_FOUND of the view itself)."""
        try:
            self.batch_state(batch_id)
        except ClientError as exc:
            if exc.status != 404:
                return True
            return "RESOURCE_NOT_FOUND" in exc.detail and "serves no" not in exc.detail
        return True

    def is_ready(self, batch_id: str) -> bool:
        """Whether BOS reports the batch READY_FOR_PIPELINE_EXECUTION."""
        return self.batch_state(batch_id).get("status") == READY

    def wait_for_state(
        self,
        batch_id: str,
        holds: Callable[[dict[str, Any]], Any],
        *,
        awaited: str,
        within_s: float,
        seen: Callable[[], list[str]] = list,
    ) -> dict[str, Any]:
        """Poll ``GET /v1/batches/{id}`` until ``holds(state)``; return that state. On timeout
        WaitTimeout shows BOS's last answer, then ``seen()``."""
        last: dict[str, Any] = {}

        def probe() -> dict[str, Any] | None:
            last.clear()
            last.update(self.batch_state(batch_id))
            return dict(last) if holds(last) else None

        def shown() -> list[str]:
            bos = f"BOS reports: status={last.get('status')} active={last.get('pipeline_state')}"
            return [bos, *seen()]

        return wait_for(probe, within_s=within_s, awaited=awaited, seen=shown, interval_s=0.02)

    def wait_ready(
        self, batch_id: str, *, within_s: float, seen: Callable[[], list[str]] = list
    ) -> dict[str, Any]:
        """Wait until BOS reports the batch READY_FOR_PIPELINE_EXECUTION."""
        return self.wait_for_state(
            batch_id,
            lambda s: s.get("status") == READY,
            awaited=f"BOS to report batch {batch_id} ready for pipeline execution",
            within_s=within_s,
            seen=seen,
        )

    def _call(
        self,
        operation_id: str,
        params: dict[str, str],
        body: dict[str, Any] | None,
        correlation_id: str,
    ) -> dict[str, Any]:
        answer = self.bos.call(
            operation_id, params=params, json_body=body, correlation_id=correlation_id
        )
        operation = self.contract.http_operation(operation_id)
        url = self.bos_url + operation.path
        if not answer.ok:
            raise ClientError(operation.method, url, answer.status, answer.text[:500])
        if not isinstance(answer.json, dict):
            raise ClientError(
                operation.method, url, None, f"expected a JSON object: {answer.text!r}"
            )
        return answer.json
