"""pytest fixtures and helpers for fetcher tests (import them into a test module)."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from newsmon.settings import FetchSettings
from tests.hostile.server import HostileServer


def fast_settings(**overrides: object) -> FetchSettings:
    """Fetch settings with tiny timeouts and back-offs so hostile tests stay fast."""
    base: dict[str, object] = dict(
        allow_networks=("127.0.0.0/8",),
        deadline_s=3.0,
        connect_timeout_s=1.0,
        read_timeout_s=1.0,
        retries=1,
        retry_backoff_s=0.01,
        max_retry_after_s=2.0,
        max_bytes=1024 * 1024,
        max_feed_bytes=1024 * 1024,
    )
    base.update(overrides)
    return FetchSettings(**base)  # type: ignore[arg-type]


def wait_until(cond: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll ``cond`` (server-side counters update in the server thread)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return cond()


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer("127.0.0.1") as s:
        yield s


@pytest.fixture
def server2() -> Iterator[HostileServer]:
    """A second server on 127.0.0.2 (loopback, but outside an allow list of 127.0.0.1/32)."""
    with HostileServer("127.0.0.2") as s:
        yield s
