"""One validated settings object for newsmon.

Every limit lives here with its default (compare Scrapy's ``default_settings.py`` and
Miniflux's ``config/options.go``). Nothing else in the code base reads globals or
environment variables for a limit: the ``Settings`` object is passed in.

``load_settings(path)`` reads the TOML config, validates it and raises ``ConfigError``
with one line that names the file, the key and what to do.
"""
from __future__ import annotations

import difflib
import ipaddress
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from newsmon.errors import ConfigError
from newsmon.textfile import read_utf8

DEFAULT_USER_AGENT = "newsmon/0.1 (+https://github.com/newsmon/newsmon; news monitoring bot)"


def _check_tz(v: str) -> str:
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{v!r} is not an IANA time zone such as 'Asia/Seoul' or 'UTC'") from None
    return v


# An IANA time zone name, checked when the config is loaded.
TimeZone = Annotated[str, AfterValidator(_check_tz)]


class KeyedValueError(ValueError):
    """A check across keys (e.g. unique feed names) that fails on one key: ``loc`` names it,
    e.g. ``("feeds", 1, "name")``, so the error line can point at that key and its line."""

    def __init__(self, loc: tuple[str | int, ...], msg: str) -> None:
        super().__init__(msg)
        self.loc = loc


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
    # much for news pages; Miniflux allows 15 MiB per response. Pages rarely pass 2 MB.
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
    # Hosts whose idle connections (up to per_host_concurrency each) stay open for reuse
    # within a cycle; beyond this many, the least recently used host's are closed. A cycle
    # polls the feeds of many hosts in turn: a host that lost its connection pays for a new
    # one (connect + address check) on each request.
    keepalive_hosts: int = 256
    obey_robots: bool = True
    # How long a host's robots.txt (or its absence) is reused, kept in the database across
    # cycles; RFC 9309 allows up to 24 h. Failures to fetch it are not kept.
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
    # Fleet-wide politeness (several workers polling the same sites): around every request the
    # Fetcher also holds a slot of a Prefect global concurrency limit "newsmon-host-<host>"
    # (created on demand with per_host_concurrency slots; when per_host_delay_s > 0 also a
    # rate limit "newsmon-rate-<host>" of one request per per_host_delay_s). Enforced by the
    # Prefect server's database, so it holds across machines; needs PREFECT_API_URL. Tune a
    # host's limit in the UI (Concurrency page). Off by default (one machine needs no server).
    fleet_politeness: bool = False
    # Longest wait for a fleet slot; then the request fails as temporary (retried next cycle).
    fleet_wait_s: float = 300.0

    @field_validator("allow_networks")
    @classmethod
    def _cidrs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for cidr in v:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError as e:
                raise ValueError(f"{cidr!r} is not a CIDR network ({e}); write e.g. '10.0.0.0/8' "
                                 "or '127.0.0.1/32'") from None
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
    # Each task run costs the API server ~45 ms of CPU plus the client's bookkeeping; all
    # batches run at once anyway, so the size only sets how many task runs a cycle pays
    # for (measured: 10,000 idle feeds in 42 s with 200 tasks, 35 s with 20).
    feeds_per_task: int = 500
    # Worker processes for CPU-bound extraction (0 = run inline; None = number of cores).
    extract_workers: int | None = None
    # Articles held in flight at once per batch (bounds memory: pages are streamed, not kept).
    articles_in_flight: int = 32


class BackfillSettings(_Strict):
    """Caps of ``backfill`` (``flows.backfill``, ``scrapers.sitemaps``)."""

    # sitemaps.org allows 50 MB (uncompressed) and 50,000 URLs per sitemap file.
    sitemap_max_bytes: int = 50 * 1024 * 1024
    # Nested sitemap indexes followed (index -> index -> urlset is depth 2).
    sitemap_max_depth: int = 3
    # Sitemap files read per feed and run, and URLs considered per feed and run.
    sitemap_max_files: int = 500
    sitemap_max_urls: int = 200_000
    # Sitemap URLs checked against the store and ingested per step (progress and log granularity).
    urls_per_step: int = 200
    # Stored articles read per query when re-extracting (raw pages are held in memory per batch).
    stored_batch: int = 100
    # Feeds whose sitemaps are walked at the same time in one backfill run.
    feeds_in_parallel: int = 4


class ScheduleSettings(_Strict):
    poll_cron: str = "*/15 * * * *"
    timezone: TimeZone = "UTC"
    deployment_name: str = "newsmon"
    # The daily digest (review.digest) as a third deployment; "" leaves it out.
    digest_cron: str = "0 18 * * *"


class FeedSettings(_Strict):
    name: str
    url: str
    sitemap: str | None = None
    # Time zone for dates printed without an offset by this outlet. Unset: the site rule's
    # zone, Asia/Seoul for .kr hosts, else UTC (scrapers.extract).
    timezone: TimeZone | None = None
    language: str | None = None
    enabled: bool = True

    @field_validator("url", "sitemap")
    @classmethod
    def _http(cls, v: str | None) -> str | None:
        if v is not None and not v.lower().startswith(("http://", "https://")):
            raise ValueError(f"{v!r} must be an http:// or https:// URL")
        return v


class AlertRule(_Strict):
    """One ``[[alerts]]`` rule (``review.alerts``): a Slack-compatible webhook POST, once per story cluster.

    An article matches when one of ``entities`` (any flagged entity if empty) is mentioned at
    least ``min_mentions`` times, in the title when ``title_only``, and its feed is one of
    ``feeds`` (any feed if empty).
    """

    name: str
    webhook: str
    entities: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    min_mentions: int = Field(default=1, ge=1)
    title_only: bool = False

    @field_validator("webhook")
    @classmethod
    def _http(cls, v: str) -> str:
        if not v.lower().startswith(("http://", "https://")):
            raise ValueError(f"{v!r} must be an http:// or https:// URL")
        return v


class ReviewSettings(_Strict):
    """The review desk (``review/``): story clusters, alerts, the daily digest."""

    # Near-duplicate detection (MinHash over body shingles + LSH banding): a new article is
    # compared with the stored signatures of articles dated within this many days of it.
    cluster_window_days: float = Field(default=7.0, gt=0)
    # Same story when the estimated Jaccard similarity of the body shingles reaches this...
    cluster_jaccard: float = Field(default=0.5, gt=0, le=1)
    # ...or when this share of the shorter body's shingles is in the longer one (a wire
    # copy cut short or with a long addition), provided the Jaccard is at least 0.2.
    cluster_containment: float = Field(default=0.7, gt=0, le=1)
    # Articles clustered per cycle at most (a backlog, e.g. after an upgrade, catches up
    # over several cycles instead of stalling one).
    cluster_max_per_cycle: int = Field(default=5000, ge=1)
    # Alerts: articles fetched and published (undated: fetched) within this many hours may
    # still raise an alert (so a new rule or a backfill does not replay the archive), and a
    # claim left by a sender that crashed mid-POST is taken over after this many seconds.
    alert_lookback_hours: float = Field(default=24.0, gt=0)
    alert_claim_timeout_s: float = Field(default=600.0, gt=0)
    # Daily digest: also POST it (Slack-compatible JSON) to this webhook; default none.
    digest_webhook: str | None = None
    # Longest reviewer note kept (longer ones are refused with a message, not cut).
    note_max_chars: int = Field(default=4000, ge=1)

    @field_validator("digest_webhook")
    @classmethod
    def _http(cls, v: str | None) -> str | None:
        if v is not None and not v.lower().startswith(("http://", "https://")):
            raise ValueError(f"{v!r} must be an http:// or https:// URL")
        return v


class WebSettings(_Strict):
    """The review inbox (``newsmon web``)."""

    # Loopback by default: the inbox has no login, so only this machine may reach it.
    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=1, le=65535)
    # Base URL of the Prefect UI for "stored by flow run" links; default: PREFECT_UI_URL,
    # else PREFECT_API_URL without its /api suffix, else no link.
    prefect_ui_url: str | None = None
    # Story clusters per inbox page.
    page_size: int = Field(default=50, ge=1, le=1000)


class RetentionSettings(_Strict):
    """What ``newsmon prune`` (and the daily ``prune`` deployment) removes (``models.retention``).

    Every age is in days and counts from the article's publication date, else (undated)
    the time it was fetched: the date the inbox and exports show. Unset keeps everything:
    the defaults never delete anything.
    """

    # Drop the kept page (compressed HTML, ~75 % of an article's bytes) of articles older
    # than this; text, metadata, mentions and review stay. Re-extracting them (backfill
    # --source stored) then needs a refetch, which backfill says per article.
    raw_days: int | None = Field(default=None, ge=0)
    # Delete articles older than this that were never flagged and never reviewed (no
    # mentions, no review event, state "new"), nor in a story with such an article.
    articles_days: int | None = Field(default=None, ge=1)
    # Only when set: delete every article older than this, flagged and reviewed ones too,
    # with their mentions and audit trail. At least articles_days.
    flagged_days: int | None = Field(default=None, ge=1)
    # Delete fetch outcomes (the failure log) and cycle summaries older than this.
    log_days: int | None = Field(default=None, ge=1)
    # When the prune deployment runs (in [schedule] timezone): daily, at a quiet hour.
    prune_cron: str = "30 3 * * *"
    # Prune works in short transactions: each takes about batch_target_s (the number of
    # articles per transaction adapts to what the last ones cost, at most batch_size), so
    # SQLite's write lock, or PostgreSQL's row locks, are held briefly and poll cycles keep
    # saving during a prune.
    batch_size: int = Field(default=1000, ge=1, le=10_000)
    batch_target_s: float = Field(default=0.1, gt=0)
    # Pause between two transactions. A cycle in another process waiting for SQLite's write
    # lock polls for it (its busy handler sleeps up to 100 ms between tries): a shorter
    # pause could pass unseen, so the default lets a waiting writer in after each batch.
    batch_pause_s: float = Field(default=0.1, ge=0)
    # SQLite: most free pages given back to the file system per incremental-vacuum
    # transaction (4 KiB each: 16 MiB); sized by batch_target_s like the batches.
    vacuum_pages: int = Field(default=4096, ge=1)
    # PostgreSQL: VACUUM (ANALYZE) the tables prune touched (space reusable at once, fresh
    # planner statistics); false leaves it to autovacuum.
    pg_vacuum: bool = True

    @model_validator(mode="after")
    def _flagged_after_articles(self) -> "RetentionSettings":
        if self.flagged_days is not None:
            if self.articles_days is None:
                raise KeyedValueError(("flagged_days",), "flagged_days deletes flagged and reviewed articles, so "
                                      "set articles_days too (unflagged articles go first)")
            if self.flagged_days < self.articles_days:
                raise KeyedValueError(("flagged_days",), f"flagged_days ({self.flagged_days}) is less than "
                                      f"articles_days ({self.articles_days}): flagged articles would go before "
                                      "unflagged ones; make it at least articles_days")
        return self

    @property
    def enabled(self) -> bool:
        """Whether prune has anything to do (the prune deployment is registered only then)."""
        return any(v is not None for v in (self.raw_days, self.articles_days, self.flagged_days, self.log_days))


class Settings(_Strict):
    database: DatabaseSettings = DatabaseSettings()
    watchlist: WatchlistSettings = WatchlistSettings()
    fetch: FetchSettings = FetchSettings()
    poll: PollSettings = PollSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    backfill: BackfillSettings = BackfillSettings()
    web: WebSettings = WebSettings()
    review: ReviewSettings = ReviewSettings()
    retention: RetentionSettings = RetentionSettings()
    feeds: tuple[FeedSettings, ...] = ()
    alerts: tuple[AlertRule, ...] = ()
    # Directory the config was loaded from: relative paths in it are resolved against it.
    base_dir: Path = Field(default_factory=Path.cwd, exclude=True)

    @model_validator(mode="after")
    def _unique_feeds(self) -> "Settings":
        seen: dict[str, int] = {}
        for i, f in enumerate(self.feeds):
            if f.name in seen:
                raise KeyedValueError(("feeds", i, "name"), f"feed name {f.name!r} is already used by "
                                      f"feeds[{seen[f.name]}]; give each feed a unique name")
            seen[f.name] = i
        rules: dict[str, int] = {}
        for i, a in enumerate(self.alerts):
            if a.name in rules:
                raise KeyedValueError(("alerts", i, "name"), f"alert rule name {a.name!r} is already used "
                                      f"by alerts[{rules[a.name]}]; give each rule a unique name")
            rules[a.name] = i
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




def _loc(loc: tuple) -> str:
    parts: list[str] = []
    for p in loc:
        if isinstance(p, int):
            parts[-1] = f"{parts[-1]}[{p}]" if parts else f"[{p}]"
        else:
            parts.append(str(p))
    return ".".join(parts)


# -- error lines: point at the file's line and suggest the fix ------------------------------

_TOML_KEY_PART = r'(?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\')'
_TOML_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_TOML_KEY_PART}(?:\s*\.\s*{_TOML_KEY_PART})*)\s*\]\]?")
_TOML_KEY = re.compile(rf"^\s*({_TOML_KEY_PART}(?:\s*\.\s*{_TOML_KEY_PART})*)\s*=")


def _key_parts(dotted: str) -> list[str]:
    return [p.strip().strip("\"'") for p in re.findall(rf"{_TOML_KEY_PART}", dotted)]


def toml_line(text: str, loc: tuple[str | int, ...]) -> int | None:
    """The line (1-based) of the TOML key at ``loc`` (e.g. ``("feeds", 1, "url")``), or of the
    closest enclosing table written in the file; None when none of it is written there.

    A line scanner, not a parser: good enough to point people at the right line of a file
    that tomllib already accepted.
    """
    arrays: dict[tuple, int] = {}
    table: tuple = ()
    best, best_len = None, 0

    def consider(path: tuple, lineno: int) -> None:
        nonlocal best, best_len
        n = len(path)
        if n > best_len and tuple(loc[:n]) == path:
            best, best_len = lineno, n

    for lineno, line in enumerate(text.splitlines(), 1):
        if m := _TOML_HEADER.match(line):
            parts = _key_parts(m.group(2))
            path: tuple = ()
            for i, part in enumerate(parts):
                path += (part,)
                if i == len(parts) - 1 and m.group(1) == "[[":
                    arrays[path] = arrays.get(path, 0) + 1  # [[feeds]]: one more element
                if path in arrays:  # in an array of tables: its latest element
                    path += (arrays[path] - 1,)
            table = path
            consider(table, lineno)
        elif m := _TOML_KEY.match(line):
            consider(table + tuple(_key_parts(m.group(1))), lineno)
        if best_len == len(loc) and best is not None:
            break
    return best


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The settings class that holds the keys at ``loc`` (``("fetch",)`` -> FetchSettings)."""
    model: type[BaseModel] = Settings
    for p in loc:
        if isinstance(p, int):
            continue
        f = model.model_fields.get(p)
        if f is None:
            return None
        sub = next((t for t in (f.annotation, *get_args(f.annotation))
                    if isinstance(t, type) and issubclass(t, BaseModel)), None)
        if sub is None:
            return None
        model = sub
    return model


def _unknown_key_hint(loc: tuple) -> str:
    model = _model_at(loc[:-1])
    valid = [k for k in (model.model_fields if model else ()) if k != "base_dir"]
    close = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.6) if loc else []
    if close:  # the likely typo: name the fix, not the whole list
        return f"unknown key; did you mean {close[0]!r}? (all keys: newsmon/settings.py)"
    section = _loc(loc[:-1]) or "the top level"
    return f"unknown key; the keys of {section} are: {', '.join(valid)} (see newsmon/settings.py)"


def _error_line(err: dict, source: str, text: str | None) -> str:
    loc = tuple(err["loc"])
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, KeyedValueError):
        loc += tuple(cause.loc)
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = _unknown_key_hint(loc)
    elif err["type"] == "missing":
        msg = "required key is missing; add it"
    elif err["type"] != "value_error" and isinstance(err.get("input"), str | int | float | bool):
        msg = f"{msg} (got {err['input']!r})"
    line = toml_line(text, loc) if text is not None and loc else None
    where = f"{source}:{line}" if line else source
    return f"{where}: key {_loc(loc) or '(top level)'}: {msg}"


def parse_settings(data: dict, *, source: str = "<config>", base_dir: Path | None = None,
                   text: str | None = None) -> Settings:
    """Validate a config dict; raise ConfigError with one line per problem (first line first).

    ``text`` is the TOML source, if any: error lines then say ``file:line``.
    """
    if "base_dir" in data:  # not a config key: set from the config file's location
        line = toml_line(text, ("base_dir",)) if text is not None else None
        raise ConfigError(f"{source}{f':{line}' if line else ''}: key base_dir: unknown key; relative "
                          "paths are resolved against the config file's directory, remove it")
    try:
        return Settings(**data, base_dir=base_dir or Path.cwd())
    except ValidationError as e:
        raise ConfigError("; ".join(_error_line(err, source, text) for err in e.errors())) from None


def load_settings(path: str | Path) -> Settings:
    path = Path(path)
    text = read_utf8(path, what="config", fix=f"copy the example newsmon.toml to {path} and edit it")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"at line (\d+)", str(e))
        line = m.group(1) if m else len(text.splitlines()) or 1
        raise ConfigError(f"{path}:{line}: invalid TOML: {e}; fix the syntax there") from None
    return parse_settings(data, source=str(path), base_dir=path.resolve().parent, text=text)
