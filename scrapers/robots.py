"""robots.txt: fetched once per origin through the guarded fetcher, cached, parsed leniently.

Policy (RFC 9309 where it is clear, permissive where the brief asks for it):

* 2xx: parsed with ``urllib.robotparser``; text that holds no rule at all (an HTML
  soft-404 page, binary junk) allows everything, with a note.
* 4xx (404 missing, 401/403 too, as RFC 9309 says): allow everything, with a note.
* 5xx, timeouts, connection errors, too large, refused address: allow everything, with
  a note. (RFC 9309 would assume "disallow all" on 5xx; newsmon polls a small list of
  news outlets it was configured for, so a broken robots.txt must not stop the cycle,
  and the note makes the decision visible.)

Entries are cached per origin (scheme, host, port) for ``cache_s``; concurrent requests to
a new origin wait for one robots.txt fetch instead of each sending their own. With a
``RobotsMemory`` (the store), a robots.txt that was fetched (2xx) or found missing (4xx)
also outlives the process: each poll cycle is a new process (``newsmon run``, a deployment's
flow run), and without it every cycle would ask every host for robots.txt again. Failures
(5xx, timeouts) are not remembered: the next cycle asks again.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
import urllib.robotparser
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import httpx

from newsmon.errors import FetchError
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

_RULE_LINE = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(user-agent|allow|disallow|sitemap|crawl-delay)\s*:", re.I | re.M)


@dataclass(frozen=True)
class RobotsRules:
    """Parsed rules of one origin; ``parser`` None means everything is allowed."""

    parser: urllib.robotparser.RobotFileParser | None
    note: str | None = None

    def allows(self, user_agent: str, url: str) -> bool:
        if self.parser is None:
            return True
        try:
            return self.parser.can_fetch(user_agent, url)
        except Exception:  # robotparser on odd input: err on the side of fetching
            return True

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(user_agent)
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
    parser = urllib.robotparser.RobotFileParser()
    try:
        # RFC 9309: blank lines do not end a group; robotparser would drop the rules of
        # "User-agent: x<blank line>Disallow: /y", so blank lines are left out.
        parser.parse([_keep_marks(line) for line in text.splitlines() if line.strip()])
        _rfc9309_matching(parser)
    except Exception as e:  # defensive: robotparser is lenient, but input is hostile
        return RobotsRules(None, f"robots.txt could not be parsed ({type(e).__name__}); "
                                 "all paths allowed")
    return RobotsRules(parser)


_RULE_WITH_MARK = re.compile(r"^(\s*(?:dis)?allow\s*:\s*[^#]*?[?;])(\s*(?:#.*)?)$", re.I)


def _keep_marks(line: str) -> str:
    # robotparser normalises rule paths with urlparse/urlunparse, which drops a trailing
    # "?" or ";" ("Disallow: /*?" would become "Disallow: /*", blocking everything).
    # Under prefix matching "/*?" and "/*?*" mean the same, and the "*" survives.
    return _RULE_WITH_MARK.sub(r"\1*\2", line)


class _PatternRule:
    """A rule line with RFC 9309 matching: ``*`` wildcards and a ``$`` end anchor.

    robotparser quotes both the rule path and the URL path the same way, so ``*`` arrives
    here as ``%2A`` and ``$`` as ``%24``.
    """

    def __init__(self, path: str, allowance: bool) -> None:
        self.path = path
        self.allowance = allowance
        anchored = path.endswith("%24")
        core = path[:-3] if anchored else path
        pattern = "".join(".*" if part == "%2A" else re.escape(part)
                          for part in re.split("(%2A)", core))
        self._re = re.compile(pattern + ("$" if anchored else ""), re.S)

    def applies_to(self, filename: str) -> bool:
        return self._re.match(filename) is not None


def _rfc9309_matching(parser: urllib.robotparser.RobotFileParser) -> None:
    """Make robotparser match like RFC 9309 (and Google): the longest matching rule wins,
    Allow wins a tie, ``*`` and ``$`` work. robotparser alone takes the first rule that
    matches by prefix, so "Disallow: /a/" before "Allow: /a/b.html" would hide /a/b.html."""
    entries = list(parser.entries)
    if parser.default_entry is not None:
        entries.append(parser.default_entry)
    for entry in entries:
        rules = [_PatternRule(r.path, r.allowance) for r in entry.rulelines]
        rules.sort(key=lambda r: (len(r.path), r.allowance), reverse=True)
        entry.rulelines = rules


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
            if e.status is not None and 400 <= e.status < 500 and e.status != 429:
                # Missing (RFC 9309: 4xx means no rules): an answer worth remembering.
                return RobotsRules(None, f"robots.txt missing ({status}); all paths allowed"), None, True
            note = f"robots.txt unavailable ({status}: {e}); all paths allowed"
            return RobotsRules(None, note), None, False
        if result.not_modified:  # we never send a conditional request for it
            return RobotsRules(None, "robots.txt answered 304 unasked; all paths allowed"), None, False
        return parse_robots(result.content), result.content, True
