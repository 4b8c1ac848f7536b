"""The article page and its JSON twin, from articles the pipeline stored; its "Now watch"."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from support.http_server import LocalServer, Reply
from support.images import picture
from support.newsroom import FED_STORY, OIL_STORY, Story, rss
from support.portal import newsroom_settings
from support.runtimes import opened_runtime, subscribe
from tickerwire.humanize import running_time
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app


def article_id(runtime: Runtime, title: str) -> int:
    return next(a.id for a in runtime.news.latest_articles() if a.title == title)


def test_home_leads_with_the_newest_story_then_lists_the_rest_with_publisher(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = news_portal
    tree = HTMLParser(client.get("/").text)
    assert tree.css_first(".lead-story .lead-title").text() == OIL_STORY.title
    assert tree.css_first(".lead-story img.lead-image") is not None
    assert [a.text() for a in tree.css(".headline-title")] == [FED_STORY.title]
    assert tree.css_first(".headline .publisher").text() == "Example Wire"


def test_the_article_page_shows_headline_byline_caption_credit_and_body(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, runtime = news_portal
    response = client.get(f"/article/{article_id(runtime, FED_STORY.title)}")
    assert response.status_code == 200
    tree = HTMLParser(response.text)
    assert tree.css_first("h1.article-title").text() == FED_STORY.title
    assert tree.css_first(".byline").text() == FED_STORY.author
    lead = tree.css_first(".lead-figure figcaption")
    assert lead.css_first(".caption").text() == FED_STORY.figure_caption
    assert lead.css_first(".credit").text() == FED_STORY.figure_credit
    assert "We are not in a hurry" in tree.css_first(".article-body").text()
    assert tree.css_first(".inline-figure .credit").text() == "Example Wire"


def test_the_article_page_has_the_ribbon_and_more_from_the_publisher(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, runtime = news_portal
    tree = HTMLParser(client.get(f"/article/{article_id(runtime, FED_STORY.title)}").text)
    assert len(tree.css(".ribbon-cell")) == 16
    assert tree.css_first(".more-from h2").text() == "More from Example Wire"
    assert [a.text() for a in tree.css(".more-from .headline-title")] == [OIL_STORY.title]


def test_the_article_json_twin_has_the_same_fields(news_portal: tuple[TestClient, Runtime]) -> None:
    client, runtime = news_portal
    twin = client.get(f"/article/{article_id(runtime, FED_STORY.title)}.json").json()
    assert twin["title"] == FED_STORY.title
    assert twin["lead_image"]["credit"] == FED_STORY.figure_credit
    assert twin["more_from"][0]["title"] == OIL_STORY.title


def test_an_unknown_article_is_a_404_page(news_portal: tuple[TestClient, Runtime]) -> None:
    client, _ = news_portal
    assert client.get("/article/999999").status_code == 404
    assert client.get("/article/999999.json").status_code == 404


def test_the_feeds_page_shows_each_feeds_state_and_next_fetch(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = news_portal
    tree = HTMLParser(client.get("/feeds").text)
    (row,) = tree.css("tr.feed")
    assert row.css_first(".feed-title").text() == "Example Wire"
    assert "ok" in row.text() and "in " in row.text()
    assert client.get("/feeds.json").json()["feeds"][0]["entries"] == 2


CLIP_STORY = Story(
    "chair-speaks",
    "The chair explains the decision",
    [
        "The chair of the central bank took questions for an hour after the decision, "
        "explaining why the committee chose to wait for more data before moving.",
        "She said the labour market remained tight and that wage growth had only begun to "
        "slow, which left the committee wary of cutting too early in the cycle.",
    ],
)
EMBED_STORY = replace(
    CLIP_STORY,
    slug="press-conference",
    title="Watch the press conference in full",
    paragraphs=[
        "The full press conference is below, from the opening statement to the last "
        "question, as broadcast by the bank on its own channel on Wednesday.",
        "Reporters pressed the chair on the timing of the first cut and on the size of the "
        "balance sheet, which the bank has been shrinking since the spring.",
    ],
    minutes_after=5,
)
CLIP_STILL = picture("JPEG", (640, 360))


def video_page(story: Story, base: str, video: dict[str, str]) -> bytes:
    linked = json.dumps({"@context": "https://schema.org", "@type": "VideoObject", **video})
    body = "".join(f"<p>{p}</p>" for p in story.paragraphs)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{story.title} | Example Wire</title>
<meta property="og:site_name" content="Example Wire">
<meta property="article:published_time" content="{story.published.isoformat()}">
<script type="application/ld+json">{linked}</script>
</head><body><article><h1>{story.title}</h1>{body}</article></body></html>""".encode()


@dataclass
class Clips:
    client: TestClient
    server: LocalServer
    ids: dict[str, int]


@pytest.fixture
def clips(database_url: str) -> Iterator[Clips]:
    """Two stories with a video each, from a local publisher: a clip whose JSON-LD names an
    API endpoint as its embed and the clip's page beside it, and a YouTube embed."""
    settings = newsroom_settings(database_url)
    with LocalServer() as server:
        base = server.base_url
        clip = {
            "name": "The chair speaks",
            "embedUrl": f"{base}/api/v1/player?clip=chair-speaks",
            "contentUrl": f"{base}/videos/chair-speaks",
            "thumbnailUrl": f"{base}/img/chair-still.jpg",
            "duration": "PT2M31S",
        }
        embed = {
            "name": "Press conference",
            "embedUrl": "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "duration": "PT1H4M9S",
        }
        pages = [(CLIP_STORY, clip), (EMBED_STORY, embed)]
        stories = [story for story, _ in pages]
        server.route("/feed.xml", Reply(body=rss("Example Wire", base, stories)))
        for story, video in pages:
            server.route(f"/news/{story.slug}", Reply(body=video_page(story, base, video)))
        server.route("/img/chair-still.jpg", Reply(body=CLIP_STILL))
        with opened_runtime(settings, subscribe(server.url("/feed.xml"))) as runtime:
            ids = {a.url.rsplit("/", 1)[1]: a.id for a in runtime.news.latest_articles()}
        # The app opens a runtime of its own, so images it fetches on demand are fetched
        # on the one event loop it runs on.
        with TestClient(create_app(settings)) as client:
            yield Clips(client, server, ids)


def test_now_watch_shows_the_running_time_and_links_to_the_clip_never_to_an_api(
    clips: Clips,
) -> None:
    page = clips.client.get(f"/article/{clips.ids[CLIP_STORY.slug]}").text
    watch = HTMLParser(page).css_first(".now-watch")
    link = watch.css_first("a.video-link")
    assert link.attributes["href"] == clips.server.url("/videos/chair-speaks")
    duration = watch.css_first(".duration")
    assert (duration.text(), duration.attributes["datetime"]) == ("2:31", "PT151S")
    assert "/api/" not in page


def test_an_embedded_video_shows_its_running_time_beside_its_title(clips: Clips) -> None:
    page = clips.client.get(f"/article/{clips.ids[EMBED_STORY.slug]}").text
    watch = HTMLParser(page).css_first(".now-watch")
    assert watch.css_first("iframe").attributes["src"] == (
        "https://www.youtube.com/embed/dQw4w9WgXcQ"
    )
    assert watch.css_first(".video-caption").text() == "Press conference 1:04:09"


def test_the_videos_still_is_loaded_from_the_portal(clips: Clips) -> None:
    page = clips.client.get(f"/article/{clips.ids[CLIP_STORY.slug]}").text
    still = HTMLParser(page).css_first(".now-watch img").attributes["src"] or ""
    runtime = clips.client.app.state.runtime
    assert still == runtime.media.path(clips.server.url("/img/chair-still.jpg"))
    answer = clips.client.get(still)
    assert answer.status_code == 200 and answer.content == CLIP_STILL


def test_the_json_twin_carries_the_running_time(clips: Clips) -> None:
    twin = clips.client.get(f"/article/{clips.ids[CLIP_STORY.slug]}.json").json()
    assert (twin["video"]["duration"], twin["video"]["duration_text"]) == (151, "2:31")
    assert twin["video"]["url"] == clips.server.url("/videos/chair-speaks")


@pytest.mark.parametrize(
    ("seconds", "shown"), [(7, "0:07"), (151, "2:31"), (3600, "1:00:00"), (3849, "1:04:09")]
)
def test_a_running_time_reads_as_a_player_shows_it(seconds: int, shown: str) -> None:
    assert running_time(seconds) == shown
