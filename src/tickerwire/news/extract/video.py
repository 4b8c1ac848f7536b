"""The article's video ("Now watch"): an embedded player or a linked clip.

Read from the page in order of how deliberate the statement is: a JSON-LD ``VideoObject``
(the article's own ``video`` first), ``og:video``, an iframe from a known player, then a
``<video>`` element. Embeds outside the article (rails, asides) do not count.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tickerwire.news.extract.figures import absolute, off_article
from tickerwire.news.extract.jsonld import LinkedData, text_value
from tickerwire.news.extract.page_text import MetaTags, first_meta
from tickerwire.news.model import Video

_VIDEO_HOSTS = {
    "youtube.com": "YouTube",
    "youtube-nocookie.com": "YouTube",
    "youtu.be": "YouTube",
    "vimeo.com": "Vimeo",
    "dailymotion.com": "Dailymotion",
    "jwplayer.com": "JW Player",
    "jwplatform.com": "JW Player",
    "brightcove.net": "Brightcove",
    "brightcove.com": "Brightcove",
    "ted.com": "TED",
    "twitch.tv": "Twitch",
}
_YOUTUBE_ID = re.compile(r"(?:embed/|v=|youtu\.be/|shorts/)([\w-]{11})")


def provider_of(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    for domain, name in _VIDEO_HOSTS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return host or None


def _thumbnail(url: str, given: str | None) -> str | None:
    if given:
        return given
    match = _YOUTUBE_ID.search(url) if provider_of(url) == "YouTube" else None
    return f"https://i.ytimg.com/vi/{match.group(1)}/hqdefault.jpg" if match else None


def _jsonld_video(linked: LinkedData, base: str | None) -> Video | None:
    nodes = [linked.resolve(v) for v in _as_list((linked.article or {}).get("video"))]
    for node in [*nodes, *linked.videos]:
        if not isinstance(node, dict):
            continue
        url = absolute(text_value(node.get("embedUrl") or node.get("contentUrl")), base)
        url = url or absolute(text_value(node.get("url")), base)
        if url:
            thumb = node.get("thumbnailUrl") or node.get("thumbnail")
            thumb = linked.resolve(thumb[0] if isinstance(thumb, list) and thumb else thumb)
            thumb_url = (
                text_value(thumb.get("url")) if isinstance(thumb, dict) else text_value(thumb)
            )
            return Video(
                url=url,
                title=text_value(node.get("name")),
                thumbnail=_thumbnail(url, absolute(thumb_url, base)),
                provider=provider_of(url),
            )
    return None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value else []


def find_video(
    tree: LexborHTMLParser, tags: MetaTags, linked: LinkedData, base: str | None
) -> Video | None:
    """The story's video: JSON-LD VideoObject, og:video, an embedded player, or ``<video>``."""
    found = _jsonld_video(linked, base)
    if found:
        return found
    og = absolute(first_meta(tags, "og:video:secure_url", "og:video:url", "og:video"), base)
    if og:
        title = first_meta(tags, "og:video:title")
        return Video(og, title, _thumbnail(og, None), provider_of(og))
    for frame in tree.css("iframe"):
        src = absolute(frame.attributes.get("src") or frame.attributes.get("data-src"), base)
        if src and src.split(":", 1)[1].startswith("//") and not off_article(frame):
            provider = provider_of(src)
            if provider in _VIDEO_HOSTS.values():
                title = frame.attributes.get("title")
                return Video(src, title or None, _thumbnail(src, None), provider)
    for video in tree.css("video"):
        source = video if video.attributes.get("src") else video.css_first("source[src]")
        src = absolute(source.attributes.get("src"), base) if source else None
        if src and not off_article(video):
            poster = absolute(video.attributes.get("poster"), base)
            return Video(src, _player_title(video), poster, provider_of(src))
    return None


_TITLE_CLASS = re.compile(r"headline|title|(?:^|[-_\s])hed(?:$|[-_\s])", re.IGNORECASE)
_PLAYER_LEVELS = 6
"""How far up from a ``<video>`` its player's own headline may sit (players nest deeply)."""


def _player_title(video: LexborNode) -> str | None:
    """A ``<video>``'s title: its own ``title``/``aria-label``, else the headline its player
    shows beside it (an element with "headline" or "title" in its class, within the player)."""
    own = video.attributes.get("title") or video.attributes.get("aria-label")
    if own and own.strip():
        return " ".join(own.split())
    node = video.parent
    for _ in range(_PLAYER_LEVELS):
        if node is None or node.tag in {"article", "body", "main"}:
            break
        for candidate in node.css("[class]"):
            if _TITLE_CLASS.search(candidate.attributes.get("class") or ""):
                text = " ".join((candidate.text() or "").split())
                if 4 <= len(text) <= 200:
                    return text
        node = node.parent
    return None
