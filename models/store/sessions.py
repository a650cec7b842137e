"""Browser sessions, failed sign-in counters and the desk's generated secrets.

Everything here is shared through the database on purpose: several ``newsmon web``
workers (or a restarted one) see the same sessions, the same lock-outs and the same
signing key.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, tuple_, update
from sqlalchemy.engine import Connection

from ..tables import Account, LoginThrottle, NewsmonMeta, WebSession
from .accounts import _ACCOUNT_COLS, AC, WS, AccountRow, _account
from .base import StoreBase, _clean, _now

LT = LoginThrottle.__table__.c
META = NewsmonMeta.__table__.c
# A session's last_seen_at is written at most once a minute: the idle timeout is counted
# in hours, and a write per page view would serialise every reader on SQLite.
SESSION_TOUCH_S = 60.0


@dataclass(frozen=True)
class SessionRow:
    id_hash: str
    account: AccountRow
    epoch: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    address: str | None
    user_agent: str | None


_SESSION_COLS = [WS.id_hash, WS.epoch, WS.created_at, WS.last_seen_at, WS.expires_at, WS.address, WS.user_agent]


def _session(r: Any) -> SessionRow:
    return SessionRow(account=_account(r), **{c.name: r[c.name] for c in _SESSION_COLS})


class SessionStore(StoreBase):
    # -- sessions ---------------------------------------------------------------------

    def create_session(self, account: AccountRow, id_hash: str, *, lifetime: timedelta, idle: timedelta,
                       address: str | None, user_agent: str | None) -> None:
        """A new session of ``account`` at its current epoch; expired sessions are purged."""
        now = _now()

        def txn(conn: Connection) -> None:
            conn.execute(delete(WebSession.__table__).where(
                or_(WS.expires_at <= now, WS.last_seen_at <= now - idle)))
            conn.execute(self._insert(WebSession.__table__).values(
                id_hash=id_hash, account_id=account.id, epoch=account.session_epoch, created_at=now,
                last_seen_at=now, expires_at=now + lifetime, address=_clean(address),
                user_agent=_clean((user_agent or "")[:300]) or None))

        self._write(txn)

    def web_session(self, id_hash: str, *, idle: timedelta) -> SessionRow | None:
        """The live session with this hash: None when unknown, expired, idle too long, of a
        disabled account, or from an older epoch of the account (then it is deleted)."""
        q = (select(*_ACCOUNT_COLS, *_SESSION_COLS).join(Account.__table__, AC.id == WS.account_id)
             .where(WS.id_hash == id_hash))
        r = self._read(lambda conn: conn.execute(q).mappings().first())
        if r is None:
            return None
        s = _session(r)
        now = _now()
        if (s.expires_at <= now or s.last_seen_at + idle <= now or s.account.disabled
                or s.epoch != s.account.session_epoch):
            self.end_session(id_hash)
            return None
        if (now - s.last_seen_at).total_seconds() >= SESSION_TOUCH_S:
            self._write(lambda conn: conn.execute(update(WebSession.__table__).where(WS.id_hash == id_hash)
                                                  .values(last_seen_at=now)))
        return s

    def end_session(self, id_hash: str) -> None:
        self._write(lambda conn: conn.execute(delete(WebSession.__table__).where(WS.id_hash == id_hash)))

    def sessions_of(self, account_id: int) -> list[SessionRow]:
        q = (select(*_ACCOUNT_COLS, *_SESSION_COLS).join(Account.__table__, AC.id == WS.account_id)
             .where(WS.account_id == account_id).order_by(WS.last_seen_at.desc()))
        return self._read(lambda conn: [_session(r) for r in conn.execute(q).mappings()])

    # -- failed sign-ins ----------------------------------------------------------------

    def login_locked_until(self, keys: list[tuple[str, str]]) -> datetime | None:
        """The latest lock-out still running on any of ``keys`` ((scope, key) pairs), or None."""
        now = _now()
        q = select(func.max(LT.locked_until)).where(tuple_(LT.scope, LT.key).in_(keys), LT.locked_until > now)
        return self._read(lambda conn: conn.execute(q).scalar())

    def login_failed(self, limits: list[tuple[str, str, int]], *, window: timedelta,
                     lockout: timedelta) -> datetime | None:
        """Count one failed sign-in against each (scope, key, max failures); a key that
        reaches its maximum within ``window`` is locked for ``lockout`` (its count starts
        again). Returns the latest lock-out now running on these keys, or None."""
        now = _now()
        ins = self._insert(LoginThrottle.__table__)

        def txn(conn: Connection) -> datetime | None:
            until: datetime | None = None
            for scope, key, limit in sorted(limits):  # one lock order: no deadlock between workers
                conn.execute(ins.values(scope=scope, key=key, failures=0)
                             .on_conflict_do_nothing(index_elements=["scope", "key"]))
                q = select(LT.failures, LT.window_start, LT.locked_until).where(LT.scope == scope, LT.key == key)
                if self.dialect == "postgresql":
                    q = q.with_for_update()
                row = conn.execute(q).one()
                fresh = row.window_start is None or row.window_start + window <= now
                failures = 1 if fresh else row.failures + 1
                start = now if fresh else row.window_start
                locked = row.locked_until if row.locked_until is not None and row.locked_until > now else None
                if failures >= limit:
                    locked, failures, start = now + lockout, 0, None
                conn.execute(update(LoginThrottle.__table__).where(LT.scope == scope, LT.key == key)
                             .values(failures=failures, window_start=start, locked_until=locked))
                if locked is not None and (until is None or locked > until):
                    until = locked
            return until

        return self._write(txn)

    def login_succeeded(self, keys: list[tuple[str, str]], *, window: timedelta) -> None:
        """Forget the failed sign-ins counted against ``keys``, and every count that has
        expired (so names tried once by a password sprayer do not pile up)."""
        now = _now()
        stale = and_(or_(LT.locked_until.is_(None), LT.locked_until <= now),
                     or_(LT.window_start.is_(None), LT.window_start <= now - window))
        self._write(lambda conn: conn.execute(delete(LoginThrottle.__table__).where(
            or_(tuple_(LT.scope, LT.key).in_(keys), stale))))

    # -- generated secrets ---------------------------------------------------------------

    def meta_value(self, key: str, make: Callable[[], str]) -> str:
        """``newsmon_meta[key]``, set to ``make()`` first if missing. Workers starting at once
        all end up with the value of whichever inserted first (ON CONFLICT DO NOTHING)."""
        ins = (self._insert(NewsmonMeta.__table__).values(key=key, value=make(), updated_at=_now())
               .on_conflict_do_nothing(index_elements=["key"]))

        def txn(conn: Connection) -> str:
            conn.execute(ins)
            return conn.execute(select(META.value).where(META.key == key)).scalar_one()

        return self._write(txn)
