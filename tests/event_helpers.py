"""Helpers of the event tests: a sink that keeps what it is given, and a TCP server that
accepts connections and never answers (a Prefect API that hangs)."""
from __future__ import annotations

import socket
import threading

from newsmon.events import EventSink, NewsEvent


class MemorySink(EventSink):
    """Records every event (an enabled sink, like a flow run's)."""

    enabled = True

    def __init__(self) -> None:
        super().__init__()
        self.events: list[NewsEvent] = []

    def emit(self, ev: NewsEvent) -> bool:
        self.events.append(ev)
        self.emitted += 1
        return True

    def named(self, name: str) -> list[NewsEvent]:
        return [e for e in self.events if e.event == name]


class Blackhole:
    """127.0.0.1:<port> accepts TCP connections, reads, and never sends a byte."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.conns.append(conn)

    def __enter__(self) -> "Blackhole":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.thread.join(5)
        for c in self.conns:
            c.close()
        self.sock.close()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
