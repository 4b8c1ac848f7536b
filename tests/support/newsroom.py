"""A small hand-written publisher for pipeline tests: an RSS feed and its article pages,
served by the local test server. Every text here was written for these tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

from support.http_server import LocalServer, RecordedRequest, Reply

BASE_TIME = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)


@dataclass
class Story:
    slug: str
    title: str
    paragraphs: list[str]
    author: str = "Dana Whitfield"
    minutes_after: int = 0
    guid: str | None = None
    figure_caption: str = "Traders work on the floor of the exchange."
    figure_credit: str = "Sam Ortega / Example Wire"
    raw_html: bool = False  # paragraphs are markup (hostile fixtures), not text

    @property
    def published(self) -> datetime:
        return BASE_TIME + timedelta(minutes=self.minutes_after)


def article_page(story: Story, base: str, site: str = "Example Wire") -> bytes:
    cell = (lambda p: p) if story.raw_html else escape
    body = "".join(f"<p>{cell(p)}</p>" for p in story.paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(story.title)} | {site}</title>
<link rel="canonical" href="{base}/news/{story.slug}">
<meta property="og:site_name" content="{site}">
<meta property="og:title" content="{escape(story.title)}">
<meta property="og:image" content="{base}/img/{story.slug}-lead.jpg">
<meta property="article:published_time" content="{story.published.isoformat()}">
<meta name="author" content="{story.author}">
</head><body>
<header><nav><a href="/">Home</a> <a href="/markets">Markets</a></nav></header>
<article>
<h1>{escape(story.title)}</h1>
<p class="byline">By {story.author}</p>
<figure><img src="/img/{story.slug}-lead.jpg" alt="The exchange floor">
<figcaption>{escape(story.figure_caption)}
<span class="credit">Photo: {escape(story.figure_credit)}</span></figcaption></figure>
{body}
<figure><img src="/img/{story.slug}-chart.png" alt="A chart">
<figcaption>Index level over the past month.
<span class="credit">Chart: Example Wire</span></figcaption></figure>
<p>More details will follow as the session continues.</p>
</article>
<footer><a href="/about">About</a></footer>
</body></html>""".encode()


def rss(title: str, base: str, stories: list[Story], *, link_base: str | None = None) -> bytes:
    items = []
    for story in stories:
        link = f"{link_base or base}/news/{story.slug}"
        items.append(
            f"""<item><title>{escape(story.title)}</title><link>{link}</link>
<guid isPermaLink="false">{escape(story.guid or story.slug)}</guid>
<pubDate>{format_datetime(story.published)}</pubDate>
<description>{escape("<p>" + story.paragraphs[0] + "</p>")}</description></item>"""
        )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{escape(title)}</title><link>{base}/</link>
<description>Test feed</description><ttl>15</ttl>
{"".join(items)}
</channel></rss>""".encode()


@dataclass
class Newsroom:
    """Serves ``/feed.xml`` (with ETag support) and ``/news/<slug>`` pages."""

    server: LocalServer
    stories: list[Story] = field(default_factory=list)
    site: str = "Example Wire"
    feed_path: str = "/feed.xml"
    etag_counter: int = 0

    def publish(self, *stories: Story) -> None:
        self.stories.extend(stories)
        self.etag_counter += 1
        for story in stories:
            self.server.route(
                f"/news/{story.slug}",
                Reply(
                    body=article_page(story, self.server.base_url, self.site),
                    headers={"Content-Type": "text/html; charset=utf-8"},
                ),
            )
        self.server.route(self.feed_path, self._feed)

    def _feed(self, request: RecordedRequest) -> Reply:
        etag = f'"v{self.etag_counter}"'
        if request.headers.get("if-none-match") == etag:
            return Reply(status=304, headers={"ETag": etag})
        body = rss(self.site, self.server.base_url, self.stories)
        return Reply(body=body, headers={"Content-Type": "application/rss+xml", "ETag": etag})


FED_STORY = Story(
    "fed-holds-rates",
    "Fed holds rates steady as inflation cools",
    [
        "The Federal Reserve left its benchmark rate unchanged on Wednesday, pointing to a "
        "steady cooling in consumer prices over the autumn months.",
        "Policymakers said they would watch the labour market closely before deciding on "
        "any cut, a stance that sent Treasury yields slightly lower in afternoon trading.",
        "“We are not in a hurry,” the chair told reporters after the meeting, adding that "
        "the committee saw risks on both sides of its mandate.",
        "The S&P 500 closed up half a percent while the dollar eased against the yen.",
    ],
)
OIL_STORY = Story(
    "oil-slides",
    "Oil slides as supply worries fade",
    [
        "Crude prices fell for a third day as traders judged that supply would comfortably "
        "cover demand through the winter months in most regions.",
        "Brent and West Texas Intermediate both lost more than one percent by midday, with "
        "refiners reporting ample stocks ahead of the holiday season.",
        "Analysts at several banks trimmed their forecasts for the first quarter of next year.",
    ],
    minutes_after=30,
)
