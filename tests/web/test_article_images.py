"""An article's photos come from the portal's own origin, at their places with caption and
credit, in every width the publisher offered, and still show when the publisher is gone; a
photo that cannot be had leaves its caption, its credit and a placeholder. "More from"
shows each story's thumbnail the same way."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from support.browser import CHROMIUM_ARGS, chromium_or_skip, screenshot_path, serving
from support.http_server import LocalServer, Reply
from support.images import picture
from support.newsroom import FED_STORY, Newsroom, Story, rss
from support.portal import newsroom_settings
from support.runtimes import opened_runtime, subscribe
from tickerwire.config import Settings
from tickerwire.news.srcset import parse_srcset
from tickerwire.web.app import create_app
from tickerwire.web.media import placeholder_png

LEAD = picture("JPEG", (640, 360))
CHART = picture("PNG", (480, 270))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return newsroom_settings(database_url)


@pytest.fixture
def ingested(settings: Settings) -> Iterator[int]:
    """The Fed story ingested from a local publisher, which is then shut down."""
    with LocalServer() as server:
        Newsroom(server).publish(FED_STORY)
        server.route(f"/img/{FED_STORY.slug}-lead.jpg", Reply(body=LEAD))
        server.route(f"/img/{FED_STORY.slug}-chart.png", Reply(body=CHART))
        with opened_runtime(settings, subscribe(server.url("/feed.xml"))) as runtime:
            (listing,) = runtime.news.latest_articles()
            yield listing.id


def test_the_stored_body_points_its_images_at_the_portal(settings: Settings, ingested: int) -> None:
    with TestClient(create_app(settings)) as client:
        runtime = client.app.state.runtime
        article = runtime.news.article(ingested)
        assert article is not None
        body = HTMLParser(article.body_html)
        sources = [img.attributes["src"] for img in body.css("img")]
        assert sources and all(src.startswith("/media/") for src in sources)


def test_the_page_shows_each_photo_from_its_own_origin_with_caption_and_credit_offline(
    settings: Settings, ingested: int
) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get(f"/article/{ingested}")
        assert "img-src 'self';" in response.headers["content-security-policy"]
        tree = HTMLParser(response.text)
        images = [img.attributes["src"] or "" for img in tree.css("main img")]
        assert len(images) >= 2 and all(src.startswith("/media/") for src in images)
        served = {src: client.get(src) for src in images}  # the publisher is gone by now
        assert all(answer.status_code == 200 for answer in served.values())
        assert {answer.content for answer in served.values()} == {LEAD, CHART}
        chart = tree.css_first("main figure.inline-figure")
        assert "Index level over the past month." in chart.text()
        assert chart.css_first(".credit").text() == "Example Wire"


def test_with_the_image_cache_off_pages_link_to_the_publisher(database_url: str) -> None:
    settings = Settings(
        database_url=database_url,
        demo=True,
        poller_enabled=False,
        default_feeds=[],
        media={"enabled": False},
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 3},
    )
    with LocalServer() as server:
        Newsroom(server).publish(FED_STORY)
        with opened_runtime(settings, subscribe(server.url("/feed.xml"))) as runtime:
            (listing,) = runtime.news.latest_articles()
            article = runtime.news.article(listing.id)
            assert article is not None
            sources = [i.attributes["src"] or "" for i in HTMLParser(article.body_html).css("img")]
            assert sources and all(src.startswith(server.base_url) for src in sources)
            assert server.paths().count(f"/img/{FED_STORY.slug}-chart.png") == 0


@pytest.mark.browser
def test_in_chromium_every_photo_loads_from_the_portal_with_the_publisher_gone(
    settings: Settings, ingested: int, database_url: str
) -> None:
    from playwright.sync_api import sync_playwright

    path = chromium_or_skip()
    with serving(create_app(settings)) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1800})
        elsewhere: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(base) else elsewhere.append(r.url))
        page.goto(f"{base}/article/{ingested}")
        page.wait_for_load_state("networkidle")
        widths = page.eval_on_selector_all("main img", "imgs => imgs.map(i => i.naturalWidth)")
        backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
        page.screenshot(path=screenshot_path(f"article-images-{backend}"), full_page=True)
        browser.close()
    assert len(widths) >= 2 and all(width > 0 for width in widths)
    assert elsewhere == []


# A publisher whose pages offer each photo in several widths (and a few hostile candidates),
# beside a story with one plain photo, one with none, and one whose photos are all gone.
GALLERY = Story(
    "harbour-cranes",
    "Harbour cranes stand idle as the strike widens",
    [
        "Dock workers walked out at dawn on Tuesday, leaving the container cranes of the "
        "eastern terminal standing idle for the first time in a decade.",
        "Shipping lines said vessels would be diverted to other ports along the coast while "
        "the talks between the union and the operators continue into the week.",
        "Freight rates on the main routes rose in early trading as forwarders rebooked cargo.",
    ],
    figure_caption="Cranes at the eastern terminal.",
    figure_credit="Lena Park",
)
PLAIN = replace(
    GALLERY,
    slug="tolls-rise",
    title="Port tolls rise for the new season",
    paragraphs=[
        "The port authority raised its tolls by four percent for the coming season, citing "
        "the cost of dredging the northern channel and of new mooring equipment.",
        "Carriers said the increase would be passed on to shippers within weeks, adding to "
        "the pressure from fuel surcharges that have climbed since the summer.",
        "The authority will review the schedule again in the spring.",
    ],
    minutes_after=10,
)
BARE = replace(
    GALLERY,
    slug="talks-resume",
    title="Talks resume at the labour ministry",
    paragraphs=[
        "Negotiators for the union and the terminal operators met again at the labour "
        "ministry on Wednesday after a pause of two days in their discussions.",
        "Neither side spoke to reporters on the way in, and the ministry said it would not "
        "comment until the round of meetings had ended later in the evening.",
        "A mediator appointed last month is expected to propose a compromise.",
    ],
    minutes_after=20,
)
BROKEN = replace(
    GALLERY,
    slug="ferries-cancelled",
    title="Ferries cancelled in the storm",
    paragraphs=[
        "Every ferry crossing to the islands was cancelled on Thursday as a storm brought "
        "gusts of more than a hundred kilometres an hour to the coast overnight.",
        "Operators said services could resume on Friday afternoon if the wind eased, though "
        "the forecasters warned that a second band of rain would follow closely.",
        "Travellers were told to check the timetables before setting out.",
    ],
    minutes_after=30,
)
LEAD_WIDTHS = (480, 1080, 1920)
CHART_WIDTHS = (400, 1200)


def story_page(story: Story, base: str, *, og_image: bool = True, figures: bool = True) -> bytes:
    """An article page: its og:image the middle one of the three widths its lead photo
    offers, and a chart whose ``<picture>`` offers two beside hostile candidates."""
    slug, (first, second, *rest) = story.slug, story.paragraphs
    lead = chart = meta = ""
    if og_image:
        meta = f'<meta property="og:image" content="{base}/img/{slug}-lead-1080.jpg">'
    if figures:
        widths = ", ".join(f"/img/{slug}-lead-{w}.jpg {w}w" for w in LEAD_WIDTHS)
        lead = (
            f'<figure><img src="/img/{slug}-lead-640.jpg" srcset="{widths}" alt="Idle cranes">'
            f'<figcaption>{story.figure_caption} <span class="credit">Photo: '
            f"{story.figure_credit}</span></figcaption></figure>"
        )
        hostile = (
            "javascript:alert(1) 300w, data:image/png;base64,iVBORw0KGgo=,AAAA 320w, "
            f"{base}/img/w_400,c_fill/{slug}-chart.png 400w, /img/{slug}-chart-1200.png 1200w"
        )
        chart = (
            f'<figure><picture><source srcset="{hostile}"><img src="/img/{slug}-chart.png" '
            'alt="A chart"></picture><figcaption>Freight rates this month. '
            '<span class="credit">Chart: Example Wire</span></figcaption></figure>'
        )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{story.title} | Example Wire</title>
<link rel="canonical" href="{base}/news/{slug}">
<meta property="og:site_name" content="Example Wire">
<meta property="og:title" content="{story.title}">{meta}
<meta property="article:published_time" content="{story.published.isoformat()}">
</head><body><article><h1>{story.title}</h1>{lead}
<p>{first}</p><p>{second}</p>{chart}{"".join(f"<p>{p}</p>" for p in rest)}
</article></body></html>""".encode()


def photo(path: str) -> bytes:
    """A picture as wide as its name says (``-1080.jpg``; 400 when it does not), its colour
    its own, so each rendition is told apart by its bytes."""
    width = int(named.group(1)) if (named := re.search(r"-(\d+)\.\w+$", path)) else 400
    kind = "PNG" if path.endswith(".png") else "JPEG"
    return picture(kind, (width, width * 9 // 16), (sum(path.encode()) % 200, 90, 160))


def photo_paths(slug: str) -> list[str]:
    lead = [f"/img/{slug}-lead-{w}.jpg" for w in (640, *LEAD_WIDTHS)]
    chart = [f"/img/{slug}-chart.png", f"/img/{slug}-chart-1200.png"]
    return [*lead, *chart, f"/img/w_400,c_fill/{slug}-chart.png"]


HTML = {"Content-Type": "text/html; charset=utf-8"}


@dataclass
class Publisher:
    server: LocalServer
    ids: dict[str, int]
    """Each story's article by its slug."""


def publish(server: LocalServer) -> None:
    base = server.base_url
    stories = [GALLERY, PLAIN, BARE, BROKEN]
    server.route("/feed.xml", Reply(body=rss("Example Wire", base, stories)))
    for story in stories:
        body = story_page(
            story, base, og_image=story is not BARE, figures=story in (GALLERY, BROKEN)
        )
        server.route(f"/news/{story.slug}", Reply(body=body, headers=HTML))
    for story in (GALLERY, PLAIN):
        for path in photo_paths(story.slug):
            server.route(path, Reply(body=photo(path)))


@contextlib.contextmanager
def published(settings: Settings) -> Iterator[Publisher]:
    """The four stories ingested from the local publisher, which keeps answering."""
    with LocalServer() as server:
        publish(server)
        with opened_runtime(settings, subscribe(server.url("/feed.xml"))) as runtime:
            ids = {a.url.rsplit("/", 1)[1]: a.id for a in runtime.news.latest_articles()}
            yield Publisher(server, ids)


@pytest.fixture
def publisher(settings: Settings) -> Iterator[Publisher]:
    with published(settings) as found:
        yield found


def sources_of(client: TestClient, srcset: str) -> list[tuple[str | None, str]]:
    """Each candidate as (the source URL its signed path names, or None, descriptor)."""
    signer = client.app.state.runtime.media.signer
    found = []
    for candidate in parse_srcset(srcset):
        _, prefix, digest, encoded = ([*candidate.url.split("/", 3), "", ""])[:4]
        named = signer.verify(digest, encoded) if prefix == "media" else None
        found.append((named, candidate.descriptor))
    return found


def test_the_lead_and_body_photos_offer_every_width_each_from_the_portal(
    settings: Settings, publisher: Publisher
) -> None:
    with TestClient(create_app(settings)) as client:
        tree = HTMLParser(client.get(f"/article/{publisher.ids[GALLERY.slug]}").text)
        lead = tree.css_first(".lead-figure img").attributes
        chart = tree.css_first(".article-body figure img").attributes
        slug = GALLERY.slug
        assert sources_of(client, lead["srcset"] or "") == [
            (publisher.server.url(f"/img/{slug}-lead-{w}.jpg"), f"{w}w") for w in LEAD_WIDTHS
        ]
        assert sources_of(client, chart["srcset"] or "") == [
            (publisher.server.url(f"/img/w_400,c_fill/{slug}-chart.png"), "400w"),
            (publisher.server.url(f"/img/{slug}-chart-1200.png"), "1200w"),
        ]
        assert lead["sizes"] and chart["sizes"]
        twin = client.get(f"/article/{publisher.ids[GALLERY.slug]}.json").json()
        assert twin["lead_image"]["srcset"] == lead["srcset"]


def test_no_srcset_on_any_page_names_anything_but_a_path_the_portal_signed(
    settings: Settings, publisher: Publisher
) -> None:
    with TestClient(create_app(settings)) as client:
        seen = 0
        for article_id in publisher.ids.values():
            tree = HTMLParser(client.get(f"/article/{article_id}").text)
            for node in tree.css("[srcset]"):
                named = sources_of(client, node.attributes["srcset"] or "")
                assert named and all(source is not None for source, _ in named)
                seen += len(named)
        assert seen == 2 * (len(LEAD_WIDTHS) + len(CHART_WIDTHS))  # gallery and broken


def test_only_the_width_nearest_1200_is_fetched_ahead_and_the_others_when_asked_for(
    settings: Settings, publisher: Publisher
) -> None:
    slug = GALLERY.slug
    fetched = publisher.server.paths()
    assert f"/img/{slug}-lead-1080.jpg" in fetched and f"/img/{slug}-chart-1200.png" in fetched
    for path in (f"/img/{slug}-lead-480.jpg", f"/img/{slug}-lead-1920.jpg"):
        assert path not in fetched
    with TestClient(create_app(settings)) as client:
        narrow = client.app.state.runtime.media.path(
            publisher.server.url(f"/img/{slug}-lead-480.jpg")
        )
        answer = client.get(narrow)
    assert answer.status_code == 200 and answer.content == photo(f"/img/{slug}-lead-480.jpg")
    assert f"/img/{slug}-lead-480.jpg" in publisher.server.paths()


def test_with_the_image_cache_off_every_width_links_to_the_publisher(database_url: str) -> None:
    settings = Settings(
        database_url=database_url,
        demo=True,
        poller_enabled=False,
        default_feeds=[],
        media={"enabled": False},
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 3},
    )
    with published(settings) as publisher, TestClient(create_app(settings)) as client:
        tree = HTMLParser(client.get(f"/article/{publisher.ids[GALLERY.slug]}").text)
        srcsets = [node.attributes["srcset"] or "" for node in tree.css("main [srcset]")]
    candidates = [candidate.url for srcset in srcsets for candidate in parse_srcset(srcset)]
    assert len(candidates) == len(LEAD_WIDTHS) + len(CHART_WIDTHS)
    assert all(url.startswith(publisher.server.base_url + "/img/") for url in candidates)


def test_more_from_shows_each_storys_thumbnail_from_the_portal_and_none_without_one(
    settings: Settings, publisher: Publisher
) -> None:
    with TestClient(create_app(settings)) as client:
        tree = HTMLParser(client.get(f"/article/{publisher.ids[GALLERY.slug]}").text)
        items = {
            item.css_first(".headline-title").text(): item.css_first("img.thumb")
            for item in tree.css(".more-from .headline")
        }
        assert set(items) == {PLAIN.title, BARE.title, BROKEN.title}
        assert items[BARE.title] is None
        thumb = items[PLAIN.title]
        assert thumb is not None
        attributes = thumb.attributes
        assert (attributes["alt"], attributes["width"], attributes["height"]) == ("", "96", "64")
        assert sources_of(client, attributes["src"] or "") == [
            (publisher.server.url(f"/img/{PLAIN.slug}-lead-1080.jpg"), "")
        ]
        assert client.get(attributes["src"] or "").status_code == 200


def test_a_photo_that_cannot_be_had_leaves_caption_credit_and_a_placeholder_everywhere(
    settings: Settings, publisher: Publisher
) -> None:
    with TestClient(create_app(settings)) as client:
        tree = HTMLParser(client.get(f"/article/{publisher.ids[BROKEN.slug]}").text)
        lead, chart = tree.css_first(".lead-figure"), tree.css_first(".article-body figure")
        assert lead.css_first(".caption").text() == BROKEN.figure_caption
        assert lead.css_first(".credit").text() == BROKEN.figure_credit
        assert chart.css_first("figcaption").text().startswith("Freight rates this month.")
        assert chart.css_first(".credit").text() == "Example Wire"
        other = HTMLParser(client.get(f"/article/{publisher.ids[GALLERY.slug]}").text)
        thumb = next(
            item.css_first("img.thumb")
            for item in other.css(".more-from .headline")
            if item.css_first(".headline-title").text() == BROKEN.title
        )
        images = [lead.css_first("img"), chart.css_first("img"), thumb]
        for image in images:
            answer = client.get(image.attributes["src"] or "")
            assert answer.status_code == 404 and answer.content == placeholder_png()


PHONE_SIZES = """() => ({
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    drawn: [...document.querySelectorAll("main img")].map(i => i.complete && i.naturalWidth > 0),
    thumbs: [...document.querySelectorAll(".more-from .thumb")].map(i => {
        const box = i.getBoundingClientRect();
        return [box.width, box.height];
    }),
    captions: [...document.querySelectorAll("main figcaption")].map(c => c.offsetHeight > 0),
    lead: document.querySelector(".lead-figure img").getBoundingClientRect().width,
    column: document.querySelector(".article").clientWidth,
    title: getComputedStyle(document.querySelector(".more-from .headline-title")).color,
})"""


@pytest.mark.browser
def test_on_a_phone_in_dark_mode_photos_and_thumbnails_keep_their_boxes_even_when_gone(
    settings: Settings, publisher: Publisher, database_url: str
) -> None:
    from playwright.sync_api import sync_playwright

    path = chromium_or_skip()
    backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    measured = {}
    with serving(create_app(settings)) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        # Tall enough that every lazily loaded picture is on screen, as narrow as a phone.
        page = browser.new_page(viewport={"width": 390, "height": 3000}, color_scheme="dark")
        for story in (GALLERY, BROKEN):
            page.goto(f"{base}/article/{publisher.ids[story.slug]}")
            page.wait_for_load_state("networkidle")
            measured[story.slug] = page.evaluate(PHONE_SIZES)
            page.screenshot(
                path=screenshot_path(f"article-photos-phone-dark-{story.slug}-{backend}")
            )
        browser.close()
    for slug, found in measured.items():
        assert found["overflow"] <= 0, slug
        assert found["drawn"] and all(found["drawn"]), slug  # placeholders are drawn too
        assert found["captions"] and all(found["captions"]), slug
        assert found["lead"] >= found["column"] - 1, slug  # the column, photo or placeholder
        assert found["thumbs"], slug
        for width, height in found["thumbs"]:
            assert width <= 80 and abs(width / height - 1.5) < 0.05, slug
        red, green, blue = (int(n) for n in re.findall(r"\d+", found["title"])[:3])
        assert red + green + blue > 500, slug  # light titles on the dark page
