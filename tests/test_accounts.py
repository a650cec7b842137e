"""Accounts, passwords, sessions, feed tokens and failed sign-in counters: the rules
(``review.accounts``) and the store (``models.store.accounts``/``sessions``) on SQLite and
PostgreSQL."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import update

from models.store import LastAdminError, Store
from models.tables import LoginThrottle, WebSession
from newsmon.errors import ConfigError
from newsmon.settings import AccountSettings, parse_settings
from review.accounts import (
    AccountError,
    Passwords,
    add_account,
    end_sessions,
    local_name,
    new_token,
    normalize_name,
    role_allows,
    set_disabled,
    set_password,
    set_role,
    token_hash,
)
from tests.web_helpers import FAST_ARGON, PASSWORD

FAST = AccountSettings(**FAST_ARGON)


def test_names_and_roles() -> None:
    assert normalize_name("  Kim.MinJi ") == "kim.minji"
    assert normalize_name("ＫＩＭ") == "kim"  # NFKC: full-width letters
    assert normalize_name("김민지") == "김민지" and normalize_name("ana+desk@example.org") == "ana+desk@example.org"
    for bad in ("", " ", "kim minji", "a/b", "<b>x</b>", "x" * 129, "tab\there", None):
        with pytest.raises(AccountError, match="is not 1-128 letters"):
            normalize_name(bad)
    with pytest.raises(AccountError, match="reserved"):
        normalize_name("Newsmon")
    assert role_allows("admin", "reviewer") and role_allows("reviewer", "viewer") and role_allows("viewer", "viewer")
    assert not role_allows("viewer", "reviewer") and not role_allows("reviewer", "admin")
    assert not role_allows("root", "viewer")
    assert normalize_name(local_name()) == local_name()


def test_auth_none_only_on_loopback() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "::1", "localhost"):
        assert parse_settings({"web": {"host": host}}).web.auth == "none"
    for host in ("0.0.0.0", "::", "10.1.2.3", "desk.example.org"):
        with pytest.raises(ConfigError) as e:
            parse_settings({"web": {"host": host}})
        line = str(e.value)
        assert "\n" not in line and "key web.auth" in line and "loopback" in line and 'auth = "password"' in line
        assert parse_settings({"web": {"host": host, "auth": "password"}}).web.host == host
    with pytest.raises(ConfigError, match="trusted_proxies"):
        parse_settings({"web": {"auth": "proxy"}})
    with pytest.raises(ConfigError, match="is not a CIDR network"):
        parse_settings({"web": {"auth": "proxy", "trusted_proxies": ["localhost"]}})
    with pytest.raises(ConfigError, match="header name"):
        parse_settings({"web": {"proxy_user_header": "X User"}})
    with pytest.raises(ConfigError, match="secret_key"):
        parse_settings({"web": {"secret_key": "too short"}})


def test_argon2id_hashes_verify_and_rehash_when_parameters_change() -> None:
    old = Passwords(FAST)
    h = old.hash(PASSWORD)
    assert h.startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    assert old.verify(h, PASSWORD).ok and old.verify(h, PASSWORD).rehash is None
    assert not old.verify(h, PASSWORD + "!").ok and not old.verify(h, "").ok and not old.verify("garbage", PASSWORD).ok
    new = Passwords(AccountSettings(argon2_time_cost=2, argon2_memory_kib=16384, argon2_parallelism=2))
    v = new.verify(h, PASSWORD)  # the old hash still verifies; a new one with today's parameters comes back
    assert v.ok and v.rehash is not None and v.rehash.startswith("$argon2id$v=19$m=16384,t=2,p=2$")
    assert new.verify(v.rehash, PASSWORD).rehash is None
    with pytest.raises(AccountError, match="at least 12"):
        old.hash("short")
    with pytest.raises(AccountError, match="at most 1024"):
        old.hash("x" * 1025)


def test_unknown_user_costs_one_verification_like_a_real_one(monkeypatch) -> None:
    pw = Passwords(FAST)
    real = pw.hash(PASSWORD)
    calls: list[str] = []

    class Counting:  # argon2's PasswordHasher has slots: wrap it instead of patching it
        def __init__(self, inner) -> None:
            self.inner = inner

        def __getattr__(self, name: str):
            return getattr(self.inner, name)

        def verify(self, h: str, p: str) -> bool:
            calls.append(h)
            return self.inner.verify(h, p)

    monkeypatch.setattr(pw, "hasher", Counting(pw.hasher))
    assert not pw.verify(None, PASSWORD).ok  # no account: a dummy hash is checked
    assert not pw.verify(real, "wrong password").ok
    assert len(calls) == 2 and calls[0] != real and calls[0].startswith("$argon2id$")


def test_accounts_in_the_store(store: Store) -> None:
    pw = Passwords(FAST)
    kim = add_account(store, pw, "Kim", "admin", PASSWORD)
    assert (kim.name, kim.role, kim.disabled, kim.has_password, kim.session_epoch) == ("kim", "admin", False, True, 0)
    with pytest.raises(AccountError, match="already exists"):
        add_account(store, pw, "KIM", "viewer")
    proxy_only = add_account(store, pw, "lee@example.org", "viewer")
    assert not proxy_only.has_password
    with pytest.raises(AccountError, match="role 'boss'"):
        add_account(store, pw, "park", "boss")
    assert [a.name for a in store.accounts()] == ["kim", "lee@example.org"]
    # The only enabled admin can be neither demoted nor disabled, so the desk keeps an admin.
    for change in (lambda: set_role(store, "kim", "viewer"), lambda: set_disabled(store, "kim", True)):
        with pytest.raises(AccountError, match="only enabled admin"):
            change()
    with pytest.raises(LastAdminError):
        store.update_account("kim", role="reviewer")
    set_role(store, "lee@example.org", "admin")
    assert set_role(store, "kim", "reviewer").role == "reviewer"
    with pytest.raises(AccountError, match="no account named"):
        set_role(store, "nobody", "viewer")
    # Enabling keeps the epoch; a password change and disabling end the sessions (epoch + 1).
    assert set_disabled(store, "kim", False).session_epoch == 0
    assert set_password(store, pw, "kim", "a new password!").session_epoch == 1
    assert set_disabled(store, "kim", True).session_epoch == 2
    assert end_sessions(store, "kim").session_epoch == 3
    assert store.ensure_account("kim", "viewer", source="proxy").role == "reviewer"  # existing: unchanged
    assert store.ensure_account("new.user", "viewer", source="proxy").source == "proxy"


def test_sessions_end_with_the_epoch_idle_time_and_lifetime(store: Store) -> None:
    pw = Passwords(FAST)
    add_account(store, pw, "kim", "admin", PASSWORD)
    add_account(store, pw, "ana", "reviewer", PASSWORD)
    idle, life = timedelta(minutes=30), timedelta(hours=8)

    def start(name: str, token: str) -> str:
        h = hashlib.sha256(token.encode()).hexdigest()
        store.create_session(store.account(name), h, lifetime=life, idle=idle, address="127.0.0.1", user_agent="t")
        return h

    a, b, c = start("kim", "a"), start("kim", "b"), start("ana", "c")
    assert store.web_session(a, idle=idle).account.name == "kim"
    assert len(store.sessions_of(store.account("kim").id)) == 2
    set_password(store, pw, "kim", "another password")  # every session of kim ends, ana's stays
    assert store.web_session(a, idle=idle) is None and store.web_session(b, idle=idle) is None
    assert store.web_session(c, idle=idle) is not None
    d = start("kim", "d")  # a new session at the new epoch works
    assert store.web_session(d, idle=idle) is not None

    def age(h: str, **cols) -> None:
        with store.engine.begin() as conn:
            conn.execute(update(WebSession.__table__).where(WebSession.__table__.c.id_hash == h).values(**cols))

    now = store.web_session(d, idle=idle).last_seen_at
    age(d, last_seen_at=now - idle - timedelta(seconds=1))  # idle too long
    assert store.web_session(d, idle=idle) is None
    age(c, expires_at=now - timedelta(seconds=1))  # past its lifetime
    assert store.web_session(c, idle=idle) is None
    e = start("ana", "e")
    set_disabled(store, "ana", True)
    assert store.web_session(e, idle=idle) is None
    assert store.sessions_of(store.account("ana").id) == []  # deleted, not just refused


def test_feed_tokens(store: Store) -> None:
    pw = Passwords(FAST)
    add_account(store, pw, "kim", "admin", PASSWORD)
    add_account(store, pw, "ana", "viewer", PASSWORD)
    row, token = new_token(store, "ana", "  NetNewsWire   at work ")
    assert token.startswith("nmf_") and len(token) > 40 and row.label == "NetNewsWire at work"
    with store.engine.connect() as conn:  # only the hash is stored
        stored = conn.exec_driver_sql("SELECT token_hash FROM feed_token").scalars().all()
    assert stored == [token_hash(token)] and token not in stored[0]
    acct, made = store.token_account(token_hash(token))
    assert acct.name == "ana" and made == row.created_at
    assert store.tokens(acct.id)[0].last_used_at is not None  # the use is noted
    assert store.token_account(token_hash(token + "x")) is None
    other, other_token = new_token(store, "kim")
    with pytest.raises(LookupError):
        store.revoke_token(other.id, account_id=acct.id)  # not ana's
    revoked = store.revoke_token(row.id, account_id=acct.id)
    assert revoked.revoked_at is not None and store.token_account(token_hash(token)) is None
    assert store.revoke_token(row.id).revoked_at == revoked.revoked_at  # twice: the first time stays
    assert [t.id for t in store.tokens()] == [other.id, row.id]  # revoked ones stay listed
    add_account(store, pw, "lee", "admin", PASSWORD)
    set_disabled(store, "kim", True)
    assert store.token_account(token_hash(other_token)) is None  # a disabled account's feeds stop
    with pytest.raises(AccountError, match="at most 100"):
        new_token(store, "ana", "x" * 101)


def test_failed_sign_ins_lock_names_and_addresses(store: Store) -> None:
    window, lockout = timedelta(minutes=15), timedelta(minutes=15)
    keys = [("name", "kim", 3), ("address", "10.0.0.1", 5)]

    def fail() -> object:
        return store.login_failed(keys, window=window, lockout=lockout)

    assert fail() is None and fail() is None
    assert store.login_locked_until([("name", "kim")]) is None
    until = fail()  # the third failure for the name locks it
    assert until is not None and store.login_locked_until([("name", "kim"), ("address", "10.0.0.1")]) == until
    assert store.login_locked_until([("name", "ana")]) is None
    fail(), fail()  # the address reaches 5
    assert store.login_locked_until([("name", "ana"), ("address", "10.0.0.1")]) is not None
    # A success forgets the name's count, not the address's lock.
    store.login_succeeded([("name", "kim")], window=window)
    assert store.login_locked_until([("name", "kim")]) is None
    assert store.login_locked_until([("address", "10.0.0.1")]) is not None
    # Failures older than the window start a new count.
    store.login_failed([("name", "ana", 3)], window=window, lockout=lockout)
    store.login_failed([("name", "ana", 3)], window=window, lockout=lockout)
    t = LoginThrottle.__table__.c
    with store.engine.begin() as conn:
        start = conn.execute(LoginThrottle.__table__.select().where(t.key == "ana")).one().window_start
        conn.execute(update(LoginThrottle.__table__).where(t.key == "ana").values(window_start=start - window))
    assert store.login_failed([("name", "ana", 3)], window=window, lockout=lockout) is None
    # A lock ends by itself; expired counts are swept at the next successful sign-in.
    with store.engine.begin() as conn:
        conn.execute(update(LoginThrottle.__table__).values(locked_until=start - timedelta(seconds=1),
                                                            window_start=start - window))
    assert store.login_locked_until([("name", "kim"), ("address", "10.0.0.1")]) is None
    store.login_succeeded([("name", "someone")], window=window)
    with store.engine.connect() as conn:
        assert conn.execute(LoginThrottle.__table__.select()).all() == []


def test_generated_secret_is_made_once_and_shared(db_url: str) -> None:
    a, b = Store(db_url), Store(db_url)
    a.check()
    try:
        first = a.meta_value("web_secret_key", lambda: "one")
        assert b.meta_value("web_secret_key", lambda: "two") == first == "one"
    finally:
        a.close(), b.close()
