"""``models.compress``: the kept-page codec."""
from __future__ import annotations

import threading

import zstandard

from models.compress import ZSTD_LEVEL, Compressed, compress, decompress


def _pages() -> list[bytes]:
    return [(f"<html><p>page {i} " + "news text " * (50 * i + 1) + "</p></html>").encode() for i in range(20)]


def test_kept_compressor_writes_the_frames_a_fresh_one_writes():
    """One compressor per thread is reused: each call is still a whole frame, byte for
    byte what a new compressor gives, in any order and from any thread."""
    pages = _pages()
    fresh = [zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(p) for p in pages]
    assert [compress(p) for p in pages] == fresh
    assert [compress(p) for p in reversed(pages)] == fresh[::-1]
    out: dict[int, list[bytes]] = {}

    def work(k: int) -> None:
        out[k] = [compress(p) for p in pages]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(v == fresh for v in out.values())
    assert [decompress(b) for b in fresh] == pages
    blob = Compressed.of(pages[3])
    assert bytes(blob) == fresh[3] and blob.raw_size == len(pages[3])
