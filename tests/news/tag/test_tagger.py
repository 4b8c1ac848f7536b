"""Tagging: instruments and entities named in a text, with counts and false-hit rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tickerwire.instruments import AssetClass, Instrument, Registry
from tickerwire.news.tag.gazetteer import AliasTableError
from tickerwire.news.tag.tagger import EntityTag, InstrumentTag, Mention, Tagger, Tags, load_aliases

LABELLED = Path(__file__).parent / "fixtures" / "labelled.jsonl"


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(Registry.build())


def symbols(tags: Tags) -> set[str]:
    return {t.symbol for t in tags.instruments}


def entities(tags: Tags) -> set[tuple[str, str]]:
    return {(t.name, t.kind) for t in tags.entities}


def equity(symbol: str, name: str) -> Instrument:
    return Instrument(symbol=symbol, name=name, asset_class=AssetClass.EQUITY, calendar="XNYS")


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("The S&P 500 rose.", "SPX"),
        ("The S&P rose.", "SPX"),
        ("The Dow fell 200 points.", "DJI"),
        ("Dow Jones futures slipped.", "DJI"),
        ("The Nasdaq Composite gained.", "IXIC"),
        ("The Nasdaq gained.", "IXIC"),
        ("The Russell 2000 lagged.", "RUT"),
        ("Small caps lagged.", "RUT"),
        ("Oil climbed.", "CL"),
        ("Crude climbed.", "CL"),
        ("WTI climbed.", "CL"),
        ("Brent climbed.", "CL"),
        ("Gold hit a record.", "GC"),
        ("Bullion hit a record.", "GC"),
        ("Silver rallied.", "SI"),
        ("The euro slipped.", "EURUSD"),
        ("The single currency slipped.", "EURUSD"),
        ("Sterling rallied.", "GBPUSD"),
        ("The pound rallied.", "GBPUSD"),
        ("Cable broke through 1.28.", "GBPUSD"),
        ("The yen weakened.", "USDJPY"),
        ("Treasury yields rose.", "TNX"),
        ("The 10-year rose to 4.4%.", "TNX"),
        ("The volatility index jumped.", "VIX"),
        ("Wall Street's fear gauge jumped.", "VIX"),
        ("Bitcoin topped $100,000.", "BTCUSD"),
        ("BTC fell.", "BTCUSD"),
        ("The FTSE edged higher.", "FTSE"),
        ("The Footsie edged higher.", "FTSE"),
        ("The Nikkei rose.", "N225"),
        ("The CMC Crypto 200 slid.", "CMC200"),
    ],
)
def test_each_alias_family_names_its_instrument(tagger: Tagger, text: str, symbol: str) -> None:
    assert symbols(tagger.tag(text)) == {symbol}


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Nvidia shares rose.", ("Nvidia", "company")),
        ("Google was fined.", ("Alphabet", "company")),
        ("Japanese exporters rallied.", ("Japan", "country")),
        ("British inflation eased.", ("United Kingdom", "country")),
        ("The Fed held rates.", ("Federal Reserve", "central_bank")),
        ("The BOJ held rates.", ("Bank of Japan", "central_bank")),
        ("Christine Lagarde spoke.", ("Christine Lagarde", "person")),
        ("The rupee slid.", ("Indian Rupee", "currency")),
        ("The Topix slid.", ("Topix", "index")),
        ("Copper slid.", ("Copper", "commodity")),
    ],
)
def test_each_entity_kind_is_found(tagger: Tagger, text: str, entity: tuple[str, str]) -> None:
    assert entities(tagger.tag(text)) == {entity}


def test_an_entity_that_is_an_instrument_appears_in_both_lists(tagger: Tagger) -> None:
    tags = tagger.tag("Gold and the S&P 500 rose.")
    assert symbols(tags) == {"GC", "SPX"}
    assert entities(tags) == {("Gold", "commodity"), ("S&P 500", "index")}


@pytest.mark.parametrize(
    "text",
    [
        "Bake the apple pie for 45 minutes.",
        "Apple pie is a holiday favourite.",
        "She pressed fresh apple juice.",
        "He sliced a few apples.",
        "Apple orchards had a bumper harvest.",
    ],
)
def test_apple_in_a_recipe_is_not_the_company(tagger: Tagger, text: str) -> None:
    assert tagger.tag(text) == Tags([], [])


@pytest.mark.parametrize(
    "text",
    [
        "The critic Jonathan Gold praised the taco stand.",
        "Ms. Gold told the committee she would stay.",
        "The swimmer won a gold medal.",
        "The golden retriever slept.",
    ],
)
def test_gold_as_a_surname_or_a_medal_is_not_the_metal(tagger: Tagger, text: str) -> None:
    assert tagger.tag(text) == Tags([], [])


def test_gold_in_a_title_case_headline_is_still_the_metal(tagger: Tagger) -> None:
    assert symbols(tagger.tag("Stocks Slip While Gold Climbs")) == {"GC"}


@pytest.mark.parametrize(
    "text",
    [
        "The museum acquired an oil on canvas.",
        "Drizzle the olive oil over the salad.",
        "Her oil painting sold at auction.",
    ],
)
def test_oil_in_art_or_cooking_is_not_crude(tagger: Tagger, text: str) -> None:
    assert tagger.tag(text) == Tags([], [])


@pytest.mark.parametrize(
    "text", ["Investigators said the shell company had no staff.", "Shell companies hid the money."]
)
def test_shell_company_is_not_shell(tagger: Tagger, text: str) -> None:
    assert tagger.tag(text) == Tags([], [])


def test_a_seashell_is_not_shell(tagger: Tagger) -> None:
    assert tagger.tag("He collected seashells and a Seashell.") == Tags([], [])


@pytest.mark.parametrize(
    "text", ["Add a pound of flour.", "Tomatoes cost three dollars per pound."]
)
def test_pound_as_a_weight_is_not_sterling(tagger: Tagger, text: str) -> None:
    assert tagger.tag(text) == Tags([], [])


@pytest.mark.parametrize(
    "text",
    ["The expedition entered the Amazon rainforest.", "Logging in the Amazon has accelerated."],
)
def test_the_amazon_river_and_rainforest_are_not_the_company(tagger: Tagger, text: str) -> None:
    assert tagger.tag(text) == Tags([], [])


@pytest.mark.parametrize(
    "text", ["Voters are fed up with rents.", "Fed up with delays, they left."]
)
def test_fed_up_is_not_the_federal_reserve(tagger: Tagger, text: str) -> None:
    assert tagger.tag(text) == Tags([], [])


@pytest.mark.parametrize("text", ["A meta-analysis found no effect.", "Meta-analysis is hard."])
def test_meta_analysis_is_not_meta_platforms(tagger: Tagger, text: str) -> None:
    assert tagger.tag(text) == Tags([], [])


def test_tickers_that_are_words_are_ignored_when_bare(tagger: Tagger) -> None:
    assert tagger.tag("IT IS NOW ALL ON THE TABLE") == Tags([], [])


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("Allstate (NYSE: ALL) rose.", "Allstate"),
        ("Gartner (NYSE: IT) fell.", "Gartner"),
        ("Buy $NOW on dips.", "ServiceNow"),
        ("onsemi ($ON) jumped.", "ON Semiconductor"),
    ],
)
def test_tickers_that_are_words_count_as_cashtags_or_after_an_exchange(
    tagger: Tagger, text: str, company: str
) -> None:
    assert (company, "company") in entities(tagger.tag(text))


def test_cashtags_name_registry_instruments_and_companies(tagger: Tagger) -> None:
    tags = tagger.tag("Traders sold $SPX futures and bought $TSLA calls.")
    assert symbols(tags) == {"SPX"}
    assert entities(tags) == {("S&P 500", "index"), ("Tesla", "company")}


def test_case_matters_where_the_alias_says_so(tagger: Tagger) -> None:
    assert tagger.tag("Tell us about the fed cattle.") == Tags([], [])
    assert entities(tagger.tag("The US Fed")) == {
        ("United States", "country"),
        ("Federal Reserve", "central_bank"),
    }


def test_the_longest_match_wins(tagger: Tagger) -> None:
    text = "The S&P 500 rose while the FTSE 250 fell."
    assert [m.text for m in tagger.mentions(text)] == ["S&P 500", "FTSE 250"]
    assert symbols(tagger.tag(text)) == {"SPX"}


def test_a_country_inside_a_longer_name_is_not_tagged_separately(tagger: Tagger) -> None:
    assert entities(tagger.tag("The Bank of Japan met.")) == {("Bank of Japan", "central_bank")}


def test_mentions_point_into_the_original_text(tagger: Tagger) -> None:
    text = "Investors bought gold and sold Apple."
    assert tagger.mentions(text) == [Mention("gold", 17, 21), Mention("Apple", 31, 36)]


def test_curly_apostrophes_match_like_straight_ones(tagger: Tagger) -> None:
    assert entities(tagger.tag("Russia\u2019s economy slowed.")) == {("Russia", "country")}


def test_a_user_added_instrument_is_found_by_name_and_cashtag() -> None:
    tagger = Tagger(Registry.build([equity("ACME", "Acme Rocket Works")]))
    tags = tagger.tag("Acme Rocket Works rose; $ACME is up 40% this year.")
    assert tags.instruments == [InstrumentTag("ACME", "Acme Rocket Works", 2, 0.38)]
    assert tags.entities == [EntityTag("Acme Rocket Works", "company", 2, 0.38)]


def test_a_user_added_company_links_to_its_alias_table_entry() -> None:
    tagger = Tagger(Registry.build([equity("AAPL", "Apple Inc.")]))
    tags = tagger.tag("Apple Inc. said Apple would buy back stock; AAPL rose.")
    assert tags.instruments == [InstrumentTag("AAPL", "Apple Inc.", 3, 0.42)]
    assert tags.entities == [EntityTag("Apple", "company", 3, 0.42)]


def test_a_currency_yields_its_instrument_only_when_the_registry_has_it() -> None:
    text = "The ruble slid as Russia's economy cooled."
    without = Tagger(Registry.build()).tag(text)
    ruble = Instrument(
        symbol="USDRUB", name="USD/RUB", asset_class=AssetClass.CURRENCY, calendar="24/5"
    )
    with_it = Tagger(Registry.build([ruble])).tag(text)
    assert symbols(without) == set()
    assert with_it.instruments == [InstrumentTag("USDRUB", "USD/RUB", 2, 0.38)]
    assert entities(with_it) == {("Russian Ruble", "currency"), ("Russia", "country")}


def test_mentions_are_counted(tagger: Tagger) -> None:
    tags = tagger.tag("Gold rose. Spot gold then fell, and bullion ended flat.")
    assert tags.instruments == [InstrumentTag("GC", "Gold", 3, 0.42)]


def test_a_title_mention_counts_too(tagger: Tagger) -> None:
    tags = tagger.tag("Prices rose on Friday.", title="Silver Hits a Record")
    assert tags.instruments == [InstrumentTag("SI", "Silver", 1, 0.54)]


def test_tags_are_sorted_by_mentions_then_name(tagger: Tagger) -> None:
    tags = tagger.tag("Silver rose. Gold rose. Gold fell. Copper slid.")
    assert [t.name for t in tags.entities] == ["Gold", "Copper", "Silver"]


def test_a_surname_counts_only_after_the_full_name(tagger: Tagger) -> None:
    before = tagger.tag("Mr. Powell spoke. Powell left.")
    after = tagger.tag("Jerome Powell spoke. Mr. Powell left. Later Powell returned.")
    assert before == Tags([], [])
    assert after.entities == [EntityTag("Jerome Powell", "person", 3, 0.42)]


def test_a_surname_marked_not_bare_needs_an_honorific(tagger: Tagger) -> None:
    tags = tagger.tag("Masayoshi Son spoke. Son left. Mr. Son returned.")
    assert tags.entities == [EntityTag("Masayoshi Son", "person", 2, 0.38)]


def test_the_json_shape_is_exact(tagger: Tagger) -> None:
    payload = tagger.tag("Gold rose.").to_json()
    assert payload == {
        "instruments": [{"symbol": "GC", "name": "Gold", "mentions": 1, "relevance": 0.34}],
        "entities": [{"name": "Gold", "kind": "commodity", "mentions": 1, "relevance": 0.34}],
    }
    assert json.loads(json.dumps(payload)) == payload


def test_a_custom_alias_table_replaces_the_shipped_one(tmp_path: Path) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text(
        '[[entity]]\nname = "Widget Co"\nkind = "company"\naliases = ["widgeteers"]\n',
        encoding="utf-8",
    )
    tagger = Tagger(Registry.build(), load_aliases(path))
    assert entities(tagger.tag("The Widgeteers and copper.")) == {("Widget Co", "company")}


@pytest.mark.parametrize(
    "row",
    [
        '[[entity]]\nname = "X"\nkind = "planet"\naliases = ["x"]\n',
        '[[entity]]\nname = "X"\nkind = "company"\nalias = ["x"]\n',
        '[[instrument]]\naliases = ["x"]\n',
    ],
)
def test_a_malformed_alias_table_is_refused(tmp_path: Path, row: str) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text(row, encoding="utf-8")
    with pytest.raises(AliasTableError):
        load_aliases(path)


def test_precision_and_recall_on_the_labelled_set_stay_above_floors(tagger: Tagger) -> None:
    counts = {"instruments": [0, 0, 0], "entities": [0, 0, 0]}  # hits, extra, missed
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        tags = tagger.tag(row["text"])
        pairs: dict[str, tuple[set[object], set[object]]] = {
            "instruments": (set(row["instruments"]), set(symbols(tags))),
            "entities": ({(e["name"], e["kind"]) for e in row["entities"]}, set(entities(tags))),
        }
        for what, (want, got) in pairs.items():
            counts[what][0] += len(want & got)
            counts[what][1] += len(got - want)
            counts[what][2] += len(want - got)
    floors = {"instruments": (0.94, 0.98), "entities": (0.97, 0.95)}
    for what, (hits, extra, missed) in counts.items():
        precision, recall = hits / (hits + extra), hits / (hits + missed)
        assert (precision, recall) >= floors[what], (what, precision, recall)
