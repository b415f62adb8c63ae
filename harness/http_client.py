"""Calling a service's HTTP operation by its operationId, checked against the contract.

``ContractClient`` is the one HTTP client of the packages (httpx underneath). It fills the path
from the operation's template, names the caller in User-Agent, checks the request it sends (a
request of ours that breaks the contract is a bug: ContractViolation before anything is sent)
and the answer it gets (a mismatch is recorded, or raised when no ExchangeLog is given).
Transport failures become ``ClientError`` here and nowhere else::

    content = ContractClient(contract, "http://127.0.0.1:8001", caller="spellchecker")
    answer = content.call("fetchContent", params={"storage_id": storage_id})
    answer.status, answer.content            # 200, b'An essay ...'

``transport`` takes any httpx transport, e.g. ``httpx.WSGITransport(app=...)`` to call an app
in process with no socket.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from harness.contract import Contract
from harness.errors import ClientError, ContractViolation, Violation
from harness.exchanges import (
    REQUEST_ID_HEADER,
    ExchangeLog,
    HttpChecker,
    HttpExchange,
    batch_of,
)
from harness.openapi import HttpOperation


@dataclass(frozen=True)
class HttpAnswer:
    """What came back: status, raw bytes, decoded JSON (or None), headers, violations."""

    status: int
    content: bytes
    json: Any
    headers: Mapping[str, str]
    violations: tuple[Violation, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


class ContractClient:
    """Calls one server's HTTP operations (see the module docstring)."""

    def __init__(
        self,
        contract: Contract,
        base_url: str,
        *,
        caller: str,
        timeout_s: float = 10.0,
        exchanges: ExchangeLog | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.contract = contract
        self.base_url = base_url.rstrip("/")
        self.caller = caller
        self.exchanges = exchanges
        self.checker = HttpChecker(contract)
        self._http = httpx.Client(
            timeout=timeout_s,
            transport=transport,
            headers={"User-Agent": f"pipeline-harness ({caller})"},
        )

    def close(self) -> None:
        self._http.close()

    def call(
        self,
        operation_id: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        content_type: str | None = None,
        correlation_id: str | None = None,
        check_request: bool = True,
    ) -> HttpAnswer:
        """Send the operation's request; return the answer (any status: the caller decides
        what a 4xx means). ``check_request=False`` sends a request that breaks the contract on
        purpose (to test a server's 400)."""
        operation = self.contract.http_operation(operation_id)
        params = dict(params or {})
        request_id = str(uuid.uuid4())
        headers = {REQUEST_ID_HEADER: request_id}
        if correlation_id:
            headers["X-Correlation-ID"] = correlation_id
        if content is None and json_body is not None:
            content, content_type = json.dumps(json_body).encode(), "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        if check_request:
            body = json_body if json_body is not None else content
            lowered = {k.lower(): v for k, v in headers.items()}
            problems = self.checker.request(operation, params=params, headers=lowered, body=body)
            if problems:
                raise ContractViolation(problems)
        url = self.base_url + _fill(operation, params)
        started = time.monotonic()
        try:
            response = self._http.request(operation.method, url, content=content, headers=headers)
        except httpx.HTTPError as exc:
            raise ClientError(operation.method, url, None, _reason(exc)) from None
        batch_id = batch_of(operation, params, json_body)
        context = (correlation_id, started, batch_id, request_id)
        return self._answer(operation, url, response, context)

    def _answer(
        self,
        operation: HttpOperation,
        url: str,
        response: httpx.Response,
        context: tuple[str | None, float, str | None, str],
    ) -> HttpAnswer:
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        status = response.status_code
        spec = operation.response(status)
        decoded, undecodable = self.checker.decode(spec.body if spec else None, response.content)
        violations = (
            [Violation(operation.label, f"response {status}", "", undecodable)]
            if undecodable
            else self.checker.response(
                operation, status=status, content_type=content_type, body=decoded
            )
        )
        self._record(operation, url, status, violations, context)
        return HttpAnswer(
            status=status,
            content=response.content,
            json=_json_or_none(response.content) if "json" in content_type else None,
            headers=dict(response.headers),
            violations=tuple(violations),
        )

    def _record(
        self,
        operation: HttpOperation,
        url: str,
        status: int,
        violations: list[Violation],
        context: tuple[str | None, float, str | None, str],
    ) -> None:
        correlation_id, started, batch_id, request_id = context
        if self.exchanges is None:
            if any(v.breaking for v in violations):  # a rule breach is the server's habit
                raise ContractViolation(violations)
            return
        self.exchanges.record(
            HttpExchange(
                method=operation.method,
                path=httpx.URL(url).path,
                status=status,
                server=operation.service_id,
                caller=self.caller,
                operation_id=operation.id,
                correlation_id=correlation_id,
                seen_at=started,
                violations=tuple(violations),
                batch_id=batch_id,
                request_id=request_id,
            )
        )


def _fill(operation: HttpOperation, params: Mapping[str, str]) -> str:
    path = operation.path
    for parameter in operation.parameters:
        if parameter.location == "path":
            value = params.get(parameter.name, "")
            path = path.replace("{" + parameter.name + "}", _segment(value))
    return path


_RESERVED = {"%": "%25", "/": "%2F", "?": "%3F", "#": "%23", " ": "%20"}


def _segment(value: str) -> str:
    """``value`` as one path segment (the characters that would end or split it escaped)."""
    return "".join(_RESERVED.get(char, char) for char in value)


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def _reason(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer in time ({type(exc).__name__})"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({exc})"
    return f"{type(exc).__name__}: {exc}"
