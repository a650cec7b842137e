"""The fetcher against a hostile server on 127.0.0.1 (and 127.0.0.2 for the SSRF rows).

Every row uses a real server over real sockets. Settings come from ``fast_settings``
(tiny timeouts, deadlines and back-offs) so the file stays fast; no assertion is a speed
target — the few time checks are lower bounds the code guarantees (waits, gaps).
"""
from __future__ import annotations

import asyncio
import gc
import tracemalloc
from pathlib import Path

import pytest

from newsmon.errors import (
    AddressNotAllowed,
    BlockedError,
    DeadlineError,
    FetchError,
    PermanentFetchError,
    TemporaryFetchError,
    TooLargeError,
)
from scrapers.fetch import Fetcher
from tests.hostile.fixtures import fast_settings, server, server2, wait_until  # noqa: F401
from tests.hostile.payloads import HTML, MiB, brotli_bomb, gzip, gzip_bomb, png_1x1, zstd_bomb
from tests.hostile.server import (
    Request,
    close_without_answer,
    head,
    never_answer,
    redirect,
    respond,
    send,
    sequence,
    stream_forever,
    trickle,
)


# -- size caps --------------------------------------------------------------------------------

async def test_over_cap_with_content_length_refused_before_download(server):
    server.routes["/big"] = respond(200, b"a" * (3 * MiB))
    async with Fetcher(fast_settings(max_bytes=MiB)) as f:
        with pytest.raises(TooLargeError, match="Content-Length 3145728") as ei:
            await f.fetch(server.url("/big"))
    assert ei.value.kind == "permanent" and "not downloaded" in str(ei.value)
    assert server.hits["/big"] == 1  # permanent: not retried


async def test_over_cap_without_content_length_aborts_stream_and_releases(server):
    server.routes["/forever"] = stream_forever(b"<p>" + b"a" * 65533)
    server.routes["/ok"] = respond(200, HTML)
    async with Fetcher(fast_settings(max_bytes=MiB, per_host_concurrency=1)) as f:
        with pytest.raises(TooLargeError, match="passed the cap of 1.0 MiB"):
            await f.fetch(server.url("/forever"))
        # The connection was closed: the server sees the client hang up mid-stream...
        assert wait_until(lambda: server.disconnects["/forever"] == 1)
        # ...and the host slot was released: the next request to the host goes through.
        assert (await f.fetch(server.url("/ok"))).content == HTML
    assert server.hits["/forever"] == 1


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # Linux: reset VmHWM to current RSS
        return True
    except OSError:
        return False


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.parametrize("encoding, bomb", [
    ("gzip", gzip_bomb), ("br", brotli_bomb), ("zstd", zstd_bomb),
    ("gzip, gzip", lambda: gzip(gzip_bomb())),
])
async def test_compression_bomb_aborted_with_flat_memory(server, encoding, bomb):
    """200 MB of zeros, compressed to kilobytes: aborted at the cap; memory stays small."""
    payload = bomb()
    assert len(payload) < 300_000
    server.routes["/bomb"] = respond(200, payload, {"Content-Encoding": encoding})
    settings = fast_settings(max_bytes=5 * MiB)
    gc.collect()
    rss_reset = _reset_peak_rss()
    rss_before = _peak_rss_mb()
    tracemalloc.start()
    try:
        async with Fetcher(settings) as f:
            with pytest.raises(TooLargeError, match="decompressed"):
                await f.fetch(server.url("/bomb"), check_robots=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * MiB, f"Python allocations peaked at {peak / MiB:.1f} MB"
    if rss_reset:
        growth = _peak_rss_mb() - rss_before
        assert growth < 50, f"peak RSS grew by {growth:.1f} MB"


async def test_stacked_content_encoding_decoded(server):
    server.routes["/gz2"] = respond(200, gzip(gzip(HTML)), {"Content-Encoding": "gzip, gzip"})
    async with Fetcher(fast_settings()) as f:
        r = await f.fetch(server.url("/gz2"))
    assert r.content == HTML


# -- time limits ------------------------------------------------------------------------------

async def test_trickle_hits_deadline_is_retried_then_reported(server):
    # One byte every 0.25 s: read timeout (2 s) never fires, the 0.8 s deadline does.
    server.routes["/slow"] = trickle(0.25)
    settings = fast_settings(deadline_s=0.8, read_timeout_s=2.0, retries=1)
    async with Fetcher(settings) as f:
        with pytest.raises(DeadlineError, match="deadline of 0.8 s") as ei:
            await f.fetch(server.url("/slow"), check_robots=False)
    assert ei.value.kind == "temporary" and "after 2 attempts" in str(ei.value)
    assert server.hits["/slow"] == 2


async def test_server_that_never_answers(server):
    server.routes["/mute"] = never_answer()
    async with Fetcher(fast_settings(read_timeout_s=0.3, retries=0)) as f:
        with pytest.raises(TemporaryFetchError, match="read timeout"):
            await f.fetch(server.url("/mute"), check_robots=False)
    assert wait_until(lambda: server.disconnects["/mute"] == 1)


async def test_server_that_hangs_up(server):
    server.routes["/rst"] = close_without_answer()
    async with Fetcher(fast_settings(retries=1)) as f:
        with pytest.raises(TemporaryFetchError, match="after 2 attempts"):
            await f.fetch(server.url("/rst"), check_robots=False)
    assert server.hits["/rst"] == 2


# -- redirects --------------------------------------------------------------------------------

async def test_redirect_loop(server):
    server.routes["/a"] = redirect("/b")
    server.routes["/b"] = redirect(server.url("/a"))
    async with Fetcher(fast_settings()) as f:
        with pytest.raises(PermanentFetchError, match="redirect loop"):
            await f.fetch(server.url("/a"))
    assert server.hits["/a"] == 1 and server.hits["/b"] == 1


async def test_chain_within_limit_resolves_relative_locations(server):
    server.routes["/r/0"] = redirect("1", 301)                   # relative to /r/
    server.routes["/r/1"] = redirect("/r/2?x=1", 308)            # absolute path
    server.routes["/r/2"] = redirect(server.url("/final"), 307)  # absolute URL
    server.routes["/final"] = respond(200, HTML)
    async with Fetcher(fast_settings(max_redirects=3)) as f:
        r = await f.fetch(server.url("/r/0"))
    assert r.final_url == server.url("/final") and r.content == HTML
    assert r.redirects == (server.url("/r/0"), server.url("/r/1"), server.url("/r/2?x=1"))


async def test_over_long_chain(server):
    for i in range(6):
        server.routes[f"/r/{i}"] = redirect(f"/r/{i + 1}")
    async with Fetcher(fast_settings(max_redirects=3)) as f:
        with pytest.raises(PermanentFetchError, match="more than 3 redirects"):
            await f.fetch(server.url("/r/0"))
    assert [server.hits[f"/r/{i}"] for i in range(6)] == [1, 1, 1, 1, 0, 0]


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/pub/x",
                                      "gopher://127.0.0.1:70/", "data:text/html,<p>hi</p>"])
async def test_redirect_to_other_scheme_blocked(server, location):
    server.routes["/go"] = redirect(location)
    async with Fetcher(fast_settings()) as f:
        with pytest.raises(BlockedError, match="scheme") as ei:
            await f.fetch(server.url("/go"))
    assert location.split(":")[0] in str(ei.value)


async def test_redirect_to_loopback_address_not_allowed(server, server2):
    """Only 127.0.0.1/32 is allowed; a redirect to 127.0.0.2 is refused before connecting."""
    server.routes["/go"] = redirect(server2.url("/internal"))
    server.routes["/go-name"] = redirect(f"http://0x7f.0.0.2:{server2.port}/internal")
    server2.routes["/internal"] = respond(200, b"secret")
    async with Fetcher(fast_settings(allow_networks=("127.0.0.1/32",))) as f:
        for path in ("/go", "/go-name"):
            with pytest.raises(AddressNotAllowed, match="127.0.0.2"):
                await f.fetch(server.url(path))
    assert sum(server2.hits.values()) == 0  # not even robots.txt
    assert server.hits["/go"] == 1


# -- SSRF guard on the first URL ------------------------------------------------------------------

async def test_loopback_refused_unless_allowed(server):
    server.routes["/"] = respond(200, HTML)
    async with Fetcher(fast_settings(allow_networks=())) as f:
        with pytest.raises(AddressNotAllowed, match="loopback"):
            await f.fetch(server.url("/"))
    assert sum(server.hits.values()) == 0
    async with Fetcher(fast_settings(allow_networks=("127.0.0.0/8",))) as f:
        assert (await f.fetch(server.url("/"))).content == HTML


async def test_proxy_environment_ignored(server, monkeypatch):
    # A proxy would see (and could redirect) every request, bypassing the address checks.
    server.routes["/"] = respond(200, HTML)
    for var in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")  # discard port: nothing listens
    monkeypatch.delenv("NO_PROXY", raising=False)
    async with Fetcher(fast_settings()) as f:
        assert (await f.fetch(server.url("/"))).content == HTML


@pytest.mark.parametrize("host", ["localhost", "2130706433", "0x7f.1", "0x7f000001", "127.1",
                                  "[::ffff:7f00:1]", "[::ffff:127.0.0.1]", "[::1]", "0.0.0.0"])
async def test_disguised_loopback_refused(server, host):
    async with Fetcher(fast_settings(allow_networks=(), retries=0)) as f:
        with pytest.raises(AddressNotAllowed):
            await f.fetch(f"http://{host}:{server.port}/")
    assert sum(server.hits.values()) == 0


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "127.1"])
async def test_disguised_loopback_served_when_allowed(server, host):
    # The literal parser reads these as the C library does: 127.0.0.1, where the server is.
    server.routes["/"] = respond(200, HTML)
    async with Fetcher(fast_settings(allow_networks=("127.0.0.1/32",))) as f:
        r = await f.fetch(f"http://{host}:{server.port}/", check_robots=False)
    assert r.content == HTML


# -- retries and Retry-After --------------------------------------------------------------------

@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_one_second_then_success(server, status):
    server.routes["/busy"] = sequence(respond(status, b"busy", {"Retry-After": "1"}),
                                      respond(200, HTML))
    async with Fetcher(fast_settings(retries=2)) as f:
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        r = await f.fetch(server.url("/busy"))
        waited = loop.time() - t0
    assert r.status == 200 and r.content == HTML
    assert server.hits["/busy"] == 2
    assert waited >= 0.95  # Retry-After honoured (a lower bound, not a speed target)


async def test_retry_after_beyond_cap_gives_up_and_postpones_host(server):
    server.routes["/busy"] = respond(503, b"later", {"Retry-After": "3600"})
    server.routes["/other"] = respond(200, HTML)
    async with Fetcher(fast_settings(retries=3, max_retry_after_s=2.0)) as f:
        with pytest.raises(TemporaryFetchError) as ei:
            await f.fetch(server.url("/busy"))
        assert ei.value.retry_after == 3600 and ei.value.status == 503
        assert "Retry-After 3600" in str(ei.value)
        # The host asked for an hour: other requests to it in this cycle fail fast, unsent.
        with pytest.raises(TemporaryFetchError, match="postponed") as ei2:
            await f.fetch(server.url("/other"))
        assert ei2.value.retry_after > 3000
    assert server.hits["/busy"] == 1 and server.hits["/other"] == 0


async def test_429_backs_off_the_whole_host(server):
    server.routes["/a"] = respond(429, b"slow down", {"Retry-After": "1"})
    server.routes["/b"] = respond(200, HTML)
    async with Fetcher(fast_settings(retries=0)) as f:
        with pytest.raises(TemporaryFetchError, match="HTTP 429"):
            await f.fetch(server.url("/a"), check_robots=False)
        r = await f.fetch(server.url("/b"), check_robots=False)
    assert r.status == 200
    assert server.starts["/b"][0] - server.starts["/a"][0] >= 0.9


async def test_5xx_retried_then_reported(server):
    server.routes["/err"] = respond(502, b"bad gateway")
    async with Fetcher(fast_settings(retries=2)) as f:
        with pytest.raises(TemporaryFetchError, match="HTTP 502.*after 3 attempts") as ei:
            await f.fetch(server.url("/err"))
    assert ei.value.status == 502 and server.hits["/err"] == 3


async def test_404_is_permanent_not_retried(server):
    async with Fetcher(fast_settings(retries=2)) as f:
        with pytest.raises(PermanentFetchError, match="HTTP 404") as ei:
            await f.fetch(server.url("/missing"))
    assert ei.value.status == 404 and server.hits["/missing"] == 1


# -- content checks -----------------------------------------------------------------------------

@pytest.mark.parametrize("body, ctype, reason", [
    (png_1x1(), "image/png", r"binary content \(image/png\)"),
    (png_1x1(), "text/html; charset=utf-8", r"binary content \(image/png labelled text/html\)"),
    (b"%PDF-1.5\n" + bytes(range(256)), "application/pdf", r"\(application/pdf\)"),
    (b"\x00\x01\x02" * 300, "text/html", r"NUL bytes labelled text/html"),
    (HTML, "application/octet-stream", r"\(application/octet-stream\)"),
])
async def test_binary_or_mislabelled_page_skipped(server, body, ctype, reason):
    server.routes["/p"] = respond(200, body, {"Content-Type": ctype})
    async with Fetcher(fast_settings()) as f:
        with pytest.raises(PermanentFetchError, match=reason):
            await f.fetch(server.url("/p"))
    assert server.hits["/p"] == 1


# -- conditional GET ----------------------------------------------------------------------------

def _conditional(etag: str, modified: str):
    async def handler(req: Request, w) -> None:
        if req.headers.get("if-none-match") == etag or req.headers.get("if-modified-since") == modified:
            await send(w, head(304, {"ETag": etag}))
        else:
            await respond(200, b"<rss/>", {"ETag": etag, "Last-Modified": modified,
                                           "Content-Type": "application/rss+xml"})(req, w)
    return handler


async def test_conditional_get_304(server):
    modified = "Tue, 01 Jul 2025 08:00:00 GMT"
    server.routes["/feed.xml"] = _conditional('"v7"', modified)
    async with Fetcher(fast_settings()) as f:
        first = await f.fetch(server.url("/feed.xml"), kind="feed")
        assert first.status == 200 and first.etag == '"v7"' and first.last_modified == modified
        again = await f.fetch(server.url("/feed.xml"), kind="feed", etag=first.etag)
        assert again.not_modified and again.status == 304 and again.content == b""
        by_date = await f.fetch(server.url("/feed.xml"), kind="feed", last_modified=modified)
        assert by_date.not_modified
    assert server.hits["/feed.xml"] == 3


# -- politeness ---------------------------------------------------------------------------------

@pytest.mark.parametrize("per_host", [1, 2])
async def test_per_host_concurrency_held(server, per_host):
    server.routes["/slow"] = respond(200, HTML, delay=0.3)
    async with Fetcher(fast_settings(per_host_concurrency=per_host)) as f:
        results = await asyncio.gather(*(f.fetch(server.url("/slow")) for _ in range(4)))
    assert all(r.status == 200 for r in results)
    assert server.hits["/slow"] == 4
    assert server.max_in_flight["/slow"] == per_host
    assert server.hits["/robots.txt"] == 1  # four concurrent fetches, one robots.txt


async def test_global_concurrency_cap(server):
    server.routes["/slow"] = respond(200, HTML, delay=0.2)
    async with Fetcher(fast_settings(per_host_concurrency=4, concurrency=1)) as f:
        await asyncio.gather(*(f.fetch(server.url("/slow"), check_robots=False) for _ in range(3)))
    assert server.max_in_flight["/slow"] == 1


async def test_per_host_delay_between_starts(server):
    server.routes["/p"] = respond(200, HTML)
    async with Fetcher(fast_settings(per_host_concurrency=3, per_host_delay_s=0.2)) as f:
        await asyncio.gather(*(f.fetch(server.url("/p"), check_robots=False) for _ in range(3)))
    starts = sorted(server.starts["/p"])
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(gaps) == 2 and min(gaps) >= 0.18  # lower bound, with slack for clock reads


# -- only FetchError leaves fetch() -------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",   # body shorter than announced
    b"NOT HTTP AT ALL\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n",  # oversized header block
])
async def test_protocol_garbage_is_a_fetch_error(server, raw):
    async def handler(req, w):
        await send(w, raw)
    server.routes["/x"] = handler
    async with Fetcher(fast_settings(retries=0)) as f:
        with pytest.raises(FetchError):
            await f.fetch(server.url("/x"), check_robots=False)
