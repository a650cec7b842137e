"""``newsmon users ...`` and ``newsmon tokens ...`` through the real CLI entry point (SQLite
and PostgreSQL), ``newsmon review mark`` without --reviewer, and ``newsmon web`` refusing to
serve without sign-in on a non-loopback address (a real process)."""
from __future__ import annotations

import io
import json

import pytest

from models.store import Store
from newsmon.cli import main
from review.accounts import Passwords, local_name, token_hash
from tests.cli_helpers import error_line, run_newsmon
from tests.test_review_cli import _seed, write_config

GOOD = "correct horse battery"


@pytest.fixture
def cfg(db_url, tmp_path) -> str:
    return write_config(tmp_path, db_url, '[accounts]\nargon2_time_cost = 1\nargon2_memory_kib = 8192\n'
                                          'argon2_parallelism = 1\n')


def run(capsys, monkeypatch, *argv: str, stdin: str = "") -> tuple[int, list[dict], str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.strip()], err


def refused(capsys, monkeypatch, *argv: str, stdin: str = "") -> str:
    code, out, err = run(capsys, monkeypatch, *argv, stdin=stdin)
    lines = err.strip().splitlines()
    assert code == 2 and out == [] and len(lines) == 1 and lines[0].startswith("newsmon: error: "), (code, out, err)
    return lines[0]


def test_users_commands(cfg, db_url, capsys, monkeypatch) -> None:
    code, [kim], err = run(capsys, monkeypatch, "users", "add", "Kim", "--role", "admin", "--password-stdin",
                           "--config", cfg, stdin=GOOD + "\n")
    assert code == 0 and kim["event"] == "added" and (kim["name"], kim["role"], kim["password"]) == ("kim", "admin", True)
    code, [lee], err = run(capsys, monkeypatch, "users", "add", "lee@example.org", "--role", "viewer", "--no-password",
                           "--config", cfg)
    assert code == 0 and lee["password"] is False and "proxy only" in err
    with Store(db_url) as store:
        stored = store.account("kim").password_hash
        assert stored.startswith("$argon2id$") and GOOD not in stored
        assert Passwords(store_settings(cfg).accounts).verify(stored, GOOD).ok  # the line end is not part of it

    for argv, stdin, msg in [
        (("users", "add", "kim", "--role", "viewer", "--no-password"), "", "already exists"),
        (("users", "add", "park", "--role", "viewer"), "", "--password-stdin (or --no-password"),
        (("users", "add", "park", "--role", "boss"), "", "role 'boss' is not one of viewer, reviewer, admin"),
        (("users", "add", "bad name", "--role", "viewer"), "", "is not 1-128 letters"),
        (("users", "add", "park", "--role", "viewer", "--password-stdin"), "short\n", "at least 12"),
        (("users", "disable", "nobody"), "", "no account named 'nobody'"),
        (("users", "passwd", "nobody", "--password-stdin"), GOOD, "no account named 'nobody'"),
        (("users", "passwd", "kim"), "", "--password-stdin"),  # stdin is not a terminal here
        (("users", "role", "kim", "viewer"), "", "only enabled admin"),
        (("users", "disable", "kim"), "", "only enabled admin"),
        (("users", "role", "lee@example.org", "root"), "", "role 'root'"),
    ]:
        line = refused(capsys, monkeypatch, *argv, "--config", cfg, stdin=stdin)
        assert msg in line, (argv, line)
    assert store_names(db_url) == ["kim", "lee@example.org"]  # nothing was added by the refused commands

    code, [r], _ = run(capsys, monkeypatch, "users", "role", "lee@example.org", "admin", "--config", cfg)
    assert code == 0 and r["event"] == "role" and r["role"] == "admin"
    code, [d], _ = run(capsys, monkeypatch, "users", "disable", "kim", "--config", cfg)
    assert d["event"] == "disabled" and d["disabled"] is True
    code, [e], _ = run(capsys, monkeypatch, "users", "enable", "kim", "--config", cfg)
    assert e["event"] == "enabled" and e["disabled"] is False
    code, [p], _ = run(capsys, monkeypatch, "users", "passwd", "lee@example.org", "--password-stdin",
                       "--config", cfg, stdin="a passphrase for lee\r\n")
    assert code == 0 and p["event"] == "password" and p["password"] is True
    code, [s], _ = run(capsys, monkeypatch, "users", "signout", "kim", "--config", cfg)
    assert s["event"] == "signed-out"
    with Store(db_url) as store:
        assert store.account("kim").session_epoch == 2  # disabled once, signed out once
        assert Passwords(store_settings(cfg).accounts).verify(store.account("lee@example.org").password_hash,
                                                              "a passphrase for lee").ok
    code, rows, _ = run(capsys, monkeypatch, "users", "list", "--config", cfg)
    assert [(r["name"], r["role"], r["disabled"]) for r in rows] == [("kim", "admin", False),
                                                                     ("lee@example.org", "admin", False)]


def test_tokens_commands(cfg, db_url, capsys, monkeypatch) -> None:
    run(capsys, monkeypatch, "users", "add", "ana", "--role", "viewer", "--no-password", "--config", cfg)
    code, [t], err = run(capsys, monkeypatch, "tokens", "add", "ana", "--label", "Feedly", "--config", cfg)
    assert code == 0 and t["token"].startswith("nmf_") and t["path"] == f"/atom/{t['token']}"
    assert t["url"] == f"http://127.0.0.1:8765/atom/{t['token']}" and "shown this once" in err
    code, rows, _ = run(capsys, monkeypatch, "tokens", "list", "--user", "ana", "--config", cfg)
    assert [(r["id"], r["user"], r["label"], r["revoked_at"]) for r in rows] == [(t["id"], "ana", "Feedly", None)]
    assert "token" not in rows[0] and t["token"] not in json.dumps(rows)
    with Store(db_url) as store:
        assert store.token_account(token_hash(t["token"]))[0].name == "ana"
    code, [rv], _ = run(capsys, monkeypatch, "tokens", "revoke", str(t["id"]), "--config", cfg)
    assert rv["event"] == "revoked" and rv["revoked_at"]
    with Store(db_url) as store:
        assert store.token_account(token_hash(t["token"])) is None
    assert "no feed token with id 99" in refused(capsys, monkeypatch, "tokens", "revoke", "99", "--config", cfg)
    assert "no account named 'bo'" in refused(capsys, monkeypatch, "tokens", "add", "bo", "--config", cfg)
    assert "no account named 'bo'" in refused(capsys, monkeypatch, "tokens", "list", "--user", "bo", "--config", cfg)


def test_review_mark_takes_the_os_user_by_default(store, cfg, capsys, monkeypatch) -> None:
    ids = _seed(store)
    aid = ids["lg_hvac/base"]
    code, [d], _ = run(capsys, monkeypatch, "review", "mark", str(aid), "--state", "relevant", "--config", cfg)
    assert code == 0 and d["reviewer"] == local_name()
    code, [d], _ = run(capsys, monkeypatch, "review", "mark", str(aid), "--state", "new", "--reviewer", "Kim",
                       "--config", cfg)
    assert d["reviewer"] == "Kim"
    assert [e.reviewer for e in store.review_events(aid)] == [local_name(), "Kim"]


def test_web_refuses_no_sign_in_off_loopback(tmp_path) -> None:
    cfg = tmp_path / "newsmon.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "n.db"}"\n', encoding="utf-8")
    line = error_line(run_newsmon("web", "--config", str(cfg), "--host", "0.0.0.0", cwd=tmp_path))
    assert line.startswith("--host 0.0.0.0: ") and 'auth = "none"' in line and "loopback" in line
    cfg.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "n.db"}"\n[web]\nhost = "::"\n', encoding="utf-8")
    line = error_line(run_newsmon("web", "--config", str(cfg), cwd=tmp_path))
    assert f"{cfg}:3: key web.auth:" in line and "loopback" in line  # the [web] table: auth is not written
    assert not (tmp_path / "n.db").exists()  # refused before anything was opened


def store_settings(cfg: str):
    from newsmon.settings import load_settings
    return load_settings(cfg)


def store_names(db_url: str) -> list[str]:
    with Store(db_url) as store:
        return [a.name for a in store.accounts()]
