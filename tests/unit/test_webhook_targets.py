"""The deny list of internal webhook targets and RECESS_WEBHOOK_ALLOW (notifications/targets.py)."""

from __future__ import annotations

import ipaddress

import pytest

from recess.notifications import targets
from recess.notifications.targets import NOTHING_ALLOWED, Malformed, Refused, parse_allow, vet_url

DENIED = [
    # IPv4 loopback in every spelling a URL parser or inet_aton reads as 127.0.0.1
    ("http://127.0.0.1/", "loopback"),
    ("http://127.0.0.1:5432/", "loopback"),
    ("http://127.1/", "loopback"),
    ("http://127.0.1/", "loopback"),
    ("http://2130706433/", "loopback"),
    ("http://0x7f.1/", "loopback"),
    ("http://0X7F.0.0.1/", "loopback"),
    ("http://0x7f000001/", "loopback"),
    ("http://0177.1/", "loopback"),
    ("http://0177.0.1/", "loopback"),
    ("http://017700000001/", "loopback"),
    ("http://127.0.0.1./", "loopback"),
    ("http://127.255.255.254/", "loopback"),
    # unspecified, private, shared, link-local (cloud metadata)
    ("http://0.0.0.0/", "unspecified"),
    ("http://0/", "unspecified"),
    ("http://0.1.2.3/", "unspecified"),
    ("http://10.0.0.1/", "private"),
    ("http://172.16.0.1/", "private"),
    ("http://172.31.255.255/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://100.64.0.1/", "shared"),
    ("http://100.127.255.255/", "shared"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://169.254.169.254:80/", "link-local"),
    ("http://2852039166/", "link-local"),  # 169.254.169.254 as one number
    ("http://0xa9.0xfe.0xa9.0xfe/", "link-local"),
    # multicast, reserved, broadcast, documentation, benchmarking
    ("http://224.0.0.1/", "multicast"),
    ("http://239.255.255.250/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://255.255.255.255/", "reserved"),
    ("http://192.0.0.170/", "reserved"),
    ("http://192.0.2.1/", "reserved"),
    ("http://198.18.0.1/", "reserved"),
    # IPv6
    ("http://[::1]/", "loopback"),
    ("http://[::1]:22/", "loopback"),
    ("http://[0:0:0:0:0:0:0:1]/", "loopback"),
    ("http://[::]/", "unspecified"),
    ("http://[fe80::1]/", "link-local"),
    ("http://[febf::1]/", "link-local"),
    ("http://[fc00::1]/", "unique local"),
    ("http://[fd00:ec2::254]/", "unique local"),  # AWS's IPv6 metadata address
    ("http://[ff02::1]/", "multicast"),
    ("http://[fec0::1]/", "reserved"),
    ("http://[2001:db8::1]/", "reserved"),
    ("http://[2001::1]/", "reserved"),  # Teredo
    ("http://[100::1]/", "reserved"),
    ("http://[::127.0.0.1]/", "reserved"),  # IPv4-compatible (deprecated)
    ("http://[4000::1]/", "reserved"),  # outside global unicast
    # IPv4 inside IPv6
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://[::ffff:7f00:1]/", "loopback"),
    ("http://[0:0:0:0:0:ffff:7f00:1]/", "loopback"),
    ("http://[::ffff:169.254.169.254]/", "link-local"),
    ("http://[::ffff:10.0.0.1]/", "private"),
    ("http://[::ffff:0.0.0.0]/", "unspecified"),
    ("http://[64:ff9b::169.254.169.254]/", "link-local"),  # NAT64
    ("http://[64:ff9b:1::1]/", "reserved"),
    ("http://[2002:7f00:1::1]/", "loopback"),  # 6to4 of 127.0.0.1
    # names for this machine
    ("http://localhost/", "localhost"),
    ("http://LOCALHOST:8080/", "localhost"),
    ("http://localhost./", "localhost"),
    ("http://app.localhost/", "localhost"),
    ("https://a.b.localhost:443/x", "localhost"),
    # userinfo that makes the host look like another
    ("http://example.com@127.0.0.1/", "loopback"),
    ("http://user:pass@169.254.169.254/", "link-local"),
]

ALLOWED = [
    "http://example.com/hook",
    "https://hooks.example.com:8443/x?y=1",
    "http://8.8.8.8/",
    "http://1.1.1.1:8080/",
    "http://134744072/",  # 8.8.8.8 as one number: a public address, however it is written
    "http://[2606:4700:4700::1111]/",
    "http://[::ffff:8.8.8.8]/",
    "http://[64:ff9b::8.8.8.8]/",
    "http://localhost.example.com/",  # only localhost and *.localhost are names for this machine
    "http://mylocalhost/",
    "http://100.63.255.255/",
    "http://100.128.0.1/",
    "http://172.32.0.1/",
    "http://169.253.1.1/",
]

MALFORMED = [
    "http://[::1",
    "http://[::1]x/",
    "http://[not-ipv6]/",
    "http:///path",
    "http://:80/",
    "http://example.com:99999/",
    "http://example.com:0/",
    "http://1.2.3.4.5/",
    "http://256.0.0.1/",
    "http://0x100.0.0.1/",
    "http://4294967296/",  # more than 32 bits
    "http://08.0.0.1/",  # 8 is not an octal digit
    "http://foo.0x/",
    "http://0177.0.0.1/",  # httpx reads four decimal-looking parts strictly: leading zeros are refused
    "http://0251.0376.0251.0376/",
    "http://a..b/",
    "http://exam%70le.com/",
    "http://[fe80::1%25eth0]/",
    "ftp://example.com/",
    "gopher://127.0.0.1:6379/_",
    "file:///etc/passwd",
]


@pytest.mark.parametrize(("url", "kind"), DENIED)
def test_internal_targets_are_refused(url: str, kind: str) -> None:
    with pytest.raises(Refused) as refused:
        vet_url(url, NOTHING_ALLOWED)
    assert kind in str(refused.value) and "RECESS_WEBHOOK_ALLOW" in str(refused.value)


@pytest.mark.parametrize("url", ALLOWED)
def test_public_targets_pass(url: str) -> None:
    assert vet_url(url, NOTHING_ALLOWED).host


@pytest.mark.parametrize("url", MALFORMED)
def test_malformed_urls(url: str) -> None:
    with pytest.raises(Malformed):
        targets.parse_url(url)


def test_hosts_are_read_as_the_client_reads_them() -> None:
    target = targets.parse_url("http://0x7f.1:8080/x")
    assert (target.scheme, target.host, target.port, target.address) == ("http", "127.0.0.1", 8080, ipaddress.ip_address("127.0.0.1"))
    assert targets.parse_url("https://Example.COM./").host == "example.com"
    assert targets.parse_url("https://example.com/").port == 443
    assert targets.parse_url("http://[::FFFF:7F00:1]/").host == "::ffff:7f00:1"
    assert targets.read_host("a_b-c.example") == ("a_b-c.example", None)


def test_the_message_names_the_host_as_written() -> None:
    with pytest.raises(Refused, match=r"^2130706433 \(127\.0\.0\.1\) is a loopback address"):
        vet_url("http://2130706433/", NOTHING_ALLOWED)
    with pytest.raises(Refused, match=r"169\.254\.169\.254 is a link-local address .*cloud metadata"):
        vet_url("http://169.254.169.254/", NOTHING_ALLOWED)


# --- RECESS_WEBHOOK_ALLOW --------------------------------------------------------------------------


def test_allow_list_is_read() -> None:
    allow = parse_allow(" 10.1.0.0/16, fd00::/8 ,hooks.internal, alerts.Internal.:9093, 10.0.0.5:8080, [fd00::5]:81, ::1, ,")
    assert allow.networks == (ipaddress.ip_network("10.1.0.0/16"), ipaddress.ip_network("fd00::/8"))
    assert allow.hosts == (("hooks.internal", None), ("alerts.internal", 9093), ("10.0.0.5", 8080), ("fd00::5", 81), ("::1", None))
    assert not parse_allow("") and not parse_allow(None) and parse_allow("127.0.0.1/32")


@pytest.mark.parametrize("entry", ["10.0.0.1/33", "10.0.0.5/8", "a b", "[::1", "[::1]x", "host:0", "host:http",
                                   "host:70000", "1.2.3.4.5", "exam%70le.com", "http://10.0.0.1/"])
def test_allow_list_entries_that_cannot_be_read(entry: str) -> None:
    with pytest.raises(ValueError, match="'"):
        parse_allow(f"10.0.0.0/8,{entry}")


def test_cidrs_allow_any_port_and_ipv4_mapped_forms() -> None:
    allow = parse_allow("127.0.0.1/32,10.0.0.0/8")
    assert vet_url("http://127.0.0.1:5432/", allow).port == 5432
    assert vet_url("http://2130706433/", allow).host == "127.0.0.1"
    assert vet_url("http://[::ffff:127.0.0.1]:8080/", allow)
    assert vet_url("http://10.200.1.1/", allow)
    for still in ("http://127.0.0.2/", "http://[::1]/", "http://169.254.169.254/", "http://localhost/"):
        with pytest.raises(Refused):
            vet_url(still, allow)


def test_host_entries_allow_a_host_on_a_port() -> None:
    allow = parse_allow("10.0.0.5:8080,localhost:9000,[::1]:81,hooks.internal")
    assert vet_url("http://10.0.0.5:8080/", allow)
    assert vet_url("http://localhost:9000/", allow)
    assert vet_url("http://[::1]:81/", allow)
    for refused in ("http://10.0.0.5:8081/", "http://10.0.0.5/", "http://localhost:9001/", "http://[::1]:82/"):
        with pytest.raises(Refused):
            vet_url(refused, allow)


def test_resolved_addresses_any_denied_refuses() -> None:
    public, loopback, metadata = (ipaddress.ip_address(a) for a in ("93.184.216.34", "127.0.0.1", "169.254.169.254"))
    assert targets.resolved_refusal("hooks.example", 443, [public], NOTHING_ALLOWED) is None
    why = targets.resolved_refusal("rebind.example", 443, [public, loopback], NOTHING_ALLOWED)
    assert why is not None and why.startswith("rebind.example resolves to 127.0.0.1, a loopback address")
    assert targets.resolved_refusal("x.example", 80, [ipaddress.ip_address("::ffff:169.254.169.254")], NOTHING_ALLOWED)
    assert targets.resolved_refusal("x.example", 80, [], NOTHING_ALLOWED) == "x.example resolved to no address"
    # The allow list: a CIDR covers the addresses it contains, a host entry the name whatever it resolves to.
    assert targets.resolved_refusal("rebind.example", 443, [public, loopback], parse_allow("127.0.0.0/8")) is None
    assert targets.resolved_refusal("rebind.example", 443, [loopback, metadata], parse_allow("127.0.0.0/8"))
    assert targets.resolved_refusal("hooks.internal", 80, [metadata], parse_allow("hooks.internal")) is None
    assert targets.resolved_refusal("hooks.internal", 80, [metadata], parse_allow("hooks.internal:8080"))


def test_deny_rules_agree_with_the_standard_library_where_it_is_sure() -> None:
    """Every address Python calls loopback, link-local, multicast, unspecified or private is
    denied (samples from each block), so no block was forgotten."""
    for text in ("127.8.9.10", "169.254.0.1", "224.1.1.1", "0.0.0.0", "10.9.9.9", "172.20.0.1", "192.168.0.1",
                 "::1", "fe80::abcd", "ff05::2", "::", "fd12:3456::1", "::ffff:192.168.0.1"):
        address = ipaddress.ip_address(text)
        assert address.is_private or address.is_loopback or address.is_link_local or address.is_multicast \
            or address.is_unspecified
        assert targets.address_denial(address) is not None, text
    for text in ("8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001::200e"):
        assert targets.address_denial(ipaddress.ip_address(text)) is None, text
