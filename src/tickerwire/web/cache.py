"""Rendered pages and parts, each kept until the data it shows changes, rendered once
however many readers miss it.

What a stored render depends on is named by *sources*: ``news`` (articles, headlines),
``quotes`` (any quote) and ``quote:SYMBOL`` (one instrument's). Events move the versions
of the sources they touch (:func:`sources_of`); a render is stored under the versions of
its own sources and the minute, so a tick of one symbol's quote leaves every headline
list, article and other symbol's chart page as it was, and only the parts that show that
quote (the ribbon, the chips naming it, its quote page) are rendered anew. The minute is
part of every key because the banner and relative times count in minutes. An event the
cache does not know moves :data:`EVERYTHING`, on which every render depends.

Page handlers run in the server's thread pool, so the cache is shared between threads:
one lock guards its tables, and when many requests miss the same render at the same
moment the first renders it and the others wait for that render instead of repeating it.

A stored page also gets its ETag (computed once), its gzip form (compressed once, on the
first request that accepts it) and the address it was asked at, so that
:mod:`tickerwire.web.ready` can answer the next request for that address with the stored
bytes before any routing, validation or thread pool: the hot path of a page that has not
changed is a dictionary lookup. When its data has changed, the first request goes on to
render it anew, and the readers who arrive meanwhile get the copy rendered before (if it
is at most :data:`MAX_STALE_SECONDS` old) instead of queueing behind that render; the
live parts of the page catch up over the stream.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from hashlib import blake2b

from tickerwire.live.bus import Event

NEWS = "news"
QUOTES = "quotes"
EVERYTHING = "*"
ANY_DATA = (NEWS, QUOTES)
"""The sources of a render that may show anything: the safe choice when unsure."""

Sources = tuple[str, ...]
Slot = tuple[str, tuple[int, ...], int]
ADDRESSES_PER_ENTRY = 4
"""Addresses remembered per stored page at most (``/``, ``/?page=1``, another host name)."""
MAX_STALE_SECONDS = 30.0
"""The oldest copy sent while its page is rendered anew; older, readers wait for the render."""
RENDER_GRACE_SECONDS = 10.0
"""After this long without the new render arriving (it failed), another request tries."""
GZIP_LEVEL = 6


def quote_source(symbol: str) -> str:
    """The source of what shows ``symbol``'s quote."""
    return f"quote:{symbol}"


def reaction_source(article_id: int | str) -> str:
    """The source of what shows the market's reaction to one article."""
    return f"reaction:{article_id}"


def symbol_reactions_source(symbol: str) -> str:
    """The source of what ranks ``symbol``'s stories by the moves after them."""
    return f"reactions:{symbol}"


def sources_of(event: Event) -> Sources:
    """The sources an event changes."""
    if event.topic == "quote":
        return (QUOTES, quote_source(event.key))
    if event.topic == "reaction":
        symbols = event.data.get("symbols", [])
        return (reaction_source(event.key), *map(symbol_reactions_source, symbols))
    if event.topic == NEWS:
        return (NEWS,)
    return (EVERYTHING,)


Headers = tuple[tuple[bytes, bytes], ...]
CACHE_CONTROL = b"no-cache"
"""Shared caches and browsers may keep a page but must ask again (with its ETag) each time:
the prices on it move."""


@dataclass(frozen=True, slots=True)
class ReadyPage:
    """A stored page as the fast path sends it, made once per render: every request for it
    reuses these bytes and header lines rather than writing them again."""

    slot: Slot
    body: bytes
    etag: str
    packed_etag: str
    """The tag of its gzip form."""
    media_type: str
    modified: datetime
    """When it was rendered, for ``If-Modified-Since``."""
    route: str
    """The template of the route that rendered it (``/quote/{symbol}``), which the
    metrics file each request for it under."""
    validators: Headers
    """What a 304 for it carries: its tag, date, caching rule and ``Vary``."""
    packed_validators: Headers
    """The same for its gzip form, which has a tag of its own."""
    headers: Headers
    """Its whole uncompressed answer's headers: the validators, type and length."""

    @classmethod
    def made(
        cls, slot: Slot, body: bytes, media_type: str, modified: datetime, route: str
    ) -> ReadyPage:
        etag = etag_of(body)
        date = format_datetime(modified.astimezone(UTC), usegmt=True).encode()

        def validators(tag: str) -> Headers:
            return (
                (b"etag", tag.encode()),
                (b"last-modified", date),
                (b"cache-control", CACHE_CONTROL),
                (b"vary", b"Accept-Encoding"),
            )

        plain = validators(etag)
        packed_etag = f'{etag[:-1]}-gzip"'
        size = str(len(body)).encode()
        return cls(
            slot,
            body,
            etag,
            packed_etag,
            media_type,
            modified,
            route,
            plain,
            validators(packed_etag),
            (*plain, (b"content-type", media_type.encode()), (b"content-length", size)),
        )


def etag_of(body: bytes) -> str:
    """A strong validator: the same bytes give the same tag after a restart and on every
    replica, so a browser or proxy keeps its copy across both."""
    return f'"{blake2b(body, digest_size=12).hexdigest()}"'


class RenderCache:
    def __init__(self, max_entries: int = 512, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.max_entries = max_entries
        self.renders = 0
        #: Renders by kind, the first word of their key: a quote tick should show ``part``
        #: and ``page`` (assembly) renders, and no ``html`` (skeleton) ones.
        self.renders_of: Counter[str] = Counter()
        #: Requests answered without rendering: from a stored entry, or by waiting for the
        #: render another request was doing. With ``renders``, the cache's hit ratio.
        self.hits = 0
        self._lock = threading.Lock()
        self._versions: dict[str, int] = {}
        self._entries: OrderedDict[Slot, bytes] = OrderedDict()
        self._ready: dict[Slot, ReadyPage] = {}
        self._gzipped: dict[Slot, bytes] = {}
        self._rendered_at: dict[Slot, tuple[float, datetime]] = {}
        self._rendering: dict[str, float] = {}  # address -> when a request went to render it
        self._pending: dict[Slot, Future[bytes]] = {}
        # Bounded: any query string is an address, and addresses are the reader's to make.
        self._addresses: OrderedDict[str, tuple[Slot, Sources]] = OrderedDict()
        #: Addresses found current since the last change: the next request for one in the
        #: same minute needs no look at the versions.
        self._current: set[str] = set()

    def changed(self, sources: Iterable[str]) -> None:
        """The data of ``sources`` changed: what shows it is rendered anew when next asked."""
        with self._lock:
            for source in sources:
                self._versions[source] = self._versions.get(source, 0) + 1
            self._current.clear()

    def _slot(self, key: str, sources: Sources, now: datetime) -> Slot:
        versions = self._versions
        stamp = tuple(versions.get(s, 0) for s in (EVERYTHING, *sources))
        return (key, stamp, int(now.timestamp()) // 60)

    def remember(
        self,
        address: str,
        key: str,
        sources: Sources,
        now: datetime,
        media_type: str,
        route: str,
    ) -> ReadyPage | None:
        """Let :meth:`ready` answer ``address`` (the URL as the request had it) with the
        page stored under ``key`` and ``sources``, and give that page as it is sent; None
        when it is not stored (a render that failed, or the data moved on already)."""
        with self._lock:
            slot = self._slot(key, sources, now)
            self._rendering.pop(address, None)
            body = self._entries.get(slot)
            if body is None:
                return None
            page = self._ready.get(slot)
            if page is None:
                _, modified = self._rendered_at[slot]
                page = self._ready[slot] = ReadyPage.made(slot, body, media_type, modified, route)
            self._addresses[address] = (slot, sources)
            self._addresses.move_to_end(address)
            self._current.discard(address)
            while len(self._addresses) > ADDRESSES_PER_ENTRY * self.max_entries:
                self._current.discard(self._addresses.popitem(last=False)[0])
            return page

    def ready(self, address: str, now: datetime) -> ReadyPage | None:
        """The stored page for ``address`` if it is current, or if it is being rendered
        anew by another request and the stored copy is recent; else None, and the caller
        renders it."""
        with self._lock:
            remembered = self._addresses.get(address)
            if remembered is None:
                return None
            slot, sources = remembered
            page = self._ready.get(slot)
            if page is None:
                del self._addresses[address]
                self._current.discard(address)
                return None
            # Found current since the last change and in the same minute: still current.
            known = address in self._current and slot[2] == int(now.timestamp()) // 60
            if not known and slot == self._slot(slot[0], sources, now):
                self._current.add(address)
            elif not known:
                self._current.discard(address)
                moment = self._clock()
                started = self._rendering.get(address)
                fresh_enough = moment - self._rendered_at[slot][0] <= MAX_STALE_SECONDS
                if not fresh_enough or started is None or moment - started > RENDER_GRACE_SECONDS:
                    self._rendering[address] = moment  # this request renders it anew
                    while len(self._rendering) > ADDRESSES_PER_ENTRY * self.max_entries:
                        self._rendering.pop(next(iter(self._rendering)))
                    return None
            self._entries.move_to_end(slot)
            self.hits += 1
            return page

    def gzipped(self, page: ReadyPage) -> bytes:
        """``page``'s body compressed, once for all the readers whose browsers accept it."""
        with self._lock:
            done = self._gzipped.get(page.slot)
        if done is None:
            # mtime 0: the same bytes each time, on every replica
            done = gzip.compress(page.body, GZIP_LEVEL, mtime=0)
            with self._lock:
                if page.slot in self._entries:
                    self._gzipped[page.slot] = done
        return done

    def get_or_render(
        self, key: str, now: datetime, render: Callable[[], bytes], sources: Sources = ANY_DATA
    ) -> bytes:
        """The stored bytes for ``key`` at the current versions of ``sources`` and this
        minute, else ``render()``'s, computed once for all the callers that asked at the
        same time. A render that raises raises in every waiting caller and is not kept."""
        with self._lock:
            slot = self._slot(key, sources, now)
            cached = self._entries.get(slot)
            if cached is not None:
                self._entries.move_to_end(slot)
                self.hits += 1
                return cached
            pending = self._pending.get(slot)
            owner = pending is None
            if pending is None:
                pending = self._pending[slot] = Future()
                self.renders += 1
                self.renders_of[key.partition(" ")[0]] += 1
            else:
                self.hits += 1
        if not owner:
            return pending.result()
        try:
            body = render()
        except BaseException as error:
            with self._lock:
                del self._pending[slot]
            pending.set_exception(error)
            raise
        with self._lock:
            del self._pending[slot]
            self._entries[slot] = body
            self._rendered_at[slot] = (self._clock(), now)
            while len(self._entries) > self.max_entries:
                evicted, _ = self._entries.popitem(last=False)
                del self._rendered_at[evicted]
                self._ready.pop(evicted, None)
                self._gzipped.pop(evicted, None)
        pending.set_result(body)
        return body
