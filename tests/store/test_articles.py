"""Articles in the news store: typed records out, and an article with its tags in one
transaction, so a failed write leaves all of it or none."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tickerwire.news.model import (
    ArticleEntity,
    ArticleInstrument,
    ArticleTags,
    Figure,
    ImageSource,
    StorySibling,
    Video,
)
from tickerwire.store.news import ArticleRecord, NewsStore
from tickerwire.store.schema import article_entities, article_instruments, stories

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
LEAD = Figure(
    url="https://wire.example/img/lead.jpg",
    caption="Traders on the floor.",
    credit="Sam Ortega / Example Wire",
    alt="The exchange floor",
)
CHART = Figure(url="https://wire.example/img/chart.png", caption=None, credit="Chart", alt=None)
CLIP = Video(
    url="https://www.youtube.com/embed/abc123",
    title="The chair speaks",
    thumbnail=None,
    provider="youtube",
)
FED_TAGS = ArticleTags(
    instruments=[ArticleInstrument("SPX", 2)],
    entities=[ArticleEntity("federal-reserve", "Federal Reserve", "central_bank", 3)],
)


def record(slug: str, *, published: datetime = NOW, story_id: int | None = None) -> ArticleRecord:
    url = f"https://wire.example/news/{slug}"
    return ArticleRecord(
        canonical_url=url,
        url=url,
        title=f"Story {slug}",
        title_key=f"story {slug}",
        byline="Dana Whitfield",
        site_name="Example Wire",
        lang="en",
        published=published,
        updated=None,
        lead_image=LEAD,
        figures=[CHART],
        video=CLIP,
        body_html="<p>The Federal Reserve held rates.</p>",
        text="The Federal Reserve held rates.",
        summary_html="",
        extracted=True,
        extraction_error=None,
        fingerprint=(1 << 64) - 1,
        fetched_at=NOW,
        story_id=story_id,
    )


@pytest.fixture
def news(engine: sa.Engine) -> NewsStore:
    return NewsStore(engine)


def count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_a_stored_article_comes_back_with_its_figures_and_video_as_records(
    news: NewsStore,
) -> None:
    article_id = news.save_article(record("fed"), ArticleTags(), now=NOW)
    stored = news.article(article_id)
    assert stored is not None
    assert (stored.lead_image, stored.figures, stored.video) == (LEAD, [CHART], CLIP)
    assert (stored.byline, stored.first_seen_at) == ("Dana Whitfield", NOW)


def test_an_article_the_store_does_not_have_is_none(news: NewsStore) -> None:
    assert news.article(404) is None


def test_a_headline_row_carries_its_lead_image_and_its_time(news: NewsStore) -> None:
    news.save_article(replace(record("fed"), published=None), ArticleTags(), now=NOW)
    (row,) = news.latest_articles()
    assert (row.title, row.lead_image, row.when) == ("Story fed", LEAD, NOW)


def test_latest_articles_page_on_with_an_offset(news: NewsStore) -> None:
    for minutes in range(5):
        news.save_article(
            record(f"s{minutes}", published=NOW + timedelta(minutes=minutes)),
            ArticleTags(),
            now=NOW,
        )
    titles = [a.title for a in news.latest_articles(2, offset=2)]
    assert titles == ["Story s2", "Story s1"]


def test_the_copies_of_a_story_are_its_siblings(news: NewsStore) -> None:
    first = news.save_article(record("wire"), ArticleTags(), now=NOW)
    story = news.article(first)
    assert story is not None
    copy = news.save_article(record("copy", story_id=story.story_id), ArticleTags(), now=NOW)
    assert news.story_articles(story.story_id) == [
        StorySibling(first, "Story wire", "Example Wire", "https://wire.example/news/wire"),
        StorySibling(copy, "Story copy", "Example Wire", "https://wire.example/news/copy"),
    ]


def candidates_for(
    news: NewsStore, *, title_key: str = "", url: str = "", fingerprint: int | None = None
) -> list[str]:
    found = news.story_candidates(
        NOW - timedelta(days=1), title_key=title_key, canonical_url=url, fingerprint=fingerprint
    )
    return [candidate.url.rsplit("/", 1)[1] for candidate in found]


def test_story_candidates_give_back_the_fingerprint_as_it_was_stored(news: NewsStore) -> None:
    news.save_article(record("fed"), ArticleTags(), now=NOW)
    (candidate,) = news.story_candidates(
        NOW - timedelta(days=1), title_key="story fed", canonical_url="", fingerprint=None
    )
    assert (candidate.url, candidate.fingerprint) == (
        "https://wire.example/news/fed",
        (1 << 64) - 1,
    )


def test_story_candidates_are_the_recent_articles_with_the_same_title_key_or_url(
    news: NewsStore,
) -> None:
    for slug in ("fed", "oil", "gold"):
        news.save_article(replace(record(slug), fingerprint=None), ArticleTags(), now=NOW)
    assert candidates_for(news, title_key="story oil") == ["oil"]
    assert candidates_for(news, url="https://wire.example/news/gold") == ["gold"]
    assert candidates_for(news, title_key="story copper") == []


def test_story_candidates_are_the_fingerprints_at_most_eight_bits_apart(news: NewsStore) -> None:
    base = 0x0123_4567_89AB_CDEF
    for slug, fingerprint in (("same", base), ("near", base ^ 0xFF), ("far", base ^ 0x1FF)):
        news.save_article(replace(record(slug), fingerprint=fingerprint), ArticleTags(), now=NOW)
    news.save_article(replace(record("top"), fingerprint=(1 << 64) - 1), ArticleTags(), now=NOW)
    assert sorted(candidates_for(news, fingerprint=base)) == ["near", "same"]
    assert candidates_for(news, fingerprint=(1 << 64) - 2) == ["top"]
    assert candidates_for(news, fingerprint=(1 << 63) ^ base) == ["same"]  # the top bit, alone
    assert candidates_for(news, fingerprint=base ^ ((1 << 64) - 1)) == []


def test_story_candidates_come_from_the_most_recent_articles_only(news: NewsStore) -> None:
    for minutes, slug in enumerate(("old", "newer", "newest")):
        later = NOW + timedelta(minutes=minutes)
        news.save_article(replace(record(slug), title_key="story same"), ArticleTags(), now=later)
    found = news.story_candidates(
        NOW - timedelta(days=1), title_key="story same", canonical_url="", fingerprint=None, limit=2
    )
    assert [c.url.rsplit("/", 1)[1] for c in found] == ["newest", "newer"]


def test_an_article_is_saved_with_its_tags(news: NewsStore) -> None:
    article_id = news.save_article(record("fed"), FED_TAGS, now=NOW)
    assert news.tags(article_id) == FED_TAGS


def test_saving_an_article_again_replaces_its_tags(news: NewsStore) -> None:
    article_id = news.save_article(record("fed"), FED_TAGS, now=NOW)
    oil = ArticleTags(instruments=[ArticleInstrument("CL", 4)])
    assert news.save_article(record("fed"), oil, now=NOW) == article_id
    assert news.tags(article_id) == oil


def test_a_tag_row_that_fails_leaves_neither_the_article_nor_its_tags(
    news: NewsStore, engine: sa.Engine
) -> None:
    twice = ArticleEntity("federal-reserve", "Federal Reserve", "central_bank", 1)
    broken = ArticleTags(instruments=[ArticleInstrument("SPX", 1)], entities=[twice, twice])
    with pytest.raises(sa.exc.IntegrityError):
        news.save_article(record("fed"), broken, now=NOW)
    assert news.article_id_for_url("https://wire.example/news/fed") is None
    assert [count(engine, t) for t in (stories, article_instruments, article_entities)] == [0] * 3


def test_a_failed_resave_keeps_the_article_and_tags_it_had(news: NewsStore) -> None:
    article_id = news.save_article(record("fed"), FED_TAGS, now=NOW)
    twice = ArticleInstrument("CL", 1)
    rewritten = replace(record("fed"), title="Rewritten")
    with pytest.raises(sa.exc.IntegrityError):
        news.save_article(rewritten, ArticleTags(instruments=[twice, twice]), now=NOW)
    stored = news.article(article_id)
    assert stored is not None and stored.title == "Story fed"
    assert news.tags(article_id) == FED_TAGS


def test_a_figures_widths_and_a_videos_running_time_come_back_from_the_store(
    news: NewsStore,
) -> None:
    wide = replace(
        LEAD,
        sources=(
            ImageSource("https://wire.example/img/lead-600.jpg", 600),
            ImageSource("https://wire.example/img/lead-1200.jpg", 1200),
        ),
    )
    clip = replace(CLIP, duration=151)
    saved = replace(record("wide"), lead_image=wide, figures=[wide], video=clip)
    stored = news.article(news.save_article(saved, ArticleTags(), now=NOW))
    assert stored is not None
    assert (stored.lead_image, stored.figures, stored.video) == (wide, [wide], clip)
    (listing,) = news.latest_articles()
    assert listing.lead_image == wide


def test_the_recent_window_of_the_story_dedupe_is_read_from_its_index_alone(
    engine: sa.Engine, news: NewsStore
) -> None:
    """Each new article reads up to 2,000 recent ones: from the index, not from the rows
    that hold their whole text. The statement the store runs is planned again here (SQLite
    says which it plans; PostgreSQL decides by its statistics, so only SQLite is checked)."""
    if engine.dialect.name != "sqlite":
        pytest.skip("the plan is checked on SQLite, whose planner is deterministic")
    news.save_article(record("fed"), ArticleTags(), now=NOW)
    ran: list[tuple[str, object]] = []

    def keep(_conn: object, _cur: object, statement: str, parameters: object, *_: object) -> None:
        ran.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        candidates_for(news, title_key="story fed", fingerprint=7)
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    ((statement, parameters),) = ran
    with engine.connect() as connection:
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    steps = [row[-1] for row in plan]
    assert any("COVERING INDEX ix_articles_first_seen_at" in step for step in steps), steps
