"""Hostile payloads, generated (not stored): compression bombs and mislabelled binaries.

Bombs are built by streaming zeros through a compressor 1 MiB at a time, so building a
200 MB bomb never holds 200 MB. Results are cached for the test session.
"""
from __future__ import annotations

import functools
import struct
import zlib

import brotli
import zstandard

MiB = 1024 * 1024


@functools.lru_cache(maxsize=None)
def gzip_bomb(size: int = 200 * MiB) -> bytes:
    """gzip of ``size`` zero bytes (200 MB -> ~200 KB)."""
    c = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(MiB)
    parts = [c.compress(zeros) for _ in range(size // MiB)]
    parts.append(c.flush())
    return b"".join(parts)


@functools.lru_cache(maxsize=None)
def brotli_bomb(size: int = 200 * MiB) -> bytes:
    """brotli of ``size`` zero bytes (200 MB -> a few hundred bytes at quality 4)."""
    c = brotli.Compressor(quality=4)
    zeros = bytes(MiB)
    parts = [c.process(zeros) for _ in range(size // MiB)]
    parts.append(c.finish())
    return b"".join(parts)


@functools.lru_cache(maxsize=None)
def zstd_bomb(size: int = 200 * MiB) -> bytes:
    c = zstandard.ZstdCompressor(level=3)
    obj = c.compressobj(size=size)
    zeros = bytes(MiB)
    parts = [obj.compress(zeros) for _ in range(size // MiB)]
    parts.append(obj.flush())
    return b"".join(parts)


def gzip(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return c.compress(data) + c.flush()


def raw_deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


def png_1x1() -> bytes:
    """A valid 1x1 black PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


HTML = ("<!doctype html><html><head><meta charset='utf-8'><title>삼성전자 news</title></head>"
        "<body><p>Samsung Electronics and SK hynix report earnings.</p></body></html>").encode()
