"""The headline as the page shows it.

1. The article's ``<h1>`` when there is one that reads as the headline: it shares most of its
   words with the page's title strings (og:title, JSON-LD headline, twitter:title, ``<title>``)
   and covers part of their headline segment - a logo ``<h1>`` ("Tarkett") or a section name
   shares nothing with the headline part, only with the site-name suffix - or it is the
   leading segment of a title string followed by a long tagline. When no h1 agrees: the h1
   the page declares its headline (itemprop=headline, on the one element so marked), else
   the first h1 that is not the site's name when it names what the URL slug names (the title
   strings carry an SEO variant: "Top 11 SEO Strategies for 2025" / h1 "11 SEO Strategies for
   2025 to Boost Rankings", slug "seo-optimization-strategies-for-2025"). The h1's text is
   read as shown (``scrapers.headingtext``): words split at ``<br>``, decorations inside it
   (date, label, byline, counts) dropped when the rest is the title, capitals and "?"-damaged
   letters written as a title string writes the same words.
2. Otherwise og:title / JSON-LD headline / twitter:title / ``<title>`` (first present) with the
   site name cut: a separator-delimited segment (`` | ``, `` - ``, `` : ``, ``ㅣ``, `` • `` ...)
   at either end that is the site - og:site_name, application-name, the JSON-LD publisher, the
   host name, or a name the page shows as its brand (logo link, copyright line) - and an author
   segment ("by Jim Hoft") after it; a one-word section just before a cut site name goes too
   (" - National | Global News", "-정치ㅣ한국일보").
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import unquote, urlsplit

from lxml import etree

from scrapers.headingtext import element_text, repair, undecorated, words

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
    "//body//*[contains(text(), '©') or contains(text(), 'ⓒ') or contains(text(), 'opyright')]")
# Links to the home page: their text or logo alt is the site's name.
_LOGO_LINKS = etree.XPath("//a[@href='/' or @href='./' or @href='index.html' or "
                          "@href=$h1 or @href=$h2 or @href=$h3 or @href=$h4]")
MAX_H1_CHARS = 300
_HEADLINE_MARKS = etree.XPath("count(//*[@itemprop='headline'])")
# a site name has at most this many words, or fewer than the headline beside it
MAX_NAME_WORDS = 3
MAX_LOST_LETTERS = 4
# h1 words that occur in a title string / title headline words that occur in the h1
MIN_H1_IN_TITLE = 0.5
MIN_TITLE_IN_H1 = 0.3
# an h1 the title strings do not confirm: slug words it must contain (count and share)
MIN_SLUG_WORDS = 2
MIN_SLUG_IN_H1 = 0.5
_LEADING_DOMAIN = re.compile(r"((?:[\w-]+\.)+[a-z]{2,6})\s+(?=\S)", re.IGNORECASE)
_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)$")
_PAGE_SUFFIX = re.compile(r"\.(?:s?html?|php\d?|aspx?|jsp)$", re.IGNORECASE)


_words = words


def _squash(s: str) -> str:
    return "".join(_words(s))


def _share(a: str, b: str) -> float:
    """Share of a's words that occur in b."""
    wa, wb = _words(a), set(_words(b))
    return sum(1 for w in wa if w in wb) / len(wa) if wa else 0.0


def _segments(title: str) -> list[str]:
    return [s.strip() for s in _SEP.split(title) if s and s.strip()]


def site_names(site_name: str | None, url: str | None, extra: Iterable[str] = ()) -> set[str]:
    """Squashed names the site declares (og:site_name, publisher) and its host name parts."""
    names = {_squash(n) for n in (site_name, *extra) if n}
    host = (urlsplit(url).hostname or "").lower() if url else ""
    parts = [p for p in host.split(".") if p not in ("www", "m", "news", "com", "co", "kr", "net", "org")]
    names.update(p for p in parts if len(p) >= 3)
    if host:
        names.add(_squash(host.removeprefix("www.")))
    names.discard("")
    return names


def brand_names(tree: etree._Element, url: str | None) -> set[str]:
    """Squashed names the page shows as its brand: home-link text and logo alt, and the words
    after the mark of a copyright notice ("Copyright ⓒ 데일리모니터 무단전재")."""
    host = (urlsplit(url).hostname or "").lower() if url else ""
    roots = [f"{scheme}://{host}{slash}" for scheme in ("https", "http") for slash in ("", "/")] if host else [""] * 4
    names: set[str] = set()
    for a in _LOGO_LINKS(tree, h1=roots[0], h2=roots[1], h3=roots[2], h4=roots[3]):
        names.add(_squash(a.text_content()))
        names.update(_squash(img.get("alt") or "") for img in a.iter("img"))
    for el in _COPYRIGHT_ELEMENTS(tree):
        text = el.text or ""
        if len(text) < 200 and _COPYRIGHT.search(text) and _SITE_NOTICE.search(text):
            # a site notice has a year or "rights reserved"; a photo credit has neither
            after = _COPYRIGHT.split(text, maxsplit=1)[-1]
            words = [w for w in re.findall(r"[\w.&'-]+", after) if not re.fullmatch(r"[\d.-]+|copyright|by", w, re.IGNORECASE)]
            for n in range(1, min(4, len(words)) + 1):
                names.add(_squash(" ".join(words[:n])))
    names.discard("")
    return names


def slug_words(url: str | None) -> list[str]:
    """Words of the last segment of ``url``'s path ("best-drip-coffee-maker"), numbers left out."""
    path = unquote(urlsplit(url).path) if url else ""
    last = _PAGE_SUFFIX.sub("", next((p for p in reversed(path.split("/")) if p), ""))
    return [w for w in re.findall(r"[^\W_]+", last.lower()) if not w.isdigit()]


class SiteNames(set):
    """Squashed names of the site. The ones it was made with (declared, host) also match a
    segment that holds them or that they hold ("Globalnews.ca" ~ globalnews); names added
    later, read off the page (home-link text, logo alt, copyright line, title segments), only
    a whole segment: a home link's text may be a section ("Pet Insurance"), not the brand of
    "How Much is Pet Insurance"."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        super().__init__(names)
        self.loose = frozenset(self)


def _is_site(segment: str, names: set[str]) -> bool:
    sq = _squash(segment)
    if not sq:
        return False
    if sq in names:
        return True
    # "The Gateway Pundit" ~ thegatewaypundit.com, "Globalnews.ca" ~ globalnews
    return any(len(n) >= 5 and (n in sq or sq in n) and len(sq) <= 2 * len(n) + 4
               for n in getattr(names, "loose", names))


def strip_site_name(title: str, names: set[str]) -> str:
    """``title`` without the site-name segment at its end or start (and what follows it)."""
    segs = _segments(title)
    if len(segs) < 2:
        return _without_domain(title.strip(), names)
    cut = False
    # from the end: the site name, and author / section segments behind it
    for i in range(1, len(segs)):
        if _is_site(segs[i], names) and all(_is_site(s, names) or _BY.match(s) or len(_words(s)) <= 3
                                            for s in segs[i + 1:]):
            segs, cut = segs[:i], True
            break
    # from the start: "SoundStage! Xperience | SoundStageXperience.com - Headline"
    while len(segs) >= 2 and _is_site(segs[0], names) and len(_words(" ".join(segs[1:]))) >= 2:
        segs = segs[1:]
    head = title if len(segs) == len(_segments(title)) else _rejoin(title, segs)
    for _ in range(MAX_SECTIONS if cut else 0):
        m = _SECTION_TAIL.search(head)
        if not m or len(_words(head[:m.start()])) < 2:
            break
        head = head[:m.start()]
    return head.strip()


def _varying_names(strings: list[str]) -> set[str]:
    """Name-sized end segments that the page's title strings show to be names, not headline:
    one end shared by strings whose rest differs ("... | Opinion" on og:title and twitter:title
    alike), or different ends around the same rest ("NASA SVS | Impact ..." beside "NASA
    Scientific Visualization Studio | Impact ...")."""
    found: set[str] = set()
    for first in (False, True):
        by_end: dict[str, set[str]] = {}
        by_rest: dict[str, set[str]] = {}
        for segs in map(_segments, strings):
            if len(segs) < 2:
                continue
            end, rest = (segs[0], segs[1:]) if first else (segs[-1], segs[:-1])
            if 0 < len(_words(end)) <= min(MAX_NAME_WORDS, len(_words(" ".join(rest))) - 1):
                by_end.setdefault(_squash(end), set()).add(_squash(" ".join(rest)))
                by_rest.setdefault(_squash(" ".join(rest)), set()).add(_squash(end))
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
    if m and _squash(m.group(1)) in names and len(_words(title[m.end():])) >= 1:
        return title[m.end():]
    return title


def _is_leading_run(text: str, title: str) -> bool:
    """``text`` is the first separator-delimited segments of ``title`` (not all), word for word."""
    segs, ws = _segments(title), _words(text)
    return bool(ws) and any(_words(" ".join(segs[:k])) == ws for k in range(1, len(segs)))


def _rejoin(title: str, segs: list[str]) -> str:
    """The part of ``title`` from its first kept segment to its last, separators as written."""
    start = title.find(segs[0])
    end = title.find(segs[-1], start) + len(segs[-1])
    return title[start:end] if start >= 0 and end > start else " ".join(segs)


def _h1s(tree: etree._Element) -> list[tuple[etree._Element, str]]:
    out = []
    for h in tree.iter("h1"):
        text = element_text(h)
        if 0 < len(text) <= MAX_H1_CHARS:
            out.append((h, text))
    return out


def _declared(h1: etree._Element) -> bool:
    """The page marks this heading as the article's headline (schema.org microdata)."""
    return h1.get("itemprop") == "headline" or any(
        e.get("itemprop") == "headline" and len(e.text_content()) * 2 > len(h1.text_content())
        for e in h1.iterdescendants() if isinstance(e.tag, str))


def _lost_letters(h1: str) -> re.Pattern:
    """``h1`` as a pattern in which each "?" / U+FFFD stands for the one to three characters
    that a conversion to a narrower charset replaced."""
    return re.compile("".join(".{1,3}" if c in "?\ufffd" else re.escape(c) for c in h1))


def _as_written(h1: str, strings: list[str]) -> str:
    """``h1``, or the title string that writes the same words better: in mixed case where the
    heading is all capitals (a styled heading), or with the letters the heading lost to "?"."""
    for t in strings:
        if not any(c.islower() for c in h1) and any(c.islower() for c in t) and _words(t) == _words(h1):
            return t
        lost = h1.count("?") + h1.count("\ufffd")
        # (a few marks only: each one multiplies the ways a pattern can match)
        if 0 < lost <= MAX_LOST_LETTERS and len(h1) <= len(t) <= len(h1) + 2 * lost \
                and _lost_letters(h1).fullmatch(t):
            return t
    return h1


def article_h1(h1s: list[str], title_strings: list[str], names: set[str],
               declared: Sequence[bool] = (), url: str | None = None,
               heads: list[str] | None = None) -> str | None:
    """The ``<h1>`` (of ``h1s``, the page's) that reads as the headline: it agrees with the
    title strings; else the first one the page declares its headline (``declared``:
    itemprop=headline); else the first one that is not the site's name, when it names what
    the URL's slug names (the title strings then carry an SEO variant of the headline)."""
    if not h1s:
        return None
    if not title_strings:
        own = [h for h in h1s if not _is_site(h, names)]
        return own[0] if len(own) == 1 else None
    best = _agreeing_h1(h1s, title_strings, names,
                        heads if heads is not None else [strip_site_name(t, names) for t in title_strings])
    if best:
        return best
    own = [(h, d) for h, d in zip(h1s, list(declared) + [False] * len(h1s)) if not _is_site(h, names)]
    for h, d in own:
        if d:
            return h
    slug = slug_words(url)
    longest = max(len(_words(t)) for t in title_strings)
    if own and len(slug) >= MIN_SLUG_WORDS and len(_words(own[0][0])) <= 2 * longest:
        # (an h1 twice as long as any title string is a blurb, not a headline)
        common = sum(1 for w in slug if w in set(_words(own[0][0])))
        if common >= MIN_SLUG_WORDS and common / len(slug) >= MIN_SLUG_IN_H1:
            return own[0][0]
    return None


def _agreeing_h1(h1s: list[str], title_strings: list[str], names: set[str], heads: list[str]) -> str | None:
    best, best_score = None, 0.0
    for h in h1s:
        if _is_site(h, names) and not any(_squash(h) == _squash(x) for x in heads):
            continue  # the logo
        score = max((_share(h, t) + _share(head, h) for t, head in zip(title_strings, heads)
                     if _share(h, t) >= MIN_H1_IN_TITLE and _share(head, h) >= MIN_TITLE_IN_H1), default=0.0)
        if not score and any(_is_leading_run(h, t) for t in title_strings):
            score = 2.0  # the title is "Headline | a long tagline": the h1 is its first part
        if score > best_score:
            best, best_score = h, score
    return best


def headline(tree: etree._Element, title_strings: list[str], site_name: str | None,
             url: str | None, publisher_names: Iterable[str] = ()) -> str | None:
    """The headline: the article's ``<h1>``, else the first title string without the site name.
    ``title_strings``: og:title, JSON-LD headline, twitter:title, ``<title>`` (None/"" skipped)."""
    strings = [" ".join(repair(t).split()) for t in title_strings if t and t.strip()]
    names = SiteNames(site_names(site_name, url, publisher_names))
    if any(len(segs) >= 2 and not _is_site(segs[-1], names) and not _is_site(segs[0], names)
           for segs in map(_segments, strings)):
        names |= brand_names(tree, url)  # only when a title segment is still unexplained
    # A heading that repeats a trailing segment of the title is the site's logo/name - when
    # the segment is name-sized, or another title string is the rest ("Faculty hiring news").
    # "Opinion | Republicans Are Following Trump to Nowhere" with the h1 "Republicans Are ..."
    # is a section before the headline, not a headline before a name.
    names |= _varying_names(strings)
    alone = {_squash(t) for t in strings}
    tails = {_squash(segs[-1]) for segs in map(_segments, strings)
             if len(segs) >= 2 and not _is_site(segs[0], names)
             and (len(_words(segs[-1])) <= max(MAX_NAME_WORDS, len(_words(" ".join(segs[:-1]))))
                  or _squash(" ".join(segs[:-1])) in alone)}
    found = _h1s(tree)
    names.update(sq for sq in (_squash(t) for _, t in found) if sq in tails)
    heads = [strip_site_name(t, names) for t in strings]
    h1s = [undecorated(el, text, heads + strings) for el, text in found]
    # one element marked as the headline is a declaration; a listing marks every teaser
    declared = [_declared(el) for el, _ in found]
    if any(declared) and _HEADLINE_MARKS(tree) != 1:  # (the count walks the whole page: only then)
        declared = []
    # a title string that is only the site's name ("매일경제") says nothing of the article
    telling = [t for t in strings if _squash(t) not in names]
    others = [h for t, h in zip(strings, heads) if _squash(t) not in names]
    h1 = article_h1(h1s, telling, names, declared, url, others)
    if h1:
        # some templates put "Headline – Site" in the h1 too
        return _as_written(_untruncated(strip_site_name(h1, names), heads), [h for h in heads if h])
    if not strings:
        return None
    return _without_section(_untruncated(strip_site_name((telling or strings)[0], names), others), others)


def _untruncated(head: str, others: list[str]) -> str:
    """``head``, or the title string it is a cut-off start of ("Samsung to build new…")."""
    m = _ELLIPSIS.search(head)
    if m:
        start = _words(head[:m.start()])
        for o in others:
            ws = _words(o)
            if len(ws) > len(start) and ws[:len(start)] == start and not _ELLIPSIS.search(o):
                return o
    return head


def _without_section(head: str, others: list[str]) -> str:
    """``head`` without a leading section segment ("Opinion | Is Football Violence a Crime?")
    when another title string of the page gives the headline without it."""
    segs = _segments(head)
    if len(segs) >= 2 and len(_words(segs[0])) <= MAX_NAME_WORDS:
        rest = _rejoin(head, segs[1:])
        if any(_words(o) == _words(rest) for o in others):
            return rest
    return head
