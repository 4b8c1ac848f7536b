"""The article's video: JSON-LD VideoObject, og:video, player iframes, <video>."""

from selectolax.lexbor import LexborHTMLParser

from tickerwire.news.extract.jsonld import read_linked_data
from tickerwire.news.extract.page_text import read_meta_tags
from tickerwire.news.extract.video import find_video
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
