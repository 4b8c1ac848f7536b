"""Builds the providers named in settings, in failover order."""

from __future__ import annotations

from tickerwire.config import Settings
from tickerwire.markets.providers.base import Provider
from tickerwire.markets.providers.coinbase import CoinbaseProvider
from tickerwire.markets.providers.coingecko import CoinGeckoProvider
from tickerwire.markets.providers.ecb import EcbProvider
from tickerwire.markets.providers.fred import FredProvider
from tickerwire.markets.providers.kraken import KrakenProvider
from tickerwire.markets.providers.replay import ReplayProvider
from tickerwire.markets.providers.simulated import SimulatedProvider
from tickerwire.markets.providers.stooq import StooqProvider
from tickerwire.markets.providers.treasury import TreasuryProvider
from tickerwire.markets.providers.twelvedata import TwelveDataProvider
from tickerwire.markets.providers.yahoo import YahooProvider
from tickerwire.net.fetch import Fetcher
from tickerwire.types import Clock, utc_now

KNOWN = (
    "yahoo",
    "stooq",
    "coingecko",
    "coinbase",
    "kraken",
    "ecb",
    "treasury",
    "fred",
    "twelvedata",
    "replay",
    "simulated",
)


def build_providers(
    settings: Settings, fetcher: Fetcher, *, clock: Clock = utc_now
) -> list[Provider]:
    chosen = settings.providers
    cap = settings.fetch.provider_max_bytes
    providers: list[Provider] = []
    for name in chosen.order:
        if name == "yahoo":
            providers.append(YahooProvider(chosen, fetcher, max_bytes=cap))
        elif name == "stooq":
            providers.append(StooqProvider(chosen, fetcher, max_bytes=cap))
        elif name == "coingecko":
            providers.append(CoinGeckoProvider(chosen, fetcher, max_bytes=cap))
        elif name == "coinbase":
            providers.append(CoinbaseProvider(chosen, fetcher, max_bytes=cap))
        elif name == "kraken":
            providers.append(KrakenProvider(chosen, fetcher, max_bytes=cap))
        elif name == "ecb":
            providers.append(EcbProvider(chosen, fetcher, max_bytes=cap))
        elif name == "treasury":
            providers.append(TreasuryProvider(chosen, fetcher, max_bytes=cap, clock=clock))
        elif name == "fred":
            providers.append(FredProvider(chosen, fetcher, max_bytes=cap))
        elif name == "twelvedata":
            providers.append(TwelveDataProvider(chosen, fetcher, max_bytes=cap))
        elif name == "replay":
            if chosen.replay_dir is None:
                raise ValueError("the replay provider needs providers.replay_dir")
            providers.append(
                ReplayProvider(chosen.replay_dir, speed=chosen.replay_speed, clock=clock)
            )
        elif name == "simulated":
            providers.append(SimulatedProvider(chosen.simulated_seed, clock=clock))
        else:
            raise ValueError(f"unknown provider {name!r}; known: {', '.join(KNOWN)}")
    return providers
