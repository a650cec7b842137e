"""An httpcore network backend on plain asyncio transports (``GuardedBackend``'s inner one).

httpcore's default backend on asyncio goes through anyio: every read and write of a
response opens an anyio cancel scope for its timeout (``fail_after``, with a lookup of the
current task and of the async library), and every read resumes and pauses the socket's
reading (two ``epoll_ctl`` calls). Profiled on the ingest benchmark, that was about 6 % of
the cycle's main-process CPU, for pages read in two to four chunks each. Here a protocol
buffers what arrives and a read takes it, under ``asyncio.timeout``.

Same contract as httpcore's ``AnyIOStream``: a read returns at most ``max_bytes`` and
``b""`` at the end of the stream; timeouts raise ``ReadTimeout``/``WriteTimeout``/
``ConnectTimeout`` and socket errors ``ReadError``/``WriteError``/``ConnectError`` carrying
the OS message. ``is_readable`` (httpcore's test of an idle kept-alive connection) is true
when anything arrived since the last response (data, end of stream, an error), so such a
connection is dropped, not reused.
"""
from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections import deque
from collections.abc import Iterable
from typing import Any

import httpcore

# Stop reading from the socket while this much is buffered and not yet read.
_HIGH_WATER = 1 << 20


class _Protocol(asyncio.Protocol):
    """Buffers received bytes for ``AsyncioStream.read``; tracks writability for ``write``."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.chunks: deque[bytes] = deque()
        self.buffered = 0
        self.eof = False
        self.lost = False
        self.error: BaseException | None = None
        self._read_waiter: asyncio.Future[None] | None = None
        self._write_waiter: asyncio.Future[None] | None = None
        self._paused_reading = False
        self._can_write = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.chunks.append(bytes(data))
        self.buffered += len(data)
        if self.buffered > _HIGH_WATER and not self._paused_reading and self.transport is not None:
            self.transport.pause_reading()
            self._paused_reading = True
        self._wake_reader()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake_reader()
        return True  # keep the transport open for writing; the stream closes it

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self.eof = True
        if exc is not None:
            self.error = exc
        self._wake_reader()
        self._can_write = True
        self._wake_writer()

    def pause_writing(self) -> None:
        self._can_write = False

    def resume_writing(self) -> None:
        self._can_write = True
        self._wake_writer()

    def take(self, max_bytes: int) -> bytes:
        chunk = self.chunks.popleft()
        if len(chunk) > max_bytes:
            chunk, rest = chunk[:max_bytes], chunk[max_bytes:]
            self.chunks.appendleft(rest)
        self.buffered -= len(chunk)
        if self._paused_reading and self.buffered <= _HIGH_WATER // 2 and self.transport is not None:
            self.transport.resume_reading()
            self._paused_reading = False
        return chunk

    async def wait_readable(self) -> None:
        await self._wait("_read_waiter")

    async def wait_writable(self) -> None:
        await self._wait("_write_waiter")

    async def _wait(self, slot: str) -> None:
        """Until ``_wake_reader``/``_wake_writer`` resolves the future kept in ``slot``."""
        waiter = asyncio.get_running_loop().create_future()
        setattr(self, slot, waiter)
        try:
            await waiter
        finally:
            setattr(self, slot, None)

    @property
    def can_write(self) -> bool:
        return self._can_write

    def _wake_reader(self) -> None:
        if self._read_waiter is not None and not self._read_waiter.done():
            self._read_waiter.set_result(None)

    def _wake_writer(self) -> None:
        if self._write_waiter is not None and not self._write_waiter.done():
            self._write_waiter.set_result(None)


class AsyncioStream(httpcore.AsyncNetworkStream):
    def __init__(self, transport: asyncio.Transport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        p = self._protocol
        if not p.chunks and not p.eof:
            try:
                async with asyncio.timeout(timeout):
                    while not p.chunks and not p.eof:
                        await p.wait_readable()
            except TimeoutError:
                raise httpcore.ReadTimeout("timed out reading") from None
        if p.chunks:
            return p.take(max_bytes)
        if p.error is not None:
            raise httpcore.ReadError(str(p.error) or type(p.error).__name__) from p.error
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        p = self._protocol
        if p.lost or self._transport.is_closing():
            raise httpcore.WriteError(str(p.error) if p.error else "connection closed")
        self._transport.write(buffer)
        if p.can_write:
            return
        try:
            async with asyncio.timeout(timeout):
                while not p.can_write:
                    await p.wait_writable()
        except TimeoutError:
            raise httpcore.WriteTimeout("timed out writing") from None
        if p.lost and p.error is not None:
            raise httpcore.WriteError(str(p.error)) from p.error

    async def aclose(self) -> None:
        # As anyio does: half-close, close, let the loop run the close once, then abort
        # whatever is left, so the peer sees the hang-up now (a response cut off at the
        # size cap) even if the caller does not yield to the loop for a while.
        t = self._transport
        if t.is_closing():
            return
        if t.can_write_eof():
            with contextlib.suppress(OSError):
                t.write_eof()
        t.close()
        await asyncio.sleep(0)
        t.abort()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport = await loop.start_tls(self._transport, self._protocol, ssl_context,
                                                 server_hostname=server_hostname)
        except TimeoutError:
            self._transport.close()
            raise httpcore.ConnectTimeout("timed out in the TLS handshake") from None
        except (OSError, ssl.SSLError, ConnectionError) as e:
            self._transport.close()
            raise httpcore.ConnectError(str(e) or type(e).__name__) from e
        if transport is None:  # the connection was closed during the handshake
            raise httpcore.ConnectError("connection closed during the TLS handshake")
        self._protocol.transport = transport  # type: ignore[assignment] # reads are paused on it now
        return AsyncioStream(transport, self._protocol)  # type: ignore[arg-type]

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info == "socket":
            return self._transport.get_extra_info("socket")
        if info == "is_readable":
            p = self._protocol
            return bool(p.chunks) or p.eof or self._transport.is_closing()
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    _Protocol, host, port, local_addr=(local_address, 0) if local_address else None)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"timed out connecting to {host}:{port}") from None
        except OSError as e:
            raise httpcore.ConnectError(str(e) or type(e).__name__) from e
        sock = transport.get_extra_info("socket")
        for option in socket_options or ():
            with contextlib.suppress(OSError):
                sock.setsockopt(*option)
        return AsyncioStream(transport, protocol)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
