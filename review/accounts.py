"""Accounts of the review desk: names, roles, passwords, Atom feed tokens.

The rules shared by the web desk (``review/web/``) and ``newsmon users|tokens``:

* Names are NFKC-normalised and case-folded ("Kim.MinJi" and "kim.minji" are one
  account), 1-128 letters (any script), digits and ``. _ @ + -``: e-mail addresses from
  an authenticating proxy fit. ``newsmon`` is reserved: the system signs its own audit
  events (re-matching) with it.
* Roles: ``viewer`` reads; ``reviewer`` also decides and writes notes; ``admin`` also
  manages accounts. Accounts are never deleted, only disabled, so the names in the audit
  trail always mean one person.
* Passwords: at least ``[accounts] password_min_chars`` characters, at most 1024, hashed
  with Argon2id (argon2-cffi) with the ``[accounts] argon2_*`` parameters; a hash made
  with other parameters is replaced at the next successful sign-in.
* Feed tokens: 32 random bytes (URL-safe base64, prefix ``nmf_``), shown once; only
  their SHA-256 is stored (the token is random, so a slow hash would add nothing).
"""
from __future__ import annotations

import getpass
import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from models.store import SYSTEM_REVIEWER, AccountRow, LastAdminError, Store, TokenRow
from models.tables import ROLES
from newsmon.errors import NewsmonError
from newsmon.settings import AccountSettings

__all__ = ["ROLES", "AccountError", "Passwords", "add_account", "feed_path", "local_name", "new_token",
           "find_account", "normalize_name", "role_allows", "set_disabled", "set_password", "set_role", "token_hash"]

NAME_RE = re.compile(r"[\w.@+-]{1,128}")
MAX_PASSWORD_CHARS = 1024  # a passphrase, not a document (and a cap on hashing work)
MAX_LABEL_CHARS = 100
TOKEN_PREFIX = "nmf_"


class AccountError(NewsmonError):
    """Bad account input (name, role, password, unknown account): one line saying why."""


def role_allows(role: str, needed: str) -> bool:
    """Does ``role`` include what ``needed`` may do (admin > reviewer > viewer)?"""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def normalize_name(raw: str | None) -> str:
    name = unicodedata.normalize("NFKC", raw or "").strip().casefold()
    if not NAME_RE.fullmatch(name):
        shown = (raw or "")[:60]
        raise AccountError(f"user name {shown!r} is not 1-128 letters, digits or . _ @ + -")
    if name == SYSTEM_REVIEWER:
        raise AccountError(f"user name {name!r} is reserved (newsmon signs its own audit events with it)")
    return name


def parse_role(raw: str | None) -> str:
    role = (raw or "").strip().lower()
    if role not in ROLES:
        raise AccountError(f"role {raw!r} is not one of {', '.join(ROLES)}")
    return role


def local_name() -> str:
    """The account of ``[web] auth = "none"``: the OS user running newsmon, else ``local``."""
    try:
        return normalize_name(getpass.getuser())
    except (AccountError, OSError, KeyError):
        return "local"


@dataclass(frozen=True)
class Verified:
    ok: bool
    rehash: str | None = None  # the password hashed with today's parameters, when they changed


class Passwords:
    """Argon2id hashing with the configured parameters."""

    def __init__(self, cfg: AccountSettings) -> None:
        self.min_chars = cfg.password_min_chars
        self.hasher = PasswordHasher(time_cost=cfg.argon2_time_cost, memory_cost=cfg.argon2_memory_kib,
                                     parallelism=cfg.argon2_parallelism, type=Type.ID)
        self._dummy: str | None = None

    def check(self, password: str | None) -> str:
        """The password if the policy accepts it; AccountError (one line) otherwise."""
        pw = password or ""
        if len(pw) < self.min_chars:
            raise AccountError(f"the password has {len(pw)} characters; at least {self.min_chars} are needed")
        if len(pw) > MAX_PASSWORD_CHARS:
            raise AccountError(f"the password has {len(pw)} characters; at most {MAX_PASSWORD_CHARS} are allowed")
        if "\x00" in pw:
            raise AccountError("the password contains a NUL character")
        return pw

    def hash(self, password: str) -> str:
        return self.hasher.hash(self.check(password))

    def verify(self, stored: str | None, password: str) -> Verified:
        """Check ``password`` against a stored hash. With no hash (unknown user, or an
        account without a password) a dummy hash is checked instead, so that the answer
        takes as long as for a real account and reveals nothing."""
        if not password or len(password) > MAX_PASSWORD_CHARS:
            password = "\x00"  # cannot match; still costs one verification
        if stored is None:
            self._verify_dummy(password)
            return Verified(False)
        try:
            self.hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return Verified(False)
        return Verified(True, self.hasher.hash(password) if self.hasher.check_needs_rehash(stored) else None)

    def _verify_dummy(self, password: str) -> None:
        if self._dummy is None:
            self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
        try:
            self.hasher.verify(self._dummy, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            pass


# -- account changes (CLI and admin page) ----------------------------------------------------

def find_account(store: Store, name: str) -> AccountRow:
    acct = store.account(normalize_name(name))
    if acct is None:
        raise AccountError(f"no account named {name!r}; see `newsmon users list`")
    return acct


def add_account(store: Store, passwords: Passwords, name: str, role: str, password: str | None = None, *,
                source: str = "cli") -> AccountRow:
    """A new account; without a password it can sign in through a proxy only."""
    n, r = normalize_name(name), parse_role(role)
    pw_hash = passwords.hash(password) if password is not None else None
    acct = store.create_account(n, r, password_hash=pw_hash, source=source)
    if acct is None:
        raise AccountError(f"an account named {n!r} already exists")
    return acct


def _change(store: Store, name: str, **change: object) -> AccountRow:
    acct = find_account(store, name)
    try:
        return store.update_account(acct.name, **change)  # type: ignore[arg-type]
    except LastAdminError as e:
        raise AccountError(str(e)) from None


def set_password(store: Store, passwords: Passwords, name: str, password: str) -> AccountRow:
    """A new password; every session of the account ends."""
    return _change(store, name, password_hash=passwords.hash(password))


def set_role(store: Store, name: str, role: str) -> AccountRow:
    return _change(store, name, role=parse_role(role))


def set_disabled(store: Store, name: str, disabled: bool) -> AccountRow:
    """Disable (sessions end, feed tokens stop answering) or enable an account."""
    return _change(store, name, disabled=disabled)


def end_sessions(store: Store, name: str) -> AccountRow:
    """Sign an account out everywhere."""
    return _change(store, name, end_sessions=True)


# -- Atom feed tokens -----------------------------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def feed_path(token: str) -> str:
    return f"/atom/{token}"


def new_token(store: Store, name: str, label: str | None = None) -> tuple[TokenRow, str]:
    """A new feed token for account ``name``: (its row, the token, to show once)."""
    acct = find_account(store, name)
    label = " ".join((label or "").split()) or None
    if label is not None and len(label) > MAX_LABEL_CHARS:
        raise AccountError(f"the label has {len(label)} characters; at most {MAX_LABEL_CHARS} are allowed")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return store.create_token(acct.id, token_hash(token), label), token
