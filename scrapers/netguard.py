"""SSRF guard: classify IP addresses and connect only to addresses that passed the check.

Two parts:

* ``classify(ip)`` / ``is_allowed(ip, networks)`` — pure functions, unit-tested without
  connecting anywhere. ``classify`` names the special-purpose range an address belongs to
  ("loopback", "private", ...) or returns None for a public address. IPv6 forms that embed
  an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) are
  classified by the embedded address, so ``::ffff:127.0.0.1`` is "loopback".
* ``GuardedBackend`` — an httpcore network backend that wraps the default one. For every
  new TCP connection it resolves the host itself, checks *every* address, and then connects
  to one of the checked IPs. The HTTP layer above still sees the hostname, so the Host
  header and TLS SNI stay the hostname. Because the address checked is the address
  connected, a DNS answer that changes between check and connect (DNS rebinding) cannot
  slip through.

Literal hosts such as ``2130706433`` or ``0x7f.1`` are parsed with the inet_aton rules the
C library uses (``parse_ip_literal``); anything else goes through ``getaddrinfo`` and the
result is checked, so a form this parser does not know is still checked after resolution.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any
from urllib.parse import unquote

import httpcore

from newsmon.errors import AddressNotAllowed, BlockedError
from scrapers.aiostream import AsyncioBackend

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# resolver(host, port) -> addresses; injectable so tests can simulate DNS without a network.
Resolver = Callable[[str, int], Awaitable[Sequence[IPAddress]]]

_N = ipaddress.ip_network

# Order matters: the first matching range names the category (broadcast before 240/4).
_V4_RANGES: tuple[tuple[ipaddress.IPv4Network, str], ...] = tuple(
    (_N(cidr), name) for cidr, name in (
        ("0.0.0.0/8", "unspecified"),          # "this network"; 0.0.0.0 reaches localhost on Linux
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "cgnat"),            # shared address space (RFC 6598)
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),      # includes cloud metadata 169.254.169.254
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "reserved"),          # IETF protocol assignments
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "reserved"),        # deprecated 6to4 relay anycast
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmark"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("255.255.255.255/32", "broadcast"),
        ("240.0.0.0/4", "reserved"),
    )
)

_V6_RANGES: tuple[tuple[ipaddress.IPv6Network, str], ...] = tuple(
    (_N(cidr), name) for cidr, name in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("64:ff9b:1::/48", "private"),         # local-use NAT64 (RFC 8215)
        ("100::/64", "reserved"),              # discard-only
        ("2001::/32", "reserved"),             # Teredo: tunnels to an obfuscated IPv4 address
        ("2001:2::/48", "benchmark"),
        ("2001:10::/28", "reserved"),          # ORCHID
        ("2001:20::/28", "reserved"),          # ORCHIDv2
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),        # RFC 9637
        ("fc00::/7", "unique-local"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),           # deprecated, still routed internally by some
        ("ff00::/8", "multicast"),
    )
)

_MAPPED = _N("::ffff:0:0/96")
_TRANSLATED = _N("::ffff:0:0:0/96")        # SIIT "IPv4-translated" (RFC 2765)
_COMPAT = _N("::/96")                       # deprecated IPv4-compatible
_NAT64 = _N("64:ff9b::/96")
_SIXTOFOUR = _N("2002::/16")


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compat, NAT64, 6to4), if any."""
    if ip.version == 4:
        return None
    assert isinstance(ip, ipaddress.IPv6Address)
    if ip in _MAPPED or ip in _TRANSLATED or ip in _NAT64 or ip in _COMPAT:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _SIXTOFOUR:
        return ipaddress.IPv4Address((int(ip) >> 80) & 0xFFFFFFFF)
    return None


def classify(ip: IPAddress | str) -> str | None:
    """Name the non-public range ``ip`` is in ("loopback", "private", ...); None if public."""
    if isinstance(ip, str):
        ip = ipaddress.ip_address(ip)
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        ip = ipaddress.IPv6Address(int(ip))  # the zone id does not change the range
    table = _V4_RANGES if ip.version == 4 else _V6_RANGES
    for net, name in table:
        if ip in net:
            return name
    inner = embedded_ipv4(ip)
    if inner is not None:
        name = classify(inner)
        if name is not None:
            return name
        # A public IPv4 inside the deprecated compat form is not routable: refuse it.
        if ip in _COMPAT and ip not in _MAPPED:
            return "reserved"
        return None
    # Anything else Python's table of special-purpose registries knows about.
    if not ip.is_global:
        return "reserved"
    return None


def is_allowed(ip: IPAddress | str, networks: Iterable[Network]) -> bool:
    """True if ``ip`` is public or covered by one of ``networks`` (the allow list).

    An IPv6 form embedding an IPv4 address is also allowed when the IPv4 address is
    covered, so "127.0.0.0/8" allows ``::ffff:127.0.0.1`` too.
    """
    if isinstance(ip, str):
        ip = ipaddress.ip_address(ip)
    if classify(ip) is None:
        return True
    candidates: list[IPAddress] = [ip]
    inner = embedded_ipv4(ip)
    if inner is not None:
        candidates.append(inner)
    return any(c.version == n.version and c in n for c in candidates for n in networks)


def check_address(host: str, ip: IPAddress, networks: Sequence[Network]) -> None:
    """Raise AddressNotAllowed (one line naming host, address and range) unless allowed."""
    if not is_allowed(ip, networks):
        shown = host if host == str(ip) else f"{host} resolves to {ip}, which"
        raise AddressNotAllowed(
            f"{shown} is a {classify(ip)} address not covered by allow_networks; "
            f"refused (add its network to fetch.allow_networks to allow it)")


def _inet_aton_part(part: str) -> int | None:
    # One dotted part with C inet_aton rules: 0x.. hex, leading 0 octal, else decimal.
    if not part:
        return None
    try:
        if part[:2].lower() == "0x":
            return int(part[2:], 16) if part[2:] else None
        if len(part) > 1 and part[0] == "0":
            return int(part, 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:
        return None


def parse_ip_literal(host: str) -> IPAddress | None:
    """Parse ``host`` as an IP literal the way the C library would, or return None.

    Handles "[::1]", zone ids ("fe80::1%25eth0"), and the IPv4 shorthand forms
    inet_aton accepts: "2130706433", "0x7f.1", "0177.0.0.1", "127.1".
    """
    h = host.strip()
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    if ":" in h:
        try:
            return ipaddress.IPv6Address(unquote(h))
        except ValueError:
            return None
    parts = h.split(".")
    if len(parts) > 4:
        return None
    nums = [_inet_aton_part(p) for p in parts]
    if any(n is None for n in nums):
        return None
    *head, last = nums  # type: ignore[misc]
    if any(n > 255 for n in head) or last >= 1 << (8 * (4 - len(head))):
        return None
    value = 0
    for n in head:
        value = value << 8 | n
    value = value << (8 * (4 - len(head))) | last
    return ipaddress.IPv4Address(value)


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Resolve with getaddrinfo (what a normal connect would use), in the event loop's executor."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [ipaddress.ip_address(info[4][0]) for info in infos]


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend: resolve, check every address, connect to a checked IP."""

    def __init__(self, networks: Sequence[Network], *, resolver: Resolver | None = None,
                 inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._networks = list(networks)
        self._resolver = resolver or system_resolver
        # Plain asyncio streams rather than httpcore's anyio ones (scrapers/aiostream.py).
        self._inner = inner or AsyncioBackend()

    async def resolve_checked(self, host: str, port: int,
                              timeout: float | None = None) -> list[IPAddress]:
        """All addresses of ``host``, after checking each; raise if any is not allowed.

        Every address must pass: a name that mixes a public and a private address is
        refused, since the connect could otherwise be steered to the private one.
        """
        literal = parse_ip_literal(host)
        if literal is not None:
            addresses: list[IPAddress] = [literal]
        else:
            try:
                async with asyncio.timeout(timeout):
                    resolved = await self._resolver(host, port)
            except TimeoutError:
                raise httpcore.ConnectTimeout(f"DNS lookup of {host} timed out") from None
            except (OSError, UnicodeError) as e:
                raise httpcore.ConnectError(f"DNS lookup of {host} failed ({e})") from None
            addresses = list(dict.fromkeys(resolved))  # dedupe, keep resolver order
            if not addresses:
                raise httpcore.ConnectError(f"DNS lookup of {host} returned no address")
        for ip in addresses:
            check_address(host, ip, self._networks)
        return addresses

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        addresses = await self.resolve_checked(host, port, timeout)
        last: Exception | None = None
        for ip in addresses:  # like happy-eyeballs-less create_connection: try each in turn
            try:
                return await self._inner.connect_tcp(
                    str(ip), port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                last = e
        assert last is not None
        raise last

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        raise BlockedError(f"unix socket {path} refused: newsmon fetches over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
