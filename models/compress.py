"""Compression of kept raw HTML.

Pages are kept so that a later extractor or watchlist can re-run without refetching.
Measured on the 120 pages of the shared extraction benchmark (136.6 KiB average):
zstd level 3 gives 29.2 KiB in 1.0 ms/page, level 9 26.7 KiB in 3.9 ms, level 12 26.5 KiB
in 17 ms, zlib level 6 28.8 KiB. Level 3 wins: 9% more bytes than level 9 for a quarter of
the CPU on a machine where extraction already competes for cores. The frame magic lets ``decompress`` also read zlib blobs (and uncompressed bytes), so the
codec can change later without a migration.
"""
from __future__ import annotations

import threading
import zlib

import zstandard

ZSTD_LEVEL = 3
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# Refuse to inflate a stored blob beyond this (a corrupt or hostile frame must not eat memory).
MAX_DECOMPRESSED = 256 * 1024 * 1024


_local = threading.local()


def compress(data: bytes) -> bytes:
    # A compressor object is not thread-safe: one per thread, kept. Making one per call
    # (its context allocated and initialised each time) cost ~0.1-0.2 ms of the ~0.3 ms
    # a 128 KiB page takes; each compress() call still writes a complete, independent frame.
    c = getattr(_local, "zstd", None)
    if c is None:
        c = _local.zstd = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
    return c.compress(data)


class Compressed(bytes):
    """Page bytes already passed through ``compress``, with the size they had before.

    The poll cycle compresses a page in the extraction worker process (in parallel, where
    the page already is) and hands this to the store, which keeps it as is instead of
    compressing it again on the writing thread. It pickles with its ``raw_size``.
    """

    raw_size: int

    @classmethod
    def of(cls, data: bytes) -> Compressed:
        blob = cls(compress(data))
        blob.raw_size = len(data)
        return blob


def decompress(blob: bytes) -> bytes:
    """Inverse of ``compress``; also accepts zlib streams and plain bytes."""
    if blob.startswith(_ZSTD_MAGIC):
        # compress() writes the content size into the frame, so this is one allocation.
        return zstandard.ZstdDecompressor().decompress(blob, max_output_size=MAX_DECOMPRESSED)
    if blob[:1] == b"\x78":  # zlib header (CMF byte for deflate, 32K window)
        try:
            d = zlib.decompressobj()
            out = d.decompress(blob, MAX_DECOMPRESSED)
            if d.eof:
                return out
        except zlib.error:
            pass
    return blob
