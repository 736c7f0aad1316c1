"""Shared by the playground's tests: a server on 127.0.0.1 in a thread, and a strict client.

Every response the client sees that is not a 200 must be a JSON ``{"error", "status"}``
object without a traceback: the tests check it on every call, not just in one test.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
from collections.abc import Iterator
from typing import Any

from oneneuron.playground import Limits, Playground, make_server

TEST_LIMITS = Limits(
    upload_bytes=1 << 20,
    rows=1_000,
    columns=12,
    cells=5_000,
    samples=3_000,
    steps=100,
    step_seconds=60.0,  # no test should depend on the machine's speed
    grid=128,
    iterations=500,
    sessions=6,
    uploads=3,
    points_shown=400,
    body_seconds=1.0,
    idle_seconds=5.0,
)


@contextlib.contextmanager
def running_server(limits: Limits = TEST_LIMITS) -> Iterator[Any]:
    """A playground server on 127.0.0.1 (a free port), stopped and closed on exit."""
    server = make_server("127.0.0.1", 0, playground=Playground(limits))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class Response:
    """Status, headers and body of one reply."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def error(self) -> str:
        return str(self.json()["error"])


class Client:
    """Requests to the server with this page's Host and Origin unless told otherwise."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.port = server.port
        self.host = f"127.0.0.1:{self.port}"
        self.origin = f"http://{self.host}"

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        *,
        host: str | None = "default",
        origin: str | None = "default",
    ) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            sent = {"Host": self.host if host == "default" else host}
            if method == "POST":
                sent["Origin"] = self.origin if origin == "default" else origin
            if body is not None:
                sent["Content-Length"] = str(len(body))
            sent.update(headers or {})
            for key, value in sent.items():
                if value is not None:
                    conn.putheader(key, value)
            conn.endheaders(body)
            reply = conn.getresponse()
            response = Response(reply.status, dict(reply.getheaders()), reply.read())
        finally:
            conn.close()
        check_reply(response)
        return response

    def get(self, path: str, **kw: Any) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, obj: Any = None, **kw: Any) -> Response:
        body = json.dumps(obj).encode()
        headers = {"Content-Type": "application/json", **kw.pop("headers", {})}
        return self.request("POST", path, body, headers, **kw)

    def ok(self, path: str, obj: Any = None) -> Any:
        """POST (or GET when obj is None) that must succeed; its JSON."""
        r = self.get(path) if obj is None else self.post(path, obj)
        assert r.status == 200, (r.status, r.body[:300])
        return r.json()

    def session(self, **settings: Any) -> dict[str, Any]:
        created: dict[str, Any] = self.ok("/api/sessions", settings)
        return created

    def upload(self, data: bytes, name: str, ctype: str = "application/octet-stream") -> Response:
        from urllib.parse import quote

        return self.request(
            "POST", f"/api/uploads?name={quote(name)}", data, {"Content-Type": ctype}
        )


def check_reply(response: Response) -> None:
    """Every error is a JSON object naming the problem, never a traceback or a page."""
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    if response.status == 200:
        return
    assert response.headers.get("Content-Type") == "application/json", response.headers
    payload = response.json()
    assert set(payload) == {"error", "status"}, payload
    assert payload["status"] == response.status
    assert isinstance(payload["error"], str) and payload["error"]
    assert "Traceback" not in payload["error"] and 'File "' not in payload["error"]
