"""Tables. Natural keys everywhere, so every write can be an idempotent upsert."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from tickerwire.store.types import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

quotes = Table(
    "quotes",
    metadata,
    Column("symbol", String(20), primary_key=True),
    Column("price", Float, nullable=False),
    Column("previous_close", Float),
    Column("open", Float),
    Column("day_high", Float),
    Column("day_low", Float),
    Column("volume", Float),
    Column("as_of", UTCDateTime, nullable=False),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("provider", String(32), nullable=False),
    Column("delayed", Boolean, nullable=False, default=False),
    Column("simulated", Boolean, nullable=False, default=False),
)

bars = Table(
    "bars",
    metadata,
    Column("symbol", String(20), nullable=False),
    Column("interval", String(3), nullable=False),
    Column("start", UTCDateTime, nullable=False),
    Column("open", Float, nullable=False),
    Column("high", Float, nullable=False),
    Column("low", Float, nullable=False),
    Column("close", Float, nullable=False),
    Column("volume", Float),
    Column("provider", String(32), nullable=False),
    PrimaryKeyConstraint("symbol", "interval", "start"),
)

provider_health = Table(
    "provider_health",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("last_ok_at", UTCDateTime),
    Column("last_error_at", UTCDateTime),
    Column("last_error", Text),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("next_retry_at", UTCDateTime),
)
