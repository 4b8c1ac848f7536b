"""Full-text search: the same answers from SQLite FTS5 and PostgreSQL tsvector."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tickerwire.news.model import ArticleTags
from tickerwire.store import db, search
from tickerwire.store.limits import key_hash
from tickerwire.store.news import ArticleRecord, NewsStore
from tickerwire.store.schema import (
    article_entities,
    article_instruments,
    articles,
    metadata,
    stories,
)
from tickerwire.store.search import (
    COUNT_LIMIT,
    MAX_LIMIT,
    SearchHit,
    SearchQuery,
    SearchResult,
    SearchStore,
    parse_terms,
)

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
FILLER = [
    "Grain harvest estimates were trimmed after a dry summer across the plains.",
    "A shipping company ordered twelve container vessels from a Korean yard.",
    "Retail footfall improved slightly during the holiday weekend.",
    "The mining group named a new chief financial officer on Tuesday.",
    "Coffee futures climbed on frost worries in the growing regions.",
    "An airline added winter routes to three southern European cities.",
]


def add_article(
    engine: sa.Engine,
    title: str,
    text: str,
    *,
    site: str | None = "Example Wire",
    published: datetime | None = NOW,
    symbols: Sequence[str] = (),
    entities: Sequence[str] = (),
    byline: str | None = None,
    keyed_by_hash: bool = True,
) -> int:
    """One article in its own story, tagged as asked, written with plain inserts
    (``keyed_by_hash=False`` for a schema from before migration 0005)."""
    with engine.begin() as connection:
        story = connection.execute(
            stories.insert().values(title=title, first_seen_at=NOW, updated_at=NOW)
        ).inserted_primary_key
        assert story is not None
        url = f"https://example.com/{story[0]}"
        values = {
            "canonical_url": url,
            "url": url,
            "story_id": story[0],
            "title": title,
            "title_key": title.lower(),
            "byline": byline,
            "site_name": site,
            "published": published,
            "figures": [],
            "body_html": "",
            "summary_html": "",
            "text": text,
            "extracted": True,
            "first_seen_at": NOW,
            "fetched_at": NOW,
        }
        if keyed_by_hash:
            values["canonical_url_hash"] = key_hash(url)
        # Only the columns named, with their types, so an older schema takes the row too.
        target = sa.table("articles", *(articles.c[name]._copy() for name in values))
        connection.execute(target.insert().values(**values))
        article_id = connection.execute(
            sa.select(articles.c.id).where(articles.c.canonical_url == url)
        ).scalar_one()
        for symbol in symbols:
            connection.execute(
                article_instruments.insert().values(
                    article_id=article_id, symbol=symbol, mentions=1
                )
            )
        for slug in entities:
            connection.execute(
                article_entities.insert().values(
                    article_id=article_id, slug=slug, name=slug, kind="company", mentions=1
                )
            )
    return int(article_id)


def add_articles(engine: sa.Engine, count: int, title: str, text: str) -> None:
    """``count`` alike articles, each in its own story, in one transaction."""
    with engine.begin() as connection:
        numbers = connection.execute(
            stories.insert().returning(stories.c.id, sort_by_parameter_order=True),
            [{"title": title, "first_seen_at": NOW, "updated_at": NOW}] * count,
        ).scalars()
        common = {
            "title": title,
            "title_key": title.lower(),
            "site_name": "Example Wire",
            "published": NOW,
            "figures": [],
            "body_html": "",
            "summary_html": "",
            "text": text,
            "extracted": True,
            "first_seen_at": NOW,
            "fetched_at": NOW,
        }
        urls = {n: f"https://example.com/bulk/{n}" for n in numbers}
        rows = [
            {"canonical_url": url, "canonical_url_hash": key_hash(url), "url": url, **common}
            | {"story_id": n}
            for n, url in urls.items()
        ]
        connection.execute(articles.insert(), rows)


@pytest.fixture
def store(engine: sa.Engine, request: pytest.FixtureRequest) -> SearchStore:
    """A store over a few unrelated articles, so every test word is rare, as in real use;
    with the parameter ``WITHOUT_RUM`` (see ``both_ways``), one without the RUM index."""
    for number, text in enumerate(FILLER):
        add_article(engine, f"Briefing {number}", text, published=NOW - timedelta(days=number))
    if getattr(request, "param", None) == WITHOUT_RUM:
        if engine.dialect.name != "postgresql":
            pytest.skip("only PostgreSQL has a RUM index; SQLite searches one way")
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP INDEX IF EXISTS {search.RUM_INDEX}"))
    return SearchStore(engine)


# On PostgreSQL, a test marked both_ways runs on the RUM index where migration 0018 made
# it (the server has the extension) and again without it, as where the extension is
# missing: the GIN index and the probes of id ranges must give the same answers.
WITHOUT_RUM = "without RUM"
both_ways = pytest.mark.parametrize("store", ["as migrated", WITHOUT_RUM], indirect=True)


def test_postgresql_reads_the_window_from_the_rum_index_where_rum_is_there(
    engine: sa.Engine,
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("RUM is a PostgreSQL extension")
    available = sa.text("SELECT count(*) FROM pg_available_extensions WHERE name = 'rum'")
    with engine.connect() as connection:
        if not connection.execute(available).scalar():
            pytest.skip("this PostgreSQL server has no RUM extension to install")
        assert search._rum_schema(connection) is not None


def ids(store: SearchStore, text: str, **filters: object) -> list[int]:
    result = store.search(SearchQuery(text, **filters), now=NOW)  # type: ignore[arg-type]
    return [hit.article_id for hit in result.hits]


def test_an_article_is_found_by_a_word_of_its_body(store: SearchStore) -> None:
    found = add_article(store.engine, "Markets wrap", "The Fed held interest rates steady.")
    assert ids(store, "interest") == [found]


def test_an_article_is_found_by_a_word_of_its_title(store: SearchStore) -> None:
    found = add_article(store.engine, "Chipmaker beats forecasts", "Shares rose after hours.")
    assert ids(store, "chipmaker") == [found]


def test_a_word_finds_other_forms_of_itself(store: SearchStore) -> None:
    found = add_article(store.engine, "Bank raises rates", "A decision many expected.")
    assert ids(store, "raising rate") == [found]


def test_every_word_of_the_query_must_match(store: SearchStore) -> None:
    both = add_article(store.engine, "Copper rally", "Copper and zinc gained in London.")
    add_article(store.engine, "Copper slips", "Copper fell in Shanghai.")
    assert ids(store, "copper zinc") == [both]


@both_ways
def test_a_quoted_phrase_matches_those_words_together_and_in_order(store: SearchStore) -> None:
    phrase = add_article(store.engine, "Outlook", "Analysts see rate cuts next year.")
    add_article(store.engine, "Outlook", "Cuts to the rate forecast came late.")
    assert ids(store, '"rate cuts"') == [phrase]


@both_ways
def test_a_trailing_star_matches_words_that_start_with_it(store: SearchStore) -> None:
    found = add_article(store.engine, "Prices", "Inflationary pressure eased in October.")
    assert ids(store, "inflat*") == [found]


def test_a_star_after_a_short_word_is_not_a_prefix(store: SearchStore) -> None:
    add_article(store.engine, "Rates", "Rates rose.")
    assert ids(store, "ra*") == []


def test_operator_words_are_searched_as_plain_words(store: SearchStore) -> None:
    found = add_article(store.engine, "Stocks", "Stocks did not fall and bonds or gold held.")
    assert ids(store, "did NOT fall") == [found]
    assert ids(store, "bonds OR gold AND held") == [found]


def test_short_words_that_are_tickers_are_searchable(store: SearchStore) -> None:
    found = add_article(store.engine, "Gartner", "Shares of IT surged after results.")
    assert ids(store, "IT") == [found]


@pytest.mark.parametrize(
    "query", ['"copper', 'copper"', "(copper)", "copper:", "copper';--", "{copper}", "^copper"]
)
def test_punctuation_around_a_word_does_not_change_what_it_finds(
    store: SearchStore, query: str
) -> None:
    found = add_article(store.engine, "Metals", "Copper climbed to a record.")
    assert ids(store, query) == [found]


@pytest.mark.parametrize("query", ["", "   ", "!!!", "*", '""', "🚀📈", "-"])
def test_a_query_without_words_finds_nothing(store: SearchStore, query: str) -> None:
    add_article(store.engine, "Metals", "Copper climbed to a record.")
    assert store.search(SearchQuery(query), now=NOW) == SearchResult([], 0)


@pytest.mark.parametrize(
    "query",
    [
        "AND OR NOT",
        '"unbalanced "quotes',
        "title:copper",
        "*copper*",
        '"',
        "NEAR(copper climbed, 2)",
        "copper' OR '1'='1",
        'copper"; DROP TABLE articles; --',
        "copper " * 1700,
        "copper 🚀 climbed 📈",
        "copper\x00climbed",
        "copper \ud800",
        "²³ ½ ⅷ",
        "copper -climbed +record ~x |y &z !w <-> :*",
    ],
)
def test_hostile_input_gives_results_or_none_and_never_fails(
    store: SearchStore, query: str
) -> None:
    add_article(store.engine, "Metals", "Copper climbed to a record.")
    result = store.search(SearchQuery(query), now=NOW)
    assert result.total == len(result.hits)
    assert store.publishers()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.builds(str.__add__, st.text(max_size=60), st.sampled_from(["", "*", '"'])))
def test_any_text_is_a_valid_query(store: SearchStore, text: str) -> None:
    result = store.search(SearchQuery(text), now=NOW)
    assert result.total >= len(result.hits)


@given(st.text())
def test_terms_carry_only_letters_and_digits_to_the_fts5_expression(text: str) -> None:
    for term in parse_terms(text):
        assert all(re.fullmatch(r"[^\W_]+", word) for word in term.words)
        assert term.fts5().count('"') == 2


def test_a_title_match_outranks_a_body_only_match(store: SearchStore) -> None:
    body = add_article(store.engine, "Energy update", "Refiners expect tariffs to bite.")
    title = add_article(store.engine, "Tariffs hit refiners", "Margins narrowed this quarter.")
    assert ids(store, "tariffs") == [title, body]


def test_a_newer_article_outranks_an_older_one_of_equal_relevance(store: SearchStore) -> None:
    old = add_article(store.engine, "Yen", "The yen weakened.", published=NOW - timedelta(days=9))
    new = add_article(store.engine, "Yen", "The yen weakened.", published=NOW - timedelta(days=1))
    assert ids(store, "yen") == [new, old]


def test_a_far_better_old_match_outranks_a_fresh_passing_mention(store: SearchStore) -> None:
    wrap = "Lithium barely moved. " + " ".join(FILLER * 2)
    fresh = add_article(store.engine, "Daily wrap", wrap)
    old = add_article(
        store.engine,
        "Lithium glut deepens",
        "Lithium prices fell again as lithium miners added lithium supply.",
        published=NOW - timedelta(days=400),
    )
    assert ids(store, "lithium") == [old, fresh]


@both_ways
def test_the_publisher_filter_keeps_only_that_site(store: SearchStore) -> None:
    kept = add_article(store.engine, "Gold", "Gold rose.", site="Metal Times")
    add_article(store.engine, "Gold", "Gold rose.", site="Other Paper")
    assert ids(store, "gold", publisher="Metal Times") == [kept]


@both_ways
def test_the_instrument_filter_keeps_articles_tagged_with_the_symbol(store: SearchStore) -> None:
    kept = add_article(store.engine, "Results", "Revenue grew.", symbols=["AAPL", "MSFT"])
    add_article(store.engine, "Results", "Revenue grew.", symbols=["NVDA"])
    assert ids(store, "revenue", symbol="AAPL") == [kept]


@both_ways
def test_the_entity_filter_keeps_articles_naming_the_entity(store: SearchStore) -> None:
    kept = add_article(store.engine, "Deal", "A merger was agreed.", entities=["acme-corp"])
    add_article(store.engine, "Deal", "A merger was agreed.", entities=["globex"])
    assert ids(store, "merger", entity="acme-corp") == [kept]


@both_ways
def test_the_date_range_includes_since_and_excludes_until(store: SearchStore) -> None:
    day = NOW - timedelta(days=3)
    before = add_article(
        store.engine, "Euro", "The euro firmed.", published=day - timedelta(days=1)
    )
    at_since = add_article(store.engine, "Euro", "The euro firmed.", published=day)
    at_until = add_article(store.engine, "Euro", "The euro firmed.", published=NOW)
    found = ids(store, "euro", since=day, until=NOW)
    assert found == [at_since]
    assert {before, at_until}.isdisjoint(found)


@both_ways
def test_filters_combine(store: SearchStore) -> None:
    kept = add_article(store.engine, "Bid", "A takeover bid.", site="A", symbols=["X"])
    add_article(store.engine, "Bid", "A takeover bid.", site="A", symbols=["Y"])
    add_article(store.engine, "Bid", "A takeover bid.", site="B", symbols=["X"])
    add_article(
        store.engine,
        "Bid",
        "A takeover bid.",
        site="A",
        symbols=["X"],
        published=NOW - timedelta(days=30),
    )
    found = ids(store, "takeover", publisher="A", symbol="X", since=NOW - timedelta(days=7))
    assert found == [kept]


def test_a_filter_value_with_a_nul_byte_matches_nothing(store: SearchStore) -> None:
    add_article(store.engine, "Gold", "Gold rose.", site="Metal Times")
    assert ids(store, "gold", publisher="Metal\x00Times") == []


@both_ways
def test_pages_follow_one_another_and_total_counts_every_match(store: SearchStore) -> None:
    for day in range(7):
        add_article(store.engine, "Silver", "Silver moved.", published=NOW - timedelta(days=day))
    first = store.search(SearchQuery("silver", limit=3), now=NOW)
    second = store.search(SearchQuery("silver", limit=3, offset=3), now=NOW)
    everything = store.search(SearchQuery("silver", limit=50), now=NOW)
    assert (first.total, second.total) == (7, 7)
    assert [h.article_id for h in first.hits + second.hits] == [
        h.article_id for h in everything.hits[:6]
    ]


@pytest.fixture
def window_of_three(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the three newest matches ranked, counted up to two (below the window, as the
    real limits are)."""
    monkeypatch.setattr(search, "RANKED_WINDOW", 3)
    monkeypatch.setattr(search, "COUNT_LIMIT", 2)


@both_ways
def test_matches_are_counted_exactly_up_to_the_count_limit(store: SearchStore) -> None:
    add_articles(store.engine, COUNT_LIMIT, "Zinc", "Zinc moved.")
    result = store.search(SearchQuery("zinc"), now=NOW)
    assert (result.total, result.capped) == (COUNT_LIMIT, False)


@both_ways
def test_past_the_count_limit_the_total_is_the_limit_marked_as_capped(
    store: SearchStore,
) -> None:
    add_articles(store.engine, COUNT_LIMIT + 1, "Zinc", "Zinc moved.")
    result = store.search(SearchQuery("zinc", limit=5), now=NOW)
    assert (result.total, result.capped, len(result.hits)) == (COUNT_LIMIT, True, 5)


@both_ways
def test_only_the_newest_matches_are_ranked_when_more_match_than_the_window(
    store: SearchStore, window_of_three: None
) -> None:
    older = add_article(store.engine, "Tungsten tungsten", "Tungsten tungsten tungsten.")
    newer = [add_article(store.engine, "Wrap", f"Tungsten, {word}.") for word in FILLER[:3]]
    found = store.search(SearchQuery("tungsten"), now=NOW)
    assert sorted(hit.article_id for hit in found.hits) == newer
    assert older not in [hit.article_id for hit in found.hits]
    assert (found.total, found.capped) == (2, True)


@both_ways
def test_within_the_window_a_better_older_match_still_ranks_first(
    store: SearchStore, window_of_three: None
) -> None:
    older = add_article(store.engine, "Tungsten tungsten", "Tungsten tungsten tungsten.")
    newer = [add_article(store.engine, "Wrap", f"Tungsten, {word}.") for word in FILLER[:2]]
    assert ids(store, "tungsten")[0] == older
    assert sorted(ids(store, "tungsten")[1:]) == newer


@both_ways
def test_an_old_match_is_found_when_fewer_articles_match_than_the_window(
    store: SearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "PROBE_SPAN", 2)  # PostgreSQL widens its range of ids
    old = add_article(
        store.engine, "Gallium", "Gallium curbs.", published=NOW - timedelta(days=3000)
    )
    add_articles(store.engine, 50, "Briefing", "Nothing to see.")
    assert ids(store, "gallium") == [old]


@both_ways
def test_the_window_filters_first_so_an_old_filtered_match_is_found(
    store: SearchStore, window_of_three: None
) -> None:
    kept = add_article(store.engine, "Indium", "Indium supply.", site="Metal Times")
    for _ in range(5):
        add_article(store.engine, "Indium", "Indium supply.", site="Other Paper")
    assert ids(store, "indium", publisher="Metal Times") == [kept]


@both_ways
def test_a_window_filled_over_several_widenings_holds_the_newest_matches_once_each(
    store: SearchStore, window_of_three: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "PROBE_SPAN", 2)
    found = []
    for _ in range(4):
        found.append(add_article(store.engine, "Lead", "Lead output."))
        add_articles(store.engine, 3, "Briefing", "Nothing to see.")
    hits = ids(store, "lead")
    assert sorted(hits) == found[1:]


@both_ways
def test_a_date_range_ending_long_ago_finds_its_matches_past_many_newer_articles(
    store: SearchStore, window_of_three: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "PROBE_SPAN", 2)
    month_ago = NOW - timedelta(days=30)
    kept = [
        add_article(store.engine, "Cobalt", "Cobalt supply.", published=month_ago) for _ in range(3)
    ]
    for day in range(20):
        add_article(store.engine, "Cobalt", "Cobalt supply.", published=NOW - timedelta(days=day))
    found = ids(store, "cobalt", since=month_ago, until=month_ago + timedelta(days=1))
    assert sorted(found) == kept


@both_ways
def test_a_date_range_finds_an_article_in_it_first_seen_after_newer_ones(
    store: SearchStore, window_of_three: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "PROBE_SPAN", 2)
    month_ago = NOW - timedelta(days=30)
    add_article(store.engine, "Cobalt", "Cobalt supply.", published=month_ago)
    for day in range(10):
        add_article(store.engine, "Cobalt", "Cobalt supply.", published=NOW - timedelta(days=day))
    backlog = add_article(store.engine, "Cobalt", "Cobalt supply.", published=month_ago)
    found = ids(store, "cobalt", since=month_ago, until=month_ago + timedelta(days=1))
    assert backlog in found


@both_ways
def test_a_date_range_nothing_was_published_in_finds_nothing(store: SearchStore) -> None:
    add_article(store.engine, "Cobalt", "Cobalt supply.", published=NOW)
    since = NOW - timedelta(days=90)
    found = store.search(
        SearchQuery("cobalt", since=since, until=since + timedelta(days=1)), now=NOW
    )
    assert found == SearchResult([], 0)


def test_the_limit_is_capped_and_negative_paging_is_clamped(store: SearchStore) -> None:
    for _ in range(MAX_LIMIT + 3):
        add_article(store.engine, "Nickel", "Nickel moved.")
    capped = store.search(SearchQuery("nickel", limit=10_000, offset=-5), now=NOW)
    assert (len(capped.hits), capped.total) == (MAX_LIMIT, MAX_LIMIT + 3)


def test_an_updated_article_is_found_by_its_new_text_and_not_its_old(store: SearchStore) -> None:
    article = add_article(store.engine, "Draft", "Early word on platinum.")
    with store.engine.begin() as connection:
        connection.execute(
            sa.update(articles).where(articles.c.id == article).values(text="Now on palladium.")
        )
    assert (ids(store, "palladium"), ids(store, "platinum")) == ([article], [])


def test_an_article_saved_again_through_the_news_store_is_reindexed(store: SearchStore) -> None:
    def record(text: str) -> ArticleRecord:
        return ArticleRecord(
            canonical_url="https://example.com/resaved",
            url="https://example.com/resaved",
            title="Resaved",
            title_key="resaved",
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

    news = NewsStore(store.engine)
    article = news.save_article(record("Cobalt output rose."), ArticleTags(), now=NOW)
    news.save_article(record("Uranium output rose."), ArticleTags(), now=NOW)
    assert (ids(store, "uranium"), ids(store, "cobalt")) == ([article], [])


@both_ways
def test_a_deleted_article_is_no_longer_found(store: SearchStore) -> None:
    article = add_article(store.engine, "Tin", "Tin output fell.")
    with store.engine.begin() as connection:
        connection.execute(sa.delete(articles).where(articles.c.id == article))
    assert store.search(SearchQuery("tin"), now=NOW) == SearchResult([], 0)


def test_articles_stored_before_the_migration_are_searchable(database_url: str) -> None:
    engine = db.make_engine(database_url)
    try:
        db.upgrade(engine, "0003")
        article = add_article(engine, "Backfill", "Zirconium demand grew.", keyed_by_hash=False)
        db.upgrade(engine)
        assert ids(SearchStore(engine), "zirconium") == [article]
    finally:
        engine.dispose()


def test_an_article_too_long_for_a_tsvector_is_stored_and_found(store: SearchStore) -> None:
    text = "Molybdenum opening. " + " ".join(f"w{n}x" for n in range(200_000))
    article = add_article(store.engine, "Long read", text)
    assert ids(store, "molybdenum") == [article]


def test_snippet_highlights_are_the_matched_words(store: SearchStore) -> None:
    add_article(store.engine, "Cocoa", "Cocoa prices soared as cocoa stocks ran low.")
    (hit,) = store.search(SearchQuery("cocoa"), now=NOW).hits
    assert [hit.snippet[start:end].lower() for start, end in hit.highlights] == ["cocoa"] * 2


def test_marker_characters_in_article_text_never_reach_the_snippet(store: SearchStore) -> None:
    add_article(store.engine, "Sugar", "Sugar \x03 fell \x02 sharply \x02 on sugar supply.")
    (hit,) = store.search(SearchQuery("sugar"), now=NOW).hits
    assert not re.search("[\x02\x03]", hit.snippet)
    assert all(hit.snippet[start:end].lower() == "sugar" for start, end in hit.highlights)


def test_the_marked_snippet_escapes_the_text_and_marks_the_highlights() -> None:
    hit = SearchHit(1, "t", None, None, "<b>gold</b> & x", ((3, 7),), 1.0)
    assert hit.marked_snippet() == "&lt;b&gt;<mark>gold</mark>&lt;/b&gt; &amp; x"


def test_publishers_lists_each_site_once_in_order(store: SearchStore) -> None:
    add_article(store.engine, "One", "One.", site="Zeta News")
    add_article(store.engine, "Two", "Two.", site="Alpha Daily")
    add_article(store.engine, "Three", "Three.", site=None)
    assert store.publishers() == ["Alpha Daily", "Example Wire", "Zeta News"]


def test_search_objects_are_the_only_difference_from_the_declared_schema(
    engine: sa.Engine,
) -> None:
    from tickerwire.store.search import is_search_object

    def include_name(name: str | None, type_: str, parents: dict[str, str | None]) -> bool:
        return not is_search_object(name, type_, parents)

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": False, "include_name": include_name}
        )
        assert compare_metadata(context, metadata) == []


def test_downgrading_past_search_removes_its_objects(engine: sa.Engine) -> None:
    config = db._alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        names = inspector.get_table_names() + [c["name"] for c in inspector.get_columns("articles")]
    assert not [name for name in names if name.startswith("search_")]
