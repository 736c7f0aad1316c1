"""The playground's HTTP server: the standard library's ThreadingHTTPServer, guarded.

:class:`PlaygroundServer` owns the state and caps the requests handled at once; each
connection is served by :class:`~._handler.Handler` (routes and guards).

Routes (anything else is a JSON 404 or 405)::

    GET  /                              the page
    GET  /static/<name>                 its script and style (a fixed in-memory table)
    GET  /api/options                   data sets, solvers, crosses, defaults, limits
    POST /api/uploads?name=<file>       a CSV/TSV/Parquet table as the raw body
    POST /api/sessions                  settings -> a new run and its first update
    POST /api/sessions/<id>/step        {"steps": n} -> n more iterations, the new update
    POST /api/sessions/<id>/reset       back to iteration 0
    POST /api/sessions/<id>/predict     {"point": [x, y]} -> class and probability
    GET  /api/sessions/<id>/model.json  the model file (oneneuron.load reads it)
    GET  /api/sessions/<id>/snippet.py  a script that reproduces the run

Every request must carry a Host header naming this server (``localhost`` or an IP
address, with its port), which defeats DNS rebinding; every POST must come from this
server's own page (its Origin) with the right content type. Bodies must declare their
length, which is checked against :class:`~._settings.Limits` before a byte is read, and
must arrive within ``body_seconds``. Static files are served from a table built at
start-up, so no request path ever reaches the file system.
"""

from __future__ import annotations

import socket
import threading
from http.server import ThreadingHTTPServer
from importlib import resources
from typing import Any

from ._app import Playground
from ._handler import TYPES, Handler
from ._settings import Limits

__all__ = ["PlaygroundServer", "make_server"]


def _static_files() -> dict[str, tuple[bytes, str]]:
    """The page's files, read once: name -> (content, content type)."""
    table = {}
    for entry in (resources.files(__package__) / "static").iterdir():
        suffix = "." + entry.name.rsplit(".", 1)[-1]
        if entry.is_file() and suffix in TYPES:
            table[entry.name] = (entry.read_bytes(), TYPES[suffix])
    return table


class PlaygroundServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer that holds the :class:`Playground` and caps open requests."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], playground: Playground) -> None:
        host = address[0]
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.playground = playground
        self.limits: Limits = playground.limits
        self.static = _static_files()
        self._slots = threading.BoundedSemaphore(self.limits.connections)
        super().__init__(address, Handler)
        self.names = {"localhost", host.strip("[]").lower()}

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        """The page's address (loopback when bound to every interface)."""
        host = str(self.server_address[0])
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
        return f"http://{'[' + host + ']' if ':' in host else host}:{self.port}/"

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            body = b'{"error": "too many requests at once; try again", "status": 503}'
            head = (
                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            try:
                request.sendall(head.encode() + body)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


def make_server(
    host: str = "127.0.0.1", port: int = 0, *, playground: Playground | None = None
) -> PlaygroundServer:
    """A playground server bound to ``host:port``, ready for ``serve_forever``.

    Parameters
    ----------
    host : str, default="127.0.0.1"
        Interface to listen on: an IPv4 or IPv6 address or a host name.
    port : int, default=0
        0 picks a free port (read it back from ``server.port`` or ``server.url``).
    playground : Playground, optional
        The state to serve (its :class:`~._settings.Limits` apply); a new one by default.

    Returns
    -------
    PlaygroundServer
        Stop it with ``shutdown()`` (from another thread) and ``server_close()``.

    Examples
    --------
    >>> import threading
    >>> server = make_server()
    >>> thread = threading.Thread(target=server.serve_forever)
    >>> thread.start()
    >>> server.url.startswith("http://127.0.0.1:")
    True
    >>> server.shutdown(); server.server_close(); thread.join()
    """
    return PlaygroundServer((host, port), playground or Playground())
