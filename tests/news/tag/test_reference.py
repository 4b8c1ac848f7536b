"""Countries and companies come from reference packages, refined by the alias table's rules."""

from __future__ import annotations

import pytest

from tickerwire.instruments import AssetClass, Instrument, Registry
from tickerwire.news.tag.gazetteer import AliasTable, Entity, load_aliases
from tickerwire.news.tag.reference import company_entries, company_name, country_entries
from tickerwire.news.tag.tagger import Tagger, Tags


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(Registry.build())


def countries(tags: Tags) -> set[str]:
    return {t.name for t in tags.entities if t.kind == "country"}


def companies(tags: Tags) -> set[str]:
    return {t.name for t in tags.entities if t.kind == "company"}


def test_every_country_comes_from_the_package_not_a_hand_list() -> None:
    names = {e.entity.name for e in country_entries(AliasTable(())) if e.entity}
    assert len(names) > 240
    assert {"Iraq", "Syria", "Chad", "Mongolia", "Laos"} <= names
    shipped = load_aliases().entries
    hand = {e.entity.name for e in shipped if e.entity and e.entity.kind == "country"}
    assert hand - names <= {"Euro Area"}  # the table only refines them


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Iraqi forces advanced.", "Iraq"),
        ("Syrian refugees crossed the border.", "Syria"),
        ("Moscow rejected the proposal.", "Russia"),
        ("Baghdad said the talks would resume.", "Iraq"),
        ("Washington imposed new tariffs.", "United States"),
        ("Officials in Syria and Iraq met.", "Syria"),
        ("The Islamic Republic of Iran replied.", "Iran"),
        ("Beijing retaliated against the tariffs.", "China"),
        ("MOSCOW, Nov 18 - The ruble slid.", "Russia"),
        ("Kenyan tea exports rose.", "Kenya"),
        ("Georgia's parliament in Tbilisi voted.", "Georgia"),
        ("Jordan closed its border.", "Jordan"),
    ],
)
def test_names_demonyms_and_capitals_name_their_country(
    tagger: Tagger, text: str, country: str
) -> None:
    assert country in countries(tagger.tag(text))


def test_the_article_that_missed_iraq_and_syria_names_all_four(tagger: Tagger) -> None:
    text = (
        "Russia and Iran back the government in Damascus, while Iraqi militias patrol the"
        " border and Vladimir Putin hosts talks on Syria."
    )
    tags = tagger.tag(text)
    assert {"Russia", "Iran", "Iraq", "Syria"} <= countries(tags)
    assert ("Vladimir Putin", "person") in {(t.name, t.kind) for t in tags.entities}


@pytest.mark.parametrize(
    "text",
    [
        "Roast turkey and a Turkey dinner with gravy.",
        "She set the table with fine china and a China cabinet.",
        "Jordan Peterson gave a lecture.",
        "Michael Jordan retired.",
        "Chad Smith played drums.",
        "Atlanta, Georgia voters went to the polls; Georgia Tech won.",
        "They drove from Paris, Texas to Moscow, Idaho.",
        "Polish the silverware before dinner.",
        "London stocks closed higher; Tokyo traders were cautious.",
    ],
)
def test_words_and_names_that_look_like_countries_are_not_countries(
    tagger: Tagger, text: str
) -> None:
    assert countries(tagger.tag(text)) == set()


def test_company_names_are_cleaned_of_their_legal_form() -> None:
    assert company_name("The Boeing Company") == "Boeing"
    assert company_name("Apple Inc.") == "Apple"
    assert company_name("Alphabet Inc. (Class A)") == "Alphabet"
    assert company_name("Siemens AG") == "Siemens"
    assert company_name("Royal Dutch Shell plc") == "Royal Dutch Shell"


def test_index_constituents_come_from_the_package_with_their_indices() -> None:
    entries = {e.entity.name: e for e in company_entries(AliasTable(())) if e.entity}
    assert len(entries) > 800
    boeing = entries["Boeing"]
    assert boeing.ticker == "BA"
    assert set(boeing.index_symbols) == {"SPX", "DJI"}


@pytest.mark.parametrize(
    "text", ["Boeing delivered 40 jets.", "The Boeing Company said.", "Boeing Co. shares fell."]
)
def test_boeing_is_named_in_every_form(tagger: Tagger, text: str) -> None:
    assert companies(tagger.tag(text)) == {"Boeing"}


def test_a_headline_about_a_company_tags_its_ticker_and_indices() -> None:
    boeing = Instrument(symbol="BA", name="Boeing", asset_class=AssetClass.EQUITY, calendar="XNYS")
    tags = Tagger(Registry.build([boeing])).tag(
        "Emirates ordered 30 787 jets.", title="Boeing wins a big order"
    )
    relevance = {t.symbol: t.relevance for t in tags.instruments}
    assert set(relevance) == {"BA", "SPX", "DJI"}
    assert relevance["SPX"] == relevance["DJI"] == pytest.approx(relevance["BA"] / 2)


def test_a_company_named_only_in_the_body_does_not_tag_its_index(tagger: Tagger) -> None:
    tags = tagger.tag("Airlines rose; Boeing was flat.", title="Airlines rally")
    assert companies(tags) == {"Boeing"}
    assert {t.symbol for t in tags.instruments} == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Target practice at the range.", set()),
        ("Target Corporation raised its forecast.", {"Target"}),
        ("He applied for a Visa to travel.", set()),
        ("Visa Inc. processed more payments.", {"Visa"}),
        ("Mind the Gap between the platform and the train.", set()),
        ("An apple pie and a Gap year.", set()),
    ],
)
def test_company_names_that_are_words_need_their_legal_name(
    tagger: Tagger, text: str, expected: set[str]
) -> None:
    assert companies(tagger.tag(text)) == expected


def test_short_or_wordlike_tickers_of_constituents_need_a_cashtag_or_an_exchange(
    tagger: Tagger,
) -> None:
    assert companies(tagger.tag("TECH stocks rallied.")) == set()
    assert companies(tagger.tag("The POOL and the DECK were new.")) == set()
    assert companies(tagger.tag("COO and USB are not tickers here.")) == set()
    assert companies(tagger.tag("NFLX and AVGO led gains.")) == {"Netflix", "Broadcom"}
    assert companies(tagger.tag("Shares of $BA fell.")) == {"Boeing"}
    assert companies(tagger.tag("Boeing (NYSE: BA) fell.")) == {"Boeing"}


def test_the_alias_tables_meaning_wins_over_a_package_name(tagger: Tagger) -> None:
    """ "Nasdaq" is the index in news, though Nasdaq, Inc. is an S&P 500 company."""
    tags = tagger.tag("The Nasdaq gained.")
    assert {t.symbol for t in tags.instruments} == {"IXIC"}
    assert Entity("Nasdaq", "company") not in {Entity(t.name, t.kind) for t in tags.entities}


@pytest.mark.parametrize(
    "text",
    [
        "The Washington Post reported the story.",
        "George Washington crossed the Delaware.",
        "Washington State beat Oregon.",
    ],
)
def test_washington_the_newspaper_the_man_and_the_state_are_not_the_us(
    tagger: Tagger, text: str
) -> None:
    assert "United States" not in countries(tagger.tag(text))
