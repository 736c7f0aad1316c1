"""The playground's HTTP server: the standard library's ThreadingHTTPServer, guarded.

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

import ipaddress
import json
import socket
import sys
import threading
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ._app import Playground
from ._settings import BadRequest, Limits, NotFound, TooLarge

__all__ = ["PlaygroundServer", "make_server"]

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
)
_ACTIONS = {"step", "reset", "predict"}
_UPLOAD_TYPE = "application/octet-stream"
_DRAIN_BYTES = 64 * 2**20


class HTTPProblem(Exception):
    """An HTTP error other than the app's own (wrong host, method, length, ...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _static_files() -> dict[str, tuple[bytes, str]]:
    """The page's files, read once: name -> (content, content type)."""
    table = {}
    for entry in (resources.files(__package__) / "static").iterdir():
        suffix = "." + entry.name.rsplit(".", 1)[-1]
        if entry.is_file() and suffix in _TYPES:
            table[entry.name] = (entry.read_bytes(), _TYPES[suffix])
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
    """A playground server bound to ``host:port`` (0: a free port); call ``serve_forever``."""
    return PlaygroundServer((host, port), playground or Playground())


class Handler(BaseHTTPRequestHandler):
    """One connection: routing, the Host/Origin checks, bounded bodies, JSON errors."""

    server: PlaygroundServer
    protocol_version = "HTTP/1.1"
    server_version = "oneneuron-playground"
    sys_version = ""

    wbufsize = 1 << 16  # headers and body leave in one write (no Nagle / delayed-ACK stall)

    def setup(self) -> None:
        self.timeout = self.server.limits.idle_seconds  # type: ignore[misc]
        super().setup()
        if self.connection.family in (socket.AF_INET, socket.AF_INET6):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def finish(self) -> None:
        """After refusing a body without reading it, read and drop what the client still
        sends (a little, briefly) so that it sees the reply instead of a reset."""
        super().finish()
        if not getattr(self, "_unread", False):
            return
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(0.5)
            deadline, drained = time.monotonic() + 2.0, 0
            while time.monotonic() < deadline and drained < _DRAIN_BYTES:
                chunk = self.connection.recv(1 << 16)
                if not chunk:
                    break
                drained += len(chunk)
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the page polls many times a second (errors go to :meth:`_internal`)."""

    # ------------------------------------------------------------------ replies
    def _send(
        self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        headers = {
            "Content-Type": ctype,
            "Content-Length": str(len(body)),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cross-Origin-Resource-Policy": "same-origin",
            "X-Frame-Options": "DENY",
            **(extra or {}),
        }
        if getattr(self, "_unread", False):  # a body nobody read: end the connection
            self.close_connection = True
        if self.close_connection:
            headers["Connection"] = "close"
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj: Any) -> None:
        body = json.dumps(obj, allow_nan=False, separators=(",", ":")).encode()
        self._send(status, body, "application/json")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors found by http.server itself (bad request line, huge headers) as JSON."""
        self.close_connection = True
        text = (message or HTTPStatus(code).phrase)[:200]
        try:
            self._json(code, {"error": text, "status": code})
            self.wfile.flush()
        except OSError:
            pass

    # ------------------------------------------------------------------ methods
    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def _refuse_method(self) -> None:
        self.close_connection = True
        self._json(405, {"error": f"method {self.command} is not allowed", "status": 405})

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse_method

    def _handle(self, method: str) -> None:
        declared = self.headers.get("Content-Length", "0").strip()
        self._unread = declared not in ("", "0") or "Transfer-Encoding" in self.headers
        try:
            self._check_host()
            target = urlsplit(self.path)
            if method == "POST":
                self._check_origin()
            self._route(method, target.path, parse_qs(target.query))
        except HTTPProblem as exc:
            self._problem(exc.status, str(exc))
        except BadRequest as exc:
            self._problem(exc.status, str(exc))
        except (ConnectionError, TimeoutError) as exc:
            if isinstance(exc, TimeoutError):
                self._problem(408, "the request body did not arrive in time")
            self.close_connection = True
        except Exception:
            self._internal()

    def _problem(self, status: int, message: str) -> None:
        if self._unread or status in (408, 411, 413, 501) or status >= 500:
            self.close_connection = True  # an unread body would be taken for the next request
        try:
            self._json(status, {"error": message, "status": status})
        except OSError:
            self.close_connection = True

    def _internal(self) -> None:
        sys.stderr.write(f"oneneuron playground: error on {self.command} {self.path[:200]}\n")
        traceback.print_exc(file=sys.stderr)
        self._problem(500, "internal error in the playground (details on the server's stderr)")

    # ------------------------------------------------------------------ guards
    def _check_host(self) -> None:
        host = self.headers.get("Host", "")
        name, _, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
        if not name or not port.isdigit() or int(port) != self.server.port:
            raise HTTPProblem(400 if not host else 403, f"Host {host[:100]!r} is not this server")
        bare = name.strip("[]").lower()
        if bare not in self.server.names:
            try:
                ipaddress.ip_address(bare)
            except ValueError:
                raise HTTPProblem(
                    403, f"Host {host[:100]!r} is not this server (use localhost or its IP address)"
                ) from None

    def _check_origin(self) -> None:
        origin = self.headers.get("Origin")
        expected = "http://" + self.headers.get("Host", "")
        if origin != expected:
            raise HTTPProblem(403, f"cross-origin request refused (Origin {str(origin)[:100]!r})")
        fetch_site = self.headers.get("Sec-Fetch-Site")
        if fetch_site not in (None, "same-origin"):
            raise HTTPProblem(403, f"cross-site request refused (Sec-Fetch-Site {fetch_site!r})")

    def _body(self, limit: int, ctype: str) -> bytes:
        given = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if given != ctype:
            raise HTTPProblem(415, f"Content-Type must be {ctype}; got {given or 'none'!r}")
        if self.headers.get("Transfer-Encoding"):
            raise HTTPProblem(501, "chunked request bodies are not supported; send Content-Length")
        if len(self.headers.get_all("Content-Length") or []) > 1:
            raise HTTPProblem(400, "more than one Content-Length header")
        length = self.headers.get("Content-Length")
        if length is None:
            raise HTTPProblem(411, "the request needs a Content-Length header")
        if not length.isdigit():
            raise HTTPProblem(400, f"bad Content-Length {length[:40]!r}")
        size = int(length)
        if size > limit:
            raise TooLarge(f"the body is {size:,} bytes; the most allowed here is {limit:,}")
        deadline = time.monotonic() + self.server.limits.body_seconds
        chunks, left = [], size
        while left:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            self.connection.settimeout(min(remaining, self.server.limits.idle_seconds))
            chunk = self.rfile.read1(min(left, 1 << 16))
            if not chunk:
                raise HTTPProblem(400, f"the body ended after {size - left:,} of {size:,} bytes")
            chunks.append(chunk)
            left -= len(chunk)
        self.connection.settimeout(self.server.limits.idle_seconds)
        self._unread = False
        return b"".join(chunks)

    def _json_body(self) -> Any:
        data = self._body(self.server.limits.json_bytes, "application/json")

        def no_constant(name: str) -> Any:
            raise BadRequest(f"the JSON body holds {name}, which is not a number JSON allows")

        try:
            return json.loads(data.decode("utf-8"), parse_constant=no_constant)
        except UnicodeDecodeError:
            raise BadRequest("the body is not UTF-8 text") from None
        except (json.JSONDecodeError, RecursionError) as exc:
            raise BadRequest(f"the body is not valid JSON ({str(exc)[:100]})") from None

    # ------------------------------------------------------------------ routes
    def _route(self, method: str, path: str, query: dict[str, list[str]]) -> None:
        app = self.server.playground
        get = method in ("GET", "HEAD")
        if path == "/" or path.startswith("/static/"):
            if not get:
                raise HTTPProblem(405, f"method {method} is not allowed on {path[:100]}")
            name = "index.html" if path == "/" else path[len("/static/") :]
            if name not in self.server.static:
                raise NotFound(f"no such file: {path[:100]}")
            body, ctype = self.server.static[name]
            extra = {"Cache-Control": "no-cache"}
            if ctype.startswith("text/html"):
                extra["Content-Security-Policy"] = _CSP
            self._send(200, body, ctype, extra)
            return
        parts = path.split("/")
        if path == "/api/options" and get:
            self._json(200, app.options())
        elif path == "/api/uploads" and method == "POST":
            names = query.get("name", [])
            if len(names) != 1:
                raise BadRequest("say the file's name: POST /api/uploads?name=data.csv")
            data = self._body(self.server.limits.upload_bytes, _UPLOAD_TYPE)
            self._json(200, app.upload(data, names[0]))
        elif path == "/api/sessions" and method == "POST":
            self._json(200, app.create(self._json_body()))
        elif len(parts) == 5 and parts[:3] == ["", "api", "sessions"]:
            sid, action = parts[3], parts[4]
            if method == "POST" and action in _ACTIONS:
                self._json(200, getattr(app, action)(sid, self._json_body()))
            elif get and action == "model.json":
                self._download(app.model_file(sid), "application/json", "oneneuron-model.json")
            elif get and action == "snippet.py":
                code = app.snippet(sid).encode()
                self._download(code, "text/x-python; charset=utf-8", "oneneuron-playground.py")
            elif action in _ACTIONS or action in ("model.json", "snippet.py"):
                raise HTTPProblem(405, f"method {method} is not allowed on {path[:100]}")
            else:
                raise NotFound(f"no such endpoint: {path[:100]}")
        elif path in ("/api/options", "/api/uploads", "/api/sessions"):
            raise HTTPProblem(405, f"method {method} is not allowed on {path}")
        else:
            raise NotFound(f"no such endpoint: {path[:100]}")

    def _download(self, body: bytes, ctype: str, filename: str) -> None:
        disposition = f'attachment; filename="{filename}"'
        self._send(200, body, ctype, {"Content-Disposition": disposition})
