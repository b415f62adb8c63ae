"""HTTP operations: routes, servers, callers, parameters, request and response bodies."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.contract import Contract
from tests.unit.contract_diff.minimal import Doc
from tests.unit.contract_diff.table import (
    BOTH,
    COMPATIBLE,
    CONSUMERS,
    PRODUCERS,
    Edit,
    Expect,
    api_edit,
    check,
    get_batch,
    register,
    row,
)


def _move_route(api: Doc) -> None:
    api["paths"]["/v2/batches"] = api["paths"].pop("/v1/batches")


def _new_operation(api: Doc) -> None:
    api["paths"]["/v1/health"] = {
        "get": {
            "operationId": "health",
            "x-service": "els",
            "x-callers": ["client"],
            "responses": {"200": {"description": "up"}},
        }
    }


def _header(name: str, required: bool) -> Doc:
    return {"name": name, "in": "header", "required": required, "schema": {"type": "string"}}


def _optional_body() -> Doc:
    return {"content": {"application/json": {"schema": {"type": "object"}}}}


ROWS = [
    # HTTP
    row(
        "HTTP request field now required",
        api_edit(
            lambda api: api["components"]["schemas"]["RegisterRequest"].__setitem__(
                "required", ["count", "label"]
            )
        ),
        Expect("field-required-added", PRODUCERS, ("els",), "POST /v1/batches request /label"),
    ),
    row(
        "HTTP request body no longer required",
        api_edit(lambda api: register(api)["requestBody"].__setitem__("required", False)),
        Expect("request-body-required-removed", CONSUMERS, ("bos",), "POST /v1/batches request"),
    ),
    row(
        "HTTP response field type changed",
        api_edit(
            lambda api: register(api)["responses"]["202"]["content"]["application/json"]["schema"][
                "properties"
            ].__setitem__("batch_id", {"type": "integer"})
        ),
        Expect("type-changed", BOTH, ("els", "bos"), "POST /v1/batches response 202 /batch_id"),
    ),
    row(
        "HTTP response status added",
        api_edit(
            lambda api: get_batch(api)["responses"].__setitem__("410", {"description": "gone"})
        ),
        Expect(
            "response-status-added",
            CONSUMERS,
            ("result_aggregator",),
            "GET /v1/batches/{batch_id} response 410",
        ),
    ),
    row(
        "HTTP response status removed",
        api_edit(lambda api: get_batch(api)["responses"].pop("404")),
        Expect(
            "response-status-removed",
            PRODUCERS,
            ("bos",),
            "GET /v1/batches/{batch_id} response 404",
        ),
    ),
    row(
        "HTTP media type changed",
        api_edit(
            lambda api: register(api)["requestBody"].__setitem__(
                "content",
                {"application/xml": register(api)["requestBody"]["content"]["application/json"]},
            )
        ),
        Expect("media-type-changed", BOTH, ("bos", "els"), "POST /v1/batches request"),
    ),
    row(
        "HTTP required parameter added",
        api_edit(
            lambda api: get_batch(api)["parameters"].append(
                {"name": "X-Tenant", "in": "header", "required": True, "schema": {"type": "string"}}
            )
        ),
        Expect(
            "parameter-added",
            PRODUCERS,
            ("result_aggregator",),
            "GET /v1/batches/{batch_id} header X-Tenant",
        ),
    ),
    row(
        "HTTP path parameter schema narrowed",
        api_edit(
            lambda api: get_batch(api)["parameters"][0]["schema"].__setitem__("format", "uuid")
        ),
        Expect(
            "format-added",
            PRODUCERS,
            ("result_aggregator",),
            "GET /v1/batches/{batch_id} path batch_id",
        ),
    ),
    row(
        "HTTP path changed",
        api_edit(_move_route),
        Expect("http-route-changed", BOTH, ("bos", "els"), "POST /v2/batches"),
    ),
    row(
        "HTTP server changed",
        api_edit(lambda api: get_batch(api).__setitem__("x-service", "els")),
        Expect(
            "http-server-changed",
            BOTH,
            ("bos", "els", "result_aggregator"),
            "GET /v1/batches/{batch_id}",
        ),
    ),
    row(
        "HTTP caller added",
        api_edit(lambda api: get_batch(api)["x-callers"].append("els")),
        Expect("caller-added", COMPATIBLE, ("els",), "GET /v1/batches/{batch_id}"),
    ),
    row(
        "HTTP caller removed",
        api_edit(lambda api: register(api).__setitem__("x-callers", ["client"])),
        Expect("caller-removed", COMPATIBLE, ("els",), "POST /v1/batches"),
    ),
    row(
        "HTTP operation added",
        api_edit(_new_operation),
        Expect("http-operation-added", COMPATIBLE, where="GET /v1/health"),
    ),
    row(
        "HTTP operation removed",
        api_edit(lambda api: api["paths"].pop("/v1/batches")),
        Expect("http-operation-removed", PRODUCERS, ("els",), "POST /v1/batches"),
    ),
    row(
        "HTTP operationId renamed",
        api_edit(lambda api: get_batch(api).__setitem__("operationId", "readBatch")),
        Expect("http-operation-renamed", COMPATIBLE, where="GET /v1/batches/{batch_id}"),
    ),
    row(
        "HTTP optional parameter added",
        api_edit(lambda api: get_batch(api)["parameters"].append(_header("X-Trace", False))),
        Expect("parameter-added", COMPATIBLE, where="GET /v1/batches/{batch_id} header X-Trace"),
    ),
    row(
        "HTTP response body removed",
        api_edit(lambda api: get_batch(api)["responses"]["200"].pop("content")),
        Expect(
            "response-body-removed",
            BOTH,
            ("result_aggregator", "bos"),
            "GET /v1/batches/{batch_id} response 200",
        ),
    ),
    row(
        "HTTP request body added where none was",
        api_edit(lambda api: get_batch(api).__setitem__("requestBody", _optional_body())),
        Expect("request-body-added", CONSUMERS, ("bos",), "GET /v1/batches/{batch_id} request"),
    ),
]


@pytest.mark.parametrize(("edit", "expected"), ROWS)
def test_an_http_change(
    old: Contract, tmp_path: Path, edit: Edit, expected: tuple[Expect, ...]
) -> None:
    check(old, tmp_path, edit, expected)
