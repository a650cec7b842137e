"""``newsmon review list|show|mark``, ``newsmon digest`` and the review fields of
``newsmon export``, run through the real CLI entry point (SQLite and PostgreSQL)."""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from models.store import Store
from newsmon.cli import main
from review.clusters import cluster_pending
from newsmon.settings import parse_settings
from tests.db_fixtures import db_url, store  # noqa: F401
from tests.review_corpus import corpus
from tests.review_helpers import BASE_TIME, REPO, WebhookReceiver, save


def write_config(tmp_path, db_url: str, extra: str = "") -> str:
    cfg = tmp_path / "newsmon.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n[watchlist]\npath = "{REPO / "watchlists" / "default.toml"}"\n'
                   f'[schedule]\ntimezone = "Asia/Seoul"\n{extra}', encoding="utf-8")
    return str(cfg)


@pytest.fixture
def seeded(store):
    return _seed(store)


def _seed(store) -> dict[str, int]:
    ids = {}
    keys = ["samsung_hbm", "nec_audit_ko", "lg_hvac"]
    for d in corpus():
        if d.story in keys and d.key.split("/")[1] in ("base", "boiler"):
            ids[d.key] = save(store, url=f"https://{d.feed.lower()}.example/{d.key}", title=d.title, text=d.text,
                              feed=d.feed, language=d.lang,
                              published=BASE_TIME + timedelta(days=keys.index(d.story)))
    cluster_pending(store, parse_settings({}).review)
    return ids


def run(capsys, *argv: str) -> tuple[int, list[dict], str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.strip()], err


def test_list_show_mark(seeded, db_url, tmp_path, capsys) -> None:
    cfg = write_config(tmp_path, db_url)
    code, rows, err = run(capsys, "review", "list", "--config", cfg)
    assert code == 0 and len(rows) == 3 and "3 of 3 matching stories" in err
    assert [r["title"] for r in rows][0].startswith("LG Electronics")  # newest first
    assert all(len(r["outlets"]) == 2 and r["state"] == "new" for r in rows)

    code, rows, _ = run(capsys, "review", "list", "--config", cfg, "--entity", "nec", "--since", "2026-11-28",
                        "--until", "2026-11-28")
    assert code == 0 and len(rows) == 1 and {"nec", "yoon"} <= set(rows[0]["entities"])

    aid = seeded["samsung_hbm/boiler"]
    code, [d], _ = run(capsys, "review", "mark", str(aid), "--config", cfg, "--state", "relevant",
                       "--note", "confirmed by two desks", "--reviewer", "Kim")
    assert code == 0 and d["state"] == "relevant" and sorted(d["changed"]) == sorted(
        [seeded["samsung_hbm/base"], aid])
    code, [shown], _ = run(capsys, "review", "show", str(aid), "--config", cfg)
    assert shown["review"]["state"] == "relevant" and shown["review"]["reviewer"] == "Kim"
    assert [h["to"] for h in shown["history"]] == ["relevant"]
    assert {o["feed"] for o in shown["outlets"]} == {"Origin", "Wire"}
    assert any(m["entity"] == "samsung" and m["details"] for m in shown["mentions"])
    code, rows, _ = run(capsys, "review", "list", "--config", cfg, "--state", "relevant")
    assert [r["article_id"] for r in rows] and rows[0]["state"] == "relevant"

    code, rows, _ = run(capsys, "export", "--config", cfg)
    by_id = {r["id"]: r for r in rows}
    assert by_id[aid]["review_state"] == "relevant" and by_id[aid]["cluster_id"] == seeded["samsung_hbm/base"]
    main(["export", "--config", cfg, "--format", "csv"])
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {"review_state", "cluster_id"} <= set(table[0]) and sum(r["review_state"] == "relevant" for r in table) == 2
    # prominence: every flag's score and parts in jsonl, "entity:score" pairs in csv
    for r in by_id.values():
        for m in r["mentions"]:
            assert 0 <= m["prominence"] <= 100 and m["prominence_parts"]["count"] >= 1
    assert all(len(r["prominence"].split()) == len(r["entities"].split()) for r in table)
    code, rows, _ = run(capsys, "review", "list", "--config", cfg, "--sort", "prominence")
    assert [r["prominence"] for r in rows] == sorted((r["prominence"] for r in rows), reverse=True)
    cut = min(r["prominence"] for r in rows) + 1
    code, fewer, _ = run(capsys, "review", "list", "--config", cfg, "--min-prominence", str(cut))
    assert code == 0 and 0 < len(fewer) < len(rows) and all(r["prominence"] >= cut for r in fewer)


@pytest.mark.parametrize("argv, message", [
    (["review", "mark", "999999", "--state", "relevant"], "newsmon: error: no article with id 999999"),
    (["review", "show", "999999"], "newsmon: error: no article with id 999999"),
    (["review", "list", "--since", "yesterday"], "newsmon: error: since 'yesterday' is not a date"),
    (["review", "mark", "1", "--state", "relevant", "--note", "x" * 5000], "at most 4000"),
])
def test_bad_input_is_one_line_and_changes_nothing(seeded, db_url, tmp_path, capsys, argv, message) -> None:
    cfg = write_config(tmp_path, db_url)
    code, rows, err = run(capsys, *argv, "--config", cfg)
    assert code == 2 and rows == [] and err.count("\n") == 1 and message in err


def test_argument_errors(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as e:
        main(["review", "mark", "abc", "--state", "relevant"])
    assert e.value.code == 2 and "is not an article id" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["review", "mark", "1", "--state", "done"])
    code, _, err = run(capsys, "review", "list", "--config", str(tmp_path / "missing.toml"))
    assert code == 2 and "cannot read config" in err


def test_digest_without_prefect_posts_to_the_webhook(seeded, db_url, tmp_path, capsys) -> None:
    with WebhookReceiver() as rcv:
        cfg = write_config(tmp_path, db_url, f'[review]\ndigest_webhook = "{rcv.url("/digest")}"\n'
                                             '[fetch]\nallow_networks = ["127.0.0.1/32"]\n')
        main(["review", "mark", str(seeded["lg_hvac/base"]), "--config", cfg, "--state", "irrelevant"])
        capsys.readouterr()
        code, [d], _ = run(capsys, "digest", "--config", cfg, "--date", "2026-11-27", "--no-prefect")
        assert code == 0 and d["stories"] == 1 and {"samsung", "sk_hynix"} <= set(d["entities"])
        assert all(len(v) == 1 and v[0]["outlets"] == ["Origin", "Wire"] for v in d["entities"].values())
        assert "## [Samsung Electronics](http://127.0.0.1:8765/entity/samsung?" in d["markdown"]
        assert "## [SK hynix](http://127.0.0.1:8765/entity/sk_hynix?" in d["markdown"]
        code, [d2], _ = run(capsys, "digest", "--config", cfg, "--date", "2026-11-29", "--no-prefect")
        assert d2["stories"] == 0 and d2["left_out_irrelevant"] == 1
        assert [p for p, _ in rcv.posts] == ["/digest", "/digest"]
        first = rcv.posts[0][1]
        assert first["text"].startswith("newsmon digest for 2026-11-27: 1 stories") and len(first["blocks"]) >= 2


def test_newsmon_web_serves_the_inbox_on_loopback(tmp_path) -> None:
    """The real command: ``newsmon web --config PATH`` in a subprocess, port from ``[web] port``
    (SQLite only: the queries behind the page run on both databases in test_review_web)."""
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db_url = f"sqlite:///{tmp_path / 'web.db'}"
    with Store(db_url) as st:
        _seed(st)
    cfg = write_config(tmp_path, db_url, f"[web]\nport = {port}\n")
    proc = subprocess.Popen([sys.executable, "-m", "newsmon.cli", "web", "--config", cfg],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=str(REPO))
    try:
        deadline = time.monotonic() + 60  # start-up on a busy machine; not a speed assertion
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/", timeout=5, trust_env=False)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"newsmon web did not start: {proc.stderr.read().decode()[-2000:]}")
                time.sleep(0.2)
        assert r.status_code == 200 and "3 flagged stories" in r.text
        listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout
        # The local-address column of every listening socket on the port: loopback only.
        assert [line.split()[3] for line in listening.splitlines()] == [f"127.0.0.1:{port}"]
    finally:
        proc.terminate()
        proc.wait(20)
