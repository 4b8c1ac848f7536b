"""Tables. Natural keys everywhere, so every write can be an idempotent upsert."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
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
    Column("kind", String(16), nullable=False, server_default="intraday"),
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

feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    # Keys a feed controls are indexed by hash (store/limits.py): text can be any length.
    Column("url_hash", String(64), nullable=False, unique=True),
    Column("host", String(255), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("site_url", Text),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("added_at", UTCDateTime, nullable=False),
    Column("last_fetch_at", UTCDateTime),
    Column("last_success_at", UTCDateTime),
    Column("next_fetch_at", UTCDateTime, nullable=False),
    Column("last_error", Text),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("lease_until", UTCDateTime),
    # Continuity: the last time the feed showed none of the entries we had (items between
    # two fetches were lost), how many items the last fetch could not store, and how far
    # its 304s are trusted (news/schedule.py decides when to fetch unconditionally).
    Column("last_gap_at", UTCDateTime),
    Column("unstored_items", Integer, nullable=False, default=0),
    Column("not_modified_count", Integer, nullable=False, default=0),
    Column("last_full_fetch_at", UTCDateTime),
    Column("validators_trusted", Boolean, nullable=False, default=True),
    Column("last_cuts", Text),  # what the last full fetch left out of the feed, and why
    # An admin paused it: no schedule or "refresh everything" fetches it (migration 0010).
    Column("paused", Boolean, nullable=False, default=False, server_default=false()),
    Index("ix_feeds_host", "host"),
)

host_backoffs = Table(
    "host_backoffs",
    metadata,
    Column("host", String(255), primary_key=True),
    Column("retry_at", UTCDateTime, nullable=False),
    Column("reason", Text, nullable=False),
)

stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("canonical_url", Text, nullable=False),
    Column("canonical_url_hash", String(64), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),
    Column("title", Text, nullable=False),
    Column("title_key", Text, nullable=False),
    Column("byline", Text),
    Column("site_name", Text),
    Column("lang", String(16)),
    Column("published", UTCDateTime),
    Column("updated", UTCDateTime),
    Column("lead_image", JSON),
    Column("figures", JSON, nullable=False),
    Column("video", JSON),
    Column("body_html", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("summary_html", Text, nullable=False, default=""),
    Column("extracted", Boolean, nullable=False),
    Column("extraction_error", Text),
    Column("fingerprint", BigInteger),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("fetched_at", UTCDateTime, nullable=False),
    # When to fetch the page again: it was an interstitial (a bot check, a consent or
    # paywall) or refused with 401/403/429; None when there is nothing left to try.
    Column("retry_at", UTCDateTime),
    Column("retries", Integer, nullable=False, default=0),
    Index(  # covering what the story dedupe reads of each recent article (0017)
        "ix_articles_first_seen_at",
        "first_seen_at",
        "published",
        "title_key",
        "fingerprint",
        "canonical_url_hash",
        "story_id",
        "id",
    ),
    Index("ix_articles_published", "published"),
    Index("ix_articles_retry_at", "retry_at"),
    Index("ix_articles_site_name_published", "site_name", "published"),
    Index("ix_articles_story_id", "story_id", "id"),  # one headline per story (0014)
    Index("ix_articles_title_key", "title_key"),
)

entries = Table(
    "entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("identity", Text, nullable=False),
    Column("identity_hash", String(64), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("guid", Text, nullable=False),
    Column("url", Text),
    Column("title", Text, nullable=False),
    Column("summary_html", Text, nullable=False),
    Column("published", UTCDateTime),
    Column("image_url", Text),
    Column("authors", JSON, nullable=False),
    Column("article_id", Integer, ForeignKey("articles.id")),
    Column("first_seen_at", UTCDateTime, nullable=False),
    UniqueConstraint("feed_id", "identity_hash", name="uq_entries_feed_identity_hash"),
    Index("ix_entries_article_id", "article_id"),
)

settings_state = Table(
    "settings_state",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

article_instruments = Table(
    "article_instruments",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("symbol", String(20), nullable=False),
    Column("mentions", Integer, nullable=False),
    Column("relevance", Float, nullable=False, server_default="0"),
    PrimaryKeyConstraint("article_id", "symbol"),
    Index("ix_article_instruments_symbol", "symbol", "article_id"),
)

article_entities = Table(
    "article_entities",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("slug", String(120), nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("mentions", Integer, nullable=False),
    Column("relevance", Float, nullable=False, server_default="0"),
    PrimaryKeyConstraint("article_id", "slug"),
    Index("ix_article_entities_slug", "slug", "article_id"),
)

# Readers' accounts (accounts/). A username is unique by its folded key, so "Ada" and "ada"
# are one account; passwords are kept only as argon2 hashes and session ids only as
# SHA-256 hashes, so a copy of the database signs nobody in.
members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(32), nullable=False),
    Column("username_key", String(32), nullable=False, unique=True),
    Column("email", String(254)),
    Column("password_hash", Text, nullable=False),
    Column("role", String(8), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("role IN ('admin', 'member')", name="role"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Index("ix_sessions_member_id", "member_id"),
)

# Failed sign-ins, counted per account and per address over a sliding window; the key
# (a folded username or a client address) is stored as its hash.
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scope", String(8), nullable=False),
    Column("key_hash", String(64), nullable=False),
    Column("failed_at", UTCDateTime, nullable=False),
    Index("ix_sign_in_failures_scope", "scope", "key_hash", "failed_at"),
)

# Invite codes for sign-up by invitation, kept as the hash of the code; single use (used_at
# set once) and expiring. Who made or used one is forgotten if that member is deleted.
invites = Table(
    "invites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("note", String(200)),
    Column("created_by", Integer, ForeignKey("members.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_by", Integer, ForeignKey("members.id", ondelete="SET NULL")),
    Column("used_at", UTCDateTime),
)

# Watchlists (accounts/watchlists.py): a member's named lists of instruments, in the order
# the member keeps them. Names are unique per member by their folded key.
watchlists = Table(
    "watchlists",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(60), nullable=False),
    Column("name_key", String(60), nullable=False),
    Column("position", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("member_id", "name_key", name="uq_watchlists_member_id"),
)

watchlist_items = Table(
    "watchlist_items",
    metadata,
    Column(
        "watchlist_id", Integer, ForeignKey("watchlists.id", ondelete="CASCADE"), nullable=False
    ),
    Column("symbol", String(20), nullable=False),
    Column("position", Integer, nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("watchlist_id", "symbol"),
)

# Entities a member follows (companies, people, countries, central banks), by the slug
# article_entities tags them with; the name is kept to show without a lookup.
follows = Table(
    "follows",
    metadata,
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("slug", String(120), nullable=False),
    Column("name", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("member_id", "slug"),
)

# Per-member API tokens, stored only as SHA-256 hashes: shown once at creation, revocable.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(60), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    Index("ix_api_tokens_member_id", "member_id"),
)

# The private hosts an admin allows user-supplied URLs to reach, besides the settings
# file's fetch.allow_hosts (net/guard.py reads both): a host name, an IP or a CIDR.
allowed_hosts = Table(
    "allowed_hosts",
    metadata,
    Column("entry", String(255), primary_key=True),
    Column("added_at", UTCDateTime, nullable=False),
    Column("added_by", String(32)),
)

# Alerts (alerts/). What fired is an alert event, unique per member and trigger (a price
# crossing at one quote's time, or one story however many copies it has), written in the
# same transaction as the alert's new state or as the article that set it off. The inbox
# is the events themselves; every other way an event reaches its member is a delivery.
alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("label", String(200), nullable=False),
    # Price alerts: the instrument, the condition (alerts/price.py) and whether it is armed.
    Column("symbol", String(20)),
    Column("condition", String(16)),
    Column("level", Float),
    Column("band_percent", Float),
    Column("armed", Boolean, nullable=False, default=True),
    Column("demo", Boolean, nullable=False, default=False),
    # News alerts: an instrument, an entity (its tag slug) or a saved search.
    Column("topic_kind", String(12)),
    Column("topic_key", String(200)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_fired_at", UTCDateTime),
    CheckConstraint("kind IN ('price', 'news')", name="kind"),
    Index("ix_alerts_kind", "kind", "symbol"),
    Index("ix_alerts_member_id", "member_id"),
)

alert_events = Table(
    "alert_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("trigger", String(120), nullable=False),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("link", Text, nullable=False),
    Column("data", JSON, nullable=False),
    Column("fired_at", UTCDateTime, nullable=False),
    Column("read_at", UTCDateTime),
    UniqueConstraint("member_id", "trigger"),
    Index("ix_alert_events_member_id", "member_id", "fired_at"),
)

# One row per event and channel (webhook, ntfy, email): pending until sent, retried with
# back-off, held through quiet hours, gathered into the daily digest, or failed for good.
# The key is the delivery id a webhook receiver sees, so a retry can be told from a new one.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", Integer, ForeignKey("alert_events.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(8), nullable=False),
    Column("delivery_key", String(36), nullable=False, unique=True),
    Column("state", String(8), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("lease_until", UTCDateTime),
    Column("last_error", Text),
    Column("sent_at", UTCDateTime),
    UniqueConstraint("event_id", "channel"),
    CheckConstraint("state IN ('pending', 'sent', 'failed', 'digest')", name="state"),
    Index("ix_deliveries_state", "state", "next_attempt_at"),
)

# Where a member's alerts go besides the inbox, and when not to disturb them. The webhook
# secret is kept as given: it signs every delivery, so it must be readable.
alert_preferences = Table(
    "alert_preferences",
    metadata,
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("webhook_url", Text),
    Column("webhook_secret", String(64)),
    Column("ntfy_topic", String(64)),
    Column("email", String(254)),
    Column("email_digest", Boolean, nullable=False, default=False),
    Column("quiet_from", Integer),
    Column("quiet_until", Integer),
    Column("time_zone", String(64), nullable=False, default="UTC"),
)

article_prices = Table(
    "article_prices",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("symbol", String(20), nullable=False),
    Column("role", String(9), nullable=False),
    Column("price", Float),
    Column("quote_time", UTCDateTime),
    Column("source", String(48)),
    Column("simulated", Boolean, nullable=False),
    Column("market_state", String(8), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    CheckConstraint("role IN ('tagged', 'benchmark')", name="role"),
    PrimaryKeyConstraint("article_id", "symbol"),
)

article_reactions = Table(
    "article_reactions",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("symbol", String(20), nullable=False),
    Column("horizon", String(3), nullable=False),
    Column("start_time", UTCDateTime, nullable=False),
    Column("end_time", UTCDateTime, nullable=False),
    Column("note", Text),
    # Set while the horizon waits to be measured, cleared once it is: "due now" is one
    # indexed range query, and the waiting work survives any restart.
    Column("due_at", UTCDateTime),
    Column("start_price", Float),
    Column("start_quote_time", UTCDateTime),
    Column("start_source", String(48)),
    Column("end_price", Float),
    Column("end_quote_time", UTCDateTime),
    Column("end_source", String(48)),
    Column("move_pct", Float),
    Column("benchmark_symbol", String(20)),
    Column("benchmark_start", Float),
    Column("benchmark_start_time", UTCDateTime),
    Column("benchmark_end", Float),
    Column("benchmark_end_time", UTCDateTime),
    Column("benchmark_source", String(48)),
    Column("benchmark_move_pct", Float),
    Column("excess_pct", Float),
    Column("simulated", Boolean, nullable=False),
    Column("computed_at", UTCDateTime),
    CheckConstraint("horizon IN ('15m', '1h', '1d')", name="horizon"),
    PrimaryKeyConstraint("article_id", "symbol", "horizon"),
    Index("ix_article_reactions_due_at", "due_at"),
    Index("ix_article_reactions_symbol", "symbol", "horizon", "article_id"),
)

# Instruments an admin added beyond the defaults and the settings (store/instruments.py),
# merged into the registry at start-up and whenever one is added or removed.
instruments = Table(
    "instruments",
    metadata,
    Column("symbol", String(20), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("short_name", String(60), nullable=False),
    Column("asset_class", String(16), nullable=False),
    Column("calendar", String(20), nullable=False),
    Column("exchange", String(60), nullable=False),
    Column("currency", String(8), nullable=False),
    Column("precision", Integer, nullable=False),
    Column("provider_symbols", JSON, nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    Column("added_by", Integer, ForeignKey("members.id", ondelete="SET NULL")),
)

# Each provider's latest answer per instrument and the failover chain's verdict on it
# (markets/providers/chain.py SourceState), for the admin's provider page of any process.
provider_quotes = Table(
    "provider_quotes",
    metadata,
    Column("provider", String(32), nullable=False),
    Column("symbol", String(20), nullable=False),
    Column("price", Float),
    Column("as_of", UTCDateTime),
    Column("checked_at", UTCDateTime, nullable=False),
    Column("verdict", String(12), nullable=False),
    Column("reason", Text),
    Column("sane_streak", Integer, nullable=False),
    CheckConstraint(
        "verdict IN ('trusted', 'agrees', 'disagrees', 'distrusted', 'unanswered')",
        name="verdict",
    ),
    PrimaryKeyConstraint("provider", "symbol"),
)
