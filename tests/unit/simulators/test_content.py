"""The content store: in memory, and over HTTP in the real Content Service's shape."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from harness.contract import Contract
from harness.exchanges import ExchangeLog
from simulators.content import (
    ContentNotFoundError,
    ContentServer,
    ContentServiceError,
    ContentStore,
    HttpContentStore,
    InMemoryContentStore,
)

SWEDISH = "Min sommar\n\nI somras åkte min familj till en liten stuga vid en sjö i Dalarna."


@pytest.fixture
def exchanges() -> ExchangeLog:
    return ExchangeLog()


@pytest.fixture
def server(contract: Contract, exchanges: ExchangeLog) -> Iterator[ContentServer]:
    content = ContentServer(contract, InMemoryContentStore(), port=0, exchanges=exchanges)
    content.start()
    yield content
    content.stop()


@pytest.fixture(params=["memory", "http"])
def store(request: pytest.FixtureRequest, contract: Contract) -> ContentStore:
    if request.param == "memory":
        return InMemoryContentStore()
    server: ContentServer = request.getfixturevalue("server")
    return HttpContentStore(contract, server.url)


def test_a_stored_text_comes_back_unchanged(store: ContentStore) -> None:
    storage_id = store.put(SWEDISH)
    assert store.get(storage_id) == SWEDISH


def test_every_put_gets_its_own_storage_id(store: ContentStore) -> None:
    assert store.put("same text") != store.put("same text")


def test_an_unknown_storage_id_is_not_found(store: ContentStore) -> None:
    with pytest.raises(ContentNotFoundError) as raised:
        store.get("no-such-id")
    assert raised.value.storage_id == "no-such-id"


def test_the_server_shares_its_store_with_the_process_that_runs_it(
    contract: Contract, server: ContentServer
) -> None:
    storage_id = server.store.put("written in the file simulator's process")
    remote = HttpContentStore(contract, server.url)
    assert remote.get(storage_id) == "written in the file simulator's process"
    assert (
        server.store.get(remote.put("written by another process")) == "written by another process"
    )


def test_a_real_services_url_with_the_path_works_too(
    contract: Contract, server: ContentServer
) -> None:
    """Real services are given CONTENT_SERVICE_URL=http://HOST:PORT/v1/content."""
    remote = HttpContentStore(contract, f"{server.url}/v1/content")
    assert remote.get(remote.put("an essay")) == "an essay"


def test_a_post_answers_201_with_storage_and_correlation_ids(server: ContentServer) -> None:
    correlation_id = str(uuid.uuid4())
    answer = httpx.post(
        f"{server.url}/v1/content",
        content=b"%PDF-1.7 raw bytes",
        headers={"Content-Type": "application/pdf", "X-Correlation-ID": correlation_id},
    )
    assert answer.status_code == 201
    body = answer.json()
    assert set(body) == {"storage_id", "correlation_id"}
    assert len(body["storage_id"]) == 32 and int(body["storage_id"], 16) >= 0
    assert body["correlation_id"] == correlation_id
    fetched = httpx.get(f"{server.url}/v1/content/{body['storage_id']}")
    assert fetched.status_code == 200
    assert fetched.content == b"%PDF-1.7 raw bytes"
    assert fetched.headers["content-type"] == "application/pdf"


def test_an_empty_body_is_a_400_naming_the_body(server: ContentServer) -> None:
    answer = httpx.post(f"{server.url}/v1/content", content=b"")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["error_code"] == "VALIDATION_ERROR"
    assert error["details"]["part"] == "request body"
    assert error["service"] == "content_service" and error["operation"] == "storeContent"


def test_a_malformed_id_is_a_400_and_an_unknown_one_a_404(server: ContentServer) -> None:
    malformed = httpx.get(f"{server.url}/v1/content/not-hex")
    assert malformed.status_code == 400
    assert malformed.json()["error"]["details"]["part"] == "path parameter storage_id"
    unknown = httpx.get(f"{server.url}/v1/content/{uuid.uuid4().hex}")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["error_code"] == "RESOURCE_NOT_FOUND"


def test_every_exchange_is_recorded_and_checked(
    server: ContentServer, exchanges: ExchangeLog
) -> None:
    httpx.post(f"{server.url}/v1/content", content=b"an essay")
    httpx.get(f"{server.url}/v1/content/not-hex")
    seen = [(e.operation_id, e.status, e.server) for e in exchanges.exchanges()]
    assert seen == [
        ("storeContent", 201, "content_service"),
        ("fetchContent", 400, "content_service"),
    ]
    # our own answers keep the contract; the caller's malformed id is its finding
    (found,) = exchanges.violations()
    assert found.breaking and found.message == "path parameter storage_id"
    assert found.sender == exchanges.exchanges()[1].caller


def test_an_unreachable_server_is_a_content_service_error(contract: Contract) -> None:
    server = ContentServer(contract, InMemoryContentStore(), port=0)
    url = server.url
    server.stop()  # the port is closed again: nobody answers there
    with pytest.raises(ContentServiceError) as raised:
        HttpContentStore(contract, url, timeout_s=2).get("anything")
    assert raised.value.url.startswith(url)
    assert "CONTENT_SERVICE_URL" in str(raised.value)
