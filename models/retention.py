"""``newsmon prune``: apply ``[retention]`` in short batches, then give the space back.

Steps, each reported as one JSON line (counts and bytes):

1. ``delete``: articles past ``articles_days`` (never flagged or reviewed) and, only when
   ``flagged_days`` is set, past that (every kind); tombstones keep their URLs known.
2. ``drop_raw``: the kept page of articles past ``raw_days``.
3. ``delete_log``: fetch outcomes and cycle rows past ``log_days``.
4. ``alert_claims``: claims of stories with no article left.
5. ``reclaim``: SQLite ``incremental_vacuum`` in steps and a WAL checkpoint;
   PostgreSQL ``VACUUM (ANALYZE)`` of the touched tables (``models.space``).

Every batch is its own transaction, sized to take about ``batch_target_s`` (at most
``batch_size`` rows; the size adapts to what the last batches cost), followed by a pause
of ``batch_pause_s``: SQLite's write lock is held for about 0.1 s at a time, so a poll
cycle running meanwhile waits about one batch to save (``longest_transaction_s`` in the
summary says how long the longest one took). A prune interrupted half-way leaves
a consistent database (each batch is complete or absent); the next one finishes it.

``--dry-run`` reads the same rules in single counting queries and writes nothing.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from newsmon.settings import RetentionSettings

from . import space
from .store import BatchTotals, Cutoffs, Store

log = logging.getLogger("newsmon.prune")

# Tables whose rows a prune deletes or rewrites (directly or by cascade): PostgreSQL VACUUMs these.
TOUCHED = {
    "delete": ["article", "article_url", "mention", "review_event", "cluster_signature", "cluster_band",
               "alert_sent", "article_tombstone"],
    "drop_raw": ["article"],
    "delete_log": ["fetch_outcome", "cycle"],
    "alert_claims": ["alert_sent"],
}


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat().replace("+00:00", "Z") if dt else None


@dataclass
class PruneReport:
    dry_run: bool
    started: datetime
    lines: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    longest_transaction_s: float = 0.0  # the longest batch (how long others waited at most)

    def step(self, action: str) -> dict[str, Any] | None:
        return next((ln for ln in self.lines if ln.get("action") == action), None)

    def summary(self) -> dict[str, Any]:
        d, r = self.step("delete") or {}, self.step("drop_raw") or {}
        rec = self.step("reclaim") or {}
        return {"event": "summary", "dry_run": self.dry_run, "articles_deleted": d.get("articles", 0),
                "pages_dropped": r.get("articles", 0), "bytes": d.get("bytes", 0) + r.get("bytes", 0),
                "database_bytes_before": rec.get("bytes_before"), "database_bytes_after": rec.get("bytes_after"),
                "seconds": round(self.seconds, 3), "longest_transaction_s": round(self.longest_transaction_s, 3)}

    def markdown(self) -> str:
        """The prune run as a markdown artifact."""
        title = "newsmon prune (dry run)" if self.dry_run else "newsmon prune"
        out = [f"# {title}", "", f"Started {_iso(self.started)}, {self.seconds:.1f} s.", "",
               "| step | what | count | bytes |", "|---|---|---|---|"]
        for ln in self.lines:
            a = ln["action"]
            if a == "delete":
                out.append(f"| delete | articles ({ln['flagged']} flagged or reviewed), {ln['tombstones']} URL "
                           f"tombstones | {ln['articles']} | {ln['bytes']} |")
            elif a == "drop_raw":
                out.append(f"| drop_raw | kept pages | {ln['articles']} | {ln['bytes']} |")
            elif a == "delete_log":
                out.append(f"| delete_log | fetch outcomes + cycles | {ln['fetch_outcomes'] + ln['cycles']} | |")
            elif a == "alert_claims":
                out.append(f"| alert_claims | claims of stories with no article left | {ln['deleted']} | |")
            elif a == "reclaim":
                out.append(f"| reclaim | {ln['method']}: {ln.get('note') or ''} | | "
                           f"{ln.get('bytes_before')} → {ln.get('bytes_after')} |")
        return "\n".join(out)


class _Batches:
    """Runs one step's batches, sized to ``batch_target_s`` each, with the pause (and an
    optional hook) between them; remembers the longest transaction."""

    def __init__(self, r: RetentionSettings, between: Callable[[str], None] | None, logger: Any) -> None:
        self.r, self.between, self.logger = r, between, logger
        self.longest_s = 0.0

    def sizer(self, max_size: int) -> space.BatchSizer:
        return space.BatchSizer(max_size, self.r.batch_target_s, start=min(50, max_size))

    def run(self, action: str, fn: Callable[..., BatchTotals | None], **kw: Any) -> BatchTotals:
        total = BatchTotals()
        after = 0
        sizer = self.sizer(self.r.batch_size)
        try:
            while True:
                t0 = time.monotonic()
                t = fn(after_id=after, limit=sizer.size, **kw)
                if t is None:
                    return total
                sizer.record(time.monotonic() - t0, t.articles)
                total.add(t)
                after = t.last_id
                if total.batches % 20 == 0:
                    self.logger.info("%s: %d articles so far (%d batches)", action, total.articles, total.batches)
                self.pause(action)
        finally:
            self.longest_s = max(self.longest_s, sizer.longest_s)

    def pause(self, action: str) -> None:
        if self.between is not None:
            self.between(action)
        if self.r.batch_pause_s:
            time.sleep(self.r.batch_pause_s)


def cutoffs(r: RetentionSettings, now: datetime) -> Cutoffs:
    return Cutoffs.from_days(now, raw_days=r.raw_days, articles_days=r.articles_days,
                             flagged_days=r.flagged_days, log_days=r.log_days)


def prune(store: Store, r: RetentionSettings, *, dry_run: bool = False, now: datetime | None = None,
          vacuum_full: bool = False, between_batches: Callable[[str], None] | None = None,
          logger: Any = log) -> PruneReport:
    """Apply the retention rules of ``r`` to ``store`` (see module docstring)."""
    store.check()
    now = now or datetime.now(timezone.utc)
    cut = cutoffs(r, now)
    rep = PruneReport(dry_run, now)
    t0 = time.monotonic()
    batches = _Batches(r, between_batches, logger)
    before = space.database_size(store.engine, store.url)
    if before["backend"] == "postgresql" and not dry_run:
        space.pg_analyze_if_never(store.engine, ["article", "mention", "review_event", "article_url"])
    touched: set[str] = set()
    base = {"event": "prune", "dry_run": dry_run}

    def step(action: str, count: Callable[[Cutoffs], BatchTotals],
             batch: Callable[..., BatchTotals | None]) -> BatchTotals:
        if dry_run:
            return count(cut)
        t = batches.run(action, batch, cut=cut, now=now)
        if t.articles:
            touched.update(TOUCHED[action])
        return t

    if cut.articles is not None:
        t = step("delete", store.count_deletable, store.delete_articles_batch)
        rep.lines.append({**base, "action": "delete", "older_than_days": r.articles_days,
                          "flagged_older_than_days": r.flagged_days, "cutoff": _iso(cut.articles),
                          "flagged_cutoff": _iso(cut.flagged), **t.as_dict(), "bytes": t.raw_bytes + t.text_bytes})
        logger.info("delete: %d articles (%d flagged or reviewed), %d bytes", t.articles, t.flagged,
                    t.raw_bytes + t.text_bytes)

    if cut.raw is not None:
        t = step("drop_raw", store.count_raw_droppable, store.drop_raw_batch)
        rep.lines.append({**base, "action": "drop_raw", "older_than_days": r.raw_days, "cutoff": _iso(cut.raw),
                          "articles": t.articles, "bytes": t.raw_bytes, "bytes_uncompressed": t.raw_size,
                          "batches": t.batches})
        logger.info("drop_raw: %d kept pages, %d bytes", t.articles, t.raw_bytes)

    if cut.log is not None:
        if dry_run:
            fo, cy = store.count_log(cut.log)
        else:
            fo = cy = 0
            while True:
                a, b = store.delete_log_batch(cut.log, limit=r.batch_size)
                fo, cy = fo + a, cy + b
                if a < r.batch_size and b < r.batch_size:
                    break
                batches.pause("delete_log")
            if fo or cy:
                touched.update(TOUCHED["delete_log"])
        rep.lines.append({**base, "action": "delete_log", "older_than_days": r.log_days, "cutoff": _iso(cut.log),
                          "fetch_outcomes": fo, "cycles": cy})

    if cut.articles is not None:
        n = store.count_orphan_claims(cut) if dry_run else store.delete_orphan_claims()
        if n and not dry_run:
            touched.update(TOUCHED["alert_claims"])
        rep.lines.append({**base, "action": "alert_claims", "deleted": n})

    rep.lines.append({**base, "action": "reclaim", **_reclaim(store, r, before, touched, dry_run=dry_run,
                                                             vacuum_full=vacuum_full, batches=batches)})
    rep.seconds = time.monotonic() - t0
    rep.longest_transaction_s = batches.longest_s
    return rep


def _reclaim(store: Store, r: RetentionSettings, before: dict[str, Any], touched: set[str], *, dry_run: bool,
             vacuum_full: bool, batches: _Batches) -> dict[str, Any]:
    t0 = time.monotonic()
    out: dict[str, Any] = {"backend": before["backend"], "bytes_before": before["bytes"]}
    if before["backend"] == "sqlite":
        out["auto_vacuum"] = before["auto_vacuum"]
        if dry_run:
            out.update(method="none", note="dry run: free pages now " + str(before["free_bytes"]) + " bytes")
        elif vacuum_full:
            done = space.switch_to_incremental(store.url, busy_timeout_s=store.sqlite_busy_timeout_s,
                                               force_vacuum=True)
            out.update(method="vacuum", auto_vacuum=done.get("auto_vacuum"), note="full VACUUM (file rewritten)")
        elif before["auto_vacuum"] == "incremental":
            def free() -> int:
                return store._read(lambda c: c.exec_driver_sql("PRAGMA freelist_count").scalar_one())

            sizer = batches.sizer(r.vacuum_pages)
            pages, steps = space.incremental_vacuum(store._write, free, sizer=sizer, pause_s=r.batch_pause_s,
                                                    between=lambda: batches.between and batches.between("reclaim"))
            batches.longest_s = max(batches.longest_s, sizer.longest_s)
            ck = space.checkpoint(store.engine, store.url)
            out.update(method="incremental_vacuum", pages=pages, transactions=steps, wal_bytes=ck["wal_bytes"],
                       note="WAL checkpoint busy (readers): finished by the next prune" if ck["busy"] else None)
        else:
            out.update(method="none", note=f"auto_vacuum is {before['auto_vacuum']}: freed pages are reused by new "
                                           "rows but the file does not shrink; run `newsmon prune --vacuum-full` "
                                           "once (rewrites the file, needs free disk space about its size)")
    else:
        if dry_run or not touched:
            out.update(method="none", note="dry run" if dry_run else "nothing deleted")
        elif r.pg_vacuum:
            space.pg_vacuum(store.engine, touched)
            out.update(method="vacuum_analyze", tables=sorted(touched),
                       note="space reusable by new rows (files keep their size; VACUUM FULL is not run)")
        else:
            out.update(method="autovacuum", note="[retention] pg_vacuum = false: left to autovacuum")
    after = space.database_size(store.engine, store.url)
    out.update(bytes_after=after["bytes"], free_bytes=after.get("free_bytes"), seconds=round(time.monotonic() - t0, 3))
    if after["backend"] == "sqlite":  # (PostgreSQL's files do not shrink: see the note)
        out["reclaimed_bytes"] = before["bytes"] - after["bytes"]
    return {k: v for k, v in out.items() if v is not None}
