"""The instrument registry: what Tickerwire tracks and how each provider names it.

Our own symbol (``SPX``, ``EURUSD``) is the key everywhere in the store, the URLs and the
API; provider symbols (``^GSPC`` at Yahoo, ``^spx`` at Stooq) stay inside the providers.
That way a provider can be swapped without touching stored data or bookmarked pages.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator


class AssetClass(StrEnum):
    INDEX = "index"
    EQUITY = "equity"
    COMMODITY = "commodity"
    CURRENCY = "currency"
    RATE = "rate"
    CRYPTO = "crypto"
    VOLATILITY = "volatility"


class Instrument(BaseModel):
    """One tradable or quotable thing, as the registry knows it."""

    model_config = ConfigDict(frozen=True)

    symbol: str = Field(pattern=r"^[A-Z0-9][A-Z0-9.\-]{0,19}$")
    name: str
    short_name: str = ""
    asset_class: AssetClass
    calendar: str = Field(description="exchange-calendars code, e.g. XNYS, XLON, 24/7")
    exchange: str = ""
    currency: str = "USD"
    precision: int = Field(default=2, ge=0, le=8)
    provider_symbols: dict[str, str] = Field(default_factory=dict)
    start_price: float | None = Field(
        default=None, gt=0, description="a realistic level for the simulated provider"
    )

    @field_validator("symbol", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def symbol_at(self, provider: str) -> str | None:
        """The provider's own name for this instrument, or None when it has none."""
        return self.provider_symbols.get(provider)


def _i(
    symbol: str,
    name: str,
    short: str,
    asset_class: AssetClass,
    calendar: str,
    exchange: str,
    currency: str,
    precision: int,
    start: float,
    **providers: str,
) -> Instrument:
    return Instrument(
        symbol=symbol,
        name=name,
        short_name=short,
        asset_class=asset_class,
        calendar=calendar,
        exchange=exchange,
        currency=currency,
        precision=precision,
        start_price=start,
        provider_symbols=providers,
    )


_A = AssetClass

#: The default ribbon, in display order: the sixteen instruments of a big finance portal.
DEFAULT_INSTRUMENTS: tuple[Instrument, ...] = (
    _i(
        "SPX",
        "S&P 500",
        "S&P 500",
        _A.INDEX,
        "XNYS",
        "SNP",
        "USD",
        2,
        5900.0,
        yahoo="^GSPC",
        stooq="^spx",
    ),
    _i(
        "DJI",
        "Dow Jones Industrial Average",
        "Dow 30",
        _A.INDEX,
        "XNYS",
        "DJI",
        "USD",
        2,
        43000.0,
        yahoo="^DJI",
        stooq="^dji",
    ),
    _i(
        "IXIC",
        "Nasdaq Composite",
        "Nasdaq",
        _A.INDEX,
        "XNYS",
        "Nasdaq GIDS",
        "USD",
        2,
        19000.0,
        yahoo="^IXIC",
        stooq="^ndq",
    ),
    _i(
        "RUT",
        "Russell 2000",
        "Russell 2000",
        _A.INDEX,
        "XNYS",
        "Chicago Options",
        "USD",
        2,
        2300.0,
        yahoo="^RUT",
        stooq="^rut",
    ),
    _i(
        "CL",
        "Crude Oil",
        "Crude Oil",
        _A.COMMODITY,
        "us_futures",
        "NY Mercantile",
        "USD",
        2,
        70.0,
        yahoo="CL=F",
        stooq="cl.f",
    ),
    _i(
        "GC",
        "Gold",
        "Gold",
        _A.COMMODITY,
        "us_futures",
        "COMEX",
        "USD",
        2,
        2600.0,
        yahoo="GC=F",
        stooq="gc.f",
    ),
    _i(
        "SI",
        "Silver",
        "Silver",
        _A.COMMODITY,
        "us_futures",
        "COMEX",
        "USD",
        3,
        31.0,
        yahoo="SI=F",
        stooq="si.f",
    ),
    _i(
        "EURUSD",
        "EUR/USD",
        "EUR/USD",
        _A.CURRENCY,
        "24/5",
        "CCY",
        "USD",
        4,
        1.05,
        yahoo="EURUSD=X",
        stooq="eurusd",
    ),
    _i(
        "TNX",
        "10-Yr Bond",
        "10-Yr Bond",
        _A.RATE,
        "XNYS",
        "Chicago Options",
        "USD",
        3,
        4.4,
        yahoo="^TNX",
        stooq="10usy.b",
    ),
    _i(
        "VIX",
        "CBOE Volatility Index",
        "VIX",
        _A.VOLATILITY,
        "XNYS",
        "Chicago Options",
        "USD",
        2,
        16.0,
        yahoo="^VIX",
        stooq="^vix",
    ),
    _i(
        "GBPUSD",
        "GBP/USD",
        "GBP/USD",
        _A.CURRENCY,
        "24/5",
        "CCY",
        "USD",
        4,
        1.26,
        yahoo="GBPUSD=X",
        stooq="gbpusd",
    ),
    _i(
        "USDJPY",
        "USD/JPY",
        "USD/JPY",
        _A.CURRENCY,
        "24/5",
        "CCY",
        "JPY",
        3,
        154.0,
        yahoo="JPY=X",
        stooq="usdjpy",
    ),
    _i(
        "BTCUSD",
        "Bitcoin USD",
        "Bitcoin USD",
        _A.CRYPTO,
        "24/7",
        "CCC",
        "USD",
        2,
        95000.0,
        yahoo="BTC-USD",
        stooq="btcusd",
        coingecko="bitcoin",
    ),
    _i(
        "CMC200",
        "CMC Crypto 200",
        "CMC Crypto 200",
        _A.CRYPTO,
        "24/7",
        "Nasdaq GIDS",
        "USD",
        2,
        1300.0,
        yahoo="^CMC200",
    ),
    _i(
        "FTSE",
        "FTSE 100",
        "FTSE 100",
        _A.INDEX,
        "XLON",
        "FTSE Index",
        "GBP",
        2,
        8200.0,
        yahoo="^FTSE",
        stooq="^ukx",
    ),
    _i(
        "N225",
        "Nikkei 225",
        "Nikkei 225",
        _A.INDEX,
        "XTKS",
        "Osaka",
        "JPY",
        2,
        38500.0,
        yahoo="^N225",
        stooq="^nkx",
    ),
)


LOOK_AGAIN_SECONDS = 5.0
"""How often a registry may ask the store again for a symbol it does not know."""


class UnknownInstrument(KeyError):
    """A symbol that is not in the registry; raised instead of guessing."""

    def __init__(self, symbol: str) -> None:
        super().__init__(symbol)
        self.symbol = symbol

    def __str__(self) -> str:
        return f"unknown instrument {self.symbol!r}: not in the registry"


class Registry:
    """The tracked instruments, in ribbon order, looked up by our symbol."""

    def __init__(self, instruments: Iterable[Instrument], ribbon: Sequence[str] | None = None):
        self._by_symbol: dict[str, Instrument] = {}
        for instrument in instruments:
            self._by_symbol[instrument.symbol] = instrument
        order = [s.upper() for s in ribbon] if ribbon is not None else list(self._by_symbol)
        missing = [s for s in order if s not in self._by_symbol]
        if missing:
            raise ValueError(f"ribbon names instruments that are not defined: {', '.join(missing)}")
        self._ribbon = tuple(dict.fromkeys(order))
        self._added: Callable[[], Iterable[Instrument]] | None = None
        self._looked_at = -math.inf

    @classmethod
    def build(
        cls,
        extra: Iterable[Instrument] = (),
        ribbon: Sequence[str] | None = None,
        remove: Iterable[str] = (),
    ) -> Registry:
        """The defaults, overridden or extended by ``extra``, minus ``remove``.

        Without an explicit ribbon, added instruments join the end of the default ribbon.
        """
        dropped = {s.upper() for s in remove}
        merged: dict[str, Instrument] = {i.symbol: i for i in DEFAULT_INSTRUMENTS}
        for instrument in extra:
            merged[instrument.symbol] = instrument
        kept = {s: i for s, i in merged.items() if s not in dropped}
        order = [s.upper() for s in ribbon] if ribbon is not None else list(kept)
        return cls(kept.values(), [s for s in order if s not in dropped])

    def merge(self, added: Iterable[Instrument]) -> list[Instrument]:
        """Join instruments an admin added (``store/instruments.py``), off the ribbon; the
        ones new to the registry are returned. A symbol the defaults or the settings
        already define keeps that definition: settings are the operator's last word."""
        joined = [i for i in added if i.symbol not in self._by_symbol]
        for instrument in joined:
            self._by_symbol[instrument.symbol] = instrument
        return joined

    def __iter__(self) -> Iterator[Instrument]:
        return iter(self._by_symbol.values())

    def __len__(self) -> int:
        return len(self._by_symbol)

    def look_for_added(self, added: Callable[[], Iterable[Instrument]]) -> None:
        """On a symbol it does not know, ask ``added`` (the stored added instruments) at most
        every :data:`LOOK_AGAIN_SECONDS`, so one added by another process is found without
        a restart: a web replica that polls nothing learns of it on its first page."""
        self._added = added

    def _found_late(self, symbol: str) -> bool:
        now = time.monotonic()
        if self._added is None or now - self._looked_at < LOOK_AGAIN_SECONDS:
            return False
        self._looked_at = now
        self.merge(self._added())
        return symbol in self._by_symbol

    def __contains__(self, symbol: object) -> bool:
        if not isinstance(symbol, str):
            return False
        return symbol.upper() in self._by_symbol or self._found_late(symbol.upper())

    def get(self, symbol: str) -> Instrument:
        found = self._by_symbol.get(symbol.upper())
        if found is None and self._found_late(symbol.upper()):
            found = self._by_symbol[symbol.upper()]
        if found is None:
            raise UnknownInstrument(symbol)
        return found

    @property
    def ribbon(self) -> tuple[Instrument, ...]:
        return tuple(self._by_symbol[s] for s in self._ribbon)

    def as_mapping(self) -> Mapping[str, Instrument]:
        return dict(self._by_symbol)
