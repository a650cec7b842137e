"""``newsmon search`` through the real CLI entry point, on SQLite and PostgreSQL."""
from __future__ import annotations

import json

import pytest

from models.store import Store
from newsmon.cli import main
from tests.test_review_cli import write_config
from tests.test_search import ARTICLES, save_all


@pytest.fixture
def cfg(store: Store, db_url, tmp_path):
    save_all(store)
    return write_config(tmp_path, db_url)


def run(capsys, *argv: str) -> tuple[int, list[dict], str]:
    code = main(["search", *argv])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_search_prints_json_lines_newest_first(cfg, capsys):
    code, rows, err = run(capsys, "--config", cfg, "--q", "메타")
    assert code == 0 and [r["url"].rsplit("/", 1)[1] for r in rows] == ["ko2", "ko4"]
    assert err.strip() == "2 article(s)"
    first = rows[0]
    assert set(first) == {"id", "url", "title", "published", "feed", "entities", "review_state", "snippet"}
    assert first["title"] == ARTICLES[1][1] and first["feed"] == "Yonhap" and first["entities"] == ["meta"]
    assert first["published"].startswith("2026-11-29T12:00:00") and "메타는" in first["snippet"]


def test_search_filters(cfg, capsys):
    def keys(*argv: str) -> list[str]:
        code, rows, _ = run(capsys, "--config", cfg, *argv)
        assert code == 0
        return [r["url"].rsplit("/", 1)[1] for r in rows]

    assert keys("--q", "said") == ["en1", "en2"]
    assert keys("--q", "said", "--entity", "meta") == ["en2"]
    assert keys("--q", "메타", "--flagged") == ["ko2"]
    assert keys("--q", "메타", "--feed", "Hani") == ["ko4"]
    assert keys("--q", "said", "--since", "2026-11-26") == ["en1"]
    assert keys("--q", "said", "--until", "2026-11-25") == ["en2"]
    assert keys("--q", "said", "--state", "new", "--limit", "1") == ["en1"]
    assert keys("--q", '"profit rose" samsung') == ["en1"]
    assert keys("--q", "%") == ["en1"]


@pytest.mark.parametrize("argv, msg", [
    (["--q", "x", "--state", "done"], "state 'done' is not one of"),
    (["--q", "x", "--since", "yesterday"], "is not a date"),
    (["--q", "x", "--since", "2026-11-28", "--until", "2026-11-01"], "is not after since"),
    (["--q", "x" * 201], "longer than 200 characters"),
    (["--q", '""'], "has nothing to search for"),
    (["--q", "x", "--limit", "0"], "--limit '0' is not a whole number"),
])
def test_bad_filter_is_one_line_and_exit_2(cfg, capsys, argv, msg):
    code = main(["search", "--config", cfg, *argv])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1 and msg in err and err.startswith("newsmon: error: ")
