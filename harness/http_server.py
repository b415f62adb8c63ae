"""An HTTP server on a background thread: the one lifecycle every HTTP-speaking service shares.

BOS, BCS and every simulated HTTP service differ in their ``ContractApp``, not in how a server
is bound, started, stopped and addressed. The server is werkzeug's threaded WSGI server::

    server = HttpServer(app, host="127.0.0.1", port=0, name="bos")   # port 0: a free one
    server.start()
    server.base_url                                  # 'http://127.0.0.1:43127'
    server.stop()
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from harness.errors import HarnessError

log = logging.getLogger(__name__)


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug logs every request at INFO on stderr; a test run would print thousands."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.debug("%s %s -> %s", self.command, self.path, code)

    def log(self, type: str, message: str, *args: Any) -> None:
        log.debug(message, *args)


class HttpServer:
    """Binds at construction (so the address is known at once), serves on its own thread."""

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0, name: str = "http"):
        self.name = name
        try:
            self._server: BaseWSGIServer = make_server(
                host, port, app, threaded=True, request_handler=_QuietHandler
            )
        except OSError as exc:
            raise HarnessError(
                f"{name} cannot listen on {host}:{port}: {exc.strerror or exc}.",
                hint="choose another port, or 0 for a free one",
            ) from None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

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
