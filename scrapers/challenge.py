"""Bot challenges and anti-bot walls: recognise them, so they are never taken for content.

A site behind an anti-bot service sometimes answers a crawler with an interstitial page
("Just a moment...", a CAPTCHA, a device check) instead of the feed or article. newsmon
does not solve challenges. It recognises them in the fetch chokepoint (``scrapers.fetch``)
and raises ``BotChallengeError`` ("blocked: bot challenge"): the page is neither parsed as
a feed nor stored as an article body, the feed backs off for hours (``[poll]
challenge_backoff_s``), and the host is not asked again in the same run.

Only generic, documented signatures are used, and only where they cannot occur on a
normal page (an article *about* Cloudflare, or a site that merely loads a vendor's sensor
script, must not count):

* Definitive headers, at any status: Cloudflare's ``cf-mitigated: challenge`` (its docs:
  "the only valid value", set on every challenge page type), Vercel's
  ``x-vercel-mitigated: challenge``, AWS WAF's ``x-amzn-waf-action: challenge|captcha``,
  Sucuri's ``x-sucuri-block``.
* Body markers of the challenge page itself, at any status: Cloudflare's
  ``window._cf_chl_opt`` (only on challenge pages), Sucuri's ``sucuri_cloudproxy_js``
  (its JavaScript challenge, served with 200).
* With a refusal status (401, 403, 405, 428, 429, 503): the interstitials of Cloudflare
  (``<title>Just a moment...</title>``, ``/cdn-cgi/challenge-platform/`` but not the
  ``scripts/jsd`` detection script ordinary pages load, "Attention Required! | Cloudflare"),
  DataDome (``captcha-delivery.com``, or its ``x-datadome`` / ``x-dd-b`` headers),
  PerimeterX/HUMAN (the ``px-captcha`` element, ``captcha.px-cdn.net``; not the
  ``window._pxAppId`` sensor of ordinary pages), Akamai (``errors.edgesuite.net`` / "Reference #" pages from
  ``AkamaiGHost``, its ``/_sec/cp_challenge/`` crypto challenge), Sucuri (its firewall's
  "Access Denied" page) and Imperva/Incapsula ("Incapsula incident ID",
  its ``_Incapsula_Resource?CWUDNSAI=`` frame). Without such a marker a 403 stays an HTTP error and a 429/503
  stays a temporary failure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

# Statuses anti-bot walls answer with (AWS WAF's 202/405 are caught by their header).
WALL_STATUSES = frozenset({401, 403, 405, 428, 429, 503})
# How much of a refusal's body is read to look for a wall (challenge pages are small; the
# markers sit in the first few KiB). A larger body is read this far and no further.
PEEK_BYTES = 256 * 1024
# On a 2xx answer only the start of the body is searched for the strong markers.
HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class Wall:
    vendor: str    # "Cloudflare", "DataDome", ...
    evidence: str  # what gave it away, for the one-line message

    def describe(self, status: int) -> str:
        return f"{self.vendor} bot challenge (HTTP {status}, {self.evidence})"


# header name -> (vendor, accepted values or None for any value)
_HEADERS: tuple[tuple[str, str, frozenset[str] | None], ...] = (
    ("cf-mitigated", "Cloudflare", frozenset({"challenge"})),
    ("x-vercel-mitigated", "Vercel", frozenset({"challenge"})),
    ("x-amzn-waf-action", "AWS WAF", frozenset({"challenge", "captcha"})),
    ("x-sucuri-block", "Sucuri", None),
)

# Markers found only on challenge pages: trusted at any status.
_STRONG: tuple[tuple[bytes, str], ...] = (
    (b"window._cf_chl_opt", "Cloudflare"),
    (b"sucuri_cloudproxy_js", "Sucuri"),
)

# Markers of interstitials, trusted with a refusal status only (lower-case bytes).
_WALL_MARKERS: tuple[tuple[re.Pattern[bytes], str, str], ...] = tuple(
    (re.compile(rx), vendor, shown) for rx, vendor, shown in (
        (rb"<title>\s*just a moment\.\.\.\s*</title>", "Cloudflare", "\"Just a moment...\" page"),
        # Not scripts/jsd/: Cloudflare injects that bot-detection script into ordinary pages.
        (rb"/cdn-cgi/challenge-platform/(?!scripts/jsd/)", "Cloudflare", "challenge-platform page"),
        (rb"attention required! \| cloudflare", "Cloudflare", "\"Attention Required!\" page"),
        (rb"captcha-delivery\.com", "DataDome", "captcha-delivery.com page"),
        # The captcha element and script; not the sensor (window._pxAppId) or CSS names that
        # ordinary pages of protected sites carry.
        (rb"id=[\"']?px-captcha[\"'\s>]|captcha\.px-cdn\.net", "PerimeterX/HUMAN", "px-captcha page"),
        (rb"/_sec/cp_challenge/|sec-if-cpt-container", "Akamai", "sec-cpt challenge page"),
        # Akamai writes the reference URL with character references: errors&#46;edgesuite&#46;net
        (rb"errors(?:\.|&#46;)edgesuite(?:\.|&#46;)net", "Akamai", "\"Access Denied\" reference page"),
        (rb"sucuri website firewall", "Sucuri", "firewall \"Access Denied\" page"),
        # The incident page; not the _Incapsula_Resource script ordinary pages load.
        (rb"incapsula incident id|_incapsula_resource\?cwudnsai=", "Imperva/Incapsula", "incident page"),
    ))

# With a refusal status, these headers alone name the wall.
_WALL_HEADERS: tuple[tuple[str, str], ...] = (
    ("x-datadome", "DataDome"),
    ("x-dd-b", "DataDome"),
)
_AKAMAI_DENIED = re.compile(rb"access denied.{0,2000}reference(?:\s|&#32;)*(?:#|&#35;)", re.S)


def wall_from_headers(headers: httpx.Headers) -> Wall | None:
    """A wall named by a definitive response header, whatever the status."""
    for name, vendor, values in _HEADERS:
        value = headers.get(name)
        if value is None:
            continue
        value = value.strip().lower()
        if values is None or value in values:
            return Wall(vendor, f"{name}: {value}" if value else name)
    return None


def may_be_wall(status: int) -> bool:
    """Whether a refusal's body is worth reading to look for a wall."""
    return status in WALL_STATUSES


def detect_wall(status: int, headers: httpx.Headers, body: bytes) -> Wall | None:
    """The anti-bot wall this response is, or None for an ordinary answer."""
    wall = wall_from_headers(headers)
    if wall is not None:
        return wall
    refusal = status in WALL_STATUSES
    head = body[:PEEK_BYTES if refusal else HEAD_BYTES].lower()
    for marker, vendor in _STRONG:
        if marker in head:
            return Wall(vendor, marker.decode())
    if not refusal:
        return None
    for rx, vendor, shown in _WALL_MARKERS:
        if rx.search(head):
            return Wall(vendor, shown)
    for name, vendor in _WALL_HEADERS:
        if name in headers:
            return Wall(vendor, f"{name} header")
    server = headers.get("server", "").lower()
    if status == 403 and server.startswith("akamaighost") and _AKAMAI_DENIED.search(head):
        return Wall("Akamai", "AkamaiGHost \"Access Denied\" page")
    if status == 403 and "sucuri" in server:
        return Wall("Sucuri", f"server: {server}")
    return None
