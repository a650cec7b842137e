"""robots.txt: fetched once per origin through the guarded fetcher, cached, parsed with Protego.

Parsing is Protego's (the RFC 9309 parser Scrapy maintains): ``*`` wildcards and the ``$``
end anchor, the longest matching rule wins (Allow on a tie), percent-encoding compared
consistently on both sides, groups of several ``User-agent`` lines, blank lines that do
not end a group, common misspellings ("Dissallow", "User agent"), ``Crawl-delay`` and
``Request-rate``. The standard library's ``urllib.robotparser`` (used before) takes the
first rule that matches by prefix and knows neither wildcards nor ``$``.

Policy (RFC 9309 where it is clear, permissive where the brief asks for it):

* 2xx: parsed; text that holds no rule at all (an HTML soft-404 page, binary junk) allows
  everything, with a note.
* 4xx (404 missing, 401/403 too, as RFC 9309 says): allow everything, with a note.
* 5xx, timeouts, connection errors, too large, refused address, a bot challenge in the
  place of robots.txt: allow everything, with a note. (RFC 9309 would assume "disallow
  all" on 5xx; newsmon polls a small list of news outlets it was configured for, so a
  broken robots.txt must not stop the cycle, and the note makes the decision visible.)

Our group is found by the *product token* of the user agent (``newsmon`` of
``newsmon/0.1 (+https://...)``), as RFC 9309 section 2.2.1 asks: matched against the whole
User-Agent string, a group such as ``User-agent: github`` would apply to us because of the
contact URL in it.

Entries are cached per origin (scheme, host, port) for ``cache_s``; concurrent requests to
a new origin wait for one robots.txt fetch instead of each sending their own. With a
``RobotsMemory`` (the store), a robots.txt that was fetched (2xx) or found missing (4xx)
also outlives the process: each poll cycle is a new process (``newsmon run``, a deployment's
flow run), and without it every cycle would ask every host for robots.txt again. Failures
(5xx, timeouts, challenges) are not remembered: the next cycle asks again.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import httpx
from protego import Protego

from newsmon.errors import BotChallengeError, FetchError
from scrapers.sniff import binary_reason

if TYPE_CHECKING:
    from scrapers.fetch import FetchResult

RobotsFetch = Callable[[str], Awaitable["FetchResult"]]
log = logging.getLogger("newsmon.robots")


class RobotsMemory(Protocol):
    """robots.txt kept across processes (``models.store.Store`` implements it). Sync calls:
    the cache runs them in a thread."""

    def robots_recall(self, origin: str, max_age_s: float) -> tuple[bytes | None, str | None, float] | None:
        """(content or None if missing, note, age in seconds) if fetched within ``max_age_s``."""

    def robots_remember(self, origin: str, content: bytes | None, note: str | None) -> None:
        """Keep this origin's robots.txt (None: it is missing) as fetched now."""

_RULE_LINE = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(user[- ]?agent|allow|disallow|sitemap|crawl[- ]delay|request[- ]rate)\s*:", re.I | re.M)


def product_token(user_agent: str) -> str:
    """``newsmon/0.1 (+https://x)`` -> ``newsmon``: what robots.txt groups are matched against."""
    token = user_agent.strip().split("/", 1)[0].split(None, 1)
    return token[0] if token else user_agent


@dataclass(frozen=True)
class RobotsRules:
    """Parsed rules of one origin; ``parser`` None means everything is allowed."""

    parser: Protego | None
    note: str | None = None

    def allows(self, user_agent: str, url: str) -> bool:
        if self.parser is None:
            return True
        try:
            return self.parser.can_fetch(url, product_token(user_agent))
        except Exception:  # hostile input that Protego chokes on: err on the side of fetching
            return True

    def min_gap(self, user_agent: str) -> float | None:
        """Seconds between two requests the site asks of us: the larger of ``Crawl-delay``
        and ``Request-rate`` (n requests per m seconds -> m/n); None when it asks nothing.
        A Request-rate's time-of-day window, if any, is not applied: the rate then holds
        all day, which errs on the polite side."""
        if self.parser is None:
            return None
        token = product_token(user_agent)
        gaps = []
        delay = self.parser.crawl_delay(token)
        if delay is not None:
            gaps.append(float(delay))
        rate = self.parser.request_rate(token)
        if rate is not None and rate.requests > 0:
            gaps.append(rate.seconds / rate.requests)
        return max(gaps) if gaps else None

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(product_token(user_agent))
        return float(delay) if delay is not None else None


def parse_robots(content: bytes) -> RobotsRules:
    """Parse robots.txt bytes; garbage never raises, it allows everything with a note."""
    # Sniff the bytes only: servers label robots.txt with all sorts of types.
    reason = binary_reason(content, None)
    if reason is not None:
        return RobotsRules(None, f"robots.txt is not text ({reason}); all paths allowed")
    if content.strip() and not _RULE_LINE.search(content):
        return RobotsRules(None, "robots.txt holds no rules (garbage or an HTML page); "
                                 "all paths allowed")
    text = content.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        parser = Protego.parse(text)
    except Exception as e:  # defensive: Protego is lenient, but input is hostile
        return RobotsRules(None, f"robots.txt could not be parsed ({type(e).__name__}); "
                                 "all paths allowed")
    return RobotsRules(parser)


def robots_url(url: httpx.URL) -> str:
    return str(url.copy_with(path="/robots.txt", query=None, fragment=None,
                             username=None, password=None))


def origin_of(url: httpx.URL) -> str:
    return str(url.copy_with(path="/", query=None, fragment=None, username=None, password=None))


class RobotsCache:
    """Per-Fetcher cache of robots rules, keyed by origin, optionally backed by a
    ``RobotsMemory`` that outlives the process."""

    def __init__(self, fetch: RobotsFetch, *, cache_s: float,
                 clock: Callable[[], float] = time.monotonic,
                 memory: RobotsMemory | None = None) -> None:
        self._fetch = fetch
        self._cache_s = cache_s
        self._clock = clock
        self._memory = memory if cache_s > 0 else None  # nothing to keep with caching off
        self._entries: dict[str, tuple[float, RobotsRules]] = {}
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        # origin -> why robots.txt could not be used (missing, garbage, unreachable, ...)
        self.notes: dict[str, str] = {}

    async def rules(self, url: httpx.URL) -> RobotsRules:
        origin = origin_of(url)
        async with self._locks[origin]:
            cached = self._entries.get(origin)
            if cached is not None and cached[0] > self._clock():
                return cached[1]
            ttl = self._cache_s
            recalled = await self._recall(origin)
            if recalled is not None:
                rules, age = recalled
                ttl -= age
            else:
                rules, content, keep = await self._load(url)
                if keep:
                    await self._remember(origin, content, rules.note)
            self._entries[origin] = (self._clock() + ttl, rules)
            if rules.note:
                self.notes[origin] = rules.note
            else:
                self.notes.pop(origin, None)
            return rules

    async def _recall(self, origin: str) -> tuple[RobotsRules, float] | None:
        if self._memory is None:
            return None
        try:
            got = await asyncio.to_thread(self._memory.robots_recall, origin, self._cache_s)
        except Exception as e:  # noqa: BLE001 - the network still has the answer
            log.warning("robots.txt of %s not read from the store (%s); fetching it", origin, e)
            return None
        if got is None:
            return None
        content, note, age = got
        return (parse_robots(content) if content is not None else RobotsRules(None, note)), age

    async def _remember(self, origin: str, content: bytes | None, note: str | None) -> None:
        if self._memory is None:
            return
        try:
            await asyncio.to_thread(self._memory.robots_remember, origin, content, note)
        except Exception as e:  # noqa: BLE001 - only the next cycle's saving is lost
            log.warning("robots.txt of %s not kept in the store (%s)", origin, e)

    async def _load(self, url: httpx.URL) -> tuple[RobotsRules, bytes | None, bool]:
        """(rules, robots.txt bytes or None, whether to remember the outcome)."""
        target = robots_url(url)
        try:
            result = await self._fetch(target)
        except FetchError as e:
            status = f"HTTP {e.status}" if e.status else e.kind
            if isinstance(e, BotChallengeError):
                # A wall in the place of robots.txt is no answer about the rules: not kept.
                return RobotsRules(None, f"robots.txt unavailable ({e}); all paths allowed"), None, False
            if e.status is not None and 400 <= e.status < 500 and e.status != 429:
                # Missing (RFC 9309: 4xx means no rules): an answer worth remembering.
                return RobotsRules(None, f"robots.txt missing ({status}); all paths allowed"), None, True
            note = f"robots.txt unavailable ({status}: {e}); all paths allowed"
            return RobotsRules(None, note), None, False
        if result.not_modified:  # we never send a conditional request for it
            return RobotsRules(None, "robots.txt answered 304 unasked; all paths allowed"), None, False
        return parse_robots(result.content), result.content, True
