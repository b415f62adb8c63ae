"""Every HTTP operation of contracts/openapi.yaml, served by the simulated system: a malformed
request gets the documented 400 with an ErrorDetail naming what is wrong, and every answer the
servers give keeps the contract (the exchange log's violations stay empty)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from harness.contract import Contract
from harness.memory_bus import InMemoryBus
from pipeline_system.system import SimulatedSystem, build_system

BATCH = str(uuid.uuid4())

MALFORMED: dict[str, tuple[str, dict[str, Any], str]] = {
    # operationId: (path, request (json= or content=), what the 400 must name)
    "registerBatch": (
        "/v1/batches/register",
        {"json": {"expected_essay_count": 2, "course_code": "ENG5"}},
        "user_id",
    ),
    "definePipeline": (
        "/internal/v1/pipelines/define",
        {"json": {"batch_id": BATCH, "requested_pipeline": "nlp", "correlation_id": "x"}},
        "/correlation_id",
    ),
    "completePhase": (
        "/internal/v1/phases/complete",
        {"json": {"batch_id": BATCH, "success": True}},
        "phase_name",
    ),
    "storeContent": ("/v1/content", {"content": b""}, "request body"),
    "fetchContent": ("/v1/content/not-32-hex", {}, "storage_id"),
    "requestComparison": (
        "/api/v1/comparison",
        {"json": {"callback_topic": "huleedu.llm_provider.comparison_result.v1"}},
        "user_prompt",
    ),
    "getClassRoster": ("/v1/classes/not-a-uuid/roster", {}, "class_id"),
    "checkLanguage": ("/v1/check", {"json": {"text": "", "language": "en-US"}}, "/text"),
    "checkCreditsBulk": (
        "/v1/entitlements/check-credits/bulk",
        {"json": {"user_id": "teacher-1", "requirements": {"cj_comparison": "six"}}},
        "/requirements/cj_comparison",
    ),
}
NOTHING_TO_MALFORM = {
    "getBatchStatus": "its only input is a batch id, any non-empty string",
    "getPipelineState": "its only input is a batch id, any non-empty string",
    "getConductorBatch": "its only input is a batch id, any non-empty string",
    "preflightPipeline": "the reference BOS does not serve it (see x-coverage-exempt)",
}


@pytest.fixture(scope="module")
def system(contract: Contract) -> Iterator[SimulatedSystem]:
    bus = InMemoryBus(contract)
    bus.start()
    built = build_system(contract, bus)
    built.start()
    yield built
    built.stop()
    bus.stop()


def base_url(system: SimulatedSystem, service_id: str) -> str:
    urls = {"bos": system.bos, "bcs": system.bcs}
    if service_id in urls:
        return urls[service_id].base_url  # type: ignore[union-attr]
    if service_id == "content_service":
        return system.content_url or ""
    return system.simulators[service_id].http_url or ""


def test_every_operation_has_a_malformed_case_or_a_reason(contract: Contract) -> None:
    assert set(MALFORMED) | set(NOTHING_TO_MALFORM) == set(contract.http_operations)
    assert not set(MALFORMED) & set(NOTHING_TO_MALFORM)


@pytest.mark.parametrize("operation_id", sorted(MALFORMED))
def test_a_malformed_request_gets_its_400_naming_the_field(
    contract: Contract, system: SimulatedSystem, operation_id: str
) -> None:
    operation = contract.http_operation(operation_id)
    path, request, named = MALFORMED[operation_id]
    assert operation.path_pattern.fullmatch(path), f"{path} is not {operation.path}"
    url = base_url(system, operation.service_id) + path
    before = len(system.exchanges.exchanges())
    answer = httpx.request(operation.method, url, timeout=5, **request)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["error_code"] == "VALIDATION_ERROR"
    assert error["operation"] == operation_id and error["service"] == operation.service_id
    assert named in f"{error['message']} {error['details']['field']} {error['details']['part']}"
    recorded = [v for e in system.exchanges.exchanges()[before:] for v in e.violations]
    assert recorded, "the wire check sees the caller's broken request"
    # ... and only that: the 400 itself keeps the contract (no finding on the answer)
    assert all(v.breaking and not v.message.startswith("response") for v in recorded)


def test_a_request_that_is_not_json_is_a_400_too(system: SimulatedSystem) -> None:
    url = base_url(system, "bos") + "/v1/batches/register"
    answer = httpx.post(url, content=b"{not json", headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert "not JSON" in answer.json()["error"]["message"]


def test_an_answer_that_breaks_the_contract_is_a_recorded_violation(
    contract: Contract,
) -> None:
    from harness.errors import ContractViolation
    from harness.exchanges import ExchangeLog
    from harness.http_app import ContractApp, HttpReply
    from harness.http_client import ContractClient

    log = ExchangeLog()
    app = ContractApp(
        contract,
        "entitlements",
        {"checkCreditsBulk": lambda _request: HttpReply(200, {"allowed": "yes"})},
        exchanges=log,
    )
    client = ContractClient(
        contract, "http://entitlements", caller="bos", transport=httpx.WSGITransport(app=app)
    )
    body = {"user_id": "teacher-1", "requirements": {"cj_comparison": 6}}
    with pytest.raises(ContractViolation) as raised:  # a client with no log of its own raises
        client.call("checkCreditsBulk", json_body=body)
    assert "/allowed" in str(raised.value)
    (exchange,) = log.exchanges()  # the server recorded it once
    pointers = {v.pointer for v in exchange.violations}
    assert "/allowed" in pointers
    assert {v.message for v in exchange.violations} == {"response 200"}


def test_a_request_of_ours_that_breaks_the_contract_is_refused_before_sending(
    contract: Contract,
) -> None:
    from harness.errors import ContractViolation
    from harness.http_client import ContractClient

    client = ContractClient(contract, "http://127.0.0.1:9", caller="bos")
    with pytest.raises(ContractViolation) as raised:
        client.call("checkCreditsBulk", json_body={"user_id": "teacher-1"})
    assert "requirements" in str(raised.value)


def test_a_request_breaking_only_a_rule_is_served_and_recorded_at_its_caller(
    contract: Contract,
) -> None:
    """A real caller's unknown field (pydantic ignores it): served, not refused; the exchange
    records the rule breach, laid at the caller. A missing required field is still a 400."""
    from harness.exchanges import ExchangeLog
    from harness.http_app import ContractApp, HttpReply

    log = ExchangeLog()
    documented = contract.http_operation("checkCreditsBulk").response(200)
    assert documented is not None and documented.body is not None
    answer = documented.body.example
    app = ContractApp(
        contract,
        "entitlements",
        {"checkCreditsBulk": lambda _request: HttpReply(200, answer)},
        exchanges=log,
    )
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://e") as http:
        body = {"user_id": "teacher-1", "requirements": {"cj_comparison": 6}, "debug": 1}
        served = http.post("/v1/entitlements/check-credits/bulk", json=body)
        refused = http.post("/v1/entitlements/check-credits/bulk", json={"user_id": "teacher-1"})
    assert served.status_code == 200, served.text
    assert refused.status_code == 400
    first, second = log.exchanges()
    (breach,) = first.violations
    assert breach.rule == "no-unknown-fields" and breach.sender == first.caller
    (broken,) = second.violations  # the refused request is recorded too, breaking
    assert broken.breaking and broken.sender == second.caller
