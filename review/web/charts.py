"""Server-rendered SVG charts for the desk: a bar chart of mentions per day and sparklines.

No JavaScript and no chart library: the SVG is built here as text, inline in the page.
Every piece of text (entity names come from the watchlist, and may hold anything) is
escaped before it goes in, and the result is wrapped in ``Markup`` only at the end.

Readable without colour: the bars carry their numbers (value labels over each bar while
they fit, always a ``<title>`` tooltip per bar), the axes are labelled, the chart has
``role="img"`` and an ``aria-label`` that says what it shows, and pages print the same
numbers in a table beside it. Colours are presentation attributes (the desk's
Content-Security-Policy forbids inline styles).
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from markupsafe import Markup

BAR = "#2f5d8a"
AXIS = "#555"
GRID = "#ddd"
VALUE_LABELS_UP_TO = 45  # bars; more and the numbers would overlap (the tooltips and the table stay)
X_LABELS = 8  # date labels on the x axis, at most


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def nice_max(value: int) -> int:
    """The y-axis top: the smallest 1, 2, 5 (then also 2.5) times a power of ten that is >= value."""
    step = 1
    while True:
        for m in ((1, 2, 5) if step == 1 else (1, 2, 2.5, 5)):
            top = int(m * step)
            if top >= value:
                return top
        step *= 10


def x_labels(n: int, most: int = X_LABELS) -> list[int]:
    """Which of ``n`` bars get a date label: evenly spaced, the first always, the last when
    it is not crowded by the one before it."""
    if n <= 0:
        return []
    every = -(-n // most)
    idx = list(range(0, n, every))
    if idx[-1] != n - 1 and (n - 1 - idx[-1]) * 2 >= every:
        idx.append(n - 1)
    return idx


def day_series(counts: dict[date, int], first: date, last: date) -> list[tuple[date, int]]:
    """Every day from ``first`` to ``last`` (both included) with its count; missing days are 0."""
    out = []
    d = first
    while d <= last:
        out.append((d, counts.get(d, 0)))
        d = date.fromordinal(d.toordinal() + 1)
    return out


def _fmt(n: float) -> str:
    return f"{n:.1f}".rstrip("0").rstrip(".")


def _open(kind: str, width: int, height: int, summary: str) -> list[str]:
    """The ``<svg>`` start tag, named for assistive technology, and its ``<title>`` tooltip."""
    return [(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{esc(summary)}">'),
            f"<title>{esc(summary)}</title>"]


def bar_chart(series: Sequence[tuple[date, int]], *, label: str, unit: str = "mentions",
              width: int = 720, height: int = 260) -> Markup:
    """A bar per day. ``label`` names the chart (aria-label and ``<title>``); ``unit`` is what
    the bars count, for the tooltips and the y axis."""
    left, right, top, bottom = 44, 12, 22, 44
    pw, ph = width - left - right, height - top - bottom
    n = len(series)
    total = sum(v for _, v in series)
    peak = max((v for _, v in series), default=0)
    ymax = nice_max(peak)
    if n:
        summary = (f"{label}: {total} {unit} from {series[0][0].isoformat()} to {series[-1][0].isoformat()}"
                   + (f", at most {peak} a day" if n > 1 else ""))
    else:
        summary = f"{label}: no days in this range"
    out = _open("bars", width, height, summary)
    # y axis: gridlines and labels at 0, half and the top (half only when a whole number)
    ticks = [0, ymax] if ymax % 2 else [0, ymax // 2, ymax]
    for t in ticks:
        y = top + ph - ph * t / ymax
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{_fmt(y)}" y2="{_fmt(y)}" stroke="{GRID if t else AXIS}"/>')
        out.append(f'<text class="tick" x="{left - 6}" y="{_fmt(y + 4)}" text-anchor="end" font-size="11" '
                   f'fill="{AXIS}">{t}</text>')
    out.append(f'<text class="axis-title" x="12" y="{_fmt(top + ph / 2)}" font-size="11" fill="{AXIS}" '
               f'text-anchor="middle" transform="rotate(-90 12 {_fmt(top + ph / 2)})">{esc(unit)} per day</text>')
    if not n or total == 0:
        note = "No days in this range" if not n else f"No {unit} in this range"
        out.append(f'<text class="empty" x="{_fmt(left + pw / 2)}" y="{_fmt(top + ph / 2)}" text-anchor="middle" '
                   f'font-size="13" fill="{AXIS}">{esc(note)}</text>')
    slot = pw / n if n else pw
    gap = min(2.0, slot * 0.2)
    labelled = set(x_labels(n))
    for i, (d, v) in enumerate(series):
        x = left + i * slot + gap / 2
        h = ph * v / ymax
        y = top + ph - h
        tip = f"{d.isoformat()}: {v} {unit}"
        out.append(f'<rect class="bar" x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(max(slot - gap, 0.5))}" '
                   f'height="{_fmt(h)}" fill="{BAR}" data-day="{d.isoformat()}" data-value="{v}">'
                   f"<title>{esc(tip)}</title></rect>")
        cx = x + (slot - gap) / 2
        if n <= VALUE_LABELS_UP_TO:
            out.append(f'<text class="value" x="{_fmt(cx)}" y="{_fmt(y - 3)}" text-anchor="middle" '
                       f'font-size="{10 if n <= 31 else 8}" fill="#222">{v}</text>')
        if i in labelled:
            out.append(f'<text class="day" x="{_fmt(cx)}" y="{top + ph + 16}" text-anchor="middle" '
                       f'font-size="11" fill="{AXIS}">{esc(d.strftime("%m-%d"))}</text>')
    if n:
        span = series[0][0].isoformat() + (f" to {series[-1][0].isoformat()}" if n > 1 else "")
        out.append(f'<text class="axis-title" x="{_fmt(left + pw / 2)}" y="{height - 6}" text-anchor="middle" '
                   f'font-size="11" fill="{AXIS}">{esc(span)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def sparkline(values: Sequence[int], *, label: str, width: int = 90, height: int = 18) -> Markup:
    """A tiny bar sparkline (one bar per value, oldest first) with ``label`` as its name."""
    n = len(values)
    peak = max(values, default=0)
    total = sum(values)
    summary = f"{label}: {total} in {n} days, at most {peak} a day"
    out = _open("spark", width, height, summary)
    out.append(f'<line x1="0" x2="{width}" y1="{height - 0.5}" y2="{height - 0.5}" stroke="{GRID}"/>')
    slot = width / n if n else width
    for i, v in enumerate(values):
        if not v:
            continue
        h = max(1.0, (height - 1) * v / peak)
        out.append(f'<rect x="{_fmt(i * slot)}" y="{_fmt(height - h)}" width="{_fmt(max(slot - 0.5, 0.5))}" '
                   f'height="{_fmt(h)}" fill="{BAR}"/>')
    out.append("</svg>")
    return Markup("".join(out))
