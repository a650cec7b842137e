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
from typing import Annotated, Any, Literal, get_args
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


def is_loopback(host: str) -> bool:
    """Is ``host`` (a bind address or name) reachable from this machine only?"""
    h = host.strip().lower().strip("[]")
    if h == "localhost":
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def _check_cidrs(v: tuple[str, ...]) -> tuple[str, ...]:
    for cidr in v:
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError as e:
            raise ValueError(f"{cidr!r} is not a CIDR network ({e}); write e.g. '10.0.0.0/8' "
                             "or '127.0.0.1/32'") from None
    return v


def _check_http(v: str) -> str:
    if not v.lower().startswith(("http://", "https://")):
        raise ValueError(f"{v!r} must be an http:// or https:// URL")
    return v


# An http(s) URL (a webhook, a feed).
HttpURL = Annotated[str, AfterValidator(_check_http)]


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
        return _check_cidrs(v)

    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(c, strict=False) for c in self.allow_networks]


class PollSettings(_Strict):
    """Per-cycle behaviour and feed health."""

    # Entries per feed considered in one cycle (newest first).
    max_entries_per_feed: int = 200
    # Feed back-off after consecutive failures: base * 2**(n-1), capped.
    backoff_base_s: float = 300.0
    backoff_cap_s: float = 24 * 3600.0
    # A feed whose site answered with a bot challenge (Cloudflare "Just a moment...",
    # DataDome, ...: scrapers/challenge.py) waits this long before the next try, or longer
    # if its Retry-After says so: polling a wall every 15 minutes only makes it stricter,
    # and a block by IP reputation or user agent rarely lifts within hours.
    challenge_backoff_s: float = Field(default=12 * 3600.0, ge=0)
    # Feeds polled per Prefect task (batch); per-article work is asyncio inside the task.
    # Each task run costs the API server ~45 ms of CPU plus the client's bookkeeping; all
    # batches run at once anyway, so the size only sets how many task runs a cycle pays
    # for (measured: 10,000 idle feeds in 42 s with 200 tasks, 35 s with 20).
    feeds_per_task: int = 500
    # Worker processes for CPU-bound extraction (0 = run inline; None = number of cores).
    extract_workers: int | None = None
    # Articles held in flight at once per batch (bounds memory: pages are streamed, not kept).
    articles_in_flight: int = 32
    # A feed counts as failing (event newsmon.feed.failing, once) when this many polls in a
    # row failed: one or two failures are usually a blip (a deploy, a 502), three in a row
    # at the back-off's 5, 10, 20 minutes are ~35 minutes of trouble.
    failing_after: int = Field(default=3, ge=1)


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


class FeedToolsSettings(_Strict):
    """``newsmon feeds check|discover|import|export`` (``scrapers/feedcheck.py``,
    ``scrapers/discover.py``, ``scrapers/opml.py``)."""

    # feeds check: a feed whose newest entry is older than this many days is "stale" (news
    # outlets publish daily; a section feed quiet for a week has usually moved or died).
    stale_days: float = Field(default=7.0, gt=0)
    # feeds discover: candidate feed URLs verified (each one fetched and parsed) per page at
    # most: advertised <link>s first, then links in the page, then common paths.
    discover_max_candidates: int = Field(default=30, ge=1, le=500)
    # OPML import: the file is XML from strangers. Size cap (an export of 10,000
    # subscriptions is ~2 MB) and nesting cap (readers nest folders 2-3 deep).
    opml_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    opml_max_depth: int = Field(default=32, ge=2, le=1000)


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
    least ``min_mentions`` times, in the title when ``title_only``, with a prominence of at
    least ``min_prominence`` when set, and its feed is one of ``feeds`` (any feed if empty).
    """

    name: str
    webhook: str
    entities: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    min_mentions: int = Field(default=1, ge=1)
    title_only: bool = False
    # 0-100 (watch.prominence; 55 is its "about the entity" threshold). A flag without a
    # score (stored before 0.2.0) never passes. Unset: prominence does not matter.
    min_prominence: int | None = Field(default=None, ge=0, le=100)

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


class SearchSettings(_Strict):
    """Full-text search (inbox ``q=``, Atom ``q=``, ``newsmon search``; ``models.store.search``)."""

    # Longest query accepted, and most terms (words or quoted phrases) in one: every term is
    # one more index lookup, all of them must match.
    max_query_chars: int = Field(default=200, ge=1, le=2000)
    max_terms: int = Field(default=8, ge=1, le=32)
    # SQLite: a 2-character term looks up the indexed trigrams starting with it; past this
    # many ("ai" in English text) the term is matched by a scan bounded by the other filters.
    max_short_term_grams: int = Field(default=200, ge=1, le=5000)
    # Characters of body shown around the first hit (inbox rows, CLI output).
    snippet_chars: int = Field(default=240, ge=40, le=2000)
    # The inbox under a search counts matching stories up to this many ("200+ flagged
    # stories"): counting every match of a common word would cost seconds on a large archive.
    count_stories: int = Field(default=200, ge=1)

    def parse(self, raw: str | None) -> Any:
        """The parsed query (``models.store.SearchQuery``) or None; SearchQueryError if unusable."""
        from models.store.search import parse_query
        return parse_query(raw, max_chars=self.max_query_chars, max_terms=self.max_terms,
                           max_grams=self.max_short_term_grams)


class WebSettings(_Strict):
    """The review inbox (``newsmon web``)."""

    # Loopback by default: with auth = "none" only this machine may reach the inbox.
    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=1, le=65535)
    # Base URL of the Prefect UI for "stored by flow run" links; default: PREFECT_UI_URL,
    # else PREFECT_API_URL without its /api suffix, else no link.
    prefect_ui_url: str | None = None
    # Story clusters per inbox page.
    page_size: int = Field(default=50, ge=1, le=1000)
    # The desk's address as readers reach it (e.g. "https://desk.example.org"), for links
    # in the daily digest, which is read outside the desk. Unset: http://<host>:<port>.
    public_url: str | None = None
    # --- entity pages (/entity/<id>) and the inbox's sparklines ---
    chart_max_days: int = Field(default=731, ge=1, le=3660)  # longest since..until range charted
    entity_stories: int = Field(default=20, ge=1, le=500)  # latest stories listed
    entity_related: int = Field(default=10, ge=1, le=100)  # entities flagged together, listed
    sparkline_days: int = Field(default=30, ge=2, le=366)  # days in each inbox sparkline
    # --- accounts and access (review/web/auth.py) ---
    # "none": no login, everyone who reaches the port acts as the local admin (the OS user
    # running `newsmon web`); allowed only while host is a loopback address, so the
    # single-analyst setup of 0.1.0 keeps working unchanged. "password": accounts in the
    # database, a login page, session cookies. "proxy": the user name comes from
    # proxy_user_header, set by an authenticating proxy (oauth2-proxy, Authelia...).
    auth: Literal["none", "password", "proxy"] = "none"
    # Header with the signed-in user name, trusted only from trusted_proxies (auth = "proxy").
    proxy_user_header: str = "X-Forwarded-User"
    # CIDRs of the proxies whose headers are believed: proxy_user_header, X-Forwarded-For
    # (the client address used for login throttling) and X-Forwarded-Proto (https: Secure
    # cookies). Checked against the immediate peer address only. Default: none.
    trusted_proxies: tuple[str, ...] = ()
    # Role of a proxy user newsmon has no account for: the account is created on first
    # visit with this role (an admin promotes it); "refuse" lets in existing accounts only.
    proxy_default_role: Literal["viewer", "reviewer", "admin", "refuse"] = "viewer"
    # Where "Sign out" sends a proxy user (e.g. "/oauth2/sign_out"); unset: no sign-out button.
    proxy_logout_url: str | None = None
    # Key that signs session cookies and CSRF tokens. Unset: a random key is generated once
    # and kept in the database (newsmon_meta), so sessions survive restarts and every web
    # worker on the same database shares it. Changing it signs everybody out.
    secret_key: str | None = Field(default=None, min_length=32)

    @field_validator("trusted_proxies")
    @classmethod
    def _cidrs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _check_cidrs(v)

    @field_validator("public_url")
    @classmethod
    def _public(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", v):
            raise ValueError(f"{v!r} is not an http(s) URL such as 'https://desk.example.org'")
        return v.rstrip("/")

    def base_url(self) -> str:
        """``public_url``, else the address ``newsmon web`` listens on."""
        if self.public_url:
            return self.public_url
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @field_validator("proxy_user_header")
    @classmethod
    def _header(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9-]+", v):
            raise ValueError(f"{v!r} is not an HTTP header name such as 'X-Forwarded-User'")
        return v

    @model_validator(mode="after")
    def _access(self) -> "WebSettings":
        if self.auth == "none" and not is_loopback(self.host):
            raise KeyedValueError(("auth",), f'auth = "none" (no login) is only allowed while [web] host is a '
                                  f"loopback address (127.0.0.1, ::1, localhost), not {self.host!r}: set "
                                  f'[web] auth = "password" (and add users with `newsmon users add`) or "proxy"')
        if self.auth == "proxy" and not self.trusted_proxies:
            raise KeyedValueError(("trusted_proxies",), 'auth = "proxy" needs the addresses of the proxy in '
                                  "[web] trusted_proxies (e.g. ['127.0.0.1/32']): the user header is "
                                  "ignored from anywhere else")
        return self

    def proxy_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(c, strict=False) for c in self.trusted_proxies]


class AccountSettings(_Strict):
    """Accounts, sessions, login throttling and feed tokens (``[accounts]``; review/web/auth.py)."""

    # Shortest password accepted (NIST SP 800-63B asks for at least 8; 15 without a 2nd factor).
    password_min_chars: int = Field(default=12, ge=8, le=256)
    # Argon2id parameters (RFC 9106 "second recommended" profile: 3 passes over 64 MiB, 4
    # lanes, argon2-cffi's defaults; 0.18-0.26 s per sign-in on the 2-core test machine).
    # Stored hashes made with other parameters are re-hashed at the user's next sign-in.
    argon2_time_cost: int = Field(default=3, ge=1, le=20)
    argon2_memory_kib: int = Field(default=65536, ge=8 * 1024, le=4 * 1024 * 1024)
    argon2_parallelism: int = Field(default=4, ge=1, le=64)
    # A session ends this long after sign-in whatever happens (a stolen cookie dies too)...
    session_lifetime_hours: float = Field(default=168.0, gt=0)  # 7 days
    # ...or after this long without a request (a desk left open over the weekend).
    session_idle_minutes: float = Field(default=720.0, gt=0)  # 12 hours
    # Failed sign-ins: login_max_failures for one user name (existing or not), or
    # login_max_failures_per_address from one client address (IPv6: its /64), within
    # login_window_minutes lock that name or address for login_lockout_minutes. Kept in
    # the database: the lock holds across web workers and restarts.
    login_max_failures: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=20, ge=1)
    login_window_minutes: float = Field(default=15.0, gt=0)
    login_lockout_minutes: float = Field(default=15.0, gt=0)
    # Stories per Atom feed document (newest first).
    feed_entries: int = Field(default=50, ge=1, le=500)


class EventsSettings(_Strict):
    """Prefect events (``newsmon/events.py``, ``review/announce.py``): what newsmon tells Prefect."""

    # Emit events at all (from flow runs; review decisions also need PREFECT_API_URL).
    enabled: bool = True
    # newsmon.story.flagged events per announcing pass at most (a pass runs every few seconds
    # during a cycle and once at its end): a flood of new stories is spread over passes and
    # cycles instead of one burst. The rest waits for the next pass, oldest first (and is
    # never announced once older than the alert look-back). Each event costs the cycle about
    # 1.5-2 ms and the Prefect server about 4 ms of CPU (benchmarks/events.py): 1,000 per pass
    # bounds a cycle's cost to seconds, far above the tens of stories a cycle usually flags.
    max_flagged_per_pass: int = Field(default=1000, ge=1)
    # Snippet characters in a story event's payload (events are kept by the Prefect server,
    # 1.5 MB at most each; a snippet is one sentence).
    snippet_max_chars: int = Field(default=400, ge=0, le=4000)
    # Entities attached as related resources of one story event (the most prominent first);
    # Prefect allows 100 related resources per event, and the run adds its own (flow run,
    # flow, deployment, work pool, tags).
    max_related_entities: int = Field(default=50, ge=1, le=80)
    # Longest wait for the Prefect API when a review decision is sent from outside a flow run
    # (web app, `newsmon review mark`); no retries: the decision is stored either way.
    api_timeout_s: float = Field(default=3.0, gt=0, le=60)


_BLOCK_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class WebhookActionSettings(_Strict):
    """``[automations.webhook]``: a Prefect Webhook block (created or updated by ``automations
    apply``) that the Prefect server calls. The URL and headers live in the block, which
    Prefect stores as secrets; the automation only names the block."""

    block: str
    # The webhook URL (kept in the block, not in the automation); or the environment variable
    # that holds it (`url_env`), so the config file holds no secret; or neither, to use a
    # block that already exists (e.g. made in the Prefect UI).
    url: HttpURL | None = None
    url_env: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    method: Literal["POST", "PUT", "PATCH"] = "POST"
    # Prefect's Webhook block refuses private/loopback addresses only when told to: newsmon
    # tells it to (SSRF guard), unless this is true (a receiver on the local network).
    allow_private_urls: bool = False
    # Jinja template of the request body (Prefect renders it with `event`); default: a
    # Slack-compatible {"text": ...} from the event's summary.
    payload: str | None = None

    @field_validator("block")
    @classmethod
    def _block(cls, v: str) -> str:
        if not _BLOCK_NAME.match(v):
            raise ValueError(f"{v!r} is not a block name: lower-case letters, digits and dashes, e.g. 'newsmon-slack'")
        return v

    @model_validator(mode="after")
    def _one_url(self) -> "WebhookActionSettings":
        if self.url and self.url_env:
            raise KeyedValueError(("url_env",), "give url or url_env, not both")
        return self


class NotifyActionSettings(_Strict):
    """``[automations.notify]``: send through an existing Prefect notification block (Slack,
    Microsoft Teams, email, PagerDuty, custom webhook...), named by its block document name
    (``type-slug/name`` when two blocks of different types share the name)."""

    block: str
    subject: str | None = None  # Jinja templates; defaults per event
    body: str | None = None


class RunDeploymentActionSettings(_Strict):
    """``[automations.run_deployment]``: start a flow run of a deployment (``flow/deployment``),
    with parameters that may be Jinja templates of the event, e.g.
    ``feeds = ["{{ event.resource['newsmon.feed.name'] }}"]``."""

    deployment: str
    parameters: dict[str, Any] = Field(default_factory=dict)

    @field_validator("deployment")
    @classmethod
    def _flow_slash_name(cls, v: str) -> str:
        if v.count("/") != 1 or not all(v.split("/")):
            raise ValueError(f"{v!r} is not a deployment name like 'backfill/newsmon' (flow name / deployment name)")
        return v


class AutomationSettings(_Strict):
    """One ``[[automations]]``: a Prefect automation made by ``newsmon automations apply``.

    Trigger: ``event`` (one of newsmon's events) with filters; ``threshold`` events within
    ``within_minutes``; or, for ``newsmon.feed.failing``, ``failing_for_minutes``: fires
    when the feed has not recovered that long after it started failing. Actions: one or
    more of ``webhook``, ``notify``, ``run_deployment``.
    """

    name: str
    description: str = ""
    enabled: bool = True
    event: str
    entities: tuple[str, ...] = ()  # story events: one of these entities is flagged
    feeds: tuple[str, ...] = ()  # story and feed events: from / about one of these feeds
    # Story events: an entity of `entities` (any flagged entity if empty) has at least this
    # prominence (0-100; stories without a prominence score never match).
    min_prominence: int | None = Field(default=None, ge=0, le=100)
    review_states: tuple[str, ...] = ()  # newsmon.story.reviewed: the new state is one of these
    threshold: int = Field(default=1, ge=1)
    within_minutes: float = Field(default=0.0, ge=0)
    # Prefect evaluates proactive triggers every few seconds and needs at least 10 s.
    failing_for_minutes: float | None = Field(default=None, ge=10 / 60)
    webhook: WebhookActionSettings | None = None
    notify: NotifyActionSettings | None = None
    run_deployment: RunDeploymentActionSettings | None = None

    @model_validator(mode="after")
    def _coherent(self) -> "AutomationSettings":
        from newsmon.events import EVENT_NAMES, FEED_EVENTS, FEED_FAILING, REVIEWED, STORY_EVENTS

        if self.event not in EVENT_NAMES:
            close = difflib.get_close_matches(self.event, EVENT_NAMES, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise KeyedValueError(("event",), f"unknown event {self.event!r}; {hint}newsmon emits "
                                  f"{', '.join(EVENT_NAMES)}")
        story = self.event in STORY_EVENTS
        for key in ("entities", "min_prominence"):
            if getattr(self, key) not in ((), None) and not story:
                raise KeyedValueError((key,), f"bad filter: {key} applies to {' and '.join(STORY_EVENTS)} only")
        if self.feeds and not (story or self.event in FEED_EVENTS):
            raise KeyedValueError(("feeds",), "bad filter: feeds applies to story and feed events only")
        if self.review_states:
            if self.event != REVIEWED:
                raise KeyedValueError(("review_states",), f"bad filter: review_states applies to {REVIEWED} only")
            from models.tables import REVIEW_STATES
            bad = sorted(set(self.review_states) - set(REVIEW_STATES))
            if bad:
                raise KeyedValueError(("review_states",), f"bad filter: unknown review state(s) "
                                      f"{', '.join(bad)}; use {', '.join(REVIEW_STATES)}")
        for key in ("entities", "feeds"):
            if any(not v.strip() for v in getattr(self, key)):
                raise KeyedValueError((key,), "bad filter: empty name")
            if any(v.startswith("!") for v in getattr(self, key)):  # Prefect reads "!x" as "not x"
                raise KeyedValueError((key,), "bad filter: a name starting with '!' cannot be matched by Prefect")
        if self.failing_for_minutes is not None:
            if self.event != FEED_FAILING:
                raise KeyedValueError(("failing_for_minutes",), f"bad filter: failing_for_minutes applies to "
                                      f"{FEED_FAILING} only")
            if self.threshold != 1 or self.within_minutes:
                raise KeyedValueError(("failing_for_minutes",), "bad filter: failing_for_minutes replaces "
                                      "threshold and within_minutes; remove them")
        if self.threshold > 1 and not self.within_minutes:
            raise KeyedValueError(("within_minutes",), f"bad filter: threshold = {self.threshold} needs "
                                  "within_minutes (the window the events must fall in)")
        if not (self.webhook or self.notify or self.run_deployment):
            raise KeyedValueError(("name",), f"automation {self.name!r} has no action: add a [automations.webhook], "
                                  "[automations.notify] or [automations.run_deployment] table")
        return self


def _unique_names(items: tuple[Any, ...], section: str, label: str, noun: str) -> dict[str, int]:
    """Name -> index of ``items`` (``[[feeds]]``, ``[[alerts]]``...); a repeated name is an
    error on its key."""
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.name in seen:
            raise KeyedValueError((section, i, "name"), f"{label} {item.name!r} is already used by "
                                  f"{section}[{seen[item.name]}]; give each {noun} a unique name")
        seen[item.name] = i
    return seen


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
    accounts: AccountSettings = AccountSettings()
    review: ReviewSettings = ReviewSettings()
    search: SearchSettings = SearchSettings()
    feed_tools: FeedToolsSettings = FeedToolsSettings()
    events: EventsSettings = EventsSettings()
    retention: RetentionSettings = RetentionSettings()
    feeds: tuple[FeedSettings, ...] = ()
    alerts: tuple[AlertRule, ...] = ()
    automations: tuple[AutomationSettings, ...] = ()
    # Directory the config was loaded from: relative paths in it are resolved against it.
    base_dir: Path = Field(default_factory=Path.cwd, exclude=True)

    @model_validator(mode="after")
    def _unique_feeds(self) -> "Settings":
        seen = _unique_names(self.feeds, "feeds", "feed name", "feed")
        _unique_names(self.alerts, "alerts", "alert rule name", "rule")
        _unique_names(self.automations, "automations", "automation name", "automation")
        for i, au in enumerate(self.automations):
            unknown = [f for f in au.feeds if f not in seen]
            if unknown:
                raise KeyedValueError(("automations", i, "feeds"), f"bad filter: unknown feed(s) "
                                      f"{', '.join(map(repr, unknown))}; use the names of the [[feeds]]")
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
