"""Who is asking: sign-in, sessions, the authenticating proxy, roles and CSRF tokens.

``[web] auth`` picks how a request gets its user (``Principal``):

* ``none`` (loopback only, enforced by the settings): everyone is the local admin, an
  account named after the OS user running ``newsmon web`` (``review.accounts.local_name``).
* ``password``: ``POST /login`` checks the Argon2id hash and starts a session. The cookie
  ``newsmon_session`` (HttpOnly, SameSite=Lax, Secure when the request came over HTTPS,
  directly or per X-Forwarded-Proto from a trusted proxy) holds a random token signed with
  the desk's key; the database keeps only the token's SHA-256 with the account's session
  epoch, so a session ends at its lifetime, after the idle timeout, at sign-out, and on
  every worker at once when the account is disabled or its password changes.
* ``proxy``: the user name is read from ``[web] proxy_user_header`` when the immediate peer
  is in ``[web] trusted_proxies``, and ignored from anywhere else.

``AuthMiddleware`` guards EVERY route (a new route is private unless listed in
``PUBLIC``): without a user a page answers 303 to /login (password) or 401; the role a
route needs is decided here too (``required_role``): ``/admin`` needs admin, other POSTs
reviewer, except the user's own ``/account`` and ``/logout``. Every POST except /login
must be a form (``application/x-www-form-urlencoded``, length-capped) carrying the user's
CSRF token (``csrf`` field): an HMAC of the session (or proxy/local account) under the key.

Failed sign-ins count per user name (existing or not, so the answer never tells whether a
name exists) and per client address (IPv6: its /64); too many within the window lock
that name or address (``models.store.sessions``). An unknown name costs one Argon2
verification against a dummy hash, like a real one.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import logging
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from models.store import AccountRow, Store
from newsmon.settings import Settings
from review.accounts import AccountError, Passwords, local_name, normalize_name, role_allows
from review.web.render import local_time

if TYPE_CHECKING:
    from review.web.context import Desk

log = logging.getLogger(__name__)

SESSION_COOKIE = "newsmon_session"
# Paths answered without a user: the sign-in page, static files, and the Atom feeds
# (which check their own token in the URL, review/web/atom.py).
PUBLIC_PATHS = ("/login",)
PUBLIC_PREFIXES = ("/static/", "/atom/")
FORM_TYPE = "application/x-www-form-urlencoded"
LOGIN_FORM_MAX = 4096  # user name + password (<= 1024 chars) + next, URL-encoded
PeerNet = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Principal:
    """The user of one request."""

    account_id: int
    name: str
    role: str
    via: str  # "session" | "proxy" | "local"
    csrf: str
    session_hash: str | None = None

    def may(self, needed: str) -> bool:
        return role_allows(self.role, needed)


@dataclass(frozen=True)
class Refusal:
    """No user for this request, and why (shown on the 401/403 page)."""

    status: int
    message: str


def required_role(method: str, path: str) -> str:
    if path == "/admin" or path.startswith("/admin/"):
        return "admin"
    if method in ("GET", "HEAD"):
        return "viewer"
    if path == "/logout" or path == "/account" or path.startswith("/account/"):
        return "viewer"  # one's own password, tokens and sessions
    return "reviewer"


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def safe_next(target: str | None) -> str:
    """A local path to go back to after signing in (never another site)."""
    t = (target or "").strip()
    if (not t.startswith("/") or t.startswith("//") or t.startswith("/\\") or len(t) > 2000
            or any(ord(c) < 32 for c in t) or t.startswith("/login")):
        return "/"
    return t


def _ip(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((value or "").strip().strip("[]"))
    except ValueError:
        return None


class Auth:
    """Sign-in, sessions and the per-request user (see module docstring)."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.mode = settings.web.auth
        self.web = settings.web
        self.cfg = settings.accounts
        self.store = store
        self.passwords = Passwords(settings.accounts)
        self.trusted: list[PeerNet] = settings.web.proxy_networks()
        self.lifetime = timedelta(hours=self.cfg.session_lifetime_hours)
        self.idle = timedelta(minutes=self.cfg.session_idle_minutes)
        self.tz = settings.schedule.timezone
        key = settings.web.secret_key or store.meta_value("web_secret_key", lambda: secrets.token_urlsafe(48))
        self._key = hashlib.sha256(("newsmon-web|" + key).encode()).digest()
        self.local: AccountRow | None = None
        if self.mode == "none":
            self.local = store.ensure_account(local_name(), "admin", source="local")

    # -- signing ---------------------------------------------------------------------------

    def _mac(self, *parts: str) -> str:
        d = hmac.new(self._key, "|".join(parts).encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(d).rstrip(b"=").decode()

    def sign(self, token: str) -> str:
        return f"{token}.{self._mac('session', token)}"

    def unsign(self, value: str | None) -> str | None:
        token, _, mac = (value or "").rpartition(".")
        if not token or not hmac.compare_digest(mac.encode(), self._mac("session", token).encode()):
            return None
        return token

    # -- the client --------------------------------------------------------------------------

    def _trusted_peer(self, request: Request) -> bool:
        ip = _ip(request.client.host if request.client else None)
        return ip is not None and any(ip in net for net in self.trusted)

    def client_ip(self, request: Request) -> str:
        """The client's address: the peer, or the nearest untrusted address of
        X-Forwarded-For when the peer is a trusted proxy."""
        peer = request.client.host if request.client else "unknown"
        if not self._trusted_peer(request):
            return peer
        hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if h.strip()]
        for hop in reversed(hops):
            ip = _ip(hop)
            if ip is None:
                break
            if not any(ip in net for net in self.trusted):
                return str(ip)
        return peer

    def is_https(self, request: Request) -> bool:
        if request.url.scheme == "https":
            return True
        proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        return proto == "https" and self._trusted_peer(request)

    def base_url(self, request: Request) -> str:
        """This desk's URL as the client reached it (for links in feeds and on pages)."""
        host = request.headers.get("host") or f"{self.web.host}:{self.web.port}"
        return f"{'https' if self.is_https(request) else 'http'}://{host}"

    @staticmethod
    def address_key(addr: str) -> str:
        ip = _ip(addr)
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
            return str(ipaddress.ip_network(f"{ip}/64", strict=False))  # one host owns a whole /64
        return str(ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else ip) if ip else addr[:100]

    # -- the user of a request ---------------------------------------------------------------

    async def principal(self, request: Request) -> Principal | Refusal | None:
        if self.mode == "none":
            assert self.local is not None
            return Principal(self.local.id, self.local.name, "admin", "local", self._mac("csrf", "local",
                                                                                        str(self.local.id)))
        if self.mode == "proxy":
            return await asyncio.to_thread(self._proxy_user, request)
        token = self.unsign(request.cookies.get(SESSION_COOKIE))
        if token is None:
            return None
        id_hash = hashlib.sha256(token.encode()).hexdigest()
        s = await asyncio.to_thread(self.store.web_session, id_hash, idle=self.idle)
        if s is None:
            return None
        return Principal(s.account.id, s.account.name, s.account.role, "session",
                         self._mac("csrf", "session", id_hash), session_hash=id_hash)

    def _proxy_user(self, request: Request) -> Principal | Refusal | None:
        raw = request.headers.get(self.web.proxy_user_header)
        if not self._trusted_peer(request):
            if raw is not None:
                log.warning("ignored %s from untrusted peer %s", self.web.proxy_user_header,
                            request.client.host if request.client else "?")
            return Refusal(401, "Sign in through the single sign-on proxy in front of newsmon: this request did "
                                "not come through it.")
        if not raw:
            return Refusal(401, f"The proxy sent no user ({self.web.proxy_user_header} header): sign in through it.")
        try:
            name = normalize_name(raw)
        except AccountError as e:
            return Refusal(403, f"The proxy's user cannot be used: {e}.")
        acct = self.store.account(name)
        if acct is None:
            if self.web.proxy_default_role == "refuse":
                return Refusal(403, f"There is no newsmon account for {name}; ask an admin to add one.")
            acct = self.store.ensure_account(name, self.web.proxy_default_role, source="proxy")
        if acct.disabled:
            return Refusal(403, f"The newsmon account {name} is disabled; ask an admin.")
        return Principal(acct.id, acct.name, acct.role, "proxy",
                         self._mac("csrf", "proxy", str(acct.id), str(acct.session_epoch)))

    # -- signing in --------------------------------------------------------------------------

    def _throttle_keys(self, typed: str, addr: str) -> tuple[str, str]:
        name_key = unicodedata.normalize("NFKC", typed).strip().casefold()[:200]
        return name_key, self.address_key(addr)

    def login(self, typed: str, password: str, addr: str, user_agent: str | None) -> tuple[str | None, str]:
        """Check a sign-in. (session token, "") on success; (None, message) otherwise; the
        message is the same whether or not the name exists."""
        name_key, addr_key = self._throttle_keys(typed, addr)
        keys = [("name", name_key), ("address", addr_key)]
        until = self.store.login_locked_until(keys)
        if until is not None:
            return None, self._locked(until)
        try:
            acct = self.store.account(normalize_name(typed))
        except AccountError:
            acct = None
        usable = acct is not None and not acct.disabled
        v = self.passwords.verify(acct.password_hash if usable and acct else None, password)
        if not v.ok or acct is None or not usable:
            until = self.store.login_failed([("name", name_key, self.cfg.login_max_failures),
                                             ("address", addr_key, self.cfg.login_max_failures_per_address)],
                                            window=timedelta(minutes=self.cfg.login_window_minutes),
                                            lockout=timedelta(minutes=self.cfg.login_lockout_minutes))
            if acct is not None and acct.disabled:
                log.info("sign-in refused: account %s is disabled", acct.name)
            return None, (self._locked(until) if until is not None else "Wrong user name or password.")
        self.store.login_succeeded([("name", name_key)], window=timedelta(minutes=self.cfg.login_window_minutes))
        self.store.record_login(acct.id, rehash=v.rehash)
        token = secrets.token_urlsafe(32)
        self.store.create_session(acct, hashlib.sha256(token.encode()).hexdigest(), lifetime=self.lifetime,
                                  idle=self.idle, address=addr, user_agent=user_agent)
        return token, ""

    def _locked(self, until: Any) -> str:
        return (f"Too many failed sign-ins for this user name or from this address: try again after "
                f"{local_time(until, self.tz)}.")

    def set_cookie(self, response: Response, request: Request, token: str) -> None:
        response.set_cookie(SESSION_COOKIE, self.sign(token), max_age=int(self.lifetime.total_seconds()),
                            path="/", httponly=True, samesite="lax", secure=self.is_https(request))

    def clear_cookie(self, response: Response, request: Request) -> None:
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                               secure=self.is_https(request))


def form_values(body: bytes, max_fields: int) -> dict[str, list[str]]:
    """A URL-encoded form; ValueError if it is not UTF-8 or has too many fields."""
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=max_fields)
    except UnicodeDecodeError:
        raise ValueError("the form is not UTF-8") from None


def field(form: dict[str, list[str]], name: str) -> str | None:
    v = form.get(name)
    return v[-1] if v else None


class AuthMiddleware(BaseHTTPMiddleware):
    """Every request gets its user (or is turned away) here; see the module docstring."""

    def __init__(self, app: Any, desk: "Desk") -> None:
        super().__init__(app)
        self.desk = desk

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        desk, auth = self.desk, self.desk.auth
        path, method = request.url.path, request.method
        if is_public(path):
            return await call_next(request)
        who = await auth.principal(request)
        if not isinstance(who, Principal):
            if who is None and auth.mode == "password" and method in ("GET", "HEAD"):
                nxt = path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse("/login" + ("" if nxt == "/" else f"?next={quote(nxt, safe='')}"),
                                        status_code=303)
            refusal = who or Refusal(401, "Sign in first.")
            resp = desk.error(request, refusal.status, refusal.message)
            if refusal.status == 401 and auth.mode == "password":
                resp.headers["WWW-Authenticate"] = 'FormBased realm="newsmon"'
            return resp
        request.state.user = who
        needed = required_role(method, path)
        if not who.may(needed):
            return desk.error(request, 403, f"This needs the {needed} role; {who.name} is a {who.role}.")
        if method not in ("GET", "HEAD"):
            refused = await self._check_form(request, who)
            if refused is not None:
                return refused
        response = await call_next(request)
        # Pages for one signed-in person: never kept by shared caches or the back-button cache.
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    async def _check_form(self, request: Request, who: Principal) -> Response | None:
        desk = self.desk
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != FORM_TYPE:
            return desk.error(request, 415, "send the form (application/x-www-form-urlencoded)")
        try:
            length = int(request.headers.get("content-length", ""))
        except ValueError:
            return desk.error(request, 411, "the form has no Content-Length")
        if length > desk.max_form_bytes:
            return desk.error(request, 413, f"form too large (the note may have at most {desk.note_max} characters)")
        body = await request.body()  # cached: the route reads the same bytes
        try:
            form = form_values(body[:desk.max_form_bytes], desk.max_form_fields)
        except ValueError:
            return desk.error(request, 400, "the form could not be read (not UTF-8 or too many fields)")
        sent = field(form, "csrf") or ""
        if not hmac.compare_digest(sent.encode("utf-8", "replace"), who.csrf.encode()):
            return desk.error(request, 403, "This form has expired or did not come from this desk: reload the "
                                            "page and send it again.")
        return None


# -- routes: /login, /logout ----------------------------------------------------------------------

def register(app: FastAPI, desk: "Desk") -> None:
    auth = desk.auth

    @app.get("/login")
    async def login_page(request: Request) -> Response:
        nxt = safe_next(request.query_params.get("next"))
        who = await auth.principal(request)
        if isinstance(who, Principal):
            return RedirectResponse(nxt, status_code=303)
        if auth.mode == "proxy":
            refusal = who if isinstance(who, Refusal) else Refusal(401, "Sign in through the proxy.")
            return desk.error(request, refusal.status, refusal.message)
        return desk.page(request, "login.html", title="Sign in · newsmon", next=nxt, username="", message=None)

    @app.post("/login")
    async def login(request: Request) -> Response:
        if auth.mode != "password":
            return desk.error(request, 404, f'Password sign-in is off ([web] auth = "{auth.mode}").')
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != FORM_TYPE:
            return desk.error(request, 415, "send the sign-in form (application/x-www-form-urlencoded)")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > LOGIN_FORM_MAX:
                return desk.error(request, 413, "the sign-in form is too large")
        try:
            form = form_values(body, 10)
        except ValueError:
            return desk.error(request, 400, "the sign-in form could not be read")
        typed = (field(form, "username") or "")[:200]
        nxt = safe_next(field(form, "next"))
        token, message = await asyncio.to_thread(auth.login, typed, field(form, "password") or "",
                                                 auth.client_ip(request), request.headers.get("user-agent"))
        if token is None:
            status = 429 if message.startswith("Too many") else 401
            return desk.page(request, "login.html", status=status, title="Sign in · newsmon", next=nxt,
                             username=typed, message=message)
        resp = RedirectResponse(nxt, status_code=303)
        auth.set_cookie(resp, request, token)
        return resp

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        who: Principal = request.state.user
        if who.session_hash is not None:
            await asyncio.to_thread(auth.store.end_session, who.session_hash)
        target = "/login" if auth.mode == "password" else (auth.web.proxy_logout_url or "/")
        resp = RedirectResponse(target, status_code=303)
        auth.clear_cookie(resp, request)
        return resp
