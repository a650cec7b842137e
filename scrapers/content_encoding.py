"""Bounded, streaming decoders for HTTP Content-Encoding (gzip, deflate, br, zstd).

Why not ``httpx.Response.aiter_bytes()``: its decoders call ``zlib``/``brotli`` without an
output limit, so one 64 KiB network read of a gzip bomb becomes ~64 MB in a single bytes
object (brotli: far more) before any cap can look at it. Here every decoder hands its
output to the next stage in pieces of at most ``CHUNK`` bytes, so the size cap (raised by
the final sink) stops a bomb after at most one chunk past the cap, and memory stays flat.

Decoders are push-based and chain for stacked encodings ("gzip, br"): raw bytes go into
the decoder of the *last* listed coding, whose output feeds the one before, and so on,
down to the sink.
"""
from __future__ import annotations

import zlib
from collections.abc import Callable

import brotli
import zstandard

CHUNK = 64 * 1024
# More stacked codings than this is abuse, not compression.
MAX_STACKED = 4
ZSTD_MAX_WINDOW = 8 * 1024 * 1024

Sink = Callable[[bytes], None]


class ContentDecodingError(ValueError):
    """The body is not valid for its Content-Encoding, or the coding is unsupported."""


class _Decoder:
    def __init__(self, sink: Sink) -> None:
        self._sink = sink

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """End of input: flush what is left."""


class _ZlibDecoder(_Decoder):
    """gzip (possibly several members) or deflate (zlib-wrapped or, wrongly, raw)."""

    def __init__(self, sink: Sink, coding: str) -> None:
        super().__init__(sink)
        self._coding = coding
        self._gzip = coding == "gzip"
        self._d: "zlib._Decompress | None" = self._new() if self._gzip else None
        self._head = b""  # deflate: first bytes, until the header tells zlib from raw
        self._ended = False  # stream complete; what follows is ignored, not buffered

    def _new(self) -> "zlib._Decompress":
        return zlib.decompressobj(zlib.MAX_WBITS | 16)

    def write(self, data: bytes) -> None:
        if self._ended:
            return
        if self._d is None:
            # "deflate" should be zlib-wrapped (RFC 9110) but some servers send raw deflate
            # (httpx and browsers accept both). A zlib header is 2 bytes: CM=8, checksum % 31.
            self._head += data
            if len(self._head) < 2:
                return
            cmf, flg = self._head[0], self._head[1]
            wrapped = cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0
            self._d = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
            data, self._head = self._head, b""
        try:
            self._feed(data)
        except zlib.error as e:
            raise ContentDecodingError(f"invalid {self._coding} body ({e})") from None

    def _feed(self, data: bytes) -> None:
        buf = data
        while True:
            out = self._d.decompress(buf, CHUNK)
            if out:
                self._sink(out)
            buf = self._d.unconsumed_tail
            if self._d.eof:
                rest = self._d.unused_data
                # A new gzip member may follow (concatenated gzip files are valid gzip).
                if self._gzip and rest[:2] == b"\x1f\x8b":
                    self._d = self._new()
                    buf = rest
                    continue
                if len(rest) >= 2 or not self._gzip:
                    # Trailing garbage after the stream is ignored, like browsers do; stop
                    # feeding zlib, which would keep it all in unused_data.
                    self._ended = True
                return
            if not buf and not out:
                return

    def finish(self) -> None:
        if self._d is None:
            if self._head:
                raise ContentDecodingError(f"invalid {self._coding} body (truncated)")
            return
        try:
            out = self._d.flush()
        except zlib.error as e:  # pragma: no cover - flush after decompress rarely fails
            raise ContentDecodingError(f"invalid {self._coding} body ({e})") from None
        if out:
            # flush has no unconsumed input left, so its output is bounded by the window.
            self._sink(out)


class _BrotliDecoder(_Decoder):
    def __init__(self, sink: Sink) -> None:
        super().__init__(sink)
        self._d = brotli.Decompressor()

    def write(self, data: bytes) -> None:
        try:
            out = self._d.process(data, output_buffer_limit=CHUNK)
            if out:
                self._sink(out)
            # While output is pending, brotli must be called with empty input.
            while not self._d.can_accept_more_data():
                out = self._d.process(b"", output_buffer_limit=CHUNK)
                if not out:
                    break
                self._sink(out)
        except brotli.error as e:
            raise ContentDecodingError(f"invalid br body ({e})") from None


class _ZstdDecoder(_Decoder):
    """zstd through a stream writer: zstandard emits ``CHUNK``-sized writes to the sink."""

    class _Writer:
        def __init__(self, sink: Sink) -> None:
            self._sink = sink

        def write(self, data: bytes) -> int:
            self._sink(bytes(data))
            return len(data)

    def __init__(self, sink: Sink) -> None:
        super().__init__(sink)
        # RFC 9659: HTTP zstd uses windows of at most 8 MB; the library default would let
        # a frame header make us allocate 128 MB.
        dctx = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
        self._w = dctx.stream_writer(
            self._Writer(sink), write_size=CHUNK, closefd=False)

    def write(self, data: bytes) -> None:
        try:
            self._w.write(data)
        except zstandard.ZstdError as e:
            raise ContentDecodingError(f"invalid zstd body ({e})") from None


_ALIASES = {"x-gzip": "gzip"}


def parse_codings(header: str | None) -> list[str]:
    """The codings of a Content-Encoding header in the order they were applied."""
    if not header:
        return []
    codings = [_ALIASES.get(c, c) for c in (p.strip().lower() for p in header.split(",")) if c]
    return [c for c in codings if c != "identity"]


def build_decoder(content_encoding: str | None, sink: Sink) -> tuple[Sink, Callable[[], None]]:
    """Return ``(write, finish)`` that decode ``content_encoding`` into ``sink``.

    Raises ContentDecodingError for an unsupported coding or too many stacked codings.
    """
    codings = parse_codings(content_encoding)
    if len(codings) > MAX_STACKED:
        raise ContentDecodingError(
            f"{len(codings)} stacked Content-Encodings ({content_encoding}); at most {MAX_STACKED}")
    decoders: list[_Decoder] = []
    target = sink
    for coding in codings:  # first applied = decoded last = closest to the sink
        if coding in ("gzip", "deflate"):
            d: _Decoder = _ZlibDecoder(target, coding)
        elif coding == "br":
            d = _BrotliDecoder(target)
        elif coding == "zstd":
            d = _ZstdDecoder(target)
        else:
            raise ContentDecodingError(f"unsupported Content-Encoding {coding!r}")
        decoders.append(d)
        target = d.write

    def finish() -> None:
        for d in reversed(decoders):  # outermost first: its tail feeds the inner ones
            d.finish()

    return target, finish


# Codings we can decode with bounded output: what we advertise in Accept-Encoding.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"
