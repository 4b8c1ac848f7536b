"""An email delivery reaches the member's address alone through the mail server, with
headers no title can add to, a Message-ID made from the delivery id; a digest gathers a
day's events into one email."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alerts.conftest import OpenRuntime
from support.alert_rows import fire, member
from support.mail_server import MailServer
from support.ports import free_port
from tickerwire.alerts.email import check_email_address
from tickerwire.alerts.outbox import deliver_due, send_digests
from tickerwire.store.deliveries import DeliveryStore

pytestmark = pytest.mark.anyio
INJECTED = "Fed holds rates\r\nBcc: victim@evil.example\r\n\r\nbody"


async def test_an_alert_email_reaches_the_member_through_the_mail_server(
    open_runtime: OpenRuntime, mail_server: MailServer
) -> None:
    runtime = await open_runtime(**mail_server.settings(), public_url="https://news.example.org")
    member_id = member(runtime.engine, email="reader@example.com")
    event_id = fire(runtime.engine, member_id, runtime.now())
    assert (await deliver_due(runtime)).sent == 1
    (envelope,) = mail_server.envelopes
    assert envelope.mail_from == "alerts@news.example.org"
    assert envelope.rcpt_tos == ["reader@example.com"]
    (message,) = mail_server.messages()
    (delivery,) = DeliveryStore(runtime.engine).of_event(member_id, event_id)
    assert message["Subject"] == "SPX rose above 6,000"
    assert message["From"] == "Tickerwire Alerts <alerts@news.example.org>"
    assert message["Message-ID"] == f"<{delivery.delivery_key}@news.example.org>"
    assert "https://news.example.org/quote/SPX" in message.get_content()


async def test_a_title_with_a_line_break_cannot_add_a_header_or_a_recipient(
    open_runtime: OpenRuntime, mail_server: MailServer
) -> None:
    runtime = await open_runtime(**mail_server.settings())
    member_id = member(runtime.engine, email="reader@example.com")
    fire(runtime.engine, member_id, runtime.now(), title=INJECTED)
    assert (await deliver_due(runtime)).sent == 1
    (envelope,) = mail_server.envelopes
    assert envelope.rcpt_tos == ["reader@example.com"]
    (message,) = mail_server.messages()
    assert message["Bcc"] is None
    assert message["Subject"] == "Fed holds rates Bcc: victim@evil.example body"


async def test_a_sender_name_with_a_line_break_is_one_line(
    open_runtime: OpenRuntime, mail_server: MailServer
) -> None:
    settings = {**mail_server.settings(), "mail_from": '"Alerts\r\nBcc: x@y.z" <a@b.example>'}
    runtime = await open_runtime(**settings)
    fire(runtime.engine, member(runtime.engine, email="reader@example.com"), runtime.now())
    await deliver_due(runtime)
    (message,) = mail_server.messages()
    assert message["Bcc"] is None
    assert message["From"] == '"Alerts Bcc: x@y.z" <a@b.example>'


async def test_the_digest_gathers_the_days_events_into_one_email(
    open_runtime: OpenRuntime, mail_server: MailServer
) -> None:
    runtime = await open_runtime(**mail_server.settings(), digest_hour=8)
    member_id = member(runtime.engine, email="reader@example.com", email_digest=True)
    day = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    titles = ["SPX rose above 6,000", "Fed holds rates", "Oil slides 4 %"]
    for hour, title in enumerate(titles):
        fire(runtime.engine, member_id, day + timedelta(hours=hour), title=title)
    assert (await deliver_due(runtime, day + timedelta(hours=5))).sent == 0
    assert (await send_digests(runtime, day + timedelta(hours=5))).sent == 0  # before 08:00
    next_morning = datetime(2026, 12, 4, 8, 5, tzinfo=UTC)
    fire(runtime.engine, member_id, next_morning, title="Late news")  # for tomorrow's
    assert (await send_digests(runtime, next_morning)).sent == 3
    assert (await send_digests(runtime, next_morning + timedelta(hours=1))).sent == 0
    (message,) = mail_server.messages()
    assert message["Subject"] == "Your alerts: 3 events"
    text = message.get_content()
    assert [text.index(title) for title in titles] == sorted(text.index(t) for t in titles)
    assert "Late news" not in text
    states = [d.state for d in DeliveryStore(runtime.engine).of_member(member_id)]
    assert sorted(states) == ["digest", "sent", "sent", "sent"]


async def test_without_a_mail_server_an_email_fails_saying_so(
    open_runtime: OpenRuntime,
) -> None:
    runtime = await open_runtime()
    member_id = member(runtime.engine, email="reader@example.com")
    event_id = fire(runtime.engine, member_id, runtime.now())
    assert (await deliver_due(runtime)).failed == 1
    (failed,) = DeliveryStore(runtime.engine).of_event(member_id, event_id)
    assert failed.last_error is not None and "alerts.smtp_host" in failed.last_error


@pytest.mark.parametrize(
    "address", ["", "reader", "reader@localhost", "a@b.example\r\nBcc: c@d.example", "a@@b.co"]
)
def test_an_address_that_is_not_one_plain_address_is_refused(address: str) -> None:
    with pytest.raises(ValueError, match="not an email address"):
        check_email_address(address)


async def test_a_mail_server_that_cannot_be_reached_is_tried_again_later(
    open_runtime: OpenRuntime,
) -> None:
    runtime = await open_runtime(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False)
    member_id = member(runtime.engine, email="reader@example.com")
    event_id = fire(runtime.engine, member_id, runtime.now())
    assert (await deliver_due(runtime)).retried == 1
    (waiting,) = DeliveryStore(runtime.engine).of_event(member_id, event_id)
    assert (waiting.state, waiting.attempts) == ("pending", 1)
    assert waiting.last_error is not None and waiting.last_error.startswith("mail server:")
