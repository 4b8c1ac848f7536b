"""A tagger's result as the rows an article is stored with."""

from __future__ import annotations

from tickerwire.news.model import ArticleEntity, ArticleInstrument, ArticleTags
from tickerwire.news.tag.tagger import EntityTag, InstrumentTag, Tags
from tickerwire.news.tag.topics import article_tags, entity_slug


def test_an_entity_slug_is_lowercase_ascii_with_hyphens() -> None:
    assert entity_slug("Banque de France") == "banque-de-france"


def test_tags_become_rows_keyed_by_symbol_and_slug() -> None:
    tags = Tags(
        instruments=[InstrumentTag("GC", "Gold", 3)],
        entities=[EntityTag("Bank of Japan", "central_bank", 2)],
    )
    assert article_tags(tags) == ArticleTags(
        instruments=[ArticleInstrument("GC", 3)],
        entities=[ArticleEntity("bank-of-japan", "Bank of Japan", "central_bank", 2)],
    )


def test_names_that_slug_alike_are_one_topic_with_their_mentions_added() -> None:
    tags = Tags(
        instruments=[],
        entities=[EntityTag("S&P Global", "company", 2), EntityTag("S-P Global", "company", 1)],
    )
    assert article_tags(tags).entities == [ArticleEntity("s-p-global", "S&P Global", "company", 3)]
