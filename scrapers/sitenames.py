"""Site names in title strings: which segment of "Headline - Section | Site" names the site,
and the title without it.

Separators: `` | ``, `` - ``, `` : ``, ``ㅣ``, `` • ``, `` < `` ... (spaced ASCII ones only: a
hyphen or colon inside a headline has no space before it). The site's names: og:site_name,
application-name, the JSON-LD publisher and the host (``site_names``; they also match a segment
that holds them, "Globalnews.ca" ~ globalnews), the brand the page shows - home-link text, logo
alt, the words after a copyright mark (``brand_names``) - and the end segments the page's
title strings show to be names (``varying_names``); names read off the page match a whole
segment only. ``strip_site_name`` cuts the site segment at the end with the author/section
segments behind it, up to three section or breadcrumb segments before it (" - National |
Global News", "-정치ㅣ한국일보", "< 정치 < 기사본문 - 시사뉴스"), site segments at the start one
after another, and a host name glued to the start ("davidbau.com Vibe Coding").
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from lxml import etree

from scrapers.headingtext import words
from scrapers.htmltext import in_body

# Separators between headline, section and site name. Spaced ASCII separators only (a
# hyphen or colon inside a headline has no space before it); the Hangul letter ㅣ and
# full-width bars are separators anywhere.
_SEP = re.compile(r"\s+(?:[|\-–—:·•»«<>~/]|::|\|\|)\s+|\s*[ㅣ｜¦]\s*|\s+\|(?=\S)")
# A one-word section glued to the headline before the site segment: "제목-정치", "Title - National".
# Breadcrumbs of a Korean CMS stand there too: "제목 < 국회·정당 < 정치 < 기사본문 - 시사뉴스".
_SECTION_TAIL = re.compile(r"\s*[-–—:|<>»ㅣ]\s*([^\s\-–—:|<>»ㅣ]{1,12})$")
MAX_SECTIONS = 3
_BY = re.compile(r"^(?:by|par|von|글|기자)\s+\S", re.IGNORECASE)
_COPYRIGHT = re.compile(r"©|ⓒ|copyright|\(c\)", re.IGNORECASE)
_SITE_NOTICE = re.compile(r"(?:19|20)\d\d|rights|reserved|무단|저작권|재배포", re.IGNORECASE)
_COPYRIGHT_ELEMENTS = etree.XPath(
    "descendant::*[contains(text(), '©') or contains(text(), 'ⓒ') or contains(text(), 'opyright')]")
_NOTICE_WORD = re.compile(r"[\w.&'-]+")
_NOT_A_NAME = re.compile(r"[\d.-]+|copyright|by", re.IGNORECASE)
# Links to the home page: their text or logo alt is the site's name.
_LOGO_LINKS = etree.XPath("//a[@href='/' or @href='./' or @href='index.html' or "
                          "@href=$h1 or @href=$h2 or @href=$h3 or @href=$h4]")
# a site name has at most this many words, or fewer than the headline beside it
MAX_NAME_WORDS = 3
_LEADING_DOMAIN = re.compile(r"((?:[\w-]+\.)+[a-z]{2,6})\s+(?=\S)", re.IGNORECASE)


def squash(s: str) -> str:
    return "".join(words(s))


def segments(title: str) -> list[str]:
    return [s.strip() for s in _SEP.split(title) if s and s.strip()]


def site_names(site_name: str | None, url: str | None, extra: Iterable[str] = ()) -> set[str]:
    """Squashed names the site declares (og:site_name, publisher) and its host name parts."""
    names = {squash(n) for n in (site_name, *extra) if n}
    host = (urlsplit(url).hostname or "").lower() if url else ""
    parts = [p for p in host.split(".") if p not in ("www", "m", "news", "com", "co", "kr", "net", "org")]
    names.update(p for p in parts if len(p) >= 3)
    if host:
        names.add(squash(host.removeprefix("www.")))
    names.discard("")
    return names


def brand_names(tree: etree._Element, url: str | None) -> set[str]:
    """Squashed names the page shows as its brand: home-link text and logo alt, and the words
    after the mark of a copyright notice ("Copyright ⓒ 데일리모니터 무단전재")."""
    host = (urlsplit(url).hostname or "").lower() if url else ""
    roots = [f"{scheme}://{host}{slash}" for scheme in ("https", "http") for slash in ("", "/")] if host else [""] * 4
    names: set[str] = set()
    for a in _LOGO_LINKS(tree, h1=roots[0], h2=roots[1], h3=roots[2], h4=roots[3]):
        names.add(squash(a.text_content()))
        names.update(squash(img.get("alt") or "") for img in a.iter("img"))
    for el in in_body(_COPYRIGHT_ELEMENTS, tree):
        text = el.text or ""
        if len(text) < 200 and _COPYRIGHT.search(text) and _SITE_NOTICE.search(text):
            # a site notice has a year or "rights reserved"; a photo credit has neither
            after = _COPYRIGHT.split(text, maxsplit=1)[-1]
            notice = [w for w in _NOTICE_WORD.findall(after) if not _NOT_A_NAME.fullmatch(w)]
            for n in range(1, min(4, len(notice)) + 1):
                names.add(squash(" ".join(notice[:n])))
    names.discard("")
    return names


class SiteNames(set):
    """Squashed names of the site. The ones it was made with (declared, host) also match a
    segment that holds them or that they hold ("Globalnews.ca" ~ globalnews); names added
    later, read off the page (home-link text, logo alt, copyright line, title segments), only
    a whole segment: a home link's text may be a section ("Pet Insurance"), not the brand of
    "How Much is Pet Insurance"."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        super().__init__(names)
        self.loose = frozenset(self)


def is_site(segment: str, names: set[str]) -> bool:
    sq = squash(segment)
    if not sq:
        return False
    if sq in names:
        return True
    # "The Gateway Pundit" ~ thegatewaypundit.com, "Globalnews.ca" ~ globalnews
    return any(len(n) >= 5 and (n in sq or sq in n) and len(sq) <= 2 * len(n) + 4
               for n in getattr(names, "loose", names))


def strip_site_name(title: str, names: set[str]) -> str:
    """``title`` without the site-name segment at its end or start (and what follows it)."""
    segs = segments(title)
    n_segs = len(segs)
    if n_segs < 2:
        return _without_domain(title.strip(), names)
    cut = False
    # from the end: the site name, and author / section segments behind it
    for i in range(1, len(segs)):
        if is_site(segs[i], names) and all(is_site(s, names) or _BY.match(s) or len(words(s)) <= 3
                                            for s in segs[i + 1:]):
            segs, cut = segs[:i], True
            break
    # from the start: "SoundStage! Xperience | SoundStageXperience.com - Headline"
    while len(segs) >= 2 and is_site(segs[0], names) and len(words(" ".join(segs[1:]))) >= 2:
        segs = segs[1:]
    head = title if len(segs) == n_segs else rejoin(title, segs)
    for _ in range(MAX_SECTIONS if cut else 0):
        m = _SECTION_TAIL.search(head)
        if not m or len(words(head[:m.start()])) < 2:
            break
        head = head[:m.start()]
    return head.strip()


def varying_names(strings: list[str]) -> set[str]:
    """Name-sized end segments that the page's title strings show to be names, not headline:
    one end shared by strings whose rest differs ("... | Opinion" on og:title and twitter:title
    alike), or different ends around the same rest ("NASA SVS | Impact ..." beside "NASA
    Scientific Visualization Studio | Impact ...")."""
    found: set[str] = set()
    for first in (False, True):
        by_end: dict[str, set[str]] = {}
        by_rest: dict[str, set[str]] = {}
        for segs in map(segments, strings):
            if len(segs) < 2:
                continue
            end, rest = (segs[0], segs[1:]) if first else (segs[-1], segs[:-1])
            if 0 < len(words(end)) <= min(MAX_NAME_WORDS, len(words(" ".join(rest))) - 1):
                by_end.setdefault(squash(end), set()).add(squash(" ".join(rest)))
                by_rest.setdefault(squash(" ".join(rest)), set()).add(squash(end))
        found.update(end for end, rests in by_end.items() if _unlike(rests))
        found.update(end for ends in by_rest.values() if _unlike(ends) for end in ends)
    return found


def _unlike(values: set[str]) -> bool:
    """Two of ``values`` differ beyond one holding the other ("A Beginner's Guide" and "A
    Beginner's Guide – Eartheasy" are one headline, cut or not)."""
    return any(a not in b and b not in a for a in values for b in values)


def _without_domain(title: str, names: set[str]) -> str:
    """``title`` without a leading host name of the site written with no separator after it
    ("davidbau.com Vibe Coding"); a leading word that is only the name ("Samsung unveils")
    stays."""
    m = _LEADING_DOMAIN.match(title)
    if m and squash(m.group(1)) in names and len(words(title[m.end():])) >= 1:
        return title[m.end():]
    return title


def rejoin(title: str, segs: list[str]) -> str:
    """The part of ``title`` from its first kept segment to its last, separators as written."""
    start = title.find(segs[0])
    end = title.find(segs[-1], start) + len(segs[-1])
    return title[start:end] if start >= 0 and end > start else " ".join(segs)
