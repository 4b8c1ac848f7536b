"""What each instrument's move is compared with, so a story's figure says more than "up".

An equity or a secondary index is set against its market's main index, the volatility index
against the S&P 500, a crypto coin against the CMC Crypto 200. An instrument is never its own
benchmark, and a benchmark the registry does not track (no prices to read) is none at all:
currencies, commodities and rates have no reference in the default registry, and their
pages say so rather than compare them with something unrelated.
"""

from __future__ import annotations

from tickerwire.instruments import AssetClass, Instrument, Registry

#: The main index of each market, by exchange-calendars code.
MAIN_INDEX = {"XNYS": "SPX", "XNAS": "SPX", "XLON": "FTSE", "XTKS": "N225"}
#: The reference of an asset class whose members trade around the clock or on no exchange.
CLASS_REFERENCE = {AssetClass.CRYPTO: "CMC200", AssetClass.VOLATILITY: "SPX"}


def benchmark_for(instrument: Instrument, registry: Registry) -> Instrument | None:
    """The instrument ``instrument`` is measured against, or None when it has none."""
    if instrument.asset_class in (AssetClass.EQUITY, AssetClass.INDEX):
        symbol = MAIN_INDEX.get(instrument.calendar)
    else:
        symbol = CLASS_REFERENCE.get(instrument.asset_class)
    if symbol is None or symbol == instrument.symbol or symbol not in registry:
        return None
    return registry.get(symbol)
