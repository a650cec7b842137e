"""``newsmon demo``: the whole pipeline on a machine without internet.

Starts the bundled sample news site on 127.0.0.1, writes a config that points at it
(only 127.0.0.1/32 is allowed through the SSRF guard), runs one ``poll-feeds`` flow
with Prefect, prints the flagged stories as JSON lines and tells where to see the run.
"""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from newsmon.sample_server import SampleSite

REPO = Path(__file__).resolve().parent.parent
DEFAULT_WATCHLIST = REPO / "watchlists" / "default.toml"

FEEDS = [
    ("Sample Herald - Business", "/feeds/herald-business.xml", "Asia/Seoul"),
    ("Sample Daily - Tech", "/feeds/daily-tech.atom", "Asia/Seoul"),
    ("Sample Korean (RSS 1.0)", "/feeds/korean.rdf", "Asia/Seoul"),
    ("Sample Wire (JSON Feed)", "/feeds/wire.json", "UTC"),
]


def demo_config(site: SampleSite, workdir: Path, watchlist: Path = DEFAULT_WATCHLIST) -> str:
    lines = [
        "# Written by `newsmon demo`: the bundled sample site on 127.0.0.1.",
        "[database]", f'url = "sqlite:///{(workdir / "newsmon.db").resolve()}"', "",
        "[watchlist]", f'path = "{watchlist}"', "",
        "[fetch]", 'allow_networks = ["127.0.0.1/32"]', "deadline_s = 20.0", "",
    ]
    for name, path, tz in FEEDS:
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{site.url(path)}"', f'timezone = "{tz}"', ""]
    return "\n".join(lines)


def run_demo(workdir: Path, keep_serving: bool = False) -> int:
    from newsmon.cli import emit

    workdir.mkdir(parents=True, exist_ok=True)
    with SampleSite() as site:
        cfg = workdir / "newsmon.toml"
        cfg.write_text(demo_config(site, workdir), encoding="utf-8")
        print(f"sample news site on {site.base}; config written to {cfg}", file=sys.stderr)
        print("running the poll-feeds flow (the first Prefect run on a machine takes ~20 s "
              "while Prefect sets up its database)...", file=sys.stderr)
        from flows.poll import poll_feeds
        summary = asyncio.run(poll_feeds(config_path=str(cfg.resolve())))
        for story in summary.get("flagged_stories", []):
            emit({"event": "flagged", **story})
        emit({"event": "summary", **{k: v for k, v in summary.items() if k != "flagged_stories"}})
        api = os.environ.get("PREFECT_API_URL")
        where = (f"in the Prefect UI of {api.removesuffix('/api')}/runs" if api else
                 "in the Prefect UI: start it with `prefect server start` and open http://127.0.0.1:4200/runs "
                 "(this run was recorded by Prefect's local ephemeral server in ~/.prefect)")
        print(f"\n{summary['flagged']} stories flagged. See the flow run 'poll-feeds' and its artifacts {where}.\n"
              f"Export the stored articles: newsmon export --config {cfg}", file=sys.stderr)
        if keep_serving:
            print(f"sample site still serving on {site.base}; Ctrl-C to stop", file=sys.stderr)
            try:
                site._thread.join()  # type: ignore[union-attr]
            except KeyboardInterrupt:
                pass
    return 0
