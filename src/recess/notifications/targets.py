"""Where webhooks may be sent: a deny list of internal targets, and the operator's exceptions. Pure.

recess POSTs to URLs its API users write, from inside the operator's network, so a webhook
must not reach what only that network can: loopback, private (RFC 1918, fc00::/7), link-local
(169.254.0.0/16, where cloud metadata services answer, and fe80::/10), unspecified, multicast,
reserved and shared (CGNAT, 100.64.0.0/10) addresses, IPv4 addresses wrapped in IPv6 forms
(::ffff:a.b.c.d, NAT64, 6to4), and the names `localhost` and `*.localhost`. IPv6 outside
global unicast (2000::/3) is reserved too.

A URL is vetted twice: when a webhook is written (its host, without looking names up: a
literal denied address or a denied name is refused) and when it is sent (every address the
name resolves to must pass, and the connection goes to one of those very addresses; see
`recess.notifications.delivery`). Hosts are read as WHATWG URL parsers and `inet_aton` read
them, so `2130706433`, `0x7f.1` and `127.1` are 127.0.0.1, not names.

`RECESS_WEBHOOK_ALLOW` (`parse_allow`) lists exceptions: CIDRs (any port), and host[:port]
entries (a name, or an address), which allow that host (on that port) whatever it resolves to.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOW_SETTING = "RECESS_WEBHOOK_ALLOW"
DEFAULT_PORTS = {"http": 80, "https": 443}
_NAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$")

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network
# (network, what it is), first match wins; IPv4 forms inside IPv6 are unwrapped before these.
_DENIED_V4: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (_V4("0.0.0.0/8"), "an unspecified address (0.0.0.0/8)"),
    (_V4("10.0.0.0/8"), "a private address (RFC 1918)"),
    (_V4("100.64.0.0/10"), "a shared address (carrier-grade NAT, 100.64.0.0/10)"),
    (_V4("127.0.0.0/8"), "a loopback address"),
    (_V4("169.254.0.0/16"), "a link-local address (169.254.0.0/16, where cloud metadata services answer)"),
    (_V4("172.16.0.0/12"), "a private address (RFC 1918)"),
    (_V4("192.0.0.0/24"), "a reserved address (IETF protocol assignments)"),
    (_V4("192.0.2.0/24"), "a reserved address (documentation)"),
    (_V4("192.88.99.0/24"), "a reserved address (6to4 relay anycast)"),
    (_V4("192.168.0.0/16"), "a private address (RFC 1918)"),
    (_V4("198.18.0.0/15"), "a reserved address (benchmarking)"),
    (_V4("198.51.100.0/24"), "a reserved address (documentation)"),
    (_V4("203.0.113.0/24"), "a reserved address (documentation)"),
    (_V4("224.0.0.0/4"), "a multicast address"),
    (_V4("240.0.0.0/4"), "a reserved address (240.0.0.0/4, broadcast included)"),
)
_DENIED_V6: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (_V6("::/128"), "an unspecified address"),
    (_V6("::1/128"), "a loopback address"),
    (_V6("64:ff9b:1::/48"), "a reserved address (local-use NAT64)"),
    (_V6("100::/64"), "a reserved address (discard-only)"),
    (_V6("2001::/23"), "a reserved address (IETF protocol assignments, Teredo included)"),
    (_V6("2001:db8::/32"), "a reserved address (documentation)"),
    (_V6("3fff::/20"), "a reserved address (documentation)"),
    (_V6("fc00::/7"), "a unique local (private) address"),
    (_V6("fe80::/10"), "a link-local address"),
    (_V6("fec0::/10"), "a reserved address (site-local)"),
    (_V6("ff00::/8"), "a multicast address"),
)
_GLOBAL_UNICAST = _V6("2000::/3")
_MAPPED = _V6("::ffff:0:0/96")
_NAT64 = _V6("64:ff9b::/96")
_SIXTOFOUR = _V6("2002::/16")


class Malformed(ValueError):
    """A URL or host that cannot be read; the message says why."""


class Refused(Exception):
    """A target recess does not send to; the message says why. Not an OSError, so that HTTP
    clients let it through unchanged rather than reporting a connection error."""


@dataclass(frozen=True)
class Target:
    """A URL's scheme, host (lower case, IP addresses in canonical form), port (the default one
    when the URL names none) and, when the host is an IP address, that address."""

    scheme: str
    host: str
    port: int
    address: Address | None


# --- hosts ---------------------------------------------------------------------------------------


def _ipv4_number(part: str) -> int | None:
    """A WHATWG IPv4 number (decimal, 0x hex or 0-prefixed octal), or None if it is not one."""
    if part[:2] in ("0x", "0X"):
        digits, base = part[2:], 16
        if digits == "":
            return 0
    elif len(part) > 1 and part[0] == "0":
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    allowed = "0123456789abcdefABCDEF" if base == 16 else "0123456789"[:base]
    if digits == "" or any(c not in allowed for c in digits):
        return None
    return int(digits, base)


def _ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a host is, read as browsers and inet_aton read it (1 to 4 parts, each
    decimal, octal or hex: `2130706433`, `0x7f.1`, `127.1`, `0177.0.0.1`), or None for a name.
    A host whose last label is a number but which is no address is malformed."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    last = parts[-1]
    if last == "" or (not last.isdigit() and _ipv4_number(last) is None):
        return None  # a name (WHATWG: it does not end in a number)
    numbers = [_ipv4_number(p) if p else None for p in parts]
    if len(parts) > 4 or any(n is None for n in numbers):
        raise Malformed(f"{host} ends in a number but is not an IPv4 address")
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        raise Malformed(f"{host} is not an IPv4 address: a part is out of range")
    value = values[-1]
    for i, n in enumerate(values[:-1]):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def read_host(host: str) -> tuple[str, Address | None]:
    """(the host in canonical form, its address when it is an IP address). Raises Malformed."""
    text = host.strip("[]") if host.startswith("[") and host.endswith("]") else host
    if text == "":
        raise Malformed("the URL has no host")
    if "%" in text:
        raise Malformed(f"{host}: percent-escapes and IPv6 zone identifiers are not accepted in a host")
    if ":" in text:
        try:
            v6 = ipaddress.IPv6Address(text)
        except ValueError:
            raise Malformed(f"{host} is not an IPv6 address") from None
        return str(v6), v6
    name = text.lower()
    if not _NAME.match(name.removesuffix(".") or "."):
        raise Malformed(f"{host} is not a host name: use letters, digits, '-', '_' and dots")
    v4 = _ipv4(name)
    if v4 is not None:
        return str(v4), v4
    return name.removesuffix("."), None


def parse_url(url: str) -> Target:
    """Read a webhook URL as the HTTP client will. Raises Malformed."""
    try:
        parsed = httpx.URL(url)
        raw_host = parsed.raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise Malformed(f"it cannot be read as a URL ({exc})" if str(exc) else "it cannot be read as a URL") from None
    if parsed.scheme not in DEFAULT_PORTS:
        raise Malformed("it must be an http or https URL")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise Malformed(f"port {parsed.port} is not between 1 and 65535")
    host, address = read_host(raw_host)
    return Target(parsed.scheme, host, parsed.port or DEFAULT_PORTS[parsed.scheme], address)


# --- the deny list ---------------------------------------------------------------------------------


def address_denial(address: Address) -> str | None:
    """What makes an address internal (`"a loopback address"`…), or None for one recess may reach."""
    if isinstance(address, ipaddress.IPv4Address):
        return next((why for net, why in _DENIED_V4 if address in net), None)
    address = ipaddress.IPv6Address(int(address))  # without a zone identifier
    for net, form in ((_MAPPED, "IPv4-mapped"), (_NAT64, "NAT64"), (_SIXTOFOUR, "6to4")):
        if address in net:
            inner = ipaddress.IPv4Address((int(address) >> 80) & 0xFFFFFFFF if net is _SIXTOFOUR else int(address) & 0xFFFFFFFF)
            why = address_denial(inner)
            return None if why is None else f"{inner} in {form} IPv6 form, {why}"
    found = next((why for net, why in _DENIED_V6 if address in net), None)
    if found is None and address not in _GLOBAL_UNICAST:
        return "a reserved address (outside IPv6 global unicast, 2000::/3)"
    return found


def name_denial(host: str) -> str | None:
    """What makes a host name internal, or None. `host` as `read_host` gives it."""
    if host == "localhost" or host.endswith(".localhost"):
        return "a name for this machine (localhost)"
    return None


# --- the operator's exceptions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Allow:
    """RECESS_WEBHOOK_ALLOW, read: networks allowed on any port, and hosts (names or canonical
    addresses) allowed on one port or, with None, on any."""

    networks: tuple[Network, ...] = ()
    hosts: tuple[tuple[str, int | None], ...] = ()

    def host_allowed(self, host: str, port: int) -> bool:
        """An entry names this very host (and port): it may be sent to whatever it resolves to."""
        return any(h == host and p in (None, port) for h, p in self.hosts)

    def address_allowed(self, address: Address, port: int) -> bool:
        plain = address
        if isinstance(address, ipaddress.IPv6Address):
            plain = address.ipv4_mapped or ipaddress.IPv6Address(int(address))
        return any(plain in net or address in net for net in self.networks) or self.host_allowed(str(plain), port)

    def __bool__(self) -> bool:
        return bool(self.networks or self.hosts)


NOTHING_ALLOWED = Allow()


def _port(text: str, entry: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"{entry!r}: the port must be a number from 1 to 65535")
    return int(text)


def _allow_entry(entry: str) -> Network | tuple[str, int | None]:
    if "/" in entry:
        try:
            return ipaddress.ip_network(entry)
        except ValueError as exc:
            raise ValueError(f"{entry!r} is not a CIDR ({exc})") from None
    host, port = entry, None
    if entry.startswith("["):  # [IPv6] or [IPv6]:port
        inside, close, rest = entry[1:].partition("]")
        if not close or (rest and not rest.startswith(":")):
            raise ValueError(f"{entry!r}: write an IPv6 address with a port as [address]:port")
        host, port = inside, _port(rest[1:], entry) if rest else None
    elif entry.count(":") == 1:  # name:port or IPv4:port; more colons are a bare IPv6 address
        host, text = entry.split(":")
        port = _port(text, entry)
    try:
        canonical, _ = read_host(host)
    except Malformed as exc:
        raise ValueError(f"{entry!r} is neither a CIDR nor host[:port] ({exc})") from None
    return canonical, port


def parse_allow(text: str | None) -> Allow:
    """Read RECESS_WEBHOOK_ALLOW: comma-separated CIDRs (`10.1.0.0/16`, `fd00:ec2::/32`) and
    host[:port] entries (`hooks.internal`, `alerts.internal:9093`, `10.0.0.5:8080`,
    `[fd00::5]:8080`). Raises ValueError naming the first entry it cannot read."""
    networks: list[Network] = []
    hosts: list[tuple[str, int | None]] = []
    for entry in (e.strip() for e in (text or "").split(",")):
        if not entry:
            continue
        read = _allow_entry(entry)
        if isinstance(read, tuple):
            hosts.append(read)
        else:
            networks.append(read)
    return Allow(tuple(networks), tuple(hosts))


# --- verdicts ------------------------------------------------------------------------------------------

_ADVICE = f"recess does not send webhooks to internal targets unless the operator allows them ({ALLOW_SETTING})"


def host_refusal(host: str, port: int, address: Address | None, allow: Allow, written: str | None = None) -> str | None:
    """Why a URL's host may not be sent to, judged without resolving names; None if it may be
    (a name still has to resolve to addresses that pass `resolved_refusal`). `written`: the host
    as the URL spells it, when that differs (`0x7f.1`), for the message."""
    if allow.host_allowed(host, port):
        return None
    shown = host if written in (None, host) else f"{written} ({host})"
    if address is not None:
        why = address_denial(address)
        if why is not None and not allow.address_allowed(address, port):
            return f"{shown} is {why}; {_ADVICE}"
        return None
    why = name_denial(host)
    return None if why is None else f"{shown} is {why}; {_ADVICE}"


def resolved_refusal(host: str, port: int, addresses: Iterable[Address], allow: Allow) -> str | None:
    """Why a name that resolved to `addresses` may not be sent to: ANY denied address refuses it
    (a name that answers once with a public address and once with an internal one must not get
    through). None if all pass, or the allow list names the host itself."""
    if allow.host_allowed(host, port):
        return None
    found = list(addresses)
    if not found:
        return f"{host} resolved to no address"
    for address in found:
        why = address_denial(address)
        if why is not None and not allow.address_allowed(address, port):
            return f"{host} resolves to {address}, {why}; {_ADVICE}"
    return None


def vet_url(url: str, allow: Allow) -> Target:
    """The target of a URL that may be written or sent to, as far as can be told without
    resolving names. Raises Malformed or Refused."""
    target = parse_url(url)
    why = host_refusal(target.host, target.port, target.address, allow, httpx.URL(url).host)
    if why is not None:
        raise Refused(why)
    return target
