"""Per-host politeness across a fleet of workers, enforced by the Prefect server.

``Fetcher`` keeps its per-process per-host limits (``scrapers.politeness``); with
``[fetch] fleet_politeness = true`` it is also given ``host_gate=PrefectHostGate(...)``,
which holds, around each request to a host:

* a slot of the global concurrency limit ``newsmon-host-<host>`` (``per_host_concurrency``
  slots fleet-wide), leased so a worker that dies frees its slot when the lease expires;
* when ``per_host_delay_s > 0``, one slot of the rate limit ``newsmon-rate-<host>``
  (1 slot decaying at ``1 / per_host_delay_s`` per second: one request start per
  ``per_host_delay_s`` fleet-wide).

Limits are created on first use (another worker may create the same one at the same
moment: "already exists" is fine) and never overwritten, so an operator can tune a busy
host's limit in the UI's Concurrency page. Failing to get a slot in ``fleet_wait_s`` (or the
Prefect API being unreachable) fails the request as temporary: retried next cycle, never
fetched without the gate.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager

from newsmon.errors import TemporaryFetchError
from newsmon.settings import FetchSettings

log = logging.getLogger("newsmon.fleet")

HostGate = Callable[[str], AbstractAsyncContextManager[None]]

_BANNED = str.maketrans({c: "_" for c in "/%&<>"})  # characters Prefect refuses in names


def limit_name(host: str, prefix: str = "newsmon") -> str:
    return f"{prefix}-host-{host.lower().translate(_BANNED)}"


def rate_name(host: str, prefix: str = "newsmon") -> str:
    return f"{prefix}-rate-{host.lower().translate(_BANNED)}"


class PrefectHostGate:
    """``host -> async context manager`` holding the fleet-wide slot(s) for one request."""

    def __init__(self, *, per_host: int, delay_s: float = 0.0, wait_s: float = 300.0,
                 lease_s: float = 300.0, prefix: str = "newsmon") -> None:
        self.prefix = prefix
        self.per_host = max(1, per_host)
        self.delay_s = max(0.0, delay_s)
        self.wait_s = wait_s
        self.lease_s = lease_s
        self._ready: set[str] = set()
        self._locks: dict[str, asyncio.Lock] = {}

    @classmethod
    def from_settings(cls, s: FetchSettings) -> "PrefectHostGate":
        # The lease must outlive a request: its wire time is bounded by deadline_s.
        return cls(per_host=s.per_host_concurrency, delay_s=s.per_host_delay_s, wait_s=s.fleet_wait_s,
                   lease_s=max(60.0, 2 * s.deadline_s))

    async def _ensure(self, name: str, limit: int, decay: float) -> None:
        """Create the named limit if it does not exist yet (once per process and name)."""
        if name in self._ready:
            return
        lock = self._locks.setdefault(name, asyncio.Lock())
        async with lock:
            if name in self._ready:
                return
            from prefect.client.orchestration import get_client
            from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
            from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

            async with get_client() as client:
                try:
                    await client.read_global_concurrency_limit_by_name(name)
                except ObjectNotFound:
                    try:
                        await client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(
                            name=name, limit=limit, slot_decay_per_second=decay))
                        log.info("created Prefect concurrency limit %s (%d slots, decay %.3g/s)",
                                 name, limit, decay)
                    except ObjectAlreadyExists:
                        pass  # another worker won the race: same limit
            self._ready.add(name)

    @asynccontextmanager
    async def __call__(self, host: str) -> AsyncIterator[None]:
        from prefect.concurrency.asyncio import concurrency, rate_limit

        name = limit_name(host, self.prefix)
        async with AsyncExitStack() as stack:
            try:
                await self._ensure(name, self.per_host, 0.0)
                if self.delay_s > 0:
                    rname = rate_name(host, self.prefix)
                    await self._ensure(rname, 1, 1.0 / self.delay_s)
                    await rate_limit(rname, timeout_seconds=self.wait_s, strict=True)
                await stack.enter_async_context(concurrency(
                    name, timeout_seconds=self.wait_s, lease_duration=self.lease_s, strict=True,
                    raise_on_lease_renewal_failure=False))
            except asyncio.CancelledError:
                raise
            except Exception as e:  # noqa: BLE001 - timeout, API down, HTTP error: all temporary
                detail = " ".join(str(e).split())[:200] or type(e).__name__
                raise TemporaryFetchError(
                    f"no fleet politeness slot for host {host} ({type(e).__name__}: {detail}); "
                    f"retried next cycle") from None
            yield


def host_gate_for(settings: FetchSettings) -> HostGate | None:
    """The gate the settings ask for (None: per-process limits only)."""
    return PrefectHostGate.from_settings(settings) if settings.fleet_politeness else None
