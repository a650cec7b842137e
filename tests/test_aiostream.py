"""``scrapers.aiostream``: the asyncio network stream under the fetcher (loopback only)."""
from __future__ import annotations

import asyncio

import httpcore
import pytest

from scrapers.aiostream import AsyncioBackend


async def _server(handler):
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def _eventually(predicate, timeout_s: float = 2.0) -> bool:
    """Poll ``predicate`` while the loop runs (the peer's bytes arrive through it)."""
    for _ in range(int(timeout_s / 0.01)):
        if predicate():
            return True
        await asyncio.sleep(0.01)
    return bool(predicate())


async def test_reads_at_most_max_bytes_then_end_of_stream():
    async def handler(reader, writer):
        writer.write(b"x" * 5000)
        await writer.drain()
        writer.close()

    server, port = await _server(handler)
    async with server:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        got = b""
        while True:
            chunk = await stream.read(1000, timeout=5)
            assert len(chunk) <= 1000
            if not chunk:
                break
            got += chunk
        assert got == b"x" * 5000
        assert await stream.read(1000, timeout=5) == b""  # stays at the end
        await stream.aclose()


async def test_write_reaches_the_peer_and_aclose_hangs_up():
    received: list[bytes] = []
    done = asyncio.Event()

    async def handler(reader, writer):
        received.append(await reader.read())  # until the client hangs up
        done.set()
        writer.close()

    server, port = await _server(handler)
    async with server:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        await stream.write(b"GET / HTTP/1.1\r\n\r\n", timeout=5)
        await stream.write(b"", timeout=5)
        await stream.aclose()
        await asyncio.wait_for(done.wait(), 5)
    assert received == [b"GET / HTTP/1.1\r\n\r\n"]


async def test_read_timeout_and_idle_connection_readability():
    """Silence times out; anything arriving on an idle connection (data, a hang-up) makes
    it readable, so httpcore does not reuse it."""
    writers = []

    async def handler(reader, writer):
        writers.append(writer)
        await reader.read()

    server, port = await _server(handler)
    async with server:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        with pytest.raises(httpcore.ReadTimeout):
            await stream.read(100, timeout=0.05)
        assert stream.get_extra_info("is_readable") is False
        assert stream.get_extra_info("server_addr")[1] == port
        writers[0].write(b"junk")
        await writers[0].drain()
        assert await _eventually(lambda: stream.get_extra_info("is_readable"))
        assert await stream.read(100, timeout=5) == b"junk"
        writers[0].close()
        assert await _eventually(lambda: stream.get_extra_info("is_readable"))
        assert await stream.read(100, timeout=5) == b""
        await stream.aclose()
        with pytest.raises(httpcore.WriteError):
            await stream.write(b"more", timeout=5)


async def test_connect_errors_are_httpcore_errors():
    server, port = await _server(lambda r, w: None)
    server.close()
    await server.wait_closed()
    with pytest.raises(httpcore.ConnectError, match="refused|Connect call failed"):
        await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)


async def test_a_large_body_is_read_whole_through_flow_control():
    """More than the 1 MiB buffered: reading from the socket pauses, and resumes as the
    reader catches up."""
    body = bytes(range(256)) * (3 * 4096)  # 3 MiB

    async def handler(reader, writer):
        writer.write(body)
        await writer.drain()
        writer.close()

    server, port = await _server(handler)
    async with server:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        await asyncio.sleep(0.2)  # let the buffer fill past the high-water mark
        parts = []
        while chunk := await stream.read(65536, timeout=5):
            parts.append(chunk)
        assert b"".join(parts) == body
        await stream.aclose()
