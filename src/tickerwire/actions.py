"""One function per action a person can take, called by every door: the CLI, the web pages
(accounts), the web admin and the API later, the worker's seeding, and the tests.

Each function does the whole action, checks included (URL rules, duplicates, limits,
symbols), and returns a typed result; a door only turns that into text, HTML or JSON and
an exit code. So there is no second copy of any rule behind another door (Miniflux's
``RefreshFeed`` is the model). A refusal is an :class:`ActionError` whose message is one
sentence a person can act on; nothing a feed, a page or a provider does raises.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import ip_network

from tickerwire import humanize
from tickerwire.accounts import passwords, throttle
from tickerwire.accounts import watchlists as watchlist_rules
from tickerwire.accounts.rules import (
    RuleBroken,
    checked_email,
    checked_password,
    checked_username,
    username_key,
)
from tickerwire.accounts.tokens import invite_key, new_invite_code, new_secret, session_key
from tickerwire.alerts import price as price_alerts
from tickerwire.alerts import quiet as quiet_hours
from tickerwire.alerts import wording as alert_wording
from tickerwire.alerts.email import check_email_address
from tickerwire.alerts.news import SavedSearch, Topic
from tickerwire.alerts.ntfy import check_ntfy_topic
from tickerwire.alerts.price import PriceCondition, PriceRule
from tickerwire.alerts.webhook import UnsafeWebhookURL, check_webhook_url, new_webhook_secret
from tickerwire.instruments import Instrument
from tickerwire.markets import backfill as history
from tickerwire.markets.quotes import Quote
from tickerwire.net.errors import BlockedURL, FetchError
from tickerwire.net.guard import Allowlist, normalise_host
from tickerwire.news.model import ArticleListing
from tickerwire.news.parse.discovery import discover_feeds
from tickerwire.news.parse.feed import parse_feed
from tickerwire.news.parse.opml import OpmlError, parse_opml
from tickerwire.news.parse.rules import FeedError
from tickerwire.news.pipeline import RefreshResult
from tickerwire.news.urls import safe_url
from tickerwire.runtime import Runtime
from tickerwire.store.accounts import (
    InviteRow,
    InviteUnusable,
    MemberExists,
    MemberListing,
    MemberRow,
    Role,
)
from tickerwire.store.alerts import AlertNotFound, AlertRow, AlertStore, EventRow, NewEvent
from tickerwire.store.deliveries import Preferences
from tickerwire.store.hosts import AllowedHostRow, HostStore
from tickerwire.store.news import FeedExists, FeedRow
from tickerwire.store.watchlists import (
    FollowRow,
    NameTaken,
    TokenRow,
    WatchlistRow,
    WatchlistStore,
)

log = logging.getLogger(__name__)

HOST_ENTRY_MAX = 255
_HOST_NAME = re.compile(r"(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*")


class ActionError(Exception):
    """An action was refused or could not start; the message says why, in a sentence."""


class AlreadySubscribed(ActionError):
    def __init__(self, feed: FeedRow) -> None:
        super().__init__(f"already subscribed to {feed.url} (feed {feed.id})")
        self.feed = feed


@dataclass(frozen=True)
class Step:
    """One unit of a long action done, for a progress bar: ``done`` of ``total``."""

    done: int
    total: int
    label: str


Progress = Callable[[Step], None]


# News ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subscription:
    """What ``subscribe`` did: the feed subscribed to, the page it was found on when the
    URL given was an HTML page, and the first fetch (None when not asked for)."""

    feed: FeedRow
    found_on: str | None
    first_fetch: RefreshResult | None

    @property
    def discovered(self) -> bool:
        return self.found_on is not None


@dataclass(frozen=True)
class RefreshReport:
    results: list[RefreshResult]
    busy: list[FeedRow]  # leased by another worker at that moment, so not fetched here

    @property
    def failed(self) -> list[RefreshResult]:
        return [r for r in self.results if r.status == "error"]

    @property
    def new_entries(self) -> int:
        return sum(r.new_entries for r in self.results)


@dataclass(frozen=True)
class Skipped:
    url: str
    reason: str


@dataclass(frozen=True)
class ImportReport:
    added: list[FeedRow]
    skipped: list[Skipped]
    refreshed: RefreshReport | None  # None when not fetched, or nothing was added
    listed: int = 0  # outlines with a feed URL in the file
    limit: int = 0  # the most one import takes (fetch.opml_max_outlines)

    @property
    def over_limit(self) -> int:
        """Outlines past the limit: not looked at, so not in ``skipped`` one by one."""
        return max(self.listed - self.limit, 0)

    @property
    def limit_note(self) -> str | None:
        """The sentence saying what the limit left out, when it left anything out."""
        if not self.over_limit:
            return None
        return (
            f"the file lists {self.listed} feeds, more than the {self.limit} one import "
            f"takes (fetch.opml_max_outlines); the last {self.over_limit} were skipped"
        )


async def subscribe(
    runtime: Runtime, url: str, *, title: str = "", fetch: bool = True
) -> Subscription:
    """Subscribe to the feed at ``url``, or to the first feed the page at ``url`` names.

    Refuses a URL that is not http(s), one already subscribed to, one the address guard
    refuses, and a page that is neither a feed nor names one. A first fetch that fails
    is no refusal: the feed stays subscribed and its schedule retries it.
    """
    target = _checked_url(url)
    await _refuse_duplicate(runtime, target)
    found_on = None
    if fetch:
        discovered = await _feed_named_by_page(runtime, target)
        if discovered is not None:
            found_on, target = target, discovered
            await _refuse_duplicate(runtime, target)
    try:
        feed = await asyncio.to_thread(
            runtime.news.add_feed, target, title=title, now=runtime.now()
        )
    except FeedExists as exists:
        raise AlreadySubscribed(exists.feed) from None
    first = None
    if fetch:
        report = await refresh_feeds(runtime, [feed])
        first = report.results[0] if report.results else None
    return Subscription(feed, found_on, first)


def _checked_url(url: str) -> str:
    checked = safe_url(url.strip())
    if checked is None:
        raise ActionError(f"{url!r} is not an http(s) URL")
    return checked


async def _refuse_duplicate(runtime: Runtime, url: str) -> None:
    existing = await asyncio.to_thread(runtime.news.feed_by_url, url)
    if existing is not None:
        raise AlreadySubscribed(existing)


async def _feed_named_by_page(runtime: Runtime, url: str) -> str | None:
    """None when ``url`` is a feed (or cannot be fetched now: the first fetch records
    why); the feed's URL when it is a page naming one."""
    try:
        response = await runtime.fetcher.get(url, max_bytes=runtime.settings.fetch.feed_max_bytes)
    except BlockedURL as error:
        raise ActionError(str(error)) from None
    except FetchError:
        return None
    try:
        content_type = response.headers.get("content-type")
        await asyncio.to_thread(
            parse_feed, response.content, url=response.url, content_type=content_type
        )
    except FeedError as error:
        found = await asyncio.to_thread(discover_feeds, response.content, base_url=response.url)
        if not found:
            raise ActionError(
                f"{url} is not a feed ({error}) and names none in a "
                '<link rel="alternate">; subscribe to the feed\'s own URL'
            ) from None
        return found[0]
    return None


def find_feed(runtime: Runtime, which: str) -> FeedRow:
    """A subscription by its id or its URL, as people refer to one."""
    if which.isdigit():
        try:
            return runtime.news.feed(int(which))
        except KeyError:
            raise ActionError(f"there is no feed with id {which}") from None
    found = runtime.news.feed_by_url(which)
    if found is None:
        raise ActionError(f"there is no subscription to {which}")
    return found


def unsubscribe(runtime: Runtime, which: str) -> FeedRow:
    """Remove a subscription (by id or URL); its stored articles stay."""
    feed = find_feed(runtime, which)
    runtime.news.remove_feed(feed.id)
    return feed


async def refresh_feeds(
    runtime: Runtime, feeds: Sequence[FeedRow] | None = None, *, progress: Progress | None = None
) -> RefreshReport:
    """Fetch ``feeds`` (every subscription not paused, by default) now, each under its
    lease, so a worker refreshing the same feed at the same moment is never doubled. A
    paused feed named in ``feeds`` is fetched: that is an admin's "refresh now"."""
    if feeds is not None:
        chosen = list(feeds)
    else:
        chosen = [f for f in await asyncio.to_thread(runtime.news.feeds) if not f.paused]
    done = 0

    def advance(result: RefreshResult) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(Step(done, len(chosen), result.url))

    results = await runtime.pipeline.refresh_many(chosen, progress=advance)
    fetched = {r.feed_id for r in results}
    return RefreshReport(results, [f for f in chosen if f.id not in fetched])


async def import_opml(
    runtime: Runtime, content: bytes, *, fetch: bool = True, progress: Progress | None = None
) -> ImportReport:
    """Subscribe to the feeds an OPML document lists, then fetch the new ones together.

    At most ``fetch.opml_max_outlines`` outlines are taken, in file order; the report says
    how many more there were. Each URL gets the checks :func:`subscribe` makes before it
    fetches (an http(s) URL, not subscribed to yet); refused ones are skipped, each with
    why (the parser already keeps one outline per URL). All subscriptions are written in
    one transaction, so an import that is killed or fails leaves all of them, or none.
    """
    limit = runtime.settings.fetch.opml_max_bytes
    if len(content) > limit:
        raise ActionError(
            f"the OPML file has {len(content)} bytes, more than the {limit}-byte limit "
            "(fetch.opml_max_bytes)"
        )
    try:
        outlines = parse_opml(content)
    except OpmlError as error:
        raise ActionError(f"not a readable OPML file: {error}") from None
    most = runtime.settings.fetch.opml_max_outlines
    wanted: dict[str, str] = {}
    skipped: list[Skipped] = []
    for outline in outlines[:most]:
        try:
            url = _checked_url(outline.xml_url)
        except ActionError as refusal:
            skipped.append(Skipped(outline.xml_url, str(refusal)))
            continue
        wanted.setdefault(url, outline.title)
    added, existing = await asyncio.to_thread(
        runtime.news.add_feeds, list(wanted.items()), now=runtime.now()
    )
    skipped += [Skipped(feed.url, str(AlreadySubscribed(feed))) for feed in existing]
    refreshed = await refresh_feeds(runtime, added, progress=progress) if fetch and added else None
    return ImportReport(added, skipped, refreshed, listed=len(outlines), limit=most)


# Markets ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderFailure:
    """A provider that is failing in this run: what it said and when it is tried again."""

    name: str
    error: str
    failed_at: datetime
    retry_at: datetime | None
    consecutive_failures: int


@dataclass(frozen=True)
class QuoteReport:
    instruments: list[Instrument]
    quotes: dict[str, Quote]
    failing: list[ProviderFailure]
    checked_at: datetime

    @property
    def missing(self) -> list[Instrument]:
        return [i for i in self.instruments if i.symbol not in self.quotes]


@dataclass(frozen=True)
class BackfillReport:
    instruments: list[Instrument]
    bars_written: int
    failing: list[ProviderFailure]
    checked_at: datetime


async def seed(runtime: Runtime) -> None:
    """First-start content: the default feeds, and in demo mode the sample news."""
    await seed_default_feeds(runtime)
    if runtime.settings.demo:
        from tickerwire.news.demo import seed_demo_news

        await asyncio.to_thread(seed_demo_news, runtime.pipeline)


async def seed_default_feeds(runtime: Runtime) -> int:
    """Subscribe to the default feeds once per database, through the same :func:`subscribe`
    as every door; later removals stick."""
    if await asyncio.to_thread(runtime.news.flag, "default_feeds_seeded"):
        return 0
    added = 0
    for url in runtime.settings.default_feeds:
        try:
            await subscribe(runtime, url, fetch=False)
        except AlreadySubscribed:
            continue
        except ActionError as refusal:
            log.warning("default feed not subscribed: %s", refusal)
            continue
        added += 1
    await asyncio.to_thread(runtime.news.set_flag, "default_feeds_seeded", "1")
    return added


def instruments_for(runtime: Runtime, symbols: Sequence[str]) -> list[Instrument]:
    """The registry's instruments for ``symbols``; refuses naming every unknown one."""
    unknown = [s for s in symbols if s not in runtime.registry]
    if unknown:
        known = ", ".join(i.symbol for i in runtime.registry)
        raise ActionError(f"unknown instrument {', '.join(unknown)}; known: {known}")
    return [runtime.registry.get(s) for s in symbols]


async def refresh_quotes(runtime: Runtime, symbols: Sequence[str]) -> QuoteReport:
    """Fetch, store and publish the latest quotes for ``symbols`` now."""
    instruments = instruments_for(runtime, symbols)
    quotes = await runtime.poller.refresh(instruments)
    await asyncio.to_thread(check_price_alerts, runtime, list(quotes.values()))
    failing = await asyncio.to_thread(provider_report, runtime)
    return QuoteReport(instruments, quotes, failing, runtime.now())


async def backfill(
    runtime: Runtime, instruments: Sequence[str], span: str, *, progress: Progress | None = None
) -> BackfillReport:
    """Fill price history for the symbols ``instruments`` over ``span`` ('6mo', '5y',
    'max'): daily bars for all of it, finer bars for the recent part charts show."""
    try:
        length = history.parse_span(span)
    except ValueError as error:
        raise ActionError(str(error)) from None
    chosen = instruments_for(runtime, instruments)
    steps = history.plan(chosen, length, runtime.now())
    done = 0

    def advance(step: history.BackfillStep, count: int) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(Step(done, len(steps), f"{step.label}: {count} bars"))

    written = await history.run(steps, runtime.chain, runtime.markets, progress=advance)
    await asyncio.to_thread(runtime.poller.save_health)
    failing = await asyncio.to_thread(provider_report, runtime)
    return BackfillReport(chosen, written, failing, runtime.now())


def provider_report(runtime: Runtime, *, now: datetime | None = None) -> list[ProviderFailure]:
    """The providers failing in this run, in failover order.

    A failure belongs to the run that saw it: a provider outside the current failover
    order is never reported (a real provider's failure in demo mode), nor a failure
    recorded before this process's providers started when this process polls itself,
    nor one whose retry is more than the longest back-off overdue (nobody is trying any
    more); a success clears it.
    """
    now = now or runtime.now()
    order = runtime.settings.providers.order
    horizon = timedelta(seconds=runtime.settings.providers.retry_max_seconds)
    failures = []
    for row in runtime.markets.health():
        name, failed_at = row["name"], row["last_error_at"]
        if name not in order or not row["consecutive_failures"] or failed_at is None:
            continue
        if runtime.settings.poller_enabled and failed_at < runtime.chain.started_at:
            continue
        if now - (row["next_retry_at"] or failed_at) > horizon:
            continue
        failures.append(
            ProviderFailure(
                name=name,
                error=(row["last_error"] or "").removeprefix(f"{name}: "),
                failed_at=failed_at,
                retry_at=row["next_retry_at"],
                consecutive_failures=row["consecutive_failures"],
            )
        )
    return sorted(failures, key=lambda failure: order.index(failure.name))


# Accounts -----------------------------------------------------------------------------


class SignInRefused(ActionError):
    """The username or the password is wrong: one answer for both, so it does not tell
    which usernames exist."""

    def __init__(self) -> None:
        super().__init__("the username or password is wrong")


class SignInThrottled(ActionError):
    """Too many failed sign-ins for the account or from the address, lately."""

    def __init__(self, wait: timedelta) -> None:
        super().__init__(
            "too many failed sign-ins for this account or from your address; "
            f"try again in {humanize.duration(wait)}"
        )
        self.retry_after = throttle.retry_after_seconds(wait)


@dataclass(frozen=True)
class SignedIn:
    """A new session: ``secret`` is its id, for the browser's cookie and nowhere else."""

    member: MemberRow
    secret: str


def create_member(
    runtime: Runtime,
    username: str,
    password: str,
    *,
    email: str = "",
    admin: bool = False,
    invite: str | None = None,
) -> MemberRow:
    """A new account, after the username, password and email rules; ``admin`` only from
    the command line (sign-up never passes it). With ``invite``, the invitation of that
    code is taken in the same transaction, or nothing is made."""
    try:
        name = checked_username(username)
        checked_password(password, name)
        address = checked_email(email)
    except RuleBroken as broken:
        raise ActionError(str(broken)) from None
    code = invite_key(invite) if invite is not None else None
    if code is not None and not runtime.accounts.invite_usable(code, runtime.now()):
        raise ActionError(str(InviteUnusable()))  # before the costly hash
    try:
        return runtime.accounts.add_invited_member(
            code,
            username=name,
            key=username_key(name),
            email=address,
            password_hash=passwords.hash_password(password),
            role="admin" if admin else "member",
            now=runtime.now(),
        )
    except (MemberExists, InviteUnusable) as refused:
        raise ActionError(str(refused)) from None


def sign_up(
    runtime: Runtime,
    username: str,
    password: str,
    *,
    email: str = "",
    invite: str = "",
    replacing: str | None = None,
) -> SignedIn:
    """A new member account, signed in (``replacing`` ended, as at sign-in), when
    ``accounts.signup`` allows it: open, or by invitation with a usable ``invite`` code
    (used up by this sign-up). Its role is always member."""
    mode = runtime.settings.accounts.signup
    if mode == "closed":
        raise ActionError("sign-up is closed on this site; an admin can create your account")
    if mode == "invite" and not invite.strip():
        raise ActionError(
            "sign-up is by invitation on this site: give the invitation code an admin made for you"
        )
    code = invite if mode == "invite" else None
    member = create_member(runtime, username, password, email=email, invite=code)
    return _start_session(runtime, member, replacing)


def sign_in(
    runtime: Runtime,
    username: str,
    password: str,
    *,
    address: str,
    replacing: str | None = None,
) -> SignedIn:
    """A new session for the member, or :class:`SignInRefused` (unknown name and wrong
    password alike, each verified against a hash) or :class:`SignInThrottled`. The
    session ``replacing`` (whatever the browser held before) is ended: the session after
    sign-in is never one that existed before it."""
    settings = runtime.settings.accounts
    store = runtime.accounts
    now = runtime.now()
    window = timedelta(minutes=settings.sign_in_window_minutes)
    key = username_key(username)
    keys = [(throttle.ACCOUNT, key), (throttle.ADDRESS, address)]
    waits = [
        wait
        for scope, value in keys
        if (
            wait := throttle.wait(
                store.failures(scope, value, now - window), now, settings.sign_in_failures, window
            )
        )
        is not None
    ]
    if waits:
        raise SignInThrottled(max(waits))
    member = store.member_by_key(key)
    stored = member.password_hash if member is not None else passwords.dummy_hash()
    matches, rehashed = passwords.verify(password, stored)
    if member is None or not matches:
        store.record_failures(keys, now, now - window)
        raise SignInRefused()
    if member.disabled:
        raise ActionError("this account is disabled; ask the site's admin")
    if rehashed is not None:
        store.set_password_hash(member.id, rehashed)
    store.clear_failures(throttle.ACCOUNT, key)
    return _start_session(runtime, member, replacing)


def _start_session(runtime: Runtime, member: MemberRow, replacing: str | None = None) -> SignedIn:
    """A fresh session id for ``member``; the session ``replacing`` (the one the browser
    held, if any) ends, so no id known before is valid after."""
    if replacing is not None:
        runtime.accounts.end_session(session_key(replacing))
    secret = new_secret()
    now = runtime.now()
    expires = now + timedelta(days=runtime.settings.accounts.session_days)
    runtime.accounts.add_session(session_key(secret), member.id, now, expires)
    return SignedIn(member, secret)


def member_of_session(runtime: Runtime, secret: str) -> MemberRow | None:
    """Whose live session ``secret`` is, if anyone's."""
    return runtime.accounts.session_member(session_key(secret), runtime.now())


def sign_out(runtime: Runtime, secret: str) -> None:
    """End the session ``secret``; ending one that is already gone is no error."""
    runtime.accounts.end_session(session_key(secret))


def _member_with_password(runtime: Runtime, member_id: int, password: str) -> MemberRow:
    member = runtime.accounts.member(member_id)
    if member is None:
        raise ActionError("this account no longer exists")
    if not passwords.verify(password, member.password_hash)[0]:
        raise ActionError("the current password is wrong")
    return member


def change_password(runtime: Runtime, member_id: int, current: str, new: str) -> SignedIn:
    """A new password; every session of the member ends (on every browser), and the
    browser that changed it gets a new one."""
    member = _member_with_password(runtime, member_id, current)
    try:
        checked_password(new, member.username)
    except RuleBroken as broken:
        raise ActionError(str(broken)) from None
    runtime.accounts.replace_password(member.id, passwords.hash_password(new))
    return _start_session(runtime, member)


def delete_account(runtime: Runtime, member_id: int, password: str) -> None:
    """The account and everything of it (sessions, failed sign-ins) gone, once the
    password confirms it."""
    member = _member_with_password(runtime, member_id, password)
    runtime.accounts.delete_member(member.id, username_key(member.username))


# The admin's members and invitations ----------------------------------------------------

NOTE_MAX = 200


@dataclass(frozen=True)
class Invitation:
    """A new invitation. ``code`` is shown once, to the admin who made it (only its hash
    is stored); ``path`` is the sign-up page with the code filled in."""

    id: int
    code: str
    expires_at: datetime

    @property
    def path(self) -> str:
        return f"/account/sign-up?invite={self.code}"


def invite_member(
    runtime: Runtime, *, by: int | None = None, days: int | None = None, note: str = ""
) -> Invitation:
    """A single-use invitation code, expiring after ``days`` (``accounts.invite_days`` by
    default); ``by`` is the admin's member id, ``note`` who it is for (at most
    :data:`NOTE_MAX` characters, shown in the list of invitations)."""
    days = runtime.settings.accounts.invite_days if days is None else days
    if not 1 <= days <= 365:
        raise ActionError("an invitation lasts 1 to 365 days")
    note = note.strip()
    if len(note) > NOTE_MAX or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in note):
        raise ActionError(f"a note is one line of at most {NOTE_MAX} characters")
    code = new_invite_code()
    now = runtime.now()
    expires = now + timedelta(days=days)
    invite_id = runtime.accounts.add_invite(
        invite_key(code), note=note or None, created_by=by, now=now, expires=expires
    )
    return Invitation(invite_id, code, expires)


def list_invites(runtime: Runtime) -> list[InviteRow]:
    """Every invitation, newest first (their codes are not kept, so not shown)."""
    return runtime.accounts.invites()


def revoke_invite(runtime: Runtime, invite_id: int) -> None:
    """An unused invitation can no longer be used."""
    if not runtime.accounts.revoke_invite(invite_id, runtime.now()):
        raise ActionError(f"there is no unused invitation {invite_id}")


def list_members(runtime: Runtime) -> list[MemberListing]:
    """Every member, by username, with their live sessions and when last seen."""
    return runtime.accounts.members(runtime.now())


def _listed(runtime: Runtime, username: str) -> MemberListing:
    key = username_key(username.strip())
    found = [m for m in runtime.accounts.members(runtime.now()) if username_key(m.username) == key]
    if not found:
        raise ActionError(f"no account is named {username.strip()[:40]}")
    return found[0]


def _keep_an_admin(runtime: Runtime, member: MemberListing) -> None:
    """Refuse to leave the site without an admin who can sign in."""
    if member.role == "admin" and not member.disabled and runtime.accounts.active_admins() <= 1:
        raise ActionError(f"{member.username} is the only admin; make another admin first")


def disable_member(runtime: Runtime, username: str) -> MemberListing:
    """The member can no longer sign in, and every session of theirs ends now; their
    account and data stay (:func:`enable_member` undoes it)."""
    member = _listed(runtime, username)
    _keep_an_admin(runtime, member)
    runtime.accounts.set_disabled(member.id, True)
    return _listed(runtime, member.username)


def enable_member(runtime: Runtime, username: str) -> MemberListing:
    """A disabled member may sign in again."""
    member = _listed(runtime, username)
    runtime.accounts.set_disabled(member.id, False)
    return _listed(runtime, member.username)


def set_role(runtime: Runtime, username: str, role: str) -> MemberListing:
    """Make the member an admin or a member; the last admin who can sign in stays one."""
    if role not in ("admin", "member"):
        raise ActionError("a role is admin or member")
    member = _listed(runtime, username)
    if role == "member":
        _keep_an_admin(runtime, member)
    chosen: Role = "admin" if role == "admin" else "member"
    runtime.accounts.set_role(member.id, chosen)
    return _listed(runtime, member.username)


def prune_accounts(runtime: Runtime) -> tuple[int, int]:
    """Delete expired sessions and failed sign-ins older than the throttling window (a
    periodic task; sign-in also drops the member's own expired sessions as it goes); how
    many sessions and failures went."""
    now = runtime.now()
    window = timedelta(minutes=runtime.settings.accounts.sign_in_window_minutes)
    return runtime.accounts.prune(now, now - window)


# The admin's feeds and hosts ----------------------------------------------------------


def pause_feed(runtime: Runtime, which: str) -> FeedRow:
    """Pause a subscription (by id or URL): no schedule and no "refresh everything" fetches
    it until it is resumed; its stored articles stay, and "refresh now" still fetches it."""
    feed = find_feed(runtime, which)
    runtime.news.set_paused(feed.id, True)
    return runtime.news.feed(feed.id)


def resume_feed(runtime: Runtime, which: str) -> FeedRow:
    """Resume a paused subscription: it is fetched again on its schedule (at once, if its
    time came while it was paused)."""
    feed = find_feed(runtime, which)
    runtime.news.set_paused(feed.id, False)
    return runtime.news.feed(feed.id)


def export_subscriptions(runtime: Runtime) -> bytes:
    """Every subscription as an OPML document, paused ones included."""
    from tickerwire.news.parse.opml import export_opml

    rows = [(f.title or f.url, f.url, f.site_url) for f in runtime.news.feeds()]
    return export_opml(rows, title="Tickerwire subscriptions")


@dataclass(frozen=True)
class AllowedHosts:
    """The private hosts user-supplied URLs may reach: those the admin stored (changeable
    now) and those the settings file names (``fetch.allow_hosts``, read at start)."""

    stored: list[AllowedHostRow]
    from_settings: list[str]


def allowed_hosts(runtime: Runtime) -> AllowedHosts:
    return AllowedHosts(
        HostStore(runtime.engine).allowed_hosts(), runtime.settings.fetch.allow_hosts
    )


def allow_host(runtime: Runtime, entry: str, *, by: str | None = None) -> str:
    """Let fetches reach ``entry`` (a host name, an IP address or a CIDR network) even when
    it is private, on any port; every process sees it within seconds. Returns the entry
    as stored (host names lower-cased, networks in their canonical form)."""
    checked = checked_host_entry(entry)
    HostStore(runtime.engine).allow_host(checked, now=runtime.now(), by=by)
    _reread_allowlist(runtime)
    return checked


def disallow_host(runtime: Runtime, entry: str) -> str:
    """Take ``entry`` off the stored allowlist (one from the settings file stays there)."""
    checked = checked_host_entry(entry)
    if not HostStore(runtime.engine).disallow_host(checked):
        if checked in _settings_hosts(runtime):
            raise ActionError(
                f"{checked} is allowed by the settings file (fetch.allow_hosts); "
                "remove it there and restart"
            )
        raise ActionError(f"{checked} is not on the list of allowed hosts")
    _reread_allowlist(runtime)
    return checked


def checked_host_entry(entry: str) -> str:
    """An allowlist entry in the one form it is stored in, or :class:`ActionError`."""
    text = entry.strip()
    if not text or len(text) > HOST_ENTRY_MAX:
        raise ActionError(
            "give a host name, an IP address or a CIDR network "
            f"(at most {HOST_ENTRY_MAX} characters)"
        )
    try:
        return str(ip_network(text.strip("[]"), strict=False))
    except ValueError:
        pass
    host = normalise_host(text)
    if not _HOST_NAME.fullmatch(host):
        raise ActionError(
            f"{text!r} is not a host name, an IP address or a CIDR network "
            "(give the host alone, without scheme, port or path)"
        )
    return host


def _settings_hosts(runtime: Runtime) -> set[str]:
    listed = set()
    for entry in runtime.settings.fetch.allow_hosts:
        with contextlib.suppress(ActionError):
            listed.add(checked_host_entry(entry))
    return listed


def _reread_allowlist(runtime: Runtime) -> None:
    if runtime.fetcher.allowlist is not None:
        runtime.fetcher.allowlist.invalidate()


# Watchlists, follows and API tokens ----------------------------------------------------


class NoSuchWatchlist(ActionError):
    """The member has no watchlist by that id: the answer for another member's list too,
    so an id tells nothing about whose it is."""

    def __init__(self, watchlist_id: int) -> None:
        super().__init__(f"you have no watchlist {watchlist_id}")
        self.watchlist_id = watchlist_id


@dataclass(frozen=True)
class NewApiToken:
    """A token just made: ``secret`` is shown once and kept nowhere but in its hash."""

    token: TokenRow
    secret: str


#: A token's last use is written at most this often: not one write per API call.
TOKEN_TOUCH_EVERY = timedelta(minutes=5)


def _lists(runtime: Runtime) -> WatchlistStore:
    return WatchlistStore(runtime.engine)


def _checked(name: str, what: str = "a watchlist name") -> str:
    try:
        return watchlist_rules.checked_name(name, what)
    except RuleBroken as broken:
        raise ActionError(str(broken)) from None


def _symbol(runtime: Runtime, symbol: str) -> str:
    """The registry's own spelling of ``symbol``, or a refusal naming it."""
    wanted = symbol.strip().upper()
    if not wanted or len(wanted) > 20 or wanted not in runtime.registry:
        shown = wanted[:20] or "(none)"
        raise ActionError(f"unknown instrument {shown}; see /api/v1/symbols for the known ones")
    return runtime.registry.get(wanted).symbol


def watchlists_of(runtime: Runtime, member_id: int) -> list[WatchlistRow]:
    """The member's watchlists in their order; on first use a default one holding the
    site's ribbon, so a new member's home page reads as everyone's did."""
    store = _lists(runtime)
    found = store.watchlists(member_id)
    if found:
        return found
    symbols = [i.symbol for i in runtime.registry.ribbon]
    try:
        store.add_watchlist(
            member_id,
            watchlist_rules.DEFAULT_NAME,
            watchlist_rules.name_key(watchlist_rules.DEFAULT_NAME),
            symbols,
            runtime.now(),
        )
    except NameTaken:
        log.debug("member %s's default watchlist was made by another request", member_id)
    return store.watchlists(member_id)


def watchlist_of(runtime: Runtime, member_id: int, watchlist_id: int) -> WatchlistRow:
    """The member's own list, or :class:`NoSuchWatchlist` (for anyone else's too)."""
    found = _lists(runtime).watchlist(member_id, watchlist_id)
    if found is None:
        raise NoSuchWatchlist(watchlist_id)
    return found


def create_watchlist(
    runtime: Runtime, member_id: int, name: str, symbols: Sequence[str] = ()
) -> WatchlistRow:
    """A new named list at the end of the member's, holding ``symbols`` (each known)."""
    checked = _checked(name)
    chosen = list(dict.fromkeys(_symbol(runtime, s) for s in symbols))
    if len(chosen) > watchlist_rules.ITEMS_MAX:
        raise ActionError(f"a watchlist holds at most {watchlist_rules.ITEMS_MAX} instruments")
    store = _lists(runtime)
    watchlists_of(runtime, member_id)  # the default comes first, whatever is made next
    if store.count(member_id) >= watchlist_rules.WATCHLISTS_MAX:
        raise ActionError(f"you can keep at most {watchlist_rules.WATCHLISTS_MAX} watchlists")
    try:
        made = store.add_watchlist(
            member_id, checked, watchlist_rules.name_key(checked), chosen, runtime.now()
        )
    except NameTaken as taken:
        raise ActionError(str(taken)) from None
    return watchlist_of(runtime, member_id, made)


def rename_watchlist(
    runtime: Runtime, member_id: int, watchlist_id: int, name: str
) -> WatchlistRow:
    checked = _checked(name)
    try:
        renamed = _lists(runtime).rename(
            member_id, watchlist_id, checked, watchlist_rules.name_key(checked)
        )
    except NameTaken as taken:
        raise ActionError(str(taken)) from None
    if not renamed:
        raise NoSuchWatchlist(watchlist_id)
    return watchlist_of(runtime, member_id, watchlist_id)


def delete_watchlist(runtime: Runtime, member_id: int, watchlist_id: int) -> None:
    """The list and its instruments gone; a member keeps at least one list."""
    watchlist_of(runtime, member_id, watchlist_id)
    store = _lists(runtime)
    if store.count(member_id) <= 1:
        raise ActionError("this is your only watchlist; make another before deleting it")
    if not store.delete_watchlist(member_id, watchlist_id):
        raise NoSuchWatchlist(watchlist_id)


def add_to_watchlist(
    runtime: Runtime, member_id: int, watchlist_id: int, symbol: str
) -> WatchlistRow:
    """``symbol`` (any instrument in the registry) at the end of the member's list;
    adding one already on it changes nothing."""
    found = watchlist_of(runtime, member_id, watchlist_id)
    chosen = _symbol(runtime, symbol)
    if chosen not in found.symbols:
        if len(found.symbols) >= watchlist_rules.ITEMS_MAX:
            raise ActionError(f"a watchlist holds at most {watchlist_rules.ITEMS_MAX} instruments")
        _lists(runtime).add_item(found.id, chosen, runtime.now())
    return watchlist_of(runtime, member_id, watchlist_id)


def remove_from_watchlist(
    runtime: Runtime, member_id: int, watchlist_id: int, symbol: str
) -> WatchlistRow:
    """``symbol`` off the member's list; removing one not on it changes nothing."""
    found = watchlist_of(runtime, member_id, watchlist_id)
    _lists(runtime).remove_item(found.id, symbol.strip().upper()[:20])
    return watchlist_of(runtime, member_id, watchlist_id)


def follows_of(runtime: Runtime, member_id: int) -> list[FollowRow]:
    return _lists(runtime).follows(member_id)


def follow_entity(runtime: Runtime, member_id: int, slug: str) -> FollowRow:
    """Follow a company, person, country or central bank by its topic slug: its news joins
    the member's "news for my watchlist". Only entities some article names can be
    followed; their kind and name come from the tags, never from the request."""
    found = runtime.news.entity(slug[:120]) if slug else None
    if found is None:
        raise ActionError("no article names that topic yet, so it cannot be followed")
    store = _lists(runtime)
    if store.follow_count(member_id) >= watchlist_rules.FOLLOWS_MAX:
        raise ActionError(f"you can follow at most {watchlist_rules.FOLLOWS_MAX} topics")
    store.follow(member_id, found.kind, found.slug, found.name, runtime.now())
    return next(f for f in store.follows(member_id) if f.slug == found.slug)


def unfollow_entity(runtime: Runtime, member_id: int, slug: str) -> None:
    """Stop following; unfollowing what the member does not follow changes nothing."""
    _lists(runtime).unfollow(member_id, slug[:120])


def news_for_member(
    runtime: Runtime, member_id: int, watchlist_id: int | None = None, limit: int = 20
) -> list[ArticleListing]:
    """The newest articles tagged with the instruments of the member's list (their first
    one unless ``watchlist_id`` names another of theirs) or with an entity they follow,
    one article per story."""
    chosen = (
        watchlist_of(runtime, member_id, watchlist_id)
        if watchlist_id is not None
        else watchlists_of(runtime, member_id)[0]
    )
    slugs = [f.slug for f in follows_of(runtime, member_id)]
    return _lists(runtime).news_for(chosen.symbols, slugs, limit)


def api_tokens_of(runtime: Runtime, member_id: int) -> list[TokenRow]:
    return _lists(runtime).tokens(member_id)


def create_api_token(runtime: Runtime, member_id: int, name: str) -> NewApiToken:
    """A new API token for the member; its secret is in the result and nowhere else."""
    checked = _checked(name, "a token's name")
    store = _lists(runtime)
    if store.live_token_count(member_id) >= watchlist_rules.TOKENS_MAX:
        raise ActionError(
            f"you can keep at most {watchlist_rules.TOKENS_MAX} tokens; revoke one first"
        )
    secret = watchlist_rules.new_token()
    return NewApiToken(
        store.add_token(member_id, checked, watchlist_rules.token_key(secret), runtime.now()),
        secret,
    )


def revoke_api_token(runtime: Runtime, member_id: int, token_id: int) -> None:
    """The member's token stops working at once; another member's id is refused alike."""
    if not _lists(runtime).revoke_token(member_id, token_id, runtime.now()):
        raise ActionError(f"you have no live token {token_id}")


def member_of_api_token(runtime: Runtime, token: str) -> MemberRow | None:
    """Whose live token ``token`` is, if anyone's."""
    if (
        not token.startswith(watchlist_rules.TOKEN_PREFIX)
        or len(token) > watchlist_rules.TOKEN_LENGTH_MAX
    ):
        return None
    now = runtime.now()
    member_id = _lists(runtime).token_member(
        watchlist_rules.token_key(token), now, now - TOKEN_TOUCH_EVERY
    )
    return runtime.accounts.member(member_id) if member_id is not None else None


# Alerts: a member's price and news alerts and their inbox (alerts/, store/alerts.py).
ALERTS_MAX = 100
"""Alerts one member may keep: enough for any watchlist, few enough to judge every tick."""


def _alert_store(runtime: Runtime) -> AlertStore:
    return AlertStore(runtime.engine)


def _room_for_an_alert(runtime: Runtime, member_id: int) -> None:
    if len(_alert_store(runtime).of_member(member_id)) >= ALERTS_MAX:
        raise ActionError(f"you can keep at most {ALERTS_MAX} alerts; delete one first")


def create_price_alert(
    runtime: Runtime,
    member_id: int,
    symbol: str,
    condition: str,
    level: float,
    *,
    band_percent: float = 0.5,
    demo: bool = False,
) -> AlertRow:
    """A price alert, armed unless its condition already holds (it then waits for the next
    crossing rather than firing on the state of the market it was made in)."""
    instrument = runtime.registry.get(_symbol(runtime, symbol))
    try:
        rule = PriceRule(PriceCondition(condition), float(level), band_percent)
    except ValueError as error:
        raise ActionError(f"that alert cannot be made: {error}") from None
    if not math.isfinite(rule.level) or abs(rule.level) > 1e12:
        raise ActionError("the level must be an ordinary number")
    _room_for_an_alert(runtime, member_id)
    quote = runtime.markets.latest_quotes().get(instrument.symbol)
    stale_after = timedelta(seconds=runtime.settings.providers.stale_after_seconds)
    seen = (
        price_alerts.reading(rule, instrument, quote, runtime.now(), stale_after, demo=True)
        if quote is not None
        else None
    )
    values = {
        "kind": "price",
        "label": alert_wording.price_label(instrument, rule),
        "symbol": instrument.symbol,
        "condition": rule.condition.value,
        "level": rule.level,
        "band_percent": rule.band_percent,
        "armed": price_alerts.starts_armed(rule, seen.value if seen else None),
        "demo": demo,
    }
    return _alert_store(runtime).create(member_id, values, runtime.now())


def create_news_alert(runtime: Runtime, member_id: int, topic: str, key: str = "") -> AlertRow:
    """A news alert on an instrument, an entity (by its tag slug), a saved search, or
    everything the member watches and follows."""
    try:
        kind = Topic(topic)
    except ValueError:
        raise ActionError(f"no such news alert: {topic!r}") from None
    key = key.strip()
    if kind is Topic.INSTRUMENT:
        instrument = runtime.registry.get(_symbol(runtime, key))
        key, name = instrument.symbol, instrument.label
    elif kind is Topic.ENTITY:
        entity = runtime.news.entity(key) if key else None
        if entity is None:
            raise ActionError(f"no topic is tagged {key!r}")
        key, name = entity.slug, entity.name
    elif kind is Topic.SEARCH:
        key = _checked(key, "a saved search")
        try:
            SavedSearch.parse(key)
        except ValueError as error:
            raise ActionError(str(error)) from None
        name = key
    else:
        key, name = "", ""
    _room_for_an_alert(runtime, member_id)
    values = {
        "kind": "news",
        "label": alert_wording.news_label(kind, name),
        "topic_kind": kind.value,
        "topic_key": key,
    }
    return _alert_store(runtime).create(member_id, values, runtime.now())


def alerts_of(runtime: Runtime, member_id: int) -> list[AlertRow]:
    return _alert_store(runtime).of_member(member_id)


def delete_alert(runtime: Runtime, member_id: int, alert_id: int) -> None:
    """Another member's alert id is refused just like one that never was."""
    try:
        _alert_store(runtime).delete(member_id, alert_id)
    except AlertNotFound:
        raise ActionError(f"you have no alert {alert_id}") from None


def inbox(runtime: Runtime, member_id: int, *, limit: int = 50) -> list[EventRow]:
    return _alert_store(runtime).inbox(member_id, limit=limit)


def unread_alerts(runtime: Runtime, member_id: int) -> int:
    return _alert_store(runtime).unread(member_id)


def mark_alerts_read(
    runtime: Runtime, member_id: int, event_ids: Sequence[int] | None = None
) -> int:
    """Mark the member's events read (all of them when ``event_ids`` is None)."""
    return _alert_store(runtime).mark_read(member_id, event_ids, runtime.now())


def check_price_alerts(runtime: Runtime, quotes: Sequence[Quote]) -> int:
    """Judge every price alert on these instruments against their new quotes; store each
    alert's new state with what it fired. How many alerts fired."""
    latest = {quote.symbol: quote for quote in quotes}
    if not latest:
        return 0
    store = _alert_store(runtime)
    now = runtime.now()
    stale_after = timedelta(seconds=runtime.settings.providers.stale_after_seconds)
    fired = 0
    for alert in store.price_alerts_for(latest):
        instrument = runtime.registry.get(alert.symbol or "")
        rule = PriceRule(
            PriceCondition(alert.condition or ""), alert.level or 0.0, alert.band_percent or 0.0
        )
        quote = latest[instrument.symbol]
        seen = price_alerts.reading(rule, instrument, quote, now, stale_after, demo=alert.demo)
        if seen is None:
            continue
        verdict = price_alerts.judge(rule, alert.armed, seen)
        if verdict.armed == alert.armed and not verdict.fires:
            continue
        event = (
            NewEvent(
                trigger=f"price:{alert.id}:{quote.as_of.isoformat()}",
                title=alert_wording.price_title(instrument, rule, seen),
                summary=alert_wording.price_summary(instrument, seen),
                link=f"/quote/{instrument.symbol}",
                data={
                    "symbol": instrument.symbol,
                    "price": quote.price,
                    "as_of": quote.as_of.isoformat(),
                    "simulated": quote.simulated,
                },
            )
            if verdict.fires
            else None
        )
        fired += store.judged(alert, verdict.armed, event, now) is not None
    return fired


@dataclass(frozen=True)
class SavedPreferences:
    """A member's alert preferences as saved; ``new_secret`` is the webhook secret when one
    was just made (shown once), else None."""

    preferences: Preferences
    new_secret: str | None


def alert_preferences_of(runtime: Runtime, member_id: int) -> Preferences:
    return _alert_store(runtime).preferences(member_id)


def _minute_of_day(text: str, what: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    hours, colon, minutes = text.partition(":")
    if not (colon and hours.isdigit() and minutes.isdigit()) or len(text) > 5:
        raise ActionError(f"{what} is a time of day like 22:00")
    if int(hours) > 23 or int(minutes) > 59:
        raise ActionError(f"{what} is a time of day like 22:00")
    return int(hours) * 60 + int(minutes)


def set_alert_preferences(
    runtime: Runtime,
    member_id: int,
    *,
    webhook_url: str = "",
    ntfy_topic: str = "",
    email: str = "",
    email_digest: bool = False,
    quiet_from: str = "",
    quiet_until: str = "",
    time_zone: str = "UTC",
    renew_secret: bool = False,
) -> SavedPreferences:
    """Where the member's alerts go besides the inbox, and when not to disturb them.

    A webhook URL is refused unless Tickerwire may send to it (public, no credentials;
    a private host only if an admin allowed it); its signing secret is made with the first
    URL (or when asked) and shown once.
    """
    before = _alert_store(runtime).preferences(member_id)
    url = webhook_url.strip() or None
    if url is not None:
        stored = Allowlist.parse(row.entry for row in HostStore(runtime.engine).allowed_hosts())
        try:
            url = check_webhook_url(url, runtime.settings.fetch, stored)
        except UnsafeWebhookURL as unsafe:
            raise ActionError(str(unsafe)) from None
    try:
        topic = check_ntfy_topic(ntfy_topic) if ntfy_topic.strip() else None
        address = check_email_address(email) if email.strip() else None
    except ValueError as refused:
        raise ActionError(str(refused)) from None
    zone = time_zone.strip() or "UTC"
    if zone != "UTC" and quiet_hours.zone_of(zone) is UTC:
        raise ActionError(f"no time zone is called {zone[:64]!r} (try Europe/London)")
    start = _minute_of_day(quiet_from, "the start of quiet hours")
    end = _minute_of_day(quiet_until, "the end of quiet hours")
    if (start is None) != (end is None):
        raise ActionError("quiet hours need both a start and an end")
    secret = before.webhook_secret
    made = None
    if url is not None and (secret is None or renew_secret):
        secret = made = new_webhook_secret()
    chosen = Preferences(
        member_id=member_id,
        webhook_url=url,
        webhook_secret=secret if url is not None else None,
        ntfy_topic=topic,
        email=address,
        email_digest=email_digest and address is not None,
        quiet_from=start,
        quiet_until=end,
        time_zone=zone,
    )
    _alert_store(runtime).save_preferences(chosen)
    return SavedPreferences(chosen, made)
