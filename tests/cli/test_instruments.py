"""``tickerwire instruments search`` and ``add`` against a local fake Yahoo and Stooq."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from cli.conftest import invoke_cli
from support.http_server import LocalServer
from support.markets_desk import MarketsDesk, SearchHit, desk_environment
from tickerwire.instruments import AssetClass, Instrument

ASML = SearchHit("ASML", "ASML Holding N.V.", "EQUITY", "NMS", "NASDAQ", "USD", 690.25)


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch) -> Iterator[MarketsDesk]:
    with LocalServer() as server:
        desk = MarketsDesk(server)
        added = Instrument(
            symbol="ASML",
            name=ASML.name,
            asset_class=AssetClass.EQUITY,
            calendar="XNAS",
            provider_symbols={"yahoo": "ASML", "stooq": "asml.us"},
        )
        desk.list_symbol(ASML, added)
        for name, value in desk_environment(server).items():
            monkeypatch.setenv(name, value)
        yield desk


def test_search_prints_the_candidates(desk: MarketsDesk, database_url: str) -> None:
    outcome = invoke_cli("--database-url", database_url, "instruments", "search", "asml")
    assert outcome.code == 0, outcome.output
    assert "ASML Holding N.V." in outcome.stdout and "NASDAQ" in outcome.stdout


def test_add_shows_what_was_inferred_and_backfills(desk: MarketsDesk, database_url: str) -> None:
    outcome = invoke_cli("--database-url", database_url, "instruments", "add", "ASML", "--yes")
    assert outcome.code == 0, outcome.output
    assert "ASML: ASML Holding N.V., equity, calendar XNAS, USD, 2 decimals" in outcome.stdout
    assert "sources yahoo, stooq" in outcome.stdout
    assert "its page is /quote/ASML" in outcome.stdout
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        stored = connection.execute(sa.text("select symbol from instruments")).scalars().all()
        bars = connection.execute(
            sa.text("select count(*) from bars where symbol = 'ASML' and interval = '1d'")
        ).scalar_one()
    engine.dispose()
    assert stored == ["ASML"] and bars > 200


def test_adding_an_unknown_symbol_is_refused_in_a_sentence(
    desk: MarketsDesk, database_url: str
) -> None:
    outcome = invoke_cli("--database-url", database_url, "instruments", "add", "NOPE", "--yes")
    assert outcome.code == 1
    assert "Yahoo's search does not know the symbol 'NOPE'" in outcome.stderr
