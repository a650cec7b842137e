"""Generated news pages and feeds for cycle tests (realistic enough for the extractor)."""
from __future__ import annotations

from html import escape
from xml.sax.saxutils import escape as xml_escape

FILLER = [
    "Analysts said the results reflected strong demand for memory chips used in data centres, "
    "and expected the trend to continue into the first half of next year.",
    "The company's shares rose in Seoul trading, outpacing the broader KOSPI index, as foreign "
    "investors bought technology stocks for a third consecutive session.",
    "Officials declined to give further details, saying a full statement would be published after "
    "the board meeting scheduled for early next month.",
]


def article_html(title: str, paragraphs: list[str], published: str = "2026-11-27T09:00:00+09:00") -> bytes:
    """An article page; ``title`` and ``paragraphs`` are plain text (escaped into the HTML)."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in [*paragraphs, *FILLER])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} | The Test Times</title>
<meta property="og:title" content="{escape(title)}">
<meta property="article:published_time" content="{published}">
</head><body>
<header><nav><a href="/">Home</a> <a href="/business">Business</a></nav></header>
<article><h1>{escape(title)}</h1>
{body}
</article>
<aside><h2>Most read</h2><ul><li><a href="/x">LG Electronics and Yoon Suk Yeol</a></li></ul></aside>
<footer>Copyright The Test Times. All rights reserved.</footer>
</body></html>""".encode()


def rss(base: str, items: list[tuple[str, str]], title: str = "The Test Times") -> bytes:
    """An RSS 2.0 feed; ``items`` are (plain-text title, path or absolute URL)."""
    parts = []
    for i, (t, link) in enumerate(items):
        url = link if "://" in link else base + link
        parts.append(f"<item><title>{xml_escape(t)}</title><link>{xml_escape(url)}</link>"
                     f"<guid isPermaLink=\"false\">item-{i}</guid>"
                     f"<pubDate>Fri, 27 Nov 2026 00:{i % 60:02d}:00 GMT</pubDate></item>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{xml_escape(title)}</title><link>{base}/</link><description>news</description>"
            + "".join(parts) + "</channel></rss>").encode()


def atom(base: str, items: list[tuple[str, str]], title: str = "The Test Daily") -> bytes:
    entries = "".join(
        f'<entry><title>{xml_escape(t)}</title><link rel="alternate" href="{xml_escape(base + p)}"/>'
        f"<id>urn:test:{i}</id><updated>2026-11-27T01:{i % 60:02d}:00Z</updated></entry>"
        for i, (t, p) in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{xml_escape(title)}</title><id>urn:test</id><updated>2026-11-27T01:00:00Z</updated>"
            f"{entries}</feed>").encode()
