"""The HTTP half of the contract: contracts/openapi.yaml read into frozen HTTP operations.

The OpenAPI document sits beside asyncapi.yaml and shares its models: a body schema may
``$ref`` ``asyncapi.yaml#/components/schemas/<Name>``, so no model is written twice. For
validation both documents become one schema root (``schema_root``): the AsyncAPI document with
the OpenAPI document under ``x-openapi``, its own ``#/components/...`` refs re-pointed to
``#/x-openapi/components/...`` and its ``asyncapi.yaml#/...`` refs made local. Every HTTP body is
then checked by the same two validation paths as every Kafka message. Example::

    contract = load_contract()
    store = contract.http("POST", "/v1/content")
    store.service_id, store.callers          # ('content_service', ('file_service', ...))
    store.response(201).schema_pointer       # '#/x-openapi/paths/~1v1~1content/post/...'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

from harness.errors import ContractLoadError

JsonObject = dict[str, Any]
OPENAPI_ROOT = "x-openapi"
"""Where the OpenAPI document sits inside the combined schema root."""
COMPANION = "asyncapi.yaml"
METHODS = ("get", "post", "put", "patch", "delete")
JSON = "application/json"


@dataclass(frozen=True)
class HttpBody:
    """One body an operation takes or answers: its media type and schema (a pointer)."""

    content_type: str
    schema_pointer: str | None
    example: Any = None

    @property
    def is_json(self) -> bool:
        return self.content_type == JSON or self.content_type.endswith("+json")


@dataclass(frozen=True)
class HttpParameter:
    """A path, query or header parameter, with the pointer of its schema."""

    name: str
    location: str
    required: bool
    schema_pointer: str | None


@dataclass(frozen=True)
class HttpResponse:
    """One documented answer of an operation."""

    status: int
    description: str
    body: HttpBody | None


@dataclass(frozen=True)
class HttpOperation:
    """One HTTP endpoint: who serves it, who calls it, what goes in and what comes back."""

    id: str
    method: str
    path: str
    service_id: str
    callers: tuple[str, ...]
    summary: str
    parameters: tuple[HttpParameter, ...]
    request: HttpBody | None
    request_required: bool
    responses: Mapping[int, HttpResponse]
    result_channel: str | None
    """``x-result-channel``: the Kafka channel the operation's real result arrives on."""
    batch_pointer: str | None = None
    """``x-batch-pointer``: where the BOS batch id sits in the request body (default: a
    ``batch_id`` path parameter, else ``/batch_id``)."""
    coverage_exempt: str | None = None
    """``x-coverage-exempt``: why the simulated flow never calls it (the coverage gate skips it)."""

    @property
    def label(self) -> str:
        """``POST /v1/content``: how a person names it (and the wire check's 'channel')."""
        return f"{self.method} {self.path}"

    @property
    def path_pattern(self) -> re.Pattern[str]:
        return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path)))

    def response(self, status: int) -> HttpResponse | None:
        """The documented answer for ``status`` (None when the contract has none)."""
        return self.responses.get(status)


def schema_root(asyncapi: Mapping[str, Any], openapi: Mapping[str, Any] | None) -> JsonObject:
    """One document that both validation paths compile against (see the module docstring)."""
    if openapi is None:
        return dict(asyncapi)
    return {**asyncapi, OPENAPI_ROOT: _repoint(openapi)}


def _repoint(node: Any) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        moved = {k: _repoint(v) for k, v in node.items()}
        if isinstance(ref, str):
            moved["$ref"] = _local_ref(ref)
        return moved
    if isinstance(node, list):
        return [_repoint(v) for v in node]
    return node


def _local_ref(ref: str) -> str:
    if ref.startswith(COMPANION + "#"):
        return ref.removeprefix(COMPANION)
    if ref.startswith("#/"):
        return f"#/{OPENAPI_ROOT}/" + ref.removeprefix("#/")
    return ref


def escape(token: str) -> str:
    """A JSON pointer token (``/v1/content`` -> ``~1v1~1content``)."""
    return token.replace("~", "~0").replace("/", "~1")


def uri_safe(pointer: str) -> str:
    """A pointer usable as a ``$ref`` URI fragment: path templates' braces percent-encoded
    (jsonschema-rs refuses a raw ``{``; both validators decode it)."""
    return pointer.replace("{", "%7B").replace("}", "%7D")


class OpenApiReader:
    """Turns the OpenAPI document into HttpOperations, naming the place of any layout error."""

    def __init__(self, path: Path, document: JsonObject, service_ids: frozenset[str]) -> None:
        self.path = path
        self.document = document
        self.service_ids = service_ids

    def read(self) -> Mapping[str, HttpOperation]:
        version = self.document.get("openapi")
        if not isinstance(version, str) or not version.startswith("3.1"):
            self._fail(f"expected an OpenAPI 3.1 document, found openapi: {version!r}", "/openapi")
        paths = self.document.get("paths")
        if not isinstance(paths, dict):
            self._fail("missing section 'paths'", "/paths")
        operations: dict[str, HttpOperation] = {}
        for path, item in paths.items():
            for method in METHODS:
                raw = item.get(method) if isinstance(item, dict) else None
                if isinstance(raw, dict):
                    operation = self._operation(path, method, raw, item)
                    if operation.id in operations:
                        self._fail(
                            f"operationId {operation.id!r} used twice", self._at(path, method)
                        )
                    operations[operation.id] = operation
        return MappingProxyType(operations)

    def _fail(self, reason: str, where: str) -> NoReturn:
        raise ContractLoadError(str(self.path), reason, where=where)

    @staticmethod
    def _at(path: str, method: str) -> str:
        return f"/paths/{escape(path)}/{method}"

    def _pointer(self, where: str) -> str:
        return uri_safe(f"#/{OPENAPI_ROOT}{where}")

    def _operation(
        self, path: str, method: str, raw: JsonObject, item: JsonObject
    ) -> HttpOperation:
        where = self._at(path, method)
        operation_id = raw.get("operationId")
        if not isinstance(operation_id, str):
            self._fail("missing 'operationId'", where)
        service_id = str(raw.get("x-service"))
        if service_id not in self.service_ids:
            self._fail(f"x-service {service_id!r} is not in x-services", f"{where}/x-service")
        callers = tuple(str(c) for c in raw.get("x-callers") or ())
        for caller in callers:
            if caller not in self.service_ids and caller != "client":
                self._fail(f"x-callers names {caller!r}, not in x-services", f"{where}/x-callers")
        shared = item.get("parameters") or []
        request = raw.get("requestBody")
        return HttpOperation(
            id=str(operation_id),
            method=method.upper(),
            path=path,
            service_id=service_id,
            callers=callers,
            summary=str(raw.get("summary", "")),
            parameters=tuple(
                self._parameter(p, f"{where}/parameters/{i}")
                for i, p in enumerate([*shared, *(raw.get("parameters") or [])])
            ),
            request=self._body(request, f"{where}/requestBody") if request else None,
            request_required=bool(request and request.get("required")),
            responses=MappingProxyType(self._responses(raw, where)),
            result_channel=raw.get("x-result-channel"),
            coverage_exempt=raw.get("x-coverage-exempt"),
            batch_pointer=raw.get("x-batch-pointer"),
        )

    def _parameter(self, raw: Any, where: str) -> HttpParameter:
        if not isinstance(raw, dict) or "name" not in raw or "in" not in raw:
            self._fail("a parameter needs 'name' and 'in'", where)
        return HttpParameter(
            name=str(raw["name"]),
            location=str(raw["in"]),
            required=bool(raw.get("required")),
            schema_pointer=self._pointer(f"{where}/schema") if "schema" in raw else None,
        )

    def _responses(self, raw: JsonObject, where: str) -> dict[int, HttpResponse]:
        answers = raw.get("responses")
        if not isinstance(answers, dict) or not answers:
            self._fail("an operation needs 'responses'", f"{where}/responses")
        out: dict[int, HttpResponse] = {}
        for status, answer in answers.items():
            here = f"{where}/responses/{status}"
            if not str(status).isdigit() or not isinstance(answer, dict):
                self._fail("responses are keyed by a status code, each an object", here)
            body = self._body(answer, here) if answer.get("content") else None
            out[int(status)] = HttpResponse(int(status), str(answer.get("description", "")), body)
        return out

    def _body(self, raw: JsonObject, where: str) -> HttpBody:
        content = raw.get("content")
        if not isinstance(content, dict) or len(content) != 1:
            self._fail("a body has exactly one media type under 'content'", f"{where}/content")
        ((media_type, media),) = content.items()
        here = f"{where}/content/{escape(media_type)}"
        media = media if isinstance(media, dict) else {}
        schema = self._pointer(f"{here}/schema") if "schema" in media else None
        return HttpBody(str(media_type), schema, media.get("example"))
