"""A hostile HTTP/1.1 server on a loopback address, for fetcher tests.

It runs an asyncio server in its own thread (so tests with any event loop, or none, can
use it) and speaks raw HTTP so handlers can misbehave: trickle bytes, never answer, lie
about Content-Type, stream forever, redirect in circles. One request per connection
(``Connection: close``), which keeps the counters simple.

It records, per path: hits, concurrent requests (current and max), start times, and
whether the client hung up while a handler was still writing (``disconnects``).
"""
from __future__ import annotations

import asyncio
import ssl
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus

Writer = asyncio.StreamWriter


@dataclass
class Request:
    method: str
    target: str               # path and query as sent
    headers: dict[str, str]   # lower-cased names
    body: bytes = b""
    reader: asyncio.StreamReader | None = field(default=None, repr=False, compare=False)

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


Handler = Callable[[Request, Writer], Awaitable[None]]


class ClientGone(Exception):
    """The client closed the connection while we were writing."""


async def send(writer: Writer, data: bytes) -> None:
    if writer.is_closing():
        raise ClientGone
    writer.write(data)
    try:
        await writer.drain()
    except (ConnectionError, OSError):
        raise ClientGone from None


def head(status: int, headers: dict[str, str] | None = None) -> bytes:
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Whatever"
    lines = [f"HTTP/1.1 {status} {phrase}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@dataclass
class HostileServer:
    host: str = "127.0.0.1"
    routes: dict[str, Handler] = field(default_factory=dict)
    hits: Counter = field(default_factory=Counter)
    disconnects: Counter = field(default_factory=Counter)
    max_in_flight: Counter = field(default_factory=Counter)
    starts: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    requests: list[Request] = field(default_factory=list)
    port: int = 0
    # Serve HTTPS with this context; the TLS server names (SNI) clients sent go to ``sni``.
    ssl_context: ssl.SSLContext | None = None
    sni: list[str | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.ssl_context is not None:
            self.ssl_context.sni_callback = lambda sock, name, ctx: self.sni.append(name)
        self._in_flight: Counter = Counter()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.AbstractServer | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> "HostileServer":
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._serve, self.host, 0, limit=64 * 1024,
                                         ssl=self.ssl_context))
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as e:  # e.g. cannot bind the address
                errors.append(e)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            # Shutdown: stop handlers still running (never-answer, stream-forever).
            tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for t in tasks:
                t.cancel()
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.close()

        self._thread = threading.Thread(target=run, name=f"hostile-{self.host}", daemon=True)
        self._thread.start()
        ready.wait(10)
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return

        def close() -> None:
            assert self._server is not None
            self._server.close()
            self._loop.stop()  # type: ignore[union-attr]

        self._loop.call_soon_threadsafe(close)
        self._thread.join(10)

    def __enter__(self) -> "HostileServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, path: str = "/") -> str:
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{self.host}:{self.port}{path}"

    # -- serving ------------------------------------------------------------------------------

    async def _read_request(self, reader: asyncio.StreamReader) -> Request | None:
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            return None
        lines = raw.decode("latin-1").split("\r\n")
        method, target, _ = (lines[0].split(" ", 2) + ["", ""])[:3]
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        body = b""
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        return Request(method, target, headers, body, reader)

    async def _serve(self, reader: asyncio.StreamReader, writer: Writer) -> None:
        req = await self._read_request(reader)
        if req is None:
            writer.close()
            return
        path = req.path
        with self._lock:
            self.hits[path] += 1
            self.requests.append(req)
            self.starts[path].append(time.monotonic())
            self._in_flight[path] += 1
            self.max_in_flight[path] = max(self.max_in_flight[path], self._in_flight[path])
        handler = self.routes.get(req.target) or self.routes.get(path) or not_found()
        try:
            await handler(req, writer)
        except ClientGone:
            with self._lock:
                self.disconnects[path] += 1
        except asyncio.CancelledError:
            pass  # server shutting down while a handler still runs (never-answer, trickle)
        finally:
            with self._lock:
                self._in_flight[path] -= 1
            try:
                writer.close()
            except Exception:
                pass


# -- handler factories --------------------------------------------------------------------------

def respond(status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None, *,
            content_length: bool = True, delay: float = 0.0) -> Handler:
    """A plain response; ``content_length=False`` makes it close-delimited."""
    async def handler(req: Request, w: Writer) -> None:
        if delay:
            await asyncio.sleep(delay)
        h = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        if content_length and "Content-Length" not in h:
            h["Content-Length"] = str(len(body))
        await send(w, head(status, h) + (b"" if req.method == "HEAD" else body))
    return handler


def sequence(*handlers: Handler) -> Handler:
    """The n-th request gets the n-th handler; the last one repeats."""
    calls = 0

    async def handler(req: Request, w: Writer) -> None:
        nonlocal calls
        h = handlers[min(calls, len(handlers) - 1)]
        calls += 1
        await h(req, w)
    return handler


def redirect(location: str, status: int = 302) -> Handler:
    return respond(status, b"", {"Location": location})


def not_found() -> Handler:
    return respond(404, b"not found", {"Content-Type": "text/plain"})


def stream_forever(chunk: bytes, headers: dict[str, str] | None = None,
                   limit: int = 2 * 1024 ** 3) -> Handler:
    """Send ``chunk`` again and again (close-delimited) until the client hangs up."""
    async def handler(req: Request, w: Writer) -> None:
        await send(w, head(200, {"Content-Type": "text/html", **(headers or {})}))
        sent = 0
        while sent < limit:
            await send(w, chunk)
            sent += len(chunk)
    return handler


def trickle(interval: float, headers: dict[str, str] | None = None) -> Handler:
    """Answer headers at once, then one body byte every ``interval`` seconds, forever."""
    async def handler(req: Request, w: Writer) -> None:
        await send(w, head(200, {"Content-Type": "text/html", "Content-Length": "100000",
                                 **(headers or {})}))
        while True:
            await send(w, b"x")
            await asyncio.sleep(interval)
    return handler


def never_answer() -> Handler:
    """Accept and read the request, then say nothing until the client gives up."""
    async def handler(req: Request, w: Writer) -> None:
        assert req.reader is not None
        while await req.reader.read(1024):  # b"" once the client closes
            pass
        raise ClientGone
    return handler


def close_without_answer() -> Handler:
    async def handler(req: Request, w: Writer) -> None:
        w.transport.abort()
    return handler
