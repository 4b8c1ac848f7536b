"""Everything a Tickerwire process runs on, built from settings in one place.

The web app, the CLI and the tests all open a :class:`Runtime`, so there is one way the
parts are wired: no second copy of the wiring behind any door.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from tickerwire.config import Settings
from tickerwire.instruments import Instrument, Registry
from tickerwire.jobs.schema import ensure_schema
from tickerwire.live.bus import Bus, LocalBus
from tickerwire.live.redis_bus import CHANNEL, RedisBus
from tickerwire.markets.freshness import is_stale
from tickerwire.markets.poller import Poller
from tickerwire.markets.providers.chain import FailoverChain
from tickerwire.markets.providers.factory import build_providers
from tickerwire.markets.quotes import Quote
from tickerwire.media.cache import ImageCache
from tickerwire.media.proxy import MediaProxy
from tickerwire.media.signing import MediaSigner, load_key
from tickerwire.net.fetch import Fetcher
from tickerwire.net.guard import StoredAllowlist
from tickerwire.news.pipeline import NewsPipeline
from tickerwire.news.tag.tagger import Tagger
from tickerwire.reactions.snapshot import PublicationPrices
from tickerwire.store import db
from tickerwire.store.accounts import AccountStore
from tickerwire.store.hosts import HostStore
from tickerwire.store.instruments import merge_added
from tickerwire.store.markets import MarketStore
from tickerwire.store.news import NewsStore
from tickerwire.types import Clock, utc_now

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    registry: Registry
    engine: Engine
    markets: MarketStore
    bus: Bus
    fetcher: Fetcher
    chain: FailoverChain
    poller: Poller
    news: NewsStore
    pipeline: NewsPipeline
    tagger: Tagger
    media: MediaProxy | None
    """The image path, or None when an admin turned it off (pages then link out)."""
    accounts: AccountStore
    clock: Clock

    @classmethod
    async def open(
        cls, settings: Settings, *, migrate: bool = True, clock: Clock = utc_now
    ) -> Runtime:
        engine = db.make_engine(settings.effective_database_url)
        if migrate:
            db.upgrade(engine)
            ensure_schema(engine)  # the job engine's tables, on PostgreSQL
        registry = settings.registry
        merge_added(registry, engine)
        bus: Bus = (
            RedisBus(settings.redis_url, channel=settings.redis_channel or CHANNEL)
            if settings.redis_url
            else LocalBus()
        )
        await bus.start()
        hosts = HostStore(engine)
        allowlist = StoredAllowlist(lambda: [row.entry for row in hosts.allowed_hosts()])
        fetcher = Fetcher(settings.fetch, clock=clock, allowlist=allowlist)
        stale_after = timedelta(seconds=settings.providers.stale_after_seconds)

        def stale(instrument: Instrument, quote: Quote) -> bool:
            return is_stale(instrument, quote, clock(), stale_after)

        chain = FailoverChain.from_settings(
            build_providers(settings, fetcher, clock=clock),
            settings.providers,
            is_stale=stale,
            clock=clock,
        )
        markets = MarketStore(engine)
        poller = Poller(registry, chain, markets, bus, settings.poll, clock=clock)
        news = NewsStore(engine, PublicationPrices(registry))
        tagger = Tagger(registry, extra_aliases=settings.tagging.extra_aliases)
        media = _media_proxy(settings, fetcher, clock) if settings.media.enabled else None
        pipeline = NewsPipeline(
            news,
            fetcher,
            settings,
            clock=clock,
            bus=bus,
            tagger=tagger,
            media=media,
        )
        return cls(
            settings,
            registry,
            engine,
            markets,
            bus,
            fetcher,
            chain,
            poller,
            news,
            pipeline,
            tagger,
            media,
            AccountStore(engine),
            clock,
        )

    def now(self) -> datetime:
        return self.clock()

    async def close(self) -> None:
        self.pipeline.workers.close()
        await self.chain.aclose()
        await self.fetcher.aclose()
        await self.bus.stop()
        self.engine.dispose()


def _media_proxy(settings: Settings, fetcher: Fetcher, clock: Clock) -> MediaProxy:
    media = settings.media
    return MediaProxy(
        fetcher,
        ImageCache(settings.data_dir / "media", media.budget_mb * 1024 * 1024),
        MediaSigner(load_key(media.key, settings.data_dir)),
        max_bytes=settings.fetch.image_max_bytes,
        retry_after=timedelta(minutes=media.retry_failed_minutes),
        clock=clock,
    )
