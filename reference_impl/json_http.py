"""A small JSON-over-HTTP server: stdlib ThreadingHTTPServer in a thread, a table of routes.

Example::

    server = JsonHttpServer("127.0.0.1", 0, [("GET", "/v1/batches/{batch_id}", show_batch)])
    server.start()
    server.base_url          # http://127.0.0.1:43127

A handler gets a JsonRequest and returns a JsonResponse. A RequestBodyError becomes 400 with its
``detail``; any other exception 500 with a ``detail``; an unknown path 404.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from harness.http_server import BackgroundHttpServer
from reference_impl.errors import RequestBodyError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JsonRequest:
    method: str
    path: str
    params: Mapping[str, str]
    headers: Mapping[str, str]
    """Header names in lower case."""
    body: Any = None


@dataclass(frozen=True)
class JsonResponse:
    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)


Handler = Callable[[JsonRequest], JsonResponse]
Route = tuple[str, str, Handler]


def error(status: int, detail: str, **extra: Any) -> JsonResponse:
    """An error answer: ``{"detail": ...}`` plus any extra keys."""
    return JsonResponse(status, {**extra, "detail": detail})


class _Router:
    def __init__(self, routes: Sequence[Route]) -> None:
        self.routes = [(m, _pattern(p), h) for m, p, h in routes]

    def find(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
        for route_method, pattern, handler in self.routes:
            match = pattern.fullmatch(path)
            if match and route_method == method:
                return handler, match.groupdict()
        return None


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template))


class JsonHttpServer(BackgroundHttpServer):
    """Serves ``routes`` (JSON in, JSON out) on (host, port); port 0 picks a free one."""

    def __init__(
        self, host: str, port: int, routes: Sequence[Route], *, name: str = "http"
    ) -> None:
        self.router = _Router(routes)
        super().__init__(host, port, _handler_class(self.router), name=name)


def _handler_class(router: _Router) -> type[BaseHTTPRequestHandler]:
    class _JsonHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            path = self.path.split("?", 1)[0]
            found = router.find(method, path)
            if found is None:
                self._answer(error(404, f"no route for {method} {path}"))
                return
            handler, params = found
            self._answer(_respond(handler, self._request(method, path, params)))

        def _request(self, method: str, path: str, params: dict[str, str]) -> JsonRequest | str:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                return f"the request body is not JSON: {exc}"
            headers = {k.lower(): v for k, v in self.headers.items()}
            return JsonRequest(method, path, params, headers, body)

        def _answer(self, response: JsonResponse) -> None:
            payload = json.dumps(response.body).encode()
            self.send_response(response.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s " + format, self.address_string(), *args)

    return _JsonHandler


def _respond(handler: Handler, request: JsonRequest | str) -> JsonResponse:
    if isinstance(request, str):
        return error(400, request)
    try:
        return handler(request)
    except RequestBodyError as exc:
        return error(400, exc.detail)
    except Exception as exc:  # a bug must answer 500, not drop the connection
        log.exception("%s %s failed", request.method, request.path)
        return error(500, f"internal error: {type(exc).__name__}: {exc}")
