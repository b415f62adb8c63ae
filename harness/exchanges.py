"""Every HTTP exchange checked against contracts/openapi.yaml, like every Kafka message.

``HttpChecker`` judges one request or one response against its operation (both validation
paths: the fast yes/no first, the explaining path for the reasons); ``ExchangeLog`` records each
exchange (method, path, status, server, caller, correlation id, violations) for the wire check,
the report's sequence diagram and the coverage gate. Example::

    checker = HttpChecker(contract)
    operation = contract.http("POST", "/v1/content")
    checker.request(operation, params={}, headers={}, body=b"")   # [Violation(... minLength)]
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from harness.contract import Contract, resolve_pointer
from harness.errors import Violation
from harness.openapi import HttpBody, HttpOperation
from harness.rules import Level
from harness.validation import ContractValidator

REQUEST = "request"
REQUEST_ID_HEADER = "X-Request-ID"


@dataclass(frozen=True)
class HttpExchange:
    """One HTTP request and its answer, as a server or a client saw it."""

    method: str
    path: str
    status: int
    server: str
    caller: str
    operation_id: str | None
    correlation_id: str | None
    seen_at: float
    violations: tuple[Violation, ...] = field(default=())
    batch_id: str | None = None
    """The BOS batch the exchange is about (a ``batch_id`` path parameter or body field)."""
    request_id: str | None = None
    """Our clients' ``X-Request-ID``: when both sides of one exchange are ours and record it,
    the log keeps it once."""

    @property
    def label(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"

    def to_json(self) -> str:
        """One line of JSON: how a service in another process hands its exchanges to the
        supervisor's wire check (``from_json`` reads it back)."""
        fields = asdict(self)
        fields["violations"] = [{**v, "level": v["level"].value} for v in fields["violations"]]
        return json.dumps(fields, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> HttpExchange:
        """The exchange ``to_json`` wrote; a ValueError (or KeyError, TypeError) if it is not
        one."""
        fields = json.loads(line)
        if not isinstance(fields, dict) or not isinstance(fields.get("violations"), list):
            raise ValueError("not an exchange: a JSON object with its violations expected")
        violations = tuple(
            Violation(**{**v, "level": Level(v["level"])}) for v in fields.pop("violations")
        )
        return cls(**fields, violations=violations)


class HttpChecker:
    """Judges requests and responses of the contract's HTTP operations."""

    def __init__(self, contract: Contract, validator: ContractValidator | None = None) -> None:
        self.contract = contract
        self.validator = validator or ContractValidator(contract)

    def request(
        self,
        operation: HttpOperation,
        *,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        body: Any,
    ) -> list[Violation]:
        """Every way a request breaks ``operation`` (parameters, then body). ``body`` is the
        decoded JSON for a JSON body, else the raw bytes; ``headers`` are lower-case."""
        found: list[Violation] = []
        for parameter in operation.parameters:
            if parameter.location == "path":
                value = params.get(parameter.name)
            elif parameter.location == "header":
                value = headers.get(parameter.name.lower())
            else:
                continue  # query and cookie parameters: none in this contract
            what = f"{parameter.location} parameter {parameter.name}"
            if value is None:
                if parameter.required:
                    found.append(self._violation(operation, what, "", "is required"))
                continue
            if parameter.schema_pointer:
                found += self._judge(operation, parameter.schema_pointer, value, what)
        return found + self._body(operation, operation.request, body, "request body")

    def response(
        self, operation: HttpOperation, *, status: int, content_type: str, body: Any
    ) -> list[Violation]:
        """Every way an answer breaks ``operation``: an undocumented status, a wrong media type,
        a body that does not match the documented schema."""
        answer = operation.response(status)
        what = f"response {status}"
        if answer is None:
            documented = ", ".join(str(s) for s in operation.responses)
            return [
                self._violation(
                    operation,
                    what,
                    "",
                    f"status {status} is not documented (documented: {documented})",
                )
            ]
        if answer.body is None:
            return []
        if answer.body.is_json and not content_type.startswith("application/json"):
            return [
                self._violation(
                    operation,
                    what,
                    "",
                    f"content type {content_type!r} is not {answer.body.content_type}",
                )
            ]
        return self._body(operation, answer.body, body, what)

    def decode(self, spec: HttpBody | None, raw: bytes) -> tuple[Any, str | None]:
        """The body as the check wants it: JSON decoded for a JSON body, else the bytes;
        the second item says why a JSON body could not be decoded."""
        if spec is None or not spec.is_json:
            return raw, None
        if not raw:
            return None, None
        try:
            return json.loads(raw), None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return None, f"the body is not JSON: {exc}"

    def _body(
        self, operation: HttpOperation, spec: HttpBody | None, body: Any, what: str
    ) -> list[Violation]:
        if spec is None or spec.schema_pointer is None:
            return []
        if body is None and spec.is_json:
            if what == "request body" and not operation.request_required:
                return []
            return [self._violation(operation, what, "", "a JSON body is required")]
        instance = body.decode("latin-1") if isinstance(body, bytes) else body
        return self._judge(operation, spec.schema_pointer, instance, what)

    def _judge(
        self, operation: HttpOperation, pointer: str, instance: Any, what: str
    ) -> list[Violation]:
        if self.validator.is_valid_at(pointer, instance):
            return []
        return self.validator.explain_at(pointer, instance, where=operation.label, what=what) or [
            self._violation(operation, what, "", "rejected by the fast path")
        ]

    @staticmethod
    def _violation(operation: HttpOperation, what: str, pointer: str, reason: str) -> Violation:
        return Violation(operation.label, what, pointer, reason)


class ExchangeLog:
    """A thread-safe record of HTTP exchanges, with listeners (the live wire check)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._exchanges: list[HttpExchange] = []
        self._listeners: list[Callable[[HttpExchange], None]] = []
        self._request_ids: set[str] = set()
        self._lock = threading.Lock()

    def record(self, exchange: HttpExchange) -> None:
        """Keep ``exchange`` (once per request id) and tell the listeners; each finding is
        laid at the caller (its request) or the server (its answer)."""
        exchange = replace(
            exchange,
            violations=tuple(
                replace(
                    v,
                    sender=exchange.server if v.message.startswith("response") else exchange.caller,
                )
                for v in exchange.violations
            ),
        )
        with self._lock:
            if exchange.request_id is not None:
                if exchange.request_id in self._request_ids:
                    return  # the other side of an exchange already recorded
                self._request_ids.add(exchange.request_id)
            self._exchanges.append(exchange)
            listeners = list(self._listeners)
        for listener in listeners:
            listener(exchange)

    def listen(self, listener: Callable[[HttpExchange], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def exchanges(
        self, *, batch_id: str | None = None, correlation_id: str | None = None
    ) -> list[HttpExchange]:
        with self._lock:
            found = list(self._exchanges)
        if batch_id is not None:
            found = [e for e in found if e.batch_id == batch_id]
        if correlation_id is not None:
            found = [e for e in found if e.correlation_id == correlation_id]
        return found

    def violations(self, *, batch_id: str | None = None) -> list[Violation]:
        return [v for e in self.exchanges(batch_id=batch_id) for v in e.violations]


def batch_of(operation: HttpOperation, params: Mapping[str, str], body: Any) -> str | None:
    """The batch an exchange is about: its ``batch_id`` path parameter, or the body field the
    operation's ``x-batch-pointer`` names (default ``/batch_id``)."""
    if "batch_id" in params:
        return params["batch_id"]
    if not isinstance(body, Mapping):
        return None
    try:
        value = resolve_pointer(body, operation.batch_pointer or "/batch_id")
    except (KeyError, IndexError, ValueError, TypeError):
        return None
    return value if isinstance(value, str) else None
