"""The desk's SVG charts (``review/web/charts.py``): well-formed, escaped, scaled, accessible."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from lxml import etree

from review.web.charts import bar_chart, day_series, nice_max, sparkline, x_labels

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert(1)</script> "Samsung" & <b onmouseover=x>Co</b> ]]>'
D0 = date(2026, 11, 20)


def parse(markup: str) -> etree._Element:
    """Strict XML: any unescaped text from the name would break it or add elements."""
    root = etree.fromstring(str(markup).encode(), etree.XMLParser(recover=False, resolve_entities=False))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.get("aria-label")
    return root


def bars(root: etree._Element) -> list[etree._Element]:
    return root.findall(f"{SVG}rect[@class='bar']")


def texts(root: etree._Element, cls: str) -> list[str]:
    return [t.text for t in root.findall(f"{SVG}text[@class='{cls}']")]


def test_hostile_entity_names_stay_text() -> None:
    for markup in (bar_chart(day_series({D0: 3}, D0, D0 + timedelta(days=2)), label=HOSTILE),
                   sparkline([0, 2, 1], label=HOSTILE)):
        root = parse(markup)
        assert {el.tag for el in root.iter()} <= {f"{SVG}{t}" for t in ("svg", "title", "rect", "line", "text")}
        assert HOSTILE in root.get("aria-label") and HOSTILE in root.find(f"{SVG}title").text
        assert "<script>" not in str(markup)


def test_bars_scale_to_a_nice_top_with_labels_and_tooltips() -> None:
    series = day_series({D0: 3, D0 + timedelta(days=1): 7, D0 + timedelta(days=3): 1}, D0, D0 + timedelta(days=4))
    root = parse(bar_chart(series, label="LG"))
    bs = bars(root)
    assert [b.get("data-value") for b in bs] == ["3", "7", "0", "1", "0"]  # the days without mentions are there
    assert [b.get("data-day") for b in bs] == [(D0 + timedelta(days=i)).isoformat() for i in range(5)]
    heights = [float(b.get("height")) for b in bs]
    assert heights[2] == heights[4] == 0
    # y axis up to 10 (the nice top for 7): heights are proportional to it
    assert texts(root, "tick") == ["0", "5", "10"]
    assert heights[1] / heights[0] == pytest.approx(7 / 3, rel=1e-2)
    plot = 260 - 22 - 44
    assert heights[1] == pytest.approx(plot * 7 / 10, abs=0.1)
    assert texts(root, "value") == ["3", "7", "0", "1", "0"]
    assert [b.find(f"{SVG}title").text for b in bs][1] == "2026-11-21: 7 mentions"
    assert texts(root, "day")[0] == "11-20" and "11 mentions" in root.get("aria-label")
    assert "at most 7 a day" in root.get("aria-label")


def test_one_day_and_empty_ranges() -> None:
    one = parse(bar_chart(day_series({D0: 2}, D0, D0), label="NEC"))
    [b] = bars(one)
    assert b.get("data-value") == "2" and texts(one, "day") == ["11-20"]
    zeros = parse(bar_chart(day_series({}, D0, D0 + timedelta(days=6)), label="NEC"))
    assert len(bars(zeros)) == 7 and all(float(b.get("height")) == 0 for b in bars(zeros))
    assert texts(zeros, "empty") == ["No mentions in this range"] and texts(zeros, "tick") == ["0", "1"]
    none = parse(bar_chart([], label="NEC"))
    assert bars(none) == [] and texts(none, "empty") == ["No days in this range"]
    assert "no days" in none.get("aria-label")


def test_long_ranges_drop_value_labels_but_keep_tooltips_and_few_date_labels() -> None:
    series = day_series({D0 + timedelta(days=i): i % 5 for i in range(365)}, D0, D0 + timedelta(days=364))
    root = parse(bar_chart(series, label="Samsung"))
    assert len(bars(root)) == 365 and texts(root, "value") == []
    assert all(b.find(f"{SVG}title") is not None for b in bars(root))
    assert 2 <= len(texts(root, "day")) <= 9


def test_nice_max_and_label_spacing() -> None:
    assert [nice_max(v) for v in (0, 1, 2, 3, 6, 11, 21, 26, 51, 101, 251)] == [1, 1, 2, 5, 10, 20, 25, 50, 100,
                                                                               200, 500]
    assert x_labels(0) == [] and x_labels(1) == [0] and x_labels(7) == list(range(7))
    assert x_labels(30) == [0, 4, 8, 12, 16, 20, 24, 28]  # 29 is too close to 28
    assert x_labels(33)[-1] == 30 and x_labels(34)[-1] == 33  # the last day when it has room


def test_sparkline_bars_only_for_days_with_mentions() -> None:
    root = parse(sparkline([0, 4, 0, 2], label="LG"))
    rects = root.findall(f"{SVG}rect")
    assert len(rects) == 2 and float(rects[0].get("height")) == pytest.approx(17)
    assert float(rects[1].get("height")) == pytest.approx(8.5)
    assert root.get("aria-label") == "LG: 6 in 4 days, at most 4 a day"
    assert parse(sparkline([], label="none")).findall(f"{SVG}rect") == []
