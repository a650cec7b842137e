#!/usr/bin/env python3
"""Cost of fleet politeness (``[fetch] fleet_politeness``, flows/fleet.py) per request.

Fetches N small pages from a loopback server through ``scrapers.fetch.Fetcher``:

* without a gate (per-process limits only);
* with ``PrefectHostGate`` (one lease call to take a host slot, one to give it back);
* with a gate built on Prefect's public ``prefect.concurrency.asyncio.concurrency()``,
  for comparison (it adds a lease-renewal thread, events and a per-limit request queue);

each sequentially and with all N requests started at once (per-host limit 2), against a
Prefect server started for the run (or ``--api-url``). Prints milliseconds per request.

    .venv/bin/python benchmarks/fleet_gate.py [-n 40] [--api-url http://127.0.0.1:4200/api]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
import uuid
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class _Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


class PublicApiGate:
    """The same gate on ``prefect.concurrency.asyncio.concurrency`` (for comparison)."""

    def __init__(self, prefix: str, per_host: int) -> None:
        from flows.fleet import PrefectHostGate
        self._ensure = PrefectHostGate(per_host=per_host, prefix=prefix)
        self.prefix = prefix
        self.per_host = per_host

    @asynccontextmanager
    async def __call__(self, host: str):
        from prefect.concurrency.asyncio import concurrency

        from flows.fleet import limit_name
        name = limit_name(host, self.prefix)
        await self._ensure._ensure(name, self.per_host, 0.0)
        async with concurrency(name, strict=True, timeout_seconds=300):
            yield


async def measure(base: str, n: int, gate) -> tuple[float, float]:
    from newsmon.settings import FetchSettings
    from scrapers.fetch import Fetcher

    settings = FetchSettings(allow_networks=("127.0.0.1/32",), obey_robots=False, retries=0,
                             per_host_concurrency=2)
    async with Fetcher(settings, host_gate=gate) as f:
        await f.fetch(base + "/warm-up")
        t = time.perf_counter()
        for i in range(n):
            await f.fetch(f"{base}/s/{i}")
        seq = (time.perf_counter() - t) / n
        t = time.perf_counter()
        await asyncio.gather(*(f.fetch(f"{base}/p/{i}") for i in range(n)))
        par = (time.perf_counter() - t) / n
    if gate is not None and hasattr(gate, "aclose"):
        await gate.aclose()
    return seq * 1000, par * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=40, help="requests per measurement")
    ap.add_argument("--api-url", default=None, help="use this Prefect API instead of starting a server")
    args = ap.parse_args()

    server = None
    api_url = args.api_url
    if api_url is None:
        from benchmarks.common import PrefectServer
        t = time.perf_counter()
        server = PrefectServer()
        api_url = server.api_url
        print(f"prefect server up in {time.perf_counter() - t:.1f} s")
    os.environ["PREFECT_API_URL"] = api_url
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

    site = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    site.daemon_threads = True
    threading.Thread(target=site.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{site.server_address[1]}"
    try:
        from flows.fleet import PrefectHostGate

        tag = uuid.uuid4().hex[:6]
        rows = [("no gate (per-process limits only)", None),
                ("PrefectHostGate (lease calls)", PrefectHostGate(per_host=2, prefix=f"bench-{tag}-a")),
                ("prefect.concurrency.asyncio.concurrency()", PublicApiGate(f"bench-{tag}-b", 2))]
        print(f"{args.n} requests to one host, per-host limit 2; ms per request")
        print(f"{'':45s} {'sequential':>11s} {'all at once':>12s}")
        for label, gate in rows:
            seq, par = asyncio.run(measure(base, args.n, gate))
            print(f"{label:45s} {seq:11.1f} {par:12.1f}")
    finally:
        site.shutdown()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
