"""Relevance: a tag named in the headline or the lead, or often, scores higher than a name
passing by once in the body, so quote and topic pages list articles about a thing first."""

from __future__ import annotations

import pytest

from tickerwire.instruments import Registry
from tickerwire.news.tag.tagger import Tagger, relevance

FILLER = "Markets were quiet and traders waited for the data due later in the week. " * 16


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(Registry.build())


def gold_relevance(tagger: Tagger, text: str, title: str | None = None) -> float:
    tags = tagger.tag(text, title=title)
    return next(t.relevance for t in tags.instruments if t.symbol == "GC")


def test_the_score_grows_with_headline_lead_and_mentions() -> None:
    passing = relevance(in_headline=False, in_lead=False, mentions=1)
    often = relevance(in_headline=False, in_lead=False, mentions=5)
    lead = relevance(in_headline=False, in_lead=True, mentions=1)
    headline = relevance(in_headline=True, in_lead=False, mentions=1)
    assert passing < often < lead < headline
    assert relevance(in_headline=True, in_lead=True, mentions=9) == pytest.approx(1.0)


def test_mentions_beyond_five_add_nothing() -> None:
    five = relevance(in_headline=False, in_lead=False, mentions=5)
    assert relevance(in_headline=False, in_lead=False, mentions=50) == five


def test_a_headline_name_outranks_a_passing_body_mention(tagger: Tagger) -> None:
    about = gold_relevance(tagger, FILLER + "Gold was flat.", title="Gold hits a record")
    passing = gold_relevance(tagger, FILLER + "Gold was flat.", title="Stocks drift")
    assert about == pytest.approx(0.58)
    assert passing == pytest.approx(0.04)


def test_a_name_in_the_first_paragraph_is_in_the_lead(tagger: Tagger) -> None:
    text = "Gold rose on Monday as the dollar slipped.\n\n" + FILLER
    assert gold_relevance(tagger, text, title="Markets") == pytest.approx(0.34)


def test_the_lead_is_cut_at_a_paragraph_break_past_its_first_lines(tagger: Tagger) -> None:
    text = FILLER + "\n\n" + FILLER + "Gold ended flat."
    assert gold_relevance(tagger, text) == pytest.approx(0.04)


def test_the_json_carries_each_tags_relevance(tagger: Tagger) -> None:
    payload = tagger.tag(FILLER + "Gold was flat.", title="Gold hits a record").to_json()
    assert payload["instruments"] == [
        {"symbol": "GC", "name": "Gold", "mentions": 2, "relevance": 0.58}
    ]
