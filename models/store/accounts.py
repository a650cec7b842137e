"""Accounts of the review desk and their Atom feed tokens.

The rules (name syntax, roles, password policy, hashing) live in ``review.accounts``;
this part stores what it decides. Writes are single transactions: an account change that
ends sessions (password, disabling) bumps the account's session epoch and deletes its
sessions in the same transaction, and a change that would leave no enabled admin is
refused inside the transaction that makes it, with the admins row-locked on PostgreSQL
(two admins demoting each other at once cannot both succeed).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection

from ..tables import ROLES, Account, FeedToken, WebSession
from .base import StoreBase, _clean, _now

AC = Account.__table__.c
FT = FeedToken.__table__.c
WS = WebSession.__table__.c


class LastAdminError(ValueError):
    """The change would leave the desk without an enabled admin."""


@dataclass(frozen=True)
class AccountRow:
    id: int
    name: str
    role: str
    password_hash: str | None
    disabled: bool
    session_epoch: int
    source: str
    created_at: datetime
    updated_at: datetime | None
    last_login_at: datetime | None

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None


@dataclass(frozen=True)
class TokenRow:
    id: int
    account_id: int
    account: str  # the account's name
    label: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


_ACCOUNT_COLS = [AC[n] for n in AccountRow.__dataclass_fields__]
_TOKEN_COLS = [FT.id, FT.account_id, AC.name.label("account"), FT.label, FT.created_at, FT.last_used_at,
               FT.revoked_at]
# last_used_at is written at most this often per token: a feed reader polling every few
# minutes should not turn every read into a write.
TOKEN_TOUCH_S = 300.0


def _account(r: Any) -> AccountRow:
    return AccountRow(**{k: r[k] for k in AccountRow.__dataclass_fields__})


class AccountStore(StoreBase):
    # -- accounts ---------------------------------------------------------------------

    def create_account(self, name: str, role: str, *, password_hash: str | None = None,
                       source: str = "cli") -> AccountRow | None:
        """Insert an account; None if the name is taken (INSERT ... ON CONFLICT DO NOTHING)."""
        if role not in ROLES:
            raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
        stmt = (self._insert(Account.__table__)
                .values(name=_clean(name), role=role, password_hash=password_hash, disabled=False,
                        session_epoch=0, source=source, created_at=_now())
                .on_conflict_do_nothing(index_elements=["name"]).returning(*_ACCOUNT_COLS))

        def txn(conn: Connection) -> AccountRow | None:
            r = conn.execute(stmt).mappings().first()
            return _account(r) if r is not None else None

        return self._write(txn)

    def ensure_account(self, name: str, role: str, *, source: str) -> AccountRow:
        """The account ``name``, created with ``role`` if missing (concurrent callers agree)."""
        created = self.create_account(name, role, source=source)
        if created is not None:
            return created
        got = self.account(name)
        assert got is not None  # never deleted
        return got

    def account(self, name: str) -> AccountRow | None:
        q = select(*_ACCOUNT_COLS).where(AC.name == name)
        return self._read(lambda conn: (lambda r: _account(r) if r is not None else None)(
            conn.execute(q).mappings().first()))

    def accounts(self) -> list[AccountRow]:
        q = select(*_ACCOUNT_COLS).order_by(AC.name)
        return self._read(lambda conn: [_account(r) for r in conn.execute(q).mappings()])

    def update_account(self, name: str, *, role: str | None = None, disabled: bool | None = None,
                       password_hash: str | None = None, end_sessions: bool = False) -> AccountRow:
        """Change an account; LookupError if there is none, LastAdminError if no enabled
        admin would be left. Disabling, a new password and ``end_sessions`` bump the session
        epoch and delete the account's sessions in the same transaction."""
        if role is not None and role not in ROLES:
            raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")

        def txn(conn: Connection) -> AccountRow:
            admins = select(AC.id, AC.name).where(AC.role == "admin", AC.disabled.is_(False)).order_by(AC.id)
            if self.dialect == "postgresql":
                admins = admins.with_for_update()
            admin_ids = [r.id for r in conn.execute(admins)]
            q = select(*_ACCOUNT_COLS).where(AC.name == name)
            if self.dialect == "postgresql":
                q = q.with_for_update()
            r = conn.execute(q).mappings().first()
            if r is None:
                raise LookupError(f"no account named {name!r}")
            cur = _account(r)
            loses_admin = cur.id in admin_ids and ((role is not None and role != "admin") or disabled is True)
            if loses_admin and len(admin_ids) == 1:
                raise LastAdminError(f"{name!r} is the only enabled admin; make another account admin first")
            values: dict[str, Any] = {"updated_at": _now()}
            if role is not None:
                values["role"] = role
            if disabled is not None:
                values["disabled"] = disabled
            if password_hash is not None:
                values["password_hash"] = password_hash
            if end_sessions or disabled is True or password_hash is not None:
                values["session_epoch"] = AC.session_epoch + 1
                conn.execute(delete(WebSession.__table__).where(WS.account_id == cur.id))
            out = conn.execute(update(Account.__table__).where(AC.id == cur.id).values(**values)
                               .returning(*_ACCOUNT_COLS)).mappings().one()
            return _account(out)

        return self._write(txn)

    def record_login(self, account_id: int, *, rehash: str | None = None) -> None:
        """Note a successful sign-in; ``rehash``: the password hashed with today's parameters
        (same password, so the session epoch stays)."""
        values: dict[str, Any] = {"last_login_at": _now()}
        if rehash is not None:
            values["password_hash"] = rehash
        self._write(lambda conn: conn.execute(update(Account.__table__).where(AC.id == account_id)
                                              .values(**values)))

    # -- Atom feed tokens -------------------------------------------------------------

    def create_token(self, account_id: int, token_hash: str, label: str | None) -> TokenRow:
        ins = (self._insert(FeedToken.__table__)
               .values(account_id=account_id, token_hash=token_hash, label=_clean(label), created_at=_now())
               .returning(FT.id))

        def txn(conn: Connection) -> TokenRow:
            tid = conn.execute(ins).scalar_one()
            return TokenRow(**conn.execute(self._tokens_query().where(FT.id == tid)).mappings().one())

        return self._write(txn)

    @staticmethod
    def _tokens_query() -> Any:
        return select(*_TOKEN_COLS).join(Account.__table__, AC.id == FT.account_id)

    def tokens(self, account_id: int | None = None) -> list[TokenRow]:
        """Feed tokens (of one account, or all), newest first, revoked ones included."""
        q = self._tokens_query().order_by(FT.created_at.desc(), FT.id.desc())
        if account_id is not None:
            q = q.where(FT.account_id == account_id)
        return self._read(lambda conn: [TokenRow(**r) for r in conn.execute(q).mappings()])

    def revoke_token(self, token_id: int, *, account_id: int | None = None) -> TokenRow:
        """Revoke a token (of ``account_id`` only, when given); LookupError if there is none.
        Revoking twice keeps the first time."""
        cond = [FT.id == token_id] + ([FT.account_id == account_id] if account_id is not None else [])

        def txn(conn: Connection) -> TokenRow:
            conn.execute(update(FeedToken.__table__).where(*cond, FT.revoked_at.is_(None))
                         .values(revoked_at=_now()))
            r = conn.execute(self._tokens_query().where(*cond)).mappings().first()
            if r is None:
                raise LookupError(f"no feed token with id {token_id}")
            return TokenRow(**r)

        return self._write(txn)

    def token_account(self, token_hash: str) -> tuple[AccountRow, datetime] | None:
        """The enabled account a live (not revoked) token belongs to, and when the token was
        made; notes the use. None for an unknown or revoked token or a disabled account."""
        q = (select(*_ACCOUNT_COLS, FT.id.label("token_id"), FT.created_at.label("token_created"),
                    FT.last_used_at.label("token_used"))
             .join(FeedToken.__table__, FT.account_id == AC.id)
             .where(FT.token_hash == token_hash, FT.revoked_at.is_(None), AC.disabled.is_(False)))
        r = self._read(lambda conn: conn.execute(q).mappings().first())
        if r is None:
            return None
        now = _now()
        if r["token_used"] is None or (now - r["token_used"]).total_seconds() >= TOKEN_TOUCH_S:
            self._write(lambda conn: conn.execute(update(FeedToken.__table__).where(
                FT.id == r["token_id"]).values(last_used_at=now)))
        return _account(r), r["token_created"]

    def count_admins(self) -> int:
        q = select(func.count()).select_from(Account.__table__).where(AC.role == "admin", AC.disabled.is_(False))
        return int(self._read(lambda conn: conn.execute(q).scalar_one()))
