"""The hostile server of SECURITY.md: one route per way a server can hurt a fetcher.

``hostile_server()`` returns a :class:`LocalServer` (start it with ``with``) with these
paths. "Inward" means the same port at ``inward_host`` (127.0.0.2), where a test puts a
:class:`ForbiddenListener`, so a fetcher that follows it would be caught there:

- ``/ok``: 200, a short UTF-8 text, Cache-Control max-age=300
- ``/echo``: 200, empty; look at ``server.requests`` for what was sent
- ``/close``: 200, then hangs up (so the next request needs a new connection)
- ``/set-cookie``: 200 with a Set-Cookie header
- ``/gzip-bomb``: 64 MiB of zeros as a ~64 KiB gzip body (GZIP_BOMB_SIZE)
- ``/endless``: a body that never ends; ``/drip``: one byte every 50 ms, for minutes
- ``/loop/a`` <-> ``/loop/b``: a redirect loop; ``/chain/N``: N redirects, then 200
- ``/redirect/ok``: a relative redirect to /ok; ``/redirect/inward``: to the inward address
- ``/redirect/file``, ``/redirect/gopher``: redirects to other schemes
- ``/429-seconds``: 429 with Retry-After: 120
- ``/503-date``: 503 with Retry-After as an HTTP-date two hours ahead
- ``/etag``: 200 with ETag "v1" and a Last-Modified, or 304 when either validator matches
- ``/lying-length/short``: says 10 bytes, sends 100; ``/lying-length/long``: says 1000,
  sends 10 and hangs up; ``/lying-length/huge``: says 10 GiB, sends 10
- ``/secret-404``: 404 whose body must never show up in an error message (SECRET_BODY)
"""

from __future__ import annotations

import codecs
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache

from support.http_server import LocalServer, RecordedRequest, Reply, drip, endless

GZIP_BOMB_SIZE = 64 * 1024 * 1024
ETAG = '"v1"'
LAST_MODIFIED = "Tue, 24 Nov 2026 12:00:00 GMT"
SECRET_BODY = b"SECRET-BODY-do-not-echo"
CHAIN_LENGTH = 10


@cache
def gzip_bomb() -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    parts = [packer.compress(zeros) for _ in range(GZIP_BOMB_SIZE // len(zeros))]
    return b"".join(parts) + packer.flush()


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, headers={"Location": location})


def _conditional(request: RecordedRequest) -> Reply:
    validators = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
    if (
        request.headers.get("if-none-match") == ETAG
        or request.headers.get("if-modified-since") == LAST_MODIFIED
    ):
        return Reply(304, headers=validators)
    return Reply(200, b"fresh", {"Content-Type": "text/plain", **validators})


def _retry_at_date(request: RecordedRequest) -> Reply:
    when = datetime.now(UTC) + timedelta(hours=2)
    return Reply(503, b"busy", {"Retry-After": format_datetime(when, usegmt=True)})


def hostile_server(inward_host: str = "127.0.0.2") -> LocalServer:
    server = LocalServer()
    inward_url = f"http://{inward_host}:{server.port}/"
    text = {"Content-Type": "text/plain; charset=utf-8"}
    routes = {
        "/ok": Reply(200, "héllo".encode(), {**text, "Cache-Control": "public, max-age=300"}),
        "/echo": Reply(200),
        "/close": Reply(200, b"bye", close=True),
        "/set-cookie": Reply(200, headers={"Set-Cookie": "session=tracked; Path=/"}),
        "/gzip-bomb": Reply(200, gzip_bomb(), {"Content-Encoding": "gzip"}),
        "/endless": Reply(200, endless),
        "/drip": Reply(200, lambda: drip(b"x", every=0.05)),
        "/loop/a": redirect("/loop/b"),
        "/loop/b": redirect("/loop/a"),
        "/redirect/ok": redirect("/ok", 301),
        "/redirect/inward": redirect(inward_url),
        "/redirect/file": redirect("file:///etc/passwd"),
        "/redirect/gopher": redirect(f"gopher://127.0.0.1:{server.port}/"),
        "/429-seconds": Reply(429, b"slow down", {"Retry-After": "120"}),
        "/503-date": _retry_at_date,
        "/etag": _conditional,
        "/lying-length/short": Reply(200, b"y" * 100, {"Content-Length": "10"}, close=True),
        "/lying-length/long": Reply(200, b"y" * 10, {"Content-Length": "1000"}, close=True),
        "/lying-length/huge": Reply(200, b"y" * 10, {"Content-Length": str(10 << 30)}, close=True),
        "/secret-404": Reply(404, SECRET_BODY, text),
    }
    for hop in range(CHAIN_LENGTH + 1):
        routes[f"/chain/{hop}"] = redirect(f"/chain/{hop - 1}") if hop else Reply(200, b"end")
    for path, route in routes.items():
        server.route(path, route)
    return server


# Hostile publishers (issue 8): feeds and pages whose text reads like markup, whose markup
# tracks the reader, whose bytes lie about their encoding, and whose titles carry NUL and
# lone surrogates. Every text was written for these tests. Links under /gone/ answer 404,
# so those entries are stored from the feed's own summary, the path where markup is most
# exposed. ``publish_hostile(server)`` registers every route below.

EVIL = "http://evil.test"
META_REFRESH = f'<meta http-equiv="refresh" content="0;url={EVIL}/stolen">'
SCRIPT = '<script>window.__pwned = "script"; alert("owned")</script>'
TEXT_TITLE = "S&P 500 < 5,000 and AT&T <b>up</b>"
UTM = "utm_source=feed&utm_medium=rss&utm_campaign=daily&fbclid=abc123&mc_cid=42&mc_eid=7"
PIXEL_HOSTS = ("pixel.wp.com", "feeds.feedburner.com", "www.google-analytics.com")
RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}


def _rss(items: list[str], *, title: str = "Hostile Wire", declaration: str = "utf-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{declaration}"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>{EVIL}/</link><description>d</description>"
        + "".join(items)
        + "</channel></rss>"
    )


def _item(slug: str, title: str, description: str, link: str | None = None) -> str:
    """An RSS item; ``title`` and ``description`` are XML content, escaped by the caller."""
    return (
        f"<item><title>{title}</title><link>{link or '/gone/' + slug}</link>"
        f"<guid>{slug}</guid><pubDate>Fri, 20 Nov 2026 13:00:00 GMT</pubDate>"
        f"<description>{description}</description></item>"
    )


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escaped_markup_rss(base: str) -> bytes:
    """Summaries (HTML) whose *text* is markup: a meta refresh and a script, escaped once in
    the HTML, so they must reach the page as visible text; and live event handlers and
    ``javascript:`` links, which must not reach it at all."""
    refresh = _xml_escape(_xml_escape(META_REFRESH) + " Shares rose in early trade.")
    script = _xml_escape(_xml_escape(SCRIPT) + " Bond yields were flat.")
    handlers = _xml_escape(
        '<p onmouseover="window.__pwned=1">Copper firmed <a href="javascript:alert(1)">on'
        ' supply</a> <img src="x" onerror="alert(2)"> <a href=" &#14; javascript:alert(3)">'
        "worries</a>.</p>"
    )
    return _rss(
        [
            _item("meta-refresh", "Shares rise at the open", refresh, f"{base}/gone/refresh"),
            _item("escaped-script", "Bonds hold steady", script, f"{base}/gone/script"),
            _item("handlers", "Copper firms", handlers, f"{base}/gone/handlers"),
        ]
    ).encode()


def atom_text_feed(base: str) -> bytes:
    """Atom whose title, summary and content are declared ``type="text"`` and read like HTML."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Plain Text Desk</title><id>urn:desk</id>
<updated>2026-11-20T13:00:00Z</updated>
<entry><id>urn:desk:1</id><updated>2026-11-20T13:00:00Z</updated>
<title type="text">{_xml_escape(TEXT_TITLE)}</title>
<link href="{base}/gone/atom-text"/>
<summary type="text">{_xml_escape(SCRIPT)} Index futures edged higher.</summary>
<content type="text">{_xml_escape(META_REFRESH)} Index futures edged higher before the bell.

Traders waited for the jobs report.</content>
</entry></feed>""".encode()


def json_text_feed(base: str) -> bytes:
    """JSON Feed whose plain-text title, summary and content_text read like HTML."""
    import json

    item = {
        "id": "json-text-1",
        "url": f"{base}/gone/json-text",
        "title": TEXT_TITLE,
        "summary": SCRIPT,
        "content_text": f"{META_REFRESH} Futures rose.\n\nThe dollar eased.",
        "date_published": "2026-11-20T13:00:00Z",
    }
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "JSON Desk", "items": [item]}
    return json.dumps(feed).encode()


def tracker_rss(base: str) -> bytes:
    """A summary full of trackers: 1x1 and 0x0 pixels, hidden images, tracker hosts, and
    tracking parameters on a link and on a real image (which must stay, cleaned)."""
    pixels = "".join(f'<img src="https://{host}/~r/x/~4/p.gif?i=1">' for host in PIXEL_HOSTS)
    summary = _xml_escape(
        f'<p>Gold steadied <a href="{base}/story?id=7&{UTM}">near its high</a>.</p>'
        f'<img src="{base}/img/one.gif" width="1" height="1">'
        f'<img src="{base}/img/zero.gif" width="0" height="0">'
        f'<img src="{base}/img/style.gif" style="width:1px;height:1px">'
        f'<img src="{base}/img/none.gif" style="display:none">'
        f'<div style="visibility: hidden"><img src="{base}/img/invisible.gif"></div>'
        f'<img src="{base}/img/hidden.gif" hidden>'
        f"{pixels}"
        f'<p><img src="{base}/img/chart.png?{UTM}" alt="Gold chart" width="640"></p>'
    )
    return _rss([_item("gold", "Gold steadies", summary, f"{base}/gone/gold")]).encode()


CONTROL_TITLES = {
    "nul": ("Yen \x00weakens past 150", "Yen weakens past 150"),
    "controls": ("Oil\x01 \x1b[2Jslips\x7f", "Oil [2Jslips"),
    "references": ("Gilts &#0;rally&#x1; &#xD800;today", "Gilts rally today"),
    "pair": ("Rocket &#xD83D;&#xDE80; stocks", "Rocket \U0001f680 stocks"),
    "clean": ("Dollar eases against the euro", "Dollar eases against the euro"),
}


def control_rss(base: str) -> bytes:
    """Titles and descriptions with NUL, control characters and lone surrogates, raw and as
    character references, beside an entry with none: every one must be kept, cleaned."""
    items = [
        _item(slug, raw, f"Desk note\x00 &#xDFFF;for {slug}.\x0b", f"{base}/gone/{slug}")
        for slug, (raw, _) in CONTROL_TITLES.items()
    ]
    return _rss(items).encode()


def control_json(base: str) -> bytes:
    """JSON Feed with ``\\u0000`` and a lone ``\\ud800`` escape in its strings."""
    return (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "JSON \\u0000Desk", "items": ['
        f'{{"id": "j1", "url": "{base}/gone/j1", "title": "Copper \\ud800rallies\\u0000",'
        ' "content_text": "Mines \\u0007reopened."},'
        f'{{"id": "j2", "url": "{base}/gone/j2", "title": "Zinc is flat",'
        ' "content_text": "Nothing new."}]}'
    ).encode()


ENCODED_TITLE = "Café “Noël” rally — euro at €1.08"


def encoded_feed(codec: str, *, declaration: str = "utf-8", prefix: bytes = b"") -> bytes:
    """An RSS feed whose one title is ``ENCODED_TITLE``, in ``codec``, declaring ``declaration``."""
    title = f"{ENCODED_TITLE} " * 3
    document = _rss([_item("encoded", title.strip(), title)], declaration=declaration)
    return prefix + document.encode(codec)


# name: (body, Content-Type): each one's bytes and its declarations disagree.
FEED_ENCODINGS = {
    "windows-1252 declared utf-8": (encoded_feed("cp1252"), "application/rss+xml; charset=utf-8"),
    "utf-8 over http iso-8859-1": (encoded_feed("utf-8"), "text/xml; charset=iso-8859-1"),
    "utf-8 over http iso-8859-2": (encoded_feed("utf-8"), "text/xml; charset=iso-8859-2"),
    "bom against the header": (
        encoded_feed("utf-8", prefix=codecs.BOM_UTF8),
        "application/rss+xml; charset=windows-1252",
    ),
    "declaration after a blank line": (
        b"\n\n" + encoded_feed("cp1252", declaration="windows-1252"),
        "application/rss+xml",
    ),
    "stray byte in utf-8": (
        encoded_feed("utf-8").replace(b"rally", b"r\xe9ally", 1),
        "application/rss+xml; charset=utf-8",
    ),
}


POLISH_TITLE = "Złoty się umocnił, źródła energii tanieją"
POLISH_TEXT = "Rynek akcji wzrósł dziś rano, a ceny źródeł energii spadły w Łodzi i Gdańsku"


def encoded_page(
    codec: str, *, meta: str | None, blank_lines: int = 0, title: str = ENCODED_TITLE
) -> bytes:
    """An article page written in ``codec``, naming ``meta`` in its ``<meta charset>``."""
    sentence = (
        POLISH_TEXT
        if title == POLISH_TITLE
        else f"{ENCODED_TITLE}: traders in Zürich and Köln said the rally — the third this week"
    )
    paragraphs = "".join(f"<p>{sentence} (paragraph {n}).</p>" for n in range(4))
    declaration = f'<meta charset="{meta}">' if meta else ""
    page = (
        "<!doctype html><html><head>"
        + "\n" * blank_lines
        + declaration
        + f"<title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{paragraphs}</article></body></html>"
    )
    return page.encode(codec)


# name: (body, Content-Type, title, a sentence of its text)
PAGE_ENCODINGS = {
    "windows-1252 over http utf-8, meta after blank lines": (
        encoded_page("cp1252", meta="windows-1252", blank_lines=3),
        "text/html; charset=utf-8",
        ENCODED_TITLE,
        "traders in Zürich and Köln said the rally — the third",
    ),
    "utf-8 over http iso-8859-1": (
        encoded_page("utf-8", meta="utf-8"),
        "text/html; charset=iso-8859-1",
        ENCODED_TITLE,
        "traders in Zürich and Köln said the rally — the third",
    ),
    "iso-8859-2 declared only over http": (
        encoded_page("iso-8859-2", meta=None, title=POLISH_TITLE),
        "text/html; charset=iso-8859-2",
        POLISH_TITLE,
        POLISH_TEXT,
    ),
}


def tracker_article(base: str) -> bytes:
    """An article page with a figure whose image URL carries tracking parameters, a
    tracker-pixel figure, and a hidden figure."""
    paragraphs = "".join(
        f"<p>Silver climbed for a second session as industrial demand picked up, with "
        f"traders citing solar panel makers and electronics firms (part {n}).</p>"
        for n in range(4)
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Silver climbs</title><meta property="og:site_name" content="Hostile Wire">
<meta property="og:image" content="{base}/img/lead.jpg?utm_source=og"></head>
<body><article><h1>Silver climbs</h1>
<figure><img src="{base}/img/lead.jpg?utm_source=og" alt="A vault">
<figcaption>The vault. <span class="credit">Photo: Lead Desk</span></figcaption></figure>
{paragraphs}
<figure><img src="{base}/img/silver.jpg?{UTM.replace("&", "&amp;")}" alt="Silver bars">
<figcaption>Bars in a vault. <span class="credit">Photo: Hostile Wire</span></figcaption>
</figure>
<figure><img src="https://pixel.wp.com/g.gif?blog=1" alt="">
<figcaption>Pixel.</figcaption></figure>
<p>Analysts expect the metal to stay volatile into the new year.</p>
</article></body></html>""".encode()


def publish_hostile(server: LocalServer) -> None:
    """Register every hostile publisher route on ``server``."""
    base = server.base_url
    server.route("/hostile/escaped.xml", Reply(200, escaped_markup_rss(base), RSS_TYPE))
    server.route(
        "/hostile/atom.xml",
        Reply(200, atom_text_feed(base), {"Content-Type": "application/atom+xml"}),
    )
    server.route(
        "/hostile/feed.json",
        Reply(200, json_text_feed(base), {"Content-Type": "application/feed+json"}),
    )
    server.route("/hostile/trackers.xml", Reply(200, tracker_rss(base), RSS_TYPE))
    server.route("/hostile/controls.xml", Reply(200, control_rss(base), RSS_TYPE))
    server.route(
        "/hostile/controls.json",
        Reply(200, control_json(base), {"Content-Type": "application/feed+json"}),
    )
    tracker_feed = _rss(
        [_item("silver", "Silver climbs", "Silver climbed.", f"{base}/hostile/silver")]
    )
    server.route("/hostile/tracked-article.xml", Reply(200, tracker_feed.encode(), RSS_TYPE))
    server.route(
        "/hostile/silver",
        Reply(200, tracker_article(base), {"Content-Type": "text/html; charset=utf-8"}),
    )
    for index, (body, content_type) in enumerate(FEED_ENCODINGS.values()):
        server.route(
            f"/hostile/encoding/{index}.xml", Reply(200, body, {"Content-Type": content_type})
        )
    for index, (body, content_type, _, _) in enumerate(PAGE_ENCODINGS.values()):
        page_feed = _rss(
            [_item(f"page-{index}", "Encoded page", "s", f"{base}/hostile/page/{index}")]
        )
        server.route(f"/hostile/page-feed/{index}.xml", Reply(200, page_feed.encode(), RSS_TYPE))
        server.route(f"/hostile/page/{index}", Reply(200, body, {"Content-Type": content_type}))
