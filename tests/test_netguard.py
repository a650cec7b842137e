"""The SSRF guard: the pure classifier (never connects) and the guarded connector."""
from __future__ import annotations

import ipaddress
import ssl
from datetime import datetime, timedelta, timezone

import pytest

from newsmon.errors import AddressNotAllowed, PermanentFetchError
from scrapers.fetch import Fetcher
from scrapers.netguard import (
    GuardedBackend,
    check_address,
    classify,
    embedded_ipv4,
    is_allowed,
    parse_ip_literal,
)
from tests.hostile.fixtures import fast_settings, server, server2  # noqa: F401
from tests.hostile.server import HostileServer, respond

NETS = lambda *c: [ipaddress.ip_network(x) for x in c]  # noqa: E731


@pytest.mark.parametrize("ip, expected", [
    # IPv4 special ranges
    ("0.0.0.0", "unspecified"), ("0.1.2.3", "unspecified"),
    ("10.0.0.1", "private"), ("10.255.255.255", "private"),
    ("172.16.0.1", "private"), ("172.31.255.254", "private"),
    ("192.168.1.1", "private"),
    ("100.64.0.1", "cgnat"), ("100.127.255.254", "cgnat"),
    ("127.0.0.1", "loopback"), ("127.255.255.254", "loopback"), ("127.0.0.2", "loopback"),
    ("169.254.169.254", "link-local"), ("169.254.0.1", "link-local"),
    ("192.0.0.8", "reserved"), ("192.0.2.10", "documentation"),
    ("198.51.100.7", "documentation"), ("203.0.113.9", "documentation"),
    ("198.18.0.1", "benchmark"), ("198.19.255.1", "benchmark"),
    ("192.88.99.1", "reserved"),
    ("224.0.0.1", "multicast"), ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"), ("255.255.255.255", "broadcast"),
    # IPv4 public (boundaries next to special ranges)
    ("8.8.8.8", None), ("1.1.1.1", None), ("172.15.255.255", None), ("172.32.0.1", None),
    ("100.63.255.255", None), ("100.128.0.1", None), ("11.0.0.1", None),
    ("223.255.255.254", None), ("169.253.255.255", None),
    # IPv6 special ranges
    ("::", "unspecified"), ("::1", "loopback"),
    ("fe80::1", "link-local"), ("febf::1", "link-local"), ("fe80::1%eth0", "link-local"),
    ("fc00::1", "unique-local"), ("fd12:3456:789a::1", "unique-local"),
    ("fec0::1", "site-local"), ("ff02::1", "multicast"), ("ff05::2", "multicast"),
    ("2001:db8::1", "documentation"), ("3fff::1", "documentation"),
    ("2001:2::1", "benchmark"), ("2001::1", "reserved"), ("100::1", "reserved"),
    ("64:ff9b:1::1", "private"),
    # IPv6 forms embedding IPv4: classified by the embedded address
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:7f00:1", "loopback"),
    ("::ffff:10.0.0.1", "private"), ("::ffff:169.254.169.254", "link-local"),
    ("::ffff:0:127.0.0.1", "loopback"),           # SIIT IPv4-translated
    ("::127.0.0.1", "loopback"), ("::10.1.1.1", "private"),   # IPv4-compatible
    ("::8.8.8.8", "reserved"),                    # compat form of a public address: unroutable
    ("64:ff9b::127.0.0.1", "loopback"), ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64
    ("64:ff9b::192.168.0.1", "private"),
    ("2002:7f00:1::", "loopback"), ("2002:c0a8:101::1", "private"),  # 6to4
    # IPv6 public
    ("2001:4860:4860::8888", None), ("2606:4700:4700::1111", None), ("2a00:1450::1", None),
    ("::ffff:8.8.8.8", None), ("64:ff9b::808:808", None), ("2002:808:808::1", None),
])
def test_classify(ip, expected):
    assert classify(ip) == expected
    assert classify(ipaddress.ip_address(ip)) == expected


def test_embedded_ipv4():
    assert embedded_ipv4(ipaddress.ip_address("::ffff:7f00:1")) == ipaddress.ip_address("127.0.0.1")
    assert embedded_ipv4(ipaddress.ip_address("2002:c0a8:101::1")) == ipaddress.ip_address("192.168.1.1")
    assert embedded_ipv4(ipaddress.ip_address("2001:4860::1")) is None
    assert embedded_ipv4(ipaddress.ip_address("10.0.0.1")) is None


@pytest.mark.parametrize("ip, networks, allowed", [
    ("8.8.8.8", [], True),
    ("127.0.0.1", [], False),
    ("127.0.0.1", ["127.0.0.0/8"], True),
    ("127.0.0.2", ["127.0.0.1/32"], False),
    ("10.1.2.3", ["10.0.0.0/8"], True),
    ("10.1.2.3", ["127.0.0.0/8"], False),
    ("::ffff:127.0.0.1", ["127.0.0.0/8"], True),   # embedded IPv4 covered
    ("::ffff:127.0.0.1", [], False),
    ("64:ff9b::7f00:1", ["127.0.0.1/32"], True),
    ("::1", ["127.0.0.0/8"], False),               # other family, not covered
    ("::1", ["::1/128"], True),
    ("fd00::5", ["fd00::/8"], True),
    ("169.254.169.254", ["10.0.0.0/8", "192.168.0.0/16"], False),
])
def test_is_allowed(ip, networks, allowed):
    assert is_allowed(ip, NETS(*networks)) is allowed


def test_check_address_message_is_one_readable_line():
    with pytest.raises(AddressNotAllowed) as ei:
        check_address("metadata.internal", ipaddress.ip_address("169.254.169.254"), [])
    msg = str(ei.value)
    assert "\n" not in msg
    assert "metadata.internal resolves to 169.254.169.254" in msg and "link-local" in msg


@pytest.mark.parametrize("host, expected", [
    ("127.0.0.1", "127.0.0.1"),
    ("2130706433", "127.0.0.1"),          # one decimal number
    ("0x7f000001", "127.0.0.1"),          # one hex number
    ("0x7f.1", "127.0.0.1"),              # hex + shorthand
    ("0177.0.0.1", "127.0.0.1"),          # octal part
    ("127.1", "127.0.0.1"),               # a.b form
    ("10.1.258", "10.1.1.2"),             # a.b.c form: last part fills two bytes
    ("017700000001", "127.0.0.1"),        # one octal number
    ("[::1]", "::1"),
    ("[::ffff:7f00:1]", "::ffff:7f00:1"),
    ("::ffff:127.0.0.1", "::ffff:7f00:1"),
    ("fe80::1%25eth0", "fe80::1%eth0"),
    ("example.com", None), ("1.2.3.4.5", None), ("256.1.1.1", None), ("08.0.0.1", None),
    ("0x", None), ("1..2", None), ("4294967296", None), ("", None), ("news.korea", None),
])
def test_parse_ip_literal(host, expected):
    got = parse_ip_literal(host)
    assert (str(got) if got is not None else None) == expected


# -- the guarded connector ------------------------------------------------------------------

async def test_backend_refuses_if_any_address_is_not_allowed():
    calls = []

    async def resolver(host, port):
        calls.append(host)
        # One allowed and one private address: the whole name is refused, nothing connected.
        return [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("10.9.8.7")]

    backend = GuardedBackend(NETS("127.0.0.0/8"), resolver=resolver)
    with pytest.raises(AddressNotAllowed, match="10.9.8.7"):
        await backend.connect_tcp("mixed.test", 80)
    assert calls == ["mixed.test"]


async def test_backend_connects_to_checked_ip_and_keeps_host_header(server):
    server.routes["/"] = respond(200, b"<html><body>ok</body></html>")

    async def resolver(host, port):
        assert host == "news.test"
        return [ipaddress.ip_address("127.0.0.1")]

    settings = fast_settings(allow_networks=("127.0.0.1/32",))
    async with Fetcher(settings, resolver=resolver) as f:
        r = await f.fetch(f"http://news.test:{server.port}/")
    assert r.status == 200 and r.content == b"<html><body>ok</body></html>"
    page = [q for q in server.requests if q.path == "/"][0]
    assert page.headers["host"] == f"news.test:{server.port}"


async def test_dns_rebinding_is_checked_on_every_connection(server, server2):
    """The second answer points at 127.0.0.2 (not allowed): refused, never connected."""
    server.routes["/"] = respond(200, b"<p>first</p>")
    server2.routes["/"] = respond(200, b"<p>internal</p>")
    answers = iter(["127.0.0.1", "127.0.0.2", "127.0.0.2"])

    async def resolver(host, port):
        return [ipaddress.ip_address(next(answers))]

    port = server.port
    settings = fast_settings(allow_networks=("127.0.0.1/32",), retries=0)
    async with Fetcher(settings, resolver=resolver) as f:
        r = await f.fetch(f"http://rebind.test:{port}/", check_robots=False)
        assert r.content == b"<p>first</p>"
        with pytest.raises(AddressNotAllowed, match="127.0.0.2"):
            # Connection: close on the first answer forces a new connection and a new lookup.
            await f.fetch(f"http://rebind.test:{port}/", check_robots=False)
        with pytest.raises(AddressNotAllowed):
            await f.fetch(f"http://rebind.test:{server2.port}/", check_robots=False)
    assert sum(server2.hits.values()) == 0
    assert server.hits["/"] == 1


def _self_signed(tmp_path, name: str):
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert_path, key_path)
    return cert_path, ctx


async def test_https_keeps_hostname_for_sni_and_certificate(tmp_path, monkeypatch):
    """Connect to the checked IP, but TLS still speaks to (and verifies) the hostname."""
    cert_path, ctx = _self_signed(tmp_path, "news.test")

    async def resolver(host, port):
        return [ipaddress.ip_address("127.0.0.1")]

    with HostileServer("127.0.0.1", ssl_context=ctx) as tls:
        tls.routes["/"] = respond(200, b"<p>over tls</p>")
        url = f"https://news.test:{tls.port}/"
        settings = fast_settings(allow_networks=("127.0.0.1/32",), retries=0)
        # Not trusted yet: a permanent TLS error (and no page request).
        async with Fetcher(settings, resolver=resolver) as f:
            with pytest.raises(PermanentFetchError, match="TLS certificate of news.test"):
                await f.fetch(url, check_robots=False)
        # Trusted (httpx reads SSL_CERT_FILE): served; the certificate matched "news.test".
        monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))
        async with Fetcher(settings, resolver=resolver) as f:
            r = await f.fetch(url, check_robots=False)
    assert r.content == b"<p>over tls</p>"
    assert tls.sni == ["news.test", "news.test"]
    assert tls.hits["/"] == 1 and tls.requests[0].headers["host"] == f"news.test:{tls.port}"
