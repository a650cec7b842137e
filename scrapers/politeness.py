"""Per-host politeness state shared by every request of one Fetcher (one polling cycle).

* at most ``per_host_concurrency`` requests in flight to one host,
* at least ``per_host_delay_s`` between the starts of two requests to one host (more if
  the host's robots.txt asks for a Crawl-delay, see ``set_min_gap``),
* at most ``concurrency`` requests in flight overall,
* a per-host back-off: after a 429/503 with Retry-After, later requests to that host wait
  until the time has passed. A wait longer than ``max_wait_s`` is not slept: the request
  fails at once with TemporaryFetchError(retry_after=...) so the caller can postpone it.

The host slot is taken before the global one, so requests queued behind a busy host do not
hold global slots that requests to other hosts could use.
"""
from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from newsmon.errors import TemporaryFetchError


class HostLimiter:
    def __init__(self, *, per_host_concurrency: int, per_host_delay_s: float, concurrency: int,
                 max_wait_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._per_host = max(1, per_host_concurrency)
        self._delay = max(0.0, per_host_delay_s)
        self._max_wait = max_wait_s
        self._clock = clock
        self._global = asyncio.Semaphore(max(1, concurrency))
        self._host_sems: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self._per_host))
        self._next_start: dict[str, float] = {}
        self._host_gap: dict[str, float] = {}  # per-host gap, e.g. robots.txt Crawl-delay
        self._backoff_until: dict[str, float] = {}

    def set_min_gap(self, host: str, seconds: float) -> None:
        """Space request starts to ``host`` by at least ``seconds`` (on top of per_host_delay_s)."""
        self._host_gap[host] = max(0.0, seconds)

    def back_off(self, host: str, seconds: float) -> None:
        """Ask later requests to ``host`` to wait ``seconds`` from now (never shortens a wait)."""
        until = self._clock() + max(0.0, seconds)
        self._backoff_until[host] = max(until, self._backoff_until.get(host, 0.0))

    def backoff_remaining(self, host: str) -> float:
        return max(0.0, self._backoff_until.get(host, 0.0) - self._clock())

    async def _wait_backoff(self, host: str) -> None:
        remaining = self.backoff_remaining(host)
        if remaining > self._max_wait:
            raise TemporaryFetchError(
                f"{host} asked us to wait {remaining:.0f} s (Retry-After), more than "
                f"max_retry_after_s={self._max_wait:g}; postponed", retry_after=remaining)
        if remaining > 0:
            await asyncio.sleep(remaining)

    async def _wait_gap(self, host: str) -> None:
        gap = max(self._delay, self._host_gap.get(host, 0.0))
        if not gap:
            return
        # Reserve the next start time without holding a lock while sleeping.
        now = self._clock()
        start = max(now, self._next_start.get(host, now))
        self._next_start[host] = start + gap
        if start > now:
            await asyncio.sleep(start - now)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one request slot for ``host``; waits for back-off, host slot, global slot, gap."""
        async with self._host_sems[host]:
            # Checked after taking the host slot, so a back-off set by a request that was
            # in flight while we queued still applies to us.
            await self._wait_backoff(host)
            async with self._global:
                await self._wait_gap(host)
                yield
