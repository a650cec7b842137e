"""Feed health: a failing feed backs off (exponential, capped, Retry-After honoured), is
not polled while it backs off, recovers on success; ``newsmon feeds --format jsonl`` shows it.
Real HTTP on 127.0.0.1; the feed server answers with errors on demand."""
from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from flows.cycle import summarize
from flows.runtime import run_cycle_plain
from models.store import Store
from newsmon.cli import main
from newsmon.sample_server import SAMPLE_SITE, SampleSite
from newsmon.settings import load_settings

REPO = Path(__file__).resolve().parent.parent


class FlakySite(SampleSite):
    """The sample site, with chosen paths answering an error status (and headers)."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.failing: dict[str, tuple[int, dict[str, str]]] = {}

    def response(self, path, req_headers):
        if path in self.failing:
            status, headers = self.failing[path]
            return status, {"Content-Type": "text/plain", **headers}, b"try later"
        return super().response(path, req_headers)


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE, root)
    s = FlakySite(root)
    with s:
        yield s


def write_config(site, tmp_path: Path) -> Path:
    cfg = tmp_path / "newsmon.toml"
    cfg.write_text("\n".join([
        "[database]", f'url = "sqlite:///{tmp_path / "health.db"}"',
        "[watchlist]", f'path = "{REPO / "watchlists" / "default.toml"}"',
        "[fetch]", 'allow_networks = ["127.0.0.1/32"]', "retries = 0",
        "[poll]", "extract_workers = 0", "backoff_base_s = 300.0", "backoff_cap_s = 3600.0",
        "[[feeds]]", 'name = "Herald"', f'url = "{site.url("/feeds/herald-business.xml")}"',
        "[[feeds]]", 'name = "Daily"', f'url = "{site.url("/feeds/daily-tech.atom")}"',
    ]) + "\n", encoding="utf-8")
    return cfg


def feeds_jsonl(cfg: Path, capsys) -> dict[str, dict]:
    assert main(["feeds", "--config", str(cfg), "--format", "jsonl"]) == 0
    return {r["name"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}


async def test_failing_feed_backs_off_and_recovers(site, tmp_path, capsys):
    cfg = write_config(site, tmp_path)
    settings = load_settings(cfg)
    herald = [settings.feed("Herald")]
    store = Store(settings.database_url)
    path = "/feeds/herald-business.xml"

    # 1st failure: 503 asking for 2 hours -> Retry-After wins over the 300 s base...
    site.failing[path] = (503, {"Retry-After": "7200"})
    s = summarize(await run_cycle_plain(settings, herald))
    assert s["feeds_failed"] == 1 and "HTTP 503" in s["failures"][0]["error"]
    st = store.feed_states()["Herald"]
    assert st.consecutive_failures == 1 and st.last_status == "error" and "503" in st.last_error
    # ... capped by backoff_cap_s (3600 s).
    assert st.next_poll_at - st.last_polled_at == timedelta(seconds=3600)

    # While it backs off the feed is not requested at all.
    hits = site.hits[path]
    s = summarize(await run_cycle_plain(settings, herald))
    assert s["feeds_backoff"] == 1 and site.hits[path] == hits

    # 2nd failure (forced poll), no Retry-After: base * 2.
    site.failing[path] = (500, {})
    await run_cycle_plain(settings, herald, force=True)
    st = store.feed_states()["Herald"]
    assert st.consecutive_failures == 2 and "HTTP 500" in st.last_error
    assert st.next_poll_at - st.last_polled_at == timedelta(seconds=600)

    await run_cycle_plain(settings, [settings.feed("Daily")])
    rows = feeds_jsonl(cfg, capsys)
    assert set(rows) == {"Herald", "Daily"}
    for r in rows.values():
        assert {"url", "name", "last_status", "last_error", "consecutive_failures", "next_poll_at"} <= set(r)
    h = rows["Herald"]
    assert h["url"] == site.url(path) and h["last_status"] == "error" and h["consecutive_failures"] == 2
    assert "HTTP 500" in h["last_error"] and h["next_poll_at"] == st.next_poll_at.isoformat()
    assert rows["Daily"]["last_status"] == "ok" and rows["Daily"]["consecutive_failures"] == 0
    assert rows["Daily"]["next_poll_at"] is None and rows["Daily"]["last_error"] is None

    # The site recovers: the next (forced) poll succeeds and resets the health.
    del site.failing[path]
    s = summarize(await run_cycle_plain(settings, herald, force=True))
    assert s["feeds_ok"] == 1 and s["articles_new"] == 1  # metaverse; samsung-hbm came via Daily
    h = feeds_jsonl(cfg, capsys)["Herald"]
    assert h["last_status"] == "ok" and h["consecutive_failures"] == 0
    assert h["last_error"] is None and h["next_poll_at"] is None
