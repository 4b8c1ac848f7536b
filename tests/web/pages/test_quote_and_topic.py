"""Quote pages with charts and news, topics, Atom feeds out, movers, autocomplete, search."""

from __future__ import annotations

from xml.etree import ElementTree

from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from support.newsroom import FED_STORY, OIL_STORY
from tickerwire.runtime import Runtime

ATOM = "{http://www.w3.org/2005/Atom}"


def page(client: TestClient, path: str) -> HTMLParser:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    return HTMLParser(response.text)


def test_the_quote_page_shows_price_stats_and_market_state(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = news_portal
    tree = page(client, "/quote/SPX")
    assert tree.css_first("h1.quote-name").text().startswith("S&P 500")
    labels = [n.text() for n in tree.css(".quote-stats dt")]
    for label in ("Previous close", "Open", "Day's range", "52-week range", "Volume",
                  "Avg. volume (3 months)", "Market", "As of", "Source"):  # fmt: skip
        assert label in labels
    assert tree.css_first("[data-field=price]").text() != "—"


def test_the_chart_is_inline_svg_with_a_text_summary(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = news_portal
    tree = page(client, "/quote/SPX")
    svg = tree.css_first("#chart svg")
    assert svg is not None and svg.attributes.get("role") == "img"
    assert "S&P 500" in tree.css_first(".chart-summary").text()


def test_each_chart_range_is_a_link_that_works_without_javascript(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = news_portal
    links = page(client, "/quote/SPX").css(".chart-ranges a")
    assert [a.text() for a in links] == ["1D", "5D", "1M", "6M", "YTD", "1Y", "5Y", "MAX"]
    for link in links:
        target = page(client, link.attributes["href"] or "")
        assert target.css_first(".chart-ranges a.active").text() == link.text()
        assert target.css_first("#chart svg") is not None


def test_an_unknown_range_is_a_clear_400(news_portal: tuple[TestClient, Runtime]) -> None:
    client, _ = news_portal
    response = client.get("/quote/SPX", params={"range": "2W"})
    assert response.status_code == 400 and "1D" in response.text


def test_an_untracked_symbol_is_a_404(news_portal: tuple[TestClient, Runtime]) -> None:
    client, _ = news_portal
    assert client.get("/quote/NOPE").status_code == 404
    assert client.get("/quote/NOPE.json").status_code == 404


def test_the_quote_page_lists_the_instruments_news(news_portal: tuple[TestClient, Runtime]) -> None:
    client, _ = news_portal
    oil = [a.text() for a in page(client, "/quote/CL").css(".quote-news .headline-title")]
    assert oil == [OIL_STORY.title]


def test_the_quote_json_twin_has_stats_chart_and_news(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = news_portal
    twin = client.get("/quote/CL.json", params={"range": "5D"}).json()
    assert twin["symbol"] == "CL" and twin["chart"]["range"] == "5D"
    assert twin["chart"]["points"] > 2
    assert twin["news"][0]["title"] == OIL_STORY.title


def test_an_instrument_news_feed_is_valid_atom(news_portal: tuple[TestClient, Runtime]) -> None:
    client, _ = news_portal
    response = client.get("/quote/CL/news.xml")
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert titles == [OIL_STORY.title]


def test_article_pages_show_tag_chips_that_lead_to_quote_and_topic_pages(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, runtime = news_portal
    fed = next(a.id for a in runtime.news.latest_articles() if a.title == FED_STORY.title)
    tree = page(client, f"/article/{fed}")
    instruments = {
        a.text(deep=False).strip(): a.attributes["href"] for a in tree.css(".chip.instrument")
    }
    assert instruments["S&P 500"] == "/quote/SPX"
    assert tree.css_first(".chip.instrument .chip-quote") is not None
    entities = {a.text(): a.attributes["href"] for a in tree.css(".chip.entity")}
    assert entities["Federal Reserve"] == "/topic/federal-reserve"
    topic = page(client, "/topic/federal-reserve")
    assert [a.text() for a in topic.css(".headline-title")] == [FED_STORY.title]
    feed = ElementTree.fromstring(client.get("/topic/federal-reserve/news.xml").content)
    assert len(feed.findall(f"{ATOM}entry")) == 1


def test_an_unknown_topic_is_a_404(news_portal: tuple[TestClient, Runtime]) -> None:
    client, _ = news_portal
    assert client.get("/topic/nobody-at-all").status_code == 404


def test_movers_rank_gainers_and_losers_and_trending_counts_the_news(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = news_portal
    body = client.get("/api/v1/movers").json()
    gains = [m["change_percent"] for m in body["gainers"]]
    losses = [m["change_percent"] for m in body["losers"]]
    assert gains == sorted(gains, reverse=True) and all(g > 0 for g in gains)
    assert losses == sorted(losses) and all(loss < 0 for loss in losses)
    assert {"CL", "SPX"} <= {m["symbol"] for m in body["trending"]}
    assert page(client, "/").css_first("#movers") is not None


def test_symbol_autocomplete_matches_symbols_and_names(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = news_portal
    assert [m["symbol"] for m in client.get("/api/v1/symbols", params={"q": "nik"}).json()] == [
        "N225"
    ]
    assert client.get("/api/v1/symbols", params={"q": "eur"}).json()[0]["symbol"] == "EURUSD"
    options = page(client, "/").css("#symbol-list option")
    assert len(options) == 16


def test_search_finds_articles_by_words_and_filters(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = news_portal
    tree = page(client, "/search?q=policymakers")
    assert [a.text() for a in tree.css(".search-results .headline-title")] == [FED_STORY.title]
    assert tree.css_first(".snippet mark") is not None
    body = client.get("/api/v1/search", params={"q": "prices", "symbol": "CL"}).json()
    assert [h["title"] for h in body["hits"]] == [OIL_STORY.title]
    assert (
        client.get("/api/v1/search", params={"q": "prices", "publisher": "Nobody"}).json()["total"]
        == 0
    )


def test_search_for_a_symbol_offers_its_quote_page(news_portal: tuple[TestClient, Runtime]) -> None:
    client, _ = news_portal
    link = page(client, "/search?q=spx").css_first(".symbol-match a")
    assert link is not None and link.attributes["href"] == "/quote/SPX"


def test_bad_search_filters_are_clear_errors(news_portal: tuple[TestClient, Runtime]) -> None:
    client, _ = news_portal
    response = client.get("/api/v1/search", params={"q": "oil", "since": "yesterday"})
    assert response.status_code == 422 and "since" in response.json()["detail"]
    assert client.get("/search", params={"q": "oil", "symbol": "NOPE"}).status_code == 400
    hostile = client.get("/search", params={"q": '"unbalanced AND OR NEAR( title: *'})
    assert hostile.status_code == 200
