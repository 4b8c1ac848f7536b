"""A webhook URL is checked when it is saved: public http(s) only, no credentials, no
fragment, no private or local host unless the admin allowed it; the body is versioned and
signed so a Standard Webhooks library verifies it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from tickerwire.alerts.webhook import (
    UnsafeWebhookURL,
    check_webhook_secret,
    check_webhook_url,
    new_webhook_secret,
    signed_headers,
    webhook_body,
)
from tickerwire.config import FetchSettings
from tickerwire.net.guard import Allowlist
from tickerwire.store.deliveries import Trigger

FETCH = FetchSettings()
FIRED = datetime(2026, 12, 3, 14, 30, tzinfo=UTC)
TRIGGER = Trigger(
    event_id=7,
    title="SPX rose above 6,000",
    summary="S&P 500 at 6,001.20",
    link="/quote/SPX",
    data={"price": 6001.2},
    fired_at=FIRED,
    alert_id=3,
    kind="price",
    label="SPX above 6000",
    symbol="SPX",
    condition="above",
    level=6000.0,
    topic_kind=None,
    topic_key=None,
)


def test_a_public_https_url_is_accepted_as_given() -> None:
    url = "https://hooks.example.com/tickerwire/in?team=7"
    assert check_webhook_url(url, FETCH) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5/hook",
        "http://192.168.1.1/hook",
        "http://127.0.0.1/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::ffff:127.0.0.1]/hook",
        "http://127.1/hook",
        "http://2130706433/hook",
        "http://0x7f.0.0.1/hook",
    ],
)
def test_a_private_or_loopback_address_is_refused_saying_so(url: str) -> None:
    with pytest.raises(UnsafeWebhookURL, match="not a public address"):
        check_webhook_url(url, FETCH)


@pytest.mark.parametrize(
    "url", ["http://localhost/hook", "http://printer.local/hook", "http://router/hook"]
)
def test_a_local_name_is_refused_saying_so(url: str) -> None:
    with pytest.raises(UnsafeWebhookURL, match="local name"):
        check_webhook_url(url, FETCH)


def test_credentials_in_the_url_are_refused() -> None:
    with pytest.raises(UnsafeWebhookURL, match="user name or password"):
        check_webhook_url("https://user:secret@hooks.example.com/in", FETCH)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://hooks.example.com/in", "https://"),
        ("file:///etc/passwd", "https://"),
        ("https://hooks.example.com/in#x", "fragment"),
        ("https://hooks.example.com/in\r\nX: y", "control characters"),
        ("https:///in", "names a host"),
        ("https://hooks.example.com:8443/in", "port 8443"),
    ],
)
def test_other_urls_that_cannot_be_webhooks_are_refused(url: str, why: str) -> None:
    with pytest.raises(UnsafeWebhookURL, match=why):
        check_webhook_url(url, FETCH)


def test_the_admin_allowlist_lets_a_private_host_through_on_any_port() -> None:
    url = "http://10.0.0.5:9000/hook"
    assert check_webhook_url(url, FetchSettings(allow_hosts=["10.0.0.0/8"])) == url
    assert check_webhook_url(url, FETCH, Allowlist.parse(["10.0.0.5"])) == url
    assert check_webhook_url("http://hooks.lan:9000/x", FETCH, Allowlist.parse(["hooks.lan"]))


def test_the_body_is_version_1_with_the_delivery_id_and_an_absolute_link() -> None:
    body = webhook_body("0b4e-key", TRIGGER, "https://news.example.org/")
    assert body["version"] == 1
    assert body["type"] == "alert.price"
    assert body["delivery_id"] == "0b4e-key"
    assert body["fired_at"] == "2026-12-03T14:30:00Z"
    assert body["alert"]["symbol"] == "SPX" and body["alert"]["level"] == 6000.0
    assert body["event"] == {
        "id": 7,
        "title": "SPX rose above 6,000",
        "summary": "S&P 500 at 6,001.20",
        "link": "https://news.example.org/quote/SPX",
        "data": {"price": 6001.2},
    }


def test_without_a_public_address_the_link_is_the_path() -> None:
    assert webhook_body("k", TRIGGER, "")["event"]["link"] == "/quote/SPX"


def test_the_signature_verifies_with_the_secret_and_fails_without_it() -> None:
    secret = new_webhook_secret()
    body = json.dumps(webhook_body("k", TRIGGER, ""))
    headers = signed_headers(secret, "k", datetime.now(UTC), body)
    assert Webhook(secret).verify(body, headers)["delivery_id"] == "k"
    with pytest.raises(WebhookVerificationError):
        Webhook(new_webhook_secret()).verify(body, headers)


def test_a_secret_is_whsec_and_base64() -> None:
    secret = new_webhook_secret()
    assert check_webhook_secret(secret) == secret
    with pytest.raises(ValueError, match="whsec_"):
        check_webhook_secret("hunter2")
