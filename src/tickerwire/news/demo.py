"""Sample news for the offline demo, so headlines, article pages, tags, topics and search
have something to show without a network.

The articles (data/demo_news.toml) go through the same stages as fetched ones (sanitize,
tag, dedupe, store); they live under the reserved ``.invalid`` domain, which never resolves,
and pages label them as samples.
"""

from __future__ import annotations

import tomllib
from datetime import timedelta
from html import escape
from importlib import resources
from typing import Any

from tickerwire.news.dedupe import story_fingerprint, title_key
from tickerwire.news.pipeline import NewsPipeline
from tickerwire.news.sanitize import html_to_text, sanitize_html
from tickerwire.store.news import ArticleRecord

DEMO_HOST = "demo.tickerwire.invalid"
DEMO_PUBLISHER = "Tickerwire Demo Desk"
SEEDED_FLAG = "demo_news_seeded"


def is_demo_url(url: str | None) -> bool:
    return bool(url) and f"//{DEMO_HOST}/" in str(url)


def _samples() -> list[dict[str, Any]]:
    text = resources.files("tickerwire.data").joinpath("demo_news.toml").read_text("utf-8")
    articles: list[dict[str, Any]] = tomllib.loads(text)["article"]
    return articles


def seed_demo_news(pipeline: NewsPipeline) -> int:
    """Store the sample articles once per database; returns how many were stored."""
    if pipeline.store.flag(SEEDED_FLAG):
        return 0
    now = pipeline.clock()
    for sample in _samples():
        url = f"https://{DEMO_HOST}/{sample['slug']}"
        body = sanitize_html("".join(f"<p>{escape(p)}</p>" for p in sample["paragraphs"]))
        text = html_to_text(body)
        published = now - timedelta(hours=float(sample["hours_ago"]))
        record = ArticleRecord(
            canonical_url=url,
            url=url,
            title=sample["title"],
            title_key=title_key(sample["title"]),
            byline=sample.get("byline"),
            site_name=DEMO_PUBLISHER,
            lang="en",
            published=published,
            updated=None,
            lead_image=None,
            figures=[],
            video=None,
            body_html=body,
            text=text,
            summary_html="",
            extracted=True,
            extraction_error=None,
            fingerprint=story_fingerprint(text),
            fetched_at=now,
        )
        pipeline.store_article(record)
    pipeline.store.set_flag(SEEDED_FLAG, "1")
    return len(_samples())
