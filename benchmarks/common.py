#!/usr/bin/env python3
"""Shared parts of the pipeline benchmarks (``ingest.py``, ``many_feeds.py``).

* **Loopback news site** (``SiteSpec``, ``serve``, ``SiteProcess``): F feeds x A articles,
  served by a small asyncio HTTP/1.1 server (keep-alive, ETag + 304 on conditional GETs,
  robots.txt) in its own process, so its CPU does not share a GIL with the measuring
  harness. ``http.server`` costs ~1 ms per request in threads; this one a fraction of that.
  Article pages are the real pages of the shared extraction benchmark, each copy made
  unique: a token in ``<title>`` and in the first paragraph, served under its own URL,
  with its ``rel=canonical``/``og:url`` rewritten to that URL (so copies never collapse
  into one record). ``small`` pages (a title and five paragraphs of seeded random words,
  so no two are near-duplicates for the story clustering) are for the many-feeds
  benchmark, whose first cycle would otherwise extract 10,000 large pages. Pages are
  generated per request from the templates: the site holds no copy of them.
  Feeds can spread over several loopback addresses (127.0.0.2, 127.0.0.3, ...): newsmon's
  politeness limits are per host, and many hosts let it work on many feeds at once.
  ``/_stats`` returns request and TCP connection counters as JSON (connections, and the
  most open at once per address and in all), ``/_bump?feeds=N`` adds
  one new story to N feeds (their ETag changes), ``/_reset`` zeroes the counters.
* **Prefect server** (``PrefectServer``): ``prefect server start`` on a free loopback port
  with a temporary ``PREFECT_HOME``, waited for on ``/api/health``, so cycles run against a
  running server as in production and Prefect's ephemeral start-up is not measured.
* **Measurement** (``run_measured``): wall time, CPU of the process and its children
  (``wait4``), and peak RSS of the process tree sampled from ``/proc`` while it runs.
* **Databases** (``fresh_database``): a new SQLite file, or a new schema in the test
  PostgreSQL database (dropped afterwards), as ``tests/db_fixtures.py`` does.

Run ``python benchmarks/common.py serve --spec '<json>'`` to serve a site by hand.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import asdict, dataclass, field
from email.utils import formatdate
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

REPO = Path(__file__).resolve().parent.parent
PAGES_DIR = REPO.parent / "shared" / "data" / "extraction-benchmark" / "html"
PYTHON = sys.executable
NEWSMON = [PYTHON, "-m", "newsmon.cli"]
PG_ADMIN_URL = os.environ.get("NEWSMON_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BASE_TIME = 1_790_000_000  # fixed clock for pubDate/Last-Modified: runs are reproducible


# --- page templates ------------------------------------------------------------------------

_CANONICAL = re.compile(rb"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b[^>]*>", re.I)
_OG_URL = re.compile(rb"<meta\b[^>]*\bproperty\s*=\s*[\"']?og:url\b[^>]*>", re.I)
_HEAD = re.compile(rb"<head\b[^>]*>", re.I)
_TITLE = re.compile(rb"<title\b[^>]*>", re.I)
_FIRST_P = re.compile(rb"<p\b[^>]*>", re.I)
_URL, _TOKEN = object(), object()  # placeholders in a template's parts


@dataclass(frozen=True)
class PageTemplate:
    """A page as byte chunks with placeholders for its URL and its unique token."""

    name: str
    parts: tuple  # bytes | _URL | _TOKEN

    def render(self, url: str, token: str) -> bytes:
        u, t = url.encode(), token.encode()
        return b"".join(u if p is _URL else t if p is _TOKEN else p for p in self.parts)


def make_template(name: str, html: bytes) -> PageTemplate:
    """Rewrite canonical/og:url to the served URL; mark where the unique token goes."""
    html = _OG_URL.sub(b"", _CANONICAL.sub(b"", html))
    cuts: list[tuple[int, object]] = []
    head = _HEAD.search(html)
    cuts.append((head.end() if head else 0, "canonical"))
    for rx in (_TITLE, _FIRST_P):
        m = rx.search(html)
        if m:
            cuts.append((m.end(), _TOKEN))
    parts: list = []
    pos = 0
    for at, what in sorted(cuts, key=lambda c: c[0]):
        parts.append(html[pos:at])
        if what == "canonical":
            parts += [b'<link rel="canonical" href="', _URL, b'"><meta property="og:url" content="', _URL, b'">']
        else:
            parts += [_TOKEN, b" "]
        pos = at
    parts.append(html[pos:])
    return PageTemplate(name, tuple(parts))


def real_templates(directory: Path = PAGES_DIR) -> list[PageTemplate]:
    files = sorted(directory.glob("*.html.gz"))
    if not files:
        sys.exit(f"benchmark: no pages in {directory} (expected html/<id>.html.gz)")
    return [make_template(f.name.split(".")[0], gzip.decompress(f.read_bytes())) for f in files]


_WORDS = ("the board of the company said on Tuesday that its quarterly results beat estimates as "
          "demand for memory chips rose sharply while officials in Seoul reviewed new rules for "
          "exporters and analysts expected further growth in the second half of the year after "
          "shipments orders prices investors regulators factory plant battery display network "
          "shares fell rose gained lost percent billion won dollars market record quarter").split()


def small_page(url: str, token: str, seed: int) -> bytes:
    """A short synthetic article (about 2 KB) with a body of its own: random word sequences,
    so no two are near-duplicates (the review step would cluster copies of one text)."""
    rng = random.Random(seed)
    paras = "".join("<p>" + " ".join(rng.choice(_WORDS) for _ in range(45)).capitalize() + ".</p>"
                    for _ in range(5))
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{token} Market report</title>"
            f'<link rel="canonical" href="{url}"></head><body><nav><a href=/>Home</a> <a href=/biz>Business'
            f"</a></nav><article><h1>{token} Market report</h1>{paras}</article><footer>(c) Example News"
            f"</footer></body></html>").encode()


# --- the site ------------------------------------------------------------------------------

@dataclass
class SiteSpec:
    feeds: int = 40
    articles_per_feed: int = 50
    addresses: list[str] = field(default_factory=lambda: ["127.0.0.1"])
    pages: str = "real"  # real | small

    def host_of(self, feed: int) -> int:
        """Index of the address serving ``feed`` (round robin)."""
        return feed % len(self.addresses)


def page_token(feed: int, k: int) -> str:
    return f"nmbench{feed:05d}x{k:05d}"


class Site:
    """The site's content, generated on request (nothing but the templates is kept)."""

    def __init__(self, spec: SiteSpec, bases: list[str]) -> None:
        self.spec = spec
        self.bases = bases
        self.templates = real_templates() if spec.pages == "real" else []
        self.extra: Counter[int] = Counter()  # feed -> stories added by /_bump
        self.stats: Counter[str] = Counter()
        self.open: Counter[str] = Counter()  # address -> TCP connections open now
        self.open_total = 0
        self._feed_cache: dict[int, tuple[str, bytes]] = {}

    def count(self, feed: int) -> int:
        return self.spec.articles_per_feed + self.extra[feed]

    def page_url(self, feed: int, k: int) -> str:
        return f"{self.bases[self.spec.host_of(feed)]}/a/{feed}/{k}.html"

    def page(self, feed: int, k: int) -> bytes:
        if not self.templates:
            return small_page(self.page_url(feed, k), page_token(feed, k), feed * 100_003 + k)
        t = self.templates[(feed * 7919 + k) % len(self.templates)]
        return t.render(self.page_url(feed, k), page_token(feed, k))

    def feed(self, feed: int) -> tuple[str, bytes]:
        n = self.count(feed)
        cached = self._feed_cache.get(feed)
        etag = f'"f{feed}-{n}"'
        if cached and cached[0] == etag:
            return cached
        items = []
        for k in range(n - 1, -1, -1):  # newest first
            when = formatdate(BASE_TIME + feed * 60 + k * 600, usegmt=True)
            url = self.page_url(feed, k)
            items.append(f"<item><title>Story {k} of feed {feed}</title><link>{url}</link>"
                         f"<guid>{url}</guid><pubDate>{when}</pubDate>"
                         f"<description>Story {k}.</description></item>")
        body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Bench feed {feed}</title><link>{self.bases[self.spec.host_of(feed)]}/</link>"
                f"<description>benchmark</description>{''.join(items)}</channel></rss>").encode()
        self._feed_cache[feed] = (etag, body)
        return etag, body

    def bump(self, n: int) -> list[int]:
        """Add one story to ``n`` feeds spread over the site; returns their indexes."""
        n = max(0, min(n, self.spec.feeds))
        step = self.spec.feeds / n if n else 1
        chosen = sorted({int(i * step) for i in range(n)})
        for f in chosen:
            self.extra[f] += 1
        return chosen

    def respond(self, path: str, query: str, inm: str | None) -> tuple[int, list[tuple[str, str]], bytes]:
        parts = path.strip("/").split("/")
        try:
            if path == "/robots.txt":
                self.stats["robots"] += 1
                return 200, [("Content-Type", "text/plain")], b"User-agent: *\nDisallow: /private/\n"
            if len(parts) == 2 and parts[0] == "feeds" and parts[1].endswith(".xml"):
                i = int(parts[1][:-4])
                if 0 <= i < self.spec.feeds:
                    etag, body = self.feed(i)
                    if inm == etag:
                        self.stats["feed_304"] += 1
                        return 304, [("ETag", etag)], b""
                    self.stats["feed_200"] += 1
                    lm = formatdate(BASE_TIME + self.count(i), usegmt=True)
                    return 200, [("Content-Type", "application/rss+xml; charset=utf-8"), ("ETag", etag),
                                 ("Last-Modified", lm)], body
            if len(parts) == 3 and parts[0] == "a" and parts[2].endswith(".html"):
                i, k = int(parts[1]), int(parts[2][:-5])
                if 0 <= i < self.spec.feeds and 0 <= k < self.count(i):
                    self.stats["pages"] += 1
                    return 200, [("Content-Type", "text/html; charset=utf-8")], self.page(i, k)
            if path == "/_stats":
                return 200, [("Content-Type", "application/json")], json.dumps(self.stats).encode()
            if path == "/_reset":
                self.stats.clear()
                return 200, [("Content-Type", "application/json")], b"{}"
            if path == "/_bump":
                n = int(parse_qs(query).get("feeds", ["0"])[0])
                return 200, [("Content-Type", "application/json")], json.dumps(self.bump(n)).encode()
        except ValueError:
            pass
        self.stats["not_found"] += 1
        return 404, [("Content-Type", "text/plain")], b"not found"


_REASONS = {200: "OK", 304: "Not Modified", 400: "Bad Request", 404: "Not Found"}


async def _handle(site: Site, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    site.stats["connections"] += 1
    # Open connections per address and in all (newsmon's per-host limit caps the first; a
    # cycle working on many hosts at once shows in the second).
    host = str((writer.get_extra_info("sockname") or ("?",))[0])
    site.open[host] += 1
    site.open_total += 1
    st = site.stats
    st["max_open_per_host"] = max(st["max_open_per_host"], site.open[host])
    st["max_open_total"] = max(st["max_open_total"], site.open_total)
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                return
            lines = head.decode("latin-1").split("\r\n")
            try:
                method, target, _version = lines[0].split(" ", 2)
            except ValueError:
                writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name:
                    headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length") or 0)
            if length:
                await reader.readexactly(length)
            u = urlsplit(target)
            status, hdrs, body = site.respond(u.path, u.query, headers.get("if-none-match"))
            close = headers.get("connection", "").lower() == "close"
            out = [f"HTTP/1.1 {status} {_REASONS.get(status, 'OK')}"]
            out += [f"{k}: {v}" for k, v in hdrs]
            out.append(f"Content-Length: {len(body)}")
            if close:
                out.append("Connection: close")
            writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1"))
            if body and method != "HEAD":
                writer.write(body)
            await writer.drain()
            if close:
                return
    except ConnectionError:
        return
    finally:
        site.open[host] -= 1
        site.open_total -= 1
        with contextlib.suppress(Exception):
            writer.close()


async def serve(spec: SiteSpec, ready: callable) -> None:
    """Listen on every address of ``spec`` (one port each) and serve until cancelled."""
    servers, bases = [], []
    site = Site(spec, bases)
    for addr in spec.addresses:
        srv = await asyncio.start_server(lambda r, w: _handle(site, r, w), addr, 0, backlog=1024,
                                         limit=1 << 16)
        servers.append(srv)
        bases.append(f"http://{addr}:{srv.sockets[0].getsockname()[1]}")
    ready(bases)
    await asyncio.gather(*(s.serve_forever() for s in servers))


class SiteProcess:
    """The site served by ``common.py serve`` in a child process."""

    def __init__(self, spec: SiteSpec) -> None:
        self.spec = spec
        self.proc = subprocess.Popen([PYTHON, __file__, "serve", "--spec", json.dumps(asdict(spec))],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line.startswith("READY "):
            self.proc.kill()
            sys.exit(f"benchmark: the loopback site did not start ({line.strip() or 'no output'})")
        self.bases: list[str] = json.loads(line[6:])

    def feed_url(self, i: int) -> str:
        return f"{self.bases[self.spec.host_of(i)]}/feeds/{i}.xml"

    def page_url(self, feed: int, k: int) -> str:
        return f"{self.bases[self.spec.host_of(feed)]}/a/{feed}/{k}.html"

    def _get(self, path: str) -> object:
        with urllib.request.urlopen(self.bases[0] + path, timeout=30) as r:  # noqa: S310 - loopback
            return json.loads(r.read())

    def stats(self) -> dict[str, int]:
        return dict(self._get("/_stats"))  # type: ignore[arg-type]

    def reset(self) -> None:
        self._get("/_reset")

    def bump(self, feeds: int) -> list[int]:
        return list(self._get(f"/_bump?feeds={feeds}"))  # type: ignore[arg-type]

    def cpu_s(self) -> float:
        return proc_cpu_s(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def __enter__(self) -> "SiteProcess":
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def loopback_addresses(n: int) -> list[str]:
    """``n`` loopback addresses: 127.0.0.1 alone, or 127.0.0.2 ... 127.0.0.(n+1)."""
    if n <= 1:
        return ["127.0.0.1"]
    if n > 250:
        sys.exit("benchmark: at most 250 loopback addresses (127.0.0.2-127.0.0.251)")
    return [f"127.0.0.{i}" for i in range(2, n + 2)]


# --- Prefect server ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrefectServer:
    """``prefect server start`` on 127.0.0.1 with a throw-away PREFECT_HOME."""

    def __init__(self, timeout_s: float = 180.0) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="newsmon-bench-prefect-"))
        self.port = free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        env = clean_env()
        env.update(PREFECT_HOME=str(self.home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
                   PREFECT_SERVER_UI_ENABLED="false", PREFECT_API_URL="")
        env.pop("PREFECT_API_URL")
        self.log = open(self.home / "server.log", "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(Path(PYTHON).parent / "prefect"), "server", "start", "--host", "127.0.0.1",
             "--port", str(self.port), "--no-ui"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"benchmark: prefect server exited ({self.proc.returncode}); see {self.home}/server.log")
            try:
                with urllib.request.urlopen(self.api_url + "/health", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        sys.exit(f"benchmark: prefect server not healthy after {timeout_s:.0f} s")

    def env(self) -> dict[str, str]:
        """Environment for a client process that should use this server."""
        env = clean_env()
        env.update(PREFECT_API_URL=self.api_url, PREFECT_HOME=str(self.home / "client"),
                   PREFECT_SERVER_ANALYTICS_ENABLED="false")
        return env

    def cpu_s(self) -> float:
        return sum(proc_cpu_s(p) for p in [self.proc.pid, *descendants(self.proc.pid)])

    def _post(self, path: str, body: dict) -> object:
        req = urllib.request.Request(self.api_url + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310 - loopback
            return json.loads(r.read())

    def last_flow_run(self) -> dict:
        """State, duration (end - start, s) and task-run count of the newest flow run."""
        runs = self._post("/flow_runs/filter", {"sort": "EXPECTED_START_TIME_DESC", "limit": 1})
        if not runs:
            return {}
        run = runs[0]  # type: ignore[index]
        tasks = self._post("/task_runs/count", {"flow_runs": {"id": {"any_": [run["id"]]}}})
        from datetime import datetime
        start, end = run.get("start_time"), run.get("end_time")
        dur = ((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
               if start and end else float("nan"))
        return {"state": run.get("state_type"), "run_s": dur, "task_runs": tasks}

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()
        shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self) -> "PrefectServer":
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def clean_env() -> dict[str, str]:
    """This environment without proxies (loopback traffic must never go through one)."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["NO_PROXY"] = "127.0.0.0/8,localhost"
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


# --- measuring a process tree --------------------------------------------------------------

_CLK = os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid: int) -> float:
    """utime + stime of a live process (not its children), in seconds; 0 if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rfind(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / _CLK


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*/children") if Path(f"/proc/{p}").exists() else []:
            with contextlib.suppress(OSError):
                kids = [int(x) for x in task.read_text().split()]
                out += kids
                todo += kids
    return out


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


@dataclass
class RunStats:
    wall_s: float
    cpu_s: float            # user + system of the process and its (reaped) children
    cpu_main_s: float       # ... of the command's own process (last sample before it exited)
    cpu_children_s: float   # ... of its child processes (extraction workers), last samples
    rss_main_mb: float      # peak RSS (VmHWM) of the command's own process
    rss_workers_mb: float   # largest peak RSS of one child process (extraction workers)
    rss_tree_mb: float      # peak of the summed RSS of the whole process tree (sampled)
    children: int           # child processes seen
    returncode: int
    stdout: str
    stderr: str

    def summary(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k not in ("stdout", "stderr")}


def run_measured(cmd: list[str], env: dict[str, str], *, interval_s: float = 0.05,
                 cwd: Path | None = None) -> RunStats:
    """Run ``cmd``; sample the RSS of its process tree every ``interval_s`` until it exits."""
    out_f = tempfile.TemporaryFile()
    err_f = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=out_f, stderr=err_f, cwd=cwd)
    hwm: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tree_peak = 0
    done = threading.Event()
    result: list = []

    def reap() -> None:
        result.append(os.wait4(proc.pid, 0))
        done.set()

    threading.Thread(target=reap, daemon=True).start()
    try:
        while not done.wait(interval_s):
            pids = [proc.pid, *descendants(proc.pid)]
            total = 0
            for p in pids:
                total += _status_kb(p, "VmRSS:")
                hwm[p] = max(hwm.get(p, 0), _status_kb(p, "VmHWM:"))
                cpu[p] = max(cpu.get(p, 0.0), proc_cpu_s(p))
            tree_peak = max(tree_peak, total)
    except BaseException:  # interrupted: take the measured command (and its workers) down too
        for p in [proc.pid, *descendants(proc.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, signal.SIGKILL)
        raise
    wall = time.perf_counter() - t0
    _, status, ru = result[0]
    proc.returncode = os.waitstatus_to_exitcode(status)
    out_f.seek(0)
    err_f.seek(0)
    main_kb = max(hwm.get(proc.pid, 0), ru.ru_maxrss if not hwm.get(proc.pid) else 0)
    kids = [v for p, v in hwm.items() if p != proc.pid]
    return RunStats(wall_s=wall, cpu_s=ru.ru_utime + ru.ru_stime, cpu_main_s=cpu.get(proc.pid, 0.0),
                    cpu_children_s=sum(v for p, v in cpu.items() if p != proc.pid),
                    rss_main_mb=main_kb / 1024,
                    rss_workers_mb=max(kids, default=0) / 1024, rss_tree_mb=tree_peak / 1024,
                    children=len(kids), returncode=proc.returncode,
                    stdout=out_f.read().decode("utf-8", "replace"),
                    stderr=err_f.read().decode("utf-8", "replace"))


def summary_line(stdout: str) -> dict:
    """The ``{"event": "summary"}`` line printed by ``newsmon run``."""
    for line in reversed(stdout.splitlines()):
        with contextlib.suppress(ValueError):
            obj = json.loads(line)
            if isinstance(obj, dict) and obj.get("event") == "summary":
                return obj
    return {}


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


# --- config and databases ------------------------------------------------------------------

def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def write_config(path: Path, *, db_url: str, feeds: list[tuple[str, str]], allow: list[str],
                 poll: dict | None = None, fetch: dict | None = None) -> Path:
    """A newsmon TOML config for the benchmark site (watchlist: the repo's default)."""
    lines = ["[database]", f"url = {_toml_str(db_url)}", "", "[watchlist]",
             f"path = {_toml_str(str(REPO / 'watchlists' / 'default.toml'))}", "", "[fetch]",
             f"allow_networks = [{', '.join(map(_toml_str, allow))}]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in (fetch or {}).items()]
    lines += ["", "[poll]"] + [f"{k} = {json.dumps(v)}" for k, v in (poll or {}).items()]
    for name, url in feeds:
        lines += ["", "[[feeds]]", f"name = {_toml_str(name)}", f"url = {_toml_str(url)}"]
    path.write_text("\n".join(lines) + "\n")
    return path


@contextlib.contextmanager
def fresh_database(kind: str, workdir: Path) -> Iterator[str]:
    """A URL of an empty database: ``sqlite`` (a file in ``workdir``) or ``postgresql``
    (a new schema in the test database, dropped on exit)."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'newsmon.db'}"
        return
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    u = make_url(PG_ADMIN_URL)
    conninfo = (f"host={u.host or '127.0.0.1'} port={u.port or 5432} user={u.username or 'postgres'} "
                f"dbname={u.database or 'postgres'} connect_timeout=5")
    schema = "newsmon_bench_" + secrets.token_hex(6)
    try:
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    except psycopg.Error as e:
        sys.exit(f"benchmark: PostgreSQL at {u.render_as_string(hide_password=True)} not usable: "
                 f"{' '.join(str(e).split())}")
    try:
        yield u.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute("SET lock_timeout = '10s'")
            admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def storage_figures(db_url: str) -> dict:
    """Bytes per article: the kept page (compressed) and the whole database on disk."""
    sys.path.insert(0, str(REPO))
    from sqlalchemy import text

    from models.store import Store

    store = Store(db_url)
    try:
        fig = store.bytes_per_article()
        n = fig["articles"] or 1
        with store.engine.connect() as conn:
            if store.dialect == "postgresql":
                total = conn.execute(text(
                    "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                    "JOIN pg_namespace s ON s.oid = c.relnamespace "
                    "WHERE s.nspname = current_schema() AND c.relkind = 'r'")).scalar() or 0
            else:
                total = 0
        if store.dialect == "sqlite":
            # Fold the WAL into the main file first (outside SQLAlchemy's transaction).
            import sqlite3
            path = store.engine.url.database or ""
            with contextlib.closing(sqlite3.connect(path)) as raw:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            total = Path(path).stat().st_size
        fig["db_bytes"] = int(total)
        fig["db_bytes_per_article"] = int(total) / n
        return fig
    finally:
        store.close()


# --- entry point: serve a site by hand ------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", help="serve a benchmark site until interrupted")
    s.add_argument("--spec", default="{}", help="SiteSpec as JSON, e.g. '{\"feeds\": 40}'")
    args = p.parse_args(argv)
    spec = SiteSpec(**json.loads(args.spec))

    def ready(bases: list[str]) -> None:
        sys.stdout.write("READY " + json.dumps(bases) + "\n")
        sys.stdout.flush()

    with contextlib.suppress(KeyboardInterrupt):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        asyncio.run(serve(spec, ready))
    return 0


if __name__ == "__main__":
    sys.exit(main())
