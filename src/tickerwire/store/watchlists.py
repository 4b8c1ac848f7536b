"""Members' watchlists and their instruments, the entities members follow, their API
tokens, and the news for a member: rows only; the rules are in
:mod:`tickerwire.accounts.watchlists` and the actions in :mod:`tickerwire.actions`.

Every read and write of a watchlist names the member as well as the list's id, so a
member can never reach another's list by its id: to them it does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Engine,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from tickerwire.news.model import ArticleListing
from tickerwire.store.article_rows import LISTING_COLUMNS, listing
from tickerwire.store.schema import (
    api_tokens,
    article_entities,
    article_instruments,
    articles,
    follows,
    members,
    watchlist_items,
    watchlists,
)
from tickerwire.store.upsert import new_id


class NameTaken(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"you already have a watchlist named {name}")


@dataclass(frozen=True)
class WatchlistRow:
    id: int
    member_id: int
    name: str
    position: int
    created_at: datetime
    symbols: tuple[str, ...]
    """The instruments on the list, in the member's order."""


@dataclass(frozen=True)
class FollowRow:
    kind: str
    slug: str
    name: str
    created_at: datetime


@dataclass(frozen=True)
class TokenRow:
    id: int
    member_id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _next_position(
    connection: Connection, column: Column[int], condition: ColumnElement[bool]
) -> int:
    found = connection.execute(select(func.max(column)).where(condition)).scalar()
    return 0 if found is None else int(found) + 1


class WatchlistStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # Watchlists ---------------------------------------------------------------------

    def _symbols(self, connection: Connection, ids: Sequence[int]) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {i: [] for i in ids}
        if ids:
            query = (
                select(watchlist_items.c.watchlist_id, watchlist_items.c.symbol)
                .where(watchlist_items.c.watchlist_id.in_(ids))
                .order_by(watchlist_items.c.position, watchlist_items.c.symbol)
            )
            for row in connection.execute(query):
                found[row.watchlist_id].append(row.symbol)
        return found

    def watchlists(self, member_id: int) -> list[WatchlistRow]:
        """The member's lists in their order, each with its instruments."""
        query = (
            select(watchlists)
            .where(watchlists.c.member_id == member_id)
            .order_by(watchlists.c.position, watchlists.c.id)
        )
        with self.engine.connect() as connection:
            rows = list(connection.execute(query))
            symbols = self._symbols(connection, [r.id for r in rows])
        return [
            WatchlistRow(r.id, r.member_id, r.name, r.position, r.created_at, tuple(symbols[r.id]))
            for r in rows
        ]

    def watchlist(self, member_id: int, watchlist_id: int) -> WatchlistRow | None:
        """The list, when it is the member's; None for a list of anyone else's too."""
        query = select(watchlists).where(
            watchlists.c.id == watchlist_id, watchlists.c.member_id == member_id
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
            if row is None:
                return None
            symbols = self._symbols(connection, [row.id])[row.id]
        return WatchlistRow(
            row.id, row.member_id, row.name, row.position, row.created_at, tuple(symbols)
        )

    def count(self, member_id: int) -> int:
        query = select(func.count()).where(watchlists.c.member_id == member_id)
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def add_watchlist(
        self, member_id: int, name: str, key: str, symbols: Sequence[str], now: datetime
    ) -> int:
        """A new list at the end of the member's, holding ``symbols``; :class:`NameTaken`
        when the member has one by that name (checked by the unique index)."""
        try:
            with self.engine.begin() as connection:
                position = _next_position(
                    connection, watchlists.c.position, watchlists.c.member_id == member_id
                )
                watchlist_id = new_id(
                    connection.execute(
                        insert(watchlists).values(
                            member_id=member_id,
                            name=name,
                            name_key=key,
                            position=position,
                            created_at=now,
                        )
                    )
                )
                if symbols:
                    connection.execute(
                        insert(watchlist_items),
                        [
                            {
                                "watchlist_id": watchlist_id,
                                "symbol": symbol,
                                "position": index,
                                "added_at": now,
                            }
                            for index, symbol in enumerate(symbols)
                        ],
                    )
        except IntegrityError:
            raise NameTaken(name) from None
        return watchlist_id

    def rename(self, member_id: int, watchlist_id: int, name: str, key: str) -> bool:
        """Whether the member's list was renamed (False: no such list of theirs)."""
        statement = (
            update(watchlists)
            .where(watchlists.c.id == watchlist_id, watchlists.c.member_id == member_id)
            .values(name=name, name_key=key)
        )
        try:
            with self.engine.begin() as connection:
                return connection.execute(statement).rowcount == 1
        except IntegrityError:
            raise NameTaken(name) from None

    def delete_watchlist(self, member_id: int, watchlist_id: int) -> bool:
        with self.engine.begin() as connection:
            connection.execute(
                delete(watchlist_items).where(
                    watchlist_items.c.watchlist_id.in_(
                        select(watchlists.c.id).where(
                            watchlists.c.id == watchlist_id, watchlists.c.member_id == member_id
                        )
                    )
                )
            )
            statement = delete(watchlists).where(
                watchlists.c.id == watchlist_id, watchlists.c.member_id == member_id
            )
            return connection.execute(statement).rowcount == 1

    def add_item(self, watchlist_id: int, symbol: str, now: datetime) -> bool:
        """``symbol`` at the end of the list; False when it was already on it. The caller
        has checked that the list is the member's."""
        try:
            with self.engine.begin() as connection:
                position = _next_position(
                    connection,
                    watchlist_items.c.position,
                    watchlist_items.c.watchlist_id == watchlist_id,
                )
                connection.execute(
                    insert(watchlist_items).values(
                        watchlist_id=watchlist_id, symbol=symbol, position=position, added_at=now
                    )
                )
        except IntegrityError:
            return False
        return True

    def remove_item(self, watchlist_id: int, symbol: str) -> bool:
        statement = delete(watchlist_items).where(
            watchlist_items.c.watchlist_id == watchlist_id, watchlist_items.c.symbol == symbol
        )
        with self.engine.begin() as connection:
            return connection.execute(statement).rowcount == 1

    # Follows ------------------------------------------------------------------------

    def follows(self, member_id: int) -> list[FollowRow]:
        query = (
            select(follows)
            .where(follows.c.member_id == member_id)
            .order_by(follows.c.name, follows.c.slug)
        )
        with self.engine.connect() as connection:
            return [
                FollowRow(r.kind, r.slug, r.name, r.created_at) for r in connection.execute(query)
            ]

    def follow_count(self, member_id: int) -> int:
        query = select(func.count()).where(follows.c.member_id == member_id)
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def follow(self, member_id: int, kind: str, slug: str, name: str, now: datetime) -> bool:
        """False when the member already follows it (following twice is no error)."""
        values = {"member_id": member_id, "kind": kind, "slug": slug, "name": name}
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(follows).values(**values, created_at=now))
        except IntegrityError:
            return False
        return True

    def unfollow(self, member_id: int, slug: str) -> bool:
        statement = delete(follows).where(follows.c.member_id == member_id, follows.c.slug == slug)
        with self.engine.begin() as connection:
            return connection.execute(statement).rowcount == 1

    # News ---------------------------------------------------------------------------

    def news_for(
        self, symbols: Sequence[str], slugs: Sequence[str], limit: int
    ) -> list[ArticleListing]:
        """The newest articles tagged with any of ``symbols`` or ``slugs``, one per story."""
        if not symbols and not slugs:
            return []
        tagged = or_(
            articles.c.id.in_(
                select(article_instruments.c.article_id).where(
                    article_instruments.c.symbol.in_(symbols)
                )
            ),
            articles.c.id.in_(
                select(article_entities.c.article_id).where(article_entities.c.slug.in_(slugs))
            ),
        )
        first = select(func.min(articles.c.id)).group_by(articles.c.story_id).scalar_subquery()
        when = func.coalesce(articles.c.published, articles.c.first_seen_at)
        query = (
            select(*LISTING_COLUMNS)
            .where(and_(tagged, articles.c.id.in_(first)))
            .order_by(when.desc(), articles.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [listing(row) for row in connection.execute(query)]

    # API tokens ---------------------------------------------------------------------

    def tokens(self, member_id: int) -> list[TokenRow]:
        """The member's tokens, live ones first, newest first."""
        query = (
            select(api_tokens)
            .where(api_tokens.c.member_id == member_id)
            .order_by(api_tokens.c.revoked_at.is_not(None), api_tokens.c.id.desc())
        )
        with self.engine.connect() as connection:
            return [_token(r) for r in connection.execute(query)]

    def live_token_count(self, member_id: int) -> int:
        query = select(func.count()).where(
            api_tokens.c.member_id == member_id, api_tokens.c.revoked_at.is_(None)
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def add_token(self, member_id: int, name: str, token_hash: str, now: datetime) -> TokenRow:
        values = {"member_id": member_id, "name": name, "token_hash": token_hash}
        with self.engine.begin() as connection:
            token_id = new_id(
                connection.execute(insert(api_tokens).values(**values, created_at=now))
            )
        return TokenRow(token_id, member_id, name, now, None, None)

    def revoke_token(self, member_id: int, token_id: int, now: datetime) -> bool:
        """Whether a live token of the member's was revoked (False: none such)."""
        statement = (
            update(api_tokens)
            .where(
                api_tokens.c.id == token_id,
                api_tokens.c.member_id == member_id,
                api_tokens.c.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        with self.engine.begin() as connection:
            return connection.execute(statement).rowcount == 1

    def token_member(self, token_hash: str, now: datetime, touch_after: datetime) -> int | None:
        """The member id a live token (not revoked, member not disabled) belongs to; its
        last use is written when older than ``touch_after``, not on every request."""
        query = (
            select(api_tokens.c.id, api_tokens.c.member_id, api_tokens.c.last_used_at)
            .join(members, members.c.id == api_tokens.c.member_id)
            .where(
                api_tokens.c.token_hash == token_hash,
                api_tokens.c.revoked_at.is_(None),
                members.c.disabled.is_(False),
            )
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        if row.last_used_at is None or row.last_used_at < touch_after:
            with self.engine.begin() as connection:
                connection.execute(
                    update(api_tokens).where(api_tokens.c.id == row.id).values(last_used_at=now)
                )
        return int(row.member_id)


def _token(row: Row[Any]) -> TokenRow:
    return TokenRow(
        row.id, row.member_id, row.name, row.created_at, row.last_used_at, row.revoked_at
    )
