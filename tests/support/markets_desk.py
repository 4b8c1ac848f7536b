"""Yahoo, Stooq and CoinGecko faked on one local server, answering at the time asked, so a
whole runtime or a CLI subprocess (which cannot be handed a test clock) polls real provider
code against prices the test sets, and a source can be turned off.

The answers are shaped after each service's own documentation or a recorded answer:
- Yahoo's chart (``/v8/finance/chart/{symbol}``) as the recorded answer in
  ``tests/markets/providers/responses/yahoo/chart_gspc_1d.json`` (Yahoo documents no public
  API; yfinance's reference, https://ranaroussi.github.io/yfinance/, reads the same fields);
- Yahoo's symbol search (``/v1/finance/search``, described in yfinance's request for it,
  https://github.com/ranaroussi/yfinance/issues/837, and read by its ``Search``,
  https://ranaroussi.github.io/yfinance/reference/yfinance.search.html): ``quotes`` entries
  with ``symbol``, ``shortname``, ``longname``, ``quoteType``, ``exchange``, ``exchDisp``;
- Stooq's CSV quote (``/q/l/?s=...&f=sd2t2ohlcv&h&e=csv``) as the recorded
  ``tests/markets/providers/responses/stooq/quotes.csv`` (Stooq documents no API), Warsaw time;
- CoinGecko's ``/api/v3/simple/price`` (https://docs.coingecko.com/reference/simple-price).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from support.http_server import LocalServer, RecordedRequest, Reply
from tickerwire.instruments import Instrument, Registry

WARSAW = ZoneInfo("Europe/Warsaw")
SOURCES = ("yahoo", "stooq", "coingecko")


@dataclass
class SearchHit:
    symbol: str
    name: str
    kind: str
    exchange: str
    shown: str
    currency: str
    price: float
    decimals: int = 2


@dataclass
class MarketsDesk:
    """Prices per (source, our symbol); every source answers each instrument it knows."""

    server: LocalServer
    registry: Registry = field(default_factory=Registry.build)
    prices: dict[tuple[str, str], float] = field(default_factory=dict)
    off: set[str] = field(default_factory=set)
    broken: dict[str, Reply] = field(default_factory=dict)
    """source -> the bad answer it gives instead (an HTML page, a truncated body)."""
    shifted: dict[tuple[str, str], timedelta] = field(default_factory=dict)
    """(source, our symbol) -> how far from now the source stamps its quote."""
    hits: list[SearchHit] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.server.route("/q/l/", self._stooq)
        self.server.route("/api/v3/simple/price", self._coingecko)
        self.server.route("/v1/finance/search", self._search)
        for instrument in self.registry:
            self.route_yahoo(instrument)

    def route_yahoo(self, instrument: Instrument) -> None:
        symbol = instrument.symbol_at("yahoo")
        if symbol is not None:
            self.server.route(f"/v8/finance/chart/{symbol}", self._yahoo)

    def list_symbol(self, hit: SearchHit, instrument: Instrument) -> None:
        """Make ``hit`` findable by search and quotable, as ``instrument`` will name it."""
        self.hits.append(hit)
        self.registry.merge([instrument])
        self.route_yahoo(instrument)
        for source in instrument.provider_symbols:
            self.prices[(source, instrument.symbol)] = hit.price

    def price(self, source: str, instrument: Instrument) -> float:
        default = instrument.start_price or 100.0
        return self.prices.get((source, instrument.symbol), default)

    def _by(self, source: str, provider_symbol: str) -> Instrument | None:
        for instrument in self.registry:
            if (instrument.symbol_at(source) or "").lower() == provider_symbol.lower():
                return instrument
        return None

    def _yahoo(self, request: RecordedRequest) -> Reply:
        if "yahoo" in self.off:
            return Reply(503, b"<html>Service unavailable</html>", {"Content-Type": "text/html"})
        if "yahoo" in self.broken:
            return self.broken["yahoo"]
        path = urlsplit(request.path).path
        instrument = self._by("yahoo", path.rsplit("/", 1)[1])
        assert instrument is not None
        query = parse_qs(urlsplit(request.path).query)
        now = datetime.now(UTC)
        price = self.price("yahoo", instrument)
        hit = next((h for h in self.hits if h.symbol == instrument.symbol_at("yahoo")), None)
        meta = {
            "currency": hit.currency if hit else instrument.currency,
            "symbol": instrument.symbol_at("yahoo"),
            "exchangeName": hit.exchange if hit else "SNP",
            "instrumentType": hit.kind if hit else "INDEX",
            "regularMarketTime": int(
                (now + self.shifted.get(("yahoo", instrument.symbol), timedelta())).timestamp()
            )
            - 5,
            "exchangeTimezoneName": "America/New_York",
            "regularMarketPrice": price,
            "chartPreviousClose": price,
            "previousClose": price,
            "priceHint": hit.decimals if hit else instrument.precision,
        }
        stamps: list[int] = []
        if "period1" in query:
            start = datetime.fromtimestamp(int(query["period1"][0]), UTC)
            end = datetime.fromtimestamp(int(query["period2"][0]), UTC)
            step = {"1d": timedelta(days=1), "1h": timedelta(hours=1)}.get(
                query["interval"][0], timedelta(minutes=5)
            )
            moment = max(start, end - 400 * step)
            while moment < end:
                stamps.append(int(moment.timestamp()))
                moment += step
        closes = [price] * len(stamps)
        result = {
            "meta": meta,
            "timestamp": stamps,
            "indicators": {
                "quote": [
                    {"open": closes, "high": closes, "low": closes, "close": closes, "volume": []}
                ]
            },
        }
        return _json({"chart": {"result": [result], "error": None}})

    def _stooq(self, request: RecordedRequest) -> Reply:
        if "stooq" in self.off:
            return Reply(503, b"", {"Content-Type": "text/plain"})
        asked = parse_qs(urlsplit(request.path).query)["s"][0].replace(" ", "+").split("+")
        now = datetime.now(UTC).astimezone(WARSAW) - timedelta(seconds=5)
        lines = ["Symbol,Date,Time,Open,High,Low,Close,Volume"]
        for symbol in asked:
            instrument = self._by("stooq", symbol)
            if instrument is None:
                lines.append(f"{symbol.upper()},N/D,N/D,N/D,N/D,N/D,N/D,N/D")
                continue
            p = self.price("stooq", instrument)
            day, clock = now.strftime("%Y-%m-%d"), now.strftime("%H:%M:%S")
            lines.append(f"{symbol.upper()},{day},{clock},{p},{p},{p},{p},")
        return Reply(200, "\n".join(lines).encode(), {"Content-Type": "text/csv"})

    def _coingecko(self, request: RecordedRequest) -> Reply:
        if "coingecko" in self.off:
            return _json({"status": {"error_code": 503, "error_message": "down"}}, 503)
        ids = parse_qs(urlsplit(request.path).query)["ids"][0].split(",")
        answer = {}
        for coin in ids:
            instrument = self._by("coingecko", coin)
            if instrument is not None:
                answer[coin] = {
                    "usd": self.price("coingecko", instrument),
                    "usd_24h_change": 0.0,
                    "last_updated_at": int(datetime.now(UTC).timestamp()) - 5,
                }
        return _json(answer)

    def _search(self, request: RecordedRequest) -> Reply:
        if "yahoo" in self.off:
            return Reply(503, b"", {"Content-Type": "text/plain"})
        query = parse_qs(urlsplit(request.path).query)["q"][0].lower()
        found = [h for h in self.hits if query in h.symbol.lower() or query in h.name.lower()]
        quotes = [
            {
                "exchange": h.exchange,
                "shortname": h.name[:30],
                "longname": h.name,
                "quoteType": h.kind,
                "symbol": h.symbol,
                "index": "quotes",
                "score": 20000.0,
                "typeDisp": h.kind.title(),
                "exchDisp": h.shown,
                "isYahooFinance": True,
            }
            for h in found
        ]
        return _json({"explains": [], "count": len(quotes), "quotes": quotes, "news": []})


def _json(payload: object, status: int = 200) -> Reply:
    return Reply(status, json.dumps(payload).encode(), {"Content-Type": "application/json"})


def desk_environment(server: LocalServer) -> dict[str, str]:
    """The variables that point a Tickerwire process at the desk."""
    names = {f"TICKERWIRE_PROVIDERS__{s.upper()}_BASE_URL": server.base_url for s in SOURCES}
    return names | {
        "TICKERWIRE_PROVIDERS__ORDER": json.dumps(list(SOURCES)),  # the desk's, and no other
        "TICKERWIRE_FETCH__ALLOW_HOSTS": '["127.0.0.1"]',
        "TICKERWIRE_FETCH__DEADLINE": "5",
        "TICKERWIRE_DEFAULT_FEEDS": "[]",
    }
