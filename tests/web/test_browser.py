"""In a real browser (Debian's Chromium through Playwright): the banner and the ribbon."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("TICKERWIRE_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium_path() -> str:
    if shutil.which(CHROMIUM) is None:
        message = f"no Chromium at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("TICKERWIRE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(settings: Settings, runtime: Runtime) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, runtime=runtime), port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser_page(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        yield page
        browser.close()


def test_home_page_shows_banner_and_sixteen_ribbon_cells(
    live_server: str, browser_page: object, database_url: str
) -> None:
    from playwright.sync_api import Page, expect

    page: Page = browser_page  # type: ignore[assignment]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server + "/")
    expect(page.locator("#market-banner")).to_contain_text("U.S. markets")
    cells = page.locator(".ribbon-cell")
    expect(cells).to_have_count(16)
    for index in range(16):
        expect(cells.nth(index).locator("[data-field=price]")).not_to_have_text("—")
        expect(cells.nth(index).locator("svg.sparkline")).to_be_visible()
    expect(page.locator(".simulated-notice")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    backend = database_url.split(":")[0].split("+")[0]
    page.screenshot(path=str(ARTIFACTS / f"home-{backend}.png"), full_page=True)
    assert errors == []
