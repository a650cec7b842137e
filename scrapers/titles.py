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
2. Otherwise og:title / JSON-LD headline / twitter:title / ``<title>`` (the first that is not
   just the site's name) without the site-name segment and the section, breadcrumb or author
   segments around it (``scrapers.sitenames``); a leading section ("Opinion | ...") goes when
   another title string gives the headline without it.
Either way a headline cut off with an ellipsis gives way to the title string it starts.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import unquote, urlsplit

from lxml import etree

from scrapers.headingtext import element_text, repair, undecorated, words
from scrapers.sitenames import (
    MAX_NAME_WORDS,
    SiteNames,
    brand_names,
    is_site,
    rejoin,
    segments,
    site_names,
    squash,
    strip_site_name,
    varying_names,
)

MAX_H1_CHARS = 300
_HEADLINE_MARKS = etree.XPath("count(//*[@itemprop='headline'])")
MAX_LOST_LETTERS = 4
# h1 words that occur in a title string / title headline words that occur in the h1
MIN_H1_IN_TITLE = 0.5
MIN_TITLE_IN_H1 = 0.3
# an h1 the title strings do not confirm: slug words it must contain (count and share)
MIN_SLUG_WORDS = 2
MIN_SLUG_IN_H1 = 0.5
_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)$")
_PAGE_SUFFIX = re.compile(r"\.(?:s?html?|php\d?|aspx?|jsp)$", re.IGNORECASE)


_words = words


def _share(a: str, b: str) -> float:
    """Share of a's words that occur in b."""
    wa, wb = _words(a), set(_words(b))
    return sum(1 for w in wa if w in wb) / len(wa) if wa else 0.0


def slug_words(url: str | None) -> list[str]:
    """Words of the last segment of ``url``'s path ("best-drip-coffee-maker"), numbers left out."""
    path = unquote(urlsplit(url).path) if url else ""
    last = _PAGE_SUFFIX.sub("", next((p for p in reversed(path.split("/")) if p), ""))
    return [w for w in re.findall(r"[^\W_]+", last.lower()) if not w.isdigit()]


def _is_leading_run(text: str, title: str) -> bool:
    """``text`` is the first separator-delimited segments of ``title`` (not all), word for word."""
    segs, ws = segments(title), _words(text)
    return bool(ws) and any(_words(" ".join(segs[:k])) == ws for k in range(1, len(segs)))


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
        own = [h for h in h1s if not is_site(h, names)]
        return own[0] if len(own) == 1 else None
    best = _agreeing_h1(h1s, title_strings, names,
                        heads if heads is not None else [strip_site_name(t, names) for t in title_strings])
    if best:
        return best
    own = [(h, d) for h, d in zip(h1s, list(declared) + [False] * len(h1s)) if not is_site(h, names)]
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
        if is_site(h, names) and not any(squash(h) == squash(x) for x in heads):
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
    found = _h1s(tree)
    names = _site_names(tree, strings, site_name, url, publisher_names, [t for _, t in found])
    heads = [strip_site_name(t, names) for t in strings]
    h1s = [undecorated(el, text, heads + strings) for el, text in found]
    # one element marked as the headline is a declaration; a listing marks every teaser
    declared = [_declared(el) for el, _ in found]
    if any(declared) and _HEADLINE_MARKS(tree) != 1:  # (the count walks the whole page: only then)
        declared = []
    # a title string that is only the site's name ("매일경제") says nothing of the article
    telling = [t for t in strings if squash(t) not in names]
    others = [h for t, h in zip(strings, heads) if squash(t) not in names]
    h1 = article_h1(h1s, telling, names, declared, url, others)
    if h1:
        # some templates put "Headline – Site" in the h1 too
        return _as_written(_untruncated(strip_site_name(h1, names), heads), [h for h in heads if h])
    if not strings:
        return None
    return _without_section(_untruncated(strip_site_name((telling or strings)[0], names), others), others)


def _site_names(tree: etree._Element, strings: list[str], site_name: str | None, url: str | None,
                publisher_names: Iterable[str], h1s: list[str]) -> SiteNames:
    """The site's names for this page: declared and host names, the brand the page shows, the
    end segments its title strings show to be names, and a logo h1."""
    names = SiteNames(site_names(site_name, url, publisher_names))
    if any(len(segs) >= 2 and not is_site(segs[-1], names) and not is_site(segs[0], names)
           for segs in map(segments, strings)):
        names |= brand_names(tree, url)  # only when a title segment is still unexplained
    names |= varying_names(strings)
    # A heading that repeats a trailing segment of the title is the site's logo/name - when
    # the segment is name-sized, or another title string is the rest ("Faculty hiring news").
    # "Opinion | Republicans Are Following Trump to Nowhere" with the h1 "Republicans Are ..."
    # is a section before the headline, not a headline before a name.
    alone = {squash(t) for t in strings}
    tails = {squash(segs[-1]) for segs in map(segments, strings)
             if len(segs) >= 2 and not is_site(segs[0], names)
             and (len(_words(segs[-1])) <= max(MAX_NAME_WORDS, len(_words(" ".join(segs[:-1]))))
                  or squash(" ".join(segs[:-1])) in alone)}
    names.update(sq for sq in map(squash, h1s) if sq in tails)
    return names


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
    segs = segments(head)
    if len(segs) >= 2 and len(_words(segs[0])) <= MAX_NAME_WORDS:
        rest = rejoin(head, segs[1:])
        if any(_words(o) == _words(rest) for o in others):
            return rest
    return head
