"""A new portal, tried in Chromium the way its first users would: the first admin is made,
a member signs up, builds a watchlist, sets a price alert and a news alert and says where
alerts go (a webhook to a local receiver, email to a local SMTP server); the demo's prices
cross, the admin adds a local feed from the browser, a matching article arrives, and both
alerts reach the inbox, the webhook and the mailbox. The admin is made as a new install's
first admin is, with ``tickerwire users create --admin``. Screenshots of each step are saved
in artifacts/ for a person to look at."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
import uvicorn
from standardwebhooks.webhooks import Webhook

from support.browser import CHROMIUM_ARGS, chromium_or_skip, screenshot_path
from support.feedkit import MovableClock
from support.http_server import LocalServer
from support.mail_server import MailServer, mail_server_running
from support.newsroom import Newsroom, Story
from support.ports import free_port
from support.receiver import Received, Receiver
from tickerwire import actions
from tickerwire.alerts.outbox import deliver_due
from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

pytestmark = pytest.mark.browser
T = TypeVar("T")

ADMIN_PASSWORD = "admin password, long enough"
MEMBER_PASSWORD = "member password, long enough"
GOLD_STORY = Story(
    "gold-record",
    "Gold climbs to a record as investors seek shelter",
    [
        "Gold rose to a record on Thursday as investors bought the metal as a shelter from "
        "swings in stocks and currencies.",
        "Bullion dealers said demand from central banks stayed strong through the autumn.",
    ],
)


class OneProcess:
    """The embedded default's one event loop, on a thread of its own: the runtime, the web
    server and the background work (a poll, the outbox) all run on it, as in ``serve``,
    beside the browser's loop (Playwright's sync API keeps one in the test's thread)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=60)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@dataclass
class Portal:
    runtime: Runtime
    base: str
    process: OneProcess


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with mail_server_running() as server:
        yield server


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def portal(tmp_path: Path, mail: MailServer, clock: MovableClock) -> Iterator[Portal]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'walk.sqlite3'}",
        poller_enabled=False,
        default_feeds=[],
        providers={"order": ["simulated"]},
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 5},
        media={"enabled": False},
        alerts=mail.settings(),
    )
    process = OneProcess()
    runtime = process.run(Runtime.open(settings, clock=clock))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, runtime=runtime), port=port, log_level="warning")
    )
    serving = asyncio.run_coroutine_threadsafe(server.serve(), process.loop)
    while not server.started and not serving.done():
        time.sleep(0.05)
    try:
        yield Portal(runtime, f"http://127.0.0.1:{port}", process)
    finally:
        server.should_exit = True
        serving.result(timeout=10)
        process.run(runtime.close())
        process.close()


def signed_by(secret: str, request: Received) -> bool:
    """Whether the delivery carries the Standard Webhooks signature ``secret`` makes (its
    timestamp is the portal's clock, days from now, so the library's own verify, which also
    checks freshness, would refuse it for its age)."""
    stamp = datetime.fromtimestamp(int(request.headers["webhook-timestamp"]), UTC)
    expected = Webhook(secret).sign(request.headers["webhook-id"], stamp, request.body.decode())
    return expected in request.headers["webhook-signature"].split()


def test_a_new_member_gets_a_price_alert_and_a_news_alert_everywhere(
    portal: Portal, mail: MailServer, clock: MovableClock
) -> None:
    from playwright.sync_api import Page, expect, sync_playwright

    runtime, base = portal.runtime, portal.base
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "tickerwire",
            "users",
            "create",
            "root",
            "--admin",
            "--password-stdin",
        ],
        input=ADMIN_PASSWORD + "\n",
        env={**os.environ, "TICKERWIRE_DATABASE_URL": runtime.settings.effective_database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    portal.process.run(actions.refresh_quotes(runtime, ["GC"]))
    gold = runtime.markets.latest_quotes()["GC"].price
    with Receiver() as hooks, LocalServer() as publisher, sync_playwright() as playwright:
        Newsroom(publisher, site="Metals Daily").publish(GOLD_STORY)
        browser = playwright.chromium.launch(executable_path=chromium_or_skip(), args=CHROMIUM_ARGS)
        member: Page = browser.new_page(viewport={"width": 390, "height": 844})
        errors: list[str] = []
        member.on("pageerror", lambda error: errors.append(str(error)))

        member.goto(base + "/account/sign-up")
        member.fill("#sign-up-username", "ada")
        member.fill("#sign-up-password", MEMBER_PASSWORD)
        member.fill("#sign-up-confirm", MEMBER_PASSWORD)
        member.locator("form[action='/account/sign-up'] button[type=submit]").click()
        expect(member.locator(".reader-name")).to_have_text("ada")

        member.goto(base + "/watchlists")
        member.fill("#watchlist-name", "Metals")
        member.locator("form[action='/watchlists'] button").click()
        member.fill("#add-symbol", "GC")
        member.locator("form[action$='/add'] button").click()
        expect(member.locator(".watchlist-ribbon .ribbon-cell")).to_have_count(1)
        member.screenshot(path=screenshot_path("walk-1-watchlist"), full_page=True)

        member.goto(base + "/alerts")
        member.select_option("#price-symbol", "GC")
        member.select_option("#price-condition", "above")
        member.fill("#price-level", f"{gold * 1.000001:.4f}")
        member.check("input[name=demo]")
        member.locator("form[action='/alerts/price'] button").click()
        member.select_option("#news-topic", "watchlist")
        member.locator("form[action='/alerts/news'] button").click()
        member.fill("#pref-webhook", hooks.url("/tickerwire"))
        member.fill("#pref-email", "ada@example.org")
        member.locator("form[action='/alerts/preferences'] button").click()
        secret = member.locator("#webhook-secret").input_value()
        assert secret.startswith("whsec_")
        member.goto(base + "/alerts")
        expect(member.locator(".alert-list li")).to_have_count(2)
        member.screenshot(path=screenshot_path("walk-2-alerts"), full_page=True)

        # The demo's prices move on until gold crosses the level (a seeded walk: the same
        # steps every run); then the admin adds the publisher's feed from the browser.
        ada = runtime.accounts.member_by_key("ada")
        assert ada is not None
        for _ in range(200):
            clock.advance(minutes=1)
            portal.process.run(actions.refresh_quotes(runtime, ["GC"]))
            if actions.unread_alerts(runtime, ada.id):
                break
        admin = browser.new_page(viewport={"width": 1280, "height": 900})
        admin.goto(base + "/account/sign-in")
        admin.fill("#sign-in-username", "root")
        admin.fill("#sign-in-password", ADMIN_PASSWORD)
        admin.locator("form[action^='/account/sign-in'] button[type=submit]").click()
        admin.goto(base + "/admin/feeds")
        admin.fill("#feed-url", publisher.base_url + "/feed.xml")
        admin.locator("form[action='/admin/feeds/add'] button").click()
        expect(admin.locator("main")).to_contain_text("First fetch: 1 new entries")
        admin.screenshot(path=screenshot_path("walk-3-admin-feeds"), full_page=True)

        portal.process.run(deliver_due(runtime))
        member.goto(base + "/inbox")
        expect(member.locator(".inbox-event")).to_have_count(2)
        expect(member.locator("main")).to_contain_text("Gold rose above")
        expect(member.locator("main")).to_contain_text(GOLD_STORY.title)
        expect(member.locator(".reader-inbox .badge")).to_have_text("2")
        expect(member.locator(".deliveries").first).to_contain_text("webhook: sent")
        member.screenshot(path=screenshot_path("walk-4-inbox"), full_page=True)
        browser.close()
        assert errors == []

    signed = [r for r in hooks.requests if r.path == "/tickerwire"]
    assert len(signed) == 2 and all(signed_by(secret, r) for r in signed)
    assert sorted(r.json()["type"] for r in signed) == ["alert.news", "alert.price"]
    subjects = [str(m["subject"]) for m in mail.messages()]
    assert len(subjects) == 2 and any(GOLD_STORY.title in s for s in subjects)
