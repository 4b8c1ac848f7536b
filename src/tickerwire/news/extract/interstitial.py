"""Pages that stand in front of an article: bot checks, consent walls, paywalls, logins.

Publishers answer such pages with 200, and an extractor reads them as the article: the
feed's summary would be replaced by "Checking your browser…" or a cookie notice. This
module recognises them, so the pipeline keeps the summary, marks the article "full text
unavailable" with the reason, and fetches the page again later (:func:`next_retry`).

What gives a page away is data (:data:`MARKERS`), not code. A marker is looked for in the
page's ``<title>``, its markup, or its text. Titles and markup that only such pages have
(Cloudflare's "Just a moment...", a challenge form, a consent host's form) decide alone.
Words ("verify you are human", "we use cookies", "subscribe to continue", a password
field) also turn up in real articles and around them, so they count only when the text
is short (:data:`SHORT_TEXT_WORDS`): an article's own text when the extractor found one
(it leaves cookie banners out), else the page's whole visible text. A 401, 403 or 429
answer to a page is the same thing said with a status (:func:`refusal_reason`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from selectolax.lexbor import LexborHTMLParser

from tickerwire.news.extract.article import decode_html

BOT_CHECK = "a bot check"
CONSENT_WALL = "a consent wall"
PAYWALL = "a paywall"
LOGIN = "a login page"

#: Texts at least this long are articles, whatever words they contain.
SHORT_TEXT_WORDS = 400

#: How often, and how far apart, a page that was an interstitial is fetched again: after
#: one hour, then doubling, up to a day apart; after that the feed's summary stays.
RETRY_FIRST = timedelta(hours=1)
RETRY_MAX = timedelta(hours=24)
MAX_RETRIES = 6

#: Statuses that answer a page with a wall rather than an error worth a feed's back-off.
REFUSALS = {401: LOGIN, 403: BOT_CHECK, 429: BOT_CHECK}


@dataclass(frozen=True)
class Marker:
    """Something only (or mostly) an interstitial says; ``decisive`` markers need no
    short text to count."""

    kind: str
    where: Literal["title", "markup", "text"]
    pattern: str
    decisive: bool = False

    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.IGNORECASE)


def _title(pattern: str, kind: str) -> Marker:
    """A whole ``<title>`` (an article may well *begin* with "Before you continue")."""
    return Marker(kind, "title", rf"^\s*(?:{pattern})\s*$", decisive=True)


def _words(kind: str, *phrases: str) -> list[Marker]:
    return [Marker(kind, "text", re.escape(phrase)) for phrase in phrases]


MARKERS: tuple[Marker, ...] = (
    _title(r"just a moment\.*|один момент\.*|un instant\.*", BOT_CHECK),
    _title(r"attention required! \| cloudflare|access denied|access to this page has been "
           r"denied\.?|are you a (?:robot|human)\??|human verification|security check|"
           r"verify(?:ing)? you are (?:a )?human|pardon our interruption\.*", BOT_CHECK),
    _title(r"before you continue(?: to [\w .]+)?|bevor sie (?:zu [\w .]+ )?weitergehen|"
           r"avant d'accéder à [\w .]+|antes de ir a [\w .]+|prima di continuare su [\w .]+|"
           r"privacy (?:consent|settings)|cookie consent|consent", CONSENT_WALL),
    Marker(BOT_CHECK, "markup", r"_cf_chl_opt|id=[\"']challenge-form[\"']|"
           r"cf-browser-verification|geo\.captcha-delivery\.com|id=[\"']px-captcha[\"']",
           decisive=True),
    Marker(CONSENT_WALL, "markup", r"<form[^>]+action=[\"']https?://(?:consent|guce)\.",
           decisive=True),
    Marker(CONSENT_WALL, "markup", r"cookiebot|onetrust|didomi|quantcast\.mgr|qc-cmp|"
           r"sp_message_container|trustarc|usercentrics|consentmanager\.net|iubenda"),
    *_words(BOT_CHECK, "verify you are human", "verify that you are human",
            "checking your browser", "checking if the site connection is secure",
            "enable javascript and cookies to continue", "are you a robot",
            "unusual traffic from your computer network", "complete the security check",
            "ddos protection by"),
    *_words(CONSENT_WALL, "we use cookies", "we and our partners", "accept all cookies",
            "manage cookie", "cookie settings", "wir verwenden cookies",
            "wir nutzen cookies", "alle akzeptieren", "nous utilisons des cookies",
            "tout accepter", "utilizamos cookies", "usamos cookies", "aceptar todo",
            "utilizziamo i cookie", "usiamo i cookie", "accetta tutto",
            "wij gebruiken cookies", "we gebruiken cookies", "alles accepteren",
            "aceitar tudo"),
    *_words(PAYWALL, "subscribe to continue", "subscribe to read", "to continue reading",
            "already a subscriber", "for subscribers only", "reserved for subscribers",
            "free article limit", "limit of free articles", "réservé aux abonnés",
            "nur für abonnenten", "solo para suscriptores", "riservato agli abbonati"),
    *_words(LOGIN, "sign in to continue", "log in to continue", "login to continue",
            "create a free account to continue", "melden sie sich an",
            "connectez-vous pour continuer"),
)  # fmt: skip

_COMPILED = tuple((marker, marker.compiled()) for marker in MARKERS)
_HIDDEN = ["script", "style", "noscript", "template"]


def interstitial_reason(
    page: bytes | str, article_text: str | None = None, *, content_type: str | None = None
) -> str | None:
    """What the page is when it is no article ("a bot check", "a consent wall", "a
    paywall", "a login page"), else None. ``article_text`` is what the extractor found on
    it, when it found anything; ``content_type`` the header the page came with."""
    html = decode_html(page, content_type) if isinstance(page, bytes) else page
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = " ".join((title_node.text() if title_node else "").split())
    password = tree.css_first('input[type="password"]') is not None
    tree.strip_tags(_HIDDEN)
    text = article_text
    if text is None:
        text = tree.body.text(separator=" ") if tree.body is not None else ""
    short = len(text.split()) < SHORT_TEXT_WORDS
    places = {"title": title, "markup": html, "text": " ".join(text.split())}
    for marker, pattern in _COMPILED:
        if (marker.decisive or short) and pattern.search(places[marker.where]):
            return marker.kind
    return LOGIN if password and short else None


def refusal_reason(status: int) -> str | None:
    """What a 401, 403 or 429 answer to an article page stands for, else None."""
    return REFUSALS.get(status)


def unavailable(reason: str) -> str:
    """The sentence an article carries while its full text cannot be had."""
    return f"full text unavailable: the page was {reason}"


def next_retry(retries: int, now: datetime) -> datetime | None:
    """When to fetch such a page again after ``retries`` earlier tries; None after
    :data:`MAX_RETRIES`, when the feed's summary is all there will be."""
    if retries >= MAX_RETRIES:
        return None
    return now + min(RETRY_FIRST * (1 << retries), RETRY_MAX)
