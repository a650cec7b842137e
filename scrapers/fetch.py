"""The one place newsmon opens HTTP connections: feeds, pages, robots.txt, sitemaps, webhooks.

Every request goes through ``Fetcher.fetch``, which enforces, per request and per
redirect hop:

* scheme http/https only;
* the SSRF guard (``scrapers.netguard``): the host is resolved by us, every address is
  checked against ``allow_networks``, and the connection goes to the checked address;
* robots.txt (``scrapers.robots``) for feeds, pages and sitemaps;
* redirects followed by hand, at most ``max_redirects``, loops refused;
* per-host and global concurrency, per-host start gap, per-host Retry-After back-off
  (``scrapers.politeness``);
* an overall deadline per attempt (connect + headers + body of all hops), on top of
  httpx's connect/read timeouts, so a server trickling one byte a second is cut off;
* a cap on *decompressed* body bytes, enforced while streaming with bounded decoders
  (``scrapers.content_encoding``), plus an up-front Content-Length check;
* retries of temporary failures with exponential back-off or the server's Retry-After;
* for pages, a binary-content check (``scrapers.sniff.binary_reason``);
* bot challenges and anti-bot walls (``scrapers.challenge``) raise ``BotChallengeError``
  instead of passing for content, and a host that answered with one is not asked again by
  this Fetcher (one per cycle): more requests only make the wall stricter.

``fetch`` raises only ``newsmon.errors.FetchError`` subclasses, each with a one-line message.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import httpcore
import httpx

from newsmon.errors import (
    BlockedError,
    BotChallengeError,
    DeadlineError,
    FetchError,
    PermanentFetchError,
    RobotsDisallowed,
    TemporaryFetchError,
    TooLargeError,
)
from newsmon.settings import FetchSettings
from scrapers import challenge
from scrapers.content_encoding import ACCEPT_ENCODING, ContentDecodingError, build_decoder
from scrapers.netguard import GuardedBackend, Resolver, check_address, parse_ip_literal
from scrapers.politeness import HostLimiter
from scrapers.robots import RobotsCache, RobotsMemory
from scrapers.sniff import binary_reason

__all__ = ["FetchResult", "Fetcher", "HostGate", "binary_reason", "parse_retry_after", "KINDS"]

log = logging.getLogger(__name__)

KINDS: tuple[str, ...] = ("feed", "page", "robots", "sitemap", "webhook")
_ROBOTS_KINDS = frozenset({"feed", "page", "sitemap"})

_ACCEPT = {
    "feed": "application/rss+xml, application/atom+xml, application/feed+json;q=0.9, "
            "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
    "page": "text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
    "robots": "text/plain, */*;q=0.5",
    "sitemap": "application/xml, text/xml;q=0.9, application/x-gzip;q=0.5, */*;q=0.3",
    "webhook": "application/json, */*;q=0.5",
}

_REDIRECTS = frozenset({301, 302, 303, 307, 308})

# ``host -> async context manager`` held around each request to ``host`` (each hop), e.g.
# flows.fleet.PrefectHostGate: fleet-wide per-host politeness on top of the per-process limits.
HostGate = Callable[[str], AbstractAsyncContextManager[None]]
_SCHEMES = frozenset({"http", "https"})
_SCHEME_RE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")


@dataclass(frozen=True)
class FetchResult:
    url: str                   # URL requested
    final_url: str             # after redirects
    status: int                # 200..299 or 304
    headers: httpx.Headers     # of the final response
    content: bytes             # decompressed body (b"" for 304 and HEAD)
    redirects: tuple[str, ...]  # every URL that answered with a redirect, in order ((): none)
    elapsed: float             # wall-clock seconds of the whole fetch (queueing, retries included)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str | None:
        value = self.headers.get("content-type", "")
        media = value.split(";", 1)[0].strip().lower()
        return media or None

    @property
    def charset(self) -> str | None:
        for param in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset":
                return value.strip().strip("\"'").strip().lower() or None
        return None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or HTTP-date); None if absent/invalid."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def _size(n: int) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.0f} KiB"
    return f"{n} bytes"


class _TooLarge(Exception):
    """Raised by the body sink from inside the decoders; turned into TooLargeError."""


class _Body:
    """Sink collecting decoded bytes; raises as soon as the running total passes the cap."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.buf = bytearray()

    def __call__(self, data: bytes) -> None:
        if len(self.buf) + len(data) > self.cap:
            self.buf += data[:self.cap - len(self.buf)]  # kept for a partial read
            raise _TooLarge
        self.buf += data


@dataclass
class _Request:
    url: str
    kind: str
    headers: dict[str, str]
    cap: int
    robots: bool
    method: str
    json: object | None


@dataclass(frozen=True)
class _Redirect:
    location: str
    status: int


@dataclass(frozen=True)
class _Final:
    status: int
    headers: httpx.Headers
    content: bytes


class _OriginPools:
    """One small httpcore pool per origin, in the place of the pool of httpx's transport.

    httpcore's pool re-checks every connection it holds (``is_idle``, ``has_expired``) on
    each request and response. One pool for a cycle over many hosts is then either large,
    and costs O(connections) per request (profiled: 2/3 of the CPU of an idle 10,000-feed
    cycle on 100 hosts), or small, and drops each host's connection before that host's next
    feed comes up (a new connection and address check per request). A pool per origin
    keeps the checks to that host's own connections and its connections open between its
    requests. At most ``max_origins`` pools stay open: beyond that, the least recently used
    pool without a response in progress is closed, which bounds the sockets held.
    """

    def __init__(self, make_pool: Callable[[], httpcore.AsyncConnectionPool], *, max_origins: int) -> None:
        self._make = make_pool
        self._max = max(1, max_origins)
        self._pools: OrderedDict[tuple, httpcore.AsyncConnectionPool] = OrderedDict()
        self._busy: Counter[tuple] = Counter()  # responses not closed yet, per origin

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        key = (request.url.scheme, request.url.host, request.url.port)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = self._make()
        else:
            self._pools.move_to_end(key)
        self._busy[key] += 1
        try:
            await self._evict()
            response = await pool.handle_async_request(request)
        except BaseException:
            self._release(key)
            raise
        response.stream = _ClosingStream(response.stream, lambda: self._release(key))
        return response

    def _release(self, key: tuple) -> None:
        self._busy[key] -= 1
        if self._busy[key] <= 0:
            del self._busy[key]

    async def _evict(self) -> None:
        victims = []
        for key in list(self._pools):  # least recently used first
            if len(self._pools) <= self._max:
                break
            if not self._busy[key]:
                victims.append(self._pools.pop(key))
        for pool in victims:
            await pool.aclose()

    @property
    def connections(self) -> list:
        return [c for pool in self._pools.values() for c in pool.connections]

    async def aclose(self) -> None:
        pools = list(self._pools.values())
        self._pools.clear()
        for pool in pools:
            await pool.aclose()

    async def __aenter__(self) -> "_OriginPools":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class _ClosingStream:
    """A response body stream that reports once when it is closed (see _OriginPools)."""

    def __init__(self, stream: object, on_close: Callable[[], None]) -> None:
        self._stream = stream
        self._on_close: Callable[[], None] | None = on_close

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:  # type: ignore[attr-defined]
            yield chunk

    async def aclose(self) -> None:
        try:
            if hasattr(self._stream, "aclose"):
                await self._stream.aclose()  # type: ignore[attr-defined]
        finally:
            done, self._on_close = self._on_close, None
            if done is not None:
                done()


class Fetcher:
    """One per polling cycle: one shared httpx.AsyncClient and the per-host state.

    ``transport``: a custom httpx transport (tests: ``httpx.MockTransport``). Without it the
    guarded transport is used; with it only literal-IP hosts are checked (no DNS happens).
    ``resolver``: async ``(host, port) -> [ip]`` replacing getaddrinfo (tests).
    ``host_gate``: optional ``HostGate`` entered before the per-process host slot (its wait is
    not counted in the deadline); None = per-process limits only.
    ``robots_memory``: optional ``RobotsMemory`` (the store) keeping robots.txt across cycles.
    ``skip_walled_hosts``: a site that answered with a bot challenge is not asked again by
    this Fetcher (a cycle); ``newsmon feeds check`` turns it off to judge every feed.
    """

    def __init__(self, settings: FetchSettings, *,
                 transport: httpx.AsyncBaseTransport | None = None,
                 resolver: Resolver | None = None,
                 host_gate: HostGate | None = None,
                 robots_memory: RobotsMemory | None = None,
                 skip_walled_hosts: bool = True) -> None:
        self.settings = settings
        self._skip_walled = skip_walled_hosts
        self._host_gate = host_gate
        self._networks = settings.networks()
        self._transport = transport if transport is not None else self._guarded_transport(resolver)
        self._client: httpx.AsyncClient | None = None
        self._limiter = HostLimiter(
            per_host_concurrency=settings.per_host_concurrency,
            per_host_delay_s=settings.per_host_delay_s,
            concurrency=settings.concurrency,
            max_wait_s=settings.max_retry_after_s)
        self._robots = RobotsCache(self._fetch_robots, cache_s=settings.robots_cache_s,
                                   memory=robots_memory)
        # "host:port" -> the bot challenge it answered with (feeds, pages, sitemaps): that
        # site is not asked again by this Fetcher.
        self._walls: dict[str, BotChallengeError] = {}

    # -- lifecycle --------------------------------------------------------------------------

    def _guarded_transport(self, resolver: Resolver | None) -> httpx.AsyncHTTPTransport:
        s = self.settings
        # One SSL context for the transport and all pools: loading the CA bundle costs
        # ~50-100 ms, which an idle cycle would otherwise pay twice.
        ssl_context = httpx.create_ssl_context()
        transport = httpx.AsyncHTTPTransport(verify=ssl_context, trust_env=False, http2=s.http2)
        # httpx has no public hook for the network backend: replace its pool by pools built
        # with our guarded backend (resolve, check, connect to the IP), one per origin (see
        # _OriginPools). Requests in flight are capped by the HostLimiter, not by the pools.
        backend = GuardedBackend(self._networks, resolver=resolver)

        def make_pool() -> httpcore.AsyncConnectionPool:
            return httpcore.AsyncConnectionPool(
                ssl_context=ssl_context, max_connections=None,
                max_keepalive_connections=max(1, s.per_host_concurrency), keepalive_expiry=5.0,
                http1=True, http2=s.http2, network_backend=backend)

        transport._pool = _OriginPools(make_pool, max_origins=s.keepalive_hosts)  # type: ignore[assignment]
        return transport

    async def __aenter__(self) -> "Fetcher":
        s = self.settings
        self._client = httpx.AsyncClient(
            transport=self._transport,
            follow_redirects=False,  # every hop is checked here
            trust_env=False,         # proxies from the environment would bypass the guard
            # No cookies: requests go straight to the transport (see _exchange), so nothing
            # set by one article or webhook rides along on the next request.
            timeout=httpx.Timeout(connect=s.connect_timeout_s, read=s.read_timeout_s,
                                  write=s.read_timeout_s, pool=s.deadline_s),
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    @property
    def robots_notes(self) -> dict[str, str]:
        """Origin -> why its robots.txt could not be used (missing, garbage, unreachable)."""
        return self._robots.notes

    # -- public API -------------------------------------------------------------------------

    async def fetch(self, url: str, *, kind: str = "page",
                    etag: str | None = None, last_modified: str | None = None,
                    check_robots: bool = True, max_bytes: int | None = None,
                    method: str = "GET", json: object | None = None) -> FetchResult:
        """Fetch ``url``; raise a FetchError subclass (one-line message) on any failure.

        ``kind`` picks the Accept header, the size cap (feed: max_feed_bytes, robots:
        robots_max_bytes, others: max_bytes) and whether robots.txt is checked (feed, page,
        sitemap when ``check_robots``; never robots or webhook). ``max_bytes`` overrides
        the cap. ``etag``/``last_modified`` make the request conditional (304 is success).
        """
        return await self._fetch(url, kind=kind, etag=etag, last_modified=last_modified,
                                 check_robots=check_robots, max_bytes=max_bytes,
                                 method=method, json=json, retries=self.settings.retries)

    # -- internals --------------------------------------------------------------------------

    async def _fetch_robots(self, url: str) -> FetchResult:
        # One attempt only: an unavailable robots.txt means "allowed, with a note" anyway.
        return await self._fetch(url, kind="robots", etag=None, last_modified=None,
                                 check_robots=False, max_bytes=None, method="GET", json=None,
                                 retries=0)

    def _prepare(self, url: str, kind: str, etag: str | None, last_modified: str | None,
                 check_robots: bool, max_bytes: int | None, method: str,
                 json: object | None) -> _Request:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        s = self.settings
        if max_bytes is not None:
            cap = max_bytes
        elif kind == "feed":
            cap = s.max_feed_bytes
        elif kind == "robots":
            cap = s.robots_max_bytes
        else:
            cap = s.max_bytes
        headers = {"User-Agent": s.user_agent, "Accept": _ACCEPT[kind],
                   "Accept-Encoding": ACCEPT_ENCODING}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        robots = check_robots and s.obey_robots and kind in _ROBOTS_KINDS
        return _Request(url=url, kind=kind, headers=headers, cap=cap, robots=robots,
                        method=method.upper(), json=json)

    async def _fetch(self, url: str, *, kind: str, etag: str | None, last_modified: str | None,
                     check_robots: bool, max_bytes: int | None, method: str,
                     json: object | None, retries: int) -> FetchResult:
        if self._client is None:
            raise RuntimeError("use the Fetcher as 'async with Fetcher(settings) as f:'")
        started = time.monotonic()
        req = self._prepare(url, kind, etag, last_modified, check_robots, max_bytes, method, json)
        attempt = 0
        while True:
            try:
                try:
                    status, headers, content, final, history = await self._attempt(req)
                except FetchError:
                    raise
                except Exception as e:  # contract: only FetchError leaves fetch()
                    log.exception("unexpected error fetching %s", url)
                    raise PermanentFetchError(
                        f"unexpected {type(e).__name__} fetching {url}: {e}", url=url) from e
            except TemporaryFetchError as e:
                if e.url is None:
                    e.url = url
                delay = (e.retry_after if e.retry_after is not None
                         else self.settings.retry_backoff_s * 2 ** attempt)
                if attempt >= retries or delay > self.settings.max_retry_after_s:
                    if attempt:
                        raise type(e)(f"{e} (after {attempt + 1} attempts)", url=e.url,
                                      status=e.status, retry_after=e.retry_after) from e
                    raise
                attempt += 1
                log.info("retrying %s in %.1f s (attempt %d): %s", url, delay, attempt + 1, e)
                await asyncio.sleep(delay)
                continue
            except FetchError as e:
                if e.url is None:
                    e.url = url
                raise
            return FetchResult(url=url, final_url=final, status=status, headers=headers,
                               content=content, redirects=history,
                               elapsed=time.monotonic() - started)

    def _gate(self, host: str) -> AbstractAsyncContextManager[None]:
        return self._host_gate(host) if self._host_gate is not None else contextlib.nullcontext()

    def _check_target(self, url: httpx.URL, came_from: str | None, shown: str) -> None:
        """Scheme and literal-IP checks for one hop (DNS names are checked at connect)."""
        where = f"redirect from {came_from} to {shown}" if came_from else shown
        if url.scheme not in _SCHEMES:
            raise BlockedError(f"{where}: scheme {url.scheme!r} refused; only http and https "
                               f"are fetched", url=str(url))
        if not url.host:
            raise PermanentFetchError(f"{where}: URL has no host", url=str(url))
        literal = parse_ip_literal(url.host)
        if literal is not None:
            check_address(url.host, literal, self._networks)

    def _check_walls(self, url: httpx.URL) -> None:
        first = self._walls.get(f"{url.host}:{url.port}")
        if first is not None:
            raise BotChallengeError(f"{url.host} answered with a {first.vendor} bot challenge (HTTP "
                                    f"{first.status}) earlier in this run; {url} not requested "
                                    f"again", vendor=first.vendor,
                                    url=str(url), status=first.status, retry_after=first.retry_after)

    def _wall_error(self, wall: challenge.Wall, response: httpx.Response, url: httpx.URL,
                    req: _Request) -> BotChallengeError:
        status = response.status_code
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        message = f"{wall.describe(status)} at {url}; not parsed or stored"
        if retry_after is not None:
            message += f" (Retry-After {retry_after:.0f} s)"
        err = BotChallengeError(message, vendor=wall.vendor, url=str(url), status=status,
                                retry_after=retry_after)
        if req.kind in _ROBOTS_KINDS and self._skip_walled:
            self._walls.setdefault(f"{url.host}:{url.port}", err)
        return err

    async def _check_robots(self, url: httpx.URL) -> None:
        rules = await self._robots.rules(url)
        delay = rules.min_gap(self.settings.user_agent)  # Crawl-delay / Request-rate
        if delay and self.settings.max_crawl_delay_s > 0:
            self._limiter.set_min_gap(url.host, min(delay, self.settings.max_crawl_delay_s))
        if not rules.allows(self.settings.user_agent, str(url)):
            raise RobotsDisallowed(f"robots.txt of {url.host} disallows {url.raw_path.decode()} "
                                   f"for our user agent; not fetched", url=str(url))

    async def _attempt(self, req: _Request
                       ) -> tuple[int, httpx.Headers, bytes, str, tuple[str, ...]]:
        """One attempt: all hops, within one deadline budget (spent only while on the wire)."""
        try:
            current = httpx.URL(req.url)
        except (httpx.InvalidURL, TypeError, ValueError) as e:
            raise PermanentFetchError(f"invalid URL {req.url!r} ({e})", url=req.url) from None
        budget = self.settings.deadline_s
        history: list[str] = []
        # URLs visited (without fragment), to refuse loops; filled at the first redirect,
        # since most fetches have none (copy_with re-parses the URL).
        seen: set[str] = set()
        method, body = req.method, req.json
        shown = req.url  # how the URL is named in errors (httpx prints file:///x as file:/x)
        while True:
            self._check_target(current, history[-1] if history else None, shown)
            if req.kind in _ROBOTS_KINDS:
                self._check_walls(current)
            if req.robots:
                await self._check_robots(current)
            loop = asyncio.get_running_loop()
            async with self._gate(current.host), self._limiter.slot(current.host):
                t0 = loop.time()
                try:
                    async with asyncio.timeout(budget) as cm:
                        outcome = await self._exchange(current, method, body, req)
                except TimeoutError:
                    if not cm.expired():
                        raise
                    raise DeadlineError(
                        f"deadline of {self.settings.deadline_s:g} s passed fetching {current}",
                        url=str(current)) from None
                finally:
                    budget -= loop.time() - t0
            if isinstance(outcome, _Final):
                return outcome.status, outcome.headers, outcome.content, str(current), tuple(history)
            # A redirect: resolve, refuse loops and long chains, re-check on the next pass.
            if len(history) >= self.settings.max_redirects:
                raise PermanentFetchError(
                    f"more than {self.settings.max_redirects} redirects starting at {req.url}",
                    url=req.url, status=outcome.status)
            scheme = _SCHEME_RE.match(outcome.location)
            if scheme and scheme.group(1).lower() not in _SCHEMES:
                raise BlockedError(f"redirect from {current} to {outcome.location[:200]}: scheme "
                                   f"{scheme.group(1).lower()!r} refused; only http and https "
                                   f"are fetched", url=req.url)
            try:
                target = current.join(outcome.location)
            except (httpx.InvalidURL, TypeError, ValueError) as e:
                raise PermanentFetchError(f"invalid redirect Location {outcome.location!r} from "
                                          f"{current} ({e})", url=str(current)) from None
            if not seen:
                seen.add(str(current.copy_with(fragment=None)))
            key = str(target.copy_with(fragment=None))
            if key in seen:
                chain = " -> ".join([*history, str(current), str(target)])
                raise PermanentFetchError(f"redirect loop: {chain}", url=req.url,
                                          status=outcome.status)
            seen.add(key)
            history.append(str(current))
            # Browsers' rules: 303 (and 301/302 after POST) become GET without a body.
            if outcome.status == 303 or (outcome.status in (301, 302) and method == "POST"):
                method, body = ("GET" if method != "HEAD" else "HEAD"), None
            current = target
            shown = str(target) if target.scheme in _SCHEMES else outcome.location

    async def _exchange(self, url: httpx.URL, method: str, body: object | None,
                        req: _Request) -> _Redirect | _Final:
        """One request/response on the wire; httpx/OS errors become FetchErrors."""
        assert self._client is not None
        try:
            request = self._client.build_request(method, url, headers=req.headers, json=body)
            # Straight to the transport: AsyncClient.send would parse the Location of a 3xx
            # itself (and raise on "data:..." before we could refuse it with a clear reason).
            response = await self._transport.handle_async_request(request)
            response.request = request
            try:
                return await self._handle(response, url, method, req)
            finally:
                await response.aclose()  # releases (or closes) the connection
        except FetchError:
            raise
        except httpx.TimeoutException as e:
            phase = type(e).__name__.removesuffix("Timeout").lower() or "network"
            raise TemporaryFetchError(f"{phase} timeout fetching {url}", url=str(url)) from None
        except httpx.UnsupportedProtocol as e:
            raise BlockedError(f"unsupported protocol fetching {url} ({e})", url=str(url)) from None
        except httpx.ConnectError as e:
            detail = str(e) or type(e).__name__
            if "CERTIFICATE_VERIFY_FAILED" in detail:
                raise PermanentFetchError(f"TLS certificate of {url.host} not valid ({detail})",
                                          url=str(url)) from None
            raise TemporaryFetchError(f"cannot connect to {url.host} ({detail})",
                                      url=str(url)) from None
        except (httpx.TransportError, httpcore.ProtocolError, OSError) as e:
            detail = str(e) or type(e).__name__
            raise TemporaryFetchError(f"connection error fetching {url} ({detail})",
                                      url=str(url)) from None
        except httpx.InvalidURL as e:
            raise PermanentFetchError(f"invalid URL {url} ({e})", url=str(url)) from None

    async def _handle(self, response: httpx.Response, url: httpx.URL, method: str,
                      req: _Request) -> _Redirect | _Final:
        status = response.status_code
        headers = response.headers
        if status in _REDIRECTS and headers.get("location"):
            return _Redirect(headers["location"], status)
        if status == 304 or 200 <= status < 300:
            if status == 304 or method == "HEAD":
                # No body by definition (h11 reads none); reading to its end marks the
                # exchange complete so the connection is reused. Unread, httpcore would
                # close it: every "not modified" feed then paid for a new connection.
                await response.aread()
                return _Final(status, headers, b"")
            wall = challenge.wall_from_headers(headers)  # before a large body is read at all
            if wall is not None:
                raise self._wall_error(wall, response, url, req)
            content = await self._read_body(response, url, req.cap)
            wall = challenge.detect_wall(status, headers, content)
            if wall is not None:
                raise self._wall_error(wall, response, url, req)
            if req.kind == "page" and content:
                reason = binary_reason(content, headers.get("content-type"))
                if reason is not None:
                    raise PermanentFetchError(f"binary content ({reason}) at {url}; skipped",
                                              url=str(url), status=status)
            return _Final(status, headers, content)
        wall = challenge.wall_from_headers(headers)
        if wall is None and challenge.may_be_wall(status):
            body = await self._read_body(response, url, challenge.PEEK_BYTES, partial=True)
            wall = challenge.detect_wall(status, headers, body)
        if wall is not None:
            raise self._wall_error(wall, response, url, req)
        raise self._status_error(response, url)

    def _status_error(self, response: httpx.Response, url: httpx.URL) -> FetchError:
        status = response.status_code
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        message = f"HTTP {status} {response.reason_phrase} from {url}".replace("  ", " ")
        if retry_after is not None:
            message += f" (Retry-After {retry_after:.0f} s)"
        if status in (429, 503):
            # Later requests to this host in this cycle wait too (see HostLimiter).
            self._limiter.back_off(url.host, retry_after if retry_after is not None
                                   else self.settings.retry_backoff_s)
        if status in (408, 429) or 500 <= status < 600:
            return TemporaryFetchError(message, url=str(url), status=status,
                                       retry_after=retry_after)
        if 300 <= status < 400:
            return PermanentFetchError(f"HTTP {status} without a Location from {url}",
                                       url=str(url), status=status)
        return PermanentFetchError(message, url=str(url), status=status)

    async def _read_body(self, response: httpx.Response, url: httpx.URL, cap: int, *,
                         partial: bool = False) -> bytes:
        """Stream raw bytes through bounded decoders into a capped buffer.

        ``partial``: return the first ``cap`` bytes of a longer body instead of raising, and
        what was decoded of a body that cannot be decoded to the end (looking at a refusal
        for a wall, not reading content).
        """
        declared = response.headers.get("content-length")
        if declared is not None and not partial:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length > cap:
                raise TooLargeError(f"Content-Length {length} ({_size(length)}) exceeds the cap "
                                    f"of {_size(cap)} at {url}; not downloaded", url=str(url),
                                    status=response.status_code)
        body = _Body(cap)
        try:
            write, finish = build_decoder(response.headers.get("content-encoding"), body)
            # A response built in memory (httpx.MockTransport) was read on creation; its raw
            # bytes are still in .stream. A network response is streamed as it arrives.
            raw = response.stream if response.is_stream_consumed else response.aiter_raw()
            async for chunk in raw:  # type: ignore[union-attr]
                write(chunk)
            finish()
        except _TooLarge:
            if partial:
                return bytes(body.buf)
            raise TooLargeError(f"body passed the cap of {_size(cap)} (decompressed) at {url}; "
                                f"aborted", url=str(url), status=response.status_code) from None
        except ContentDecodingError as e:
            if partial:
                return bytes(body.buf)
            raise PermanentFetchError(f"{e} at {url}", url=str(url),
                                      status=response.status_code) from None
        return bytes(body.buf)
