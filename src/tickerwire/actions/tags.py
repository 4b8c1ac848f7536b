"""Re-tagging: every stored article tagged again with today's tagger and tables, so a new
alias table, a user's extra aliases or relevance reach the articles stored before them."""

from __future__ import annotations

from dataclasses import dataclass

from tickerwire.actions.common import Progress, Step
from tickerwire.news.tag.topics import article_tags
from tickerwire.runtime import Runtime

#: Articles read and re-tagged per batch.
BATCH = 200


@dataclass(frozen=True)
class Retagged:
    """How many articles were tagged again."""

    articles: int


def retag_articles(runtime: Runtime, *, progress: Progress | None = None) -> Retagged:
    """Tag every stored article again, replacing its tags (each article in its own
    transaction, so an interrupted run leaves every article tagged one way or the other)."""
    done, after, total = 0, 0, runtime.news.taggable_count()
    while batch := runtime.news.taggable(after, BATCH):
        for article in batch:
            tags = runtime.tagger.tag(article.text, title=article.title)
            runtime.news.save_tags(article.id, article_tags(tags))
        done += len(batch)
        after = batch[-1].id
        if progress is not None:
            progress(Step(done, max(total, done), "articles tagged"))
    return Retagged(done)
