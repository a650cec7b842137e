"""Per-host politeness across a fleet of workers, enforced by the Prefect server.

``Fetcher`` keeps its per-process per-host limits (``scrapers.politeness``); with
``[fetch] fleet_politeness = true`` it is also given ``host_gate=PrefectHostGate(...)``,
which holds, around each request to a host:

* a slot of the global concurrency limit ``newsmon-host-<host>`` (``per_host_concurrency``
  slots fleet-wide). Slots are leased (``lease_s``, longer than any request), so a worker
  that dies holding one frees it when the lease expires;
* when ``per_host_delay_s > 0``, first one slot of the rate limit ``newsmon-rate-<host>``
  (1 slot decaying at ``1 / per_host_delay_s`` per second: one request start per
  ``per_host_delay_s`` fleet-wide).

These are Prefect's global concurrency limits, the same ones ``prefect.concurrency.asyncio``
``concurrency()`` / ``rate_limit()`` use, taken here with the client's lease calls directly:
one call to take a slot and one to give it back. (``concurrency()`` adds a lease-renewal
thread, events and a per-process queue per limit: benchmarks/fleet_gate.py measured
270-370 ms per request with it against 40-80 ms with the two calls, on this busy 2-core
machine where a request without any gate took 8-45 ms.)

Limits are created on first use (another worker may create the same one at the same
moment: "already exists" is fine) and never overwritten, so an operator can tune a busy
host's limit in the UI's Concurrency page. Failing to get a slot within ``wait_s`` (or the
Prefect API being unreachable) fails the request as temporary: it is retried next cycle,
never fetched without the gate.
"""
from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any
from uuid import UUID

from newsmon.errors import TemporaryFetchError
from newsmon.settings import FetchSettings

log = logging.getLogger("newsmon.fleet")

HostGate = Callable[[str], AbstractAsyncContextManager[None]]

_BANNED = str.maketrans({c: "_" for c in "/%&<>"})  # characters Prefect refuses in names
_MIN_LEASE_S = 60.0  # the server refuses shorter leases
_MAX_POLL_S = 1.0    # longest sleep between two attempts to take a busy slot


def limit_name(host: str, prefix: str = "newsmon") -> str:
    return f"{prefix}-host-{host.lower().translate(_BANNED)}"


def rate_name(host: str, prefix: str = "newsmon") -> str:
    return f"{prefix}-rate-{host.lower().translate(_BANNED)}"


class PrefectHostGate:
    """``host -> async context manager`` holding the fleet-wide slot(s) for one request.

    One Prefect client per event loop, opened on first use; ``aclose()`` closes it.
    """

    def __init__(self, *, per_host: int, delay_s: float = 0.0, wait_s: float = 300.0,
                 lease_s: float = 300.0, prefix: str = "newsmon") -> None:
        self.prefix = prefix
        self.per_host = max(1, per_host)
        self.delay_s = max(0.0, delay_s)
        self.wait_s = wait_s
        self.lease_s = max(_MIN_LEASE_S, lease_s)
        self._ready: set[str] = set()
        self._locks: dict[str, asyncio.Lock] = {}
        # At most per_host requests of this process ask the server for a host's slot at once:
        # the others wait here, holding nothing, instead of polling the server with 423s.
        self._local: dict[str, asyncio.Semaphore] = {}
        self._client: Any = None
        self._client_loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def from_settings(cls, s: FetchSettings) -> "PrefectHostGate":
        # The lease must outlive a request: its wire time is bounded by deadline_s.
        return cls(per_host=s.per_host_concurrency, delay_s=s.per_host_delay_s, wait_s=s.fleet_wait_s,
                   lease_s=max(_MIN_LEASE_S, 4 * s.deadline_s))

    async def _api(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            from prefect.client.orchestration import get_client

            client = get_client()
            await client.__aenter__()
            self._client, self._client_loop = client, loop
        return self._client

    async def aclose(self) -> None:
        client, self._client, self._client_loop = self._client, None, None
        if client is not None:
            await client.__aexit__(None, None, None)

    async def _ensure(self, name: str, limit: int, decay: float) -> None:
        """Create the named limit if it does not exist yet (checked once per process and name)."""
        if name in self._ready:
            return
        async with self._locks.setdefault(name, asyncio.Lock()):
            if name in self._ready:
                return
            from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
            from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

            client = await self._api()
            try:
                await client.read_global_concurrency_limit_by_name(name)
            except ObjectNotFound:
                try:
                    await client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(
                        name=name, limit=limit, slot_decay_per_second=decay))
                    log.info("created Prefect concurrency limit %s (%d slots, decay %.3g/s)", name, limit, decay)
                except ObjectAlreadyExists:
                    pass  # another worker won the race: same limit
            self._ready.add(name)

    async def _take(self, name: str, mode: str, deadline: float) -> UUID | None:
        """Take one slot (lease for "concurrency"), retrying while the server answers 423 Locked."""
        import httpx

        client = await self._api()
        loop = asyncio.get_running_loop()
        while True:
            try:
                if mode == "rate_limit":
                    await client.increment_concurrency_slots(names=[name], slots=1, mode="rate_limit")
                    return None
                r = await client.increment_concurrency_slots_with_lease(
                    names=[name], slots=1, mode="concurrency", lease_duration=self.lease_s)
                return UUID(r.json()["lease_id"])
            except httpx.HTTPStatusError as e:
                if e.response.status_code != 423:
                    raise
                try:
                    wait = float(e.response.headers.get("Retry-After", "0.5"))
                except ValueError:
                    wait = 0.5
                # Jitter so that workers queued on one host do not all ask again at once.
                wait = min(max(wait, 0.05), _MAX_POLL_S) * (0.5 + random.random())
                if loop.time() + wait > deadline:
                    raise TimeoutError(f"{name} stayed full for {self.wait_s:g} s (fleet_wait_s)") from None
                await asyncio.sleep(wait)

    async def _give_back(self, lease: UUID) -> None:
        try:
            await (await self._api()).release_concurrency_slots_with_lease(lease)
        except Exception as e:  # noqa: BLE001 - the lease expires by itself after lease_s
            log.warning("could not release fleet politeness lease %s (expires in %g s): %s", lease, self.lease_s, e)

    @asynccontextmanager
    async def __call__(self, host: str) -> AsyncIterator[None]:
        local = self._local.setdefault(host, asyncio.Semaphore(self.per_host))
        async with local:
            async with self._fleet_slot(host):
                yield

    @asynccontextmanager
    async def _fleet_slot(self, host: str) -> AsyncIterator[None]:
        name = limit_name(host, self.prefix)
        deadline = asyncio.get_running_loop().time() + self.wait_s
        try:
            if self.delay_s > 0:
                rname = rate_name(host, self.prefix)
                await self._ensure(rname, 1, 1.0 / self.delay_s)
                await self._take(rname, "rate_limit", deadline)
            await self._ensure(name, self.per_host, 0.0)
            lease = await self._take(name, "concurrency", deadline)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # noqa: BLE001 - timeout, API down, HTTP error: all temporary
            detail = " ".join(str(e).split())[:200] or type(e).__name__
            raise TemporaryFetchError(
                f"no fleet politeness slot for host {host} ({type(e).__name__}: {detail}); "
                f"retried next cycle") from None
        try:
            yield
        finally:
            assert lease is not None
            await self._give_back(lease)


def host_gate_for(settings: FetchSettings) -> PrefectHostGate | None:
    """The gate the settings ask for (None: per-process limits only)."""
    return PrefectHostGate.from_settings(settings) if settings.fleet_politeness else None
