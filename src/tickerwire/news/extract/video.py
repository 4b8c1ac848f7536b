"""The article's video ("Now watch"): an embedded player or a linked clip.

Read from the page in order of how deliberate the statement is: a JSON-LD ``VideoObject``
(the article's own ``video`` first), ``og:video``, an iframe from a known player, then a
``<video>`` element. Embeds outside the article (rails, asides) do not count, nor does an
address that answers programs rather than readers (an API endpoint: CNN's JSON-LD names
``fave.api.cnn.io`` as its embed, and the clip's own page beside it). The running time is
read where the same statement gives it: JSON-LD ``duration``, ``og:video:duration``, a
``<video>``'s ``duration`` or ``data-duration``.
"""

from __future__ import annotations

import math
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
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_ISO_DURATION = re.compile(
    rf"P?(?:{_NUMBER}D)?(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?", re.IGNORECASE
)
"""ISO 8601 as schema.org asks (``PT2M31S``, ``PT0H06M33S``, ``PT1M48.393S``), and the
``T1M02S`` some pages write without its ``P``."""
_CLOCK = re.compile(r"(?:(\d{1,3}):)?(\d{1,2}):(\d{2})")
"""The ``1:14:31`` and ``01:18`` some players put in ``duration`` instead."""
_SECONDS = re.compile(r"\d+(?:\.\d+)?")
MAX_DURATION = 24 * 3600
"""Longer than a day is a live stream's stand-in or a mistake, not a clip's running time."""


def provider_of(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    for domain, name in _VIDEO_HOSTS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return host or None


def is_api_endpoint(url: str) -> bool:
    """Whether ``url`` answers programs rather than readers: an ``api`` host name or path
    segment (``fave.api.cnn.io/v1/fav``, ``/api/v1/...``), an oEmbed or a JSON document."""
    parts = urlsplit(url)
    path = parts.path.lower()
    segments = path.split("/")
    return (
        "api" in (parts.hostname or "").split(".")
        or "api" in segments
        or "oembed" in segments
        or path.endswith(".json")
    )


def seconds(value: Any) -> int | None:
    """A running time in whole seconds from what a page wrote: ISO 8601, ``m:ss`` or a
    number of seconds; None when it is absent, zero, unreadable or absurd."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        total: float | None = float(value)
    else:
        text = text_value(value)
        total = _parse_duration(text) if text else None
    if total is None or not math.isfinite(total) or not 1 <= round(total) <= MAX_DURATION:
        return None
    return round(total)


def _parse_duration(text: str) -> float | None:
    if _SECONDS.fullmatch(text):
        return float(text)
    clock = _CLOCK.fullmatch(text)
    if clock:
        hours, minutes, secs = (int(part or 0) for part in clock.groups())
        return hours * 3600 + minutes * 60 + secs if minutes < 60 and secs < 60 else None
    iso = _ISO_DURATION.fullmatch(text)
    if iso is None or not any(iso.groups()):
        return None
    parts = [float((part or "0").replace(",", ".")) for part in iso.groups()]
    return sum(part * unit for part, unit in zip(parts, (86400, 3600, 60, 1), strict=True))


def _thumbnail(url: str, given: str | None) -> str | None:
    if given:
        return given
    match = _YOUTUBE_ID.search(url) if provider_of(url) == "YouTube" else None
    return f"https://i.ytimg.com/vi/{match.group(1)}/hqdefault.jpg" if match else None


def _watchable(url: str | None) -> str | None:
    """``url`` if a reader can open it: http(s) and not an API endpoint."""
    return url if url and not is_api_endpoint(url) else None


def _jsonld_video(linked: LinkedData, base: str | None) -> Video | None:
    nodes = [linked.resolve(v) for v in _as_list((linked.article or {}).get("video"))]
    for node in [*nodes, *linked.videos]:
        if not isinstance(node, dict):
            continue
        url = next(
            (
                found
                for key in ("embedUrl", "contentUrl", "url")
                if (found := _watchable(absolute(text_value(node.get(key)), base)))
            ),
            None,
        )
        if url:
            return Video(
                url=url,
                title=text_value(node.get("name")),
                thumbnail=_thumbnail(url, _jsonld_thumbnail(linked, node, base)),
                provider=provider_of(url),
                duration=seconds(node.get("duration")),
            )
    return None


def _jsonld_thumbnail(linked: LinkedData, node: dict[str, Any], base: str | None) -> str | None:
    """A VideoObject's still: ``thumbnailUrl`` (``thumbnailURL`` on some sites), its
    ``thumbnail`` ImageObject, or its ``image``."""
    for key in ("thumbnailUrl", "thumbnailURL", "thumbnail", "image"):
        thumb = node.get(key)
        thumb = linked.resolve(thumb[0] if isinstance(thumb, list) and thumb else thumb)
        url = text_value(thumb.get("url")) if isinstance(thumb, dict) else text_value(thumb)
        if resolved := absolute(url, base):
            return resolved
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
    og = _watchable(og)
    if og:
        title = first_meta(tags, "og:video:title")
        duration = seconds(first_meta(tags, "og:video:duration", "video:duration"))
        return Video(og, title, _thumbnail(og, None), provider_of(og), duration)
    for frame in tree.css("iframe"):
        src = absolute(frame.attributes.get("src") or frame.attributes.get("data-src"), base)
        src = _watchable(src)
        if src and src.split(":", 1)[1].startswith("//"):
            provider = provider_of(src)
            if provider in _VIDEO_HOSTS.values() and not off_article(frame):
                title = frame.attributes.get("title")
                return Video(src, title or None, _thumbnail(src, None), provider)
    for video in tree.css("video"):
        source = video if video.attributes.get("src") else video.css_first("source[src]")
        src = _watchable(absolute(source.attributes.get("src"), base) if source else None)
        if src and not off_article(video):
            attrs = video.attributes
            poster = absolute(attrs.get("poster"), base)
            duration = seconds(attrs.get("duration") or attrs.get("data-duration"))
            return Video(src, _player_title(video), poster, provider_of(src), duration)
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
