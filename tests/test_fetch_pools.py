"""Connection reuse in the Fetcher: "not modified" answers keep their connection, and
connections are kept per origin for at most ``keepalive_hosts`` origins.

A small asyncio HTTP/1.1 server on 127.0.0.1 (several ports = several origins) counts the
TCP connections it accepts.
"""
from __future__ import annotations

import asyncio
import contextlib
from collections import Counter

from newsmon.settings import FetchSettings
from scrapers.fetch import Fetcher

ETAG = '"v1"'


class CountingServer:
    """Answers every GET: 304 when If-None-Match matches ETAG, else 200 with a small body."""

    def __init__(self) -> None:
        self.connections: Counter[int] = Counter()  # port -> accepted connections
        self.servers: list[asyncio.base_events.Server] = []
        self.ports: list[int] = []

    async def start(self, n: int) -> "CountingServer":
        for _ in range(n):
            srv = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            self.servers.append(srv)
            self.ports.append(srv.sockets[0].getsockname()[1])
        return self

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections[writer.get_extra_info("sockname")[1]] += 1
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
                if "/robots.txt" in head.split("\r\n", 1)[0]:
                    body = b"User-agent: *\nAllow: /\n"
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s"
                                 % (len(body), body))
                elif f"if-none-match: {ETAG}" in head:
                    writer.write(f"HTTP/1.1 304 Not Modified\r\nETag: {ETAG}\r\n\r\n".encode())
                else:
                    body = b"<rss version='2.0'><channel><title>t</title></channel></rss>"
                    writer.write(f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nETag: {ETAG}\r\n"
                                 f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def stop(self) -> None:
        for srv in self.servers:
            srv.close()
            await srv.wait_closed()


@contextlib.asynccontextmanager
async def counting_server(n: int = 3):
    # Started inside the test, on the test's own event loop.
    s = await CountingServer().start(n)
    try:
        yield s
    finally:
        await s.stop()


def settings(**kw) -> FetchSettings:
    return FetchSettings(allow_networks=("127.0.0.1/32",), retries=0, deadline_s=10.0, **kw)


async def test_not_modified_answers_keep_the_connection():
    async with counting_server(1) as server, Fetcher(settings()) as f:
        url = f"http://127.0.0.1:{server.ports[0]}/feed.xml"
        first = await f.fetch(url, kind="feed")
        assert first.status == 200 and first.etag == ETAG
        for _ in range(5):
            res = await f.fetch(url, kind="feed", etag=ETAG)
            assert res.not_modified and res.content == b""
        # robots.txt and six feed requests over one connection (not one per 304).
        assert server.connections[server.ports[0]] == 1


async def test_connections_kept_per_origin_up_to_the_limit():
    async with counting_server(3) as server, Fetcher(settings(keepalive_hosts=2, obey_robots=False)) as f:
        a, b, c = (f"http://127.0.0.1:{p}/feed.xml" for p in server.ports)
        for url in (a, b, a, b):  # two origins fit: each keeps its connection
            await f.fetch(url, kind="feed", etag=ETAG)
        assert [server.connections[p] for p in server.ports] == [1, 1, 0]
        await f.fetch(c, kind="feed", etag=ETAG)  # a third origin closes the least recently used (a)
        await f.fetch(b, kind="feed", etag=ETAG)
        await f.fetch(a, kind="feed", etag=ETAG)
        assert [server.connections[p] for p in server.ports] == [2, 1, 1]
        # Many requests at once to a few origins: each origin's pool serves its own.
        results = await asyncio.gather(*(f.fetch(u, kind="feed", etag=ETAG) for u in (a, b, c) * 10))
        assert all(r.not_modified for r in results)
        assert len(f._transport._pool._pools) <= 3  # over the limit only while all are busy
        await f.fetch(a, kind="feed", etag=ETAG)
        assert len(f._transport._pool._pools) == 2  # back to the limit at the next request
