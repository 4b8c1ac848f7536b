"""The article's video: JSON-LD VideoObject, og:video, player iframes, <video>; its running
time where the page states it; never an API endpoint."""

import pytest
from selectolax.lexbor import LexborHTMLParser

from tickerwire.news.extract.jsonld import read_linked_data
from tickerwire.news.extract.page_text import read_meta_tags
from tickerwire.news.extract.video import find_video, is_api_endpoint, seconds
from tickerwire.news.model import Video

BASE = "https://news.example/world/story.html"


def video_of(html: str) -> Video | None:
    tree = LexborHTMLParser(html)
    return find_video(tree, read_meta_tags(tree), read_linked_data(tree), BASE)


def test_json_ld_video_object_is_the_video() -> None:
    video = video_of(
        '<script type="application/ld+json">{"@type": "VideoObject", "name": "Rates explained",'
        ' "embedUrl": "https://player.vimeo.com/video/123", "thumbnailUrl": ["/t.jpg"]}</script>'
    )
    assert video == Video(
        url="https://player.vimeo.com/video/123",
        title="Rates explained",
        thumbnail="https://news.example/t.jpg",
        provider="Vimeo",
    )


def test_og_video_is_the_video_when_there_is_no_json_ld() -> None:
    video = video_of('<meta property="og:video:secure_url" content="https://youtu.be/dQw4w9WgXcQ">')
    assert video is not None and video.provider == "YouTube"


def test_iframe_from_an_unknown_host_is_not_a_video() -> None:
    assert video_of('<iframe src="https://ads.example/frame"></iframe>') is None


def test_html5_video_element_is_the_video_with_its_poster() -> None:
    video = video_of('<video poster="/p.jpg"><source src="/clip.mp4"></video>')
    assert video == Video(
        "https://news.example/clip.mp4", None, "https://news.example/p.jpg", "news.example"
    )


def test_a_video_element_takes_the_headline_its_player_shows() -> None:
    video = video_of(
        '<div class="player"><div class="screen"><video src="/clip.mp4"></video></div>'
        '<div class="player-footer"><div class="video-headline">Traders brace for the Fed'
        "</div></div></div>"
    )
    assert video is not None and video.title == "Traders brace for the Fed"


def test_a_video_elements_own_title_wins() -> None:
    video = video_of(
        '<div><video src="/clip.mp4" title="Opening bell"></video>'
        '<p class="headline">Another story</p></div>'
    )
    assert video is not None and video.title == "Opening bell"


def test_a_headline_outside_the_article_is_not_the_videos_title() -> None:
    video = video_of(
        '<header class="site-title">Example Wire</header>'
        '<article><video src="/clip.mp4"></video><p>Body text.</p></article>'
    )
    assert video is not None and video.title is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("PT2M31S", 151),
        ("PT0H06M33S", 393),
        ("PT1M48.393S", 108),
        ("PT156S", 156),
        ("P0DT1H0M5S", 3605),
        ("T1M02S", 62),
        ("01:18", 78),
        ("1:14:31", 4471),
        ("224", 224),
        (35, 35),
        (12.6, 13),
        ("", None),
        ("PT0S", None),
        ("P", None),
        ("P3D", None),
        ("1:75", None),
        ("two minutes", None),
        (True, None),
        (float("nan"), None),
        (None, None),
    ],
)
def test_a_running_time_is_read_in_the_forms_pages_write_it(
    written: object, expected: int | None
) -> None:
    assert seconds(written) == expected


def test_json_ld_video_object_gives_its_duration() -> None:
    video = video_of(
        '<script type="application/ld+json">{"@type": "VideoObject", "name": "Rates",'
        ' "embedUrl": "https://player.vimeo.com/video/123", "duration": "PT2M31S"}</script>'
    )
    assert video is not None and video.duration == 151


@pytest.mark.parametrize("name", ["og:video:duration", "video:duration"])
def test_og_video_gives_its_duration_in_seconds(name: str) -> None:
    video = video_of(
        '<meta property="og:video" content="https://cdn.example/clip.mp4">'
        f'<meta property="{name}" content="151">'
    )
    assert video is not None and video.duration == 151


@pytest.mark.parametrize("attribute", ["duration", "data-duration"])
def test_a_video_element_gives_its_duration_attribute(attribute: str) -> None:
    video = video_of(f'<video src="/clip.mp4" {attribute}="151"></video>')
    assert video is not None and video.duration == 151


def test_a_video_without_a_stated_duration_has_none() -> None:
    video = video_of('<video src="/clip.mp4"></video>')
    assert video is not None and video.duration is None


def test_an_api_endpoint_is_passed_over_for_the_clips_own_page() -> None:
    video = video_of(
        '<script type="application/ld+json">{"@type": "VideoObject", "name": "Talks",'
        ' "embedUrl": "https://fave.api.news.example/v1/fav/?video=talks",'
        ' "contentUrl": "https://news.example/videos/talks", "thumbnailURL": "/talks.jpg"}'
        "</script>"
    )
    assert video is not None
    assert (video.url, video.thumbnail) == (
        "https://news.example/videos/talks",
        "https://news.example/talks.jpg",
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://api.news.example/videos/7",
        "https://news.example/api/v1/videos/7",
        "https://news.example/oembed?url=x",
        "https://news.example/oembed/",
        "https://news.example/videos/7.json",
    ],
)
def test_an_api_endpoint_is_never_the_video(url: str) -> None:
    assert is_api_endpoint(url)
    assert video_of(f'<meta property="og:video" content="{url}">') is None


def test_a_player_or_a_clip_is_not_an_api_endpoint() -> None:
    for url in (
        "https://www.youtube.com/embed/dQw4w9WgXcQ?feature=oembed",
        "https://players.brightcove.net/1/default_default/index.html?videoId=2",
        "https://cdn.example/rapid/clip.mp4",
    ):
        assert not is_api_endpoint(url)
