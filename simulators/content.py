"""Essay texts addressable by storage id: what the real Content Service holds.

Simulators that read or write texts (file, spellcheck, CJ, LLM provider) take a ``ContentStore``.
In one process they share an ``InMemoryContentStore``; a ``ContentServer`` serves it over HTTP in
the real Content Service's shape (contracts/openapi.yaml: storeContent, fetchContent), so that
other processes, and real services, use it through ``HttpContentStore`` or their own client.

Example::

    store = InMemoryContentStore()
    storage_id = store.put("An essay ...")
    store.get(storage_id)

    server = ContentServer(contract, store, port=0)    # serves the store over HTTP
    server.start()
    remote = HttpContentStore(contract, server.url)    # in another process: the same protocol
    remote.get(storage_id)

As the real Content Service: ``POST /v1/content`` stores the raw bytes with their Content-Type and
answers ``201 {"storage_id", "correlation_id"}`` (400 on an empty body); ``GET
/v1/content/{storage_id}`` answers the bytes with the stored type, 400 on an id that is not 32
hex characters, 404 RESOURCE_NOT_FOUND on an unknown one.
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any, Protocol

from harness.contract import Contract
from harness.errors import ClientError, HarnessError
from harness.exchanges import ExchangeLog
from harness.http_app import ContractApp, HttpProblem, HttpReply, HttpRequest
from harness.http_client import ContractClient, HttpAnswer
from harness.http_server import HttpServer

SERVICE = "content_service"
TEXT = "text/plain; charset=utf-8"


class ContentNotFoundError(HarnessError):
    """No text is stored under this storage id."""

    def __init__(self, storage_id: str) -> None:
        self.storage_id = storage_id
        super().__init__(f"no content stored under storage id {storage_id!r}")


class ContentServiceError(HarnessError):
    """The content store over HTTP cannot be reached or answered something unexpected."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(
            f"content service at {url} failed: {reason}.",
            hint="is the content service running? `up` prints its address as "
            "CONTENT_SERVICE_URL (`simulate` takes it as --content-url)",
        )


class ContentStore(Protocol):
    """Put and get texts by storage id."""

    def put(self, text: str) -> str:
        """Store ``text``; return its new storage id."""
        ...

    def get(self, storage_id: str) -> str:
        """The text stored under ``storage_id`` (ContentNotFoundError when none)."""
        ...


class InMemoryContentStore:
    """A thread-safe dict of contents (bytes and their type), shared by one process."""

    def __init__(self) -> None:
        self._contents: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()

    def put(self, text: str) -> str:
        return self.put_bytes(text.encode("utf-8"), TEXT)

    def get(self, storage_id: str) -> str:
        return self.get_bytes(storage_id)[0].decode("utf-8", errors="replace")

    def put_bytes(self, content: bytes, content_type: str) -> str:
        storage_id = uuid.uuid4().hex
        with self._lock:
            self._contents[storage_id] = (content, content_type)
        return storage_id

    def get_bytes(self, storage_id: str) -> tuple[bytes, str]:
        with self._lock:
            if storage_id not in self._contents:
                raise ContentNotFoundError(storage_id)
            return self._contents[storage_id]


class FileContentStore(InMemoryContentStore):
    """An InMemoryContentStore that also keeps every text in a directory, and reads them all
    back when made again on it (``up --state-dir``: the texts outlive the process)."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        for path in directory.glob("*.type"):
            storage_id = path.stem
            body = directory / storage_id
            if body.exists():
                self._contents[storage_id] = (body.read_bytes(), path.read_text("utf-8"))

    def put_bytes(self, content: bytes, content_type: str) -> str:
        storage_id = super().put_bytes(content, content_type)
        (self.directory / storage_id).write_bytes(content)
        (self.directory / f"{storage_id}.type").write_text(content_type, "utf-8")  # last
        return storage_id


class ContentServer:
    """Serves an InMemoryContentStore over HTTP as the Content Service, on its own thread."""

    def __init__(
        self,
        contract: Contract,
        store: InMemoryContentStore,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        exchanges: ExchangeLog | None = None,
    ) -> None:
        self.store = store
        handlers = {"storeContent": self._store, "fetchContent": self._fetch}
        app = ContractApp(contract, SERVICE, handlers, exchanges=exchanges)
        self._server = HttpServer(app, host=host, port=port, name="content")

    @property
    def url(self) -> str:
        """The base address (``HttpContentStore``'s; real services add ``/v1/content``)."""
        return self._server.base_url

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def _store(self, request: HttpRequest) -> HttpReply:
        content_type = request.headers.get("content-type") or "text/plain"
        storage_id = self.store.put_bytes(request.body, content_type)
        correlation_id = request.correlation_id or str(uuid.uuid4())
        return HttpReply(201, {"storage_id": storage_id, "correlation_id": correlation_id})

    def _fetch(self, request: HttpRequest) -> HttpReply:
        storage_id = request.params["storage_id"]
        try:
            content, content_type = self.store.get_bytes(storage_id)
        except ContentNotFoundError:
            raise HttpProblem(
                404,
                "RESOURCE_NOT_FOUND",
                f"no content under {storage_id}",
                resource_type="content",
                resource_id=storage_id,
            ) from None
        return HttpReply(200, content, content_type=content_type)


class HttpContentStore:
    """A ContentStore reached over HTTP (``ContentServer`` or the real Content Service)."""

    def __init__(
        self,
        contract: Contract,
        base_url: str,
        *,
        caller: str = "file_service",
        timeout_s: float = 10.0,
        exchanges: ExchangeLog | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/").removesuffix("/v1/content")
        self._client = ContractClient(
            contract, self.base_url, caller=caller, timeout_s=timeout_s, exchanges=exchanges
        )

    def put(self, text: str) -> str:
        answer = self._call("storeContent", content=text.encode("utf-8"), content_type=TEXT)
        if answer.status != 201 or not isinstance(answer.json, dict):
            raise ContentServiceError(self.base_url, f"HTTP {answer.status}: {answer.text[:200]}")
        return str(answer.json["storage_id"])

    def get(self, storage_id: str) -> str:
        answer = self._call("fetchContent", params={"storage_id": storage_id}, check_request=False)
        if answer.status in (400, 404):
            raise ContentNotFoundError(storage_id)
        if answer.status != 200:
            raise ContentServiceError(self.base_url, f"HTTP {answer.status}: {answer.text[:200]}")
        return answer.text

    def _call(self, operation_id: str, **request: Any) -> HttpAnswer:
        try:
            return self._client.call(operation_id, **request)
        except ClientError as exc:
            raise ContentServiceError(self.base_url, exc.detail) from None
