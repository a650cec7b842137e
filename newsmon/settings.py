"""One validated settings object for newsmon.

Every limit lives here with its default (compare Scrapy's ``default_settings.py`` and
Miniflux's ``config/options.go``). Nothing else in the code base reads globals or
environment variables for a limit: the ``Settings`` object is passed in.

``load_settings(path)`` reads the TOML config, validates it and raises ``ConfigError``
with one line that names the file, the key and what to do.
"""
from __future__ import annotations

import ipaddress
import tomllib
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from newsmon.errors import ConfigError

DEFAULT_USER_AGENT = "newsmon/0.1 (+https://github.com/newsmon/newsmon; news monitoring bot)"


class _Strict(BaseModel):
    # Unknown keys are almost always typos ("allow_network"): reject them loudly.
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(_Strict):
    url: str = "sqlite:///data/newsmon.db"
    # SQLite: how long a writer waits for the lock before "database is locked".
    sqlite_busy_timeout_s: float = 30.0
    echo: bool = False


class WatchlistSettings(_Strict):
    path: str = "watchlists/default.toml"


class FetchSettings(_Strict):
    """Limits of the one fetch chokepoint (``scrapers.fetch``)."""

    user_agent: str = DEFAULT_USER_AGENT
    # CIDRs allowed although private/loopback/link-local/...; default none (SSRF guard).
    allow_networks: tuple[str, ...] = ()
    # Overall wall-clock deadline for one request including redirects and body (not per read).
    # It counts time on the wire (connect, headers, body of every hop) per attempt; time
    # queued for a per-host slot or a robots.txt lookup is not counted. Retries get a new one.
    deadline_s: float = 30.0
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 15.0
    # Cap on *decompressed* body bytes; Scrapy's DOWNLOAD_MAXSIZE defaults to 1 GiB, far too
    # much for news pages, Miniflux uses 10 MiB for feeds. Pages rarely pass 2 MB.
    max_bytes: int = 5 * 1024 * 1024
    max_feed_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    # Retries of temporary failures (timeouts, 5xx, 429) inside one cycle.
    retries: int = 2
    retry_backoff_s: float = 1.0
    # Longest Retry-After we honour inside a cycle; longer ones postpone the feed instead.
    max_retry_after_s: float = 60.0
    # Politeness: concurrent requests per host, and minimum gap between request starts.
    per_host_concurrency: int = 2
    per_host_delay_s: float = 0.0
    # Total concurrent requests across all hosts.
    concurrency: int = 64
    obey_robots: bool = True
    robots_cache_s: float = 3600.0
    # Cap on a robots.txt body: RFC 9309 asks crawlers to parse at least 500 KiB;
    # a larger one is treated as unavailable (allow, with a note).
    robots_max_bytes: int = 512 * 1024
    # robots.txt Crawl-delay is honoured as a per-host gap between request starts, up to
    # this many seconds (a site asking for more still gets one request per 10 s; 0 = ignore).
    max_crawl_delay_s: float = 10.0
    # (Article pages with binary or wrongly labelled content are skipped with a reason by
    # scrapers.sniff.binary_reason: a fixed rule, no setting.)
    # Offer HTTP/2 on TLS connections.
    http2: bool = False

    @field_validator("allow_networks")
    @classmethod
    def _cidrs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for cidr in v:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError as e:
                raise ValueError(f"{cidr!r} is not a CIDR network ({e})") from None
        return v

    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(c, strict=False) for c in self.allow_networks]


class PollSettings(_Strict):
    """Per-cycle behaviour and feed health."""

    # Entries per feed considered in one cycle (newest first).
    max_entries_per_feed: int = 200
    # Feed back-off after consecutive failures: base * 2**(n-1), capped.
    backoff_base_s: float = 300.0
    backoff_cap_s: float = 24 * 3600.0
    # Feeds polled per Prefect task (batch); per-article work is asyncio inside the task.
    feeds_per_task: int = 50
    # Worker processes for CPU-bound extraction (0 = run inline; None = number of cores).
    extract_workers: int | None = None
    # Articles held in flight at once per batch (bounds memory: pages are streamed, not kept).
    articles_in_flight: int = 32


class ScheduleSettings(_Strict):
    poll_cron: str = "*/15 * * * *"
    timezone: str = "UTC"
    deployment_name: str = "newsmon"

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        _check_tz(v)
        return v


class FeedSettings(_Strict):
    name: str
    url: str
    sitemap: str | None = None
    # Time zone for dates printed without an offset by this outlet.
    timezone: str = "UTC"
    language: str | None = None
    enabled: bool = True

    @field_validator("url", "sitemap")
    @classmethod
    def _http(cls, v: str | None) -> str | None:
        if v is not None and not v.lower().startswith(("http://", "https://")):
            raise ValueError(f"{v!r} must be an http:// or https:// URL")
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        _check_tz(v)
        return v


class AlertRule(_Strict):
    name: str
    webhook: str
    entities: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    min_mentions: int = 1
    title_only: bool = False


class WebSettings(_Strict):
    host: str = "127.0.0.1"
    port: int = 8765
    prefect_ui_url: str | None = None


class Settings(_Strict):
    database: DatabaseSettings = DatabaseSettings()
    watchlist: WatchlistSettings = WatchlistSettings()
    fetch: FetchSettings = FetchSettings()
    poll: PollSettings = PollSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    web: WebSettings = WebSettings()
    feeds: tuple[FeedSettings, ...] = ()
    alerts: tuple[AlertRule, ...] = ()
    # Directory the config was loaded from: relative paths in it are resolved against it.
    base_dir: Path = Field(default_factory=Path.cwd, exclude=True)

    @model_validator(mode="after")
    def _unique_feeds(self) -> "Settings":
        seen: set[str] = set()
        for f in self.feeds:
            if f.name in seen:
                raise ValueError(f"feed name {f.name!r} is used twice; feed names must be unique")
            seen.add(f.name)
        return self

    def resolve(self, p: str | Path) -> Path:
        p = Path(p)
        return p if p.is_absolute() else self.base_dir / p

    @property
    def watchlist_path(self) -> Path:
        return self.resolve(self.watchlist.path)

    @property
    def database_url(self) -> str:
        """The database URL with a relative SQLite path made relative to the config file."""
        url = self.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.resolve(url[len(prefix):]))
        return url

    def feed(self, name: str) -> FeedSettings:
        for f in self.feeds:
            if f.name == name:
                return f
        raise KeyError(name)


def _check_tz(v: str) -> None:
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{v!r} is not an IANA time zone such as 'Asia/Seoul' or 'UTC'") from None


def _loc(loc: tuple) -> str:
    parts: list[str] = []
    for p in loc:
        if isinstance(p, int):
            parts[-1] = f"{parts[-1]}[{p}]" if parts else f"[{p}]"
        else:
            parts.append(str(p))
    return ".".join(parts)


def parse_settings(data: dict, *, source: str = "<config>", base_dir: Path | None = None) -> Settings:
    """Validate a config dict; raise ConfigError with one line per problem (first line first)."""
    try:
        return Settings(**data, base_dir=base_dir or Path.cwd())
    except ValidationError as e:
        msgs = []
        for err in e.errors():
            key = _loc(err["loc"]) or "(top level)"
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key (typo?); see the example newsmon.toml and newsmon/settings.py for the valid keys"
            msgs.append(f"{source}: key {key}: {msg}")
        raise ConfigError("; ".join(msgs)) from None


def load_settings(path: str | Path) -> Settings:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read config ({e.strerror or e}); "
                          f"copy the example newsmon.toml to {path} and edit it") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    return parse_settings(data, source=str(path), base_dir=path.resolve().parent)
