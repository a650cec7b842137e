"""Atom feeds (RFC 4287) of the flagged stories, for feed readers: ``GET /atom/{token}``.

Feed readers cannot sign in, so the URL carries a per-user token (``review.accounts``:
random, stored hashed, listed and revoked on /account or with ``newsmon tokens``). An
unknown or revoked token, or one of a disabled account, answers 404: the feed does not
exist for whoever holds it.

The query string takes the inbox filters (``FEED_FILTERS``: q, entity, feed, since, until,
state, min_prominence); the feed lists the same stories the inbox would, newest first,
``[accounts] feed_entries`` at most. One entry per story:

* ``id``: ``urn:uuid:`` derived from this desk's instance id (kept in the database) and the
  story key, so it never changes while outlets join the story or the desk moves host;
* ``link rel="alternate"``: the story on the desk; ``rel="related"``: each outlet's article
  (http(s) links only);
* ``updated``: the newest of its articles' dates and decisions; ``published``: its oldest;
* ``category``: the flagged entities and the review state; ``author``: the outlet;
* ``summary`` (plain text): why each entity flagged the lead article, with its snippet.

Everything comes from the web and is hostile: it is only ever XML *text* or attribute
values (ElementTree escapes them), all text is ``type="text"`` (no HTML for a reader to
render), and characters XML 1.0 cannot carry (controls, lone surrogates) are dropped.
Responses carry an ETag and answer 304 to a matching If-None-Match.
"""
from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

from models.store import InboxCluster
from review.accounts import token_hash
from review.filters import FilterError, parse_filter
from review.states import STATE_LABELS, story_state
from review.web.render import safe_href

if TYPE_CHECKING:
    from review.web.context import Desk

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_FILTERS = ("q", "entity", "feed", "since", "until", "state", "min_prominence")
# Not allowed in XML 1.0 documents at all (even escaped): C0 controls but tab/LF/CR, lone
# surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SUMMARY_MAX = 1500  # characters of summary per entry (a reader's preview, not the article)


def xml_text(value: Any) -> str:
    return _NOT_XML.sub("", str(value or ""))


def line(value: Any) -> str:
    """One line (titles, names): readers show them so, and XML would turn CR LF into LF anyway."""
    return " ".join(xml_text(value).split())


def iri(url: str) -> str:
    """An http(s) URL as a valid IRI attribute value (spaces, quotes and brackets encoded)."""
    return quote(xml_text(url), safe=":/?#[]@!$&'()*+,;=%~-._")


def rfc3339(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: ET.Element, tag: str, text: Any = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def _summary(snippets: list[tuple[str, str | None, str | None]], names: dict[str, str]) -> str:
    parts = []
    for entity, reason, snippet in snippets:
        text = f"{line(names.get(entity, entity))}: {line(reason) or 'flagged'}"
        if snippet:
            text += f" — “{line(snippet)}”"
        parts.append(text)
    text = "\n".join(parts)
    return text if len(text) <= SUMMARY_MAX else text[:SUMMARY_MAX - 1] + "…"


def build_feed(clusters: list[InboxCluster], snippets: dict[int, list[tuple[str, str | None, str | None]]], *,
               instance: str, base: str, self_url: str, query: str, names: dict[str, str],
               describe: str, empty_updated: datetime) -> bytes:
    """The Atom document for these stories (see the module docstring)."""
    ns = uuid.UUID(instance)
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "id", f"urn:uuid:{uuid.uuid5(ns, 'feed?' + query)}")
    _sub(feed, "title", line(f"newsmon: flagged stories{' — ' + describe if describe else ''}"), type="text")
    updated = _sub(feed, "updated")
    author = _sub(feed, "author")
    _sub(author, "name", "newsmon")
    _sub(feed, "generator", "newsmon")
    _sub(feed, "link", rel="self", type="application/atom+xml", href=iri(self_url))
    _sub(feed, "link", rel="alternate", type="text/html", href=iri(f"{base}/" + (f"?{query}" if query else "")))
    changes = []
    for c in clusters:
        lead = c.lead
        dates = [a.when for a in c.members if a.when] + [a.reviewed_at for a in c.members if a.reviewed_at]
        changed = max(dates) if dates else empty_updated
        first = min((a.when for a in c.members if a.when), default=changed)
        changes.append(changed)
        state = story_state(c.members)
        e = _sub(feed, "entry")
        _sub(e, "id", f"urn:uuid:{uuid.uuid5(ns, f'story:{c.cluster_id}')}")
        _sub(e, "title", line(lead.title or lead.url), type="text")
        _sub(e, "updated", rfc3339(changed))
        _sub(e, "published", rfc3339(first))
        _sub(_sub(e, "author"), "name", line(lead.feed) or "unknown outlet")
        _sub(e, "link", rel="alternate", type="text/html", href=iri(f"{base}/story/{lead.id}"))
        for a in c.members:
            if safe_href(a.url):
                _sub(e, "link", rel="related", type="text/html", href=iri(a.url), title=line(a.feed or a.url))
        for ent in c.entities:
            _sub(e, "category", term=ent, label=line(names.get(ent, ent)), scheme=iri(f"{base}/#entity"))
        _sub(e, "category", term=state, label=STATE_LABELS[state], scheme=iri(f"{base}/#review-state"))
        _sub(e, "summary", _summary(snippets.get(lead.id, []), names), type="text")
    updated.text = rfc3339(max(changes, default=empty_updated))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False)


def describe_filter(raw: dict[str, str], names: dict[str, str]) -> str:
    parts = []
    for k, v in raw.items():
        if v:
            parts.append(f"{k.replace('_', ' ')}: {names.get(v, v) if k == 'entity' else v}")
    return "; ".join(parts)


def register(app: FastAPI, desk: "Desk") -> None:
    st = desk.store
    limit = desk.settings.accounts.feed_entries
    instance = st.meta_value("instance_id", lambda: str(uuid.uuid4()))

    def missing() -> Response:
        return PlainTextResponse("no such feed (the token is unknown or was revoked)", status_code=404)

    @app.get("/atom/{token}")
    async def atom(request: Request, token: str) -> Response:
        if not 10 <= len(token) <= 100:
            return missing()
        found = await asyncio.to_thread(st.token_account, token_hash(token))
        if found is None:
            return missing()
        _, since_token = found
        q = request.query_params
        raw = {k: q.get(k, "") for k in FEED_FILTERS if q.get(k)}
        try:
            f = parse_filter(**raw, tz=desk.tz, search=desk.settings.search)
        except FilterError as e:
            return PlainTextResponse(f"bad feed filter: {e}", status_code=400)
        clusters, _ = await asyncio.to_thread(st.review_inbox, **f.query(), limit=limit)
        snippets = await asyncio.to_thread(st.mention_snippets, [c.lead.id for c in clusters])
        base = desk.auth.base_url(request)
        query = urlencode(raw)
        body = build_feed(clusters, snippets, instance=instance, base=base,
                          self_url=f"{base}{request.url.path}" + (f"?{query}" if query else ""), query=query,
                          names=desk.names, describe=describe_filter(raw, desk.names), empty_updated=since_token)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Cache-Control": "private, max-age=60", "X-Robots-Tag": "noindex"}
        if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/atom+xml; charset=utf-8", headers=headers)
