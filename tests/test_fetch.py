"""Fetcher units without a network: request headers, results, decoders, sniffing, Retry-After."""
from __future__ import annotations

import json
import zlib
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import brotli
import httpx
import pytest
import zstandard

from newsmon.errors import BlockedError, FetchError, PermanentFetchError, TooLargeError
from scrapers.content_encoding import CHUNK, ContentDecodingError, build_decoder, parse_codings
from scrapers.fetch import Fetcher, FetchResult, parse_retry_after
from scrapers.sniff import binary_reason
from tests.hostile.fixtures import fast_settings
from tests.hostile.payloads import HTML, gzip, gzip_bomb, png_1x1, raw_deflate


def mock(handler):
    """A MockTransport answering robots.txt with 404 and everything else with ``handler``."""
    seen: list[httpx.Request] = []

    def route(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return handler(request)
    return httpx.MockTransport(route), seen


# -- FetchResult ------------------------------------------------------------------------------

def test_fetch_result_properties():
    r = FetchResult(url="http://a/", final_url="http://a/x", status=200,
                    headers=httpx.Headers({"Content-Type": 'Text/HTML; Charset="EUC-KR"',
                                           "ETag": '"v1"', "Last-Modified": "Tue, 01 Jul 2025 00:00:00 GMT"}),
                    content=b"x", redirects=("http://a/",), elapsed=0.1)
    assert r.content_type == "text/html" and r.charset == "euc-kr"
    assert r.etag == '"v1"' and r.last_modified.startswith("Tue")
    assert not r.not_modified
    bare = FetchResult("u", "u", 304, httpx.Headers(), b"", (), 0.0)
    assert bare.not_modified and bare.content_type is None and bare.charset is None and bare.etag is None


# -- request headers --------------------------------------------------------------------------

@pytest.mark.parametrize("kind, accept_part", [
    ("page", "text/html"), ("feed", "application/rss+xml"), ("sitemap", "application/xml"),
    ("webhook", "application/json"), ("robots", "text/plain"),
])
async def test_headers_per_kind(kind, accept_part):
    transport, seen = mock(lambda req: httpx.Response(200, text="<html>ok</html>",
                                                      headers={"Content-Type": "text/html"}))
    settings = fast_settings(user_agent="newsmon-test/1.0 (+http://example.invalid/bot)")
    async with Fetcher(settings, transport=transport) as f:
        await f.fetch("http://news.example/a", kind=kind, etag='"abc"',
                      last_modified="Wed, 02 Jul 2025 10:00:00 GMT")
    req = seen[-1]
    assert req.headers["user-agent"] == "newsmon-test/1.0 (+http://example.invalid/bot)"
    assert accept_part in req.headers["accept"]
    assert req.headers["accept-encoding"] == "gzip, deflate, br, zstd"
    assert req.headers["if-none-match"] == '"abc"'
    assert req.headers["if-modified-since"] == "Wed, 02 Jul 2025 10:00:00 GMT"


async def test_no_conditional_headers_without_validators():
    transport, seen = mock(lambda req: httpx.Response(200, text="<p>x</p>"))
    async with Fetcher(fast_settings(), transport=transport) as f:
        await f.fetch("http://news.example/a")
    assert "if-none-match" not in seen[-1].headers and "if-modified-since" not in seen[-1].headers


async def test_webhook_posts_json_and_skips_robots():
    transport, seen = mock(lambda req: httpx.Response(204))
    async with Fetcher(fast_settings(), transport=transport) as f:
        r = await f.fetch("http://hooks.example/x", kind="webhook", method="POST",
                          json={"title": "삼성전자", "mentions": 2})
    assert r.status == 204 and r.content == b""
    assert [q.url.path for q in seen] == ["/x"]  # no robots.txt request
    assert seen[0].method == "POST" and json.loads(seen[0].content) == {"title": "삼성전자", "mentions": 2}


async def test_robots_consulted_for_pages_only_once_per_origin():
    transport, seen = mock(lambda req: httpx.Response(200, text="<p>x</p>"))
    async with Fetcher(fast_settings(), transport=transport) as f:
        for path in ("/a", "/b", "/c"):
            await f.fetch("http://news.example" + path)
        assert "http://news.example/" in f.robots_notes
    assert [q.url.path for q in seen] == ["/robots.txt", "/a", "/b", "/c"]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://news.example/x", "data:text/html,hi",
                                 "gopher://news.example/", "javascript:alert(1)"])
async def test_other_schemes_blocked_before_any_request(url):
    transport, seen = mock(lambda req: httpx.Response(200))
    async with Fetcher(fast_settings(), transport=transport) as f:
        with pytest.raises(BlockedError, match="scheme"):
            await f.fetch(url)
    assert seen == []


async def test_literal_private_ip_refused_even_with_custom_transport():
    transport, seen = mock(lambda req: httpx.Response(200))
    async with Fetcher(fast_settings(allow_networks=()), transport=transport) as f:
        with pytest.raises(BlockedError, match="link-local"):
            await f.fetch("http://169.254.169.254/latest/meta-data/")
    assert seen == []


async def test_invalid_url_is_a_fetch_error():
    transport, _ = mock(lambda req: httpx.Response(200))
    async with Fetcher(fast_settings(), transport=transport) as f:
        with pytest.raises(PermanentFetchError, match="invalid URL"):
            await f.fetch("http://[::1/")
        with pytest.raises(FetchError):
            await f.fetch("http://0177.0.0.1/")  # httpx rejects it: still only a FetchError


async def test_unknown_kind_is_a_programming_error():
    transport, _ = mock(lambda req: httpx.Response(200))
    async with Fetcher(fast_settings(), transport=transport) as f:
        with pytest.raises(ValueError, match="kind"):
            await f.fetch("http://news.example/", kind="article")


async def test_permanent_4xx_carries_status():
    transport, _ = mock(lambda req: httpx.Response(410))
    async with Fetcher(fast_settings(), transport=transport) as f:
        with pytest.raises(PermanentFetchError) as ei:
            await f.fetch("http://news.example/gone")
    assert ei.value.status == 410 and "HTTP 410" in str(ei.value)
    assert ei.value.url == "http://news.example/gone"


async def test_303_after_post_becomes_get():
    def handler(req):
        if req.url.path == "/hook":
            return httpx.Response(303, headers={"Location": "/done"})
        return httpx.Response(200, text="ok", headers={"Content-Type": "text/plain"})
    transport, seen = mock(handler)
    async with Fetcher(fast_settings(), transport=transport) as f:
        r = await f.fetch("http://hooks.example/hook", kind="webhook", method="POST", json={"a": 1})
    assert r.final_url == "http://hooks.example/done" and r.redirects == ("http://hooks.example/hook",)
    assert [(q.method, q.url.path) for q in seen] == [("POST", "/hook"), ("GET", "/done")]
    assert seen[1].content == b""


async def test_content_length_over_cap_refused_up_front():
    transport, _ = mock(lambda req: httpx.Response(200, content=b"a" * 5000))
    async with Fetcher(fast_settings(max_bytes=1000), transport=transport) as f:
        with pytest.raises(TooLargeError, match="Content-Length 5000"):
            await f.fetch("http://news.example/big")
        r = await f.fetch("http://news.example/big", max_bytes=10_000)  # per-call override
        assert len(r.content) == 5000


# -- Retry-After ------------------------------------------------------------------------------

def test_parse_retry_after():
    now = datetime(2025, 7, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90.0
    assert parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True), now) == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("") is None


# -- bounded decoders -------------------------------------------------------------------------

def decode(encoding: str | None, body: bytes, piece: int = 1000) -> bytes:
    out = bytearray()
    write, finish = build_decoder(encoding, out.extend)
    for i in range(0, len(body), piece):
        write(body[i:i + piece])
    finish()
    return bytes(out)


@pytest.mark.parametrize("encoding, encode", [
    (None, lambda b: b),
    ("identity", lambda b: b),
    ("gzip", gzip),
    ("x-gzip", gzip),
    ("deflate", zlib.compress),
    ("deflate", raw_deflate),                     # raw deflate mislabelled, like httpx accepts
    ("br", brotli.compress),
    ("zstd", lambda b: zstandard.ZstdCompressor().compress(b)),
    ("gzip, gzip", lambda b: gzip(gzip(b))),
    ("gzip, br", lambda b: brotli.compress(gzip(b))),
    ("br, gzip, zstd", lambda b: zstandard.ZstdCompressor().compress(gzip(brotli.compress(b)))),
    ("GZIP , identity", gzip),
])
def test_decoders_round_trip(encoding, encode):
    body = HTML * 200
    assert decode(encoding, encode(body)) == body
    assert decode(encoding, encode(body), piece=1) == body  # byte-by-byte input


def test_gzip_multi_member():
    assert decode("gzip", gzip(b"first ") + gzip(b"second")) == b"first second"


def test_trailing_garbage_after_gzip_ignored_not_buffered():
    out = bytearray()
    write, finish = build_decoder("gzip", out.extend)
    write(gzip(b"body"))
    for _ in range(100):
        write(b"junk" * 1000)  # ignored (and not kept in zlib's unused_data)
    finish()
    assert bytes(out) == b"body"


def test_decoder_output_pieces_are_bounded():
    pieces: list[int] = []
    write, finish = build_decoder("gzip", lambda b: pieces.append(len(b)))
    write(gzip_bomb(16 * 1024 * 1024))  # one 16 KB write that inflates to 16 MB
    finish()
    assert sum(pieces) == 16 * 1024 * 1024 and max(pieces) <= CHUNK


@pytest.mark.parametrize("encoding, body, message", [
    ("compress", b"x", "unsupported Content-Encoding 'compress'"),
    ("gzip, gzip, gzip, gzip, gzip", b"x", "stacked"),
    ("gzip", b"this is not gzip", "invalid gzip"),
    ("br", b"\xff\xff\xff not brotli", "invalid br"),
    ("zstd", b"not zstd at all", "invalid zstd"),
])
def test_decoder_errors(encoding, body, message):
    with pytest.raises(ContentDecodingError, match=message):
        decode(encoding, body)


def test_parse_codings():
    assert parse_codings("gzip, br") == ["gzip", "br"]
    assert parse_codings(" identity ") == []
    assert parse_codings(None) == []


async def test_broken_gzip_body_is_permanent_error():
    transport, _ = mock(lambda req: httpx.Response(
        200, stream=httpx.ByteStream(b"garbage"),
        headers={"Content-Encoding": "gzip", "Content-Type": "text/html"}))
    async with Fetcher(fast_settings(), transport=transport) as f:
        with pytest.raises(PermanentFetchError, match="invalid gzip"):
            await f.fetch("http://news.example/broken")


# -- binary sniffing --------------------------------------------------------------------------

@pytest.mark.parametrize("content, ctype, expected", [
    (HTML, "text/html", None),
    (HTML, None, None),
    (HTML, "application/xhtml+xml", None),
    (b"<rss version='2.0'></rss>", "application/rss+xml", None),
    (b"", "text/html", None),
    ("한국어 기사 본문".encode("euc-kr"), "text/html", None),
    ("<html>utf-16</html>".encode("utf-16"), "text/html", None),           # BOM
    ("<html>utf-16 no bom</html>".encode("utf-16-le"), "text/html", None),
    (b"<html>\x0c form feed and \x1b escape are fine</html>", "text/html", None),
    (png_1x1(), "image/png", "image/png"),
    (HTML, "image/png", "image/png"),                                      # label says binary
    (HTML, "application/octet-stream", "application/octet-stream"),
    (b"%PDF-1.7 ...", "application/pdf", "application/pdf"),
    (png_1x1(), "text/html", "image/png labelled text/html"),
    (b"%PDF-1.4\n%\xe2\xe3", "text/html", "application/pdf labelled text/html"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", None, "image/jpeg without Content-Type"),
    (b"<html>" + b"\x00" * 10 + b"</html>", "text/html", "NUL bytes labelled text/html"),
    (bytes(range(1, 9)) * 50 + HTML, "text/html", "control bytes"),
])
def test_binary_reason(content, ctype, expected):
    got = binary_reason(content, ctype)
    if expected is None:
        assert got is None
    else:
        assert got is not None and got.startswith(expected) or (got and expected in got)


async def test_page_binary_skipped_feed_not_checked():
    transport, _ = mock(lambda req: httpx.Response(200, content=png_1x1(),
                                                   headers={"Content-Type": "image/png"}))
    async with Fetcher(fast_settings(), transport=transport) as f:
        with pytest.raises(PermanentFetchError, match=r"binary content \(image/png\)"):
            await f.fetch("http://news.example/photo")
        # Feeds and other kinds get the bytes; the feed parser decides (it can reuse binary_reason).
        r = await f.fetch("http://news.example/photo", kind="feed")
        assert r.content == png_1x1()


async def test_fetch_requires_context_manager():
    f = Fetcher(fast_settings(), transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    with pytest.raises(RuntimeError, match="async with"):
        await f.fetch("http://news.example/")
