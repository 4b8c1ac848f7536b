"""The search page and its twins word how many articles match: exactly, or past the
store's count limit as "N+"."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tickerwire.runtime import Runtime
from tickerwire.store import search
from tickerwire.web.pages import search as search_page


def result_count(client: TestClient, query: str) -> str:
    response = client.get("/search", params={"q": query})
    assert response.status_code == 200, response.text[:300]
    count = HTMLParser(response.text).css_first(".result-count")
    assert count is not None
    return count.text()


def test_an_exact_count_is_shown_as_it_is(news_portal: tuple[TestClient, Runtime]) -> None:
    client, _ = news_portal
    assert result_count(client, "policymakers") == "1 result for “policymakers”"
    twin = client.get("/search.json", params={"q": "policymakers"}).json()
    assert (twin["total"], twin["total_capped"], twin["total_text"]) == (1, False, "1")


def test_a_count_past_the_limit_is_shown_with_a_plus(
    news_portal: tuple[TestClient, Runtime], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = news_portal
    both = client.get("/api/v1/search", params={"q": "prices"}).json()
    assert both["total"] == 2
    monkeypatch.setattr(search, "COUNT_LIMIT", 1)
    assert result_count(client, "prices") == "1+ results for “prices”"
    for path in ("/search.json", "/api/v1/search"):
        body = client.get(path, params={"q": "prices"}).json()
        assert (body["total"], body["total_capped"], body["total_text"]) == (1, True, "1+")
        assert len(body["hits"]) == 2


def pager(client: TestClient, query: str, page: int) -> str:
    response = client.get("/search", params={"q": query, "page": page})
    nav = HTMLParser(response.text).css_first("nav.pager")
    return " ".join(nav.text().split()) if nav is not None else ""


def test_past_a_capped_count_the_pager_goes_on_while_there_are_more_matches(
    news_portal: tuple[TestClient, Runtime], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = news_portal
    monkeypatch.setattr(search, "COUNT_LIMIT", 1)
    monkeypatch.setattr(search_page, "PAGE_SIZE", 1)
    assert pager(client, "prices", 1) == "Page 1 Next"
    assert pager(client, "prices", 2) == "Previous Page 2"
    twin = client.get("/search.json", params={"q": "prices", "page": 2}).json()
    assert (twin["total_text"], twin["next_page"], len(twin["hits"])) == ("1+", None, 1)


def test_an_exact_count_names_the_last_page(
    news_portal: tuple[TestClient, Runtime], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = news_portal
    monkeypatch.setattr(search_page, "PAGE_SIZE", 1)
    assert pager(client, "prices", 1) == "Page 1 of 2 Next"
    assert pager(client, "prices", 2) == "Previous Page 2 of 2"
