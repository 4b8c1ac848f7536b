"""The account pages: signing up, in and out, the profile, and every way a form is refused
(another site, a missing or wrong token, a field the form does not have, too big), with
nothing changed; the cache never sends one reader's header to another."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from support.account_forms import PASSWORD, portal, post, sign_in, sign_up, token_of
from support.moments import FRIDAY_MORNING
from support.runtimes import opened_runtime
from tickerwire import actions
from tickerwire.accounts.tokens import FORM_COOKIE, SESSION_COOKIE
from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.web.forms import FORM_MAX_BYTES

pytestmark = pytest.mark.usefixtures("cheap_hashes")


@pytest.fixture
def runtime(database_url: str) -> Iterator[Runtime]:
    settings = Settings(database_url=database_url, demo=True, poller_enabled=False)
    with opened_runtime(settings, clock=lambda: FRIDAY_MORNING) as runtime:
        yield runtime


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with portal(runtime) as client:
        yield client


def members(runtime: Runtime) -> list[str]:
    with runtime.engine.connect() as connection:
        return [row[0] for row in connection.exec_driver_sql("SELECT username FROM members")]


# Signing up, in and out -----------------------------------------------------------------


def test_signing_up_makes_a_member_and_signs_them_in(client: TestClient, runtime: Runtime) -> None:
    response = sign_up(client)
    assert response.status_code == 303 and response.headers["location"] == "/account"
    assert members(runtime) == ["ada"]
    profile = client.get("/account")
    assert profile.status_code == 200 and '<h1 class="section-title">ada</h1>' in profile.text


def test_the_session_cookie_is_http_only_and_same_site_lax(client: TestClient) -> None:
    cookie = sign_up(client).headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP here


def test_the_session_cookie_is_secure_over_https(runtime: Runtime) -> None:
    with portal(runtime, "https://testserver") as client:
        response = sign_up(client)
    assert "Secure" in response.headers["set-cookie"]


def test_signing_in_goes_to_the_next_page(client: TestClient, runtime: Runtime) -> None:
    actions.create_member(runtime, "ada", PASSWORD)
    response = sign_in(client, "ADA", next="/quote/SPX?range=5D")
    assert response.status_code == 303 and response.headers["location"] == "/quote/SPX?range=5D"
    assert "ada" in client.get("/api/v1/me").json()["member"]["username"]


def test_the_sign_in_form_comes_with_a_pre_session_cookie_spent_at_sign_in(
    client: TestClient, runtime: Runtime
) -> None:
    actions.create_member(runtime, "ada", PASSWORD)
    cookie = client.get("/account/sign-in").headers["set-cookie"]
    assert cookie.startswith(f"{FORM_COOKIE}=") and "HttpOnly" in cookie
    assert sign_in(client).status_code == 303
    assert FORM_COOKIE not in client.cookies


def test_signing_out_ends_the_session(client: TestClient, runtime: Runtime) -> None:
    sign_up(client)
    secret = client.cookies[SESSION_COOKIE]
    response = post(client, "/account/sign-out", "/account")
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert actions.member_of_session(runtime, secret) is None
    assert client.get("/api/v1/me").json() == {"signed_in": False, "member": None}


def test_sign_out_by_get_changes_nothing(client: TestClient) -> None:
    sign_up(client)
    assert client.get("/account/sign-out").status_code == 405
    assert client.get("/api/v1/me").json()["signed_in"] is True


def test_the_profile_asks_a_reader_to_sign_in_first(client: TestClient) -> None:
    response = client.get("/account")
    assert response.status_code == 303
    assert response.headers["location"] == "/account/sign-in?next=/account"


def test_a_wrong_password_is_refused_in_the_same_words_as_an_unknown_name(
    client: TestClient, runtime: Runtime
) -> None:
    actions.create_member(runtime, "ada", PASSWORD)
    wrong = sign_in(client, "ada", "not the password")
    unknown = sign_in(client, "nobody", PASSWORD)
    assert wrong.status_code == unknown.status_code == 400
    assert "the username or password is wrong" in wrong.text
    assert "the username or password is wrong" in unknown.text
    assert SESSION_COOKIE not in client.cookies


def test_sign_in_is_throttled_with_retry_after(client: TestClient, runtime: Runtime) -> None:
    actions.create_member(runtime, "ada", PASSWORD)
    for _ in range(runtime.settings.accounts.sign_in_failures):
        assert sign_in(client, "ada", "not the password").status_code == 400
    refused = sign_in(client, "ada", PASSWORD)  # even the right password now waits
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) == 15 * 60
    assert "too many failed sign-ins" in refused.text
    assert SESSION_COOKIE not in client.cookies


def test_changing_the_password_signs_out_every_other_browser(
    runtime: Runtime, client: TestClient
) -> None:
    actions.create_member(runtime, "ada", PASSWORD)
    with portal(runtime) as other:
        sign_in(other, "ada")
        assert other.get("/api/v1/me").json()["signed_in"] is True
        sign_in(client, "ada")
        before = client.cookies[SESSION_COOKIE]
        fields = {
            "current": PASSWORD,
            "new": "a much longer secret",
            "confirm": "a much longer secret",
        }
        response = post(client, "/account/password", "/account", **fields)
        assert response.headers["location"] == "/account?done=password"
        assert other.get("/api/v1/me").json()["signed_in"] is False
    assert client.cookies[SESSION_COOKIE] != before
    assert actions.member_of_session(runtime, before) is None
    assert "Your password is changed" in client.get("/account?done=password").text
    with portal(runtime) as another:
        assert sign_in(another, "ada", "a much longer secret").status_code == 303


def test_deleting_the_account_takes_it_and_its_sessions(
    client: TestClient, runtime: Runtime
) -> None:
    sign_up(client)
    secret = client.cookies[SESSION_COOKIE]
    response = post(client, "/account/delete", "/account", password=PASSWORD, confirm="ada")
    assert response.headers["location"] == "/account/sign-in?done=deleted"
    assert members(runtime) == []
    assert actions.member_of_session(runtime, secret) is None


def test_deleting_needs_the_username_typed(client: TestClient, runtime: Runtime) -> None:
    sign_up(client)
    response = post(client, "/account/delete", "/account", password=PASSWORD, confirm="")
    assert response.status_code == 400 and "nothing was deleted" in response.text
    assert members(runtime) == ["ada"]


def test_sign_up_is_refused_when_closed(runtime: Runtime) -> None:
    runtime.settings.accounts.signup = "closed"
    with portal(runtime) as client:
        assert "Sign-up is closed on this site" in client.get("/account/sign-up").text
        fields = {"username": "ada", "password": PASSWORD, "confirm": PASSWORD}
        response = post(client, "/account/sign-up", "/account/sign-in", **fields)
    assert response.status_code == 400 and "sign-up is closed" in response.text
    assert members(runtime) == []


# What the cache sends to whom -------------------------------------------------------------


def test_a_members_name_is_never_in_a_page_sent_to_another_reader(
    runtime: Runtime, client: TestClient
) -> None:
    sign_up(client, "zoltan")
    with portal(runtime) as anonymous, portal(runtime) as other:
        sign_up(other, "wilhelmina")
        for path in ("/", "/quote/SPX", "/feeds", "/search?q=oil", "/article/999999"):
            mine = client.get(path)
            assert "zoltan" in mine.text and mine.headers["cache-control"] == "private, no-store"
            for _ in range(2):  # the second from the stored copy, when there is one
                theirs = anonymous.get(path).text
                assert "zoltan" not in theirs and "Sign in" in theirs
                others = other.get(path).text
                assert "zoltan" not in others and "wilhelmina" in others


def test_a_signed_in_reader_is_not_sent_the_stored_anonymous_page(
    runtime: Runtime, client: TestClient
) -> None:
    with portal(runtime) as anonymous:
        anonymous.get("/")
        anonymous.get("/")  # stored now, and its address remembered
    sign_up(client)
    assert "ada" in client.get("/").text


# Refused forms: nothing changes -------------------------------------------------------------


def test_a_form_posted_from_another_site_is_refused(client: TestClient, runtime: Runtime) -> None:
    token = token_of(client.get("/account/sign-up").text)
    fields = {"form_token": token, "username": "ada", "password": PASSWORD, "confirm": PASSWORD}
    for headers in ({"origin": "https://evil.example"}, {"sec-fetch-site": "cross-site"}):
        response = client.post("/account/sign-up", data=fields, headers=headers)
        assert response.status_code == 403 and "from another site" in response.text
    assert members(runtime) == []


def test_a_form_without_its_token_or_with_a_wrong_one_is_refused(
    client: TestClient, runtime: Runtime
) -> None:
    client.get("/account/sign-up")
    fields = {"username": "ada", "password": PASSWORD, "confirm": PASSWORD}
    for token in ({}, {"form_token": "0" * 64}):
        response = client.post("/account/sign-up", data={**fields, **token})
        assert response.status_code == 403 and "reload the page" in response.text
    assert members(runtime) == []


def test_a_token_from_another_browser_does_not_sign_out(
    runtime: Runtime, client: TestClient
) -> None:
    sign_up(client)
    with portal(runtime) as attacker:
        sign_up(attacker, "mallory")
        their_token = token_of(attacker.get("/account").text)
    response = client.post("/account/sign-out", data={"form_token": their_token})
    assert response.status_code == 403
    assert client.get("/api/v1/me").json()["signed_in"] is True


@pytest.mark.parametrize("field", ["is_admin", "role"])
def test_sign_up_refuses_a_field_it_does_not_have(
    client: TestClient, runtime: Runtime, field: str
) -> None:
    response = sign_up(client, **{field: "admin" if field == "role" else "1"})
    assert response.status_code == 400 and f"no field named {field}" in response.text
    assert members(runtime) == []


def test_the_profile_refuses_a_role_field(client: TestClient, runtime: Runtime) -> None:
    sign_up(client)
    fields = {"current": PASSWORD, "new": "another long one", "confirm": "another long one"}
    response = post(client, "/account/password", "/account", role="admin", **fields)
    assert response.status_code == 400
    member = runtime.accounts.member_by_key("ada")
    assert member is not None and member.role == "member"
    with portal(runtime) as another:  # the password is unchanged
        assert sign_in(another, "ada", PASSWORD).status_code == 303


def test_an_oversized_form_is_refused(client: TestClient, runtime: Runtime) -> None:
    token = token_of(client.get("/account/sign-up").text)
    huge = "x" * FORM_MAX_BYTES
    fields = {"form_token": token, "username": "ada", "password": huge, "confirm": huge}
    response = client.post("/account/sign-up", data=fields)
    assert response.status_code == 413 and "larger than 8 KiB" in response.text
    assert members(runtime) == []


@pytest.mark.parametrize("name", ["ada\r\nSet-Cookie: x=1", "ada\nx", "<b>ada</b>", "ádå", "a"])
def test_a_username_outside_the_rules_is_refused(
    client: TestClient, runtime: Runtime, name: str
) -> None:
    response = sign_up(client, name)
    assert response.status_code == 400 and "a username is 3 to 32 characters" in response.text
    assert "x" not in client.cookies
    assert members(runtime) == []


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "https://evil.example/",
        "/\t/evil.example",
        "evil.example",
    ],
)
def test_sign_in_never_redirects_off_the_site(
    client: TestClient, runtime: Runtime, target: str
) -> None:
    actions.create_member(runtime, "ada", PASSWORD)
    response = sign_in(client, next=target)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_the_session_id_changes_at_sign_in(client: TestClient, runtime: Runtime) -> None:
    """Session fixation: an id planted in the browser before sign-in is never the one after."""
    actions.create_member(runtime, "ada", PASSWORD)
    client.get("/account/sign-in")
    client.cookies.set(SESSION_COOKIE, "planted-by-an-attacker", domain="testserver.local")
    assert sign_in(client).status_code == 303
    assert client.cookies[SESSION_COOKIE] != "planted-by-an-attacker"
    assert actions.member_of_session(runtime, "planted-by-an-attacker") is None
    assert client.get("/api/v1/me").json()["member"]["username"] == "ada"


def test_a_valid_session_planted_before_sign_in_is_ended_not_adopted(
    runtime: Runtime, client: TestClient
) -> None:
    """Session fixation with a real id: the attacker's own session, planted in the
    victim's browser, ends when the victim signs in; the victim gets a new one."""
    actions.create_member(runtime, "ada", PASSWORD)
    actions.create_member(runtime, "mallory", PASSWORD)
    planted = actions.sign_in(runtime, "mallory", PASSWORD, address="b").secret
    token = token_of(client.get("/account/sign-in").text)  # the form open before planting
    client.cookies.set(SESSION_COOKIE, planted, domain="testserver.local")
    fields = {"form_token": token, "username": "ada", "password": PASSWORD}
    assert client.post("/account/sign-in", data=fields).status_code == 303
    assert client.cookies[SESSION_COOKIE] != planted
    assert actions.member_of_session(runtime, planted) is None
    assert client.get("/api/v1/me").json()["member"]["username"] == "ada"


@pytest.mark.parametrize("path", ["/account/sign-in", "/account/sign-up"])
@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "http://testserver.evil.example"},
        {"origin": "null"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
    ],
)
def test_sign_in_and_sign_up_from_another_origin_are_refused(
    client: TestClient, runtime: Runtime, path: str, headers: dict[str, str]
) -> None:
    """Login CSRF: another site cannot sign a reader in to an account of its choosing."""
    actions.create_member(runtime, "mallory", PASSWORD)
    token = token_of(client.get(path).text)
    fields = {"form_token": token, "username": "mallory", "password": PASSWORD}
    if path.endswith("sign-up"):
        fields |= {"username": "ada", "confirm": PASSWORD}
    response = client.post(path, data=fields, headers=headers)
    assert response.status_code == 403 and "from another site" in response.text
    assert SESSION_COOKIE not in client.cookies
    assert members(runtime) == ["mallory"]


def test_a_password_change_from_another_origin_changes_nothing(
    client: TestClient, runtime: Runtime
) -> None:
    sign_up(client)
    token = token_of(client.get("/account").text)
    fields = {"form_token": token, "current": PASSWORD, "new": "x" * 12, "confirm": "x" * 12}
    response = client.post(
        "/account/password", data=fields, headers={"origin": "https://evil.example"}
    )
    assert response.status_code == 403
    with portal(runtime) as another:
        assert sign_in(another, "ada", PASSWORD).status_code == 303
    assert client.get("/api/v1/me").json()["signed_in"] is True


@pytest.mark.parametrize("name", ["ada\r\nSet-Cookie: x=1", "ada\nLocation: //evil.example"])
def test_a_username_with_a_line_break_never_reaches_a_header(
    client: TestClient, runtime: Runtime, name: str
) -> None:
    actions.create_member(runtime, "ada", PASSWORD)
    response = sign_in(client, name)
    assert response.status_code == 400
    assert "x" not in client.cookies and "location" not in response.headers
    assert all("\n" not in value and "\r" not in value for value in response.headers.values())


def test_an_oversized_form_is_refused_by_its_declared_length(
    client: TestClient, runtime: Runtime
) -> None:
    token = token_of(client.get("/account/sign-in").text)
    response = client.post(
        "/account/sign-in",
        content=f"form_token={token}&username=ada&password=" + "x" * (FORM_MAX_BYTES + 1),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert runtime.accounts.failures("account", "ada", FRIDAY_MORNING - timedelta(1)) == []


# The header's "Sign in" link -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "link"),
    [
        ("/", "/account/sign-in?next=/"),
        ("/quote/SPX?range=5D", "/account/sign-in?next=/quote/SPX%3Frange%3D5D"),
        ("/feeds", "/account/sign-in?next=/feeds"),
    ],
)
def test_the_sign_in_link_comes_back_to_the_page(client: TestClient, path: str, link: str) -> None:
    for _ in range(2):  # the second from the stored copy
        assert f'class="reader-sign-in" href="{link}"' in client.get(path).text


def test_the_sign_in_link_escapes_what_the_address_carries(client: TestClient) -> None:
    text = client.get('/search?q="><script>alert(1)</script>').text
    corner = text[text.index('class="reader-sign-in"') :].split(">", 1)[0]
    assert "<" not in corner and corner.count('"') == 4  # class="…" href="…"
    # the address as sent (%22...), encoded once more as next's value: read back as sent
    assert "next=/search%3Fq%3D%2522%253E%253Cscript%253E" in corner


def test_signing_in_from_the_header_link_lands_on_the_page(
    client: TestClient, runtime: Runtime
) -> None:
    actions.create_member(runtime, "ada", PASSWORD)
    text = client.get("/quote/SPX?range=5D").text
    link = text.split('class="reader-sign-in" href="', 1)[1].split('"', 1)[0]
    token = token_of(client.get(link).text)
    assert 'name="next" value="/quote/SPX?range=5D"' in client.get(link).text
    response = client.post(
        "/account/sign-in",
        data={
            "form_token": token,
            "username": "ada",
            "password": PASSWORD,
            "next": "/quote/SPX?range=5D",
        },
        headers={"origin": "http://testserver"},
    )
    assert response.headers["location"] == "/quote/SPX?range=5D"


# Sign-up by invitation ---------------------------------------------------------------------


@pytest.fixture
def by_invitation(runtime: Runtime) -> Runtime:
    runtime.settings.accounts.signup = "invite"
    return runtime


def test_the_invitation_link_fills_in_its_code(by_invitation: Runtime, client: TestClient) -> None:
    invitation = actions.invite_member(by_invitation)
    text = client.get(invitation.path).text
    assert 'name="invite" autocomplete="off"' in text and f'value="{invitation.code}"' in text


def test_signing_up_with_an_invitation_code(by_invitation: Runtime, client: TestClient) -> None:
    code = actions.invite_member(by_invitation).code
    assert sign_up(client, invite=code).status_code == 303
    assert members(by_invitation) == ["ada"]
    with portal(by_invitation) as other:
        refused = sign_up(other, "bob", invite=code)
    assert refused.status_code == 400 and "used already" in refused.text
    assert members(by_invitation) == ["ada"]


def test_signing_up_without_a_code_is_refused_by_invitation(
    by_invitation: Runtime, client: TestClient
) -> None:
    for extra in ({}, {"invite": ""}, {"invite": "made-up"}):
        assert sign_up(client, **extra).status_code == 400
    assert members(by_invitation) == []
