"""``flows.cycle.GroupCommit`` (the cycle's batched store writes) and ``merge_review``."""
from __future__ import annotations

import asyncio
import threading
import time

import pytest

from flows.cycle import GroupCommit
from flows.runtime import merge_review


class Recorder:
    """A fake store write: records each transaction, can be slow and can refuse items."""

    def __init__(self, delay_s: float = 0.0, bad: set[int] | None = None) -> None:
        self.delay_s = delay_s
        self.bad = bad or set()
        self.batches: list[list[int]] = []
        self.lock = threading.Lock()

    def many(self, items: list[int]) -> list[int]:
        time.sleep(self.delay_s)
        if self.bad & set(items):
            raise ValueError(f"bad item in {items}")
        with self.lock:
            self.batches.append(list(items))
        return [i * 10 for i in items]

    def one(self, item: int) -> int:
        return self.many([item])[0]


async def test_concurrent_writes_share_transactions():
    r = Recorder(delay_s=0.02)
    gc = GroupCommit(r.many, r.one, max_batch=16)
    results = await asyncio.gather(*(gc.submit(i) for i in range(50)))
    assert results == [i * 10 for i in range(50)]
    assert sorted(i for b in r.batches for i in b) == list(range(50))
    # The first item goes alone; the rest queue behind it and go in batches of <= 16.
    assert len(r.batches) < 10 and max(map(len, r.batches)) <= 16 and gc.transactions == len(r.batches)


async def test_a_bad_item_fails_alone():
    r = Recorder(bad={7})
    gc = GroupCommit(r.many, r.one, max_batch=8)
    results = await asyncio.gather(*(gc.submit(i) for i in range(12)), return_exceptions=True)
    assert isinstance(results[7], ValueError)
    assert [x for i, x in enumerate(results) if i != 7] == [i * 10 for i in range(12) if i != 7]


async def test_sequential_use_and_cancellation_do_not_hang():
    r = Recorder(delay_s=0.05)
    gc = GroupCommit(r.many, r.one, max_batch=4)
    assert await gc.submit(1) == 10
    assert await gc.submit(2) == 20  # the writer task ended in between and starts again
    waiting = [asyncio.ensure_future(gc.submit(i)) for i in range(3, 9)]
    await asyncio.sleep(0.01)
    gc._task.cancel()  # the cycle is torn down while a batch is being written
    done = await asyncio.wait_for(asyncio.gather(*waiting, return_exceptions=True), timeout=5)
    assert all(isinstance(d, asyncio.CancelledError) for d in done)
    assert await gc.submit(9) == 90  # still usable afterwards


async def test_linger_gathers_items_that_arrive_one_at_a_time():
    """Items submitted a few milliseconds apart, each after the last write finished:
    without lingering each is a transaction of its own; with it they share one, and a
    full batch does not wait."""
    async def trickle(gc: GroupCommit, n: int) -> list[int]:
        async def one(i: int) -> int:
            await asyncio.sleep(0.005 * i)
            return await gc.submit(i)
        return list(await asyncio.gather(*(one(i) for i in range(n))))

    r = Recorder()
    assert await trickle(GroupCommit(r.many, r.one, max_batch=64), 8) == [i * 10 for i in range(8)]
    assert len(r.batches) == 8
    r = Recorder()
    gc = GroupCommit(r.many, r.one, max_batch=64, linger_s=0.2)
    assert await trickle(gc, 8) == [i * 10 for i in range(8)]
    assert r.batches == [list(range(8))] and gc.transactions == 1
    r = Recorder()
    gc = GroupCommit(r.many, r.one, max_batch=4, linger_s=30)
    started = time.monotonic()
    assert await asyncio.wait_for(asyncio.gather(*(gc.submit(i) for i in range(8))), 5) == [i * 10 for i in range(8)]
    assert r.batches == [[0, 1, 2, 3], [4, 5, 6, 7]] and time.monotonic() - started < 5


def test_merge_review_adds_counts_and_keeps_errors():
    merged = merge_review([{"clustered": 3, "joined_stories": 1},
                           {"clustered": 2, "joined_stories": 0, "alerts_sent": 1, "alert_errors": ["x"]},
                           {"clustered": 0, "alert_errors": ["y"], "review_error": "clustering: locked"}])
    assert merged == {"clustered": 5, "joined_stories": 1, "alerts_sent": 1, "alert_errors": ["x", "y"],
                      "review_error": "clustering: locked"}
    assert merge_review([]) == {}


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])
