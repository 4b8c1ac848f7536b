"""Real saved article pages from the shared corpus, served by a local stand-in for their
publisher, and what each page itself says about its photos.

Nothing is copied from the corpus: a page is read from ``../shared/corpus`` when the test
runs, and a test without the corpus is skipped. The stand-in serves the page, a feed that
links to it, and every image it names. The page's image URLs are absolute URLs to the
publisher's image hosts, so the served copy is rewritten in memory to point them at the
stand-in (``https://i.guim.co.uk/x`` -> ``http://127.0.0.1:PORT/i.guim.co.uk/x``), and each
image request is answered with a picture made on the spot::

    page = saved_page("guardian-1")
    with LocalServer() as server:
        publisher = StandInPublisher(server, page)
        await actions.subscribe(runtime, publisher.feed_url)
    photos = page.photos()  # the photos readability kept: caption, credit, text before

The "truth" about each photo comes from the page, not from Tickerwire: which photos belong
to the article is what readability's ``expected.html`` kept; a photo's caption and credit
are its ``<figcaption>`` and the credit element in it, or, for pages that keep them only
in page data (the Guardian's lightbox records), the ``{"caption", "credit", "src"}``
record of that image; the paragraphs a photo follows are those before it in
``expected.html``.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from support.feedkit import HTML_HEADERS, RSS_HEADERS, Item, rss
from support.http_server import LocalServer, RecordedRequest, Reply
from support.images import picture

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
TEST_PAGES = CORPUS / "articles" / "readability" / "test-pages"

_IMAGE_URL = re.compile(
    r"https?:(?://|\\/\\/)(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d+)?(?:/|\\/)"
    r"[^\s\"'<>()]*?\.(?:jpe?g|png|gif|webp)\b",
    re.IGNORECASE,
)
_TEXT_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "pre"})
_SIZE_SUFFIX = re.compile(
    r"(?:[-_](?:\d+(?:x\d+)?w?|w\d+|h\d+|master\d*|[a-z]*(?:large|jumbo|small|medium|thumb|"
    r"standard|inline|popup|square)[a-z0-9]*|sixteenbynine\d*|threebytwo\d*|v\d))+$",
    re.IGNORECASE,
)
_CREDIT_LABEL = re.compile(
    r"^(?:\s*(?:credits?|photo(?:graph)?s?|images?|pictures?)(?:\s+by)?\s*:?\s*)+",
    re.IGNORECASE,
)
_RECORD = re.compile(
    r'\{"caption":"(?P<caption>(?:[^"\\]|\\.)*)","credit":"(?P<credit>(?:[^"\\]|\\.)*)"'
    r'[^{}]*?"src":"(?P<src>(?:[^"\\]|\\.)*)"'
)


def saved_page(name: str) -> SavedPage:
    """The readability test page ``name``; skips the test when the corpus is absent."""
    folder = TEST_PAGES / name
    if not (folder / "source.html").is_file():
        pytest.skip(f"the shared corpus page {name} is not at {folder}: clone ../shared")
    return SavedPage(name, folder)


def squashed(text: str) -> str:
    """Text reduced to its letters and digits, lower-cased: what survives any extractor's
    handling of whitespace, quotes and drop caps."""
    return re.sub(r"\W+", "", text).casefold()


def spaced(text: str | None) -> str:
    return " ".join((text or "").split())


def photo_key(url: str) -> str:
    """One photo, whatever the rendition: host, folder and file name without the query
    and without a size suffix (``-articleLarge``, ``-master768``, ``_800x600``)."""
    parts = urlsplit(url)
    directory, _, name = parts.path.rpartition("/")
    stem, dot, _ = name.rpartition(".")
    stem = _SIZE_SUFFIX.sub("", stem) if dot else name
    return f"{parts.hostname}{directory}/{stem}".lower()


def media_source(path: str) -> str:
    """The URL behind one of the portal's signed image paths, ``/media/<digest>/<encoded>``
    (see tickerwire.media.signing): what the portal fetched for the picture it shows."""
    encoded = urlsplit(path).path.rstrip("/").rpartition("/")[2]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")


def credit_name(credit: str | None) -> str | None:
    """A credit without its label ("Photograph: ", "Credit "), repeated or not."""
    name = _CREDIT_LABEL.sub("", spaced(credit)).strip(" .;|")
    return name or None


@dataclass(frozen=True)
class SavedPhoto:
    key: str
    """``photo_key`` of the image."""
    caption: str | None
    credit: str | None
    """The credit as the page gives it, label included."""
    preceding: tuple[str, ...]
    """The texts of the blocks before the photo in the article body, the nearest last;
    empty when it comes before any text (a lead photo)."""


class SavedPage:
    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.source = (folder / "source.html").read_bytes()
        self.expected = (folder / "expected.html").read_text(encoding="utf-8")

    @cached_property
    def tree(self) -> LexborHTMLParser:
        return LexborHTMLParser(self.source.decode("utf-8", errors="replace"))

    @cached_property
    def title(self) -> str:
        meta = self.tree.css_first("meta[property='og:title']")
        title = meta.attributes.get("content") if meta is not None else None
        node = self.tree.css_first("title")
        return spaced(title or (node.text() if node is not None else self.name))

    @cached_property
    def site(self) -> str:
        """What the publisher's feed is called: its site name, else its host."""
        meta = self.tree.css_first("meta[property='og:site_name']")
        name = meta.attributes.get("content") if meta is not None else None
        return spaced(name) or urlsplit(self.canonical_url).hostname or self.name

    @cached_property
    def canonical_url(self) -> str:
        link = self.tree.css_first("link[rel='canonical']")
        return (link.attributes.get("href") if link is not None else None) or ""

    @cached_property
    def path(self) -> str:
        """Where the stand-in serves the page: the canonical URL's path, as the publisher."""
        return urlsplit(self.canonical_url).path or f"/{self.name}"

    @cached_property
    def image_hosts(self) -> frozenset[str]:
        """The hosts the page's image URLs point at."""
        text = self.source.decode("utf-8", errors="replace")
        return frozenset(m.group("host").lower() for m in _IMAGE_URL.finditer(text))

    def served_copy(self, base_url: str) -> bytes:
        """The page as the stand-in serves it: every URL on an image host moved under
        ``base_url`` (plain, protocol-relative and JSON-escaped forms alike)."""
        text = self.source.decode("utf-8", errors="replace")
        hosts = "|".join(re.escape(host) for host in sorted(self.image_hosts, key=len)[::-1])
        if not hosts:
            return self.source
        local = urlsplit(base_url).netloc

        def moved(match: re.Match[str]) -> str:
            slash = match.group("slash")
            return f"http:{slash}{local}{slash[0]}{match.group('host')}"

        pattern = (
            rf"(?:https?:|(?<=[\"'=(,\s]))(?P<slash>//|\\/\\/)(?P<host>{hosts})(?=[/\\:\"'?#])"
        )
        return re.sub(pattern, moved, text, flags=re.IGNORECASE).encode("utf-8")

    def served_image_paths(self, base_url: str) -> list[str]:
        """The stand-in's path of every image the served copy names."""
        text = self.served_copy(base_url).decode("utf-8")
        prefix = re.escape(urlsplit(base_url).netloc)
        found = re.findall(rf"http:(?://|\\/\\/){prefix}((?:/|\\/)[^\s\"'<>()?&]+)", text)
        return sorted({path.replace("\\/", "/") for path in found})

    def photos(self) -> list[SavedPhoto]:
        """The photos readability kept in the article body, in order, each with its caption
        and credit as the page gives them and the text it followed."""
        body = LexborHTMLParser(self.expected).body
        photos: dict[str, SavedPhoto] = {}
        texts: list[str] = []
        for node in body.traverse() if body is not None else ():
            if node.tag == "img" and _inside(node, "figure"):
                key = photo_key(node.attributes.get("src") or "")
                if key not in photos:
                    caption, credit = self._caption_and_credit(key)
                    photos[key] = SavedPhoto(key, caption, credit, tuple(texts))
            elif node.tag in _TEXT_BLOCKS and not _inside(node, "figure"):
                text = spaced(node.text(deep=True, separator=""))
                if text:
                    texts.append(text)
        return list(photos.values())

    def _caption_and_credit(self, key: str) -> tuple[str | None, str | None]:
        figure = self._source_figure(key)
        caption_node = figure.css_first("figcaption") if figure is not None else None
        if caption_node is not None:
            credit_node = next(
                (
                    node
                    for node in caption_node.css("[itemprop], [class]")
                    if "copyrightholder" in (node.attributes.get("itemprop") or "").lower()
                    or "credit" in (node.attributes.get("class") or "").lower()
                ),
                None,
            )
            whole = spaced(caption_node.text(deep=True, separator=" "))
            credit = spaced(credit_node.text(deep=True, separator=" ")) if credit_node else None
            caption = spaced(whole.replace(credit, " ")) if credit else whole
            return caption or None, credit or None
        return self._records.get(key, (None, None))

    def _source_figure(self, key: str) -> LexborNode | None:
        for figure in self.tree.css("figure"):
            for img in figure.css("img"):
                urls = [img.attributes.get(name) or "" for name in ("src", "data-src")]
                if key in {photo_key(url) for url in urls if url}:
                    return figure
        return None

    @cached_property
    def _records(self) -> dict[str, tuple[str | None, str | None]]:
        """Image records kept in page data: ``{"caption": ..., "credit": ..., "src": ...}``."""
        text = self.source.decode("utf-8", errors="replace")
        records: dict[str, tuple[str | None, str | None]] = {}
        for match in _RECORD.finditer(text):
            caption, credit, src = (
                json.loads(f'"{match.group(part)}"') for part in ("caption", "credit", "src")
            )
            records.setdefault(photo_key(src), (_plain(caption), _plain(credit)))
        return records


def _plain(markup: str) -> str | None:
    """The text of a record's value, which may carry markup (``...his father.<br>``)."""
    body = LexborHTMLParser(f"<p>{markup}</p>").body
    return spaced(body.text(separator=" ") if body is not None else markup) or None


def _inside(node: LexborNode, tag: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False


class StandInPublisher:
    """The publisher of one saved page on a local server: ``/feed.xml`` (one item linking
    to the page), the page at its own path, and a picture at every path on its image hosts
    the page names (image URLs do not always end in .jpg)."""

    def __init__(self, server: LocalServer, page: SavedPage) -> None:
        self.server = server
        self.page = page
        self.image_paths = page.served_image_paths(server.base_url)
        server.route(
            "/feed.xml",
            Reply(
                body=rss([Item(page.title, link=self.page_url, guid=page.name)], title=page.site),
                headers=RSS_HEADERS,
            ),
        )
        server.route(page.path, Reply(body=page.served_copy(server.base_url), headers=HTML_HEADERS))
        for path in self.image_paths:
            server.route(path, self._image)

    @property
    def feed_url(self) -> str:
        return self.server.url("/feed.xml")

    @property
    def page_url(self) -> str:
        return self.server.url(self.page.path)

    def original(self, url: str) -> str:
        """The publisher's own URL for one of the stand-in's image URLs."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.server.base_url:
            return url
        host, _, rest = parts.path.lstrip("/").partition("/")
        query = f"?{parts.query}" if parts.query else ""
        return f"https://{host}/{rest}{query}"

    def _image(self, request: RecordedRequest) -> Reply:
        return Reply(
            body=_picture_for(urlsplit(request.path).path), headers=_image_headers(request)
        )


def _image_headers(request: RecordedRequest) -> dict[str, str]:
    kind = _kind_of(urlsplit(request.path).path)
    return {"Content-Type": f"image/{kind.lower()}", "Cache-Control": "max-age=86400"}


def _kind_of(path: str) -> str:
    extension = path.rpartition(".")[2].lower()
    return {"png": "PNG", "gif": "GIF", "webp": "WEBP"}.get(extension, "JPEG")


@cache
def _picture_for(path: str) -> bytes:
    """A photo-sized picture, its colour taken from the path, so the screenshot tells the
    photos apart."""
    shade = sum(path.encode()) % 160
    return picture(_kind_of(path), (960, 640), color=(40 + shade, 90, 200 - shade))
