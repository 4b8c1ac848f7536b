"""Syndicated copies and near-duplicates -> one story; stable identities for feed entries.

One article reaches us many times: from the publisher's feed, from aggregators with their own
link and a " - Publisher" suffix on the title, with tracking parameters that differ per
newsletter, as an AMP page, with a corrected word or a credit line added. Three keys catch
those, strongest first:

- the canonical URL (:func:`canonical_url`): the same page, however it was linked;
- the title key (:func:`title_key`): the same headline, however it was decorated;
- the text fingerprint (:func:`text_fingerprint`): the same body, give or take a few words.

Everything here is pure: the store picks the candidates (recent stories) and keeps the
fingerprints; this module only decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from hashlib import blake2b
from urllib.parse import unquote_plus, urlsplit, urlunsplit

import numpy as np

from tickerwire.news.model import Entry

#: Articles further apart in time than this are different stories even with equal titles
#: or near-equal text ("Stocks close higher" is written every day).
STORY_WINDOW = timedelta(days=3)

#: How many of the most recent articles a new one is matched against: a day of a busy
#: portal, and a bound on what one match may cost.
STORY_CANDIDATES = 2000

#: Texts shorter than this are not fingerprinted: a teaser or a one-line summary has too few
#: shingles for its SimHash to say anything, so such an article is matched by title only.
MIN_FINGERPRINT_WORDS = 50

#: Largest SimHash distance (of 64 bits) still read as the same text. Measured on the
#: article bodies of the shared corpus (208 real articles, 17,000 unrelated pairs): unrelated
#: articles, same-site pairs included, were never closer than 17 bits (mean 32), while one
#: body with three words replaced landed within 3 bits only 46% of the time, within 8 bits
#: 94%; with a credit line appended, 70% and 97%. A change of one word moves three
#: shingles, which is why the textbook 3 bits (tuned for billions of whole web pages) is
#: too strict here; 8 keeps more than twice that margin from the closest unrelated pair.
NEAR_DUPLICATE_BITS = 8

#: Titles shorter than this (after folding) never match on their own: "Markets wrap" or
#: "Morning briefing" heads a different column every day.
MIN_TITLE_WORDS = 4

_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_SLASHES = re.compile(r"/{2,}")

#: Query parameters that only say how a reader arrived (campaign, click and newsletter ids).
_TRACKING_NAMES = frozenset(
    {
        ".tsrc",
        "_ga",
        "_gl",
        "cmpid",
        "dclid",
        "fbclid",
        "gclid",
        "gclsrc",
        "guccounter",
        "igshid",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "msclkid",
        "ncid",
        "ocid",
        "smid",
        "smtyp",
        "soc_src",
        "soc_trk",
        "twclid",
        "xtor",
        "yclid",
    }
)
_TRACKING_PREFIXES = ("utm_", "guce_referrer", "_hs")
#: ``src=rss``, ``ref=feed``...: dropped only with a feed-ish value, since ``ref`` or
#: ``source`` can also select content.
_ORIGIN_NAMES = frozenset({"src", "ref", "source", "from", "feature"})
_ORIGIN_VALUES = frozenset({"rss", "rss2", "feed", "feeds", "atom", "feedburner", "newsfeed"})
#: ``?amp``, ``?amp=1``, ``?outputType=amp``: the AMP rendering of the same page.
_AMP_FLAGS = frozenset({"", "1", "true", "yes"})
_AMP_OUTPUT_NAMES = frozenset({"outputtype", "output", "format"})

_APOSTROPHES = str.maketrans(dict.fromkeys("'‘’‚‛′`´", ""))
_NON_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"\w+")
_SUFFIX_SEPARATOR = re.compile(r"\s+[-–—|·•]\s+")
_PUBLISHER_CONNECTORS = frozenset({"the", "of", "and", "&", "de", "la", "le", "el", "der", "die"})
_DOMAIN = re.compile(r"[\w-]+(\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
_MAX_PUBLISHER_WORDS = 5
_MAX_PUBLISHER_CHARS = 40


def canonical_url(url: str) -> str:
    """One spelling per page, so links that differ only in how they were shared compare equal.

    For http(s) URLs: scheme and host lower-cased, default ports, fragments and user info
    dropped; percent-escapes upper-cased, and decoded where they stand for unreserved
    characters (``%7E`` -> ``~``); runs of slashes collapsed; a trailing slash stripped
    except for the root. Tracking parameters go (``utm_*``, click ids such as ``fbclid``
    and ``gclid``, newsletter ids, ``guce_referrer*``, ``.tsrc``, and ``src``/``ref``/
    ``source`` when their value only says "rss" or "feed"); the rest are kept, sorted by
    name (a stable sort, so repeated names keep their order).

    AMP variants map to the page they mirror where that is unambiguous: the ``?amp``,
    ``?amp=1`` and ``?outputType=amp`` (or ``output=``/``format=amp``) flags are dropped,
    and so is a final ``/amp`` path segment after a real one (``/2026/05/story/amp/`` ->
    ``/2026/05/story``). AMP hosts (``amp.example.com``) and ``/amp/`` prefixes are left
    alone: on some sites they are the page's only address, or a section called "amp".

    Deliberately not done: ``http`` is not turned into ``https`` nor ``www.`` dropped, since
    those can be different sites; titles and fingerprints catch such copies. Anything that
    is not an absolute http(s) URL comes back trimmed but otherwise as it was. The result is
    a fixed point: ``canonical_url(canonical_url(u)) == canonical_url(u)``.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # an unclosed "[" or a port that is not a number
        return url
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    return urlunsplit(
        (scheme, host, _canonical_path(parts.path), _canonical_query(parts.query), "")
    )


def _normalise_escapes(text: str) -> str:
    """Upper-case escapes, decode unreserved ones; repeated until stable, since decoding
    ``%4%41`` yields a new escape ``%4A`` (only malformed URLs ever need a second round)."""
    while True:
        decoded = _ESCAPE.sub(_escape_form, text)
        if decoded == text:
            return text
        text = decoded


def _escape_form(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else f"%{match.group(1).upper()}"


def _canonical_path(path: str) -> str:
    segments = _SLASHES.sub("/", _normalise_escapes(path)).split("/")
    if segments[-1] == "":
        segments.pop()
    while len(segments) > 2 and segments[-1].lower() == "amp":
        segments.pop()
    return "/".join(segments) or "/"


def _canonical_query(query: str) -> str:
    kept = [
        piece
        for piece in (_normalise_escapes(piece) for piece in query.split("&"))
        if piece and not _is_noise(piece)
    ]
    kept.sort(key=lambda piece: piece.partition("=")[0])
    return "&".join(kept)


def _is_noise(piece: str) -> bool:
    """Whether a ``name=value`` pair only tracks the reader or asks for the AMP rendering."""
    raw_name, _, raw_value = piece.partition("=")
    name = unquote_plus(raw_name).strip().lower()
    value = unquote_plus(raw_value).strip().lower()
    return (
        name in _TRACKING_NAMES
        or name.startswith(_TRACKING_PREFIXES)
        or (name in _ORIGIN_NAMES and value in _ORIGIN_VALUES)
        or (name == "amp" and value in _AMP_FLAGS)
        or (name in _AMP_OUTPUT_NAMES and value == "amp")
    )


def title_key(title: str) -> str:
    """A headline as a comparable key: "Fed’s Powell: ‘No Rush’ - Reuters" -> "feds powell no rush".

    Unicode compatibility forms folded (NFKC), a trailing publisher name after `` - ``,
    `` | ``, `` – ``, `` — `` or `` · `` stripped, apostrophes of every kind removed (so
    "Fed's" and "Fed’s" agree), case folded, and every other run of punctuation and
    whitespace made one space.
    """
    title = _strip_publisher(unicodedata.normalize("NFKC", title))
    folded = title.translate(_APOSTROPHES).casefold()
    return _NON_WORD.sub(" ", folded).strip()


def _strip_publisher(title: str) -> str:
    """Drop a last `` - Segment`` that reads like a name: a few capitalised words or a domain.

    Aggregators append the source ("- Reuters", "| CNBC", "- The Wall Street Journal",
    "- finance.yahoo.com"); a lower-case tail ("- and why it matters") is part of the
    headline and stays.
    """
    pieces = _SUFFIX_SEPARATOR.split(title.strip())
    if len(pieces) < 2:
        return title
    tail = pieces[-1].strip()
    words = tail.split()
    looks_like_name = (
        0 < len(words) <= _MAX_PUBLISHER_WORDS
        and len(tail) <= _MAX_PUBLISHER_CHARS
        and (
            _DOMAIN.fullmatch(tail) is not None
            or all(w[0].isupper() or w[0].isdigit() or w in _PUBLISHER_CONNECTORS for w in words)
        )
    )
    if not looks_like_name:
        return title
    return title.strip()[: -len(pieces[-1])].rstrip(" -–—|·•")


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


_BITS = np.arange(64, dtype=np.uint64)


def _hash64(feature: str) -> int:
    return int.from_bytes(blake2b(feature.encode(), digest_size=8).digest(), "big")


def text_fingerprint(text: str) -> int:
    """A 64-bit SimHash over word 3-shingles: close texts get fingerprints a few bits apart.

    Words are case-folded ``\\w+`` runs, so markup leftovers and punctuation do not count.
    Shingles are hashed with BLAKE2b, so a fingerprint stored today still compares with one
    computed after a restart (Python's ``hash()`` is salted per process). A text of fewer
    than three words is hashed word by word; an empty text gives 0.
    """
    words = _words(text)
    features = (
        [" ".join(words[i : i + 3]) for i in range(len(words) - 2)] if len(words) >= 3 else words
    )
    if not features:
        return 0
    # Bit b is set when more than half the shingles' hashes have it: one vote per shingle
    # and bit, counted by numpy (a loop over 64 bits per shingle costs milliseconds a page).
    hashes = np.fromiter((_hash64(f) for f in features), dtype=np.uint64, count=len(features))
    votes = ((hashes[:, None] >> _BITS) & np.uint64(1)).sum(axis=0)
    return sum(1 << int(bit) for bit in np.flatnonzero(2 * votes > len(features)))


def story_fingerprint(text: str) -> int | None:
    """The fingerprint worth storing for a story: None when the text is too short to trust."""
    return text_fingerprint(text) if len(_words(text)) >= MIN_FINGERPRINT_WORDS else None


def hamming(a: int, b: int) -> int:
    """How many of the bits differ."""
    return (a ^ b).bit_count()


@dataclass(frozen=True)
class Candidate:
    """An article already stored, as the store hands it over for matching: what the rules
    compare, worked out when it was stored, so matching a new article against thousands
    computes nothing per candidate.

    ``title_key`` is its :func:`title_key`, ``url`` its :func:`canonical_url` and
    ``fingerprint`` what :func:`story_fingerprint` gave (None for a short text).
    """

    story_id: int
    title_key: str
    fingerprint: int | None
    url: str
    published: datetime | None


def match_story(
    title: str,
    text: str,
    url: str,
    published: datetime | None,
    candidates: Sequence[Candidate],
    *,
    window: timedelta = STORY_WINDOW,
) -> int | None:
    """The story an incoming article belongs to, or None when it starts a new one.

    In order, and the first rule that matches decides:

    1. the same canonical URL, at any time: it is the same page;
    2. the same :func:`title_key` within ``window``, for titles of at least
       ``MIN_TITLE_WORDS`` words;
    3. text fingerprints at most ``NEAR_DUPLICATE_BITS`` apart within ``window``, when both
       texts have at least ``MIN_FINGERPRINT_WORDS`` words; the closest candidate wins.

    A missing date on either side counts as within the window: the store already chose the
    candidates by a recent time window. Equal matches go to the earlier candidate in
    ``candidates``, so the store decides ties by the order it passes them in.
    """
    if url:
        key = canonical_url(url)
        for candidate in candidates:
            if candidate.url == key:
                return candidate.story_id
    recent = [c for c in candidates if _within(published, c.published, window)]
    key = title_key(title)
    if len(key.split()) >= MIN_TITLE_WORDS:
        for candidate in recent:
            if candidate.title_key == key:
                return candidate.story_id
    fingerprint = story_fingerprint(text)
    if fingerprint is None:
        return None
    best: tuple[int, int] | None = None
    for candidate in recent:
        theirs = candidate.fingerprint
        if theirs is None:
            continue
        distance = hamming(fingerprint, theirs)
        if distance <= NEAR_DUPLICATE_BITS and (best is None or distance < best[0]):
            best = (distance, candidate.story_id)
    return None if best is None else best[1]


def _within(a: datetime | None, b: datetime | None, window: timedelta) -> bool:
    return a is None or b is None or abs(a - b) <= window


def entry_identity(
    guid: str | None, url: str | None, title: str, published: datetime | None
) -> str:
    """A key for a feed entry that stays the same across fetches, whatever the feed does.

    Feeds break GUIDs in every way: every item with the same GUID, GUIDs regenerated on each
    fetch while the link stays, links that gain new tracking parameters while the GUID
    stays. The link is what a reader follows and what a publisher keeps stable, so the key
    is, in order of preference:

    - ``url:`` + the :func:`canonical_url` of the link, when the link points at a page
      rather than a site's front page (feeds that link every item to the home page exist,
      and would otherwise fold into one entry); canonicalising removes the tracking churn;
    - ``guid:`` + the GUID, for entries without a usable link;
    - ``title:`` + a hash of the :func:`title_key` and the UTC publication day, for entries
      with neither; the day rather than the instant, because feeds that stamp every item
      with the fetch time would otherwise mint a new entry on each fetch, while a column
      with the same title on another day stays distinct.

    What remains: an entry that gains or loses a link between fetches changes key once, and
    a link whose path itself changes (an edited slug) gives a new entry; dedupe then puts
    both into the same story by title or text.
    """
    if url:
        canonical = canonical_url(url)
        if _names_a_page(canonical):
            return f"url:{canonical}"
    if guid and guid.strip():
        return f"guid:{guid.strip()}"
    day = published.astimezone(UTC).date().isoformat() if published else ""
    digest = blake2b(f"{title_key(title)}\n{day}".encode(), digest_size=20).hexdigest()
    return f"title:{digest}"


def entry_identities(entries: Sequence[Entry]) -> list[str]:
    """The :func:`entry_identity` of each of ``entries`` (one fetch of one feed), made
    distinct where a GUID is shared.

    Some feeds give every item the same GUID (a channel id, a placeholder). Items with a
    link are told apart by it; items without one would all fold into the first. So a
    ``guid:`` key that occurs more than once in the fetch is extended with what the item
    says (its title key, publication time and summary): distinct items stay distinct,
    and only exact repeats fold. Such items cannot be tracked across edits, since what
    they say is all that tells them apart.
    """
    keys = [entry_identity(e.id, e.url, e.title, e.published) for e in entries]
    counts = Counter(keys)
    return [
        _told_apart(key, entry) if counts[key] > 1 and key.startswith("guid:") else key
        for key, entry in zip(keys, entries, strict=True)
    ]


def _told_apart(key: str, entry: Entry) -> str:
    published = entry.published.astimezone(UTC).isoformat() if entry.published else ""
    said = f"{title_key(entry.title)}\n{published}\n{entry.summary_html or entry.content_html}"
    return f"{key}#{blake2b(said.encode('utf-8', 'surrogatepass'), digest_size=20).hexdigest()}"


def _names_a_page(canonical: str) -> bool:
    """Whether a canonical URL is http(s) and more than a site's front page."""
    try:
        parts = urlsplit(canonical)
    except ValueError:
        return False
    return parts.scheme in _DEFAULT_PORTS and (parts.path != "/" or bool(parts.query))
