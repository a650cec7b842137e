"""Sitemaps for a copy of the sample site (used by the backfill, concurrency and Prefect tests).

``write_sitemaps(root, base)`` adds, under the site root served at ``base``:

    /sitemap_index.xml                 index
      /sitemaps/articles-2026-11.xml.gz  urlset, gzip'd (lastmod: dates with and without time)
      /sitemaps/news.xml                 Google News sitemap (news:publication_date, news:title)
      /sitemaps/archive-index.xml        nested index (no lastmod) -> /sitemaps/deep.xml
      /sitemaps/articles-2025-01.xml     lastmod 2025-01-31: pruned for windows after that
    /articles/old-story.html           an article dated 2026-10-02 (outside November windows)
    /articles/ancient.html             listed only by the 2025 sitemap

The .gz file is written with ``base`` inside (the server substitutes ``{base}`` only in
plain files), so call it after the SampleSite is started.
"""
from __future__ import annotations

import gzip
from pathlib import Path

URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{base}/articles/samsung-hbm.html?utm_source=sitemap</loc><lastmod>2026-11-27T09:30:00+09:00</lastmod></url>
  <url><loc>{base}/articles/metaverse.html</loc><lastmod>2026-11-24</lastmod></url>
  <url><loc>{base}/articles/lg-cho.html</loc><lastmod>2026-11-27T10:15+09:00</lastmod></url>
  <url><loc>{base}/private/internal-memo.html</loc><lastmod>2026-11-23</lastmod></url>
  <url><loc>{base}/articles/old-story.html</loc><lastmod>2026-10-02T08:00:00Z</lastmod></url>
  <url><loc>{base}/articles/undated.html</loc></url>
</urlset>
"""

NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>{base}/articles/nec-audit.html</loc>
    <news:news>
      <news:publication><news:name>Sample Ilbo</news:name><news:language>ko</news:language></news:publication>
      <news:publication_date>2026-11-25T16:40:00+09:00</news:publication_date>
      <news:title>선관위, 채용 비리 감사 결과 발표</news:title>
    </news:news>
  </url>
  <url>
    <loc>{base}/articles/meta-seoul.html</loc>
    <news:news>
      <news:publication><news:name>Sample Daily</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2026-11-26T14:05:00Z</news:publication_date>
      <news:title>Zuckerberg meets Samsung chief Lee Jae-yong in Seoul</news:title>
    </news:news>
  </url>
</urlset>
"""

INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{base}/sitemaps/articles-2026-11.xml.gz</loc><lastmod>2026-11-27T10:20:00+09:00</lastmod></sitemap>
  <sitemap><loc>{base}/sitemaps/news.xml</loc><lastmod>2026-11-27</lastmod></sitemap>
  <sitemap><loc>{base}/sitemaps/archive-index.xml</loc></sitemap>
  <sitemap><loc>{base}/sitemaps/articles-2025-01.xml</loc><lastmod>2025-01-31</lastmod></sitemap>
</sitemapindex>
"""

ARCHIVE_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{base}/sitemaps/deep.xml</loc></sitemap>
</sitemapindex>
"""

DEEP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{base}/articles/metaverse.html</loc><lastmod>2026-11-24</lastmod></url>
  <url><loc>{base}/articles/old-story.html</loc><lastmod>2026-10-02</lastmod></url>
</urlset>
"""

OLD_2025 = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{base}/articles/ancient.html</loc><lastmod>2025-01-15</lastmod></url>
</urlset>
"""


def _article(title: str, date: str, body: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n"))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="article:published_time" content="{date}"></head><body>'
            f'<article><h1>{title}</h1><div class="article-body">{paras}</div></article></body></html>')


OLD_STORY = _article(
    "LG Electronics opens a new appliance plant in Changwon", "2026-10-02T08:00:00Z",
    "LG Electronics said on Friday it had opened a new home appliance plant in Changwon, "
    "South Gyeongsang Province, adding 500 jobs over the next two years.\n"
    "The company expects the plant to raise its output of washing machines and refrigerators by a "
    "fifth and to supply markets in Southeast Asia and Europe from early next year.")

ANCIENT = _article(
    "A story from January 2025", "2025-01-15T08:00:00Z",
    "This page is listed only by a sitemap last modified in January 2025, so a backfill of later "
    "days never fetches it.\nIt exists so that a test can prove that it was not fetched.")

# What a backfill of 2026-11-20..2026-11-28 takes from the index (canonical paths).
IN_NOVEMBER_WINDOW = {"/articles/samsung-hbm.html", "/articles/metaverse.html", "/articles/lg-cho.html",
                      "/private/internal-memo.html", "/articles/nec-audit.html", "/articles/meta-seoul.html"}


def write_sitemaps(root: Path, base: str) -> str:
    """Write the sitemaps into the site at ``root`` served at ``base``; returns the index URL."""
    sm = root / "sitemaps"
    sm.mkdir(exist_ok=True)
    (root / "sitemap_index.xml").write_text(INDEX, encoding="utf-8")
    (sm / "articles-2026-11.xml.gz").write_bytes(gzip.compress(URLSET.replace("{base}", base).encode()))
    (sm / "news.xml").write_text(NEWS, encoding="utf-8")
    (sm / "archive-index.xml").write_text(ARCHIVE_INDEX, encoding="utf-8")
    (sm / "deep.xml").write_text(DEEP, encoding="utf-8")
    (sm / "articles-2025-01.xml").write_text(OLD_2025, encoding="utf-8")
    (root / "articles" / "old-story.html").write_text(OLD_STORY, encoding="utf-8")
    (root / "articles" / "ancient.html").write_text(ANCIENT, encoding="utf-8")
    return base + "/sitemap_index.xml"
