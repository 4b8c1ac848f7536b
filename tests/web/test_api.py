"""The JSON API: market status, quotes, ribbon, providers, and its OpenAPI document."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_market_status_has_the_banner_and_each_calendar_once(client: TestClient) -> None:
    body = client.get("/api/v1/market-status").json()
    assert body["banner"]["is_open"] is True
    calendars = [m["calendar"] for m in body["markets"]]
    assert sorted(calendars) == sorted(set(calendars))
    assert {"XNYS", "XLON", "XTKS", "24/5", "24/7", "us_futures"} <= set(calendars)


def test_quotes_for_requested_symbols_in_request_order(client: TestClient) -> None:
    body = client.get("/api/v1/quotes", params={"symbols": "btcusd,SPX"}).json()
    assert [q["symbol"] for q in body["quotes"]] == ["BTCUSD", "SPX"]
    assert all(q["provider"] == "simulated" for q in body["quotes"])


def test_unknown_symbols_are_a_404_naming_them(client: TestClient) -> None:
    response = client.get("/api/v1/quotes", params={"symbols": "SPX,NOPE"})
    assert response.status_code == 404
    assert "NOPE" in response.json()["detail"]


def test_an_empty_symbol_list_is_a_clear_422(client: TestClient) -> None:
    response = client.get("/api/v1/quotes", params={"symbols": " , "})
    assert response.status_code == 422
    assert "symbols" in response.json()["detail"]


def test_ribbon_lists_sixteen_cells_marked_simulated(client: TestClient) -> None:
    body = client.get("/api/v1/ribbon").json()
    assert body["simulated"] is True
    assert len(body["ribbon"]) == 16


def test_openapi_documents_every_v1_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/market-status", "/api/v1/quotes", "/api/v1/ribbon", "/api/v1/stream"):
        assert path in paths


def test_the_docs_page_is_served_without_a_cdn(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "swagger" in html.lower()
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html


def test_cross_origin_stream_subscriptions_are_refused(client: TestClient) -> None:
    response = client.get("/api/v1/stream", headers={"origin": "https://evil.example"})
    assert response.status_code == 403
