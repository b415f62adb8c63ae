"""Essay texts addressable by storage id: what the real Content Service holds.

Simulators that read or write texts (file, spellcheck, CJ, LLM provider) take a ``ContentStore``.
In one process they share an ``InMemoryContentStore``; across processes the file simulator serves
the store over HTTP and the others use an HTTP client with the same protocol.

Example::

    store = InMemoryContentStore()
    storage_id = store.put("An essay ...")
    store.get(storage_id)

    server = ContentServer(store, port=0)      # serves the store over HTTP
    server.start()
    remote = HttpContentStore(server.url)      # in another process: the same protocol
    remote.get(storage_id)

The HTTP routes are modelled on the real Content Service: ``POST /v1/content`` (body: the text,
UTF-8) answers ``201 {"storage_id": ...}``; ``GET /v1/content/<storage_id>`` answers the text, or
404.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler
from typing import Protocol

from harness.errors import HarnessError
from harness.http_server import BackgroundHttpServer

CONTENT_PATH = "/v1/content"


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
            hint="is the file simulator running with its content server (content_port)?",
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
    """A thread-safe dict of texts, shared by the simulators of one process."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}
        self._lock = threading.Lock()

    def put(self, text: str) -> str:
        storage_id = uuid.uuid4().hex
        with self._lock:
            self._texts[storage_id] = text
        return storage_id

    def get(self, storage_id: str) -> str:
        with self._lock:
            if storage_id not in self._texts:
                raise ContentNotFoundError(storage_id)
            return self._texts[storage_id]


class ContentServer(BackgroundHttpServer):
    """Serves a ContentStore over HTTP (POST and GET /v1/content), on its own thread."""

    def __init__(self, store: ContentStore, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.store = store
        super().__init__(host, port, _handler_for(store), name="content")

    @property
    def url(self) -> str:
        """The base address clients give to ``HttpContentStore``."""
        return self.base_url


def _handler_for(store: ContentStore) -> type[BaseHTTPRequestHandler]:
    class ContentRequestHandler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.path.rstrip("/") != CONTENT_PATH:
                self._answer(404, b'{"error": "no such route"}', "application/json")
                return
            length = int(self.headers.get("Content-Length") or 0)
            text = self.rfile.read(length).decode("utf-8")
            body = json.dumps({"storage_id": store.put(text)}).encode()
            self._answer(201, body, "application/json")

        def do_GET(self) -> None:
            prefix = CONTENT_PATH + "/"
            storage_id = urllib.parse.unquote(self.path.removeprefix(prefix))
            try:
                if not self.path.startswith(prefix):
                    raise ContentNotFoundError(self.path)
                text = store.get(storage_id)
            except ContentNotFoundError as exc:
                self._answer(404, json.dumps({"error": str(exc)}).encode(), "application/json")
                return
            self._answer(200, text.encode("utf-8"), "text/plain; charset=utf-8")

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: a test run would otherwise print one line per request

    return ContentRequestHandler


class HttpContentStore:
    """A ContentStore in another process, reached over HTTP (``ContentServer`` or the real one)."""

    def __init__(self, base_url: str, *, timeout_s: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s

    def put(self, text: str) -> str:
        request = urllib.request.Request(
            self.base_url + CONTENT_PATH,
            data=text.encode("utf-8"),
            method="POST",
            headers={"Content-Type": "text/plain; charset=utf-8"},
        )
        body = self._fetch(request, storage_id=None)
        try:
            return str(json.loads(body)["storage_id"])
        except (ValueError, KeyError, TypeError):
            reason = f"unexpected answer {body[:200]!r}"
            raise ContentServiceError(request.full_url, reason) from None

    def get(self, storage_id: str) -> str:
        quoted = urllib.parse.quote(storage_id, safe="")
        request = urllib.request.Request(f"{self.base_url}{CONTENT_PATH}/{quoted}")
        return self._fetch(request, storage_id=storage_id).decode("utf-8")

    def _fetch(self, request: urllib.request.Request, *, storage_id: str | None) -> bytes:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            if exc.code == 404 and storage_id is not None:
                raise ContentNotFoundError(storage_id) from None
            raise ContentServiceError(request.full_url, f"HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ContentServiceError(request.full_url, str(reason)) from None
