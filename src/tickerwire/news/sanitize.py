"""The one HTML sanitizing policy: what of a stranger's markup may reach our pages.

Everything from feeds and article pages passes through :func:`sanitize_html` once, on the
way in, and only that copy is stored and shown. The policy is an allowlist (nh3, the Rust
``ammonia`` sanitizer): text structure, links, images, tables and a few inline elements.
No script, style, forms, SVG/MathML, ``base``/``meta``, event handlers, ``class``/``style``/
``id``. Every ``href``/``src``/``srcset`` goes through :func:`~tickerwire.news.urls.safe_url`,
so it comes out absolute (resolved against the article's URL) and http(s) only, ``mailto:``
on links. Iframes survive only when they embed a video from an allowlisted player, and
then always sandboxed and empty. ``<h1>`` becomes ``<h2>``: the page has its own title.

Trackers go too, as the best feed readers do: images the publisher hid (``hidden``,
``display:none``, ``visibility:hidden``, on the image or around it) are removed rather than
made visible by dropping their style, and so are 1x1 and 0x0 images and images from known
tracker hosts; click-tracking parameters (``utm_*``, ``fbclid``...) leave every URL. The
lists are data, in :mod:`tickerwire.news.trackers`.

Nothing after this function may turn its output back into markup: pages render it as
stored (figures are composed into the body before it runs, see
:mod:`tickerwire.news.compose`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from urllib.parse import urlsplit

import nh3
from selectolax.lexbor import LexborHTMLParser, LexborNode

from tickerwire.media.signing import source_of
from tickerwire.news.budget import too_complex
from tickerwire.news.srcset import Candidate, parse_srcset, write_srcset
from tickerwire.news.text import clean_text
from tickerwire.news.trackers import is_tracker_image, without_tracking
from tickerwire.news.urls import LINK_SCHEMES, WEB_SCHEMES, safe_url

TAGS = frozenset(
    {
        "p", "br", "a", "strong", "em", "b", "i", "u", "s", "blockquote", "q", "cite",
        "code", "pre", "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "figure",
        "figcaption", "img", "picture", "source", "table", "thead", "tbody", "tfoot",
        "tr", "th", "td", "caption", "sup", "sub", "hr", "span", "abbr", "time", "iframe",
    }
)  # fmt: skip
ATTRIBUTES: dict[str, set[str]] = {
    "*": set(),
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "srcset", "sizes", "alt", "title", "width", "height"},
    "source": {"srcset", "sizes", "type", "media"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "iframe": {"src", "width", "height", "allowfullscreen", "title"},
}
# Dropped with everything inside: their content is code, or not meant to be read as text.
CONTENT_DROPPED = frozenset(
    {
        "script", "style", "template", "noscript", "svg", "math", "textarea", "select",
        "title", "head", "object", "embed", "applet", "noembed", "noframes", "xmp",
        "plaintext", "frameset", "button",
    }
)  # fmt: skip
# The only classes kept: those of the figures composed into bodies (news/compose.py).
CLASSES = {"figure": {"inline-figure"}, "span": {"credit"}}
IFRAME_SANDBOX = "allow-scripts allow-same-origin allow-popups allow-presentation"
# (host, path prefix) of video players whose embeds are kept.
VIDEO_PLAYERS = (
    ("www.youtube.com", "/embed/"),
    ("youtube.com", "/embed/"),
    ("www.youtube-nocookie.com", "/embed/"),
    ("youtube-nocookie.com", "/embed/"),
    ("player.vimeo.com", "/video/"),
)
_MAX_PASSES = 3
_URL_ATTRIBUTES = frozenset({"href", "src"})
_DIMENSION = re.compile(r"\s*(\d{1,5})(?:px)?\s*", re.ASCII)
_SPAN = re.compile(r"\s*(\d{1,3})\s*", re.ASCII)
_H1 = re.compile(r"<(/?)h1(?=[\s/>])", re.IGNORECASE)
_IFRAME = re.compile(r"<iframe(?P<attrs>[^>]*)>.*?</iframe>", re.IGNORECASE | re.DOTALL)
_IMG_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc(?:set)?=)[^>]*>", re.IGNORECASE)
_MAY_HIDE = re.compile(r"\s(?:hidden|style|width|height)\b", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_PIXEL = re.compile(r"\s*[01](?:\.0*)?\s*(?:px)?\s*", re.IGNORECASE)
_STYLE_SIZE = re.compile(r"(?:^|;)\s*(width|height)\s*:\s*([^;]*)", re.IGNORECASE)


def _video_embed(url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    for host, prefix in VIDEO_PLAYERS:
        if parts.hostname == host and parts.path.startswith(prefix):
            return parts._replace(scheme="https").geturl()
    return None


def _srcset(value: str, base_url: str | None, images: ImageLinks | None) -> str | None:
    """Check each image candidate of a ``srcset`` as an image ``src`` is checked; nh3 does
    not look inside it. It is read as browsers read it (news/srcset.py), so a comma inside
    a URL cannot smuggle a second one past the check."""
    checked = []
    for candidate in parse_srcset(value):
        url = _image_url(candidate.url, base_url, images)
        if url is not None:
            checked.append(Candidate(url, candidate.descriptor))
    return write_srcset(checked)


ImageLinks = Callable[[str], str]
"""Where pages load an image from: the portal's signed ``/media/…`` path for a source URL
(media/), so that stored bodies point at our own origin from the start."""
MEDIA_PREFIX = "/media/"


def _image_url(value: str, base_url: str | None, images: ImageLinks | None) -> str | None:
    """An image URL that passed :func:`safe_url`, without trackers, as pages will load it;
    None for a tracker. A portal path (sanitizing again) is judged by the source URL it
    names and signed anew, so one that was forged, or names a tracker, does not survive."""
    if images is not None and value.startswith(MEDIA_PREFIX):
        value, base_url = source_of(value) or "", None  # signed sources are absolute
    url = safe_url(value, base_url=base_url)
    if url is None or is_tracker_image(url):
        return None
    clean = without_tracking(url)
    return images(clean) if images is not None else clean


def _attribute_filter(
    base_url: str | None, images: ImageLinks | None
) -> Callable[[str, str, str], str | None]:
    def check(tag: str, name: str, value: str) -> str | None:
        if name in _URL_ATTRIBUTES:
            if tag == "img":
                return _image_url(value, base_url, images)  # None: the image is removed below
            schemes = LINK_SCHEMES if tag == "a" else WEB_SCHEMES
            url = safe_url(value, base_url=base_url, schemes=schemes)
            if tag == "iframe":
                return _video_embed(url)
            # A link to a tracker host only calls the tracker: it goes with its pixels.
            return without_tracking(url) if url and not is_tracker_image(url) else None
        if name == "srcset":
            return _srcset(value, base_url, images)
        if name in ("width", "height", "colspan", "rowspan"):
            match = (_SPAN if name.endswith("span") else _DIMENSION).fullmatch(value)
            return match.group(1) if match else None
        if name == "allowfullscreen":
            return ""
        return value

    return check


@functools.lru_cache(maxsize=256)
def _cleaner(base_url: str | None, images: ImageLinks | None) -> nh3.Cleaner:
    """One cleaner per base URL; a feed's entries mostly share a few."""

    def relative(url: str) -> str | None:
        if images is not None and url.startswith(MEDIA_PREFIX):
            return url  # our own signed image path, not a link into the publisher's site
        return safe_url(url, base_url=base_url)

    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags=set(CONTENT_DROPPED),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        allowed_classes={tag: set(names) for tag, names in CLASSES.items()},
        attribute_filter=_attribute_filter(base_url, images),
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={
            "iframe": {"sandbox": IFRAME_SANDBOX},
            "img": {"loading": "lazy"},
        },
        url_schemes=set(LINK_SCHEMES),
        url_relative=relative,
    )


def _keep_embeds_only(match: re.Match[str]) -> str:
    """Empty every iframe, and drop those whose ``src`` did not pass (nh3 keeps the tag).

    Matching nh3's output with a pattern is sound: it escapes ``>`` in attribute values.
    """
    attrs = match.group("attrs")
    return f"<iframe{attrs}></iframe>" if ' src="' in attrs else ""


def sanitize_html(
    html: str, *, base_url: str | None = None, images: ImageLinks | None = None
) -> str:
    """Return ``html`` reduced to the allowlist; idempotent, safe to embed in our pages.

    ``base_url`` is the document's URL: relative links and images are resolved against it;
    without it they are dropped, since they would point into our own site. With ``images``,
    every image source becomes the portal's own path for it. A fragment over
    :data:`~tickerwire.news.budget.MAX_FRAGMENT_TAGS` tags comes out empty (see budget.py).
    """
    html = clean_text(html)
    if not html or too_complex(html):
        return ""
    if _MAY_HIDE.search(html):
        html = _without_hidden_and_pixels(html)
    cleaner = _cleaner(base_url, images)
    cleaned = _clean_once(cleaner, html)
    # Mis-nested markup (a heading inside a table inside a heading) can serialize to HTML
    # that parses differently again; a few more passes reach the fixed point that makes
    # this function idempotent.
    for _ in range(_MAX_PASSES):
        again = _clean_once(cleaner, cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


def _hidden(node: LexborNode) -> bool:
    attributes = node.attributes
    return "hidden" in attributes or bool(_HIDDEN_STYLE.search(attributes.get("style") or ""))


def _pixel(node: LexborNode) -> bool:
    """A 1x1 or 0x0 image (one side of at most a pixel is enough: nobody reads a line)."""
    attributes = node.attributes
    sizes = [attributes.get("width"), attributes.get("height")]
    sizes += [size for _, size in _STYLE_SIZE.findall(attributes.get("style") or "")]
    return any(size is not None and _PIXEL.fullmatch(size) for size in sizes)


def _without_hidden_and_pixels(html: str) -> str:
    """``html`` without what its publisher hid from readers and without pixel images.

    Runs before nh3, which would otherwise drop the hiding ``style`` and so show them.
    """
    body = LexborHTMLParser(html).body
    if body is None:
        return html
    doomed = [n for n in body.traverse() if _hidden(n) or (n.tag == "img" and _pixel(n))]
    if not doomed:
        return html
    for node in doomed:
        node.decompose()
    return body.inner_html or ""


def _clean_once(cleaner: nh3.Cleaner, html: str) -> str:
    cleaned = cleaner.clean(_H1.sub(r"<\1h2", html))
    if "<iframe" in cleaned:
        cleaned = _IFRAME.sub(_keep_embeds_only, cleaned)
    if "<img" in cleaned:
        cleaned = _IMG_WITHOUT_SOURCE.sub("", cleaned)
    return cleaned.strip()


_BLOCKS = frozenset(
    {
        "p", "div", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5",
        "h6", "figure", "figcaption", "table", "tr", "section", "article", "header",
        "footer", "aside", "dl", "dt", "dd", "hr", "caption", "main", "nav", "address",
    }
)  # fmt: skip
_CELLS = frozenset({"td", "th"})
_SKIPPED = frozenset({"script", "style", "template", "noscript", "head", "title", "iframe"})
_SPACES = re.compile(r"[ \t\r\n\f\u00a0]+")


def html_to_text(html: str) -> str:
    """Plain text of ``html``: paragraphs separated by one blank line, ``<br>`` as a newline.

    Used for titles, snippets, search and tagging, where markup is noise. Walks the tree
    with an explicit stack, so a pathologically deep document cannot exhaust recursion.
    """
    if not html or not html.strip():
        return ""
    root = LexborHTMLParser(html).body
    if root is None:
        return ""
    paragraphs: list[list[str]] = [[]]
    stack: list[LexborNode | None] = [root]
    while stack:
        node = stack.pop()
        if node is None or node.tag in _BLOCKS:
            if paragraphs[-1]:
                paragraphs.append([])
            if node is None:
                continue
        if node.tag == "-text":
            paragraphs[-1].append(node.text_content or "")
            continue
        if node.tag == "br":
            paragraphs[-1].append("\n")
            continue
        if node.tag in _CELLS:
            paragraphs[-1].append(" ")
        if node.tag in _SKIPPED:
            continue
        if node.tag in _BLOCKS:
            stack.append(None)
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend(reversed(children))
    lines = (
        "\n".join(_SPACES.sub(" ", line).strip() for line in "".join(p).split("\n"))
        for p in paragraphs
    )
    return "\n\n".join(text.strip("\n") for text in lines if text.strip())
