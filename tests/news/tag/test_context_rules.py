"""Context rules, kept as data in the alias tables, on sentences we wrote: a commodity word
in another sense, a common word that is also a ticker, a name that is also a word."""

from __future__ import annotations

import pytest

from tickerwire.instruments import Registry
from tickerwire.news.tag.tagger import Tagger, Tags


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(Registry.build())


def symbols(tags: Tags) -> set[str]:
    return {t.symbol for t in tags.instruments}


@pytest.mark.parametrize(
    "text",
    [
        "Whale oil lit the lamps of the nineteenth century.",
        "Drizzle the olive oil over the salad.",
        "Palm oil plantations spread across Borneo.",
        "An oil painting by a Dutch master sold at auction.",
        "Her oil on canvas hangs in the museum.",
        "He kept the photograph in a silver frame.",
        "Every cloud has a silver lining.",
        "She won a gold medal in the relay.",
        "The silver-plated candlesticks were polished.",
        "He wore a gold chain and a gold watch.",
        "The Olympic gold went to the home team.",
        "Jonathan Gold reviewed the restaurant.",
        "Ms. Silver declined to comment.",
    ],
)
def test_commodity_words_in_other_senses_are_not_markets(tagger: Tagger, text: str) -> None:
    assert symbols(tagger.tag(text)) == set()


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("Oil rose as OPEC cut output.", "CL"),
        ("Gold hit a record as the dollar fell.", "GC"),
        ("Silver prices tracked gold higher.", "SI"),
        ("Crude oil futures slid 2%.", "CL"),
    ],
)
def test_the_same_words_in_market_sense_still_count(tagger: Tagger, text: str, symbol: str) -> None:
    assert symbol in symbols(tagger.tag(text))


@pytest.mark.parametrize(
    "text",
    [
        "ALL of the analysts agreed.",
        "The CEO said IT spending would grow.",
        "Investors piled into AI stocks.",
        "KEY takeaways from the meeting.",
    ],
)
def test_common_words_that_are_tickers_need_a_cashtag(tagger: Tagger, text: str) -> None:
    assert {t.kind for t in tagger.tag(text).entities} <= {"index", "commodity"}
    assert not any(t.kind == "company" for t in tagger.tag(text).entities)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("An apple a day; Apple pie for dessert.", set()),
        ("Apple shares rose after the launch.", {"Apple"}),
        ("The Amazon rainforest is burning.", set()),
        ("Amazon raised prices for Prime.", {"Amazon"}),
        ("Meta-analysis of the trials showed no effect.", set()),
    ],
)
def test_names_that_are_also_words_count_only_as_names(
    tagger: Tagger, text: str, kept: set[str]
) -> None:
    assert {t.name for t in tagger.tag(text).entities if t.kind == "company"} == kept


@pytest.mark.parametrize(
    "text",
    [
        "Agence France-Presse reported the swap.",
        "A herder in Inner Mongolia fell ill.",
        "We ate Mexican food after work.",
        "Brent Sherwood, a vice president, spoke.",
        "Democrats alleged a quid-pro-quo.",
    ],
)
def test_names_inside_other_names_tag_nothing(tagger: Tagger, text: str) -> None:
    tags = tagger.tag(text)
    assert (symbols(tags), {t.kind for t in tags.entities}) == (set(), set())
