"""The news commands, run as a user would: feeds add/list/remove/refresh/import/export, extract."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from support.http_server import LocalServer, Reply
from support.newsroom import FED_STORY, OIL_STORY, Newsroom, article_page
from tickerwire.cli import cli


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        Newsroom(server).publish(FED_STORY, OIL_STORY)
        yield server


@pytest.fixture
def invoke(database_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TICKERWIRE_FETCH__ALLOW_HOSTS", '["127.0.0.1"]')
    monkeypatch.setenv("TICKERWIRE_DEFAULT_FEEDS", "[]")

    def run(*args: str) -> tuple[int, str]:
        runner = CliRunner(env={"COLUMNS": "200"})
        result = runner.invoke(cli, ["--database-url", database_url, *args])
        return result.exit_code, result.output

    return run


def test_adding_a_feed_fetches_it_and_reports_new_entries(invoke, server: LocalServer) -> None:  # type: ignore[no-untyped-def]
    code, output = invoke("feeds", "add", server.url("/feed.xml"))
    assert code == 0, output
    assert "Subscribed: feed 1" in output and "2 new entries" in output


def test_adding_the_same_feed_twice_is_a_clear_error(invoke, server: LocalServer) -> None:  # type: ignore[no-untyped-def]
    invoke("feeds", "add", "--no-fetch", server.url("/feed.xml"))
    code, output = invoke("feeds", "add", server.url("/feed.xml"))
    assert code != 0 and "already subscribed" in output


def test_a_url_that_is_not_http_is_refused(invoke) -> None:  # type: ignore[no-untyped-def]
    code, output = invoke("feeds", "add", "javascript:alert(1)")
    assert code != 0 and "not an http(s) URL" in output


def test_list_shows_state_last_and_next_fetch_and_errors(invoke, server: LocalServer) -> None:  # type: ignore[no-untyped-def]
    server.route("/broken.xml", Reply(status=500))
    invoke("feeds", "add", server.url("/feed.xml"))
    invoke("feeds", "add", server.url("/broken.xml"))
    code, output = invoke("feeds", "list")
    assert code == 0
    assert "Example Wire" in output and "ok" in output
    assert "error" in output and "500" in output
    assert "in " in output  # next fetch, e.g. "in 7 min"


def test_remove_by_id_or_url(invoke, server: LocalServer) -> None:  # type: ignore[no-untyped-def]
    invoke("feeds", "add", "--no-fetch", server.url("/feed.xml"))
    code, output = invoke("feeds", "remove", server.url("/feed.xml"))
    assert code == 0 and "Removed feed 1" in output
    code, output = invoke("feeds", "remove", "1")
    assert code != 0 and "no feed with id 1" in output


def test_opml_import_subscribes_fetches_and_export_round_trips(
    invoke,
    server: LocalServer,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    opml = tmp_path / "subs.opml"
    feed = server.url("/feed.xml")
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>'
        f'<outline text="Markets"><outline type="rss" text="Wire" xmlUrl="{feed}"/>'
        f'<outline type="rss" text="Wire again" xmlUrl="{feed}"/>'
        '<outline type="rss" text="Bad" xmlUrl="javascript:alert(1)"/></outline></body></opml>'
    )
    code, output = invoke("feeds", "import", str(opml))
    assert code == 0, output
    assert "1 feeds added" in output  # the duplicate and the javascript: URL are dropped
    assert "1 feeds fetched, 2 new entries" in output
    exported = tmp_path / "out.opml"
    code, _ = invoke("feeds", "export", str(exported))
    assert code == 0 and server.url("/feed.xml") in exported.read_text()


def test_an_opml_file_with_entity_tricks_is_refused(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    opml = tmp_path / "bomb.opml"
    opml.write_text(
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;">]><opml><body><outline text="&b;"/></body></opml>'
    )
    code, output = invoke("feeds", "import", str(opml))
    assert code != 0 and "bomb.opml" in output


def test_extract_prints_one_json_line_per_page_and_goes_on_after_errors(tmp_path: Path) -> None:
    page = tmp_path / "fed.html.gz"
    page.write_bytes(gzip.compress(article_page(FED_STORY, "https://wire.example")))
    empty = tmp_path / "empty.html"
    empty.write_text("")
    result = CliRunner().invoke(
        cli, ["extract", str(page), str(empty), str(tmp_path / "missing.html")]
    )
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["source"] for line in lines] == [
        str(page),
        str(empty),
        str(tmp_path / "missing.html"),
    ]
    assert lines[0]["title"] == FED_STORY.title
    assert lines[0]["lead_image"]["credit"] == FED_STORY.figure_credit
    assert set(lines[0]) >= {
        "byline", "published", "site_name", "canonical_url", "lang", "figures", "video",
        "body_html", "text",
    }  # fmt: skip
    assert "error" in lines[1] and "error" in lines[2]
