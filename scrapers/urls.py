"""Canonical URLs: the identity of an article.

The same story reaches us as ``https://Example.com/a?utm_source=rss#top`` from one feed
and ``https://example.com/a`` from another. ``clean_url`` removes what never changes
the document (tracking parameters, fragments, default ports, host case), and
``canonical_url`` prefers the page's own ``<link rel=canonical>`` when it is a sane
absolute http(s) URL on a related host.
"""
from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that only track the reader (compare Miniflux's `urlcleaner` and
# the ClearURLs rules): removed from article URLs. Matched case-insensitively.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id",
    "ref_src", "ref_url", "cmpid", "cmp", "ito", "ncid", "sr_share", "spm", "s_cid",
    "utm", "from_rss", "rssfeed", "fromrss",
})
TRACKING_PREFIXES = ("utm_", "utm-", "__twitter", "ga_", "hmb_", "pk_", "piwik_", "mtm_", "matomo_")


def _is_tracking(name: str) -> bool:
    n = name.lower()
    return n in TRACKING_PARAMS or n.startswith(TRACKING_PREFIXES)


@functools.lru_cache(maxsize=4096)
def clean_url(url: str, base: str | None = None) -> str:
    """Normalise ``url`` (resolved against ``base``): lower-case scheme and host, drop
    default port, fragment and tracking parameters, keep the order of the others.

    Cached: a pure function of its arguments, and an article's record asks for the same
    URLs' clean forms several times (its link, its final URL, inside canonical_url)."""
    url = url.strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.port and not ((scheme == "http" and parts.port == 80) or (scheme == "https" and parts.port == 443)):
        netloc = f"{host}:{parts.port}"
    else:
        netloc = host
    if ":" in host and not host.startswith("["):  # IPv6 literal
        netloc = netloc.replace(host, f"[{host}]", 1)
    path = parts.path or "/"
    # Re-quote the path the same way whatever the feed did (%7E vs ~, spaces).
    path = quote(unquote(path), safe="/:@!$&'()*+,;=-._~%")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def _site(host: str) -> str:
    """Registrable-ish part of a host: last two labels, or three for co.kr-style hosts."""
    labels = host.lower().split(".")
    if len(labels) >= 3 and len(labels[-2]) <= 3 and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def same_site(a: str, b: str) -> bool:
    """Whether two URLs are on the same site (www.x.co.kr and rss.x.co.kr: yes)."""
    ha, hb = urlsplit(a).hostname or "", urlsplit(b).hostname or ""
    if not ha or not hb:
        return False
    if re.fullmatch(r"[\d.]+|.*:.*", ha) or re.fullmatch(r"[\d.]+|.*:.*", hb):  # IP literals
        return ha == hb
    return _site(ha) == _site(hb)


_BAD_CANONICAL = re.compile(r"^(?:/|/index\.\w+|/home)?$")


def canonical_url(page_url: str, declared: str | None) -> str:
    """The article's identity: its declared canonical URL when trustworthy, else ``page_url`` cleaned.

    A declared canonical is ignored when it is not http(s), points to another site
    (syndication partners set it to the original outlet: that is a different record for
    a monitoring tool that tracks which outlet ran a story), or is the site's home page
    (a common CMS bug that would merge every article into one).
    """
    cleaned = clean_url(page_url)
    if not declared:
        return cleaned
    try:
        cand = clean_url(declared, base=page_url)
    except ValueError:
        return cleaned
    c, p = urlsplit(cand), urlsplit(cleaned)
    if c.scheme not in ("http", "https") or not c.hostname:
        return cleaned
    if _site(c.hostname) != _site(p.hostname or ""):
        return cleaned
    if _BAD_CANONICAL.match(c.path) and not c.query:
        return cleaned
    return cand


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
