"""Settings: one typed table, from TICKERWIRE_* environment variables and an optional TOML file.

Precedence, highest first: keyword arguments (tests, the CLI), environment variables, the
TOML file named by ``TICKERWIRE_CONFIG`` (or ``tickerwire.toml`` in the user's config
folder), then the defaults below. Nested tables use ``__`` in variable names, e.g.
``TICKERWIRE_FETCH__CONNECT_TIMEOUT=3``; lists and tables can be given as JSON, e.g.
``TICKERWIRE_RIBBON='["SPX","BTCUSD"]'``.

Settings are read once, when a process starts: a change takes effect on the next start.
Anything unknown is refused rather than ignored, with the closest valid name: a keyword,
a ``TICKERWIRE_*`` variable, a key of the TOML file or of one of its tables.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from tickerwire.instruments import AssetClass, Instrument, Registry

APP_NAME = "tickerwire"

#: Real financial publishers' feeds, subscribed on the first start (users can remove them).
DEFAULT_FEEDS = (
    "https://search.cnbc.com/rs/search/combinedcms/view.xml?partnerId=wrss01&id=100003114",
    "https://feeds.content.dowjones.io/public/rss/mw_topstories",
    "https://finance.yahoo.com/news/rssindex",
    "https://feeds.bbci.co.uk/news/business/rss.xml",
    "https://www.theguardian.com/uk/business/rss",
    "https://www.federalreserve.gov/feeds/press_all.xml",
    "https://www.ecb.europa.eu/rss/press.html",
    "https://www.sec.gov/news/pressreleases.rss",
)
MiB = 1024 * 1024
ENV_PREFIX = "TICKERWIRE_"
#: Variables with our prefix that are not settings: the config file's name, and the test
#: suite's own switches (``TICKERWIRE_TEST_*``, ``TICKERWIRE_REQUIRE_*``, see tests/conftest.py).
_NOT_SETTINGS = ("TICKERWIRE_CONFIG",)
_RESERVED_PREFIXES = ("TICKERWIRE_TEST_", "TICKERWIRE_REQUIRE_")


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def default_config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "tickerwire.toml"


class FetchSettings(BaseModel):
    """Limits of the one outbound HTTP fetcher (see ../shared/SECURITY.md for why each)."""

    model_config = ConfigDict(extra="forbid")

    user_agent: str = "Tickerwire/0.1 (+https://github.com/tickerwire/tickerwire; self-hosted)"
    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=10.0, gt=0)
    deadline: float = Field(default=30.0, gt=0, description="whole-request limit, seconds")
    max_redirects: int = Field(default=5, ge=0, le=20)
    per_host_concurrency: int = Field(default=2, ge=1)
    allowed_schemes: list[str] = Field(default_factory=lambda: ["http", "https"])
    allowed_ports: list[int] = Field(default_factory=lambda: [80, 443])
    allow_hosts: list[str] = Field(
        default_factory=list,
        description="admin allowlist: host names, IPs or CIDRs that may be private, any port",
    )
    feed_max_bytes: int = 10 * MiB
    page_max_bytes: int = 10 * MiB
    image_max_bytes: int = 10 * MiB
    provider_max_bytes: int = 5 * MiB
    opml_max_bytes: int = 5 * MiB
    opml_max_outlines: int = Field(
        default=1000, ge=1, description="feeds one OPML import subscribes to; the rest are skipped"
    )


KEYLESS_SOURCES = ("yahoo", "stooq", "coingecko", "coinbase", "kraken", "treasury", "ecb")
"""The providers that need no key, in the default failover order."""


class ProviderSettings(BaseModel):
    """Where each market-data provider lives and in which order they are tried."""

    model_config = ConfigDict(extra="forbid")

    order: list[str] = Field(
        default_factory=lambda: list(KEYLESS_SOURCES),
        description="failover order; an instrument uses the providers that know its symbol "
        "(every keyless one by default, so each instrument but the CMC 200 has two or more)",
    )
    yahoo_base_url: str = "https://query1.finance.yahoo.com"
    yahoo_user_agent: str = Field(
        default=(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36"
        ),
        description="Yahoo refuses (429) requests whose User-Agent is not a browser's",
    )
    yahoo_cookie_url: str | None = Field(
        default=None,
        description="where Yahoo's session cookie comes from (https://fc.yahoo.com); when "
        "set, quotes come batched from /v7/finance/quote with a crumb, else one chart "
        "request per symbol",
    )
    stooq_base_url: str = "https://stooq.com"
    coingecko_base_url: str = "https://api.coingecko.com"
    coinbase_base_url: str = "https://api.exchange.coinbase.com"
    kraken_base_url: str = "https://api.kraken.com"
    ecb_base_url: str = "https://www.ecb.europa.eu"
    treasury_base_url: str = "https://home.treasury.gov"
    fred_base_url: str = "https://api.stlouisfed.org"
    fred_api_key: str | None = Field(
        default=None, description="free key from fredaccount.stlouisfed.org; enables 'fred'"
    )
    twelvedata_base_url: str = "https://api.twelvedata.com"
    twelvedata_api_key: str | None = Field(
        default=None, description="free key from twelvedata.com; enables 'twelvedata'"
    )
    replay_dir: Path | None = Field(
        default=None, description="folder of <SYMBOL>.csv files for the replay provider"
    )
    replay_speed: float = Field(default=60.0, gt=0, description="replayed seconds per real one")
    simulated_seed: int = 20261124
    stale_after_seconds: float = Field(
        default=900.0, gt=0, description="an open market's quote older than this is stale"
    )
    retry_base_seconds: float = Field(default=30.0, gt=0)
    retry_max_seconds: float = Field(default=3600.0, gt=0)
    chains: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "crypto": ["coingecko", "coinbase", "kraken", "yahoo", "stooq"],
        },
        description="per instrument (our symbol) or asset class, the providers to try first, "
        "in order; the rest of `order` follows",
    )
    cross_check_sources: int = Field(
        default=2, ge=1, le=5, description="sane answers sought per instrument each poll"
    )
    tolerance_percent: dict[AssetClass, float] = Field(
        default_factory=lambda: {
            AssetClass.INDEX: 0.5,
            AssetClass.EQUITY: 0.5,
            AssetClass.CURRENCY: 0.2,
            AssetClass.CRYPTO: 1.0,
            AssetClass.COMMODITY: 1.0,
            AssetClass.VOLATILITY: 2.0,
        },
        description="how far two sources may differ before they disagree, per asset class",
    )
    rate_tolerance: float = Field(
        default=0.05, gt=0, description="rates: the same, in points of yield (0.05 = 5 bp)"
    )
    jump_percent: dict[AssetClass, float] = Field(
        default_factory=lambda: {
            AssetClass.INDEX: 50.0,
            AssetClass.EQUITY: 50.0,
            AssetClass.CURRENCY: 20.0,
            AssetClass.CRYPTO: 50.0,
            AssetClass.COMMODITY: 50.0,
            AssetClass.RATE: 50.0,
            AssetClass.VOLATILITY: 100.0,
        },
        description="a move this large within `jump_window_seconds` of the last trusted "
        "quote is absurd",
    )
    jump_window_seconds: float = Field(default=60.0, gt=0)
    max_ahead_seconds: float = Field(
        default=3600.0, gt=0, description="a quote stamped further in the future is refused"
    )
    max_age_days: float = Field(
        default=30.0, gt=0, description="a quote stamped longer ago is refused"
    )
    recovery_answers: int = Field(
        default=3, ge=1, description="sane answers in a row that end a source's distrust"
    )

    @field_validator("order")
    @classmethod
    def _simulated_never_mixes(cls, order: list[str]) -> list[str]:
        if "simulated" in order and len(order) > 1:
            raise ValueError(
                "the simulated provider cannot share a failover chain with real providers"
            )
        return order


class PollSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    open_seconds: float = Field(default=15.0, gt=0, description="refresh while a market is open")
    closed_seconds: float = Field(default=600.0, gt=0, description="refresh while it is shut")
    bar_retention_days: int = Field(default=30, ge=1, description="how long 1-minute bars stay")


class WorkerSettings(BaseModel):
    """The worker processes that parse feeds and extract pages (SECURITY.md: extraction runs
    where a crash cannot take the server down), and the budget each document gets there."""

    model_config = ConfigDict(extra="forbid")

    processes: int = Field(default=2, ge=1, le=64, description="worker processes")
    parse_seconds: float = Field(
        default=30.0, gt=0, description="time budget to parse one feed document"
    )
    extract_seconds: float = Field(
        default=30.0, gt=0, description="time budget to extract one article page"
    )


class StreamSettings(BaseModel):
    """Caps on live-stream connections, so one client cannot hold them all."""

    model_config = ConfigDict(extra="forbid")

    max_per_client: int = Field(default=8, ge=1, description="open streams per client address")
    max_total: int = Field(default=1000, ge=1, description="open streams in this process")
    retry_after_seconds: int = Field(default=30, ge=1, description="Retry-After of a refusal")
    heartbeat_seconds: float = Field(
        default=15.0,
        gt=0,
        description="seconds between keep-alive comments on every open stream; a client "
        "whose writes are held up at one and that has taken nothing by the next is dropped",
    )


class JobSettings(BaseModel):
    """Background work (see jobs/): on SQLite a loop inside the one process; on PostgreSQL
    jobs of the procrastinate job engine, shared by every worker."""

    model_config = ConfigDict(extra="forbid")

    tick_seconds: int = Field(
        default=5, ge=1, le=30, description="how often due feeds and quotes are looked for"
    )
    concurrency: int = Field(default=4, ge=1, le=64, description="jobs one worker runs at once")
    stalled_after_seconds: float = Field(
        default=30.0,
        ge=3,
        description="a worker without a heartbeat for this long is dead; its jobs run again",
    )
    attempts: int = Field(
        default=5, ge=1, le=100, description="runs a job gets before it is recorded as failed"
    )

    @field_validator("tick_seconds")
    @classmethod
    def _tick_divides_a_minute(cls, seconds: int) -> int:
        # The job engine schedules ticks with a cron seconds field, which restarts each minute.
        if 60 % seconds:
            raise ValueError("must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30)")
        return seconds


class MediaSettings(BaseModel):
    """Article images served from our own origin (see media/)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(
        default=True, description="serve article images from the portal; off: link to publishers"
    )
    key: str = Field(
        default="",
        description="HMAC key for image URLs, the same on every replica; empty: a key file in "
        "data_dir, written on first start",
    )
    budget_mb: int = Field(default=512, ge=1, description="disk the image cache may use, in MiB")
    retry_failed_minutes: int = Field(
        default=60, ge=1, description="how long an image that failed waits before a new try"
    )


class MetricsSettings(BaseModel):
    """Prometheus metrics at ``/metrics`` (see web/metrics.py and docs/deploy.md)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(
        default=True, description="serve /metrics and time every request; off: neither"
    )


class LogSettings(BaseModel):
    """How log lines are written (see logs.py)."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["text", "logfmt", "json"] = Field(
        default="text",
        description="text for people, logfmt or json (one object a line) for a log collector",
    )


class TaggingSettings(BaseModel):
    """How articles are tagged (see news/tag/ and docs/configuration.md)."""

    model_config = ConfigDict(extra="forbid")

    extra_aliases: Path | None = Field(
        default=None,
        description="a TOML file in the alias table's format whose entries are added to the "
        "shipped ones (same entity or ticker: its names and rules are added to that entry)",
    )

    @field_validator("extra_aliases")
    @classmethod
    def _readable_table(cls, path: Path | None) -> Path | None:
        """Read the user's table now, so a typo in it stops every command at start-up with
        the table's own complaint, rather than the tagger's first article with a traceback."""
        if path is None:
            return None
        from tickerwire.news.tag.gazetteer import AliasTableError, load_aliases

        try:
            load_aliases(path)
        except AliasTableError as error:
            raise ValueError(str(error)) from None
        return path


class AccountSettings(BaseModel):
    """Readers' accounts (see docs/accounts.md): who may sign up, how long a session lasts,
    how sign-in is throttled. Everything readable without an account stays readable,
    unless ``private_site`` closes the site to all but its members."""

    model_config = ConfigDict(extra="forbid")

    signup: Literal["open", "invite", "closed"] = Field(
        default="open",
        description="open: anyone may sign up; invite: only with a code from "
        "`tickerwire users invite`; closed: refused (an admin creates accounts with "
        "`tickerwire users create`)",
    )
    private_site: bool = Field(
        default=False,
        description="on: every page, feed, JSON twin, API route and the stream need a "
        "signed-in member; sign-in, sign-up, /static and the health checks stay open",
    )
    invite_days: int = Field(
        default=7, ge=1, le=365, description="an invitation code expires this long after it is made"
    )
    session_days: int = Field(
        default=30, ge=1, le=365, description="a session ends this long after sign-in"
    )
    secure_cookies: Literal["auto", "always"] = Field(
        default="auto",
        description="auto: cookies are Secure when the request came over HTTPS (as the "
        "server, or a proxy it trusts, saw it); always: on every response",
    )
    sign_in_failures: int = Field(
        default=5, ge=1, le=100, description="failed sign-ins per account or address..."
    )
    sign_in_window_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="...within this many minutes, then refused"
    )
    members_add_instruments: bool = Field(
        default=True,
        description="on: a member may add a symbol Yahoo's search finds (its calendar known "
        "from its exchange) to the site from a watchlist page; off: only an admin adds one",
    )
    instruments_per_member: int = Field(
        default=20,
        ge=0,
        le=1000,
        description="instruments one member (not an admin) may add to the site: each is "
        "asked for at every poll",
    )


class AlertSettings(BaseModel):
    """How alerts reach members besides their inbox (see docs/alerts.md): the ntfy server,
    the mail server, the hour of the daily digest and the portal's own address for links."""

    model_config = ConfigDict(extra="forbid")

    public_url: str = Field(
        default="",
        description="the portal's address as members reach it (https://news.example.org), "
        "for links in webhooks, ntfy and email; empty: links are paths",
    )
    ntfy_server: str = Field(default="https://ntfy.sh", description="the ntfy server to publish to")
    ntfy_token: str = Field(default="", description="an ntfy access token, if the server wants one")
    smtp_host: str = Field(default="", description="the mail server; empty: no email is sent")
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str = Field(default="", description="user name for SMTP AUTH; empty: none")
    smtp_password: str = ""
    smtp_starttls: bool = Field(
        default=True, description="require STARTTLS; off only for a mail server on this machine"
    )
    mail_from: str = Field(
        default="Tickerwire <tickerwire@localhost>", description="the From of alert emails"
    )
    digest_hour: int = Field(
        default=8, ge=0, le=23, description="the daily digest's hour, in each member's zone"
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TICKERWIRE_", env_nested_delimiter="__", extra="forbid"
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = Field(
        default="", description="SQLAlchemy URL; empty means SQLite in data_dir"
    )
    redis_url: str = Field(default="", description="Redis for the bus when several processes run")
    redis_channel: str = Field(
        default="", description="the bus's Redis channel; empty: tickerwire:events"
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    demo: bool = Field(default=False, description="simulated quotes only, for offline use")
    timezone: str = Field(default="America/New_York", description="zone pages show times in")
    ribbon: list[str] | None = None
    instruments: list[Instrument] = Field(default_factory=list)
    remove_instruments: list[str] = Field(default_factory=list)
    providers: ProviderSettings = Field(default_factory=ProviderSettings)
    poll: PollSettings = Field(default_factory=PollSettings)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    workers: WorkerSettings = Field(default_factory=WorkerSettings)
    stream: StreamSettings = Field(default_factory=StreamSettings)
    media: MediaSettings = Field(default_factory=MediaSettings)
    jobs: JobSettings = Field(default_factory=JobSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    logs: LogSettings = Field(default_factory=LogSettings)
    accounts: AccountSettings = Field(default_factory=AccountSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    tagging: TaggingSettings = Field(default_factory=TaggingSettings)
    poller_enabled: bool = Field(default=True, description="run pollers inside `serve`")
    default_feeds: list[str] = Field(
        default_factory=lambda: list(DEFAULT_FEEDS),
        description="subscribed once, on the first start; removing one later is remembered",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        refuse_unknown_variables(os.environ)
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = config_file_path()
        if config_file is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)

    @model_validator(mode="after")
    def _demo_means_simulated(self) -> Settings:
        if self.demo:
            self.providers = self.providers.model_copy(update={"order": ["simulated"]})
        return self

    @model_validator(mode="after")
    def _ribbon_names_known_instruments(self) -> Settings:
        try:
            self.registry  # noqa: B018 - built here so a bad ribbon is refused at start
        except ValueError:
            known = Registry.build(self.instruments, None, self.remove_instruments)
            names = {i.symbol for i in known}
            unknown = [s for s in self.ribbon or [] if s.upper() not in names]
            raise ValueError(
                f"ribbon names {', '.join(unknown)}, which is not an instrument "
                f"(known: {', '.join(i.symbol for i in known)})"
            ) from None
        return self

    @property
    def effective_database_url(self) -> str:
        """The database in use: ``database_url`` when set, else a SQLite file in
        ``data_dir``; the demo has its own file, so simulated data never meets real data."""
        if self.database_url:
            return self.database_url
        name = "tickerwire-demo.sqlite3" if self.demo else "tickerwire.sqlite3"
        return f"sqlite:///{self.data_dir / name}"

    def refuse_demo_on_a_named_database(self) -> None:
        """Demo mode writes simulated quotes and sample articles; on a database the user
        named they would sit beside real data, so that combination is refused."""
        if self.demo and self.database_url:
            raise SettingsError(
                "demo mode keeps its simulated quotes and sample articles in their own SQLite "
                f"file ({self.data_dir / 'tickerwire-demo.sqlite3'}), so it will not run on the "
                "database_url you set; unset database_url (--database-url, "
                "TICKERWIRE_DATABASE_URL) for the demo, or run without --demo"
            )

    @cached_property
    def registry(self) -> Registry:
        return Registry.build(self.instruments, self.ribbon, self.remove_instruments)


def config_file_path() -> Path | None:
    """The TOML file to read, if any. A file named explicitly must exist."""
    named = os.environ.get("TICKERWIRE_CONFIG")
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"TICKERWIRE_CONFIG names {path}, which is not a file")
        return path
    default = default_config_file()
    return default if default.is_file() else None


class SettingsError(ValueError):
    """Settings that cannot be used; the message is one sentence a person can act on."""


def environment_names() -> set[str]:
    """Every ``TICKERWIRE_*`` variable that sets something, nested tables included."""
    names = set(_NOT_SETTINGS)
    for name, field in Settings.model_fields.items():
        top = f"{ENV_PREFIX}{name.upper()}"
        names.add(top)
        table = field.annotation
        if isinstance(table, type) and issubclass(table, BaseModel):
            names.update(f"{top}__{sub.upper()}" for sub in table.model_fields)
    return names


def refuse_unknown_variables(environ: Mapping[str, str]) -> None:
    """Raise for a ``TICKERWIRE_*`` variable that is no setting, naming the closest one;
    pydantic-settings would silently ignore it, and a typo would go unnoticed."""
    known = environment_names()
    for variable in sorted(environ):
        name = variable.upper()
        if not name.startswith(ENV_PREFIX) or name.startswith(_RESERVED_PREFIXES):
            continue
        if name not in known:
            raise SettingsError(f"{variable} is not a setting{_closest(name, known)}")


def _closest(name: str, candidates: set[str]) -> str:
    match = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return f" (did you mean {match[0]}?)" if match else ""


def _table_of(location: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The settings model a nested key lives in, for suggesting its closest field."""
    model: type[BaseModel] = Settings
    for part in location:
        field = model.model_fields.get(str(part))
        table = field.annotation if field is not None else None
        if not (isinstance(table, type) and issubclass(table, BaseModel)):
            return None
        model = table
    return model


def explain(error: ValidationError) -> str:
    """A validation error as one sentence: each problem with where it is, an unknown key
    with the closest valid one."""
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        if item["type"] == "extra_forbidden":
            table = _table_of(item["loc"][:-1])
            prefix = where.rpartition(".")[0]
            fields = (
                {f"{prefix}.{f}" if prefix else f for f in table.model_fields} if table else set()
            )
            problems.append(f"{where} is not a setting{_closest(where, fields)}")
        else:
            message = str(item["msg"]).removeprefix("Value error, ")
            problems.append(f"{where}: {message}" if where else message)
    return "; ".join(problems)


def load_settings(**overrides: Any) -> Settings:
    """Settings for a process, or :class:`SettingsError` saying in a sentence what is wrong."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(explain(error)) from None
