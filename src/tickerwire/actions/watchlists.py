"""A member's watchlists, follows and API tokens."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from tickerwire.accounts import watchlists as watchlist_rules
from tickerwire.accounts.rules import (
    RuleBroken,
)
from tickerwire.actions.common import ActionError
from tickerwire.news.model import ArticleListing
from tickerwire.runtime import Runtime
from tickerwire.store.accounts import (
    MemberRow,
)
from tickerwire.store.watchlists import (
    FollowRow,
    NameTaken,
    TokenRow,
    WatchlistRow,
    WatchlistStore,
)

log = logging.getLogger(__name__)


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


def checked_name(name: str, what: str = "a watchlist name") -> str:
    try:
        return watchlist_rules.checked_name(name, what)
    except RuleBroken as broken:
        raise ActionError(str(broken)) from None


def known_symbol(runtime: Runtime, symbol: str) -> str:
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
    checked = checked_name(name)
    chosen = list(dict.fromkeys(known_symbol(runtime, s) for s in symbols))
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
    checked = checked_name(name)
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
    chosen = known_symbol(runtime, symbol)
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
    checked = checked_name(name, "a token's name")
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
