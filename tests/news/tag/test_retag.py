"""Re-tagging: `tickerwire tag --all` tags every stored article again, so articles stored
before a new alias table or before relevance carry today's tags."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from tickerwire.cli import cli
from tickerwire.news.model import ArticleEntity, ArticleInstrument, ArticleTags
from tickerwire.store.news import ArticleRecord, NewsStore

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
STALE = ArticleTags(
    instruments=[ArticleInstrument("SI", 1, 0.0)],
    entities=[ArticleEntity("silver", "Silver", "commodity", 1, 0.0)],
)


def save(news: NewsStore, slug: str, title: str, text: str) -> int:
    url = f"https://wire.example/news/{slug}"
    record = ArticleRecord(
        canonical_url=url,
        url=url,
        title=title,
        title_key=slug,
        byline=None,
        site_name="Example Wire",
        lang="en",
        published=NOW,
        updated=None,
        lead_image=None,
        figures=[],
        video=None,
        body_html="",
        text=text,
        summary_html="",
        extracted=True,
        extraction_error=None,
        fingerprint=None,
        fetched_at=NOW,
    )
    return news.save_article(record, STALE, now=NOW)


def test_every_stored_article_is_tagged_again(
    engine: sa.Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKERWIRE_DEFAULT_FEEDS", "[]")
    news = NewsStore(engine)
    iraq = save(news, "iraq", "Baghdad talks", "Iraqi and Syrian ministers met in Damascus.")
    gold = save(news, "gold", "Gold hits a record", "Bullion rose as the dollar slid.")
    result = CliRunner().invoke(cli, ["--database-url", database_url, "tag", "--all"])
    assert result.exit_code == 0, result.output
    assert "Tagged 2 articles again." in result.stdout
    iraq_tags = news.tags(iraq)
    assert {e.name for e in iraq_tags.entities} == {"Iraq", "Syria"}
    assert iraq_tags.instruments == []
    gold_tags = news.tags(gold)
    assert [(t.symbol, t.mentions, t.relevance) for t in gold_tags.instruments] == [("GC", 2, 0.88)]


def test_an_unreadable_extra_table_stops_the_run_with_its_setting_named(
    engine: sa.Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKERWIRE_DEFAULT_FEEDS", "[]")
    monkeypatch.setenv("TICKERWIRE_TAGGING__EXTRA_ALIASES", "/nonexistent/aliases.toml")
    result = CliRunner().invoke(cli, ["--database-url", database_url, "tag", "--all"])
    assert result.exit_code != 0
    assert "tagging.extra_aliases: cannot read alias table" in result.stderr
