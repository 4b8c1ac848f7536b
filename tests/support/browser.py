"""Debian's Chromium through Playwright, and an app served for it on a loopback port."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from support.ports import free_port

CHROMIUM = os.environ.get("TICKERWIRE_TEST_CHROMIUM", "/usr/bin/chromium")
#: Screenshots land here (git-ignored), for a person to look at.
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


def chromium_or_skip() -> str:
    """The Chromium binary; without one the test is skipped, or fails where CI demands it."""
    if shutil.which(CHROMIUM) is None:
        message = f"no Chromium at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("TICKERWIRE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@contextlib.contextmanager
def serving(app: object) -> Iterator[str]:
    """Run ``app`` under uvicorn in a thread, for the browser to load."""
    port = free_port()
    config = uvicorn.Config(app, port=port, log_level="warning", timeout_graceful_shutdown=1)  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def screenshot_path(name: str) -> str:
    ARTIFACTS.mkdir(exist_ok=True)
    return str(ARTIFACTS / f"{name}.png")
