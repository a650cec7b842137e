#!/usr/bin/env python3
"""Event overhead: what announcing 10,000 newly flagged stories to Prefect costs a cycle.

usage: .venv/bin/python benchmarks/events.py [--stories 10000] [--repeat 1] [--json]

A ``prefect server`` is started (temporary home, free port). A SQLite database is seeded
with N flagged stories (real matcher mentions, distinct bodies, clustered) - what a
backfill of N recent stories leaves for the next poll cycle to announce. Then, on a fresh
copy of that database each time:

1. **cycle, events off / on**: ``newsmon run --config ...`` (the ``poll-feeds`` flow, no
   feeds, so its review step is the whole work) with ``[events] enabled = false``, with
   events and ``max_flagged_per_pass`` = N (one burst), and with the default cap (the rest
   waits for later passes). Reported: wall time of the command (process exit included:
   Prefect drains its event queue before the process ends), of the flow run, of the
   announcing step, the events the server holds for the run and when it had them all.
2. **old stories**: the same N stories published 30 days ago (a backfill of old news):
   the cycle must emit no ``newsmon.story.flagged`` at all (the alerts' look-back rule).
3. **emitter under load** (in one flow run): N ``emit_event`` calls in a row, then the
   wait until Prefect's events worker has sent them: calls per second (the cycle's cost),
   largest queue length, delivery rate over the websocket, server CPU.

Figures only; nothing is asserted. Overhead per 1,000 flagged stories = (cycle wall with
events - without) / (N / 1,000).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, REPO, PrefectServer, loadavg, median, run_measured  # noqa: E402

NEWSMON = str(Path(PYTHON).parent / "newsmon")
WATCHLIST = REPO / "watchlists" / "default.toml"
WORDS = ("market shares investors quarter demand supply plant factory chips memory export government policy "
         "minister parliament court ruling merger deal profit loss revenue growth forecast analysts bank rate "
         "currency won dollar battery display phone network cloud server data centre union strike wage").split()
SUBJECTS = ["Samsung Electronics", "SK hynix", "LG Energy Solution", "Hyundai Motor", "Lee Jae-yong",
            "Korea Electric Power", "Meta", "Mark Zuckerberg", "Kakao", "Naver"]


# --- seeding --------------------------------------------------------------------------------

def seed(db_url: str, n: int, published: datetime) -> float:
    """N flagged stories with distinct bodies, stored and clustered; returns seconds spent."""
    from flows.cycle import mention_records
    from models.records import ArticleRecord
    from models.store import Store
    from newsmon.settings import ReviewSettings
    from review.clusters import cluster_pending
    from watch import Matcher, load_watchlist

    t0 = time.perf_counter()
    rnd = random.Random(7)
    matcher = Matcher(load_watchlist(WATCHLIST))
    store = Store(db_url)
    store.check()
    batch = []
    now = datetime.now(timezone.utc)
    for i in range(n):
        subj = rnd.sample(SUBJECTS, 2)
        title = f"{subj[0]} and {subj[1]}: story {i}"
        body = " ".join([f"{subj[0]} said on Friday that {subj[1]} would"] +
                        [rnd.choice(WORDS) for _ in range(160)]) + "."
        rec = ArticleRecord(url=f"https://bench.example/{i}", feed="Bench", title=title, text=body,
                            published=published, fetched_at=now, language="en")
        batch.append((rec, mention_records(matcher.match(title, body))))
        if len(batch) == 500:
            store.save_articles(batch)
            batch = []
    if batch:
        store.save_articles(batch)
    rs = ReviewSettings()
    while cluster_pending(store, rs).articles:
        pass
    store.close()
    return time.perf_counter() - t0


def write_config(path: Path, db: Path, *, events: bool, cap: int | None) -> Path:
    path.write_text("\n".join([
        "[database]", f'url = "sqlite:///{db}"',
        "[watchlist]", f'path = "{WATCHLIST}"',
        "[review]", "alert_lookback_hours = 24",
        "[events]", f"enabled = {'true' if events else 'false'}",
        *([f"max_flagged_per_pass = {cap}"] if cap else []),
    ]) + "\n")
    return path


# --- the server's view ------------------------------------------------------------------------

def post(server: PrefectServer, path: str, body: dict) -> dict:
    req = urllib.request.Request(server.api_url + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=60) as r:  # noqa: S310 - loopback
        return json.loads(r.read())


def events_of_run(server: PrefectServer, run_id: str, name: str) -> int:
    page = post(server, "/events/filter", {"filter": {"event": {"name": [name]},
                                                      "related": {"id": [f"prefect.flow-run.{run_id}"]}},
                                           "limit": 1})
    return int(page.get("total") or 0)


def wait_persisted(server: PrefectServer, run_id: str, name: str, expected: int, timeout_s: float = 600) -> float:
    """Seconds until the server holds ``expected`` events of the run (after the command ended)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout_s:
        if events_of_run(server, run_id, name) >= expected:
            return time.perf_counter() - t0
        time.sleep(0.25)
    return float("nan")


# --- 1, 2: the cycle --------------------------------------------------------------------------

def cycle(server: PrefectServer, template: Path, work: Path, *, events: bool, cap: int | None = None) -> dict:
    """One ``newsmon run`` on a fresh copy of ``template``; ``cap``: ``max_flagged_per_pass``
    (None: the default)."""
    db = work / "cycle.db"
    shutil.copy(template, db)
    cfg = write_config(work / "cycle.toml", db, events=events, cap=cap)
    cpu0 = server.cpu_s()
    st = run_measured([NEWSMON, "run", "--config", str(cfg)], server.env())
    if st.returncode != 0:
        sys.exit(f"benchmark: newsmon run failed ({st.returncode}):\n{st.stderr[-3000:]}")
    summary = json.loads(st.stdout.strip().splitlines()[-1])
    run = server.last_flow_run()
    runs = post(server, "/flow_runs/filter", {"sort": "EXPECTED_START_TIME_DESC", "limit": 1})
    run_id = runs[0]["id"]
    emitted = summary.get("review", {}).get("events_flagged", 0)
    lag = wait_persisted(server, run_id, "newsmon.story.flagged", emitted) if emitted else 0.0
    if events:
        wait_persisted(server, run_id, "newsmon.cycle.completed", 1)
    return {"events": events, "cap": cap, "wall_s": st.wall_s, "cpu_s": st.cpu_s, "run_s": run.get("run_s"),
            "events_s": summary.get("review", {}).get("events_s", 0.0), "events_flagged": emitted, "events_not_sent": summary.get("review", {}).get("events_not_sent", 0),
            "server_holds": events_of_run(server, run_id, "newsmon.story.flagged"),
            "cycle_completed": events_of_run(server, run_id, "newsmon.cycle.completed"),
            "persist_lag_s": lag, "server_cpu_s": server.cpu_s() - cpu0, "rss_tree_mb": st.rss_tree_mb}


# --- 3: the emitter under load (child process) -----------------------------------------------------

def emitter_child(n: int) -> None:
    """Runs in a child process with PREFECT_API_URL set: N events from one flow run."""
    from prefect import flow
    from prefect.events.worker import EventsWorker

    from models.records import MentionRecord
    from newsmon.events import RunSink, flagged_event

    class A:  # a stored article as the builder reads it
        def __init__(self, i: int) -> None:
            self.id, self.url, self.title, self.feed = i, f"https://bench.example/{i}", f"Story {i}", "Bench"
            self.published = self.fetched_at = datetime.now(timezone.utc)
            self.language, self.cluster_id = "en", i
            self.mentions = [MentionRecord("samsung", 3, True, "Samsung said on Friday " * 8, "alias ×3"),
                             MentionRecord("sk_hynix", 1, False, "SK hynix", "alias ×1")]

    @flow(name="events-emitter-benchmark")
    def run() -> dict:
        sink = RunSink()
        evs = [flagged_event(A(i)) for i in range(n)]
        t0 = time.perf_counter()
        longest = 0
        for k, ev in enumerate(evs):
            sink.emit(ev)
            if k % 500 == 0:
                longest = max(longest, EventsWorker.instance()._queue.qsize())
        emit_s = time.perf_counter() - t0
        longest = max(longest, EventsWorker.instance()._queue.qsize())
        sink.flush(900)
        drain_s = time.perf_counter() - t0
        size = sum(len(json.dumps(e.payload)) for e in evs[:100]) / 100
        return {"n": n, "emit_s": emit_s, "emit_per_s": n / emit_s, "longest_queue": longest,
                "sent_after_s": drain_s, "delivery_per_s": n / drain_s, "payload_bytes": size,
                "emitted": sink.emitted, "failed": sink.failed}

    print(json.dumps(run()))


def emitter(server: PrefectServer, n: int) -> dict:
    cpu0 = server.cpu_s()
    t0 = time.perf_counter()
    proc = subprocess.run([PYTHON, __file__, "--emitter-child", str(n)], env=server.env(), capture_output=True,
                          text=True, timeout=1800)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"benchmark: emitter child failed:\n{proc.stderr[-3000:]}")
    fig = json.loads(proc.stdout.strip().splitlines()[-1])
    runs = post(server, "/flow_runs/filter", {"sort": "EXPECTED_START_TIME_DESC", "limit": 1})
    fig["persist_lag_s"] = wait_persisted(server, runs[0]["id"], "newsmon.story.flagged", n)
    fig["process_wall_s"] = wall
    fig["server_cpu_s"] = server.cpu_s() - cpu0
    return fig


# --- main -------------------------------------------------------------------------------------------

def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--stories", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--json", action="store_true")
    p.add_argument("--emitter-child", type=int, default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.emitter_child is not None:
        emitter_child(args.emitter_child)
        return 0
    n = args.stories
    work = Path(tempfile.mkdtemp(prefix="newsmon-bench-events-"))
    out: dict = {"stories": n, "load_before": loadavg()}
    try:
        recent, old = work / "recent.db", work / "old.db"
        now = datetime.now(timezone.utc)
        out["seed_s"] = seed(f"sqlite:///{recent}", n, now - timedelta(hours=1))
        seed(f"sqlite:///{old}", n, now - timedelta(days=30))
        with PrefectServer() as server:
            # Warm up Prefect's own first-run costs (flow registration, client import caches).
            cycle(server, old, work, events=False)
            rounds = []
            for _ in range(args.repeat):
                off = cycle(server, recent, work, events=False)
                on = cycle(server, recent, work, events=True, cap=n)  # all at once
                capped = cycle(server, recent, work, events=True)  # the default max_flagged_per_pass
                backfill = cycle(server, old, work, events=True)
                rounds.append({"off": off, "on": on, "default_cap": capped, "old_stories": backfill})
                print(json.dumps(rounds[-1]), file=sys.stderr)
            out["rounds"] = rounds
            out["emitter"] = emitter(server, n)
        out["load_after"] = loadavg()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    on_w = median([r["on"]["wall_s"] for r in out["rounds"]])
    off_w = median([r["off"]["wall_s"] for r in out["rounds"]])
    on_r = median([r["on"]["run_s"] for r in out["rounds"]])
    off_r = median([r["off"]["run_s"] for r in out["rounds"]])
    k = median([r["on"]["events_flagged"] for r in out["rounds"]]) / 1000 or 1
    out["overhead_per_1000_s"] = (on_w - off_w) / k
    out["flow_run_overhead_per_1000_s"] = (on_r - off_r) / k
    out["announcing_per_1000_s"] = median([r["on"]["events_s"] for r in out["rounds"]]) / k
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    e = out["emitter"]
    print(f"events benchmark: {n:,} newly flagged stories waiting for a poll cycle (SQLite), load {out['load_before']}")
    print(f"  seeding (store + cluster): {out['seed_s']:.1f} s")
    for i, r in enumerate(out["rounds"], 1):
        for key, label in (("off", "events off"), ("on", "events on, all at once"),
                           ("default_cap", "events on, default cap"), ("old_stories", "old stories, events on")):
            c = r[key]
            print(f"  round {i} {label:28s} command {c['wall_s']:6.2f} s  flow run {c['run_s']:6.2f} s  "
                  f"announcing {c['events_s']:6.2f} s  story.flagged {c['events_flagged']:>6} (server holds "
                  f"{c['server_holds']:>6}, all {c['persist_lag_s']:.1f} s after exit)  server CPU "
                  f"{c['server_cpu_s']:.1f} s")
    print(f"  overhead per 1,000 flagged stories: {out['overhead_per_1000_s'] * 1000:.0f} ms of command wall time, "
          f"{out['flow_run_overhead_per_1000_s'] * 1000:.0f} ms of flow run, of which announcing (claim, read, "
          f"build, queue) {out['announcing_per_1000_s'] * 1000:.0f} ms")
    print(f"  emitter: {e['n']:,} emit_event calls in {e['emit_s']:.2f} s = {e['emit_per_s']:,.0f}/s, longest queue "
          f"{e['longest_queue']:,}; all sent after {e['sent_after_s']:.1f} s = {e['delivery_per_s']:,.0f}/s; "
          f"persisted {e['persist_lag_s']:.1f} s later; process {e['process_wall_s']:.1f} s; server CPU "
          f"{e['server_cpu_s']:.1f} s; payload {e['payload_bytes']:.0f} B; failed {e['failed']}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    sys.exit(main())
