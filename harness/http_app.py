"""A service's HTTP side, built from the contract: routes, checks and error bodies in one place.

``ContractApp`` is a WSGI application (werkzeug) serving the operations the OpenAPI document
gives one service. It matches the route, checks the request against the contract (parameters and
body; a request that does not match gets the documented 400 with an ErrorDetail naming the
field), calls the handler bound to the operationId, checks the answer (a mismatch is a recorded
violation) and records the exchange. No handler parses or validates a body by hand::

    app = ContractApp(contract, "content_service", {"storeContent": store, "fetchContent": fetch})
    server = HttpServer(app, port=0)                   # harness.http_server
    server.start(); server.base_url                    # 'http://127.0.0.1:43127'

A handler takes an ``HttpRequest`` and returns an ``HttpReply``; it raises ``HttpProblem`` for a
refusal the contract documents (404 RESOURCE_NOT_FOUND, ...), which becomes ``{"error":
ErrorDetail}``. ``GET /healthz`` answers 200 on every service (liveness, not a contract leg).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from harness.contract import Contract
from harness.envelope import utc_now
from harness.errors import ContractError, Violation
from harness.exchanges import (
    REQUEST,
    REQUEST_ID_HEADER,
    ExchangeLog,
    HttpChecker,
    HttpExchange,
    batch_of,
)
from harness.openapi import HttpOperation

log = logging.getLogger(__name__)

CALLER_HEADER = "user-agent"
"""Our clients name themselves as ``pipeline-harness (<service id>)`` in User-Agent."""
_CALLER = re.compile(r"pipeline-harness \((?P<service>[\w-]+)\)")


@dataclass(frozen=True)
class HttpRequest:
    """A request that matched its operation and passed the contract's checks."""

    operation: HttpOperation
    params: Mapping[str, str]
    headers: Mapping[str, str]
    """Header names in lower case."""
    body: Any
    """The decoded JSON for a JSON body, else the raw bytes."""
    content_type: str
    correlation_id: str | None
    """The ``X-Correlation-ID`` header when it is a UUID."""


@dataclass(frozen=True)
class HttpReply:
    """What a handler answers: the status, a JSON-able body or raw bytes, extra headers."""

    status: int
    body: Any = None
    content_type: str | None = None
    """None: application/json for a non-bytes body."""
    headers: Mapping[str, str] = field(default_factory=dict)


class HttpProblem(Exception):
    """A refusal the contract documents, rendered as ``{"error": ErrorDetail}``."""

    def __init__(self, status: int, error_code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status, self.error_code, self.message, self.details = (
            status,
            error_code,
            message,
            details,
        )


RequestHandler = Callable[[HttpRequest], HttpReply]


class ContractApp:
    """The WSGI app of one service's HTTP operations (see the module docstring)."""

    def __init__(
        self,
        contract: Contract,
        service_id: str,
        handlers: Mapping[str, RequestHandler],
        *,
        exchanges: ExchangeLog | None = None,
        checker: HttpChecker | None = None,
    ) -> None:
        served = {o.id: o for o in contract.served_by(service_id)}
        for operation_id in handlers:
            if operation_id not in served:
                raise ContractError(
                    f"{service_id} has a handler for {operation_id!r}, which the contract does "
                    f"not give it.",
                    hint=f"operations {service_id} serves: {', '.join(served) or 'none'}",
                )
        self.contract = contract
        self.service_id = service_id
        self.handlers = dict(handlers)
        self.operations = {oid: served[oid] for oid in handlers}
        self.exchanges = exchanges
        self.checker = checker or HttpChecker(contract)
        self._map = Map(
            [
                Rule(_rule(o.path), methods=[o.method], endpoint=o.id)
                for o in self.operations.values()
            ]
            + [Rule("/healthz", methods=["GET"], endpoint="healthz")]
        )

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        response = self.respond(request)
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        """Route, check, handle, check again, record."""
        adapter = self._map.bind_to_environ(request.environ)
        try:
            operation_id, params = adapter.match()
        except (NotFound, MethodNotAllowed) as exc:
            return self._unrouted(request, exc)
        if operation_id == "healthz":
            return _json_response(200, {"status": "ok", "service": self.service_id})
        operation = self.operations[operation_id]
        headers = {k.lower(): v for k, v in request.headers.items()}
        correlation_id = _correlation(headers)
        raw = request.get_data()
        body, undecodable = self.checker.decode(operation.request, raw)
        problems = (
            [Violation(operation.label, REQUEST, "", undecodable)]
            if undecodable
            else self.checker.request(operation, params=params, headers=headers, body=body)
        )
        breaking = [p for p in problems if p.breaking]
        if breaking:
            reply = self._invalid(operation, breaking, correlation_id)
        else:  # a request that breaks only named rules is served, as a real server does
            reply = self._handle(
                operation,
                HttpRequest(
                    operation,
                    params,
                    headers,
                    body,
                    request.mimetype or "application/octet-stream",
                    correlation_id,
                ),
            )
        response, answered = _render(reply)
        violations = self.checker.response(
            operation, status=reply.status, content_type=response.mimetype or "", body=answered
        )
        for violation in violations:
            log.warning("%s answered against the contract: %s", self.service_id, violation)
        batch_id = batch_of(operation, params, body)
        found = [*problems, *violations]  # the request's (laid at the caller), the answer's
        self._record(request, operation, reply.status, correlation_id, found, headers, batch_id)
        return response

    def _handle(self, operation: HttpOperation, request: HttpRequest) -> HttpReply:
        try:
            return self.handlers[operation.id](request)
        except HttpProblem as problem:
            return self.problem(operation, problem, request.correlation_id)
        except Exception as exc:  # a bug must answer 500 with a reason, not drop the connection
            log.exception("%s %s failed", self.service_id, operation.label)
            crash = HttpProblem(500, "PROCESSING_ERROR", f"{type(exc).__name__}: {exc}")
            return self.problem(operation, crash, request.correlation_id)

    def problem(
        self, operation: HttpOperation, problem: HttpProblem, correlation_id: str | None
    ) -> HttpReply:
        """``{"error": ErrorDetail}`` for ``problem``, naming this service and operation."""
        return HttpReply(problem.status, self._error_body(problem, operation.id, correlation_id))

    def _error_body(
        self, problem: HttpProblem, operation_id: str, correlation_id: str | None
    ) -> dict[str, Any]:
        detail = {
            "error_code": problem.error_code,
            "message": problem.message,
            "correlation_id": correlation_id or str(uuid.uuid4()),
            "timestamp": utc_now(),
            "service": self.service_id,
            "operation": operation_id,
            "details": problem.details,
        }
        return {"error": detail}

    def _invalid(
        self, operation: HttpOperation, problems: list[Violation], correlation_id: str | None
    ) -> HttpReply:
        first = problems[0]
        where = f"{first.message} {first.pointer}".rstrip()
        problem = HttpProblem(
            400,
            "VALIDATION_ERROR",
            f"{where}: {first.reason}",
            field=first.pointer or "/",
            part=first.message,
            violations=[
                {"part": v.message, "pointer": v.pointer or "/", "reason": v.reason}
                for v in problems
            ],
        )
        return self.problem(operation, problem, correlation_id)

    def _unrouted(self, request: Request, exc: HTTPException) -> Response:
        status = exc.code or 404
        known = ", ".join(o.label for o in self.operations.values())
        message = f"{self.service_id} serves no {request.method} {request.path} (serves: {known})"
        problem = HttpProblem(status, "RESOURCE_NOT_FOUND", message)
        return _json_response(status, self._error_body(problem, "route", None))

    def _record(
        self,
        request: Request,
        operation: HttpOperation,
        status: int,
        correlation_id: str | None,
        violations: list[Violation],
        headers: Mapping[str, str],
        batch_id: str | None,
    ) -> None:
        if self.exchanges is None:
            return
        self.exchanges.record(
            HttpExchange(
                method=request.method,
                path=request.path,
                status=status,
                server=self.service_id,
                caller=caller_of(headers, operation),
                operation_id=operation.id,
                correlation_id=correlation_id,
                seen_at=self.exchanges.clock(),
                violations=tuple(violations),
                batch_id=batch_id,
                request_id=headers.get(REQUEST_ID_HEADER.lower()),
            )
        )


def caller_of(headers: Mapping[str, str], operation: HttpOperation) -> str:
    """Who called: our clients say so in User-Agent; else the operation's only caller."""
    found = _CALLER.search(headers.get(CALLER_HEADER, ""))
    if found:
        return found["service"]
    return operation.callers[0] if len(operation.callers) == 1 else "unknown"


def _rule(path: str) -> str:
    return re.sub(r"\{(\w+)\}", r"<\1>", path)


def _correlation(headers: Mapping[str, str]) -> str | None:
    raw = headers.get("x-correlation-id")
    try:
        return str(uuid.UUID(raw)) if raw else None
    except ValueError:
        return None


def _render(reply: HttpReply) -> tuple[Response, Any]:
    """The werkzeug Response for ``reply``, and the body as the response check wants it."""
    if isinstance(reply.body, bytes):
        content_type = reply.content_type or "application/octet-stream"
        response = Response(reply.body, status=reply.status, content_type=content_type)
    elif reply.body is None and reply.content_type is None:
        response = Response(b"", status=reply.status)
    else:
        response = _json_response(reply.status, reply.body)
    for name, value in reply.headers.items():
        response.headers[name] = value
    return response, reply.body


def _json_response(status: int, body: Any) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")
