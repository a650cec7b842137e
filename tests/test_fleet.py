"""The Fetcher's ``host_gate`` (fleet politeness) without a Prefect server: every request
hop is gated by host, a gate failure fails the fetch as temporary and nothing is fetched.
(The Prefect-backed gate against a real server: tests/test_prefect_server.py.)"""
from __future__ import annotations

import shutil
import socket
from contextlib import asynccontextmanager

import pytest

from flows.fleet import PrefectHostGate, host_gate_for, limit_name, rate_name
from newsmon.errors import TemporaryFetchError
from newsmon.sample_server import SAMPLE_SITE, SampleSite
from newsmon.settings import FetchSettings
from scrapers.fetch import Fetcher


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE, root)
    with SampleSite(root) as s:
        yield s


class RecordingGate:
    """A gate that records the hosts it is entered for and how many are inside at once."""

    def __init__(self) -> None:
        self.entered: list[str] = []
        self.inside = 0
        self.max_inside = 0

    @asynccontextmanager
    async def __call__(self, host: str):
        self.entered.append(host)
        self.inside += 1
        self.max_inside = max(self.max_inside, self.inside)
        try:
            yield
        finally:
            self.inside -= 1


def settings(**kw) -> FetchSettings:
    return FetchSettings(allow_networks=("127.0.0.1/32",), retries=0, deadline_s=10.0, **kw)


async def test_every_request_is_gated_by_host(site):
    gate = RecordingGate()
    async with Fetcher(settings(), host_gate=gate) as f:
        res = await f.fetch(site.url("/articles/metaverse.html"))
        assert res.status == 200
        await f.fetch(site.url("/feeds/herald-business.xml"), kind="feed")
    # robots.txt, the page, the feed: each one request, each gated, by host name.
    assert gate.entered == ["127.0.0.1"] * 3
    assert site.hits["/robots.txt"] == 1 and gate.inside == 0


async def test_a_failing_gate_fails_the_fetch_as_temporary_and_nothing_is_fetched(site):
    @asynccontextmanager
    async def closed(host: str):
        raise TemporaryFetchError(f"no fleet politeness slot for host {host}")
        yield  # pragma: no cover

    async with Fetcher(settings(obey_robots=False), host_gate=closed) as f:
        with pytest.raises(TemporaryFetchError, match="no fleet politeness slot for host 127.0.0.1"):
            await f.fetch(site.url("/articles/metaverse.html"))
    assert site.hits["/articles/metaverse.html"] == 0


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


async def test_prefect_gate_without_a_reachable_api_is_a_temporary_failure(site):
    from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_MAX_RETRIES, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: f"http://127.0.0.1:{_closed_port()}/api",
                                     PREFECT_CLIENT_MAX_RETRIES: 0}):
        gate = PrefectHostGate(per_host=1, wait_s=5.0)
        async with Fetcher(settings(obey_robots=False), host_gate=gate) as f:
            with pytest.raises(TemporaryFetchError, match="no fleet politeness slot for host 127.0.0.1") as ei:
                await f.fetch(site.url("/articles/metaverse.html"))
        await gate.aclose()
    assert "retried next cycle" in str(ei.value) and "\n" not in str(ei.value)
    assert site.hits["/articles/metaverse.html"] == 0


def test_limit_names_and_settings():
    assert limit_name("News.Example.COM") == "newsmon-host-news.example.com"
    assert rate_name("a/b%c&d<e>f", prefix="x") == "x-rate-a_b_c_d_e_f"  # characters Prefect refuses
    assert host_gate_for(FetchSettings()) is None  # off by default: per-process limits only
    gate = host_gate_for(FetchSettings(fleet_politeness=True, per_host_concurrency=3, per_host_delay_s=2.0,
                                       fleet_wait_s=42.0, deadline_s=30.0))
    assert isinstance(gate, PrefectHostGate)
    assert (gate.per_host, gate.delay_s, gate.wait_s, gate.lease_s) == (3, 2.0, 42.0, 120.0)
