"""``/api/v1/providers/check`` and ``/sources``: the provider report in the JSON API, for
admins only, against a local fake Yahoo, Stooq and CoinGecko."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from support.http_server import LocalServer
from support.markets_desk import MarketsDesk
from support.runtimes import opened_runtime
from tickerwire import actions
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app
from web.pages.admin.test_providers import desk_settings

pytestmark = pytest.mark.usefixtures("cheap_hashes")


@pytest.fixture
def api(database_url: str) -> Iterator[tuple[TestClient, Runtime, MarketsDesk]]:
    with LocalServer() as server:
        desk = MarketsDesk(server)
        settings = desk_settings(database_url, server.base_url)
        with (
            opened_runtime(settings) as runtime,
            TestClient(create_app(settings, runtime=runtime)) as client,
        ):
            yield client, runtime, desk
            assert client.portal is not None
            client.portal.call(runtime.fetcher._client._transport.aclose)  # test teardown


def bearer(runtime: Runtime, username: str, *, admin: bool) -> dict[str, str]:
    member = actions.create_member(runtime, username, "correct horse battery", admin=admin)
    token = actions.create_api_token(runtime, member.id, "tests")
    return {"authorization": f"Bearer {token.secret}"}


def test_an_admin_gets_the_check_as_json(api: tuple[TestClient, Runtime, MarketsDesk]) -> None:
    client, runtime, desk = api
    desk.prices[("stooq", "DJI")] = 40000.0
    answer = client.get(
        "/api/v1/providers/check?symbols=SPX,DJI", headers=bearer(runtime, "ada", admin=True)
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "private, no-store"
    probes = {(p["symbol"], p["provider"]): p for p in answer.json()["probes"]}
    assert set(probes) == {("SPX", "yahoo"), ("SPX", "stooq"), ("DJI", "yahoo"), ("DJI", "stooq")}
    assert probes[("DJI", "stooq")]["agreement"] == "-6.98 % from yahoo (tolerance 0.5 %)"


def test_a_member_who_is_not_an_admin_is_refused(
    api: tuple[TestClient, Runtime, MarketsDesk],
) -> None:
    client, runtime, _ = api
    answer = client.get("/api/v1/providers/check", headers=bearer(runtime, "bob", admin=False))
    assert answer.status_code == 403
    assert client.get("/api/v1/providers/sources").status_code == 401


def test_sources_list_every_instrument_with_its_chain(
    api: tuple[TestClient, Runtime, MarketsDesk],
) -> None:
    client, runtime, _ = api
    answer = client.get("/api/v1/providers/sources", headers=bearer(runtime, "ada", admin=True))
    chains = {i["symbol"]: i["chain"] for i in answer.json()}
    assert chains["BTCUSD"] == ["coingecko", "yahoo", "stooq"]
    assert chains["CMC200"] == ["yahoo"]
