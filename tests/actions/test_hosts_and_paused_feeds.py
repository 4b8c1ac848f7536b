"""The admin's use-case functions (pause and resume feeds, OPML export, the stored
allowlist of private hosts), against a local publisher and a real store."""

from __future__ import annotations

from typing import Any

import pytest

from support.http_server import LocalServer
from support.newsroom import FED_STORY, OIL_STORY, Newsroom
from support.runtimes import with_runtime
from tickerwire import actions
from tickerwire.jobs import tasks
from tickerwire.news.parse.opml import parse_opml
from tickerwire.runtime import Runtime


@pytest.fixture
def server() -> Any:
    with LocalServer() as server:
        Newsroom(server).publish(FED_STORY, OIL_STORY)
        yield server


def test_a_paused_feed_is_not_due_and_not_refreshed_with_every_feed(
    database_url: str, server: LocalServer
) -> None:
    async def work(runtime: Runtime) -> tuple[list[int], int, int]:
        added = await actions.subscribe(runtime, server.url("/feed.xml"), fetch=False)
        paused = actions.pause_feed(runtime, str(added.feed.id))
        due = await tasks.feeds_due(runtime)
        queued = await tasks.refresh_feed(runtime, added.feed.id)
        report = await actions.refresh_feeds(runtime)
        assert paused.paused and paused.state == "paused" and queued is None
        return due, len(report.results), len(server.requests)

    assert with_runtime(database_url, work) == ([], 0, 0)


def test_a_paused_feed_named_on_its_own_is_refreshed(
    database_url: str, server: LocalServer
) -> None:
    async def work(runtime: Runtime) -> int:
        await actions.subscribe(runtime, server.url("/feed.xml"), fetch=False)
        feed = actions.pause_feed(runtime, server.url("/feed.xml"))
        report = await actions.refresh_feeds(runtime, [feed])
        return report.new_entries

    assert with_runtime(database_url, work) == 2


def test_a_resumed_feed_is_due_again(database_url: str, server: LocalServer) -> None:
    async def work(runtime: Runtime) -> tuple[bool, list[int], int]:
        added = await actions.subscribe(runtime, server.url("/feed.xml"), fetch=False)
        actions.pause_feed(runtime, str(added.feed.id))
        resumed = actions.resume_feed(runtime, str(added.feed.id))
        return resumed.paused, await tasks.feeds_due(runtime), added.feed.id

    paused, due, feed_id = with_runtime(database_url, work)
    assert not paused and due == [feed_id]


def test_pausing_an_unknown_feed_is_refused_with_a_sentence(database_url: str) -> None:
    async def work(runtime: Runtime) -> None:
        actions.pause_feed(runtime, "7")

    with pytest.raises(actions.ActionError, match="there is no feed with id 7"):
        with_runtime(database_url, work)


def test_exported_subscriptions_import_as_the_same_feeds(
    database_url: str, server: LocalServer
) -> None:
    async def work(runtime: Runtime) -> bytes:
        await actions.subscribe(runtime, server.url("/feed.xml"), fetch=False)
        await actions.subscribe(runtime, server.url("/other.xml"), fetch=False)
        return actions.export_subscriptions(runtime)

    document = with_runtime(database_url, work)
    assert [o.xml_url for o in parse_opml(document)] == [
        server.url("/feed.xml"),
        server.url("/other.xml"),
    ]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("NAS.lan.", "nas.lan"),
        (" 192.168.1.7 ", "192.168.1.7/32"),
        ("10.1.2.3/8", "10.0.0.0/8"),
        ("[::1]", "::1/128"),
    ],
)
def test_an_allowed_host_is_stored_in_one_form(database_url: str, given: str, stored: str) -> None:
    async def work(runtime: Runtime) -> tuple[str, list[str]]:
        entry = actions.allow_host(runtime, given, by="ada")
        return entry, [row.entry for row in actions.allowed_hosts(runtime).stored]

    assert with_runtime(database_url, work) == (stored, [stored])


@pytest.mark.parametrize("given", ["", "http://nas.lan/feed", "nas.lan:8080", "a b", "x" * 300])
def test_an_entry_that_is_no_host_is_refused(database_url: str, given: str) -> None:
    async def work(runtime: Runtime) -> None:
        actions.allow_host(runtime, given)

    with pytest.raises(actions.ActionError):
        with_runtime(database_url, work)


def test_an_allowed_host_can_be_fetched_at_once_and_refused_again_once_removed(
    database_url: str, server: LocalServer
) -> None:
    """The guard of the same process sees the change on its next connection."""

    async def work(runtime: Runtime) -> list[str]:
        url = server.url("/feed.xml")
        seen = []
        for step in ("before", "allowed", "removed"):
            if step == "allowed":
                actions.allow_host(runtime, "127.0.0.1")
            if step == "removed":
                actions.disallow_host(runtime, "127.0.0.1")
            try:
                await actions.subscribe(runtime, url)
                actions.unsubscribe(runtime, url)
                seen.append("fetched")
            except actions.ActionError as refused:
                seen.append("refused" if "not a public address" in str(refused) else str(refused))
        return seen

    result = with_runtime(database_url, work, fetch={"deadline": 3})
    assert result == ["refused", "fetched", "refused"]


def test_removing_a_host_only_the_settings_allow_says_where_it_is(database_url: str) -> None:
    async def work(runtime: Runtime) -> None:
        actions.disallow_host(runtime, "127.0.0.1")

    with pytest.raises(actions.ActionError, match=r"fetch\.allow_hosts"):
        with_runtime(database_url, work)
