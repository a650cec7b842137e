"""Entity pages, the inbox's prominence order and filter, sparklines and the story view's
prominence parts, on SQLite and PostgreSQL, signed in as a viewer (reading needs no more)."""
from __future__ import annotations

from datetime import date, timedelta

import lxml.html
import pytest

from models.store import Store
from review.web import create_app
from tests.review_helpers import entity_names
from tests.test_escaping import HOSTILE_TEXT
from tests.test_review_web import _seed
from tests.web_helpers import DeskClient, add_users, desk_settings

RANGE = "since=2026-11-25&until=2026-12-04"  # the seeded stories: Nov 27 - Dec 1, and Dec 3 (Seoul)


@pytest.fixture
def desk(store: Store, db_url, tmp_path):
    settings = desk_settings(db_url, tmp_path, auth="password")
    ids = _seed(store)
    add_users(store, settings, vic="viewer")
    return store, ids, settings


def viewer(store: Store, settings, names: dict[str, str] | None = None) -> DeskClient:
    c = DeskClient(create_app(settings, store=store, entity_names=names or entity_names()),
                   base_url="http://127.0.0.1:8765")
    assert c.login("vic").status_code == 303
    return c


def doc(r) -> lxml.html.HtmlElement:
    assert r.status_code == 200, (r.status_code, r.text[:300])
    return lxml.html.fromstring(r.text)


def chart_bars(page) -> list[tuple[str, int]]:
    return [(b.get("data-day"), int(b.get("data-value")))
            for b in page.xpath("//figure[@id='chart']//svg[@role='img']//rect[@class='bar']")]


def day_rows(page) -> list[tuple[str, int]]:
    return [(tr.xpath("td")[0].text, int(tr.xpath("td")[1].text)) for tr in page.xpath("//table[@id='days']/tbody/tr")]


def test_entity_page_charts_every_day_with_the_table_beside_it(desk) -> None:
    store, _, settings = desk
    c = viewer(store, settings)
    page = doc(c.get(f"/entity/samsung?{RANGE}"))
    bars = chart_bars(page)
    assert [d for d, _ in bars] == [(date(2026, 11, 25) + timedelta(days=i)).isoformat() for i in range(10)]
    assert sorted(day_rows(page)) == sorted(bars)  # the same numbers in the table
    # What the store counts for Seoul days, zeros filled in
    from review.digest import day_bounds
    since, until = day_bounds(date(2026, 11, 25), "Asia/Seoul")[0], day_bounds(date(2026, 12, 4), "Asia/Seoul")[1]
    counts = store.mentions_per_day(since, until, "Asia/Seoul", ["samsung"])["samsung"]
    assert dict(bars) == {d: counts.get(date.fromisoformat(d), 0) for d, _ in bars}
    assert bars[0][1] == 0 and any(v > 0 for _, v in bars)
    total = sum(v for _, v in bars)
    assert f"{total} flagged article" in page.get_element_by_id("entity-summary").text_content()
    svg = page.xpath("//figure[@id='chart']//svg")[0]
    assert "Samsung" in svg.get("aria-label") and svg.xpath("title")
    # Entities flagged together, linking to their pages over the same range
    related = page.xpath("//section[@id='related']//a[@class='entity-link']")
    assert related and all(a.get("href").startswith("/entity/") and RANGE in a.get("href")
                           for a in related)
    assert doc(c.get(related[0].get("href"))).get_element_by_id("entity-name") is not None
    # Latest stories, each linking to its story page, with Samsung's prominence in it
    stories = page.xpath("//section[@id='latest']//a[@class='story-link']")
    assert stories and all(a.get("href").startswith("/story/") for a in stories)
    clusters, n = store.review_inbox(entity="samsung", since=since, until=until)
    assert len(stories) == n
    scores = [td.text for td in page.xpath("//section[@id='latest']//tbody/tr/td[2]")]
    assert scores == [str(cl.scores["samsung"]) for cl in clusters]


@pytest.mark.parametrize("query,days", [("", 30), ("?days=7", 7), ("?days=365", 365),
                                        ("?since=2026-11-30&until=2026-11-30", 1)])
def test_ranges(desk, query, days) -> None:
    store, _, settings = desk
    bars = chart_bars(doc(viewer(store, settings).get(f"/entity/nec{query}")))
    assert len(bars) == days
    if days == 1:
        assert bars == [("2026-11-30", 0)]


def test_bad_ranges_and_unknown_entities(desk) -> None:
    store, _, settings = desk
    c = viewer(store, settings)
    for q, msg in [("days=3", "is not one of 7, 30, 90, 365"), ("days=x", "is not one of"),
                   ("since=2026-12-02&until=2026-11-01", "is before since"), ("since=yesterday", "is not a date"),
                   ("since=2020-01-01&until=2026-01-01", "longer than 731 days"),
                   ("since=0001-01-01&until=0001-01-05", "is out of range"),  # before UTC's year 1
                   ("since=9999-12-25&until=9999-12-31", "is out of range")]:
        r = c.get(f"/entity/samsung?{q}")
        assert r.status_code == 400 and msg in r.text, (q, r.status_code)
    for eid in ("no_such_entity", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "x" * 500):
        r = c.get(f"/entity/{eid}")
        assert r.status_code == 404 and "<script>alert" not in r.text


def test_hostile_entity_names_are_inert_on_every_desk_page(desk) -> None:
    store, ids, settings = desk
    hostile = {**entity_names(), "samsung": HOSTILE_TEXT[0]}
    c = viewer(store, settings, hostile)
    for url in (f"/entity/samsung?{RANGE}", f"/entity/lg?{RANGE}", "/", f"/story/{ids['xss']}"):
        r = c.get(url)
        assert r.status_code == 200 and HOSTILE_TEXT[0] not in r.text, url
        page = lxml.html.fromstring(r.text)
        assert not page.xpath("//script[not(@src)]") and not page.xpath("//*[@onerror or @onload or @onmouseover]")
        if url in ("/", f"/entity/samsung?{RANGE}"):  # the name is shown, as text
            assert HOSTILE_TEXT[0] in page.text_content(), url


def test_inbox_sorts_by_prominence_and_filters_on_it(desk) -> None:
    store, _, settings = desk
    c = viewer(store, settings)

    def leads(q: str) -> list[str]:
        return [a.get("href") for a in doc(c.get(f"/?{q}")).xpath("//table[@id='inbox']//a[@class='story-link']")]

    by_time = leads("")
    by_score = leads("sort=prominence")
    assert sorted(by_time) == sorted(by_score) and by_time != by_score
    clusters, _ = store.review_inbox(sort="prominence")
    assert by_score == [f"/story/{cl.lead.id}" for cl in clusters]
    tops = [cl.prominence for cl in clusters]
    assert tops == sorted(tops, reverse=True)
    cut = min(tops) + 1  # leaves out at least the least prominent story
    about = leads(f"min_prominence={cut}")
    assert 0 < len(about) < len(by_time)
    assert about == [f"/story/{cl.lead.id}" for cl in store.review_inbox(min_prominence=cut)[0]]
    assert leads(f"min_prominence={cut}&sort=prominence")[0] == by_score[0]
    # the order survives paging links and the chosen option is kept
    page = doc(c.get("/?sort=prominence&min_prominence=55"))
    assert page.xpath("//select[@id='f-sort']/option[@selected]")[0].get("value") == "prominence"
    assert page.xpath("//input[@id='f-min-prominence']")[0].get("value") == "55"
    for q, msg in [("sort=random", "is not one of time, prominence"),
                   ("min_prominence=101", "0 to 100"), ("since=0001-01-01", "is out of range"),
                   ("until=9999-12-31", "is out of range")]:
        r = c.get(f"/?{q}")
        assert r.status_code == 400 and msg in r.text
    # each entity chip shows the story's score for it and links to the entity page
    chips = doc(c.get("/")).xpath("//table[@id='inbox']//a[contains(@class,'chip')]")
    assert chips and all(a.get("href").startswith("/entity/") for a in chips)
    assert any(a.xpath("span[contains(@class,'score')]") for a in chips)


def test_sparklines_for_every_flagged_entity_link_to_their_pages(desk) -> None:
    store, _, settings = desk
    page = doc(viewer(store, settings).get("/"))
    links = page.xpath("//details[@id='entities']//a[@class='entity-link']")
    assert sorted(a.get("data-entity") for a in links) == store.flagged_entity_ids()
    for a in links:
        assert a.get("href") == f"/entity/{a.get('data-entity')}"
        [svg] = a.xpath(".//svg")
        assert svg.get("role") == "img" and "last 30 days" in svg.get("aria-label")


def test_story_view_explains_each_flags_prominence(desk) -> None:
    store, ids, settings = desk
    aid = next(v for k, v in ids.items() if k.startswith("samsung_hbm/base"))
    art = store.get_article(aid)
    page = doc(viewer(store, settings).get(f"/story/{aid}"))
    for m in art.mentions:
        [table] = page.xpath(f"//table[@class='prominence'][@data-entity='{m.entity_id}']")
        assert table.xpath("caption//strong")[0].text == str(m.prominence)
        parts = {tr.get("data-part"): tr.xpath("td")[1].text for tr in table.xpath("tbody/tr")}
        assert list(parts) == ["headline", "lede", "mentions", "sentences", "position"]
        assert sum(int(v.split("/")[0]) for v in parts.values()) == min(100, m.prominence) or m.prominence == 100
        text = table.text_content()
        assert f"of {m.prominence_parts['sentences_of']} sentences" in text
