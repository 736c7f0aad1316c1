"""One connection of the playground's server: routes, the Host/Origin guards, bounded
bodies and JSON errors (the routes are listed in :mod:`._server`)."""

from __future__ import annotations

import ipaddress
import json
import socket
import sys
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from ._settings import BadRequest, NotFound, TooLarge

if TYPE_CHECKING:
    from ._server import PlaygroundServer

__all__ = ["TYPES", "HTTPProblem", "Handler"]

TYPES = {
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
