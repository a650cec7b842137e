"""The daily digest: the day's stories per entity, escaped markdown, and the ``daily-digest``
Prefect flow storing it as a markdown artifact."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from models.store import Store
from newsmon.settings import parse_settings
from review.clusters import cluster_pending
from review.digest import build_digest, day_bounds, digest_markdown, digest_payload
from review.states import decide
from tests.review_corpus import stories
from tests.review_helpers import REPO, entity_names, save

KST_MIDNIGHT_UTC = datetime(2026, 11, 26, 15, 0, tzinfo=timezone.utc)  # 2026-11-27 00:00 in Seoul


def _seed(store: Store) -> dict[str, int]:
    by = {s.key: s for s in stories()}
    hbm, nec, lg = by["samsung_hbm"], by["nec_audit_ko"], by["lg_hvac"]
    ids = {
        # 2026-11-27 in Seoul: the HBM story from two outlets, the NEC story; LG the day before (Seoul time).
        "hbm1": save(store, url="https://a.example/hbm", title=hbm.title, text="\n\n".join(hbm.paragraphs),
                     feed="Herald", published=KST_MIDNIGHT_UTC + timedelta(hours=1)),
        "hbm2": save(store, url="https://b.example/hbm", title=hbm.alt_title, text="\n\n".join(hbm.paragraphs),
                     feed="Wire", published=KST_MIDNIGHT_UTC + timedelta(hours=20)),
        "nec": save(store, url="https://c.example/nec", title=nec.title, text="\n\n".join(nec.paragraphs),
                    feed="연합뉴스", published=KST_MIDNIGHT_UTC + timedelta(hours=23, minutes=59)),
        "lg": save(store, url="https://d.example/lg", title=lg.title, text="\n\n".join(lg.paragraphs),
                   feed="Herald", published=KST_MIDNIGHT_UTC - timedelta(minutes=1)),
        "evil": save(store, url="javascript:alert(1)", title="Samsung | <script>x</script> [a](javascript:y)",
                     text="Samsung Electronics said so.", feed="Herald",
                     published=KST_MIDNIGHT_UTC + timedelta(hours=2)),
    }
    cluster_pending(store, parse_settings({}).review)
    return ids


def test_digest_groups_the_days_stories_per_entity(tmp_path) -> None:
    with Store(f"sqlite:///{tmp_path / 'd.db'}") as store:
        ids = _seed(store)
        assert day_bounds(date(2026, 11, 27), "Asia/Seoul")[0] == KST_MIDNIGHT_UTC
        order = list(entity_names())
        d = build_digest(store, date(2026, 11, 27), "Asia/Seoul", order)
        assert d.stories == 3  # HBM (two outlets, one story), NEC, the hostile one; LG was the day before
        assert [s.feeds for s in d.by_entity["samsung"] if s.cluster_id == ids["hbm1"]] == [["Herald", "Wire"]]
        assert [s.article_id for s in d.by_entity["nec"]] == [ids["nec"]]
        assert "lg" not in d.by_entity
        assert list(d.by_entity) == sorted(d.by_entity, key=order.index)  # watchlist order
        decide(store, ids["nec"], "irrelevant", reviewer="Kim")
        d2 = build_digest(store, date(2026, 11, 27), "Asia/Seoul", order)
        assert d2.stories == 2 and d2.irrelevant == 1 and "nec" not in d2.by_entity

        md = digest_markdown(d, entity_names())
        assert "## Samsung Electronics (2)" in md and "## National Election Commission (1)" in md
        assert "<script>" not in md and "](javascript:" not in md and "&lt;script&gt;" in md
        payload = digest_payload(d, entity_names())
        assert "<script>" not in repr(payload) and payload["blocks"][0]["type"] == "section"


@pytest.mark.prefect
def test_daily_digest_flow_stores_a_markdown_artifact(prefect_harness, tmp_path) -> None:
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from review.digest import daily_digest

    db = tmp_path / "d.db"
    with Store(f"sqlite:///{db}") as store:
        _seed(store)
    cfg = tmp_path / "newsmon.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{db}"\n[watchlist]\npath = "{REPO / "watchlists" / "default.toml"}"\n'
                   '[schedule]\ntimezone = "Asia/Seoul"\n', encoding="utf-8")
    result = asyncio.run(daily_digest(config_path=str(cfg), day="2026-11-27"))
    assert result["stories"] == 3 and result["date"] == "2026-11-27"

    async def latest() -> str:
        async with get_client() as client:
            arts = await client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["daily-digest"])))
            return arts[-1].data

    data = asyncio.run(latest())
    assert "# newsmon digest for 2026-11-27" in data
    # [web] public_url unset: the entity pages at the address `newsmon web` listens on
    assert ("## [Samsung Electronics](http://127.0.0.1:8765/entity/samsung?since=2026-10-29&until=2026-11-27) (2)"
            in data)


def test_digest_links_each_entity_to_its_desk_page(tmp_path) -> None:
    from tests.web_helpers import desk_client, desk_settings

    url = f"sqlite:///{tmp_path / 'd.db'}"
    with Store(url) as store:
        ids = _seed(store)
        desk = "https://desk.example.org/news"
        d = build_digest(store, date(2026, 11, 27), "Asia/Seoul", list(entity_names()), desk_url=desk + "/")
        page = f"{desk}/entity/samsung?since=2026-10-29&until=2026-11-27"
        assert d.entity_url("samsung") == page and d.as_dict()["entity_pages"]["samsung"] == page
        assert d.entity_url("a b/<x>") == f"{desk}/entity/a%20b%2F%3Cx%3E?since=2026-10-29&until=2026-11-27"
        md = digest_markdown(d, entity_names())
        assert f"## [Samsung Electronics]({page}) (2)" in md
        payload = digest_payload(d, entity_names())
        assert f"*<{page}|Samsung Electronics>* (2)" in repr(payload)
        # Without a desk URL: names only, as before.
        plain = build_digest(store, date(2026, 11, 27), "Asia/Seoul")
        assert "## Samsung Electronics (2)" in digest_markdown(plain, entity_names())
        assert plain.as_dict()["entity_pages"] == {}
        # The link opens the entity page with the digest day's stories.
        settings = desk_settings(url, tmp_path)
        assert settings.web.base_url() == "http://127.0.0.1:8765"
        r = desk_client(store, settings).get(page.removeprefix(desk))  # (the proxy strips /news)
        assert r.status_code == 200 and (f'href="/story/{ids["hbm1"]}"' in r.text
                                         or f'href="/story/{ids["hbm2"]}"' in r.text)
        assert "2026-11-27" in r.text
