"""The playground page in a real Chromium, driven by Playwright.

The browser is Debian's ``chromium`` (``make test`` installs it with apt-get when it is
missing and it runs as root); Playwright's own browser download is not used. Without
Playwright or a Chromium these tests skip and say why. One browser and one server serve
the whole module (``xdist_group``: they run in one worker). The page's real Content
Security Policy stays on, so the tests poll with ``page.evaluate`` (no ``eval`` in the
page) and any CSP violation shows up as a console error.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import oneneuron
from oneneuron.playground import Limits, add_crosses

from .playground_client import running_server

pytestmark = pytest.mark.xdist_group("browser")

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


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')"
    )
    path = chromium_path()
    if path is None:
        pytest.skip(
            "no Chromium: install Debian's chromium package (make test does it with apt-get "
            "when run as root or with sudo)"
        )
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def server() -> Iterator[Any]:
    with running_server(Limits()) as srv:
        yield srv


class Page:
    """A fresh browser tab on the playground that records console errors."""

    def __init__(self, browser: Any, url: str, downloads: bool = False) -> None:
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=downloads
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.errors.append(f"{m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.goto(url)
        self.wait("document.body.dataset.ready === '1'")

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def wait(self, expression: str, timeout: float = 30.0) -> Any:
        """Poll until the page expression is truthy (the CSP forbids wait_for_function)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if value:
                return value
            assert not self.errors, self.errors
            assert time.monotonic() < deadline, f"timed out waiting for {expression}"
            time.sleep(0.05)

    def new_session(self, action: Any) -> None:
        """Do ``action`` (a settings change) and wait for the session it creates."""
        old = self.js("window.oneneuronPlayground.session")
        action()
        self.wait(f"window.oneneuronPlayground.session !== {json.dumps(old)}")

    def pixel(self, fx: float, fy: float) -> list[int]:
        """RGB of the map canvas at fractions (fx, fy) of its width and height.

        Read from a copy, so that the page's own canvas is never read back (Chrome warns
        about repeated readbacks).
        """
        script = """([fx, fy]) => {
            const map = document.getElementById('map');
            const copy = document.createElement('canvas');
            copy.width = map.width; copy.height = map.height;
            const ctx = copy.getContext('2d');
            ctx.drawImage(map, 0, 0);
            const x = Math.floor(map.width * fx), y = Math.floor(map.height * fy);
            return Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3));
        }"""
        return list(self.page.evaluate(script, [fx, fy]))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any, server: Any) -> Iterator[Page]:
    page = Page(browser, server.url, downloads=True)
    yield page
    errors = list(page.errors)
    page.close()
    assert errors == [], errors  # no console errors, in any test


def _bluish(rgb: list[int]) -> bool:
    return rgb[2] > rgb[0] + 30


def _orangish(rgb: list[int]) -> bool:
    return rgb[0] > rgb[2] + 30


def test_page_loads_without_console_errors(tab: Page) -> None:
    assert tab.page.title() == "oneneuron playground"
    options = tab.js("[...document.querySelectorAll('#dataset option')].map(o => o.value)")
    assert options[:7] == ["blobs", "moons", "circles", "xor", "spirals", "digits", "breast-cancer"]
    assert options[-1] == "upload"
    assert tab.js("document.body.dataset.iteration") == "0"
    assert tab.js("document.querySelectorAll('#weights tbody tr').length") == 3  # x1, x2, b


def test_training_lowers_the_loss_and_paints_the_map(tab: Page) -> None:
    p = tab.page
    tab.new_session(lambda: p.select_option("#dataset", "circles"))
    blank = tab.pixel(0.5, 0.5)
    tab.new_session(lambda: p.check("#crosses input[value='x1sq']"))
    tab.new_session(lambda: p.check("#crosses input[value='x2sq']"))
    p.fill("#learning_rate", "1")
    tab.new_session(lambda: p.press("#learning_rate", "Enter"))
    p.click("#play")
    tab.wait("Number(document.body.dataset.iteration) >= 150")
    p.click("#play")  # pause
    losses = tab.js("window.oneneuronPlayground.update.curves.loss")
    assert losses[-1] < 0.6 * losses[0]
    assert "Paused" in p.inner_text("#status")
    # the inner circle is class 1 (blue), the corners class 0 (orange): the map shows it
    assert _bluish(tab.pixel(0.5, 0.5)) and not _bluish(blank)
    assert _orangish(tab.pixel(0.03, 0.03)) and _orangish(tab.pixel(0.97, 0.97))
    assert "test" in p.inner_text("#loss-now")


def test_an_uploaded_csv_trains(tab: Page, tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    a, b, c = rng.standard_normal((3, 120))
    frame = pd.DataFrame(
        {"height": a, "weight": b, "age": c * 5 + 30, "kind": np.where(a - b > 0, "cat", "dog")}
    )
    path = tmp_path / "animals.csv"
    frame.to_csv(path, index=False)
    p = tab.page
    p.select_option("#dataset", "upload")
    tab.new_session(lambda: p.set_input_files("#file", str(path)))
    assert p.input_value("#target") == "kind"  # the last column is the guess
    assert "animals.csv" in p.inner_text("#data-info")
    assert tab.js("window.oneneuronPlayground.data.features") == ["height", "weight", "age"]
    tab.new_session(lambda: p.check("#standardize"))  # age is on another scale
    for _ in range(5):
        p.click("#step")
        time.sleep(0.05)
    p.click("#play")
    tab.wait("Number(document.body.dataset.iteration) >= 40")
    p.click("#play")
    assert tab.js("window.oneneuronPlayground.update.record.accuracy") > 0.9
    assert tab.js("document.querySelectorAll('#weights tbody tr').length") == 4


def _click_map(tab: Page, fx: float, fy: float) -> dict[str, Any]:
    box = tab.page.locator("#map").bounding_box()
    before = tab.js("document.getElementById('prediction').dataset.point || ''")
    tab.page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    tab.wait(
        f"(document.getElementById('prediction').dataset.point || '') !== {json.dumps(before)}"
    )
    return dict(
        point=json.loads(tab.js("document.getElementById('prediction').dataset.point")),
        probability=float(tab.js("document.getElementById('prediction').dataset.probability")),
        text=tab.page.inner_text("#prediction"),
    )


def test_a_click_predicts(tab: Page) -> None:
    p = tab.page
    tab.new_session(lambda: p.select_option("#dataset", "circles"))
    tab.new_session(lambda: p.check("#crosses input[value='x1sq']"))
    tab.new_session(lambda: p.check("#crosses input[value='x2sq']"))
    p.click("#play")
    tab.wait("Number(document.body.dataset.iteration) >= 300")
    p.click("#play")
    centre = _click_map(tab, 0.5, 0.5)
    corner = _click_map(tab, 0.04, 0.04)
    assert centre["probability"] > 0.5 > corner["probability"]
    assert "class 1" in centre["text"] and "class 0" in corner["text"]
    # the typed point gives the same answer as the click at that point
    p.fill("#px", repr(centre["point"][0]))
    p.fill("#py", repr(centre["point"][1]))
    p.click("#point-form button")
    x, y = centre["point"]
    tab.wait(
        "(() => { const d = document.getElementById('prediction').dataset.point;"
        f" return d === JSON.stringify([{x!r}, {y!r}]); }})()"
    )
    typed = float(tab.js("document.getElementById('prediction').dataset.probability"))
    assert typed == pytest.approx(centre["probability"], rel=1e-12)


def test_the_exported_model_predicts_what_the_page_showed(tab: Page, tmp_path: Path) -> None:
    p = tab.page
    tab.new_session(lambda: p.select_option("#dataset", "moons"))
    tab.new_session(lambda: p.check("#crosses input[value='x1x2']"))
    p.click("#play")
    tab.wait("Number(document.body.dataset.iteration) >= 60")
    p.click("#play")
    shown = _click_map(tab, 0.3, 0.6)
    with p.expect_download() as info:
        p.click("#export-model")
    path = tmp_path / "model.json"
    info.value.save_as(path)
    model = oneneuron.load(path)
    x, y = shown["point"]
    row = add_crosses(pd.DataFrame({"x1": [x], "x2": [y]}), ("x1", "x2"), ["x1x2"])
    assert model.predict_proba(row)[0, 1] == pytest.approx(shown["probability"], rel=1e-12)
    iteration = int(tab.js("document.body.dataset.iteration"))
    assert model.n_iter_ == iteration
    # the click's data point, and the map's colours, are where the model puts them
    x0, x1, y0, y1 = tab.js("window.oneneuronPlayground.data.bounds")
    assert x == pytest.approx(x0 + 0.3 * (x1 - x0), abs=0.01 * (x1 - x0))
    assert y == pytest.approx(y1 - 0.6 * (y1 - y0), abs=0.01 * (y1 - y0))
    agree = total = 0
    for fx in np.linspace(0.05, 0.95, 8):
        for fy in np.linspace(0.05, 0.95, 8):
            px, py = x0 + fx * (x1 - x0), y1 - fy * (y1 - y0)
            grid = pd.DataFrame({"x1": [px], "x2": [py]})
            proba = model.predict_proba(add_crosses(grid, ("x1", "x2"), ["x1x2"]))[0, 1]
            if abs(proba - 0.5) > 0.2:
                rgb = tab.pixel(fx, fy)
                total += 1
                agree += _bluish(rgb) if proba > 0.5 else _orangish(rgb)
    assert total > 20 and agree >= 0.9 * total, (agree, total)
    with p.expect_download() as info:
        p.click("#export-snippet")
    code = Path(info.value.path()).read_text()
    assert f"max_iter={iteration}," in code and "add_crosses" in code


def test_a_shared_url_restores_the_settings(tab: Page, browser: Any) -> None:
    p = tab.page
    tab.new_session(lambda: p.select_option("#dataset", "spirals"))
    changes = [("#noise", "0.3"), ("#seed", "5"), ("#learning_rate", "0.05"), ("#alpha", "0.001")]
    for selector, value in changes:
        p.fill(selector, value)
        tab.new_session(lambda s=selector: p.press(s, "Enter"))
    tab.new_session(lambda: p.select_option("#solver", "sgd"))
    p.fill("#batch_size", "16")
    tab.new_session(lambda: p.press("#batch_size", "Enter"))
    tab.new_session(lambda: p.check("#standardize"))
    tab.new_session(lambda: p.check("#crosses input[value='sinx1']"))
    expected = tab.js("window.oneneuronPlayground.settings")
    p.click("#share")
    url = p.input_value("#share-url")
    assert url.startswith(tab.js("location.origin")) and "dataset=spirals" in url
    other = Page(browser, url)
    try:
        restored = other.js("window.oneneuronPlayground.settings")
        assert restored == expected
        for selector, value in changes:
            assert float(other.page.input_value(selector)) == float(value)
        assert other.page.input_value("#solver") == "sgd"
        assert other.page.input_value("#batch_size") == "16"
        assert other.page.is_checked("#standardize")
        assert other.page.is_checked("#crosses input[value='sinx1']")
        assert other.errors == []
    finally:
        other.close()
