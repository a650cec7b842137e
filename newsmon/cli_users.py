"""Account commands: ``newsmon users ...`` and ``newsmon tokens ...`` (registered by ``newsmon.cli``).

    newsmon users add NAME --role viewer|reviewer|admin [--password-stdin | --no-password] --config PATH
    newsmon users list | disable NAME | enable NAME | role NAME ROLE | signout NAME
    newsmon users passwd NAME [--password-stdin]
    newsmon tokens add NAME [--label TEXT] | list [--user NAME] | revoke ID

JSON Lines on stdout; bad input (name, role, password policy, unknown account, the last
admin) is one line on stderr and exit 2. Passwords are read from stdin (one line; the
line end is not part of it) with ``--password-stdin``, or asked for twice without echo on a
terminal; they never appear in the process list or the shell history. ``users add
--no-password`` makes an account that can sign in through the proxy only.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any, Callable


def _setup(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    from models.store import Store
    from newsmon.cli import _settings
    from review.accounts import Passwords
    settings = _settings(args)
    store = Store.from_settings(settings)
    store.check()
    return settings, store, Passwords(settings.accounts)


def _emit(obj: dict) -> None:
    from newsmon.cli import emit
    emit(obj)


def account_row(a: Any) -> dict:
    from models.store import iso_utc
    return {"name": a.name, "role": a.role, "disabled": a.disabled, "password": a.has_password, "source": a.source,
            "created_at": iso_utc(a.created_at), "last_login_at": iso_utc(a.last_login_at)}


def token_row(t: Any) -> dict:
    from models.store import iso_utc
    return {"id": t.id, "user": t.account, "label": t.label, "created_at": iso_utc(t.created_at),
            "last_used_at": iso_utc(t.last_used_at), "revoked_at": iso_utc(t.revoked_at)}


def read_password(args: argparse.Namespace, passwords: Any) -> str:
    """The new password: stdin's first line (--password-stdin), or asked twice on a terminal."""
    from review.accounts import AccountError
    if args.password_stdin:
        line = sys.stdin.readline()
        pw = line[:-1] if line.endswith("\n") else line
        pw = pw[:-1] if pw.endswith("\r") else pw
    elif sys.stdin.isatty():
        pw = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != pw:
            raise AccountError("the two passwords differ; nothing was changed")
    else:
        hint = " (or --no-password for a proxy-only account)" if getattr(args, "no_password", None) is not None else ""
        raise AccountError(f"give the password on stdin with --password-stdin{hint}, or run on a terminal")
    return passwords.check(pw)


# --- users ------------------------------------------------------------------------------------

def cmd_users_add(args: argparse.Namespace) -> int:
    from review.accounts import add_account, normalize_name, parse_role
    _, store, pw = _setup(args)
    normalize_name(args.name), parse_role(args.role)  # bad input before a password is asked for
    password = None if args.no_password else read_password(args, pw)
    _emit({"event": "added", **account_row(add_account(store, pw, args.name, args.role, password))})
    if password is None:
        print(f"newsmon: {args.name} has no password: they can sign in through the proxy only "
              f"([web] auth = \"proxy\"); set one with `newsmon users passwd`", file=sys.stderr)
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    _, store, _ = _setup(args)
    for a in store.accounts():
        _emit(account_row(a))
    return 0


def _change(event: str, fn: Callable[..., Any]) -> Callable[[argparse.Namespace], int]:
    def cmd(args: argparse.Namespace) -> int:
        _, store, pw = _setup(args)
        _emit({"event": event, **account_row(fn(args, store, pw))})
        return 0
    return cmd


def _passwd(args: argparse.Namespace, store: Any, pw: Any) -> Any:
    from review.accounts import find_account, set_password
    find_account(store, args.name)  # an unknown name fails before a password is asked for
    return set_password(store, pw, args.name, read_password(args, pw))


def _role(args: argparse.Namespace, store: Any, _pw: Any) -> Any:
    from review.accounts import set_role
    return set_role(store, args.name, args.role)


def _disable(args: argparse.Namespace, store: Any, _pw: Any) -> Any:
    from review.accounts import set_disabled
    return set_disabled(store, args.name, True)


def _enable(args: argparse.Namespace, store: Any, _pw: Any) -> Any:
    from review.accounts import set_disabled
    return set_disabled(store, args.name, False)


def _signout(args: argparse.Namespace, store: Any, _pw: Any) -> Any:
    from review.accounts import end_sessions
    return end_sessions(store, args.name)


# --- tokens -----------------------------------------------------------------------------------

def cmd_tokens_add(args: argparse.Namespace) -> int:
    from review.accounts import feed_path, new_token
    settings, store, _ = _setup(args)
    row, token = new_token(store, args.name, args.label)
    host = settings.web.host if ":" not in settings.web.host else f"[{settings.web.host}]"
    _emit({"event": "added", **token_row(row), "token": token, "path": feed_path(token),
           "url": f"http://{host}:{settings.web.port}{feed_path(token)}"})
    print("newsmon: the token is shown this once (only its hash is kept); filters go in the query string, "
          "e.g. ?entity=samsung&state=new", file=sys.stderr)
    return 0


def cmd_tokens_list(args: argparse.Namespace) -> int:
    from review.accounts import find_account
    _, store, _ = _setup(args)
    owner = find_account(store, args.user).id if args.user else None
    for t in store.tokens(owner):
        _emit(token_row(t))
    return 0


def cmd_tokens_revoke(args: argparse.Namespace) -> int:
    from review.accounts import AccountError
    _, store, _ = _setup(args)
    try:
        row = store.revoke_token(args.id)
    except LookupError:
        raise AccountError(f"no feed token with id {args.id}; see `newsmon tokens list`") from None
    _emit({"event": "revoked", **token_row(row)})
    return 0


# --- registration -------------------------------------------------------------------------------

def _token_id(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a token id (a number; see `newsmon tokens list`)")
    return int(value)


def register(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    def group(name: str, help: str) -> Callable[..., argparse.ArgumentParser]:
        g = sub.add_parser(name, help=help, description=help)
        gsub = g.add_subparsers(dest=f"{name}_command", required=True)

        def gadd(cmd: str, fn: Callable, help: str) -> argparse.ArgumentParser:
            p = gsub.add_parser(cmd, help=help, description=help)
            p.add_argument("--config", "-c", default="newsmon.toml", help="config file (TOML)")
            p.set_defaults(fn=fn)
            return p
        return gadd

    u = group("users", "review-desk accounts: add, list, disable/enable, set role or password")
    p = u("add", cmd_users_add, "add an account (JSON line); the password is asked for on a terminal")
    p.add_argument("name")
    p.add_argument("--role", required=True, help="viewer (reads), reviewer (also decides), admin (also manages users)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true", help="read the password from stdin (one line)")
    how.add_argument("--no-password", action="store_true", help="no password: signs in through the proxy only")
    u("list", cmd_users_list, "every account, one JSON line each")
    for cmd, fn, help in (("disable", _disable, "disable an account: its sessions end, its feed tokens stop"),
                          ("enable", _enable, "enable a disabled account again"),
                          ("signout", _signout, "end every session of an account")):
        u(cmd, _change(cmd + "d" if cmd.endswith("e") else "signed-out", fn), help).add_argument("name")
    p = u("passwd", _change("password", _passwd), "set an account's password (its sessions end)")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin (one line)")
    p = u("role", _change("role", _role), "set an account's role")
    p.add_argument("name")
    p.add_argument("role", help="viewer, reviewer or admin")

    t = group("tokens", "Atom feed tokens: add (shown once), list, revoke")
    p = t("add", cmd_tokens_add, "a new feed token for an account; prints it once with its feed URL")
    p.add_argument("name")
    p.add_argument("--label", help="what the token is for (e.g. the feed reader)")
    p = t("list", cmd_tokens_list, "feed tokens (never the tokens themselves), newest first")
    p.add_argument("--user", help="only this account's")
    p = t("revoke", cmd_tokens_revoke, "revoke a feed token: its feeds answer 404 from now on")
    p.add_argument("id", type=_token_id)

