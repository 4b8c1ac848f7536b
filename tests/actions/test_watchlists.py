"""The watchlist actions every door calls (lists and their instruments, follows, news for
a member, API tokens), on both stores: another member's list is never reachable."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from support.runtimes import opened_runtime
from support.tagged_news import save_tagged
from tickerwire import actions
from tickerwire.accounts import watchlists as rules
from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.store.accounts import MemberRow

pytestmark = pytest.mark.usefixtures("cheap_hashes")
PASSWORD = "correct horse battery"
FED = ("federal-reserve", "Federal Reserve", "central_bank")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def runtime(database_url: str, clock: Clock) -> Iterator[Runtime]:
    settings = Settings(database_url=database_url, poller_enabled=False, default_feeds=[])
    with opened_runtime(settings, clock=clock) as runtime:
        yield runtime


@pytest.fixture
def ada(runtime: Runtime) -> MemberRow:
    return actions.create_member(runtime, "ada", PASSWORD)


@pytest.fixture
def bob(runtime: Runtime) -> MemberRow:
    return actions.create_member(runtime, "bob", PASSWORD)


# Watchlists ---------------------------------------------------------------------------


def test_a_member_gets_a_default_watchlist_of_the_ribbon_on_first_use(
    runtime: Runtime, ada: MemberRow
) -> None:
    [first] = actions.watchlists_of(runtime, ada.id)
    assert first.name == rules.DEFAULT_NAME
    assert first.symbols == tuple(i.symbol for i in runtime.registry.ribbon)


def test_the_default_watchlist_is_made_once(runtime: Runtime, ada: MemberRow) -> None:
    actions.watchlists_of(runtime, ada.id)
    assert len(actions.watchlists_of(runtime, ada.id)) == 1


def test_a_new_watchlist_goes_after_the_others_with_its_symbols(
    runtime: Runtime, ada: MemberRow
) -> None:
    made = actions.create_watchlist(runtime, ada.id, "  Energy ", ["cl", "GC", "CL"])
    assert (made.name, made.symbols) == ("Energy", ("CL", "GC"))
    assert [w.name for w in actions.watchlists_of(runtime, ada.id)] == [
        rules.DEFAULT_NAME,
        "Energy",
    ]


def test_two_watchlists_of_one_member_cannot_share_a_name(runtime: Runtime, ada: MemberRow) -> None:
    actions.create_watchlist(runtime, ada.id, "Energy")
    with pytest.raises(actions.ActionError, match="already have a watchlist named"):
        actions.create_watchlist(runtime, ada.id, "ENERGY")


def test_two_members_may_use_the_same_name(
    runtime: Runtime, ada: MemberRow, bob: MemberRow
) -> None:
    actions.create_watchlist(runtime, ada.id, "Energy")
    assert actions.create_watchlist(runtime, bob.id, "Energy").member_id == bob.id


@pytest.mark.parametrize(
    "name",
    ["", "   ", "a\r\nSet-Cookie: x=1", "tab\there", "x" * 61, "rtl\u202eeman", "zero\u200bwidth"],
)
def test_a_watchlist_name_is_one_line_of_visible_text(
    runtime: Runtime, ada: MemberRow, name: str
) -> None:
    with pytest.raises(actions.ActionError):
        actions.create_watchlist(runtime, ada.id, name)


def test_an_unknown_symbol_is_refused(runtime: Runtime, ada: MemberRow) -> None:
    with pytest.raises(actions.ActionError, match="unknown instrument NOPE"):
        actions.create_watchlist(runtime, ada.id, "Odd", ["NOPE"])


def test_adding_and_removing_keeps_the_order(runtime: Runtime, ada: MemberRow) -> None:
    made = actions.create_watchlist(runtime, ada.id, "Metals", ["GC"])
    actions.add_to_watchlist(runtime, ada.id, made.id, "si")
    actions.add_to_watchlist(runtime, ada.id, made.id, "CL")
    after = actions.remove_from_watchlist(runtime, ada.id, made.id, "SI")
    assert after.symbols == ("GC", "CL")


def test_adding_a_symbol_already_on_the_list_changes_nothing(
    runtime: Runtime, ada: MemberRow
) -> None:
    made = actions.create_watchlist(runtime, ada.id, "Metals", ["GC"])
    assert actions.add_to_watchlist(runtime, ada.id, made.id, "GC").symbols == ("GC",)


def test_a_watchlist_holds_a_bounded_number_of_instruments(
    runtime: Runtime, ada: MemberRow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rules, "ITEMS_MAX", 2)
    made = actions.create_watchlist(runtime, ada.id, "Small", ["GC", "SI"])
    with pytest.raises(actions.ActionError, match="at most 2 instruments"):
        actions.add_to_watchlist(runtime, ada.id, made.id, "CL")


def test_a_member_keeps_a_bounded_number_of_watchlists(
    runtime: Runtime, ada: MemberRow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rules, "WATCHLISTS_MAX", 2)
    actions.create_watchlist(runtime, ada.id, "Second")
    with pytest.raises(actions.ActionError, match="at most 2 watchlists"):
        actions.create_watchlist(runtime, ada.id, "Third")


def test_renaming_a_watchlist(runtime: Runtime, ada: MemberRow) -> None:
    made = actions.create_watchlist(runtime, ada.id, "Metals")
    assert actions.rename_watchlist(runtime, ada.id, made.id, "Shiny").name == "Shiny"


def test_deleting_a_watchlist(runtime: Runtime, ada: MemberRow) -> None:
    made = actions.create_watchlist(runtime, ada.id, "Metals", ["GC"])
    actions.delete_watchlist(runtime, ada.id, made.id)
    assert [w.id for w in actions.watchlists_of(runtime, ada.id)] != [made.id]
    with pytest.raises(actions.NoSuchWatchlist):
        actions.watchlist_of(runtime, ada.id, made.id)


def test_the_only_watchlist_cannot_be_deleted(runtime: Runtime, ada: MemberRow) -> None:
    [only] = actions.watchlists_of(runtime, ada.id)
    with pytest.raises(actions.ActionError, match="only watchlist"):
        actions.delete_watchlist(runtime, ada.id, only.id)


@pytest.mark.parametrize(
    "act",
    [
        lambda r, m, i: actions.watchlist_of(r, m, i),
        lambda r, m, i: actions.rename_watchlist(r, m, i, "Mine now"),
        lambda r, m, i: actions.delete_watchlist(r, m, i),
        lambda r, m, i: actions.add_to_watchlist(r, m, i, "GC"),
        lambda r, m, i: actions.remove_from_watchlist(r, m, i, "SPX"),
        lambda r, m, i: actions.news_for_member(r, m, i),
    ],
    ids=["read", "rename", "delete", "add", "remove", "news"],
)
def test_another_members_watchlist_is_no_watchlist_at_all(
    runtime: Runtime, ada: MemberRow, bob: MemberRow, act: object
) -> None:
    [theirs] = actions.watchlists_of(runtime, ada.id)
    actions.create_watchlist(runtime, bob.id, "Spare")
    with pytest.raises(actions.NoSuchWatchlist) as refused:
        act(runtime, bob.id, theirs.id)  # type: ignore[operator]
    assert str(refused.value) == f"you have no watchlist {theirs.id}"
    assert actions.watchlist_of(runtime, ada.id, theirs.id) == theirs


def test_deleting_a_member_deletes_their_watchlists_follows_and_tokens(
    runtime: Runtime, ada: MemberRow, clock: Clock
) -> None:
    save_tagged(runtime.news, "Fed holds", clock.now, entities=(FED,))
    actions.watchlists_of(runtime, ada.id)
    actions.follow_entity(runtime, ada.id, "federal-reserve")
    actions.create_api_token(runtime, ada.id, "laptop")
    actions.delete_account(runtime, ada.id, PASSWORD)
    with runtime.engine.connect() as connection:
        for table in ("watchlists", "watchlist_items", "follows", "api_tokens"):
            assert connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0


# Follows and news ---------------------------------------------------------------------


def test_following_an_entity_takes_its_name_and_kind_from_the_tags(
    runtime: Runtime, ada: MemberRow, clock: Clock
) -> None:
    save_tagged(runtime.news, "Fed holds", clock.now, entities=(FED,))
    followed = actions.follow_entity(runtime, ada.id, "federal-reserve")
    assert (followed.kind, followed.name) == ("central_bank", "Federal Reserve")


def test_an_entity_no_article_names_cannot_be_followed(runtime: Runtime, ada: MemberRow) -> None:
    with pytest.raises(actions.ActionError, match="no article names that topic"):
        actions.follow_entity(runtime, ada.id, "nobody-at-all")


def test_following_twice_is_one_follow(runtime: Runtime, ada: MemberRow, clock: Clock) -> None:
    save_tagged(runtime.news, "Fed holds", clock.now, entities=(FED,))
    actions.follow_entity(runtime, ada.id, "federal-reserve")
    actions.follow_entity(runtime, ada.id, "federal-reserve")
    assert len(actions.follows_of(runtime, ada.id)) == 1


def test_unfollowing(runtime: Runtime, ada: MemberRow, clock: Clock) -> None:
    save_tagged(runtime.news, "Fed holds", clock.now, entities=(FED,))
    actions.follow_entity(runtime, ada.id, "federal-reserve")
    actions.unfollow_entity(runtime, ada.id, "federal-reserve")
    assert actions.follows_of(runtime, ada.id) == []


def test_news_for_a_member_is_their_instruments_and_follows_newest_first(
    runtime: Runtime, ada: MemberRow, clock: Clock
) -> None:
    save_tagged(runtime.news, "Gold rallies", clock.now, symbols=("GC",), hours_ago=3)
    save_tagged(runtime.news, "Fed holds", clock.now, entities=(FED,), hours_ago=2)
    save_tagged(runtime.news, "Wheat slips", clock.now, symbols=("ZW",), hours_ago=1)
    made = actions.create_watchlist(runtime, ada.id, "Metals", ["GC"])
    actions.follow_entity(runtime, ada.id, "federal-reserve")
    news = actions.news_for_member(runtime, ada.id, made.id)
    assert [a.title for a in news] == ["Fed holds", "Gold rallies"]


def test_news_for_a_member_reads_their_first_watchlist_by_default(
    runtime: Runtime, ada: MemberRow, clock: Clock
) -> None:
    save_tagged(runtime.news, "Oil jumps", clock.now, symbols=("CL",))
    assert [a.title for a in actions.news_for_member(runtime, ada.id)] == ["Oil jumps"]


# API tokens ---------------------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_only_as_its_hash(
    runtime: Runtime, ada: MemberRow
) -> None:
    made = actions.create_api_token(runtime, ada.id, "laptop")
    assert made.secret.startswith("tw_")
    with runtime.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT token_hash FROM api_tokens").scalar()
    assert stored == rules.token_key(made.secret) and made.secret not in str(stored)


def test_a_token_names_its_member_and_records_its_use(
    runtime: Runtime, ada: MemberRow, clock: Clock
) -> None:
    made = actions.create_api_token(runtime, ada.id, "laptop")
    clock.now += timedelta(minutes=1)
    assert actions.member_of_api_token(runtime, made.secret) == ada
    [token] = actions.api_tokens_of(runtime, ada.id)
    assert token.last_used_at == clock.now


def test_a_revoked_token_opens_nothing(runtime: Runtime, ada: MemberRow) -> None:
    made = actions.create_api_token(runtime, ada.id, "laptop")
    actions.revoke_api_token(runtime, ada.id, made.token.id)
    assert actions.member_of_api_token(runtime, made.secret) is None


def test_a_member_cannot_revoke_another_members_token(
    runtime: Runtime, ada: MemberRow, bob: MemberRow
) -> None:
    made = actions.create_api_token(runtime, ada.id, "laptop")
    with pytest.raises(actions.ActionError, match="no live token"):
        actions.revoke_api_token(runtime, bob.id, made.token.id)
    assert actions.member_of_api_token(runtime, made.secret) == ada


@pytest.mark.parametrize("token", ["", "tw_", "nope", "tw_" + "x" * 200])
def test_an_unknown_token_opens_nothing(runtime: Runtime, ada: MemberRow, token: str) -> None:
    assert actions.member_of_api_token(runtime, token) is None
