"""The playground's speed: updates per second on 1,000 points, page load time, asset size.

Run from the repository root (it starts its own server on 127.0.0.1 and stops it)::

    .venv/bin/python benchmarks/playground.py                    # prints a table, writes JSON
    .venv/bin/python benchmarks/playground.py --images docs/images   # also the README's pictures

What it measures (see docs/playground.md for the last results):

* **Server updates/s** -- one update is what the page asks for while playing: a POST of
  ``{"steps": N}``, N training steps in the engine, then the probability map (64 x 64),
  its 0.5 contour, the curves and the weights, as JSON over a kept-alive connection.
  Data: moons, 1,000 points (700 train, 300 test), for gd and sgd (batch 32).
* **Page updates/s** -- the same loop driven by the page in Chromium: request, draw (map,
  contour, points, curves, neuron), next request; counted over a few seconds of Play.
* **Page load** -- navigation start to the load event, and to the first painted map (the
  page's ``oneneuron-ready`` mark: options fetched, a session made, everything drawn),
  median of 5 fresh loads; **assets** -- bytes of the page, its
  script and its style (nothing else is loaded).

Browser parts need Playwright and Debian's chromium; without them only the server part runs.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import platform
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

from oneneuron.playground import Limits, Playground, make_server

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "playground-results.json"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SETTINGS = {"dataset": "moons", "n_samples": 1000, "noise": 0.2, "seed": 0}


class Api:
    """A kept-alive connection to the server, as the page has."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {
            "Host": f"127.0.0.1:{port}",
            "Origin": f"http://127.0.0.1:{port}",
            "Content-Type": "application/json",
        }

    def post(self, path: str, body: Any) -> tuple[Any, int]:
        self.conn.request("POST", path, json.dumps(body), self.headers)
        reply = self.conn.getresponse()
        data = reply.read()
        if reply.status != 200:
            raise RuntimeError(f"{path}: {reply.status} {data[:200]!r}")
        return json.loads(data), len(data)


def server_updates(port: int, seconds: float) -> list[dict[str, Any]]:
    api, rows = Api(port), []
    for solver in ("gd", "sgd"):
        for steps in (1, 10, 50):
            created, _ = api.post("/api/sessions", {**SETTINGS, "solver": solver, "batch_size": 32})
            path = f"/api/sessions/{created['session']}/step"
            times, size = [], 0
            end = time.perf_counter() + seconds
            while time.perf_counter() < end:
                start = time.perf_counter()
                update, size = api.post(path, {"steps": steps})
                times.append(time.perf_counter() - start)
                if update["done"]:
                    break
            rows.append(
                {
                    "solver": solver,
                    "steps_per_update": steps,
                    "updates_per_s": len(times) / sum(times),
                    "median_ms": 1000 * statistics.median(times),
                    "bytes_per_update": size,
                    "updates": len(times),
                }
            )
    return rows


def browser_part(url: str, seconds: float, images: Path | None) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("no chromium")
    out: dict[str, Any] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        loads, ready = [], []
        for _ in range(5):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(url)
            _wait(page, "document.body.dataset.ready === '1'")
            nav = page.evaluate("performance.getEntriesByType('navigation')[0].toJSON()")
            loads.append(nav["loadEventEnd"])
            ready.append(
                page.evaluate("performance.getEntriesByName('oneneuron-ready')[0].startTime")
            )
            sizes = page.evaluate(
                "[performance.getEntriesByType('navigation')[0], "
                "...performance.getEntriesByType('resource')]"
                ".filter(e => !e.name.includes('/api/'))"
                ".map(e => [e.name, e.decodedBodySize])"
            )
            context.close()
        out["load_ms_median"] = statistics.median(loads)
        out["ready_ms_median"] = statistics.median(ready)
        out["assets"] = {name.rsplit("/", 1)[-1] or "index.html": n for name, n in sizes}
        out["assets_bytes"] = sum(out["assets"].values())

        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(url + "?" + "&".join(f"{k}={v}" for k, v in SETTINGS.items()))
        _wait(page, "document.body.dataset.ready === '1'")
        rates = []
        for steps in ("1", "10"):
            page.select_option("#speed", steps)
            page.click("#reset")
            time.sleep(0.3)
            page.click("#play")
            time.sleep(0.5)  # warm up
            n0, t0 = page.evaluate("window.oneneuronPlayground.updates"), time.perf_counter()
            time.sleep(seconds)
            n1, t1 = page.evaluate("window.oneneuronPlayground.updates"), time.perf_counter()
            page.click("#play")
            rates.append({"steps_per_update": int(steps), "updates_per_s": (n1 - n0) / (t1 - t0)})
        out["page_updates"] = rates
        context.close()
        if images is not None:
            _pictures(browser, url, images)
        browser.close()
    return out


def _wait(page: Any, expression: str, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > end:
            raise TimeoutError(expression)
        time.sleep(0.03)


def _pictures(browser: Any, url: str, folder: Path) -> None:
    """The README's screenshot (PNG) and animation (GIF): circles, learnt with x1^2, x2^2."""
    from PIL import Image

    context = browser.new_context(viewport={"width": 1280, "height": 1000}, device_scale_factor=1)
    page = context.new_page()
    page.goto(url + "?dataset=circles&noise=0.1&crosses=x1sq,x2sq&learning_rate=0.5&seed=1")
    _wait(page, "document.body.dataset.ready === '1'")
    frames = []
    left, right = page.locator("#view").bounding_box(), page.locator("#side").bounding_box()
    clip = {"x": left["x"], "y": left["y"], "width": right["x"] + right["width"] - left["x"]}
    clip["height"] = 500
    for steps in [1] * 6 + [2] * 6 + [4] * 6 + [8] * 5 + [16] * 4 + [0]:  # early steps slowly
        shot = page.screenshot(clip=clip)
        frames.append(Image.open(io.BytesIO(shot)).convert("RGB"))
        page.evaluate(f"() => step({steps})")
    small = [f.resize((f.width * 11 // 20, f.height * 11 // 20), Image.LANCZOS) for f in frames]
    palette = [
        f.quantize(colors=56, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        for f in small
    ]
    palette[0].save(
        folder / "playground.gif",
        save_all=True,
        append_images=palette[1:],
        duration=[120] * (len(palette) - 1) + [1500],
        loop=0,
        optimize=True,
    )
    page.evaluate("() => step(100)")
    page.click("#how summary")
    page.evaluate("() => step(0)")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.4)
    time.sleep(0.3)
    page.screenshot(path=str(folder / "playground.png"), full_page=True)
    context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    parser.add_argument("--images", type=Path, help="write playground.png/.gif here")
    parser.add_argument("--out", type=Path, default=RESULTS, help="JSON results file")
    parser.add_argument("--images-only", action="store_true", help="only the pictures")
    args = parser.parse_args()
    server = make_server("127.0.0.1", 0, playground=Playground(Limits()))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    load_before = os.getloadavg()
    if args.images_only:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                path = shutil.which("chromium") or "chromium"
                browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
                _pictures(browser, server.url, args.images or Path("."))
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
        return 0
    try:
        result: dict[str, Any] = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, {platform.platform()}",
            "when": time.strftime("%Y-%m-%d %H:%M"),
            "server": server_updates(server.port, args.seconds),
        }
        try:
            result["browser"] = browser_part(server.url, args.seconds, args.images)
        except (ImportError, RuntimeError) as exc:
            result["browser"] = f"skipped: {exc}"
    finally:
        server.shutdown()
        server.server_close()
    result["load_average"] = {"before": load_before, "after": os.getloadavg()}
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
