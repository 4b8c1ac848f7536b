"""The watchlist pages, the follow button on topic pages, the API tokens page and a
member's home page: what a member sees, that nobody else is ever sent it, and every way a
form is refused (another member's list, another site, a field the form does not have, too
big, a name that would break a header) with nothing changed."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from support.members import BASE, PRIVATE, portal, post, signed_in, token_of
from support.moments import FRIDAY_MORNING
from support.runtimes import opened_runtime, refresh_quotes
from support.tagged_news import save_tagged
from tickerwire import actions
from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.web.forms import FORM_MAX_BYTES

pytestmark = pytest.mark.usefixtures("cheap_hashes")

FED = ("federal-reserve", "Federal Reserve", "central_bank")


@pytest.fixture
def runtime(database_url: str) -> Iterator[Runtime]:
    settings = Settings(database_url=database_url, demo=True, poller_enabled=False)
    with opened_runtime(settings, refresh_quotes, clock=lambda: FRIDAY_MORNING) as runtime:
        save_tagged(runtime.news, "Gold rallies on haven demand", FRIDAY_MORNING, symbols=("GC",))
        save_tagged(runtime.news, "Fed holds rates", FRIDAY_MORNING, entities=(FED,), hours_ago=1)
        save_tagged(runtime.news, "Oil slips", FRIDAY_MORNING, symbols=("CL",), hours_ago=2)
        yield runtime


@pytest.fixture
def anonymous(runtime: Runtime) -> Iterator[TestClient]:
    with portal(runtime) as client:
        yield client


@pytest.fixture
def ada(runtime: Runtime) -> Iterator[TestClient]:
    client = signed_in(runtime, "ada")
    yield client
    client.__exit__(None, None, None)


@pytest.fixture
def bob(runtime: Runtime) -> Iterator[TestClient]:
    client = signed_in(runtime, "bob")
    yield client
    client.__exit__(None, None, None)


def main_of(text: str) -> str:
    """A page's own content, without the header every page shares (or a twin whole)."""
    return text.split("<main", 1)[-1].split("</main>", 1)[0]


def member_id(runtime: Runtime, username: str) -> int:
    member = runtime.accounts.member_by_key(username)
    assert member is not None
    return member.id


def make_list(runtime: Runtime, username: str, name: str, symbols: list[str]) -> int:
    return actions.create_watchlist(runtime, member_id(runtime, username), name, symbols).id


# Reading -----------------------------------------------------------------------------


def test_the_watchlists_page_asks_anyone_not_signed_in_to_sign_in(anonymous: TestClient) -> None:
    response = anonymous.get("/watchlists")
    assert response.status_code == 303
    assert response.headers["location"] == "/account/sign-in?next=/watchlists"


def test_the_watchlists_twin_is_a_401_for_anyone_not_signed_in(anonymous: TestClient) -> None:
    response = anonymous.get("/watchlists.json")
    assert response.status_code == 401 and response.headers["cache-control"] == PRIVATE


def test_a_member_sees_their_default_watchlist_privately(ada: TestClient) -> None:
    response = ada.get("/watchlists")
    assert response.status_code == 200 and response.headers["cache-control"] == PRIVATE
    assert "My watchlist" in response.text
    assert [w["name"] for w in ada.get("/watchlists.json").json()["watchlists"]] == ["My watchlist"]


def test_a_watchlist_page_shows_a_quote_cell_per_instrument_its_news_and_movers(
    runtime: Runtime, ada: TestClient
) -> None:
    made = make_list(runtime, "ada", "Metals", ["GC", "SI"])
    html = ada.get(f"/watchlists/{made}").text
    assert re.findall(r'class="ribbon-cell[^"]*" data-symbol="(\w+)"', html) == ["GC", "SI"]
    assert "Gold rallies on haven demand" in html and "Oil slips" not in html
    assert 'aria-label="Movers on this watchlist"' in html


def test_a_watchlists_twin_carries_data_not_presentation_or_tokens(
    runtime: Runtime, ada: TestClient
) -> None:
    made = make_list(runtime, "ada", "Metals", ["GC"])
    twin = ada.get(f"/watchlists/{made}.json")
    assert twin.status_code == 200 and twin.headers["cache-control"] == PRIVATE
    data = twin.json()
    assert (data["name"], data["symbols"], data["ribbon"][0]["symbol"]) == ("Metals", ["GC"], "GC")
    assert "<svg" not in twin.text and "form_token" not in twin.text


def test_followed_topics_join_the_news_for_a_watchlist(runtime: Runtime, ada: TestClient) -> None:
    made = make_list(runtime, "ada", "Metals", ["GC"])
    actions.follow_entity(runtime, member_id(runtime, "ada"), "federal-reserve")
    titles = [h["title"] for h in ada.get(f"/watchlists/{made}.json").json()["news"]]
    assert titles == ["Gold rallies on haven demand", "Fed holds rates"]


@pytest.mark.parametrize("suffix", ["", ".json"])
def test_another_members_watchlist_is_not_found_and_tells_nothing(
    runtime: Runtime, ada: TestClient, bob: TestClient, suffix: str
) -> None:
    theirs = make_list(runtime, "ada", "Secret plans", ["GC"])
    response = bob.get(f"/watchlists/{theirs}{suffix}")
    assert response.status_code == 404
    assert "Secret plans" not in response.text and "GC" not in main_of(response.text)
    missing = bob.get(f"/watchlists/999999{suffix}")
    assert missing.status_code == 404
    assert main_of(response.text).replace(f"watchlist {theirs}", "watchlist N") == main_of(
        missing.text
    ).replace("watchlist 999999", "watchlist N")


# Changing ----------------------------------------------------------------------------


def test_making_a_watchlist_goes_to_it(runtime: Runtime, ada: TestClient) -> None:
    response = post(ada, "/watchlists", "/watchlists", name="Energy")
    assert response.status_code == 303
    location = response.headers["location"]
    assert re.fullmatch(r"/watchlists/\d+\?done=created", location)
    assert "Your new watchlist is made." in ada.get(location).text


def test_adding_and_removing_an_instrument_by_form(runtime: Runtime, ada: TestClient) -> None:
    made = make_list(runtime, "ada", "Metals", ["GC"])
    page = f"/watchlists/{made}"
    assert post(ada, f"{page}/add", page, symbol="si").status_code == 303
    assert post(ada, f"{page}/remove", page, symbol="GC").status_code == 303
    assert ada.get(f"{page}.json").json()["symbols"] == ["SI"]


def test_renaming_and_deleting_by_form(runtime: Runtime, ada: TestClient) -> None:
    made = make_list(runtime, "ada", "Metals", ["GC"])
    page = f"/watchlists/{made}"
    assert post(ada, f"{page}/rename", page, name="Shiny").status_code == 303
    assert ada.get(f"{page}.json").json()["name"] == "Shiny"
    deleted = post(ada, f"{page}/delete", page)
    assert deleted.headers["location"] == "/watchlists?done=deleted"
    assert ada.get(page).status_code == 404


def test_an_unknown_symbol_is_refused_on_the_page_saying_why(
    runtime: Runtime, ada: TestClient
) -> None:
    made = make_list(runtime, "ada", "Metals", ["GC"])
    page = f"/watchlists/{made}"
    response = post(ada, f"{page}/add", page, symbol="NOPE")
    assert response.status_code == 400 and "unknown instrument NOPE" in response.text
    assert response.headers["cache-control"] == PRIVATE


@pytest.mark.parametrize("action", ["add", "remove", "rename", "delete"])
def test_another_members_watchlist_cannot_be_changed_by_form(
    runtime: Runtime, ada: TestClient, bob: TestClient, action: str
) -> None:
    theirs = make_list(runtime, "ada", "Secret plans", ["GC"])
    before = actions.watchlist_of(runtime, member_id(runtime, "ada"), theirs)
    fields = {"add": {"symbol": "SI"}, "remove": {"symbol": "GC"}, "rename": {"name": "Mine"}}
    response = post(bob, f"/watchlists/{theirs}/{action}", "/watchlists", **fields.get(action, {}))
    assert response.status_code == 404 and "Secret plans" not in response.text
    assert actions.watchlist_of(runtime, member_id(runtime, "ada"), theirs) == before


def test_a_field_the_form_does_not_have_refuses_it(runtime: Runtime, ada: TestClient) -> None:
    response = post(ada, "/watchlists", "/watchlists", member_id="1")
    assert response.status_code == 400 and "no field named member_id" in response.text
    assert len(actions.watchlists_of(runtime, member_id(runtime, "ada"))) == 1


def test_an_oversized_form_is_refused(runtime: Runtime, ada: TestClient) -> None:
    response = post(ada, "/watchlists", "/watchlists", name="x" * FORM_MAX_BYTES)
    assert response.status_code == 413
    assert len(actions.watchlists_of(runtime, member_id(runtime, "ada"))) == 1


def test_a_form_from_another_site_is_refused(runtime: Runtime, ada: TestClient) -> None:
    token = token_of(ada.get("/watchlists").text)
    response = ada.post(
        "/watchlists",
        data={"form_token": token, "name": "Energy"},
        headers={"origin": "https://elsewhere.example", "sec-fetch-site": "cross-site"},
    )
    assert response.status_code == 403
    assert len(actions.watchlists_of(runtime, member_id(runtime, "ada"))) == 1


def test_a_form_without_its_token_is_refused(runtime: Runtime, ada: TestClient) -> None:
    ada.get("/watchlists")
    response = ada.post("/watchlists", data={"name": "Energy"}, headers={"origin": BASE})
    assert response.status_code == 403
    assert len(actions.watchlists_of(runtime, member_id(runtime, "ada"))) == 1


def test_a_name_that_would_inject_a_header_is_refused(runtime: Runtime, ada: TestClient) -> None:
    response = post(ada, "/watchlists", "/watchlists", name="x\r\nSet-Cookie: tw_session=evil")
    assert response.status_code == 400 and "set-cookie" not in response.headers
    assert len(actions.watchlists_of(runtime, member_id(runtime, "ada"))) == 1


# The home page -------------------------------------------------------------------------


def test_a_members_home_shows_their_first_watchlist_as_the_ribbon(
    runtime: Runtime, ada: TestClient
) -> None:
    [first] = actions.watchlists_of(runtime, member_id(runtime, "ada"))
    for symbol in first.symbols:
        if symbol not in ("GC", "BTCUSD"):
            actions.remove_from_watchlist(runtime, member_id(runtime, "ada"), first.id, symbol)
    home = ada.get("/")
    assert home.status_code == 200 and home.headers["cache-control"] == PRIVATE
    ribbon = home.text.split('id="ribbon"')[1].split("</ul>")[0]
    assert re.findall(r'data-symbol="(\w+)"', ribbon) == ["GC", "BTCUSD"]


def test_a_members_home_lists_the_news_for_their_watchlist(
    runtime: Runtime, ada: TestClient
) -> None:
    [first] = actions.watchlists_of(runtime, member_id(runtime, "ada"))
    actions.remove_from_watchlist(runtime, member_id(runtime, "ada"), first.id, "CL")
    section = ada.get("/").text.split('id="member-news-title"')[1].split("</section>")[0]
    assert "Gold rallies on haven demand" in section and "Oil slips" not in section


def test_the_home_page_everyone_gets_carries_nothing_of_a_member(
    runtime: Runtime, ada: TestClient, anonymous: TestClient
) -> None:
    assert "News for my watchlist" in ada.get("/").text
    home = anonymous.get("/")
    assert home.status_code == 200 and home.headers["cache-control"] == "no-cache"
    assert "News for my watchlist" not in home.text and "form_token" not in home.text
    again = anonymous.get("/", headers={"if-none-match": home.headers["etag"]})
    assert again.status_code == 304  # still the stored page


# Following from a topic page -----------------------------------------------------------


def test_a_topic_page_asks_anyone_not_signed_in_to_sign_in_to_follow(
    anonymous: TestClient,
) -> None:
    html = anonymous.get("/topic/federal-reserve").text
    assert 'href="/account/sign-in?next=/topic/federal-reserve"' in html
    assert "form_token" not in html


def test_a_member_follows_a_topic_from_its_page(runtime: Runtime, ada: TestClient) -> None:
    page = "/topic/federal-reserve"
    response = post(ada, "/follows", page, slug="federal-reserve", next=page)
    assert response.status_code == 303 and response.headers["location"] == page
    assert "Following · stop" in ada.get(page).text
    assert [f.slug for f in actions.follows_of(runtime, member_id(runtime, "ada"))] == [
        "federal-reserve"
    ]


def test_a_follow_form_cannot_send_a_member_off_the_site(ada: TestClient) -> None:
    page = "/topic/federal-reserve"
    response = post(ada, "/follows", page, slug="federal-reserve", next="//evil.example/")
    assert response.headers["location"] == page


def test_unfollowing_from_the_watchlists_page(runtime: Runtime, ada: TestClient) -> None:
    actions.follow_entity(runtime, member_id(runtime, "ada"), "federal-reserve")
    response = post(
        ada, "/follows/remove", "/watchlists", slug="federal-reserve", next="/watchlists"
    )
    assert response.headers["location"] == "/watchlists"
    assert actions.follows_of(runtime, member_id(runtime, "ada")) == []


# API tokens ----------------------------------------------------------------------------


def test_a_new_token_is_shown_once(runtime: Runtime, ada: TestClient) -> None:
    response = post(ada, "/account/tokens", "/account/tokens", name="laptop")
    assert response.status_code == 201 and response.headers["cache-control"] == PRIVATE
    secret = re.search(r"tw_[A-Za-z0-9_-]{40,}", response.text)
    assert secret is not None
    assert secret.group(0) not in ada.get("/account/tokens").text
    assert secret.group(0) not in ada.get("/account/tokens.json").text
    assert actions.member_of_api_token(runtime, secret.group(0)) is not None


def test_revoking_a_token_by_form(runtime: Runtime, ada: TestClient) -> None:
    made = actions.create_api_token(runtime, member_id(runtime, "ada"), "laptop")
    response = post(ada, "/account/tokens/revoke", "/account/tokens", token=str(made.token.id))
    assert response.headers["location"] == "/account/tokens?done=revoked"
    assert actions.member_of_api_token(runtime, made.secret) is None


def test_another_members_token_cannot_be_revoked(
    runtime: Runtime, ada: TestClient, bob: TestClient
) -> None:
    made = actions.create_api_token(runtime, member_id(runtime, "ada"), "laptop")
    response = post(bob, "/account/tokens/revoke", "/account/tokens", token=str(made.token.id))
    assert response.status_code == 400
    assert actions.member_of_api_token(runtime, made.secret) is not None
