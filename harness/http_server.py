"""An HTTP server on a background thread: the lifecycle every HTTP-speaking service shares.

BOS, BCS and the content store each answer HTTP beside their Kafka consumers; they differ in
their routes, not in how a server is bound, started, stopped and addressed::

    server = BackgroundHttpServer("127.0.0.1", 0, MyHandler, name="bos")   # port 0: a free one
    server.start()
    server.base_url                                  # 'http://127.0.0.1:43127'
    server.stop()
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog of 5 resets connections of 50 clients at once


class BackgroundHttpServer:
    """Binds at construction (so the address is known at once), serves on its own thread."""

    def __init__(
        self, host: str, port: int, handler: type[BaseHTTPRequestHandler], *, name: str = "http"
    ) -> None:
        self.name = name
        self._server = _Server((host, port), handler)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},  # how long stop() may wait for the loop
                name=f"{self.name}-http",
                daemon=True,
            )
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()
