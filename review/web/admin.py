"""The user's own account page and the admin's user management.

* ``GET /account``: name and role; Atom feed tokens (create: the token and its feed URLs
  are shown once, only a hash is kept; revoke); the password form (password sign-in);
  the open sessions and "sign out everywhere".
* ``GET /admin/users`` (admin): every account with its role and state; add an account
  (a password, or none for proxy sign-in), change a role, disable/enable, set a password.
  The same rules as ``newsmon users`` (``review.accounts``); the last enabled admin cannot
  be demoted or disabled.

Results are reported by code and name in the query string (``?done=added&who=kim``), never
as free text, so a crafted link cannot put words on the page.
"""
from __future__ import annotations

import asyncio
import hashlib
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from models.tables import ROLES
from review import accounts as acc
from review.accounts import AccountError
from review.web.auth import Principal, field, form_values
from review.web.context import user

if TYPE_CHECKING:
    from review.web.context import Desk

ADMIN_DONE = {"added": "Added {who}.", "role": "Changed the role of {who}.", "disabled": "Disabled {who}.",
              "enabled": "Enabled {who}.", "password": "Set a new password for {who}; their sessions ended."}
ACCOUNT_DONE = {"revoked": "Revoked the feed token.", "password": "Password changed; other sessions ended."}


def feed_query(raw: str | None) -> str:
    """The inbox filters of ``raw`` (a query string) that an Atom feed accepts, re-encoded."""
    from urllib.parse import parse_qsl

    from review.web.atom import FEED_FILTERS
    pairs = [(k, v) for k, v in parse_qsl(raw or "", keep_blank_values=False) if k in FEED_FILTERS and v]
    return urlencode(pairs)


def register(app: FastAPI, desk: "Desk") -> None:
    st, auth = desk.store, desk.auth

    async def form(request: Request) -> dict[str, list[str]]:
        return form_values(await request.body(), desk.max_form_fields)  # checked by the middleware

    async def account_page(request: Request, status: int = 200, **extra: Any) -> Response:
        me: Principal = user(request)
        acct, tokens, sessions = await asyncio.to_thread(
            lambda: (st.account(me.name), st.tokens(me.account_id), st.sessions_of(me.account_id)))
        done = ACCOUNT_DONE.get(request.query_params.get("done", ""))
        view = feed_query(extra.pop("view", None) or request.query_params.get("view"))
        ctx = {"new_token": None, "new_row": None, "message": None, **extra}
        return desk.page(request, "account.html", status=status, title="Your account · newsmon", acct=acct,
                         tokens=tokens, sessions=sessions, done=done, view=view, base=auth.base_url(request), **ctx)

    @app.get("/account")
    async def account(request: Request) -> Response:
        return await account_page(request)

    @app.post("/account/tokens")
    async def create_token(request: Request) -> Response:
        f = await form(request)
        me: Principal = user(request)
        try:
            row, token = await asyncio.to_thread(acc.new_token, st, me.name, field(f, "label"))
        except AccountError as e:
            return await account_page(request, 400, message=str(e), view=field(f, "view"))
        return await account_page(request, new_token=token, new_row=row, view=field(f, "view"))

    @app.post("/account/tokens/{token_id}/revoke")
    async def revoke_token(request: Request, token_id: int) -> Response:
        me: Principal = user(request)
        try:
            await asyncio.to_thread(st.revoke_token, token_id, account_id=me.account_id)
        except LookupError:
            return desk.error(request, 404, f"you have no feed token with id {token_id}")
        return RedirectResponse("/account?done=revoked", status_code=303)

    @app.post("/account/password")
    async def change_password(request: Request) -> Response:
        f = await form(request)
        me: Principal = user(request)
        if auth.mode != "password":
            return desk.error(request, 404, f'Passwords are not used ([web] auth = "{auth.mode}").')
        current, new, again = (field(f, k) or "" for k in ("current", "password", "again"))
        acct = await asyncio.to_thread(st.account, me.name)
        ok = acct is not None and (await asyncio.to_thread(auth.passwords.verify, acct.password_hash, current)).ok
        if not ok:
            return await account_page(request, 400, message="The current password is wrong.")
        if new != again:
            return await account_page(request, 400, message="The two new passwords differ.")
        try:
            await asyncio.to_thread(acc.set_password, st, auth.passwords, me.name, new)
            fresh = await asyncio.to_thread(st.account, me.name)
            token = secrets.token_urlsafe(32)  # this browser stays signed in, the others are out
            await asyncio.to_thread(st.create_session, fresh, hashlib.sha256(token.encode()).hexdigest(),
                                    lifetime=auth.lifetime, idle=auth.idle, address=auth.client_ip(request),
                                    user_agent=request.headers.get("user-agent"))
        except AccountError as e:
            return await account_page(request, 400, message=str(e))
        resp = RedirectResponse("/account?done=password", status_code=303)
        auth.set_cookie(resp, request, token)
        return resp

    @app.post("/account/sessions/end")
    async def end_all(request: Request) -> Response:
        me: Principal = user(request)
        await asyncio.to_thread(acc.end_sessions, st, me.name)
        resp = RedirectResponse("/login" if auth.mode == "password" else "/account", status_code=303)
        auth.clear_cookie(resp, request)
        return resp

    # -- admin ------------------------------------------------------------------------------

    async def users_page(request: Request, status: int = 200, message: str | None = None) -> Response:
        rows = await asyncio.to_thread(st.accounts)
        q = request.query_params
        done = ADMIN_DONE.get(q.get("done", ""), "").format(who=q.get("who", "")[:128]) or None
        return desk.page(request, "admin_users.html", status=status, title="Users · newsmon", rows=rows,
                         roles=ROLES, done=done, message=message, min_chars=auth.passwords.min_chars)

    @app.get("/admin/users")
    async def users(request: Request) -> Response:
        return await users_page(request)

    def back(done: str, who: str) -> Response:
        return RedirectResponse(f"/admin/users?{urlencode({'done': done, 'who': who})}", status_code=303)

    @app.post("/admin/users")
    async def add_user(request: Request) -> Response:
        f = await form(request)
        password = field(f, "password") or None
        try:
            row = await asyncio.to_thread(acc.add_account, st, auth.passwords, field(f, "name") or "",
                                          field(f, "role") or "", password, source="web")
        except AccountError as e:
            return await users_page(request, 400, str(e))
        return back("added", row.name)

    @app.post("/admin/users/{name}/{action}")
    async def change_user(request: Request, name: str, action: str) -> Response:
        f = await form(request)
        try:
            if action == "role":
                row = await asyncio.to_thread(acc.set_role, st, name, field(f, "role") or "")
            elif action in ("disable", "enable"):
                row = await asyncio.to_thread(acc.set_disabled, st, name, action == "disable")
            elif action == "password":
                row = await asyncio.to_thread(acc.set_password, st, auth.passwords, name, field(f, "password") or "")
            else:
                return desk.error(request, 404, f"no such action: {action}")
        except AccountError as e:
            return await users_page(request, 400, str(e))
        return back({"disable": "disabled", "enable": "enabled"}.get(action, action), row.name)


def feed_url(base: str, token: str, query: str = "") -> str:
    return f"{base}{acc.feed_path(quote(token, safe=''))}" + (f"?{query}" if query else "")
