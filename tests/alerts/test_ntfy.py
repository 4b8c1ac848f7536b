"""An ntfy delivery is published as JSON to the root of the ntfy server, on the member's
topic, with a one-line title and the event's link to click."""

from __future__ import annotations

import pytest

from alerts.conftest import OpenRuntime
from support.alert_rows import fire, member
from support.receiver import Receiver
from tickerwire.alerts.ntfy import check_ntfy_topic
from tickerwire.alerts.outbox import deliver_due

pytestmark = pytest.mark.anyio


async def test_an_event_is_published_as_json_on_the_members_topic(
    open_runtime: OpenRuntime,
) -> None:
    with Receiver() as ntfy:
        runtime = await open_runtime(
            ntfy_server=ntfy.url(), ntfy_token="tk_x", public_url="https://news.example.org"
        )
        member_id = member(runtime.engine, ntfy_topic="tw-alerts-9f3")
        fire(runtime.engine, member_id, runtime.now(), title="SPX rose\r\nabove 6,000")
        report = await deliver_due(runtime)
    assert report.sent == 1
    (request,) = ntfy.requests
    assert request.path == "/"
    assert request.headers["authorization"] == "Bearer tk_x"
    assert request.json() == {
        "topic": "tw-alerts-9f3",
        "title": "SPX rose above 6,000",
        "message": "S&P 500 at 6,001.20, up 0.8 %",
        "click": "https://news.example.org/quote/SPX",
        "tags": ["chart_with_upwards_trend"],
    }


async def test_without_a_public_address_there_is_nothing_to_click(
    open_runtime: OpenRuntime,
) -> None:
    with Receiver() as ntfy:
        runtime = await open_runtime(ntfy_server=ntfy.url("/"))
        fire(runtime.engine, member(runtime.engine, ntfy_topic="tw"), runtime.now(), kind="news")
        await deliver_due(runtime)
    (request,) = ntfy.requests
    assert "click" not in request.json()
    assert request.json()["tags"] == ["newspaper"]
    assert "authorization" not in request.headers


@pytest.mark.parametrize("topic", ["", "a b", "x" * 65, "tw/../admin", "tw\nX"])
def test_a_topic_ntfy_would_not_take_is_refused(topic: str) -> None:
    with pytest.raises(ValueError, match="ntfy topic"):
        check_ntfy_topic(topic)
