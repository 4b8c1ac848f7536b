"""``tickerwire feeds …`` run as a user would: add, list, remove, refresh, import, export."""

from __future__ import annotations

from pathlib import Path

from cli.conftest import Invoke
from support.http_server import LocalServer, Reply
from support.ports import free_port

HTML = {"Content-Type": "text/html; charset=utf-8"}


def opml(*urls: str) -> str:
    outlines = "".join(
        f'<outline type="rss" text="Feed {i}" xmlUrl="{u}"/>' for i, u in enumerate(urls)
    )
    return f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'


def test_adding_a_feed_fetches_it_and_reports_new_entries(
    invoke: Invoke, server: LocalServer
) -> None:
    outcome = invoke("feeds", "add", server.url("/feed.xml"))
    assert outcome.code == 0, outcome.output
    assert "Subscribed: feed 1" in outcome.stdout and "2 new entries" in outcome.stdout


def test_adding_a_page_subscribes_to_the_feed_it_names(invoke: Invoke, server: LocalServer) -> None:
    page = b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
    server.route("/markets", Reply(body=page, headers=HTML))
    outcome = invoke("feeds", "add", server.url("/markets"))
    assert outcome.code == 0, outcome.output
    assert f"Subscribed: feed 1 {server.url('/feed.xml')}" in outcome.stdout
    assert server.url("/markets") in outcome.stdout and "2 new entries" in outcome.stdout


def test_a_page_that_names_no_feed_is_refused_with_a_sentence(
    invoke: Invoke, server: LocalServer
) -> None:
    server.route("/about", Reply(body=b"<html><body><p>About us</p></body></html>", headers=HTML))
    outcome = invoke("feeds", "add", server.url("/about"))
    assert outcome.code == 1
    assert 'names none in a <link rel="alternate">' in outcome.stderr
    assert "Traceback" not in outcome.output
    assert (
        "no feeds" not in invoke("feeds", "list").stdout
        and "feed 1" not in invoke("feeds", "list").stdout
    )


def test_a_failed_first_fetch_exits_1_and_says_the_feed_stays_and_when_it_retries(
    invoke: Invoke, server: LocalServer
) -> None:
    server.route("/broken.xml", Reply(status=500))
    outcome = invoke("feeds", "add", server.url("/broken.xml"))
    assert outcome.code == 1
    assert "Subscribed: feed 1" in outcome.stdout
    assert "HTTP 500" in outcome.stderr and "stays subscribed and is retried in " in outcome.stderr


def test_adding_the_same_feed_twice_is_a_clear_error(invoke: Invoke, server: LocalServer) -> None:
    invoke("feeds", "add", "--no-fetch", server.url("/feed.xml"))
    outcome = invoke("feeds", "add", server.url("/feed.xml"))
    assert outcome.code == 1 and "already subscribed" in outcome.stderr


def test_a_url_that_is_not_http_is_refused(invoke: Invoke) -> None:
    outcome = invoke("feeds", "add", "javascript:alert(1)")
    assert outcome.code == 1 and "not an http(s) URL" in outcome.stderr


def test_a_private_address_is_refused_with_how_to_allow_it(database_url: str) -> None:
    from cli.conftest import invoke_cli

    url = f"http://127.0.0.1:{free_port()}/feed.xml"
    outcome = invoke_cli("--database-url", database_url, "feeds", "add", url)
    assert outcome.code == 1
    assert "TICKERWIRE_FETCH__ALLOW_HOSTS='[\"127.0.0.1\"]'" in outcome.stderr
    assert "fetch.allow_hosts in tickerwire.toml (restart to apply)" in outcome.stderr


def test_list_shows_state_next_fetch_and_errors(invoke: Invoke, server: LocalServer) -> None:
    server.route("/broken.xml", Reply(status=500))
    invoke("feeds", "add", server.url("/feed.xml"))
    invoke("feeds", "add", server.url("/broken.xml"))
    outcome = invoke("feeds", "list")
    assert outcome.code == 0
    assert "Example Wire" in outcome.stdout and "ok" in outcome.stdout
    assert "error" in outcome.stdout and "feed 2: HTTP 500" in outcome.stdout
    assert "in " in outcome.stdout  # next fetch, e.g. "in 7 min"


def test_list_fits_80_columns_with_every_id_and_title(invoke: Invoke, server: LocalServer) -> None:
    long = "/a-very-long-path/that/goes/on/and/on/for/ever/feed.xml?partner=wrss01&id=100003114"
    server.route(long.split("?")[0], Reply(status=503))
    invoke("feeds", "add", server.url("/feed.xml"))
    invoke("feeds", "add", "--title", "Long one", server.url(long))
    invoke("feeds", "refresh")
    outcome = invoke("feeds", "list", columns=80)
    lines = outcome.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, outcome.stdout
    for feed_id, title in (("1", "Example Wire"), ("2", "Long one")):
        assert any(line.lstrip("│ ").startswith(feed_id) and title in line for line in lines)
    assert any(line.startswith("feed 2: HTTP 503") for line in lines)


def test_titles_from_outside_are_printed_as_plain_visible_text(
    invoke: Invoke, server: LocalServer
) -> None:
    invoke(
        "feeds", "add", "--no-fetch", "--title", "[red]Wire\x1b[2J[/red]", server.url("/feed.xml")
    )
    outcome = invoke("feeds", "list")
    # The escape never reaches the terminal raw: it is dropped on the way in (control
    # characters are normalised) or shown as ``\x1b`` by ``outside``.
    assert "[red]Wire" in outcome.stdout and "[/red]" in outcome.stdout
    assert "\x1b" not in outcome.stdout


def test_remove_by_id_or_url(invoke: Invoke, server: LocalServer) -> None:
    invoke("feeds", "add", "--no-fetch", server.url("/feed.xml"))
    outcome = invoke("feeds", "remove", server.url("/feed.xml"))
    assert outcome.code == 0 and "Removed feed 1" in outcome.stdout
    outcome = invoke("feeds", "remove", "1")
    assert outcome.code == 1 and "no feed with id 1" in outcome.stderr


def test_refresh_with_a_failing_feed_exits_1(invoke: Invoke, server: LocalServer) -> None:
    server.route("/broken.xml", Reply(status=500))
    invoke("feeds", "add", "--no-fetch", server.url("/feed.xml"))
    invoke("feeds", "add", "--no-fetch", server.url("/broken.xml"))
    outcome = invoke("feeds", "refresh")
    assert outcome.code == 1
    assert "2 feeds fetched, 2 new entries, 1 failed." in outcome.stdout
    assert "1 of 2 feeds failed to fetch" in outcome.stderr


def test_refresh_that_succeeds_exits_0(invoke: Invoke, server: LocalServer) -> None:
    invoke("feeds", "add", "--no-fetch", server.url("/feed.xml"))
    outcome = invoke("feeds", "refresh", "1")
    assert outcome.code == 0 and "1 feeds fetched, 2 new entries, 0 failed." in outcome.stdout


def test_opml_import_subscribes_fetches_and_export_round_trips(
    invoke: Invoke, server: LocalServer, tmp_path: Path
) -> None:
    feed = server.url("/feed.xml")
    subscriptions = tmp_path / "subs.opml"
    subscriptions.write_text(opml(feed, feed, "javascript:alert(1)"))
    outcome = invoke("feeds", "import", str(subscriptions))
    assert outcome.code == 0, outcome.output
    assert "1 feeds added" in outcome.stdout  # the repeat and the javascript: URL are dropped
    assert "1 feeds fetched, 2 new entries" in outcome.stdout
    exported = tmp_path / "out.opml"
    assert invoke("feeds", "export", str(exported)).code == 0
    assert feed in exported.read_text()


def test_an_opml_file_with_nothing_importable_exits_1_saying_why_each_was_skipped(
    invoke: Invoke, server: LocalServer, tmp_path: Path
) -> None:
    invoke("feeds", "add", "--no-fetch", server.url("/feed.xml"))
    subscriptions = tmp_path / "subs.opml"
    subscriptions.write_text(opml(server.url("/feed.xml")))
    outcome = invoke("feeds", "import", str(subscriptions))
    assert outcome.code == 1
    assert "already subscribed" in outcome.stderr and "nothing imported from" in outcome.stderr


def test_an_opml_file_with_entity_tricks_is_refused(invoke: Invoke, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.opml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;">]><opml><body><outline text="&b;"/></body></opml>'
    )
    outcome = invoke("feeds", "import", str(bomb))
    assert outcome.code == 1 and "bomb.opml" in outcome.stderr and "entity" in outcome.stderr


def test_a_title_that_closes_markup_it_never_opened_does_not_crash_the_list(
    invoke: Invoke, server: LocalServer
) -> None:
    invoke("feeds", "add", "--no-fetch", "--title", "Wire [/bold] news", server.url("/feed.xml"))
    outcome = invoke("feeds", "list")
    assert outcome.code == 0 and "Wire [/bold] news" in outcome.stdout


def test_a_title_with_a_link_tag_never_becomes_a_terminal_link(
    invoke: Invoke, server: LocalServer
) -> None:
    title = "[link=https://evil.example]Wire[/link]"
    invoke("feeds", "add", "--no-fetch", "--title", title, server.url("/feed.xml"))
    outcome = invoke("feeds", "list")
    assert title in outcome.stdout and "\x1b]8;" not in outcome.stdout


def test_refresh_errors_are_printed_as_plain_text_without_secrets(
    invoke: Invoke, server: LocalServer
) -> None:
    server.route("/broken.xml", Reply(status=500))
    invoke("feeds", "add", "--no-fetch", server.url("/broken.xml?x=[/bold]&token=tok-789"))
    outcome = invoke("feeds", "refresh")
    assert outcome.code == 1 and "HTTP 500" in outcome.stderr
    assert "x=[/bold]" in outcome.stderr
    assert "tok-789" not in outcome.output and "token=***" in outcome.stderr


def test_a_paused_feed_is_listed_as_paused_and_left_out_of_refresh(
    invoke: Invoke, server: LocalServer
) -> None:
    invoke("feeds", "add", "--no-fetch", server.url("/feed.xml"))
    outcome = invoke("feeds", "pause", "1")
    assert outcome.code == 0 and f"Paused feed 1 {server.url('/feed.xml')}" in outcome.stdout
    assert "paused" in invoke("feeds", "list").stdout
    assert "0 feeds fetched" in invoke("feeds", "refresh").stdout
    assert server.requests == []


def test_a_resumed_feed_is_refreshed_again(invoke: Invoke, server: LocalServer) -> None:
    invoke("feeds", "add", "--no-fetch", server.url("/feed.xml"))
    invoke("feeds", "pause", server.url("/feed.xml"))
    outcome = invoke("feeds", "resume", server.url("/feed.xml"))
    assert outcome.code == 0 and "Resumed feed 1" in outcome.stdout
    assert "1 feeds fetched, 2 new entries" in invoke("feeds", "refresh").stdout


def test_pausing_an_unknown_feed_exits_1_with_a_sentence(invoke: Invoke) -> None:
    outcome = invoke("feeds", "pause", "9")
    assert outcome.code == 1 and "there is no feed with id 9" in outcome.stderr
