"""The playground's HTTP API: every endpoint, bad input, the limits, and the guards.

A server runs on 127.0.0.1 in a thread for this module (small limits, so that the limits
can be reached cheaply); every reply goes through ``check_reply`` (errors are JSON, never
a traceback).
"""

from __future__ import annotations

import base64
import dataclasses
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import oneneuron
from oneneuron import LogisticRegression
from oneneuron.cli import main
from oneneuron.datasets import load, train_test_split
from oneneuron.playground import Playground, add_crosses
from oneneuron.playground._session import Session
from oneneuron.playground._settings import BUILTIN

from .playground_client import TEST_LIMITS, Client, running_server

LIM = TEST_LIMITS


@pytest.fixture(scope="module")
def server() -> Any:
    with running_server() as srv:
        yield srv


@pytest.fixture
def client(server: Any) -> Client:
    return Client(server)


def _raw(port: int, data: bytes, *, read: bool = True, timeout: float = 10) -> bytes:
    """Send raw bytes to the server and read the whole reply (the connection closes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while read:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


# ---------------------------------------------------------------------- the page
def test_page_and_static_files(client: Client) -> None:
    page = client.get("/")
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert page.headers["X-Frame-Options"] == "DENY"
    html = page.body.decode()
    assert '<script src="/static/app.js"' in html
    total = len(page.body)
    for name, kind in [("app.js", "text/javascript"), ("style.css", "text/css")]:
        r = client.get(f"/static/{name}")
        assert r.status == 200 and r.headers["Content-Type"].startswith(kind)
        total += len(r.body)
    assert total < 300_000
    assert b"http://" not in page.body and b"https://" not in page.body  # nothing from a network


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../etc/passwd",
        "/static/..%2f..%2fetc%2fpasswd",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/%252e%252e/%252e%252e/etc/passwd",
        "/static/..\\..\\etc\\passwd",
        "/static//etc/passwd",
        "/static/./app.js",
        "/static/app.js%00.html",
        "/static/../_server.py",
        "/static/../__init__.py",
        "/../../../../etc/passwd",
        "//etc/passwd",
        "/etc/passwd",
        "/static/" + "a" * 3000,
    ],
)
def test_static_serving_has_no_path_traversal(client: Client, path: str) -> None:
    r = client.get(path)
    assert r.status == 404
    assert b"root:" not in r.body and b"import" not in r.body


def test_raw_request_lines_cannot_escape(server: Any) -> None:
    for target in (b"../../etc/passwd", b"/static/\xff\xfe", b"*"):
        request = b"GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n"
        reply = _raw(server.port, request % (target, server.port))
        status = int(reply.split(b" ", 2)[1])
        assert status in (400, 404) and b"root:" not in reply
    reply = _raw(server.port, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 414") or reply.startswith(b"HTTP/1.0 414")
    assert b'"error"' in reply


# ------------------------------------------------------------------- host / origin
@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",
        "localhost.evil.example:{port}",
        "127.0.0.1.nip.io:{port}",
        "127.0.0.1:1",
        "127.0.0.1",
        "localhost",
    ],
)
def test_wrong_host_is_refused(client: Client, host: str) -> None:
    r = client.get("/api/options", host=host.format(port=client.port))
    assert r.status == 403 and "Host" in r.error


def test_missing_host_is_refused(client: Client) -> None:
    assert client.get("/", host=None).status == 400


@pytest.mark.parametrize("host", ["localhost:{port}", "[::1]:{port}", "10.1.2.3:{port}"])
def test_loopback_name_and_ip_literals_are_accepted(client: Client, host: str) -> None:
    # DNS rebinding needs a host *name*; an IP literal cannot be rebound
    assert client.get("/api/options", host=host.format(port=client.port)).status == 200


@pytest.mark.parametrize(
    "origin, extra",
    [
        ("http://evil.example", {}),
        (None, {}),
        ("null", {}),
        ("http://127.0.0.1:1", {}),
        ("https://127.0.0.1:{port}", {}),
        ("default", {"Sec-Fetch-Site": "cross-site"}),
    ],
)
def test_post_must_come_from_the_page(client: Client, server: Any, origin: Any, extra: Any) -> None:
    before = len(server.playground.sessions)
    if origin not in (None, "default"):
        origin = origin.format(port=client.port)
    r = client.post("/api/sessions", {"dataset": "blobs"}, origin=origin, headers=extra)
    assert r.status == 403 and "refused" in r.error
    assert len(server.playground.sessions) == before  # nothing was created


def test_cross_origin_upload_is_refused_before_the_body_is_read(client: Client) -> None:
    r = client.request(
        "POST",
        "/api/uploads?name=t.csv",
        b"a,b\n1,2\n",
        {"Content-Type": "application/octet-stream"},
        origin="http://evil.example",
    )
    assert r.status == 403 and r.headers.get("Connection") == "close"


# ------------------------------------------------------------------------ options
def test_options(client: Client) -> None:
    opts = client.ok("/api/options")
    assert list(opts["datasets"]) == list(BUILTIN)
    assert set(opts["solvers"]) == {"gd", "sgd", "newton", "lbfgs", "proxnewton"}
    assert opts["limits"]["steps"] == LIM.steps
    assert opts["defaults"]["dataset"] in BUILTIN
    assert opts["version"] == oneneuron.__version__


# ------------------------------------------------------------------- sessions
@pytest.mark.parametrize("dataset", list(BUILTIN))
def test_every_builtin_dataset_trains(client: Client, dataset: str) -> None:
    created = client.session(dataset=dataset, standardize=True, learning_rate=0.5, grid=16)
    data, first = created["data"], created["update"]
    assert first["iteration"] == 0 and first["weights"] == [0.0] * len(data["model_features"])
    update = client.ok(f"/api/sessions/{created['session']}/step", {"steps": 30})
    assert update["iteration"] == 30 and update["steps"] == 30
    assert update["record"]["loss"] < first["record"]["loss"]
    grid = base64.b64decode(update["grid"]["p"])
    assert len(grid) == 16 * 16 and len(set(grid)) > 1  # the map is painted, not flat
    assert len(data["train"]["x"]) + len(data["test"]["x"]) <= LIM.points_shown
    assert len(data["view"]) == 2 and set(data["view"]) <= set(data["features"])


def test_weights_are_the_engines(client: Client) -> None:
    """25 steps in the playground give the weights of fit(max_iter=25) on the same data."""
    settings = dict(dataset="moons", n_samples=300, noise=0.25, seed=3, train_fraction=0.6)
    created = client.session(**settings, crosses=["x1sq", "x1x2"], learning_rate=0.4)
    update = client.ok(f"/api/sessions/{created['session']}/step", {"steps": 25})
    data = load("moons", n_samples=300, noise=0.25, random_state=3)
    X_tr, X_te, y_tr, _ = train_test_split(data.X, data.y, test_size=0.4, random_state=3)
    X = add_crosses(pd.DataFrame(X_tr, columns=["x1", "x2"]), ("x1", "x2"), ["x1sq", "x1x2"])
    model = LogisticRegression(solver="gd", learning_rate=0.4, max_iter=25, tol=None).fit(X, y_tr)
    np.testing.assert_allclose(update["weights"], model.coef_[0], rtol=1e-5)
    assert update["bias"] == pytest.approx(model.intercept_[0], rel=1e-5)
    assert update["record"]["loss"] == pytest.approx(model.history_["loss"][-1], rel=1e-5)
    assert len(update["curves"]["loss"]) == 26
    assert created["data"]["n_train"] == len(y_tr) and created["data"]["n_test"] == len(X_te)


@pytest.mark.parametrize("fraction, n_train", [(0.7, 140), (0.9, 180), (0.1, 20)])
def test_train_fraction_splits_as_written(client: Client, fraction: float, n_train: int) -> None:
    # 1 - 0.7 is 0.30000000000000004 in floating point: 61 test points, not 60, unless
    # the fraction is taken as the user wrote it
    data = client.session(dataset="moons", n_samples=200, train_fraction=fraction)["data"]
    assert (data["n_train"], data["n_test"]) == (n_train, 200 - n_train)


def test_equations_show_the_next_gradient_step(client: Client) -> None:
    created = client.session(dataset="blobs", learning_rate=0.2, alpha=0.01)
    sid = created["session"]
    now = client.ok(f"/api/sessions/{sid}/step", {"steps": 3, "equations": True})
    eq = now["equations"]
    after = client.ok(f"/api/sessions/{sid}/step", {"steps": 1})
    np.testing.assert_allclose(eq["next"]["W"], after["weights"], rtol=1e-6)
    assert eq["next"]["b"] == pytest.approx(after["bias"], rel=1e-6)
    w, b, x = np.array(now["weights"]), now["bias"], np.array(eq["example"]["x"])
    assert eq["example"]["z"] == pytest.approx(float(w @ x + b), rel=1e-4, abs=1e-6)
    assert eq["J"] == pytest.approx(now["record"]["loss"])
    assert eq["J"] - eq["cost"] == pytest.approx(0.005 * float(w @ w), rel=1e-3)
    assert client.ok(f"/api/sessions/{sid}/step", {"steps": 0})["equations"] is None
    other = client.session(dataset="blobs", solver="newton")
    eq = client.ok(f"/api/sessions/{other['session']}/step", {"steps": 1, "equations": True})
    assert eq["equations"]["next"] is None  # only plain gd steps along -gradient


def test_l1_ratio_trains_the_engines_lasso_and_shows_its_soft_threshold(client: Client) -> None:
    """With l1_ratio, the playground's gd takes the engine's proximal steps: weights the
    threshold catches are exactly 0, and the equations' next step is the engine's."""
    settings = dict(dataset="moons", n_samples=300, noise=0.25, seed=3, train_fraction=0.6)
    crosses = ["x1sq", "x2sq", "x1x2", "sinx1"]
    created = client.session(
        **settings, crosses=crosses, learning_rate=0.3, alpha=0.05, l1_ratio=1.0
    )
    sid = created["session"]
    now = client.ok(f"/api/sessions/{sid}/step", {"steps": 40, "equations": True})
    data = load("moons", n_samples=300, noise=0.25, random_state=3)
    X_tr, _, y_tr, _ = train_test_split(data.X, data.y, test_size=0.4, random_state=3)
    X = add_crosses(pd.DataFrame(X_tr, columns=["x1", "x2"]), ("x1", "x2"), crosses)
    model = LogisticRegression(
        solver="gd", learning_rate=0.3, alpha=0.05, l1_ratio=1.0, max_iter=40, tol=None
    ).fit(X, y_tr)
    np.testing.assert_allclose(now["weights"], model.coef_[0], rtol=1e-6, atol=1e-12)
    assert 0 < sum(w == 0.0 for w in now["weights"]) < len(now["weights"])
    eq = now["equations"]
    assert eq["l1"] == pytest.approx(0.05) and eq["alpha_w"] == [0.0] * len(now["weights"])
    after = client.ok(f"/api/sessions/{sid}/step", {"steps": 1})
    np.testing.assert_allclose(eq["next"]["W"], after["weights"], rtol=1e-6, atol=1e-12)
    exact = client.session(**settings, crosses=crosses, solver="proxnewton", alpha=0.05, l1_ratio=1)
    done = client.ok(f"/api/sessions/{exact['session']}/step", {"steps": 50})
    assert any(w == 0.0 for w in done["weights"])


def test_reset_starts_again(client: Client) -> None:
    sid = client.session(dataset="xor", solver="sgd", batch_size=8)["session"]
    assert client.post(f"/api/sessions/{sid}/reset", {"equations": 1}).status == 400
    first = client.ok(f"/api/sessions/{sid}/step", {"steps": 5})
    again = client.ok(f"/api/sessions/{sid}/reset", {})
    assert again["iteration"] == 0 and again["weights"] == [0.0, 0.0]
    replay = client.ok(f"/api/sessions/{sid}/step", {"steps": 5})
    assert replay["weights"] == first["weights"]  # seeded: the same epochs again
    assert replay["unit"] == "epoch"


def test_training_ends_at_convergence_or_the_iteration_limit(client: Client) -> None:
    sid = client.session(dataset="blobs", solver="newton")["session"]
    update = client.ok(f"/api/sessions/{sid}/step", {"steps": 100})
    assert update["done"] and "converged" in update["stop_reason"]
    assert update["steps"] < 100
    assert client.ok(f"/api/sessions/{sid}/step", {"steps": 5})["steps"] == 0
    sid = client.session(dataset="moons", learning_rate=0.01)["session"]
    for _ in range(LIM.iterations // LIM.steps):
        update = client.ok(f"/api/sessions/{sid}/step", {"steps": LIM.steps})
    assert update["iteration"] == LIM.iterations and update["done"]
    assert f"limit of {LIM.iterations}" in update["stop_reason"]
    assert any("max_iter" in m for m in update["messages"])  # the engine's warning, relayed


def test_separable_data_without_penalty_is_reported(client: Client) -> None:
    sid = client.session(dataset="blobs", n_samples=60, solver="newton", alpha=0)["session"]
    update = client.ok(f"/api/sessions/{sid}/step", {"steps": 100})
    assert update["done"]
    assert any("linearly separable" in m for m in update["messages"])


def test_sessions_are_bounded(client: Client) -> None:
    ids = [client.session(dataset="blobs", grid=8)["session"] for _ in range(LIM.sessions + 1)]
    gone = client.post(f"/api/sessions/{ids[0]}/step", {"steps": 1})
    assert gone.status == 404 and "expired" in gone.error
    assert client.post(f"/api/sessions/{ids[-1]}/step", {"steps": 1}).status == 200


# ------------------------------------------------------------------ bad settings
@pytest.mark.parametrize(
    "settings, named",
    [
        ({"learning_rate": -1}, "learning_rate"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"learning_rate": "0.1"}, "learning_rate"),
        ({"learning_rate": True}, "learning_rate"),
        ({"alpha": None}, "alpha"),
        ({"alpha": 1e300}, "alpha"),
        ({"l1_ratio": 1.5}, "l1_ratio"),
        ({"l1_ratio": -0.1}, "l1_ratio"),
        ({"l1_ratio": 1, "alpha": 0.1, "solver": "newton"}, "smooth penalty"),
        ({"solver": "adam"}, "adam"),
        ({"dataset": "iris"}, "iris"),
        ({"crosses": ["x3sq"]}, "crosses"),
        ({"crosses": "x1sq"}, "crosses"),
        ({"crosses": ["x1sq", "x1sq"]}, "crosses"),
        ({"train_fraction": 1.0}, "train_fraction"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**40}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"noise": 7}, "noise"),
        ({"batch_size": 0}, "batch_size"),
        ({"x": "x1"}, "x and y"),
        ({"x": "nope", "y": "x2"}, "nope"),
        ({"x": "x1", "y": "x1"}, "x1"),
        ({"bogus": 1}, "bogus"),
        ({"dataset": "upload"}, "upload"),
        ({"standardize": "yes"}, "standardize"),
        ({"target": ""}, "target"),
        ({"dataset": "x" * 500}, "dataset"),
    ],
)
def test_bad_settings_are_400_naming_the_problem(
    client: Client, settings: dict[str, Any], named: str
) -> None:
    r = client.post("/api/sessions", settings)
    assert r.status == 400, r.body
    assert named in r.error


@pytest.mark.parametrize("body", [[], "moons", 3, None])
def test_settings_must_be_an_object(client: Client, body: Any) -> None:
    assert client.post("/api/sessions", body).status == 400


def test_unknown_upload_is_404(client: Client) -> None:
    r = client.post("/api/sessions", {"dataset": "upload", "upload": "nope", "target": "t"})
    assert r.status == 404 and "nope" in r.error


@pytest.mark.parametrize(
    "settings", [{"n_samples": LIM.samples + 1}, {"grid": LIM.grid + 1}, {"batch_size": 10**9}]
)
def test_sizes_over_the_limits_are_413(client: Client, settings: dict[str, Any]) -> None:
    r = client.post("/api/sessions", settings)
    assert r.status == 413 and next(iter(settings)) in r.error


# --------------------------------------------------------------------- steps
@pytest.mark.parametrize(
    "body, status",
    [
        ({"steps": LIM.steps + 1}, 413),
        ({"steps": -1}, 400),
        ({"steps": "5"}, 400),
        ({"steps": 1.5}, 400),
        ({"steps": True}, 400),
        ({"steps": 1, "extra": 1}, 400),
        ({"steps": 1, "equations": "yes"}, 400),
        ([1], 400),
    ],
)
def test_bad_step_requests(client: Client, body: Any, status: int) -> None:
    sid = client.session(dataset="blobs", grid=8)["session"]
    assert client.post(f"/api/sessions/{sid}/step", body).status == status


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
def test_non_finite_numbers_are_refused(client: Client, literal: bytes) -> None:
    sid = client.session(dataset="blobs", grid=8)["session"]
    body = b'{"steps": ' + literal + b"}"
    r = client.request(
        "POST", f"/api/sessions/{sid}/step", body, {"Content-Type": "application/json"}
    )
    assert r.status == 400 and ("finite" in r.error or literal.decode() in r.error)
    r = client.request(
        "POST",
        f"/api/sessions/{sid}/predict",
        b'{"point": [0, ' + literal + b"]}",
        {"Content-Type": "application/json"},
    )
    assert r.status == 400


def test_huge_json_integers_are_refused_not_crashed_on(client: Client) -> None:
    huge = 10**400  # JSON integers have no size; float(huge) would raise OverflowError
    sid = client.session(dataset="blobs", grid=8)["session"]
    r = client.post(f"/api/sessions/{sid}/step", {"steps": huge})
    assert r.status == 413 and "..." in r.error and len(r.error) < 200
    assert client.post(f"/api/sessions/{sid}/predict", {"point": [1, huge]}).status == 400
    assert client.post("/api/sessions", {"seed": huge}).status == 400
    assert client.post("/api/sessions", {"n_samples": huge}).status == 413


# --------------------------------------------------------------- malformed bodies
def test_malformed_bodies(client: Client) -> None:
    def send(body: bytes, **headers: str) -> Any:
        h = {"Content-Type": "application/json", **headers}
        return client.request("POST", "/api/sessions", body, h)

    assert send(b"{not json").status == 400
    assert send(b"\xff\xfe{}").status == 400
    deep = b"[" * 60_000 + b"]" * 60_000
    assert (
        client.request(
            "POST", "/api/sessions", deep[: LIM.json_bytes], {"Content-Type": "application/json"}
        ).status
        == 400
    )
    assert send(b"[" * 30_000).status == 400
    big = b'{"seed": 1' + b" " * LIM.json_bytes + b"}"
    r = send(big)
    assert r.status == 413 and f"{LIM.json_bytes:,}" in r.error
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        r = client.request("POST", "/api/sessions", b"{}", {"Content-Type": ctype})
        assert r.status == 415 and "application/json" in r.error
    assert client.request("POST", "/api/sessions", b"{}").status == 415  # no type at all


def test_bodies_must_declare_their_length(server: Any) -> None:
    head = (
        "POST /api/sessions HTTP/1.1\r\nHost: {h}\r\nOrigin: http://{h}\r\n"
        "Content-Type: application/json\r\n"
    ).format(h=f"127.0.0.1:{server.port}")
    reply = _raw(server.port, (head + "\r\n").encode())
    assert reply.startswith(b"HTTP/1.1 411") and b"Content-Length" in reply
    reply = _raw(
        server.port, (head + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n").encode()
    )
    assert reply.startswith(b"HTTP/1.1 501") and b"chunked" in reply
    reply = _raw(server.port, (head + "Content-Length: -5\r\n\r\n").encode())
    assert reply.startswith(b"HTTP/1.1 400")
    twice = "Content-Length: 2\r\nContent-Length: 50\r\n\r\n{}"
    reply = _raw(server.port, (head + twice).encode())
    assert reply.startswith(b"HTTP/1.1 400") and b"more than one" in reply


def test_a_slow_or_short_body_is_cut_off(server: Any) -> None:
    head = (
        "POST /api/uploads?name=t.csv HTTP/1.1\r\nHost: {h}\r\nOrigin: http://{h}\r\n"
        "Content-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\na,b\n"
    ).format(h=f"127.0.0.1:{server.port}")
    started = time.monotonic()
    reply = _raw(server.port, head.encode())  # 4 of 1000 bytes, then silence
    assert reply.startswith(b"HTTP/1.1 408") and b"in time" in reply
    assert time.monotonic() - started < LIM.body_seconds + 3


def test_an_oversized_upload_is_refused_before_it_is_read(server: Any) -> None:
    head = (
        "POST /api/uploads?name=t.csv HTTP/1.1\r\nHost: {h}\r\nOrigin: http://{h}\r\n"
        "Content-Type: application/octet-stream\r\nContent-Length: {n}\r\n\r\n"
    ).format(h=f"127.0.0.1:{server.port}", n=50 * 2**30)
    reply = _raw(server.port, head.encode())  # announces 50 GiB, sends nothing
    assert reply.startswith(b"HTTP/1.1 413") and b"Connection: close" in reply
    assert f"{LIM.upload_bytes:,}".encode() in reply


# ------------------------------------------------------------- routes and methods
@pytest.mark.parametrize(
    "method, path, status",
    [
        ("GET", "/api/nope", 404),
        ("GET", "/api/sessions", 405),
        ("GET", "/api/uploads", 405),
        ("POST", "/api/options", 405),
        ("POST", "/", 405),
        ("DELETE", "/", 405),
        ("PUT", "/api/sessions", 405),
        ("OPTIONS", "/api/sessions", 405),
        ("GET", "/api/sessions/abc/step", 405),
        ("POST", "/api/sessions/abc/model.json", 405),
        ("GET", "/api/sessions/abc/other", 404),
        ("GET", "/api/sessions/abc/model.json", 404),
        ("GET", "/api/sessions/..%2f..%2fetc/model.json", 404),
        ("BREW", "/", 501),
    ],
)
def test_unknown_routes_and_methods(client: Client, method: str, path: str, status: int) -> None:
    body = b"{}" if method == "POST" else None
    headers = {"Content-Type": "application/json"} if body else {}
    assert client.request(method, path, body, headers).status == status


# ------------------------------------------------------------------------ predict
def test_predict_and_export_agree(client: Client, tmp_path: Path) -> None:
    created = client.session(dataset="circles", crosses=["x1sq", "x2sq"], learning_rate=1.0)
    sid = created["session"]
    client.ok(f"/api/sessions/{sid}/step", {"steps": 60})
    answer = client.ok(f"/api/sessions/{sid}/predict", {"point": [0.1, -0.2]})
    assert answer["class"] == 1 and answer["probability"] > 0.5  # the inner circle
    r = client.get(f"/api/sessions/{sid}/model.json")
    assert r.status == 200 and "attachment" in r.headers["Content-Disposition"]
    path = tmp_path / "model.json"
    path.write_bytes(r.body)
    model = oneneuron.load(path)
    row = add_crosses(pd.DataFrame({"x1": [0.1], "x2": [-0.2]}), ("x1", "x2"), ["x1sq", "x2sq"])
    assert model.predict_proba(row)[0, 1] == pytest.approx(answer["probability"], rel=1e-12)
    assert list(model.feature_names_in_) == ["x1", "x2", "x1^2", "x2^2"]
    assert answer["features"] == pytest.approx({"x1": 0.1, "x2": -0.2, "x1^2": 0.01, "x2^2": 0.04})
    assert model.n_iter_ == 60
    assert main(["info", str(path)]) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"point": [1]},
        {"point": ["a", 1]},
        {"point": None},
        {},
        {"point": [1, 2], "x": 1},
        {"point": [1e200, 0]},
        {"point": [0, -1e300]},
    ],
)
def test_bad_points(client: Client, body: Any) -> None:
    sid = client.session(dataset="blobs", grid=8, crosses=["x1sq", "x2sq"])["session"]
    assert client.post(f"/api/sessions/{sid}/predict", body).status == 400


def test_the_view_is_a_slice_through_the_other_features(client: Client) -> None:
    created = client.session(
        dataset="breast-cancer", standardize=True, x="mean radius", y="mean texture"
    )
    data = created["data"]
    assert data["view"] == ["mean radius", "mean texture"] and len(data["slice"]) == 28
    sid = created["session"]
    client.ok(f"/api/sessions/{sid}/step", {"steps": 10})
    answer = client.ok(f"/api/sessions/{sid}/predict", {"point": [14.0, 20.0]})
    features = answer["features"]
    assert features["mean radius"] == 14.0 and features["mean texture"] == 20.0
    for name, value in data["slice"].items():
        assert features[name] == pytest.approx(value, rel=1e-5)


# ------------------------------------------------------------------------ snippet
def _run_snippet(code: str, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.chdir(cwd)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(code, "snippet.py", "exec"), namespace)
    return namespace


@pytest.mark.parametrize(
    "settings",
    [
        {"dataset": "moons", "crosses": ["x1sq", "x2sq", "x1x2"], "seed": 4},
        {
            "dataset": "spirals",
            "solver": "sgd",
            "batch_size": 16,
            "noise": 0.05,
            "crosses": ["sinx1", "sinx2"],
        },
        {
            "dataset": "breast-cancer",
            "solver": "lbfgs",
            "standardize": True,
            "x": "mean area",
            "y": "worst area",
        },
    ],
)
def test_snippet_reproduces_the_run(
    client: Client,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
    settings: dict[str, Any],
) -> None:
    sid = client.session(**settings)["session"]
    client.ok(f"/api/sessions/{sid}/step", {"steps": 7})
    code = client.get(f"/api/sessions/{sid}/snippet.py")
    assert code.status == 200 and "attachment" in code.headers["Content-Disposition"]
    exported = tmp_path / "exported.json"
    exported.write_bytes(client.get(f"/api/sessions/{sid}/model.json").body)
    ns = _run_snippet(code.body.decode(), tmp_path, monkeypatch)
    expected = oneneuron.load(exported)
    np.testing.assert_array_equal(ns["model"].coef_, expected.coef_)
    np.testing.assert_array_equal(ns["model"].intercept_, expected.intercept_)
    assert "test accuracy" in capsys.readouterr().out
    assert not (tmp_path / "model.json").exists()  # the snippet writes nothing


# ------------------------------------------------------------------------ uploads
def _table(n: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a, b, c = rng.standard_normal((3, n))
    return pd.DataFrame(
        {
            "age": a * 10 + 40,
            "income": b,
            "score": c,
            "colour": rng.choice(["red", "blue"], n),
            "bought": np.where(a + b + 0.3 * rng.standard_normal(n) > 0, "yes", "no"),
        }
    )


@pytest.mark.parametrize("name", ["shop.csv", "shop.tsv", "shop.parquet", "shop.csv.gz"])
def test_upload_trains_and_reproduces(
    client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    frame, path = _table(), tmp_path / name
    if name.endswith(".parquet"):
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False, sep="\t" if ".tsv" in name else ",")
    info = client.upload(path.read_bytes(), name).json()
    assert info["name"] == name and info["rows"] == 60
    kinds = {c["name"]: c["numeric"] for c in info["columns"]}
    assert kinds == {"age": True, "income": True, "score": True, "colour": False, "bought": False}
    created = client.session(
        dataset="upload", upload=info["id"], target="bought", crosses=["x1x2"], standardize=True
    )
    data = created["data"]
    assert data["skipped"] == ["colour"] and data["classes"] == ["no", "yes"]
    assert data["view"] == ["age", "income"]  # the two that tell the classes apart
    assert data["model_features"] == ["age", "income", "score", "age*income"]
    sid = created["session"]
    update = client.ok(f"/api/sessions/{sid}/step", {"steps": 20})
    assert update["record"]["accuracy"] > 0.8
    snippet = client.get(f"/api/sessions/{sid}/snippet.py").body.decode()
    exported = tmp_path / "exported.json"
    exported.write_bytes(client.get(f"/api/sessions/{sid}/model.json").body)
    ns = _run_snippet(snippet, tmp_path, monkeypatch)  # reads the table saved as `name`
    np.testing.assert_array_equal(ns["model"].coef_, oneneuron.load(exported).coef_)
    np.testing.assert_allclose(ns["model"].coef_[0], update["weights"], rtol=1e-5)


@pytest.mark.parametrize(
    "name, data, status, named",
    [
        ("bad.csv", b"a,b\n\xff\xfe,1\n", 400, "UTF-8"),
        ("bad.csv", b"", 400, "empty"),
        ("bad.csv", b"a,b\n", 400, "empty"),
        ("bad.parquet", b"PAR1 not really", 400, "Parquet"),
        ("evil.exe", b"a,b\n1,2\n", 400, "extension"),
        ("bad.csv.gz", b"a,b\n1,2\n", 400, "gzip"),
        ("rows.csv", b"a,b\n" + b"1,0\n" * (LIM.rows + 1), 413, "rows"),
        (
            "cols.csv",
            (",".join(f"c{i}" for i in range(LIM.columns + 1)) + "\n").encode(),
            413,
            "columns",
        ),
        ("cells.csv", b"a,b,c,d,e,f\n" + b"1,0,1,0,1,0\n" * 900, 413, "5,400 cells"),
    ],
)
def test_bad_uploads(client: Client, name: str, data: bytes, status: int, named: str) -> None:
    r = client.upload(data, name)
    assert r.status == status and named in r.error, r.body


def test_upload_names_and_types(client: Client) -> None:
    r = client.upload(b"a,b\n1,0\n2,1\n", "../../etc/passwd.csv")
    assert r.status == 200 and r.json()["name"] == "passwd.csv"
    r = client.upload(b"a,b\n1,0\n", "C:\\\\Users\\\\me\\\\t.csv")
    assert r.json()["name"] == "t.csv"
    assert client.upload(b"a,b\n1,0\n", "t.csv", ctype="text/csv").status == 415
    r = client.request(
        "POST", "/api/uploads", b"a,b\n", {"Content-Type": "application/octet-stream"}
    )
    assert r.status == 400 and "name" in r.error
    r = client.upload(b"x" * (LIM.upload_bytes + 1), "big.csv")
    assert r.status == 413


def test_values_near_the_float_limit_are_refused(client: Client) -> None:
    frame = pd.DataFrame({"a": [1.7e308, -1.7e308, 3.0, 4.0] * 5, "b": [1.0, 2.0, 3.0, 4.0] * 5})
    frame["t"] = [0, 1] * 10
    info = client.upload(frame.to_csv(index=False).encode(), "huge.csv").json()
    for extra in ({}, {"standardize": True}, {"crosses": ["x1sq"]}):
        r = client.post(
            "/api/sessions", {"dataset": "upload", "upload": info["id"], "target": "t", **extra}
        )
        assert r.status == 400 and "['a']" in r.error and "rescale" in r.error


@pytest.mark.parametrize(
    "column, values, named",
    [
        ("bought", ["a", "b", "c"] * 20, "3 distinct"),
        ("bought", ["a"] * 60, "one label"),
        ("age", [np.nan] + [1.0] * 59, "NaN"),
    ],
)
def test_upload_tables_the_model_cannot_use(
    client: Client, column: str, values: list[Any], named: str
) -> None:
    frame = _table()
    frame[column] = values
    info = client.upload(frame.to_csv(index=False).encode(), "t.csv").json()
    r = client.post(
        "/api/sessions", {"dataset": "upload", "upload": info["id"], "target": "bought"}
    )
    assert r.status == 400 and named in r.error
    r = client.post("/api/sessions", {"dataset": "upload", "upload": info["id"], "target": "nope"})
    assert r.status == 400 and "nope" in r.error


def test_uploads_are_bounded_and_stay_in_memory(
    client: Client, server: Any, tmp_path: Path
) -> None:
    ids = [
        client.upload(b"a,b\n1,0\n2,1\n", f"t{i}.csv").json()["id"] for i in range(LIM.uploads + 1)
    ]
    assert ids[0] not in server.playground.uploads and ids[-1] in server.playground.uploads
    assert all(isinstance(u.frame, pd.DataFrame) for u in server.playground.uploads.values())


# --------------------------------------------------------------- robustness
def test_concurrent_requests(client: Client) -> None:
    sid = client.session(dataset="moons", grid=16)["session"]
    statuses: list[int] = []
    lock = threading.Lock()

    def work(kind: int) -> None:
        for _ in range(8):
            if kind == 0:
                r = client.post(f"/api/sessions/{sid}/step", {"steps": 2})
            elif kind == 1:
                r = client.post(f"/api/sessions/{sid}/predict", {"point": [0.5, 0.5]})
            else:
                r = client.get("/static/app.js")
            with lock:
                statuses.append(r.status)

    threads = [threading.Thread(target=work, args=(k % 3,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert statuses == [200] * 48
    final = client.ok(f"/api/sessions/{sid}/step", {"steps": 0})
    assert final["iteration"] == 2 * 8 * 2  # every step counted exactly once


def test_too_many_connections_get_503() -> None:
    with running_server(dataclasses.replace(TEST_LIMITS, connections=2)) as srv:
        idle = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(2)]
        try:
            deadline = time.monotonic() + 10
            while srv._slots._value > 0:  # both idle connections have their handler
                assert time.monotonic() < deadline
                time.sleep(0.01)
            reply = _raw(srv.port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert reply.startswith(b"HTTP/1.1 503") and b"too many" in reply
        finally:
            for sock in idle:
                sock.close()
        deadline = time.monotonic() + 5
        while Client(srv).get("/api/options").status != 200:  # the slots come back
            assert time.monotonic() < deadline


def test_a_step_request_stops_at_its_time_budget() -> None:
    with running_server(dataclasses.replace(TEST_LIMITS, step_seconds=0.0)) as srv:
        client = Client(srv)
        sid = client.session(dataset="blobs", grid=8)["session"]
        update = client.ok(f"/api/sessions/{sid}/step", {"steps": 50})
        assert update["steps"] == 1 and update["iteration"] == 1  # one step, then the clock


def test_internal_errors_are_json_without_details(
    client: Client, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    sid = client.session(dataset="blobs", grid=8)["session"]

    def broken(self: Session, equations: bool = False) -> Any:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(Session, "update", broken)
    r = client.post(f"/api/sessions/{sid}/step", {"steps": 1})
    assert r.status == 500 and "secret" not in r.error and "internal error" in r.error
    assert "secret detail" in capsys.readouterr().err  # the traceback goes to the server's log


def test_responses_are_strict_json(client: Client) -> None:
    created = client.post("/api/sessions", {"dataset": "blobs", "grid": 8})
    json.loads(created.body, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))


# ------------------------------------------------------------------- command line
def test_a_table_from_the_command_line_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "shop.csv"
    _table().to_csv(path, index=False)
    app = Playground(LIM)
    app.load_file(str(path), "bought")
    first = app.initial["upload"]
    for i in range(LIM.uploads + 1):
        app.upload(b"a,b\n1,0\n2,1\n", f"t{i}.csv")
    assert first in app.uploads and len(app.uploads) == LIM.uploads
    created = app.create(app.initial)
    assert created["data"]["name"] == "shop.csv" and created["data"]["classes"] == ["no", "yes"]
    with pytest.raises(ValueError, match="'nope' not found"):
        app.load_file(str(path), "nope")


def test_command_line_errors(tmp_path: Path, capsys: Any) -> None:
    assert (
        main(["playground", "--no-browser", "--data", str(tmp_path / "no.csv"), "--target", "y"])
        == 2
    )
    assert "no.csv" in capsys.readouterr().err
    assert main(["playground", "--no-browser", "--data", "x.csv"]) == 2
    assert "go together" in capsys.readouterr().err
    assert main(["playground", "--port", "70000"]) == 2
    assert "0..65535" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        assert main(["playground", "--no-browser", "--port", port]) == 2
    err = capsys.readouterr().err
    assert err.startswith("oneneuron: error: cannot listen on 127.0.0.1:") and err.count("\n") == 1


def _serve(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "oneneuron", "playground", "--no-browser", *args]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def test_the_command_serves_until_ctrl_c_or_sigterm(tmp_path: Path) -> None:
    path = tmp_path / "shop.csv"
    _table().to_csv(path, index=False)
    exposed = _serve("--host", "0.0.0.0", "--data", str(path), "--target", "bought")
    local = _serve()
    watchdog = threading.Timer(240, lambda: [p.kill() for p in (exposed, local)])
    watchdog.start()
    try:
        for proc, sig, status in ((exposed, signal.SIGINT, 0), (local, signal.SIGTERM, 143)):
            assert proc.stdout is not None and proc.stderr is not None
            url = proc.stdout.readline().strip()  # the first line is the URL
            match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/", url)
            assert match, url
            conn = http.client.HTTPConnection("127.0.0.1", int(match[1]), timeout=30)
            conn.request("GET", "/api/options", headers={"Host": f"127.0.0.1:{match[1]}"})
            options = json.loads(conn.getresponse().read())
            conn.close()
            proc.send_signal(sig)
            assert proc.wait(timeout=90) == status  # generous: CI machines may be loaded
            err = proc.stderr.read()
            assert "Traceback" not in err
            if proc is exposed:
                assert options["initial"]["dataset"] == "upload"
                assert "warning: --host 0.0.0.0" in err and "stopped" in err
            else:
                assert options["initial"] == {} and "warning" not in err and "terminated" in err
    finally:
        watchdog.cancel()
        for proc in (exposed, local):
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()


def test_help_lists_the_playground(capsys: Any) -> None:
    assert main(["--help"]) == 0
    assert "playground" in capsys.readouterr().out
    assert main(["playground", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--no-browser" in out and "127.0.0.1" in out


def test_add_crosses() -> None:
    X = pd.DataFrame({"u": [1.0, -2.0], "v": [0.5, 3.0], "w": [7.0, 8.0]})
    out = add_crosses(X, ("u", "v"), ["x1sq", "x2sq", "x1x2", "sinx1", "sinx2"])
    assert list(out.columns) == ["u", "v", "w", "u^2", "v^2", "u*v", "sin(u)", "sin(v)"]
    np.testing.assert_array_equal(out["u*v"], [0.5, -6.0])
    np.testing.assert_array_equal(out["sin(v)"], np.sin([0.5, 3.0]))
    assert list(X.columns) == ["u", "v", "w"]  # not changed
    for view, crosses, named in [
        (("u", "u"), [], "two different"),
        (("u", "z"), [], "'z'"),
        (("u", "v"), ["x3sq"], "x3sq"),
        (("u", "v"), ["x1sq", "x1sq"], "twice"),
    ]:
        with pytest.raises(ValueError, match=named):
            add_crosses(X, view, crosses)
    with pytest.raises(ValueError, match=r"already has column\(s\) \['u\^2'\]"):
        add_crosses(out, ("u", "v"), ["x1sq"])
    with pytest.raises(ValueError, match=r"\['u\^2'\] overflow"):
        add_crosses(pd.DataFrame({"u": [1e200], "v": [1.0]}), ("u", "v"), ["x1sq"])


def test_a_model_whose_weights_stop_being_finite(client: Client, server: Any) -> None:
    # the engine raises before this can happen; the playground still must not answer
    # with NaN (invalid JSON) or a 500 if it ever does
    sid = client.session(dataset="blobs", grid=8)["session"]
    server.playground.sessions[sid].model.coef_[:] = np.nan
    r = client.post(f"/api/sessions/{sid}/predict", {"point": [0, 0]})
    assert r.status == 400 and "not finite" in r.error
    update = client.ok(f"/api/sessions/{sid}/step", {"steps": 0})
    assert update["weights"] == [None, None] and len(update["grid"]["p"]) > 0
    update = client.ok(f"/api/sessions/{sid}/step", {"steps": 1})
    assert update["done"] and "no longer finite" in update["stop_reason"]
