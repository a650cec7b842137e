"""The entity chart in a real browser: headless Chromium (Playwright) against the desk served
by uvicorn on 127.0.0.1. A viewer follows a sparkline from the inbox to the entity page;
the SVG chart is laid out with one bar per day, bars as tall as their counts, and the
screenshot of the chart shows the bars (pixels of the bar colour, decoded from the PNG).
"""
from __future__ import annotations

import struct
import zlib

import pytest

from review.web.charts import BAR
from tests.test_web_accounts_browser import desk, sign_in  # noqa: F401 - desk is a fixture
from tests.test_web_browser import ARTIFACTS

pytestmark = pytest.mark.browser

RANGE = "since=2026-11-24&until=2026-11-30"


def png_pixels(png: bytes) -> list[tuple[int, ...]]:
    """The pixels of an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, head = 8, b"", None
    while pos < len(png):
        n, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert head is not None
    w, h, depth, ctype, _, _, interlace = head
    assert depth == 8 and ctype in (2, 6) and interlace == 0, head
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    out: list[tuple[int, ...]] = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out.extend(tuple(line[i:i + 3]) for i in range(0, stride, bpp))
        prev = line
    return out


def test_entity_chart_renders_in_chromium(desk) -> None:  # noqa: F811 - the imported fixture
    store, _, srv, browser = desk
    page, errors = sign_in(browser, srv, "vic")  # a viewer: reading needs no more
    try:
        page.wait_for_url(srv.base + "/")
        # The sparkline list: one per flagged entity, each an SVG laid out by the browser.
        page.click("#entities summary")
        sparks = page.locator("#entities svg.spark")
        assert sparks.count() == len(store.flagged_entity_ids())
        box = sparks.first.bounding_box()
        assert box and box["width"] > 50 and box["height"] > 10
        page.click("#entities a.entity-link[data-entity='samsung']")
        page.wait_for_url("**/entity/samsung")
        assert page.inner_text("#entity-name").startswith("Samsung Electronics")

        page.goto(srv.base + f"/entity/samsung?{RANGE}")
        svg = page.locator("#chart svg[role='img']")
        assert "Samsung Electronics" in svg.get_attribute("aria-label")
        bars = page.locator("#chart svg rect.bar")
        assert bars.count() == 7
        counts = [int(bars.nth(i).get_attribute("data-value")) for i in range(7)]
        heights = [(bars.nth(i).bounding_box() or {"height": 0})["height"] for i in range(7)]
        assert sum(counts) > 0 and all((h > 1) == (c > 0) for c, h in zip(counts, heights)), (counts, heights)
        top = max(counts)
        for c, h in zip(counts, heights):  # rendered heights follow the counts
            assert abs(h / max(heights) - c / top) < 0.05
        # The table beside the chart holds the same numbers, newest day first.
        cells = page.locator("#days tbody td.num").all_inner_texts()
        assert [int(x) for x in cells] == counts[::-1]
        shot = svg.screenshot(path=str(ARTIFACTS / "entity-chart.png"))
        pixels = png_pixels(shot)
        bar_rgb = tuple(int(BAR[i:i + 2], 16) for i in (1, 3, 5))
        share = sum(1 for p in pixels if p == bar_rgb) / len(pixels)
        assert share > 0.01, share  # the bars are painted
        assert len(set(pixels)) > 3  # and more than a blank box: labels, axis, bars
        page.screenshot(path=str(ARTIFACTS / "entity.png"), full_page=True)
    finally:
        page.close()
    assert errors == []
