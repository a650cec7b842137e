"""Safe rendering helpers: mention highlighting over escaped text, links, times.

Everything shown comes from the web (headlines, bodies, feed names) and is treated as
hostile. Templates autoescape; the only HTML built in Python is the highlighted text,
and it is built by escaping every piece of text *before* inserting ``<mark>`` tags at
the stored mention offsets, so the page text can never produce markup.
"""
from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from markupsafe import Markup

from models.records import MentionRecord


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    entity_id: str
    label: str  # shown on hover: entity name and why


def mention_spans(mentions: list[MentionRecord], field: str, text: str,
                  names: Mapping[str, str] | None = None) -> tuple[list[Span], int]:
    """Spans of the stored mentions in one field (``"title"`` or ``"text"``) of ``text``.

    A mention whose offsets do not fit the text (text re-extracted since matching, or a
    hand-edited row) is dropped and counted: (spans, dropped).
    """
    names = names or {}
    spans: list[Span] = []
    dropped = 0
    for m in mentions:
        for d in m.details or []:
            if d.get("field") != field:
                continue
            start, end = d.get("start"), d.get("end")
            ok = (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
                  and (not d.get("text") or text[start:end] == d["text"]))
            if not ok:
                dropped += 1
                continue
            spans.append(Span(start, end, m.entity_id, f"{names.get(m.entity_id, m.entity_id)} ({d.get('kind') or 'alias'})"))
    return spans, dropped


def _wrap_marks(text: str, marks: Iterable[tuple[int, int, str]]) -> Markup:
    """``text`` escaped, each (start, end, opening ``<mark ...>`` tag) wrapped in that mark;
    ``marks`` come sorted by start, and one overlapping an earlier mark is skipped."""
    out: list[str] = []
    pos = 0
    for start, end, tag in marks:
        if start < pos:
            continue  # overlaps the previous mark
        out.append(html.escape(text[pos:start], quote=True))
        out.append(f"{tag}{html.escape(text[start:end], quote=True)}</mark>")
        pos = end
    out.append(html.escape(text[pos:], quote=True))
    return Markup("".join(out))


def highlight(text: str | None, spans: list[Span]) -> Markup:
    """``text`` escaped, with each span wrapped in ``<mark>``; overlapping spans: first wins."""
    if not text:
        return Markup("")
    return _wrap_marks(text, (
        (s.start, s.end, f'<mark class="mention" data-entity="{html.escape(s.entity_id, quote=True)}" '
                         f'title="{html.escape(s.label, quote=True)}">')
        for s in sorted(spans, key=lambda s: (s.start, -s.end, s.entity_id))))


def mark_hits(text: str | None, pattern: re.Pattern[str] | None) -> Markup:
    """``text`` escaped, each search hit (``SearchQuery.pattern``) wrapped in ``<mark class="hit">``."""
    if not text:
        return Markup("")
    if pattern is None:
        return Markup(html.escape(text, quote=True))
    return _wrap_marks(text, ((m.start(), m.end(), '<mark class="hit">')
                              for m in pattern.finditer(text) if m.end() > m.start()))


def safe_href(url: str | None) -> str | None:
    """The URL if it is http(s) (then the template escapes it as an attribute), else None."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def prefect_ui_base(configured: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """Base URL of the Prefect UI: ``[web] prefect_ui_url``, else PREFECT_UI_URL, else
    PREFECT_API_URL without its ``/api`` suffix, else None (no links)."""
    env = os.environ if environ is None else environ
    for v in (configured, env.get("PREFECT_UI_URL")):
        if v and safe_href(v):
            return v.rstrip("/")
    api = env.get("PREFECT_API_URL")
    if api and safe_href(api):
        api = api.rstrip("/")
        return api[: -len("/api")] if api.endswith("/api") else api
    return None


def flow_run_url(base: str | None, flow_run_id: str | None) -> str | None:
    if not base or not flow_run_id:
        return None
    return f"{base}/runs/flow-run/{quote(flow_run_id, safe='')}"


def local_time(dt: datetime | None, tz: str) -> str:
    if dt is None:
        return ""
    return dt.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z")
