"""Backfill end to end on a copy of the sample site with sitemaps (tests/sitemap_site.py),
served on 127.0.0.1, on SQLite and PostgreSQL (``db_url``), without Prefect (the flow
around these functions runs in tests/test_prefect_server.py)."""
from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import update

from flows.backfill_core import run_backfill_plain, window
from flows.cycle import summarize
from flows.runtime import run_cycle_plain
from models.store import Store
from models.tables import Article
from newsmon.cli import main
from newsmon.errors import ConfigError
from newsmon.sample_server import SAMPLE_SITE, SampleSite
from newsmon.settings import parse_settings
from scrapers.extract import EXTRACTOR_VERSION
from tests.sitemap_site import write_sitemaps

REPO = Path(__file__).resolve().parent.parent
NOVEMBER = dict(since=date(2026, 11, 20), until=date(2026, 11, 28))
FIELDS = ("title", "text", "published", "language", "entities", "status", "authors", "mentions")


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE, root)
    with SampleSite(root) as s:
        s.index = write_sitemaps(root, s.base)  # type: ignore[attr-defined]
        yield s


def make_settings(site, db_url: str, tmp_path: Path, watchlist: Path | None = None):
    return parse_settings({
        "database": {"url": db_url},
        "watchlist": {"path": str(watchlist or REPO / "watchlists" / "default.toml")},
        "fetch": {"allow_networks": ["127.0.0.1/32"], "deadline_s": 10.0, "retries": 0},
        "poll": {"extract_workers": 0},
        "feeds": [
            {"name": "Herald", "url": site.url("/feeds/herald-business.xml"), "timezone": "Asia/Seoul",
             "sitemap": site.index},
            {"name": "Daily", "url": site.url("/feeds/daily-tech.atom"), "sitemap": site.index},
            {"name": "Korean", "url": site.url("/feeds/korean.rdf"), "timezone": "Asia/Seoul"},
            {"name": "Wire", "url": site.url("/feeds/wire.json")},
        ],
    }, base_dir=tmp_path)


def wire_settings(db_url: str, tmp_path: Path):
    """Settings for stored backfills of hand-made articles (one feed that is never polled)."""
    return parse_settings({
        "database": {"url": db_url},
        "watchlist": {"path": str(REPO / "watchlists" / "default.toml")},
        "fetch": {"allow_networks": ["127.0.0.1/32"]},
        "poll": {"extract_workers": 0},
        "feeds": [{"name": "Wire", "url": "http://127.0.0.1:9/feed.xml"}],
    }, base_dir=tmp_path)


def rows_by_path(store: Store, site) -> dict[str, dict]:
    return {r["url"].removeprefix(site.base): r for r in store.export_rows()}


def article_hits(site) -> dict[str, int]:
    return {p: n for p, n in site.hits.items() if p.startswith(("/articles/", "/private/"))}


async def test_sitemap_backfill_stores_like_polling_and_never_duplicates(site, db_url, tmp_path):
    # Reference: every story reached by polling all feeds (own SQLite database).
    ref_settings = make_settings(site, f"sqlite:///{tmp_path / 'reference.db'}", tmp_path)
    await run_cycle_plain(ref_settings)
    reference = rows_by_path(Store(ref_settings.database_url), site)
    site.hits.clear()

    settings = make_settings(site, db_url, tmp_path)
    await run_cycle_plain(settings, [settings.feed("Herald")])  # polling stored two stories
    store = Store(settings.database_url)
    assert set(rows_by_path(store, site)) == {"/articles/samsung-hbm.html", "/articles/metaverse.html"}
    polled_hits = article_hits(site)

    s = await run_backfill_plain(settings, **NOVEMBER)
    assert s["source"] == "sitemap" and s["since"] == "2026-11-20" and s["until"] == "2026-11-28"
    assert s["articles_new"] == 3 and s["articles_duplicate"] == 2 and s["articles_skipped"] == 1
    assert s["urls_in_window"] == 6 and s["feeds_without_sitemap"] == 2 and s["feeds_failed"] == 0
    # Known stories were not fetched again (the sitemap lists one with ?utm_source=sitemap);
    # robots.txt still keeps /private/ out; dates outside the window and the 2025 sitemap untouched.
    hits = article_hits(site)
    assert hits["/articles/samsung-hbm.html"] == polled_hits["/articles/samsung-hbm.html"] == 1
    assert hits["/articles/metaverse.html"] == 1
    assert hits.get("/private/internal-memo.html", 0) == 0
    assert hits.get("/articles/old-story.html", 0) == 0 and hits.get("/articles/ancient.html", 0) == 0
    assert site.hits["/sitemaps/articles-2025-01.xml"] == 0

    # Exactly what polling stores: same canonical URLs, text, dates, flags and mentions.
    rows = rows_by_path(store, site)
    assert set(rows) == set(reference)
    for path, ref in reference.items():
        assert {k: rows[path][k] for k in FIELDS} == {k: ref[k] for k in FIELDS}, path
    assert {f["url"].removeprefix(site.base) for f in s["flagged_stories"]} == {
        "/articles/lg-cho.html", "/articles/nec-audit.html", "/articles/meta-seoul.html"}

    # A re-run (e.g. after a crash) does nothing new; polling everything afterwards neither.
    before = article_hits(site)
    s2 = await run_backfill_plain(settings, **NOVEMBER)
    assert s2["articles_new"] == 0 and s2["articles_duplicate"] == 5
    assert article_hits(site) == before
    s3 = summarize(await run_cycle_plain(settings, force=True))
    assert s3["articles_new"] == 0 and s3["articles_duplicate"] >= 5
    # Polling fetches a stored story again only when its feed link is a URL form never seen
    # (Daily links meta-seoul with ?ref=atom, a non-tracking parameter); it is then recorded as
    # one more URL form of the same article, not as a new one.
    refetched = {p for p, n in article_hits(site).items() if n != before.get(p, 0)}
    assert refetched == {"/articles/meta-seoul.html"}
    assert len(list(store.export_rows())) == 5
    assert store.article_id(site.url("/articles/meta-seoul.html?ref=atom")) == rows["/articles/meta-seoul.html"]["id"]


async def test_sitemap_backfill_date_window(site, tmp_path):
    settings = make_settings(site, f"sqlite:///{tmp_path / 'w.db'}", tmp_path)
    store = Store(settings.database_url)
    one_day = await run_backfill_plain(settings, since=date(2026, 11, 26), until=date(2026, 11, 26))
    assert one_day["articles_new"] == 1
    assert list(rows_by_path(store, site)) == ["/articles/meta-seoul.html"]

    october = await run_backfill_plain(settings, since=date(2026, 10, 1), until=date(2026, 10, 3), feeds=["Herald"])
    assert october["articles_new"] == 1 and october["feeds"] == 1
    old = rows_by_path(store, site)["/articles/old-story.html"]
    assert old["published"] == "2026-10-02T08:00:00Z" and "lg" in old["entities"]
    assert site.hits["/articles/ancient.html"] == 0


def test_window_and_bad_ranges():
    start, end = window(date(2026, 11, 20), date(2026, 11, 28))
    assert (start.isoformat(), end.isoformat()) == ("2026-11-20T00:00:00+00:00", "2026-11-29T00:00:00+00:00")
    assert window(date(2026, 11, 20), today=date(2026, 11, 21))[1].day == 22
    with pytest.raises(ConfigError, match="since 2026-11-30 is after until 2026-11-01"):
        window(date(2026, 11, 30), date(2026, 11, 1))


def _watchlist_without_sk_hynix_with_kospi(tmp_path: Path) -> Path:
    text = (REPO / "watchlists" / "default.toml").read_text(encoding="utf-8")
    head, *blocks = re.split(r"(?m)^\[\[entities\]\]\n", text)
    kept = [b for b in blocks if 'id = "sk_hynix"' not in b]
    assert len(kept) == len(blocks) - 1
    kept.append('id = "kospi"\nname = "Kospi"\nkind = "other"\naliases = ["Kospi"]\n')
    path = tmp_path / "changed.toml"
    path.write_text(head + "".join("[[entities]]\n" + b for b in kept), encoding="utf-8")
    return path


async def test_stored_backfill_after_watchlist_and_extractor_change_keeps_reviews(site, db_url, tmp_path):
    settings = make_settings(site, db_url, tmp_path)
    await run_cycle_plain(settings)
    store = Store(settings.database_url)
    rows = rows_by_path(store, site)
    hbm = rows["/articles/samsung-hbm.html"]
    assert {"samsung", "sk_hynix"} <= set(hbm["entities"]) and "kospi" not in hbm["entities"]
    store.set_review(hbm["id"], "relevant", note="checked by hand", reviewer="analyst")
    site.hits.clear()

    # The watchlist changes: SK hynix is dropped, Kospi added.
    changed = make_settings(site, db_url, tmp_path, watchlist=_watchlist_without_sk_hynix_with_kospi(tmp_path))
    s = await run_backfill_plain(changed, since=date(2026, 11, 1), source="stored")
    assert s["candidates"] == 5 and s["rematched"] == 5 and s["reextracted"] == 0 and s["failed"] == 0
    assert not site.hits  # nothing fetched
    [ch] = [c for c in s["changes"] if c["id"] == hbm["id"]]
    assert ch["added"] == ["kospi"] and ch["removed"] == ["sk_hynix"] and ch["review_state"] == "relevant"
    after = rows_by_path(store, site)["/articles/samsung-hbm.html"]
    assert set(after["entities"]) == set(hbm["entities"]) - {"sk_hynix"} | {"kospi"}
    assert "kospi" in {m["entity"] for m in after["mentions"]}
    assert after["review_state"] == "relevant" and after["text"] == hbm["text"]
    from flows.backfill import stored_markdown  # the run's summary artifact (escaped markdown)
    md = stored_markdown(s, "2026-11-01 to 2026-11-28")
    assert "| 5 | 0 | 5 |" in md and "kospi" in md and "sk\\_hynix" in md and "relevant" in md
    events = store.review_events(hbm["id"])
    assert [e.to_state for e in events] == ["relevant", "relevant"]
    assert events[0].note == "checked by hand" and "+kospi" in events[1].note and "-sk_hynix" in events[1].note

    # Re-run: everything is current, nothing to do.
    again = await run_backfill_plain(changed, since=date(2026, 11, 1), source="stored")
    assert again["candidates"] == 0 and again["rematched"] == again["reextracted"] == 0

    # An article extracted by an older extractor version is re-extracted from its kept page.
    lg_id = rows["/articles/lg-cho.html"]["id"]
    with store.session(write=True) as sess:
        sess.execute(update(Article.__table__).where(Article.__table__.c.id == lg_id)
                     .values(extractor_version="0.9-old", text="stale text"))
        sess.commit()
    s = await run_backfill_plain(changed, since=date(2026, 11, 1), source="stored", feeds=["Korean", "Herald"])
    assert s["reextracted"] == 1 and s["rematched"] == 0 and s["candidates"] == 1
    lg = store.get_article(lg_id)
    assert lg.extractor_version == EXTRACTOR_VERSION and lg.text == rows["/articles/lg-cho.html"]["text"]
    assert not site.hits
    assert store.get_article(hbm["id"]).review_state == "relevant"


def _write_config(site, tmp_path: Path) -> Path:
    cfg = tmp_path / "newsmon.toml"
    cfg.write_text("\n".join([
        "[database]", f'url = "sqlite:///{tmp_path / "cli.db"}"',
        "[watchlist]", f'path = "{REPO / "watchlists" / "default.toml"}"',
        "[fetch]", 'allow_networks = ["127.0.0.1/32"]', "retries = 0",
        "[poll]", "extract_workers = 0",
        "[[feeds]]", 'name = "Herald"', f'url = "{site.url("/feeds/herald-business.xml")}"',
        f'sitemap = "{site.index}"', 'timezone = "Asia/Seoul"',
    ]) + "\n", encoding="utf-8")
    return cfg


def test_backfill_cli_json_lines_and_one_line_errors(site, tmp_path, capsys):
    cfg = _write_config(site, tmp_path)
    assert main(["backfill", "--config", str(cfg), "--since", "2026-11-20", "--until", "2026-11-28",
                 "--no-prefect"]) == 0
    lines = [json.loads(ln) for ln in capsys.readouterr().out.splitlines()]
    assert lines[-1]["event"] == "summary" and lines[-1]["articles_new"] == 5
    assert {ln["event"] for ln in lines[:-1]} == {"flagged"}

    assert main(["backfill", "--config", str(cfg), "--since", "2026-11-01", "--source", "stored",
                 "--no-prefect"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    # Nothing is stale: the articles were stored with the current extractor and watchlist digest.
    assert summary["source"] == "stored" and summary["rematched"] == 0

    for argv, message in [
        (["--since", "2026-11-30", "--until", "2026-11-01"], "since 2026-11-30 is after until 2026-11-01"),
        (["--since", "2026-11-01", "--feed", "Nope"], "unknown feed name(s): Nope"),
    ]:
        assert main(["backfill", "--config", str(cfg), "--no-prefect", *argv]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1
    with pytest.raises(SystemExit) as ei:
        main(["backfill", "--config", str(cfg), "--since", "1 Nov"])
    assert ei.value.code == 2 and "is not a date like 2026-11-01" in capsys.readouterr().err


def _digest_under(wl, monkeypatch, version: str) -> str:
    """The watchlist's digest as an older matcher (rules ``version``) computed it."""
    import watch.watchlist as watchlist_module

    current = wl.digest()
    monkeypatch.setattr(watchlist_module, "RULES_VERSION", version)
    old = wl.digest()
    monkeypatch.undo()
    assert old != current and wl.digest() == current
    return old


async def _rematch_under_new_rules(db_url, tmp_path, monkeypatch, version: str, stories: dict,
                                   reviewed: str) -> tuple[Store, dict, dict]:
    """Stores ``stories`` (slug -> (title, text, entity the older matcher flagged)) with the
    digest of rules ``version``, reviews ``reviewed``, runs a stored backfill."""
    from datetime import datetime, timezone

    from models.records import ArticleRecord, MentionRecord
    from watch import load_watchlist

    settings = wire_settings(db_url, tmp_path)
    old = _digest_under(load_watchlist(REPO / "watchlists" / "default.toml"), monkeypatch, version)
    store = Store(settings.database_url)
    when = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)
    ids = {}
    for slug, (title, text, entity) in stories.items():
        rec = ArticleRecord(url=f"https://news.example/{slug}", feed="Wire", title=title, text=text,
                            published=when, extractor_version=EXTRACTOR_VERSION, watchlist_digest=old)
        ids[slug], _ = store.save_article(
            rec, [MentionRecord(entity, 1, False, text[-40:], f'alias "{entity}" ×1 in body')])
    store.set_review(ids[reviewed], "relevant", note="looked fine", reviewer="analyst")
    s = await run_backfill_plain(settings, since=date(2026, 11, 20), source="stored")
    assert s["candidates"] == len(stories) and s["rematched"] == len(stories) and s["failed"] == 0
    again = await run_backfill_plain(settings, since=date(2026, 11, 20), source="stored")
    assert again["candidates"] == 0 and again["rematched"] == 0
    return store, ids, s


async def test_stored_backfill_rematches_when_the_matching_rules_change(db_url, tmp_path, monkeypatch):
    """The watchlist digest hashes the matcher's rules version (and its word lists): an
    archive matched under older rules is stale and re-matched, changed flags audited."""
    store, ids, s = await _rematch_under_new_rules(db_url, tmp_path, monkeypatch, "watch-rules-1", {
        # what the 0.1.0 matcher stored: "LG" flagged in both
        "box-office": ("Weekend box office", ("Studios reported their weekend grosses on Sunday.\n\n"
                                              "The Shack (LG), $10M -38%, 2,888 locations"), "lg"),
        "lg-prices": ("LG to cut TV prices", "LG said on Monday it would cut TV prices in Europe.", "lg"),
    }, reviewed="box-office")
    assert s["reextracted"] == 0
    [ch] = s["changes"]  # only the box-office story changed: its "LG" is a table cell
    assert ch["id"] == ids["box-office"] and ch["removed"] == ["lg"] and ch["added"] == []
    assert ch["review_state"] == "relevant"
    rows = {r["id"]: r for r in store.export_rows()}
    assert rows[ids["box-office"]]["entities"] == [] and rows[ids["lg-prices"]]["entities"] == ["lg"]
    events = store.review_events(ids["box-office"])
    assert [e.to_state for e in events] == ["relevant", "relevant"] and "-lg" in events[1].note


async def test_stored_backfill_records_flags_changed_by_rules_3(db_url, tmp_path, monkeypatch):
    """Rules 3 (venues for every alias): a story flagged for "Samsung" only as the name of a
    venue under rules 2 loses the flag, and the review history says so."""
    store, ids, s = await _rematch_under_new_rules(db_url, tmp_path, monkeypatch, "watch-rules-2", {
        "concert": ("Tour dates", "The band plays the Samsung Stadium on Friday night.", "samsung"),
        "chips": ("Chip output", "Samsung said it would raise chip output.", "samsung"),
    }, reviewed="concert")
    [ch] = s["changes"]
    assert ch["id"] == ids["concert"] and ch["removed"] == ["samsung"] and ch["review_state"] == "relevant"
    rows = {r["id"]: r for r in store.export_rows()}
    assert rows[ids["concert"]]["entities"] == [] and rows[ids["chips"]]["entities"] == ["samsung"]
    events = store.review_events(ids["concert"])
    assert [e.to_state for e in events] == ["relevant", "relevant"] and "-samsung" in events[1].note


async def test_stored_backfill_reextracts_older_extractor_output_and_its_flags(site, db_url, tmp_path):
    """Articles stored by an older EXTRACTOR_VERSION are re-extracted from their kept page with
    the current extractor (body choice included): a body that lost its end regains it and the
    entity named only there is flagged again; a page stored as "no article body" gets its body."""
    from models.tables import Mention

    settings = make_settings(site, db_url, tmp_path)
    await run_cycle_plain(settings)
    store = Store(settings.database_url)
    rows = rows_by_path(store, site)
    hbm, lg = rows["/articles/samsung-hbm.html"], rows["/articles/lg-cho.html"]
    assert "sk_hynix" in hbm["entities"] and lg["status"] == "ok" and lg["text"]
    # What an older extractor stored: the HBM story cut before its SK hynix part (recall lost
    # at the end), without that mention; the LG story as "no article body".
    cut = hbm["text"].split("SK hynix")[0].rsplit("\n\n", 1)[0]
    assert cut and "SK hynix" not in cut and len(cut) < len(hbm["text"])
    t, m = Article.__table__, Mention.__table__
    with store.session(write=True) as sess:
        sess.execute(update(t).where(t.c.id == hbm["id"]).values(
            extractor_version="2.0.0", text=cut, entities=sorted(set(hbm["entities"]) - {"sk_hynix"})))
        sess.execute(m.delete().where(m.c.article_id == hbm["id"], m.c.entity_id == "sk_hynix"))
        sess.execute(update(t).where(t.c.id == lg["id"]).values(
            extractor_version="2.0.0", text="", status="no_body",
            reason="no article body found (0 characters of candidate text)"))
        sess.commit()
    assert "sk_hynix" not in rows_by_path(store, site)["/articles/samsung-hbm.html"]["entities"]
    site.hits.clear()

    s = await run_backfill_plain(settings, since=date(2026, 11, 1), source="stored")
    assert s["reextracted"] == 2 and s["failed"] == 0
    assert not site.hits  # from the kept raw HTML, nothing fetched
    after = rows_by_path(store, site)
    new_hbm, new_lg = after["/articles/samsung-hbm.html"], after["/articles/lg-cho.html"]
    assert new_hbm["text"] == hbm["text"] and "SK hynix" in new_hbm["text"]
    assert "sk_hynix" in new_hbm["entities"] and "sk_hynix" in {x["entity"] for x in new_hbm["mentions"]}
    assert new_lg["status"] == "ok" and new_lg["text"] == lg["text"]
    for r in (new_hbm, new_lg):
        assert store.get_article(r["id"]).extractor_version == EXTRACTOR_VERSION
    again = await run_backfill_plain(settings, since=date(2026, 11, 1), source="stored")
    assert again["reextracted"] == 0


async def test_stored_backfill_scores_flags_stored_without_prominence(db_url, tmp_path):
    """Flags stored before prominence existed (NULL score, current watchlist digest) make
    their article stale: the stored backfill re-matches it and stores score and parts."""
    from datetime import datetime, timezone

    from models.records import ArticleRecord, MentionRecord
    from watch import load_watchlist

    settings = wire_settings(db_url, tmp_path)
    digest = load_watchlist(REPO / "watchlists" / "default.toml").digest()
    store = Store(settings.database_url)
    text = ("LG said on Monday it would cut TV prices in Europe.\n\nLG expects sales to recover. "
            "Analysts were not surprised.")
    rec = ArticleRecord(url="https://news.example/lg-prices", feed="Wire", title="LG to cut TV prices",
                        text=text, published=datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc),
                        extractor_version=EXTRACTOR_VERSION, watchlist_digest=digest)
    aid, _ = store.save_article(rec, [MentionRecord("lg", 3, True, text[:40], 'alias "LG" ×3')])
    assert store.get_article(aid).mentions[0].prominence is None

    s = await run_backfill_plain(settings, since=date(2026, 11, 20), source="stored")
    assert s["candidates"] == 1 and s["rematched"] == 1 and s["changes"] == []
    [m] = store.get_article(aid).mentions
    assert m.prominence is not None and m.prominence >= 55  # headline + lede + most sentences
    assert m.prominence == sum(m.prominence_parts[k] for k in ("headline", "lede", "mentions", "sentences",
                                                              "position"))
    [row] = store.export_rows()
    assert row["mentions"][0]["prominence"] == m.prominence and row["mentions"][0]["prominence_parts"]["in_title"]
    again = await run_backfill_plain(settings, since=date(2026, 11, 20), source="stored")
    assert again["candidates"] == 0 and again["rematched"] == 0
    store.close()
