"""The content store: in memory, and the same protocol over HTTP across processes."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest

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
def server() -> Iterator[ContentServer]:
    content = ContentServer(InMemoryContentStore(), port=0)
    content.start()
    yield content
    content.stop()


@pytest.fixture(params=["memory", "http"])
def store(request: pytest.FixtureRequest) -> ContentStore:
    if request.param == "memory":
        return InMemoryContentStore()
    server: ContentServer = request.getfixturevalue("server")
    return HttpContentStore(server.url)


def test_a_stored_text_comes_back_unchanged(store: ContentStore) -> None:
    storage_id = store.put(SWEDISH)
    assert store.get(storage_id) == SWEDISH


def test_every_put_gets_its_own_storage_id(store: ContentStore) -> None:
    assert store.put("same text") != store.put("same text")


def test_an_unknown_storage_id_is_not_found(store: ContentStore) -> None:
    with pytest.raises(ContentNotFoundError) as raised:
        store.get("no-such-id")
    assert raised.value.storage_id == "no-such-id"


def test_the_server_shares_its_store_with_the_process_that_runs_it(server: ContentServer) -> None:
    storage_id = server.store.put("written in the file simulator's process")
    remote = HttpContentStore(server.url)
    assert remote.get(storage_id) == "written in the file simulator's process"
    assert (
        server.store.get(remote.put("written by another process")) == "written by another process"
    )


def test_the_routes_are_those_of_the_content_service(server: ContentServer) -> None:
    posted = urllib.request.Request(f"{server.url}/v1/content", data=b"an essay", method="POST")
    with urllib.request.urlopen(posted, timeout=5) as response:
        assert response.status == 201
        storage_id = response.read().decode().split('"')[3]
    with urllib.request.urlopen(f"{server.url}/v1/content/{storage_id}", timeout=5) as response:
        assert response.read() == b"an essay"


def test_an_unreachable_server_is_a_content_service_error() -> None:
    server = ContentServer(InMemoryContentStore(), port=0)
    url = server.url
    server.stop()  # the port is closed again: nobody answers there
    with pytest.raises(ContentServiceError) as raised:
        HttpContentStore(url, timeout_s=2).get("anything")
    assert raised.value.url.startswith(url)
    assert "content_port" in str(raised.value)
